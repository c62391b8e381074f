"""Benchmark the core engine: compile time, per-patient screening time, CLI cold start.

Run:  python bench/bench_core.py [--trial rules/NCT03944499.toml] [--patient examples/patient.json]
Prints figures; asserts nothing (speed is measured here, never in the test suite).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _median_us(fn, repeat: int, number: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - t0) / number * 1e6)
    return statistics.median(samples), min(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trial", default=str(ROOT / "rules" / "NCT03944499.toml"))
    ap.add_argument("--patient", default=str(ROOT / "examples" / "patient.json"))
    ap.add_argument("--cold-runs", type=int, default=5)
    args = ap.parse_args()

    t0 = time.perf_counter()
    from screening.compile import compile_trial
    from screening.evaluate import index_patient, screen_index
    from screening.patient import load_patient
    from screening.report import to_json

    trial = compile_trial(args.trial, use_cache=False)  # first: imports, grammar, vocabulary, pint
    first = (time.perf_counter() - t0) * 1e3
    warm, warm_min = _median_us(lambda: compile_trial(args.trial, use_cache=False), repeat=7, number=3)
    cached, _ = _median_us(lambda: compile_trial(args.trial), repeat=7, number=3)
    print(f"compile, first in process (imports, grammar, pint): {first:8.1f} ms")
    print(f"compile, warm, no disk cache (median of 7×3):       {warm / 1e3:8.2f} ms (min {warm_min / 1e3:.2f})")
    print(f"load the compiled trial from the disk cache:         {cached / 1e3:8.2f} ms")
    from screening.vocabulary import load_vocabulary
    vocab_ms, vocab_min = _median_us(load_vocabulary.__wrapped__, repeat=7, number=5)  # what a later process pays
    print(f"load the vocabulary from its disk cache:             {vocab_ms / 1e3:8.2f} ms (min {vocab_min / 1e3:.2f})")

    patient = load_patient(args.patient)
    cohorts = [c.id for c in trial.cohorts] or [None]

    def one_patient() -> None:
        idx = index_patient(patient)
        for c in cohorts:
            screen_index(trial, idx, c)

    one_patient()
    med, mn = _median_us(one_patient, repeat=15, number=200)
    print(f"screen one patient, all {len(cohorts)} cohorts, full explanations: {med:8.1f} µs median (min {mn:.1f})")

    def with_json() -> None:
        idx = index_patient(patient)
        to_json([screen_index(trial, idx, c) for c in cohorts])

    med_j, _ = _median_us(with_json, repeat=7, number=50)
    print(f"  ... including JSON serialisation:                   {med_j:8.1f} µs median")

    env = dict(os.environ)
    cmd = [sys.executable, "-m", "screening", "check", args.patient, "--trial", args.trial]
    cold = []
    for _ in range(args.cold_runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True)
        cold.append(time.perf_counter() - t0)
    print(f"cold start `screening check` (all cohorts, text):     {statistics.median(cold):8.3f} s median of {args.cold_runs}")
    print(json.dumps({"compile_first_ms": round(first, 1), "compile_warm_ms": round(warm / 1e3, 2),
                      "compiled_cache_load_ms": round(cached / 1e3, 2), "vocabulary_cache_load_ms": round(vocab_ms / 1e3, 2),
                      "screen_one_patient_us": round(med, 1), "cold_start_s": round(statistics.median(cold), 3)}))


if __name__ == "__main__":
    main()
