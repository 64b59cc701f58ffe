"""A unit's answers in the runs folder: one run folder per unit, named ``<job id>-u<index>``,
with one output file per model and a ``summary.json`` that ``fiedler runs``, History and Review
read as any run's (``kind: batch``; the job and unit under ``batch``).

Every file is written whole and atomically, owner-only, from the job's state and the answer's
text; writing one again gives the same file, so a fetch cut short is simply repeated.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from fiedler_tui import __version__
from fiedler_tui.core.batch.results import RequestOutcome
from fiedler_tui.core.batch.state import (
    REDACTED_PREFIX,
    JobState,
    RequestEntry,
    UnitEntry,
    UnitFile,
    now_iso,
)
from fiedler_tui.core.store.names import safe_file_stem
from fiedler_tui.core.store.private_files import (
    atomic_write_json,
    make_private_dir,
    open_private,
)
from fiedler_tui.core.store.run_store import SUMMARY_NAME

_STATUS = {"pending": "queued", "submitted": "queued"}


def _write_synced(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` atomically, owner-only, its content synced; the folder
    is synced by the unit's summary, always written next (one folder sync per unit, not one per
    file: fetch writes thousands)."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = open_private(temp)
    try:
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _file_record(file: UnitFile) -> dict[str, Any]:
    """A unit's file as a run summary lists it (only its path's hash when names are redacted)."""
    if file.path.startswith(REDACTED_PREFIX):
        where: dict[str, Any] = {"path_sha256": file.path.removeprefix(REDACTED_PREFIX)}
    else:
        where = {"path": file.path}
    return {**where, "bytes": file.bytes, "lines": file.lines, "sha256": file.sha256}


def unit_run_id(job_id: str, index: int) -> str:
    return f"{job_id}-u{index:05d}"


def output_names(job: JobState) -> dict[str, str]:
    """Model alias -> its output file name in every unit's folder."""
    taken: set[str] = set()
    return {m.alias: safe_file_stem(m.alias, taken) + ".md" for m in job.models}


class UnitWriter:
    """Writes answers and summaries of one job's units under ``output_dir``."""

    def __init__(self, job: JobState, *, save_prompt: bool = False) -> None:
        self.job = job
        self.root = Path(job.output_dir)
        self.names = output_names(job)
        self.save_prompt = save_prompt
        self._models = {m.alias: m for m in job.models}

    def folder(self, unit: UnitEntry) -> Path:
        return make_private_dir(self.root / unit.run_id)

    def write_answer(self, unit: UnitEntry, entry: RequestEntry, outcome: RequestOutcome) -> None:
        """The answer's text in the unit's folder (nothing for a request that gave none)."""
        if outcome.status != "done":
            return
        name = self.names[entry.model]
        _write_synced(self.folder(unit) / name, outcome.text.encode("utf-8"))
        entry.output_file = name

    def write_summary(self, unit: UnitEntry) -> None:
        requests = sorted(self.job.requests_of(unit.index), key=lambda r: r.custom_id)
        redacted = unit.name.startswith(REDACTED_PREFIX)
        statuses = {r.status for r in requests}
        if statuses <= {"done"}:
            status = "done"
        elif statuses & {"pending", "submitted"}:
            status = "pending"
        else:
            status = "failed"
        summary: dict[str, Any] = {
            "status": status,
            "summary_version": 1,
            "kind": "batch",
            "run_id": unit.run_id,
            "app_version": __version__,
            "started_at": self.job.created_at,
            "ended_at": now_iso() if status != "pending" else None,
            "prompt": {
                "sha256": self.job.prompt_sha256,
                "chars": self.job.prompt_chars,
                "text": self.job.prompt if self.save_prompt else None,
            },
            "package": {
                "files": len(unit.files),
                "bytes": unit.package_bytes,
                "lines": unit.package_lines,
                "sha256": unit.package_sha256,
                "file_list": [_file_record(f) for f in unit.files],
                "paths_redacted": redacted,
            },
            "models": [self._record(r) for r in requests],
            "cost_usd": round(sum(r.cost_usd or 0.0 for r in requests), 6),
            "outputs_saved": all(r.output_file for r in requests if r.status == "done"),
            "batch": {"job_id": self.job.job_id, "unit": unit.name, "unit_index": unit.index},
        }
        atomic_write_json(self.folder(unit) / SUMMARY_NAME, summary)

    def _record(self, request: RequestEntry) -> dict[str, Any]:
        model = self._models[request.model]
        return {
            "alias": model.alias,
            "provider": model.provider,
            "model": model.wire_id,
            "status": _STATUS.get(request.status, request.status),
            "error": request.error,
            "usage_input": request.usage_input,
            "usage_output": request.usage_output,
            "usage_cached_input": request.usage_cached_input,
            "estimate_input": request.estimate_input,
            "finish_reason": request.finish_reason,
            "cost_usd": request.cost_usd,
            "output_file": request.output_file,
            "saved": bool(request.output_file) if request.status == "done" else None,
        }
