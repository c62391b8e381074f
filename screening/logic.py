"""Three-valued (Kleene) logic, the only place truth values are combined.

Missing or stale data is UNKNOWN, never FALSE: a criterion can only fail on evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Truth(Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    def __invert__(self) -> Truth:
        return not_(self)


def not_(a: Truth) -> Truth:
    if a is Truth.TRUE:
        return Truth.FALSE
    if a is Truth.FALSE:
        return Truth.TRUE
    return Truth.UNKNOWN


def and_(a: Truth, b: Truth) -> Truth:
    if a is Truth.FALSE or b is Truth.FALSE:
        return Truth.FALSE
    if a is Truth.TRUE and b is Truth.TRUE:
        return Truth.TRUE
    return Truth.UNKNOWN


def or_(a: Truth, b: Truth) -> Truth:
    if a is Truth.TRUE or b is Truth.TRUE:
        return Truth.TRUE
    if a is Truth.FALSE and b is Truth.FALSE:
        return Truth.FALSE
    return Truth.UNKNOWN


def all_of(values: Iterable[Truth]) -> Truth:
    """Kleene AND over any number of values; the empty conjunction is TRUE."""
    result = Truth.TRUE
    for v in values:
        if v is Truth.FALSE:
            return Truth.FALSE
        if v is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


def any_of(values: Iterable[Truth]) -> Truth:
    """Kleene OR over any number of values; the empty disjunction is FALSE."""
    result = Truth.FALSE
    for v in values:
        if v is Truth.TRUE:
            return Truth.TRUE
        if v is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


def from_bool(value: bool | None) -> Truth:
    if value is None:
        return Truth.UNKNOWN
    return Truth.TRUE if value else Truth.FALSE
