"""Compose refuses to send to a model whose one request exceeds its provider's
tokens-per-minute limit, and says so in the blocker list."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from fiedler_tui.tui.screens.compose import ComposeScreen

from .test_compose import (
    blockers,
    choose_models,
    compose_screen,
    make_app,
    posted,
    project,  # noqa: F401  (the fixture)
    select_file,
    settle,
    test_config,
    type_prompt,
)


async def test_a_request_above_the_tokens_per_minute_limit_is_refused(
    project: Path,  # noqa: F811
) -> None:
    base = test_config()
    openai = base.providers["openai"].model_copy(update={"tokens_per_minute": 100})
    config = base.model_copy(update={"providers": {**base.providers, "openai": openai}})
    messages: list[Message] = []
    app = make_app(project, config=config)
    async with app.run_test(size=(140, 40), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        await choose_models(pilot, "roomy")
        await select_file(pilot, "main.py")
        await type_prompt(pilot, "Review this file.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.started == []
        [refused] = posted(messages, ComposeScreen.SendRefused)
        [reason] = refused.reasons
        assert reason.startswith("roomy can never be accepted at this limit (100 tokens per minute")
        assert "roomy can never be accepted at this limit" in blockers(screen).replace("\n", " ")
