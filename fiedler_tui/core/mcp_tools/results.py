"""The result of ``fiedler_send`` and ``fiedler_run``: one typed shape, built from a summary.

Answers are inline up to ``INLINE_CHARS`` characters per model (assistant hosts truncate large
tool results); a longer answer carries its first ``INLINE_CHARS`` characters, a note, and the
resource ``fiedler://runs/{run_id}/{model}`` that reads the whole text.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, Field

from fiedler_tui.core.mcp_tools.inline_text import cut
from fiedler_tui.core.store.run_summary import ErrorSummary, RunSummary, model_error
from fiedler_tui.core.store.summary import ModelRecord

INLINE_CHARS = 20_000
RESOURCE_PREFIX = "fiedler://runs/"


def output_uri(run_id: str, alias: str) -> str:
    return f"{RESOURCE_PREFIX}{run_id}/{alias}"


class ModelError(BaseModel):
    code: str = Field(description="error class, e.g. rate_limited, auth, timeout, server")
    message: str
    provider: str | None = None
    http_status: int | None = None
    retries: int = Field(0, description="retries made before giving up")


class ModelResult(BaseModel):
    model: str = Field(description="the model's name in models.yaml")
    provider: str
    model_id: str = Field(description="the id sent to the provider")
    status: str = Field(description="done, failed, cancelled, interrupted, or still running")
    error: ModelError | None = None
    retries: int = Field(0, description="retries made (429s, dropped connections...)")
    input_tokens: int | None = Field(None, description="input tokens the provider reported")
    estimated_input_tokens: int | None = Field(None, description="the dry run's estimate")
    count_method: str | None = Field(None, description="how the estimate was made")
    output_tokens: int | None = None
    reasoning_tokens: int | None = Field(
        None, description="the part of output_tokens spent thinking, where the provider says"
    )
    reasoning_effort: str | None = Field(None, description="the reasoning effort sent")
    thinking_budget: int | None = Field(None, description="the thinking budget sent (0: off)")
    thinking_file: str | None = Field(
        None, description="where the model's thinking (streamed apart from the answer) is saved"
    )
    cost_usd: float | None = Field(None, description="cost of the reported usage")
    ttft_s: float | None = Field(None, description="time to first token, seconds")
    total_s: float | None = Field(None, description="total time, seconds")
    output_file: str | None = Field(None, description="where the answer is saved")
    text: str = Field("", description=f"the answer, at most {INLINE_CHARS:,} characters")
    text_chars: int = Field(0, description="length of the whole answer in characters")
    truncated: bool = Field(False, description="text holds only the beginning of the answer")
    resource: str | None = Field(None, description="read it for the whole answer when truncated")
    note: str | None = None
    withheld: list[dict[str, str]] = Field(
        default_factory=list,
        description="files of the package this model did not see (a reduced package under the "
        "egress rules): path and the deciding rule",
    )


class RunResult(BaseModel):
    run_id: str | None
    status: str = Field(description="done, partial, failed, cancelled, interrupted, running")
    run_path: str | None = Field(None, description="the run's folder (none without disk)")
    cost_usd: float | None = None
    inline_chars: int = Field(INLINE_CHARS, description="answers longer than this are cut")
    models: list[ModelResult]


def model_error_result(error: ErrorSummary | None, with_retries: bool = True) -> ModelError | None:
    """A saved error as the result reports it (a deliberation's turn has no retry count)."""
    if error is None:
        return None
    return ModelError(
        code=error.code,
        message=error.message,
        provider=error.provider,
        http_status=error.http_status,
        retries=error.retry_count if with_retries else 0,
    )


def model_result(
    record: ModelRecord, run_id: str | None, run_path: Path | None, text: str, limit: int
) -> ModelResult:
    alias = record.alias
    output_file = record.output_file
    result = ModelResult(
        model=alias,
        provider=record.provider,
        model_id=record.model,
        status=record.status,
        error=model_error_result(model_error(record)),
        retries=len(record.retries),
        input_tokens=record.usage_input,
        estimated_input_tokens=record.estimate_input,
        count_method=record.count_method,
        output_tokens=record.usage_output,
        reasoning_tokens=record.usage_reasoning,
        reasoning_effort=record.reasoning_effort,
        thinking_budget=record.thinking_budget,
        thinking_file=(
            str(run_path / record.thinking_file) if run_path and record.thinking_file else None
        ),
        cost_usd=record.cost_usd,
        ttft_s=record.ttft_s,
        total_s=record.total_s,
        withheld=[dict(w) for w in record.withheld],
        output_file=str(run_path / output_file) if run_path and output_file else None,
        text=text[:limit],
        text_chars=len(text),
    )
    resource = output_uri(run_id, alias) if run_id is not None and run_path is not None else None
    result.truncated, result.resource, result.note = cut(len(text), limit, "answer", resource)
    return result


def run_result(
    summary: RunSummary,
    run_id: str | None,
    run_path: Path | None,
    texts: Mapping[str, str],
    limit: int = INLINE_CHARS,
) -> RunResult:
    """The typed result of a run from its summary and each model's text."""
    return RunResult(
        run_id=run_id,
        status=summary.status,
        run_path=str(run_path) if run_path is not None else None,
        cost_usd=summary.cost_usd,
        inline_chars=limit,
        models=[
            model_result(m, run_id, run_path, texts.get(m.alias, ""), limit) for m in summary.models
        ],
    )


def result_text(result: RunResult) -> str:
    """The same result as plain text, for clients that do not read structured content."""
    lines = [f"run {result.run_id or '(not saved)'}: {result.status}"]
    if result.run_path:
        lines.append(f"saved in {result.run_path}")
    for m in result.models:
        head = f"## {m.model} ({m.provider}): {m.status}"
        facts = []
        if m.total_s is not None:
            facts.append(f"{m.total_s:.1f}s")
        if m.output_tokens is not None:
            facts.append(f"{m.output_tokens:,} tokens out")
        if m.cost_usd is not None:
            facts.append(f"${m.cost_usd:.4f}")
        if facts:
            head += " (" + ", ".join(facts) + ")"
        lines.extend(["", head])
        if m.error is not None:
            lines.append(f"error [{m.error.code}]: {m.error.message}")
        if m.text:
            lines.extend(["", m.text])
        if m.note:
            lines.extend(["", f"[{m.note}]"])
    return "\n".join(lines)
