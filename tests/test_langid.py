"""`subpipe.langid` on real text: corpus films mixed cue by cue, a hand-written Mandarin/English scene."""

import json
import os
import subprocess
import sys

import pytest
from conftest import FILMS, SAMPLES

from subpipe.cues import Cue, Track
from subpipe.errors import SubpipeError
from subpipe.formats import read_track
from subpipe.ingest import guess_lang
from subpipe.langid import (
    LOW_CONFIDENCE,
    dash_lines,
    declared_languages,
    identify_languages,
    is_wordless,
    load_overrides,
    mix_tracks,
)

SCENE = SAMPLES / "bilingual" / "dumplings.en+zh.srt"
TRUTH = {row["position"]: row for row in
         json.loads((SAMPLES / "bilingual" / "dumplings.en+zh.truth.json").read_text(encoding="utf-8"))}


def versions(film: str, *langs: str) -> dict[str, Track]:
    names = {"sintel": "sintel-{}.vtt", "tears-of-steel": "TOS-{}.vtt"}[film]
    return {lang: read_track(FILMS / film / names.format(lang), lang=lang) for lang in langs}


def calls(result) -> dict[int, str]:
    return {call.position: call.lang for call in result.cues}


def accuracy(mixed: Track, result) -> float:
    got = calls(result)
    scored = [c for c in mixed.cues if not is_wordless(c.plain) and c.position not in mixed.meta["ambiguous"]]
    return sum(got[c.position] == c.lang for c in scored) / len(scored)


def without_truth(track: Track) -> Track:
    return track.copy(cues=[c.copy(lang=None, lang_origin=None, lang_confidence=None) for c in track.cues])


def test_scenes_of_english_and_german_in_tears_of_steel():
    mixed = mix_tracks(versions("tears-of-steel", "en", "de"), ["en"] * 6 + ["de"] * 6)
    result = identify_languages(without_truth(mixed), languages=["en", "de"])
    assert accuracy(mixed, result) >= 0.97
    shares = {s.code: s.cues for s in result.languages}
    assert shares["en"] > 25 and shares["de"] > 25


def test_alternating_english_and_russian_is_decided_by_the_script():
    mixed = mix_tracks(versions("sintel", "en", "ru"), ["en", "ru"])
    result = identify_languages(without_truth(mixed), languages="en,ru")
    assert accuracy(mixed, result) == 1.0
    russian = [c for c in result.track.cues if c.lang == "ru"]
    assert russian and all(c.lang_confidence > 0.99 and c.lang_origin == "detected" for c in russian)


def test_languages_are_found_when_none_is_declared():
    mixed = mix_tracks(versions("tears-of-steel", "en", "es"), ["en"] * 4 + ["es"] * 4)
    result = identify_languages(without_truth(mixed))
    assert set(result.spoken) == {"en", "es"}
    assert accuracy(mixed, result) >= 0.95


def one_after_another(chosen: dict[str, Track], *patterns: list[str]) -> Track:
    """A film whose stretches follow different patterns (scenes, then a dialogue...), 10 s apart."""
    cues, ambiguous, offset = [], set(), 0
    for pattern in patterns:
        part = mix_tracks(chosen, pattern)
        ambiguous |= {len(cues) + p for p in part.meta["ambiguous"]}
        cues += [c.copy(start=c.start + offset, end=c.end + offset, position=len(cues) + n)
                 for n, c in enumerate(part.cues)]
        offset = cues[-1].end + 10_000
    return Track(cues, path="mix", meta={"ambiguous": ambiguous})


@pytest.mark.parametrize(("film", "a", "b", "least"), [("sintel", "en", "de", 1.0), ("sintel", "en", "it", 1.0),
                                                        ("tears-of-steel", "es", "it", 0.98)])
def test_a_film_of_scenes_and_dialogues_learns_its_switch_rate_around_each_cue(film, a, b, least):
    # one rate for the whole film (a dialogue switching at every line, scenes hardly ever) let lingua's
    # 74% for English decide a German "Also..." inside a German scene
    mixed = one_after_another(versions(film, a, b), [a] * 8 + [b] * 8, [a, b], [b] * 8 + [a] * 8, [b, a])
    result = identify_languages(without_truth(mixed), languages=[a, b])
    assert accuracy(mixed, result) >= least


def test_the_input_track_is_left_as_it_was():
    mixed = mix_tracks(versions("sintel", "en", "fr"), ["en", "fr"])
    bare = without_truth(mixed)
    identify_languages(bare, languages=["en", "fr"])
    assert all(c.lang is None for c in bare.cues)


@pytest.mark.parametrize("path", [FILMS / "tears-of-steel" / "TOS-nl.vtt", FILMS / "sintel" / "sintel-ru.vtt",
                                  FILMS / "elephants-dream" / "elephants-dream-subtitles-en.vtt"])
def test_a_single_language_track_comes_back_unchanged(path):
    track = read_track(path, lang=guess_lang(path))
    result = identify_languages(track)
    assert result.spoken == [track.lang]
    assert [(c.start, c.end, c.text, c.lang, c.lang_origin) for c in result.track.cues] == \
        [(c.start, c.end, c.text, None, None) for c in track.cues]


def test_the_hand_written_mandarin_scene_with_dash_lines():
    result = identify_languages(read_track(SCENE), languages=["en", "zh"])
    for cue in result.track.cues:
        truth = TRUTH[cue.position]
        assert cue.lang == truth["lang"], (cue.position, cue.plain)
        assert cue.line_langs == (tuple(truth["lines"]) if "lines" in truth else None), cue.plain
    first = result.track.by_position()[1]
    assert first.plain == "- 你好。\n- Hi, Grandma." and first.line_langs == ("zh", "en")


def test_declared_chinese_is_known_by_its_script_on_the_command_line_as_in_the_flows(tmp_path):
    # `--languages en,zh-TW` and the flows' zh-TW (spoken_value: zh-Hant) name the cues alike
    assert declared_languages("en,zh-TW") == ("en", "zh-Hant") and declared_languages(["zh_cn", "en"]) == ("zh", "en")
    result = identify_languages(read_track(SCENE), languages="en,zh-TW")
    assert {c.lang for c in result.track.cues} == {"en", "zh-Hant", "und"}
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("position,lang\n2,zh-TW\n4,zh-CN\n", encoding="utf-8")
    assert load_overrides(overrides) == {2: "zh-Hant", 4: "zh"}


def test_und_for_sounds_music_interjections_and_empty_cues():
    track = read_track(SCENE)
    extra = [Cue(200_000, 201_000, "", position=100), Cue(202_000, 203_000, "Woaaa!", position=101),
             Cue(204_000, 205_000, "Ha ha", position=102), Cue(206_000, 207_000, "[door slams]", position=103)]
    track = track.copy(cues=track.cues + extra)
    result = identify_languages(track, languages=["en", "zh"])
    got = calls(result)
    assert [got[p] for p in (0, 15, 22, 27, 37, 100, 101, 102, 103)] == ["und"] * 9
    assert is_wordless("♪ Ooh, baby ♪") and is_wordless("(laughs)") and not is_wordless("Oh no!")


def test_an_override_always_wins_and_counts_for_its_neighbours(tmp_path):
    mixed = mix_tracks(versions("tears-of-steel", "en", "it"), ["en"] * 8 + ["it"] * 8)
    bare = without_truth(mixed)
    detected = calls(identify_languages(bare, languages=["en", "it"]))
    target = next(c.position for c in mixed.cues if c.lang == "en" and len(c.plain) > 20)
    assert detected[target] == "en"
    path = tmp_path / "fix.csv"
    path.write_text(f"position,lang\n{target},it\n", encoding="utf-8")
    overrides = load_overrides(path, [c.position for c in bare.cues])
    result = identify_languages(bare, languages=["en", "it"], overrides=overrides)
    cue = result.track.by_position()[target]
    assert (cue.lang, cue.lang_origin, cue.lang_confidence) == ("it", "override", 1.0)


def test_override_files_json_forms_and_errors_naming_file_and_line(tmp_path):
    as_object = tmp_path / "o.json"
    as_object.write_text('{\n  "3": "zh",\n  "5": "und"\n}\n', encoding="utf-8")
    assert load_overrides(as_object, range(10)) == {3: "zh", 5: "und"}
    as_list = tmp_path / "l.json"
    as_list.write_text('[\n{"position": 2, "lang": "pt_br"}\n]\n', encoding="utf-8")
    assert load_overrides(as_list) == {2: "pt-BR"}
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("position,lang\n1,en\n99,zh\n", encoding="utf-8")
    with pytest.raises(SubpipeError) as err:
        load_overrides(unknown, range(10))
    assert (err.value.path, err.value.line) == (str(unknown), 3) and "99" in err.value.message
    bad_code = tmp_path / "bad.json"
    bad_code.write_text('{\n  "1": "en",\n  "2": "english!"\n}\n', encoding="utf-8")
    with pytest.raises(SubpipeError) as err:
        load_overrides(bad_code, range(10))
    assert (err.value.path, err.value.line) == (str(bad_code), 3)
    no_header = tmp_path / "plain.csv"
    no_header.write_text("1,en\n", encoding="utf-8")
    with pytest.raises(SubpipeError, match="header"):
        load_overrides(no_header)


# A malformed overrides file for the bilingual scene: (file name, bytes) -> (line, words of the message).
SCENE_POSITIONS = [c.position for c in read_track(SCENE).cues]
MALFORMED_OVERRIDES = {
    "latin-1.csv": ("position,lang\n3,zh\n5,en # caf\xe9\n".encode("latin-1"), 3, "column 11 of its line"),
    "latin-1.json": ('{\n  "3": "zh",\n  "5": "\xe9n"\n}\n'.encode("latin-1"), 3, "column 9 of its line"),
    "syntax.json": (b'{\n  "3": "zh",\n  "5" "en"\n}\n', 3, "Expecting ':' delimiter (column 7)"),
    "item.json": (b'[\n  {"position": 3, "lang": "zh"},\n  ["5", "en"]\n]\n', 3,
                  "needs 'position' and 'lang', not '[\"5\", \"en\"]' (column 3)"),
    "lang.json": (b'[\n  {"position": 3,\n   "lang": "zh"},\n  {"position": 5,\n   "lang": ["en"]}\n]\n', 5,
                  "not a language tag: \"['en']\" (column 12)"),
    "position.json": (b'{\n  "3": "zh",\n  "five": "en"\n}\n', 3, "position 'five' is not a cue position (column 3)"),
    "deep.json": (b'{"3": "zh",\n "5": ' + b"[" * 100_000 + b"\n}", 2, "nested too deep"),
    "string.json": (b'\n\n  "zh"\n', 3, "must be an object or a list, not str (column 3)"),
    "cell.csv": (b"position,lang\n3,zh\n5," + b"e" * 200_000 + b"\n", 3, "field larger than field limit"),
    "quoted.csv": (b'position,lang,note\n3,zh,"two\nlines"\n5,english!,x\n', 4, "(field 2, lang)"),
}


@pytest.mark.parametrize("name", list(MALFORMED_OVERRIDES))
def test_a_malformed_overrides_file_is_refused_naming_the_line_and_column_of_the_fault(tmp_path, name):
    content, line, words = MALFORMED_OVERRIDES[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SubpipeError) as err:
        load_overrides(path, SCENE_POSITIONS)
    assert (err.value.code, err.value.path, err.value.line) == ("input", str(path), line), err.value
    assert words in err.value.message, err.value.message


def test_low_confidence_cues_become_findings_with_position_and_line():
    mixed = mix_tracks(versions("tears-of-steel", "es", "it"), ["es"] * 4 + ["it"] * 4)
    track = without_truth(mixed)
    for cue, source_line in zip(track.cues, range(1, 10_000)):
        cue.line = source_line  # a mix has no file lines of its own: number them so findings carry one
    result = identify_languages(track, languages=["es", "it"])
    unsure = result.low_confidence()
    assert unsure, "close languages in short lines leave some calls unsure"
    assert len(result.findings) == len(unsure)
    for finding, call in zip(result.findings, unsure):
        assert finding.kind == "lang-low-confidence" and finding.position == call.position
        assert finding.line == result.track.by_position()[call.position].line
        assert call.confidence < LOW_CONFIDENCE


def test_speaker_voices_carry_a_speakers_language_over_short_lines():
    mixed = mix_tracks(versions("tears-of-steel", "es", "it"), ["es"] * 4 + ["it"] * 4)
    voiced = without_truth(mixed)
    for cue, truth in zip(voiced.cues, mixed.cues):
        cue.speaker = "Celia" if truth.lang == "es" else "Thom"
    plain = identify_languages(without_truth(mixed), languages=["es", "it"])
    with_voices = identify_languages(voiced, languages=["es", "it"])
    assert accuracy(mixed, with_voices) >= accuracy(mixed, plain)
    assert len(with_voices.low_confidence()) < len(plain.low_confidence())


def test_the_glossary_names_a_words_language():
    # an English film that uses the loanword: lingua alone calls the line German
    track = Track([Cue(0, 1000, "Kindergarten.", position=0), Cue(5000, 6000, "Guten Morgen, Frau Weber.", position=1),
                   Cue(60_000, 61_000, "Where is the car?", position=2)])
    without = calls(identify_languages(track, languages=["en", "de"]))
    with_glossary = calls(identify_languages(track, languages=["en", "de"], glossary={"kindergarten": "en"}))
    assert (without[0], with_glossary[0]) == ("de", "en")
    assert without[1] == with_glossary[1] == "de"


def test_dash_lines_and_declared_language_rules():
    assert dash_lines("- Lo so.\n- Sorry!") == ["Lo so.", "Sorry!"]
    assert dash_lines("Just one line") is None
    assert declared_languages("en, pt_br") == ("en", "pt-BR")
    assert declared_languages("en, zh-hans") == ("en", "zh")  # Mandarin in Simplified, as the flows' form says
    with pytest.raises(SubpipeError, match="cannot be told apart"):
        declared_languages(["pt-BR", "pt-PT"])
    with pytest.raises(SubpipeError, match="not a language tag"):
        declared_languages(["english!"])


def test_the_first_pair_that_cannot_be_told_apart_is_named_whatever_the_hash_seed():
    """The error names the first conflicting pair in the order declared; it named the first in set order,
    which changes with Python's string hash seed from one process to the next."""
    code = ("from subpipe.langid import declared_languages\n"
            "try:\n    declared_languages('pt-BR,zh-Hans,pt-PT,zh-Hant')\n"
            "except Exception as exc:\n    print(exc)")
    said = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env=os.environ | {"PYTHONHASHSEED": str(seed)}).stdout.strip() for seed in range(6)}
    assert said == {"<input>: pt-BR and pt-PT cannot be told apart by their text: declare one"}


@pytest.mark.parametrize("detector", ["lingua", "fasttext", "lingua>fasttext", "lingua+fasttext"])
def test_every_detector_runs_from_its_wheel_on_the_mandarin_scene(detector):
    result = identify_languages(read_track(SCENE), languages=["en", "zh"], detector=detector)
    got = calls(result)
    assert sum(got[p] == row["lang"] for p, row in TRUTH.items()) >= len(TRUTH) - 1


def test_a_declared_language_lingua_lacks_is_handed_to_the_176_language_model():
    track = Track([Cue(0, 2000, "Ik heb honger, ik wil eten.", position=0),
                   Cue(3000, 5000, "Dat is een mooie dag vandaag.", position=1),
                   Cue(6000, 8000, "The weather is lovely today, isn't it?", position=2)])
    result = identify_languages(track, languages=["en", "fy"])  # West Frisian: not in lingua
    assert result.detector == "fasttext"
    assert calls(result)[2] == "en"
