"""``fiedler models --remote PROVIDER`` and the listing behind it, against the simulator's models
endpoints in every wire format: paging, the key each format sends, configured and retired models,
and clear errors (auth, network, missing key) with no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.http import make_async_client
from fiedler_tui.core.providers.catalog import catalog
from fiedler_tui.core.providers.errors import ErrorCode
from fiedler_tui.core.providers.listing import ModelListing, list_models
from fiedler_tui.core.simulator import SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text
from tests.support.simulated_project import run_fiedler

KINDS = ("openai", "anthropic", "gemini", "openai-compatible")
LISTED = ("alpha-1", "beta-2", "gamma-3", "delta-4", "kept-5")
KEY = "sk-listing-key-123"
MODELS = [
    model
    for kind in KINDS
    for model in (
        SimulatedModel(name=f"kept-{kind}", kind=kind, wire_id="kept-5"),
        SimulatedModel(name=f"retired-{kind}", kind=kind, wire_id="retired-0", default=False),
    )
]
SETTINGS = {
    f"sim-{kind}": {"requires_key": True, "key_env": [f"SIM_{i}_KEY"]}
    for i, kind in enumerate(KINDS)
}


def simulator(**options: Any) -> Simulator:
    return Simulator({}, listed_models=LISTED, models_key=KEY, models_page_limit=2, **options)


async def listing_of(sim: Simulator, kind: str, key: str | None) -> ModelListing:
    config = parse_config(config_text(sim.base_url, MODELS, provider_settings=SETTINGS), "sim")
    provider = config.providers[f"sim-{kind}"]
    async with make_async_client(providers=[provider]) as client:
        return await list_models(client, provider, key)


@pytest.mark.parametrize("kind", KINDS)
async def test_every_page_is_read_with_the_formats_key(kind: str) -> None:
    async with simulator() as sim:
        listing = await listing_of(sim, kind, KEY)
        requests = sim.requests
    assert listing.ok, listing.error
    assert set(listing.model_ids) == set(LISTED)
    headers = requests[0].headers
    if kind == "anthropic":
        # five models, at most two a page: three pages, each after the last id of the one before
        assert listing.pages == 3
        assert [r.query.get("after_id") for r in requests] == [None, ["beta-2"], ["delta-4"]]
        assert headers["x-api-key"] == KEY and headers["anthropic-version"]
        first = listing.models[0]
        assert (first.input_token_limit, first.output_token_limit) == (200_000, 64_000)
    elif kind == "gemini":
        assert listing.pages == 3
        assert [r.query.get("pageToken") for r in requests] == [None, ["page-2"], ["page-4"]]
        assert headers["x-goog-api-key"] == KEY
        assert "models/" not in " ".join(listing.model_ids)  # names come as models/<id>
        assert listing.models[0].input_token_limit == 1_048_576
    else:
        assert listing.pages == 1  # an openai-style list comes whole
        assert headers["authorization"] == f"Bearer {KEY}"
        assert listing.models[0].input_token_limit is None
    assert all(r.path.endswith("models") and r.method == "GET" for r in requests)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_wrong_key_is_an_auth_error_in_every_format(kind: str) -> None:
    async with simulator() as sim:
        listing = await listing_of(sim, kind, "sk-wrong")
    assert listing.error is not None
    assert listing.error.code is ErrorCode.AUTH, listing.error
    assert listing.models == ()


async def test_the_catalog_marks_configured_and_retired_models() -> None:
    async with simulator() as sim:
        listing = await listing_of(sim, "gemini", KEY)
        config = parse_config(config_text(sim.base_url, MODELS), "sim")
    found = catalog(config, listing)
    configured = {row.model.id: row.configured_as for row in found.rows}
    assert configured["kept-5"] == ("kept-gemini",)
    assert configured["alpha-1"] == ()
    assert found.not_configured == 4
    assert [m.name for m in found.unlisted] == ["retired-gemini"]


async def fiedler(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    return await run_fiedler(args, env, None)


async def test_the_command_lists_pages_marks_models_and_reports_errors(tmp_path: Path) -> None:
    config = tmp_path / "models.yaml"
    env = {
        **os.environ,
        "FIEDLER_CONFIG": str(config),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "SIM_1_KEY": KEY,  # sim-anthropic
        "SIM_2_KEY": "sk-wrong",  # sim-gemini
    }
    async with simulator() as sim:
        config.write_text(config_text(sim.base_url, MODELS, provider_settings=SETTINGS))
        listed = await fiedler(env, "models", "--remote", "sim-anthropic", "--json")
        table = await fiedler(env, "models", "--remote", "sim-anthropic")
        refused = await fiedler(env, "models", "--remote", "sim-gemini")
        keyless = await fiedler(env, "models", "--remote", "sim-openai")
        unknown = await fiedler(env, "models", "--remote", "nowhere")
    down = await fiedler(env, "models", "--remote", "sim-anthropic")  # the simulator is gone

    code, out, err = listed
    assert code == 0, err
    data = json.loads(out)
    assert data["pages"] == 3 and data["not_configured"] == 4
    rows = {row["id"]: row for row in data["models"]}
    assert rows["kept-5"]["configured_as"] == ["kept-anthropic"]
    assert rows["alpha-1"]["input_token_limit"] == 200_000
    assert data["configured_not_listed"] == [{"alias": "retired-anthropic", "model": "retired-0"}]

    code, out, _ = table
    assert code == 0
    assert "kept-anthropic" in out and "not configured: 4 of 5" in out
    assert "retired-anthropic (retired-0)" in out

    for _code, out, err in (refused, keyless, unknown, down):
        assert "Traceback" not in out + err
    assert refused[0] == 1
    assert "cannot list sim-gemini's models: Authentication failed" in refused[2]
    assert keyless[0] == 2 and "no API key for sim-openai" in keyless[2]
    assert "SIM_0_KEY" in keyless[2]
    assert unknown[0] == 2
    assert "unknown provider 'nowhere' (known: sim-anthropic, sim-gemini" in unknown[2]
    assert down[0] == 1 and "cannot list sim-anthropic's models" in down[2]
