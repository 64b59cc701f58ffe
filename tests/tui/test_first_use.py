"""What a new user meets first in Compose, History and Help: typing, quitting, help, marks,
clicks and re-runs, through the real app and pilot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import DataTable, SelectionList, Static

from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.tui.screens.compose import ComposeScreen
from fiedler_tui.tui.screens.help import HelpScreen
from fiedler_tui.tui.widgets.file_picker import FilePicker

from .test_compose import (
    CONFIG_TEXT,
    compose_screen,
    find,
    make_app,
    project,
    select_file,
    settle,
)
from .test_history import save_run

__all__ = ["project"]  # the fixture, used by name


def tree_line(picker: FilePicker, name: str) -> int:
    """The tree line whose label ends with ``name``."""
    for line in range(picker.last_line + 1):
        node = picker.get_node_at_line(line)
        if node is not None and str(node.label).endswith(name):
            return line
    raise AssertionError(f"{name} is not shown in the tree")


def label(picker: FilePicker, name: str) -> str:
    node = picker.get_node_at_line(tree_line(picker, name))
    assert node is not None
    return str(node.label)


async def test_typing_at_once_writes_the_prompt_and_the_tree_shows_a_cursor(
    project: Path,
) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*"fix it")
        screen = compose_screen(app)
        assert screen.prompt == "fix it"
        picker = screen.query_one(FilePicker)
        assert picker.selected == set()  # space and a went to the prompt, not the tree
        assert picker.cursor_line == 0 and picker.cursor_node is not None


async def test_ctrl_c_says_how_to_quit_without_markup(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        [note] = [n for n in app._notifications if n.title == "Do you want to quit?"]
        assert note.message == "Press ctrl+q to quit fiedler"
        assert app.is_running


async def test_help_lists_every_key_in_words(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        keys = {(where, key) for where, key, _ in rows}
        assert {
            ("Compose", "ctrl+s"),
            ("Compose", "f3"),
            ("Compose: Files", "space"),
            ("Compose: Files", "a"),
            ("Compose: Models", "space"),
            ("Everywhere", "tab"),
            ("Everywhere", "shift+tab"),
            ("Everywhere", "ctrl+q"),
            ("Everywhere", "ctrl+p"),
            ("Everywhere", "f1"),
            ("Everywhere", "f2"),
        } <= keys
        assert not any("Screen" in cell or "^" in cell for row in rows for cell in row)
        assert dict(((w, k), what) for w, k, what in rows)[("Everywhere", "ctrl+q")] == (
            "Quit fiedler"
        )
        title = str(app.screen.query_one("#help-title", Static).render())
        assert title.startswith("Keys of Compose")


async def test_a_click_on_a_file_selects_it_and_folders_show_all_some_none(
    project: Path,
) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        picker = compose_screen(app).query_one(FilePicker)
        await picker.reveal(find(project, "main.py"))
        await pilot.pause()
        assert label(picker, "src/") == "[ ] src/"
        line = tree_line(picker, "main.py")
        await pilot.click(picker, offset=(8, line + 1 - picker.scroll_offset.y))
        await settle(pilot)
        assert find(project, "main.py") in picker.selected
        assert label(picker, "main.py") == "[x] main.py"
        assert label(picker, "src/") == "[-] src/"  # some of its files
        await select_file(pilot, "src", "a")
        assert label(picker, "src/") == "[x] src/"  # all of them
        await select_file(pilot, "src", "a")
        assert label(picker, "src/") == "[ ] src/"
        await pilot.click(picker, offset=(8, tree_line(picker, "main.py") + 1))
        await settle(pilot)
        assert label(picker, "main.py") == "[x] main.py"
        assert compose_screen(app).paths == (find(project, "main.py"),)


async def test_a_folder_whose_files_were_all_ticked_one_by_one_shows_all(project: Path) -> None:
    (project / "src" / "lib").mkdir()
    (project / "src" / "lib" / "deep.py").write_text("Y = 2\n")
    (project / "src" / "noise.log").write_text("ignored: never packaged\n")
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        picker = compose_screen(app).query_one(FilePicker)
        await select_file(pilot, "main.py")
        await select_file(pilot, "util.py")
        assert label(picker, "src/") == "[-] src/"  # lib/deep.py is not ticked
        assert label(picker, "lib/") == "[ ] lib/"
        await select_file(pilot, "deep.py")
        assert label(picker, "lib/") == "[x] lib/"
        assert label(picker, "src/") == "[x] src/"  # every file it can package: all
        await select_file(pilot, "util.py")  # untick one
        assert label(picker, "src/") == "[-] src/" and label(picker, "lib/") == "[x] lib/"
        await select_file(pilot, "src", "a")  # a selects the rest: all again
        assert label(picker, "src/") == "[x] src/"
        await select_file(pilot, "src", "a")
        assert label(picker, "src/") == "[ ] src/" and label(picker, "lib/") == "[ ] lib/"


async def test_models_are_marked_without_colour_and_counted(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        models = compose_screen(app).query_one("#models", SelectionList)
        lines = [models.render_line(y).text for y in range(3)]
        assert [line[:3] for line in lines] == ["[x]", "[x]", "[ ]"]  # roomy, guess: defaults
        assert models.border_subtitle == "2 selected"
        models.focus()
        await pilot.press("down", "down", "space")
        await settle(pilot)
        assert models.render_line(2).text.startswith("[x] tiny")
        assert models.border_subtitle == "3 selected"


async def test_rerun_selects_the_runs_models(project: Path) -> None:
    store = RunStore(project.parent / "runs")
    when = datetime(2026, 11, 1, 10, tzinfo=UTC)
    save_run(store, when, {"guess": "G", "tiny": "T"}, prompt="Again.", save_prompt=True)
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert compose.aliases == ("guess", "tiny")  # not the defaults (roomy, guess)
        assert compose.paths == (find(project, "main.py"),)
        assert any("2 models of that run selected" in n.message for n in app._notifications)


async def test_rerun_whose_files_are_gone_warns_and_sends_nothing_by_surprise(
    project: Path,
) -> None:
    store = RunStore(project.parent / "runs")
    when = datetime(2026, 11, 1, 10, tzinfo=UTC)
    run_id = save_run(
        store, when, {"roomy": "R"}, files=("src/gone.py",), prompt="Again.", save_prompt=True
    )
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        lost = f"none of the 1 file of run {run_id} could be loaded"
        [warning] = [n for n in app._notifications if n.title == "Files not loaded"]
        assert warning.severity == "warning" and warning.message.startswith(lost)
        blockers = str(compose.query_one("#blockers", Static).render())
        assert blockers.startswith("cannot send") and lost in blockers
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.started == []  # refused, saying why
        assert any(lost in n.message for n in app._notifications if n.title == "Cannot send")
        await select_file(pilot, "util.py")
        assert lost not in str(compose.query_one("#blockers", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        [(result, aliases)] = app.started
        assert aliases == ("roomy",) and [f.path for f in result.preview.files] == ["src/util.py"]


TWO_TINY = (
    CONFIG_TEXT
    + """
  wee:
    provider: openai
    model: gpt-wee
    context_window: 500
    max_completion_tokens: 100
    tokenizer: o200k_base
"""
)


async def test_over_budget_is_said_once_and_hints_name_app_keys(project: Path) -> None:
    config = parse_config(TWO_TINY, "test")
    app = make_app(project, config=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        screen.query_one("#models", SelectionList).select_all()
        await select_file(pilot, "big.txt")
        await select_file(pilot, "settings.py")
        problems = screen.send_problems()
        over = [p for p in problems if "over budget" in p]
        assert len(over) == 1 and over[0].count("largest files") == 1
        assert "tiny (" in over[0] and "wee (" in over[0] and "big.txt" in over[0]
        text = "\n".join(problems) + str(screen.query_one("#findings", Static).render())
        assert "f4 chooses: mask the values, exclude those files or send anyway" in text
        assert "--" not in text  # no command-line flags in the app
        package = str(screen.query_one("#package", Static).render())
        assert "likely secrets: block until chosen (f4)" in package
        await pilot.press("f4")
        await settle(pilot)
        package = str(screen.query_one("#package", Static).render())
        assert "likely secrets: mask the values (f4)" in package
