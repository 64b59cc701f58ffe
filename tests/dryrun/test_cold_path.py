"""The cold dry run's shortcuts change no figure: the JSON of a fixed tree is the one the code
gave before them, the package digest is taken without joining the package text, tokenizers load
once while the files are read, and a dry run counted offline never loads the HTTP client."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.budget.early_work import ReadNotices
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.secrets.policy import SecretPolicy
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.tokens import counter as counter_module
from fiedler_tui.core.tokens.api_count import ProviderCounter
from fiedler_tui.core.tokens.counter import TokenCounter
from tests.dryrun.conftest import write

pytestmark = pytest.mark.timeout(60)
REPO = Path(__file__).resolve().parents[2]
FAKE_OPENAI_KEY = "sk-proj-" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG1hJ3"
WORDS = ("alpha", "beta", "gamma", "δέλτα", "epsilon", "数据", "zeta", "🎉", "eta", "theta")


def fixed_tree(root: Path) -> None:
    """ASCII, Latin-1, CJK and non-BMP text (the joined package would be four bytes a
    character), an empty file, no final newline, a secret to mask, and enough text for the
    counts to go through the thread pool in several batches."""
    write(root / "README.md", "# Fixed tree\n\nCafé ünïcode, 中文, emoji 🎉.\n")
    write(root / "src" / "app.py", "def main():\n    return 42\n")
    write(root / "src" / "empty.txt", "")
    write(root / "notes" / "no_newline.txt", "last line without a newline")
    write(root / "config" / "settings.py", f'API_KEY = "{FAKE_OPENAI_KEY}"\nDEBUG = True\n')
    for part in range(3):
        lines = (
            f"{part}:{n} " + " ".join(WORDS[(n * 7 + k + part) % len(WORDS)] for k in range(12))
            for n in range(1500)
        )
        write(root / "data" / f"part{part}.txt", "\n".join(lines) + "\n")


# Figures of `fiedler dry-run . -m gpt-5 -p "Review these files." --mask-secrets --json` on
# fixed_tree, as the code gave them before the cold-path changes (package digest from the joined
# text, tokenizers loaded after the read).
EXPECTED_PACKAGE = {
    "files": 8,
    "bytes": 369107,
    "file_bytes": 368556,
    "lines": 4508,
    "sha256": "b6fd05b52f3e5c7f8ee97686a38e0a655c1ba620307e2dc6e5e702b86bd4848d",
}
EXPECTED_FILES = [  # path, bytes, lines, o200k_base tokens of its block, values masked
    ("README.md", 51, 3, 34, 0),
    ("config/settings.py", 82, 2, 39, 1),
    ("data/part0.txt", 122790, 1500, 33526, 0),
    ("data/part1.txt", 122790, 1500, 33526, 0),
    ("data/part2.txt", 122790, 1500, 33526, 0),
    ("notes/no_newline.txt", 27, 1, 30, 0),
    ("src/app.py", 26, 2, 28, 0),
    ("src/empty.txt", 0, 0, 22, 0),
]
EXPECTED_INPUT_TOKENS = 100795


def dry_run_json(root: Path, *extra: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "FIEDLER_ALLOWED_FILE_ROOTS": str(root),
        "FIEDLER_NO_DISK": "1",
        "OPENAI_API_KEY": "sk-test-openai",
    }
    argv = [sys.executable, "-m", "fiedler_tui.cli", "--config", str(REPO / "models.yaml")]
    argv += ["dry-run", ".", "-m", "gpt-5", "-p", "Review these files.", *extra, "--json"]
    done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_fixed_tree_gives_the_same_figures(root: Path) -> None:
    fixed_tree(root)
    data = dry_run_json(root, "--mask-secrets")
    assert data["package"] == EXPECTED_PACKAGE
    files = [
        (f["path"], f["bytes"], f["lines"], f["tokens"]["o200k_base"], f["masked"])
        for f in data["files"]
    ]
    assert files == EXPECTED_FILES
    assert [m["input_tokens"] for m in data["models"]] == [EXPECTED_INPUT_TOKENS]
    assert data["secrets"]["count"] == 1


def test_package_digest_is_taken_without_joining_the_text(
    root: Path, settings: Settings, make_model: Callable[..., ModelSpec]
) -> None:
    fixed_tree(root)
    options = DryRunOptions(prompt="Review these files.", secret_policy=SecretPolicy.MASK)
    with (
        ProviderCounter(load_config(None), {}) as api,
        DryRunEngine(settings, api_counter=api) as engine,
    ):
        result = engine.run([root], [make_model()], options)
        data = result.to_json()
    assert "text" not in vars(result.preview)  # neither the count request nor the JSON joined it
    assert data["package"]["sha256"] == EXPECTED_PACKAGE["sha256"]
    text = result.preview.text
    assert result.preview.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert "[MASKED:openai-api-key]" in text and FAKE_OPENAI_KEY not in text


def test_tokenizer_loads_once_in_the_pool_while_callers_wait(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    loads: list[str] = []
    real = counter_module.tokenizer_for

    def recording(encoding: str, given: Settings) -> Any:
        loads.append(threading.current_thread().name)
        return real(encoding, given)

    monkeypatch.setattr(counter_module, "tokenizer_for", recording)
    with TokenCounter(settings) as counter:
        counter.preload(["o200k_base", "o200k_base"])
        got: list[object] = []
        callers = [
            threading.Thread(target=lambda: got.append(counter.tokenizer("o200k_base")))
            for _ in range(3)
        ]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join()
        assert counter.tokenizer("o200k_base").count("hello world") == 2
    assert len(loads) == 1 and loads[0].startswith("fiedler-tokens")
    assert len(got) == 3 and all(t is got[0] for t in got)


def test_an_offline_count_never_loads_the_http_client(root: Path) -> None:
    fixed_tree(root)
    probe = (
        "import sys\n"
        "from fiedler_tui.cli import main\n"
        f"code = main(['--config', {str(REPO / 'models.yaml')!r}, 'dry-run', '.', '-m', 'gpt-5',"
        " '-p', 'Review.', '--allow-secrets', '--json'])\n"
        "loaded = [m for m in ('httpx2', 'httpcore2', 'fiedler_tui.core.providers',"
        " 'fiedler_tui.core.http') if m in sys.modules]\n"
        "print(code, loaded, file=sys.stderr)\n"
    )
    env = {
        **os.environ,
        "FIEDLER_ALLOWED_FILE_ROOTS": str(root),
        "FIEDLER_NO_DISK": "1",
        "OPENAI_API_KEY": "sk-test-openai",
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True
    )
    assert json.loads(done.stdout)["package"]["files"] == 8
    assert done.stderr.strip() == "0 []"


def test_files_are_worked_on_while_the_selection_reads(
    root: Path, settings: Settings, make_model: Callable[..., ModelSpec]
) -> None:
    fixed_tree(root)
    taken: list[str] = []
    batches_sent_after: list[int] = []  # how many files the selection had taken at each batch
    options = DryRunOptions(prompt="Review these files.")
    with DryRunEngine(settings) as engine:
        real_submit, reads = engine.counter.submit, engine.files
        assert isinstance(reads, ReadNotices)
        real_selected = reads.selected

        def submit(function: Callable[[], Any]) -> Any:
            batches_sent_after.append(len(taken))
            return real_submit(function)

        def selected(*args: Any) -> Any:
            made = real_selected(*args)
            taken.append(made.path)
            return made

        engine.counter.submit = submit  # type: ignore[method-assign]
        reads.selected = selected  # type: ignore[method-assign]
        result = engine.run([root], [make_model()], options)
        sent = len(batches_sent_after)
        again = engine.run([root], [make_model()], options)
    # README, settings.py and the three data files fill the first batch: it is sent as the fifth
    # file is taken, three files before the end; the rest go when the selection has ended
    assert batches_sent_after == [4, 8]
    files = [(f.path, f.bytes, f.lines, f.tokens["o200k_base"]) for f in result.files]
    assert files[2:] == [entry[:4] for entry in EXPECTED_FILES[2:]]
    assert again.files == result.files
    assert len(batches_sent_after) == sent  # nothing changed: no file worked on again
