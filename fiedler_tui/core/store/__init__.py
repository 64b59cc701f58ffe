"""Saved runs: one private directory per run, streamed outputs, an atomic summary, history."""
