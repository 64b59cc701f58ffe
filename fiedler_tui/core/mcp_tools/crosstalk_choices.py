"""What ``fiedler_crosstalk`` deliberates with: the choices given, or a resumed run's own.

A resume (``resume``: a run id) continues an interrupted or cancelled deliberation as
``fiedler crosstalk --resume`` does: the run must exist and be resumable, the choices given
must not differ from the run's, and the prompt and package must be the same (the session
checks those when it prepares).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fiedler_tui.core.mcp_tools.arguments import CrosstalkChoices, ToolArguments
from fiedler_tui.core.mcp_tools.refusal import ToolRefusal

if TYPE_CHECKING:
    from fiedler_tui.core.crosstalk.resume import SavedDeliberation
    from fiedler_tui.core.crosstalk.session import DeliberationChoices
    from fiedler_tui.core.store.run_store import RunInfo

RESUME_NAMES = ("models", "paradigm", "rounds", "chair", "personas", "max_completion_tokens")
"""The tool's argument names for the choices a resume takes from the run, in resume order."""


def resumable(info: RunInfo) -> SavedDeliberation:
    """The deliberation saved in ``info``; ``not-resumable`` says why it cannot go on."""
    from fiedler_tui.core.crosstalk.errors import CrosstalkInputError
    from fiedler_tui.core.crosstalk.resume import load_saved

    try:
        return load_saved(info)
    except CrosstalkInputError as exc:
        raise ToolRefusal("not-resumable", str(exc)) from None


def deliberation_choices(
    args: ToolArguments,
    choices: CrosstalkChoices,
    members: Sequence[str],
    saved: SavedDeliberation | None,
) -> DeliberationChoices:
    """The choices to deliberate with: those given (debate by default), or ``saved``'s own when
    resuming, where any given one must equal the run's (``bad-argument`` names those that
    differ)."""
    from fiedler_tui.core.crosstalk.session import DeliberationChoices, resume_choices
    from fiedler_tui.core.errors import UsageError

    given = DeliberationChoices(
        members=tuple(members),
        paradigm=choices.paradigm or "",
        rounds=choices.rounds,
        chair=choices.chair,
        personas=dict(choices.personas),
        max_completion_tokens=args.max_completion_tokens,
    )
    if saved is None:
        return dataclasses.replace(given, paradigm=given.paradigm or "debate")
    try:
        return resume_choices(saved, given, names=RESUME_NAMES, option="resume")
    except UsageError as exc:
        raise ToolRefusal("bad-argument", exc.message) from None
