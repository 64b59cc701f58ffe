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
from fiedler_tui.core.store.run_summary import (
    DeliberationSummary,
    RunSummary,
    SummaryError,
    VerdictSummary,
)
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


def _verdict(verdict: VerdictSummary | None) -> str:
    if verdict is None or not verdict.stance:
        return ""
    confidence = verdict.confidence
    return f"verdict {verdict.stance}" + ("" if confidence is None else f" {confidence}%")


def entries_of(run: RunSummary, texts: Mapping[str, str]) -> list[Entry]:
    """The result first, then every turn in reading order (``texts``: ``turn_key`` -> text)."""
    entries: list[Entry] = []
    talk = run.deliberation or DeliberationSummary()
    result = talk.result
    if result is not None:
        kind = result.kind or "none"
        title = RESULT_TITLES.get(kind, kind)
        reason = result.reason or ""
        detail = result.status + (f": {reason}" if reason else "")
        text = result.text or ""
        if text and kind in ("consensus", "no consensus"):
            title += " (the chair's synthesis)"
        elif not text and kind in ("consensus", "no consensus"):
            title += " (each member's last answer)"
            text = _last_answers(talk, texts)
        text = text or f"(no result: {reason or 'none was produced'})"
        entries.append(Entry(f"Result: {title}", detail, text, is_result=True))
    else:
        entries.append(Entry("Result: none yet", run.status, "(no result)", True))
    for step in talk.rounds:
        number, phase = step.round, step.phase
        for turn in step.turns:
            member = turn.member or "?"
            who = turn_who(member, turn.letter, turn.role)
            parts = [turn.status]
            verdict = _verdict(turn.verdict)
            if verdict:
                parts.append(verdict)
            if turn.ranking:
                parts.append("ranks " + " > ".join(turn.ranking))
            if turn.cost_usd is not None:
                parts.append(f"${turn.cost_usd:.4f}")
            if turn.error is not None:
                parts.append(f"{turn.error.code}: {turn.error.message}")
            text = texts.get(turn_key(number, phase, member), "")
            entries.append(
                Entry(f"R{number} {phase} · {who}", " · ".join(parts), text or "(no text saved)")
            )
    return entries


def _last_answers(talk: DeliberationSummary, texts: Mapping[str, str]) -> str:
    """Without a chair, a debate's result is every member's last finished answer."""
    last: dict[str, str] = {}
    for step in talk.rounds:
        for turn in step.turns:
            if turn.role == "member" and turn.status == "finished":
                member = turn.member or "?"
                key = turn_key(step.round, step.phase, member)
                who = turn_who(member, turn.letter, "member")
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
        self.run = _typed(self.summary)
        self.title_line = title_of(self.run)
        self.entries = entries_of(self.run, texts or {})
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

        texts = saved_turn_texts(self._folder, self.run)
        self.app.call_from_thread(self._texts_read, texts)

    def _texts_read(self, texts: Mapping[str, str]) -> None:
        self.entries = entries_of(self.run, texts)
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


def _typed(summary: Mapping[str, Any]) -> RunSummary:
    """The summary read (an unreadable one as an empty one; a status-less one shows ``?``)."""
    try:
        return RunSummary.from_json({"status": "?", **summary})
    except SummaryError:
        return RunSummary.empty("?")


def title_of(run: RunSummary) -> str:
    talk = run.deliberation or DeliberationSummary()
    names = ", ".join(f"{m.letter}={m.alias}" for m in talk.members)
    chair = talk.chair
    parts = [
        f"Deliberation {run.run_id or ''}".strip(),
        talk.paradigm or "?",
        run.status,
        names,
    ]
    if chair:
        parts.append(f"chair {chair}" + (" (also a member)" if talk.chair_is_member else ""))
    cost = run.cost_usd
    if cost is not None:
        worst = talk.worst_case_usd
        spend = f"${cost:.4f}"
        if worst is not None:
            spend += f" of worst case ${worst:.4f}"
        parts.append(spend)
    return " · ".join(p for p in parts if p)
