"""What a run's ``summary.json`` holds, redacted by default.

The prompt (and the system prompt) is stored only as sha256 + length unless the user opts in
(``FIEDLER_SAVE_PROMPT=1``); file paths are hashed when ``FIEDLER_REDACT_FILENAMES=1``. No key
or header is ever part of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from fiedler_tui.core.config.prices import price_usage
from fiedler_tui.core.config.schema import ModelSpec

SUMMARY_VERSION = 1


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PackagedFile:
    """One file of the package as the summary lists it."""

    path: str
    bytes: int
    lines: int
    sha256: str


@dataclass(frozen=True)
class SkippedFact:
    """A path the dry run left out of the package, and why."""

    path: str
    code: str
    reason: str


@dataclass(frozen=True)
class PackageFacts:
    """The package sent: totals, its hash, the files in it and the paths left out."""

    files: Sequence[PackagedFile]
    bytes: int
    lines: int
    sha256: str
    skipped: Sequence[SkippedFact] = ()


@dataclass
class ModelRecord:
    """One model's part of a run, updated as its events arrive."""

    alias: str
    provider: str
    model: str
    status: str = "queued"
    error: dict[str, Any] | None = None
    retries: list[dict[str, Any]] = field(default_factory=list)
    usage_input: int | None = None
    """Every input token, cached ones included."""
    usage_output: int | None = None
    usage_cached_input: int | None = None
    """Input tokens read from the provider's prompt cache (part of ``usage_input``)."""
    usage_cache_write: int | None = None
    """Input tokens written to the prompt cache (part of ``usage_input``)."""
    usage_output_estimated: bool = False
    """True when ``usage_output`` is estimated from the text received (no final usage came)."""
    usage_reasoning: int | None = None
    """Output tokens spent thinking (part of ``usage_output``), where the provider reports
    them (OpenAI ``reasoning_tokens``, Gemini ``thoughtsTokenCount``; Anthropic counts thinking
    in ``usage_output`` without a figure of its own)."""
    reasoning_effort: str | None = None
    """The reasoning effort sent (None: none sent)."""
    thinking_budget: int | None = None
    """The thinking budget sent (None: none sent; 0: thinking turned off)."""
    thinking_file: str | None = None
    """``<stem>.thinking.md`` beside the answer, once reasoning text was streamed."""
    thinking_chars: int | None = None
    """Characters of reasoning text received (None: none streamed)."""
    estimate_input: int | None = None
    count_method: str | None = None
    finish_reason: str | None = None
    ttft_s: float | None = None
    total_s: float | None = None
    tokens_per_s: float | None = None
    cost_usd: float | None = None
    cost_parts: dict[str, float] | None = None
    """``cost_usd`` split into input, cached_input, cache_write, output and reasoning."""
    price_tier: int | None = None
    """The prompt-token threshold of the long-context price tier the usage was billed at
    (None: the model's base prices)."""
    output_file: str | None = None
    output_error: str | None = None
    """Why the output file could not be written (the text is kept in memory and on screen)."""
    saved: bool | None = None
    """True once the output file holds the whole text, False when a write failed; None while
    the model runs, and when nothing is written (``FIEDLER_NO_DISK=1``)."""
    bytes_saved: int | None = None
    """Bytes of the output on disk (``output_file``), once the model has ended."""
    bytes_total: int | None = None
    """The whole output in UTF-8 bytes, as received, once the model has ended."""
    withheld: list[dict[str, str]] = field(default_factory=list)
    """The files of the package this model did not see (a reduced package under the egress
    rules): ``path`` (hashed with ``FIEDLER_REDACT_FILENAMES=1``) and the deciding ``rule``."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def usage_cost(
    model: ModelSpec,
    tokens_in: int,
    tokens_out: int,
    *,
    cached_in: int = 0,
    cache_write: int = 0,
    reasoning: int = 0,
) -> float:
    """USD for reported usage at ``model``'s prices, in the tier ``tokens_in`` falls in.

    ``tokens_in`` counts every input token; the ``cached_in`` and ``cache_write`` parts of it
    are billed at their own prices (``price_in`` when a price is null). ``tokens_out`` counts
    every output token; its ``reasoning`` part is billed as output.
    """
    cost = price_usage(
        model,
        tokens_in,
        tokens_out,
        cached_in=cached_in,
        cache_write=cache_write,
        reasoning=reasoning,
    )
    return round(cost.total, 6)


def prompt_record(prompt: str, save_prompt: bool) -> dict[str, Any]:
    record: dict[str, Any] = {"sha256": sha256_text(prompt), "chars": len(prompt)}
    if save_prompt:
        record["text"] = prompt
    return record


def package_record(package: PackageFacts, redact_filenames: bool) -> dict[str, Any]:
    files = [
        {
            ("path_sha256" if redact_filenames else "path"): (
                sha256_text(f.path) if redact_filenames else f.path
            ),
            "bytes": f.bytes,
            "lines": f.lines,
            "sha256": f.sha256,
        }
        for f in package.files
    ]
    return {
        "files": len(package.files),
        "bytes": package.bytes,
        "lines": package.lines,
        "sha256": package.sha256,
        "file_list": files,
        "paths_redacted": redact_filenames,
    }


def skipped_record(skipped: Sequence[SkippedFact], redact_filenames: bool) -> list[dict[str, str]]:
    """Each path left out with its reason (hashed path and code only when names are redacted:
    a reason may quote a name)."""
    if redact_filenames:
        return [{"path_sha256": sha256_text(s.path), "code": s.code} for s in skipped]
    return [{"path": s.path, "code": s.code, "reason": s.reason} for s in skipped]


def build_summary(
    *,
    app_version: str,
    status: str,
    started_at: str,
    ended_at: str | None,
    prompt: str,
    package: PackageFacts,
    models: Sequence[ModelRecord],
    save_prompt: bool = False,
    redact_filenames: bool = False,
    system: str | None = None,
) -> dict[str, Any]:
    """The summary mapping (the store adds run id, pid and host); ``system``: the system prompt
    sent, recorded as the prompt is (a follow-up checks it and sends it again)."""
    costs = [m.cost_usd for m in models if m.cost_usd is not None]
    saved = [m.saved for m in models if m.saved is not None]
    return {
        "summary_version": SUMMARY_VERSION,
        "app_version": app_version,
        "status": status,
        "started_at": started_at,
        "ended_at": ended_at,
        "prompt": prompt_record(prompt, save_prompt),
        **({} if system is None else {"system": prompt_record(system, save_prompt)}),
        "package": package_record(package, redact_filenames),
        "skipped": skipped_record(package.skipped, redact_filenames),
        "models": [m.as_dict() for m in models],
        "cost_usd": round(sum(costs), 6) if costs else None,
        "outputs_saved": all(saved) if saved else None,
    }
