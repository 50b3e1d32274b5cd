"""The error catalogue: every code the library raises or reports is catalogued once with what to do,
and errors survive the pickling that process pools (Dask, concurrent.futures) put them through."""

import ast
import json
import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest
from conftest import ROOT, SAMPLES
from typer.testing import CliRunner

from subpipe.batch import IncompleteFilm
from subpipe.cli import app
from subpipe.errors import ErrorCode, Finding, FindingKind, SubpipeError, catalogue_markdown, catalogued
from subpipe.formats import read_track

SRC = ROOT / "src" / "subpipe"
# A film the batch could not deliver in one of its languages, as localize_film summarises it.
PARTIAL_SUMMARY = {
    "title": "Sintel", "status": "partially failed", "source": {"path": str(SAMPLES / "sintel" / "Sintel.en.vtt")},
    "languages": {"es": {"untranslated": []}},
    "failed_languages": {"ja": {"code": "missing-pair", "message": "the engine cannot translate en->ja"}},
}


def _modules():
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(SRC.rglob("*.py")) if p.name != "errors.py"]


def _call_name(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


# --- pickling ------------------------------------------------------------------------------------------


def _same(a: SubpipeError, b: SubpipeError) -> bool:
    return (type(a), a.args, a.message, a.path, a.line, a.code, str(a)) == \
        (type(b), b.args, b.message, b.path, b.line, b.code, str(b))


def test_a_subpipe_error_pickles_whole():
    # Exception's own pickling calls SubpipeError(str(error)): the message came back as "<input>: path:line: ..."
    # in args and the keyword fields survived only by accident of __dict__.
    error = SubpipeError("timestamp has no milliseconds", path="film.srt", line=12, code=ErrorCode.INPUT)
    again = pickle.loads(pickle.dumps(error))
    assert _same(error, again) and again.args == ("film.srt:12: timestamp has no milliseconds",)
    assert again.code is ErrorCode.INPUT and again.hint == ErrorCode.INPUT.hint


def test_a_subclass_with_its_own_signature_pickles_without_a_reduce_of_its_own():
    error = IncompleteFilm(PARTIAL_SUMMARY)
    assert "__reduce__" not in IncompleteFilm.__dict__
    again = pickle.loads(pickle.dumps(error))
    assert _same(error, again) and again.summary == PARTIAL_SUMMARY
    assert again.code is ErrorCode.FILM_PARTIALLY_FAILED


def _read_missing(path: str):
    return read_track(path)


def _fail_a_film(summary: dict):
    raise IncompleteFilm(summary)


def test_errors_come_back_whole_from_a_process_pool(tmp_path):
    missing = str(tmp_path / "Gone.en.srt")
    with ProcessPoolExecutor(max_workers=1) as pool:
        with pytest.raises(SubpipeError) as read:
            pool.submit(_read_missing, missing).result()
        with pytest.raises(IncompleteFilm) as film:
            pool.submit(_fail_a_film, PARTIAL_SUMMARY).result()
    assert (read.value.code, read.value.path, read.value.message) == (ErrorCode.NOT_FOUND, missing,
                                                                       "no such subtitle file")
    assert str(read.value) == f"{missing}: no such subtitle file"
    assert _same(film.value, IncompleteFilm(PARTIAL_SUMMARY)) and film.value.summary == PARTIAL_SUMMARY


# --- the catalogue -------------------------------------------------------------------------------------


def test_codes_keep_the_strings_json_and_stored_reports_use():
    error = SubpipeError("x", code=ErrorCode.BAD_PROFILE)
    assert error.to_dict()["error"] == "bad-profile" and f"{error.code}" == "bad-profile"
    assert pickle.loads(pickle.dumps(ErrorCode.BAD_PROFILE)) is ErrorCode.BAD_PROFILE
    assert catalogued("bad-profile") is ErrorCode.BAD_PROFILE
    assert Finding("empty-file", "no cues").kind is FindingKind.EMPTY_FILE


def test_a_plug_ins_own_code_stays_a_plain_string_without_a_hint():
    error = SubpipeError("not a .xyz file", code="xyz-broken")
    assert error.code == "xyz-broken" and error.hint == ""
    assert pickle.loads(pickle.dumps(error)).code == "xyz-broken"


def test_every_code_is_catalogued_once_with_one_line_of_what_to_do():
    values = [c.value for c in ErrorCode] + [k.value for k in FindingKind]
    assert len(values) == len(set(values)), "a slug is both an error code and a finding kind"
    for member in [*ErrorCode, *FindingKind]:
        assert member.hint and "\n" not in member.hint and member.hint.endswith("."), member
    table = catalogue_markdown()
    assert all(table.count(f"| `{v}` |") == 1 for v in values)


def _error_codes_used() -> tuple[set[str], list[str]]:
    """ErrorCode members the library names, and every `code=` given as a bare string."""
    used, bare = set(), []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ErrorCode":
                used.add(ErrorCode[node.attr].value)
            if isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant):
                bare.append(f"{path.relative_to(ROOT)}:{node.value.lineno} code={node.value.value!r}")
    return used, bare


# Codes made from a value: IncompleteFilm's code is "film-" + the film's status (batch.py).
COMPUTED_ERROR_CODES = {ErrorCode.FILM_PARTIALLY_FAILED, ErrorCode.FILM_FAILED}


def test_every_error_code_used_is_catalogued_and_every_catalogued_code_is_used():
    used, bare = _error_codes_used()
    assert bare == [], "pass an ErrorCode member, not a string"
    assert {c.value for c in ErrorCode} - used == {c.value for c in COMPUTED_ERROR_CODES} - used
    assert not (COMPUTED_ERROR_CODES & {ErrorCode(c) for c in used})
    assert 'ErrorCode("film-" + summary["status"]' in (SRC / "batch.py").read_text(encoding="utf-8")


# Where finding kinds are written: the first argument (or kind=) of these calls, the kinds SRT timing
# repairs and ASS text notes append, and assignments to a variable named kind.
PRODUCERS = {"Finding", "_finding", "note", "_note", "_capped", "rule"}  # rule: formats/imsc.py validate
# Strings in those places that are not finding kinds.
NOT_KINDS = {"exact", "case",  # terms/match.py: how a term matched (kind of match)
             "translationNote"}  # terms/review.py: a TBX note type appended to notes


def _strings(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _kinds_written(node) -> list[str]:
    if isinstance(node, ast.Assign):
        named_kind = any(isinstance(t, ast.Name) and t.id in ("kind", "kind_") for t in node.targets)
        return _strings(node.value) if named_kind else []
    if not isinstance(node, ast.Call):
        return []
    name, args = _call_name(node), node.args
    if name in PRODUCERS:
        first = args[0] if args else next((k.value for k in node.keywords if k.arg == "kind"), None)
        return _strings(first) if first is not None else []
    if name == "log_findings" and len(args) >= 3:  # formats/_ttconv.py: log_findings(records, path, kind)
        return _strings(args[2])
    if name == "integer" and len(args) >= 3:  # formats/ass.py: integer(fields, key, kind, cue)
        return _strings(args[2])
    if name == "append" and args and isinstance(node.func.value, (ast.Name, ast.Attribute)):
        target = node.func.value.id if isinstance(node.func.value, ast.Name) else node.func.value.attr
        if target == "repairs":
            return _strings(args[0])
        if target == "notes" and isinstance(args[0], ast.Tuple):
            return _strings(args[0].elts[0])
    return []


def _finding_kinds_used() -> dict[str, str]:
    used = {}
    for path, tree in _modules():
        for node in ast.walk(tree):
            for kind in _kinds_written(node):
                used.setdefault(kind, f"{path.relative_to(ROOT)}:{node.lineno}")
    for kind in NOT_KINDS:
        used.pop(kind, None)
    # kinds written from tables: MT faults by name, term QA as term-<status> for every status but ok
    from subpipe.qc.locale_style import FIXES, MT_FIXES
    from subpipe.qc.mt import KINDS
    from subpipe.qc.roundtrip import NOT_RUN
    from subpipe.terms.qa import _SEVERITY

    used |= {k: "src/subpipe/qc/mt.py KINDS" for k in KINDS} | {NOT_RUN: "src/subpipe/qc/roundtrip.py NOT_RUN"}
    used |= {f"{prefix}locale-{r}": "src/subpipe/qc/locale_style.py FIXES" for r in FIXES for prefix in ("", "fix-")}
    used |= {f"fix-mt-{name}": "src/subpipe/qc/locale_style.py MT_FIXES" for name in MT_FIXES}
    used |= {f"term-{s}": "src/subpipe/terms/qa.py _SEVERITY" for s in _SEVERITY if s != "ok"}
    return used


def test_every_finding_kind_written_is_catalogued_and_every_catalogued_kind_is_written():
    used = _finding_kinds_used()
    uncatalogued = {k: where for k, where in used.items() if k not in FindingKind._value2member_map_}
    assert uncatalogued == {}, "add these to FindingKind"
    assert {k.value for k in FindingKind} - used.keys() == set(), "catalogued but never written"


def test_findings_and_errors_stay_distinguishable():
    assert not set(ErrorCode._value2member_map_) & set(FindingKind._value2member_map_)
    strict = Finding("bad-timing", "timing line cannot be read", path="a.srt", line=3).to_error()
    assert strict.code is FindingKind.BAD_TIMING and strict.hint == FindingKind.BAD_TIMING.hint


def test_docs_errors_md_is_what_subpipe_errors_prints():
    printed = CliRunner().invoke(app, ["errors"])
    assert printed.exit_code == 0
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == printed.stdout, \
        "regenerate it: subpipe errors > docs/errors.md"
    listed = json.loads(CliRunner().invoke(app, ["errors", "--json"]).stdout)
    assert [e["code"] for e in listed["errors"]] == [c.value for c in ErrorCode]
    assert [f["kind"] for f in listed["findings"]] == [k.value for k in FindingKind]
