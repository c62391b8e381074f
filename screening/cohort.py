"""Cohort CSV contract: what each column means, and one row as a patient.

A cohort export has one row per patient and one column per concept, named by concept id with the
unit in brackets (``hemoglobin [g/dL]``). The header is checked before any row is read: a unit of
the wrong dimension, or a missing unit where one is needed, stops the run naming the column. A
cell that cannot be read only marks that row's dependent checks ``error``; the row stays.

``row_to_patient`` is the reference meaning of a row: the batch SQL (``sql.py``) must give the
same statuses as screening the patient it builds (a hypothesis test checks this).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import InputError, UnitError
from .patient import REPRODUCTIVE_STATES
from .notes import method_spellings
from .units import conversion_factor
from .vocabulary import Concept, Vocabulary, load_vocabulary

Role = Literal[
    "patient_id", "as_of", "birth_date", "sex", "primary_site", "value", "uln", "lln", "date",
    "flag", "event_date", "her2_ihc", "her2_ish", "her2_date", "method",
]

# Cells read as missing (exactly as written) besides empty or blank cells.
MISSING_MARKERS = ("NA", "N/A", "NULL", "na", "n/a", "null")
# What is trimmed around a cell: the Unicode space separators (the space, the no-break spaces that
# spreadsheets leave, the typographic spaces), exactly what DuckDB's TRIM removes. Anything else
# (a tab, a line break) makes the cell unreadable, which is reported, never a silent guess.
BLANKS = " \u00a0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u202f\u205f\u3000"
# The other characters Python calls whitespace: at either end of a cell they make it unreadable.
OTHER_BLANKS = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"
NUMBER_PATTERN = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
INTEGER_PATTERN = r"[+-]?[0-9]+"
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")
IHC_VALUES = ("0", "1+", "2+", "3+")
ISH_VALUES = ("positive", "negative", "equivocal")
SEX_VALUES = {"female": "female", "f": "female", "male": "male", "m": "male",
              "other": "other", "unknown": "unknown"}

_NUMBER = re.compile(NUMBER_PATTERN)
_INTEGER = re.compile(INTEGER_PATTERN)
_DATE = re.compile(DATE_PATTERN)
_HEADER = re.compile(r"^\s*([^\[\]]*?)\s*(?:\[([^\[\]]*)\])?\s*$")

_RECORD_KINDS = {"condition", "medication_class", "procedure", "state", "attestation"}
_EVENT_KINDS = {"condition", "medication_class", "procedure"}  # kinds with a date of occurrence
_SCALES = ("ecog", "karnofsky")  # performance scales: the patient's performance_status
_DEMOGRAPHIC = {"body_weight": "weight", "height": "height", "age": "age_years"}
NOT_MORE_THAN = {"prior_anti_her2_lines": "prior_lines"}  # the patient model's consistency rule


@dataclass(frozen=True, slots=True)
class Column:
    """One header cell, understood."""

    name: str             # the header as written
    position: int
    role: Role
    concept: str | None = None
    unit: str | None = None    # as written in the brackets
    factor: float = 1.0        # to the concept's canonical unit


@dataclass(frozen=True)
class CohortSchema:
    columns: tuple[Column, ...]
    ignored: tuple[str, ...] = ()  # headers the contract does not know: reported once
    by_role: dict[tuple[str, str | None], Column] = field(default_factory=dict, compare=False)

    def get(self, role: str, concept: str | None = None) -> Column | None:
        return self.by_role.get((role, concept))

    def concepts(self) -> set[str]:
        return {c.concept for c in self.columns if c.concept}


def _kind(vocab: Vocabulary, name: str) -> Concept | None:
    return vocab.concepts.get(name)


def _with_unit(concept: Concept, header: str, unit: str | None, role: Role, pos: int) -> Column:
    """A value column: the unit must be given where the concept has one, and fit its dimension."""
    if concept.unit is None or (concept.kind in {"score", "count"} and unit is None):
        if unit is not None and concept.unit is None:
            raise InputError(f"column {header!r}: {concept.id} takes no unit")
        return Column(header, pos, role, concept.id, unit, 1.0)
    if unit is None:
        if concept.categories and role == "value":  # "hcv_rna": detected / not detected
            return Column(header, pos, role, concept.id, None, 1.0)
        raise InputError(f"column {header!r} has no unit; write it in brackets, e.g. "
                         f"'{header} [{concept.unit}]'")
    try:
        factor = conversion_factor(unit, concept, value_text=f"unit {unit!r}")
    except UnitError as err:
        raise InputError(f"column {header!r}: {err}") from None
    return Column(header, pos, role, concept.id, unit, factor)


def read_header(header: list[str], vocab: Vocabulary | None = None) -> CohortSchema:
    """Understand a header row, or fail naming the column (before any row is read)."""
    vocab = vocab or load_vocabulary()
    columns: list[Column] = []
    ignored: list[str] = []
    for pos, raw in enumerate(header):
        m = _HEADER.match(raw)
        if not m or not m[1]:
            raise InputError(f"column {pos + 1} has an unreadable header {raw!r}")
        name, unit = m[1].strip().lower(), (m[2].strip() if m[2] is not None else None)
        if unit == "":
            unit = None
        col = _column(vocab, raw, name, unit, pos)
        if col is None:
            ignored.append(raw)
        else:
            columns.append(col)
    by_role: dict[tuple[str, str | None], Column] = {}
    for col in columns:
        key = (col.role, col.concept)
        if key in by_role:
            raise InputError(f"columns {by_role[key].name!r} and {col.name!r} both give "
                             f"{col.concept or col.role}{' (' + col.role + ')' if col.concept else ''}; keep one")
        by_role[key] = col
    if ("patient_id", None) not in by_role:
        raise InputError("the cohort has no 'patient_id' column")
    return CohortSchema(tuple(columns), tuple(ignored), by_role)


def _column(vocab: Vocabulary, raw: str, name: str, unit: str | None, pos: int) -> Column | None:
    plain: dict[str, Role] = {"patient_id": "patient_id", "as_of": "as_of", "birth_date": "birth_date",
                              "sex": "sex", "primary_site": "primary_site",
                              "her2_ihc": "her2_ihc", "her2_ish": "her2_ish",
                              "her2_date": "her2_date"}
    if name in plain:
        if unit is not None:
            raise InputError(f"column {raw!r} takes no unit")
        role = plain[name]
        return Column(raw, pos, role, "her2" if role.startswith("her2") else None)
    concept = _kind(vocab, name)
    if concept is not None and concept.stands_for:
        raise InputError(f"column {raw!r}: {concept.id} stands for {len(concept.stands_for)} values; give columns "
                         + " and ".join(f"'{m} [{concept.unit}]'" for m in concept.stands_for))
    if concept is not None and concept.id not in ("sex", "her2"):
        if concept.kind in _RECORD_KINDS:
            if unit is not None:
                raise InputError(f"column {raw!r}: {concept.id} is true/false and takes no unit")
            return Column(raw, pos, "flag", concept.id)
        return _with_unit(concept, raw, unit, "value", pos)
    for suffix, role in (("_uln", "uln"), ("_lln", "lln")):
        base = _kind(vocab, name.removesuffix(suffix)) if name.endswith(suffix) else None
        if base is not None and base.unit is not None and base.kind in {"lab", "measurement"}:
            if unit is None:
                raise InputError(f"column {raw!r} has no unit; write it in brackets, e.g. "
                                 f"'{name} [{base.unit}]'")
            return _with_unit(base, raw, unit, role, pos)  # type: ignore[arg-type]
    base = _kind(vocab, name.removesuffix("_method")) if name.endswith("_method") else None
    if base is not None and method_spellings(base.id):
        # "qtc_method": the formula each QTc was measured by, for criteria that name one
        if unit is not None:
            raise InputError(f"column {raw!r} names a method and takes no unit")
        return Column(raw, pos, "method", base.id)
    for suffix in ("_last_date", "_date"):
        base = _kind(vocab, name.removesuffix(suffix)) if name.endswith(suffix) else None
        if base is None or base.id in ("sex", "her2", "age"):
            continue
        if unit is not None:
            raise InputError(f"column {raw!r} is a date and takes no unit")
        if base.kind in _EVENT_KINDS:
            return Column(raw, pos, "event_date", base.id)
        if base.kind in _RECORD_KINDS:
            return None  # a state or attestation has no date of occurrence: ignored, reported
        if suffix == "_date":
            return Column(raw, pos, "date", base.id)
    return None


# ---------------------------------------------------------------------------- cells


class CellError(ValueError):
    """A cell that cannot be read; the row goes on with that cell treated as missing."""


def is_missing(cell: str | None) -> bool:
    return cell is None or cell in MISSING_MARKERS or not cell.strip(BLANKS)


def read_number(cell: str) -> float:
    text = cell.strip(BLANKS)
    if not _NUMBER.fullmatch(text):
        hint = " (use . as the decimal point)" if "," in text else ""
        raise CellError(f"{cell!r} is not a number{hint}")
    return float(text)


def read_limit(cell: str) -> float:
    """A reference limit (ULN, LLN): a number above zero."""
    value = read_number(cell)
    if value <= 0:
        raise CellError(f"{cell!r} is not a plausible reference limit")
    return value


def read_integer(cell: str) -> int:
    text = cell.strip(BLANKS)
    if not _INTEGER.fullmatch(text):
        raise CellError(f"{cell!r} is not a whole number")
    return int(text)


def read_date(cell: str) -> dt.date:
    text = cell.strip(BLANKS)
    if not _DATE.fullmatch(text):
        raise CellError(f"{cell!r} is not a date (write YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CellError(f"{cell!r} is not a real date") from None


def read_flag(cell: str) -> bool:
    text = cell.strip(BLANKS).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(f"{cell!r} is not true or false")


def read_choice(cell: str, allowed: tuple[str, ...] | dict[str, str], what: str) -> str:
    text = cell.strip(BLANKS).lower()
    if isinstance(allowed, dict):
        if text in allowed:
            return allowed[text]
    elif text in allowed:
        return text
    raise CellError(f"{cell!r} is not a {what} ({', '.join(dict.fromkeys(allowed))})")


def stray_blank(text: str) -> bool:
    """A tab or line break at an end of a trimmed cell: a paste gone wrong, so unreadable."""
    return bool(text) and (text[0] in OTHER_BLANKS or text[-1] in OTHER_BLANKS)


def read_site(cell: str) -> str:
    """Free text (a primary site), trimmed."""
    text = cell.strip(BLANKS)
    if stray_blank(text):
        raise CellError(f"{cell!r} has a tab or line break at its start or end")
    return text


def read_category(cell: str, concept: Concept, vocab: Vocabulary) -> tuple[str, ...]:
    text = cell.strip(BLANKS)
    codes = None if stray_blank(text) else vocab.category(concept.id, text)
    if codes is None:
        raise CellError(f"{cell!r} is not a known {concept.label} result")
    return codes


# ---------------------------------------------------------------------------- rows



@dataclass
class RowProblems:
    """Cells of one row that could not be read: column name -> reason, and the concepts they touch."""

    cells: dict[str, str] = field(default_factory=dict)
    concepts: dict[str, str] = field(default_factory=dict)  # concept id (or "*" for as_of) -> reason

    def add(self, col: Column, reason: str) -> None:
        self.cells[col.name] = reason
        key = "*" if col.role == "as_of" else ("age" if col.role == "birth_date" else col.concept or col.role)
        self.concepts.setdefault(key, f"{col.name}: {reason}")


def row_to_patient(schema: CohortSchema, row: list[str], *, default_as_of: dt.date | None = None,
                   vocab: Vocabulary | None = None) -> tuple[dict[str, Any], RowProblems]:
    """The patient JSON (a dict for ``parse_patient``) a cohort row stands for, and its bad cells.

    Lab values become observations (the ULN and LLN columns their reference range, the date
    column their date); a true/false column becomes a record present now or recorded absent; a
    date column of a condition, drug or procedure a record of an occurrence on that date.
    """
    vocab = vocab or load_vocabulary()
    problems = RowProblems()
    cell: dict[str, str] = {}
    for col in schema.columns:
        value = row[col.position] if col.position < len(row) else ""
        if not is_missing(value):
            cell[col.name] = value

    seen: set[str] = set()

    def get(role: str, concept: str | None, reader: Any, *args: Any) -> Any:
        col = schema.get(role, concept)
        if col is None or col.name not in cell:
            return None
        seen.add(col.name)
        try:
            return reader(cell[col.name], *args)
        except CellError as err:
            problems.add(col, str(err))
            return None

    pid_col = schema.get("patient_id")
    assert pid_col is not None
    patient: dict[str, Any] = {"patient_id": cell.get(pid_col.name, "").strip(BLANKS)}
    as_of = get("as_of", None, read_date) or default_as_of or dt.date.today()
    patient["as_of"] = as_of.isoformat()

    def read_day(text: str) -> dt.date:
        """A date of the record: not after the screening date (that is almost always a typo)."""
        day = read_date(text)
        if day > as_of:
            raise CellError(f"{text!r} is after the screening date {as_of}")
        return day

    demographics: dict[str, Any] = {}
    birth = get("birth_date", None, read_day)
    if birth is not None:
        demographics["birth_date"] = birth.isoformat()
    sex = get("sex", None, read_choice, SEX_VALUES, "sex")
    if sex is not None:
        demographics["sex"] = sex
    observations: list[dict[str, Any]] = []
    tumour: dict[str, Any] = {}
    site = get("primary_site", None, read_site)
    if site:
        tumour["primary_site"] = site
    her2: dict[str, Any] = {}
    conditions: list[dict[str, Any]] = []
    medications: list[dict[str, Any]] = []
    procedures: list[dict[str, Any]] = []
    reproductive: dict[str, Any] = {}
    attestations: dict[str, Any] = {}
    performance: list[dict[str, Any]] = []
    for col in schema.columns:
        if col.concept is None:
            continue
        if col.role in ("flag", "event_date"):
            value = get(col.role, col.concept, read_flag if col.role == "flag" else read_day)
            _record(col, value, vocab, conditions, medications, procedures, reproductive, attestations, tumour)
            continue
        if col.role != "value" or col.name not in cell:
            continue
        concept = vocab.get(col.concept)
        if concept.kind in ("score", "count") or concept.id in _DEMOGRAPHIC:
            number = get("value", concept.id, read_integer if concept.kind in ("score", "count") else read_number)
            if number is None:
                continue
            why = value_problem(concept, number, col.factor)
            if why is not None:
                problems.add(col, f"{cell[col.name]!r} {why}")
            elif concept.kind == "count":
                tumour[concept.id] = number
            elif concept.kind == "score":
                date = get("date", concept.id, read_day)
                entry: dict[str, Any] = ({"scale": concept.id, "value": number} if concept.id in _SCALES
                                         else {"concept": concept.id, "value": number})
                if date is not None:
                    entry["date"] = date.isoformat()
                (performance if concept.id in _SCALES else observations).append(entry)
            elif concept.id == "age":
                demographics["age_years"] = number * col.factor
            else:
                demographics[_DEMOGRAPHIC[concept.id]] = {"value": number, "unit": col.unit}
            continue
        obs = _observation(col, cell[col.name], concept, vocab, problems)
        date = get("date", concept.id, read_day)  # read even without a value: bad cells are reported
        method = get("method", concept.id, read_choice, method_spellings(concept.id), f"{concept.label} method")
        limits = {}
        for role, key in (("uln", "high"), ("lln", "low")):
            limit = get(role, concept.id, read_limit)
            limit_col = schema.get(role, concept.id)
            if limit is not None and limit_col is not None:  # in the canonical unit (factor 1):
                limits[key] = limit * limit_col.factor     # both paths multiply the same numbers
        if obs is None:
            continue
        if obs.get("unit") is not None and limits:
            obs["reference_range"] = {"unit": concept.unit, **limits}
        if date is not None:
            obs["date"] = date.isoformat()
        if method is not None:
            obs["method"] = method
        observations.append(obs)
    ihc = get("her2_ihc", "her2", read_choice, IHC_VALUES, "HER2 IHC score")
    ish = get("her2_ish", "her2", read_choice, ISH_VALUES, "HER2 ISH result")
    if ihc is not None or ish is not None:
        her2 = {"ihc": ihc, "ish": ish}
        date = get("her2_date", "her2", read_day)
        if date is not None:
            her2["date"] = date.isoformat()
    for col in schema.columns:  # cells whose value was not needed are still checked
        if col.name in cell and col.name not in seen and col.role in ("date", "her2_date"):
            get(col.role, col.concept, read_day)
        elif col.name in cell and col.name not in seen and col.role in ("uln", "lln"):
            get(col.role, col.concept, read_limit)
        elif col.name in cell and col.name not in seen and col.role == "method" and col.concept is not None:
            get(col.role, col.concept, read_choice, method_spellings(col.concept),
                f"{vocab.get(col.concept).label} method")
    for concept_id, bound_id in NOT_MORE_THAN.items():  # counts that cannot exceed another
        count_col = schema.get("value", concept_id)
        if count_col is not None and concept_id in tumour and tumour.get(bound_id) is not None \
                and tumour[concept_id] > tumour[bound_id]:
            problems.add(count_col, f"{cell[count_col.name]!r} is more than {bound_id} ({tumour[bound_id]})")
            del tumour[concept_id]
    for obs in observations:
        rr = obs.get("reference_range")
        if rr and rr.get("low") is not None and rr.get("high") is not None and rr["low"] > rr["high"]:
            lln_col = schema.get("lln", obs["concept"])
            assert lln_col is not None
            problems.add(lln_col, f"{cell[lln_col.name]!r} is above the ULN")
            del rr["low"]
    if "birth_date" in demographics:  # the birth date gives the age; a second age is not used
        demographics.pop("age_years", None)
    patient["demographics"] = demographics
    patient["observations"] = observations
    patient["performance_status"] = performance
    patient["tumour"] = tumour
    patient["her2"] = [her2] if her2 else []
    patient["conditions"] = conditions
    patient["medications"] = medications
    patient["procedures"] = procedures
    patient["reproductive"] = reproductive
    patient["attestations"] = attestations
    return patient, problems


def _observation(col: Column, text: str, concept: Concept, vocab: Vocabulary,
                 problems: RowProblems) -> dict[str, Any] | None:
    """A lab or measurement cell: a category spelling ("detected") or a number in the column's unit."""
    if concept.categories:
        clean = text.strip(BLANKS)
        codes = None if stray_blank(clean) else vocab.category(concept.id, clean)
        if codes is not None:
            return {"concept": concept.id, "value": text.strip(BLANKS)}
        if col.unit is None:
            problems.add(col, f"{text!r} is not a known {concept.label} result")
            return None
    try:
        number = read_number(text)
    except CellError as err:
        problems.add(col, str(err))
        return None
    why = value_problem(concept, number, col.factor)
    if why is not None:
        problems.add(col, f"{text!r} {why}")
        return None
    return {"concept": concept.id, "value": number, "unit": col.unit}


def value_problem(concept: Concept, number: float, factor: float) -> str | None:
    """Why a readable number cannot be this concept's value (the vocabulary's bounds), or None."""
    if concept.values and number not in concept.values:
        return f"is not a {concept.label} value ({', '.join(f'{v:g}' for v in concept.values)})"
    if concept.kind == "count" and number < 0:
        return "is negative"
    if concept.id in ("body_weight", "height") and number <= 0:
        return f"is not a plausible {concept.label}"
    if concept.plausible:
        low, high = concept.plausible
        canonical = number * factor
        if (low is not None and canonical < low) or (high is not None and canonical > high):
            return f"is not a plausible {concept.label}"
    return None


def _record(col: Column, value: bool | dt.date | None, vocab: Vocabulary, conditions: list[dict[str, Any]],
            medications: list[dict[str, Any]], procedures: list[dict[str, Any]],
            reproductive: dict[str, Any], attestations: dict[str, Any], tumour: dict[str, Any]) -> None:
    """A true/false column: present now or recorded absent. A date column: an occurrence on that day."""
    if value is None or col.concept is None:
        return
    concept = vocab.get(col.concept)
    flag = value if isinstance(value, bool) else None
    date = value.isoformat() if isinstance(value, dt.date) else None
    if concept.kind == "state" and concept.id in REPRODUCTIVE_STATES and flag is not None:
        reproductive[REPRODUCTIVE_STATES[concept.id]] = flag
    elif concept.kind == "state" and concept.id == "measurable_disease" and flag is not None:
        tumour["measurable_disease"] = flag
    elif concept.kind == "attestation" and flag is not None:
        attestations[concept.id] = flag
    elif concept.kind == "condition":
        entry: dict[str, Any] = {"name": concept.label, "present": True if flag is None else flag}
        if date is not None:
            entry.update(onset_date=date, resolved_date=date, status="resolved")
        conditions.append(entry)
    elif concept.kind == "medication_class":
        med: dict[str, Any] = {"name": concept.label, "present": True if flag is None else flag}
        if date is not None:
            med.update(start_date=date, end_date=date)
        medications.append(med)
    elif concept.kind == "procedure":
        proc: dict[str, Any] = {"name": concept.label, "present": True if flag is None else flag}
        if date is not None:
            proc["date"] = date
        procedures.append(proc)
