"""The HTML bulletin as a screen edition, in a real headless Chromium: axe-core finds no
accessibility violation, and on a desktop and a phone the page never scrolls sideways, wide
tables scroll inside their own box, and a phone gets no justified text (uneven gaps in a
narrow column are hard to read)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_serve import BROWSER_ARGS, CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 levels A and AA, plus axe's best practices (landmarks, headings, regions).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
DESKTOP, PHONE = 1280, 390
VIEWS = [(period, width) for period in ("2024-06", "2023") for width in (DESKTOP, PHONE)]
PHONE_VIEWS = [view for view in VIEWS if view[1] < 600]


@pytest.fixture(scope="module")
def bulletins(sample_build, extra_build) -> dict[str, Path]:
    """The session's sample bulletins: annual, and monthly with the README's editors' sections."""
    return {"2023": sample_build / "faaliyet-illerine-gore-ihracat-2023.html",
            "2024-06": extra_build / "faaliyet-illerine-gore-ihracat-2024-06.html"}


@pytest.fixture(scope="module")
def browser():
    """One Chromium for all four pages: a start per test would cost more than the checks."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is needed: bash scripts/system-deps.sh installs it"
    assert AXE.exists(), "axe-core is needed: bash scripts/system-deps.sh installs it with npm"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def view(request, browser, bulletins):
    """A bulletin open at one viewport width, its web fonts loaded, so layouts are final."""
    period, width = request.param
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(bulletins[period].as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    yield page
    page.close()


def ids(view: tuple[str, int]) -> str:
    return f"{view[0]}-{view[1]}px"


def axe_violations(page) -> list[str]:
    """axe-core's report of an open page: one entry per violated rule, with its nodes."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async tags => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(
            n => ({target: n.target.join(" "), summary: n.failureSummary.replace(/\\s+/g, " ")}))}));
    }""", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
        f"    {n['target']}: {n['summary']}" for n in v["nodes"]) for v in violations]


@pytest.mark.parametrize("view", VIEWS, indirect=True, ids=ids)
def test_axe_finds_no_violation(view):
    report = axe_violations(view)
    assert not report, "axe-core violations:\n" + "\n".join(report)


@pytest.mark.parametrize("view", VIEWS, indirect=True, ids=ids)
def test_the_page_never_scrolls_sideways(view):
    widths = view.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


@pytest.mark.parametrize("view", VIEWS, indirect=True, ids=ids)
def test_wide_content_scrolls_inside_its_own_box(view):
    """Whatever is wider than its box (a table on a phone) must sit in a box that scrolls
    sideways itself, so the rest of the page keeps the reader's width. Only HTML boxes count:
    a chart's SVG text reports its glyphs overflowing its own bounding box."""
    loose = view.evaluate("""() => {
        const scrolls = e => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
        const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
            + [...e.classList].map(c => "." + c).join("");
        const loose = [];
        for (const e of document.querySelectorAll("*")) {
            if (!(e instanceof HTMLElement) || e.scrollWidth <= e.clientWidth) continue;
            let box = e;
            while (box && !scrolls(box)) box = box.parentElement;
            if (!box) loose.push(`${name(e)}: ${e.scrollWidth} px of content in ${e.clientWidth} px`);
        }
        return loose;
    }""")
    assert not loose, "wider than their box, with no scrolling box around them:\n" + "\n".join(loose)


@pytest.mark.parametrize("view", PHONE_VIEWS, indirect=True, ids=ids)
def test_no_justified_text_on_a_phone(view):
    justified = view.evaluate("""() => [...document.querySelectorAll("p, li")]
        .filter(e => getComputedStyle(e).textAlign === "justify")
        .map(e => e.tagName.toLowerCase() + ": " + e.textContent.trim().slice(0, 60))""")
    assert not justified, f"{len(justified)} justified paragraphs or list items, first:\n" + "\n".join(justified[:5])
