"""The result of ``fiedler_crosstalk``: one typed shape, built from a deliberation's summary.

The result text (the chair's report or synthesis, the final ledger or relay answer) is inline up
to ``INLINE_CHARS`` characters; a longer one carries its beginning, a note and the resource
``fiedler://runs/{run_id}/result``. Every turn is listed by round with its member, status,
verdict and confidence, usage, cost and error.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from fiedler_tui.core.mcp_tools.inline_text import cut
from fiedler_tui.core.mcp_tools.results import (
    INLINE_CHARS,
    ModelError,
    RunResult,
    model_error_result,
    output_uri,
)
from fiedler_tui.core.store.run_summary import (
    DeliberationSummary,
    ResultSummary,
    RunSummary,
    TurnSummary,
)

RESULT_NAME = "result"
"""The resource name of a deliberation's result: ``fiedler://runs/{run_id}/result``."""


class TurnResult(BaseModel):
    member: str = Field(description="the member's (or the chair's) model alias")
    letter: str | None = Field(None, description="the member's anonymous letter; none for chair")
    role: str = Field(description="member or chair")
    status: str = Field(description="finished, failed or cancelled")
    verdict: str | None = Field(None, description="the stance given (debate and memory)")
    confidence: int | None = Field(None, description="0-100, when the answer gave one")
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None
    error: ModelError | None = None
    output_file: str | None = Field(None, description="where the turn's answer is saved")


class RoundResult(BaseModel):
    round: int
    phase: str = Field(description="answer, relay, review, ledger, synthesis or report")
    turns: list[TurnResult]


class DeliberationResult(BaseModel):
    run_id: str | None
    status: str = Field(description="complete, degraded, stopped, cancelled, or running")
    run_path: str | None = Field(None, description="the run's folder (none without disk)")
    paradigm: str | None = None
    chair: str | None = None
    result_kind: str | None = Field(
        None, description="consensus, no consensus, relay answer, report, ledger or none"
    )
    consensus: bool | None = None
    reason: str = Field("", description="why the deliberation is not complete")
    cost_usd: float | None = None
    worst_case_usd: float | None = None
    rounds: list[RoundResult]
    result: str = Field("", description=f"the result text, at most {INLINE_CHARS:,} characters")
    result_chars: int = 0
    truncated: bool = False
    resource: str | None = Field(None, description="read it for the whole result when truncated")
    note: str | None = None


class SavedRunResult(RunResult):
    """What ``fiedler_run`` returns: a run's result, with a deliberation's rounds and result."""

    total_cost_usd: float | None = Field(
        None,
        description="the run's whole cost: cost_usd (its first turn) plus every follow-up "
        "turn's (fiedler send --continue, or the app's follow-ups)",
    )
    turns: int = Field(1, description="turns of the run: 1, plus one per follow-up")

    deliberation: DeliberationResult | None = Field(
        None, description="for a deliberation (crosstalk): its rounds, verdicts and result"
    )


def _turn(turn: TurnSummary, run_path: Path | None) -> TurnResult:
    verdict = turn.verdict
    output_file = turn.output_file
    return TurnResult(
        member=turn.member,
        letter=turn.letter,
        role=turn.role,
        status=turn.status,
        verdict=verdict.stance if verdict is not None else None,
        confidence=verdict.confidence if verdict is not None else None,
        input_tokens=turn.usage_input,
        output_tokens=turn.usage_output,
        cost_usd=turn.cost_usd,
        error=model_error_result(turn.error, with_retries=False),
        output_file=str(run_path / output_file) if run_path and output_file else None,
    )


def deliberation_result(
    summary: RunSummary,
    run_id: str | None,
    run_path: Path | None,
    limit: int = INLINE_CHARS,
) -> DeliberationResult:
    """The typed result of a deliberation from its summary."""
    deliberation = summary.deliberation or DeliberationSummary()
    rounds = [
        RoundResult(
            round=step.round,
            phase=step.phase,
            turns=[_turn(t, run_path) for t in step.turns],
        )
        for step in deliberation.rounds
    ]
    outcome = deliberation.result or ResultSummary()
    text = outcome.text or ""
    result = DeliberationResult(
        run_id=run_id,
        status=summary.status,
        run_path=str(run_path) if run_path is not None else None,
        paradigm=deliberation.paradigm,
        chair=deliberation.chair,
        result_kind=outcome.kind,
        consensus=outcome.consensus,
        reason=outcome.reason or "",
        cost_usd=summary.cost_usd,
        worst_case_usd=deliberation.worst_case_usd,
        rounds=rounds,
        result=text[:limit],
        result_chars=len(text),
    )
    resource = (
        output_uri(run_id, RESULT_NAME) if run_id is not None and run_path is not None else None
    )
    result.truncated, result.resource, result.note = cut(len(text), limit, "result", resource)
    return result


def deliberation_text(result: DeliberationResult) -> str:
    """The same result as plain text, for clients that do not read structured content."""
    head = f"deliberation {result.run_id or '(not saved)'}: {result.status}"
    if result.reason:
        head += f" ({result.reason})"
    lines = [head]
    if result.run_path:
        lines.append(f"saved in {result.run_path}")
    if result.cost_usd is not None:
        worst = (
            "" if result.worst_case_usd is None else f" of worst case ${result.worst_case_usd:.4f}"
        )
        lines.append(f"cost ${result.cost_usd:.4f}{worst}")
    for r in result.rounds:
        lines.extend(["", f"## round {r.round} ({r.phase})"])
        for t in r.turns:
            who = t.member + (f" ({t.letter})" if t.letter else f" ({t.role})")
            line = f"- {who}: {t.status}"
            if t.verdict:
                line += f", verdict {t.verdict}"
                if t.confidence is not None:
                    line += f" (confidence {t.confidence})"
            if t.cost_usd is not None:
                line += f", ${t.cost_usd:.4f}"
            if t.error is not None:
                line += f"; error [{t.error.code}]: {t.error.message}"
            lines.append(line)
    if result.result:
        lines.extend(["", f"## result ({result.result_kind or 'none'})", "", result.result])
    if result.note:
        lines.extend(["", f"[{result.note}]"])
    return "\n".join(lines)
