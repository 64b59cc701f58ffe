"""A models.yaml that holds no document or is not UTF-8 is reported plainly, with its line:
not at line ``?``, nor with the decoder's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.errors import ConfigError


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    return caught.value.problems


@pytest.mark.parametrize("content", ["", "\n\n", "# nothing here yet\n"])
def test_an_empty_models_yaml_says_what_it_expects(tmp_path: Path, content: str) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(content)
    assert problems_of(path) == [
        f"{path}:1: (top level): models.yaml is empty: expected providers: and models:"
    ]


def test_a_models_yaml_that_is_not_utf8_names_the_byte_and_line(tmp_path: Path) -> None:
    path = tmp_path / "models.yaml"
    path.write_bytes(b"providers:\n  local:\n    name: caf\xe9\n")
    assert problems_of(path) == [f"{path}:3: models.yaml is not UTF-8 text (byte 0xe9 at line 3)"]
