"""Proxies and CA certificates, end to end: the runner, a real proxy process, the simulator.

The proxy (``tests/support/forward_proxy.py``) runs in its own process on 127.0.0.1 and reports
every request it carries. The simulated providers are addressed as ``api.sim.test``, a name
only that proxy resolves (``.test`` is reserved and resolves nowhere else), so an answer that
arrives proves it came through the proxy. TLS runs on a throwaway CA (``trustme``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpcore2
import pytest
import trustme
from providers_support import RunResult, run_models

from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.errors import ConfigError
from fiedler_tui.core.http import RoutingTransport, make_async_client
from fiedler_tui.core.net import AsyncioBackend
from fiedler_tui.core.network import NetworkEnvironment, route_for
from fiedler_tui.core.network.tls_contexts import cached_context
from fiedler_tui.core.providers.errors import ErrorCode
from fiedler_tui.core.runner import Runner, TextDelta
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator, simulator_base_url
from fiedler_tui.core.simulator.models_yaml import config_text
from tests.support.forward_proxy import ForwardProxy
from tests.support.simulated_project import run_fiedler

HOST = "api.sim.test"
NAMES = {HOST: "127.0.0.1"}
REPLY = " ".join(f"word{i}" for i in range(400))
MODELS = [
    SimulatedModel(name="gpt-sim", kind="openai", script=ModelScript(reply=REPLY)),
    SimulatedModel(name="claude-sim", kind="anthropic", script=ModelScript(reply=REPLY)),
    SimulatedModel(name="gemini-sim", kind="gemini", script=ModelScript(reply=REPLY)),
]
NAMES_OF_MODELS = [m.name for m in MODELS]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "corp-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    with ForwardProxy(names=NAMES) as running:
        yield running


def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST, "127.0.0.1").configure_cert(context)
    return context


def write_config(
    folder: Path,
    sim: Simulator,
    host: str = HOST,
    models: list[SimulatedModel] = MODELS,
    **extra: object,
) -> Config:
    """models.yaml in ``folder`` with every provider on ``host`` at the simulator's port."""
    scheme = sim.root_url.split("://")[0]
    root = f"{scheme}://{host}:{sim.port}"
    settings = {
        m.provider_name: {"max_retries": 0, "connect_timeout_s": 2, **extra} for m in models
    }
    text = config_text(
        lambda kind, prefix: simulator_base_url(root, kind, prefix),
        models,
        provider_settings=settings,
    )
    path = folder / "models.yaml"
    path.write_text(text)
    return load_config(path)


async def run(config: Config, environ: Mapping[str, str]) -> RunResult:
    """Every model of ``config``, with ``environ`` as the process environment."""
    async with Runner(config, {}, network=NetworkEnvironment.read(environ)) as runner:
        return await run_models(runner, list(config.models))


def assert_whole(result: RunResult, models: list[str] = NAMES_OF_MODELS) -> None:
    for model in models:
        assert result.finished(model).text == REPLY
        assert len(result.of_type(model, TextDelta)) > 1  # streamed, not one block


async def test_a_stream_through_an_http_proxy_arrives_whole(
    proxy: ForwardProxy, tmp_path: Path
) -> None:
    async with Simulator({m.name: m.script for m in MODELS}) as sim:
        config = write_config(tmp_path, sim)
        result = await run(config, {"HTTP_PROXY": proxy.url()})
    assert_whole(result)
    carried = proxy.wait_for(3, "FORWARD")
    assert sorted(line.split()[2].split("/")[3] for line in carried) == [
        "sim-anthropic",
        "sim-gemini",
        "sim-openai",
    ]
    assert all(line.startswith(f"FORWARD POST http://{HOST}:{sim.port}/") for line in carried)


async def test_https_through_a_connect_tunnel_with_the_ca_bundle_of_models_yaml(
    ca: trustme.CA, ca_file: Path, proxy: ForwardProxy, tmp_path: Path
) -> None:
    """``ca_bundle: corp-ca.pem`` (relative to models.yaml) makes the private CA trusted."""
    async with Simulator({m.name: m.script for m in MODELS}, ssl_context=server_context(ca)) as sim:
        config = write_config(tmp_path, sim, ca_bundle=ca_file.name)
        assert config.providers["sim-openai"].ca_bundle == ca_file
        result = await run(config, {"HTTPS_PROXY": proxy.url()})
    assert_whole(result)
    # One tunnel per provider (each its own connection), none forwarded in the clear.
    assert proxy.wait_for(3, "CONNECT") == [f"CONNECT {HOST}:{sim.port}"] * 3
    assert not [line for line in proxy.lines if line.startswith("FORWARD")]


async def test_without_the_ca_bundle_the_certificate_error_is_classified_and_names_the_proxy(
    ca: trustme.CA, proxy: ForwardProxy, tmp_path: Path
) -> None:
    async with Simulator({m.name: m.script for m in MODELS}, ssl_context=server_context(ca)) as sim:
        config = write_config(tmp_path, sim)
        result = await run(config, {"HTTPS_PROXY": proxy.url()})  # system CAs only
    for model in NAMES_OF_MODELS:
        error = result.failed(model).error
        assert error.code is ErrorCode.NETWORK
        assert error.message.startswith(
            f"cannot connect: through proxy http://127.0.0.1:{proxy.port} (from HTTPS_PROXY): "
        )
        assert "certificate verify failed" in error.message
    assert len(proxy.wait_for(3, "CONNECT")) == 3  # the tunnel was made; TLS in it failed


async def test_ssl_cert_file_from_the_environment_is_trusted(
    ca: trustme.CA, ca_file: Path, proxy: ForwardProxy, tmp_path: Path
) -> None:
    async with Simulator({m.name: m.script for m in MODELS}, ssl_context=server_context(ca)) as sim:
        config = write_config(tmp_path, sim)
        result = await run(config, {"https_proxy": proxy.url(), "SSL_CERT_FILE": str(ca_file)})
    assert_whole(result)
    assert len(proxy.wait_for(3, "CONNECT")) == 3


async def test_no_proxy_sends_the_host_direct(proxy: ForwardProxy, tmp_path: Path) -> None:
    """Direct, the proxy-only name does not resolve: the proxy sees nothing and the error is
    the direct connection's own (a lookup failure, or the connect timeout on a slow resolver)."""
    async with Simulator({m.name: m.script for m in MODELS}) as sim:
        config = write_config(tmp_path, sim, models=MODELS[:1], connect_timeout_s=1)
        result = await run(config, {"HTTP_PROXY": proxy.url(), "NO_PROXY": "localhost,.sim.test"})
    error = result.failed("gpt-sim").error
    assert error.code in (ErrorCode.NETWORK, ErrorCode.TIMEOUT)
    assert "proxy" not in error.message
    assert proxy.wait_for(1, timeout_s=0.2) == []


async def test_a_proxy_in_models_yaml_beats_the_environment(tmp_path: Path) -> None:
    with (
        ForwardProxy(names=NAMES) as chosen,
        ForwardProxy(names=NAMES) as environment_proxy,
    ):
        async with Simulator({m.name: m.script for m in MODELS}) as sim:
            config = write_config(tmp_path, sim, proxy=chosen.url())
            result = await run(config, {"HTTP_PROXY": environment_proxy.url()})
        assert_whole(result)
        assert len(chosen.wait_for(3, "FORWARD")) == 3
        assert environment_proxy.wait_for(1, timeout_s=0.2) == []


async def test_fiedler_trust_env_0_ignores_the_environments_proxy_and_ca(
    ca: trustme.CA, ca_file: Path, tmp_path: Path
) -> None:
    """With FIEDLER_TRUST_ENV=0, HTTPS_PROXY names a proxy that sees nothing, and SSL_CERT_FILE
    names the CA that would have been trusted: the certificate is checked against the system's
    store and refused. (The route still runs through models.yaml's proxy.)"""
    with ForwardProxy(names=NAMES) as chosen, ForwardProxy(names=NAMES) as ignored:
        async with Simulator(
            {m.name: m.script for m in MODELS}, ssl_context=server_context(ca)
        ) as sim:
            config = write_config(tmp_path, sim, models=MODELS[:1], proxy=chosen.url())
            environ = {
                "FIEDLER_TRUST_ENV": "0",
                "HTTPS_PROXY": ignored.url(),
                "SSL_CERT_FILE": str(ca_file),
            }
            refused = await run(config, environ)
            trusted = await run(config, {**environ, "FIEDLER_TRUST_ENV": "1"})
        assert "certificate verify failed" in refused.failed("gpt-sim").error.message
        assert trusted.finished("gpt-sim").text == REPLY  # the same, trusting the environment
        assert ignored.wait_for(1, timeout_s=0.2) == []
        assert len(chosen.wait_for(2, "CONNECT")) == 2


async def test_an_unreachable_proxy_is_a_network_error_naming_it_without_its_password(
    tmp_path: Path,
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    async with Simulator({m.name: m.script for m in MODELS}) as sim:
        config = write_config(tmp_path, sim, models=MODELS[:1])
        result = await run(config, {"HTTP_PROXY": f"http://alice:s3cret@127.0.0.1:{port}"})
    error = result.failed("gpt-sim").error
    assert error.code is ErrorCode.NETWORK and error.provider == "sim-openai"
    assert error.message.startswith(
        f"cannot connect: through proxy http://alice:***@127.0.0.1:{port} (from HTTP_PROXY): "
    )
    assert "s3cret" not in error.message


@contextlib.contextmanager
def full_listener() -> Iterator[int]:
    """A port that accepts no more connections: its backlog is full, so a connect hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    waiting: list[socket.socket] = []
    try:
        for _ in range(16):
            client = socket.socket()
            client.settimeout(0.2)
            waiting.append(client)
            try:
                client.connect(("127.0.0.1", port))
            except TimeoutError:
                break
        else:
            pytest.fail("the backlog never filled")
        yield port
    finally:
        for client in waiting:
            client.close()
        listener.close()


async def test_a_proxy_that_does_not_answer_is_a_connect_timeout_naming_it(tmp_path: Path) -> None:
    with full_listener() as port:
        async with Simulator({m.name: m.script for m in MODELS}) as sim:
            config = write_config(tmp_path, sim, models=MODELS[:1], connect_timeout_s=0.3)
            result = await run(config, {"HTTP_PROXY": f"http://bob:pw@127.0.0.1:{port}"})
    error = result.failed("gpt-sim").error
    assert error.code is ErrorCode.TIMEOUT
    assert error.message == (
        "connect timeout: no connection within 0.3 s "
        f"through proxy http://bob:***@127.0.0.1:{port} (from HTTP_PROXY)"
    )


async def test_proxy_credentials_are_sent_and_a_refusal_is_named_without_them(
    ca: trustme.CA, ca_file: Path, tmp_path: Path
) -> None:
    with ForwardProxy(names=NAMES, auth="alice:pa ss@1") as guarded:
        async with Simulator(
            {m.name: m.script for m in MODELS}, ssl_context=server_context(ca)
        ) as sim:
            config = write_config(tmp_path, sim, models=MODELS[:1], ca_bundle=str(ca_file))
            good = guarded.url("alice:pa%20ss%401")  # percent-encoded, as in any URL
            accepted = await run(config, {"HTTPS_PROXY": good})
            refused = await run(config, {"HTTPS_PROXY": guarded.url("alice:wrong")})
        assert accepted.finished("gpt-sim").text == REPLY
        error = refused.failed("gpt-sim").error
        assert error.message == (
            f"ProxyError: proxy http://alice:***@127.0.0.1:{guarded.port} (from HTTPS_PROXY) "
            f"refused {HOST}:{sim.port}: 407 Proxy Authentication Required"
        )
        assert guarded.wait_for(1, "CONNECT") == [f"CONNECT {HOST}:{sim.port}"]
        assert guarded.wait_for(1, "DENIED") == [f"DENIED CONNECT {HOST}:{sim.port}"]


async def test_an_https_proxy_carries_tls_inside_tls(
    ca: trustme.CA, ca_file: Path, tmp_path: Path
) -> None:
    """TLS to the proxy itself (``https://`` proxy), and the provider's TLS inside the tunnel,
    both verified by the same ``ca_bundle``, both on the asyncio network backend."""
    pem = tmp_path / "proxy.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(pem))
    with ForwardProxy(names=NAMES, cert=pem, key=pem) as secure:
        async with Simulator(
            {m.name: m.script for m in MODELS}, ssl_context=server_context(ca)
        ) as sim:
            config = write_config(tmp_path, sim, proxy=secure.url(), ca_bundle=str(ca_file))
            result = await run(config, {})
        assert secure.url().startswith("https://")
        assert_whole(result)
        assert len(secure.wait_for(3, "CONNECT")) == 3


async def test_proxied_routes_keep_the_asyncio_backend_and_share_one_context_per_ca(
    ca_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(
        "version: 1\nproviders:\n"
        + "".join(
            f"  {name}:\n    kind: openai\n    base_url: https://{name}.example.test/v1\n"
            f"    proxy: http://127.0.0.1:3128\n    ca_bundle: {ca_file.name}\n"
            for name in ("one", "two")
        )
        + "models:\n  m:\n    provider: one\n    context_window: 1000\n"
        "    max_completion_tokens: 100\n"
    )
    config = load_config(path)
    environment = NetworkEnvironment.read({})
    async with make_async_client(
        providers=config.providers.values(), environment=environment
    ) as client:
        transport = client._transport
        assert isinstance(transport, RoutingTransport)
        one = await transport.transport_for("https://one.example.test/v1/chat/completions")
        two = await transport.transport_for("https://two.example.test/v1/chat/completions")
        assert one is two  # same proxy, same CA: one pool
        assert isinstance(one.pool, httpcore2.AsyncHTTPProxy)
        assert isinstance(one.pool._network_backend, AsyncioBackend)
        direct = await transport.transport_for("https://elsewhere.example.test/")
        assert direct is not one  # no provider's URL: the environment's route, direct
        assert not isinstance(direct.pool, httpcore2.AsyncHTTPProxy)
        assert isinstance(direct.pool._network_backend, AsyncioBackend)
    route = route_for("https://x.test/", environment=environment, ca_bundle=ca_file)
    assert route.ca is not None
    context = cached_context(route.ca)  # built once, for both providers
    assert context is not None and one.pool._ssl_context is context


# models.yaml checks ----------------------------------------------------------------------------


def problems_of(tmp_path: Path, provider_lines: str) -> list[str]:
    path = tmp_path / "models.yaml"
    path.write_text(
        "version: 1\nproviders:\n  corp:\n    kind: openai\n"
        "    base_url: https://api.openai.com/v1\n"
        f"{provider_lines}"
        "models:\n  m:\n    provider: corp\n    context_window: 1000\n"
        "    max_completion_tokens: 100\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return [line.removeprefix(f"{path}:") for line in caught.value.problems]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "proxy: socks5://bob:hunter2@proxy:1080",
            "6: providers.corp.proxy: SOCKS proxies are not supported "
            "('socks5://bob:***@proxy:1080'); use an http:// or https:// proxy",
        ),
        (
            "proxy: proxy.corp:3128",
            "6: providers.corp.proxy: must be an http:// or https:// URL; got 'proxy.corp:3128'",
        ),
        ("proxy: http://:3128", "6: providers.corp.proxy: has no host: 'http://:3128'"),
        (
            "proxy: http://proxy:99999",
            "6: providers.corp.proxy: 'http://proxy:99999' is not a valid URL",
        ),
        (
            "proxy: ''",
            "6: providers.corp.proxy: must not be empty; `direct` means no proxy, and leaving "
            "it out uses the environment's (HTTPS_PROXY, ...)",
        ),
        (
            "ca_bundle: missing.pem",
            "6: providers.corp.ca_bundle: file not found: {dir}/missing.pem",
        ),
        (
            "ca_bundle: .",
            "6: providers.corp.ca_bundle: {dir} is a folder; name a PEM file (a folder of "
            "CAs goes in SSL_CERT_DIR)",
        ),
        (
            "ca_bundle: models.yaml",
            "6: providers.corp.ca_bundle: {dir}/models.yaml holds no PEM certificate",
        ),
    ],
)
def test_bad_proxy_and_ca_bundle_are_reported_where_they_are_written(
    tmp_path: Path, line: str, message: str
) -> None:
    assert problems_of(tmp_path, f"    {line}\n") == [message.format(dir=tmp_path)]


def test_good_proxy_and_ca_bundle_load(tmp_path: Path, ca: trustme.CA) -> None:
    (tmp_path / "certs").mkdir()
    ca.cert_pem.write_to_path(str(tmp_path / "certs" / "ca.pem"))
    path = tmp_path / "models.yaml"
    path.write_text(
        "version: 1\nproviders:\n  corp:\n    kind: openai\n"
        "    base_url: https://api.openai.com/v1\n"
        "    proxy: http://u:p@proxy.corp:3128\n    ca_bundle: certs/ca.pem\n"
        "  local:\n    kind: openai-compatible\n    base_url: http://127.0.0.1:8080/v1\n"
        "    proxy: direct\n"
        "models:\n  m:\n    provider: corp\n    context_window: 1000\n"
        "    max_completion_tokens: 100\n"
    )
    config = load_config(path)
    assert config.providers["corp"].proxy == "http://u:p@proxy.corp:3128"
    assert config.providers["corp"].ca_bundle == tmp_path / "certs" / "ca.pem"
    assert config.providers["local"].proxy == "direct"


# which route, and why ----------------------------------------------------------------------------

PROXY = "http://proxy.corp:3128"


def route_text(url: str, environ: Mapping[str, str], proxy: str | None = None) -> str:
    return route_for(
        url, environment=NetworkEnvironment.read(environ), proxy=proxy
    ).proxy.describe()


@pytest.mark.parametrize(
    ("no_proxy", "url", "direct"),
    [
        ("example.com", "https://example.com/v1", True),
        ("example.com", "https://api.example.com/v1", True),
        ("example.com", "https://badexample.com/v1", False),
        (".example.com", "https://example.com/v1", True),
        ("*.example.com", "https://api.EXAMPLE.com/v1", True),
        ("other.org, example.com", "https://api.example.com/v1", True),
        ("example.com:8443", "https://example.com:8443/v1", True),
        ("example.com:8443", "https://example.com/v1", False),
        ("10.0.0.0/8", "http://10.1.2.3:8000/v1", True),
        ("10.0.0.0/8", "http://10.example.com/v1", False),
        ("192.168.1.20", "http://192.168.1.20/v1", True),
        ("fd00::/8", "http://[fd00::5]:8000/v1", True),
        ("*", "https://api.openai.com/v1", True),
        ("", "https://api.openai.com/v1", False),
    ],
)
def test_no_proxy_entries(no_proxy: str, url: str, direct: bool) -> None:
    text = route_text(url, {"HTTPS_PROXY": PROXY, "HTTP_PROXY": PROXY, "NO_PROXY": no_proxy})
    if direct:
        assert text.startswith("direct (NO_PROXY entry ")
    else:
        assert text == f"proxy {PROXY} (from {'HTTPS_PROXY' if 'https' in url else 'HTTP_PROXY'})"


@pytest.mark.parametrize(
    ("environ", "url", "expected"),
    [
        ({"HTTPS_PROXY": PROXY}, "http://h.example/", "direct (no proxy set)"),
        ({"HTTP_PROXY": PROXY}, "https://h.example/", "direct (no proxy set)"),
        ({"ALL_PROXY": PROXY}, "https://h.example/", f"proxy {PROXY} (from ALL_PROXY)"),
        (
            {"ALL_PROXY": "http://all:1", "HTTPS_PROXY": PROXY},
            "https://h.example/",
            f"proxy {PROXY} (from HTTPS_PROXY)",
        ),
        (
            {"https_proxy": PROXY, "HTTPS_PROXY": "http://upper:1"},
            "https://h.example/",
            f"proxy {PROXY} (from https_proxy)",
        ),
        (
            {"HTTPS_PROXY": "proxy.corp:3128"},
            "https://h.example/",
            f"proxy {PROXY} (from HTTPS_PROXY)",
        ),
        (
            {"HTTPS_PROXY": PROXY},
            "http://localhost:11434/v1",
            "direct (loopback host: the environment's proxies do not apply)",
        ),
        (
            {"HTTP_PROXY": PROXY},
            "http://127.0.0.5:8080/v1",
            "direct (loopback host: the environment's proxies do not apply)",
        ),
        (
            {"HTTP_PROXY": PROXY},
            "http://[::1]:8080/v1",
            "direct (loopback host: the environment's proxies do not apply)",
        ),
        (
            {"HTTPS_PROXY": PROXY, "FIEDLER_TRUST_ENV": "no"},
            "https://h.example/",
            "direct (FIEDLER_TRUST_ENV=0: the environment is not used)",
        ),
        (
            {"HTTPS_PROXY": "socks5h://u:secret@s:1080"},
            "https://h.example/",
            "unusable proxy: HTTPS_PROXY: SOCKS proxies are not supported "
            "('socks5h://u:***@s:1080'); use an http:// or https:// proxy",
        ),
    ],
)
def test_which_proxy_the_environment_gives(
    environ: dict[str, str], url: str, expected: str
) -> None:
    assert route_text(url, environ) == expected


def test_models_yaml_proxy_and_direct_beat_the_environment() -> None:
    environ = {"HTTPS_PROXY": PROXY, "NO_PROXY": "h.example"}
    assert (
        route_text("https://h.example/", environ, "direct") == "direct (models.yaml proxy: direct)"
    )
    assert (
        route_text("https://h.example/", environ, "https://u:p@mine:8443")
        == "proxy https://u:***@mine:8443 (from models.yaml)"  # NO_PROXY is the environment's
    )
    assert (
        route_text("http://localhost:1/", environ, "http://mine:1")
        == "proxy http://mine:1 (from models.yaml)"
    )


def test_ca_choice_and_whether_a_route_needs_tls(ca_file: Path) -> None:
    environ = {"SSL_CERT_FILE": str(ca_file), "SSL_CERT_DIR": "/etc/ssl/certs"}
    environment = NetworkEnvironment.read(environ)
    assert route_for("http://h.example/", environment=environment).describe() == (
        "direct (no proxy set); no TLS (http)"
    )
    assert route_for("https://h.example/", environment=environment).describe() == (
        f"direct (no proxy set); CA {ca_file} + /etc/ssl/certs (from SSL_CERT_FILE and SSL_CERT_DIR)"
    )
    bundle = route_for(
        "http://h.example/", environment=environment, proxy="https://p:443", ca_bundle=ca_file
    )
    assert bundle.describe() == (  # TLS to the proxy, verified by the provider's bundle
        f"proxy https://p:443 (from models.yaml); CA {ca_file} (from models.yaml ca_bundle)"
    )
    untrusted = NetworkEnvironment.read({**environ, "FIEDLER_TRUST_ENV": "0"})
    assert (
        route_for("https://h.example/", environment=untrusted)
        .describe()
        .endswith("; CA system store")
    )


# the command line ----------------------------------------------------------------------------


async def test_fiedler_send_goes_through_the_environments_proxy_unless_told_not_to(
    ca: trustme.CA, ca_file: Path, proxy: ForwardProxy, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("print('hello')\n")
    async with Simulator({m.name: m.script for m in MODELS}, ssl_context=server_context(ca)) as sim:
        write_config(tmp_path, sim, models=MODELS[:1])
        env = {
            **os.environ,
            "FIEDLER_CONFIG": str(tmp_path / "models.yaml"),
            "FIEDLER_ALLOWED_FILE_ROOTS": str(project),
            "FIEDLER_OUTPUT_DIR": str(tmp_path / "runs"),
            "HTTPS_PROXY": proxy.url(),
            "SSL_CERT_FILE": str(ca_file),
        }
        sent = await fiedler(env, "send", str(project), "-m", "gpt-sim", "-p", "review")
        assert sent[0] == 0, sent
        [answer] = (tmp_path / "runs").glob("*/gpt-sim.md")
        ignored = await fiedler(
            {**env, "FIEDLER_TRUST_ENV": "0"}, "send", str(project), "-m", "gpt-sim", "-p", "x"
        )
    assert answer.read_text() == REPLY
    assert ignored[0] == 1  # the model failed: direct, the proxy-only name does not resolve
    assert "gpt-sim" in ignored[2] and "proxy" not in ignored[2]
    assert proxy.wait_for(1, "CONNECT") == [f"CONNECT {HOST}:{sim.port}"]  # the first run only


async def fiedler(env: Mapping[str, str], *args: str) -> tuple[int, str, str]:
    return await run_fiedler(args, env, None)
