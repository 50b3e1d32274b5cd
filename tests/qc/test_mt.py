"""MT faults on real text: the corpus films' human translations (Tears of Steel, Sintel and Elephants
Dream language versions share one timing, so their cues pair by time) are good translations that must
not be flagged; faults made from them are each found; the demo models' output is flagged."""

import dataclasses

import numpy as np
import pytest
from conftest import SAMPLES

from subpipe.formats import read_track
from subpipe.qc.mt import (
    KINDS,
    MTPair,
    check_pairs,
    count_by_kind,
    cue_pairs,
    fault_rows,
    lexicon,
    lexicon_words,
    placeholder_findings,
    sentence_pairs,
    worst_first,
)

# Measured on the pairs below (744 cues in 22 language pairs; thresholds tuned on the Tears of Steel and
# Sintel ones): 7 cues flagged, 0.9% (2 of them by mt-punctuation); Elephants Dream, held out (16 cues each way, en-de): none.
MAX_HUMAN_SHARE = 0.02

FILMS = {
    "tears-of-steel": ("TOS-{}.vtt", ["de", "es", "it", "nl"]),
    "sintel": ("sintel-{}.vtt", ["de", "es", "fr", "it", "nl", "pt", "pl", "ru"]),
    "elephants-dream": ("elephants-dream-subtitles-{}.vtt", ["de"]),
}


def load(path):
    track = read_track(path)
    return track[0] if isinstance(track, tuple) else track


def paired_by_time(source, target, tolerance_ms: int = 300) -> list[MTPair]:
    """A language version's cues against the source's, paired by start and end time."""
    starts = np.array([c.start for c in target.cues])
    pairs = []
    for cue in source.cues:
        other = target.cues[int(np.argmin(np.abs(starts - cue.start)))]
        if (abs(other.start - cue.start) <= tolerance_ms and abs(other.end - cue.end) <= tolerance_ms
                and cue.plain.strip() and other.plain.strip()):
            pairs.append(MTPair(cue.plain, other.plain, other.position, other.start, other.end, other.line))
    return pairs


def human_pairs(corpus):
    """(film, source language, target language, pairs): English to each version, and Spanish to English."""
    out = []
    for film, (pattern, langs) in FILMS.items():
        folder = corpus / "films" / film
        en = load(folder / pattern.format("en"))
        for lang in langs:
            version = load(folder / pattern.format(lang))
            out.append((film, "en", lang, paired_by_time(en, version)))
            if lang in ("es", "de"):
                out.append((film, lang, "en", paired_by_time(version, en)))
    return out


@pytest.fixture(scope="module")
def tos(corpus):
    folder = corpus / "films" / "tears-of-steel"
    return load(folder / "TOS-en.vtt"), load(folder / "TOS-es.vtt")


def test_human_translations_of_the_corpus_films_are_almost_never_flagged(corpus):
    cues = flagged = 0
    seen = []
    for film, src, tgt, pairs in human_pairs(corpus):
        found = check_pairs(pairs, src, tgt)
        cues += len(pairs)
        flagged += len({f.position for f in found})
        seen += [(film, src, tgt, str(f)) for f in found]
    assert cues > 600
    assert flagged / cues <= MAX_HUMAN_SHARE, seen


def _pair_of(pairs, source_text):
    return next(p for p in pairs if p.source.replace("\n", " ").startswith(source_text))


def _with_target(pairs, source_text, target):
    """The film's pairs with one human translation replaced by a faulty one; and that pair."""
    pair = _pair_of(pairs, source_text)
    faulty = MTPair(pair.source, target, pair.position, pair.start_ms, pair.end_ms, pair.line)
    return [faulty if p is pair else p for p in pairs], faulty


def _kinds_at(findings, pair):
    return [f.kind for f in findings if f.position == pair.position]


@pytest.mark.parametrize("source_text, fault, kind", [
    ("Why don't you just admit", lambda p: p.source, "mt-untranslated"),
    ("I'm freaked out! I have nightmares", lambda p: "I have nightmares that the robots are chasing me at night.",
     "mt-untranslated"),
    ("This is pretty freaky.", lambda p: "Esto es de la de la de la de la de la", "mt-repetition"),
    ("Ohp- Sorry! Sorry.", lambda p: "Oupps-pparrererererererere)", "mt-repetition"),
    ("Memory overwrite, 90%.", lambda p: "Sobreescritura de la memoria.", "mt-lost-number"),
    ("Look Celia, we have to", lambda p: p.target.replace("Celia", "cariño"), "mt-lost-name"),
    ("You're a jerk, Thom.", lambda p: " ".join([p.target] * 6), "mt-runaway"),
    ("Of course you're ready", lambda p: "Sí.", "mt-length-ratio"),
    ("Robot's memory synced", lambda p: "¡Root no él y ra memorolito!", "mt-nonsense"),
    ("...and I just want to be awesome", lambda p: "...y y quiero ser genial en el espacio.", "mt-nonsense"),
    ("Whoaaa!", lambda p: "¡Quién una vez!", "mt-nonsense"),  # the demo model's words for a cry
    ("That's nice.", lambda p: "Eso es nice.", "mt-untranslated"),  # the demo model left a word in English
    # the demo model's output: "Two" written as a word, lost
    ("Okay, they're coming.", lambda p: "Vale,los están viniendo. ¡Cuesta minutos fue!", "mt-lost-number"),
])
def test_each_fault_made_from_a_human_translation_is_found_on_its_cue(tos, source_text, fault, kind):
    en, es = tos
    human = paired_by_time(en, es)
    pairs, faulty = _with_target(human, source_text, fault(_pair_of(human, source_text)))
    found = check_pairs(pairs, "en", "es")
    assert kind in _kinds_at(found, faulty)
    finding = next(f for f in found if f.position == faulty.position and f.kind == kind)
    assert (finding.start_ms, finding.end_ms, finding.line) == (faulty.start_ms, faulty.end_ms, faulty.line)
    before = {(f.position, f.kind) for f in check_pairs(human, "en", "es")}
    assert {(f.position, f.kind) for f in found} - before <= {(faulty.position, k) for k in KINDS}


def test_no_fault_on_a_human_line_that_repeats_its_source_or_keeps_its_name(tos):
    en, es = tos
    pairs = paired_by_time(en, es)
    found = check_pairs(pairs, "en", "es")
    for text in ("Ohp- Sorry! Sorry.", "Look Celia, we have to", "Memory overwrite, 90%.", "Thom.",
                 "Okay, they're coming.", "We should have about ten minutes"):  # "dos minutos", "diez minutos"
        assert not _kinds_at(found, _pair_of(pairs, text)), text


def test_a_lost_placeholder_is_an_error_on_the_first_cue_of_its_sentence(tos):
    en, _ = tos
    slots = [{"term": "Thom", "source_text": "Thom", "rendering": "Thom", "status": "unresolved",
              "positions": [8, 9], "start_ms": 42200, "end_ms": 47000},
             {"term": "Celia", "source_text": "Celia", "rendering": "Celia", "status": "resolved",
              "positions": [1], "start_ms": 25000, "end_ms": 27000}]
    [finding] = placeholder_findings(slots, en)
    first, second = (c for c in en.cues if c.position in (8, 9))
    assert (finding.kind, finding.severity, finding.position) == ("mt-placeholder", "error", 8)
    assert (finding.start_ms, finding.end_ms, finding.line) == (first.start, second.end, first.line)


def test_findings_sort_worst_first_and_count_per_kind(tos):
    en, es = tos
    pairs = paired_by_time(en, es)
    pairs, _ = _with_target(pairs, "Memory overwrite, 90%.", "Sobreescritura.")
    pairs, _ = _with_target(pairs, "Why don't you just admit", _pair_of(pairs, "Why don't you just admit").source)
    found = check_pairs(pairs, "en", "es")
    ordered = worst_first(found)
    assert [KINDS.index(f.kind) for f in ordered] == sorted(KINDS.index(f.kind) for f in found)
    counts = count_by_kind(found)
    assert counts["mt-untranslated"] == 1 and counts["mt-lost-number"] == 1
    rows = fault_rows({"es": found}, limit=1)
    assert rows == [{"lang": "es", "position": ordered[0].position, "timecode": rows[0]["timecode"],
                     "kind": "mt-untranslated", "severity": "warning", "message": ordered[0].message}]
    assert rows[0]["timecode"].startswith("00:00:30.800 -->")


def test_a_translated_track_is_checked_cue_by_cue_by_position(tos):
    en, es = tos
    made = es.copy(cues=[c.copy(position=p.position) for c, p in zip(es.cues[:20], en.cues[:20])])
    pairs = cue_pairs(en, made)
    assert [p.position for p in pairs] == [c.position for c in made.cues if not c.comment]
    assert all(p.source == en.by_position()[p.position].plain for p in pairs)


# --- the demo models -------------------------------------------------------------------------------------

def _made_up_words(target: str, source: str, lang: str, known: set[str]) -> list[str]:
    """Words of `target` that spaCy's word frequencies of `lang` do not list at all (not even as rare),
    that are not copied from the source and that the film's human translation never uses."""
    vocab = lexicon(lang)
    copied = set(lexicon_words(source))
    return [w for w in lexicon_words(target) if len(w) >= 4 and w not in copied and w not in known
            and vocab.probs.get(w) is None and vocab.probs.get(w.capitalize()) is None]


@pytest.mark.parametrize("src, tgt", [("en", "es"), ("es", "en")])
def test_the_demo_models_nonsense_on_tears_of_steel_is_flagged(demo_models, tos, src, tgt):
    from subpipe.translate.argos import ArgosEngine

    tracks = dict(zip(("en", "es"), tos))
    human = paired_by_time(tracks[src], tracks[tgt])
    texts = [p.source.replace("\n", " ") for p in human]
    outputs = ArgosEngine().translate_batch(texts, src, tgt)
    demo = [MTPair(p.source, out, p.position, p.start_ms, p.end_ms, p.line) for p, out in zip(human, outputs)]
    demo_found = check_pairs(demo, src, tgt)
    human_found = check_pairs(human, src, tgt)
    flagged = {f.position for f in demo_found}
    # More of the demo model's lines are flagged than of the human translation of the same cues.
    assert len(flagged) > len({f.position for f in human_found})
    # Its lines with words no dictionary of the language lists (not copied, not the film's own words)
    # are the nonsense a viewer would see: flagged.
    known = {w for p in human for w in lexicon_words(p.target)}
    nonsense = [p for p in demo if _made_up_words(p.target, p.source, tgt, known)]
    missed = [p.target for p in nonsense if p.position not in flagged]
    assert len(missed) <= len(nonsense) // 5, missed


@pytest.mark.parametrize("names_found, called", [(True, "name"), (False, "glossary term")])
def test_a_lost_protected_name_is_called_a_name_and_a_glossary_entry_a_glossary_term(demo_models, names_found,
                                                                                       called):
    """Elephants Dream through the demo model: a line of it loses Emo's placeholder (the 0.2 models lost
    Celia's in Tears of Steel's "Look Celia, ...", which the 0.3 models keep). Found in the film (the
    default, no glossary), Emo is a name; listed by the sample glossary (names found off), a glossary term;
    the placeholder error says which. The lost name is that error alone: no ``mt-lost-name`` warning
    repeats it on the same cue (one fault, one finding; before, each lost name was reported twice)."""
    from subpipe.localize import film_names, source_sentences, translate_sentences
    from subpipe.qc.mt import mt_review
    from subpipe.terms.glossary import load_glossary
    from subpipe.translate.names import with_names

    en = read_track(SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt", lang="en")
    glossary = None if names_found else load_glossary(SAMPLES / "glossary" / "films.csv")
    protection = with_names(glossary, film_names(en) if names_found else [])
    assert "Emo" in [e.term for e in protection.entries]
    sentences = source_sentences(en, "en")
    translations, slots = translate_sentences(sentences, "en", "es", glossary=protection)
    target = dataclasses.replace(en, lang="es")  # the findings point at cues by position, as on the output
    found = mt_review(sentences, translations, target, "en", slots=slots, glossary=protection,
                      round_trip=False).findings
    lost = [f for f in found if f.kind == "mt-placeholder" and "'Emo'" in f.message]
    assert lost and all(f.message.startswith(f"{called} 'Emo' (Emo) lost by the engine") for f in lost)
    missing = [f for f in found if f.kind == "mt-lost-name" and "'Emo'" in f.message]
    assert not {f.position for f in missing} & {f.position for f in lost}, missing
    # the check itself still finds the name missing there: it is the placeholder error that reports it
    pairs = sentence_pairs(sentences, translations, target)
    lost_positions = {f.position for f in lost}
    terms = [e.term for e in protection.entries if e.do_not_translate]
    again = [f for f in check_pairs([p for p in pairs if p.position in lost_positions], "en", "es", terms=terms,
                                    detect=False) if f.kind == "mt-lost-name"]
    assert {f.position for f in again} == lost_positions


def test_a_question_the_translation_no_longer_asks_is_flagged_and_human_ones_almost_never(corpus, demo_models):
    """The demo model's French turns Sintel's "Someone very dear?" into "Quelqu'un." (the 0.2 models turned
    "Why don't you just admit...?" into "Pourquoi pas toi."), and the 0.2 models' Spanish opened "¡Hazlo."
    for "it's alright!" without closing it (the 0.3 models close their "¡"): ``mt-punctuation``. The
    human versions (744 cue pairs): 2 flagged, the Italian of Tears of Steel rewriting a question as
    "Dillo che ...!" (a translator's choice, twice); human subtitles drop a final "!" (12 times) and
    Spanish ones leave out "¿" (11 cues of Sintel): neither is flagged."""
    from subpipe.translate import get_engine

    engine = get_engine("argos")
    question = "Someone very dear?"
    pairs = [MTPair(question, engine.translate_batch([question], "en", "fr")[0], position=1)]
    assert "mt-punctuation" in [f.kind for f in check_pairs(pairs, "en", "fr", detect=False)], pairs
    pairs = [MTPair("it's alright!", "¡Hazlo.", position=2)]
    found = [f for f in check_pairs(pairs, "en", "es", detect=False) if f.kind == "mt-punctuation"]
    assert found and "'¡' never closed by '!'" in found[0].message, pairs
    flagged = [(film, tgt, p.target) for film, src, tgt, pairs in human_pairs(corpus)
               for f in check_pairs(pairs, src, tgt, detect=False) if f.kind == "mt-punctuation"
               for p in pairs if p.position == f.position]
    assert len(flagged) <= 2 and all(tgt == "it" for _, tgt, _ in flagged), flagged
