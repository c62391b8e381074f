"""Compile a trial file: segment the criteria text, parse and resolve every item.

The result (``CompiledTrial``) is what screening needs, nothing more: every item of the trial with
its predicate in canonical units, its cohort and its source span. It is compiled once per trial
and reused for every patient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .nodes import (
    OP_TEXT,
    AllOf,
    AnyOf,
    CategoryCheck,
    NeedsReview,
    Not,
    NumericCheck,
    Predicate,
    PresenceCheck,
    Span,
    leaves,
)
if TYPE_CHECKING:
    from .rules import TrialFile
    from .segment import Item


@dataclass(frozen=True, slots=True)
class Cohort:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Settings:
    max_lab_age_days: int = 28
    cockcroft_gault_weight: str = "actual"


@dataclass(frozen=True, slots=True, kw_only=True)
class CompiledCriterion:
    id: str
    section: Literal["inclusion", "exclusion"]
    number: str | None
    cohorts: tuple[str, ...]
    text: str
    span: Span
    predicate: Predicate | None
    parent: str | None
    children: tuple[str, ...]
    combine: Literal["all", "any"]
    polarity: Literal["require", "exclude"] = "require"  # exclude: passes when its condition is false
    children_decide: bool = True  # False: a list whose introduction is not understood
    restated: str | None = None
    restated_reason: str | None = None
    understood_as: str = ""  # the predicate in canonical language, rendered once at compile time


@dataclass(frozen=True, slots=True, kw_only=True)
class CompiledTrial:
    nct_id: str
    title: str
    cohorts: tuple[Cohort, ...]
    settings: Settings
    criteria: tuple[CompiledCriterion, ...]
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def canonical(p: Predicate) -> str:
    """The predicate in the grammar's canonical language, for reading and for restatements."""
    if isinstance(p, NumericCheck):
        if p.limit:
            for_age = " for age" if p.for_age else ""
            return f"{p.concept} {OP_TEXT[p.op]} {p.threshold:g} × {p.limit.upper()}{for_age}" + _extras(p)
        unit = "" if p.unit in (None, "1") else p.unit  # a ratio (INR) has no unit to show
        if p.upper is not None:
            return f"{p.concept} {p.threshold:g} to {p.upper:g} {unit}".rstrip() + _extras(p)
        return f"{p.concept} {OP_TEXT[p.op]} {p.threshold:.6g} {unit}".rstrip() + _extras(p)
    if isinstance(p, CategoryCheck):
        recent = f" obtained within {p.within_days:g} days prior to screening" if p.within_days is not None else ""
        return f"{p.concept} in ({', '.join(p.allowed)}){recent}"
    if isinstance(p, PresenceCheck):
        s = f"has {'other ' if p.other else ''}{p.concept}" + (f" ({p.qualifier})" if p.qualifier else "")
        if p.member:
            s += f" [{p.member} only]"
        if p.within_days is not None:
            s += f" {p.window_text}" if p.window_text else f" within {p.within_days:g} days"
        if p.excluding:
            s += " except (" + ", ".join(p.excluding) + ")"
        return s
    if isinstance(p, NeedsReview):
        return f"[needs review: \"{p.text}\" — {p.reason}]"
    if isinstance(p, AllOf):
        return "(" + " and ".join(canonical(c) for c in p.children) + ")"
    if isinstance(p, AnyOf):
        return "(" + " or ".join(canonical(c) for c in p.children) + ")"
    if isinstance(p, Not):
        if isinstance(p.child, Not):  # "not (not has X)" from a bound for those without X
            return canonical(p.child.child)
        return f"not {canonical(p.child)}"
    raise AssertionError(type(p).__name__)


def _extras(p: NumericCheck) -> str:
    s = ""
    for e in p.exposures:
        s += f" without {e.concept} within {e.days:g} days"
    if p.method:
        s += f" by {p.method}"
    if p.within_days is not None:
        s += f" obtained within {p.within_days:g} days prior to screening"
    return s


def compile_trial(source: str | Path | TrialFile, *, use_cache: bool = True) -> CompiledTrial:
    """Compile a trial file. The result is cached on disk, keyed by the file's bytes and the
    package's code, so screening a patient from the command line need not rebuild the grammar
    or load pint (the unit factors the trial needed are cached with it)."""
    import hashlib

    from .cache import code_stamp, load_pickle, save_pickle
    from .units import factor_cache_snapshot, preload_factor_cache

    if isinstance(source, (str, Path)):
        try:  # the cache is looked up on the file's bytes, before the slower validation
            digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
        except OSError:
            digest = ""  # load_trial_file below reports the problem
    else:
        digest = source.sha256  # "" for a model built in memory: never cached
    use_cache = use_cache and bool(digest)
    name = f"trial-{digest[:24]}-{code_stamp()}.pickle" if use_cache else ""
    if use_cache:
        cached = load_pickle(name)
        if isinstance(cached, tuple) and len(cached) == 2 and isinstance(cached[0], CompiledTrial):
            preload_factor_cache(cached[1])
            return cached[0]
    if isinstance(source, (str, Path)):
        from .rules import load_trial_file

        trial = load_trial_file(source)
    else:
        trial = source
    compiled = _compile(trial)
    if use_cache:
        save_pickle(name, (compiled, factor_cache_snapshot()))
    return compiled


def _compile(trial: TrialFile) -> CompiledTrial:
    # imported here: a cached trial needs neither the segmenter nor the parser (nor lark)
    import dataclasses

    from .notes import is_plain_lead_in
    from .segment import ends_with_or, iter_items, segment, trailing_links, without_trailing_link
    headings = {c.id: list(c.headings) for c in trial.cohorts}
    children_mode = {c.id: c.children for c in trial.cohorts if c.children}
    items = segment(trial.criteria, cohort_headings=headings, cohort_children=children_mode)
    restatements = {r.id: r for r in trial.restatements}
    criteria: list[CompiledCriterion] = []
    parents: dict[str, str] = {}
    link_to_next: dict[str, str] = {}  # item id -> the "or"/"and" that ends it and the list's items
    for item in iter_items(items):
        for child in item.children:
            parents[child.id] = item.id
        links = trailing_links(item.children)
        if links in ("or", "and"):
            link_to_next.update((c.id, links) for c in item.children[:-1] if without_trailing_link(c.text) != c.text)
        elif links == "mixed":
            # "ALP ≤ 2.5 × ULN; or" among items that do not end so: how the list combines is the
            # introduction's review; each item still reads without the word that joins it
            link_to_next.update((c.id, "item") for c in item.children[:-1]
                                if ends_with_or(c.text) and without_trailing_link(c.text).strip())
    # "- ECOG 0-2 OR" / "- Karnofsky 50-100%" among top-level items: the two are alternatives. Only
    # before the list's last item, so that a serial "or" over the whole list cannot be meant.
    paired: dict[str, str] = {}
    for a, b, after in zip(items, items[1:], items[2:], strict=False):
        if a.section == b.section == after.section and a.cohorts == b.cohorts and not (a.children or b.children) \
                and ends_with_or(a.text) and without_trailing_link(a.text).strip() \
                and a.id not in restatements and b.id not in restatements:
            paired[a.id] = b.id
            link_to_next[a.id] = "item"
    by_id = {i.id: i for i in iter_items(items)}
    polarity: dict[str, str] = {}
    measured: dict[str, str] = {}  # heading id -> the measurement it names ("Life expectancy:")
    recent: dict[str, float] = {}  # list id -> "Laboratory values within 14 days prior to registration:"
    orphan_intro: dict[tuple[str, str | None], str] = {}  # (section, parent) -> an open list introduction
    for item in iter_items(items):
        parent = parents.get(item.id)
        named = _measurement_heading(item)
        if named is not None:
            measured[item.id] = named
        days = recent.get(parent) if parent else None
        if item.children:
            own = _list_recency(item)
            if own is not None:
                days = own if days is None else min(days, own)
            if days is not None:
                recent[item.id] = days
        # exclusions exclude; "No history of any of the following:" flips the polarity of its
        # sub-items (and its own), so they pass when the listed conditions are absent
        base = polarity[parent] if parent else ("exclude" if item.section == "exclusion" else "require")
        if item.negated:
            base = "require" if base == "exclude" else "exclude"
        polarity[item.id] = base
        compiled = _compile_item(item, parent, restatements.get(item.id), base,
                                 heading=measured.get(parent) if parent else None,
                                 recency=recent.get(parent) if parent else None,
                                 joined_to_next=link_to_next.get(item.id) == "item" or parent is not None and (
                                     link_to_next.get(item.id) == "or"
                                     or (link_to_next.get(item.id) == "and"
                                         and says_and_is_plain(by_id[parent], polarity[parent]))))
        key = (item.section, parent)
        if item.text.rstrip().endswith(":") or item.children:
            # a list introduction with nothing nested under it ("no concurrent CYP3A4 inducers,
            # including the following:" and then the drugs at its own level): unless its words are
            # plain, the items after it may be its list, and read alone they could mean the opposite
            if item.children or not _ANNOUNCES_LIST.search(item.text) \
                    or is_plain_lead_in(item.text, negated=item.negated, exclusion=base == "exclude"):
                orphan_intro.pop(key, None)  # a label ("PRIOR CONCURRENT THERAPY:") or a plain one
            else:
                orphan_intro[key] = " ".join(item.text.split())
        elif key in orphan_intro and compiled.predicate is not None and restatements.get(item.id) is None:
            review = NeedsReview(span=item.span, text=" ".join(item.text.split()),
                                 reason=f"may belong to the list introduced by {orphan_intro[key]!r}, which "
                                        "is not nested under it")
            compiled = dataclasses.replace(compiled, predicate=review, understood_as=canonical(review))
        criteria.append(compiled)
    _join_paired_items(criteria, paired, trial.criteria)
    _join_alternatives_across_items(criteria, trial.criteria)
    criteria.extend(_registry_criteria(trial))
    unknown = set(restatements) - {c.id for c in criteria}
    notes = tuple(f"restatement for unknown criterion id {i!r} ignored" for i in sorted(unknown))
    return CompiledTrial(
        nct_id=trial.trial.nct_id, title=trial.trial.title,
        cohorts=tuple(Cohort(c.id, c.label) for c in trial.cohorts),
        settings=Settings(trial.settings.max_lab_age_days, trial.settings.cockcroft_gault_weight),
        criteria=tuple(criteria), source=trial.criteria, notes=notes)


def _join_paired_items(criteria: list[CompiledCriterion], paired: dict[str, str], source: str) -> None:
    """Items joined by a trailing "or" ("- ECOG 0-2 OR" / "- Karnofsky 50-100%"): among
    requirements each of them reads "A or B"; among exclusions each excludes anyway, as written."""
    import dataclasses

    at = {c.id: i for i, c in enumerate(criteria)}
    later = set(paired.values())
    for first in paired:
        if first in later:
            continue  # inside a chain that starts earlier
        group = [first]
        while group[-1] in paired:
            group.append(paired[group[-1]])
        members = [criteria[at[i]] for i in group]
        if members[0].polarity != "require" or any(m.predicate is None for m in members):
            continue
        preds = tuple(m.predicate for m in members if m.predicate is not None)
        span = Span(min(p.span.start for p in preds), max(p.span.end for p in preds))
        joined = AnyOf(span=span, text=source[span.start:span.end], children=preds)
        for m in members:
            criteria[at[m.id]] = dataclasses.replace(m, predicate=joined, understood_as=canonical(joined))


def _join_alternatives_across_items(criteria: list[CompiledCriterion], source: str) -> None:
    """"- AST ≤ 2.5 × ULN" then "- AST ≤ 5 × ULN for patients with liver metastases": a bound under a
    condition in an item of its own is an alternative to the nearest earlier sibling item that
    bounds the same labs (see ``widened_by_later_item``); that item is rewritten in place."""
    import dataclasses

    from .resolve import bounded_concepts, widened_by_later_item
    for i, later in enumerate(criteria):
        if later.predicate is None or later.restated is not None:
            continue
        for j in range(i - 1, -1, -1):
            earlier = criteria[j]
            if (earlier.section, earlier.parent, earlier.polarity, earlier.cohorts) != \
                    (later.section, later.parent, later.polarity, later.cohorts):
                continue
            if earlier.predicate is None or earlier.restated is not None:
                continue
            if not bounded_concepts(earlier.predicate) & _related_concepts(later.predicate):
                continue
            merged = widened_by_later_item(earlier.predicate, later.predicate, source)
            if merged is not None:
                criteria[j] = dataclasses.replace(earlier, predicate=merged, understood_as=canonical(merged))
            break  # only the nearest item on the same labs


def _related_concepts(p: Predicate) -> set[str]:
    """The labs ``p`` bounds, and those its conditions raise of themselves (vocabulary `raises`)."""
    from .resolve import bounded_concepts
    from .vocabulary import load_vocabulary
    vocab = load_vocabulary()
    raised = {lab for leaf in leaves(p) if isinstance(leaf, PresenceCheck) for lab in vocab.get(leaf.concept).raises}
    return bounded_concepts(p) | raised


# words that announce the items after them as a list ("… including the following:"), unlike a
# label ("Menopausal status:") whose items stand on their own
_ANNOUNCES_LIST = re.compile(r"\b(following|any\s+of|one\s+of|all\s+of|including|include[sd]?|defined|as\s+follows|"
                             r"below|such\s+as|these|either)\b", re.I)


def _registry_criteria(trial: TrialFile) -> list[CompiledCriterion]:
    """The registry's structured age limits, as a criterion of their own (they are not in the text)."""
    meta = trial.trial
    bounds = []
    if meta.minimum_age:
        bounds.append(f"age ≥ {meta.minimum_age.lower()}")
    if meta.maximum_age:
        bounds.append(f"age ≤ {meta.maximum_age.lower()}")
    if not bounds:
        return []
    text = " and ".join(bounds)
    from .resolve import resolve_item

    predicate = resolve_item(text, "inclusion")
    label = "Registry age limits: " + ", ".join(
        f"{k} {v}" for k, v in (("minimum", meta.minimum_age), ("maximum", meta.maximum_age)) if v)
    return [CompiledCriterion(
        id="registry.age", section="inclusion", number=None, cohorts=(), text=label,
        span=Span(0, 0), predicate=predicate, parent=None, children=(), combine="all",
        understood_as=canonical(predicate) if predicate is not None else "")]


def _measurement_heading(item: Item) -> str | None:
    """"Life expectancy:" over "At least 12 weeks": a heading that names only a measurement is
    the subject of the bare bounds under it. Any other heading is judged as a list introduction."""
    from .resolve import NUMERIC_KINDS, Resolver

    if not (item.is_heading and item.children):
        return None
    text = item.text.strip().rstrip(":").strip()
    concept = Resolver(text, item.section).concept_of(text) if text else None
    return text if concept is not None and concept.kind in NUMERIC_KINDS else None


def _list_recency(item: Item) -> float | None:
    """How recent the results (and events) listed under this item must be, if its introduction
    says."""
    from .resolve import list_recency

    lead_in = item.text if item.is_heading else re.split(r"(?<=[.;])\s+", item.text.strip())[-1]
    return list_recency(lead_in)


def says_and_is_plain(item: Item, polarity: str) -> bool:
    """Whether an "and" ending some of the list's items says nothing its combination does not."""
    from .segment import says_any
    return (polarity == "require" and item.combine == "all" and not item.negated) or says_any(item.text)


def _compile_item(item: Item, parent: str | None, restatement: Any, polarity: str, *,
                  heading: str | None = None, recency: float | None = None,
                  joined_to_next: bool = False) -> CompiledCriterion:
    """``joined_to_next``: the item ends with the "or" (or "and") that its list's combination
    already says, so it is read without it."""
    from .notes import is_plain_lead_in
    from .resolve import resolve_item, with_list_recency, without_list_recency
    from .segment import says_all, trailing_links, without_trailing_link

    combine = item.combine
    # "All of the following:" among exclusions: all needed to exclude, or each excluding? a person
    all_in_exclusion = polarity == "exclude" and bool(item.children) and says_all(item.text) and not item.negated
    if polarity == "exclude" and item.children and combine == "all" and not item.negated:
        # sub-items of an exclusion each name something that excludes
        combine = "any"
    # A list's introduction ("Adequate organ function as defined below:", or the last sentence
    # of a criterion that ends with ":") lets the sub-items decide only when its words are plain,
    # or when it opens a cohort's block; otherwise they may describe, condition or negate.
    children = tuple(c.id for c in item.children)
    lead_in = item.text if item.is_heading else re.split(r"(?<=[.;])\s+", item.text.strip())[-1]
    introduces = bool(children) and (item.is_heading or item.text.rstrip().endswith(":"))
    cohort_block = any(item.id == f"{item.section}.{c}" for c in item.cohorts)
    children_decide = not (introduces and restatement is None and not cohort_block
                           and _measurement_heading(item) is None
                           and not is_plain_lead_in(without_list_recency(lead_in), negated=item.negated,
                                                    exclusion=polarity == "exclude"))
    links = trailing_links(item.children)
    # "A; B; and C" binds each item in a list of requirements, and is only a list's last word
    # after "any of the following"; elsewhere (an exclusion) it may mean all are needed: a person
    mixed_links = links == "mixed" or (links == "and" and not says_and_is_plain(item, polarity))
    all_in_exclusion = all_in_exclusion and children_decide  # else its words are not understood anyway
    if mixed_links or all_in_exclusion:
        children_decide = False
    intro_reason = ("some items of this list end with 'or' and others do not: whether they are "
                    "alternatives or each required is for a person") if links == "mixed" \
        else ("an item of this list ends with 'and': whether all are needed to exclude, or each "
              "excludes, is for a person") if mixed_links \
        else ("an exclusion that names 'all' of its items: whether all are needed to exclude, or each "
              "excludes, is for a person") if all_in_exclusion \
        else "the introduction of this list is not understood"
    restated = reason = None
    predicate: Predicate | None
    if restatement is not None:
        predicate = resolve_item(restatement.text, item.section)
        restated, reason = restatement.text, restatement.reason
    elif item.is_heading and children and children_decide:
        predicate = None  # a plain lead-in ("... one of the following:"): the sub-items decide
    elif item.is_heading and children:
        predicate = NeedsReview(span=item.span, text=" ".join(item.text.split()), reason=intro_reason)
    elif item.is_heading and not any(ch.isalnum() for ch in item.text):
        predicate = None  # "-", "<!-- -->": nothing to read
    elif item.is_heading and item.text.rstrip().endswith(":") and not _ANNOUNCES_LIST.search(item.text) \
            and not re.search(r"\b(or|and|least)\b", item.text, re.I) \
            and is_plain_lead_in(item.text.rstrip()[:-1], exclusion=item.section == "exclusion"):
        # "PATIENT CHARACTERISTICS:", "Hepatic:" over items written at its own level (PDQ text
        # whose indentation was lost): a topic label, which the items after it state in full
        # ("One of the following:", "Or:" announce how the items combine: for a person)
        predicate = None
    elif item.is_heading:
        # a title with nothing under it ("Hepatic disease", "Module 5:"): it may be a criterion
        # or only a heading, which a person can tell at a glance
        predicate = NeedsReview(span=item.span, text=" ".join(item.text.split()),
                                reason="a heading without sub-items")
    else:
        text = without_trailing_link(item.text) if joined_to_next else item.text
        predicate = resolve_item(text, item.section, heading=heading)
        if predicate is not None and not children_decide:
            # "Childbearing potential; has a negative pregnancy test and agrees to one of the
            # following:": the introduction is dropped from the item's own text as a lead-in,
            # and its sub-items do not decide, so it is read by a person with the rest
            at = item.text.rfind(lead_in)
            intro = NeedsReview(span=Span(at, at + len(lead_in)), text=lead_in, reason=intro_reason)
            joined = AnyOf if polarity == "exclude" else AllOf
            both = Span(min(predicate.span.start, at), max(predicate.span.end, at + len(lead_in)))
            predicate = joined(span=both, text=item.text[both.start:both.end], children=(predicate, intro))
        if predicate is None and not children_decide and children:
            # a plain introduction over a list that a person must combine
            predicate = NeedsReview(span=item.span, text=" ".join(item.text.split()), reason=intro_reason)
        elif predicate is not None:
            predicate = _to_source(predicate, item)
        if predicate is not None and recency is not None:
            # under "Laboratory values within 14 days prior to registration:"
            predicate = with_list_recency(predicate, recency)
    if predicate is not None:
        understood = canonical(predicate)
    else:
        understood = f"{combine} of its sub-items" if children else ""
    return CompiledCriterion(
        id=item.id, section=item.section, number=item.number, cohorts=tuple(item.cohorts),
        text=item.text, span=item.span, predicate=predicate, parent=parent, children=children,
        combine=combine, polarity=polarity,  # type: ignore[arg-type]
        children_decide=children_decide, restated=restated, restated_reason=reason,
        understood_as=understood)


def _to_source(p: Predicate, item: Item) -> Predicate:
    """Spans from item-text offsets to offsets in the trial's criteria text."""
    import dataclasses

    def span(s: Span) -> Span:
        return Span(item.to_source(s.start), item.to_source(max(s.start, s.end - 1)) + 1)

    def walk(node: Predicate) -> Predicate:
        changes: dict[str, Any] = {"span": span(node.span)}
        if isinstance(node, (AllOf, AnyOf)):
            changes["children"] = tuple(walk(c) for c in node.children)
        if isinstance(node, Not):
            changes["child"] = walk(node.child)
        return dataclasses.replace(node, **changes)

    return walk(p)


def review_spans(trial: CompiledTrial) -> list[tuple[str, NeedsReview]]:
    out = []
    for c in trial.criteria:
        if c.predicate is None:
            continue
        for leaf in leaves(c.predicate):
            if isinstance(leaf, NeedsReview):
                out.append((c.id, leaf))
    return out
