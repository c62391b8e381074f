"""Evaluate stage: a compiled trial × one patient -> a result for every criterion.

Three-valued throughout: a check is met, not met or unknown, and unknown always says why and
what would settle it. The patient is indexed once (observations converted to each concept's
canonical unit with cached factors), then every criterion only compares floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .compile import CompiledCriterion, CompiledTrial
from .errors import InputError, UnitError
from .notes import derivations, load_methods, lookup_method, says_qualifier, scale_conversions
from .logic import Truth, all_of, and_, any_of, not_, or_
from .nodes import (
    OP_TEXT,
    AllOf,
    AnyOf,
    CategoryCheck,
    NeedsReview,
    Not,
    NumericCheck,
    Predicate,
    PresenceCheck,
)
from .patient import REPRODUCTIVE_STATES, Observation, Patient
from .report import CheckResult, CheckStatus, CriterionResult, CriterionStatus, TrialResult
from .units import conversion_factor, describe_unit
from .vocabulary import Concept, Vocabulary, load_vocabulary, normalize_phrase

_COMPARE = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "==": lambda a, b: a == b,
}


@dataclass(slots=True)
class Value:
    """One patient value of a concept, converted to the concept's canonical unit."""

    canonical: float | None          # None for categorical values
    category: tuple[str, ...] | None  # candidate canonical codes for categorical values
    observed: float | str
    unit: str | None
    date: dt.date | None
    comparator: str | None = None
    uln: float | None = None  # in canonical unit
    lln: float | None = None
    range_source: str = "lab"  # where the ULN came from: "lab" or "default"
    lln_source: str = "lab"
    derived: str | None = None  # how it was computed, e.g. Cockcroft-Gault
    origin: str | None = None  # where it came from (a FHIR resource), quoted in the explanation
    method: str | None = None  # the method it was measured by (methods.toml id): "fridericia"


@dataclass(slots=True)
class Record:
    concept: str
    present: bool
    start: dt.date | None
    end: dt.date | None
    label: str
    ongoing: bool
    primary: bool = False  # the patient's primary tumour (from tumour.primary_site)
    end_known: bool = True  # False: stopped on a date nobody recorded (a FHIR order without an end)
    origin: str | None = None  # where it came from (a FHIR resource), quoted in explanations


@dataclass
class PatientIndex:
    """The patient's data looked up by concept id; built once per screening."""

    patient: Patient
    as_of: dt.date
    as_of_source: str
    values: dict[str, list[Value]] = field(default_factory=dict)
    records: dict[str, list[Record]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    memo: dict[int, Any] = field(default_factory=dict)  # criterion results per compiled trial
    unmapped: set[str] = field(default_factory=set)  # lists with an entry the vocabulary lacks
    # concepts whose input could not be read (a bad cohort cell): concept id ("*": all) -> reason
    errors: dict[str, str] = field(default_factory=dict)


def index_patient(patient: Patient, vocab: Vocabulary | None = None) -> PatientIndex:
    vocab = vocab or load_vocabulary()
    if patient.as_of is not None:
        as_of, source = patient.as_of, "given"
    else:
        as_of, source = dt.date.today(), "today (no as_of given)"
    idx = PatientIndex(patient, as_of, source)
    for i, obs in enumerate(patient.observations):
        concept = vocab.get(obs.concept) if obs.concept else vocab.by_loinc(obs.loinc or "")
        if concept is None:
            idx.problems.append(f"observations[{i}]: unknown concept or LOINC {obs.concept or obs.loinc!r}; ignored")
            continue
        try:
            value = read_observation(obs, concept, vocab)
        except InputError as err:
            raise InputError(err.message, location=f"observations[{i}] ({concept.id})") from None
        idx.values.setdefault(concept.id, []).append(value)
    for item in patient.unreadable:
        idx.errors[item.concept] = item.reason + (f" ({item.source})" if item.source else "")
    for ps in patient.performance_status:
        idx.values.setdefault(ps.scale, []).append(
            Value(float(ps.value), None, ps.value, None, ps.date, origin=ps.source))
    _demographics(idx, vocab)
    _categorical(idx, vocab)
    _records(idx, vocab)
    for values in idx.values.values():  # most recent first; undated last
        values.sort(key=lambda v: v.date or dt.date.min, reverse=True)
    return idx


def read_observation(obs: Observation, concept: Concept, vocab: Vocabulary) -> Value:
    """One observation in the concept's canonical unit; ``InputError`` (no location) if unusable.

    Shared by patient indexing and FHIR input, so both refuse the same values the same way.
    """
    if concept.stands_for:
        raise InputError(f"{concept.label} stands for {' and '.join(concept.stands_for)}: give them as observations "
                         "of their own")
    if isinstance(obs.value, str):
        codes = vocab.category(concept.id, obs.value)
        if codes is not None:
            return Value(None, tuple(codes), obs.value, None, obs.date, origin=obs.source)
        try:
            number = float(obs.value)
        except ValueError:
            raise InputError(f"{obs.value!r} is not a known {concept.label} result") from None
    else:
        number = float(obs.value)
    if concept.unit is None or concept.kind in {"score", "count"} and obs.unit is None:
        factor = 1.0
    elif obs.unit is None:
        raise InputError(f"{number:g} has no unit; {concept.id} needs one such as {describe_unit(concept.unit)}")
    else:
        try:
            factor = conversion_factor(obs.unit, concept, value_text=f"{number:g} {obs.unit}")
        except UnitError as err:
            raise InputError(err.message) from None
    canonical = number * factor
    if concept.kind == "score" and concept.values and canonical not in concept.values:
        # "NYHA class 7", "neuropathy grade 7": not a value of the scale (as the CSV reader says)
        values = ", ".join(f"{v:g}" for v in concept.values)
        raise InputError(f"{number:g} is not a {concept.label} value ({values})")
    if concept.plausible:
        low, high = concept.plausible
        if (low is not None and canonical < low) or (high is not None and canonical > high):
            raise InputError(f"{number:g} {obs.unit or ''} is not a plausible {concept.label}".replace("  ", " "))
    uln = lln = None
    source = "lab"
    rr = obs.reference_range
    if rr is not None and (rr.high is not None or rr.low is not None):
        rr_factor = factor
        if rr.unit and rr.unit != obs.unit:
            try:
                rr_factor = conversion_factor(rr.unit, concept)
            except UnitError as err:
                raise InputError(f"reference range: {err.message}") from None
        uln = rr.high * rr_factor if rr.high is not None else None
        lln = rr.low * rr_factor if rr.low is not None else None
    lln_source = "lab"
    if (uln is None or lln is None) and concept.reference_range:
        d_low, d_high = concept.reference_range
        if uln is None and d_high is not None:
            uln, source = d_high, "default"
        if lln is None and d_low is not None:
            lln, lln_source = d_low, "default"
    return Value(canonical, None, number, obs.unit, obs.date, obs.comparator, uln, lln, source, lln_source=lln_source,
                 origin=obs.source, method=lookup_method(obs.method) if obs.method else None)


def _age(patient: Patient, as_of: dt.date) -> float | None:
    d = patient.demographics
    if d.birth_date is not None:
        years = as_of.year - d.birth_date.year - ((as_of.month, as_of.day) < (d.birth_date.month, d.birth_date.day))
        return float(years)
    return d.age_years


def _demographics(idx: PatientIndex, vocab: Vocabulary) -> None:
    p = idx.patient
    age = _age(p, idx.as_of)
    if age is not None:
        idx.values["age"] = [Value(age, None, age, "year", idx.as_of, derived="from birth date" if p.demographics.birth_date else None)]
    for concept_id, q in (("body_weight", p.demographics.weight), ("height", p.demographics.height)):
        if q is not None:
            c = vocab.get(concept_id)
            try:
                f = conversion_factor(q.unit, c, value_text=f"{q.value:g} {q.unit}")
            except UnitError as err:
                raise InputError(str(err), location=f"demographics.{'weight' if concept_id == 'body_weight' else 'height'}") from None
            idx.values[concept_id] = [Value(q.value * f, None, q.value, q.unit, idx.as_of)]
    if p.demographics.sex in ("female", "male"):  # a bound written for one sex reads it
        idx.values["sex"] = [Value(None, (p.demographics.sex,), p.demographics.sex, None, None,
                                   origin=p.sources.get("demographics.sex") if p.sources else None)]
    t = p.tumour
    for concept_id, n in (("prior_lines", t.prior_lines), ("prior_anti_her2_lines", t.prior_anti_her2_lines)):
        if n is not None:
            idx.values[concept_id] = [Value(float(n), None, n, None, None)]


def cockcroft_gault(age: float, weight_kg: float, creatinine_mg_dl: float, sex: str) -> float:
    """CrCl (mL/min) = (140 − age) × weight / (72 × SCr mg/dL), × 0.85 if female."""
    crcl = (140.0 - age) * weight_kg / (72.0 * creatinine_mg_dl)
    return crcl * 0.85 if sex == "female" else crcl


def _categorical(idx: PatientIndex, vocab: Vocabulary) -> None:
    for h in idx.patient.her2:
        codes = her2_codes(h.ihc, h.ish)
        if codes is None:
            continue
        idx.values.setdefault("her2", []).append(
            Value(None, codes, f"IHC {h.ihc or '?'}" + (f", ISH {h.ish}" if h.ish else ""), None, h.date,
                  origin=h.source))


def her2_codes(ihc: str | None, ish: str | None) -> tuple[str, ...] | None:
    """The HER2 categories an IHC score and ISH result allow (None: nothing to go on)."""
    if ihc == "2+":
        return ("ihc_2+_ish+",) if ish == "positive" else ("ihc_2+_ish-",) if ish == "negative" else (
            "ihc_2+_ish+", "ihc_2+_ish-")
    if ihc is not None:
        return (f"ihc_{ihc}",)
    if ish == "positive":
        # amplified, IHC unknown: any IHC score is possible, so a criterion that names IHC
        # scores cannot be decided (and "IHC 3+ or IHC 2+/ISH+" is not met on ISH alone)
        return ("ihc_0", "ihc_1+", "ihc_2+_ish+", "ihc_3+")
    return None


def _unmapped(idx: PatientIndex, kind: str, i: int, what: str | None) -> None:
    """An entry the vocabulary does not know: ignored, and its list no longer counts as complete
    (the unknown entry could be the very condition a criterion asks about)."""
    note = f"{kind}[{i}]: {what!r} is not in the vocabulary; ignored"
    if kind in idx.patient.complete_records:
        note += f", so the {kind} list is not taken as complete"
    idx.problems.append(note)
    idx.unmapped.add(kind)


def _records(idx: PatientIndex, vocab: Vocabulary) -> None:
    p = idx.patient

    def add(concept_id: str | None, present: bool, start: dt.date | None, end: dt.date | None, label: str,
            ongoing: bool, end_known: bool = True, origin: str | None = None) -> None:
        if concept_id is None:
            return
        idx.records.setdefault(concept_id, []).append(
            Record(concept_id, present, start, end, label, ongoing, end_known=end_known, origin=origin))

    def concept_for(name: str | None, code: str | None, system: str | None, extra: str | None = None) -> str | None:
        if name:
            c = vocab.lookup(name)
            if c is not None:
                return c.id
        if code and system:
            c = vocab.by_code(system, code)
            if c is not None:
                return c.id
        if extra:
            c = vocab.lookup(extra)
            if c is not None:
                return c.id
        return None

    for i, c in enumerate(p.conditions):
        cid = concept_for(c.name, c.code, c.system)
        if cid is None:
            _unmapped(idx, "conditions", i, c.name or c.code)
            continue
        add(cid, c.present, c.onset_date, c.resolved_date, c.name or c.code or cid,
            c.status == "active" and c.resolved_date is None, origin=c.source)
    if p.tumour.primary_site:
        primary = vocab.lookup(f"{p.tumour.primary_site} cancer") or vocab.lookup(p.tumour.primary_site)
        if primary is not None and primary.kind == "condition":
            stage = (p.tumour.stage or "").strip().upper()
            spread = " (metastatic)" if p.tumour.metastatic_sites or stage.startswith("IV") else ""
            idx.records.setdefault(primary.id, []).append(Record(
                primary.id, True, None, None, f"primary tumour: {p.tumour.primary_site}{spread}",
                True, primary=True))
    for i, site in enumerate(p.tumour.metastatic_sites):
        metastasis = vocab.lookup(f"{site} metastases") or vocab.lookup(site)
        if metastasis is not None:
            add(metastasis.id, True, None, None, f"metastatic site: {site}", True)
        else:  # an unreadable site could be the one a criterion asks about
            _unmapped(idx, "conditions", i, f"metastatic site {site}")
    for i, m in enumerate(p.medications):
        cid = concept_for(m.name, m.code, m.system, m.drug_class)
        if cid is None:
            _unmapped(idx, "medications", i, m.name or m.code or m.drug_class)
            continue
        ongoing = m.ongoing if m.ongoing is not None else (m.end_date is None and m.start_date is not None)
        add(cid, m.present, m.start_date, m.end_date, m.name or cid, ongoing,
            end_known=m.end_date is not None or ongoing or m.start_date is None, origin=m.source)
    for i, pr in enumerate(p.procedures):
        cid = concept_for(pr.name, pr.code, pr.system)
        if cid is None:
            _unmapped(idx, "procedures", i, pr.name or pr.code)
            continue
        add(cid, pr.present, pr.date, pr.date, pr.name or cid, False, origin=pr.source)
    r = p.reproductive
    for cid, field_name in REPRODUCTIVE_STATES.items():
        flag = getattr(r, field_name)
        if flag is not None:
            add(cid, flag, None, None, cid, bool(flag))
    a = p.attestations
    for cid, flag in a.model_dump().items():  # each field is named by its vocabulary attestation
        if flag is not None:
            add(cid, flag, None, None, cid, bool(flag))
    if p.tumour.measurable_disease is not None:
        add("measurable_disease", p.tumour.measurable_disease, None, None, "measurable disease", True)


# ---------------------------------------------------------------------------- checks




# check node -> what evaluating it needs that does not depend on the patient
_STATIC: dict[int, tuple[object, Any]] = {}


def _remember(node: object, value: Any) -> None:
    if len(_STATIC) > 200_000:  # many trials over a long run: start again
        _STATIC.clear()
    _STATIC[id(node)] = (node, value)


def _cached(node: object) -> Any:
    """What was remembered for this node (None if nothing, or if the id now names another)."""
    hit = _STATIC.get(id(node))
    return hit[1] if hit is not None and hit[0] is node else None


def _review_result(node: NeedsReview) -> CheckResult:
    """The same for every patient: built once per node (check results are read-only)."""
    result = _cached(node)
    if result is None:
        result = CheckResult(
            concept=None, status="needs_review", observed=None, observed_unit=None, value=None,
            unit=None, required=node.text, date=None,
            explanation=f"needs review: \"{node.text}\" ({node.reason})", missing=None)
        _remember(node, result)
    return result  # type: ignore[no-any-return]


class Evaluator:
    def __init__(self, trial: CompiledTrial, idx: PatientIndex, vocab: Vocabulary) -> None:
        self.trial = trial
        self.idx = idx
        self.vocab = vocab
        self.max_age = trial.settings.max_lab_age_days
        # per-patient memos: many checks read the same value or ask the same question
        self._values: dict[str, tuple[Value | None, str | None]] = {}
        self._absent: dict[str, str | None] = {}
        self._primary: set[str] | None = None
        self.polarity = "require"  # of the criterion being evaluated

    def run(self, pred: Predicate, out: list[CheckResult]) -> Truth:
        """Evaluate a predicate; the checks it made are appended to ``out``.

        Checks whose outcome cannot change the result (an unknown next to a failed check in an
        "and", or next to a passed one in an "or") lose their "missing" note, so the missing
        data a coordinator is asked for is only what would settle the criterion.
        """
        kind = type(pred)
        if kind is AllOf or kind is AnyOf or kind is Not:
            start = len(out)
            if kind is Not:
                # under "not" an inclusion's check reads like an exclusion's ("No prior
                # malignancy": the patient's own primary tumour is for a person), and back
                saved = self.polarity
                self.polarity = "exclude" if saved == "require" else "require"
                truth = not_(self.run(pred.child, out))  # type: ignore[union-attr]
                self.polarity = saved
                for i in range(start, len(out)):
                    # "not liver metastases, or AST ≤ 5 × ULN": a reader should not take this
                    # check's own "met" for the criterion's
                    out[i].explanation += " (the criterion asks for the opposite of this check)"
            elif kind is AllOf:
                truth = all_of([self.run(c, out) for c in pred.children])  # type: ignore[union-attr]
            else:
                truth = any_of([self.run(c, out) for c in pred.children])  # type: ignore[union-attr]
            if truth is not Truth.UNKNOWN:
                for i in range(start, len(out)):
                    if out[i].missing is not None:
                        out[i].missing = None
            return truth
        if self.idx.errors and kind is not NeedsReview:
            reason = self._input_error(pred)
            if reason is not None:
                out.append(CheckResult(
                    concept=getattr(pred, "concept", None), status="error", observed=None,
                    observed_unit=None, value=None, unit=None, required=pred.text, date=None,
                    explanation=f"error: {reason}", missing=None))
                return Truth.UNKNOWN
        if kind is NumericCheck:
            return self.numeric(pred, out)  # type: ignore[arg-type]
        if kind is CategoryCheck:
            return self.category(pred, out)  # type: ignore[arg-type]
        if kind is PresenceCheck:
            return self.presence(pred, out)  # type: ignore[arg-type]
        if isinstance(pred, NeedsReview):
            out.append(_review_result(pred))
            return Truth.UNKNOWN
        raise AssertionError(kind.__name__)

    def _input_error(self, check: Predicate) -> str | None:
        errors = self.idx.errors
        if "*" in errors:
            return errors["*"]
        for concept in check_inputs(check, self.vocab):
            if concept in errors:
                return errors[concept]
        return None

    def _current(self, concept: str) -> tuple[Value | None, str | None]:
        """The patient's value of a concept that a check may use, or why there is none."""
        found = self._values.get(concept)
        if found is None:
            found = self._values[concept] = self._find_current(concept)
        return found

    def _find_current(self, concept: str) -> tuple[Value | None, str | None]:
        values = self.idx.values.get(concept)
        if not values:
            for method in derivations(concept):  # methods.toml says which method computes what
                derive = _DERIVATIONS.get(method)
                if derive is not None:
                    return derive(self)
            converted = self._from_other_scale(concept)
            if converted is not None:
                return converted, None
            return None, f"no {self.vocab.get(concept).label} recorded"
        v = values[0]
        c = self.vocab.get(concept)
        # lab results, lab-like categorical results (dipstick, serology) and measurements such
        # as weight must be recent; scores and lasting results (HER2 status) are taken as given
        dated = c.dated
        if dated and v.date is None:
            return None, f"{c.label} has no date: give the date of the result"
        if dated and v.date is not None and (self.idx.as_of - v.date).days > self.max_age:
            return None, (f"{c.label} of {v.date} is stale: older than {self.max_age} days before "
                          f"{self.idx.as_of}; a recent result is needed")
        return v, None

    def _cockcroft_gault(self) -> tuple[Value | None, str | None]:
        need = []
        creat, why = self._current("creatinine") if self.idx.values.get("creatinine") else (None, "no creatinine recorded")
        age = self.idx.values.get("age")
        weight = self.idx.values.get("body_weight")
        sex = self.idx.patient.demographics.sex
        if creat is None:
            need.append(why or "creatinine")
        if not age:
            need.append("age or birth date")
        if not weight:
            need.append("body weight")
        if sex not in ("female", "male"):
            need.append("sex (female or male)")
        if need:
            return None, "creatinine clearance not recorded and Cockcroft-Gault needs: " + ", ".join(need)
        assert creat is not None and creat.canonical is not None and age and weight
        # the formula is written for mg/dL: from the canonical unit through the cached factors
        creatinine = self.vocab.get("creatinine")
        creat_mg_dl = creat.canonical / conversion_factor("mg/dL", creatinine)
        a, w = age[0].canonical or 0.0, weight[0].canonical or 0.0
        rule = self.trial.settings.cockcroft_gault_weight
        weight_note = "actual weight"
        if rule != "actual":
            height = self.idx.values.get("height")
            if not height or height[0].canonical is None:
                return None, f"Cockcroft-Gault with {rule} body weight needs the height"
            inches_over_5ft = max(0.0, height[0].canonical / 2.54 - 60.0)
            ibw = (50.0 if sex == "male" else 45.5) + 2.3 * inches_over_5ft
            w = ibw if rule == "ideal" else ibw + 0.4 * (w - ibw) if w > ibw else w
            weight_note = f"{rule} body weight {w:.1f} kg (Devine)"
        crcl = cockcroft_gault(a, w, creat_mg_dl, sex or "")
        how = (f"Cockcroft-Gault, {weight_note}: (140 − {a:g}) × {w:.4g} kg / (72 × {creat_mg_dl:.3g} mg/dL)"
               + (" × 0.85 (female)" if sex == "female" else "") + f" = {crcl:.1f} mL/min")
        return Value(crcl, None, round(crcl, 1), "mL/min", creat.date, derived=how), None

    def _recent(self, concept: str, within_days: float | None) -> tuple[Value | None, str | None]:
        """The current value, if the criterion's "obtained ≤ 14 days prior to registration"
        allows it: an older or undated result does not count."""
        v, why = self._current(concept)
        if v is None or within_days is None:
            return v, why
        label = self.vocab.get(concept).label
        if v.date is None:
            return None, f"{label} has no date; the criterion needs a result from the {within_days:g} days before {self.idx.as_of}"
        if (self.idx.as_of - v.date).days > within_days:
            return None, (f"{label} of {v.date} is older than the {within_days:g} days before {self.idx.as_of} "
                          "the criterion allows; a more recent result is needed")
        return v, why

    def numeric(self, check: NumericCheck, out: list[CheckResult]) -> Truth:
        static = _cached(check)
        if static is None:
            c0 = self.vocab.get(check.concept)
            static = (c0, f"{c0.label} {OP_TEXT[check.op]} {check.written or check.threshold}")
            _remember(check, static)
        c, required = static
        v, why = self._recent(check.concept, check.within_days)
        if v is not None and v.canonical is None and v.category and check.limit is None:
            return self._numeric_options(check, v, required, out)
        asked = load_methods().get(check.method or "")
        if v is not None and v.derived and asked is not None and asked.restricts:
            # "creatinine clearance per 24-hour urine": a clearance the engine computes is none
            why = f"no {c.label} by {asked.label} recorded; one computed from other results ({v.derived}) is not that"
            v = None
        if v is None or v.canonical is None:
            out.append(_unknown(check.concept, required, why or f"no {c.label}", f"{c.label} ({c.id})"))
            return Truth.UNKNOWN
        if asked is not None and asked.restricts and v.method != asked.id:
            # "QTcF > 470 ms": a QTc by another formula, or by one not recorded, cannot decide it
            how = f"by {load_methods()[v.method].label}" if v.method in load_methods() else "its method is not recorded"
            out.append(_unknown(check.concept, required,
                                f"{c.label} {_num(v.observed)} {v.unit or ''} of {v.date}: {how}; the criterion "
                                f"asks for {asked.label}", f"{c.label} by {asked.label}"))
            return Truth.UNKNOWN
        if check.limit is not None:
            limit = v.uln if check.limit == "uln" else v.lln
            if limit is None or limit == 0:
                out.append(_unknown(check.concept, required, f"no {check.limit.upper()} for {c.label}", f"reference range of {c.label}"))
                return Truth.UNKNOWN
            if check.for_age and (v.range_source if check.limit == "uln" else v.lln_source) != "lab":
                # "× ULN for age": the adult default is no limit for a child
                out.append(_unknown(check.concept, required, f"no {check.limit.upper()} for age for {c.label}: "
                                    "the result has no reference range of its own, and the default is for adults",
                                    f"reference range of {c.label}"))
                return Truth.UNKNOWN
            compared = v.canonical / limit
            shown = f"{compared:.2f} × {check.limit.upper()}"
            bound = check.threshold
            note = (f" ({check.limit.upper()} {limit:.4g} {c.unit or ''} from the "
                    + ("lab's reference range" if v.range_source == "lab" else "default reference range: no range was given") + ")")
        else:
            compared, bound = v.canonical, check.threshold
            shown = f"{compared:.4g} {describe_unit(c.unit) if c.unit else ''}".strip()
            note = ""
        truth = _compare(compared, check.op, bound, v.comparator, check.upper)
        observed_text = f"{v.comparator or ''}{_num(v.observed)} {v.unit or ''}".strip()
        expl = f"{c.label} {observed_text}"
        if v.unit and c.unit and describe_unit(v.unit) != describe_unit(c.unit):
            expl += f" = {shown}" if check.limit is None else ""
        if check.limit is not None:
            expl += f" = {shown}"
        if v.derived:
            expl += f" [{v.derived}]"
        expl += f"{note}; required {OP_TEXT[check.op]} {check.written}"
        if check.upper is not None:
            expl += f" to {check.upper:g}"
        if v.date:
            expl += f"; dated {v.date}"
        if v.origin:
            expl += f" ({v.origin})"
        missing = None
        if truth is Truth.UNKNOWN:
            expl += f" — the reported value {observed_text} cannot decide it"
            missing = f"exact value of {c.label}"
        # exposures that void the value ("without G-CSF within 7 days")
        total = truth
        for exp in check.exposures:
            t, text = self._exposed(exp.concept, exp.days, v.date)
            expl += f"; {text}"
            if t is Truth.FALSE:  # not exposed: the value counts
                continue
            kept = check.kept_under_support(self.vocab.get(exp.concept).supports)
            if kept is None or truth is not (Truth.TRUE if kept else Truth.FALSE):
                if total is not Truth.UNKNOWN and missing is None:
                    missing = f"{self.vocab.get(exp.concept).label} in the {exp.days:g} days before the {c.label}"
                total = Truth.UNKNOWN
        out.append(CheckResult(
            concept=check.concept, status=_status(total), observed=v.observed, observed_unit=v.unit,
            value=round(compared, 6), unit=(f"× {check.limit.upper()}" if check.limit else c.unit),
            required=required, date=v.date, explanation=expl, missing=missing))
        return total

    def _numeric_options(self, check: NumericCheck, v: Value, required: str,
                         out: list[CheckResult]) -> Truth:
        """A value known only as a set of possibilities decides when they all agree."""
        try:
            truths = {_compare(float(o), check.op, check.threshold, None, check.upper) for o in v.category or ()}
        except ValueError:  # "HCV RNA detected" against "HCV RNA > 1000 IU/mL": no number to compare
            truths = set()
        truth = truths.pop() if len(truths) == 1 else Truth.UNKNOWN
        c = self.vocab.get(check.concept)
        expl = f"{c.label} {v.observed} [{v.derived}]; required {OP_TEXT[check.op]} {check.written}"
        if truth is Truth.UNKNOWN:
            expl += " — the possible values disagree; record the scale the criterion names"
        out.append(CheckResult(
            concept=check.concept, status=_status(truth), observed=v.observed, observed_unit=None,
            value=None, unit=c.unit, required=required, date=v.date, explanation=expl,
            missing=(f"{c.label} ({c.id})" if truth is Truth.UNKNOWN else None)))
        return truth

    def _exposed(self, concept: str, days: float, when: dt.date | None) -> tuple[Truth, str]:
        label = self.vocab.get(concept).label
        if when is None:
            return Truth.UNKNOWN, f"{label} exposure cannot be checked without the result date"
        start = when - dt.timedelta(days=days)
        records = [r for cid in self.vocab.expand(concept) for r in self.idx.records.get(cid, [])]
        for r in records:
            if not r.present:
                continue
            r_start = r.start or dt.date.min
            r_end = r.end or (when if r.ongoing else r.start) or dt.date.max
            if r.start is None and r.end is None:
                return Truth.UNKNOWN, f"{r.label} recorded without dates: cannot tell if within {days:g} days before {when}"
            if not r.end_known and r_start < start:
                return Truth.UNKNOWN, (f"{r.label} started {r.start}, stopped on a date not recorded: cannot tell "
                                       f"if given within {days:g} days before {when}")
            if r_start <= when and r_end >= start:
                return Truth.TRUE, f"{r.label} given within {days:g} days before the result ({r.start}): the value does not count"
        absent = self._known_absent(concept)  # the one rule for absence: this or a broader concept
        if absent is not None:
            return Truth.FALSE, f"no {label} in the {days:g} days before {when} ({absent})"
        return Truth.UNKNOWN, f"{label} in the {days:g} days before {when} not recorded either way"

    def _primary_concepts(self) -> set[str]:
        """The concepts naming the patient's primary tumour ("breast" -> breast_cancer)."""
        if self._primary is None:
            self._primary = self._find_primary()
        return self._primary

    def _find_primary(self) -> set[str]:
        site = self.idx.patient.tumour.primary_site
        if not site:
            return set()
        out: set[str] = set()
        for text in (f"{site} cancer", site):
            c = self.vocab.lookup(text)
            if c is not None:
                out.add(c.id)
        return out

    def _complete(self, concept: str) -> bool:
        kind = self.vocab.get(concept).kind
        lists = {"condition": "conditions", "medication_class": "medications", "procedure": "procedures"}
        name = lists.get(kind, "")
        return name in self.idx.patient.complete_records and name not in self.idx.unmapped

    def category(self, check: CategoryCheck, out: list[CheckResult]) -> Truth:
        c = self.vocab.get(check.concept)
        required = f"{c.label} one of {check.written}" + (
            f" (obtained within {check.within_days:g} days)" if check.within_days is not None else "")
        if c.kind == "score":
            v, why = self._current(check.concept)
            if v is None or (v.canonical is None and not v.category):
                out.append(_unknown(check.concept, required, why or "", f"{c.label} ({c.id})"))
                return Truth.UNKNOWN
            if v.category:
                got = set(v.category)
            else:
                assert v.canonical is not None
                got = {str(int(v.canonical)) if float(v.canonical).is_integer() else str(v.canonical)}
        else:
            v, why = self._recent(check.concept, check.within_days)
            if v is None or v.category is None:
                out.append(_unknown(check.concept, required, why or f"no {c.label} result", f"{c.label} ({c.id})"))
                return Truth.UNKNOWN
            got = set(v.category)
        allowed = set(check.allowed)
        if got <= allowed:
            truth = Truth.TRUE
        elif not (got & allowed):
            truth = Truth.FALSE
        else:
            truth = Truth.UNKNOWN
        recent = f" obtained within {check.within_days:g} days" if check.within_days is not None else ""
        expl = (f"{c.label} {v.observed}" + (f" [{v.derived}]" if v.derived else "") + f"; required: {check.written}{recent}"
                + (f" ({v.origin})" if v.origin else ""))
        if truth is Truth.UNKNOWN:
            expl += " — the result is consistent with both; a more specific result is needed"
        if v.date:
            expl += f"; dated {v.date}"
        out.append(CheckResult(
            concept=check.concept, status=_status(truth), observed=v.observed, observed_unit=v.unit,
            value=None, unit=None, required=required, date=v.date, explanation=expl,
            missing=(f"a more specific {c.label} result" if truth is Truth.UNKNOWN else None)))
        return truth

    def _from_other_scale(self, concept: str) -> Value | None:
        """ECOG from Karnofsky (or back): the set of grades the mappings in use allow."""
        for other, table in scale_conversions(concept).items():
            values = self.idx.values.get(other)
            if not values or values[0].canonical is None:
                continue
            given = values[0].canonical
            options = table.get(str(int(given))) if float(given).is_integer() else None
            if not options:
                continue
            label = self.vocab.get(other).label
            codes = tuple(str(int(o)) if float(o).is_integer() else str(o) for o in options)
            return Value(None, codes, " or ".join(codes), None, values[0].date,
                         derived=f"from {label} {given:g}")
        return None

    def presence(self, check: PresenceCheck, out: list[CheckResult]) -> Truth:
        """Has (had) the patient this condition, therapy or state?

        A present record of the concept or of a narrower one says yes (within the window, and
        only while current unless the criterion speaks of history). Absence needs evidence: a
        record of absence of the concept or of a broader one, or a list the coordinator marked
        complete. Otherwise the answer is unknown.
        """
        c, window, required, concepts, excluded = self._presence_static(check)
        if check.other:
            primary = self._primary_concepts()
            if primary:
                excluded = excluded | primary
                concepts = concepts - primary
        present = [r for cid in concepts for r in self.idx.records.get(cid, []) if r.present]
        unqualified: list[Record] = []
        if check.member:
            # "warfarin": other named drugs of the class do not count; a record that names no
            # drug (a code, the class) cannot tell
            member = normalize_phrase(check.member)
            named = {normalize_phrase(m) for m in c.members}
            unqualified = [r for r in present if normalize_phrase(r.label) not in named]
            present = [r for r in present if normalize_phrase(r.label) == member]
        if self.polarity == "exclude" and not check.other:
            # "History of malignancy" as an exclusion: the patient's own primary tumour matches
            # it only through the broader concept, and the trial may be for that very cancer
            # (a condition record of the same cancer as the primary site is the same tumour)
            own = self._primary_concepts()
            shared = [r for r in present if (r.primary or r.concept in own) and r.concept != check.concept]
            if shared:
                unqualified = unqualified + shared
                present = [r for r in present if r not in shared]
        if check.qualifier:
            # "uncontrolled hypertension": a record that does not say so cannot decide it
            unqualified = unqualified + [r for r in present if not says_qualifier(r.label, check.qualifier)]
            present = [r for r in present if says_qualifier(r.label, check.qualifier)]
        broader = self._broader_records(check.concept, excluded)
        as_of = self.idx.as_of
        start = as_of - dt.timedelta(days=check.within_days) if check.within_days else None
        truth, expl = Truth.UNKNOWN, ""
        undated: list[Record] = []
        past: list[tuple[Record, dt.date | None]] = []
        if start is not None:
            # a record that ended before the window is not in it, whatever it would say of the
            # qualifier ("prednisone" stopped 45 days ago, for "> 10 mg/day within 14 days")
            for r in list(unqualified):
                last = _last_seen(r, as_of)
                if last is not None and last < start:
                    unqualified.remove(r)
                    past.append((r, last))
        for r in present:
            last = _last_seen(r, as_of)
            if last is None and r.start is not None and start is not None and r.start >= start:
                last = r.start  # stopped on an unrecorded date, but started inside the window
            if start is None and check.history:
                truth, expl = Truth.TRUE, f"{c.label}: present ({r.label}{_dates(r)})"
                break
            if start is None:  # "patients with X": only a current record counts
                if r.ongoing or (r.end is None and r.start is None):
                    truth, expl = Truth.TRUE, f"{c.label}: present ({r.label}{_dates(r)})"
                    break
                past.append((r, last))
                continue
            if last is None:
                undated.append(r)
                continue
            if last >= start:
                truth, expl = Truth.TRUE, f"{c.label}: present{window} ({r.label}{_dates(r)}; as of {as_of})"
                break
            past.append((r, last))
        if truth is Truth.UNKNOWN:
            reasons = [f"{r.label} started {r.start}, stopped on a date not recorded: cannot tell if{window}"
                       if r.start is not None else f"{r.label} recorded without dates: cannot tell if{window}"
                       for r in undated]
            known_absent = self._known_absent(check.concept)
            if known_absent is None and check.member:  # "warfarin: absent" settles "warfarin"
                member = normalize_phrase(check.member)
                if any(not r.present and normalize_phrase(r.label) == member
                       for r in self.idx.records.get(check.concept, [])):
                    known_absent = f"recorded as absent: {check.member}"
            if broader and not unqualified and not undated:
                r = broader[0]
                expl = f"{r.label} recorded{_dates(r)}; whether it is {c.label} is not recorded: a person checks"
            elif unqualified:
                r = unqualified[0]
                if (r.primary or r.concept in self._primary_concepts()) and not check.qualifier and not check.member:
                    expl = (f"{c.label}: the patient's {r.label}; whether this criterion means the "
                            "studied cancer or another one needs a person")
                else:
                    what = f"it is {check.qualifier}" if check.qualifier else f"it is {check.member}"
                    expl = f"{r.label} recorded{_dates(r)}; whether {what} is not recorded: a person checks"
            elif undated:
                expl = "; ".join(reasons)
            elif past and known_absent is not None:
                r, last = past[0]
                truth = Truth.FALSE
                state = f"none{window}" if window else "not current"  # "none less than 4 weeks ago"
                expl = f"{c.label}: {state} ({r.label}, last {last}; as of {as_of})"
            elif past:
                r, last = past[0]
                expl = (f"{c.label}: {r.label} ended {last}, outside{window or ' the present'}; "
                        "a more recent occurrence is not recorded either way")
            elif known_absent is not None:
                truth, expl = Truth.FALSE, f"{c.label}: absent ({known_absent})"
            else:
                expl = f"unknown: {c.label} not recorded (present or absent)"
        if excluded and check.excluding and truth is not Truth.UNKNOWN:
            expl += " (not counting " + ", ".join(check.excluding) + ")"
        missing = f"{required}: present or absent" if truth is Truth.UNKNOWN else None
        out.append(CheckResult(
            concept=check.concept, status=_status(truth), observed=None, observed_unit=None,
            value=None, unit=None, required=required, date=None, explanation=expl, missing=missing))
        return truth

    def _broader_records(self, concept: str, excluded: frozenset[str]) -> list[Record]:
        """Present records of a broader concept, which may be this one ("lung cancer" recorded,
        "non-small cell lung cancer" asked): they cannot tell, and no complete list makes it
        absent. A record of its own absence still does; a record that names a drug of the broader
        class ("trastuzumab") is that drug, not this one."""
        if any(not r.present for r in self.idx.records.get(concept, [])):
            return []
        out = []
        for cid in self.vocab.ancestors(concept)[1:]:
            if cid in excluded:
                continue
            named = {normalize_phrase(m) for m in self.vocab.get(cid).members}
            out += [r for r in self.idx.records.get(cid, []) if r.present and normalize_phrase(r.label) not in named]
        return out

    def _presence_static(self, check: PresenceCheck) -> tuple[
            Concept, str, str, frozenset[str], frozenset[str]]:
        """What a presence check needs that does not depend on the patient (built once)."""
        cached = _cached(check)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        c = self.vocab.get(check.concept)
        window = f" {check.window_text}" if check.window_text else (
            f" within {check.within_days:g} days" if check.within_days else "")
        notes = [w for w in ("other" if check.other else "", check.qualifier or "") if w]
        required = (f"{check.member or c.label}" + (f" ({', '.join(notes)})" if notes else "")
                    + window)
        excluded: set[str] = set()
        for e in check.excluding:
            excluded |= self.vocab.expand(e)
        concepts = self.vocab.expand(check.concept) - excluded
        static = (c, window, required, frozenset(concepts), frozenset(excluded))
        _remember(check, static)
        return static

    def _known_absent(self, concept: str) -> str | None:
        """Why the concept is known to be absent, or None when nothing says so."""
        if concept not in self._absent:
            self._absent[concept] = self._find_absent(concept)
        return self._absent[concept]

    def _find_absent(self, concept: str) -> str | None:
        for cid in self.vocab.ancestors(concept):
            members = {normalize_phrase(m) for m in self.vocab.get(cid).members}
            for r in self.idx.records.get(cid, []):
                # "filgrastim: absent" is filed under its class but says nothing of the others
                if not r.present and normalize_phrase(r.label) not in members:
                    return f"recorded as absent: {r.label}"
        kind = self.vocab.get(concept).kind
        if kind in {"condition", "medication_class", "procedure"} and self._complete(concept):
            return f"not in the patient's complete {kind.replace('_class', '')} list"
        return None


_INPUTS: dict[int, tuple[object, frozenset[str]]] = {}


def check_inputs(check: Predicate, vocab: Vocabulary) -> frozenset[str]:
    """Every concept whose patient data can change this check's result.

    A bad input cell touches exactly these checks: they become ``error``, the rest are untouched.
    Batch SQL uses the same sets, so both paths mark the same checks.
    """
    hit = _INPUTS.get(id(check))
    if hit is not None and hit[0] is check:
        return hit[1]
    found: set[str] = set()
    if isinstance(check, (NumericCheck, CategoryCheck)):
        found.add(check.concept)
        found.update(scale_conversions(check.concept))
        for method in derivations(check.concept):
            found.update(_DERIVATION_INPUTS.get(method, ()))
        if isinstance(check, NumericCheck):
            for exp in check.exposures:
                found.update(vocab.expand(exp.concept))
                found.update(vocab.ancestors(exp.concept))
    elif isinstance(check, PresenceCheck):
        found.update(vocab.expand(check.concept))
        found.update(vocab.ancestors(check.concept))
    if len(_INPUTS) > 200_000:
        _INPUTS.clear()
    result = frozenset(found)
    _INPUTS[id(check)] = (check, result)
    return result


def _dates(r: Record) -> str:
    """", 2024-01-02 – 2024-03-04" and the record's origin, for explanations."""
    origin = f", {r.origin}" if r.origin else ""
    if r.start and r.end and r.end != r.start:
        return f", {r.start} – {r.end}{origin}"
    if r.start or r.end:
        return f", {r.start or r.end}{origin}"
    return origin


# The formulas behind the methods of data/methods.toml that compute a value ("computes").
_DERIVATIONS: dict[str, Callable[[Evaluator], tuple[Value | None, str | None]]] = {
    "cockcroft_gault": Evaluator._cockcroft_gault,
}
# ... and the concepts each formula reads
_DERIVATION_INPUTS: dict[str, tuple[str, ...]] = {
    "cockcroft_gault": ("creatinine", "age", "body_weight", "sex", "height"),
}


def _compare(value: float, op: str, bound: float, comparator: str | None, upper: float | None) -> Truth:
    if upper is not None:  # a range: bound ≤ value ≤ upper
        return and_(_compare(value, ">=", bound, comparator, None), _compare(value, "<=", upper, comparator, None))
    if comparator is None:
        return Truth.TRUE if _COMPARE[op](value, bound) else Truth.FALSE
    # "<0.5": the value lies in an interval; decide only when the whole interval is on one side
    if comparator in ("<", "<="):
        lo, hi, hi_open = float("-inf"), value, comparator == "<"
        if op in ("<", "<="):
            if hi < bound or (hi == bound and (op == "<=" or hi_open)):
                return Truth.TRUE
            return Truth.UNKNOWN
        if hi < bound or (hi == bound and (op == ">" or hi_open)):
            return Truth.FALSE
        return Truth.UNKNOWN
    lo, lo_open = value, comparator == ">"
    if op in (">", ">="):
        if lo > bound or (lo == bound and (op == ">=" or lo_open)):
            return Truth.TRUE
        return Truth.UNKNOWN
    if lo > bound or (lo == bound and (op == "<" or lo_open)):
        return Truth.FALSE
    return Truth.UNKNOWN


def _num(x: object) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _status(t: Truth) -> CheckStatus:
    if t is Truth.TRUE:
        return "met"
    return "not_met" if t is Truth.FALSE else "unknown"


def _last_seen(r: Record, as_of: dt.date) -> dt.date | None:
    """The last day a record is known to have been present (today if ongoing), if any."""
    return as_of if r.ongoing else (r.end or (r.start if r.end_known else None))


def _unknown(concept: str, required: str, why: str, missing: str) -> CheckResult:
    return CheckResult(
        concept=concept, status="unknown", observed=None, observed_unit=None, value=None, unit=None,
        required=required, date=None, explanation=f"unknown: {why}", missing=missing)


# ---------------------------------------------------------------------------- criteria and verdict


def _criterion_status(polarity: str, truth: Truth, checks: Iterable[CheckResult]) -> CriterionStatus:
    """An exclusion is met (passed) when its condition is known false."""
    passed = truth if polarity == "require" else not_(truth)
    if passed is Truth.TRUE:
        return "met"
    if passed is Truth.FALSE:
        return "not_met"
    if any(c.status == "error" for c in checks):
        return "error"
    if any(c.status == "needs_review" for c in checks):
        return "needs_review"
    return "unknown"


def _criterion_results(trial: CompiledTrial, idx: PatientIndex, vocab: Vocabulary) -> dict[str, CriterionResult]:
    """Every criterion evaluated once for this patient (a criterion reads the same in every
    cohort it applies to, so screening several cohorts does not repeat the work)."""
    memo = idx.memo.get(id(trial))
    if memo is not None and memo[0] is trial:
        return memo[1]
    ev = Evaluator(trial, idx, vocab)
    truths: dict[str, Truth] = {}
    results: dict[str, CriterionResult] = {}
    for crit in reversed(trial.criteria):  # children before parents
        checks: list[CheckResult] = []
        ev.polarity = crit.polarity
        own = ev.run(crit.predicate, checks) if crit.predicate is not None else None
        child_truths = [truths[c] for c in crit.children if c in truths] if crit.children_decide else []
        truth = own if own is not None else Truth.TRUE
        if child_truths:
            combined = any_of(child_truths) if crit.combine == "any" else all_of(child_truths)
            if own is None:
                truth = combined
            elif crit.polarity == "exclude":
                truth = or_(own, combined)
            else:
                truth = and_(own, combined)
        truths[crit.id] = truth
        if own is None and not crit.children:  # nothing to check (an empty item)
            results[crit.id] = _result(crit, "not_applicable", checks, "no criterion in this item")
            truths[crit.id] = Truth.TRUE if crit.polarity == "require" else Truth.FALSE
            continue
        status = _criterion_status(crit.polarity, truth, checks)
        if status in ("unknown", "needs_review") and any(results[c].status == "error" for c in crit.children):
            status = "error"
        elif status == "unknown" and any(results[c].status == "needs_review" for c in crit.children):
            status = "needs_review"
        results[crit.id] = _result(crit, status, checks, _explain(crit, status, checks))
    idx.memo[id(trial)] = (trial, results)
    return results


def screen_index(trial: CompiledTrial, idx: PatientIndex, cohort: str | None,
                 vocab: Vocabulary | None = None) -> TrialResult:
    """Screen an indexed patient for one cohort (None: every criterion applies)."""
    if cohort is not None and cohort not in {c.id for c in trial.cohorts}:
        known = ", ".join(c.id for c in trial.cohorts) or "none"
        raise InputError(f"unknown cohort {cohort!r}; this trial's cohorts are: {known}")
    results = _criterion_results(trial, idx, vocab or load_vocabulary())
    layout = _layout(trial, cohort)
    ordered = [na if na is not None else results[crit.id]
               for crit, na in zip(trial.criteria, layout, strict=True)]
    top = [r for r, c in zip(ordered, trial.criteria, strict=True) if c.parent is None and r.status != "not_applicable"]
    failed = [r.id for r in top if r.status == "not_met"]
    unknown = [r.id for r in top if r.status == "unknown"]
    review = [r.id for r in top if r.status == "needs_review"]
    errors = [r.id for r in top if r.status == "error"]
    if failed:
        verdict = "ineligible"
    elif errors:
        verdict = "error"
    elif unknown or review:
        verdict = "needs_review"
    else:
        verdict = "eligible"
    # Missing data: only what could settle an undecided criterion whose parent is undecided too.
    missing: list[str] = []
    open_ids: set[str] = set()
    for r, c in zip(ordered, trial.criteria, strict=True):
        if r.status not in ("unknown", "needs_review", "error") or (c.parent and c.parent not in open_ids):
            continue
        open_ids.add(r.id)
        for ch in r.checks:
            if ch.missing and ch.status != "met" and ch.missing not in missing:
                missing.append(ch.missing)
    return TrialResult.model_construct(
        trial=trial.nct_id, cohort=cohort, patient_id=idx.patient.patient_id, as_of=idx.as_of,
        as_of_source=idx.as_of_source, verdict=verdict, failed=failed, unknown=unknown,
        needs_review=review, errors=errors, missing_data=missing, notes=list(idx.problems), criteria=ordered)


# (trial, cohort) -> for each criterion, its shared "not applicable" result or None when it applies
_LAYOUTS: dict[tuple[int, str | None], tuple[CompiledTrial, list[CriterionResult | None]]] = {}


def _layout(trial: CompiledTrial, cohort: str | None) -> list[CriterionResult | None]:
    """Which criteria a cohort screens; the same for every patient, so built once."""
    key = (id(trial), cohort)
    cached = _LAYOUTS.get(key)
    if cached is not None and cached[0] is trial:
        return cached[1]
    if len(_LAYOUTS) > 10_000:
        _LAYOUTS.clear()
    layout: list[CriterionResult | None] = [
        _result(crit, "not_applicable", [], f"applies to {', '.join(crit.cohorts)} only")
        if cohort is not None and crit.cohorts and cohort not in crit.cohorts else None
        for crit in trial.criteria]
    _LAYOUTS[key] = (trial, layout)
    return layout


def _result(crit: CompiledCriterion, status: CriterionStatus, checks: list[CheckResult], explanation: str) -> CriterionResult:
    return CriterionResult(
        id=crit.id, section=crit.section, cohorts=list(crit.cohorts), number=crit.number,
        text=crit.text, status=status, explanation=explanation, checks=checks,
        parent=crit.parent, children=list(crit.children), understood_as=crit.understood_as,
        restated=crit.restated)


def _explain(crit: CompiledCriterion, status: str, checks: list[CheckResult]) -> str:
    if not checks and crit.children:
        return f"{status.replace('_', ' ')} from its sub-items ({crit.combine} of them)"
    parts = [c.explanation for c in checks if c.status != "met" or status == "met"]
    if crit.polarity == "exclude":
        head = {"met": "not excluded", "not_met": "excluded", "unknown": "cannot tell",
                "needs_review": "needs review", "error": "input error"}[status]
    else:
        head = {"met": "met", "not_met": "not met", "unknown": "unknown",
                "needs_review": "needs review", "error": "input error"}[status]
    return head + (": " + "; ".join(parts) if parts else "")


def _patient_of(patient: Patient | dict[str, Any]) -> Patient:
    """A Patient model, a patient JSON dict, or a FHIR Bundle/resource dict about one patient."""
    if isinstance(patient, Patient):
        return patient
    if isinstance(patient, dict) and isinstance(patient.get("resourceType"), str):
        from .fhir import single_patient

        return single_patient(patient).patient
    from .patient import parse_patient

    return parse_patient(patient)


def screen(trial: CompiledTrial, patient: Patient | dict[str, Any], cohort: str | None = None) -> TrialResult:
    """Screen one patient against one cohort of a compiled trial (or the trial, if it has none).

    ``patient`` is a ``Patient``, a patient JSON dict, or a FHIR R4 Bundle (or resource) dict.
    """
    p = _patient_of(patient)
    if cohort is None and trial.cohorts:
        raise InputError("this trial has cohorts (" + ", ".join(c.id for c in trial.cohorts)
                         + "): pass cohort=..., or use screen_cohorts()")
    return screen_index(trial, index_patient(p), cohort)


def screen_cohorts(trial: CompiledTrial, patient: Patient | dict[str, Any]) -> list[TrialResult]:
    """Screen one patient against every cohort of the trial (one result per cohort)."""
    idx = index_patient(_patient_of(patient))
    cohorts: list[str | None] = [c.id for c in trial.cohorts] or [None]
    return [screen_index(trial, idx, c) for c in cohorts]
