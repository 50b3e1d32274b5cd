"""Issue 11, done when: staff review culture-specific terms in the Prefect UI, on the session's real server.

Two localize-film runs of Tears of Steel (its Spanish track as reference, the sample glossary) are created
through the REST endpoint behind the UI's Run button, with `review_terms` left at its default. Both pause
with the review form. One is resumed through the endpoint behind the UI's Resume button
(``POST /api/flow_runs/{id}/resume`` with ``run_input``), a decision per term, and its Spanish track must
honour each decision; the other is left alone: its form is photographed for the README, then it waits
out the configured timeout (SUBPIPE_REVIEW_TIMEOUT in the server fixture) and delivers with the
glossary's defaults, saying so in its summary.
"""

import json
import shutil
import time

import pytest
from browser import Browser, chromium_path
from server_fixture import REVIEW_TIMEOUT, SAMPLES
from test_browser import DOCS, WIDTH, _assert_real_png

FILM = SAMPLES / "tears-of-steel"
REVIEWER = "Ana Ruiz (QA)"
# A decision per term the run asks about, every action at least once; the conflict is "robot hand":
# the existing Spanish track says the forbidden "brazo robot".
ANSWERS = {
    "freaked out": {"action": "ignore", "rendering_es": "", "note": "MT handles it"},
    "robot hand": {"action": "translate", "rendering_es": "mano biónica", "note": "new house style"},
    "Move your asses": {"action": "keep", "rendering_es": "", "note": "the crew's catchphrase, kept in English"},
    "broke my heart": {"action": "adapt", "rendering_es": "me partiste el alma", "note": "the Spanish idiom"},
}


def _run(server, output: str) -> str:
    films = server.inbox / "review"
    films.mkdir(parents=True, exist_ok=True)
    for name in ("TearsOfSteel.en.vtt", "TearsOfSteel.es.vtt"):
        shutil.copy(FILM / name, films)
    parameters = {"source": str(films / "TearsOfSteel.en.vtt"), "target_languages": ["es"],
                  "reference_tracks": [str(films / "TearsOfSteel.es.vtt")], "glossary": "films.csv",
                  "output_dir": str(server.outbox / output)}
    deployment = server.deployment("localize-film")["id"]  # the UI's Run button:
    return server.post(f"/deployments/{deployment}/create_flow_run", {"parameters": parameters})["id"]


@pytest.fixture(scope="module")
def review_runs(prefect_server) -> dict[str, str]:
    """Both runs created at once, so that their work and their waits overlap."""
    return {"resumed": _run(prefect_server, "reviewed"), "left": _run(prefect_server, "unreviewed")}


def _wait_paused(server, run_id: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = server.get(f"/flow_runs/{run_id}")
        keyset = run["state"]["state_details"].get("run_input_keyset")
        if run["state"]["type"] == "PAUSED" and keyset:
            try:  # the flow saves the form just after pausing
                return run | {"form": json.loads(_read_input(server, run_id, keyset["schema"]))}
            except LookupError:
                pass
        assert run["state"]["type"] not in ("COMPLETED", "FAILED", "CRASHED"), run["state"]
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} did not pause for review in {timeout:.0f} s; serve log:\n"
                         + server.log.read_text(errors="replace")[-4000:])


def _read_input(server, run_id: str, key: str) -> str:
    response = server.request("GET", f"/flow_runs/{run_id}/input/{key}")
    if response.status_code == 404:
        raise LookupError(key)
    response.raise_for_status()
    return response.text


def _terms_in_form(form: dict) -> dict[str, str]:
    """Term -> its field in the form, read from the field titles ("1. freaked out (idiom, candidate)")."""
    return {prop["title"].split(". ", 1)[1].rsplit(" (", 1)[0]: name
            for name, prop in form["properties"].items() if name.startswith("term_")}


def _film(server, output: str) -> dict:
    folder = server.outbox / output / "TearsOfSteel"
    protected = json.loads((folder / "reports" / "TearsOfSteel.es.protected-terms.json").read_text("utf-8"))
    return {"summary": json.loads((folder / "summary.json").read_text("utf-8")),
            "srt": " ".join((folder / "TearsOfSteel.es.srt").read_text("utf-8").split()),
            "slots": protected, "folder": folder}


@pytest.fixture(scope="module")
def resumed(prefect_server, review_runs) -> dict:
    """The first run, paused with its form, resumed the way the UI's Resume button does it."""
    run = _wait_paused(prefect_server, review_runs["resumed"])
    fields = _terms_in_form(run["form"])
    run_input = {"reviewer": REVIEWER} | {fields[term]: answer for term, answer in ANSWERS.items() if term in fields}
    # The UI's Submit button in the Resume dialog:
    result = prefect_server.post(f"/flow_runs/{run['id']}/resume", {"run_input": run_input})
    return {"run": run, "fields": fields, "result": result}


def test_the_paused_run_offers_a_typed_form_with_cues_and_timecodes_and_takes_the_answers(resumed):
    form, fields = resumed["run"]["form"], resumed["fields"]
    assert set(fields) == set(ANSWERS)
    assert form["properties"]["reviewer"]["default"] == "Prefect UI"
    assert form["definitions"]["ReviewAction"]["enum"] == ["keep", "translate", "adapt", "ignore"]
    assert "cues 3, 43 at 00:00:30,800 --> 00:00:34,000" in form["properties"][fields["robot hand"]]["description"]
    assert form["properties"][fields["robot hand"]]["default"] == {
        "action": "translate", "rendering_es": "mano robótica", "note": ""}  # the glossary's default
    assert resumed["result"]["status"] == "ACCEPT", resumed["result"]


def test_the_review_form_in_the_ui(prefect_server, review_runs):
    run = _wait_paused(prefect_server, review_runs["left"])
    assert chromium_path(), "chromium is missing: `make test` installs it (apt-get install chromium)"
    height = 1700
    with Browser(WIDTH, height, local_storage={"prefect-password": prefect_server.ui_password}) as browser:
        browser.open(f"{prefect_server.url}/runs/flow-run/{run['id']}", wait_for=("Paused", "Resume"))
        assert browser.evaluate(  # the button holds an icon beside its label
            "(() => { const b = [...document.querySelectorAll('button')]"
            ".find(e => e.textContent.trim() === 'Resume'); if (b) { b.click(); return true } return false })()")
        text = browser.wait_for("Reviewer", "freaked out", "Move your asses", "cues 3, 4, 6, 43")
        assert "Rendering (es)" in text and "keep / translate / adapt / ignore" in text
        _assert_real_png(browser.screenshot(DOCS / "ui-review-form.png"), (WIDTH, height))


def test_the_resumed_run_delivers_a_track_that_honours_every_decision(prefect_server, resumed):
    done = prefect_server.wait(resumed["run"]["id"])
    assert done["state"]["type"] == "COMPLETED", done["state"]["message"]

    film = _film(prefect_server, "reviewed")
    review = film["summary"]["review"]
    assert review["status"] == "reviewed" and review["asked"] == 4
    assert review["by_action"] == {"keep": 1, "translate": 1, "adapt": 1, "ignore": 1}
    assert {d["who"] for d in review["decisions"]} == {REVIEWER}
    stored = json.loads((film["folder"] / "review" / "decisions.json").read_text("utf-8"))
    assert {d["term"]: d["action"] for d in stored["decisions"]} == {t: a["action"] for t, a in ANSWERS.items()}
    assert all(d["when"].endswith("Z") for d in stored["decisions"])

    slots = {}
    for slot in film["slots"]:
        slots.setdefault(slot["term"], []).append(slot)
    for term, rendering in (("robot hand", "mano biónica"), ("Move your asses", "Move your asses"),
                            ("broke my heart", "me partiste el alma")):
        assert {s["rendering"] for s in slots[term]} == {rendering}, slots[term]
        assert {s["status"] for s in slots[term]} == {"resolved"}, slots[term]
        assert rendering in film["srt"]
    assert slots["Move your asses"][0]["do_not_translate"]
    assert "freaked out" not in slots  # ignored: not protected
    assert "mano robótica" not in film["srt"] and "ZQ" not in film["srt"]


def test_a_run_nobody_resumes_goes_on_with_the_glossarys_defaults_and_says_so(prefect_server, review_runs):
    done = prefect_server.wait(review_runs["left"], timeout=REVIEW_TIMEOUT + 300)
    assert done["state"]["type"] == "COMPLETED", done["state"]["message"]
    film = _film(prefect_server, "unreviewed")
    review = film["summary"]["review"]
    assert review["status"] == "timed-out" and review["decisions"] == []
    assert review["note"] == "nobody reviewed 4 terms in time: the glossary's defaults apply"
    assert not (film["folder"] / "review" / "decisions.json").exists()
    terms = {slot["term"]: slot["rendering"] for slot in film["slots"]}
    assert terms["robot hand"] == "mano robótica"  # the glossary's rendering
    assert "freaked out" not in terms and "Move your asses" not in terms
    artifacts = {a["key"]: a for a in prefect_server.artifacts(done["id"]) if a["key"]}
    assert "4 terms to decide" in artifacts["review-terms"]["data"]


def test_review_in_ui_resumes_itself_at_the_deadline_and_the_run_goes_on(prefect_harness, tmp_path):
    """The deadline without a server of our own: a flow pauses in-process, nobody answers, the run
    continues (a task runs after the pause) and ends Completed, not failed by Prefect's pause expiry."""
    from prefect import flow, task

    from flows.review import review_in_ui
    from subpipe.formats import read_track
    from subpipe.terms import flag_track, load_glossary

    glossary = load_glossary(SAMPLES / "glossary" / "films.csv")
    report = flag_track(read_track(FILM / "TearsOfSteel.en.vtt", lang="en"), glossary)

    @task
    def afterwards(status: str) -> str:
        return f"went on after {status}"

    @flow
    def review_then_go_on():
        outcome = review_in_ui("TearsOfSteel", report, glossary, output_dir=tmp_path, target_langs=["es"],
                               timeout_seconds=2)
        return outcome.summary(), afterwards(outcome.status)

    state = review_then_go_on(return_state=True)
    assert state.is_completed(), state.message
    summary, after = state.result()
    assert (summary["status"], after) == ("timed-out", "went on after timed-out")
    assert summary["note"] == "nobody reviewed 3 terms in time: the glossary's defaults apply"


def test_an_answer_to_translate_without_a_rendering_is_not_taken():
    from flows.review import decisions_from_answer, review_form
    from subpipe.formats import read_track
    from subpipe.terms import flag_track, load_glossary
    from subpipe.terms.review import review_items

    glossary = load_glossary(SAMPLES / "glossary" / "films.csv")
    items = review_items(flag_track(read_track(FILM / "TearsOfSteel.en.vtt", lang="en"), glossary), glossary)
    form = review_form("TearsOfSteel", items, ["es", "fr"], timeout=90)
    answer = form(reviewer="Ana", term_01={"action": "translate", "rendering_es": "me asusté", "rendering_fr": ""},
                  term_03={"action": "keep", "note": "a line she sings"})
    decisions, problems = decisions_from_answer(answer, items, ["es", "fr"], when="2026-12-02T18:00:00Z")
    assert [(d.term, d.action, d.rendering, d.lang, d.who) for d in decisions] == [
        ("freaked out", "translate", "me asusté", "es", "Ana"), ("Move your asses", "ignore", "", "", "Ana"),
        ("broke my heart", "keep", "", "", "Ana")]
    assert problems == ["freaked out: translate without a rendering for fr"]
    assert "The run waits 1 min 30 s" in form._description
