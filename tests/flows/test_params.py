"""Flow parameters as the UI form sees them, and the roots a deployment run's paths must stay inside."""

import pytest

from flows.localize import localize_film
from flows.params import BatchOptions, Language, QCOptions, allowed_path, glossary_path
from subpipe.batch import BatchSettings
from subpipe.errors import SubpipeError


def test_enums_and_bounds_validate_like_the_form():
    assert QCOptions(profile="netflix-legacy", fps=23.976).profile.value == "netflix-legacy"
    for bad in ({"fps": 0}, {"fps": 500}, {"profile": "unknown"}, {"audience": "teens"}):
        with pytest.raises(ValueError):
            QCOptions(**bad)
    assert BatchOptions(target_languages=["es", "pt-BR"]).target_languages == [Language.ES, Language.PT_BR]
    with pytest.raises(ValueError):
        BatchOptions(concurrency=0)
    schema = localize_film.parameters.model_dump()
    assert schema["properties"]["options"]["$ref"] == "#/definitions/QCOptions"
    assert "Title.lang.ext" in schema["properties"]["source"]["description"]


def test_restricted_paths_stay_in_their_roots(tmp_path):
    s = BatchSettings(
        inbox=tmp_path / "in", outbox=tmp_path / "out", glossaries=tmp_path / "gl", restrict_paths=True
    )
    for d in (s.inbox, s.outbox, s.glossaries):
        d.mkdir()
    assert allowed_path("Sintel.en.vtt", what="source", settings=s) == str(
        s.inbox.resolve() / "Sintel.en.vtt"
    )
    assert allowed_path("films", what="output_dir", write=True, settings=s) == str(
        s.outbox.resolve() / "films"
    )
    assert glossary_path("films.csv", s) == str(s.glossaries.resolve() / "films.csv")
    assert allowed_path(str(s.glossaries / "films.csv"), what="glossary", settings=s)  # any root reads
    for path, write in (
        ("/etc/passwd", False),
        ("../../etc/passwd", False),
        (str(s.inbox), True),
        (str(s.glossaries / "x"), True),
    ):
        with pytest.raises(SubpipeError, match="outside the configured roots"):
            allowed_path(path, what="path", write=write, settings=s)
    open_settings = s.model_copy(update={"restrict_paths": False})
    assert allowed_path("/etc/passwd", what="source", settings=open_settings) == "/etc/passwd"


def test_the_form_offers_locales_and_apertiums_languages():
    from subpipe.locales import normalize_locale

    assert all(normalize_locale(lang.value) == lang.value for lang in Language)  # each a normalised tag
    wanted = ["es-ES", "es-419", "fr-CA", "pt-PT", "en-GB", "zh-Hant", "ca", "gl", "eu"]
    assert BatchOptions(target_languages=wanted).target_languages == [Language(t) for t in wanted]
    schema = localize_film.parameters.model_dump()
    choices = schema["definitions"]["Language"]["enum"]
    assert {"es-419", "fr-CA", "ca", "gl", "eu"} <= set(choices)
    with pytest.raises(ValueError):
        BatchOptions(target_languages=["es-XX"])


@pytest.mark.parametrize(("tag", "spoken"), [
    ("zh-Hans", "zh"), ("zh-CN", "zh"), ("zh-SG", "zh"), ("cmn", "zh"),
    ("zh-Hant", "zh-Hant"), ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"), ("zh-Hant-TW", "zh-Hant"),
    ("yue", "yue"), ("es-419", "es-419"),
])
def test_a_spoken_chinese_is_known_by_its_script_whatever_the_locale(tag, spoken):
    from conftest import SAMPLES

    from flows.params import spoken_value
    from subpipe.formats import read_track
    from subpipe.langid import identify_languages
    from subpipe.locales import engine_candidates

    assert spoken_value(Language(tag) if tag in set(Language) else tag) == spoken
    if spoken.startswith("zh"):
        # the Mandarin cues of the sample get that tag, and a Traditional one reaches argos's zt model
        scene = read_track(SAMPLES / "bilingual" / "dumplings.en+zh.srt")
        calls = identify_languages(scene, languages=["en", spoken_value(tag)]).track.cues
        assert sum(c.lang == spoken for c in calls) == 20
        assert ("zt" in engine_candidates(spoken)) == (spoken == "zh-Hant")


def test_the_form_offers_the_chinese_locales_and_cantonese():
    assert {Language.ZH_TW.value, Language.ZH_HK.value, Language.YUE.value} == {"zh-TW", "zh-HK", "yue"}
    assert BatchOptions(target_languages=["zh-TW"]).target_languages == [Language.ZH_TW]


def test_the_forms_take_every_spelling_of_chinese_the_command_line_takes():
    # --to zh / zh-CN / zh-MO and --languages zh_tw work on the command line: the forms take them too
    assert BatchOptions(target_languages=["zh", "zh-CN", "zh-MO", "zh_tw", "ZH-hant"]).target_languages == \
        [Language.ZH, Language.ZH_CN, Language.ZH_MO, Language.ZH_TW, Language.ZH_HANT]
    assert Language("pt_br") is Language.PT_BR
    with pytest.raises(ValueError):
        Language("zh-XX")


def test_the_batch_form_can_ask_for_forced_narratives(tmp_path, monkeypatch):
    from flows.batch import batch_settings

    monkeypatch.setenv("SUBPIPE_CONFIG", str(tmp_path / "subpipe.toml"))
    (tmp_path / "subpipe.toml").write_text("forced_narrative = true\n", encoding="utf-8")
    inbox, outbox = str(tmp_path / "in"), str(tmp_path / "out")
    assert batch_settings(inbox, outbox, None, BatchOptions()).forced_narrative is True  # the server's setting
    assert batch_settings(inbox, outbox, None, BatchOptions(forced_narrative=False)).forced_narrative is False
    monkeypatch.delenv("SUBPIPE_CONFIG")
    (tmp_path / "subpipe.toml").unlink()
    monkeypatch.chdir(tmp_path)
    assert batch_settings(inbox, outbox, None, BatchOptions()).forced_narrative is False
    assert batch_settings(inbox, outbox, None, BatchOptions(forced_narrative=True)).forced_narrative is True
    schema = BatchOptions.model_json_schema()["properties"]["forced_narrative"]
    assert {"type": "boolean"} in schema["anyOf"]
