"""A batch job's state file: what was planned, submitted and fetched, written before each step.

One owner-only JSON file per job in ``batches/`` of the state dir (0700), replaced atomically
(written to a temporary file, synced, renamed), so a kill at any moment leaves the last complete
state. It holds the units (file paths, sizes and sha256), the requests' custom ids, the
providers' file and batch ids and what was fetched; never a key, never package text, and the
prompt only as its sha256 and length unless ``FIEDLER_SAVE_PROMPT=1``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import signal
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.locations import user_state_dir
from fiedler_tui.core.store.private_files import atomic_write_bytes, make_private_dir

STATE_VERSION = 1
KILL_AT_VARIABLE = "FIEDLER_BATCH_KILL_AT"
"""Testing aid: the process kills itself (SIGKILL) at this checkpoint number (see README)."""
_JOB_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$")

# A request's status: pending (not sent), submitted (in a provider's batch), done, failed,
# expired, cancelled. A part's step: planned, uploading, creating, submitted, ended.
REQUEST_ENDED = frozenset({"done", "failed", "expired", "cancelled"})


class BatchStateError(FiedlerError):
    """A job's state cannot be read or written (exit 2)."""

    title = "Batch job"
    exit_code = 2


REDACTED_PREFIX = "sha256:"


def stored_path(path: str, redact: bool) -> str:
    """A path as the job keeps it: itself, or ``sha256:<hex>`` with
    ``FIEDLER_REDACT_FILENAMES=1``."""
    if not redact:
        return path
    return REDACTED_PREFIX + hashlib.sha256(path.encode("utf-8")).hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class UnitFile:
    path: str
    bytes: int
    lines: int
    sha256: str


@dataclass
class UnitEntry:
    index: int
    name: str
    run_id: str
    """The run folder its answers are saved in (``<job id>-u<index>``)."""
    files: list[UnitFile] = field(default_factory=list)
    package_sha256: str = ""
    package_bytes: int = 0
    package_lines: int = 0


@dataclass
class ModelEntry:
    alias: str
    provider: str
    kind: str
    wire_id: str
    mode: str
    """``batch`` (the provider's batch engine) or ``live`` (ordinary requests)."""
    discount: float


@dataclass
class RequestEntry:
    custom_id: str
    unit: int
    model: str
    part: str | None = None
    status: str = "pending"
    saved: bool = False
    """True once its answer (or its error) is in the unit's run folder."""
    finish_reason: str | None = None
    usage_input: int | None = None
    usage_output: int | None = None
    usage_cached_input: int | None = None
    cost_usd: float | None = None
    error: dict[str, Any] | None = None
    output_file: str | None = None
    estimate_input: int | None = None
    cost_usd_max: float | None = None


@dataclass
class PartEntry:
    part_id: str
    provider: str
    kind: str
    model: str
    custom_ids: list[str]
    step: str = "planned"
    intent_at: str | None = None
    """When the create call was about to be made (found again by this after a kill)."""
    input_file_id: str | None = None
    batch_id: str | None = None
    provider_status: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    expires_at: str | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    results_url: str | None = None
    fetched: bool = False
    cleaned: bool = False
    """True once what the provider keeps of it (input, results) was deleted after the fetch."""
    request_bytes: int = 0


@dataclass
class JobState:
    job_id: str
    created_at: str
    per: str
    prompt_sha256: str
    prompt_chars: int
    system_sha256: str
    output_dir: str
    units: list[UnitEntry]
    models: list[ModelEntry]
    parts: list[PartEntry]
    requests: dict[str, RequestEntry]
    prompt: str | None = None
    status: str = "submitting"
    """``submitting`` until every part is with its provider or done, then ``submitted``;
    ``ended`` once every request has ended and been saved; ``cancelled`` after a cancel."""
    updated_at: str = ""
    cost_usd_max: float = 0.0
    """The worst case at batch prices (live prices for the parts run live)."""
    cost_usd_max_live: float = 0.0
    """The same set's worst case sent live."""
    version: int = STATE_VERSION

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: Any) -> JobState:
        if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
            raise ValueError("not a batch job state of this version")
        data = {f.name: raw[f.name] for f in fields(cls) if f.name in raw}
        data["units"] = [
            UnitEntry(**{**u, "files": [UnitFile(**f) for f in u["files"]]}) for u in raw["units"]
        ]
        data["models"] = [ModelEntry(**m) for m in raw["models"]]
        data["parts"] = [PartEntry(**p) for p in raw["parts"]]
        data["requests"] = {k: RequestEntry(**r) for k, r in raw["requests"].items()}
        return cls(**data)

    def requests_of(self, unit: int) -> list[RequestEntry]:
        return [r for r in self.requests.values() if r.unit == unit]

    def part(self, part_id: str) -> PartEntry:
        return next(p for p in self.parts if p.part_id == part_id)

    def counts(self) -> dict[str, int]:
        """Requests per status."""
        found: dict[str, int] = {}
        for request in self.requests.values():
            found[request.status] = found.get(request.status, 0) + 1
        return found


class Checkpoints:
    """Counts the steps of a job in this process; with ``FIEDLER_BATCH_KILL_AT=N`` the process
    kills itself at step N, as a crash or ``kill -9`` would (tests prove resuming from each)."""

    def __init__(self) -> None:
        raw = os.environ.get(KILL_AT_VARIABLE, "")
        self.kill_at = int(raw) if raw.isdigit() else None
        self.count = 0

    def reached(self) -> None:
        self.count += 1
        if self.kill_at is not None and self.count == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


class BatchStore:
    """The state files of batch jobs (``<state dir>/batches/<job id>.json``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else user_state_dir() / "batches"
        self.checkpoints = Checkpoints()

    def path(self, job_id: str) -> Path:
        if not _JOB_ID.match(job_id):
            raise BatchStateError(f"{job_id!r} is not a batch job id (see `fiedler batch list`)")
        return self.root / f"{job_id}.json"

    def save(self, job: JobState) -> None:
        """Replace the job's state atomically, then count a checkpoint."""
        job.updated_at = now_iso()
        try:
            make_private_dir(self.root)
            payload = json.dumps(job.to_json(), ensure_ascii=False, separators=(",", ":"))
            atomic_write_bytes(self.path(job.job_id), payload.encode())
        except OSError as exc:
            raise BatchStateError(
                f"cannot write the state of batch job {job.job_id} under {self.root}: "
                f"{exc.strerror or exc}"
            ) from None
        self.checkpoints.reached()

    @contextlib.contextmanager
    def lock(self, job_id: str) -> Iterator[None]:
        """Hold the job for this process (an exclusive lock on ``<job id>.lock``, released when
        the process ends, however it ends); BatchStateError when another process holds it."""
        make_private_dir(self.root)
        path = self.path(job_id).with_suffix(".lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise BatchStateError(
                    f"batch job {job_id} is being submitted, fetched or cancelled by another "
                    "process; try again when it has finished"
                ) from None
            yield
        finally:
            os.close(fd)

    def load(self, job_id: str) -> JobState:
        path = self.path(job_id)
        try:
            raw = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            known = [j.job_id for j in self.list()][:5]
            hint = f" (newest: {', '.join(known)})" if known else ""
            raise BatchStateError(f"no batch job {job_id!r} under {self.root}{hint}") from None
        except (OSError, ValueError) as exc:
            raise BatchStateError(f"cannot read batch job {job_id}: {exc}") from None
        try:
            return JobState.from_json(raw)
        except (KeyError, TypeError, ValueError) as exc:
            raise BatchStateError(f"batch job {job_id}: malformed state ({exc})") from None

    def list(self) -> list[JobState]:
        """Every readable job, newest first."""
        if not self.root.is_dir():
            return []
        jobs: list[JobState] = []
        for path in sorted(self.root.glob("*.json"), reverse=True):
            try:
                jobs.append(JobState.from_json(json.loads(path.read_text("utf-8"))))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return jobs
