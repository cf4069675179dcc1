"""reportgen's cache in the user's cache folder: what depends only on the package or the
templates, kept between runs, keyed by content, and safe to delete at any time. A cache
that cannot be read or written is simply not used. The folder is trusted as the user's
home is: compiled templates are loaded from it as code."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket


def cache_folder() -> Path:
    """``$XDG_CACHE_HOME/reportgen`` or ``~/.cache/reportgen``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportgen"


def store(path: Path, content: bytes) -> None:
    """Write a cache entry atomically; one that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_bytes(content)
        partial.replace(path)
    except OSError:
        pass


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled by the sandboxed environment, kept so that each process (the
    PDF's, each profile worker's) and each run need not compile them again (about 0.1 s a
    page). Jinja keys an entry by the template's name and the checksum of its source, so
    an edited template is compiled afresh; the folder is keyed by what else shapes the
    compiled code: Jinja's version and the module that makes the environment."""

    def __init__(self, environment_module: Path) -> None:
        key = hashlib.sha256(jinja2.__version__.encode("ascii") + environment_module.read_bytes()).hexdigest()[:16]
        super().__init__(str(cache_folder() / "templates" / key))

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - whatever a damaged entry raises, the template is compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass
