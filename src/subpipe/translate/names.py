"""The film's character names, kept through MT by default.

A glossary decides the names it lists. Any other name would reach the engine as words (Apertium renders
the character "Barley" as "Cebada"), so before translation the names the source track uses are found and
protected as do-not-translate terms, through the glossary's own placeholder path
(`subpipe.translate.protect`): same placeholders, same verification, same report.

A word is taken for a name only on evidence, so that ordinary words are never frozen:

- a speaker's name: a WebVTT voice (``<v Celia>``), an ASS Name field, a speaker label (``CELIA: ...``);
- a person found by the language's NER (`subpipe.terms.discover`, ``ner:PERSON``);
- a capitalised word in mid-sentence (after a word, a comma or a semicolon; not at the start of a line)
  that the tagger calls a proper noun, or, where the pipeline has no tagger, that the language's lexicon
  does not know in lower case (twice in mid-sentence when it does).

Never a name: a word the film also writes in lower case ("Robot" / "robot"), a form of address or a rank
("Sir", "Captain", "Mom"), a day or a month, a word inside a place, date or group entity ("Paris",
"English"), a word in capitals other than a speaker label ("RAAAH"), a term the glossary lists or staff
decided to leave to MT, and, in languages that capitalise nouns (German), capitalisation alone.

>>> from subpipe.cues import Cue, Track
>>> track = Track([Cue(0, 1000, "How's it looking, Barley?", position=0),
...                Cue(1000, 2000, "Memory overwrite complete!", position=1)], lang="en")
>>> [(n.text, n.evidence) for n in find_names(track, "en")]
[('Barley', ('addressed by name',))]
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from subpipe.cues import Cue, Track
from subpipe.terms.model import Glossary, GlossaryEntry, make_entry
from subpipe.translate.protect import NAME_ID

MIN_LETTERS = 2
PERSON_LABELS = ("ner:PERSON", "ner:PER")
# Entities whose words have an established rendering in the target language: not character names.
NOT_PEOPLE = {"NORP", "GPE", "DATE", "TIME", "LANGUAGE", "EVENT", "FAC", "LAW", "MONEY", "QUANTITY", "ORDINAL",
              "CARDINAL", "PERCENT", "MISC"}
# Words that stand where a name would ("Yes, Captain"), and that MT must translate.
ADDRESS = {
    "captain", "doctor", "doc", "sergeant", "sarge", "colonel", "general", "major", "lieutenant", "commander",
    "admiral", "professor", "officer", "detective", "inspector", "agent", "chief", "boss", "coach", "nurse",
    "father", "mother", "sister", "brother", "mom", "mum", "mommy", "mummy", "mama", "dad", "daddy", "papa",
    "grandma", "grandpa", "granny", "grandmother", "grandfather", "uncle", "aunt", "auntie", "son", "honey",
    "sweetie", "darling", "baby", "buddy", "pal", "dude", "guys", "god", "lord", "king", "queen", "prince",
    "princess", "majesty", "highness", "president", "senator", "judge", "mister", "miss", "master",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas", "easter",
}
_DASH = re.compile(r"^\s*[-‐‑–—]\s*")
_LINE_START = re.compile(r"(?:^|\n)[\s\-‐‑–—'\"“‘«(\[.…]*$")


@dataclass
class FoundName:
    """A name of the film: as written, its language, why it is taken for a name, where it occurs."""

    text: str
    lang: str
    evidence: tuple[str, ...]
    positions: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"name": self.text, "lang": self.lang, "evidence": list(self.evidence),
                "occurrences": len(self.positions), "positions": sorted(set(self.positions))}

    def entry(self) -> GlossaryEntry:
        """The do-not-translate entry the glossary's protection takes."""
        return make_entry(self.text, self.lang, category="person", do_not_translate=True, case_sensitive=True,
                          id=NAME_ID + self.text, note="found in the film: " + ", ".join(self.evidence))


@dataclass
class _Word:
    positions: list[int] = field(default_factory=list)
    mid: int = 0  # occurrences in mid-sentence
    proper_mid: int = 0  # of which the tagger calls a proper noun
    vocative: int = 0  # occurrences as "..., Name." (addressed by name)
    person: int = 0  # occurrences inside a NER person entity
    evidence: set[str] = field(default_factory=set)
    vetoed: bool = False


def is_name_entry(entry: GlossaryEntry) -> bool:
    """Whether `entry` stands for a name found in the film (not a glossary term)."""
    return entry.id.startswith(NAME_ID)


def speaker_words(cue: Cue) -> list[str]:
    """The words of a cue's speaker names: its voice or ASS Name, and the labels of its lines (``CELIA:``).

    >>> speaker_words(Cue(0, 1, "<v Dr Celia Ray>Hi</v>")), speaker_words(Cue(0, 1, "- THOM: Hi.\\n- No."))
    (['Celia', 'Ray'], ['THOM'])
    """
    from subpipe.langid import _SPEAKER_LABEL_RE

    names = [cue.speaker] if cue.speaker else []
    for line in cue.plain.split("\n"):
        label = _SPEAKER_LABEL_RE.match(_DASH.sub("", line))
        if label:
            names.append(label.group(0).strip().rstrip(":"))
    return [w for name in names for w in re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", name)
            if len(w) >= MIN_LETTERS and w.casefold() not in ADDRESS and not _is_honorific(w)]


def _is_honorific(word: str) -> bool:
    from subpipe.terms.discover import honorifics

    return word.casefold().rstrip(".") in {h.form.casefold() for h in honorifics()}


def mid_sentence(doc, token, passage) -> bool:
    """Whether `token` follows a word, a comma or a semicolon in its sentence, and does not start a line
    of its cue (verse and lyrics capitalise every line)."""
    if token.i == 0:
        return False
    before = doc[token.i - 1].text
    if not (before[-1:].isalnum() or before in (",", ";")):
        return False
    spans = passage.locate(token.idx, token.idx + len(token.text))
    if not spans:
        return False
    cue = next(c for c in passage.cues if c.position == spans[0].position)
    return before in (",", ";") or not _LINE_START.search(cue.plain[:spans[0].start])


def addressed(doc, token) -> bool:
    """Whether `token` closes its sentence after a comma, as a name does when someone is addressed
    ("Good night, Scales.")."""
    after = doc[token.i + 1].text if token.i + 1 < len(doc) else ""
    return doc[token.i - 1].text == "," and (not after or after[:1] in ".!?…")


def _capitalised(word: str) -> bool:
    return len(word) >= MIN_LETTERS and word[0].isupper() and not word.isupper() and word.isalpha()


def _words_of(analysis, glossary_spans) -> tuple[dict[str, _Word], set[str]]:
    """Capitalised words of an analysed track with their evidence, and the words it writes in lower case."""
    words: dict[str, _Word] = {}
    lowercase: set[str] = set()
    entities = analysis.entities or [()] * len(analysis.passages)
    for passage, doc, ents in zip(analysis.passages, analysis.docs, entities):
        not_people = [(e.start, e.end) for e in ents if e.label in NOT_PEOPLE]
        for token in doc:
            text = token.text
            if text.isalpha() and text.islower():
                lowercase.add(text.casefold())
            if not _capitalised(text):
                continue
            spans = passage.locate(token.idx, token.idx + len(text))
            if not spans or any(glossary_spans(s) for s in spans):  # the glossary decides these words
                continue
            word = words.setdefault(text, _Word())
            word.positions.append(spans[0].position)
            if any(start <= token.idx < end for start, end in not_people):
                word.vetoed = True
            if mid_sentence(doc, token, passage):
                word.mid += 1
                word.proper_mid += token.pos_ == "PROPN"
                word.vocative += addressed(doc, token)
    return words, lowercase


def _glossary_index(analysis, glossary: Glossary | None):
    """A test "is this cue span inside a glossary hit?" for the analysed track."""
    if glossary is None or not glossary.entries:
        return lambda span: False
    from subpipe.terms.match import find_terms

    taken: dict[int, list[tuple[int, int]]] = {}
    for hit in find_terms(analysis, glossary):
        for s in hit.spans:
            taken.setdefault(s.position, []).append((s.start, s.end))
    return lambda span: any(a < span.end and span.start < b for a, b in taken.get(span.position, ()))


def names_in(analysis, *, glossary: Glossary | None = None, leave: Iterable[str] = ()) -> list[FoundName]:
    """The names of one language's analysed track (`subpipe.terms.match.analyze_track`), in order of
    first occurrence; see the module docstring for the evidence."""
    from subpipe.langid import primary
    from subpipe.nlp import pipeline_info
    from subpipe.qc.mt import CAPITALISED_NOUNS, lexicon
    from subpipe.terms.discover import discover

    lang = analysis.lang
    info = pipeline_info(lang)
    words, lowercase = _words_of(analysis, _glossary_index(analysis, glossary))
    for cue in (c for p in analysis.passages for c in p.cues):
        for w in speaker_words(cue):
            for form in {w, w.capitalize()}:
                if form in words:
                    words[form].evidence.add("speaker")
            if w.isupper() and re.search(rf"(?<!\w){re.escape(w)}:", cue.plain):  # the label as written
                words.setdefault(w, _Word()).positions.append(cue.position)
                words[w].evidence.add("speaker label")
    if info.has_ner:
        for candidate in discover(analysis, glossary=glossary):
            if candidate.detector in PERSON_LABELS:
                for w in candidate.text.split():
                    if w in words:
                        words[w].person += 1
    nouns_capitalised = primary(lang) in CAPITALISED_NOUNS
    vocab = lexicon(lang)
    left = {" ".join(t.casefold().split()) for t in leave}
    if glossary is not None:
        left |= {" ".join(e.term.casefold().split()) for e in glossary.for_language(lang)}
    found = []
    for text, word in words.items():
        key = text.casefold()
        if key in lowercase or key in left or key in ADDRESS or _is_honorific(text):
            continue
        # A small model's NER alone misfires on a capitalised first word ("Hurry Emo!" -> PERSON Hurry).
        if word.person and (word.mid or word.person >= 2):
            word.evidence.add("NER person")
        if not nouns_capitalised:
            if word.vocative:
                word.evidence.add("addressed by name")
            # Capitals alone: never inside a place, date or group entity ("in Paris", "English"), and twice
            # for a word the lexicon knows in lower case (title case: "the Effects Demo Panel").
            needed = 2 if vocab is None or vocab.knows_lowercase(key) else 1
            if not word.vetoed and info.has_tagger and word.proper_mid >= needed:
                word.evidence.add("mid-sentence proper noun")
            elif not word.vetoed and not info.has_tagger and word.mid >= needed:
                word.evidence.add("mid-sentence capital")
        if word.evidence:
            found.append(FoundName(text, lang, tuple(sorted(word.evidence)), tuple(word.positions)))
    found.sort(key=lambda n: min(n.positions))
    return found


def find_names(track: Track | Sequence[Cue], lang: str, *, glossary: Glossary | None = None,
               leave: Iterable[str] = ()) -> list[FoundName]:
    """The character names of `track` that no entry of `glossary` covers (each cue read in its own
    language: `Cue.lang`, else `lang`); `leave`: terms staff decided MT should handle. Languages spaCy
    cannot read here are skipped (their names are not protected)."""
    from subpipe.terms.match import analyze_languages

    if lang == "und":  # no language to read the cues in (nothing spoken): no names
        return []
    leave = list(leave)
    return [name for analysis in analyze_languages(track, lang, unread={})
            for name in names_in(analysis, glossary=glossary, leave=leave)]


def with_names(glossary: Glossary | None, names: Sequence[FoundName]) -> Glossary | None:
    """`glossary` plus a do-not-translate entry per found name: what protection and MT QC take. The
    glossary's own entries come first and the names were found outside its terms, so it always wins."""
    if not names:
        return glossary
    base = glossary if glossary is not None else Glossary()
    return Glossary(entries=list(base.entries) + [n.entry() for n in names], path=base.path, format=base.format,
                    findings=list(base.findings))


__all__ = ["FoundName", "find_names", "is_name_entry", "names_in", "speaker_words", "with_names"]
