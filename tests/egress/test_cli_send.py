"""`fiedler dry-run`, `send` and `crosstalk` as real processes against the simulator: a file the
egress rules forbid to a model never reaches it; reduced packages are counted and recorded."""

from __future__ import annotations

import json

from .conftest import ACME_MARKER, PEM_MARKER, EgressWorld

PROMPT = ("-p", "review these files")


async def test_a_forbidden_file_refuses_the_send_naming_the_rule(
    egress_world: EgressWorld,
) -> None:
    code, out, err = await egress_world.cli(
        "dry-run", ".", *PROMPT, "-m", "hosted-gpt", "-m", "llama", "--json"
    )
    assert code == 3
    report = json.loads(out)
    refused = report["egress"]["models"]
    assert refused["hosted-gpt"]["action"] == "refused"
    assert {w["path"] for w in refused["hosted-gpt"]["withheld"]} == {
        "certs/server.pem",
        "clients/acme/deal.py",
    }
    assert [w["path"] for w in refused["llama"]["withheld"]] == ["certs/server.pem"]
    kinds = [b["kind"] for b in report["blocker_details"]]
    assert kinds.count("egress") == 2

    code, out, err = await egress_world.cli("send", ".", *PROMPT, "-m", "hosted-gpt", "-m", "llama")
    assert code == 3
    assert "hosted-gpt may not receive 2 files" in err
    assert "rule models.yaml:" in err and "'clients/acme/' to local" in err
    assert egress_world.sim.requests == []  # nothing left, for any model
    assert not egress_world.output_dir.exists() or not any(egress_world.output_dir.iterdir())


async def test_a_model_allowed_everything_is_unaffected(egress_world: EgressWorld) -> None:
    code, out, _ = await egress_world.cli(
        "send", "app.py", "clients", *PROMPT, "-m", "llama", "--json"
    )
    assert code == 0, out
    summary = json.loads(out)
    [model] = summary["models"]
    assert model["status"] == "done" and model["withheld"] == []
    assert egress_world.received(ACME_MARKER) == {"llama"}


async def test_reduced_packages_are_sent_counted_and_recorded_per_model(
    egress_world: EgressWorld,
) -> None:
    models = ("-m", "hosted-gpt", "-m", "claude", "-m", "llama")
    code, out, _ = await egress_world.cli(
        "dry-run", ".", *PROMPT, *models, "--egress", "reduce", "--json"
    )
    assert code == 0, out
    report = json.loads(out)
    egress = report["egress"]["models"]
    assert egress["hosted-gpt"]["action"] == "reduced"
    assert egress["hosted-gpt"]["package"]["files"] == 1
    assert egress["llama"]["package"]["files"] == 2
    assert report["package"]["files"] == 3
    sizes = {m["alias"]: m["input_tokens"] for m in report["models"]}
    assert sizes["hosted-gpt"] < sizes["llama"]  # each model budgeted on its own package

    code, out, err = await egress_world.cli(
        "send", ".", *PROMPT, *models, "--egress", "reduce", "--json"
    )
    assert code == 0, err
    summary = json.loads(out)
    withheld = {m["alias"]: [w["path"] for w in m["withheld"]] for m in summary["models"]}
    assert withheld == {
        "hosted-gpt": ["certs/server.pem", "clients/acme/deal.py"],
        "claude": ["certs/server.pem", "clients/acme/deal.py"],
        "llama": ["certs/server.pem"],
    }
    assert all(m["status"] == "done" for m in summary["models"])
    assert egress_world.received(ACME_MARKER) == {"llama"}
    assert egress_world.received(PEM_MARKER) == set()
    assert all("def main" in body for body in egress_world.bodies("claude"))
    [run] = list(egress_world.output_dir.iterdir())
    saved = json.loads((run / "summary.json").read_text())
    assert {m["alias"]: len(m["withheld"]) for m in saved["models"]} == {
        "hosted-gpt": 2,
        "claude": 2,
        "llama": 1,
    }


async def test_crosstalk_refuses_a_member_the_rules_forbid_a_file(
    egress_world: EgressWorld,
) -> None:
    code, _, err = await egress_world.cli(
        "crosstalk",
        "app.py",
        "clients",
        *PROMPT,
        "-m",
        "llama",
        "-m",
        "hosted-gpt",
        "--rounds",
        "2",
    )
    assert code == 3
    assert "hosted-gpt may not receive 1 file of the package" in err
    assert egress_world.sim.requests == []

    code, _, err = await egress_world.cli(
        "crosstalk", "app.py", *PROMPT, "-m", "llama", "-m", "hosted-gpt", "--rounds", "2"
    )
    assert code == 0, err  # the rules leave a package they allow alone, every round
    assert {r.model for r in egress_world.sim.requests} == {"llama", "hosted-gpt"}
    assert egress_world.received(ACME_MARKER) == set()


async def test_explain_names_the_deciding_rule_per_model(egress_world: EgressWorld) -> None:
    code, out, _ = await egress_world.cli(
        "dry-run",
        "app.py",
        *PROMPT,
        "-m",
        "hosted-gpt",
        "-m",
        "llama",
        "--explain",
        "clients/acme/deal.py",
        "--explain",
        "app.py",
    )
    assert code == 0, out
    assert "explain clients/acme/deal.py: rule models.yaml:" in out
    assert "  hosted-gpt: may NOT receive it\n  llama: may receive it" in out
    assert "explain app.py: no rule matches: the default (allow)" in out
    code, out, _ = await egress_world.cli("models")
    assert "('**/*.pem' to nobody)" in out
    code, out, _ = await egress_world.cli("doctor")
    assert "egress: rule models.yaml:" in out and "'clients/acme/' to local" in out
