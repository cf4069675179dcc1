"""The ``config.yaml`` schema: every option is a typed field here, with its meaning.

The packaged ``defaults.yaml`` holds the default wording (Turkish lives in data, not in
Python); the user's file is merged over it key by key, then validated as a whole.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    encoding: Literal["auto", "utf-8", "utf-8-sig", "windows-1254"] = "auto"
    decimal: Literal["auto", ".", ","] = "auto"


class DatabaseSource(_Strict):
    """A database instead of files: an SQLAlchemy URL and a table or a query."""

    url: str
    table: Optional[str] = None
    query: Optional[str] = None

    @model_validator(mode="after")
    def _one_of_table_or_query(self) -> "DatabaseSource":
        if (self.table is None) == (self.query is None):
            raise ValueError("data: veritabanı için 'table' ya da 'query' anahtarlarından biri verilmeli")
        return self


class XlsxOptions(_Strict):
    sheet: Optional[str] = None
    """The sheet that holds the data; the first sheet when not given."""


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
    value_usd: str
    chapter: str
    country: str
    table_provinces: str
    table_chapters: str
    table_countries: str
    chart_chapters: str
    chart_countries: str
    region: str
    turkiye: str
    manufactured_share: str
    activity_share: str
    head_office_share: str
    cover: str
    """name of the workbook's first sheet, which lists the tables"""
    table_note: str
    """note under every table of the workbook"""
    technology: dict[str, str]
    """technology level key → its name (``yuksek: Yüksek teknoloji``)"""


class Config(_Strict):
    period: Optional[str] = None
    """Period to build: ``2023`` for a year (more forms come with monthly bulletins)."""
    data: Union[list[str], DatabaseSource] = []
    """Input files or glob patterns, relative to the config file; or a database
    (``url`` and ``table`` or ``query``)."""
    templates_dir: Optional[str] = None
    """Folder of template overrides, searched before the built-in templates."""
    output_dir: str = "output"
    """Builds go to ``<output_dir>/<period>/``; relative to the config file."""
    columns: Columns = Columns()
    csv: CsvOptions = CsvOptions()
    xlsx: XlsxOptions = XlsxOptions()
    country_names: dict[str, str] = {}
    """Overrides of CLDR's Turkish country names, by ISO code (``GB: İngiltere``)."""
    top_provinces: int = Field(15, ge=1, le=81)
    """Rows of Tablo 1 before ``Diğer`` and ``Toplam``."""
    leaders: int = Field(3, ge=1, le=81)
    """Provinces whose top chapters and countries are described."""
    leader_items: int = Field(3, ge=1, le=20)
    """Chapters and countries listed for each leading province."""
    title: str
    publisher: str
    intro: str = ""
    """Introductory text; blank lines separate paragraphs."""
    closing: str = ""
    file_stem: str
    """Name of the bulletin files without extension (``.html``, ``.pdf``)."""
    labels: Labels
    sections: list[str]
    """Sections of the annual bulletin in order; each is ``sections/<name>.html``."""
    monthly_sections: list[str]
    """Sections of the monthly bulletin in order."""
    highlights: int = Field(5, ge=1, le=81)
    """Monthly bulletins: provinces in the opening bullets and in the largest increases."""
    profiles: bool = False
    """Also build a profile (HTML and PDF) of every province, in ``iller/``."""
    provinces: list[str] = []
    """Build profiles of just these provinces (names or plate codes)."""
    strict: bool = False
    """Treat warnings (a province with no data, a change over 1000 %, a reserved chapter,
    unsupported CSS) as errors: for unattended CI builds."""
    base_dir: Path = Path(".")
    """Folder of the config file; relative paths are resolved against it (not a YAML key)."""

    @field_validator("period", mode="before")
    @classmethod
    def _period_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    def templates_path(self) -> Optional[Path]:
        return self.resolve(self.templates_dir) if self.templates_dir else None

    def resolve(self, path: str | Path) -> Path:
        path = Path(path)
        return path if path.is_absolute() else self.base_dir / path


_TYPE_WORDS = {
    "missing": "zorunlu anahtar eksik",
    "extra_forbidden": "bilinmeyen anahtar",
    "int_parsing": "tam sayı bekleniyor",
    "int_type": "tam sayı bekleniyor",
    "string_type": "metin bekleniyor",
    "list_type": "liste bekleniyor",
    "dict_type": "anahtar: değer eşlemesi bekleniyor",
    "model_type": "anahtar: değer eşlemesi bekleniyor",
    "greater_than_equal": "değer çok küçük",
    "less_than_equal": "değer çok büyük",
    "string_too_short": "metin çok kısa",
    "string_too_long": "metin çok uzun",
    "bool_parsing": "true ya da false bekleniyor",
    "literal_error": "izin verilen değerlerden biri olmalı",
    "bool_type": "true ya da false bekleniyor",
}


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(text: str, source: Path | str) -> dict:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", satır {mark.line + 1}" if mark else ""
        raise ConfigError(f"YAML okunamadı{line}: {getattr(exc, 'problem', exc)}", file=source) from None
    if not isinstance(data, dict):
        raise ConfigError("dosya bir anahtar: değer eşlemesi olmalı", file=source)
    return data


def defaults() -> dict:
    text = (Path(__file__).parent / "defaults.yaml").read_text(encoding="utf-8")
    return _read_yaml(text, "defaults.yaml")


def load_config(path: Optional[Path], overrides: Optional[dict] = None) -> Config:
    """Defaults, then the user's file (if any), then command-line overrides."""
    merged = defaults()
    base_dir = Path.cwd()
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"dosya okunamadı ({exc.strerror})", file=path) from None
        merged = _merge(merged, _read_yaml(text, path))
        base_dir = Path(path).resolve().parent
    merged = _merge(merged, {k: v for k, v in (overrides or {}).items() if v is not None})
    merged["base_dir"] = base_dir
    try:
        return Config.model_validate(merged)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"] if re.fullmatch(r"[a-z_][a-z0-9_]*|\d+", str(part)))
        word = _TYPE_WORDS.get(error["type"], f"geçersiz değer ({error['msg']})")
        if error["type"] == "value_error":
            word = str(error["ctx"]["error"])
        if error["type"] == "literal_error":
            word += f" ({error['ctx']['expected']})"
        value = error.get("input")
        shown = "" if error["type"] in ("missing",) or isinstance(value, dict) else f", verilen: {value!r}"
        raise ConfigError(word + shown, file=path, key=key) from None
