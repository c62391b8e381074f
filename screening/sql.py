"""Compile a trial cohort to one SQL query over a cohort table, with the evaluator's semantics.

The query reads the cohort table as text (exactly the CSV cells), checks every cell, converts
values to canonical units with the same factors, and computes each check in Kleene logic coded
as 0 = false, 1 = unknown, 2 = true (AND is LEAST, OR is GREATEST, NOT is 2 - x). A check whose
input cell could not be read is ``error`` and counts as unknown. The meaning of a row is the one
``cohort.row_to_patient`` gives it; a hypothesis test compares every status with the evaluator.

Only what a cohort table can hold is compiled: one value, date and limit per lab, a true/false
and a date of occurrence per condition, drug class or procedure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .cohort import (
    BLANKS, DATE_PATTERN, OTHER_BLANKS, FALSE_WORDS, IHC_VALUES, INTEGER_PATTERN, ISH_VALUES, MISSING_MARKERS, NOT_MORE_THAN,
    NUMBER_PATTERN, SEX_VALUES, TRUE_WORDS, CohortSchema, Column, stray_blank,
)
from .compile import CompiledCriterion, CompiledTrial
from .errors import InputError
from .evaluate import _DERIVATION_INPUTS, check_inputs, her2_codes
from .logic import Truth
from .nodes import AllOf, AnyOf, CategoryCheck, NeedsReview, Not, NumericCheck, Predicate, PresenceCheck
from .notes import derivations, load_methods, method_spellings, says_qualifier, scale_conversions
from .units import conversion_factor
from .vocabulary import Concept, Vocabulary, load_vocabulary, normalize_phrase

F, U, T = "0", "1", "2"


# ---------------------------------------------------------------------------- dialects


@dataclass(frozen=True)
class Dialect:
    """The few spellings that differ between engines."""

    name: str

    def regex(self, text: str, pattern: str) -> str:
        if self.name == "postgres":
            return f"({text} ~ '^(?:{pattern})$')"
        if self.name == "spark":
            return f"({text} RLIKE '^(?:{pattern})$')"
        return f"regexp_full_match({text}, '{pattern}')"

    def trim(self, text: str) -> str:
        """``str.strip(BLANKS)``: DuckDB's TRIM removes exactly those (a test checks it); the
        other engines' TRIM removes the plain space only, so they are named."""
        if self.name == "duckdb":
            return f"TRIM({text})"
        if self.name == "spark":  # Spark's chr() is ASCII only; its literals read \\uXXXX
            return "trim(BOTH '" + "".join(f"\\u{ord(c):04X}" for c in BLANKS) + f"' FROM {text})"
        return f"btrim({text}, {' || '.join(f'chr({ord(c)})' for c in BLANKS)})"

    def char(self, c: str) -> str:
        """One character as SQL, printable whatever it is (a tab, a line break)."""
        return f"'\\u{ord(c):04X}'" if self.name == "spark" else f"chr({ord(c)})"

    def double(self, text: str) -> str:
        return f"CAST({text} AS {'DOUBLE PRECISION' if self.name == 'postgres' else 'DOUBLE'})"

    def date(self, text: str) -> str:
        """A text already matching YYYY-MM-DD -> a date, or NULL when it is not a real day."""
        if self.name == "duckdb":
            return f"TRY_CAST({text} AS DATE)"
        if self.name == "spark":
            return f"try_to_date({text}, 'yyyy-MM-dd')"
        return f"pg_temp.screening_date({text})"

    def minus_days(self, date: str, days: int) -> str:
        return f"date_sub({date}, {days})" if self.name == "spark" else f"({date} - {days})"

    def days_between(self, later: str, earlier: str) -> str:
        return f"datediff({later}, {earlier})" if self.name == "spark" else f"({later} - {earlier})"

    def part(self, what: str, date: str) -> str:
        return f"EXTRACT({what.upper()} FROM {date})"

    def prelude(self) -> str:
        if self.name != "postgres":
            return ""
        return ("CREATE FUNCTION pg_temp.screening_date(t text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$\n"
                "BEGIN RETURN t::date; EXCEPTION WHEN others THEN RETURN NULL; END $$;\n\n")


DIALECTS = {name: Dialect(name) for name in ("duckdb", "postgres", "spark")}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _num(x: float) -> str:
    """A float literal that reads back as the same double."""
    text = repr(float(x))
    return f"CAST({text} AS DOUBLE)" if "e" in text or "inf" in text else text


def _in(expr: str, values: Iterable[str]) -> str:
    """Membership in a list of texts. Five or more are written as ORs: DuckDB (1.1 to 2.0) turns
    an IN list that long into a join, which loses the input row order."""
    return _in_list(expr, [_lit(v) for v in values])


def _in_list(expr: str, items: list[str]) -> str:
    """``_in`` for items already written as SQL."""
    if len(items) < 5:
        return f"{expr} IN ({', '.join(items)})"
    return "(" + " OR ".join(f"{expr} = {v}" for v in items) + ")"


def _any(parts: list[str]) -> str:
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


def _least(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"LEAST({', '.join(parts)})"


def _greatest(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"GREATEST({', '.join(parts)})"


# ---------------------------------------------------------------------------- the query


@dataclass(frozen=True)
class CriterionColumn:
    """One criterion of the cohort's output: its status column in the result."""

    id: str
    text: str
    section: str
    top: bool


class CohortQuery:
    """The SQL for one (trial, cohort, table layout); ``criteria`` lists the status columns."""

    def __init__(self, trial: CompiledTrial, cohort: str | None, schema: CohortSchema, *,
                 table: str = "cohort", dialect: str = "duckdb", default_as_of: dt.date | None = None,
                 spellings: Mapping[str, Iterable[str]] | None = None, vocab: Vocabulary | None = None,
                 markers_read: bool = False) -> None:
        if dialect not in DIALECTS:
            raise InputError(f"unknown SQL dialect {dialect!r}; choose one of: {', '.join(DIALECTS)}")
        if cohort is not None and cohort not in {c.id for c in trial.cohorts}:
            known = ", ".join(c.id for c in trial.cohorts) or "none"
            raise InputError(f"unknown cohort {cohort!r}; this trial's cohorts are: {known}")
        if cohort is None and trial.cohorts:
            raise InputError("this trial has cohorts (" + ", ".join(c.id for c in trial.cohorts)
                             + "): choose one with --cohort")
        self.trial, self.cohort, self.schema = trial, cohort, schema
        self.table, self.d = table, DIALECTS[dialect]
        self.vocab = vocab or load_vocabulary()
        self.default_as_of = default_as_of  # None: the engine's CURRENT_DATE
        self.spellings = spellings or {}
        self.markers_read = markers_read  # the table already reads missing markers as NULL
        self.max_age = trial.settings.max_lab_age_days
        self.criteria = [c for c in trial.criteria
                         if cohort is None or not c.cohorts or cohort in c.cohorts]
        self.columns = [CriterionColumn(c.id, c.text, c.section, c.parent is None) for c in self.criteria]
        self._leaves: list[str] = []   # leaf truth expressions, named l0, l1 ...
        self._leaf_errors: list[str] = []
        self._leaf_ids: dict[int, int] = {}
        self._missing: list[tuple[str, str]] = []  # (condition, text)
        self._polarity = "require"  # of the criterion whose checks are being compiled
        # why a check is unknown: (condition, the "missing data" text), per leaf
        self._reasons: list[tuple[str, str]] = []
        self._leaf_reasons: list[list[tuple[str, str]]] = []
        self._junctions: list[tuple[int, str]] = []  # (level, expression) of j0, j1 ...
        self._junction_ids: dict[int, int] = {}

    # -- cells -----------------------------------------------------------------------------

    def _text(self, col: Column) -> str:
        """The cell as text, NULL when missing (empty, blank or a missing marker)."""
        raw = _q(col.name)
        text = f"NULLIF({self.d.trim(raw)}, '')"
        return text if self.markers_read else f"CASE WHEN {_in(raw, MISSING_MARKERS)} THEN NULL ELSE {text} END"

    def _cells(self) -> tuple[list[str], list[str]]:
        """Typed value and error flag of every known column (s<i> text, v<i> value, e<i> error)."""
        typed: list[str] = []
        errors: list[str] = []
        for i, col in enumerate(self.schema.columns):
            s = f"s{i}"
            concept = self.vocab.get(col.concept) if col.concept else None
            value, ok = self._cell(col, s, concept)
            if value is not None:
                typed.append(f"{value} AS v{i}")
            ok += self._cross_rules(i, col)
            errors.append(f"({s} IS NOT NULL AND NOT COALESCE({ok}, FALSE)) AS e{i}" if ok != "TRUE"
                          else f"FALSE AS e{i}")
        return typed, errors

    def _cell(self, col: Column, s: str, concept: object) -> tuple[str | None, str]:
        d = self.d
        if col.role == "patient_id":  # free text: never unreadable
            return None, "TRUE"
        if col.role == "primary_site":  # free text, but not with a tab or line break at an end
            ends = [f"{part}({s}, 1)" for part in ("left", "right")]
            chars = [self.d.char(c) for c in OTHER_BLANKS]
            return None, "NOT (" + " OR ".join(_in_list(e, chars) for e in ends) + ")"
        if col.role in ("as_of", "birth_date", "date", "event_date", "her2_date"):
            value = f"CASE WHEN {d.regex(s, DATE_PATTERN)} THEN {d.date(s)} END"
            i = self.schema.columns.index(col)
            late = "" if col.role == "as_of" else f" AND v{i} <= as_of"  # a later date is a typo
            return value, f"v{i} IS NOT NULL{late}"
        i = self.schema.columns.index(col)
        if col.role == "sex":
            cases = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in SEX_VALUES.items())
            return f"CASE LOWER({s}) {cases} END", f"v{i} IS NOT NULL"
        if col.role == "flag":
            return (f"CASE WHEN {_in(f'LOWER({s})', TRUE_WORDS)} THEN TRUE "
                    f"WHEN {_in(f'LOWER({s})', FALSE_WORDS)} THEN FALSE END"), f"v{i} IS NOT NULL"
        if col.role in ("her2_ihc", "her2_ish"):
            values = IHC_VALUES if col.role == "her2_ihc" else ISH_VALUES
            return f"CASE WHEN {_in(f'LOWER({s})', values)} THEN LOWER({s}) END", f"v{i} IS NOT NULL"
        if col.role == "method":  # "QTcF" -> "fridericia", as cohort.read_choice reads it
            assert col.concept is not None
            cases = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in method_spellings(col.concept).items())
            return f"CASE LOWER({s}) {cases} END", f"v{i} IS NOT NULL"
        assert col.concept is not None
        c = self.vocab.get(col.concept)
        if col.role in ("uln", "lln"):
            value = f"CASE WHEN {d.regex(s, NUMBER_PATTERN)} THEN {d.double(s)} END"
            return value, f"v{i} > 0"
        pattern = INTEGER_PATTERN if c.kind in ("score", "count") else NUMBER_PATTERN
        value = f"CASE WHEN {d.regex(s, pattern)} THEN {d.double(s)} END"
        ok = self._value_ok(c, f"v{i}", col.factor)
        if c.kind in ("score", "count") or c.id in ("body_weight", "height", "age"):
            return value, ok
        # a lab, measurement or categorical result: a category spelling or a number in the unit
        if c.categories:
            key, known = self._category_spellings(col)
            if col.unit is None:
                value = "CAST(NULL AS DOUBLE)"
                ok = "FALSE"
            ok = f"({_in(key, known)}) OR ({ok})" if known else ok
            value = f"CASE WHEN {_in(key, known)} THEN NULL ELSE {value} END" if known else value
        return value, ok

    @staticmethod
    def _value_ok(c: Concept, v: str, factor: float) -> str:
        """``cohort.value_problem`` is None: the vocabulary's bounds on a readable number."""
        ok = f"{v} IS NOT NULL"
        if c.values:
            ok += f" AND {_in_list(v, [_num(float(x)) for x in c.values])}"
        if c.kind == "count":
            ok += f" AND {v} >= 0"
        if c.id in ("body_weight", "height"):
            ok += f" AND {v} > 0"
        if c.plausible:
            low, high = c.plausible
            if low is not None:
                ok += f" AND {v} * {_num(factor)} >= {_num(low)}"
            if high is not None:
                ok += f" AND {v} * {_num(factor)} <= {_num(high)}"
        return ok

    def _cross_rules(self, i: int, col: Column) -> str:
        """Cells that contradict another cell of the row (the patient model's consistency rules)."""
        rules = []
        if col.role == "value" and col.concept in NOT_MORE_THAN:
            b = self._col("value", NOT_MORE_THAN[col.concept])
            if b is not None:
                bound = self.vocab.get(NOT_MORE_THAN[col.concept])
                rules.append(f"NOT COALESCE({self._value_ok(bound, f'v{b}', 1.0)} AND v{i} > v{b}, FALSE)")
        if col.role == "lln" and col.concept is not None:
            u = self._col("uln", col.concept)
            if u is not None:
                uf, lf = _num(self.schema.columns[u].factor), _num(col.factor)
                rules.append(f"NOT COALESCE(v{u} > 0 AND v{i} * {lf} > v{u} * {uf}, FALSE)")
        return "".join(f" AND {r}" for r in rules)

    def _category_spellings(self, col: Column) -> tuple[str, dict[str, tuple[str, ...]]]:
        """How a categorical cell is matched, and its spellings with their codes.

        With the data at hand, its own distinct cells, matched exactly (each read as the evaluator
        reads it). Without, the vocabulary's codes and synonyms, matched in lower case (the
        vocabulary ignores case); a cell spelled otherwise is then unreadable, never guessed.
        """
        assert col.concept is not None
        i = self.schema.columns.index(col)
        cells = self.spellings.get(col.name)
        key = f"s{i}"
        if cells is None:
            concept = self.vocab.get(col.concept)
            table = self.vocab._index["categories"].get(col.concept, {})
            cells = sorted({t.lower() for code, synonyms in concept.categories.items()
                            for t in (code, *synonyms)} | set(table))
            key = f"LOWER(s{i})"
        out: dict[str, tuple[str, ...]] = {}
        for cell in cells:
            text = cell.strip(BLANKS)
            codes = None if stray_blank(text) else self.vocab.category(col.concept, text)
            if codes is not None and text:
                out[text] = codes
        return key, out

    # -- values ----------------------------------------------------------------------------

    def _col(self, role: str, concept: str | None = None) -> int | None:
        col = self.schema.get(role, concept)
        return None if col is None else self.schema.columns.index(col)

    def _ok(self, i: int) -> str:
        """The typed value of column i when its cell was readable (the ``readable`` CTE)."""
        return f"o{i}"

    def _values(self) -> list[str]:
        """Per-row derived values: as_of, canonical values, dates, limits, age."""
        out = []
        b = self._col("birth_date")
        age = self._col("value", "age")
        age_parts = []
        if b is not None:
            p = self.d.part
            age_parts.append(
                f"CASE WHEN {self._ok(b)} IS NOT NULL THEN CAST({p('year', 'as_of')} - {p('year', f'v{b}')} - "
                f"CASE WHEN {p('month', 'as_of')} < {p('month', f'v{b}')} OR ({p('month', 'as_of')} = "
                f"{p('month', f'v{b}')} AND {p('day', 'as_of')} < {p('day', f'v{b}')}) THEN 1 ELSE 0 END AS DOUBLE) END")
        if age is not None:
            age_parts.append(f"{self._ok(age)} * {_num(self.schema.columns[age].factor)}")
        out.append(f"COALESCE({', '.join(age_parts)}) AS age_value" if age_parts else "CAST(NULL AS DOUBLE) AS age_value")
        return out

    def _as_of(self) -> str:
        """The row's screening date: its own readable as_of cell, else the run's default."""
        a = self._col("as_of")
        default = (f"DATE {_lit(self.default_as_of.isoformat())}" if self.default_as_of is not None
                   else "CURRENT_DATE")
        return f"COALESCE(v{a}, {default}) AS as_of" if a is not None else f"{default} AS as_of"

    # -- checks ----------------------------------------------------------------------------

    def _value_state(self, concept: str) -> tuple[str, str | None, str, str]:
        """SQL for the patient's current canonical value of a concept, its date, and why missing.

        Returns (value, date, usable, missing_text): ``usable`` is true when a check may use it.
        """
        c = self.vocab.get(concept)
        if concept == "age":
            return "age_value", "as_of", "age_value IS NOT NULL", f"{c.label} ({c.id})"
        i = self._col("value", concept)
        if i is None:
            return "CAST(NULL AS DOUBLE)", None, "FALSE", f"{c.label} ({c.id})"
        value = f"({self._ok(i)} * {_num(self.schema.columns[i].factor)})"
        if concept in ("body_weight", "height") or c.kind in ("score", "count"):
            di = self._col("date", concept)
            return value, (self._ok(di) if di is not None else None), f"{self._ok(i)} IS NOT NULL", ""
        di = self._col("date", concept)
        dated = c.dated
        if not dated:
            return value, (self._ok(di) if di is not None else None), f"{self._ok(i)} IS NOT NULL", ""
        if di is None:
            return value, None, "FALSE", ""
        date = self._ok(di)
        fresh = f"{self.d.days_between('as_of', date)} <= {self.max_age}"
        return value, date, f"({self._ok(i)} IS NOT NULL AND {date} IS NOT NULL AND {fresh})", ""

    def _has_value(self, concept: str) -> str:
        """The patient has a value of this concept at all (usable or not): derivations need none."""
        if concept == "age":
            return "age_value IS NOT NULL"
        i = self._col("value", concept)
        return "FALSE" if i is None else f"{self._ok(i)} IS NOT NULL"

    def leaf(self, check: Predicate) -> str:
        """The truth expression of a check (0/1/2), registered once; returns its name."""
        key = id(check)
        if key in self._leaf_ids:
            return f"l{self._leaf_ids[key]}"
        self._reasons = []
        if isinstance(check, NeedsReview):
            expr, error = U, "FALSE"
        else:
            expr = self._check(check)
            error = self._error_of(check)
        n = len(self._leaves)
        self._leaf_ids[key] = n
        self._leaf_reasons.append(list(self._reasons))
        self._leaves.append(f"CASE WHEN {error} THEN {U} ELSE {expr} END AS l{n}")
        self._leaf_errors.append(f"{error} AS x{n}")
        return f"l{n}"

    def _error_of(self, check: Predicate) -> str:
        concepts = check_inputs(check, self.vocab)
        flags = []
        for i, col in enumerate(self.schema.columns):
            if col.role == "as_of" or (col.role == "birth_date" and "age" in concepts) or (
                    col.role == "sex" and "sex" in concepts) or (col.concept is not None and col.concept in concepts):
                flags.append(f"e{i}")
        return _any(flags)

    def _check(self, check: Predicate) -> str:
        if isinstance(check, NumericCheck):
            return self._numeric(check)
        if isinstance(check, CategoryCheck):
            return self._category(check)
        if isinstance(check, PresenceCheck):
            return self._presence(check)
        raise AssertionError(type(check).__name__)

    def _compare(self, value: str, op: str, bound: float, upper: float | None) -> str:
        if upper is not None:
            return f"CASE WHEN {value} >= {_num(bound)} AND {value} <= {_num(upper)} THEN {T} ELSE {F} END"
        sql_op = "=" if op == "==" else op
        return f"CASE WHEN {value} {sql_op} {_num(bound)} THEN {T} ELSE {F} END"

    def _numeric(self, check: NumericCheck) -> str:
        c = self.vocab.get(check.concept)
        value, date, usable, _ = self._value_state(check.concept)
        if check.within_days is not None:
            # "(obtained ≤ 14 days prior to registration)": an older result does not count
            recent = f"{self.d.days_between('as_of', date)} <= {_num(check.within_days)}" if date else "FALSE"
            usable = f"({usable} AND {recent})"
        cases: list[str] = []
        self._reasons.append((f"NOT ({usable})", f"{c.label} ({c.id})"))
        asked = load_methods().get(check.method or "")
        if asked is not None and asked.restricts:
            # "QTcF > 470 ms": only a value whose method column names that formula decides
            mi = self._col("method", check.concept)
            by = f"COALESCE({self._ok(mi)} = {_lit(asked.id)}, FALSE)" if mi is not None else "FALSE"
            self._reasons.append((f"{usable} AND NOT {by}", f"{c.label} by {asked.label}"))
            usable = f"{usable} AND {by}"
        if check.limit is not None:
            li = self._col(check.limit, check.concept)
            default = None
            if c.reference_range and not check.for_age:  # "× ULN for age": the row's own range only
                default = c.reference_range[1] if check.limit == "uln" else c.reference_range[0]
            parts = [f"({self._ok(li)} * {_num(self.schema.columns[li].factor)})"] if li is not None else []
            if default is not None:
                parts.append(_num(default))
            limit = f"COALESCE({', '.join(parts)})" if len(parts) > 1 else (parts[0] if parts else "NULL")
            compared = f"({value} / {limit})"
            no_limit = f"({limit} IS NULL OR {limit} = 0)"
            cases.append(f"WHEN {usable} AND {no_limit} THEN {U}")
            self._reasons.append((f"{usable} AND {no_limit}", f"reference range of {c.label}"))
            usable = f"{usable} AND NOT {no_limit}"
            truth = self._compare(compared, check.op, check.threshold, check.upper)
        else:
            truth = self._compare(value, check.op, check.threshold, check.upper)
        if check.exposures:
            # the evaluator's rule: an exposure not ruled out voids the value, unless it is care
            # that raises this lab and the value is already on the side it cannot have moved it to
            ok = [f"({self._not_exposed(e.concept, e.days, date)} OR {self._kept(check, truth, e.concept)})"
                  for e in check.exposures]
            truth = f"CASE WHEN {' AND '.join(ok)} THEN {truth} ELSE {U} END"
            for k, e in enumerate(check.exposures):  # the first exposure that voids it is asked for
                before = "".join(f" AND {x}" for x in ok[:k])
                self._reasons.append((f"{usable}{before} AND NOT {ok[k]}",
                                      f"{self.vocab.get(e.concept).label} in the {e.days:g} days before the {c.label}"))
        cases.append(f"WHEN {usable} THEN {truth}")
        if not check.limit and not (asked is not None and asked.restricts):
            # a value the engine computes (Cockcroft-Gault) is by no method a criterion restricts to
            alternative = self._no_value(check)
            if alternative:
                cases.append(alternative)
        return f"CASE {' '.join(cases)} ELSE {U} END"

    def _kept(self, check: NumericCheck, truth: str, exposure: str) -> str:
        """``NumericCheck.kept_under_support`` as SQL: the value's truth holds after this exposure."""
        kept = check.kept_under_support(self.vocab.get(exposure).supports)
        return "FALSE" if kept is None else f"{truth} = {T if kept else F}"

    def _no_value(self, check: NumericCheck | CategoryCheck) -> str:
        """When the patient has no value: a formula (Cockcroft-Gault) or another scale (Karnofsky)."""
        have = self._has_value(check.concept)
        for method in derivations(check.concept):
            if method == "cockcroft_gault" and isinstance(check, NumericCheck):
                crcl = self._cockcroft_gault(check.within_days)
                if crcl is None:
                    return ""
                formula, ready = crcl
                return f"WHEN NOT ({have}) AND {ready} THEN {self._compare(formula, check.op, check.threshold, check.upper)}"
            if method in _DERIVATION_INPUTS:
                return ""
        for other, table in scale_conversions(check.concept).items():
            i = self._col("value", other)
            if i is None:
                continue
            whens = []
            for key, options in table.items():
                codes = [str(int(o)) if float(o).is_integer() else str(o) for o in options]
                if not codes:
                    continue
                if isinstance(check, NumericCheck):
                    truths = {self._py_compare(float(o), check) for o in codes}
                    t = truths.pop() if len(truths) == 1 else U
                else:
                    allowed = set(check.allowed)
                    got = set(codes)
                    t = T if got <= allowed else F if not (got & allowed) else U
                whens.append(f"WHEN {self._ok(i)} = {_num(float(key))} THEN {t}")
            if whens:
                return f"WHEN NOT ({have}) THEN CASE {' '.join(whens)} ELSE {U} END"
        return ""

    @staticmethod
    def _py_compare(x: float, check: NumericCheck) -> str:
        from .evaluate import _compare
        t = _compare(x, check.op, check.threshold, None, check.upper)
        return T if t is Truth.TRUE else F if t is Truth.FALSE else U

    def _cockcroft_gault(self, within_days: float | None = None) -> tuple[str, str] | None:
        creat_value, creat_date, creat_usable, _ = self._value_state("creatinine")
        if within_days is not None:  # the clearance is as recent as the creatinine it is computed from
            recent = f"{self.d.days_between('as_of', creat_date)} <= {_num(within_days)}" if creat_date else "FALSE"
            creat_usable = f"({creat_usable} AND {recent})"
        wi = self._col("value", "body_weight")
        si = self._col("sex")
        if wi is None or si is None or self._col("value", "creatinine") is None:
            return None
        weight = f"({self._ok(wi)} * {_num(self.schema.columns[wi].factor)})"
        sex = self._ok(si)
        mg_dl = _num(conversion_factor("mg/dL", self.vocab.get("creatinine")))
        rule = self.trial.settings.cockcroft_gault_weight
        ready = f"({creat_usable} AND age_value IS NOT NULL AND {weight} IS NOT NULL AND COALESCE({sex} IN ('female', 'male'), FALSE))"
        w = weight
        if rule != "actual":
            hi = self._col("value", "height")
            if hi is None:
                return None
            height = f"({self._ok(hi)} * {_num(self.schema.columns[hi].factor)})"
            inches = f"GREATEST(0.0, {height} / 2.54 - 60.0)"
            ibw = f"(CASE WHEN {sex} = 'male' THEN 50.0 ELSE 45.5 END + 2.3 * {inches})"
            w = ibw if rule == "ideal" else f"(CASE WHEN {weight} > {ibw} THEN {ibw} + 0.4 * ({weight} - {ibw}) ELSE {weight} END)"
            ready = f"({ready} AND {height} IS NOT NULL)"
        crcl = f"((140.0 - age_value) * {w} / (72.0 * ({creat_value} / {mg_dl})))"
        return f"(CASE WHEN {sex} = 'female' THEN {crcl} * 0.85 ELSE {crcl} END)", ready

    def _record_columns(self, concept: str) -> list[tuple[str, int | None, int | None]]:
        """(concept, flag column, date column) for a concept and its narrower ones, in the table."""
        out = []
        for cid in sorted(self.vocab.expand(concept)):
            f, d = self._col("flag", cid), self._col("event_date", cid)
            if f is not None or d is not None:
                out.append((cid, f, d))
        return out

    def _known_absent(self, concept: str, member: str | None = None) -> str:
        parts = []
        for cid in self.vocab.ancestors(concept):
            f = self._col("flag", cid)
            if f is None:
                continue
            label = normalize_phrase(_record_label(self.vocab, cid))
            members = {normalize_phrase(m) for m in self.vocab.get(cid).members}
            if label not in members or (member is not None and cid == concept and label == normalize_phrase(member)):
                parts.append(f"COALESCE({self._ok(f)}, TRUE) = FALSE")
        return _any(parts)

    def _not_exposed(self, concept: str, days: float, when: str | None) -> str:
        """The evaluator's exposure test is false: no dose within ``days`` before ``when``, and
        the drug (or a broader class) is recorded absent."""
        if when is None:
            return "FALSE"
        offset = _day_offset(days)
        clear = [f"{when} IS NOT NULL"]
        for _, f, d in self._record_columns(concept):
            if f is not None:
                clear.append(f"NOT COALESCE({self._ok(f)}, FALSE)")
            if d is not None:
                date = self._ok(d)
                clear.append(f"NOT COALESCE({date} <= {when} AND {date} >= {self.d.minus_days(when, offset)}, FALSE)")
        clear.append(self._known_absent(concept))
        return "(" + " AND ".join(clear) + ")"

    def _sites(self) -> list[tuple[str, str | None, frozenset[str]]]:
        """Primary-site spellings: (cell, concept of its tumour record, concepts naming it)."""
        i = self._col("primary_site")
        if i is None:
            return []
        cells = self.spellings.get(self.schema.columns[i].name)
        if cells is None:  # no data at hand: every cancer the vocabulary names, in lower case
            names = {name.lower() for cid in self.vocab.expand("malignancy")
                     for name in (self.vocab.get(cid).label, *self.vocab.get(cid).synonyms)}
            cells = sorted(names | {n.removesuffix(" cancer") for n in names})
        out = []
        for cell in cells:
            site = cell.strip(BLANKS)
            if not site or stray_blank(site):  # an unreadable cell: no site (as row_to_patient)
                continue
            record = self.vocab.lookup(f"{site} cancer") or self.vocab.lookup(site)
            named = frozenset(c.id for c in (self.vocab.lookup(f"{site} cancer"), self.vocab.lookup(site)) if c)
            if named:
                out.append((site, record.id if record is not None and record.kind == "condition" else None, named))
        return out

    def _presence(self, check: PresenceCheck) -> str:
        """A presence check; with a primary-site column, one branch per site the data names."""
        c = self.vocab.get(check.concept)
        window = f" {check.window_text}" if check.window_text else (
            f" within {check.within_days:g} days" if check.within_days else "")
        notes = [w for w in ("other" if check.other else "", check.qualifier or "") if w]
        required = f"{check.member or c.label}" + (f" ({', '.join(notes)})" if notes else "") + window
        self._reasons.append(("TRUE", f"{required}: present or absent"))
        sites = self._sites()
        base = self._presence_for(check, None)
        if not sites:
            return base
        i = self._col("primary_site")
        assert i is not None  # there are sites
        key = f"s{i}" if self.schema.columns[i].name in self.spellings else f"LOWER(s{i})"
        whens = [f"WHEN {key} = {_lit(site)} THEN {self._presence_for(check, (site, record, named))}"
                 for site, record, named in sites]
        return f"CASE {' '.join(whens)} ELSE {base} END"

    def _presence_for(self, check: PresenceCheck, site: tuple[str, str | None, frozenset[str]] | None) -> str:
        excluded: set[str] = set()
        for e in check.excluding:
            excluded |= self.vocab.expand(e)
        primary_named = site[2] if site is not None else frozenset()
        if check.other:  # "any other malignancy": the patient's own primary tumour does not count
            excluded |= primary_named
        member = normalize_phrase(check.member) if check.member else None
        named = {normalize_phrase(m) for m in self.vocab.get(check.concept).members}
        start = f"{self.d.minus_days('as_of', _day_offset(check.within_days))}" if check.within_days else None
        true_parts: list[str] = []
        unsure_parts: list[str] = []
        for cid, f, d in self._record_columns(check.concept):
            if cid in excluded:
                continue
            label = _record_label(self.vocab, cid)
            norm = normalize_phrase(label)
            counted = True
            if member is not None:
                if norm not in named:
                    counted = False
                elif norm != member:
                    continue  # another named drug of the class: does not count at all
            if counted and check.qualifier and not says_qualifier(label, check.qualifier):
                counted = False
            if counted and self._polarity == "exclude" and not check.other and cid in primary_named \
                    and cid != check.concept:
                counted = False  # a record of the primary tumour's own cancer: a person decides
            present_flag = f"COALESCE({self._ok(f)}, FALSE)" if f is not None else None
            present_date = f"{self._ok(d)} IS NOT NULL" if d is not None else None
            if not counted:
                if start is not None and present_date is not None and d is not None:
                    present_date = f"COALESCE({self._ok(d)} >= {start}, FALSE)"  # ended before the window: not in it
                unsure_parts.extend(p for p in (present_flag, present_date) if p)
                continue
            ongoing = _record_ongoing(self.vocab, cid)
            if present_flag:
                if start is None or ongoing:
                    true_parts.append(present_flag)
                else:
                    unsure_parts.append(present_flag)  # given at some time, no date
            if present_date and d is not None:
                if start is not None:
                    true_parts.append(f"COALESCE({self._ok(d)} >= {start}, FALSE)")
                elif check.history:
                    true_parts.append(present_date)
        # a present record of a broader concept may be this one: it cannot tell, unless this one is
        # recorded absent (as the evaluator)
        own = self._col("flag", check.concept)
        not_said_absent = f"NOT COALESCE({self._ok(own)} = FALSE, FALSE)" if own is not None else "TRUE"
        broader_parts: list[str] = []
        for cid in self.vocab.ancestors(check.concept)[1:]:
            if cid in excluded:
                continue
            f, d = self._col("flag", cid), self._col("event_date", cid)
            broader_parts.extend(p for p in (f"COALESCE({self._ok(f)}, FALSE)" if f is not None else None,
                                             f"{self._ok(d)} IS NOT NULL" if d is not None else None) if p)
        if site is not None and site[1] is not None and site[1] in self.vocab.ancestors(check.concept)[1:] \
                and site[1] not in excluded:
            broader_parts.append("TRUE")  # the primary tumour's own cancer, broader than the one asked
        if broader_parts:
            unsure_parts.append(f"({_any(broader_parts)} AND {not_said_absent})")
        if site is not None and site[1] is not None and site[1] in self.vocab.expand(check.concept) \
                and site[1] not in excluded:
            # the primary tumour's own record: present now, no dates, labelled by the site
            label = f"primary tumour: {site[0]}"
            norm = normalize_phrase(label)
            primary_counts: bool | None = True
            if member is not None:
                primary_counts = None if norm in named and norm != member else norm == member
            if primary_counts and self._polarity == "exclude" and not check.other and site[1] != check.concept:
                primary_counts = False  # the trial may be for this very cancer: a person decides
            if primary_counts and check.qualifier and not says_qualifier(label, check.qualifier):
                primary_counts = False
            if primary_counts is not None:
                (true_parts if primary_counts else unsure_parts).append("TRUE")
        absent = self._known_absent(check.concept, check.member)
        return (f"CASE WHEN {_any(true_parts)} THEN {T} WHEN {_any(unsure_parts)} THEN {U} "
                f"WHEN {absent} THEN {F} ELSE {U} END")

    def _category(self, check: CategoryCheck) -> str:
        c = self.vocab.get(check.concept)
        allowed = set(check.allowed)

        def truth(codes: Iterable[str]) -> str:
            got = set(codes)
            return T if got <= allowed else F if not (got & allowed) else U

        missing_value = f"{c.label} ({c.id})"
        specific = f"a more specific {c.label} result"
        if c.kind == "score":
            i = self._col("value", check.concept)
            whens = []
            has = self._has_value(check.concept)
            for other in scale_conversions(check.concept):
                j = self._col("value", other)
                if j is not None:  # a value on the other scale that the table maps
                    keys = [_num(float(k)) for k, v in scale_conversions(check.concept)[other].items() if v]
                    has = f"({has} OR COALESCE({_in_list(self._ok(j), keys)}, FALSE))"
                    break
            self._reasons += [(f"NOT {has}", missing_value), (has, specific)]
            if i is not None:
                allowed_values = [float(a) for a in check.allowed if _is_number(a)]
                hit = _any([f"{self._ok(i)} = {_num(a)}" for a in allowed_values])
                whens.append(f"WHEN {self._ok(i)} IS NOT NULL THEN CASE WHEN {hit} THEN {T} ELSE {F} END")
            other = self._no_value(check)
            if other:
                whens.append(other)
            return f"CASE {' '.join(whens)} ELSE {U} END" if whens else U
        if check.concept == "her2" and self._col("her2_ihc", "her2") is None and self._col("her2_ish", "her2") is None:
            self._reasons.append(("TRUE", missing_value))
            return U
        if check.concept == "sex":  # a bound written for one sex: the sex column
            si = self._col("sex")
            if si is None:
                self._reasons.append(("TRUE", missing_value))
                return U
            sex = self._ok(si)
            self._reasons.append((f"NOT COALESCE({sex} IN ('female', 'male'), FALSE)", missing_value))
            return (f"CASE WHEN {sex} = 'female' THEN {truth(('female',))} "
                    f"WHEN {sex} = 'male' THEN {truth(('male',))} ELSE {U} END")
        if check.concept == "her2":
            ihc, ish = self._col("her2_ihc", "her2"), self._col("her2_ish", "her2")
            ihc_v = self._ok(ihc) if ihc is not None else "NULL"
            ish_v = self._ok(ish) if ish is not None else "NULL"
            whens = []
            for a in (*IHC_VALUES, None):
                for b in (*ISH_VALUES, None):
                    codes = her2_codes(a, b)
                    if codes is None:
                        cond_a = f"COALESCE({ihc_v} = {_lit(a)}, FALSE)" if a is not None else f"{ihc_v} IS NULL"
                        cond_b = f"COALESCE({ish_v} = {_lit(b)}, FALSE)" if b is not None else f"{ish_v} IS NULL"
                        self._reasons.append((f"{cond_a} AND {cond_b}", missing_value))
                        continue
                    cond_a = f"{ihc_v} = {_lit(a)}" if a is not None else f"{ihc_v} IS NULL"
                    cond_b = f"{ish_v} = {_lit(b)}" if b is not None else f"{ish_v} IS NULL"
                    whens.append(f"WHEN {cond_a} AND {cond_b} THEN {truth(codes)}")
            self._reasons.append(("TRUE", specific))  # after the no-result cases: the first match wins
            return f"CASE {' '.join(whens)} ELSE {U} END"
        i = self._col("value", check.concept)
        if i is None:
            self._reasons.append(("TRUE", missing_value))
            return U
        col = self.schema.columns[i]
        _, date, usable, _ = self._value_state(check.concept)
        usable = usable.replace(f"{self._ok(i)} IS NOT NULL", f"s{i} IS NOT NULL AND NOT e{i}")
        if check.within_days is not None:
            # "negative pregnancy test within 7 days prior to registration": an older result does not count
            recent = f"{self.d.days_between('as_of', date)} <= {_num(check.within_days)}" if date else "FALSE"
            usable = f"({usable} AND {recent})"
        key, spellings = self._category_spellings(col)
        whens = [f"WHEN {key} = {_lit(text)} THEN {truth(codes)}" for text, codes in spellings.items()]
        known = _in(key, spellings) if spellings else "FALSE"
        self._reasons += [(f"NOT ({usable} AND {known})", missing_value), ("TRUE", specific)]
        if not whens:
            return U
        return f"CASE WHEN {usable} THEN CASE {' '.join(whens)} ELSE {U} END ELSE {U} END"

    # -- criteria --------------------------------------------------------------------------

    def _truth(self, p: Predicate) -> tuple[str, int]:
        """The column holding a predicate's truth, and its level (leaves 0, junctions above)."""
        if isinstance(p, (AllOf, AnyOf, Not)):
            key = id(p)
            if key in self._junction_ids:
                n = self._junction_ids[key]
                return f"j{n}", self._junctions[n][0]
            if isinstance(p, Not):
                # under "not" an inclusion's check reads like an exclusion's ("No prior
                # malignancy": the patient's own primary tumour is for a person), and back
                saved = self._polarity
                self._polarity = "exclude" if saved == "require" else "require"
                kids = [self._truth(p.child)]
                self._polarity = saved
            else:
                kids = [self._truth(c) for c in p.children]
            names = [k[0] for k in kids]
            expr = (_least(names) if isinstance(p, AllOf) else _greatest(names) if isinstance(p, AnyOf)
                    else f"(2 - {names[0]})")
            n = len(self._junctions)
            self._junctions.append((1 + max(k[1] for k in kids), expr))
            self._junction_ids[key] = n
            return f"j{n}", self._junctions[n][0]
        return self.leaf(p), 0

    def _occurrences(self, p: Predicate, path: tuple[str, ...] = ()) -> list[tuple[str, tuple[str, ...]]]:
        """Every leaf of a predicate with the junctions above it (their truths prune missing data)."""
        if isinstance(p, (AllOf, AnyOf, Not)):
            name = self._truth(p)[0]
            kids = p.children if not isinstance(p, Not) else (p.child,)
            return [o for c in kids for o in self._occurrences(c, (*path, name))]
        return [(self.leaf(p), path)]

    def _criteria(self) -> list[list[str]]:
        """Truth (t<k>) and status (c<k>) of every criterion, by level: children before parents."""
        index = {c.id: k for k, c in enumerate(self.trial.criteria)}
        level: dict[str, int] = {}
        out: list[list[str]] = []
        for crit in reversed(self.trial.criteria):
            k = index[crit.id]
            self._polarity = crit.polarity
            own = self._truth(crit.predicate)[0] if crit.predicate is not None else None
            kids = [f"t{index[c]}" for c in crit.children if c in level] if crit.children_decide else []
            lvl = 1 + max((level[c] for c in crit.children if c in level), default=-1)
            level[crit.id] = lvl
            while len(out) <= lvl:
                out.append([])
            if own is None and not crit.children:
                out[lvl] += [f"{T if crit.polarity == 'require' else F} AS t{k}", f"'not_applicable' AS c{k}"]
                continue
            truth = own if own is not None else T
            if kids:
                combined = _greatest(kids) if crit.combine == "any" else _least(kids)
                if own is None:
                    truth = combined
                elif crit.polarity == "exclude":
                    truth = f"GREATEST({own}, {combined})"
                else:
                    truth = f"LEAST({own}, {combined})"
            passed = truth if crit.polarity == "require" else f"(2 - {truth})"
            names = [n for n, _ in self._occurrences(crit.predicate)] if crit.predicate is not None else []
            error = _any([f"x{n[1:]}" for n in dict.fromkeys(names)])
            review = any(isinstance(x, NeedsReview) for x in _leaves(crit.predicate))
            child_ids = [f"c{index[c]}" for c in crit.children if c in level]
            child_error = _any([f"{c} = 'error'" for c in child_ids])
            child_review = _any([f"{c} = 'needs_review'" for c in child_ids])
            undecided = "'needs_review'" if review else f"CASE WHEN {child_review} THEN 'needs_review' ELSE 'unknown' END"
            out[lvl].append(f"{truth} AS t{k}")
            out[lvl].append(f"CASE WHEN {passed} = {T} THEN 'met' WHEN {passed} = {F} THEN 'not_met' "
                            f"WHEN {error} OR {child_error} THEN 'error' ELSE {undecided} END AS c{k}")
        return out

    def _missing_data(self) -> tuple[list[str], str]:
        """What would settle the open criteria: the evaluator's rule, as one text per row.

        Returns the per-row flags it needs (``p<i>``: this occurrence of a leaf is unknown, not an
        error, on a path of unknown junctions, in an open criterion chain), computed once in
        their own stage, and the text expression.
        """
        index = {c.id: k for k, c in enumerate(self.trial.criteria)}
        by_text: dict[str, list[str]] = {}
        flags: list[str] = []
        for crit in self.criteria:
            if crit.predicate is None:
                continue
            chain: list[str] = []
            parent: str | None = crit.id
            while parent is not None:  # this criterion and every parent must be open
                chain.append(f"c{index[parent]} IN ('unknown', 'needs_review', 'error')")
                parent = self.trial.criteria[index[parent]].parent
            open_ = " AND ".join(chain)
            for name, path in self._occurrences(crit.predicate):
                n = int(name[1:])
                live = f"p{len(flags)}"
                flags.append(" AND ".join([f"{name} = {U}", f"NOT x{n}", *(f"{j} = {U}" for j in path), open_])
                             + f" AS {live}")
                taken: list[str] = []
                for cond, text in self._leaf_reasons[n]:  # the first reason that holds is the leaf's
                    # SQL's NULL is not false: every condition is closed with COALESCE
                    first = " AND ".join([f"COALESCE({cond}, FALSE)",
                                          *(f"NOT COALESCE({t}, FALSE)" for t in taken)])
                    by_text.setdefault(text, []).append(f"({live} AND {first})")
                    taken.append(cond)
        parts = [f"CASE WHEN {' OR '.join(conds)} THEN {_lit(text)} END" for text, conds in by_text.items()]
        return flags, (f"concat_ws('; ', {', '.join(parts)})" if parts else "''")

    def sql(self) -> str:
        """The whole query: one output row per input row, in input order."""
        typed, errors = self._cells()
        readable = [f"CASE WHEN e{i} THEN NULL ELSE v{i} END AS o{i}" for i, c in enumerate(self.schema.columns)
                    if c.role not in ("patient_id", "primary_site")]
        criteria_levels = self._criteria()
        pending, missing = self._missing_data()
        cols = self.schema.columns
        pid = self._col("patient_id")
        texts = [f"{self._text(c)} AS s{i}" for i, c in enumerate(cols)]
        index = {c.id: k for k, c in enumerate(self.trial.criteria)}
        top = [(index[c.id], c) for c in self.columns if c.top]

        def ids(status: str) -> str:
            parts = [f"CASE WHEN c{k} = '{status}' THEN {_lit(c.id)} END" for k, c in top]
            return f"concat_ws('; ', {', '.join(parts)})" if parts else "''"

        cell_errors = [f"CASE WHEN e{i} THEN {_lit(c.name + ': ')} || s{i} END" for i, c in enumerate(cols)]
        any_error = _any([f"c{k} = 'error'" for k, _ in top])
        failed_any = _any([f"c{k} = 'not_met'" for k, _ in top])
        open_any = _any([f"c{k} IN ('unknown', 'needs_review')" for k, _ in top])
        verdict = (f"CASE WHEN {failed_any} THEN 'ineligible' WHEN {any_error} THEN 'error' "
                   f"WHEN {open_any} THEN 'needs_review' ELSE 'eligible' END")
        status_cols = [f"c{index[c.id]} AS {_q(c.id)}" for c in self.columns]
        stages: list[tuple[str, list[str]]] = [
            ("typed", typed), ("dated", [self._as_of()]), ("checked", errors), ("readable", readable),
            ("valued", self._values()), ("leaves", self._leaves + self._leaf_errors)]
        for lvl in range(1, 1 + max((lv for lv, _ in self._junctions), default=0)):
            stages.append((f"junctions{lvl}", [f"{e} AS j{n}" for n, (lv, e) in enumerate(self._junctions) if lv == lvl]))
        for lvl, parts in enumerate(criteria_levels):
            stages.append((f"criteria{lvl}", parts))
        stages.append(("pending", pending))
        sql = (f"-- screening: {self.trial.nct_id} cohort {self.cohort or '(all criteria)'}; "
               f"dialect {self.d.name}\n-- one row per row of {self.table}; statuses: met, not_met, "
               "unknown, needs_review, error, not_applicable\n-- columns read: "
               + ", ".join(c.name for c in cols) + "\n" + self.d.prelude()
               + f"WITH cells AS (\n  SELECT {_q(cols[pid].name) if pid is not None else 'NULL'} AS patient_id,\n    "
               + ",\n    ".join(texts) + f"\n  FROM {self.table}\n)")
        previous = "cells"
        for name, parts in stages:
            if parts:
                sql += f",\n{name} AS (\n  SELECT *,\n    " + ",\n    ".join(parts) + f"\n  FROM {previous}\n)"
                previous = name
        return (sql + f"\nSELECT patient_id,\n  {verdict} AS verdict,\n"
                + f"  {ids('not_met')} AS failed,\n  {ids('unknown')} AS unknown,\n"
                + f"  {ids('needs_review')} AS needs_review,\n  {ids('error')} AS errors,\n"
                + f"  {missing} AS missing_data,\n"
                + f"  concat_ws('; ', {', '.join(cell_errors)}) AS cell_errors,\n  "
                + ",\n  ".join(status_cols) + f"\nFROM {previous}")


def _leaves(p: Predicate | None) -> list[Predicate]:
    from .nodes import leaves
    return leaves(p) if p is not None else []


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _day_offset(days: float | None) -> int:
    """How many calendar days ``date - timedelta(days=days)`` goes back (the evaluator's arithmetic)."""
    ref = dt.date(2000, 1, 1)
    return (ref - (ref - dt.timedelta(days=days or 0))).days


_RECORD_SHAPES: dict[str, tuple[str, bool]] = {}


def _record_shape(vocab: Vocabulary, concept: str) -> tuple[str, bool]:
    """The label and "ongoing" of the record a true cell of this concept's column becomes.

    Asked of the reference path itself (row -> patient -> index), so both paths agree.
    """
    if concept not in _RECORD_SHAPES:
        from .cohort import read_header, row_to_patient
        from .evaluate import index_patient
        from .patient import parse_patient

        schema = read_header(["patient_id", concept], vocab)
        patient, _ = row_to_patient(schema, ["x", "true"], default_as_of=dt.date(2000, 1, 1), vocab=vocab)
        records = index_patient(parse_patient(patient), vocab).records.get(concept, [])
        if not records:
            raise AssertionError(f"a true {concept} cell gives no {concept} record")
        _RECORD_SHAPES[concept] = (records[0].label, records[0].ongoing)
    return _RECORD_SHAPES[concept]


def _record_label(vocab: Vocabulary, concept: str) -> str:
    return _record_shape(vocab, concept)[0]


def _record_ongoing(vocab: Vocabulary, concept: str) -> bool:
    return _record_shape(vocab, concept)[1]


def criterion_of(trial: CompiledTrial, cid: str) -> CompiledCriterion:
    return next(c for c in trial.criteria if c.id == cid)


def default_schema(trial: CompiledTrial, cohort: str | None, vocab: Vocabulary | None = None) -> CohortSchema:
    """The table ``screening sql`` assumes without ``--columns``: one column per concept the cohort's
    checks read, values in the concept's canonical unit, with ULN and date columns for labs."""
    from .cohort import read_header

    vocab = vocab or load_vocabulary()
    concepts: set[str] = set()
    for crit in trial.criteria:
        if crit.predicate is None or (cohort is not None and crit.cohorts and cohort not in crit.cohorts):
            continue
        for leaf in _leaves(crit.predicate):
            if not isinstance(leaf, NeedsReview):
                concepts |= check_inputs(leaf, vocab)
    header = ["patient_id", "as_of"]
    for cid in sorted(concepts):
        c = vocab.get(cid)
        if cid == "age":
            header.append("birth_date")
        elif cid == "sex":
            header.append("sex")
        elif cid == "her2":
            header += ["her2_ihc", "her2_ish"]
        elif c.kind in ("condition", "medication_class", "procedure"):
            header += [cid, f"{cid}_date"]
        elif c.kind in ("state", "attestation"):
            header.append(cid)
        elif c.unit is not None and c.kind not in ("score", "count"):
            header.append(f"{cid} [{c.unit}]")
            if c.kind == "lab" and c.reference_range is not None:
                header.append(f"{cid}_uln [{c.unit}]")
            if cid not in ("body_weight", "height"):
                header.append(f"{cid}_date")
        else:
            header.append(cid)
            if c.kind in ("category", "score") and not c.lasting:
                header.append(f"{cid}_date")
    return read_header(header, vocab)
