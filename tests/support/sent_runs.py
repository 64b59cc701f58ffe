"""A run sent in-process, as the app sends one: a real dry run, then a SendSession (its
preflight included) let run to its end."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.settings import Settings


async def send_to_end(
    config: Config,
    settings: Settings,
    root: Path,
    aliases: Sequence[str],
    options: DryRunOptions,
) -> SendSession:
    """``root`` sent to ``aliases`` with ``options`` (the prompt among them); the session once
    its run has ended."""
    with DryRunEngine(settings) as engine:
        result = engine.run([root], [config.resolve(a) for a in aliases], options)
    session = SendSession(
        config=config, settings=settings, keys={}, result=result, aliases=list(aliases)
    )
    session.preflight()
    async with session:
        async for _event in session.events():
            pass
    return session
