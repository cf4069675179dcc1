"""The ``config.yaml`` schema: every option is a typed field here, with its meaning.

The packaged ``defaults.yaml`` holds the default wording (Turkish lives in data, not in
Python); the user's file is merged over it key by key, then validated as a whole, and every
problem is reported at once with its key path and line.

Each top-level field belongs to a *part*: ``input`` (what is read), ``figures`` (what is
computed and drawn), ``queries`` (editors' sections defined by a query), ``wording`` (text the
templates print) or ``output`` (what is written where). The live preview and the manifest derive their key lists from these parts.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from .errors import ConfigError

PARTS = ("input", "figures", "queries", "wording", "output")
_SECTION_NAME = re.compile(r"[a-z][a-z0-9_]*")
_FILE_STEM = re.compile(r"[\w][\w.-]*")


def _field(part: str, default: Any = ..., *, place: bool = False, **constraints) -> Any:
    """A config field of a part; ``place`` marks a path, which the manifest replaces by
    the contents it names."""
    return Field(default, json_schema_extra={"part": part, "place": place}, **constraints)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Columns(_Strict):
    """Headers in the staff's files for each canonical column."""

    year: str = "year"
    month: str = "month"
    province: str = "province"
    hs_code: str = "hs_code"
    country: str = "country"
    value_usd: str = "value_usd"
    hq_province: str = "hq_province"


class CsvOptions(_Strict):
    """How CSV files are written; ``auto`` detects each (see README)."""

    delimiter: Literal["auto", ",", ";", "\t"] = "auto"
    encoding: Literal["auto", "utf-8", "utf-8-sig", "windows-1254", "utf-16"] = "auto"
    decimal: Literal["auto", ".", ","] = "auto"


class DatabaseSource(_Strict):
    """A database instead of files: an SQLAlchemy URL and a table or a query; with
    ``engine: spark``, no URL: a table or query of the Spark session's catalog."""

    url: Optional[str] = None
    table: Optional[str] = None
    query: Optional[str] = None

    @model_validator(mode="after")
    def _one_of_table_or_query(self) -> "DatabaseSource":
        if (self.table is None) == (self.query is None):
            raise ValueError("veritabanı için 'table' ya da 'query' anahtarlarından biri verilmeli")
        return self

    @property
    def masked_url(self) -> str:
        """The URL with its password replaced by ``***``: what may be shown anywhere."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        if self.url is None:
            return "spark"
        try:
            return make_url(self.url).render_as_string(hide_password=True)
        except (ArgumentError, ValueError):
            return "<geçersiz veritabanı adresi>"


class XlsxOptions(_Strict):
    sheet: Optional[str] = None
    """The sheet that holds the data; the first sheet when not given."""


class SparkOptions(_Strict):
    """Where Spark runs: the same build on this machine or on a cluster."""

    master: str = "local[2]"
    """``local[N]`` (N cores here), ``spark://host:7077``, ``yarn``, ``k8s://https://host:443``"""
    conf: dict[str, Union[bool, int, float, str]] = {}
    """Spark settings as Spark names them (``spark.executor.memory: 8g``)"""


class FileLabels(_Strict):
    """Column heads of the data files, the same in every period, and the workbook's
    cover, notes and unit wording."""

    period: str
    previous_period: str
    rank: str
    province_code: str
    province: str
    region_code: str
    region: str
    chapter_code: str
    chapter: str
    country_code: str
    country: str
    value: str
    share: str
    previous_value: str
    previous_share: str
    change: str
    manufactured_share: str
    activity_value: str
    activity_share: str
    head_office_value: str
    head_office_share: str
    unit: str
    unit_usd: str
    unit_usd_pct: str
    unit_pct: str
    source: str
    release: str
    next_release: str
    not_announced: str
    """what the cover says when the next release date is not known"""
    contact: str
    contents: str
    sheet: str
    title: str
    notes: str
    """name and title of the workbook's notes sheet"""
    note_marker: str
    """the word of a note marker: ``not`` in ``[not 1]``"""
    marker: str
    explanation: str
    table_notes: str
    """lead of the line above a table that lists its notes"""
    codes: str
    """note on the ``TR`` and ``DIGER`` codes of the total and other lines"""
    not_available: str
    """what ``[x]`` means"""
    not_applicable: str
    """what ``[z]`` means"""
    measure: str
    published_value: str
    revised_value: str
    revision: str
    revision_change: str
    published_in: str
    reason: str
    """heads of the revisions table"""
    measures: dict[str, str]
    """the tidy file's measure codes → what each one is, for its metadata"""
    units: dict[str, str]
    """the tidy file's unit codes → what each one is, for its metadata"""


class Labels(_Strict):
    """Short texts shared by the bulletin's tables and the exported files."""

    province: str
    plate: str
    rank: str
    share: str
    change: str
    other: str
    total: str
    value_musd: str
    chapter: str
    country: str
    table_provinces: str
    table_chapters: str
    table_countries: str
    table_all_provinces: str
    table_regions: str
    table_technology: str
    table_head_office: str
    table_revisions: str
    chart_chapters: str
    chart_countries: str
    region: str
    turkiye: str
    manufactured_share: str
    activity_share: str
    head_office_share: str
    cover: str
    """name of the workbook's first sheet, which lists the tables"""
    no_data: str
    """the map legend's entry for provinces without data"""
    and_above: str
    """the map legend's top class, after its lower bound (``5.000 ve üzeri``)"""
    technology: dict[str, str]
    """technology level key → its name (``yuksek: Yüksek teknoloji``)"""
    files: "FileLabels"
    """column heads and wording of the data files (workbook, CSV, metadata)"""


EXTRA_FORMATS = ("text", "number", "number1", "number2", "percent", "money_million", "money_words")
"""how an editor's query column is shown: as text, a number with 0-2 decimals, a per cent
(``%7,5``), dollars as million dollars (``1.234``) or in words (``1 milyar 234 milyon dolar``)"""


class ExtraSection(_Strict):
    """An editor's section: a query over the view ``kayitlar`` of the validated records,
    shown as a numbered table (and chart) after the section ``after``."""

    name: str
    """its key: the table's anchor and file name, ``extra.<name>`` in templates"""
    title: str
    after: str
    """the bulletin section it follows (one of ``sections`` / ``monthly_sections``)"""
    query: Optional[str] = None
    """one SELECT over ``kayitlar`` with parameters :year, :month, :first_month,
    :previous_year; when not given, ``sections/<name>.sql`` in the template folder"""
    columns: dict[str, Literal[EXTRA_FORMATS]] = {}  # type: ignore[valid-type]
    """display format of result columns, by name"""
    chart: Literal["bar", "line", "none"] = "none"
    chart_value: Optional[str] = None
    """the column a bar chart draws; the first numeric column when not given"""
    unit: str = ""
    """the caption's unit, e.g. ``Milyon Dolar``"""
    note: str = ""
    """a note before the source line"""

    @field_validator("name")
    @classmethod
    def _name_form(cls, value: str) -> str:
        if not _SECTION_NAME.fullmatch(value):
            raise ValueError(f"bölüm adı küçük harf, rakam ve '_' olmalı: {value!r}")
        return value


class QueryLimits(_Strict):
    """What an editor's query may cost."""

    rows: int = Field(1000, ge=1, le=100_000)
    seconds: float = Field(30, gt=0, le=3600)


class Revisions(_Strict):
    """How revisions of published figures are judged and explained."""

    threshold_pct: float = Field(0.5, ge=0)
    """a revision larger than this (per cent of the published figure) without a reason is a
    warning, and fails a ``--strict`` build"""
    reasons: dict[str, str] = {}
    """why the figures of a period were revised, by the period as the data files write it
    (``2024-05``, ``2024-01/2024-05``, ``2023``)"""


class SiteOptions(_Strict):
    """The release site that ``reportgen site`` writes from the release store."""

    url: Optional[str] = Field(None, pattern=r"^https?://[^\s\"'<>]+/$")
    """Where the site is published, ending in ``/``: the Atom feed names its own address
    with it. Pages link relatively, so the site works without it, from any folder."""


class ReleaseDates(_Strict):
    """When bulletins are published."""

    date: Optional[dt.date] = None
    """This bulletin's release date; the bulletin's date when not given."""
    next: Optional[dt.date] = None
    """The next bulletin's release date; taken from ``calendar`` when not given."""
    calendar: list[dt.date] = []
    """Announced release dates; the first one after this release is the next."""


class Config(_Strict):
    period: Optional[str] = _field("figures", None)
    """Period to build: ``2023`` (the annual bulletin), ``2024-06`` (the monthly bulletin)
    or ``latest`` (the latest month in the data); or several from one reading of the data:
    ``2024-01..2024-06``, ``2022..2023``, ``all`` (every bulletin the data supports), or a
    comma-separated list of these."""
    engine: Literal["duckdb", "spark"] = _field("input", "duckdb")
    """What reads and groups the records: DuckDB in this process, or Apache Spark."""
    spark: SparkOptions = _field("input", SparkOptions())
    """With ``engine: spark``: the master URL and settings of the Spark session."""
    data: Union[list[str], DatabaseSource] = _field("input", [], place=True)
    """Input files or glob patterns, relative to the config file; or a database
    (``url`` and ``table`` or ``query``)."""
    columns: Columns = _field("input", Columns())
    csv: CsvOptions = _field("input", CsvOptions())
    xlsx: XlsxOptions = _field("input", XlsxOptions())
    country_names: dict[str, str] = _field("figures", {})
    """Overrides of CLDR's Turkish country names, by ISO code (``GB: İngiltere``)."""
    top_provinces: int = _field("figures", 15, ge=1, le=81)
    """Rows of Tablo 1 before ``Diğer`` and ``Toplam``."""
    leaders: int = _field("figures", 3, ge=1, le=81)
    """Provinces whose top chapters and countries are described."""
    leader_items: int = _field("figures", 3, ge=1, le=20)
    """Chapters and countries listed for each leading province."""
    highlights: int = _field("figures", 5, ge=1, le=81)
    """Monthly bulletins: provinces in the opening bullets and in the largest increases."""
    labels: Labels = _field("figures")
    """Short texts of table heads, captions and chart legends."""
    provinces: list[str] = _field("figures", [])
    """Build profiles of just these provinces (names or plate codes)."""
    profiles: bool = _field("figures", False)
    """Also build a profile (HTML and PDF) of every province, in ``iller/``."""
    extra_sections: list[ExtraSection] = _field("queries", [])
    """Editors' tables (and charts) defined by a query over ``kayitlar``."""
    query_limits: QueryLimits = _field("queries", QueryLimits())
    """Row and time limits of each editor's query."""
    title: str = _field("wording")
    publisher: str = _field("wording")
    intro: str = _field("wording", "")
    """Introductory text; blank lines separate paragraphs."""
    closing: str = _field("wording", "")
    source: str = _field("wording", "")
    """The source line under every table and figure."""
    contact: str = _field("wording", "")
    """Who answers questions about the bulletin."""
    notes: list[str] = _field("wording", [])
    """Numbered notes at the end of the bulletin: provisional figures, revisions,
    definitions, rounding."""
    release: ReleaseDates = _field("wording", ReleaseDates())
    sections: list[str] = _field("wording")
    """Sections of the annual bulletin in order; each is ``sections/<name>.html``."""
    monthly_sections: list[str] = _field("wording")
    """Sections of the monthly bulletin in order."""
    templates_dir: Optional[str] = _field("wording", None, place=True)
    """Folder of template overrides, searched before the built-in templates."""
    release_store: str = _field("output", "yayinlar", place=True)
    """Folder of published releases: ``build --release`` writes ``<release_store>/<period>/``,
    and every build compares its figures with the ones published there."""
    site: SiteOptions = _field("site", SiteOptions())
    """The release site: where it is published."""
    revisions: Revisions = _field("figures", Revisions())
    """The threshold of an unexplained revision and the reasons for revisions."""
    output_dir: str = _field("output", "output", place=True)
    """Builds go to ``<output_dir>/<period>/``; relative to the config file."""
    file_stem: str = _field("output")
    """Name of the bulletin files without extension (``.html``, ``.pdf``)."""
    csv_format: Literal["standard", "excel"] = _field("output", "standard")
    """The per-table CSVs: ``standard`` (UTF-8, ``,``, decimal point) or ``excel``
    (UTF-8 with BOM, ``;``, decimal comma: what Turkish Excel opens as columns). The tidy
    ``veriler-<period>.csv`` is always standard."""
    strict: bool = _field("output", False)
    """Treat warnings (a province with no data, a change over 1000 %, a reserved chapter,
    unsupported CSS) as errors: for unattended CI builds."""
    _file: Optional[Path] = PrivateAttr(default=None)
    _base_dir: Path = PrivateAttr(default=Path("."))

    @field_validator("period", mode="before")
    @classmethod
    def _period_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("period")
    @classmethod
    def _period_form(cls, value: Optional[str]) -> Optional[str]:
        from .period import periods_form

        if value is not None:
            periods_form(value)
        return value

    @field_validator("data")
    @classmethod
    def _source_fits_engine(cls, value: Any, info) -> Any:
        if isinstance(value, DatabaseSource):
            spark = info.data.get("engine") == "spark"
            if spark and value.url is not None:
                raise ValueError("Spark motoru veritabanı adresinden okumaz: 'url' olmadan Spark kataloğundaki "
                                 "bir 'table' ya da 'query' verin, ya da engine: duckdb")
            if not spark and value.url is None:
                raise ValueError("veritabanı için 'url' gerekli (Spark kataloğundaki bir tablo için engine: spark)")
        return value

    @field_validator("file_stem")
    @classmethod
    def _plain_file_name(cls, value: str) -> str:
        if not _FILE_STEM.fullmatch(value) or ".." in value:
            raise ValueError("dosya adı yalnızca harf, rakam, '-', '_' ve '.' içerebilir "
                             "(klasör ayırıcısı ya da '..' olamaz)")
        return value

    @field_validator("sections", "monthly_sections")
    @classmethod
    def _section_names(cls, value: list[str]) -> list[str]:
        bad = [name for name in value if not _SECTION_NAME.fullmatch(name)]
        if bad:
            raise ValueError(f"bölüm adı küçük harf, rakam ve '_' olmalı: {', '.join(map(repr, bad))}")
        return value

    @field_validator("extra_sections")
    @classmethod
    def _unique_extra_names(cls, value: list[ExtraSection]) -> list[ExtraSection]:
        names = [section.name for section in value]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"ek bölüm adı tek olmalı: {', '.join(map(repr, repeated))}")
        return value

    @model_validator(mode="after")
    def _extra_sections_follow_a_section(self) -> "Config":
        known = set(self.sections) | set(self.monthly_sections)
        lost = [f"{s.name} (after: {s.after})" for s in self.extra_sections if s.after not in known]
        if lost:
            raise ValueError(f"ek bölümün 'after' anahtarı bülten bölümlerinden birini adlandırmalı: "
                             f"{', '.join(lost)}; bölümler: {', '.join(sorted(known))}")
        return self

    @field_validator("provinces")
    @classmethod
    def _known_provinces(cls, value: list[str]) -> list[str]:
        from .reference import resolve_province

        unknown = [name for name in value if resolve_province(str(name)) is None]
        if unknown:
            raise ValueError(f"bilinmeyen il: {', '.join(map(repr, unknown))}")
        return value

    def templates_path(self) -> Optional[Path]:
        return self.resolve(self.templates_dir) if self.templates_dir else None

    def resolve(self, path: str | Path) -> Path:
        """A path from the config, relative to the config file's folder (or the working
        folder when there is no config file)."""
        path = Path(path)
        return path if path.is_absolute() else self._base_dir / path

    @property
    def file(self) -> Optional[Path]:
        """The config file this was read from, if any."""
        return self._file

    def _read_from(self, path: Optional[Path]) -> "Config":
        self._file = Path(path).resolve() if path is not None else None
        self._base_dir = self._file.parent if self._file else Path.cwd()
        return self

    @classmethod
    def keys_of(cls, *parts: str, places: bool = True) -> set[str]:
        """The top-level keys of the given parts (without paths if ``places`` is false)."""
        return {name for name, info in cls.model_fields.items()
                if info.json_schema_extra["part"] in parts and (places or not info.json_schema_extra["place"])}

    def for_templates(self) -> dict[str, Any]:
        """What templates see of the config: plain values, no paths, no password."""
        shown = self.model_dump(mode="json", exclude=self.keys_of(*PARTS) - self.keys_of(*PARTS, places=False))
        if isinstance(self.data, DatabaseSource):
            shown["data"] = {**self.data.model_dump(mode="json"), "url": self.data.masked_url}
        shown["spark"]["conf"] = {key: "***" for key in self.spark.conf}
        return shown


_TYPE_WORDS = {
    "missing": "zorunlu anahtar eksik",
    "extra_forbidden": "bilinmeyen anahtar",
    "int_parsing": "tam sayı bekleniyor",
    "int_type": "tam sayı bekleniyor",
    "int_from_float": "tam sayı bekleniyor",
    "string_type": "metin bekleniyor",
    "list_type": "liste bekleniyor",
    "dict_type": "anahtar: değer eşlemesi bekleniyor",
    "model_type": "anahtar: değer eşlemesi bekleniyor",
    "model_attributes_type": "anahtar: değer eşlemesi bekleniyor",
    "greater_than_equal": "değer çok küçük",
    "less_than_equal": "değer çok büyük",
    "string_too_short": "metin çok kısa",
    "string_too_long": "metin çok uzun",
    "bool_parsing": "true ya da false bekleniyor",
    "literal_error": "izin verilen değerlerden biri olmalı",
    "bool_type": "true ya da false bekleniyor",
    "union_tag_invalid": "geçersiz değer",
}


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(text: str, source: Path | str) -> tuple[dict, dict[tuple, int]]:
    """The mapping and the line of each key path in it."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", satır {mark.line + 1}" if mark else ""
        raise ConfigError(f"YAML okunamadı{line}: {getattr(exc, 'problem', None) or exc}", file=source) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ConfigError("dosya bir anahtar: değer eşlemesi olmalı", file=source)
    return data, _key_lines(node, ())


def _key_lines(node, path: tuple) -> dict[tuple, int]:
    lines: dict[tuple, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = path + (str(key.value),)
            lines[here] = key.start_mark.line + 1
            lines.update(_key_lines(value, here))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (str(index),)] = item.start_mark.line + 1
            lines.update(_key_lines(item, path + (str(index),)))
    return lines


def defaults() -> dict:
    text = (Path(__file__).parent / "defaults.yaml").read_text(encoding="utf-8")
    return _read_yaml(text, "defaults.yaml")[0]


def _read_file(path: Path) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"dosya okunamadı ({exc.strerror})", file=path) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"dosya UTF-8 değil (satır {line}: 0x{raw[exc.start]:02X} baytı); "
                          "dosyayı UTF-8 olarak kaydedin", file=path) from None


def load_config(path: Optional[Path], overrides: Optional[dict] = None) -> Config:
    """Defaults, then the user's file (if any), then command-line overrides."""
    merged = defaults()
    lines: dict[tuple, int] = {}
    if path is not None:
        user, lines = _read_yaml(_read_file(path), path)
        merged = _merge(merged, user)
    merged = _merge(merged, {k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return Config.model_validate(merged)._read_from(path)
    except ValidationError as exc:
        raise _config_error(exc, path, lines) from None


def _config_error(exc: ValidationError, path: Optional[Path], lines: dict[tuple, int]) -> ConfigError:
    """Every problem of the file in one line: key path, line and what was expected. The
    alternatives of one key (a list of files or a database) are said together."""
    problems: dict[tuple, tuple[list[str], str]] = {}
    for error in exc.errors():
        parts = tuple(str(p) for p in error["loc"] if re.fullmatch(r"[a-z_][a-z0-9_]*|\d+", str(p)))
        word = _TYPE_WORDS.get(error["type"], f"geçersiz değer ({error['msg']})")
        if error["type"] == "value_error":
            word = str(error["ctx"]["error"])
        elif error["type"] == "literal_error":
            word += f" ({error['ctx']['expected']})"
        value = error.get("input")
        given = "" if error["type"] in ("missing", "value_error") or isinstance(value, dict) else f", verilen: {value!r}"
        words, _ = problems.setdefault(parts, ([], given))
        if word not in words:
            words.append(word)
    said = []
    for parts, (words, given) in problems.items():
        line = next((lines[parts[:n]] for n in range(len(parts), 0, -1) if parts[:n] in lines), None)
        said.append((".".join(parts), line, " ya da ".join(words) + given))
    said.sort(key=lambda problem: problem[1] or 0)
    if len(said) == 1:
        key, line, word = said[0]
        return ConfigError(word, file=path, key=key, line=line)
    listed = "; ".join(f"{f'satır {line}, ' if line else ''}anahtar '{key}': {word}" for key, line, word in said)
    return ConfigError(f"{len(said)} sorun: {listed}", file=path)
