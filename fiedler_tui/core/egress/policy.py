"""The rules of models.yaml ``egress:`` compiled once, and the verdict on one file.

The most specific matching rule decides: the one whose literal part (the path before its first
glob character, anchored at the root or at ``/``) is longest; at equal length a glob beats a
folder (it narrows that folder down). Rules equally specific decide together: a file goes only
where every one of them allows. A file no rule matches follows ``default``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from fiedler_tui.core.config.schema import Config, EgressSection, ModelSpec
from fiedler_tui.core.egress.patterns import Pattern, parse_pattern


@dataclass(frozen=True)
class Rule:
    """One rule of models.yaml, ready to match."""

    pattern: Pattern
    to: frozenset[str]
    """Provider names, model names or aliases; empty: nobody."""
    line: int | None
    source: str

    @property
    def label(self) -> str:
        """``models.yaml:12 ('~/clients/acme/' to local)``, naming the rule for a user."""
        where = os.path.basename(self.source) or "models.yaml"
        receivers = ", ".join(sorted(self.to)) if self.to else "nobody"
        return f"{where}:{self.line or '?'} ({self.pattern.text!r} to {receivers})"


@dataclass(frozen=True)
class FileVerdict:
    """Who may receive one file, and the rules (none: the default) that decided it."""

    rules: tuple[Rule, ...]
    allowed: frozenset[str] | None
    """Names that may receive it; None: every provider and model."""
    default: str

    def allows(self, model: ModelSpec) -> bool:
        if self.allowed is None:
            return True
        return model.provider in self.allowed or any(n in self.allowed for n in model.all_names)

    @property
    def reason(self) -> str:
        """The deciding rule(s), or that the default decided."""
        if not self.rules:
            return f"no rule matches: the default ({self.default})"
        return " and ".join(f"rule {r.label}" for r in self.rules)


@dataclass
class EgressPolicy:
    """Compiled rules plus the allowed roots relative rules are matched in."""

    rules: tuple[Rule, ...]
    default: str
    roots: tuple[str, ...]
    _verdicts: dict[str, FileVerdict] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, config: Config, roots: Iterable[str]) -> EgressPolicy:
        """The policy of ``config`` with the resolved allowed ``roots``."""
        return cls.compile(config.egress, config.source, roots)

    @classmethod
    def compile(cls, section: EgressSection, source: str, roots: Iterable[str]) -> EgressPolicy:
        rules = tuple(
            Rule(parse_pattern(r.path), frozenset(r.to), r.line, source) for r in section.rules
        )
        resolved = tuple(str(r).replace(os.sep, "/").rstrip("/") or "/" for r in roots)
        return cls(rules, section.default, resolved)

    @property
    def active(self) -> bool:
        """False when every file may go everywhere (no rule, default allow)."""
        return bool(self.rules) or self.default != "allow"

    def describe(self) -> list[str]:
        """The rules in effect, one line each, then the default."""
        lines = [f"rule {r.label}" for r in self.rules]
        lines.append(f"default: {self.default} (a file no rule matches)")
        return lines

    def verdict(self, real: str) -> FileVerdict:
        """Who may receive the file at the resolved path ``real`` (remembered per path)."""
        known = self._verdicts.get(real)
        if known is None:
            known = self._decide(real.replace(os.sep, "/"))
            self._verdicts[real] = known
        return known

    def _decide(self, real: str) -> FileVerdict:
        best: tuple[int, int] = (-1, -1)
        winners: list[Rule] = []
        inside = self._inside_roots(real)
        for rule in self.rules:
            for anchor, path in (("", real),) if rule.pattern.absolute else inside:
                if not rule.pattern.matches(path):
                    continue
                key = (len(anchor) + len(rule.pattern.literal), int(rule.pattern.glob is not None))
                if key > best:
                    best, winners = key, [rule]
                elif key == best and rule not in winners:
                    winners.append(rule)
        if not winners:
            allowed = None if self.default == "allow" else frozenset[str]()
            return FileVerdict((), allowed, self.default)
        receivers = frozenset.intersection(*(r.to for r in winners))
        return FileVerdict(tuple(winners), receivers, self.default)

    def _inside_roots(self, real: str) -> Sequence[tuple[str, str]]:
        """(root + ``/``, path inside it) for every allowed root holding ``real``."""
        found: list[tuple[str, str]] = []
        for root in self.roots:
            prefix = root if root.endswith("/") else root + "/"
            if real.startswith(prefix):
                found.append((prefix, real[len(prefix) :]))
        return found
