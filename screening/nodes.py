"""The criterion language as frozen dataclasses, in two layers.

* Syntax nodes (``Name``, ``Amount``, ``Threshold`` ...) are what ``parse`` reads from one clause of
  criteria text: words are still words and units are still the spelling the trial used.
* Predicate nodes (``NumericCheck``, ``CategoryCheck``, ``PresenceCheck``, ``AllOf`` ...) are what
  ``resolve`` compiles them to: concept ids from the vocabulary, thresholds converted to the
  concept's canonical unit. ``evaluate`` and ``explain`` only see predicate nodes.

Every node carries a ``Span`` into the trial's criteria text, so an explanation can quote the
exact words it rests on. Nodes are hashable and safe to share between threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

Comparator = Literal["<", "<=", ">", ">=", "=="]
LimitKind = Literal["uln", "lln"]
TimeUnit = Literal["hour", "day", "week", "month", "year", "half_life"]

OP_TEXT: dict[str, str] = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "="}
DAYS_PER: dict[str, float] = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character offsets [start, end) into the trial's criteria text."""

    start: int
    end: int

    def shifted(self, offset: int) -> Span:
        return Span(self.start + offset, self.end + offset)

    def quote(self, text: str) -> str:
        return text[self.start : self.end]


NO_SPAN = Span(0, 0)


# --------------------------------------------------------------------------- syntax layer


@dataclass(frozen=True, slots=True, kw_only=True)
class Name:
    """A noun phrase that should name a concept ("absolute neutrophil count (ANC)")."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Amount:
    span: Span
    value: float
    unit: str | None  # the spelling used by the trial, resolved later
    age: bool = False  # "18 years old": the words say it is the person's age
    # "150/100 mmHg": the second value of a pair, read only for a measure that the vocabulary
    # says is written as a pair (blood pressure); anywhere else the bound is for a person
    second: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitMultiple:
    """"1.5 × ULN": a ratio to the patient's own reference limit, never a pint unit."""

    span: Span
    multiple: float
    limit: LimitKind


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    """A categorical or ordinal value as written: "IHC3+", "1+", "positive", "0"."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Duration:
    span: Span
    value: float
    unit: TimeUnit
    anchor: Name | None = None  # "prior to the first dose": the event it is counted back from

    @property
    def days(self) -> float:
        """Length in days; a window in half-lives has none until the drug is known."""
        if self.unit not in DAYS_PER:
            raise ValueError(f"a window of {self.value:g} {self.unit.replace('_', '-')}s depends on the drug")
        return self.value * DAYS_PER[self.unit]


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """One bound. ``condition`` is set for "≤ 3 × ULN if Gilbert syndrome"."""

    span: Span
    op: Comparator
    value: Amount | LimitMultiple | Tag
    upper: Amount | None = None  # a range "18 to 75 years" uses op ">=" and this upper bound
    condition: Name | None = None
    condition_absent: bool = False  # "for patients without liver metastases"
    # "for participants with total bilirubin > 1.5 × ULN": a group named by a result
    condition_bound: Threshold | None = None

    @property
    def conditional(self) -> bool:
        return self.condition is not None or self.condition_bound is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Exposure:
    """"without colony stimulating factor within 7 days": an exposure that voids a lab value."""

    span: Span
    exposure: Name
    within: Duration | None  # None: no window is written ("(without transfusions)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Threshold:
    """Subjects compared with bounds; several comparisons are alternatives (any may hold)."""

    span: Span
    subjects: tuple[Name, ...]
    comparisons: tuple[Comparison, ...]
    exposures: tuple[Exposure, ...] = ()
    notes: tuple[Name, ...] = ()  # parenthesised method or specimen: "(Cockcroft-Gault)"
    restated: tuple[Comparison, ...] = ()  # "(1500/mm3)": the bound again, in another unit
    recency: Duration | None = None  # "(obtained ≤ 14 days prior to registration)"


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueList:
    """"HER2 expression: IHC3+, IHC2+/FISH+" or "ECOG 0 or 1": the subject takes one of these."""

    span: Span
    subject: Name | None
    values: tuple[Tag, ...]
    recency: Duration | None = None  # "negative pregnancy test within 7 days prior to registration"


@dataclass(frozen=True, slots=True, kw_only=True)
class Presence:
    """A condition, therapy or state the patient has (had): "history of MI within 6 months"."""

    span: Span
    subject: Name
    window: Duration | None = None
    exceptions: tuple[Name, ...] = ()
    status: str | None = None  # "positive", "negative", "active": a qualifier on the subject
    # one of several names written "AST/SGOT, ALT" before a later bound they share; read only as
    # such (resolve): alone, "diabetes, hypertension" could be a list meaning either
    in_name_list: bool = False
    method: Name | None = None  # "measurable disease per RECIST 1.1": the criteria that define it
    history: bool = False  # "Prior chemotherapy or RADIOTHERAPY": a list's "prior" written once
    ability: bool = False  # "Able to swallow tablets": only an attestation is an ability
    dose: Name | None = None  # "corticosteroids (> 10 mg/day of prednisone)": only those doses count
    clause: Name | None = None  # "malignancy THAT IS PROGRESSING": a relative clause that narrows it
    indication: Name | None = None  # "prior chemotherapy FOR BREAST CANCER": what a therapy was given for
    # "uncontrolled hypertension (SYSTOLIC BP > 160 mmHg)": bounds in parentheses after the name,
    # which may define it (resolve asks the vocabulary) or narrow it (a person)
    definition: Threshold | ValueList | Junction | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Junction:
    span: Span
    op: Literal["and", "or"]
    parts: tuple[Syntax, ...]
    and_or: bool = False  # written "and/or": either, but before one shared bound it is unclear
    normal_range: bool = False  # "within normal limits": ≥ 1 × LLN and ≤ 1 × ULN, kept together
    other_scale: bool = False  # "ECOG ≤ 2 (Karnofsky ≥ 60%)": one requirement in two scales, either
    scale_either: bool = False  # "ECOG ≤ 2 (or Karnofsky ≥ 70%)": "or" written, so either scale suffices
    # "ANC ≥ 1500/µL, platelets ≥ 100,000/µL": complete thresholds separated by commas alone,
    # joined as the section joins the clauses of an item (each required, or each excluding)
    commas_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Unparsed:
    """Text the grammar could not read; becomes a needs-review check quoting it."""

    span: Span
    text: str
    reason: str
    # an exception to the clause before it, which only a person can check: "unless ..." (the
    # clause's own exception) or "permission" (a later sentence letting a group of patients in)
    exception: Literal["unless", "permission"] | None = None
    lead: str = ""  # the "Label:" lead it begins with, which may govern the clauses after it too
    # "unless liver metastases are present, in which case ≤ 5 × ULN": the bound under its condition,
    # which resolve reads as an alternative when it bounds the same labs as the clause before
    instead: Threshold | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupRequirement:
    """"Women of childbearing potential must have a negative pregnancy test": a requirement for a
    group of patients only; the others need not meet it."""

    span: Span
    group: Name
    requirement: Syntax
    absent: bool = False  # "Without bone marrow involvement: ANC ≥ 1000/µL": those without it
    stated: bool = False  # "... must have ...": a requirement, which an exclusion cannot state
    # "… must agree to use effective contraception": what the group must agree to, an attestation
    agreement: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Negation:
    """"No prior chemotherapy", "Not pregnant or nursing": the patient has none of what follows."""

    span: Span
    part: Syntax
    # "(Patients) must not be / may not be …": a prohibition, which among exclusions names what
    # excludes rather than negating it ("No current breastfeeding" there is for a person)
    prohibition: bool = False
    # "Unable to provide informed consent": the lack of an ability, which an exclusion names as such
    inability: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Since:
    """"At least 4 weeks since prior chemotherapy": how long ago a therapy was last given, bounded
    ("at least": none in the last 4 weeks; "less than": some in the last 4 weeks)."""

    span: Span
    subjects: tuple[Name, ...]
    op: str  # "<", "<=", ">", ">=": the time since, compared with ``window``
    window: Duration
    # "(6 weeks for nitrosoureas or mitomycin C)": therapies that need their own time since
    longer: tuple[tuple[Name, Duration], ...] = ()


Syntax = Union[Threshold, ValueList, Presence, Junction, Unparsed, GroupRequirement, Negation, Since]


# --------------------------------------------------------------------------- predicate layer


@dataclass(frozen=True, slots=True, kw_only=True)
class ExposureWindow:
    """The lab value only counts if ``concept`` was not given within ``days`` before it."""

    concept: str
    days: float
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NumericCheck:
    """``concept op threshold`` in ``unit`` (canonical), or ``op multiple × ULN`` when ``limit``."""

    span: Span
    text: str
    concept: str
    op: Comparator
    threshold: float
    unit: str | None
    limit: LimitKind | None = None
    upper: float | None = None  # inclusive upper bound for ranges ("18 to 75")
    written: str = ""  # the bound as the trial wrote it: "1.0x1E9/L", "1.5x ULN"
    exposures: tuple[ExposureWindow, ...] = ()
    method: str | None = None
    # "(obtained ≤ 14 days prior to registration)": the result must be dated at most this many
    # days before the screening date (within the trial's own limit on lab age, never beyond it)
    within_days: float | None = None
    # names the group another bound is for ("for participants with total bilirubin > 1.5 × ULN"),
    # rather than being a requirement of its own; evaluated the same way
    group: bool = False
    # "≤ 1.5 × ULN for age": the limit is the lab's own (age-specific) reference range; the
    # vocabulary's adult default never stands in for it
    for_age: bool = False

    def kept_under_support(self, supports: tuple[str, ...]) -> bool | None:
        """Whether a value measured after an exposure still shows this check's truth, and
        which one (None: it shows nothing). Supportive care that raises this lab (vocabulary
        `supports`) leaves a value below a floor below it (False stays) and one under a ceiling
        under it (True stays), whatever the patient's own value; after any other exposure the
        value shows nothing."""
        if self.concept not in supports or self.upper is not None:
            return None
        return {">": False, ">=": False, "<": True, "<=": True}.get(self.op)


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryCheck:
    """The patient's category for ``concept`` must be one of ``allowed`` (canonical codes)."""

    span: Span
    text: str
    concept: str
    allowed: tuple[str, ...]
    written: str = ""
    # "negative pregnancy test within 7 days prior to registration": an older result does not count
    within_days: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PresenceCheck:
    """True when the patient has (or had, within ``within_days``) the concept."""

    span: Span
    text: str
    concept: str
    within_days: float | None = None
    excluding: tuple[str, ...] = ()  # concepts that do not count ("other than basal cell")
    other: bool = False  # "any OTHER malignancy": the patient's primary tumour does not count
    history: bool = False  # "history of", "previously treated": past (resolved, stopped) records count
    qualifier: str | None = None  # "uncontrolled": a plain record of the concept cannot show it
    member: str | None = None  # "warfarin" names one member of its class: only that drug counts
    window_text: str = ""  # the window as written: "within 6 months"
    written: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedsReview:
    span: Span
    text: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AllOf:
    span: Span
    text: str
    children: tuple[Predicate, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AnyOf:
    span: Span
    text: str
    children: tuple[Predicate, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Not:
    span: Span
    text: str
    child: Predicate


Predicate = Union[NumericCheck, CategoryCheck, PresenceCheck, NeedsReview, AllOf, AnyOf, Not]


def leaves(p: Predicate) -> list[Predicate]:
    """The checks of a predicate tree, in reading order."""
    if isinstance(p, (AllOf, AnyOf)):
        out: list[Predicate] = []
        for c in p.children:
            out.extend(leaves(c))
        return out
    if isinstance(p, Not):
        return leaves(p.child)
    return [p]
