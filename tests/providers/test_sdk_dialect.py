"""The official OpenAI and Anthropic SDKs (dev-only dependencies) accept the simulator's wire
format: proof that it speaks the real dialect, not a simplified one."""

from __future__ import annotations

import anthropic
import openai
import pytest

from fiedler_tui.core.simulator import Fault, FaultKind, ModelScript, Simulator

REPLY = "Hello there from the simulator"
WORDS = len(ModelScript(reply=REPLY).tokens())


async def test_openai_sdk_streams_text_usage_and_finish_reason() -> None:
    async with Simulator({"gpt-sim": ModelScript(reply=REPLY)}) as sim:
        client = openai.AsyncOpenAI(
            api_key="sk-test", base_url=sim.base_url("openai"), max_retries=0
        )
        async with client:
            stream = await client.chat.completions.create(
                model="gpt-sim",
                messages=[{"role": "system", "content": "s"}, {"role": "user", "content": "u"}],
                max_completion_tokens=50,
                stream=True,
                stream_options={"include_usage": True},
            )
            text, finish, usage = "", None, None
            async for chunk in stream:
                if chunk.choices:
                    text += chunk.choices[0].delta.content or ""
                    finish = chunk.choices[0].finish_reason or finish
                if chunk.usage is not None:
                    usage = chunk.usage
        assert text == REPLY
        assert finish == "stop"
        assert usage is not None and usage.completion_tokens == WORDS
        assert sim.requests[0].headers["authorization"] == "Bearer sk-test"


async def test_openai_sdk_sees_the_real_error_shapes() -> None:
    scripts = {
        "quota": ModelScript(faults=(Fault.of(FaultKind.INSUFFICIENT_QUOTA),)),
        "midway": ModelScript(reply=REPLY, faults=(Fault.of(FaultKind.STREAM_ERROR, 2),)),
    }
    async with Simulator(scripts) as sim:
        client = openai.AsyncOpenAI(
            api_key="sk-test", base_url=sim.base_url("openai"), max_retries=0
        )
        async with client:
            with pytest.raises(openai.RateLimitError) as quota:
                await client.chat.completions.create(
                    model="quota", messages=[{"role": "user", "content": "u"}], stream=True
                )
            assert quota.value.code == "insufficient_quota"
            with pytest.raises(openai.NotFoundError) as missing:
                await client.chat.completions.create(
                    model="unknown", messages=[{"role": "user", "content": "u"}], stream=True
                )
            assert missing.value.code == "model_not_found"
            stream = await client.chat.completions.create(
                model="midway", messages=[{"role": "user", "content": "u"}], stream=True
            )
            with pytest.raises(openai.APIError, match="server experienced an error"):
                async for _chunk in stream:
                    pass


async def test_anthropic_sdk_streams_text_usage_and_stop_reason() -> None:
    async with Simulator({"claude-sim": ModelScript(reply=REPLY)}) as sim:
        client = anthropic.AsyncAnthropic(
            api_key="ant-test", base_url=sim.base_url("anthropic"), max_retries=0
        )
        async with (
            client,
            client.messages.stream(
                model="claude-sim",
                max_tokens=50,
                system="s",
                messages=[{"role": "user", "content": "u"}],
            ) as stream,
        ):
            text = "".join([piece async for piece in stream.text_stream])
            final = await stream.get_final_message()
        assert text == REPLY
        assert final.stop_reason == "end_turn"
        assert final.usage.output_tokens == WORDS
        assert final.usage.input_tokens > 0
        headers = sim.requests[0].headers  # newer SDKs send the key as a bearer token
        assert "ant-test" in (headers.get("x-api-key"), headers.get("authorization", "")[7:])
        assert "anthropic-version" in headers


async def test_anthropic_sdk_sees_the_real_error_shapes() -> None:
    scripts = {
        "busy": ModelScript(faults=(Fault.server_error(529),)),
        "long": ModelScript(faults=(Fault.of(FaultKind.CONTEXT_LENGTH),)),
        "midway": ModelScript(reply=REPLY, faults=(Fault.of(FaultKind.STREAM_ERROR, 2),)),
    }
    async with Simulator(scripts) as sim:
        client = anthropic.AsyncAnthropic(
            api_key="ant-test", base_url=sim.base_url("anthropic"), max_retries=0
        )
        async with client:
            with pytest.raises(anthropic.APIStatusError) as busy:
                await client.messages.create(
                    model="busy",
                    max_tokens=5,
                    messages=[{"role": "user", "content": "u"}],
                    stream=True,
                )
            assert busy.value.status_code == 529
            with pytest.raises(anthropic.BadRequestError, match="prompt is too long"):
                await client.messages.create(
                    model="long",
                    max_tokens=5,
                    messages=[{"role": "user", "content": "u"}],
                    stream=True,
                )
            with pytest.raises(anthropic.APIStatusError, match="Overloaded"):
                async with client.messages.stream(
                    model="midway", max_tokens=5, messages=[{"role": "user", "content": "u"}]
                ) as stream:
                    async for _text in stream.text_stream:
                        pass


LONG = "def handler(event):\n    return event\n" * 200
"""A prefix of over 1,024 simulated tokens: cached by the simulator when seen again."""


async def test_both_sdks_read_the_simulators_cached_usage() -> None:
    async with Simulator({"m": ModelScript(reply=REPLY)}) as sim:
        openai_client = openai.AsyncOpenAI(
            api_key="sk-test", base_url=sim.base_url("openai"), max_retries=0
        )
        anthropic_client = anthropic.AsyncAnthropic(
            api_key="ant-test", base_url=sim.base_url("anthropic"), max_retries=0
        )
        details = []
        async with openai_client:
            for question in ("one?", "two?"):
                stream = await openai_client.chat.completions.create(
                    model="m",
                    messages=[{"role": "user", "content": LONG + question}],
                    stream=True,
                    stream_options={"include_usage": True},
                )
                async for chunk in stream:
                    if chunk.usage is not None and chunk.usage.prompt_tokens_details:
                        details.append(chunk.usage.prompt_tokens_details.cached_tokens)
        usages = []
        async with anthropic_client:
            for question in ("one?", "two?"):
                content = [
                    {"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}},
                    {"type": "text", "text": question},
                ]
                async with anthropic_client.messages.stream(
                    model="m", max_tokens=50, messages=[{"role": "user", "content": content}]
                ) as stream:
                    usages.append((await stream.get_final_message()).usage)
    assert details[0] == 0 and details[1] is not None and details[1] >= 1024
    first, second = usages
    assert first.cache_creation_input_tokens == second.cache_read_input_tokens
    assert second.cache_read_input_tokens is not None and second.cache_read_input_tokens >= 1024
    assert not first.cache_read_input_tokens and not second.cache_creation_input_tokens
