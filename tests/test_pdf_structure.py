"""The PDF's tag tree, as a screen reader and a PDF/UA checker read it: language, figures
with alternative text, each HTML table one /Table with scoped headers (the annex too,
though it runs over pages), figure boxes where the figures are drawn, bookmarks for every
section heading and caption, and the ``pdfua`` package's rules."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from conftest import squash
from pdfua import validate

MONTHLY = "faaliyet-illerine-gore-ihracat-2024-06"
ANNUAL = "faaliyet-illerine-gore-ihracat-2023"


@pytest.fixture
def monthly_build(extra_build) -> Path:
    """The June 2024 bulletin (it has the annex of all 81 provinces) with the README's
    editors' sections, from the same sample data."""
    return extra_build


@pytest.fixture(params=["monthly", "annual"])
def bulletin(request, sample_build) -> Path:
    """The bulletin's PDF path; its HTML lies beside it."""
    if request.param == "annual":
        return sample_build / f"{ANNUAL}.pdf"
    return request.getfixturevalue("monthly_build") / f"{MONTHLY}.pdf"


def kids(node) -> list:
    value = node.get("/K")
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def role(obj) -> str | None:
    return str(obj.S) if isinstance(obj, pikepdf.Dictionary) and "/S" in obj else None


def elements(node):
    """Structure elements under ``node``, in reading order."""
    for kid in kids(node):
        if role(kid):
            yield kid
            yield from elements(kid)


def with_role(node, *roles: str) -> list:
    return [e for e in elements(node) if role(e) in roles]


def rows(table) -> list:
    """The table's /TR, header rows first, as (group, row)."""
    return [(role(group), row) for group in kids(table) if role(group) in ("/THead", "/TBody", "/TFoot")
            for row in kids(group) if role(row) == "/TR"]


def cells(row, *roles: str) -> list:
    return [cell for cell in kids(row) if role(cell) in roles]


def marked_content_ids(node) -> list[tuple[tuple[int, int], int]]:
    """(page, MCID) of the content that ``node`` and its descendants hold."""
    found = []
    for kid in kids(node):
        if isinstance(kid, int):
            found.append((node.Pg.objgen, kid))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            found.append((kid.Pg.objgen, int(kid.MCID)))
        elif role(kid):
            found.extend(marked_content_ids(kid))
    return found


class _Headings(HTMLParser):
    """The text of each h2, caption and figcaption outside the web page's navigation and
    outside a chart's data table (which repeats its chart's number and is no bookmark)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.open: list[str] = []
        self.nav = 0

    def handle_starttag(self, tag, attrs):
        self.nav += tag in ("nav", "details")
        if tag in ("h2", "caption", "figcaption") and not self.nav:
            self.open.append("")

    def handle_endtag(self, tag):
        self.nav -= tag in ("nav", "details")
        if tag in ("h2", "caption", "figcaption") and self.open:
            self.found.append(squash(self.open.pop()))

    def handle_data(self, data):
        if self.open:
            self.open[-1] += data


def headings(html: Path) -> list[str]:
    parser = _Headings()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser.found


def outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    titles = []
    with pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            titles.append(squash(item.title))
            stack.extend(item.children)
    return titles


def test_language_and_tag_tree(bulletin):
    with pikepdf.open(bulletin) as pdf:
        assert str(pdf.Root.Lang) in ("tr", "tr-TR")
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
        assert [role(e) for e in kids(pdf.Root.StructTreeRoot)] == ["/Document"]
        assert pdf.check_pdf_syntax() == []


def test_figures_have_alternative_text(bulletin):
    with pikepdf.open(bulletin) as pdf:
        figures = with_role(pdf.Root.StructTreeRoot, "/Figure")
        assert figures
        for figure in figures:
            assert str(figure.get("/Alt", "")).strip(), figure


def test_each_html_table_is_one_table_with_scoped_headers(bulletin):
    html_tables = bulletin.with_suffix(".html").read_text(encoding="utf-8").count("<table")
    with pikepdf.open(bulletin) as pdf:
        tree = pdf.Root.StructTreeRoot
        ids = dict(zip(*[iter(tree.IDTree.Names)] * 2))
        tables = with_role(tree, "/Table")
        assert len(tables) == html_tables
        for table in tables:
            assert role(kids(table)[0]) == "/Caption"  # no caption-less continuation left over
            assert rows(table)[0][0] == "/THead"
            own_ids = set()
            for _, row in rows(table):
                for cell in cells(row, "/TH"):
                    assert str(cell.A.Scope) in ("/Column", "/Row")
                    assert ids[str(cell.ID)].objgen == cell.objgen
                    own_ids.add(str(cell.ID))
            data = [cell for _, row in rows(table) for cell in cells(row, "/TD")]
            assert data
            for cell in data:
                assert {str(ref) for ref in cell.A.Headers} <= own_ids


def test_annex_runs_over_pages_as_one_table(monthly_build):
    """One /Table, its header rows once, then the 81 provinces; a row on a later page is
    labelled by the same header cells as the first row, and by its province."""
    with pikepdf.open(monthly_build / f"{MONTHLY}.pdf") as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        annex = [t for t in with_role(pdf.Root.StructTreeRoot, "/Table") if len(rows(t)) > 81]
        assert len(annex) == 1
        groups = [group for group, _ in rows(annex[0])]
        head = [row for group, row in rows(annex[0]) if group == "/THead"]
        body = [row for group, row in rows(annex[0]) if group == "/TBody"]
        assert groups == ["/THead"] * len(head) + ["/TBody"] * 81 and head
        assert len({pages[row.Pg.objgen] for row in body}) >= 2
        columns = {str(cell.ID) for row in head for cell in cells(row, "/TH")}
        assert all(str(cell.A.Scope) == "/Column" for row in head for cell in cells(row, "/TH"))
        labels = set()
        for row in body:
            (province,) = cells(row, "/TH")
            assert str(province.A.Scope) == "/Row"
            refs = [{str(ref) for ref in cell.A.Headers} for cell in cells(row, "/TD")]
            assert all(str(province.ID) in ref and ref - {str(province.ID)} <= columns for ref in refs)
            labels.add(tuple(frozenset(ref - {str(province.ID)}) for ref in refs))
        assert len(labels) == 1


def test_marked_content_is_in_the_tree_or_an_artifact(bulletin):
    """The repeated annex header and the page margins' text are artifacts: every piece of
    tagged content belongs to an element of the tree, and each to one."""
    with pikepdf.open(bulletin) as pdf:
        held = marked_content_ids(pdf.Root.StructTreeRoot)
        assert len(held) == len(set(held))
        marked = set()
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page, "BDC"):
                if isinstance(operands[-1], pikepdf.Dictionary) and "/MCID" in operands[-1]:
                    marked.add((page.obj.objgen, int(operands[-1].MCID)))
        assert marked == set(held)


def _figure_drawing(page, mcid: int) -> tuple[float, float, float, float]:
    """The extent, in default user space, of the paths drawn in the figure's marked content."""
    ctm, saved, depth, xs, ys = pikepdf.Matrix(), [], 0, [], []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            saved.append(ctm)
        elif op == "Q":
            ctm = saved.pop()
        elif op == "cm":
            ctm = pikepdf.Matrix(*map(float, operands)) @ ctm
        elif op in ("BDC", "BMC"):
            is_figure = op == "BDC" and isinstance(operands[-1], pikepdf.Dictionary) \
                and operands[-1].get("/MCID") == mcid
            depth += 1 if depth or is_figure else 0
        elif op == "EMC" and depth:
            depth -= 1
        elif depth and op in ("m", "l", "c", "re"):
            values = list(map(float, operands))
            points = list(zip(values[::2], values[1::2]))
            if op == "re":
                (x, y), (w, h) = points
                points = [(x, y), (x + w, y + h)]
            for point in points:
                x, y = ctm.transform(point)
                xs.append(x)
                ys.append(y)
    assert xs, f"nothing drawn for MCID {mcid}"
    return min(xs), min(ys), max(xs), max(ys)


def test_figure_boxes_are_where_the_figures_are_drawn(bulletin):
    with pikepdf.open(bulletin) as pdf:
        pages = {page.obj.objgen: page for page in pdf.pages}
        for figure in with_role(pdf.Root.StructTreeRoot, "/Figure"):
            page = pages[figure.Pg.objgen]
            left, bottom, right, top = map(float, figure.A.BBox)
            _, _, width, height = map(float, page.MediaBox)
            assert 0 <= left < right <= width and 0 <= bottom < top <= height
            (mcid,) = [kid for kid in kids(figure) if isinstance(kid, int)]
            x1, y1, x2, y2 = _figure_drawing(page, mcid)
            assert left - 1 <= x1 and y1 >= bottom - 1 and x2 <= right + 1 and y2 <= top + 1
            assert x2 - x1 > 0.9 * (right - left) and y2 - y1 > 0.9 * (top - bottom)


def test_bookmarks_for_section_headings_and_captions(bulletin):
    expected = headings(bulletin.with_suffix(".html"))
    assert any(re.match(r"(Tablo|Grafik) \d+: ", text) for text in expected)
    with pikepdf.open(bulletin) as pdf:
        titles = outline_titles(pdf)
    assert [text for text in expected if text not in titles] == []


def test_pdfua_rules_pass(bulletin):
    """No finding at any severity. pdfua 0.1.3's heading rule cannot run on any heading
    whose /K is an array (it asks the array for ``is_integer``, which pikepdf answers with
    ValueError), so what it would check, that no heading is empty, is checked here."""
    report = validate(str(bulletin))
    assert [(f.rule_id, f.message) for f in report.findings] == []
    assert [o.rule_id for o in report.skipped] in ([], ["UA-14-001"])
    with pikepdf.open(bulletin) as pdf:
        for heading in with_role(pdf.Root.StructTreeRoot, "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"):
            assert marked_content_ids(heading), heading
