"""A run's figures as both report formats write them: header facts and one summary row per
answer (cells are plain text; each format escapes them its own way)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fiedler_tui.core.export.answers import Answer
from fiedler_tui.core.store.run_store import RunInfo

NOT_KNOWN = "–"
COLUMNS = ("model", "status", "input", "output", "total", "tok/s", "cost", "error")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def money(value: Any) -> str:
    return f"${value:.4f}" if _number(value) else NOT_KNOWN


def count(value: Any) -> str:
    return f"{value:,}" if _number(value) else NOT_KNOWN


def error_text(record: Mapping[str, Any]) -> str:
    error = record.get("error")
    if not isinstance(error, Mapping):
        return ""
    return f"{error.get('code', 'error')}: {error.get('message', '')}"


def _section(summary: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = summary.get(key)
    return value if isinstance(value, Mapping) else {}


def row(answer: Answer) -> list[str]:
    r = answer.record
    total, tps = r.get("total_s"), r.get("tokens_per_s")
    return [
        answer.title,
        str(r.get("status", "?")) + ("" if r.get("saved") is not False else ", NOT SAVED"),
        count(r.get("usage_input")),
        count(r.get("usage_output")),
        f"{total:.1f}s" if _number(total) else NOT_KNOWN,
        f"{tps:,.0f}" if _number(tps) else NOT_KNOWN,
        money(r.get("cost_usd")),
        error_text(r),
    ]


def facts(info: RunInfo) -> list[tuple[str, str]]:
    """(label, value) pairs for the report's header."""
    s = info.summary
    package, prompt = _section(s, "package"), _section(s, "prompt")
    status = info.status + (", not all outputs saved" if s.get("outputs_saved") is False else "")
    found = [
        ("kind", "crosstalk (deliberation)" if s.get("kind") == "crosstalk" else "send"),
        ("status", status),
        ("started", str(s.get("started_at") or NOT_KNOWN)),
        ("ended", str(s.get("ended_at") or NOT_KNOWN)),
        ("cost", money(s.get("cost_usd"))),
        (
            "package",
            f"{count(package.get('files'))} files, {count(package.get('bytes'))} bytes, "
            f"{count(package.get('lines'))} lines",
        ),
    ]
    if isinstance(prompt.get("text"), str):
        found.append(("prompt", prompt["text"]))
    else:
        found.append(("prompt", f"not saved ({count(prompt.get('chars'))} chars)"))
    return found
