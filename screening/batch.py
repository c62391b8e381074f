"""Batch screening of a cohort CSV: one compiled trial, every row, nothing lost.

Two paths with the same meaning:

* ``run_batch`` compiles the trial cohort to SQL (``sql.py``) and runs it in DuckDB, streaming
  from the CSV to the results file: statuses, verdicts and the funnel, at columnar speed.
* ``screen_row`` builds the patient a row stands for (``cohort.row_to_patient``) and screens it
  with the one-patient evaluator: full explanations (``--out results.jsonl``), and the reference
  the SQL is tested against.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .cohort import MISSING_MARKERS, CohortSchema, read_header, row_to_patient
from .compile import CompiledTrial
from .errors import InputError
from .funnel import Funnel, build_funnel
from .report import TrialResult
from .sql import DIALECTS, _lit, _q
from .vocabulary import Vocabulary, load_vocabulary


@dataclass
class BatchSummary:
    rows: int
    rows_with_errors: int
    ignored_columns: tuple[str, ...]
    funnel: Funnel
    seconds: float
    notes: list[str] = field(default_factory=list)


def read_cohort_header(path: Path, vocab: Vocabulary | None = None) -> tuple[list[str], CohortSchema]:
    """The header row and what it means; errors name the column, before any row is read."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            header = next(csv.reader(f), None)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    if not header:
        raise InputError(f"{path}: empty file (a header row is needed)")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputError(f"{path}: column {name!r} appears twice in the header")
        seen.add(name)
    try:
        return header, read_header(header, vocab)
    except InputError as err:
        raise InputError(str(err), location=str(path)) from None


def iter_rows(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        next(reader, None)
        yield from reader


def screen_row(trial: CompiledTrial, schema: CohortSchema, row: list[str], cohort: str | None, *,
               as_of: dt.date | None = None, vocab: Vocabulary | None = None) -> TrialResult:
    """One row through the one-patient evaluator (the reference meaning of a row)."""
    from .evaluate import index_patient, screen_index
    from .patient import parse_patient

    vocab = vocab or load_vocabulary()
    data, problems = row_to_patient(schema, row, default_as_of=as_of, vocab=vocab)
    idx = index_patient(parse_patient(data), vocab)
    idx.errors = dict(problems.concepts)
    idx.problems.extend(f"unreadable cell {name}: {why}" for name, why in problems.cells.items())
    return screen_index(trial, idx, cohort, vocab)


# ---------------------------------------------------------------------------- SQL path


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:  # pragma: no cover - a dependency, but say what to do if it is missing
        raise InputError("batch screening needs DuckDB: pip install duckdb") from None
    return duckdb


ROWS_PER_BATCH = 20_000


def _buffer_options(path: Path) -> str:
    """A CSV read buffer of about ROWS_PER_BATCH rows of this file.

    DuckDB keeps the input order by numbering read buffers, and holds a buffer's results until
    they can be written in order; a results row is often 50x its input row (statuses, missing
    data), so the default 32 MB buffer of a narrow file means gigabytes held. Sized by rows,
    memory stays bounded whatever the width of the file.
    """
    with path.open("rb") as f:
        sample = f.read(1 << 20)
    row_bytes = len(sample) / max(1, sample.count(b"\n"))
    size = int(min(32 << 20, max(1 << 20, row_bytes * ROWS_PER_BATCH)))
    return f"buffer_size = {size}, max_line_size = {size // 2}, "


def _csv_source(path: Path, header: list[str], parallel: bool = True) -> str:
    columns = "{" + ", ".join(f"'{h.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for h in header) + "}"
    p = str(path).replace("'", "''")
    nulls = ", ".join(_lit(m) for m in ("", *MISSING_MARKERS))  # exactly the cell, quoted or not
    return (f"read_csv('{p}', header = true, auto_detect = false, columns = {columns}, delim = ',', "
            f"quote = '\"', escape = '\"', null_padding = true, strict_mode = false, {_buffer_options(path)}"
            f"parallel = {'true' if parallel else 'false'}, nullstr = [{nulls}])")


def run_batch(trial: CompiledTrial, cohort: str | None, csv_path: Path, out_path: Path, *,
              as_of: dt.date | None = None, progress: bool | None = None,
              threads: int | None = None) -> BatchSummary:
    """Screen every row of the CSV with the trial cohort's SQL; write one result row per input row."""
    from .sql import CohortQuery

    started = time.perf_counter()
    duckdb = _duckdb()
    vocab = load_vocabulary()
    header, schema = read_cohort_header(csv_path, vocab)
    if out_path.suffix.lower() not in (".csv", ".tsv"):
        raise InputError(f"{out_path}: the SQL path writes .csv (use .jsonl for explanations)")
    progress = sys.stderr.isatty() if progress is None else progress
    con = duckdb.connect()
    tmp = tempfile.mkdtemp(prefix="screening-duckdb-")
    try:
        con.execute("SET preserve_insertion_order = true")
        con.execute(f"SET temp_directory = '{tmp}'")
        con.execute("SET memory_limit = '700MB'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.execute(f"SET enable_progress_bar = {'true' if progress else 'false'}")
        for parallel in (True, False):
            # DuckDB's parallel CSV reader gives up on some files ("does not support a full read
            # on this file"); the single-threaded reader reads them, so the run goes on with it
            con.execute(f"CREATE OR REPLACE VIEW cohort AS SELECT * FROM {_csv_source(csv_path, header, parallel)}")
            try:
                input_rows, spellings = _prepass(con, schema, vocab)
                query = CohortQuery(trial, cohort, schema, table="cohort", default_as_of=as_of,
                                    spellings=spellings, vocab=vocab, markers_read=True)
                out = str(out_path).replace("'", "''")
                delim = "\\t" if out_path.suffix.lower() == ".tsv" else ","
                # streamed from the CSV to the results file: memory does not grow with the rows
                con.execute(f"COPY ({query.sql()}) TO '{out}' (HEADER, DELIMITER '{delim}')")
                break
            except duckdb.NotImplementedException as err:
                if not parallel or "Parallel CSV Reader" not in str(err):
                    raise InputError(f"{csv_path}: {str(err).splitlines()[0]}") from None
            except duckdb.Error as err:
                raise InputError(f"{csv_path}: {str(err).splitlines()[0]}") from None
        top = [c for c in query.columns if c.top]
        counts = _count_results(con, out, delim, [c.id for c in query.columns], [c.id for c in top])
    finally:
        con.close()
        _rmtree(tmp)
    if counts.rows != input_rows:  # the promise of the command: never a row lost or added
        raise InputError(f"{csv_path}: {input_rows:,} rows read but {counts.rows:,} results written to "
                         f"{out_path}; the results file is incomplete, please report this")
    funnel = build_funnel(trial.nct_id, cohort, trial.title, [(c.id, c.text) for c in top],
                          counts.verdicts, counts.alone, counts.first)
    return BatchSummary(counts.rows, counts.with_errors, schema.ignored, funnel, time.perf_counter() - started)


@dataclass
class _Counts:
    rows: int = 0
    with_errors: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    alone: dict[str, int] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)


def _count_results(con: Any, out: str, delim: str, columns: list[str], top: list[str]) -> _Counts:
    """The funnel's counts, read back from the results file in one pass (a few columns of it)."""
    fixed = ["patient_id", "verdict", "failed", "unknown", "needs_review", "errors", "missing_data",
             "cell_errors"]
    types = "{" + ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in fixed + columns) + "}"
    source = (f"read_csv('{out}', header = true, auto_detect = false, columns = {types}, "
              f"delim = '{delim}', quote = '\"', escape = '\"')")
    alone = ", ".join(f"count(*) FILTER (WHERE {_q(c)} = 'not_met')" for c in top) or "0"
    groups = con.execute(
        f"SELECT verdict, split_part(failed, '; ', 1), cell_errors IS NOT NULL AND cell_errors <> '', "
        f"count(*), {alone} FROM {source} GROUP BY ALL").fetchall()
    counts = _Counts()
    for verdict, first, has_errors, n, *alone_counts in groups:
        counts.rows += n
        counts.with_errors += n if has_errors else 0
        counts.verdicts[verdict] = counts.verdicts.get(verdict, 0) + n
        if first:
            counts.first[first] = counts.first.get(first, 0) + n
        for cid, k in zip(top, alone_counts if top else [], strict=True):
            counts.alone[cid] = counts.alone.get(cid, 0) + k
    return counts



def _prepass(con: Any, schema: CohortSchema, vocab: Vocabulary) -> tuple[int, dict[str, list[str]]]:
    """Rows of the input, and the distinct cells of categorical columns (so that each spelling is
    read exactly as the one-patient evaluator reads it)."""
    cols = [c for c in schema.columns if (c.role == "value" and c.concept and vocab.get(c.concept).categories)
            or c.role == "primary_site"]
    d = DIALECTS["duckdb"]
    q = "".join(f", list(DISTINCT {d.trim(_q(c.name))})[1:10000]" for c in cols)
    rows, *values = con.execute(f"SELECT count(*){q} FROM cohort").fetchone()
    return rows, {c.name: [v for v in vals if v is not None] for c, vals in zip(cols, values, strict=True)}


def _rmtree(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------------------- row path


def run_rows(trial: CompiledTrial, cohort: str | None, csv_path: Path, out: IO[str], *,
             as_of: dt.date | None = None, progress: bool | None = None) -> BatchSummary:
    """Screen row by row with full explanations: one JSON line per input row."""
    started = time.perf_counter()
    vocab = load_vocabulary()
    _, schema = read_cohort_header(csv_path, vocab)
    progress = sys.stderr.isatty() if progress is None else progress
    total = _count_lines(csv_path) if progress else 0
    verdicts: dict[str, int] = {}
    alone: dict[str, int] = {}
    first: dict[str, int] = {}
    rows = with_errors = 0
    top: list[tuple[str, str]] | None = None
    bar = _Progress(total) if progress else None
    for row in iter_rows(csv_path):
        result = screen_row(trial, schema, row, cohort, as_of=as_of, vocab=vocab)
        out.write(json.dumps(result.model_dump(mode="json"), ensure_ascii=False) + "\n")
        rows += 1
        if any(n.startswith("unreadable cell") for n in result.notes):
            with_errors += 1
        verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
        if top is None:
            top = [(c.id, c.text) for c in result.criteria if c.parent is None and c.status != "not_applicable"]
        for cid in result.failed:
            alone[cid] = alone.get(cid, 0) + 1
        if result.failed:
            first[result.failed[0]] = first.get(result.failed[0], 0) + 1
        if bar is not None:
            bar.update(rows)
    if bar is not None:
        bar.done(rows)
    funnel = build_funnel(trial.nct_id, cohort, trial.title, top or [], verdicts, alone, first)
    return BatchSummary(rows, with_errors, schema.ignored, funnel, time.perf_counter() - started)


def _count_lines(path: Path) -> int:
    """Rows, for the progress bar (a quoted cell with a line break makes this an estimate)."""
    with path.open("rb") as f:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1)


class _Progress:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, total: int) -> None:
        self.total, self.started, self.last = total, time.perf_counter(), 0.0

    def update(self, n: int) -> None:
        now = time.perf_counter()
        if now - self.last < 0.1:
            return
        self.last = now
        rate = n / max(now - self.started, 1e-9)
        if self.total:
            frac = min(1.0, n / self.total)
            bar = "#" * int(frac * 30)
            eta = (self.total - n) / rate if rate else 0
            line = f"\r[{bar:<30}] {n:,}/{self.total:,} rows  {rate:,.0f}/s  ~{eta:,.0f}s left"
        else:
            line = f"\r{n:,} rows  {rate:,.0f}/s"
        sys.stderr.write(line)
        sys.stderr.flush()

    def done(self, n: int) -> None:
        sys.stderr.write(f"\r{n:,} rows in {time.perf_counter() - self.started:,.1f}s" + " " * 30 + "\n")


def default_as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of {text!r} is not a date (YYYY-MM-DD)") from None


__all__ = ["BatchSummary", "read_cohort_header", "run_batch", "run_rows", "screen_row", "default_as_of"]

