"""The language a file name declares (`guess_lang`): a real language in the name's last token, never a
word that happens to be two or three letters long."""

import pytest
from conftest import CORNER, CORPUS, FILMS, ROOT, SAMPLES

from subpipe.formats import read_track
from subpipe.ingest import guess_lang, guess_languages, is_language_tag

TTCONV = ROOT / "tests" / "formats" / "data" / "ttconv"


def test_caption_files_named_after_a_caption_style_have_no_language():
    # Roll-up, paint-on and pop-on captions (SCC): "on" is no language and "up" none either
    for name in ("pop-on.scc", "paint-on.scc", "mix-rows-roll-up.scc"):
        assert (TTCONV / name).is_file()
        assert guess_lang(TTCONV / name) is None and guess_languages(TTCONV / name) == [], name
    assert read_track(TTCONV / "pop-on.scc", lang=guess_lang(TTCONV / "pop-on.scc")).lang in (None, "und")


@pytest.mark.parametrize("name, lang", [
    ("Film.it.srt", "it"), ("Film-it.srt", "it"), ("TOS-it.vtt", "it"), ("Film.no.srt", "no"),
    ("Film.to.srt", "to"), ("Film.and.srt", "and"), ("Film.yue.srt", "yue"), ("Film-eng.srt", "eng"),
    ("Film_pt_BR.srt", "pt-BR"), ("Film.es-419.srt", "es-419"), ("Film-zh-Hant-TW.vtt", "zh-Hant-TW"),
    ("add-on.srt", None), ("check-in.srt", None), ("overlapping-end.vtt", None), ("left-tab.vtt", None),
    ("bom-utf-16-le.srt", None), ("youtube_dl.vtt", None), ("Film.und.srt", None), ("Film.qaa.srt", None),
    ("Film.on.srt", None), ("Film.xx.srt", None), ("rock-and.srt", None), ("test_scc.srt", None),
    ("Show_ep-101.srt", None), ("en.srt", None),
])
def test_only_a_real_language_in_the_last_token_counts(name, lang):
    assert guess_lang(name) == lang


def test_bilingual_names_need_real_languages():
    assert guess_languages("Dumplings.en+zh.srt") == ["en", "zh"]
    assert guess_languages("Film.en+on.srt") == [] and guess_languages("pop-on+up.srt") == []


def test_every_file_of_the_corpus_keeps_its_right_guesses_and_loses_the_words():
    guessed = {p.relative_to(CORPUS): guess_lang(p) for p in CORPUS.rglob("*") if p.is_file()}
    films = {p: lang for p, lang in guessed.items() if (CORPUS / p).is_relative_to(FILMS)
             and p.suffix == ".vtt"}
    # sintel-pt.vtt is Portuguese; TOS-fr-Goofy.vtt (a fan track) names no language at its end
    expected = {p: (p.stem.rsplit("-", 1)[1] if p.stem[-3] == "-" else None) for p in films}
    assert len(films) > 10 and films == expected and sum(map(bool, films.values())) > 10
    words = {p: lang for p, lang in guessed.items() if (CORPUS / p).is_relative_to(CORNER) and lang}
    assert not {lang for lang in words.values()} & {"end", "bom", "tab", "gt", "le", "ns", "dl", "on"}, words
    assert all(is_language_tag(lang) for lang in guessed.values() if lang)


def test_the_samples_keep_their_languages():
    for path in SAMPLES.rglob("*.vtt"):
        declared = path.name.split(".")[-2]
        assert guess_languages(path) == declared.split("+"), path
