"""Reading an interrupted deliberation back: its plan's choices and the turns of its complete
steps, with their texts from the run folder, so ``Deliberation(history=...)`` can go on.

A step counts as complete when the summary holds it (it is written when the step ends) and
none of its turns was cancelled (a deliberation cancelled as a whole ends its last step with
cancelled turns: that step is run again). Steps after the first incomplete one are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fiedler_tui.core.crosstalk.errors import CrosstalkInputError
from fiedler_tui.core.crosstalk.events import TurnRecord
from fiedler_tui.core.crosstalk.record import CROSSTALK_VERSION
from fiedler_tui.core.crosstalk.verdict import Verdict
from fiedler_tui.core.providers.errors import ErrorCode, ErrorInfo
from fiedler_tui.core.runner import TokenCounts
from fiedler_tui.core.store.output_file import PARTIAL_SUFFIX
from fiedler_tui.core.store.run_store import RunInfo

RESUMABLE = frozenset({"interrupted", "cancelled"})
_PHASES = frozenset({"answer", "relay", "review", "ledger", "synthesis", "report"})


@dataclass(frozen=True)
class SavedDeliberation:
    run_id: str
    paradigm: str
    members: tuple[str, ...]
    personas: dict[str, str]
    chair: str | None
    rounds: int
    max_completion_tokens: int | None
    prompt_sha256: str
    package_sha256: str
    turns: tuple[TurnRecord, ...]


def load_saved(info: RunInfo) -> SavedDeliberation:
    """The deliberation saved in ``info``; :class:`CrosstalkInputError` says why not."""
    summary = info.summary
    if info.problem:
        raise CrosstalkInputError(f"run {info.run_id}: {info.problem}")
    if summary.get("kind") != "crosstalk":
        raise CrosstalkInputError(f"run {info.run_id} is a send, not a deliberation")
    if summary.get("crosstalk_version") != CROSSTALK_VERSION:
        raise CrosstalkInputError(
            f"run {info.run_id} was saved in deliberation format "
            f"{summary.get('crosstalk_version')!r}; this version resumes {CROSSTALK_VERSION}"
        )
    if info.status not in RESUMABLE:
        raise CrosstalkInputError(
            f"run {info.run_id} is {info.status}; only an interrupted or cancelled "
            "deliberation can be resumed"
        )
    try:
        members = [m for m in summary["members"] if isinstance(m, dict)]
        return SavedDeliberation(
            run_id=info.run_id,
            paradigm=str(summary["paradigm"]),
            members=tuple(str(m["alias"]) for m in members),
            personas={str(m["alias"]): str(m["persona"]) for m in members if m.get("persona")},
            chair=None if summary.get("chair") is None else str(summary["chair"]),
            rounds=int(summary["rounds_planned"]),
            max_completion_tokens=summary.get("max_completion_tokens"),
            prompt_sha256=str(summary["prompt"]["sha256"]),
            package_sha256=str(summary["package_text_sha256"]),
            turns=tuple(_complete_turns(info.path, summary.get("rounds") or [])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CrosstalkInputError(
            f"run {info.run_id}: its summary cannot be read back ({type(exc).__name__}: {exc})"
        ) from None


def _complete_turns(folder: Path, rounds: list[Any]) -> list[TurnRecord]:
    turns: list[TurnRecord] = []
    for step in rounds:
        number, phase = int(step["round"]), str(step["phase"])
        if phase not in _PHASES:
            break
        records = [_turn(folder, number, phase, raw) for raw in step["turns"]]
        if not records or any(r is None or r.status == "cancelled" for r in records):
            break
        turns.extend(r for r in records if r is not None)
    return turns


def _turn(folder: Path, number: int, phase: str, raw: dict[str, Any]) -> TurnRecord | None:
    """One saved turn, or None when its text is not on disk (the step is run again)."""
    text = ""
    name = raw.get("output_file")
    if isinstance(name, str) and name and "/" not in name and not name.startswith("."):
        for candidate in (folder / name, folder / (name + PARTIAL_SUFFIX)):
            if candidate.is_file() and not candidate.is_symlink():
                text = candidate.read_text("utf-8")
                break
        else:
            return None
    elif raw["status"] == "finished":
        return None
    error = raw.get("error")
    verdict = raw.get("verdict")
    return TurnRecord(
        round=number,
        phase=phase,  # type: ignore[arg-type]
        member=str(raw["member"]),
        letter=raw.get("letter"),
        role=raw["role"],
        status=raw["status"],
        text=text,
        usage=TokenCounts(
            input_tokens=raw.get("usage_input"),
            output_tokens=raw.get("usage_output"),
            cached_input_tokens=raw.get("usage_cached_input"),
            cache_write_tokens=raw.get("usage_cache_write"),
            output_estimated=bool(raw.get("output_estimated")),
        ),
        cost_usd=float(raw.get("cost_usd") or 0.0),
        error=None
        if not isinstance(error, dict)
        else ErrorInfo(
            code=ErrorCode(error["code"]),
            message=str(error.get("message", "")),
            provider=str(error.get("provider", "")),
            http_status=error.get("http_status"),
        ),
        verdict=None
        if not isinstance(verdict, dict)
        else Verdict(verdict["stance"], verdict.get("confidence")),
        ranking=tuple(str(letter) for letter in raw.get("ranking") or ()),
    )
