"""Sending a follow-up: each model its own conversation, recorded as the run's next turn.

Usage (the CLI and the app share it, as they share ``SendSession``)::

    plan = plan_follow_up(info, question, aliases, known)       # refuses what cannot be rebuilt
    result = <dry run of the run's files with DryRunOptions(prompt=plan.first_prompt,
                                                             continued=plan.continued)>
    session = FollowUpSession(plan=plan, result=result, config=..., settings=..., keys=...)
    session.preflight()        # the package is the run's, and the send's own checks
    async with session: ...    # as a SendSession; written to ``turns/<n>/`` of the run
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from fiedler_tui.core.budget import DryRunResult
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.followup.conversation import FollowUpPlan, FollowUpRefused
from fiedler_tui.core.followup.layout import index_turn, open_turn
from fiedler_tui.core.followup.package import ensure_same_package
from fiedler_tui.core.followup.reasoning import first_turn_config
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.send.session import SendSession
from fiedler_tui.core.store.run_store import RunRecord
from fiedler_tui.core.store.summary import prompt_record


class FollowUpSession(SendSession):
    """A :class:`SendSession` whose models each receive their own conversation and whose record
    is the next turn of the run ``plan`` continues."""

    def __init__(
        self, *, plan: FollowUpPlan, result: DryRunResult, config: Config, **kwargs: Any
    ) -> None:
        # The turn's summary records the question as its prompt (stored as the run's is); each
        # model is sent (and recorded with) the reasoning controls of its turn 1.
        super().__init__(
            result=dataclasses.replace(result, prompt=plan.question),
            aliases=plan.aliases,
            config=first_turn_config(config, plan, result.reasoning),
            **kwargs,
        )
        self.plan = plan
        self.conversation_result = result
        """The dry run of the whole conversations (the budget the user saw)."""

    @property
    def turn(self) -> int:
        return self.plan.number

    @property
    def thread_path(self) -> Path:
        """The run folder the turn belongs to."""
        return self.plan.run.path

    def preflight(self) -> None:
        if self.settings.no_disk:
            raise FollowUpRefused(
                "FIEDLER_NO_DISK=1: a follow-up is saved in its run's folder, and nothing may be "
                "written"
            )
        ensure_same_package(self.plan.run, self.conversation_result)
        super().preflight()

    def _open_record(self) -> RunRecord:
        return open_turn(self.plan.run.path, self.plan.run.run_id, self.plan.number)

    def _requests(self) -> Mapping[str, ReviewRequest]:
        sent = self.conversation_result.requests(self.aliases, temperature=self._temperature)
        return {
            alias: dataclasses.replace(
                sent if isinstance(sent, ReviewRequest) else sent[alias],
                follow_up=self.plan.continued[alias],
            )
            for alias in self.aliases
        }  # each model's own package (egress rules may withhold files from some) and thread

    def summary(self) -> dict[str, object]:
        """The turn's summary, with the turn's number (``run_id`` is the run's)."""
        return {**super().summary(), "turn": self.plan.number}

    def _index(self, status: str) -> None:
        recorder = self.recorder
        index_turn(
            self.plan.run.path,
            {
                "turn": self.plan.number,
                "folder": f"turns/{self.plan.number}",
                "status": status,
                "models": list(self.aliases),
                "started_at": recorder.started_at if recorder is not None else None,
                "question": prompt_record(self.plan.question, self.settings.save_prompt),
                "cost_usd": self.summary().get("cost_usd") if recorder is not None else None,
            },
        )

    async def __aenter__(self) -> FollowUpSession:
        await super().__aenter__()
        self._index("running")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await super().__aexit__(exc_type, exc, tb)
        finally:
            if self.recorder is not None:
                self._index(self.status)
