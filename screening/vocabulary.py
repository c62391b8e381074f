"""Vocabulary: the concepts criteria talk about, loaded from ``data/vocabulary.toml``.

Flow: the TOML (one table per concept id) -> validated ``Concept`` records -> a ``Vocabulary``
with indexes for synonyms (``lookup``, ``find``), LOINC and terminology codes, category
spellings (HER2 "IHC 2+/FISH+") and the ``broader`` hierarchy (``expand``). ``resolve`` uses it
to turn words into concept ids; ``evaluate`` uses it to match patient data to those ids.

A new lab, synonym or unit is a data change, never a new ``if``. Loading is fast and never imports
pint: canonical units are checked with ``units.normalize_unit``, which is pure Python.
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from screening.cache import cache_dir
from screening.errors import ScreeningError, UnitError
from screening.units import normalize_unit

__all__ = [
    "KINDS",
    "Concept",
    "Vocabulary",
    "VocabularyError",
    "load_vocabulary",
    "normalize_category",
    "normalize_phrase",
]

KINDS = frozenset(
    {
        "lab",
        "score",
        "category",
        "condition",
        "medication_class",
        "procedure",
        "demographic",
        "measurement",
        "count",
        "attestation",
        "state",
    }
)
CODE_SYSTEMS = frozenset({"snomed", "icd10", "icd9", "rxnorm", "atc"})
_HIERARCHICAL = frozenset({"icd10", "icd9", "atc"})  # a code also matches by its prefix
_SYSTEM_ALIASES = {
    "icd-10": "icd10",
    "icd10cm": "icd10",
    "icd-10-cm": "icd10",
    "icd-9": "icd9",
    "icd9cm": "icd9",
    "icd-9-cm": "icd9",
    "snomedct": "snomed",
    "snomed-ct": "snomed",
    "snomed ct": "snomed",
    "sct": "snomed",
}
_KEYS = frozenset(
    {
        "kind",
        "label",
        "synonyms",
        "unit",
        "loinc",
        "reference_range",
        "plausible",
        "molar_mass",
        "valence",
        "bare_units",
        "codes",
        "members",
        "broader",
        "categories",
        "aggregates",
        "aggregate_synonyms",
        "values",
        "order",
        "lasting",
        "quantity",
        "narrowed_by",
        "raises",
        "defined_by",
        "pair",
        "panel",
        "by_unit",
        "supports",
    }
)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_LOINC = re.compile(r"^\d{1,7}-\d$")
_CACHE_VERSION = "9"
_CACHE_KEEP = 4

K = TypeVar("K")
V = TypeVar("V")


class VocabularyError(ScreeningError, ValueError):
    """The vocabulary data is malformed; the message names the concept and the field."""


class FrozenMap(Mapping[K, V]):
    """A read-only, hashable, picklable mapping, so that ``Concept`` stays immutable."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._data: dict[K, V] = dict(data)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[type[FrozenMap[K, V]], tuple[dict[K, V]]]:
        return (type(self), (self._data,))


_EMPTY: FrozenMap[Any, Any] = FrozenMap()
Range = tuple[float | None, float | None]


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing a criterion can be about: a lab, a score, a condition, a drug class ..."""

    id: str
    kind: str
    label: str
    synonyms: tuple[str, ...] = ()
    unit: str | None = None  # canonical unit, a spelling units.normalize_unit reads
    loinc: tuple[str, ...] = ()
    reference_range: Range | None = None  # default adult range, canonical unit
    plausible: Range | None = None  # values outside (after conversion) are rejected
    molar_mass: float | None = None  # g/mol
    valence: int | None = None
    bare_units: Mapping[str, str] = _EMPTY
    codes: Mapping[str, tuple[str, ...]] = _EMPTY
    members: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    categories: Mapping[str, tuple[str, ...]] = _EMPTY
    aggregates: Mapping[str, tuple[str, ...]] = _EMPTY
    aggregate_synonyms: Mapping[str, tuple[str, ...]] = _EMPTY
    values: tuple[int | float, ...] = ()
    order: tuple[str, ...] = ()
    lasting: bool = False  # a result that does not go stale with the trial's lab age (HER2 status)
    # for a category: the lab its name means when a criterion gives an amount ("proteinuria
    # > 1 g/24 h" is the 24-hour urine protein, not the dipstick)
    quantity: str | None = None
    # words that narrow this condition although elsewhere they only mean "current": "ACTIVE brain
    # metastases" are untreated or progressing ones, not any brain metastases
    narrowed_by: tuple[str, ...] = ()
    # labs this condition raises of itself, for which trials bound another lab instead ("direct
    # bilirubin ≤ 1.5 × ULN for patients with Gilbert's syndrome" replaces the total bilirubin bound)
    raises: tuple[str, ...] = ()
    # what a bound in parentheses after this condition may define it by ("uncontrolled
    # hypertension (systolic BP > 160 mmHg)", "hyperkalemia (potassium > 5.0 mEq/L)"): then the
    # bound stands for the condition, as after "defined as"; a bound on anything else is for a person
    defined_by: tuple[str, ...] = ()
    # a measure written as two values ("blood pressure 150/100 mmHg"): the two it stands for
    pair: tuple[str, ...] = ()
    # a name for several labs read together ("transaminases ≤ 3 × ULN" is AST and ALT): a bound on
    # it bounds each of them; never recorded itself
    panel: tuple[str, ...] = ()
    # other labs the same words name when the value's unit is theirs and not this one's:
    # "creatinine clearance ≥ 60 mL/min/1.73 m²" is a clearance per body surface area
    by_unit: tuple[str, ...] = ()
    # for supportive care (transfusions, growth factors): the labs it raises, and never lowers. A
    # value measured after it may be above the patient's own, so a bound it voids ("without
    # transfusion within 7 days") still decides on the side the care cannot have moved it to
    supports: tuple[str, ...] = ()

    @property
    def dated(self) -> bool:
        """Results that go stale: labs, lab-like categorical results (dipstick, serology) and
        measurements such as weight; scores and lasting results (HER2 status) are taken as given."""
        return self.kind in {"lab", "category", "measurement"} and not self.lasting

    @property
    def stands_for(self) -> tuple[str, ...]:
        """The concepts a name that is never recorded itself stands for: a pair (blood pressure)
        or a panel (transaminases)."""
        return self.pair or self.panel

    def __hash__(self) -> int:
        # Ids are unique within the vocabulary; hashing the mappings would be slow for nothing.
        return hash(self.id)


# --------------------------------------------------------------------------- text normalisation

_WORD = re.compile(r"[^\W_]+(?:['’‘`][sS](?![^\W_]))?")
_POSSESSIVE = re.compile(r"['’‘`]s$")


def _singular(word: str) -> str:
    """Fold simple English plurals so "platelets", "malignancies" match their singular."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=65536)
def _fold(token: str) -> str:
    """One word's matching key (memoised: vocabulary words recur thousands of times)."""
    if not token.isascii():
        token = unicodedata.normalize("NFKC", token)
    token = token.casefold()
    if token.endswith("s") and len(token) > 2 and token[-2] in "'’‘`":
        token = token[:-2]
    return _singular(token)


def _words(text: str) -> tuple[str, ...]:
    return tuple(map(_fold, _WORD.findall(text)))


def normalize_phrase(text: str) -> str:
    """The matching key of a phrase: words only, lowercased, possessives and plurals folded.

    All punctuation separates words, so quotes, dashes (any Unicode dash or minus), slashes and
    brackets never matter: "Gilbert's syndrome", "Gilberts syndrome" and "gilbert syndrome" give
    "gilbert syndrome"; "G-CSF" and "G CSF" give "g csf".
    """
    return " ".join(_words(text))


_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_CATEGORY_NEGATIVE = re.compile(
    r"[-\s]*\b(?:not[-\s]*amplified|non[-\s]*amplified|negative|neg)\b", re.IGNORECASE
)
_CATEGORY_POSITIVE = re.compile(r"[-\s]*\b(?:positive|pos|amplified)\b", re.IGNORECASE)
_CATEGORY_ISH = re.compile(r"\b(?:fish|sish|cish|dish)\b")
_CATEGORY_AND = re.compile(r"\b(?:and|with)\b")
_CATEGORY_INNER_HYPHEN = re.compile(r"(?<=[a-z0-9])(?:-| - )(?=[a-z0-9])")
_CATEGORY_DROP = re.compile(r"[\s_/,.()\[\]]+")
_CATEGORY_OR = re.compile(r"\bor\b|[,;]", re.IGNORECASE)


def normalize_category(text: str) -> str:
    """The matching key of a category spelling: "IHC 2+ and FISH positive" -> "ihc2+ish+".

    Spacing and case never matter; positive/pos/amplified -> "+", negative/neg/not amplified ->
    "-", FISH/SISH/CISH/DISH -> "ish", "and" -> "/", every Unicode minus or dash -> "-".
    """
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", text)).casefold()
    text = _CATEGORY_NEGATIVE.sub("-", text)
    text = _CATEGORY_POSITIVE.sub("+", text)
    text = _CATEGORY_ISH.sub("ish", text)
    text = _CATEGORY_AND.sub("/", text)
    text = _CATEGORY_INNER_HYPHEN.sub("", text)
    return _CATEGORY_DROP.sub("", text)


# --------------------------------------------------------------------------- the vocabulary


def _case_guard(synonym: str) -> str | None:
    """Short acronyms keep their case: "PT" is not "pt" (patient), "eGFR" is not "EGFR" (the
    receptor), "Cr" is not "CR" (complete response), "Mg" is not "mg"."""
    text = synonym.strip()
    if len(text) > 5 or not text.isalnum():
        return None
    # An acronym has a capital after its first letter ("PT", "eGFR", "ANC") or is a two-letter
    # symbol ("Cr", "Mg"); a capitalised word ("Urea", "Age") is just a word.
    if any(ch.isupper() for ch in text[1:]) or (len(text) <= 2 and text[0].isupper()):
        return text
    return None


def _case_ok(token: str, exact: str) -> bool:
    token = _POSSESSIVE.sub("", token.strip())
    candidates = {token, token.removesuffix("s")}
    if exact in candidates:
        return True
    # "HCG" for "hCG", "SCR" for "SCr": all capitals are fine for a 2-3 letter acronym that
    # already has two capitals ("Cr" has one, so "CR" stays complete response).
    return (
        len(exact) <= 3 and sum(ch.isupper() for ch in exact) >= 2 and exact.upper() in candidates
    )


def _build_index(concepts: Mapping[str, Concept]) -> dict[str, Any]:
    """Every lookup table, checking on the way that no phrase, code or spelling is ambiguous.

    The tables hold only dicts, lists and strings, so that ``load_vocabulary`` can keep them in
    its JSON cache and a later run restores them without rebuilding (see ``load_vocabulary``).
    """
    phrases: dict[str, str] = {}
    guards: dict[str, list[str]] = {}  # key -> exact spellings, when every name with it is guarded
    unguarded: set[str] = set()
    patterns: dict[str, list[list[Any]]] = {}  # first word -> [[words], concept id, exact|None]
    loinc: dict[str, str] = {}
    codes: dict[str, dict[str, str]] = {}
    categories: dict[str, dict[str, list[str]]] = {}
    prefixes: dict[str, list[str]] = {}
    narrower: dict[str, list[str]] = {cid: [] for cid in concepts}

    for concept in concepts.values():
        cid = concept.id
        seen: set[tuple[tuple[str, ...], str | None]] = set()
        for position, name in enumerate((cid, concept.label, *concept.synonyms, *concept.members)):
            words = _words(name)
            key = " ".join(words)
            if not key:
                raise _fail(cid, f"name {name!r} has no words")
            owner = phrases.setdefault(key, cid)
            if owner != cid:
                raise _fail(
                    cid,
                    f"name {name!r} is also a name of {owner!r} (both normalise to {key!r}); "
                    "a phrase must name one concept",
                )
            if position == 0:
                continue  # the id: looked up verbatim first, never relaxes a guard, never found
            exact = _case_guard(name)
            if exact is None:
                unguarded.add(key)
                guards.pop(key, None)
            elif key not in unguarded and exact not in guards.setdefault(key, []):
                guards[key].append(exact)
            if (words, exact) not in seen:
                seen.add((words, exact))
                patterns.setdefault(words[0], []).append([list(words), cid, exact])
        for code in concept.loinc:
            if loinc.setdefault(code, cid) != cid:
                raise _fail(cid, f"LOINC {code} is also {loinc[code]!r}")
        for system, listed in concept.codes.items():
            table = codes.setdefault(system, {})
            for code in listed:
                if table.setdefault(_code_key(system, code), cid) != cid:
                    raise _fail(cid, f"{system} {code} is also {table[_code_key(system, code)]!r}")
        if concept.categories:
            categories[cid] = _category_table(concept)
            keys = {normalize_category(s) for s in (concept.label, *concept.synonyms)} - {""}
            prefixes[cid] = sorted(keys, key=len, reverse=True)
        for parent in concept.broader:
            if parent not in narrower:
                raise _fail(cid, f"broader {parent!r} is not a concept")
            narrower[parent].append(cid)
        for lab in concept.raises:
            if lab not in concepts or concepts[lab].kind != "lab":
                raise _fail(cid, f"raises {lab!r}, which is not a lab")
        for measure in concept.defined_by:
            if concept.kind != "condition" or measure not in concepts \
                    or concepts[measure].kind not in ("lab", "measurement", "score"):
                raise _fail(cid, f"defined_by {measure!r}: a condition is defined by a measured concept")
        if concept.pair and (len(concept.pair) != 2 or any(
                m not in concepts or concepts[m].kind != concept.kind or concepts[m].unit != concept.unit
                for m in concept.pair)):
            raise _fail(cid, f"pair {list(concept.pair)!r} must name two {concept.kind} concepts in {concept.unit}")
        if concept.panel and (len(concept.panel) < 2 or concept.kind != "lab" or any(
                m not in concepts or concepts[m].kind != "lab" or concepts[m].unit != concept.unit
                for m in concept.panel)):
            raise _fail(cid, f"panel {list(concept.panel)!r} must name two or more labs in {concept.unit}")
        if concept.by_unit and (concept.kind != "lab" or any(
                o not in concepts or concepts[o].kind != "lab" for o in concept.by_unit)):
            raise _fail(cid, f"by_unit {list(concept.by_unit)!r} must name labs, for a lab")
        if concept.supports and (concept.kind not in ("medication_class", "procedure") or any(
                o not in concepts or concepts[o].kind != "lab" for o in concept.supports)):
            raise _fail(cid, f"supports {list(concept.supports)!r} must name labs, for a therapy or procedure")
        if concept.quantity is not None and (concept.quantity not in concepts
                                             or concepts[concept.quantity].kind != "lab"):
            raise _fail(cid, f"quantity {concept.quantity!r} is not a lab")

    for candidates in patterns.values():
        candidates.sort(key=lambda p: -len(p[0]))  # longest name first
    _check_cycles(concepts)
    return {
        "phrases": phrases,
        "guards": guards,
        "patterns": patterns,
        "loinc": loinc,
        "codes": codes,
        "categories": categories,
        "category_prefixes": prefixes,
        "narrower": narrower,
    }


def _category_table(concept: Concept) -> dict[str, list[str]]:
    """Normalised spelling -> canonical codes; a spelling may stand for one meaning only."""
    table: dict[str, list[str]] = {}

    def add(spelling: str, codes: list[str]) -> None:
        key = normalize_category(spelling)
        if not key:
            raise _fail(concept.id, f"category spelling {spelling!r} is empty once normalised")
        known = table.setdefault(key, codes)
        if known != codes:
            raise _fail(
                concept.id,
                f"category spelling {spelling!r} means both {'/'.join(known)} and {'/'.join(codes)}",
            )

    for code, spellings in concept.categories.items():
        for spelling in (code, *spellings):
            add(spelling, [code])
    for name, members in concept.aggregates.items():
        ordered = [c for c in concept.categories if c in members]
        for spelling in (name, *concept.aggregate_synonyms.get(name, ())):
            add(spelling, ordered)
    for name, spellings in concept.aggregate_synonyms.items():
        if name not in concept.aggregates:
            for spelling in spellings:
                add(spelling, [name])
    return table


def _check_cycles(concepts: Mapping[str, Concept]) -> None:
    for concept in concepts.values():
        seen: set[str] = set()
        stack = list(concept.broader)
        while stack:
            parent = stack.pop()
            if parent == concept.id:
                raise _fail(concept.id, "its broader chain loops back to itself")
            if parent not in seen and parent in concepts:
                seen.add(parent)
                stack.extend(concepts[parent].broader)


class Vocabulary:
    """Concepts by id, with the indexes that ``resolve`` and ``evaluate`` need."""

    __slots__ = ("_index", "concepts", "_by_id", "_expanded", "_ancestors", "_looked_up")

    def __init__(
        self, concepts: Mapping[str, Concept], *, _index: dict[str, Any] | None = None
    ) -> None:
        """Build (and so validate) the indexes; ``_index`` is only for a trusted cache restore."""
        self.concepts: Mapping[str, Concept] = FrozenMap(concepts)
        self._index = _build_index(concepts) if _index is None else _index
        # plain dicts for the hot path of screening (a patient looks concepts up ~100 times)
        self._by_id: dict[str, Concept] = dict(concepts)
        self._expanded: dict[str, frozenset[str]] = {}
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._looked_up: dict[str, Concept | None] = {}  # phrase -> concept, bounded below

    # -- queries ----------------------------------------------------------------------------

    def get(self, concept_id: str) -> Concept:
        """The concept with this id; ``KeyError`` naming close ids (or the synonym's id)."""
        concept = self._by_id.get(concept_id)
        if concept is not None:
            return concept
        import difflib  # only on the error path

        hints = difflib.get_close_matches(concept_id, list(self.concepts), n=3, cutoff=0.6)
        named = self.lookup(concept_id)
        if named is not None and named.id not in hints:
            hints.insert(0, named.id)
        hint = f"; did you mean {', '.join(hints)}?" if hints else ""
        raise KeyError(f"unknown concept {concept_id!r}{hint}")

    def lookup(self, phrase: str) -> Concept | None:
        """The concept whose id, label, synonym or member equals the whole phrase (normalised).

        Case, plurals, possessives and punctuation do not matter, except for short acronyms
        (see ``find``), which must keep their case.
        """
        if phrase in self._looked_up:
            return self._looked_up[phrase]
        found = self._lookup(phrase)
        if len(self._looked_up) < 100_000:  # patients repeat the same names; keep memory bounded
            self._looked_up[phrase] = found
        return found

    def _lookup(self, phrase: str) -> Concept | None:
        concept = self._by_id.get(phrase)
        if concept is not None:
            return concept
        key = normalize_phrase(phrase)
        concept_id = self._index["phrases"].get(key)
        if concept_id is None:
            return None
        guards = self._index["guards"].get(key)
        written = " ".join(_WORD.findall(phrase))  # as written, without surrounding punctuation
        if guards and not any(_case_ok(written, exact) for exact in guards):
            return None  # "pt" is not PT, "EGFR" is not eGFR
        return self._by_id[concept_id]

    def find(self, phrase: str) -> list[tuple[Concept, int, int]]:
        """Concept names inside a longer phrase: (concept, start, end) offsets into ``phrase``.

        Whole words only, longest match first, no overlaps, in reading order. Names of up to five
        letters and digits that contain a capital ("PT", "MI", "Cr", "eGFR") must keep their case,
        so "pt" (patient), "CR" (complete response) and "EGFR" (the receptor) are not matched.
        """
        tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(phrase)]
        keys = [_fold(t[2]) for t in tokens]
        found: list[tuple[int, int, str]] = []  # (first token, end token, concept id)
        patterns = self._index["patterns"]
        for i, key in enumerate(keys):
            for words, concept_id, exact in patterns.get(key, ()):
                end = i + len(words)
                if keys[i:end] != words:
                    continue
                if exact is not None and not _case_ok(tokens[i][2], exact):
                    continue
                found.append((i, end, concept_id))
        found.sort(key=lambda f: (-(f[1] - f[0]), -(tokens[f[1] - 1][1] - tokens[f[0]][0]), f[0]))
        taken = [False] * len(tokens)
        chosen: list[tuple[int, int, str]] = []
        for first, end, concept_id in found:
            if any(taken[first:end]):
                continue
            taken[first:end] = [True] * (end - first)
            chosen.append((first, end, concept_id))
        chosen.sort()
        spans: list[tuple[str, int, int]] = []
        for first, end, cid in chosen:
            start, stop = tokens[first][0], tokens[end - 1][1]
            # "alanine aminotransferase (ALT)": a name and its bracketed abbreviation are one
            # mention, so merge same-concept neighbours separated only by brackets and spaces.
            if spans and spans[-1][0] == cid and not phrase[spans[-1][2] : start].strip(" ([])"):
                start = spans.pop()[1]
            text = phrase[start:stop]
            if text.count("(") > text.count(")") and phrase[stop:].lstrip().startswith(")"):
                stop = phrase.index(")", stop) + 1
            spans.append((cid, start, stop))
        return [(self.concepts[cid], start, stop) for cid, start, stop in spans]

    def by_loinc(self, code: str) -> Concept | None:
        """The concept a LOINC code reports (mass and moles codes of one analyte map to it)."""
        concept_id = self._index["loinc"].get(code.strip())
        return None if concept_id is None else self.concepts[concept_id]

    def by_code(self, system: str, code: str) -> Concept | None:
        """The concept coded so; ICD and ATC codes also match a listed parent (I21.4 -> I21)."""
        name = system.strip().casefold()
        name = _SYSTEM_ALIASES.get(name, name)
        if name == "loinc":
            return self.by_loinc(code)
        key = _code_key(name, code)
        candidates = [key]
        if name in _HIERARCHICAL:
            candidates += [key[:n] for n in range(len(key) - 1, 2, -1)]
        table = self._index["codes"].get(name, {})
        for candidate in candidates:
            concept_id = table.get(candidate)
            if concept_id is not None:
                return self.concepts[concept_id]
        return None

    def category(self, concept_id: str, spelling: str) -> tuple[str, ...] | None:
        """The canonical codes a spelling stands for: a code gives itself, an aggregate its members.

        "HER2-positive" -> ("ihc_2+_ish+", "ihc_3+"); "IHC 2+ and FISH positive" ->
        ("ihc_2+_ish+",); "IHC 1+ or IHC 2+/ISH-" -> both codes. ``None`` if not understood.
        """
        concept = self.get(concept_id)
        table = self._index["categories"].get(concept.id)
        if not table:
            return None
        found = self._category_one(concept.id, table, spelling)
        if found is not None:
            return found
        parts = [p for p in _CATEGORY_OR.split(spelling) if p.strip()]
        if len(parts) < 2:
            return None
        union: set[str] = set()
        for part in parts:
            codes = self._category_one(concept.id, table, part)
            if codes is None:
                return None
            union.update(codes)
        return tuple(c for c in concept.categories if c in union)

    def _category_one(
        self, concept_id: str, table: Mapping[str, list[str]], spelling: str
    ) -> tuple[str, ...] | None:
        key = normalize_category(spelling)
        if key in table:
            return tuple(table[key])
        for prefix in self._index["category_prefixes"][concept_id]:  # "HER2 IHC 3+" -> "IHC 3+"
            if key.startswith(prefix) and key[len(prefix) :] in table:
                return tuple(table[key[len(prefix) :]])
        return None

    def expand(self, concept_id: str) -> frozenset[str]:
        """The concept and every concept whose ``broader`` chain reaches it."""
        cached = self._expanded.get(concept_id)
        if cached is not None:
            return cached
        start = self.get(concept_id).id
        result = {start}
        stack = [start]
        while stack:
            for child in self._index["narrower"][stack.pop()]:
                if child not in result:
                    result.add(child)
                    stack.append(child)
        frozen = frozenset(result)
        self._expanded[concept_id] = frozen
        return frozen

    def ancestors(self, concept_id: str) -> tuple[str, ...]:
        """The concept and every concept on its ``broader`` chains (nearest first)."""
        cached = self._ancestors.get(concept_id)
        if cached is not None:
            return cached
        out: list[str] = []
        todo = [self.get(concept_id).id]
        while todo:
            cid = todo.pop(0)
            if cid in out:
                continue
            out.append(cid)
            todo.extend(self.get(cid).broader)
        self._ancestors[concept_id] = tuple(out)
        return self._ancestors[concept_id]

    # -- construction from data -------------------------------------------------------------

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, source: str = "vocabulary.toml") -> Vocabulary:
        """Validate parsed TOML (``{"concepts": {id: {...}}}``) and build the vocabulary."""
        try:
            extra = set(data) - {"concepts"}
            if extra:
                raise VocabularyError(f"unknown top-level key(s) {sorted(extra)}")
            raw = data.get("concepts")
            if not isinstance(raw, dict) or not raw:
                raise VocabularyError("no [concepts.<id>] tables")
            concepts = {cid: _concept(cid, body) for cid, body in raw.items()}
            return cls(concepts)
        except VocabularyError as error:
            raise VocabularyError(error.message, location=source) from None

    @classmethod
    def from_toml(cls, text: str, *, source: str = "vocabulary.toml") -> Vocabulary:
        """Parse, validate and build; for tests and for projects with their own vocabulary."""
        import tomllib  # a cached load never needs it

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise VocabularyError(f"not valid TOML: {error}", location=source) from None
        return cls.from_data(data, source=source)


def _code_key(system: str, code: str) -> str:
    code = code.strip()
    return code.upper().replace(".", "") if system in _HIERARCHICAL else code


# --------------------------------------------------------------------------- validation


def _fail(cid: str, message: str) -> VocabularyError:
    return VocabularyError(f"concept {cid!r}: {message}")


def _strings(cid: str, field: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(cid, f"{field} must be a list of non-empty strings")
    return tuple(dict.fromkeys(v.strip() for v in value))


def _range(cid: str, field: str, value: Any) -> Range:
    if not isinstance(value, dict) or not value or set(value) - {"low", "high"}:
        raise _fail(cid, f"{field} must be a table with 'low' and/or 'high'")
    low, high = value.get("low"), value.get("high")
    for bound in (low, high):
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int | float)):
            raise _fail(cid, f"{field} bounds must be numbers")
    if low is not None and high is not None and low > high:
        raise _fail(cid, f"{field} low {low} is above high {high}")
    return (None if low is None else float(low), None if high is None else float(high))


def _unit(cid: str, field: str, spelling: Any) -> str:
    if not isinstance(spelling, str):
        raise _fail(cid, f"{field} must be a string")
    try:
        normalize_unit(spelling)
    except UnitError as error:
        raise _fail(
            cid, f"{field} {spelling!r} is not a unit units.py can read ({error})"
        ) from None
    return spelling


def _string_lists(cid: str, field: str, value: Any) -> FrozenMap[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise _fail(cid, f"{field} must be a table of lists")
    return FrozenMap((str(k), _strings(cid, f"{field}.{k}", v)) for k, v in value.items())


def _concept(cid: str, body: Any) -> Concept:
    """Check one concept table and build its record; errors name the concept and the field."""
    if not _ID.match(cid):
        raise _fail(cid, "ids are snake_case (a-z, 0-9, _)")
    if not isinstance(body, dict):
        raise _fail(cid, "must be a table")
    unknown = set(body) - _KEYS
    if unknown:
        import difflib  # only on the error path

        hints = {k: difflib.get_close_matches(k, sorted(_KEYS), n=1) for k in unknown}
        said = ", ".join(
            f"{k!r}" + (f" (did you mean {h[0]!r}?)" if h else "") for k, h in hints.items()
        )
        raise _fail(cid, f"unknown key(s) {said}")
    kind = body.get("kind")
    if kind not in KINDS:
        raise _fail(cid, f"kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    label = body.get("label")
    if not isinstance(label, str) or not label.strip():
        raise _fail(cid, "needs a label")
    unit = _unit(cid, "unit", body["unit"]) if "unit" in body else None
    loinc = _strings(cid, "loinc", body.get("loinc", []))
    for code in loinc:
        if not _LOINC.match(code):
            raise _fail(cid, f"LOINC code {code!r} is malformed (expected digits-checkdigit)")
    molar_mass = body.get("molar_mass")
    if molar_mass is not None and (not isinstance(molar_mass, int | float) or molar_mass <= 0):
        raise _fail(cid, "molar_mass must be a positive number (g/mol)")
    valence = body.get("valence")
    if valence is not None and (type(valence) is not int or valence == 0):
        raise _fail(cid, "valence must be a non-zero integer")
    bare = body.get("bare_units", {})
    if not isinstance(bare, dict):
        raise _fail(cid, "bare_units must be a table")
    bare_units = FrozenMap(
        (_unit(cid, "bare_units key", k), _unit(cid, f"bare_units.{k}", v)) for k, v in bare.items()
    )
    codes = _string_lists(cid, "codes", body.get("codes", {}))
    if set(codes) - CODE_SYSTEMS:
        raise _fail(cid, f"code systems {sorted(set(codes) - CODE_SYSTEMS)} are not known")
    categories = _string_lists(cid, "categories", body.get("categories", {}))
    aggregates = _string_lists(cid, "aggregates", body.get("aggregates", {}))
    for name, members in aggregates.items():
        missing = [m for m in members if m not in categories]
        if missing:
            raise _fail(cid, f"aggregate {name!r} names unknown categories {missing}")
    aggregate_synonyms = _string_lists(
        cid, "aggregate_synonyms", body.get("aggregate_synonyms", {})
    )
    for name in aggregate_synonyms:
        if name not in aggregates and name not in categories:
            raise _fail(cid, f"aggregate_synonyms.{name} is neither an aggregate nor a category")
    order = _strings(cid, "order", body.get("order", []))
    if any(code not in categories for code in order):
        raise _fail(cid, f"order names codes that are not categories: {order}")
    values = body.get("values", [])
    if not isinstance(values, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    ):
        raise _fail(cid, "values must be a list of numbers")
    concept = Concept(
        id=cid,
        kind=kind,
        label=label.strip(),
        synonyms=_strings(cid, "synonyms", body.get("synonyms", [])),
        unit=unit,
        loinc=loinc,
        reference_range=(
            _range(cid, "reference_range", body["reference_range"])
            if "reference_range" in body
            else None
        ),
        plausible=_range(cid, "plausible", body["plausible"]) if "plausible" in body else None,
        molar_mass=None if molar_mass is None else float(molar_mass),
        valence=valence,
        bare_units=bare_units,
        codes=codes,
        members=_strings(cid, "members", body.get("members", [])),
        broader=_strings(cid, "broader", body.get("broader", [])),
        categories=categories,
        aggregates=aggregates,
        aggregate_synonyms=aggregate_synonyms,
        values=tuple(values),
        order=order,
        lasting=_flag(cid, "lasting", body.get("lasting", False)),
        quantity=_optional_string(cid, "quantity", body.get("quantity")),
        narrowed_by=_strings(cid, "narrowed_by", body.get("narrowed_by", [])),
        raises=_strings(cid, "raises", body.get("raises", [])),
        defined_by=_strings(cid, "defined_by", body.get("defined_by", [])),
        pair=_strings(cid, "pair", body.get("pair", [])),
        panel=_strings(cid, "panel", body.get("panel", [])),
        by_unit=_strings(cid, "by_unit", body.get("by_unit", [])),
        supports=_strings(cid, "supports", body.get("supports", [])),
    )
    _check_kind(concept)
    return concept


def _check_kind(concept: Concept) -> None:
    """What each kind needs, so that evaluate never meets a half-described concept."""
    cid = concept.id
    lab_incomplete = concept.unit is None or not concept.loinc or concept.reference_range is None
    if concept.kind == "lab" and lab_incomplete and not (concept.panel and concept.unit is not None):
        raise _fail(cid, "a lab needs unit, loinc and reference_range (a panel: a unit)")
    if concept.kind == "score" and not concept.values:
        raise _fail(cid, "a score needs its allowed values")
    if concept.kind == "category" and not concept.categories:
        raise _fail(cid, "a category concept needs categories")
    needs_unit = concept.kind in ("measurement", "demographic")
    if needs_unit and concept.unit is None and not concept.categories:
        raise _fail(cid, f"a {concept.kind} needs a unit or categories")
    low, high = concept.plausible or (None, None)
    ref_low, ref_high = concept.reference_range or (None, None)
    for bound in (ref_low, ref_high):
        if bound is not None and (
            (low is not None and bound < low) or (high is not None and bound > high)
        ):
            raise _fail(cid, "reference_range lies outside plausible")


# --------------------------------------------------------------------------- loading


def _read_vocabulary_bytes() -> bytes:
    """The packaged TOML: straight from disk when the package is a directory (saves ~2 ms of
    importlib.resources), else through importlib.resources (zip imports)."""
    path = Path(__file__).parent / "data" / "vocabulary.toml"
    if path.is_file():
        return path.read_bytes()
    from importlib import resources  # ~10 ms to import, rarely needed

    return (resources.files("screening") / "data" / "vocabulary.toml").read_bytes()


def _cache_path(raw: bytes) -> Path | None:
    """The cache file for this exact data *and* code: any edit to the vocabulary, the unit tables
    or the modules that check them gives a new name, so a stale cache is never read."""
    folder = cache_dir()
    if folder is None:
        return None
    parts = [_CACHE_VERSION.encode(), raw]
    try:
        from screening import units  # already imported; only its files are read

        code = Path(units.__file__)
        for source in (Path(__file__), code, code.parent / "data" / "units.toml"):
            parts.append(source.read_bytes())
    except (OSError, TypeError):
        return None  # frozen or zipped install: no cache, just the slower checked load
    blob = b"\0".join(parts)
    # Two C checksums (hashlib would load OpenSSL, ~4 ms): enough to notice any edit.
    stamp = f"{zlib.crc32(blob):08x}{zlib.adler32(blob):08x}{len(blob):x}"
    return folder / f"vocabulary-{stamp}.json"


def _optional_string(cid: str, name: str, value: object) -> str | None:
    if value is not None and not (isinstance(value, str) and value.strip()):
        raise _fail(cid, f"{name} must be a concept id")
    return value


def _flag(cid: str, name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _fail(cid, f"{name} must be true or false")
    return value


def _concept_to_json(concept: Concept) -> dict[str, Any]:
    """A checked concept as plain JSON data, for the cache."""
    out: dict[str, Any] = {}
    for name in Concept.__dataclass_fields__:
        value = getattr(concept, name)
        if isinstance(value, FrozenMap):
            value = {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


def _concept_from_json(data: Mapping[str, Any]) -> Concept:
    """Rebuild a concept that ``_concept`` checked before it was cached."""

    def lists(name: str) -> FrozenMap[str, tuple[str, ...]]:
        return FrozenMap((k, tuple(v)) for k, v in data[name].items())

    def bounds(name: str) -> Range | None:
        value = data[name]
        return None if value is None else (value[0], value[1])

    return Concept(
        id=data["id"],
        kind=data["kind"],
        label=data["label"],
        synonyms=tuple(data["synonyms"]),
        unit=data["unit"],
        loinc=tuple(data["loinc"]),
        reference_range=bounds("reference_range"),
        plausible=bounds("plausible"),
        molar_mass=data["molar_mass"],
        valence=data["valence"],
        bare_units=FrozenMap(data["bare_units"]),
        codes=lists("codes"),
        members=tuple(data["members"]),
        broader=tuple(data["broader"]),
        categories=lists("categories"),
        aggregates=lists("aggregates"),
        aggregate_synonyms=lists("aggregate_synonyms"),
        values=tuple(data["values"]),
        order=tuple(data["order"]),
        lasting=bool(data.get("lasting", False)),
        quantity=data.get("quantity"),
        narrowed_by=tuple(data.get("narrowed_by", ())),
        raises=tuple(data.get("raises", ())),
        defined_by=tuple(data.get("defined_by", ())),
        pair=tuple(data.get("pair", ())),
        panel=tuple(data.get("panel", ())),
        by_unit=tuple(data.get("by_unit", ())),
        supports=tuple(data.get("supports", ())),
    )


def _from_cache(path: Path | None) -> Vocabulary | None:
    if path is None:
        return None
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        concepts = {c["id"]: _concept_from_json(c) for c in cached["concepts"]}
        return Vocabulary(concepts, _index=cached["index"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None  # missing or damaged: rebuild it


def _to_cache(path: Path | None, vocabulary: Vocabulary) -> None:
    """Best effort: an unwritable cache only costs the slower checked load next time."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        payload = {
            "concepts": [_concept_to_json(c) for c in vocabulary.concepts.values()],
            "index": vocabulary._index,  # the cache is part of this module
        }
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        # Each edit leaves a new file; keep the few newest (several checkouts may share the dir).
        old = sorted(path.parent.glob("vocabulary-*.json"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-_CACHE_KEEP]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass


@functools.cache
def load_vocabulary() -> Vocabulary:
    """The packaged vocabulary, checked, built once per process; never imports pint.

    Checking and indexing ~150 concepts costs 15-25 ms on a slow machine, so the checked result
    (plain JSON: data and indexes, never pickle) is kept in a cache file named by a hash of the
    data and of the checking code; a later run reads it in about 5 ms.
    """
    raw = _read_vocabulary_bytes()
    path = _cache_path(raw)
    cached = _from_cache(path)
    if cached is not None:
        return cached
    import tomllib  # a cached load never needs it

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise VocabularyError(f"not valid TOML: {error}", location="vocabulary.toml") from None
    vocabulary = Vocabulary.from_data(data)
    _to_cache(path, vocabulary)
    return vocabulary
