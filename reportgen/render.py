"""The Jinja environment and the rendering of the bulletin's one template source to HTML
(self-contained, for screens) and to PDF (WeasyPrint, for print).

Templates are looked up in the user's override folder first, then in the built-in
templates; ``builtin/NAME`` always reaches the built-in one, so an override can extend
the very template it replaces. Templates run in Jinja's immutable sandbox with
autoescaping on for HTML and CSS, and see only plain data: no paths, no passwords.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from . import turkish
from .graphics import Chart
from .compute import Figures
from .profiles import Profile
from .config import Config
from .data.sections import ExtraTable
from .revisions import Revision
from .errors import TemplateError
from .cache import CompiledTemplates
from .fonts import font_files, web_font_faces

MAIN_TEMPLATE = "bulletin.html"
_CSS_UNSAFE = re.compile(r"[\"'\\<>&\x00-\x1f\x7f\u2028\u2029]")


def css_string(value: Any) -> Markup:
    """Any text as a quoted CSS string that cannot end the string or the ``<style>``
    element: ``'a"</style>'`` → ``"a\\22 \\3c /style\\3e "``."""
    text = value.unescape() if isinstance(value, Markup) else str(value)
    escaped = _CSS_UNSAFE.sub(lambda match: f"\\{ord(match.group()):x} ", text)
    return Markup(f'"{escaped}"')


FILTERS = {**turkish.FILTERS, "css_string": css_string}


def builtin_templates() -> Path:
    """Inside an installed wheel the templates sit in the package; in a source checkout
    (editable install) they are the repository's top-level ``templates/``."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def environment(override_dir: Optional[Path] = None) -> jinja2.Environment:
    builtin = jinja2.FileSystemLoader(builtin_templates())
    loaders: list[jinja2.BaseLoader] = [builtin]
    if override_dir is not None:
        loaders.insert(0, jinja2.FileSystemLoader(override_dir))
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader([jinja2.PrefixLoader({"builtin": builtin}), *loaders]),
        autoescape=jinja2.select_autoescape(["html", "css"], default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=CompiledTemplates(Path(__file__)),
    )
    env.filters.update(FILTERS)
    return env


class Numbering:
    """Tables, charts and maps numbered in reading order ("Tablo 3"), and references to
    them. Sections are editable and come in the configured order, so the numbers are found
    by rendering the page once and printed by rendering it again; a reference may come
    before the caption it names."""

    def __init__(self, found: Optional["Numbering"] = None) -> None:
        self._found = {key: (label, title) for key, label, title in found.entries} if found else None
        self._counts: dict[str, int] = {}
        self.entries: list[tuple[str, str, str]] = []
        """(key, "Tablo 3", the caption's title) of each caption so far, in order"""

    def label(self, kind: str, key: str, title: str = "") -> str:
        """The next number of ``kind`` (the word the caption starts with), for the caption
        named ``key``."""
        if any(key == seen for seen, _, _ in self.entries):
            raise TemplateError(f"'{key}' adı iki başlıkta kullanılmış; her tablo ve grafiğin adı tek olmalı")
        self._counts[kind] = self._counts.get(kind, 0) + 1
        label = f"{kind} {self._counts[kind]}"
        self.entries.append((key, label, str(title)))
        return label

    def ref(self, key: str) -> str:
        """"Tablo 3" for the caption named ``key``, wherever it is on the page."""
        if self._found is None:
            return key
        if key not in self._found:
            raise TemplateError(f"'{key}' adlı bir tablo ya da grafik yok; atıf yalnızca başlığı olan bir "
                                "tablo ya da grafiğe yapılabilir")
        return self._found[key][0]

    def has(self, key: str) -> bool:
        """Whether the page has a caption named ``key`` (in the first pass, when numbers
        are still being found, always true; so a caption must not depend on it)."""
        return self._found is None or key in self._found

    @property
    def contents(self) -> list[tuple[str, str, str]]:
        """Every caption of the page, (key, label, title), for a contents list."""
        return list(self.entries if self._found is None else
                    [(key, label, title) for key, (label, title) in self._found.items()])


@dataclass(frozen=True)
class Download:
    """A file of the same build that the page links to, by its relative name."""

    file: str
    kind: str
    """``pdf``, ``xlsx``, ``tidy-csv``, ``parquet`` or ``csv``"""
    title: str = ""


@dataclass(frozen=True)
class Release:
    """The bulletin's release dates: this one and, when known, the next."""

    date: dt.date
    next: Optional[dt.date] = None


@dataclass(frozen=True)
class Context:
    """Everything a template can use; nothing else reaches it."""

    figures: Figures
    charts: dict[str, Chart]
    config: Config
    created: dt.date
    medium: str
    """``html`` or ``pdf``: the print stylesheet embeds fonts only for the PDF"""
    profile: Optional[Profile] = None
    """the province of a profile page"""
    downloads: tuple[Download, ...] = ()
    """the build's other files, for the page's download links"""
    extra: dict[str, ExtraTable] = dataclasses.field(default_factory=dict)
    """editors' sections by name: what their queries returned"""
    revisions: list[Revision] = dataclasses.field(default_factory=list)
    """figures an earlier release printed differently, largest revision first"""

    def as_dict(self) -> dict[str, Any]:
        shown = self.config.for_templates()
        return {
            **({"profile": self.profile} if self.profile else {}),
            "release": release_of(self.config, self.created),
            "downloads": list(self.downloads),
            "extra": self.extra,
            "revisions": self.revisions,
            "figures": self.figures,
            "period": self.figures.period,
            "charts": self.charts,
            "config": shown,
            "labels": shown["labels"],
            "created": self.created,
            "medium": self.medium,
            "fonts": {style: path.as_uri() for style, path in font_files().items()},
            "web_fonts": web_font_faces() if self.medium == "html" else "",
        }


def release_of(config: Config, created: dt.date) -> Release:
    """The release date (configured, or the bulletin's date) and the next one: configured,
    or the first date of the release calendar after it."""
    date = config.release.date or created
    later = sorted(d for d in config.release.calendar if d > date)
    return Release(date=date, next=config.release.next or (later[0] if later else None))


def render_html(env: jinja2.Environment, context: Context) -> str:
    return render_page(env, MAIN_TEMPLATE, context.as_dict())


def render_page(env: jinja2.Environment, name: str, variables: dict[str, Any]) -> str:
    """A page rendered twice: the first pass numbers its tables and figures, the second
    prints the numbers, references included."""
    first = Numbering()
    render_template(env, name, {**variables, "numbers": first})
    return render_template(env, name, {**variables, "numbers": Numbering(found=first)})


def render_template(env: jinja2.Environment, name: str, variables: dict[str, Any]) -> str:
    """Render one template; any template mistake becomes a TemplateError naming the file
    and line, in Turkish."""
    try:
        return env.get_template(name).render(variables)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(syntax_problem(exc.message or str(exc)), template=exc.filename or exc.name,
                            line=exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"şablon bulunamadı: {exc.name}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"tanımsız değişken: {_undefined_problem(exc.message or '')}",
                            **_template_position(exc)) from None
    except SecurityError as exc:
        raise TemplateError(f"izin verilmeyen erişim: {_translated(str(exc), _SECURITY) or exc}; şablonlar "
                            "yalnızca bağlamdaki verileri kullanabilir", **_template_position(exc)) from None
    except TemplateError:
        raise
    except Exception as exc:  # noqa: BLE001 - anything a template expression can raise
        raise TemplateError(f"şablon çalışırken hata: {_runtime_problem(exc)}", **_template_position(exc)) from None


_SYNTAX = [
    (r"Unexpected end of template\. Jinja was looking for the following tags: (.+?)\. "
     r"The innermost block that needs to be closed is '(\w+)'\.",
     "şablon beklenmedik biçimde bitti: '{2}' bloğu kapatılmamış ({1} bekleniyordu)"),
    (r"Encountered unknown tag '(\w+)'\..*", "bilinmeyen etiket '{1}'"),
    (r"unexpected end of template, expected '(.+?)'\.?", "şablon beklenmedik biçimde bitti, '{1}' bekleniyordu"),
    (r"expected token '(.+?)', got '(.+?)'", "'{1}' bekleniyordu, '{2}' bulundu"),
    (r"unexpected '(.+?)'", "beklenmeyen '{1}'"),
    (r"unexpected char '(.+?)' at (\d+)", "beklenmeyen karakter '{1}'"),
    (r"No filter named '(.+?)'\.?", "'{1}' adlı süzgeç yok"),
    (r"No test named '(.+?)'\.?", "'{1}' adlı sınama yok"),
    (r"Block '(.+?)' defined twice", "'{1}' bloğu iki kez tanımlanmış"),
    (r"tag name expected", "etiket adı bekleniyordu"),
    (r"missing end of comment tag", "yorumun kapanışı ('#}') eksik"),
    (r"unexpected end of string", "metin (tırnak) kapanmamış"),
]
_UNDEFINED = [
    (r"'(.+?)' is undefined", "'{1}' tanımlı değil"),
    (r"'(.+?)' has no attribute '(.+?)'", "{1} içinde '{2}' yok"),
    (r"(.+?) has no element (.+)", "{1} içinde {2} öğesi yok"),
]
_SECURITY = [
    (r"access to attribute '(.+?)' of '(.+?)' object is unsafe\.?", "'{2}' nesnesinin '{1}' özelliği"),
    (r"(.+?) is not safely callable", "{1} çağrılamaz"),
]
_RUNTIME = {
    ZeroDivisionError: "sıfıra bölme",
    TypeError: "uyumsuz türler",
    ValueError: "geçersiz değer",
    KeyError: "olmayan anahtar",
    IndexError: "listede olmayan sıra",
    AttributeError: "olmayan özellik",
    RecursionError: "sonsuz yineleme",
    OverflowError: "sayı taşması",
}


def _translated(message: str, table: list[tuple[str, str]]) -> Optional[str]:
    for pattern, words in table:
        match = re.fullmatch(pattern, message.strip(), flags=re.S)
        if match:
            return words.format(None, *(group.replace("' or '", "' ya da '") for group in match.groups()))
    return None


def syntax_problem(message: str) -> str:
    """Jinja's English syntax error in Turkish words; an unlisted one keeps Jinja's text
    behind a Turkish lead."""
    return _translated(message, _SYNTAX) or f"sözdizimi hatası (Jinja: {message})"


def _undefined_problem(message: str) -> str:
    return _translated(message, _UNDEFINED) or message


def _runtime_problem(exc: Exception) -> str:
    word = next((w for kind, w in _RUNTIME.items() if isinstance(exc, kind)), "beklenmeyen hata")
    return f"{word} ({type(exc).__name__}: {exc})" if str(exc) else f"{word} ({type(exc).__name__})"


def _template_position(exc: BaseException) -> dict:
    """The innermost template frame of a rendering error: its file and line."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".css")) and Path(filename).exists():
            frames.append((filename, tb.tb_lineno))
        tb = tb.tb_next
    if not frames:
        return {}
    filename, line = frames[-1]
    return {"template": filename, "line": line}


def _plain(value: Any, expand_properties: bool = True) -> Any:
    """JSON-ready view of a context value: dataclass fields and public properties,
    exact decimals as strings, charts summarised."""
    if isinstance(value, Chart):
        return {"name": value.name, "svg": f"<{len(value.svg)} karakter>", "data_uri": "<data:image/svg+xml…>",
                "inline": "<svg …>", "standalone": "<svg …>"}
    if dataclasses.is_dataclass(value):
        plain = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if expand_properties:
            for name, attribute in vars(type(value)).items():
                if isinstance(attribute, property) and not name.startswith("_"):
                    plain[name] = _plain(getattr(value, name), expand_properties=False)
        return plain
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (Decimal, dt.date, Path)):
        return str(value)
    return value


def context_json(context: Context, view: list = ()) -> str:
    """The whole template context of a build, as editors see it in templates, and under
    ``kayitlar`` the columns editors' queries can read, with examples from the data."""
    variables = context.as_dict()
    plain = _plain(variables)
    plain["web_fonts"] = f"<@font-face kuralları, gömülü yazı tipleri: {len(variables['web_fonts'])} karakter>"
    plain["kayitlar"] = _plain(list(view))
    return json.dumps(plain, ensure_ascii=False, indent=2)
