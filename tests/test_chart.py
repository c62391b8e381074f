"""The funnel chart (screening.chart.render_funnel) in SVG, HTML and PNG.

Hand-worked funnel used below (``_funnel``): 300 patients screened.

* inclusion.5 excludes 52 patients alone; taken first, it excludes 40: 300 - 40 = 260 remain.
* exclusion.4 (text with ``<`` and ``&``) excludes 31 alone; 25 of them were still in: 260 - 25 = 235.
* The 235 not excluded split into 120 eligible + 100 needs review + 15 error = 235;
  ineligible = 40 + 25 = 65, and 235 + 65 = 300.
* Percentages of screened: 40/300 = 13.33...% -> "13.3%"; 52/300 = 17.33...% -> "17.3%";
  260/300 = 86.66...% -> "86.7%"; 235/300 = 78.33...% -> "78.3%"; 25/300 = 8.33...% -> "8.3%".
* Bar widths are proportional to patients on one scale, so remaining bars relate as
  260/300 (step 1 vs screened) and 235/260 (step 2 vs step 1).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from screening.chart import render_funnel
from screening.errors import InputError

try:
    from screening.funnel import Funnel, FunnelStep
except ImportError:  # until screening/funnel.py lands: the same frozen dataclasses, copied from the brief

    @dataclass(frozen=True)
    class FunnelStep:  # type: ignore[no-redef]
        criterion: str
        text: str
        excluded_alone: int
        excluded_in_sequence: int
        remaining: int

    @dataclass(frozen=True)
    class Funnel:  # type: ignore[no-redef]
        trial: str
        cohort: str | None
        title: str
        screened: int
        eligible: int
        ineligible: int
        needs_review: int
        errors: int
        steps: tuple[FunnelStep, ...]


SVG_NS = "{http://www.w3.org/2000/svg}"
TRICKY = "Platelets < 100 × 10^9/L & hemoglobin ≥ 90 g/L"


def _funnel(**changes: Any) -> Funnel:
    base = Funnel(
        trial="NCT03944499",
        cohort="A",
        title="A Phase 2 Study of Something <Important> & Useful",
        screened=300,
        eligible=120,
        ineligible=65,
        needs_review=100,
        errors=15,
        steps=(
            FunnelStep("inclusion.5", "Absolute neutrophil count ≥ 1.5 × 10^9/L", 52, 40, 260),
            FunnelStep("exclusion.4", TRICKY, 31, 25, 235),
        ),
    )
    return replace(base, **changes)


def _svg(tmp_path: Path, funnel: Funnel, name: str = "funnel.svg") -> tuple[str, ET.Element]:
    path = tmp_path / name
    render_funnel(funnel, path)
    text = path.read_text(encoding="utf-8")
    return text, ET.fromstring(text.encode("utf-8"))


def _all_text(root: ET.Element) -> str:
    return "\n".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))


def _bar(root: ET.Element, kind: str, criterion: str | None = None) -> float:
    for rect in root.iter(f"{SVG_NS}rect"):
        if rect.get("class") == kind and rect.get("data-criterion") == criterion:
            return float(rect.attrib["width"])
    raise AssertionError(f"no {kind} bar for {criterion}")


def test_svg_is_well_formed_and_escapes_criterion_text(tmp_path: Path) -> None:
    raw, root = _svg(tmp_path, _funnel())
    assert root.tag == f"{SVG_NS}svg"
    # The raw file carries the escaped form; the parsed text gives back the original characters.
    assert "Platelets &lt; 100 × 10^9/L &amp; hemoglobin ≥ 90 g/L" in raw
    assert "<Important>" not in raw and "&lt;Important&gt;" in raw
    text = _all_text(root)
    assert TRICKY in text
    assert "NCT03944499" in text and "cohort A" in text


def test_svg_shows_the_numbers(tmp_path: Path) -> None:
    _, root = _svg(tmp_path, _funnel())
    text = _all_text(root)
    assert "300 screened" in text
    # 300 - 40 = 260 remain after inclusion.5; 260 - 25 = 235 after exclusion.4.
    assert "260 remaining (86.7%)" in text
    assert "235 remaining (78.3%)" in text
    assert "−40 excluded (52 alone)" in text
    assert "−25 excluded (31 alone)" in text
    # 120 + 100 + 15 = 235 not excluded; 120/300 = 40.0%, 100/300 = 33.3%, 15/300 = 5.0%.
    assert "235 not excluded (78.3%)" in text
    assert "Eligible 120 (40.0%)" in text
    assert "Needs review 100 (33.3%)" in text
    assert "Error 15 (5.0%)" in text
    assert "Needs review: not excluded, but a criterion is unknown or needs a person." in text
    assert "Alone: patients this criterion excludes whatever the others say." in text


def test_svg_bar_widths_are_proportional(tmp_path: Path) -> None:
    _, root = _svg(tmp_path, _funnel())
    screened = _bar(root, "screened")
    first = _bar(root, "remaining", "inclusion.5")
    second = _bar(root, "remaining", "exclusion.4")
    assert first / screened == pytest.approx(260 / 300, abs=1e-3)
    assert second / first == pytest.approx(235 / 260, abs=1e-3)
    # The excluded part of a step spans the patients it removed: 40 and 25 of 300.
    assert _bar(root, "excluded", "inclusion.5") / screened == pytest.approx(40 / 300, abs=1e-3)
    assert _bar(root, "excluded", "exclusion.4") / screened == pytest.approx(25 / 300, abs=1e-3)
    # The outcome bar splits the 235 into 120 / 100 / 15 on the same scale.
    assert _bar(root, "eligible") / screened == pytest.approx(120 / 300, abs=1e-3)
    assert _bar(root, "review") / screened == pytest.approx(100 / 300, abs=1e-3)
    assert _bar(root, "error") / screened == pytest.approx(15 / 300, abs=1e-3)


def test_svg_height_grows_with_steps(tmp_path: Path) -> None:
    _, two = _svg(tmp_path, _funnel(), "two.svg")
    many = tuple(FunnelStep(f"inclusion.{i}", f"criterion {i}", 1, 1, 300 - i) for i in range(1, 9))
    _, eight = _svg(tmp_path, _funnel(steps=many), "eight.svg")
    assert float(eight.attrib["height"]) > float(two.attrib["height"])


def test_long_criterion_text_is_shortened_in_the_chart(tmp_path: Path) -> None:
    long_text = "Adequate organ function " + "and more conditions " * 10
    steps = (FunnelStep("inclusion.1", long_text, 5, 5, 295),)
    _, root = _svg(tmp_path, _funnel(steps=steps, eligible=180, needs_review=100, errors=15, ineligible=5))
    labels = [t for t in (("".join(e.itertext())) for e in root.iter(f"{SVG_NS}text")) if "inclusion.1" in t]
    assert len(labels) == 1
    label = labels[0]
    assert label.endswith("…")
    assert len(label) - len("inclusion.1  ") <= 61  # about 60 characters plus the ellipsis


def test_zero_screened_and_no_steps_do_not_crash(tmp_path: Path) -> None:
    empty = _funnel(screened=0, eligible=0, ineligible=0, needs_review=0, errors=0, steps=(), cohort=None)
    _, root = _svg(tmp_path, empty)
    assert "0 screened" in _all_text(root)
    assert "No criterion excluded any patient." in _all_text(root)
    assert _bar(root, "screened") == 0
    render_funnel(empty, tmp_path / "empty.html")
    page = (tmp_path / "empty.html").read_text(encoding="utf-8")
    assert "<table" in page and "%" not in page.split("<table", 1)[1].split("</table>", 1)[0]


def test_html_is_self_contained_with_table_and_percentages(tmp_path: Path) -> None:
    path = tmp_path / "funnel.HTML"  # suffixes are case-insensitive
    render_funnel(_funnel(), path)
    page = path.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page
    assert "<title>" in page and "NCT03944499" in page
    assert "<svg" in page and "<table" in page
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    # Full criterion text, escaped, in the table.
    assert "<td>Platelets &lt; 100 × 10^9/L &amp; hemoglobin ≥ 90 g/L</td>" in page
    # inclusion.5: alone 52/300 = 17.3%, in sequence 40/300 = 13.3%, remaining 260/300 = 86.7%.
    assert '<td class="num">52 (17.3%)</td><td class="num">40 (13.3%)</td><td class="num">260 (86.7%)</td>' in page
    # exclusion.4: alone 31/300 = 10.3%, in sequence 25/300 = 8.3%, remaining 235/300 = 78.3%.
    assert '<td class="num">31 (10.3%)</td><td class="num">25 (8.3%)</td><td class="num">235 (78.3%)</td>' in page
    # The table's rows parse as well-formed markup once the void <meta> tags are set aside.
    table = page[page.index("<table") : page.index("</table>") + len("</table>")]
    ET.fromstring(table)


def test_htm_suffix_is_html(tmp_path: Path) -> None:
    render_funnel(_funnel(), tmp_path / "funnel.htm")
    assert (tmp_path / "funnel.htm").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("name", ["funnel.pdf", "funnel.txt", "funnel"])
def test_bad_suffix_raises_input_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with pytest.raises(InputError) as info:
        render_funnel(_funnel(), path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    for suffix in (".svg", ".html", ".htm", ".png"):
        assert suffix in message
    assert not path.exists()


def test_unwritable_path_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "no-such-dir" / "funnel.svg"
    with pytest.raises(InputError, match="no-such-dir"):
        render_funnel(_funnel(), path)


def test_png_without_matplotlib_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` raise ImportError
    with pytest.raises(InputError, match=r"PNG needs matplotlib: pip install matplotlib, or use \.svg or \.html"):
        render_funnel(_funnel(), tmp_path / "funnel.png")


def test_png_is_written(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "funnel.PNG"
    render_funnel(_funnel(), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_png_zero_screened_and_dollar_text(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    # "$" must not switch matplotlib into mathtext (an unbalanced "$" would raise).
    steps = (FunnelStep("inclusion.1", "Income < $20,000 per year", 0, 0, 0),)
    empty = _funnel(screened=0, eligible=0, ineligible=0, needs_review=0, errors=0, steps=steps)
    path = tmp_path / "empty.png"
    render_funnel(empty, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
