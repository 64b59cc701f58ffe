"""A batch job from submit to fetch: the steps, each preceded by a save of the job's state.

::

    async with BatchRunner(config, settings, keys, store) as runner:
        job, entries = runner.new_job(plan, prompt, system)   # nothing sent yet
        await runner.submit(job, plan, entries)               # or again, to resume
        await runner.refresh(job)                             # status
        await runner.fetch(job)                               # incremental, repeatable
        await runner.cancel(job)

The state is saved before each call with effects and right after it returns (see
:class:`~fiedler_tui.core.batch.engine.Steps`); a part created but not recorded is found
again, an answer saved but not recorded is saved again (same file), so a job cut short at any
point is resumed by the same call without a request sent twice or an answer lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType

from fiedler_tui.core.batch.engine import BatchEngine, Steps
from fiedler_tui.core.batch.engines import engine_for
from fiedler_tui.core.batch.http_calls import BatchHttp
from fiedler_tui.core.batch.job_summary import write_job_summary
from fiedler_tui.core.batch.live import run_live
from fiedler_tui.core.batch.new_job import Entries, first_state, split_parts
from fiedler_tui.core.batch.outputs import UnitWriter
from fiedler_tui.core.batch.plan import BatchPlan
from fiedler_tui.core.batch.results import RequestOutcome
from fiedler_tui.core.batch.state import (
    REQUEST_ENDED,
    BatchStateError,
    BatchStore,
    JobState,
    PartEntry,
    UnitEntry,
)
from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.egress.guard import ensure_egress_allowed
from fiedler_tui.core.http import httpx, make_async_client
from fiedler_tui.core.network import NetworkEnvironment
from fiedler_tui.core.providers.profile import ModelProfile
from fiedler_tui.core.providers.registry import adapter_for
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.runner.settings_runner import runner_for_settings
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.summary import usage_cost

_PROBE = ReviewRequest(prompt="")
"""Built only for the headers a send would use."""


class BatchRunner:
    """Submits, follows, fetches and cancels batch jobs for one config and its keys."""

    def __init__(
        self,
        config: Config,
        settings: Settings,
        keys: Mapping[str, str | None],
        store: BatchStore,
        client: httpx.AsyncClient | None = None,
        *,
        keep_remote: bool = False,
    ) -> None:
        """``keep_remote``: leave what the providers keep of a batch after its answers are
        saved (by default it is deleted: OpenAI's files, Anthropic's and Gemini's batches)."""
        self.keep_remote = keep_remote
        self.config = config
        self.settings = settings
        self.keys = dict(keys)
        self.store = store
        self._client = client
        self._own_client = client is None

    async def __aenter__(self) -> BatchRunner:
        if self._client is None:
            self._client = make_async_client(
                providers=self.config.providers.values(),
                environment=NetworkEnvironment.read(trust_env=self.settings.trust_env),
            )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._own_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    # planning ----------------------------------------------------------------------------------

    def _spec(self, alias: str) -> ModelSpec:
        try:
            return self.config.resolve(alias)
        except KeyError:
            raise BatchStateError(
                f"model {alias!r} of this batch job is no longer in models.yaml; put it back "
                "to follow the job"
            ) from None

    def _engine(self, job: JobState, kind: str) -> BatchEngine:
        return engine_for(kind, {p.batch_id for p in job.parts if p.batch_id})

    def entries(self, plan: BatchPlan, job: JobState, custom_ids: set[str]) -> Entries:
        """The batch input of each of ``custom_ids`` (built from the plan, never stored)."""
        found: Entries = {}
        models = {m.alias: m for m in job.models}
        for entry in job.requests.values():
            if entry.custom_id not in custom_ids:
                continue
            model = models[entry.model]
            spec = self._spec(model.alias)
            profile = ModelProfile.from_config(self.config, spec, alias=model.alias)
            request = plan.review_request(entry.unit, model.alias)
            wire = adapter_for(profile.provider.kind).build(
                profile, request, self.keys.get(model.provider)
            )
            found[entry.custom_id] = self._engine(job, model.kind).entry(entry.custom_id, wire)
        return found

    def new_job(self, plan: BatchPlan, prompt: str, system: str) -> tuple[JobState, Entries]:
        """The job's first state (not saved yet) and the batch input of its requests."""
        job = first_state(plan, prompt, system, self.config, self.settings)
        entries = self.entries(
            plan, job, {r.custom_id for r in plan.requests if self._batched(job, r.model)}
        )
        self._add_parts(job, entries)
        return job, entries

    def _add_parts(self, job: JobState, entries: Entries) -> None:
        """New parts for the requests of ``entries``, numbered after the job's parts."""
        for part in split_parts(job, entries, len(job.parts), lambda kind: self._engine(job, kind)):
            job.parts.append(part)
            for cid in part.custom_ids:
                job.requests[cid].part = part.part_id

    def resubmit_unran(self, job: JobState, plan: BatchPlan) -> int:
        """Put the requests that expired or were cancelled before they ran in new parts, to be
        submitted again alone (answers given stay as they are); how many there were. Saved by
        ``submit``. A cancelled job goes on with them."""
        unran = {c for c, r in job.requests.items() if r.status in UNRAN}
        if not unran:
            return 0
        for cid in unran:
            request = job.requests[cid]
            request.status, request.saved, request.error = "pending", False, None
        self._add_parts(job, self.entries(plan, job, unran))
        if job.status in {"ended", "cancelled"}:
            job.status = "submitting"
        return len(unran)

    def _batched(self, job: JobState, alias: str) -> bool:
        return next(m.mode for m in job.models if m.alias == alias) == "batch"

    # steps ---------------------------------------------------------------------------------------

    def _http(self, job: JobState, part: PartEntry) -> BatchHttp:
        assert self._client is not None, "use `async with`"
        spec = self._spec(part.model)
        profile = ModelProfile.from_config(self.config, spec, alias=part.model)
        key = self.keys.get(part.provider)
        # the headers a send would use (auth, version, the provider's extras)
        probe = adapter_for(profile.provider.kind).build(profile, _PROBE, key)
        return BatchHttp.of(
            self._client, part.provider, profile.provider.base_url, probe.headers, key
        )

    def _steps(self, job: JobState) -> Steps:
        def save() -> None:
            for part in job.parts:  # a part with its provider: its requests are submitted
                if part.batch_id is None:
                    continue
                for cid in part.custom_ids:
                    if job.requests[cid].status == "pending":
                        job.requests[cid].status = "submitted"
            self.store.save(job)

        return Steps(save=save, effect_done=self.store.checkpoints.reached)

    async def submit(self, job: JobState, plan: BatchPlan, entries: Entries | None = None) -> None:
        """Hand every part to its provider and run the live requests; resumable."""
        # the senders' own egress check, whatever the dry run was told: nothing leaves for a
        # model the rules forbid a file of its unit
        ensure_egress_allowed(
            self.config,
            self.settings,
            [
                (model.alias, result.preview_for(model.alias).files)
                for _, result in plan.units
                for model in job.models
            ],
        )
        steps = self._steps(job)
        if not self.store.path(job.job_id).exists():
            steps.save()  # the job exists before anything is sent
        for part in job.parts:
            if part.batch_id is not None or part.step == "cancelled":
                continue
            wanted = set(part.custom_ids)
            have = entries if entries is not None and wanted <= entries.keys() else None
            part_entries = have if have is not None else self.entries(plan, job, wanted)
            engine = self._engine(job, part.kind)
            await engine.create(
                self._http(job, part),
                part,
                [part_entries[c] for c in part.custom_ids],
                job.job_id,
                steps,
            )
        await self._run_live(job, plan)
        if job.status == "submitting":
            job.status = "submitted"
        self._end_if_done(job)
        steps.save()

    async def _run_live(self, job: JobState, plan: BatchPlan) -> None:
        """The requests to models without a batch engine, as ordinary requests now."""
        live = {m.alias for m in job.models if m.mode == "live"}
        if not any(r.model in live and r.status == "pending" for r in job.requests.values()):
            return
        writer = UnitWriter(job, save_prompt=self.settings.save_prompt)
        units = {u.index: u for u in job.units}
        if self._recover_live(job, writer, live):
            self.store.save(job)

        def record(outcome: RequestOutcome) -> None:
            unit = units[job.requests[outcome.custom_id].unit]
            self._apply(job, writer, unit, outcome)
            self.store.checkpoints.reached()  # the answer is on disk, the state not yet
            writer.write_summary(unit)
            self.store.save(job)

        runner = runner_for_settings(self.config, self.keys, self.settings, client=self._client)
        try:
            await run_live(job, plan, runner, record, self.settings.max_concurrency)
        finally:
            await runner.aclose()

    @staticmethod
    def _recover_live(job: JobState, writer: UnitWriter, live: set[str]) -> bool:
        """Mark done the live requests whose answer was saved by a process killed before it
        recorded them (the answer is written whole, atomically, once it has ended), so they
        are not sent again; their usage is not known. True when there were some."""
        units = {u.index: u for u in job.units}
        found = False
        for entry in job.requests.values():
            if entry.model not in live or entry.status != "pending":
                continue
            unit = units[entry.unit]
            name = writer.names[entry.model]
            if (writer.root / unit.run_id / name).is_file():
                entry.status, entry.saved, entry.output_file = "done", True, name
                writer.write_summary(unit)
                found = True
        return found

    def _apply(
        self, job: JobState, writer: UnitWriter, unit: UnitEntry, outcome: RequestOutcome
    ) -> None:
        entry = job.requests[outcome.custom_id]
        model = next(m for m in job.models if m.alias == entry.model)
        writer.write_answer(unit, entry, outcome)
        entry.status = outcome.status
        entry.finish_reason = outcome.finish_reason
        entry.usage_input = outcome.usage_input
        entry.usage_output = outcome.usage_output
        entry.usage_cached_input = outcome.usage_cached_input
        if outcome.usage_input is not None or outcome.usage_output is not None:
            live = usage_cost(
                self._spec(model.alias),
                outcome.usage_input or 0,
                outcome.usage_output or 0,
                cached_in=outcome.usage_cached_input or 0,
            )
            entry.cost_usd = round(live * model.discount, 6)
        if outcome.error is not None:
            info = outcome.error
            entry.error = {
                "code": str(info.code),
                "message": info.message,
                "provider": info.provider,
                "http_status": info.http_status,
            }
        entry.saved = True

    async def refresh(self, job: JobState) -> None:
        """Each batch's status, counts and expiry as its provider reports them now."""
        for part in job.parts:
            if part.batch_id is None or part.fetched:
                continue
            await self._engine(job, part.kind).refresh(self._http(job, part), part)
        self.store.save(job)

    async def fetch(self, job: JobState) -> int:
        """Save the answers of every part that has ended and was not fetched yet; the number
        of requests saved now."""
        await self.refresh(job)
        writer = UnitWriter(job, save_prompt=self.settings.save_prompt)
        units = {u.index: u for u in job.units}
        saved = 0
        for part in job.parts:
            engine = self._engine(job, part.kind)
            if part.batch_id is None or part.fetched or not engine.ended(part):
                continue
            by_unit: dict[int, list[RequestOutcome]] = {}
            for outcome in await engine.outcomes(self._http(job, part), part):
                by_unit.setdefault(job.requests[outcome.custom_id].unit, []).append(outcome)
                saved += 1

            def save_unit(index: int, found: list[RequestOutcome]) -> None:
                for outcome in found:
                    self._apply(job, writer, units[index], outcome)
                writer.write_summary(units[index])

            # each unit in its own folder: their files are written (and synced) side by side
            await asyncio.to_thread(_each_in_threads, save_unit, by_unit)
            part.fetched = True
            self.store.save(job)
        await self._forget(job)
        self._end_if_done(job)
        self.store.save(job)
        write_job_summary(job)
        return saved

    def outstanding(self, job: JobState) -> int:
        """Batches with their provider whose answers are not saved yet."""
        return sum(1 for p in job.parts if p.batch_id is not None and not p.fetched)

    async def wait_and_fetch(
        self,
        job: JobState,
        interval_s: float,
        report: Callable[[JobState, int], None] = lambda job, saved: None,
    ) -> int:
        """Fetch, then again every ``interval_s`` seconds until no batch is outstanding; the
        answers saved in all. ``report`` is told after each round."""
        saved = 0
        while True:
            now = await self.fetch(job)
            saved += now
            report(job, now)
            if not self.outstanding(job):
                return saved
            await asyncio.sleep(interval_s)

    async def _forget(self, job: JobState) -> None:
        """Delete the providers' copies of every batch whose answers are saved (see
        ``keep_remote``); done after the save that records the answers, so a kill in between
        leaves them to the next fetch."""
        if self.keep_remote:
            return
        for part in job.parts:
            if part.fetched and not part.cleaned and part.batch_id is not None:
                await self._engine(job, part.kind).forget(self._http(job, part), part)
                self.store.checkpoints.reached()
                part.cleaned = True
                self.store.save(job)

    def _end_if_done(self, job: JobState) -> None:
        ended = all(r.status in REQUEST_ENDED and r.saved for r in job.requests.values())
        if ended and job.status != "cancelled":
            job.status = "ended"

    async def cancel(self, job: JobState) -> None:
        """Cancel the parts still running and every request not sent (answers already given
        are kept and fetched as usual)."""
        job.status = "cancelled"
        self.store.save(job)
        for part in job.parts:
            engine = self._engine(job, part.kind)
            if part.batch_id is None:
                part.step = "cancelled"
            elif not part.fetched and not engine.ended(part):
                await engine.cancel(self._http(job, part), part)
                self.store.checkpoints.reached()
            self.store.save(job)
        writer = UnitWriter(job, save_prompt=self.settings.save_prompt)
        touched: set[int] = set()
        for request in job.requests.values():
            if request.status == "pending":
                request.status = "cancelled"
                request.saved = True
                touched.add(request.unit)
        for unit in job.units:
            if unit.index in touched:
                writer.write_summary(unit)
        self.store.save(job)


UNRAN = frozenset({"expired", "cancelled"})
"""A request's statuses when the provider never ran it: submitted again by ``submit --resume``."""

WRITER_THREADS = 8
"""Unit folders written at once by a fetch (the time goes to syncing files to disk)."""


def _each_in_threads(
    work: Callable[[int, list[RequestOutcome]], None], by_unit: dict[int, list[RequestOutcome]]
) -> None:
    with ThreadPoolExecutor(WRITER_THREADS, thread_name_prefix="fiedler-batch-fetch") as pool:
        for done in [pool.submit(work, i, found) for i, found in sorted(by_unit.items())]:
            done.result()  # the first error, if any, is raised here
