"""One deliberation from the user's choices to its saved run: the front ends' single entry point.

Usage (the CLI and the app share it)::

    session = DeliberationSession(config=..., settings=..., keys=..., result=dry_run,
                                  choices=DeliberationChoices(...), cost_cap_usd=...)
    session.prepare()                   # the plan and its budget (raises a FiedlerError)
    session.preflight()                 # raises a FiedlerError; nothing has been sent
    async with session:
        async for event in session.events():
            ...                         # session.cancel(member) / session.cancel_all() any time
    session.status, session.outcome, session.run_id, session.run_path

``result`` is the dry run of the package for every member and the chair (send's checks: paths,
secrets policy, keys, limits); the deliberation's own budget then judges every round. The spending
cap is judged once, on the whole deliberation's worst case. ``prepare`` counts tokens: front ends
with an event loop call it (and ``preflight``) off that loop.
"""

from __future__ import annotations

import dataclasses
import os
from asyncio import CancelledError
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from fiedler_tui import __version__
from fiedler_tui.core.budget import DryRunResult, SendBlockedError
from fiedler_tui.core.budget.blockers import key_status_of
from fiedler_tui.core.config.model_names import model_names
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.crosstalk.budget import DeliberationBudget, deliberation_budget
from fiedler_tui.core.crosstalk.engine import Deliberation
from fiedler_tui.core.crosstalk.errors import CrosstalkInputError
from fiedler_tui.core.crosstalk.events import CrosstalkEvent, Outcome
from fiedler_tui.core.crosstalk.plan import Plan, build_plan
from fiedler_tui.core.crosstalk.prompts import BUILTIN_ROLES
from fiedler_tui.core.crosstalk.record import DeliberationRecorder
from fiedler_tui.core.crosstalk.resume import SavedDeliberation, load_saved
from fiedler_tui.core.egress.decisions import NamedFile, PackagedPath
from fiedler_tui.core.egress.guard import ensure_egress_allowed
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.http import httpx
from fiedler_tui.core.package import ensure_unchanged
from fiedler_tui.core.runner import Runner
from fiedler_tui.core.runner.settings_runner import runner_for_settings
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.core.store.summary import (
    PackagedFile,
    PackageFacts,
    SkippedFact,
    package_record,
    sha256_text,
    skipped_record,
)
from fiedler_tui.core.tokens.counter import TokenCounter


@dataclass(frozen=True)
class DeliberationChoices:
    """What the user chose; ``None`` leaves a choice to the paradigm's default."""

    members: tuple[str, ...]
    paradigm: str = "debate"
    rounds: int | None = None
    chair: str | None = None
    personas: Mapping[str, str] = field(default_factory=dict)
    max_completion_tokens: int | None = None

    @property
    def models(self) -> list[str]:
        """Every model the dry run must judge: the members, then the chair."""
        return [*self.members, *([self.chair] if self.chair else [])]


def load_resume(store: RunStore, run_id: str) -> SavedDeliberation:
    """The interrupted deliberation ``run_id``; :class:`UsageError` says why it cannot go on."""
    try:
        return load_saved(store.find(run_id))
    except CrosstalkInputError as exc:
        raise UsageError(str(exc)) from None


def resume_choices(
    saved: SavedDeliberation,
    given: DeliberationChoices | None = None,
    *,
    names: Sequence[str] = (),
    option: str = "--resume",
) -> DeliberationChoices:
    """The saved run's own choices; any given one (non-empty) must equal them. ``names``: how
    the front end calls members, paradigm, rounds, chair, personas and completion tokens, in
    that order, and ``option`` how it calls resuming, for the refusal."""
    kept = DeliberationChoices(
        members=tuple(saved.members),
        paradigm=saved.paradigm,
        rounds=saved.rounds,
        chair=saved.chair,
        personas=dict(saved.personas),
        max_completion_tokens=saved.max_completion_tokens,
    )
    if given is None:
        return kept
    labels = list(names) or [
        "members",
        "paradigm",
        "rounds",
        "chair",
        "personas",
        "max completion tokens",
    ]
    pairs = (
        (list(given.members), list(kept.members)),
        (given.paradigm, kept.paradigm),
        (given.rounds, kept.rounds),
        (given.chair, kept.chair),
        (dict(given.personas), dict(kept.personas)),
        (given.max_completion_tokens, kept.max_completion_tokens),
    )
    differing = [
        label
        for label, (mine, theirs) in zip(labels, pairs, strict=True)
        if mine and mine != theirs
    ]
    if differing:
        raise UsageError(
            f"{option} continues run {saved.run_id} with its own members, paradigm, rounds, "
            f"chair and personas; {', '.join(differing)} differ from them (leave them out)"
        )
    return kept


def package_facts(result: DryRunResult, redact_filenames: bool) -> dict[str, Any]:
    """The package as a send's summary records it (files, bytes, lines, sha256, skipped)."""
    preview = result.preview
    files = [PackagedFile(f.path, f.size, f.lines, f.sha256) for f in preview.files]
    skipped = [SkippedFact(s.path, str(s.code), s.reason) for s in result.skipped]
    facts = PackageFacts(files, preview.bytes, preview.lines, preview.sha256, skipped)
    return {
        **package_record(facts, redact_filenames),
        "skipped": skipped_record(skipped, redact_filenames),
    }


class DeliberationSession:
    """Runs ``choices`` on ``result``'s package and prompt and records the deliberation."""

    def __init__(
        self,
        *,
        config: Config,
        settings: Settings,
        keys: Mapping[str, str | None],
        result: DryRunResult,
        choices: DeliberationChoices,
        cost_cap_usd: float | None = None,
        saved: SavedDeliberation | None = None,
        store: RunStore | None = None,
        client: httpx.AsyncClient | None = None,
        app_version: str = __version__,
    ) -> None:
        """``settings.max_cost_usd`` is not judged per request here: ``cost_cap_usd`` caps the
        whole deliberation. ``saved``: the run this one resumes (its complete steps are replayed,
        not sent)."""
        self.config = config
        self.settings = settings
        self.result = result
        self.choices = choices
        self.cost_cap_usd = cost_cap_usd
        self.saved = saved
        self.store = store or RunStore(settings.output_dir, no_disk=settings.no_disk)
        self._keys = dict(keys)
        self._client = client
        self._app_version = app_version
        self._plan: Plan | None = None
        self._budget: DeliberationBudget | None = None
        self._runner: Runner | None = None
        self._deliberation: Deliberation | None = None
        self._recorder: DeliberationRecorder | None = None
        self._events: AsyncIterator[CrosstalkEvent] | None = None
        self._cancel_asked = False
        """cancel_all() was called; one called before the deliberation exists applies when it
        starts (it then starts cancelled, nothing sent, and is saved as such)."""
        self.status = "not started"

    # before anything is sent -------------------------------------------------------------------

    def prepare(self) -> DeliberationBudget:
        """Build the plan (UsageError names a bad choice) and its worst-case budget."""
        if self._budget is not None:
            return self._budget
        request = self.result.request()
        choices = self.choices
        try:
            plan = build_plan(
                self.config,
                paradigm=choices.paradigm,
                members=list(choices.members),
                question=request.prompt,
                package_text=request.package_text,
                roots=AllowedRoots.from_settings(self.settings),
                rounds=choices.rounds,
                chair=choices.chair,
                personas=dict(choices.personas),
                max_completion_tokens=choices.max_completion_tokens,
            )
        except CrosstalkInputError as exc:
            raise UsageError(str(exc)) from None
        reasoning = self.result.reasoning
        saved = self.saved
        if saved is not None:
            if not reasoning.is_default and reasoning != saved.reasoning:
                raise UsageError(
                    f"the reasoning effort or thinking budget differs from run {saved.run_id}'s; "
                    "leave them out to resume with its own"
                )
            reasoning = saved.reasoning
        plan = dataclasses.replace(plan, reasoning=reasoning)
        if saved is not None:
            if sha256_text(plan.question) != saved.prompt_sha256:
                raise UsageError(
                    f"the prompt differs from the one run {saved.run_id} deliberated on"
                )
            if sha256_text(plan.package_text) != saved.package_sha256:
                raise UsageError(
                    f"the package differs from the one run {saved.run_id} deliberated on (name "
                    "the same PATHs with the same filters and secrets flags; the files must be "
                    "unchanged)"
                )
        with TokenCounter(self.settings) as counter:
            budget = deliberation_budget(self.config, plan, counter, self.cost_cap_usd)
        self._plan, self._budget = plan, budget
        return budget

    @property
    def plan(self) -> Plan:
        if self._plan is None:
            self.prepare()
        assert self._plan is not None
        return self._plan

    @property
    def budget(self) -> DeliberationBudget:
        return self.prepare()

    def refusals(self) -> list[str]:
        """Why it cannot start, by round (window, rate limit, cap); empty when it can."""
        return [f"cannot start: {line}" for line in self.budget.refusals()]

    def preflight(self) -> None:
        """Every check before anything leaves the machine (raises; nothing is sent): the dry
        run's blockers for the members and the chair with the keys held, the deliberation's
        budget, the files against the preview, and the runs folder (runs older than
        ``retention_days`` are pruned from it)."""
        self.result.raise_for_blockers(
            self._dry_run_names(), key_status_of(self.config, self._keys)
        )
        self._ensure_egress()
        refusals = self.refusals()
        if refusals:
            raise SendBlockedError(refusals)
        ensure_unchanged(self.result.preview)
        self.store.preflight()
        if self.settings.retention_days:
            self.store.prune(self.settings.retention_days)

    def _ensure_egress(self) -> None:
        """Refuse unless every member and the chair may receive every file of the package
        under the egress rules: each round sends each of them the whole package, and answers
        pass between members, so a reduced package cannot keep a file from one of them."""
        files: list[PackagedPath] = [*self.result.preview.files, *self._persona_files()]
        try:
            ensure_egress_allowed(
                self.config, self.settings, [(name, files) for name in self._dry_run_names()]
            )
        except SendBlockedError as exc:
            raise SendBlockedError(
                [
                    *exc.blockers,
                    "a deliberation sends the members and the chair the same package every "
                    "round and passes answers between them: no reduced package applies",
                ]
            ) from None

    def _persona_files(self) -> list[NamedFile]:
        """The persona files given: each becomes a member's system prompt, and what a member
        reads can reach the others in its answers, so every member and the chair are judged."""
        return [
            NamedFile(value, os.path.realpath(os.path.abspath(os.path.expanduser(value))))
            for value in self.choices.personas.values()
            if value.strip().lower() not in BUILTIN_ROLES
        ]

    def _dry_run_names(self) -> list[str]:
        """The members and the chair as the dry run names them (their entry names)."""
        return list(dict.fromkeys(model_names(self.config, self.choices.models)))

    def replayed_steps(self) -> str:
        """The steps a resume replays from the saved turns, in words."""
        if self.saved is None:
            return "nothing"
        steps = list(dict.fromkeys((t.round, t.phase) for t in self.saved.turns))
        if not steps:
            return "no complete round"
        return ", ".join(f"round {number} ({phase})" for number, phase in steps)

    # running -----------------------------------------------------------------------------------

    async def __aenter__(self) -> DeliberationSession:
        self._ensure_egress()  # again here: nothing leaves for a forbidden member or chair
        plan, budget = self.plan, self.budget
        settings = self.settings
        # opens nothing yet: its HTTP client is made by the first turn
        runner = runner_for_settings(self.config, self._keys, settings, client=self._client)
        history = () if self.saved is None else self.saved.turns
        deliberation = Deliberation(runner, plan, budget=budget, history=history)
        self._recorder = DeliberationRecorder(  # a StoreError here: nothing opened, nothing sent
            self.store,
            plan,
            app_version=self._app_version,
            package=package_facts(self.result, settings.redact_filenames),
            budget=budget,
            save_prompt=settings.save_prompt,
            resumed_from=None if self.saved is None else self.saved.run_id,
        )
        self._runner, self._deliberation = runner, deliberation
        if self._cancel_asked:
            deliberation.cancel_all()
        self.status = "running"
        try:
            await runner.__aenter__()
        except BaseException:  # cancelled as it opens: saved as cancelled, then raised on
            await self.__aexit__(None, None, None)
            raise
        return self

    async def events(self) -> AsyncIterator[CrosstalkEvent]:
        """Every event of the deliberation, each recorded before it is yielded."""
        assert self._deliberation is not None and self._recorder is not None, "use `async with`"
        if self._events is None:
            self._events = self._deliberation.events()
        async for event in self._events:
            self._recorder.observe(event)
            yield event
        self._finished()

    def cancel(self, member: str) -> bool:
        """Cancel one member's turn now and drop it from later rounds; False if not a member."""
        if self._deliberation is None:
            return False
        try:
            self._deliberation.cancel(member)
        except KeyError:
            return False
        return True

    def cancel_all(self) -> None:
        """Cancel every turn in flight and start no further round, at any moment: before the
        deliberation has started too (it then starts cancelled, nothing is sent)."""
        self._cancel_asked = True
        if self._deliberation is not None:
            self._deliberation.cancel_all()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        recorder = self._recorder
        asked = self._cancel_asked or exc is None or isinstance(exc, CancelledError)
        reason = "cancelled by the user" if asked else f"cancelled after {type(exc).__name__}"
        try:
            if recorder is not None and recorder.outcome is None:
                # The caller stopped reading early: cancel what is left and record it to the end.
                self.cancel_all()
                try:
                    if self._deliberation is not None and self._events is None:
                        self._events = self._deliberation.events()
                    if self._events is not None:
                        try:
                            async for event in self._events:
                                recorder.observe(event)
                        except Exception as error:  # the turns so far are kept
                            recorder.problems.append(f"not recorded to the end: {error}")
                finally:
                    if recorder.outcome is None and self._deliberation is not None:
                        # The events were stopped inside (a cancelled task): it ends here.
                        recorder.observe(self._deliberation.cut_short(reason))
                self._finished()
        finally:
            if self._runner is not None:
                await self._runner.aclose()

    def _finished(self) -> None:
        outcome = self.outcome
        if outcome is not None:
            self.status = outcome.status

    # what it did -------------------------------------------------------------------------------

    @property
    def outcome(self) -> Outcome | None:
        return self._recorder.outcome if self._recorder is not None else None

    @property
    def recorder(self) -> DeliberationRecorder | None:
        return self._recorder

    @property
    def run_id(self) -> str | None:
        return self._recorder.run_id if self._recorder is not None else None

    @property
    def run_path(self) -> Path | None:
        return self._recorder.run.path if self._recorder is not None else None

    @property
    def problems(self) -> list[str]:
        """Writes that failed (the text is in memory, the run folder incomplete)."""
        return list(self._recorder.problems) if self._recorder is not None else []

    def summary(self) -> dict[str, Any]:
        assert self._recorder is not None, "use `async with`"
        return self._recorder.summary()

    @property
    def failed(self) -> bool:
        """Not every turn finished, the deliberation is not complete, or a write failed."""
        outcome = self.outcome
        if outcome is None:
            return True
        unfinished = any(t.status != "finished" for t in outcome.turns)
        return outcome.status != "complete" or unfinished or bool(self.problems)
