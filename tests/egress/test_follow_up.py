"""`fiedler send --continue` under the egress rules, as real processes against the simulator: a
model the rules forbid files is refused before anything is sent, naming the files and the rule;
with `--egress reduce` it continues with the reduced package its first turn got, and the
forbidden bytes never reach it; a share other than its first turn's is refused."""

from __future__ import annotations

import json

import pytest

from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.follow_up_launcher import KnownTexts, preview_follow_up

from .conftest import ACME_MARKER, EGRESS, PEM_MARKER, EgressWorld

PROMPT = "review these files"
MODELS = ("-m", "hosted-gpt", "-m", "llama")


async def test_a_follow_up_is_judged_by_the_egress_rules_before_sending(
    egress_world: EgressWorld,
) -> None:
    code, out, err = await egress_world.cli(
        "send", ".", "-p", PROMPT, *MODELS, "--egress", "reduce", "--json"
    )
    assert code == 0, err
    run_id = json.loads(out)["run_id"]
    sent = len(egress_world.sim.requests)
    again = ("send", "--continue", run_id, "--earlier-prompt", PROMPT)

    code, _, err = await egress_world.cli(*again, "-p", "canary-q2")
    assert code == 3
    assert "hosted-gpt may not receive 2 files" in err and "'clients/acme/' to local" in err
    assert "llama may not receive 1 file of the package" in err and "certs/server.pem" in err
    assert len(egress_world.sim.requests) == sent  # refused before anything left
    assert not (egress_world.output_dir / run_id / "turns").exists()

    code, out, err = await egress_world.cli(
        *again, "-p", "canary-q2", "--egress", "reduce", "--json"
    )
    assert code == 0, err
    assert "egress: hosted-gpt continues with the reduced package of its turn 1: 1 file, " in err
    assert "clients/acme/deal.py: rule models.yaml:" in err
    follow_ups = egress_world.sim.requests[sent:]
    assert {r.model for r in follow_ups} == {"hosted-gpt", "llama"}
    assert all("canary-q2" in json.dumps(r.body) for r in follow_ups)
    assert egress_world.received(ACME_MARKER) == {"llama"}
    assert egress_world.received(PEM_MARKER) == set()
    turn = json.loads(out)
    withheld = {m["alias"]: [w["path"] for w in m["withheld"]] for m in turn["models"]}
    assert withheld == {
        "hosted-gpt": ["certs/server.pem", "clients/acme/deal.py"],
        "llama": ["certs/server.pem"],
    }

    # The rules change: llama may no longer receive the file it read in turn 1.
    stricter = EGRESS.replace("to: [local]", "to: []")
    egress_world.config_path.write_text(
        egress_world.config_path.read_text().replace(EGRESS, stricter)
    )
    sent = len(egress_world.sim.requests)
    third = (*again, "--earlier-prompt", "canary-q2", "-p", "canary-q3", "--egress", "reduce")
    code, _, err = await egress_world.cli(*third)
    assert code == 3
    assert "llama read 1 file in turn 1 that the egress rules now forbid it" in err
    assert "clients/acme/deal.py (rule models.yaml:" in err and "re-run the run" in err
    # No rules at all: hosted-gpt's conversation was on a package without two files.
    egress_world.config_path.write_text(egress_world.config_path.read_text().replace(stricter, ""))
    code, _, err = await egress_world.cli(*third)
    assert code == 3
    assert (
        "hosted-gpt got a package without certs/server.pem, clients/acme/deal.py in turn 1" in err
    )
    assert len(egress_world.sim.requests) == sent
    assert not (egress_world.output_dir / run_id / "turns" / "3").exists()


async def test_the_app_preview_names_each_reduced_package_and_its_rules(
    egress_world: EgressWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = await egress_world.cli(
        "send", ".", "-p", PROMPT, *MODELS, "--egress", "reduce", "--json"
    )
    assert code == 0, err
    for key, value in egress_world.env().items():
        if key.startswith("FIEDLER_"):
            monkeypatch.setenv(key, value)
    preview = preview_follow_up(
        folder=egress_world.output_dir / json.loads(out)["run_id"],
        question="and now?",
        aliases=[],
        known=KnownTexts(lambda _: None, [PROMPT]),
        config=load_config(),
        settings=Settings.from_env(),
        keystore=KeyStore(env={}),
        demo_keys={},
    )
    assert preview.sendable, preview.lines()
    lines = preview.lines()
    shown = "\n".join(lines)
    assert "egress: hosted-gpt continues with the reduced package of its turn 1: 1 file, " in shown
    assert "\n  clients/acme/deal.py: rule models.yaml:" in shown
    assert preview.result is not None
    assert sorted(preview.result.packages) == ["hosted-gpt", "llama"]
