"""What ``fiedler send`` says once the run has ended.

On stderr: where the run is saved, then one line per output or summary that could not be saved
(the model, the bytes on disk against the bytes received, the OS's error) and where the full
text is. With ``--json``, stdout carries the summary plus ``save_problems`` and, for each model
whose output is not completely on disk, its whole text as ``unsaved_text``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.store.save_problems import SaveProblem


def _kept(problem: SaveProblem, args: argparse.Namespace) -> str:
    """Where the text that is not on disk can be found, given the output options."""
    if problem.is_summary:
        if args.json:
            return "it is in the --json output"
        return "send with --json to get it on stdout"
    if args.json:
        return "the full text is in the --json output (unsaved_text)"
    if args.events:
        return "the full text is in the --events output (TextDelta events)"
    return "the rest is lost: send with --json to keep the full text"


def report_end(session: SendSession, args: argparse.Namespace, ctx: CommandContext) -> bool:
    """Print where the run was saved and every save problem; True when nothing is missing."""
    problems = session.save_problems()
    where = session.run_path or "memory only (FIEDLER_NO_DISK=1)"
    if not problems:
        ctx.err(f"run {session.run_id}: {session.status}; saved in {where}")
    else:
        ctx.err(f"run {session.run_id}: {session.status}; NOT completely saved in {where}:")
        for problem in problems:
            shown = problem
            if problem.model is not None:
                shown = dataclasses.replace(problem, model=display_name(problem.model))
            ctx.err(f"  {shown.describe()}; {_kept(problem, args)}")
    if args.json:
        ctx.out(json.dumps(json_summary(session, problems), indent=2, ensure_ascii=False))
    return not problems


def json_summary(session: SendSession, problems: list[SaveProblem]) -> dict[str, Any]:
    """The run's summary, its save problems, and the whole text of every output not saved."""
    summary: dict[str, Any] = dict(session.summary())
    unsaved = {p.model for p in problems if p.model is not None}
    models = summary.get("models")
    for model in models if isinstance(models, list) else []:
        alias = model.get("alias") if isinstance(model, dict) else None
        if isinstance(alias, str) and alias in unsaved:
            model["unsaved_text"] = session.text(alias)
    summary["save_problems"] = [p.as_dict() for p in problems]
    return summary
