"""The system prompt of a follow-up: the one the run was sent with, checked like its prompt.

A run records its system prompt as it records its prompt (``system``: sha256 and length, the
text only when prompts are saved). A follow-up sends that one again: its saved text, else the
default when it was the default, else a text known by its sha256 (given again); one given that
differs is refused. A run saved before the system prompt was recorded takes the one given, or
the default.
"""

from __future__ import annotations

from collections.abc import Mapping

from fiedler_tui.core.followup.refused import FollowUpRefused
from fiedler_tui.core.request import DEFAULT_SYSTEM_PROMPT
from fiedler_tui.core.store.summary import sha256_text


class SystemPromptNotSaved(FollowUpRefused):
    """The run's system prompt is needed and was stored only as its sha256."""


def run_system_prompt(
    run_id: str, summary: Mapping[str, object], given: str | None, known: Mapping[str, str]
) -> str:
    """The system prompt the follow-up sends (``given``: the user's, None to reuse the run's;
    ``known``: sha256 -> text of prompts given again or remembered)."""
    record = summary.get("system")
    if not isinstance(record, Mapping) or not isinstance(record.get("sha256"), str):
        return DEFAULT_SYSTEM_PROMPT if given is None else given  # not recorded: as given
    digest = str(record["sha256"])
    chars = record.get("chars", "?")
    if given is not None:
        if sha256_text(given) != digest:
            raise FollowUpRefused(
                f"the system prompt given is not the one run {run_id} was sent with ({chars} "
                "chars, checked by its sha256): give that one, or none to send it again"
            )
        return given
    text = record.get("text")
    if isinstance(text, str) and sha256_text(text) == digest:
        return text
    if digest == sha256_text(DEFAULT_SYSTEM_PROMPT):
        return DEFAULT_SYSTEM_PROMPT
    if digest in known:
        return known[digest]
    raise SystemPromptNotSaved(
        f"run {run_id} was sent with its own system prompt ({chars} chars), which was not saved "
        "(FIEDLER_SAVE_PROMPT=0) and is part of each model's conversation: give it again with "
        "--system (checked against its sha256)"
    )
