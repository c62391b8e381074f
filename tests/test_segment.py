"""Segmentation: criteria text -> items with exact spans.

The seed trial's expected items were checked by hand against its text; the three fixtures are
real registry texts, one per style, with hand-written expectations; the property test feeds
arbitrary text and checks that nothing is ever dropped; the corpus test (skipped without
/work/shared) runs every development trial.
"""

from __future__ import annotations

import bisect
import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.nodes import Span
from screening.rules import load_trial_file
from screening.segment import (
    Item,
    _segment,
    iter_items,
    normalize_heading,
    section_headings,
    segment,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "segment"
_BREAK = re.compile(r"\r\n|\r|\n")


# --------------------------------------------------------------------------- helpers


def ids(items: list[Item]) -> list[str]:
    return [i.id for i in iter_items(items)]


def by_id(items: list[Item]) -> dict[str, Item]:
    return {i.id: i for i in iter_items(items)}


def physical_lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _BREAK.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def problems(text: str, items: list[Item]) -> list[str]:
    """Every invariant segment promises, as a list of violations (empty when all hold)."""
    out: list[str] = []
    lines = physical_lines(text)
    starts = [a for a, _ in lines]
    owners: dict[int, list[str]] = {}
    seen: set[str] = set()
    for it in iter_items(items):
        if it.id in seen:
            out.append(f"duplicate id {it.id}")
        seen.add(it.id)
        if not 0 <= it.span.start <= it.span.end <= len(text):
            out.append(f"{it.id}: span {it.span} out of bounds")
        if not it.line_spans:
            out.append(f"{it.id}: no line spans")
        for s in it.line_spans:
            k = bisect.bisect_right(starts, s.start) - 1
            a, b = lines[k]
            if not a <= s.start <= s.end <= b:
                out.append(f"{it.id}: line span {s} crosses a line break")
            owners.setdefault(k, []).append(it.id)
        joined = " ".join(text[s.start : s.end] for s in it.line_spans if s.end > s.start)
        if joined != it.text:
            out.append(f"{it.id}: text is not its joined line spans")
        for j, ch in enumerate(it.text):
            if ch != " " and text[it.to_source(j)] != ch:
                out.append(f"{it.id}: to_source({j}) does not point at {ch!r}")
                break
        for c in it.children:
            if c.depth != it.depth + 1 or c.section != it.section:
                out.append(f"{c.id}: depth or section differs from its parent {it.id}")
    heading_lines = {bisect.bisect_right(starts, s.start) - 1 for s, _ in section_headings(text)}
    for k, (a, b) in enumerate(lines):
        if not text[a:b].strip():
            continue
        n = len(owners.get(k, []))
        if n > 1 or (n == 0 and k not in heading_lines):
            out.append(f"line {k + 1} {text[a:b][:40]!r} is covered by {n} items")
    return out


@pytest.fixture(scope="module")
def seed() -> tuple[str, list[Item]]:
    trial = load_trial_file(ROOT / "rules" / "NCT03944499.toml")
    items = segment(
        trial.criteria,
        cohort_headings=trial.cohort_headings(),
        cohort_children=trial.cohort_children(),
    )
    return trial.criteria, items


# --------------------------------------------------------------------------- the seed trial

SEED_IDS = [
    "inclusion.phase_ia", "inclusion.phase_ia.1", "inclusion.phase_ia.2",
    "inclusion.phase_ib", "inclusion.phase_ib.1", "inclusion.phase_ib.2", "inclusion.phase_ib.3",
    "inclusion.phase_ib.4",
    "inclusion.pivotal", "inclusion.pivotal.1", "inclusion.pivotal.2", "inclusion.pivotal.3",
    "inclusion.3", "inclusion.4", "inclusion.5", "inclusion.6", "inclusion.7", "inclusion.8",
    "exclusion.2", "exclusion.3", "exclusion.4", "exclusion.5", "exclusion.6", "exclusion.7",
    "exclusion.8", "exclusion.9", "exclusion.9.1", "exclusion.9.2", "exclusion.9.3", "exclusion.9.4",
    "exclusion.10", "exclusion.11", "exclusion.12", "exclusion.13", "exclusion.14", "exclusion.15",
]  # fmt: skip


def test_seed_item_ids(seed: tuple[str, list[Item]]) -> None:
    _, items = seed
    assert ids(items) == SEED_IDS
    top = [i.id for i in items]
    assert top == [
        "inclusion.phase_ia", "inclusion.phase_ib", "inclusion.pivotal", "inclusion.3",
        "inclusion.4", "inclusion.5", "inclusion.6", "inclusion.7", "inclusion.8",
        *[f"exclusion.{n}" for n in range(2, 16)],
    ]  # fmt: skip


def test_seed_invariants(seed: tuple[str, list[Item]]) -> None:
    text, items = seed
    assert problems(text, items) == []


def test_seed_cohort_blocks(seed: tuple[str, list[Item]]) -> None:
    text, items = seed
    it = by_id(items)
    ia = it["inclusion.phase_ia"]
    assert ia.number == "2."
    assert text[ia.line_spans[0].start - 3 : ia.line_spans[0].end] == "2. Phase Ia dose-escalation study:"
    assert ia.text.startswith("Phase Ia dose-escalation study: Patients with HER2-expressing")
    assert ia.text.endswith("or no standard therapy is available.")
    assert len(ia.line_spans) == 2 and not ia.is_heading
    assert ia.cohorts == ("phase_ia",) and ia.combine == "any"  # the cohort says children="any"
    assert [c.id for c in ia.children] == ["inclusion.phase_ia.1", "inclusion.phase_ia.2"]
    assert ia.children[0].text == "HER2 expression: IHC3+, IHC2+/FISH+"
    assert all(c.cohorts == ("phase_ia",) and c.depth == 1 for c in ia.children)

    ib = it["inclusion.phase_ib"]
    assert ib.number is None and not ib.is_heading and ib.combine == "all"
    assert ib.text.startswith("Phase Ib dose-expanded study: Histologically or cytologically")
    assert ib.text.endswith("Details as follows:")
    assert [c.number for c in ib.children] == ["1.", "2.", "3.", "4."]
    assert all(c.cohorts == ("phase_ib",) for c in ib.children)

    piv = it["inclusion.pivotal"]
    assert piv.cohorts == ("pivotal",) and piv.combine == "all" and not piv.is_heading
    assert [c.id for c in piv.children] == [f"inclusion.pivotal.{n}" for n in (1, 2, 3)]
    assert piv.children[2].text.startswith("Evidence of investigator-confirmed")


def test_seed_repeated_number_returns_to_top_level(seed: tuple[str, list[Item]]) -> None:
    """"3." appears as the pivotal block's last sub-item AND as the next top-level item."""
    text, items = seed
    ecog = by_id(items)["inclusion.3"]
    assert ecog.text == "The ECOG performance status must be 0 or 1."
    assert text[ecog.span.start : ecog.span.end] == ecog.text
    assert ecog.depth == 0 and ecog.cohorts == ()


def test_seed_shared_items(seed: tuple[str, list[Item]]) -> None:
    text, items = seed
    for item in iter_items(items):
        if item.id.startswith("exclusion") or item.id in {f"inclusion.{n}" for n in range(3, 9)}:
            assert item.cohorts == (), item.id
    labs = by_id(items)["inclusion.5"]
    assert "Serum creatinine \\< 1.5x ULN" in labs.text  # registry escapes are kept
    assert "(LVEF) \\>50%" in labs.text
    assert text[labs.span.start : labs.span.end] == labs.text
    k = labs.text.index("creatinine clearance")
    assert text[labs.to_source(k) :].startswith("creatinine clearance")


def test_seed_exclusion_9_is_a_lead_in(seed: tuple[str, list[Item]]) -> None:
    _, items = seed
    e9 = by_id(items)["exclusion.9"]
    assert e9.text == "Cardiac function and disease conform to one of the following conditions:"
    assert e9.is_heading and e9.combine == "any" and not e9.negated
    assert [c.id for c in e9.children] == [f"exclusion.9.{n}" for n in range(1, 5)]
    assert by_id(items)["exclusion.10"].depth == 0


def test_seed_without_cohorts_still_reads_the_blocks() -> None:
    """Uncurated, the unnumbered short "...study:" lines are still read as sub-headings."""
    trial = load_trial_file(ROOT / "rules" / "NCT03944499.toml")
    items = segment(trial.criteria)
    assert problems(trial.criteria, items) == []
    top = [i.text[:22] for i in items if i.section == "inclusion"]
    assert top[:3] == ["Phase Ia dose-escalati", "Phase Ib dose-expanded", "Pivotal clinical study"]
    assert by_id(items)["inclusion.3"].text.startswith("The ECOG")


# --------------------------------------------------------------------------- real fixtures


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_fixture_ctagent_escapes_and_nested_bullets() -> None:
    text = fixture("ctagent_NCT05033288.txt")
    items = segment(text)
    assert problems(text, items) == []
    assert ids(items) == [
        *[f"inclusion.{n}" for n in range(1, 9)],
        *[f"exclusion.{n}" for n in range(1, 8)],
        "exclusion.7.1", "exclusion.7.2", "exclusion.7.3",
    ]  # fmt: skip
    it = by_id(items)
    assert it["inclusion.1"].text == "Males and females \\>= 15 years of age"
    assert it["inclusion.1"].number == "*"
    assert it["inclusion.4"].text.endswith("(PS) =\\< 2")
    assert it["exclusion.3"].text == "Males and females \\< 15 years of age"
    e7 = it["exclusion.7"]
    assert e7.text == "Any of the following:" and e7.is_heading and e7.combine == "any"
    assert it["exclusion.7.3"].text.startswith("Men or women of childbearing potential")
    assert all(i.section == "inclusion" for i in items[:8])


def test_fixture_hint_wrapped_with_numbered_sub_list() -> None:
    text = fixture("hint_NCT02141035.txt")
    items = segment(text)
    assert problems(text, items) == []
    assert ids(items) == [
        "inclusion.1", "inclusion.1.1", "inclusion.1.2", "inclusion.1.3", "inclusion.1.4",
        "exclusion.1", "exclusion.2", "exclusion.3", "exclusion.4", "exclusion.5",
    ]  # fmt: skip
    it = by_id(items)
    lead = it["inclusion.1"]
    assert lead.number == "-" and len(lead.line_spans) == 3
    assert lead.text.endswith("with at least one of the following symptoms:")
    assert lead.combine == "any" and not lead.is_heading  # its first sentence says something else
    assert it["inclusion.1.2"].text == (
        "Precipitation of those symptoms by repetitive motions that are relieved by "
        "rubbing and or shaking the hands;"
    )
    assert [c.number for c in lead.children] == ["1.", "2.", "3.", "4."]
    assert it["exclusion.1"].text.endswith("the age as determined by nerve conduction studies.")
    assert it["exclusion.5"].text == "Pregnancy"


def test_fixture_lct_paragraph_and_one_per_line() -> None:
    text = fixture("lct_NCT03799757.txt")
    items = segment(text)
    assert problems(text, items) == []
    assert ids(items) == ["inclusion.1", *[f"exclusion.{n}" for n in range(1, 7)]]
    first = items[0]
    assert first.number is None and len(first.line_spans) == 2
    assert first.text == (
        "female patients with unilateral breast cancer candidates for total mastectomy and "
        "axillary dissection"
    )
    assert items[3].text.startswith("Patients with a history of a long duration of NSAID")


# --------------------------------------------------------------------------- sections


@pytest.mark.parametrize(
    "heading, section",
    [
        ("Inclusion Criteria", "inclusion"),
        ("INCLUSION CRITERIA:", "inclusion"),
        ("-  INCLUSION CRITERIA:", "inclusion"),
        ("* Exclusion Criteria:", "exclusion"),
        ("## Key Exclusion Criteria", "exclusion"),
        ("Key Inclusion Criteria:", "inclusion"),
        ("Inclusion criteria for all patients:", "inclusion"),
        ("Main Criteria for Exclusion:", "exclusion"),
        ("A. EXCLUSION CRITERIA", "exclusion"),
        ("Exclusion Criteria (PART 1 and 2):", "exclusion"),
        ("Exclusion_Criteria", "exclusion"),
    ],
)
def test_section_headings(heading: str, section: str) -> None:
    text = f"{heading}\n- first criterion\n"
    (h,) = section_headings(text)
    assert h[1] == section
    (item,) = segment(text)
    assert item.section == section and item.id == f"{section}.1"


@pytest.mark.parametrize(
    "line",
    [
        "Meets all inclusion criteria.",
        "Other protocol-defined inclusion/exclusion criteria may apply.",
        "The main exclusion criteria include but are not limited to the following:",
        "Exclusion criteria no. 8 applies only in arm C:",
    ],
)
def test_not_section_headings(line: str) -> None:
    assert section_headings(f"Inclusion Criteria:\n{line}\n") == [
        (Span(0, len("Inclusion Criteria:")), "inclusion")
    ]


def test_wrapped_line_starting_with_section_words_is_text() -> None:
    text = "Exclusion Criteria:\n\n  -  Patients who do not meet the\n     inclusion criteria.\n"
    items = segment(text)
    assert [i.text for i in items] == ["Patients who do not meet the inclusion criteria."]


def test_text_before_any_heading_is_inclusion_and_heading_remainder_is_an_item() -> None:
    text = "Adults only\nInclusion Criteria: - Age >= 18\nExclusion Criteria:- Pregnant\n"
    items = segment(text)
    assert [(i.id, i.number, i.text) for i in items] == [
        ("inclusion.1", None, "Adults only"),
        ("inclusion.2", "-", "Age >= 18"),
        ("exclusion.1", "-", "Pregnant"),
    ]
    assert problems(text, items) == []


def test_numbered_item_on_the_heading_line() -> None:
    items = segment("-  Exclusion Criteria 1. Active infection\n")
    assert [(i.id, i.number, i.text) for i in items] == [("exclusion.1", "1.", "Active infection")]


# --------------------------------------------------------------------------- markers and nesting


@pytest.mark.parametrize(
    "line, number, rest",
    [
        ("1. Age", "1.", "Age"),
        ("1) Age", "1)", "Age"),
        ("(1) Age", "(1)", "Age"),
        ("a. Age", "a.", "Age"),
        ("B) Age", "B)", "Age"),
        ("ii) Age", "ii)", "Age"),
        ("1\\. Age", "1\\.", "Age"),
        ("1.Age", "1.", "Age"),
        ("1.2. Age", "1.2.", "Age"),
        ("- Age", "-", "Age"),
        ("* Age", "*", "Age"),
        ("\\* Age", "\\*", "Age"),
        ("\\- Age", "\\-", "Age"),
        ("• Age", "•", "Age"),
        ("•Age", "•", "Age"),
        ("· Age", "·", "Age"),
        ("o Age", "o", "Age"),
        ("1、Age", "1、", "Age"),
    ],
)
def test_markers(line: str, number: str, rest: str) -> None:
    (item,) = segment(line)
    assert (item.number, item.text) == (number, rest)


@pytest.mark.parametrize(
    "line",
    ["1.5 x ULN or less", "e.g. anything", "-5/del(5q)", "*Footnote", "IV disease", "2.5 mg daily"],
)
def test_not_markers(line: str) -> None:
    (item,) = segment(line)
    assert item.number is None and item.text == line


def test_nesting_by_indentation() -> None:
    text = (
        "* Meets one of the following:\n\n"
        "  * Risk group A, defined as:\n\n"
        "    * first detail\n"
        "    * second detail\n"
        "  * Risk group B\n"
        "* Age >= 18\n"
    )
    items = segment(text)
    assert ids(items) == [
        "inclusion.1", "inclusion.1.1", "inclusion.1.1.1", "inclusion.1.1.2", "inclusion.1.2",
        "inclusion.2",
    ]  # fmt: skip
    assert items[0].combine == "any" and items[0].is_heading
    assert problems(text, items) == []


def test_nesting_by_numbering_without_indentation() -> None:
    text = "1. Adequate organ function:\na. ANC >= 1.5\nb. Platelets >= 100\n2. ECOG 0-1\n"
    items = segment(text)
    assert ids(items) == ["inclusion.1", "inclusion.1.a", "inclusion.1.b", "inclusion.2"]
    assert items[0].is_heading and items[0].combine == "all"


def test_roman_and_letters() -> None:
    text = "a. Cardiac disease:\ni. angina\nii. arrhythmia\nb. Stroke\nh. eight\ni. nine\n"
    items = segment(text)
    assert ids(items) == [
        "inclusion.a", "inclusion.a.i", "inclusion.a.ii", "inclusion.b", "inclusion.h",
        "inclusion.i",
    ]  # fmt: skip


def test_number_that_continues_an_outer_list_closes_the_inner_one() -> None:
    text = "1. One\n2. Two, one of:\n1. sub one\n2. sub two\n3. sub three\n3. Three\n"
    items = segment(text)
    assert ids(items) == [
        "inclusion.1", "inclusion.2", "inclusion.2.1", "inclusion.2.2", "inclusion.2.3",
        "inclusion.3",
    ]  # fmt: skip
    assert items[1].combine == "any"


def test_skipped_numbers_stay_in_their_list() -> None:
    text = "1. One:\na. sub\n6. Six\n8. Eight\n"
    assert ids(segment(text)) == ["inclusion.1", "inclusion.1.a", "inclusion.6", "inclusion.8"]


def test_restarted_list_gets_suffixed_ids() -> None:
    text = "1. One\n2. Two\n1. One again\n"
    assert ids(segment(text)) == ["inclusion.1", "inclusion.2", "inclusion.1-2"]


def test_dotted_numbers_under_their_parent() -> None:
    text = "1. Disease criteria\n1.1. First\n1.2. Second\n2. Age\n"
    assert ids(segment(text)) == ["inclusion.1", "inclusion.1.1", "inclusion.1.2", "inclusion.2"]


# --------------------------------------------------------------------------- lines and paragraphs


def test_continuation_lines_join_with_one_space() -> None:
    text = "  -  Histologically confirmed cancer of the\n     breast or ovary\n\n  -  Age >= 18\n"
    items = segment(text)
    assert [i.text for i in items] == [
        "Histologically confirmed cancer of the breast or ovary",
        "Age >= 18",
    ]
    first = items[0]
    assert [text[s.start : s.end] for s in first.line_spans] == [
        "Histologically confirmed cancer of the",
        "breast or ovary",
    ]
    assert first.to_source(first.text.index("breast")) == text.index("breast")
    assert first.to_source(len("Histologically confirmed cancer of the")) == first.line_spans[0].end
    assert first.to_source(-5) == first.span.start and first.to_source(10**6) == first.span.end


def test_blank_line_ends_an_item_and_indented_paragraph_belongs_to_it() -> None:
    text = "1. Adequate function:\n\n   * ANC >= 1.5\n\n   Note: labs within 14 days\n2. Age\n"
    items = segment(text)
    assert ids(items) == ["inclusion.1", "inclusion.1.1", "inclusion.1.2", "inclusion.2"]
    assert by_id(items)["inclusion.1.2"].number is None


def test_unmarked_paragraphs_are_items() -> None:
    text = (
        "Inclusion Criteria:\n\nMales and females, age 7 to 18 years\n\n"
        "Onset of psychotic symptoms before 13th birthday and a DSM-IV diagnosis of either\n"
        "schizophrenia or psychosis.\n\nExclusion Criteria:\n\nIQ less than 70.\n"
    )
    items = segment(text)
    assert [(i.id, i.text) for i in items] == [
        ("inclusion.1", "Males and females, age 7 to 18 years"),
        (
            "inclusion.2",
            "Onset of psychotic symptoms before 13th birthday and a DSM-IV diagnosis of either "
            "schizophrenia or psychosis.",
        ),
        ("exclusion.1", "IQ less than 70."),
    ]


def test_one_criterion_per_line_without_markers() -> None:
    long = "x" * 120
    text = f"Inclusion Criteria:\nAge over 18\nSigned consent {long}\nExclusion Criteria:\nPregnancy\n"
    items = segment(text)
    assert [i.text[:14] for i in items] == ["Age over 18", "Signed consent", "Pregnancy"]


def test_wrapped_number_is_not_a_new_item() -> None:
    """In hard-wrapped, blank-separated text "20. mg/day" under a text line is a continuation."""
    text = (
        "  1. Subjects may be included if the previous trial failed to reach the dose of\n"
        "     20. mg/day or a duration of fewer than four weeks.\n\n"
        "  2. Second item\n\n  3. Third item\n"
    )
    items = segment(text)
    assert ids(items) == ["inclusion.1", "inclusion.2", "inclusion.3"]
    assert items[0].text.endswith("dose of 20. mg/day or a duration of fewer than four weeks.")


def test_crlf_offsets() -> None:
    text = "Inclusion Criteria:\r\n1. Age >= 18\r\n   and <= 75\r\nExclusion Criteria:\r\n1. Pregnant\r\n"
    items = segment(text)
    assert [i.text for i in items] == ["Age >= 18 and <= 75", "Pregnant"]
    assert problems(text, items) == []


@pytest.mark.parametrize("text", ["", "\n\n", "   \t  \n", "Inclusion Criteria:\n"])
def test_nothing_to_segment(text: str) -> None:
    assert segment(text) == []


def test_deep_nesting_is_capped() -> None:
    text = "".join(" " * (2 * k) + "- level\n" for k in range(300))
    items = segment(text)
    assert max(i.depth for i in iter_items(items)) < 30
    assert problems(text, items) == []


# --------------------------------------------------------------------------- combine and headings


@pytest.mark.parametrize(
    "lead, combine",
    [
        ("Any of the following:", "any"),
        ("Meets 1 of the following criteria:", "any"),
        ("Has at least one of the following:", "any"),
        ("Either of the following:", "any"),
        ("All of the following:", "all"),
        ("Adequate organ function:", "all"),
    ],
)
def test_combine_from_lead_in(lead: str, combine: str) -> None:
    (item,) = segment(f"- {lead}\n  - first\n  - second\n")
    assert item.combine == combine and item.is_heading


def test_trailing_or_between_sub_items() -> None:
    (item,) = segment("Renal\n- Creatinine < 1.6 mg/dL OR\n- Creatinine clearance > 40 mL/min\n")
    assert item.combine == "any" and item.is_heading and len(item.children) == 2


def test_negated_lead_in() -> None:
    (item,) = segment("- No history of any of the following:\n  - Eczema\n  - Burns\n")
    assert item.negated and item.combine == "any" and item.is_heading
    (excl,) = segment(
        "Exclusion Criteria:\nPatients with any of the following will not be eligible:\n- A\n- B\n"
    )
    assert not excl.negated and excl.combine == "any"


@pytest.mark.parametrize(
    "text, heading",
    [
        ("- Hepatic\n  - Bilirubin <= 1.5 x ULN\n", True),
        ("- PRIOR CONCURRENT THERAPY\n  - No chemotherapy\n", True),
        ("- Mantle cell lymphoma\n  - relapsed after one therapy\n", False),
        ("- Measurable disease per RECIST. Details as follows:\n  - one lesion\n", False),
        ("- Age >= 18\n", False),
        ("- \n", True),
        ("DISEASE CHARACTERISTICS:\n", True),
        ("Inclusion and Exclusion Criteria for Phase 1b\n", True),
    ],
)
def test_is_heading(text: str, heading: bool) -> None:
    assert segment(text)[0].is_heading is heading


def test_cohort_heading_matching_and_inline_text() -> None:
    text = (
        "Inclusion Criteria:\n1. Age >= 18\n"
        "COHORT A:\n1. HER2 positive\n2. Prior trastuzumab\n"
        "Cohort B: patients with HER2-low disease\n1. IHC 1+\n2. No prior T-DXd\n"
        "2. ECOG 0-1\n"
    )
    items = segment(
        text,
        cohort_headings={"a": ["Cohort A"], "b": ["1. cohort b:"]},
        cohort_children={"a": "any"},
    )
    assert ids(items) == [
        "inclusion.1", "inclusion.a", "inclusion.a.1", "inclusion.a.2", "inclusion.b",
        "inclusion.b.1", "inclusion.b.2", "inclusion.2",
    ]  # fmt: skip
    it = by_id(items)
    assert it["inclusion.a"].is_heading and it["inclusion.a"].combine == "any"
    assert not it["inclusion.b"].is_heading  # its line says more than the heading
    assert it["inclusion.b.1"].cohorts == ("b",) and it["inclusion.2"].cohorts == ()
    assert normalize_heading("  2. Phase Ia  Dose-escalation study: ") == "phase ia dose-escalation study"


# --------------------------------------------------------------------------- never raises, drops nothing

_PIECES = [
    "Inclusion Criteria:", "EXCLUSION CRITERIA", "Cohort A:", "one of the following:", "Phase Ib",
    "1. ", "2. ", "3) ", "(1) ", "a. ", "i. ", "ii) ", "- ", "* ", "\\- ", "\\* ", "• ", "o ", "1.1. ",
    "\n", "\n", "\n\n", "\r\n", "\r", "  ", "   ", "\t", "x", "Age", " or", ":", ".", "\\>=", "ULN",
]  # fmt: skip
_texts = st.one_of(
    st.text(),
    st.lists(st.sampled_from(_PIECES), max_size=60).map("".join),
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=6)), max_size=40).map("".join),
)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(_texts)
def test_property_nothing_dropped(text: str) -> None:
    """Arbitrary text: the structured reading itself (no safety net) keeps every line."""
    items = _segment(text, {"a": ["Cohort A"], "b": ["phase ib"]}, {"a": "any"})
    assert isinstance(items, list)
    assert problems(text, items) == []


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text())
def test_property_public_segment_never_raises(text: str) -> None:
    assert isinstance(segment(text), list)


# --------------------------------------------------------------------------- the development corpus


def test_corpus_all_dev_trials() -> None:
    """Every development trial segments without exception and without dropping a line."""
    path = SHARED / "corpus" / "dev.jsonl"
    if not path.exists():
        pytest.skip("the shared corpus is not available in this checkout")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    bad: list[str] = []
    n_items = 0
    t0 = time.perf_counter()
    results = [(r, _segment(r["eligibility_text"], {}, {})) for r in rows]
    elapsed = time.perf_counter() - t0
    for r, items in results:
        n_items += sum(1 for _ in iter_items(items))
        for p in problems(r["eligibility_text"], items)[:3]:
            bad.append(f"{r['nct_id']}: {p}")
    print(f"\n{len(rows)} trials, {n_items} items, segmented in {elapsed:.2f} s")
    assert not bad, "\n".join(bad[:20])
    assert len(rows) > 1000 and n_items > 20 * len(rows)


def test_bare_section_words_switch_the_section() -> None:
    # "Exclusion:" alone on a line is a section heading, as in several registry records
    text = "Inclusion:\n- Age 18 or older\nExclusion:\n- Pregnancy\n"
    items = list(iter_items(segment(text)))
    assert [(i.section, i.text) for i in items] == [
        ("inclusion", "Age 18 or older"), ("exclusion", "Pregnancy")]
