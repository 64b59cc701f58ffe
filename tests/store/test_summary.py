"""The run summary: redacted by default, opt-in prompt, hashed file names, costs."""

from __future__ import annotations

import json

from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.store.summary import (
    ModelRecord,
    PackagedFile,
    PackageFacts,
    build_summary,
    sha256_text,
    usage_cost,
)

GPT5 = ModelSpec(
    name="gpt-5",
    provider="openai",
    context_window=400_000,
    max_completion_tokens=32_000,
    price_in=1.25,
    price_out=10.0,
)
PROMPT = "canary-prompt: review the secret plan"
PACKAGE = PackageFacts(
    files=[
        PackagedFile("src/app.py", 120, 4, "ab" * 32),
        PackagedFile("README.md", 30, 2, "cd" * 32),
    ],
    bytes=150,
    lines=6,
    sha256="ef" * 32,
)


def summary(**kwargs: bool) -> dict[str, object]:
    model = ModelRecord(
        "gpt-5",
        "openai",
        "gpt-5",
        status="done",
        usage_input=1000,
        usage_output=500,
        cost_usd=usage_cost(GPT5, 1000, 500),
    )
    return build_summary(
        app_version="0.1.0",
        status="done",
        started_at="2026-11-23T18:00:00+00:00",
        ended_at="2026-11-23T18:01:00+00:00",
        prompt=PROMPT,
        package=PACKAGE,
        models=[model],
        **kwargs,
    )


def test_prompt_is_only_a_hash_and_length_by_default() -> None:
    data = summary()
    text = json.dumps(data)
    assert "canary-prompt" not in text
    assert data["prompt"] == {"sha256": sha256_text(PROMPT), "chars": len(PROMPT)}


def test_prompt_is_kept_when_the_user_opts_in() -> None:
    assert summary(save_prompt=True)["prompt"]["text"] == PROMPT  # type: ignore[index]


def test_file_names_hashed_on_request() -> None:
    plain = summary()["package"]
    hashed = summary(redact_filenames=True)["package"]
    assert [f["path"] for f in plain["file_list"]] == ["src/app.py", "README.md"]  # type: ignore[index]
    assert "src/app.py" not in json.dumps(hashed)
    assert hashed["file_list"][0]["path_sha256"] == sha256_text("src/app.py")  # type: ignore[index]
    assert hashed["files"] == 2 and hashed["bytes"] == 150  # type: ignore[index]


def test_costs_from_reported_usage() -> None:
    assert usage_cost(GPT5, 1000, 500) == 0.00625
    assert summary()["cost_usd"] == 0.00625
