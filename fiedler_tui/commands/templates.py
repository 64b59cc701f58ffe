"""``fiedler templates``: the prompt templates in the config dir; ``show NAME`` prints one."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.templates import (
    PLACEHOLDERS,
    TemplateError,
    load_template,
    template_names,
    templates_dir,
)

SUMMARY_WIDTH = 60


@dataclass(frozen=True)
class _Row:
    name: str
    placeholders: list[str]
    summary: str
    problems: list[str]


def _row(name: str) -> _Row:
    try:
        template = load_template(name)
    except TemplateError as exc:
        return _Row(name, [], "", exc.lines())
    return _Row(name, template.placeholders, template.summary, template.problems())


def run_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    """One row per template: name, placeholders, first line; problems on stderr (exit 1)."""
    rows = [_row(name) for name in template_names()]
    failed = any(row.problems for row in rows)
    if args.json:
        listed = [asdict(row) for row in rows]
        ctx.out(json.dumps({"folder": str(templates_dir()), "templates": listed}, indent=2))
        return 1 if failed else 0
    if not rows:
        ctx.out(f"no templates yet: add NAME.md files to {templates_dir()}")
        ctx.out("placeholders: " + ", ".join("{{" + p + "}}" for p in PLACEHOLDERS))
        return 0
    table = [[r.name, ", ".join(r.placeholders) or "-", _short(r.summary)] for r in rows]
    ctx.out(render_table(["template", "placeholders", "first line"], table))
    for row in rows:
        for problem in row.problems:
            ctx.err(f"fiedler: {problem}")
    return 1 if failed else 0


def run_show(args: argparse.Namespace, ctx: CommandContext) -> int:
    template = load_template(args.name)
    problems = template.problems()
    if args.json:
        ctx.out(
            json.dumps(
                {
                    "name": template.name,
                    "path": str(template.path),
                    "placeholders": template.placeholders,
                    "problems": problems,
                    "text": template.text,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        ctx.err(f"{template.path} ({', '.join(template.placeholders) or 'no placeholders'})")
        for line in template.text.splitlines():
            ctx.out(line)
    for problem in problems:
        ctx.err(f"fiedler: {problem}")
    return 1 if problems else 0


def _short(text: str) -> str:
    return text if len(text) <= SUMMARY_WIDTH else text[: SUMMARY_WIDTH - 1] + "…"
