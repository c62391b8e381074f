"""Result models (the output contract) and the text, Markdown and JSON reports.

The JSON form of ``TrialResult`` is what integrations read; keep its field names stable.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

# "error": a value the check reads could not be read (a bad cell of a cohort row); it counts as unknown
CheckStatus = Literal["met", "not_met", "unknown", "needs_review", "error"]
CriterionStatus = Literal["met", "not_met", "unknown", "needs_review", "not_applicable", "error"]
Verdict = Literal["eligible", "ineligible", "needs_review", "error"]


@dataclass(slots=True)
class CheckResult:
    """One comparison against the patient's data.

    A plain slotted dataclass rather than a pydantic model: a patient produces about a hundred
    of these, and building pydantic models would cost more than the whole evaluation. Pydantic
    still validates, serialises and documents them as fields of ``TrialResult``. Not frozen, for
    the same reason (frozen dataclasses set each field through ``object.__setattr__``); treat
    results as read-only.
    """

    concept: Annotated[str | None, Field(description="Vocabulary concept id; null for text needing review.")]
    status: CheckStatus
    observed: Annotated[float | int | str | None, Field(description="The patient's value as given.")]
    observed_unit: Annotated[str | None, Field(description="The unit the value was given in.")]
    value: Annotated[float | None, Field(
        description="The value in the threshold's unit (or as a multiple of ULN/LLN).")]
    unit: Annotated[str | None, Field(description="The threshold's unit, or '× ULN' / '× LLN'.")]
    required: Annotated[str, Field(description="The condition, e.g. 'Hemoglobin ≥ 90g/L'.")]
    date: Annotated[dt.date | None, Field(description="Date of the value used.")]
    explanation: str
    missing: Annotated[str | None, Field(description="What data would settle an unknown check.")]


@dataclass(slots=True)
class CriterionResult:
    id: Annotated[str, Field(description="Stable id, e.g. 'inclusion.5', 'exclusion.9.2'.")]
    section: Literal["inclusion", "exclusion"]
    cohorts: Annotated[list[str], Field(description="Cohorts it applies to; empty = all.")]
    number: str | None
    text: Annotated[str, Field(description="The criterion text as published.")]
    status: CriterionStatus
    explanation: str
    checks: list[CheckResult]
    parent: str | None
    children: list[str]
    understood_as: Annotated[str, Field(description="The compiled form in canonical language.")]
    restated: Annotated[str | None, Field(description="Curator's restatement used instead of the text.")]


class TrialResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    trial: str
    cohort: str | None
    patient_id: str
    as_of: dt.date
    as_of_source: str
    verdict: Verdict
    failed: list[str] = Field(description="Criteria the patient definitely fails.")
    unknown: list[str] = Field(description="Criteria that need data.")
    needs_review: list[str] = Field(description="Criteria that need a person to read them.")
    errors: list[str] = Field(default_factory=list, description=(
        "Criteria left undecided because a value they read could not be read (a bad cohort cell)."))
    missing_data: list[str] = Field(description="Data that would settle the unknown checks.")
    notes: list[str] = Field(description="Input that was ignored, e.g. an unmapped condition.")
    criteria: list[CriterionResult]


_ICON = {"met": "met", "not_met": "NOT MET", "unknown": "unknown", "needs_review": "needs review",
         "not_applicable": "n/a"}


# In an exclusion a check that holds counts against the patient, so "met" would read backwards.
_INCLUSION_CHECK = {"met": "met", "not_met": "NOT MET", "unknown": "unknown",
                    "needs_review": "needs review", "error": "ERROR"}
_EXCLUSION_CHECK = {"met": "TRUE", "not_met": "false", "unknown": "unknown",
                    "needs_review": "needs review", "error": "ERROR"}


def to_json(results: list[TrialResult] | TrialResult) -> str:
    if isinstance(results, TrialResult):
        return results.model_dump_json(indent=2)
    return _list_adapter().dump_json(results, indent=2).decode()


@functools.cache
def _list_adapter() -> TypeAdapter[list[TrialResult]]:
    return TypeAdapter(list[TrialResult])


def to_text(result: TrialResult) -> str:
    lines = [f"Trial {result.trial}" + (f", cohort {result.cohort}" if result.cohort else "")
             + f" — patient {result.patient_id} — as of {result.as_of} ({result.as_of_source})", ""]
    for c in result.criteria:
        depth = c.id.count(".") - 1
        pad = "  " * depth
        lines.append(f"{pad}[{_ICON[c.status]}] {c.id}: {_short(c.text)}")
        if c.status == "not_applicable":
            continue
        if c.restated:
            lines.append(f"{pad}    restated by the curator: {c.restated}")
        if c.understood_as.startswith("[needs review"):
            lines.append(f"{pad}    understood as: (not machine-readable; a person reads it)")
        elif c.understood_as:
            lines.append(f"{pad}    understood as: {c.understood_as}")
        words = _EXCLUSION_CHECK if c.section == "exclusion" else _INCLUSION_CHECK
        for ch in c.checks:
            label = words[ch.status]
            # an explanation that already opens with its status ("needs review: …") is not prefixed again
            said = ch.explanation.lower().startswith(f"{label.lower()}:")
            lines.append(f"{pad}    - {ch.explanation}" if said else f"{pad}    - {label}: {ch.explanation}")
    lines.append("")
    lines.append(f"VERDICT: {result.verdict}")
    if result.failed:
        lines.append("  failed: " + ", ".join(result.failed))
    if result.unknown:
        lines.append("  unknown: " + ", ".join(result.unknown))
    if result.needs_review:
        lines.append("  needs review: " + ", ".join(result.needs_review))
    if result.errors:
        lines.append("  input errors: " + ", ".join(result.errors))
    if result.missing_data:
        lines.append("  missing data: " + "; ".join(result.missing_data))
    for n in result.notes:
        lines.append("  note: " + n)
    return "\n".join(lines)


def to_markdown(result: TrialResult) -> str:
    out = [f"### Pre-screening: {result.trial}" + (f" ({result.cohort})" if result.cohort else ""),
           "", f"- Patient: `{result.patient_id}`, as of {result.as_of}",
           f"- **Verdict: {result.verdict.replace('_', ' ')}**"]
    if result.failed:
        out.append("- Failed: " + ", ".join(result.failed))
    if result.missing_data:
        out.append("- Missing data: " + "; ".join(result.missing_data))
    out += ["", "| Criterion | Status | Explanation |", "|---|---|---|"]
    for c in result.criteria:
        if c.status == "not_applicable":
            continue
        expl = "<br>".join(ch.explanation for ch in c.checks) or c.explanation
        out.append(f"| {c.id}: {_short(c.text, 80)} | {_ICON[c.status]} | {_md(expl)} |")
    return "\n".join(out) + "\n"


def _md(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _short(s: str, n: int = 110) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"
