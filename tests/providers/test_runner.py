"""Runner behaviour: event order, timings, keys, timeouts, Retry-After through real HTTP."""

from __future__ import annotations

import contextlib
import email.utils
import socket
from collections.abc import Iterator

import pytest
from providers_support import KINDS, REQUEST, RecordingSleep, healthy, run_models, sim_config

from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.providers.errors import ErrorCode
from fiedler_tui.core.runner import (
    Failed,
    Finished,
    FirstToken,
    Queued,
    Retrying,
    Runner,
    Started,
    TextDelta,
    Usage,
)
from fiedler_tui.core.simulator import (
    Fault,
    FaultKind,
    ModelScript,
    SimulatedModel,
    Simulator,
    simulated_config,
)


@pytest.mark.parametrize("kind", KINDS)
async def test_event_order_and_timings(kind: str) -> None:
    script = ModelScript(reply="one two three four", ttft_s=0.05, tokens_per_s=200)
    models = [SimulatedModel(name="m", kind=kind, script=script)]
    async with Simulator({"m": script}) as sim, Runner(sim_config(sim, models), {}) as runner:
        result = await run_models(runner, ["m"])
    events = result.by_model["m"]
    kinds = [type(e) for e in events]
    assert kinds[0] is Queued and kinds[1] is Started and kinds[-1] is Finished
    first_text = kinds.index(TextDelta)
    assert kinds.index(FirstToken) == first_text - 1
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "one two three four"
    finished = result.finished("m")
    assert finished.usage.output_tokens == 4
    assert result.of_type("m", Usage)[-1].output_tokens == 4
    timings = finished.timings
    assert timings.ttft_s is not None and timings.ttft_s >= 0.04
    assert timings.total_s >= timings.ttft_s
    assert timings.queued_s >= 0
    # four tokens within a few milliseconds: too short a span for a tokens/s figure
    assert timings.output_tokens_per_s is None


async def test_gemini_thought_parts_are_skipped_and_counted_as_output() -> None:
    script = ModelScript(reply="visible answer", thoughts="hidden reasoning here")
    models = [SimulatedModel(name="g", kind="gemini", script=script)]
    async with Simulator({"g": script}) as sim, Runner(sim_config(sim, models), {}) as runner:
        result = await run_models(runner, ["g"])
    finished = result.finished("g")
    assert finished.text == "visible answer"
    assert finished.usage.output_tokens == 2 + 3


@pytest.mark.parametrize(
    ("kind", "raw"), [("openai", "length"), ("anthropic", "max_tokens"), ("gemini", "MAX_TOKENS")]
)
async def test_length_finish_is_normalised(kind: str, raw: str) -> None:
    script = ModelScript(reply="cut off", finish="length")
    models = [SimulatedModel(name="m", kind=kind, script=script)]
    async with Simulator({"m": script}) as sim, Runner(sim_config(sim, models), {}) as runner:
        result = await run_models(runner, ["m"])
    finished = result.finished("m")
    assert (finished.finish_reason, finished.raw_finish_reason) == ("length", raw)


async def test_missing_key_fails_only_that_model_and_says_how_to_fix() -> None:
    models = [healthy("needs-key", "anthropic"), healthy("free", "openai-compatible")]
    async with Simulator({m.name: m.script for m in models}) as sim:
        settings = {"sim-anthropic": {"requires_key": True, "key_env": ["ANTHROPIC_API_KEY"]}}
        config = sim_config(sim, models, settings)
        async with Runner(config, {"sim-anthropic": None}) as runner:
            result = await run_models(runner, ["needs-key", "free"])
        failed = result.failed("needs-key")
        assert failed.error.code is ErrorCode.AUTH
        assert "fiedler keys set sim-anthropic" in failed.error.message
        assert "ANTHROPIC_API_KEY" in failed.error.message
        assert result.finished("free").text
        assert sim.requests_for("needs-key") == []


async def test_a_key_echoed_by_the_server_is_redacted() -> None:
    key = "custom-provider-secret-0123456789"
    body = (
        '{"error":{"message":"Incorrect API key provided: '
        + key
        + '","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}'
    )
    script = ModelScript(faults=(Fault.http(401, body),))
    models = [SimulatedModel(name="m", script=script)]
    async with Simulator({"m": script}) as sim:
        config = sim_config(sim, models, {"sim-openai": {"requires_key": True}})
        async with Runner(config, {"sim-openai": key}) as runner:
            result = await run_models(runner, ["m"])
    failed = result.failed("m")
    assert failed.error.code is ErrorCode.AUTH
    assert key not in failed.error.message and "[redacted]" in failed.error.message


@pytest.mark.parametrize(
    ("fault", "delay"),
    [
        (Fault.rate_limit(retry_after_ms="250", retry_after="9"), 0.25),
        (Fault.rate_limit(retry_after="4"), 4.0),
        (Fault.rate_limit(retry_after=email.utils.formatdate(1_700_000_030, usegmt=True)), 30.0),
    ],
    ids=["retry-after-ms", "retry-after-seconds", "retry-after-date"],
)
async def test_retry_after_headers_are_honoured(
    fault: Fault, delay: float, recording_sleep: RecordingSleep
) -> None:
    script = ModelScript(reply="ok", faults=(fault,))
    models = [SimulatedModel(name="m", kind="anthropic", script=script)]
    async with Simulator({"m": script}) as sim:
        runner = Runner(
            sim_config(sim, models), {}, sleep=recording_sleep, wall_clock=lambda: 1_700_000_000.0
        )
        async with runner:
            result = await run_models(runner, ["m"])
    assert recording_sleep.delays == [pytest.approx(delay)]
    assert result.finished("m").retry_count == 1


async def test_gemini_retry_info_is_honoured(recording_sleep: RecordingSleep) -> None:
    script = ModelScript(reply="ok", faults=(Fault.rate_limit(retry_delay="2.5s"),))
    models = [SimulatedModel(name="g", kind="gemini", script=script)]
    async with (
        Simulator({"g": script}) as sim,
        Runner(sim_config(sim, models), {}, sleep=recording_sleep) as runner,
    ):
        result = await run_models(runner, ["g"])
    assert recording_sleep.delays == [2.5]
    [retrying] = result.of_type("g", Retrying)
    assert retrying.error.code is ErrorCode.RATE_LIMITED and retrying.delay_s == 2.5


@pytest.mark.parametrize("kind", KINDS)
async def test_retry_after_beyond_the_cap_gives_up(
    kind: str, recording_sleep: RecordingSleep
) -> None:
    fault = (
        Fault.rate_limit(retry_delay="3600s")
        if kind == "gemini"
        else Fault.rate_limit(retry_after="3600")
    )
    script = ModelScript(reply="ok", faults=(fault,))
    models = [SimulatedModel(name="m", kind=kind, script=script)]
    async with (
        Simulator({"m": script}) as sim,
        Runner(sim_config(sim, models), {}, sleep=recording_sleep) as runner,
    ):
        result = await run_models(runner, ["m"])
        failed = result.failed("m")
        assert failed.error.code is ErrorCode.RATE_LIMITED
        assert "3600" in failed.error.message
        assert recording_sleep.delays == []
        assert len(sim.requests_for("m")) == 1


async def test_gemini_per_day_quota_is_not_retried(recording_sleep: RecordingSleep) -> None:
    script = ModelScript(faults=(Fault(kind=FaultKind.INSUFFICIENT_QUOTA, retry_delay="20s"),))
    models = [SimulatedModel(name="g", kind="gemini", script=script)]
    async with (
        Simulator({"g": script}) as sim,
        Runner(sim_config(sim, models), {}, sleep=recording_sleep) as runner,
    ):
        result = await run_models(runner, ["g"])
    assert result.failed("g").error.code is ErrorCode.QUOTA_EXHAUSTED
    assert recording_sleep.delays == []


async def test_x_should_retry_false_stops_a_retryable_status(
    recording_sleep: RecordingSleep,
) -> None:
    fault = Fault.http(503, '{"error":{"message":"busy"}}', (("x-should-retry", "false"),))
    script = ModelScript(faults=(fault,))
    models = [SimulatedModel(name="m", script=script)]
    async with (
        Simulator({"m": script}) as sim,
        Runner(sim_config(sim, models), {}, sleep=recording_sleep) as runner,
    ):
        result = await run_models(runner, ["m"])
    assert result.failed("m").error.code is ErrorCode.OVERLOADED
    assert recording_sleep.delays == []


async def test_total_timeout_says_which() -> None:
    script = ModelScript(reply="late", ttft_s=5)
    models = [SimulatedModel(name="slow", script=script), healthy("quick", "openai")]
    async with Simulator({m.name: m.script for m in models}) as sim:
        config = sim_config(sim, models, {"sim-openai": {"total_timeout_s": 0.3}})
        async with Runner(config, {}) as runner:
            result = await run_models(runner, ["slow", "quick"])
    failed = result.failed("slow")
    assert failed.error.code is ErrorCode.TIMEOUT
    assert "total timeout" in failed.error.message and "0.3" in failed.error.message
    assert result.finished("quick").text


@pytest.fixture
def blackhole_port() -> Iterator[int]:
    """A listening port whose accept queue is full, so new connections never complete."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for filler in fillers:
        filler.close()
    server.close()


async def test_connect_timeout_says_which_and_is_retried(
    blackhole_port: int, recording_sleep: RecordingSleep
) -> None:
    models = [SimulatedModel(name="m")]
    config = sim_config_for_url(
        f"http://127.0.0.1:{blackhole_port}/v1", models, connect_timeout_s=0.2
    )
    async with Runner(config, {}, sleep=recording_sleep) as runner:
        result = await run_models(runner, ["m"])
    failed = result.failed("m")
    assert failed.error.code is ErrorCode.TIMEOUT
    assert "connect timeout" in failed.error.message and "0.2" in failed.error.message
    assert failed.error.retry_count == 1
    assert len(recording_sleep.delays) == 1


async def test_refused_connection_is_a_network_error() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    config = sim_config_for_url(f"http://127.0.0.1:{port}/v1", [SimulatedModel(name="m")])
    async with Runner(config, {}, sleep=RecordingSleep()) as runner:
        result = await run_models(runner, ["m"])
    failed = result.failed("m")
    assert failed.error.code is ErrorCode.NETWORK
    assert failed.error.retry_count == 1


def sim_config_for_url(
    url: str, models: list[SimulatedModel], connect_timeout_s: float = 1.0
) -> Config:
    return simulated_config(
        lambda kind, prefix: url,
        models,
        provider_settings={
            "sim-openai": {"connect_timeout_s": connect_timeout_s, "max_retries": 1}
        },
    )


async def test_unknown_model_names_raise_before_anything_starts() -> None:
    models = [SimulatedModel(name="m")]
    config = sim_config_for_url("http://127.0.0.1:9/v1", models)
    async with Runner(config, {}) as runner:
        with pytest.raises(KeyError):
            runner.start(REQUEST, ["nope"])
        with pytest.raises(ValueError, match="twice"):
            runner.start(REQUEST, ["m", "m"])


async def test_failed_events_keep_usage_and_timings() -> None:
    script = ModelScript(reply="a b c d e", faults=(Fault.reset(2),))
    models = [SimulatedModel(name="m", kind="anthropic", script=script)]
    async with Simulator({"m": script}) as sim, Runner(sim_config(sim, models), {}) as runner:
        result = await run_models(runner, ["m"])
    failed = result.failed("m")
    assert isinstance(failed, Failed)
    assert failed.partial_text == "a b "
    assert failed.usage.input_tokens is not None
    assert failed.timings.ttft_s is not None


XAI_BAD_KEY = '{"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***Ju. You can obtain an API key from https://console.x.ai."}'
LLAMACPP_CONTEXT = '{"error":{"code":400,"message":"request (13392 tokens) exceeds the available context size (8192 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":13392,"n_ctx":8192}}'
VLLM_CONTEXT = '{"object":"error","message":"This model\'s maximum context length is 8192 tokens. However, you requested 8203 tokens (7691 in the messages, 512 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}'
TOO_LARGE = '{"error":{"message":"Request too large for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Requested 30601.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}'


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (400, XAI_BAD_KEY, ErrorCode.AUTH),
        (400, LLAMACPP_CONTEXT, ErrorCode.CONTEXT_LENGTH_EXCEEDED),
        (400, VLLM_CONTEXT, ErrorCode.CONTEXT_LENGTH_EXCEEDED),
        (429, TOO_LARGE, ErrorCode.REQUEST_TOO_LARGE),
    ],
    ids=["xai-bad-key", "llama.cpp-context", "vllm-context", "request-too-large"],
)
async def test_compatible_server_errors_are_not_retried(
    status: int, body: str, code: ErrorCode, recording_sleep: RecordingSleep
) -> None:
    script = ModelScript(faults=(Fault.http(status, body),) * 3)
    models = [SimulatedModel(name="m", kind="openai-compatible", script=script)]
    async with (
        Simulator({"m": script}) as sim,
        Runner(sim_config(sim, models), {}, sleep=recording_sleep) as runner,
    ):
        result = await run_models(runner, ["m"])
        assert len(sim.requests_for("m")) == 1
    assert result.failed("m").error.code is code
    assert recording_sleep.delays == []


async def test_a_json_answer_instead_of_a_stream_is_reported(
    recording_sleep: RecordingSleep,
) -> None:
    plain = Fault.http(200, '{"id":"chatcmpl-1","object":"chat.completion","choices":[]}')
    limited = Fault.http(
        200,
        '{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}',
    )
    scripts = {
        "plain": ModelScript(faults=(plain,)),
        "limited": ModelScript(reply="ok", faults=(limited,)),
    }
    models = [SimulatedModel(name=name, script=script) for name, script in scripts.items()]
    async with (
        Simulator(scripts) as sim,
        Runner(sim_config(sim, models), {}, sleep=recording_sleep) as runner,
    ):
        result = await run_models(runner, ["plain", "limited"])
    failed = result.failed("plain")
    assert failed.error.code is ErrorCode.PROTOCOL and "event stream" in failed.error.message
    assert result.finished("limited").retry_count == 1
