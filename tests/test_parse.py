"""Grammar and parser: strict LALR build, seed clauses, and 'never raises on any text'."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.nodes import Amount, Junction, LimitMultiple, Presence, Threshold, Unparsed, ValueList
from screening.parse import build_parser, comparator_op, parse_clause, parse_item, split_clauses

ROOT = Path(__file__).resolve().parents[1]


def test_grammar_builds_strict() -> None:
    build_parser(strict=True)  # raises GrammarError on any LALR conflict or terminal collision


def test_only_parse_module_imports_lark() -> None:
    for path in (ROOT / "screening").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] == "lark" for n in names):
                assert path.name == "parse.py", f"{path.name} imports lark"


def test_comparators() -> None:
    for text, op in [("≥", ">="), ("\\>=", ">="), ("=\\<", "<="), ("\\<", "<"), ("\\>", ">"),
                     ("at least", ">="), ("not exceeding", "<="), ("greater than", ">"),
                     ("less than or equal to", "<="), ("≤", "<="), ("=>", ">=")]:
        assert comparator_op(text) == op, text


@pytest.mark.parametrize("written, op", [
    ("equal or greater than", ">="), ("equal or greater to", ">="), ("equal to or less than", "<="), ("greater than/equal to", ">="),
    ("less than / equal to", "<="), ("greater than equal to", ">="), ("≥ or =", ">="), ("≤ or =", "<="),
    ("superior or equal to", ">="), ("inferior to", "<"), ("below or equal to", "<="), ("above or equal to", ">=")])
def test_comparators_spelled_otherwise(written: str, op: str) -> None:
    """Spellings seen in the dev corpus; each read in a whole clause, not only by itself."""
    node = parse_clause(f"Hemoglobin {written} 10 g/dL")
    assert isinstance(node, Threshold) and node.subjects[0].text == "Hemoglobin"
    (c,) = node.comparisons
    assert c.op == op and isinstance(c.value, Amount) and (c.value.value, c.value.unit) == (10.0, "g/dL")


def test_a_pair_of_values_is_one_amount() -> None:
    node = parse_clause("Blood pressure > 150/100 mm Hg")
    assert isinstance(node, Threshold)
    (c,) = node.comparisons
    assert c.op == ">" and isinstance(c.value, Amount)
    assert (c.value.value, c.value.second, c.value.unit) == (150.0, 100.0, "mm Hg")
    # a count per volume, a clearance and a date are no pairs
    for text in ("Platelets ≥ 100/mm3", "Creatinine clearance ≥ 60/min", "Consent signed before 10/12/2020"):
        assert "second=1" not in repr(parse_clause(text)), text


@pytest.mark.parametrize("text, value", [
    ("ANC ≥ 1,5 x 109/L", 1.5),        # a decimal comma before a power of ten
    ("AST < 2,5 x ULN", 2.5),          # or before a ULN multiple
    ("ANC ≥ 1,500 x 10^6/L", 1500.0),  # a thousands group has three digits
    ("ANC ≥ 1,500/mm3", 1500.0),
])
def test_decimal_comma_only_before_a_power_of_ten_or_a_limit(text: str, value: float) -> None:
    node = parse_clause(text)
    assert isinstance(node, Threshold)
    (c,) = node.comparisons
    assert getattr(c.value, "value", getattr(c.value, "multiple", None)) == value


def test_a_comma_between_small_numbers_is_still_a_list() -> None:
    assert not isinstance(parse_clause("Hemoglobin ≥ 9,5 g/dL"), Threshold)  # 9.5 or 95? a person
    node = parse_clause("ECOG 0,1 or 2")
    assert "1.5" not in repr(node) and "0.1" not in repr(node)


def test_lab_threshold_with_exposure() -> None:
    node = parse_clause("absolute neutrophil count (ANC) ≥ 1.0x1E9/L(without colony stimulating factor within 7 days)")
    assert isinstance(node, Threshold)
    assert node.subjects[0].text == "absolute neutrophil count (ANC)"
    (c,) = node.comparisons
    assert c.op == ">=" and isinstance(c.value, Amount)
    assert c.value.value == 1.0 and c.value.unit == "x1E9/L"
    (e,) = node.exposures
    assert e.exposure.text == "colony stimulating factor" and e.within.days == 7


def test_escaped_comparator_and_percent() -> None:
    node = parse_clause("left ventricular ejection fraction (LVEF) \\>50%")
    assert isinstance(node, Threshold)
    assert node.comparisons[0].op == ">"
    assert node.comparisons[0].value == Amount(span=node.comparisons[0].value.span, value=50.0, unit="%")


def test_uln_alternative_with_condition() -> None:
    node = parse_clause("Total bilirubin ≤ 1.5x upper limit normal (ULN), or ≤ 3x ULN if with Gilbert syndrome")
    assert isinstance(node, Junction) and node.op == "or"
    first, second = node.parts
    assert isinstance(first, Threshold) and isinstance(second, Threshold)
    assert first.comparisons[0].value == LimitMultiple(span=first.comparisons[0].value.span, multiple=1.5, limit="uln")
    assert second.subjects == ()  # inherits "Total bilirubin"
    assert second.comparisons[0].condition is not None
    assert second.comparisons[0].condition.text == "Gilbert syndrome"


def test_two_exposures_joined_by_nor() -> None:
    node = parse_clause("platelet count ≥ 100x1E9/L(without thrombopoietin or thrombopoietin receptor agonists within 7 days nor platelet infusion within 14 days)")
    assert isinstance(node, Threshold)
    assert [(e.exposure.text, e.within.days) for e in node.exposures] == [
        ("thrombopoietin", 7), ("thrombopoietin receptor agonists", 7), ("platelet infusion", 14)]


def test_value_list_with_label() -> None:
    ((lead, node),) = parse_item("HER2 expression: IHC3+, IHC2+/FISH+")
    assert lead is not None
    assert isinstance(node, ValueList) and node.subject is None
    assert [t.text for t in node.values] == ["IHC3+", "IHC2+/FISH+"]


def test_presence_with_window_and_lead() -> None:
    node = parse_clause("History of myocardial infarction or severe arteriovenous thrombosis within 6 months")
    assert isinstance(node, Junction) and node.op == "or"
    assert isinstance(node.parts[0], Presence)
    assert node.parts[0].subject.text == "myocardial infarction"
    assert node.parts[1].window is not None and node.parts[1].window.days == 6 * 30.4375


def test_unreadable_text_is_unparsed_not_dropped() -> None:
    text = "Non-recovery of toxic effects from previous antitumor therapy (\\> NCI-CTCAE 5.0 grade 1) alopecia"
    node = parse_clause(text)
    assert isinstance(node, Unparsed) and node.text == text


def test_clause_split_keeps_decimals_and_parentheses() -> None:
    text = "Serum potassium ≥3.5 mmol/L;albumin ≥ 3g/dL; a (b; c). Next one"
    parts = [text[s:e] for s, e in split_clauses(text)]
    assert parts == ["Serum potassium ≥3.5 mmol/L", "albumin ≥ 3g/dL", "a (b; c)", "Next one"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parser_never_raises(text: str) -> None:
    for _lead, node in parse_item(text):
        assert node.span.start >= 0 and node.span.end <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["ANC", "≥", "1.5", "x ULN", "or", "and", "(", ")", "within", "7", "days",
                                 "if", "Gilbert", "IHC3+", ",", ";", ":", "\\<", "g/dL", "without", "nor",
                                 "history", "of", "other", "than", "whichever", "is", "shorter", "1+"]),
                max_size=25))
def test_parser_never_raises_on_criteria_like_tokens(tokens: list[str]) -> None:
    parse_item(" ".join(tokens))


def test_a_stripped_comparison_sign_is_not_read_as_equality() -> None:
    # some registry exports drop ≥/≤ and keep the spaces: "ECOG  1" was "ECOG ≤ 1"
    node = parse_clause("ECOG  1")
    assert isinstance(node, Unparsed) and "comparison sign" in node.reason
    assert not isinstance(parse_clause("ECOG 0 or 1"), Unparsed)
