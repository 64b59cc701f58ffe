"""The Keys screen driven by the pilot with a real (in-memory) keyring backend."""

from __future__ import annotations

import keyring
import keyring.backends.fail
from textual.color import Color
from textual.widgets import DataTable, Input, Static

from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.keys import SERVICE, KeyStore
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.preferences import Preferences
from fiedler_tui.tui.screens.help import HelpScreen
from fiedler_tui.tui.screens.keys import ConfirmDelete, KeyInput, KeysScreen

from ..conftest import MemoryKeyring


def make_app(require_secure: bool = False, env: dict[str, str] | None = None) -> FiedlerApp:
    return FiedlerApp(
        settings=Settings.from_env({}),
        config=load_config(None, {}),
        keystore=KeyStore(require_secure=require_secure, env=env or {}),
        start_screen=False,
    )


def sources(screen: KeysScreen) -> dict[str, str]:
    table = screen.query_one(DataTable)
    return {
        str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1]) for i in range(table.row_count)
    }


async def test_set_and_delete_a_key(memory_keyring: MemoryKeyring) -> None:
    app = make_app(env={"ANTHROPIC_API_KEY": "sk-ant-env-0001"})
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("f2")
        screen = app.screen
        assert isinstance(screen, KeysScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sources(screen)["openai"] == "missing"
        assert sources(screen)["anthropic"] == "env"
        await pilot.press("s")  # cursor is on the first row: openai
        await app.workers.wait_for_complete()  # the keyring is checked before asking
        await pilot.pause()
        assert isinstance(app.screen, KeyInput)
        assert app.screen.query_one(Input).password is True
        await pilot.press(*"sk-typed-0002", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert memory_keyring.passwords[(SERVICE, "openai")] == "sk-typed-0002"
        assert sources(screen)["openai"] == "keyring"
        await pilot.press("d")  # asks first
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDelete)
        await pilot.press("n")
        await app.workers.wait_for_complete()
        assert (SERVICE, "openai") in memory_keyring.passwords  # kept
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (SERVICE, "openai") not in memory_keyring.passwords
        assert sources(screen)["openai"] == "missing"


async def test_strict_mode_and_headless_backend_are_explained() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    app = make_app(require_secure=True, env={"OPENAI_API_KEY": "sk-env-0003"})
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KeysScreen)
        header = str(screen.query_one("#keys-backend", Static).render())
        assert "no keyring backend found" in header
        assert "FIEDLER_REQUIRE_SECURE_KEYRING=1" in header
        assert sources(screen)["openai"] == "missing"
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)  # never asked for a key it could not store
        [note] = [n for n in app._notifications if n.title == "No keyring"]
        assert "no keyring backend found" in note.message
        assert "OPENAI_API_KEY" not in note.message  # strict mode ignores the environment
        assert "install and unlock a keyring service" in note.message


async def test_no_keyring_says_what_to_do_before_asking_for_a_key() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("s")  # openai
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        [note] = [n for n in app._notifications if n.title == "No keyring"]
        assert note.message.startswith("cannot store a key for openai: no keyring backend found")
        assert "set OPENAI_API_KEY before starting fiedler" in note.message
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)  # no confirmation for a delete that must fail
        assert any(
            n.message.startswith("cannot delete a key for openai") for n in app._notifications
        )


async def test_help_lists_the_bindings() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = {
            str(table.get_row_at(i)[1]): str(table.get_row_at(i)[2]) for i in range(table.row_count)
        }
        assert rows["f1"].startswith("Help") and rows["f2"].startswith("Keys")
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_theme_choice_persists_between_sessions() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        assert app.theme == "fiedler-dark"
        app.theme = "fiedler-light"
        app.theme = "fiedler-high-contrast"  # saved in a thread: the latest choice wins
        await pilot.pause()
        await app.workers.wait_for_complete()
    again = make_app()
    async with again.run_test() as pilot:
        await pilot.pause()
        assert again.theme == "fiedler-high-contrast"
        # Started in it, not switched to it after the first frame: styled with its colours.
        theme = again.current_theme
        assert again.screen.styles.background == Color.parse(theme.background or "")
        assert again.has_class("-theme-fiedler-high-contrast", "-dark-mode")
        assert not again.has_class("-light-mode")


async def test_a_light_theme_styles_the_first_frame() -> None:
    Preferences(theme="fiedler-light").save()
    app = make_app()
    async with app.run_test():
        assert app.theme == "fiedler-light"
        assert app.screen.styles.background == Color.parse("#fafafa")
        assert app.has_class("-theme-fiedler-light", "-light-mode")
        assert not app.has_class("-dark-mode")


class BrokenKeyring(MemoryKeyring):
    """A backend that fails in a way keyring does not wrap (seen with broken D-Bus sessions)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("the session bus went away")


async def test_a_failing_keyring_is_reported_not_silent() -> None:
    keyring.set_keyring(BrokenKeyring())
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        assert any("session bus went away" in n.message for n in app._notifications)
        assert app.is_running


async def test_what_to_do_names_this_screens_keys(memory_keyring: MemoryKeyring) -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KeysScreen)
        table = screen.query_one(DataTable)
        todo = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[2]) for i in range(6)}
        assert todo["openai"] == "s stores one or set OPENAI_API_KEY"
        assert todo["ollama"] == ""  # needs none
        assert not any("fiedler keys" in text for text in todo.values())


async def test_what_to_do_shows_whole_at_80_columns(memory_keyring: MemoryKeyring) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        names = [c.label.plain for c in table.ordered_columns]
        assert names == ["provider", "source", "what to do", "from"]
        needed = sum(c.get_render_width(table) for c in table.ordered_columns[:3])
        assert needed <= table.scrollable_content_region.width
