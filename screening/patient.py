"""Patient input: the boundary where user data enters the engine.

A research coordinator writes a patient as JSON (``load_patient``); EHR and FHIR code builds the
same models in Python (``parse_patient`` or the constructors). Everything downstream trusts these
models, so this module refuses what it cannot read rather than guessing: unknown fields, bare
numbers without units, impossible dates, dates after the screening date, NaN.

Flows in: a JSON file or a dict. Flows out: a frozen ``Patient``, or an ``InputError`` whose one
line names the file, the field path and the problem.

Kept light on purpose (stdlib + pydantic only): the CLI imports it before it knows whether pint
or lark will be needed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from screening.errors import InputError

__all__ = [
    "Attestations",
    "Condition",
    "Demographics",
    "Her2",
    "Medication",
    "Observation",
    "Patient",
    "PerformanceStatus",
    "Procedure",
    "Quantity",
    "ReferenceRange",
    "Reproductive",
    "Tumour",
    "Unreadable",
    "format_location",
    "load_patient",
    "parse_patient",
    "patient_json_schema",
]

# --------------------------------------------------------------------------- shared pieces

_CONFIG = ConfigDict(
    extra="forbid",  # a misspelt field must not silently become "no data"
    frozen=True,  # patients are shared between criteria and threads
    allow_inf_nan=False,  # Python's json accepts NaN/Infinity; a lab value never is
    coerce_numbers_to_str=True,  # SNOMED/RxNorm codes are often written as bare numbers
)


def _custom_error(at: tuple[str | int, ...], message: str) -> PydanticCustomError:
    """An error raised by a model validator that still points at one field.

    Pydantic places model-validator errors at the model; ``at`` (relative to the model) is carried
    in the context so ``format_location`` can name the field the user has to fix.
    """
    where = format_location(at)
    return PydanticCustomError(
        "patient_field",
        "{where}: {detail}" if where else "{detail}",
        {"where": where, "detail": message, "at": at},
    )


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _coerce_date(value: Any) -> Any:
    """Accept ISO dates and datetimes (EHR exports carry a time); keep the date as written.

    Anything else is refused here with the value quoted, so "2023-02-30" and "03/02/2023" get a
    message a coordinator can act on instead of pydantic's generic one.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        m = _ISO_DATE.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError as exc:
                raise ValueError(f"invalid date {value!r} ({exc})") from None
        if len(text) > 10 and text[10:11] in ("T", "t", " ") and _ISO_DATE.match(text[:10]):
            try:
                return dt.datetime.fromisoformat(text.replace("z", "Z")).date()
            except ValueError:
                pass
        raise ValueError(f"invalid date {value!r} (write it as YYYY-MM-DD)")
    shown = _show(value) if not isinstance(value, (dict, list)) else f"({_json_type(value)})"
    raise ValueError(f"invalid date {shown} (write it as a string 'YYYY-MM-DD')")


def _lower(value: Any) -> Any:
    """Case-insensitive spellings for coded fields ("ECOG", "Female", "SNOMED")."""
    return value.strip().lower() if isinstance(value, str) else value


_SEX_ALIASES = {"f": "female", "m": "male", "woman": "female", "man": "male"}


def _sex(value: Any) -> Any:
    value = _lower(value)
    return _SEX_ALIASES.get(value, value) if isinstance(value, str) else value


def _code_system(value: Any) -> Any:
    """Map "ICD-10", "SNOMED CT", "RxNorm", "ATC" to the canonical lowercase names."""
    if not isinstance(value, str):
        return value
    key = re.sub(r"[\s_\-.]", "", value.lower())
    return {"snomedct": "snomed", "sct": "snomed", "icd10cm": "icd10", "icd9cm": "icd9"}.get(
        key, key
    )


Date = Annotated[dt.date, BeforeValidator(_coerce_date)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Free text that is either absent or says something: "" is refused (leave the field out)."""


# --------------------------------------------------------------------------- models


class Quantity(BaseModel):
    """A measured amount with its unit. Units are always explicit: "62" could be kg or lb."""

    model_config = _CONFIG

    value: float = Field(description="The number, e.g. 62.")
    unit: Text = Field(description='The unit as written, e.g. "kg", "lb", "cm", "in".')

    @model_validator(mode="before")
    @classmethod
    def _refuse_bare_number(cls, data: Any) -> Any:
        """A bare number is the classic kg/lb, cm/in mix-up: make the writer say which."""
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            raise ValueError(
                f'give a unit: write {{"value": {_show(data)}, "unit": "..."}} '
                f"instead of a bare {_show(data)}"
            )
        if isinstance(data, str):
            raise ValueError(
                f"give the number and the unit separately: write "
                f'{{"value": <number>, "unit": "<unit>"}}, not the text {_show(data)}'
            )
        return data


class Demographics(BaseModel):
    """Who the patient is: inputs to age limits and to derived values such as Cockcroft-Gault."""

    model_config = _CONFIG

    birth_date: Date | None = Field(
        default=None,
        description="Date of birth (YYYY-MM-DD). Age is computed from it on the as_of date.",
    )
    age_years: float | None = Field(
        default=None,
        ge=0,
        le=130,
        description="Age in years on the as_of date, when the birth date may not be shared. "
        "If both are given they must agree within a year.",
    )
    sex: Annotated[Literal["female", "male", "other", "unknown"] | None, BeforeValidator(_sex)] = (
        Field(default=None, description="Sex as used by sex-specific formulas (Cockcroft-Gault).")
    )
    weight: Quantity | None = Field(
        default=None, description='Body weight with its unit, e.g. {"value": 62, "unit": "kg"}.'
    )
    height: Quantity | None = Field(
        default=None, description='Height with its unit, e.g. {"value": 165, "unit": "cm"}.'
    )

    @model_validator(mode="after")
    def _positive_body_size(self) -> Demographics:
        """A zero or negative weight would make Cockcroft-Gault silently wrong."""
        for name in ("weight", "height"):
            q: Quantity | None = getattr(self, name)
            if q is not None and q.value <= 0:
                raise _custom_error((name, "value"), f"{name} must be positive, got {q.value:g}")
        return self


class ReferenceRange(BaseModel):
    """The lab's own normal range for one result: what "x ULN" criteria are measured against."""

    model_config = _CONFIG

    low: float | None = Field(default=None, description="Lower limit of normal (LLN).")
    high: float | None = Field(default=None, description="Upper limit of normal (ULN).")
    unit: Text | None = Field(
        default=None, description="Unit of low/high; defaults to the observation's unit."
    )

    @model_validator(mode="after")
    def _ordered(self) -> ReferenceRange:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise _custom_error(("low",), f"low ({self.low:g}) is above high ({self.high:g})")
        return self


_COMPARATORS: dict[str, str] = {
    "<": "<", "<=": "<=", "=<": "<=", "≤": "<=",
    ">": ">", ">=": ">=", "=>": ">=", "≥": ">=",
}  # fmt: skip
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
# A unit glued to the number must start like a unit, so "1+" (dipstick) stays categorical.
_VALUE_TEXT = re.compile(
    rf"^(?P<cmp><=|>=|=<|=>|≤|≥|<|>)?\s*(?P<num>{_NUMBER})"
    r"(?:\s*(?P<unit>(?:[A-Za-zµμ%/°]|10\^|[x×*]\s*10).*))?$"
)
_NON_FINITE_TEXT = {
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "infinity",
    "+infinity",
    "-infinity",
}


def _finite(value: float, at: tuple[str | int, ...]) -> float:
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise _custom_error(
            at, f"not a finite number ({_show(value)}); NaN and Infinity are not allowed"
        )
    return number


class Observation(BaseModel):
    """One lab result or measurement, as the lab reported it (value, unit, range, date)."""

    model_config = _CONFIG

    concept: Text | None = Field(
        default=None, description='Vocabulary concept id, e.g. "anc", "creatinine", "lvef".'
    )
    loinc: Text | None = Field(
        default=None,
        pattern=r"^\d{1,8}-\d$",
        description='LOINC code, e.g. "2160-0" (serum creatinine). Give concept, loinc or both.',
    )
    value: float | str = Field(
        description='A number, or a categorical result such as "1+", "positive", "negative", '
        '"detected". Censored results may be written "<0.5" or ">1000".'
    )
    comparator: Literal["<", "<=", ">", ">="] | None = Field(
        default=None,
        description='For censored results ("<0.5" as labs report them): the true value lies on '
        "this side of value.",
    )
    unit: Text | None = Field(
        default=None,
        description='Unit as reported, e.g. "10^9/L", "g/dL", "umol/L". Required for a number '
        "whose concept has a unit.",
    )
    date: Date | None = Field(
        default=None,
        description="When the sample was taken (a datetime is accepted; its date is kept).",
    )
    reference_range: ReferenceRange | None = Field(
        default=None,
        description="The reporting lab's normal range; ULN multiples use its high limit.",
    )
    method: Text | None = Field(
        default=None,
        description='How it was measured or derived, e.g. "cockcroft_gault", "fridericia", "echo".',
    )
    note: str | None = Field(
        default=None, description="Free text for the reviewer; never evaluated."
    )
    source: Text | None = Field(
        default=None,
        description='Where the value came from, e.g. "Observation/f001" (set by FHIR input); '
        "quoted in explanations, never evaluated.",
    )

    @model_validator(mode="before")
    @classmethod
    def _split_value(cls, data: Any) -> Any:
        """Read "<0.5", "1.8", "0.8 mg/dL" the way labs export them; keep "1+" categorical."""
        if not isinstance(data, dict) or "value" not in data:
            return data
        data = dict(data)
        cmp = data.get("comparator")
        if isinstance(cmp, str) and cmp.strip() in _COMPARATORS:
            data["comparator"] = cmp = _COMPARATORS[cmp.strip()]
        value = data["value"]
        if isinstance(value, bool):
            raise _custom_error(
                ("value",), 'true/false is not a result: write "positive" or "negative"'
            )
        if isinstance(value, (int, float)):
            data["value"] = _finite(value, ("value",))
            return data
        if not isinstance(value, str):
            raise _custom_error(
                ("value",),
                f'value must be a number or a text result such as "positive", got {_show(value)}',
            )
        text = value.strip()
        if not text:
            raise _custom_error(("value",), "value is empty")
        if text.lower() in _NON_FINITE_TEXT:
            raise _custom_error(("value",), f"not a finite number ({value!r})")
        m = _VALUE_TEXT.match(text)
        if m is None:
            data["value"] = text
            return data
        data["value"] = _finite(float(m["num"]), ("value",))
        if m["cmp"]:
            written = _COMPARATORS[m["cmp"]]
            if cmp is not None and cmp != written:
                raise _custom_error(
                    ("comparator",), f"comparator {cmp!r} contradicts value {value!r}"
                )
            data["comparator"] = written
        if m["unit"]:
            written_unit = m["unit"].strip()
            unit = data.get("unit")
            if unit is not None and (not isinstance(unit, str) or unit.strip() != written_unit):
                raise _custom_error(("unit",), f"unit {_show(unit)} contradicts value {value!r}")
            data["unit"] = written_unit
        return data

    @model_validator(mode="after")
    def _identified(self) -> Observation:
        if self.concept is None and self.loinc is None:
            raise _custom_error(
                (), 'say what was measured: give "concept" (e.g. "anc") or "loinc" (e.g. "2160-0")'
            )
        if self.comparator is not None and isinstance(self.value, str):
            raise _custom_error(
                ("comparator",), f"a comparator needs a numeric value, got {self.value!r}"
            )
        return self


class PerformanceStatus(BaseModel):
    """ECOG or Karnofsky score; trials state one and the engine converts between them."""

    model_config = _CONFIG

    scale: Annotated[Literal["ecog", "karnofsky"], BeforeValidator(_lower)] = Field(
        description='"ecog" (0-5) or "karnofsky" (0-100 in steps of 10).'
    )
    value: int = Field(description="The score on that scale.")
    date: Date | None = Field(default=None, description="When it was assessed.")
    source: Text | None = Field(
        default=None,
        description='Where the value came from, e.g. "Observation/f001" (set by FHIR input); '
        "quoted in explanations, never evaluated.",
    )

    @model_validator(mode="after")
    def _on_scale(self) -> PerformanceStatus:
        if self.scale == "ecog" and not 0 <= self.value <= 5:
            raise _custom_error(("value",), f"ECOG is 0 to 5, got {self.value}")
        if self.scale == "karnofsky" and not (0 <= self.value <= 100 and self.value % 10 == 0):
            raise _custom_error(
                ("value",), f"Karnofsky is 0 to 100 in steps of 10, got {self.value}"
            )
        return self


_IHC_PREFIX = re.compile(r"^(?:her2\s*)?(?:ihc)?[\s:]*")
_ISH_PREFIX = re.compile(r"^(?:her2\s*)?(?:fish|sish|cish|ddish|ish)?[\s:]*")
_ISH_ALIASES = {
    "positive": "positive", "pos": "positive", "amplified": "positive", "amp": "positive",
    "+": "positive",
    "negative": "negative", "neg": "negative", "not amplified": "negative",
    "non-amplified": "negative", "nonamplified": "negative", "non amplified": "negative",
    "unamplified": "negative", "-": "negative",
    "equivocal": "equivocal", "equiv": "equivocal",
}  # fmt: skip


def _ihc(value: Any) -> Any:
    """Pathology reports write "IHC 3+", "IHC3+", "3+", "3" or the number 3: all mean "3+"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return value
    text = _IHC_PREFIX.sub("", value.strip().lower()).replace(" ", "")
    text = text.rstrip("+") if text in ("0", "0+") else text
    return {"0": "0", "1": "1+", "2": "2+", "3": "3+"}.get(text, text)


def _ish(value: Any) -> Any:
    """Map "pos", "amplified", "FISH+" to positive and "neg", "not amplified", "-" to negative."""
    if not isinstance(value, str):
        return value
    text = _ISH_PREFIX.sub("", value.strip().lower()).strip()
    return _ISH_ALIASES.get(text, text)


def her2_part(part: Literal["ihc", "ish"] | str, text: str) -> str | None:
    """A report's wording of an IHC score or ISH result in the model's terms; None if it is not one."""
    if part == "ihc":
        ihc = _ihc(text)
        return ihc if ihc in ("0", "1+", "2+", "3+") else None
    ish = _ish(text)
    return ish if ish in ("positive", "negative", "equivocal") else None


class Her2(BaseModel):
    """One HER2 test: IHC score and/or in-situ hybridisation (FISH) result."""

    model_config = _CONFIG

    ihc: Annotated[Literal["0", "1+", "2+", "3+"] | None, BeforeValidator(_ihc)] = Field(
        default=None,
        description='IHC score: "0", "1+", "2+" or "3+" ("IHC 3+" and 3 are accepted).',
    )
    ish: Annotated[Literal["positive", "negative", "equivocal"] | None, BeforeValidator(_ish)] = (
        Field(
            default=None,
            description='ISH/FISH result: "positive" (amplified), "negative" or "equivocal" '
            '("pos", "amplified", "neg", "not amplified" are accepted).',
        )
    )
    date: Date | None = Field(default=None, description="Date of the specimen or report.")
    specimen: Text | None = Field(
        default=None, description='What was tested, e.g. "liver metastasis core biopsy".'
    )
    source: Text | None = Field(
        default=None,
        description='Where the value came from, e.g. "Observation/f001" (set by FHIR input); '
        "quoted in explanations, never evaluated.",
    )

    @model_validator(mode="after")
    def _has_result(self) -> Her2:
        if self.ihc is None and self.ish is None:
            raise _custom_error((), 'a HER2 test needs a result: give "ihc", "ish" or both')
        return self


class Tumour(BaseModel):
    """The cancer being treated: site, stage, spread and treatment history."""

    model_config = _CONFIG

    primary_site: Text | None = Field(default=None, description='Primary site, e.g. "breast".')
    histology: Text | None = Field(default=None, description='e.g. "invasive ductal carcinoma".')
    stage: Text | None = Field(default=None, description='Stage as recorded, e.g. "IV", "T2N1M1".')
    metastatic_sites: list[Text] = Field(
        default_factory=list, description='Sites of metastasis, e.g. ["liver", "bone"].'
    )
    measurable_disease: bool | None = Field(
        default=None, description="At least one measurable lesion (RECIST 1.1)."
    )
    prior_lines: int | None = Field(
        default=None,
        ge=0,
        description="Number of prior systemic therapy lines for advanced disease.",
    )
    prior_anti_her2_lines: int | None = Field(
        default=None, ge=0, description="How many of those lines included an anti-HER2 agent."
    )

    @model_validator(mode="after")
    def _lines_consistent(self) -> Tumour:
        if (
            self.prior_lines is not None
            and self.prior_anti_her2_lines is not None
            and self.prior_anti_her2_lines > self.prior_lines
        ):
            raise _custom_error(
                ("prior_anti_her2_lines",),
                f"{self.prior_anti_her2_lines} anti-HER2 lines is more than "
                f"prior_lines ({self.prior_lines})",
            )
        return self


class Condition(BaseModel):
    """A diagnosis, or (present=false) one known to be absent: "no CNS metastases" is evidence."""

    model_config = _CONFIG

    name: Text | None = Field(
        default=None, description='Name, e.g. "CNS metastases", "Gilbert syndrome".'
    )
    code: Text | None = Field(default=None, description='Code in `system`, e.g. "94225005".')
    system: Annotated[Literal["snomed", "icd10", "icd9"] | None, BeforeValidator(_code_system)] = (
        Field(default=None, description='Code system of `code`: "snomed", "icd10" or "icd9".')
    )
    present: bool = Field(
        default=True,
        description="false records that the patient is known NOT to have this condition.",
    )
    onset_date: Date | None = Field(default=None, description="When it began or was diagnosed.")
    resolved_date: Date | None = Field(default=None, description="When it resolved, if it has.")
    status: Literal["active", "resolved"] = Field(
        default="active", description='"active" or "resolved"; a resolved_date implies "resolved".'
    )
    note: str | None = Field(
        default=None, description="Free text for the reviewer; never evaluated."
    )
    source: Text | None = Field(
        default=None,
        description='Where the value came from, e.g. "Observation/f001" (set by FHIR input); '
        "quoted in explanations, never evaluated.",
    )

    @model_validator(mode="before")
    @classmethod
    def _resolved_implies_status(cls, data: Any) -> Any:
        """A resolved_date with the default status would otherwise read as still active."""
        if isinstance(data, dict):
            data = {k: (_lower(v) if k == "status" else v) for k, v in data.items()}
            if data.get("resolved_date") is not None and "status" not in data:
                data["status"] = "resolved"
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Condition:
        if self.name is None and self.code is None:
            raise _custom_error((), 'a condition needs a "name" or a "code"')
        if (
            self.onset_date is not None
            and self.resolved_date is not None
            and self.resolved_date < self.onset_date
        ):
            raise _custom_error(
                ("resolved_date",),
                f"resolved_date {self.resolved_date} is before onset_date {self.onset_date}",
            )
        return self


class Medication(BaseModel):
    """A drug the patient takes or took; windows ("G-CSF within 7 days") use its dates."""

    model_config = _CONFIG

    name: Text | None = Field(default=None, description='Drug name, e.g. "trastuzumab".')
    code: Text | None = Field(default=None, description='Code in `system`, e.g. RxNorm "224905".')
    system: Annotated[Literal["rxnorm", "atc"] | None, BeforeValidator(_code_system)] = Field(
        default=None, description='Code system of `code`: "rxnorm" or "atc".'
    )
    drug_class: Text | None = Field(
        default=None, description='Class, e.g. "anti-HER2 monoclonal antibody", "G-CSF".'
    )
    present: bool = Field(
        default=True, description="false records that the patient is known NOT to have received it."
    )
    start_date: Date | None = Field(default=None, description="First dose.")
    end_date: Date | None = Field(
        default=None, description="Last dose. Missing with a start_date means the drug is ongoing."
    )
    ongoing: bool | None = Field(
        default=None,
        description="false: stopped or completed; with no end_date the last dose is then unknown "
        "(a FHIR order that was stopped without an end date). Null: ongoing when there is a "
        "start_date and no end_date.",
    )
    source: Text | None = Field(
        default=None,
        description='Where the value came from, e.g. "Observation/f001" (set by FHIR input); '
        "quoted in explanations, never evaluated.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Medication:
        if self.name is None and self.code is None and self.drug_class is None:
            raise _custom_error((), 'a medication needs a "name", "code" or "drug_class"')
        if (
            self.start_date is not None
            and self.end_date is not None
            and self.end_date < self.start_date
        ):
            raise _custom_error(
                ("end_date",), f"end_date {self.end_date} is before start_date {self.start_date}"
            )
        return self


class Procedure(BaseModel):
    """A procedure (transfusion, surgery, radiotherapy, biopsy) with its date."""

    model_config = _CONFIG

    name: Text | None = Field(default=None, description='e.g. "red blood cell transfusion".')
    code: Text | None = Field(default=None, description="Code in `system`.")
    system: Text | None = Field(default=None, description='Code system, e.g. "snomed", "cpt".')
    present: bool = Field(
        default=True, description="false records that the patient is known NOT to have had it."
    )
    date: Date | None = Field(default=None, description="When it was done.")
    source: Text | None = Field(
        default=None,
        description='Where the value came from, e.g. "Observation/f001" (set by FHIR input); '
        "quoted in explanations, never evaluated.",
    )

    @model_validator(mode="after")
    def _identified(self) -> Procedure:
        if self.name is None and self.code is None:
            raise _custom_error((), 'a procedure needs a "name" or a "code"')
        return self


# The vocabulary's state concept each field of `Reproductive` records (evaluation and the cohort
# CSV read and write them through this table)
REPRODUCTIVE_STATES = {"pregnancy": "pregnant", "lactation": "lactating",
                       "childbearing_potential": "childbearing_potential"}


class Reproductive(BaseModel):
    """Pregnancy-related facts; null means not known (never assumed false)."""

    model_config = _CONFIG

    pregnant: bool | None = Field(default=None, description="Currently pregnant.")
    lactating: bool | None = Field(default=None, description="Currently breastfeeding.")
    childbearing_potential: bool | None = Field(
        default=None, description="Of childbearing potential (false e.g. after menopause)."
    )


class Attestations(BaseModel):
    """What only the patient or investigator can confirm; null means not yet confirmed."""

    model_config = _CONFIG

    informed_consent: bool | None = Field(default=None, description="Signed informed consent.")
    contraception: bool | None = Field(
        default=None, description="Agrees to use effective contraception as the protocol requires."
    )
    swallow_oral_medication: bool | None = Field(
        default=None, description="Able to swallow (and keep down) oral medication: tablets, capsules."
    )
    protocol_compliance: bool | None = Field(
        default=None, description="Willing and able to comply with the protocol's visits and procedures."
    )


class Unreadable(BaseModel):
    """A value the source holds but the engine cannot use (wrong unit, implausible number).

    Dropping it would turn "the record says something we cannot read" into "no data"; instead
    every check that reads this concept reports an error naming the value.
    """

    model_config = _CONFIG

    concept: Text = Field(description='Vocabulary concept id, e.g. "creatinine".')
    reason: Text = Field(description="Why the value cannot be used, quoting it.")
    source: Text | None = Field(default=None, description='Where it came from, e.g. "Observation/x".')


_PatientList = Literal["conditions", "medications", "procedures"]


class Patient(BaseModel):
    """One patient to screen. Missing data is unknown, never assumed normal or absent."""

    model_config = _CONFIG

    patient_id: Text = Field(description="Identifier used in reports (not necessarily the MRN).")
    as_of: Date | None = Field(
        default=None,
        description="Screening date (YYYY-MM-DD): time windows are measured back from it and no "
        "recorded date may be later. Defaults to today, and the result says so.",
    )
    demographics: Demographics = Field(
        default_factory=lambda: Demographics(),
        description="Birth date or age, sex, weight, height.",
    )
    observations: list[Observation] = Field(
        default_factory=list, description="Lab results and measurements, any number per concept."
    )
    performance_status: list[PerformanceStatus] = Field(
        default_factory=list, description="ECOG or Karnofsky assessments, each with its date."
    )
    her2: list[Her2] = Field(default_factory=list, description="HER2 tests, any number.")
    tumour: Tumour = Field(
        default_factory=lambda: Tumour(), description="The cancer and its treatment history."
    )
    conditions: list[Condition] = Field(
        default_factory=list,
        description="Diagnoses present, or known absent (present=false). See complete_records.",
    )
    medications: list[Medication] = Field(
        default_factory=list, description="Current and past drugs with their dates."
    )
    procedures: list[Procedure] = Field(
        default_factory=list, description="Transfusions, surgery, radiotherapy, biopsies."
    )
    reproductive: Reproductive = Field(
        default_factory=lambda: Reproductive(), description="Pregnancy, lactation, potential."
    )
    attestations: Attestations = Field(
        default_factory=lambda: Attestations(), description="Consent, contraception, oral medication."
    )
    unreadable: list[Unreadable] = Field(
        default_factory=list,
        description="Values the source holds that cannot be used; checks reading them are errors.",
    )
    sources: dict[str, Text] = Field(
        default_factory=dict,
        description='Where single fields came from, e.g. {"demographics.birth_date": '
        '"Patient/f001"} (set by FHIR input); never evaluated.',
    )
    complete_records: list[Annotated[_PatientList, BeforeValidator(_lower)]] = Field(
        default_factory=list,
        description="Lists the coordinator attests are complete: anything not in them is absent. "
        "For lists not named here, an unlisted item is unknown.",
    )

    @model_validator(mode="after")
    def _dates_not_after_as_of(self) -> Patient:
        """A result dated after the screening date cannot have informed it: almost always a typo."""
        reference = self.as_of if self.as_of is not None else dt.date.today()
        label = f"the screening date as_of {reference}" if self.as_of else f"today ({reference})"
        late = [(at, d) for at, d in self._dated_fields() if d > reference]
        if late:
            at, d = late[0]
            more = f" ({len(late) - 1} more dates are too)" if len(late) > 1 else ""
            raise _custom_error(at, f"date {d} is after {label}{more}")
        demo = self.demographics
        if demo.birth_date is not None and demo.age_years is not None:
            age = _age_on(demo.birth_date, reference)
            if abs(age - demo.age_years) > 1:  # > 1: a rounded age must still pass
                raise _custom_error(
                    ("demographics", "age_years"),
                    f"age_years {demo.age_years:g} does not match birth_date {demo.birth_date} "
                    f"(age {age:.1f} on {reference})",
                )
        return self

    def _dated_fields(self) -> list[tuple[tuple[str | int, ...], dt.date]]:
        """Every recorded date with its field path, for the as_of check."""
        out: list[tuple[tuple[str | int, ...], dt.date]] = []
        if self.demographics.birth_date is not None:
            out.append((("demographics", "birth_date"), self.demographics.birth_date))
        groups: list[tuple[str, list[Any], tuple[str, ...]]] = [
            ("observations", self.observations, ("date",)),
            ("performance_status", self.performance_status, ("date",)),
            ("her2", self.her2, ("date",)),
            ("conditions", self.conditions, ("onset_date", "resolved_date")),
            ("medications", self.medications, ("start_date", "end_date")),
            ("procedures", self.procedures, ("date",)),
        ]
        for group, items, names in groups:
            for i, item in enumerate(items):
                for name in names:
                    d = getattr(item, name)
                    if d is not None:
                        out.append(((group, i, name), d))
        return out


def _age_on(birth: dt.date, when: dt.date) -> float:
    """Fractional years, so both "completed years" and a rounded age are within 1 of it."""
    return (when - birth).days / 365.25


# --------------------------------------------------------------------------- errors


def format_location(loc: tuple[Any, ...]) -> str:
    """("observations", 2, "date") -> "observations[2].date", the path a user searches for."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            name = str(part)
            if not name.isprintable() or not name:
                name = repr(name)  # a key with a line break must not break the one-line message
            out += f".{name}" if out else name
    return out


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _show(value: Any) -> str:
    """A short JSON-ish rendering of an offending value for one-line messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        try:
            text = repr(value)
        except ValueError:  # an int beyond sys.get_int_max_str_digits()
            return "a huge number"
        return text if len(text) <= 40 else text[:37] + "..."
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    return _json_type(value)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation like ``list[Observation]`` or ``Quantity | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _allowed_fields(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model at ``loc`` (the parent of an unknown field), for suggestions."""
    model: type[BaseModel] | None = Patient
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        model = _model_of(field.annotation)
    return list(model.model_fields) if model is not None else []


_DATE_ERRORS = {
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "date_past",
    "date_future",
}


_BOUNDS = {
    "greater_than_equal": (">=", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("<=", "le"),
    "less_than": ("<", "lt"),
}


def _describe(err: Any) -> tuple[tuple[Any, ...], str]:
    """One pydantic error -> (location, message a coordinator can act on)."""
    kind: str = err["type"]
    loc: tuple[Any, ...] = tuple(err["loc"])
    ctx: dict[str, Any] = err.get("ctx") or {}
    value = err.get("input")
    if kind == "patient_field":
        return loc + tuple(ctx.get("at", ())), str(ctx.get("detail", err["msg"]))
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _allowed_fields(loc[:-1]), n=1)
        return loc, "unknown field" + (f" (did you mean {close[0]!r}?)" if close else "")
    if kind == "missing":
        return loc, "required field is missing"
    if kind in ("value_error", "assertion_error"):
        return loc, str(ctx.get("error", err["msg"]))
    if kind == "finite_number":
        return loc, f"not a finite number ({_show(value)}); NaN and Infinity are not allowed"
    if kind in _DATE_ERRORS:
        return loc, f"invalid date {_show(value)} (write it as YYYY-MM-DD)"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return loc, f"expected a JSON object, got {_json_type(value)}"
    if kind == "list_type":
        return loc, f"expected a list, got {_json_type(value)}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return loc, "must not be empty"
    if kind in _BOUNDS:
        op, key = _BOUNDS[kind]
        return loc, f"must be {op} {ctx.get(key)}, got {_show(value)}"
    return loc, f"{err['msg']}, got {_show(value)}"


def _input_error(exc: ValidationError, source: str) -> InputError:
    """Many pydantic errors -> one line naming the first and counting the rest."""
    errors = exc.errors(include_url=False)
    loc, message = _describe(errors[0])
    if len(errors) > 1:
        message += f" (+{len(errors) - 1} more)"
    where = format_location(loc)
    return InputError(message, location=f"{source}: {where}" if where else source)


# --------------------------------------------------------------------------- entry points


def parse_patient(data: dict[str, Any], *, source: str = "<patient>") -> Patient:
    """Validate a dict (decoded JSON, or built by EHR code); problems raise one-line InputErrors."""
    if not isinstance(data, dict):
        raise InputError(
            f"a patient must be a JSON object, got {_json_type(data)}", location=source
        )
    try:
        return Patient.model_validate(data)
    except ValidationError as exc:
        raise _input_error(exc, source) from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json keeps the last of two equal keys silently; a patient file must not lose data that way."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def load_patient(path: str | Path) -> Patient:
    """Read a patient JSON file; every problem is an InputError naming the file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # -sig: tolerate a Windows BOM
    except FileNotFoundError:
        raise InputError("no such file", location=source) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a patient file", location=source) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", location=source) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", location=source) from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}", location=f"{source}: line {exc.lineno} column {exc.colno}"
        ) from None
    except _DuplicateKey as exc:
        raise InputError(f"duplicate key {exc.key!r} in a JSON object", location=source) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", location=source) from None
    except ValueError as exc:  # e.g. an integer literal longer than Python will convert
        raise InputError(f"invalid JSON: {exc}", location=source) from None
    return parse_patient(data, source=source)


def patient_json_schema() -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) a coordinator or an editor can validate patient files with."""
    schema = Patient.model_json_schema()
    schema.pop("title", None)
    schema.pop("description", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Screening patient",
        "description": (
            "One patient to screen against clinical-trial eligibility criteria. Every number "
            "carries its unit; missing data is unknown, never assumed normal; dates are "
            "YYYY-MM-DD and none may be after as_of."
        ),
        **schema,
    }
