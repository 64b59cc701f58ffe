"""Turns an accepted preview and the crosstalk choices into a DeliberationSession, off the UI
thread.

Key look-ups, the plan and its budget (token counts of every turn's worst case) and the preflight
(re-hashes every previewed file, checks the runs folder) run in a thread; a refusal comes back as
lines for a notification, naming the round that could overflow or cross the cap.
"""

from __future__ import annotations

from dataclasses import dataclass

from fiedler_tui.core.budget import DryRunResult
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.crosstalk.session import DeliberationChoices, DeliberationSession
from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.launch_keys import launch_keys


@dataclass(frozen=True)
class DeliberationLaunch:
    """A deliberation ready to run, or the reasons it may not."""

    session: DeliberationSession | None
    title: str = ""
    problems: tuple[str, ...] = ()


def prepare_deliberation(
    *,
    config: Config,
    settings: Settings,
    keystore: KeyStore,
    result: DryRunResult,
    choices: DeliberationChoices,
    demo_keys: dict[str, str | None] | None = None,
) -> DeliberationLaunch:
    """Resolve keys, build the session, its plan and budget, and run its preflight (blocking:
    call from a thread). ``FIEDLER_MAX_COST_USD`` caps the whole deliberation's worst case."""
    keys = launch_keys(config, keystore, demo_keys)
    session = DeliberationSession(
        config=config,
        settings=settings,
        keys=keys,
        result=result,
        choices=choices,
        cost_cap_usd=settings.max_cost_usd,
    )
    try:
        session.prepare()
        session.preflight()
    except FiedlerError as exc:
        return DeliberationLaunch(None, exc.title, tuple(exc.lines()))
    return DeliberationLaunch(session)
