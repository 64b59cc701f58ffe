"""A batch job's summary beside its units' run folders: ``<job id>.batch.json`` in the runs
folder, written (owner-only, atomically) after each fetch: per model the requests by status,
the usage reported and what it cost at the job's prices against the same usage sent live, and
each unit's run folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fiedler_tui.core.batch.state import JobState
from fiedler_tui.core.store.private_files import atomic_write_json, make_private_dir

SUFFIX = ".batch.json"


def summary_path(job: JobState) -> Path:
    return Path(job.output_dir) / f"{job.job_id}{SUFFIX}"


def model_totals(job: JobState) -> list[dict[str, Any]]:
    """Per model: requests by status, usage, cost paid and the live cost of that usage."""
    totals: list[dict[str, Any]] = []
    for model in job.models:
        requests = [r for r in job.requests.values() if r.model == model.alias]
        statuses: dict[str, int] = {}
        for request in requests:
            statuses[request.status] = statuses.get(request.status, 0) + 1
        paid = sum(r.cost_usd or 0.0 for r in requests)
        totals.append(
            {
                "model": model.alias,
                "provider": model.provider,
                "mode": model.mode,
                "requests": statuses,
                "usage_input": sum(r.usage_input or 0 for r in requests),
                "usage_output": sum(r.usage_output or 0 for r in requests),
                "cost_usd": round(paid, 6),
                "cost_usd_live": round(paid / model.discount, 6),
            }
        )
    return totals


def write_job_summary(job: JobState) -> Path:
    """Write the summary now; its path."""
    models = model_totals(job)
    summary = {
        "job_id": job.job_id,
        "status": job.status,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "per": job.per,
        "models": models,
        "cost_usd": round(sum(m["cost_usd"] for m in models), 6),
        "cost_usd_live": round(sum(m["cost_usd_live"] for m in models), 6),
        "cost_usd_max": job.cost_usd_max,
        "cost_usd_max_live": job.cost_usd_max_live,
        "units": [{"name": u.name, "run_id": u.run_id} for u in job.units],
    }
    path = summary_path(job)
    make_private_dir(path.parent)
    atomic_write_json(path, summary)
    return path
