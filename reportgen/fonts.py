"""The bulletin's typeface, Source Sans Pro (OFL 1.1), shipped by the
``font-source-sans-pro`` package, so PDFs and charts never depend on the machine's fonts."""

from __future__ import annotations

import base64
import hashlib
import io
from functools import lru_cache
from pathlib import Path

import font_source_sans_pro

from .cache import cache_folder, store

STYLES = {
    "regular": "SourceSansPro-Regular.ttf",
    "italic": "SourceSansPro-It.ttf",
    "semibold": "SourceSansPro-Semibold.ttf",
    "bold": "SourceSansPro-Bold.ttf",
}


def font_files() -> dict[str, Path]:
    folder = Path(font_source_sans_pro.font_directory)
    return {style: folder / name for style, name in STYLES.items()}


# What the bulletin writes: ASCII, Latin-1, the Turkish letters and common punctuation.
WEB_CHARACTERS = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0xA0, 0x100)) \
    + "ĞğİıŞşÂâÎîÛû–—‘’“”…•·₺€"
WEB_WEIGHTS = {"regular": 400, "semibold": 600, "bold": 700}


@lru_cache(maxsize=None)
def _web_font(style: str) -> str:
    """The style subset to the bulletin's characters, as a WOFF data URI (about 20 KB),
    so the self-contained HTML looks like the PDF on any machine. Subsetting takes about
    half a second a style, so the result is cached on disk, keyed by the font file, the
    characters and the fontTools version."""
    import fontTools

    source = font_files()[style]
    key = hashlib.sha256(source.read_bytes() + WEB_CHARACTERS.encode("utf-8")
                         + fontTools.version.encode("ascii")).hexdigest()[:32]
    cached = cache_folder() / "fonts" / f"{key}.woff"
    try:
        woff = cached.read_bytes()
    except OSError:
        woff = _subset(source)
        store(cached, woff)
    return "data:font/woff;base64," + base64.b64encode(woff).decode("ascii")


def _subset(source: Path) -> bytes:
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.recalc_timestamp = False
    options.layout_features = ["*"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=WEB_CHARACTERS)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()


def web_font_faces(styles: tuple[str, ...] = tuple(WEB_WEIGHTS)) -> str:
    """``@font-face`` rules with the fonts embedded, for the HTML page and the SVG charts."""
    return "\n".join(
        f'@font-face {{ font-family: "Source Sans Pro"; font-weight: {WEB_WEIGHTS[style]}; font-style: normal; '
        f'src: url("{_web_font(style)}") format("woff"); }}'
        for style in styles)
