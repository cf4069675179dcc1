"""The bulletin's typeface, Source Sans Pro (OFL 1.1), shipped by the
``font-source-sans-pro`` package, so PDFs and charts never depend on the machine's fonts."""

from __future__ import annotations

from pathlib import Path

import font_source_sans_pro

STYLES = {
    "regular": "SourceSansPro-Regular.ttf",
    "italic": "SourceSansPro-It.ttf",
    "semibold": "SourceSansPro-Semibold.ttf",
    "bold": "SourceSansPro-Bold.ttf",
}


def font_files() -> dict[str, Path]:
    folder = Path(font_source_sans_pro.font_directory)
    return {style: folder / name for style, name in STYLES.items()}
