"""A saved run's answers as a report lists them: one entry per model (per turn for a
deliberation; per model of each follow-up turn after the run's own), with the figures of its
summary row, the text read from its output file and its thinking from its thinking file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fiedler_tui.core.store.output_file import PARTIAL_SUFFIX
from fiedler_tui.core.store.run_store import RunInfo
from fiedler_tui.core.store.run_summary import ErrorSummary, RunSummary, TurnSummary, model_error
from fiedler_tui.core.store.summary import ModelRecord

MAX_ANSWER_BYTES = 8_000_000
"""Longest answer put in a report; the rest stays in the output file (and the report says so)."""


@dataclass(frozen=True)
class AnswerFigures:
    """What a report's row shows of one model's (or one turn's) summary entry."""

    alias: str
    status: str
    usage_input: int | None = None
    usage_output: int | None = None
    total_s: float | None = None
    tokens_per_s: float | None = None
    cost_usd: float | None = None
    saved: bool | None = None
    error: ErrorSummary | None = None
    output_file: str | None = None
    usage_reasoning: int | None = None
    """The part of ``usage_output`` spent thinking, where the provider reported it."""
    thinking_file: str | None = None
    """The model's thinking, saved beside its answer (None: it streamed none)."""

    @classmethod
    def of_model(cls, model: ModelRecord) -> AnswerFigures:
        return cls(
            alias=model.alias,
            status=model.status,
            usage_input=model.usage_input,
            usage_output=model.usage_output,
            total_s=model.total_s,
            tokens_per_s=model.tokens_per_s,
            cost_usd=model.cost_usd,
            saved=model.saved,
            error=model_error(model),
            output_file=model.output_file,
            usage_reasoning=model.usage_reasoning,
            thinking_file=model.thinking_file,
        )

    @classmethod
    def of_turn(cls, turn: TurnSummary) -> AnswerFigures:
        return cls(
            alias=turn.member,
            status=turn.status,
            usage_input=turn.usage_input,
            usage_output=turn.usage_output,
            cost_usd=turn.cost_usd,
            error=turn.error,
            output_file=turn.output_file,
            usage_reasoning=turn.usage_reasoning,
            thinking_file=turn.thinking_file,
        )


@dataclass(frozen=True)
class Answer:
    """One answer of a run: who gave it, its summary figures, its text."""

    title: str
    record: AnswerFigures
    text: str
    note: str = ""
    """Why the text is incomplete or missing (partial file, cut, no file), or empty."""
    turn: int = 1
    """The follow-up turn it answers (1: the run itself)."""
    thinking: str = ""
    """The model's thinking (its ``<stem>.thinking.md``), shown apart after the answer."""
    thinking_note: str = ""
    """Why the thinking is incomplete or missing, or empty."""


def _records(summary: RunSummary) -> list[tuple[str, AnswerFigures]]:
    """(title, figures) for each model, or each turn of a deliberation."""
    if summary.deliberation is not None:
        return [
            (f"round {step.round} ({step.phase}): {turn.member}", AnswerFigures.of_turn(turn))
            for step in summary.deliberation.rounds
            for turn in step.turns
        ]
    return [(m.alias or "?", AnswerFigures.of_model(m)) for m in summary.models]


def _read(folder: Path, name: str | None, what: str = "output") -> tuple[str, str]:
    """(text, note) from the saved file ``name``: the final one, else the ``.partial`` one."""
    if not name or "/" in name or "\\" in name or name[0] == ".":
        return "", f"no {what} file"
    for path in (folder / name, folder / (name + PARTIAL_SUFFIX)):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                data = handle.read(MAX_ANSWER_BYTES + 1)
            text = data[:MAX_ANSWER_BYTES].decode("utf-8", errors="replace")
            notes = []
            if path.name.endswith(PARTIAL_SUFFIX):
                notes.append("interrupted: the part received before the run stopped")
            if len(data) > MAX_ANSWER_BYTES:
                notes.append(f"cut at {MAX_ANSWER_BYTES:,} bytes; {path.name} holds the rest")
            return text, "; ".join(notes)
    return "", f"{name} is not in the run folder"


def run_answers(info: RunInfo) -> list[Answer]:
    """Every answer of the run's first turn, in the summary's order."""
    return turn_answers(info.path, info.run, 1)


def turn_answers(folder: Path, summary: RunSummary, turn: int) -> list[Answer]:
    """Every answer of one turn (its summary, the folder holding its output files); a
    follow-up turn's titled ``turn <n>: <model>``."""
    answers = []
    for title, record in _records(summary):
        text, note = _read(folder, record.output_file)
        thinking, thinking_note = "", ""
        if record.thinking_file is not None:
            thinking, thinking_note = _read(folder, record.thinking_file, "thinking")
        shown = title if turn == 1 else f"turn {turn}: {title}"
        answers.append(Answer(shown, record, text, note, turn, thinking, thinking_note))
    return answers
