"""The attrition funnel of a batch screening, drawn for a feasibility report (SVG, HTML or PNG).

One layout (a list of rectangles and texts in pixels) feeds every format, so the SVG, the chart
inside the HTML page and the PNG always show the same bars and the same numbers. The SVG and HTML
are written by hand and need nothing installed; only PNG needs matplotlib, imported on demand.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from xml.sax.saxutils import escape, quoteattr

from .errors import InputError

if TYPE_CHECKING:
    from .funnel import Funnel

__all__ = ["render_funnel"]

SUFFIXES = (".svg", ".html", ".htm", ".png")

FOOTNOTE = (
    "Excluded in sequence: patients first excluded by this criterion, in trial order.",
    "Alone: patients this criterion excludes whatever the others say.",
    "Needs review: not excluded, but a criterion is unknown or needs a person.",
)

# Geometry in pixels. Bars start at BAR_X and are at most BAR_W wide (all patients screened);
# numbers sit in a right-hand column at COL_X, so no label can ever overlap a bar.
WIDTH = 900
MARGIN = 24
BAR_X = MARGIN
BAR_W = 576
COL_X = BAR_X + BAR_W + 16
BAR_H = 22
ROW_H = 56
ROWS_TOP = 118
LABEL_CHARS = 60
TITLE_CHARS = 110

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', sans-serif"

# Okabe-Ito palette (safe for the common colour-vision deficiencies); every colour also has a
# text label next to it, so colour is never the only cue.
BLUE = "#0072B2"  # patients still in
EXCLUDED = "#F0A87C"  # light vermillion: patients excluded at this step
GREEN = "#009E73"  # eligible
ORANGE = "#E69F00"  # needs review
PURPLE = "#CC79A7"  # error
TRACK = "#EEEEEE"
INK = "#1A1A1A"
MUTED = "#555555"
EXCLUDED_INK = "#A3470A"  # darker vermillion: readable as text on white

Anchor = Literal["start", "end"]


@dataclass(frozen=True)
class _Rect:
    """A filled rectangle; ``kind`` and ``criterion`` become SVG attributes so tests and readers can find bars."""

    x: float
    y: float
    w: float
    h: float
    fill: str
    kind: str
    criterion: str | None = None


@dataclass(frozen=True)
class _Text:
    """One line of text at a baseline; runs are (text, bold) pieces drawn one after the other."""

    x: float
    y: float
    runs: tuple[tuple[str, bool], ...]
    size: float = 13
    fill: str = INK
    anchor: Anchor = "start"

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.runs)


@dataclass
class _Layout:
    """Everything to draw, in pixels, plus the accessible name and description of the chart."""

    height: float
    title: str
    description: str
    rects: list[_Rect] = field(default_factory=list)
    texts: list[_Text] = field(default_factory=list)


def render_funnel(funnel: Funnel, path: Path) -> None:
    """Write the funnel chart to ``path``; the suffix (.svg, .html/.htm, .png) picks the format."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        shown = repr(path.suffix) if path.suffix else "no suffix"
        raise InputError(
            f"cannot write a funnel chart with {shown}; use one of {', '.join(SUFFIXES)}",
            location=str(path),
        )
    layout = _layout(funnel)
    if suffix == ".png":
        _write_png(layout, path)
    elif suffix == ".svg":
        _write_text(path, '<?xml version="1.0" encoding="UTF-8"?>\n' + _svg(layout))
    else:
        _write_text(path, _html(funnel, layout))


# --- numbers and text --------------------------------------------------------------------------


def _count(n: int) -> str:
    """Thousands separators: cohorts from a health record can run into tens of thousands."""
    return f"{n:,}"


def _pct(n: int, total: int) -> str:
    """Percentage of ``total`` to one decimal, or "" when nothing was screened (no 0/0)."""
    return f"{100 * n / total:.1f}%" if total > 0 else ""


def _with_pct(n: int, total: int, word: str = "") -> str:
    """Count, optional word, then the share of screened, e.g. '235 remaining (78.3%)'; no share of 0."""
    pct = _pct(n, total)
    text = f"{_count(n)} {word}" if word else _count(n)
    return f"{text} ({pct})" if pct else text


def _shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """Fit a criterion on one line: cut at a word boundary near ``limit`` and mark the cut with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—(") + "…"


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of drawn width in pixels (DejaVu Sans, the widest usual fallback font).

    Neither SVG nor this module can measure text, so labels are sized against this estimate to keep
    a line of capitals or digits from running into the numbers column.
    """
    em = 0.0
    for ch in text:
        if ch in " .,:;'|!il":
            em += 0.32
        elif ch in "ftrjI()[]-/":
            em += 0.42
        elif ch in "mwMW%":
            em += 0.95
        elif ch.isupper():
            em += 0.75
        else:
            em += 0.6
    return em * size * (1.1 if bold else 1.0)


def _fit(text: str, room: float, size: float, limit: int = LABEL_CHARS) -> str:
    """Shorten ``text`` to about ``limit`` characters, and further while it would not fit in ``room`` pixels."""
    shown = _shorten(text, limit)
    while limit > 10 and _text_width(shown, size) > room:
        limit -= 3
        shown = _shorten(text, limit)
    return shown


def _heading(funnel: Funnel) -> str:
    parts = ["Screening funnel", funnel.trial]
    if funnel.cohort:
        parts.append(f"cohort {funnel.cohort}")
    return " · ".join(parts)


def _summary(funnel: Funnel) -> str:
    parts = [
        f"{_count(funnel.screened)} screened",
        f"{_count(funnel.ineligible)} ineligible",
        f"{_count(funnel.eligible)} eligible",
        f"{_count(funnel.needs_review)} needs review",
    ]
    if funnel.errors:
        parts.append(f"{_count(funnel.errors)} error" + ("s" if funnel.errors != 1 else ""))
    return " · ".join(parts)


# --- layout ------------------------------------------------------------------------------------


def _layout(funnel: Funnel) -> _Layout:
    """Place every bar and label; widths are proportional to patients, on one scale for all rows."""
    screened = max(funnel.screened, 0)
    scale = BAR_W / screened if screened > 0 else 0.0

    def width(n: int) -> float:
        return min(max(n, 0) * scale, BAR_W)

    heading = _heading(funnel)
    summary = _summary(funnel)
    layout = _Layout(height=0, title=heading, description=f"{funnel.title}. {summary}.")
    rects, texts = layout.rects, layout.texts

    texts.append(_Text(MARGIN, 34, ((heading, True),), size=18))
    if funnel.title:
        texts.append(_Text(MARGIN, 56, ((_fit(funnel.title, WIDTH - 2 * MARGIN, 13, TITLE_CHARS), False),), fill=MUTED))
    texts.append(_Text(MARGIN, 78, ((summary, False),), fill=MUTED))
    # Legend for the two colours of a step bar.
    rects.append(_Rect(MARGIN, 90, 12, 12, BLUE, "legend"))
    texts.append(_Text(MARGIN + 18, 101, (("Remaining after the criterion", False),), size=12))
    rects.append(_Rect(MARGIN + 220, 90, 12, 12, EXCLUDED, "legend"))
    texts.append(_Text(MARGIN + 238, 101, (("Excluded at this step (in sequence)", False),), size=12))

    y = float(ROWS_TOP)

    def bar_row(label: tuple[tuple[str, bool], ...], note: str | None, figure: str) -> float:
        """Label line (with the exclusion note on the right), then the bar line; returns the bar's top."""
        texts.append(_Text(BAR_X, y + 14, label))
        if note:
            texts.append(_Text(COL_X, y + 14, ((note, False),), fill=EXCLUDED_INK))
        top = y + 20
        rects.append(_Rect(BAR_X, top, BAR_W, BAR_H, TRACK, "track"))
        texts.append(_Text(COL_X, top + 16, ((figure, True),)))
        return top

    top = bar_row((("Screened", True),), None, f"{_count(funnel.screened)} screened")
    rects.append(_Rect(BAR_X, top, width(screened), BAR_H, BLUE, "screened"))
    y += ROW_H

    if not funnel.steps:
        texts.append(_Text(BAR_X, y + 14, (("No criterion excluded any patient.", False),), fill=MUTED))
        y += 30
    for step in funnel.steps:
        room = COL_X - 12 - BAR_X - _text_width(step.criterion + "  ", 13, bold=True)
        label = ((step.criterion, True), ("  " + _fit(step.text, room, 13), False))
        note = f"−{_count(step.excluded_in_sequence)} excluded ({_count(step.excluded_alone)} alone)"
        figure = _with_pct(step.remaining, screened, "remaining")
        top = bar_row(label, note, figure)
        kept = width(step.remaining)
        before = width(step.remaining + step.excluded_in_sequence)
        rects.append(_Rect(BAR_X, top, kept, BAR_H, BLUE, "remaining", step.criterion))
        rects.append(_Rect(BAR_X + kept, top, max(before - kept, 0.0), BAR_H, EXCLUDED, "excluded", step.criterion))
        y += ROW_H

    outcomes = [
        ("Eligible", funnel.eligible, GREEN, "eligible"),
        ("Needs review", funnel.needs_review, ORANGE, "review"),
    ]
    if funnel.errors:
        outcomes.append(("Error", funnel.errors, PURPLE, "error"))
    kept_total = sum(n for _, n, _, _ in outcomes)
    top = bar_row(
        (("Not excluded", True), ("  split by verdict", False)),
        None,
        _with_pct(kept_total, screened, "not excluded"),
    )
    x = float(BAR_X)
    for _name, n, colour, kind in outcomes:
        w = min(width(n), BAR_X + BAR_W - x)
        rects.append(_Rect(x, top, w, BAR_H, colour, kind))
        x += w
    legend_y = top + BAR_H + 20
    lx = float(BAR_X)
    for name, n, colour, _kind in outcomes:
        entry = f"{name} {_with_pct(n, screened)}"
        rects.append(_Rect(lx, legend_y - 11, 12, 12, colour, "legend"))
        texts.append(_Text(lx + 18, legend_y, ((entry, False),)))
        lx += 18 + max(_text_width(entry, 13), 150) + 28
    y = legend_y + 30

    for line in FOOTNOTE:
        texts.append(_Text(MARGIN, y, ((line, False),), size=12, fill=MUTED))
        y += 18
    layout.height = y + 8
    return layout


# --- SVG and HTML ------------------------------------------------------------------------------


def _n(x: float) -> str:
    """Short coordinates: 520 rather than 520.0000000001."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _svg(layout: _Layout) -> str:
    """The chart as an SVG element (no XML declaration, so the HTML page can inline it)."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{_n(layout.height)}" '
        f'viewBox="0 0 {WIDTH} {_n(layout.height)}" role="img" aria-labelledby="funnel-title funnel-desc" '
        f"font-family={quoteattr(FONT)}>",
        f'<title id="funnel-title">{escape(layout.title)}</title>',
        f'<desc id="funnel-desc">{escape(layout.description)}</desc>',
        f'<rect width="{WIDTH}" height="{_n(layout.height)}" fill="#FFFFFF"/>',
    ]
    for r in layout.rects:
        crit = f" data-criterion={quoteattr(r.criterion)}" if r.criterion else ""
        out.append(
            f'<rect class="{r.kind}"{crit} x="{_n(r.x)}" y="{_n(r.y)}" width="{_n(r.w)}" '
            f'height="{_n(r.h)}" fill="{r.fill}"/>'
        )
    for t in layout.texts:
        runs = "".join(f'<tspan font-weight="bold">{escape(s)}</tspan>' if bold else escape(s) for s, bold in t.runs)
        anchor = ' text-anchor="end"' if t.anchor == "end" else ""
        out.append(
            f'<text x="{_n(t.x)}" y="{_n(t.y)}" font-size="{_n(t.size)}" fill="{t.fill}"{anchor} '
            f'xml:space="preserve">{runs}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _html(funnel: Funnel, layout: _Layout) -> str:
    """A self-contained page: the inline chart, then the same numbers as a table for screen readers."""
    e = html.escape
    total = funnel.screened
    rows = [
        '<tr><th scope="row">Screened</th><td>All rows of the cohort file</td>'
        f'<td class="num">—</td><td class="num">—</td><td class="num">{_with_pct(total, total)}</td></tr>'
    ]
    for s in funnel.steps:
        rows.append(
            f'<tr><th scope="row">{e(s.criterion)}</th><td>{e(s.text)}</td>'
            f'<td class="num">{_with_pct(s.excluded_alone, total)}</td>'
            f'<td class="num">{_with_pct(s.excluded_in_sequence, total)}</td>'
            f'<td class="num">{_with_pct(s.remaining, total)}</td></tr>'
        )
    verdicts = [
        ("Eligible", funnel.eligible),
        ("Needs review", funnel.needs_review),
        ("Ineligible", funnel.ineligible),
        ("Error", funnel.errors),
        ("Screened", funnel.screened),
    ]
    verdict_rows = [
        f'<tr><th scope="row">{name}</th><td class="num">{_with_pct(n, total)}</td></tr>' for name, n in verdicts
    ]
    cohort = f", cohort {e(funnel.cohort)}" if funnel.cohort else ""
    steps_note = "" if funnel.steps else "<p>No criterion excluded any patient.</p>\n"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(layout.title)}</title>
<style>
body {{ font-family: {FONT}; color: {INK}; margin: 2rem auto; max-width: 960px; padding: 0 1rem; line-height: 1.4; }}
h1 {{ font-size: 1.4rem; margin-bottom: 0.2rem; }}
.sub {{ color: {MUTED}; margin-top: 0; }}
figure {{ margin: 1rem 0; }}
svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; margin: 1rem 0 2rem; }}
caption {{ text-align: left; font-weight: bold; padding-bottom: 0.4rem; }}
th, td {{ border-bottom: 1px solid #DDDDDD; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }}
thead th {{ border-bottom: 2px solid #999999; }}
td.num {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
.note {{ color: {MUTED}; font-size: 0.9rem; }}
</style>
</head>
<body>
<h1>Screening funnel: {e(funnel.trial)}{cohort}</h1>
<p class="sub">{e(funnel.title)}</p>
<figure>
{_svg(layout)}</figure>
<table>
<caption>Attrition by criterion, in trial order (percentages of the {_count(total)} patients screened)</caption>
<thead><tr><th scope="col">Criterion</th><th scope="col">Text</th><th scope="col">Excluded alone</th>
<th scope="col">Excluded in sequence</th><th scope="col">Remaining</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
{steps_note}<table>
<caption>Verdicts</caption>
<thead><tr><th scope="col">Verdict</th><th scope="col">Patients</th></tr></thead>
<tbody>
{chr(10).join(verdict_rows)}
</tbody>
</table>
<p class="note">{"<br>".join(e(line) for line in FOOTNOTE)}</p>
</body>
</html>
"""


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the funnel chart: {exc.strerror or exc}", location=str(path)) from exc


# --- PNG ---------------------------------------------------------------------------------------


def _write_png(layout: _Layout, path: Path) -> None:
    """Draw the same layout with matplotlib: one figure pixel per layout pixel, saved at 2x for print."""
    try:
        import matplotlib
    except ImportError as exc:
        raise InputError(
            "cannot write the funnel chart: PNG needs matplotlib: pip install matplotlib, or use .svg or .html",
            location=str(path),
        ) from exc
    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text

    dpi = 100  # layout pixels per figure inch; font sizes go from px to points with 72 / dpi
    fig = Figure(figsize=(WIDTH / dpi, layout.height / dpi), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(layout.height, 0)  # y grows downwards, as in SVG
    ax.set_axis_off()
    for r in layout.rects:
        if r.w > 0:
            ax.add_patch(Rectangle((r.x, r.y), r.w, r.h, facecolor=r.fill, edgecolor="none", linewidth=0))
    for t in layout.texts:
        points = t.size * 72 / dpi
        if t.anchor == "end":
            ax.text(t.x, t.y, t.plain, fontsize=points, color=t.fill, ha="right", va="baseline", parse_math=False)
            continue
        previous: Text | None = None
        for s, bold in t.runs:
            weight = "bold" if bold else "normal"
            if previous is None:
                previous = ax.text(
                    t.x, t.y, s, fontsize=points, color=t.fill, fontweight=weight, va="baseline", parse_math=False
                )
            else:
                # Continue the line right after the previous run, on the same baseline.
                previous = ax.annotate(
                    s,
                    xy=(1, 0),
                    xycoords=previous,
                    fontsize=points,
                    color=t.fill,
                    fontweight=weight,
                    ha="left",
                    va="bottom",
                    parse_math=False,
                )
    try:
        fig.savefig(path, format="png", dpi=2 * dpi, facecolor="white", metadata={"Title": layout.title})
    except OSError as exc:
        raise InputError(f"cannot write the funnel chart: {exc.strerror or exc}", location=str(path)) from exc
