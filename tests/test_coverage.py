"""Raw eligibility text compiles with no file around it; `screening coverage` counts what it reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.cli import main
from screening.compile import canonical, compile_trial
from screening.coverage import has_numeric_threshold, leaves, measure, read_corpus
from screening.errors import InputError, TrialFileError
from screening.nodes import AllOf, NeedsReview, Not, NumericCheck, PresenceCheck
from screening.rules import trial_from_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "corpus_sample.jsonl"  # 6 trials copied from the dev corpus
DEV = ROOT.parent / "shared" / "corpus" / "dev.jsonl"

TEXT = """Inclusion Criteria:

- Age >= 18 years
- Able to ride a bicycle
- ECOG 0 or 1; able to ride a bicycle

Exclusion Criteria:

- Pregnancy
"""


def test_pasted_text_compiles_as_a_trial(tmp_path: Path) -> None:
    path = tmp_path / "any-trial.txt"
    path.write_text(TEXT, encoding="utf-8")
    trial = compile_trial(path, use_cache=False)
    assert trial.nct_id == "NCT00000000" and trial.cohorts == ()
    by_id = {c.id: c for c in trial.criteria}
    assert set(by_id) == {"inclusion.1", "inclusion.2", "inclusion.3", "exclusion.1"}
    age = by_id["inclusion.1"].predicate
    assert isinstance(age, NumericCheck)
    assert (age.concept, age.op, age.threshold) == ("age", ">=", 18.0)
    preg = by_id["exclusion.1"].predicate
    assert isinstance(preg, PresenceCheck) and preg.concept == "pregnancy"


def test_the_nct_id_named_in_the_text_is_kept() -> None:
    assert trial_from_text("NCT01234567\nInclusion Criteria:\n- Age >= 18 years").trial.nct_id == "NCT01234567"
    assert trial_from_text("Inclusion Criteria:\n- x", nct_id="NCT07654321").trial.nct_id == "NCT07654321"
    with pytest.raises(TrialFileError):
        trial_from_text("   \n")


def test_compile_command_reads_pasted_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pasted.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert main(["compile", str(path)]) == 0
    out = capsys.readouterr().out
    assert "inclusion.2: Able to ride a bicycle" in out
    assert "needs review" in out  # riding a bicycle is no concept: quoted for a person


@pytest.mark.parametrize(("text", "expected"), [
    ("ANC \\>= 1500/mm3", True),                     # escaped registry comparator, per-volume unit
    ("AST ≤ 2.5 x ULN", True),                        # a multiple of a reference limit
    ("bilirubin 1.5 times the upper limit of normal", True),
    ("platelets ≥ 100 x 109/L", True),                # lost superscript
    ("ANC ≥ 1.2 × 10\\^9/L", True),                    # the registry's escaped caret
    ("creatinine clearance >= 60 mL/min", True),
    ("LVEF > 50%", True),
    ("age >= 18 years", False),                       # an age is not a lab threshold
    ("ECOG <= 1", False),                             # nor a score
    ("at least 4 weeks since chemotherapy", False),   # nor a window
])
def test_numeric_lab_threshold_detection(text: str, expected: bool) -> None:
    assert has_numeric_threshold(text) is expected


def test_coverage_counts_worked_by_hand(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"nct_id": "NCT00000001", "eligibility_text": TEXT}) + "\n"
                      + json.dumps({"nct_id": "NCT00000002", "eligibility_text": "Inclusion Criteria:\n"
                                    "- Hemoglobin >= 9 g/dL\n- Lives within driving distance of the clinic"}) + "\n",
                      encoding="utf-8")
    cov = measure(read_corpus(corpus))
    # trial 1: age (structured), bicycle (review), ECOG; bicycle (partly: two clauses), pregnancy
    # (structured); trial 2: hemoglobin (structured), driving distance (review) -> 6 criteria: 3 + 1 + 2
    assert cov.trials == 2 and not cov.crashes
    assert (cov.all.criteria, cov.all.structured, cov.all.partly, cov.all.needs_review) == (6, 3, 1, 2)
    # only "Hemoglobin >= 9 g/dL" is a lab threshold, and it is structured
    assert (cov.numeric.criteria, cov.numeric.structured) == (1, 1)


def test_coverage_command_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", str(SAMPLE), "--format", "json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["trials"] == 6 and figures["crashes"] == []
    split = figures["all_criteria"]
    assert split["criteria"] == split["structured"] + split["partly"] + split["needs_review"] > 0


def test_a_broken_corpus_line_is_an_error_naming_it(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"nct_id": "NCT00000001", "eligibility_text": "x"}\n{"nct_id": 3}\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        list(read_corpus(corpus))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("Inclusion Criteria:-\n\t 0123456789.,;()<>=≥≤/x%ULN andorwithin weeks")),
               max_size=300))
def test_compiling_any_text_never_crashes(text: str) -> None:
    if not text.strip():
        return
    trial = compile_trial(trial_from_text(text))
    for crit in trial.criteria:
        assert 0 <= crit.span.start <= crit.span.end <= len(text)


@pytest.mark.skipif(not DEV.exists(), reason="needs ../shared/corpus/dev.jsonl beside the project")
def test_the_whole_dev_corpus_compiles_without_a_crash() -> None:
    cov = measure(read_corpus(DEV))
    assert cov.trials == 1841
    assert cov.crashes == []


@pytest.mark.parametrize(("text", "op", "years"), [
    ("Patients must be > 18 years of age", ">", 18.0),   # a person word, and "of age" names the subject
    ("Age >= 18 years of age", ">=", 18.0),              # the note repeats the subject
    ("At least 18 years of age", ">=", 18.0),            # no subject: the note is the subject
    ("Participants must be at least 2 years of age", ">=", 2.0),
])
def test_years_of_age_is_an_age_bound(text: str, op: str, years: float) -> None:
    (crit,) = [c for c in compile_trial(trial_from_text(f"Inclusion Criteria:\n- {text}\n")).criteria
               if not c.id.startswith("registry.")]
    assert isinstance(crit.predicate, NumericCheck)
    assert (crit.predicate.concept, crit.predicate.op, crit.predicate.threshold) == ("age", op, years)


def test_a_restricting_subject_is_part_of_the_requirement() -> None:
    """"Women > 50 years of age" is not "age > 50": dropping "women" could let a man through, so
    the sex is part of the requirement."""
    (crit,) = [c for c in compile_trial(trial_from_text("Inclusion Criteria:\n- Women > 50 years of age\n")).criteria
               if not c.id.startswith("registry.")]
    assert crit.understood_as == "(sex in (female) and age > 50 year)"
    # a man of 60 does not meet it
    assert _status("Women > 50 years of age", "Inclusion", [], demographics={"sex": "male", "age_years": 60}) \
        == "not_met"


def _only(text: str) -> object:
    (crit,) = [c for c in compile_trial(trial_from_text(f"Inclusion Criteria:\n- {text}\n")).criteria
               if not c.id.startswith("registry.")]
    return crit.predicate


def test_a_bound_restated_in_another_unit_must_agree() -> None:
    # 1500/mm3 = 1500 x 10^6/L = 1.5 x 10^9/L: the same bound, read once
    ok = _only("ANC >= 1.5 x 10^9/L (1500/mm3)")
    assert isinstance(ok, NumericCheck) and (ok.concept, ok.op, ok.threshold) == ("anc", ">=", 1.5)
    # 9 g/dL = 90 g/L; 5.6 mmol/L is its rounding (9 / 1.6114 = 5.585), within 2 %
    hb = _only("Hemoglobin >= 9 g/dL (5.6 mmol/L)")
    assert isinstance(hb, NumericCheck) and hb.threshold == 90.0
    # 1000/mm3 is 1.0 x 10^9/L, not 1.5: which one the trial means is for a person to say
    assert isinstance(_only("ANC >= 1.5 x 10^9/L (1000/mm3)"), NeedsReview)


def test_a_conditional_bound_in_parentheses_is_an_alternative() -> None:
    from screening.nodes import AllOf, AnyOf

    p = _only("AST <= 3 x ULN (<= 5 x ULN if liver metastases)")
    assert isinstance(p, AnyOf)
    plain, conditional = p.children
    assert isinstance(plain, NumericCheck) and (plain.op, plain.threshold, plain.limit) == ("<=", 3.0, "uln")
    assert isinstance(conditional, AllOf)
    has, bound = conditional.children
    assert isinstance(has, PresenceCheck) and has.concept == "liver_metastases"
    assert isinstance(bound, NumericCheck) and bound.threshold == 5.0


@pytest.mark.parametrize(("text", "concepts"), [
    ("Absolute neutrophil count (ANC) = ≥1,500 /μL", ["anc"]),   # a stray "=" before ≥
    ("AST \\& ALT ≤ 2.5 x ULN", ["ast", "alt"]),                  # the registry's escaped ampersand
    ("AST & ALT <= 2.5 x ULN", ["ast", "alt"]),
])
def test_registry_spellings_of_comparators_and_and(text: str, concepts: list[str]) -> None:
    from screening.nodes import leaves

    checks = leaves(_only(text))
    assert [c.concept for c in checks if isinstance(c, NumericCheck)] == concepts
    assert not any(isinstance(c, NeedsReview) for c in checks)


def test_must_have_leads_name_only_the_person() -> None:
    from screening.nodes import CategoryCheck

    present = _only("Patients must have measurable disease")
    assert isinstance(present, PresenceCheck) and present.concept == "measurable_disease"
    anc = _only("Must have an ANC >= 1500/mm3")  # 1500/mm3 = 1.5 x 10^9/L
    assert isinstance(anc, NumericCheck) and (anc.concept, anc.op, anc.threshold) == ("anc", ">=", 1.5)
    ecog = _only("Patients must have ECOG 0 or 1")
    assert isinstance(ecog, CategoryCheck) and ecog.concept == "ecog" and set(ecog.allowed) == {"0", "1"}
    # "must not have" is not this lead: it is a prohibition, never read as its opposite
    negated = _only("Patients must not have measurable disease")
    assert isinstance(negated, Not) and isinstance(negated.child, PresenceCheck)
    assert negated.child.concept == "measurable_disease"


def test_a_label_before_a_colon_is_the_subject_of_a_bare_bound() -> None:
    hb = _only("Hemoglobin: at least 9 g/dL")  # 9 g/dL = 90 g/L
    assert isinstance(hb, NumericCheck) and (hb.concept, hb.op, hb.threshold) == ("hemoglobin", ">=", 90.0)
    age = _only("Age: 18 years and over")
    assert isinstance(age, NumericCheck) and (age.concept, age.op, age.threshold) == ("age", ">=", 18.0)
    # a label that is not a concept stays for review, whatever follows
    assert isinstance(_only("Mood: at least 9 g/dL"), NeedsReview)


def test_a_heading_naming_a_measurement_is_the_subject_of_the_bounds_under_it() -> None:
    text = ("Inclusion Criteria:\n\nLife expectancy:\n\n  - At least 12 weeks\n\n"
            "Mood:\n\n  - At least 12 weeks\n")
    by_id = {c.id: c for c in compile_trial(trial_from_text(text)).criteria}
    heading, bound = by_id["inclusion.1"], by_id["inclusion.1.1"]
    assert heading.predicate is None and heading.children_decide  # the sub-items decide
    assert isinstance(bound.predicate, NumericCheck)
    assert (bound.predicate.concept, bound.predicate.op, bound.predicate.threshold) == ("life_expectancy", ">=", 12.0)
    # "Mood" names no measurement: the list and its bare bound stay for review
    assert isinstance(by_id["inclusion.2"].predicate, NeedsReview)
    assert isinstance(by_id["inclusion.2.1"].predicate, NeedsReview)


def _checks(text: str) -> list[tuple[str, str, float]]:
    from screening.nodes import leaves

    out = []
    for c in leaves(_only(text)):
        assert not isinstance(c, NeedsReview), (text, c)
        assert isinstance(c, NumericCheck)
        out.append((c.concept, c.op, round(c.threshold, 3)))
    return out


@pytest.mark.parametrize(("text", "expected"), [
    # "> or equal to" is ≥; 100,000/uL = 100 x 10^9/L
    ("Platelet count > or equal to 100,000/uL", [("platelets", ">=", 100.0)]),
    ("Karnofsky performance status of greater or equal to 60", [("karnofsky", ">=", 60.0)]),
    ("ECOG performance status < or equal to 2", [("ecog", "<=", 2.0)]),
    # units written with spaces around "/": 1.5 mg/dL x 88.40 = 132.6 umol/L; 1,500/mcL = 1.5 x 10^9/L
    ("Serum creatinine <= 1.5 mg / dL", [("creatinine", "<=", 132.603)]),
    ("Absolute neutrophil count >= 1,500 / mcL", [("anc", ">=", 1.5)]),
    ("ECOG performance status < or = to 1", [("ecog", "<=", 1.0)]),
    # 5.6 mmol/L x 16,114.5 g/mol (Hb monomer) / 1000 = 90.2412 g/L
    ("Hemoglobin > 5.6 mmol / l", [("hemoglobin", ">", 90.241)]),
    ("Platelets \\>=100,000/ microliter", [("platelets", ">=", 100.0)]),          # 100,000/µL = 100 x 10^9/L
    ("Platelet count ≥ 100 x 10 9/L", [("platelets", ">=", 100.0)]),              # "10 9": a lost superscript
    ("CD4+ cell count >= 100 cells/mm³", [("cd4", ">=", 100.0)]),                 # mm³ = µL
    # the comparator restated as a sign in parentheses, and the group's name without "performance"
    ("Eastern Cooperative Oncology Group (ECOG) performance score of less than or equal to (</=) 1",
     [("ecog", "<=", 1.0)]),
    ("Eastern Cooperative Oncology Group (ECOG) ≤ 2", [("ecog", "<=", 2.0)]),
    # ULN spelled "laboratory ULN" and "upper limit of reference range": the multiple is kept
    ("Total bilirubin ≤1.5 X laboratory ULN", [("total_bilirubin", "<=", 1.5)]),
    ("Serum bilirubin >1.5x the upper limit of reference range (ULRR)", [("total_bilirubin", ">", 1.5)]),
])
def test_more_comparator_and_unit_spellings(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _checks(text) == expected


def test_comma_list_of_thresholds_takes_the_word_before_the_last() -> None:
    from screening.nodes import AllOf, AnyOf

    # 9 g/dL = 90 g/L
    every = _only("Hematologic: ANC ≥ 1.5 × 109/L, platelet count ≥ 100 × 109/L, and hemoglobin ≥ 9 g/dL")
    assert isinstance(every, AllOf) and _checks(
        "ANC ≥ 1.5 × 109/L, platelet count ≥ 100 × 109/L, and hemoglobin ≥ 9 g/dL") == [
        ("anc", ">=", 1.5), ("platelets", ">=", 100.0), ("hemoglobin", ">=", 90.0)]
    either = _only("ANC < 1.5 x 109/L, hemoglobin < 9 g/dL, or platelet count < 100 x 109/L")
    assert isinstance(either, AnyOf) and len(either.children) == 3
    # no joining word: the commas separate the parts as ";" would (see the tests below)
    assert isinstance(_only("ANC ≥ 1.5 × 109/L, platelet count ≥ 100 × 109/L"), AllOf)
    # a part that is not a complete threshold keeps the whole list for review
    assert isinstance(_only("ANC ≥ 1.5 × 109/L, recovered from toxicity, and hemoglobin ≥ 9 g/dL"), NeedsReview)


def test_and_or_is_either_between_thresholds_but_unclear_before_one_bound() -> None:
    from screening.nodes import AnyOf

    either = _only("Serum creatinine ≤ 1.5 mg/dl and/or creatinine clearance ≥ 60 ml/min")
    assert isinstance(either, AnyOf) and [c.concept for c in either.children] == ["creatinine", "creatinine_clearance"]
    # "AST and/or ALT < 3 x ULN" in an inclusion: both, or one? Reading "either" would let
    # AST at 10 x ULN through, so a person decides
    assert isinstance(_only("AST and/or ALT < 3 times upper limit of normal (ULN)"), NeedsReview)


def test_adequate_function_as_evidenced_by_is_a_lead() -> None:
    assert _checks("Adequate renal function as evidenced by serum creatinine < 1.5 mg/dL") == [
        ("creatinine", "<", 132.603)]  # 1.5 x 88.40
    assert _checks("Adequate renal function as demonstrated by serum creatinine ≤1.5 x ULN") == [
        ("creatinine", "<=", 1.5)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Aspartate aminotransferase (AST) (serum glutamic oxaloacetic transaminase [SGOT]) =< 2.5 x institutional "
     "upper limit of normal", [("ast", "<=", 2.5)]),
    ("Aspartate aminotransferase (AST \\[SGOT\\]) \\> 1.5 x ULN", [("ast", ">", 1.5)]),
    ("Activated partial thromboplastin time (aPTT) ≤ 1.2 x ULN", [("aptt", "<=", 1.2)]),
    ("ANC (absolute neutrophil count) ≥ 1500/μL", [("anc", ">=", 1.5)]),   # 1500/µL = 1.5 x 10^9/L
    ("Estimated glomerular filtration rate (eGFR) ≥60 mL/min/1.73 m2", [("egfr", ">=", 60.0)]),
])
def test_aliases_in_parentheses_and_brackets(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _checks(text) == expected


def test_a_spelled_out_parenthesis_that_is_not_an_alias_keeps_the_review() -> None:
    # "(requiring no transfusion)" qualifies the value; dropping it would widen the criterion
    assert isinstance(_only("Hemoglobin (requiring no transfusion) ≥ 9 g/dL"), NeedsReview)


def test_a_bare_bound_after_either_subject_is_about_either() -> None:
    from screening.nodes import AnyOf, leaves

    p = _only("PT (Prothrombin time) or aPTT (activated partial thromboplastin time) > 1.5x ULN or <0.5x LLN")
    assert isinstance(p, AnyOf)
    low = p.children[-1]  # PT < 0.5 x LLN or aPTT < 0.5 x LLN: either one, like the first bound
    assert isinstance(low, AnyOf) and [(c.concept, c.op, c.threshold, c.limit) for c in leaves(low)] == [
        ("pt", "<", 0.5, "lln"), ("aptt", "<", 0.5, "lln")]


def test_karnofsky_written_with_percent_is_the_score() -> None:
    assert _checks("Karnofsky performance status ≥ 70%") == [("karnofsky", ">=", 70.0)]
    # a unit a score does not allow is still refused
    assert isinstance(_only("Karnofsky performance status ≥ 70 mg"), NeedsReview)


def test_egfr_and_creatinine_clearance_are_not_interchangeable() -> None:
    # eGFR is normalised to 1.73 m² of body surface, creatinine clearance (Cockcroft-Gault) is not
    assert _checks("Estimated GFR ≥ 45 mL/min/1.73m²") == [("egfr", ">=", 45.0)]
    assert isinstance(_only("eGFR ≥ 60 mL/min"), NeedsReview)
    # a clearance per 1.73 m² is neither: a lab of its own, which neither answers
    assert _checks("Creatinine clearance ≥ 60 mL/min/1.73 m2") == [("creatinine_clearance_bsa", ">=", 60.0)]


def test_comma_lists_keep_thousands_separators_and_shared_bounds() -> None:
    # 1000/uL = 1.0, 50,000/uL = 50 (x 10^9/L); 10 g/dL = 100 g/L; the last word is "or"
    assert _checks("Absolute neutrophil counts <1000/uL, hemoglobin <10 g/dL, platelet count <50,000/uL or "
                   "creatinine clearance <50 mL/minute") == [
        ("anc", "<", 1.0), ("hemoglobin", "<", 100.0), ("platelets", "<", 50.0), ("creatinine_clearance", "<", 50.0)]
    # "AST and ALT ≤ 3 × ULN" inside the list: both names share the bound
    assert _checks("total serum bilirubin ≤1.5 × ULN, AST and ALT ≤3 × ULN, and ALP ≤2.5 × ULN") == [
        ("total_bilirubin", "<=", 1.5), ("ast", "<=", 3.0), ("alt", "<=", 3.0), ("alp", "<=", 2.5)]


def test_in_presence_of_is_a_condition_and_at_screening_is_the_screening_date() -> None:
    from screening.nodes import AllOf, AnyOf

    p = _only("AST (SGOT)/ALT (SGPT) ≤ 2.5 x institutional ULN, or \\< 5x ULN in presence of liver metastases")
    assert isinstance(p, AnyOf)
    conditional = p.children[1]
    assert isinstance(conditional, AllOf)
    guard = conditional.children[0]  # liver metastases and (AST < 5 × ULN and ALT < 5 × ULN)
    assert isinstance(guard, PresenceCheck) and guard.concept == "liver_metastases"
    assert _checks("Body mass index ≤35 kg/m^2 at screening") == [("bmi", "<=", 35.0)]
    assert _checks("ECOG performance status of ≤ 2 at study entry") == [("ecog", "<=", 2.0)]


def test_more_leads_and_slash_abbreviations() -> None:
    assert _checks("Bone marrow impairment as evidenced by hemoglobin < 9.0 g/dL") == [("hemoglobin", "<", 90.0)]
    assert _checks("The patient has adequate renal function as defined by serum creatinine level <1.5 mg/dL") == [
        ("creatinine", "<", 132.603)]   # 1.5 x 88.40
    assert _checks("Serum alanine aminotransferase/aspartate aminotransferase (ALT/AST) less or equal to 2.5 times "
                   "the upper limit of normal") == [("alt", "<=", 2.5), ("ast", "<=", 2.5)]


def test_bare_numbers_where_the_vocabulary_says_what_they_mean() -> None:
    assert _checks("Age ≥ 18") == [("age", ">=", 18.0)]   # age: years (vocabulary bare_units "1")
    assert _checks("INR ≤ 1.5") == [("inr", "<=", 1.5)]  # a ratio has no unit
    # a count without its unit stays for review: 1500 could be per µL or per mm³... or 10^9/L
    assert isinstance(_only("ANC ≥ 1500"), NeedsReview)


def test_within_normal_limits_is_both_limits_of_the_range() -> None:
    from screening import screen
    from screening.nodes import AllOf, leaves

    p = _only("Total Bilirubin must be within normal limits.")
    assert isinstance(p, AllOf)
    assert [(c.concept, c.op, c.threshold, c.limit) for c in leaves(p)] == [
        ("total_bilirubin", ">=", 1.0, "lln"), ("total_bilirubin", "<=", 1.0, "uln")]
    trial = compile_trial(trial_from_text("Inclusion Criteria:\n- Total bilirubin within normal limits\n"))

    def verdict(value: float) -> str:
        patient = {"patient_id": "p", "as_of": "2026-11-20", "observations": [
            {"concept": "total_bilirubin", "value": value, "unit": "umol/L", "date": "2026-11-18",
             "reference_range": {"low": 5, "high": 21}}]}
        return screen(trial, patient).verdict

    # the lab's range is 5-21 umol/L: 12 is inside, 3 below, 25 above
    assert [verdict(12), verdict(3), verdict(25)] == ["eligible", "ineligible", "ineligible"]


@pytest.mark.parametrize(("text", "expected"), [
    # mg/dL -> mmol/L: x 10 / 885.7 (triglycerides as triolein) and x 10 / 386.65 (cholesterol)
    ("Fasting serum triglycerides > 400 mg/dL", [("triglycerides", ">", 4.516)]),   # 4000 / 885.7
    ("Fasting serum cholesterol > 300 mg/dL", [("total_cholesterol", ">", 7.759)]),  # 3000 / 386.65
    ("Fasting LDL-C ≥ 190 mg/dL", [("ldl_cholesterol", ">=", 4.914)]),              # 1900 / 386.65
    ("Estimated creatinine clearance ≥ 50 mL/min", [("creatinine_clearance", ">=", 50.0)]),
    ("Alk phos ≤ 2.5 x ULN", [("alp", "<=", 2.5)]),
])
def test_lipids_and_more_synonyms(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _checks(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Must be at least 18 years of age", [("age", ">=", 18.0)]),
    ("Subjects ≥ 18 years of age at the time of signing the informed consent", [("age", ">=", 18.0)]),
    ("Is ≥18 years of age on the day of signing informed consent", [("age", ">=", 18.0)]),
    # "at the time of" the start of the study, and the consent's other spellings, are as_of too
    ("At least 18 years of age at the time of study registration", [("age", ">=", 18.0)]),
    ("Males and females 18 years of age or older at the time of signing the informed consent document.",
     [("age", ">=", 18.0)]),
    ("Patients aged 20 years or older at the date of informed consent", [("age", ">=", 20.0)]),
    ("Males and Females, age ≥18 years old at time of screening visit", [("age", ">=", 18.0)]),
    ("Total bilirubin =< 1.5 x institutional upper limit of normal (IULN)", [("total_bilirubin", "<=", 1.5)]),
    ("Creatinine ≤ 1.5 x IULN", [("creatinine", "<=", 1.5)]),
    # per µL and per mm³ are the same volume: 1,500/µL = 1.5 x 10^9/L, 100,000/mm³ = 100 x 10^9/L
    ("Absolute neutrophil count ≥ 1,500 cells per microliter", [("anc", ">=", 1.5)]),
    ("Platelets ≥ 100,000 per mm3", [("platelets", ">=", 100.0)]),
    ("absolute neutrophil count >1,500/microliter (mcL)", [("anc", ">", 1.5)]),
    ("Platelet count ≥ 100,000 per cubic millimeter", [("platelets", ">=", 100.0)]),
])
def test_age_notes_and_spelled_out_volumes(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _checks(text) == expected


def test_age_at_randomization_is_not_the_screening_date() -> None:
    # randomisation can be weeks after screening: for a person to decide
    assert isinstance(_only("Between 18 and 65 years of age at the time of randomization"), NeedsReview)
    # nor is another event
    assert isinstance(_only("Age ≥ 18 years at the time of original diagnosis"), NeedsReview)


@pytest.mark.parametrize("text", [
    # read by the grammar as "A or (B and C)"; the writer meant "(A or B) and C": for a person
    "Fasting serum cholesterol ≤300 mg/dL or ≤7.75 mmol/L AND fasting triglycerides ≤ 2.5 x ULN",
    "Eastern Cooperative Oncology Group (ECOG) performance status of 0 or 1 and life expectancy of ≥12 weeks",
])
def test_or_and_and_mixed_without_parentheses_is_for_review(text: str) -> None:
    assert isinstance(_only(text), NeedsReview)


def test_or_and_and_with_parentheses_or_shared_names_are_read() -> None:
    from screening.nodes import AnyOf

    # 1.5 mg/dL x 88.40 = 132.6 umol/L
    assert _checks("Creatinine ≤ 1.5 mg/dL or (creatinine clearance ≥ 60 mL/min and potassium ≥ 3.5 mmol/L)") == [
        ("creatinine", "<=", 132.603), ("creatinine_clearance", ">=", 60.0), ("potassium", ">=", 3.5)]
    p = _only("INR < 1.5 or a PT/PTT within normal limits")   # "within normal limits" is one phrase
    assert isinstance(p, AnyOf)


def test_has_leads_name_only_the_person() -> None:
    from screening.nodes import AnyOf

    p = _only("Has a history of myocardial infarction within 6 months")
    # 6 months = 6 x 30.4375 days (the mean month) = 182.625 days
    assert isinstance(p, PresenceCheck) and (p.concept, p.within_days) == ("myocardial_infarction", 182.625)
    assert _checks("The subject has a corrected QT interval (QTc) > 500 ms") == [("qtc", ">", 500.0)]
    assert _checks("Has a life expectancy of at least 3 months") == [("life_expectancy", ">=", 13.045)]  # 3 x 30.4375 / 7
    assert isinstance(_only("Have a history of stroke or transient ischemic attack within six months"), AnyOf)


def test_evaluable_disease_is_not_measurable_disease() -> None:
    # evaluable (RECIST non-target lesions count) is broader than measurable: not the same concept
    p = _only("Have evaluable disease")
    assert isinstance(p, PresenceCheck) and p.concept == "evaluable_disease"
    # measurable disease is evaluable; without it the disease may still be evaluable: unknown
    assert _status("Measurable or evaluable disease", "Inclusion", [], tumour={"measurable_disease": True}) == "met"
    assert _status("Measurable or evaluable disease", "Inclusion", [], tumour={"measurable_disease": False}) == "unknown"


def test_of_note_joined_to_its_subject() -> None:
    from screening.nodes import NumericCheck as N

    for text, op, n in (("At least 2 prior lines of therapy", ">=", 2.0), ("Has ≥ 2 prior lines of therapy", ">=", 2.0)):
        p = _only(text)
        assert isinstance(p, N) and (p.concept, p.op, p.threshold) == ("prior_lines", op, n)
    # lines of chemotherapy are fewer than lines of therapy: not the same count
    assert isinstance(_only("No more than 3 prior lines of chemotherapy"), NeedsReview)


def _section_only(text: str, section: str) -> object:
    (crit,) = [c for c in compile_trial(trial_from_text(f"{section} Criteria:\n- {text}\n")).criteria
               if not c.id.startswith("registry.")]
    return crit.predicate


def test_a_lead_with_its_checks_in_parentheses() -> None:
    from screening.nodes import AllOf, AnyOf

    # 1.5 mg/dL x 88.40 = 132.603 µmol/L
    either = _only("Adequate renal function (serum creatinine < 1.5 mg/dL or creatinine clearance > 50 ml/min)")
    assert isinstance(either, AnyOf)
    assert [(c.concept, c.op, round(c.threshold, 3)) for c in either.children] == [
        ("creatinine", "<", 132.603), ("creatinine_clearance", ">", 50.0)]
    # ";" inside the parentheses separates requirements; 1,500/uL = 1.5 x 10^9/L; 9 g/dL = 90 g/L
    each = _only("Adequate hematologic function (absolute neutrophil count [ANC] >= 1,500 cells/uL; "
                 "hemoglobin >= 9 g/dL)")
    assert isinstance(each, AllOf)
    assert [(c.concept, c.op, round(c.threshold, 3)) for c in each.children] == [
        ("anc", ">=", 1.5), ("hemoglobin", ">=", 90.0)]
    # "[ULN]" after the spelled-out limit is its abbreviation
    assert _checks("Adequate hepatic function (bilirubin ≤ 1.0 x upper limit of normal [ULN])") == [
        ("total_bilirubin", "<=", 1.0)]
    # a parenthesis that does not run to the end is not the lead's checks
    assert isinstance(_only("Adequate renal function (serum creatinine < 1.5 mg/dL) per the investigator"), NeedsReview)


def test_an_adequate_function_lead_among_exclusions_is_for_review() -> None:
    # "Adequate hematologic function (...)" listed as an exclusion reads inverted: one review,
    # quoting the lead, not one per clause and never the bare checks
    p = _section_only("Adequate hematologic function (absolute neutrophil count >= 1,500/uL; hemoglobin >= 9 g/dL)",
                      "Exclusion")
    assert isinstance(p, NeedsReview) and p.text.startswith("Adequate hematologic function (absolute")
    assert p.text.endswith("hemoglobin >= 9 g/dL")


def test_unless_is_an_exception_that_can_only_lift_the_clause() -> None:
    from screening.nodes import AllOf, AnyOf

    text = "Prothrombin time ≤1.5x ULN, unless receiving therapeutic anticoagulation"
    # inclusion: met when PT ≤ 1.5 × ULN; otherwise the exception may still apply (a person checks)
    inc = _section_only(text, "Inclusion")
    assert isinstance(inc, AnyOf)
    pt, exception = inc.children
    assert isinstance(pt, NumericCheck) and (pt.concept, pt.op, pt.threshold, pt.limit) == ("pt", "<=", 1.5, "uln")
    assert isinstance(exception, NeedsReview) and exception.text == "unless receiving therapeutic anticoagulation"
    # exclusion: applies only when the clause holds and the exception does not
    exc = _section_only("History of brain metastases, unless treated and stable for 4 weeks", "Exclusion")
    assert isinstance(exc, AllOf)
    mets, exception = exc.children
    assert isinstance(mets, PresenceCheck) and mets.concept == "cns_metastases"
    assert isinstance(exception, NeedsReview) and exception.text.startswith("unless treated")


def test_a_later_sentence_letting_a_group_in() -> None:
    from screening.nodes import AllOf

    # exclusion: the first sentence excludes only if the permission does not apply
    exc = _section_only("Known brain metastases. Patients with treated, stable brain metastases are eligible.",
                        "Exclusion")
    assert isinstance(exc, AllOf)
    mets, permission = exc.children
    assert isinstance(mets, PresenceCheck) and mets.concept == "cns_metastases"
    assert isinstance(permission, NeedsReview)
    # inclusion: the sentence may lift the requirement (Gilbert's) or add one for the group, so
    # failing "bilirubin ≤ 1.5 × ULN" must not make the patient ineligible: the item is reviewed
    inc = _section_only("Serum bilirubin ≤ 1.5 x ULN. Patients with known Gilbert disease who have serum bilirubin "
                        "level ≤ 2 x ULN may be enrolled.", "Inclusion")
    assert isinstance(inc, NeedsReview) and inc.text.startswith("Serum bilirubin")
    # restrictions are not permissions: "only", "not", "must"
    only = _section_only("Measurable disease. Only patients with stable disease are eligible.", "Inclusion")
    assert not (isinstance(only, NeedsReview) and "lets some patients in" in only.reason)


def test_is_permission_words() -> None:
    from screening.parse import is_permission

    assert is_permission("Patients with Gilbert's syndrome are eligible")
    assert is_permission("Prior treatment with interferon alfa is allowed")
    assert not is_permission("Only patients with stable disease are eligible")
    assert not is_permission("Patients with brain metastases are not eligible")
    assert not is_permission("No more than 2 prior regimens are allowed")
    assert not is_permission("Patients are eligible if they have undergone a prostate MRI")


def _status(text: str, section: str, observations: list[dict[str, object]], **patient: object) -> str:
    """The status of the one criterion ``text`` compiles to, for a patient screened on 2026-11-20."""
    from screening.evaluate import screen

    trial = compile_trial(trial_from_text(f"{section} Criteria:\n- {text}\n"))
    record = {"patient_id": "p", "as_of": "2026-11-20", "observations": observations, **patient}
    (result,) = [c for c in screen(trial, record).criteria if not c.id.startswith("registry.")]
    return str(result.status)


def _x_uln(concept: str, multiple: float) -> dict[str, object]:
    """A transaminase at ``multiple`` × its ULN of 40 U/L, drawn two days before screening."""
    return {"concept": concept, "value": 40 * multiple, "unit": "U/L", "date": "2026-11-18",
            "reference_range": {"high": 40}}


def _verdict_of(text: str, section: str, ast_x_uln: float, liver_mets: bool | None) -> str:
    """The status of one criterion for a patient with AST at ``ast_x_uln`` × ULN (ULN 40 U/L)."""
    conditions = [] if liver_mets is None else [{"name": "liver metastases", "present": liver_mets}]
    return _status(text, section, [_x_uln("ast", ast_x_uln)], conditions=conditions)


@pytest.mark.parametrize(("ast", "mets", "expected"), [
    # an exclusion is "met" (passed) when the patient is not excluded, "not_met" when excluded
    # AST 3 × ULN: above the default 2.5, below the 5 allowed with liver metastases
    (3.0, True, "met"), (3.0, False, "not_met"), (3.0, None, "unknown"),
    # AST 6 × ULN is above 5 × ULN: excluded whatever the metastases
    (6.0, True, "not_met"), (6.0, None, "not_met"),
    # AST 2 × ULN is below both bounds: not excluded
    (2.0, None, "met"),
])
def test_a_narrower_conditional_bound_in_an_exclusion(ast: float, mets: bool | None, expected: str) -> None:
    # "AST > 2.5 × ULN (> 5 × ULN if liver metastases)" excludes above 5 × ULN, and between 2.5
    # and 5 × ULN only a patient without liver metastases; read as "either bound" it would
    # exclude a patient with liver metastases at 3 × ULN, whom the trial lets in
    assert _verdict_of("AST > 2.5 x ULN (> 5 x ULN if liver metastases)", "Exclusion", ast, mets) == expected


@pytest.mark.parametrize(("ast", "mets", "expected"), [
    (2.0, None, "met"),     # within the default bound: the condition does not matter
    (3.0, True, "met"),     # 3 ≤ 5 with liver metastases
    (3.0, False, "not_met"),
    (3.0, None, "unknown"),
    (6.0, True, "not_met"),
])
def test_a_wider_conditional_bound_in_an_inclusion(ast: float, mets: bool | None, expected: str) -> None:
    assert _verdict_of("AST ≤ 2.5 x ULN (≤ 5 x ULN if liver metastases)", "Inclusion", ast, mets) == expected


def _hb_status(text: str, days_old: int | None) -> str:
    """Status of one inclusion for hemoglobin 10 g/dL dated ``days_old`` days before 2026-11-20."""
    import datetime as dt

    obs: dict[str, object] = {"concept": "hemoglobin", "value": 10, "unit": "g/dL"}
    if days_old is not None:
        obs["date"] = (dt.date(2026, 11, 20) - dt.timedelta(days=days_old)).isoformat()
    return _status(text, "Inclusion", [obs])


@pytest.mark.parametrize(("text", "days"), [
    ("Hemoglobin ≥ 8.0 g/dL (obtained ≤ 14 days prior to registration)", 14.0),
    ("Hemoglobin >= 9 g/dL obtained within 28 days prior to registration", 28.0),
    ("Hemoglobin \\>= 10.0 g/dL (within 21 days of randomization/enrollment)", 21.0),
    ("Hemoglobin ≥ 10 g/dL (measured within 4 weeks prior to administration of study treatment)", 28.0),
])
def test_how_recent_a_result_must_be(text: str, days: float) -> None:
    (check,) = [c for c in [_only(text)] if isinstance(c, NumericCheck)]
    assert check.concept == "hemoglobin" and check.within_days == days


def test_a_result_older_than_the_criterion_allows_is_unknown() -> None:
    text = "Hemoglobin ≥ 9 g/dL (obtained ≤ 14 days prior to registration)"
    assert _hb_status(text, 14) == "met"       # 10 g/dL ≥ 9, and 14 days old is within 14 days
    assert _hb_status(text, 15) == "unknown"   # 15 days old: too old to count, never "not met"
    assert _hb_status(text, None) == "unknown"  # no date: its age cannot be known


def test_a_recency_written_once_after_a_list_is_about_every_result() -> None:
    p = _only("ANC ≥ 1500/uL and platelets ≥ 100,000/uL within 14 days prior to registration")
    from screening.nodes import leaves

    assert [(c.concept, c.within_days) for c in leaves(p)] == [("anc", 14.0), ("platelets", 14.0)]


def test_recency_that_is_not_read() -> None:
    # "> 14 days prior" is not a recency; a score is not a dated result; an unknown event
    assert isinstance(_only("ANC > 1500/uL > 14 days prior to registration"), NeedsReview)
    assert isinstance(_only("ECOG 0-1 within 14 days prior to registration"), NeedsReview)
    assert isinstance(_only("Hemoglobin ≥ 9 g/dL within 14 days prior to the central review"), NeedsReview)


@pytest.mark.parametrize(("text", "expected"), [
    # registry text escapes "^": 10\^9/L is 10^9/L; 1,500/mm\^3 = 1.5 x 10^9/L
    ("Absolute neutrophil count ≥ 1.5 x 10\\^9/L", [("anc", ">=", 1.5)]),
    ("Platelet count \\>=75,000/mm\\^3", [("platelets", ">=", 75.0)]),
    ("eGFR \\>= 45 mL/min/1.73 m\\^2", [("egfr", ">=", 45.0)]),
    # and "*" as a multiplication sign: 75\*10\^9/L is 75 x 10^9/L
    ("Platelet count \\>=75\\*10\\^9/L", [("platelets", ">=", 75.0)]),
    # spelled-out and other spellings: 1 µU/mL = 10⁻⁶ U per 10⁻³ L = 1 mIU/L; bpm is per minute
    ("creatinine clearance >30 milliliters/minute", [("creatinine_clearance", ">", 30.0)]),
    ("TSH < 0.1 mcU/ml", [("tsh", "<", 0.1)]),
    ("resting heart rate ≥ 60 bpm", [("heart_rate", ">=", 60.0)]),
    ("Platelets ≥100*10E9/L", [("platelets", ">=", 100.0)]),
    # "microL" is a microlitre: 100,000/µL = 100 x 10^9/L
    ("Platelets greater than or equal to 100,000/microL", [("platelets", ">=", 100.0)]),
    # the institution's ULN is the ULN
    ("Bilirubin ≤ 1.5 x upper limit of normal for the institution (ULN)", [("total_bilirubin", "<=", 1.5)]),
    ("AST and ALT less than 3 times the upper limit of normal for the institution", [("ast", "<", 3.0), ("alt", "<", 3.0)]),
    # a note that allows what the bound allows already: 9 g/dL = 90 g/L
    ("Hemoglobin ≥ 9 g/dL (transfusions allowed)", [("hemoglobin", ">=", 90.0)]),
    ("hemoglobin >9 g/dL (may be transfused to this level)", [("hemoglobin", ">", 90.0)]),
    # supportive care allowed, in words of its own (dev corpus): 8 g/dL = 80 g/L, 10 g/dL = 100 g/L
    ("Hemoglobin greater than 8g/dl (patients may receive transfusions to meet this parameter)",
     [("hemoglobin", ">", 80.0)]),
    ("Hemoglobin ≥10 g/dL [Transfusion to meet the hemoglobin requirement is acceptable]", [("hemoglobin", ">=", 100.0)]),
    ("Hemoglobin ≥ 9 gm/dL (may be transfused or may receive epoetin alfa to maintain this level)",
     [("hemoglobin", ">=", 90.0)]),
    # on the last bound of a list, where it allows what that bound allows: 100,000/mm³ = 100 × 10⁹/L
    ("Hemoglobin ≥ 9 g/dL and platelets ≥ 100,000/mm3 (transfusions may be used)",
     [("hemoglobin", ">=", 90.0), ("platelets", ">=", 100.0)]),
])
def test_escapes_spelled_units_institutional_limits_and_neutral_notes(
        text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _checks(text) == expected


def test_transfusion_independent_is_a_requirement_not_a_neutral_note() -> None:
    # the value must be reached without transfusion: it decides only a failing floor (8 g/dL fails
    # whatever a transfusion did); whether 10 g/dL was reached without one is for a person
    pred = _only("Hemoglobin ≥ 9 g/dL (transfusion independent)")
    assert isinstance(pred, AllOf) and isinstance(pred.children[0], NumericCheck) \
        and isinstance(pred.children[1], NeedsReview)


@pytest.mark.parametrize("text", [
    # the permission is taken back, timed or conditioned: for a person
    "Hemoglobin ≥ 9 g/dL (transfusion not allowed)",
    "Hemoglobin > 10 g/dL(transfusions are not permissible)",
    "Hemoglobin ≥ 9 g/dL (transfusions may be used up to one week before)",
    "Hgb ≥ 8.5 g/dL (subjects may receive transfusions to achieve this, in the absence of overt bleeding)",
    # a permission that is not about supportive care
    "Total bilirubin ≤ 1.5 × ULN (Gilbert's syndrome allowed)",
])
def test_a_note_that_restricts_is_not_neutral(text: str) -> None:
    assert isinstance(_only(text), NeedsReview)


def test_a_bound_for_age_is_no_note() -> None:
    # "for age" is no note: which reference range is meant (the lab's own, never the adult default)
    check = _only("Bilirubin ≤ 1.5 x ULN for age")
    assert isinstance(check, NumericCheck) and check.for_age


@pytest.mark.parametrize(("text", "expected"), [
    ("AST and ALT < or = 2.5 x ULN", [("ast", "<=", 2.5), ("alt", "<=", 2.5)]),
    # "x 109 / l": 10^9/L with the superscript lost and spaces around "/"
    ("WBC> 2.5 x 109 / l", [("wbc", ">", 2.5)]),
    # "Patients with" before a lab names only the person
    ("Patients with Total Bilirubin > 1.5x ULN", [("total_bilirubin", ">", 1.5)]),
    ("patients with body mass index (BMI) > 35 kg/m2", [("bmi", ">", 35.0)]),
    # "x 10^9 cells/L" is 10^9/L: 1.5 × 10^9/L, the canonical unit, so 1.5
    ("Absolute neutrophil count (ANC) >= 1.5 x 10^9 cells/L", [("anc", ">=", 1.5)]),
    ("Lipase > 3 times the upper limit of the normal laboratory range (ULN)", [("lipase", ">", 3.0)]),
    # the screening visit or its ECG is the engine's as_of: nothing more to check
    ("QTcF > 470 msec during the screening period", [("qtc", ">", 470.0)]),
    ("QTc interval of ≤ 480 ms on the screening ECG", [("qtc", "<=", 480.0)]),
    ("Platelets ≥ 50 x 109/L on day of screening", [("platelets", ">=", 50.0)]),
])
def test_more_comparator_unit_and_person_spellings(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _checks(text) == expected


def _qtc_status(text: str, section: str, qtc_ms: float, sex: str | None, method: str | None = "Fridericia") -> str:
    qtc = {"concept": "qtc", "value": qtc_ms, "unit": "ms", "date": "2026-11-18", "method": method}
    return _status(text, section, [qtc], demographics={} if sex is None else {"sex": sex})


@pytest.mark.parametrize(("text", "method", "expected"), [
    ("QTcF ≤ 470 ms", "Fridericia", "met"),          # 460 ≤ 470 by the formula asked for
    ("QTcF ≤ 470 ms", "QTcF", "met"),                # the formula's own abbreviation
    ("QTcF ≤ 470 ms", "Bazett", "unknown"),          # another formula gives another value for one ECG
    ("QTcF ≤ 470 ms", None, "unknown"),              # the formula is not recorded (clinical-units.md 4.3)
    ("QTc ≤ 470 ms (Fridericia)", None, "unknown"),  # the formula named in a note
    ("QTc ≤ 470 ms", None, "met"),                   # no formula asked for: any QTc answers
    ("QTc ≤ 470 ms", "Bazett", "met"),
    ("QTcB ≤ 450 ms", "Bazett", "not_met"),          # 460 > 450
])
def test_a_qtc_formula_named_by_the_criterion_must_be_the_results(text: str, method: str | None, expected: str) -> None:
    assert _qtc_status(text, "Inclusion", 460.0, "female", method) == expected


@pytest.mark.parametrize(("qtc", "sex", "expected"), [
    (460.0, "female", "met"),      # 460 ≤ 470, the bound for women
    (460.0, "male", "not_met"),    # 460 > 450, the bound for men
    (460.0, None, "unknown"),      # between the two bounds: the sex decides
    (440.0, None, "met"),          # within both bounds: met whatever the sex
    (480.0, None, "not_met"),      # above both bounds: not met whatever the sex
    (480.0, "other", "not_met"),
])
def test_bounds_for_each_sex(qtc: float, sex: str | None, expected: str) -> None:
    # read as "both bounds" the criterion could never be met; as "either" a man at 460 ms would
    # pass a bound written for women
    assert _qtc_status("QTcF ≤ 450 msec for males and ≤ 470 msec for females", "Inclusion", qtc, sex) == expected


@pytest.mark.parametrize(("qtc", "sex", "expected"), [
    (460.0, "male", "not_met"),    # excluded: 460 > 450 (men)
    (460.0, "female", "met"),      # not excluded: 460 ≤ 470 (women)
    (460.0, None, "unknown"),
    (480.0, None, "not_met"),      # above both: excluded whatever the sex
])
def test_bounds_for_each_sex_in_an_exclusion(qtc: float, sex: str | None, expected: str) -> None:
    assert _qtc_status("QTcF > 450 msec (male) or QTcF > 470 msec (female)", "Exclusion", qtc, sex) == expected


@pytest.mark.parametrize(("section", "ast", "mets", "expected"), [
    # "AST ≤ 5 × ULN for patients with liver metastases" as its own inclusion binds only them:
    ("Inclusion", 6.0, False, "met"),       # no liver metastases: the bound is not for this patient
    ("Inclusion", 6.0, True, "not_met"),    # 6 > 5 with liver metastases
    ("Inclusion", 4.0, True, "met"),
    ("Inclusion", 6.0, None, "unknown"),
])
def test_a_bound_for_a_group_on_its_own(section: str, ast: float, mets: bool | None, expected: str) -> None:
    assert _verdict_of("AST ≤ 5 x ULN for patients with liver metastases", section, ast, mets) == expected


def test_an_exclusion_bound_for_a_group_excludes_only_them() -> None:
    # "AST > 5 × ULN in patients with liver metastases": a patient without them is not excluded
    text = "AST > 5 x ULN in patients with liver metastases"
    assert _verdict_of(text, "Exclusion", 6.0, False) == "met"
    assert _verdict_of(text, "Exclusion", 6.0, True) == "not_met"


def test_without_is_not_with() -> None:
    # "for subjects without liver metastases" must never be read as "with liver metastases":
    # it binds those without them (inclusion: "liver metastases, or AST ≤ 2.5 × ULN")
    text = "AST ≤ 2.5 x ULN for subjects without liver metastases"
    assert _verdict_of(text, "Inclusion", 3.0, False) == "not_met"   # 3 > 2.5, no metastases
    assert _verdict_of(text, "Inclusion", 3.0, True) == "met"        # not for this patient
    assert _verdict_of(text, "Inclusion", 2.0, None) == "met"        # within the bound anyway
    # "in the absence of growth factor support" is about how the value was obtained, not a group
    # of patients the bound is for: read as a group, a patient on G-CSF would pass unchecked
    assert isinstance(_only("absolute neutrophil count ≥1,000/mcL (In the absence of growth factor support)"),
                      NeedsReview)


@pytest.mark.parametrize(("ast", "mets", "expected"), [
    (2.0, None, "met"),      # within both bounds
    (3.0, True, "met"),      # ≤ 5 with liver metastases
    (3.0, False, "not_met"),  # > 2.5 without
    (3.0, None, "unknown"),
    (6.0, None, "not_met"),  # above both
])
def test_bounds_for_those_without_and_with_a_condition(ast: float, mets: bool | None, expected: str) -> None:
    text = "AST ≤ 2.5 x ULN for subjects without liver metastases and ≤ 5 x ULN for subjects with liver metastases"
    assert _verdict_of(text, "Inclusion", ast, mets) == expected


def test_a_lead_names_the_labs_of_a_bare_bound() -> None:
    # "ALT and AST: ≤ 1.5 × ULN": both; "Bilirubin: within normal range": ≥ 1 × LLN and ≤ 1 × ULN
    assert _checks("ALT and AST: ≤ 1.5 x ULN") == [("alt", "<=", 1.5), ("ast", "<=", 1.5)]
    assert _checks("AST, ALT, and alkaline phosphatase: <= 2.5 x ULN") == [
        ("ast", "<=", 2.5), ("alt", "<=", 2.5), ("alp", "<=", 2.5)]
    assert _checks("Bilirubin: within normal range") == [("total_bilirubin", ">=", 1.0), ("total_bilirubin", "<=", 1.0)]
    # a lead that is not all labs stays one name, and the clause is reviewed
    assert isinstance(_only("Liver and AST: ≤ 1.5 x ULN"), NeedsReview)


def test_normal_at_the_end_is_both_limits_for_every_name() -> None:
    assert _checks("Creatinine normal") == [("creatinine", ">=", 1.0), ("creatinine", "<=", 1.0)]
    # both names, both limits: urea above its ULN must fail this
    assert _checks("Urea and creatinine within normal limits") == [
        ("urea", ">=", 1.0), ("creatinine", ">=", 1.0), ("urea", "<=", 1.0), ("creatinine", "<=", 1.0)]
    assert isinstance(_only("Urea or creatinine normal"), NeedsReview)
    # "normal" that does not end the clause or a list item is a word of a name
    assert not isinstance(_only("Normal bone marrow function (ANC ≥ 1500/uL)"), NeedsReview)


def test_a_bare_conditional_bound_after_names_sharing_a_bound() -> None:
    from screening.nodes import AllOf, AnyOf

    # "AST and ALT ≤ 2.5 × ULN or ≤ 5 × ULN if liver metastases": the second bound is for both
    p = _only("AST and ALT ≤ 2.5 x ULN or ≤ 5 x ULN if liver metastases")
    assert isinstance(p, AnyOf)
    default, conditional = p.children
    assert isinstance(default, AllOf) and [c.concept for c in default.children] == ["ast", "alt"]
    assert isinstance(conditional, AllOf) and isinstance(conditional.children[0], PresenceCheck)
    assert [(c.concept, c.threshold) for c in conditional.children[1].children] == [("ast", 5.0), ("alt", 5.0)]


def test_a_bound_then_a_name_joined_by_and_inside_or_is_unclear() -> None:
    # "AP normal AND SGOT or SGPT ≤ 2.5 × ULN": "(A and B) or C" would pass on SGPT alone
    assert isinstance(_only("AP normal AND SGOT or SGPT ≤ 2.5 times ULN"), NeedsReview)


def test_pre_registration_leads_and_a_recency_over_nested_bounds() -> None:
    from screening.nodes import leaves

    p = _only("PRE-REGISTRATION: AST and ALT =\\< 3 x ULN or =\\< 5 x ULN for patients with liver metastases "
              "(obtained =\\< 28 days prior to pre-registration)")
    assert {(c.concept, c.threshold, c.within_days) for c in leaves(p) if isinstance(c, NumericCheck)} == {
        ("ast", 3.0, 28.0), ("alt", 3.0, 28.0), ("ast", 5.0, 28.0), ("alt", 5.0, 28.0)}
    # a later step's registration is another time point: those criteria are not read as screening
    assert isinstance(_only("STEP 2 REGISTRATION: Total bilirubin =\\< 1.5 x ULN"), NeedsReview)


def test_a_parenthesised_condition_and_is_present() -> None:
    # "(in absence of liver metastasis)" after the bound: for those without liver metastases
    text = "Alkaline Phosphatase ≤ 2.5 X ULN (in absence of liver metastasis)"
    from screening.nodes import AnyOf, Not

    p = _only(text)
    assert isinstance(p, AnyOf) and isinstance(p.children[0], Not)  # (not (not liver metastases)) or ALP ≤ 2.5
    # "if ... is/are present"
    assert not isinstance(_only("Alkaline phosphatase ≤3 x ULN or ≤5 x ULN if bone metastasis is present"), NeedsReview)


def test_a_conditional_bound_that_is_not_understood_makes_the_clause_before_it_a_review() -> None:
    # widening (then failing 2.5 × ULN is no verdict) or narrowing (then meeting it is none)
    p = _only("Serum creatinine ≤1.5×ULN; if serum creatinine is >1.5×ULN, creatinine clearance must be ≥ 50 mL/min, "
              "calculated using the Cockcroft and Gault formula")
    assert isinstance(p, NeedsReview) and p.text.startswith("Serum creatinine ≤1.5×ULN")
    # a conditional requirement that is not a bound stays a requirement of its own
    from screening.nodes import AllOf

    q = _only("ANC ≥ 1500/uL. If on G-CSF, must be off for 2 weeks")
    assert isinstance(q, AllOf) and isinstance(q.children[0], NumericCheck)


@pytest.mark.parametrize(("ast", "alt", "expected"), [
    (5.0, 1.0, "not_met"),   # AST 5 × ULN alone excludes: "AST/ALT > 3 × ULN" is either
    (1.0, 5.0, "not_met"),
    (2.0, 2.0, "met"),       # neither above 3 × ULN: not excluded
])
def test_names_sharing_a_bound_among_exclusions_are_either(ast: float, alt: float, expected: str) -> None:
    assert _status("AST/ALT > 3 x ULN", "Exclusion", [_x_uln("ast", ast), _x_uln("alt", alt)]) == expected


def test_and_before_a_shared_bound_among_exclusions_is_unclear() -> None:
    assert isinstance(_section_only("ALT and AST levels > 5 times the upper limit of the normal range (ULN)", "Exclusion"),
                      NeedsReview)
    # among inclusions it is each of them
    assert _checks("ALT and AST ≤ 5 x ULN") == [("alt", "<=", 5.0), ("ast", "<=", 5.0)]


def test_a_list_introduction_says_how_recent_its_results_must_be() -> None:
    trial = compile_trial(trial_from_text(
        "Inclusion Criteria:\n- Adequate organ function within 14 days prior to registration, defined as:\n"
        "  - Hemoglobin ≥ 9 g/dL\n  - ECOG 0-1\n  - Platelets ≥ 100,000/uL (obtained ≤ 7 days prior to registration)\n"))
    by_id = {c.id: c.predicate for c in trial.criteria}
    hb, ecog, plt = by_id["inclusion.1.1"], by_id["inclusion.1.2"], by_id["inclusion.1.3"]
    assert isinstance(hb, NumericCheck) and hb.within_days == 14.0
    assert not isinstance(ecog, NumericCheck) or ecog.within_days is None   # a score is not dated
    assert isinstance(plt, NumericCheck) and plt.within_days == 7.0         # its own, shorter window


@pytest.mark.parametrize(("text", "expected"), [
    # "</=" and ">/=" (with or without the registry's backslash) are ≤ and ≥
    ("Age >/= 18 years", [("age", ">=", 18.0)]),
    ("alanine aminotransferase (ALT) </= 5 times the upper limit of normal", [("alt", "<=", 5.0)]),
    ("Bilirubin \\</= 1.5 x ULN", [("total_bilirubin", "<=", 1.5)]),
])
def test_slash_equals_comparators(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _checks(text) == expected


def test_names_with_slashes_and_commas_before_a_shared_bound() -> None:
    # two names of one lab ("AST/SGOT") give one check, so two checks for four names
    assert _checks("AST/SGOT and ALT/SGPT ≤2.5×ULN") == [("ast", "<=", 2.5), ("alt", "<=", 2.5)]
    assert _checks("PT/INR and aPTT =\\< 1.5 x ULN") == [("pt", "<=", 1.5), ("inr", "<=", 1.5), ("aptt", "<=", 1.5)]
    assert _checks("AST, ALT and alkaline phosphatase ≤ 5 times the upper limit of normal (ULN)") == [
        ("ast", "<=", 5.0), ("alt", "<=", 5.0), ("alp", "<=", 5.0)]
    # among exclusions, "and" before one shared bound stays unclear (both, or either?)
    assert isinstance(_section_only("AST/SGOT and ALT/SGPT > 2.5 x ULN", "Exclusion"), NeedsReview)


@pytest.mark.parametrize(("ast", "bilirubin", "expected"), [
    # "AST, ALT, or total bilirubin > 2 × ULN" among exclusions: any one of them above 2 × ULN excludes
    (1.0, 2.5, "not_met"),   # bilirubin 2.5 × ULN > 2 × ULN
    (2.5, 1.0, "not_met"),   # AST 2.5 × ULN > 2 × ULN
    (2.0, 2.0, "met"),       # 2 × ULN is not above 2 × ULN; ALT (1 × ULN) neither
])
def test_a_comma_list_of_labs_sharing_a_bound_among_exclusions(ast: float, bilirubin: float, expected: str) -> None:
    observations = [_x_uln("ast", ast), _x_uln("alt", 1.0),
                    {"concept": "total_bilirubin", "value": 20 * bilirubin, "unit": "umol/L", "date": "2026-11-18",
                     "reference_range": {"high": 20}}]
    assert _status("AST, ALT, or total bilirubin > 2 x ULN", "Exclusion", observations) == expected


def test_a_list_of_names_without_a_bound_after_it_is_not_read() -> None:
    # a comma list with no bound after it is read only as plain alternatives joined by "or" (see
    # below); these are not: "COPD" is one word the vocabulary does not know (it may qualify the
    # others), a list with no joining word, a slash pair, a list that goes on past its last name
    for text in ("Diabetes, hypertension or COPD", "erythromycin, clarithromycin",
                 "AST/ALT", "Strong CYP3A4 inhibitors or inducers, due to drug interactions"):
        for section in ("Inclusion", "Exclusion"):
            assert isinstance(_section_only(text, section), NeedsReview), (text, section)
    # a name in the list that is not a measurement makes the list a review
    assert isinstance(_only("Diabetes, AST and ALT ≤ 2.5 x ULN"), NeedsReview)


def test_an_unread_bound_under_a_condition_is_not_dropped_from_an_or() -> None:
    # NCT01324323: the 75 bound for marrow involvement may let a patient at 90 × 10^9/L in;
    # "platelets < 100 or (review)" would have excluded them on the first bound alone
    text = ("Platelet count < 100 * 10^9 cells/L or platelet count < 75 * 10^9 cells/L "
            "if bone marrow disease involvement is documented")
    assert isinstance(_section_only(text, "Exclusion"), NeedsReview)
    platelets_90 = {"concept": "platelets", "value": 90, "unit": "10^9/L", "date": "2026-11-18"}
    assert _status(text, "Exclusion", [platelets_90]) == "needs_review"
    # the same inside one threshold, with a condition the vocabulary does not know
    assert isinstance(_section_only("AST ≤ 2.5 x ULN (≤ 5 x ULN in patients with frobnication)", "Inclusion"),
                      NeedsReview)
    # a known condition is still read: < 75 with liver metastases, < 100 without
    assert not isinstance(_section_only("Platelet count < 100 x 10^9/L or platelet count < 75 x 10^9/L "
                                        "if liver metastases", "Exclusion"), NeedsReview)


@pytest.mark.parametrize(("text", "expected"), [
    # a list mark left at the start of a clause: "--", "\*", "•"
    ("--Activated partial thromboplastin time (aPTT) ≤1.5 × ULN", [("aptt", "<=", 1.5)]),
    ("\\*AST/ALT ≤ 3 x institutional ULN", [("ast", "<=", 3.0), ("alt", "<=", 3.0)]),
    ("• Hemoglobin ≥ 9 g/dL", [("hemoglobin", ">=", 90.0)]),   # 9 g/dL = 90 g/L
    # a bound in parentheses right after the names: "ALT and AST ( < 5 x ULN)"
    ("ALT and AST ( < 5 x ULN)", [("alt", "<", 5.0), ("ast", "<", 5.0)]),
    ("Calculated creatinine clearance(≥50 mL/min)", [("creatinine_clearance", ">=", 50.0)]),
])
def test_list_marks_and_a_bound_in_parentheses_after_the_names(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _checks(text) == expected


@pytest.mark.parametrize(("alt", "mets", "expected"), [
    # ALT 4 × ULN: above the default 2.5, within the 5 allowed with liver metastases
    (4.0, True, "met"), (4.0, False, "not_met"), (4.0, None, "unknown"),
    (2.0, None, "met"),        # within 2.5 × ULN whatever the metastases
    (6.0, True, "not_met"),    # above 5 × ULN even with them
])
def test_a_condition_written_before_its_bound_in_parentheses(alt: float, mets: bool | None, expected: str) -> None:
    conditions = [] if mets is None else [{"name": "liver metastases", "present": mets}]
    text = "Alanine aminotransferase levels ≤ 2.5 × ULN (if liver metastases are present, ≤ 5×ULN)"
    assert _status(text, "Inclusion", [_x_uln("alt", alt)], conditions=conditions) == expected


def test_a_method_named_after_or_is_another_way_to_measure() -> None:
    # "by echocardiogram (ECHO) or multigated acquisition (MUGA) scan": one check, by either method
    for section in ("Inclusion", "Exclusion"):
        p = _section_only("LVEF ≥ 50% by echocardiogram (ECHO) or multigated acquisition (MUGA) scan", section)
        assert isinstance(p, NumericCheck) and (p.concept, p.op, p.threshold, p.method) == ("lvef", ">=", 50.0, "echo_or_muga")
    # a presence with words of its own after "or" is not a method: it stays apart (and for review)
    from screening.nodes import AnyOf

    assert isinstance(_only("LVEF ≥ 50% by ECHO or history of MUGA"), AnyOf)


@pytest.mark.parametrize(("bilirubin", "gilbert", "expected"), [
    # "Total bilirubin ≤ 1.5 × ULN; for subjects with Gilbert's disease ≤ 3 × ULN" (ULN 20 µmol/L)
    (50.0, True, "met"),       # 2.5 × ULN: above 1.5, within the 3 allowed with Gilbert's
    (50.0, False, "not_met"),
    (50.0, None, "unknown"),
    (25.0, None, "met"),       # 1.25 × ULN: within 1.5 whatever the syndrome
    (70.0, True, "not_met"),   # 3.5 × ULN: above both
])
def test_a_later_clause_with_its_condition_written_first(bilirubin: float, gilbert: bool | None, expected: str) -> None:
    conditions = [] if gilbert is None else [{"name": "Gilbert syndrome", "present": gilbert}]
    observations = [{"concept": "total_bilirubin", "value": bilirubin, "unit": "umol/L", "date": "2026-11-18",
                     "reference_range": {"high": 20}}]
    text = "Total bilirubin ≤ 1.5 x ULN; for subjects with Gilbert's disease ≤ 3 x ULN"
    assert _status(text, "Inclusion", observations, conditions=conditions) == expected


def test_a_condition_written_first_on_its_own_binds_only_that_group() -> None:
    from screening.nodes import AnyOf

    p = _only("For patients with liver metastases, ALT ≤ 5 x ULN")
    assert isinstance(p, AnyOf)  # not liver metastases, or ALT ≤ 5 × ULN
    assert _status("For patients with liver metastases, ALT ≤ 5 x ULN", "Inclusion", [_x_uln("alt", 6.0)],
                   conditions=[{"name": "liver metastases", "present": False}]) == "met"


def test_a_later_conditional_clause_that_is_not_entirely_read_makes_the_earlier_one_a_review() -> None:
    # "... is permitted": the widening is read only in part; "bilirubin ≤ 1.5 and (review)" would
    # fail a patient with Gilbert's syndrome at 2 × ULN whom the trial lets in
    text = "Total bilirubin ≤ 1.5 x ULN. For participants with known Gilbert's Syndrome ≤ 3 × ULN is permitted."
    assert isinstance(_only(text), NeedsReview)
    # a bound under a condition for only some of the labs of the clause before it
    assert isinstance(_only("ALT, AST and ALP ≤ 3 x ULN. For subjects with bone metastasis, ALP ≤ 5 x ULN"), NeedsReview)
    # an unread one ("For subjects with X ALP ≤ 5": no comma, so X runs into the lab's name)
    assert isinstance(_only("ALP ≤ 3 x ULN. For subjects with documented bone metastasis ALP ≤ 5 x ULN"), NeedsReview)


def test_a_comma_before_and_joins_list_items_looser_than_or() -> None:
    assert _checks("Aspartate aminotransferase (AST) (SGOT), alanine aminotransferase (ALT) (SGPT), and alkaline "
                   "phosphatase <=5 X Upper Limit of Normal (ULN)") == [("ast", "<=", 5.0), ("alt", "<=", 5.0), ("alp", "<=", 5.0)]
    from screening.nodes import AllOf, AnyOf

    # "A or B, and C ≥ 18": (A or B) and C, so age below 18 can never be met
    p = _only("Male or female, and age ≥ 18 years")
    assert isinstance(p, AllOf) and isinstance(p.children[0], (AnyOf, NeedsReview))
    assert isinstance(p.children[-1], NumericCheck) and p.children[-1].concept == "age"


@pytest.mark.parametrize(("conditions", "expected"), [
    # "Myocardial infarction, unstable angina, or stroke within 6 months" among exclusions: any one excludes
    ([{"name": "stroke", "present": True, "onset_date": "2026-09-20"}], "not_met"),   # 2 months before 2026-11-20
    ([{"name": "myocardial infarction", "present": False}, {"name": "unstable angina", "present": False},
      {"name": "stroke", "present": False}], "met"),                                   # none of the three
    ([{"name": "myocardial infarction", "present": False}], "unknown"),                # the other two not recorded
])
def test_a_comma_list_of_conditions_joined_by_or(conditions: list[dict[str, object]], expected: str) -> None:
    text = "Myocardial infarction, unstable angina, or stroke within 6 months"
    assert _status(text, "Exclusion", [], conditions=conditions) == expected
    # the window written once after the list is about every item
    from screening.nodes import leaves

    windows = {(c.concept, c.within_days) for c in leaves(_section_only(text, "Exclusion")) if isinstance(c, PresenceCheck)}
    assert {c for c, _ in windows} == {"myocardial_infarction", "unstable_angina", "stroke"}
    assert len({d for _, d in windows}) == 1


@pytest.mark.parametrize("text", [
    "Has evidence of interstitial lung disease or active, non-infectious pneumonitis",   # "active" qualifies
    "HIV, Hepatitis B or D",                       # "D" abbreviates "hepatitis D", which the vocabulary lacks
    "Previous treatment with fulvestrant or PI3K/mTOR/Akt inhibitor therapy",          # a shared head noun
    "Known hypersensitivity or contraindication to 5-HT3 receptor antagonists, to dexamethasone or to NK-1 "
    "receptor antagonists",                                                           # "to X" binds all
    "Diabetes, hypertension and COPD",                                                # each, or either?
    "Hypersensitivity to docetaxel, paclitaxel, or trastuzumab",                      # "to" binds all three
])
def test_comma_lists_that_are_not_plain_alternatives_stay_for_review(text: str) -> None:
    assert isinstance(_section_only(text, "Exclusion"), NeedsReview)


def test_a_letter_abbreviating_a_known_name_completes_it() -> None:
    # "C" after "Hepatitis B" is "Hepatitis C", which the vocabulary knows: any of the three
    from screening.compile import canonical

    assert canonical(_section_only("HIV, Hepatitis B or C", "Exclusion")) == \
        "(has hiv or has hepatitis_b_active or has hepatitis_c)"


def test_examples_in_parentheses_are_read_past() -> None:
    # "(e.g., ...)" only illustrates: 4 weeks = 28 days, the examples add no requirement
    p = _section_only("Major surgery (e.g., laparoscopic nephrectomy, GI surgery, removal or biopsy of brain "
                      "metastasis) within 4 weeks before first dose of study treatment", "Exclusion")
    assert isinstance(p, PresenceCheck) and (p.concept, p.within_days) == ("major_surgery", 28.0)
    assert _checks("INR ≥ 3.0 (e.g. due to current treatment with warfarin)") == [("inr", ">=", 3.0)]
    # "(i.e. ...)" defines, and may restrict: not read past
    assert isinstance(_only("Hemoglobin ≥ 9 g/dL (i.e. without transfusion)"), NeedsReview)


def test_measured_by_names_the_method() -> None:
    p = _only("LVEF of at least 50% measured by echocardiogram (ECHO) or multiple-gated acquisition scan (MUGA)")
    assert isinstance(p, NumericCheck) and (p.concept, p.op, p.threshold, p.method) == ("lvef", ">=", 50.0, "echo_or_muga")


def test_a_lower_or_an_upper_bound_that_every_value_meets_is_not_read() -> None:
    # 19 < 40: any BMI is above 19 or below 40, so "or" would pass everyone; a range was meant
    assert isinstance(_only("Body Mass Index greater than 19kg/m^2 or less than 40kg/m^2"), NeedsReview)
    # outside a range is a real "or": BMI 30 is neither below 18 nor above 40
    assert _status("BMI < 18 kg/m2 or > 40 kg/m2", "Exclusion",
                   [{"concept": "bmi", "value": 30, "unit": "kg/m2", "date": "2026-11-18"}]) == "met"
    # "or less" before "than" is the start of a comparator, not a postfix one
    assert _checks("Hemoglobin 9 g/dL or less") == [("hemoglobin", "<=", 90.0)]   # 9 g/dL = 90 g/L
    assert _checks("Total bilirubin ≤1.5 x the upper limit of normal value (ULN)") == [("total_bilirubin", "<=", 1.5)]


def test_a_range_with_its_unit_written_once_after_it() -> None:
    # "≥ 18.5 and ≤ 29.9 kg/m2": both bounds in kg/m2, as "between 18.5 and 29.9 kg/m2" would be
    assert _checks("Body mass index (BMI) ≥ 18.5 and ≤ 29.9 kg/m2") == [("bmi", ">=", 18.5), ("bmi", "<=", 29.9)]
    # two bounds of one direction joined by "or" may be in two units: never borrowed
    p = _only("Hemoglobin ≥ 9 or ≥ 5.6 mmol/L")
    from screening.nodes import AnyOf

    assert isinstance(p, AnyOf) and isinstance(p.children[0], NeedsReview)


@pytest.mark.parametrize(("procedures", "expected"), [
    # hemoglobin 95 g/L drawn 2026-11-18 meets ≥ 90 g/L, but a red cell transfusion on 2026-11-10
    # (8 days before, within 14) may have raised it: the value does not count
    ([{"name": "red blood cell transfusion", "date": "2026-11-10"}], "unknown"),
    # transfusions known absent: the value counts
    ([{"name": "transfusion", "present": False}], "met"),
    # no red cells, but other blood products are not ruled out: still unknown
    ([{"name": "red blood cell transfusion", "present": False}], "unknown"),
])
def test_without_transfusion_within_a_window(procedures: list[dict[str, object]], expected: str) -> None:
    hb = {"concept": "hemoglobin", "value": 95, "unit": "g/L", "date": "2026-11-18"}
    assert _status("Hemoglobin ≥ 9 g/dL without transfusion within 2 weeks", "Inclusion", [hb],
                   procedures=procedures) == expected


def test_a_transfusion_outside_the_window_does_not_void_the_value() -> None:
    # a complete procedure list whose only transfusion, 2026-10-20, is 29 days before the
    # 2026-11-18 result: outside the 14 days, so hemoglobin 95 g/L ≥ 90 g/L counts
    hb = {"concept": "hemoglobin", "value": 95, "unit": "g/L", "date": "2026-11-18"}
    assert _status("Hemoglobin ≥ 9 g/dL without transfusion within 2 weeks", "Inclusion", [hb],
                   procedures=[{"name": "platelet transfusion", "date": "2026-10-20"}],
                   complete_records=["procedures"]) == "met"


@pytest.mark.parametrize(("scores", "expected"), [
    # "ECOG ≤ 2 (Karnofsky ≥ 60%)" among inclusions: both, a missing scale inferred from the other
    ([{"scale": "ecog", "value": 1}], "met"),          # Karnofsky from ECOG 1: 70, 80 or 90, all ≥ 60
    ([{"scale": "ecog", "value": 2}], "unknown"),      # 50, 60 or 70: 50 fails, so cannot tell
    ([{"scale": "karnofsky", "value": 80}], "met"),    # ECOG from Karnofsky 80: 1, ≤ 2
    ([{"scale": "ecog", "value": 2}, {"scale": "karnofsky", "value": 50}], "not_met"),   # 50 < 60
])
def test_a_requirement_restated_on_the_other_performance_scale(scores: list[dict[str, object]], expected: str) -> None:
    assert _status("ECOG performance status ≤ 2 (Karnofsky ≥ 60%)", "Inclusion", [],
                   performance_status=scores) == expected


def test_the_other_scale_among_exclusions_and_another_measure_in_parentheses() -> None:
    # "ECOG > 2 (Karnofsky < 60%)" among exclusions: either excludes; ECOG 3 alone gives
    # Karnofsky 30, 40 or 50, all < 60, and is itself > 2: excluded
    assert _status("ECOG > 2 (Karnofsky < 60%)", "Exclusion", [],
                   performance_status=[{"scale": "ecog", "value": 3}]) == "not_met"
    # a parenthesised bound on a measure that is not the other scale: a second requirement or
    # an alternative, for a person
    assert isinstance(_only("Hemoglobin ≥ 9 g/dL (hematocrit ≥ 27%)"), NeedsReview)


@pytest.mark.parametrize(("observations", "expected"), [
    # "Proteinuria > 1 g/24 hours" among exclusions is the 24-hour amount, not the dipstick
    ([{"concept": "urine_protein_24h", "value": 1.5, "unit": "g/24 h", "date": "2026-11-18"}], "not_met"),  # 1.5 > 1
    ([{"concept": "urine_protein_24h", "value": 500, "unit": "mg/24 h", "date": "2026-11-18"}], "met"),     # 0.5 g
    ([{"concept": "urine_protein_dipstick", "value": "2+", "date": "2026-11-18"}], "unknown"),             # no amount
])
def test_proteinuria_with_an_amount_per_24_hours(observations: list[dict[str, object]], expected: str) -> None:
    assert _status("Proteinuria > 1 g/24 hours", "Exclusion", observations) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Proteinuria \\> 2 g/ 24 hours (hrs)", [("urine_protein_24h", ">", 2.0)]),
    ("Proteinuria < 1000 mg / day", [("urine_protein_24h", "<", 1.0)]),          # 1000 mg = 1 g
    ("Urine M-protein ≥ 200 mg/24 hours", None),                                 # another analyte: review
])
def test_amounts_per_24_hours_spelled_out(text: str, expected: list[tuple[str, str, float]] | None) -> None:
    if expected is None:
        assert isinstance(_only(text), NeedsReview)
    else:
        assert _checks(text) == expected


@pytest.mark.parametrize(("ast", "mets", "expected"), [
    # "AST ≤ 2.5 times ULN (5 times ULN if liver metastases are present)": "≤" carries over
    (4.0, True, "met"), (4.0, False, "not_met"),   # 4 × ULN: above 2.5, within 5 with metastases
    (5.5, True, "not_met"),                        # above 5 × ULN even with them
])
def test_a_conditional_amount_in_parentheses_takes_the_main_comparator(ast: float, mets: bool, expected: str) -> None:
    assert _verdict_of("AST ≤ 2.5 times ULN (5 times ULN if liver metastases are present)", "Inclusion",
                       ast, mets) == expected


def _bilirubins(total: float, direct: float | None) -> list[dict[str, object]]:
    """Total bilirubin (ULN 20 µmol/L) and direct bilirubin (ULN 5 µmol/L) in µmol/L, two days old."""
    out: list[dict[str, object]] = [{"concept": "total_bilirubin", "value": total, "unit": "umol/L",
                                     "date": "2026-11-18", "reference_range": {"high": 20}}]
    if direct is not None:
        out.append({"concept": "direct_bilirubin", "value": direct, "unit": "umol/L", "date": "2026-11-18",
                    "reference_range": {"high": 5}})
    return out


@pytest.mark.parametrize(("total", "direct", "expected"), [
    (25.0, None, "met"),       # 1.25 × ULN ≤ 1.5: the direct bilirubin is not asked for
    (40.0, 4.0, "met"),        # 2 × ULN > 1.5, so direct 0.8 × ULN ≤ 1 is needed, and holds
    (40.0, 8.0, "not_met"),    # direct 1.6 × ULN > 1
    (40.0, None, "unknown"),   # direct needed, not given
])
def test_a_group_named_by_a_result(total: float, direct: float | None, expected: str) -> None:
    text = ("Total bilirubin ≤1.5 x ULN OR direct bilirubin ≤ULN for participants with total bilirubin "
            "levels \\> 1.5 x ULN")
    assert _status(text, "Inclusion", _bilirubins(total, direct)) == expected


def test_adequate_function_with_a_result_is_a_lead() -> None:
    # "adequate renal function with serum creatinine ≤ IULN": the words before "with" only announce
    assert _checks("Patients must have adequate renal function with serum creatinine level ≤ IULN") == [
        ("creatinine", "<=", 1.0)]
    # 3 mg/dL bilirubin = 3 × 17.104 = 51.31 µmol/L
    (check,) = _checks("Patient must have adequate hepatic function with a serum bilirubin level of less than 3 mg/dl")
    assert check[:2] == ("total_bilirubin", "<") and check[2] == pytest.approx(51.31, abs=0.01)
    # "within" is not "with": a window after the lead stays for review
    assert isinstance(_only("Adequate organ function within 28 days before enrollment"), NeedsReview)
    # a list introduction ending in ":" stays a lead-in, decided by the items after it (NCT02309580
    # writes them at the same level)
    trial = compile_trial(trial_from_text("Inclusion Criteria:\n- Adequate hematologic function with screening "
                                          "laboratory assessment defined as:\n- Hemoglobin > 8.0 g/dL\n"))
    assert [c.id for c in trial.criteria if c.predicate is not None and not c.id.startswith("registry.")] == [
        "inclusion.2"]


def test_prior_therapy_with_and_prior_exposure_to_are_history_leads() -> None:
    p = _section_only("Prior therapy with gemcitabine.", "Exclusion")
    assert isinstance(p, PresenceCheck) and p.concept == "chemotherapy" and p.member == "gemcitabine" and p.history
    q = _section_only("Prior exposure to trastuzumab", "Exclusion")
    assert isinstance(q, PresenceCheck) and q.concept == "anti_her2_therapy" and q.history


def test_a_bare_item_between_different_windows_is_not_read_as_ever() -> None:
    # "MI within 6 months, or DVT or PE within 3 years": DVT read with no window would count a
    # clot ten years ago; it takes one of the two windows, which one is for a person
    from screening.nodes import AnyOf, leaves

    p = _section_only("Myocardial infarction within 6 months, or deep vein thrombosis or pulmonary embolism "
                      "within 3 years", "Exclusion")
    assert isinstance(p, AnyOf)
    assert [type(c).__name__ for c in p.children] == ["PresenceCheck", "NeedsReview", "PresenceCheck"]
    assert all(c.within_days for c in leaves(p) if isinstance(c, PresenceCheck))


def test_words_saying_a_group_is_excluded_among_exclusions() -> None:
    # "... are excluded", "... will be excluded from the study", "... are not eligible": among
    # exclusions they only say what an exclusion is
    for text in ("Patients with known brain metastases are excluded.",
                 "Patients with brain metastases will be excluded from the study",
                 "Patients with brain metastases are not eligible"):
        p = _section_only(text, "Exclusion")
        assert isinstance(p, PresenceCheck) and p.concept == "cns_metastases", text
    # among inclusions the same words negate, and are not read
    assert isinstance(_section_only("Patients with brain metastases are not eligible", "Inclusion"), NeedsReview)


def test_and_between_conditions_among_exclusions_is_unclear() -> None:
    # "Diabetes and hypertension" read as both would let a patient with diabetes alone through;
    # either may be the intent, but it is not what is written ("Pregnant and lactating women" is
    # a list of groups, each excluded: test_groups_of_persons_listed_with_and_are_each_excluded)
    assert isinstance(_section_only("Diabetes and hypertension", "Exclusion"), NeedsReview)
    assert _status("Diabetes and hypertension", "Exclusion", [],
                   conditions=[{"name": "diabetes", "present": True}, {"name": "hypertension", "present": False}]) \
        == "needs_review"
    # "or" is either; among inclusions "and" is both; a condition and the bound that defines it stay
    from screening.nodes import AllOf, AnyOf

    assert isinstance(_section_only("Pregnant or lactating women", "Exclusion"), AnyOf)
    assert isinstance(_section_only("Diabetes and hypertension", "Inclusion"), AllOf)
    assert isinstance(_section_only("Hepatitis B and HBV DNA > 1000 IU/mL", "Exclusion"), AllOf)


def test_a_check_under_a_negation_says_so_in_its_explanation() -> None:
    # "ALT ≤ 5 × ULN for patients with liver metastases" among inclusions: not metastases, or ALT
    # ≤ 5 × ULN. The metastases check is "not met" for this patient, which meets the criterion
    from screening.evaluate import screen

    trial = compile_trial(trial_from_text("Inclusion Criteria:\n- ALT ≤ 5 x ULN for patients with liver metastases\n"))
    record = {"patient_id": "p", "as_of": "2026-11-20", "observations": [_x_uln("alt", 6.0)],
              "conditions": [{"name": "liver metastases", "present": False}]}
    (result,) = [c for c in screen(trial, record).criteria if not c.id.startswith("registry.")]
    assert str(result.status) == "met"
    (negated,) = [c for c in result.checks if c.concept == "liver_metastases"]
    assert "opposite" in negated.explanation
    assert not any("opposite" in c.explanation for c in result.checks if c.concept == "alt")


def test_items_after_a_list_introduction_not_nested_under_it() -> None:
    # NCT00436566 writes the drugs at the level of "no concurrent CYP3A4 inducers, including the
    # following:"; read alone, "Glucocorticoids" would be an inclusion requirement to take them
    trial = compile_trial(trial_from_text(
        "Inclusion Criteria:\n- At least 14 days since prior and no concurrent CYP3A4 inducers, including the following:\n"
        "- Glucocorticoids (e.g., prednisone or dexamethasone)\n- Modafinil\n- Hemoglobin ≥ 9 g/dL\n"))
    by_id = {c.id: c.predicate for c in trial.criteria}
    assert all(isinstance(by_id[f"inclusion.{n}"], NeedsReview) for n in (2, 3, 4))
    # after a plain introduction ("Clinical laboratory:") the items are read on their own
    trial = compile_trial(trial_from_text("Inclusion Criteria:\n- Clinical laboratory:\n- Hemoglobin ≥ 9 g/dL\n"))
    hb = {c.id: c.predicate for c in trial.criteria}["inclusion.2"]
    assert isinstance(hb, NumericCheck) and hb.concept == "hemoglobin"
    # a label that announces no list ("PRIOR CONCURRENT THERAPY:") leaves the items on their own
    trial = compile_trial(trial_from_text("Inclusion Criteria:\n- PRIOR CONCURRENT THERAPY:\n- Hemoglobin ≥ 9 g/dL\n"))
    assert isinstance({c.id: c.predicate for c in trial.criteria}["inclusion.2"], NumericCheck)
    # the next list introduction closes the open one
    trial = compile_trial(trial_from_text(
        "Exclusion Criteria:\n- Any of the following, unless approved by the sponsor:\n- Myocardial infarction\n"
        "- Laboratory values:\n- Hemoglobin < 8 g/dL\n"))
    by_id = {c.id: c.predicate for c in trial.criteria}
    assert isinstance(by_id["exclusion.2"], NeedsReview) and isinstance(by_id["exclusion.4"], NumericCheck)


def test_a_drug_named_with_a_filler_letter_stays_that_drug() -> None:
    # "Cyclosporine A" reaches the immunosuppressant class through "cyclosporine": it is that
    # drug, not the whole class (a patient on azathioprine must not be excluded by it)
    p = _section_only("Cyclosporine A", "Exclusion")
    assert isinstance(p, PresenceCheck) and p.concept == "immunosuppressant" and p.member == "cyclosporine"
    # "bone-only disease" (bone metastases and no other site) is not any bone metastasis
    assert isinstance(_section_only("Bone only disease", "Exclusion"), NeedsReview)


def test_a_list_introduction_for_a_group_is_not_plain() -> None:
    # "in patients with cardiac disease": the items exclude only that group; read as a plain
    # lead-in, a patient without cardiac disease but with an LVEF of 45% would be excluded
    from screening.notes import is_plain_lead_in

    assert not is_plain_lead_in("Any of the following in patients with cardiac disease:", exclusion=True)
    assert is_plain_lead_in("Adequate organ function as defined below:")
    trial = compile_trial(trial_from_text("Exclusion Criteria:\n- Any of the following in patients with cardiac "
                                          "disease:\n  - LVEF < 50%\n"))
    assert isinstance({c.id: c.predicate for c in trial.criteria}["exclusion.1"], NeedsReview)


@pytest.mark.parametrize(("text", "plain"), [
    ("Patients must meet all of the inclusion criteria outlined below in order to be eligible to participate "
     "in the study:", True),
    ("Subjects must meet all the following criteria to be enrolled in this study:", True),
    # a cohort, or a negation the segmenter has not read, may change what the items mean
    ("In Phase 1b, patients must meet the following additional criteria:", False),
    ("Patients meeting any of the following exclusion criteria are not to be enrolled in the study.", False),
])
def test_list_introductions_that_only_say_the_list_applies(text: str, plain: bool) -> None:
    from screening.notes import is_plain_lead_in

    assert is_plain_lead_in(text) is plain


def _pregnancy_test(result: str | None, days_old: int = 2) -> list[dict[str, object]]:
    """A qualitative pregnancy test ``days_old`` days before screening on 2026-11-20."""
    import datetime as dt

    if result is None:
        return []
    when = (dt.date(2026, 11, 20) - dt.timedelta(days=days_old)).isoformat()
    return [{"concept": "pregnancy_test", "value": result, "date": when}]


WOCBP_TEST = "Women of childbearing potential must have a negative pregnancy test within 7 days prior to registration"


@pytest.mark.parametrize(("childbearing", "result", "days_old", "expected"), [
    (True, "negative", 3, "met"),        # in the group, negative, 3 ≤ 7 days old
    (True, "negative", 7, "met"),        # 7 days is still "within 7 days"
    (True, "negative", 8, "unknown"),    # 8 > 7 days: too old to count, so no usable test
    (True, "positive", 2, "not_met"),    # in the group, positive
    (True, None, 0, "unknown"),          # in the group, no test
    (False, None, 0, "met"),             # not of childbearing potential: no test needed
    (False, "positive", 2, "met"),       # outside the group the test does not matter
    (None, "negative", 2, "met"),        # group unknown, but the requirement holds anyway
    (None, None, 0, "unknown"),          # nothing known (a man with nothing recorded is here too:
                                         # childbearing potential is never assumed from sex)
])
def test_a_requirement_for_women_of_childbearing_potential(childbearing: bool | None, result: str | None,
                                                            days_old: int, expected: str) -> None:
    reproductive = {} if childbearing is None else {"childbearing_potential": childbearing}
    assert _status(WOCBP_TEST, "Inclusion", _pregnancy_test(result, days_old),
                   reproductive=reproductive) == expected


@pytest.mark.parametrize("text", [
    "Negative pregnancy test for women of childbearing potential only",
    "Negative serum or urine pregnancy test done ≤ 7 days prior to registration, for women of childbearing potential only",
    "A negative urine pregnancy test if female of childbearing potential",
    "Women of childbearing potential (WOCBP): negative urine or serum pregnancy test",
    "Female patients of child-bearing potential must have a negative serum pregnancy test.",
])
def test_the_group_a_requirement_is_for_written_first_after_or_as_a_lead(text: str) -> None:
    from screening.nodes import AnyOf, CategoryCheck, Not

    pred = _only(text)
    assert isinstance(pred, AnyOf), pred
    guard, test = pred.children
    assert isinstance(guard, Not) and isinstance(guard.child, PresenceCheck)
    assert guard.child.concept == "childbearing_potential"
    assert isinstance(test, CategoryCheck) and (test.concept, test.allowed) == ("pregnancy_test", ("negative",))
    # "≤ 7 days prior to registration" is the only window written among these
    assert test.within_days == (7.0 if "≤ 7 days" in text else None)


def test_a_result_written_before_its_name() -> None:
    from screening.nodes import CategoryCheck

    for text, concept, allowed in (("Negative pregnancy test", "pregnancy_test", ("negative",)),
                                   ("Negative HBsAg", "hbsag", ("negative",)),
                                   ("Have a negative serum pregnancy test", "pregnancy_test", ("negative",))):
        pred = _only(text)
        assert isinstance(pred, CategoryCheck) and (pred.concept, pred.allowed) == (concept, allowed), text
    # "positive pregnancy test" is a name of pregnancy itself: among exclusions it stays so
    pred = _section_only("Pregnant (positive pregnancy test) or lactating", "Exclusion")
    assert [c.concept for c in _leaves_of(pred)] == ["pregnancy", "lactation"]


def _leaves_of(pred: object) -> list[PresenceCheck]:
    from screening.nodes import leaves

    out = list(leaves(pred))  # type: ignore[arg-type]
    assert all(isinstance(c, PresenceCheck) for c in out), out
    return out  # type: ignore[return-value]


@pytest.mark.parametrize(("days_old", "expected"), [
    (3, "met"), (8, "unknown"),     # within 7 days; 8 > 7, too old to count
])
def test_how_recent_a_categorical_result_must_be(days_old: int, expected: str) -> None:
    text = "Negative serum pregnancy test within 7 days prior to registration"
    assert _status(text, "Inclusion", _pregnancy_test("negative", days_old)) == expected


@pytest.mark.parametrize("text", [
    # a requirement among exclusions: read as an exclusion it would exclude those who meet it
    "Patients must have ANC ≥ 1500/mcL",
    "Women of childbearing potential must have a negative pregnancy test",
    "Participants must have an undetectable viral load and a CD4 count >= 250 cells/mcL",
])
def test_a_requirement_written_among_exclusions_is_for_a_person(text: str) -> None:
    assert isinstance(_section_only(text, "Exclusion"), NeedsReview)


def test_a_requirement_sentence_after_an_exclusion_leaves_the_exclusion_read() -> None:
    from screening.nodes import AnyOf

    pred = _section_only("Pregnant and/or breastfeeding. Patient must have a negative serum or urine pregnancy "
                         "test within 72 hours of study entry.", "Exclusion")
    assert isinstance(pred, AnyOf)
    first, second = pred.children
    assert [c.concept for c in _leaves_of(first)] == ["pregnancy", "lactation"]
    assert isinstance(second, NeedsReview) and "requirement" in second.reason


@pytest.mark.parametrize("text", [
    # the verb's subject is the items before it: "women of childbearing potential" is not a
    # requirement of its own
    "Women of child-bearing potential and men must agree to use adequate contraception.",
    "Females of childbearing potential (FCBP) or men who have sexual contact with FCBP unwilling to use "
    "contraceptive techniques during the study",
])
def test_items_before_a_verb_are_its_subject(text: str) -> None:
    for section in ("Inclusion", "Exclusion"):
        assert isinstance(_section_only(text, section), NeedsReview), section


def test_a_drug_after_an_item_with_a_complement_is_not_a_condition() -> None:
    # "gemcitabine" belongs to "… composition to pazopanib, gemcitabine …": read alone it would
    # exclude every patient who had gemcitabine
    text = ("History of allergic reactions or hypersensitivity reactions attributed to compounds of similar "
            "chemical or biologic composition to pazopanib, gemcitabine, docetaxel or other agents used in the study.")
    assert isinstance(_section_only(text, "Exclusion"), NeedsReview)


def test_of_inside_a_name() -> None:
    # "of" followed by a word continues a name; before a bound it is still the link
    pred = _section_only("Females of childbearing potential or pregnant", "Exclusion")
    assert [c.concept for c in _leaves_of(pred)] == ["childbearing_potential", "pregnancy"]
    assert _checks("Hemoglobin of at least 9 g/dL") == [("hemoglobin", ">=", 90.0)]          # 9 g/dL = 90 g/L
    assert _checks("Absolute neutrophil count of 1,500/mcL or more") == [("anc", ">=", 1.5)]  # 1500/µL = 1.5 × 10⁹/L


def test_a_list_introduction_after_a_clause_of_its_own_is_not_dropped() -> None:
    # The item's first clause is read; its last sentence introduces sub-items with words that are
    # not plain. Before, that sentence was dropped as a lead-in and the sub-items were ignored, so
    # a woman of childbearing potential with a POSITIVE test met the criterion.
    from screening.evaluate import screen

    text = ("Inclusion Criteria:\n"
            "- Childbearing potential; has a negative serum pregnancy test at screening and agrees to satisfy "
            "one of the following requirements:\n"
            "  - Complete abstinence from intercourse\n"
            "  - Established use of acceptable methods of contraception\n")
    record = {"patient_id": "p", "as_of": "2026-11-20", "reproductive": {"childbearing_potential": True},
              "observations": _pregnancy_test("positive")}
    result = screen(compile_trial(trial_from_text(text)), record)
    (top,) = [c for c in result.criteria if c.id == "inclusion.1"]
    assert top.status == "needs_review"
    assert result.verdict != "eligible"


@pytest.mark.parametrize(("section", "text", "multiple", "expected"), [
    # an exception in parentheses after a bound can only lift it, like ", unless …"
    ("Inclusion", "ALT ≤ 3 x ULN (unless attributed to liver metastases)", 2.0, "met"),        # 2 ≤ 3
    ("Inclusion", "ALT ≤ 3 x ULN (unless attributed to liver metastases)", 4.0, "needs_review"),  # 4 > 3: a person checks
    ("Exclusion", "ALT > 3 x ULN (excepting Gilbert's syndrome)", 2.0, "met"),                 # 2 ≤ 3: not excluded
    ("Exclusion", "ALT > 3 x ULN (excepting Gilbert's syndrome)", 4.0, "needs_review"),        # 4 > 3: unless …
])
def test_an_exception_in_parentheses_after_a_bound(section: str, text: str, multiple: float, expected: str) -> None:
    assert _status(text, section, [_x_uln("alt", multiple)]) == expected


def test_a_list_exception_in_parentheses_is_not_an_unless() -> None:
    # no bound before it: "(except basal cell carcinoma)" narrows the condition, it is not a waiver
    pred = _section_only("History of malignancy (except basal cell carcinoma)", "Exclusion")
    assert isinstance(pred, NeedsReview) and "exception" not in pred.reason


@pytest.mark.parametrize(("sex", "age", "expected"), [
    # "Women aged 40 to 74 years": the sex is part of the requirement (it used to be dropped as
    # a filler word, so a man of 50 met it)
    ("male", 50, "not_met"), ("female", 50, "met"), ("female", 80, "not_met"),   # 80 > 74
    (None, 50, "unknown"),                                                       # sex not given
])
def test_a_sex_before_a_bound_is_part_of_it(sex: str | None, age: int, expected: str) -> None:
    demographics: dict[str, object] = {"age_years": age}
    if sex is not None:
        demographics["sex"] = sex
    assert _status("Women aged 40 to 74 years", "Inclusion", [], demographics=demographics) == expected


def test_both_sexes_named_restrict_no_one() -> None:
    for text in ("Men and women aged 18 to 75 years", "Male or female patients aged ≥ 18 years",
                 "Men and women ≥ 18 years of age"):
        pred = _only(text)
        assert isinstance(pred, NumericCheck) and pred.concept == "age", text


def test_a_sex_before_a_condition_is_part_of_it() -> None:
    from screening.nodes import AllOf, CategoryCheck

    pred = _only("Women with a history of breast cancer")
    assert isinstance(pred, AllOf)
    sex, has = pred.children
    assert isinstance(sex, CategoryCheck) and sex.allowed == ("female",)
    assert isinstance(has, PresenceCheck) and has.concept == "breast_cancer"
    # the states themselves keep their names: "breastfeeding women" is lactation, not a sex
    assert [c.concept for c in _leaves_of(_section_only("Pregnant or breastfeeding women", "Exclusion"))] == [
        "pregnancy", "lactation"]


@pytest.mark.parametrize(("mets", "ast", "expected"), [
    # "Patients with documented liver metastases: AST ≤ 5 × ULN" binds only them
    (True, 4.0, "met"), (True, 6.0, "not_met"),     # 4 ≤ 5; 6 > 5
    (False, 6.0, "met"),                            # not in the group
    (None, 6.0, "unknown"),
])
def test_a_lead_naming_a_group_by_a_condition(mets: bool | None, ast: float, expected: str) -> None:
    assert _verdict_of("Patients with documented liver metastases: AST ≤ 5 × ULN", "Inclusion", ast, mets) == expected


def test_a_comparator_and_its_sign_that_disagree_are_not_read() -> None:
    # "less than" is <, "(<=)" is ≤: which one the trial meant is for a person
    assert isinstance(_only("ECOG performance status less than (<=) 2"), NeedsReview)


def test_criteria_that_define_a_condition() -> None:
    # RECIST defines measurable disease; criteria the data does not list may define it otherwise
    for text in ("Measurable disease per RECIST v1.1", "Participants must have measurable disease per RECIST 1.1",
                 "Measurable disease as defined by RECIST v1.1"):
        pred = _only(text)
        assert isinstance(pred, PresenceCheck) and pred.concept == "measurable_disease", text
    assert isinstance(_only("Measurable disease according to RANO criteria"), NeedsReview)


@pytest.mark.parametrize("text", [
    # a method is checked against what it measures: Cockcroft-Gault gives a clearance, not an
    # eGFR (mL/min/1.73 m²), and says nothing of an ejection fraction
    "Estimated glomerular filtration rate (eGFR) ≥ 60 mL/min/1.73 m2 using the Cockcroft-Gault formula",
    "LVEF ≥ 50% by Cockcroft-Gault",
])
def test_a_method_that_does_not_measure_the_concept(text: str) -> None:
    assert isinstance(_only(text), NeedsReview)


def test_a_sex_lead_on_one_part_of_a_list_for_several_sexes_is_a_review() -> None:
    # read as (female and (breast cancer or …)), a man aged 40 would be judged by the wrong rule
    assert isinstance(_only("Women with a history of breast cancer or men aged 18 to 75 years"), NeedsReview)


@pytest.mark.parametrize(("text", "sex"), [
    # words naming only the person before a bound in years (or "of age"): the person's age
    ("Participants must be 18 years or older.", None),
    ("Male or female ≥ 18 years", None),       # both sexes: no restriction
    ("Women ≥ 18 years of age", "female"),     # one sex: part of the requirement
    ("Males ≥ 20 years of age", "male"),
])
def test_a_person_before_a_bound_in_years_is_their_age(text: str, sex: str | None) -> None:
    from screening.nodes import AllOf, CategoryCheck

    pred = _only(text)
    if sex is not None:
        assert isinstance(pred, AllOf)
        check, pred = pred.children
        assert isinstance(check, CategoryCheck) and check.allowed == (sex,)
    assert isinstance(pred, NumericCheck) and pred.concept == "age", text
    assert isinstance(_only("Patients ≥ 2 g/dL"), NeedsReview)  # not years: no measure named


@pytest.mark.parametrize(("sex", "pregnant", "expected"), [
    # "Women who are pregnant or breastfeeding" among exclusions: (female and (pregnant or nursing))
    ("male", None, "met"),            # not a woman: not excluded, whatever else is unknown
    ("female", True, "not_met"),      # excluded
    ("female", False, "unknown"),     # not pregnant; nursing not recorded
    (None, True, "unknown"),          # pregnant, sex not given
])
def test_persons_who_are_in_a_state(sex: str | None, pregnant: bool | None, expected: str) -> None:
    patient: dict[str, object] = {"demographics": {} if sex is None else {"sex": sex}}
    if pregnant is not None:
        patient["reproductive"] = {"pregnant": pregnant}
    assert _status("Women who are pregnant or breastfeeding", "Exclusion", [], **patient) == expected
    pred = _section_only("The subject is pregnant or breastfeeding", "Exclusion")
    assert [c.concept for c in _leaves_of(pred)] == ["pregnancy", "lactation"]


@pytest.mark.parametrize(("text", "drug", "expected"), [
    # a chemotherapy two weeks ago is an anticancer therapy within 4 weeks: excluded (with the
    # medication list marked complete this used to read as "absent", so the patient passed)
    ("Anticancer therapy within 4 weeks prior to the first dose", "paclitaxel", "not_met"),
    ("Prior treatment with an antibody-drug conjugate", "trastuzumab deruxtecan", "not_met"),
    ("Prior treatment with a PARP inhibitor", "olaparib", "not_met"),
    ("Prior treatment with a PARP inhibitor", "paclitaxel", "met"),   # complete list, no PARP inhibitor
])
def test_a_drug_counts_for_every_class_above_it(text: str, drug: str, expected: str) -> None:
    medications = [{"name": drug, "start_date": "2026-10-01", "end_date": "2026-11-06"}]  # 14 days before 11-20
    assert _status(text, "Exclusion", [], medications=medications, complete_records=["medications"]) == expected


@pytest.mark.parametrize(("medications", "complete", "expected"), [
    ([{"name": "paclitaxel", "start_date": "2025-01-01", "end_date": "2025-04-01"}], False, "not_met"),
    ([{"name": "tamoxifen", "start_date": "2025-01-01", "ongoing": True}], True, "met"),   # complete: no chemotherapy
    ([], False, "unknown"),                                                                # nothing recorded
])
def test_no_prior_therapy(medications: list[dict[str, object]], complete: bool, expected: str) -> None:
    patient: dict[str, object] = {"medications": medications}
    if complete:
        patient["complete_records"] = ["medications"]
    assert _status("No prior chemotherapy", "Inclusion", [], **patient) == expected


@pytest.mark.parametrize(("pregnant", "lactating", "expected"), [
    (False, False, "met"), (True, False, "not_met"), (False, True, "not_met"),
    (False, None, "unknown"),                       # nursing not recorded
])
def test_not_pregnant_or_nursing(pregnant: bool, lactating: bool | None, expected: str) -> None:
    reproductive = {"pregnant": pregnant} | ({} if lactating is None else {"lactating": lactating})
    assert _status("Not pregnant or nursing", "Inclusion", [], reproductive=reproductive) == expected


def test_a_negation_does_not_count_the_patients_own_cancer() -> None:
    # "No prior malignancy" in a breast cancer trial: the patient's own breast cancer is a
    # malignancy; whether the trial meant it is for a person, as with "History of malignancy"
    # among exclusions (under "no", an inclusion's check reads like an exclusion's)
    patient = {"tumour": {"primary_site": "breast"}}
    assert _status("No prior malignancy", "Inclusion", [], **patient) == "unknown"
    assert _status("History of malignancy", "Exclusion", [], **patient) == "unknown"


@pytest.mark.parametrize("text", [
    "No current breast feeding",                 # among exclusions: excluded if NOT nursing?
    "Not pregnant",
])
def test_a_negation_among_exclusions_is_for_a_person(text: str) -> None:
    assert isinstance(_section_only(text, "Exclusion"), NeedsReview)


def test_no_more_than_is_a_comparator_not_a_negation() -> None:
    assert _checks("No more than 2 prior lines of therapy") == [("prior_lines", "<=", 2.0)]


def test_prior_written_once_is_about_every_item_of_the_list() -> None:
    # radiotherapy that ended a year ago is "prior radiotherapy": excluded
    procedures = [{"name": "radiotherapy", "date": "2025-11-01"}]
    assert _status("Prior chemotherapy or radiotherapy.", "Exclusion", [], procedures=procedures) == "not_met"


def test_leptomeningeal_disease_is_narrower_than_cns_metastases() -> None:
    # a patient with brain metastases and no leptomeningeal disease meets "No leptomeningeal disease"
    conditions = [{"name": "brain metastases", "present": True}, {"name": "leptomeningeal disease", "present": False}]
    assert _status("No leptomeningeal disease", "Inclusion", [], conditions=conditions) == "met"
    # and a patient with leptomeningeal disease has CNS metastases
    assert _status("Known CNS metastases", "Exclusion", [],
                   conditions=[{"name": "leptomeningeal disease", "present": True}]) == "not_met"


@pytest.mark.parametrize("text", [
    # read alone, the first item would exclude any drug allergy, or a stroke at any time
    "History of allergy or hypersensitivity to pentamidine",
    "Stroke or myocardial infarction in the 90-day period prior to Baseline.",
])
def test_a_last_item_whose_complement_may_bind_the_others(text: str) -> None:
    assert isinstance(_section_only(text, "Exclusion"), NeedsReview)


def test_a_last_item_that_is_a_verb_phrase_binds_nothing() -> None:
    from screening.nodes import AnyOf

    pred = _section_only("Pregnant, lactating, or planning to become pregnant.", "Exclusion")
    assert isinstance(pred, AnyOf)
    assert [getattr(c, "concept", None) for c in pred.children] == ["pregnancy", "lactation", None]


def test_modified_recist_is_not_recist() -> None:
    # measurability differs under modified RECIST; only RECIST itself is read
    assert isinstance(_only("At least one measurable lesion as defined by modified Response Evaluation Criteria "
                            "In Solid Tumors (RECIST) criteria"), NeedsReview)
    assert isinstance(_only("Measurable disease per mRECIST"), NeedsReview)


def test_a_label_whose_value_is_not_specified_sets_no_requirement() -> None:
    # PDQ text: "Menopausal status: Not specified" asks for nothing
    trial = compile_trial(trial_from_text("Inclusion Criteria:\n- Menopausal status: Not specified\n"))
    (crit,) = [c for c in trial.criteria if not c.id.startswith("registry.")]
    assert crit.predicate is None
    assert _status("Menopausal status: Not specified", "Inclusion", []) == "not_applicable"


@pytest.mark.parametrize(("text", "section", "drug", "expected"), [
    ("No prior anthracycline therapy", "Inclusion", "doxorubicin", "not_met"),
    ("No prior anthracycline therapy", "Inclusion", "paclitaxel", "met"),   # complete list: a taxane only
    ("Prior taxane therapy.", "Exclusion", "docetaxel", "not_met"),
    ("Prior chemotherapy within 4 weeks.", "Exclusion", "carboplatin", "not_met"),  # platinum is chemotherapy
])
def test_chemotherapy_classes(text: str, section: str, drug: str, expected: str) -> None:
    medications = [{"name": drug, "start_date": "2026-10-01", "end_date": "2026-11-06"}]  # 14 days before 11-20
    assert _status(text, section, [], medications=medications, complete_records=["medications"]) == expected


def _counts(anc: float, platelets: float | None) -> list[dict[str, object]]:
    """ANC and platelets in 10^9/L, drawn two days before screening (2026-11-18)."""
    obs: list[dict[str, object]] = [{"concept": "anc", "value": anc, "unit": "10^9/L", "date": "2026-11-18"}]
    if platelets is not None:
        obs.append({"concept": "platelets", "value": platelets, "unit": "10^9/L", "date": "2026-11-18"})
    return obs


@pytest.mark.parametrize(("section", "text", "anc", "platelets", "expected"), [
    # an inclusion: each part is required, as with ";" between them
    ("Inclusion", "ANC ≥ 1.5 × 109/L, platelet count ≥ 100 × 109/L", 1.2, 150, "not_met"),  # 1.2 < 1.5
    ("Inclusion", "ANC ≥ 1.5 × 109/L, platelet count ≥ 100 × 109/L", 2.0, 80, "not_met"),   # 80 < 100
    ("Inclusion", "ANC ≥ 1.5 × 109/L, platelet count ≥ 100 × 109/L", 2.0, 150, "met"),      # both hold
    ("Inclusion", "ANC ≥ 1.5 × 109/L, platelet count ≥ 100 × 109/L", 2.0, None, "unknown"),  # no platelets
    # an exclusion: each part excludes on its own ("met" = not excluded)
    ("Exclusion", "ANC < 1.5 × 109/L, platelet count < 100 × 109/L", 2.0, 80, "not_met"),   # 80 < 100 excludes
    ("Exclusion", "ANC < 1.5 × 109/L, platelet count < 100 × 109/L", 1.2, 150, "not_met"),  # 1.2 < 1.5 excludes
    ("Exclusion", "ANC < 1.5 × 109/L, platelet count < 100 × 109/L", 2.0, 150, "met"),      # neither
    ("Exclusion", "ANC < 1.5 × 109/L, platelet count < 100 × 109/L", 2.0, None, "unknown"),
    # ANC 2.0 passes; 150 is not below 100; 1.5 ≥ 1.5 holds at the boundary
    ("Inclusion", "Adequate bone marrow reserve: ANC > 1.4 × 109/L, platelets ≥ 100 × 109/L", 1.5, 100, "met"),
])
def test_thresholds_separated_by_commas_alone_join_as_the_section_joins_clauses(
        section: str, text: str, anc: float, platelets: float | None, expected: str) -> None:
    assert _status(text, section, _counts(anc, platelets)) == expected


def test_a_recency_after_a_comma_list_is_about_every_result() -> None:
    from screening.nodes import leaves

    checks = list(leaves(_only("ANC ≥ 1.5 × 109/L, platelets ≥ 100 × 109/L within 14 days prior to registration")))
    assert [(c.concept, c.within_days) for c in checks] == [("anc", 14), ("platelets", 14)]  # type: ignore[union-attr]


@pytest.mark.parametrize("text", [
    # a part under a condition may widen another part (bilirubin up to 2 × ULN with Gilbert's)
    "Total bilirubin ≤ 1.5 × ULN, (total bilirubin ≤ 2.0 × ULN in case of Gilbert syndrome)",
    "AST ≤ 3 × ULN, AST ≤ 5 × ULN for patients with liver metastases",
    "Blood hemoglobin ≥ 8.0 g/dL, but ≤ 13.0 g/dL",
])
def test_a_comma_list_with_a_conditional_or_unread_part_is_for_review(text: str) -> None:
    assert isinstance(_only(text), NeedsReview)


def test_an_exception_for_a_group_not_read_can_only_lift_the_bound() -> None:
    # read as "bilirubin ≤ 1.5 × ULN and (review)", a patient with Gilbert's syndrome and bilirubin
    # 2 mg/dL would be wrongly not met; ", except patients with …" is an exception: "bound or (review)"
    from screening.nodes import AnyOf

    p = _only("Total bilirubin ≤ 1.5 × ULN, except patients with Gilbert's syndrome in whom total bilirubin "
              "must be < 3.0 mg/dL")
    assert isinstance(p, AnyOf) and len(p.children) == 2
    bound, exception = p.children
    assert isinstance(bound, NumericCheck) and (bound.concept, bound.op, bound.threshold) == ("total_bilirubin", "<=", 1.5)
    assert isinstance(exception, NeedsReview)


def test_a_later_sentence_for_patients_with_a_condition_and_a_bound_folds_into_the_clause() -> None:
    # "Patients with known liver metastases who have AST and ALT ≤ 5 × ULN" widens the bound
    # before it: AST at 4 × ULN (160 U/L, ULN 40) with liver metastases is for a person (needs review), not "not met"
    text = "Serum bilirubin ≤ 1.5 x ULN; ALT and AST ≤ 2.5 x ULN. Patients with known liver metastases who have an AST and ALT ≤ 5 x ULN."
    obs = [_x_uln("ast", 4.0), _x_uln("alt", 1.0),
           {"concept": "total_bilirubin", "value": 10, "unit": "umol/L", "date": "2026-11-18",
            "reference_range": {"high": 21}}]
    assert _status(text, "Inclusion", obs, conditions=[{"name": "liver metastases", "present": True}]) == "needs_review"


@pytest.mark.parametrize(("text", "end_date", "complete", "expected"), [
    # screened on 2026-11-20. "At least 4 weeks since": the last dose 28 days old or older.
    # 2026-10-23 is 28 days before 11-20 (8 days left in October + 20 in November): met
    # (a record outside the window shows no later dose only when the medication list is complete)
    ("At least 4 weeks since prior chemotherapy", "2026-10-23", True, "met"),
    ("At least 4 weeks since prior chemotherapy", "2026-10-23", False, "unknown"),
    # 2026-10-24 is 27 days before: less than 4 weeks, not met
    ("At least 4 weeks since prior chemotherapy", "2026-10-24", False, "not_met"),
    # "More than 28 days": 28 days old is not more than 28; 29 days (10-22) is
    ("More than 28 days since prior chemotherapy", "2026-10-23", False, "not_met"),
    ("More than 28 days since prior chemotherapy", "2026-10-22", True, "met"),
    # "≥ 14 days since the last dose of": 2026-11-06 is 14 days before 11-20
    ("≥ 14 days since the last dose of paclitaxel", "2026-11-06", True, "met"),
    ("≥ 14 days since the last dose of paclitaxel", "2026-11-07", False, "not_met"),
    # "or" after "since": the time is about both therapies; paclitaxel 14 days ago is chemotherapy
    ("At least 4 weeks must have elapsed since prior radiotherapy or chemotherapy", "2026-11-06", False, "not_met"),
    # nothing recorded: unknown; with the medication list complete, no chemotherapy at all: met
    ("At least 4 weeks since prior chemotherapy", None, False, "unknown"),
    ("At least 4 weeks since prior chemotherapy", None, True, "met"),
])
def test_time_since_a_therapy(text: str, end_date: str | None, complete: bool, expected: str) -> None:
    patient: dict[str, object] = {"medications": [] if end_date is None else
                                  [{"name": "paclitaxel", "start_date": "2026-09-01", "end_date": end_date}]}
    if complete:
        patient["complete_records"] = ["medications", "procedures"]
    assert _status(text, "Inclusion", [], **patient) == expected


_LONGER_FOR = "At least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas or mitomycin C)"


@pytest.mark.parametrize(("drug", "end_date", "expected"), [
    # screened on 2026-11-20; the medication list is complete. 2026-10-20 is 31 days before
    # (11 days left in October + 20 in November): more than 4 weeks (28 days) but less than 6 (42)
    ("carmustine", "2026-10-20", "not_met"),     # a nitrosourea: 6 weeks needed
    ("mitomycin C", "2026-10-20", "not_met"),
    ("capecitabine", "2026-10-20", "met"),       # other chemotherapy: 4 weeks are enough
    # 2026-10-09 is 42 days before (22 + 20): 6 weeks have passed
    ("lomustine", "2026-10-09", "met"),
    # 2026-10-10 is 41 days before: not yet
    ("lomustine", "2026-10-10", "not_met"),
])
def test_a_longer_time_since_for_some_therapies(drug: str, end_date: str, expected: str) -> None:
    medications = [{"name": drug, "start_date": "2026-09-01", "end_date": end_date}]
    assert _status(_LONGER_FOR, "Inclusion", [], medications=medications,
                   complete_records=["medications", "procedures"]) == expected


def test_a_shorter_time_since_for_some_therapies_is_for_review() -> None:
    # "(2 weeks for hormonal therapy)" would lift the 4 weeks for some: not read
    text = "At least 4 weeks since prior chemotherapy (2 weeks for nitrosoureas)"
    assert isinstance(_section_only(text, "Inclusion"), NeedsReview)


def test_less_than_a_time_since_a_therapy_excludes_a_recent_one() -> None:
    medications = [{"name": "paclitaxel", "start_date": "2026-09-01", "end_date": "2026-11-06"}]  # 14 days before
    text = "Less than 3 weeks since prior chemotherapy"  # 14 < 21: excluded ("not_met")
    assert _status(text, "Exclusion", [], medications=medications) == "not_met"
    # 2026-10-30 is 21 days before 11-20: not less than 3 weeks, so not excluded
    medications[0]["end_date"] = "2026-10-30"
    assert _status(text, "Exclusion", [], medications=medications, complete_records=["medications"]) == "met"


@pytest.mark.parametrize(("text", "section"), [
    # among exclusions a minimum time since would exclude everyone who never had the therapy
    ("At least 4 weeks since prior chemotherapy", "Exclusion"),
    # the time since a diagnosis is not the time since its last record
    ("At least 6 months since myocardial infarction", "Inclusion"),
    # a part after "since" that is not a known therapy keeps the whole for review
    ("More than 4 weeks since prior major surgery and biologic therapy", "Inclusion"),
    # a time since next to other parts: what it covers is unclear
    ("At least 4 weeks since prior chemotherapy or radiotherapy within 2 weeks", "Inclusion"),
])
def test_time_since_left_for_review(text: str, section: str) -> None:
    assert isinstance(_section_only(text, section), NeedsReview)


def test_an_example_with_a_bound_in_it_is_not_read_past() -> None:
    # "(e.g., oral prednisone > 10 mg per day)" may set the scope of "systemic corticosteroids":
    # read past, a patient on 5 mg of prednisone two weeks ago would wrongly fail the criterion
    text = "More than 3 weeks since prior systemic corticosteroids (e.g., oral prednisone > 10 mg per day)"
    assert isinstance(_section_only(text, "Inclusion"), NeedsReview)
    # an example without a bound still only illustrates
    assert not isinstance(_section_only("Major surgery (e.g., nephrectomy) within 4 weeks", "Exclusion"), NeedsReview)


def test_since_prior_and_no_concurrent_and_recovered() -> None:
    # "since prior and no concurrent X": none in the 27 days before covers a current one too
    from screening.compile import canonical

    both = _section_only("At least 4 weeks since prior and no concurrent chemotherapy", "Inclusion")
    assert canonical(both) == "not has chemotherapy less than 4 weeks ago"  # type: ignore[arg-type]
    medications = [{"name": "paclitaxel", "start_date": "2026-09-01", "ongoing": True}]
    assert _status("At least 4 weeks since prior and no concurrent chemotherapy", "Inclusion", [],
                   medications=medications) == "not_met"     # still taking it on 2026-11-20
    # "and recovered" is a second requirement, for a person: radiotherapy 2026-10-01 is 50 days
    # before 2026-11-20 (30 in October + 20 in November), so the time part holds
    procedures = [{"name": "radiotherapy", "date": "2026-10-01"}]
    text = "At least 4 weeks since prior radiotherapy and recovered"
    assert _status(text, "Inclusion", [], procedures=procedures, complete_records=["procedures"]) == "needs_review"
    procedures = [{"name": "radiotherapy", "date": "2026-11-10"}]   # 10 days before: the time part fails
    assert _status(text, "Inclusion", [], procedures=procedures, complete_records=["procedures"]) == "not_met"


@pytest.mark.parametrize(("text", "anc", "platelets", "expected"), [
    # "one of the following:" makes the clauses after it alternatives: ANC 2.0 ≥ 1.5 holds, so the
    # platelets of 80 (< 100) do not matter. Read as "each", the patient would wrongly be not met
    ("Patients must meet one of the following: ANC ≥ 1500/µL; platelets ≥ 100,000/µL", 2.0, 80, "met"),
    ("At least one of the following: ANC ≥ 1.5 × 10^9/L, platelets ≥ 100 × 10^9/L", 2.0, 80, "met"),
    ("Patients must meet one of the following: ANC ≥ 1500/µL; platelets ≥ 100,000/µL", 1.0, 80, "not_met"),
    # without it, each clause is required (80 < 100)
    ("Adequate organ function: ANC ≥ 1500/µL; platelets ≥ 100,000/µL", 2.0, 80, "not_met"),
    # a lead that is not understood governs every clause after it: "Part 2" may be a cohort,
    # so platelets of 80 do not make a patient of another part ineligible
    ("Part 2: ANC ≥ 1500/µL; platelets ≥ 100,000/µL", 2.0, 80, "needs_review"),
])
def test_a_lead_governs_the_clauses_after_it(text: str, anc: float, platelets: float, expected: str) -> None:
    assert _status(text, "Inclusion", _counts(anc, platelets)) == expected


def test_a_recency_in_the_lead_is_about_every_clause_after_it() -> None:
    # results of 2026-10-31 are 20 days old on 2026-11-20 (2026-11-20 − 2026-10-31 = 20 days):
    # "within 14 days" rejects them, the default 28 days would not
    obs = [{"concept": "anc", "value": 2.0, "unit": "10^9/L", "date": "2026-10-31"},
           {"concept": "platelets", "value": 150, "unit": "10^9/L", "date": "2026-10-31"}]
    text = "Laboratory values within 14 days prior to registration: ANC ≥ 1500/µL; platelets ≥ 100,000/µL"
    assert _status(text, "Inclusion", obs) == "unknown"
    assert _status(text, "Inclusion", _counts(2.0, 150)) == "met"   # drawn 2026-11-18: 2 days old


@pytest.mark.parametrize(("text", "expected"), [
    ("b) Neutrophils >/= 1500/µL", [("anc", ">=", 1.5)]),
    ("(2) Platelets ≥ 100,000/µL", [("platelets", ">=", 100.0)]),
    ("iii) Hemoglobin ≥ 9 g/dL", [("hemoglobin", ">=", 90.0)]),
])
def test_an_enumeration_mark_at_a_clause_start_is_trimmed(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _checks(text) == expected


def test_clauses_after_an_unreadable_lead_join_its_review() -> None:
    # read alone among exclusions, "(2) CD4+ T cell count ≥ 350" would exclude exactly the
    # patients the exception lets in
    text = ("Known HIV infection except for subjects meeting all the following criteria: (1) on stable "
            "anti-retroviral therapy; (2) CD4+ T cell count ≥ 350 cells/µL")
    assert isinstance(_section_only(text, "Exclusion"), NeedsReview)


@pytest.mark.parametrize(("procedures", "expected"), [
    # "with no transfusion support in the past 28 days" reads as "without … within 28 days":
    # a red cell transfusion on 2026-11-01 is 17 days before the 2026-11-18 result, inside the
    # window, so the value does not count (as for "without transfusion", above)
    ([{"name": "red blood cell transfusion", "date": "2026-11-01"}], "unknown"),
    # 2026-10-01 is 50 days before: outside; the procedure list is complete, so none inside it
    ([{"name": "red blood cell transfusion", "date": "2026-10-01"}], "met"),
])
def test_with_no_transfusion_in_a_window(procedures: list[dict[str, object]], expected: str) -> None:
    obs = [{"concept": "hemoglobin", "value": 11, "unit": "g/dL", "date": "2026-11-18"}]   # 11 ≥ 10 g/dL
    text = "Hemoglobin ≥ 10 g/dL with no transfusion support in the past 28 days"
    assert _status(text, "Inclusion", obs, procedures=procedures, complete_records=["procedures"]) == expected


def test_square_brackets_around_a_name_are_still_an_alias() -> None:
    # only brackets around an amount or a bound read as parentheses; "[SGOT]" names the lab
    text = "Aspartate aminotransferase (AST) (serum glutamic oxaloacetic transaminase \\[SGOT\\]) ≤ 2.5 × ULN"
    assert _checks(text) == [("ast", "<=", 2.5)]


def test_a_restated_amount_may_begin_with_or() -> None:
    # 1.7 mg/dL × 88.40 = 150.28 µmol/L, within 2 % of 150
    assert _checks("Creatinine < 150 µmol/l (or 1.7 mg/dl)") == [("creatinine", "<", 150.0)]
    # 150 µmol/L is 1.70 mg/dL, not 1.5: the two bounds disagree
    assert isinstance(_only("Creatinine ≤ 1.5 mg/dL (or 150 µmol/L)"), NeedsReview)


@pytest.mark.parametrize(("scores", "expected"), [
    # "ECOG ≤ 2 (or Karnofsky ≥ 70%)": "or" written, so either scale is enough
    ([{"scale": "ecog", "value": 3}, {"scale": "karnofsky", "value": 70}], "met"),     # 70 ≥ 70
    ([{"scale": "ecog", "value": 3}, {"scale": "karnofsky", "value": 60}], "not_met"),  # 3 > 2 and 60 < 70
    ([{"scale": "ecog", "value": 2}], "met"),                                            # 2 ≤ 2
])
def test_the_other_scale_after_or_is_an_alternative(scores: list[dict[str, object]], expected: str) -> None:
    assert _status("ECOG performance status ≤ 2 (or Karnofsky performance status ≥ 70%)", "Inclusion", [],
                   performance_status=scores) == expected


def test_a_bound_on_another_measure_after_or_is_an_alternative() -> None:
    # creatinine 2.0 mg/dL fails ≤ 1.5, but the clearance of 70 mL/min meets ≥ 60: met
    obs = [{"concept": "creatinine", "value": 2.0, "unit": "mg/dL", "date": "2026-11-18"},
           {"concept": "creatinine_clearance", "value": 70, "unit": "mL/min", "date": "2026-11-18"}]
    text = "Serum creatinine ≤ 1.5 mg/dL (or creatinine clearance ≥ 60 mL/min)"
    assert _status(text, "Inclusion", obs) == "met"
    obs[1]["value"] = 50   # 50 < 60 and 2.0 > 1.5: neither holds
    assert _status(text, "Inclusion", obs) == "not_met"


@pytest.mark.parametrize(("text", "section", "grade", "expected"), [
    # the grade is the clinician's CTCAE grade (0 = none); an exclusion is "met" when not excluded
    ("Peripheral neuropathy ≥ grade 2", "Exclusion", 1, "met"),          # 1 < 2
    ("Peripheral neuropathy ≥ grade 2", "Exclusion", 2, "not_met"),      # 2 ≥ 2
    ("Grade 2 or higher peripheral neuropathy", "Exclusion", 2, "not_met"),
    ("Grade ≥ 2 peripheral neuropathy", "Exclusion", None, "unknown"),   # no grade recorded
    ("Peripheral neuropathy ≥ CTCAE Grade 2", "Exclusion", 0, "met"),
    # "No X ≥ grade 2" among inclusions: one plain bound under "no" is its negation
    ("No peripheral neuropathy ≥ grade 2", "Inclusion", 1, "met"),
    ("No peripheral neuropathy ≥ grade 2", "Inclusion", 3, "not_met"),   # 3 ≥ 2
    ("No peripheral neuropathy ≥ grade 2", "Inclusion", None, "unknown"),
])
def test_a_ctcae_grade_of_a_condition(text: str, section: str, grade: int | None, expected: str) -> None:
    obs = [] if grade is None else [{"concept": "peripheral_neuropathy_grade", "value": grade}]
    assert _status(text, section, obs) == expected


def test_a_grade_of_a_condition_without_one_is_for_review_and_a_grade_outside_the_scale_is_an_error() -> None:
    assert isinstance(_section_only("Grade ≥ 2 diarrhea", "Exclusion"), NeedsReview)
    with pytest.raises(InputError, match="7 is not a Peripheral neuropathy, CTCAE grade value"):
        _status("Peripheral neuropathy ≥ grade 2", "Exclusion", [{"concept": "peripheral_neuropathy_grade", "value": 7}])


def test_a_grade_bound_including_grade_0_among_exclusions_is_for_review() -> None:
    # read literally, "Peripheral neuropathy ≤ grade 2" would exclude every patient without it
    assert isinstance(_section_only("Peripheral neuropathy ≤ Grade 2", "Exclusion"), NeedsReview)
    assert not isinstance(_section_only("Peripheral neuropathy ≤ Grade 2", "Inclusion"), NeedsReview)
    # "grade" stays in a name when no bound follows it: ECOG 0 to 1
    from screening.compile import canonical

    assert canonical(_section_only("ECOG PS grade of 0-1", "Inclusion")) == "ecog 0 to 1"  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "expected"), [
    # a name with "and" inside that the vocabulary knows whole (NCI template wording)
    ("Ability to understand and the willingness to sign a written informed consent document.", "has informed_consent"),
    ("Patients must have the ability to understand and the willingness to sign a written informed consent document",
     "has informed_consent"),
    ("Signed and dated informed consent form", "has informed_consent"),
    # names the vocabulary does not know whole stay a list
    ("Hypertension and diabetes", "(has hypertension and has diabetes)"),
])
def test_a_name_known_whole_is_not_split_at_and(text: str, expected: str) -> None:
    from screening.compile import canonical

    assert canonical(_section_only(text, "Inclusion")) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "condition", "present", "expected"), [
    # "drug or alcohol abuse" is known whole; alcohol abuse is narrower, so it counts
    ("Drug or alcohol abuse", "alcohol abuse", True, "not_met"),
    ("Drug or alcohol abuse", "substance abuse", False, "met"),      # the broad concept known absent
    ("Malabsorption syndrome", "malabsorption", True, "not_met"),
    ("Known HIV positivity", "HIV infection", True, "not_met"),
    ("Inflammatory bowel disease", "ulcerative colitis", True, "not_met"),
])
def test_common_exclusion_conditions(text: str, condition: str, present: bool, expected: str) -> None:
    assert _status(text, "Exclusion", [], conditions=[{"name": condition, "present": present}]) == expected


def test_see_disease_characteristics_and_concurrent() -> None:
    from screening.compile import canonical

    # PDQ cross-references set no requirement of their own
    trial = compile_trial(trial_from_text("Inclusion Criteria:\n- Chemotherapy: See Disease Characteristics\n"))
    (crit,) = [c for c in trial.criteria if not c.id.startswith("registry.")]
    assert crit.understood_as == ""
    # "concurrent" is current: radiotherapy at screening
    assert canonical(_section_only("No concurrent radiotherapy", "Inclusion")) == "not has radiotherapy"  # type: ignore[arg-type]


def test_a_note_that_something_does_not_count_can_only_let_patients_in() -> None:
    # tamoxifen (endocrine therapy) is an anticancer therapy, but the note takes it out: the
    # exclusion applies only if the note does not, which is for a person, never "not met"
    text = ("Other concurrent anti-cancer therapy. Note: adjuvant endocrine therapy (tamoxifen or an "
            "aromatase inhibitor) does not count as anti-cancer therapy")
    medications = [{"name": "tamoxifen", "start_date": "2026-01-01", "ongoing": True}]
    assert _status(text, "Exclusion", [], medications=medications) == "needs_review"


@pytest.mark.parametrize(("record", "present", "expected"), [
    # "Uncontrolled diabetes mellitus": the condition with its narrowing word kept as a qualifier
    ("diabetes mellitus", True, "unknown"),            # a plain record does not say "uncontrolled"
    ("uncontrolled diabetes", True, "not_met"),        # a record that says so decides: excluded
    ("diabetes", False, "met"),                        # no diabetes at all: not excluded
])
def test_a_qualified_condition_not_in_the_vocabulary_as_written(record: str, present: bool, expected: str) -> None:
    assert _status("Uncontrolled diabetes mellitus", "Exclusion", [],
                   conditions=[{"name": record, "present": present}]) == expected


def test_infection_spellings_and_seizures() -> None:
    from screening.compile import canonical

    assert canonical(_section_only("Known active hepatitis B or hepatitis C infection", "Exclusion")) == \
        "(has hepatitis_b_active or has hepatitis_c)"  # type: ignore[arg-type]
    assert canonical(_section_only("Uncontrolled seizure disorder", "Exclusion")) == \
        "has seizure_disorder (uncontrolled)"  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "record", "expected"), [
    # a solid organ and a stem cell transplant are different criteria; both are transplants
    ("Prior allogeneic stem cell transplantation", "allogeneic bone marrow transplant", "not_met"),
    ("Prior allogeneic stem cell transplantation", "solid organ transplant", "met"),   # complete list: no allo-SCT
    ("History of solid organ transplantation", "allogeneic stem cell transplant", "met"),
    ("History of solid organ transplantation", "organ transplant recipient", "not_met"),
    ("Prior transplant", "autologous stem cell transplant", "not_met"),                # narrower counts for broader
])
def test_transplant_kinds_are_kept_apart(text: str, record: str, expected: str) -> None:
    patient = {"conditions": [{"name": record, "present": True}], "complete_records": ["conditions"]}
    assert _status(text, "Exclusion", [], **patient) == expected


@pytest.mark.parametrize(("record", "expected"), [
    # "Untreated or symptomatic CNS metastases": each word narrows the condition named last
    ("brain metastases", "unknown"),                  # a plain record says neither
    ("symptomatic brain metastases", "not_met"),      # one of the words holds: excluded
])
def test_narrowing_words_joined_by_or_share_the_condition(record: str, expected: str) -> None:
    assert _status("Untreated or symptomatic central nervous system (CNS) metastases", "Exclusion", [],
                   conditions=[{"name": record, "present": True}]) == expected
    # with the condition known absent, neither applies
    assert _status("Untreated or symptomatic central nervous system (CNS) metastases", "Exclusion", [],
                   conditions=[{"name": "brain metastases", "present": False}]) == "met"


@pytest.mark.parametrize(("text", "expected"), [
    ("Patients with a known diagnosis of human immunodeficiency virus (HIV) infection", "has hiv"),
    ("Clinical diagnosis of dementia", "has dementia"),
    # "currently receiving" and "another" (the study drug aside: "other")
    ("Patients who are currently receiving another investigational drug", "has other investigational_agent"),
])
def test_diagnosis_of_and_currently_receiving_leads(text: str, expected: str) -> None:
    from screening.compile import canonical

    assert canonical(_section_only(text, "Exclusion")) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "drug", "expected"), [
    # checkpoint inhibitors by target: ipilimumab (anti-CTLA-4) is not an anti-PD-1 drug
    ("Prior treatment with anti-PD-1 therapy", "ipilimumab", "met"),
    ("Prior treatment with anti-PD-1 therapy", "pembrolizumab", "not_met"),
    ("Prior immune checkpoint inhibitor", "ipilimumab", "not_met"),          # narrower counts for broader
    ("Prior anti-PD-1/PD-L1 therapy", "atezolizumab", "not_met"),            # one name with "/" inside
    ("Prior anti-PD-1/PD-L1 therapy", "ipilimumab", "met"),
])
def test_checkpoint_inhibitors_by_target(text: str, drug: str, expected: str) -> None:
    medications = [{"name": drug, "start_date": "2025-01-01", "end_date": "2025-06-01"}]
    assert _status(text, "Exclusion", [], medications=medications, complete_records=["medications"]) == expected


def test_time_since_written_with_from() -> None:
    from screening.compile import canonical

    assert canonical(_section_only("At least 4 weeks from prior chemotherapy", "Inclusion")) == \
        "not has chemotherapy less than 4 weeks ago"  # type: ignore[arg-type]
    assert canonical(_section_only("≥ 28 days from the last dose of radiotherapy", "Inclusion")) == \
        "not has radiotherapy less than 28 days ago"  # type: ignore[arg-type]
    # counted from an event that is not a therapy: for a person
    assert isinstance(_section_only("At least 4 weeks from randomization", "Inclusion"), NeedsReview)


@pytest.mark.parametrize(("text", "expected"), [
    # the patient's primary is breast (tumour.primary_site) and the condition list also holds
    # "breast cancer", diagnosed 2025-06-01: the same tumour, which the trial may be for
    ("History of malignancy within 5 years", "unknown"),      # not counted as another cancer
    ("History of other malignancy within 5 years", "met"),    # "other": the own tumour never counts
    ("History of breast cancer", "not_met"),                  # the very concept named: it counts
])
def test_a_condition_record_of_the_primary_cancer_is_the_primary(text: str, expected: str) -> None:
    patient = {"conditions": [{"name": "breast cancer", "present": True, "onset_date": "2025-06-01"}],
               "tumour": {"primary_site": "breast"}, "complete_records": ["conditions"]}
    assert _status(text, "Exclusion", [], **patient) == expected


@pytest.mark.parametrize(("record", "present", "expected"), [
    # "active" narrows brain metastases (vocabulary: narrowed_by): treated, stable ones are not active
    ("brain metastases", True, "unknown"),            # a plain record cannot tell
    ("active brain metastases", True, "not_met"),     # excluded
    ("inactive brain metastases", True, "unknown"),   # "inactive" does not say "active"
    ("brain metastases", False, "met"),               # none at all
])
def test_active_brain_metastases_are_narrower_than_brain_metastases(record: str, present: bool, expected: str) -> None:
    assert _status("Active brain metastases", "Exclusion", [], conditions=[{"name": record, "present": present}]) == expected


def test_one_of_the_following_ends_with_its_sentence() -> None:
    # hemoglobin 8 g/dL (80 g/L < 90) in the next sentence is a requirement of its own, not a
    # third alternative: ANC 2.0 meeting "one of the following" does not make the item met
    text = "Patients must meet one of the following: ANC ≥ 1500/µL; platelets ≥ 100,000/µL. Hemoglobin ≥ 9 g/dL."
    obs = _counts(2.0, 80) + [{"concept": "hemoglobin", "value": 8, "unit": "g/dL", "date": "2026-11-18"}]
    assert _status(text, "Inclusion", obs) == "not_met"
    obs[-1]["value"] = 10   # 100 g/L ≥ 90: now met (ANC 2.0 ≥ 1.5 is one of the alternatives)
    assert _status(text, "Inclusion", obs) == "met"
    # alternatives in the sentences after "one of the following.": where they end is not written
    later = "Patients must have one of the following. ANC ≥ 1500/µL. Platelets ≥ 100,000/µL."
    assert isinstance(_section_only(later, "Inclusion"), NeedsReview)


@pytest.mark.parametrize(("text", "ast", "metastases", "expected"), [
    # a wider bound "for X" / "if patient has X" in parentheses: the ULN of AST is 40 U/L
    ("AST ≤ 2.5 × ULN (≤ 5 × ULN for liver metastases)", 4, True, "met"),            # 4 ≤ 5, with them
    ("AST ≤ 2.5 × ULN (≤ 5 × ULN for liver metastases)", 4, False, "not_met"),        # 4 > 2.5, without
    ("AST ≤ 2.5 × ULN (≤ 5 × ULN for liver metastases)", 6, True, "not_met"),         # 6 > 5
    ("AST ≤ 2 times ULN (5 times ULN if patient has documented liver metastases)", 4, True, "met"),
    ("AST ≤ 2 times ULN (5 times ULN if patient has documented liver metastases)", 4, False, "not_met"),
    ("AST ≤ 2.5 × ULN (≤ 5 × ULN for patient with liver metastases)", 4, True, "met"),  # "patient", singular
    ("AST ≤ 2.5 × ULN (≤ 5 × ULN for patient with liver metastases)", 2, False, "met"),  # 2 ≤ 2.5
])
def test_a_wider_bound_for_a_condition(text: str, ast: float, metastases: bool, expected: str) -> None:
    patient = {"conditions": [{"name": "liver metastases", "present": metastases}], "complete_records": ["conditions"]}
    assert _status(text, "Inclusion", [_x_uln("ast", ast)], **patient) == expected


def test_a_bound_for_something_that_is_not_a_condition_is_for_review() -> None:
    assert isinstance(_section_only("BMI > 23 kg/m2 for Asians", "Inclusion"), NeedsReview)
    # "for age" after an amount (no reference range to choose) is not read either
    assert isinstance(_section_only("Hemoglobin ≥ 9 g/dL for age", "Inclusion"), NeedsReview)


def test_uln_for_the_reference_range_is_the_uln() -> None:
    # "the ULN for the reference range" is one more spelling of the ULN: a multiple of 1.5
    check = _section_only("Blood urea nitrogen (BUN) ≥ 1.5 times the ULN for the reference range", "Exclusion")
    assert isinstance(check, NumericCheck) and (check.concept, check.op, check.threshold, check.limit) == ("bun", ">=", 1.5, "uln")


@pytest.mark.parametrize(("text", "concept", "op", "threshold", "method"), [
    # the same method note after a comma as without it
    ("Left ventricular ejection fraction (LVEF) ≥ 55%, as measured by echocardiogram", "lvef", ">=", 55, "echo_or_muga"),
    ("Creatinine clearance < 60 mL/min, using Cockcroft-Gault formula", "creatinine_clearance", "<", 60, "cockcroft_gault"),
    ("Creatinine clearance ≥ 60 mL/min calculated using the Cockcroft-Gault formula", "creatinine_clearance", ">=", 60,
     "cockcroft_gault"),
])
def test_a_method_note_after_a_comma(text: str, concept: str, op: str, threshold: float, method: str) -> None:
    check = _section_only(text, "Inclusion")
    assert isinstance(check, NumericCheck)
    assert (check.concept, check.op, check.threshold, check.method) == (concept, op, threshold, method)


def test_a_method_after_a_comma_that_does_not_measure_the_concept_is_for_review() -> None:
    # Cockcroft-Gault gives a creatinine clearance in mL/min, never an eGFR per 1.73 m²
    assert isinstance(_section_only("eGFR ≥ 60 mL/min/1.73 m2, calculated by the Cockcroft-Gault formula", "Inclusion"),
                      NeedsReview)
    measurable = _section_only("Measurable disease, as defined by RECIST v1.1", "Inclusion")
    assert isinstance(measurable, PresenceCheck) and measurable.concept == "measurable_disease"


@pytest.mark.parametrize(("text", "record", "present", "expected"), [
    # "malignant" narrows an effusion (vocabulary narrowed_by): cirrhotic ascites is not malignant
    ("Malignant ascites", "ascites", True, "unknown"),                     # a plain record cannot tell
    ("Malignant ascites", "malignant ascites", True, "not_met"),           # excluded
    ("Malignant ascites", "ascites", False, "met"),                        # none at all
    ("Malignant pleural effusion", "pleural effusion", True, "unknown"),
    ("Ascites", "ascites", True, "not_met"),                               # the plain condition
])
def test_malignant_effusions_are_narrower_than_effusions(text: str, record: str, present: bool, expected: str) -> None:
    patient = {"conditions": [{"name": record, "present": present}], "complete_records": ["conditions"]}
    assert _status(text, "Exclusion", [], **patient) == expected


@pytest.mark.parametrize(("crcl", "expected"), [
    # creatinine 2.0 mg/dL with a ULN of 1.2: 2.0 > 1.5 × 1.2 = 1.8, so only the clearance can qualify
    (55, "met"),       # 55 ≥ 50
    (45, "not_met"),   # 45 < 50
])
def test_words_before_or_that_share_a_measure(crcl: float, expected: str) -> None:
    # "measured or calculated creatinine clearance": "measured" names nothing alone, and
    # "measured creatinine clearance" is the same measure as "calculated creatinine clearance"
    text = "Serum creatinine ≤ 1.5 × ULN or measured or calculated creatinine clearance ≥ 50 mL/min"
    obs = [{"concept": "creatinine", "value": 2.0, "unit": "mg/dL", "date": "2026-11-18", "reference_range": {"high": 1.2}},
           {"concept": "creatinine_clearance", "value": crcl, "unit": "mL/min", "date": "2026-11-18"}]
    assert _status(text, "Inclusion", obs) == expected


def test_words_before_or_that_name_another_measure_are_that_measure() -> None:
    # "Direct or total bilirubin": "direct" takes the last word of the name after it, and names
    # another lab than total bilirubin; the bound is on each, either enough (as "AST or ALT ≤ …"),
    # never on total bilirubin alone
    from screening.nodes import AnyOf
    pred = _section_only("Direct or total bilirubin ≤ 1.5 × ULN", "Inclusion")
    assert isinstance(pred, AnyOf)
    assert sorted((c.concept, c.op, c.threshold, c.limit) for c in leaves(pred) if isinstance(c, NumericCheck)) \
        == [("direct_bilirubin", "<=", 1.5, "uln"), ("total_bilirubin", "<=", 1.5, "uln")]
    whole = _section_only("Calculated or measured creatinine clearance: ≥ 20 mL/minute", "Inclusion")
    assert isinstance(whole, NumericCheck) and (whole.concept, whole.op, whole.threshold) == ("creatinine_clearance", ">=", 20)


@pytest.mark.parametrize(("text", "involved", "anc", "expected"), [
    # leads naming bone marrow involvement (vocabulary): each bound binds only its group
    ("With bone marrow involvement: ANC ≥ 500/mm^3", True, 0.6, "met"),       # 0.6 × 10^9/L = 600/mm³ ≥ 500
    ("With bone marrow involvement: ANC ≥ 500/mm^3", True, 0.4, "not_met"),   # 400/mm³ < 500
    ("With bone marrow involvement: ANC ≥ 500/mm^3", False, 0.4, "met"),      # not in the group
    ("Without bone marrow involvement: ANC ≥ 1,000/mm^3", False, 0.8, "not_met"),  # 800 < 1000
    ("Without bone marrow involvement: ANC ≥ 1,000/mm^3", True, 0.8, "met"),  # the other group
    ("Without bone marrow involvement: ANC ≥ 1,000/mm^3", None, 0.8, "unknown"),  # group not known
])
def test_leads_on_bone_marrow_involvement(text: str, involved: bool | None, anc: float, expected: str) -> None:
    conditions = [] if involved is None else [{"name": "bone marrow involvement", "present": involved}]
    assert _status(text, "Inclusion", _counts(anc, None), conditions=conditions) == expected


def _statuses(text: str, observations: list[dict[str, object]], **patient: object) -> dict[str, str]:
    """The status of every criterion ``text`` compiles to, for a patient screened on 2026-11-20."""
    from screening.evaluate import screen

    trial = compile_trial(trial_from_text(text))
    record = {"patient_id": "p", "as_of": "2026-11-20", "observations": observations, **patient}
    return {c.id: str(c.status) for c in screen(trial, record).criteria if not c.id.startswith("registry.")}


_TWO_ITEMS = """Inclusion Criteria:
- AST ≤ 2.5 × ULN
- AST ≤ 5 × ULN for patients with liver metastases

Exclusion Criteria:
- ALT > 3 × ULN
- ALT > 5 × ULN in patients with liver metastases
"""


@pytest.mark.parametrize(("metastases", "ast", "alt", "expected"), [
    # the later item is an alternative for its group, as it is inside one item (ULN 40 U/L)
    (True, 4, 1, {"inclusion.1": "met", "inclusion.2": "met", "exclusion.1": "met", "exclusion.2": "met"}),
    # without liver metastases 4 × ULN > 2.5 × ULN fails, and the second item does not bind
    (False, 4, 1, {"inclusion.1": "not_met", "inclusion.2": "met", "exclusion.1": "met", "exclusion.2": "met"}),
    # ALT at 4 × ULN: > 3 excludes without liver metastases; with them only > 5 does
    (False, 1, 4, {"inclusion.1": "met", "inclusion.2": "met", "exclusion.1": "not_met", "exclusion.2": "met"}),
    (True, 1, 4, {"inclusion.1": "met", "inclusion.2": "met", "exclusion.1": "met", "exclusion.2": "met"}),
    (True, 1, 6, {"inclusion.1": "met", "inclusion.2": "met", "exclusion.1": "not_met", "exclusion.2": "not_met"}),
])
def test_a_bound_for_a_group_in_an_item_of_its_own_is_an_alternative(metastases: bool, ast: float, alt: float,
                                                                      expected: dict[str, str]) -> None:
    patient = {"conditions": [{"name": "liver metastases", "present": metastases}], "complete_records": ["conditions"]}
    assert _statuses(_TWO_ITEMS, [_x_uln("ast", ast), _x_uln("alt", alt)], **patient) == expected


def test_a_bound_for_one_sex_in_an_item_of_its_own_is_an_alternative() -> None:
    text = "Inclusion Criteria:\n- QTc ≤ 450 ms\n- QTc ≤ 470 ms for women\n"
    qtc = [{"concept": "qtc", "value": 460, "unit": "ms", "date": "2026-11-18"}]
    # 460 > 450, but 460 ≤ 470 for a woman
    assert _statuses(text, qtc, demographics={"sex": "female"}) == {"inclusion.1": "met", "inclusion.2": "met"}
    assert _statuses(text, qtc, demographics={"sex": "male"}) == {"inclusion.1": "not_met", "inclusion.2": "met"}


@pytest.mark.parametrize(("concept", "value", "expected"), [
    # 160 mg/dL / 18.016 = 8.88 mmol/L
    ("glucose", 10.0, "unknown"),          # a random glucose says nothing about a fasting one
    ("fasting_glucose", 10.0, "not_met"),  # 10 > 8.88: excluded
    ("fasting_glucose", 6.0, "met"),       # 6 ≤ 8.88
])
def test_a_fasting_glucose_is_not_a_random_glucose(concept: str, value: float, expected: str) -> None:
    obs = [{"concept": concept, "value": value, "unit": "mmol/L", "date": "2026-11-18"}]
    assert _status("Fasting plasma glucose > 160 mg/dL", "Exclusion", obs) == expected


def test_a_window_on_an_earlier_item_is_not_carried_to_the_items_after_it() -> None:
    # a solid organ transplant in 2016, ten years before screening: whether "within the last 5
    # years" is about it too is not written (the window may be only about the stem cell
    # transplant), so the item is a review whatever the record says
    text = "Previous allogeneic hematopoietic stem cell transplant within the last 5 years or solid organ transplant"
    patient = {"conditions": [{"name": "solid organ transplant", "present": True, "onset_date": "2016-05-01"}],
               "complete_records": ["procedures", "conditions", "medications"]}
    assert _status(text, "Exclusion", [], **patient) == "needs_review"
    # an item that says it is about now is read alone: warfarin stopped 30 days ago is not current
    warfarin = {"medications": [{"name": "warfarin", "start_date": "2026-01-01", "end_date": "2026-10-21"}],
                "conditions": [], "complete_records": ["conditions", "medications", "procedures"]}
    assert _status("Major surgery within 4 weeks or current anticoagulant therapy", "Exclusion", [], **warfarin) == "met"
    # written after the items, the window is about each of them: a stroke 2 months ago excludes
    assert _status("Myocardial infarction or stroke within 6 months", "Exclusion", [],
                   conditions=[{"name": "stroke", "present": True, "onset_date": "2026-09-20"}]) == "not_met"


@pytest.mark.parametrize(("text", "section", "age", "expected"), [
    # "years old" names the person's age, with or without a subject
    ("At least 18 years old", "Inclusion", 18, "met"),              # 18 ≥ 18
    ("At least 18 years old", "Inclusion", 17, "not_met"),
    ("18 years old or older", "Inclusion", 17, "not_met"),
    ("18-75 years old", "Inclusion", 76, "not_met"),                # 76 > 75
    ("18-75 years old", "Inclusion", 75, "met"),
    ("Less than 18 years old", "Exclusion", 17, "not_met"),         # 17 < 18: excluded
    ("Hemoglobin ≥ 9 g/dL and at least 18 years old", "Inclusion", 17, "not_met"),  # the age, not hemoglobin
])
def test_years_old_is_an_age(text: str, section: str, age: int, expected: str) -> None:
    hb = [{"concept": "hemoglobin", "value": 10, "unit": "g/dL", "date": "2026-11-18"}]
    assert _status(text, section, hb, demographics={"age_years": age}) == expected


def test_months_old_of_something_else_is_no_age() -> None:
    assert isinstance(_section_only("Available tumor material (< 6 months old)", "Inclusion"), NeedsReview)


@pytest.mark.parametrize(("text", "age", "expected"), [
    ("18 years of age or older", 17, "not_met"),                     # 17 < 18
    ("18 years of age or older", 18, "met"),
    ("Patients must be 25 years of age and less", 26, "not_met"),    # 26 > 25
    ("Age ≥ 18 years at time of consent", 18, "met"),                # the screening date stands for consent
    ("Men and women, ages ≥ 18 years of age", 17, "not_met"),
])
def test_years_of_age_is_an_age(text: str, age: int, expected: str) -> None:
    assert _status(text, "Inclusion", [], demographics={"age_years": age}) == expected


def test_a_persons_age_next_to_other_parts() -> None:
    # "Subjects … at least 18 years of age and …": the age of the person, as when it stands alone
    pred = _section_only("Subjects must be at least 18 years of age and in good general health", "Inclusion")
    assert any(isinstance(p, NumericCheck) and (p.concept, p.op, p.threshold) == ("age", ">=", 18) for p in leaves(pred))


@pytest.mark.parametrize(("systolic", "diastolic", "expected"), [
    # the term is what its definition says: SBP > 140 or DBP > 90 ("and/or": either) excludes
    (150, 80, "not_met"),   # 150 > 140
    (130, 95, "not_met"),   # 95 > 90
    (130, 80, "met"),
])
def test_a_term_defined_by_a_bound_is_the_bound(systolic: float, diastolic: float, expected: str) -> None:
    text = ("Inadequately controlled hypertension (defined as systolic blood pressure > 140 mmHg and/or "
            "diastolic blood pressure > 90 mm Hg)")
    obs = [{"concept": "systolic_bp", "value": systolic, "unit": "mmHg", "date": "2026-11-18"},
           {"concept": "diastolic_bp", "value": diastolic, "unit": "mmHg", "date": "2026-11-18"}]
    assert _status(text, "Exclusion", obs) == expected


def test_msecs_is_milliseconds() -> None:
    check = _section_only("QTcF interval greater than or equal to 470 msecs", "Exclusion")
    assert isinstance(check, NumericCheck) and (check.concept, check.op, check.threshold, check.unit) == ("qtc", ">=", 470, "ms")


def test_a_term_defined_after_a_comma_is_the_bound() -> None:
    # "Hypokalemia defined as a potassium level ≤ 3.0 mmol/L": potassium 2.9 excludes, 3.5 does not
    text = "Hypokalemia defined as a potassium level ≤ 3.0 mmol/L"
    k = [{"concept": "potassium", "value": 2.9, "unit": "mmol/L", "date": "2026-11-18"}]
    assert _status(text, "Exclusion", k) == "not_met"
    k[0]["value"] = 3.5
    assert _status(text, "Exclusion", k) == "met"


@pytest.mark.parametrize(("age", "scores", "expected"), [
    # Karnofsky for those over 16, Lansky for those 16 and under: each binds its age group
    (30, {"karnofsky": 60}, "met"),                    # 30 > 16: KPS 60 ≥ 50
    (30, {"karnofsky": 40}, "not_met"),                # KPS 40 < 50
    (10, {"lansky": 60}, "met"),                       # 10 ≤ 16: Lansky 60 ≥ 50
    (10, {"lansky": 40}, "not_met"),                   # Lansky 40 < 50
    (16, {"karnofsky": 40, "lansky": 60}, "met"),      # 16 is not > 16: only Lansky binds
])
def test_performance_scales_for_age_groups(age: int, scores: dict[str, int], expected: str) -> None:
    text = "Karnofsky ≥ 50% for patients > 16 years of age and Lansky ≥ 50 for patients ≤ 16 years of age"
    obs = [{"concept": c, "value": v, "date": "2026-11-18"} for c, v in scores.items()]
    assert _status(text, "Inclusion", obs, demographics={"age_years": age}) == expected


@pytest.mark.parametrize(("age", "scores", "expected"), [
    # "… or Lansky ≥ 70% for participants less than 16 years old": the children's scale
    # replaces Karnofsky for them
    (40, {"karnofsky": 80}, "met"),
    (40, {"lansky": 80, "karnofsky": 60}, "not_met"),  # an adult's Lansky does not count
    (10, {"lansky": 80}, "met"),
    (10, {"lansky": 60, "karnofsky": 80}, "not_met"),  # 60 < 70; a child's Karnofsky does not count
])
def test_a_scale_for_children_written_as_an_alternative(age: int, scores: dict[str, int], expected: str) -> None:
    text = ("Karnofsky performance status of at least 70% or Lansky performance status of at least 70% for "
            "participants less than 16 years old")
    obs = [{"concept": c, "value": v, "date": "2026-11-18"} for c, v in scores.items()]
    assert _status(text, "Inclusion", obs, demographics={"age_years": age}) == expected


def test_one_karnofsky_value_without_a_comparator_is_for_review() -> None:
    assert isinstance(_section_only("Karnofsky performance score 70", "Inclusion"), NeedsReview)
    only = _section_only("ECOG performance status 0", "Inclusion")   # the end of the scale: = 0 is ≤ 0
    assert not isinstance(only, NeedsReview)


@pytest.mark.parametrize(("age", "scores", "expected"), [
    # the age group in parentheses after each bound: Lansky for 16 and under, Karnofsky above
    (10, {"lansky": 70}, "met"),
    (10, {"lansky": 50, "karnofsky": 90}, "not_met"),   # 50 < 60 and a child's Karnofsky does not count
    (17, {"karnofsky": 60}, "met"),                     # 17 > 16
    (17, {"karnofsky": 50, "lansky": 90}, "not_met"),
])
def test_an_age_group_in_parentheses_after_a_bound(age: int, scores: dict[str, int], expected: str) -> None:
    text = "Lansky 60-100% (≤ 16 years of age) OR Karnofsky 60-100% (> 16 years of age)"
    obs = [{"concept": c, "value": v, "date": "2026-11-18"} for c, v in scores.items()]
    assert _status(text, "Inclusion", obs, demographics={"age_years": age}) == expected
    # a restated age is no group: "Age ≥ 18 (18 years old)" is the age bound alone
    check = _section_only("Age ≥ 18 (18 years old)", "Inclusion")
    assert isinstance(check, NumericCheck) and (check.concept, check.op, check.threshold) == ("age", ">=", 18)


@pytest.mark.parametrize(("text", "ast", "metastases", "expected"), [
    # "unless C, in which case B": B under C is an alternative (ULN of AST 40 U/L)
    ("AST ≤ 2.5 × ULN unless liver metastases are present, in which case it must be ≤ 5 × ULN", 4, True, "met"),
    ("AST ≤ 2.5 × ULN unless liver metastases are present, in which case it must be ≤ 5 × ULN", 4, False, "not_met"),
    ("AST ≤ 2.5 × ULN unless liver metastases are present, in which case it must be ≤ 5 × ULN", 6, True, "not_met"),
    ("AST ≤ 2 × ULN, unless there are liver metastases in which case AST ≤ 5 × ULN", 4, True, "met"),
    # a cause ("due to") is not a condition the records can show: for a person
    ("AST ≤ 2.5 × ULN unless due to liver metastases, in which case ≤ 5 × ULN", 4, True, "needs_review"),
    # a bound on another lab may replace the first for the group, or add to it: for a person
    ("AST ≤ 2.5 × ULN unless liver metastases are present, in which case ALT ≤ 5 × ULN", 4, True, "needs_review"),
])
def test_unless_a_condition_in_which_case_a_bound(text: str, ast: float, metastases: bool, expected: str) -> None:
    patient = {"conditions": [{"name": "liver metastases", "present": metastases}], "complete_records": ["conditions"]}
    assert _status(text, "Inclusion", [_x_uln("ast", ast), _x_uln("alt", 1)], **patient) == expected


@pytest.mark.parametrize(("text", "concept", "op", "threshold"), [
    ("Serum K < 3.5 mmol/L", "potassium", "<", 3.5),
    ("24-hour creatinine clearance < 50 mL/min", "creatinine_clearance", "<", 50),
])
def test_more_names_of_labs(text: str, concept: str, op: str, threshold: float) -> None:
    check = _section_only(text, "Exclusion")
    assert isinstance(check, NumericCheck) and (check.concept, check.op, check.threshold) == (concept, op, threshold)


def test_demonstrable_and_hepatic_mets() -> None:
    # "> 2.0 × ULN in the presence of demonstrable liver metastases" (ULN 1.0 mg/dL here):
    # bilirubin 1.8 mg/dL is above 1.5 × ULN but below 2.0 × ULN, so only liver metastases keep it in
    text = "Total bilirubin > 1.5 * ULN or > 2.0 * ULN in the presence of demonstrable liver metastases"
    bili = [{"concept": "total_bilirubin", "value": 1.8, "unit": "mg/dL", "date": "2026-11-18",
             "reference_range": {"high": 1.0}}]
    for record, expected in (("hepatic mets", "met"), ("liver metastases", "met")):
        assert _status(text, "Exclusion", bili, conditions=[{"name": record, "present": True}]) == expected
    assert _status(text, "Exclusion", bili, conditions=[{"name": "liver metastases", "present": False}]) == "not_met"


@pytest.mark.parametrize(("gilbert", "direct", "expected"), [
    # total bilirubin 2.0 mg/dL with ULN 1.0: 2.0 > 1.5 × ULN. Gilbert's syndrome raises the total
    # bilirubin of itself (vocabulary `raises`), so for those patients the direct bilirubin bound
    # replaces it (direct ULN 0.3 mg/dL: 0.3 ≤ 1.5 × 0.3 = 0.45; 0.6 > 0.45)
    (True, 0.3, "met"),
    (True, 0.6, "not_met"),
    (False, 0.3, "not_met"),      # without Gilbert's the total bilirubin bound holds
    (None, 0.3, "unknown"),       # Gilbert's status unknown: either may apply
])
def test_another_lab_under_a_condition_that_raises_the_first(gilbert: bool | None, direct: float, expected: str) -> None:
    obs = [{"concept": "total_bilirubin", "value": 2.0, "unit": "mg/dL", "date": "2026-11-18", "reference_range": {"high": 1.0}},
           {"concept": "direct_bilirubin", "value": direct, "unit": "mg/dL", "date": "2026-11-18",
            "reference_range": {"high": 0.3}}]
    conditions = [] if gilbert is None else [{"name": "Gilbert syndrome", "present": gilbert}]
    one_item = "Total bilirubin ≤ 1.5 × ULN; direct bilirubin ≤ 1.5 × ULN for patients with Gilbert's syndrome"
    assert _status(one_item, "Inclusion", obs, conditions=conditions) == expected
    two_items = ("Inclusion Criteria:\n- Total bilirubin ≤ 1.5 × ULN\n"
                 "- Patients with Gilbert's syndrome: direct bilirubin ≤ 1.5 × ULN\n")
    assert _statuses(two_items, obs, conditions=conditions)["inclusion.1"] == expected


def test_another_lab_under_a_condition_that_does_not_raise_the_first_is_a_second_requirement() -> None:
    pred = _section_only("AST ≤ 2.5 × ULN; ALP ≤ 5 × ULN for patients with liver metastases", "Inclusion")
    # both hold: AST for everyone, ALP for those with liver metastases
    assert canonical(pred) == "(ast ≤ 2.5 × ULN and (not has liver_metastases or alp ≤ 5 × ULN))"


def test_unless_a_condition_that_raises_the_lab_then_another_lab() -> None:
    # "… unless Gilbert syndrome, in which case direct bilirubin …": total bilirubin 2.0 mg/dL
    # (ULN 1.0) fails 1.5 × ULN, but with Gilbert's the direct bilirubin 0.3 (ULN 0.3) ≤ 1.5 × 0.3 decides
    text = "Total bilirubin < 1.5 X ULN, unless Gilbert syndrome, in which case direct bilirubin must be < 1.5 x ULN"
    obs = [{"concept": "total_bilirubin", "value": 2.0, "unit": "mg/dL", "date": "2026-11-18", "reference_range": {"high": 1.0}},
           {"concept": "direct_bilirubin", "value": 0.3, "unit": "mg/dL", "date": "2026-11-18",
            "reference_range": {"high": 0.3}}]
    assert _status(text, "Inclusion", obs, conditions=[{"name": "Gilbert syndrome", "present": True}]) == "met"
    assert _status(text, "Inclusion", obs, conditions=[{"name": "Gilbert syndrome", "present": False}]) == "not_met"


@pytest.mark.parametrize(("text", "record", "expected"), [
    # screening on 2026-11-20; "within 4 weeks of the first dose" counts back 28 days from as_of
    ("Major surgery within 4 weeks of the first dose of study drug", {"name": "major surgery", "date": "2026-11-01"},
     "not_met"),                                        # 19 days before: excluded
    ("Major surgery within 4 weeks of the first dose of study drug", {"name": "major surgery", "date": "2026-09-01"},
     "met"),                                            # 80 days before
    # "Received …" / "Has received …" lead the therapy or procedure they name
    ("Received a live vaccine within 30 days prior to the first dose", {"name": "live vaccine", "date": "2026-11-10"},
     "not_met"),                                        # 10 days before
    ("Has received a live vaccine within 30 days of planned start of study therapy",
     {"name": "live vaccine", "date": "2026-08-01"}, "met"),  # 111 days before
])
def test_within_n_of_an_event_and_received(text: str, record: dict[str, object], expected: str) -> None:
    patient = {"procedures": [record], "complete_records": ["procedures", "medications", "conditions"]}
    assert _status(text, "Exclusion", [], **patient) == expected


def test_within_n_of_something_that_is_not_the_start_of_the_trial_is_for_review() -> None:
    assert isinstance(_section_only("Myocardial infarction within 6 months of surgery", "Exclusion"), NeedsReview)


def test_a_list_with_a_window_in_half_lives_does_not_crash() -> None:
    # "within 5 half-lives of the drug" has no length in days until the drug is known; next to a
    # window in weeks, the item without a window is a review (different windows around it)
    text = "Chemotherapy within 4 weeks or investigational agents within 5 half-lives of the drug, or radiotherapy"
    pred = _section_only(text, "Exclusion")
    reasons = [p.reason for p in leaves(pred) if isinstance(p, NeedsReview)]
    assert any("half-lives depends on the drug" in r for r in reasons)
    assert any("different windows" in r for r in reasons)


@pytest.mark.parametrize(("text", "expected"), [
    # each adjective before the group noun names its own group: pregnant women, nursing women
    ("Pregnant and nursing women", "(has pregnancy or has lactation)"),
    ("Pregnant women and nursing mothers", "(has pregnancy or has lactation)"),
    ("Pregnant women and women who are breast-feeding", "(has pregnancy or has lactation)"),
])
def test_groups_of_persons_listed_with_and_are_each_excluded(text: str, expected: str) -> None:
    assert canonical(_section_only(text, "Exclusion")) == expected  # type: ignore[arg-type]
    # a pregnant woman who is not nursing is excluded (read as "both", she passed)
    conditions = [{"name": "pregnancy", "present": True}, {"name": "lactation", "present": False}]
    assert _status(text, "Exclusion", [], conditions=conditions) == "not_met"


def test_conditions_joined_by_and_without_a_group_stay_for_review() -> None:
    assert isinstance(_section_only("HIV and hepatitis B", "Exclusion"), NeedsReview)


def test_the_reason_after_are_excluded_is_read_past_and_quoted() -> None:
    text = ("Pregnant women are excluded from this study because irinotecan is an antineoplastic agent "
            "with the potential for teratogenic effects")
    pred = _section_only(text, "Exclusion")
    assert canonical(pred) == "has pregnancy"  # type: ignore[arg-type]
    assert pred.text == text  # type: ignore[attr-defined]
    # what is left is not understood: the review quotes the sentence as written, reason included
    text = "These patients will be excluded because the drug is known to increase the risk of pneumonitis"
    pred = _section_only(text, "Exclusion")
    assert isinstance(pred, NeedsReview) and pred.text == text


@pytest.mark.parametrize(("text", "expected"), [
    ("Type 1 diabetes", "has diabetes_type_1"),
    ("History of type II diabetes mellitus", "has diabetes_type_2"),
    ("Diagnosis of T2DM", "has diabetes_type_2"),
    # the unknown "type 1" before a known name shares that name's last words
    ("Type 1 or type 2 diabetes mellitus", "(has diabetes_type_1 or has diabetes_type_2)"),
    ("Small cell or non-small cell lung cancer", "(has small_cell_lung_cancer or has non_small_cell_lung_cancer)"),
])
def test_types_of_diabetes_and_names_sharing_their_last_words(text: str, expected: str) -> None:
    assert canonical(_section_only(text, "Exclusion")) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "code", "expected"), [
    ("Type 1 diabetes", "E11.9", "met"),          # type 2 (E11) is not type 1: not excluded
    ("Type 1 diabetes", "E10.9", "not_met"),      # type 1 (E10): excluded
    ("Diabetes mellitus", "E11.9", "not_met"),    # type 2 is diabetes: excluded
])
def test_a_type_of_diabetes_is_narrower_than_diabetes(text: str, code: str, expected: str) -> None:
    conditions = [{"code": code, "system": "ICD-10", "present": True}]
    assert _status(text, "Exclusion", [], conditions=conditions, complete_records=["conditions"]) == expected


@pytest.mark.parametrize("text", [
    # "Active" next to a name read whole is no part of the last name ("active angina")
    "Active or clinically significant cardiac disease including congestive heart failure, "
    "uncontrolled cardiac arrhythmias, or unstable angina",
    "Type I hypersensitivity",   # no concept: the type is no diabetes
    "HPV type 16",
])
def test_a_name_shares_no_words_it_should_not(text: str) -> None:
    pred = _section_only(text, "Exclusion")
    assert not any(isinstance(p, PresenceCheck) and p.concept in ("angina", "diabetes_type_1")
                   for p in leaves(pred))  # type: ignore[arg-type]
    assert any(isinstance(p, NeedsReview) for p in leaves(pred))  # type: ignore[arg-type]


# screening on 2026-11-20; paclitaxel ended 2026-11-06 (14 days before) or 2026-09-21 (60 days before)
@pytest.mark.parametrize(("text", "end", "expected"), [
    # the longer of 4 weeks and 5 half-lives: at least 28 days. 14 days ago is within it (excluded);
    # 60 days ago may still be within 5 half-lives of a drug with a long half-life (for a person)
    ("Chemotherapy within 4 weeks or 5 half-lives (whichever is longer) prior to the first dose", "2026-11-06", "not_met"),
    ("Chemotherapy within 4 weeks or 5 half-lives (whichever is longer) prior to the first dose", "2026-09-21", "needs_review"),
    # the shorter: at most 28 days. 60 days ago is outside it (not excluded); 14 days ago may be
    # outside 5 short half-lives (for a person)
    ("Chemotherapy within 28 days or 5 half-lives, whichever is shorter, prior to the first dose", "2026-09-21", "met"),
    ("Chemotherapy within 28 days or 5 half-lives, whichever is shorter, prior to the first dose", "2026-11-06", "needs_review"),
    # "≤ 4 weeks prior to": within 4 weeks
    ("Chemotherapy ≤ 4 weeks prior to registration", "2026-11-06", "not_met"),
    ("Chemotherapy =< 4 weeks prior to registration", "2026-09-21", "met"),
    # "Treatment with", "Use of": the therapy named after them
    ("Treatment with chemotherapy within 4 weeks prior to the first dose", "2026-11-06", "not_met"),
    ("Use of chemotherapy within 4 weeks prior to the first dose", "2026-09-21", "met"),
])
def test_windows_in_half_lives_and_before_an_event(text: str, end: str, expected: str) -> None:
    medications = [{"name": "paclitaxel", "start_date": "2026-08-01", "end_date": end}]
    assert _status(text, "Exclusion", [], medications=medications, complete_records=["medications"]) == expected


@pytest.mark.parametrize("text", [
    "Chemotherapy > 4 weeks prior to registration",        # more than 4 weeks before is no window
    "Chemotherapy within 30 days or 5 half-lives of the first dose",   # which of the two is not written
])
def test_a_window_that_is_not_written_whole_is_for_review(text: str) -> None:
    assert isinstance(_section_only(text, "Exclusion"), NeedsReview)


def test_an_unknown_name_takes_its_last_words_from_the_next_name() -> None:
    # "PD-1 or PD-L1 inhibitors, …": "PD-1" is "PD-1 inhibitors", although more names follow
    text = "Prior exposure to PD-1 or PD-L1 inhibitors, other immune checkpoint inhibitors, or PARP inhibitors"
    concepts = [p.concept for p in leaves(_section_only(text, "Exclusion")) if isinstance(p, PresenceCheck)]  # type: ignore[arg-type]
    assert concepts[0] == "pd1_inhibitor" and "parp_inhibitor" in concepts


@pytest.mark.parametrize("text", [
    "Known HIV positive",
    "Known human immunodeficiency virus (HIV)-positive status",   # the hyphen joins the result to the name
    "HIV seropositive",
    "Patients with HIV-positive status",
    "Known history of HIV positive status",
])
def test_a_condition_named_with_its_positive_result(text: str) -> None:
    pred = _section_only(text, "Exclusion")
    assert isinstance(pred, PresenceCheck) and pred.concept == "hiv", text
    # "history of" lets a past record count, as for any condition
    assert pred.history == ("history" in text)


def test_a_result_word_keeps_its_meaning_on_a_lab() -> None:
    # "positive status" on a lab with categories is "positive"; "seronegative" on a condition is its absence
    assert canonical(_section_only("Hepatitis B surface antigen (HBsAg)-positive", "Exclusion")) == "hbsag in (positive)"  # type: ignore[arg-type]
    assert canonical(_section_only("HIV seronegative", "Inclusion")) == "not has hiv"  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "concept", "method"), [
    ("Calculated creatinine clearance ≥ 51 mL/min based on Cockcroft-Gault formula", "creatinine_clearance",
     "cockcroft_gault"),
    ("Estimated CrCl (Cockcroft Gault) ≥ 45ml/min", "creatinine_clearance", None),  # the alias is the method
    ("eGFR ≥ 50 mL/min/1.73m2 using Chronic Kidney Disease Epidemiology Collaboration (CKD-EPI) equation.",
     "egfr", "ckd_epi"),
    ("Glomerular filtration rate (GFR) ≥ 30 mL/min/1.73 m2 according to the MDRD formula", "egfr", "mdrd"),
])
def test_the_method_of_a_renal_function_bound(text: str, concept: str, method: str | None) -> None:
    pred = _section_only(text, "Inclusion")
    assert isinstance(pred, NumericCheck) and (pred.concept, pred.method) == (concept, method)


@pytest.mark.parametrize("text", [
    # CKD-EPI estimates a GFR per 1.73 m², not a clearance in mL/min
    "Estimated creatinine clearance of ≥ 40 mL/min using the CKD-EPI 2009 formula",
])
def test_a_method_that_does_not_give_the_value_is_for_review(text: str) -> None:
    assert isinstance(_section_only(text, "Inclusion"), NeedsReview)


def test_a_measured_clearance_is_decided_only_by_a_result_recorded_as_measured() -> None:
    from screening.evaluate import screen

    # a 24-hour urine collection measures the clearance; an estimate (Cockcroft-Gault, which the
    # engine computes from creatinine, age, weight and sex) is another value
    trial = compile_trial(trial_from_text("Inclusion Criteria:\n- Creatinine clearance of ≥ 30 mL/min per 24 hour "
                                          "urine test\n", nct_id="NCT00000005"))
    pred = {c.id: c.predicate for c in trial.criteria}["inclusion.1"]
    assert isinstance(pred, NumericCheck) and pred.method == "urine_collection_24h"
    base = {"patient_id": "x", "as_of": "2026-11-20", "demographics": {"sex": "female", "birth_date": "1970-01-01"},
            "observations": [{"concept": "creatinine", "value": 0.8, "unit": "mg/dL", "date": "2026-11-17"},
                             {"concept": "body_weight", "value": 70, "unit": "kg", "date": "2026-11-17"}]}

    def status(*extra: dict[str, object]) -> str:
        patient = {**base, "observations": [*base["observations"], *extra]}
        return next(c.status for c in screen(trial, patient).criteria if c.id == "inclusion.1")

    crcl = {"concept": "creatinine_clearance", "value": 80, "unit": "mL/min", "date": "2026-11-17"}
    # computed: (140 − 56) × 70 / (72 × 0.8) × 0.85 = 86.8 mL/min ≥ 30, but not measured: unknown
    assert status() == "unknown"
    assert status(crcl) == "unknown"  # 80 mL/min by a method not recorded
    assert status({**crcl, "method": "24-hour urine collection"}) == "met"  # 80 ≥ 30, measured
    assert status({**crcl, "value": 20, "method": "24 hour urine"}) == "not_met"  # 20 < 30


def _bilirubin(times_uln: float) -> list[dict[str, object]]:
    """Total bilirubin at ``times_uln`` × a ULN of 1.0 mg/dL, drawn two days before screening."""
    return [{"concept": "total_bilirubin", "value": times_uln, "unit": "mg/dL", "date": "2026-11-18",
             "reference_range": {"high": 1.0}}]


@pytest.mark.parametrize(("text", "section", "gilbert", "expected"), [
    # bilirubin 2 × ULN fails 1.5 × ULN; the exception lifts the bound for Gilbert's syndrome
    ("Total bilirubin ≤1.5 x ULN, except patients with known Gilbert's syndrome.", "Inclusion", True, "met"),
    ("Total bilirubin ≤1.5 x ULN, except patients with known Gilbert's syndrome.", "Inclusion", False, "not_met"),
    ("Total bilirubin > 1.5 x ULN unless Gilbert's syndrome", "Exclusion", True, "met"),
    ("Total bilirubin > 1.5 x ULN unless Gilbert's syndrome", "Exclusion", False, "not_met"),
    # the condition named as a history or a diagnosis (dev corpus)
    ("Total bilirubin ≤ 1.5 x ULN (unless the patient has a history of Gilbert's syndrome)", "Inclusion", True, "met"),
    ("Total bilirubin ≤ 1.5 x ULN (unless the patient has a history of Gilbert's syndrome)", "Inclusion", False,
     "not_met"),
    ("Total bilirubin > 1.5 x ULN unless the subject has a diagnosis of Gilbert's disease", "Exclusion", True, "met"),
])
def test_an_exception_naming_a_condition_that_raises_the_lab(text: str, section: str, gilbert: bool,
                                                             expected: str) -> None:
    conditions = [{"name": "Gilbert syndrome", "present": gilbert}]
    assert _status(text, section, _bilirubin(2.0), conditions=conditions) == expected


def test_values_of_a_scale_with_the_other_scale_after_them() -> None:
    from screening.nodes import AnyOf
    # among exclusions either scale excludes, as after "ECOG ≥ 3 (Karnofsky < 50%)"
    pred = _section_only("ECOG performance status 3 or 4 (Karnofsky < 50%)", "Exclusion")
    assert isinstance(pred, AnyOf) and [type(c).__name__ for c in pred.children] == ["CategoryCheck", "NumericCheck"]
    # a bound on another measure: a second requirement or an alternative, for a person
    assert isinstance(_section_only("ECOG 0 or 1 (hemoglobin > 9 g/dL)", "Inclusion"), NeedsReview)


@pytest.mark.parametrize(("medications", "complete", "expected"), [
    # a chemotherapy record that does not say what it treated cannot show "for metastatic disease"
    ([{"name": "capecitabine", "start_date": "2025-01-01", "end_date": "2025-06-01"}], True, "unknown"),
    # no chemotherapy at all on a complete list: none for metastatic disease either
    ([], True, "met"),
    ([], False, "unknown"),
])
def test_what_a_therapy_was_given_for_narrows_it(medications: list[dict[str, object]], complete: bool,
                                                 expected: str) -> None:
    patient: dict[str, object] = {"medications": medications}
    if complete:
        patient["complete_records"] = ["medications", "procedures"]
    assert _status("No prior chemotherapy for metastatic disease", "Inclusion", [], **patient) == expected


@pytest.mark.parametrize("text", [
    # "for" may bind both therapies, or name a time, a group, or another item of the list
    "No prior chemotherapy or radiotherapy for breast cancer",
    "Treatment with systemic corticosteroids for at least 4 weeks",
    "No concurrent antiretroviral therapy for HIV-positive patients",
    "A history of previous chemotherapy for pancreatic cancer or abdominal radiation therapy.",
    "History of stroke for breast cancer",
])
def test_for_after_a_name_that_may_do_more_than_narrow_it_is_for_review(text: str) -> None:
    assert any(isinstance(p, NeedsReview) for p in leaves(_section_only(text, "Exclusion")))  # type: ignore[arg-type]


def test_a_named_leukemia_counts_as_a_malignancy() -> None:
    # AML is a malignancy (vocabulary `broader`): a complete condition list naming it must never
    # read as "no malignancy"
    conditions = [{"name": "acute myeloid leukemia", "present": True}]
    assert _status("History of malignancy", "Exclusion", [], conditions=conditions,
                   complete_records=["conditions"]) == "not_met"


def _systolic(mmhg: float) -> list[dict[str, object]]:
    """A systolic blood pressure taken two days before screening."""
    return [{"concept": "systolic_bp", "value": mmhg, "unit": "mmHg", "date": "2026-11-18"}]


@pytest.mark.parametrize(("text", "section", "sbp", "expected"), [
    # the bound in parentheses defines the condition (vocabulary `defined_by`): 170 > 160 mmHg
    # excludes, 150 does not; the patient has no hypertension record at all
    ("Uncontrolled hypertension (systolic blood pressure > 160 mmHg)", "Exclusion", 170, "not_met"),
    ("Uncontrolled hypertension (systolic blood pressure > 160 mmHg)", "Exclusion", 150, "met"),
    ("No uncontrolled hypertension (systolic blood pressure > 160 mmHg)", "Inclusion", 170, "not_met"),
    ("No uncontrolled hypertension (systolic blood pressure > 160 mmHg)", "Inclusion", 150, "met"),
])
def test_bounds_in_parentheses_that_define_a_condition(text: str, section: str, sbp: float, expected: str) -> None:
    assert _status(text, section, _systolic(sbp)) == expected


@pytest.mark.parametrize("text", [
    "Heart failure (LVEF < 40%)",               # the vocabulary does not define heart failure by LVEF
    "Hypertension (hemoglobin > 10 g/dL)",      # nor hypertension by hemoglobin
    # the bound is not read (per cubic millilitre is a thousand times off): never the condition alone
    "Neutropenia (neutrophil count <1,500 per cubic milliliter)",
    # a history of it: today's class or value does not show a past one
    "History of congestive heart failure (NYHA class III or IV)",
])
def test_bounds_in_parentheses_that_may_narrow_a_condition_are_for_review(text: str) -> None:
    assert isinstance(_section_only(text, "Exclusion"), NeedsReview)


@pytest.mark.parametrize("text", [
    "Bilirubin ≤1.5 x ULN (unless bilirubin rise is due to Gilbert's syndrome)",   # a cause: for a person
    "AST ≤ 2.5 x ULN unless liver metastases are present",   # the vocabulary ties no lab to them
    "Creatinine ≤ 1.5 mg/dL, except patients with known Gilbert's syndrome",   # not a lab Gilbert's raises
])
def test_an_exception_that_is_more_than_a_raising_condition_stays_for_review(text: str) -> None:
    assert any(isinstance(p, NeedsReview) for p in leaves(_section_only(text, "Inclusion")))  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "expected"), [
    ("History of myocardial infarction, stroke, or heart failure",
     "(has myocardial_infarction or has stroke or has heart_failure)"),
    # the window written after the last name is on every name, as without the lead
    ("History of myocardial infarction, stroke or heart failure within 6 months",
     "(has myocardial_infarction within 6 months or has stroke within 6 months or has heart_failure within 6 months)"),
    ("Known diagnosis of HIV, hepatitis B, or hepatitis C", "(has hiv or has hepatitis_b_active or has hepatitis_c)"),
    # words that name only the person before the list
    ("Patients with myocardial infarction, stroke, or heart failure",
     "(has myocardial_infarction or has stroke or has heart_failure)"),
    ("Has myocardial infarction, stroke, or heart failure", "(has myocardial_infarction or has stroke or has heart_failure)"),
    ("Subjects with a history of myocardial infarction, stroke, or heart failure",
     "(has myocardial_infarction or has stroke or has heart_failure)"),
])
def test_a_lead_before_a_comma_list_is_on_every_name(text: str, expected: str) -> None:
    pred = _section_only(text, "Exclusion")
    assert canonical(pred) == expected  # type: ignore[arg-type]
    # "History of" lets a past record of any of them count
    assert all(p.history for p in leaves(pred) if isinstance(p, PresenceCheck)) == ("history" in text.lower())  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [
    # an item that starts with "with", "which", "requiring" qualifies the item before it: read as
    # an item of its own, every patient with any cardiac disease was excluded
    "History of cardiac disease, with New York Heart Association Class II or greater",
    "Cardiac disease, which requires treatment, or stroke",
    "Autoimmune disease, requiring systemic treatment, or stroke",
])
def test_a_list_item_that_qualifies_the_one_before_is_for_review(text: str) -> None:
    assert isinstance(_section_only(text, "Exclusion"), NeedsReview)
    # a patient with cardiac or autoimmune disease alone is not excluded by a guess
    conditions = [{"name": "cardiovascular disease", "present": True}, {"name": "autoimmune disease", "present": True}]
    assert _status(text, "Exclusion", [], conditions=conditions) == "needs_review"


@pytest.mark.parametrize(("text", "expected"), [
    ("Patients must have the ability to ingest and retain oral (PO) medications", "has swallow_oral_medication"),
    ("Has the ability to swallow and retain oral medication", "has swallow_oral_medication"),
    ("The subject has been diagnosed with type 1 diabetes mellitus", "has diabetes_type_1"),
])
def test_have_before_an_ability_and_been_diagnosed_with(text: str, expected: str) -> None:
    assert canonical(_section_only(text, "Inclusion")) == expected  # type: ignore[arg-type]


def test_a_plain_lead_before_a_comma_and_a_severity_defined_by_its_checks() -> None:
    # 100 g/L hemoglobin is the canonical unit; 1.5 × 10^9/L and 100 × 10^9/L likewise
    assert canonical(_section_only("Adequate haematological function, Hb ≥ 100 g/L, ANC ≥ 1.5 x 109/L, "  # type: ignore[arg-type]
                                   "platelets ≥ 100 x 109/L", "Inclusion")) == \
        "(hemoglobin ≥ 100 g/L and anc ≥ 1.5 10^9/L and platelets ≥ 100 10^9/L)"
    assert canonical(_section_only("Severe renal impairment (estimated creatinine clearance <= 30 ml/min)",  # type: ignore[arg-type]
                                   "Exclusion")) == "creatinine_clearance ≤ 30 mL/min"
    # among exclusions "Adequate … function," states a requirement: for a person
    assert isinstance(_section_only("Adequate renal function, creatinine ≤ 1.5 mg/dL", "Exclusion"), NeedsReview)


def test_a_multiple_of_normal_under_a_lower_bound_is_for_review() -> None:
    # "≥ 0.8 × normal" could be of either limit: not read
    assert isinstance(_section_only("Hemoglobin ≥ 0.8 x normal", "Inclusion"), NeedsReview)


@pytest.mark.parametrize(("text", "expected"), [
    ("Patients who have an ECOG PS of 0, 1 or 2", "ecog in (0, 1, 2)"),
    ("Patients who have a life expectancy of at least 12 weeks", "life_expectancy ≥ 12 week"),
    # "who have had", "who have a history of" keep their own reading
    ("Patients who have a history of stroke", "has stroke"),
])
def test_patients_who_have_names_the_person(text: str, expected: str) -> None:
    assert canonical(_section_only(text, "Inclusion")) == expected  # type: ignore[arg-type]


def test_a_topic_label_over_items_at_its_own_level_is_no_criterion() -> None:
    # PDQ text whose indentation was lost: the label says nothing; "Or:" and "One of the
    # following:" say how the items combine, and stay for a person
    trial = compile_trial(trial_from_text("Inclusion Criteria:\n  DISEASE CHARACTERISTICS:\n  Histologically proven "
                                          "breast cancer\n  PRIOR CONCURRENT THERAPY:\n  Hepatic:\n  Bilirubin ≤ 1.5 x ULN\n"
                                          "  Or:\n  Hepatitis B\n  One of the following:\n", nct_id="NCT00000000"))
    read = {c.text: c.predicate for c in trial.criteria}
    assert read["DISEASE CHARACTERISTICS:"] is None and read["PRIOR CONCURRENT THERAPY:"] is None
    assert read["Hepatic:"] is None
    assert isinstance(read["Or:"], NeedsReview) and isinstance(read["One of the following:"], NeedsReview)


def test_a_pdq_therapy_topic_over_its_items_is_no_criterion() -> None:
    # "Chemotherapy:" and "Radiotherapy" under PRIOR CONCURRENT THERAPY name the topic of the items
    # nested under them, which state their requirements in full; "Prior chemotherapy:" is no topic
    # (its items may be the drugs it means) and stays for a person
    trial = compile_trial(trial_from_text(
        "Inclusion Criteria:\n- PRIOR CONCURRENT THERAPY:\n- Chemotherapy:\n  - At least 4 weeks since prior "
        "chemotherapy\n- Radiotherapy\n  - No prior radiotherapy\n- Prior chemotherapy:\n  - Docetaxel\n",
        nct_id="NCT00000000"))
    read = {c.text: c for c in trial.criteria}
    assert read["Chemotherapy:"].predicate is None and read["Chemotherapy:"].children_decide
    assert read["Radiotherapy"].predicate is None and read["Radiotherapy"].children_decide
    assert canonical(read["At least 4 weeks since prior chemotherapy"].predicate) == \
        "not has chemotherapy less than 4 weeks ago"  # type: ignore[arg-type]
    assert isinstance(read["Prior chemotherapy:"].predicate, NeedsReview)


@pytest.mark.parametrize(("text", "expected"), [
    ("Able to understand and willing to sign a written informed consent document.", "has informed_consent"),
    ("Subjects must be able to understand and comply with study requirements", "has protocol_compliance"),
    ("Able to understand and give written informed consent and comply with study procedures.",
     "(has informed_consent and has protocol_compliance)"),
])
def test_understanding_before_an_attestation_is_part_of_it(text: str, expected: str) -> None:
    assert canonical(_section_only(text, "Inclusion")) == expected  # type: ignore[arg-type]


def test_understanding_before_anything_else_is_for_review() -> None:
    assert any(isinstance(p, NeedsReview) for p in leaves(_section_only("Able to understand and speak English", "Inclusion")))  # type: ignore[arg-type]


def test_and_or_before_one_bound_above_it_is_either() -> None:
    """"AST and/or ALT > 3 × ULN": either or both above, which is what "and/or" says and what is
    meant; below a bound (above) or at a floor the two readings differ, and a person decides."""
    from screening.nodes import AnyOf

    either = _only("Aspartate aminotransferase (AST) and/or alanine aminotransferase (ALT) > 3 X ULN")
    assert isinstance(either, AnyOf)
    assert [(c.concept, c.op, c.threshold, c.limit) for c in either.children] == [
        ("ast", ">", 3.0, "uln"), ("alt", ">", 3.0, "uln")]
    assert isinstance(_only("AST and/or ALT ≥ 0.5 x LLN"), NeedsReview)
    assert isinstance(_only("AST and/or ALT between 1 and 3 x ULN"), NeedsReview)
