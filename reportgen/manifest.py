"""``manifest.json``: what a build wrote and what it was built from, each with its SHA-256.

Inputs are listed by file name (a database by its table or query, never its URL), so the
manifest of identical inputs is the same in any folder. The manifest is also how reportgen
recognises a folder it may replace (see ``publish``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typing import Mapping, Optional

from .config import PARTS, Config, DatabaseSource

MANIFEST = "manifest.json"
GENERATOR = "reportgen"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def listed_files(path: Path) -> Optional[dict[str, str]]:
    """The files a manifest lists, name → SHA-256; None if ``path`` is not a manifest."""
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        return {str(name): str(entry["sha256"]) for name, entry in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def settings_digest(config: Config) -> str:
    """The config's settings, without the paths (whose contents are listed instead)."""
    settings = config.model_dump_json(include=Config.keys_of(*PARTS, places=False))
    return hashlib.sha256(settings.encode("utf-8")).hexdigest()


def listing(files: Mapping[str, bytes]) -> dict[str, dict]:
    """Each file's SHA-256 and size, by name: what a manifest lists."""
    return {name: {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
            for name, content in sorted(files.items())}


def manifest(files: dict[str, bytes], inputs: list[Path], config: Config) -> dict[str, bytes]:
    """The files with ``manifest.json`` added."""
    templates = config.templates_path()
    overrides = sorted(p for p in templates.rglob("*") if p.is_file()) if templates else []
    data = config.data
    document = {
        "generator": GENERATOR,
        "period": config.period,
        "files": listing(files),
        "inputs": {
            "data": ([{"table": data.table} if data.table else {"query": data.query}]
                     if isinstance(data, DatabaseSource)
                     else [{"name": p.name, "sha256": sha256_file(p)} for p in inputs]),
            "config": settings_digest(config),
            "templates": [{"name": p.relative_to(templates).as_posix(), "sha256": sha256_file(p)}
                          for p in overrides],
        },
    }
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return {**files, MANIFEST: text.encode("utf-8")}
