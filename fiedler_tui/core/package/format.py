"""The package text format (version 1), deterministic and unambiguous.

::

    FIEDLER-PACKAGE v1 files=2
    FILE "src/app.py" bytes=120 lines=4
    <exactly 120 bytes of UTF-8: the file's text>
    END FILE "src/app.py"
    FILE "notes/a\\nb.md" bytes=5 lines=1 masked=1
    <5 bytes>
    END FILE "notes/a\\nb.md"

- One preamble line, then one block per file in package order (root, then path components).
- The path is relative to the file's allowed root (prefixed by the root's folder name when files
  come from several roots), written as a JSON string literal: quotes and backslashes escaped,
  every non-printable character (newline, ESC, other controls) as ``\\uXXXX`` or ``\\n``. A
  header therefore always fits on one line, whatever the file name.
- ``bytes`` is the UTF-8 length of the content as included, so a reader can take exactly that
  many bytes after the header's newline: content that itself contains ``END FILE`` lines cannot
  end a block early. One ``\\n`` always follows the content, then the ``END FILE`` line.
- ``masked=N`` appears when N secret values were replaced by ``[MASKED:<kind>]`` markers.
- No package (no files) is the empty string.

Every block starts with a letter and ends with a newline; tiktoken's pre-tokenisers never join a
newline with a following letter, so the package's token count is the sum of the counts of its
blocks (which lets counts be cached per file). The tests check this against whole-text encodes.
"""

from __future__ import annotations

from fiedler_tui.core.files.names import quote_name

FORMAT_VERSION = 1


def preamble(file_count: int) -> str:
    return f"FIEDLER-PACKAGE v{FORMAT_VERSION} files={file_count}\n"


def file_header(path: str, content_bytes: int, lines: int, masked: int = 0) -> str:
    """The ``FILE`` line; ``content_bytes`` and ``lines`` are those of the content included."""
    extra = f" masked={masked}" if masked else ""
    return f"FILE {quote_name(path)} bytes={content_bytes} lines={lines}{extra}\n"


def file_footer(path: str) -> str:
    return f"\nEND FILE {quote_name(path)}\n"
