"""How long the Greeklish search takes over a few hundred titles (a benchmark:
it measures and prints, it asserts nothing).

    .venv/bin/python scripts/benchmark_search.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from kepweb.search import SearchIndex  # noqa: E402

QUERIES = ("pistopoihtiko oikogeneiakhs", "bebaiwsh", "lhksiarxikh praxi", "eyrwpaikh karta", "psyxiko", "epidoma")


def main():
    procedures = json.loads((ROOT / "sandbox/scheduling/data/procedures.json").read_text(encoding="utf-8"))
    titles = [f"{p['title_el']} / {p['title_en']} {n}" for n in range(6) for p in procedures["procedures"]]
    started = time.perf_counter()
    index = SearchIndex(titles, lambda title: title)
    built = time.perf_counter() - started
    timings = []
    for query in QUERIES:
        started = time.perf_counter()
        found = index.search(query)
        timings.append((query, (time.perf_counter() - started) * 1000, len(found)))
    print(f"{len(titles)} titles indexed in {built * 1000:.1f} ms")
    for query, ms, count in timings:
        print(f"  {query!r:32} {ms:7.2f} ms  {count} found (first search of this query, no cache)")


if __name__ == "__main__":
    main()
