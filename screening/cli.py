"""Command line: ``screening check | compile | schema``. No logic lives here.

Exit codes: 0 done (whatever the verdict), 2 bad input (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import InputError, ScreeningError


def _add_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="pre-screen one patient JSON against a trial")
    p.add_argument("patient", type=Path, help="patient JSON file (see `screening schema patient`)")
    p.add_argument("--trial", type=Path, required=True, help="trial rules file, e.g. rules/NCT03944499.toml")
    p.add_argument("--cohort", help="cohort id; without it every cohort is screened")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")


def _add_compile(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("compile", help="show how a trial's criteria were understood")
    p.add_argument("trial", type=Path)
    p.add_argument("--format", choices=["text", "json"], default="text")


def _add_schema(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help="print a JSON Schema")
    p.add_argument("what", choices=["patient", "result"])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="screening", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _add_check(sub)
    _add_compile(sub)
    _add_schema(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "compile":
            return _compile(args)
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
    patient = load_patient(args.patient)
    trial = compile_trial(args.trial)
    try:
        idx = index_patient(patient)
    except InputError as err:  # a unit or value problem: name the file as well as the field
        raise InputError(err.message, location=f"{args.patient}: {err.location}" if err.location
                         else str(args.patient)) from None
    factors = factor_cache_snapshot()
    if not isinstance(known, dict) or len(factors) > len(known):
        save_pickle(factors_name, factors)
    cohorts: list[str | None] = [args.cohort] if args.cohort else ([c.id for c in trial.cohorts] or [None])
    results = [screen_index(trial, idx, c) for c in cohorts]
    if args.format == "json":
        print(to_json(results[0] if args.cohort else results))
    elif args.format == "markdown":
        print("\n".join(to_markdown(r) for r in results))
    else:
        print("\n\n".join(to_text(r) for r in results))
        if len(results) > 1:
            print("\nVerdict by cohort:")
            for r in results:
                print(f"  {r.cohort}: {r.verdict}")
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
    print(f"\n{total} criteria; {len(reviews)} parts need review")
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
