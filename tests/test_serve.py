"""The live preview as an editor uses it: in a real headless Chromium, a template edit
shows up in the open page by itself; a template error shows in the page, and fixing it
brings the bulletin back; a config change reloads too."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import run_cli

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def editor(tmp_path_factory, sample_build):
    """A config with an exported template folder, and the preview server running on it."""
    root = tmp_path_factory.mktemp("preview")
    data = sample_build.parent / "data" / "ihracat-ornek.parquet"
    assert run_cli("templates", "export", str(root / "sablon"), cwd=root).returncode == 0
    (root / "config.yaml").write_text(f"period: 2023\ndata: [{data}]\ntemplates_dir: sablon\n", encoding="utf-8")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "reportgen", "serve", "--port", str(port)], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUTF8": "1"})
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "the preview server did not start"
            time.sleep(0.2)
    yield root, url, server
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def page(editor):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is needed: bash scripts/system-deps.sh installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        tab = browser.new_page()
        tab.goto(editor[1])
        yield tab
        browser.close()


def closing_template(root: Path) -> Path:
    return root / "sablon" / "sections" / "closing.html"


def wait_for_text(page, text: str, seconds: float = 5) -> float:
    """Seconds until the open page shows the text, without reloading it ourselves."""
    started = time.monotonic()
    page.wait_for_function("text => document.body.innerText.includes(text)", arg=text, timeout=seconds * 1000)
    return time.monotonic() - started


def test_template_edit_appears_in_the_open_page(editor, page):
    root = editor[0]
    assert "İSTANBUL" in page.inner_text("table")
    template = closing_template(root)
    original = template.read_text(encoding="utf-8")
    template.write_text(original.replace("{{ config.closing }}", "Önizleme işareti 1"), encoding="utf-8")
    wait_for_text(page, "Önizleme işareti 1")
    template.write_text(original, encoding="utf-8")
    wait_for_text(page, "Kamuoyuna saygıyla duyurulur.")


@pytest.mark.parametrize("broken, expected", [
    ("{{ tanimsiz_degisken }}", "tanimsiz_degisken"),
    ("{{ 1/0 }}", "sıfıra bölme"),
])
def test_a_template_error_shows_in_the_page_and_the_preview_recovers(editor, page, broken, expected):
    root, _, server = editor
    template = closing_template(root)
    original = template.read_text(encoding="utf-8")
    lines = original.splitlines()
    template.write_text("\n".join(lines[:2] + [broken] + lines[2:]) + "\n", encoding="utf-8")
    wait_for_text(page, "Bülten oluşturulamadı")
    body = page.inner_text("body")
    assert "closing.html" in body and "satır 3" in body and expected in body
    assert server.poll() is None
    template.write_text(original, encoding="utf-8")
    wait_for_text(page, "Kamuoyuna saygıyla duyurulur.")
    assert "İSTANBUL" in page.inner_text("body")


def test_config_change_reloads_the_page(editor, page):
    config = editor[0] / "config.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "title: Önizleme Başlığı\n", encoding="utf-8")
    wait_for_text(page, "Önizleme Başlığı")
    config.write_text(original, encoding="utf-8")
    wait_for_text(page, "Faaliyet İllerine Göre İhracat İstatistikleri")


def test_the_pages_request_for_a_new_version_is_answered_when_the_rebuild_ends(editor):
    """The open page asks for any version but its own; the server holds that request
    until a rebuild has made a new page, so the reload does not wait for a poll."""
    from concurrent.futures import ThreadPoolExecutor

    root, url = editor[0], editor[1]
    current = urllib.request.urlopen(url + "__version", timeout=5).read().decode()
    assert urllib.request.urlopen(f"{url}__version?other_than=eski", timeout=5).read().decode() == current
    template = closing_template(root)
    original = template.read_text(encoding="utf-8")
    with ThreadPoolExecutor(1) as pool:
        asked = time.monotonic()
        answer = pool.submit(lambda: urllib.request.urlopen(f"{url}__version?other_than={current}", timeout=30).read())
        time.sleep(1)
        assert not answer.done(), "a request for another version must wait while nothing changed"
        try:
            template.write_text(original.replace("{{ config.closing }}", "Bekleyen istek"), encoding="utf-8")
            newer = answer.result(timeout=10).decode()
            shown = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
        finally:
            template.write_text(original, encoding="utf-8")
    assert int(newer) > int(current) and time.monotonic() - asked < 10
    assert "Bekleyen istek" in shown


def request(url: str, host: str) -> int:
    import urllib.error

    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers={"Host": host}), timeout=5).status
    except urllib.error.HTTPError as error:
        return error.code


def test_only_requests_to_the_local_names_are_answered(editor):
    url = editor[1]
    port = url.rstrip("/").rsplit(":", 1)[1]
    assert request(url, f"127.0.0.1:{port}") == 200
    assert request(url, f"localhost:{port}") == 200
    assert request(url, f"saldirgan.example:{port}") == 403
    assert request(url, "127.0.0.1") == 403


def test_a_busy_port_and_an_impossible_port_are_one_line(editor):
    root, url, _ = editor
    port = url.rstrip("/").rsplit(":", 1)[1]
    busy = run_cli("serve", "--port", port, cwd=root)
    assert busy.returncode == 4 and "Traceback" not in busy.stderr
    assert busy.stderr.strip().splitlines()[-1].startswith(f"Hata: Ayar hatası (anahtar '--port'): 127.0.0.1:{port} dinlenemiyor")
    impossible = run_cli("serve", "--port", "99999", cwd=root)
    assert impossible.returncode == 2 and "Traceback" not in impossible.stderr
    assert "99999" in impossible.stderr


def test_the_preview_recomputes_figures_only_for_what_shapes_them(tmp_path):
    """The cache key of the figures: the data files and the input and figures parts of the
    config; wording, templates and output settings only re-render the page."""
    from reportgen.config import load_config
    from reportgen.serve import _fingerprint

    data = tmp_path / "veri.csv"
    data.write_text("year,month,province,hs_code,country,value_usd\n2023,1,İstanbul,0802,DE,1\n", encoding="utf-8")
    base = {"data": [str(data)], "period": "2023"}
    key = _fingerprint(load_config(None, base))
    for same in ({"title": "Başka Başlık"}, {"closing": "Son."}, {"templates_dir": str(tmp_path)},
                 {"file_stem": "bulten"}, {"output_dir": "baska"}, {"strict": True}):
        assert _fingerprint(load_config(None, {**base, **same})) == key, same
    for changed in ({"top_provinces": 10}, {"period": "2022"}, {"country_names": {"DE": "Almanya Federal"}},
                    {"columns": {"province": "il"}}, {"csv": {"delimiter": ","}}):
        assert _fingerprint(load_config(None, {**base, **changed})) != key, changed
    data.write_text(data.read_text(encoding="utf-8") + "2023,2,İstanbul,0802,DE,1\n", encoding="utf-8")
    assert _fingerprint(load_config(None, base)) != key
