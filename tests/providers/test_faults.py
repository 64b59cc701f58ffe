"""Each adapter against each scripted fault, over real loopback HTTP.

For every fault: the right error code, the right retry decision and count, partial text kept,
and a healthy model in the same run still finishes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from providers_support import KINDS, RecordingSleep, run_models, sim_config

from fiedler_tui.core.providers.errors import ErrorCode
from fiedler_tui.core.runner import Retrying, Runner
from fiedler_tui.core.simulator import Fault, FaultKind, ModelScript, SimulatedModel, Simulator

REPLY = "alpha beta gamma delta epsilon zeta eta theta"
TOKENS = ModelScript(reply=REPLY).tokens()


@dataclass(frozen=True)
class Case:
    name: str
    faults: tuple[Fault, ...]
    code: ErrorCode | None
    """None: the model finishes (after retries)."""
    requests: int
    retries: int
    partial_tokens: int = 0


CASES = [
    Case("rate_limit_once", (Fault.rate_limit(retry_after="1"),), None, 2, 1),
    Case(
        "insufficient_quota",
        (Fault.of(FaultKind.INSUFFICIENT_QUOTA),),
        ErrorCode.QUOTA_EXHAUSTED,
        1,
        0,
    ),
    Case("500_once", (Fault.server_error(500),), None, 2, 1),
    Case("502_once", (Fault.server_error(502),), None, 2, 1),
    Case("503_once", (Fault.server_error(503),), None, 2, 1),
    Case("529_once", (Fault.server_error(529),), None, 2, 1),
    Case("500_always", (Fault.server_error(500),) * 3, ErrorCode.SERVER_ERROR, 3, 2),
    Case("529_always", (Fault.server_error(529),) * 3, ErrorCode.OVERLOADED, 3, 2),
    Case("unauthorized", (Fault.of(FaultKind.UNAUTHORIZED),), ErrorCode.AUTH, 1, 0),
    Case("not_found", (Fault.of(FaultKind.NOT_FOUND),), ErrorCode.MODEL_NOT_FOUND, 1, 0),
    Case(
        "context_length",
        (Fault.of(FaultKind.CONTEXT_LENGTH),),
        ErrorCode.CONTEXT_LENGTH_EXCEEDED,
        1,
        0,
    ),
    Case("reset_before_stream", (Fault.reset(0),), None, 2, 1),
    Case("reset_before_stream_always", (Fault.reset(0),) * 3, ErrorCode.NETWORK, 3, 2),
    Case("reset_mid_stream", (Fault.reset(3),), ErrorCode.NETWORK, 1, 0, 3),
    Case("stall_before_first_token", (Fault.stall(0),), None, 2, 1),
    Case("stall_mid_stream", (Fault.stall(3),), ErrorCode.TIMEOUT, 1, 0, 3),
    Case("truncated_stream", (Fault.of(FaultKind.TRUNCATE, 3),), ErrorCode.PROTOCOL, 1, 0, 3),
    Case(
        "truncated_after_last_token",
        (Fault.of(FaultKind.TRUNCATE, len(TOKENS)),),
        ErrorCode.PROTOCOL,
        1,
        0,
        len(TOKENS),
    ),
    Case("malformed_json_event", (Fault.of(FaultKind.MALFORMED, 2),), ErrorCode.PROTOCOL, 1, 0, 2),
    Case(
        "stream_error_event",
        (Fault.of(FaultKind.STREAM_ERROR, 2),),
        ErrorCode.SERVER_ERROR,
        1,
        0,
        2,
    ),
]
STREAM_ERROR_CODE = {
    "openai": ErrorCode.SERVER_ERROR,
    "anthropic": ErrorCode.OVERLOADED,
    "gemini": ErrorCode.OVERLOADED,
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_fault(kind: str, case: Case, recording_sleep: RecordingSleep) -> None:
    models = [
        SimulatedModel(
            name="faulty", kind=kind, script=ModelScript(reply=REPLY, faults=case.faults)
        ),
        SimulatedModel(name="healthy", kind=kind, script=ModelScript(reply="all good here")),
    ]
    async with Simulator({m.name: m.script for m in models}) as sim:
        settings = {f"sim-{kind}": {"read_timeout_s": 0.3, "max_retries": 2, "requires_key": True}}
        config = sim_config(sim, models, settings)
        keys = {f"sim-{kind}": "test-key-123456"}
        async with Runner(config, keys, sleep=recording_sleep, random_fn=lambda: 0.0) as runner:
            result = await run_models(runner, ["faulty", "healthy"])

        assert result.finished("healthy").text == "all good here"
        assert len(sim.requests_for("faulty")) == case.requests
        retries = result.of_type("faulty", Retrying)
        assert len(retries) == case.retries
        assert [r.attempt for r in retries] == list(range(2, case.retries + 2))
        if case.code is None:
            finished = result.finished("faulty")
            assert finished.text == REPLY
            assert finished.retry_count == case.retries
            return
        failed = result.failed("faulty")
        expected = STREAM_ERROR_CODE[kind] if case.name == "stream_error_event" else case.code
        assert failed.error.code is expected, failed.error
        assert failed.error.retry_count == case.retries
        assert failed.error.provider == f"sim-{kind}"
        assert failed.partial_text == "".join(TOKENS[: case.partial_tokens])
        assert "test-key-123456" not in failed.error.message


async def test_retry_delays_follow_backoff_and_retry_after(recording_sleep: RecordingSleep) -> None:
    faults = (Fault.server_error(500), Fault.server_error(503), Fault.rate_limit(retry_after="3"))
    models = [SimulatedModel(name="m", script=ModelScript(reply="ok", faults=faults))]
    async with Simulator({"m": models[0].script}) as sim:
        config = sim_config(sim, models, {"sim-openai": {"max_retries": 3}})
        async with Runner(config, {}, sleep=recording_sleep, random_fn=lambda: 0.0) as runner:
            result = await run_models(runner, ["m"])
    assert result.finished("m").retry_count == 3
    assert recording_sleep.delays == [0.5, 1.0, 3.0]
    assert [r.delay_s for r in result.of_type("m", Retrying)] == [0.5, 1.0, 3.0]


async def test_idle_timeout_message_says_which(recording_sleep: RecordingSleep) -> None:
    models = [SimulatedModel(name="m", script=ModelScript(reply=REPLY, faults=(Fault.stall(2),)))]
    async with Simulator({"m": models[0].script}) as sim:
        config = sim_config(sim, models, {"sim-openai": {"read_timeout_s": 0.2}})
        async with Runner(config, {}, sleep=recording_sleep) as runner:
            result = await run_models(runner, ["m"])
        failed = result.failed("m")
        assert failed.error.code is ErrorCode.TIMEOUT
        assert "idle timeout" in failed.error.message and "0.2" in failed.error.message
        await sim.wait_idle()
        assert sim.requests_for("m")[0].client_disconnected


async def test_a_stall_that_recovers_within_the_idle_timeout_is_fine() -> None:
    script = ModelScript(reply=REPLY, faults=(Fault.stall(2, stall_s=0.05),))
    models = [SimulatedModel(name="m", script=script)]
    async with Simulator({"m": script}) as sim:
        config = sim_config(sim, models, {"sim-openai": {"read_timeout_s": 2}})
        async with Runner(config, {}) as runner:
            result = await run_models(runner, ["m"])
    assert result.finished("m").text == REPLY
