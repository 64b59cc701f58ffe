"""Prefixed API keys and tokens: LLM providers, cloud, version control, chat, payments, mail,
package registries and developer services.

Each format is recognised by its fixed prefix (the needle) and the shape of the random part;
sources: the providers' documentation and the public rule sets of gitleaks and detect-secrets.
"""

from __future__ import annotations

from fiedler_tui.core.secrets.token_rule import TOKEN_END, TOKEN_START, TokenRule, rule

LLM_PROVIDER_KEYS: tuple[TokenRule, ...] = (
    rule("anthropic-api-key", "sk-", TOKEN_START + r"sk-ant-[A-Za-z0-9]+-[A-Za-z0-9_-]{20,}"),
    rule("openrouter-api-key", "sk-", TOKEN_START + r"sk-or-v1-[0-9a-f]{64}" + TOKEN_END),
    rule("deepseek-api-key", "sk-", TOKEN_START + r"sk-[0-9a-f]{32}" + TOKEN_END),
    rule(
        "openai-api-key",
        "sk-",
        TOKEN_START + r"sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",
    ),
    rule("xai-api-key", "xai-", TOKEN_START + r"xai-[A-Za-z0-9]{32,}" + TOKEN_END),
    rule("groq-api-key", "gsk_", TOKEN_START + r"gsk_[A-Za-z0-9]{40,}" + TOKEN_END),
    rule("perplexity-api-key", "pplx-", TOKEN_START + r"pplx-[A-Za-z0-9]{32,}" + TOKEN_END),
    rule(
        "huggingface-token",
        ("hf_", "api_org_"),
        TOKEN_START + r"(?:hf_|api_org_)[A-Za-z0-9]{30,}" + TOKEN_END,
    ),
    rule("together-api-key", "tgp_v1_", TOKEN_START + r"tgp_v1_[A-Za-z0-9_-]{30,}"),
    rule("replicate-api-token", "r8_", TOKEN_START + r"r8_[A-Za-z0-9]{30,}" + TOKEN_END),
    rule(
        "langsmith-api-key",
        ("lsv2_pt_", "lsv2_sk_"),
        TOKEN_START + r"lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}" + TOKEN_END,
    ),
    rule("google-api-key", "AIza", TOKEN_START + r"AIza[0-9A-Za-z_-]{35}" + TOKEN_END),
)
"""Mistral, Cohere and the older Together keys have no prefix: the keyword rule finds them."""

CLOUD_KEYS: tuple[TokenRule, ...] = (
    rule(
        "aws-access-key-id",
        ("AKIA", "ASIA", "ABIA", "ACCA"),
        r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Za-z0-9])",
    ),
    rule(
        "google-oauth-client-secret",
        "GOCSPX-",
        TOKEN_START + r"GOCSPX-[A-Za-z0-9_-]{28}" + TOKEN_END,
    ),
    rule(
        "digitalocean-token",
        ("dop_v1_", "doo_v1_", "dor_v1_"),
        TOKEN_START + r"do[opr]_v1_[0-9a-f]{64}" + TOKEN_END,
    ),
    rule("vault-token", ("hvs.", "hvb."), TOKEN_START + r"hv[sb]\.[A-Za-z0-9_-]{24,}"),
    rule("age-secret-key", "AGE-SECRET-KEY-1", r"AGE-SECRET-KEY-1[0-9A-Z]{58}"),
)

VCS_TOKENS: tuple[TokenRule, ...] = (
    rule(
        "github-token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})",
    ),
    rule(
        "gitlab-token",
        tuple(
            f"gl{kind}-"
            for kind in ("pat", "dt", "rt", "ptt", "cbt", "ft", "imt", "agent", "oas", "soat")
        ),
        TOKEN_START + r"gl(?:pat|dt|rt|ptt|cbt|ft|imt|agent|oas|soat)-[A-Za-z0-9_-]{20,}"
        r"(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?",
    ),
    rule(
        "atlassian-api-token",
        "ATATT3",
        TOKEN_START + r"ATATT3[A-Za-z0-9_=-]{150,}",
    ),
)

CHAT_TOKENS: tuple[TokenRule, ...] = (
    rule(
        "slack-token",
        (*(f"xox{c}-" for c in "abposre"), "xoxe.", "xapp-"),
        TOKEN_START + r"(?:xox[abposre]-[A-Za-z0-9-]{10,}|xoxe\.xox[bp]-\d-[A-Za-z0-9]{20,}"
        r"|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]{20,})",
    ),
)

PAYMENT_AND_MAIL_KEYS: tuple[TokenRule, ...] = (
    rule(
        "stripe-secret-key",
        ("sk_live_", "sk_test_"),
        TOKEN_START + r"sk_(?:live|test)_[A-Za-z0-9]{20,}" + TOKEN_END,
    ),
    rule(
        "stripe-restricted-key",
        ("rk_live_", "rk_test_"),
        TOKEN_START + r"rk_(?:live|test)_[A-Za-z0-9]{20,}" + TOKEN_END,
    ),
    rule("stripe-webhook-secret", "whsec_", TOKEN_START + r"whsec_[A-Za-z0-9+/=]{24,}"),
    rule(
        "shopify-token",
        ("shpat_", "shpca_", "shppa_", "shpss_"),
        TOKEN_START + r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}" + TOKEN_END,
    ),
    rule(
        "sendgrid-api-key",
        "SG.",
        TOKEN_START + r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" + TOKEN_END,
    ),
    rule("mailgun-api-key", "key-", TOKEN_START + r"key-[0-9a-f]{32}" + TOKEN_END),
)

REGISTRY_AND_SERVICE_TOKENS: tuple[TokenRule, ...] = (
    rule("npm-token", "npm_", TOKEN_START + r"npm_[A-Za-z0-9]{36}" + TOKEN_END),
    rule("pypi-token", "pypi-Ag", TOKEN_START + r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
    rule("rubygems-api-key", "rubygems_", TOKEN_START + r"rubygems_[0-9a-f]{48}" + TOKEN_END),
    rule("docker-hub-token", "dckr_pat_", TOKEN_START + r"dckr_pat_[A-Za-z0-9_-]{27,}"),
    rule("linear-api-key", "lin_api_", TOKEN_START + r"lin_api_[A-Za-z0-9]{40}" + TOKEN_END),
    rule("new-relic-key", "NRAK-", TOKEN_START + r"NRAK-[A-Z0-9]{27}" + TOKEN_END),
    rule(
        "postman-api-key",
        "PMAK-",
        TOKEN_START + r"PMAK-[0-9a-f]{24}-[0-9a-f]{34}" + TOKEN_END,
    ),
    rule(
        "sentry-token",
        ("sntrys_", "sntryu_"),
        TOKEN_START + r"sntry[su]_[A-Za-z0-9+/=_-]{40,}",
    ),
)

KEY_FORMATS: tuple[TokenRule, ...] = (
    *LLM_PROVIDER_KEYS,
    *CLOUD_KEYS,
    *VCS_TOKENS,
    *CHAT_TOKENS,
    *PAYMENT_AND_MAIL_KEYS,
    *REGISTRY_AND_SERVICE_TOKENS,
)
