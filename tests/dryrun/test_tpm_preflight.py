"""The dry run's tokens-per-minute preflight: a model whose one request is larger than its
provider's limit (configured in models.yaml, else learned from headers) blocks the send, in
the core and through the CLI (exit 3, nothing sent)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fiedler_tui.core.budget import BlockerKind, DryRunEngine, DryRunOptions
from fiedler_tui.core.config.loader import packaged_config_text
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.ratelimits import LearnedLimitsStore, ObservedLimits, token_limits
from tests.dryrun.conftest import write

pytestmark = pytest.mark.timeout(60)
REPO = Path(__file__).resolve().parents[2]
PACKAGE = "def main():\n    return 42\n" * 200


def with_provider(config: Config, name: str, **changes: object) -> Config:
    provider = config.providers[name].model_copy(update=changes)
    return config.model_copy(update={"providers": {**config.providers, name: provider}})


def memory_store() -> LearnedLimitsStore:
    return LearnedLimitsStore(None).load()


def test_a_request_above_the_configured_limit_is_a_blocker(
    engine: DryRunEngine, config: Config, root: Path
) -> None:
    write(root / "app.py", PACKAGE)
    limited = with_provider(config, "openai", tokens_per_minute=100)
    options = DryRunOptions(
        prompt="Review.", rate_limits=token_limits(limited, store=memory_store())
    )
    result = engine.run([root / "app.py"], [config.resolve("gpt-5")], options)
    [blocker] = [b for b in result.blockers if b.kind is BlockerKind.RATE_LIMIT]
    budget = result.models[0]
    charge = budget.input_tokens + budget.completion_reserve
    assert blocker.message.startswith(
        f"gpt-5 can never be accepted at this limit (100 tokens per minute, tokens_per_minute "
        f"in models.yaml; this request is {charge:,} tokens: {budget.input_tokens:,} input + "
    )
    assert "send fewer files" in blocker.message and "another model" in blocker.message
    assert not result.sendable


def test_anthropic_limits_count_input_only(
    engine: DryRunEngine, config: Config, root: Path
) -> None:
    write(root / "app.py", PACKAGE)
    model = config.resolve("sonnet")
    probe = engine.run([root / "app.py"], [model], DryRunOptions(prompt="Review."))
    input_tokens = probe.models[0].input_tokens
    # input alone fits; input plus the completion limit would not: no blocker for Anthropic
    limited = with_provider(config, "anthropic", tokens_per_minute=input_tokens + 1)
    options = DryRunOptions(
        prompt="Review.", rate_limits=token_limits(limited, store=memory_store())
    )
    assert engine.run([root / "app.py"], [model], options).blockers == ()
    limited = with_provider(config, "anthropic", tokens_per_minute=input_tokens - 1)
    options = DryRunOptions(
        prompt="Review.", rate_limits=token_limits(limited, store=memory_store())
    )
    [blocker] = engine.run([root / "app.py"], [model], options).blockers
    assert blocker.kind is BlockerKind.RATE_LIMIT
    assert (
        f"({input_tokens - 1:,} input tokens per minute, tokens_per_minute in models.yaml; "
        f"this request is {input_tokens:,} input tokens)" in blocker.message
    )


def test_a_learned_limit_applies_when_the_config_sets_none(
    engine: DryRunEngine, config: Config, root: Path
) -> None:
    write(root / "app.py", PACKAGE)
    store = memory_store()
    store.record(
        "anthropic", "sk-ant-low-tier", ObservedLimits(input_tokens_per_minute=50, seen_at=1_000.0)
    )
    limits = token_limits(config, {"anthropic": "sk-ant-low-tier"}, store, now=1_000.0 + 600)
    options = DryRunOptions(prompt="Review.", rate_limits=limits)
    result = engine.run(
        [root / "app.py"], [config.resolve("sonnet"), config.resolve("gpt-5")], options
    )
    [blocker] = result.blockers
    assert blocker.kind is BlockerKind.RATE_LIMIT
    assert blocker.message.startswith("claude-sonnet can never be accepted at this limit (50 input")
    assert "learned from anthropic's headers 10 min ago" in blocker.message
    assert "tokens_per_minute in models.yaml overrides it" in blocker.message
    # another key of the same provider has not been seen: its limits are unknown
    assert token_limits(config, {"anthropic": "sk-ant-other"}, store) == {}
    # a limit learned over a day ago is not judged (the tier may have changed since)
    assert token_limits(config, {"anthropic": "sk-ant-low-tier"}, store, now=1_000.0 + 90_000) == {}


def test_a_request_within_the_limit_is_not_blocked(
    engine: DryRunEngine, config: Config, root: Path
) -> None:
    write(root / "app.py", PACKAGE)
    limited = with_provider(config, "openai", tokens_per_minute=30_000_000)
    options = DryRunOptions(
        prompt="Review.", rate_limits=token_limits(limited, store=memory_store())
    )
    assert engine.run([root / "app.py"], [config.resolve("gpt-5")], options).blockers == ()


@pytest.mark.parametrize("command", ["dry-run", "send"])
def test_the_cli_refuses_with_exit_3_and_the_limit(tmp_path: Path, command: str) -> None:
    document = yaml.safe_load(packaged_config_text())
    document["providers"]["openai"]["tokens_per_minute"] = 100
    config_path = write(tmp_path / "models.yaml", yaml.safe_dump(document))
    project = tmp_path / "project"
    write(project / "app.py", PACKAGE)
    env = {
        **os.environ,
        "FIEDLER_CONFIG": str(config_path),
        "FIEDLER_ALLOWED_FILE_ROOTS": str(project),
        "FIEDLER_OUTPUT_DIR": str(tmp_path / "runs"),
        "OPENAI_API_KEY": "sk-test-openai",
    }
    done = subprocess.run(
        [sys.executable, "-m", "fiedler_tui", command, ".", "-m", "gpt-5", "-p", "Review."],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    output = done.stdout + done.stderr
    assert "gpt-5 can never be accepted at this limit (100 tokens per minute" in output
    assert "Traceback" not in output
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
