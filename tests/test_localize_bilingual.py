"""Localizing a bilingual film through argostranslate's real API and the demo packages (en->es, en->fr,
es->en): each cue translated from its own language, target-language cues kept verbatim, forced
narratives holding exactly the foreign cues, and a language without a model failing only its own cues
(the Mandarin/English scene: no zh package exists here)."""

import json
import re

import pytest
from bilingual_mix import mixed_file, tos_scenes, versions
from conftest import SAMPLES
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.cues import Track
from subpipe.errors import SubpipeError
from subpipe.formats import read_track
from subpipe.langid import is_wordless, mix_tracks
from subpipe.localize import film_title, localize_film, plan_film, spoken_from

SCENE = SAMPLES / "bilingual" / "dumplings.en+zh.srt"
TRUTH = {row["position"]: row for row in
         json.loads((SAMPLES / "bilingual" / "dumplings.en+zh.truth.json").read_text(encoding="utf-8"))}


def f1(found: set[int], expected: set[int]) -> float:
    if not found and not expected:
        return 1.0
    hits = len(found & expected)
    return 2 * hits / (len(found) + len(expected)) if hits else 0.0


def forced_positions(result, lang: str) -> set[int]:
    """Positions (in the source) of the cues of a written forced track, by their start times (a cue the
    QC split fix cut in two keeps its source position in the full track)."""
    by_start = {c.start: c.position for c in result.languages[lang].track.cues}
    forced = read_track(result.languages[lang].outputs["forced_srt"])
    return {by_start[c.start] for c in forced.cues}


def foreign(calls: dict[int, str], target: str) -> set[int]:
    return {p for p, lang in calls.items() if lang not in ("und", target)}


def scored(mixed: Track) -> dict[int, str]:
    """The truth of a mix, without the cues no language can be told from (same words in both)."""
    return {c.position: ("und" if is_wordless(c.plain) else c.lang) for c in mixed.cues
            if c.position not in mixed.meta["ambiguous"]}


@pytest.fixture(scope="module")
def tos_mix(demo_models, tmp_path_factory):
    """Tears of Steel told in scenes of English and Spanish, localized into Spanish and English."""
    folder = tmp_path_factory.mktemp("tosmix")
    mixed, path = tos_scenes(folder)
    result = localize_film(path, ["es", "en"], output_dir=folder / "out", forced_narrative=True)
    return mixed, result


@pytest.fixture(scope="module")
def sintel_mix(demo_models, tmp_path_factory):
    """Sintel alternating English and Spanish speakers, languages found automatically."""
    folder = tmp_path_factory.mktemp("sintelmix")
    mixed = mix_tracks(versions("sintel", "en", "es"), ["en", "en", "es"])
    path = mixed_file(folder, "SintelMix.en.srt", mixed)
    result = localize_film(path, ["es"], output_dir=folder / "out", forced_narrative=True, spoken_languages="auto")
    return mixed, result


@pytest.fixture(scope="module")
def scene(demo_models, tmp_path_factory):
    out = tmp_path_factory.mktemp("scene")
    return localize_film(SCENE, ["en", "es"], output_dir=out, forced_narrative=True)


# --- names and plans ------------------------------------------------------------------------------------

def test_a_bilingual_name_is_a_source_with_its_languages():
    assert film_title(SCENE) == "dumplings"
    assert spoken_from(SCENE, None) == (["en", "zh"], False)
    plan = plan_film(SCENE, ["en"])
    assert plan.spoken == ["en", "zh"] and plan.bilingual and plan.lang == "en"


def test_a_single_language_name_keeps_todays_path():
    plan = plan_film(SAMPLES / "tears-of-steel" / "TearsOfSteel.en.vtt", ["es"])
    assert not plan.bilingual and plan.spoken == [] and plan.lang == "en"


def test_the_plan_checks_every_spoken_language_against_every_target(demo_models):
    plan = plan_film(SCENE, ["en", "es", "de"])
    partial = {(e.step, e.code) for e in plan.partial}
    assert partial == {("translate zh->en", "missing-pair"), ("translate zh->es", "missing-pair")}
    # no model reaches German from either language: that language fails whole, before any work
    assert [(e.step, e.code) for e in plan.problems] == [("localize de", "missing-pair")]


def test_bad_declared_languages_and_overrides_are_refused_before_work(tmp_path):
    with pytest.raises(SubpipeError, match="not a language tag"):
        plan_film(SCENE, ["en"], spoken_languages=["en", "zh!"])
    bad = tmp_path / "overrides.csv"
    bad.write_text("position,lang\nx,zh\n", encoding="utf-8")
    with pytest.raises(SubpipeError) as info:
        plan_film(SCENE, ["en"], language_overrides=bad)
    assert info.value.path == str(bad) and info.value.line == 2


# --- an English/Spanish mix: each cue from its own language --------------------------------------------

def test_full_tracks_keep_target_language_cues_verbatim_and_translate_the_others(tos_mix):
    mixed, result = tos_mix
    assert result.status == "completed", result.errors
    source = result.langid.track.by_position()
    calls = {c.position: c.lang for c in result.langid.cues}
    for target, other in (("es", "en"), ("en", "es")):
        out = result.languages[target].track.by_position()
        kept = [p for p, lang in calls.items() if lang == target and p in out]
        assert len(kept) > 20
        assert all(out[p].plain.split() == source[p].plain.split() for p in kept), target
        moved = [p for p, lang in calls.items() if lang == other and p in out]
        changed = sum(out[p].plain != source[p].plain for p in moved)
        assert changed >= 0.9 * len(moved), target
        origins = result.languages[target].origins
        assert origins["kept"] == sum(1 for lang in calls.values() if lang == target)
        assert set(origins["translated"]) == {other} and not origins["failed"]


def test_forced_narratives_hold_exactly_the_foreign_cues(tos_mix):
    mixed, result = tos_mix
    calls = {c.position: c.lang for c in result.langid.cues}
    truth = scored(mixed)
    for target in ("es", "en"):
        found = forced_positions(result, target)
        assert f1(found, foreign(calls, target)) >= 0.95, target
        truth_f1 = f1({p for p in found if p in truth}, foreign(truth, target))
        assert truth_f1 >= 0.95, (target, truth_f1)


def test_forced_narrative_cues_are_the_translations_of_the_full_track(tos_mix):
    _, result = tos_mix
    es = result.languages["es"]
    full = {c.start: c.text for c in read_track(es.outputs["srt"]).cues}
    forced = read_track(es.outputs["forced_vtt"])
    assert forced.cues and all(full[c.start] == c.text for c in forced.cues)


def test_the_dual_track_shows_the_original_above_only_for_foreign_cues(tos_mix):
    _, result = tos_mix
    es = result.languages["es"]
    dual = read_track(es.outputs["dual"])
    assert es.outputs["dual"].endswith("TosMix.en+es+es.ass")
    # a cue shown once has no empty target line after it (no bare "{\rTarget}")
    raw = open(es.outputs["dual"], encoding="utf-8-sig").read()
    assert "\\N{\\rTarget}\n" not in raw and "{\\rTarget}" in raw
    calls = {c.start_ms: c.lang for c in result.langid.cues}
    source = {c.start: c for c in result.langid.track.cues}
    lines = {c.start: c.plain.split("\n") for c in dual.cues}
    spanish = [s for s, lang in calls.items() if lang == "es" and s in lines]
    english = [s for s, lang in calls.items() if lang == "en" and s in lines]
    assert spanish and english
    # a Spanish cue once (its lines wrapped as one), an English cue above its translation
    assert all(" ".join(lines[s]).split() == source[s].plain.split() for s in spanish)
    assert all(" ".join(lines[s]).split()[: len(source[s].plain.split())] == source[s].plain.split()
               and len(" ".join(lines[s]).split()) > len(source[s].plain.split()) for s in english)


def test_qc_of_the_dual_track_of_a_bilingual_film_holds_each_source_line_to_its_own_language(tos_mix):
    """`subpipe qc` on the English dual track (Spanish cues above their translation): the lines above
    are Spanish by the Spanish rules, as langid called their cues, not the track's first language."""
    from subpipe.ingest import ingest_file
    from subpipe.qc.rules import dual_halves

    _, result = tos_mix
    path = result.languages["en"].outputs["dual"]
    assert path.endswith("TosMix.en+es+en.ass")
    checked = ingest_file(path)
    assert (checked.mode.name, checked.mode.languages) == ("dual", ("en", "es", "en"))
    calls = {c.start_ms: c.lang for c in result.langid.cues}
    halves = {c.start: dual_halves(c) for c in checked.track.cues}
    spanish = [s for s, lang in calls.items() if lang == "es" and halves.get(s)]
    assert len(spanish) > 10
    said = [[lang for lang, _ in halves[s]] for s in spanish]
    assert sum(langs == ["es", "en"] for langs in said) >= 0.9 * len(said), said
    assert not [f for f in checked.qc if "source (en)" in f.message]


def test_the_summary_has_the_shares_and_where_each_languages_cues_came_from(tos_mix):
    _, result = tos_mix
    summary = json.loads((result.output_dir / "summary.json").read_text(encoding="utf-8"))
    shares = {s["code"]: s["share"] for s in summary["spoken_languages"]["languages"]}
    assert shares["en"] > 0.3 and shares["es"] > 0.3
    es = summary["languages"]["es"]
    assert es["status"] == "delivered" and es["cues_by_origin"]["translated"]["en"] > 20
    md = (result.output_dir / "summary.md").read_text(encoding="utf-8")
    assert "## Spoken languages" in md and "## Cues per language" in md


def test_the_sources_qc_holds_each_cue_to_its_own_language_as_subpipe_qc_does(tos_mix):
    # localize's source QC was one-language (the profile's defaults) for a bilingual film
    from subpipe.ingest import ingest_file

    _, result = tos_mix
    source = result.source
    alone = ingest_file(source.track.path)  # what `subpipe qc` says of the same file
    assert source.mode.name == alone.mode.name == "bilingual" and set(source.mode.languages) == {"en", "es"}
    assert [(f.kind, f.position) for f in source.qc] == [(f.kind, f.position) for f in alone.qc]
    limits = {re.search(r"limit (\d+) cps", f.message).group(1) for f in source.qc if f.kind == "reading-speed"}
    assert len(limits) == 2, limits  # English and Spanish cues by their own reading speeds
    summary = json.loads((result.output_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["source"]["qc_mode"]["mode"] == "bilingual"


def test_languages_found_automatically_localize_like_declared_ones(sintel_mix):
    mixed, result = sintel_mix
    assert result.langid.declared == () and set(result.langid.spoken) == {"en", "es"}
    calls = {c.position: c.lang for c in result.langid.cues}
    found = forced_positions(result, "es")
    assert f1(found, foreign(calls, "es")) >= 0.95
    assert f1({p for p in found if p in scored(mixed)}, foreign(scored(mixed), "es")) >= 0.95
    assert result.languages["es"].outputs["dual"].endswith("SintelMix.en+es+es.ass")


# --- the Mandarin/English scene: no zh model -----------------------------------------------------------

def test_a_language_without_a_model_fails_only_its_own_cues_named_in_the_report(scene):
    assert scene.status == "partially failed"
    assert set(scene.languages) == {"en", "es"} and not scene.failed_languages
    zh = {p for p, row in TRUTH.items() if row["lang"] == "zh"}
    for target in ("en", "es"):
        lr = scene.languages[target]
        assert lr.status == "partially delivered"
        assert {r["position"] for r in lr.untranslated} == zh
        assert all(r["timecode"].count("-->") == 1 for r in lr.untranslated)
        error = next(e for e in scene.errors if e.step == f"translate zh->{target}")
        assert error.code == "missing-pair" and "#2 00:00:07.120 --> 00:00:08.800" in error.message
        todo = read_track(lr.outputs["untranslated"])
        assert len(todo.cues) == len(zh) and "快进来,外面冷。" in todo.cues[1].plain
        # the Chinese is left out of the delivered track, never shown as if translated (the song is und:
        # kept as it is, like every cue without words)
        song = [c.position for c in lr.track.cues if c.plain.startswith("♪")]
        assert song == [37] and TRUTH[37]["lang"] == "und"
        assert not any("\u4e00" <= ch <= "\u9fff" for c in lr.track.cues if c.position != 37 for ch in c.plain)


def test_english_cues_are_delivered_verbatim_into_english_and_translated_into_spanish(scene):
    source = read_track(SCENE).by_position()
    en = scene.languages["en"].track.by_position()
    english = [p for p, row in TRUTH.items() if row["lang"] == "en"]
    # verbatim: the same words (a line too long for the profile is wrapped again)
    assert all(en[p].plain.split() == source[p].plain.split() for p in english)
    assert en[3].plain == "Sorry we're late.\nThe traffic was terrible."
    es = scene.languages["es"].track.by_position()
    assert all(es[p].plain != source[p].plain for p in english)
    assert scene.languages["es"].origins == {"kept": 0, "translated": {"en": 17}, "failed": {"zh": 20}, "und": 5}
    # a dash line whose Chinese half has no model keeps the English half, without its dialogue dash
    assert en[1].plain == "Hi, Grandma."


def test_dialogue_dashes_of_the_scene_come_in_pairs_or_not_at_all(scene):
    source = read_track(SCENE).by_position()
    two_speakers = [p for p, c in source.items() if sum(line.startswith("- ") for line in c.plain.split("\n")) == 2]
    assert two_speakers == [1, 23, 38]
    for lang in ("en", "es"):
        track = scene.languages[lang].track
        for path in (scene.languages[lang].outputs["srt"], scene.languages[lang].outputs["forced_srt"]):
            for cue in read_track(path).cues + track.cues:
                dashed = [line for line in cue.plain.split("\n") if line.lstrip().startswith("-")]
                assert len(dashed) != 1 and all(line.strip() != "-" for line in dashed), (lang, cue)
    # the Chinese halves have no model: each English half is one speaker's line, dash dropped
    en = scene.languages["en"].track.by_position()
    assert [en[p].plain for p in two_speakers] == ["Hi, Grandma.", "I'm trying!", "Coming!"]


def test_forced_narratives_of_the_scene_leave_out_what_could_not_be_translated(scene):
    assert read_track(scene.languages["en"].outputs["forced_srt"]).cues == []
    forced_es = read_track(scene.languages["es"].outputs["forced_srt"])
    english = {TRUTH_START[p] for p, row in TRUTH.items() if "en" in (row.get("lines") or [row["lang"]])}
    assert {c.start for c in forced_es.cues} == english


def test_the_scene_summary_names_the_cues_not_translated(scene):
    md = (scene.output_dir / "summary.md").read_text(encoding="utf-8")
    assert "## Not translated into en" in md and "快进来" in md
    summary = json.loads((scene.output_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["languages"]["en"]["cues_by_origin"]["kept"] == 17
    assert len(summary["languages"]["en"]["untranslated"]) == 20


TRUTH_START = {c.position: c.start for c in read_track(SCENE).cues}


# --- CLI --------------------------------------------------------------------------------------------

def test_cli_localizes_declared_languages_with_forced_narratives(demo_models, tmp_path):
    plain = tmp_path / "Scene.srt"
    plain.write_bytes(SCENE.read_bytes())
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("position,lang\n15,en\n", encoding="utf-8")  # "Hmm..." said by the girl
    res = CliRunner().invoke(app, ["localize", str(plain), "--languages", "en,zh", "--to", "es",
                                   "--forced-narrative", "--language-overrides", str(overrides),
                                   "-o", str(tmp_path / "out"), "--json"])
    assert res.exit_code == 1, res.output  # zh->es is missing: reported, the English delivered
    summary = json.loads(res.stdout)
    assert summary["status"] == "partially failed"
    assert summary["languages"]["es"]["cues_by_origin"]["translated"] == {"en": 18}
    assert (tmp_path / "out" / "Scene" / "Scene.es.forced.vtt").is_file()
    assert [e["step"] for e in summary["errors"]] == ["translate zh->es"]


def test_one_declared_language_is_the_source_language_of_a_name_without_one(tmp_path):
    plain = tmp_path / "Scene.srt"
    plain.write_bytes(SCENE.read_bytes())
    plan = plan_film(plain, ["es"], spoken_languages="zh,")
    assert plan.lang == "zh" and not plan.bilingual
    with pytest.raises(SubpipeError, match="source language is unknown"):
        plan_film(plain, ["es"])


def test_a_single_language_film_found_automatically_gives_the_same_tracks_as_today(demo_models, tmp_path):
    source = SAMPLES / "sintel" / "Sintel.en.vtt"
    today = localize_film(source, ["es"], output_dir=tmp_path / "today")
    found = localize_film(source, ["es"], output_dir=tmp_path / "auto", spoken_languages="auto")
    assert found.langid.spoken == ["en"] and found.status == "completed"
    for kind in ("srt", "vtt", "dual"):
        assert open(today.languages["es"].outputs[kind], "rb").read() == \
            open(found.languages["es"].outputs[kind], "rb").read(), kind
    assert "cues_by_origin" not in found.summary()["languages"]["es"]


def test_each_half_of_a_dual_cue_is_wrapped_by_its_own_languages_line_length():
    from subpipe.align import Alignment, Link, Transform
    from subpipe.align.export import dual_track, wrap_cues
    from subpipe.langid import identify_languages
    from subpipe.qc import LanguageProfiles, load_profile

    source = identify_languages(read_track(SCENE), languages="en,zh").track
    assert [source.cues[p].lang for p in (11, 12)] == ["zh", "zh"] and source.cues[1].line_langs == ("zh", "en")
    links = [Link(source=[1], target=[], confidence=1.0), Link(source=[11, 12], target=[], confidence=1.0)]
    alignment = Alignment(source=source, target=source.copy(cues=[]), transform=Transform.identity(source.duration),
                          links=links, unaligned_source=[], unaligned_target=[])
    dash, chinese = (c.text for c in dual_track(alignment).cues)
    # the two speakers stay on lines of their own; two Chinese cues (17 characters) fit 16 a line, not 42
    assert dash == "- 你好。\n- Hi, Grandma."
    zh = load_profile("netflix", lang="zh")
    assert chinese == "瘦了,太瘦了。\n你在学校吃得好吗?"
    assert all(zh.line_width(line) <= zh.max_chars_per_line for line in chinese.split("\n"))
    # a link over cues in two languages: each cue by its own, and the language of each line said
    text, langs, _ = wrap_cues(source.cues[10:12], LanguageProfiles(load_profile("netflix", lang="en")))
    assert (text, langs) == ("I'm the same height as last year.\n瘦了,太瘦了。", ("en", "zh"))


def test_the_dual_cues_of_a_bilingual_source_say_each_lines_own_language_for_qc():
    """QC checks each line of a dual cue by its language: a Chinese source line of an English+Chinese
    film is Chinese there, not the track's first language."""
    from subpipe.align import Alignment, Link, Transform
    from subpipe.align.export import dual_track
    from subpipe.langid import identify_languages

    source = identify_languages(read_track(SCENE), languages="en,zh").track
    target = source.copy(cues=[source.cues[10].copy(text="Mido lo mismo que el año pasado.", lang="es", position=0)], lang="es")
    links = [Link(source=[1], target=[0], confidence=1.0), Link(source=[11, 12], target=[0], confidence=1.0)]
    alignment = Alignment(source=source, target=target, transform=Transform.identity(source.duration),
                          links=links, unaligned_source=[], unaligned_target=[])
    dash, chinese = dual_track(alignment).cues
    assert dash.line_langs == ("zh", "en", "es") and chinese.line_langs == ("zh", "zh", "es")


# --- the Mandarin/English scene into Traditional Chinese -------------------------------------------------

def _simplified(track: Track) -> list[int]:
    """Positions of the cues OpenCC would still change into Traditional characters."""
    from subpipe.locales import convert_script

    return [c.position for c in track.cues if convert_script([c.plain], "s2t")[0] != c.plain]


@pytest.mark.parametrize("declared", [None, "en,zh-Hant"])
def test_simplified_mandarin_cues_are_converted_into_a_traditional_delivery_never_kept_as_they_are(
        demo_models, tmp_path, declared):
    # the scene's Mandarin is written in Simplified characters: zh-Hant gets it through OpenCC (s2t); even
    # when the film is declared as speaking zh-Hant, the cues kept verbatim are converted by the locale fix
    result = localize_film(SCENE, ["zh-Hant"], output_dir=tmp_path, forced_narrative=True,
                           spoken_languages=declared)
    lr = result.languages["zh-Hant"]
    mandarin = {p for p, row in TRUTH.items() if row["lang"] == "zh"}
    delivered = read_track(lr.outputs["srt"])
    assert _simplified(lr.track) == [] and _simplified(delivered) == []
    by_position = lr.track.by_position()
    assert by_position[8].plain.endswith("又長高了。") and mandarin <= set(by_position)
    # the scene writes ASCII commas ("快进来,外面冷。"): MT tidying adds no space beside Han characters
    assert by_position[2].plain == "快進來,外面冷。"
    assert not [c.plain for c in delivered.cues if re.search(r"[\u4e00-\u9fff][,;] ", c.plain)]
    if declared is None:  # zh is not zh-Hant: translated zh -> zh-Hant, which is OpenCC alone
        assert lr.origins["translated"] == {"zh": 20} and lr.origins["kept"] == 0
    else:
        converted = {f.position for f in lr.fixes if f.kind == "fix-locale-script"}
        assert len(converted) == 16 and converted <= mandarin
    # Mandarin dialogue is no foreign narrative for a zh-Hant audience (the English had no model)
    assert read_track(lr.outputs["forced_srt"]).cues == []
    assert not any(f.kind == "locale-script" for f in lr.qc)
