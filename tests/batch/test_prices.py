"""models.yaml's batch_discount: the share of the live prices a batch job pays."""

from __future__ import annotations

import json

from .conftest import BatchWorld


def _set(world: BatchWorld, model: str, line: str) -> None:
    text = world.config_path.read_text()
    marker = f"  {model}:\n"
    world.config_path.write_text(text.replace(marker, marker + f"    {line}\n", 1))


async def test_batch_discount_prices_the_set_and_is_checked(batch_world: BatchWorld) -> None:
    _set(batch_world, "gpt", "batch_discount: 0.25")
    _set(batch_world, "local", "batch_discount: 0.5")  # no batch engine: live prices apply
    code, out, err = await batch_world.submit("--dry-run", "--json")
    assert code == 0, err
    models = {m["alias"]: m for m in json.loads(out)["models"]}
    gpt = models["gpt"]
    assert gpt["discount"] == 0.25 and models["claude"]["discount"] == 0.5
    assert models["local"]["discount"] == 1.0 and models["local"]["mode"] == "live"
    assert abs(gpt["cost_usd_max"] * 4 - gpt["cost_usd_max_live"]) < 1e-9

    _set(batch_world, "claude", "batch_discount: 0")
    code, _, err = await batch_world.submit("--dry-run")
    assert code == 2
    assert "models.claude.batch_discount" in err
