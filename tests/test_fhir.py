"""FHIR R4 input: what the reader derives from Bundles, resources and NDJSON, checked by hand.

Expected values come from reading the resources themselves (the arithmetic is in the comments).
The fixtures in tests/fixtures/fhir/ are copies of HL7 specification examples (CC0) and an excerpt
of one Synthea bundle (Apache-2.0): the patient, its conditions and medication requests, and the
latest observation of 16 LOINC codes. Tests over the whole ../shared/fhir-samples/ skip without it.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening import load_trial, screen, screen_cohorts
from screening.cli import main
from screening.errors import InputError
from screening.fhir import load_fhir, read_fhir, single_patient

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "fhir"
SAMPLES = ROOT.parent / "shared" / "fhir-samples"
TRIAL = load_trial(ROOT / "rules" / "NCT03944499.toml")
EXAMPLE = json.loads((ROOT / "examples" / "patient_bundle.json").read_text(encoding="utf-8"))
AS_OF = dt.date(2026, 11, 20)
PID = "urn:uuid:p1"


def bundle(*resources: dict[str, Any], patient: dict[str, Any] | None = None) -> dict[str, Any]:
    """A transaction bundle that references its patient by urn:uuid fullUrl, as Synthea does."""
    pat = patient or {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1970-01-01"}
    entries = [{"fullUrl": PID, "resource": pat}]
    for i, r in enumerate(resources):
        r = dict(r)
        r.setdefault("id", f"r{i}")
        r.setdefault("subject", {"reference": PID})
        entries.append({"fullUrl": f"urn:uuid:r{i}", "resource": r})
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def lab(loinc: str, value: float, code: str, *, unit: str | None = None, date: str = "2026-11-16",
        high: float | None = None, comparator: str | None = None) -> dict[str, Any]:
    q: dict[str, Any] = {"value": value, "unit": unit or code, "system": "http://unitsofmeasure.org", "code": code}
    if comparator:
        q["comparator"] = comparator
    r: dict[str, Any] = {"resourceType": "Observation", "status": "final",
                         "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
                         "effectiveDateTime": date + "T08:00:00+01:00", "valueQuantity": q}
    if high is not None:
        r["referenceRange"] = [{"high": {"value": high, "unit": code}}]
    return r


def condition(codings: list[tuple[str, str]], *, clinical: str = "active", verification: str = "confirmed",
              onset: str = "2020-01-01", abatement: str | None = None, text: str | None = None) -> dict[str, Any]:
    systems = {"snomed": "http://snomed.info/sct", "icd10": "http://hl7.org/fhir/sid/icd-10-cm",
               "icd9": "http://hl7.org/fhir/sid/icd-9-cm"}
    r: dict[str, Any] = {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"code": clinical}]},
        "verificationStatus": {"coding": [{"code": verification}]},
        "code": {"coding": [{"system": systems[s], "code": c} for s, c in codings]},
        "onsetDateTime": onset}
    if text:
        r["code"]["text"] = text
    if abatement:
        r["abatementDateTime"] = abatement
    return r


def one(data: dict[str, Any], as_of: dt.date = AS_OF) -> dict[str, Any]:
    return single_patient(data, as_of=as_of).data


def check(result: Any, cid: str, concept: str) -> Any:
    [c] = [c for c in result.criteria if c.id == cid]
    return [k for k in c.checks if k.concept == concept]


# --------------------------------------------------------------------------- observations


def test_lab_by_blood_loinc_with_ucum_unit_range_and_source() -> None:
    # Synthea codes creatinine in blood (38483-4), not serum (2160-0): both are the same concept.
    data = one(bundle(lab("38483-4", 1.2, "mg/dL", high=1.3)))
    [obs] = data["observations"]
    assert obs == {"concept": "creatinine", "loinc": "38483-4", "source": "Observation/r0", "date": "2026-11-16",
                   "value": 1.2, "unit": "mg/dL", "reference_range": {"high": 1.3, "unit": "mg/dL"}}
    result = screen(TRIAL, single_patient(bundle(lab("38483-4", 1.2, "mg/dL", high=1.3)), as_of=AS_OF).patient,
                    cohort="phase_ia")
    [crea] = check(result, "inclusion.5", "creatinine")
    # 1.2 / 1.3 mg/dL = 0.923 x ULN < 1.5 x ULN: met, and the explanation names the resource
    assert crea.status == "met" and crea.value == pytest.approx(1.2 / 1.3, abs=1e-6)
    assert "Observation/r0" in crea.explanation


def test_ucum_count_units_and_censored_values() -> None:
    # ANC "<0.5 10*9/L" lies wholly below 1.0 x 10^9/L: not met; platelets 150 10*3/uL = 150 x 10^9/L
    data = bundle(lab("751-8", 0.5, "10*9/L", comparator="<"), lab("777-3", 150, "10*3/uL"))
    patient = single_patient(data, as_of=AS_OF).patient
    result = screen(TRIAL, patient, cohort="phase_ia")
    [anc] = check(result, "inclusion.5", "anc")
    assert anc.status == "not_met" and anc.observed == 0.5
    [plt] = check(result, "inclusion.5", "platelets")
    assert plt.value == pytest.approx(150.0)


def test_bracketed_ucum_units_are_read() -> None:
    # mm[Hg] is UCUM for mmHg; a blood-pressure panel's components become two observations
    panel = {"resourceType": "Observation", "status": "final",
             "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
             "effectiveDateTime": "2026-11-10",
             "component": [
                 {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
                  "valueQuantity": {"value": 142, "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}},
                 {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
                  "valueQuantity": {"value": 91, "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}}]}
    obs = one(bundle(panel))["observations"]
    assert [(o["concept"], o["value"], o["unit"], o["source"]) for o in obs] == [
        ("systolic_bp", 142.0, "mm[Hg]", "Observation/r0 component 1"),
        ("diastolic_bp", 91.0, "mm[Hg]", "Observation/r0 component 2")]


def test_wrong_dimension_is_an_error_naming_the_value_not_a_drop() -> None:
    # eGFR in mL/min (a Synthea habit) is not per 1.73 m2: the value cannot be used, and says so
    egfr = lab("33914-3", 26.0, "mL/min")
    data = one(bundle(egfr))
    assert "observations" not in data
    [bad] = data["unreadable"]
    assert bad["concept"] == "egfr" and bad["source"] == "Observation/r0" and "26 mL/min" in bad["reason"]
    patient = single_patient(bundle(egfr), as_of=AS_OF).patient
    from screening.evaluate import index_patient

    assert "26 mL/min" in index_patient(patient).errors["egfr"]


def test_a_later_readable_value_supersedes_an_unusable_one() -> None:
    older = lab("33914-3", 26.0, "mL/min", date="2026-10-01")
    newer = lab("33914-3", 71.0, "mL/min/{1.73_m2}", date="2026-11-15")
    data, notes = (lambda p: (p.data, p.notes))(single_patient(bundle(older, newer), as_of=AS_OF))
    assert "unreadable" not in data and [o["value"] for o in data["observations"]] == [71.0]
    assert any("superseded" in n for n in notes)
    # the other way round the unusable value is the latest: it stays an error
    data = one(bundle(lab("33914-3", 71.0, "mL/min/{1.73_m2}", date="2026-10-01"),
                      lab("33914-3", 26.0, "mL/min", date="2026-11-15")))
    assert [u["concept"] for u in data["unreadable"]] == ["egfr"]


def test_implausible_value_is_unreadable() -> None:
    # Synthea writes total protein 62.6 "g/dL" (it means g/L): 626 g/L is above the plausible 200
    data = one(bundle(lab("2885-2", 62.5746, "g/dL")))
    assert data["unreadable"][0]["concept"] == "total_protein"
    assert "62.5746 g/dL is not a plausible Total protein" in data["unreadable"][0]["reason"]


def test_unknown_codes_and_late_or_cancelled_resources_are_notes() -> None:
    pain = lab("72514-3", 3, "{score}")
    late = lab("718-7", 11, "g/dL", date="2026-12-01")
    cancelled = dict(lab("718-7", 5, "g/dL"), status="entered-in-error")
    found = single_patient(bundle(pain, late, cancelled), as_of=AS_OF)
    assert "observations" not in found.data and "unreadable" not in found.data
    text = " | ".join(found.notes)
    assert "LOINC 72514-3" in text and "dated after the screening date 2026-11-20" in text
    assert "entered-in-error" in text


def test_performance_status_her2_and_pregnancy() -> None:
    ecog = {"resourceType": "Observation", "status": "final", "effectiveDateTime": "2026-11-16",
            "code": {"coding": [{"system": "http://loinc.org", "code": "89247-1"}]},
            "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA9624-3"}]}}  # ECOG 2
    kps = {"resourceType": "Observation", "status": "final", "effectiveDateTime": "2026-11-16",
           "code": {"coding": [{"system": "http://loinc.org", "code": "89243-0"}]}, "valueInteger": 70}
    ihc = {"resourceType": "Observation", "status": "final", "effectiveDateTime": "2026-10-02",
           "code": {"coding": [{"system": "http://loinc.org", "code": "85319-2"}]},
           "valueCodeableConcept": {"text": "IHC 3+"}}
    preg = {"resourceType": "Observation", "status": "final", "effectiveDateTime": "2026-11-16",
            "code": {"coding": [{"system": "http://loinc.org", "code": "82810-3"}]},
            "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "77386006"}]}}
    data = one(bundle(ecog, kps, ihc, preg))
    assert [(p["scale"], p["value"]) for p in data["performance_status"]] == [("ecog", 2), ("karnofsky", 70)]
    assert data["her2"] == [{"source": "Observation/r2", "ihc": "3+", "date": "2026-10-02"}]
    assert data["reproductive"] == {"pregnant": True}
    assert data["sources"]["reproductive.pregnant"] == "Observation/r3"


def test_her2_ihc_and_ish_of_one_day_are_one_test_and_a_word_is_not_a_score() -> None:
    def her2(loinc: str, value: dict[str, Any]) -> dict[str, Any]:
        return {"resourceType": "Observation", "status": "final", "effectiveDateTime": "2026-10-02",
                "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]}, **value}

    ihc = her2("85319-2", {"valueString": "2+"})
    ish = her2("85318-4", {"valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct",
                                                                "code": "10828004", "display": "Positive"}]}})
    [test] = one(bundle(ihc, ish))["her2"]
    assert (test["ihc"], test["ish"]) == ("2+", "positive")
    # "Positive" for an IHC test is not a score: an error for HER2 checks, never a guess of 3+
    data = one(bundle(her2("85319-2", {"valueString": "Positive"})))
    assert "her2" not in data and data["unreadable"][0]["concept"] == "her2"


# --------------------------------------------------------------------------- conditions


def test_condition_statuses() -> None:
    refuted = condition([("icd10", "C79.31")], verification="refuted", text="brain metastases")
    wrong = condition([("snomed", "22298006")], verification="entered-in-error")
    unsure = condition([("snomed", "84114007")], verification="provisional")
    resolved = condition([("snomed", "49436004")], clinical="resolved", onset="2019-02-01", abatement="2019-05-01")
    active = condition([("icd10", "I10")], onset="2015-06-01")
    data = one(bundle(refuted, wrong, unsure, resolved, active))
    # only the confirmed ones count; the resolved atrial fibrillation keeps its dates for history windows
    assert [(c["code"], c["status"], c.get("resolved_date")) for c in data["conditions"]] == [
        ("49436004", "resolved", "2019-05-01"), ("I10", "active", None)]


def test_icd10_child_code_names_its_parent_concept_and_the_only_cancer_is_the_primary() -> None:
    # C50.912 (left female breast) is under C50, the vocabulary's breast cancer code
    found = single_patient(bundle(condition([("icd10", "C50.912")], text="Breast cancer, left")), as_of=AS_OF)
    assert found.data["tumour"] == {"primary_site": "Breast cancer"}
    assert found.data["sources"]["tumour.primary_site"] == "Condition/r0"
    assert "conditions" not in found.data


def test_two_cancers_leave_the_primary_unset() -> None:
    # breast (C50) and cervical carcinoma in situ (D06) would make "other malignancy" a guess
    data = one(bundle(condition([("icd10", "C50.9")]), condition([("icd10", "D06.9")])))
    assert "tumour" not in data and len(data["conditions"]) == 2


# --------------------------------------------------------------------------- medications


def med(kind: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"resourceType": kind, "medicationCodeableConcept": {"text": text}, **extra}


def anc_with_gcsf(medication: dict[str, Any]) -> Any:
    """ANC 2.0 on 2026-11-16; "ANC ≥ 1.0 without G-CSF within 7 days" asks about 2026-11-09..16."""
    data = bundle(lab("751-8", 2.0, "10*9/L"), medication)
    patient = single_patient(data, as_of=AS_OF).patient
    patient = patient.model_copy(update={"complete_records": ["medications"]})
    [anc] = check(screen(TRIAL, patient, cohort="phase_ia"), "inclusion.5", "anc")
    return anc


def test_stopped_order_without_end_date_is_not_taken_as_ongoing_or_as_one_day() -> None:
    # authored 2026-11-01 (15 days before the ANC), stopped on an unrecorded date: it may or may
    # not have run into 2026-11-09..16, so the ANC cannot count yet
    stopped = med("MedicationRequest", "filgrastim 300 MCG Injection", status="stopped", intent="order",
                  authoredOn="2026-11-01")
    anc = anc_with_gcsf(stopped)
    assert anc.status == "unknown" and "stopped on a date not recorded" in anc.explanation
    # the same course with its end recorded (2026-11-05, before the window): the ANC counts
    ended = dict(stopped, dosageInstruction=[{"timing": {"repeat": {"boundsPeriod": {"start": "2026-11-01",
                                                                                     "end": "2026-11-05"}}}}])
    assert anc_with_gcsf(ended).status == "met"


def test_administration_inside_the_window_voids_the_value() -> None:
    given = med("MedicationAdministration", "pegfilgrastim 6 MG/0.6 ML", status="completed",
                effectiveDateTime="2026-11-12T09:00:00Z")  # 4 days before the ANC
    anc = anc_with_gcsf(given)
    assert anc.status == "unknown" and "does not count" in anc.explanation


def test_medication_statuses_and_references() -> None:
    catalogue = {"resourceType": "Medication", "id": "m1", "code": {"text": "trastuzumab-anns 420 MG"}}
    by_ref = {"resourceType": "MedicationStatement", "status": "completed",
              "medicationReference": {"reference": "Medication/m1"},
              "effectivePeriod": {"start": "2021-04-01", "end": "2023-12-15"}}
    not_taken = med("MedicationStatement", "lapatinib 250 MG", status="not-taken")
    proposal = med("MedicationRequest", "neratinib 40 MG", status="active", intent="proposal")
    unknown = med("MedicationRequest", "Acetaminophen 325 MG Oral Tablet", status="active", intent="order")
    b = bundle(by_ref, not_taken, proposal, unknown)
    b["entry"].append({"fullUrl": "Medication/m1", "resource": catalogue})
    found = single_patient(b, as_of=AS_OF)
    assert [(m["name"], m["start_date"], m["end_date"], m["ongoing"]) for m in found.data["medications"]] == [
        ("trastuzumab", "2021-04-01", "2023-12-15", False)]
    text = " | ".join(found.notes)
    assert "not-taken" in text and "intent proposal" in text and "Acetaminophen" in text


# --------------------------------------------------------------------------- grouping, API, CLI


def test_ndjson_style_resources_group_by_patient_and_references_by_relative_id() -> None:
    pats = [{"resourceType": "Patient", "id": p, "gender": "male", "birthDate": "1960-01-01"} for p in ("a", "b")]
    obs = [dict(lab("718-7", v, "g/dL"), id=f"o{p}", subject={"reference": f"Patient/{p}"})
           for p, v in (("a", 13.0), ("b", 8.0))]
    found = read_fhir(pats + obs, as_of=AS_OF)
    assert [(f.patient.patient_id, f.patient.observations[0].value) for f in found] == [("a", 13.0), ("b", 8.0)]
    with pytest.raises(InputError, match="holds 2 patients"):
        screen(TRIAL, {"resourceType": "Bundle", "type": "collection",
                       "entry": [{"resource": r} for r in pats + obs]}, cohort="phase_ia")


def test_screen_accepts_a_bundle_dict() -> None:
    # the bundled example: ado-trastuzumab emtansine (T-DM1, an anti-HER2 ADC) was ordered in 2024,
    # and exclusion.3 excludes "patients previously treated with anti-HER2 ADC drugs"
    results = screen_cohorts(TRIAL, EXAMPLE)
    assert all(r.verdict == "ineligible" and "exclusion.3" in r.failed for r in results)
    [adc] = check(results[0], "exclusion.3", "anti_her2_adc")
    assert "MedicationRequest/00000000-0000-4000-8000-000000000026" in adc.explanation


def test_example_bundle_values_by_hand() -> None:
    data = single_patient(EXAMPLE, as_of=AS_OF).data
    by_concept = {o["concept"]: o for o in data["observations"]}
    assert (by_concept["hemoglobin"]["value"], by_concept["hemoglobin"]["unit"]) == (10.4, "g/dL")
    assert by_concept["urine_protein_dipstick"]["value"] == "negative"  # SNOMED 260385009
    assert data["performance_status"][0]["value"] == 1  # LA9623-5
    assert data["reproductive"] == {"pregnant": False}  # SNOMED 60001007
    # refuted brain metastases and the cancelled pegfilgrastim order are not used
    assert not any("Brain" in c["name"] for c in data["conditions"])
    assert [m["name"] for m in data["medications"]] == [
        "trastuzumab", "pertuzumab", "ado-trastuzumab emtansine", "filgrastim"]
    patient = single_patient(EXAMPLE, as_of=AS_OF).patient
    result = screen(TRIAL, patient, cohort="phase_ib")
    [crcl] = check(result, "inclusion.5", "creatinine_clearance")
    # Cockcroft-Gault: age 58 on 2026-11-20 (born 1968-09-02), 64 kg, creatinine 0.9 mg/dL, female:
    # (140 - 58) x 64 / (72 x 0.9) x 0.85 = 5248 / 64.8 x 0.85 = 68.84 mL/min
    assert crcl.value == pytest.approx(68.84, abs=0.01)


def test_cli_convert_and_check(capsys: pytest.CaptureFixture[str]) -> None:
    example = str(ROOT / "examples" / "patient_bundle.json")
    assert main(["convert", example, "--as-of", "2026-11-20"]) == 0
    out, err = capsys.readouterr()
    converted = json.loads(out)
    assert converted["as_of"] == "2026-11-20" and converted["observations"][0]["source"].startswith("Observation/")
    assert "refuted" in err
    assert main(["check", example, "--trial", str(ROOT / "rules" / "NCT03944499.toml"), "--cohort", "phase_ib",
                 "--as-of", "2026-11-20", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["verdict"] == "ineligible" and "FHIR input, notes" in err and "refuted" in err
    assert main(["check", example, "--trial", str(ROOT / "rules" / "NCT03944499.toml"), "--as-of", "20/11/2026"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_not_fhir_and_no_patient_are_clear_errors() -> None:
    with pytest.raises(InputError, match="no resourceType"):
        read_fhir([{"patient_id": "x"}])
    with pytest.raises(InputError, match="no patient data"):
        read_fhir({"resourceType": "Organization", "id": "o"})


# --------------------------------------------------------------------------- fixtures copied from the samples


def test_hl7_examples_by_hand() -> None:
    # f005: hemoglobin 7.2 "g/dl" (UCUM code g/dL), effectivePeriod start 2013-04-05T10:30:10+01:00
    [hb] = load_fhir([FIXTURES / "observation-example-f005-hemoglobin.json"])
    obs = hb.data["observations"][0]
    assert (hb.patient.patient_id, obs["concept"], obs["value"], obs["unit"], obs["date"]) == (
        "f001", "hemoglobin", 7.2, "g/dL", "2013-04-05")
    # f204: creatinine with only a local code: ignored with a note (never matched by its words)
    [crea] = load_fhir([FIXTURES / "observation-example-f204-creatinine.json"])
    assert "observations" not in crea.data and "Creatinine(Serum)" in crea.notes[0]
    # f202: malignant neoplastic disease (SNOMED 363346000), resolved -> a resolved malignancy record
    [mal] = load_fhir([FIXTURES / "condition-example-f202-malignancy.json"])
    assert [(c["code"], c["status"]) for c in mal.data["conditions"]] == [("363346000", "resolved")]


def test_synthea_excerpt_by_hand() -> None:
    [p] = load_fhir([FIXTURES / "synthea-1d3b3586-excerpt.json"], as_of=dt.date(2010, 1, 20))
    obs = {o["concept"]: o for o in p.data["observations"]}
    # values as the bundle holds them (latest of each code, 2010-01-15)
    assert obs["creatinine"]["value"] == pytest.approx(0.5857998549378264)
    assert obs["potassium"]["loinc"] == "6298-4" and obs["potassium"]["value"] == pytest.approx(4.784732388468127)
    assert p.data["demographics"]["weight"] == {"value": pytest.approx(91.690412077225), "unit": "kg"}
    assert {u["concept"] for u in p.data["unreadable"]} == {"egfr", "total_protein"}  # mL/min; 62.6 g/dL
    assert {c["name"] for c in p.data["conditions"]} >= {"Hypertension", "Atrial Fibrillation"}
    assert {m["name"].lower() for m in p.data["medications"]} == {"docetaxel", "warfarin"}
    result = screen(TRIAL, p.patient, cohort="phase_ia")
    # creatinine 0.5858 mg/dL x 88.40 = 51.78 umol/L; no range in the bundle, so the default ULN
    # 115 umol/L: 51.78 / 115 = 0.450 x ULN < 1.5
    [crea] = check(result, "inclusion.5", "creatinine")
    assert crea.status == "met" and crea.value == pytest.approx(0.5857998549378264 * 88.40 / 115, abs=2e-3)


# --------------------------------------------------------------------------- the real samples


def _samples() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    return sorted(p for p in SAMPLES.glob("*/*.json"))


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/fhir-samples/ is not beside the project")
@pytest.mark.parametrize("path", _samples(), ids=lambda p: p.name[:40])
def test_every_sample_loads_and_screens(path: Path) -> None:
    found = load_fhir([path])
    assert found
    for f in found:  # every value keeps its resource
        for item in f.data.get("observations", []) + f.data.get("conditions", []) + f.data.get("medications", []):
            assert item["source"]
        screen_cohorts(TRIAL, f.patient)


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/fhir-samples/ is not beside the project")
def test_bulk_ndjson_folder() -> None:
    found = load_fhir([SAMPLES / "synthea-bulk-ndjson"])
    assert len(found) == 13  # Patient.000.ndjson has 13 lines
    [breast] = [f for f in found if f.patient.patient_id == "129c6ac7-8d06-89de-ad63-0204a93e76c3"]
    # Condition.000 holds two active cancers for this patient: "Malignant neoplasm of breast"
    # (SNOMED 254837009) and "Non-small cell lung cancer" (SNOMED 254637007): no primary is guessed,
    # both stay conditions
    assert "tumour" not in breast.data
    assert {("254837009", "active"), ("254637007", "active")} <= {
        (c.get("code"), c.get("status")) for c in breast.data["conditions"]}


# --------------------------------------------------------------------------- never crashes


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                     max_leaves=12)
_kinds = st.sampled_from(["Observation", "Condition", "MedicationRequest", "MedicationStatement",
                          "MedicationAdministration", "Procedure", "Patient", "Medication", "Encounter"])
_keys = st.sampled_from(["code", "valueQuantity", "valueCodeableConcept", "valueString", "valueInteger",
                         "component", "referenceRange", "effectiveDateTime", "effectivePeriod", "status",
                         "clinicalStatus", "verificationStatus", "onsetDateTime", "abatementDateTime",
                         "medicationCodeableConcept", "medicationReference", "authoredOn", "dosageInstruction",
                         "birthDate", "gender", "subject", "contained", "intent"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_kinds, st.dictionaries(_keys, _json, max_size=6)), min_size=1, max_size=4))
def test_reader_never_crashes(resources: list[tuple[str, dict[str, Any]]]) -> None:
    """Any shape of resource: a patient, or an InputError; never another exception."""
    items = [{"resourceType": "Patient", "id": "p"}] + [
        {"resourceType": kind, **copy.deepcopy(body), "subject": {"reference": "Patient/p"}} for kind, body in resources]
    try:
        found = read_fhir(items, as_of=AS_OF)
    except InputError:
        return
    for f in found:
        screen_cohorts(TRIAL, f.patient)


def test_converted_patient_validates_against_the_patient_schema() -> None:
    from jsonschema import Draft202012Validator

    from screening.patient import patient_json_schema

    validator = Draft202012Validator(patient_json_schema())
    for data in (single_patient(EXAMPLE, as_of=AS_OF).data,
                 load_fhir([FIXTURES / "synthea-1d3b3586-excerpt.json"], as_of=dt.date(2010, 1, 20))[0].data):
        assert [e.message for e in validator.iter_errors(json.loads(json.dumps(data)))] == []


def test_cli_check_ndjson_files_screens_each_patient(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # bulk export: one file per resource type, read as one set
    pats = [{"resourceType": "Patient", "id": p, "gender": "female", "birthDate": "1960-01-01"} for p in ("a", "b")]
    obs = [dict(lab("718-7", v, "g/dL"), id=f"o{p}", subject={"reference": f"Patient/{p}"})
           for p, v in (("a", 13.0), ("b", 8.0))]
    (tmp_path / "Patient.000.ndjson").write_text("\n".join(json.dumps(p) for p in pats) + "\n", encoding="utf-8")
    (tmp_path / "Observation.000.ndjson").write_text("\n".join(json.dumps(o) for o in obs), encoding="utf-8")
    trial = str(ROOT / "rules" / "NCT03944499.toml")
    assert main(["check", str(tmp_path), "--trial", trial, "--cohort", "phase_ia", "--as-of", "2026-11-20",
                 "--format", "json"]) == 0
    results = json.loads(capsys.readouterr().out)
    # b: hemoglobin 8.0 g/dL = 80 g/L < 90 g/L -> inclusion.5 not met; a: 130 g/L, undecided elsewhere
    assert [(r["patient_id"], "inclusion.5" in r["failed"]) for r in results] == [("a", False), ("b", True)]
    assert main(["check", str(tmp_path), "--trial", trial, "--cohort", "phase_ia", "--patient-id", "b",
                 "--as-of", "2026-11-20", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["patient_id"] == "b"
    bad = tmp_path / "Condition.000.ndjson"
    bad.write_text('{"resourceType": "Condition"}\n{not json\n', encoding="utf-8")
    assert main(["check", str(tmp_path), "--trial", trial]) == 2
    assert "Condition.000.ndjson: line 2" in capsys.readouterr().err


def test_pregnancy_from_conditions_current_only() -> None:
    # Synthea's "Normal pregnancy" (SNOMED 72892002): resolved in 2007 it says nothing about now
    past = condition([("snomed", "72892002")], clinical="resolved", onset="2007-02-12", abatement="2007-09-01")
    assert "reproductive" not in one(bundle(past))
    current = condition([("snomed", "72892002")], onset="2026-09-01")
    assert one(bundle(current))["reproductive"] == {"pregnant": True}
    # a pregnancy-status observation saying "not pregnant" contradicts it: left unknown, with a note
    status = {"resourceType": "Observation", "status": "final", "effectiveDateTime": "2026-11-16",
              "code": {"coding": [{"system": "http://loinc.org", "code": "82810-3"}]},
              "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "60001007"}]}}
    found = single_patient(bundle(current, status), as_of=AS_OF)
    assert "reproductive" not in found.data and any("disagree" in n for n in found.notes)


def test_lab_without_effective_date_is_undated_not_dated_by_its_report() -> None:
    hb = lab("718-7", 11.0, "g/dL")
    del hb["effectiveDateTime"]
    hb["issued"] = "2026-11-16T10:00:00Z"
    assert "date" not in one(bundle(hb))["observations"][0]


def test_active_order_whose_course_ended_is_not_ongoing() -> None:
    order = med("MedicationRequest", "filgrastim 300 MCG", status="active", intent="order", authoredOn="2026-10-01",
                dosageInstruction=[{"timing": {"repeat": {"boundsPeriod": {"start": "2026-10-01", "end": "2026-10-05"}}}}])
    [m] = one(bundle(order))["medications"]
    assert (m["start_date"], m["end_date"], m["ongoing"]) == ("2026-10-01", "2026-10-05", False)


def test_fhir_options_on_a_patient_json_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # a patient JSON has its own as_of and one patient: the options would be silently ignored
    trial = str(ROOT / "rules" / "NCT03944499.toml")
    assert main(["check", str(ROOT / "examples" / "patient.json"), "--trial", trial, "--as-of", "2026-11-20"]) == 2
    assert "--as-of are for FHIR input" in capsys.readouterr().err


def test_an_observations_method_is_kept_for_a_criterion_that_names_one() -> None:
    # QTc (LOINC 8636-3) with the correction formula in Observation.method
    qtc = dict(lab("8636-3", 455, "ms"), method={"text": "Fridericia"})
    (found,) = read_fhir(bundle(qtc), as_of=AS_OF)
    (obs,) = [o for o in found.patient.observations if o.concept == "qtc"]
    assert (obs.value, obs.method) == (455, "Fridericia")
    plain = lab("8636-3", 455, "ms")
    (found,) = read_fhir(bundle(plain), as_of=AS_OF)
    assert [o.method for o in found.patient.observations if o.concept == "qtc"] == [None]
