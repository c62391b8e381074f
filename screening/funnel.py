"""The attrition funnel of a batch screening: how many patients each criterion removes.

"Alone" counts the patients a criterion excludes whatever the others say; "in sequence" counts
those first excluded by it, taking the criteria in the trial's order (the usual feasibility
waterfall). Needs review: not excluded, but some criterion is unknown or needs a person.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FunnelStep:
    criterion: str
    text: str
    excluded_alone: int
    excluded_in_sequence: int
    remaining: int


@dataclass(frozen=True)
class Funnel:
    trial: str
    cohort: str | None
    title: str
    screened: int
    eligible: int
    ineligible: int
    needs_review: int
    errors: int
    steps: tuple[FunnelStep, ...]


def build_funnel(trial: str, cohort: str | None, title: str, criteria: list[tuple[str, str]],
                 verdicts: dict[str, int], alone: dict[str, int], first_failed: dict[str, int]) -> Funnel:
    """From counts: ``alone[id]`` rows not meeting criterion id, ``first_failed[id]`` rows whose
    first failed criterion (in trial order) is id. Only criteria that exclude someone are steps."""
    screened = sum(verdicts.values())
    remaining = screened
    steps = []
    for cid, text in criteria:
        if not alone.get(cid):
            continue
        seq = first_failed.get(cid, 0)
        remaining -= seq
        steps.append(FunnelStep(cid, text, alone[cid], seq, remaining))
    return Funnel(trial, cohort, title, screened, verdicts.get("eligible", 0), verdicts.get("ineligible", 0),
                  verdicts.get("needs_review", 0), verdicts.get("error", 0), tuple(steps))


def funnel_text(f: Funnel) -> str:
    """The funnel as a plain table for the terminal."""
    def pct(n: int) -> str:
        return f"{100.0 * n / f.screened:5.1f}%" if f.screened else "    -"

    lines = [f"{f.trial}{' cohort ' + f.cohort if f.cohort else ''}: attrition funnel",
             f"  {'patients screened':<44} {f.screened:>9}",
             f"  {'criterion':<28} {'alone':>9} {'in sequence':>12} {'remaining':>10}"]
    for s in f.steps:
        lines.append(f"  {s.criterion:<28} {s.excluded_alone:>9} {s.excluded_in_sequence:>12} {s.remaining:>10}")
    lines += [f"  {'eligible':<44} {f.eligible:>9} {pct(f.eligible)}",
              f"  {'needs review (not excluded, something open)':<44} {f.needs_review:>9} {pct(f.needs_review)}",
              f"  {'ineligible':<44} {f.ineligible:>9} {pct(f.ineligible)}"]
    if f.errors:
        lines.append(f"  {'error (unreadable cells left it open)':<44} {f.errors:>9} {pct(f.errors)}")
    return "\n".join(lines)
