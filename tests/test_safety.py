"""Tried as a careless user and a hostile editor would: every case of the safety issue,
through the real CLI. Each asserts the exit code, the one Turkish line, and that what was
there before — a project, the input, the previous build — is byte-identical afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_cli
from test_validation import valid_rows, write

STEM = "faaliyet-illerine-gore-ihracat-2023"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below a folder with its bytes (hidden ones included)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_failed(result, code: int, *parts: str) -> str:
    assert result.returncode == code, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Hata: "), result.stderr
    assert "Traceback" not in result.stderr
    for part in parts:
        assert part in last, last
    return last


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project as a user keeps it: a git folder, a config, the data, and one good build."""
    root = tmp_path_factory.mktemp("proje")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    write(root / "veri.csv", valid_rows())
    (root / "config.yaml").write_text("period: 2023\ndata: [veri.csv]\n", encoding="utf-8")
    (root / "notlar.txt").write_text("kendi notlarım\n", encoding="utf-8")
    built = run_cli("build", "--out", str(root / "output" / "2023"), cwd=root)
    assert built.returncode == 0, built.stderr
    return root


@pytest.fixture
def copy(project, tmp_path) -> Path:
    """A fresh copy of the project for a test that may change it."""
    target = tmp_path / "proje"
    shutil.copytree(project, target)
    return target


@pytest.mark.parametrize("out", [".", "..", "output", "/", str(Path.home())])
def test_an_output_folder_that_holds_anything_else_is_refused(copy, out):
    before = snapshot(copy)
    result = run_cli("build", "--out", out, cwd=copy)
    assert_failed(result, 6, "Çıktı hatası")
    assert snapshot(copy) == before


def test_the_folder_of_the_input_is_refused(copy, tmp_path):
    data = tmp_path / "veriler"
    data.mkdir()
    shutil.move(copy / "veri.csv", data / "veri.csv")
    before = snapshot(data)
    result = run_cli("build", "--data", str(data / "veri.csv"), "--period", "2023", "--out", str(data), cwd=copy)
    assert_failed(result, 6, "girdiyi içeriyor")
    assert snapshot(data) == before


def test_a_folder_with_a_foreign_file_or_an_edited_build_is_refused(copy):
    out = copy / "output" / "2023"
    (out / "yorum.txt").write_text("editörün notu\n", encoding="utf-8")
    before = snapshot(out)
    assert_failed(run_cli("build", "--out", str(out), cwd=copy), 6, "yorum.txt")
    assert snapshot(out) == before
    (out / "yorum.txt").unlink()
    with open(out / "tablo-1-iller.csv", "a", encoding="utf-8") as handle:
        handle.write("elle eklenen satır\n")
    before = snapshot(out)
    assert_failed(run_cli("build", "--out", str(out), cwd=copy), 6, "sonradan değiştirilmiş: tablo-1-iller.csv")
    assert snapshot(out) == before


def test_a_build_of_its_own_is_replaced(copy):
    out = copy / "output" / "2023"
    before = snapshot(out)
    (copy / "config.yaml").write_text("period: 2023\ndata: [veri.csv]\nclosing: Yeni kapanış.\n", encoding="utf-8")
    result = run_cli("build", "--out", str(out), cwd=copy)
    assert result.returncode == 0, result.stderr
    after = snapshot(out)
    assert sorted(after) == sorted(before) and after != before
    assert "Yeni kapanış." in after[f"{STEM}.html"].decode("utf-8")
    assert [p.name for p in (copy / "output").iterdir()] == ["2023"]


def test_leftovers_of_an_interrupted_build_are_repaired(copy):
    """A staging folder left by a kill is removed; a build moved aside by the two-rename
    fallback is put back, even by a run that then fails."""
    output = copy / "output"
    shutil.copytree(output / "2023", output / ".reportgen-eski-2023-ab12cd34")
    shutil.rmtree(output / "2023")
    (output / ".reportgen-yeni-2023-ef56gh78").mkdir()
    (output / ".reportgen-yeni-2023-ef56gh78" / "yarım.pdf").write_bytes(b"%PDF-")
    neighbour = output / ".reportgen-eski-2023-x-ab12cd34"
    neighbour.mkdir()
    rows = valid_rows()
    rows[3][2] = "Atlantis"
    write(copy / "veri.csv", rows)
    result = run_cli("build", "--out", str(output / "2023"), cwd=copy)
    assert_failed(result, 3, "bilinmeyen il")
    assert sorted(p.name for p in output.iterdir()) == [".reportgen-eski-2023-x-ab12cd34", "2023"]
    assert (output / "2023" / "manifest.json").is_file()


def left_running(text: str, wait: float = 2.0) -> list[int]:
    """Processes whose command line holds ``text``, once they have had ``wait`` seconds to end."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_a_kill_at_any_moment_leaves_the_old_or_the_new_build(copy):
    out = copy / "output" / "2023"
    old = snapshot(out)
    (copy / "config.yaml").write_text("period: 2023\ndata: [veri.csv]\nclosing: Öldürülen derleme.\n",
                                      encoding="utf-8")
    for delay in (0.8, 2.0, 3.5, 5.0):
        process = subprocess.Popen([sys.executable, "-m", "reportgen", "build", "--out", str(out), "-q"], cwd=copy,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = snapshot(out)
        assert now == old or "Öldürülen derleme." in now[f"{STEM}.html"].decode("utf-8")
        assert sorted(now) == sorted(old)
        assert not left_running(str(out)), "a worker of the killed build is still running"
    result = run_cli("build", "--out", str(out), cwd=copy)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (copy / "output").iterdir()) == ["2023"]


def workers_of(pid: int, text: str) -> list[int]:
    """Forked workers of a build: its children that carry its command line (a child such as
    ``ldconfig``, which library loading starts for a moment, is not one)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] == str(pid)
                    and text.encode() in (entry / "cmdline").read_bytes()):
                found.append(int(entry.name))
        except (OSError, IndexError):
            continue
    return found


def test_killing_a_build_while_its_workers_run_ends_them_too(copy):
    """The PDF is made in a forked worker: a build killed then must not leave it behind."""
    out = copy / "output" / "oldurulen"
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "build", "--out", str(out), "-q"], cwd=copy,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not workers_of(process.pid, str(out)) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the build ended before its worker was seen"
    assert not left_running(str(out)), "a worker of the killed build is still running"
    assert not out.exists()


def test_a_build_that_fails_on_its_data_ends_its_pdf_process_before_it_returns(copy):
    """The PDF's process is forked before the data is read and imports WeasyPrint meanwhile;
    a build that then fails on a bad value must end it at once, not leave it importing."""
    from reportgen.build import build
    from reportgen.config import load_config
    from reportgen.errors import DataError

    rows = valid_rows()
    rows[3][5] = "on iki"
    write(copy / "veri.csv", rows)
    before = set(multiprocessing_children())
    with pytest.raises(DataError, match="on iki"):
        build(load_config(copy / "config.yaml"), out=copy / "output" / "bozuk")
    assert set(multiprocessing_children()) == before
    assert not (copy / "output" / "bozuk").exists()


def multiprocessing_children() -> list[int]:
    """This process's live children (a killed child that was waited for is not one)."""
    return [pid for pid in workers_of(os.getpid(), "") if (Path("/proc") / str(pid) / "stat").exists()
            and (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]


def test_two_builds_into_one_folder_are_serialised(copy, project):
    out = copy / "output" / "2023"
    processes = [subprocess.Popen([sys.executable, "-m", "reportgen", "build", "--out", str(out), "-q"], cwd=copy,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    assert sorted(p.name for p in (copy / "output").iterdir()) == ["2023"]
    assert snapshot(out) == snapshot(project / "output" / "2023")


def hostile_closing(copy: Path, marker: Path) -> Path:
    """An editor's closing section that tries to run a shell command creating ``marker``."""
    sections = copy / "sablon" / "sections"
    sections.mkdir(parents=True)
    (sections / "closing.html").write_text(
        "<p>\n{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}\n</p>\n",
        encoding="utf-8")
    return marker


def test_a_template_cannot_run_code(copy, tmp_path):
    marker = hostile_closing(copy, tmp_path / "calisti")
    before = snapshot(copy / "output")
    result = run_cli("build", "--templates", str(copy / "sablon"), "--out", str(copy / "output" / "2023"), cwd=copy)
    assert_failed(result, 5, "closing.html", "satır 2", "izin verilmeyen erişim", "__init__")
    assert not marker.exists()
    assert snapshot(copy / "output") == before


def test_a_template_compiled_into_the_cache_is_still_sandboxed(copy, tmp_path):
    """The second build loads the hostile template compiled by the first (the cache entry
    is not written again) and refuses it just the same."""
    marker = hostile_closing(copy, tmp_path / "calisti")
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    entries = {}
    for _ in range(2):
        result = run_cli("build", "--templates", str(copy / "sablon"), "--out", str(copy / "output" / "2023"),
                         cwd=copy, env=cache)
        assert_failed(result, 5, "closing.html", "satır 2", "izin verilmeyen erişim", "__init__")
        assert not marker.exists()
        compiled = {p: p.stat().st_ino for p in (tmp_path / "cache").rglob("*.cache")}
        assert compiled and compiled.items() >= entries.items()
        entries = compiled


@pytest.mark.parametrize("source", ["https://example.com/iz.png", "file:///etc/hostname", "reportgen-grafik:yok"])
def test_a_template_cannot_make_the_pdf_fetch_anything(copy, source):
    """The PDF is made in its own process; the refusal made there reaches the user as the
    template error it is, and nothing is written. A chart still being drawn is named by
    URL, and only the bulletin's own charts answer to one."""
    sections = copy / "sablon" / "sections"
    sections.mkdir(parents=True)
    (sections / "closing.html").write_text(f'<p>Kapanış <img src="{source}" alt="iz"></p>\n', encoding="utf-8")
    before = snapshot(copy / "output")
    result = run_cli("build", "--templates", str(copy / "sablon"), "--out", str(copy / "output" / "2023"), cwd=copy)
    assert_failed(result, 5, "izin verilmeyen dış kaynak", source)
    assert snapshot(copy / "output") == before


@pytest.mark.parametrize("shared_style", [False, True])
def test_a_style_cannot_load_a_foreign_font(shared_style):
    """A font an editor's CSS names outside the package is refused, also where the style
    is parsed once for many pages (the profiles)."""
    import datetime as dt

    from reportgen.errors import TemplateError
    from reportgen.pdf import html_to_pdf

    page = ('<html lang="tr"><head><title>t</title><style>@font-face { font-family: iz; '
            'src: url(https://example.com/iz.woff) } p { font-family: iz }</style></head><body><p>a</p></body></html>')
    with pytest.raises(TemplateError, match="izin verilmeyen dış kaynak: https://example.com/iz.woff"):
        html_to_pdf(page, dt.datetime(2023, 12, 31), shared_style=shared_style)


def test_config_text_cannot_end_the_style_element(copy):
    title = "</style><script>alert('x')</script> & \"Başlık\""
    (copy / "config.yaml").write_text(f"period: 2023\ndata: [veri.csv]\ntitle: '{title.replace(chr(39), chr(39) * 2)}'\n",
                                      encoding="utf-8")
    result = run_cli("build", "--out", str(copy / "yeni"), cwd=copy)
    assert result.returncode == 0, result.stderr
    page = (copy / "yeni" / f"{STEM}.html").read_text(encoding="utf-8")
    assert "<script" not in page
    style = page[page.index("<style>"):page.index("</style>")]
    assert "\\3c /style\\3e " in style
    assert "<title>&lt;/style&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;Başlık&#34;" in page
    from conftest import pdf_text
    assert title in pdf_text(copy / "yeni" / f"{STEM}.pdf")


def test_file_stem_cannot_leave_the_output_folder(copy):
    (copy / "config.yaml").write_text("period: 2023\ndata: [veri.csv]\nfile_stem: ../../kacak\n", encoding="utf-8")
    before = snapshot(copy.parent)
    assert_failed(run_cli("build", cwd=copy), 4, "file_stem", "'..' olamaz")
    assert snapshot(copy.parent) == before


@pytest.mark.parametrize("config_text, expected", [
    ("profiles: true\nprovinces: [Atlantis]\n", "anahtar 'provinces'): bilinmeyen il: 'Atlantis'"),
    ("base_dir: /\n", "anahtar 'base_dir'): bilinmeyen anahtar"),
    ("sections: ['../../etc/passwd']\n", "anahtar 'sections'): bölüm adı"),
])
def test_config_choices_are_never_silent(copy, config_text, expected):
    (copy / "config.yaml").write_text("period: 2023\ndata: [veri.csv]\n" + config_text, encoding="utf-8")
    before = snapshot(copy)
    assert_failed(run_cli("build", cwd=copy), 4, expected)
    assert snapshot(copy) == before


def test_a_config_saved_as_windows_1254_is_named(copy):
    (copy / "config.yaml").write_bytes("period: 2023\ndata: [veri.csv]\n\ntitle: İhracat Şöleni\n".encode("cp1254"))
    assert_failed(run_cli("build", cwd=copy), 4, "config.yaml", "UTF-8 değil (satır 4: 0xDD baytı)")


def test_source_date_epoch_that_is_not_a_time_is_named(copy):
    result = subprocess.run([sys.executable, "-m", "reportgen", "build", "--out", str(copy / "yeni")], cwd=copy,
                            capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "dün"})
    assert_failed(result, 4, "SOURCE_DATE_EPOCH")


def test_a_template_runtime_error_is_a_template_error(copy):
    sections = copy / "sablon" / "sections"
    sections.mkdir(parents=True)
    (sections / "closing.html").write_text("<p>\n{{ 1/0 }}\n</p>\n", encoding="utf-8")
    result = run_cli("build", "--templates", str(copy / "sablon"), "--out", str(copy / "yeni"), cwd=copy)
    assert_failed(result, 5, "closing.html", "satır 2", "sıfıra bölme")
    assert not (copy / "yeni").exists()


@pytest.mark.parametrize("template, expected", [
    ("{% for x in figures.bullets %}\n<p>{{ x }}</p>\n", "'for' bloğu kapatılmamış ('endfor' ya da 'else' bekleniyordu)"),
    ("<p>{{ config.title|bilinmeyen }}</p>\n", "'bilinmeyen' adlı süzgeç yok"),
    ("<p>{% endif %}</p>\n", "bilinmeyen etiket 'endif'"),
    ("<p>{{ config.title </p>\n", "beklenmeyen"),
])
def test_template_syntax_errors_are_turkish(copy, template, expected):
    sections = copy / "sablon" / "sections"
    sections.mkdir(parents=True)
    (sections / "closing.html").write_text(template, encoding="utf-8")
    result = run_cli("build", "--templates", str(copy / "sablon"), "--out", str(copy / "yeni"), cwd=copy)
    assert_failed(result, 5, "closing.html", expected)


def test_an_internal_error_is_one_line_and_a_log(tmp_path):
    """The last line of defence, shown with a command that fails the way a bug would."""
    program = ("import sys, click\nfrom reportgen import cli\n"
               "cli.main.add_command(click.Command('patla', callback=lambda: {}['yok']))\n"
               "sys.argv = ['reportgen', 'patla']\ncli.run()\n")
    result = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    last = assert_failed(result, 1, "İç hata (KeyError)")
    log = Path(last.rsplit("Ayrıntılar: ", 1)[1])
    assert log.parent == tmp_path / "cache" / "reportgen"
    assert "Traceback" in log.read_text(encoding="utf-8") and "KeyError: 'yok'" in log.read_text(encoding="utf-8")


def test_quiet_hides_progress_but_never_warnings(copy):
    rows = valid_rows() + [valid_rows()[0]]
    write(copy / "veri.csv", rows)
    result = run_cli("build", "-q", "--out", str(copy / "yeni"), cwd=copy)
    assert result.returncode == 0, result.stderr
    assert "Uyarı: 1 kayıt başka bir kaydın birebir aynısı" in result.stderr
    assert "açılıyor" not in result.stderr


def test_duplicate_records_are_a_warning_and_fail_a_strict_build(copy):
    rows = valid_rows()
    rows += [rows[4], rows[4], rows[9]]
    write(copy / "veri.csv", rows)
    relaxed = run_cli("build", "--out", str(copy / "yeni"), cwd=copy)
    assert relaxed.returncode == 0, relaxed.stderr
    assert ("Uyarı: 3 kayıt başka bir kaydın birebir aynısı (2 kayıt birden çok kez var); hepsi toplamlara "
            f"eklendi; ilk tekrarlar: {copy / 'veri.csv'} satır 26, 27, 28") in relaxed.stderr
    strict = run_cli("build", "--strict", "--out", str(copy / "katı"), cwd=copy)
    assert_failed(strict, 3, "--strict", "birebir aynısı")
    assert not (copy / "katı").exists()


def test_unsupported_css_under_strict_is_a_template_error_also_in_profiles(copy):
    sablon = copy / "sablon"
    sablon.mkdir()
    (sablon / "profile.html").write_text(
        '{% extends "builtin/profile.html" %}\n{% block extra_css %}body { yok-boyle-bir-ozellik: 3; }'
        '{% endblock %}\n', encoding="utf-8")
    relaxed = run_cli("build", "--templates", str(sablon), "--province", "İstanbul", "--out", str(copy / "yeni"),
                      cwd=copy)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "yok-boyle-bir-ozellik" in relaxed.stderr
    strict = run_cli("build", "--templates", str(sablon), "--province", "İstanbul", "--strict",
                     "--out", str(copy / "katı"), cwd=copy)
    assert_failed(strict, 5, "--strict", "yok-boyle-bir-ozellik")
    assert not (copy / "katı").exists()


def test_a_formula_looking_name_is_text_in_the_workbook(copy):
    from openpyxl import load_workbook

    (copy / "config.yaml").write_text("period: 2023\ndata: [veri.csv]\ncountry_names:\n  DE: '=HYPERLINK(\"x\")'\n",
                                      encoding="utf-8")
    result = run_cli("build", "--out", str(copy / "yeni"), cwd=copy)
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(copy / "yeni" / "tablolar-2023.xlsx")["ulkeler"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == '=HYPERLINK("x")']
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_the_workflow_passes_inputs_only_through_the_environment():
    import yaml

    workflow = Path(__file__).parent.parent / ".github" / "workflows" / "bulletin.yml"
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["build"]["steps"]
    for step in steps:
        assert "${{" not in step.get("run", ""), step["name"]
    build = next(step for step in steps if "--strict" in step.get("run", ""))
    assert build["env"] == {"PERIOD": "${{ inputs.period }}"} and "grep -Eqx" in build["run"]
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"].strip() == "output/"
