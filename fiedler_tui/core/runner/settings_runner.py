"""The runner a send, a deliberation or a batch job's live part uses: one set up as the user's
settings ask."""

from __future__ import annotations

from collections.abc import Mapping

from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.http import httpx
from fiedler_tui.core.network import NetworkEnvironment
from fiedler_tui.core.ratelimits.store import LearnedLimitsStore
from fiedler_tui.core.runner.runner import Runner
from fiedler_tui.core.settings import Settings


def runner_for_settings(
    config: Config,
    keys: Mapping[str, str | None],
    settings: Settings,
    *,
    client: httpx.AsyncClient | None = None,
) -> Runner:
    """A :class:`Runner` (opening nothing yet) with the settings' concurrency cap, their choice
    of proxies from the environment (``trust_env``), and the limits learned kept on disk unless
    ``no_disk``."""
    return Runner(
        config,
        keys,
        client=client,
        global_limit=settings.max_concurrency,
        network=NetworkEnvironment.read(trust_env=settings.trust_env),
        learned_limits=LearnedLimitsStore.default(no_disk=settings.no_disk),
    )
