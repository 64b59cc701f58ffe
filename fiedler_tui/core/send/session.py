"""One send: refuse what the dry run refuses, then run every model and record it as it streams.

Usage (the CLI and the TUI share it)::

    session = SendSession(config=..., settings=..., keys=..., result=dry_run, aliases=[...])
    session.preflight()                 # raises a FiedlerError; nothing has been sent
    async with session:
        async for event in session.events():
            ...                         # session.cancel(alias) / session.cancel_all() any time
    session.status, session.run_id, session.run_path, session.text(alias)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from fiedler_tui import __version__
from fiedler_tui.core.budget import DryRunResult, ModelBudget, SendBlockedError
from fiedler_tui.core.budget.blockers import key_status_of
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.egress.guard import ensure_egress_allowed
from fiedler_tui.core.http import httpx
from fiedler_tui.core.package import ensure_unchanged
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.runner import FanOut, RunEvent, Runner
from fiedler_tui.core.runner.settings_runner import runner_for_settings
from fiedler_tui.core.send.recorder import RunRecorder
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.run_store import RunRecord, RunStore
from fiedler_tui.core.store.save_problems import SaveProblem

log = logging.getLogger(__name__)


class SendSession:
    """Sends ``result``'s package and prompt to ``aliases`` and records the run."""

    def __init__(
        self,
        *,
        config: Config,
        settings: Settings,
        keys: Mapping[str, str | None],
        result: DryRunResult,
        aliases: Sequence[str],
        store: RunStore | None = None,
        client: httpx.AsyncClient | None = None,
        app_version: str = __version__,
        temperature: float | None = None,
    ) -> None:
        self.config = config
        self.settings = settings
        self.result = result
        self.aliases = list(dict.fromkeys(aliases))
        self.store = store or RunStore(settings.output_dir, no_disk=settings.no_disk)
        self._keys = dict(keys)
        self._client = client
        self._app_version = app_version
        self._temperature = temperature
        self._runner: Runner | None = None
        self._fanout: FanOut | None = None
        self._recorder: RunRecorder | None = None
        self._user_cancelled = False
        self.status = "not started"

    def _budgets(self) -> list[ModelBudget]:
        by_alias = {b.alias: b for b in self.result.models}
        missing = [a for a in self.aliases if a not in by_alias]
        if missing:
            raise SendBlockedError(
                [f"{alias}: not in the dry run; preview again with this model" for alias in missing]
            )
        return [by_alias[a] for a in self.aliases]

    def preflight(self) -> None:
        """Every check before anything leaves the machine (raises; nothing is sent): the dry
        run's own judgement (``DryRunResult.send_blockers``) for these models and the keys held,
        then the files against the preview and the runs folder."""
        self.result.raise_for_blockers(self.aliases, key_status_of(self.config, self._keys))
        self._ensure_egress()
        ensure_unchanged(self.result.preview)
        self.store.preflight()

    def _ensure_egress(self) -> None:
        """Refuse unless each model may receive every file of the package it would get (the
        egress rules of the config in use, whatever the dry run was told)."""
        ensure_egress_allowed(
            self.config,
            self.settings,
            [(alias, self.result.preview_for(alias).files) for alias in self.aliases],
        )

    async def __aenter__(self) -> SendSession:
        budgets = self._budgets()
        self._ensure_egress()  # again here: nothing leaves for a forbidden model, preflight or not
        record = self._open_record()  # a StoreError here: nothing opened, nothing sent
        self._runner = runner_for_settings(
            self.config, self._keys, self.settings, client=self._client
        )
        await self._runner.__aenter__()
        self._recorder = RunRecorder(
            record=record,
            result=self.result,
            budgets=budgets,
            config=self.config,
            app_version=self._app_version,
            save_prompt=self.settings.save_prompt,
            redact_filenames=self.settings.redact_filenames,
        )
        self._recorder.start()
        self.status = "running"
        log.info("run %s: sending to %s", record.run_id, ", ".join(self.aliases))
        self._fanout = self._runner.start(self._requests(), self.aliases)
        return self

    def _open_record(self) -> RunRecord:
        """Where the run is written: a new run folder (a follow-up writes its turn's folder)."""
        return self.store.start_run({})

    def _requests(self) -> ReviewRequest | Mapping[str, ReviewRequest]:
        """What is sent: the dry run's request to every model (a follow-up: each model's own
        conversation)."""
        return self.result.requests(self.aliases, temperature=self._temperature)

    async def events(self) -> AsyncIterator[RunEvent]:
        """Every event of the run, each recorded before it is yielded."""
        assert self._fanout is not None and self._recorder is not None, "use `async with`"
        async for event in self._fanout:
            self._recorder.handle(event)
            yield event

    def cancel(self, alias: str) -> bool:
        return self._fanout.cancel(alias) if self._fanout is not None else False

    def cancel_all(self) -> None:
        self._user_cancelled = True
        if self._fanout is not None:
            self._fanout.cancel_all()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            try:
                if self._fanout is not None:
                    if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt):
                        self._user_cancelled = True  # the caller went away: a cancel, not an error
                    await self._fanout.__aexit__(exc_type, exc, tb)  # cancels what is left, waits
                    if self._recorder is not None:
                        async for event in self._fanout:  # record what was still queued
                            self._recorder.handle(event)
            finally:
                if self._recorder is not None:
                    self.status = self._recorder.finish(self._user_cancelled)
        finally:
            if self._runner is not None:
                await self._runner.aclose()

    @property
    def record(self) -> RunRecord | None:
        return self._recorder.record if self._recorder is not None else None

    @property
    def run_id(self) -> str | None:
        return self.record.run_id if self.record is not None else None

    @property
    def run_path(self) -> Path | None:
        return self.record.path if self.record is not None else None

    def text(self, alias: str) -> str:
        return self._recorder.text(alias) if self._recorder is not None else ""

    def thinking(self, alias: str) -> str:
        """The model's reasoning streamed so far, apart from its answer ("" when none)."""
        return self._recorder.thinking.text(alias) if self._recorder is not None else ""

    def save_problems(self) -> list[SaveProblem]:
        """Outputs not completely on disk and a summary not saved (their text is in memory)."""
        return self._recorder.save_problems() if self._recorder is not None else []

    def summary(self) -> dict[str, object]:
        assert self._recorder is not None
        return {**self._recorder.summary(self.status), "run_id": self.run_id}

    @property
    def recorder(self) -> RunRecorder | None:
        return self._recorder
