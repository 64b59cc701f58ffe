"""The secret policies in the app's words, the same in the selector, the status line, the
findings list and the reasons not to send (the command line's flags are never named here)."""

from __future__ import annotations

from fiedler_tui.core.secrets.policy import SecretPolicy

POLICY_LABELS: dict[SecretPolicy, str] = {
    SecretPolicy.REFUSE: "block until chosen",
    SecretPolicy.MASK: "mask the values",
    SecretPolicy.EXCLUDE: "exclude those files",
    SecretPolicy.ALLOW: "send anyway",
}

CHOOSE_POLICY = "f4 chooses: mask the values, exclude those files or send anyway"
"""What to do about likely secrets, in the selector's words."""


def policy_label(policy: str) -> str:
    """The selector's words for a policy (its name when it is not one of them)."""
    try:
        return POLICY_LABELS[SecretPolicy(policy)]
    except ValueError:
        return policy
