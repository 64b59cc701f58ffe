"""The runs folder: preflight, one private directory per run, history, interrupted runs, pruning.

With ``no_disk`` the same interface keeps everything in memory and writes nothing at all.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.runner.text_buffer import TextBuffer
from fiedler_tui.core.store.names import new_run_id, safe_file_stem
from fiedler_tui.core.store.output_file import PARTIAL_SUFFIX, OutputFile
from fiedler_tui.core.store.private_files import (
    atomic_write_json,
    make_private_dir,
    reserve_space,
)
from fiedler_tui.core.store.run_summary import RunSummary, SummaryError

SUMMARY_NAME = "summary.json"
THINKING_STEM = ".thinking"
"""A model's reasoning text is saved as ``<stem>.thinking.md`` beside its ``<stem>.md``."""
RESERVE_NAME = ".summary-reserve"
RESERVE_MIN_BYTES = 64 * 1024
"""Space set aside in each run folder so the last summary can be written on a full disk."""
MIN_FREE_BYTES = 50 * 1024 * 1024
STATUS_RUNNING = "running"
STATUS_INTERRUPTED = "interrupted"
TERMINAL_MODEL_STATUSES = frozenset({"done", "failed", "cancelled", STATUS_INTERRUPTED})
"""A model in any other status (queued, running, retrying, streaming…) had not ended."""
_NO_SPACE = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


class StoreError(FiedlerError):
    """The runs folder cannot be used; nothing was sent."""

    title = "Cannot save runs"
    exit_code = 2


class ModelOutput(Protocol):
    @property
    def file_name(self) -> str | None: ...

    def append(self, text: str) -> None: ...

    def close(self, text: str | None = None) -> Path | None: ...

    def on_disk(self) -> tuple[Path | None, int]: ...


class RunRecord(Protocol):
    """A run being written: its outputs and its summary (both raise ``OSError`` on failure)."""

    run_id: str
    path: Path | None

    def output(self, alias: str) -> ModelOutput: ...

    def thinking_output(self, alias: str) -> ModelOutput:
        """The model's reasoning text, beside its answer (after :meth:`output`)."""
        ...

    def write_summary(self, summary: Mapping[str, Any], *, last: bool = False) -> None:
        """Replace the summary; ``last`` for the run's final one (which may use set-aside space)."""


@dataclass
class MemoryOutput:
    """A model's output kept in memory (``FIEDLER_NO_DISK=1``), batched as the run's recorder
    holds it (not one string per delta)."""

    parts: TextBuffer = field(default_factory=TextBuffer)

    @property
    def file_name(self) -> str | None:
        return None

    def append(self, text: str) -> None:
        self.parts.append(text)

    def close(self, text: str | None = None) -> Path | None:
        return None

    def on_disk(self) -> tuple[Path | None, int]:
        return None, 0

    @property
    def text(self) -> str:
        return self.parts.text()


@dataclass
class MemoryRun:
    run_id: str
    identity: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    outputs: dict[str, MemoryOutput] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    thinking: dict[str, MemoryOutput] = field(default_factory=dict)

    def output(self, alias: str) -> MemoryOutput:
        return self.outputs.setdefault(alias, MemoryOutput())

    def thinking_output(self, alias: str) -> MemoryOutput:
        return self.thinking.setdefault(alias, MemoryOutput())

    def write_summary(self, summary: Mapping[str, Any], *, last: bool = False) -> None:
        self.summary = {**summary, **self.identity}


class DiskRun:
    """A run directory: ``<stem>.md`` per model and ``summary.json``.

    While the run goes on, a hidden file (:data:`RESERVE_NAME`) holds twice the summary's size
    (at least :data:`RESERVE_MIN_BYTES`); the last summary deletes it, and uses that space when
    the disk has filled meanwhile, so the run never stays ``running`` for want of a few KB.
    """

    def __init__(self, run_id: str, path: Path, identity: Mapping[str, Any]) -> None:
        self.run_id = run_id
        self.identity = dict(identity)
        """Run id, pid and host: part of every summary written (interrupted-run detection)."""
        self.path: Path | None = path
        self._dir = path
        self._taken: set[str] = {SUMMARY_NAME.lower(), RESERVE_NAME.lower()}
        self.file_names: dict[str, str] = {}
        self._reserved = 0

    def output(self, alias: str) -> OutputFile:
        return OutputFile(self._dir / self._name(alias))

    def thinking_output(self, alias: str) -> OutputFile:
        """``<stem>.thinking.md`` beside the model's ``<stem>.md``, written the same way."""
        stem = self._name(alias).removesuffix(".md")
        return OutputFile(self._dir / f"{stem}{THINKING_STEM}.md")

    def _name(self, alias: str) -> str:
        """The output file name of ``alias``, chosen once (its reasoning file shares the stem)."""
        name = self.file_names.get(alias)
        if name is None:
            # an alias ending in .thinking would take the name of another model's reasoning file
            thinking_like = alias.lower().endswith(THINKING_STEM)
            named = alias[: -len(THINKING_STEM)] + "_thinking" if thinking_like else alias
            name = self.file_names[alias] = f"{safe_file_stem(named, self._taken)}.md"
        return name

    @property
    def summary_path(self) -> Path:
        return self._dir / SUMMARY_NAME

    def write_summary(self, summary: Mapping[str, Any], *, last: bool = False) -> None:
        data = {**summary, **self.identity}
        try:
            size = self._write_summary(data, use_reserve=last)
        finally:
            if last:
                self._drop_reserve()
        if not last:
            self._keep_reserve(2 * size)
            return
        from fiedler_tui.core.scores.index import index_run_quietly  # the run ended

        index_run_quietly(self._dir)

    def _write_summary(self, data: Mapping[str, Any], *, use_reserve: bool) -> int:
        try:
            return atomic_write_json(self.summary_path, data)
        except OSError as exc:
            if not (use_reserve and exc.errno in _NO_SPACE and self._drop_reserve()):
                raise
        return atomic_write_json(self.summary_path, data)  # in the space set aside

    def _keep_reserve(self, size: int) -> None:
        wanted = max(RESERVE_MIN_BYTES, size)
        if wanted > self._reserved and reserve_space(self._dir / RESERVE_NAME, wanted):
            self._reserved = wanted

    def _drop_reserve(self) -> bool:
        """Delete the set-aside space; True when there was some."""
        self._reserved = 0
        try:
            (self._dir / RESERVE_NAME).unlink()
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class RunInfo:
    """A saved run as history shows it: its summary as saved (``summary``, the mapping that
    ``fiedler runs show --json`` prints) and read (``run``); ``problem`` says why a summary
    could not be read (``run`` is then an empty one, ``status`` ``unreadable``)."""

    run_id: str
    path: Path
    summary: dict[str, Any]
    problem: str = ""
    _run: RunSummary | None = field(default=None, repr=False, compare=False)

    @property
    def run(self) -> RunSummary:
        """The typed summary (read from ``summary`` once, when not given)."""
        if self._run is None:
            try:
                parsed = RunSummary.from_json(self.summary)
            except SummaryError:
                parsed = RunSummary.empty("unreadable" if self.problem else "unknown")
            object.__setattr__(self, "_run", parsed)
            return parsed
        return self._run

    @property
    def status(self) -> str:
        if self.problem:
            return "unreadable"
        return self.run.status

    @property
    def partial_files(self) -> list[Path]:
        return sorted(self.path.glob(f"*{PARTIAL_SUFFIX}"))


def process_alive(pid: int, host: str) -> bool:
    """Whether the fiedler process that wrote a summary still runs (on this host)."""
    if host != socket.gethostname():
        return True  # cannot tell for another machine; never call its run interrupted
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        return b"fiedler" in cmdline.read_bytes()
    except OSError:
        return True


class RunStore:
    """Creates and lists runs under ``root``; with ``no_disk`` writes nothing."""

    def __init__(self, root: Path, *, no_disk: bool = False) -> None:
        self.root = root
        self.no_disk = no_disk

    def preflight(self) -> None:
        """Refuse, before any request, when runs cannot be saved."""
        if self.no_disk:
            return
        try:
            make_private_dir(self.root)
        except OSError as exc:
            raise StoreError(
                f"cannot create the runs folder {self.root}: {exc.strerror or exc}; set "
                "FIEDLER_OUTPUT_DIR to a writable folder (or FIEDLER_NO_DISK=1 to save nothing)"
            ) from None
        try:
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".preflight-"):
                pass
        except OSError as exc:
            raise StoreError(
                f"the runs folder {self.root} is not writable: {exc.strerror or exc}; set "
                "FIEDLER_OUTPUT_DIR to a writable folder (or FIEDLER_NO_DISK=1 to save nothing)"
            ) from None
        free = shutil.disk_usage(self.root).free
        if free < MIN_FREE_BYTES:
            raise StoreError(
                f"only {free // 1024 // 1024} MB free under {self.root} (need "
                f"{MIN_FREE_BYTES // 1024 // 1024} MB); free space or set FIEDLER_OUTPUT_DIR"
            )

    def start_run(self, summary: Mapping[str, Any], now: datetime | None = None) -> RunRecord:
        """Create the run (directory and ``running`` summary) and return it."""
        now = now or datetime.now(UTC)
        run_id = new_run_id(now)
        identity = {"run_id": run_id, "pid": os.getpid(), "host": socket.gethostname()}
        run: RunRecord
        if self.no_disk:
            run = MemoryRun(run_id, identity)
        else:
            try:
                run = DiskRun(run_id, make_private_dir(self.root / run_id), identity)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the run folder under {self.root}: {exc.strerror or exc}"
                ) from None
        try:
            run.write_summary({"status": STATUS_RUNNING, **summary})
        except OSError as exc:
            if run.path is not None:
                with contextlib.suppress(OSError):
                    run.path.rmdir()  # nothing was sent: no folder left behind
            raise StoreError(
                f"cannot write the summary of run {run_id} under {self.root}: "
                f"{exc.strerror or exc}; free space or set FIEDLER_OUTPUT_DIR"
            ) from None
        return run

    def _run_dirs(self) -> Iterator[Path]:
        if self.no_disk or not self.root.is_dir():
            return
        for child in sorted(self.root.iterdir(), reverse=True):
            if child.is_dir() and not child.is_symlink():
                yield child

    def load(self, path: Path) -> RunInfo:
        """Read a run; a ``running`` run whose process is gone is marked ``interrupted``, and so
        is each of its models that had not ended (queued, running, retrying, streaming…)."""
        try:
            summary = json.loads((path / SUMMARY_NAME).read_text("utf-8"))
            if not isinstance(summary, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            return RunInfo(path.name, path, {}, problem=f"unreadable summary: {exc}")
        try:
            run = RunSummary.from_json(summary)
        except SummaryError as exc:
            return RunInfo(path.name, path, {}, problem=str(exc))
        info = RunInfo(path.name, path, summary, _run=run)
        pid = summary.get("pid")
        owner_alive = (
            isinstance(pid, int)
            and not isinstance(pid, bool)
            and pid > 0
            and process_alive(pid, str(summary.get("host", "")))
        )
        if summary.get("status") == STATUS_RUNNING and not owner_alive:
            summary = {**summary, "status": STATUS_INTERRUPTED}
            models = summary.get("models")
            for model in models if isinstance(models, list) else []:
                if not isinstance(model, dict):
                    continue
                status = model.get("status")
                if not (isinstance(status, str) and status in TERMINAL_MODEL_STATUSES):
                    model["status"] = STATUS_INTERRUPTED
            with contextlib.suppress(OSError):
                atomic_write_json(path / SUMMARY_NAME, summary)
            with contextlib.suppress(OSError):
                (path / RESERVE_NAME).unlink()
            info = RunInfo(path.name, path, summary)
        return info

    def list_runs(self) -> list[RunInfo]:
        """Every run, newest first."""
        return [self.load(path) for path in self._run_dirs()]

    def find(self, run_id: str) -> RunInfo:
        """The run called ``run_id``: only a real folder directly under the root (no links)."""
        runs = {p.name: p for p in self._run_dirs()}
        path = runs.get(run_id)
        if path is None or not (path / SUMMARY_NAME).is_file():
            known = list(runs)[:5]
            hint = f" (newest: {', '.join(known)})" if known else ""
            raise StoreError(f"no run {run_id!r} under {self.root}{hint}")
        return self.load(path)

    def prune(self, retention_days: int, keep: set[str] | None = None) -> list[str]:
        """Delete runs whose start is older than ``retention_days``; never one in ``keep``."""
        keep = keep or set()
        cutoff = time.time() - timedelta(days=retention_days).total_seconds()
        removed: list[str] = []
        for path in self._run_dirs():
            if path.name in keep:
                continue
            info = self.load(path)
            if info.status == STATUS_RUNNING:
                continue
            started = _started_at(info)
            if started is not None and started < cutoff:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        return removed


def _started_at(info: RunInfo) -> float | None:
    raw = info.run.started_at
    if raw is not None:
        try:
            return datetime.fromisoformat(raw).timestamp()
        except ValueError:
            pass
    try:
        return (info.path / SUMMARY_NAME).stat().st_mtime
    except OSError:
        return None
