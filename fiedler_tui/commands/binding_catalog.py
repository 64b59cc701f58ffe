"""The ids of the app's key bindings, read from its source (``fiedler doctor`` checks
settings.toml's ``[keymap]`` against them without loading the app).

Every ``Binding(..., id="...")`` in ``fiedler_tui/tui`` is found with :mod:`ast`; an id built
with an f-string (``f"run-pane-{n}"``) stands for every id that fills its holes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

TUI_SOURCE = Path(__file__).resolve().parent.parent / "tui"


@dataclass(frozen=True)
class BindingCatalog:
    ids: frozenset[str]
    """Ids written out whole."""
    patterns: tuple[re.Pattern[str], ...]
    """Ids with holes (f-strings), as patterns."""

    def has(self, binding_id: str) -> bool:
        return binding_id in self.ids or any(p.fullmatch(binding_id) for p in self.patterns)


def binding_catalog(source: Path = TUI_SOURCE) -> BindingCatalog:
    """Every binding id of the app's source under ``source``."""
    ids: set[str] = set()
    patterns: set[str] = set()
    for path in sorted(source.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text("utf-8"), str(path))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _called(node) == "Binding"):
                continue
            for keyword in node.keywords:
                if keyword.arg != "id":
                    continue
                value = keyword.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    ids.add(value.value)
                elif isinstance(value, ast.JoinedStr):
                    patterns.add(_pattern(value))
    return BindingCatalog(frozenset(ids), tuple(re.compile(p) for p in sorted(patterns)))


def _called(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _pattern(text: ast.JoinedStr) -> str:
    parts = [
        re.escape(str(part.value)) if isinstance(part, ast.Constant) else ".+"
        for part in text.values
    ]
    return "".join(parts)
