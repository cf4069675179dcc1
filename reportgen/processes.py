"""Worker processes of a build. They are forked (on Linux), so they start with what the
build has imported and computed; they die with the build, even when it is killed; and
where processes cannot fork, or inside a worker already, the work runs in this process."""

from __future__ import annotations

import atexit
import gc
import importlib
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import NoReturn, Optional


def exit_now(code: int) -> NoReturn:
    """End the process as the interpreter would, less its teardown: freeing every object
    of pandas, matplotlib, WeasyPrint and DuckDB one by one takes about 0.3 s after the
    work is done (mypy ends its runs the same way). What the interpreter does before its
    teardown is still done, by the same functions: other threads are waited for, exit
    handlers run (Spark's session stops, temporary folders go) and the output streams are
    flushed."""
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def can_fork() -> bool:
    return sys.platform == "linux" and multiprocessing.parent_process() is None


def start_worker(parent: int) -> None:
    """A worker ends when the build's process ends, even when that is killed: the pipes
    it inherited would otherwise keep it waiting for work forever (Linux's
    PR_SET_PDEATHSIG; a parent gone before the call is caught by the check after it).
    What it inherited is frozen out of the garbage collector, which would otherwise walk
    those objects in each full collection (a sixth of a profile's time)."""
    import ctypes
    import signal

    ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    gc.freeze()


@contextmanager
def uncollected() -> Iterator[None]:
    """The garbage collector held off while objects pile up that it would walk again and
    again as they grow and never free: a sheet's rows becoming columns (a fifth of a large
    sheet's read), modules being imported (a tenth of an import's time, taken from the
    engine that reads beside it). Threads may nest it; the collector runs again when the
    first to hold it off is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_all(modules: tuple[str, ...], stop: Callable[[], bool] = lambda: False) -> None:
    """Import ``modules`` in order, uncollected, until ``stop()`` says the work has come."""
    with uncollected():
        for module in modules:
            if stop():
                break
            importlib.import_module(module)


def forked_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=start_worker, initargs=(os.getpid(),))


def in_processes(function, batches: list, *args, done: Callable[[int], None] = lambda count: None) -> list:
    """``function(batch, *args)`` for each batch, one forked process per core (inside a
    worker, one after another); results in the batches' order. The workers inherit
    ``function`` and ``args`` (the figures, say) when they are forked: only the batches
    are sent to them, not a copy of everything for each batch."""
    if len(batches) < 2 or not can_fork():
        results = []
        for count, batch in enumerate(batches, start=1):
            results.append(function(batch, *args))
            done(count)
        return results
    global _shared
    _shared = (function, args)
    try:
        with forked_pool(min(os.cpu_count() or 1, len(batches))) as pool:
            futures = [pool.submit(_with_shared, batch) for batch in batches]
            for count, _ in enumerate(as_completed(futures), start=1):
                done(count)
            return [future.result() for future in futures]
    finally:
        _shared = None


_shared: Optional[tuple[Callable, tuple]] = None
"""What the workers ``in_processes`` forks inherit: the function and its arguments."""


def _with_shared(batch):
    function, args = _shared
    return function(batch, *args)


@contextmanager
def long_lived() -> Iterator[Callable[[], None]]:
    """Objects that live as long as the build (imported modules, the figures) kept out of
    the garbage collector's full collections, which otherwise walk them again and again;
    the yielded function adds what exists by then. Given back at the end, so a process
    that builds again (the tests, the preview) can still collect them."""
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


class Beside:
    """Yielded by a function an ``Ahead`` runs, to have ``function(*args)`` computed on the
    core the build leaves free meanwhile: in a process forked from the function's own, so
    with all it has imported and computed. The value is the function's next result, sent
    to the build as soon as it is made; the yield gives the function a callable that waits
    for it."""

    to_build = True
    """whether the value is also the build's next result"""
    niceness = 0
    """how much lower than the build's the helper's CPU priority is"""

    def __init__(self, function: Callable, *args) -> None:
        self.function, self.args = function, args


class Idle(Beside):
    """Like ``Beside``, at the lowest CPU priority: it takes only the time the build's
    other processes leave. Its value goes to the function alone, which passes it on as
    a result of its own: work whose result is wanted last."""

    to_build = False
    niceness = 19


class Ahead:
    """A process forked now, before the data is read, that imports ``modules`` on the
    second core while this one reads, in order, until the function comes (which then
    imports what it still needs); it then runs one generator function given later,
    each value it yields a result here as soon as it is made. Forked this early it also
    inherits no engine threads. Where processes cannot fork, the function runs here,
    each step when its result is asked for."""

    def __init__(self, modules: tuple[str, ...]) -> None:
        self._results: Optional[Iterator] = None
        self._ready: deque = deque()
        self._process = None
        if not can_fork():
            return
        context = multiprocessing.get_context("fork")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=_run_ahead, args=(theirs, os.getpid(), modules), daemon=True)
        self._process.start()
        theirs.close()

    def submit(self, function: Callable[..., Iterator], *args) -> None:
        if self._process is None:
            self._results = _steps(function(*args), self._here)
        else:
            self._connection.send((function, args))

    def _here(self, work: Beside) -> Callable[[], object]:
        value = work.function(*work.args)
        if work.to_build:
            self._ready.append(value)
        return lambda: value

    def result(self):
        """The function's next result; its exception raised here."""
        if self._process is None:
            if not self._ready:
                self._ready.append(next(self._results))
            return self._ready.popleft()
        try:
            failed, value = self._connection.recv()
        except EOFError:
            raise RuntimeError(f"worker process ended with exit code {self._process.exitcode}") from None
        if failed:
            raise value
        return value

    def close(self) -> None:
        """Ends the process, finished or not (a failed build does not wait for it); what
        it forked ends with it."""
        if self._process is not None:
            self._process.kill()
            self._process.join()
            self._connection.close()
            self._process = None


def _steps(results: Iterator, beside: Callable[[Beside], Callable[[], object]]) -> Iterator:
    """A function's results but its ``Beside`` values, each of those started by ``beside``,
    whose waiting callable the function is given back."""
    try:
        value = next(results)
        while True:
            if isinstance(value, Beside):
                value = results.send(beside(value))
            else:
                yield value
                value = next(results)
    except StopIteration:
        return


def _run_ahead(connection, parent: int, modules: tuple[str, ...]) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    start_worker(parent)
    import_all(modules, connection.poll)
    gc.freeze()
    try:
        function, args = connection.recv()
    except EOFError:
        return
    helpers: list[Callable[[], object]] = []

    def beside(work: Beside) -> Callable[[], object]:
        helpers.append(_forked(work, connection))
        return helpers[-1]

    try:
        for value in _steps(function(*args), beside):
            _settle(helpers)
            _reply(connection, False, value)
    except BaseException as error:  # noqa: BLE001 - passed to the build, which reports it
        _settle(helpers)
        _reply(connection, True, error)


def _forked(work: Beside, connection) -> Callable[[], object]:
    """``work`` computed in a child of this process, which sends the value to the build
    through ``connection`` (if it is for the build) and then here; this process writes
    nothing to the build until it has had the value (``_settle``), so results never
    interleave."""
    mine, theirs = multiprocessing.Pipe(duplex=False)
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        start_worker(parent)
        os.nice(work.niceness)
        try:
            outcome = (False, work.function(*work.args))
        except BaseException as error:  # noqa: BLE001 - passed on, as in _run_ahead
            outcome = (True, error)
        for channel in (connection, theirs) if work.to_build else (theirs,):
            _reply(channel, *outcome)
        os._exit(0)
    theirs.close()
    received: list[tuple[bool, object]] = []

    def wait():
        if not received:
            try:
                received.append(mine.recv())
            except EOFError:
                received.append((True, RuntimeError("worker process ended without a result")))
            os.waitpid(child, 0)
        failed, value = received[0]
        if failed:
            raise value
        return value

    return wait


def _settle(helpers: list[Callable[[], object]]) -> None:
    """Each helper finished, its result (or failure) already with the build."""
    for wait in helpers:
        try:
            wait()
        except BaseException:  # noqa: BLE001 - the build has had it first
            pass


def _reply(connection, failed: bool, value) -> None:
    try:
        connection.send((failed, value))
    except Exception as error:  # noqa: BLE001 - a result or an error that cannot be pickled
        connection.send((True, RuntimeError(f"{type(error).__name__}: {error}")))
