"""Derived paths stay inside their roots: titles and languages from names, files found in the inbox.

Each case is one of issue 9's (cases 1, 2, 6): a title ``..``, a symlink out of the inbox, names no
file system should be asked to keep, NUL bytes and symlink loops in paths.
"""

import json
import os
import shutil

import pytest
from conftest import SAMPLES
from typer.testing import CliRunner

from subpipe.batch import BatchSettings, check_path, run_batch
from subpipe.cli import app
from subpipe.errors import SubpipeError
from subpipe.formats import read_track, write_track
from subpipe.localize import localize_film

SINTEL_EN = SAMPLES / "sintel" / "Sintel.en.vtt"


def _srt(path):
    """Sintel's English track written as SRT at `path` (any name the test needs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_track(read_track(SINTEL_EN), path.with_name("staging.srt"), format="srt")
    os.replace(path.with_name("staging.srt"), path)
    return path


def _tree(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def test_a_title_of_dots_writes_nothing_outside_the_output_folder_from_the_cli(demo_models, tmp_path):
    source = _srt(tmp_path / "src" / "...en.srt")
    out = tmp_path / "root" / "out"
    out.mkdir(parents=True)
    result = CliRunner().invoke(app, ["localize", str(source), "--to", "es", "-o", str(out)])
    assert result.exit_code == 1
    assert "film title" in result.output and "cannot be a file name" in result.output
    assert _tree(tmp_path / "root") == ["out"]


def test_a_title_of_dots_is_refused_by_the_library_before_any_work(demo_models, tmp_path):
    source = _srt(tmp_path / "src" / "...en.srt")
    with pytest.raises(SubpipeError, match="cannot be a file name") as err:
        localize_film(source, ["es"], output_dir=tmp_path / "root" / "out")
    assert err.value.code == "unsafe-name" and not (tmp_path / "root").exists()


def test_a_language_that_is_a_path_is_refused(demo_models, tmp_path):
    with pytest.raises(SubpipeError, match="not a language tag") as err:
        localize_film(SINTEL_EN, ["../../x"], output_dir=tmp_path / "out")
    assert err.value.code == "bad-language" and not (tmp_path / "out").exists()


def test_the_flow_with_restricted_paths_writes_nothing_into_the_outboxs_parent(
        prefect_harness, demo_models, tmp_path, monkeypatch):
    from flows.localize import localize_film as localize_flow

    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    outbox.mkdir()
    source = _srt(inbox / "...en.srt")
    for name, value in (("INBOX", inbox), ("OUTBOX", outbox), ("GLOSSARIES", tmp_path / "glossaries"),
                        ("RESTRICT_PATHS", "true")):
        monkeypatch.setenv(f"SUBPIPE_{name}", str(value))
    state = localize_flow(source=str(source), target_languages=["es"], output_dir=str(outbox),
                          return_state=True)
    assert state.type.value == "FAILED" and "cannot be a file name" in state.message
    assert _tree(tmp_path) == ["inbox", "inbox/...en.srt", "outbox"]


def _batch(root, **extra) -> BatchSettings:
    return BatchSettings(inbox=root / "inbox", outbox=root / "outbox", glossaries=root / "glossaries",
                         target_languages=["es"], **extra)


def test_a_symlink_out_of_the_inbox_is_never_read_and_goes_to_failed_with_a_report(demo_models, tmp_path):
    secret = _srt(tmp_path / "elsewhere" / "secret.en.srt")
    before = secret.read_bytes()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "Escape.en.srt").symlink_to(secret)
    result = run_batch(_batch(tmp_path), batch="20260101T020000Z")

    assert result.films == {} and result.status == "failed"
    assert not (tmp_path / "outbox" / "Escape").exists()
    failed = inbox / "failed" / "20260101T020000Z"
    assert (failed / "Escape.en.srt").is_symlink()  # the link moved as a link, its target untouched
    report = json.loads((failed / "Escape.en.srt.error.json").read_text(encoding="utf-8"))
    assert report["error"]["error"] == "outside-roots" and report["sha256"] is None
    assert secret.read_bytes() == before and sorted(os.listdir(inbox)) == ["failed"]


def test_the_batch_flow_with_restricted_paths_does_not_read_a_symlink_out_of_the_inbox(
        prefect_harness, demo_models, tmp_path, monkeypatch):
    from flows.batch import batch_drop_folder
    from flows.params import BatchOptions

    secret = _srt(tmp_path / "elsewhere" / "secret.en.srt")
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    outbox.mkdir()
    (inbox / "Escape.en.srt").symlink_to(secret)
    shutil.copy(SINTEL_EN, inbox / "Sintel.en.vtt")
    for name, value in (("INBOX", inbox), ("OUTBOX", outbox), ("GLOSSARIES", tmp_path / "glossaries"),
                        ("RESTRICT_PATHS", "true")):
        monkeypatch.setenv(f"SUBPIPE_{name}", str(value))
    state = batch_drop_folder(options=BatchOptions(target_languages=["es"], retries=0), return_state=True)
    summary = state.result(raise_on_failure=False)
    assert state.name == "Partially failed" and summary["delivered"] == ["Sintel"]
    assert not (outbox / "Escape").exists()
    assert [m["file"] for m in summary["moved"]["failed"]] == ["Escape.en.srt"]


@pytest.mark.parametrize("name", ["..\\..\\evil.en.srt", "Bad\x1b[2J.en.srt", os.fsdecode(b"Caf\xe9.en.srt")])
def test_an_unusable_file_name_goes_to_failed_under_a_safe_name_with_a_report(tmp_path, name):
    inbox = tmp_path / "inbox"
    _srt(inbox / name)
    result = run_batch(_batch(tmp_path), batch="20260101T020000Z")
    assert result.films == {} and sorted(os.listdir(inbox)) == ["failed"]
    failed = inbox / "failed" / "20260101T020000Z"
    [kept, report] = sorted(failed.iterdir())
    assert "\\" not in kept.name and kept.name.isprintable() and kept.name.endswith(".en.srt")
    error = json.loads(report.read_text(encoding="utf-8"))["error"]
    assert error["error"] == "unusable-name" and "cannot be used" in error["message"]
    assert kept.stat().st_size > 0  # the file itself, kept for whoever renames it


def test_a_nul_byte_or_a_symlink_loop_in_a_path_is_a_subpipe_error(tmp_path):
    with pytest.raises(SubpipeError, match="NUL") as err:
        check_path(f"{tmp_path}/Film\x00.en.srt", [tmp_path], what="source")
    assert err.value.code == "bad-path"
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(SubpipeError, match="symlink loop") as err:
        check_path(tmp_path / "a" / "Film.en.srt", [tmp_path], what="source")
    assert str(tmp_path / "a") in str(err.value)
