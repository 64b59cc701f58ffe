"""`fiedler doctor`: tokenizers offline, local OpenAI-compatible servers reachable or not."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.simulator.models_yaml import SimulatedModel, config_text, scripts_for
from fiedler_tui.core.simulator.server import Simulator


def test_tokenizer_encodings_are_available_offline(capsys: pytest.CaptureFixture[str]) -> None:
    main(["doctor", "--json"])
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    o200k = checks["tokenizer o200k_base"]
    assert o200k["status"] == "OK" and "available offline" in o200k["detail"]


async def test_local_servers_reachable_and_unreachable(tmp_path: Path) -> None:
    models = [SimulatedModel(name="local-llama", kind="openai-compatible", provider="lab")]
    async with Simulator(scripts_for(models)) as sim:
        text = config_text(sim.base_url, models)
        text = text.replace(
            "providers:\n",
            "providers:\n  dead:\n    kind: openai-compatible\n"
            "    base_url: http://127.0.0.1:9/v1\n    requires_key: false\n",
            1,
        )
        config = tmp_path / "models.yaml"
        config.write_text(text)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "fiedler_tui",
            "--config",
            str(config),
            "doctor",
            "--json",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=dict(os.environ),
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    checks = {c["name"]: c for c in json.loads(out)["checks"]}
    assert checks["server lab"]["status"] == "OK"
    assert "local-llama" in checks["server lab"]["detail"]
    assert checks["server dead"]["status"] == "WARN"
    assert "start the server" in checks["server dead"]["fix"]
    assert proc.returncode == 0, err.decode()
