"""The secret scan against the benchmark's labelled corpus (bench/secret_scan.py): the goals of the
benchmark hold, so a rule change cannot silently lose formats or start flagging ordinary code.
The standard-library count stays in the benchmark (machine dependent, slower)."""

from __future__ import annotations

from bench.secret_scan import RECALL_GOAL, TOKEN_FORMATS, build_corpus, build_decoys, evaluate
from fiedler_tui.core.config.schema import Config

REQUIRED_FORMATS = {
    # LLM providers beyond models.yaml
    "openrouter-api-key",
    "groq-api-key",
    "mistral-api-key",
    "perplexity-api-key",
    "deepseek-api-key",
    "huggingface-token",
    # cloud, version control, chat, payments, mail, registries
    "aws-access-key-id",
    "aws-secret-access-key",
    "gcp-service-account-json",
    "azure-storage-connection-string",
    "github-classic-token",
    "github-fine-grained-token",
    "gitlab-personal-token",
    "slack-bot-token",
    "slack-webhook",
    "discord-bot-token",
    "discord-webhook",
    "telegram-bot-token",
    "stripe-restricted-key",
    "sendgrid-api-key",
    "mailgun-api-key",
    "npm-token",
    "pypi-token",
    # URLs with a password, JWTs, private keys
    "postgres-url",
    "git-url-password",
    "jwt",
    "rsa-private-key",
    "openssh-private-key",
}


def test_the_corpus_meets_the_benchmark_goals(config: Config) -> None:
    samples = build_corpus()
    result = evaluate(samples, build_decoys())

    assert set(result.formats) >= REQUIRED_FORMATS
    assert len(result.formats) >= 40
    key_vars = {token.var for token in TOKEN_FORMATS}
    for name, provider in config.providers.items():
        if provider.key_env:
            assert key_vars & set(provider.key_env), f"no corpus format for provider {name}"

    assert result.recall >= RECALL_GOAL, f"recall {result.recall:.1%}"
    missed = {name: r.missed for name, r in result.formats.items() if r.found == 0}
    assert not missed, f"formats never found: {missed}"
    assert result.flagged_decoys == []
