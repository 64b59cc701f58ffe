"""The environment's proxy and CA variables, read once, each with the name it came from.

As curl and httpx read them: ``https_proxy``/``HTTPS_PROXY`` for https URLs, ``http_proxy``/
``HTTP_PROXY`` for http URLs, ``all_proxy``/``ALL_PROXY`` for either when the scheme's own is
unset, ``no_proxy``/``NO_PROXY`` for the hosts reached directly; the lower-case name wins when
both are set. ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` replace the system's CA certificates (as
OpenSSL, curl and httpx read them; both apply when both are set). With ``FIEDLER_TRUST_ENV=0``
none of them applies.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from fiedler_tui.core.network.no_proxy import NoProxy, parse_no_proxy
from fiedler_tui.core.settings import Settings

TRUST_VARIABLE = "FIEDLER_TRUST_ENV"
CERT_FILE_VARIABLE = "SSL_CERT_FILE"
CERT_DIR_VARIABLE = "SSL_CERT_DIR"


@dataclass(frozen=True)
class EnvValue:
    """A variable's value and its name as set (``https_proxy`` or ``HTTPS_PROXY``)."""

    name: str
    value: str


@dataclass(frozen=True)
class NetworkEnvironment:
    """What the environment says about proxies and CAs (nothing when not trusted)."""

    trusted: bool = True
    proxies: Mapping[str, EnvValue] = field(default_factory=dict)
    """``http``, ``https`` and ``all`` to the variable that sets each."""
    no_proxy: EnvValue | None = None
    cert_file: EnvValue | None = None
    cert_dir: EnvValue | None = None

    @classmethod
    def read(
        cls, environ: Mapping[str, str] | None = None, *, trust_env: bool | None = None
    ) -> NetworkEnvironment:
        """Read ``environ`` (default ``os.environ``).

        ``trust_env`` None: as ``FIEDLER_TRUST_ENV`` in ``environ`` says (without ``environ``:
        else as settings.toml's ``trust_env`` does; default 1), parsed as every setting is (a bad
        value raises SettingsError).
        """
        from_process = environ is None
        environ = os.environ if environ is None else environ
        if trust_env is None:
            trust_env = _trust_setting(environ, file_too=from_process)
        if not trust_env:
            return cls(trusted=False)
        proxies = {
            scheme: found
            for scheme in ("https", "http", "all")
            if (found := _either(environ, f"{scheme}_proxy")) is not None
        }
        return cls(
            trusted=True,
            proxies=proxies,
            no_proxy=_either(environ, "no_proxy"),
            cert_file=_one(environ, CERT_FILE_VARIABLE),
            cert_dir=_one(environ, CERT_DIR_VARIABLE),
        )

    def proxy_for(self, scheme: str) -> EnvValue | None:
        """The variable naming the proxy for ``scheme`` URLs, if any."""
        return self.proxies.get(scheme) or self.proxies.get("all")

    @cached_property
    def no_proxy_list(self) -> NoProxy:
        return parse_no_proxy(self.no_proxy.value) if self.no_proxy else NoProxy()

    @property
    def ca_paths(self) -> tuple[Path | None, Path | None]:
        """(``SSL_CERT_FILE``, ``SSL_CERT_DIR``) as paths, None when unset."""
        cafile = Path(self.cert_file.value).expanduser() if self.cert_file else None
        capath = Path(self.cert_dir.value).expanduser() if self.cert_dir else None
        return cafile, capath


def _either(environ: Mapping[str, str], lower: str) -> EnvValue | None:
    for name in (lower, lower.upper()):
        value = environ.get(name, "").strip()
        if value:
            return EnvValue(name, value)
    return None


def _one(environ: Mapping[str, str], name: str) -> EnvValue | None:
    value = environ.get(name, "").strip()
    return EnvValue(name, value) if value else None


def _trust_setting(environ: Mapping[str, str], *, file_too: bool) -> bool:
    """``FIEDLER_TRUST_ENV`` of ``environ``, else (``file_too``: the process's own environment)
    settings.toml's ``trust_env``, else true."""
    raw = environ.get(TRUST_VARIABLE)
    if raw is None and file_too:
        from fiedler_tui.core.settings_file import read_settings_file

        raw = read_settings_file().values.get(TRUST_VARIABLE)
    if raw is None:
        return True
    return Settings.from_env({TRUST_VARIABLE: raw}).trust_env
