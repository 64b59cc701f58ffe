"""The typed run summary: version-1 files read back, the writer's fields read generically,
unknown keys tolerated, and a file that is not a summary refused with a clear error."""

from __future__ import annotations

import json
import types
import typing
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import pytest

from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.core.store.run_summary import (
    DeliberationSummary,
    ErrorSummary,
    RunSummary,
    SummaryError,
    model_error,
)
from fiedler_tui.core.store.summary import (
    SUMMARY_VERSION,
    ModelRecord,
    PackagedFile,
    PackageFacts,
    SkippedFact,
    build_summary,
)
from fiedler_tui.core.store.summary_fields import read_dataclass

from .v1_runs import DELIBERATION, FAILED, FIXTURES, SEND, copy_v1_runs


def saved(run_id: str) -> dict[str, Any]:
    data = json.loads((FIXTURES / run_id / "summary.json").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def test_a_version_1_send_reads_every_model_figure() -> None:
    run = RunSummary.from_json(saved(SEND))
    assert (run.summary_version, run.kind, run.status) == (1, "send", "done")
    assert run.run_id == SEND and not run.is_deliberation and run.deliberation is None
    assert run.aliases == ["demo-swift", "demo-steady", "demo-busy"]
    assert run.prompt.text is None and run.prompt.chars == 12
    assert run.package.files == 2 and [f.path for f in run.package.file_list] == [
        "a.py",
        "notes.md",
    ]
    busy = run.model("demo-busy")
    assert isinstance(busy, ModelRecord)
    assert busy.provider == "demo-openai" and busy.status == "done"
    assert busy.retries[0]["code"] == "rate_limited" and busy.ttft_s == 2.5102
    assert busy.usage_input == 88 and busy.estimate_input == 111 and busy.cost_usd == 0.000188
    assert busy.output_file == "demo-busy.md" and busy.saved is True
    assert model_error(busy) is None and run.cost_usd is not None and run.outputs_saved is True


def test_a_version_1_failed_model_has_a_typed_error_and_hashed_paths() -> None:
    run = RunSummary.from_json(saved(FAILED))
    assert run.status == "partial" and run.package.paths_redacted
    assert all(f.path is None and f.path_sha256 for f in run.package.file_list)
    broken = run.model("broken")
    assert broken is not None and broken.usage_output_estimated
    assert model_error(broken) == ErrorSummary(
        code="network",
        message="connection lost: [Errno 104] Connection reset by peer",
        provider="sim-gemini",
        http_status=None,
        retry_count=0,
        request_id=None,
    )


def test_a_version_1_deliberation_reads_its_rounds_turns_and_result() -> None:
    run = RunSummary.from_json(saved(DELIBERATION))
    assert run.is_deliberation and run.status == "complete"
    talk = run.deliberation
    assert isinstance(talk, DeliberationSummary)
    assert (talk.crosstalk_version, talk.paradigm, talk.chair) == (1, "report", "demo-deliberate")
    assert [(m.alias, m.letter) for m in talk.members] == [
        ("demo-swift", "A"),
        ("demo-steady", "B"),
    ]
    assert [(s.round, s.phase, len(s.turns)) for s in talk.rounds] == [
        (1, "answer", 2),
        (2, "review", 2),
        (2, "report", 1),
    ]
    review = talk.rounds[1].turns[0]
    assert review.ranking == ("B",) and review.output_file == "r02-review-demo-swift.md"
    assert talk.result is not None and talk.result.kind == "report"
    assert talk.result.text is not None and talk.result.text.startswith("Let me go through")
    assert run.aliases == ["demo-swift", "demo-steady", "demo-deliberate"]
    assert run.prompt.text == "is f correct?" and run.all_skipped == ()


def sample(hint: Any) -> Any:
    """A value of type ``hint`` that differs from any field's default."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return sample(next(a for a in args if a is not type(None)))
    if origin is list:
        return [sample(args[0])]
    if origin is dict:
        return {"k": sample(args[1])}
    if hint is Any:
        return {"any": [1, "two"]}
    simple = {str: "x", int: 7, float: 1.5, bool: True}
    assert hint in simple, f"no sample value for {hint} (add one here)"
    return simple[hint]


def every_field_set() -> ModelRecord:
    """A record whose every field differs from its default (so a field the reader drops shows)."""
    hints = typing.get_type_hints(ModelRecord)
    return ModelRecord(**{f.name: sample(hints[f.name]) for f in fields(ModelRecord)})


def test_every_field_of_the_written_record_reads_back() -> None:
    record = every_field_set()
    summary = build_summary(
        app_version="9.9",
        status="done",
        started_at="2026-12-01T10:00:00+00:00",
        ended_at="2026-12-01T10:01:00+00:00",
        prompt="p",
        package=PackageFacts(
            [PackagedFile("a.py", 3, 1, "ab")], 3, 1, "cd", [SkippedFact("b.bin", "binary", "b")]
        ),
        models=[record],
    )
    run = RunSummary.from_json(json.loads(json.dumps(summary)))
    assert run.models == (record,)
    assert run.summary_version == SUMMARY_VERSION and run.skipped[0].code == "binary"
    known = {f.name for f in fields(RunSummary)}
    assert set(summary) <= known, set(summary) - known


def test_the_deliberation_keys_are_all_read() -> None:
    """Every key a deliberation's summary holds is a field of the typed summary."""
    known = {f.name for f in fields(RunSummary)} | {f.name for f in fields(DeliberationSummary)}
    assert set(saved(DELIBERATION)) <= known, set(saved(DELIBERATION)) - known


@dataclass
class Followup:
    prompt_chars: int = 0
    output_file: str | None = None


@dataclass
class GrownRecord(ModelRecord):
    """A record with fields of the kinds being added to ModelRecord."""

    usage_reasoning: int | None = None
    thinking_file: str | None = None
    unseen_files: list[str] = field(default_factory=list)
    followups: list[Followup] = field(default_factory=list)
    rating: int | None = None


def test_fields_added_with_defaults_flow_through_the_same_reader() -> None:
    grown = GrownRecord(
        "m",
        "p",
        "m-1",
        usage_reasoning=120,
        thinking_file="m.thinking.md",
        unseen_files=["big.bin"],
        followups=[Followup(12, "m.turn-1.md")],
        rating=4,
    )
    assert read_dataclass(GrownRecord, json.loads(json.dumps(asdict(grown)))) == grown
    old = read_dataclass(GrownRecord, {"alias": "m", "status": "done"})  # a version-1 entry
    assert old.usage_reasoning is None and old.followups == [] and old.status == "done"


def test_unknown_keys_missing_keys_and_wrong_leaf_types_are_tolerated() -> None:
    run = RunSummary.from_json(
        {
            "status": "done",
            "from_the_future": {"x": 1},
            "cost_usd": "a lot",
            "models": [{"alias": "a", "usage_input": "many", "new_figure": 3, "cost_usd": 1}],
        }
    )
    assert run.summary_version == 1 and run.kind == "send" and run.cost_usd is None
    [model] = run.models
    assert model.alias == "a" and model.usage_input is None and model.cost_usd == 1.0
    assert model.provider == "" and model.status == "queued"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([1, 2], "no JSON object"),
        ({"models": []}, "no status"),
        ({"status": "done", "summary_version": "one"}, "summary_version is 'one'"),
        ({"status": "done", "summary_version": SUMMARY_VERSION + 1}, "newer fiedler"),
        ({"status": "done", "models": "gpt-5"}, "models: expected a list, found a string"),
        ({"status": "done", "models": [{"alias": "a"}, 3]}, "models[1]: expected an object"),
        ({"status": "done", "package": ["a.py"]}, "package: expected an object, found a list"),
        (
            {"status": "done", "kind": "crosstalk", "rounds": [{"turns": {}}]},
            "rounds[0].turns: expected a list, found an object",
        ),
    ],
)
def test_a_file_that_is_not_a_summary_is_a_clear_error(raw: object, message: str) -> None:
    with pytest.raises(SummaryError, match=message.replace("[", r"\[").replace("]", r"\]")):
        RunSummary.from_json(raw)


def test_the_store_reads_v1_runs_typed_and_flags_a_malformed_one(tmp_path: Path) -> None:
    runs = copy_v1_runs(tmp_path / "runs")
    bad = runs / "20261207-120000-000000"
    bad.mkdir()
    (bad / "summary.json").write_text(json.dumps({"status": "done", "models": {"a": 1}}))
    infos = {info.run_id: info for info in RunStore(runs).list_runs()}
    assert infos[SEND].run.aliases == ["demo-swift", "demo-steady", "demo-busy"]
    assert infos[DELIBERATION].run.deliberation is not None
    assert infos[FAILED].status == "partial"
    assert infos[bad.name].status == "unreadable"
    assert infos[bad.name].problem == (
        "malformed run summary: models: expected a list, found an object"
    )
    assert infos[bad.name].run == RunSummary.empty("unreadable")
