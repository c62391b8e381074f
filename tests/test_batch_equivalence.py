"""The batch SQL gives every row exactly the statuses the one-patient evaluator gives it.

Hypothesis draws random cohorts: a random subset of columns, every unit spelling the vocabulary
accepts, values on and around each threshold, dates on and around each window, missing cells and
unreadable cells. Each cohort is screened twice (DuckDB SQL, and row by row through
``row_to_patient`` and the evaluator) for every cohort of the seed trial and for a second trial
with shapes the seed trial lacks, and every criterion
status and every verdict must agree.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.batch import read_cohort_header, run_batch, screen_row
from screening.compile import compile_trial
from screening.errors import UnitError
from screening.notes import method_spellings
from screening.rules import trial_from_text
from screening.sql import CohortQuery
from screening.units import conversion_factor
from screening.vocabulary import load_vocabulary

duckdb = pytest.importorskip("duckdb")

ROOT = Path(__file__).resolve().parents[1]
TRIAL = compile_trial(ROOT / "rules" / "NCT03944499.toml")
# shapes the seed trial does not have: results that must be recent ("obtained ≤ 14 days prior to
# registration"), conditional bounds that narrow the default, "unless" and permission exceptions,
# bounds for one sex, a requirement for a group ("women of childbearing potential must have ..."),
# negations (under "no", an inclusion's check reads like an exclusion's)
OTHER = compile_trial(trial_from_text("""Inclusion Criteria:
- Hemoglobin ≥ 9 g/dL (obtained ≤ 14 days prior to registration)
- Creatinine clearance ≥ 50 mL/min within 7 days prior to registration
- AST ≤ 2.5 x ULN (≤ 5 x ULN if liver metastases)
- Platelets ≥ 100 x 10^9/L, unless bone marrow involvement by tumour
- QTcF ≤ 450 msec for males and ≤ 470 msec for females
- Creatinine ≤ 1.5 mg/dL (≤ 1.4 mg/dL for women)
- Total bilirubin ≤ 1.5 x ULN OR direct bilirubin ≤ ULN for participants with total bilirubin levels > 1.5 x ULN
- Women of childbearing potential must have a negative pregnancy test within 7 days prior to registration
- Patients with liver metastases: AST ≤ 5 x ULN
- Women with a history of breast cancer
- Male subjects aged 18 to 75 years
- No prior malignancy within 5 years
- Not pregnant or nursing
- At least 14 days since the last dose of an investigational agent
- No peripheral neuropathy ≥ grade 2
- Measurable or evaluable disease
- Karnofsky ≥ 50% for patients > 16 years of age and Lansky ≥ 50 for patients ≤ 16 years of age
- Alkaline phosphatase ≤ 2.5 x ULN
- Alkaline phosphatase ≤ 5 x ULN for patients with bone metastases
- Fasting plasma glucose ≤ 160 mg/dL
- ALT ≤ 2.5 x ULN unless liver metastases are present, in which case it must be ≤ 5 x ULN
- At least 18 years old
- Laboratory values within 7 days prior to registration:
  - Potassium ≥ 3.5 mmol/L
  - Albumin ≥ 3.0 g/dL
- Blood pressure < 140/90 mmHg
- Renal:
  - Creatinine less than 1.6 mg/dL OR
  - Creatinine clearance greater than 40 mL/min
- Adequate organ function as defined below:
  - Hemoglobin ≥ 8 g/dL
  - Creatinine within normal institutional limits OR
  - Creatinine clearance ≥ 60 mL/min for patients with creatinine levels above institutional normal
- Creatinine within normal institutional limits OR creatinine clearance > 60 mL/min/1.73 m^2 for patients with creatinine levels above institutional normal
- Patients must be able to swallow and retain oral medication
- Women must not be breastfeeding
- Women of childbearing potential must agree to use effective contraception during the study
- Men must agree to use adequate contraception for the duration of study participation
- Willing and able to comply with the protocol
Exclusion Criteria:
- Unwilling or unable to comply with study procedures
- Pregnant and nursing women are excluded from this study because the drug may harm the fetus
- Type 1 or type 2 diabetes mellitus
- Investigational agent within 4 weeks or 5 half-lives (whichever is longer) prior to the first dose
- Investigational agent within 8 weeks or 5 half-lives (whichever is shorter) prior to the first dose
- Unable to provide informed consent
- Patients may not be receiving any other investigational agents
- Females must not be pregnant
- Hemoglobin below normal
- ALT > 2.5 x ULN for age
- AST/ALT > 3 x ULN
- Hemoglobin ≤ 11.0 g/dL for men; hemoglobin ≤ 10.0 g/dL for women
- Total bilirubin > 1.5 x ULN (> 3 x ULN if Gilbert syndrome)
- Known brain metastases. Patients with treated, stable brain metastases are eligible.
- ALT > 3 x ULN obtained within 28 days prior to registration
- Serum creatinine > 1.5 mg/dL (> 2.0 mg/dL if liver metastases) within 14 days prior to registration
- Less than 4 weeks since prior antibody-drug conjugate
- Grade 3 or higher peripheral neuropathy
- Uncontrolled hypertension (defined as systolic blood pressure > 150 mmHg or diastolic blood pressure > 90 mm Hg)
- Total bilirubin > 2 x ULN
- Direct bilirubin > 1.5 x ULN in patients with Gilbert's syndrome
- BP > 160/100
- Creatinine clearance < 30 mL/min per 24 hour urine test
- Platelet count < 50 × 10^9/L without platelet transfusion within 7 days
- Hemoglobin < 8 g/dL without G-CSF within 14 days
- Inflammatory breast cancer
- NYHA class III or IV
- HIV, hepatitis B or C
- Systemic corticosteroids (> 10 mg daily prednisone equivalent) within 14 days
- Warfarin within 30 days
- All of the following:
  - heart failure
  - pregnancy
""", nct_id="NCT00000001"))
# (trial, cohort) pairs screened for every drawn table
SCREENS = [(TRIAL, c.id) for c in TRIAL.cohorts] + [(OTHER, None)]
VOCAB = load_vocabulary()
AS_OF = dt.date(2026, 11, 1)

# unit spellings tried per value column; those the vocabulary refuses are dropped below
UNITS = {
    "hemoglobin": ["g/dL", "g/L", "g/100mL", "mmol/L"],
    "anc": ["10^9/L", "x10^9/L", "/uL", "/mm3", "cells/uL", "10*3/uL", "G/L", "K/uL"],
    "platelets": ["10^9/L", "/uL", "/mm^3", "10^3/uL", "x 109/L"],
    "total_bilirubin": ["mg/dL", "umol/L", "µmol/L", "μmol/L"],
    "direct_bilirubin": ["mg/dL", "umol/L"],
    "ast": ["U/L", "IU/L"], "alt": ["U/L", "IU/L"],
    "creatinine": ["mg/dL", "umol/L", "mmol/L"],
    "creatinine_clearance": ["mL/min", "ml/min"],
    "creatinine_clearance_bsa": ["mL/min/1.73m2", "mL/min/1.73 m2"],
    "potassium": ["mmol/L", "mEq/L"],
    "albumin": ["g/dL", "g/L"],
    "lvef": ["%"], "qtc": ["ms", "msec"], "systolic_bp": ["mmHg", "mm Hg"], "diastolic_bp": ["mmHg"],
    "urine_protein_24h": ["g/d", "g/24h", "mg/24 h", "mg/day"],
    "hbv_dna": ["IU/mL", "IU/ml"],
    "life_expectancy": ["weeks", "months", "days"],
    "body_weight": ["kg", "lb"], "height": ["cm", "in"], "age": ["years", "yr"],
}
LIMITS = {"total_bilirubin", "direct_bilirubin", "ast", "alt", "creatinine"}
FLAGS = ["measurable_disease", "breast_cancer", "cns_metastases", "liver_metastases", "gilbert_syndrome",
         "heart_failure", "pregnancy", "lactation", "active_infection", "anti_her2_adc", "qt_prolonging_drug",
         "long_qt_syndrome", "hepatitis_b_active", "hiv", "malignancy", "carcinoma_in_situ",
         "basal_cell_skin_cancer", "gcsf", "anticancer_therapy", "anti_her2_therapy", "childbearing_potential",
         "inflammatory_breast_cancer", "hepatitis_c", "swallow_oral_medication", "informed_consent",
         "contraception", "protocol_compliance", "diabetes_type_1", "diabetes_type_2", "systemic_corticosteroid",
         "anticoagulant"]
EVENTS = ["myocardial_infarction", "arterial_venous_thrombosis", "deep_vein_thrombosis", "gcsf", "tpo_agonist",
          "rbc_transfusion", "platelet_transfusion", "investigational_agent", "malignancy",
          "squamous_cell_skin_cancer", "anti_her2_adc", "breast_cancer", "systemic_corticosteroid", "anticoagulant"]
CATEGORIES = {
    "urine_protein_dipstick": ["negative", "trace", "1+", "2+", "3+", "Negative", "neg", "4 plus"],
    "hbsag": ["positive", "negative", "pos", "reactive", "Neg", "unclear"],
    "hcv_rna": ["detected", "not detected", "undetectable", "Positive", "maybe"],
    "pregnancy_test": ["negative", "positive", "Negative", "neg", "pos", "unclear"],
}
BAD_NUMBERS = ["1,2", "see note", "inf", "nan", "1_000", "--3", "0x10"]
BAD_DATES = ["2026-02-30", "2026-13-01", "01/02/2026", "2026-1-5", "yesterday"]


def _usable_units(concept: str) -> list[tuple[str, float]]:
    out = []
    for unit in UNITS[concept]:
        try:
            out.append((unit, conversion_factor(unit, VOCAB.get(concept))))
        except UnitError:
            pass
    return out


def _thresholds(concept: str) -> list[float]:
    """Bounds the trial compares this concept with (canonical unit), to draw values around."""
    from screening.nodes import NumericCheck, leaves

    out = []
    for crit in (*TRIAL.criteria, *OTHER.criteria):
        for leaf in leaves(crit.predicate) if crit.predicate is not None else []:
            if isinstance(leaf, NumericCheck) and leaf.concept == concept:
                out.append(leaf.threshold)
    return out


@st.composite
def number_cell(draw: st.DrawFn, concept: str, factor: float, ratio: bool = False) -> str:
    """A value on or near a threshold, in the column's unit; sometimes unreadable or missing."""
    kind = draw(st.sampled_from(["near"] * 8 + ["any", "missing", "missing", "bad"]))
    if kind == "missing":
        return draw(st.sampled_from(["", " ", "NA", "null"]))
    if kind == "bad":
        return draw(st.sampled_from(BAD_NUMBERS))
    bounds = _thresholds(concept) or [1.0]
    if ratio:  # a ULN multiple: value = multiple × ULN, with ULN drawn separately
        bounds = [b * 40.0 for b in bounds]
    if kind == "any":
        return f"{draw(st.floats(0.01, 2000, allow_nan=False)):.3g}"
    bound = draw(st.sampled_from(bounds)) / factor
    nudge = draw(st.sampled_from([1.0, 1.0, 0.999, 1.001, 0.9, 1.1, 0.5, 2.0]))
    digits = draw(st.sampled_from([None, 1, 2, 3]))
    value = bound * nudge
    return repr(value) if digits is None else f"{value:.{digits}f}"


@st.composite
def date_cell(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["near"] * 8 + ["missing", "missing", "bad"]))
    if kind == "missing":
        return ""
    if kind == "bad":
        return draw(st.sampled_from(BAD_DATES))
    back = draw(st.sampled_from([-1, 0, 1, 6, 7, 8, 13, 14, 15, 27, 28, 29, 30, 181, 182, 183, 184,
                                 1825, 1826, 1827, 4000]))
    return (AS_OF - dt.timedelta(days=back)).isoformat()


@st.composite
def cohort(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A header (random subset of columns, one unit per concept) and rows for it."""
    cols: list[tuple[str, st.SearchStrategy[str]]] = [("patient_id", st.just(""))]
    if draw(st.booleans()):
        cols.append(("as_of", st.sampled_from([AS_OF.isoformat()] * 8 + ["", BAD_DATES[0]])))
    for name, strat in (("sex", st.sampled_from(["female", "male", "F", "M", "other", "", "x"])),
                        ("birth_date", st.sampled_from(["1950-01-01", "2008-11-02", "2008-11-01", "2010-11-01", "2010-11-02",
                                                        "", "1960-02-30"])),
                        ("primary_site", st.sampled_from(["breast", "Breast", "breast cancer", "skin", "gastric",
                                                          "carcinoma in situ", "", "elsewhere"])),
                        ("her2_ihc", st.sampled_from(["0", "1+", "2+", "3+", "", "4+"])),
                        ("her2_ish", st.sampled_from(["positive", "negative", "equivocal", "", "amplified"])),
                        ("ecog", st.sampled_from(["0", "1", "2", "3", "", "1.5", "-1"])),
                        ("karnofsky", st.sampled_from(["100", "90", "80", "70", "60", "", "95"])),
                        ("lansky", st.sampled_from(["100", "60", "50", "40", "", "55"])),
                        ("nyha_class", st.sampled_from(["1", "2", "3", "4", ""])),
                        ("peripheral_neuropathy_grade", st.sampled_from(["0", "1", "2", "3", "", "7", "1.5"])),
                        ("prior_lines", st.sampled_from(["0", "1", "2", "3", "", "-1"])),
                        ("prior_anti_her2_lines", st.sampled_from(["0", "1", "2", "3", ""]))):
        if draw(st.integers(0, 9)) < 7:
            cols.append((name, strat))
    for concept in UNITS:
        if draw(st.integers(0, 9)) >= 7:
            continue
        unit, factor = draw(st.sampled_from(_usable_units(concept)))
        cols.append((f"{concept} [{unit}]", number_cell(concept, factor, ratio=concept in LIMITS)))
        if concept in LIMITS and draw(st.booleans()):
            cols.append((f"{concept}_uln [{unit}]", number_cell(concept, factor)))
        if concept not in ("body_weight", "height", "age") and draw(st.integers(0, 9)) < 8:
            cols.append((f"{concept}_date", date_cell()))
        if method_spellings(concept) and draw(st.booleans()):  # "qtc_method": the QTc formula
            known = sorted(method_spellings(concept))  # "fridericia", "24-hour urine collection" ...
            cols.append((f"{concept}_method", st.sampled_from([*known, "QTcF", "Bazett", "", "Framingham",
                                                                "unknown"])))
    for concept, spellings in CATEGORIES.items():
        if draw(st.integers(0, 9)) < 7 and not any(c[0].startswith(concept + " ") for c in cols):
            cols.append((concept, st.sampled_from([*spellings, ""])))
            cols.append((f"{concept}_date", date_cell()))
    for concept in FLAGS:
        if draw(st.integers(0, 9)) < 5:
            cols.append((concept, st.sampled_from(["true", "false", "false", "yes", "no", "1", "0", "", "maybe"])))
    for concept in EVENTS:
        if draw(st.integers(0, 9)) < 4:
            suffix = "_last_date" if VOCAB.get(concept).kind == "medication_class" else "_date"
            cols.append((concept + suffix, date_cell()))
    if draw(st.booleans()):
        cols.append(("smoking_status", st.just("never")))
    n = draw(st.integers(1, 12))
    rows = []
    pad = st.sampled_from(["", "", "", "", "", " ", "  ", "\u00a0", "\t"])  # trimmed, except the tab
    for i in range(n):
        row = [f"P{i}"] + [draw(pad) + draw(s) + draw(pad) for _, s in cols[1:]]
        rows.append(row)
    return [c[0] for c in cols], rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cohort())
def test_sql_statuses_equal_the_evaluator(tmp_path_factory: pytest.TempPathFactory,
                                          data: tuple[list[str], list[list[str]]]) -> None:
    header, rows = data
    folder = tmp_path_factory.mktemp("cohort")
    path = folder / "cohort.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    _, schema = read_cohort_header(path)
    for trial, cohort_id in SCREENS:
        out = folder / f"{trial.nct_id}-{cohort_id}.csv"
        summary = run_batch(trial, cohort_id, path, out, as_of=AS_OF, progress=False)
        with out.open(newline="", encoding="utf-8") as f:
            got = list(csv.DictReader(f))
        assert summary.rows == len(rows) == len(got)
        for row, sql_row in zip(rows, got, strict=True):
            ref = screen_row(trial, schema, row, cohort_id, as_of=AS_OF)
            assert sql_row["patient_id"] == row[0]
            for c in ref.criteria:
                if c.status == "not_applicable" and c.id not in sql_row:
                    continue
                assert sql_row[c.id] == c.status, (cohort_id, row[0], c.id, c.explanation, dict(zip(header, row, strict=True)))
            assert sql_row["verdict"] == ref.verdict, (cohort_id, row[0])
            # the same items; their order follows the query's layout, not the evaluator's walk
            assert set(filter(None, sql_row["missing_data"].split("; "))) == set(ref.missing_data), (cohort_id, row[0])
            for field in ("failed", "unknown", "needs_review", "errors"):
                listed = sql_row[field].split("; ") if sql_row[field] else []
                assert listed == getattr(ref, field), (cohort_id, row[0], field)
        # the SQL `screening sql` prints (no data to learn spellings from, markers in the SQL)
        # gives the same statuses over the same table
        con = duckdb.connect()
        con.execute(f"CREATE TABLE cohort AS SELECT * FROM read_csv('{path}', all_varchar = true, header = true)")
        printed = CohortQuery(trial, cohort_id, schema, table="cohort", default_as_of=AS_OF).sql()
        result = con.execute(printed)
        names = [d[0] for d in result.description]
        for sql_row, printed_row in zip(got, result.fetchall(), strict=True):
            for name, value in zip(names, printed_row, strict=True):
                if name not in ("missing_data", "cell_errors"):
                    assert (value or "") == sql_row[name], (cohort_id, sql_row["patient_id"], name)
