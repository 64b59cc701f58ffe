"""A batch job's first state: its units, models and requests from the set's plan, and its
requests cut into parts (one provider batch each) at the providers' limits."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fiedler_tui.core.batch.engine import BatchEngine
from fiedler_tui.core.batch.outputs import unit_run_id
from fiedler_tui.core.batch.plan import BatchPlan
from fiedler_tui.core.batch.state import (
    JobState,
    ModelEntry,
    PartEntry,
    RequestEntry,
    UnitEntry,
    UnitFile,
    now_iso,
    stored_path,
)
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.names import new_run_id

Entries = dict[str, dict[str, Any]]
"""Custom id -> the request as its batch input carries it."""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_state(
    plan: BatchPlan, prompt: str, system: str, config: Config, settings: Settings
) -> JobState:
    """The job before anything is sent: no parts yet (see :func:`split_parts`)."""
    job_id = new_run_id(datetime.now(UTC))
    units: list[UnitEntry] = []
    redact = settings.redact_filenames
    for unit, result in plan.units:
        preview = result.preview
        units.append(
            UnitEntry(
                index=unit.index,
                name=stored_path(unit.name, redact),
                run_id=unit_run_id(job_id, unit.index),
                files=[
                    UnitFile(stored_path(f.path, redact), f.size, f.lines, f.sha256)
                    for f in preview.files
                ],
                package_sha256=preview.sha256,
                package_bytes=preview.bytes,
                package_lines=preview.lines,
            )
        )
    models = [
        ModelEntry(
            alias=m.alias,
            provider=m.provider,
            kind=m.kind,
            wire_id=config.resolve(m.alias).wire_id,
            mode=m.mode,
            discount=m.discount,
        )
        for m in plan.model_plans
    ]
    requests = {
        r.custom_id: RequestEntry(
            custom_id=r.custom_id,
            unit=r.unit,
            model=r.model,
            estimate_input=r.estimate_input,
            cost_usd_max=round(r.cost_usd_max, 6),
        )
        for r in plan.requests
    }
    return JobState(
        job_id=job_id,
        created_at=now_iso(),
        per=str(plan.per),
        prompt_sha256=_sha256(prompt),
        prompt_chars=len(prompt),
        prompt=prompt if settings.save_prompt else None,
        system_sha256=_sha256(system),
        output_dir=str(settings.output_dir),
        units=units,
        models=models,
        parts=[],
        requests=requests,
        cost_usd_max=round(plan.cost_usd_max, 6),
        cost_usd_max_live=round(plan.cost_usd_max_live, 6),
    )


def split_parts(
    job: JobState, entries: Entries, first: int, engine_of: Callable[[str], BatchEngine]
) -> list[PartEntry]:
    """One part per model, cut where the provider's request count or size would be passed
    (numbered from ``first``)."""
    parts: list[PartEntry] = []
    for model in job.models:
        if model.mode != "batch":
            continue
        engine = engine_of(model.kind)
        ids = sorted(c for c in entries if job.requests[c].model == model.alias)
        current: list[str] = []
        size = 0
        for cid in ids:
            grows = engine.entry_bytes(entries[cid])
            if current and (len(current) >= engine.max_requests or size + grows > engine.max_bytes):
                parts.append(_part(first + len(parts), model, current, size))
                current, size = [], 0
            current.append(cid)
            size += grows
        if current:
            parts.append(_part(first + len(parts), model, current, size))
    return parts


def _part(index: int, model: ModelEntry, ids: list[str], size: int) -> PartEntry:
    return PartEntry(
        part_id=f"p{index}",
        provider=model.provider,
        kind=model.kind,
        model=model.alias,
        custom_ids=list(ids),
        request_bytes=size,
    )
