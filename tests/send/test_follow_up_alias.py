"""``send --continue -m`` names models as every other command does: by name or alias."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript

from .conftest import SendWorld, make_world
from .test_follow_up import PROMPT, cli, first_run, read


@pytest.fixture
async def aliased(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SendWorld]:
    models = [
        SimulatedModel(name="fast", aliases=("quick",), script=ModelScript(reply="Quick. " * 5)),
        SimulatedModel(name="claude", kind="anthropic", script=ModelScript(reply="Fine. " * 5)),
    ]
    async for built in make_world(tmp_path, models):
        built.point_here(monkeypatch)
        yield built


async def test_continue_takes_a_models_alias_and_refuses_an_unknown_name(
    aliased: SendWorld,
) -> None:
    info = await first_run(aliased, ["fast", "claude"])
    asked = ("--continue", info.run_id, "-p", "more?", "--earlier-prompt", PROMPT)
    code, _, err = await cli(aliased, *asked, "-m", "quick")
    assert code == 0, err
    assert read(info.path / "turns" / "2" / "fast.md") == "Quick. " * 5
    assert not (info.path / "turns" / "2" / "claude.md").exists()
    code, _, err = await cli(aliased, *asked, "-m", "nosuch")
    assert code == 2 and "unknown model 'nosuch'" in err, err
    assert not (info.path / "turns" / "3").exists()
