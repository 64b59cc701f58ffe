"""The UI-free core: config, keys, files and package, tokens, providers, runner, store.

Nothing in this package imports Textual (enforced by import-linter and a test).
"""
