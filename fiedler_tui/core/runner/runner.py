"""The fan-out runner: one request to many models at once, as one stream of typed events.

Usage::

    async with Runner(config, keys) as runner:
        run = runner.start(request, ["gpt-5", "sonnet"])
        async for event in run:
            ...
        # run.cancel("sonnet") / run.cancel_all() from anywhere, at any time

Every model runs in its own task; one model's failure or cancellation never touches another.
The runner never reads keys: the caller passes ``provider name -> key`` (None when absent).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from types import TracebackType

from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.http import httpx, make_async_client
from fiedler_tui.core.network import NetworkEnvironment
from fiedler_tui.core.providers.profile import ModelProfile
from fiedler_tui.core.providers.registry import adapter_for
from fiedler_tui.core.providers.retry import RetryPolicy
from fiedler_tui.core.ratelimits.store import LearnedLimitsStore
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.runner.events import TERMINAL_EVENTS, RunEvent
from fiedler_tui.core.runner.learning import LimitLearning
from fiedler_tui.core.runner.limits import DEFAULT_GLOBAL_LIMIT, Limits
from fiedler_tui.core.runner.model_run import ModelRun, RunContext


class Runner:
    """Owns the shared HTTP client (unless given one), the limits and the retry settings."""

    def __init__(
        self,
        config: Config,
        keys: Mapping[str, str | None],
        *,
        client: httpx.AsyncClient | None = None,
        global_limit: int = DEFAULT_GLOBAL_LIMIT,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        random_fn: Callable[[], float] = random.random,
        network: NetworkEnvironment | None = None,
        learned_limits: LearnedLimitsStore | None = None,
    ) -> None:
        """``retry_policy`` sets back-off and the Retry-After cap; retry counts come from
        each provider's ``max_retries``. ``sleep``, ``clock``, ``wall_clock`` and ``random_fn``
        are injectable so tests can observe delays without waiting for them. ``network``: the
        proxy and CA variables the client honours (default: this process's environment).
        ``learned_limits``: where the limits learned from response headers are read from (for
        pacing providers models.yaml sets no limit for) and recorded to; None: learned for this
        runner's pacing only."""
        self.config = config
        self._keys = dict(keys)
        self._own_client = client is None
        self._client = client
        self._limits = Limits(config.providers, global_limit=global_limit)
        self._policy = retry_policy or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._random = random_fn
        self._network = network
        self._learning = LimitLearning(learned_limits, self._limits, self._keys)

    async def __aenter__(self) -> Runner:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Write the limits learned, and close the HTTP client if this runner created it."""
        await self._learning.flush()
        if self._own_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = make_async_client(
                max_connections=max(64, self._limits.global_limit),
                providers=self.config.providers.values(),
                environment=self._network,
            )
        return self._client

    def start(
        self,
        request: ReviewRequest | Mapping[str, ReviewRequest],
        models: Sequence[str | ModelSpec],
    ) -> FanOut:
        """Start every model now; iterate the result for events. Unknown names raise KeyError.

        ``request`` is the one request every model receives, or each model's own by alias (a
        follow-up: each model continues its own conversation)."""
        profiles = self._profiles(models)
        context = RunContext(
            client=self._http(),
            limits=self._limits,
            retry_policy=self._policy,
            sleep=self._sleep,
            clock=self._clock,
            wall_clock=self._wall_clock,
            random=self._random,
            learning=self._learning,
        )
        return FanOut(profiles, request, self._keys, context)

    async def run(
        self, request: ReviewRequest, models: Sequence[str | ModelSpec]
    ) -> AsyncIterator[RunEvent]:
        """Events of a fan-out run.

        Closing the generator early cancels the models still running; wrap it in
        ``contextlib.aclosing`` (or use :meth:`start` with ``async with``) to make that
        happen at a known point rather than when the generator is collected.
        """
        fan_out = self.start(request, models)
        async with fan_out:
            async for event in fan_out:
                yield event

    def _profiles(self, models: Sequence[str | ModelSpec]) -> list[ModelProfile]:
        profiles: list[ModelProfile] = []
        seen: set[str] = set()
        for item in models:
            spec = self.config.resolve(item) if isinstance(item, str) else item
            alias = item if isinstance(item, str) else item.name
            if alias in seen:
                raise ValueError(f"model {alias!r} is selected twice")
            seen.add(alias)
            profiles.append(ModelProfile.from_config(self.config, spec, alias=alias))
        return profiles


class FanOut:
    """A started fan-out run: an async iterator of events with per-model cancellation."""

    def __init__(
        self,
        profiles: Sequence[ModelProfile],
        request: ReviewRequest | Mapping[str, ReviewRequest],
        keys: Mapping[str, str | None],
        context: RunContext,
    ) -> None:
        self._queue: asyncio.Queue[RunEvent | None] = asyncio.Queue()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        submitted_at = context.clock()
        for profile in profiles:
            model_run = ModelRun(
                profile=profile,
                adapter=adapter_for(profile.provider.kind),
                request=request if isinstance(request, ReviewRequest) else request[profile.alias],
                key=keys.get(profile.provider.name),
                context=context,
                emit=self._queue.put_nowait,
                submitted_at=submitted_at,
            )
            task = asyncio.create_task(model_run.run(), name=f"fiedler-model-{profile.alias}")
            task.add_done_callback(self._task_done)
            self._tasks[profile.alias] = task
        self._remaining = len(self._tasks)

    @property
    def models(self) -> list[str]:
        return list(self._tasks)

    def cancel(self, model: str) -> bool:
        """Cancel one model (its connection is closed); False if it already ended."""
        task = self._tasks.get(model)
        if task is None:
            raise KeyError(f"model {model!r} is not part of this run")
        return task.cancel()

    def cancel_all(self) -> None:
        """Cancel every model still running."""
        for task in self._tasks.values():
            task.cancel()

    async def wait(self) -> None:
        """Wait until every model has ended (events stay queued for the iterator)."""
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._queue.put_nowait(None)

    async def __aiter__(self) -> AsyncIterator[RunEvent]:
        while self._remaining:
            event = await self._queue.get()
            if event is None:
                self._remaining -= 1
                continue
            yield event
        for task in self._tasks.values():
            # A model task that raised is a bug, not a provider error: surface it.
            error = None if task.cancelled() else task.exception()
            if error is not None:
                raise error

    async def __aenter__(self) -> FanOut:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cancel_all()
        await self.wait()


def is_terminal(event: RunEvent) -> bool:
    """True for ``Finished``, ``Failed`` and ``Cancelled``."""
    return isinstance(event, TERMINAL_EVENTS)
