"""A hand-written Polars query of NCT03944499 cohort phase_ia over a cohort CSV: the speed reference.

Run:  python bench/polars_reference.py COHORT.csv OUT.csv [--as-of 2026-11-01]

Why it exists: ``screening batch`` compiles the trial text to SQL and runs it in DuckDB. To judge
whether that generated query is fast, ``bench/bench_batch.py`` compares it with what a competent
person would write by hand for the same rules in a fast columnar engine. This file is that
person's query: the lazy API (``scan_csv`` ... ``sink_csv``, streaming), one expression per
criterion, with the same three-valued semantics as the engine (README, "Semantics worth knowing"):

* met / not met / unknown are a nullable boolean (null = unknown) combined with Polars' Kleene
  ``&``, ``|`` and ``~``; a criterion the engine sends to a person is null and reported
  ``needs_review``;
* missing data is unknown, never a failure; a lab counts only if dated no more than 28 days
  before as_of (the row's ``as_of`` cell, else ``--as-of``);
* a cell that cannot be read (``strict=False`` casts give null) makes the checks that read it
  unknown, and a criterion left undecided by such a cell is ``error``, as in the engine;
* units come from the header and are converted with the project's factors
  (``screening.units.conversion_factor``); "x ULN" uses the ``_uln`` column, else the
  vocabulary's default upper limit.

It is a performance reference: exact equality with the engine is not required, but it does the
same kind of work (parses every column it needs, every check, Kleene logic, the verdict, the
failed/unknown/needs_review/errors lists and one status column per criterion). Known
simplifications are noted where they are made; the engine's ``cell_errors`` and
``missing_data`` text columns are not written.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screening.units import conversion_factor  # noqa: E402  (after the path setup)
from screening.vocabulary import Vocabulary, load_vocabulary  # noqa: E402

MAX_LAB_AGE_DAYS = 28  # rules/NCT03944499.toml [settings] max_lab_age_days
MISSING = ["NA", "N/A", "NULL", "na", "n/a", "null"]  # read as missing, besides empty cells
TRUE_WORDS = ["true", "yes", "y", "1"]
FALSE_WORDS = ["false", "no", "n", "0"]
SEX = {"female": "female", "f": "female", "male": "male", "m": "male", "other": "other",
       "unknown": "unknown"}
IHC = ["0", "1+", "2+", "3+"]
ISH = ["positive", "negative", "equivocal"]
DIPSTICK_OK = ["negative", "trace", "1+"]  # "urinary protein <= 1+"
DIPSTICK_HIGH = ["2+", "3+", "4+"]
SEROLOGY = {"positive": True, "negative": False}  # hbsag
RNA = {"detected": True, "not detected": False}  # hcv_rna, and hbv_dna given as words
# ECOG grades a Karnofsky score stands for (screening/data/methods.toml [scales.ecog.from_karnofsky]):
# "ECOG 0 or 1" is met when all of them are 0/1, not met when none is, unknown otherwise.
KARNOFSKY_ECOG_0_1: dict[int, bool | None] = {
    100: True, 90: True, 80: True, 70: None, 60: False, 50: False, 40: False, 30: False, 20: False,
    10: False, 0: False,
}
ECOG_VALUES = [0, 1, 2, 3, 4, 5]
NYHA_VALUES = [1, 2, 3, 4]

# Criteria in the order of the engine's results file; the verdict reads the top-level ones.
CRITERIA = [
    "inclusion.phase_ia", "inclusion.phase_ia.1", "inclusion.phase_ia.2", "inclusion.3",
    "inclusion.4", "inclusion.5", "inclusion.6", "inclusion.7", "inclusion.8", "exclusion.2",
    "exclusion.3", "exclusion.4", "exclusion.5", "exclusion.6", "exclusion.7", "exclusion.8",
    "exclusion.9", "exclusion.9.1", "exclusion.9.2", "exclusion.9.3", "exclusion.9.4",
    "exclusion.10", "exclusion.11", "exclusion.12", "exclusion.13", "exclusion.14",
    "exclusion.15", "registry.age",
]
SUB_ITEMS = {"inclusion.phase_ia.1", "inclusion.phase_ia.2", "exclusion.9.1", "exclusion.9.2",
             "exclusion.9.3", "exclusion.9.4"}
TOP = [c for c in CRITERIA if c not in SUB_ITEMS]

REVIEW = pl.lit(None, dtype=pl.Boolean)  # a part only a person can judge: never decided here
_HEADER = re.compile(r"^\s*([^\[\]]*?)\s*(?:\[([^\[\]]*)\])?\s*$")


# ---------------------------------------------------------------------------- columns


class Cohort:
    """Column names and unit factors from the header, and parsers of the cleaned text cells.

    The query works in three layers of columns: ``t:NAME`` the trimmed text (null when empty or
    a missing marker), ``v:NAME`` the typed value (null when missing, unreadable or implausible)
    and ``e:NAME`` true when a cell is present but gave no value (the engine's ``error``).
    """

    def __init__(self, header: Sequence[str], vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.column: dict[str, str] = {}  # bare name -> header as written
        self.unit: dict[str, str | None] = {}
        for raw in header:
            m = _HEADER.match(raw)
            if m and m[1]:
                name = m[1].strip().lower()
                self.column[name] = raw
                self.unit[name] = m[2].strip() if m[2] else None

    def factor(self, name: str, concept: str) -> float:
        """Header unit -> the concept's canonical unit, with the engine's own factors."""
        unit = self.unit[name]
        c = self.vocab.get(concept)
        return 1.0 if unit is None or c.unit is None else conversion_factor(unit, c)

    def text(self, name: str) -> pl.Expr:
        """The trimmed text of a cell; null when empty or a missing marker."""
        text = pl.col(self.column[name]).str.strip_chars()
        return pl.when(text.is_in(MISSING) | (text == "")).then(None).otherwise(text)

    # -- parsers of t:NAME into v:NAME; strict=False casts make an unreadable cell null

    def number(self, name: str, concept: str, *, positive: bool = False) -> pl.Expr:
        """A number in the concept's canonical unit, within the vocabulary's plausible range."""
        value = t(name).cast(pl.Float64, strict=False) * self.factor(name, concept)
        low, high = self.vocab.get(concept).plausible or (None, None)
        ok = value.is_not_null()
        if positive:
            ok = ok & (value > 0)
        if low is not None:
            ok = ok & (value >= low)
        if high is not None:
            ok = ok & (value <= high)
        return pl.when(ok).then(value)

    def limit(self, name: str, concept: str) -> pl.Expr:
        """An upper limit of normal: a positive number, in the concept's canonical unit."""
        value = t(name).cast(pl.Float64, strict=False) * self.factor(name, concept)
        return pl.when(value > 0).then(value)

    @staticmethod
    def integer(name: str, allowed: Sequence[int]) -> pl.Expr:
        value = t(name).cast(pl.Int64, strict=False)
        return pl.when(value.is_in(allowed)).then(value)

    @staticmethod
    def date(name: str) -> pl.Expr:
        """A YYYY-MM-DD day (02-30 and the like are unreadable); checked against as_of later."""
        return t(name).str.to_date("%Y-%m-%d", strict=False)

    @staticmethod
    def flag(name: str) -> pl.Expr:
        text = t(name).str.to_lowercase()
        return pl.when(text.is_in(TRUE_WORDS)).then(True).when(text.is_in(FALSE_WORDS)).then(False)

    @staticmethod
    def choice(name: str, mapping: dict[str, str] | dict[str, bool]) -> pl.Expr:
        return lookup(t(name).str.to_lowercase(), mapping)


# ---------------------------------------------------------------------------- helpers on typed cells


def lookup(expr: pl.Expr, mapping: Mapping[object, object]) -> pl.Expr:
    """``mapping[expr]``, null when absent (or mapped to None), as a when/then chain.

    Not ``replace_strict``: Polars' streaming engine runs that one on whole columns, which
    made the query hold the entire file in memory (1.8 GB at a million rows).
    """
    chain: Any = pl
    for key, value in mapping.items():
        if value is not None:
            chain = chain.when(expr == key).then(pl.lit(value))
    return chain.otherwise(None) if chain is not pl else pl.lit(None)


def t(name: str) -> pl.Expr:
    return pl.col(f"t:{name}")


def v(name: str) -> pl.Expr:
    return pl.col(f"v:{name}")


def bad(*names: str) -> pl.Expr:
    """Any of these cells, or as_of (which every check reads), is unreadable."""
    if not names:  # a criterion with no data (a part for a person) reads no cell
        return pl.lit(False)
    return pl.any_horizontal([pl.col("e:as_of"), *(pl.col(f"e:{n}") for n in names)])


def gate(check: pl.Expr, *names: str) -> pl.Expr:
    """A check that read an unreadable cell is unknown (the engine's rule), whatever it computed."""
    return pl.when(bad(*names)).then(None).otherwise(check)


def lab(name: str, check: pl.Expr, *extra: str, dated: bool = True) -> pl.Expr:
    """A lab check: decided only on a value dated within max_lab_age_days before as_of.

    Stale, undated or unreadable -> unknown. ``dated=False``: the file has no date column for
    this result, so it is always undated (unknown), as in the engine.
    """
    if not dated:
        return gate(pl.lit(None, dtype=pl.Boolean), name, *extra)
    date = f"{name}_date"
    fresh = (pl.col("as_of") - v(date)).dt.total_days() <= MAX_LAB_AGE_DAYS
    return gate(pl.when(fresh).then(check), name, date, *extra)


def times_uln(name: str, default_uln: float) -> pl.Expr:
    """The value as a multiple of the upper limit of normal (the row's ULN, else the default)."""
    return v(name) / pl.coalesce(v(f"{name}_uln"), pl.lit(default_uln))


def exposure_ruled_out(event: str, lab_date: str, days: int, absence_flag: pl.Expr) -> pl.Expr:
    """"without X within N days" before a lab draw: true only if X is known absent, else unknown.

    A last-exposure date outside the window does not rule exposure out by itself (the record
    may be incomplete): a recorded absence is needed too. This file has no such flag column,
    so the qualifier is at best unknown: a passing value stays unknown, a failing one fails
    (Kleene: false & unknown = false), as in the engine.
    """
    recent = (v(event) <= v(lab_date)) & (v(event) >= v(lab_date) - pl.duration(days=days))
    return pl.when(v(lab_date).is_not_null() & ~recent.fill_null(False) & absence_flag).then(True)


def has(flag: str) -> pl.Expr:
    """A true/false record: known present, known absent, or unknown when empty."""
    return gate(v(flag), flag)


def within(event_date: str, days: int) -> pl.Expr:
    """An occurrence within the window: true on a recent date; never known false from a date alone."""
    return gate(pl.when(v(event_date) >= pl.col("as_of") - pl.duration(days=days)).then(True), event_date)


def status(value: pl.Expr, inputs: Sequence[str], review: bool = False, *,
           children: Sequence[str] = ()) -> pl.Expr:
    """met / not_met from a Kleene value; else error (an input or a child is unreadable),
    needs_review (a part for a person, or a child needing review) or unknown."""
    err = pl.any_horizontal([bad(*inputs), *(pl.col(ch) == "error" for ch in children)])
    open_review = pl.any_horizontal([pl.lit(review), *(pl.col(ch) == "needs_review" for ch in children)])
    return (pl.when(value).then(pl.lit("met"))
            .when(~value).then(pl.lit("not_met"))
            .when(err).then(pl.lit("error"))
            .when(open_review).then(pl.lit("needs_review"))
            .otherwise(pl.lit("unknown")))


# ---------------------------------------------------------------------------- the query


def build(source: Path, as_of: dt.date, vocab: Vocabulary) -> pl.LazyFrame:
    """The whole lazy query: scan, type, check, combine, verdict."""
    with source.open(newline="", encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    c = Cohort(header, vocab)
    default_uln = {name: vocab.get(name).reference_range[1]  # type: ignore[index]
                   for name in ("total_bilirubin", "ast", "alt", "creatinine")}
    creatinine_mg_dl = conversion_factor("mg/dL", vocab.get("creatinine"))  # µmol/L per mg/dL

    def x_uln(name: str) -> pl.Expr:
        return times_uln(name, default_uln[name])

    # 1. Every cell read as text (no inference: the contract is text), trimmed, missing -> null.
    values: dict[str, pl.Expr] = {  # 2. the typed value of each cell the criteria read
        "as_of": c.date("as_of"),
        "birth_date": c.date("birth_date"),
        "sex": c.choice("sex", SEX),
        "body_weight": c.number("body_weight", "body_weight", positive=True),
        "height": c.number("height", "height", positive=True),  # read by Cockcroft-Gault (ideal weight)
        "ecog": c.integer("ecog", ECOG_VALUES),
        "karnofsky": c.integer("karnofsky", list(KARNOFSKY_ECOG_0_1)),
        "nyha_class": c.integer("nyha_class", NYHA_VALUES),
        "her2_ihc": c.choice("her2_ihc", {s: s for s in IHC}),
        "her2_ish": c.choice("her2_ish", {s: s for s in ISH}),
        "urine_protein_dipstick": c.choice("urine_protein_dipstick",
                                           {s: s for s in DIPSTICK_OK + DIPSTICK_HIGH}),
        "hbsag": c.choice("hbsag", SEROLOGY),
        "hcv_rna": c.choice("hcv_rna", RNA),
        "hbv_dna": c.number("hbv_dna", "hbv_dna"),  # or a word (detected): see e:hbv_dna
    }
    for name in ("hemoglobin", "anc", "platelets", "total_bilirubin", "ast", "alt", "creatinine",
                 "potassium", "albumin", "lvef", "urine_protein_24h", "qtc", "life_expectancy"):
        values[name] = c.number(name, name)
    for name in ("total_bilirubin", "ast", "alt", "creatinine"):
        values[f"{name}_uln"] = c.limit(f"{name}_uln", name)
    dates = [n for n in c.column if n.endswith("_date")]  # all dated records, birth_date too
    for name in dates:
        values[name] = c.date(name)
    for name in ("measurable_disease", "cns_metastases", "liver_metastases", "gilbert_syndrome",
                 "heart_failure", "pregnancy", "lactation", "active_infection", "anti_her2_adc",
                 "qt_prolonging_drug", "long_qt_syndrome", "hepatitis_b_active", "hiv"):
        values[name] = c.flag(name)

    lf = pl.scan_csv(source, infer_schema=False, null_values=MISSING)
    lf = lf.with_columns([c.text(n).alias(f"t:{n}") for n in values])
    lf = lf.with_columns([expr.alias(f"v:{n}") for n, expr in values.items()])
    # 3. The screening date; a date of the record after it is unreadable (almost always a typo).
    lf = lf.with_columns(as_of=pl.coalesce(v("as_of"), pl.lit(as_of)))
    lf = lf.with_columns([pl.when(v(n) <= pl.col("as_of")).then(v(n)).alias(f"v:{n}") for n in dates])
    # A cell is in error when it has text but no value; hbv_dna may also be a word.
    errors = {n: t(n).is_not_null() & v(n).is_null() for n in values}
    errors["hbv_dna"] = errors["hbv_dna"] & lookup(t("hbv_dna").str.to_lowercase(), RNA).is_null()
    lf = lf.with_columns([e.alias(f"e:{n}") for n, e in errors.items()])
    def month_day(day: pl.Expr) -> pl.Expr:  # MMDD (dt.month() is Int8: widen before * 100)
        return day.dt.month().cast(pl.Int32) * 100 + day.dt.day().cast(pl.Int32)

    lf = lf.with_columns(  # age in whole years at as_of
        age=(pl.col("as_of").dt.year() - v("birth_date").dt.year()
             - (month_day(pl.col("as_of")) < month_day(v("birth_date"))).cast(pl.Int32)),
    )

    # 4. Leaves shared by several criteria.
    her2 = {  # "HER2 expression: IHC3+, IHC2+/FISH+" and "IHC1+, IHC2+/FISH-" from IHC and ISH
        "3+ or 2+/ISH+": gate(
            pl.when(v("her2_ihc") == "3+").then(True)
            .when(v("her2_ihc").is_in(["0", "1+"])).then(False)
            .when((v("her2_ihc") == "2+") & (v("her2_ish") == "positive")).then(True)
            .when((v("her2_ihc") == "2+") & (v("her2_ish") == "negative")).then(False),
            "her2_ihc", "her2_ish"),
        "1+ or 2+/ISH-": gate(
            pl.when(v("her2_ihc") == "1+").then(True)
            .when(v("her2_ihc").is_in(["0", "3+"])).then(False)
            .when((v("her2_ihc") == "2+") & (v("her2_ish") == "negative")).then(True)
            .when((v("her2_ihc") == "2+") & (v("her2_ish") == "positive")).then(False),
            "her2_ihc", "her2_ish"),
    }
    no_gcsf_flag = no_rbc_flag = no_tpo_flag = no_platelet_tx_flag = pl.lit(None, dtype=pl.Boolean)
    cockcroft_gault = (  # creatinine clearance, mL/min: (140 - age) x kg / (72 x mg/dL) [x 0.85 female]
        (140 - pl.col("age")) * v("body_weight") / (72 * v("creatinine") / creatinine_mg_dl)
        * pl.when(v("sex") == "female").then(0.85).otherwise(1.0)
    )
    criteria: dict[str, tuple[pl.Expr, tuple[str, ...], bool]] = {}  # value, inputs, needs review

    # 2. Phase Ia dose-escalation study: Patients with HER2-expressing advanced malignant solid
    # tumors who had failed to standard therapy ... (a person judges the text; one of the two
    # HER2 subgroups must hold)
    criteria["inclusion.phase_ia"] = (REVIEW & (her2["3+ or 2+/ISH+"] | her2["1+ or 2+/ISH-"]),
                                      ("her2_ihc", "her2_ish"), True)
    # 1. HER2 expression: IHC3+, IHC2+/FISH+
    criteria["inclusion.phase_ia.1"] = (her2["3+ or 2+/ISH+"], ("her2_ihc", "her2_ish"), False)
    # 2. HER2 expression: IHC1+, IHC2+/FISH-
    criteria["inclusion.phase_ia.2"] = (her2["1+ or 2+/ISH-"], ("her2_ihc", "her2_ish"), False)
    # 3. The ECOG performance status must be 0 or 1.  (Karnofsky mapped when ECOG is empty)
    criteria["inclusion.3"] = (gate(
        pl.when(v("ecog").is_not_null()).then(v("ecog") <= 1)
        .otherwise(lookup(v("karnofsky"), KARNOFSKY_ECOG_0_1)),
        "ecog", "karnofsky"), ("ecog", "karnofsky"), False)
    # 4. Expected survival for at least 12 weeks.
    criteria["inclusion.4"] = (lab("life_expectancy", v("life_expectancy") >= 12),
                               ("life_expectancy", "life_expectancy_date"), False)
    # 5. Has adequate organ and bone marrow function: ANC >= 1.0x1E9/L (without colony
    # stimulating factor within 7 days); hemoglobin >= 90g/L (without red blood cell infusion
    # within 14 days); platelet count >= 100x1E9/L (without thrombopoietin or TPO receptor
    # agonists within 7 days nor platelet infusion within 14 days); Total bilirubin <= 1.5x ULN,
    # or <= 3x ULN if with Gilbert syndrome; AST and ALT <= 2.5x ULN; AST and ALT <= 5x ULN if
    # liver metastasis; Serum creatinine < 1.5x ULN and creatinine clearance >= 50mL/min
    # (Cockroft-Gault); Serum potassium >= 3.5 mmol/L; albumin >= 3g/dL; LVEF > 50%; urinary
    # protein <= 1+ or 24-hour urinary protein < 1.0g.
    inclusion_5 = [
        lab("anc", (v("anc") >= 1.0) & exposure_ruled_out("gcsf_last_date", "anc_date", 7, no_gcsf_flag),
            "gcsf_last_date"),
        lab("hemoglobin", (v("hemoglobin") >= 90.0)
            & exposure_ruled_out("rbc_transfusion_date", "hemoglobin_date", 14, no_rbc_flag),
            "rbc_transfusion_date"),
        lab("platelets", (v("platelets") >= 100.0)
            & exposure_ruled_out("tpo_agonist_last_date", "platelets_date", 7, no_tpo_flag)
            & exposure_ruled_out("platelet_transfusion_date", "platelets_date", 14, no_platelet_tx_flag),
            "tpo_agonist_last_date", "platelet_transfusion_date"),
        lab("total_bilirubin", x_uln("total_bilirubin") <= 1.5, "total_bilirubin_uln")
        | (has("gilbert_syndrome")
           & lab("total_bilirubin", x_uln("total_bilirubin") <= 3.0, "total_bilirubin_uln")),
        (lab("ast", x_uln("ast") <= 2.5, "ast_uln") & lab("alt", x_uln("alt") <= 2.5, "alt_uln"))
        | (has("liver_metastases") & lab("ast", x_uln("ast") <= 5.0, "ast_uln")
           & has("liver_metastases") & lab("alt", x_uln("alt") <= 5.0, "alt_uln")),
        lab("creatinine", x_uln("creatinine") < 1.5, "creatinine_uln"),
        lab("creatinine", pl.when(pl.col("age").is_not_null() & v("sex").is_in(["female", "male"]))
            .then(cockcroft_gault >= 50.0), "creatinine_uln", "birth_date", "sex", "body_weight", "height"),
        lab("potassium", v("potassium") >= 3.5),
        lab("albumin", v("albumin") >= 30.0),
        lab("lvef", v("lvef") > 50.0),
        lab("urine_protein_dipstick", v("urine_protein_dipstick").is_in(DIPSTICK_OK))
        | lab("urine_protein_24h", v("urine_protein_24h") < 1.0),
    ]
    criteria["inclusion.5"] = (pl.all_horizontal(inclusion_5), (
        "anc", "anc_date", "gcsf_last_date", "hemoglobin", "hemoglobin_date", "rbc_transfusion_date",
        "platelets", "platelets_date", "tpo_agonist_last_date", "platelet_transfusion_date",
        "total_bilirubin", "total_bilirubin_uln", "total_bilirubin_date", "gilbert_syndrome",
        "ast", "ast_uln", "ast_date", "alt", "alt_uln", "alt_date", "liver_metastases",
        "creatinine", "creatinine_uln", "creatinine_date", "birth_date", "sex", "body_weight", "height",
        "potassium", "potassium_date", "albumin", "albumin_date", "lvef", "lvef_date",
        "urine_protein_dipstick", "urine_protein_dipstick_date", "urine_protein_24h",
        "urine_protein_24h_date"), False)
    # 6. Has at least one non-intracranial measurable lesion by RECIST version 1.1.
    criteria["inclusion.6"] = (has("measurable_disease"), ("measurable_disease",), False)
    # 7. Male or female patients with fertility must agree to use effective contraception ...
    criteria["inclusion.7"] = (REVIEW, (), True)
    # 8. Ability to understand and voluntarily sign written informed consent.
    criteria["inclusion.8"] = (REVIEW, (), True)
    # Exclusions: met when the condition is known to be false.
    # 2. Participated in other clinical trials 4 weeks before ... or within 5 half-lives, whichever
    # is shorter.  (the half-lives part is for a person: at best needs review)
    criteria["exclusion.2"] = (~(within("investigational_agent_last_date", 28) & REVIEW),
                               ("investigational_agent_last_date",), True)
    # 3. Patients previously treated with anti-HER2 ADC drugs.  (a last-dose date also says yes)
    criteria["exclusion.3"] = (~gate(pl.when(v("anti_her2_adc_last_date").is_not_null()).then(True)
                                     .otherwise(v("anti_her2_adc")), "anti_her2_adc", "anti_her2_adc_last_date"),
                               ("anti_her2_adc", "anti_her2_adc_last_date"), False)
    # 4. Patients with central nervous system metastasis.
    criteria["exclusion.4"] = (~has("cns_metastases"), ("cns_metastases",), False)
    # 5. Clinically uncontrolled mass pleural effusion, pericardial effusion, or abdominal effusion.
    criteria["exclusion.5"] = (REVIEW, (), True)
    # 6. Non-recovery of toxic effects from previous antitumor therapy (> NCI-CTCAE 5.0 grade 1) ...
    criteria["exclusion.6"] = (REVIEW, (), True)
    # 7. Patients with corneal epitheliopathy ... or unwilling to stop wearing contact lenses.
    criteria["exclusion.7"] = (REVIEW, (), True)
    # 8. Patients take medications that prolong the QTc interval or have risk factors ... such as
    # uncorrectable hypokalemia, hereditary long QT syndrome.  (other risk factors: for a person)
    criteria["exclusion.8"] = (~(has("qt_prolonging_drug") | has("long_qt_syndrome") | REVIEW),
                               ("qt_prolonging_drug", "long_qt_syndrome"), True)
    # 9.1 ... QTc > 470 ms
    criteria["exclusion.9.1"] = (~lab("qtc", v("qtc") > 470.0), ("qtc", "qtc_date"), False)
    # 9.2 New York Heart Association (NYHA) Grade >= 2 for congestive heart failure
    criteria["exclusion.9.2"] = (~(has("heart_failure") & gate(v("nyha_class") >= 2, "nyha_class")),
                                 ("heart_failure", "nyha_class"), False)
    # 9.3 arrhythmia of clinical significance grade >= 2.
    criteria["exclusion.9.3"] = (REVIEW, (), True)
    # 9.4 History of myocardial infarction or severe arteriovenous thrombosis within 6 months.
    # ("severe" is not in the file: a recent thrombosis date is unknown, as in the engine)
    criteria["exclusion.9.4"] = (~(within("myocardial_infarction_date", 182)
                                   | gate(pl.lit(None, dtype=pl.Boolean), "arterial_venous_thrombosis_date")),
                                 ("myocardial_infarction_date", "arterial_venous_thrombosis_date"), False)
    # 9. Cardiac function and disease conform to one of the following conditions:
    criteria["exclusion.9"] = (criteria["exclusion.9.1"][0] & criteria["exclusion.9.2"][0]
                               & criteria["exclusion.9.3"][0] & criteria["exclusion.9.4"][0], (), False)
    # 10. Pregnant or lactating women;
    criteria["exclusion.10"] = (~(has("pregnancy") | has("lactation")), ("pregnancy", "lactation"), False)
    # 11. Known allergy to any excipients of FS-1502;
    criteria["exclusion.11"] = (REVIEW, (), True)
    # 12. Active infections requiring systemic treatment;  (a plain "true" does not say
    # "requiring systemic treatment": unknown; "false" rules it out)
    criteria["exclusion.12"] = (~gate(pl.when(v("active_infection")).then(None).otherwise(v("active_infection")),
                                      "active_infection"), ("active_infection",), False)
    # 13. Active hepatitis B (HBsAg positive with HBV DNA > 1000 IU/ml ...) or hepatitis C (HCV RNA
    # positive), HIV positive.  (serology is lab-like: it needs a recent date, and the file has
    # no date column for it, so those parts are unknown, as in the engine)
    criteria["exclusion.13"] = (~(
        has("hepatitis_b_active")
        | (lab("hbsag", v("hbsag"), dated=False) & lab("hbv_dna", v("hbv_dna") > 1000.0, dated=False))
        | lab("hcv_rna", v("hcv_rna"), dated=False)
        | has("hiv")), ("hepatitis_b_active", "hbsag", "hbv_dna", "hcv_rna", "hiv"), False)
    # 14. Any other malignancies within the 5 years ... other than early malignancies radically
    # treated.  (no column records other malignancies; radical treatment is for a person)
    criteria["exclusion.14"] = (REVIEW, (), True)
    # 15. Any other clinically significant disease or condition that the investigator believes ...
    criteria["exclusion.15"] = (REVIEW, (), True)
    # Registry age limits: minimum 18 Years
    criteria["registry.age"] = (gate(pl.col("age") >= 18, "birth_date"), ("birth_date",), False)

    # 5. Statuses: sub-items first (a parent's error/review depends on its children's statuses).
    children = {"inclusion.phase_ia": ("inclusion.phase_ia.1", "inclusion.phase_ia.2"),
                "exclusion.9": ("exclusion.9.1", "exclusion.9.2", "exclusion.9.3", "exclusion.9.4")}
    lf = lf.with_columns([status(*criteria[c]).alias(c)
                          for c in CRITERIA if c in SUB_ITEMS])
    lf = lf.with_columns([status(*criteria[c], children=children.get(c, ())).alias(c)
                          for c in CRITERIA if c not in SUB_ITEMS])

    # 6. Verdict: any top-level criterion not met -> ineligible; else an unreadable cell -> error;
    # else anything open -> needs_review; else eligible. And the id lists of the engine's file.
    def ids(state: str) -> pl.Expr:
        return pl.concat_str([pl.when(pl.col(c) == state).then(pl.lit(c)) for c in TOP],
                             separator="; ", ignore_nulls=True)

    verdict = (pl.when(pl.any_horizontal([pl.col(c) == "not_met" for c in TOP])).then(pl.lit("ineligible"))
               .when(pl.any_horizontal([pl.col(c) == "error" for c in TOP])).then(pl.lit("error"))
               .when(pl.any_horizontal([pl.col(c).is_in(["unknown", "needs_review"]) for c in TOP]))
               .then(pl.lit("needs_review"))
               .otherwise(pl.lit("eligible")))
    return lf.select(
        pl.col(c.column["patient_id"]).alias("patient_id"), verdict.alias("verdict"),
        ids("not_met").alias("failed"), ids("unknown").alias("unknown"),
        ids("needs_review").alias("needs_review"), ids("error").alias("errors"), *CRITERIA,
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cohort_csv", type=Path)
    ap.add_argument("out_csv", type=Path)
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 1),
                    help="screening date for rows without an as_of cell (default 2026-11-01)")
    ap.add_argument("--explain", action="store_true", help="print the optimised plan and stop")
    args = ap.parse_args(argv)
    query = build(args.cohort_csv, args.as_of, load_vocabulary())
    if args.explain:
        print(query.explain(engine="streaming"))
        return 0
    query.sink_csv(args.out_csv, engine="streaming")
    return 0


if __name__ == "__main__":
    sys.exit(main())
