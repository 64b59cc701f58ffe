"""`fiedler send` sends what was asked for: named paths that cannot be packaged and models without
a key are refused before any request; what a folder leaves out is listed and saved."""

from __future__ import annotations

import json
import os

import pytest

from fiedler_tui.core.budget import BlockerKind, DryRunEngine, DryRunOptions, SendBlockedError
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.summary import SkippedFact, sha256_text, skipped_record

from .conftest import SendWorld

GIT_CONFIG = '[remote "origin"]\n\turl = https://user:ghp_notarealtoken@example.com/x.git\n'


async def send(world: SendWorld, *args: str, **env: str) -> tuple[int, str, str]:
    """``fiedler send ARGS`` as a real process in the project folder."""
    return await world.cli("send", *args, **env)


@pytest.fixture
def hostile(world: SendWorld) -> SendWorld:
    """The project plus a file that is not UTF-8, a FIFO, a binary file and a .git folder."""
    (world.project / "badutf8.py").write_bytes(b"name = '\xff'\n")
    (world.project / "blob.bin").write_bytes(b"\x00\x01" * 8)
    os.mkfifo(world.project / "pipe")
    (world.project / ".git" / "hooks").mkdir(parents=True)
    (world.project / ".git" / "config").write_text(GIT_CONFIG)
    return world


async def test_a_named_path_that_cannot_be_packaged_is_refused_before_any_request(
    hostile: SendWorld,
) -> None:
    code, out, err = await send(
        hostile, "badutf8.py", "pipe", ".git", ".git/config", "app.py", "-m", "fast", "-p", "go"
    )
    assert code == 3, err
    assert out == ""
    refusals = [line for line in err.splitlines() if line.startswith("fiedler: cannot send: ")]
    assert refusals == [
        "fiedler: cannot send: pipe: cannot be packaged: not a regular file (fifo); never opened",
        "fiedler: cannot send: .git: cannot be packaged: ignored (built-in rule: .git); never "
        "packaged",
        "fiedler: cannot send: .git/config: cannot be packaged: inside .git/: ignored (built-in "
        "rule: .git); never packaged",
        "fiedler: cannot send: badutf8.py: cannot be packaged: not UTF-8: invalid byte at offset 8",
    ]
    assert "ghp_notarealtoken" not in err
    assert hostile.sim.requests == []
    assert not hostile.output_dir.exists() or list(hostile.output_dir.iterdir()) == []


async def test_what_a_folder_leaves_out_is_listed_on_stderr_and_in_the_summary(
    hostile: SendWorld,
) -> None:
    code, out, err = await send(hostile, ".", "-m", "fast", "-p", "review", "--json")
    assert code == 0, err
    lines = err.splitlines()
    listed = lines[lines.index("skipped (4):") + 1 :][:4]
    assert sorted(listed) == [
        "  .git: ignored (built-in rule: .git)",
        "  badutf8.py: not UTF-8: invalid byte at offset 8",
        "  blob.bin: binary: NUL byte at offset 0",
        "  pipe: not a regular file (fifo); never opened",
    ]
    assert lines.index("skipped (4):") < next(i for i, x in enumerate(lines) if "queued" in x)
    summary = json.loads(out)
    assert {f["path"] for f in summary["package"]["file_list"]} == {"app.py", "notes.md"}
    skipped = {s["path"]: (s["code"], s["reason"]) for s in summary["skipped"]}
    assert skipped["badutf8.py"] == ("not-utf8", "not UTF-8: invalid byte at offset 8")
    assert skipped["pipe"][0] == "special-file" and skipped[".git"][0] == "ignored"
    [run_dir] = list(hostile.output_dir.iterdir())
    assert json.loads((run_dir / "summary.json").read_text())["skipped"] == summary["skipped"]
    assert "ghp_notarealtoken" not in json.dumps([r.body for r in hostile.sim.requests])


async def test_a_model_without_a_key_is_refused_saying_how_to_add_one(world: SendWorld) -> None:
    code, _, err = await send(world, ".", "-m", "fast", "-m", "secured", "-p", "review")
    assert code == 3, err
    [line] = [x for x in err.splitlines() if "API key" in x]
    assert line.startswith("fiedler: cannot send: no API key for sim-secured (needed by secured); ")
    assert "SIM_SECURED_KEY" in line
    assert world.sim.requests == []


async def test_the_session_refuses_a_missing_key_the_dry_run_did_not_judge(
    world: SendWorld,
) -> None:
    settings = Settings.from_env()
    config = load_config()
    with DryRunEngine(settings) as engine:  # no key status given: keys left to the sender
        result = engine.run(
            [world.project], [config.resolve("secured")], DryRunOptions(prompt="review")
        )
    assert result.sendable
    session = SendSession(
        config=config, settings=settings, keys={}, result=result, aliases=["secured"]
    )
    with pytest.raises(SendBlockedError) as refused:
        session.preflight()
    assert [(b.kind, b.provider) for b in refused.value.blockers] == [
        (BlockerKind.MISSING_KEY, "sim-secured")
    ]
    assert world.sim.requests == []


def test_skipped_paths_in_a_redacted_summary_keep_only_hash_and_code() -> None:
    skipped = [SkippedFact("secret-plans/q3.py", "not-utf8", "not UTF-8: invalid byte at offset 8")]
    assert skipped_record(skipped, redact_filenames=True) == [
        {"path_sha256": sha256_text("secret-plans/q3.py"), "code": "not-utf8"}
    ]
    assert skipped_record(skipped, redact_filenames=False)[0]["reason"].startswith("not UTF-8")
