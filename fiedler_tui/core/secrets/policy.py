"""What to do with a package holding likely secrets, and the refusal when nothing was chosen."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.files.names import display_name

if TYPE_CHECKING:  # the policy is needed by the app's first frame; the scanner is not
    from fiedler_tui.core.secrets.scan import SecretFinding


class SecretPolicy(StrEnum):
    """The explicit choice sending a package with findings needs."""

    REFUSE = "refuse"
    """Default: findings block the send."""
    MASK = "mask"
    """Replace each matched value with a marker; keep the rest of the file."""
    EXCLUDE = "exclude"
    """Leave files with findings out of the package."""
    ALLOW = "allow"
    """Send anyway."""


class SecretsFoundError(FiedlerError):
    """The package holds likely secrets and no choice was made (exit 3)."""

    title = "Likely secrets found"
    exit_code = 3

    def __init__(self, findings: Sequence[SecretFinding]) -> None:
        self.findings = list(findings)
        lines = [f"{display_name(f.path)}:{f.line}:{f.column}: {f.kind}" for f in self.findings]
        self.problems = [
            f"{len(self.findings)} likely secret(s) in the package; refusing to send",
            *lines,
            "deselect those files, or pass --mask-secrets (replace the values) or "
            "--allow-secrets (send anyway)",
        ]
        super().__init__("\n".join(self.problems))

    def lines(self) -> list[str]:
        return list(self.problems)
