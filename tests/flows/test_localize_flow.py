"""The localize-film flow under a real (test) Prefect API: outputs, artifacts, progress, a bad reference."""

import json

from conftest import CORNER, SAMPLES
from flow_runs import run_artifacts, run_tasks

from flows.localize import localize_film


def test_localize_flow_delivers_languages_and_publishes_artifacts(prefect_harness, demo_models, tmp_path):
    bad_reference = CORNER / "gpac-misc" / "subtitle.ttxt"
    state = localize_film(source=str(SAMPLES / "sintel" / "Sintel.en.vtt"), target_languages=["es", "fr"],
                          reference_tracks=[str(SAMPLES / "sintel" / "Sintel.de.vtt"), str(bad_reference)],
                          glossary=str(SAMPLES / "glossary" / "films.csv"), output_dir=str(tmp_path),
                          return_state=True)
    result = state.result()
    assert set(result["languages"]) == {"es", "fr"}
    for lang in ("es", "fr"):
        assert (tmp_path / "Sintel" / f"Sintel.{lang}.srt").exists()
        assert result["languages"][lang]["cues"] >= 20
    assert [a["lang"] for a in result["alignments"]] == ["de"]
    assert [e["path"] for e in result["errors"]] == [str(bad_reference)]
    [summary] = run_artifacts(state, "localize-summary")  # this run's, one per run
    assert "Sintel" in summary.data and "| es |" in summary.data
    assert [a.type for a in run_artifacts(state, "localize-qc")] == ["table"]
    [faults] = run_artifacts(state, "localize-mt-faults")  # the cues to look at first, one row per MT finding
    assert faults.type == "table"
    rows = json.loads(faults.data)
    total = sum(sum(result["languages"][lang]["mt_faults"].values()) for lang in ("es", "fr"))
    assert total > 0 and len(rows) == min(total, 200)
    assert all(row["kind"].startswith("mt-") and row["lang"] in ("es", "fr") for row in rows)
    links = [a.data for a in run_artifacts(state, kind="markdown")]
    assert any("Sintel.es.srt" in link and "file://" in link for link in links)
    progress = run_artifacts(state, kind="progress")
    assert progress and max(float(p.data) for p in progress) == 100.0


def _normalised(value, root: str):
    """A summary without what differs between two runs: timings and the output folder."""
    if isinstance(value, dict):
        return {k: _normalised(v, root) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_normalised(v, root) for v in value]
    return value.replace(root, "<out>") if isinstance(value, str) else value


def test_the_flow_and_the_library_write_the_same_summary_a_failed_language_included(
        prefect_harness, demo_models, tmp_path):
    from subpipe.localize import localize_film as localize_in_turn

    source = SAMPLES / "sintel" / "Sintel.en.vtt"
    bad_reference = CORNER / "gpac-misc" / "subtitle.ttxt"
    args = dict(target_languages=["es", "ja"],  # no model translates en->ja
                reference_tracks=[str(SAMPLES / "sintel" / "Sintel.de.vtt"), str(bad_reference)],
                glossary=str(SAMPLES / "glossary" / "films.csv"))
    state = localize_film(source=str(source), output_dir=str(tmp_path / "flow"), return_state=True, **args)
    library = localize_in_turn(source, output_dir=tmp_path / "library", **args)

    assert state.type.value == "FAILED" and state.name == "Partially failed"
    assert "not delivered: ja (missing-pair" in state.message
    written = {}
    for run in ("flow", "library"):
        summary = json.loads((tmp_path / run / "Sintel" / "summary.json").read_text(encoding="utf-8"))
        written[run] = _normalised(summary, str(tmp_path / run))
    assert written["flow"] == written["library"]
    assert written["library"] == _normalised(library.summary(), str(tmp_path / "library"))
    assert written["flow"]["status"] == "partially failed" and list(written["flow"]["languages"]) == ["es"]
    assert written["flow"]["failed_languages"]["ja"]["code"] == "missing-pair"
    assert [e["step"] for e in written["flow"]["errors"]] == ["localize ja", "align"]


def _task_runs(state) -> dict[str, list[str]]:
    runs: dict[str, list[str]] = {}
    for run in run_tasks(state):
        runs.setdefault(run.name, []).append(run.state.name)
    return runs


def test_each_step_is_a_task_run_and_a_missing_model_is_never_tried(prefect_harness, demo_models, tmp_path):
    state = localize_film(source=str(SAMPLES / "sintel" / "Sintel.en.vtt"), target_languages=["es", "ja"],
                          output_dir=str(tmp_path), return_state=True)
    runs = _task_runs(state)
    assert runs["localize es"] == ["Completed"] and "localize ja" not in runs
    assert {name.rsplit("-", 1)[0] for name in runs if name != "localize es"} == {"ingest-source", "sentences",
                                                                                  "find-names"}


def test_only_transient_errors_are_retried():
    from prefect.states import Failed

    from flows.localize import FILM_TASKS
    from flows.runners import retry_transient
    from subpipe.errors import SubpipeError
    from subpipe.localize import localize_language

    missing = SubpipeError("no argos package translates en->ja", code="missing-pair")
    assert retry_transient(None, None, Failed(data=missing)) is False
    assert retry_transient(None, None, Failed(data=KeyError("a bug"))) is False
    assert retry_transient(None, None, Failed(data=TimeoutError("slow disk"))) is True
    assert FILM_TASKS[localize_language].retry_condition_fn is retry_transient


def test_a_bilingual_film_in_the_flow_identifies_languages_as_a_task_and_shows_them(
        prefect_harness, demo_models, tmp_path):
    from bilingual_mix import tos_scenes

    from subpipe.localize import localize_film as localize_in_turn

    _, source = tos_scenes(tmp_path, "TosMix.srt")  # no languages in the name: the parameter says them
    state = localize_film(source=str(source), target_languages=["es"], spoken_languages=["en", "es"],
                          forced_narrative=True, output_dir=str(tmp_path / "flow"), return_state=True)
    library = localize_in_turn(source, ["es"], spoken_languages=["en", "es"], forced_narrative=True,
                               output_dir=tmp_path / "library")
    assert state.type.value == "COMPLETED"
    runs = _task_runs(state)
    assert [states for name, states in runs.items() if name.startswith("identify-languages")] == [["Completed"]]
    written = {run: _normalised(json.loads((tmp_path / run / "TosMix" / "summary.json").read_text(encoding="utf-8")),
                                str(tmp_path / run)) for run in ("flow", "library")}
    assert written["flow"] == written["library"]
    shares = {s["code"] for s in written["flow"]["spoken_languages"]["languages"]}
    assert {"en", "es"} <= shares
    assert (tmp_path / "flow" / "TosMix" / "TosMix.es.forced.srt").is_file()
    [table] = run_artifacts(state, "localize-languages")
    assert table.type == "table"
    rows = json.loads(table.data)
    assert len(rows) == min(200, len(library.langid.cues)) and {"position", "lang", "confidence", "text"} <= set(rows[0])
    [summary] = run_artifacts(state, "localize-summary")
    assert "TosMix" in summary.data
    assert "## Spoken languages" in summary.data and "## Cues per language" in summary.data


def test_an_empty_spoken_languages_list_finds_them_and_zh_hans_is_mandarin(prefect_harness, demo_models, tmp_path):
    from flows.params import Language, spoken_value

    assert spoken_value(Language.ZH_HANS) == "zh" and spoken_value(Language.ZH_HANT) == "zh-Hant"
    plain = tmp_path / "Scene.en.srt"
    plain.write_bytes((SAMPLES / "bilingual" / "dumplings.en+zh.srt").read_bytes())
    state = localize_film(source=str(plain), target_languages=["en"], spoken_languages=[],
                          output_dir=str(tmp_path), return_state=True)
    assert state.name == "Partially failed" and "partially delivered: en (20 zh cues not translated)" in state.message
    result = json.loads((tmp_path / "Scene" / "summary.json").read_text(encoding="utf-8"))
    assert result["spoken_languages"]["declared"] == []
    assert {s["code"] for s in result["spoken_languages"]["languages"]} == {"en", "zh", "und"}
    assert result["languages"]["en"]["status"] == "partially delivered"
    assert [e["step"] for e in result["errors"]] == ["translate zh->en"]


def test_the_flow_delivers_locales_named_by_their_tags(prefect_harness, demo_models, tmp_path):
    from flows.params import Language

    result = localize_film(source=str(SAMPLES / "tears-of-steel" / "TearsOfSteel.en.vtt"),
                           target_languages=[Language.ES_419, Language.FR_CA], output_dir=str(tmp_path))
    assert set(result["languages"]) == {"es-419", "fr-CA"}
    for tag in ("es-419", "fr-CA"):
        assert (tmp_path / "TearsOfSteel" / f"TearsOfSteel.{tag}.srt").exists()
