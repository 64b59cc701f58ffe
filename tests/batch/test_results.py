"""Each provider's batch result lines read into one outcome shape: answer, usage, error."""

from __future__ import annotations

from fiedler_tui.core.batch.gemini_batch import GeminiBatches
from fiedler_tui.core.batch.results import anthropic_outcome, gemini_outcome, openai_outcome
from fiedler_tui.core.batch.state import PartEntry


def test_anthropic_input_counts_cache_reads_and_writes() -> None:
    line = {
        "custom_id": "u00001-m0",
        "result": {
            "type": "succeeded",
            "message": {
                "content": [
                    {"type": "thinking", "thinking": "hmm"},
                    {"type": "text", "text": "ok"},
                ],
                "stop_reason": "max_tokens",
                "usage": {
                    "input_tokens": 10,
                    "cache_read_input_tokens": 100,
                    "cache_creation_input_tokens": 5,
                    "output_tokens": 7,
                },
            },
        },
    }
    outcome = anthropic_outcome(line, "anthropic", ())
    assert outcome is not None
    assert (outcome.text, outcome.finish_reason) == ("ok", "length")
    assert (outcome.usage_input, outcome.usage_cached_input, outcome.usage_output) == (115, 100, 7)
    expired = anthropic_outcome({"custom_id": "x", "result": {"type": "expired"}}, "a", ())
    assert expired is not None and expired.status == "expired"


def test_gemini_leaves_thoughts_out_of_the_answer_but_bills_them_as_output() -> None:
    item = {
        "metadata": {"key": "u00002-m1"},
        "response": {
            "candidates": [
                {
                    "content": {"parts": [{"text": "thinking…", "thought": True}, {"text": "A"}]},
                    "finishReason": "STOP",
                }
            ],
            "usageMetadata": {
                "promptTokenCount": 50,
                "candidatesTokenCount": 3,
                "thoughtsTokenCount": 20,
            },
        },
    }
    outcome = gemini_outcome(item, "gemini", ())
    assert outcome is not None
    assert (outcome.text, outcome.usage_input, outcome.usage_output) == ("A", 50, 23)
    failed = gemini_outcome(
        {
            "metadata": {"key": "k"},
            "error": {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED"},
        },
        "gemini",
        (),
    )
    assert failed is not None and failed.status == "failed" and failed.error is not None
    assert str(failed.error.code) == "rate_limited"


def test_openai_refusals_errors_and_expiry() -> None:
    refusal = {
        "custom_id": "u00000-m0",
        "response": {
            "status_code": 200,
            "body": {
                "choices": [
                    {"message": {"content": None, "refusal": "no"}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 9, "completion_tokens": 1},
            },
        },
    }
    outcome = openai_outcome(refusal, "openai", ())
    assert outcome is not None and outcome.text == "no" and outcome.usage_input == 9
    quota = {
        "custom_id": "u00000-m1",
        "response": {
            "status_code": 429,
            "body": {
                "error": {
                    "message": "You exceeded your current quota",
                    "type": "insufficient_quota",
                    "code": "insufficient_quota",
                }
            },
        },
    }
    failed = openai_outcome(quota, "openai", ())
    assert failed is not None and failed.error is not None
    assert str(failed.error.code) == "quota_exhausted"
    expired = openai_outcome(
        {"custom_id": "x", "response": None, "error": {"code": "batch_expired", "message": "late"}},
        "openai",
        (),
    )
    assert expired is not None and expired.status == "expired"


def test_a_gemini_batch_in_the_sdks_job_states_has_ended() -> None:
    engine = GeminiBatches()
    for state, ended in (
        ("JOB_STATE_SUCCEEDED", True),
        ("BATCH_STATE_EXPIRED", True),
        ("BATCH_STATE_RUNNING", False),
    ):
        part = PartEntry("p0", "gemini", "gemini", "gem", [], provider_status=state)
        assert engine.ended(part) is ended
