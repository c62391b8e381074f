"""Hand-computed gold cases for the seed trial (NCT03944499), one patient at a time.

Every expected value below is worked out by hand from the trial text and the patient data; the
arithmetic is in the comments. The base patient is examples/patient.json (a 56-year-old woman,
as_of 2026-11-20, labs drawn 2026-11-17); each test changes one thing.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening import load_trial, screen
from screening.errors import InputError
from screening.evaluate import cockcroft_gault
from screening.report import TrialResult

ROOT = Path(__file__).resolve().parents[1]
TRIAL = load_trial(ROOT / "rules" / "NCT03944499.toml")
BASE: dict[str, Any] = json.loads((ROOT / "examples" / "patient.json").read_text())


def patient(**changes: Any) -> dict[str, Any]:
    p = copy.deepcopy(BASE)
    p.update(changes)
    return p


def with_lab(concept: str, **fields: Any) -> dict[str, Any]:
    p = copy.deepcopy(BASE)
    for obs in p["observations"]:
        if obs.get("concept") == concept:
            obs.update(fields)
            break
    else:
        p["observations"].append({"concept": concept, "date": "2026-11-17", **fields})
    return p


def criterion(result: TrialResult, cid: str):  # type: ignore[no-untyped-def]
    return next(c for c in result.criteria if c.id == cid)


def check(result: TrialResult, cid: str, concept: str):  # type: ignore[no-untyped-def]
    return next(ch for ch in criterion(result, cid).checks if ch.concept == concept)


# ------------------------------------------------------------------ the base patient


def test_base_patient_organ_function_met() -> None:
    r = screen(TRIAL, BASE, cohort="phase_ib")
    c5 = criterion(r, "inclusion.5")
    # Hb 11.2 g/dL × 10 = 112 g/L ≥ 90; platelets 210000/µL = 210 × 10^9/L ≥ 100;
    # bilirubin 12/21 = 0.57 × ULN ≤ 1.5; AST 68/40 = 1.70 ≤ 2.5; ALT 55/40 = 1.375 ≤ 2.5;
    # creatinine 0.8/1.1 = 0.727 × ULN < 1.5; CrCl (140−56)·62/(72·0.8)·0.85 = 5208/57.6·0.85 = 76.85 ≥ 50;
    # K 4.1 mEq/L = 4.1 mmol/L ≥ 3.5; albumin 38 g/L ≥ 30 g/L (3 g/dL); LVEF 60 % > 50;
    # dipstick negative ≤ 1+.
    assert c5.status == "met"
    assert check(r, "inclusion.5", "hemoglobin").value == pytest.approx(112.0)
    assert check(r, "inclusion.5", "platelets").value == pytest.approx(210.0)
    assert check(r, "inclusion.5", "ast").value == pytest.approx(1.7)
    assert check(r, "inclusion.5", "creatinine_clearance").value == pytest.approx(76.85, abs=0.01)


def test_cockcroft_gault_by_hand() -> None:
    # (140 − 60) × 70 / (72 × 1.0) = 5600 / 72 = 77.78 mL/min (male); × 0.85 = 66.11 (female)
    assert cockcroft_gault(60, 70, 1.0, "male") == pytest.approx(77.777, abs=1e-3)
    assert cockcroft_gault(60, 70, 1.0, "female") == pytest.approx(66.111, abs=1e-3)


def test_base_patient_her2_by_cohort() -> None:
    # IHC 2+ with ISH positive: HER2-positive (IHC3+ or IHC2+/FISH+) -> phase Ib item 1 met.
    r = screen(TRIAL, BASE, cohort="phase_ib")
    assert criterion(r, "inclusion.phase_ib.1").status == "met"
    # phase Ia sub-items are alternatives: item 1 (IHC3+, IHC2+/FISH+) met, item 2 not met.
    ra = screen(TRIAL, BASE, cohort="phase_ia")
    assert criterion(ra, "inclusion.phase_ia.1").status == "met"
    assert criterion(ra, "inclusion.phase_ia.2").status == "not_met"
    assert "inclusion.phase_ia" not in ra.failed
    # other cohorts' criteria are not applicable
    assert criterion(r, "inclusion.phase_ia.1").status == "not_applicable"


def test_base_patient_is_not_declared_eligible() -> None:
    # Investigator-judgement criteria (e.g. exclusion 15) can only be read by a person.
    r = screen(TRIAL, BASE, cohort="phase_ib")
    assert r.verdict == "needs_review"
    assert "exclusion.15" in r.needs_review
    assert r.failed == []


# ------------------------------------------------------------------ thresholds


@pytest.mark.parametrize("value, unit, status", [
    (0.9, "10^9/L", "not_met"),   # 0.9 < 1.0
    (1.0, "10^9/L", "met"),       # boundary: ≥ 1.0 holds at 1.0
    (900, "/mm3", "not_met"),     # 900/mm³ = 0.9 × 10^9/L
    (1000, "/uL", "met"),         # 1000/µL = 1.0 × 10^9/L
    (1.2, "K/uL", "met"),         # 1.2 × 10^3/µL = 1.2 × 10^9/L
])
def test_anc_threshold_in_any_unit(value: float, unit: str, status: str) -> None:
    r = screen(TRIAL, with_lab("anc", value=value, unit=unit), cohort="phase_ib")
    assert check(r, "inclusion.5", "anc").status == status
    if status == "not_met":
        assert r.verdict == "ineligible" and "inclusion.5" in r.failed


def test_lab_comparator_decides_only_when_whole_interval_is_on_one_side() -> None:
    # "<0.5": every possible value is below 1.0 -> not met
    r = screen(TRIAL, with_lab("anc", value=0.5, comparator="<", unit="10^9/L"), cohort="phase_ib")
    assert check(r, "inclusion.5", "anc").status == "not_met"
    # ">2.0": every possible value is at least 1.0 -> met
    r = screen(TRIAL, with_lab("anc", value=2.0, comparator=">", unit="10^9/L"), cohort="phase_ib")
    assert check(r, "inclusion.5", "anc").status == "met"
    # "<1.5": could be 1.2 (met) or 0.8 (not met) -> unknown
    r = screen(TRIAL, with_lab("anc", value=1.5, comparator="<", unit="10^9/L"), cohort="phase_ib")
    assert check(r, "inclusion.5", "anc").status == "unknown"


def test_ast_alternative_with_liver_metastases() -> None:
    # AST 160 U/L with ULN 40 = 4.0 × ULN: above 2.5 but within 5 × ULN.
    p = with_lab("ast", value=160)
    r = screen(TRIAL, p, cohort="phase_ib")  # base patient has liver metastases
    assert criterion(r, "inclusion.5").status == "met"
    p["tumour"]["metastatic_sites"] = ["lymph node"]
    r = screen(TRIAL, p, cohort="phase_ib")
    # no liver metastases recorded and the condition list is complete -> 4.0 > 2.5 fails
    assert criterion(r, "inclusion.5").status == "not_met"


def test_bilirubin_gilbert_alternative() -> None:
    # bilirubin 42 µmol/L with ULN 21 = 2.0 × ULN: fails 1.5 × ULN, passes 3 × ULN with Gilbert.
    p = with_lab("total_bilirubin", value=42)
    assert criterion(screen(TRIAL, p, cohort="phase_ib"), "inclusion.5").status == "not_met"
    p["conditions"].append({"name": "Gilbert syndrome", "present": True})
    assert criterion(screen(TRIAL, p, cohort="phase_ib"), "inclusion.5").status == "met"


def test_creatinine_uln_multiple() -> None:
    # 1.7 mg/dL / 1.1 = 1.545 × ULN, not < 1.5
    r = screen(TRIAL, with_lab("creatinine", value=1.7), cohort="phase_ib")
    assert check(r, "inclusion.5", "creatinine").status == "not_met"
    # 1.6 mg/dL / 1.1 = 1.4545 × ULN < 1.5, but CrCl (140−56)·62/(72·1.6)·0.85 = 38.4 < 50
    r = screen(TRIAL, with_lab("creatinine", value=1.6), cohort="phase_ib")
    assert check(r, "inclusion.5", "creatinine").status == "met"
    assert check(r, "inclusion.5", "creatinine_clearance").status == "not_met"
    assert check(r, "inclusion.5", "creatinine_clearance").value == pytest.approx(38.43, abs=0.01)


def test_hemoglobin_in_mmol_per_litre() -> None:
    # 5.0 mmol/L / 0.6206 = 8.057 g/dL = 80.6 g/L < 90 -> not met
    r = screen(TRIAL, with_lab("hemoglobin", value=5.0, unit="mmol/L"), cohort="phase_ib")
    assert check(r, "inclusion.5", "hemoglobin").status == "not_met"
    assert check(r, "inclusion.5", "hemoglobin").value == pytest.approx(80.57, abs=0.05)


# ------------------------------------------------------------------ unknown, never failure


def test_missing_lab_is_unknown_and_named() -> None:
    p = copy.deepcopy(BASE)
    p["observations"] = [o for o in p["observations"] if o.get("concept") != "anc"]
    r = screen(TRIAL, p, cohort="phase_ib")
    anc = check(r, "inclusion.5", "anc")
    assert anc.status == "unknown" and anc.missing and "neutrophil" in anc.missing.lower()
    assert criterion(r, "inclusion.5").status == "unknown"
    assert r.verdict == "needs_review"


def test_stale_lab_is_unknown() -> None:
    # 2026-10-01 is 50 days before 2026-11-20, older than the trial's 28 days
    r = screen(TRIAL, with_lab("anc", date="2026-10-01"), cohort="phase_ib")
    anc = check(r, "inclusion.5", "anc")
    assert anc.status == "unknown" and "stale" in anc.explanation


def test_gcsf_before_the_anc_voids_it() -> None:
    # filgrastim on 2026-11-14, ANC drawn 2026-11-17: 3 days, within 7
    p = copy.deepcopy(BASE)
    p["medications"].append({"name": "filgrastim", "start_date": "2026-11-14", "end_date": "2026-11-14"})
    r = screen(TRIAL, p, cohort="phase_ib")
    anc = check(r, "inclusion.5", "anc")
    assert anc.status == "unknown"
    assert "does not count" in anc.explanation


def test_her2_2plus_without_ish_is_unknown_for_positive() -> None:
    p = patient(her2=[{"ihc": "2+", "date": "2026-10-02"}])
    r = screen(TRIAL, p, cohort="phase_ib")
    assert criterion(r, "inclusion.phase_ib.1").status == "unknown"
    p = patient(her2=[{"ihc": "1+", "date": "2026-10-02"}])
    r = screen(TRIAL, p, cohort="phase_ib")
    assert criterion(r, "inclusion.phase_ib.1").status == "not_met"


def test_ecog_and_karnofsky() -> None:
    r = screen(TRIAL, patient(performance_status=[{"scale": "ecog", "value": 2}]), cohort="phase_ib")
    assert criterion(r, "inclusion.3").status == "not_met"
    # Karnofsky 80 is ECOG 1 under both mappings in use (70–80 -> 1; 80–90 -> 1): met
    r = screen(TRIAL, patient(performance_status=[{"scale": "karnofsky", "value": 80}]), cohort="phase_ib")
    assert criterion(r, "inclusion.3").status == "met"
    # Karnofsky 70 is ECOG 1 (mapping A) or 2 (mapping B): cannot tell
    r = screen(TRIAL, patient(performance_status=[{"scale": "karnofsky", "value": 70}]), cohort="phase_ib")
    assert criterion(r, "inclusion.3").status == "unknown"
    # Karnofsky 50 is ECOG 2 or 3: fails "0 or 1" either way
    r = screen(TRIAL, patient(performance_status=[{"scale": "karnofsky", "value": 50}]), cohort="phase_ib")
    assert criterion(r, "inclusion.3").status == "not_met"


def test_cns_metastases_exclude() -> None:
    p = copy.deepcopy(BASE)
    p["conditions"] = [c for c in p["conditions"] if c["name"] != "CNS metastases"]
    p["conditions"].append({"name": "brain metastases", "present": True, "onset_date": "2026-09-01"})
    r = screen(TRIAL, p, cohort="phase_ib")
    assert criterion(r, "exclusion.4").status == "not_met"
    assert r.verdict == "ineligible" and "exclusion.4" in r.failed


def test_pregnancy_excludes_and_unknown_pregnancy_is_unknown() -> None:
    r = screen(TRIAL, patient(reproductive={"pregnant": True}), cohort="phase_ib")
    assert criterion(r, "exclusion.10").status == "not_met"
    r = screen(TRIAL, patient(reproductive={}), cohort="phase_ib")
    assert criterion(r, "exclusion.10").status == "unknown"


def test_registry_minimum_age() -> None:
    # born 2010-01-01, as of 2026-11-20: 16 years old < 18
    p = patient(demographics={"birth_date": "2010-01-01", "sex": "female", "weight": {"value": 50, "unit": "kg"}})
    r = screen(TRIAL, p, cohort="phase_ib")
    assert criterion(r, "registry.age").status == "not_met"


def test_wrong_unit_dimension_names_the_value() -> None:
    with pytest.raises(InputError) as err:
        screen(TRIAL, with_lab("anc", value=1.5, unit="mg/dL"), cohort="phase_ib")
    msg = str(err.value)
    assert "1.5 mg/dL" in msg and "anc" in msg


def test_every_criterion_gets_a_result() -> None:
    r = screen(TRIAL, {"patient_id": "empty", "as_of": "2026-11-20"}, cohort="pivotal")
    ids = [c.id for c in r.criteria]
    assert ids == [c.id for c in TRIAL.criteria]
    assert all(c.status in {"met", "not_met", "unknown", "needs_review", "not_applicable"} for c in r.criteria)
    assert r.verdict == "needs_review" and r.failed == []


# ------------------------------------------------------------------ properties


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0.01, max_value=50), st.floats(min_value=0, max_value=20))
def test_raising_anc_never_turns_met_into_not_met(anc: float, delta: float) -> None:
    low = check(screen(TRIAL, with_lab("anc", value=anc), cohort="phase_ib"), "inclusion.5", "anc")
    high = check(screen(TRIAL, with_lab("anc", value=anc + delta), cohort="phase_ib"), "inclusion.5", "anc")
    order = {"not_met": 0, "unknown": 1, "met": 2}
    assert order[high.status] >= order[low.status]


def test_stale_measurements_and_lasting_biomarkers() -> None:
    # LVEF dated 2026-08-01: 111 days before 2026-11-20, older than 28 -> unknown
    r = screen(TRIAL, with_lab("lvef", date="2026-08-01"), cohort="phase_ib")
    assert check(r, "inclusion.5", "lvef").status == "unknown"
    # a HER2 result from 2024 still states the tumour's HER2 status (marked lasting in the vocabulary)
    r = screen(TRIAL, patient(her2=[{"ihc": "3+", "date": "2024-03-01"}]), cohort="phase_ib")
    assert criterion(r, "inclusion.phase_ib.1").status == "met"
    # a dipstick result is a lab result: 2026-09-01 is 80 days before as_of -> unknown
    p = with_lab("urine_protein_dipstick", date="2026-09-01")
    r = screen(TRIAL, p, cohort="phase_ib")
    assert check(r, "inclusion.5", "urine_protein_dipstick").status == "unknown"


def test_her2_zero_fails_both_phase_ia_subgroups() -> None:
    # IHC 0 is neither IHC3+/IHC2+FISH+ (sub-item 1) nor IHC1+/IHC2+FISH- (sub-item 2); the
    # cohort needs one of them, so the cohort block fails and the patient is ineligible for Ia.
    r = screen(TRIAL, patient(her2=[{"ihc": "0", "date": "2026-10-01"}]), cohort="phase_ia")
    assert r.verdict == "ineligible" and r.failed == ["inclusion.phase_ia"]


def test_prior_anti_her2_lines_by_cohort() -> None:
    # pivotal asks two or more lines of anti-HER2 therapy: 1 < 2 fails; phase Ib asks at least
    # 2 prior lines of any therapy: the patient's 3 lines pass.
    p = copy.deepcopy(BASE)
    p["tumour"]["prior_anti_her2_lines"] = 1
    assert screen(TRIAL, p, cohort="pivotal").failed == ["inclusion.pivotal"]
    assert screen(TRIAL, p, cohort="phase_ib").failed == []


def test_ish_alone_does_not_decide_ihc_lists() -> None:
    # ISH positive without an IHC score: the tumour could be IHC 0, 1+, 2+ or 3+; the phase Ib
    # list "IHC3+ or IHC2+/FISH+" cannot be decided on ISH alone -> unknown, not met
    r = screen(TRIAL, patient(her2=[{"ish": "positive", "date": "2026-10-02"}]), cohort="phase_ib")
    assert criterion(r, "inclusion.phase_ib.1").status == "unknown"


def test_own_primary_tumour_and_a_generic_malignancy_exclusion(tmp_path: Path) -> None:
    from screening.rules import TrialFile

    trial = load_trial(TrialFile.model_validate({
        "criteria": "Exclusion Criteria:\n- History of malignancy\n- History of breast cancer\n",
        "trial": {"nct_id": "NCT00000002", "title": "t"}}))
    r = screen(trial, {"patient_id": "x", "as_of": "2026-01-01", "tumour": {"primary_site": "breast"},
                       "complete_records": ["conditions"]})
    by_text = {c.text.strip(): c.status for c in r.criteria}
    # the patient's breast cancer is a malignancy, but the trial may be for that very cancer
    assert by_text["History of malignancy"] == "unknown"
    # named exactly, it is the patient's cancer: excluded
    assert by_text["History of breast cancer"] == "not_met"


def test_absence_of_one_drug_does_not_show_absence_of_its_class() -> None:
    # "no filgrastim" says nothing about pegfilgrastim: G-CSF before the ANC stays unknown
    p = copy.deepcopy(BASE)
    p["complete_records"] = ["conditions", "procedures"]  # medications not attested complete
    p["medications"].append({"name": "filgrastim", "present": False})
    anc = check(screen(TRIAL, p, cohort="phase_ib"), "inclusion.5", "anc")
    assert anc.status == "unknown"
    # recorded absence of the class itself settles it
    p["medications"].append({"drug_class": "G-CSF", "present": False})
    anc = check(screen(TRIAL, p, cohort="phase_ib"), "inclusion.5", "anc")
    assert anc.status == "met"


_SUPPORT_TRIAL = """Inclusion Criteria:
- Hemoglobin ≥ 9 g/dL without transfusion within 7 days
- Platelet count ≥ 100 × 10^9/L without G-CSF within 7 days
Exclusion Criteria:
- Platelet count < 50 × 10^9/L without platelet transfusion within 7 days
"""


@pytest.mark.parametrize("hemoglobin, platelets, care, expected", [
    # transfusion on 11-14, labs on 11-17: 3 days, within 7. Hb 8.5 < 9 fails, and a transfusion
    # only raises Hb, so the patient's own Hb is lower still: not met
    (8.5, 150, {"name": "red blood cell transfusion", "date": "2026-11-14"}, ("not_met", None, None)),
    # Hb 10 ≥ 9 may be the transfusion's: unknown
    (10.0, 150, {"name": "red blood cell transfusion", "date": "2026-11-14"}, ("unknown", None, None)),
    # platelets 80 ≥ 50 after a platelet transfusion: the patient's own count may be below 50, so
    # the exclusion cannot be ruled out (it was read "not met" before: a wrong "eligible")
    (12.0, 80, {"name": "platelet transfusion", "date": "2026-11-14"}, (None, None, "unknown")),
    # platelets 30 < 50 after one: lower still without it, the exclusion holds
    (12.0, 30, {"name": "platelet transfusion", "date": "2026-11-14"}, (None, None, "met")),
    # G-CSF raises neutrophils, not platelets: a platelet count of 80 after it shows nothing either way
    (12.0, 80, {"name": "filgrastim", "start_date": "2026-11-14", "end_date": "2026-11-14"}, (None, "unknown", None)),
])
def test_supportive_care_keeps_only_the_side_it_cannot_have_moved(
        hemoglobin: float, platelets: float, care: dict[str, str], expected: tuple[str | None, ...]) -> None:
    from screening.rules import TrialFile

    trial = load_trial(TrialFile.model_validate({"criteria": _SUPPORT_TRIAL,
                                                 "trial": {"nct_id": "NCT00000003", "title": "t"}}))
    p = {"patient_id": "x", "as_of": "2026-11-20", "complete_records": ["medications", "procedures"],
         "observations": [{"concept": "hemoglobin", "value": hemoglobin, "unit": "g/dL", "date": "2026-11-17"},
                          {"concept": "platelets", "value": platelets, "unit": "10^9/L", "date": "2026-11-17"}],
         "procedures" if "transfusion" in care["name"] else "medications": [care]}
    r = screen(trial, p)
    checks = [check(r, "inclusion.1", "hemoglobin"), check(r, "inclusion.2", "platelets"),
              check(r, "exclusion.1", "platelets")]
    for got, want in zip(checks, expected, strict=True):
        if want is not None:
            assert got.status == want, got.explanation


_GROWTH_FACTOR_TRIAL = """Inclusion Criteria:
- Hemoglobin ≥ 9 g/dL without growth factor support within 14 days
- ANC ≥ 1.5 × 10^9/L without growth factor support within 14 days
"""


@pytest.mark.parametrize("drug, hemoglobin, anc, expected", [
    # epoetin alfa on 11-14, labs on 11-17: 3 days, within 14. "Growth factor support" names no one
    # factor, so an ESA before the Hb counts (it was read as G-CSF alone: Hb 10 was "met", a
    # wrong "eligible" when the ESA raised it); the ANC 2.0 after it may be its doing too
    ("epoetin alfa", 10.0, 2.0, ("unknown", "unknown")),
    # filgrastim raises neutrophils and no growth factor lowers them: ANC 1.0 < 1.5 stays failing
    ("filgrastim", 10.0, 1.0, ("unknown", "not_met")),
    # romiplostim is one too (a TPO agonist): Hb 8 < 9 after it shows nothing, since the class
    # only keeps the labs none of its members lowers (ANC, WBC)
    ("romiplostim", 8.0, 2.0, ("unknown", "unknown")),
])
def test_growth_factor_support_is_any_hematopoietic_growth_factor(
        drug: str, hemoglobin: float, anc: float, expected: tuple[str, str]) -> None:
    from screening.rules import TrialFile

    trial = load_trial(TrialFile.model_validate({"criteria": _GROWTH_FACTOR_TRIAL,
                                                 "trial": {"nct_id": "NCT00000006", "title": "t"}}))
    p = {"patient_id": "x", "as_of": "2026-11-20", "complete_records": ["medications"],
         "observations": [{"concept": "hemoglobin", "value": hemoglobin, "unit": "g/dL", "date": "2026-11-17"},
                          {"concept": "anc", "value": anc, "unit": "10^9/L", "date": "2026-11-17"}],
         "medications": [{"name": drug, "start_date": "2026-11-14", "end_date": "2026-11-14"}]}
    r = screen(trial, p)
    got = (check(r, "inclusion.1", "hemoglobin").status, check(r, "inclusion.2", "anc").status)
    assert got == expected
    # with no growth factor given (medications attested complete), both values count:
    # Hb 10 ≥ 9 met; ANC 2.0 ≥ 1.5 met
    p["medications"] = []
    p["observations"][0]["value"], p["observations"][1]["value"] = 10.0, 2.0
    r = screen(trial, p)
    assert (check(r, "inclusion.1", "hemoglobin").status, check(r, "inclusion.2", "anc").status) == ("met", "met")


@pytest.mark.parametrize(("platelets", "expected"), [
    (80, "not_met"),        # 80 < 100: below the floor even with any transfusion, which only raises it
    (150, "needs_review"),  # 150 ≥ 100, but whether it was reached without transfusion is for a person
])
def test_support_with_no_window_decides_only_a_failing_floor(platelets: float, expected: str) -> None:
    from screening.rules import TrialFile

    trial = load_trial(TrialFile.model_validate({
        "criteria": "Inclusion Criteria:\n- Platelets ≥ 100,000/µL without transfusion\n",
        "trial": {"nct_id": "NCT00000004", "title": "t"}}))
    p = {"patient_id": "x", "as_of": "2026-11-20",
         "observations": [{"concept": "platelets", "value": platelets, "unit": "10^9/L", "date": "2026-11-17"}]}
    assert criterion(screen(trial, p), "inclusion.1").status == expected


@pytest.mark.parametrize(("drug", "given", "expected"), [
    # "within 4 weeks (6 weeks for nitrosoureas)" as of 2026-11-20: carmustine (a nitrosourea) on
    # 10-16 is 35 days back, within 42 (6 weeks) though not 28 (4 weeks): excluded
    ("carmustine", "2026-10-16", "not_met"),
    # on 10-02, 49 days back: past both windows
    ("carmustine", "2026-10-02", "met"),
    # paclitaxel on 10-16, 35 days back: other chemotherapy has 4 weeks (28 days) only
    ("paclitaxel", "2026-10-16", "met"),
])
def test_a_longer_window_for_nitrosoureas(drug: str, given: str, expected: str) -> None:
    from screening.rules import TrialFile

    trial = load_trial(TrialFile.model_validate({
        "criteria": "Exclusion Criteria:\n- Chemotherapy within 4 weeks (6 weeks for nitrosoureas) prior to registration\n",
        "trial": {"nct_id": "NCT00000007", "title": "t"}}))
    p = {"patient_id": "x", "as_of": "2026-11-20", "complete_records": ["medications", "procedures"],
         "medications": [{"name": drug, "start_date": given, "end_date": given}]}
    assert criterion(screen(trial, p), "exclusion.1").status == expected

