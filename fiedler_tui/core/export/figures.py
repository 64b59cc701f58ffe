"""A run's figures as both report formats write them: header facts and one summary row per
answer (cells are plain text; each format escapes them its own way)."""

from __future__ import annotations

from typing import Any

from fiedler_tui.core.export.answers import Answer, AnswerFigures
from fiedler_tui.core.export.thread import ThreadTurn, total_cost
from fiedler_tui.core.plural import counted
from fiedler_tui.core.store.run_store import RunInfo

NOT_KNOWN = "–"
COLUMNS = ("model", "status", "input", "output", "total", "tok/s", "cost", "error")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def money(value: Any) -> str:
    return f"${value:.4f}" if _number(value) else NOT_KNOWN


def count(value: Any) -> str:
    return f"{value:,}" if _number(value) else NOT_KNOWN


def error_text(record: AnswerFigures) -> str:
    error = record.error
    return "" if error is None else f"{error.code}: {error.message}"


def _reasoning(record: AnswerFigures) -> str:
    """`` (reasoning N)``: the part of the output spent thinking, where it was reported."""
    tokens = record.usage_reasoning
    return f" (reasoning {tokens:,})" if _number(tokens) else ""


def thinking_title(answer: Answer) -> str:
    """``Thinking (1,234 chars)``, heading a model's thinking after its answer."""
    return f"Thinking ({len(answer.thinking):,} chars)"


def row(answer: Answer) -> list[str]:
    r = answer.record
    total, tps = r.total_s, r.tokens_per_s
    return [
        answer.title,
        r.status + ("" if r.saved is not False else ", NOT SAVED"),
        count(r.usage_input),
        count(r.usage_output) + _reasoning(r),
        f"{total:.1f}s" if total is not None else NOT_KNOWN,
        f"{tps:,.0f}" if tps is not None else NOT_KNOWN,
        money(r.cost_usd),
        error_text(r),
    ]


def facts(info: RunInfo, turns: list[ThreadTurn]) -> list[tuple[str, str]]:
    """(label, value) pairs for the report's header (the cost: every turn's)."""
    run = info.run
    package, prompt = run.package, run.prompt
    status = info.status + (", not all outputs saved" if run.outputs_saved is False else "")
    found = [
        ("kind", "crosstalk (deliberation)" if run.is_deliberation else "send"),
        ("status", status),
        ("started", run.started_at or NOT_KNOWN),
        ("ended", run.ended_at or NOT_KNOWN),
        ("cost", money(total_cost(turns) if turns else run.cost_usd)),
        (
            "package",
            f"{counted(package.files, 'file')}, {counted(package.bytes, 'byte')}, "
            f"{counted(package.lines, 'line')}",
        ),
    ]
    if len(turns) > 1:
        each = ", ".join(f"turn {t.number} {t.status} {money(t.cost_usd)}" for t in turns)
        found.append(("turns", f"{len(turns)} ({each})"))
    if prompt.text is not None:
        found.append(("prompt", prompt.text))
    else:
        found.append(("prompt", f"not saved ({count(prompt.chars)} chars)"))
    return found


def unsaved_question(turn: ThreadTurn) -> str:
    """What a follow-up turn's section says in place of a question that was not saved."""
    return f"the question was not saved ({count(turn.chars)} chars)"


def turn_heading(turn: ThreadTurn) -> str:
    """``Turn 2 · follow-up (done, $0.0012)``."""
    kind = "" if turn.number == 1 else " · follow-up"
    return f"Turn {turn.number}{kind} ({turn.status}, {money(turn.cost_usd)})"
