"""The process that makes a single bulletin's PDF (``Ahead``) and the work it has done beside
it (``Beside``, and ``Idle`` on the time left over): results arrive in order, come from the
processes they should, failures reach the build, and nothing outlives the build."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen import processes
from reportgen.processes import Ahead, Beside, Idle


def _square_where(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def _niceness_where(number: int) -> tuple[int, int, int]:
    return number + 1, os.getpid(), os.nice(0)


def _with_work_beside_and_idle(number: int):
    made = yield Beside(_square_where, number)
    idle = yield Idle(_niceness_where, number)
    yield "sonra", idle(), made(), os.getpid()


def _failing(_: int):
    raise ValueError("grafik çizilemedi")


def _with_failing_work_beside(number: int):
    made = yield Beside(_failing, number)
    yield made()


def _sleeping(path: Path) -> None:
    path.write_text(str(os.getpid()))
    time.sleep(60)


def _with_sleeping_work_beside(path: Path):
    made = yield Beside(_sleeping, path)
    yield made()


def _with_failing_idle_work(number: int):
    idle = yield Idle(_failing, number)
    yield idle()


@pytest.mark.parametrize("forks", [True, False])
@pytest.mark.parametrize("function", [_with_failing_work_beside, _with_failing_idle_work])
def test_a_failure_beside_reaches_the_build(monkeypatch, forks, function):
    if not forks:
        monkeypatch.setattr(processes, "can_fork", lambda: False)
    ahead = Ahead(())
    try:
        ahead.submit(function, 3)
        with pytest.raises(ValueError, match="grafik çizilemedi"):
            ahead.result()
    finally:
        ahead.close()


@pytest.mark.parametrize("forks", [True, False])
def test_work_beside_is_the_next_result_and_is_given_back(monkeypatch, forks):
    """Forked, the work runs in a process of its own, neither the build's nor the
    function's; ``Idle`` work too, at the lowest priority, and its value is not a result of
    its own: the next result is what the function yields. Where processes cannot fork,
    all of it runs here, in the same order."""
    if not forks:
        monkeypatch.setattr(processes, "can_fork", lambda: False)
    ahead = Ahead(())
    try:
        ahead.submit(_with_work_beside_and_idle, 7)
        square, beside = ahead.result()
        label, (after, idle, niceness), given, function = ahead.result()
    finally:
        ahead.close()
    assert (square, label, after, given) == (49, "sonra", 8, (49, beside))
    if forks:
        assert niceness == 19
        assert len({beside, idle, function, os.getpid()}) == 4
    else:
        assert niceness == os.nice(0)
        assert beside == idle == function == os.getpid()


def test_the_pdf_process_imports_no_data_engine():
    """The PDF's process imports its modules while the engine scans, on the core the scan
    shares: what reads and aggregates the data (DuckDB, Arrow, SQLGlot, pandas) is the
    build's alone. Run fresh, as the process forked before the build imports the data stage."""
    engines = ("duckdb", "pyarrow", "sqlglot", "pandas")
    code = ("import importlib, sys, reportgen.cli; from reportgen.build import PDF_MODULES; "
            "[importlib.import_module(m) for m in PDF_MODULES]; "
            f"print(*[m for m in {engines!r} if m in sys.modules], 'charts' in dir(sys.modules['reportgen']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True"]


def test_a_build_forks_the_pdf_process_before_it_imports_the_data_engine(tmp_path):
    """The PDF's process is forked before anything imports the data stage (not even to
    list the inputs an output folder must not hold): it inherits none of it, and imports
    its own modules on the core the build's imports leave free. Seen in a build whose
    output folder is refused: the refusal comes after the fork, and the user's file stays."""
    out = tmp_path / "cikti"
    out.mkdir()
    (out / "notlarim.txt").write_text("kullanıcının dosyası")
    engines = ("duckdb", "pyarrow", "sqlglot", "pandas")
    code = f"""
import json, sys
from reportgen import processes
from reportgen.build import build_all
from reportgen.config import load_config
from reportgen.errors import OutputError
forked = []
start = processes.Ahead.__init__
def recording(self, modules):
    forked.append([m for m in {engines!r} if m in sys.modules])
    start(self, modules)
processes.Ahead.__init__ = recording
config = load_config(None, {{"data": [{str(tmp_path / "veri.parquet")!r}], "period": "2024-06"}})
try:
    build_all(config, out={str(out)!r})
except OutputError:
    print(json.dumps([forked, [m for m in {engines!r} if m in sys.modules]]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    forked, imported_later = json.loads(done.stdout)
    assert forked == [[]]
    assert "sqlglot" in imported_later
    assert (out / "notlarim.txt").read_text() == "kullanıcının dosyası"


def _imported(*modules: str):
    yield [module in sys.modules for module in modules]


def test_work_given_early_starts_before_the_rest_is_imported(tmp_path, monkeypatch):
    """On small data the figures are ready before the PDF's process has imported
    everything: it stops importing at the next module and starts the work, which imports
    what it needs itself."""
    started = tmp_path / "basladi"
    (tmp_path / "yavas_modul.py").write_text(f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\n"
                                             "time.sleep(1)\n")
    (tmp_path / "sonraki_modul.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    ahead = Ahead(("yavas_modul", "sonraki_modul"))
    try:
        deadline = time.monotonic() + 20
        while not started.exists():
            assert time.monotonic() < deadline
            time.sleep(0.01)
        ahead.submit(_imported, "yavas_modul", "sonraki_modul")
        assert ahead.result() == [True, False]
    finally:
        ahead.close()


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_work_beside_ends_with_the_build(tmp_path):
    """A build that stops (an error elsewhere, Ctrl+C) closes the PDF's process; the
    process working beside it ends too instead of sleeping on."""
    path = tmp_path / "pid"
    ahead = Ahead(())
    ahead.submit(_with_sleeping_work_beside, path)
    deadline = time.monotonic() + 20
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    helper = int(path.read_text())
    assert _alive(helper)
    ahead.close()
    while _alive(helper):
        assert time.monotonic() < deadline, "the helper outlived the build"
        time.sleep(0.05)
