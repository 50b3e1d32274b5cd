"""Flow `localize_film`: a film's source track to delivery-ready tracks in the target languages.

ingest -> align (per reference track) -> flag terms -> translate (glossary-protected) -> re-segment -> QC
-> write, each step a task around a `subpipe.localize` function, with artifacts for the Prefect UI: a
summary, the QC findings and term tables (first 200 rows; full CSVs linked), links to every output, and
a progress bar updated as languages finish. Parameters are typed for the UI's form (`flows.params`);
paths are checked against the configured roots in deployment runs. (No `from __future__ import
annotations` here: deployment runs need real annotations to build their forms.)
"""

from dataclasses import replace
from pathlib import Path
from typing import Optional

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.runtime import deployment

from flows.params import Language, QCOptions, allowed_path, glossary_path, value
from flows.review import review_in_ui
from subpipe import localize as lib
from subpipe.reports import finding_row
from subpipe.terms.review import reuse_decisions, with_reference_qa

TABLE_ROWS = 200
DEFAULT_QC = QCOptions()  # frozen: a shared default is safe

# Tasks pass Tracks and alignments in memory; hashing them for a cache key would cost more than the work.
step = task(cache_policy=NO_CACHE)


@step(name="ingest-source")
def ingest_source(source: str, profile: str, audience: str, fps: Optional[float]):
    return lib.ingest_file(source, profile=profile, audience=audience, fps=fps)


@step(name="align-reference", task_run_name="align {reference}")
def align_reference(source_track, reference: str, out_dir: Path, glossary, profile: str) -> dict:
    return lib.align_reference(source_track, reference, out_dir, glossary=glossary, profile=profile)


@step(name="flag-terms")
def flag_source(source_track, glossary, out_dir: Path, references: list) -> dict:
    return lib.flag_source(source_track, glossary, out_dir, references=references)


@step(name="sentences")
def source_sentences(source_track, lang: str):
    return lib.source_sentences(source_track, lang)


@step(name="localize-language", task_run_name="localize {target_lang}", retries=1, retry_delay_seconds=5)
def localize_language(source_track, sentences, target_lang: str, out_dir: Path, glossary, glossary_report,
                      profile: str, audience: str, fps: Optional[float]) -> lib.LanguageResult:
    return lib.localize_language(source_track, sentences, target_lang, out_dir, glossary=glossary,
                                 glossary_report=glossary_report, profile=profile, audience=audience, fps=fps)


def _review_terms(title: str, result, glossary, output_dir: str, target_languages: list[str], ask: bool):
    """With `ask` in a deployment run (someone can press Resume in the UI), the paused run's form;
    otherwise (a flow called from Python, a test) the film's stored decisions, nobody asked."""
    reports = with_reference_qa(result.terms["_report"], [a["_alignment"] for a in result.alignments])
    if ask and deployment.id is not None:
        return review_in_ui(title, reports, glossary, output_dir=output_dir, target_langs=target_languages)
    return reuse_decisions(output_dir, target_languages)(title, reports, glossary)


def _link(path: str, description: str) -> None:
    create_link_artifact(link=Path(path).resolve().as_uri(), link_text=Path(path).name, description=description)


@flow(name="localize-film", log_prints=True)
def localize_film(source: str, target_languages: list[Language],
                  reference_tracks: Optional[list[str]] = None, glossary: Optional[str] = None,
                  output_dir: str = "out", options: QCOptions = DEFAULT_QC, review_terms: bool = True) -> dict:
    """Localize one film into each target language: SRT/WebVTT, dual track, QC and term reports.

    Args:
        source: The film's subtitle file, named Title.lang.ext: a path, or a file name in the inbox.
        target_languages: The languages to deliver.
        reference_tracks: Existing tracks of other languages to align with the source and term-check.
        glossary: A CSV/TBX/JSON glossary: a file name in the glossaries folder, or a path.
        output_dir: Where the film's folder (named after its title) is written, inside the outbox.
        options: QC profile, audience and frame rate of the delivered tracks.
        review_terms: Pause after flagging so staff decide each culture-specific term in a form (Resume);
            decisions are kept per film and reused by later runs.
    """
    logger = get_run_logger()
    source = allowed_path(source, what="source")
    reference_tracks = [allowed_path(r, what="reference track") for r in reference_tracks or []]
    glossary = glossary_path(glossary)
    output_dir = allowed_path(output_dir, what="output_dir", write=True)
    target_languages = [value(t) for t in target_languages]
    profile, audience, fps = value(options.profile), value(options.audience), options.fps
    progress = create_progress_artifact(0.0, description="localize-film: steps done")
    ingested = ingest_source(source, profile, audience, fps)
    src = ingested.track
    if not src.lang:
        raise lib.SubpipeError("the source language is unknown: name the file Title.lang.ext", path=source,
                               code="no-language")
    title = lib.film_title(source)
    out = Path(output_dir) / title
    result = lib.LocalizeResult(title=title, source=ingested, output_dir=out)
    gloss = lib.load_glossary_for(glossary, src.lang)
    total = 3 + len(target_languages)
    update_progress_artifact(progress, 100 * 1 / total)

    futures = [(ref, align_reference.submit(src, ref, out, gloss, profile)) for ref in reference_tracks or []]
    for ref, future in futures:
        try:
            result.alignments.append(future.result())
        except lib.SubpipeError as exc:
            logger.warning("reference track rejected: %s", exc)
            result.errors.append({"step": "align", "path": ref, "error": str(exc)})
    update_progress_artifact(progress, 100 * 2 / total)

    if gloss is not None:
        result.terms = flag_source(src, gloss, out, result.alignments)
        # Staff review (issue 11): decisions become the glossary that protection uses from here on.
        outcome = _review_terms(title, result, gloss, output_dir, target_languages, review_terms)
        gloss = outcome.glossary
        result.terms["_report"] = replace(result.terms["_report"], glossary=gloss)
        result.terms["review"] = outcome.summary()
    sentences = source_sentences(src, src.lang)
    update_progress_artifact(progress, 100 * 3 / total)

    report = result.terms["_report"] if result.terms else None
    pending = {lang: localize_language.submit(src, sentences, lang, out, gloss, report, profile, audience, fps)
               for lang in target_languages}
    for n, (lang, future) in enumerate(pending.items(), 4):
        try:
            result.languages[lang] = future.result()
        except lib.SubpipeError as exc:
            logger.error("%s failed: %s", lang, exc)
            result.errors.append({"step": f"localize {lang}", "path": source, "error": str(exc)})
        update_progress_artifact(progress, 100 * n / total)

    lib.write_summary(result)
    create_markdown_artifact(lib.summary_markdown(result), key="localize-summary",
                             description=f"{title}: languages, QC pass rates, terms")
    qc_rows = [{"lang": lang, **finding_row(f)} for lang, lr in result.languages.items() for f in lr.qc]
    create_table_artifact(qc_rows[:TABLE_ROWS] or [{"message": "no QC findings"}], key="localize-qc",
                          description=f"QC findings after fixes, first {min(len(qc_rows), TABLE_ROWS)} of "
                                      f"{len(qc_rows)}; full CSVs under reports/")
    term_rows = result.terms["_report"].rows() if result.terms else []
    if term_rows:
        create_table_artifact(term_rows[:TABLE_ROWS], key="localize-terms",
                              description=f"Glossary hits and candidates, first {min(len(term_rows), TABLE_ROWS)}"
                                          f" of {len(term_rows)}")
    for lang, lr in result.languages.items():
        for kind in ("srt", "vtt", "ass", "dual"):
            if kind in lr.outputs:
                _link(lr.outputs[kind], f"{title} {lang} {kind}")
    for alignment in result.alignments:
        _link(alignment["outputs"]["report"], f"alignment with {Path(alignment['reference']).name}")
    _link(result.outputs["summary_md"], "run summary")
    if result.errors and not result.languages:
        raise lib.SubpipeError(f"no language was delivered: {result.errors[0]['error']}", path=source)
    return lib._public(result.summary())
