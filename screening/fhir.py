"""FHIR R4 input: Bundles, single resources and bulk-export NDJSON -> ``Patient`` models.

An EHR holds the patient as FHIR; this module derives the engine's patient JSON from it, and every
value keeps the resource it came from (``source``), so a clinician can check the explanation
against the chart. It is a light reader of the few elements screening needs, not a FHIR
validator: a Bundle holds hundreds of resource types the engine never reads (Claim, CarePlan,
Encounter), and one malformed element in those must not refuse the patient. What it reads it
reads strictly:

- Lab Observations are mapped by LOINC through the vocabulary (``loinc`` of each concept), so a
  new lab is a data change. UCUM codes go through ``units.normalize_unit`` like any unit spelling.
- A value that cannot be used (a unit of the wrong dimension, an implausible number, an answer
  the vocabulary does not know) is never dropped: it becomes ``Patient.unreadable``, and every
  check reading that concept reports an error naming it, unless a later readable value of the
  same concept supersedes it.
- Codes the vocabulary does not know, statuses that mean "did not happen" (refuted,
  entered-in-error, cancelled, not-taken) and resources dated after the screening date are
  ignored with a note, never an error. Missing data stays unknown.

Mappings that are not lab LOINC codes (demographics, performance status, HER2, pregnancy, code
system URIs, answer codes) live in ``data/fhir.toml``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import InputError
from .patient import Observation, Patient, PerformanceStatus, her2_part, parse_patient
from .vocabulary import Concept, Vocabulary, load_vocabulary

__all__ = ["FhirPatient", "is_fhir", "load_fhir", "read_fhir", "single_patient"]

_UCUM = "http://unitsofmeasure.org"
_NOTES_PER_KIND = 5  # distinct codes listed per kind of note before "and N more"


@dataclass(frozen=True)
class FhirPatient:
    """One patient derived from FHIR: the model, its JSON (with sources) and what was not used."""

    patient: Patient
    data: dict[str, Any]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Tables:
    code_systems: dict[str, str]
    demographics: dict[str, str]
    performance_status: dict[str, str]
    ecog_answers: dict[str, int]
    her2: dict[str, str]
    states: dict[str, str]
    state_observations: dict[str, dict[str, Any]]
    positive: frozenset[str]
    negative: frozenset[str]
    primary_tumour: dict[str, Any]


@functools.cache
def _tables() -> _Tables:
    raw = tomllib.loads((resources.files("screening") / "data" / "fhir.toml").read_text("utf-8"))
    answers = raw["answers"]
    return _Tables(
        code_systems=dict(raw["code_systems"]),
        demographics=dict(raw["demographics"]),
        performance_status=dict(raw["performance_status"]),
        ecog_answers={k: int(v) for k, v in raw["ecog_answers"].items()},
        her2=dict(raw["her2"]),
        states=dict(raw["states"]),
        state_observations={k: dict(v) for k, v in raw["state_observations"].items()},
        positive=frozenset(a.casefold() for a in answers["positive"]),
        negative=frozenset(a.casefold() for a in answers["negative"]),
        primary_tumour=dict(raw["primary_tumour"]),
    )


def is_fhir(data: Any) -> bool:
    """A FHIR resource (or Bundle) says what it is; a patient JSON never has resourceType."""
    return isinstance(data, dict) and isinstance(data.get("resourceType"), str)


# --------------------------------------------------------------------------- gathering resources


def _resources(data: Any, full_url: str | None, out: list[tuple[dict[str, Any], str | None]]) -> None:
    """Flatten Bundles (nested too) and contained resources into (resource, fullUrl) pairs."""
    if not is_fhir(data):
        return
    if data["resourceType"] == "Bundle":
        for entry in _list(data.get("entry")):
            if isinstance(entry, dict):
                url = entry.get("fullUrl")
                _resources(entry.get("resource"), url if isinstance(url, str) else None, out)
        return
    out.append((data, full_url))
    for inner in _list(data.get("contained")):
        if is_fhir(inner):
            inner = dict(inner)
            if "subject" not in inner and "patient" not in inner:
                inner["subject"] = data.get("subject") or data.get("patient")
            out.append((inner, None))


def _list(value: Any) -> list[Any]:
    """A FHIR array, or nothing: a malformed element is not read rather than crashing the rest."""
    return value if isinstance(value, list) else []


def _ref_key(reference: str) -> str:
    """"https://x/base/Patient/1/_history/2" and "Patient/1" are the same patient."""
    ref = reference.split("/_history/")[0].rstrip("/")
    m = re.search(r"(?:^|/)(Patient/[^/]+)$", ref)
    return m.group(1) if m else ref


def _subject(resource: dict[str, Any]) -> str | None:
    for name in ("subject", "patient"):
        value = resource.get(name)
        if isinstance(value, dict) and isinstance(value.get("reference"), str):
            return str(value["reference"])
    return None


def _label(resource: dict[str, Any], full_url: str | None) -> str:
    rid = resource.get("id")
    if isinstance(rid, str) and rid:
        return f"{resource['resourceType']}/{rid}"
    return full_url or f"{resource['resourceType']} (no id)"


# --------------------------------------------------------------------------- small readers


def _date(value: Any) -> dt.date | None:
    """FHIR date/dateTime/instant -> the date as written; partial dates ("2020", "2020-05") -> None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _first_date(resource: dict[str, Any], *names: str) -> dt.date | None:
    for name in names:
        value = resource.get(name)
        if isinstance(value, dict):  # a Period: its start
            value = value.get("start") or value.get("end")
        d = _date(value)
        if d is not None:
            return d
    return None


def _codings(concept: Any) -> list[tuple[str, str, str]]:
    """CodeableConcept -> [(system name or URI, code, display)]."""
    out: list[tuple[str, str, str]] = []
    if not isinstance(concept, dict):
        return out
    systems = _tables().code_systems
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and isinstance(coding.get("code"), str):
            system = str(coding.get("system") or "")
            out.append((systems.get(system, system), coding["code"].strip(), str(coding.get("display") or "")))
    return out


def _text(concept: Any) -> str:
    """The words of a CodeableConcept: its text, else the first display."""
    if not isinstance(concept, dict):
        return ""
    if isinstance(concept.get("text"), str) and concept["text"].strip():
        return str(concept["text"]).strip()
    for _, _, display in _codings(concept):
        if display.strip():
            return display.strip()
    return ""


def _status(resource: dict[str, Any], name: str) -> str:
    value = resource.get(name)
    if isinstance(value, str):
        return value
    codes = [c for _, c, _ in _codings(value)]
    return codes[0] if codes else ""


_SEMANTIC_TAG = re.compile(r"\s*\((?:disorder|finding|situation|procedure|morphologic abnormality|"
                           r"qualifier value|substance|product|observable entity)\)\s*$", re.I)


def _answer_texts(resource: dict[str, Any]) -> list[str]:
    """Every spelling of a categorical answer: valueString, then codes, displays and text."""
    out: list[str] = []
    if isinstance(resource.get("valueString"), str):
        out.append(resource["valueString"].strip())
    value = resource.get("valueCodeableConcept")
    for _, code, display in _codings(value):
        out += [code, _SEMANTIC_TAG.sub("", display).strip()]
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        out.append(value["text"].strip())
    if isinstance(resource.get("valueBoolean"), bool):
        out.append("positive" if resource["valueBoolean"] else "negative")
    return [t for t in out if t]


def _polarity(texts: Iterable[str]) -> str | None:
    t = _tables()
    for text in texts:
        key = text.casefold()
        if key in t.positive:
            return "positive"
        if key in t.negative:
            return "negative"
    return None


# --------------------------------------------------------------------------- one patient


class _Builder:
    """Collects one patient's fields from its resources, with notes on what was not used."""

    def __init__(self, key: str, vocab: Vocabulary, as_of: dt.date | None) -> None:
        self.vocab = vocab
        self.as_of = as_of
        self.reference = as_of or dt.date.today()
        self.patient_id = key.split("/", 1)[1] if key.startswith("Patient/") else key.rsplit(":", 1)[-1]
        self.demographics: dict[str, Any] = {}
        self.sources: dict[str, str] = {}
        self.observations: list[tuple[dict[str, Any], Concept]] = []
        self.unreadable: list[tuple[str, str, str, dt.date | None]] = []
        self.body: dict[str, tuple[dt.date | None, dict[str, Any], str]] = {}
        self.performance: list[dict[str, Any]] = []
        self.her2: dict[tuple[dt.date | None, str], dict[str, Any]] = {}
        self.conditions: list[dict[str, Any]] = []
        self.cancers: list[tuple[Concept, dict[str, Any]]] = []
        self.medications: list[dict[str, Any]] = []
        self.procedures: list[dict[str, Any]] = []
        self.reproductive: dict[str, bool | None] = {}
        self.notes: dict[str, Counter[str]] = {}
        self.facts: list[str] = []

    def note(self, kind: str, what: str) -> None:
        self.notes.setdefault(kind, Counter())[what] += 1

    def too_late(self, label: str, when: dt.date | None) -> bool:
        if when is not None and when > self.reference:
            self.note(f"dated after the screening date {self.reference}", label.split("/")[0])
            return True
        return False

    # ---------------------------------------------------------------- Patient

    def patient(self, r: dict[str, Any], label: str) -> None:
        if isinstance(r.get("id"), str) and r["id"]:
            self.patient_id = r["id"]
        birth = r.get("birthDate")
        if isinstance(birth, str):
            d = _date(birth)
            if d is None:
                self.facts.append(f"{label}: birth date {birth!r} is not a full date; age unknown")
            elif not self.too_late(label, d):
                self.demographics["birth_date"] = d.isoformat()
                self.sources["demographics.birth_date"] = label
        gender = r.get("gender")
        if gender in ("female", "male", "other", "unknown"):
            self.demographics["sex"] = gender
            self.sources["demographics.sex"] = label
        if r.get("deceasedBoolean") is True or isinstance(r.get("deceasedDateTime"), str):
            self.facts.append(f"{label}: the patient is recorded as deceased")

    # ---------------------------------------------------------------- Observation

    def observation(self, r: dict[str, Any], label: str) -> None:
        status = _status(r, "status")
        if status in ("entered-in-error", "cancelled", "registered"):
            self.note(f"Observation status {status}", _text(r.get("code")) or label)
            return
        # not `issued`: a report issued later would make a stale sample look recent
        when = _first_date(r, "effectiveDateTime", "effectivePeriod", "effectiveInstant")
        if self.too_late(label, when):
            return
        parts = [(r, r.get("code"), label)]
        for i, comp in enumerate(r.get("component") or []):
            if isinstance(comp, dict):
                parts.append((comp, comp.get("code"), f"{label} component {i + 1}"))
        used = False
        for part, code, where in parts:
            if "dataAbsentReason" in part and not any(k.startswith("value") for k in part):
                continue
            used |= self._observation_part(part, code, where, when, r)
        if not used:
            codes = [c for s, c, _ in _codings(r.get("code")) if s == "loinc"]
            what = (f"LOINC {codes[0]} " if codes else "") + repr(_text(r.get("code")) or label)
            self.note("Observation codes the vocabulary does not know", what)

    def _observation_part(self, part: dict[str, Any], code: Any, where: str, when: dt.date | None,
                          whole: dict[str, Any]) -> bool:
        t = _tables()
        for system, loinc, _ in _codings(code):
            if system != "loinc":
                continue
            if loinc in t.demographics:
                self._body(t.demographics[loinc], part, where, when)
                return True
            if loinc in t.performance_status:
                self._performance(t.performance_status[loinc], part, where, when)
                return True
            if loinc in t.her2:
                self._her2(t.her2[loinc], part, where, when)
                return True
            if loinc in t.state_observations:
                self._state_observation(t.state_observations[loinc], part, where)
                return True
            concept = self.vocab.by_loinc(loinc)
            if concept is not None:
                self._lab(concept, loinc, part, where, when, whole)
                return True
        return False

    def _quantity(self, part: dict[str, Any]) -> tuple[float, str | None, str | None] | None:
        q = part.get("valueQuantity")
        if not isinstance(q, dict) or not isinstance(q.get("value"), (int, float)) or isinstance(q.get("value"), bool):
            return None
        unit = q.get("code") if q.get("system") == _UCUM and isinstance(q.get("code"), str) else None
        unit = unit or (q.get("unit") if isinstance(q.get("unit"), str) else None) or (
            q.get("code") if isinstance(q.get("code"), str) else None)
        cmp = q.get("comparator") if q.get("comparator") in ("<", "<=", ">", ">=") else None
        return float(q["value"]), unit, cmp

    def _lab(self, concept: Concept, loinc: str, part: dict[str, Any], where: str, when: dt.date | None,
             whole: dict[str, Any]) -> None:
        obs: dict[str, Any] = {"concept": concept.id, "loinc": loinc, "source": where}
        if when is not None:
            obs["date"] = when.isoformat()
        method = _text(part.get("method") or whole.get("method"))  # "Fridericia": a QTc's formula
        if method:
            obs["method"] = method
        quantity = self._quantity(part)
        if quantity is not None:
            obs["value"], unit, cmp = quantity
            if unit:
                obs["unit"] = unit
            if cmp:
                obs["comparator"] = cmp
            rr = self._range(part.get("referenceRange") or whole.get("referenceRange"))
            if rr:
                obs["reference_range"] = rr
        elif isinstance(part.get("valueInteger"), int) and not isinstance(part.get("valueInteger"), bool):
            obs["value"] = float(part["valueInteger"])
        else:
            answers = _answer_texts(part)
            if not answers:
                self.note("Observations without a value", f"{concept.label} ({where})")
                return
            value = _polarity(answers) or answers[0]
            if self.vocab.category(concept.id, value) is None:
                value = next((a for a in answers if self.vocab.category(concept.id, a) is not None), value)
            obs["value"] = value
        self._keep_observation(obs, concept, where, when)

    def _keep_observation(self, obs: dict[str, Any], concept: Concept, where: str, when: dt.date | None) -> None:
        from .evaluate import read_observation  # evaluate imports the compiler; only load it here

        try:
            model = Observation.model_validate(obs)
            read_observation(model, concept, self.vocab)
        except ValidationError as exc:
            reason = exc.errors(include_url=False)[0]["msg"]
            self.unreadable.append((concept.id, f"{_shown(obs)}: {reason}", where, when))
            return
        except InputError as err:
            self.unreadable.append((concept.id, f"{_shown(obs)}: {err.message}", where, when))
            return
        self.observations.append((obs, concept))

    def _range(self, ranges: Any) -> dict[str, Any] | None:
        if not isinstance(ranges, list):
            return None
        for rr in ranges:
            if not isinstance(rr, dict):
                continue
            kind = [c for _, c, _ in _codings(rr.get("type"))]
            if kind and "normal" not in kind:
                continue
            out: dict[str, Any] = {}
            for end in ("low", "high"):
                q = rr.get(end)
                if isinstance(q, dict) and isinstance(q.get("value"), (int, float)) and not isinstance(q.get("value"), bool):
                    out[end] = float(q["value"])
                    unit = q.get("code") if q.get("system") == _UCUM else None
                    unit = unit or q.get("unit") or q.get("code")
                    if isinstance(unit, str) and unit:
                        out["unit"] = unit
            if "low" in out or "high" in out:
                if out.get("low") is not None and out.get("high") is not None and out["low"] > out["high"]:
                    return None
                return out
        return None

    def _body(self, field: str, part: dict[str, Any], where: str, when: dt.date | None) -> None:
        quantity = self._quantity(part)
        if quantity is None or quantity[1] is None:
            self.note("Observations without a value", f"{field} ({where})")
            return
        previous = self.body.get(field)
        if previous is not None and (previous[0] or dt.date.min) >= (when or dt.date.min):
            return
        self.body[field] = (when, {"value": quantity[0], "unit": quantity[1]}, where)

    def _performance(self, scale: str, part: dict[str, Any], where: str, when: dt.date | None) -> None:
        value: int | None = None
        if isinstance(part.get("valueInteger"), int) and not isinstance(part.get("valueInteger"), bool):
            value = part["valueInteger"]
        elif (q := self._quantity(part)) is not None and q[0].is_integer():
            value = int(q[0])
        else:
            for _, code, _ in _codings(part.get("valueCodeableConcept")):
                if scale == "ecog" and code in _tables().ecog_answers:
                    value = _tables().ecog_answers[code]
            for text in _answer_texts(part):
                m = re.fullmatch(r"(?:ecog|kps|karnofsky)?\s*(\d{1,3})%?", text.strip(), re.I)
                if value is None and m:
                    value = int(m.group(1))
        if value is None:
            self.unreadable.append((scale, f"{scale.upper()} result {(_answer_texts(part) or ['(none)'])[0]!r} "
                                    "is not a score", where, when))
            return
        item = {"scale": scale, "value": value, "source": where}
        if when is not None:
            item["date"] = when.isoformat()
        try:
            PerformanceStatus.model_validate(item)
        except ValidationError as exc:
            self.unreadable.append((scale, f"{scale.upper()} {value}: {exc.errors()[0]['msg']}", where, when))
            return
        self.performance.append(item)

    def _her2(self, part_name: str, part: dict[str, Any], where: str, when: dt.date | None) -> None:
        texts = _answer_texts(part)
        result = None
        for text in texts:
            result = her2_part(part_name, text)
            if result is not None:
                break
        if result is None and part_name == "ish":
            result = _polarity(texts)
        if result is None:
            shown = texts[0] if texts else "(none)"
            self.unreadable.append(("her2", f"HER2 {part_name.upper()} result {shown!r} is not a "
                                    + ("score 0, 1+, 2+ or 3+" if part_name == "ihc" else "positive/negative/equivocal"),
                                    where, when))
            return
        entry = self.her2.setdefault((when, "test"), {"source": where})  # IHC + ISH of one day: one test
        if part_name in entry:  # a second result of the same kind on the same day: its own test
            entry = self.her2.setdefault((when, where), {"source": where})
        entry[part_name] = result
        if where not in entry["source"]:
            entry["source"] += f", {where}"
        if when is not None:
            entry["date"] = when.isoformat()

    def _state_observation(self, rule: dict[str, Any], part: dict[str, Any], where: str) -> None:
        codes = {c for _, c, _ in _codings(part.get("valueCodeableConcept"))}
        field = _tables().states.get(rule["state"])
        if field is None:
            return
        if codes & set(rule.get("yes", ())):
            self._set_state(field, True, where)
        elif codes & set(rule.get("no", ())):
            self._set_state(field, False, where)
        else:
            self.note("Observation answers not understood", f"{rule['state']} ({where})")

    def _set_state(self, field: str, value: bool, where: str) -> None:
        name = field.split(".", 1)[1]
        if name in self.reproductive and self.reproductive[name] != value:
            # two records disagree: leave it unknown rather than pick one
            self.facts.append(f"{field}: records disagree ({self.sources.get(field)} and {where}); left unknown")
            self.reproductive[name] = None
            return
        self.reproductive[name] = value
        self.sources[field] = where

    # ---------------------------------------------------------------- Condition

    def condition(self, r: dict[str, Any], label: str) -> None:
        verification = _status(r, "verificationStatus")
        if verification in ("refuted", "entered-in-error", "unconfirmed", "provisional", "differential"):
            self.note(f"Conditions {verification}", _text(r.get("code")) or label)
            return
        clinical = _status(r, "clinicalStatus")
        onset = _first_date(r, "onsetDateTime", "onsetPeriod")
        abated = _first_date(r, "abatementDateTime", "abatementPeriod")
        if self.too_late(label, onset):
            return
        if abated is not None and abated > self.reference:
            abated = None
        resolved = clinical in ("inactive", "remission", "resolved") or abated is not None
        concept, code, system = self._coded(r.get("code"), ("snomed", "icd10", "icd9"))
        if concept is None:
            self.note("Condition codes the vocabulary does not know", repr(_text(r.get("code")) or label))
            return
        name = _SEMANTIC_TAG.sub("", _text(r.get("code"))) or concept.label
        if concept.kind == "state":
            field = _tables().states.get(concept.id)
            if field is not None and not resolved:
                self._set_state(field, True, label)
            elif field is not None:
                self.note("Resolved conditions that describe a state", f"{concept.label} ({label})")
            return
        item: dict[str, Any] = {"name": name, "status": "resolved" if resolved else "active", "source": label}
        if code and system:
            item["code"], item["system"] = code, system
        if onset is not None:
            item["onset_date"] = onset.isoformat()
        if abated is not None and (onset is None or abated >= onset):
            item["resolved_date"] = abated.isoformat()
        if self._is_cancer(concept) and not resolved:
            self.cancers.append((concept, item))
        else:
            self.conditions.append(item)

    def _is_cancer(self, concept: Concept) -> bool:
        rule = _tables().primary_tumour
        return concept.id in self.vocab.expand(rule["under"]) and concept.id not in rule["too_general"]

    def _coded(self, value: Any, systems: tuple[str, ...]) -> tuple[Concept | None, str | None, str | None]:
        """The concept a CodeableConcept names: by a code first, then by its exact words."""
        codings = _codings(value)
        for system, code, _ in codings:
            if system in systems or system in ("rxnorm", "atc"):
                concept = self.vocab.by_code(system, code)
                if concept is not None:
                    return concept, code, system
        keep = next(((c, s) for s, c, _ in codings if s in systems), (None, None))
        for words in [_text(value)] + [d for _, _, d in codings]:
            concept = self.vocab.lookup(_SEMANTIC_TAG.sub("", words)) if words else None
            if concept is not None:
                return concept, keep[0], keep[1]
        return None, None, None

    # ---------------------------------------------------------------- medications, procedures

    def medication(self, r: dict[str, Any], label: str, catalogue: dict[str, dict[str, Any]]) -> None:
        kind = r["resourceType"]
        status = _status(r, "status")
        skip = {"MedicationRequest": ("cancelled", "entered-in-error", "draft"),
                "MedicationStatement": ("entered-in-error", "not-taken", "intended"),
                "MedicationAdministration": ("entered-in-error", "not-done")}[kind]
        if status in skip:
            self.note(f"{kind} status {status}", label)
            return
        if kind == "MedicationRequest" and r.get("intent") in ("proposal", "plan"):
            self.note(f"MedicationRequest intent {r.get('intent')}", label)
            return
        code = r.get("medicationCodeableConcept")
        ref = r.get("medicationReference")
        if code is None and isinstance(ref, dict) and isinstance(ref.get("reference"), str):
            med = catalogue.get(ref["reference"]) or catalogue.get(ref["reference"].split("/")[-1])
            code = med.get("code") if med else None
            if code is None and ref.get("display"):
                code = {"text": ref["display"]}
        text = _text(code)
        if kind == "MedicationRequest":
            bounds = None
            for dosage in r.get("dosageInstruction") or []:
                timing = (dosage.get("timing") or {}).get("repeat") or {} if isinstance(dosage, dict) else {}
                bounds = timing.get("boundsPeriod") or bounds
            validity = (r.get("dispenseRequest") or {}).get("validityPeriod") or {}
            start = _date((bounds or {}).get("start")) or _date(r.get("authoredOn")) or _date(validity.get("start"))
            end = _date((bounds or {}).get("end")) or _date(validity.get("end"))
            # an active order whose course ended (boundsPeriod end passed) is not ongoing
            ongoing = status in ("active", "on-hold") and (end is None or end > self.reference)
        else:
            start = _first_date(r, "effectiveDateTime", "effectivePeriod")
            period = r.get("effectivePeriod") if isinstance(r.get("effectivePeriod"), dict) else {}
            end = _date(period.get("end")) if period else start
            ongoing = kind == "MedicationStatement" and status == "active"
        if self.too_late(label, start):
            return
        if end is not None and end > self.reference:
            end = None
            ongoing = True if status in ("active", "on-hold", "in-progress") else ongoing
        found = self._drug_classes(code, text)
        if not found:
            self.note("Medications the vocabulary does not know", repr(text or label))
            return
        for phrase, codes in found:
            item: dict[str, Any] = {"name": phrase, "source": f"{label}: {text}" if text else label}
            if codes:
                item["code"], item["system"] = codes
            if start is not None:
                item["start_date"] = start.isoformat()
            if end is not None and not ongoing:
                item["end_date"] = max(end, start).isoformat() if start else end.isoformat()
            item["ongoing"] = bool(ongoing)
            self.medications.append(item)

    def _drug_classes(self, code: Any, text: str) -> list[tuple[str, tuple[str, str] | None]]:
        """(name the vocabulary knows, (code, system)) per drug class the medication belongs to."""
        for system, c, display in _codings(code):
            if system in ("rxnorm", "atc"):
                concept = self.vocab.by_code(system, c)
                if concept is not None:
                    return [(display or concept.label, (c, system))]
        out: list[tuple[str, tuple[str, str] | None]] = []
        seen: set[str] = set()
        for words in [text] + [d for _, _, d in _codings(code)]:
            for concept, a, b in self.vocab.find(words) if words else []:
                if concept.kind == "medication_class" and concept.id not in seen:
                    seen.add(concept.id)
                    out.append((words[a:b], None))
            if out:
                break
        return out

    def procedure(self, r: dict[str, Any], label: str) -> None:
        status = _status(r, "status")
        if status not in ("completed", "in-progress", ""):
            self.note(f"Procedure status {status}", _text(r.get("code")) or label)
            return
        when = _first_date(r, "performedDateTime", "performedPeriod")
        if self.too_late(label, when):
            return
        concept, code, system = self._coded(r.get("code"), ("snomed", "icd10", "icd9"))
        if concept is None or concept.kind != "procedure":
            self.note("Procedure codes the vocabulary does not know", repr(_text(r.get("code")) or label))
            return
        item: dict[str, Any] = {"name": _SEMANTIC_TAG.sub("", _text(r.get("code"))) or concept.label, "source": label}
        if code and system:
            item["code"], item["system"] = code, system
        if when is not None:
            item["date"] = when.isoformat()
        self.procedures.append(item)

    # ---------------------------------------------------------------- result

    def build(self, source: str) -> FhirPatient:
        data: dict[str, Any] = {"patient_id": self.patient_id}
        if self.as_of is not None:
            data["as_of"] = self.as_of.isoformat()
        demographics = dict(self.demographics)
        for field, (_, quantity, where) in self.body.items():
            demographics[field] = quantity
            self.sources[f"demographics.{field}"] = where
        if demographics:
            data["demographics"] = demographics
        latest: dict[str, dt.date] = {}
        for obs, concept in self.observations:
            d = _date(obs.get("date")) or dt.date.min
            latest[concept.id] = max(latest.get(concept.id, dt.date.min), d)
        for item in self.performance:
            latest[item["scale"]] = max(latest.get(item["scale"], dt.date.min), _date(item.get("date")) or dt.date.min)
        for item in self.her2.values():
            latest["her2"] = max(latest.get("her2", dt.date.min), _date(item.get("date")) or dt.date.min)
        unreadable = []
        for concept_id, reason, where, when in self.unreadable:
            if concept_id in latest and when is not None and when < latest[concept_id]:
                self.note("Unusable values superseded by a later readable one", f"{reason} ({where})")
                continue
            unreadable.append({"concept": concept_id, "reason": reason, "source": where})
        if self.observations:
            data["observations"] = [o for o, _ in self.observations]
        if self.performance:
            data["performance_status"] = self.performance
        if self.her2:
            data["her2"] = list(self.her2.values())
        conditions = list(self.conditions)
        distinct = {c.id for c, _ in self.cancers}
        if len(distinct) == 1:
            concept, item = self.cancers[0]
            data["tumour"] = {"primary_site": concept.label}
            self.sources["tumour.primary_site"] = item["source"]
            self.facts.append(f"primary tumour taken from {item['source']} ({item['name']}), the only active cancer")
        elif distinct:
            conditions += [item for _, item in self.cancers]
            self.facts.append(f"{len(distinct)} different active cancers recorded: the primary tumour is not set")
        if conditions:
            data["conditions"] = conditions
        if self.medications:
            data["medications"] = self.medications
        if self.procedures:
            data["procedures"] = self.procedures
        reproductive = {k: v for k, v in self.reproductive.items() if v is not None}
        if reproductive:
            data["reproductive"] = reproductive
        if unreadable:
            data["unreadable"] = unreadable
        if self.sources:
            data["sources"] = {k: v for k, v in self.sources.items()
                               if not k.startswith("reproductive.") or k.split(".", 1)[1] in reproductive}
        patient = parse_patient(data, source=f"{source} (patient {self.patient_id})")
        return FhirPatient(patient, data, tuple(self.facts + _summarise(self.notes)))


def _shown(obs: dict[str, Any]) -> str:
    value = obs.get("value")
    text = f"{obs.get('comparator') or ''}{value:g}" if isinstance(value, float) else repr(value)
    return f"{text} {obs.get('unit') or ''}".strip()


def _summarise(notes: dict[str, Counter[str]]) -> list[str]:
    out = []
    for kind, counter in notes.items():
        items = [f"{what}" + (f" ×{n}" if n > 1 else "") for what, n in counter.most_common(_NOTES_PER_KIND)]
        more = len(counter) - _NOTES_PER_KIND
        out.append(f"{kind} (ignored): " + ", ".join(items) + (f", and {more} more" if more > 0 else ""))
    return out


# --------------------------------------------------------------------------- entry points

_READERS = {"Observation", "Condition", "MedicationRequest", "MedicationStatement",
            "MedicationAdministration", "Procedure"}


def read_fhir(data: Any, *, source: str = "<fhir>", as_of: dt.date | None = None,
              vocab: Vocabulary | None = None) -> list[FhirPatient]:
    """Every patient in a Bundle, a resource, or a list of resources (NDJSON lines), in order.

    Resources are grouped by the patient they reference (``urn:uuid:`` fullUrls, ``Patient/id``,
    absolute URLs). ``as_of`` is the screening date (default today): later-dated resources are
    ignored with a note.
    """
    vocab = vocab or load_vocabulary()
    items: list[tuple[dict[str, Any], str | None]] = []
    for resource in (data if isinstance(data, list) else [data]):
        if not is_fhir(resource):
            raise InputError("not a FHIR resource (no resourceType)", location=source)
        _resources(resource, None, items)
    alias: dict[str, str] = {}  # reference -> patient key
    for r, url in items:
        if r["resourceType"] == "Patient":
            key = f"Patient/{r.get('id')}" if r.get("id") else (url or f"Patient#{len(alias)}")
            alias[key] = key
            if url:
                alias[url] = key
                alias[_ref_key(url)] = key
    catalogue = {}
    for r, url in items:
        if r["resourceType"] == "Medication":
            for k in filter(None, (url, _label(r, url), f"#{r.get('id')}", r.get("id"))):
                catalogue[str(k)] = r
    builders: dict[str, _Builder] = {}
    stray: Counter[str] = Counter()

    def builder(key: str) -> _Builder:
        if key not in builders:
            builders[key] = _Builder(key, vocab, as_of)
        return builders[key]

    for r, url in items:
        kind = r["resourceType"]
        label = _label(r, url)
        if kind == "Patient":
            b = builder(alias.get(url or "", "") or alias.get(label, label))
            try:
                b.patient(r, label)
            except (TypeError, AttributeError, KeyError, ValueError) as exc:
                b.note("Resources with an unexpected shape", f"{label} ({type(exc).__name__})")
            continue
        ref = _subject(r)
        if kind not in _READERS:
            other = (alias.get(ref) or _ref_key(ref)) if ref else None
            if other and (other.startswith(("Patient/", "urn:uuid:")) or other in alias.values()):
                builder(other).note("Resource types the engine does not read", kind)
            continue
        if ref is None:
            only = next(iter(alias.values())) if len(set(alias.values())) == 1 else None
            if only is None:
                stray[f"{kind} without a subject"] += 1
                continue
            key = only
        else:
            key = alias.get(ref) or alias.get(_ref_key(ref)) or _ref_key(ref)
            if not key.startswith("Patient/") and not key.startswith("urn:uuid:") and key not in alias.values():
                stray[f"{kind} about {ref.split('/')[0]}, not a patient"] += 1
                continue
        b = builder(key)
        try:
            if kind == "Observation":
                b.observation(r, label)
            elif kind == "Condition":
                b.condition(r, label)
            elif kind == "Procedure":
                b.procedure(r, label)
            else:
                b.medication(r, label, catalogue)
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            if isinstance(exc, InputError):
                raise
            b.note("Resources with an unexpected shape", f"{label} ({type(exc).__name__})")
    if not builders:
        raise InputError("no patient data: the FHIR input holds no Patient and no resource about one",
                         location=source)
    out = [b.build(source) for b in builders.values()]
    if stray:
        extra = "; ".join(f"{what} ×{n}" for what, n in stray.items())
        out = [FhirPatient(p.patient, p.data, p.notes + (f"not about a patient (ignored): {extra}",)) for p in out]
    return out


def single_patient(data: Any, *, patient_id: str | None = None, source: str = "<fhir>",
                   as_of: dt.date | None = None) -> FhirPatient:
    """The one patient a Bundle is about (or ``patient_id`` among several)."""
    found = read_fhir(data, source=source, as_of=as_of)
    if patient_id is not None:
        match = [p for p in found if p.patient.patient_id == patient_id]
        if not match:
            raise InputError(f"no patient {patient_id!r} in the FHIR input; it holds "
                             + ", ".join(p.patient.patient_id for p in found), location=source)
        return match[0]
    if len(found) > 1:
        raise InputError(f"the FHIR input holds {len(found)} patients ("
                         + ", ".join(p.patient.patient_id for p in found[:5])
                         + (", ..." if len(found) > 5 else "") + "): name one", location=source)
    return found[0]


def _read_json(path: Path) -> Any:
    from .patient import _DuplicateKey, _no_duplicates

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", location=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", location=str(path)) from None
    if path.suffix.lower() == ".ndjson":
        out = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"invalid JSON: {exc.msg}", location=f"{path}: line {n}") from None
        return out
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", location=f"{path}: line {exc.lineno} column {exc.colno}") from None
    except _DuplicateKey as exc:
        raise InputError(f"duplicate key {exc.key!r} in a JSON object", location=str(path)) from None


def _files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".ndjson", ".json"))
            if not found:
                raise InputError("no .ndjson or .json files in this folder", location=str(path))
            yield from found
        else:
            yield path


def load_fhir(paths: Sequence[Path], *, as_of: dt.date | None = None) -> list[FhirPatient]:
    """FHIR JSON files and bulk-export NDJSON files (or folders of them), read together.

    Bulk export writes one file per resource type, so the files are read as one set: a
    Condition in Condition.000.ndjson finds its Patient in Patient.000.ndjson.
    """
    resources_: list[Any] = []
    for path in _files(paths):
        data = _read_json(path)
        items = data if isinstance(data, list) else [data]
        for i, item in enumerate(items):
            if not is_fhir(item):
                where = f"{path}: line {i + 1}" if isinstance(data, list) else str(path)
                raise InputError("not a FHIR resource (no resourceType)", location=where)
        resources_ += items
    source = str(paths[0]) if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} more)"
    return read_fhir(resources_, source=source, as_of=as_of)
