"""``--template NAME``: the prompt of ``dry-run``, ``send`` and ``crosstalk`` from a template,
its placeholders filled with the package's files and the models chosen; and the question of
``send --continue``, filled with the run's files and the models asked."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.files.ignore import Filters
from fiedler_tui.core.files.selection import select_files
from fiedler_tui.core.followup.conversation import FollowUpPlan
from fiedler_tui.core.followup.package import package_file_names
from fiedler_tui.core.templates import TemplateValues, load_template

FILE_PLACEHOLDERS = frozenset({"files", "file_list", "file_count"})


def template_prompt(
    name: str, args: argparse.Namespace, ctx: CommandContext, models: Sequence[ModelSpec]
) -> str:
    """The template ``name`` filled in; TemplateError (exit 2) when it is unknown, unreadable
    or uses an unknown placeholder."""
    template = load_template(name)
    template.render(TemplateValues())  # unknown placeholders refused before the files are read
    files: list[str] = []
    if set(template.placeholders) & FILE_PLACEHOLDERS:
        filters = Filters(tuple(args.include), tuple(args.exclude))
        selection = select_files(args.paths, ctx.settings, filters)
        files = [f.path for f in selection.files]
    return template.render(TemplateValues(files=files, models=[m.name for m in models]))


def follow_up_template_question(name: str, ctx: CommandContext, plan: FollowUpPlan) -> str:
    """The template ``name`` filled in for a follow-up's question: ``{{files}}`` are the run's
    files as its package named them, ``{{models}}`` the models asked (TemplateError, exit 2,
    as for a send)."""
    template = load_template(name)
    template.render(TemplateValues())  # unknown placeholders refused first
    models: list[str] = []
    for alias in plan.aliases:
        try:
            models.append(ctx.config.resolve(alias).name)
        except KeyError:
            models.append(alias)  # refused by the dry run, naming it
    return template.render(TemplateValues(files=package_file_names(plan.run), models=models))
