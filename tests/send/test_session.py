"""SendSession end to end over loopback: outputs, summary, refusals, canaries, no-disk mode."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions, DryRunResult, SendBlockedError
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.logs import setup_logging
from fiedler_tui.core.package import PreviewStaleError
from fiedler_tui.core.runner import Failed, Finished
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.run_store import RunStore, StoreError

from .conftest import SendWorld

PROMPT = "canary-prompt-7f3a: please review these files"
KEY = "canary-key-a1b2c3d4e5f6"


def dry_run(world: SendWorld, models: list[str], prompt: str = PROMPT) -> DryRunResult:
    settings = Settings.from_env()
    config = load_config()
    with DryRunEngine(settings) as engine:
        return engine.run(
            [world.project], [config.resolve(m) for m in models], DryRunOptions(prompt=prompt)
        )


def session_for(
    world: SendWorld, models: list[str], keys: dict[str, str | None] | None = None
) -> SendSession:
    settings = Settings.from_env()
    return SendSession(
        config=load_config(),
        settings=settings,
        keys=keys or {},
        result=dry_run(world, models),
        aliases=models,
    )


async def run_all(session: SendSession) -> list[object]:
    session.preflight()
    events: list[object] = []
    async with session:
        async for event in session.events():
            events.append(event)
    return events


async def test_every_model_saved_with_a_redacted_summary(world: SendWorld) -> None:
    session = session_for(world, ["fast", "claude"])
    events = await run_all(session)
    assert session.status == "done"
    assert {e.model for e in events if isinstance(e, Finished)} == {"fast", "claude"}
    path = session.run_path
    assert path is not None and path.parent == world.output_dir
    assert (path / "fast.md").read_text() == "All good. " * 20
    assert (path / "claude.md").read_text() == "Looks fine. " * 15
    summary = json.loads((path / "summary.json").read_text())
    assert summary["status"] == "done" and summary["run_id"] == session.run_id
    assert PROMPT not in json.dumps(summary)
    assert summary["prompt"]["chars"] == len(PROMPT)
    assert summary["package"]["files"] == 2
    assert {f["path"] for f in summary["package"]["file_list"]} == {"app.py", "notes.md"}
    fast = next(m for m in summary["models"] if m["alias"] == "fast")
    assert fast["status"] == "done" and fast["output_file"] == "fast.md"
    assert fast["usage_input"] > 0 and fast["usage_output"] > 0
    assert fast["estimate_input"] > 0 and fast["count_method"] in ("exact", "estimate")
    assert fast["ttft_s"] is not None and fast["total_s"] >= fast["ttft_s"]
    for file in path.iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.stat().st_mode) == 0o700


async def test_failed_model_keeps_its_partial_text_and_others_finish(world: SendWorld) -> None:
    session = session_for(world, ["fast", "broken"])
    events = await run_all(session)
    [failed] = [e for e in events if isinstance(e, Failed)]
    assert failed.model == "broken" and failed.partial_text
    assert session.status == "partial"
    assert session.run_path is not None
    saved = (session.run_path / "broken.md").read_text()
    assert saved == failed.partial_text and "partial words" in saved
    summary = json.loads((session.run_path / "summary.json").read_text())
    broken = next(m for m in summary["models"] if m["alias"] == "broken")
    assert broken["status"] == "failed"
    assert broken["error"]["code"] == "network"
    assert broken["error"]["provider"] == "sim-gemini"


def files_under(*roots: Path) -> list[Path]:
    return [p for root in roots for p in root.rglob("*") if p.is_file()]


async def test_canary_key_and_prompt_appear_in_no_file_written(
    world: SendWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIEDLER_LOG_LEVEL", "DEBUG")
    setup_logging(Settings.from_env())
    session = session_for(world, ["secured", "broken"], keys={"sim-secured": KEY})
    await run_all(session)
    [received] = world.sim.requests_for("secured")
    assert received.headers.get("authorization") == f"Bearer {KEY}"  # the key was really sent
    home = Path(os.environ["XDG_STATE_HOME"]).parent
    written = [p for p in files_under(tmp_path, home) if p.name != "models.yaml"]
    assert any(p.name == "summary.json" for p in written)
    assert any(p.name == "fiedler.log" for p in written)
    for file in written:
        data = file.read_bytes()
        assert KEY.encode() not in data, file
        if file.parent != world.project:
            assert b"canary-prompt-7f3a" not in data, file


async def test_over_budget_model_is_refused_before_any_request(world: SendWorld) -> None:
    text = world.config_path.read_text()
    text = text.replace("context_window: 128000", "context_window: 400", 1)
    text = text.replace("max_completion_tokens: 4096", "max_completion_tokens: 300", 1)
    world.config_path.write_text(text)
    session = session_for(world, ["fast"])
    with pytest.raises(SendBlockedError, match="fast"):
        session.preflight()
    assert world.sim.requests == []


async def test_changed_file_after_preview_is_refused(world: SendWorld) -> None:
    session = session_for(world, ["fast"])
    (world.project / "app.py").write_text("def main():\n    return 43\n")
    with pytest.raises(PreviewStaleError):
        session.preflight()
    assert world.sim.requests == []


async def test_unwritable_output_dir_is_refused_before_any_request(
    world: SendWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("FIEDLER_OUTPUT_DIR", str(blocker / "runs"))
    session = session_for(world, ["fast"])
    with pytest.raises(StoreError, match="FIEDLER_OUTPUT_DIR"):
        session.preflight()
    assert world.sim.requests == []


def snapshot(root: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*"))


async def test_no_disk_mode_writes_nothing(
    world: SendWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIEDLER_NO_DISK", "1")
    setup_logging(Settings.from_env())
    home = Path(os.environ["XDG_STATE_HOME"]).parent
    before = (snapshot(tmp_path), snapshot(home))
    session = session_for(world, ["fast", "broken"])
    await run_all(session)
    assert (snapshot(tmp_path), snapshot(home)) == before
    assert session.run_path is None
    assert session.text("fast") == "All good. " * 20
    assert session.summary()["status"] == "partial"
    assert RunStore(world.output_dir, no_disk=True).list_runs() == []


async def test_cancel_all_marks_the_run_cancelled_and_keeps_partial_text(world: SendWorld) -> None:
    session = session_for(world, ["slow"])
    session.preflight()
    async with session:
        async for _event in session.events():
            if session.text("slow").count("word") >= 5:
                session.cancel_all()
    assert session.status == "cancelled"
    assert session.run_path is not None
    saved = (session.run_path / "slow.md").read_text()
    assert saved.startswith("word000 word001 word002 word003 word004")
    summary = json.loads((session.run_path / "summary.json").read_text())
    assert summary["status"] == "cancelled"
    assert summary["models"][0]["status"] == "cancelled"


async def test_a_key_the_http_layer_refuses_is_not_retried_nor_echoed(world: SendWorld) -> None:
    bad_key = "canary-bad\rkey-123456"  # reaches the runner only if a caller skips the key store
    session = session_for(world, ["secured", "fast"], keys={"sim-secured": bad_key})
    events = await run_all(session)
    [failed] = [e for e in events if isinstance(e, Failed)]
    assert failed.model == "secured"
    assert failed.error.code == "bad_request" and failed.error.retry_count == 0
    assert "canary-bad" not in failed.error.message
    assert world.sim.requests_for("secured") == []
    assert session.run_path is not None
    summary_text = (session.run_path / "summary.json").read_text()
    assert "canary-bad" not in summary_text
    assert session.status == "partial"
