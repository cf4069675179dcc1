"""Write a build's files all at once: into a temporary folder beside the target, moved
into place only when every file is written, so a failed build leaves nothing behind
and a reader never sees half a bulletin."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Mapping

from .errors import OutputError


def publish(files: Mapping[str, bytes], target: Path) -> list[Path]:
    """``files`` maps relative names to contents; returns the written paths."""
    target = target.resolve()
    try:
        return _publish(files, target)
    except OSError as exc:
        raise OutputError(f"çıktı yazılamadı ({exc.strerror or exc})", folder=target) from None


def _publish(files: Mapping[str, bytes], target: Path) -> list[Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            os.chmod(path, 0o644)
        os.chmod(staging, 0o755)
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / name for name in files]


def _swap_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    retired.rmdir()
    target.rename(retired)
    try:
        staging.rename(target)
    except BaseException:
        retired.rename(target)
        raise
    shutil.rmtree(retired, ignore_errors=True)
