"""Error classification on the real error bodies quoted in PROVIDERS.md (§2.4, §3.4, §4.4, §5-7)."""

from __future__ import annotations

import json

import pytest

from fiedler_tui.core.providers.classify import classify_response, classify_stream_error
from fiedler_tui.core.providers.errors import ErrorCode, redact

OPENAI_CONTEXT = '{"error":{"message":"This model\'s maximum context length is 4097 tokens. However, your messages resulted in 4294 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}'
OPENAI_CONTEXT_NEW = '{"error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"Your input exceeds the context window of this model. Please adjust your input and try again.","param":"input"}}'
OPENAI_NOT_FOUND = '{"error":{"message":"The model `gpt-4o` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}'
OPENAI_QUOTA = '{"error":{"message":"You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}'
OPENAI_RATE = '{"error":{"message":"Rate limit reached for gpt-4.1 in organization org-x on tokens per min (TPM): Limit 30000, Used 22343, Requested 10955. Please try again in 6.596s.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}'
OPENAI_TOO_LARGE = '{"error":{"message":"Request too large for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Requested 30601. The input or output tokens must be reduced in order to run successfully.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}'
OPENAI_UNSUPPORTED = '{"error":{"message":"Unsupported parameter: \'max_tokens\' is not supported with this model. Use \'max_completion_tokens\' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}'
OPENAI_TEMPERATURE = '{"error":{"message":"Unsupported value: \'temperature\' does not support 0.5 with this model. Only the default (1) value is supported.","type":"invalid_request_error","param":"temperature","code":"unsupported_value"}}'
XAI_BAD_KEY = '{"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***Ju. You can obtain an API key from https://console.x.ai."}'
LLAMACPP_CONTEXT = '{"error":{"code":400,"message":"request (13392 tokens) exceeds the available context size (8192 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":13392,"n_ctx":8192}}'
VLLM_OLD = '{"object":"error","message":"This model\'s maximum context length is 8192 tokens. However, you requested 8203 tokens (7691 in the messages, 512 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}'
VLLM_NEW = '{"error":{"message":"This model\'s maximum context length is 8192 tokens. However, you requested 8203 tokens. Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}}'
VLLM_OTHER = '{"object":"error","message":"[{\'type\': \'missing\', \'loc\': (\'body\', \'messages\')}]","type":"BadRequestError","param":null,"code":400}'
OLLAMA_NOT_FOUND = '{"error":{"message":"model \\"llama9\\" not found, try pulling it first","type":"not_found_error","param":null,"code":null}}'
ANTHROPIC_CONTEXT = '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 200251 tokens > 200000 maximum"},"request_id":"req_011CWdepJvA2D819tdYYq4h7"}'
ANTHROPIC_CONTEXT_2 = '{"type":"error","error":{"type":"invalid_request_error","message":"input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length or `max_tokens` and try again"}}'
ANTHROPIC_OVERLOADED = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CZAYNHHZc2dXw6vchbkhw"}'
ANTHROPIC_500_OVERLOADED = '{"type":"error","error":{"type":"api_error","message":"Overloaded"}}'
ANTHROPIC_BILLING = '{"type":"error","error":{"type":"billing_error","message":"Your account has no credit.","details":null},"request_id":"req_1"}'
GEMINI_403 = '{"error":{"code":403,"message":"Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.","status":"PERMISSION_DENIED"}}'
GEMINI_404 = '{"error":{"code":404,"message":"This model models/gemini-2.5-flash is no longer available to new users.","status":"NOT_FOUND"}}'
GEMINI_503 = '{"error":{"code":503,"message":"This model is currently experiencing high demand. Spikes in demand are usually temporary. Please try again later.","status":"UNAVAILABLE"}}'


def gemini_429(quota_id: str) -> str:
    return json.dumps(
        {
            "error": {
                "code": 429,
                "message": "You exceeded your current quota ... Please retry in 38.292227434s.",
                "status": "RESOURCE_EXHAUSTED",
                "details": [
                    {"@type": "type.googleapis.com/google.rpc.Help", "links": []},
                    {
                        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                        "violations": [{"quotaId": quota_id, "quotaValue": "15"}],
                    },
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "38s"},
                ],
            }
        }
    )


CASES = [
    ("openai context", 400, OPENAI_CONTEXT, ErrorCode.CONTEXT_LENGTH_EXCEEDED, False),
    ("openai context new", 400, OPENAI_CONTEXT_NEW, ErrorCode.CONTEXT_LENGTH_EXCEEDED, False),
    ("openai 404", 404, OPENAI_NOT_FOUND, ErrorCode.MODEL_NOT_FOUND, False),
    ("openai insufficient_quota", 429, OPENAI_QUOTA, ErrorCode.QUOTA_EXHAUSTED, False),
    ("openai rate limit", 429, OPENAI_RATE, ErrorCode.RATE_LIMITED, True),
    ("openai request too large", 429, OPENAI_TOO_LARGE, ErrorCode.REQUEST_TOO_LARGE, False),
    ("openai unsupported parameter", 400, OPENAI_UNSUPPORTED, ErrorCode.BAD_REQUEST, False),
    ("openai unsupported temperature", 400, OPENAI_TEMPERATURE, ErrorCode.BAD_REQUEST, False),
    (
        "openai 401",
        401,
        '{"error":{"message":"Incorrect API key provided: sk-ab***cd.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}',
        ErrorCode.AUTH,
        False,
    ),
    (
        "openai 403",
        403,
        '{"error":{"message":"Country not supported","type":"permission_error","param":null,"code":null}}',
        ErrorCode.PERMISSION,
        False,
    ),
    ("openai 408", 408, '{"error":{"message":"timeout"}}', ErrorCode.TIMEOUT, True),
    ("openai 409", 409, '{"error":{"message":"conflict"}}', ErrorCode.CONFLICT, True),
    (
        "openai 500",
        500,
        '{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}',
        ErrorCode.SERVER_ERROR,
        True,
    ),
    (
        "openai 502 html",
        502,
        "<html><body>502 Bad Gateway</body></html>",
        ErrorCode.SERVER_ERROR,
        True,
    ),
    ("xai bad key is 400 with string error", 400, XAI_BAD_KEY, ErrorCode.AUTH, False),
    ("llama.cpp int code", 400, LLAMACPP_CONTEXT, ErrorCode.CONTEXT_LENGTH_EXCEEDED, False),
    ("vllm old flat shape", 400, VLLM_OLD, ErrorCode.CONTEXT_LENGTH_EXCEEDED, False),
    ("vllm new shape", 400, VLLM_NEW, ErrorCode.CONTEXT_LENGTH_EXCEEDED, False),
    ("vllm other 400", 400, VLLM_OTHER, ErrorCode.BAD_REQUEST, False),
    ("ollama missing model", 404, OLLAMA_NOT_FOUND, ErrorCode.MODEL_NOT_FOUND, False),
    ("anthropic prompt too long", 400, ANTHROPIC_CONTEXT, ErrorCode.CONTEXT_LENGTH_EXCEEDED, False),
    (
        "anthropic input + max_tokens",
        400,
        ANTHROPIC_CONTEXT_2,
        ErrorCode.CONTEXT_LENGTH_EXCEEDED,
        False,
    ),
    ("anthropic 529", 529, ANTHROPIC_OVERLOADED, ErrorCode.OVERLOADED, True),
    ("anthropic 500 overloaded", 500, ANTHROPIC_500_OVERLOADED, ErrorCode.OVERLOADED, True),
    ("anthropic 402 billing", 402, ANTHROPIC_BILLING, ErrorCode.QUOTA_EXHAUSTED, False),
    (
        "anthropic 413",
        413,
        '{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}}',
        ErrorCode.REQUEST_TOO_LARGE,
        False,
    ),
    ("gemini 403", 403, GEMINI_403, ErrorCode.PERMISSION, False),
    ("gemini 404", 404, GEMINI_404, ErrorCode.MODEL_NOT_FOUND, False),
    ("gemini 503", 503, GEMINI_503, ErrorCode.OVERLOADED, True),
    (
        "gemini per-minute quota",
        429,
        gemini_429("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"),
        ErrorCode.RATE_LIMITED,
        True,
    ),
    (
        "gemini per-day quota",
        429,
        gemini_429("GenerateRequestsPerDayPerProjectPerModel"),
        ErrorCode.QUOTA_EXHAUSTED,
        False,
    ),
    (
        "gemini bad key",
        400,
        '{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}',
        ErrorCode.AUTH,
        False,
    ),
    (
        "together 429 old shape",
        429,
        '{"message":"rate limit","type":"rate_limit"}',
        ErrorCode.RATE_LIMITED,
        True,
    ),
]


@pytest.mark.parametrize(
    ("status", "body", "code", "retryable"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_classification(status: int, body: str, code: ErrorCode, retryable: bool) -> None:
    error = classify_response(provider="p", status=status, headers={}, body=body.encode(), now=0.0)
    assert error.code is code
    assert error.retryable is retryable
    assert error.http_status == status
    assert error.message


def test_gemini_retry_info_is_the_retry_delay() -> None:
    body = gemini_429("GenerateRequestsPerMinutePerProjectPerModel-FreeTier").encode()
    error = classify_response(provider="gemini", status=429, headers={}, body=body, now=0.0)
    assert error.retry_after_s == 38.0


def test_headers_beat_retry_info_and_give_the_request_id() -> None:
    body = gemini_429("GenerateRequestsPerMinute").encode()
    headers = {"retry-after-ms": "1500", "retry-after": "9", "x-request-id": "req_1"}
    error = classify_response(provider="p", status=429, headers=headers, body=body, now=0.0)
    assert error.retry_after_s == 1.5
    assert error.request_id == "req_1"


def test_anthropic_request_id_comes_from_the_body_or_header() -> None:
    error = classify_response(
        provider="a", status=529, headers={}, body=ANTHROPIC_OVERLOADED.encode(), now=0.0
    )
    assert error.request_id == "req_011CZAYNHHZc2dXw6vchbkhw"


def test_x_should_retry_is_obeyed_but_never_for_permanent_errors() -> None:
    rate = OPENAI_RATE.encode()
    no = classify_response(
        provider="p", status=429, headers={"x-should-retry": "false"}, body=rate, now=0.0
    )
    assert not no.retryable
    yes = classify_response(
        provider="p", status=400, headers={"x-should-retry": "true"}, body=b"{}", now=0.0
    )
    assert yes.retryable
    quota = classify_response(
        provider="p",
        status=429,
        headers={"x-should-retry": "true"},
        body=OPENAI_QUOTA.encode(),
        now=0.0,
    )
    assert not quota.retryable


def test_stream_errors_are_classified_without_a_status() -> None:
    anthropic = classify_stream_error(
        provider="a",
        payload={"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
    )
    assert anthropic.code is ErrorCode.OVERLOADED and anthropic.http_status is None
    openai = classify_stream_error(
        provider="o",
        payload={
            "error": {
                "message": "The server experienced an error",
                "type": "server_error",
                "param": None,
                "code": None,
            }
        },
    )
    assert openai.code is ErrorCode.SERVER_ERROR
    responses = classify_stream_error(
        provider="o",
        payload={
            "type": "error",
            "error": {
                "type": "invalid_request_error",
                "code": "context_length_exceeded",
                "message": "Your input exceeds the context window of this model.",
            },
        },
    )
    assert responses.code is ErrorCode.CONTEXT_LENGTH_EXCEEDED


def test_keys_never_reach_messages() -> None:
    key = "sk-proj-abcdefghijklmnop1234567890"
    body = json.dumps(
        {"error": {"message": f"Incorrect API key provided: {key}.", "code": "invalid_api_key"}}
    )
    error = classify_response(
        provider="openai", status=401, headers={}, body=body.encode(), now=0.0, secrets=[key]
    )
    assert key not in str(error) and key not in error.message
    assert "fiedler keys set openai" in error.message
    assert "sk-ant-api03-" + "x" * 20 not in redact("echo sk-ant-api03-" + "x" * 20)
    assert "AIza" not in redact("key=AIzaSyA1234567890abcdefghijklmnopq")
    assert "plain-secret-value" not in redact("got plain-secret-value here", ["plain-secret-value"])
