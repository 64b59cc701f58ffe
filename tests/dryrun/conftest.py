"""Fixtures for the dry-run suite: real trees in tmp_path, settings rooted there, models, and a
guard that fails any attempt by tiktoken to download an encoding."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tiktoken.load

from fiedler_tui.core.budget import DryRunEngine
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.settings import Settings


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """tiktoken must never fetch a file, and its default cache must not leak in from the machine."""

    def refuse(blobpath: str) -> bytes:
        raise AssertionError(f"attempted download of {blobpath}")

    monkeypatch.setattr(tiktoken.load, "read_file", refuse)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path_factory.mktemp("empty-tiktoken-cache")))
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "root"
    folder.mkdir()
    return folder


@pytest.fixture
def settings(root: Path) -> Settings:
    return Settings(allowed_roots=(root,))


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config(None)


@pytest.fixture
def engine(settings: Settings) -> Iterator[DryRunEngine]:
    with DryRunEngine(settings) as dry_run:
        yield dry_run


@pytest.fixture
def make_model() -> Callable[..., ModelSpec]:
    def make(**changes: Any) -> ModelSpec:
        fields: dict[str, Any] = {
            "name": "test-model",
            "provider": "openai",
            "context_window": 100_000,
            "max_completion_tokens": 1_000,
            "tokenizer": "o200k_base",
            "price_in": 2.0,
            "price_out": 8.0,
        }
        fields.update(changes)
        return ModelSpec(**fields)

    return make


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path
