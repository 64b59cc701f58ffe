"""CA certificate files and folders: is this one usable? One specific answer when it is not."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

MAX_BUNDLE_BYTES = 16 * 1024 * 1024
"""A CA bundle is a few hundred KB; a larger file is something else."""


class CAError(Exception):
    """CA certificates that cannot be used; the message names the file and why."""


def ca_file_problem(path: Path) -> str | None:
    """Why ``path`` cannot serve as a CA bundle (PEM certificates), or None when it can."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return f"file not found: {path}"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    if path.is_dir():
        return f"{path} is a folder; name a PEM file (a folder of CAs goes in SSL_CERT_DIR)"
    if not path.is_file():
        return f"{path} is not a regular file"
    if info.st_size > MAX_BUNDLE_BYTES:
        return f"{path} is {info.st_size:,} bytes: too large for a CA bundle"
    if not os.access(path, os.R_OK):
        return f"cannot read {path}: permission denied"
    try:
        count = count_certificates(path)
    except ssl.SSLError as exc:  # (an OSError too)
        if exc.reason == "NO_CERTIFICATE_OR_CRL_FOUND":
            return f"{path} holds no PEM certificate"
        return f"{path} holds no usable PEM certificate ({exc.reason or exc})"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    if count == 0:
        return f"{path} holds no PEM certificate"
    return None


def ca_dir_problem(path: Path) -> str | None:
    """Why ``path`` cannot serve as a folder of CA certificates, or None when it can."""
    if not path.exists():
        return f"folder not found: {path}"
    if not path.is_dir():
        return f"{path} is not a folder"
    if not os.access(path, os.R_OK | os.X_OK):
        return f"cannot read {path}: permission denied"
    return None


def count_certificates(path: Path) -> int:
    """How many certificates OpenSSL loads from ``path`` (raises OSError, ssl.SSLError)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=str(path))
    return int(context.cert_store_stats()["x509"])
