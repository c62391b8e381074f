"""Vocabulary: the packaged TOML loads, validates, and answers lookups, finds and code queries."""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.units import is_known_unit, normalize_unit
from screening.vocabulary import (
    Concept,
    Vocabulary,
    VocabularyError,
    load_vocabulary,
    normalize_category,
    normalize_phrase,
)

ROOT = Path(__file__).resolve().parents[1]
VOCAB = load_vocabulary()
TOML_TEXT = (ROOT / "screening" / "data" / "vocabulary.toml").read_text(encoding="utf-8")

REQUIRED_LABS = (
    "anc wbc lymphocytes hemoglobin platelets total_bilirubin direct_bilirubin ast alt alp ggt "
    "albumin total_protein creatinine creatinine_clearance egfr bun glucose hba1c sodium potassium "
    "calcium magnesium phosphate ldh inr pt aptt fibrinogen tsh free_t4 lipase amylase troponin_i "
    "troponin_t bnp nt_probnp lvef qtc cea ca_15_3 ca_125 psa testosterone hcg hbv_dna hcv_rna cd4 "
    "urine_protein_24h upcr"
).split()
REQUIRED_OTHERS = (
    "urine_protein_dipstick age sex body_weight height ecog karnofsky life_expectancy her2 "
    "prior_lines prior_anti_her2_lines measurable_disease pregnancy lactation informed_consent "
    "contraception gilbert_syndrome liver_metastases cns_metastases heart_failure "
    "myocardial_infarction arterial_venous_thrombosis hepatitis_b_active hbsag hiv malignancy "
    "carcinoma_in_situ basal_cell_skin_cancer squamous_cell_skin_cancer cervical_carcinoma_in_situ "
    "active_infection corneal_epitheliopathy pleural_effusion pericardial_effusion ascites "
    "long_qt_syndrome hypokalemia breast_cancer solid_tumor gcsf tpo_agonist anti_her2_adc "
    "anti_her2_therapy qt_prolonging_drug investigational_agent systemic_anti_infective "
    "rbc_transfusion platelet_transfusion"
).split()


def ids(found: list[tuple[Concept, int, int]]) -> list[str]:
    return [c.id for c, _, _ in found]


# --------------------------------------------------------------------------- the packaged file


def test_packaged_vocabulary_loads_with_every_required_concept() -> None:
    missing = [cid for cid in REQUIRED_LABS + REQUIRED_OTHERS if cid not in VOCAB.concepts]
    assert missing == []
    assert all(VOCAB.get(cid).kind == "lab" for cid in REQUIRED_LABS)


@pytest.mark.parametrize("cid", sorted(c.id for c in VOCAB.concepts.values() if c.panel))
def test_a_panel_is_never_recorded_and_names_recorded_labs(cid: str) -> None:
    panel = VOCAB.get(cid)
    assert not panel.loinc and not panel.codes  # no result is ever matched to the panel itself
    assert all(VOCAB.get(m).loinc and VOCAB.get(m).unit == panel.unit for m in panel.panel)


def test_packaged_toml_validates_from_scratch() -> None:
    fresh = Vocabulary.from_toml(TOML_TEXT)
    assert dict(fresh.concepts) == dict(VOCAB.concepts)


@pytest.mark.parametrize("cid", sorted(c.id for c in VOCAB.concepts.values() if c.kind == "lab" and not c.panel))
def test_every_lab_has_unit_loinc_and_reference_range(cid: str) -> None:
    lab = VOCAB.get(cid)
    assert lab.unit is not None and lab.loinc and lab.reference_range is not None
    assert all(re.fullmatch(r"\d{1,7}-\d", code) for code in lab.loinc)
    low, high = lab.reference_range
    assert low is not None or high is not None


@pytest.mark.parametrize("cid", sorted(c.id for c in VOCAB.concepts.values() if c.unit))
def test_every_canonical_unit_parses_and_pint_agrees(cid: str) -> None:
    from screening.units import _registry

    unit = VOCAB.get(cid).unit or ""
    assert is_known_unit(unit)
    _registry().parse_expression(normalize_unit(unit))  # raises if pint cannot read it


def test_seed_canonical_units() -> None:
    expected = {
        "anc": "10^9/L",
        "hemoglobin": "g/L",
        "platelets": "10^9/L",
        "total_bilirubin": "umol/L",
        "ast": "U/L",
        "alt": "U/L",
        "creatinine": "umol/L",
        "creatinine_clearance": "mL/min",
        "egfr": "mL/min/1.73m2",
        "potassium": "mmol/L",
        "albumin": "g/L",
        "lvef": "%",
        "qtc": "ms",
        "hbv_dna": "IU/mL",
        "urine_protein_24h": "g/d",
        "age": "year",
        "life_expectancy": "week",
    }
    assert {cid: VOCAB.get(cid).unit for cid in expected} == expected
    # eGFR and creatinine clearance are different dimensions
    assert normalize_unit("mL/min/1.73m2") != normalize_unit("mL/min")


def test_no_phrase_names_two_concepts() -> None:
    owners: dict[str, set[str]] = {}
    for concept in VOCAB.concepts.values():
        for name in (concept.label, *concept.synonyms, *concept.members):
            owners.setdefault(normalize_phrase(name), set()).add(concept.id)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_every_name_looks_up_and_is_found_as_its_own_concept() -> None:
    for concept in VOCAB.concepts.values():
        for name in (concept.label, *concept.synonyms, *concept.members):
            assert VOCAB.lookup(name) is concept, name
            phrase = f"({name}) ≥ 1.5"
            found = VOCAB.find(phrase)
            assert [(c.id, phrase[a:b]) for c, a, b in found] == [(concept.id, name)], name


def test_scores_and_categories() -> None:
    assert VOCAB.get("ecog").values == (0, 1, 2, 3, 4, 5)
    assert VOCAB.get("karnofsky").values == tuple(range(0, 101, 10))
    dipstick = VOCAB.get("urine_protein_dipstick")
    assert dipstick.order == ("negative", "trace", "1+", "2+", "3+", "4+")
    assert VOCAB.get("urine_protein_24h").bare_units == {"g": "g/d", "mg": "mg/d"}


# --------------------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    ("phrase", "cid"),
    [
        ("Serum Creatinine", "creatinine"),
        ("SERUM CREATININE", "creatinine"),
        ("creatinine", "creatinine"),
        ("platelet counts", "platelets"),  # plural
        ("Platelets", "platelets"),
        ("Gilbert's syndrome", "gilbert_syndrome"),  # apostrophe
        ("Gilbert’s Syndrome", "gilbert_syndrome"),  # curly apostrophe
        ("Gilberts syndrome", "gilbert_syndrome"),
        ("gilbert syndrome", "gilbert_syndrome"),
        ("haemoglobin", "hemoglobin"),
        ("Hgb", "hemoglobin"),
        ("absolute neutrophil counts", "anc"),
        ("T.bili", "total_bilirubin"),
        ("SGOT", "ast"),
        ("QTcF", "qtc"),
        ("ECOG PS", "ecog"),
        ("G-CSF", "gcsf"),
        ("G CSF", "gcsf"),
        ("pegfilgrastim", "gcsf"),  # members are names of their class
        ("T-DXd", "anti_her2_adc"),
        ("trastuzumab", "anti_her2_therapy"),
        ("anti‐HER2 ADC drugs", "anti_her2_adc"),  # U+2010 hyphen
        ("other malignancies", "malignancy"),
        ("24-hour urinary protein", "urine_protein_24h"),
        ("eGFR", "egfr"),
        ("CrCl", "creatinine_clearance"),
        ("total_bilirubin", "total_bilirubin"),  # an id
        ("  Total bilirubin.  ", "total_bilirubin"),
        ("HCG", "hcg"),  # two-capital acronym in all capitals
        ("World Health Organisation performance status", "ecog"),  # the WHO scale is ECOG's (Zubrod)
        # spellings of the group's name as trials write it
        ("Eastern Cooperative Group (ECOG) performance status", "ecog"),
        ("Eastern Co-operative Oncology Group performance status", "ecog"),
        ("Zubrod performance scale (PS)", "ecog"),
        # "growth factor" names no one factor (G-CSF, erythropoietin, TPO agonists are each one)
        ("growth factor support", "hematopoietic_growth_factor"),
        ("any growth factors", None),  # "any" is read past where an exposure is named, not here
        ("myeloid growth factors", "gcsf"),
        ("epoetin alfa", "erythropoietin"),
    ],
)
def test_lookup(phrase: str, cid: str | None) -> None:
    found = VOCAB.lookup(phrase)
    assert (found.id if found is not None else None) == cid


@pytest.mark.parametrize(
    "phrase", ["EGFR", "Pt", "CR", "mg", "NA", "serum creatinine clearance ratio", "", "ULN"]
)
def test_lookup_refuses(phrase: str) -> None:
    # EGFR is the receptor, not eGFR; "Pt" a patient; "CR" complete response; "mg" a unit.
    assert VOCAB.lookup(phrase) is None


def test_growth_factors_are_one_class() -> None:
    # having G-CSF, an ESA, a TPO agonist or IL-11 is having a hematopoietic growth factor
    assert VOCAB.expand("hematopoietic_growth_factor") == {
        "hematopoietic_growth_factor", "gcsf", "erythropoietin", "tpo_agonist", "interleukin_11"}


def test_get_hints_close_ids_and_synonyms() -> None:
    with pytest.raises(KeyError, match="total_bilirubin"):
        VOCAB.get("bilirubin")
    with pytest.raises(KeyError, match="creatinine"):
        VOCAB.get("creatinin")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Gilbert's Syndrome", "gilbert syndrome"),
        ("  “Serum  bilirubin” ", "serum bilirubin"),
        ("G–CSF", "g csf"),
        ("Malignancies", "malignancy"),
        ("lines of therapy", "line of therapy"),
        ("status", "status"),
    ],
)
def test_normalize_phrase(text: str, key: str) -> None:
    assert normalize_phrase(text) == key


# --------------------------------------------------------------------------- find


def test_find_in_longer_phrase() -> None:
    phrase = "Serum creatinine ≤ 1.5 × ULN"
    assert [(c.id, a, b) for c, a, b in VOCAB.find(phrase)] == [("creatinine", 0, 16)]


def test_find_ast_and_alt_with_bracketed_abbreviations() -> None:
    phrase = "aspartate aminotransferase (AST) and alanine aminotransferase (ALT) ≤ 2.5 × ULN"
    found = VOCAB.find(phrase)
    assert ids(found) == ["ast", "alt"]
    assert [phrase[a:b] for _, a, b in found] == [
        "aspartate aminotransferase (AST)",
        "alanine aminotransferase (ALT)",
    ]


def test_find_prefers_the_longest_name() -> None:
    assert ids(VOCAB.find("24-hour urinary protein < 1.0 g")) == ["urine_protein_24h"]
    assert ids(VOCAB.find("creatinine clearance ≥ 50 mL/min")) == ["creatinine_clearance"]
    assert ids(VOCAB.find("direct bilirubin ≤ ULN")) == ["direct_bilirubin"]
    assert ids(VOCAB.find("lines of anti-HER2 therapy")) == ["prior_anti_her2_lines"]


def test_find_reports_reading_order_and_original_offsets() -> None:
    phrase = "Other malignancies, except basal cell carcinoma of the skin or carcinoma in situ of the cervix"
    found = VOCAB.find(phrase)
    assert ids(found) == ["malignancy", "basal_cell_skin_cancer", "cervical_carcinoma_in_situ"]
    assert [phrase[a:b] for _, a, b in found] == [
        "Other malignancies",
        "basal cell carcinoma of the skin",
        "carcinoma in situ of the cervix",
    ]


def test_find_keeps_possessive_in_span() -> None:
    phrase = "≤ 3 × ULN for patients with Gilbert's syndrome"
    ((concept, start, end),) = VOCAB.find(phrase)
    assert concept.id == "gilbert_syndrome" and phrase[start:end] == "Gilbert's syndrome"


def test_find_respects_word_boundaries_and_acronym_case() -> None:
    assert VOCAB.find("EGFR mutation") == []  # the receptor, not eGFR
    assert ids(VOCAB.find("pts with PT > 1.5 × ULN")) == ["pt"]  # "pts" are patients
    assert ids(VOCAB.find("CR or PR")) == []  # complete response is not creatinine
    assert VOCAB.find("Cranial irradiation")[0][0].id == "radiotherapy"  # no "Cr" inside words
    assert ids(VOCAB.find("Mg ≥ 0.5 mmol/L and 5 mg/kg")) == ["magnesium"]


@given(st.sampled_from(sorted(VOCAB.concepts)), st.sampled_from(["", "  ", "; ", " - "]))
def test_find_offsets_shift_with_a_prefix(cid: str, prefix: str) -> None:
    name = VOCAB.get(cid).label
    phrase = f"{prefix}{name} within 6 months"
    found = VOCAB.find(phrase)
    assert found and found[0][0].id == cid
    assert phrase[found[0][1] : found[0][2]] == name


# --------------------------------------------------------------------------- codes


@pytest.mark.parametrize(
    ("code", "cid"),
    [
        ("2160-0", "creatinine"),
        ("14682-9", "creatinine"),
        ("751-8", "anc"),
        ("6298-4", "potassium"),
        ("2823-3", "potassium"),
        ("718-7", "hemoglobin"),
        ("1975-2", "total_bilirubin"),
        ("98979-8", "egfr"),
        ("2164-2", "creatinine_clearance"),
        ("8636-3", "qtc"),
        ("42595-9", "hbv_dna"),
    ],
)
def test_by_loinc(code: str, cid: str) -> None:
    found = VOCAB.by_loinc(code)
    assert found is not None and found.id == cid


def test_by_loinc_unknown() -> None:
    assert VOCAB.by_loinc("0000-0") is None


@pytest.mark.parametrize(
    ("system", "code", "cid"),
    [
        ("icd10", "I21.4", "myocardial_infarction"),  # prefix of I21
        ("icd10", "I214", "myocardial_infarction"),  # claims data drop the dot
        ("ICD-10-CM", "I25.2", "myocardial_infarction"),
        ("icd10", "E80.4", "gilbert_syndrome"),
        ("snomed", "27503000", "gilbert_syndrome"),
        ("snomed", "22298006", "myocardial_infarction"),
        ("icd10", "B20", "hiv"),
        ("icd10", "Z21", "hiv"),
        ("atc", "L01FD04", "anti_her2_adc"),  # trastuzumab deruxtecan: listed itself
        ("atc", "L01FD01", "anti_her2_therapy"),  # trastuzumab: falls back to L01FD
        ("atc", "L03AA02", "gcsf"),  # filgrastim
        ("loinc", "2160-0", "creatinine"),
    ],
)
def test_by_code(system: str, code: str, cid: str) -> None:
    found = VOCAB.by_code(system, code)
    assert found is not None and found.id == cid


@pytest.mark.parametrize(
    ("system", "code"),
    [("icd10", "I25.1"), ("icd10", "I2"), ("snomed", "2750300"), ("rxnorm", "1")],
)
def test_by_code_misses(system: str, code: str) -> None:
    assert VOCAB.by_code(system, code) is None


# --------------------------------------------------------------------------- categories

HER2_SPELLINGS = [
    ("IHC3+", ("ihc_3+",)),
    ("IHC 3+", ("ihc_3+",)),
    ("ihc 3 +", ("ihc_3+",)),
    ("3+", ("ihc_3+",)),
    ("HER2 IHC 3+", ("ihc_3+",)),
    ("IHC2+/FISH+", ("ihc_2+_ish+",)),
    ("IHC2+/ISH+", ("ihc_2+_ish+",)),
    ("IHC 2+ and FISH positive", ("ihc_2+_ish+",)),
    ("IHC2+ and SISH amplified", ("ihc_2+_ish+",)),
    ("IHC1+", ("ihc_1+",)),
    ("IHC 1+", ("ihc_1+",)),
    ("IHC2+/FISH-", ("ihc_2+_ish-",)),
    ("IHC 2+/ISH negative", ("ihc_2+_ish-",)),
    ("IHC 2+/ISH\u2212", ("ihc_2+_ish-",)),  # Unicode minus
    ("IHC 2+ / FISH not amplified", ("ihc_2+_ish-",)),
    ("IHC 0", ("ihc_0",)),
    ("HER2-positive", ("ihc_2+_ish+", "ihc_3+")),
    ("HER2 positive", ("ihc_2+_ish+", "ihc_3+")),
    ("HER2+", ("ihc_2+_ish+", "ihc_3+")),
    ("amplified", ("ihc_2+_ish+", "ihc_3+")),
    ("positive", ("ihc_2+_ish+", "ihc_3+")),
    ("HER2-low", ("ihc_1+", "ihc_2+_ish-")),
    ("HER2 low", ("ihc_1+", "ihc_2+_ish-")),
    ("HER2\u2013negative", ("ihc_0", "ihc_1+", "ihc_2+_ish-")),  # en dash
    ("negative", ("ihc_0", "ihc_1+", "ihc_2+_ish-")),
    ("IHC 2+", ("ihc_2+_ish-", "ihc_2+_ish+")),
    ("IHC 1+ or IHC 2+/ISH-", ("ihc_1+", "ihc_2+_ish-")),
    ("ihc_2+_ish+", ("ihc_2+_ish+",)),  # a code gives itself
]


@pytest.mark.parametrize(("spelling", "codes"), HER2_SPELLINGS)
def test_her2_spellings(spelling: str, codes: tuple[str, ...]) -> None:
    assert VOCAB.category("her2", spelling) == codes


@pytest.mark.parametrize("spelling", ["IHC 4+", "HER2-ultralow", "FISH+", "pending", ""])
def test_her2_unknown_spellings(spelling: str) -> None:
    # ultralow is a subset of IHC 0 that old reports cannot tell apart: never guessed.
    assert VOCAB.category("her2", spelling) is None


def test_her2_spellings_share_one_key() -> None:
    keys = {
        normalize_category(s) for s in ["IHC2+/FISH+", "IHC 2+ and FISH positive", "IHC2+/ISH+"]
    }
    assert keys == {"ihc2+ish+"}


def _respace(spelling: str, data: st.DataObject) -> str:
    """Random case; spaces added or removed where letters meet digits or symbols, and one or
    more spaces between words (words are never glued together)."""
    words = []
    for word in spelling.split():
        # a hyphen joining a word stays glued to it ("HER2-low" may become "HER 2-low")
        runs = re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*|\d+(?:-[A-Za-z]+)*|[^A-Za-z\d]+", word)
        runs = [
            "".join(ch.upper() if data.draw(st.booleans()) else ch.lower() for ch in r) for r in runs
        ]
        words.append("".join(r + data.draw(st.sampled_from(["", " "])) for r in runs).strip())
    return "".join(w + data.draw(st.sampled_from([" ", "  ", "\t"])) for w in words)


@given(st.data())
def test_category_spelling_is_robust_to_spacing_and_case(data: st.DataObject) -> None:
    spelling, codes = data.draw(st.sampled_from(HER2_SPELLINGS))
    assert VOCAB.category("her2", _respace(spelling, data)) == codes


@pytest.mark.parametrize(
    ("cid", "spelling", "codes"),
    [
        ("urine_protein_dipstick", "negative", ("negative",)),
        ("urine_protein_dipstick", "Neg", ("negative",)),
        ("urine_protein_dipstick", "trace", ("trace",)),
        ("urine_protein_dipstick", "+", ("1+",)),
        ("urine_protein_dipstick", "++", ("2+",)),
        ("urine_protein_dipstick", "2 +", ("2+",)),
        ("urine_protein_dipstick", "4+", ("4+",)),
        ("hbsag", "Positive", ("positive",)),
        ("hbsag", "non-reactive", ("negative",)),
        ("sex", "F", ("female",)),
        ("sex", "women", ("female",)),
    ],
)
def test_other_categories(cid: str, spelling: str, codes: tuple[str, ...]) -> None:
    assert VOCAB.category(cid, spelling) == codes


def test_category_of_a_concept_without_categories() -> None:
    assert VOCAB.category("anc", "positive") is None


# --------------------------------------------------------------------------- hierarchy


def test_expand_malignancy_includes_skin_cancers_and_in_situ() -> None:
    assert {
        "malignancy",
        "basal_cell_skin_cancer",
        "squamous_cell_skin_cancer",
        "carcinoma_in_situ",
        "cervical_carcinoma_in_situ",
        "breast_cancer",
        "solid_tumor",
    } <= VOCAB.expand("malignancy")


def test_expand_classes_and_leaves() -> None:
    assert VOCAB.expand("anti_her2_therapy") == {"anti_her2_therapy", "anti_her2_adc"}
    assert VOCAB.expand("anc") == {"anc"}
    with pytest.raises(KeyError):
        VOCAB.expand("no_such_concept")


# --------------------------------------------------------------------------- concept records


def test_concepts_are_frozen_hashable_and_picklable() -> None:
    anc = VOCAB.get("anc")
    assert {anc: 1}[anc] == 1
    with pytest.raises(AttributeError):
        anc.unit = "g/L"  # type: ignore[misc]
    clone = pickle.loads(pickle.dumps(anc))
    assert clone == anc and hash(clone) == hash(anc)
    her2 = VOCAB.get("her2")
    assert pickle.loads(pickle.dumps(her2)).aggregates == her2.aggregates


# --------------------------------------------------------------------------- validation


def _minimal(body: str) -> str:
    return textwrap.dedent(
        """
        [concepts.anc]
        kind = "lab"
        label = "Absolute neutrophil count"
        synonyms = ["ANC"]
        unit = "10^9/L"
        loinc = ["751-8"]
        reference_range = { low = 1.8, high = 7.7 }
        """
    ) + textwrap.dedent(body)


LAB_X = 'kind = "lab"\nlabel = "X"\nunit = "g/L"\nloinc = ["1-1"]\n'
BROKEN = [
    # (what is added after a valid "anc" concept, what the error must say)
    ('[concepts.x]\nkind = "lab"\nlabel = "X"\nsynonym = ["x"]\n', r"'x'.*'synonym'.*synonyms"),
    ('[concepts.x]\nkind = "labs"\nlabel = "X"\n', r"'x'.*kind 'labs'"),
    (
        '[concepts.x]\nkind = "lab"\nlabel = "X"\nunit = "furlongs"\n',
        r"'x'.*unit 'furlongs' is not a unit",
    ),
    ('[concepts.x]\nkind = "state"\nlabel = "X"\nsynonyms = ["anc"]\n', r"'x'.*'anc'"),
    (
        '[concepts.x]\nkind = "state"\nlabel = "X"\nsynonyms = ["Absolute Neutrophil Counts"]\n',
        r"'x'.*'anc'",
    ),
    ('[concepts.x]\nkind = "lab"\nlabel = "X"\nunit = "g/L"\n', r"'x'.*loinc"),
    ('[concepts.x]\nkind = "condition"\nlabel = "X"\nbroader = ["nope"]\n', r"'x'.*'nope'"),
    (
        (
            '[concepts.x]\nkind = "condition"\nlabel = "X"\nbroader = ["y"]\n'
            '[concepts.y]\nkind = "condition"\nlabel = "Y"\nbroader = ["x"]\n'
        ),
        r"loops",
    ),
    (
        '[concepts.x]\nkind = "category"\nlabel = "X"\ncategories = { a = ["pos"], b = ["+"] }\n',
        r"'x'.*means both a and b",
    ),
    (
        (
            '[concepts.x]\nkind = "category"\nlabel = "X"\ncategories = { a = [] }\n'
            'aggregates = { all = ["a", "c"] }\n'
        ),
        r"'x'.*unknown categories \['c'\]",
    ),
    ('[concepts.X]\nkind = "state"\nlabel = "X"\n', r"snake_case"),
    ('[concepts.x]\nkind = "score"\nlabel = "X"\n', r"'x'.*values"),
    (f"[concepts.x]\n{LAB_X}reference_range = {{ low = 5, high = 1 }}\n", r"'x'.*above"),
    (
        f"[concepts.x]\n{LAB_X}reference_range = {{ high = 1 }}\nplausible = {{ high = 0.5 }}\n",
        r"'x'.*outside plausible",
    ),
    (
        f"[concepts.x]\n{LAB_X.replace('1-1', '751-8')}reference_range = {{ high = 1 }}\n",
        r"'x'.*LOINC 751-8 is also 'anc'",
    ),
    ('[concepts.x]\nkind = "condition"\nlabel = "X"\ncodes = { icd11 = ["1"] }\n', r"icd11"),
    ('[concepts.x]\nkind = "state"\nlabel = "X"\nvalence = 1.5\n', r"'x'.*valence"),
    # "quantity" names the lab a category's name means next to an amount: it must be a lab
    (
        '[concepts.x]\nkind = "category"\nlabel = "X"\ncategories = { a = ["pos"] }\nquantity = "anc_typo"\n',
        r"'x'.*quantity 'anc_typo' is not a lab",
    ),
    # "by_unit" names labs the words mean in their own unit: labs that exist, for a lab
    (
        f"[concepts.x]\n{LAB_X}reference_range = {{ high = 1 }}\nby_unit = [\"anc_typo\"]\n",
        r"'x'.*by_unit \['anc_typo'\] must name labs",
    ),
    (
        '[concepts.x]\nkind = "condition"\nlabel = "X"\nby_unit = ["anc"]\n',
        r"'x'.*by_unit \['anc'\] must name labs, for a lab",
    ),
    # a panel ("transaminases") bounds each of its labs: two or more labs in its own unit
    (
        '[concepts.x]\nkind = "lab"\nlabel = "X"\nunit = "10^9/L"\npanel = ["anc"]\n',
        r"'x'.*panel \['anc'\] must name two or more labs",
    ),
    (
        '[concepts.x]\nkind = "lab"\nlabel = "X"\nunit = "g/L"\npanel = ["anc", "anc"]\n',
        r"'x'.*must name two or more labs in g/L",
    ),
    # without a panel, a lab still needs its codes and range
    ('[concepts.x]\nkind = "lab"\nlabel = "X"\nunit = "g/L"\n', r"'x'.*a lab needs unit, loinc and reference_range"),
]


@pytest.mark.parametrize(("body", "message"), BROKEN)
def test_validation_errors_name_the_concept(body: str, message: str) -> None:
    with pytest.raises(VocabularyError, match=message) as caught:
        Vocabulary.from_toml(_minimal(body))
    assert str(caught.value).startswith("vocabulary.toml: ")


def test_invalid_toml_is_a_vocabulary_error() -> None:
    with pytest.raises(VocabularyError, match="not valid TOML"):
        Vocabulary.from_toml("[concepts.x\n")


# --------------------------------------------------------------------------- loading and caching


def _python(code: str, cache: str) -> str:
    env = dict(os.environ, SCREENING_CACHE_DIR=cache, PYTHONPATH=str(ROOT))
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


def test_load_never_imports_pint(tmp_path: Path) -> None:
    # how long a load takes is measured by bench/bench_core.py, never asserted here
    code = """
        import sys
        from screening.vocabulary import load_vocabulary
        load_vocabulary()                      # builds and checks, writes the cache
        load_vocabulary.__wrapped__()          # what a later process pays: reads the cache
        print("pint" in sys.modules)
        """
    assert _python(code, str(tmp_path)).strip() == "False"


def test_cached_and_checked_loads_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENING_CACHE_DIR", str(tmp_path))
    built = load_vocabulary.__wrapped__()  # writes the cache
    (cache_file,) = tmp_path.glob("vocabulary-*.json")
    restored = load_vocabulary.__wrapped__()  # reads it
    assert dict(restored.concepts) == dict(built.concepts)
    assert restored._index == json.loads(json.dumps(built._index))
    assert restored.lookup("QTcF") == built.lookup("QTcF")
    cache_file.write_text("{ damaged", encoding="utf-8")
    assert dict(load_vocabulary.__wrapped__().concepts) == dict(built.concepts)


def test_old_cache_files_are_trimmed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENING_CACHE_DIR", str(tmp_path))
    for n in range(6):
        stale = tmp_path / f"vocabulary-old{n}.json"
        stale.write_text("{}", encoding="utf-8")
        os.utime(stale, (n, n))  # long ago
    load_vocabulary.__wrapped__()
    left = sorted(p.name for p in tmp_path.glob("vocabulary-*.json"))
    assert len(left) == 4 and not any(name.startswith("vocabulary-old0") for name in left)
    assert load_vocabulary.__wrapped__() is not None


def test_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENING_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert len(load_vocabulary.__wrapped__().concepts) == len(VOCAB.concepts)
    assert list(tmp_path.iterdir()) == []


def test_load_vocabulary_is_cached_in_process() -> None:
    assert load_vocabulary() is load_vocabulary()
