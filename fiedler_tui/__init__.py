"""fiedler-tui: send one prompt and a package of files to several LLMs at once."""

__version__ = "0.1.0"
"""The one place the version is written (the build reads it from here)."""
