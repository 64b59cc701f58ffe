"""`fiedler serve` over real HTTP: the token, the host check, the origin check and refusals."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.support.simulated_project import fiedler_process

from ..support.browser import fiedler_serve


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FIEDLER_")}
    return clean | {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "FIEDLER_OUTPUT_DIR": str(tmp_path / "runs"),
        **extra,
    }


def test_pages_need_the_token_then_its_cookie(tmp_path: Path) -> None:
    with fiedler_serve("--demo", env=_env(tmp_path), cwd=str(tmp_path)) as served:
        assert served.url.startswith("http://127.0.0.1:")
        with httpx.Client(trust_env=False) as client:
            bare = client.get(served.base)
            assert bare.status_code == 401
            assert "token" in bare.text
            wrong = client.get(served.base, params={"token": "not-it"})
            assert wrong.status_code == 401
            entry = client.get(served.url)
            assert entry.status_code == 303
            assert entry.headers["location"] == "/"  # the token leaves the address bar
            cookie = entry.headers["set-cookie"]
            assert "HttpOnly" in cookie
            assert "SameSite=Strict" in cookie
            page = client.get(served.base)
            assert page.status_code == 200
            assert 'data-session-websocket-url="ws://127.0.0.1:' in page.text
            assert client.get(served.base + "static/js/textual.js").status_code == 200
            rebound = client.get(served.base, headers={"Host": "attacker.example:80"})
            assert rebound.status_code == 421
            token = served.url.split("?token=", 1)[1]
            elsewhere = client.get(served.base + "/attacker.example/?token=" + token)
            assert elsewhere.status_code == 303
            assert elsewhere.headers["location"] == "/attacker.example/"  # never //host


def test_websocket_refused_without_token_or_from_another_origin(tmp_path: Path) -> None:
    with fiedler_serve("--demo", env=_env(tmp_path), cwd=str(tmp_path)) as served:
        with httpx.Client(trust_env=False) as client:
            client.get(served.url)  # takes the cookie
            upgrade = {
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            }
            origin = served.base.rstrip("/")
            other = client.get(
                served.base + "ws", headers=upgrade | {"Origin": "http://attacker.example"}
            )
            assert other.status_code == 403
            no_origin = client.get(served.base + "ws", headers=upgrade)
            assert no_origin.status_code == 403
            same = client.get(served.base + "ws", headers=upgrade | {"Origin": origin})
            assert same.status_code == 101  # the app's process starts for this socket
        stranger = httpx.get(
            served.base + "ws", headers=upgrade | {"Origin": origin}, trust_env=False
        )
        assert stranger.status_code == 401


def _fiedler(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return fiedler_process(args, env)


def test_other_interfaces_need_a_token_set(tmp_path: Path) -> None:
    done = _fiedler("--demo", "serve", "--host", "0.0.0.0", "--port", "0", env=_env(tmp_path))
    assert done.returncode == 2
    assert "FIEDLER_SERVE_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = _fiedler("--demo", "serve", "--port", str(port), env=_env(tmp_path))
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("port", ["99999", "-1"])
def test_a_port_out_of_range_is_bad_input(tmp_path: Path, port: str) -> None:
    done = _fiedler("--demo", "serve", "--port", port, env=_env(tmp_path))
    assert done.returncode == 2
    assert f"--port: expected a port from 0 to 65535, got '{port}'" in done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("token", ["chosen-token-123"])
def test_the_token_can_be_chosen(tmp_path: Path, token: str) -> None:
    env = _env(tmp_path, FIEDLER_SERVE_TOKEN=token)
    with fiedler_serve("--demo", env=env, cwd=str(tmp_path)) as served:
        assert served.url.endswith(f"?token={token}")
        assert httpx.get(served.url, trust_env=False).status_code == 303
