"""The CLI's one error frame: each kind of failure gives its catalogued code in `--json`, a hint on
stderr, and its documented exit status, whichever command it comes from."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from conftest import ROOT, SAMPLES
from typer.testing import CliRunner

from subpipe.cli import EXIT_CODES, ExitCode, JsonOpt, _Frame, app
from subpipe.errors import ErrorCode

runner = CliRunner()
SINTEL_EN = SAMPLES / "sintel" / "Sintel.en.vtt"


def _json_error(args: list[str], env: dict | None = None) -> dict:
    result = runner.invoke(app, [*args, "--json"], env=env)
    assert result.exit_code == ExitCode.FAILED, result.output
    error = json.loads(result.stdout)
    assert error["hint"] == ErrorCode(error["error"]).hint and error["hint"] in " ".join(result.stderr.split())
    return error


def test_a_missing_file(tmp_path):
    gone = tmp_path / "Gone.en.srt"
    for command in (["inspect", str(gone)], ["qc", str(gone)], ["convert", str(gone), str(tmp_path / "x.vtt")],
                    ["langid", str(gone)], ["sync", str(gone), "-r", str(SINTEL_EN), "-o", str(tmp_path / "o.srt")]):
        error = _json_error(command)
        assert (error["error"], error["path"]) == ("not-found", str(gone)), command


def test_a_folder_where_a_file_is_expected_is_named_a_folder_not_a_missing_file(tmp_path):
    folder = tmp_path / "Sintel.en.srt"  # a folder, even with a subtitle's name
    folder.mkdir()
    glossary = SAMPLES / "glossary"
    for command, path in (
            (["inspect", str(folder)], folder), (["qc", str(folder)], folder),
            (["convert", str(folder), str(tmp_path / "x.vtt")], folder), (["langid", str(folder)], folder),
            (["localize", str(folder), "--to", "es", "-o", str(tmp_path / "out")], folder),
            (["flag", str(SINTEL_EN), "--glossary", str(glossary)], glossary),
            (["qc", str(SINTEL_EN), "--profile", str(tmp_path) + "/"], tmp_path),
            (["models", "install", str(folder)], folder)):
        error = _json_error(command)
        assert (error["error"], Path(error["path"])) == ("is-a-directory", path), command
        assert "directory" in error["message"] and "folder" in error["hint"], command


def test_files_that_are_not_what_they_should_be_get_the_code_that_says_what_to_do(tmp_path):
    evil = tmp_path / "Evil.en.ttml"
    evil.write_text('<?xml version="1.0"?>\n<!DOCTYPE tt [<!ENTITY a "x">]>\n<tt xmlns="http://www.w3.org/ns/ttml">'
                    '<body><div><p begin="0s" end="1s">&a;</p></div></body></tt>\n', encoding="utf-8")
    error = _json_error(["inspect", str(evil)])
    assert (error["error"], error["path"], error["line"]) == ("xml-unsafe", str(evil), 2)
    spec = tmp_path / "house.toml"
    spec.write_bytes('name = "house"\ndescription = "Caf\u00e9"\n'.encode("latin-1"))  # not UTF-8: was a crash
    error = _json_error(["deliver", str(SINTEL_EN), "--spec", str(spec), "-o", str(tmp_path / "out")])
    assert (error["error"], error["path"], error["line"]) == ("bad-spec", str(spec), 2)
    assert "not UTF-8" in error["message"]


def test_a_bad_profile_names_the_file_and_the_key(tmp_path):
    profile = tmp_path / "house.toml"
    profile.write_text('extends = "netflix"\nmax_lines = -2\n', encoding="utf-8")
    error = _json_error(["qc", str(SINTEL_EN), "--profile", str(profile)])
    assert (error["error"], error["path"]) == ("bad-profile", str(profile)) and "max_lines" in error["message"]
    assert _json_error(["inspect", str(SINTEL_EN), "--profile", "no-such-guide"])["error"] == "unknown-profile"


def test_an_unknown_format(tmp_path):
    error = _json_error(["convert", str(SINTEL_EN), str(tmp_path / "Sintel.en.xyz")])
    assert error["error"] == "unknown-format" and not (tmp_path / "Sintel.en.xyz").exists()
    assert _json_error(["convert", str(SINTEL_EN), str(tmp_path / "a.srt"), "--to", "nope"])["error"] == \
        "unknown-format"


def test_an_unknown_language_pair_or_engine(tmp_path):
    out = tmp_path / "out"
    error = _json_error(["localize", str(SINTEL_EN), "--to", "ja", "-o", str(out)])
    assert error["error"] == "missing-pair" and "en->ja" in error["message"] and not out.exists()
    assert _json_error(["localize", str(SINTEL_EN), "--to", "es", "--engine", "babelfish", "-o", str(out)])[
        "error"] == "unknown-engine"


def test_hostile_input(tmp_path):
    big = tmp_path / "Big.en.srt"
    big.write_bytes(SINTEL_EN.read_bytes())
    error = _json_error(["inspect", str(big)], env={"SUBPIPE_MAX_FILE_BYTES": "100"})
    assert (error["error"], error["path"]) == ("limit", str(big)) and "SUBPIPE_MAX_FILE_BYTES" in error["message"]
    loop = tmp_path / "Loop.en.srt"
    loop.symlink_to(loop)
    assert _json_error(["inspect", str(loop)])["error"] == "symlink-loop"
    assert _json_error(["qc", str(tmp_path)])["error"] == "is-a-directory"  # a folder, not a file
    copy = tmp_path / "Sintel.en.vtt"
    copy.write_bytes(SINTEL_EN.read_bytes())
    error = _json_error(["qc", str(copy), "--fix", "-o", str(tmp_path / "." / "Sintel.en.vtt")])
    assert error["error"] == "same-file" and copy.read_bytes() == SINTEL_EN.read_bytes()


def test_a_usage_error_is_clicks_status_2_not_an_error_code(tmp_path):
    result = runner.invoke(app, ["qc", str(SINTEL_EN), "--fix", "--json"])
    assert result.exit_code == ExitCode.USAGE and result.stdout == ""


def test_the_real_command_exits_1_with_the_json_error_and_a_hint(tmp_path):
    gone = tmp_path / "Gone.en.srt"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, "-m", "subpipe", "inspect", str(gone), "--json"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert json.loads(done.stdout) | {"hint": ""} == {"error": "not-found", "message": "no such subtitle file",
                                                      "path": str(gone), "line": None, "text": f"{gone}: no such "
                                                      "subtitle file", "hint": ""}
    assert "hint (not-found): Check the path" in " ".join(done.stderr.split())


def _app_raising(exc: BaseException) -> typer.Typer:
    """An app with the CLI's frame and one command that raises what the library never should."""
    framed = typer.Typer(cls=_Frame, pretty_exceptions_enable=False)

    @framed.command()
    def run(as_json: JsonOpt = False) -> None:
        raise exc

    @framed.command()
    def other() -> None:  # two commands, so that `run` is a subcommand as in subpipe
        pass

    return framed


@pytest.mark.parametrize("exc, code, status", [
    (ZeroDivisionError("division by zero"), "internal", ExitCode.BUG),
    (KeyboardInterrupt(), "interrupted", ExitCode.INTERRUPTED),
])
def test_unexpected_exceptions_and_ctrl_c_get_a_short_message_and_their_own_status(exc, code, status):
    result = runner.invoke(_app_raising(exc), ["run", "--json"])
    assert result.exit_code == status and status in EXIT_CODES
    error = json.loads(result.stdout)
    assert error["error"] == code and error["hint"] == ErrorCode(code).hint
    assert "Traceback" not in result.stderr
    if code == "internal":
        assert error["message"] == "ZeroDivisionError: division by zero" and "report it" in result.stderr
    plain = runner.invoke(_app_raising(exc), ["run"])
    assert plain.exit_code == status and plain.stdout == ""


def test_an_error_about_a_long_path_is_printed_on_one_line(tmp_path):
    """The terminal wraps a long message, not subpipe: a newline inserted by the console inside the
    message ("film\\ntitle") breaks `grep` on stderr and the test of the message above."""
    deep = tmp_path.joinpath(*["a-folder-with-a-long-name"] * 4)
    deep.mkdir(parents=True)
    gone = deep / "Gone.en.srt"
    result = runner.invoke(app, ["inspect", str(gone)], env={"COLUMNS": "80"})
    assert result.exit_code == ExitCode.FAILED
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and str(gone) in error_lines[0], result.stderr
