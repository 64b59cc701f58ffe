"""Turns an accepted dry run into a running SendSession, off the UI thread.

Key look-ups (a keyring may block on D-Bus) and the preflight (re-hashes every previewed file,
checks the runs folder) run in a thread; a refusal comes back as lines for a notification.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fiedler_tui.core.budget import DryRunResult
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.launch_keys import launch_keys


@dataclass(frozen=True)
class Launch:
    """A session ready to run, or the reasons it may not."""

    session: SendSession | None
    title: str = ""
    problems: tuple[str, ...] = ()


def prepare_session(
    *,
    config: Config,
    settings: Settings,
    keystore: KeyStore,
    result: DryRunResult,
    aliases: Sequence[str],
    demo_keys: dict[str, str | None] | None = None,
) -> Launch:
    """Resolve keys, build the session and run its preflight (blocking: call from a thread)."""
    keys = launch_keys(config, keystore, demo_keys)
    session = SendSession(
        config=config, settings=settings, keys=keys, result=result, aliases=aliases
    )
    try:
        session.preflight()
    except FiedlerError as exc:
        return Launch(None, exc.title, tuple(exc.lines()))
    return Launch(session)
