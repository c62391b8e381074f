"""Kleene three-valued logic: exhaustive truth tables and laws."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from screening.logic import Truth, all_of, and_, any_of, not_, or_

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

# Kleene's strong tables, written out by hand (row = a, column = b, order T, F, U).
AND_TABLE = {
    (T, T): T, (T, F): F, (T, U): U,
    (F, T): F, (F, F): F, (F, U): F,
    (U, T): U, (U, F): F, (U, U): U,
}
OR_TABLE = {
    (T, T): T, (T, F): T, (T, U): T,
    (F, T): T, (F, F): F, (F, U): U,
    (U, T): T, (U, F): U, (U, U): U,
}


def test_and_table() -> None:
    for (a, b), want in AND_TABLE.items():
        assert and_(a, b) is want, (a, b)


def test_or_table() -> None:
    for (a, b), want in OR_TABLE.items():
        assert or_(a, b) is want, (a, b)


def test_not_table() -> None:
    assert not_(T) is F and not_(F) is T and not_(U) is U


def test_empty_folds() -> None:
    assert all_of([]) is T
    assert any_of([]) is F


truths = st.sampled_from([T, F, U])


@given(st.lists(truths, max_size=6))
def test_folds_agree_with_binary(values: list[Truth]) -> None:
    acc_and, acc_or = T, F
    for v in values:
        acc_and, acc_or = and_(acc_and, v), or_(acc_or, v)
    assert all_of(values) is acc_and
    assert any_of(values) is acc_or


@given(truths, truths)
def test_de_morgan(a: Truth, b: Truth) -> None:
    assert not_(and_(a, b)) is or_(not_(a), not_(b))


ORDER = {F: 0, U: 1, T: 2}


def test_monotone_in_knowledge() -> None:
    """Replacing an UNKNOWN input by a known value never flips a known result."""
    for a, b in itertools.product([T, F, U], repeat=2):
        for f in (and_, or_):
            r = f(a, b)
            if r is U:
                continue
            for a2 in ([T, F] if a is U else [a]):
                for b2 in ([T, F] if b is U else [b]):
                    assert f(a2, b2) is r


@given(st.sampled_from([">", ">=", "<", "<="]), st.floats(0, 1000, allow_nan=False),
       st.floats(0, 1000, allow_nan=False), st.floats(0, 1000, allow_nan=False))
def test_what_a_value_after_supportive_care_still_shows_holds_for_any_lower_own_value(
        op: str, threshold: float, measured: float, raised_by: float) -> None:
    # Supportive care only raises the lab it supports: the patient's own value is the measured one
    # minus what the care added (never negative). Whatever the check keeps after care must be the
    # truth for that own value too.
    from screening.evaluate import _compare
    from screening.nodes import NumericCheck, Span

    check = NumericCheck(span=Span(0, 1), text="", concept="platelets", op=op,  # type: ignore[arg-type]
                         threshold=threshold, unit="10^9/L")
    kept = check.kept_under_support(("platelets",))
    assert kept is not None  # a floor or a ceiling on the supported lab keeps one side
    on_measured = _compare(measured, op, threshold, None, None)
    if on_measured is (Truth.TRUE if kept else Truth.FALSE):
        own = max(0.0, measured - raised_by)
        assert _compare(own, op, threshold, None, None) is on_measured
    # on a lab the care does not support, nothing is kept
    assert check.kept_under_support(("anc",)) is None
