"""Benchmark of the egress rules: the verdict on every file of a large package.

Compiles ten rules of every kind (folders, root globs, ``**`` globs, an absolute folder) and
judges N resolved paths under one root, first with the policy's memory of verdicts empty (a new
file each), then again (a re-preview: every verdict remembered). Prints the medians of
``--repeat`` runs in milliseconds and per file.

Usage: ``python bench/egress_rules.py [--files N] [--repeat N]``
"""

from __future__ import annotations

import argparse
import statistics
import time

from fiedler_tui.core.config.schema import EgressRule, EgressSection
from fiedler_tui.core.egress.policy import EgressPolicy

RULES = [
    ("clients/acme/", ["local"]),
    ("**/*.pem", []),
    ("**/secret*", ["local"]),
    ("vendor/", ["anthropic"]),
    ("src/*/gen/", ["openai"]),
    ("~/elsewhere/", ["local"]),
    ("docs/**/*.md", ["openai", "anthropic"]),
    ("a/b/c/d/", []),
    ("*.key", []),
    ("tests/fixtures/", ["local"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    section = EgressSection(rules=[EgressRule(path=p, to=t) for p, t in RULES])
    paths = [f"/srv/project/src/pkg{i % 50}/mod{i}/file{i}.py" for i in range(args.files)]
    first: list[float] = []
    again: list[float] = []
    for _ in range(args.repeat):
        policy = EgressPolicy.compile(section, "models.yaml", ["/srv/project"])
        started = time.perf_counter()
        for path in paths:
            policy.verdict(path)
        middle = time.perf_counter()
        for path in paths:
            policy.verdict(path)
        first.append(middle - started)
        again.append(time.perf_counter() - middle)
    for label, times in (("first", first), ("again", again)):
        median = statistics.median(times)
        print(
            f"{label}: {1000 * median:.1f} ms for {args.files:,} files, {len(RULES)} rules "
            f"({1e6 * median / args.files:.2f} µs a file; min-max "
            f"{1000 * min(times):.1f}-{1000 * max(times):.1f} ms)"
        )


if __name__ == "__main__":
    main()
