"""models.yaml ``egress:`` at load time: each rule's line, and what is wrong with a rule.

Type errors (a ``to`` that is not a list, an unknown key) are the schema's; checked here: a path
that is no folder or glob, a path given twice, and a ``to`` naming neither a provider nor a
model. Problems are reported with the others, as ``file:line: field: message``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fiedler_tui.core.config.yaml_lines import Path_
from fiedler_tui.core.egress.patterns import path_problem

SECTION = "egress"


def with_rule_lines(data: dict[str, Any], line_of: Callable[[Path_], int | None]) -> dict[str, Any]:
    """A copy of ``data`` whose egress rules carry their own line in models.yaml."""
    section = data.get(SECTION)
    rules = section.get("rules") if isinstance(section, dict) else None
    if not isinstance(section, dict) or not isinstance(rules, list):
        return data
    lined = [
        {**rule, "line": line_of((SECTION, "rules", index))} if isinstance(rule, dict) else rule
        for index, rule in enumerate(rules)
    ]
    return {**data, SECTION: {**section, "rules": lined}}


def egress_field_problems(data: dict[str, Any]) -> list[tuple[Path_, str]]:
    """What is wrong with each rule's ``path`` and ``to``."""
    problems: list[tuple[Path_, str]] = []
    section = data.get(SECTION)
    rules = section.get("rules") if isinstance(section, dict) else None
    if not isinstance(rules, list):
        return problems
    names = _receivers(data)
    first: dict[str, int] = {}
    for index, rule in enumerate(rules):
        base: Path_ = (SECTION, "rules", index)
        if not isinstance(rule, dict):
            continue
        path = rule.get("path")
        if isinstance(path, str) and path.strip():
            problem = path_problem(path)
            if problem is not None:
                problems.append(((*base, "path"), problem))
            key = path.strip().rstrip("/") or "/"
            if key in first:
                problems.append(
                    ((*base, "path"), f"{path!r} already has a rule (rules.{first[key]})")
                )
            first.setdefault(key, index)
        receivers = rule.get("to")
        if isinstance(receivers, list):
            for position, name in enumerate(receivers):
                if isinstance(name, str) and name not in names:
                    known = ", ".join(sorted(names)) or "none defined"
                    problems.append(
                        (
                            (*base, "to", position),
                            f"{name!r} is neither a provider nor a model (known: {known})",
                        )
                    )
    return problems


def _receivers(data: dict[str, Any]) -> set[str]:
    """Every provider name, model name and alias in the file."""
    names: set[str] = set()
    providers = data.get("providers")
    if isinstance(providers, dict):
        names.update(str(name) for name in providers)
    models = data.get("models")
    if isinstance(models, dict):
        for name, model in models.items():
            names.add(str(name))
            aliases = model.get("aliases") if isinstance(model, dict) else None
            if isinstance(aliases, list):
                names.update(a for a in aliases if isinstance(a, str))
    return names
