"""Glossary protection: terms that must come out a certain way never pass through MT as words.

Before MT, each occurrence of a do-not-translate term, or of a term with an approved translation into the
target language, is replaced by a placeholder ``ZQ0``, ``ZQ1``, ... (a token NMT models copy, and the
demo models were trained to copy). After MT, each placeholder is replaced by the approved rendering (the
first approved translation; for do-not-translate terms, the source text as written).

Every slot is verified. A placeholder the model lost, or duplicated, is never papered over silently; the
documented fallback is:

1. the sentence is translated again *without* protection;
2. if that translation already contains an approved rendering (or, for do-not-translate terms, the term
   itself), it is used and the slot counts as resolved ``via-unprotected``;
3. otherwise the unprotected translation is used and the term is reported **unresolved**, with the
   sentence, so a person can fix it; term QA flags it again on the finished track.

Matching reuses the term matcher (`subpipe.terms.match`): lemmas, inflections and multiword terms.

The character names a film uses and its glossary does not list (`subpipe.translate.names`) go the same
way, as do-not-translate entries whose id starts with ``name:``; each slot's record says where its term
came from (``origin``: ``glossary`` or ``film``).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from subpipe.terms.glossary import Glossary, GlossaryEntry
from subpipe.terms.model import entries_in

PLACEHOLDER = "ZQ{}"
NAME_ID = "name:"  # entries of names found in the film (`subpipe.translate.names`), not of the glossary
_PLACEHOLDER_RE = re.compile(r"ZQ(\d{1,3})")


@dataclass
class Slot:
    """One protected term occurrence in one sentence."""

    placeholder: str
    source_text: str
    entry: GlossaryEntry
    rendering: str
    status: str = "pending"  # resolved | via-unprotected | unresolved

    def to_dict(self) -> dict:
        return {"placeholder": self.placeholder, "term": self.entry.term, "source_text": self.source_text,
                "rendering": self.rendering, "status": self.status, "category": self.entry.category,
                "do_not_translate": self.entry.do_not_translate,
                "origin": "film" if self.entry.id.startswith(NAME_ID) else "glossary"}


@dataclass
class Protected:
    """A sentence ready for MT: its original, the text MT sees, and the slots to restore."""

    original: str
    text: str
    slots: list[Slot] = field(default_factory=list)


def protectable(entries: Sequence[GlossaryEntry] | Glossary, source: str, target: str) -> list[GlossaryEntry]:
    """Entries whose rendering in `target` is fixed: do-not-translate, or with an approved translation."""
    if isinstance(entries, Glossary):
        entries = entries.entries
    return [e for e in entries_in(entries, source) if e.do_not_translate or e.approved(target)]


def rendering_for(entry: GlossaryEntry, source_text: str, target: str) -> str:
    if entry.do_not_translate:
        return source_text
    approved = entry.approved(target)
    return approved[0] if approved else source_text


def protect_sentences(sentences: Sequence[str], entries: Sequence[GlossaryEntry] | Glossary, source: str,
                      target: str) -> list[Protected]:
    """Replace protected terms by placeholders, batched over all sentences of a film."""
    chosen = protectable(entries, source, target)
    if not chosen or not sentences:
        return [Protected(s, s) for s in sentences]
    from subpipe.nlp import lookup_lemmas, pipe_texts
    from subpipe.terms.match import NOT_NEEDED, TermMatcher, set_match_keys

    matcher = TermMatcher(chosen, source)
    lookup = lookup_lemmas(source)
    out = []
    for sentence, doc in zip(sentences, pipe_texts(source, sentences, disable=NOT_NEEDED + ("ner",))):
        set_match_keys(doc, lookup)
        spans = []
        for entry, start, end, _how in matcher(doc):
            span = doc[start:end]
            if not any(span.start_char < e and s < span.end_char for s, e, _ in spans):
                spans.append((span.start_char, span.end_char, entry))
        spans.sort()
        text, slots, pos = [], [], 0
        for n, (s, e, entry) in enumerate(spans):
            placeholder = PLACEHOLDER.format(n)
            surface = sentence[s:e]
            slots.append(Slot(placeholder, surface, entry, rendering_for(entry, surface, target)))
            text.append(sentence[pos:s])
            text.append(placeholder)
            pos = e
        text.append(sentence[pos:])
        out.append(Protected(sentence, "".join(text), slots))
    return out


def restore(translation: str, protected: Protected) -> str | None:
    """Put the renderings back; None when any placeholder is missing or repeated (see the fallback)."""
    if not protected.slots:
        return translation
    found = [m.group(0) for m in _PLACEHOLDER_RE.finditer(translation)]
    expected = [s.placeholder for s in protected.slots]
    if sorted(found) != sorted(expected):
        return None
    by_placeholder = {s.placeholder: s.rendering for s in protected.slots}
    return _PLACEHOLDER_RE.sub(lambda m: by_placeholder[m.group(0)], translation)


def _contains(text: str, rendering: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(rendering.casefold()) + r"(?!\w)", text.casefold()) is not None


def translate_protected(sentences: Sequence[str], entries: Sequence[GlossaryEntry] | Glossary | None,
                        source: str, target: str,
                        translate: Callable[[list[str]], list[str]]) -> tuple[list[str], list[Protected]]:
    """Translate `sentences` with glossary protection; `translate` is a batch translator for the pair.

    Returns the translations and, per sentence, its `Protected` record whose slots say how each term
    was resolved.
    """
    protected = protect_sentences(sentences, entries or [], source, target)
    raw = translate([p.text for p in protected])
    results: list[str | None] = [restore(t, p) for t, p in zip(raw, protected)]
    lost = [i for i, r in enumerate(results) if r is None]
    if lost:
        retry = translate([protected[i].original for i in lost])
        for i, plain in zip(lost, retry):
            for slot in protected[i].slots:
                slot.status = "via-unprotected" if _contains(plain, slot.rendering) else "unresolved"
            results[i] = plain
    for p in protected:
        for slot in p.slots:
            if slot.status == "pending":
                slot.status = "resolved"
    return [r if r is not None else "" for r in results], protected
