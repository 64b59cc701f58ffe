"""Egress rules in models.yaml: validation with file:line, matching and which rule decides."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.egress.decisions import explain, withheld_by_model
from fiedler_tui.core.egress.policy import EgressPolicy
from fiedler_tui.core.errors import ConfigError

BASE = """\
version: 1
providers:
  hosted:
    kind: openai
    base_url: https://api.example.com/v1
  local:
    kind: openai-compatible
    base_url: http://127.0.0.1:11434/v1
    requires_key: false
models:
  gpt:
    provider: hosted
    context_window: 1000
    max_completion_tokens: 100
  llama:
    provider: local
    aliases: [ollama-llama]
    context_window: 1000
    max_completion_tokens: 100
"""


def load(egress: str) -> Config:
    return parse_config(BASE + egress, "models.yaml")


def policy(egress: str, root: Path) -> EgressPolicy:
    return EgressPolicy.of(load(egress), [str(root)])


def test_bad_rules_are_reported_each_with_its_line() -> None:
    egress = """\
egress:
  default: sometimes
  rules:
    - path: clients/../secret
      to: [local]
    - path: "src/[abc"
      to: [nobody-known]
    - path: clients/acme/
      to: [local]
    - path: clients/acme
      to: []
    - to: [local]
    - path: "a**b"
      to: local
"""
    with pytest.raises(ConfigError) as caught:
        load(egress)
    problems = caught.value.problems
    start = BASE.count("\n")
    expected = [
        f"models.yaml:{start + 2}: egress.default: must be 'allow' or 'deny'; got 'sometimes'",
        f"models.yaml:{start + 4}: egress.rules.0.path: '..' is not allowed",
        f"models.yaml:{start + 6}: egress.rules.1.path: '[' without its closing ']'",
        f"models.yaml:{start + 7}: egress.rules.1.to.0: 'nobody-known' is neither a provider "
        "nor a model",
        f"models.yaml:{start + 10}: egress.rules.3.path: 'clients/acme' already has a rule "
        "(rules.2)",
        f"models.yaml:{start + 12}: egress.rules.4.path: is required",
        f"models.yaml:{start + 13}: egress.rules.5.path: '**' must be a whole folder name",
        f"models.yaml:{start + 14}: egress.rules.5.to: must be a list",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), (line, problems)


def test_the_most_specific_rule_decides_and_ties_allow_only_what_both_allow(
    tmp_path: Path,
) -> None:
    rules = policy(
        """\
egress:
  default: allow
  rules:
    - path: clients/
      to: [hosted, local]
    - path: clients/acme/
      to: [local]
    - path: "clients/acme/*.md"
      to: [hosted, local]
    - path: "**/*.pem"
      to: []
    - path: "**/secret*"
      to: [local]
    - path: "**/*.key"
      to: [hosted]
""",
        tmp_path,
    )
    config = load("")
    gpt, llama = config.models["gpt"], config.models["llama"]

    def who(rel: str) -> tuple[bool, bool]:
        verdict = rules.verdict(str(tmp_path / rel))
        return verdict.allows(gpt), verdict.allows(llama)

    assert who("src/app.py") == (True, True)  # no rule: the default
    assert who("clients/other/a.py") == (True, True)
    assert who("clients/acme/deep/a.py") == (False, True)  # the longer folder wins
    assert who("clients/acme/notes.md") == (True, True)  # same prefix: the glob beats the folder
    assert who("clients/acme/notes.md/inner.txt") == (True, True)  # a glob matching a folder
    assert who("certs/server.pem") == (False, False)
    assert who("certs/secret.key") == (False, False)  # tied globs: only what both allow
    reason = rules.verdict(str(tmp_path / "certs/secret.key")).reason
    assert "models.yaml:" in reason and "'**/secret*'" in reason and "'**/*.key'" in reason


def test_aliases_providers_default_deny_and_absolute_paths(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "clients").mkdir(parents=True)
    link = tmp_path / "linked"
    link.symlink_to(home)
    rules = policy(
        f"""\
egress:
  default: deny
  rules:
    - path: src/
      to: [ollama-llama]
    - path: {link}/clients/
      to: [gpt]
""",
        tmp_path,
    )
    config = load("")
    gpt, llama = config.models["gpt"], config.models["llama"]
    assert rules.verdict(str(tmp_path / "other.py")).allows(llama) is False  # default deny
    src = rules.verdict(str(tmp_path / "src" / "a.py"))
    assert (src.allows(gpt), src.allows(llama)) == (False, True)  # by alias
    client = rules.verdict(str(home / "clients" / "a.py"))  # the symlinked rule path resolved
    assert (client.allows(gpt), client.allows(llama)) == (True, False)
    explained = explain(rules, str(tmp_path / "other.py"), [gpt, llama])
    assert explained.reason == "no rule matches: the default (deny)"
    assert explained.allowed == {"gpt": False, "llama": False}


def test_withheld_files_per_model_in_package_order(tmp_path: Path) -> None:
    from fiedler_tui.core.package.preview import PackagedFile

    rules = policy('egress:\n  rules:\n    - path: "*.pem"\n      to: [local]\n', tmp_path)
    config = load("")
    files = [
        PackagedFile(name, str(tmp_path / name), 1, 0, "0" * 64, 1)
        for name in ("a.py", "deep/b.pem", "c.pem")
    ]
    found = withheld_by_model(rules, list(config.models.values()), files)
    assert list(found) == ["gpt"]
    assert [w.path for w in found["gpt"]] == ["deep/b.pem", "c.pem"]
    assert not EgressPolicy.of(load(""), [str(tmp_path)]).active
