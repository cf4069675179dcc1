"""The cache of compiled templates: an edited template is never served stale, and a
cache that is damaged or cannot be written changes nothing but the time it takes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from reportgen.render import environment

TEMPLATE = "kucuk.html"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "reportgen" / "templates"


def rendered(folder: Path, text: str) -> str:
    (folder / TEMPLATE).write_text(text, encoding="utf-8")
    return environment(folder).get_template(TEMPLATE).render(value=1234567.891)


def test_a_compiled_template_is_kept_and_used_by_the_next_environment(tmp_path, cache):
    assert rendered(tmp_path, "<p>{{ value|number(1) }}</p>") == "<p>1.234.567,9</p>"
    entries = {p: p.stat().st_ino for p in cache.rglob("*.cache")}
    assert entries
    assert rendered(tmp_path, "<p>{{ value|number(1) }}</p>") == "<p>1.234.567,9</p>"
    assert {p: p.stat().st_ino for p in cache.rglob("*.cache")} == entries, "compiled again instead of loaded"


def test_an_edited_template_is_compiled_again(tmp_path, cache):
    assert rendered(tmp_path, "<p>eski {{ value|number(0) }}</p>") == "<p>eski 1.234.568</p>"
    assert rendered(tmp_path, "<p>yeni {{ value|number(2) }}</p>") == "<p>yeni 1.234.567,89</p>"


def test_a_cache_that_cannot_be_written_is_not_used(tmp_path, monkeypatch):
    blocked = tmp_path / "dosya"
    blocked.write_text("klasör değil", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert rendered(tmp_path, "<p>{{ value|number(1) }}</p>") == "<p>1.234.567,9</p>"
    assert blocked.read_text(encoding="utf-8") == "klasör değil"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=st.binary(max_size=200), keep=st.integers(min_value=0, max_value=64))
def test_a_damaged_cache_entry_is_compiled_again(tmp_path, cache, damage, keep):
    """Whatever an entry holds (its start kept, the rest any bytes), the page is the same."""
    assert rendered(tmp_path, "<p>{{ value|number(1) }}</p>") == "<p>1.234.567,9</p>"
    for entry in cache.rglob("*.cache"):
        entry.write_bytes(entry.read_bytes()[:keep] + damage)
    assert rendered(tmp_path, "<p>{{ value|number(1) }}</p>") == "<p>1.234.567,9</p>"
