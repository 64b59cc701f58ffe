"""Turns runner events into the run's record: one output file per model and the summary.

Text is appended to each model's output as it arrives; the summary is rewritten (atomically)
when the run starts, whenever a model ends, and when the run ends.

Every model's whole text is also kept in memory. A write that fails (disk full, quota, I/O
error, read-only disk) stops that model's file; it is tried once more with the whole text when
the model ends, and what still could not be saved is listed by :meth:`RunRecorder.save_problems`
for the front ends to report. A failed summary is written again at the end.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fiedler_tui.core.budget import DryRunResult, ModelBudget
from fiedler_tui.core.config.prices import price_usage
from fiedler_tui.core.config.reasoning import settings_for
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.providers.errors import ErrorInfo
from fiedler_tui.core.runner import (
    Cancelled,
    Failed,
    Finished,
    FirstToken,
    Retrying,
    RunEvent,
    TextDelta,
    ThinkingDelta,
    Timings,
    TokenCounts,
    Usage,
)
from fiedler_tui.core.runner.model_state import ModelState, ModelStatus
from fiedler_tui.core.runner.text_buffer import TextBuffer
from fiedler_tui.core.send.thinking_record import ThinkingRecord
from fiedler_tui.core.store.run_store import SUMMARY_NAME, ModelOutput, RunRecord
from fiedler_tui.core.store.save_problems import SaveProblem, os_error_text
from fiedler_tui.core.store.summary import (
    ModelRecord,
    PackagedFile,
    PackageFacts,
    SkippedFact,
    build_summary,
    sha256_text,
)
from fiedler_tui.core.tokens.calibration import CalibrationIndex

log = logging.getLogger(__name__)


def saved_status(status: ModelStatus) -> str:
    """A model's status as the summary words it (a request on its way is ``running``)."""
    return "running" if status is ModelStatus.REQUESTING else status.value


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def error_record(error: ErrorInfo) -> dict[str, Any]:
    return {
        "code": str(error.code),
        "message": error.message,
        "provider": error.provider,
        "http_status": error.http_status,
        "retry_count": error.retry_count,
        "request_id": error.request_id,
    }


@dataclass(frozen=True)
class _Failure:
    """A write that failed: the file as it is on disk and the OS's error text."""

    path: Path | None
    error: str
    bytes_on_disk: int = 0


def run_status(statuses: Sequence[str], user_cancelled: bool) -> str:
    """The run's status from its models': done, partial, failed or cancelled."""
    if user_cancelled:
        return "cancelled"
    if statuses and all(s == "done" for s in statuses):
        return "done"
    if any(s == "done" for s in statuses):
        return "partial"
    if statuses and all(s == "cancelled" for s in statuses):
        return "cancelled"
    return "failed"


class RunRecorder:
    """Keeps a ``ModelRecord`` per model and writes outputs and summaries through ``record``."""

    def __init__(
        self,
        *,
        record: RunRecord,
        result: DryRunResult,
        budgets: Sequence[ModelBudget],
        config: Config,
        app_version: str,
        save_prompt: bool,
        redact_filenames: bool,
        calibration: CalibrationIndex | None = None,
    ) -> None:
        """``calibration``: where each estimated model's reported/estimated input ratio goes
        when the run ends (default: the user's index; memory only when the run is)."""
        self.record = record
        self._calibration = calibration or CalibrationIndex.default(no_disk=record.path is None)
        self._estimate_base = {
            b.alias: b.estimate_base for b in budgets if b.estimate_base is not None
        }
        self._result = result
        self._config = config
        self._app_version = app_version
        self._save_prompt = save_prompt
        self._redact = redact_filenames
        self.started_at = now_iso()
        self.ended_at: str | None = None
        self.records: dict[str, ModelRecord] = {
            b.alias: ModelRecord(
                alias=b.alias,
                provider=b.provider,
                model=b.model,
                estimate_input=b.input_tokens,
                count_method=str(b.count_method),
            )
            for b in budgets
        }
        self.states = {alias: ModelState(alias) for alias in self.records}
        """Each model's state from its events (the records' ``status`` is its saved word)."""
        self._outputs: dict[str, ModelOutput] = {}
        self._unsaved: dict[str, _Failure] = {}
        self._summary_failure: _Failure | None = None
        self.problems_version = 0
        """Grows with each change to :meth:`save_problems` (a new problem, or one resolved by a
        second try): a front end compares it with the version it last showed."""
        self._texts = {alias: TextBuffer() for alias in self.records}
        self.thinking = ThinkingRecord(record)
        """Each model's reasoning text, saved beside its answer."""
        for alias, model in self.records.items():
            sent = settings_for(config.resolve(alias), result.reasoning)
            model.reasoning_effort = sent.effort
            model.thinking_budget = sent.thinking_budget
        for alias, model_record in self.records.items():
            if alias in result.packages:  # a reduced package: the files it did not see
                model_record.withheld = [
                    {"path_sha256": sha256_text(w.path)} if redact_filenames else w.to_json()
                    for w in result.withheld.get(alias, ())
                ]
        files = [PackagedFile(f.path, f.size, f.lines, f.sha256) for f in result.preview.files]
        skipped = [SkippedFact(s.path, str(s.code), s.reason) for s in result.skipped]
        self._package = PackageFacts(
            files, result.preview.bytes, result.preview.lines, result.preview.sha256, skipped
        )

    def text(self, alias: str) -> str:
        """Everything the model has produced so far (kept in memory for the screens).

        The parts are joined once and kept joined; once the model has ended this is the very
        str its terminal event carries (one copy of each answer, shared by every reader)."""
        held = self._texts.get(alias)
        return held.text() if held is not None else ""

    def summary(self, status: str) -> dict[str, Any]:
        return build_summary(
            app_version=self._app_version,
            status=status,
            started_at=self.started_at,
            ended_at=self.ended_at,
            prompt=self._result.prompt,
            system=self._result.system,
            package=self._package,
            models=list(self.records.values()),
            save_prompt=self._save_prompt,
            redact_filenames=self._redact,
        )

    @property
    def summary_error(self) -> str | None:
        """Why the latest summary could not be written (None when it was)."""
        return self._summary_failure.error if self._summary_failure is not None else None

    def save_problems(self) -> list[SaveProblem]:
        """Every output not completely on disk, then the summary if its last write failed."""
        problems = [
            SaveProblem(
                model=alias,
                path=failure.path,
                error=failure.error,
                bytes_on_disk=failure.bytes_on_disk,
                bytes_held=len(self.text(alias).encode("utf-8")),
            )
            for alias, failure in self._unsaved.items()
        ]
        if self._summary_failure is not None:
            failure = self._summary_failure
            problems.append(SaveProblem(model=None, path=failure.path, error=failure.error))
        return problems

    def start(self) -> None:
        for alias, model in self.records.items():
            try:
                output = self.record.output(alias)
            except OSError as exc:
                self._output_failed(alias, exc, None)
                continue
            self._outputs[alias] = output
            model.output_file = output.file_name
        self._write_summary("running")

    def handle(self, event: RunEvent) -> None:
        """Update the record for one event; write the summary when a model ends."""
        model = self.records[event.model]
        state = self.states[event.model]
        if state.apply(event):
            model.status = saved_status(state.status)
        match event:
            case TextDelta(text=text):
                self._texts[event.model].append(text)
                self._append(event.model, text)
            case ThinkingDelta(text=text):
                self.thinking.append(event.model, text)
            case Retrying(attempt=attempt, delay_s=delay, reason=reason, error=error):
                model.retries.append(
                    {
                        "attempt": attempt,
                        "delay_s": round(delay, 3),
                        "reason": reason,
                        "code": str(error.code),
                    }
                )
            case FirstToken(ttft_s=ttft):
                model.ttft_s = round(ttft, 4)
            case Usage(input_tokens=tokens_in, output_tokens=tokens_out):
                model.usage_input, model.usage_output = tokens_in, tokens_out
                model.usage_cached_input = event.cached_input_tokens
                model.usage_cache_write = event.cache_write_tokens
                model.usage_reasoning = event.reasoning_tokens
            case Finished(finish_reason=reason, usage=usage, timings=timings):
                self._texts[event.model].adopt(event.text)
                model.finish_reason = str(reason)
                self._end(event.model, usage, timings)
            case Failed(error=error, usage=usage, timings=timings):
                self._texts[event.model].adopt(event.partial_text)
                model.error = error_record(error)
                log.info("%s failed: [%s] %s", event.model, error.code, error.message)
                self._end(event.model, usage, timings)
            case Cancelled(usage=usage, timings=timings):
                self._texts[event.model].adopt(event.partial_text)
                self._end(event.model, usage, timings)

    def _end(self, alias: str, usage: TokenCounts | None, timings: Timings) -> None:
        model = self.records[alias]
        if usage is not None:
            model.usage_input = usage.input_tokens
            model.usage_output = usage.output_tokens
            model.usage_cached_input = usage.cached_input_tokens
            model.usage_cache_write = usage.cache_write_tokens
            model.usage_output_estimated = usage.output_estimated
            model.usage_reasoning = usage.reasoning_tokens
        model.ttft_s = round(timings.ttft_s, 4) if timings.ttft_s is not None else model.ttft_s
        model.total_s = round(timings.total_s, 4)
        if timings.output_tokens_per_s is not None:
            model.tokens_per_s = round(timings.output_tokens_per_s, 2)
        if model.usage_input is not None or model.usage_output is not None:
            cost = price_usage(
                self._config.resolve(alias),
                model.usage_input or 0,
                model.usage_output or 0,
                cached_in=model.usage_cached_input or 0,
                cache_write=model.usage_cache_write or 0,
                reasoning=model.usage_reasoning or 0,
            )
            model.cost_usd = round(cost.total, 6)
            model.cost_parts = cost.parts()
            model.price_tier = cost.prices.above_input_tokens
        self._close_output(alias)
        self._close_thinking(alias)
        self._write_summary("running")

    def _close_thinking(self, alias: str) -> None:
        saved = self.thinking.close(alias)
        if saved is not None:
            model = self.records[alias]
            model.thinking_file, model.thinking_chars = saved.file_name, saved.chars

    def _learn_calibration(self) -> None:
        """Record reported/estimated input for each estimated model that finished with usage."""
        learned = False
        for alias, base in self._estimate_base.items():
            model = self.records[alias]
            if model.status == "done" and model.usage_input:
                learned |= self._calibration.refresh().record(alias, model.usage_input, base)
        if learned:
            self._calibration.save()

    def _append(self, alias: str, text: str) -> None:
        output = self._outputs.get(alias)
        if output is None:
            return
        try:
            output.append(text)
        except OSError as exc:
            self._output_failed(alias, exc, output)  # kept open: tried again at the end

    def _close_output(self, alias: str) -> None:
        """Complete and close the model's file (writing again what failed); record the result."""
        output = self._outputs.pop(alias, None)
        model = self.records[alias]
        text = self.text(alias)
        model.bytes_total = len(text.encode("utf-8"))
        if output is None:
            return
        failed_before = alias in self._unsaved
        try:
            output.close(text if failed_before else None)
        except OSError as exc:
            self._output_failed(alias, exc, output)
            return
        path, size = output.on_disk()
        if path is None:  # kept in memory only (FIEDLER_NO_DISK=1)
            return
        model.bytes_saved = size
        model.saved = True
        model.output_file = path.name
        model.output_error = None
        if self._unsaved.pop(alias, None) is not None:
            self.problems_version += 1
            log.info("the output of %s was saved completely on a second try", alias)

    def _output_failed(self, alias: str, exc: OSError, output: ModelOutput | None) -> None:
        """Record that this model's file is incomplete; its text stays in memory."""
        path, size = output.on_disk() if output is not None else (None, 0)
        failure = _Failure(path, os_error_text(exc), size)
        if alias not in self._unsaved:
            self.problems_version += 1
            log.error("cannot write the output of %s: %s", alias, failure.error)
        self._unsaved[alias] = failure
        model = self.records[alias]
        model.saved = False
        model.output_file = path.name if path is not None else None
        model.bytes_saved = size
        model.output_error = f"{failure.error} (the whole text was kept in memory)"

    def _write_summary(self, status: str, *, last: bool = False) -> None:
        try:
            self.record.write_summary(self.summary(status), last=last)
        except OSError as exc:
            path = self.record.path / SUMMARY_NAME if self.record.path is not None else None
            self._summary_failure = _Failure(path, os_error_text(exc))
            log.error("cannot write the run summary: %s", self._summary_failure.error)
        else:
            self._summary_failure = None

    def finish(self, user_cancelled: bool) -> str:
        """Close what is still open and write the final summary; return the run's status."""
        for alias, model in self.records.items():
            state = self.states[alias]
            state.end_unfinished(ModelStatus.CANCELLED if user_cancelled else ModelStatus.FAILED)
            model.status = saved_status(state.status)
            self._close_output(alias)
            self._close_thinking(alias)
        self.ended_at = now_iso()
        self._learn_calibration()
        status = run_status([m.status for m in self.records.values()], user_cancelled)
        self._write_summary(status, last=True)
        if self._summary_failure is not None:
            self.problems_version += 1
        return status
