"""The release site, from a store that one command filled with 2023 and January–June 2024,
whose June was then republished by the release script from data in which one of İstanbul's
May records grew: the index, 81 province pages with the revised May, the calendar and a
valid Atom feed; every link relative and present, from disk and from a server's sub-path;
the same bytes again; accessible in Chromium; and refusals that change nothing."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import yaml

from conftest import read_page, run_cli
from reportgen.errors import OutputError
from test_revisions import RAISED, revised_data  # noqa: F401 - the records with İstanbul's May raised

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "release.sh"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
REPORTGEN = str(Path(sys.executable).parent / "reportgen")
RELEASES = ["2023", "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
CALENDAR = ["2024-06-01", "2024-07-01", "2024-08-01"]
MAY_REASON = "Gecikmeli beyannameler"


def write_config(root: Path, data: Path, **more) -> None:
    config = {"data": [str(data)], "release": {"calendar": CALENDAR}, **more}
    (root / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def release_script(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], cwd=root, capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "PYTHONUTF8": "1", "REPORTGEN": REPORTGEN})


@pytest.fixture(scope="module")
def project(sample_data, revised_data, tmp_path_factory) -> Path:  # noqa: F811 - the imported fixture
    root = tmp_path_factory.mktemp("yayin")
    write_config(root, sample_data)
    first = run_cli("build", "--period", "2023,2024-01..2024-06", "--release", "-q", cwd=root)
    assert first.returncode == 0, first.stderr
    write_config(root, revised_data, revisions={"reasons": {"2024-05": MAY_REASON}})
    again = release_script(root, "2024-06")
    assert again.returncode == 0, again.stderr
    return root


@pytest.fixture(scope="module")
def site(project) -> Path:
    return project / "output" / "site"


def millions(value: Decimal, places: int = 0) -> Decimal:
    return (value / 1_000_000).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def turkish(value: Decimal) -> str:
    """``1234567.8`` → ``1.234.567,8``."""
    whole, _, fraction = f"{value:,}".partition(".")
    return whole.replace(",", ".") + ("," + fraction if fraction else "")


def total(path: Path, months: list[int], year: int = 2024, province: str = "") -> Decimal:
    """Dollars of some months in a records file, summed here with pyarrow and Decimal."""
    table = pq.read_table(path)
    mask = pc.and_(pc.equal(table["year"], year), pc.is_in(table["month"], value_set=pa.array(months, table["month"].type)))
    if province:
        mask = pc.and_(mask, pc.equal(table["province"], province))
    return sum((Decimal(str(v)) for v in table.filter(mask)["value_usd"].to_pylist()), Decimal(0))


def test_one_command_publishes_a_year_and_six_months(project):
    store = project / "yayinlar"
    assert sorted(p.name for p in store.iterdir()) == RELEASES
    for name in RELEASES:
        # each release's manifest names its own period, as a build of it alone does
        assert json.loads((store / name / "manifest.json").read_text(encoding="utf-8"))["period"] == name


def test_the_index_lists_every_release_newest_first_with_its_key_figures(site, sample_data, revised_data):  # noqa: F811
    page = read_page(site / "index.html")
    table = next(t for t in page.tables if t[0][0] == "Bülten")
    rows = {row[0]: row for row in table[1:]}
    assert [row[0] for row in table[1:]] == ["2024 Yılı Haziran Ayı", "2024 Yılı Mayıs Ayı", "2024 Yılı Nisan Ayı",
                                            "2024 Yılı Mart Ayı", "2024 Yılı Şubat Ayı", "2024 Yılı Ocak Ayı", "2023 Yılı"]
    # 2023 as the published 2023 bulletin printed it
    assert rows["2023 Yılı"][2:4] == ["255.809", "0,6"] and rows["2023 Yılı"][6] == "İstanbul"
    assert rows["2024 Yılı Haziran Ayı"][1] == "1 Temmuz 2024"
    assert rows["2024 Yılı Haziran Ayı"][2] == turkish(millions(total(revised_data, [6])))
    # June's January–June includes the revised May; May's line is May's as it was published
    assert rows["2024 Yılı Haziran Ayı"][4] == turkish(millions(total(sample_data, [1, 2, 3, 4, 5, 6]) + RAISED))
    assert rows["2024 Yılı Mayıs Ayı"][2] == turkish(millions(total(sample_data, [5])))
    assert rows["2023 Yılı"][4:6] == ["–", "–"]
    assert "01 Adana" in page.text and "81 Düzce" in page.text


def test_every_province_has_a_page_with_its_series_and_the_revised_may(site, sample_data, revised_data):  # noqa: F811
    pages = sorted((site / "iller").iterdir())
    assert len(pages) == 81 and pages[33].name == "34-istanbul.html"
    page = read_page(site / "iller" / "34-istanbul.html")
    months, years = [t for t in page.tables if t[0][0] == "Dönem"]
    by_month = {row[0]: row for row in months[1:]}
    may = by_month["Mayıs 2024"]
    assert may[1] == turkish(millions(total(sample_data, [5], province="İstanbul") + RAISED, 1))
    assert may[5] == "2024-06", "the revised May comes from June's bulletin"
    assert by_month["Haziran 2024"][1] == turkish(millions(total(revised_data, [6], province="İstanbul"), 1))
    assert by_month["Haziran 2024"][4] == "1"
    assert [row[0] for row in months[1:]][:2] == ["Ocak 2023", "Şubat 2023"] and len(months) == 1 + 18
    assert by_month["Temmuz 2023"][2:5] == ["–", "–", "–"]
    assert years[1:] == [["2022", "55.229,0", "–", "21,73", "–", "2023"], ["2023", "59.381,0", "7,5", "23,21", "1", "2023"]]
    html = (site / "iller" / "34-istanbul.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 1 and 'role="img"' in html


def test_the_atom_feed_is_valid_and_lists_the_releases_newest_first(site):
    import feedparser
    from lxml import etree

    content = (site / "atom.xml").read_bytes()
    feed = feedparser.parse(content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.language == "tr"
    assert [e.title for e in feed.entries] == [
        "2024 Yılı Haziran Ayı bülteni", "2024 Yılı Mayıs Ayı bülteni", "2024 Yılı Nisan Ayı bülteni",
        "2024 Yılı Mart Ayı bülteni", "2024 Yılı Şubat Ayı bülteni", "2024 Yılı Ocak Ayı bülteni", "2023 Yılı bülteni"]
    assert feed.entries[0].updated == "2024-07-01T00:00:00Z" and feed.feed.updated == "2024-07-01T00:00:00Z"
    assert "22 milyar" in feed.entries[0].summary and "İstanbul" in feed.entries[0].summary
    # RFC 4287: the feed and each entry have one id, title and updated; ids are unique
    # URIs; every entry has an alternate link; the feed has an author
    atom = "{http://www.w3.org/2005/Atom}"
    root = etree.fromstring(content)
    assert root.tag == f"{atom}feed" and root.find(f"{atom}author/{atom}name").text
    ids = []
    for element in [root, *root.iter(f"{atom}entry")]:
        for child in ("id", "title", "updated"):
            assert len(element.findall(f"{atom}{child}")) == 1, child
        ids.append(element.find(f"{atom}id").text)
    assert len(set(ids)) == len(ids) == 8 and all(i.startswith("urn:uuid:") for i in ids)
    for entry in root.iter(f"{atom}entry"):
        alternate, = [link for link in entry.findall(f"{atom}link") if link.get("rel") == "alternate"]
        assert (site / alternate.get("href")).is_file()


def test_the_calendar_links_the_releases_of_its_dates(site):
    page = read_page(site / "takvim.html")
    assert page.tables[0][1:] == [["1 Haziran 2024", "Yayımlandı", "2024 Yılı Mayıs Ayı"],
                                  ["1 Temmuz 2024", "Yayımlandı", "2024 Yılı Haziran Ayı"],
                                  ["1 Ağustos 2024", "Planlanan", ""]]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.links += [value for name, value in attrs if name in ("href", "src") and value]


def links_of(text: str) -> tuple[list[str], int]:
    """A page's href and src values, and how many script elements it has."""
    parser = _Links()
    parser.feed(text)
    return parser.links, parser.scripts


def test_every_link_is_relative_and_names_a_file_of_the_site_and_no_page_has_a_script(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) == 2 + 81 + len(RELEASES)
    for page in pages:
        links, scripts = links_of(page.read_text(encoding="utf-8"))
        assert scripts == 0, page
        for link in links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), (page, link)
            if parts.path:
                target = (page.parent / parts.path).resolve()
                assert target.is_file() and site.resolve() in target.parents, (page, link)


def test_the_site_reads_the_same_from_a_web_server_sub_path(site, tmp_path):
    (tmp_path / "bakanlik" / "istatistik").mkdir(parents=True)
    (tmp_path / "bakanlik" / "istatistik" / "ihracat").symlink_to(site)
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/bakanlik/istatistik/ihracat/"
        try:
            for page in ("index.html", "takvim.html", "iller/34-istanbul.html"):
                url = urljoin(base, page)
                with urllib.request.urlopen(url) as response:
                    links, _ = links_of(response.read().decode("utf-8"))
                for link in links:
                    with urllib.request.urlopen(urljoin(url, link)) as response:
                        assert response.status == 200, link
        finally:
            server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_the_same_store_gives_the_same_site(project, site):
    again = run_cli("site", "--out", str(project / "yine"), "-q", cwd=project)
    assert again.returncode == 0, again.stderr
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(project / "yine").as_posix() for p in (project / "yine").rglob("*") if p.is_file())
    for name in names:
        assert (site / name).read_bytes() == (project / "yine" / name).read_bytes(), name


def test_a_release_file_changed_after_publishing_is_refused(project, tmp_path):
    shutil.copytree(project / "yayinlar", tmp_path / "yayinlar")
    pdf = tmp_path / "yayinlar" / "2024-03" / "faaliyet-illerine-gore-ihracat-2024-03.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"%")
    result = run_cli("site", cwd=tmp_path)
    assert result.returncode == 3
    assert "faaliyet-illerine-gore-ihracat-2024-03.pdf" in result.stderr and "değiştirilmiş" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "output").exists()


def test_a_store_without_releases_is_a_clear_error(tmp_path):
    result = run_cli("site", cwd=tmp_path)
    assert result.returncode == 3 and "yayın deposunda yayın yok" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_site_never_replaces_a_folder_it_did_not_write(project, tmp_path):
    mine = tmp_path / "benim"
    mine.mkdir()
    (mine / "notlar.txt").write_text("önemli", encoding="utf-8")
    result = run_cli("site", "--out", str(mine), cwd=project)
    assert result.returncode == OutputError.exit_code and "manifest.json yok" in result.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["notlar.txt"]


def test_the_release_script_fails_on_an_unexplained_revision_and_changes_nothing(project, revised_data, tmp_path):  # noqa: F811
    shutil.copytree(project / "yayinlar" / "2024-05", tmp_path / "yayinlar" / "2024-05")
    write_config(tmp_path, revised_data)
    result = release_script(tmp_path, "2024-06")
    assert result.returncode == 3 and "açıklamasız" in result.stderr
    assert sorted(p.name for p in (tmp_path / "yayinlar").iterdir()) == ["2024-05"]
    assert not (tmp_path / "output").exists()
    bad = release_script(tmp_path, "2024-06; rm -rf .")
    assert bad.returncode == 2 and "geçersiz dönem" in bad.stderr and (tmp_path / "config.yaml").exists()


def test_the_workflow_publishes_the_site_and_passes_the_period_only_through_the_environment():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["release"]["steps"]
    for step in steps:
        assert "${{" not in step.get("run", ""), step["name"]
    release = next(step for step in steps if "scripts/release.sh" in step.get("run", ""))
    assert release["env"]["PERIOD"] == "${{ inputs.period }}" and '"$PERIOD"' in release["run"]
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"].strip("/") == "output/site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "release" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages")
    assert workflow["permissions"] == {"contents": "write", "pages": "write", "id-token": "write"}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from test_serve import BROWSER_ARGS, CHROMIUM

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", ["index.html", "takvim.html", "iller/34-istanbul.html"])
def test_the_pages_are_accessible_and_never_scroll_sideways(browser, site, name, width):
    from test_accessibility import axe_violations

    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto((site / name).as_uri())
        report = axe_violations(page)
        assert not report, "axe-core violations:\n" + "\n".join(report)
        scroll, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= window
    finally:
        page.close()


def test_a_series_keeps_the_place_of_a_month_no_release_printed():
    from reportgen.site import _every_month, province_series
    from reportgen.store import Published

    figures = {("2023-01", "export_value"): Published(Decimal(5_000_000), "2023-01"),
               ("2023-03", "export_value"): Published(Decimal(7_000_000), "2023-04"),
               ("2023-03", "rank"): Published(Decimal(2), "2023-03"),
               ("2023-01/2023-03", "export_value"): Published(Decimal(12_000_000), "2023-03")}
    series = province_series(6, "Ankara", figures)
    assert [(p.period.slug, p.release, p.rank) for p in series.months] == [("2023-01", "2023-01", None),
                                                                          ("2023-03", "2023-04", 2)]
    assert series.years == () and series.file == "iller/06-ankara.html"
    assert _every_month(series.months) == [("Oca\n2023", Decimal(5_000_000)), ("Şub\n2023", None),
                                           ("Mar\n2023", Decimal(7_000_000))]
