"""Compile every criterion of the development corpus: crashes, time, share with any structure.

Run:  python bench/bench_corpus.py [path/to/dev.jsonl]   (default: ../shared/corpus/dev.jsonl)
A crash here is a bug: every item must compile to checks or to needs-review text.
"""

from __future__ import annotations

import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screening.nodes import NeedsReview, leaves  # noqa: E402
from screening.resolve import resolve_item  # noqa: E402
from screening.segment import iter_items, segment  # noqa: E402


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus" / "dev.jsonl"
    if not path.is_file():
        print(f"no corpus at {path}")
        return
    crashes: collections.Counter[str] = collections.Counter()
    trials = items = structured = full = 0
    t0 = time.perf_counter()
    for line in path.open(encoding="utf-8"):
        record = json.loads(line)
        trials += 1
        for item in iter_items(segment(record["eligibility_text"])):
            if item.is_heading:
                continue
            items += 1
            try:
                predicate = resolve_item(item.text, item.section)
            except Exception as err:  # noqa: BLE001 - counting crashes is the point
                crashes[f"{type(err).__name__}: {err}"[:120]] += 1
                continue
            if predicate is None:
                continue
            kinds = [isinstance(leaf, NeedsReview) for leaf in leaves(predicate)]
            structured += not all(kinds)
            full += not any(kinds)
    seconds = time.perf_counter() - t0
    print(f"{trials} trials, {items} criteria items in {seconds:.1f} s (one core)")
    print(f"fully structured: {full} ({full / items:.1%}); partly or fully: {structured} ({structured / items:.1%})")
    print(f"crashes: {sum(crashes.values())}")
    for message, count in crashes.most_common(10):
        print(f"  {count} × {message}")


if __name__ == "__main__":
    main()
