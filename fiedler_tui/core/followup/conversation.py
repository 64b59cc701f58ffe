"""Each model's own conversation for a follow-up, rebuilt exactly from the saved run, or refused.

A model's conversation is the package and the run's prompt, its own answer, then each later
turn it answered completely (that turn's question, its answer), then the new question. Turns in
which it failed, was cancelled or was not asked are left out of its conversation; another
model's answer never enters it. Texts come from the run folder: answers from their files (a
``.partial`` one is not complete and is refused), prompts and questions from the summaries when
they were saved (``FIEDLER_SAVE_PROMPT=1``), else from ``known`` texts (given again by the user
or remembered by the app), each checked against its saved sha256; the system prompt too
(``system_prompt``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from fiedler_tui.core.followup.refused import FollowUpRefused
from fiedler_tui.core.followup.system_prompt import run_system_prompt
from fiedler_tui.core.followup.thread import SavedTurn, saved_turns
from fiedler_tui.core.request import DEFAULT_SYSTEM_PROMPT, Turn
from fiedler_tui.core.store.run_store import RunInfo
from fiedler_tui.core.store.summary import sha256_text

__all__ = ["FollowUpPlan", "FollowUpRefused", "PromptNotSaved", "known_text", "plan_follow_up"]


class PromptNotSaved(FollowUpRefused):
    """A prompt or question of the run is needed and was stored only as its sha256."""

    def __init__(self, run_id: str, turn: int, chars: object, sha256: str | None) -> None:
        what = "the prompt" if turn == 1 else f"the question of turn {turn}"
        super().__init__(
            f"{what} of run {run_id} was not saved (FIEDLER_SAVE_PROMPT=0; {chars} chars) and "
            "is needed to rebuild each model's conversation"
        )
        self.turn = turn
        self.sha256 = sha256


@dataclass(frozen=True)
class FollowUpPlan:
    """What a follow-up sends: each model's turns after the first user turn, by alias."""

    run: RunInfo
    turns: tuple[SavedTurn, ...]
    number: int
    """The new turn's number (2 for the first follow-up)."""
    first_prompt: str
    question: str
    continued: Mapping[str, tuple[Turn, ...]]
    left_out: tuple[str, ...] = ()
    """Why models of the run are not asked (only when no model was named)."""
    system: str = DEFAULT_SYSTEM_PROMPT
    """The system prompt the run was sent with (``system_prompt``), sent again."""

    @property
    def aliases(self) -> list[str]:
        return list(self.continued)

    def with_question(self, question: str) -> FollowUpPlan:
        """The same plan asking ``question`` instead (a template filled in once the models
        asked are known); refused when it is empty."""
        if not question.strip():
            raise FollowUpRefused("the follow-up question is empty: write one")
        continued = {
            alias: (*turns[:-1], Turn("user", question)) for alias, turns in self.continued.items()
        }
        return replace(self, question=question, continued=continued)


def known_text(record: Mapping[str, object], known: Mapping[str, str]) -> str | None:
    """A prompt record's text: saved (and matching its sha256), else ``known`` by its sha256."""
    digest = record.get("sha256")
    text = record.get("text")
    if isinstance(text, str) and (not isinstance(digest, str) or sha256_text(text) == digest):
        return text
    return known.get(digest) if isinstance(digest, str) else None


def _text_of(run_id: str, turn: SavedTurn, known: Mapping[str, str]) -> str:
    text = known_text(turn.question, known)
    if text is None:
        digest = turn.question.get("sha256")
        raise PromptNotSaved(
            run_id,
            turn.number,
            turn.question.get("chars", "?"),
            digest if isinstance(digest, str) else None,
        )
    return text


def plan_follow_up(
    info: RunInfo,
    question: str,
    aliases: Sequence[str] = (),
    known: Mapping[str, str] | None = None,
    system: str | None = None,
) -> FollowUpPlan:
    """Each asked model's conversation; ``aliases`` empty asks every model with a complete
    first answer. ``known``: sha256 -> text of prompts given again or remembered; ``system``:
    the system prompt given (checked against the run's), None to send the run's again."""
    known = {} if known is None else known  # an empty-looking Mapping may still look texts up
    run_id = info.run_id
    if info.problem:
        raise FollowUpRefused(f"run {run_id}: {info.problem}")
    if "turn" in info.summary:
        raise FollowUpRefused(
            f"{info.path} is turn {info.summary['turn']} of run {run_id}: follow up the run"
        )
    if info.summary.get("kind") == "crosstalk":
        raise FollowUpRefused(
            f"run {run_id} is a deliberation: a follow-up continues a send "
            "(resume a deliberation with fiedler crosstalk --resume)"
        )
    if not question.strip():
        raise FollowUpRefused("the follow-up question is empty: write one")
    turns = saved_turns(info)
    for turn in turns:
        if turn.status == "running":
            where = "the run" if turn.number == 1 else f"turn {turn.number}"
            raise FollowUpRefused(f"{where} of run {run_id} is still running: wait for its end")
        if turn.problem:
            raise FollowUpRefused(f"turn {turn.number} of run {run_id}: {turn.problem}")
    first = turns[0]
    members = first.aliases
    unknown = [a for a in aliases if a not in members]
    if unknown:
        raise FollowUpRefused(
            f"{', '.join(unknown)}: not a model of run {run_id} (its models: "
            f"{', '.join(members) or 'none'}); re-run it on other models instead"
        )
    chosen = list(dict.fromkeys(aliases)) or members
    answers = {a: first.answer(a) for a in chosen}
    left_out: list[str] = []
    for alias in chosen:
        if answers[alias] is None:
            record = first.record(alias) or {}
            reason = f"{alias} has no complete answer in run {run_id} ({record.get('status', '?')})"
            if aliases:
                raise FollowUpRefused(reason + ": it cannot be followed up")
            left_out.append(reason)
    asked = [a for a in chosen if answers[a] is not None]
    if not asked:
        raise FollowUpRefused("; ".join(left_out) or f"run {run_id} has no model to follow up")
    first_prompt = _text_of(run_id, first, known)
    system_prompt = run_system_prompt(run_id, first.summary, system, known)
    continued: dict[str, tuple[Turn, ...]] = {}
    for alias in asked:
        answer = answers[alias]
        assert answer is not None
        later: list[Turn] = [Turn("assistant", answer)]
        for turn in turns[1:]:
            mine = turn.record(alias)
            if mine is None or mine.get("status") != "done":
                continue  # not asked, failed or cancelled in that turn: not part of its thread
            text = turn.answer(alias)
            if text is None:
                raise FollowUpRefused(
                    f"the answer of {alias} in turn {turn.number} of run {run_id} is not on "
                    "disk complete: its conversation cannot be rebuilt"
                )
            later += [Turn("user", _text_of(run_id, turn, known)), Turn("assistant", text)]
        later.append(Turn("user", question))
        continued[alias] = tuple(later)
    return FollowUpPlan(
        run=info,
        turns=tuple(turns),
        number=turns[-1].number + 1,
        first_prompt=first_prompt,
        question=question,
        continued=continued,
        left_out=tuple(left_out),
        system=system_prompt,
    )
