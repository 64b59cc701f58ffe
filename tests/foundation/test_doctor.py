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


def network_checks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], **environ: str
) -> tuple[int, dict[str, dict[str, str]], str]:
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    code = main(["doctor", "--json"])
    out = capsys.readouterr().out
    checks = json.loads(out)["checks"]
    return code, {c["name"]: c for c in checks if c["name"].startswith("network ")}, out


def test_doctor_shows_each_providers_proxy_and_ca(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import trustme

    bundle = tmp_path / "corp-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(bundle))
    config = tmp_path / "models.yaml"
    config.write_text(
        "version: 1\nproviders:\n"
        "  openai:\n    kind: openai\n    base_url: https://api.openai.com/v1\n"
        "  together:\n    kind: openai-compatible\n    base_url: https://api.together.xyz/v1\n"
        "  corp:\n    kind: openai\n    base_url: https://llm.corp.example/v1\n"
        "    proxy: https://gate.corp.example:8443\n    ca_bundle: corp-ca.pem\n"
        "models:\n  m:\n    provider: openai\n    context_window: 1000\n"
        "    max_completion_tokens: 100\n"
    )
    monkeypatch.setenv("FIEDLER_CONFIG", str(config))
    code, checks, out = network_checks(
        monkeypatch,
        capsys,
        HTTPS_PROXY="http://alice:s3cret@proxy.corp:3128",
        NO_PROXY="api.together.xyz",
    )
    assert code == 0
    assert {name: c["detail"] for name, c in checks.items()} == {
        "network openai": "proxy http://alice:***@proxy.corp:3128 (from HTTPS_PROXY); "
        "CA system store",
        "network together": "direct (NO_PROXY entry 'api.together.xyz'); CA system store",
        "network corp": "proxy https://gate.corp.example:8443 (from models.yaml); "
        f"CA {bundle} (from models.yaml ca_bundle)",
    }
    assert "s3cret" not in out

    _, checks, _ = network_checks(monkeypatch, capsys, FIEDLER_TRUST_ENV="0")
    assert checks["network openai"]["detail"] == (
        "direct (FIEDLER_TRUST_ENV=0: the environment is not used); CA system store"
    )
    assert checks["network corp"]["detail"].startswith("proxy https://gate.corp.example:8443")

    monkeypatch.delenv("FIEDLER_TRUST_ENV")
    code, checks, _ = network_checks(
        monkeypatch, capsys, SSL_CERT_FILE=str(tmp_path / "gone.pem"), HTTPS_PROXY="socks5://s:1"
    )
    assert code == 1
    openai, together = checks["network openai"], checks["network together"]
    assert openai["status"] == together["status"] == "FAIL"
    assert openai["detail"].startswith("unusable proxy: HTTPS_PROXY: SOCKS proxies are not")
    assert together["detail"].endswith(f"(from SSL_CERT_FILE): file not found: {tmp_path}/gone.pem")
    assert "SSL_CERT_FILE" in together["fix"]
    assert checks["network corp"]["status"] == "OK"  # its own proxy and CA
