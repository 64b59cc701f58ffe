"""One model's run: key check, limits, attempts with retries, streaming, timeouts, events.

Retries happen only before any text was delivered, so a retried model never repeats text; a
failure after that ends the model with its partial text kept.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fiedler_tui.core.http import httpx
from fiedler_tui.core.providers.base import Adapter, FinishReason, StreamParser, StreamPart
from fiedler_tui.core.providers.classify import (
    classify_exception,
    classify_response,
    classify_unexpected_body,
    too_large_for_stated_limit,
)
from fiedler_tui.core.providers.error_body import read_error_body
from fiedler_tui.core.providers.errors import ErrorCode, ProviderError
from fiedler_tui.core.providers.profile import ModelProfile
from fiedler_tui.core.providers.retry import RetryPolicy
from fiedler_tui.core.providers.sse import ServerSentEvent, SSEDecoder
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.runner.events import (
    Cancelled,
    Failed,
    Finished,
    FirstToken,
    Queued,
    Retrying,
    RunEvent,
    Started,
    TextDelta,
    ThinkingDelta,
    TokenCounts,
    Usage,
)
from fiedler_tui.core.runner.learning import LimitLearning
from fiedler_tui.core.runner.limits import Limits, estimated_tokens, request_input_estimate
from fiedler_tui.core.runner.text_buffer import TextBuffer
from fiedler_tui.core.runner.timings import Stopwatch

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class RunContext:
    """What every model run of one runner shares."""

    client: httpx.AsyncClient
    limits: Limits
    retry_policy: RetryPolicy
    sleep: Callable[[float], Awaitable[None]]
    clock: Callable[[], float]
    wall_clock: Callable[[], float]
    random: Callable[[], float]
    learning: LimitLearning | None = None
    """Reads, applies and records the limits learned from response headers."""


class ModelRun:
    """Runs one model and reports through ``emit`` (called synchronously, never blocks)."""

    def __init__(
        self,
        *,
        profile: ModelProfile,
        adapter: Adapter,
        request: ReviewRequest,
        key: str | None,
        context: RunContext,
        emit: Callable[[RunEvent], None],
        submitted_at: float,
    ) -> None:
        self.profile = profile
        self.adapter = adapter
        self.request = request
        self.key = key
        self.context = context
        self.emit = emit
        self.stopwatch = Stopwatch(context.clock, submitted_at)
        self.policy = RetryPolicy(
            max_retries=profile.provider.max_retries,
            initial_delay_s=context.retry_policy.initial_delay_s,
            max_delay_s=context.retry_policy.max_delay_s,
            max_retry_after_s=context.retry_policy.max_retry_after_s,
        )
        self.text_buffer = TextBuffer()
        self.thinking_buffer = TextBuffer()
        self.reasoning_tokens: int | None = None
        self.input_tokens: int | None = None
        self.output_tokens: int | None = None
        self.cached_input_tokens: int | None = None
        self.cache_write_tokens: int | None = None
        self.finish_reason: FinishReason | None = None
        self.raw_finish_reason: str | None = None
        self.retries = 0

    @property
    def alias(self) -> str:
        return self.profile.alias

    @property
    def text(self) -> str:
        """The text so far, joined once: the terminal event, the recorder and the screens
        share this one str rather than copies."""
        return self.text_buffer.text()

    async def run(self) -> None:
        """Run to one terminal event; re-raises CancelledError after reporting it."""
        provider = self.profile.provider
        self.emit(Queued(model=self.alias, provider=provider.name))
        if provider.requires_key and not self.key:
            self._fail(_missing_key_error(self.profile))
            return
        try:
            async with asyncio.timeout(provider.total_timeout_s):
                if self.context.learning is not None:
                    await self.context.learning.ready()
                await self._attempts()
        except TimeoutError:
            message = (
                f"total timeout: the run took longer than {provider.total_timeout_s:g} s "
                f"(total_timeout_s of provider {provider.name!r})"
            )
            error = ProviderError(ErrorCode.TIMEOUT, message, provider=provider.name)
            self._fail(error.with_retry_count(self.retries))
        except asyncio.CancelledError:
            self.emit(
                Cancelled(
                    model=self.alias,
                    partial_text=self.text,
                    timings=self.stopwatch.timings(self.output_tokens),
                    usage=self._counts(),
                    thinking=self.thinking_buffer.text(),
                )
            )
            raise
        except Exception as exc:  # a bug, not a provider error: this model ends, the others go on
            log.exception("model %s failed unexpectedly", self.alias)
            message = f"unexpected error: {type(exc).__name__} (details in the log file)"
            error = ProviderError(ErrorCode.INTERNAL, message, provider=provider.name)
            self._fail(error.with_retry_count(self.retries))

    async def _attempts(self) -> None:
        while True:
            try:
                await self._attempt()
            except ProviderError as error:
                decision = self.policy.decide(
                    error,
                    retries_taken=self.retries,
                    output_started=bool(self.text_buffer) or bool(self.thinking_buffer),
                    rand=self.context.random(),
                )
                if not decision.retry:
                    self._fail(decision.error.with_retry_count(self.retries))
                    return
                self.retries += 1
                self.emit(
                    Retrying(
                        model=self.alias,
                        attempt=self.retries + 1,
                        delay_s=decision.delay_s,
                        reason=f"{error.code}: {error.message}",
                        error=error.with_retry_count(self.retries).info,
                    )
                )
                await self.context.sleep(decision.delay_s)
                continue
            self._finish()
            return

    async def _attempt(self) -> None:
        provider = self.profile.provider
        wire = self.adapter.build(self.profile, self.request, self.key)
        secrets = (self.key,) if self.key else ()
        timeout = httpx.Timeout(
            provider.read_timeout_s,
            connect=provider.connect_timeout_s,
            pool=provider.total_timeout_s,
        )
        limits = self.context.limits
        tokens = (
            limits.token_charge(
                provider.name,
                request_input_estimate(self.request),
                self.profile.completion_budget(self.request),
            )
            if limits.token_limit(provider.name)
            else 0
        )
        async with limits.slot(provider.name, tokens):
            self.stopwatch.mark_started()
            self.emit(Started(model=self.alias, attempt=self.retries + 1))
            try:
                async with self.context.client.stream(
                    wire.method, wire.url, headers=wire.headers, json=wire.json, timeout=timeout
                ) as response:
                    headers = response.headers
                    if self.context.learning is not None:
                        self.context.learning.observe(
                            provider.name, self.key, headers, self.context.wall_clock()
                        )
                    if response.status_code >= 400:
                        read = await read_error_body(response)
                        raise too_large_for_stated_limit(
                            classify_response(
                                provider=provider.name,
                                status=response.status_code,
                                headers={k.lower(): v for k, v in headers.items()},
                                body=read.body,
                                now=self.context.wall_clock(),
                                secrets=secrets,
                                truncated=read.truncated,
                            ),
                            request_input_estimate(self.request),
                            self.profile.completion_budget(self.request),
                        )
                    request_id = headers.get("x-request-id") or headers.get("request-id")
                    content_type = headers.get("content-type", "")
                    if "json" in content_type:
                        raise classify_unexpected_body(
                            provider=provider.name,
                            content_type=content_type,
                            body=(await read_error_body(response)).body,
                            request_id=request_id,
                            secrets=secrets,
                        )
                    parser = self.adapter.parser(
                        self.profile, request_id=request_id, secrets=secrets
                    )
                    decoder = SSEDecoder()
                    async for chunk in response.aiter_bytes():
                        self._consume(decoder.feed(chunk), parser)
                        if parser.done:
                            break
                    else:
                        if decoder.pending:
                            self._consume(decoder.feed(b"\n\n"), parser)
                    parser.close()
            except httpx.HTTPError as exc:
                raise classify_exception(
                    exc,
                    provider=provider.name,
                    connect_timeout_s=provider.connect_timeout_s,
                    read_timeout_s=provider.read_timeout_s,
                    secrets=secrets,
                ) from exc

    def _consume(self, events: list[ServerSentEvent], parser: StreamParser) -> None:
        """Apply what one network read carried, as one text delta (even if the parser fails
        half-way: text that arrived before an error event is kept)."""
        parts: list[StreamPart] = []
        feed = parser.feed
        try:
            for event in events:
                parts += feed(event)
        finally:
            if parts:
                self._apply(parts)

    def _apply(self, parts: list[StreamPart]) -> None:
        texts: list[str] = []
        thoughts: list[str] = []
        changed = False
        for (
            text,
            input_tokens,
            output_tokens,
            finish_reason,
            raw_finish_reason,
            read,
            written,
            thinking,
            reasoning,
        ) in parts:
            if text:
                texts.append(text)
            if thinking:
                thoughts.append(thinking)
            if reasoning is not None and reasoning != self.reasoning_tokens:
                self.reasoning_tokens = reasoning
                changed = True
            if input_tokens is not None and input_tokens != self.input_tokens:
                self.input_tokens = input_tokens
                changed = True
            if output_tokens is not None and output_tokens != self.output_tokens:
                self.output_tokens = output_tokens
                changed = True
            if read is not None and read != self.cached_input_tokens:
                self.cached_input_tokens = read
                changed = True
            if written is not None and written != self.cache_write_tokens:
                self.cache_write_tokens = written
                changed = True
            if finish_reason is not None:
                self.finish_reason = finish_reason
                self.raw_finish_reason = raw_finish_reason
        if thoughts:
            thought = "".join(thoughts)
            self.thinking_buffer.append(thought)
            self.emit(ThinkingDelta(model=self.alias, text=thought))
        if texts:
            text = texts[0] if len(texts) == 1 else "".join(texts)
            ttft = self.stopwatch.mark_token()
            if ttft is not None:
                self.emit(FirstToken(model=self.alias, ttft_s=ttft))
            self.text_buffer.append(text)
            self.emit(TextDelta(model=self.alias, text=text))
        if changed:
            self.emit(
                Usage(
                    model=self.alias,
                    input_tokens=self.input_tokens,
                    output_tokens=self.output_tokens,
                    cached_input_tokens=self.cached_input_tokens,
                    cache_write_tokens=self.cache_write_tokens,
                    reasoning_tokens=self.reasoning_tokens,
                )
            )

    def _counts(self) -> TokenCounts:
        """The usage to record: as reported, with output tokens estimated from the text received
        when the provider never reported them (the stream ended before its final usage)."""
        output, estimated = self.output_tokens, False
        if output is None and self.text_buffer:
            output, estimated = estimated_tokens(self.text), True
        return TokenCounts(
            input_tokens=self.input_tokens,
            output_tokens=output,
            cached_input_tokens=self.cached_input_tokens,
            cache_write_tokens=self.cache_write_tokens,
            output_estimated=estimated,
            reasoning_tokens=self.reasoning_tokens,
        )

    def _finish(self) -> None:
        self.emit(
            Finished(
                model=self.alias,
                finish_reason=self.finish_reason or "other",
                raw_finish_reason=self.raw_finish_reason,
                text=self.text,
                usage=self._counts(),
                timings=self.stopwatch.timings(self.output_tokens),
                retry_count=self.retries,
                thinking=self.thinking_buffer.text(),
            )
        )

    def _fail(self, error: ProviderError) -> None:
        self.emit(
            Failed(
                model=self.alias,
                error=error.info,
                partial_text=self.text,
                usage=self._counts(),
                timings=self.stopwatch.timings(self.output_tokens),
                thinking=self.thinking_buffer.text(),
            )
        )


def _missing_key_error(profile: ModelProfile) -> ProviderError:
    provider = profile.provider
    hint = f"run `fiedler keys set {provider.name}`"
    if provider.key_env:
        hint += " or set " + " / ".join(provider.key_env)
    return ProviderError(
        ErrorCode.AUTH, f"no API key for provider {provider.name!r}: {hint}", provider=provider.name
    )
