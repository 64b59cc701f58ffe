"""`fiedler doctor` shows the rate limits learned for the key in use, with their age."""

from __future__ import annotations

import json
import time

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.locations import user_state_dir
from fiedler_tui.core.ratelimits import LearnedLimitsStore, ObservedLimits

KEY = "sk-test-doctor-limits-0123456789"


def test_doctor_shows_learned_limits_with_their_age(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    store = LearnedLimitsStore(user_state_dir() / "rate-limits.json")
    seen = time.time() - 200
    store.record(
        "openai",
        KEY,
        ObservedLimits(tokens_per_minute=30_000, requests_per_minute=500, seen_at=seen),
    )
    store.record(
        "anthropic",
        "sk-ant-whatever",
        ObservedLimits(
            input_tokens_per_minute=50_000, output_tokens_per_minute=10_000, seen_at=seen - 7200
        ),
    )
    store.save()
    assert main(["doctor", "--json"]) in (0, 1)
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["rate limits openai"] == {
        "status": "OK",
        "name": "rate limits openai",
        "detail": "learned 3 min ago: 30,000 tokens/min, 500 requests/min",
        "fix": "",
    }
    assert checks["rate limits anthropic"]["detail"] == (
        "learned 2 h ago: 50,000 input tokens/min, 10,000 output tokens/min"
    )
    assert "rate limits gemini" not in checks


def test_doctor_says_where_limits_will_be_kept_when_none_are_known(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["doctor"])
    out = capsys.readouterr().out
    assert "rate limits: none configured or learned yet" in out
    assert str(user_state_dir() / "rate-limits.json") in out
