"""Review of a deliberation: the result first, then every turn by round and member.

A list on the left (the result — chair's report, final relay answer, consensus, ledger — then
``R1 answer · member (A)`` lines with status, verdict and cost), the chosen entry on the right in
the Review screen's :class:`OutputPane` (Markdown rendered line by line; ``m`` shows raw text).
Built from a live session's records or from a saved run's summary and turn files
(:meth:`DeliberationReviewScreen.from_saved`, read in a thread worker by History).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from fiedler_tui.core.crosstalk.events import TurnRecord
from fiedler_tui.core.crosstalk.record import turn_key
from fiedler_tui.core.store.run_store import RunInfo
from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.widgets.deliberation_lines import RESULT_TITLES, turn_who
from fiedler_tui.tui.widgets.output_pane import OutputPane


@dataclass(frozen=True)
class Entry:
    """One thing to read: the result, or one turn."""

    label: str
    detail: str
    text: str
    is_result: bool = False


def _verdict(raw: Any) -> str:
    if not isinstance(raw, dict) or not raw.get("stance"):
        return ""
    confidence = raw.get("confidence")
    return f"verdict {raw['stance']}" + ("" if confidence is None else f" {confidence}%")


def entries_of(summary: Mapping[str, Any], texts: Mapping[str, str]) -> list[Entry]:
    """The result first, then every turn in reading order (``texts``: ``turn_key`` -> text)."""
    entries: list[Entry] = []
    result = summary.get("result")
    if isinstance(result, dict):
        kind = str(result.get("kind") or "none")
        title = RESULT_TITLES.get(kind, kind)
        reason = str(result.get("reason") or "")
        detail = f"{result.get('status', '')}" + (f": {reason}" if reason else "")
        text = str(result.get("text") or "")
        if text and kind in ("consensus", "no consensus"):
            title += " (the chair's synthesis)"
        elif not text and kind in ("consensus", "no consensus"):
            title += " (each member's last answer)"
            text = _last_answers(summary, texts)
        text = text or f"(no result: {reason or 'none was produced'})"
        entries.append(Entry(f"Result: {title}", detail, text, is_result=True))
    else:
        entries.append(
            Entry("Result: none yet", str(summary.get("status", "")), "(no result)", True)
        )
    for step in summary.get("rounds") or []:
        if not isinstance(step, dict):
            continue
        number, phase = step.get("round"), str(step.get("phase", ""))
        for turn in step.get("turns") or []:
            if not isinstance(turn, dict):
                continue
            member = str(turn.get("member", "?"))
            who = turn_who(member, turn.get("letter"), str(turn.get("role", "member")))
            parts = [str(turn.get("status", ""))]
            verdict = _verdict(turn.get("verdict"))
            if verdict:
                parts.append(verdict)
            if turn.get("ranking"):
                parts.append("ranks " + " > ".join(str(r) for r in turn["ranking"]))
            cost = turn.get("cost_usd")
            if isinstance(cost, int | float):
                parts.append(f"${cost:.4f}")
            error = turn.get("error")
            if isinstance(error, dict):
                parts.append(f"{error.get('code')}: {error.get('message', '')}")
            key = turn_key(int(number or 0), phase, member)
            text = texts.get(key, "")
            entries.append(
                Entry(f"R{number} {phase} · {who}", " · ".join(parts), text or "(no text saved)")
            )
    return entries


def _last_answers(summary: Mapping[str, Any], texts: Mapping[str, str]) -> str:
    """Without a chair, a debate's result is every member's last finished answer."""
    last: dict[str, str] = {}
    for step in summary.get("rounds") or []:
        if not isinstance(step, dict):
            continue
        for turn in step.get("turns") or []:
            if not isinstance(turn, dict) or turn.get("role") != "member":
                continue
            if turn.get("status") == "finished":
                member = str(turn.get("member", "?"))
                key = turn_key(int(step.get("round") or 0), str(step.get("phase")), member)
                who = turn_who(member, turn.get("letter"), "member")
                last[member] = f"## {who}\n\n{texts.get(key, '(no text saved)')}"
    return "\n\n".join(last.values())


class DeliberationReviewScreen(Screen[None]):
    """Walks one deliberation's result and turns."""

    DEFAULT_CSS = """
    DeliberationReviewScreen { layout: vertical; }
    #dreview-header { height: auto; max-height: 2; padding: 0 1; background: $panel; }
    #dreview-main { height: 1fr; }
    #dreview-list { width: 38%; min-width: 24; max-width: 60; height: 1fr; }
    #dreview-pane { width: 1fr; height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "step(1)", "Next", id="dreview-next", tooltip="The next turn"),
        Binding("p", "step(-1)", "Previous", id="dreview-previous", tooltip="The previous turn"),
        Binding("m", "toggle_view", "Markdown/raw", id="dreview-view", tooltip="Rendered or raw"),
        Binding("escape", "back", "Back", id="dreview-back", tooltip="Leave the review"),
    ]

    def __init__(
        self,
        summary: Mapping[str, Any],
        texts: Mapping[str, str] | None,
        folder: Path | None = None,
    ) -> None:
        """``texts``: ``turn_key`` -> text; None reads them from ``folder`` in a thread."""
        super().__init__()
        self.summary = dict(summary)
        self.title_line = title_of(summary)
        self.entries = entries_of(summary, texts or {})
        self.loading = texts is None
        self._folder = folder
        self.current = 0
        self.rendered = True

    @classmethod
    def of_session(
        cls, summary: Mapping[str, Any], turns: Sequence[TurnRecord]
    ) -> DeliberationReviewScreen:
        """A deliberation that just ran (its texts are in memory)."""
        texts = {turn_key(t.round, t.phase, t.member): t.text for t in turns}
        return cls(summary, texts)

    @classmethod
    def from_saved(cls, info: RunInfo) -> DeliberationReviewScreen:
        """A saved deliberation: its summary now, its turns read from its folder in a thread."""
        summary = dict(info.summary)
        summary.setdefault("run_id", info.run_id)
        return cls(summary, None, info.path)

    def compose(self) -> ComposeResult:
        yield Static(plain(self.title_line), id="dreview-header")
        with Horizontal(id="dreview-main"):
            yield OptionList(
                *(Option(plain(e.label), id=str(i)) for i, e in enumerate(self.entries)),
                id="dreview-list",
            )
            yield OutputPane(id="dreview-pane")
        yield Footer()

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.border_title = "Result, then rounds"
        listing.highlighted = 0
        listing.focus()
        if self.loading:
            self._read_texts()
        else:
            self.run_worker(self._show(0), exclusive=True, group="dreview-show")

    @work(thread=True, exclusive=True, group="dreview-read", exit_on_error=False)
    def _read_texts(self) -> None:
        from fiedler_tui.core.crosstalk.saved_texts import saved_turn_texts

        texts = saved_turn_texts(self._folder, self.summary)
        self.app.call_from_thread(self._texts_read, texts)

    def _texts_read(self, texts: Mapping[str, str]) -> None:
        self.entries = entries_of(self.summary, texts)
        self.loading = False
        self.run_worker(self._show(self.current), exclusive=True, group="dreview-show")

    @property
    def entry(self) -> Entry:
        return self.entries[self.current]

    @on(OptionList.OptionHighlighted, "#dreview-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.current:
            self.run_worker(self._show(event.option_index), exclusive=True, group="dreview-show")

    async def _show(self, index: int) -> None:
        self.current = index
        entry = self.entries[index]
        pane = self.query_one(OutputPane)
        await pane.show(entry.label, entry.text, entry.detail, rendered=self.rendered)

    def action_step(self, delta: int) -> None:
        target = self.current + delta
        if 0 <= target < len(self.entries):
            self.query_one(OptionList).highlighted = target

    def action_toggle_view(self) -> None:
        self.rendered = not self.rendered
        self.run_worker(self._show(self.current), exclusive=True, group="dreview-show")

    def action_back(self) -> None:
        self.app.pop_screen()


def title_of(summary: Mapping[str, Any]) -> str:
    members = [m for m in summary.get("members") or [] if isinstance(m, dict)]
    names = ", ".join(f"{m.get('letter')}={m.get('alias')}" for m in members)
    chair = summary.get("chair")
    run_id = summary.get("run_id") or ""
    parts = [
        f"Deliberation {run_id}".strip(),
        f"{summary.get('paradigm', '?')}",
        f"{summary.get('status', '?')}",
        names,
    ]
    if chair:
        parts.append(
            f"chair {chair}" + (" (also a member)" if summary.get("chair_is_member") else "")
        )
    cost = summary.get("cost_usd")
    if isinstance(cost, int | float):
        worst = summary.get("worst_case_usd")
        spend = f"${cost:.4f}"
        if isinstance(worst, int | float):
            spend += f" of worst case ${worst:.4f}"
        parts.append(spend)
    return " · ".join(p for p in parts if p)
