"""Resolve stage: syntax nodes of one item -> a predicate over concepts in canonical units.

Names become vocabulary concepts, unit spellings become a factor to the concept's canonical unit
(computed once here, so screening a patient only multiplies floats), "× ULN" stays a ratio.
Anything that cannot be resolved (an unknown name, a unit of the wrong dimension, a note we do
not know) becomes a ``NeedsReview`` leaf that quotes the text and says why: never a guess.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import re
from collections.abc import Callable

from .errors import UnitError
from .nodes import (
    DAYS_PER,
    OP_TEXT,
    AllOf,
    Amount,
    AnyOf,
    CategoryCheck,
    Comparison,
    Duration,
    Exposure,
    ExposureWindow,
    GroupRequirement,
    Negation,
    Junction,
    LimitMultiple,
    Name,
    NeedsReview,
    Not,
    NumericCheck,
    Predicate,
    Presence,
    PresenceCheck,
    Since,
    Span,
    Syntax,
    Tag,
    Threshold,
    Unparsed,
    ValueList,
    leaves,
)
from .notes import (comprehension_words, filler_words, load_methods, scale_conversions, find_qualifier, is_inclusive_note, is_neutral_note, is_plain_lead_in, is_reference_event, lookup_method, restricting_methods_in,
                    person_words)
from .parse import HISTORY_WORDS, is_alternatives_list, parse_item
from .segment import says_any
from .units import normalize_unit, conversion_factor, describe_unit
from .vocabulary import Concept, Vocabulary, load_vocabulary, normalize_phrase

NUMERIC_KINDS = {"lab", "score", "measurement", "count", "demographic"}
PRESENCE_KINDS = {"condition", "medication_class", "procedure", "state", "attestation"}
_THERAPY_KINDS = {"medication_class", "procedure"}  # what "N weeks since" may be counted from
_RECOVERED = re.compile(r"(fully\s+)?recovered\s*$", re.I)

_HISTORY = HISTORY_WORDS
# "unless liver metastases are present", "except (for|in) patients with (known) Gilbert's syndrome"
_SCALE_WORDS = re.compile(r"\s+(?:performance\s+)?(?:status\s+)?(?:scale|index)$", re.I)
_EXCEPTION_CONDITION = re.compile(
    r"(?:unless|except)\s+(?:for\s+|in\s+)?(?:(?:patients?|subjects?|participants?|those)\s+(?:with|who\s+ha(?:ve|s))\s+"
    r"|(?:the\s+)?(?:patient|subject|participant)\s+has\s+|(?:there\s+(?:is|are)\s+)?)"
    # "unless the patient has a (known) history of Gilbert's syndrome"
    r"(?:(?:an?\s+)?(?:(?:known|documented|confirmed|prior)\s+)?(?:history|diagnosis)\s+of\s+)?"
    r"(?P<condition>[^,;()]+?)(?:\s+(?:is|are)\s+present)?\s*\)?\s*\.?$", re.I)
# words that make an exception more than a condition: a cause, a time, another bound
_EXCEPTION_MORE = re.compile(r"\b(?:due|attribut\w*|related|caused|secondary|because|if|when|who|which|whom|"
                             r"in\s+which|and|or|but|with|without|not|no|elevat\w*|rais\w*|increas\w*|"
                             r"origin|suspect\w*|possible|probable|likely)\b|\d", re.I)
# the first word of a list item that continues the item before it rather than naming one ("such
# as", "including" name examples, each narrower than the item: read as items they change nothing)
_CONTINUES_PHRASE = re.compile(
    r"(?:to|of|with|without|for|in|on|at|by|from|which|that|who|whom|whose|where|requiring|required|"
    r"defined|except|excluding|unless|if|when|"
    r"due|secondary|caused|greater|less|more|higher|lower|above|below|i\.\s?e|ie|not|but|as|per|"
    r"treated|managed|controlled|associated|related|involving|affecting|resulting|leading|needing|"
    r"attributed|attributable|considered|deemed|judged|confirmed|documented\s+by|regardless)\b",
    re.I)
# an abbreviation in parentheses inside a spelled-out alias, read as one in brackets
_NESTED_ALIAS = re.compile(r"\(([^()]*?)\s*\(\s*([^()]*?)\s*\)\s*\)")
# the joints of a list of names in an alias: "(Hb or Hgb)", "(SGOT and/or SGPT)", "[AST, ALT]"
_ALIAS_LIST = re.compile(r"\s*(?:,|/|\band/or\b|\bor\b|\band\b)\s*", re.I)
_STATUS_YES = {"positive", "detected", "amplified", "present", "active"}
_STATUS_NO = {"negative", "not detected", "undetectable", "non-amplified", "absent"}


class _WholeThreshold(Exception):
    """A threshold that cannot be read in part: its review stands for all of it."""

    def __init__(self, review: NeedsReview) -> None:
        super().__init__(review.reason)
        self.review = review


class Resolver:
    """Resolves the clauses of one item. ``text`` is the item text the spans index into."""

    def __init__(self, text: str, section: str, vocab: Vocabulary | None = None,
                 heading: str | None = None) -> None:
        self.text = text
        self.section = section
        self.heading = heading  # the measurement the item's heading names, for bare bounds
        self.vocab = vocab or load_vocabulary()
        self._lead_used = False
        self._any_lead = False  # a lead said "one of the following": the checks after it are alternatives

    # ------------------------------------------------------------------ names
    def _lead_of(self, part: Presence) -> str:
        """The words before a presence's name in its own span ("receiving" in "or receiving X")."""
        return normalize_phrase(self.quote(Span(part.span.start, max(part.span.start, part.subject.span.start))))

    def names_joined_by_a_slash(self, subjects: tuple[Name, ...]) -> tuple[Name, ...]:
        """"FEV1/FVC < 70%" is one ratio, not FEV1 and FVC each below 70%: two names written with
        only a slash between them are one name where the vocabulary knows them so as a concept of its
        own ("AST/ALT" stays two; "PT/INR", a name of INR, too: its PT is not dropped)."""
        out = list(subjects)
        i = 0
        while i + 1 < len(out):
            a, b = out[i], out[i + 1]
            if a.span.end <= b.span.start and self.text[a.span.end:b.span.start].strip() == "/":
                joined = Name(span=Span(a.span.start, b.span.end), text=self.quote(Span(a.span.start, b.span.end)))
                whole = self.vocab.lookup(joined.text)
                if whole is not None and all(self.concept_of(n) not in (None, whole) for n in (a, b)):
                    out[i:i + 2] = [joined]
                    continue
            i += 1
        return tuple(out)

    def concept_of(self, name: Name | str) -> Concept | None:
        text = name.text if isinstance(name, Name) else name
        vocab = self.vocab
        hit = vocab.lookup(text)
        if hit is not None:
            return hit
        if (kind_of := _KIND_OF.match(text)) is not None and kind_of.end() < len(text):
            # "any other form of immunosuppressive therapy" is immunosuppressive therapy ("other"
            # is read from the words as written)
            return self.concept_of(text[kind_of.end():])
        # Drop an abbreviation in parentheses that repeats the name: "absolute neutrophil count (ANC)".
        # A spelled-out alias is dropped only if it names the same concept: "(requiring systemic
        # treatment)" is a qualifier, and dropping it would widen the criterion.
        text = _NESTED_ALIAS.sub(r"(\1[\2])", text)  # "(serum glutamic oxaloacetic transaminase (SGOT))"
        aliases = re.findall(r"\(\s*([^()]*)\)|\\?\[\s*([^\[\]]*?)\s*\\?\]", text)
        bare = re.sub(r"\(\s*[^()]*\)|\\?\[[^\[\]]*\\?\]", " ", text)
        hit = vocab.lookup(bare) if aliases else None
        # a panel's abbreviation may name one of its labs: "transaminases (ALT)" is not both
        spelled = [a or b for a, b in aliases if " " in (a or b).strip() or (hit is not None and hit.panel)]
        if spelled:
            for alias in spelled:
                if hit is not None and (method := lookup_method(alias)) is not None \
                        and load_methods()[method].measures(hit.id):
                    continue  # "Estimated CrCl (Cockcroft Gault)": how it is measured, no other name
                inner = re.sub(r"\\?\[\s*([^\[\]]*?)\s*\\?\]", r" (\1)", alias)
                named = vocab.lookup(inner) or vocab.lookup(re.sub(r"\(.*?\)", " ", inner)) or next(
                    (vocab.lookup(m) for m in re.findall(r"\(([^()]*)\)", inner) if vocab.lookup(m)), None)
                if hit is None or (named is None and not self._lists_the_same(inner, hit)) \
                        or (named is not None and named.id != hit.id):
                    return None
            return hit
        if hit is not None and vocab.lookup(text) is None and not all(
                self._abbreviates(a or b, bare, hit) for a, b in aliases if (a or b).strip()):
            return None  # "lymphoma (SLL)": the abbreviation names a narrower disease
        for candidate in (bare, text):
            hit = vocab.lookup(candidate)
            if hit is not None:
                return hit
            words = [w for w in re.split(r"\s+", candidate.strip()) if w]
            kept = [w for w in words if normalize_phrase(w) not in filler_words()]
            if kept and len(kept) < len(words):
                hit = vocab.lookup(" ".join(kept))
                if hit is not None:
                    return hit
            # One concept found, and every other word is a filler
            found = vocab.find(candidate)
            if len(found) == 1:
                concept, s, e = found[0]
                rest = candidate[:s] + " " + candidate[e:]
                rest_words = [w for w in re.split(r"[\s()]+", rest) if w]
                if all(normalize_phrase(w) in filler_words() for w in rest_words):
                    return concept
        return None

    def _abbreviates(self, abbrev: str, name: str, concept: Concept) -> bool:
        """"(ANC)" after "absolute neutrophil count", "(Hgb)" after "hemoglobin": the name's letters
        in order, from the first of one of its words; a filler word ("oral (PO)"); or another name of the concept ("AST (SGOT)"), or how it is
        measured ("QTc (Fridericia)"). "lymphoma (SLL)" is none of these: the abbreviation names
        a narrower disease, and the name read alone would widen the criterion."""
        letters = re.sub(r"[^a-z0-9]", "", abbrev.lower())
        words = re.findall(r"[a-z0-9]+", name.lower())
        for i, word in enumerate(words):  # from a word's first letter: "performance status (PS)"
            remaining = iter("".join(words[i:]))
            if letters and word[0] == letters[0] and all(c in remaining for c in letters):
                return True
        if normalize_phrase(abbrev) in filler_words():  # "oral (PO) medications": says nothing more
            return True
        named = self.vocab.lookup(abbrev)
        if named is not None:
            return named.id == concept.id
        listed = self._listed_concepts(abbrev)
        if listed and None not in listed and concept.id in listed:
            return True  # "(AST/SGOT)", and "AST, ALT (SGOT/SGPT)": the names of a list, this one among them
        method = lookup_method(abbrev)
        return method is not None and load_methods()[method].measures(concept.id)

    def _listed_concepts(self, alias: str) -> set[str | None]:
        """The concepts an alias that lists names names ("SGOT and/or SGPT": AST and ALT; None for
        a name the vocabulary does not know); empty for an alias of one name."""
        parts = [p for p in _ALIAS_LIST.split(alias.strip()) if p.strip()]
        if len(parts) < 2:
            return set()
        return {c.id if c is not None else None for c in map(self.vocab.lookup, parts)}

    def _lists_the_same(self, alias: str, concept: Concept) -> bool:
        """"Hemoglobin (Hb or Hgb)", "transaminases (SGOT and/or SGPT)": an alias that lists
        names, each of the same concept, or together every lab of its panel."""
        named = self._listed_concepts(alias)
        return bool(named) and (named == {concept.id} or (bool(concept.panel) and named == set(concept.panel)))

    def member_named(self, name: Name, concept: Concept) -> str | None:
        """The member drug a name stands for ("warfarin" in the anticoagulant class), if any."""
        key = normalize_phrase(re.sub(r"\(\s*[^()]*\)", " ", name.text))
        # "Cyclosporine A" reached the class through "cyclosporine" once the filler "a" was dropped:
        # the same words name the member, or the class would stand for one drug
        keys = {key, " ".join(w for w in key.split() if w not in filler_words())}
        for m in concept.members:
            if normalize_phrase(m) in keys:
                return m
        return None

    def quote(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def review(self, span: Span, reason: str) -> NeedsReview:
        return NeedsReview(span=span, text=self.quote(span), reason=reason)

    # ------------------------------------------------------------------ clauses
    def clauses(self) -> list[tuple[Predicate, bool]]:
        """Every clause of the item as a predicate (lead-ins dropped), conditional alternatives
        merged, "unless" exceptions joined to their clause; True marks a permission sentence."""
        out: list[Predicate] = []
        permissions: set[int] = set()
        concepts_at: dict[frozenset[str], int] = {}
        reviewed_lead: tuple[Span | None, int] | None = None
        last: int | None = None  # where the previous clause went
        last_subjects: tuple[Name, ...] = ()  # the labs of the last clause with a bound
        any_from: int | None = None  # where the clauses after a "one of the following:" lead begin
        governing: int | None = None  # the review of a lead not understood, which the later clauses join
        lead_days: float | None = None  # "Laboratory values within 14 days prior to registration: …"
        any_to: int | None = None  # where a later sentence ends those alternatives
        items_later = False
        prev_end: int | None = None
        for lead, node in parse_item(self.text, exclusion=self.section == "exclusion"):
            begins = lead.start if lead is not None else node.span.start
            if any_from is not None and any_to is None and prev_end is not None and not items_later \
                    and "." in self.text[prev_end:begins]:
                # "…one of the following: A; B. Hemoglobin ≥ 9 g/dL": a new sentence is not one of them
                any_to = len(out)
                self._any_lead = False
            prev_end = max(prev_end or 0, node.span.end)
            if governing is not None and lead is None and node.span.start >= out[governing].span.end:
                # "Subjects meeting all the following criteria: (1) on stable ART; (2) CD4+ ≥ 350":
                # a lead not understood may govern every clause after it, so they join its review
                self._fold_into_review(out, governing, node.span, out[governing].reason)  # type: ignore[union-attr]
                continue
            if lead is not None and (days := list_recency(self.quote(lead))) is not None:
                lead_days = days if lead_days is None else min(lead_days, days)
            said = self.quote(lead) if lead is not None else node.text if isinstance(node, Unparsed) else ""
            if any_from is None and said and says_any(said):
                # "Patients must meet one of the following: ANC ≥ 1500/µL; platelets ≥ 100,000/µL"
                any_from = len(out)
                self._any_lead = True
                # "… one of the following diseases. 1) …; 2) …": the alternatives are the later
                # sentences, and where they end is not written
                body_here = lead is not None and not (isinstance(node, Unparsed) and node.reason == "lead-in")
                items_later = not body_here and re.search(r"following(\s+[A-Za-z]+){0,3}\s*[:.]?\s*$",
                                                          said, re.I) is not None
            if isinstance(node, Unparsed) and node.reason == "lead-in":
                continue
            if self.section == "exclusion" and not isinstance(node, Unparsed) \
                    and _REQUIREMENT.search(self.text[_clause_start(self.text, node.span.start):node.span.start + 40]):
                # "Patients must have ANC ≥ 1500/µL" among exclusions states a requirement; read as
                # an exclusion it would exclude exactly the patients who meet it
                node = Unparsed(span=node.span, text=self.quote(node.span),
                                reason="a requirement ('must have') written among exclusions: for a person")
            if isinstance(node, Unparsed) and node.exception is None and last is not None \
                    and node.reason != "lead-in" and _CONDITIONAL_BOUND.match(node.text) \
                    and _CONDITIONAL_WORDS.search(node.text):
                # "ALP ≤ 2.5 × ULN; (≤ 5 × ULN if bone metastases are present)" not understood:
                # another bound under a condition may widen the clause before it (then failing
                # it is no verdict) or narrow it (then meeting it is none): both go to a person
                self._fold_into_review(out, last, node.span, _FOLLOWS_UNREAD + node.reason)
                continue
            if isinstance(node, Unparsed) and node.exception is not None:
                exception = self.review(node.span, node.reason)
                if node.exception == "permission":
                    permissions.add(len(out))
                    out.append(exception)
                    last = None
                elif last is not None and (widened := self._unless_instead(node, out[last], last_subjects)) is not None:
                    # "AST ≤ 2.5 × ULN unless liver metastases are present, in which case ≤ 5 ×
                    # ULN": the bound under the condition is an alternative, as "(≤ 5 × ULN if …)"
                    out[last] = widened
                elif last is not None:
                    # "A unless B": B can only lift A. An inclusion is met when A holds (or B
                    # does); an exclusion applies when A holds and B does not.
                    prev = out[last]
                    span = _cover(prev.span, exception.span)
                    lifted: Predicate = exception
                    condition = self._exception_condition(node, prev)
                    if condition is not None:
                        # "…, except patients with known Gilbert's syndrome": a condition the
                        # vocabulary knows, named as such (not "unless due to …")
                        lifted = condition if self.section != "exclusion" else \
                            Not(span=condition.span, text=condition.text, child=condition)
                    joined = AnyOf if self.section != "exclusion" else AllOf
                    out[last] = joined(span=span, text=self.quote(span), children=(prev, lifted))
                else:
                    out.append(exception)
                continue
            lead_subject = Name(span=lead, text=self.quote(lead)) if lead else None
            if lead_subject is not None and not isinstance(node, Unparsed):
                group = self._group_lead(lead_subject)
                if group is not None:
                    # "Women of childbearing potential (WOCBP): negative pregnancy test",
                    # "Patients with liver metastases: AST ≤ 5 × ULN": for that group only
                    node = GroupRequirement(span=_cover(lead_subject.span, node.span), group=group[0],
                                            requirement=node, absent=group[1])
                    lead_subject = None
            if isinstance(node, Threshold) and not node.subjects and lead is None and _is_conditional(node) \
                    and last_subjects:
                # "AST/ALT ≤ 3 × ULN; ≤ 5 × ULN for patients with liver metastases": the same labs
                node = dataclasses.replace(node, subjects=last_subjects)
            last_subjects = _subjects_of(node) or last_subjects
            self._lead_used = False
            pred = self.node(node, lead_subject)
            if isinstance(node, Presence) and lead_subject is None and isinstance(pred, NeedsReview):
                # "Male", "Female gender": a clause that is only a sex (never a part of a list:
                # "men and women" is no requirement to be both)
                pred = self.sex_only(node) or pred
            sex = self._sex_of_person_lead(node)
            if sex is not None and isinstance(node, Junction) \
                    and any(_SEX_MENTION.search(self.quote(p.span)) for p in node.parts[1:]):
                # "Women with X or men aged Y": each part has its own sex, which only the
                # first part's lead names here
                pred = self.review(node.span, "parts of the list are for different sexes")
            elif sex is not None and isinstance(node, Junction) \
                    and any(_OWN_PERSON.match(self.quote(p.span)) for p in node.parts[1:]):
                # "Women who are pregnant, and patients with HIV": a later part names its own
                # persons, whom the first part's sex does not restrict (read for all, a man with
                # HIV would pass)
                pred = self.review(node.span, "a later part of the list names its own persons, whom the first "
                                              "part's sex may not restrict")
            elif sex is not None and not isinstance(pred, NeedsReview):
                # "Women with a history of breast cancer": for that sex only
                span = _cover(sex.span, pred.span)
                pred = AllOf(span=span, text=self.quote(span), children=(sex, pred))
            if lead_subject is not None and not self._lead_used \
                    and not is_plain_lead_in(lead_subject.text, exclusion=self.section == "exclusion"):
                # The text before ":" (or before the checks in parentheses) is neither the subject of the values after it nor a plain
                # label ("Adequate organ function:"). It may restrict, negate or describe what
                # follows ("Breast cancer: women aged 40 to 74", "Must avoid contact with:
                # pregnant women"), so the whole clause goes to a person.
                span = _cover(lead_subject.span, pred.span)
                if reviewed_lead is not None and reviewed_lead[0] == lead:
                    # the clauses in parentheses after one lead: one review for all of them
                    span = _cover(out[reviewed_lead[1]].span, span)
                    out[reviewed_lead[1]] = self.review(span, out[reviewed_lead[1]].reason)  # type: ignore[union-attr]
                    continue
                pred = self.review(span, f"the words before the checks ({lead_subject.text.strip()!r}) are "
                                   "not understood, and they may change what follows")
                reviewed_lead = (lead, len(out))
                governing = len(out)
            if lead_days is not None:
                pred = with_list_recency(pred, lead_days)  # the lead's "within 14 days" is about it too
            unread = _first_review(pred)
            if _is_conditional(node) and last is not None and isinstance(out[last], NeedsReview):
                # "...; ≤ 5 × ULN for patients with liver metastases" after a clause left for
                # review: an alternative to it, so for the same person
                self._fold_into_review(out, last, pred.span, out[last].reason)  # type: ignore[union-attr]
                continue
            if _is_conditional(node) and unread is not None and last is not None:
                # "Bilirubin ≤ 1.5 × ULN. For participants with Gilbert's syndrome ≤ 3 × ULN is
                # permitted": read, but not entirely; like an unread one it may widen or narrow
                self._fold_into_review(out, last, pred.span, _FOLLOWS_UNREAD + unread.reason)
                continue
            key = frozenset(_concepts(pred))
            conditional = _is_conditional(node) or _split_conditional(pred) is not None
            overlap = next((i for k, i in concepts_at.items() if k & key and k != key), None)
            if conditional and key and key not in concepts_at and overlap is not None:
                # "AST, ALT and ALP ≤ 3 × ULN. ALP ≤ 5 × ULN if bone metastases": an alternative
                # for some of the labs of an earlier clause, which cannot be split off it here
                self._fold_into_review(out, overlap, pred.span, "a bound under a condition for some of the labs "
                                       "of an earlier clause: whether it widens or narrows it is for a person")
                last = overlap
                continue
            replaced = self._replaced_for_group(pred, out, concepts_at) if conditional and key else None
            if replaced is not None:
                # "Total bilirubin ≤ 1.5 × ULN; direct bilirubin ≤ 1.5 × ULN for patients with
                # Gilbert's syndrome": the condition raises the earlier lab, so the bound on the
                # other lab replaces it for that group (vocabulary `raises`)
                prev = out[replaced]
                out[replaced] = self.alternatives(_cover(prev.span, pred.span), [prev, pred])
                last = replaced
                continue
            if conditional and key and key in concepts_at:
                # "AST and ALT ≤ 2.5 × ULN; AST and ALT ≤ 5 × ULN if liver metastasis": an
                # alternative to the earlier clause on the same analytes, not a second requirement.
                i = concepts_at[key]
                prev = out[i]
                out[i] = self.alternatives(_cover(prev.span, pred.span), [prev, pred])
                last = i
                continue
            if key:
                concepts_at.setdefault(key, len(out))
            last = len(out)
            if isinstance(node, Unparsed) and node.lead and not is_plain_lead_in(
                    node.lead, exclusion=self.section == "exclusion"):
                governing = len(out)  # "… all the following criteria: (1) …" not understood
            out.append(pred)
        stop = len(out) if any_to is None else any_to
        if any_from is not None and stop - any_from > 1 and self.section != "exclusion":
            # the clauses after "one of the following:", up to the end of its sentence, are
            # alternatives (among exclusions any one of the clauses excludes already)
            rest = out[any_from:stop]
            span = _cover(rest[0].span, rest[-1].span)
            alternatives: Predicate
            if items_later:
                alternatives = self.review(span, "alternatives listed in the sentences after 'one of the "
                                                 "following': where they end is not written")
            elif any(any_from <= i < stop for i in permissions):
                alternatives = self.review(span, "a later sentence lets some patients in among alternatives")
            else:
                alternatives = AnyOf(span=span, text=self.quote(span), children=tuple(rest))
            shift = stop - any_from - 1
            permissions = {i if i < any_from else i - shift for i in permissions if not any_from <= i < stop}
            out = out[:any_from] + [alternatives] + out[stop:]
        return [(p, i in permissions) for i, p in enumerate(out)]

    def node(self, node: Syntax, lead: Name | None = None) -> Predicate:
        if isinstance(node, Unparsed):
            return NeedsReview(span=node.span, text=node.text, reason=node.reason)
        if isinstance(node, Junction):
            return self.junction(node, lead)
        if isinstance(node, Threshold) and any(isinstance(c.value, Amount) and c.value.unit == "grade"
                                               for c in node.comparisons):
            graded = self.graded(node)
            if isinstance(graded, NeedsReview):
                return graded
            node = graded
        if isinstance(node, Threshold) and len(node.subjects) > 1 and (_says_age(node) or _in_years(node)) \
                and all(self._only_person(s) for s in node.subjects[:-1]) \
                and (age := self.concept_of(node.subjects[-1])) is not None and age.id == "age":
            # "Men and women, ages ≥ 18 years of age": the persons, then the measure
            persons = node.subjects[:-1]
            joined = Name(span=_cover(persons[0].span, persons[-1].span), text=" and ".join(p.text for p in persons))
            node = dataclasses.replace(node, subjects=(joined,))
        if isinstance(node, Threshold) and len(node.subjects) == 2 and self._only_person(node.subjects[0]) \
                and (age := self.concept_of(node.subjects[1])) is not None and age.id == "age":
            # "Male or female, age ≥ 18 years", "Women, aged 18 or older": the person, then the age
            pred = self.node(dataclasses.replace(node, subjects=(node.subjects[1],)), lead)
            return self._for_the_sex_named(node.subjects[0], node.span, pred)
        if isinstance(node, Threshold) and len(node.subjects) == 1 and (
                self._only_person(node.subjects[0])
                or set(normalize_phrase(node.subjects[0].text).split()) & _ADULT_WORDS
                and self._only_person(node.subjects[0], also=_ADULT_WORDS | _AGE_WORDS)):
            # "Patients ≥ 18 years", "Women ≥ 18 years of age", "Male or female ≥ 18 years": the
            # person's age (the note "of age", or a bound in years), for the sex named, if one is;
            # "Adults aged 18 or older": the age the subject names
            age_note = next((n for n in node.notes if (c := self.concept_of(n)) is not None and c.id == "age"), None)
            words = set(normalize_phrase(node.subjects[0].text).split())
            in_years = bool(words & _AGE_WORDS) or all(
                isinstance(c.value, Amount) and c.value.unit == "year" and
                (c.upper is None or c.upper.unit in (None, "year")) for c in node.comparisons)
            adult = bool(words & _ADULT_WORDS)
            if adult and (age_note is not None or in_years) and not all(
                    (c.op in (">=", ">") or c.upper is not None) and isinstance(c.value, Amount) and c.value.value >= 18
                    for c in node.comparisons):
                # "Adults ≥ 16 years": an adult is 18 or older, which only a floor of 18 or more says
                return self.review(node.span, "'adult' next to an age bound that does not say 18 years or older")
            if age_note is not None or in_years:
                subject = node.subjects[0]
                aged = dataclasses.replace(node, subjects=(Name(span=subject.span, text="age"),),
                                           notes=tuple(n for n in node.notes if n is not age_note))
                return self._for_the_sex_named(subject, node.span, self.node(aged, lead))
        if isinstance(node, Threshold) and len(node.subjects) == 1:
            sex, rest = self.sex_prefix(node.subjects[0])
            if rest is not None:
                # "Women aged 40 to 74 years": the bound, for that sex only (both must hold);
                # "Men and women aged 18 to 75 years": no restriction
                pred = self.node(dataclasses.replace(node, subjects=(rest,)), lead)
                if isinstance(pred, NeedsReview) or sex is None:
                    return pred
                return AllOf(span=node.span, text=self.quote(node.span), children=(sex, pred))
        if isinstance(node, Threshold):
            if not node.subjects and lead is not None:  # "Hemoglobin: at least 9 g/dL"
                node = dataclasses.replace(node, subjects=self.lead_subjects(lead))
                self._lead_used = True
            elif not node.subjects and self.heading is not None:  # under "Life expectancy:"
                node = dataclasses.replace(node, subjects=(Name(span=node.span, text=self.heading),))
            node = self.note_as_subject(self.of_note_joined(node))
            if not node.subjects and _says_age(node):  # "At least 18 years old"
                node = dataclasses.replace(node, subjects=(Name(span=node.span, text="age"),))
            if not node.subjects:
                return self.review(node.span, "a bound without a subject")
            # "AST/ALT > 3 × ULN" among exclusions: either one above excludes (it is the negation
            # of the requirement "AST and ALT ≤ 3 × ULN"); read as both, AST at 10 × ULN with a
            # normal ALT would pass
            return self.threshold(node, node.subjects,
                                  any_subject=self.section == "exclusion" and len(node.subjects) > 1)
        if isinstance(node, ValueList):
            return self.value_list(node, node.subject or lead)
        if isinstance(node, Presence):
            (scored,) = self.roman_score_values([node])
            if isinstance(scored, ValueList):  # "NYHA class IV"
                return self.value_list(scored, scored.subject)
            return self.presence(node)
        if isinstance(node, GroupRequirement):
            return self.group_requirement(node)
        if isinstance(node, Negation):
            return self.negation(node)
        if isinstance(node, Since):
            return self.since(node)
        raise AssertionError(f"unhandled syntax node {type(node).__name__}")

    def graded(self, node: Threshold) -> Threshold | NeedsReview:
        """"Peripheral neuropathy ≥ grade 2": the grade is a score of its own in the vocabulary,
        named "<condition> grade" ("peripheral neuropathy grade"); a condition without one is for
        a person."""
        if len(node.subjects) != 1 or not all(isinstance(c.value, Amount) and c.value.unit == "grade"
                                               and c.upper is None and not c.conditional for c in node.comparisons):
            return self.review(node.span, "a grade next to other bounds or for several conditions")
        if self.section == "exclusion" and any(c.op in ("<", "<=") for c in node.comparisons):
            # "Peripheral neuropathy ≤ grade 2" among exclusions would exclude every patient
            # without it (grade 0): a requirement written in the wrong list; for a person
            return self.review(node.span, "a grade bound that includes grade 0 (none) among exclusions: "
                                          "whether it states a requirement is for a person")
        subject = node.subjects[0]
        named = subject.text if re.search(r"\bgrade\s*$", subject.text, re.I) else f"{subject.text} grade"
        concept = self.concept_of(named)
        if concept is None or concept.kind != "score":
            return self.review(node.span, f"no grade of {subject.text!r} is known")
        return dataclasses.replace(
            node, subjects=(Name(span=subject.span, text=named),),
            comparisons=tuple(dataclasses.replace(c, value=dataclasses.replace(c.value, unit=None))  # type: ignore[arg-type]
                              for c in node.comparisons))

    def _group_lead(self, lead: Name) -> tuple[Name, bool] | None:
        """A lead naming a group of patients by a state or a condition ("Women of childbearing
        potential:", "For patients with liver metastases:", "Without bone marrow involvement:"):
        the group's name, and whether it is those without it. None for any other lead."""
        m = _GROUP_LEAD.match(lead.text)
        assert m is not None  # every part of the pattern is optional
        words = lead.text[m.end():].rstrip(" :,")
        concept = self.concept_of(words) if words else None
        if concept is None or concept.kind not in ("state", "condition"):
            return None
        if concept.kind == "condition" and not m.group(0).strip():
            # a bare label ("Breast cancer: women aged 40 to 74") may name a cohort rather than
            # patients who have the condition; "Patients with X:", "If X:" name them
            return None
        start = lead.span.start + m.end()
        return Name(span=Span(start, start + len(words)), text=words), bool(m.group("without"))

    def negation(self, node: Negation) -> Predicate:
        """"No prior chemotherapy": the patient has none of it. Only what is read entirely is
        negated: the negation of a partly read clause would be a reading nobody wrote. A
        prohibition among exclusions ("Patients may not be receiving other investigational
        agents") names what excludes: read literally it would exclude everyone else."""
        if self.section == "exclusion" and not (node.prohibition or node.inability):
            # "No current breast feeding" among exclusions would exclude everyone who is not: a
            # requirement written in the wrong list, or a double negative; for a person
            return self.review(node.span, "a negation among exclusions: whether it states a requirement "
                                          "is for a person")
        part = node.part
        plain_bound = isinstance(part, Threshold) and len(part.subjects) == 1 and len(part.comparisons) == 1 \
            and not part.comparisons[0].conditional and part.comparisons[0].upper is None \
            and not (part.exposures or part.notes or part.restated or part.recency)
        if not (plain_bound or isinstance(part, (Presence, Junction))) or (not plain_bound and _has_bound(part)):
            # "No radiotherapy to more than 10% of bone marrow": only one plain bound ("No
            # peripheral neuropathy ≥ grade 2") is negated; anything more is for a person
            return self.review(node.span, "a negated bound is not read")
        if isinstance(node.part, Junction) and node.part.op == "and":
            # "No previous chemotherapy and radiotherapy": neither, or not both together?
            return self.review(node.span, "'and' under a negation: neither, or not both, is not written")
        inner = self.node(node.part)
        unread = _first_review(inner)
        if unread is not None:
            return self.review(node.span, f"what is negated is not understood: {unread.reason}")
        if node.inability and any(isinstance(q, PresenceCheck) and self.vocab.get(q.concept).kind != "attestation"
                                  for q in leaves(inner)):
            # "Unable to receive chemotherapy" is no lack of a record of chemotherapy
            return self.review(node.span, "an inability is read only where the vocabulary names the ability "
                                          "as an attestation")
        if self.section == "exclusion" and node.prohibition:  # what it forbids excludes
            return inner
        return Not(span=node.span, text=self.quote(node.span), child=inner)

    def group_requirement(self, node: GroupRequirement) -> Predicate:
        """"Women of childbearing potential must have a negative pregnancy test": met by anyone
        outside the group, and by the group when the requirement holds. Among exclusions
        ("Patients with liver metastases: AST > 5 × ULN") it excludes only the group."""
        prohibition = isinstance(node.requirement, Negation) and node.requirement.prohibition
        if self.section == "exclusion" and node.stated and not prohibition:
            # "must have" among exclusions states a requirement; read as an exclusion it would
            # exclude exactly the patients who meet it
            return self.review(node.span, "a requirement for a group of patients written among exclusions")
        if node.agreement:
            agreed = self.node(node.requirement)
            if not (isinstance(agreed, PresenceCheck) and self.vocab.get(agreed.concept).kind == "attestation"):
                return self.review(node.span, "what a group must agree to use is read only when the vocabulary "
                                              "names it as an attestation (effective contraception)")
            if self._only_person(node.group) and not _SEX_MENTION.search(node.group.text):
                # "Patients must agree to use …": everyone ("Men must …" binds men only, below)
                return dataclasses.replace(agreed, span=node.span, text=self.quote(node.span))
        concept = self.concept_of(node.group)
        # "Women must have …", "Female patients must not be …": a group named by its sex
        sex = self.sex_group(node.group) if concept is None and not node.absent else None
        if sex is None and (concept is None or concept.kind not in PRESENCE_KINDS):
            return self.review(node.span, f"unknown group {node.group.text!r}")
        required = self.node(node.requirement)
        unread = _first_review(required)
        if unread is not None:
            return self.review(node.span, f"what is asked of the group {node.group.text!r} is not understood: "
                                          f"{unread.reason}")
        group: Guard
        if sex is not None:
            group = sex
        else:
            assert concept is not None
            has = PresenceCheck(span=node.group.span, text=node.group.text, concept=concept.id,
                                written=node.group.text)
            group = Not(span=has.span, text=has.text, child=has) if node.absent else has
        return self.guarded(group, required, node.span, self.quote(node.span))

    def of_note_joined(self, node: Threshold) -> Threshold:
        """"at least 2 prior lines OF THERAPY": the grammar reads "of therapy" as a note; when the
        subject and the note written together name a concept, that concept is the subject."""
        if len(node.subjects) != 1 or not node.notes:
            return node
        subject, note = node.subjects[0], node.notes[0]
        between = self.text[subject.span.end:note.span.start]
        if between.strip().lower() != "of":
            return node
        joined = Name(span=Span(subject.span.start, note.span.end), text=self.quote(Span(subject.span.start, note.span.end)))
        if self.concept_of(joined) is None:
            return node
        return dataclasses.replace(node, subjects=(joined,), notes=node.notes[1:])

    def note_as_subject(self, node: Threshold) -> Threshold:
        """"(Patients must be) > 18 years OF AGE": a note naming a measurement is the subject when
        the bound has none, only person words ("patients"), or that same concept ("Age >= 18
        years of age"). Any other subject ("women") keeps the note, and the review it brings."""
        measured = [(n, c) for n in node.notes if (c := self.concept_of(n)) is not None and c.kind in NUMERIC_KINDS]
        if len(measured) != 1:
            return node
        ((note, about),) = measured
        for subject in node.subjects:
            words = normalize_phrase(subject.text).split()
            if _both_sexes(subject.text):  # "Men and women ≥ 18 years of age": no one is left out
                words = [w for w in words if w not in _SEX_AND_JOIN]
            same = (c := self.concept_of(subject)) is not None and c.id == about.id
            if not same and not (words and all(w in person_words() for w in words)) \
                    and not (words == [] and _both_sexes(subject.text)):
                return node
        return dataclasses.replace(node, subjects=(note,), notes=tuple(n for n in node.notes if n is not note))

    def other_scale(self, node: Junction) -> Predicate:
        """"ECOG ≤ 2 (Karnofsky ≥ 60%)": one requirement written in two scales the vocabulary maps
        onto each other. Among inclusions both must hold (unless "or" is written) (a scale the patient lacks is inferred
        from the other, and decides only where the mappings agree); among exclusions either
        excludes, being the negation of that requirement. The two scales do not map one-to-one,
        so the lenient reading could let through a patient one of them rules out. A parenthesised
        bound on any other measure may be a second requirement or an alternative: for a person."""
        main, other = node.parts
        assert isinstance(other, Threshold)
        if isinstance(main, Threshold):
            main_names: tuple[Name | None, ...] = main.subjects
            main_pred = self.threshold(main, main.subjects)
        else:
            # "ECOG 0, 1 or 2 (Karnofsky > 50%)": a scale's values first (the first names it)
            listed = main.parts[0] if isinstance(main, Junction) else main
            assert isinstance(listed, ValueList)
            main_names, main_pred = (listed.subject,), self.node(main)
        first, second = [self.concept_of(n[0]) if len(n) == 1 and n[0] is not None else None
                         for n in (main_names, other.subjects)]
        if node.scale_either and not (first is not None and second is not None
                                      and second.id in scale_conversions(first.id)):
            # "Creatinine < 2 mg/dL (or creatinine clearance > 60 mL/min)": "or" written makes the
            # bound on another measure an alternative
            return AnyOf(span=node.span, text=self.quote(node.span),
                         children=(main_pred, self.threshold(other, other.subjects)))
        if first is None or second is None or second.id not in scale_conversions(first.id):
            return self.review(node.span, f"the bound in parentheses {self.quote(other.span)!r} is about another "
                                          "measure: a second requirement or an alternative?")
        # "ECOG ≤ 2 (or Karnofsky ≥ 70%)": with "or" written, either scale is enough
        joined = AnyOf if self.section == "exclusion" or node.scale_either else AllOf
        return joined(span=node.span, text=self.quote(node.span),
                      children=(main_pred, self.threshold(other, other.subjects)))

    def lead_subjects(self, lead: Name) -> tuple[Name, ...]:
        """"ALT and AST: ≤ 1.5 × ULN": a lead naming several labs that share the bound (each must
        hold); one name when the parts are not all known labs."""
        parts = [p for p in re.split(r"\s*(?:,\s*and|,|\band\b|/)\s*", lead.text) if p.strip()]
        if len(parts) < 2 or self.section == "exclusion":  # among exclusions: both, or either?
            return (lead,)
        names = []
        at = lead.span.start
        for part in parts:
            start = lead.text.index(part, at - lead.span.start) + lead.span.start
            at = start + len(part)
            names.append(Name(span=Span(start, at), text=part))
        if all((c := self.concept_of(n)) is not None and c.kind in NUMERIC_KINDS for n in names):
            return tuple(names)
        return (lead,)

    def _drug_in_complement(self, listed: list[Presence]) -> bool:
        """"Allergy or hypersensitivity to compounds similar to pazopanib or gemcitabine": a drug
        named after an unread item with words after a preposition may be part of them, and read
        alone it would exclude everyone who had the drug."""
        for i, p in enumerate(listed[:-1]):
            if _COMPLEMENT.search(p.subject.text) and self.vocab.lookup(p.subject.text) is None:
                later = (self.concept_of(q.subject) for q in listed[i + 1:])
                if any(c is not None and c.kind == "medication_class" for c in later):
                    return True
        return False

    def _fold_into_review(self, out: list[Predicate], i: int, span: Span, reason: str) -> None:
        """Clause ``i`` and the later text at ``span`` become one review: that text may widen or
        narrow what the clause means."""
        out[i] = self.review(_cover(out[i].span, span), reason)

    def qualifiers_sharing_a_condition(self, node: Junction) -> Predicate | None:
        """"Untreated or symptomatic CNS metastases", "Active or uncontrolled autoimmune disease":
        narrowing words joined by "or" before one condition, each read with it (a plain record
        of the condition then cannot decide, as for any qualifier). None for any other list."""
        parts = node.parts
        if node.op != "or" or node.and_or or len(parts) < 2 or not all(
                isinstance(p, Presence) and p.window is None and not p.exceptions and p.status is None
                and p.method is None and not p.history for p in parts):
            return None
        heads = [h for h in parts[:-1] if isinstance(h, Presence)]
        last = parts[-1]
        assert isinstance(last, Presence)
        words = [h.subject.text.strip() for h in heads]
        if not all(normalize_phrase(w) in {"active", "current"} or (find_qualifier(w) or "") == w.lower()
                   for w in words):
            return None
        concept = self.concept_of(last.subject)
        base = last.subject.text
        if concept is None:
            concept, base = self.condition_without_qualifier(base)
        if concept is None or concept.kind != "condition":
            return None
        checks = [self.presence(Presence(span=h.span, subject=Name(span=h.subject.span, text=f"{w} {base}")))
                  for h, w in zip(heads, words, strict=True)]
        checks.append(self.presence(last))
        return AnyOf(span=node.span, text=self.quote(node.span), children=tuple(checks))

    def _replaced_for_group(self, pred: Predicate, out: list[Predicate], concepts_at: dict[frozenset[str], int]) -> int | None:
        """The earlier clause whose labs the condition of ``pred`` raises of itself (vocabulary
        `raises`), when ``pred`` bounds other labs: for that group, ``pred`` is its alternative."""
        split = _split_conditional(pred)
        if split is None or not isinstance(split[0], PresenceCheck):
            return None
        raised = set(self.vocab.get(split[0].concept).raises)
        own = set(_concepts(split[1]))
        for labs, i in concepts_at.items():
            if labs & raised and not labs & own and _only_bounds(out[i]) and _split_conditional(out[i]) is None:
                return i
        return None

    def _exception_condition(self, node: Unparsed, before: Predicate) -> PresenceCheck | None:
        """The condition an exception names, when it names only that and raises a lab bounded
        before it (vocabulary `raises`): "…, except patients with known Gilbert's syndrome",
        "unless liver metastases are present". Not "unless due to Gilbert's syndrome" (the cause
        of a result is for a person), nor a condition the vocabulary does not tie to the lab."""
        m = _EXCEPTION_CONDITION.match(node.text)
        if m is None or _EXCEPTION_MORE.search(m["condition"]):
            return None
        start = node.span.start + m.start("condition")
        name = Name(span=Span(start, start + len(m["condition"])), text=m["condition"])
        concept = self.concept_of(name)
        if concept is None or concept.kind != "condition" or not _only_bounds(before) \
                or not set(concept.raises) & set(_concepts(before)):
            return None
        return PresenceCheck(span=node.span, text=self.quote(node.span), concept=concept.id, written=name.text,
                             history=bool(_HISTORY.search(node.text)))

    def _unless_instead(self, node: Unparsed, before: Predicate, subjects: tuple[Name, ...]) -> Predicate | None:
        """The clause before an "unless C, in which case B" exception with B under C as its
        alternative, when B bounds the same labs, or other labs for a condition that raises the
        clause's own (vocabulary `raises`); any other lab may replace the clause for that group or
        add to it, which is left for a person. None otherwise."""
        instead = node.instead
        if instead is None or not _only_bounds(before) or _split_conditional(before) is not None:
            return None
        if not instead.subjects:
            if not subjects:
                return None
            instead = dataclasses.replace(instead, subjects=subjects)
        pred = self.node(instead)
        split = _split_conditional(pred)
        if any(isinstance(q, NeedsReview) for q in leaves(pred)) or split is None:
            return None
        labs, before_labs = set(_concepts(split[1])), set(_concepts(before))
        raised = set(self.vocab.get(split[0].concept).raises) if isinstance(split[0], PresenceCheck) else set()
        if labs != before_labs and not (before_labs & raised and not before_labs & labs):
            return None  # another lab, for a condition that does not raise this one: instead, or as well?
        span = _cover(before.span, node.span)
        merged = self.alternatives(span, [before, pred])
        return None if isinstance(merged, NeedsReview) else merged

    def note_naming_the_scale(self, node: Threshold, subjects: tuple[Name, ...]) -> tuple[Threshold, tuple[Name, ...]]:
        """"Performance status > 80% (Karnofsky)", "Performance status 0-1 (WHO)": a note that, put
        before the subject, names one score ("Karnofsky performance status") says which scale the
        subject's words mean."""
        if len(subjects) != 1:
            return node, subjects
        subject = subjects[0]
        for note in node.notes:
            # "on the ECOG Performance Scale": the scale's name, without the word "scale"
            note = Name(span=note.span, text=_SCALE_WORDS.sub("", note.text))
            about = self.concept_of(note)  # "(WHO)" names nothing alone, "WHO performance status" does
            if about is not None and about.kind != "score":
                continue
            joined = self.concept_of(f"{note.text} {subject.text}")
            if joined is not None and joined.kind == "score" and (about is None or joined.id == about.id):
                named = Name(span=subject.span, text=f"{note.text} {subject.text}")
                return dataclasses.replace(node, subjects=(named,), notes=tuple(n for n in node.notes if n.span != note.span)), (named,)
        return node, subjects

    def roman_score_values(self, parts: list[Syntax]) -> list[Syntax]:
        """"NYHA class III or IV": a score written with a Roman numeral after its name (and a bare
        numeral after it) is a list of the score's values, as "NYHA class 3 or 4" is. Only where
        the name before the numeral is a score that takes that value."""
        out = list(parts)
        score: Concept | None = None
        for i, part in enumerate(out):
            if not isinstance(part, Presence) or part.window is not None or part.exceptions or part.status:
                score = None
                continue
            words = part.subject.text.split()
            if score is not None and len(words) > 1 and words[0] in _ROMAN \
                    and (about := self.concept_of(" ".join(words[1:]))) is not None and about.kind == "condition":
                # "NYHA class III or IV heart failure": the condition the score grades, written once
                words = words[:1]
                part = dataclasses.replace(part, subject=Name(
                    span=Span(part.subject.span.start, part.subject.span.start + len(words[0])), text=words[0]))
            value = _ROMAN.get(words[-1]) if words else None
            if value is None:
                score = None
                continue
            if len(words) > 1:
                base = Name(span=Span(part.subject.span.start, part.subject.span.end - len(words[-1])),
                            text=" ".join(words[:-1]))
                concept = self.concept_of(base)
                score = concept if concept is not None and concept.kind == "score" else None
                subject: Name | None = base
            else:
                subject = None  # "… or IV": the score named before
            if score is None or value not in score.values:
                score = None
                continue
            tag = Tag(span=Span(part.subject.span.end - len(words[-1]), part.subject.span.end), text=str(value))
            out[i] = ValueList(span=part.span, subject=subject, values=(tag,))
        return out

    def elided_names(self, parts: list[Syntax]) -> list[Syntax]:
        """"Hepatitis B or C" ("… or C infection"): a short token the vocabulary does not know (a
        letter, a numeral) after a name that ends with one stands for that name with its last token
        replaced (and the words after the token kept), when the vocabulary knows the result as the
        same kind of thing ("hepatitis C", "hepatitis C infection")."""
        out = list(parts)
        for i in range(1, len(out)):
            part, before = out[i], out[i - 1]
            if not (isinstance(part, Presence) and isinstance(before, Presence)) or part.window is not None:
                continue
            words, head = part.subject.text.split(), before.subject.text.split()
            if not (words and re.fullmatch(r"[A-Za-z0-9]{1,3}", words[0]) and len(head) >= 2
                    and re.fullmatch(r"[A-Za-z0-9]{1,3}", head[-1])) or self.concept_of(part.subject) is not None:
                continue
            full = Name(span=part.subject.span, text=" ".join([*head[:-1], *words]))
            known, first = self.concept_of(full), self.concept_of(before.subject)
            if known is not None and first is not None and known.kind == first.kind and known.id != first.id:
                out[i] = dataclasses.replace(part, subject=full)
        return self.shared_head_names(out)

    def shared_head_names(self, parts: list[Syntax]) -> list[Syntax]:
        """"Type 1 or type 2 diabetes mellitus", "cardiac or renal disease": a name the vocabulary
        does not know, before a name it knows, stands for that name with as many of its first
        words replaced ("type 1 diabetes mellitus", "cardiac disease"), when the vocabulary knows
        the result as the same kind of thing. Read from the right, so "A, B or C disease" gives
        "A disease" too; only the name just after gives its words ("Active, X, or unstable
        angina" is no "active angina"). So too before a bound's one subject: "Total or direct
        bilirubin ≤ 1.5 × ULN" is total bilirubin or direct bilirubin."""
        out = list(parts)
        for i in range(len(out) - 2, -1, -1):
            part, after = out[i], out[i + 1]
            if isinstance(after, Threshold) and len(after.subjects) == 1:
                giver: Name = after.subjects[0]
            elif isinstance(after, Presence) and after.status is None:
                giver = after.subject
            else:
                continue
            if not isinstance(part, Presence) \
                    or part.window is not None or part.status is not None or part.exceptions \
                    or part.method is not None or self.concept_of(part.subject) is not None:
                continue
            donor = self.concept_of(giver)
            words, tail = part.subject.text.split(), giver.text.split()
            if donor is None or not 0 < len(words) < len(tail):
                continue
            full = Name(span=part.subject.span, text=" ".join([*words, *tail[len(words):]]))
            known = self.concept_of(full)
            if known is not None and known.kind == donor.kind and known.id != donor.id:
                out[i] = dataclasses.replace(part, subject=full)
        return out

    def understanding_and_attestations(self, node: Junction) -> Predicate | None:
        """"Able to understand and willing to sign a written informed consent document", "… to
        understand and comply with study requirements": understanding is part of what the
        attestations after it record (an informed consent, a judged ability to comply), so the
        clause is those attestations. Anything else after "understand" leaves it for review."""
        first = node.parts[0] if node.parts else None
        if node.op != "and" or len(node.parts) < 2 or not isinstance(first, Presence) or not first.ability \
                or normalize_phrase(first.subject.text) not in comprehension_words():
            return None
        checks: list[Predicate] = []
        for part in node.parts[1:]:
            if not isinstance(part, Presence):
                return None
            check = self.presence(dataclasses.replace(part, ability=True))  # "able to" is on each
            if not (isinstance(check, PresenceCheck) and self.vocab.get(check.concept).kind == "attestation"):
                return None
            checks.append(check)
        if len(checks) == 1:
            return dataclasses.replace(checks[0], span=node.span, text=self.quote(node.span))
        return AllOf(span=node.span, text=self.quote(node.span), children=tuple(checks))

    def words_sharing_a_measure(self, node: Junction, lead: Name | None) -> Predicate | None:
        """"Measured or calculated creatinine clearance ≥ 60 mL/min": a word before "or" that names
        nothing alone but, put in place of the first word of the measure after it, names the same
        measure ("measured creatinine clearance"), so the two are that one bound."""
        if node.op != "or" or node.and_or or node.commas_only:
            return None
        parts = list(node.parts)
        merged = False
        for i in range(len(parts) - 2, -1, -1):
            first, then = parts[i], parts[i + 1]
            if isinstance(first, Presence) and isinstance(then, Threshold) and self._names_the_measure_of(first, then):
                parts[i:i + 2] = [dataclasses.replace(then, span=Span(first.span.start, then.span.end))]
                merged = True
        if not merged:
            return None
        if len(parts) == 1:
            return self.node(dataclasses.replace(parts[0], span=node.span), lead)
        return self.junction(dataclasses.replace(node, parts=tuple(parts)), lead)

    def _names_the_measure_of(self, first: Presence, then: Threshold) -> bool:
        if not (len(then.subjects) == 1 and first.window is None and not first.exceptions and first.status is None
                and first.method is None and not first.history and 0 < len(first.subject.text.split()) <= 2
                and self.concept_of(first.subject) is None):
            return False
        subject = then.subjects[0]
        measured = self.concept_of(subject)
        rest = subject.text.split(None, 1)
        if measured is None or measured.kind not in NUMERIC_KINDS or len(rest) < 2:
            return False
        other = self.concept_of(Name(span=subject.span, text=f"{first.subject.text} {rest[1]}"))
        return other is not None and other.id == measured.id

    def condition_without_qualifier(self, text: str) -> tuple[Concept | None, str]:
        """"Uncontrolled diabetes mellitus": the condition named once its narrowing word is taken
        out (None if there is no such word, or what is left is not a condition), and that text."""
        for kind in ("condition", "medication_class"):  # "CHRONIC systemic steroid therapy" too
            qualifier = find_qualifier(text, kind)
            if qualifier is None:
                continue
            plain = re.sub(rf"\b{re.escape(qualifier)}\b", " ", text, count=1, flags=re.I).strip(" ,")
            found = self.concept_of(plain)
            if found is not None and found.kind == kind:
                return found, plain
        return None, text

    def comma_list(self, node: Junction, lead: Name | None) -> Predicate:
        """"ANC ≥ 1500/µL, platelets ≥ 100,000/µL": joined like the clauses of an item (each
        required in an inclusion, each excluding in an exclusion). Commas alone say less than ";":
        a part written under a condition, or one not understood ("…, except patients with
        Gilbert's syndrome in whom bilirubin < 3 mg/dL"), may widen another part, so then the
        whole list goes to a person."""
        if any(_is_conditional(p) for p in node.parts):
            return self.review(node.span, "a part of a comma list is under a condition: it may widen another part")
        alternatives = self.section == "exclusion" or self._any_lead  # "one of the following: A, B"
        joined = dataclasses.replace(node, op="or" if alternatives else "and", commas_only=False)
        pred = self.junction(joined, lead)
        unread = _first_review(pred)
        if unread is not None:
            return self.review(node.span, f"a part of a comma list is not understood ({unread.reason}); it may "
                                          "qualify the others")
        return pred

    def junction(self, node: Junction, lead: Name | None) -> Predicate:
        if node.other_scale:
            return self.other_scale(node)
        if node.commas_only:
            return self.comma_list(node, lead)
        if any(isinstance(p, Since) for p in node.parts):
            return self.since_list(node)
        shared_head = self.qualifiers_sharing_a_condition(node)
        if shared_head is not None:
            return shared_head
        one_measure = self.words_sharing_a_measure(node, lead)
        if one_measure is not None:
            return one_measure
        attested = self.understanding_and_attestations(node)
        if attested is not None:
            return attested
        if not node.and_or and all(isinstance(p, Presence) and p.window is None and not p.exceptions
                                   and p.status is None and p.method is None for p in node.parts):
            # "Ability to understand and the willingness to sign a written informed consent
            # document": a name with "and" or "or" inside that the vocabulary knows whole
            head_part = node.parts[0]
            assert isinstance(head_part, Presence)
            at = head_part.subject.span.start  # after a lead such as "Patients must have"
            words = self.quote(Span(at, node.span.end))
            if m := re.match(r"the\s+", words, re.I):
                at, words = at + m.end(), words[m.end():]
            whole = Name(span=Span(at, node.span.end), text=words)
            concept = self.concept_of(whole)
            if concept is not None and concept.kind in PRESENCE_KINDS:
                return self.presence(dataclasses.replace(head_part, span=node.span, subject=whole))
        parts = _absorb_method_alternatives(list(node.parts)) if node.op == "or" else list(node.parts)
        parts = self.roman_score_values(self.elided_names(parts))
        last = parts[-1] if parts else None
        if isinstance(last, Threshold) and last.recency is not None:
            # "ANC ≥ 1500/µL and platelets ≥ 100,000/µL (within 14 days prior to registration)":
            # the recency written once at the end is about every result of the list
            parts = [_with_recency(p, last.recency) for p in parts]
        if len(parts) > 1 and any(isinstance(p, Presence) and _has_verb(p.subject.text) for p in parts[1:]):
            # "Women of childbearing potential and men must agree to use contraception": the
            # items before the verb are its subjects, not conditions of their own
            return self.review(node.span, "a list item has a verb: the items before it may be its subject")
        preds: list[Predicate] = []
        pending: list[Presence] = []  # "AST and ALT ≤ 2.5 × ULN": names waiting for a bound
        last_subjects: tuple[Name, ...] = ()
        last_shared = False
        last_value_subject: Name | None = lead
        # a window written once after a list applies to every item: "MI or stroke within 6 months"
        windows = [p.window for p in parts if isinstance(p, Presence) and p.window]
        # where the window is written: it carries to the items before it only
        windowed_at = next((p.span.start for p in parts if isinstance(p, Presence) and p.window), node.span.end)
        windowed_lead = next((self._lead_of(p) for p in parts if isinstance(p, Presence) and p.window), "")
        # "MI, unstable angina, or stroke": a list of alternatives, each read as a presence
        alternatives_list = is_alternatives_list(node)
        if alternatives_list and any(isinstance(p, Presence) and p.in_name_list for p in parts):
            listed = [p for p in parts if isinstance(p, Presence)]
            if any("/" in re.sub(r"and\s*/\s*or", "", self.text[a.span.end:b.span.start], flags=re.I)
                   for a, b in itertools.pairwise(listed)):
                # "PI3K/mTOR/Akt inhibitor therapy": slashes may share a head noun written once
                return self.review(node.span, "names joined by '/' with no bound: they may share the last word")
            first = listed[0].subject.text
            if _COMPLEMENT.search(first) and self.vocab.lookup(first) is None:
                # "hypersensitivity to erlotinib, gefitinib, or …": the first item's complement
                # may be shared by the rest, which are then not conditions of their own
                return self.review(node.span, "the first item's words after a preposition may be shared by the "
                                              "others")
            if any(_CONTINUES_PHRASE.match(p.subject.text) for p in listed):
                # "hypersensitivity or contraindication to X, to Y or to Z": the list continues
                # a phrase, whose first words bind every item; "cardiac disease, which requires
                # treatment, or stroke": a clause on the item before it, not an item of its own
                return self.review(node.span, "a list item continues a phrase: what it binds is unclear")
            if any(len(p.subject.text.split()) == 1 and self.concept_of(p.subject) is None for p in listed):
                # "active, non-infectious pneumonitis", "hepatitis A, B, or C infection": a word
                # of its own in the list qualifies or abbreviates the others
                return self.review(node.span, "a single word in the list is not a condition: it may qualify the others")
        listed_all = [p for p in parts if isinstance(p, Presence)]
        # the last item, or the first name of a last item that is a list of its own ("melanoma or
        # lymphoma of the head and neck": "of the head and neck" may bind "melanoma")
        last_item = _first_presence(parts[-1]) if isinstance(parts[-1], Junction) else parts[-1]
        if node.op == "or" and all(isinstance(p, Presence | Junction) for p in parts) and len(parts) > 1 \
                and isinstance(last_item, Presence) \
                and _TRAILING_COMPLEMENT.search(last_item.subject.text) \
                and not re.match(r"\s*\w+ing\b|\s*plans?\b", last_item.subject.text, re.I) \
                and self.vocab.lookup(last_item.subject.text) is None \
                and any(self.concept_of(p.subject) is not None for p in listed_all if p is not last_item):
            # "peritoneal carcinomatosis or adenomucinosis secondary to colorectal cancer", "allergy
            # or intolerance to contrast media": the last item's complement may bind the items
            # before it, which are then narrower (an item that is a verb phrase, "planning to
            # become pregnant", binds nothing)
            return self.review(node.span, "the last item's words after a preposition may bind the items before it")
        if alternatives_list and self._drug_in_complement([p for p in parts if isinstance(p, Presence)]):
            return self.review(node.span, "a drug after an item with words after a preposition may belong to "
                                          "them: it may not be a condition of its own")
        presences = [p for p in parts if isinstance(p, Presence)]
        head = presences[0] if presences else None
        if head is not None and head.subject.text \
                and (_HISTORY.search(self.text[head.span.start:head.subject.span.start])
                     or re.match(r"\s*(prior|previous|past)\b", head.subject.text, re.I)):
            # "Prior chemotherapy or radiotherapy": "prior" written once is about every item
            # without a lead of its own (read alone, "radiotherapy" would count only a current one)
            parts = [dataclasses.replace(p, history=True)
                     if isinstance(p, Presence) and p.subject.span.start == p.span.start else p for p in parts]
        last_presence: Name | None = None
        for part in parts:
            if isinstance(part, Presence) and part.in_name_list and not alternatives_list:
                concept = self.concept_of(part.subject)
                if concept is None or concept.kind not in NUMERIC_KINDS | {"category"}:
                    # "diabetes, hypertension or COPD": a list of conditions is not names sharing
                    # a bound, and whether it means each or either depends on the section
                    return self.review(node.span, f"{part.subject.text!r} is listed before a bound "
                                                  "but is not a measurement")
            if isinstance(part, Presence) and not part.subject.text and last_presence is not None:
                part = dataclasses.replace(part, subject=last_presence)
            if isinstance(part, Presence) and part.subject.text:
                last_presence = part.subject
            if isinstance(part, Presence) and not part.window and not part.exceptions:
                concept = self.concept_of(part.subject)
                if concept is not None and concept.kind in NUMERIC_KINDS | {"category"}:
                    pending.append(part)
                    continue
            if isinstance(part, Presence) and part.window is None and len(windows) == 1 and node.op == "or" \
                    and part.span.start > windowed_at and not _NOW.match(self.quote(part.span)):
                # "MI within 6 months or solid organ transplant": the window is written on an
                # earlier item; read with it, an old transplant would not count, read without it,
                # a recent event that is no longer current would not: which is meant is unclear
                preds.append(self.review(part.span, "a window is written on an earlier item: whether it applies "
                                                    "to this one is unclear"))
                continue
            if isinstance(part, Presence) and part.window is None and len(windows) == 1 and node.op == "or" \
                    and part.span.start < windowed_at and windowed_lead and self._lead_of(part) != windowed_lead \
                    and getattr(self.concept_of(part.subject), "kind", None) == "condition":
                # "Diagnosis of immunodeficiency or receiving steroids within 7 days": the window is
                # on an item with a lead of its own; read on the condition too, an old diagnosis
                # would not count ("Has received X or has used Y within 4 weeks" still shares it)
                preds.append(self.review(part.span, "a window is written on a later item with its own lead: whether "
                                                    "it applies to this one is unclear"))
                continue
            if isinstance(part, Presence) and part.window is None and len(windows) == 1 and node.op == "or" \
                    and part.span.start < windowed_at:
                # the shared window only: its dose, clause or indication stays ("Systemic steroids
                # (> 10 mg/day) or other immunosuppressants within 2 weeks")
                part = dataclasses.replace(part, window=windows[0])
            elif isinstance(part, Presence) and part.window is None and node.op == "or" \
                    and len({(_window_length(w), w.anchor.text if w.anchor else "") for w in windows}) > 1:
                # "MI within 6 months, or DVT or PE within 3 years": which window the bare name
                # takes is unclear, and read with none it would count any past record
                preds.append(self.review(part.span, "items with different windows around it: which applies is unclear"))
                continue
            if isinstance(part, Junction) and part.normal_range and pending:
                # "Urea and creatinine within normal limits": both limits for every name
                names = tuple(p.subject for p in pending)
                pending = []
                if node.op != "and":  # "urea or creatinine normal": each, or either?
                    preds.append(self.review(node.span, "names joined by 'or' before 'normal': each or either is unclear"))
                    continue
                low_high = [self.threshold(t, names + t.subjects) for t in part.parts if isinstance(t, Threshold)]
                preds.append(AllOf(span=_cover(names[0].span, part.span),
                                   text=self.quote(_cover(names[0].span, part.span)), children=tuple(low_high)))
                continue
            if isinstance(part, Threshold):
                shared = bool(pending)  # "AST or ALT > 3 × ULN": the bound is shared
                subjects = tuple(p.subject for p in pending) + part.subjects
                pending_span = pending[0].span if pending else None
                if pending:  # the checks quote every name that shares the bound
                    part = dataclasses.replace(part, span=_cover(pending[0].span, part.span))
                if not subjects and _says_age(part):  # "At least 18 years old and …"
                    subjects = (Name(span=part.span, text="age"),)
                if not subjects:
                    # "PT or aPTT > 1.5 × ULN or < 0.5 × LLN": the bare bound is about the same
                    # subjects, read the same way (either of them)
                    subjects, shared = last_subjects, last_shared
                if not subjects and lead is not None:  # "Bilirubin: within normal range"
                    subjects = self.lead_subjects(lead)
                    self._lead_used = True
                pending = []
                if not subjects:
                    preds.append(self.review(part.span, "a bound without a subject"))
                    continue
                last_subjects, last_shared = subjects, shared
                if shared and node.and_or and _above_only(part):
                    # "AST and/or ALT > 3 × ULN": either or both above, as written and as meant
                    preds.append(self.threshold(part, subjects, any_subject=True))
                    continue
                if shared and node.and_or:
                    # "AST and/or ALT < 3 × ULN": each of them, or either? A person decides.
                    preds.append(self.review(node.span, "'and/or' before one shared bound: whether each "
                                                        "or either must hold is not written"))
                    continue
                if shared and node.op == "and" and self.section == "exclusion" and len(subjects) > 1:
                    # "AST and ALT > 3 × ULN" among exclusions: both, or either (the negation of
                    # "AST and ALT ≤ 3 × ULN")? Either reading could be wrong
                    preds.append(self.review(_cover(pending_span, part.span) if pending_span else part.span,
                                             "'and' before one shared bound in an exclusion: whether both or "
                                             "either must be beyond it is not written"))
                    continue
                if not shared and len(subjects) == 1 and subjects == part.subjects and self._only_person(subjects[0]):
                    # "Subjects must be at least 18 years of age and in good general health": the
                    # person's age, as when the clause stands alone
                    preds.append(self.node(part, lead))
                    continue
                preds.append(self.threshold(part, subjects, any_subject=(shared and node.op == "or")
                                            or (self.section == "exclusion" and not shared and len(subjects) > 1)))
                continue
            if isinstance(part, ValueList):
                subject = part.subject or last_value_subject
                if pending and part.subject is None:
                    subject = pending[-1].subject
                    pending = []
                last_value_subject = subject
                preds.append(self.value_list(part, subject))
                continue
            if isinstance(part, Junction) and (names := _subjects_of(part)):
                # "AST and ALT ≤ 2.5 × ULN or ≤ 5 × ULN if liver metastases": the bare bound
                # after it is about the same names, each of them
                last_subjects, last_shared = names, False
            preds.append(self.node(part, lead))
        for p in pending:  # a lab named with no bound at all
            preds.append(self.review(p.span, f"{p.subject.text!r} has no threshold"))
        text = self.quote(node.span)
        if len(preds) > 1 and all(isinstance(p, NeedsReview) for p in preds) \
                and all(isinstance(p, Unparsed | Presence) for p in parts) and self._sex_of_person_lead(node) is None:
            # "Any other clinically significant disease or condition that the investigator believes
            # may affect …": no part is understood, and a person reads the clause whole
            unread = preds[0]
            assert isinstance(unread, NeedsReview)
            return self.review(node.span, f"no part is understood ({unread.reason}, and {len(preds) - 1} more)")
        if preds and isinstance(preds[0], NeedsReview) and isinstance(parts[0], Unparsed | Presence) \
                and any(isinstance(p, PresenceCheck) for p in preds[1:]):
            # "No previous chemotherapy and radiotherapy": the words of an unreadable first part
            # ("No previous") may carry over to the rest, which must not be read alone
            return self.review(node.span, f"{preds[0].reason}; the rest may depend on it")
        leading = preds[0] if preds else None
        if isinstance(leading, PresenceCheck) and leading.qualifier:
            # "uncontrolled hypertension or diabetes": the qualifier reads on the whole list
            preds = [dataclasses.replace(p, qualifier=leading.qualifier)
                     if isinstance(p, PresenceCheck) and not p.qualifier
                     and self.vocab.get(p.concept).kind == "condition" else p for p in preds]
        lists = [q for q in preds if isinstance(q, CategoryCheck)]
        if node.op == "or" and len(preds) > 1 and len(lists) == len(preds) \
                and all(q.concept == lists[0].concept and q.within_days == lists[0].within_days for q in lists):
            # "ECOG 0 or 1": one check with the union of the values
            allowed: list[str] = []
            for q in lists:
                allowed.extend(a for a in q.allowed if a not in allowed)
            return CategoryCheck(span=node.span, text=text, concept=lists[0].concept,
                                 allowed=tuple(allowed), within_days=lists[0].within_days,
                                 written=" or ".join(q.written for q in lists))
        if len(preds) == 1:
            return preds[0]
        by_group = _by_group(node.span, text, preds)
        if by_group is not None:  # "≤ 450 ms for men and ≤ 470 ms for women": each for its own
            return by_group
        split = [_split_conditional(p) for p in preds]
        if any(s is not None and _is_sex(s[0]) for s in split):
            # a bound for one sex next to parts that are not read as the other sex's bound:
            # "and" or "or" could each be wrong here
            return self.review(node.span, "bounds for one sex next to other parts: how they combine is unclear")
        if node.op == "or" and any(_is_conditional(p) for p in parts) and any(isinstance(q, NeedsReview) for q in preds):
            # "platelets < 100 or platelets < 75 if marrow involvement is documented": the unread
            # bound under a condition may narrow the other; "A or (review)" would decide on A alone
            return self.review(node.span, _UNREAD_CONDITIONAL)
        if node.op == "or" and any(s is not None for s in split):
            return self.alternatives(node.span, preds)  # "≤ 2.5 × ULN, or ≤ 5 × ULN if liver metastases"
        if node.op == "and" and all(isinstance(p, Presence) for p in parts) \
                and _groups_listed([self.quote(p.span) for p in parts]) \
                and all(isinstance(q, PresenceCheck) for q in preds):
            # "Pregnant and nursing women", "Pregnant women and nursing mothers": groups of
            # persons listed, each of them meant (pregnant women, and nursing women)
            return AnyOf(span=node.span, text=text, children=tuple(preds))
        if node.op == "and" and self.section == "exclusion" \
                and sum(_names_a_condition(p) for p in parts) >= 2 \
                and any(isinstance(leaf, PresenceCheck) for q in preds for leaf in leaves(q)):
            # "Pregnant and lactating women", "HIV and hepatitis B" among exclusions: read as both,
            # a pregnant woman who is not nursing would pass; either is the usual intent, but
            # not what is written. Likewise when a part is itself a list ("Patients with seizures,
            # and women who are pregnant or breast-feeding")
            return self.review(node.span, "'and' between conditions in an exclusion: whether both or either "
                                          "must be present is not written")
        if node.op == "and":
            return AllOf(span=node.span, text=text, children=tuple(preds))
        if _always_holds(preds):
            return self.review(node.span, _ALWAYS_HOLDS)
        return AnyOf(span=node.span, text=text, children=tuple(preds))

    # ------------------------------------------------------------------ thresholds
    def threshold(self, node: Threshold, subjects: tuple[Name, ...], any_subject: bool = False) -> Predicate:
        pred = self._threshold(node, subjects, any_subject)
        if not isinstance(pred, NeedsReview):
            pred = self.open_support(node, pred)
        if node.recency is None or isinstance(pred, NeedsReview):
            return pred
        recency = node.recency
        if recency.anchor is not None and not is_reference_event(recency.anchor.text):
            return self.review(node.span, f"the result's age is counted from {recency.anchor.text!r}, "
                                          "which is not a known reference event")
        checks = list(leaves(pred))
        for check in checks:
            if isinstance(check, PresenceCheck):  # the condition of a conditional bound
                continue
            if not isinstance(check, NumericCheck):
                return self.review(node.span, "how recent a result must be is only read for numeric results")
            c = self.vocab.get(check.concept)
            if not c.dated:
                return self.review(node.span, f"{c.label} is not a dated result: how recent it must be "
                                              "is for a person")
        return _map_checks(pred, lambda c: dataclasses.replace(c, within_days=recency.days))

    def open_support(self, node: Threshold, pred: Predicate) -> Predicate:
        """"ANC ≥ 1500/µL without G-CSF support", with no window: whether the value was reached
        without it is for a person, but a value the support can only have raised still shows
        its side (vocabulary `supports`): a failing floor fails, a ceiling met is met. A check
        either way, or on a lab the support does not raise, is left whole for review."""
        opened = [e for e in node.exposures if e.within is None]
        if not opened:
            return pred
        values = [leaf for leaf in leaves(pred) if isinstance(leaf, NumericCheck)]
        supports = [concept.supports for e in opened if (concept := self._exposure_concept(e)) is not None]
        kept = {check.kept_under_support(care) for check in values for care in supports}
        if not values or len(kept) != 1 or None in kept or any(check.group for check in values) \
                or any(not isinstance(leaf, (NumericCheck, PresenceCheck, CategoryCheck)) for leaf in leaves(pred)) \
                or any(isinstance(leaf, CategoryCheck) and self.vocab.get(leaf.concept).kind != "demographic"
                       for leaf in leaves(pred)):
            return self.review(node.span, "a bound to be reached without "
                                          f"{' or '.join(repr(e.exposure.text) for e in opened)}, "
                                          "with no window written: whether it was is for a person")
        span = functools.reduce(_cover, (e.span for e in opened))
        review = self.review(span, f"no window is written for {' or '.join(repr(e.exposure.text) for e in opened)}: "
                                   "whether the value was reached without it is for a person")
        joined = AllOf if kept == {False} else AnyOf
        return joined(span=node.span, text=self.quote(node.span), children=(pred, review))

    def _exposure_concept(self, exp: Exposure) -> Concept | None:
        """"without (the) use of G-CSF": the drug or procedure, read without the words around it."""
        return self.concept_of(exp.exposure) or self.concept_of(_EXPOSURE_WORDS.sub("", exp.exposure.text))

    def _threshold(self, node: Threshold, subjects: tuple[Name, ...], any_subject: bool) -> Predicate:
        method: str | None = None
        context: list[PresenceCheck | CategoryCheck] = []
        subjects = self.names_joined_by_a_slash(subjects)
        node, subjects = self.note_naming_the_scale(node, subjects)
        for note in node.notes:
            m = lookup_method(note.text)
            if m is not None:
                method = m
                continue
            if is_neutral_note(note.text):
                continue
            if is_inclusive_note(note.text):
                if all(c.upper is not None or c.op in (">=", "<=") for c in node.comparisons):
                    continue  # "18 to 65 years (inclusive)": as read
                return self.review(node.span, f"the note {note.text!r} says the limit is included, "
                                              "which the comparison does not")
            group = self.sex_group(note)
            if group is not None:  # "QTcF > 450 ms (male)": the bound is for that sex
                context.append(group)
                continue
            about = self.concept_of(note)
            if about is None:
                return self.review(node.span, f"the note {note.text!r} is not understood")
            if about.kind != "condition":
                # "2 prior lines OF CHEMOTHERAPY": the note narrows the subject in a way no
                # check here can express
                return self.review(node.span, f"the note {note.text!r} narrows the criterion")
            # "NYHA grade ≥ 2 for congestive heart failure": the grade of that condition
            context.append(PresenceCheck(span=note.span, text=note.text, concept=about.id,
                                         written=note.text))
        exposures: list[ExposureWindow] = []
        for exp in node.exposures:
            concept = self._exposure_concept(exp)
            if concept is None or concept.kind not in {"medication_class", "procedure"}:
                return self.review(node.span, f"unknown exposure {exp.exposure.text!r}")
            if exp.within is None:
                continue  # no window: read by open_support, on the checks made here
            anchor = exp.within.anchor
            if anchor is not None and not is_reference_event(anchor.text):
                return self.review(node.span, f"the window of {exp.exposure.text!r} is counted from "
                                              f"{anchor.text!r}, which is not a known reference event")
            if not any(e.concept == concept.id and e.days == exp.within.days for e in exposures):
                exposures.append(ExposureWindow(concept=concept.id, days=exp.within.days,
                                                text=self.quote(exp.span)))
        checks: list[Predicate] = []
        seen: set[tuple[str, str | None]] = set()
        for subject in subjects:
            concept = self.concept_of(subject)
            if concept is None:
                return self.review(node.span, f"unknown subject {subject.text!r}")
            if concept.quantity and any(isinstance(c.value, Amount) and c.value.unit for c in node.comparisons):
                concept = self.vocab.get(concept.quantity)  # "proteinuria > 1 g/24 h": the amount
            concept = self._by_unit(concept, node)
            if method is not None and not load_methods()[method].measures(concept.id):
                # "eGFR ≥ 60 using the Cockcroft-Gault formula": that formula gives a clearance
                return self.review(node.span, f"{load_methods()[method].label} is not a way to measure "
                                              f"{concept.label}")
            named = restricting_methods_in(subject.text, concept.id)  # "QTcF": the name says the formula
            if len(named) > 1 or (named and method is not None and method != named[0]):
                return self.review(node.span, f"{subject.text!r} and its notes name more than one way to measure "
                                              f"{concept.label}")
            subject_method = method or (named[0] if named else None)
            if (concept.id, subject_method) in seen:  # "AST/SGOT and ALT/SGPT": two names of one lab, one check
                continue
            seen.add((concept.id, subject_method))
            if concept.pair:
                checks.append(self.pair_bound(node, concept, tuple(exposures), subject_method))
                continue
            try:
                checks.append((self.panel_bound if concept.panel else self.bounds_on)(
                    node, concept, tuple(exposures), subject_method))
            except _WholeThreshold as unread:
                return unread.review
        checks = [*context, *checks]
        if len(checks) == 1:
            return checks[0]
        if any_subject:
            subject_checks = [c for c in checks if c not in context]
            either = AnyOf(span=node.span, text=self.quote(node.span), children=tuple(subject_checks))
            if not context:
                return either
            return AllOf(span=node.span, text=self.quote(node.span), children=(*context, either))
        return AllOf(span=node.span, text=self.quote(node.span), children=tuple(checks))

    def _for_the_sex_named(self, person: Name, span: Span, pred: Predicate) -> Predicate:
        """The age bound ``pred`` for the one sex ``person`` names, if it names one ("Women ≥ 18
        years"); both sexes, or none, restrict no one."""
        sexes = _sexes_named(person.text)
        if isinstance(pred, NeedsReview) or len(sexes) != 1:
            return pred
        one_sex = CategoryCheck(span=person.span, text=person.text, concept="sex", allowed=(sexes.pop(),),
                                written=person.text)
        return AllOf(span=span, text=self.quote(span), children=(one_sex, pred))

    def _only_person(self, name: Name, also: frozenset[str] = frozenset()) -> bool:
        """"Patients", "Women", "Male or female subjects": words naming the person and nothing else
        (and the words ``also`` allows)."""
        words = [w for w in normalize_phrase(name.text).split()
                 if w not in person_words() and w not in _SEX_AND_JOIN and w not in also]
        return not words and bool(name.text.strip())

    def _sex_of_person_lead(self, node: Syntax) -> CategoryCheck | None:
        """"Women with …", "Male patients who have …" before a condition (or before the first of a
        list of them): the one sex the clause is about."""
        first = node.parts[0] if isinstance(node, Junction) and node.parts else node
        if not isinstance(first, Presence) or not first.subject.text:
            return None
        words = self.text[first.span.start:first.subject.span.start]
        if not re.search(r"\b(with|who|that)\b", words, re.I):
            return None
        sex, _ = self.sex_prefix(Name(span=Span(first.span.start, first.subject.span.start), text=words))
        return sex

    def sex_prefix(self, name: Name) -> tuple[CategoryCheck | None, Name | None]:
        """"Women aged", "Male patients with": the one sex the words before a name restrict to
        (None for "men and women": both), and the name after them (None, None when the name
        does not begin with a sex)."""
        m = _SEX_WORDS.match(name.text)
        if m is None or not name.text[m.end():].strip():
            return None, None
        sexes = _sexes_named(m.group(0))
        words = name.text[m.end():]
        start = name.span.start + m.end() + len(words) - len(words.lstrip())
        rest = Name(span=Span(start, name.span.end), text=words.strip())
        if len(sexes) != 1:
            return None, rest
        sex = next(iter(sexes))
        span = Span(name.span.start, name.span.start + len(m.group(0).rstrip()))
        return CategoryCheck(span=span, text=self.quote(span), concept="sex", allowed=(sex,),
                             written=m.group(0).strip()), rest

    def sex_only(self, node: Presence) -> CategoryCheck | None:
        """"Male", "Female sex", "Female patients": a clause of words naming one sex and nothing
        else. ("Male or female" is left to a person: read as the two sexes it would refuse a
        patient recorded as "other".)"""
        if node.window is not None or node.exceptions or node.method or node.status or node.history \
                or node.subject.span != node.span:  # "History of …", "Patients with …": more than a sex
            return None
        words = [w for w in normalize_phrase(node.subject.text).split()
                 if w not in person_words() and w not in _SEX_ONLY_FILLER]
        sex = self.sex_group(Name(span=node.span, text=words[0])) if len(words) == 1 else None
        if sex is None:
            return None
        return dataclasses.replace(sex, text=self.quote(node.span), written=node.subject.text)

    def sex_group(self, name: Name) -> CategoryCheck | None:
        """"women", "male patients": the sex a bound is written for, as a check on the patient."""
        words = [w for w in normalize_phrase(name.text).split() if w not in person_words()]
        codes = self.vocab.category("sex", " ".join(words)) if words else None
        if not codes:
            return None
        return CategoryCheck(span=name.span, text=name.text, concept="sex", allowed=tuple(codes), written=name.text)

    def alternatives(self, span: Span, alternatives: list[Predicate]) -> Predicate:
        """Bounds of which one must hold, some only under a condition: "AST ≤ 2.5 × ULN (≤ 5 × ULN
        if liver metastases)". The default bound holds unless the condition does; a conditional
        bound that widens the default needs only its condition ("either"), one that narrows it or
        cannot be compared replaces the default when its condition holds."""
        text = self.quote(span)
        defaults = [a for a in alternatives if _split_conditional(a) is None]
        conditionals = [c for a in alternatives if (c := _split_conditional(a)) is not None]
        if not conditionals:
            if _always_holds(alternatives):
                return self.review(span, _ALWAYS_HOLDS)
            return AnyOf(span=span, text=text, children=tuple(alternatives))
        guarded = [AllOf(span=b.span, text=b.text, children=(g, b)) for g, b in conditionals]
        if not defaults:
            by_group = _by_group(span, text, alternatives)  # "≤ 11 g/dL for men; ≤ 10 g/dL for women"
            if by_group is not None:
                return by_group
            if any(_is_sex(g) for g, _ in conditionals) and len(conditionals) > 1:
                return self.review(span, "bounds for one sex next to other conditional bounds: which applies is unclear")
            return guarded[0] if len(guarded) == 1 else AnyOf(span=span, text=text, children=tuple(guarded))
        default = defaults[0] if len(defaults) == 1 else AnyOf(span=span, text=text, children=tuple(defaults))
        if all(_implies(default, bound) for _, bound in conditionals):
            return AnyOf(span=span, text=text, children=(*defaults, *guarded))
        if len(conditionals) > 1:
            return self.review(span, "several conditional bounds that do not all widen the default: "
                                     "which one applies when several conditions hold is unclear")
        (has, bound), = conditionals
        unless = AllOf(span=default.span, text=default.text,
                       children=(default, Not(span=has.span, text=has.text, child=has)))
        if _implies(bound, default):
            # "AST > 2.5 × ULN (> 5 × ULN if liver metastases)" as an exclusion: above 5 × ULN
            # excludes whatever the condition; between the two, only without liver metastases
            return AnyOf(span=span, text=text, children=(bound, unless))
        return AnyOf(span=span, text=text, children=(guarded[0], unless))

    def guarded(self, guard: Guard, bound: Predicate, span: Span, text: str) -> Predicate:
        """A bound that applies only under a condition ("≤ 470 ms for women", "≤ 5 × ULN if liver
        metastases"), read on its own: a requirement binds only those it is written for (not
        the condition, or the bound); an exclusion excludes only them (the condition and the bound)."""
        if self.section == "exclusion":
            return AllOf(span=span, text=text, children=(guard, bound))
        return AnyOf(span=span, text=text, children=(Not(span=guard.span, text=guard.text, child=guard), bound))

    def comparison(self, comp: Comparison, concept: Concept, node: Threshold,
                   exposures: tuple[ExposureWindow, ...], method: str | None) -> Predicate:
        span = node.span if len(node.comparisons) == 1 else comp.span
        text = self.quote(span)
        check = self.bound(comp, concept, span, text, exposures, method)
        if isinstance(check, NumericCheck) and check.limit is not None and comp.condition is not None \
                and not comp.condition_absent and normalize_phrase(comp.condition.text) == "age":
            # "≤ 1.5 × ULN for age": not a group of patients, but which reference range is meant
            return dataclasses.replace(check, for_age=True)
        if not comp.conditional or isinstance(check, NeedsReview):
            return check
        if comp.condition_bound is not None:
            # "direct bilirubin ≤ ULN for participants with total bilirubin > 1.5 × ULN"
            named_by = self.threshold(comp.condition_bound, comp.condition_bound.subjects)
            if not isinstance(named_by, NumericCheck):
                return self.review(comp.span, f"the group {self.quote(comp.condition_bound.span)!r} is not understood")
            return self.guarded(dataclasses.replace(named_by, group=True), check, span, text)
        assert comp.condition is not None
        group = self.sex_group(comp.condition)
        if group is not None:  # "≤ 470 ms for women"
            return self.guarded(group, check, span, text)
        cond = self.concept_of(comp.condition)
        if cond is None or cond.kind not in PRESENCE_KINDS:
            return self.review(span, f"unknown condition {comp.condition.text!r}")
        has = PresenceCheck(span=comp.condition.span, text=comp.condition.text, concept=cond.id,
                            written=comp.condition.text)
        if comp.condition_absent:  # "≤ 2.5 × ULN for patients without liver metastases"
            if cond.kind != "condition":
                # "in the absence of growth factor support": how the value was obtained, which
                # read as a group of patients would let those on support pass unchecked
                return self.review(comp.span, f"'without {comp.condition.text}' may be about how the value "
                                              "was obtained rather than which patients it binds")
            return self.guarded(Not(span=has.span, text=has.text, child=has), check, span, text)
        return self.guarded(has, check, span, text)

    def _by_unit(self, concept: Concept, node: Threshold) -> Concept:
        """The lab the subject's words name in the unit its bounds are written in: "creatinine
        clearance ≥ 60 mL/min/1.73 m²" is the clearance per body surface area (vocabulary
        `by_unit`). Only when every unit written is the other lab's and none is this one's."""
        units = [a.unit for c in node.comparisons for a in (c.value, c.upper) if isinstance(a, Amount) and a.unit]
        if not concept.by_unit or not units:
            return concept

        def takes(lab: Concept) -> bool:
            try:
                return all(conversion_factor(u, lab) > 0 for u in units)
            except UnitError:
                return False

        if takes(concept):
            return concept
        return next((o for o in map(self.vocab.get, concept.by_unit) if takes(o)), concept)

    def bounds_on(self, node: Threshold, concept: Concept, exposures: tuple[ExposureWindow, ...],
                  method: str | None) -> Predicate:
        """Every bound of a threshold on one concept: one check, or the alternatives of which one
        must hold ("≤ 2.5 × ULN (≤ 5 × ULN if liver metastases)"). Bounds that disagree, or an
        unread bound under a condition, leave the whole threshold for review (``_WholeThreshold``)."""
        alternatives = [self.comparison(c, concept, node, exposures, method) for c in node.comparisons]
        for again in node.restated:  # "≥ 1.5 × 10^9/L (1500/mm3)": must say the same
            other = self.bound(again, concept, again.span, self.quote(again.span), exposures, method)
            if not _same_bound(alternatives[0], other):
                raise _WholeThreshold(self.review(node.span, f"the bound in parentheses {self.quote(again.span)!r} "
                                                             f"does not agree with {self.quote(node.comparisons[0].span)!r}"))
        if len(alternatives) > 1 and any(isinstance(a, NeedsReview) for a in alternatives) \
                and any(c.conditional for c in node.comparisons):
            raise _WholeThreshold(self.review(node.span, _UNREAD_CONDITIONAL))  # "≤ 2.5 × ULN (≤ 5 × ULN if ...)"
        if len(alternatives) == 1:
            return alternatives[0]
        return self.alternatives(node.span, alternatives)

    def panel_bound(self, node: Threshold, concept: Concept, exposures: tuple[ExposureWindow, ...],
                    method: str | None) -> Predicate:
        """"Transaminases ≤ 3 × ULN": each lab of the panel within the bound. Above a bound is any
        of them above, its negation ("elevated transaminases > 3 × ULN" is either one high). A floor
        or a range on several labs at once is not a usual way to write, so it is for a person."""
        above = _above_only(node)
        if not above and not all(c.op in ("<", "<=") and c.upper is None for c in node.comparisons):
            labs = " and ".join(self.vocab.get(m).label for m in concept.panel)
            return self.review(node.span, f"{concept.label} is read only below a bound, for each of {labs}, "
                                          "or above it, for either")
        each = [self.bounds_on(node, self.vocab.get(m), exposures, method) for m in concept.panel]
        if any(isinstance(c, NeedsReview) for c in each):
            return next(c for c in each if isinstance(c, NeedsReview))
        joined = AnyOf if above else AllOf
        return joined(span=node.span, text=self.quote(node.span), children=tuple(each))

    def pair_bound(self, node: Threshold, concept: Concept, exposures: tuple[ExposureWindow, ...],
                   method: str | None) -> Predicate:
        """"Blood pressure > 150/100 mmHg": the two measures it stands for. Above a pair is above
        either value (hypertension is either one high); below a pair is below both, its negation."""
        comps = node.comparisons
        comp = comps[0] if len(comps) == 1 else None
        if comp is None or node.restated or comp.conditional or comp.upper is not None \
                or not isinstance(comp.value, Amount) or comp.value.second is None:
            return self.review(node.span, f"{concept.label} is read only as one bound on a pair of values "
                                          "(\"< 140/90 mmHg\")")
        value = comp.value
        second = value.second
        assert second is not None
        span, text = node.span, self.quote(node.span)
        checks = []
        for member, number in zip(concept.pair, (value.value, second), strict=True):
            one = dataclasses.replace(comp, value=dataclasses.replace(value, value=number, second=None))
            check = self.bound(one, self.vocab.get(member), span, text, exposures, method)
            if not isinstance(check, NumericCheck):
                return check if isinstance(check, NeedsReview) else self.review(span, "a blood pressure that is no number")
            # an explanation quotes the member's own value: "required < 140 of 140/90 mmHg"
            checks.append(dataclasses.replace(check, written=f"{number:g} of {self.quote(value.span)}"))
        joined = AnyOf if comp.op in (">", ">=") else AllOf
        return joined(span=span, text=text, children=tuple(checks))

    def bound(self, comp: Comparison, concept: Concept, span: Span, text: str,
              exposures: tuple[ExposureWindow, ...], method: str | None) -> Predicate:
        value = comp.value
        written = self.quote(value.span)
        if any(isinstance(a, Amount) and a.second is not None for a in (value, comp.upper)):
            return self.review(span, f"{written}: a pair of values is read only for a measure written as a "
                                     f"pair (blood pressure), not for {concept.label}")
        if isinstance(value, LimitMultiple):
            if concept.kind != "lab":
                return self.review(span, f"{concept.id} has no reference limit")
            return NumericCheck(span=span, text=text, concept=concept.id, op=comp.op,
                                threshold=value.multiple, unit=None, limit=value.limit,
                                written=written, exposures=exposures, method=method)
        if isinstance(value, Tag):
            return self.categories(span, text, concept, (value,), op=comp.op)
        assert isinstance(value, Amount)
        if concept.kind in {"state", "condition"} and value.unit is None and comp.op in {">=", ">"}:
            # "at least one measurable lesion": presence of the thing
            if (comp.op == ">=" and value.value >= 1) or (comp.op == ">" and value.value >= 0):
                if value.value <= 1:
                    return PresenceCheck(span=span, text=text, concept=concept.id, written=written)
            return self.review(span, f"a count of {concept.label} is not recorded")
        if concept.kind not in NUMERIC_KINDS:
            return self.review(span, f"{concept.label} is not a measurement")
        try:
            threshold = self.convert(value, concept)
            upper = self.convert(comp.upper, concept) if comp.upper is not None else None
        except UnitError as err:
            return self.review(span, str(err))
        for bound in (threshold, upper):
            why = _implausible(bound, concept)
            if why:
                return self.review(span, f"{written}: {why}")
        return NumericCheck(span=span, text=text, concept=concept.id, op=comp.op,
                            threshold=threshold, unit=concept.unit, upper=upper, written=written,
                            exposures=exposures, method=method)

    def convert(self, amount: Amount, concept: Concept) -> float:
        if amount.unit is None:
            if concept.unit is None or concept.kind in {"score", "count"} or normalize_unit(concept.unit) == "1":
                return amount.value  # INR 1.5: a ratio has no unit to write
            if concept.bare_units.get("1"):  # the vocabulary says what a bare number means here
                amount = Amount(span=amount.span, value=amount.value, unit=concept.bare_units["1"])
                return amount.value * conversion_factor(amount.unit or "", concept)
            raise UnitError(f"{amount.value:g} has no unit; {concept.id} needs one such as "
                            f"{describe_unit(concept.unit)}")
        if concept.unit is None:
            # a score written with a decoration its vocabulary entry allows: "Karnofsky ≥ 70%"
            if concept.bare_units.get(amount.unit.strip()) == "1":
                return amount.value
            raise UnitError(f"{amount.value:g} {amount.unit}: {concept.id} takes no unit")
        factor = conversion_factor(amount.unit, concept, value_text=f"{amount.value:g} {amount.unit}")
        return amount.value * factor

    # ------------------------------------------------------------------ categories
    def value_list(self, node: ValueList, subject: Name | None) -> Predicate:
        pred = self._value_list(node, subject)
        recency = node.recency
        if recency is None or isinstance(pred, NeedsReview):
            return pred
        if recency.anchor is not None and not is_reference_event(recency.anchor.text):
            return self.review(node.span, f"the result's age is counted from {recency.anchor.text!r}, "
                                          "which is not a known reference event")
        if not (isinstance(pred, CategoryCheck) and self.vocab.get(pred.concept).dated):
            return self.review(node.span, "how recent a result must be is only read for dated results")
        return dataclasses.replace(pred, within_days=recency.days)

    def _value_list(self, node: ValueList, subject: Name | None) -> Predicate:
        if node.subject is None and subject is not None:
            self._lead_used = True
        if subject is None:
            return self.review(node.span, "values without a subject")
        concept = self.concept_of(subject)
        if concept is None:
            return self.review(node.span, f"unknown subject {subject.text!r}")
        span = _cover(subject.span, node.span)
        words = {" ".join(t.text.lower().split()) for t in node.values}
        if concept.kind in PRESENCE_KINDS and len(words) == 1 and words <= _STATUS_YES | _STATUS_NO:
            # "HIV positive": the condition is present; "HBV DNA negative" on a condition: absent
            # the span here starts at the name: a lead before it ("History of HIV positive") is
            # in the value list's own span
            has = PresenceCheck(span=span, text=self.quote(span), concept=concept.id, written=subject.text,
                                history=bool(_HISTORY.search(self.quote(node.span))))
            if words <= _STATUS_YES:
                return has
            return Not(span=span, text=self.quote(span), child=has)
        return self.categories(_cover(subject.span, node.span),
                               self.quote(_cover(subject.span, node.span)), concept, node.values)

    def categories(self, span: Span, text: str, concept: Concept, tags: tuple[Tag, ...],
                   op: str = "==") -> Predicate:
        allowed: list[str] = []
        if concept.kind == "score" and op == "==" and len(tags) == 1 and len(concept.values) > 6 \
                and tags[0].text.strip() not in {_fmt(min(concept.values)), _fmt(max(concept.values))}:
            # "Karnofsky performance score 70": on a fine scale one value alone is most likely a
            # minimum, but "exactly 70" is what is written; a person decides
            return self.review(span, f"one {concept.label} value with no comparator: a minimum or that value only?")
        for tag in tags:
            if concept.kind == "score":
                try:
                    number = float(tag.text)
                except ValueError:
                    return self.review(span, f"{tag.text!r} is not a {concept.label} value")
                if concept.values and number not in concept.values:
                    return self.review(span, f"{tag.text!r} is not a {concept.label} value")
                allowed.append(_fmt(number))
                continue
            codes = self.vocab.category(concept.id, tag.text)
            if codes is None:
                return self.review(span, f"{tag.text!r} is not a known {concept.label} result")
            if op != "==":
                if not concept.order or len(codes) != 1 or codes[0] not in concept.order:
                    return self.review(span, f"{concept.label} results have no order")
                i = concept.order.index(codes[0])
                ordered = {
                    "<=": concept.order[: i + 1], "<": concept.order[:i],
                    ">=": concept.order[i:], ">": concept.order[i + 1 :],
                }[op]
                codes = tuple(ordered)
            allowed.extend(c for c in codes if c not in allowed)
        written = ", ".join(t.text for t in tags)
        if op != "==":
            written = f"{OP_TEXT[op]} {written}"
        return CategoryCheck(span=span, text=text, concept=concept.id, allowed=tuple(allowed),
                             written=written)

    # ------------------------------------------------------------------ time since a therapy
    def since_list(self, node: Junction) -> Predicate:
        """"At least 4 weeks since prior chemotherapy or radiotherapy": the time is about every
        therapy named after "since". Any other list with a time since in it is for a person:
        what the time covers is unclear."""
        first, rest = node.parts[0], node.parts[1:]
        if isinstance(first, Since) and node.op == "and" and len(rest) == 1 and isinstance(rest[0], Presence) \
                and _RECOVERED.match(rest[0].subject.text) and rest[0].span == rest[0].subject.span:
            # "At least 4 weeks since prior radiotherapy and recovered": a second requirement,
            # recovery from it, which only a person can check
            since = self.since(first)
            if isinstance(since, NeedsReview):
                return self.review(node.span, since.reason)
            return AllOf(span=node.span, text=self.quote(node.span),
                         children=(since, self.review(rest[0].span, "recovery from a therapy is for a person")))
        if isinstance(first, Since) and not node.and_or and all(
                isinstance(p, Presence) and p.window is None and not p.exceptions and p.status is None
                and p.method is None and not p.in_name_list and p.subject.span == p.span for p in rest):
            names = first.subjects + tuple(p.subject for p in rest if isinstance(p, Presence))
            return self.since(dataclasses.replace(first, span=node.span, subjects=names))
        return self.review(node.span, "a time since a therapy next to other parts: what the time covers is unclear")

    def since(self, node: Since) -> Predicate:
        """"At least 4 weeks since prior chemotherapy" (none in the last 4 weeks) and "less than 4
        weeks since" (some in the last 4 weeks), counted in whole days back from the screening
        date: ≥ 28 days since means the last dose is 28 days old or older, so none in the 27 days
        before; > 28 days means none in the 28 days before."""
        if node.longer:
            # "At least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas)": each time
            # must have passed. A shorter time for some would lift the first, which is not read.
            if any(w.days <= node.window.days for _, w in node.longer):
                return self.review(node.span, "a shorter time since for some therapies is not read")
            parts = [self.since(dataclasses.replace(node, longer=()))]
            parts += [self.since(Since(span=name.span, subjects=(name,), op=node.op, window=window))
                      for name, window in node.longer]
            span = _cover(node.span, node.longer[-1][0].span)
            return AllOf(span=span, text=self.quote(span), children=tuple(parts))
        concepts: list[tuple[Name, Concept]] = []
        for subject in node.subjects:
            concept = self.concept_of(subject)
            if concept is None:
                return self.review(node.span, f"unknown therapy {subject.text!r}")
            if concept.kind not in _THERAPY_KINDS:
                # "6 months since diagnosis of X": a condition's time since its start is not the
                # time since its last record, which is all a window can count
                return self.review(node.span, f"the time since {concept.label} is read only for a therapy or a "
                                              "procedure")
            concepts.append((subject, concept))
        at_least = node.op in (">", ">=")
        if at_least and self.section == "exclusion":
            # "At least 4 weeks since prior chemotherapy" among exclusions would exclude everyone
            # who never had it: a requirement written in the wrong list; for a person
            return self.review(node.span, "a minimum time since a therapy among exclusions: whether it states a "
                                          "requirement is for a person")
        days = math.ceil(node.window.days - 1e-9)  # a month of 30.44 days counts as 31
        within = days - 1 if node.op in (">=", "<") else days
        if within < 1:
            return self.review(node.span, "a time since a therapy shorter than two days is not read")
        unit = node.window.unit.replace("_", "-") + ("s" if node.window.value != 1 else "")
        amount = f"{_fmt(node.window.value)} {unit}"
        window_text = f"less than {amount} ago" if node.op in (">=", "<") else f"{amount} ago or less"
        text = self.quote(node.span)
        checks: list[Predicate] = [
            PresenceCheck(span=node.span, text=text, concept=c.id, within_days=float(within), history=True,
                          member=self.member_named(subject, c), written=subject.text, window_text=window_text)
            for subject, c in concepts]
        inner = checks[0] if len(checks) == 1 else AnyOf(span=node.span, text=text, children=tuple(checks))
        return Not(span=node.span, text=text, child=inner) if at_least else inner

    # ------------------------------------------------------------------ presence
    def defined_by_bounds(self, node: Presence, concept: Concept) -> Predicate:
        """"Uncontrolled hypertension (systolic BP > 160 mmHg)": the bounds stand for the condition,
        as after "defined as", when they bound only what the vocabulary says defines it (`defined_by`);
        otherwise they may narrow it ("heart failure (LVEF < 40%)"), which is for a person."""
        assert node.definition is not None
        if node.history or _HISTORY.search(self.quote(Span(node.span.start, node.subject.span.end))):
            # "History of uncontrolled hypertension (SBP > 160 mmHg)": a past state, which the
            # bound on today's value does not show
            return self.review(node.span, f"a history of {node.subject.text!r} defined by a bound: for a person")
        pred = self.node(node.definition)
        unread = _first_review(pred)
        if unread is not None:
            return self.review(node.span, f"the bounds in parentheses after {node.subject.text!r} are not "
                                          f"understood: {unread.reason}")
        measured = set(_concepts(pred))
        if not measured or not measured <= set(concept.defined_by):
            return self.review(node.span, f"the bounds in parentheses after {node.subject.text!r} may define it "
                                          "or narrow it: for a person")
        return dataclasses.replace(pred, span=node.span, text=self.quote(node.span))

    def presence(self, node: Presence) -> Predicate:
        if node.window is not None and node.window.anchor is not None \
                and not is_reference_event(node.window.anchor.text):
            return self.review(node.span, f"the window is counted from {node.window.anchor.text!r}, "
                               "which is not a known reference event")
        if node.window is not None and node.window.unit not in DAYS_PER:
            return self.review(node.span, f"a window of {node.window.value:g} half-lives depends on the drug")
        if not node.subject.text:
            return self.review(node.span, "a window without a subject")
        concept = self.concept_of(node.subject)
        if concept is None:
            # the narrowing word is kept as the check's qualifier below
            concept, _ = self.condition_without_qualifier(node.subject.text)
        agent: str | None = None
        if concept is None and (allergy := _ALLERGY_TO.match(self.quote(node.subject.span))) is not None:
            # "Known hypersensitivity to ketamine": an allergy, to that agent only (a qualifier: a
            # record of an allergy that does not name it cannot decide)
            found = self.concept_of(allergy["head"])
            # an agent naming a condition or a person ("... drug components phenylketonuria
            # patients depression") may be a run-on list of items of their own: not read
            if found is not None and found.kind == "condition" \
                    and not any(c.kind == "condition" for c, _, _ in self.vocab.find(allergy["agent"])) \
                    and not any(normalize_phrase(w) in person_words() for w in allergy["agent"].split()):
                concept, agent = found, re.sub(r"\s+", " ", allergy["agent"]).strip()
        if concept is None:
            return self.review(node.span, f"unknown condition {node.subject.text!r}")
        if concept.kind not in PRESENCE_KINDS:
            return self.review(node.span, f"{node.subject.text!r} needs a threshold or a value")
        if node.definition is not None:
            return self.defined_by_bounds(node, concept)
        if node.ability and concept.kind != "attestation":
            # "Able to receive chemotherapy" asks for no record of chemotherapy
            return self.review(node.span, f"an ability ({node.subject.text!r}) is read only where the vocabulary "
                                          "names it as an attestation")
        if node.method is not None:
            # "measurable disease per RECIST 1.1": the criteria that define the concept; any other
            # note may narrow it
            method = lookup_method(node.method.text)
            if method is None or not load_methods()[method].measures(concept.id):
                return self.review(node.span, f"{concept.label} {self.quote(Span(node.subject.span.end, node.span.end)).strip()!r}"
                                              " is not understood")
        excluding: list[str] = []
        for exc in node.exceptions:
            c = self.concept_of(exc)
            if c is None:
                return self.review(node.span, f"unknown exception {exc.text!r}")
            excluding.append(c.id)
        other = bool(re.search(r"\b(other|another|second|additional)\b", node.subject.text, re.I)) \
            and concept.kind != "attestation"  # "… and other protocol requirements" is no other record
        if concept.kind == "attestation" and re.match(r"\s*(additional|second|separate)\b", node.subject.text, re.I):
            # "additional informed consent": one for something else than the study's own
            return self.review(node.span, f"{node.subject.text!r} is not the study's own {concept.label.lower()}")
        # "history of", "previously treated with", "had been diagnosed": past records count too;
        # otherwise only a current condition, therapy or state does.
        history = node.history or bool(_HISTORY.search(self.quote(node.span))) or node.window is not None
        qualifier = find_qualifier(node.subject.text, concept.kind) \
            if concept.kind in ("condition", "medication_class") else None
        if qualifier and qualifier in concept.label.lower():
            qualifier = None  # "unstable angina" is the concept itself, not a narrowing of it
        if qualifier is None and concept.narrowed_by:
            # "Active brain metastases": for this concept the word narrows (vocabulary data)
            qualifier = next((w.lower() for w in concept.narrowed_by
                              if re.search(rf"\b{re.escape(w)}\b", self.quote(node.span), re.I)), None)
        if node.dose is not None:
            if concept.kind != "medication_class":
                return self.review(node.span, f"the dose {node.dose.text!r} is not understood after {node.subject.text!r}")
            # "corticosteroids (> 10 mg/day of prednisone)": a record that does not state its dose
            # cannot decide, as for any qualifier; the dose is quoted as the trial wrote it
            qualifier = _and_qualifier(qualifier, f"at a dose {node.dose.text}")
        if agent is not None:
            qualifier = _and_qualifier(qualifier, agent)
        if node.clause is not None:
            # "malignancy that is progressing or requires active treatment": narrower than the
            # concept, as a qualifier; a clause naming a condition, drug or procedure of its own
            # ("... that requires treatment or HIV") may add to the criterion, and is not read
            if concept.kind not in PRESENCE_KINDS - {"attestation", "state"} or any(
                    c.kind in PRESENCE_KINDS for c, _, _ in self.vocab.find(node.clause.text)):
                return self.review(node.span, f"the clause {node.clause.text!r} after {node.subject.text!r} "
                                              "is not understood")
            qualifier = _and_qualifier(qualifier, f"that {node.clause.text}")
        if node.indication is not None:
            # "No prior chemotherapy for breast cancer": what the therapy was given for narrows
            # it, as a qualifier (a record that does not say cannot decide)
            if concept.kind not in ("medication_class", "procedure") or any(
                    c.kind in ("medication_class", "procedure") for c, _, _ in self.vocab.find(node.indication.text)):
                # "… for pancreatic cancer or abdominal radiation therapy": a therapy of its own
                # after "for" may be an item of the list, not what the first was given for
                return self.review(node.span, f"'for {node.indication.text}' after {node.subject.text!r} is not "
                                              "understood")
            qualifier = _and_qualifier(qualifier, f"for {node.indication.text}")
        member = self.member_named(node.subject, concept)
        return PresenceCheck(span=node.span, text=self.quote(node.span), concept=concept.id,
                             within_days=node.window.days if node.window else None,
                             excluding=tuple(excluding), other=other, history=history,
                             qualifier=qualifier, member=member, written=node.subject.text,
                             window_text=_window_text(node.window))


# "hypersensitivity to ketamine", "allergic reactions attributed to compounds of similar chemical or
# biologic composition to X": the allergy (vocabulary), then the agent it is to
_ALLERGY_TO = re.compile(r"\s*(?P<head>(?:(?:known|severe|serious|prior|previous|documented)\s+)*(?:hypersensitivity|allergy|"
                         r"allergies|allergic\s+reactions?|hypersensitivity\s+reactions?|anaphylaxis|anaphylactic\s+reactions?))"
                         r"\s+(?:to|attributed\s+to|against)\s+(?P<agent>\S.*?)\s*$", re.I | re.S)
def _and_qualifier(qualifier: str | None, more: str) -> str:
    """Narrowing words added to those already on a check: "chronic, at a dose > 10 mg/day"."""
    return f"{qualifier}, {more}" if qualifier else more


# "without (the) use of G-CSF", "without G-CSF support", "no transfusion allowed within 3 days":
# after "without", the words around the drug or procedure say no more than its name
_EXPOSURE_WORDS = re.compile(r"^\s*(?:any\s+)?(?:the\s+)?(?:(?:use|support|administration|receipt)\s+of\s+)?(?=\S)"
                             r"|(?<=\S)\s+(?:support|allowed|permitted|given|use)\s*$", re.I)
_KIND_OF = re.compile(r"\s*(?:any\s+)?(?:other\s+)?(?:forms?|types?|kinds?)\s+of\s+(?=\S)", re.I)


def _implausible(value: float | None, concept: Concept) -> str | None:
    """Why a threshold cannot be meant as written ("ANC > 1,500/L", "creatinine ≤ 1.5 mg/mL"),
    judged by the concept's plausible values and default reference range (vocabulary data)."""
    if value is None or concept.kind != "lab":
        return None
    unit = concept.unit or ""
    if concept.plausible:
        low, high = concept.plausible
        if (low is not None and value < low) or (high is not None and value > high):
            return (f"{value:.4g} {unit} is outside the plausible values of {concept.label}; "
                    "probably a typo in the unit")
    if concept.reference_range and concept.reference_range[1] and value > 0:
        ref = concept.reference_range[1]
        if value < ref / 1000:  # "1,500/L" for "1,500/mm3": a lost scale makes it tiny
            return (f"{value:.4g} {unit} is a thousand times below the usual {concept.label}; "
                    "probably a typo in the unit")
    return None


def _window_text(window: Duration | None) -> str:
    if window is None:
        return ""
    unit = window.unit.replace("_", "-") + ("s" if window.value != 1 else "")
    return f"within {_fmt(window.value)} {unit}"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _same_bound(a: Predicate, b: Predicate) -> bool:
    """Two spellings of one bound: same comparison, thresholds within 2 % (rounding of a
    converted unit: 9 g/dL is 5.585 mmol/L, written 5.6)."""
    if not (isinstance(a, NumericCheck) and isinstance(b, NumericCheck)):
        return False
    if (a.op, a.limit, a.unit, a.upper is None) != (b.op, b.limit, b.unit, b.upper is None):
        return False
    pairs = [(a.threshold, b.threshold)] + ([(a.upper, b.upper)] if a.upper is not None else [])
    return all(abs(x - y) <= 0.02 * max(abs(x), abs(y)) for x, y in pairs if x is not None and y is not None)


# the sex named before a name: "Women aged", "Male patients", "Men and women" (both: no restriction)
_SEX_WORDS = re.compile(r"^\W*(?:(?:women|woman|men|man|females?|males?)(?:\s+(?:and|or|and/or|/)\s+"
                        r"(?:women|woman|men|man|females?|males?))?(?:\s+(?:patients?|subjects?|participants?))?)"
                        r"(?=\s|$)", re.I)

# "Adults ≥ 18 years of age", "Adult patients 18-74 years of age": the person, before an age
# bound that says 18 or older (any other bound next to "adult" is for a person to read)
_ADULT_WORDS = frozenset({"adult", "adults"})
_AGE_WORDS = frozenset({"age", "aged", "ages"})
_SEX_ONLY_FILLER = frozenset({"sex", "gender", "only"})  # "Male sex", "Female gender" (besides person words)
_SEX_MENTION = re.compile(r"\b(women|woman|men|man|females?|males?)\b", re.I)
_SEX_AND_JOIN = {"men", "man", "women", "woman", "male", "males", "female", "females", "and", "or"}


_GROUP_NOUN = re.compile(r"\b(?:women|men|mothers|females|males|patients|subjects|participants|persons|"
                         r"individuals|people)\b", re.I)
_ENDS_WITH_GROUP = re.compile(_GROUP_NOUN.pattern + r"\W*$", re.I)


# a list part that names its own persons ("…, and patients with HIV")
_OWN_PERSON = re.compile(r"\s*(?:and\s+|or\s+)?(?:all\s+|any\s+)?(?:patients?|subjects?|participants?|persons?|"
                         r"individuals|those|people)\b", re.I)


def _names_a_condition(part: Syntax) -> bool:
    """A name of a condition, or a list of which some part is one."""
    if isinstance(part, Presence):
        return bool(part.subject.text)
    return isinstance(part, Junction) and any(_names_a_condition(p) for p in part.parts)


def _groups_listed(parts: list[str]) -> bool:
    """True for "Pregnant and nursing women" (single words before a group noun that ends the
    list: they each qualify it) and "Pregnant women and women who are breast-feeding" (each
    part names its own group): the list is of groups, so "and" reads as each of them."""
    if all(_GROUP_NOUN.search(p) for p in parts):
        return True
    return bool(_ENDS_WITH_GROUP.search(parts[-1])) \
        and all(_GROUP_NOUN.search(p) or len(p.split()) == 1 for p in parts[:-1])


def _sexes_named(text: str) -> set[str]:
    """"Women" -> {"female"}; "Male or female patients" -> both."""
    return {"female" if w.lower().startswith(("f", "w")) else "male" for w in _SEX_MENTION.findall(text)}


def _both_sexes(text: str) -> bool:
    """"Men and women", "male or female patients": both sexes named, so no restriction."""
    return len(_sexes_named(text)) == 2


# the words before a group's name in a lead: "For patients with", "In subjects without", "If"
_GROUP_LEAD = re.compile(r"^\s*(?:(?:for|in|if)\s+)?(?:(?:the\s+)?(?:patients?|subjects?|participants?|those)\s+)?"
                         r"(?:with\s+|who\s+have\s+|(?P<without>without\s+))?", re.I)

# a verb in a list item: the items before it may be its subject
_VERB = re.compile(r"\b(must|should|shall|will|agrees?|agreed|willing|unwilling|able|unable|can|cannot|may|need)\b", re.I)
_RELATIVE = re.compile(r"\b(that|who|which|whom|whose)\b", re.I)


def _has_verb(item: str) -> bool:
    """"men must agree to use contraception", "men with partners of childbearing potential
    unwilling to use contraception": a verb after the item's first words, not in a relative
    clause ("that cannot be corrected") nor in parentheses, and not the item's first word (then
    the item is a predicate of its own: "may become pregnant", "willing to comply")."""
    bare = re.sub(r"\([^()]*\)", " ", item).strip()
    verb = _VERB.search(bare)
    if verb is None or verb.start() == 0:
        return False
    return _RELATIVE.search(bare, 0, verb.start()) is None

# a clause that states what a patient must have or be ("Patients must have ...", "should be")
_REQUIREMENT = re.compile(r"^\W*((the\s+|all\s+)?(patients?|subjects?|participants?|women|females?|men|males?|individuals?)\s+)?"
                          r"(must|should|shall|need\s+to|are\s+required\s+to|is\s+required\s+to)\s+(have|be)\b"
                          r"(?!\s+(excluded|ineligible|not)\b)", re.I)


def _clause_start(text: str, at: int) -> int:
    """Where the sentence or clause holding position ``at`` begins."""
    found = [m.end() for m in re.finditer(r"[.;:]\s", text[:at])]
    return found[-1] if found else 0


# a complement that may bind every item of a list: "… secondary to X", "… due to X", "… of the liver"
_TRAILING_COMPLEMENT = re.compile(r"\b(secondary\s+to|due\s+to|caused\s+by|related\s+to|attributed\s+to|"
                                  r"associated\s+with|of|to|with|from|in|on)\s+\S", re.I)

# words after a preposition: "hypersensitivity to X", "infection with Y"
_COMPLEMENT = re.compile(r"\b(to|of|with|for|against|from|in|on)\s+\S", re.I)


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


def _first_review(pred: Predicate) -> NeedsReview | None:
    """The first part of ``pred`` left for a person, if any: its reason explains the whole."""
    return next((q for q in leaves(pred) if isinstance(q, NeedsReview)), None)


def _cover(a: Span, b: Span) -> Span:
    return Span(min(a.start, b.start), max(a.end, b.end))


# a clause the reader cannot parse that is another bound under a condition: "(≤ 5 × ULN if
# liver metastases are present)", "If liver metastases are present, ≤ 5 × ULN"
_CONDITIONAL_BOUND = re.compile(r"\s*\(?\s*(or\s+)?(\\?[<>≤≥]|=\s*\\?[<>]|less\s+than|greater\s+than|up\s+to|at\s+least"
                                r"|no\s+more\s+than|(if|when|in|for|patients|subjects|participants)\b[^<>≤≥]{0,140}?"
                                r"(\\?[<>≤≥]|=\s*\\?[<>]))", re.I)
_CONDITIONAL_WORDS = re.compile(r"\b(if|when|in\s+case|in\s+the\s+presence|in\s+the\s+setting"
                                r"|((for|in)\s+)?(patients|subjects|participants)\s+with)\b", re.I)


def _subjects_of(node: Syntax) -> tuple[Name, ...]:
    """The labs a clause's bound is about: "AST/ALT ≤ 3 × ULN", "AST and ALT ≤ 2.5 × ULN"."""
    if isinstance(node, Threshold):
        return node.subjects
    if isinstance(node, Junction) and node.op == "and" and len(node.parts) > 1 \
            and all(isinstance(q, Presence) and q.window is None for q in node.parts[:-1]) \
            and isinstance(node.parts[-1], Threshold) and node.parts[-1].subjects:
        return tuple(q.subject for q in node.parts[:-1] if isinstance(q, Presence)) + node.parts[-1].subjects
    return ()


def _with_recency(node: Syntax, recency: Duration) -> Syntax:
    """Every threshold of ``node`` without a recency of its own gets this one."""
    if isinstance(node, Threshold):
        return node if node.recency is not None else dataclasses.replace(node, recency=recency)
    if isinstance(node, Junction):
        return dataclasses.replace(node, parts=tuple(_with_recency(p, recency) for p in node.parts))
    return node


def _map_checks(pred: Predicate, change: Callable[[NumericCheck], NumericCheck]) -> Predicate:
    """The predicate with every numeric check changed."""
    if isinstance(pred, NumericCheck):
        return change(pred)
    if isinstance(pred, (AllOf, AnyOf)):
        return dataclasses.replace(pred, children=tuple(_map_checks(c, change) for c in pred.children))
    if isinstance(pred, Not):
        return dataclasses.replace(pred, child=_map_checks(pred.child, change))
    return pred


# a condition a bound applies under: a condition present, absent (Not), or a group of patients
Guard = PresenceCheck | CategoryCheck | NumericCheck | Not


def _is_guard(p: Predicate) -> bool:
    return isinstance(p, (PresenceCheck, CategoryCheck)) or (isinstance(p, NumericCheck) and p.group) \
        or (isinstance(p, Not) and isinstance(p.child, PresenceCheck))


def _guard_key(g: Guard) -> tuple[str, tuple[str, ...], bool]:
    if isinstance(g, Not):
        return (*_guard_key(g.child)[:2], True)  # type: ignore[arg-type]
    if isinstance(g, NumericCheck):
        return (g.concept, (g.op, f"{g.threshold:g}", g.limit or g.unit or ""), False)
    return (g.concept, g.allowed if isinstance(g, CategoryCheck) else (), False)


def _only_bounds(pred: Predicate) -> bool:
    if isinstance(pred, NumericCheck):
        return True
    return isinstance(pred, (AllOf, AnyOf)) and all(_only_bounds(c) for c in pred.children)


def _split_conditional(pred: Predicate) -> tuple[Guard, Predicate] | None:
    """(condition, bound) of a bound that applies only under a condition: ``AllOf(has, bound)``,
    or a junction of those sharing one condition ("AST and ALT ≤ 5 × ULN if liver metastases").
    The condition may be a group of patients: "≤ 470 ms for women"."""
    if isinstance(pred, AllOf) and len(pred.children) == 2 and _is_guard(pred.children[0]) \
            and _only_bounds(pred.children[1]):
        return pred.children[0], pred.children[1]  # type: ignore[return-value]
    if isinstance(pred, AnyOf) and len(pred.children) == 2 and isinstance(pred.children[0], Not) \
            and _is_guard(pred.children[0].child) and _only_bounds(pred.children[1]):
        return pred.children[0].child, pred.children[1]  # type: ignore[return-value]  # ``guarded``'s implication
    if isinstance(pred, (AllOf, AnyOf)) and pred.children:
        parts = [_split_conditional(c) for c in pred.children]
        if any(p is None for p in parts):
            return None
        conditions = {_guard_key(p[0]) for p in parts if p is not None}
        if len(conditions) != 1:
            return None
        has = parts[0][0]  # type: ignore[index]
        bounds = tuple(p[1] for p in parts if p is not None)
        return has, dataclasses.replace(pred, children=bounds)
    return None


def _is_sex(g: Guard) -> bool:
    return isinstance(g, CategoryCheck) and g.concept == "sex"


def _by_group(span: Span, text: str, preds: list[Predicate]) -> Predicate | None:
    """"QTcF ≤ 450 ms for men and ≤ 470 ms for women", "AST ≤ 2.5 × ULN without liver
    metastases, ≤ 5 × ULN with them": each bound for its own group, however the bounds are
    joined. (B1 or B2) and (not G1 or B1) and (not G2 or B2): exact when the group is known, and
    it still decides without it when both bounds agree."""
    split = [_split_conditional(p) for p in preds]
    if len(split) < 2 or any(s is None for s in split):
        return None
    groups = [s for s in split if s is not None]
    keys = [_guard_key(g) for g, _ in groups]
    complementary = len(groups) == 2 and keys[0][:2] == keys[1][:2] and keys[0][2] != keys[1][2]
    if not complementary:  # "≤ 2.5 × ULN without liver metastases and ≤ 5 × ULN with them"
        if any(not _is_sex(g) for g, _ in groups):
            return None
        seen: set[str] = set()
        for g, _ in groups:
            assert isinstance(g, CategoryCheck)
            if seen & set(g.allowed):
                return None  # two bounds for the same group: not a split by sex
            seen |= set(g.allowed)
    either = AnyOf(span=span, text=text, children=tuple(b for _, b in groups))
    each = [AnyOf(span=b.span, text=b.text, children=(Not(span=g.span, text=g.text, child=g), b)) for g, b in groups]
    return AllOf(span=span, text=text, children=(either, *each))


def _implies(a: Predicate, b: Predicate) -> bool:
    """True when ``a`` holding guarantees ``b`` (checked on bounds of the same analyte only);
    False when that cannot be shown."""
    if isinstance(b, AllOf):
        return all(_implies(a, c) for c in b.children)
    if isinstance(a, AnyOf):
        return all(_implies(c, b) for c in a.children)
    if isinstance(a, AllOf):
        return any(_implies(c, b) for c in a.children)
    if isinstance(b, AnyOf):
        return any(_implies(a, c) for c in b.children)
    if not (isinstance(a, NumericCheck) and isinstance(b, NumericCheck)):
        return False
    if (a.concept, a.limit, a.unit, a.method) != (b.concept, b.limit, b.unit, b.method) \
            or a.upper is not None or b.upper is not None or a.exposures != b.exposures:
        return False
    if a.op in ("<", "<=") and b.op in ("<", "<="):
        return a.threshold < b.threshold or (a.threshold == b.threshold and not (a.op == "<=" and b.op == "<"))
    if a.op in (">", ">=") and b.op in (">", ">="):
        return a.threshold > b.threshold or (a.threshold == b.threshold and not (a.op == ">=" and b.op == ">"))
    return False


def _absorb_method_alternatives(parts: list[Syntax]) -> list[Syntax]:
    """"LVEF ≥ 50% by echocardiogram or MUGA": a method named after "or" is another way to measure
    the same value (the same method in the vocabulary), not a condition the patient may have. A
    window after it ("… or MUGA scan within 28 days before enrollment") is how recent the result
    must be, as after the bound."""
    out: list[Syntax] = []
    for part in parts:
        prev = out[-1] if out else None
        if isinstance(part, Presence) and not part.exceptions and not part.in_name_list \
                and isinstance(prev, Threshold) and prev.notes \
                and (part.span == part.subject.span if part.window is None else
                     part.span == _cover(part.subject.span, part.window.span) and prev.recency is None):
            method = lookup_method(part.subject.text)
            kept = next(((n, keep) for n in prev.notes
                         if method is not None and (keep := _either_method(lookup_method(n.text), method))), None)
            if kept is not None:
                note, keep = kept
                notes = prev.notes if keep == "first" else tuple(part.subject if n is note else n for n in prev.notes)
                recency = part.window if part.window is not None else prev.recency
                out[-1] = dataclasses.replace(prev, span=_cover(prev.span, part.span), recency=recency, notes=notes)
                continue
        out.append(part)
    return out


def _either_method(first: str | None, other: str) -> str | None:
    """Which of two methods joined by "or" stands for both: "first" or "other", or None when no
    one method does. The same method stands for itself. Of two that measure the same concepts, one
    that does not restrict which results count stands for both ("per 24-hour urine test or the
    Cockcroft-Gault formula": a measured or an estimated clearance, so any); two that restrict
    ("by Fridericia or Bazett") are a union no one method says."""
    if first is None:
        return None
    if first == other:
        return "first"
    a, b = load_methods()[first], load_methods()[other]
    if {a.computes, *a.applies_to} - {None} != {b.computes, *b.applies_to} - {None}:
        return None
    return "first" if not a.restricts else "other" if not b.restricts else None


_FOLLOWS_UNREAD = "a bound under a condition follows and is not understood: "
_ALWAYS_HOLDS = ("a lower and an upper bound joined by 'or' hold for every value: a range ('and') was "
                 "probably meant")


def _always_holds(checks: list[Predicate]) -> bool:
    """"BMI greater than 19 or less than 40": every value is above the first or below the second."""
    plain = [c for c in checks if isinstance(c, NumericCheck) and c.upper is None]
    for low in plain:
        for high in plain:
            if (low.concept, low.limit, low.unit) != (high.concept, high.limit, high.unit) \
                    or low.op not in (">", ">=") or high.op not in ("<", "<="):
                continue
            if low.threshold < high.threshold or (low.threshold == high.threshold and "=" in low.op + high.op):
                return True
    return False


def _first_presence(node: Syntax) -> Presence | None:
    """The first name of a list, however deep ("A and B or C": A)."""
    if isinstance(node, Presence):
        return node
    if isinstance(node, Junction) and node.parts:
        return _first_presence(node.parts[0])
    return None


def _above_only(node: Threshold) -> bool:
    """Every bound is a lower limit on the value ("> 3 × ULN"), none a range or a floor of the
    lower limit of normal: above it, "A and/or B" is either or both, as written and as meant."""
    return bool(node.comparisons) and all(
        c.op in (">", ">=") and c.upper is None and not (isinstance(c.value, LimitMultiple) and c.value.limit == "lln")
        for c in node.comparisons)


_UNREAD_CONDITIONAL = ("a bound here is not understood next to a bound under a condition, which may narrow "
                       "or widen the other: the bounds are for a person")


def _has_bound(node: Syntax) -> bool:
    """A threshold or a value list anywhere in the clause."""
    if isinstance(node, (Threshold, ValueList)):
        return True
    if isinstance(node, Junction):
        return any(_has_bound(p) for p in node.parts)
    if isinstance(node, (Negation, GroupRequirement)):
        return _has_bound(node.part if isinstance(node, Negation) else node.requirement)
    return False


def _is_conditional(node: Syntax) -> bool:
    """True when every bound of the clause applies only under a condition ("if ...")."""
    if isinstance(node, Threshold):
        return bool(node.comparisons) and all(c.conditional for c in node.comparisons)
    if isinstance(node, GroupRequirement):
        return True
    if isinstance(node, Junction):
        bounds = [p for p in node.parts if isinstance(p, Threshold)]
        return bool(bounds) and all(_is_conditional(b) for b in bounds)
    return False


def _window_length(window: Duration) -> float | tuple[float, str]:
    """Days, or the count and unit of a window in half-lives (whose days depend on the drug)."""
    return window.days if window.unit in DAYS_PER else (window.value, window.unit)


def _amounts(node: Threshold) -> list[Amount | LimitMultiple | Tag]:
    return [a for c in node.comparisons for a in (c.value, c.upper) if a is not None]


def _in_years(node: Threshold) -> bool:
    """Every amount of the bound is in years ("Males and females, age ≥ 18 years")."""
    amounts = _amounts(node)
    return bool(amounts) and all(isinstance(a, Amount) and a.unit == "year" for a in amounts)


def _says_age(node: Threshold) -> bool:
    """Every amount of the bound is written "years old" or "years of age"."""
    amounts = _amounts(node)
    return bool(amounts) and all(isinstance(a, Amount) and a.age for a in amounts)


# "… within 90 days, or current anticoagulant therapy": an item that says it is about now
_NOW = re.compile(r"\s*(current|currently|concurrent|ongoing|active)\b", re.I)


def bounded_concepts(pred: Predicate) -> set[str]:
    """The labs, scores and categories ``pred`` checks (not the conditions it names)."""
    return set(_concepts(pred))


def _concepts(pred: Predicate) -> list[str]:
    out: list[str] = []
    for leaf in leaves(pred):
        if isinstance(leaf, (NumericCheck, CategoryCheck)) and leaf.concept not in out:
            out.append(leaf.concept)
    return out


_LIST_RECENCY = re.compile(
    r"\b(?:obtained|performed|measured|done|drawn|collected)?\s*(?:within|≤|<=|=\\?<|no\s+more\s+than)\s*"
    r"(\d+)\s*(days?|weeks?)\s+(?:prior\s+to|before|of)\s+([A-Za-z][A-Za-z0-9/ \-]{0,60}?)\s*(?=[:,;.)]|$|defined|as\b)",
    re.I)


def list_recency(text: str) -> float | None:
    """"Laboratory values within 14 days prior to registration:": the age, in days, the results
    listed under it may have at most; None when the text says none (or counts from another event)."""
    m = _LIST_RECENCY.search(text)
    if m is None or not is_reference_event(m[3]):
        return None
    return float(m[1]) * (7 if m[2].lower().startswith("week") else 1)


def without_list_recency(text: str) -> str:
    """The words of a list's introduction but its recency window, when that window is read
    (``list_recency``): "Adequate organ function determined within 14 days of treatment
    initiation:" is as plain as "Adequate organ function:" once its window is on every result."""
    m = _LIST_RECENCY.search(text)
    if m is None or list_recency(text) is None:
        return text
    return f"{text[:m.start()]} {text[m.end():]}"


def with_list_recency(pred: Predicate, days: float) -> Predicate:
    """Every dated result of ``pred`` at most ``days`` old (or its own window, if shorter), and
    every event it names within those days: under "Any of the following within 14 days prior to
    enrollment:", "Major surgery" is a surgery in those 14 days, not one ten years ago. A condition
    a bound applies under ("≤ 5 × ULN for patients with liver metastases") is no such event."""
    vocab = load_vocabulary()

    def within(old: float | None) -> float:
        return days if old is None else min(days, old)

    def has_result(p: Predicate) -> bool:
        return any(isinstance(leaf, NumericCheck) and not leaf.group for leaf in leaves(p))

    def walk(node: Predicate, guard: bool) -> Predicate:
        if isinstance(node, NumericCheck):
            dated = vocab.get(node.concept).dated
            return dataclasses.replace(node, within_days=within(node.within_days)) if dated else node
        if isinstance(node, PresenceCheck):
            return node if guard else dataclasses.replace(node, within_days=within(node.within_days))
        if isinstance(node, Not):
            return dataclasses.replace(node, child=walk(node.child, guard))
        if isinstance(node, (AllOf, AnyOf)):
            return dataclasses.replace(node, children=tuple(
                walk(c, guard or (_is_guard(c) and any(has_result(o) for o in node.children if o is not c)))
                for c in node.children))
        return node

    return walk(pred, False)


def widened_by_later_item(earlier: Predicate, later: Predicate, source: str) -> Predicate | None:
    """"- AST ≤ 2.5 × ULN" and then, as an item of its own, "- AST ≤ 5 × ULN for patients with liver
    metastases": the later bound is an alternative to the earlier one for its group, as it is when
    both are written in one item (read as two requirements, a patient with liver metastases and
    AST at 4 × ULN would fail the first). The earlier item's predicate with the alternative, or
    None when the two are not bounds on the same labs, the later one under a condition."""
    split = _split_conditional(later)
    if split is None or not _only_bounds(earlier) or _split_conditional(earlier) is not None:
        return None
    guard, bound = split
    raised = set(load_vocabulary().get(guard.concept).raises) if isinstance(guard, PresenceCheck) else set()
    if set(_concepts(earlier)) != set(_concepts(bound)) \
            and not (set(_concepts(earlier)) & raised and not set(_concepts(earlier)) & set(_concepts(bound))):
        # another lab replaces the earlier one only for a condition that raises it
        return None
    conditional = AllOf(span=later.span, text=later.text, children=(guard, bound))
    merged = Resolver(source, "inclusion").alternatives(earlier.span, [earlier, conditional])
    return dataclasses.replace(merged, text=earlier.text)


def resolve_item(text: str, section: str, heading: str | None = None) -> Predicate | None:
    """The predicate of one item's own text; None when it has no clause (a pure heading)."""
    parts: list[Predicate] = []
    for pred, permission in Resolver(text, section, heading=heading).clauses():
        if not (permission and parts):
            parts.append(pred)
        elif section == "exclusion":
            # "Known brain metastases. Patients with treated, stable brain metastases are
            # eligible.": what came before excludes only if the permission does not apply
            before = _combine(parts, section, text)
            span = _cover(before.span, pred.span)
            parts = [AllOf(span=span, text=text[span.start : span.end], children=(before, pred))]
        else:
            # in an inclusion the sentence may lift the requirement ("... are eligible with
            # bilirubin ≤ 3 × ULN") or add one for that group ("... are eligible if stable"):
            # either reading of the checks could be wrong, so the whole item goes to a person
            span = Span(len(text) - len(text.lstrip()), len(text.rstrip(" .;")))
            return NeedsReview(span=span, text=text[span.start : span.end],
                               reason=f"a later sentence lets some patients in ({pred.text!r}); whether "
                                      "it lifts or adds to this requirement is for a person")
    return _combine(parts, section, text) if parts else None


def _combine(parts: list[Predicate], section: str, text: str) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    span = Span(parts[0].span.start, parts[-1].span.end)
    if section == "exclusion":
        # an exclusion lists what excludes: any one of its clauses is enough
        return AnyOf(span=span, text=text[span.start : span.end], children=tuple(parts))
    return AllOf(span=span, text=text[span.start : span.end], children=tuple(parts))
