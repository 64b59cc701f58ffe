"""A run as a Markdown report: the run's facts, a summary table, then each answer as saved."""

from __future__ import annotations

from fiedler_tui.core.export.answers import Answer
from fiedler_tui.core.export.figures import COLUMNS, facts, row
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


def markdown_report(info: RunInfo, answers: list[Answer]) -> str:
    """The report: facts, the summary table, then each answer under its own heading."""
    lines = [f"# Run {info.run_id}", ""]
    for label, value in facts(info):
        if label == "prompt" and "\n" in value:
            fence = _fence(value)
            lines += [f"- {label}:", "", f"{fence}text", value, fence, ""]
        else:
            lines.append(f"- {label}: {_cell(value)}")
    lines += ["", "## Summary", "", "| " + " | ".join(COLUMNS) + " |"]
    lines.append("|" + "---|" * len(COLUMNS))
    lines += ["| " + " | ".join(_cell(c) or " " for c in row(a)) + " |" for a in answers]
    for answer in answers:
        lines += ["", f"## {_cell(answer.title)}", ""]
        if answer.note:
            lines += [f"> {_cell(answer.note)}", ""]
        lines.append(answer.text.rstrip("\n") if answer.text else "*(no text)*")
    return "\n".join(lines) + "\n"
