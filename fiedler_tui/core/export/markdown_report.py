"""A run as a Markdown report: the run's facts, a summary table, then each answer as saved (a
model's thinking after it, quoted under a "Thinking" heading); a run that was followed up, as a
thread: each turn under its own heading (a follow-up's with its question), then each model's
answer in it."""

from __future__ import annotations

from fiedler_tui.core.export.answers import Answer
from fiedler_tui.core.export.figures import (
    COLUMNS,
    facts,
    row,
    thinking_title,
    turn_heading,
    unsaved_question,
)
from fiedler_tui.core.export.thread import ThreadTurn
from fiedler_tui.core.store.run_store import RunInfo


def _cell(text: str) -> str:
    """``text`` as one table cell: pipes escaped, line breaks as spaces."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _fence(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text``."""
    longest, run = 0, 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def _quoted(text: str) -> list[str]:
    """``text`` as a Markdown quote (each line, blank ones kept)."""
    return ["> " + line if line else ">" for line in text.splitlines() or [""]]


def _answer(answer: Answer, level: str) -> list[str]:
    lines = ["", f"{level} {_cell(answer.record.alias if answer.turn > 1 else answer.title)}", ""]
    if answer.note:
        lines += [f"> {_cell(answer.note)}", ""]
    lines.append(answer.text.rstrip("\n") if answer.text else "*(no text)*")
    if answer.thinking or answer.thinking_note:  # apart from the answer, never mixed in
        lines += ["", f"{level}# {thinking_title(answer)}", ""]
        if answer.thinking_note:
            lines += [f"> *{_cell(answer.thinking_note)}*", ">"]
        lines += _quoted(answer.thinking.rstrip("\n"))
    return lines


def markdown_report(info: RunInfo, turns: list[ThreadTurn]) -> str:
    """The report: facts, the summary table, then each answer under its own heading (under its
    turn's when the run was followed up)."""
    answers = [a for t in turns for a in t.answers]
    lines = [f"# Run {info.run_id}", ""]
    for label, value in facts(info, turns):
        if label == "prompt" and "\n" in value:
            fence = _fence(value)
            lines += [f"- {label}:", "", f"{fence}text", value, fence, ""]
        else:
            lines.append(f"- {label}: {_cell(value)}")
    lines += ["", "## Summary", "", "| " + " | ".join(COLUMNS) + " |"]
    lines.append("|" + "---|" * len(COLUMNS))
    lines += ["| " + " | ".join(_cell(c) or " " for c in row(a)) + " |" for a in answers]
    if len(turns) < 2:
        for answer in answers:
            lines += _answer(answer, "##")
        return "\n".join(lines) + "\n"
    for turn in turns:
        lines += ["", f"## {_cell(turn_heading(turn))}", ""]
        if turn.problem:
            lines += [f"> {_cell(turn.problem)}"]
        if turn.number > 1:
            lines += _quoted(turn.question) if turn.question is not None else []
            lines += [f"*({_cell(unsaved_question(turn))})*"] if turn.question is None else []
        for answer in turn.answers:
            lines += _answer(answer, "###")
    return "\n".join(lines) + "\n"
