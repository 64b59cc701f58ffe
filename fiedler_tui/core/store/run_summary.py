"""A saved run's ``summary.json`` as typed values: what the app, the CLI and the MCP server read.

The store writes the summary (``summary.build_summary`` for a send, ``crosstalk.record`` for a
deliberation); :meth:`RunSummary.from_json` reads it back. Each model's entry is read into the
very :class:`~fiedler_tui.core.store.summary.ModelRecord` the writer fills, field by field
(``summary_fields``), so a field added there is read back here with nothing else to change.

``summary_version`` names the layout. Fields are only ever added (with defaults), which keeps
the version; a file without the key is version 1 (deliberations before it was written there).
A version newer than :data:`SUMMARY_VERSION`, a file that is not a JSON object, one without a
``status``, or a section that should be an object or a list of objects and is not, raises
:class:`SummaryError`. Unknown keys are ignored; missing ones, and values of another type than
a field's, read as the field's default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fiedler_tui.core.store.output_file import PARTIAL_SUFFIX
from fiedler_tui.core.store.summary import SUMMARY_VERSION, ModelRecord
from fiedler_tui.core.store.summary_fields import SummaryShapeError, read_dataclass


class SummaryError(ValueError):
    """The mapping is not a run summary this version can read; the message says why."""


@dataclass(frozen=True)
class ErrorSummary:
    """Why a model (or a deliberation's turn) failed."""

    code: str = "unknown"
    message: str = ""
    provider: str | None = None
    http_status: int | None = None
    retry_count: int = 0
    request_id: str | None = None

    @classmethod
    def from_json(cls, raw: object) -> ErrorSummary | None:
        """A model record's ``error`` mapping; None when there is none."""
        if not isinstance(raw, Mapping):
            return None
        return read_dataclass(cls, raw, "error")


def model_error(model: ModelRecord) -> ErrorSummary | None:
    return ErrorSummary.from_json(model.error)


def model_record(raw: object) -> ModelRecord:
    """One model's entry read on its own (a follow-up turn's, say); :class:`SummaryError` when
    it is not an object."""
    try:
        return read_dataclass(ModelRecord, raw, "model")
    except SummaryShapeError as exc:
        raise SummaryError(f"malformed model record: {exc}") from None


@dataclass(frozen=True)
class PromptSummary:
    """The prompt as saved: its hash and length, and its text only when the user opted in."""

    sha256: str | None = None
    chars: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class PackageFileSummary:
    """One file of the package: its path, or only the path's hash when names were redacted."""

    path: str | None = None
    path_sha256: str | None = None
    bytes: int | None = None
    lines: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class SkippedSummary:
    """A path left out of the package (hashed, without the reason, when names are redacted)."""

    path: str | None = None
    path_sha256: str | None = None
    code: str = ""
    reason: str = ""


@dataclass(frozen=True)
class PackageSummary:
    files: int | None = None
    bytes: int | None = None
    lines: int | None = None
    sha256: str | None = None
    file_list: tuple[PackageFileSummary, ...] = ()
    paths_redacted: bool = False
    skipped: tuple[SkippedSummary, ...] = ()
    """A deliberation lists the paths left out here; a send, in :attr:`RunSummary.skipped`."""


@dataclass(frozen=True)
class MemberSummary:
    """A deliberation's member: its alias, its letter in anonymised prompts, its persona."""

    alias: str = ""
    letter: str | None = None
    persona: str | None = None


@dataclass(frozen=True)
class VerdictSummary:
    stance: str | None = None
    confidence: int | None = None


@dataclass(frozen=True)
class TurnSummary:
    """One member's (or the chair's) turn in one step of a deliberation."""

    member: str = ""
    letter: str | None = None
    role: str = "member"
    status: str = "unknown"
    output_file: str | None = None
    thinking_file: str | None = None
    """The turn's reasoning, saved beside its answer (None: it streamed none)."""
    usage_input: int | None = None
    usage_output: int | None = None
    usage_cached_input: int | None = None
    usage_cache_write: int | None = None
    usage_reasoning: int | None = None
    output_estimated: bool = False
    cost_usd: float | None = None
    error: ErrorSummary | None = None
    verdict: VerdictSummary | None = None
    ranking: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoundSummary:
    """One step of a deliberation: a round number, a phase (answer, review, report…), turns."""

    round: int = 0
    phase: str = ""
    turns: tuple[TurnSummary, ...] = ()


@dataclass(frozen=True)
class DroppedSummary:
    round: int = 0
    member: str = ""
    reason: str = ""
    code: str | None = None


@dataclass(frozen=True)
class ResultSummary:
    """How a deliberation ended and what it produced."""

    status: str = ""
    kind: str | None = None
    text: str | None = None
    reason: str | None = None
    consensus: bool | None = None
    rounds_run: int | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeliberationSummary:
    """The fields only a deliberation's summary (``kind: crosstalk``) has."""

    crosstalk_version: int | None = None
    paradigm: str | None = None
    rounds_planned: int | None = None
    members: tuple[MemberSummary, ...] = ()
    chair: str | None = None
    chair_is_member: bool = False
    max_completion_tokens: int | None = None
    package_text_sha256: str | None = None
    resumed_from: str | None = None
    budget: dict[str, Any] | None = None
    rounds: tuple[RoundSummary, ...] = ()
    dropped: tuple[DroppedSummary, ...] = ()
    result: ResultSummary | None = None
    worst_case_usd: float | None = None
    save_problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class FollowUpSummary:
    """A follow-up turn as the run's summary lists it (``turns``); the turn's own folder
    (``turns/<n>/``) holds its whole summary."""

    turn: int = 0
    folder: str | None = None
    status: str = "unknown"
    models: tuple[str, ...] = ()
    started_at: str | None = None
    question: PromptSummary = field(default_factory=PromptSummary)
    cost_usd: float | None = None


@dataclass(frozen=True)
class RunSummary:
    """A run's summary: its status, prompt, package, models and (for a deliberation) rounds."""

    status: str = "unknown"
    summary_version: int = 1
    kind: str = "send"
    run_id: str | None = None
    app_version: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    prompt: PromptSummary = field(default_factory=PromptSummary)
    system: PromptSummary | None = None
    """The system prompt sent, recorded as the prompt is (None: a run saved before it was)."""
    package: PackageSummary = field(default_factory=PackageSummary)
    skipped: tuple[SkippedSummary, ...] = ()
    models: tuple[ModelRecord, ...] = ()
    """Per model (for a deliberation: per member and chair, with totals of its turns)."""
    cost_usd: float | None = None
    outputs_saved: bool | None = None
    pid: int | None = None
    host: str | None = None
    deliberation: DeliberationSummary | None = None
    """Set for a deliberation (``kind: crosstalk``)."""
    turns: tuple[FollowUpSummary, ...] = ()
    """The follow-up turns (2, 3, ...) in order; empty for a run never followed up (and for
    runs saved before follow-ups existed)."""

    @classmethod
    def from_json(cls, raw: object) -> RunSummary:
        """Read a summary mapping (version 1 or this one); :class:`SummaryError` says why not."""
        if not isinstance(raw, Mapping):
            raise SummaryError("not a run summary: the file holds no JSON object")
        if not isinstance(raw.get("status"), str):
            raise SummaryError("not a run summary: it has no status")
        version = raw.get("summary_version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise SummaryError(f"not a run summary: summary_version is {version!r}")
        if version > SUMMARY_VERSION:
            raise SummaryError(
                f"summary version {version} was written by a newer fiedler "
                f"(this one reads up to {SUMMARY_VERSION})"
            )
        try:
            summary = read_dataclass(cls, raw)
            if summary.kind == "crosstalk":
                summary = replace(summary, deliberation=read_dataclass(DeliberationSummary, raw))
        except SummaryShapeError as exc:
            raise SummaryError(f"malformed run summary: {exc}") from None
        return summary

    @classmethod
    def empty(cls, status: str = "unknown") -> RunSummary:
        return cls(status=status)

    @property
    def is_deliberation(self) -> bool:
        return self.kind == "crosstalk"

    @property
    def aliases(self) -> list[str]:
        return [m.alias for m in self.models]

    def model(self, alias: str) -> ModelRecord | None:
        return next((m for m in self.models if m.alias == alias), None)

    @property
    def total_cost_usd(self) -> float | None:
        """The run's whole cost: its first turn's and every follow-up's (None: none known)."""
        found = [c for c in (self.cost_usd, *(t.cost_usd for t in self.turns)) if c is not None]
        return round(sum(found), 6) if found else None

    @property
    def all_skipped(self) -> tuple[SkippedSummary, ...]:
        """The paths left out, wherever the summary lists them."""
        return self.skipped or self.package.skipped


def saved_output(folder: Path | None, name: str | None) -> Path | None:
    """The output file ``name`` in a run's folder as it exists: the final file, else the
    ``.partial`` a crash left; None for a name that is not a plain file name of the folder."""
    if folder is None or not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    for candidate in (folder / name, folder / (name + PARTIAL_SUFFIX)):
        if candidate.is_file() and not candidate.is_symlink():
            return candidate
    return None
