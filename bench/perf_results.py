"""Reads what the bench scripts saved of `collectives perf --json`: one file per pass and series."""
import json
import os


def results(path):
    """The "results" rows of one perf --json run (rank 0's lines may carry the launcher's "[0] " prefix)."""
    lines = [l[4:] if l.startswith("[0] ") else l for l in open(path).read().splitlines()]
    start = next(i for i, l in enumerate(lines) if l.startswith("{"))
    return json.loads("\n".join(lines[start:]))["results"]


def passes(out, runs, name):
    """Each pass's rows of series NAME (files OUT/<pass>-NAME.txt); a pass that left none is noted and skipped."""
    found = []
    for p in range(1, runs + 1):
        try:
            found.append(results(os.path.join(out, f"{p}-{name}.txt")))
        except Exception as e:
            print(f"# pass {p} {name}: no result ({e})")
    return found
