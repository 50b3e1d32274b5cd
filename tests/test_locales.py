"""Locales (issue 13): BCP 47 tags parsed and normalised, fallback chains, engine routes, OpenCC scripts."""
import pytest
from conftest import CORPUS

from subpipe.errors import SubpipeError
from subpipe.formats import read_track
from subpipe.locales import (
    LocaleEngine,
    best_match,
    convert_script,
    engine_language,
    fallback_chain,
    normalize_locale,
    parse_locale,
    script_conversion,
    script_of,
)

GB2312 = CORPUS / "corner-cases" / "cdown-srt" / "gb2312.srt"


@pytest.mark.parametrize("raw, tag", [
    ("es_419", "es-419"), ("pt_br", "pt-BR"), ("zh-hant", "zh-Hant"), ("EN-gb", "en-GB"), ("fr-ca", "fr-CA"),
    ("iw", "he"), ("eng", "en"), ("ca", "ca"), ("gl", "gl"), ("eu", "eu"), ("zh-Hant-TW", "zh-Hant-TW"),
])
def test_tags_are_normalised(raw, tag):
    assert normalize_locale(raw) == tag


@pytest.mark.parametrize("raw", ["xx-YY", "es-XX", "es-ZZ", "../x", "", "en-US-x-foo", "und", "e", "es--ES"])
def test_unknown_or_malformed_tags_are_errors_naming_the_argument(raw):
    with pytest.raises(SubpipeError) as err:
        parse_locale(raw, what="--to", path="Film.en.srt")
    assert err.value.code == "bad-language" and "--to" in str(err.value) and "Film.en.srt" in str(err.value)


@pytest.mark.parametrize("tag, chain", [
    ("es-MX", ["es-MX", "es-419", "es"]), ("es-AR", ["es-AR", "es-419", "es"]), ("es-ES", ["es-ES", "es"]),
    ("es-419", ["es-419", "es"]), ("pt-AO", ["pt-AO", "pt-PT", "pt"]), ("pt-BR", ["pt-BR", "pt"]),
    ("fr-CA", ["fr-CA", "fr"]), ("zh-TW", ["zh-TW", "zh-Hant", "zh"]), ("zh-Hant", ["zh-Hant", "zh"]),
    ("zh-CN", ["zh-CN", "zh-Hans", "zh"]), ("en-GB", ["en-GB", "en"]), ("ca", ["ca"]),
])
def test_fallback_chains_follow_cldr_parents(tag, chain):
    assert fallback_chain(tag) == chain


def test_chinese_scripts_are_explicit_or_likely():
    assert [script_of(t) for t in ("zh-Hant", "zh-TW", "zh-HK", "zh", "zh-CN", "es")] == \
        ["Hant", "Hant", "Hant", "Hans", "Hans", None]
    assert script_conversion("zh-HK", "zh") == "s2hk" and script_conversion("zh-Hans", "zh-Hant") == "t2s"


def test_a_model_for_the_exact_locale_wins_else_the_next_link():
    assert engine_language("es-MX", {"es", "es-419", "en"}) == "es-419"
    assert engine_language("es-MX", {"es", "en"}) == "es"
    assert engine_language("zh-Hant", {"zh", "zt"}) == "zt"  # argos's Traditional Chinese
    assert engine_language("fr-CA", {"en", "es"}) is None
    assert best_match("pt-MZ", ["pt-BR", "pt-PT"]) == "pt-PT"


def test_the_demo_argos_models_serve_locales_through_their_language(demo_models):
    from subpipe.translate.argos import ArgosEngine

    engine = LocaleEngine(ArgosEngine())
    assert engine.resolve("en", "es-419") == ("en", "es") and engine.resolve("en", "fr-CA") == ("en", "fr")
    assert engine.resolve("es-MX", "en-GB") == ("es", "en")
    out = engine.translate_batch(["Good morning."], "en", "es-ES")
    assert out == ArgosEngine().translate_batch(["Good morning."], "en", "es")
    with pytest.raises(SubpipeError) as err:
        engine.route("en", "zh-Hant")
    assert err.value.code == "missing-pair" and "en->zh-Hant" in err.value.message
    assert "also tried en->zt, en->zh" in err.value.message


def test_opencc_turns_a_real_simplified_subtitle_into_traditional_and_back():
    track = read_track(GB2312)  # GB2312 bytes, decoded by the reader
    simplified = [c.text for c in track.cues]
    assert simplified[0] == "宇宙守护神  保护我们远离邪恶"
    traditional = convert_script(simplified, "s2t")
    assert traditional[0] == "宇宙守護神  保護我們遠離邪惡"
    assert traditional[1] == "他能徒手抓住子彈  攔住疾速的火車"
    assert convert_script(traditional, "t2s") == simplified


def test_a_simplified_track_delivered_as_traditional_goes_through_the_engine_and_opencc(demo_models):
    # zh-Hans -> zh-Hant needs no model: one language, converted by script.
    from subpipe.translate.argos import ArgosEngine

    engine = LocaleEngine(ArgosEngine())
    lines = [c.text for c in read_track(GB2312).cues]
    assert engine.resolve("zh-Hans", "zh-Hant") == ("zh", "zh")
    taiwan = engine.translate_batch(lines, "zh-Hans", "zh-TW")
    assert taiwan[2] == "輕輕一跳就能飛躍高樓"
    assert engine.translate_batch(lines, "zh-Hans", "zh-CN") == lines


def test_a_traditional_track_delivered_as_simplified_is_converted_not_passed_through(demo_models):
    # zh-Hant -> zh goes through no model: the text was passed as it was, still in Traditional characters
    from subpipe.translate.argos import ArgosEngine

    engine = LocaleEngine(ArgosEngine())
    lines = [c.text for c in read_track(GB2312).cues]
    traditional = convert_script(lines, "s2twp")
    assert engine.translate_batch(traditional, "zh-TW", "zh") == lines
    assert engine.translate_batch(traditional, "zh-Hant", "zh-CN") == lines
    assert engine.translate_batch(traditional, "zh-TW", "zh-Hant") == traditional
