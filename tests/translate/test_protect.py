"""Glossary protection: placeholders in, approved renderings out, every slot verified, losses reported.

The translator here is a plain function standing in for MT where the test needs a behaviour a real
model shows only sometimes (losing or repeating a placeholder); the end-to-end path with the real
argos demo model is in test_argos.py and test_localize.py.
"""

from conftest import SAMPLES

from subpipe.terms.glossary import load_glossary, make_entry
from subpipe.translate.protect import protect_sentences, restore, translate_protected

GLOSSARY = load_glossary(SAMPLES / "glossary" / "films.csv")


def test_approved_and_do_not_translate_terms_become_placeholders():
    [p] = protect_sentences(["Celia lost her robot hand near the hanging gardens of Babylon."], GLOSSARY, "en", "es")
    assert p.text == "ZQ0 lost her ZQ1 near the ZQ2."
    assert [(s.source_text, s.rendering) for s in p.slots] == [
        ("Celia", "Celia"), ("robot hand", "mano robótica"),
        ("hanging gardens of Babylon", "jardines colgantes de Babilonia")]


def test_inflected_terms_are_protected_too():
    entries = [make_entry("honoured elder", "en", translations={"es": ["venerable anciano"]})]
    [p] = protect_sentences(["We thank the honoured elders."], entries, "en", "es")
    assert p.text == "We thank the ZQ0." and p.slots[0].source_text == "honoured elders"


def test_terms_without_a_rendering_for_the_target_stay_as_text():
    # head-snarler has a German rendering only: nothing to enforce in Spanish.
    [p] = protect_sentences(["The head-snarler is safe."], GLOSSARY, "en", "es")
    assert p.slots == [] and p.text == "The head-snarler is safe."


def test_restore_puts_renderings_back_and_refuses_lost_or_repeated_placeholders():
    [p] = protect_sentences(["Thom and Celia argue."], GLOSSARY, "en", "es")
    assert restore("ZQ1 y ZQ0 discuten.", p) == "Celia y Thom discuten."
    assert restore("Celia discute.", p) is None
    assert restore("ZQ0 ZQ0 ZQ1", p) is None


def test_a_lost_placeholder_falls_back_to_the_unprotected_translation_and_is_reported():
    calls = []

    def forgetful(batch):  # loses every placeholder, renders plain text word for word
        calls.append(list(batch))
        return [s.replace("ZQ0", "").replace("robot hand", "mano robótica").replace("Celia", "Celia")
                for s in batch]

    out, protected = translate_protected(["Celia has a robot hand.", "Barley is here."], GLOSSARY, "en", "es",
                                         forgetful)
    assert len(calls) == 2 and calls[1] == ["Celia has a robot hand.", "Barley is here."]
    statuses = [[(s.entry.term, s.status) for s in p.slots] for p in protected]
    assert statuses == [[("Celia", "via-unprotected"), ("robot hand", "via-unprotected")],
                        [("Barley", "via-unprotected")]]
    assert out == ["Celia has a mano robótica.", "Barley is here."]


def test_an_unrecoverable_term_is_reported_unresolved():
    def mistranslates(batch):
        return ["Cebada está aquí." if "Barley" in s or "ZQ" in s else s for s in batch]

    out, protected = translate_protected(["Barley is here."], GLOSSARY, "en", "es", mistranslates)
    assert out == ["Cebada está aquí."]
    assert [(s.entry.term, s.status) for s in protected[0].slots] == [("Barley", "unresolved")]
