"""What a deliberation will do: paradigm, members with letters and system prompts, chair, rounds.

Built once from the user's choices and checked before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from fiedler_tui.core.config.reasoning import ReasoningChoice
from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.crosstalk.errors import CrosstalkInputError
from fiedler_tui.core.crosstalk.personas import persona_system
from fiedler_tui.core.crosstalk.prompts import CHAIR_SYSTEM, MEMBER_SYSTEM
from fiedler_tui.core.files.roots import AllowedRoots

MIN_MEMBERS = 2
MAX_MEMBERS = 5
MAX_ROUNDS = 10
LETTERS = "ABCDE"


class Paradigm(StrEnum):
    DEBATE = "debate"
    RELAY = "relay"
    REPORT = "report"
    MEMORY = "memory"


DEFAULT_ROUNDS: dict[Paradigm, int] = {
    Paradigm.DEBATE: 3,
    Paradigm.RELAY: 1,
    Paradigm.REPORT: 2,
    Paradigm.MEMORY: 3,
}
"""Debate and memory: member rounds; relay: laps; report: always 2 member rounds."""


@dataclass(frozen=True)
class Member:
    alias: str
    """The name the user chose (entry name or alias in models.yaml)."""
    letter: str
    """``A``..``E``: how the other models see this member's answers."""
    system: str
    persona: str | None = None
    """The role name or file path given, None for the default system prompt."""

    @property
    def label(self) -> str:
        return f"Reviewer {self.letter}"


@dataclass(frozen=True)
class Plan:
    paradigm: Paradigm
    question: str
    package_text: str
    members: tuple[Member, ...]
    rounds: int
    chair: str | None = None
    chair_system: str = CHAIR_SYSTEM
    max_completion_tokens: int | None = None
    reasoning: ReasoningChoice = field(default_factory=ReasoningChoice)
    """Every turn's reasoning effort and thinking budget overrides (``config.reasoning``)."""

    @property
    def chair_is_member(self) -> bool:
        """A chair that also answered may favour its own answer; front ends say so."""
        return self.chair is not None and any(m.alias == self.chair for m in self.members)

    def member(self, alias: str) -> Member:
        for member in self.members:
            if member.alias == alias:
                return member
        raise KeyError(f"{alias!r} is not a member of this deliberation")


def build_plan(
    config: Config,
    *,
    paradigm: Paradigm | str,
    members: Sequence[str],
    question: str,
    package_text: str,
    roots: AllowedRoots,
    rounds: int | None = None,
    chair: str | None = None,
    personas: Mapping[str, str] | None = None,
    max_completion_tokens: int | None = None,
) -> Plan:
    """Check the choices and build the plan; :class:`CrosstalkInputError` names what is wrong.

    Report and memory need a chair; when none is named the first member chairs (and the plan
    says it is a member).
    """
    try:
        kind = Paradigm(paradigm)
    except ValueError:
        options = ", ".join(p.value for p in Paradigm)
        raise CrosstalkInputError(f"unknown paradigm {paradigm!r}; choose {options}") from None
    if not question.strip():
        raise CrosstalkInputError("the question is empty")
    if not MIN_MEMBERS <= len(members) <= MAX_MEMBERS:
        raise CrosstalkInputError(
            f"a deliberation needs {MIN_MEMBERS} to {MAX_MEMBERS} members, got {len(members)}"
        )
    specs: dict[str, ModelSpec] = {}
    for alias in members:
        spec = _resolve(config, alias)
        for other, seen in specs.items():
            if seen.name == spec.name:
                raise CrosstalkInputError(
                    f"{alias!r} and {other!r} are the same model; members must be distinct"
                )
        specs[alias] = spec
    if chair is not None and kind is Paradigm.RELAY:
        raise CrosstalkInputError("relay has no chair: its last answer is the result")
    if chair is not None:
        chair_spec = _resolve(config, chair)
        chair = next((a for a, s in specs.items() if s.name == chair_spec.name), chair)
    elif kind in (Paradigm.REPORT, Paradigm.MEMORY):
        chair = members[0]
    count = DEFAULT_ROUNDS[kind] if rounds is None else rounds
    if kind is Paradigm.REPORT and count != 2:
        raise CrosstalkInputError("report always runs 2 rounds (answers, then reviews)")
    if not 1 <= count <= MAX_ROUNDS:
        raise CrosstalkInputError(f"rounds must be 1 to {MAX_ROUNDS}, got {count}")
    given = dict(personas or {})
    for alias in given:
        if alias not in specs and not any(alias in spec.all_names for spec in specs.values()):
            raise CrosstalkInputError(f"persona for {alias!r}, which is not a member")
    built: list[Member] = []
    for index, (alias, spec) in enumerate(specs.items()):
        value = given.get(alias) or next(
            (given[name] for name in spec.all_names if name in given), None
        )
        system = MEMBER_SYSTEM if value is None else persona_system(value, roots)
        built.append(Member(alias, LETTERS[index], system, value))
    return Plan(
        paradigm=kind,
        question=question,
        package_text=package_text,
        members=tuple(built),
        rounds=count,
        chair=chair,
        max_completion_tokens=max_completion_tokens,
    )


def _resolve(config: Config, alias: str) -> ModelSpec:
    try:
        return config.resolve(alias)
    except KeyError as exc:
        raise CrosstalkInputError(str(exc.args[0])) from None
