"""The live budget: one row per selected model, plus text blocks for the rest of a dry run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable

from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.plural import counted
from fiedler_tui.tui.policy_words import policy_label
from fiedler_tui.tui.safe_text import plain

if TYPE_CHECKING:  # the budget code loads after the first frame
    from fiedler_tui.core.budget import DryRunResult, ModelBudget

BAR_WIDTH = 12
SLOW_PREVIEW_S = 0.5
"""Previews slower than this say how long they took."""
STATUS_VARIABLE = {"fits": "success", "near": "warning", "over": "error"}
"""Theme variable per ``BudgetStatus`` (a ``StrEnum``: its members are these strings)."""
KEY_MISSING = "missing"
"""The key status (a ``KeySource`` value) that blocks the send, shown in the error colour."""


def fill_bar(used: int, window: int, width: int = BAR_WIDTH) -> str:
    """``used`` of ``window`` as a bar of ``width`` cells and a percentage."""
    ratio = used / window if window > 0 else 1.0
    filled = min(width, round(ratio * width))
    return "█" * filled + "░" * (width - filled) + f" {100 * ratio:5.1f}%"


def input_text(budget: ModelBudget) -> str:
    """Input tokens; an estimate shows its range."""
    if budget.input_range is None:
        return f"{budget.input_tokens:,}"
    low, high = budget.input_range
    return f"~{budget.input_tokens:,} ({low:,}–{high:,})"


def count_text(budget: ModelBudget) -> str:
    """How the input was counted: ``api``, ``exact``, ``estimate``, ``estimate, calibrated from
    N runs, ±x %``; ``estimate (count failed)`` when the count endpoint failed (the notices say
    why)."""
    text = str(budget.count_method)
    if budget.calibration:
        text += f", {budget.calibration}"
    if budget.count_fallback:
        text += " (count failed)"
    return text


class BudgetTable(DataTable[Text]):
    """Status, cost, where the provider's key comes from, fill bar, input (with count
    method), window and reserve, per model."""

    COLUMNS = ("model", "status", "cost≤", "key", "fill", "input", "window", "reserve", "count")
    """What decides a send first: on a narrow terminal the last columns are the ones cut."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, show_cursor=False)

    def on_mount(self) -> None:
        self.add_columns(*self.COLUMNS)

    def show(self, budgets: Sequence[ModelBudget], colours: Mapping[str, str]) -> None:
        """Replace the rows; ``colours`` are the theme's CSS variables (status colours)."""
        self.clear()
        for b in budgets:
            style = colours.get(STATUS_VARIABLE[b.status], "")
            self.add_row(
                plain(b.alias),
                Text(str(b.status), style=style),
                plain(f"${b.cost_usd_max:.4f}"),
                _key_cell(b.key, colours),
                Text(fill_bar(b.total_tokens, b.context_window), style=style),
                plain(input_text(b)),
                plain(f"{b.context_window:,}"),
                plain(reserve_text(b)),
                plain(count_text(b)),
                key=b.alias,
            )

    def column(self, name: str) -> dict[str, str]:
        """Model alias -> the text of column ``name`` as shown."""
        index = self.COLUMNS.index(name)
        return {str(row.value): str(self.get_row(row)[index]) for row in self.rows}

    def statuses(self) -> dict[str, str]:
        """Model alias -> status as shown (for tests and the summary line)."""
        return self.column("status")


def reserve_text(budget: ModelBudget) -> str:
    """``16,000``, or with the part set aside for thinking: ``16,000 (8,000 thinking)``; a
    reasoning effort: ``32,000 (effort high)`` (its reasoning comes out of the reserve)."""
    text = f"{budget.completion_reserve:,}"
    if budget.thinking_budget:
        return f"{text} ({budget.thinking_budget:,} thinking)"
    if budget.reasoning_effort:
        return f"{text} (effort {budget.reasoning_effort})"
    return text


def _key_cell(source: str | None, colours: Mapping[str, str]) -> Text:
    """Where the key comes from; ``missing`` in the error colour, ``…`` while not checked."""
    if source is None:
        return plain("…")
    if source == KEY_MISSING:
        return Text(source, style=colours.get("error", ""))
    return plain(source)


def package_line(
    result: DryRunResult, elapsed_s: float | None = None, *, deliberation: str | None = None
) -> Text:
    """Package totals and worst-case cost: the fan-out's, or in crosstalk mode the
    deliberation's (``deliberation`` is its cost as text, e.g. ``$0.2692`` or ``judging…``)."""
    p = result.preview
    cap = result.cost_cap_usd
    cap_text = f" (cap ${cap:g})" if cap is not None else ""
    cost = f"worst-case cost ${result.total_cost_usd_max:.4f}{cap_text}"
    if deliberation is not None:
        cost = f"deliberation's worst-case cost {deliberation}{cap_text}"
    line = (
        f"package: {counted(len(p.files), 'file')}, {counted(p.bytes, 'byte')}, "
        f"{counted(p.lines, 'line')}   "
        f"{cost}   "
        f"likely secrets: {policy_label(result.secret_policy)} (f4)"
    )
    if elapsed_s is not None and elapsed_s >= SLOW_PREVIEW_S:
        line += f"   (preview took {elapsed_s:.1f} s)"
    return plain(line)


def findings_text(result: DryRunResult, limit: int = 50) -> Text:
    """Likely secrets as ``file:line:column kind`` lines."""
    if not result.findings:
        return plain("")
    lines = [f"likely secrets ({len(result.findings)}): {policy_label(result.secret_policy)} (f4)"]
    for f in result.findings[:limit]:
        lines.append(f"  {display_name(f.path)}:{f.line}:{f.column}  {f.kind}")
    if len(result.findings) > limit:
        lines.append(f"  … {len(result.findings) - limit} more")
    return plain("\n".join(lines))


def skipped_text(result: DryRunResult, limit: int = 50) -> Text:
    """Skipped files with the reason (ignored ones only when named explicitly)."""
    shown = [s for s in result.skipped if s.explicit or s.code != "ignored"]
    if not shown:
        return plain("")
    lines = [f"skipped ({len(shown)}):"]
    for s in shown[:limit]:
        lines.append(f"  {display_name(s.path)}: {s.reason}")
    if len(shown) > limit:
        lines.append(f"  … {len(shown) - limit} more")
    return plain("\n".join(lines))


def notices_text(result: DryRunResult) -> Text:
    """The dry run's notices, then why each failed count fell back to the estimate."""
    notes = [*result.notices]
    notes.extend(f"{m.alias}: {m.count_label}" for m in result.models if m.count_fallback)
    for name, package in result.packages.items():  # reduced by the egress rules
        left_out = ", ".join(w.path for w in result.withheld.get(name, ()))
        notes.append(
            f"egress: {name} gets a reduced package: {counted(len(package.files), 'file')}, "
            f"{package.bytes:,} bytes, without {left_out}"
        )
    return plain("\n".join(f"note: {n}" for n in notes))
