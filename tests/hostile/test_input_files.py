"""Issue 9 cases 5 and 6: every way an input file can fail to be read is a SubpipeError naming it;
outputs honour the umask; ``-o`` equal to the input is refused; names are printed escaped."""

import os
import shutil
import stat
import subprocess
import sys

import pytest
from conftest import CORNER, ROOT, SAMPLES
from typer.testing import CliRunner

from subpipe.cli import app
from subpipe.errors import SubpipeError
from subpipe.fileio import read_input, resolve_input
from subpipe.formats import read_track, write_track

SRT = CORNER / "cdown-srt" / "ascii.srt"
runner = CliRunner()


@pytest.fixture
def srt(tmp_path):
    path = tmp_path / "Film.en.srt"
    shutil.copy(SRT, path)
    return path


def _refused(path, code, **kw):
    with pytest.raises(SubpipeError) as err:
        read_track(path, **kw)
    assert err.value.code == code, err.value
    return err.value


# --- reading ----------------------------------------------------------------------------------------

def test_missing_file_and_directory(tmp_path):
    assert _refused(tmp_path / "gone.srt", "not-found").path == str(tmp_path / "gone.srt")
    assert "is a directory" in _refused(tmp_path, "is-a-directory").message


def test_nul_in_the_path_is_a_subpipe_error_not_a_value_error(tmp_path):
    err = _refused(f"{tmp_path}/Film\x00.srt", "bad-path")
    assert "NUL" in err.message and "\\x00" in err.path


def test_symlink_loop_is_a_subpipe_error_when_read_and_when_resolved(tmp_path):
    loop = tmp_path / "Loop.en.srt"
    loop.symlink_to(loop)
    _refused(loop, "symlink-loop")
    with pytest.raises(SubpipeError) as err:  # Path.resolve() raised RuntimeError here
        resolve_input(loop, "subtitle file")
    assert (err.value.code, err.value.path) == ("symlink-loop", str(loop))


def test_resolve_input_follows_links_to_where_they_lead(tmp_path, srt):
    link = tmp_path / "Link.en.srt"
    link.symlink_to(srt)
    assert resolve_input(link) == srt.resolve()
    with pytest.raises(SubpipeError):
        resolve_input("in\x00box/x.srt")


def test_unreadable_file_is_a_permission_error_naming_it(srt):
    srt.chmod(0)
    if os.geteuid() != 0:
        assert _refused(srt, "permission").path == str(srt)
        return
    # root reads anything: read it in a child process that has dropped to an unprivileged user
    srt.parent.chmod(0o755)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.setgid(65534)
            os.setuid(65534)
            read_track(srt)
            answer = "read"
        except SubpipeError as exc:
            answer = f"{exc.code} {exc.path}"
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which asserts
            answer = f"{type(exc).__name__}"
        os.write(write_end, answer.encode())
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end) as fh:
        assert fh.read() == f"permission {srt}"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "Film.en.srt"
    os.mkfifo(fifo)
    code = ("import sys\nfrom subpipe.formats import read_track\nfrom subpipe.errors import SubpipeError\n"
            "try:\n    read_track(sys.argv[1])\nexcept SubpipeError as e:\n    print(e.code)\n")
    done = subprocess.run([sys.executable, "-c", code, str(fifo)], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "src")}, timeout=60)
    assert done.stdout.strip() == "io", done.stderr


def test_read_input_names_what_it_reads(tmp_path):
    with pytest.raises(SubpipeError) as err:
        read_input(tmp_path / "terms.csv", what="glossary")
    assert err.value.message == "no such glossary"


# --- writing ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_outputs_get_the_mode_a_plain_open_would_give(tmp_path, umask, mode):
    track = read_track(SRT)
    old = os.umask(umask)
    try:
        out = write_track(track, tmp_path / "out" / "Film.srt")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_rewriting_a_file_keeps_its_mode(tmp_path):
    track = read_track(SRT)
    out = write_track(track, tmp_path / "Film.srt")
    out.chmod(0o640)
    write_track(track, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


# --- the CLI: -o equal to the input, names escaped ------------------------------------------------------

def flat(res) -> str:
    """The CLI's output with rich's line wrapping undone."""
    return " ".join(res.output.split())


def _same_file_spellings(srt):
    link = srt.parent / "link.srt"
    link.symlink_to(srt)
    hard = srt.parent / "hard.srt"
    os.link(srt, hard)
    return [srt, srt.parent / "." / srt.name, srt.parent / ".." / srt.parent.name / srt.name, link, hard]


def test_qc_fix_refuses_to_write_over_its_input(srt):
    before = srt.read_bytes()
    for spelling in _same_file_spellings(srt):
        listing = sorted(os.listdir(srt.parent))
        res = runner.invoke(app, ["qc", str(srt), "--fix", "-o", str(spelling)])
        assert res.exit_code == 1, (spelling, res.output)
        assert "is the input file itself" in flat(res)
        assert srt.read_bytes() == before and sorted(os.listdir(srt.parent)) == listing


def test_convert_refuses_to_write_over_its_input(srt):
    before = srt.read_bytes()
    for spelling in _same_file_spellings(srt):
        res = runner.invoke(app, ["convert", str(srt), str(spelling), "--json"])
        assert res.exit_code == 1 and '"error": "same-file"' in res.stdout, res.output
    assert srt.read_bytes() == before


def test_qc_fix_to_another_file_still_works(srt):
    res = runner.invoke(app, ["qc", str(srt), "--fix", "-o", str(srt.with_name("Film.en.fixed.srt"))])
    assert res.exit_code == 0, res.output
    assert srt.with_name("Film.en.fixed.srt").is_file()


def test_terminal_escapes_in_file_names_are_printed_escaped(tmp_path):
    evil = tmp_path / "Film\x1b]0;owned\x07[red]x.en.srt"
    shutil.copy(SRT, evil)
    for args, named in ((["inspect", str(evil)], True), (["convert", str(evil), str(tmp_path / "o.vtt")], True),
                        (["qc", str(evil), "--fix", "-o", str(tmp_path / "fixed.srt")], False),
                        (["inspect", str(tmp_path / "gone\x1b[2J.srt")], True)):
        res = runner.invoke(app, args)
        assert "\x1b" not in res.output and "\x07" not in res.output, args
        assert ("\\x1b" in res.output) == named, (args, res.output)
    res = runner.invoke(app, ["inspect", str(evil)])
    assert "[red]x.en.srt" in res.output  # markup in a name is text, not a style


def test_every_command_prints_hostile_names_escaped(tmp_path):
    # The reports ingest, flag, align and langid print quote file names (titles, paths): none may
    # reach the terminal raw.
    vtt = tmp_path / "Dream\x1b]0;owned\x07.en.vtt"
    shutil.copy(SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt", vtt)
    de = tmp_path / "Dream\x1b[2J.de.vtt"
    shutil.copy(SAMPLES / "elephants-dream" / "ElephantsDream.de.vtt", de)
    out = tmp_path / "out\x1b[31m"
    for args in (["ingest", str(vtt), "-o", str(out)],
                 ["flag", str(vtt), "--glossary", str(SAMPLES / "glossary" / "films.csv"), "-o", str(out)],
                 ["align", str(vtt), str(de), "-o", str(tmp_path / "links.json"),
                  "--report", str(out / "r.html")],
                 ["langid", str(vtt)]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, (args, res.output)
        assert "\x1b" not in res.output and "\x07" not in res.output, (args, res.output)
        assert "\\x1b" in res.output, (args, res.output)
        assert "\\x0a" not in res.output and res.output.count("\n") > 1, (args, res.output)  # lines stay lines


# Every JSON/TOML input subpipe reads (links, gold files, review decisions, settings) goes through
# `read_text_input`: each OS failure, bad byte or bad syntax is a SubpipeError naming the file.
def _json_inputs():
    from subpipe.align.evaluate import load_gold
    from subpipe.batch import load_settings
    from subpipe.terms.qa import load_links
    from subpipe.terms.review import load_store

    return {"links": load_links, "gold": load_gold, "decisions": load_store, "settings": load_settings}


@pytest.mark.parametrize("reader", ["links", "gold", "decisions", "settings"])
def test_a_directory_or_undecodable_bytes_are_subpipe_errors_naming_the_file(tmp_path, reader):
    read = _json_inputs()[reader]
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    with pytest.raises(SubpipeError, match="is a directory") as caught:
        read(folder)
    assert (caught.value.path, caught.value.code) == (str(folder), "is-a-directory")
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(b'{"note": "ok",\n "name": "Fran\xe7ois"}\n')
    with pytest.raises(SubpipeError, match="not UTF-8 text") as caught:
        read(latin1)
    assert (caught.value.path, caught.value.line) == (str(latin1), 2)


def test_read_json_input_names_the_line_of_bad_json(tmp_path):
    from subpipe.fileio import read_json_input

    path = tmp_path / "links.json"
    path.write_text('{"links": [\n  {oops}\n]}\n', encoding="utf-8")
    with pytest.raises(SubpipeError, match="links file is not valid JSON") as caught:
        read_json_input(path, what="links file", code="links")
    assert (caught.value.path, caught.value.line, caught.value.code) == (str(path), 2, "links")
