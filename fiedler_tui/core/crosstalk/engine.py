"""The deliberation engine: runs a plan's rounds through the Runner and reports typed events.

Usage::

    deliberation = Deliberation(runner, plan)
    async for event in deliberation.events():
        ...
    # deliberation.cancel("gpt-5") / deliberation.cancel_all() from anywhere, at any time

Faults: a member whose turn fails (after the runner's retries) or is cancelled drops out of
later rounds, and the deliberation goes on while at least two remain. An auth, permission or
quota failure also rules out every other member (and the chair) on the same provider, since
asking again could only fail the same way. A chair that fails leaves the outcome ``degraded``
with the members' answers intact.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

from fiedler_tui.core.crosstalk import prompts
from fiedler_tui.core.crosstalk.anonymise import Anonymiser
from fiedler_tui.core.crosstalk.budget import DeliberationBudget
from fiedler_tui.core.crosstalk.errors import CrosstalkInputError
from fiedler_tui.core.crosstalk.events import (
    CrosstalkEvent,
    DeliberationEnded,
    DroppedOut,
    Outcome,
    Phase,
    RoundEnded,
    RoundStarted,
    TurnRecord,
    VerdictGiven,
)
from fiedler_tui.core.crosstalk.plan import Member, Paradigm, Plan
from fiedler_tui.core.crosstalk.ranking import aggregate_rankings, parse_ranking
from fiedler_tui.core.crosstalk.requests import chair_turn, first_turn, follow_up
from fiedler_tui.core.crosstalk.turns import TurnBatch, TurnJob
from fiedler_tui.core.crosstalk.verdict import parse_verdict
from fiedler_tui.core.providers.errors import ErrorCode
from fiedler_tui.core.runner import Runner

PROVIDER_WIDE = frozenset({ErrorCode.AUTH, ErrorCode.PERMISSION, ErrorCode.QUOTA_EXHAUSTED})
"""Failures that would repeat for any model of the same provider: not asked again."""


class ResumeMismatch(CrosstalkInputError):
    """The saved turns do not fit the plan being resumed."""


class _Stop(Exception):
    """Fewer than two members remain, or the user cancelled: no further member rounds."""


class Deliberation:
    def __init__(
        self,
        runner: Runner,
        plan: Plan,
        *,
        budget: DeliberationBudget | None = None,
        history: Sequence[TurnRecord] = (),
    ) -> None:
        """``budget``: the plan's worst case (``deliberation_budget``); with a cost cap in it, a
        step whose worst case would take the real spend above the cap is not started.

        ``history``: the turns of the complete steps of an interrupted deliberation of the same
        plan (a resume). Those steps are replayed, not sent: their ``RoundEnded`` (marked
        ``replayed``) and drop-outs are reported again, then the deliberation goes on."""
        self.runner = runner
        self.plan = plan
        config = runner.config
        self._anonymiser = Anonymiser(
            {
                m.letter: {
                    m.alias,
                    *config.resolve(m.alias).all_names,
                    config.resolve(m.alias).wire_id,
                }
                for m in plan.members
            }
        )
        self._provider = {m.alias: config.resolve(m.alias).provider for m in plan.members}
        if plan.chair is not None:
            self._provider[plan.chair] = config.resolve(plan.chair).provider
        self.active: list[Member] = list(plan.members)
        self.turns: list[TurnRecord] = []
        self.dropped: list[DroppedOut] = []
        self._blocked: dict[str, str] = {}
        """provider -> why it is not asked again."""
        self._latest: dict[str, str] = {}
        """member -> its latest complete answer."""
        self._batch: TurnBatch | None = None
        self._cancelled_all = False
        self._cancelled: set[str] = set()
        self._pending: list[CrosstalkEvent] = []
        self.budget = budget
        self._cap_reason = ""
        self._history: dict[tuple[int, str], dict[str, TurnRecord]] = {}
        for turn in history:
            self._history.setdefault((turn.round, turn.phase), {})[turn.member] = turn

    # control ----------------------------------------------------------------------------------

    def cancel(self, member: str) -> None:
        """Cancel one member now and drop it from later rounds."""
        self.plan.member(member)
        self._cancelled.add(member)
        if self._batch is not None:
            self._batch.cancel(member)

    def cancel_all(self) -> None:
        """Cancel every turn in flight; no further round starts."""
        self._cancelled_all = True
        if self._batch is not None:
            self._batch.cancel_all()

    # running ----------------------------------------------------------------------------------

    async def events(self) -> AsyncIterator[CrosstalkEvent]:
        plan = self.plan
        steps = {
            Paradigm.DEBATE: self._debate,
            Paradigm.MEMORY: self._memory,
            Paradigm.RELAY: self._relay,
            Paradigm.REPORT: self._report,
        }[plan.paradigm]
        async for event in steps():
            yield event

    # paradigms --------------------------------------------------------------------------------

    async def _debate(self) -> AsyncIterator[CrosstalkEvent]:
        consensus: bool | None = None
        rounds_run = 0
        try:
            for number in range(1, self.plan.rounds + 1):
                jobs = [self._answer_job(m, number) for m in self._ready(number)]
                async for event in self._step(number, "answer", jobs):
                    yield event
                rounds_run = number
                if number > 1:
                    consensus = self._consensus(number)
                    if consensus:
                        break
        except _Stop as stop:
            async for event in self._end_without_result(rounds_run, str(stop), consensus):
                yield event
            return
        async for event in self._synthesis(rounds_run, consensus):
            yield event

    async def _memory(self) -> AsyncIterator[CrosstalkEvent]:
        ledger = prompts.EMPTY_LEDGER
        consensus: bool | None = None
        rounds_run = 0
        try:
            for number in range(1, self.plan.rounds + 1):
                jobs = [self._answer_job(m, number, ledger=ledger) for m in self._ready(number)]
                async for event in self._step(number, "answer", jobs):
                    yield event
                rounds_run = number
                if number > 1:
                    consensus = self._consensus(number)
                answers = self._blocks([m for m in self.plan.members], number)
                prompt = prompts.LEDGER_UPDATE.format(
                    question=self.plan.question,
                    ledger=self._anonymiser.scrub(ledger),
                    round=number,
                    answers=answers,
                    max_words=prompts.LEDGER_MAX_WORDS,
                )
                record = None
                async for event in self._chair_step(number, "ledger", prompt):
                    if isinstance(event, RoundEnded) and event.turns:
                        record = event.turns[0]
                    yield event
                if record is None and self._cap_reason:
                    yield self._ended(
                        "stopped", "none", "", rounds_run, consensus, self._cap_reason
                    )
                    return
                if record is None or record.status != "finished":
                    yield self._ended(
                        "degraded",
                        "none",
                        "",
                        rounds_run,
                        consensus,
                        f"the chair's ledger failed in round {number}",
                    )
                    return
                ledger = record.text
                if consensus:
                    break
        except _Stop as stop:
            async for event in self._end_without_result(rounds_run, str(stop), consensus):
                yield event
            return
        yield self._ended("complete", "ledger", ledger, rounds_run, consensus, "")

    async def _relay(self) -> AsyncIterator[CrosstalkEvent]:
        previous: tuple[str, str] | None = None
        rounds_run = 0
        try:
            for lap in range(1, self.plan.rounds + 1):
                members = self._ready(lap)
                replay = (lap, "relay") in self._history
                over = "" if replay else self._over_cap(lap, "relay")
                if over:
                    raise _Stop(over)
                if not replay:
                    yield RoundStarted(
                        round=lap,
                        rounds=self.plan.rounds,
                        phase="relay",
                        members=tuple(m.alias for m in members),
                    )
                records: list[TurnRecord] = []
                for member in members:
                    if self._cancelled_all:
                        raise _Stop("cancelled")
                    if member.alias in self._cancelled or self._is_blocked(member.alias):
                        self._drop_blocked_or_cancelled(member, lap)
                        yield self._pending.pop()
                        continue
                    if previous is None:
                        prompt = prompts.RELAY_FIRST.format(question=self.plan.question)
                    else:
                        letter, text = previous
                        prompt = prompts.RELAY_NEXT.format(
                            question=self.plan.question,
                            letter=letter,
                            answer=self._anonymiser.scrub(text).strip(),
                        )
                    job = TurnJob(
                        member.alias, member.letter, "member", first_turn(self.plan, member, prompt)
                    )
                    async for event in self._turns(lap, "relay", [job]):
                        yield event
                    record = self._batch_records(lap, "relay")[0]
                    records.append(record)
                    if record.status == "finished":
                        previous = (member.letter, record.text)
                    elif not self._cancelled_all:
                        yield self._drop(member, lap, record)
                yield self._round_ended(lap, "relay", tuple(records), None, replay)
                rounds_run = lap
                if self._cancelled_all:
                    raise _Stop("cancelled")
                if len(self.active) < 2 and lap < self.plan.rounds:
                    raise _Stop(f"fewer than two members remain after lap {lap}")
        except _Stop as stop:
            if previous is not None and str(stop) != "cancelled":
                yield self._ended(
                    "stopped", "relay answer", previous[1], rounds_run, None, str(stop)
                )
                return
            async for event in self._end_without_result(rounds_run, str(stop), None):
                yield event
            return
        if previous is None:
            yield self._ended("stopped", "none", "", rounds_run, None, "no member answered")
            return
        yield self._ended("complete", "relay answer", previous[1], rounds_run, None, "")

    async def _report(self) -> AsyncIterator[CrosstalkEvent]:
        rounds_run = 0
        try:
            jobs = [self._answer_job(m, 1) for m in self._ready(1)]
            async for event in self._step(1, "answer", jobs):
                yield event
            rounds_run = 1
            first = {alias: text for alias, text in self._latest.items()}
            jobs = []
            for member in self._ready(2):
                others = [
                    m for m in self.plan.members if m.alias != member.alias and m.alias in first
                ]
                answers = self._anonymiser.blocks([(m.letter, first[m.alias]) for m in others])
                example = " > ".join(m.letter for m in others)
                message = prompts.REPORT_REVIEW.format(answers=answers, example=example)
                request = follow_up(self.plan, member, first[member.alias], message)
                jobs.append(TurnJob(member.alias, member.letter, "member", request))
            async for event in self._step(2, "review", jobs):
                yield event
            rounds_run = 2
        except _Stop as stop:
            async for event in self._end_without_result(rounds_run, str(stop), None):
                yield event
            return
        letters = [m.letter for m in self.plan.members if m.alias in first]
        reviews = [
            t for t in self.turns if t.round == 2 and t.phase == "review" and t.status == "finished"
        ]
        rankings = {t.member: t.ranking for t in reviews}
        prompt = prompts.REPORT_CHAIR.format(
            question=self.plan.question,
            answers=self._anonymiser.blocks(
                [(m.letter, first[m.alias]) for m in self.plan.members if m.alias in first]
            ),
            reviews=self._anonymiser.blocks([(t.letter or "?", t.text) for t in reviews]),
            ranking=aggregate_rankings(rankings, letters),
        )
        async for event in self._chair_result(2, "report", prompt, "report", None):
            yield event

    # steps ------------------------------------------------------------------------------------

    def _answer_job(self, member: Member, number: int, *, ledger: str | None = None) -> TurnJob:
        if number == 1:
            request = first_turn(self.plan, member)
        elif ledger is not None:
            message = prompts.MEMORY_ROUND.format(
                round=number, rounds=self.plan.rounds, ledger=self._anonymiser.scrub(ledger)
            )
            request = follow_up(self.plan, member, self._latest[member.alias], message)
        else:
            others = [m for m in self.active if m.alias != member.alias and m.alias in self._latest]
            message = prompts.DEBATE_ROUND.format(
                round=number,
                rounds=self.plan.rounds,
                answers=self._anonymiser.blocks(
                    [(m.letter, self._latest[m.alias]) for m in others]
                ),
            )
            request = follow_up(self.plan, member, self._latest[member.alias], message)
        return TurnJob(member.alias, member.letter, "member", request)

    def _ready(self, number: int) -> list[Member]:
        """The members that take part in round ``number``; drops the ruled-out ones first."""
        if self._cancelled_all:
            raise _Stop("cancelled")
        for member in list(self.active):
            if member.alias in self._cancelled or self._is_blocked(member.alias):
                self._drop_blocked_or_cancelled(member, number)
        if len(self.active) < 2:
            raise _Stop(f"fewer than two members remain for round {number}")
        return list(self.active)

    async def _step(
        self, number: int, phase: Phase, jobs: list[TurnJob]
    ) -> AsyncIterator[CrosstalkEvent]:
        """One members' round: events, verdicts, drop-outs, then ``RoundEnded``."""
        while self._pending:
            yield self._pending.pop(0)
        replay = (number, phase) in self._history
        over = "" if replay else self._over_cap(number, phase)
        if over:
            raise _Stop(over)
        if not replay:
            yield RoundStarted(
                round=number,
                rounds=self.plan.rounds,
                phase=phase,
                members=tuple(job.member for job in jobs),
            )
        if self._cancelled_all:  # cancelled as the round started: none of its turns is sent
            yield self._round_ended(number, phase, (), None, replay)
            raise _Stop("cancelled")
        async for event in self._turns(number, phase, jobs):
            yield event
        records = self._batch_records(number, phase)
        for record in records:
            member = self.plan.member(record.member)
            if record.status != "finished":
                if not self._cancelled_all:
                    yield self._drop(member, number, record)
            elif not replay and (record.verdict is not None or (phase == "answer" and number > 1)):
                yield VerdictGiven(
                    round=number, member=record.member, letter=member.letter, verdict=record.verdict
                )
        consensus = self._consensus(number) if phase == "answer" and number > 1 else None
        yield self._round_ended(number, phase, tuple(records), consensus, replay)
        if self._cancelled_all:
            raise _Stop("cancelled")

    async def _turns(
        self, number: int, phase: Phase, jobs: list[TurnJob]
    ) -> AsyncIterator[CrosstalkEvent]:
        saved = self._history.get((number, phase))
        if saved is not None:
            self._replay(number, phase, jobs, saved)
            return
        batch = TurnBatch(self.runner, number, phase)
        self._batch = batch
        try:
            async for event in batch.run(jobs):
                yield event
        finally:
            self._batch = None
        for job in jobs:
            record = batch.records[job.member]
            if record.status == "finished" and job.role == "member":
                record = self._annotate(record, phase, number)
                self._latest[job.member] = record.text
            self.turns.append(record)

    def _replay(
        self, number: int, phase: Phase, jobs: list[TurnJob], saved: dict[str, TurnRecord]
    ) -> None:
        """Take a saved step's turns as if they had just ended (nothing is sent)."""
        for job in jobs:
            record = saved.get(job.member)
            if record is None:
                raise ResumeMismatch(
                    f"the saved round {number} ({phase}) has no turn of {job.member}, which this "
                    "plan would ask: it cannot be resumed"
                )
            if record.status == "finished" and job.role == "member":
                self._latest[job.member] = record.text
            self.turns.append(record)

    def _annotate(self, record: TurnRecord, phase: Phase, number: int) -> TurnRecord:
        if (
            phase == "answer"
            and number > 1
            and self.plan.paradigm in (Paradigm.DEBATE, Paradigm.MEMORY)
        ):
            return replace(record, verdict=parse_verdict(record.text))
        if phase == "review":
            letters = [m.letter for m in self.plan.members if m.letter != record.letter]
            return replace(record, ranking=tuple(parse_ranking(record.text, letters)))
        return record

    def _batch_records(self, number: int, phase: Phase) -> list[TurnRecord]:
        """Records of the turns that just ended (the last batch's, in job order)."""
        found = [t for t in self.turns if t.round == number and t.phase == phase]
        return found if phase != "relay" else found[-1:]

    def _consensus(self, number: int) -> bool:
        answers = [
            t
            for t in self.turns
            if t.round == number and t.phase == "answer" and t.role == "member"
        ]
        live = [t for t in answers if t.status == "finished"]
        return bool(live) and all(
            t.verdict is not None and t.verdict.stance == "agree" for t in live
        )

    async def _chair_step(
        self, number: int, phase: Phase, prompt: str
    ) -> AsyncIterator[CrosstalkEvent]:
        chair = self.plan.chair
        assert chair is not None
        replay = (number, phase) in self._history
        if not replay:
            yield RoundStarted(round=number, rounds=self.plan.rounds, phase=phase, members=(chair,))
        if self._cancelled_all:
            yield RoundEnded(round=number, phase=phase, turns=())
            return
        self._cap_reason = "" if replay else self._over_cap(number, phase)
        if self._cap_reason or self._is_blocked(chair):
            yield RoundEnded(round=number, phase=phase, turns=())
            return
        job = TurnJob(chair, None, "chair", chair_turn(self.plan, prompt))
        async for event in self._turns(number, phase, [job]):
            yield event
        record = [t for t in self.turns if t.round == number and t.phase == phase][-1]
        if record.error is not None and record.error.code in PROVIDER_WIDE:
            self._blocked[self._provider[chair]] = (
                f"{record.error.title.lower()} for provider {self._provider[chair]} "
                f"(the chair, round {number})"
            )
        yield self._round_ended(number, phase, (record,), None, replay)

    async def _chair_result(
        self,
        number: int,
        phase: Phase,
        prompt: str,
        kind: str,
        consensus: bool | None,
    ) -> AsyncIterator[CrosstalkEvent]:
        record = None
        async for event in self._chair_step(number, phase, prompt):
            if isinstance(event, RoundEnded) and event.turns:
                record = event.turns[0]
            yield event
        if record is not None and record.status == "finished":
            yield self._ended("complete", kind, record.text, number, consensus, "")
            return
        if self._cap_reason:
            yield self._ended("stopped", "none", "", number, consensus, self._cap_reason)
            return
        if self._cancelled_all:
            why = "cancelled before the chair finished"
            yield self._ended("cancelled", "none", "", number, consensus, why)
            return
        if record is None:
            blocked = self._blocked.get(self._provider[self.plan.chair or ""], "")
            why = f"the chair was not asked: {blocked}"
        else:
            detail = record.error.title if record.error else record.status
            why = f"the chair failed ({detail}); the members' answers are intact"
        yield self._ended("degraded", "none", "", number, consensus, why)

    async def _synthesis(
        self, rounds_run: int, consensus: bool | None
    ) -> AsyncIterator[CrosstalkEvent]:
        kind = "consensus" if consensus else "no consensus"
        if self.plan.chair is None:
            yield self._ended("complete", kind, "", rounds_run, consensus, "")
            return
        final = [(m.letter, self._latest.get(m.alias)) for m in self.active]
        prompt = prompts.DEBATE_CHAIR.format(
            question=self.plan.question,
            rounds=rounds_run,
            answers=self._anonymiser.blocks(final),
            consensus=prompts.CONSENSUS_REACHED if consensus else prompts.CONSENSUS_MISSING,
        )
        async for event in self._chair_result(rounds_run, "synthesis", prompt, kind, consensus):
            yield event

    async def _end_without_result(
        self, rounds_run: int, why: str, consensus: bool | None
    ) -> AsyncIterator[CrosstalkEvent]:
        while self._pending:
            yield self._pending.pop(0)
        if why == "cancelled":
            yield self._ended(
                "cancelled", "none", "", rounds_run, consensus, "cancelled by the user"
            )
        else:
            yield self._ended("stopped", "none", "", rounds_run, consensus, why)

    def cut_short(self, reason: str) -> DeliberationEnded:
        """The end of a deliberation whose events were stopped from outside before their own
        end (its task cancelled): ``cancelled``, with the turns of the steps that ended."""
        rounds_run = max((t.round for t in self.turns if t.role == "member"), default=0)
        return self._ended("cancelled", "none", "", rounds_run, None, reason)

    # spend ------------------------------------------------------------------------------------

    @property
    def spent_usd(self) -> float:
        return round(sum(t.cost_usd for t in self.turns), 6)

    def _over_cap(self, number: int, phase: Phase) -> str:
        """Why the step must not start (its worst case would cross the cap), or ""."""
        budget = self.budget
        if budget is None or budget.cost_cap_usd is None:
            return ""
        step = budget.step(number, phase)
        if step is None:
            return ""
        cap = budget.cost_cap_usd
        spent = self.spent_usd
        if spent + step.cost_usd_max <= cap:
            return ""
        return (
            f"round {number} ({phase}) not started: its worst case ${step.cost_usd_max:.4f} "
            f"would take the spend ${spent:.4f} above the cap ${cap:g}"
        )

    def _round_ended(
        self,
        number: int,
        phase: Phase,
        turns: tuple[TurnRecord, ...],
        consensus: bool | None,
        replayed: bool = False,
    ) -> RoundEnded:
        return RoundEnded(
            round=number,
            phase=phase,
            turns=turns,
            consensus=consensus,
            replayed=replayed,
            spent_usd=self.spent_usd,
            worst_case_usd=None if self.budget is None else round(self.budget.cost_usd_max, 6),
        )

    # faults -----------------------------------------------------------------------------------

    def _is_blocked(self, alias: str) -> bool:
        return self._provider[alias] in self._blocked

    def _drop(self, member: Member, number: int, record: TurnRecord) -> DroppedOut:
        if record.status == "cancelled":
            reason, code = f"cancelled in round {number}", None
        else:
            error = record.error
            code = error.code.value if error else None
            title = error.title if error else "failed"
            reason = f"{title} in round {number}"
            if error is not None and error.code in PROVIDER_WIDE:
                provider = self._provider[member.alias]
                title = error.title.lower()
                self._blocked[provider] = (
                    f"{title} for provider {provider} ({member.alias}, round {number})"
                )
        return self._leave(member, number, reason, code)

    def _drop_blocked_or_cancelled(self, member: Member, number: int) -> None:
        if member.alias in self._cancelled:
            self._pending.append(
                self._leave(member, number, f"cancelled before round {number}", None)
            )
        else:
            why = self._blocked[self._provider[member.alias]]
            self._pending.append(
                self._leave(member, number, f"not asked in round {number}: {why}", None)
            )

    def _leave(self, member: Member, number: int, reason: str, code: str | None) -> DroppedOut:
        if member in self.active:
            self.active.remove(member)
        dropped = DroppedOut(round=number, member=member.alias, reason=reason, code=code)
        self.dropped.append(dropped)
        return dropped

    # result -----------------------------------------------------------------------------------

    def _blocks(self, members: list[Member], number: int) -> str:
        answers = []
        for member in members:
            found = [
                t
                for t in self.turns
                if t.round == number and t.member == member.alias and t.role == "member"
            ]
            if found:
                text = found[-1].text if found[-1].status == "finished" else None
                answers.append((member.letter, text))
        return self._anonymiser.blocks(answers)

    def _ended(
        self,
        status: str,
        kind: str,
        result: str,
        rounds_run: int,
        consensus: bool | None,
        reason: str,
    ) -> DeliberationEnded:
        notes: list[str] = []
        if self.plan.chair_is_member:
            notes.append(
                f"the chair ({self.plan.chair}) is also a member and may favour its own answer"
            )
        return DeliberationEnded(
            outcome=Outcome(
                status=status,  # type: ignore[arg-type]
                result_kind=kind,  # type: ignore[arg-type]
                result=result,
                rounds_run=rounds_run,
                consensus=consensus,
                chair=self.plan.chair,
                chair_is_member=self.plan.chair_is_member,
                turns=tuple(self.turns),
                dropped=tuple(self.dropped),
                reason=reason,
                cost_usd=round(sum(t.cost_usd for t in self.turns), 6),
                notes=tuple(notes),
            )
        )
