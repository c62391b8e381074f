"""Benchmark batch screening of a cohort CSV: `screening batch` against a hand-written Polars query.

Run:  python bench/bench_batch.py [--rows 1000000] [--repeat 3] [--sample 2000] [--ten-million]

Targets of the issue "batch screening of a cohort CSV", printed as figures (nothing is asserted:
speed is measured here, never in the test suite):

1. 1,000,000 rows x the seed trial (rules/NCT03944499.toml, cohort phase_ia): ``screening batch``
   end to end (read the CSV, screen, write the results CSV) within 2x the time of a hand-written
   Polars query of the same rules over the same file (``bench/polars_reference.py``), and at
   least 50x faster than screening row by row with the one-patient evaluator.
2. Peak memory (max RSS) of ``screening batch`` under 1 GB for 1,000,000 rows; a 10,000,000-row
   file runs in bounded memory (``--ten-million``).

Why it is built this way:

* Both engines run as child processes, as a user runs them, so the time includes interpreter
  start, imports and compiling the trial; each child's own peak RSS comes from ``os.wait4``
  (``ru_maxrss``, KiB on Linux), not from the benchmark's process.
* They run interleaved (engine, Polars, engine, ...) and the best of ``--repeat`` is kept,
  because this machine's speed drifts 2-3x for minutes (README, Benchmarks): compare runs made
  together, never figures from different days.
* Row by row is timed in-process on a sample (``screen_row`` on rows already read, after a
  warm-up) and extrapolated: screening a million rows that way would take tens of minutes.
* Cohort files come from ``scripts/make_cohort.py`` (deterministic for a given row count and
  seed) and are cached in ``--data-dir`` (default ``bench/.data/``): generating takes ~37 s per
  million rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_SEED = 20191  # scripts/make_cohort.py's default: the file is the one anybody generates
TEN_MILLION = 10_000_000
COHORT = "phase_ia"


@dataclass
class ChildRun:
    """One child process: wall-clock seconds and its own peak resident memory."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    log: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def failure(self) -> str:
        """The last line of a failed run's output (DuckDB and Python put the error there)."""
        lines = [ln for ln in self.log.read_text(errors="replace").splitlines() if ln.strip()]
        errors = [ln for ln in lines if "Error" in ln or "error:" in ln]
        return (errors or lines or [f"exit {self.returncode}"])[-1].strip()[:300]


# ---------------------------------------------------------------------------- data


def count_data_rows(path: Path) -> int:
    """Data rows of a CSV (lines after the header); no cell of these files holds a line break."""
    lines, last = 0, b"\n"
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if last != b"\n":  # a last line without its newline still counts
        lines += 1
    return max(0, lines - 1)


def cohort_file(rows: int, data_dir: Path, seed: int) -> Path:
    """The cached cohort CSV of `rows` rows, generated once (written aside, then renamed)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"cohort-{rows}-seed{seed}.csv"
    if path.exists():
        found = count_data_rows(path)  # also brings the file into the page cache for both engines
        if found == rows:
            print(f"cohort: {path} ({rows:,} rows, cached)")
            return path
        print(f"cohort: {path} has {found:,} rows, not {rows:,}: generating it again")
    print(f"cohort: generating {rows:,} rows into {path} (~{37 * rows / 1e6:.0f} s) ...", flush=True)
    tmp = path.with_suffix(".csv.part")
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_cohort.py"), "--rows", str(rows),
                    "--seed", str(seed), "--out", str(tmp)], check=True)
    tmp.replace(path)
    print(f"cohort: generated in {time.perf_counter() - started:.0f} s")
    count_data_rows(path)  # into the page cache, as a cached file would be
    return path


# ---------------------------------------------------------------------------- children


# The children are started by a small launcher process, not by this one: on Linux a child's
# ru_maxrss starts from the RSS of the process it was forked from (the forked copy's high-water
# mark survives exec), so once this process holds a million rows (the agreement check, the
# row-by-row sample) every later child would report this process's size, not its own.
_LAUNCHER = r"""
import json, os, subprocess, sys, time
for line in sys.stdin:
    job = json.loads(line)
    with open(job["log"], "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(job["cmd"], stdout=out, stderr=subprocess.STDOUT, cwd=job["cwd"])
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    print(json.dumps([seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]), flush=True)
"""
_launcher: subprocess.Popen[str] | None = None


def run_child(cmd: Sequence[str], log: Path) -> ChildRun:
    """Run a command, wall-clock timed, with its own peak RSS (wait4 in the launcher)."""
    global _launcher
    if _launcher is None:
        _launcher = subprocess.Popen([sys.executable, "-c", _LAUNCHER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
    assert _launcher.stdin is not None and _launcher.stdout is not None
    _launcher.stdin.write(json.dumps({"cmd": list(cmd), "log": str(log), "cwd": str(ROOT)}) + "\n")
    _launcher.stdin.flush()
    seconds, maxrss_kib, returncode = json.loads(_launcher.stdout.readline())
    return ChildRun(seconds, maxrss_kib / 1024, returncode, log)


def screening_cmd() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m screening``."""
    script = Path(sys.executable).with_name("screening")
    return [str(script)] if script.exists() else [sys.executable, "-m", "screening"]


def batch_cmd(cohort: Path, out: Path, trial: Path, as_of: str) -> list[str]:
    return [*screening_cmd(), "batch", str(cohort), "--trial", str(trial), "--cohort", COHORT,
            "--out", str(out), "--as-of", as_of, "--quiet"]


def polars_cmd(cohort: Path, out: Path, as_of: str) -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "polars_reference.py"), str(cohort), str(out),
            "--as-of", as_of]


def check_reference(run: ChildRun) -> None:
    """The reference must run: without it there is nothing to compare with."""
    if not run.ok:
        tail = run.log.read_text(errors="replace")[-2000:]
        raise SystemExit(f"polars_reference.py failed (exit {run.returncode}); its output ends:\n{tail}")


# ---------------------------------------------------------------------------- row by row


def row_by_row_us(cohort: Path, trial_path: Path, as_of: str, sample: int, repeat: int,
                  warmup: int = 50) -> float:
    """Microseconds per row of the one-patient evaluator (best of `repeat` passes over the sample).

    Rows are read first, so only building the patient from the row and screening it is timed:
    the per-row work of the evaluator path (``--out results.jsonl``), without writing its JSON.
    """
    from screening.batch import iter_rows, read_cohort_header, screen_row
    from screening.compile import compile_trial
    from screening.vocabulary import load_vocabulary

    trial = compile_trial(trial_path)
    vocab = load_vocabulary()
    day = dt.date.fromisoformat(as_of)
    _, schema = read_cohort_header(cohort, vocab)
    rows = list(itertools.islice(iter_rows(cohort), warmup + sample))
    for row in rows[:warmup]:
        screen_row(trial, schema, row, COHORT, as_of=day, vocab=vocab)
    timed = rows[warmup:]
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for row in timed:
            screen_row(trial, schema, row, COHORT, as_of=day, vocab=vocab)
        best = min(best, time.perf_counter() - started)
    return best / len(timed) * 1e6


# ---------------------------------------------------------------------------- agreement


def agreement(cohort: Path, engine_csv: Path, polars_csv: Path) -> tuple[int, int, dict[str, int], bool]:
    """Rows whose verdicts agree (joined on patient_id), disagreements per status column, and
    whether the engine's rows come in the input's order (results are joined on patient_id, so
    order is not needed to use them, but a reader expects it).

    Informational: the reference is a performance yardstick, not the specification. Where it
    simplifies (it does not write the engine's cell_errors and missing_data text), no status is
    affected; on the generated cohorts every verdict and status is expected to agree. A
    difference means one of the two reads a rule differently: see the column named.
    """
    import polars as pl

    ref = pl.scan_csv(polars_csv, infer_schema=False)
    columns = [c for c in ref.collect_schema().names() if c != "patient_id"]
    eng = pl.scan_csv(engine_csv, infer_schema=False).select("patient_id", *columns)
    joined = eng.join(ref.select("patient_id", *columns), on="patient_id", how="inner", suffix=":ref")
    counts = joined.select(
        pl.len().alias("rows"),
        *[(pl.col(c).fill_null("") != pl.col(f"{c}:ref").fill_null("")).sum().alias(c) for c in columns],
    ).collect(engine="streaming").row(0, named=True)
    given = pl.scan_csv(cohort, infer_schema=False).select("patient_id").collect()["patient_id"]
    written = pl.scan_csv(engine_csv, infer_schema=False).select("patient_id").collect()["patient_id"]
    in_order = len(given) == len(written) and bool((given == written).all())
    rows = counts.pop("rows")
    return rows - counts["verdict"], rows, {c: n for c, n in counts.items() if n}, bool(in_order)


# ---------------------------------------------------------------------------- report


def fmt_rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}"


def ok_fail(ok: bool) -> str:
    return "OK" if ok else "FAIL"


def target(ok: bool) -> str:
    return "met" if ok else "NOT met"


def print_table(rows: int, engine: ChildRun, polars: ChildRun, row_us: float) -> None:
    """engine | seconds | rows/s | peak RSS | time / Polars time | row-by-row time / time."""
    row_seconds = row_us * rows / 1e6
    header = (f"{'engine':<46} {'seconds':>9} {'rows/s':>11} {'peak RSS MB':>12} "
              f"{'x Polars':>9} {'speed-up vs rows':>17}")
    print(header)
    print("-" * len(header))
    if engine.ok:
        lines = [("screening batch (DuckDB SQL)", engine.seconds, engine.peak_rss_mb)]
    else:
        lines = []
        print(f"{'screening batch (DuckDB SQL): FAILED':<46} {engine.seconds:>9.1f} {'-':>11} "
              f"{engine.peak_rss_mb:>12,.0f} {'-':>9} {'-':>17}")
    lines += [("Polars reference (hand-written)", polars.seconds, polars.peak_rss_mb),
              (f"row by row (screen_row, {row_us:,.0f} us/row, est.)", row_seconds, None)]
    for name, seconds, rss in lines:
        rss_text = "-" if rss is None else f"{rss:,.0f}"
        print(f"{name:<46} {seconds:>9.1f} {fmt_rate(rows, seconds):>11} {rss_text:>12} "
              f"{seconds / polars.seconds:>9.2f} {row_seconds / seconds:>17.1f}")


def best(runs: list[ChildRun]) -> ChildRun:
    """The fastest successful run (a failed one if none succeeded), with the largest peak RSS."""
    good = [r for r in runs if r.ok] or runs
    chosen = min(good, key=lambda r: r.seconds)
    return ChildRun(chosen.seconds, max(r.peak_rss_mb for r in runs), chosen.returncode, chosen.log)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="cohort rows (default 1,000,000)")
    ap.add_argument("--sample", type=int, default=2000, help="rows timed row by row (default 2000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each engine; the best is kept")
    ap.add_argument("--ten-million", action="store_true",
                    help="also run 10,000,000 rows through screening batch (time and peak RSS)")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "bench" / ".data",
                    help="where generated cohorts are cached (default bench/.data/)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--trial", type=Path, default=ROOT / "rules" / "NCT03944499.toml")
    ap.add_argument("--as-of", default="2026-11-01", help="screening date of rows without as_of")
    ap.add_argument("--keep", action="store_true", help="keep the results files (printed paths)")
    args = ap.parse_args(argv)

    run_child([sys.executable, "-c", "pass"], Path(os.devnull))  # the launcher, while we are small
    import duckdb
    import polars

    print(f"python {platform.python_version()}, duckdb {duckdb.__version__}, polars {polars.__version__}, "
          f"{os.cpu_count()} cores, {platform.machine()}; {dt.datetime.now():%Y-%m-%d %H:%M}")
    cohort = cohort_file(args.rows, args.data_dir, args.seed)
    out_dir = Path(tempfile.mkdtemp(prefix="bench-batch-", dir=args.data_dir))
    try:
        engine_out, polars_out = out_dir / "engine.csv", out_dir / "polars.csv"
        engine_runs: list[ChildRun] = []
        polars_runs: list[ChildRun] = []
        for i in range(args.repeat):  # interleaved: drift hits both engines alike
            e = run_child(batch_cmd(cohort, engine_out, args.trial, args.as_of), out_dir / f"engine-{i}.log")
            p = run_child(polars_cmd(cohort, polars_out, args.as_of), out_dir / f"polars-{i}.log")
            check_reference(p)
            engine_runs.append(e)
            polars_runs.append(p)
            state = "" if e.ok else f" FAILED ({e.failure()})"
            print(f"run {i + 1}/{args.repeat}: screening batch {e.seconds:.1f} s ({e.peak_rss_mb:,.0f} MB)"
                  f"{state}; Polars {p.seconds:.1f} s ({p.peak_rss_mb:,.0f} MB)", flush=True)
        engine, polars_run = best(engine_runs), best(polars_runs)

        print(f"row by row: {args.sample:,} rows after a warm-up of 50, best of {args.repeat} ...", flush=True)
        row_us = row_by_row_us(cohort, args.trial, args.as_of, args.sample, args.repeat)

        print()
        print(f"{args.rows:,} rows x NCT03944499 cohort {COHORT}, best of {args.repeat} "
              f"(peak RSS: the largest of the runs)")
        print_table(args.rows, engine, polars_run, row_us)
        print()
        polars_rows = count_data_rows(polars_out)
        if engine.ok:
            engine_rows = count_data_rows(engine_out)
            print(f"rows written: screening batch {engine_rows:,} {ok_fail(engine_rows == args.rows)}, "
                  f"Polars {polars_rows:,} {ok_fail(polars_rows == args.rows)} (input {args.rows:,})")
            agree, joined, differing, in_order = agreement(cohort, engine_out, polars_out)
            print(f"verdicts agreeing with the Polars reference: {agree:,} of {joined:,} rows "
                  f"({100 * agree / max(joined, 1):.3f} %), joined on patient_id")
            for column, n in differing.items():
                print(f"  {column}: {n:,} rows differ")
            print(f"screening batch keeps the input row order: {'yes' if in_order else 'NO'}")
            ratio = engine.seconds / polars_run.seconds
            speedup = row_us * args.rows / 1e6 / engine.seconds
            print()
            print(f"target: screening batch within 2x Polars: {ratio:.2f}x -> {target(ratio <= 2)}")
            print(f"target: >= 50x faster than row by row: {speedup:,.0f}x -> {target(speedup >= 50)}")
        else:
            print(f"rows written: screening batch FAIL (it failed: {engine.failure()}), "
                  f"Polars {polars_rows:,} {ok_fail(polars_rows == args.rows)} (input {args.rows:,})")
            print()
            print("target: screening batch within 2x Polars: not measured -> NOT met (it failed)")
            print("target: >= 50x faster than row by row: not measured -> NOT met (it failed)")
        print(f"target: peak RSS under 1 GB: {engine.peak_rss_mb:,.0f} MB"
              f"{'' if engine.ok else ' (at the failure)'} -> {target(engine.ok and engine.peak_rss_mb < 1024)}")
        if args.keep:
            print(f"results kept in {out_dir}")

        if args.ten_million:
            big = cohort_file(TEN_MILLION, args.data_dir, args.seed)
            big_out = out_dir / "engine-10m.csv"
            run = run_child(batch_cmd(big, big_out, args.trial, args.as_of), out_dir / "engine-10m.log")
            print()
            if run.ok:
                big_rows = count_data_rows(big_out)
                print(f"{TEN_MILLION:,} rows, screening batch once: {run.seconds:.1f} s, "
                      f"{fmt_rate(TEN_MILLION, run.seconds)} rows/s, peak RSS {run.peak_rss_mb:,.0f} MB "
                      f"({run.peak_rss_mb / engine.peak_rss_mb:.2f}x the 1M-row peak); rows written "
                      f"{big_rows:,} {ok_fail(big_rows == TEN_MILLION)}")
            else:
                print(f"{TEN_MILLION:,} rows, screening batch once: FAILED after {run.seconds:.1f} s "
                      f"at peak RSS {run.peak_rss_mb:,.0f} MB: {run.failure()}")
            print(f"target: bounded memory at 10M rows (under 1 GB): {run.peak_rss_mb:,.0f} MB -> "
                  f"{target(run.ok and run.peak_rss_mb < 1024)}")
    finally:
        if not args.keep:
            shutil.rmtree(out_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
