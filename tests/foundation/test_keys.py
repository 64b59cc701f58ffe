"""Keys: keyring first, env fallback, strict mode, headless machines, and never printed."""

from __future__ import annotations

import io
import json

import keyring
import keyring.backend
import keyring.backends.fail
import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.errors import KeyStoreError
from fiedler_tui.core.keys import SERVICE, KeySource, KeyStore, describe_backend

from ..conftest import MemoryKeyring


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext file backend (classified by its name)."""


def openai():  # type: ignore[no-untyped-def]
    return load_config(None, {}).providers["openai"]


def test_keyring_beats_environment(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE, "openai", "sk-from-keyring-0001")
    store = KeyStore(env={"OPENAI_API_KEY": "sk-from-env-0002"})
    key = store.resolve(openai())
    assert (key.source, key.value, key.origin) == (
        KeySource.KEYRING,
        "sk-from-keyring-0001",
        "keyring:openai",
    )


def test_environment_fallback_when_keyring_has_none() -> None:
    key = KeyStore(env={"OPENAI_API_KEY": "sk-from-env-0002"}).resolve(openai())
    assert (key.source, key.value, key.origin) == (
        KeySource.ENV,
        "sk-from-env-0002",
        "OPENAI_API_KEY",
    )


def test_second_env_name_is_tried() -> None:
    gemini = load_config(None, {}).providers["gemini"]
    key = KeyStore(env={"GOOGLE_API_KEY": "AIza-google-0003"}).resolve(gemini)
    assert (key.source, key.origin) == (KeySource.ENV, "GOOGLE_API_KEY")


def test_strict_mode_refuses_environment_and_says_what_to_do() -> None:
    key = KeyStore(require_secure=True, env={"OPENAI_API_KEY": "sk-env-0004"}).resolve(openai())
    assert key.source is KeySource.MISSING and key.value is None
    assert "FIEDLER_REQUIRE_SECURE_KEYRING=1 ignores OPENAI_API_KEY" in key.problem
    assert "fiedler keys set openai" in key.fix


def test_strict_mode_accepts_a_secure_keyring(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE, "openai", "sk-from-keyring-0005")
    key = KeyStore(require_secure=True, env={}).resolve(openai())
    assert key.source is KeySource.KEYRING


def test_strict_mode_refuses_insecure_backend() -> None:
    backend = PlaintextKeyring()
    backend.set_password(SERVICE, "openai", "sk-plain-0006")
    keyring.set_keyring(backend)
    assert describe_backend(backend).secure is False
    lenient = KeyStore(env={}).resolve(openai())
    assert lenient.source is KeySource.KEYRING
    strict = KeyStore(require_secure=True, env={}).resolve(openai())
    assert strict.source is KeySource.MISSING
    assert "stores keys in plain text" in strict.problem
    with pytest.raises(KeyStoreError, match="refuses it"):
        KeyStore(require_secure=True).set(openai(), "sk-new-0007")


def test_headless_machine_without_backend_is_a_message_not_a_crash() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    key = KeyStore(env={}).resolve(openai())
    assert key.source is KeySource.MISSING
    assert "no keyring backend found" in key.problem
    assert key.fix == "set OPENAI_API_KEY"
    with pytest.raises(KeyStoreError, match="no keyring backend found"):
        KeyStore().set(openai(), "sk-x-0008")


def test_local_provider_needs_no_key() -> None:
    ollama = load_config(None, {}).providers["ollama"]
    assert KeyStore(env={}).resolve(ollama).source is KeySource.NOT_NEEDED


def test_value_is_not_in_repr(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE, "openai", "sk-secret-repr-0009")
    key = KeyStore(env={}).resolve(openai())
    assert "sk-secret-repr-0009" not in repr(key)


def test_keys_set_reads_stdin_not_argv(
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("sk-piped-key-0010\n"))
    assert main(["keys", "set", "anthropic"]) == 0
    assert memory_keyring.passwords[(SERVICE, "anthropic")] == "sk-piped-key-0010"
    out = capsys.readouterr().out
    assert "sk-piped-key-0010" not in out
    assert "stored the key for anthropic" in out


def test_keys_set_has_no_argument_for_the_value(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["keys", "set", "openai", "sk-on-the-command-line"])
    assert caught.value.code == 2


def test_keys_set_unknown_provider(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "set", "nosuch"]) == 2
    assert "unknown provider 'nosuch'; known:" in capsys.readouterr().err


def test_keys_list_and_delete_never_print_values(
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    memory_keyring.set_password(SERVICE, "openai", "sk-listed-0011")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-listed-0012")
    assert main(["keys", "list", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    sources = {row["provider"]: row["source"] for row in data["providers"]}
    assert sources["openai"] == "keyring"
    assert sources["anthropic"] == "env"
    assert sources["gemini"] == "missing"
    assert sources["ollama"] == "not needed"
    assert main(["keys", "list"]) == 0
    assert main(["models"]) == 0
    assert main(["doctor"]) in (0, 1)
    out = capsys.readouterr().out
    for secret in ("sk-listed-0011", "sk-ant-listed-0012"):
        assert secret not in out
    assert main(["keys", "delete", "openai"]) == 0
    assert (SERVICE, "openai") not in memory_keyring.passwords
    assert main(["keys", "delete", "openai"]) == 0
    assert "held no key" in capsys.readouterr().out


def test_keys_are_stripped_and_unsendable_ones_refused(memory_keyring: MemoryKeyring) -> None:
    env_key = KeyStore(env={"OPENAI_API_KEY": "sk-env-pasted-0013\r\n"}).resolve(openai())
    assert (env_key.source, env_key.value) == (KeySource.ENV, "sk-env-pasted-0013")
    broken = KeyStore(env={"OPENAI_API_KEY": "sk-has\x00nul-0014"}).resolve(openai())
    assert broken.source is KeySource.MISSING
    assert "cannot carry" in broken.problem and "sk-has" not in broken.problem
    memory_keyring.set_password(SERVICE, "openai", "sk-café-0015")
    assert KeyStore(env={}).resolve(openai()).source is KeySource.MISSING
    with pytest.raises(KeyStoreError, match="cannot carry"):
        KeyStore().set(openai(), "sk with space")
