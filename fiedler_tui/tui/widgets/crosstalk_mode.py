"""Compose's crosstalk mode: the deliberation's choices and its budget, judged in a worker.

In crosstalk mode the models selected in Compose are the members (2 to 5); the chair, when one
is chosen and not selected, is added to the preview so the dry run judges its key and window too.
Each fresh preview is followed by the deliberation's own budget (a thread worker: the plan is
built and every turn's worst case counted), shown in place of the per-model budget table: per
round the worst case, the total against the cap, and the refusals naming the round.

Nothing here imports the crosstalk engine before it is needed (the first frame does not wait).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Static

from fiedler_tui.tui.safe_text import plain

if TYPE_CHECKING:
    from fiedler_tui.core.budget import DryRunResult
    from fiedler_tui.core.config.schema import Config
    from fiedler_tui.core.crosstalk.budget import DeliberationBudget
    from fiedler_tui.core.crosstalk.plan import Plan
    from fiedler_tui.core.crosstalk.session import DeliberationChoices
    from fiedler_tui.core.settings import Settings

PARADIGMS = ("debate", "relay", "report", "memory")
MODES = ("fan-out", "crosstalk")


@dataclass
class CrosstalkSettings:
    """The mode and, for crosstalk, the choices the options form edits."""

    mode: str = "fan-out"
    paradigm: str = "debate"
    rounds: int | None = None
    """None: the paradigm's default."""
    chair: str | None = None
    personas: dict[str, str] = field(default_factory=dict)

    @property
    def crosstalk(self) -> bool:
        return self.mode == "crosstalk"

    def next_mode(self) -> str:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        return self.mode

    def with_chair(self, aliases: tuple[str, ...]) -> tuple[str, ...]:
        """The models a preview judges: the selected ones, plus a chair not among them."""
        if self.crosstalk and self.chair and self.chair not in aliases:
            return (*aliases, self.chair)
        return aliases

    def choices(self, members: Sequence[str]) -> DeliberationChoices:
        from fiedler_tui.core.crosstalk.session import DeliberationChoices

        return DeliberationChoices(
            members=tuple(members),
            paradigm=self.paradigm,
            rounds=self.rounds,
            chair=self.chair,
            personas=dict(self.personas),
        )

    def describe(self) -> str:
        rounds = "default rounds" if self.rounds is None else f"{self.rounds} round(s)"
        chair = f"chair {self.chair}" if self.chair else "no chair chosen"
        personas = f", {len(self.personas)} persona(s)" if self.personas else ""
        return f"{self.paradigm}, {rounds}, {chair}{personas}"


def parse_personas(text: str) -> dict[str, str]:
    """``alias=role, alias=file`` (commas or new lines); ValueError names a bad item."""
    personas: dict[str, str] = {}
    for item in text.replace("\n", ",").split(","):
        if not item.strip():
            continue
        alias, sep, value = item.partition("=")
        if not sep or not alias.strip() or not value.strip():
            raise ValueError(f"persona {item.strip()!r}: write ALIAS=ROLE or ALIAS=FILE")
        if alias.strip() in personas:
            raise ValueError(f"persona for {alias.strip()!r} is given twice")
        personas[alias.strip()] = value.strip()
    return personas


def budget_lines(plan: Plan, budget: DeliberationBudget) -> list[str]:
    """Per round the worst case (and what caching would save), then the total against the cap."""
    members = ", ".join(f"{m.letter}={m.alias}" for m in plan.members)
    chair = ""
    if plan.chair:
        chair = f" · chair {plan.chair}" + (" (also a member)" if plan.chair_is_member else "")
    lines = [f"{plan.paradigm.value}, {plan.rounds} round(s) · {members}{chair}"]
    for step in budget.steps:
        fullest = max(step.turns, key=lambda t: t.input_tokens / max(1, t.context_window))
        cached = f" (−${step.cache_discount_usd:.4f} if cached)" if step.cache_discount_usd else ""
        lines.append(
            f"round {step.round} {step.phase}: ≤ ${step.cost_usd_max:.4f}{cached} · fullest "
            f"{fullest.member} {fullest.input_tokens + fullest.reserve:,}/"
            f"{fullest.context_window:,}"
        )
    cap = budget.cost_cap_usd
    cap_text = f" of cap ${cap:g}" if cap is not None else " (no cap)"
    lines.append(f"total worst case ${budget.cost_usd_max:.4f}{cap_text}")
    return lines


@dataclass(frozen=True)
class Judgement:
    """The deliberation's budget for one preview: lines to show, reasons it may not start."""

    key: object
    lines: tuple[str, ...]
    problems: tuple[str, ...]
    cost_usd_max: float | None = None
    """The whole deliberation's worst case; None when it could not be planned."""


class DeliberationBudgetView(Static):
    """The deliberation's budget, in place of the per-model table while in crosstalk mode."""

    DEFAULT_CSS = """
    DeliberationBudgetView {
        display: none;
        height: auto;
        max-height: 10;
        padding: 0 1;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
    }
    DeliberationBudgetView.-on { display: block; }
    DeliberationBudgetView.-blocked { color: $error; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.judgement: Judgement | None = None
        self._wanted: object = None

    def on_mount(self) -> None:
        self.border_title = "Deliberation budget, worst case  (f8 fan-out)"

    def problems_for(self, key: object) -> list[str] | None:
        """Why the deliberation of ``key``'s preview cannot start; None while not judged."""
        judgement = self.judgement
        if judgement is None or judgement.key != key:
            return None
        return list(judgement.problems)

    def worst_case_for(self, key: object) -> float | None:
        """The deliberation's worst-case cost for ``key``'s preview; None while not judged."""
        judgement = self.judgement
        if judgement is None or judgement.key != key:
            return None
        return judgement.cost_usd_max

    def judge(
        self,
        key: object,
        *,
        config: Config,
        settings: Settings,
        result: DryRunResult,
        choices: DeliberationChoices,
    ) -> None:
        self._wanted = key
        self.update(plain("judging the deliberation's budget…"))
        self._judge(key, config, settings, result, choices)

    @work(thread=True, exclusive=True, group="deliberation-budget", exit_on_error=False)
    def _judge(
        self,
        key: object,
        config: Config,
        settings: Settings,
        result: DryRunResult,
        choices: DeliberationChoices,
    ) -> None:
        from fiedler_tui.core.crosstalk.session import DeliberationSession
        from fiedler_tui.core.errors import FiedlerError

        session = DeliberationSession(
            config=config,
            settings=settings,
            keys={},
            result=result,
            choices=choices,
            cost_cap_usd=settings.max_cost_usd,
        )
        worst: float | None = None
        try:
            budget = session.prepare()
        except FiedlerError as exc:
            lines: tuple[str, ...] = ()
            problems = tuple(exc.lines())
        else:
            lines = tuple(budget_lines(session.plan, budget))
            problems = tuple(session.refusals())
            worst = budget.cost_usd_max
        self.app.call_from_thread(self._judged, Judgement(key, lines, problems, worst))

    def _judged(self, judgement: Judgement) -> None:
        if judgement.key != self._wanted:
            return
        self.judgement = judgement
        text = list(judgement.lines)
        text.extend(judgement.problems)
        self.update(plain("\n".join(text)))
        self.set_class(bool(judgement.problems), "-blocked")
        screen: Any = self.screen
        refresh = getattr(screen, "deliberation_judged", None)
        if callable(refresh):
            refresh()
