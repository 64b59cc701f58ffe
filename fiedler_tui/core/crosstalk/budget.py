"""A deliberation's budget before the first token: per round and turn, the worst-case input
against the model's window, and the worst-case cost per round and in total.

Worst case: every answer a turn reads is as long as its author's reserved completion (counted
as that many tokens in the reader's encoding), and every turn uses its whole reserve. The
counts are made on the strings the engine sends (``requests`` and ``prompts``), the way the
send dry run counts a single request. The cache discount (the package read from the provider's
cache on every turn after a model's first, at ``price_cached_in``) is shown apart and never
lowers the figure judged against the cap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fiedler_tui.core.budget.model_budget import BudgetStatus, budget_status
from fiedler_tui.core.config.prices import prices_for, worst_case_cost
from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.crosstalk import prompts
from fiedler_tui.core.crosstalk.events import Phase, Role
from fiedler_tui.core.crosstalk.plan import Member, Paradigm, Plan
from fiedler_tui.core.crosstalk.requests import chair_turn, first_turn
from fiedler_tui.core.ratelimits.preflight import TokenLimit, first_exceeded, token_limits
from fiedler_tui.core.request import Conversation, Turn
from fiedler_tui.core.tokens.counter import TokenCounter
from fiedler_tui.core.tokens.methods import (
    conversation_overhead,
    conversation_text_tokens,
    encoding_of,
    plan_for,
)


@dataclass(frozen=True)
class TurnBudget:
    member: str
    role: Role
    input_tokens: int
    """Worst-case input: system, package, question, every answer read at its reserve."""
    reserve: int
    context_window: int
    cost_usd_max: float
    cache_discount_usd: float
    """What the package would cost less if read from the cache (0 on a model's first turn)."""
    rate_limit: str = ""
    """Why the turn's worst-case request exceeds its provider's tokens-per-minute limit, in the
    dry run's words (empty: within it, or no limit known)."""

    @property
    def fits(self) -> bool:
        total = self.input_tokens + self.reserve
        return budget_status(total, self.context_window) is not BudgetStatus.OVER

    def to_json(self) -> dict[str, object]:
        return {
            "member": self.member,
            "role": self.role,
            "input_tokens": self.input_tokens,
            "reserve": self.reserve,
            "context_window": self.context_window,
            "fits": self.fits,
            "cost_usd_max": round(self.cost_usd_max, 6),
            "cache_discount_usd": round(self.cache_discount_usd, 6),
        }


@dataclass(frozen=True)
class StepBudget:
    """One round of members, or one chair step."""

    round: int
    phase: Phase
    turns: tuple[TurnBudget, ...]

    @property
    def cost_usd_max(self) -> float:
        return sum(t.cost_usd_max for t in self.turns)

    @property
    def cache_discount_usd(self) -> float:
        return sum(t.cache_discount_usd for t in self.turns)

    def to_json(self) -> dict[str, object]:
        return {
            "round": self.round,
            "phase": self.phase,
            "cost_usd_max": round(self.cost_usd_max, 6),
            "cache_discount_usd": round(self.cache_discount_usd, 6),
            "turns": [t.to_json() for t in self.turns],
        }


@dataclass(frozen=True)
class DeliberationBudget:
    steps: tuple[StepBudget, ...]
    cost_cap_usd: float | None

    @property
    def cost_usd_max(self) -> float:
        return sum(s.cost_usd_max for s in self.steps)

    @property
    def cache_discount_usd(self) -> float:
        return sum(s.cache_discount_usd for s in self.steps)

    def step(self, number: int, phase: Phase) -> StepBudget | None:
        for step in self.steps:
            if (step.round, step.phase) == (number, phase):
                return step
        return None

    def refusals(self) -> list[str]:
        """Why the deliberation must not start, naming the round: empty when it may."""
        found: list[str] = []
        for step in self.steps:
            for turn in step.turns:
                if not turn.fits:
                    who = "the chair" if turn.role == "chair" else turn.member
                    found.append(
                        f"round {step.round} ({step.phase}): {who} ({turn.member}) could need "
                        f"{turn.input_tokens:,} input + {turn.reserve:,} reserved > "
                        f"{turn.context_window:,} window"
                    )
                if turn.rate_limit:
                    who = "the chair" if turn.role == "chair" else turn.member
                    found.append(
                        f"round {step.round} ({step.phase}): {who} ({turn.member}) "
                        f"{turn.rate_limit}"
                    )
        cap = self.cost_cap_usd
        if cap is not None and self.cost_usd_max > cap:
            spent = 0.0
            crossing = self.steps[-1]
            for step in self.steps:
                spent += step.cost_usd_max
                if spent > cap:
                    crossing = step
                    break
            found.append(
                f"worst-case cost ${self.cost_usd_max:.4f} is above the cap ${cap:g} "
                f"(round {crossing.round} ({crossing.phase}) would cross it)"
            )
        return found

    def to_json(self) -> dict[str, object]:
        return {
            "cost_usd_max": round(self.cost_usd_max, 6),
            "cache_discount_usd": round(self.cache_discount_usd, 6),
            "cost_cap_usd": self.cost_cap_usd,
            "refusals": self.refusals(),
            "steps": [s.to_json() for s in self.steps],
        }


def _rate_limit_text(limits: Sequence[TokenLimit], input_tokens: int, reserve: int) -> str:
    exceeded = first_exceeded(limits, input_tokens, reserve)
    if exceeded is None:
        return ""
    limit, charge = exceeded
    counted = "input tokens" if limit.input_only else f"tokens with its {reserve:,} reserved"
    return (
        f"can never be accepted at this limit ({limit.tokens_per_minute:,} {limit.unit}, "
        f"{limit.source}; this turn could be {charge:,} {counted}): fewer files, fewer rounds, "
        "another model, or a key on a higher rate-limit tier"
    )


_FRAME = prompts.ANSWER_BLOCK.format(letter="A", text="") + "\n\n"
_FRAME_SLACK = 8
"""Tokens allowed per answer read beyond its block's framing: the joins between pieces, and
model names replaced by the longer ``Reviewer X``."""


class _Counter:
    """Counts the strings of a turn for one model the way the dry run does."""

    def __init__(self, config: Config, counter: TokenCounter) -> None:
        self.config = config
        self.counter = counter
        self._memo: dict[tuple[str, str], int] = {}

    def spec(self, alias: str) -> ModelSpec:
        return self.config.resolve(alias)

    def raw(self, alias: str, text: str) -> int:
        encoding = encoding_of(self.spec(alias))
        key = (encoding, text)
        if key not in self._memo:
            self._memo[key] = self.counter.count(encoding, text) if text else 0
        return self._memo[key]

    def scaled(self, alias: str, raw: int) -> int:
        spec = self.spec(alias)
        encoding = encoding_of(spec)
        factor = plan_for(spec, self.counter.tokenizer(encoding).exact).factor
        return raw if factor == 1.0 else math.ceil(raw * factor)

    def conversation(self, alias: str, conversation: Conversation) -> int:
        raw = conversation_text_tokens(lambda text: self.raw(alias, text), conversation)
        return self.scaled(alias, raw) + conversation_overhead(conversation)


def deliberation_budget(
    config: Config,
    plan: Plan,
    counter: TokenCounter,
    cost_cap_usd: float | None,
    rate_limits: Mapping[str, Sequence[TokenLimit]] | None = None,
) -> DeliberationBudget:
    """The worst case of every round the plan could run (early stops are not assumed).

    ``rate_limits``: provider -> its tokens-per-minute limits (``core.ratelimits.token_limits``);
    None: those configured, else the latest learned (reads the user state folder)."""
    count = _Counter(config, counter)
    limits = token_limits(config) if rate_limits is None else rate_limits
    reserve = {
        alias: plan.max_completion_tokens or count.spec(alias).max_completion_tokens
        for alias in [*(m.alias for m in plan.members), *([plan.chair] if plan.chair else [])]
    }
    seen: set[str] = set()

    def turn(member: str, role: Role, conversation: Conversation, reads: list[int]) -> TurnBudget:
        """``reads``: the reserve of every answer the turn reads, each in its labelled block."""
        spec = count.spec(member)
        frame = count.scaled(member, count.raw(member, _FRAME)) + _FRAME_SLACK
        input_tokens = count.conversation(member, conversation) + sum(reads) + frame * len(reads)
        discount = 0.0
        prices = prices_for(spec, input_tokens)
        if spec.name in seen and prices.cached_input < prices.input:
            package = count.scaled(member, count.raw(member, plan.package_text))
            discount = package * (prices.input - prices.cached_input) / 1_000_000
        seen.add(spec.name)
        return TurnBudget(
            member=member,
            role=role,
            input_tokens=input_tokens,
            reserve=reserve[member],
            context_window=spec.context_window,
            cost_usd_max=worst_case_cost(spec, input_tokens, reserve[member]),
            cache_discount_usd=max(0.0, discount),
            rate_limit=_rate_limit_text(
                limits.get(spec.provider, ()), input_tokens, reserve[member]
            ),
        )

    def answers(authors: list[Member]) -> list[int]:
        return [reserve[m.alias] for m in authors]

    def later(member: Member, template: str, read: list[int]) -> TurnBudget:
        """A member's follow-up: its own answer at its reserve, ``template``, then ``read``."""
        conversation = first_turn(plan, member).conversation
        follow = Conversation(
            conversation.system,
            conversation.package_text,
            (*conversation.turns, Turn("assistant", "x"), Turn("user", template)),
        )
        own = reserve[member.alias]
        return turn(member.alias, "member", follow, [own, *read])

    members = list(plan.members)
    steps: list[StepBudget] = []
    blind = tuple(turn(m.alias, "member", first_turn(plan, m).conversation, []) for m in members)
    chair = plan.chair

    def chair_step(number: int, phase: Phase, template: str, read: list[int]) -> StepBudget:
        assert chair is not None
        return StepBudget(
            number, phase, (turn(chair, "chair", chair_turn(plan, template).conversation, read),)
        )

    if plan.paradigm in (Paradigm.DEBATE, Paradigm.MEMORY):
        ledger = [reserve[chair]] if chair else []
        for number in range(1, plan.rounds + 1):
            if number == 1:
                steps.append(StepBudget(1, "answer", blind))
            elif plan.paradigm is Paradigm.DEBATE:
                template = prompts.DEBATE_ROUND.format(round=number, rounds=plan.rounds, answers="")
                steps.append(
                    StepBudget(
                        number,
                        "answer",
                        tuple(
                            later(m, template, answers([o for o in members if o is not m]))
                            for m in members
                        ),
                    )
                )
            else:
                template = prompts.MEMORY_ROUND.format(round=number, rounds=plan.rounds, ledger="")
                steps.append(
                    StepBudget(number, "answer", tuple(later(m, template, ledger) for m in members))
                )
            if plan.paradigm is Paradigm.MEMORY:
                template = prompts.LEDGER_UPDATE.format(
                    question=plan.question,
                    ledger="",
                    round=number,
                    answers="",
                    max_words=prompts.LEDGER_MAX_WORDS,
                )
                read = answers(members) + (ledger if number > 1 else [])
                steps.append(chair_step(number, "ledger", template, read))
        if plan.paradigm is Paradigm.DEBATE and chair is not None:
            template = prompts.DEBATE_CHAIR.format(
                question=plan.question,
                rounds=plan.rounds,
                answers="",
                consensus=prompts.CONSENSUS_MISSING,
            )
            steps.append(chair_step(plan.rounds, "synthesis", template, answers(members)))
    elif plan.paradigm is Paradigm.RELAY:
        for lap in range(1, plan.rounds + 1):
            turns = []
            for index, member in enumerate(members):
                if lap == 1 and index == 0:
                    turns.append(blind[0])
                    continue
                previous = members[index - 1]
                template = prompts.RELAY_NEXT.format(
                    question=plan.question, letter=previous.letter, answer=""
                )
                conversation = first_turn(plan, member, template).conversation
                turns.append(turn(member.alias, "member", conversation, [reserve[previous.alias]]))
            steps.append(StepBudget(lap, "relay", tuple(turns)))
    else:
        steps.append(StepBudget(1, "answer", blind))
        template = prompts.REPORT_REVIEW.format(answers="", example="")
        steps.append(
            StepBudget(
                2,
                "review",
                tuple(
                    later(m, template, answers([o for o in members if o is not m])) for m in members
                ),
            )
        )
        template = prompts.REPORT_CHAIR.format(
            question=plan.question, answers="", reviews="", ranking=""
        )
        steps.append(chair_step(2, "report", template, 2 * answers(members)))
    return DeliberationBudget(tuple(steps), cost_cap_usd)
