"""The Jinja environment and the rendering of the bulletin's one template source to HTML
(self-contained, for screens) and to PDF (WeasyPrint, for print).

Templates are looked up in the user's override folder first, then in the built-in
templates; ``builtin/NAME`` always reaches the built-in one, so an override can extend
the very template it replaces.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import jinja2
from pydantic import BaseModel

from . import turkish
from .charts import Chart
from .compute import Figures
from .config import Config
from .errors import TemplateError
from .fonts import font_files, web_font_faces
from .period import creation_date

MAIN_TEMPLATE = "bulletin.html"


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
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PrefixLoader({"builtin": builtin}), *loaders]),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(turkish.FILTERS)
    return env


@dataclass(frozen=True)
class Context:
    """Everything a template can use; nothing else reaches it."""

    figures: Figures
    charts: dict[str, Chart]
    config: Config
    created: dt.date
    medium: str
    """``html`` or ``pdf``: the print stylesheet embeds fonts only for the PDF"""

    def as_dict(self) -> dict[str, Any]:
        return {
            "figures": self.figures,
            "period": self.figures.period,
            "charts": self.charts,
            "config": self.config,
            "labels": self.config.labels,
            "created": self.created,
            "medium": self.medium,
            "fonts": {style: path.as_uri() for style, path in font_files().items()},
            "web_fonts": web_font_faces() if self.medium == "html" else "",
        }


def render_html(env: jinja2.Environment, context: Context) -> str:
    return render_template(env, MAIN_TEMPLATE, context.as_dict())


def render_template(env: jinja2.Environment, name: str, variables: dict[str, Any]) -> str:
    """Render one template; any template mistake becomes a TemplateError naming the file
    and line."""
    try:
        return env.get_template(name).render(variables)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(exc.message or str(exc), template=exc.filename or exc.name, line=exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"şablon bulunamadı: {exc.name}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"tanımsız değişken: {exc.message}", **_template_position(exc)) from None


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
        return {"name": value.name, "svg": f"<{len(value.svg)} karakter>", "data_uri": "<data:image/svg+xml…>"}
    if dataclasses.is_dataclass(value):
        plain = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if expand_properties:
            for name, attribute in vars(type(value)).items():
                if isinstance(attribute, property) and not name.startswith("_"):
                    plain[name] = _plain(getattr(value, name), expand_properties=False)
        return plain
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(exclude={"base_dir"}))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (Decimal, dt.date, Path)):
        return str(value)
    return value


def context_json(config: Config, prepared) -> str:
    """The whole template context of a build, as editors see it in templates."""
    context = Context(prepared.figures, prepared.charts, config, creation_date(prepared.period).date(), "html")
    plain = _plain(context.as_dict())
    plain["web_fonts"] = f"<@font-face kuralları, gömülü yazı tipleri: {len(context.as_dict()['web_fonts'])} karakter>"
    return json.dumps(plain, ensure_ascii=False, indent=2)
