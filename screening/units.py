"""Units: a unit as written -> a canonical pint expression -> one cached conversion factor.

Flow: a spelling from criteria text, a lab export or FHIR UCUM goes through ``normalize_unit``
(pure Python, driven by ``data/units.toml``), then ``conversion_factor`` turns it into a plain
float multiplier into a concept's canonical unit. pint is consulted once per new
(spelling, concept) pair and never per value; after that every value is one multiplication.

This module owns the package's only ``pint.UnitRegistry``. It is built on first need, so importing
this module (or the vocabulary, which validates its units through ``normalize_unit``) never
imports pint, and a run whose factors were preloaded (``preload_factor_cache``) never does either.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screening.errors import UnitError

if TYPE_CHECKING:  # pragma: no cover - typing only; a runtime import would be circular
    import pint

    from screening.vocabulary import Concept

__all__ = [
    "conversion_factor",
    "describe_unit",
    "factor_cache_snapshot",
    "is_known_unit",
    "normalize_unit",
    "preload_factor_cache",
]

_DATA_FILES = ("units.toml", "clinical_units.txt")


# --------------------------------------------------------------------------- data tables


@dataclass(frozen=True, slots=True)
class _Rewrite:
    pattern: re.Pattern[str]
    replace: str


@dataclass(frozen=True, slots=True)
class _Reinterpret:
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class _Tables:
    aliases: Mapping[str, str]  # casefolded spelling -> expression
    aliases_exact: Mapping[str, str]
    rewrites: tuple[_Rewrite, ...]
    count_prefixes: Mapping[str, str]  # exact word -> power of ten
    atoms: Mapping[str, str]  # casefolded word -> pint atom
    atoms_exact: Mapping[str, str]
    power_suffix: frozenset[str]  # casefolded length words that take a glued exponent
    display_atoms: Mapping[str, str]
    display_whole: Mapping[str, str]
    reinterpret: tuple[_Reinterpret, ...]
    dimensions: Mapping[str, str]


def _read_data(name: str) -> str:
    """Read a packaged data file: from disk when the package is a directory, else through
    importlib.resources (zip imports)."""
    path = Path(__file__).parent / "data" / name
    if path.is_file():
        return path.read_text(encoding="utf-8")
    from importlib import resources  # ~10 ms to import, rarely needed

    return (resources.files("screening") / "data" / name).read_text(encoding="utf-8")


def _str_table(raw: Mapping[str, Any], section: str) -> dict[str, str]:
    table = raw.get(section, {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise UnitError(f"data/units.toml: [{section}] must map strings to strings")
    return dict(table)


@functools.cache
def _tables() -> _Tables:
    """Parse data/units.toml once per process (a few ms; no pint)."""
    import tomllib  # not needed when the vocabulary and factors come from caches

    raw = tomllib.loads(_read_data("units.toml"))
    rewrites = tuple(
        _Rewrite(re.compile(rule["pattern"], re.IGNORECASE), rule["replace"])
        for rule in raw.get("rewrite", [])
    )
    reinterpret = tuple(_Reinterpret(r["from"], r["to"]) for r in raw.get("reinterpret", []))
    display = raw.get("display", {})
    return _Tables(
        aliases={k.casefold(): v for k, v in _str_table(raw, "aliases").items()},
        aliases_exact=_str_table(raw, "aliases_exact"),
        rewrites=rewrites,
        count_prefixes=_str_table(raw, "count_prefixes"),
        atoms={k.casefold(): v for k, v in _str_table(raw, "atoms").items()},
        atoms_exact=_str_table(raw, "atoms_exact"),
        power_suffix=frozenset(a.casefold() for a in raw.get("power_suffix", {}).get("atoms", [])),
        display_atoms=_str_table(display, "atoms"),
        display_whole=_str_table(display, "whole"),
        reinterpret=reinterpret,
        dimensions=_str_table(raw, "dimensions"),
    )


# --------------------------------------------------------------------------- normalisation

_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_LEADING_TIMES = re.compile(r"^(?:[x×X]|\\?\*)\s*(?=[\d(])")
_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<pow>(?:\^|\*\*)\s*[-+]?\d+)"
    r"|(?P<op>[/*·.])"
    r"|(?P<num>\d+(?:\.\d+)?(?:e[-+]?\d+)?)"
    r"|(?P<word>[A-Za-z%][A-Za-z0-9_%]*)"
    r")\s*"
)
_GLUED_POWER = re.compile(r"^([A-Za-z]+)([1-9])$")


@dataclass(slots=True)
class _Factor:
    atom: str  # pint atom or a number
    sign: int  # +1 numerator, -1 denominator
    power: int = 1
    word: str = ""  # as written, for count prefixes


def _prepare(spelling: str) -> str:
    """Text clean-up that must happen in this order (clinical-units.md section 0, trap 13)."""
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPT_DIGITS), spelling)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u00b5", "u").replace("\u03bc", "u")
    text = " ".join(text.split()).strip(" .,;:")
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()
    return _LEADING_TIMES.sub("", text)


@functools.lru_cache(maxsize=4096)
def normalize_unit(spelling: str) -> str:
    """Return the canonical pint expression for a unit spelling, without importing pint.

    ``"x10⁹/L"``, ``"10*9/L"`` and ``"G/L"`` all give ``"1e9/L"``; ``"/mm3"`` gives
    ``"1/mm**3"``; ``"mL/min/1.73m2"`` gives ``"mL/min/BSA173"``. An empty spelling means "no
    unit" (``"1"``). Raises ``UnitError`` for a word the tables do not know, so that ``K`` (kelvin),
    ``G`` (gauss), ``Mg`` or ``ML`` never reach pint as themselves.
    """
    tables = _tables()
    text = _prepare(spelling)
    if text in tables.aliases_exact:
        return tables.aliases_exact[text]
    if text.casefold() in tables.aliases:
        return tables.aliases[text.casefold()]
    for rule in tables.rewrites:
        text = rule.pattern.sub(rule.replace, text)
    factors = _read_factors(spelling, text.strip(), tables)
    return _render(factors)


def _read_factors(spelling: str, text: str, tables: _Tables) -> list[_Factor]:
    factors: list[_Factor] = []
    next_sign: int | None = None  # set by an explicit operator
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise UnitError(f"unknown unit {spelling!r}: cannot read {text[pos:]!r}")
        pos = match.end()
        if (power := match.group("pow")) is not None:
            if not factors:
                raise UnitError(f"unknown unit {spelling!r}: exponent without a unit")
            factors[-1].power *= int(power.lstrip("^*").strip())
            continue
        if (op := match.group("op")) is not None:
            next_sign = -1 if op == "/" else 1
            continue
        # Juxtaposition ("10^9 cells/L", "mg/g creat") stays on the side of the previous factor.
        sign = next_sign if next_sign is not None else (factors[-1].sign if factors else 1)
        next_sign = None
        if (number := match.group("num")) is not None:
            factors.append(_Factor(number, sign))
        else:
            factors.append(_Factor("", sign, word=match.group("word")))
    if next_sign == -1:
        raise UnitError(f"unknown unit {spelling!r}: nothing after '/'")
    for i, factor in enumerate(factors):
        if not factor.word:
            continue
        is_count = (
            i == 0
            and factor.sign == 1
            and len(factors) > 1
            and factors[1].sign == -1
            and factor.word in tables.count_prefixes
        )
        if is_count:
            factor.atom = tables.count_prefixes[factor.word]
        else:
            factor.atom, glued = _atom(spelling, factor.word, tables)
            factor.power *= glued
    return factors


def _atom(spelling: str, word: str, tables: _Tables) -> tuple[str, int]:
    """One word -> (pint atom, glued exponent), e.g. "mcL" -> ("uL", 1), "mm3" -> ("mm", 3)."""
    if word in tables.atoms_exact:
        return tables.atoms_exact[word], 1
    if (atom := tables.atoms.get(word.casefold())) is not None:
        return atom, 1
    glued = _GLUED_POWER.match(word)
    if glued and glued.group(1).casefold() in tables.power_suffix:
        return tables.atoms[glued.group(1).casefold()], int(glued.group(2))
    raise UnitError(f"unknown unit {spelling!r}: {word!r} is not a unit this engine knows")


def _render(factors: list[_Factor]) -> str:
    """Numbers first, then numerator atoms, then one "/atom" per denominator factor."""

    def term(f: _Factor) -> str:
        # A whole-atom table value may itself carry a power ("mm**3"): multiply, don't stack.
        base, _, inner = f.atom.partition("**")
        power = f.power * (int(inner) if inner else 1)
        return base if power == 1 else f"{base}**{power}"

    kept = [f for f in factors if f.atom not in ("1", "")]
    numbers = [term(f) for f in kept if f.sign > 0 and f.atom[0].isdigit()]
    numerator = numbers + [term(f) for f in kept if f.sign > 0 and not f.atom[0].isdigit()]
    denominator = [term(f) for f in kept if f.sign < 0]
    return ("*".join(numerator) or "1") + "".join(f"/{d}" for d in denominator)


def is_known_unit(spelling: str) -> bool:
    """True when ``normalize_unit`` can read the spelling (no pint, no dimension check)."""
    try:
        normalize_unit(spelling)
    except UnitError:
        return False
    return True


_TERM = re.compile(r"(?P<sep>^|[*/])(?P<atom>[^*/]+(?:\*\*-?\d+)?)")


def _terms(expression: str) -> list[tuple[str, str]]:
    """Split a canonical expression into (separator, atom) pairs: "1e9/L" -> [("", "1e9"), ("/", "L")]."""
    return [(m.group("sep"), m.group("atom")) for m in _TERM.finditer(expression)]


@functools.lru_cache(maxsize=4096)
def describe_unit(spelling: str) -> str:
    """A short human form of a unit ("10^9/L", "g/dL", "µmol/L"); the spelling itself if unknown."""
    try:
        canonical = normalize_unit(spelling)
    except UnitError:
        return spelling.strip()
    tables = _tables()
    if canonical in tables.display_whole:
        return tables.display_whole[canonical]
    out: list[str] = []
    for sep, atom in _terms(canonical):
        if atom == "1" and sep == "":
            continue  # "1/uL" reads "/µL"
        shown = tables.display_atoms.get(atom)
        if shown is None:
            base, _, power = atom.partition("**")
            shown = tables.display_atoms.get(base, base) + (f"^{power}" if power else "")
        out.append(("·" if sep == "*" else sep) + shown)
    return "".join(out)


# --------------------------------------------------------------------------- pint, lazily

_REGISTRY_LOCK = threading.Lock()
_registry_instance: pint.UnitRegistry[Any] | None = None


def _registry() -> pint.UnitRegistry[Any]:
    """Build the package's single UnitRegistry on first use (about 0.2-0.4 s)."""
    global _registry_instance
    with _REGISTRY_LOCK:
        if _registry_instance is None:
            import pint  # deliberately lazy: importing pint costs ~250 ms

            registry: pint.UnitRegistry[Any] = pint.UnitRegistry()
            registry.load_definitions(_read_data("clinical_units.txt").splitlines())
            pint.set_application_registry(registry)  # type: ignore[no-untyped-call]
            _registry_instance = registry
        return _registry_instance


class _Mismatch(Exception):
    """Internal: the two units do not measure the same thing for this concept."""

    def __init__(self, hint: str = "") -> None:
        super().__init__(hint)
        self.hint = hint


def _pint_factor(source: str, target: str, molar_mass: float | None, valence: int | None) -> float:
    """Multiplier from ``source`` to ``target``, bridging mass/moles/equivalents when allowed.

    The ratio source/target in SI base units may keep powers of [mass], [substance] and
    [equivalent] whose exponents sum to zero (mg/dL over umol/L leaves kg/mol). They are
    cancelled with the molar mass (g/mol) and the valence (eq/mol); anything else left over is a
    dimension mismatch.
    """
    registry = _registry()
    ratio = (registry.parse_expression(source) / registry.parse_expression(target)).to_base_units()
    dims = dict(ratio.dimensionality)
    mass = dims.pop("[mass]", 0)
    substance = dims.pop("[substance]", 0)
    equivalent = dims.pop("[equivalent]", 0)
    if dims or mass + substance + equivalent != 0:
        raise _Mismatch()
    factor = float(ratio.magnitude)
    if mass:
        if molar_mass is None:
            raise _Mismatch("it has no molar mass to convert between mass and moles")
        factor *= (molar_mass / 1000.0) ** (-mass)  # kg/mol, as pint's base unit of mass is kg
    if equivalent:
        if valence is None:
            raise _Mismatch("it has no valence to convert equivalents")
        factor *= float(abs(valence)) ** (-equivalent)
    return factor


def _dimension_words(target: str) -> str:
    """Words for what a canonical unit measures ("a count per volume"), for error messages."""
    if "percent" in (atom for _, atom in _terms(target)):
        return "a percentage"
    dims = _registry().parse_expression(target).dimensionality
    key = " ".join(f"{name}^{power:g}" for name, power in sorted(dict(dims).items()))
    return _tables().dimensions.get(key, f"a quantity of dimension {dims}")


# --------------------------------------------------------------------------- conversion factors

_FACTORS: dict[tuple[str, str], float] = {}
_FAILURES: dict[tuple[str, str], str] = {}  # the message after the value: pint runs once per pair


def _concept_name(concept: Concept) -> str:
    label = concept.label
    if len(label) > 1 and label[1].islower():
        label = label[0].lower() + label[1:]
    return f"{concept.id} ({label})"


def _bare_unit(spelling: str, concept: Concept) -> str:
    """Apply the concept's bare_units: urine protein "< 1.0 g" means g per 24 h."""
    if not concept.bare_units:
        return spelling
    try:
        written = normalize_unit(spelling)
    except UnitError:
        return spelling
    for bare, meaning in concept.bare_units.items():
        if normalize_unit(bare) == written:
            return meaning
    return spelling


def _reinterpreted(source: str, target: str) -> str:
    """Rewrite unit names that mean another unit for this concept (IU/L on an enzyme is U/L)."""
    target_atoms = {atom for _, atom in _terms(target)}
    for rule in _tables().reinterpret:
        prefixed = re.compile(rf"^(?P<prefix>[kmunp]?){re.escape(rule.source)}$")
        wanted = re.compile(rf"^[kmunp]?{re.escape(rule.target)}$")
        if not any(wanted.match(a) for a in target_atoms):
            continue
        if any(prefixed.match(a) for a in target_atoms):
            continue
        terms = _terms(source)
        if any(prefixed.match(a) for _, a in terms):
            return "".join(sep + (prefixed.sub(rf"\g<prefix>{rule.target}", a)) for sep, a in terms)
    return source


def _compute_factor(spelling: str, concept: Concept) -> float:
    """Work the factor out (pint only past the cheap checks). Raises _Failure with a message."""
    expected = f"{_concept_name(concept)}"
    if concept.unit is None:
        raise _Failure(f"has a unit, but {expected} takes no unit")
    target = normalize_unit(concept.unit)
    shown_target = describe_unit(concept.unit)
    try:
        source = normalize_unit(_bare_unit(spelling, concept))
    except UnitError:
        raise _Failure(
            f"has a unit this engine does not know ({spelling.strip()!r}); "
            f"{expected} is measured in {shown_target}"
        ) from None
    if source == target:
        return 1.0
    source_atoms = {atom for _, atom in _terms(source)}
    target_atoms = {atom for _, atom in _terms(target)}
    if ("percent" in source_atoms) != ("percent" in target_atoms):
        # LVEF arrives as 55 (%) and as 0.55 (fraction); HbA1c % vs mmol/mol is no unit change.
        what = "a percentage" if "percent" in target_atoms else "not a percentage"
        raise _Failure(
            f"is not a unit of {expected}: expected {what} such as {shown_target} "
            "(percentages and fractions are never converted silently)"
        )
    source = _reinterpreted(source, target)
    try:
        factor = _pint_factor(source, target, concept.molar_mass, concept.valence)
    except _Mismatch as mismatch:
        hint = f" ({mismatch.hint})" if mismatch.hint else ""
        raise _Failure(
            f"is not a unit of {expected}: expected {_dimension_words(target)} "
            f"such as {shown_target}{hint}"
        ) from None
    if not math.isfinite(factor) or factor <= 0:
        raise _Failure(f"cannot be converted to {shown_target} for {expected}")
    return float(f"{factor:.12g}")  # drop float noise (1000.0000000000001) without losing precision


class _Failure(Exception):
    """Internal: why a (spelling, concept) pair cannot convert; the text follows the value."""


def conversion_factor(spelling: str, concept: Concept, *, value_text: str | None = None) -> float:
    """Multiplier turning a value written in ``spelling`` into ``concept.unit``.

    Cached per (spelling, concept.id): pint runs once per new pair, never per value, and not at
    all when the spelling already is the canonical unit or the cache was preloaded. Concept ids are
    unique within the one vocabulary, which is what makes the id a safe cache key.

    Raises:
        UnitError: unknown spelling, or a unit of the wrong dimension for the concept. The one-line
            message names the value (``value_text`` if given, else the unit as written), the unit,
            the concept and its expected unit.
    """
    key = (spelling, concept.id)
    cached = _FACTORS.get(key)
    if cached is not None:
        return cached
    reason = _FAILURES.get(key)
    if reason is None:
        try:
            factor = _compute_factor(spelling, concept)
        except _Failure as failure:
            reason = str(failure)
            _FAILURES[key] = reason
        else:
            _FACTORS[key] = factor
            return factor
    subject = value_text.strip() if value_text else spelling.strip() or "a value without a unit"
    if value_text and spelling.strip() and spelling.strip() not in subject:
        subject = f"{subject} {spelling.strip()}"
    raise UnitError(f"{subject} {reason}")


def factor_cache_snapshot() -> dict[tuple[str, str], float]:
    """Every factor computed or preloaded so far, to persist with a compiled trial."""
    return dict(_FACTORS)


def preload_factor_cache(entries: Mapping[tuple[str, str], float]) -> None:
    """Seed the factor cache (from a compiled trial) so later runs need not import pint."""
    for (spelling, concept_id), factor in entries.items():
        _FACTORS[(str(spelling), str(concept_id))] = float(factor)
