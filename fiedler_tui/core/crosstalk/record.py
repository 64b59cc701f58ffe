"""One run folder per deliberation: every turn streamed to disk, the transcript, the summary.

Each turn's text goes to its own file as it arrives (``r02-answer-gpt-5.md.partial``, renamed
when the turn ends: the store's crash-safe output files, owner-only). After every round the
summary (``summary.json``, ``kind: crosstalk``) and ``transcript.md`` are replaced atomically,
so a deliberation that dies keeps every complete round on disk.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fiedler_tui.core.crosstalk.budget import DeliberationBudget
from fiedler_tui.core.crosstalk.events import (
    CrosstalkEvent,
    DeliberationEnded,
    DroppedOut,
    Outcome,
    RoundEnded,
    TurnEvent,
    TurnRecord,
)
from fiedler_tui.core.crosstalk.plan import Plan
from fiedler_tui.core.crosstalk.transcript import render_transcript
from fiedler_tui.core.runner import Cancelled, Failed, Finished, TextDelta, ThinkingDelta
from fiedler_tui.core.send.thinking_record import ThinkingRecord
from fiedler_tui.core.store.private_files import atomic_write_bytes
from fiedler_tui.core.store.run_store import ModelOutput, RunRecord, RunStore
from fiedler_tui.core.store.summary import SUMMARY_VERSION, prompt_record, sha256_text

CROSSTALK_VERSION = 1
"""Version of the deliberation summary's layout (``crosstalk_version``)."""
TRANSCRIPT_NAME = "transcript.md"
log = logging.getLogger(__name__)


def turn_key(round_number: int, phase: str, member: str) -> str:
    """The name a turn's output file is made from: ``r02-answer-gpt-5``."""
    return f"r{round_number:02d}-{phase}-{member}"


class DeliberationRecorder:
    """Feeds on the engine's events; never raises for a failed write (it is noted instead)."""

    def __init__(
        self,
        store: RunStore,
        plan: Plan,
        *,
        app_version: str,
        package: Mapping[str, Any],
        budget: DeliberationBudget | None = None,
        save_prompt: bool = False,
        resumed_from: str | None = None,
    ) -> None:
        """``package``: the package's facts as the summary records them (``package_record``)."""
        self.plan = plan
        self.budget = budget
        self.started_at = datetime.now(UTC).isoformat(timespec="seconds")
        self._base: dict[str, Any] = {
            "summary_version": SUMMARY_VERSION,
            "kind": "crosstalk",
            "crosstalk_version": CROSSTALK_VERSION,
            "app_version": app_version,
            "started_at": self.started_at,
            "paradigm": plan.paradigm.value,
            "rounds_planned": plan.rounds,
            "members": [
                {"alias": m.alias, "letter": m.letter, "persona": m.persona} for m in plan.members
            ],
            "chair": plan.chair,
            "chair_is_member": plan.chair_is_member,
            "max_completion_tokens": plan.max_completion_tokens,
            "reasoning": {
                "effort": plan.reasoning.effort,
                "thinking_budget": plan.reasoning.thinking_budget,
            },
            "prompt": prompt_record(plan.question, save_prompt),
            "package": dict(package),
            "package_text_sha256": sha256_text(plan.package_text),
            "resumed_from": resumed_from,
            "budget": None if budget is None else budget.to_json(),
        }
        self.turns: list[TurnRecord] = []
        self.files: dict[str, str | None] = {}
        self.thinking_files: dict[str, str | None] = {}
        self.dropped: list[DroppedOut] = []
        self.problems: list[str] = []
        self.outcome: Outcome | None = None
        self._open: dict[str, ModelOutput] = {}
        self.run: RunRecord = store.start_run(self._summary("running"))
        self.thinking = ThinkingRecord(self.run)
        """Each turn's reasoning, saved beside its answer as ``<turn>.thinking.md``."""

    @property
    def run_id(self) -> str:
        return self.run.run_id

    def observe(self, event: CrosstalkEvent) -> None:
        if isinstance(event, TurnEvent):
            self._turn_event(event)
        elif isinstance(event, DroppedOut):
            self.dropped.append(event)
        elif isinstance(event, RoundEnded):
            if event.replayed:
                for turn in event.turns:
                    self._copy(turn)
            self.turns.extend(event.turns)
            self._write("running")
        elif isinstance(event, DeliberationEnded):
            self.outcome = event.outcome
            for key, output in list(self._open.items()):
                self._close(key, output, None)
            self._write(event.outcome.status, last=True)

    def _turn_event(self, event: TurnEvent) -> None:
        key = turn_key(event.round, event.phase, event.member)
        inner = event.event
        if isinstance(inner, TextDelta):
            output = self._open.get(key)
            if output is None:
                try:
                    output = self.run.output(key)
                except OSError as exc:
                    self._problem(f"{key}: cannot create its file: {exc.strerror or exc}")
                    self.files[key] = None
                    self._open[key] = _Nothing()
                    return
                self._open[key] = output
                self.files[key] = output.file_name
            try:
                output.append(inner.text)
            except OSError as exc:
                self._problem(f"{key}: write failed: {exc.strerror or exc}")
        elif isinstance(inner, ThinkingDelta):
            self.thinking.append(key, inner.text)
        elif isinstance(inner, Finished | Failed | Cancelled):
            saved = self.thinking.close(key)
            if saved is not None:
                self.thinking_files[key] = saved.file_name
            text = inner.text if isinstance(inner, Finished) else inner.partial_text
            output = self._open.pop(key, None)
            if output is not None:
                self._close(key, output, text)
            else:
                self.files.setdefault(key, None)

    def _copy(self, turn: TurnRecord) -> None:
        """A replayed turn's text, saved in this run's folder as if it had streamed here."""
        key = turn_key(turn.round, turn.phase, turn.member)
        if not turn.text:
            self.files[key] = None
            return
        try:
            output = self.run.output(key)
        except OSError as exc:
            self._problem(f"{key}: cannot create its file: {exc.strerror or exc}")
            self.files[key] = None
            return
        self.files[key] = output.file_name
        try:
            output.append(turn.text)
        except OSError as exc:
            self._problem(f"{key}: write failed: {exc.strerror or exc}")
        self._close(key, output, turn.text)

    def _close(self, key: str, output: ModelOutput, text: str | None) -> None:
        try:
            output.close(text)
        except OSError as exc:
            self._problem(f"{key}: not completely saved: {exc.strerror or exc}")

    def _problem(self, text: str) -> None:
        log.warning("deliberation %s: %s", self.run.run_id, text)
        self.problems.append(text)

    def _write(self, status: str, *, last: bool = False) -> None:
        try:
            self.run.write_summary(self._summary(status), last=last)
        except OSError as exc:
            self._problem(f"summary not saved: {exc.strerror or exc}")
        if self.run.path is None:
            return
        text = render_transcript(self.plan, self.turns, self.dropped, self.outcome)
        try:
            atomic_write_bytes(self.run.path / TRANSCRIPT_NAME, text.encode("utf-8"))
        except OSError as exc:
            self._problem(f"transcript not saved: {exc.strerror or exc}")

    def summary(self) -> dict[str, Any]:
        """The summary as last written (status from the outcome once ended), with the run id."""
        status = "running" if self.outcome is None else self.outcome.status
        return {**self._summary(status), "run_id": self.run_id}

    def _summary(self, status: str) -> dict[str, Any]:
        outcome = self.outcome
        rounds: list[dict[str, Any]] = []
        for turn in self.turns:
            if not rounds or (rounds[-1]["round"], rounds[-1]["phase"]) != (turn.round, turn.phase):
                rounds.append({"round": turn.round, "phase": turn.phase, "turns": []})
            rounds[-1]["turns"].append(self._turn_json(turn))
        spent = round(sum(t.cost_usd for t in self.turns), 6)
        return {
            **self._base,
            "status": status,
            "ended_at": datetime.now(UTC).isoformat(timespec="seconds") if outcome else None,
            "models": self._members_json(),
            "rounds": rounds,
            "dropped": [
                {"round": d.round, "member": d.member, "reason": d.reason, "code": d.code}
                for d in self.dropped
            ],
            "result": None
            if outcome is None
            else {
                "status": outcome.status,
                "kind": outcome.result_kind,
                "text": outcome.result,
                "reason": outcome.reason,
                "consensus": outcome.consensus,
                "rounds_run": outcome.rounds_run,
                "notes": list(outcome.notes),
            },
            "cost_usd": spent,
            "worst_case_usd": None if self.budget is None else round(self.budget.cost_usd_max, 6),
            "outputs_saved": not self.problems,
            "save_problems": list(self.problems),
        }

    def _turn_json(self, turn: TurnRecord) -> dict[str, Any]:
        usage = turn.usage
        return {
            "member": turn.member,
            "letter": turn.letter,
            "role": turn.role,
            "status": turn.status,
            "output_file": self.files.get(turn_key(turn.round, turn.phase, turn.member)),
            "thinking_file": self.thinking_files.get(turn_key(turn.round, turn.phase, turn.member)),
            "usage_input": usage.input_tokens,
            "usage_output": usage.output_tokens,
            "usage_reasoning": usage.reasoning_tokens,
            "usage_cached_input": usage.cached_input_tokens,
            "usage_cache_write": usage.cache_write_tokens,
            "output_estimated": usage.output_estimated,
            "cost_usd": turn.cost_usd,
            "error": None
            if turn.error is None
            else {
                "code": turn.error.code.value,
                "message": turn.error.message,
                "provider": turn.error.provider,
                "http_status": turn.error.http_status,
            },
            "verdict": None
            if turn.verdict is None
            else {"stance": turn.verdict.stance, "confidence": turn.verdict.confidence},
            "ranking": list(turn.ranking),
        }

    def _members_json(self) -> list[dict[str, Any]]:
        """One entry per member and chair, as ``fiedler runs`` lists models: totals per model."""
        names = [m.alias for m in self.plan.members]
        if self.plan.chair and self.plan.chair not in names:
            names.append(self.plan.chair)
        dropped = {d.member: d for d in self.dropped}
        entries = []
        for name in names:
            turns = [t for t in self.turns if t.member == name]
            if name in dropped:
                status = "failed" if dropped[name].code else "cancelled"
            elif turns and turns[-1].status != "finished":
                status = turns[-1].status
            elif self.outcome is not None:
                status = "done"
            else:
                status = "running"
            entries.append(
                {
                    "alias": name,
                    "status": status,
                    "turns": len(turns),
                    "usage_input": sum(t.usage.input_tokens or 0 for t in turns),
                    "usage_output": sum(t.usage.output_tokens or 0 for t in turns),
                    "usage_cached_input": sum(t.usage.cached_input_tokens or 0 for t in turns),
                    "cost_usd": round(sum(t.cost_usd for t in turns), 6),
                }
            )
        return entries


class _Nothing:
    """Stands for a turn file that could not be created (its text is in the transcript)."""

    file_name = None

    def append(self, text: str) -> None:
        return None

    def close(self, text: str | None = None) -> None:
        return None

    def on_disk(self) -> tuple[None, int]:
        return None, 0
