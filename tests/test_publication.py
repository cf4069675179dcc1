"""The bulletin as a publication: numbered captions with period and unit, references that
land on them, the furniture from config (source lines, release dates, notes, contact),
download links of the same build, and print pages without holes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import misaligned_heads, pdf_text, run_cli, squash

CAPTION = re.compile(r"^(Tablo|Grafik|Harita) (\d+): (.+), (\S.*) \((Milyon Dolar|%)\)$")
MONTHLY_PERIOD = "Ocak-Haziran 2024"


def page_of(folder: Path, period: str):
    return lxml_html.parse(str(folder / f"faaliyet-illerine-gore-ihracat-{period}.html")).getroot()


def text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def numbered_captions(page) -> list[tuple[str, str]]:
    """(id, text) of every caption that names a table, chart or map, in document order;
    a chart's data table repeats its chart's number and is left out."""
    return [(c.get("id"), text(c)) for c in page.xpath("//caption | //figcaption")
            if not c.xpath("ancestor::details")]


@pytest.mark.parametrize("period, kinds", [
    ("2024-06", {"Tablo": 6, "Grafik": 4, "Harita": 1}),
    ("2023", {"Tablo": 1, "Grafik": 2}),
])
def test_captions_are_numbered_in_reading_order_with_period_and_unit(sample_build, monthly_build, period, kinds):
    page = page_of(monthly_build if period == "2024-06" else sample_build, period)
    captions = numbered_captions(page)
    seen: dict[str, list[int]] = {}
    for _, caption in captions:
        match = CAPTION.match(caption)
        assert match, caption
        seen.setdefault(match[1], []).append(int(match[2]))
        assert "((" not in caption and ") (" not in caption
    assert {kind: numbers for kind, numbers in seen.items()} == {k: list(range(1, n + 1)) for k, n in kinds.items()}
    if period == "2024-06":
        assert captions[0][1] == "Tablo 1: Faaliyet İllerine Göre İhracat, Haziran 2024 (Milyon Dolar)"
        assert ("bolgeler", f"Tablo 4: İBBS Düzey-1 Bölgelerine Göre İhracat, {MONTHLY_PERIOD} (Milyon Dolar)") in captions
        assert ("harita", f"Harita 1: İllere Göre İhracat, {MONTHLY_PERIOD} (Milyon Dolar)") in captions
    else:
        assert captions[0][1] == "Tablo 1: Faaliyet İllerine Göre İhracat, 2023 (Milyon Dolar)"


@pytest.mark.parametrize("period", ["2024-06", "2023"])
def test_every_column_head_is_aligned_as_its_column(sample_build, monthly_build, period):
    folder = monthly_build if period == "2024-06" else sample_build
    assert misaligned_heads(folder / f"faaliyet-illerine-gore-ihracat-{period}.html") == []


def test_references_name_the_number_of_what_they_link_to(monthly_build):
    page = page_of(monthly_build, "2024-06")
    labels = {key: re.match(r"^(\w+ \d+):", caption)[1] for key, caption in numbered_captions(page)}
    references = [a for a in page.xpath("//main//a[starts-with(@href, '#')]")]
    assert len(references) >= 3
    for link in references:
        key = link.get("href")[1:]
        assert key in labels, key
        assert text(link) == labels[key]
    technology = text(page.xpath("//section[@class='technology']/p")[0])
    assert f"aşağıdaki tabloda ({labels['teknoloji']}) ve grafikte ({labels['teknoloji-grafik']})" in technology


def test_every_table_and_figure_has_the_source_line(monthly_build):
    page = page_of(monthly_build, "2024-06")
    for caption in page.xpath("//caption | //figcaption"):
        if caption.xpath("ancestor::details"):
            continue
        holder = caption.getparent() if caption.tag == "figcaption" else caption.xpath("ancestor::div[@class='table-scroll']")[0]
        source = holder.xpath("following-sibling::p[1] | p[@class='source']")
        assert source and text(source[-1]).endswith("Kaynak: T.C. Ticaret Bakanlığı"), text(caption)


def test_notes_release_dates_and_contact_in_html_and_pdf(monthly_build):
    page = page_of(monthly_build, "2024-06")
    notes = page.xpath("//section[@class='notes']")[0]
    assert [text(li) for li in notes.xpath(".//li")][-1] == "Toplamlar yuvarlama nedeniyle tutmayabilir."
    assert "Faaliyet ili, ihracata konu malın üretildiği ildir." in text(notes)
    facts = dict(zip(map(text, notes.xpath(".//dt")), map(text, notes.xpath(".//dd"))))
    assert facts == {"Yayım tarihi": "1 Temmuz 2024", "Kaynak": "T.C. Ticaret Bakanlığı",
                     "İletişim": "T.C. Ticaret Bakanlığı · www.ticaret.gov.tr"}
    assert "Yayım tarihi: 1 Temmuz 2024" in text(page.xpath("//header")[0])
    printed = squash(pdf_text(monthly_build / "faaliyet-illerine-gore-ihracat-2024-06.pdf"))
    assert "Yayım tarihi: 1 Temmuz 2024" in printed and "4. Toplamlar yuvarlama nedeniyle tutmayabilir." in printed
    assert printed.count("Kaynak: T.C. Ticaret Bakanlığı") == len(numbered_captions(page))


def test_next_release_comes_from_the_calendar(tmp_path, sample_data):
    (tmp_path / "config.yaml").write_text(
        "release:\n  date: 2024-07-03\n  calendar: [2024-06-03, 2024-07-03, 2024-08-02, 2024-09-02]\n"
        "source: Ticaret Bakanlığı, dış ticaret kayıtları\n", encoding="utf-8")
    result = run_cli("build", "--data", str(sample_data), "--period", "2023", "--out", str(tmp_path / "out"), "-q",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = page_of(tmp_path / "out", "2023")
    header = text(page.xpath("//header")[0])
    assert "Yayım tarihi: 3 Temmuz 2024 · Bir sonraki yayım: 2 Ağustos 2024" in header
    assert "Kaynak: Ticaret Bakanlığı, dış ticaret kayıtları" in text(page.xpath("//p[@class='source']")[0])


def test_download_links_are_relative_and_name_files_of_the_same_build(monthly_build):
    page = page_of(monthly_build, "2024-06")
    links = [a.get("href") for a in page.xpath("//nav[@class='downloads']//a")]
    assert links[:4] == ["faaliyet-illerine-gore-ihracat-2024-06.pdf", "tablolar-2024-06.xlsx",
                         "veriler-2024-06.csv", "veriler-2024-06.parquet"]
    assert {Path(link).suffix for link in links[4:]} == {".csv"}
    for link in links:
        assert "/" not in link and (monthly_build / link).is_file(), link
    contents = [a.get("href")[1:] for a in page.xpath("//nav[@class='contents']//a")]
    assert contents[:-1] == [key for key, _ in numbered_captions(page)] and contents[-1] == "notlar"


def test_a_reference_to_a_missing_table_is_a_template_error(tmp_path, sample_data):
    (tmp_path / "sablon" / "sections").mkdir(parents=True)
    (tmp_path / "sablon" / "sections" / "closing.html").write_text(
        '{% import "macros.html" as m with context %}<p>Bkz. {{ m.ref("yok-boyle") }}</p>', encoding="utf-8")
    (tmp_path / "config.yaml").write_text("templates_dir: sablon\n", encoding="utf-8")
    result = run_cli("build", "--data", str(sample_data), "--period", "2023", "--out", str(tmp_path / "out"),
                     cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "'yok-boyle' adlı bir tablo ya da grafik yok" in result.stderr.splitlines()[-1]
    assert not (tmp_path / "out").exists()


def page_fill(html: str) -> list[float]:
    """How much of each PDF page's content area is filled, from WeasyPrint's layout: the
    bottom of the lowest laid-out line, image or table row over the area's height."""
    import weasyprint

    from reportgen.pdf import _fetcher

    def boxes(box):
        yield box
        for child in getattr(box, "children", None) or []:
            yield from boxes(child)

    document = weasyprint.HTML(string=html, url_fetcher=_fetcher()[0], base_url=".").render()
    fills = []
    for page in document.pages:
        area = page._page_box
        top, bottom = area.content_box_y(), area.content_box_y()
        for child in area.children:
            if type(child).__name__ == "MarginBox":
                continue
            for box in boxes(child):
                if type(box).__name__ in ("LineBox", "TableRowBox") or type(box).__name__.endswith("ReplacedBox"):
                    bottom = max(bottom, box.position_y + box.margin_height())
        fills.append((bottom - top) / area.height)
    return fills


@pytest.mark.parametrize("period", ["2024-06", "2023"])
def test_no_print_page_is_more_than_a_quarter_empty_but_the_last(sample_data, period):
    from reportgen.build import prepare, render_html
    from reportgen.config import load_config

    config = load_config(None, {"data": [str(sample_data)], "period": period})
    fills = page_fill(render_html(config, prepare(config), medium="pdf"))
    assert len(fills) >= 3
    assert all(fill >= 0.75 for fill in fills[:-1]), [f"{page}: {fill:.0%}" for page, fill in enumerate(fills, 1)]


def fixed_widths() -> dict[tuple[str, str], int]:
    """(table class or "", col class) → the percent bulletin.css gives that column in print."""
    css = (Path(__file__).parent.parent / "templates" / "bulletin.css").read_text(encoding="utf-8")
    return {(table or "", col): int(width)
            for table, col, width in re.findall(r"(?:table\.(\w+) )?col\.(\w+) \{ width: (\d+)%; \}", css)}


@pytest.mark.parametrize("period", ["2024-06", "2023"])
def test_a_sized_table_has_a_column_for_each_cell_and_leaves_room_for_its_names(sample_build, monthly_build, period):
    """A table with a fixed layout in print gets its columns from its <col>s: one missing
    shifts every width, and widths that add up to the page leave the names no room."""
    widths = fixed_widths()
    page = page_of(monthly_build if period == "2024-06" else sample_build, period)
    sized = page.xpath("//table[contains(concat(' ', @class, ' '), ' sized ')]")
    assert len(sized) >= (5 if period == "2024-06" else 3)
    for table in sized:
        classes = table.get("class").split()
        columns = {len(row.xpath("./th | ./td")) for row in table.xpath("./tbody/tr")}
        cols = [col.get("class", "") for col in table.xpath("./colgroup/col")]
        assert not cols or columns == {len(cols)}, (classes, cols, columns)
        fixed = [next((widths[c, kind] for c in classes if (c, kind) in widths), widths.get(("", kind)))
                 for kind in cols if kind]
        assert None not in fixed, (classes, cols)
        names = [kind for kind in cols if not kind]
        assert not cols or (names and 100 - sum(fixed) >= 18 * len(names)), (classes, cols, fixed)
