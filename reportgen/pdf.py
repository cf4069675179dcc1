"""HTML to PDF with WeasyPrint: A4, fonts from the package only, tagged (PDF/UA-1)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from contextlib import contextmanager

from .errors import TemplateError
from .fonts import font_files
from .notices import warn


def _fetcher():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    allowed = {path.as_uri() for path in font_files().values()}

    class PackagedAssetsOnly(URLFetcher):
        """Loads the packaged fonts and inline (data:) images and nothing else: a
        foreign or missing asset stops the build instead of leaving a blank in the PDF."""

        def fetch(self, url, headers=None):
            if url not in allowed and not url.startswith("data:"):
                raise FatalURLFetchingError(url)
            return super().fetch(url, headers)

    return PackagedAssetsOnly(allowed_protocols=("file", "data")), FatalURLFetchingError


class _ForwardWarnings(logging.Handler):
    """WeasyPrint reports unsupported CSS only as log warnings: pass them on to the
    build's warning channel as template warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        warn("template", record.getMessage())


@contextmanager
def _source_date(created: dt.datetime):
    """fontTools stamps font subsets with the time unless SOURCE_DATE_EPOCH is set."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(created.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def html_to_pdf(html: str, created: dt.datetime) -> bytes:
    """The PDF; WeasyPrint's warnings (unsupported CSS an editor wrote, say) go to the
    warning channel."""
    import weasyprint

    fetcher, fatal = _fetcher()
    logger = logging.getLogger("weasyprint")
    handler = _ForwardWarnings()
    logger.addHandler(handler)
    try:
        document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=".")
        with _source_date(created):
            return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    except fatal as exc:
        raise TemplateError(f"izin verilmeyen dış kaynak: {exc} "
                            "(bülten yalnızca paketteki yazı tiplerini kullanabilir)") from None
    finally:
        logger.removeHandler(handler)
