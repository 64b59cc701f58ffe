"""The secret scan's formats, its generic keyword rule and what it leaves alone.

Sample values are assembled at run time from a prefix and seeded random characters, so no
literal in this file looks like a real key.
"""

from __future__ import annotations

import base64
import random
import string

import pytest

from fiedler_tui.core.redaction import mask_secrets
from fiedler_tui.core.secrets.mask import mask_text
from fiedler_tui.core.secrets.scan import scan_text

RNG = random.Random(11)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def rand(n: int, alphabet: str = ALNUM) -> str:
    return "".join(RNG.choices(alphabet, k=n))


NEW_FORMATS = {
    "xai-api-key": "xai-" + rand(80),
    "groq-api-key": "gsk_" + rand(52),
    "perplexity-api-key": "pplx-" + rand(48),
    "openrouter-api-key": "sk-or-v1-" + rand(64, HEX),
    "deepseek-api-key": "sk-" + rand(32, HEX),
    "huggingface-token": "hf_" + rand(34, string.ascii_letters),
    "together-api-key": "tgp_v1_" + rand(43, ALNUM + "-_"),
    "replicate-api-token": "r8_" + rand(37),
    "gitlab-token": "glpat-" + rand(20, ALNUM + "-_"),
    "stripe-secret-key": "sk_live_" + rand(24),
    "stripe-restricted-key": "rk_live_" + rand(99),
    "stripe-webhook-secret": "whsec_" + rand(32),
    "sendgrid-api-key": "SG." + rand(22) + "." + rand(43),
    "mailgun-api-key": "key-" + rand(32, HEX),
    "npm-token": "npm_" + rand(36),
    "pypi-token": "pypi-AgEIcHlwaS5vcmc" + rand(120, ALNUM + "-_"),
    "docker-hub-token": "dckr_pat_" + rand(27),
    "digitalocean-token": "dop_v1_" + rand(64, HEX),
    "google-oauth-client-secret": "GOCSPX-" + rand(28),
    "azure-client-secret": rand(3) + "8Q~" + rand(34),
    "telegram-bot-token": "7012345678:AA" + rand(33),
    "jwt": "eyJ" + rand(30) + ".eyJ" + rand(40) + "." + rand(43),
    "slack-token": "xapp-1-A"
    + rand(10, string.ascii_uppercase)
    + "-1234567890123-"
    + rand(64, HEX),
}


@pytest.mark.parametrize("kind", sorted(NEW_FORMATS))
def test_each_new_format_is_found_at_its_line_and_column(kind: str) -> None:
    secret = NEW_FORMATS[kind]
    text = f"# settings\nclient = make(key='{secret}')  # prod\n"
    (finding,) = scan_text(text, "app/prose.txt")
    assert (finding.kind, finding.line, finding.column) == (kind, 2, 20)
    assert (
        mask_text(text, [finding]) == f"# settings\nclient = make(key='[MASKED:{kind}]')  # prod\n"
    )


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ("token_type = 'quoted-string'", "email/_header_value_parser.py"),
        ("self.password = self.distribution.password", "distutils/upload.py"),
        ("token = settings.api_token_value", "client.py"),
        ("run(paths, secret_policy=SecretPolicy.ALLOW, prompt=text)", "run.py"),
        ("token = settings.api_token_value", "config.yaml"),
        ("secret_policy: SecretPolicy.ALLOW", "config.yaml"),
    ],
)
def test_code_that_mentions_secrets_is_not_flagged(line: str, path: str) -> None:
    assert scan_text(f"x = 1\n{line}\n", path) == ()


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("GITHUB_TOKEN=ghp_" + "x" * 36 + "\n", "README.md"),
        ("OPENAI_API_KEY=sk-proj-" + "X" * 40 + "\n", "docs/setup.md"),
        ("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n", "docs/tls.md"),
        ("SECRET_KEY = 'django-insecure-change-me'\n", "settings.py"),
        ('token_url = "https://oauth2.googleapis.com/token"\n', "oauth.py"),
        ('private_key_path = "/etc/ssl/private/server.key"\n', "tls.py"),
        ('secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod"\n', "aws.py"),
        ("const apiKey = process.env.OPENAI_API_KEY;\n", "config.js"),
        ('{"apiKey": "#/components/securitySchemes/ApiKey"}\n', "openapi.json"),
        ("prod:\n  db_password: *default_password\n", "config.yaml"),
        (
            '{"ChangeToken": "' + rand(8, HEX) + "-46da-4fdb-b8d5-" + rand(12, HEX) + '"}\n',
            "waf.json",
        ),
        ('{"AWS::IAM::AccessKey": "' + rand(16, HEX) + '"}\n', "providers.json"),
        ('{"nextToken": "' + rand(40, ALNUM + "+/") + '="}\n', "examples.json"),
        ("node_token = current_ast_node.value\n", "btm_matcher.py"),
    ],
)
def test_placeholders_references_and_names_are_not_flagged(text: str, path: str) -> None:
    assert scan_text(text, path) == ()


def test_a_password_in_a_url_is_masked_alone() -> None:
    password = "Tr0ub4dor-" + rand(8)
    text = f'DATABASE_URL = "postgres://app:{password}@db.internal:5432/app"\n'
    (finding,) = scan_text(text, "settings.py")
    assert (finding.kind, finding.line, finding.column) == ("url-password", 1, 32)
    assert mask_text(text, [finding]) == (
        'DATABASE_URL = "postgres://app:[MASKED:url-password]@db.internal:5432/app"\n'
    )


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://alice:{p}@git.example.com/team/app.git", "url-password"),
        ("redis://:{p}@cache:6379/0", "url-password"),
        ("mongodb+srv://admin:{p}@cluster0.x1y2z.mongodb.net/?retryWrites=true", "url-password"),
    ],
)
def test_git_and_database_urls_with_a_password(url: str, kind: str) -> None:
    password = rand(16)
    text = url.format(p=password) + "\n"
    (finding,) = scan_text(text, "README.md")
    assert finding.kind == kind
    assert text[finding.start : finding.end] == password


def test_webhooks_and_connection_strings_mask_their_secret_part() -> None:
    hook = f"T{rand(8).upper()}/B{rand(10).upper()}/{rand(24)}"
    account_key = rand(86) + "=="
    text = (
        f"SLACK = 'https://hooks.slack.com/services/{hook}'\n"
        f"STORAGE = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={account_key};"
        "EndpointSuffix=core.windows.net'\n"
    )
    findings = scan_text(text, "settings.py")
    assert [(f.kind, f.line) for f in findings] == [("slack-webhook", 1), ("azure-storage-key", 2)]
    assert mask_text(text, findings) == (
        "SLACK = 'https://hooks.slack.com/services/[MASKED:slack-webhook]'\n"
        "STORAGE = 'DefaultEndpointsProtocol=https;AccountName=acct;"
        "AccountKey=[MASKED:azure-storage-key];EndpointSuffix=core.windows.net'\n"
    )


def test_authorization_headers() -> None:
    basic = base64.b64encode(f"deploy:{rand(14)}".encode()).decode()
    bearer = rand(40)
    text = (
        f"curl -H 'Authorization: Basic {basic}' https://api.example.com\n"
        f'headers = {{"Authorization": "Bearer {bearer}"}}\n'
        'headers = {"Authorization": f"Bearer {token}"}\n'
    )
    findings = scan_text(text, "call.sh")
    assert [(f.kind, f.line) for f in findings] == [("basic-auth", 1), ("bearer-token", 2)]
    assert [text[f.start : f.end] for f in findings] == [basic, bearer]


def test_a_service_account_key_inside_json_is_one_finding() -> None:
    body = "\\n".join(rand(64, ALNUM + "+/") for _ in range(4))
    pem = f"-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----"
    text = (
        '{\n  "type": "service_account",\n'
        f'  "private_key_id": "{rand(40, HEX)}",\n'
        f'  "private_key": "{pem}\\n",\n'
        '  "token_uri": "https://oauth2.googleapis.com/token"\n}\n'
    )
    (finding,) = scan_text(text, "sa.json")  # the key id and the token URI are not secrets
    assert (finding.kind, finding.line) == ("private-key", 4)
    assert text[finding.start : finding.end] == pem


def test_a_discord_bot_token_in_a_bot() -> None:
    head = base64.urlsafe_b64encode(b"198622483471925248").decode().rstrip("=")
    token = f"{head}.{rand(6)}.{rand(38)}"
    text = f'import discord\n\nclient = discord.Client()\nclient.run("{token}")\n'
    (finding,) = scan_text(text, "bot.py")
    assert (finding.kind, finding.line, finding.column) == ("discord-bot-token", 4, 13)


def test_generic_rule_takes_literals_only() -> None:
    value = "3f9c" + rand(28)
    yaml_text = f"mistral:\n  api_key: {value}\n"
    json_text = f'{{"client_secret": "{value}"}}\n'
    (in_yaml,) = scan_text(yaml_text, "config.yaml")
    (in_json,) = scan_text(json_text, "config.json")
    assert (in_yaml.kind, in_yaml.line, in_yaml.column) == ("high-entropy-assignment", 2, 12)
    assert json_text[in_json.start : in_json.end] == value
    # In source code an unquoted right-hand side is an expression, never a literal.
    assert scan_text(f"api_key = {value}\n", "app.py") == ()
    assert scan_text(f"api_key = '{value}'\n", "app.py") != ()


def test_many_findings_on_one_long_line_keep_their_columns() -> None:
    keys = ["xai-" + rand(40) for _ in range(300)]
    text = "x\n" + ",".join(f'"{k}"' for k in keys) + "\n"
    findings = scan_text(text, "keys.json")
    assert len(findings) == 300
    assert all(f.line == 2 for f in findings)
    assert [f.column for f in findings[:3]] == [2, 2 + len(keys[0]) + 3, 2 + 2 * (len(keys[0]) + 3)]
    assert all(text[f.start : f.end] == k for f, k in zip(findings, keys, strict=True))


def test_log_redaction_masks_the_new_shapes_and_url_passwords() -> None:
    keys = [NEW_FORMATS[k] for k in ("groq-api-key", "huggingface-token", "gitlab-token", "jwt")]
    password = rand(14)
    message = (
        f"provider said: bad key {keys[0]}, {keys[1]} / {keys[2]} token {keys[3]}; "
        f"proxy http://alice:{password}@proxy.corp:3128 refused; kept http://bob:***@proxy:1"
    )
    masked = mask_secrets(message, [], "[redacted]")
    assert not any(k in masked for k in keys)
    assert password not in masked
    assert "http://alice:[redacted]@proxy.corp:3128" in masked
    assert "http://bob:***@proxy:1" in masked
