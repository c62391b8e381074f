"""Command line: ``screening check | convert | serve | batch | sql | compile | coverage | schema``. No logic lives here.

Exit codes: 0 done (whatever the verdict), 2 bad input (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from typing import TYPE_CHECKING

from .errors import InputError, ScreeningError

if TYPE_CHECKING:
    from .fhir import FhirPatient


def _add_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="pre-screen a patient (JSON or FHIR) against a trial")
    p.add_argument("patient", type=Path, nargs="+",
                   help="patient JSON file (see `screening schema patient`), or FHIR R4: a Bundle or resource "
                        "JSON, bulk-export .ndjson files, or a folder of them")
    p.add_argument("--patient-id", dest="patient_id", help="FHIR input with several patients: screen this one")
    p.add_argument("--as-of", help="FHIR input: the screening date (default: today)")
    p.add_argument("--trial", type=Path, required=True, help="trial rules file, e.g. rules/NCT03944499.toml")
    p.add_argument("--cohort", help="cohort id; without it every cohort is screened")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")


def _add_convert(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("convert", help="print the patient JSON derived from FHIR, each value with its source")
    p.add_argument("fhir", type=Path, nargs="+", help="FHIR R4 Bundle/resource JSON, .ndjson files or a folder")
    p.add_argument("--patient-id", dest="patient_id", help="only this patient")
    p.add_argument("--as-of", help="the screening date written into the patient (default: today, not written)")


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="run the CDS Hooks service (patient-view) and POST /screen")
    p.add_argument("--trial", type=Path, action="append", required=True,
                   help="trial rules file; repeat the option to serve several trials")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0: any free port)")
    p.add_argument("--max-body", type=int, default=10_000_000,
                   help="largest request body accepted, in bytes (default 10000000)")


def _add_compile(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("compile", help="show how a trial's criteria were understood")
    p.add_argument("trial", type=Path)
    p.add_argument("--format", choices=["text", "json"], default="text")


def _add_schema(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help="print a JSON Schema")
    p.add_argument("what", choices=["patient", "result"])


def _add_batch(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("batch", help="screen every row of a cohort CSV (see README: cohort CSV contract)")
    p.add_argument("cohort_csv", type=Path, help="one row per patient, a column per concept: 'hemoglobin [g/dL]'")
    p.add_argument("--trial", type=Path, required=True, help="trial rules file")
    p.add_argument("--cohort", help="cohort id (required when the trial has cohorts)")
    p.add_argument("--out", type=Path, required=True,
                   help="results.csv (statuses, columnar SQL in DuckDB) or results.jsonl (full explanations, "
                        "row by row)")
    p.add_argument("--as-of", help="screening date for rows without an as_of cell (default: today)")
    p.add_argument("--summary", type=Path, help="draw the attrition funnel: funnel.html, .svg or .png")
    p.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_sql(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("sql", help="print the SQL that screens a cohort table where the data lives")
    p.add_argument("trial", type=Path)
    p.add_argument("--cohort", help="cohort id (required when the trial has cohorts)")
    p.add_argument("--dialect", choices=["duckdb", "postgres", "spark"], default="duckdb")
    p.add_argument("--table", default="cohort", help="the cohort table (or a CSV reader call) to screen")
    p.add_argument("--columns", type=Path,
                   help="a cohort CSV whose header gives the table's columns and units (default: one column "
                        "per concept the trial reads, in its canonical unit)")
    p.add_argument("--as-of", help="screening date for rows without as_of (default: the engine's current date)")


def _add_coverage(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("coverage", help="how much of a corpus of eligibility texts the grammar structures")
    p.add_argument("corpus", type=Path, help="JSON lines with nct_id and eligibility_text")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--limit", type=int, help="only the first N trials")
    p.add_argument("--top", type=int, default=15, help="needs-review patterns listed (default 15)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="screening", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _add_check(sub)
    _add_convert(sub)
    _add_serve(sub)
    _add_batch(sub)
    _add_sql(sub)
    _add_compile(sub)
    _add_coverage(sub)
    _add_schema(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "convert":
            return _convert(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "batch":
            return _batch(args)
        if args.command == "sql":
            return _sql(args)
        if args.command == "compile":
            return _compile(args)
        if args.command == "coverage":
            return _coverage(args)
        if args.command == "schema":
            return _schema(args)
    except ScreeningError as err:
        # one line, whatever the input held (a key or unit with a line break)
        message = str(err).replace("\r", "\\r").replace("\n", "\\n")
        print(f"screening: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return 2


def _check(args: argparse.Namespace) -> int:
    from .compile import compile_trial
    from .evaluate import index_patient, screen_index
    from .patient import load_patient
    from .report import to_json, to_markdown, to_text

    from .cache import code_stamp, load_pickle, save_pickle
    from .units import factor_cache_snapshot, preload_factor_cache

    # unit factors met in earlier runs (patients' spellings), so most runs never load pint
    factors_name = f"unit-factors-{code_stamp()}.pickle"
    known = load_pickle(factors_name)
    if isinstance(known, dict):
        preload_factor_cache(known)
    notes: list[str] = []
    fhir_input = _is_fhir_input(args.patient)
    if not fhir_input and (args.patient_id or args.as_of):
        # a patient JSON holds one patient and its own as_of: the options would be ignored
        raise InputError("--patient-id and --as-of are for FHIR input; a patient JSON holds one patient "
                         "and its own as_of")
    if fhir_input:
        found = _load_fhir(args)
        patients = [f.patient for f in found]
        for f in found:
            notes += [f"{f.patient.patient_id}: {n}" if len(found) > 1 else n for n in f.notes]
        where = str(args.patient[0])
    elif len(args.patient) > 1:
        raise InputError("give one patient JSON file (several files are read only as FHIR NDJSON)",
                         location=str(args.patient[1]))
    else:
        patients, where = [load_patient(args.patient[0])], str(args.patient[0])
    trial = compile_trial(args.trial)
    cohorts: list[str | None] = [args.cohort] if args.cohort else ([c.id for c in trial.cohorts] or [None])
    results = []
    for patient in patients:
        try:
            idx = index_patient(patient)
        except InputError as err:  # a unit or value problem: name the file as well as the field
            raise InputError(err.message, location=f"{where}: {err.location}" if err.location else where) from None
        results += [screen_index(trial, idx, c) for c in cohorts]
    factors = factor_cache_snapshot()
    if not isinstance(known, dict) or len(factors) > len(known):
        save_pickle(factors_name, factors)
    if notes:  # what the FHIR reader decided or left out: stderr, so stdout stays the report
        print("FHIR input, notes:\n" + "\n".join(f"  - {n}" for n in notes), file=sys.stderr)
    if args.format == "json":
        print(to_json(results[0] if args.cohort and len(results) == 1 else results))
    elif args.format == "markdown":
        print("\n".join(to_markdown(r) for r in results))
    else:
        print("\n\n".join(to_text(r) for r in results))
        if len(results) > 1:
            print("\nVerdict by cohort:")
            for r in results:
                print(f"  {r.cohort}: {r.verdict}")
    return 0


def _is_fhir_input(paths: list[Path]) -> bool:
    """FHIR is told apart by its content (resourceType), .ndjson files, or a folder."""
    for path in paths:
        if path.is_dir() or path.suffix.lower() == ".ndjson":
            return True
        try:
            with path.open("rb") as f:
                head = f.read(65536)
        except OSError:
            return False
        if b'"resourceType"' in head:
            return True
    return False


def _load_fhir(args: argparse.Namespace) -> list["FhirPatient"]:
    from .fhir import load_fhir

    as_of = _date_option(args.as_of, "--as-of") if args.as_of else None
    found = load_fhir(args.patient if hasattr(args, "patient") else args.fhir, as_of=as_of)
    if args.patient_id:
        found = [f for f in found if f.patient.patient_id == args.patient_id]
        if not found:
            raise InputError(f"no patient {args.patient_id!r} in the FHIR input")
    return found


def _date_option(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{name} {text!r}: write the date as YYYY-MM-DD") from None


def _convert(args: argparse.Namespace) -> int:
    found = _load_fhir(args)
    out = [f.data for f in found]
    print(json.dumps(out[0] if len(out) == 1 else out, indent=2, ensure_ascii=False))
    for f in found:
        for n in f.notes:
            print(f"screening: {f.patient.patient_id}: {n}", file=sys.stderr)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .service import serve

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: a port is between 0 and 65535")
    if args.max_body < 1:
        raise InputError(f"--max-body {args.max_body}: must be at least 1 byte")
    try:
        serve(args.trial, host=args.host, port=args.port, max_body=args.max_body)
    except OSError as err:  # port taken, address not on this machine, no permission
        raise InputError(f"cannot listen on {args.host}:{args.port}: {err.strerror or err}") from None
    return 0


def _batch(args: argparse.Namespace) -> int:
    from .batch import default_as_of, run_batch, run_rows
    from .compile import compile_trial
    from .funnel import funnel_text

    trial = compile_trial(args.trial)
    as_of = default_as_of(args.as_of) or dt.date.today()
    if args.cohort is None and trial.cohorts:
        raise InputError("this trial has cohorts (" + ", ".join(c.id for c in trial.cohorts)
                         + "): choose one with --cohort")
    if args.summary is not None and args.summary.suffix.lower() not in (".html", ".htm", ".svg", ".png"):
        raise InputError(f"{args.summary}: the funnel chart is written as .html, .svg or .png")
    if args.summary is not None and args.summary.suffix.lower() == ".png":
        import importlib.util

        if importlib.util.find_spec("matplotlib") is None:  # said before the run, not after it
            raise InputError(f"{args.summary}: PNG needs matplotlib (pip install 'screening[chart]'), "
                             "or use .svg or .html")
    progress = False if args.quiet else None
    if args.out.suffix.lower() == ".jsonl":
        with args.out.open("w", encoding="utf-8") as out:
            summary = run_rows(trial, args.cohort, args.cohort_csv, out, as_of=as_of, progress=progress)
    else:
        summary = run_batch(trial, args.cohort, args.cohort_csv, args.out, as_of=as_of, progress=progress,
                            threads=args.threads)
    if summary.ignored_columns:
        print("screening: note: columns not in the cohort contract, ignored: "
              + ", ".join(summary.ignored_columns), file=sys.stderr)
    if summary.rows_with_errors:
        print(f"screening: note: {summary.rows_with_errors} of {summary.rows} rows had unreadable cells; "
              "their dependent checks are 'error' (see the cell_errors column)", file=sys.stderr)
    print(funnel_text(summary.funnel))
    print(f"\n{summary.rows} rows screened in {summary.seconds:.1f} s; results in {args.out}")
    if args.summary is not None:
        from .chart import render_funnel

        render_funnel(summary.funnel, args.summary)
        print(f"funnel chart in {args.summary}")
    return 0


def _coverage(args: argparse.Namespace) -> int:
    import itertools

    from .coverage import coverage_text, measure, read_corpus

    records = read_corpus(args.corpus)
    if args.limit is not None:
        records = itertools.islice(records, args.limit)
    cov = measure(records)
    if args.format == "json":
        print(json.dumps(cov.to_json(args.top), indent=2, ensure_ascii=False))
    else:
        print(coverage_text(cov, args.top))
    return 0


def _sql(args: argparse.Namespace) -> int:
    from .batch import default_as_of, read_cohort_header
    from .compile import compile_trial
    from .sql import CohortQuery, default_schema

    trial = compile_trial(args.trial)
    schema = read_cohort_header(args.columns)[1] if args.columns else default_schema(trial, args.cohort)
    query = CohortQuery(trial, args.cohort, schema, table=args.table, dialect=args.dialect,
                        default_as_of=default_as_of(args.as_of))
    print(query.sql() + ";")
    return 0


def _compile(args: argparse.Namespace) -> int:
    from .compile import compile_trial, review_spans
    from .nodes import leaves, NeedsReview

    trial = compile_trial(args.trial)
    if args.format == "json":
        print(json.dumps(compiled_to_dict(trial), indent=2, ensure_ascii=False))
        return 0
    print(f"{trial.nct_id}: {trial.title}")
    print("cohorts: " + (", ".join(f"{c.id} ({c.label})" for c in trial.cohorts) or "none"))
    for c in trial.criteria:
        scope = f" [{', '.join(c.cohorts)}]" if c.cohorts else ""
        print(f"\n{c.id}{scope}: {' '.join(c.text.split())}")
        if c.restated:
            print(f"  restated by the curator: {c.restated}  ({c.restated_reason})")
        print(f"  => {c.understood_as or '(heading)'}")
        if c.predicate is not None:
            for leaf in leaves(c.predicate):
                if isinstance(leaf, NeedsReview):
                    print(f"  needs review [{leaf.span.start}:{leaf.span.end}] \"{leaf.text}\": {leaf.reason}")
    total = len(trial.criteria)
    reviews = review_spans(trial)
    parts = "1 part needs" if len(reviews) == 1 else f"{len(reviews)} parts need"
    print(f"\n{total} criteria; {parts} review")
    return 0


def compiled_to_dict(trial: object) -> object:
    import dataclasses

    def conv(o: object) -> object:
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            d: dict[str, object] = {"node": type(o).__name__}
            for f in dataclasses.fields(o):
                d[f.name] = conv(getattr(o, f.name))
            return d
        if isinstance(o, (list, tuple)):
            return [conv(x) for x in o]
        return o

    return conv(trial)


def _schema(args: argparse.Namespace) -> int:
    if args.what == "patient":
        from .patient import patient_json_schema

        print(json.dumps(patient_json_schema(), indent=2))
    else:
        from .report import TrialResult

        print(json.dumps(TrialResult.model_json_schema(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
