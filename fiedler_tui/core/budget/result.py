"""The dry run's result: files, skips, package, per-model budgets, cost, secrets, blockers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fiedler_tui.core.budget.blockers import NO_MODEL, Blocker, BlockerKind, key_blockers
from fiedler_tui.core.budget.errors import SendBlockedError
from fiedler_tui.core.budget.model_budget import ModelBudget
from fiedler_tui.core.config.reasoning import ReasoningChoice
from fiedler_tui.core.egress.decisions import Withheld
from fiedler_tui.core.files.selection import Selection
from fiedler_tui.core.files.skips import SkippedPath
from fiedler_tui.core.package.preview import Preview
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.secrets.policy import SecretPolicy
from fiedler_tui.core.secrets.scan import SecretFinding
from fiedler_tui.core.tokens.encodings import EncodingStatus


@dataclass(frozen=True)
class FileReport:
    """One file of the package with its token counts and findings."""

    path: str
    bytes: int
    lines: int
    sha256: str
    tokens: Mapping[str, int]
    """This file's block (header, content, footer) in each encoding the chosen models use."""
    secrets: tuple[SecretFinding, ...] = ()
    masked: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "bytes": self.bytes,
            "lines": self.lines,
            "sha256": self.sha256,
            "tokens": dict(self.tokens),
            "secrets": [f.to_json() for f in self.secrets],
            "masked": self.masked,
        }


@dataclass(frozen=True)
class EncodingReport:
    status: EncodingStatus
    exact: bool
    """False when counts in this encoding come from the characters/4 stand-in."""

    def to_json(self) -> dict[str, Any]:
        s = self.status
        return {
            "name": s.name,
            "available": s.available,
            "verified": s.verified,
            "source": s.source,
            "method": "tiktoken" if self.exact else "heuristic",
        }


@dataclass(frozen=True)
class DryRunResult:
    """Everything the dry run found; ``blockers`` empty means the package may be sent."""

    selection: Selection
    preview: Preview
    prompt: str
    system: str
    max_completion_tokens: int | None
    files: tuple[FileReport, ...]
    skipped: tuple[SkippedPath, ...]
    models: tuple[ModelBudget, ...]
    encodings: tuple[EncodingReport, ...]
    findings: tuple[SecretFinding, ...]
    secret_policy: SecretPolicy
    total_cost_usd_max: float
    cost_cap_usd: float | None
    blockers: tuple[Blocker, ...]
    """Every reason not to send, judged once (see ``core.budget.blockers``)."""
    notices: tuple[str, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    withheld: Mapping[str, tuple[Withheld, ...]] = field(default_factory=dict)
    """Model name -> the files of the package its egress rules forbid (models with some)."""
    packages: Mapping[str, Preview] = field(default_factory=dict)
    """Model name -> its own package without those files, for a model given a reduced one."""
    egress_rules: tuple[str, ...] = ()
    """The egress rules in effect, one line each (empty when they were not judged)."""
    reasoning: ReasoningChoice = field(default_factory=ReasoningChoice)
    """The send's reasoning effort and thinking budget overrides (see ``config.reasoning``)."""

    def request(self, temperature: float | None = None) -> ReviewRequest:
        """The request to send: this preview's exact package with the prompt and system."""
        return self.preview.request(
            self.prompt,
            self.system,
            self.max_completion_tokens,
            temperature,
            reasoning=self.reasoning,
        )

    def preview_for(self, alias: str) -> Preview:
        """The package ``alias`` receives: its reduced one, else the whole preview."""
        return self.packages.get(alias, self.preview)

    def requests(
        self, aliases: Sequence[str], temperature: float | None = None
    ) -> ReviewRequest | dict[str, ReviewRequest]:
        """The one request every model of ``aliases`` receives, or each model's own when some
        get a reduced package."""
        if not any(alias in self.packages for alias in aliases):
            return self.request(temperature)
        return {
            alias: self.preview_for(alias).request(
                self.prompt,
                self.system,
                self.max_completion_tokens,
                temperature,
                reasoning=self.reasoning,
            )
            for alias in aliases
        }

    @property
    def sendable(self) -> bool:
        return not self.blockers

    @property
    def fitting_models(self) -> tuple[ModelBudget, ...]:
        return tuple(m for m in self.models if m.fits)

    def send_blockers(
        self, aliases: Sequence[str] | None = None, key_status: Mapping[str, str] | None = None
    ) -> tuple[Blocker, ...]:
        """The dry run's blockers for a send to ``aliases`` (default: every model of the dry
        run) with the keys a sender holds (``key_status``, see ``blockers.key_status_of``): the
        same judgement, plus any missing key the dry run was not asked to judge."""
        found = list(self.blockers)
        budgets = {b.alias: b for b in self.models}
        chosen = list(self.models)
        if aliases is not None:
            if not aliases and NO_MODEL not in found:
                found.insert(0, NO_MODEL)
            found.extend(
                Blocker(
                    BlockerKind.NOT_PREVIEWED,
                    f"{alias}: not in the dry run; preview again with this model",
                )
                for alias in aliases
                if alias not in budgets
            )
            chosen = [budgets[a] for a in aliases if a in budgets]
        if key_status is not None:
            pairs = [(b.alias, b.provider) for b in chosen]
            found.extend(b for b in key_blockers(pairs, key_status) if b not in found)
        return tuple(found)

    def raise_for_blockers(
        self, aliases: Sequence[str] | None = None, key_status: Mapping[str, str] | None = None
    ) -> None:
        """SendBlockedError (exit 3) listing every blocker of :meth:`send_blockers`."""
        found = self.send_blockers(aliases, key_status)
        if found:
            raise SendBlockedError(found)

    def to_json(self) -> dict[str, Any]:
        limits = self.selection.limits
        crossing = self.selection.crossing
        return {
            "files": [f.to_json() for f in self.files],
            "skipped": [s.to_json() for s in self.skipped],
            "package": {
                "files": len(self.preview.files),
                "bytes": self.preview.bytes,
                "file_bytes": sum(f.size for f in self.preview.files),
                "lines": self.preview.lines,
                "sha256": self.preview.sha256,
            },
            "models": [m.to_json() for m in self.models],
            "limits": {
                "max_package_bytes": limits.max_package_bytes,
                "max_file_bytes": limits.max_file_bytes,
                "max_file_count": limits.max_file_count,
                "max_lines": limits.max_lines,
                "max_cost_usd": self.cost_cap_usd,
                "crossed": None
                if crossing is None
                else {
                    "variable": crossing.variable,
                    "limit": crossing.limit,
                    "reached": crossing.reached,
                    "unit": crossing.unit,
                    "path": crossing.path,
                    "unscanned": self.selection.unscanned,
                },
            },
            "cost": {
                "total_usd_max": round(self.total_cost_usd_max, 6),
                "cap_usd": self.cost_cap_usd,
            },
            "secrets": {
                "policy": str(self.secret_policy),
                "count": len(self.findings),
                "findings": [{"path": f.path, **f.to_json()} for f in self.findings],
            },
            "encodings": [e.to_json() for e in self.encodings],
            "sendable": self.sendable,
            "blockers": [b.message for b in self.blockers],
            "blocker_details": [b.to_json() for b in self.blockers],
            "notices": list(self.notices),
            "egress": self._egress_json(),
        }

    def _egress_json(self) -> dict[str, Any]:
        """The rules in effect and, per model refused files, what it gets."""
        models: dict[str, Any] = {}
        for name, withheld in self.withheld.items():
            package = self.packages.get(name)
            models[name] = {
                "action": "refused" if package is None else "reduced",
                "withheld": [w.to_json() for w in withheld],
                "package": None
                if package is None
                else {
                    "files": len(package.files),
                    "bytes": package.bytes,
                    "lines": package.lines,
                    "sha256": package.sha256,
                },
            }
        return {"rules": list(self.egress_rules), "models": models}
