"""Patient input: the examples load, the schema describes them, and bad input fails on one line.

Every user-facing error must be an ``InputError`` naming the file and the field path; nothing
else (no pydantic ``ValidationError``, no ``TypeError``) may escape ``parse_patient``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import pickle
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from screening import patient as patient_module
from screening.errors import InputError
from screening.patient import (
    Her2,
    Observation,
    Patient,
    PerformanceStatus,
    format_location,
    load_patient,
    parse_patient,
    patient_json_schema,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXAMPLE_FILES = ["patient.json", "patient_ineligible.json", "patient_incomplete.json"]


def _write(tmp_path: Path, text: str, name: str = "p.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(data: Any) -> str:
    with pytest.raises(InputError) as info:
        parse_patient(data)
    return str(info.value)


def _obs(**fields: Any) -> dict[str, Any]:
    return {"patient_id": "p1", "observations": [{"concept": "anc", **fields}]}


# --------------------------------------------------------------------------- examples and schema


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_examples_load(name: str) -> None:
    patient = load_patient(EXAMPLES / name)
    assert patient.patient_id
    assert patient.as_of == dt.date(2026, 11, 20)


def test_schema_is_valid_draft_2020_12() -> None:
    schema = patient_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] and schema["description"]
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_examples_validate_against_schema(name: str) -> None:
    validator = jsonschema.Draft202012Validator(
        patient_json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(json.loads((EXAMPLES / name).read_text(encoding="utf-8")))


def test_schema_refuses_unknown_fields_too() -> None:
    """Editors validating with the schema must catch the same misspellings as load_patient."""
    validator = jsonschema.Draft202012Validator(patient_json_schema())
    assert not validator.is_valid({"patient_id": "x", "demographics": {"favourite_colour": "red"}})
    assert not validator.is_valid({"patient_id": "x", "bogus": 1})


def test_schema_documents_fields() -> None:
    schema = patient_json_schema()
    obs = schema["$defs"]["Observation"]["properties"]
    assert "LOINC" in obs["loinc"]["description"]
    assert schema["properties"]["as_of"]["description"]


def test_eligible_example_hand_arithmetic() -> None:
    """patient.json is meant to pass every NCT03944499 data check; the arithmetic, by hand."""
    p = load_patient(EXAMPLES / "patient.json")
    labs = {o.concept: o for o in p.observations}

    def num(concept: str) -> float:
        value = labs[concept].value
        assert isinstance(value, float)
        return value

    # Age on as_of: born 1970-03-14, screened 2026-11-20 -> 56 completed years (>= 18).
    birth = p.demographics.birth_date
    assert birth is not None and p.as_of is not None
    age = p.as_of.year - birth.year - ((p.as_of.month, p.as_of.day) < (birth.month, birth.day))
    assert age == 56
    assert num("anc") == 1.8 and labs["anc"].unit == "10^9/L"  # 1.8 >= 1.0 x10^9/L
    assert num("hemoglobin") * 10 == pytest.approx(112)  # 11.2 g/dL = 112 g/L >= 90
    assert num("platelets") * 1e6 / 1e9 == pytest.approx(210)  # 210000/uL = 210 x10^9/L >= 100
    bili = labs["total_bilirubin"]
    assert bili.reference_range is not None and bili.reference_range.high == 21
    assert num("total_bilirubin") / 21 == pytest.approx(0.571, abs=1e-3)  # <= 1.5 x ULN
    assert num("ast") / 40 == pytest.approx(1.7)  # <= 2.5 x ULN (<= 5 with liver metastases)
    assert num("alt") / 40 == pytest.approx(1.375)  # <= 2.5 x ULN
    assert num("creatinine") / 1.1 == pytest.approx(0.727, abs=1e-3)  # < 1.5 x ULN
    # Cockcroft-Gault (female): (140 - 56) * 62 kg / (72 * 0.8 mg/dL) * 0.85 = 76.85 mL/min >= 50
    weight = p.demographics.weight
    assert weight is not None and weight.unit == "kg" and p.demographics.sex == "female"
    crcl = (140 - age) * weight.value / (72 * num("creatinine")) * 0.85
    assert crcl == pytest.approx(76.85, abs=0.01)
    assert num("potassium") == 4.1  # 4.1 mEq/L = 4.1 mmol/L (monovalent) >= 3.5
    assert num("albumin") / 10 == pytest.approx(3.8)  # 38 g/L = 3.8 g/dL >= 3
    assert num("lvef") == 60  # > 50 %
    assert num("qtc") == 430  # <= 470 ms
    assert labs["urine_protein_dipstick"].value == "negative"  # <= 1+
    assert labs["hbsag"].value == "negative"  # so no active hepatitis B without HBV DNA
    for o in p.observations:  # every lab within 14 days of as_of
        assert o.date is not None and 0 <= (p.as_of - o.date).days <= 14
    assert [(h.ihc, h.ish) for h in p.her2] == [("2+", "positive")]  # IHC2+/FISH+
    assert p.performance_status[0].value == 1
    assert p.tumour.prior_lines == 3 and p.tumour.prior_anti_her2_lines == 2
    assert p.tumour.measurable_disease is True and "liver" in p.tumour.metastatic_sites
    assert all(not c.present for c in p.conditions)
    assert not any("adc" in (m.drug_class or "").lower() for m in p.medications)
    assert p.reproductive.pregnant is False and p.reproductive.lactating is False
    assert set(p.complete_records) == {"conditions", "medications", "procedures"}


def test_ineligible_example_fails_clearly() -> None:
    p = load_patient(EXAMPLES / "patient_ineligible.json")
    anc = next(o for o in p.observations if o.concept == "anc")
    assert anc.value == 0.8 and anc.unit == "10^9/L"
    assert any(c.present and "brain" in (c.name or "") for c in p.conditions)


def test_incomplete_example_is_sparse() -> None:
    p = load_patient(EXAMPLES / "patient_incomplete.json")
    assert p.her2 == [] and p.tumour.prior_lines is None and p.complete_records == []
    assert {o.concept for o in p.observations} == {"anc", "hemoglobin", "platelets"}


# --------------------------------------------------------------------------- file errors


def test_unknown_field_names_file_and_path(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"patient_id": "x", "demographics": {"favourite_colour": "red"}}')
    with pytest.raises(InputError) as info:
        load_patient(path)
    assert str(info.value) == f"{path}: demographics.favourite_colour: unknown field"
    assert "\n" not in str(info.value)


def test_unknown_field_suggests_close_name(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"patient_id": "x", "observations": [{"concpt": "anc", "value": 1}]}')
    with pytest.raises(InputError, match=r"observations\[0\]\.concpt: unknown field .*'concept'"):
        load_patient(path)


def test_malformed_json_gives_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, '{\n  "patient_id": "x",\n}\n')
    with pytest.raises(InputError) as info:
        load_patient(path)
    assert str(info.value).startswith(f"{path}: line 3 column 1: invalid JSON: ")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(InputError) as info:
        load_patient(path)
    assert str(info.value) == f"{path}: no such file"


def test_impossible_date_names_field(tmp_path: Path) -> None:
    obs = [
        {"concept": "anc", "value": 1.5, "unit": "10^9/L", "date": f"2023-01-0{i}"} for i in (1, 2)
    ]
    obs.append({"concept": "anc", "value": 1.5, "unit": "10^9/L", "date": "2023-02-30"})
    path = _write(tmp_path, json.dumps({"patient_id": "x", "observations": obs}), "bad.json")
    with pytest.raises(InputError) as info:
        load_patient(path)
    assert str(info.value).startswith(f"{path}: observations[2].date: invalid date '2023-02-30'")


def test_top_level_must_be_object(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="must be a JSON object, got a list"):
        load_patient(_write(tmp_path, "[]"))


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="duplicate key 'as_of'"):
        load_patient(_write(tmp_path, '{"patient_id": "x", "as_of": "2026-01-01", "as_of": null}'))


def test_json_nan_literal_is_refused(tmp_path: Path) -> None:
    text = '{"patient_id": "x", "observations": [{"concept": "anc", "value": NaN}]}'
    with pytest.raises(InputError, match=r"observations\[0\]\.value: not a finite number"):
        load_patient(_write(tmp_path, text))


def test_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b'\xef\xbb\xbf{"patient_id": "x"}')
    assert load_patient(path).patient_id == "x"


def test_several_errors_are_counted() -> None:
    message = _error(
        {"patient_id": "x", "tumour": {"prior_lines": -1, "prior_anti_her2_lines": -2}}
    )
    assert message.startswith("<patient>: tumour.prior_lines: ")
    assert message.endswith("(+1 more)")


def test_source_names_dict_input() -> None:
    with pytest.raises(InputError, match=r"^row 7: patient_id: required field is missing$"):
        parse_patient({}, source="row 7")


# --------------------------------------------------------------------------- validation rules


def test_negative_prior_lines() -> None:
    message = _error({"patient_id": "x", "tumour": {"prior_lines": -1}})
    assert message == "<patient>: tumour.prior_lines: must be >= 0, got -1"


@pytest.mark.parametrize("age", [-1, 130.5, 200])
def test_age_out_of_range(age: float) -> None:
    assert "demographics.age_years: must be" in _error(
        {"patient_id": "x", "demographics": {"age_years": age}}
    )


def test_age_must_agree_with_birth_date() -> None:
    data = {
        "patient_id": "x",
        "as_of": "2026-11-20",
        "demographics": {"birth_date": "1970-03-14", "age_years": 40},
    }
    assert "demographics.age_years: age_years 40 does not match" in _error(data)
    for age in (56, 56.5, 57):  # exact age 56.68: completed years and rounding both pass
        data["demographics"]["age_years"] = age  # type: ignore[index]
        assert parse_patient(data).demographics.age_years == age


def test_empty_patient_id() -> None:
    assert _error({"patient_id": "  "}) == "<patient>: patient_id: must not be empty"


def test_date_after_as_of_names_field() -> None:
    data = {
        "patient_id": "x",
        "as_of": "2026-11-20",
        "conditions": [{"name": "MI", "onset_date": "2026-12-01"}],
    }
    message = _error(data)
    assert message.startswith("<patient>: conditions[0].onset_date: date 2026-12-01 is after")
    assert "as_of 2026-11-20" in message


def test_date_in_future_without_as_of() -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    data = _obs(value=1.0, unit="10^9/L", date=tomorrow.isoformat())
    assert f"observations[0].date: date {tomorrow} is after today" in _error(data)


def test_resolved_before_onset() -> None:
    data = {
        "patient_id": "x",
        "conditions": [
            {"name": "hepatitis", "onset_date": "2020-05-01", "resolved_date": "2020-01-01"}
        ],
    }
    assert "conditions[0].resolved_date: resolved_date 2020-01-01 is before onset_date" in _error(
        data
    )


def test_resolved_date_implies_resolved_status() -> None:
    data = {"patient_id": "x", "conditions": [{"name": "hepatitis", "resolved_date": "2020-01-01"}]}
    assert parse_patient(data).conditions[0].status == "resolved"


def test_medication_end_before_start() -> None:
    data = {
        "patient_id": "x",
        "medications": [
            {"name": "filgrastim", "start_date": "2026-01-10", "end_date": "2026-01-01"}
        ],
    }
    assert "medications[0].end_date: end_date 2026-01-01 is before start_date" in _error(data)


@pytest.mark.parametrize(
    "bad",
    [float("nan"), float("inf"), float("-inf"), "NaN", "Infinity", 10**400, "1e999"],
)
def test_non_finite_values_rejected(bad: Any) -> None:
    assert "observations[0].value: not a finite number" in _error(_obs(value=bad, unit="x"))


def test_non_finite_weight_rejected() -> None:
    data = {"patient_id": "x", "demographics": {"weight": {"value": math.inf, "unit": "kg"}}}
    assert "demographics.weight.value: not a finite number" in _error(data)


def test_quantity_requires_a_unit() -> None:
    message = _error({"patient_id": "x", "demographics": {"weight": 62}})
    assert message.startswith("<patient>: demographics.weight: give a unit")


def test_observation_needs_concept_or_loinc() -> None:
    message = _error({"patient_id": "x", "observations": [{"value": 1.0}]})
    assert message.startswith('<patient>: observations[0]: say what was measured: give "concept"')
    assert parse_patient({"patient_id": "x", "observations": [{"loinc": "2160-0", "value": 1}]})


def test_loinc_shape() -> None:
    data = {"patient_id": "x", "observations": [{"loinc": "creatinine", "value": 1}]}
    assert "observations[0].loinc" in _error(data)


def test_observation_value_wrong_type() -> None:
    assert "observations[0].value: value must be a number or a text" in _error(_obs(value=[1]))
    assert 'write "positive" or "negative"' in _error(_obs(value=True))


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("written", "value", "comparator", "unit"),
    [
        ("<0.5", 0.5, "<", None),
        (">1000", 1000.0, ">", None),
        ("<= 20", 20.0, "<=", None),
        ("≥3", 3.0, ">=", None),
        ("1.8", 1.8, None, None),
        ("0.8 mg/dL", 0.8, None, "mg/dL"),
        ("<20 IU/mL", 20.0, "<", "IU/mL"),
        ("60%", 60.0, None, "%"),
    ],
)
def test_value_strings_split(
    written: str, value: float, comparator: str | None, unit: str | None
) -> None:
    obs = parse_patient(_obs(value=written)).observations[0]
    assert (obs.value, obs.comparator, obs.unit) == (value, comparator, unit)


@pytest.mark.parametrize("categorical", ["1+", "2+", "trace", "positive", "not detected", "<LLOQ"])
def test_categorical_values_stay_text(categorical: str) -> None:
    obs = parse_patient(_obs(value=categorical)).observations[0]
    assert obs.value == categorical and obs.comparator is None


def test_comparator_conflict_and_categorical_comparator() -> None:
    assert "observations[0].comparator: comparator '>' contradicts value '<0.5'" in _error(
        _obs(value="<0.5", comparator=">")
    )
    assert "comparator needs a numeric value" in _error(_obs(value="positive", comparator="<"))
    assert parse_patient(_obs(value="<0.5", comparator="<")).observations[0].comparator == "<"


def test_unit_conflict_with_value_string() -> None:
    assert "observations[0].unit" in _error(_obs(value="0.8 mg/dL", unit="umol/L"))


def test_observation_direct_construction_splits_too() -> None:
    obs = Observation(concept="hbv_dna", value=">1000", unit="IU/mL")
    assert (obs.value, obs.comparator) == (1000.0, ">")


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("3+", "3+"),
        ("IHC 3+", "3+"),
        ("IHC3+", "3+"),
        (3, "3+"),
        ("ihc 2+", "2+"),
        ("2", "2+"),
        (1, "1+"),
        (0, "0"),
        ("IHC 0", "0"),
        ("0", "0"),
    ],
)
def test_ihc_spellings(written: Any, canonical: str) -> None:
    assert Her2(ihc=written).ihc == canonical


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("pos", "positive"),
        ("amplified", "positive"),
        ("+", "positive"),
        ("FISH+", "positive"),
        ("neg", "negative"),
        ("not amplified", "negative"),
        ("-", "negative"),
        ("Negative", "negative"),
        ("equivocal", "equivocal"),
    ],
)
def test_ish_spellings(written: str, canonical: str) -> None:
    assert Her2(ish=written).ish == canonical


def test_her2_bad_spelling_and_empty_test() -> None:
    assert "her2[0].ihc" in _error({"patient_id": "x", "her2": [{"ihc": "4+"}]})
    assert "her2[0]: a HER2 test needs a result" in _error({"patient_id": "x", "her2": [{}]})


@pytest.mark.parametrize(
    ("scale", "value"), [("karnofsky", 75), ("karnofsky", 110), ("ecog", 6), ("ecog", -1)]
)
def test_performance_status_out_of_scale(scale: str, value: int) -> None:
    data = {"patient_id": "x", "performance_status": [{"scale": scale, "value": value}]}
    assert "performance_status[0].value: " in _error(data)


def test_performance_status_valid() -> None:
    assert PerformanceStatus(scale="karnofsky", value=70).value == 70
    assert PerformanceStatus.model_validate({"scale": "ECOG", "value": 1}).scale == "ecog"


def test_datetime_strings_keep_the_date() -> None:
    for written in ("2026-11-10T23:30:00", "2026-11-10T08:00:00Z", "2026-11-10 08:00:00+02:00"):
        data = _obs(value=1.0, unit="10^9/L", date=written)
        assert parse_patient(data).observations[0].date == dt.date(2026, 11, 10)


@pytest.mark.parametrize("written", ["03/02/2023", "2023-13-01", "yesterday", 20230101])
def test_unreadable_dates(written: Any) -> None:
    assert "observations[0].date: invalid date" in _error(_obs(value=1.0, date=written))


def test_case_insensitive_codes() -> None:
    data = {
        "patient_id": "x",
        "demographics": {"sex": "F"},
        "conditions": [{"code": "I21.9", "system": "ICD-10"}],
        "medications": [{"code": 224905, "system": "RxNorm"}],
    }
    p = parse_patient(data)
    assert p.demographics.sex == "female"
    assert p.conditions[0].system == "icd10"
    assert p.medications[0].code == "224905" and p.medications[0].system == "rxnorm"


# --------------------------------------------------------------------------- models and helpers


def test_defaults_and_frozen() -> None:
    p = Patient(patient_id="x")
    assert p.as_of is None and p.observations == [] and p.demographics.sex is None
    with pytest.raises(ValidationError):
        p.patient_id = "y"  # type: ignore[misc]


def test_every_model_forbids_extra_and_is_frozen() -> None:
    models = [
        obj
        for obj in vars(patient_module).values()
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel
    ]
    assert len(models) == 14  # 13 + Unreadable (values a FHIR source holds but cannot be used)
    for model in models:
        assert model.model_config.get("extra") == "forbid", model
        assert model.model_config.get("frozen") is True, model
        for name, field in model.model_fields.items():
            assert field.description, (model, name)


@pytest.mark.parametrize(
    ("loc", "text"),
    [
        (("observations", 2, "date"), "observations[2].date"),
        ((), ""),
        (("as_of",), "as_of"),
        ((0, "x"), "[0].x"),
        (("her2", 0), "her2[0]"),
    ],
)
def test_format_location(loc: tuple[Any, ...], text: str) -> None:
    assert format_location(loc) == text


def test_errors_pickle_round_trip(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"patient_id": "x", "tumour": {"prior_lines": -1}}')
    with pytest.raises(InputError) as info:
        load_patient(path)
    err = info.value
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is InputError
    assert str(back) == str(err) and back.message == err.message and back.location == err.location


def test_patient_round_trips_through_json() -> None:
    p = load_patient(EXAMPLES / "patient.json")
    assert parse_patient(json.loads(p.model_dump_json())) == p


def test_module_stays_light() -> None:
    """patient.py is imported by the CLI before it knows whether pint or lark are needed."""
    import ast

    tree = ast.parse(Path(patient_module.__file__).read_text(encoding="utf-8"))
    roots = {
        (node.module or "").split(".")[0]
        if isinstance(node, ast.ImportFrom)
        else alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert roots <= {"__future__", "datetime", "difflib", "json", "math", "re", "typing",
                     "pathlib", "pydantic", "pydantic_core", "screening"}  # fmt: skip


# --------------------------------------------------------------------------- property


_FIELD_NAMES = sorted(
    {
        name
        for obj in vars(patient_module).values()
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel
        for name in obj.model_fields
    }
)
_TRICKY = [
    "2023-02-30", "2026-11-01", "2026-11-01T10:00:00Z", "2999-01-01", "<0.5", ">1000", "1+",
    "IHC 3+", "pos", "nan", "-inf", "1e999", "ecog", "karnofsky", "female", "snomed", "kg", "",
    " ", "anc", "2160-0", "conditions", "0.8 mg/dL", "≤ 2", "{where}",
]  # fmt: skip
_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(_TRICKY),
)
_json = st.recursive(
    _leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.one_of(st.sampled_from(_FIELD_NAMES), st.text(max_size=8)), children, max_size=5
        ),
    ),
    max_leaves=25,
)


def _with_leaf_replaced(base: Any, draw: Any) -> Any:
    """Copy ``base`` with one randomly chosen sub-value replaced by arbitrary JSON."""
    if isinstance(base, dict) and base and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(base)))
        return {**base, key: _with_leaf_replaced(base[key], draw)}
    if isinstance(base, list) and base and draw(st.booleans()):
        i = draw(st.integers(0, len(base) - 1))
        return [*base[:i], _with_leaf_replaced(base[i], draw), *base[i + 1 :]]
    return draw(_json)


_EXAMPLE_DATA = [json.loads((EXAMPLES / n).read_text(encoding="utf-8")) for n in EXAMPLE_FILES]


@st.composite
def _patient_like(draw: Any) -> dict[str, Any]:
    """Mostly-valid patients with one part scrambled, plus dicts of plausible field names."""
    if draw(st.booleans()):
        base = draw(st.sampled_from(_EXAMPLE_DATA))
        data = _with_leaf_replaced(base, draw)
        return data if isinstance(data, dict) else {"patient_id": data}
    fields: dict[str, Any] = draw(st.dictionaries(st.sampled_from(_FIELD_NAMES), _json, max_size=6))
    return fields


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_patient_like())
def test_parse_patient_never_crashes(data: dict[str, Any]) -> None:
    try:
        result = parse_patient(data)
    except InputError as exc:
        text = str(exc)
        assert text.startswith("<patient>") and "\n" not in text
    else:
        assert isinstance(result, Patient)
