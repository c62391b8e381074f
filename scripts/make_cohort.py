"""Generate a synthetic patient cohort CSV for batch screening against NCT03944499.

NCT03944499 (FS-1502) is a phase 1 trial of a HER2 antibody-drug conjugate in HER2-expressing
advanced solid tumours and HER2-positive breast cancer. The cohort is fictional: every value is
drawn from rough, realistic distributions for adults with advanced cancer, with missing cells, a
few stale lab dates, an extra column the engine does not know (``smoking_status``) and, in about
0.3% of rows, exactly one unreadable cell (a decimal comma, text in a number column or an
impossible date) to exercise error handling.

Units are part of the header (``hemoglobin [g/dL]``); that header is the file format contract.
The output depends only on the arguments: the same arguments give a byte-identical file. Rows
are streamed, so any number of rows runs in bounded memory. Standard library only.

Usage::

    python scripts/make_cohort.py --out examples/cohort.csv
    python scripts/make_cohort.py --rows 1000000 --seed 7 --as-of 2026-11-01 --out /tmp/cohort.csv
    python scripts/make_cohort.py --rows 20 | head
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import random
import statistics
import sys
from collections.abc import Iterator, Sequence
from typing import TextIO, TypeVar

DEFAULT_SEED = 20191
DEFAULT_ROWS = 300
DEFAULT_AS_OF = "2026-11-01"
# primary tumours of the patients who do not have breast cancer (HER2-expressing solid tumours)
OTHER_SITES = ("gastric", "lung", "colorectal", "bladder", "ovarian", "endometrial", "biliary", "salivary gland")

HEADER: tuple[str, ...] = (
    "patient_id", "as_of", "birth_date", "sex", "body_weight [kg]", "height [cm]",
    "hemoglobin [g/dL]", "hemoglobin_date", "anc [10^9/L]", "anc_date",
    "platelets [10^9/L]", "platelets_date",
    "total_bilirubin [mg/dL]", "total_bilirubin_uln [mg/dL]", "total_bilirubin_date",
    "ast [U/L]", "ast_uln [U/L]", "ast_date", "alt [U/L]", "alt_uln [U/L]", "alt_date",
    "creatinine [mg/dL]", "creatinine_uln [mg/dL]", "creatinine_date",
    "potassium [mmol/L]", "potassium_date", "albumin [g/dL]", "albumin_date", "lvef [%]", "lvef_date",
    "urine_protein_dipstick", "urine_protein_dipstick_date",
    "urine_protein_24h [g/d]", "urine_protein_24h_date",
    "qtc [ms]", "qtc_date", "ecog", "karnofsky", "life_expectancy [weeks]", "life_expectancy_date",
    "her2_ihc", "her2_ish", "measurable_disease", "primary_site", "cns_metastases",
    "liver_metastases", "gilbert_syndrome",
    "heart_failure", "nyha_class", "myocardial_infarction_date", "arterial_venous_thrombosis_date",
    "pregnancy", "lactation", "active_infection", "anti_her2_adc", "anti_her2_adc_last_date",
    "gcsf_last_date", "rbc_transfusion_date",
    "platelet_transfusion_date", "tpo_agonist_last_date", "investigational_agent_last_date",
    "qt_prolonging_drug", "long_qt_syndrome", "hepatitis_b_active", "hbsag", "hbv_dna [IU/mL]",
    "hcv_rna", "hiv",
    "prior_lines", "prior_anti_her2_lines", "smoking_status",
)
COLUMN = {name: i for i, name in enumerate(HEADER)}

# -- missing and unreadable cells -------------------------------------------------------------

P_MISSING = 0.06  # any cell not listed below
P_MISSING_FLAG = 0.15  # boolean condition flags
P_LAB_DATE_KEPT = 0.1  # a missing measurement keeps its date with this probability
P_LAB_DATE_ONLY = 0.02  # a measurement present without its date
P_AS_OF_EMPTY = 0.03
P_STALE = 0.05  # a lab date 36-40 days before as_of (older than the trial's 28-day window)
P_BAD_ROW = 0.003  # rows with exactly one unreadable cell

# Measurements and their dates: a missing value usually takes its date with it.
MEASUREMENTS = (
    "hemoglobin", "anc", "platelets", "total_bilirubin", "ast", "alt", "creatinine", "potassium",
    "albumin", "lvef", "urine_protein_dipstick", "urine_protein_24h", "qtc", "life_expectancy",
)
BARE_NAMES = tuple(name.split(" [")[0] for name in HEADER)  # without the unit
MEASUREMENT_PAIRS = tuple(  # (value column, date column)
    (i, COLUMN[bare + "_date"]) for i, bare in enumerate(BARE_NAMES) if bare in MEASUREMENTS
)
FLAG_COLUMNS = tuple(
    COLUMN[name]
    for name in (
        "measurable_disease", "cns_metastases", "liver_metastases", "gilbert_syndrome",
        "heart_failure", "pregnancy", "lactation", "active_infection", "anti_her2_adc",
        "qt_prolonging_drug", "long_qt_syndrome", "hepatitis_b_active", "hiv",
    )
)
HEART_FAILURE, NYHA = COLUMN["heart_failure"], COLUMN["nyha_class"]
ANTI_HER2_ADC, ANTI_HER2_ADC_DATE = COLUMN["anti_her2_adc"], COLUMN["anti_her2_adc_last_date"]
MEASUREMENT_DATE_COLUMNS = tuple(date for _, date in MEASUREMENT_PAIRS)
PLAIN_COLUMNS = tuple(
    i for i in range(2, len(HEADER)) if i not in FLAG_COLUMNS and i not in MEASUREMENT_DATE_COLUMNS
)

NUMBER_COLUMNS = tuple(  # measured or counted numbers (not the reference limits)
    i
    for i, name in enumerate(HEADER)
    if ("[" in name and "_uln" not in name)
    or name in ("ecog", "karnofsky", "nyha_class", "prior_lines", "prior_anti_her2_lines")
)
DECIMAL_COLUMNS = tuple(
    COLUMN[name]
    for name in (
        "body_weight [kg]", "hemoglobin [g/dL]", "anc [10^9/L]", "total_bilirubin [mg/dL]",
        "creatinine [mg/dL]", "potassium [mmol/L]", "albumin [g/dL]", "urine_protein_24h [g/d]",
    )
)
DATE_COLUMNS = tuple(i for i, name in enumerate(HEADER) if name.endswith("_date"))
BAD_TEXT = ("see note", "see note", "pending review", "hemolysed")
IMPOSSIBLE_DAYS = ("02-30", "02-31", "04-31", "06-31", "09-31", "11-31")

# -- distributions ----------------------------------------------------------------------------

T, F, E = "true", "false", ""
V = TypeVar("V")


def weighted(*pairs: tuple[V, int]) -> tuple[V, ...]:
    """A lookup table for fast categorical draws: ``table[int(random() * len(table))]``.

    Each value appears as many times as its weight (here, percentages).
    """
    return tuple(value for value, weight in pairs for _ in range(weight))


ECOG = weighted((0, 30), (1, 50), (2, 13), (3, 5), (4, 2))
ECOG_TO_KARNOFSKY = {0: ("100", "90"), 1: ("80", "70"), 2: ("60", "50"), 3: ("40",), 4: ("40",)}
PS_RECORDED = weighted(("ecog", 45), ("karnofsky", 25), ("both", 30))  # which scale(s) were charted
DIPSTICK = weighted(("negative", 75), ("trace", 12), ("1+", 8), ("2+", 4), ("3+", 1))
PROTEIN_24H_LOG_MEDIAN = {k: math.log(v) for k, v in {"1+": 0.4, "2+": 1.2, "3+": 3.0}.items()}
PROTEIN_24H_LOG_MEDIAN.update(negative=math.log(0.08), trace=math.log(0.15))
HER2_IHC_BREAST = weighted(("0", 15), ("1+", 15), ("2+", 25), ("3+", 45))
HER2_IHC_OTHER = weighted(("0", 40), ("1+", 25), ("2+", 20), ("3+", 15))
HER2_ISH = {"0": (0.05, 0.05), "1+": (0.05, 0.05), "2+": (0.85, 0.45), "3+": (0.15, 0.95)}  # P(done), P(+)
PRIOR_LINES = weighted((0, 8), (1, 15), (2, 22), (3, 20), (4, 14), (5, 9), (6, 6), (7, 3), (8, 2), (9, 1))
LIFE_EXPECTANCY_WEEKS = weighted((4, 3), (8, 5), (12, 25), (16, 10), (24, 22), (26, 10), (36, 5), (52, 20))
SMOKING = weighted(("never", 55), ("former", 35), ("current", 10))
BILIRUBIN_ULN = weighted(("1.2", 80), ("1.0", 10), ("1.1", 10))  # most sites use the first value
AST_ULN = weighted(("40", 80), ("35", 10), ("34", 10))
ALT_ULN = weighted(("45", 80), ("40", 10), ("55", 10))
CREATININE_ULN = weighted(("1.1", 80), ("1.0", 10), ("1.2", 10))

# Log-normal medians (natural log).
LOG_ANC, LOG_PLATELETS, LOG_BILIRUBIN = math.log(3.5), math.log(220), math.log(0.6)
LOG_AST, LOG_ALT, LOG_AST_LIVER, LOG_ALT_LIVER = math.log(25), math.log(24), math.log(38), math.log(36)
LOG_CREATININE_F, LOG_CREATININE_M = math.log(0.78), math.log(0.98)

NORMAL_BITS = 16
# Standard normal quantiles at the midpoints of 2**16 equal-probability bins: indexing it with
# random bits is a ~5x faster normal draw than random.gauss (tails stop at about +-4.3 sd).
NORMAL_TABLE = tuple(
    statistics.NormalDist().inv_cdf((i + 0.5) / 2**NORMAL_BITS) for i in range(2**NORMAL_BITS)
)


class Blanker:
    """Empties each of the given cells of every row independently with probability p.

    Rather than one random draw per cell, it draws the number of cells to skip until the next
    empty one (geometric distribution), counting on across rows: the same result in
    distribution, with about 1/p times fewer draws.
    """

    def __init__(self, rng: random.Random, columns: Sequence[int], p: float) -> None:
        self.random = rng.random
        self.columns = tuple(columns)
        self.scale = 1 / math.log1p(-p)
        self.next = self.skip()

    def skip(self) -> int:
        return int(math.log(1.0 - self.random()) * self.scale)

    def apply(self, row: list[str]) -> None:
        columns = self.columns
        i = self.next
        while i < len(columns):
            row[columns[i]] = E
            i += 1 + self.skip()
        self.next = i - len(columns)


def parse_date(text: str) -> dt.date:
    """argparse type for YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


class CohortGenerator:
    """Draws synthetic patients, one CSV row (a list of strings, in HEADER order) at a time."""

    def __init__(self, seed: int = DEFAULT_SEED, as_of: dt.date | None = None) -> None:
        if as_of is None:
            as_of = dt.date.fromisoformat(DEFAULT_AS_OF)
        self.rng = random.Random(seed)
        self.as_of = as_of.isoformat()
        self.year = str(as_of.year)
        # ISO strings of the days before as_of, indexed by the number of days back (~110 years):
        # a list lookup instead of date arithmetic and formatting in the hot loop.
        start = as_of.toordinal()
        self.days_back = [dt.date.fromordinal(start - k).isoformat() for k in range(40_200)]
        self.blankers = (
            Blanker(self.rng, PLAIN_COLUMNS, P_MISSING),
            Blanker(self.rng, FLAG_COLUMNS, P_MISSING_FLAG),
            Blanker(self.rng, MEASUREMENT_DATE_COLUMNS, P_LAB_DATE_ONLY),
        )

    def lab_days(self) -> int:
        """Days between a lab draw and as_of: 0-35, ~5% stale (36-40)."""
        rnd = self.rng.random
        if rnd() < P_STALE:
            return 36 + int(rnd() * 5)
        return int(rnd() * 36)

    def ago(self, low: int, high: int) -> str:
        """A date between `low` and `high` days (inclusive) before as_of."""
        return self.days_back[low + int(self.rng.random() * (high - low + 1))]

    def row(self, number: int) -> list[str]:
        rnd = self.rng.random
        bits = self.rng.getrandbits
        z = NORMAL_TABLE  # a standard normal draw is z[bits(NORMAL_BITS)]
        nb = NORMAL_BITS
        exp = math.exp
        back = self.days_back
        ago = self.ago
        lab_days = self.lab_days

        # Demographics and disease.
        female = rnd() < 0.65
        if rnd() < 0.01:
            age = 16 + 2 * rnd()
        else:
            age = 58 + 12 * z[bits(nb)]
            if not 30 <= age < 89:
                age = 30 + 59 * rnd()
        if female:
            weight, height = 66 + 13 * z[bits(nb)], 162 + 7 * z[bits(nb)]
        else:
            weight, height = 78 + 14 * z[bits(nb)], 175 + 7 * z[bits(nb)]
        breast = rnd() < (0.84 if female else 0.01)
        liver = rnd() < 0.25
        gilbert = rnd() < 0.03

        # HER2 and treatment history.
        ihc_table = HER2_IHC_BREAST if breast else HER2_IHC_OTHER
        ihc = ihc_table[int(rnd() * 100)]
        p_ish, p_ish_positive = HER2_ISH[ihc]
        ish_positive = rnd() < p_ish_positive
        ish = ("positive" if ish_positive else "negative") if rnd() < p_ish else E
        her2_positive = ihc == "3+" or (ihc == "2+" and ish_positive)
        lines = PRIOR_LINES[int(rnd() * 100)]
        if lines and her2_positive and rnd() < (0.9 if breast else 0.3):
            her2_lines = 1 + int(rnd() * lines)
        else:
            her2_lines = 1 if lines and rnd() < 0.03 else 0
        adc = rnd() < (0.3 if her2_lines else 0.01)
        adc_date = (ago(14, 90) if rnd() < 0.4 else ago(91, 1095)) if adc else E

        # Blood counts and chemistry: two panels; most labs are drawn on their panel's day.
        cbc_days, chem_days = lab_days(), lab_days()
        hb_days = cbc_days if rnd() < 0.9 else lab_days()
        anc_days = cbc_days if rnd() < 0.9 else lab_days()
        plt_days = cbc_days if rnd() < 0.9 else lab_days()
        chem = [chem_days if rnd() < 0.9 else lab_days() for _ in range(6)]

        # Supportive care, some of it in the washout windows before the count it affects.
        gcsf_recent = False
        gcsf_date = rbc_date = plt_tx_date = tpo_date = E
        if rnd() < 0.10:
            gcsf_recent = rnd() < 0.4  # within the 7 days before the ANC draw
            gcsf_date = ago(anc_days + 1, anc_days + 7) if gcsf_recent else ago(anc_days + 8, anc_days + 365)
        if rnd() < 0.04:
            rbc_date = ago(hb_days + 1, hb_days + 14) if rnd() < 0.35 else ago(hb_days + 15, hb_days + 365)
        if rnd() < 0.015:
            plt_tx_date = ago(plt_days + 1, plt_days + 14) if rnd() < 0.35 else ago(plt_days + 15, plt_days + 365)
        if rnd() < 0.01:
            tpo_date = ago(plt_days + 1, plt_days + 7) if rnd() < 0.4 else ago(plt_days + 8, plt_days + 200)

        hb = min(max(11.5 + 1.6 * z[bits(nb)], 5.0), 17.5)
        anc = exp(LOG_ANC + 0.5 * z[bits(nb)]) * (1.8 if gcsf_recent else 1.0)
        platelets = exp(LOG_PLATELETS + 0.35 * z[bits(nb)])
        if gilbert:
            bilirubin = 1.3 + 2.2 * rnd()
        else:
            bilirubin = exp(LOG_BILIRUBIN + 0.4 * z[bits(nb)]) * (1.3 if liver else 1.0)
        if liver:  # a long tail of raised transaminases
            ast, alt = exp(LOG_AST_LIVER + 0.6 * z[bits(nb)]), exp(LOG_ALT_LIVER + 0.6 * z[bits(nb)])
        else:
            ast, alt = exp(LOG_AST + 0.35 * z[bits(nb)]), exp(LOG_ALT + 0.4 * z[bits(nb)])
        creatinine = exp((LOG_CREATININE_F if female else LOG_CREATININE_M) + 0.22 * z[bits(nb)])
        potassium = min(max(4.1 + 0.4 * z[bits(nb)], 2.5), 6.5)
        albumin = min(max((3.6 if liver else 3.85) + 0.45 * z[bits(nb)], 1.5), 5.2)

        # Urine protein: a 24-hour collection mostly when the dipstick is 1+ or worse.
        dipstick = DIPSTICK[int(rnd() * 100)]
        protein = protein_date = E
        if rnd() < (0.05 if dipstick in ("negative", "trace") else 0.7):
            protein = format(exp(PROTEIN_24H_LOG_MEDIAN[dipstick] + 0.4 * z[bits(nb)]), ".2f")
            protein_date = back[chem_days + 1 + int(rnd() * 4)]

        # Heart.
        heart_failure = rnd() < 0.05
        nyha = str(1 + int(rnd() * rnd() * 4)) if heart_failure else E
        if heart_failure:
            lvef = 42 + 9 * z[bits(nb)]
        else:
            lvef = 60 + 5 * z[bits(nb)] - (1.5 if her2_lines else 0.0)
        qt_drug = rnd() < 0.08
        long_qt = rnd() < 0.005
        qtc = 430 + 20 * z[bits(nb)] + (12 if qt_drug else 0) + (45 if long_qt else 0) + (6 if female else 0)
        mi_date = thrombosis_date = E
        if rnd() < 0.03:
            mi_date = ago(14, 182) if rnd() < 0.3 else ago(183, 1826)
        if rnd() < 0.05:
            thrombosis_date = ago(7, 182) if rnd() < 0.3 else ago(183, 1095)

        # Performance status (ECOG, Karnofsky or both, consistent) and prognosis.
        ecog = ECOG[int(rnd() * 100)]
        recorded = PS_RECORDED[int(rnd() * 100)]
        kps = ECOG_TO_KARNOFSKY[ecog]
        weeks = LIFE_EXPECTANCY_WEEKS[int(rnd() * 100)] if rnd() < 0.8 else 4 + int(rnd() * 49)
        if ecog >= 3 and weeks > 12:
            weeks = 4 + int(rnd() * 9)

        # Reproduction (never for men), infections, viral status, trials.
        childbearing = female and age < 50
        pregnant = childbearing and rnd() < 0.04
        lactating = childbearing and not pregnant and rnd() < 0.04
        hbsag = rnd() < 0.03
        hbv_dna = E
        hbv_active = False
        if hbsag and rnd() < 0.85:
            copies = int(10 ** (1 + 6 * rnd()))
            hbv_active = copies > 2000
            hbv_dna = str(copies)
        investigational_date = E
        if rnd() < 0.07:
            investigational_date = ago(3, 27) if rnd() < 0.3 else ago(28, 730)

        row = [
            f"P{number:06d}",
            E if rnd() < P_AS_OF_EMPTY else self.as_of,
            back[int(age * 365.25)],
            "female" if female else "male",
            format(min(max(weight, 35.0), 180.0), ".1f"),
            format(min(max(height, 140.0), 205.0), ".0f"),
            format(hb, ".1f"), back[hb_days],
            format(min(max(anc, 0.05), 40.0), ".2f"), back[anc_days],
            format(min(max(platelets, 5.0), 900.0), ".0f"), back[plt_days],
            format(min(max(bilirubin, 0.1), 15.0), ".2f"), BILIRUBIN_ULN[int(rnd() * 100)], back[chem[0]],
            format(min(max(ast, 5.0), 900.0), ".0f"), AST_ULN[int(rnd() * 100)], back[chem[1]],
            format(min(max(alt, 5.0), 900.0), ".0f"), ALT_ULN[int(rnd() * 100)], back[chem[2]],
            format(min(max(creatinine, 0.2), 8.0), ".2f"), CREATININE_ULN[int(rnd() * 100)], back[chem[3]],
            format(potassium, ".1f"), back[chem[4]],
            format(albumin, ".1f"), back[chem[5]],
            format(min(max(lvef, 15.0), 78.0), ".0f"), back[lab_days()],
            dipstick, back[chem_days],
            protein, protein_date,
            format(min(max(qtc, 340.0), 600.0), ".0f"), back[lab_days()],
            str(ecog) if recorded != "karnofsky" else E,
            kps[int(rnd() * len(kps))] if recorded != "ecog" else E,
            str(weeks), back[int(rnd() * 15)],
            ihc, ish,
            T if rnd() < 0.85 else F,  # measurable disease
            "breast" if breast else OTHER_SITES[int(rnd() * len(OTHER_SITES))],
            T if rnd() < 0.12 else F,  # CNS metastases
            T if liver else F,
            T if gilbert else F,
            T if heart_failure else F, nyha, mi_date, thrombosis_date,
            T if pregnant else F,
            T if lactating else F,
            T if rnd() < 0.04 else F,  # active infection
            T if adc else F, adc_date,
            gcsf_date, rbc_date, plt_tx_date, tpo_date, investigational_date,
            T if qt_drug else F,
            T if long_qt else F,
            T if hbv_active else F,
            "positive" if hbsag else "negative", hbv_dna,
            "detected" if rnd() < 0.01 else "not detected",
            T if rnd() < 0.005 else F,  # HIV
            str(lines), str(her2_lines), SMOKING[int(rnd() * 100)],
        ]

        # Missing cells; then keep dependent cells consistent with what is left.
        for blanker in self.blankers:
            blanker.apply(row)
        for value, date in MEASUREMENT_PAIRS:
            if not row[value] and row[date] and rnd() >= P_LAB_DATE_KEPT:
                row[date] = E
        if not row[HEART_FAILURE]:
            row[NYHA] = E
        if not row[ANTI_HER2_ADC]:
            row[ANTI_HER2_ADC_DATE] = E

        if rnd() < P_BAD_ROW:
            self.spoil(row)
        return row

    def spoil(self, row: list[str]) -> None:
        """Make exactly one cell of the row unreadable."""
        rnd = self.rng.random
        kind = int(rnd() * 3)
        if kind == 0:  # decimal comma, in a decimal cell that has a value if there is one
            filled = [i for i in DECIMAL_COLUMNS if "." in row[i]] or list(DECIMAL_COLUMNS)
            i = filled[int(rnd() * len(filled))]
            row[i] = row[i].replace(".", ",") if "." in row[i] else "1,2"
        elif kind == 1:  # text in a number column, in a cell that has a value if there is one
            filled = [i for i in NUMBER_COLUMNS if row[i]] or list(NUMBER_COLUMNS)
            row[filled[int(rnd() * len(filled))]] = BAD_TEXT[int(rnd() * len(BAD_TEXT))]
        else:  # impossible date, in a date cell that has a value if there is one
            filled = [i for i in DATE_COLUMNS if row[i]] or list(DATE_COLUMNS[:1])
            i = filled[int(rnd() * len(filled))]
            row[i] = f"{row[i][:4] or self.year}-{IMPOSSIBLE_DAYS[int(rnd() * len(IMPOSSIBLE_DAYS))]}"

    def rows(self, count: int) -> Iterator[list[str]]:
        row = self.row
        for number in range(1, count + 1):
            yield row(number)


def write_cohort(out: TextIO, count: int, seed: int = DEFAULT_SEED, as_of: dt.date | None = None) -> None:
    """Write the header and `count` rows to `out` (a text stream opened with newline="")."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(CohortGenerator(seed, as_of).rows(count))  # consumes the generator row by row


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help=f"number of patients (default {DEFAULT_ROWS})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--as-of", type=parse_date, default=parse_date(DEFAULT_AS_OF),
        help=f"screening date of every row, YYYY-MM-DD (default {DEFAULT_AS_OF})",
    )
    parser.add_argument("--out", default="-", help="output CSV path; '-' (the default) is stdout")
    args = parser.parse_args(argv)
    if args.rows < 0:
        parser.error("--rows must be >= 0")

    if args.out == "-":
        sys.stdout.reconfigure(newline="")  # type: ignore[union-attr]
        try:
            write_cohort(sys.stdout, args.rows, args.seed, args.as_of)
            sys.stdout.flush()
        except BrokenPipeError:  # e.g. piped into `head`: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    with open(args.out, "w", newline="", encoding="utf-8") as out:
        write_cohort(out, args.rows, args.seed, args.as_of)
    return 0


if __name__ == "__main__":
    sys.exit(main())
