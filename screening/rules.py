"""Trial rules files (``rules/<NCT id>.toml``): read, validate, and hand the criteria to ``segment``.

In: a TOML file. Out: a :class:`TrialFile` (pydantic, ``extra="forbid"``, frozen) whose
``sha256`` is the hash of the file's bytes, for caching compiled trials. Every problem becomes
one :class:`~screening.errors.TrialFileError` line: ``<file>: <field path>: <message>``, or
``<file>: line L, column C: <message>`` for TOML syntax errors.

The format (every key below is checked; unknown keys are errors)::

    # TOML puts root keys before the first [table], so the criteria text comes first.
    criteria = '''
    ...the registry's eligibility text, byte for byte (a literal string keeps "\\<" as written)...
    '''

    [trial]                       # registry metadata, as the registry gives it
    nct_id = "NCT03944499"
    title = "..."
    phase = "PHASE1"              # registry code; "" when the registry gives none
    minimum_age = "18 Years"      # "" when none
    maximum_age = ""
    sex = "ALL"                   # ALL | FEMALE | MALE
    healthy_volunteers = false
    source = "ClinicalTrials.gov record, last updated 2025-09-15"

    [settings]                    # optional; these are the defaults
    max_lab_age_days = 28         # a lab result older than this before as_of is stale -> unknown
    cockcroft_gault_weight = "actual"   # weight for Cockcroft-Gault: actual | ideal | adjusted

    [[cohorts]]                   # optional, one table per cohort
    id = "phase_ia"               # lower-case identifier; becomes part of criterion ids
    label = "Phase Ia dose escalation"
    headings = ["Phase Ia dose-escalation study"]  # as they appear in the criteria text; matched
                                  # case-insensitively, ignoring leading numbering and a
                                  # trailing colon. Each must occur in the criteria.
    children = "any"              # optional: how the numbered sub-items under the heading
                                  # combine: "all" or "any" (alternative subgroups). When absent,
                                  # the text decides ("one of the following" -> any, else all).
    curator_note = "..."          # optional: why

    [[restatements]]              # optional: a curated restatement of one criterion, in the
    id = "inclusion.5"            # grammar's canonical language, used instead of its text
    text = "..."
    reason = "..."
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from .errors import TrialFileError

__all__ = ["TrialMeta", "Settings", "CohortSpec", "Restatement", "TrialFile", "load_trial_file"]

_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class TrialMeta(BaseModel):
    """Registry metadata, kept as the registry spells it (ages stay "18 Years")."""

    model_config = _STRICT

    nct_id: str = Field(pattern=r"^NCT\d{8}$")
    title: str = Field(min_length=1)
    phase: str = ""
    minimum_age: str = Field("", pattern=r"^$|^\d+(\.\d+)? (Years?|Months?|Weeks?|Days?|Hours?|Minutes?)$")
    maximum_age: str = Field("", pattern=r"^$|^\d+(\.\d+)? (Years?|Months?|Weeks?|Days?|Hours?|Minutes?)$")
    sex: Literal["ALL", "FEMALE", "MALE"] = "ALL"
    healthy_volunteers: bool = False
    source: str = ""


class Settings(BaseModel):
    """Screening settings that belong to the trial, not to the patient."""

    model_config = _STRICT

    max_lab_age_days: int = Field(28, ge=1, le=3650)
    cockcroft_gault_weight: Literal["actual", "ideal", "adjusted"] = "actual"


class CohortSpec(BaseModel):
    """A cohort whose criteria sit under their own heading in the criteria text."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    headings: tuple[str, ...] = Field(min_length=1)
    children: Literal["all", "any"] | None = None
    curator_note: str = ""

    @model_validator(mode="after")
    def _headings_not_blank(self) -> CohortSpec:
        for k, h in enumerate(self.headings):
            if not h.strip():
                raise ValueError(f"headings[{k}] is blank")
        return self


class Restatement(BaseModel):
    """A curated canonical-language restatement of one criterion (by segment id)."""

    model_config = _STRICT

    id: str = Field(pattern=r"^(inclusion|exclusion)(\.[A-Za-z0-9_]+(-\d+)?)+$")
    text: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class TrialFile(BaseModel):
    """One trial rules file. ``sha256`` (of the file's bytes) and ``path`` are set by the loader."""

    model_config = _STRICT

    criteria: str = Field(min_length=1)
    trial: TrialMeta
    settings: Settings = Field(default_factory=Settings)  # type: ignore[arg-type]
    cohorts: tuple[CohortSpec, ...] = ()
    restatements: tuple[Restatement, ...] = ()

    _sha256: str = PrivateAttr(default="")
    _path: Path | None = PrivateAttr(default=None)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the file's bytes ("" for a model not read from a file)."""
        return self._sha256

    @property
    def path(self) -> Path | None:
        return self._path

    @model_validator(mode="after")
    def _consistent(self) -> TrialFile:
        from .segment import normalize_heading

        seen: dict[str, int] = {}
        for k, c in enumerate(self.cohorts):
            if c.id in seen:
                raise ValueError(f"cohorts[{k}].id: duplicate cohort id {c.id!r}")
            seen[c.id] = k
        restated: set[str] = set()
        for k, r in enumerate(self.restatements):
            if r.id in restated:
                raise ValueError(f"restatements[{k}].id: duplicate restatement for {r.id!r}")
            restated.add(r.id)
        # A heading that matches no line would silently apply its cohort's criteria to everyone.
        lines = [normalize_heading(ln) for ln in re.split(r"\r\n|\r|\n", self.criteria)]
        for k, c in enumerate(self.cohorts):
            for j, h in enumerate(c.headings):
                n = normalize_heading(h)
                if not any(ln == n or ln.startswith(n + ":") for ln in lines):
                    raise ValueError(
                        f"cohorts[{k}].headings[{j}]: heading {h!r} does not occur on a line of "
                        "the criteria text"
                    )
        return self

    def cohort_headings(self) -> dict[str, list[str]]:
        """cohort id -> headings, as ``segment(cohort_headings=...)`` takes them."""
        return {c.id: list(c.headings) for c in self.cohorts}

    def cohort_children(self) -> dict[str, str]:
        """cohort id -> "all" | "any", only for cohorts that set ``children``."""
        return {c.id: c.children for c in self.cohorts if c.children is not None}


_NCT_ID = re.compile(r"\bNCT\d{8}\b")


def trial_from_text(text: str, *, nct_id: str | None = None, title: str | None = None) -> TrialFile:
    """A trial from eligibility text pasted as the registry shows it, with no file around it.

    The NCT id is the one given, else the first one the text names, else ``NCT00000000``; there
    are no cohorts, restatements or registry ages (a trial file adds those).
    """
    found = _NCT_ID.search(text)
    ident = nct_id if nct_id and _NCT_ID.fullmatch(nct_id) else (found[0] if found else "NCT00000000")
    if not text.strip():
        raise TrialFileError("the eligibility text is empty")
    return TrialFile.model_validate({"criteria": text, "trial": {"nct_id": ident,
                                                                 "title": title or "eligibility text"}})


def load_trial_file(path: str | Path) -> TrialFile:
    """Read and validate a trial rules file.

    Raises:
        TrialFileError: unreadable file, TOML syntax error (with line and column) or a field
            that breaks the format; the message is one line naming the field path.
    """
    p = Path(path)
    where = str(p)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise TrialFileError(f"cannot read file: {e.strerror or e}", location=where) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise TrialFileError(f"byte {e.start}: file is not UTF-8 text", location=where) from None
    if p.suffix.lower() != ".toml":  # eligibility text pasted from the registry, as it is
        trial = trial_from_text(text, title=p.name)
        trial._sha256 = hashlib.sha256(raw).hexdigest()
        trial._path = p
        return trial
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise TrialFileError(_toml_message(str(e)), location=where) from None
    try:
        trial = TrialFile.model_validate(data)
    except ValidationError as e:
        raise TrialFileError(_validation_message(e), location=where) from None
    trial._sha256 = hashlib.sha256(raw).hexdigest()
    trial._path = p
    return trial


def _toml_message(msg: str) -> str:
    """"Expected '=' ... (at line 3, column 5)" -> "line 3, column 5: Expected '=' ..."."""
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", msg)
    if m is None:
        m2 = re.search(r"\s*\(at end of document\)\s*$", msg)
        if m2 is not None:
            return f"end of file: TOML syntax error: {msg[: m2.start()]}"
        return f"TOML syntax error: {msg}"
    return f"line {m.group(1)}, column {m.group(2)}: TOML syntax error: {msg[: m.start()]}"


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _validation_message(e: ValidationError) -> str:
    """All of pydantic's errors on one line: "trial.sex: Input should be 'ALL', ...; ..."."""
    parts: list[str] = []
    for err in e.errors(include_url=False):
        loc = _field_path(tuple(err.get("loc", ())))
        msg = str(err.get("msg", "invalid"))
        if err.get("type") == "value_error":
            msg = msg.removeprefix("Value error, ")
            # validators name their own field path ("cohorts[1].headings[0]: ...")
            if re.match(r"^[\w\[\]\.]+: ", msg):
                loc, msg = msg.split(": ", 1)
        elif err.get("type") == "extra_forbidden":
            msg = "unknown field (not part of the trial file format)"
        elif err.get("type") == "missing":
            msg = "required field is missing"
        value = err.get("input")
        if err.get("type") not in ("missing", "extra_forbidden", "value_error") and _short(value):
            msg += f" (got {value!r})"
        parts.append(f"{loc or '(file)'}: {msg}")
    return "; ".join(p.replace("\n", " ") for p in parts)


def _short(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and len(repr(value)) <= 60
