"""Units stage: spellings -> canonical pint expressions -> conversion factors.

Every expected number below is worked out by hand in the comment next to it (molar masses from
clinical-units.md section 1.2), never pasted from program output.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.errors import UnitError
from screening.units import (
    conversion_factor,
    describe_unit,
    factor_cache_snapshot,
    is_known_unit,
    normalize_unit,
    preload_factor_cache,
)
from screening.vocabulary import Concept, load_vocabulary

ROOT = Path(__file__).resolve().parents[1]


def concept(concept_id: str) -> Concept:
    return load_vocabulary().get(concept_id)


def convert(value: float, spelling: str, concept_id: str) -> float:
    return value * conversion_factor(spelling, concept(concept_id))


# --------------------------------------------------------------------------- spellings -> values

# (value as written, unit as written, concept, expected value in the concept's canonical unit)
CONVERSIONS = [
    # ANC, canonical 10^9/L. 10^3/uL = 10^3 / 10^-6 L = 10^9/L; 1 mm3 = 1 uL.
    (1.5, "x1E9/L", "anc", 1.5),
    (1.5, "x 1E9/L", "anc", 1.5),
    (1.5, "×10⁹/L", "anc", 1.5),  # superscript nine, handled before NFKC
    (1.5, "x 10^9/L", "anc", 1.5),
    (1.5, "x 109/L", "anc", 1.5),  # superscript lost in copy-paste
    (1.5, "10E9/L", "anc", 1.5),
    (1.5, "10(9)/L", "anc", 1.5),
    (1.5, "10*9/L", "anc", 1.5),  # UCUM: 10 to the 9th, not 90
    (1.5, "G/L", "anc", 1.5),  # giga per litre, not gauss
    (1500, "/mm3", "anc", 1.5),  # 1500 per uL = 1500 * 10^6 per L = 1.5 * 10^9/L
    (1500, "/mm³", "anc", 1.5),
    (1500, "cells/mm3", "anc", 1.5),
    (1500, "/\u00b5L", "anc", 1.5),  # micro sign
    (1500, "/\u03bcL", "anc", 1.5),  # Greek mu
    (1500, "/uL", "anc", 1.5),
    (1500, "/mcL", "anc", 1.5),
    (1.5, "x10(3)/mcL", "anc", 1.5),  # Epic style: 10^3 per microlitre
    (1.5, "K/uL", "anc", 1.5),  # thousands per uL, not kelvin
    (1.5, "k/ul", "anc", 1.5),
    (1.5, "x10³/µL", "anc", 1.5),
    (1.5, "10^3/mm3", "anc", 1.5),
    (1.5, "/nL", "anc", 1.5),  # 1 per nL = 10^9 per L
    # Platelets, canonical 10^9/L: 1.5 lakh/cumm = 1.5 * 10^5 per mm3 = 150 * 10^9/L.
    (100_000, "/mm3", "platelets", 100),  # 10^5 * 10^6 /L = 10^11 /L = 100 * 10^9/L
    (1.5, "lakhs/cumm", "platelets", 150),
    # CD4, canonical /uL: 0.35 * 10^9/L = 0.35 * 10^3 /uL = 350 /uL.
    (0.35, "10^9/L", "cd4", 350),
    (350, "cells/uL", "cd4", 350),
    # Hemoglobin, canonical g/L: 1 dL = 0.1 L so 9 g/dL = 90 g/L.
    (9, "g/dl", "hemoglobin", 90),
    (9, "g/dL", "hemoglobin", 90),
    (9, "g%", "hemoglobin", 90),
    (9, "g/100 mL", "hemoglobin", 90),
    # mmol/L of Hb monomer (16 114.5 g/mol): 1 mmol/L * 16 114.5 g/mol = 16.1145 g/L.
    (1, "mmol/L", "hemoglobin", 16.1145),
    # Albumin, canonical g/L: 3 g/dL = 30 g/L.
    (3, "g/dL", "albumin", 30),
    # Creatinine, canonical umol/L: 1 mg/dL = 10 mg/L = 10 / 113.12 mmol/L = 88.40 umol/L,
    # so 1.5 mg/dL = 1.5 * 88.40 = 132.6 umol/L.
    (1.5, "mg/dL", "creatinine", 132.6),
    (1.5, "mg/dl", "creatinine", 132.6),
    (132.6, "umol/L", "creatinine", 132.6),
    (132.6, "µmol/L", "creatinine", 132.6),
    (132.6, "μmol/l", "creatinine", 132.6),
    (132.6, "micromol/L", "creatinine", 132.6),
    # Bilirubin: 10 000 / 584.66 = 17.104 umol/L per mg/dL.
    (1, "mg/dL", "total_bilirubin", 17.104),
    (1.2, "mg/dL", "total_bilirubin", 20.525),  # 1.2 * 17.104 = 20.525
    # Glucose: 10 000 / 180.16 = 55.506 umol/L = 0.055506 mmol/L per mg/dL; 100 mg/dL = 5.5506.
    (100, "mg/dL", "glucose", 5.5506),
    # Calcium, canonical mmol/L. Mass: 8.8 mg/dL = 88 mg/L / 40.078 g/mol = 2.1957 mmol/L.
    (8.8, "mg/dL", "calcium", 2.1957),
    # Ca2+ has valence 2: 1 mmol = 2 mEq, so 4.4 mEq/L = 2.2 mmol/L.
    (4.4, "mEq/L", "calcium", 2.2),
    (4.4, "meq/L", "calcium", 2.2),
    # Magnesium (24.305 g/mol): 2.0 mg/dL = 20 mg/L / 24.305 = 0.8229 mmol/L; 1.6 mEq/L = 0.8 mmol/L.
    (2.0, "mg/dL", "magnesium", 0.8229),
    (1.6, "mEq/L", "magnesium", 0.8),
    # Potassium and sodium are monovalent: mEq/L = mmol/L.
    (4.0, "mEq/L", "potassium", 4.0),
    (3.5, "mmol/L", "potassium", 3.5),
    (140, "mEq/l", "sodium", 140),
    # BUN (urea nitrogen, N2 = 28.014 g/mol): 20 mg/dL = 200 mg/L / 28.014 = 7.139 mmol/L.
    (20, "mg/dL", "bun", 7.139),
    # Free T4 (776.87 g/mol): 1 ng/dL = 10 ng/L / 776.87 g/mol = 0.012872 nmol/L = 12.872 pmol/L.
    (1, "ng/dL", "free_t4", 12.872),
    # Testosterone (288.42 g/mol): 50 ng/dL = 500 ng/L / 288.42 = 1.7336 nmol/L.
    (50, "ng/dL", "testosterone", 1.7336),
    # Fibrinogen, canonical g/L: 200 mg/dL = 2000 mg/L = 2.0 g/L.
    (200, "mg/dL", "fibrinogen", 2.0),
    # Enzymes, canonical U/L. "IU/L" on an enzyme is the enzyme unit; 1 ukat = 60 U (U = umol/min).
    (40, "IU/L", "alt", 40),
    (40, "U/L", "ast", 40),
    (40, "U/l", "alp", 40),
    (1, "µkat/L", "alt", 60),
    # Virology, canonical IU/mL: 10^6 IU/L = 10^6 IU / 1000 mL = 1000 IU/mL.
    (1000, "IU/ml", "hbv_dna", 1000),
    (1000, "iu/mL", "hcv_rna", 1000),
    (1_000_000, "IU/L", "hbv_dna", 1000),
    # TSH, canonical mIU/L: 1 uIU/mL = 10^-6 IU / 10^-3 L = 10^-3 IU/L = 1 mIU/L; "mU/L" is mIU/L.
    (2.5, "uIU/mL", "tsh", 2.5),
    (2.5, "µIU/mL", "tsh", 2.5),
    (2.5, "mU/L", "tsh", 2.5),
    # hCG, canonical mIU/mL: 5 IU/L = 5000 mIU / 1000 mL = 5 mIU/mL.
    (5, "IU/L", "hcg", 5),
    # CA-125, canonical assay units per mL: U/mL is the arbitrary unit here; kU/L = U/mL.
    (35, "U/mL", "ca_125", 35),
    (35, "kU/L", "ca_125", 35),
    # Troponin I, canonical ng/L: 0.04 ng/mL = 0.04 ng / 0.001 L = 40 ng/L.
    (0.04, "ng/mL", "troponin_i", 40),
    (40, "pg/mL", "troponin_i", 40),  # pg/mL = 10^-3 ng / 10^-3 L = ng/L
    # QTc, canonical ms.
    (470, "msec", "qtc", 470),
    (470, "ms", "qtc", 470),
    (0.47, "s", "qtc", 470),  # 0.47 s = 470 ms
    # LVEF, canonical %: a percentage stays what it is.
    (50, "%", "lvef", 50),
    (50, "percent", "lvef", 50),
    # HbA1c NGSP %.
    (7.0, "%", "hba1c", 7.0),
    # Kidney, canonical mL/min and mL/min/1.73 m2.
    (50, "mL/min", "creatinine_clearance", 50),
    (50, "ml/min", "creatinine_clearance", 50),
    (50, "cc/min", "creatinine_clearance", 50),
    (1, "mL/s", "creatinine_clearance", 60),  # 1 mL/s = 60 mL/min
    (60, "mL/min/1.73m2", "egfr", 60),
    (60, "mL/min/1.73 m²", "egfr", 60),
    (60, "mL/min/{1.73_m2}", "egfr", 60),  # UCUM annotation read as the BSA unit
    (60, "ml/min/1,73m2", "egfr", 60),  # European decimal comma
    (60, "mL/min per 1.73 m2", "egfr", 60),
    # 24-h urine protein, canonical g/d: bare "g" means g per 24 h; 500 mg/24 h = 0.5 g/d.
    (1.0, "g", "urine_protein_24h", 1.0),
    (500, "mg", "urine_protein_24h", 0.5),
    (500, "mg/24h", "urine_protein_24h", 0.5),
    (1.0, "g/24 h", "urine_protein_24h", 1.0),
    (1.0, "g/day", "urine_protein_24h", 1.0),
    # UPCR, canonical g/g: 100 mg/g = 0.1 g/g; 1 mg/mmol creatinine = 1 mg / 113.12 mg = 0.00884 g/g.
    (100, "mg/g", "upcr", 0.1),
    (113.12, "mg/mmol", "upcr", 1.0),  # 113.12 mg per 113.12 mg of creatinine
    (1, "mg/mg", "upcr", 1.0),
    # INR has no unit.
    (1.2, "", "inr", 1.2),
    (1.2, "ratio", "inr", 1.2),
    # Time: life expectancy in weeks; month = 365.25 / 12 = 30.4375 days.
    (12, "weeks", "life_expectancy", 12),
    (3, "months", "life_expectancy", 13.044643),  # 3 * 30.4375 / 7 = 91.3125 / 7 = 13.044643
    (1, "year", "life_expectancy", 52.178571),  # 365.25 / 7 = 52.178571
    (84, "days", "life_expectancy", 12),  # 84 / 7
    (18, "years", "age", 18),
    # Body measurements.
    (70000, "g", "body_weight", 70),
    (1.75, "m", "height", 175),
]


@pytest.mark.parametrize(("value", "spelling", "concept_id", "expected"), CONVERSIONS)
def test_spelling_converts_to_canonical_unit(
    value: float, spelling: str, concept_id: str, expected: float
) -> None:
    assert convert(value, spelling, concept_id) == pytest.approx(expected, rel=2e-4)


def test_creatinine_factor_is_88_40_not_88_42() -> None:
    # 10 000 / 113.12 = 88.4017 (clinical-units.md trap 3).
    assert conversion_factor("mg/dL", concept("creatinine")) == pytest.approx(88.4017, abs=1e-4)


def test_bilirubin_factor_is_17_10() -> None:
    # 10 000 / 584.66 = 17.1040
    assert conversion_factor("mg/dL", concept("total_bilirubin")) == pytest.approx(
        17.1040, abs=1e-4
    )


def test_calcium_mmol_to_meq_uses_valence() -> None:
    # The other direction of 2.2 mmol/L = 4.4 mEq/L: a concept measured in mEq/L.
    in_meq = dataclasses.replace(concept("calcium"), id="calcium__meq", unit="mEq/L")
    assert 2.2 * conversion_factor("mmol/L", in_meq) == pytest.approx(4.4)


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("x1E9/L", "1e9/L"),
        ("×10⁹/L", "1e9/L"),
        ("x 10^9/L", "1e9/L"),
        ("x 109/L", "1e9/L"),
        ("10*9/L", "1e9/L"),
        ("10^9 cells/L", "1e9/L"),
        ("K/uL", "1e3/uL"),
        ("G/L", "1e9/L"),
        ("g/L", "g/L"),
        ("/mm3", "1/mm**3"),
        ("/\u00b5L", "1/uL"),
        ("/\u03bcL", "1/uL"),
        ("㎕", "uL"),  # CJK square form, unfolded by NFKC
        ("g/dl", "g/dL"),
        ("mg%", "mg/dL"),
        ("umol/L", "umol/L"),
        ("mEq/L", "meq/L"),
        ("IU/ml", "IU/mL"),
        ("msec", "ms"),
        ("mL/min/1.73m2", "mL/min/BSA173"),
        ("mL/min/{1.73_m2}", "mL/min/BSA173"),
        ("%", "percent"),
        ("mg/24h", "mg/d"),
        ("g/(24.h)", "g/d"),
        ("cc/min", "mL/min"),
        ("years", "year"),
        ("Mg/dL", "mg/dL"),  # never megagram
        ("ML", "mL"),  # never megalitre
        ("mM", "mmol/L"),  # millimolar, while "mm" stays millimetre
        ("mm", "mm"),
        ("", "1"),
    ],
)
def test_normalize_unit(spelling: str, canonical: str) -> None:
    assert normalize_unit(spelling) == canonical


ALL_SPELLINGS = sorted({spelling for _, spelling, _, _ in CONVERSIONS})


@given(st.sampled_from(ALL_SPELLINGS))
def test_normalize_unit_is_idempotent(spelling: str) -> None:
    canonical = normalize_unit(spelling)
    assert normalize_unit(canonical) == canonical


@pytest.mark.parametrize("spelling", ["K", "HPF", "log IU/mL", "x ULN", "furlongs", "mg//"])
def test_unknown_spellings_are_refused_without_pint(spelling: str) -> None:
    with pytest.raises(UnitError):
        normalize_unit(spelling)
    assert not is_known_unit(spelling)


def test_is_known_unit() -> None:
    assert is_known_unit("10^9/L") and is_known_unit("mL/min/1.73 m²") and is_known_unit("")


@pytest.mark.parametrize(
    ("spelling", "shown"),
    [
        ("10^9/L", "10^9/L"),
        ("x1E9/L", "10^9/L"),
        ("g/dl", "g/dL"),
        ("umol/L", "µmol/L"),
        ("mEq/L", "mEq/L"),
        ("/mm3", "/mm³"),
        ("cells/uL", "/µL"),
        ("mL/min/1.73m2", "mL/min/1.73 m²"),
        ("%", "%"),
        ("arbU/mL", "U/mL"),
        ("g/d", "g/24 h"),
        ("week", "weeks"),
        ("no-such-unit", "no-such-unit"),
    ],
)
def test_describe_unit(spelling: str, shown: str) -> None:
    assert describe_unit(spelling) == shown


# --------------------------------------------------------------------------- traps


def test_k_per_ul_is_not_kelvin() -> None:
    from screening.units import _registry

    expression = normalize_unit("K/uL")
    dims = _registry().parse_expression(expression).dimensionality
    assert "[temperature]" not in dims
    assert dict(dims) == {"[length]": -3}


def test_ucum_10_star_9_is_not_90_per_litre() -> None:
    # Read as pint would (10*9 = 90 per L), 1.5 "10*9/L" would be 1.35e-7 x 10^9/L.
    assert conversion_factor("10*9/L", concept("anc")) == pytest.approx(1.0)


def test_egfr_unit_does_not_convert_to_creatinine_clearance() -> None:
    with pytest.raises(UnitError) as caught:
        conversion_factor("mL/min/1.73m2", concept("creatinine_clearance"), value_text="60")
    message = str(caught.value)
    assert "60" in message and "mL/min/1.73m2" in message
    assert "creatinine_clearance" in message and "mL/min" in message


def test_creatinine_clearance_unit_does_not_convert_to_egfr() -> None:
    with pytest.raises(UnitError, match="egfr"):
        conversion_factor("mL/min", concept("egfr"))


@pytest.mark.parametrize(
    ("value_text", "spelling", "concept_id", "expected_unit"),
    [
        ("1.5", "mg/dL", "anc", "10^9/L"),
        ("1000", "IU/mL", "anc", "10^9/L"),  # WHO IU is not a count
        ("1000", "copies/mL", "hbv_dna", "IU/mL"),  # copies need an assay factor
        ("9", "mmol/L", "alt", "U/L"),
        ("140", "mg/dL", "sodium", "mmol/L"),  # no molar mass for sodium in the vocabulary
        ("35", "IU/mL", "ca_125", "U/mL"),
        ("5", "kg", "age", "years"),
        ("12", "mg/dL", "urine_protein_dipstick", "no unit"),
    ],
)
def test_wrong_dimension_names_value_unit_and_concept(
    value_text: str, spelling: str, concept_id: str, expected_unit: str
) -> None:
    with pytest.raises(UnitError) as caught:
        conversion_factor(spelling, concept(concept_id), value_text=value_text)
    message = str(caught.value)
    assert "\n" not in message
    assert f"{value_text} {spelling}" in message
    assert concept_id in message
    assert expected_unit in message


def test_wrong_dimension_message_reads_well() -> None:
    with pytest.raises(UnitError) as caught:
        conversion_factor("mg/dL", concept("anc"), value_text="1.5")
    assert str(caught.value) == (
        "1.5 mg/dL is not a unit of anc (absolute neutrophil count): "
        "expected a count per volume such as 10^9/L"
    )


def test_unknown_unit_names_value_and_concept() -> None:
    with pytest.raises(UnitError) as caught:
        conversion_factor("furlongs", concept("anc"), value_text="3")
    message = str(caught.value)
    assert "3 furlongs" in message and "anc" in message and "10^9/L" in message


@pytest.mark.parametrize("spelling", ["ratio", "1", "", "fraction"])
def test_lvef_fraction_is_not_silently_multiplied_by_100(spelling: str) -> None:
    with pytest.raises(UnitError, match="percentage"):
        conversion_factor(spelling, concept("lvef"), value_text="0.55")


def test_hba1c_ifcc_is_not_a_unit_conversion() -> None:
    # 53 mmol/mol is 7.0 % by the master equation; a unit library would say 5.3 %.
    with pytest.raises(UnitError):
        conversion_factor("mmol/mol", concept("hba1c"), value_text="53")


def test_unit_errors_survive_pickling() -> None:
    with pytest.raises(UnitError) as caught:
        conversion_factor("mg/dL", concept("anc"), value_text="1.5")
    clone = pickle.loads(pickle.dumps(caught.value))
    assert str(clone) == str(caught.value)


def test_failures_are_cached_but_messages_name_each_value() -> None:
    for value in ("1.1", "2.2"):
        with pytest.raises(UnitError, match=f"^{value} mg/dL"):
            conversion_factor("mg/dL", concept("platelets"), value_text=value)


# --------------------------------------------------------------------------- round trips

CANONICAL_UNITS = [c for c in load_vocabulary().concepts.values() if c.unit is not None]


@pytest.mark.parametrize("item", CANONICAL_UNITS, ids=lambda c: c.id)
def test_every_canonical_unit_converts_to_itself(item: Concept) -> None:
    assert conversion_factor(item.unit or "", item) == 1.0
    assert conversion_factor(normalize_unit(item.unit or ""), item) == pytest.approx(1.0)


SPELLINGS_BY_CONCEPT: dict[str, list[str]] = {}
for _, _spelling, _concept_id, _ in CONVERSIONS:
    SPELLINGS_BY_CONCEPT.setdefault(_concept_id, [])
    if _spelling not in SPELLINGS_BY_CONCEPT[_concept_id]:
        SPELLINGS_BY_CONCEPT[_concept_id].append(_spelling)
# bare_units only mean something for their concept; as a concept's own unit "g" is grams.
SPELLINGS_BY_CONCEPT["urine_protein_24h"] = ["mg/24h", "g/24 h", "g/day"]
# "U/mL" is read as the assay unit only when the concept is measured in it; a twin concept
# measured in "U/mL" would mean the enzyme unit, so round-trip the assay unit's own spellings.
SPELLINGS_BY_CONCEPT["ca_125"] = ["arbU/mL", "karbU/L"]


@st.composite
def concept_and_two_spellings(draw: st.DrawFn) -> tuple[str, str, str]:
    concept_id = draw(st.sampled_from(sorted(SPELLINGS_BY_CONCEPT)))
    spellings = SPELLINGS_BY_CONCEPT[concept_id]
    return concept_id, draw(st.sampled_from(spellings)), draw(st.sampled_from(spellings))


@settings(max_examples=200, deadline=None)
@given(
    concept_and_two_spellings(),
    st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False),
)
def test_round_trip_through_any_two_spellings(pair: tuple[str, str, str], value: float) -> None:
    concept_id, a, b = pair
    base = concept(concept_id)
    # A twin concept measured in `a` makes pint compute canonical -> a independently.
    in_a = dataclasses.replace(base, id=f"{concept_id}__in__{a}", unit=a, bare_units={})
    there = value * conversion_factor(a, base)  # a -> canonical
    back = there * conversion_factor(base.unit or "", in_a)  # canonical -> a
    assert back == pytest.approx(value, rel=1e-9)
    # and through b: a -> canonical -> b -> canonical agrees with a -> canonical
    in_b = dataclasses.replace(base, id=f"{concept_id}__in__{b}", unit=b, bare_units={})
    via_b = there * conversion_factor(base.unit or "", in_b) * conversion_factor(b, base)
    assert via_b == pytest.approx(there, rel=1e-9)


# --------------------------------------------------------------------------- caching, laziness


def _run(code: str, tmp_path: Path) -> str:
    env = dict(os.environ, SCREENING_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_units_and_vocabulary_does_not_import_pint(tmp_path: Path) -> None:
    out = _run(
        """
        import sys
        import screening.units, screening.vocabulary
        v = screening.vocabulary.load_vocabulary()
        screening.units.normalize_unit("x10^9/L")
        # the canonical spelling itself needs no pint either
        screening.units.conversion_factor("10^9/L", v.get("anc"))
        print("pint" in sys.modules)
        """,
        tmp_path,
    )
    assert out == "False"


def test_preloaded_factor_cache_skips_pint(tmp_path: Path) -> None:
    snapshot = _run(
        """
        from screening.units import conversion_factor, factor_cache_snapshot
        from screening.vocabulary import load_vocabulary
        v = load_vocabulary()
        conversion_factor("mg/dL", v.get("creatinine"))
        conversion_factor("/mm3", v.get("anc"))
        print(repr(factor_cache_snapshot()))
        """,
        tmp_path,
    )
    out = _run(
        f"""
        import sys
        from screening.units import conversion_factor, preload_factor_cache
        from screening.vocabulary import load_vocabulary
        preload_factor_cache({snapshot})
        v = load_vocabulary()
        a = conversion_factor("mg/dL", v.get("creatinine"))
        b = conversion_factor("/mm3", v.get("anc"))
        print("pint" in sys.modules, round(1.5 * a, 2), round(1500 * b, 6))
        """,
        tmp_path,
    )
    # 1.5 mg/dL * 88.40 = 132.6 umol/L; 1500 /mm3 * 0.001 = 1.5 x 10^9/L
    assert out == "False 132.6 1.5"


def test_cache_hit_does_not_call_pint_again(monkeypatch: pytest.MonkeyPatch) -> None:
    item = concept("direct_bilirubin")
    first = conversion_factor("mg/dL", item)

    def boom() -> None:
        raise AssertionError("pint was consulted for a cached pair")

    monkeypatch.setattr("screening.units._registry", boom)
    assert conversion_factor("mg/dL", item) == first
    assert factor_cache_snapshot()[("mg/dL", "direct_bilirubin")] == first


def test_preload_factor_cache_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    preload_factor_cache({("made-up-unit", "anc"): 2.5})
    assert conversion_factor("made-up-unit", concept("anc")) == 2.5
