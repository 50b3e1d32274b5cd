"""Drop-folder batches without Prefect: films from names, content digests, roots, moves, settings."""

import json
import os
import shutil

import pytest
from conftest import CORNER, SAMPLES

from subpipe.batch import (
    BatchSettings,
    check_path,
    drop_folder_files,
    file_digest,
    film_digest,
    group_films,
    load_settings,
    move_no_clobber,
    run_batch,
    settle_files,
)
from subpipe.errors import SubpipeError


def _drop(inbox, *names_and_sources):
    inbox.mkdir(exist_ok=True)
    for name, source in names_and_sources:
        shutil.copy(source, inbox / name)


def test_files_are_grouped_into_films_by_title_with_the_source_language_chosen(tmp_path):
    inbox = tmp_path / "inbox"
    _drop(
        inbox,
        ("Sintel.en.vtt", SAMPLES / "sintel" / "Sintel.en.vtt"),
        ("Sintel.de.vtt", SAMPLES / "sintel" / "Sintel.de.vtt"),
        ("TearsOfSteel.es.vtt", SAMPLES / "tears-of-steel" / "TearsOfSteel.es.vtt"),
        ("TearsOfSteel.en.vtt", SAMPLES / "tears-of-steel" / "TearsOfSteel.en.vtt"),
        ("ElephantsDream.de.vtt", SAMPLES / "elephants-dream" / "ElephantsDream.de.vtt"),
        ("subtitle.srt", SAMPLES / "sintel" / "Sintel.en.vtt"),
        ("notes.pdf", SAMPLES / "ATTRIBUTION.md"),
        ("Upload.en.srt.part", SAMPLES / "sintel" / "Sintel.en.vtt"),
        (".DS_Store", SAMPLES / "ATTRIBUTION.md"),
    )
    (inbox / "done").mkdir()
    files = drop_folder_files(inbox)
    assert [f.name for f in files] == [
        "ElephantsDream.de.vtt",
        "Sintel.de.vtt",
        "Sintel.en.vtt",
        "TearsOfSteel.en.vtt",
        "TearsOfSteel.es.vtt",
        "notes.pdf",
        "subtitle.srt",
    ]

    films, rejected = group_films(files, source_lang="en")
    assert [(f.title, f.source.name, [r.name for r in f.references]) for f in films] == [
        ("Sintel", "Sintel.en.vtt", ["Sintel.de.vtt"]),
        ("TearsOfSteel", "TearsOfSteel.en.vtt", ["TearsOfSteel.es.vtt"]),
    ]
    assert {r.path.name: r.code for r in rejected} == {
        "ElephantsDream.de.vtt": "no-source-track",
        "notes.pdf": "not-subtitles",
        "subtitle.srt": "bad-name",
    }
    assert "Title.lang.ext" in next(r.reason for r in rejected if r.code == "bad-name")

    films, _ = group_films(files, source_lang="de")  # the source language is a setting
    assert [(f.title, f.source.name) for f in films] == [
        ("ElephantsDream", "ElephantsDream.de.vtt"),
        ("Sintel", "Sintel.de.vtt"),
    ]


def test_two_source_tracks_of_one_film_are_refused_not_guessed(tmp_path):
    films, rejected = group_films(
        [tmp_path / "Film.en.srt", tmp_path / "Film.en-GB.vtt", tmp_path / "Film.fr.srt"]
    )
    assert films == [] and {r.code for r in rejected} == {"several-source-tracks"} and len(rejected) == 3


def test_a_film_digest_follows_content_not_names(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _drop(
        a,
        ("Sintel.en.vtt", SAMPLES / "sintel" / "Sintel.en.vtt"),
        ("Sintel.de.vtt", SAMPLES / "sintel" / "Sintel.de.vtt"),
    )
    _drop(
        b,
        ("Sintel.en.vtt", SAMPLES / "sintel" / "Sintel.en.vtt"),
        ("Sintel.de.srt", SAMPLES / "sintel" / "Sintel.de.vtt"),
    )
    (film_a,), _ = group_films(drop_folder_files(a))
    (film_b,), _ = group_films(drop_folder_files(b))
    assert film_digest(film_a) == film_digest(film_b)  # same languages and bytes, another extension
    assert film_digest(film_a, {"targets": ["es"]}) != film_digest(film_a, {"targets": ["fr"]})
    before = file_digest(b / "Sintel.de.srt")
    with open(b / "Sintel.de.srt", "ab") as fh:
        fh.write(b"\n")
    assert file_digest(b / "Sintel.de.srt") != before and film_digest(film_a) != film_digest(film_b)


def test_paths_outside_the_roots_are_refused_symlinks_included(tmp_path):
    inbox, outbox, secret = tmp_path / "inbox", tmp_path / "outbox", tmp_path / "secret"
    for d in (inbox, outbox, secret):
        d.mkdir()
    (secret / "key.txt").write_text("private")
    (inbox / "Film.en.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nHi\n")
    (inbox / "escape.en.srt").symlink_to(secret / "key.txt")
    (inbox / "archive").symlink_to(secret, target_is_directory=True)
    (inbox / "alias.en.srt").symlink_to(inbox / "Film.en.srt")
    roots = [inbox, outbox]

    assert check_path(inbox / "Film.en.srt", roots) == (inbox / "Film.en.srt").resolve()
    assert check_path(inbox / "alias.en.srt", roots) == (inbox / "Film.en.srt").resolve()
    assert check_path(outbox / "new" / "folder", roots) == (outbox / "new" / "folder").resolve()
    for bad in (
        secret / "key.txt",
        inbox / ".." / "secret" / "key.txt",
        inbox / "escape.en.srt",
        inbox / "archive" / "key.txt",
        "/etc/passwd",
        f"{inbox}-evil/Film.en.srt",
    ):
        with pytest.raises(SubpipeError, match="outside the configured roots") as err:
            check_path(bad, roots, what="source")
        assert err.value.code == "outside-roots" and str(inbox.resolve()) in str(err.value)
    with pytest.raises(SubpipeError, match="empty"):
        check_path("", roots)


def test_moves_never_overwrite_and_failures_get_an_error_report(tmp_path):
    inbox = tmp_path / "inbox"
    _drop(inbox, ("Sintel.en.vtt", SAMPLES / "sintel" / "Sintel.en.vtt"))
    first = move_no_clobber(inbox / "Sintel.en.vtt", tmp_path / "done")
    _drop(inbox, ("Sintel.en.vtt", SAMPLES / "sintel" / "Sintel.en.vtt"))
    second = move_no_clobber(inbox / "Sintel.en.vtt", tmp_path / "done")
    assert (first.name, second.name) == ("Sintel.en.vtt", "Sintel.en (2).vtt")
    assert not (inbox / "Sintel.en.vtt").exists() and first.read_bytes() == second.read_bytes()

    bad = CORNER / "gpac-misc" / "subtitle.ttxt"
    _drop(inbox, ("Broken.en.srt", bad), ("Sintel.en.vtt", SAMPLES / "sintel" / "Sintel.en.vtt"))
    error = SubpipeError("no SRT cue could be read", path=str(inbox / "Broken.en.srt"), line=1)
    moved = settle_files(
        [inbox / "Sintel.en.vtt"], {inbox / "Broken.en.srt": error}, inbox, "20260101T020000Z"
    )
    assert moved["done"][0]["moved_to"] == str(inbox / "done" / "20260101T020000Z" / "Sintel.en.vtt")
    failed = inbox / "failed" / "20260101T020000Z" / "Broken.en.srt"
    assert failed.read_bytes() == bad.read_bytes() and sorted(os.listdir(inbox)) == ["done", "failed"]
    report = json.loads((failed.parent / "Broken.en.srt.error.json").read_text(encoding="utf-8"))
    assert report["error"]["message"] == "no SRT cue could be read" and report["error"]["line"] == 1
    assert report["sha256"] == file_digest(bad) and report["batch"] == "20260101T020000Z"


def test_settings_come_from_a_toml_file_then_the_environment(tmp_path):
    config = tmp_path / "subpipe.toml"
    config.write_text(
        'inbox = "drop/in"\noutbox = "/srv/out"\nschedule = "30 1 * * 1-5"\n'
        'task_runner = "dask"\ndask_workers = 4\n',
        encoding="utf-8",
    )
    s = load_settings(config, env={"SUBPIPE_CONCURRENCY": "3", "SUBPIPE_EXTRA_ROOTS": f"/a{os.pathsep}/b"})
    assert s.inbox == tmp_path / "drop" / "in" and str(s.outbox) == "/srv/out"
    assert (s.schedule, s.task_runner, s.dask_workers, s.concurrency) == ("30 1 * * 1-5", "dask", 4, 3)
    assert [str(p) for p in s.extra_roots] == ["/a", "/b"]
    assert load_settings(env={"SUBPIPE_CONFIG": str(config)}).dask_workers == 4
    assert BatchSettings().failed_dir.as_posix() == "drop/inbox/failed"
    with pytest.raises(SubpipeError, match="concurrency"):
        load_settings(env={"SUBPIPE_CONCURRENCY": "0"})
    with pytest.raises(SubpipeError, match="task_runner"):
        load_settings(env={"SUBPIPE_TASK_RUNNER": "spark"})


def _settings(root, targets):
    return BatchSettings(inbox=root / "inbox", outbox=root / "outbox", glossaries=SAMPLES / "glossary",
                         glossary="films.csv", target_languages=targets)


def test_run_batch_in_turn_delivers_good_films_and_fails_a_bad_file_alone(demo_models, tmp_path):
    _drop(
        tmp_path / "inbox",
        ("Sintel.en.vtt", SAMPLES / "sintel" / "Sintel.en.vtt"),
        ("Sintel.de.vtt", SAMPLES / "sintel" / "Sintel.de.vtt"),
        ("Broken.en.srt", CORNER / "gpac-misc" / "subtitle.ttxt"),
    )
    result = run_batch(_settings(tmp_path, ["es"]), batch="20260101T020000Z")
    assert result.status == "partially failed" and result.delivered == ["Sintel"]
    done = tmp_path / "inbox" / "done" / "20260101T020000Z"
    assert sorted(p.name for p in done.iterdir()) == ["Sintel.de.vtt", "Sintel.en.vtt"]
    assert (tmp_path / "outbox" / "Sintel" / "Sintel.es.srt").exists()
    batch_json = tmp_path / "outbox" / "batches" / "20260101T020000Z" / "batch.json"
    report = json.loads(batch_json.read_text(encoding="utf-8"))
    assert report["status"] == "partially failed" and report["films"]["Broken"]["status"] == "failed"


def test_a_film_missing_a_language_goes_to_failed_with_the_reason_and_the_rest_delivered(demo_models, tmp_path):
    _drop(tmp_path / "inbox", ("ElephantsDream.en.vtt", SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt"))
    result = run_batch(_settings(tmp_path, ["es", "ja"]), batch="20260101T020000Z")
    assert result.status == "partially failed"
    assert result.films["ElephantsDream"]["failed_languages"]["ja"]["code"] == "missing-pair"
    assert (tmp_path / "outbox" / "ElephantsDream" / "ElephantsDream.es.srt").exists()
    failed = tmp_path / "inbox" / "failed" / "20260101T020000Z"
    report = json.loads((failed / "ElephantsDream.en.vtt.error.json").read_text(encoding="utf-8"))
    assert report["error"]["error"] == "film-partially-failed"
    assert "delivered es" in report["error"]["message"] and "en->ja" in report["error"]["message"]


def test_a_bilingual_track_is_the_source_when_it_speaks_the_source_language(tmp_path):
    films, rejected = group_films([tmp_path / "Dumplings.zh+en.srt", tmp_path / "Dumplings.es.vtt",
                                   tmp_path / "Opera.de+fr.srt", tmp_path / "Twice.en+zh.srt",
                                   tmp_path / "Twice.en.srt"])
    assert [(f.title, f.source.name, [r.name for r in f.references]) for f in films] == [
        ("Dumplings", "Dumplings.zh+en.srt", ["Dumplings.es.vtt"])]
    assert {(r.path.name, r.code) for r in rejected} == {
        ("Opera.de+fr.srt", "no-source-track"), ("Twice.en+zh.srt", "several-source-tracks"),
        ("Twice.en.srt", "several-source-tracks")}
    films, _ = group_films([tmp_path / "Dumplings.zh+en.srt"], source_lang="zh")
    assert [f.source.name for f in films] == ["Dumplings.zh+en.srt"]


def test_a_batch_translates_a_bilingual_film_cue_by_cue_and_names_what_no_model_could(demo_models, tmp_path):
    from bilingual_mix import tos_scenes

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    tos_scenes(inbox, "TosMix.en+es.srt")
    _drop(inbox, ("Dumplings.en+zh.srt", SAMPLES / "bilingual" / "dumplings.en+zh.srt"))
    result = run_batch(_settings(tmp_path, ["es"]), batch="20260101T020000Z")
    assert result.delivered == ["Dumplings", "TosMix"] and result.status == "partially failed"
    assert result.films["Dumplings"]["status"] == "partially failed"
    tos = result.films["TosMix"]["languages"]["es"]
    assert tos["status"] == "delivered" and tos["cues_by_origin"]["kept"] > 20
    assert (tmp_path / "inbox" / "done" / "20260101T020000Z" / "TosMix.en+es.srt").exists()
    failed = tmp_path / "inbox" / "failed" / "20260101T020000Z"
    report = json.loads((failed / "Dumplings.en+zh.srt.error.json").read_text(encoding="utf-8"))
    assert report["error"]["error"] == "film-partially-failed"
    assert "es without 20 cue(s) in zh" in report["error"]["message"]
    assert (tmp_path / "outbox" / "Dumplings" / "reports" / "Dumplings.es.untranslated.srt").exists()


def test_a_batch_takes_locales_from_names_and_settings_and_names_deliveries_by_them(demo_models, tmp_path):
    _drop(
        tmp_path / "inbox",
        ("TearsOfSteel.en.vtt", SAMPLES / "tears-of-steel" / "TearsOfSteel.en.vtt"),
        ("TearsOfSteel.es-ES.vtt", SAMPLES / "tears-of-steel" / "TearsOfSteel.es.vtt"),
        ("Sintel.es-419.vtt", SAMPLES / "tears-of-steel" / "TearsOfSteel.es.vtt"),  # no en track: no film
    )
    films, rejected = group_films(drop_folder_files(tmp_path / "inbox"), source_lang="en")
    assert [(f.title, [r.name for r in f.references]) for f in films] == [("TearsOfSteel", ["TearsOfSteel.es-ES.vtt"])]
    assert [r.path.name for r in rejected] == ["Sintel.es-419.vtt"]
    settings = load_settings(env={"SUBPIPE_INBOX": str(tmp_path / "inbox"), "SUBPIPE_OUTBOX": str(tmp_path / "outbox"),
                                  "SUBPIPE_TARGET_LANGUAGES": "es_419, fr-ca"})
    assert settings.target_languages == ["es-419", "fr-CA"]
    result = run_batch(settings, batch="20260101T020000Z", move_files=False)
    assert result.delivered == ["TearsOfSteel"]
    film = tmp_path / "outbox" / "TearsOfSteel"
    assert (film / "TearsOfSteel.es-419.srt").exists() and (film / "TearsOfSteel.fr-CA.srt").exists()
    assert (film / "align" / "TearsOfSteel.en-es-ES.links.json").exists()


def test_a_locale_setting_that_is_no_tag_is_refused_naming_the_setting():
    with pytest.raises(SubpipeError) as err:
        load_settings(env={"SUBPIPE_TARGET_LANGUAGES": "es,es-XX"})
    assert err.value.code == "settings" and "target_languages" in str(err.value) and "'es-XX'" in str(err.value)


def test_batch_settings_can_ask_for_forced_narratives_of_a_bilingual_film(demo_models, tmp_path):
    from bilingual_mix import tos_scenes

    from subpipe.formats import read_track

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    mixed, _ = tos_scenes(inbox, "TosMix.en+es.srt")
    config = tmp_path / "subpipe.toml"
    config.write_text('inbox = "inbox"\noutbox = "outbox"\ntarget_languages = ["es"]\nforced_narrative = true\n',
                      encoding="utf-8")
    settings = load_settings(config, env={})
    assert settings.forced_narrative is True and BatchSettings().forced_narrative is False
    assert load_settings(env={"SUBPIPE_FORCED_NARRATIVE": "true"}).forced_narrative is True
    result = run_batch(settings, batch="20260101T020000Z", move_files=False)
    assert result.delivered == ["TosMix"]
    film = tmp_path / "outbox" / "TosMix"
    outputs = result.films["TosMix"]["languages"]["es"]["outputs"]
    assert outputs["forced_srt"] == str(film / "TosMix.es.forced.srt")
    # the forced track of the Spanish release holds translations of English cues only, as in the full track
    # (each delivered cue inside the span of the source cue it came from: QC may split one in two)
    full = {c.start: c.plain for c in read_track(film / "TosMix.es.srt").cues}
    forced = read_track(film / "TosMix.es.forced.srt").cues
    assert len(forced) > 20 and all(full[c.start] == c.plain for c in forced)
    sources = {next(s.position for s in reversed(mixed.cues) if s.start <= c.start) for c in forced}
    english = {c.position for c in mixed.cues if c.lang == "en" and c.position not in mixed.meta["ambiguous"]}
    # (language identification, not the batch, decides a few cues either way)
    assert len(sources & english) >= 0.95 * len(sources) and len(sources & english) >= 0.9 * len(english)
    # without the setting, no forced track
    run_batch(settings.model_copy(update={"forced_narrative": False, "outbox": tmp_path / "plain"}),
              batch="20260101T030000Z", move_files=False)
    assert (tmp_path / "plain" / "TosMix" / "TosMix.es.srt").exists()
    assert not (tmp_path / "plain" / "TosMix" / "TosMix.es.forced.srt").exists()


def test_a_traditional_track_is_no_second_source_of_a_simplified_film(tmp_path):
    # zh-TW is written in Traditional characters: a reference of a film translated from zh, not its source
    films, rejected = group_films([tmp_path / "Hero.zh.srt", tmp_path / "Hero.zh-TW.srt"], source_lang="zh")
    assert rejected == [] and [(f.source.name, [r.name for r in f.references]) for f in films] == \
        [("Hero.zh.srt", ["Hero.zh-TW.srt"])]
    films, _ = group_films([tmp_path / "Hero.zh-CN.srt", tmp_path / "Hero.zh-Hant.srt"], source_lang="zh")
    assert [f.source.name for f in films] == ["Hero.zh-CN.srt"]
