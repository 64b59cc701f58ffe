"""Theme files: built-ins load, user themes add or replace, broken files are reported and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from fiedler_tui.tui.themes import STATUS_VARIABLES, load_themes, user_theme_dir


def test_builtin_themes_load_with_status_colours() -> None:
    result = load_themes()
    assert result.failures == []
    names = {t.name for t in result.themes}
    assert {"fiedler-dark", "fiedler-light", "fiedler-high-contrast"} <= names
    dark = next(t for t in result.themes if t.name == "fiedler-dark")
    assert set(STATUS_VARIABLES) <= set(dark.variables)


def test_user_theme_is_added_and_broken_files_are_reported(tmp_path: Path) -> None:
    folder = user_theme_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#123456"\ndark = false\n')
    (folder / "broken.toml").write_text('name = "broken"\nprimary = "not-a-colour"\n')
    (folder / "junk.toml").write_text('name = ["unclosed\n')
    (folder / "old.yaml").write_text("name: old\nprimary: '#123456'\n")
    (folder / "notes.txt").write_text("ignored")
    result = load_themes()
    assert "mine" in {t.name for t in result.themes}
    assert "old" not in {t.name for t in result.themes}
    assert len(result.failures) == 3
    assert any("broken.toml" in f and "not a colour" in f for f in result.failures)
    assert any("junk.toml" in f and "invalid TOML" in f and "line 1" in f for f in result.failures)
    assert any("old.yaml" in f and "themes are TOML files" in f for f in result.failures)


async def test_themes_register_in_a_real_app() -> None:
    result = load_themes()

    class Probe(App[None]):
        def on_mount(self) -> None:
            for theme in result.themes:
                self.register_theme(theme)
            self.theme = "fiedler-light"

    app = Probe()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "fiedler-light"
        assert app.current_theme.variables["model-failed"] == "#d70000"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('primary = "#123456"\n', "name: required"),
        ('name = "x"\n', "primary: required"),
        ('name = "x"\nprimary = "#123456"\ndark = "maybe"\n', "dark: must be true or false"),
        ('name = "x"\nprimary = "#123456"\nsurfce = "#000000"\n', "surfce: unknown field"),
        ('name = "x"\nprimary = 12\n', "primary: not a colour: 12"),
        ('name = "x"\nprimary = "#123456"\nvariables = ["a"]\n', "variables: must map names"),
        (
            'name = "x"\nprimary = "#123456"\n[variables]\nmodel-done = "nope"\n',
            "variables.model-done: not a colour: 'nope'",
        ),
        ("- just a list\n", "invalid TOML"),
    ],
)
def test_each_broken_field_is_named(tmp_path: Path, text: str, reason: str) -> None:
    (tmp_path / "bad.toml").write_text(text)
    result = load_themes(tmp_path)
    [failure] = result.failures
    assert failure.startswith(str(tmp_path / "bad.toml")) and reason in failure
