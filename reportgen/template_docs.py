"""The editors' reference of every template variable and filter, generated from the code
(the context objects, their attribute docstrings, the filters' docstrings) and from a real
build's context for the examples, so it cannot drift from what templates receive."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from functools import lru_cache
from typing import Any, Iterator, Optional

from pydantic import BaseModel

from . import compute, config, graphics, period, render
from .config import Config, Labels
from .render import FILTERS

EXAMPLE = re.compile(r"``([^`]+)``\s*→\s*``([^`]+)``")
_DOCUMENTED = (compute, period, graphics, config, render)


@lru_cache(maxsize=1)
def attribute_docs() -> dict[tuple[str, str], str]:
    """(class name, attribute) → the docstring written under the attribute."""
    docs = {}
    for module in _DOCUMENTED:
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if not isinstance(node, ast.ClassDef):
                continue
            body = node.body
            for first, second in zip(body, body[1:]):
                if (isinstance(first, ast.AnnAssign) and isinstance(first.target, ast.Name)
                        and isinstance(second, ast.Expr) and isinstance(second.value, ast.Constant)
                        and isinstance(second.value.value, str)):
                    docs[(node.name, first.target.id)] = " ".join(second.value.value.split())
    return docs


def filter_examples(function) -> list[tuple[str, str]]:
    """The ``input`` → ``output`` pairs a filter's docstring promises."""
    return EXAMPLE.findall(inspect.getdoc(function) or "")


def _rows(value: Any, path: str, owner: str = "", model: Optional[type[BaseModel]] = None
          ) -> Iterator[tuple[str, str, str, str]]:
    """(path, type, example, meaning) for a value and everything inside it; ``model`` is the
    config class a plain dict of settings was made from, for its fields' docs."""
    meaning = attribute_docs().get((owner, path.rsplit(".", 1)[-1]), "")
    if model is not None and isinstance(value, dict):
        yield path, "dict", "", meaning
        for name, info in model.model_fields.items():
            if name in value:
                inner = info.annotation if isinstance(info.annotation, type) and issubclass(
                    info.annotation, BaseModel) else None
                yield from _rows(value[name], f"{path}.{name}", model.__name__, inner)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield path, type(value).__name__, "", meaning
        for field in dataclasses.fields(value):
            yield from _rows(getattr(value, field.name), f"{path}.{field.name}", type(value).__name__)
        for name, attribute in vars(type(value)).items():
            if isinstance(attribute, property) and not name.startswith("_"):
                doc = " ".join((inspect.getdoc(attribute) or "").split())
                yield f"{path}.{name}", type(getattr(value, name)).__name__, _short(getattr(value, name)), doc
    elif isinstance(value, list):
        yield path, "list", f"{len(value)} öğe", meaning
        if value:
            yield from _rows(value[0], f"{path}[0]", owner)
    elif isinstance(value, dict):
        yield path, "dict", ", ".join(map(str, list(value)[:6])), meaning
        for key, item in list(value.items())[:1]:
            if dataclasses.is_dataclass(item):
                yield from _rows(item, f"{path}.{key}", owner)
    else:
        yield path, type(value).__name__, _short(value), meaning


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def reference_markdown(context: dict[str, Any], view: list = ()) -> str:
    """Markdown page: variables with type, example and meaning; filters with examples; the
    columns of the view ``kayitlar`` that editors' queries read."""
    lines = ["# Şablon başvurusu", "",
             "Bu sayfa `reportgen templates reference` ile koddan üretilir; örnekler gerçek bir "
             "derlemenin bağlamındandır.", "", "## Değişkenler", "",
             "| değişken | tür | örnek | anlamı |", "|---|---|---|---|"]
    models = {"config": Config, "labels": Labels}
    for name, value in context.items():
        for path, kind, example, meaning in _rows(value, name, model=models.get(name)):
            lines.append(f"| `{path}` | {kind} | {_cell(example)} | {_cell(meaning)} |")
    lines += ["| `numbers.label(kind, key, title)` | str | Tablo 3 | bir sonraki numara (`m.caption_text` çağırır); "
              "`key` başlığın adı ve çapasıdır |",
              "| `numbers.ref(key)` | str | Tablo 3 | `key` adlı başlığın numarası, sayfanın neresinde olursa olsun "
              "(`m.ref(key)` bağlantılı yazar) |",
              "| `numbers.has(key)` | bool | True | sayfada `key` adlı bir başlık var mı |",
              "| `numbers.contents` | list | (key, Tablo 1, başlık) | sayfadaki bütün numaralı başlıklar, "
              "içindekiler için |"]
    lines += ["", "## Süzgeçler", "", "| süzgeç | ne yapar | örnekler |", "|---|---|---|"]
    for name, function in sorted(FILTERS.items()):
        summary = " ".join((inspect.getdoc(function) or "").split("\n\n")[0].split())
        examples = "; ".join(f"`{a}` → `{b}`" for a, b in filter_examples(function))
        lines.append(f"| `{name}` | {_cell(EXAMPLE.sub('', summary).strip(' :;,.'))} | {_cell(examples)} |")
    lines += ["", "## Sorgu görünümü `kayitlar`", "",
              "`extra_sections` sorguları bu görünümü okur; parametreler: `:year`, `:month`, `:first_month`, "
              "`:previous_year`. Örnekler bu derlemenin verisindendir.", "",
              "| sütun | tür | örnek | anlamı |", "|---|---|---|---|"]
    lines += [f"| `{c.name}` | {c.type} | {_cell(str(c.example))} | {_cell(c.meaning)} |" for c in view]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
