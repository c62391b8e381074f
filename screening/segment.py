"""Stage 1 of compiling a trial: raw eligibility text -> criterion items with exact source spans.

In: the criteria text as the registry serves it (three styles occur: Markdown bullets with registry
escapes such as ``\\>=``; text hard-wrapped at 80 columns; one criterion per line) and, optionally,
the trial's cohort headings. Out: a tree of :class:`Item` (section, printed number, cohort, text,
children and how they combine), each carrying the offsets of its own text in the original string,
so that every later explanation can quote the exact words it rests on.

How the text is read (general rules, never one trial's lines):

* **Sections** start at headings such as "Inclusion Criteria:", "-  EXCLUSION CRITERIA", "Key
  Exclusion Criteria", "Inclusion criteria for all patients". Text before any heading is inclusion.
  A heading followed by text on the same line ("Inclusion Criteria: - Age > 18") keeps that text as
  an item.
* **Items** start at markers: ``1.`` ``1)`` ``(1)`` ``a.`` ``ii)`` ``1.2.`` bullets ``- * • · o``
  and the registry's escaped bullets ``\\-`` ``\\*``. A line without a marker continues the item
  above (except a short "...:" line under an unwrapped line, which is a sub-heading); a blank line
  ends an item. Sections without any marker are read one paragraph per item (one line per item
  when the section has no blank lines and is not hard-wrapped). In hard-wrapped, blank-separated
  text a number at the start of a continuation line ("of\\n20. mg/day") is text, not a marker.
* **Nesting** follows indentation when the text has it, and numbering otherwise: a stack of open
  lists; a marker joins the innermost list whose numbering it continues, a list restarting at
  1/a/i (or a new bullet kind) after a lead-in ("...the following:") opens a sub-list, and a
  number that continues an outer list closes the inner ones.
* **Cohort blocks** start at the curated cohort headings; their sub-items belong to that cohort.
  A block ends at the next cohort heading, or when the numbering returns to the heading's list.
* **Lead-ins**: "one of the following" / "at least one of" / a trailing "OR" make the children
  combine as "any"; a lead-in with no criterion of its own is ``is_heading``; "No history of any of
  the following:" is ``negated``.

Nothing is dropped: every non-blank line that is not a section heading belongs to exactly one
item's ``line_spans``. ``segment`` never raises.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .nodes import Span

__all__ = ["Item", "segment", "iter_items", "section_headings", "normalize_heading"]

SectionName = Literal["inclusion", "exclusion"]
Combine = Literal["all", "any"]

_MAX_DEPTH = 24  # deeper markers are kept as siblings: protects recursion on pathological input


# --------------------------------------------------------------------------- public model


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One criterion (or lead-in heading) of the trial, as printed, with its source offsets.

    ``text`` is the item's own text (its continuation lines joined by one space, its children
    excluded); ``line_spans`` holds one span per physical line joined into ``text`` (an empty span
    for a marker-only line), so :meth:`to_source` can map an offset in ``text`` back to the
    criteria string. ``is_heading`` is True when the item has no criterion of its own: a lead-in
    or heading whose meaning is in its children ("...one of the following conditions:"), a
    cohort heading without an introduction, a dangling lead-in, or an empty marker.
    ``negated`` is True when such a lead-in negates its list ("No history of any of the
    following:", "must not have any of the following"): the item holds when its children, combined
    by ``combine``, do NOT hold.
    """

    id: str
    section: SectionName
    number: str | None
    text: str
    span: Span
    line_spans: tuple[Span, ...]
    cohorts: tuple[str, ...]
    children: tuple[Item, ...]
    combine: Combine
    is_heading: bool
    depth: int
    negated: bool = False

    def to_source(self, offset: int) -> int:
        """Offset in the criteria text of position ``offset`` of ``self.text``.

        The single space that joins two lines maps to the end of the first line; offsets outside
        ``text`` are clamped to the item's span.
        """
        if offset <= 0:
            return self.span.start
        pos = 0
        for s in self.line_spans:
            n = s.end - s.start
            if n == 0:
                continue
            if offset <= pos + n:
                return s.start + (offset - pos)
            pos += n + 1
        return self.span.end


def iter_items(items: Iterable[Item]) -> Iterator[Item]:
    """All items depth-first, each parent before its children (document order)."""
    for item in items:
        yield item
        yield from iter_items(item.children)


def normalize_heading(text: str) -> str:
    """Comparable form of a cohort heading: no leading numbering, trailing colon, case or spacing."""
    t = re.sub(r"\\([^\w\s])", r"\1", text)  # registry escapes: "Part A \(escalation\)"
    t = " ".join(t.split()).casefold()
    m = _MARKER.match(t)
    if m is not None and m.end() < len(t):
        t = t[m.end() :].lstrip()
    return t.rstrip(" :").strip()


def segment(
    text: str,
    *,
    cohort_headings: Mapping[str, Sequence[str]] = {},  # noqa: B006 - read-only default
    cohort_children: Mapping[str, str] = {},  # noqa: B006
) -> list[Item]:
    """Split criteria text into top-level items (children nested), in document order.

    Args:
        text: the raw eligibility text.
        cohort_headings: cohort id -> heading texts as they appear in the criteria (compared
            case-insensitively, ignoring leading numbering and a trailing colon).
        cohort_children: cohort id -> "all" | "any": how the cohort heading's sub-items combine
            (overrides what the text says).

    Never raises: if the structured reading fails on some unforeseen input, every non-blank line
    becomes an item of its own, so the caller still sees all the text.
    """
    try:
        return _segment(text, cohort_headings, cohort_children)
    except Exception:  # pragma: no cover - safety net; the property tests call _segment directly
        return _fallback(text)


def section_headings(text: str) -> list[tuple[Span, SectionName]]:
    """The section headings ``segment`` recognises: (span of the heading line's content, section)."""
    try:
        doc = _Document(text)
    except Exception:  # pragma: no cover
        return []
    return [(Span(r.line.start, r.line.end), r.section) for r in doc.records if r.kind == "heading"]


# --------------------------------------------------------------------------- lines and markers


@dataclass(slots=True)
class _Line:
    """A physical line (or the remainder of a heading line): content offsets and indentation."""

    start: int  # content start (after leading whitespace)
    end: int  # content end (before trailing whitespace)
    indent: int  # display column of ``start`` (tabs count to the next multiple of 4)

    @property
    def blank(self) -> bool:
        return self.start >= self.end


_BREAK = re.compile(r"\r\n|\r|\n")


def _make_line(text: str, lo: int, hi: int, col0: int = 0) -> _Line:
    i, col = lo, col0
    while i < hi and text[i].isspace():
        col = col + 4 - col % 4 if text[i] == "\t" else col + 1
        i += 1
    j = hi
    while j > i and text[j - 1].isspace():
        j -= 1
    return _Line(i, j, col)


def _split_lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for m in _BREAK.finditer(text):
        out.append(_make_line(text, pos, m.start()))
        pos = m.end()
    out.append(_make_line(text, pos, len(text)))
    return out


# Bullets: ASCII ones need whitespace after them ("-5/del(5q)" and "*Footnote" are text); the
# Unicode bullets may touch the text ("•A positive skin test"). "\-" and "\*" are registry escapes.
_BULLET = re.compile(r"\\?[-*](?=\s|$)|[–—](?=\s)|[•·▪◦‣●○■□➢►➤◆◇]|o(?=\s)")
_ROMAN = re.compile(r"(?i)x{0,3}(?:ix|iv|v?i{0,3})")
_MARKER = re.compile(
    r"""
    \(\s?(?P<pv>\d{1,3}|[A-Za-z]|[ivxIVX]{2,6})\s?\)                         # (1) (a) (iv)
  | (?P<dv>[1-9]\d?(?:\.\d{1,2}){1,3})
      (?: (?P<dp>\\?\.)(?=\s|$|[^\W\d_])  |  (?=\s+[A-Z]) )                 # 1.1.  1.2.3 Text
  | (?P<nv>\d{1,3})
      (?: (?P<np>\\?\.)(?=\s|$|[^\d.\s,])  |  (?P<nq>[)）、]) )              # 1.  1\.  1)  1、
  | (?P<lv>[A-Za-z]|[ivxIVX]{2,6})(?P<lp>\\?\.|\))(?=\s|$)                  # a.  B)  ii.
    """,
    re.X,
)

_Key = Hashable
_Value = int | tuple[int, ...] | None


@dataclass(frozen=True, slots=True)
class _Marker:
    """A list marker at the start of a line, with every reading of it (``i`` is roman or a letter)."""

    raw: str  # as printed: "5.", "(a)", "\\-"
    label: str | None  # id component: "5", "a", "ii", "1.2"; None for bullets
    readings: tuple[tuple[_Key, _Value], ...]
    end: int  # offset just after the marker

    @property
    def bullet(self) -> bool:
        return self.label is None

    def start_reading(self) -> tuple[_Key, _Value] | None:
        for key, value in self.readings:
            if _is_first(value):
                return key, value
        return None


def _is_first(value: _Value) -> bool:
    if value is None:
        return True
    if isinstance(value, tuple):
        return value[-1] == 1
    return value == 1


def _follows(last: _Value, value: _Value) -> bool:
    """Is ``value`` the number after ``last`` (bullets always follow bullets of their kind)?"""
    if value is None:
        return True
    if last is None:
        return False
    if isinstance(value, tuple) and isinstance(last, tuple):
        return len(value) == len(last) and value[:-1] == last[:-1] and value[-1] == last[-1] + 1
    if isinstance(value, int) and isinstance(last, int):
        return value == last + 1
    return False


def _letter_readings(token: str, style: str) -> list[tuple[_Key, _Value]]:
    out: list[tuple[_Key, _Value]] = []
    upper = token.isupper()
    if _ROMAN.fullmatch(token) and token:
        out.append((("ROMAN" if upper else "roman", style), _roman_value(token)))
    if len(token) == 1:
        out.append((("ALPHA" if upper else "alpha", style), ord(token.lower()) - ord("a") + 1))
    return out


def _roman_value(token: str) -> int:
    vals = {"i": 1, "v": 5, "x": 10}
    t = token.lower()
    total = 0
    for k, ch in enumerate(t):
        v = vals[ch]
        total += -v if k + 1 < len(t) and vals[t[k + 1]] > v else v
    return total


def _match_marker(text: str, start: int, end: int) -> _Marker | None:
    content = text[start:end]
    m = _BULLET.match(content)
    if m is not None:
        char = m.group().lstrip("\\")
        return _Marker(m.group(), None, ((("bullet", char), None),), start + m.end())
    m = _MARKER.match(content)
    if m is None:
        return None
    raw = m.group()
    if m.group("pv") is not None:
        tok = m.group("pv")
        if tok.isdigit():
            readings: list[tuple[_Key, _Value]] = [(("num", "()"), int(tok))]
        else:
            readings = _letter_readings(tok, "()")
            if not readings:
                return None
        return _Marker(raw, tok, tuple(readings), start + m.end())
    if m.group("dv") is not None:
        tok = m.group("dv")
        parts = tuple(int(p) for p in tok.split("."))
        return _Marker(raw, tok, ((("dotted", len(parts)), parts),), start + m.end())
    if m.group("nv") is not None:
        tok = m.group("nv")
        style = ")" if m.group("nq") in (")", "）") else ("、" if m.group("nq") else ".")
        return _Marker(raw, str(int(tok)), ((("num", style), int(tok)),), start + m.end())
    tok = m.group("lv")
    style = ")" if m.group("lp") == ")" else "."
    readings = _letter_readings(tok, style)
    if not readings:
        return None
    return _Marker(raw, tok, tuple(readings), start + m.end())


# --------------------------------------------------------------------------- section headings

_SECTION = re.compile(
    r"""^
    (?:[-*#•·>]+\s*|\\[-*#]\s*)*                                     # "-  ", "* ", "## ", "\*"
    (?:(?:\d{1,2}(?:\.\d{1,2})*|[A-Za-z]|[IVXivx]{2,4})[.)]\s+|\d{1,2}(?:\.\d{1,2})+\s+)?  # "A. " "3.2.2 "
    (?P<pre>(?:[\w\-\[\]()/,]+\s+){0,4}?)
    (?: (?P<kw>inclusion|exclusion|exclusionary)[\s_]+criteri(?:a|on)s?\b
      | criteria\s+(?:for\s+)?(?P<kw2>inclusion|exclusion)\b
      | (?P<kw3>inclusions?|exclusions?)(?=\s*:?\s*$) )                 # "Exclusion:" alone
    (?P<tail>.*)$""",
    re.I | re.X,
)
_PRE_STOP = frozenset(
    "the all of any following meet meets meeting must not to these those above below with and or "
    "if in a an per see no this that listed each every further".split()
)
_VERBS = re.compile(
    r"\b(?:is|are|was|were|be|been|being|will|would|may|must|should|can|could|shall|apply|applies|"
    r"applied|met|meet|meets|defined|listed|outlined|described|determined|not)\b",
    re.I,
)
_STARTS_ITEM = re.compile(r"\s*(?:[-*•]|\d{1,3}[.)]|\\[-*])\s")


@dataclass(frozen=True, slots=True)
class _Heading:
    section: SectionName
    remainder: int | None  # offset of text on the same line that is an item, if any


def _match_section(text: str, line: _Line, after_blank: bool) -> _Heading | None:
    content = text[line.start : line.end]
    if len(content) > 160:
        return None
    m = _SECTION.match(content)
    if m is None:
        return None
    if content[:1].islower() and not after_blank:
        return None  # "...who do not meet the\ninclusion criteria." is a wrapped sentence
    pre = m.group("pre").split()
    if any(w.strip("()[],").lower() in _PRE_STOP for w in pre):
        return None
    kw = (m.group("kw") or m.group("kw2") or m.group("kw3")).lower()
    section: SectionName = "exclusion" if kw.startswith("excl") else "inclusion"
    tail = m.group("tail")
    tail_start = line.start + m.start("tail")
    stripped = tail.strip()
    if not stripped.strip(":.>-– "):
        return _Heading(section, None)
    if stripped.startswith(":"):
        rest = stripped[1:].lstrip(" >")
        if not rest.strip(":.>-– "):
            return _Heading(section, None)
        return _Heading(section, tail_start + tail.index(rest))
    if not pre and _STARTS_ITEM.match(tail):
        return _Heading(section, tail_start + len(tail) - len(tail.lstrip()))
    # a qualifier: "for all patients", "(PART 1):", "Related to Medications:", "include:"
    if _VERBS.search(stripped) or len(stripped.split()) > 12:
        return None
    if stripped.endswith((".", ";")) and len(stripped) > 1:
        return None
    return _Heading(section, None)


# --------------------------------------------------------------------------- document pass


@dataclass(slots=True)
class _Record:
    """One classified line: blank, section heading, marker line or text line."""

    kind: Literal["blank", "heading", "marker", "text"]
    line: _Line
    marker: _Marker | None = None
    section: SectionName = "inclusion"


class _Document:
    """Lines classified once: headings, markers, and the document's layout habits."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.records: list[_Record] = []
        after_blank = True
        for line in _split_lines(text):
            if line.blank:
                self.records.append(_Record("blank", line))
                after_blank = True
                continue
            h = _match_section(text, line, after_blank)
            if h is not None:
                self.records.append(_Record("heading", line, section=h.section))
                if h.remainder is not None and h.remainder < line.end:
                    col = line.indent + (h.remainder - line.start)
                    rest = _make_line(text, h.remainder, line.end, col)
                    self.records.append(self._classify(rest))
            else:
                self.records.append(self._classify(line))
            after_blank = False

        def width(kinds: tuple[str, ...]) -> int:
            return max(
                (r.line.indent + r.line.end - r.line.start for r in self.records if r.kind in kinds),
                default=0,
            )

        # Hard-wrapped text (the 2021 registry export wraps at about 80-90 columns). Unmarked text
        # is judged on its own lines: a wrapped paragraph may sit above long one-line bullets.
        self.width = width(("text", "marker"))
        self.wrapped = 50 <= self.width <= 100
        self.text_width = width(("text",))
        self.text_wrapped = 50 <= self.text_width <= 100
        self._demote_wrapped_numbers()

    def _classify(self, line: _Line) -> _Record:
        m = _match_marker(self.text, line.start, line.end)
        if m is None:
            return _Record("text", line)
        return _Record("marker", line, marker=m)

    def _demote_wrapped_numbers(self) -> None:
        """In hard-wrapped text whose items are separated by blank lines, a "20. mg/day" or "1) and"
        right under a text line, at that line's text column, is a wrapped continuation."""
        if not self.wrapped:
            return
        markers = [i for i, r in enumerate(self.records) if r.kind == "marker"]
        if len(markers) < 3:
            return
        separated = sum(1 for i in markers if i == 0 or self.records[i - 1].kind in ("blank", "heading"))
        if separated < 0.7 * len(markers):
            return
        for i in markers:
            r = self.records[i]
            assert r.marker is not None
            if r.marker.bullet or i == 0:
                continue
            prev = self.records[i - 1]
            if prev.kind not in ("text", "marker"):
                continue
            tail = self.text[prev.line.start : prev.line.end]
            column = prev.line.indent
            if prev.marker is not None:
                start = prev.marker.end
                while start < prev.line.end and self.text[start].isspace():
                    start += 1
                column += start - prev.line.start
            if tail and tail[-1] not in ".:;!?" and abs(r.line.indent - column) <= 1:
                r.kind, r.marker = "text", None


# --------------------------------------------------------------------------- tree building


@dataclass(eq=False, slots=True)
class _Node:
    """An item under construction."""

    section: SectionName
    indent: int
    marker: _Marker | None = None
    lines: list[Span] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    cohorts: tuple[str, ...] = ()  # set on cohort heading nodes only
    heading_end: int = 0  # cohort headings: offset where the heading words end on their line

    def own_text(self, text: str) -> str:
        return " ".join(text[s.start : s.end] for s in self.lines if s.end > s.start)


@dataclass(slots=True)
class _Level:
    """An open list: the node whose children it holds, its column and its numbering so far."""

    owner: _Node
    indent: int | None
    key: _Key | None = None
    last: _Value = None


_FOLLOWING = re.compile(
    r"\b(?:the\s+following|as\s+follows"
    r"|(?:defined|listed|outlined|described|specified|shown|detailed)\s+below|below\s*:)",
    re.I,
)
_ANY = re.compile(
    r"\b(?:(?:any|one|either|1)\s+(?:\w+\s+){0,2}?of\s+the\s+following"
    r"|at\s+least\s+one\s+of|one\s+or\s+more\s+of\s+the\s+following|any\s+of\s+these)\b"
    r"|\b(?:any|one|either)\s+of\s*:$",
    re.I,
)


def says_any(text: str) -> bool:
    """"One of the following", "at least one of": what follows is alternatives."""
    return _ANY.search(text) is not None


_ALL = re.compile(r"\b(?:all|both)\s+(?:of\s+)?the\s+following\b|\ball\s+of\s+(?:these|them)\b", re.I)


def says_all(text: str) -> bool:
    """"All of the following", "both of the following": every item is needed, even in an
    exclusion (where the items of a plain list each exclude on their own)."""
    return _ALL.search(text) is not None and not says_any(text)


_NEGATED = re.compile(
    r"^(?:no|not|none|never|without|absence\s+of|free\s+of|neither)\b"
    r"|\b(?:must|should|shall|will|may|can|do|does|did)\s+not\s+"
    r"(?:have|had|meet|experience|show|present|receive|use|take|require)\b"
    r"|\bnone\s+of\s+the\s+following\b",
    re.I,
)
# "...will not be eligible", "Not eligible if any of the following": exclusion wording, not a
# negation of the list
_NOT_ELIGIBLE = re.compile(
    r"\b(?:not|never)\s+(?:be\s+)?(?:eligible|enrolled|included|allowed|permitted|able\s+to\s+"
    r"(?:participate|enrol|enroll))\b|\bineligible\b",
    re.I,
)
_TRAILING_OR = re.compile(r"\s*[,;]?\s*\b(?:and/)?or[,;:]?$", re.I)
_TRAILING_AND = re.compile(r"\s*[,;]?\s*\band[,;:]?$", re.I)
Links = Literal["or", "and", "mixed"]


def trailing_links(children: Sequence[Item]) -> Links | None:
    """How sibling items are joined by a conjunction at the end of each ("Creatinine < 1.6 mg/dL
    OR" / "Creatinine clearance > 40 mL/min"): "or" when every item but the last ends with it;
    "and" when some end with "and" and none with "or" (each required, however many say it);
    "mixed" when only some end with "or" ("AST ≤ 2.5 × ULN;" / "Bilirubin ≤ 2 × ULN;" / "ALP ≤ 5 ×
    ULN with liver metastases; or" / "ALP ≤ 2.5 × ULN": a serial "or" over the whole list, or one
    joining the last two only, which a person tells apart); None when none does."""
    if len(children) < 2:
        return None
    ors = [bool(_TRAILING_OR.search(c.text)) for c in children[:-1]]
    ands = [bool(_TRAILING_AND.search(c.text)) for c in children[:-1]]
    if all(ors):
        return "or"
    if any(ors):
        return "mixed"
    return "and" if any(ands) else None


def ends_with_or(text: str) -> bool:
    """"Creatinine ≤ 1.5 mg/dL OR": the item is joined to the next one by "or"."""
    return _TRAILING_OR.search(text) is not None


def without_trailing_link(text: str) -> str:
    """The item's text without the conjunction that joins it to the next item."""
    m = _TRAILING_OR.search(text) or _TRAILING_AND.search(text)
    return text[:m.start()] if m else text
_CRITERIA_TITLE = re.compile(
    r"(?:[\w/&-]+\s+){0,4}?(?:inclusion|exclusion|eligibility)\b.*\bcriteri(?:a|on)\b", re.I
)
_SENTENCE_BREAK = re.compile(r"[a-z0-9)\]%]{2}[.;!?]\s+\S", re.I)


def _title_like(t: str) -> bool:
    """A short label such as "Age", "Performance status", "PRIOR CONCURRENT THERAPY"."""
    words = t.split()
    return (
        0 < len(words) <= 4
        and t[-1] not in ".;,"
        and not any(ch.isdigit() for ch in t)
        and not re.search(r"[<>=≤≥%]", t)
        and t[0].isalpha()
        and t[0].isupper()
    )


_GENERIC = frozenset(
    """age sex gender performance status life expectancy hematopoietic hematologic hematological
    hematology hepatic liver renal kidney cardiovascular cardiac pulmonary neurologic neurological
    immunologic gastrointestinal other others chemotherapy radiotherapy radiation therapy therapies
    surgery endocrine biologic biological menopausal disease patient patients participant
    participants subject subjects characteristics prior concurrent concomitant general medical
    conditions related disease-related laboratory lab values parameters treatment treatments
    medication medications history reproductive function organ requirements exclusion exclusions
    inclusion inclusions criteria eligibility all cohort cohorts part phase group arm and or of for
    the healthy volunteers screening randomization enrollment registration serology chemistry
    coagulation demographics notes note study only additional specific""".split()
)


def _generic_title(t: str) -> bool:
    """A heading such as "Hepatic", "Performance status", "PRIOR CONCURRENT THERAPY": a short
    title made of generic words (or written in capitals). "Mantle cell lymphoma" is not one: it
    carries a criterion of its own."""
    if not _title_like(t):
        return False
    words = [w.strip("():,/").lower() for w in t.split()]
    letters = [ch for ch in t if ch.isalpha()]
    return all(w in _GENERIC for w in words if w) or (len(letters) > 3 and t.isupper())


class _Builder:
    """Reads the classified lines block by block (a block is the text under one section heading)."""

    def __init__(
        self,
        doc: _Document,
        cohort_headings: Mapping[str, Sequence[str]],
        cohort_children: Mapping[str, str],
    ) -> None:
        self.doc = doc
        self.text = doc.text
        self.headings: list[tuple[str, str]] = []  # (normalised heading, cohort id)
        for cid, hs in cohort_headings.items():
            for h in hs:
                n = normalize_heading(h)
                if n:
                    self.headings.append((n, cid))
        self.cohort_children = dict(cohort_children)
        self.top: list[_Node] = []
        self.stack: list[_Level] = []
        self.current: _Node | None = None

    # ---- blocks

    def run(self) -> list[_Node]:
        block: list[_Record] = []
        section: SectionName = "inclusion"
        for r in self.doc.records:
            if r.kind == "heading":
                self._block(block, section)
                block, section = [], r.section
            else:
                block.append(r)
        self._block(block, section)
        return self.top

    def _block(self, records: list[_Record], section: SectionName) -> None:
        if not records:
            return
        root = _Node(section=section, indent=-1)
        self.stack = [_Level(owner=root, indent=None)]
        self.current = None
        content = [i for i, r in enumerate(records) if r.kind != "blank"]
        if not content:
            return
        has_markers = any(r.kind == "marker" for r in records)
        inner_blank = any(records[i].kind == "blank" for i in range(content[0], content[-1]))
        mode = "marker" if has_markers else ("para" if inner_blank else "line")
        after_blank = True
        prev: _Record | None = None
        for r in records:
            if r.kind == "blank":
                after_blank = True
                continue
            cohorts, heading_end = self._cohort_match(r)
            node = _Node(section=section, indent=r.line.indent, marker=r.marker)
            if r.marker is not None:
                node.lines.append(self._first_span(r))
            else:
                node.lines.append(Span(r.line.start, r.line.end))
            if cohorts:
                node.cohorts, node.heading_end = cohorts, heading_end
                self._place_cohort(node, mode)
            elif r.marker is not None:
                self._place_marker(node, r.marker)
            elif (
                mode == "marker"
                and self.current is not None
                and not after_blank
                and not (prev is not None and self._sub_heading(prev, r))
            ):
                self.current.lines.append(node.lines[0])
                node = self.current
            elif mode != "marker" and self.current is not None and not after_blank and (
                mode == "para" or (prev is not None and self._wrapped(prev, r))
            ):
                self.current.lines.append(node.lines[0])
                node = self.current
            elif mode == "marker":
                self._place_paragraph(node)
            else:
                self._place_unmarked(node)
            self.current = node
            after_blank = False
            prev = r
        self.top.extend(root.children)

    def _first_span(self, r: _Record) -> Span:
        assert r.marker is not None
        s = r.marker.end
        while s < r.line.end and self.text[s].isspace():
            s += 1
        return Span(s, r.line.end)

    def _sub_heading(self, prev: _Record, r: _Record) -> bool:
        """An unmarked line such as "Phase Ib dose-expanded study:" right under a list item starts
        a new heading item rather than continuing the item, unless the item's line was wrapped."""
        t = self.text[r.line.start : r.line.end]
        if not (t.endswith(":") and t[0].isupper() and len(t.split()) <= 8):
            return False
        p = self.text[prev.line.start : prev.line.end]
        if p.endswith(":"):
            return False
        if not self.doc.wrapped:
            return True
        return prev.line.indent + len(p) + 1 + len(t.split()[0]) <= self.doc.width

    def _wrapped(self, prev: _Record, r: _Record) -> bool:
        """Without blank lines or markers, is ``r`` the hard-wrapped continuation of ``prev``?"""
        width = self.doc.text_width
        if not self.doc.text_wrapped:
            return False  # lines longer than 100 columns: one criterion per line
        p = self.text[prev.line.start : prev.line.end]
        nxt = self.text[r.line.start : r.line.end]
        word = nxt.split()[0] if nxt.split() else ""
        if prev.line.indent + len(p) + 1 + len(word) <= width:
            return False  # the next word would have fitted: a deliberate line break
        return not (p[-1] in ".;:!?" and (nxt[0].isupper() or nxt[0].isdigit()))

    # ---- cohorts

    def _cohort_match(self, r: _Record) -> tuple[tuple[str, ...], int]:
        if not self.headings:
            return (), 0
        start = self._first_span(r).start if r.marker is not None else r.line.start
        raw = self.text[start : r.line.end]
        norm = normalize_heading(raw)
        found: list[str] = []
        cut = 0
        for h, cid in self.headings:
            if norm == h or norm.startswith(h + ":"):
                if cid not in found:
                    found.append(cid)
                if norm == h:
                    cut = r.line.end
                else:
                    cut = max(cut, start + raw.index(":", _prefix_len(raw, h)) + 1)
        return tuple(found), cut

    def _open_cohort(self) -> tuple[int, _Node] | None:
        for i in range(len(self.stack) - 1, -1, -1):
            level = self.stack[i]
            if level.owner.children and level.owner.children[-1].cohorts:
                return i, level.owner.children[-1]
            if level.owner.cohorts and i > 0:
                return i - 1, level.owner
        return None

    def _place_cohort(self, node: _Node, mode: str) -> None:
        if mode != "marker":
            del self.stack[1:]
            self.stack[0].owner.children.append(node)
            return
        if node.marker is not None:
            self._place_marker(node, node.marker)
            return
        found = self._open_cohort()
        if found is not None and found[1].indent >= node.indent - 1:
            i = found[0]
            del self.stack[i + 1 :]
            self.stack[i].owner.children.append(node)
            return
        self._place_paragraph(node)

    # ---- placing items

    def _append(self, level: _Level, node: _Node, reading: tuple[_Key, _Value] | None) -> None:
        level.owner.children.append(node)
        if reading is not None:
            level.key, level.last = reading
            if level.indent is None:
                level.indent = node.indent

    def _open(self, parent: _Node, node: _Node, reading: tuple[_Key, _Value] | None) -> None:
        if len(self.stack) >= _MAX_DEPTH:
            self._append(self.stack[-1], node, reading)
            return
        level = _Level(owner=parent, indent=None)
        self.stack.append(level)
        self._append(level, node, reading)

    def _is_lead_in(self, node: _Node, strict: bool = False) -> bool:
        """Does ``node`` announce a list ("...the following:", a cohort heading, or, unless
        ``strict``, a short title such as "Age")? A list that restarts at 1 after a plain item is
        a restart, so that case asks for the strict reading."""
        if node.cohorts:
            return True
        t = node.own_text(self.text)
        if not t:
            return True
        first = next((self.text[s.start : s.end] for s in node.lines if s.end > s.start), "")
        if t.endswith(":") or first.endswith(":"):
            return True
        if _FOLLOWING.search(t) and not _SENTENCE_BREAK.search(t) and len(t.split()) <= 40:
            return True
        return not strict and _title_like(t)

    def _place_marker(self, node: _Node, m: _Marker) -> None:
        stack = self.stack
        indent = node.indent
        same: int | None = None
        for i in range(len(stack) - 1, -1, -1):
            level = stack[i]
            deeper = level.indent is not None and level.indent > indent + 1
            if deeper and i > 0:
                continue
            shallower = level.indent is not None and level.indent < indent - 1
            for key, value in m.readings:
                if level.key == key and _follows(level.last, value):
                    # an indented bullet or restart under a list is a sub-list, not a sibling
                    if shallower and _is_first(value):
                        break
                    del stack[i + 1 :]
                    self._append(level, node, (key, value))
                    return
            if shallower:
                if same is not None:
                    break  # the marker sits in the list found at its own column
                del stack[i + 1 :]
                self._open(level.owner.children[-1], node, self._reading_for(m))
                return
            if same is None:
                same = i
        i = same if same is not None else 0
        level = stack[i]
        del stack[i + 1 :]
        last = level.owner.children[-1] if level.owner.children else None
        start = m.start_reading()
        if last is None:
            self._append(level, node, self._reading_for(m))
        elif level.key is None:
            if self._is_lead_in(last):
                self._open(last, node, self._reading_for(m))
            else:
                self._append(level, node, self._reading_for(m))
        elif start is not None:
            same_kind = any(key == level.key for key, _ in m.readings)
            if self._is_lead_in(last, strict=True) or not same_kind:
                self._open(last, node, start)
            else:
                self._append(level, node, start)  # the list restarts
        else:
            j = self._gap_level(m, i)
            if j is not None:
                del stack[j + 1 :]
                key_value = next(kv for kv in m.readings if kv[0] == stack[j].key)
                self._append(stack[j], node, key_value)
            elif self._is_lead_in(last):
                self._open(last, node, m.readings[0])
            else:
                self._append(level, node, m.readings[0])

    def _reading_for(self, m: _Marker) -> tuple[_Key, _Value]:
        return m.start_reading() or m.readings[0]

    def _gap_level(self, m: _Marker, upto: int) -> int | None:
        """A list of the same kind, at this column, that the number skips ahead in ("6." -> "8.")."""
        best: tuple[int, int] | None = None
        for j in range(upto, -1, -1):
            level = self.stack[j]
            if j < upto and level.indent is not None and self.stack[upto].indent is not None:
                if abs(level.indent - (self.stack[upto].indent or 0)) > 1:
                    break
            for key, value in m.readings:
                if key != level.key or not isinstance(value, int) or not isinstance(level.last, int):
                    continue
                gap = value - level.last
                if gap > 0 and (best is None or gap < best[0]):
                    best = (gap, j)
        return best[1] if best else None

    def _place_paragraph(self, node: _Node) -> None:
        """An unmarked paragraph in a list. Indented under an item's text, it belongs to that item;
        at the column of an indented list, it sits in that list (a note between its items);
        otherwise it is a new top-level item and closes the open lists."""
        stack = self.stack
        for i in range(len(stack) - 1, -1, -1):
            level = stack[i]
            if level.owner.children:
                last = level.owner.children[-1]
                if node.indent > last.indent + 1:
                    if i + 1 < len(stack) and stack[i + 1].owner is last:
                        del stack[i + 2 :]
                        stack[i + 1].owner.children.append(node)
                    else:
                        del stack[i + 1 :]
                        self._open(last, node, None)
                    return
            if (
                i > 0
                and level.indent is not None
                and abs(level.indent - node.indent) <= 1
                and level.owner.indent < node.indent - 1
            ):
                del stack[i + 1 :]
                level.owner.children.append(node)
                return
        del stack[1:]
        stack[0].owner.children.append(node)

    def _place_unmarked(self, node: _Node) -> None:
        """A paragraph (or line) of a section without markers: inside an open cohort block, a
        sub-item of the cohort; otherwise a top-level item."""
        root = self.stack[0].owner
        del self.stack[1:]
        if root.children and root.children[-1].cohorts:
            root.children[-1].children.append(node)
        else:
            root.children.append(node)

    # ---- freezing

    def freeze(self, nodes: list[_Node]) -> list[Item]:
        seen: set[str] = set()
        by_section: dict[str, list[_Node]] = {}
        for node in nodes:
            by_section.setdefault(node.section, []).append(node)
        ids: dict[int, str] = {}
        for section, group in by_section.items():
            ids.update(self._sibling_ids(group, section, None, seen))
        return [self._freeze(n, ids[id(n)], 0, (), seen) for n in nodes]

    def _sibling_ids(
        self, nodes: list[_Node], parent_id: str, parent_label: str | None, seen: set[str]
    ) -> dict[int, str]:
        """Ids of one sibling group. Printed numbers claim their ids before unnumbered items take
        positional ones, so an unnumbered title line cannot push "1." to "1-2"."""
        bases: list[tuple[_Node, str, bool]] = []
        for position, node in enumerate(nodes, 1):
            label = node.marker.label if node.marker is not None else None
            if node.cohorts:
                bases.append((node, f"{node.section}.{node.cohorts[0]}", True))
            elif label is not None:
                if "." in label and parent_label is not None and label.startswith(parent_label + "."):
                    label = label[len(parent_label) + 1 :]
                bases.append((node, f"{parent_id}.{label}", True))
            else:
                bases.append((node, f"{parent_id}.{position}", False))
        out: dict[int, str] = {}
        for claim in (True, False):
            for node, base, labelled in bases:
                if labelled != claim:
                    continue
                item_id, k = base, 1
                while item_id in seen:
                    k += 1
                    item_id = f"{base}-{k}"
                seen.add(item_id)
                out[id(node)] = item_id
        return out

    def _freeze(
        self, node: _Node, item_id: str, depth: int, cohorts: tuple[str, ...], seen: set[str]
    ) -> Item:
        if node.cohorts:
            cohorts = node.cohorts
        own_label = node.marker.label if node.marker is not None else None
        ids = self._sibling_ids(node.children, item_id, own_label, seen)
        children = tuple(
            self._freeze(c, ids[id(c)], depth + 1, cohorts, seen) for c in node.children
        )
        text = node.own_text(self.text)
        nonempty = [s for s in node.lines if s.end > s.start]
        span = Span(nonempty[0].start, nonempty[-1].end) if nonempty else node.lines[0]
        is_heading = self._is_heading(node, text)
        return Item(
            id=item_id,
            section=node.section,
            number=node.marker.raw if node.marker is not None else None,
            text=text,
            span=span,
            line_spans=tuple(node.lines),
            cohorts=cohorts,
            children=children,
            combine=self._combine(node, text, children),
            is_heading=is_heading,
            negated=bool(children)
            and is_heading
            and bool(_NEGATED.search(text))
            and not _NOT_ELIGIBLE.search(text),
            depth=depth,
        )

    def _combine(self, node: _Node, text: str, children: tuple[Item, ...]) -> Combine:
        if not children:
            return "all"
        for cid in node.cohorts:
            mode = self.cohort_children.get(cid)
            if mode in ("all", "any"):
                return "any" if mode == "any" else "all"
        if _ANY.search(text):
            return "any"
        if trailing_links(children) == "or":
            return "any"  # "Creatinine < 1.6 mg/dL OR" / "Creatinine clearance > 40 mL/min"
        if trailing_links(children) == "mixed" and _TRAILING_OR.search(children[-2].text):
            return "any"  # the most lenient reading; compile leaves the list to a person
        return "all"

    def _is_heading(self, node: _Node, text: str) -> bool:
        if node.cohorts:
            return len(node.lines) == 1 and node.heading_end >= node.lines[0].end
        if not any(ch.isalnum() for ch in text):
            return True  # "", "-", "<!-- -->", "……": no criterion of its own
        single = not _SENTENCE_BREAK.search(text)
        if node.children:
            if text.endswith(":") and single:
                return True
            if _FOLLOWING.search(text) and single and len(text.split()) <= 40:
                return True
            return _generic_title(text)
        if text.endswith(":") and single and (
            bool(_FOLLOWING.search(text)) or len(text.split()) <= 6
        ):
            return True  # a lead-in or sub-heading whose list did not follow
        # a title such as "Inclusion and Exclusion Criteria for Phase 1b" or "ELIGIBILITY CRITERIA"
        if _generic_title(text.rstrip(":")):
            return True  # "Other Criteria", "Randomization Criteria"
        return (
            bool(_CRITERIA_TITLE.match(text))
            and len(text.split()) <= 10
            and not _VERBS.search(text)
            and not text.endswith(".")
        )


def _prefix_len(raw: str, heading: str) -> int:
    """Length of the part of ``raw`` whose normalised form is ``heading`` (for cutting at its colon)."""
    for k in range(len(raw) + 1):
        if normalize_heading(raw[:k]) == heading:
            return k
    return 0


def _segment(
    text: str, cohort_headings: Mapping[str, Sequence[str]], cohort_children: Mapping[str, str]
) -> list[Item]:
    doc = _Document(text)
    builder = _Builder(doc, cohort_headings, cohort_children)
    return builder.freeze(builder.run())


def _fallback(text: str) -> list[Item]:
    """One item per non-blank line: used only if the structured reading fails."""
    out: list[Item] = []
    for k, line in enumerate((ln for ln in _split_lines(text) if not ln.blank), 1):
        span = Span(line.start, line.end)
        out.append(
            Item(
                id=f"inclusion.{k}", section="inclusion", number=None,
                text=text[line.start : line.end], span=span, line_spans=(span,), cohorts=(),
                children=(), combine="all", is_heading=False, depth=0, negated=False,
            )
        )
    return out
