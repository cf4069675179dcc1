"""Write a build's files all at once, and never destroy anything reportgen did not make.

The files go into a staging folder beside the target and replace it in one atomic step
(``renameat2(RENAME_EXCHANGE)`` on Linux), so a reader, a crash or a kill sees either the
old build or the new one. A folder is replaced only when it is empty or is a build of
reportgen's, exactly as its manifest describes it; anything else is refused before any
work is done. Builds into the same parent folder are serialised by a lock on that folder.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, Mapping

from .errors import OutputError
from .manifest import MANIFEST, listed_files, sha256_file

STAGING = ".reportgen-yeni-"
RETIRED = ".reportgen-eski-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def check_target(target: Path, protected: Iterable[Path] = ()) -> Path:
    """The absolute target, or an OutputError saying why reportgen may not replace it:
    the root, the home folder, the working folder or a folder holding it, a folder holding
    an input, or a folder with anything reportgen did not write there. What an
    interrupted build left beside it is tidied first."""
    target = Path(target).expanduser().resolve()
    if target.parent.is_dir():
        try:
            with _locked(target.parent):
                _repair(target)
        except OSError as exc:
            raise OutputError(f"klasör hazırlanamadı ({exc.strerror or exc})", folder=target) from None
    _refuse_unless_replaceable(target, protected)
    return target


def _refuse_unless_replaceable(target: Path, protected: Iterable[Path]) -> None:
    refuse = _refusal(target, [Path(p).resolve() for p in protected])
    if refuse:
        raise OutputError(refuse + "; reportgen yalnızca boş bir klasörün ya da kendi yazdığı bir "
                          "derlemenin yerine yazar", folder=target)


def _refusal(target: Path, protected: list[Path]) -> str:
    if target == Path(target.anchor):
        return "kök klasöre yazılamaz"
    if target == Path.home().resolve():
        return "ev klasörüne yazılamaz"
    cwd = Path.cwd().resolve()
    if target == cwd or target in cwd.parents:
        return "çalışma klasörü ya da onu içeren bir klasör çıktı klasörü olamaz"
    for path in protected:
        if target == path or target in path.parents:
            return f"klasör bir girdiyi içeriyor ({path.name})"
    if not target.exists() and not target.is_symlink():
        return ""
    if not target.is_dir():
        return "bu ad bir dosyanın, klasör değil"
    return _foreign_content(target)


def _foreign_content(folder: Path) -> str:
    """Empty, or a reportgen build whose every file its manifest lists with the same
    SHA-256; otherwise the first thing that does not belong."""
    present = sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink())
    if not present and not any(folder.iterdir()):
        return ""
    listed = listed_files(folder / MANIFEST)
    if listed is None:
        return "klasör boş değil ve bir reportgen derlemesi değil (manifest.json yok)"
    for path in present:
        name = path.relative_to(folder).as_posix()
        if name == MANIFEST:
            continue
        if path.is_symlink() or name not in listed:
            return f"klasörde reportgen'in yazmadığı bir dosya var: {name}"
        if sha256_file(path) != listed[name]:
            return f"reportgen'in yazdığı bir dosya sonradan değiştirilmiş: {name}"
    for path in folder.rglob("*"):
        if path.is_dir() and not any(path.iterdir()):
            return f"klasörde reportgen'in yazmadığı bir klasör var: {path.relative_to(folder).as_posix()}"
    return ""


def check_names(names: Iterable[str]) -> None:
    """Every output name stays inside the output folder: relative, no ``..``, no
    backslash, no empty part."""
    for name in names:
        path = PurePosixPath(name)
        if (path.is_absolute() or "\\" in name or ".." in path.parts or name != path.as_posix()
                or any(part.startswith(".") for part in path.parts) or "\x00" in name):
            raise OutputError(f"geçersiz çıktı dosyası adı: {name!r}")


def publish(files: Mapping[str, bytes], target: Path, protected: Iterable[Path] = ()) -> list[Path]:
    """``files`` maps relative names to contents; returns the written paths."""
    check_names(files)
    target = Path(target).expanduser().resolve()
    protected = list(protected)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target.parent):
            _repair(target)
            _refuse_unless_replaceable(target, protected)
            _publish(files, target)
    except OSError as exc:
        raise OutputError(f"çıktı yazılamadı ({exc.strerror or exc})", folder=target) from None
    return [target / name for name in files]


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the parent folder: a second build into it waits."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _repair(target: Path) -> None:
    """Tidy what an interrupted build left beside the target: its staging folders and, if
    the swap fallback was cut between its two renames, put the old build back."""
    for leftover in _leftovers(target, STAGING):
        shutil.rmtree(leftover)
    for retired in _leftovers(target, RETIRED):
        if target.exists():
            shutil.rmtree(retired)
        else:
            retired.rename(target)


def _leftovers(target: Path, kind: str) -> list[Path]:
    """The folders this target's builds named ``kind``: the prefix and ``mkdtemp``'s eight
    random characters exactly, so a neighbour such as ``2023-x`` is never taken for ``2023``."""
    prefix = f"{kind}{target.name}-"
    return [p for p in target.parent.glob(f"{prefix}*") if len(p.name) == len(prefix) + 8]


def _publish(files: Mapping[str, bytes], target: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{target.name}-", dir=target.parent))
    try:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            os.chmod(path, 0o644)
        os.chmod(staging, 0o755)
        _swap_into_place(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _swap_into_place(staging: Path, target: Path) -> None:
    """After this, ``target`` is the new build and ``staging`` the old one (or gone)."""
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        return
    retired = Path(tempfile.mkdtemp(prefix=f"{RETIRED}{target.name}-", dir=target.parent))
    os.rmdir(retired)
    os.rename(target, retired)
    os.rename(staging, target)
    shutil.rmtree(retired)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically; False where the system cannot (then the caller
    falls back to two renames, which ``_repair`` can finish after a crash)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))
