"""The package: deterministic text, preview fingerprints, and the changed-since-preview check."""

from fiedler_tui.core.package.format import FORMAT_VERSION
from fiedler_tui.core.package.preview import (
    PackageBlock,
    PackagedFile,
    Preview,
    build_preview,
    make_block,
)
from fiedler_tui.core.package.verify import (
    FileChange,
    PreviewStaleError,
    ensure_unchanged,
    verify_unchanged,
)

__all__ = [
    "FORMAT_VERSION",
    "FileChange",
    "PackageBlock",
    "PackagedFile",
    "Preview",
    "PreviewStaleError",
    "build_preview",
    "ensure_unchanged",
    "make_block",
    "verify_unchanged",
]
