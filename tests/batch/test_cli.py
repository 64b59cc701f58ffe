"""`fiedler batch` as real processes against the simulator's batch APIs."""

from __future__ import annotations

import json
import stat

from fiedler_tui.core.batch.state import BatchStore

from .conftest import PROMPT, BatchWorld


async def test_dry_run_shows_each_unit_and_the_batch_price_beside_the_live_one(
    batch_world: BatchWorld,
) -> None:
    code, out, err = await batch_world.submit("--dry-run", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert [u["name"] for u in plan["units"]] == ["README.md", "pkg/a.py", "pkg/b.py"]
    assert plan["requests"] == 12
    modes = {m["alias"]: m["mode"] for m in plan["models"]}
    assert modes == {"gpt": "batch", "claude": "batch", "gem": "batch", "local": "live"}
    cost = plan["cost"]
    assert cost["total_usd_max"] > 0
    assert abs(cost["total_usd_max"] * 2 - cost["total_usd_max_live"]) < 1e-6
    assert batch_world.sim.batches.creates == {} and batch_world.sim.requests == []
    assert batch_world.state_files() == []

    code, out, _ = await batch_world.submit("--dry-run", "--per", "folder")
    assert code == 0 and out.startswith("2 units (per folder), 3 files, 8 requests")
    code, out, _ = await batch_world.submit("--dry-run", "--per", "package")
    assert code == 0 and out.startswith("1 unit (per package), 3 files, 4 requests")


async def test_the_spend_cap_is_judged_on_the_whole_set_at_batch_prices(
    batch_world: BatchWorld,
) -> None:
    code, out, _ = await batch_world.submit("--dry-run", "--json")
    total = json.loads(out)["cost"]["total_usd_max"]
    code, _, err = await batch_world.submit(FIEDLER_MAX_COST_USD=f"{total * 0.99:.8f}")
    assert code == 3
    assert err.count("worst-case cost of the set") == 1 and "FIEDLER_MAX_COST_USD" in err
    assert batch_world.sim.batches.creates == {} and batch_world.state_files() == []
    code, _, err = await batch_world.submit(FIEDLER_MAX_COST_USD=f"{total * 1.01:.8f}")
    assert code == 0, err


async def test_submit_then_fetch_saves_one_answer_per_unit_and_model(
    batch_world: BatchWorld,
) -> None:
    code, out, err = await batch_world.submit()
    assert code == 0, err
    job_id = out.strip().splitlines()[-1]
    assert batch_world.sim.batches.creates == {"openai": 1, "anthropic": 1, "gemini": 1}
    local = [r for r in batch_world.sim.requests if r.dialect == "openai" and r.model == "local"]
    assert len(local) == 3  # the live part ran at once, one request per unit

    [state] = batch_world.state_files()
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.parent.stat().st_mode) == 0o700
    text = state.read_text()
    assert PROMPT not in text and "return 1" not in text  # neither prompt nor package text

    code, out, err = await batch_world.cli("batch", "status", job_id)
    assert code == 0, err
    assert "3 done, 9 submitted" in out

    code, out, err = await batch_world.cli("batch", "fetch", job_id, "--json")
    assert code == 0, err
    fetched = json.loads(out)
    assert fetched["saved_now"] == 9 and fetched["status"] == "ended"
    assert fetched["counts"] == {"done": 12}
    # once saved, the providers' copies are deleted: OpenAI's input and output files, the
    # Anthropic and Gemini batches
    deleted = batch_world.sim.batches.core.deleted
    assert sorted(d.split("-")[0].split("_")[0].split("/")[0] for d in deleted) == [
        "batches",
        "file",
        "file",
        "msgbatch",
    ]
    assert batch_world.sim.batches.core.files == {}
    assert {p["batch_id"] for p in fetched["parts"]} >= {d for d in deleted if "batch" in d}
    folders = sorted(p for p in batch_world.output_dir.iterdir() if p.is_dir())
    assert [f.name for f in folders] == [f"{job_id}-u0000{i}" for i in range(3)]
    job_file = batch_world.output_dir / f"{job_id}.batch.json"
    assert stat.S_IMODE(job_file.stat().st_mode) == 0o600
    job_summary = json.loads(job_file.read_text())
    assert [u["run_id"] for u in job_summary["units"]] == [f.name for f in folders]
    by_model = {m["model"]: m for m in job_summary["models"]}
    assert by_model["gpt"]["requests"] == {"done": 3} and by_model["gpt"]["usage_output"] > 0
    claude = by_model["claude"]
    assert claude["cost_usd"] > 0 and abs(claude["cost_usd_live"] - 2 * claude["cost_usd"]) < 1e-5
    assert job_summary["cost_usd"] == fetched["cost_usd"]
    for folder in folders:
        assert sorted(p.name for p in folder.iterdir()) == [
            "claude.md",
            "gem.md",
            "gpt.md",
            "local.md",
            "summary.json",
        ]
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["kind"] == "batch" and summary["status"] == "done"
        for model in summary["models"]:
            assert model["usage_input"] and model["usage_output"]
            if model["alias"] == "local":
                assert model["cost_usd"] == 0.0
            else:  # half of 2 $/M in and 8 $/M out
                live = (model["usage_input"] * 2.0 + model["usage_output"] * 8.0) / 1e6
                assert abs(model["cost_usd"] - live / 2) < 1e-6
    assert (folders[1] / "gpt.md").read_text() == "gpt says ok"

    code, out, _ = await batch_world.cli("batch", "fetch", job_id, "--json")
    assert code == 0 and json.loads(out)["saved_now"] == 0  # fetched once, not again
    code, out, _ = await batch_world.cli("runs", "--json")
    runs = json.loads(out)["runs"]
    assert len(runs) == 3 and {r["status"] for r in runs} == {"done"}
    code, out, _ = await batch_world.cli("batch", "list")
    assert job_id in out and "ended" in out and "12/12" in out


async def test_a_failed_request_is_classified_and_expired_ones_are_reported(
    batch_world: BatchWorld,
) -> None:
    behaviour = batch_world.sim.batches.behaviour
    behaviour.failing_ids = frozenset({"u00000-m0", "u00000-m1", "u00000-m2"})
    behaviour.expire_after = 2  # each batch ends after two of its three requests
    code, out, err = await batch_world.submit()
    assert code == 0, err
    job_id = out.strip().splitlines()[-1]
    code, out, err = await batch_world.cli("batch", "fetch", job_id, "--json")
    assert code == 0, err
    assert json.loads(out)["counts"] == {"done": 6, "failed": 3, "expired": 3}
    summary = json.loads((batch_world.output_dir / f"{job_id}-u00000" / "summary.json").read_text())
    errors = {m["alias"]: m["error"]["code"] for m in summary["models"] if m["error"]}
    assert errors == {
        "gpt": "context_length_exceeded",
        "claude": "context_length_exceeded",
        "gem": "bad_request",
    }
    last = json.loads((batch_world.output_dir / f"{job_id}-u00002" / "summary.json").read_text())
    assert {m["alias"]: m["status"] for m in last["models"]} == {
        "gpt": "expired",
        "claude": "expired",
        "gem": "expired",
        "local": "done",
    }
    code, _, err = await batch_world.cli("batch", "status", job_id)
    assert "3 requests expired or were cancelled before they ran" in err

    behaviour.expire_after = None  # the expired ones, submitted again alone, now run
    code, _, err = await batch_world.submit("--resume", job_id)
    assert code == 0, err
    code, out, err = await batch_world.cli("batch", "fetch", job_id, "--json")
    assert json.loads(out)["counts"] == {"done": 9, "failed": 3}
    again = {f"u00002-m{i}" for i in range(3)}
    received = batch_world.sim.batches.received
    assert {c for c, n in received.items() if n == 2} == again
    assert set(received.values()) == {1, 2} and len(received) == 9


async def test_cancel_stops_the_batches_fetch_reports_what_did_not_run_and_resume_runs_it(
    batch_world: BatchWorld,
) -> None:
    batch_world.sim.batches.behaviour.polls_to_end = 100
    code, out, err = await batch_world.submit()
    assert code == 0, err
    job_id = out.strip().splitlines()[-1]
    code, out, err = await batch_world.cli("batch", "cancel", job_id)
    assert code == 0, err
    assert {b.state for b in batch_world.sim.batches.batches} == {"cancelled"}
    code, out, err = await batch_world.cli("batch", "fetch", job_id, "--json")
    fetched = json.loads(out)
    assert fetched["status"] == "cancelled"
    assert fetched["counts"] == {"done": 3, "cancelled": 9}
    # the cancelled requests, submitted again alone, now run; the answers given stay
    batch_world.sim.batches.behaviour.polls_to_end = 1
    code, _, err = await batch_world.submit("--resume", job_id)
    assert code == 0, err
    code, out, err = await batch_world.cli(
        "batch", "fetch", job_id, "--json", "--wait", "--interval", "0.05"
    )
    assert code == 0, err
    again = json.loads(out)
    assert again["counts"] == {"done": 12}
    assert again["status"] == "ended"
    code, _, err = await batch_world.cli("batch", "status", "nope")
    assert code == 2 and "not a batch job id" in err


async def test_wait_polls_until_every_batch_ended_and_the_demo_runs_the_whole_flow(
    batch_world: BatchWorld,
) -> None:
    batch_world.sim.batches.behaviour.polls_to_end = 2
    code, out, err = await batch_world.submit("--wait", "--interval", "0.05", "--keep-remote")
    assert code == 0, err
    assert batch_world.sim.batches.core.deleted == []  # --keep-remote
    job_id = out.strip().splitlines()[-1]
    assert f"batch job {job_id}: ended" in err
    assert "12/12 requests ended" in err.splitlines()[-2]
    assert batch_world.job()["status"] == "ended"

    demo = ["-m", "demo-swift", "-m", "demo-steady", "-m", "demo-deliberate", "-m", "demo-local"]
    code, out, err = await batch_world.cli(
        "--demo", "batch", "submit", str(batch_world.project), "-p", PROMPT, *demo,
        "--per", "package", "--wait", "--interval", "0.05", "--json",
    )  # fmt: skip
    assert code == 0, err
    demo_job = json.loads(out)["job_id"]
    summary = json.loads(
        (batch_world.output_dir / f"{demo_job}-u00000" / "summary.json").read_text()
    )
    assert {m["alias"]: m["status"] for m in summary["models"]} == dict.fromkeys(
        ["demo-swift", "demo-steady", "demo-deliberate", "demo-local"], "done"
    )


async def test_redacted_names_and_the_prompt_opt_in_reach_the_state_and_summaries(
    batch_world: BatchWorld,
) -> None:
    env = {"FIEDLER_REDACT_FILENAMES": "1", "FIEDLER_SAVE_PROMPT": "1"}
    code, out, err = await batch_world.submit("--per", "folder", **env)
    assert code == 0, err
    job_id = out.strip().splitlines()[-1]
    text = batch_world.state_files()[0].read_text()
    assert PROMPT in text  # opted in
    assert "pkg" not in text and "README" not in text  # names only as hashes
    code, _, err = await batch_world.submit("--per", "folder", "--resume", job_id, **env)
    assert code == 0, err  # the hashed names still match the selection
    code, out, err = await batch_world.cli("batch", "fetch", job_id, **env)
    assert code == 0, err
    summary = json.loads((batch_world.output_dir / f"{job_id}-u00001" / "summary.json").read_text())
    assert summary["prompt"]["text"] == PROMPT
    assert summary["package"]["paths_redacted"] is True
    assert [set(f) for f in summary["package"]["file_list"]] == [
        {"path_sha256", "bytes", "lines", "sha256"}
    ] * 2
    assert "pkg" not in json.dumps(summary)


async def test_no_key_in_the_state_and_no_job_without_a_disk(batch_world: BatchWorld) -> None:
    text = batch_world.config_path.read_text()
    start = text.index("  sim-openai:\n")
    head, tail = text[:start], text[start:]
    needs_key = "requires_key: true\n    key_env: [SIM_OPENAI_KEY]"
    batch_world.config_path.write_text(head + tail.replace("requires_key: false", needs_key, 1))
    code, _, err = await batch_world.submit()
    assert code == 3 and "sim-openai" in err  # no key: refused like a send
    secret = "sk-batch-secret-0123456789abcdef"
    code, _, err = await batch_world.submit(SIM_OPENAI_KEY=secret)
    assert code == 0, err
    assert batch_world.sim.batches.credentials == {f"Bearer {secret}"}  # sent to OpenAI only
    assert secret not in batch_world.state_files()[0].read_text()
    code, _, err = await batch_world.submit(SIM_OPENAI_KEY=secret, FIEDLER_NO_DISK="1")
    assert code == 2 and "unset FIEDLER_NO_DISK" in err


async def test_a_model_gone_from_models_yaml_is_named_not_a_crash(batch_world: BatchWorld) -> None:
    code, out, err = await batch_world.submit()
    assert code == 0, err
    job_id = out.strip().splitlines()[-1]
    text = batch_world.config_path.read_text()
    start = text.index("  gem:\n")
    end = text.index("  local:\n")
    batch_world.config_path.write_text(text[:start] + text[end:])
    code, _, err = await batch_world.cli("batch", "fetch", job_id)
    assert code == 2
    assert "model 'gem' of this batch job is no longer in models.yaml" in err
    assert "internal error" not in err


async def test_one_process_at_a_time_works_on_a_job(batch_world: BatchWorld) -> None:
    code, out, err = await batch_world.submit()
    assert code == 0, err
    job_id = out.strip().splitlines()[-1]
    store = BatchStore(batch_world.state_home / "fiedler" / "batches")
    with store.lock(job_id):  # as a fetch running in another process would
        for action in ("status", "fetch", "cancel"):
            code, _, err = await batch_world.cli("batch", action, job_id)
            assert code == 2 and "by another process" in err, action
    assert batch_world.job()["status"] == "submitted"  # nothing was done meanwhile
    code, _, err = await batch_world.cli("batch", "fetch", job_id)
    assert code == 0, err
