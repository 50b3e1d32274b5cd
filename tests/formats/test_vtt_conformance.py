"""mozilla/vtt.js's parser tests, run through our pipeline (`parse_track`: decode, detect, WebVTT reader).

corner-cases/vtt.js holds vtt.js test files: ``X.vtt`` and, for most, ``X.json`` with the cues vtt.js
must produce (``X-proc.json`` is rendered DOM output, ignored here). For each file we compare the cue
count and, cue by cue, id, start, end (seconds -> rounded ms) and raw text.

Files without an ``X.json`` are checked against the expectation vtt.js's own ``tests/<group>/test.js``
gives them (a shared ``with-data.json``, ``no-output.json``/``bad-data.json``, or an assertion that no
cue comes out). Those are read with ``format="vtt"``: several have no WebVTT signature on purpose and
vtt.js is told the format, so they test the reader, not format detection. A file with no expectation
at all would be skipped and counted (there are none at the corpus commit). vtt.js reports a bad
signature through ``onparsingerror`` and yields nothing; our `SubpipeError` counts as "no cues".

Where we follow the W3C parsing algorithm (and Chrome) rather than vtt.js, the file is listed in
`DELIBERATE_DIFFERENCES`; the test asserts that listed files do differ, so the list stays honest.

``pytest -s tests/formats/test_vtt_conformance.py`` prints the conformance table.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from conftest import CORNER

from subpipe.errors import SubpipeError
from subpipe.formats import parse_track

VTTJS = CORNER / "vtt.js"

# From mozilla/vtt.js tests/cue-times/test.js and tests/file-layout/test.js: .vtt files whose expected
# output is a JSON file shared with other tests, or an assertion that `cues.length == 0` ([] here).
SHARED_EXPECTATIONS: dict[str, str | list] = {
    "cue-times/left-tab.vtt": "cue-times/with-data.json",
    "cue-times/missing-separator.vtt": "cue-times/bad-data.json",
    "cue-times/missing-spaces-between-separator.vtt": "cue-times/with-data.json",
    "cue-times/separator-extra-space.vtt": "cue-times/with-data.json",
    "cue-times/separator-tab.vtt": "cue-times/with-data.json",
    "cue-times/space-left-tab-right.vtt": "cue-times/with-data.json",
    "cue-times/space-right-tab-left.vtt": "cue-times/with-data.json",
    "cue-times/spaces-tabs-on-both-sides.vtt": "cue-times/with-data.json",
    "cue-times/tab-right.vtt": "cue-times/with-data.json",
    "file-layout/bad-double-webvtt.vtt": "file-layout/no-output.json",
    "file-layout/blank-file-with-bom.vtt": "file-layout/no-output.json",
    "file-layout/blank-file.vtt": "file-layout/no-output.json",
    "file-layout/bom-garbage-data.vtt": "file-layout/no-output.json",
    "file-layout/bom-tab-webvtt.vtt": "file-layout/no-output.json",
    "file-layout/garbage-signature.vtt": [],
    "file-layout/header-no-new-line.vtt": "file-layout/no-output.json",
    "file-layout/newline-before-webvtt.vtt": "file-layout/no-output.json",
    "file-layout/tab-after-bom-before-header.vtt": "file-layout/no-output.json",
    "file-layout/webvtt-no-bom.vtt": "file-layout/with-data.json",
    "file-layout/webvtt-space.vtt": "file-layout/with-data.json",
    "file-layout/webvtt-tab.vtt": "file-layout/with-data.json",
    "file-layout/webvtt-with-bom.vtt": "file-layout/with-data.json",
}

DELIBERATE_DIFFERENCES = {
    "cue-times/min-top-digits.vtt": (
        "'000:00.000': a first field that is not exactly 2 digits is hours (W3C 'collect a WebVTT "
        "timestamp' step 7), so seconds must follow; the spec and Chrome drop the cue, vtt.js reads 0 s"),
    "cue-times/minimum-spots-over-sixty.vtt": (
        "'120:00.000': a first field above 59 is hours, so seconds must follow; the spec and Chrome drop "
        "the cue, vtt.js reads 120 hours (its own test for this file is marked it.skip in one version)"),
    "file-layout/header-no-new-line.vtt": (
        "a '-->' line right under 'WEBVTT' ends the header (W3C 'collect a WebVTT block' with in-header "
        "set) and is read as a cue, as Chrome does; vtt.js treats it as header metadata. We keep the cue "
        "and report a header-not-separated finding"),
}

Cues = list[tuple[str, int, int, str]]  # (id, start ms, end ms, text)


@dataclass
class Outcome:
    file: str
    source: str  # where the expectation comes from
    expected: Cues
    got: Cues | None  # None when the reader raised
    error: str | None = None

    @property
    def matches(self) -> bool:
        if self.got is None:
            return self.expected == []  # vtt.js reports the error and yields no cue
        return self.got == self.expected


def _expected_from_json(path: Path) -> Cues:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(c.get("id", ""), round(c["startTime"] * 1000), round(c["endTime"] * 1000), c["text"])
            for c in data["cues"]]


def _vtt_files() -> list[str]:
    return sorted(str(p.relative_to(VTTJS)) for p in VTTJS.rglob("*.vtt")) if VTTJS.is_dir() else []


def _expectation(rel: str) -> tuple[str, Cues, str | None] | None:
    """(source, expected cues, format to force) for a vtt.js file, or None if vtt.js expects nothing."""
    own = VTTJS / (rel[:-4] + ".json")
    if own.is_file():
        return "own json", _expected_from_json(own), None
    shared = SHARED_EXPECTATIONS.get(rel)
    if shared is None:
        return None
    if isinstance(shared, list):
        return "test.js: no cues", shared, "vtt"
    return f"shared {Path(shared).name}", _expected_from_json(VTTJS / shared), "vtt"


@cache
def outcome(rel: str) -> Outcome | None:
    expectation = _expectation(rel)
    if expectation is None:
        return None
    source, expected, forced = expectation
    path = VTTJS / rel
    try:
        track = parse_track(path.read_bytes(), path=str(path), format=forced)
    except SubpipeError as exc:
        return Outcome(rel, source, expected, None, error=str(exc))
    assert track.format == "vtt", f"{rel} was read as {track.format}"
    got = [(c.identifier, c.start, c.end, c.text) for c in track.cues]
    return Outcome(rel, source, expected, got)


FILES = _vtt_files()
COMPARED = [rel for rel in FILES if _expectation(rel) is not None]


def test_the_vtt_js_suite_is_there(corpus):
    assert len(FILES) >= 60
    for rel in DELIBERATE_DIFFERENCES:
        assert rel in COMPARED, f"{rel} is listed as a deliberate difference but is not compared"


@pytest.mark.parametrize("rel", COMPARED)
def test_vtt_js_file(rel):
    result = outcome(rel)
    if rel in DELIBERATE_DIFFERENCES:
        assert not result.matches, f"{rel} now matches vtt.js: remove it from DELIBERATE_DIFFERENCES"
        return
    assert result.matches, (
        f"{rel} ({result.source}):\n  expected {result.expected}\n  got      "
        f"{result.got if result.got is not None else result.error}")


def _table(outcomes: list[Outcome], skipped: list[str]) -> str:
    rows = [f"{'file':52} {'expectation':26} {'cues exp/got':>12}  result"]
    for o in outcomes:
        got = "error" if o.got is None else str(len(o.got))
        verdict = "match" if o.matches else ("DELIBERATE" if o.file in DELIBERATE_DIFFERENCES else "MISMATCH")
        rows.append(f"{o.file:52} {o.source:26} {f'{len(o.expected)}/{got}':>12}  {verdict}")
    for rel in skipped:
        rows.append(f"{rel:52} {'(none)':26} {'':>12}  skipped")
    matched = sum(o.matches for o in outcomes)
    rows.append(f"vtt.js conformance: {matched}/{len(outcomes)} files match "
                f"({100 * matched / len(outcomes):.1f}%), {len(DELIBERATE_DIFFERENCES)} deliberate "
                f"difference(s), {len(skipped)} file(s) without expectation skipped")
    return "\n".join(rows)


def test_conformance_rate():
    outcomes = [outcome(rel) for rel in COMPARED]
    skipped = [rel for rel in FILES if rel not in COMPARED]
    print("\n" + _table(outcomes, skipped))
    for rel, reason in DELIBERATE_DIFFERENCES.items():
        print(f"  deliberate: {rel}: {reason}")
    matched = sum(o.matches for o in outcomes)
    assert matched == len(outcomes) - len(DELIBERATE_DIFFERENCES)
    assert matched / len(outcomes) >= 0.95
    assert len(skipped) == 0, f"vtt.js files without any expectation: {skipped}"
