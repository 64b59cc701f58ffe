"""Secret scan before anything leaves the machine: findings with file and line, and masking."""

from fiedler_tui.core.secrets.mask import marker, mask_text
from fiedler_tui.core.secrets.policy import SecretPolicy, SecretsFoundError
from fiedler_tui.core.secrets.scan import SecretFinding, is_env_file, scan_text, shannon_entropy

__all__ = [
    "SecretFinding",
    "SecretPolicy",
    "SecretsFoundError",
    "is_env_file",
    "marker",
    "mask_text",
    "scan_text",
    "shannon_entropy",
]
