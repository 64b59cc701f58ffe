"""``--http [HOST:]PORT``: what is accepted, what is loopback, what is refused."""

from __future__ import annotations

import pytest

from fiedler_tui.commands.mcp import parse_address
from fiedler_tui.core.errors import UsageError
from fiedler_tui.mcp.http_auth import is_loopback


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("8765", ("127.0.0.1", 8765)),
        (":8765", ("127.0.0.1", 8765)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),
        ("[::1]:9000", ("[::1]", 9000)),
        ("localhost:0", ("localhost", 0)),
    ],
)
def test_addresses(raw: str, expected: tuple[str, int]) -> None:
    assert parse_address(raw) == expected


@pytest.mark.parametrize("raw", ["http", "host:port", "127.0.0.1:70000", "-1"])
def test_bad_addresses_say_what_is_expected(raw: str) -> None:
    with pytest.raises(UsageError, match="--http"):
        parse_address(raw)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.4", False),
        ("example.com", False),
    ],
)
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
