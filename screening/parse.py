"""Parse stage: the text of one criterion item -> syntax nodes (``screening.nodes``).

The only module that imports lark. An item is split into clauses (at ";", at sentence ends and
after a "Label:" lead); each clause is parsed by the LALR grammar in ``grammar/criteria.lark``.
A clause the grammar cannot read entirely becomes ``Unparsed`` quoting its span, so nothing is
dropped and nothing is guessed. ``parse_item`` never raises on any text.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from collections.abc import Sequence
from typing import Any, Literal

from lark import Lark, Token, Transformer, v_args
from lark import __version__ as lark_version
from lark.exceptions import LarkError, VisitError

from .cache import cache_dir
from .nodes import (
    Amount,
    Comparison,
    Duration,
    GroupRequirement,
    Negation,
    Exposure,
    Junction,
    LimitKind,
    LimitMultiple,
    Name,
    Presence,
    Since,
    Span,
    Syntax,
    Tag,
    Threshold,
    TimeUnit,
    Unparsed,
    ValueList,
)

GRAMMAR_NAME = "criteria.lark"


def grammar_text() -> str:
    """The grammar, from the installed package, or from the source tree in a checkout."""
    try:
        return (resources.files("screening") / "grammar" / GRAMMAR_NAME).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return (Path(__file__).resolve().parents[1] / "grammar" / GRAMMAR_NAME).read_text("utf-8")


@cache
def _parser(strict: bool = False) -> Lark:
    # The built LALR tables are cached on disk (keyed by lark on the grammar and options), so
    # only the first run on a machine pays for the build: seconds when `interegular` is
    # installed, because lark then checks every pair of terminals for collisions.
    cache: str | bool = False
    folder = cache_dir() if not strict else None
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            folder = None
        if folder is not None:
            digest = hashlib.sha256(grammar_text().encode()).hexdigest()[:16]
            cache = str(folder / f"grammar-{digest}-lark{lark_version}.pickle")
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        strict=strict,
        propagate_positions=True,
        maybe_placeholders=False,
        cache=cache,
    )


def build_parser(strict: bool = True) -> Lark:
    """Build the grammar (tests use strict=True so LALR conflicts fail loudly)."""
    return _parser(strict)


# ---------------------------------------------------------------------------- clause splitting

_SENTENCE_END = re.compile(r"(?<![A-Za-z]\.[A-Za-z])(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\d)\.(?=\s+[A-Z(])")


# "--aPTT ≤ 1.5 × ULN", "\\*AST/ALT ≤ 3 × ULN", "• Hemoglobin ≥ 9 g/dL": a list mark left in the text
_BULLET = re.compile(r"(?:\\?\*+|[-–—•·]+)\s*(?=[A-Za-z(])"
                     # "b) Neutrophils ≥ 1500/µL", "(2) Platelets …", "iii) …": an enumeration mark
                     r"|\(?(?:[a-hj-z]|\d{1,2}|[ivx]{1,4})\)\s+(?=[A-Za-z(])")


def split_clauses(text: str) -> list[tuple[int, int]]:
    """Clause boundaries (start, end) in ``text``: ";" and sentence ends outside parentheses."""
    bounds: list[tuple[int, int]] = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and (ch == ";" or (ch == "." and _SENTENCE_END.match(text, i))):
            bounds.append((start, i))
            start = i + 1
        i += 1
    bounds.append((start, n))
    out: list[tuple[int, int]] = []
    for s, e in bounds:
        # trim whitespace, a leading bullet or footnote mark and a trailing full stop
        while s < e and text[s].isspace():
            s += 1
        if m := _BULLET.match(text, s, e):
            s = m.end()
        while e > s and (text[e - 1].isspace() or text[e - 1] in ".;,"):
            e -= 1
        if e > s:
            out.append((s, e))
    return out


# "Adequate renal function as evidenced by serum creatinine < 1.5 mg/dL", "adequate hepatic
# function with a serum bilirubin < 3 mg/dL": the words before "as evidenced by" (or "with") only
# announce the checks that follow, like a "Label:"
_EVIDENCED_LEAD = re.compile(
    r"[A-Za-z][A-Za-z/\- ]{0,40}?\s(?:function|reserve|status|abnormality|impairment|dysfunction|insufficiency)"
    r"\s*,?\s*(?:(?:as\s+)?(?:evidenced|defined|demonstrated|documented|shown|indicated|measured)\s+by"
    r"|(?:as\s+)?defined\s+as|with\b(?:\s+an?\b)?(?![^:]*:\s*$))\s*:?\s*",
    re.I)
# "Adequate renal function (serum creatinine < 1.5 mg/dL or creatinine clearance > 50 mL/min)":
# the same lead with its checks in parentheses that run to the end of the clause
_PAREN_LEAD = re.compile(
    r"[A-Za-z][A-Za-z/\- ]{0,40}?\s(?:function|reserve|status|abnormality|impairment|dysfunction|insufficiency)"
    r"\s*\(", re.I)


def _paren_body(text: str, open_at: int, end: int) -> int | None:
    """End of the parenthesised body opened at ``open_at`` if it closes at the clause's end
    (or never closes: "(estimated creatinine clearance < 50 mL/min as calculated ...")."""
    depth = 0
    for i in range(open_at, end):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i if not text[i + 1:end].strip() else None
    return end if depth == 1 else None


# "Adequate haematological function, Hb ≥ 100 g/L, ANC ≥ 1.5 x 10^9/L": the same lead before a
# comma, when a bound follows
_COMMA_LEAD = re.compile(r"[A-Za-z][A-Za-z/\- ]{0,40}?\sfunctions?\s*,\s*(?=[^,]*?(?:[<>≤≥]|\b(?:at\s+least|greater|less|"
                         r"more|no\s+more|within)\b))", re.I)


def split_lead(text: str, start: int, end: int) -> tuple[tuple[int, int] | None, int, int]:
    """A "Label:" lead before the body of a clause: ((lead start, lead end), body start, body end)."""
    evidenced = _EVIDENCED_LEAD.match(text, start, end) or _COMMA_LEAD.match(text, start, end)
    if evidenced and evidenced.end() < end:
        return (start, evidenced.end()), evidenced.end(), end
    paren = _PAREN_LEAD.match(text, start, end)
    if paren and (close := _paren_body(text, paren.end() - 1, end)) is not None:
        body = paren.end()
        while body < close and text[body].isspace():
            body += 1
        if body < close:
            return (start, paren.end() - 1), body, close
    depth = 0
    for i in range(start, end):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ":" and depth == 0:
            body = i + 1
            while body < end and text[body].isspace():
                body += 1
            if body >= end:
                return (start, i), end, end
            if m := _BULLET.match(text, body, end):  # "one of the following: a) ANC ≥ …"
                body = m.end()
            return (start, i), body, end
    return None, start, end


# ---------------------------------------------------------------------------- tree -> nodes

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12,
}

_COMPARATOR_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(greater|more|higher) than or equal to|equal to or (greater|more|higher) than"
                r"|at least|no (less|fewer|lower) than|not (less|fewer|lower) than|(a )?minimum of"), ">="),
    (re.compile(r"(less|lower|fewer) than or equal to|equal to or (less|lower) than"
                r"|no (more|greater|higher) than|not (more|greater|higher) than|not exceeding"
                r"|not to exceed|at most|up to|(a )?maximum of"), "<="),
    (re.compile(r"(greater|more|higher) than|exceeding|above|over"), ">"),
    (re.compile(r"(less|lower|fewer) than|below|under"), "<"),
]

_TIME_UNITS: dict[str, TimeUnit] = {
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "day": "day", "days": "day",
    "week": "week", "weeks": "week", "wk": "week", "wks": "week",
    "month": "month", "months": "month", "mo": "month", "mos": "month",
    "year": "year", "years": "year", "yr": "year", "yrs": "year",
}


def comparator_op(text: str) -> str:
    """Map a comparator as written ("\\>=", "≥", "at least", "not exceeding") to <, <=, >, >=."""
    t = re.sub(r"\s+", " ", text.replace("\\", "")).strip().lower()
    symbols = {
        ">=": ">=", "> =": ">=", "=>": ">=", "= >": ">=", "≥": ">=", "≧": ">=", "⩾": ">=",
        "<=": "<=", "< =": "<=", "=<": "<=", "= <": "<=", "≤": "<=", "≦": "<=", "⩽": "<=",
        "=≥": ">=", "= ≥": ">=", "=≤": "<=", "= ≤": "<=",  # "ANC = ≥1,500/µL"
        ">/=": ">=", "> / =": ">=", "</=": "<=", "< / =": "<=",  # "ALT </= 5 times ULN"
        ">": ">", "＞": ">", "<": "<", "＜": "<",
    }
    if t in symbols:
        return symbols[t]
    if t == "within":  # "within 1.5 × ULN": the grammar reads it only before a ULN multiple
        return "<="
    m = re.fullmatch(r"(>|<|≥|≤|greater|more|higher|less|lower) ?or (equal (to|than)|= ?(to)?)", t) \
        or re.fullmatch(r"equal (?:to )?or (greater|more|higher|less|lower)(?: than| to)?", t) \
        or re.fullmatch(r"(greater|more|higher|less|lower) than ?(?:/ ?|or )?equal(?: to)?", t) \
        or re.fullmatch(r"(superior|inferior|above|over|below|under) or equal to", t)
    if m:  # "> or equal to", "greater or equal to", "< or = to", "greater than/equal to"
        return ">=" if m[1] in (">", "≥", "greater", "more", "higher", "superior", "above", "over") else "<="
    m = re.fullmatch(r"(superior|inferior) to", t)
    if m:
        return ">" if m[1] == "superior" else "<"
    for pattern, op in _COMPARATOR_WORDS:
        if pattern.fullmatch(t):
            return op
    raise ValueError(f"unknown comparator {text!r}")


def _postfix_op(text: str) -> str:
    word = text.split()[-1].lower()
    return ">=" if word in {"older", "more", "greater", "higher", "above", "over"} else "<="


def _number(text: str) -> float:
    t = text.strip().lower()
    if t in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[t])
    if re.fullmatch(r"\d+,\d{1,2}", t):
        # "1,5 x 10^9/L": a decimal comma (a thousands group has three digits); the grammar
        # takes it only before a power of ten or a ULN multiple
        return float(t.replace(",", "."))
    return float(t.replace(",", ""))



_NORMAL_RANGE: tuple[tuple[Literal[">="], Literal["lln"]], tuple[Literal["<="], Literal["uln"]]] = (
    (">=", "lln"), ("<=", "uln"))


@dataclass(frozen=True, slots=True)
class _WithinNormal:
    """"within normal limits" (internal to the transformer; becomes two bounds)."""

    span: Span


@dataclass(frozen=True, slots=True)
class _Alternative:
    """A parenthesised bound after a threshold's bound (internal to the transformer)."""

    item: Any  # a Comparison, or an Amount/LimitMultiple restating the main bound
    span: Span | None = None
    condition: Name | _Absent | None = None  # "(5 × ULN if liver metastases)": the main comparator

    def comparison(self, main: Comparison) -> Comparison:
        if isinstance(self.item, Comparison):
            return self.item
        assert self.span is not None
        return Comparison(span=self.span, op=main.op, value=self.item, condition=_name_of(self.condition),
                          condition_absent=isinstance(self.condition, _Absent))


@dataclass(frozen=True, slots=True)
class _OtherScale:
    """"(Karnofsky ≥ 60%)" after "ECOG ≤ 2": a parenthesised bound with a subject of its own."""

    span: Span
    subjects: tuple[Name, ...]
    comparison: Comparison
    either: bool = False  # "(or Karnofsky ≥ 70%)"


@dataclass(frozen=True, slots=True)
class _BoundCondition:
    """"≤ 2.5 × ULN (in the absence of liver metastases)": the condition of the bound before it."""

    condition: Any  # Name or _Absent


@dataclass(frozen=True, slots=True)
class _Absent:
    """A condition written as an absence: "for patients without liver metastases"."""

    name: Name


@dataclass(frozen=True, slots=True)
class _AgeGroup:
    """A group named by its age: "for patients ≤ 16 years of age" (internal to the transformer)."""

    group: Threshold


def _name_of(cond: Name | _Absent | _AgeGroup | None) -> Name | None:
    if isinstance(cond, _AgeGroup):  # read only right after a bound (see ``_conditioned``)
        raise ValueError("a group named by its age is read only right after a bound")
    return cond.name if isinstance(cond, _Absent) else cond


def _conditioned(comp: Comparison, cond: Any) -> Comparison:
    """``comp`` under the condition written after it (a name, an absence or an age group)."""
    if isinstance(cond, _AgeGroup):
        return dataclasses.replace(comp, condition_bound=cond.group)
    return dataclasses.replace(comp, condition=_name_of(cond), condition_absent=isinstance(cond, _Absent))



def _before_window(token: Token) -> tuple[float, TimeUnit]:
    """"(≤) 4 weeks prior to": the length of a BEFORE_WINDOW token."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*([A-Za-z]+)", str(token))
    assert m is not None  # the terminal always holds a number and a unit
    return float(m.group(1)), _TIME_UNITS[m.group(2).lower()]

class _ToNodes(Transformer[Token, Any]):
    """Lark tree -> syntax nodes; spans are offsets into the clause, shifted by ``offset``."""

    def __init__(self, text: str, offset: int) -> None:
        super().__init__(visit_tokens=False)
        self.text = text
        self.offset = offset

    def _span(self, meta: Any) -> Span:
        return Span(meta.start_pos + self.offset, meta.end_pos + self.offset)

    def _tspan(self, tok: Token) -> Span:
        assert tok.start_pos is not None and tok.end_pos is not None
        return Span(tok.start_pos + self.offset, tok.end_pos + self.offset)

    def _quote(self, span: Span) -> str:
        return self.text[span.start - self.offset : span.end - self.offset]

    # --- names
    @v_args(meta=True)
    def name(self, meta: Any, items: list[Any]) -> Name:
        span = self._span(meta)
        return Name(span=span, text=self._quote(span))

    def abbrev(self, items: list[Any]) -> Token:
        return items[0]

    @v_args(meta=True)
    def age_subject(self, meta: Any, items: list[Token]) -> tuple[Name, ...]:
        return (Name(span=self._tspan(items[0]), text="age"),)

    @v_args(meta=True)
    def subjects(self, meta: Any, items: list[Any]) -> tuple[Name, ...]:
        out: list[Name] = []
        for it in items:
            out.extend(it if isinstance(it, tuple) else (it,))
        return tuple(out)

    # --- amounts
    @v_args(meta=True)
    def quantity(self, meta: Any, items: list[Token]) -> Amount:
        unit = str(items[1]).strip() if len(items) > 1 else None
        if len(items) > 1 and items[1].type == "AGE_UNIT":
            return Amount(span=self._span(meta), value=_number(items[0]), unit="year", age=True)
        if len(items) > 1 and items[1].type == "TIME_UNIT":
            unit = _TIME_UNITS.get(str(items[1]).lower(), str(items[1]))
        return Amount(span=self._span(meta), value=_number(items[0]), unit=unit)

    @v_args(meta=True)
    def pair_quantity(self, meta: Any, items: list[Token]) -> Amount:
        first, second = (_number(x) for x in str(items[0]).split("/"))
        unit = str(items[1]).strip() if len(items) > 1 else None
        return Amount(span=self._span(meta), value=first, unit=unit, second=second)

    @v_args(meta=True)
    def limit_multiple(self, meta: Any, items: list[Token]) -> LimitMultiple:
        kind: LimitKind = "lln" if re.search(r"LLN|lower", str(items[1]), re.I) else "uln"
        return LimitMultiple(span=self._span(meta), multiple=_number(items[0]), limit=kind)

    @v_args(meta=True)
    def limit_one(self, meta: Any, items: list[Token]) -> LimitMultiple:
        kind: LimitKind = "lln" if re.search(r"LLN|lower", str(items[0]), re.I) else "uln"
        return LimitMultiple(span=self._span(meta), multiple=1.0, limit=kind)

    @v_args(meta=True)
    def tag(self, meta: Any, items: list[Token]) -> Tag:
        return Tag(span=self._span(meta), text=str(items[0]))

    @v_args(meta=True)
    def number_tag(self, meta: Any, items: list[Token]) -> Tag:
        return Tag(span=self._span(meta), text=str(int(_number(items[0]))) if _number(items[0]).is_integer() else str(items[0]))

    # --- bounds
    @v_args(meta=True)
    def compare(self, meta: Any, items: list[Any]) -> Comparison:
        cond = items[2] if len(items) > 2 else None
        op = comparator_op(str(items[0]))
        if isinstance(items[1], LimitMultiple) and op in (">", ">=") \
                and _TIMES_NORMAL.search(self._quote(items[1].span)):
            raise ValueError("a multiple of 'normal' under a lower bound: which limit is meant is not written")
        return _conditioned(Comparison(span=self._span(meta), op=op,  # type: ignore[arg-type]
                                       value=items[1]), cond)

    @v_args(meta=True)
    def grade_bound(self, meta: Any, items: list[Token]) -> Comparison:
        # "≥ grade 2", "grade ≥ 2", "grade 2 or higher": the amount is a grade, whatever the order
        number = next(t for t in items if t.type == "NUMBER")
        postfix = next((t for t in items if t.type == "POSTFIX_COMPARATOR"), None)
        op = _postfix_op(str(postfix)) if postfix is not None else \
            comparator_op(str(next(t for t in items if t.type == "COMPARATOR")))
        return Comparison(span=self._span(meta), op=op,  # type: ignore[arg-type]
                          value=Amount(span=self._tspan(number), value=_number(number), unit="grade"))

    def pass_bound(self, items: list[Comparison]) -> Comparison:
        return items[0]

    @v_args(meta=True)
    def grade_first(self, meta: Any, items: list[Any]) -> Threshold:
        # "Grade ≥ 2 peripheral neuropathy": the bound written before what it grades
        comparison, name = items
        return Threshold(span=self._span(meta), subjects=(name,), comparisons=(comparison,))

    @v_args(meta=True)
    def compare_restated(self, meta: Any, items: list[Any]) -> Comparison:
        written, sign = comparator_op(str(items[0])), comparator_op(str(items[1]).strip("() \t"))
        if written != sign:
            raise ValueError(f"the comparator {str(items[0])!r} and its sign {str(items[1])!r} disagree")
        return self.compare(meta, [items[0], *items[2:]])

    @v_args(meta=True)
    def compare_postfix(self, meta: Any, items: list[Any]) -> Comparison:
        cond = items[2] if len(items) > 2 else None
        value = items[0]
        if isinstance(value, Amount) and value.unit == "year" and re.search(r"\b(?:older|younger)\b", str(items[1]), re.I):
            # "18 years or older": only an age is older or younger
            value = dataclasses.replace(value, age=True)
        return _conditioned(Comparison(span=self._span(meta), op=_postfix_op(str(items[1])),  # type: ignore[arg-type]
                                       value=value), cond)

    @v_args(meta=True)
    def within_normal(self, meta: Any, items: list[Any]) -> _WithinNormal:
        return _WithinNormal(span=self._span(meta))

    @v_args(meta=True)
    def out_of_normal(self, meta: Any, items: list[Any]) -> Comparison:
        # "above institutional normal": above 1 × ULN; "below normal": below 1 × LLN
        word = str(items[0])
        span = self._span(meta)
        above = re.match(r"\s*(above|greater|higher|\\?>)", word, re.I) is not None
        tok = self._tspan(items[0])
        named = re.search(r"(the\s+)?(institutional\s+|local\s+)?normal", word, re.I)  # "institutional normal"
        start = tok.start + named.start() if named else tok.start
        limit = LimitMultiple(span=Span(start, tok.end), multiple=1.0, limit="uln" if above else "lln")
        cond = items[1] if len(items) > 1 else None
        return _conditioned(Comparison(span=span, op=">" if above else "<", value=limit), cond)

    @v_args(meta=True)
    def between(self, meta: Any, items: list[Any]) -> Comparison:
        low, high = items
        if not (isinstance(low, Amount) and isinstance(high, Amount)):
            raise ValueError("a range needs two amounts")
        if low.second is not None or high.second is not None:
            raise ValueError("a range of pairs of values")
        if low.unit is None and high.unit is not None:
            low = Amount(span=low.span, value=low.value, unit=high.unit, age=high.age)
        return Comparison(span=self._span(meta), op=">=", value=low, upper=high)

    def condition(self, items: list[Any]) -> Name:
        item = items[0]
        if isinstance(item, Token):  # FOR_SEX: "for women" names the group "women"
            words = str(item).split(None, 1)[1]
            span = self._tspan(item)
            return Name(span=Span(span.end - len(words), span.end), text=words)
        return item  # type: ignore[no-any-return]

    @v_args(meta=True)
    def condition_age(self, meta: Any, items: list[Any]) -> _AgeGroup:
        span = self._span(meta)
        if items[2].type == "TIME_UNIT" and _TIME_UNITS.get(str(items[2]).lower()) != "year":
            raise ValueError("a group named by an age needs the age in years")
        amount = Amount(span=Span(self._tspan(items[1]).start, span.end), value=_number(items[1]), unit="year", age=True)
        comp = Comparison(span=span, op=comparator_op(str(items[0])), value=amount)  # type: ignore[arg-type]
        return _AgeGroup(Threshold(span=comp.span, subjects=(Name(span=comp.span, text="age"),), comparisons=(comp,)))

    @v_args(meta=True)
    def condition_age_postfix(self, meta: Any, items: list[Any]) -> _AgeGroup:
        # "for patients 16 years and older": the comparator after the age
        comparator = Token("COMPARATOR", {">=": "≥", "<=": "≤", ">": ">", "<": "<"}[_postfix_op(str(items[2]))])
        return self.condition_age(meta, [comparator, items[0], items[1]])

    def condition_absent(self, items: list[Any]) -> _Absent:
        return _Absent(items[0])

    def bounds(self, items: list[Any]) -> tuple[Comparison, ...]:
        out: list[Comparison] = []
        for it in items:
            out.extend(it if isinstance(it, tuple) else (it,))
        return tuple(out)

    # --- exposures and notes
    @v_args(meta=True)
    def exposure(self, meta: Any, items: list[Any]) -> tuple[Exposure, ...]:
        names, number, unit, *anchor = items
        dur = Duration(span=Span(self._tspan(number).start, (anchor[0].span if anchor else self._tspan(unit)).end),
                       value=_number(number), unit=_TIME_UNITS[str(unit).lower()],
                       anchor=anchor[0] if anchor else None)
        return tuple(Exposure(span=self._span(meta), exposure=n, within=dur) for n in names)

    @v_args(meta=True)
    def exposure_for(self, meta: Any, items: list[Any]) -> tuple[Exposure, ...]:
        # "independent of platelet transfusions for at least 2 weeks": none in that time. Only a
        # time that is a floor says so ("for less than 2 weeks" says nothing of the time since)
        names, comparator, *rest = items
        if comparator_op(str(comparator)) not in (">=", ">"):
            raise ValueError(f"a support 'for' {comparator} a time is not a window")
        return self.exposure(meta, [names, *rest])

    @v_args(meta=True)
    def exposure_before(self, meta: Any, items: list[Any]) -> tuple[Exposure, ...]:
        # "without G-CSF ≤ 14 days prior to registration"
        names, window, anchor = items
        value, unit = _before_window(window)
        dur = Duration(span=Span(self._tspan(window).start, anchor.span.end), value=value, unit=unit, anchor=anchor)
        return tuple(Exposure(span=self._span(meta), exposure=n, within=dur) for n in names)

    def exposure_names(self, items: list[Name]) -> tuple[Name, ...]:
        return tuple(items)

    @v_args(meta=True)
    def open_exposures(self, meta: Any, items: list[tuple[Name, ...]]) -> tuple[Exposure, ...]:
        return tuple(Exposure(span=self._span(meta), exposure=n, within=None) for n in items[0])

    def exposure_list(self, items: list[tuple[Exposure, ...]]) -> tuple[Exposure, ...]:
        return tuple(e for group in items for e in group)

    def exposures(self, items: list[tuple[Exposure, ...]]) -> tuple[Exposure, ...]:
        return items[0]

    def note(self, items: list[Name]) -> Name:
        return items[0]

    @v_args(meta=True)
    def note_name(self, meta: Any, items: list[Any]) -> Name:
        return self.name(meta, items)

    @v_args(meta=True)
    def counted(self, meta: Any, items: list[Any]) -> Threshold:
        # "at least one measurable lesion": a count bound on the thing named after the number
        comparator, number, name, *notes = items
        number_span = self._tspan(number)
        unit = _TIME_UNITS.get(name.text.lower())
        if unit is not None and notes:
            # "(Must be) at least 18 years of age": the "name" is the unit, the note the subject
            amount = Amount(span=Span(number_span.start, name.span.end), value=_number(number), unit=unit)
            comparison = Comparison(span=Span(self._tspan(comparator).start, name.span.end),
                                    op=comparator_op(str(comparator)), value=amount)  # type: ignore[arg-type]
            return Threshold(span=self._span(meta), subjects=(), comparisons=(comparison,), notes=tuple(notes))
        amount = Amount(span=number_span, value=_number(number), unit=None)
        comparison = Comparison(span=Span(self._tspan(comparator).start, number_span.end),
                                op=comparator_op(str(comparator)), value=amount)  # type: ignore[arg-type]
        return Threshold(span=self._span(meta), subjects=(name,), comparisons=(comparison,),
                         notes=tuple(notes))

    def alternative(self, items: list[Any]) -> _Alternative:
        return _Alternative(items[0])

    @v_args(meta=True)
    def restated_amount(self, meta: Any, items: list[Any]) -> _Alternative:
        return _Alternative(items[0], span=self._span(meta))

    def condition_first(self, items: list[Any]) -> _Alternative:
        cond, comp = items
        if not isinstance(comp, Comparison) or comp.conditional:
            raise ValueError("a condition written before a bound that is not a plain comparison")
        return _Alternative(dataclasses.replace(comp, condition=_name_of(cond),
                                                condition_absent=isinstance(cond, _Absent)))

    @v_args(meta=True)
    def other_scale(self, meta: Any, items: list[Any]) -> _OtherScale:
        subjects, comp = items
        if not isinstance(comp, Comparison) or comp.conditional:
            raise ValueError("a bound with a subject of its own in parentheses that is not a plain comparison")
        return _OtherScale(span=self._span(meta), subjects=subjects, comparison=comp)

    @v_args(meta=True)
    def other_scale_either(self, meta: Any, items: list[Any]) -> _OtherScale:
        return dataclasses.replace(self.other_scale(meta, items), either=True)

    @v_args(meta=True)
    def amount_condition(self, meta: Any, items: list[Any]) -> _Alternative:
        # "AST ≤ 2.5 × ULN (5 × ULN if liver metastases are present)": the comparator is the main one's
        amount, cond = items
        return _Alternative(amount, span=self._span(meta), condition=cond)

    def bound_condition(self, items: list[Any]) -> _BoundCondition:
        return _BoundCondition(items[0])

    @v_args(meta=True)
    def threshold(self, meta: Any, items: list[Any]) -> Threshold | Junction:
        subjects = items[0]
        bounds = items[1]
        if isinstance(bounds, _WithinNormal):
            if len(items) > 2:
                raise ValueError("'within normal limits' with further bounds or notes")
            # both limits of the lab's own range: ≥ 1 × LLN and ≤ 1 × ULN
            span = self._span(meta)
            return Junction(span=span, op="and", normal_range=True, parts=tuple(
                Threshold(span=span, subjects=subjects, comparisons=(Comparison(
                    span=bounds.span, op=op, value=LimitMultiple(span=bounds.span, multiple=1.0, limit=limit)),))
                for op, limit in _NORMAL_RANGE))
        exposures: tuple[Exposure, ...] = ()
        notes: list[Name] = []
        recency: Duration | None = None
        if isinstance(bounds, Comparison):
            bounds = (bounds,)
        restated: list[Comparison] = []
        others: list[_OtherScale] = []
        for it in items[2:]:
            if isinstance(it, _OtherScale):
                others.append(it)
            elif isinstance(it, tuple):
                exposures = exposures + it
            elif isinstance(it, Name):
                notes.append(it)
            elif isinstance(it, _Alternative):
                alt = it.comparison(bounds[0])
                if isinstance(it.item, Comparison) and isinstance(alt.value, Amount) and alt.value.age \
                        and alt.upper is None \
                        and not (isinstance(bounds[0].value, Amount) and bounds[0].value.unit == "year"):
                    # "Lansky 60-100% (≤ 16 years of age)": the age group the bound is for
                    if len(bounds) != 1 or bounds[0].conditional or alt.conditional:
                        raise ValueError("an age group in parentheses after several bounds")
                    group = Threshold(span=alt.span, subjects=(Name(span=alt.span, text="age"),), comparisons=(alt,))
                    bounds = (dataclasses.replace(bounds[0], condition_bound=group),)
                elif alt.conditional:  # may hold instead, under its condition
                    bounds = (*bounds, alt)
                else:
                    restated.append(alt)
            elif isinstance(it, Duration):
                recency = it
            elif isinstance(it, _BoundCondition):
                if len(bounds) != 1 or bounds[0].conditional:
                    raise ValueError("a condition in parentheses after several bounds")
                bounds = (_conditioned(bounds[0], it.condition),)
        main = Threshold(span=self._span(meta), subjects=subjects, comparisons=bounds,
                         exposures=exposures, notes=tuple(notes), restated=tuple(restated),
                         recency=recency)
        if not others:
            return main
        if len(others) > 1 or len(bounds) > 1:
            raise ValueError("several bounds next to a bound on another scale")
        (other,) = others
        return Junction(span=main.span, op="or", other_scale=True, scale_either=other.either, parts=(
            main, Threshold(span=other.span, subjects=other.subjects, comparisons=(other.comparison,))))

    @v_args(meta=True)
    def recency(self, meta: Any, items: list[Any]) -> Duration:
        anchor = items[-1]
        tokens = [t for t in items if isinstance(t, Token)]
        if tokens[0].type == "COMPARATOR" and comparator_op(str(tokens[0])) not in ("<", "<="):
            raise ValueError(f"a result {tokens[0]} some days before an event is not a recency")
        window = next(t for t in tokens if t.type in ("BEFORE_WINDOW", "NUMBER"))
        if window.type == "BEFORE_WINDOW":
            value, unit = _before_window(window)
        else:
            value, unit = _number(window), _TIME_UNITS[str(tokens[tokens.index(window) + 1]).lower()]
        return Duration(span=self._span(meta), value=value, unit=unit, anchor=anchor)

    @v_args(meta=True)
    def ages_between(self, meta: Any, items: list[Any]) -> Threshold | Junction:
        if isinstance(items[0], Name):
            # "Female patients between the ages of 18 and 45": the person, with "ages" as the
            # note that says the bound is their age (resolve reads the sex)
            person, words, low, high, *rest = items
            m = re.search(r"ages", str(words), re.I)
            assert m is not None
            start = self._tspan(words).start + m.start()
            age = Name(span=Span(start, start + len(m[0])), text=m[0])
            return self.threshold(meta, [(person,), self.between(meta, [low, high]), age, *rest])
        words, low, high, *rest = items
        return self.threshold(meta, [(Name(span=self._tspan(words), text="age"),),
                                     self.between(meta, [low, high]), *rest])

    @v_args(meta=True)
    def bare_threshold(self, meta: Any, items: list[Any]) -> Threshold | Junction:
        # "..., or ≤ 3x ULN if Gilbert syndrome": the subject is the previous threshold's
        return self.threshold(meta, [(), *items])

    @v_args(meta=True)
    def condition_first_threshold(self, meta: Any, items: list[Any]) -> Threshold:
        cond, rest = items[0], items[1:]
        if not (rest and isinstance(rest[0], tuple)):
            rest = [(), *rest]  # "for subjects with Gilbert's disease ≤ 3 x ULN": the labs come from before
        node = self.threshold(meta, rest)
        if not isinstance(node, Threshold) or len(node.comparisons) != 1 or node.comparisons[0].conditional:
            raise ValueError("a condition written before a bound that is not one plain comparison")
        comp = dataclasses.replace(node.comparisons[0], condition=_name_of(cond), condition_absent=isinstance(cond, _Absent))
        return dataclasses.replace(node, comparisons=(comp,))

    @v_args(meta=True)
    def excepted(self, meta: Any, items: list[Any]) -> Syntax:
        node, exceptions = items
        return _with_exceptions(_bounded(node), exceptions)

    # --- values
    def values(self, items: list[Any]) -> tuple[Tag, ...]:
        out: list[Tag] = []
        for it in items:
            out.extend(it if isinstance(it, tuple) else (it,))
        return tuple(out)

    def definition(self, items: list[Any]) -> tuple[Tag, ...]:
        return tuple(t for group in items for t in group)

    @v_args(meta=True)
    def value_list(self, meta: Any, items: list[Any]) -> ValueList:
        subject = items[0]
        if isinstance(subject, tuple):
            if len(subject) != 1:
                raise ValueError("a list of values needs one subject")
            subject = subject[0]
        return ValueList(span=self._span(meta), subject=subject, values=items[-1])

    @v_args(meta=True)
    def bare_values(self, meta: Any, items: list[Any]) -> ValueList:
        return ValueList(span=self._span(meta), subject=None, values=items[0])

    @v_args(meta=True)
    def status_value(self, meta: Any, items: list[Any]) -> ValueList | Presence:
        name, status = items[0], items[1]
        recency = items[-1] if isinstance(items[-1], Duration) else None
        if len(items) > 2 and recency is None:  # "HER2 positive (defined as IHC3+ or IHC2+/FISH+)": the definition rules
            return ValueList(span=self._span(meta), subject=name, values=items[2])
        return ValueList(span=self._span(meta), subject=name,
                         values=(Tag(span=self._tspan(status), text=_status_word(str(status))),), recency=recency)

    @v_args(meta=True)
    def group_requirement(self, meta: Any, items: list[Any]) -> GroupRequirement:
        return GroupRequirement(span=self._span(meta), group=items[0], requirement=_bounded(items[-1]), stated=True)

    @v_args(meta=True)
    def negation(self, meta: Any, items: list[Any]) -> Negation:
        return Negation(span=self._span(meta), part=_bounded(items[-1]))

    @v_args(meta=True)
    def group_uses(self, meta: Any, items: list[Any]) -> GroupRequirement:
        group, used = items[0], items[1]
        return GroupRequirement(span=self._span(meta), group=group, stated=True, agreement=True,
                                requirement=Presence(span=used.span, subject=used))

    @v_args(meta=True)
    def inability(self, meta: Any, items: list[Any]) -> Negation:
        return Negation(span=self._span(meta), part=_bounded(items[-1]), inability=True)

    @v_args(meta=True)
    def prohibition(self, meta: Any, items: list[Any]) -> Negation:
        return Negation(span=self._span(meta), part=_bounded(items[-1]), prohibition=True)

    @v_args(meta=True)
    def group_negation(self, meta: Any, items: list[Any]) -> GroupRequirement:
        # "Females must not be pregnant": a requirement ("must"), of that group only
        span = self._span(meta)
        negated = items[-1]
        start = items[0].span.end
        while start < span.end and self.text[start - self.offset].isspace():
            start += 1
        return GroupRequirement(span=span, group=items[0], stated=True,
                                requirement=Negation(span=Span(start, span.end), part=_bounded(negated),
                                                     prohibition=True))

    @v_args(meta=True)
    def group_requirement_after(self, meta: Any, items: list[Any]) -> GroupRequirement:
        # "Negative pregnancy test for women of childbearing potential only"
        return GroupRequirement(span=self._span(meta), group=items[1], requirement=_bounded(items[0]))

    @v_args(meta=True)
    def status_first(self, meta: Any, items: list[Any]) -> ValueList:
        # "Negative pregnancy test": the result written before its name
        status, name = items[0], items[1]
        recency = items[-1] if isinstance(items[-1], Duration) else None
        return ValueList(span=self._span(meta), subject=name,
                         values=(Tag(span=self._tspan(status), text=str(status)),), recency=recency)

    # --- presence
    @v_args(meta=True)
    def window(self, meta: Any, items: list[Any]) -> Duration:
        anchor = items[-1] if items and isinstance(items[-1], Name) else None
        tokens = [t for t in items if isinstance(t, Token)]
        if tokens[0].type == "BEFORE_WINDOW":  # "(≤) 4 weeks before the start of study drug"
            length, time_unit = _before_window(tokens[0])
            return Duration(span=self._span(meta), value=length, unit=time_unit, anchor=anchor)
        number = _number(tokens[0]) if len(tokens) > 1 else 1.0
        unit = tokens[-1]
        if unit.type == "HALF_LIVES":
            return Duration(span=self._span(meta), value=number, unit="half_life", anchor=anchor)
        return Duration(span=self._span(meta), value=number, unit=_TIME_UNITS[str(unit).lower()],
                        anchor=anchor)

    @v_args(meta=True)
    def anchor(self, meta: Any, items: list[Any]) -> Name:
        return self.name(meta, items)

    @v_args(meta=True)
    def bare_window(self, meta: Any, items: list[Any]) -> Presence:
        # "... or within 5 half-lives": the subject is the previous one's
        window = items[0]
        return Presence(span=self._span(meta), subject=Name(span=window.span, text=""), window=window)

    def exceptions(self, items: list[Name]) -> tuple[Name, ...]:
        return tuple(items)

    @v_args(meta=True)
    def names(self, meta: Any, items: list[Any]) -> Presence | _NameList:
        names: tuple[Name, ...] = items[0]
        if len(names) == 1:
            return Presence(span=self._span(meta), subject=names[0])
        return _NameList(span=self._span(meta), names=names)

    @v_args(meta=True)
    def lead_list(self, meta: Any, items: list[Any]) -> Junction:
        names = [i for i in items if isinstance(i, Name)]
        window = next((i for i in items if isinstance(i, Duration)), None)
        lead = self.text[meta.start_pos:names[0].span.start - self.offset]
        history = HISTORY_WORDS.search(lead) is not None  # "History of": past records count for every name
        # as in a list with no lead, the names before the last are a name list
        parts = [Presence(span=n.span, subject=n, history=history, in_name_list=n is not names[-1]) for n in names]
        parts[-1] = dataclasses.replace(parts[-1], window=window, span=Span(parts[-1].span.start, self._span(meta).end))
        return Junction(span=self._span(meta), op="or", parts=tuple(parts))

    @v_args(meta=True)
    def ability(self, meta: Any, items: list[Any]) -> Presence:
        return Presence(span=self._span(meta), subject=items[0], ability=True)

    @v_args(meta=True)
    def presence(self, meta: Any, items: list[Any]) -> Presence:
        name = items[0]
        window = next((i for i in items[1:] if isinstance(i, Duration)), None)
        exceptions = next((i for i in items[1:] if isinstance(i, tuple)), ())
        return Presence(span=self._span(meta), subject=name, window=window, exceptions=exceptions)

    @v_args(meta=True)
    def since(self, meta: Any, items: list[Any]) -> Since:
        comparator, number, unit, name = items
        window = Duration(span=Span(self._tspan(number).start, self._tspan(unit).end), value=_number(number),
                          unit=_TIME_UNITS[str(unit).lower()])
        return Since(span=self._span(meta), subjects=(name,), op=comparator_op(str(comparator)), window=window)

    @v_args(meta=True)
    def presence_by(self, meta: Any, items: list[Any]) -> Presence:
        name, method = items[0], items[-1]
        return Presence(span=self._span(meta), subject=name, method=method)

    @v_args(meta=True)
    def defined_as(self, meta: Any, items: list[Any]) -> Syntax:
        # the definition stands for the term; its span takes in the term, so it is quoted too
        definition = _bounded(items[-1])
        return dataclasses.replace(definition, span=self._span(meta))

    @v_args(meta=True)
    def review_text(self, meta: Any, items: list[Token]) -> Unparsed:
        return Unparsed(span=self._span(meta), text=str(items[0])[1:-1],
                        reason="the curator marked this part for a person to check")

    # --- logic
    @v_args(meta=True)
    def any_of(self, meta: Any, items: list[Syntax]) -> Junction:
        for it in items:
            if self._unbracketed_requirements(it):
                # "cholesterol ≤ 300 mg/dL or ≤ 7.75 mmol/L AND triglycerides ≤ 2.5 × ULN": the
                # grammar would read "A or (B and C)", the writer likely meant "(A or B) and C"
                raise ValueError("'or' and 'and' are mixed without parentheses: which binds first is unclear")
        return _junction("or", self._span(meta), items)

    def _unbracketed_requirements(self, node: Syntax) -> bool:
        """An "and" of two or more bounds, not written inside parentheses."""
        if not (isinstance(node, Junction) and node.op == "and") or node.normal_range:
            return False
        bounds = [i for i, p in enumerate(node.parts)
                  if isinstance(p, Threshold | ValueList) or (isinstance(p, Junction) and p.normal_range)]
        if len(bounds) < 2 and not (bounds and bounds[0] < len(node.parts) - 1):
            return False  # "AST and ALT ≤ 2.5 × ULN": names sharing one bound (the bound comes last)
        if all(getattr(p, "span", None) == node.span for p in node.parts):
            return False  # "within normal limits": two bounds the grammar made from one phrase
        start, end = node.span.start - self.offset, node.span.end - self.offset
        before, after = self.text[:start].rstrip(), self.text[end:].lstrip()
        return not (before.endswith(("(", "[")) and after.startswith((")", "]")))

    @v_args(meta=True)
    def and_or(self, meta: Any, items: list[Syntax]) -> Junction:
        node = _junction("or", self._span(meta), items)
        return Junction(span=node.span, op="or", parts=node.parts, and_or=True)

    @v_args(meta=True)
    def all_of(self, meta: Any, items: list[Syntax]) -> Junction:
        return _junction("and", self._span(meta), items)

    @v_args(meta=True)
    def whichever_shorter(self, meta: Any, items: list[Syntax]) -> Syntax:
        # "within 4 weeks or within 5 half-lives, whichever is shorter": both windows must hold.
        return _flip(_bounded(items[0]), "and", self._span(meta))

    @v_args(meta=True)
    def whichever_longer(self, meta: Any, items: list[Syntax]) -> Syntax:
        return _flip(_bounded(items[0]), "or", self._span(meta))


@dataclass(frozen=True, slots=True)
class _NameList:
    """"AST/SGOT", "AST, ALT": names with no bound of their own, kept only where a junction
    goes on to a bound they can share ("AST/SGOT and ALT/SGPT ≤ 2.5 × ULN")."""

    span: Span
    names: tuple[Name, ...]


def _bounded(node: Any) -> Any:
    """A clause a wrapper may hold: names listed with no bound ("AST/ALT for women of childbearing
    potential only") are not one, and are never passed on as a node."""
    if isinstance(node, _NameList):
        raise ValueError("names listed without a bound after them")
    return node


def _junction(op: str, span: Span, items: Sequence[Syntax | _NameList]) -> Junction:
    parts: list[Syntax] = []
    and_or = False
    for it in items:
        if isinstance(it, _NameList):
            parts.extend(Presence(span=n.span, subject=n, in_name_list=True) for n in it.names)
        elif isinstance(it, Junction) and it.op == op and not it.normal_range and not it.other_scale:
            parts.extend(it.parts)
            and_or = and_or or it.and_or  # flattened, the "and/or" still reads as written
        else:
            parts.append(it)
    if op == "and":
        parts = _range_unit_written_once(parts)
    return Junction(span=span, op=op, parts=tuple(parts), and_or=and_or)  # type: ignore[arg-type]


def _range_unit_written_once(parts: list[Syntax]) -> list[Syntax]:
    """"BMI ≥ 18.0 and ≤ 30.0 kg/m2": a range with its unit written once, after the upper bound
    (as in "between 18 and 30 kg/m2"). Only for a lower and an upper bound joined by "and", so
    "hemoglobin ≥ 9 or ≥ 5.6 mmol/L" (two units) never borrows."""
    out = list(parts)
    for i in range(len(out) - 1):
        first, second = out[i], out[i + 1]
        if not (isinstance(first, Threshold) and isinstance(second, Threshold) and not second.subjects
                and len(first.comparisons) == 1 and len(second.comparisons) == 1):
            continue
        low, high = first.comparisons[0], second.comparisons[0]
        if not (isinstance(low.value, Amount) and low.value.unit is None and low.upper is None
                and isinstance(high.value, Amount) and high.value.unit is not None and high.upper is None):
            continue
        if {low.op[0], high.op[0]} != {"<", ">"}:
            continue
        value = dataclasses.replace(low.value, unit=high.value.unit)
        out[i] = dataclasses.replace(first, comparisons=(dataclasses.replace(low, value=value),))
    return out


def _with_exceptions(node: Syntax, exceptions: tuple[Name, ...]) -> Syntax:
    if isinstance(node, Presence):
        return dataclasses.replace(node, exceptions=node.exceptions + exceptions)
    if isinstance(node, Junction):
        return Junction(span=node.span, op=node.op,
                        parts=tuple(_with_exceptions(p, exceptions) for p in node.parts))
    raise ValueError("an exception ('other than ...') needs a condition before it")


_TIMES_NORMAL = re.compile(r"(?:[x×X*]|times)\s*(?:the\s+)?(?:institutional\s+|local\s+)?normal\b", re.I)
# "history of", "previously treated with", "had been diagnosed": words that let past (resolved,
# stopped) records count, not only current ones (resolve reads them the same way)
HISTORY_WORDS = re.compile(r"\b(history|prior|previous|previously|past|ever|had\s+been|had\s+received|"
                           r"received|treated\s+with|diagnosed)\b", re.I)


def _status_word(text: str) -> str:
    """"positive status" is "positive"; "seropositive" is "positive" (a serology is a result)."""
    word = re.sub(r"\s+status$", "", " ".join(text.split()), flags=re.I)
    return re.sub(r"^sero-?", "", word, flags=re.I)


def _flip(node: Syntax, op: str, span: Span) -> Syntax:
    if isinstance(node, Junction):
        return Junction(span=span, op=op, parts=node.parts)  # type: ignore[arg-type]
    return node


# ---------------------------------------------------------------------------- public API


_LOST_SYMBOL = re.compile(r"[A-Za-z%)\]]  +[\d.]")


_RESULT_HYPHEN = re.compile(r"\)-(?=(?:sero-?)?(?:positive|negative)\b)", re.I)
_SQUARE = re.compile(r"(\\?\[)([^\[\]]*\d[^\[\]]*?)(\\?\])")


def _paren(bracket: str) -> str:
    """"[" or "\\[" as "(" of the same length (and so for the closing one)."""
    return bracket.replace("\\", " ").replace("[", "(").replace("]", ")")


# "must (agree to) use …", then the time frame of the agreement ("during and for 3 months after the
# study"), which is the protocol's: taken off to the end of the clause
_AGREEMENT = re.compile(r"\b(?:must|should|shall|will)\s+(?:(?:agree|be\s+willing(?:\s+and\s+able)?|"
                        r"be\s+able\s+and\s+willing|consent)\s+to\s+)?(?:use|practice|practise|employ)\b", re.I)
_TIMEFRAME = re.compile(r"\s*,?\s+(?:during|while|throughout|for\s+the\s+(?:duration|entire|whole)|"
                        r"for\s+(?:at\s+least\s+)?\d+\s+(?:days?|weeks?|months?|years?)\s+(?:after|following|post)|"
                        r"from\s+(?:the\s+time|signing|the\s+start)|until|starting|beginning|"
                        r"prior\s+to\s+(?:study\s+entry|entry))\b", re.I)


_ANOTHER_REQUIREMENT = re.compile(r"\b(?:must|should|shall|will|agrees?|refrain|not|no|nor|unless|except|if)\b", re.I)


def _agreement_timeframe(text: str) -> int | None:
    """Where the time frame of an agreement to use something begins, if the clause is one."""
    m = _AGREEMENT.search(text)
    t = _TIMEFRAME.search(text, m.end()) if m is not None else None
    if t is None or _ANOTHER_REQUIREMENT.search(text, t.end()):
        return None  # "… and must refrain from donating sperm": more than a time frame, never dropped
    return t.start()


# "within 30 days or 5 half-lives (whichever is longer)": a second window in half-lives, which has
# no length until the drug is known, written after a window in days, weeks or months
_HALF_LIFE_OR = re.compile(
    r"(?:(?<=days)|(?<=weeks)|(?<=months))(?P<alt>\s*,?\s*or\s+(?:within\s+)?(?:at\s+least\s+)?(?P<n>\d+|five|three|four|ten)\s+"
    r"half[\s\-]?lives?(?:\s+of\s+(?:the\s+|that\s+|this\s+|each\s+|any\s+)?(?:study\s+|investigational\s+)?"
    r"(?:drugs?|agents?|products?|medications?|therap(?:y|ies)|compounds?|treatments?))?(?:\s*\(if\s+known\))?"
    r"\s*(?:,\s*|\(\s*)?whichever\s+is\s+(?P<which>longer|greater|later|shorter|earlier|sooner)\s*\)?,?)",
    re.I)


def _with_half_life_window(text: str, offset: int) -> Syntax | None:
    """"Chemotherapy within 4 weeks or 5 half-lives (whichever is longer) prior to the first dose":
    the window in days, either way (the longer of the two: a dose within 4 weeks is within it;
    the shorter: a dose before 4 weeks is not), with the half-lives for a person."""
    m = _HALF_LIFE_OR.search(text)
    if m is None:
        return None
    start = m.start("alt") + len(m["alt"]) - len(m["alt"].lstrip(" ,"))
    alt = Span(offset + start, offset + m.end("alt"))
    node = parse_clause(text[:m.start("alt")] + " " * len(m["alt"]) + text[m.end("alt"):], offset)
    presences = node.parts if isinstance(node, Junction) else (node,)
    if not presences or not all(isinstance(p, Presence) and p.window is not None for p in presences):
        return None
    n = _NUMBER_WORDS.get(m["n"].lower()) or float(m["n"])
    half_lives = Presence(span=alt, subject=Name(span=alt, text=""),
                          window=Duration(span=alt, value=float(n), unit="half_life"))
    longer = m["which"].lower() in ("longer", "greater", "later")
    return Junction(span=Span(offset, offset + len(text)), op="or" if longer else "and", parts=(node, half_lives))


# "systemic corticosteroids (> 10 mg daily of prednisone or equivalent)", "(in dosing exceeding
# 10 mg daily of prednisone equivalent)": a dose in parentheses right after a drug's name. Only
# those doses count; a record of the drug that does not state its dose cannot decide (resolve).
_DOSE_NOTE = re.compile(
    r"\(\s*(?P<dose>(?:(?:in|at)\s+(?:an?\s+)?(?:(?:daily|total)\s+)?(?:dos(?:ing|es?))\s+(?:of\s+)?"
    r"|(?:an?\s+)?(?:daily\s+)?dose\s+(?:of\s+)?|(?:equivalent|equal)\s+to\s+)?"
    r"(?P<amount>(?:exceeding|≥|≤|>|<|\\?>=?|\\?<=?|=<|=\\?<|(?:greater|more|less)\s+than(?:\s+or\s+equal\s+to)?"
    r"|(?:of\s+)?at\s+least|no\s+more\s+than|not\s+(?:more\s+than|exceeding|to\s+exceed)|up\s+to)\s*"
    r"\d+(?:\.\d+)?\s*mg(?:\s*/\s*kg)?(?:\s*(?:/|per)\s*(?:day|d)\b|\s+(?:daily|a\s+day|per\s+day|every\s+day))?"
    r"(?:\s+(?:of\s+)?(?:oral\s+)?(?:prednisone|prednisolone|methylprednisolone|dexamethasone|hydrocortisone)"
    r"(?:\s*/\s*day|\s+daily|\s+per\s+day)?(?:\s*,?\s*(?:or\s+(?:an?\s+|its\s+)?)?equivalents?(?:\s+dose)?)?)?))\s*\)",
    re.I)


def _with_dose_note(text: str, offset: int) -> Syntax | None:
    """The clause read without its dose note, which then narrows the drug written just before it
    (the dose's words, from its comparator on: "> 10 mg daily of prednisone equivalent")."""
    m = _DOSE_NOTE.search(text)
    if m is None:
        return None
    node = parse_clause(text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():], offset)
    words = re.sub(r"\s+", " ", m["amount"].replace("\\", "")).strip()
    dose = Name(span=Span(offset + m.start(), offset + m.end()), text=words)
    return _attach(node, "dose", dose, text, offset, dose.span)


# "ECOG performance status 0 or 1 (see Appendix A)", "Karnofsky ≥ 80% (see Appendix 2)": where the
# protocol prints the scale. Read past after a bound or a list of values only ("CYP3A4 inhibitors
# (see Appendix 6)" may list other drugs than the vocabulary's, "as defined in" may redefine).
# Also "(Appendix A)", "[Refer Appendix 1]", "(Appendix I: ECOG Performance Status Scale)", a last
# sentence "See Appendix 3.", and a reference closing another note: "(Karnofsky ≥ 60%, see Appendix A)".
_APPENDIX = (r"(?:(?:see|refer(?:\s+to)?|cf\.?)\s+)?(?:the\s+)?(?:appendix|attachment|table)\s*[\w.\-]*"
             r"(?:\s+for\s+(?:the\s+)?(?:details?|definitions?|descriptions?|grading|scale|criteria)"
             r"|\s*:\s*[A-Za-z][A-Za-z\s\-]*(?:scale|criteria|classification|status|score|grading))?")
_SEE_APPENDIX = re.compile(r"[\s.;,]*(?:(?:\(|\\?\[)\s*" + _APPENDIX + r"\s*(?:\)|\\?\])"
                           r"|(?<=[\s.;])(?:see|refer\s+to)\s+(?:the\s+)?appendix\s*[\w\-]*)[\s.;]*$", re.I)
_SEE_APPENDIX_IN_NOTE = re.compile(r"\s*[;,]\s*(?:see|refer\s+to)\s+(?:the\s+)?appendix\s*[\w\-]*\s*(?=\)[\s.;]*$)",
                                   re.I)


def _parsed_before(pattern: re.Pattern[str], text: str, offset: int) -> tuple[re.Match[str], Syntax] | None:
    """The match of a note that ends the clause, and the clause before it parsed; None when the
    note is not there or nothing comes before it."""
    m = pattern.search(text)
    if m is None or not text[:m.start()].strip():
        return None
    return m, parse_clause(text[:m.start()], offset)


def _with_reference_note(text: str, offset: int) -> Syntax | None:
    """The bounds or scale values before "(see Appendix A)", or None for anything else."""
    inner = _SEE_APPENDIX_IN_NOTE.search(text)
    if inner is not None:  # blanked, so that every span still quotes the text as written
        node = parse_clause(text[:inner.start()] + " " * (inner.end() - inner.start()) + text[inner.end():], offset)
    else:
        found = _parsed_before(_SEE_APPENDIX, text, offset)
        if found is None:
            return None
        node = found[1]
    parts = node.parts if isinstance(node, Junction) else (node,)
    return node if all(isinstance(p, Threshold | ValueList) for p in parts) else None


# "Hemoglobin ≥ 9 g/dL (may receive RBC transfusions)", "… \\[transfusion to meet the hemoglobin
# requirement is acceptable\\]": a note at the end of a bound that says something is allowed, in
# words the grammar's notes cannot hold; it becomes a note of the bound, and resolve decides
# whether it only allows what the bound allows (else the clause is for a person)
_PERMISSION_NOTE = re.compile(r"[\s,]*(?:\(|\\?\[)\s*(?P<note>[^()\[\]\\<>≤≥=\d]*\b(?:allowed|permitted|permissible|"
                              r"acceptable|accepted|may|can)\b[^()\[\]\\<>≤≥=\d]*?)\s*(?:\)|\\?\])[\s.;]*$", re.I)


def _with_permission_note(text: str, offset: int) -> Syntax | None:
    """The bound before a permission note, with the note as its last note; None for anything else."""
    found = _parsed_before(_PERMISSION_NOTE, text, offset)
    if found is None:
        return None
    m, node = found
    note = Name(span=Span(offset + m.start("note"), offset + m.end("note")), text=m["note"])
    end = Span(node.span.start, offset + m.end())
    if isinstance(node, Threshold):
        return dataclasses.replace(node, span=end, notes=(*node.notes, note))
    if isinstance(node, Junction) and isinstance(node.parts[-1], Threshold):
        last = node.parts[-1]
        last = dataclasses.replace(last, span=Span(last.span.start, end.end), notes=(*last.notes, note))
        return dataclasses.replace(node, span=end, parts=(*node.parts[:-1], last))
    return None


def _attach(node: Syntax, field: Literal["dose", "clause", "indication"], words: Name, text: str, offset: int,
            where: Span) -> Syntax | None:
    """The node with ``words`` (a dose, a relative clause) on the presence whose name ends just
    before ``where``; None if there is none."""
    if isinstance(node, Presence):
        end = node.subject.span.end
        if getattr(node, field) is None and node.subject.text and end <= where.start \
                and not text[end - offset:where.start - offset].strip():
            span = Span(node.span.start, max(node.span.end, where.end))
            if field == "dose":
                return dataclasses.replace(node, span=span, dose=words)
            if field == "indication":
                return dataclasses.replace(node, span=span, indication=words)
            return dataclasses.replace(node, span=span, clause=words)
        return None
    span = Span(node.span.start, max(node.span.end, where.end))
    if isinstance(node, Negation):
        part = _attach(node.part, field, words, text, offset, where)
        return None if part is None else dataclasses.replace(node, part=part, span=span)
    if isinstance(node, Junction):
        for i, p in enumerate(node.parts):
            found = _attach(p, field, words, text, offset, where)
            if found is not None:
                return dataclasses.replace(node, parts=(*node.parts[:i], found, *node.parts[i + 1:]), span=span)
    return None


# "Known additional malignancy that is progressing or requires active treatment", "active
# autoimmune disease that has required systemic treatment in the past 2 years": a relative clause
# after a name narrows it (resolve keeps it as a qualifier for a person). Each part joined by "or"
# / "and" must start like a clause or an adjective: "... that requires treatment or HIV" may add a
# condition of its own, and is left whole to the grammar (a review).
_RELATIVE = re.compile(r"\s+(?:that|which)\s+(?P<clause>(?:is|are|has|have|had|was|were|requires?|required|requiring|"
                       r"needs?|needed)\b[^,;:()\[\]<>≤≥=]*?)\s*$", re.I)
# "... NSCLC that are not candidates for definitive therapy are allowed": the sentence goes on
# to say who may (or must) take part, which is no narrowing of the name
_CLAUSE_VERDICT = re.compile(r"\b(?:allowed|allowable|eligible|ineligible|permitted|acceptable|excluded|included|"
                             r"enrolled|must|should|shall|may|will|can|cannot|could|would)\b", re.I)
_CLAUSE_WORD = re.compile(r"(?:is|are|has|have|had|was|were|requires?|required|requiring|needs?|needed|not|"
                          r"\w+(?:ed|ing|ic|ive|ble|ous|al))\b", re.I)


_ONLY_PERSONS = re.compile(r"\s*(?:(?:the|any|all)\s+)?(?:(?:female|male|pregnant|adult)\s+)?(?:patients?|subjects?|participants?|"
                           r"persons?|people|individuals?|women|men|females?|males?|those|anyone|children|adults?)\s*$",
                           re.I)


def _with_relative_clause(text: str, offset: int) -> Syntax | None:
    """The name before "that/which …" with the clause on it, or None where the clause may do
    more than narrow it (see _RELATIVE)."""
    m = _RELATIVE.search(text)
    if m is None or _CLAUSE_VERDICT.search(m["clause"]) or not all(_CLAUSE_WORD.match(part) for part in
                            re.split(r"\s+(?:and\s*/\s*or|or|and)\s+", m["clause"])[1:]):
        return None
    if _ONLY_PERSONS.match(text[:m.start()]):
        return None  # "Patients that are pregnant": the person, then what they are (the grammar's)
    node = parse_clause(text[:m.start()], offset)
    if not isinstance(node, Presence | Negation):
        return None  # "hepatitis B, hepatitis C, or HIV that is active": the clause may bind every name
    clause = Name(span=Span(offset + m.start("clause"), offset + m.end("clause")), text=m["clause"])
    return _attach(node, "clause", clause, text, offset, Span(offset + m.start(), offset + m.end()))


# a comparison in words or signs, inside text in parentheses that may be a bound
_COMPARES = r"(?:[<>≤≥]|\b(?:greater|less|more|higher|lower|above|below|exceed\w*|at\s+least)\b)"

# "ECOG performance status 0, 1 or 2 (Karnofsky > 50%)": the values of one scale, then the same
# requirement on another in parentheses ("; see Appendix B" names where the scales are printed)
_OTHER_SCALE_AFTER_VALUES = re.compile(r"\s*\((?P<bound>[A-Za-z][^()]*?" + _COMPARES + r"[^();]*?)"
                                       r"(?:\s*[;,]\s*see\s+appendix\s*[\w.\-]*)?\s*\)[\s.;]*$", re.I)


def _with_other_scale_after_values(text: str, offset: int) -> Syntax | None:
    """A scale's values with a bound on another scale after them, as "ECOG ≤ 2 (Karnofsky ≥ 60%)"
    reads (resolve checks the two scales map onto each other); None for anything else."""
    found = _parsed_before(_OTHER_SCALE_AFTER_VALUES, text, offset)
    if found is None:
        return None
    m, values = found
    other = parse_clause(m["bound"], offset + m.start("bound"))
    first = values.parts[0] if isinstance(values, Junction) and values.op == "or" and all(
        isinstance(p, ValueList) and (p.subject is None) == (i > 0) for i, p in enumerate(values.parts)) else values
    if not (isinstance(first, ValueList) and first.subject is not None
            and isinstance(other, Threshold) and len(other.subjects) == 1 and len(other.comparisons) == 1
            and not (other.notes or other.exposures or other.restated or other.recency)):
        return None
    return Junction(span=Span(offset, offset + m.end()), op="or", other_scale=True, parts=(values, other))


# "At least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas or mitomycin C)": other
# therapies, each with its own time since
_OWN_TIME_FOR = re.compile(r"\s*\(\s*(?:(?:≥|>=|\\>=|at\s+least)\s*)?(?P<n>\d+|one|two|three|four|five|six|seven|eight|"
                           r"nine|ten|twelve)\s+(?P<unit>days?|weeks?|months?)\s+for\s+(?P<names>[A-Za-z][^()<>≤≥=;:]*?)"
                           r"\s*\)", re.I)
_NAME_SEPARATOR = re.compile(r"\s*,\s*(?:or\s+)?|\s+or\s+", re.I)


def _names_of_own_time(text: str, m: re.Match[str], offset: int) -> list[Name]:
    """The therapies an "(N weeks for A or B)" note names, each with its span."""
    names = []
    at = m.start("names")
    for piece in _NAME_SEPARATOR.split(m["names"]):
        start = text.index(piece, at)
        names.append(Name(span=Span(offset + start, offset + start + len(piece)), text=piece))
        at = start + len(piece)
    return names


def _with_own_time_for(text: str, offset: int) -> Syntax | None:
    """The time since a therapy with the longer times written after it for some others, or None
    unless the note follows a time since ("At least 4 weeks since prior chemotherapy", alone or
    first in its clause)."""
    m = _OWN_TIME_FOR.search(text)
    if m is None:
        return None
    node = parse_clause(text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():], offset)
    since = node.parts[0] if isinstance(node, Junction) else node
    if not (isinstance(since, Since) and since.op in (">", ">=") and since.longer == ()
            and not text[since.span.end - offset:m.start()].strip()):
        return None
    window = Duration(span=Span(offset + m.start("n"), offset + m.end("unit")), value=_number(m["n"]),
                      unit=_TIME_UNITS[m["unit"].lower()], anchor=since.window.anchor)
    widened = dataclasses.replace(since, longer=tuple((name, window) for name in _names_of_own_time(text, m, offset)))
    if isinstance(node, Junction):
        return dataclasses.replace(node, parts=(widened, *node.parts[1:]))
    return widened


# "Chemotherapy or radiotherapy within 4 weeks (6 weeks for nitrosoureas or mitomycin C) prior to
# entering the study": a longer window for some therapies, each an event of its own in that window
_WINDOW_WRITTEN = re.compile(r"\bwithin\s+(?:the\s+)?(?:(?:last|past|prior)\s+)?\d+(?:\.\d+)?\s+(?:days?|weeks?|months?)\b",
                             re.I)


def _with_own_window_for(text: str, offset: int) -> Syntax | None:
    """Events within a window with a longer one written for some others, or None unless the
    rest reads as events (one, or a list joined by "or", maybe negated) sharing that window and
    each other one is at least as long (a shorter one lifts part of the list: for a person)."""
    written = _WINDOW_WRITTEN.search(text)
    m = _OWN_TIME_FOR.search(text, written.end()) if written else None
    if m is None:
        return None
    start, end = m.start(), m.end()
    node = parse_clause(text[:start] + " " * (end - start) + text[end:], offset)
    inner = node.part if isinstance(node, Negation) and not (node.prohibition or node.inability) else node
    parts = inner.parts if isinstance(inner, Junction) and inner.op == "or" and not inner.and_or else (inner,)
    # the window is written once, on the last item (resolve carries it to the items before it)
    last = parts[-1]
    if not (all(isinstance(p, Presence) and p.status is None and p.window is None for p in parts[:-1])
            and isinstance(last, Presence) and last.status is None and last.window is not None
            and last.window.span.start - offset <= m.start()):
        return None
    window = last.window
    longer = Duration(span=Span(offset + m.start("n"), offset + m.end("unit")), value=_number(m["n"]),
                      unit=_TIME_UNITS[m["unit"].lower()], anchor=window.anchor)
    try:
        if longer.days < window.days:
            return None
    except ValueError:  # a window in half-lives
        return None
    others: list[Syntax] = [Presence(span=name.span, subject=name, window=longer)
                            for name in _names_of_own_time(text, m, offset)]
    # the list as written, then the others: each list keeps its own window
    extra = others[0] if len(others) == 1 else Junction(span=Span(offset + m.start("names"), offset + m.end("names")),
                                                         op="or", parts=tuple(others))
    listed = Junction(span=inner.span, op="or", parts=(inner, extra))
    return dataclasses.replace(node, part=listed) if isinstance(node, Negation) and inner is not node else listed


# "Uncontrolled hypertension (systolic blood pressure > 160 mmHg)": a name, then bounds in
# parentheses that end the clause
_DEFINING_BOUNDS = re.compile(r"\s*\((?!\s*(?:(?:defined|confirmed)\s+as|e\.?\s?g|i\.?\s?e)\b)(?P<bounds>[A-Za-z][^()]*?"
                              r"(?:" + _COMPARES + r"|\b(?:class|grade|stage)\s+(?:[IV]{1,3}|\d)\b)[^()]*?)\)[\s.;]*$", re.I)


def _score_values(node: Syntax) -> bool:
    """"NYHA class 3 or 4", "NYHA class III or IV": values of a named score (resolve reads the
    Roman numerals), the first naming it."""
    if not isinstance(node, Junction):
        return isinstance(node, ValueList) and node.subject is not None
    if node.op != "or" or not all(isinstance(p, ValueList | Presence) for p in node.parts):
        return False
    first = node.parts[0]
    if isinstance(first, ValueList):
        return first.subject is not None
    assert isinstance(first, Presence)
    words = first.subject.text.split()
    return len(words) > 1 and re.fullmatch(r"[IV]{1,3}|\d", words[-1]) is not None


def _with_defining_bounds(text: str, offset: int) -> Syntax | None:
    """The name before bounds in parentheses, with the bounds as its possible definition; None
    unless the text before them is one name (or its negation) and they are bounds with subjects."""
    found = _parsed_before(_DEFINING_BOUNDS, text, offset)
    if found is None:
        return None
    m, node = found
    presence = node.part if isinstance(node, Negation) else node
    if not (isinstance(presence, Presence) and presence.window is None and presence.definition is None
            and not (presence.exceptions or presence.status or presence.dose or presence.clause or presence.method)):
        return None
    bounds = parse_clause(m["bounds"], offset + m.start("bounds"))
    parts = bounds.parts if isinstance(bounds, Junction) else (bounds,)
    if not (all(isinstance(p, Threshold) and p.subjects for p in parts) or _score_values(bounds)) \
            or not isinstance(bounds, Threshold | Junction | ValueList):
        return None
    span = Span(offset, offset + m.end())
    defined = dataclasses.replace(presence, definition=bounds, span=Span(presence.span.start, span.end))
    return dataclasses.replace(node, part=defined, span=span) if isinstance(node, Negation) else defined


# "No prior chemotherapy for breast cancer", "Prior radiotherapy for this malignancy": what a
# therapy was given for, to the end of the clause. Not a time ("for at least 4 weeks", "for the
# duration of the study"), a group ("for HIV-positive patients"), or words that say more than
# what ("… for brain metastases allowed", "… for lymphoma within 6 months")
_INDICATION = re.compile(r"\s+for\s+(?P<indication>(?!(?:at\s+least|more|less|longer|over|up\s+to|a\s+(?:period|minimum|"
                         r"maximum|total|duration)|the\s+(?:duration|past|last|first|next|period|length))\b)"
                         r"[A-Za-z][A-Za-z'’\- /]*?)\s*[.;]?\s*$", re.I)
_NOT_AN_INDICATION = re.compile(r"\b(?:within|prior|before|since|during|after|until|ago|days?|weeks?|months?|years?|"
                                r"patients?|subjects?|participants?|women|men|those|individuals?|people|persons?|"
                                r"reason|reasons|purposes?|indications?|use|duration|for|except|excluding|unless|but|other\s+than|"
                                r"any\s+other|at|to|in\s+conjunction|with|without)\b", re.I)


def _with_indication(text: str, offset: int) -> Syntax | None:
    """The therapy before "for <what it treated>" with that as its indication (resolve keeps it as
    a qualifier), or None where the words may do more than narrow it."""
    m = _INDICATION.search(text)
    if m is None or _CLAUSE_VERDICT.search(m["indication"]) or _NOT_AN_INDICATION.search(m["indication"]):
        return None
    node = parse_clause(text[:m.start()], offset)
    if not isinstance(node.part if isinstance(node, Negation) else node, Presence):
        return None  # "chemotherapy or radiotherapy for breast cancer": it may bind every name
    words = Name(span=Span(offset + m.start("indication"), offset + m.end("indication")), text=m["indication"])
    return _attach(node, "indication", words, text, offset, Span(offset + m.start(), offset + m.end()))


# "Patients with myocardial infarction, stroke, or heart failure", "Has A, B, or C": words that
# name only the person, before a list of names the grammar reads without them
_PERSON_LEAD = re.compile(r"\s*(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+(?:with|who\s+ha(?:ve|s))|ha(?:s|ve))\s+"
                          r"(?!no\s|not\s)", re.I)


def _list_after_the_person(text: str, offset: int) -> Syntax | None:
    m = _PERSON_LEAD.match(text)
    if m is None or "," not in text[m.end():]:
        return None
    node = parse_clause(" " * m.end() + text[m.end():], offset)
    if not (isinstance(node, Junction) and node.op == "or"
            and all(isinstance(p, Presence) and not p.ability for p in node.parts)):
        return None
    return dataclasses.replace(node, span=Span(offset, offset + len(text)))


# "Creatinine clearance by Cockcroft-Gault ≥ 60 mL/min", "Corrected QT interval calculated by the
# Fridericia formula (QTcF) > 500 ms": how the value is measured, written between its name and
# its bound. It becomes a note of the bound, which resolve judges as any method note after one
_METHOD_BEFORE_BOUND = re.compile(
    r"(?<![A-Za-z])(?:by|using|per|according\s+to)\s+(?:the\s+)?"
    r"(?P<method>[A-Za-z][A-Za-z'’\-]*(?:\s+[A-Za-z][A-Za-z'’\-]*){0,5}?)(?P<close>\s*\))?"
    r"(?=\s*(?:\(\s*[A-Za-z]{2,8}\s*\)|\\?\[\s*[A-Za-z]{2,8}\s*\\?\])?\s*(?:≥|≤|>|<|\\>|\\<|=<|>=|<=|=\\<|=>"
    r"|(?:greater|less|more|higher|lower)\s+than|at\s+(?:least|most)|of\s+[\d<>≤≥\\]))", re.I)
# the words before "by" that belong to the method: "(as calculated by", ", estimated using"
_METHOD_LEAD = re.compile(r"\s*,?\s*(?P<open>\()?\s*(?:as\s+)?(?:(?:calculated|measured|assessed|determined|estimated)\s+)?$",
                          re.I)
_DEFINED_BY_END = re.compile(r"\b(?:as|defined|evidenced|shown|demonstrated|indicated|manifested|documented)\s*$", re.I)


def _with_method_before_bound(text: str, offset: int) -> Syntax | None:
    """One threshold whose method sits between its name and its bound, with the method as its
    last note; None for anything else (a name with a digit or a comparator before the method)."""
    m = _METHOD_BEFORE_BOUND.search(text)
    if m is None:
        return None
    window = max(0, m.start() - 40)
    lead = _METHOD_LEAD.search(text, window, m.start())
    assert lead is not None  # every part of it is optional
    start = lead.start()
    before = text[:start]
    if not before.strip() or re.search(r"[\d<>≤≥]", before) or _DEFINED_BY_END.search(before) \
            or bool(lead["open"]) != bool(m["close"]):
        return None  # "Uncontrolled diabetes as defined by fasting glucose ≥ …": a definition, no method
    node = parse_clause(text[:start] + " " * (m.end() - start) + text[m.end():], offset)
    if not isinstance(node, Threshold):
        return None
    method = Name(span=Span(offset + m.start("method"), offset + m.end("method")), text=m["method"])
    return dataclasses.replace(node, notes=(*node.notes, method))


# "ANC ≥ 1500/µL without G-CSF support", "Platelets ≥ 100,000/µL independent of transfusion",
# "unsupported by G-CSF": support with no window at the end of a bound, read where the grammar fails
# (in parentheses the grammar reads it; "for patients without liver metastases" and "by
# echocardiogram without Doppler" it reads too)
_OPEN_SUPPORT = re.compile(r",?\s+(?P<either>with\s+or\s+)?(?P<without>without\s+(?:the\s+)?need\s+(?:for|of)|without|independent\s+of|unsupported\s+by)\s+(?P<names>[A-Za-z][^()\[\]\d<>≤≥;,.]*?)\s*\.?\s*$", re.I)
_OPEN_SUPPORT_JOIN = re.compile(r"\s+(?:and/or|or|nor|and)\s+|\s*/\s*", re.I)


def _with_open_support(text: str, offset: int) -> Syntax | None:
    """One threshold followed by "without" and the support it must be reached without, with no
    window; None for anything else."""
    m = _OPEN_SUPPORT.search(text)
    if m is None or not re.search(r"[\d<>≤≥]", text[:m.start()]):
        return None
    node = parse_clause(text[:m.start()], offset)
    if not isinstance(node, Threshold) or node.exposures or node.recency is not None:
        return None
    if m["either"]:  # "Hemoglobin ≥ 9 g/dL with or without transfusions": the bound alone
        return dataclasses.replace(node, span=Span(offset, offset + len(text.rstrip())))
    exposures = []
    start = m.start("names")
    for part in re.split(f"({_OPEN_SUPPORT_JOIN.pattern})", m["names"], flags=re.I):
        if part and not _OPEN_SUPPORT_JOIN.fullmatch(part) and part.strip():
            lead = len(part) - len(part.lstrip())
            name = Name(span=Span(offset + start + lead, offset + start + len(part.rstrip())), text=part.strip())
            exposures.append(Exposure(span=Span(offset + m.start("without"), offset + m.end("names")),
                                      exposure=name, within=None))
        start += len(part)
    return dataclasses.replace(node, span=Span(offset, offset + len(text.rstrip())), exposures=tuple(exposures))


# Shapes read before the grammar, in this order: each reads what its note or clause leaves and
# returns None when the text is not its shape
_READERS_BEFORE_THE_GRAMMAR = (
    _with_half_life_window, _with_dose_note, _with_relative_clause, _with_reference_note, _with_permission_note,
    _with_defining_bounds, _with_indication, _with_own_time_for, _with_own_window_for, _with_other_scale_after_values,
    _with_method_before_bound,
)


def parse_clause(text: str, offset: int = 0) -> Syntax:
    """Parse one clause; any failure becomes ``Unparsed`` with the reason. Never raises."""
    span = Span(offset, offset + len(text))
    parser = _parser()  # a broken grammar is a bug: let it raise
    for reader in _READERS_BEFORE_THE_GRAMMAR:
        if (node := reader(text, offset)) is not None:
            return node
    if _LOST_SYMBOL.search(text):
        # "LVEF  50%", "ECOG  1": some exports strip ≥ and ≤ and leave their spaces behind;
        # reading what is left would turn "at least" into "equal to"
        return Unparsed(span=span, text=text,
                        reason="a comparison sign seems to be missing (two spaces before a number)")
    written = text
    agreed = _agreement_timeframe(text)
    if agreed is not None:
        # "… must agree to use effective contraception during and for 3 months after the study":
        # the time frame of the agreement is the protocol's, which the attestation covers. Only a
        # whole agreement is read so; the node covers the clause, time frame included, so that a
        # review of it quotes all of it
        node = parse_clause(text[:agreed], offset)
        if isinstance(node, GroupRequirement):
            return dataclasses.replace(node, span=span)
    # "≤ 1.5 × ULN \[or ≤ 3 × ULN for Gilbert's syndrome\]", "≤ 1,000/mm^3 \[1.0 x 10^9/L\]": square
    # brackets around an amount or a bound are parentheses (around a name, "[SGOT]", they are an
    # alias); replaced character for character, so every span still quotes the text as written
    text = _SQUARE.sub(lambda m: _paren(m[1]) + m[2] + _paren(m[3]), text)
    # "human immunodeficiency virus (HIV)-positive": the hyphen joins the result to the name
    text = _RESULT_HYPHEN.sub(") ", text)
    # "compounds of similar chemical or biologic composition to X": one name, whose "or" joins two
    # words of it (same length, so spans still quote the text as written)
    text = re.sub(r"\bchemical or biologic(?:al)?\b", lambda m: m[0].replace(" or ", "-or-"), text, flags=re.I)
    try:
        tree = parser.parse(text)
        node = _ToNodes(text, offset).transform(tree)
        if isinstance(node, _NameList) and "/" in text and "," not in text:
            # "Prior anti-PD-1/PD-L1 therapy": names joined by "/" alone may be one name; the
            # vocabulary decides (else the condition is unknown, for review)
            return Presence(span=span, subject=Name(span=span, text=text))
        if isinstance(node, _NameList) or not _name_lists_bounded(node):
            return Unparsed(span=span, text=written, reason="names listed without a bound after them")
        return node  # type: ignore[no-any-return]
    except VisitError as err:
        return Unparsed(span=span, text=written, reason=f"not understood: {err.orig_exc}")
    except LarkError as err:
        listed = _group_named_by_a_result(text, offset) or _threshold_list(text, offset) \
            or _list_after_the_person(text, offset) or _with_open_support(text, offset)
        return listed if listed is not None else Unparsed(span=span, text=written, reason=_describe(err))
    except (ValueError, KeyError, RecursionError) as err:
        return Unparsed(span=span, text=written, reason=f"not understood: {err}")


def _name_lists_bounded(node: Syntax) -> bool:
    """Names from a list ("AST/SGOT, ALT") must be followed, past plain names, by the bound they
    share, or be a list of alternatives with no bound at all ("MI, stroke, or TIA"); otherwise
    ("diabetes, hypertension and COPD") "and" may mean each or either."""
    if not isinstance(node, Junction):
        return True
    parts = node.parts
    if is_alternatives_list(node):
        return True
    for i, part in enumerate(parts):
        if isinstance(part, Junction) and not _name_lists_bounded(part):
            return False
        if not (isinstance(part, Presence) and part.in_name_list):
            continue
        j = i + 1
        while j < len(parts) and isinstance(parts[j], Presence) and parts[j].window is None:  # type: ignore[union-attr]
            j += 1
        after = parts[j] if j < len(parts) else None
        if not ((isinstance(after, Threshold) and after.subjects)
                or (isinstance(after, Junction) and after.normal_range)):
            return False
    return True


def is_alternatives_list(node: Junction) -> bool:
    """"Myocardial infarction, unstable angina, or stroke": names joined by "or" with no bound.
    "CNS metastases, and/or carcinomatous meningitis" too: with no bound to share, "and/or" is an
    inclusive "or" (either, or both, is the same as any one being present)."""
    return node.op == "or" and all(isinstance(p, Presence) for p in node.parts)


_GROUP_WITH = re.compile(r"\s+(?:for|in)\s+(?:the\s+)?(?:patients|subjects|participants|individuals|those)\s+with\s+",
                         re.I)


def _group_named_by_a_result(text: str, offset: int) -> Syntax | None:
    """"Total bilirubin ≤ 1.5 × ULN OR direct bilirubin ≤ ULN for participants with total
    bilirubin > 1.5 × ULN": a result after "for participants with" names the group the last bound
    is for. Kept out of the grammar: there its comparator would compete with a recency's
    ("≤ 14 days prior to"). Only one such group, a plain comparison, and a plain bound before it."""
    found = list(_GROUP_WITH.finditer(text))
    if len(found) != 1:
        return None
    head, tail = text[:found[0].start()], text[found[0].end():]
    tail_at = offset + found[0].end()
    try:
        before = _ToNodes(head, offset).transform(_parser().parse(head))
        group = _ToNodes(tail, tail_at).transform(_parser().parse(tail))
    except (LarkError, VisitError, ValueError, KeyError, RecursionError):
        return None
    if not (isinstance(group, Threshold) and len(group.subjects) == 1 and len(group.comparisons) == 1
            and not group.comparisons[0].conditional and group.comparisons[0].upper is None
            and not (group.notes or group.exposures or group.restated or group.recency)):
        return None
    last = before.parts[-1] if isinstance(before, Junction) and not before.normal_range else before
    if not (isinstance(last, Threshold) and last.subjects and len(last.comparisons) == 1
            and not last.comparisons[0].conditional and not last.recency):
        return None
    end = Span(offset, offset + len(text))
    bound = dataclasses.replace(last.comparisons[0], condition_bound=group)
    last = dataclasses.replace(last, span=Span(last.span.start, end.end), comparisons=(bound,))
    if isinstance(before, Junction) and not before.normal_range:
        return dataclasses.replace(before, span=end, parts=(*before.parts[:-1], last))
    return last


_LIST_JOIN = re.compile(r"(and\s*/\s*or|and|or)\s+", re.I)


def _shared_bound(node: Syntax) -> bool:
    """"AST and ALT ≤ 3 × ULN": names followed by one complete threshold that they share."""
    return (isinstance(node, Junction) and not node.and_or and len(node.parts) > 1
            and all(isinstance(p, Presence) and p.window is None for p in node.parts[:-1])
            and isinstance(node.parts[-1], Threshold) and bool(node.parts[-1].subjects))


def _threshold_list(text: str, offset: int) -> Junction | None:
    """"ANC ≥ 1.5 × 10^9/L, platelets ≥ 100 × 10^9/L, and hemoglobin ≥ 9 g/dL".

    Complete thresholds (each with its own subject) separated by commas, joined by the word
    before the last one ("and", "or", "and/or"). Without that word the commas separate them as
    ";" would: the list is marked ``commas_only`` and the section decides how its parts join.
    Any part that is not a complete threshold leaves the whole for review. Kept out of the
    grammar: a comma there would conflict with value lists.
    """
    cuts, depth = [], 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0 and not (i and text[i - 1].isdigit() and text[i + 1:i + 4].isdigit()):
            cuts.append(i)  # not the thousands separator of "50,000/uL"
    if not cuts:
        return None
    pieces = []
    start = 0
    for cut in cuts + [len(text)]:
        pieces.append((start, cut))
        start = cut + 1
    parts: list[Syntax] = []
    op: str | None = None
    for n, (s, e) in enumerate(pieces):
        while s < e and text[s].isspace():
            s += 1
        last = n == len(pieces) - 1
        if last and (m := _LIST_JOIN.match(text, s)):
            op = "and" if m[1].lower() == "and" else "or"
            s = m.end()
        try:
            node = _ToNodes(text[s:e], offset + s).transform(_parser().parse(text[s:e]))
        except (LarkError, VisitError, ValueError, KeyError, RecursionError):
            return None
        if last and op is None and isinstance(node, Junction) and not _shared_bound(node):
            op = node.op  # "..., platelets ≥ 100 and hemoglobin ≥ 9": the last word joins all
            if not all(isinstance(p, Threshold) and p.subjects for p in node.parts):
                return None
            parts.extend(node.parts)
            continue
        if not ((isinstance(node, Threshold) and node.subjects) or _shared_bound(node)):
            return None
        parts.append(node)
    if op is None:
        return Junction(span=Span(offset, offset + len(text)), op="and", parts=tuple(parts), commas_only=True)
    return _junction(op, Span(offset, offset + len(text)), parts)


def _describe(err: LarkError) -> str:
    col = getattr(err, "column", None)
    token = getattr(err, "token", None)
    if token is not None and str(token):
        return f"not understood from {str(token)!r} (column {col})"
    char = getattr(err, "char", None)
    if char is not None:
        return f"not understood from {char!r} (column {col})"
    return "not understood"


# "Prothrombin time ≤ 1.5 × ULN, unless receiving therapeutic anticoagulation": what follows
# "unless" can only lift the clause, so it is kept apart as an exception for a person
_UNLESS = re.compile(r",?\s*\bunless\b"
                     # "…, except (for|in) patients with Gilbert's syndrome, who must have …": likewise
                     r"|,\s*\bexcept\s+(?:for\s+|in\s+)?(?:patients?|subjects?|participants?|those)\s+with\b", re.I)
# "Known brain metastases. Patients with treated, stable brain metastases are eligible.": a later
# sentence that lets a group of patients in despite the item ("only", "not", "must" restrict instead)
_PERMISSION = re.compile(
    r"^(?:however,?\s+|note:?\s+)?(?:(?:patients?|subjects?|participants?|women|men|females?|males?|those|"
    r"individuals|persons?|people)\s+(?:with|who|on|receiving|taking|having|whose|that|in\s+whom)\b.*"
    r"(?:\b(?:is|are|will\s+be|may\s+be|can\s+be|would\s+be|be)\s+(?:eligible|allowed|allowable|permitted|acceptable|"
    r"enrolled|included)\b|\b(?:may|can|will)\s+(?:enroll|enrol|participate|take\s+part)\b)|[^\d<>≤≥]*\b(?:is|are|will\s+be|may\s+be)\s+(?:allowed|allowable|permitted|acceptable)\b)",
    re.I | re.S)
_RESTRICTION = re.compile(r"\b(?:only|not|ineligible|excluded|exclude|must|no|maximum|minimum|up\s+to|at\s+most|"
                          r"at\s+least|more|less|fewer|greater|exceed\w*)\b|n't", re.I)


# "ALT ≤ 3 × ULN (unless attributed to leukemic involvement)", "(excepting Gilbert's syndrome)":
# an exception in parentheses at the end of a bound, which likewise can only lift it
_PAREN_EXCEPTION = re.compile(r"\(\s*(?:unless|except(?:ing)?|excluding)\b[^()]*\)\s*$", re.I)
_BOUND_MARK = re.compile(r"[<>≤≥]|\d|\b(?:I?ULN|UNL|LLN|normal|(?:upper|lower)\s+limits?)\b", re.I)  # "below ULN"


def _unless_at(text: str, start: int, end: int) -> int | None:
    """Where an "unless" exception begins in the clause, outside parentheses (or, after a bound,
    where a parenthesised "(unless …)" or "(except …)" ending the clause begins)."""
    depth = 0
    for m in _UNLESS.finditer(text, start, end):
        depth = text.count("(", start, m.start()) - text.count(")", start, m.start())
        if depth <= 0 and text[start:m.start()].strip():
            return m.start()
    paren = _PAREN_EXCEPTION.search(text, start, end)
    if paren is not None and _BOUND_MARK.search(text, start, paren.start()):
        return paren.start()
    return None


# "unless liver metastases are present, in which case they must be ≤ 5 × ULN": a condition, then
# the bound that holds instead under it ("due to …", "attributed to …" are causes: not read)
_UNLESS_INSTEAD = re.compile(
    r"unless\s+(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+(?:has|have)\s+|there\s+(?:is|are)\s+)?"
    r"(?P<cond>[A-Za-z][A-Za-z'’\- ]*?)(?:\s+(?:is|are)\s+present)?\s*,?\s*(?:in\s+which\s+case|then)\s+"
    r"(?:(?:it|they|values|the\s+values?|these|both|levels)\s+(?:must|should|shall|may|can)\s+be\s+)?(?P<then>.+?)\s*\)?\s*$"
    # "except (for) patients with Gilbert's syndrome, who must have a total bilirubin < 3 mg/dL"
    r"|except\s+(?:for\s+|in\s+)?(?:patients?|subjects?|participants?|those)\s+with\s+"
    r"(?P<group>[A-Za-z][A-Za-z'’\- ]*?)\s*,?\s*(?:who|which)\s+(?:must|should|can|may)\s+have\s+(?:an?\s+)?"
    r"(?P<given>.+?)\s*\)?\s*\.?\s*$",
    re.I | re.S)


def _unless_instead(text: str, start: int, end: int, *, exclusion: bool = False) -> Threshold | None:
    """The bound an "unless C, in which case B" exception puts under C, or None. ("AST and ALT >
    5 × ULN" in an exclusion, both or either, is not read here.)"""
    m = _UNLESS_INSTEAD.match(text, start, end)
    if m is None:
        return None
    cond_group, then_group = ("cond", "then") if m["cond"] is not None else ("group", "given")
    if re.match(r"(due|related|attributed|attributable|secondary|caused|associated)\b", m[cond_group], re.I):
        return None
    at = m.start(then_group)
    then = m[then_group]
    try:
        node = _ToNodes(then, at).transform(_parser().parse(then))
    except (LarkError, VisitError, ValueError, KeyError, RecursionError):
        return None
    names: tuple[Name, ...] = ()
    if not exclusion and isinstance(node, Junction) and node.op == "and" and not node.normal_range \
            and isinstance(node.parts[-1], Threshold) \
            and all(isinstance(p, Presence) and p.window is None and p.status is None for p in node.parts[:-1]):
        # "in which case AST and ALT ≤ 5 × ULN": the names share the bound
        names = tuple(p.subject for p in node.parts[:-1] if isinstance(p, Presence))
        node = dataclasses.replace(node.parts[-1], subjects=names + node.parts[-1].subjects)  # type: ignore[type-var]
    if not (isinstance(node, Threshold) and len(node.comparisons) == 1 and not node.comparisons[0].conditional
            and not (node.notes or node.exposures or node.restated)):
        return None
    cond = Name(span=Span(m.start(cond_group), m.end(cond_group)), text=m[cond_group].strip())
    return dataclasses.replace(node, comparisons=(dataclasses.replace(node.comparisons[0], condition=cond),))


# "Note: ovarian function suppression drugs … do not count as anti-cancer therapy": what the
# sentence names is taken out of the item, which can only let patients in
_NOT_COUNTED = re.compile(r"\b(?:do|does|will|shall)\s+not\s+count\b|\b(?:is|are)\s+not\s+(?:counted|considered)\s+(?:as|an?)\b"
                          # "… is not exclusionary", "EXCEPTION: low doses of steroids …": likewise
                          r"|\b(?:is|are)\s+not\s+(?:exclusionary|an?\s+exclusion\b|excluded\b)|^\s*exceptions?\s*:",
                          re.I)


def is_permission(text: str) -> bool:
    """A sentence that lets a group of patients in: "Patients with Gilbert's syndrome are eligible"."""
    if _NOT_COUNTED.search(text):
        return True
    # a dose or a bound in parentheses ("(prednisone ≤ 0.5 mg/day)") does not make it a requirement
    whole = re.fullmatch(r"\s*\((.*)\)[\s.;]*", text, re.S)  # "(Inhaled steroids are allowed.)"
    bare = re.sub(r"\([^()]*\)", " ", whole[1] if whole else text).strip()
    return _PERMISSION.match(bare) is not None and _RESTRICTION.search(text) is None


# "Patients with malabsorption syndromes will be excluded." among exclusions: the words only say
# what an exclusion is; the condition before them is the criterion
_EXCLUDED_SUFFIX = re.compile(
    r"\s*,?\s*(?:will\s+be\s+excluded|(?:is|are)\s+(?:not\s+eligible|excluded|ineligible|not\s+allowed|not\s+permitted)"
    r"|will\s+not\s+be\s+(?:eligible|included|allowed|permitted))(?:\s+(?:from|in|for)\s+(?:the\s+|this\s+)?"
    r"(?:study|trial|participation|entry|enrollment|enrolment)(?:\s+(?:on|into|in)\s+(?:the\s+|this\s+)?(?:study|trial))?)?"
    # the reason written after it ("because X has the potential for teratogenic effects") is the
    # protocol's, and does not change who is excluded
    r"(?:\s*,?\s*(?:because|due\s+to|given)\b[^;]*)?\s*$", re.I)


def parse_item(text: str, *, exclusion: bool = False) -> list[tuple[Span | None, Syntax]]:
    """Parse the text of one criterion item: one (lead span, node) per clause, in reading order.

    Spans are offsets into ``text``. A "Label:" lead is returned separately: it may name the
    subject of a bare value list ("HER2 expression: IHC3+, IHC2+/FISH+"). Exceptions ("unless
    ...", a later sentence letting a group in) are ``Unparsed`` nodes marked ``exception``.
    """
    out: list[tuple[Span | None, Syntax]] = []
    for start, end in split_clauses(text):
        if out and is_permission(text[start:end]):
            out.append((None, Unparsed(span=Span(start, end), text=text[start:end], exception="permission",
                                       reason="a later sentence lets some patients in; whether it applies "
                                              "is for a person")))
            continue
        said_end = end  # "… are excluded from this study because …": the clause as written
        if exclusion and (m := _EXCLUDED_SUFFIX.search(text, start, end)) and m.start() > start:
            end = m.start()
        unless = _unless_at(text, start, end)
        waiver: Unparsed | None = None
        if unless is not None:
            w_start = unless + len(text[unless:end]) - len(text[unless:end].lstrip(" ,("))
            w_end = text.rindex(")", w_start, end) if text[w_start - 1] == "(" else end  # "(unless …)"
            waiver = Unparsed(span=Span(w_start, w_end), text=text[w_start:w_end], exception="unless",
                              reason="an exception to the clause before it; whether it applies is for a person",
                              instead=_unless_instead(text, w_start, w_end, exclusion=exclusion))
            end = unless
            while end > start and text[end - 1] in " ,":
                end -= 1
        parsed = _parse_clause_with_lead(text, start, end)
        if waiver is None and end < said_end:
            # the node that ends where the words "are excluded …" were cut covers them again, so
            # that its explanation, or its review, quotes the clause as written
            parsed = [(lead, _widened(node, text, end, said_end)) for lead, node in parsed]
        out.extend(parsed)
        if waiver is not None:
            out.append((None, waiver))
    return out


def _widened(node: Syntax, text: str, cut: int, end: int) -> Syntax:
    if node.span.end != cut:
        return node
    span = Span(node.span.start, end)
    if isinstance(node, Unparsed):
        return dataclasses.replace(node, span=span, text=text[span.start:span.end])
    return dataclasses.replace(node, span=span)


# PDQ: "Menopausal status: Not specified", "Chemotherapy: See Disease Characteristics": no
# requirement of its own (the one referred to is an item of the trial already)
_NOT_SPECIFIED = re.compile(r"\s*(not\s+specified|see\s+(disease|patient|general)\s+characteristics)\s*\.?\s*$", re.I)


def _parse_clause_with_lead(text: str, start: int, end: int) -> list[tuple[Span | None, Syntax]]:
    """One clause, after its lead if it has one; checks in parentheses after a lead may be several."""
    lead, body, body_end = split_lead(text, start, end)
    lead_span = Span(*lead) if lead else None
    if body >= body_end or _NOT_SPECIFIED.match(text, body, body_end):
        # a lead-in with nothing after it ("... one of the following:"), or a label whose value
        # is "Not specified" (PDQ: "Menopausal status: Not specified"): no requirement
        return [(lead_span, Unparsed(span=Span(start, end), text=text[start:end], reason="lead-in"))]
    if body_end < end or text[body - 1] == "(":
        # checks in parentheses after the lead: "(ANC ≥ 1500/µL; hemoglobin ≥ 9 g/dL)"
        inner = [(body + s, body + e) for s, e in split_clauses(text[body:body_end])]
    else:
        inner = [(body, body_end)]
    nodes = [parse_clause(text[s:e], s) for s, e in inner]
    if lead is not None and any(isinstance(n, Unparsed) for n in nodes):
        # the colon may not have been a lead ("... (2 weeks before first administration)")
        reason = next(n.reason for n in nodes if isinstance(n, Unparsed))
        return [(None, Unparsed(span=Span(start, end), text=text[start:end], reason=reason,
                                lead=text[lead[0]:lead[1]]))]
    return [(lead_span, n) for n in nodes]
