"""Candidate keys of glossary words: the same tokens and a superset of the lemmas spaCy itself gives.

The term index relies on two promises of `subpipe.terms.keys`, checked here against the real pipeline
on real words (the corpus films and the sample glossaries): tokens equal the tokenizer's, and every
lemma key the pipeline gives a word in some sentence is among the word's candidate keys.
"""

import re

import pytest
from conftest import SAMPLES
from spacy.tokens import Doc

from subpipe.formats import read_track
from subpipe.nlp import load_pipeline, lookup_lemmas, pipe_texts
from subpipe.terms import load_glossary
from subpipe.terms.keys import WordKeys, rule_lemmas
from subpipe.terms.match import NOT_NEEDED, TermMatcher, analyze_track, lemma_key

FILMS = [SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt", SAMPLES / "tears-of-steel" / "TearsOfSteel.en.vtt",
         SAMPLES / "sintel" / "Sintel.en.vtt"]


def film_texts(corpus) -> list[str]:
    texts = [c.plain for path in FILMS for c in read_track(path).cues]
    texts += [c.plain for path in sorted((corpus / "films").rglob("*-en.vtt")) for c in read_track(path).cues]
    return [t for t in texts if t.strip()]


@pytest.fixture(scope="module")
def english():
    nlp = load_pipeline("en")
    return nlp, WordKeys(nlp, lookup_lemmas("en"))


def test_tokens_are_the_tokenizers_for_glossary_terms_and_film_words(english, corpus):
    nlp, keys = english
    terms = [e.term for e in load_glossary(SAMPLES / "glossary" / "films.csv")]
    terms += sorted({w for t in film_texts(corpus) for w in t.split()})
    terms += ["head-snarlers", "Mr. Wilson's", "can't", "gonna", "U.S.A.", "(Proog)", "10km", "e-mail"]
    assert keys.tokenize(terms) == [tuple(t.text for t in nlp.make_doc(term)) for term in terms]


def test_rule_lemmas_are_spacys_for_every_part_of_speech(english, corpus):
    nlp, _ = english
    lemmatizer = nlp.get_pipe("lemmatizer")
    tables = {n: lemmatizer.lookups.get_table(n, {}) for n in ("lemma_index", "lemma_exc", "lemma_rules")}
    lemmas = sorted(set(lookup_lemmas("en").values()))[::10]  # real words, and inflections made from them
    words = sorted({w for t in film_texts(corpus) for w in re.findall(r"[A-Za-z']+", t)} |
                   {w + ending for w in lemmas for ending in ("", "s", "es", "ed", "ing", "er", "est", "ies")})
    assert len(words) > 10_000
    for pos in ("NOUN", "VERB", "ADJ", "ADV"):
        index, exc, rules = (tables[n].get(pos.lower()) or {} for n in ("lemma_index", "lemma_exc", "lemma_rules"))
        doc = Doc(nlp.vocab, words=words, pos=[pos] * len(words))
        for token in doc:
            forms, oov = rule_lemmas(token.text, set(index), dict(exc), [tuple(r) for r in rules])
            assert (forms or oov or [token.text])[0] == lemmatizer.rule_lemmatize(token)[0], (token.text, pos)


def test_every_lemma_key_the_pipeline_gives_is_a_candidate(english, corpus):
    """Run the whole pipeline over the films: each token's lemma key is among its word's candidate keys."""
    _, keys = english
    lookup = lookup_lemmas("en")
    missing = []
    for doc in pipe_texts("en", film_texts(corpus), disable=NOT_NEEDED):
        for token in doc:
            if not token.is_space and lemma_key(token, lookup) not in keys.variants(token.text):
                missing.append((token.text, token.pos_, lemma_key(token, lookup)))
    assert not missing


def test_candidates_beyond_the_pipeline_are_confirmed_away():
    """"beer" is a candidate for "was" (be; an adjective's comparative), but the pipeline says beer."""
    from subpipe.cues import Cue
    from subpipe.terms import make_entry

    _, keys = load_pipeline("en"), WordKeys(load_pipeline("en"), lookup_lemmas("en"))
    assert "be" in keys.variants("beer")
    analysis = analyze_track([Cue(0, 1000, "It was cold, and the beers were warm.", position=0)], "en")
    matcher = TermMatcher([make_entry("beer", "en")], "en")
    found = [(doc[s:e].text, how) for doc in analysis.docs for _, s, e, how in matcher(doc)]
    assert found == [("beers", "lemma")]


def test_french_lemmas_cannot_be_enumerated_so_every_term_goes_through_the_pipeline():
    keys = WordKeys(load_pipeline("fr"), lookup_lemmas("fr"))
    assert not keys.exact
    from subpipe.cues import Cue
    from subpipe.terms import make_entry, match_track

    track = [Cue(0, 2000, "Les jardins suspendus de Babylone étaient beaux.", position=0)]
    hits = match_track(track, [make_entry("jardin suspendu", "fr")], "fr")
    assert [(h.text, h.match) for h in hits] == [("jardins suspendus", "lemma")]
