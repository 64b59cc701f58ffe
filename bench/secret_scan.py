"""Benchmark of the secret scan: recall on a labelled corpus, false findings on decoys and on the
standard library, and scan throughput.

- **Corpus**: secret formats in the contexts they occur in (source assignments, YAML, TOML,
  JSON, ``.env``, shell, URLs, headers, PEM blocks, cloud credential files, prose). Every value
  is drawn at run time from a seeded ``random.Random``; none is a real key. A sample counts as
  found when the findings cover its secret span (masking would remove it); "exact" when one
  finding is that span.
- **Decoys**: ordinary code and data that mention secrets (names assigned attribute accesses,
  calls and environment lookups, placeholders, short words, lockfile hashes and digests, UUIDs,
  colours, container digests). Every finding on a decoy is a false one.
- **Standard library**: ``sysconfig.get_paths()["stdlib"]`` without ``test``, ``tests``,
  ``idle_test`` and ``site-packages`` folders; every ``.py`` file scanned as the dry run does.
  Throughput is the best of ``--repeat`` passes (process CPU time), in MB of UTF-8 per second.

Goals: recall >= 95 %, no decoy flagged, at most 2 findings on the standard library.

Usage: ``python bench/secret_scan.py [--repeat N] [--seed S] [--baseline REV] [--verbose]``
(``--baseline REV`` runs the same measurements on the scanner of git revision ``REV`` in a
subprocess and prints both.)
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import string
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from fiedler_tui.core.secrets.scan import SecretFinding, scan_text

SEED = 20261206
RECALL_GOAL = 0.95
STDLIB_FINDINGS_GOAL = 2
EXCLUDED_STDLIB_FOLDERS = frozenset({"test", "tests", "idle_test", "site-packages"})

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
UPPER_ALNUM = string.ascii_uppercase + string.digits
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"
PASSWORD_CHARS = ALNUM + "!*+-.=?@^_~"
URL_PASSWORD_CHARS = ALNUM + "-._~!*"


@dataclass(frozen=True)
class Sample:
    """A text holding one labelled secret at ``span``."""

    format: str
    category: str
    context: str
    path: str
    text: str
    span: tuple[int, int]


@dataclass(frozen=True)
class Decoy:
    """Ordinary text that must yield no finding."""

    name: str
    path: str
    text: str


# --- random values -----------------------------------------------------------------------------


def chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choices(alphabet, k=n))


def password(rng: random.Random, alphabet: str = PASSWORD_CHARS) -> str:
    """12-24 characters, the first a letter or digit, with at least one digit and one symbol."""
    while True:
        value = chars(rng, ALNUM, 1) + chars(rng, alphabet, rng.randint(11, 23))
        if any(c.isdigit() for c in value) and any(not c.isalnum() for c in value):
            return value


def b64_of(raw: bytes, *, url: bool = False) -> str:
    encoded = base64.urlsafe_b64encode(raw) if url else base64.b64encode(raw)
    return encoded.decode().rstrip("=") if url else encoded.decode()


def uuid4(rng: random.Random) -> str:
    h = chars(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def pem_body(rng: random.Random, lines: int) -> str:
    return "\n".join(chars(rng, B64, 64) for _ in range(lines)) + "\n" + chars(rng, B64, 20) + "=="


def jwt(rng: random.Random) -> str:
    header = b64_of(b'{"alg":"HS256","typ":"JWT"}', url=True)
    claims = {
        "sub": str(rng.randint(10**8, 10**9)),
        "iat": rng.randint(1_600_000_000, 1_800_000_000),
    }
    payload = b64_of(json.dumps(claims, separators=(",", ":")).encode(), url=True)
    return f"{header}.{payload}.{b64_of(rng.randbytes(32), url=True)}"


def discord_bot_token(rng: random.Random) -> str:
    user_id = str(rng.randint(10**17, 10**18 - 1)).encode()
    return f"{b64_of(user_id, url=True)}.{chars(rng, B64URL, 6)}.{chars(rng, B64URL, 38)}"


# --- contexts: where a value sits in a file ------------------------------------------------------

Context = Callable[[str, str], tuple[str, str]]
"""(variable name, value) -> (path, text with the value in it, exactly once)."""


def snake(var: str) -> str:
    return var.lower()


def camel(var: str) -> str:
    head, *rest = var.lower().split("_")
    return head + "".join(part.title() for part in rest)


CONTEXTS: dict[str, Context] = {
    "python": lambda var, v: (
        "app/settings.py",
        f'import os\n\n{snake(var)} = "{v}"\nclient = Client(api_key={snake(var)}, timeout=30)\n',
    ),
    "python-kwarg": lambda var, v: (
        "app/client.py",
        f"def make():\n    return Client(\n        {snake(var)}='{v}',\n        retries=2)\n",
    ),
    "javascript": lambda var, v: (
        "src/config.js",
        f"export const config = {{\n  {camel(var)}: '{v}',\n  region: 'eu-west-1',\n}};\n",
    ),
    "go": lambda var, v: (
        "cmd/main.go",
        f'package main\n\nconst {camel(var)} = "{v}"\n\nfunc main() {{ run({camel(var)}) }}\n',
    ),
    "yaml": lambda var, v: ("config/app.yaml", f"service:\n  name: api\n  {snake(var)}: {v}\n"),
    "yaml-quoted": lambda var, v: ("deploy/values.yml", f'env:\n  {var}: "{v}"\n  LOG: info\n'),
    "toml": lambda var, v: ("settings.toml", f'[service]\nname = "api"\n{snake(var)} = "{v}"\n'),
    "json": lambda var, v: (
        "config/secrets.json",
        f'{{\n  "name": "api",\n  "{snake(var)}": "{v}",\n  "retries": 3\n}}\n',
    ),
    "dotenv": lambda var, v: (".env", f"DEBUG=false\n{var}={v}\n"),
    "shell": lambda var, v: ("scripts/deploy.sh", f'#!/bin/sh\nexport {var}="{v}"\nmake deploy\n'),
    "properties": lambda var, v: (
        "src/main/resources/application.properties",
        f"server.port=8080\napp.{snake(var).replace('_', '-')}={v}\n",
    ),
    "http-header": lambda var, v: (
        "scripts/call.sh",
        f'curl -s -H "X-API-Key: {v}" https://api.example.com/v1/models\n',
    ),
    "prose": lambda var, v: ("NOTES.md", f"# Setup\n\nI used `{v}` while testing, remove it.\n"),
}
TOKEN_CONTEXTS = tuple(CONTEXTS)
"""A prefixed token is found wherever it is."""
ASSIGNED_CONTEXTS = (
    "python",
    "python-kwarg",
    "javascript",
    "go",
    "yaml",
    "yaml-quoted",
    "toml",
    "json",
    "dotenv",
    "shell",
    "properties",
    "http-header",
)
"""A value without a prefix is found where it is assigned to a name that says what it is."""


def in_context(context: str, var: str, value: str) -> tuple[str, str, tuple[int, int]]:
    path, text = CONTEXTS[context](var, value)
    start = text.index(value)
    return path, text, (start, start + len(value))


# --- the formats -------------------------------------------------------------------------------

Part = str | tuple[str, int] | tuple[str, int, int] | tuple[str, ...]
"""A literal; (alphabet, n) or (alphabet, min, max) random characters; or ("|", a, b, …), one
of the literals a, b, …."""


def assemble(rng: random.Random, parts: tuple[Part, ...]) -> str:
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part[0] == "|":
            out.append(str(rng.choice(part[1:])))
        else:
            low, high = int(part[1]), int(part[-1])
            out.append(chars(rng, str(part[0]), rng.randint(low, high)))
    return "".join(out)


@dataclass(frozen=True)
class TokenFormat:
    """A secret value and the variable it is usually kept in."""

    name: str
    category: str
    var: str
    parts: tuple[Part, ...] | Callable[[random.Random], str]
    contexts: tuple[str, ...] = TOKEN_CONTEXTS

    def make(self, rng: random.Random) -> str:
        return self.parts(rng) if callable(self.parts) else assemble(rng, self.parts)


D = string.digits
UP = UPPER_ALNUM
LETTERS = string.ascii_letters
A = ASSIGNED_CONTEXTS
T = TokenFormat
TOKEN_FORMATS: tuple[TokenFormat, ...] = (
    # LLM providers: every provider in models.yaml that takes a key, and the usual others.
    T("openai-project-key", "llm", "OPENAI_API_KEY", ("sk-proj-", (B64URL, 48, 156))),
    T("openai-legacy-key", "llm", "OPENAI_API_KEY", ("sk-", (ALNUM, 20), "T3BlbkFJ", (ALNUM, 20))),
    T("openai-service-account-key", "llm", "OPENAI_API_KEY", ("sk-svcacct-", (B64URL, 100))),
    T("anthropic-api-key", "llm", "ANTHROPIC_API_KEY", ("sk-ant-api03-", (B64URL, 93), "AA")),
    T("gemini-api-key", "llm", "GEMINI_API_KEY", ("AIza", (B64URL, 35))),
    T("xai-api-key", "llm", "XAI_API_KEY", ("xai-", (ALNUM, 80))),
    T("together-api-key", "llm", "TOGETHER_API_KEY", ("tgp_v1_", (B64URL, 43))),
    T("together-legacy-key", "llm", "TOGETHER_API_KEY", ((HEX, 64),), A),
    T("openrouter-api-key", "llm", "OPENROUTER_API_KEY", ("sk-or-v1-", (HEX, 64))),
    T("groq-api-key", "llm", "GROQ_API_KEY", ("gsk_", (ALNUM, 52))),
    T("mistral-api-key", "llm", "MISTRAL_API_KEY", ((ALNUM, 32),), A),
    T("perplexity-api-key", "llm", "PERPLEXITY_API_KEY", ("pplx-", (ALNUM, 48))),
    T("deepseek-api-key", "llm", "DEEPSEEK_API_KEY", ("sk-", (HEX, 32))),
    T("huggingface-token", "llm", "HF_TOKEN", ("hf_", (LETTERS, 34))),
    T("cohere-api-key", "llm", "COHERE_API_KEY", ((ALNUM, 40),), A),
    T("replicate-api-token", "llm", "REPLICATE_API_TOKEN", ("r8_", (ALNUM, 37))),
    # Cloud.
    T("aws-access-key-id", "cloud", "AWS_ACCESS_KEY_ID", (("|", "AKIA", "ASIA"), (UP, 16))),
    T("aws-secret-access-key", "cloud", "AWS_SECRET_ACCESS_KEY", ((B64, 40),), A),
    T("aws-session-token", "cloud", "AWS_SESSION_TOKEN", ("IQoJb3JpZ2luX2VjE", (B64, 340)), A),
    T("google-oauth-client-secret", "cloud", "GOOGLE_CLIENT_SECRET", ("GOCSPX-", (B64URL, 28))),
    T(
        "azure-client-secret",
        "cloud",
        "AZURE_CLIENT_SECRET",
        ((ALNUM, 3), (D, 1), "Q~", (ALNUM + "_~.-", 34)),
    ),
    T("digitalocean-token", "cloud", "DIGITALOCEAN_TOKEN", ("dop_v1_", (HEX, 64))),
    T("heroku-api-key", "cloud", "HEROKU_API_KEY", uuid4, A),
    # Version control.
    T("github-classic-token", "vcs", "GITHUB_TOKEN", ("ghp_", (ALNUM, 36))),
    T(
        "github-fine-grained-token",
        "vcs",
        "GITHUB_TOKEN",
        ("github_pat_", (ALNUM, 22), "_", (ALNUM, 59)),
    ),
    T("github-app-token", "vcs", "GH_TOKEN", (("|", "gho_", "ghs_", "ghu_"), (ALNUM, 36))),
    T(
        "gitlab-personal-token",
        "vcs",
        "GITLAB_TOKEN",
        ("glpat-", (B64URL, 20), ("|", "", ".01.", ".1f."), (HEX, 9)),
    ),
    T("gitlab-runner-token", "vcs", "CI_RUNNER_TOKEN", (("|", "glrt-", "gldt-"), (B64URL, 20))),
    # Chat.
    T(
        "slack-bot-token",
        "chat",
        "SLACK_BOT_TOKEN",
        ("xoxb-", (D, 11), "-", (D, 13), "-", (ALNUM, 24)),
    ),
    T(
        "slack-user-token",
        "chat",
        "SLACK_USER_TOKEN",
        ("xoxp-", (D, 11), "-", (D, 11), "-", (D, 13), "-", (HEX, 32)),
    ),
    T(
        "slack-app-token",
        "chat",
        "SLACK_APP_TOKEN",
        ("xapp-1-A", (UP, 10), "-", (D, 13), "-", (HEX, 64)),
    ),
    T("telegram-bot-token", "chat", "TELEGRAM_BOT_TOKEN", ((D, 8, 10), ":AA", (B64URL, 33))),
    # Payments.
    T("stripe-live-secret-key", "payments", "STRIPE_SECRET_KEY", ("sk_live_", (ALNUM, 24, 99))),
    T("stripe-test-secret-key", "payments", "STRIPE_SECRET_KEY", ("sk_test_", (ALNUM, 24, 99))),
    T("stripe-restricted-key", "payments", "STRIPE_API_KEY", ("rk_live_", (ALNUM, 99))),
    T("stripe-webhook-secret", "payments", "STRIPE_WEBHOOK_SECRET", ("whsec_", (ALNUM, 32))),
    # Mail.
    T("sendgrid-api-key", "mail", "SENDGRID_API_KEY", ("SG.", (B64URL, 22), ".", (B64URL, 43))),
    T("mailgun-api-key", "mail", "MAILGUN_API_KEY", ("key-", (HEX, 32))),
    # Package registries.
    T("npm-token", "registry", "NPM_TOKEN", ("npm_", (ALNUM, 36))),
    T("pypi-token", "registry", "TWINE_PASSWORD", ("pypi-AgEIcHlwaS5vcmc", (B64URL, 140))),
    T("docker-hub-token", "registry", "DOCKERHUB_TOKEN", ("dckr_pat_", (B64URL, 27))),
    # Tokens in headers, generic secrets.
    T("jwt", "jwt", "ACCESS_TOKEN", jwt),
    T("generic-password", "generic", "DB_PASSWORD", password, A),
    T("generic-client-secret", "generic", "OAUTH_CLIENT_SECRET", ((ALNUM + "-_", 40),), A),
)


Document = tuple[str, str, str, str]
"""(context, path, text, secret): the secret occurs once in the text."""


def _url_documents(scheme: str, host: str, user: str) -> Callable[..., Iterator[Document]]:
    def documents(r: random.Random) -> Iterator[Document]:
        pw = password(r, URL_PASSWORD_CHARS)
        if r.random() < 0.3:
            pw = pw[:6] + "%40" + pw[6:]  # a percent-encoded "@"
        url = f"{scheme}://{user}:{pw}@{host}"
        yield "python", "app/db.py", f'DATABASE_URL = "{url}"\nengine = create_engine()\n', pw
        compose = f"services:\n  api:\n    environment:\n      - DATABASE_URL={url}\n"
        yield "yaml", "docker-compose.yml", compose, pw
        yield "dotenv", ".env", f"DATABASE_URL={url}\n", pw
        yield "json", "config.json", f'{{"database": {{"url": "{url}"}}}}\n', pw
        yield "prose", "README.md", f"Connect with `{url}` from the VPN.\n", pw

    return documents


def _git_url(r: random.Random) -> Iterator[Document]:
    pw = password(r, URL_PASSWORD_CHARS)
    url = f"https://alice:{pw}@git.example.com/team/app.git"
    yield "git-credentials", ".git-credentials", f"{url}\n", pw
    yield "git-config", "gitconfig", f'[remote "origin"]\n\turl = {url}\n', pw
    yield "shell", "clone.sh", f"git clone {url} /srv/app\n", pw


def _basic_header(r: random.Random) -> Iterator[Document]:
    value = b64_of(f"deploy:{password(r)}".encode())
    header = f"Authorization: Basic {value}"
    yield "http-file", "api.http", f"GET https://api.example.com/v1/items\n{header}\n", value
    yield "curl", "call.sh", f"curl -H '{header}' https://api.example.com/\n", value
    yield "python", "client.py", f'headers = {{"Authorization": "Basic {value}"}}\n', value


def _bearer_header(r: random.Random) -> Iterator[Document]:
    value = chars(r, ALNUM, 40)
    header = f"Authorization: Bearer {value}"
    yield "http-file", "api.http", f"POST https://api.example.com/v1/jobs\n{header}\n", value
    yield "curl", "call.sh", f'curl -H "{header}" https://api.example.com/\n', value
    yield "python", "client.py", f'headers = {{"authorization": "Bearer {value}"}}\n', value


def _slack_webhook(r: random.Random) -> Iterator[Document]:
    secret = f"T{chars(r, UPPER_ALNUM, 8)}/B{chars(r, UPPER_ALNUM, 10)}/{chars(r, ALNUM, 24)}"
    url = f"https://hooks.slack.com/services/{secret}"
    yield "python", "notify.py", f'WEBHOOK = "{url}"\nrequests.post(WEBHOOK, json=msg)\n', secret
    yield "yaml", "alerts.yaml", f"slack:\n  webhook_url: {url}\n", secret
    yield "prose", "RUNBOOK.md", f"Alerts go to {url} (channel #ops).\n", secret


def _discord_webhook(r: random.Random) -> Iterator[Document]:
    secret = f"{r.randint(10**17, 10**18 - 1)}/{chars(r, B64URL, 68)}"
    url = f"https://discord.com/api/webhooks/{secret}"
    yield "python", "notify.py", f'WEBHOOK = "{url}"\n', secret
    yield "json", "hooks.json", f'{{"discord": "{url}"}}\n', secret


def _discord_bot(r: random.Random) -> Iterator[Document]:
    token = discord_bot_token(r)
    bot = f'import discord\n\nclient = discord.Client(intents=intents)\nclient.run("{token}")\n'
    yield "python", "bot.py", bot, token
    yield "dotenv", ".env", f"DISCORD_TOKEN={token}\n", token
    yield "json", "config.json", f'{{"prefix": "!", "token": "{token}"}}\n', token


def _azure_storage(r: random.Random) -> Iterator[Document]:
    key = chars(r, B64, 86) + "=="
    conn = (
        f"DefaultEndpointsProtocol=https;AccountName=acct{r.randint(1, 999)};"
        f"AccountKey={key};EndpointSuffix=core.windows.net"
    )
    yield "json", "appsettings.json", f'{{"ConnectionStrings": {{"Storage": "{conn}"}}}}\n', key
    yield "dotenv", ".env", f"AZURE_STORAGE_CONNECTION_STRING={conn}\n", key
    yield "python", "blob.py", f'CONN = "{conn}"\nblobs = BlobServiceClient(CONN)\n', key


def _azure_service_bus(r: random.Random) -> Iterator[Document]:
    key = chars(r, B64, 43) + "="
    conn = (
        f"Endpoint=sb://ns{r.randint(1, 99)}.servicebus.windows.net/;"
        f"SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={key}"
    )
    yield "json", "local.settings.json", f'{{"Values": {{"ServiceBus": "{conn}"}}}}\n', key
    yield "yaml", "app.yaml", f'bus:\n  connection: "{conn}"\n', key


def _azure_sas(r: random.Random) -> Iterator[Document]:
    sig = quote(chars(r, B64, 43) + "=", safe="")
    url = (
        "https://acct.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=co&sp=rl"
        f"&se=2027-01-01T00:00:00Z&st=2026-01-01T00:00:00Z&spr=https&sig={sig}"
    )
    yield "python", "restore.py", f'BACKUP_URL = "{url}"\n', sig
    yield "prose", "RUNBOOK.md", f"Download the backup: {url}\n", sig


def _aws_credentials_file(r: random.Random) -> Iterator[Document]:
    key_id = "AKIA" + chars(r, UPPER_ALNUM, 16)
    secret = chars(r, B64, 40)
    ini = f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
    yield "credentials-file", ".aws/credentials", ini, secret
    sts = f'{{"AccessKeyId": "{key_id}", "SecretAccessKey": "{secret}"}}\n'
    yield "sts-json", "creds.json", sts, secret


def _gcp_service_account(r: random.Random) -> Iterator[Document]:
    body = pem_body(r, 25).replace("\n", "\\n")
    pem = f"-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----"
    text = (
        '{\n  "type": "service_account",\n  "project_id": "demo-123",\n'
        f'  "private_key_id": "{chars(r, HEX, 40)}",\n  "private_key": "{pem}\\n",\n'
        '  "client_email": "bot@demo-123.iam.gserviceaccount.com",\n'
        '  "token_uri": "https://oauth2.googleapis.com/token"\n}\n'
    )
    yield "service-account-json", "gcp/sa.json", text, pem


def _private_key(label: str, lines: int) -> Callable[..., Iterator[Document]]:
    def documents(r: random.Random) -> Iterator[Document]:
        encrypted = label.startswith("RSA") and r.random() < 0.5
        headers = "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0A1B2C3D\n\n" if encrypted else ""
        block = f"-----BEGIN {label}-----\n{headers}{pem_body(r, lines)}\n-----END {label}-----"
        yield "key-file", "deploy/id_key", block + "\n", block
        indented = block.replace("\n", "\n    ")
        yaml = f"tls:\n  key: |\n    {indented}\n  cert: ./cert.pem\n"
        yield "yaml", "secrets.yaml", yaml, indented
        yield "python", "keys.py", f'KEY = """{block}\n"""\n', block

    return documents


def _putty_key(r: random.Random) -> Iterator[Document]:
    key = (
        "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n"
        f"{chars(r, B64, 64)}\n{chars(r, B64, 40)}\nPrivate-Lines: 3\n{pem_body(r, 2)}\n"
        f"Private-MAC: {chars(r, HEX, 64)}"
    )
    yield "key-file", "deploy.ppk", key + "\n", key


def _npmrc(r: random.Random) -> Iterator[Document]:
    token = uuid4(r)
    npmrc = f"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={token}\n"
    yield "npmrc", ".npmrc", npmrc, token


def _pypirc(r: random.Random) -> Iterator[Document]:
    token = "pypi-AgEIcHlwaS5vcmc" + chars(r, B64URL, 140)
    yield "pypirc", ".pypirc", f"[pypi]\nusername = __token__\npassword = {token}\n", token


def _xml_password(r: random.Random) -> Iterator[Document]:
    pw = password(r)
    xml = f"<server>\n  <id>repo</id>\n  <password>{pw}</password>\n</server>\n"
    yield "xml", "settings.xml", xml, pw


@dataclass(frozen=True)
class DocumentFormat:
    """A secret whose context is part of its format (a URL, a header, a key file)."""

    name: str
    category: str
    documents: Callable[[random.Random], Iterator[Document]]


DOC = DocumentFormat
DOCUMENT_FORMATS: tuple[DocumentFormat, ...] = (
    DOC("postgres-url", "db-url", _url_documents("postgres", "db:5432/app", "app")),
    DOC("mysql-url", "db-url", _url_documents("mysql", "mysql:3306/shop", "shop")),
    DOC("mongodb-srv-url", "db-url", _url_documents("mongodb+srv", "c0.x1y2.mongodb.net/", "ad")),
    DOC("redis-url", "db-url", _url_documents("redis", "cache:6379/0", "")),
    DOC("amqp-url", "db-url", _url_documents("amqp", "rabbit:5672/jobs", "worker")),
    DOC("http-basic-auth-url", "db-url", _url_documents("https", "api.example.com/v1/", "ci")),
    DOC("git-url-password", "vcs", _git_url),
    DOC("basic-auth-header", "header", _basic_header),
    DOC("bearer-token-header", "header", _bearer_header),
    DOC("slack-webhook", "chat", _slack_webhook),
    DOC("discord-webhook", "chat", _discord_webhook),
    DOC("discord-bot-token", "chat", _discord_bot),
    DOC("azure-storage-connection-string", "cloud", _azure_storage),
    DOC("azure-service-bus-connection-string", "cloud", _azure_service_bus),
    DOC("azure-sas-token", "cloud", _azure_sas),
    DOC("aws-credentials-file", "cloud", _aws_credentials_file),
    DOC("gcp-service-account-json", "cloud", _gcp_service_account),
    DOC("rsa-private-key", "private-key", _private_key("RSA PRIVATE KEY", 25)),
    DOC("openssh-private-key", "private-key", _private_key("OPENSSH PRIVATE KEY", 6)),
    DOC("ec-private-key", "private-key", _private_key("EC PRIVATE KEY", 3)),
    DOC("pkcs8-private-key", "private-key", _private_key("PRIVATE KEY", 25)),
    DOC("encrypted-private-key", "private-key", _private_key("ENCRYPTED PRIVATE KEY", 26)),
    DOC("pgp-private-key-block", "private-key", _private_key("PGP PRIVATE KEY BLOCK", 30)),
    DOC("putty-private-key", "private-key", _putty_key),
    DOC("npm-legacy-auth-token", "registry", _npmrc),
    DOC("pypirc-token", "registry", _pypirc),
    DOC("xml-password", "generic", _xml_password),
)


def build_corpus(seed: int = SEED, per_format: int = 2) -> list[Sample]:
    """Every format in each of its contexts, ``per_format`` times with fresh random values."""
    rng = random.Random(seed)
    samples: list[Sample] = []
    for _ in range(per_format):
        for token in TOKEN_FORMATS:
            for context in token.contexts:
                path, text, span = in_context(context, token.var, token.make(rng))
                samples.append(Sample(token.name, token.category, context, path, text, span))
        for document in DOCUMENT_FORMATS:
            for context, path, text, secret in document.documents(rng):
                start = text.index(secret)
                span = (start, start + len(secret))
                samples.append(Sample(document.name, document.category, context, path, text, span))
    return samples


# --- decoys ---------------------------------------------------------------------------------------


def build_decoys(seed: int = SEED) -> list[Decoy]:
    """Ordinary code and data that mention secrets without holding one."""
    rng = random.Random(seed + 1)
    sha256 = chars(rng, HEX, 64)
    sha1 = chars(rng, HEX, 40)
    integrity = "sha512-" + b64_of(rng.randbytes(64))
    uuids = (uuid4(rng), uuid4(rng))
    ed25519 = "AAAAC3NzaC1lZDI1NTE5AAAAI" + chars(rng, B64, 43)
    decoys: list[tuple[str, str, str]] = [
        # The four lines from the issue.
        ("token-type-literal", "email/parser.py", "token_type = 'quoted-string'\n"),
        ("password-attribute", "upload.py", "self.password = self.distribution.password\n"),
        ("token-from-settings", "client.py", "token = settings.api_token_value\n"),
        ("policy-argument", "run.py", "run(paths, secret_policy=SecretPolicy.ALLOW, prompt=p)\n"),
        # Names assigned attribute accesses, calls, environment lookups.
        (
            "api-key-attribute",
            "app.py",
            "api_key = config.openai.api_key\nself.secret_key = app.config.secret_key\n",
        ),
        ("authkey-attribute", "managers.py", "self._authkey = self._manager._authkey\n"),
        (
            "token-calls",
            "auth.py",
            "token = get_token(session)\n"
            "access_token = oauth.fetch_token(token_url, client_secret=client_secret)\n",
        ),
        ("getpass", "login.py", 'password = getpass.getpass("Password: ")\n'),
        (
            "secrets-module",
            "keys.py",
            "secret = secrets.token_hex(32)\nkey = Fernet.generate_key()\n",
        ),
        ("keyring", "store.py", 'api_key = keyring.get_password("fiedler", "openai")\n'),
        (
            "jwt-encode",
            "jwt_auth.py",
            'token = jwt.encode(payload, signing_key, algorithm="HS256")\n',
        ),
        (
            "environ-python",
            "settings.py",
            'api_key = os.environ["OPENAI_API_KEY"]\ntoken = os.getenv("GITHUB_TOKEN", "")\n',
        ),
        (
            "environ-javascript",
            "config.js",
            "const apiKey = process.env.OPENAI_API_KEY;\n"
            "const dbPassword = process.env.DB_PASSWORD ?? '';\n",
        ),
        ("environ-go", "main.go", 'apiKey := os.Getenv("API_KEY")\npassword := cfg.Password\n'),
        (
            "environ-ruby",
            "config.rb",
            "password = ENV['DB_PASSWORD']\ntoken ||= ENV.fetch('TOKEN')\n",
        ),
        (
            "compose-variables",
            "docker-compose.yml",
            "services:\n  db:\n    environment:\n"
            "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      API_KEY: $API_KEY\n",
        ),
        (
            "actions-secrets",
            ".github/workflows/ci.yml",
            "env:\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n  NPM_TOKEN: ${{ secrets.NPM }}\n",
        ),
        (
            "helm-template",
            "templates/secret.yaml",
            'stringData:\n  password: "{{ .Values.db.password }}"\n'
            "  token: {{ .Values.token | quote }}\n",
        ),
        (
            "command-substitution",
            "run.sh",
            'export TOKEN=$(cat /run/secrets/token)\nPASSWORD="$(vault read -field=pw db)"\n',
        ),
        (
            "type-annotations",
            "models.py",
            "password: str = ''\napi_key: Optional[str] = None\n"
            "def login(username: str, password: str) -> Token: ...\n",
        ),
        ("typescript-interface", "types.ts", "interface Creds {\n  password: string;\n}\n"),
        (
            "go-struct-tags",
            "user.go",
            'type User struct {\n\tPassword string `json:"password"`\n'
            '\tToken string `json:"token,omitempty"`\n}\n',
        ),
        ("sql-columns", "schema.sql", "CREATE TABLE u (password_hash TEXT, api_token TEXT);\n"),
        ("terraform", "main.tf", "password = random_password.db.result\napi_key = var.api_key\n"),
        (
            "rails-erb",
            "secrets.yml",
            'production:\n  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>\n',
        ),
        # Placeholders.
        (
            "ellipsis-keys",
            "README.md",
            "export OPENAI_API_KEY=sk-...\nANTHROPIC_API_KEY=sk-ant-...\n",
        ),
        ("angle-placeholders", "docs/setup.md", 'api_key = "<your key>"\ntoken: <YOUR_TOKEN>\n'),
        (
            "your-key-here",
            "config.example.yaml",
            'openai:\n  api_key: "your-api-key-here"\n  token: YOUR_TOKEN_HERE\n',
        ),
        (
            "env-example",
            ".env.example",
            "OPENAI_API_KEY=\nGITHUB_TOKEN=ghp_your_token_here\nDB_PASSWORD=changeme\n",
        ),
        ("masked-values", "app.py", 'password = "********"\ntoken = "xxxxxxxxxxxxxxxxxxxxxxxx"\n'),
        (
            "masked-tokens",
            "docs/keys.md",
            f"Keys look like `sk-proj-{'X' * 32}` or `ghp_{'x' * 36}`.\n",
        ),
        (
            "url-templates",
            "db.py",
            'url = f"postgres://{user}:{password}@{host}/app"\n'
            'DSN = "mysql://root:${MYSQL_ROOT_PASSWORD}@db/shop"\n'
            'DSN2 = "postgresql://%(user)s:%(password)s@%(host)s/db"\n',
        ),
        ("bearer-template", "client.py", 'headers = {"Authorization": f"Bearer {token}"}\n'),
        (
            "bearer-placeholders",
            "api.md",
            "curl -H 'Authorization: Bearer <token>' https://x\nAuthorization: Bearer $TOKEN\n",
        ),
        (
            "elided-private-key",
            "docs/tls.md",
            "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n",
        ),
        ("django-placeholder", "settings.py", "SECRET_KEY = 'django-insecure-change-me'\n"),
        # Short words, plain values, names that only end like secrets.
        (
            "short-passwords",
            "seed.py",
            'create_user("bob", password="secret")\nPASSWORD = "admin"\ntoken = "abc"\n',
        ),
        (
            "word-values",
            "config.yaml",
            "auth:\n  password: password\n  token_type: bearer\n  secret: none\n",
        ),
        (
            "numbers",
            "limits.py",
            "max_tokens = 4096\ntoken_limit = 128_000\npassword_min_length = 12\n",
        ),
        ("tokenizer-name", "count.py", 'tokenizer = "cl100k_base"\nencoding = "o200k_base"\n'),
        (
            "secret-name-and-arn",
            "aws.py",
            'secret_name = "prod/db/password"\n'
            'secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod-db"\n',
        ),
        (
            "key-file-paths",
            "tls.py",
            'private_key_path = "/etc/ssl/private/server.key"\n'
            'ssh_key = "~/.ssh/id_ed25519"\nkey_file = "server.pem"\n',
        ),
        (
            "token-urls",
            "oauth.py",
            'token_url = "https://oauth2.googleapis.com/token"\n'
            '"token_uri": "https://oauth2.googleapis.com/token"\n',
        ),
        (
            "cache-keys",
            "cache.py",
            'cache_key = f"user:{user_id}"\nkey = "user:profile:12345"\nprimary_key = True\n',
        ),
        (
            "header-names",
            "http.py",
            'api_key_header = "X-API-Key"\nTOKEN_HEADER = "Authorization"\n',
        ),
        ("public-key", "keys.py", f'public_key = "ssh-ed25519 {ed25519} bob@host"\n'),
        (
            "public-key-block",
            "certs/pub.pem",
            f"-----BEGIN PUBLIC KEY-----\n{pem_body(rng, 4)}\n-----END PUBLIC KEY-----\n",
        ),
        (
            "certificate-block",
            "certs/ca.pem",
            f"-----BEGIN CERTIFICATE-----\n{pem_body(rng, 10)}\n-----END CERTIFICATE-----\n",
        ),
        (
            "urls-without-password",
            "links.md",
            "https://user@example.com/x\ngit@github.com:org/repo.git\nssh://git@host:22/repo\n"
            "http://[::1]:8080/\npostgres://postgres@localhost:5432/db\n",
        ),
        (
            "openapi-reference",
            "openapi.json",
            '{"security": {"apiKey": "#/components/securitySchemes/ApiKey"}}\n',
        ),
        (
            "json-schema",
            "schema.json",
            '{"properties": {"password": {"type": "string", "minLength": 12}}}\n',
        ),
        (
            "yaml-alias",
            "config.yaml",
            "defaults: &defaults\n  password: &pw\nprod:\n  db_password: *default_password\n",
        ),
        (
            "html-form",
            "login.html",
            '<input type="password" name="password" autocomplete="current-password">\n',
        ),
        (
            "i18n-strings",
            "en.json",
            '{"password_label": "Password", "token_expired": "Your session token expired"}\n',
        ),
        (
            "rst-docstring",
            "api.py",
            '"""\n:param password: the password to check\n:param token: an access token\n"""\n',
        ),
        ("css-class-names", "spinner.css", ".sk-fading-circle-spinner-animation { width: 4px; }\n"),
        (
            "bcrypt-hash",
            "users.json",
            f'{{"name": "bob", "password": "$2b$12${chars(rng, B64, 53)}"}}\n',
        ),
        (
            "model-config",
            "models.yaml",
            "providers:\n  openai:\n    key_env: [OPENAI_API_KEY]\n    token_budget: 200000\n",
        ),
        (
            "api-bookkeeping-tokens",
            "examples.json",
            f'{{"nextToken": "{b64_of(rng.randbytes(30))}", "ChangeToken": "{uuids[1]}"}}\n',
        ),
        # Hashes in lockfiles and digests.
        (
            "package-lock",
            "package-lock.json",
            f'{{"node_modules/left-pad": {{"version": "1.3.0", "integrity": "{integrity}"}}}}\n',
        ),
        (
            "poetry-lock",
            "poetry.lock",
            f'files = [\n    {{file = "requests-2.32.3.tar.gz", hash = "sha256:{sha256}"}},\n]\n',
        ),
        ("cargo-lock", "Cargo.lock", f'[[package]]\nname = "serde"\nchecksum = "{sha256}"\n'),
        ("go-sum", "go.sum", f"golang.org/x/net v0.24.0 h1:{b64_of(rng.randbytes(32))}\n"),
        ("requirements-hashes", "requirements.txt", f"requests==2.32.3 --hash=sha256:{sha256}\n"),
        (
            "yarn-lock",
            "yarn.lock",
            f'left-pad@^1.3.0:\n  resolved "https://registry.yarnpkg.com/l/-/l-1.3.0.tgz#{sha1}"\n',
        ),
        (
            "digests",
            "verify.py",
            f'expected_sha256 = "{sha256}"\ndigest = hashlib.sha256(data).hexdigest()\n'
            f'commit = "{sha1}"\n',
        ),
        ("etag", "cache.json", f'{{"etag": "W/\\"{sha1}\\"", "checksum": "{sha256}"}}\n'),
        # UUIDs, colours, container digests.
        (
            "uuids",
            "fixtures.py",
            f'request_id = "{uuids[0]}"\nuser = {{"id": "{uuids[1]}", "name": "bob"}}\n',
        ),
        (
            "css-colours",
            "theme.css",
            ":root {\n  --primary: #1e90ff;\n  --accent: #ff5722;\n}\n.btn { color: #fafafa; }\n",
        ),
        (
            "theme-toml",
            "themes/dark.toml",
            'primary = "#5f87ff"\nsecondary = "#d7af00"\nbackground = "#1c1c1c"\n',
        ),
        ("container-digest", "deploy.yaml", f"image: nginx@sha256:{sha256}\n"),
        ("dockerfile-digest", "Dockerfile", f"FROM python:3.11-slim@sha256:{sha256}\n"),
        # Code around credentials.
        (
            "password-validators",
            "settings.py",
            "AUTH_PASSWORD_VALIDATORS = [\n"
            "    {'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator'},\n]\n",
        ),
        (
            "comparisons",
            "check.py",
            'if password == "":\n    raise ValueError("empty")\nif len(token) > 40:\n    pass\n',
        ),
        ("log-format", "log.py", 'log.info("password: %s", "***")\nprint("Token: " + masked)\n'),
        (
            "k8s-secret-ref",
            "deployment.yaml",
            "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n"
            "        name: db-credentials\n        key: password\n",
        ),
        ("aws-mentions", "docs/aws.md", "Access keys start with AKIA or ASIA (temporary).\n"),
        (
            "identifiers",
            "tokenize.py",
            "ERRORTOKEN = token.ERRORTOKEN\nnode_token = current_ast_node.value\n",
        ),
        (
            "base64-image",
            "logo.css",
            f".logo {{ background: url(data:image/png;base64,{b64_of(rng.randbytes(120))}); }}\n",
        ),
    ]
    return [Decoy(name, path, text) for name, path, text in decoys]


# --- evaluation -----------------------------------------------------------------------------------


@dataclass
class FormatResult:
    samples: int = 0
    found: int = 0
    exact: int = 0
    kinds: set[str] = field(default_factory=set)
    missed: list[str] = field(default_factory=list)


@dataclass
class Evaluation:
    formats: dict[str, FormatResult]
    flagged_decoys: list[tuple[str, str]]
    decoys: int

    @property
    def samples(self) -> int:
        return sum(r.samples for r in self.formats.values())

    @property
    def found(self) -> int:
        return sum(r.found for r in self.formats.values())

    @property
    def recall(self) -> float:
        return self.found / self.samples

    @property
    def formats_fully_found(self) -> int:
        return sum(r.found == r.samples for r in self.formats.values())


def covered(span: tuple[int, int], findings: tuple[SecretFinding, ...]) -> bool:
    """The findings' spans cover every character of ``span``."""
    position = span[0]
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start <= position < finding.end:
            position = finding.end
    return position >= span[1]


def evaluate(samples: list[Sample], decoys: list[Decoy]) -> Evaluation:
    formats: dict[str, FormatResult] = {}
    for sample in samples:
        result = formats.setdefault(sample.format, FormatResult())
        findings = scan_text(sample.text, sample.path)
        result.samples += 1
        if covered(sample.span, findings):
            result.found += 1
        else:
            result.missed.append(sample.context)
        hits = [f for f in findings if f.start < sample.span[1] and f.end > sample.span[0]]
        result.kinds.update(f.kind for f in hits)
        if any((f.start, f.end) == sample.span for f in hits):
            result.exact += 1
    flagged = []
    for decoy in decoys:
        for finding in scan_text(decoy.text, decoy.path):
            snippet = decoy.text[finding.start : finding.end]
            flagged.append(
                (decoy.name, f"{finding.line}:{finding.column} {finding.kind} {snippet[:40]!r}")
            )
    return Evaluation(formats, flagged, len(decoys))


def stdlib_files() -> list[tuple[str, str]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files: list[tuple[str, str]] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_STDLIB_FOLDERS)
        for name in sorted(names):
            if name.endswith(".py"):
                path = Path(folder) / name
                try:
                    text = path.read_bytes().decode("utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                files.append((path.relative_to(root).as_posix(), text))
    return files


def stdlib_scan(repeat: int) -> dict[str, object]:
    files = stdlib_files()
    megabytes = sum(len(text.encode()) for _, text in files) / 1e6
    best = float("inf")
    findings: list[str] = []
    for _ in range(repeat):
        started = time.process_time()
        results = [(path, text, scan_text(text, path)) for path, text in files]
        best = min(best, time.process_time() - started)
    for path, text, found in results:
        for f in found:
            line = text.splitlines()[f.line - 1].strip()
            findings.append(f"{path}:{f.line}:{f.column} {f.kind}  {line[:70]}")
    return {
        "files": len(files),
        "megabytes": megabytes,
        "seconds": best,
        "mb_per_s": megabytes / best,
        "findings": findings,
    }


def measure(seed: int, repeat: int) -> dict[str, object]:
    evaluation = evaluate(build_corpus(seed), build_decoys(seed))
    return {
        "formats": {
            name: {
                "samples": r.samples,
                "found": r.found,
                "exact": r.exact,
                "kinds": sorted(r.kinds),
                "missed": r.missed,
            }
            for name, r in evaluation.formats.items()
        },
        "samples": evaluation.samples,
        "found": evaluation.found,
        "recall": evaluation.recall,
        "formats_fully_found": evaluation.formats_fully_found,
        "decoys": evaluation.decoys,
        "flagged_decoys": evaluation.flagged_decoys,
        "stdlib": stdlib_scan(repeat),
    }


def baseline(revision: str, seed: int, repeat: int) -> dict[str, object]:
    """The same measurements with the package as of ``revision`` (git archive, subprocess)."""
    repo = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", revision, "fiedler_tui"],
        capture_output=True,
        check=True,
    ).stdout
    with tempfile.TemporaryDirectory() as tree:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tree, filter="data")
        env = {**os.environ, "PYTHONPATH": tree}
        out = subprocess.run(
            [sys.executable, __file__, "--json", "--seed", str(seed), "--repeat", str(repeat)],
            capture_output=True,
            check=True,
            text=True,
            env=env,
        ).stdout
    return dict(json.loads(out))


def report(label: str, m: dict[str, object], verbose: bool) -> None:
    formats = m["formats"]
    stdlib = m["stdlib"]
    assert isinstance(formats, dict) and isinstance(stdlib, dict)
    print(f"== {label}")
    print(f"{'format':40} {'found':>7} {'exact':>6}  kinds")
    for name, r in formats.items():
        mark = "" if r["found"] == r["samples"] else "   <-- missed in " + ", ".join(r["missed"])
        print(
            f"{name:40} {r['found']:>3}/{r['samples']:<3} {r['exact']:>6}  "
            f"{','.join(r['kinds'])}{mark}"
        )
    flagged = m["flagged_decoys"]
    assert isinstance(flagged, list)
    print(
        f"recall {m['found']}/{m['samples']} samples = {m['recall']:.1%}; formats fully found "
        f"{m['formats_fully_found']}/{len(formats)}; decoys flagged {len(flagged)} "
        f"(on {m['decoys']} decoy files)"
    )
    for name, finding in flagged:
        print(f"  decoy {name}: {finding}")
    findings = stdlib["findings"]
    assert isinstance(findings, list)
    print(
        f"stdlib: {stdlib['files']} files, {stdlib['megabytes']:.1f} MB, {len(findings)} findings, "
        f"scan {stdlib['seconds'] * 1000:.0f} ms CPU = {stdlib['mb_per_s']:.0f} MB/s"
    )
    for line in findings if verbose or len(findings) <= 30 else findings[:30]:
        print(f"  {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=5, help="stdlib passes (best is kept)")
    parser.add_argument("--baseline", metavar="REV", help="also measure git revision REV")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument("--verbose", action="store_true", help="list every stdlib finding")
    args = parser.parse_args()
    current = measure(args.seed, args.repeat)
    if args.json:
        print(json.dumps(current))
        return 0
    if args.baseline:
        report(
            f"baseline {args.baseline}",
            baseline(args.baseline, args.seed, args.repeat),
            args.verbose,
        )
        print()
    report("this tree", current, args.verbose)
    stdlib = current["stdlib"]
    assert isinstance(stdlib, dict)
    met = (
        float(str(current["recall"])) >= RECALL_GOAL
        and not current["flagged_decoys"]
        and len(stdlib["findings"]) <= STDLIB_FINDINGS_GOAL
    )
    print(
        f"goals (recall >= {RECALL_GOAL:.0%}, 0 decoys, "
        f"<= {STDLIB_FINDINGS_GOAL} stdlib findings): "
        f"{'met' if met else 'NOT met'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
