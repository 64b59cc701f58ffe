"""Secret findings with file and line, masking, and the policy choices in the dry run."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.files.skips import SkipCode
from fiedler_tui.core.secrets.mask import mask_text
from fiedler_tui.core.secrets.policy import SecretPolicy, SecretsFoundError
from fiedler_tui.core.secrets.scan import scan_text
from tests.dryrun.conftest import write

SAMPLES = {
    "private-key": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n"
    "-----END OPENSSH PRIVATE KEY-----",
    "aws-access-key-id": "AKIAIOSFODNN7EXAMPLE",
    "openai-api-key": "sk-proj-Abc123def456ghi789jkl012mno345",
    "anthropic-api-key": "sk-ant-api03-Abc123def456ghi789jkl012mno345",
    "github-token": "ghp_" + "a1B2c3D4e5" * 4,
    "slack-token": "xoxb-1234567890-abcdefghijkl",
    "google-api-key": "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_format_is_found_with_its_line_and_masked(kind: str) -> None:
    secret = SAMPLES[kind]
    text = f"first line\nvalue = {secret}\nlast line\n"
    (finding,) = scan_text(text, "config.txt")
    assert (finding.kind, finding.line, finding.column) == (kind, 2, 9)
    masked = mask_text(text, [finding])
    assert masked == f"first line\nvalue = [MASKED:{kind}]\nlast line\n"


def test_high_entropy_assignment_but_not_ordinary_code() -> None:
    text = (
        'password = "Zx9!kq2LmP0vR7tY"\n'
        "token = tokenizer.next_token()\n"
        'api_key = os.environ["API_KEY"]\n'
        'secret_name = "aaaaaaaaaaaaaaaa"\n'
    )
    findings = scan_text(text, "settings.py")
    assert [(f.kind, f.line) for f in findings] == [("high-entropy-assignment", 1)]


def test_env_files_flag_every_value() -> None:
    text = "# comment\nDEBUG=1\nexport DB_URL='postgres://u:p@h/db'\nEMPTY=\n"
    findings = scan_text(text, "deploy/.env.production")
    assert [(f.line, f.kind) for f in findings] == [(2, "env-file-value"), (3, "env-file-value")]
    assert "postgres" not in mask_text(text, findings)
    assert scan_text(text, ".env.example") == ()


def test_policies_in_the_dry_run(root: Path, engine: DryRunEngine, config: Config) -> None:
    key = SAMPLES["openai-api-key"]
    write(root / "leak.py", f"x = 1\nKEY = '{key}'\ny = 2\n")
    write(root / "clean.py", "z = 3\n")
    models = [config.resolve("gpt-5")]

    refused = engine.run([root], models, DryRunOptions(prompt="p"))
    assert not refused.sendable
    assert [(f.path, f.line, f.kind) for f in refused.findings] == [
        ("leak.py", 2, "openai-api-key")
    ]
    assert any("likely secret" in b.message for b in refused.blockers)
    error = SecretsFoundError(refused.findings)
    assert error.exit_code == 3 and "leak.py:2:8: openai-api-key" in error.lines()

    masked = engine.run([root], models, DryRunOptions(prompt="p", secret_policy=SecretPolicy.MASK))
    assert masked.sendable
    text = masked.request().package_text
    assert key not in text
    assert "KEY = '[MASKED:openai-api-key]'\ny = 2\n" in text
    assert 'FILE "leak.py" bytes=' in text and "masked=1" in text

    excluded = engine.run(
        [root], models, DryRunOptions(prompt="p", secret_policy=SecretPolicy.EXCLUDE)
    )
    assert [f.path for f in excluded.files] == ["clean.py"]
    assert excluded.skipped[-1].code is SkipCode.SECRETS
    assert key not in excluded.request().package_text

    allowed = engine.run(
        [root], models, DryRunOptions(prompt="p", secret_policy=SecretPolicy.ALLOW)
    )
    assert allowed.sendable and key in allowed.request().package_text
    assert len(allowed.findings) == 1


def test_text_whose_lowercase_changes_length_is_still_scanned() -> None:
    text = 'İstanbul\nPASSWORD = "Zx9!kq2LmP0vR7tY"\n'
    (finding,) = scan_text(text, "a.py")
    assert (finding.kind, finding.line) == ("high-entropy-assignment", 2)
    assert text[finding.start : finding.end] == "Zx9!kq2LmP0vR7tY"


@pytest.mark.parametrize(
    "line",
    [
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        'AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        '"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    ],
)
def test_aws_secret_access_key_in_any_case(line: str) -> None:
    findings = scan_text(f"{line}\n", "creds.yaml")
    assert [f.kind for f in findings] == ["aws-secret-access-key"]
    assert "wJalr" not in mask_text(line, findings)
