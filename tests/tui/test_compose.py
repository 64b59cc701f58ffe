"""The Compose screen driven by the pilot: real files, the real dry-run engine, a recorded send."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from typing import Any, ClassVar, TypeVar

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Select, SelectionList, Static, TextArea

import fiedler_tui.tui
from fiedler_tui.core.budget import DryRunEngine, DryRunResult
from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.secrets.policy import SecretPolicy
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.summary import sha256_text
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.screens.compose import ComposeScreen, prompt_memory
from fiedler_tui.tui.widgets.budget_table import BudgetTable
from fiedler_tui.tui.widgets.file_picker import FilePicker
from fiedler_tui.tui.widgets.palette import screen_commands
from tests.conftest import MemoryKeyring

TUI_DIR = Path(fiedler_tui.tui.__file__).parent

CONFIG_TEXT = """
version: 1
providers:
  openai:
    kind: openai
    base_url: https://api.openai.com/v1
    key_env: [OPENAI_API_KEY]
models:
  roomy:
    provider: openai
    model: gpt-roomy
    context_window: 400000
    max_completion_tokens: 1000
    tokenizer: o200k_base
    price_in: 1.25
    price_out: 10
    default: true
  guess:
    provider: openai
    model: gpt-guess
    context_window: 200000
    max_completion_tokens: 1000
    estimate_factor: 1.5
    estimate_band: [1.2, 2.0]
    default: true
  tiny:
    provider: openai
    model: gpt-tiny
    context_window: 600
    max_completion_tokens: 400
    tokenizer: o200k_base
"""


def test_config() -> Config:
    return parse_config(CONFIG_TEXT, "test")


test_config.__test__ = False  # type: ignore[attr-defined]


class ScreensApp(FiedlerApp):
    """FiedlerApp with the screens' stylesheet, opening one screen and recording sends."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [TUI_DIR / "app.tcss", TUI_DIR / "screens.tcss"]

    def __init__(
        self,
        start: Callable[[], Screen[Any]],
        settings: Settings,
        config: Config,
        keystore: KeyStore | None = None,
    ) -> None:
        super().__init__(
            settings=settings,
            config=config,
            keystore=keystore or KeyStore(env={"OPENAI_API_KEY": "sk-test-key"}),
            start_screen=False,
        )
        self._start = start
        self.started: list[tuple[DryRunResult, tuple[str, ...]]] = []

    def on_mount(self) -> None:
        self.push_screen(self._start())

    def start_run(self, result: DryRunResult, aliases: Sequence[str]) -> None:
        self.started.append((result, tuple(aliases)))


def make_app(
    root: Path,
    start: Callable[[], Screen[Any]] | None = None,
    config: Config | None = None,
    keystore: KeyStore | None = None,
    **settings: Any,
) -> ScreensApp:
    """The app on ``root``; ``keystore`` defaults to one holding the test provider's key."""
    values: dict[str, Any] = {"allowed_roots": (root,), "output_dir": root.parent / "runs"}
    values.update(settings)
    return ScreensApp(start or ComposeScreen, Settings(**values), config or test_config(), keystore)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every worker finished and the messages it posted were handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


S = TypeVar("S", bound=Screen[Any])


async def screen_after_key(pilot: Pilot[None], key: str, kind: type[S]) -> S:
    """Settle, press ``key``, settle: the screen it opened, which must be a ``kind``."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


def compose_screen(app: ScreensApp) -> ComposeScreen:
    screen = app.screen
    assert isinstance(screen, ComposeScreen)
    return screen


def find(root: Path, name: str) -> str:
    matches = sorted(p for p in root.rglob("*") if p.name == name)
    assert matches, f"{name} not under {root}"
    return str(matches[0])


async def select_file(pilot: Pilot[None], name: str, key: str = "space") -> None:
    """Put the tree cursor on the file or folder ``name`` and press ``key`` there."""
    picker = pilot.app.screen.query_one(FilePicker)
    node = await picker.reveal(find(Path(picker.roots.roots[0]), name))
    assert node is not None
    await pilot.pause()
    picker.move_cursor(node)
    picker.focus()
    await pilot.press(key)
    await settle(pilot)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "main.py").write_text("def main() -> None:\n    print('hello')\n" * 20)
    (root / "src" / "util.py").write_text("X = 1\n")
    (root / "README.md").write_text("# project\n")
    (root / "debug.log").write_text("noise\n")
    (root / ".gitignore").write_text("*.log\n")
    (root / "big.txt").write_text("word " * 2000)
    (root / "settings.py").write_text(
        'API_KEY = "sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"\n'
    )
    return root


async def test_selecting_files_updates_the_budget(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        table = screen.query_one(BudgetTable)
        assert set(table.statuses()) == {"roomy", "guess"}
        before = screen.result
        assert before is not None and len(before.preview.files) == 0
        await select_file(pilot, "main.py")
        after = screen.result
        assert after is not None and [f.path for f in after.preview.files] == ["src/main.py"]
        roomy = next(m for m in after.models if m.alias == "roomy")
        assert roomy.count_method == "exact" and roomy.input_range is None
        guess = next(m for m in after.models if m.alias == "guess")
        assert guess.count_method == "estimate" and guess.input_range is not None
        assert (
            roomy.input_tokens > next(m for m in before.models if m.alias == "roomy").input_tokens
        )
        package = str(screen.query_one("#package", Static).render())
        assert "package: 1 file, " in package
        app.theme = "fiedler-light"  # status colours follow the theme
        await pilot.pause()
        status = table.get_row("roomy")[BudgetTable.COLUMNS.index("status")]
        assert str(status.style) == app.get_css_variables()["success"]
        await pilot.press("space")  # deselect again
        await settle(pilot)
        assert screen.result is not None and len(screen.result.preview.files) == 0


M = TypeVar("M", bound=Message)


def posted(messages: list[Message], kind: type[M]) -> list[M]:
    """Messages of ``kind``, once each (a bubbling message is seen by every node it reaches)."""
    unique = {id(m): m for m in messages if isinstance(m, kind)}
    return list(unique.values())


def blockers(screen: ComposeScreen) -> str:
    return str(screen.query_one("#blockers", Static).render())


async def type_prompt(pilot: Pilot[None], text: str) -> None:
    """Set the prompt as typing would (the debounced preview follows)."""
    screen = pilot.app.screen
    assert isinstance(screen, ComposeScreen)
    screen.query_one("#prompt", TextArea).text = text
    await pilot.pause()


async def choose_models(pilot: Pilot[None], *aliases: str) -> None:
    models = pilot.app.screen.query_one("#models", SelectionList)
    models.deselect_all()
    for alias in aliases:
        models.select(alias)
    await settle(pilot)


async def test_send_is_refused_while_a_model_is_over_budget(project: Path) -> None:
    messages: list[Message] = []
    app = make_app(project)
    async with app.run_test(size=(120, 36), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        await choose_models(pilot, "roomy", "tiny")
        await select_file(pilot, "big.txt")
        await type_prompt(pilot, "Review this file.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.started == []
        [refused] = posted(messages, ComposeScreen.SendRefused)
        assert any("over budget: tiny (" in r for r in refused.reasons)
        assert screen.query_one(BudgetTable).statuses() == {"roomy": "fits", "tiny": "over"}
        assert "over budget: tiny (" in blockers(screen)
        assert any(n.title == "Cannot send" for n in app._notifications)
        # dropping the model that does not fit makes the same package sendable
        await choose_models(pilot, "roomy")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [(result, aliases)] = app.started
        assert aliases == ("roomy",)
        assert [f.path for f in result.preview.files] == ["big.txt"]
        assert result.prompt == "Review this file."


async def test_empty_prompt_and_no_model_are_refused(project: Path) -> None:
    messages: list[Message] = []
    app = make_app(project)
    async with app.run_test(size=(120, 36), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        await select_file(pilot, "util.py")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await choose_models(pilot)
        await type_prompt(pilot, "   ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        refusals = [m.reasons for m in posted(messages, ComposeScreen.SendRefused)]
        assert refusals == [
            ("the prompt is empty",),
            ("no model selected", "the prompt is empty"),
        ]
        assert "no model selected" in blockers(screen)
        assert app.started == []


async def test_likely_secrets_need_a_choice(project: Path) -> None:
    messages: list[Message] = []
    app = make_app(project)
    async with app.run_test(size=(120, 36), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        await select_file(pilot, "settings.py")
        await type_prompt(pilot, "Check the settings.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.started == []
        [refused] = posted(messages, ComposeScreen.SendRefused)
        assert any("likely secret" in r for r in refused.reasons)
        findings = str(screen.query_one("#findings", Static).render())
        assert "settings.py:1:" in findings
        await pilot.press("f4")  # refuse -> mask
        await settle(pilot)
        assert screen.query_one("#secret-policy", Select).value is SecretPolicy.MASK
        await pilot.press("ctrl+s")
        await settle(pilot)
        [(result, _)] = app.started
        assert result.secret_policy is SecretPolicy.MASK
        assert "sk-proj-4f9a8b7c6d5e" not in result.preview.text
        assert prompt_memory(app).get(sha256_text("Check the settings.")) == "Check the settings."


async def test_the_policy_dropdown_mounts_after_the_first_frame_showing_the_policy(
    project: Path,
) -> None:
    def started_with_mask() -> ComposeScreen:
        screen = ComposeScreen()
        screen.policy = SecretPolicy.MASK  # as if f4 came before the dropdown mounted
        return screen

    app = make_app(project, start=started_with_mask)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        assert screen.query_one("#secret-policy", Select).value is SecretPolicy.MASK
        await pilot.press("f4")  # mask -> exclude, through the mounted dropdown
        await settle(pilot)
        assert screen.policy is SecretPolicy.EXCLUDE
        assert screen.query_one("#secret-policy", Select).value is SecretPolicy.EXCLUDE


async def test_send_never_uses_a_stale_preview(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        await select_file(pilot, "util.py")
        await type_prompt(pilot, "first")
        await settle(pilot)
        screen.query_one("#prompt", TextArea).text = "second"
        await pilot.press("ctrl+s")  # the debounced preview has not run yet
        await settle(pilot)
        [(result, _)] = app.started
        assert result.prompt == "second"
        with screen._engine_lock:  # hold the preview back, as a slow dry run would
            screen.query_one("#prompt", TextArea).text = "third"
            await pilot.press("ctrl+s")
            screen.query_one("#prompt", TextArea).text = "fourth"  # changed before it landed
            await pilot.pause()
        for _ in range(100):
            if screen.fresh:
                break
            await pilot.pause(0.02)
        await settle(pilot)
        assert len(app.started) == 1
        assert any(n.title == "Not sent" for n in app._notifications)


async def test_select_a_whole_folder_skips_ignored_files(project: Path) -> None:
    (project / "src" / "cache.log").write_text("ignored\n")
    (project / "src" / ".gitignore").write_text("generated.py\n")
    (project / "src" / "generated.py").write_text("X = 2\n")
    (project / "src" / "blob.bin").write_bytes(b"\x00\x01\x02" * 10)
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        picker = screen.query_one(FilePicker)
        await select_file(pilot, "src", key="a")
        assert {Path(p).name for p in picker.selected} == {
            ".gitignore",
            "main.py",
            "util.py",
            "blob.bin",
        }
        result = screen.result
        assert result is not None
        assert [f.path for f in result.preview.files] == [
            "src/.gitignore",
            "src/main.py",
            "src/util.py",
        ]
        generated = picker._entry_nodes[str((project / "src" / "generated.py").resolve())]
        assert "ignored by src/.gitignore:1" in generated.label.plain
        skipped = str(screen.query_one("#skipped", Static).render())
        assert "src/blob.bin" in skipped
        blob = picker._entry_nodes[str((project / "src" / "blob.bin").resolve())]
        assert "—" in blob.label.plain  # the dry run's reason is shown in the tree
        log = picker._entry_nodes[str((project / "src" / "cache.log").resolve())]
        assert "ignored by .gitignore" in log.label.plain
        await select_file(pilot, "src", key="a")  # again: deselect the folder
        assert picker.selected == set()


async def test_markup_in_file_names_is_shown_literally(project: Path) -> None:
    evil = project / "[bold red]boom[@click=app.quit]x.py"
    evil.write_text("print('[red]not markup[/red]')\n")
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        picker = screen.query_one(FilePicker)
        node = picker._entry_nodes[str(evil.resolve())]
        assert "[bold red]boom[@click=app.quit]x.py" in node.label.plain
        await select_file(pilot, evil.name)
        result = screen.result
        assert result is not None and result.preview.files[0].path == evil.name
        assert "[bold red]boom" in picker._entry_nodes[str(evil.resolve())].label.plain


async def test_every_compose_action_is_in_the_palette(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        names = {c.name for c in screen_commands(screen)}
        assert {"Compose: Send", "Compose: History", "Compose: Secrets policy"} <= names
        extra = {c.name for c in screen.palette_commands()}
        assert "Compose: likely secrets: mask the values" in extra
        [mask] = [c for c in screen.palette_commands() if "mask" in c.name]
        mask.callback()
        await settle(pilot)
        assert screen.policy is SecretPolicy.MASK
        titles = {c.title for c in app.get_system_commands(screen)}  # how the app lists them
        assert {"Compose: likely secrets: send anyway", "Compose: focus prompt"} <= titles
        await pilot.press("f1")
        help_table = app.screen.query_one(DataTable)
        actions = {str(help_table.get_row_at(i)[2]) for i in range(help_table.row_count)}
        named = {a.split(":")[0] for a in actions}
        assert {"Send", "History", "Secrets policy", "Refresh"} <= named


async def test_typing_is_debounced_into_one_preview(project: Path) -> None:
    messages: list[Message] = []
    app = make_app(project)
    async with app.run_test(size=(120, 36), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        before = len(posted(messages, ComposeScreen.PreviewReady))
        area = screen.query_one("#prompt", TextArea)
        for char in "fix it":  # keystrokes closer together than the debounce interval
            area.insert(char)
        await pilot.pause()
        assert len(posted(messages, ComposeScreen.PreviewReady)) == before
        for _ in range(100):  # until the debounce timer has fired and its preview landed
            if screen.fresh:
                break
            await pilot.pause(0.02)
        await settle(pilot)
        assert screen.prompt == "fix it" and screen.fresh
        assert len(posted(messages, ComposeScreen.PreviewReady)) == before + 1


async def test_a_failing_preview_is_a_notification_not_a_crash(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> DryRunResult:
        raise PermissionError(13, "Permission denied", "/secret/place")

    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(DryRunEngine, "run", broken)
        await type_prompt(pilot, "go")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running and app.started == []
        [failure] = [n for n in app._notifications if n.title == "File system error"]
        assert failure.message == "Preview failed: Permission denied (/secret/place)"
        assert "Traceback" not in failure.message


async def test_a_crossed_limit_blocks_the_send(project: Path) -> None:
    app = make_app(project, max_file_count=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        await type_prompt(pilot, "two files")
        await select_file(pilot, "main.py")
        await select_file(pilot, "util.py")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.started == []
        assert "FIEDLER_MAX_FILE_COUNT" in blockers(screen)


async def test_models_without_a_key_show_it_and_are_refused_until_one_is_added(
    project: Path, memory_keyring: MemoryKeyring
) -> None:
    messages: list[Message] = []
    app = make_app(project, keystore=KeyStore(env={}))
    async with app.run_test(size=(120, 36), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        await type_prompt(pilot, "Review.")
        await select_file(pilot, "util.py")  # previews at once, the prompt included
        table = screen.query_one(BudgetTable)
        assert table.column("key") == {"roomy": "missing", "guess": "missing"}
        expected = (
            "no API key for openai (needed by roomy, guess): press f2 to add it "
            "(or set OPENAI_API_KEY before starting fiedler)"
        )
        assert screen.send_problems() == [expected]
        assert "ready to send" not in blockers(screen) and expected in blockers(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.started == []
        [refused] = posted(messages, ComposeScreen.SendRefused)
        assert refused.reasons == (expected,)
        memory_keyring.set_password("fiedler", "openai", "sk-test-from-keyring")
        await pilot.press("f2")  # the Keys screen, and back: keys are looked up again
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert table.column("key") == {"roomy": "keyring", "guess": "keyring"}
        assert "ready to send to 2 models" in blockers(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [(result, aliases)] = app.started
        assert aliases == ("roomy", "guess") and [m.key for m in result.models] == ["keyring"] * 2


async def test_a_binary_file_from_a_folder_is_skipped_but_named_alone_blocks(
    project: Path,
) -> None:
    (project / "src" / "blob.bin").write_bytes(b"\x00\x01\x02" * 10)
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        await type_prompt(pilot, "Review.")
        await select_file(pilot, "src", key="a")
        picker = screen.query_one(FilePicker)
        blob = str((project / "src" / "blob.bin").resolve())
        assert blob in picker.via_folder
        assert screen.result is not None and screen.send_problems() == []
        assert "src/blob.bin: binary" in str(screen.query_one("#skipped", Static).render())
        await select_file(pilot, "blob.bin")  # deselected...
        await select_file(pilot, "blob.bin")  # ...and named on its own
        assert blob in picker.named()
        assert screen.send_problems() == [
            "src/blob.bin: cannot be packaged: binary: NUL byte at offset 0"
        ]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.started == []


def test_every_budget_status_has_a_theme_colour() -> None:
    from fiedler_tui.core.budget.model_budget import BudgetStatus
    from fiedler_tui.tui.widgets.budget_table import STATUS_VARIABLE

    assert set(STATUS_VARIABLE) == {status.value for status in BudgetStatus}
