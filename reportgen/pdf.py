"""HTML to PDF with WeasyPrint: A4, fonts from the package only, tagged (PDF/UA-1), its tag tree
repaired where WeasyPrint gets it wrong."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from typing import Callable, Optional

import pikepdf

from .errors import TemplateError
from .fonts import font_files
from .notices import warn
from .graphics import PENDING


def _fetcher(charts: Optional[Callable[[str], str]] = None):
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    allowed = {path.as_uri() for path in font_files().values()}

    class PackagedAssetsOnly(URLFetcher):
        """Loads the packaged fonts, inline (data:) images and, given ``charts``, the
        charts still being drawn (``PENDING``), and nothing else: a foreign or missing
        asset stops the build instead of leaving a blank in the PDF."""

        def fetch(self, url, headers=None):
            if charts is not None and url.startswith(PENDING):
                try:
                    svg = charts(url.removeprefix(PENDING))
                except KeyError:
                    raise FatalURLFetchingError(url) from None
                return URLFetcherResponse(url, svg.encode("utf-8"), {"Content-Type": "image/svg+xml"})
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


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_OTHER_STYLES = re.compile(r"<style\b|<link\b[^>]*\bstylesheet\b", re.I)


def _shared_style(html: str) -> Optional[tuple[str, str]]:
    """The page without its one plain ``<style>`` element, and that element's CSS; None
    when the page styles itself any other way (several elements, a ``media`` attribute,
    a linked sheet), which is then left to WeasyPrint as it is."""
    match = _STYLE.search(html)
    if match is None or len(_OTHER_STYLES.findall(html)) != 1:
        return None
    return html[:match.start()] + html[match.end():], match.group(1)


@lru_cache(maxsize=4)
def _parsed_style(css: str):
    """A page style parsed once per process with the fonts it loads: pages that share it
    (the profiles) then skip parsing it and loading its fonts again, about a seventh of
    a profile's PDF."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return weasyprint.CSS(string=css, base_url=".", url_fetcher=_fetcher()[0], font_config=fonts), fonts


def html_to_pdf(html: str, created: dt.datetime, charts: Optional[Callable[[str], str]] = None,
                shared_style: bool = False) -> bytes:
    """The PDF; WeasyPrint's warnings (unsupported CSS an editor wrote, say) go to the
    warning channel. ``charts`` gives the SVG of a chart the page names as still being
    drawn (``PendingChart``), by its name; it may wait for it. With ``shared_style``, many
    pages of this process have the same style, which is parsed once (the same PDF)."""
    import weasyprint

    fetcher, fatal = _fetcher(charts)
    logger = logging.getLogger("weasyprint")
    handler = _ForwardWarnings()
    logger.addHandler(handler)
    try:
        split = _shared_style(html) if shared_style else None
        styled = {}
        if split is not None:
            html, css = split
            stylesheet, fonts = _parsed_style(css)
            styled = {"stylesheets": [stylesheet], "font_config": fonts}
        document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=".")
        with _source_date(created):
            rendered = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, **styled)
    except fatal as exc:
        raise TemplateError(f"izin verilmeyen dış kaynak: {exc} "
                            "(bülten yalnızca paketteki yazı tiplerini kullanabilir)") from None
    finally:
        logger.removeHandler(handler)
    return repair_tags(rendered)


# WeasyPrint (checked with 70) builds the tag tree page by page, so a table that runs
# over pages becomes one /Table per page, each continuation starting with the repeated
# header row; it gives a /Figure's /BBox in CSS pixels from the page's top left; it
# leaves /TH without /Scope and the /ID it gives them out of an /IDTree; and it marks
# the page-margin text (running head, page numbers) as tagged content that no element
# of the tree holds. repair_tags fixes these on the finished file.

_PT_PER_PX = Decimal("0.75")  # 72 PDF points per inch / 96 CSS pixels per inch
_MARKED = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def repair_tags(data: bytes) -> bytes:
    """The PDF with its tag tree repaired; same input, same bytes (no dates, no random /ID)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        _join_split_tables(root)
        elements = list(_elements(root))
        _figure_boxes_in_points(pdf, elements)
        _scope_header_cells(elements)
        _index_ids(pdf, root, elements)
        _mark_orphans_as_artifacts(pdf, root, {element.objgen for element, _ in elements})
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _role(obj) -> str | None:
    return str(obj.S) if isinstance(obj, pikepdf.Dictionary) and "/S" in obj else None


def _elements(node, into_tables=True):
    """(element, role) for the structure elements under ``node``, in reading order."""
    stack = _kids(node)[::-1]
    while stack:
        kid = stack.pop()
        role = _role(kid)
        if role is not None:
            yield kid, role
            if into_tables or role != "/Table":
                stack.extend(_kids(kid)[::-1])


def _ancestors(element) -> list:
    """``element``, its parent, … up to the StructTreeRoot."""
    chain = [element]
    while "/P" in chain[-1]:
        chain.append(chain[-1].P)
    return chain


def _index_of(parent, element) -> int:
    return next(i for i, kid in enumerate(_kids(parent)) if kid.objgen == element.objgen)


def _join_split_tables(root) -> None:
    """One /Table per HTML table: each page's continuation joins the table before it."""
    kept = None
    for table in [e for e, role in _elements(root, into_tables=False) if role == "/Table"]:
        paths = _continuation(kept, table) if kept is not None else None
        if paths is None:
            kept = table
            continue
        before, after = paths
        for keep, drop in reversed(list(zip(before[1:], after[1:]))):
            _absorb(keep, drop)  # the section, div … around the table ran over the page too
        first = _kids(table)[0]
        if _role(first) == "/THead" and _header(kept) is not None:
            _repeat_header_cells(kept, table, first)
            del table.K[0]  # its text becomes an artifact: nothing in the tree holds it
            first = next(iter(_kids(table)), None)
        last = _kids(kept)[-1]
        _absorb(kept, table)
        if _role(last) == _role(first) == "/TBody":
            _absorb(last, first)


def _header(table):
    return next((kid for kid in _kids(table) if _role(kid) == "/THead"), None)


def _header_cells(head) -> list:
    return [e for e, role in _elements(head) if role == "/TH"]


def _continuation(before, after):
    """The element paths from ``before`` and ``after`` up to (not including) their common
    ancestor, when ``after`` is the next page's part of the same table: it has no caption,
    it opens that page as ``before`` closes the previous one, inside elements of the same
    roles, and a repeated header has as many cells as the first. Else None."""
    up_before, up_after = _ancestors(before), _ancestors(after)
    seen = {node.objgen: i for i, node in enumerate(up_before)}
    top = next((i for i, node in enumerate(up_after) if node.objgen in seen), None)
    if top is None:
        return None
    path_before, path_after = up_before[:seen[up_after[top].objgen]], up_after[:top]
    if len(path_before) != len(path_after) or any(
            _role(a) != _role(b) for a, b in zip(path_before, path_after)):
        return None
    kids = _kids(after)
    if not kids or _role(kids[0]) == "/Caption":
        return None
    if any(_role(kid) is None for node in path_after for kid in _kids(node)):
        return None  # content or annotations held directly: leave such a tree alone
    common = up_after[top]
    if _index_of(common, path_after[-1]) != _index_of(common, path_before[-1]) + 1:
        return None
    if any(_kids(parent)[-1].objgen != node.objgen for node, parent in pairwise(path_before)):
        return None
    if any(_kids(parent)[0].objgen != node.objgen for node, parent in pairwise(path_after)):
        return None
    head = _header(before)
    if head is not None and _role(kids[0]) == "/THead" \
            and len(_header_cells(head)) != len(_header_cells(kids[0])):
        return None
    return path_before, path_after


def _repeat_header_cells(table, continuation, repeat) -> None:
    """Data cells on later pages point at the repeated header's cells: point them at the
    first header's."""
    to_first = {str(cell.get("/ID")): first.ID
                for cell, first in zip(_header_cells(repeat), _header_cells(_header(table)))
                if "/ID" in first}
    for cell, role in _elements(continuation):
        attributes = cell.get("/A")
        if role == "/TD" and isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
            attributes.Headers = pikepdf.Array([to_first.get(str(ref), ref) for ref in attributes.Headers])


def _absorb(keep, drop) -> None:
    """``drop``'s children move, in order, to the end of ``keep``; ``drop`` leaves the tree."""
    parent = drop.P
    del parent.K[_index_of(parent, drop)]
    for kid in _kids(drop):
        kid.P = keep
        keep.K.append(kid)


def _figure_boxes_in_points(pdf, elements) -> None:
    """/BBox in default user space: points from the page's bottom left (no bleed here, so
    the MediaBox top is the page height)."""
    heights = {page.obj.objgen: Decimal(str(page.MediaBox[3])) for page in pdf.pages}
    micro = Decimal("0.000001")
    for element, role in elements:
        attributes = element.get("/A") if role == "/Figure" else None
        if not isinstance(attributes, pikepdf.Dictionary) or "/BBox" not in attributes:
            continue
        x1, y1, x2, y2 = (Decimal(str(v)) * _PT_PER_PX for v in attributes.BBox)
        height = heights[element.Pg.objgen]
        attributes.BBox = pikepdf.Array([v.quantize(micro) for v in (x1, height - y2, x2, height - y1)])


def _scope_header_cells(elements) -> None:
    """/Scope on every /TH: /Row when the data cells of its row name it, else /Column
    (as WeasyPrint linked them, from the HTML ``scope``)."""
    for row, role in elements:
        if role != "/TR":
            continue
        cells = [(cell, _role(cell)) for cell in _kids(row)]
        named = {str(ref) for cell, kind in cells if kind == "/TD"
                 for ref in cell.get("/A", {}).get("/Headers", [])}
        for cell, kind in cells:
            if kind != "/TH":
                continue
            if not isinstance(cell.get("/A"), pikepdf.Dictionary):
                cell.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
            cell.A.Scope = pikepdf.Name.Row if str(cell.get("/ID")) in named else pikepdf.Name.Column


def _index_ids(pdf, root, elements) -> None:
    """The /IDTree that lets a reader resolve /Headers to header cells."""
    named = sorted((str(element.ID), element) for element, _ in elements if "/ID" in element)
    if named:
        root.IDTree = pdf.make_indirect(pikepdf.Dictionary(
            Names=pikepdf.Array([item for name, element in named for item in (pikepdf.String(name), element)])))


def _mark_orphans_as_artifacts(pdf, root, in_tree: set) -> None:
    """Marked content that no element of the tree holds (page-margin text, repeated table
    headers) becomes an /Artifact and leaves the parent tree."""
    nums = list(root.ParentTree.get("/Nums", []))  # WeasyPrint writes one flat number tree
    parents = dict(zip(nums[::2], nums[1::2]))
    for page in pdf.pages:
        holders = parents.get(page.obj.get("/StructParents"))
        if not isinstance(holders, pikepdf.Array):
            continue
        orphans = {mcid for mcid, holder in enumerate(holders)
                   if isinstance(holder, pikepdf.Dictionary) and holder.objgen not in in_tree}
        if not orphans:
            continue
        content, cleared = _unmark(page.obj.Contents.read_bytes(), orphans)
        for mcid in cleared:
            holders[mcid] = None
        page.obj.Contents = pdf.make_stream(content)


def _unmark(content: bytes, orphans: set[int]) -> tuple[bytes, set[int]]:
    """The content stream with the marked-content sequences of ``orphans`` turned into
    artifacts, and the MCIDs it found and turned."""
    cleared = set()

    def artifact(match: re.Match) -> bytes:
        if int(match[1]) not in orphans:
            return match[0]
        cleared.add(int(match[1]))
        return b"/Artifact BMC"

    return _MARKED.sub(artifact, content), cleared
