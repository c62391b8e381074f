"""Notes, qualifiers, reference events and performance scales, read from data/methods.toml.

Kept apart from ``resolve`` (and so from lark) because evaluation needs the scale tables too.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .vocabulary import normalize_phrase


@dataclass(frozen=True, slots=True)
class Method:
    id: str
    label: str
    computes: str | None
    synonyms: tuple[str, ...]
    applies_to: tuple[str, ...] = ()
    other_when: tuple[str, ...] = ()
    restricts: bool = False  # "QTcF": a result by another (or an unrecorded) method cannot answer

    def measures(self, concept_id: str) -> bool:
        """"LVEF by echocardiogram": true; "LVEF by Cockcroft-Gault": false."""
        return concept_id == self.computes or concept_id in self.applies_to


@cache
def _notes_data() -> dict[str, Any]:
    """data/methods.toml: methods, narrowing qualifiers and window reference events."""
    path = Path(__file__).parent / "data" / "methods.toml"
    if path.is_file():
        return tomllib.loads(path.read_text("utf-8"))
    return tomllib.loads((resources.files("screening") / "data" / "methods.toml").read_text("utf-8"))


@cache
def load_methods() -> dict[str, Method]:
    return {
        k: Method(k, v["label"], v.get("computes"), tuple(v["synonyms"]), tuple(v.get("applies_to", ())),
                  tuple(v.get("other_when", ())), bool(v.get("restricts", False)))
        for k, v in _notes_data()["methods"].items()
    }


@cache
def _qualifier_pattern(key: str = "words") -> re.Pattern[str]:
    words = sorted(_notes_data()["qualifiers"][key], key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.I)


@cache
def _event_words() -> frozenset[str]:
    return frozenset(normalize_phrase(w) for w in _notes_data()["events"]["words"])


@cache
def scale_conversions(concept_id: str) -> dict[str, dict[str, list[float]]]:
    """{other scale: {its value: possible values of this scale}} for performance scales."""
    tables = _notes_data().get("scales", {}).get(concept_id, {})
    return {name.removeprefix("from_"): table for name, table in tables.items()}


@cache
def _neutral_notes() -> frozenset[str]:
    return frozenset(normalize_phrase(p) for p in _notes_data()["neutral_notes"]["phrases"])


@cache
def _inclusive_notes() -> frozenset[str]:
    return frozenset(normalize_phrase(p) for p in _notes_data()["inclusive_notes"]["phrases"])


def is_inclusive_note(text: str) -> bool:
    """"(inclusive)" after "18 to 65 years": the limits are in, as a range reads them anyway."""
    return normalize_phrase(text) in _inclusive_notes()


@cache
def _care_permission_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The words of supportive care, of permission, and the others a permission note may use."""
    data = _notes_data()["neutral_notes"]
    def bag(key: str) -> frozenset[str]:
        return frozenset(w for phrase in data[key] for w in normalize_phrase(phrase).split())
    return bag("care"), bag("permits"), bag("words")


def is_neutral_note(text: str) -> bool:
    """True for a note that allows what the bound already allows: "(transfusions allowed)", or
    one that only permits supportive care to reach it ("(may receive RBC transfusions)")."""
    key = normalize_phrase(text)
    if key in _neutral_notes():
        return True
    care, permits, others = _care_permission_words()
    words = set(key.split())
    return bool(words & care) and bool(words & permits) and words <= care | permits | others


# "the first dose of ARQ 197", "the first administration of CT3001": the study drug named by its
# code or name, which the vocabulary does not know (a drug it knows may be given before the study)
_FIRST_DOSE_OF_A_NEW_DRUG = re.compile(
    r"(?:the\s+)?(?:first|initial)\s+(?:dose|administration|infusion)\s+of\s+"
    r"(?P<drug>[A-Za-z][A-Za-z0-9\-]*(?:\s+\d[A-Za-z0-9\-]*)?)", re.I)


def is_reference_event(text: str) -> bool:
    """True for "the start of study drug administration", false for anything with other words."""
    words = normalize_phrase(text).split()
    if bool(words) and all(w in _event_words() for w in words):
        return True
    m = _FIRST_DOSE_OF_A_NEW_DRUG.fullmatch(text.strip())
    if m is None or normalize_phrase(m["drug"]) in _event_words():
        return False
    from .vocabulary import load_vocabulary

    return load_vocabulary().lookup(m["drug"]) is None and not load_vocabulary().find(m["drug"])


def says_qualifier(label: str, qualifier: str) -> bool:
    """Whether a record's label carries the narrowing word, as a whole word ("inactive brain
    metastases" does not say "active")."""
    return re.search(rf"(?<![A-Za-z\-]){re.escape(qualifier)}(?![A-Za-z])", label, re.I) is not None


def find_qualifier(text: str, kind: str = "condition") -> str | None:
    """The narrowing word of a condition phrase ("uncontrolled") or, for a medication class, of a
    therapy ("chronic"), if any."""
    m = _qualifier_pattern("therapy_words" if kind == "medication_class" else "words").search(text)
    return m.group(1).lower() if m else None


@cache
def _method_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for m in load_methods().values():
        for s in (*m.synonyms, m.label, m.id):
            index[normalize_phrase(s)] = m.id
    return index


def restricting_methods_in(name: str, concept_id: str) -> list[str]:
    """The methods that restrict a concept and that its name as written says ("QTcF", "Fridericia-
    corrected QT interval"): a criterion naming one asks for a result by that method only."""
    key = normalize_phrase(name)
    return [m.id for m in _restricting(concept_id) if any(
        re.search(rf"(?<![a-z0-9]){re.escape(normalize_phrase(s))}(?![a-z0-9])", key) for s in m.synonyms)]


def _restricting(concept_id: str) -> list[Method]:
    return [m for m in load_methods().values() if m.restricts and m.measures(concept_id)]


@cache
def method_spellings(concept_id: str) -> dict[str, str]:
    """How a cohort cell may name a restricting method of a concept (its id, label or a synonym,
    in any case) -> the method id: "QTcF" -> "fridericia". Empty when the concept has none."""
    out: dict[str, str] = {}
    for m in _restricting(concept_id):
        for spelling in (m.id, m.label, *m.synonyms):
            out.setdefault(spelling.lower(), m.id)
    return out


def lookup_method(text: str) -> str | None:
    key = normalize_phrase(text)
    index = _method_index()
    if key in index:
        return index[key]
    words = set(key.split())
    for syn, mid in index.items():  # "Cockroft-Gault formula calculation" contains a synonym
        if re.search(rf"(?<![a-z0-9]){re.escape(syn)}(?![a-z0-9])", key):
            if any(normalize_phrase(w) in words for w in load_methods()[mid].other_when):
                return None  # "modified RECIST criteria": another method
            return mid
    return None




@cache
def filler_words() -> frozenset[str]:
    return frozenset(normalize_phrase(w) for w in _notes_data()["fillers"]["words"])


@cache
def comprehension_words() -> frozenset[str]:
    return frozenset(normalize_phrase(w) for w in _notes_data()["comprehension"]["words"])


@cache
def person_words() -> frozenset[str]:
    return frozenset(normalize_phrase(w) for w in _notes_data().get("persons", {}).get("words", []))


def derivations(concept_id: str) -> list[str]:
    """Methods that compute this concept from others (creatinine clearance: Cockcroft-Gault)."""
    return [m.id for m in load_methods().values() if m.computes == concept_id]


@cache
def _lead_in_words() -> frozenset[str]:
    return frozenset(normalize_phrase(w) for w in _notes_data()["lead_ins"]["words"])


@cache
def _topic_headings() -> frozenset[str]:
    return frozenset(normalize_phrase(p) for p in _notes_data().get("topic_headings", {}).get("phrases", []))


_REQUIREMENT_WORDS = frozenset({"adequate", "acceptable", "sufficient", "normal", "must", "should",
                                "satisfy", "fulfil", "fulfill", "meet", "meets", "demonstrate"})


# "at least 2 of the following", "≥ 2 of the following", "2 or more of these": a count of the items
_COUNT_OF = re.compile(r"\b(\d+|one|two|three|four|five|six)\s+(?:or\s+more\s+)?(?:\w+\s+){0,2}?of\s+"
                       r"(?:the\s+)?(?:following|these|them|below)\b", re.I)

# a group the items are for, whose plain words ("cardiac disease") would otherwise pass
_FOR_A_GROUP = re.compile(r"\b(?:in|for|among)\s+(?:the\s+)?(?:patients|subjects|participants|women|men|those)\s+"
                          r"(?:with|who|whose|on|receiving)\b", re.I)


def is_plain_lead_in(text: str, *, negated: bool = False, exclusion: bool = False) -> bool:
    """True for "Adequate organ function as defined below:"; false when other words may change
    what the sub-items mean ("Lesions that are not considered measurable include:").
    ``negated``: the segmenter already read the lead-in's negation ("No history of any of ...").
    """
    if normalize_phrase(text) in _topic_headings():
        return True
    words = [w for w in normalize_phrase(text).split() if not w.isdigit()]
    count = _COUNT_OF.search(text)
    if count and count[1].lower() not in ("1", "one"):
        return False  # "At least 2 of the following:": neither all of them nor any one
    if _FOR_A_GROUP.search(text):
        return False  # "Any of the following in patients with cardiac disease:": only for that group
    if exclusion and any(w in _REQUIREMENT_WORDS for w in words):
        return False  # "Adequate organ function defined as:" listed among exclusions reads inverted
    if negated:
        words = [w for w in words if w not in {"no", "none", "not", "without", "free", "never"}]
    return all(w in _lead_in_words() for w in words)
