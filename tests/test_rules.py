"""Trial rules files: the seed trial's file, and one-line errors for broken files."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest
from pydantic import ValidationError

from screening.errors import TrialFileError
from screening.rules import TrialFile, load_trial_file

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "rules" / "NCT03944499.toml"
SHARED = Path(__file__).resolve().parents[2] / "shared"

MINIMAL = """\
criteria = '''
Inclusion Criteria
1. Age >= 18
Cohort A:
1. HER2 positive
'''

[trial]
nct_id = "NCT00000001"
title = "A test trial"
phase = "PHASE2"
minimum_age = "18 Years"
maximum_age = ""
sex = "ALL"
healthy_volunteers = false
source = "test"
"""


def write(tmp_path: Path, text: str, name: str = "trial.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def error_of(path: Path) -> str:
    with pytest.raises(TrialFileError) as info:
        load_trial_file(path)
    message = str(info.value)
    assert "\n" not in message, "errors are one line"
    assert message.startswith(f"{path}: ")
    return message[len(f"{path}: ") :]


# --------------------------------------------------------------------------- the seed file


def test_seed_file_metadata_and_settings() -> None:
    t = load_trial_file(SEED)
    assert t.trial.nct_id == "NCT03944499"
    assert t.trial.title.startswith("Phase 1 Study of FS-1502")
    assert (t.trial.phase, t.trial.minimum_age, t.trial.maximum_age) == ("PHASE1", "18 Years", "")
    assert (t.trial.sex, t.trial.healthy_volunteers) == ("ALL", False)
    assert t.trial.source == "ClinicalTrials.gov record, last updated 2025-09-15"
    assert t.settings.max_lab_age_days == 28 and t.settings.cockcroft_gault_weight == "actual"
    # every restatement names a criterion of the seed and says why
    assert {r.id for r in t.restatements} == {
        "inclusion.phase_ib", "inclusion.pivotal", "exclusion.8", "exclusion.9.1",
        "exclusion.13", "exclusion.14"}
    assert all(len(r.reason) > 20 for r in t.restatements)


def test_seed_file_cohorts() -> None:
    t = load_trial_file(SEED)
    assert [c.id for c in t.cohorts] == ["phase_ia", "phase_ib", "pivotal"]
    assert t.cohort_headings() == {
        "phase_ia": ["Phase Ia dose-escalation study"],
        "phase_ib": ["Phase Ib dose-expanded study"],
        "pivotal": ["Pivotal clinical study"],
    }
    assert t.cohort_children() == {"phase_ia": "any"}  # only what the curator set
    assert all(c.curator_note for c in t.cohorts)


def test_seed_criteria_keeps_the_registry_text() -> None:
    """Independent of /work/shared: the escapes and the odd numbering survive TOML."""
    criteria = load_trial_file(SEED).criteria
    assert "Serum creatinine \\< 1.5x ULN" in criteria
    assert "\\<" in criteria and "\\>" in criteria
    assert "2. Phase Ia dose-escalation study:" in criteria.splitlines()
    assert criteria.startswith("Inclusion Criteria\n2. Phase Ia") and criteria.endswith("ICF.\n")


def test_seed_criteria_equals_the_shared_text() -> None:
    shared = SHARED / "seed-trial" / "NCT03944499.criteria.txt"
    if not shared.exists():
        pytest.skip("/work/shared is not available in this checkout")
    assert load_trial_file(SEED).criteria == shared.read_bytes().decode("utf-8")


def test_seed_metadata_matches_the_registry_record() -> None:
    meta = SHARED / "seed-trial" / "NCT03944499.meta.json"
    if not meta.exists():
        pytest.skip("/work/shared is not available in this checkout")
    import json

    m = json.loads(meta.read_text(encoding="utf-8"))
    t = load_trial_file(SEED).trial
    assert (t.nct_id, t.title, t.phase, t.sex) == (m["nct_id"], m["title"], m["phase"], m["sex"])
    assert t.minimum_age == m["minimum_age"] and t.maximum_age == (m["maximum_age"] or "")
    assert t.healthy_volunteers == m["healthy_volunteers"]


def test_sha256_is_of_the_file_bytes(tmp_path: Path) -> None:
    t = load_trial_file(SEED)
    assert t.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert t.path == SEED
    p = write(tmp_path, MINIMAL.replace('cohorts = ""', "") + "\n# a comment changes the hash\n")
    assert load_trial_file(p).sha256 != load_trial_file(write(tmp_path, MINIMAL, "b.toml")).sha256


def test_models_are_frozen() -> None:
    t = load_trial_file(SEED)
    with pytest.raises(ValidationError):
        t.trial.nct_id = "NCT00000000"  # type: ignore[misc]


def test_minimal_file_defaults(tmp_path: Path) -> None:
    t = load_trial_file(write(tmp_path, MINIMAL))
    assert t.settings.max_lab_age_days == 28 and t.cohorts == () and t.restatements == ()
    assert isinstance(t, TrialFile)


def test_cohorts_and_restatements(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + '\n[[cohorts]]\nid = "a"\nlabel = "Cohort A"\nheadings = ["cohort a"]\n'
        + '\n[[restatements]]\nid = "inclusion.1"\ntext = "age >= 18 years"\nreason = "test"\n'
    )
    t = load_trial_file(write(tmp_path, text))
    assert t.cohorts[0].children is None and t.cohort_children() == {}
    assert t.restatements[0].id == "inclusion.1"


# --------------------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.toml").startswith("cannot read file")


def test_toml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    text = MINIMAL + "\n[settings]\nmax_lab_age_days 28\n"
    line = text.splitlines().index("max_lab_age_days 28") + 1
    msg = error_of(write(tmp_path, text))
    assert msg.startswith(f"line {line}, column 18: TOML syntax error: Expected '='"), msg


def test_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "latin1.toml"
    p.write_bytes(MINIMAL.replace("A test trial", "Caf\xe9").encode("latin-1"))
    assert "not UTF-8" in error_of(p)


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda s: s.replace('sex = "ALL"', 'sex = "BOTH"'), "trial.sex: Input should be"),
        (lambda s: s + "colour = 1\n", "trial.colour: unknown field"),
        (lambda s: s.replace('nct_id = "NCT00000001"', 'nct_id = "NCT1"'), "trial.nct_id: "),
        (lambda s: s.replace('title = "A test trial"\n', ""), "trial.title: required field is missing"),
        (lambda s: s + '\n[settings]\ncockcroft_gault_weight = "lean"\n', "settings.cockcroft_gault_weight"),
        (lambda s: s + "\n[settings]\nmax_lab_age_days = 0\n", "settings.max_lab_age_days"),
        (
            lambda s: s + '\n[[cohorts]]\nid = "a"\nlabel = "A"\nheadings = ["Cohort A"]\nchildren = "some"\n',
            "cohorts[0].children",
        ),
        (
            lambda s: s + '\n[[cohorts]]\nid = "Bad Id"\nlabel = "A"\nheadings = ["Cohort A"]\n',
            "cohorts[0].id",
        ),
        (
            lambda s: s + '\n[[cohorts]]\nid = "b"\nlabel = "B"\nheadings = ["Cohort B"]\n',
            "cohorts[0].headings[0]: heading 'Cohort B' does not occur",
        ),
        (
            lambda s: s
            + '\n[[cohorts]]\nid = "a"\nlabel = "A"\nheadings = ["Cohort A"]\n'
            + '\n[[cohorts]]\nid = "a"\nlabel = "A2"\nheadings = ["Cohort A"]\n',
            "cohorts[1].id: duplicate cohort id 'a'",
        ),
        (
            lambda s: s + '\n[[restatements]]\nid = "inclusion"\ntext = "x"\nreason = "y"\n',
            "restatements[0].id",
        ),
        (lambda s: s.replace("criteria = '''", "criteria_text = '''"), "criteria: required field"),
    ],
)
def test_field_errors_name_the_field(tmp_path: Path, edit, expected: str) -> None:  # type: ignore[no-untyped-def]
    msg = error_of(write(tmp_path, edit(MINIMAL)))
    assert expected in msg, msg


def test_error_pickles() -> None:
    err = TrialFileError("trial.sex: bad", location="x.toml")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == "x.toml: trial.sex: bad" and isinstance(again, TrialFileError)
