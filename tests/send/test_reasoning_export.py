"""A run's report with the models' thinking: sent through the simulator, exported by
`fiedler runs export` (real processes); each model's thinking follows its answer apart from it
(Markdown: quoted under a "Thinking" heading; HTML: a collapsed <details>), and the summary's
output figures give the reasoning tokens where they were reported."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript

from .conftest import SendWorld, make_world
from .test_send_process import run_cli, run_send

THOUGHTS = "Check the loop first.\n\nThen <b>the timeouts</b>."
REPLY = "Both are fine."


def models() -> list[SimulatedModel]:
    script = ModelScript(reply=REPLY, thoughts=THOUGHTS)
    return [
        SimulatedModel(
            name="thinker",
            kind="anthropic",
            script=script,
            reasoning={"thinking_budget_range": [1024, 3000], "thinking_optional": True},
        ),
        SimulatedModel(
            name="reasoner",
            kind="openai",
            script=script,
            reasoning={"reasoning_efforts": ["low", "high"]},
        ),
        SimulatedModel(name="plain", provider="sim-plain", script=ModelScript(reply=REPLY)),
    ]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[SendWorld]:
    async for built in make_world(tmp_path, models()):
        yield built


def written(printed: str) -> str:
    """The report at the path the command printed."""
    return Path(printed.strip()).read_text()


class Details(HTMLParser):
    """The text inside each <details> element, and the text outside them."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.inside: list[str] = []
        self.outside: list[str] = []
        self.open_attr: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "details":
            self.depth += 1
            self.inside.append("")
            self.open_attr.append(any(name == "open" for name, _ in attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.inside[-1] += data
        else:
            self.outside.append(data)


async def test_reports_show_each_models_thinking_apart_after_its_answer(world: SendWorld) -> None:
    code, _, err = await run_send(world, "--thinking-budget", "2048")
    assert code == 0, err
    [run_dir] = list(world.output_dir.iterdir())
    summary = json.loads((run_dir / "summary.json").read_text())
    run_id = summary["run_id"]
    reasoning = {m["alias"]: m["usage_reasoning"] for m in summary["models"]}
    assert reasoning["reasoner"] and reasoning["thinker"] is None

    code, out, err = await run_cli(world, "runs", "export", run_id)
    assert code == 0, err
    text = written(out)
    thinker = text.split("## thinker", 1)[1].split("\n## ", 1)[0]
    answer, thinking = thinker.split(f"### Thinking ({len(THOUGHTS):,} chars)")
    assert REPLY in answer and "Check the loop" not in answer  # never mixed into the answer
    assert thinking.strip().splitlines() == [
        "> Check the loop first.",
        ">",
        "> Then <b>the timeouts</b>.",
    ]
    plain = text.split("## plain", 1)[1]
    assert "Thinking" not in plain  # a model that thought nothing gets no part
    assert f"(reasoning {reasoning['reasoner']:,})" in text.split("## Summary", 1)[1]

    code, out, err = await run_cli(world, "runs", "export", run_id, "--format", "html")
    assert code == 0, err
    page = written(out)
    parsed = Details()
    parsed.feed(page)
    assert len(parsed.inside) == 2 and not any(parsed.open_attr)  # collapsed
    for inside in parsed.inside:
        assert inside.startswith(f"Thinking ({len(THOUGHTS):,} chars)")
        assert "Check the loop first." in inside and "<b>the timeouts</b>" in inside
    outside = "".join(parsed.outside)
    assert "Check the loop" not in outside and outside.count(REPLY) == 3
    assert "<b>the timeouts" not in page  # the model's markup is shown as text
    assert page.index(REPLY) < page.index("<details")
    assert f"(reasoning {reasoning['reasoner']:,})" in page
