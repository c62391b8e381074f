"""Grammar coverage over a corpus of real eligibility texts: how much the engine structures.

A corpus is JSON lines with ``nct_id`` and ``eligibility_text`` (as ClinicalTrials.gov gives it).
Every trial is compiled from its raw text (``rules.trial_from_text``) exactly as
``screening compile any-trial.txt`` would, and every criterion that carries text to read is
counted once: **structured** (every part became a check), **partly structured** (some checks,
and a needs-review remainder), or **needs review** (nothing structured). The same split is
given for the criteria whose text holds a numeric threshold (a comparator or a ULN multiple
next to a number), which is where structure pays most. The most frequent needs-review patterns
tell a maintainer what to add next.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .nodes import NeedsReview, leaves

# A lab threshold: a comparator, a number, and a lab unit (a per-volume unit, a power of ten, a
# percentage, mass/molar/enzyme units), or a number times a reference limit. Ages, weeks and
# scores ("ECOG <= 1") are not lab thresholds. Escaped registry comparators (\>=, =\<) and words
# ("at least", "no more than") count as comparators; an escaped caret (10\^9/L) as a power of ten.
_COMPARATOR = (r"(?:≥|≤|>=|<=|=>|=<|>|<|\\>=?|=?\\<|\bat\s+least|\bat\s+most|\bno\s+(?:more|less|greater|fewer)\s+than"
               r"|\b(?:greater|less|more|fewer|higher|lower)\s+than(?:\s+or\s+equal\s+to)?|\bup\s+to"
               r"|\bnot\s+exceed(?:ing)?|\bexceed(?:s|ing)?|\bminimum\s+of|\bmaximum\s+of|\bequal\s+to)")
_NUMBER = r"[-+]?\d[\d,]*(?:\.\d+)?"
_LAB_UNIT = (r"(?:\s*(?:[x×*]\s*)?10\s*(?:\\?\^|\*|e|E)?\s*\d+|\s*[a-zA-Zµμ]*\s*/\s*(?:[a-zA-Zµμ]+|\d)"
             r"|\s*%|\s*(?:g|mg|µg|ug|mcg|ng|mmol|µmol|umol|mEq|IU|U|msec|ms)\b)")
NUMERIC_THRESHOLD = re.compile(
    rf"{_COMPARATOR}\s*(?:to\s+)?{_NUMBER}{_LAB_UNIT}"
    r"|\d\s*(?:x|×|X|times)\s*(?:the\s+)?(?:institutional\s+)?(?:ULN|UNL|LLN|upper\s+limit|lower\s+limit)",
    re.IGNORECASE)

_REASON_TOKEN = re.compile(r"not understood from '([^']*)'")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def has_numeric_threshold(text: str) -> bool:
    return NUMERIC_THRESHOLD.search(text) is not None


@dataclass
class Split:
    """Criteria counted by how much of them became checks."""

    criteria: int = 0
    structured: int = 0
    partly: int = 0
    needs_review: int = 0

    def add(self, kind: str) -> None:
        self.criteria += 1
        setattr(self, kind, getattr(self, kind) + 1)

    def share(self, n: int) -> float:
        return 100.0 * n / self.criteria if self.criteria else 0.0


@dataclass
class Coverage:
    trials: int = 0
    seconds: float = 0.0
    all: Split = field(default_factory=Split)
    numeric: Split = field(default_factory=Split)
    crashes: list[dict[str, str]] = field(default_factory=list)
    stopped_at: Counter[str] = field(default_factory=Counter)
    openings: Counter[str] = field(default_factory=Counter)

    @property
    def criteria_per_second(self) -> float:
        return self.all.criteria / self.seconds if self.seconds else 0.0

    def to_json(self, top: int = 25) -> dict[str, Any]:
        return {
            "trials": self.trials,
            "seconds": round(self.seconds, 3),
            "criteria_per_second": round(self.criteria_per_second, 1),
            "all_criteria": asdict(self.all),
            "numeric_threshold_criteria": asdict(self.numeric),
            "crashes": self.crashes,
            "needs_review_stopped_at": self.stopped_at.most_common(top),
            "needs_review_openings": self.openings.most_common(top),
        }


def classify(predicate: Any) -> str:
    """``structured``, ``partly`` or ``needs_review``: the share of a criterion's parts read."""
    parts = leaves(predicate)
    review = sum(isinstance(p, NeedsReview) for p in parts)
    if review == 0:
        return "structured"
    return "needs_review" if review == len(parts) else "partly"


def read_corpus(path: Path) -> Iterator[tuple[str, str]]:
    """(nct_id, eligibility_text) of each line; a broken line is an error naming its number."""
    try:
        f = path.open(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from None
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                nct_id, text = record.get("nct_id") or f"line {n}", record["eligibility_text"]
            except (json.JSONDecodeError, KeyError, AttributeError, TypeError):
                raise InputError(f"{path}: line {n} is not a JSON object with 'eligibility_text'") from None
            if isinstance(text, str) and text.strip():
                yield str(nct_id), text


def measure(records: Iterable[tuple[str, str]]) -> Coverage:
    """Compile every trial's text and count its criteria. A crash is recorded, never raised."""
    from .compile import compile_trial
    from .rules import trial_from_text

    cov = Coverage()
    started = time.perf_counter()
    for nct_id, text in records:
        cov.trials += 1
        try:
            trial = compile_trial(trial_from_text(text, nct_id=nct_id))  # in memory: never cached
        except Exception as err:  # noqa: BLE001 - the point is to count them, and go on
            cov.crashes.append({"nct_id": nct_id, "error": f"{type(err).__name__}: {err}"[:300]})
            continue
        for crit in trial.criteria:
            if crit.predicate is None or crit.id.startswith("registry."):
                continue  # a plain lead-in (its sub-items count) or the registry's own fields
            kind = classify(crit.predicate)
            cov.all.add(kind)
            if has_numeric_threshold(crit.text):
                cov.numeric.add(kind)
            for part in leaves(crit.predicate):
                if isinstance(part, NeedsReview):
                    m = _REASON_TOKEN.search(part.reason)
                    cov.stopped_at[m[1].lower() if m else part.reason] += 1
                    words = _WORD.findall(part.text.lower())[:3]
                    if words:
                        cov.openings[" ".join(words)] += 1
    cov.seconds = time.perf_counter() - started
    return cov


def coverage_text(cov: Coverage, top: int = 15) -> str:
    def row(label: str, s: Split) -> list[str]:
        return [f"{label}: {s.criteria:,}",
                f"  structured          {s.structured:>8,}  {s.share(s.structured):5.1f}%",
                f"  partly structured   {s.partly:>8,}  {s.share(s.partly):5.1f}%",
                f"  needs review        {s.needs_review:>8,}  {s.share(s.needs_review):5.1f}%"]

    lines = [f"trials: {cov.trials:,}   crashes: {len(cov.crashes)}   "
             f"{cov.seconds:.1f} s, {cov.criteria_per_second:,.0f} criteria/s"]
    lines += row("criteria", cov.all)
    lines += row("criteria with a numeric threshold", cov.numeric)
    lines.append(f"needs review, where the grammar stopped (top {top}):")
    lines += [f"  {n:>6,}  {token!r}" for token, n in cov.stopped_at.most_common(top)]
    lines.append(f"needs review, first words (top {top}):")
    lines += [f"  {n:>6,}  {words}" for words, n in cov.openings.most_common(top)]
    for crash in cov.crashes[:10]:
        lines.append(f"crash: {crash['nct_id']}: {crash['error']}")
    return "\n".join(lines)


__all__ = ["Coverage", "Split", "classify", "coverage_text", "has_numeric_threshold", "measure", "read_corpus"]
