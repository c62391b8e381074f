"""The command line as a user runs it: ``screening check | compile | schema``.

Most cases call ``screening.cli.main(argv)`` in-process from the repository root (the paths are the
ones the README tells a user to type) and read stdout/stderr with capsys; a few run the real entry
point, ``python -m screening``, in a subprocess, so that a traceback or a stray line printed by the
interpreter itself would be seen.

Hand-checked facts used below (examples/*.json, rules/NCT03944499.toml):

* examples/patient.json (demo-001): hemoglobin 11.2 g/dL; the trial asks "hemoglobin ≥ 90g/L", so
  the value is shown in g/L: 11.2 g/dL × 10 (1 dL = 0.1 L) = 112 g/L ≥ 90 -> met.
* examples/patient_ineligible.json (demo-002): ANC 0.8 × 10^9/L, the trial asks ≥ 1.0 × 10^9/L:
  0.8 < 1.0 -> inclusion.5 not met; "brain metastases" present -> exclusion.4 (CNS metastasis).
* examples/patient_incomplete.json (demo-003): ANC 2.4 ≥ 1.0, hemoglobin 10.9 g/dL = 109 g/L ≥ 90,
  platelets 240 ≥ 100, ECOG 0, age 61 ≥ 18: nothing fails, most labs are simply absent.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from screening import load_trial
from screening.cli import main

ROOT = Path(__file__).resolve().parents[1]
TRIAL = "rules/NCT03944499.toml"
PATIENT = "examples/patient.json"
INELIGIBLE = "examples/patient_ineligible.json"
INCOMPLETE = "examples/patient_incomplete.json"
COHORTS = ["phase_ia", "phase_ib", "pivotal"]

TRIAL_IDS: list[str] = [c.id for c in load_trial(ROOT / TRIAL).criteria]
BASE: dict[str, Any] = json.loads((ROOT / PATIENT).read_text(encoding="utf-8"))
RESTATED: dict[str, str] = {
    r["id"]: r["text"]
    for r in tomllib.loads((ROOT / TRIAL).read_text(encoding="utf-8")).get("restatements", [])
}

CRITERION_KEYS = {"id", "section", "cohorts", "text", "status", "explanation", "checks"}
CHECK_KEYS = {"concept", "status", "observed", "observed_unit", "value", "unit", "required",
              "explanation"}


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths as in the README: the user runs the commands from the checkout."""
    monkeypatch.chdir(ROOT)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()  # drop anything printed before
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*argv: str) -> subprocess.CompletedProcess[str]:
    """The real console entry, from the repository root."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "screening", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
    )


def check_json(capsys: pytest.CaptureFixture[str], patient: str, *extra: str) -> Any:
    code, out, err = run(capsys, "check", patient, "--trial", TRIAL, "--format", "json", *extra)
    assert code == 0, err
    assert err == ""
    return json.loads(out)


def result_schema(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = run(capsys, "schema", "result")
    assert code == 0 and err == ""
    schema = json.loads(out)
    Draft202012Validator.check_schema(schema)
    return schema


def criterion(result: dict[str, Any], cid: str) -> dict[str, Any]:
    found = [c for c in result["criteria"] if c["id"] == cid]
    assert len(found) == 1, f"{cid} appears {len(found)} times"
    return found[0]


def text_block(out: str, cid: str) -> list[str]:
    """The lines of one criterion in the text report: its header and its indented details."""
    lines = out.splitlines()
    header = re.compile(rf"^(\s*)\[[^\]]+\] {re.escape(cid)}: ")
    for i, line in enumerate(lines):
        m = header.match(line)
        if m:
            depth = len(m.group(1))
            block = [line]
            for nxt in lines[i + 1:]:
                if re.match(rf"^\s{{0,{depth}}}\[", nxt) or not nxt.strip():
                    break
                block.append(nxt)
            return block
    raise AssertionError(f"no line for {cid} in the text report")


# --------------------------------------------------------------------------- 1. text report


def test_check_text_phase_ib(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", PATIENT, "--trial", TRIAL, "--cohort", "phase_ib")
    assert code == 0
    assert err == ""
    assert out.startswith("Trial NCT03944499, cohort phase_ib — patient demo-001")

    # Every criterion of the trial gets its own line "[status] id: text", none is dropped.
    assert {"inclusion.5", "exclusion.4", "registry.age"} <= set(TRIAL_IDS)
    for cid in TRIAL_IDS:
        assert re.search(rf"^\s*\[[^\]]+\] {re.escape(cid)}: ", out, re.M), cid

    assert "VERDICT: needs_review" in out.splitlines()

    # inclusion.5: 11.2 g/dL × 10 = 112 g/L (the threshold "≥ 90g/L" is in g/L) -> met.
    block = text_block(out, "inclusion.5")
    assert block[0].startswith("[met] inclusion.5: ")
    hb = [line for line in block if "Hemoglobin" in line and "- met:" in line]
    assert len(hb) == 1, block
    assert "11.2 g/dL" in hb[0]
    assert re.search(r"11\.2 g/dL = 112 g/L", hb[0]), hb[0]
    assert "required ≥ 90g/L" in hb[0]


def test_check_text_real_entry_point_matches_main(capsys: pytest.CaptureFixture[str]) -> None:
    proc = run_process("check", PATIENT, "--trial", TRIAL, "--cohort", "phase_ib")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    code, out, _ = run(capsys, "check", PATIENT, "--trial", TRIAL, "--cohort", "phase_ib")
    assert code == 0
    assert proc.stdout == out
    assert "VERDICT: needs_review" in proc.stdout.splitlines()


# --------------------------------------------------------------------------- 2. JSON report


def test_check_json_phase_ib(capsys: pytest.CaptureFixture[str]) -> None:
    doc = check_json(capsys, PATIENT, "--cohort", "phase_ib")
    assert isinstance(doc, dict)
    assert {"trial", "cohort", "patient_id", "verdict", "criteria"} <= set(doc)
    assert doc["trial"] == "NCT03944499"
    assert doc["cohort"] == "phase_ib"
    assert doc["patient_id"] == "demo-001"
    assert doc["verdict"] == "needs_review"
    assert [c["id"] for c in doc["criteria"]] == TRIAL_IDS

    for c in doc["criteria"]:
        assert CRITERION_KEYS <= set(c), (c["id"], CRITERION_KEYS - set(c))
        assert c["section"] in ("inclusion", "exclusion")
        for ch in c["checks"]:
            assert CHECK_KEYS <= set(ch), (c["id"], CHECK_KEYS - set(ch))
            if ch["status"] in ("unknown", "not_met"):
                assert ch["concept"] is not None, (c["id"], ch)

    # Same hemoglobin as in the text: given 11.2 g/dL, compared as 112 g/L.
    [hb] = [ch for ch in criterion(doc, "inclusion.5")["checks"] if ch["concept"] == "hemoglobin"]
    assert hb["status"] == "met"
    assert hb["observed"] == 11.2 and hb["observed_unit"] == "g/dL"
    assert hb["value"] == pytest.approx(112.0) and hb["unit"] == "g/L"

    schema = result_schema(capsys)
    validator = Draft202012Validator(schema)
    errors = [e.message for e in validator.iter_errors(doc)]
    assert errors == []
    # The schema is not vacuous: a verdict outside the contract is refused.
    assert not validator.is_valid({**doc, "verdict": "probably"})


@pytest.mark.parametrize("patient", [PATIENT, INELIGIBLE, INCOMPLETE])
def test_json_every_settled_check_names_its_concept(
    capsys: pytest.CaptureFixture[str], patient: str
) -> None:
    results = check_json(capsys, patient)
    validator = Draft202012Validator(result_schema(capsys))
    seen = 0
    for result in results:
        assert list(validator.iter_errors(result)) == []
        for c in result["criteria"]:
            for ch in c["checks"]:
                if ch["status"] in ("unknown", "not_met"):
                    seen += 1
                    assert ch["concept"], (result["cohort"], c["id"], ch)
    assert seen > 0  # every example has some unknown or not_met check


# --------------------------------------------------------------------------- 3. every cohort


def test_check_without_cohort_json_is_a_list_in_trial_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = check_json(capsys, PATIENT)
    assert isinstance(doc, list)
    assert [r["cohort"] for r in doc] == COHORTS
    assert all(r["patient_id"] == "demo-001" for r in doc)
    # Each cohort sees the other cohorts' blocks as not applicable.
    ia = doc[0]
    assert criterion(ia, "inclusion.phase_ib")["status"] == "not_applicable"
    assert criterion(ia, "inclusion.phase_ia")["status"] != "not_applicable"


def test_check_without_cohort_text_ends_with_verdict_by_cohort(
    capsys: pytest.CaptureFixture[str],
) -> None:
    verdicts = [r["verdict"] for r in check_json(capsys, PATIENT)]
    code, out, err = run(capsys, "check", PATIENT, "--trial", TRIAL)
    assert code == 0 and err == ""
    lines = out.rstrip("\n").splitlines()
    assert lines[-4:] == ["Verdict by cohort:"] + [
        f"  {c}: {v}" for c, v in zip(COHORTS, verdicts, strict=True)
    ]
    assert sum(line.startswith("VERDICT: ") for line in lines) == 3
    for c in COHORTS:
        assert f"Trial NCT03944499, cohort {c} — patient demo-001" in out


# --------------------------------------------------------------------------- 4. Markdown


def test_check_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "check", PATIENT, "--trial", TRIAL, "--cohort", "phase_ib", "--format", "markdown"
    )
    assert code == 0 and err == ""
    assert out.startswith("### Pre-screening")
    assert out.splitlines()[0] == "### Pre-screening: NCT03944499 (phase_ib)"
    lines = out.splitlines()
    header = lines.index("| Criterion | Status | Explanation |")
    assert lines[header + 1] == "|---|---|---|"
    assert "- **Verdict: needs review**" in lines
    row = [line for line in lines if line.startswith("| inclusion.5: ")]
    assert len(row) == 1 and "| met |" in row[0] and "11.2 g/dL = 112 g/L" in row[0]
    # Not-applicable criteria (the other cohorts' blocks) are left out of the table.
    assert not any(line.startswith("| inclusion.phase_ia") for line in lines)


def test_check_markdown_every_cohort(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", PATIENT, "--trial", TRIAL, "--format", "markdown")
    assert code == 0 and err == ""
    headings = [line for line in out.splitlines() if line.startswith("### ")]
    assert headings == [f"### Pre-screening: NCT03944499 ({c})" for c in COHORTS]


# --------------------------------------------------------------------------- 5, 6. example patients


def test_ineligible_patient(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads((ROOT / INELIGIBLE).read_text(encoding="utf-8"))
    [anc] = [o for o in data["observations"] if o["concept"] == "anc"]
    assert (anc["value"], anc["unit"]) == (0.8, "10^9/L")
    assert "brain" in data["tumour"]["metastatic_sites"]
    assert any(c["name"] == "brain metastases" and c["present"] for c in data["conditions"])

    results = check_json(capsys, INELIGIBLE)
    assert [r["cohort"] for r in results] == COHORTS
    for r in results:
        assert r["verdict"] == "ineligible", r["cohort"]
        # inclusion.5: ANC 0.8 < 1.0 × 10^9/L. exclusion.4: brain metastases are CNS metastases.
        # Nothing else fails: Hb 118 g/L ≥ 90, platelets 185 ≥ 100, creatinine 70/90 = 0.78 ULN,
        # the other labs are missing (unknown, never a failure).
        assert sorted(r["failed"]) == ["exclusion.4", "inclusion.5"], r["cohort"]
        inc5 = criterion(r, "inclusion.5")
        assert inc5["status"] == "not_met"
        [anc_check] = [ch for ch in inc5["checks"] if ch["concept"] == "anc"]
        assert anc_check["status"] == "not_met"
        assert anc_check["observed"] == 0.8 and anc_check["value"] == pytest.approx(0.8)
        assert anc_check["unit"] == "10^9/L"
        exc4 = criterion(r, "exclusion.4")
        assert exc4["status"] == "not_met"  # an exclusion is "not met" when the patient has it
        assert [ch["concept"] for ch in exc4["checks"]] == ["cns_metastases"]
        assert exc4["checks"][0]["status"] == "met"

    code, out, err = run(capsys, "check", INELIGIBLE, "--trial", TRIAL, "--cohort", "pivotal")
    assert code == 0 and err == ""  # exit 0 whatever the verdict
    assert "VERDICT: ineligible" in out.splitlines()
    assert "  failed: inclusion.5, exclusion.4" in out.splitlines()


def test_incomplete_patient(capsys: pytest.CaptureFixture[str]) -> None:
    results = check_json(capsys, INCOMPLETE)
    assert [r["cohort"] for r in results] == COHORTS
    for r in results:
        assert r["patient_id"] == "demo-003"
        assert r["verdict"] == "needs_review", r["cohort"]
        assert r["failed"] == [], r["cohort"]
        assert r["missing_data"], r["cohort"]
        # No bilirubin was given: the report says which data would settle inclusion.5.
        assert "Total bilirubin (total_bilirubin)" in r["missing_data"]
        assert "inclusion.5" in r["unknown"]
        [hb] = [ch for ch in criterion(r, "inclusion.5")["checks"] if ch["concept"] == "hemoglobin"]
        assert hb["value"] == pytest.approx(109.0)  # 10.9 g/dL × 10

    code, out, err = run(capsys, "check", INCOMPLETE, "--trial", TRIAL, "--cohort", "phase_ia")
    assert code == 0 and err == ""
    assert "VERDICT: needs_review" in out.splitlines()
    assert any(line.startswith("  missing data: ") for line in out.splitlines())
    assert not any(line.startswith("  failed:") for line in out.splitlines())


# --------------------------------------------------------------------------- 7. compile


def test_compile_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "compile", TRIAL)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("NCT03944499: ")
    assert lines[1] == ("cohorts: phase_ia (Phase Ia dose escalation), "
                        "phase_ib (Phase Ib dose expansion), pivotal (Pivotal study)")
    assert "restated by the curator" in out
    assert "needs review" in out
    for cid in TRIAL_IDS:
        assert re.search(rf"^{re.escape(cid)}( \[[^\]]*\])?: ", out, re.M), cid
    # Every curated restatement in the rules file is shown, with its reason after it.
    assert RESTATED
    for text in RESTATED.values():
        assert f"  restated by the curator: {text}  (" in out, text
    assert re.fullmatch(rf"{len(TRIAL_IDS)} criteria; ([2-9]|\d\d+) parts need review", lines[-1])


def test_compile_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "compile", TRIAL, "--format", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["nct_id"] == "NCT03944499"
    assert [c["id"] for c in doc["criteria"]] == TRIAL_IDS
    assert [c["id"] for c in doc["cohorts"]] == COHORTS
    by_id = {c["id"]: c for c in doc["criteria"]}
    assert RESTATED
    for cid, text in RESTATED.items():
        assert by_id[cid]["restated"] == text, cid
    assert by_id["inclusion.5"]["restated"] is None
    assert by_id["inclusion.5"]["predicate"] is not None


# --------------------------------------------------------------------------- 8. patient schema


def test_schema_patient_validates_examples() -> None:
    proc = run_process("schema", "patient")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    schema = json.loads(proc.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    examples = sorted(p for p in (ROOT / "examples").glob("*.json") if "resourceType" not in p.read_text(encoding="utf-8"))  # FHIR: test_fhir
    assert len(examples) >= 3
    for path in examples:
        errors = [e.message for e in validator.iter_errors(json.loads(path.read_text("utf-8")))]
        assert errors == [], path.name
    # Unknown fields are refused by the schema too, as by the program.
    assert not validator.is_valid({**BASE, "favourite_colour": "blue"})


# --------------------------------------------------------------------------- 9, 10. bad input


def write_patient(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of examples/patient.json with one thing changed."""
    data = copy.deepcopy(BASE)
    change(data)
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def the_error_line(code: int, out: str, err: str) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr, no traceback."""
    assert code == 2, (code, err)
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, lines
    assert err.endswith("\n")
    assert lines[0].startswith("screening: error: ")
    return lines[0]


def check_bad(capsys: pytest.CaptureFixture[str], patient: Path | str, *extra: str) -> str:
    code, out, err = run(capsys, "check", str(patient), "--trial", TRIAL, *extra)
    return the_error_line(code, out, err)


def _lab(concept: str, **fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        [obs] = [o for o in data["observations"] if o.get("concept") == concept]
        obs.update(fields)

    return change


def _malformed(tmp_path: Path) -> Path:
    # A doubled comma after "as_of" on line 3: '  "as_of": "2026-11-20",,' -> 2 spaces +
    # '"as_of":' (8) + ' ' + '"2026-11-20"' (12) + ',' = 24 characters, so column 25.
    text = (ROOT / PATIENT).read_text(encoding="utf-8")
    assert text.splitlines()[2] == '  "as_of": "2026-11-20",'
    path = tmp_path / "patient.json"
    path.write_text(text.replace('"as_of": "2026-11-20",', '"as_of": "2026-11-20",,', 1), "utf-8")
    return path


def test_bad_json_names_line_and_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _malformed(tmp_path)
    line = check_bad(capsys, path)
    assert str(path) in line
    assert "line 3 column 25" in line
    assert "invalid JSON" in line


def test_bad_json_real_entry_point(tmp_path: Path) -> None:
    path = _malformed(tmp_path)
    proc = run_process("check", str(path), "--trial", TRIAL, "--cohort", "phase_ib")
    line = the_error_line(proc.returncode, proc.stdout, proc.stderr)
    assert f"{path}: line 3 column 25: invalid JSON" in line


def test_unknown_field(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_patient(tmp_path, lambda d: d.update(favourite_colour="blue"))
    line = check_bad(capsys, path)
    assert line == f"screening: error: {path}: favourite_colour: unknown field"


def test_unknown_nested_field_names_its_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_patient(tmp_path, _lab("hemoglobin", favourite_colour="blue"))
    line = check_bad(capsys, path)
    # hemoglobin is observations[1] in examples/patient.json
    assert f"{path}: observations[1].favourite_colour: unknown field" in line


def test_negative_prior_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_patient(tmp_path, lambda d: d["tumour"].update(prior_lines=-1))
    line = check_bad(capsys, path)
    assert str(path) in line
    assert "tumour.prior_lines" in line
    assert ">= 0" in line and "-1" in line


def test_impossible_date(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_patient(tmp_path, _lab("hemoglobin", date="2023-02-30"))  # February has 28 days
    line = check_bad(capsys, path)
    assert str(path) in line
    assert "observations[1].date" in line
    assert "2023-02-30" in line


def test_missing_patient_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "no_such_patient.json"
    line = check_bad(capsys, path)
    assert line == f"screening: error: {path}: no such file"


def test_missing_trial_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    trial = tmp_path / "NCT00000000.toml"
    code, out, err = run(capsys, "check", PATIENT, "--trial", str(trial))
    line = the_error_line(code, out, err)
    assert str(trial) in line
    assert "no such file" in line.lower()


def test_missing_trial_file_compile(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    trial = tmp_path / "NCT00000000.toml"
    code, out, err = run(capsys, "compile", str(trial))
    line = the_error_line(code, out, err)
    assert str(trial) in line and "no such file" in line.lower()


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_unknown_cohort_lists_the_known_ones(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    line = check_bad(capsys, PATIENT, "--cohort", "phase_ii", "--format", fmt)
    assert "'phase_ii'" in line
    assert "phase_ia, phase_ib, pivotal" in line


def test_wrong_unit_dimension(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # ANC is a count per volume; mg/dL is a mass concentration: no conversion exists.
    path = write_patient(tmp_path, _lab("anc", value=1.5, unit="mg/dL"))
    line = check_bad(capsys, path)
    assert "1.5 mg/dL" in line
    assert "anc" in line
    assert "observations[0]" in line


def test_unknown_unit_spelling(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_patient(tmp_path, _lab("hemoglobin", unit="furlongs"))
    line = check_bad(capsys, path)
    assert "'furlongs'" in line
    assert "observations[1]" in line and "hemoglobin" in line


@pytest.mark.parametrize(
    "change",
    [_lab("anc", value=1.5, unit="mg/dL"), _lab("hemoglobin", unit="furlongs")],
    ids=["wrong_dimension", "unknown_spelling"],
)
def test_unit_errors_name_the_patient_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, change: Callable[[dict[str, Any]], None]
) -> None:
    path = write_patient(tmp_path, change)
    line = check_bad(capsys, path)
    assert str(path) in line


def test_a_check_line_names_its_status_once() -> None:
    # "- needs review: needs review: …" repeated the status the explanation already opens with
    from screening import screen
    from screening.compile import compile_trial
    from screening.report import to_text
    from screening.rules import trial_from_text

    trial = compile_trial(trial_from_text("Inclusion Criteria:\n- Breast cancer\n- Any condition the investigator "
                                          "believes may affect compliance\n", nct_id="NCT00000000"))
    text = to_text(screen(trial, {"patient_id": "x", "as_of": "2026-01-01"}))
    assert "needs review: needs review" not in text and "unknown: unknown" not in text
    assert "- needs review: " in text and "- unknown: " in text


def test_compile_counts_one_part_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "t.txt"
    text.write_text("Inclusion Criteria:\n- ECOG 0 or 1\n- Willingness to eat broccoli daily\n", encoding="utf-8")
    assert main(["compile", str(text)]) == 0
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == "2 criteria; 1 part needs review"
