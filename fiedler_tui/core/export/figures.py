"""A run's figures as both report formats write them: header facts and one summary row per
answer (cells are plain text; each format escapes them its own way)."""

from __future__ import annotations

from typing import Any

from fiedler_tui.core.export.answers import Answer, AnswerFigures
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


def row(answer: Answer) -> list[str]:
    r = answer.record
    total, tps = r.total_s, r.tokens_per_s
    return [
        answer.title,
        r.status + ("" if r.saved is not False else ", NOT SAVED"),
        count(r.usage_input),
        count(r.usage_output),
        f"{total:.1f}s" if total is not None else NOT_KNOWN,
        f"{tps:,.0f}" if tps is not None else NOT_KNOWN,
        money(r.cost_usd),
        error_text(r),
    ]


def facts(info: RunInfo) -> list[tuple[str, str]]:
    """(label, value) pairs for the report's header."""
    run = info.run
    package, prompt = run.package, run.prompt
    status = info.status + (", not all outputs saved" if run.outputs_saved is False else "")
    found = [
        ("kind", "crosstalk (deliberation)" if run.is_deliberation else "send"),
        ("status", status),
        ("started", run.started_at or NOT_KNOWN),
        ("ended", run.ended_at or NOT_KNOWN),
        ("cost", money(run.cost_usd)),
        (
            "package",
            f"{count(package.files)} files, {count(package.bytes)} bytes, "
            f"{count(package.lines)} lines",
        ),
    ]
    if prompt.text is not None:
        found.append(("prompt", prompt.text))
    else:
        found.append(("prompt", f"not saved ({count(prompt.chars)} chars)"))
    return found
