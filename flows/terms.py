"""Flow `flag_terms`: culture-specific terms of a track against the glossary, with term QA of a localization.

Prefect owns orchestration only; every computation is a call into `subpipe.terms`. Languages are
typed for the UI's form; paths are checked against the configured roots in deployment runs
(`flows.params`). (No the postponed-annotations `__future__` import here: deployment runs need real
annotations to build forms.)
"""

from pathlib import Path
from typing import Optional

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import artifacts
from flows.params import Language, allowed_path, glossary_path, value
from subpipe.terms import FlagReport, Glossary, flag_file, load_glossary, report_markdown, write_reports


@task(name="load-glossary", task_run_name="load-glossary {path}")
def load_glossary_task(path: str, lang: Optional[str]) -> Glossary:
    return load_glossary(path, lang=lang)


# Inputs are a loaded glossary and file paths; nothing worth caching across runs (the spaCy pipeline is
# what is expensive, and it is cached per process by subpipe.nlp).
@task(name="flag-track", task_run_name="flag-track {path}", cache_policy=NO_CACHE)
def flag_track_task(path: str, glossary: Glossary, lang: Optional[str], target: Optional[str],
                    links: Optional[str], target_lang: Optional[str], discover: bool) -> FlagReport:
    return flag_file(path, glossary, lang=lang, target=target, links=links, target_lang=target_lang,
                     discover_candidates=discover)


@task(name="write-term-reports", cache_policy=NO_CACHE)
def write_reports_task(report: FlagReport, output_dir: str) -> dict[str, str]:
    return {k: str(v) for k, v in write_reports(report, output_dir).items()}


@flow(name="flag-terms", log_prints=True)
def flag_terms(path: str, glossary: str, target: Optional[str] = None, links: Optional[str] = None,
               output_dir: Optional[str] = None, lang: Optional[Language] = None,
               target_lang: Optional[Language] = None, discover: bool = True) -> dict:
    """Flag the culture-specific terms of a track; with a localized track and its links, check them.

    Args:
        path: The subtitle track to flag (Title.lang.ext).
        glossary: A CSV/TBX/JSON glossary: a file name in the glossaries folder, or a path.
        target: A localized track of the same film, to check it renders glossary terms as approved.
        links: The links.json of an alignment of `path` with `target` (needed with `target`).
        output_dir: Where the JSON/Markdown/CSV reports are written (inside the outbox).
        lang: The track's language (default: from its file name).
        target_lang: The target's language (default: from its file name).
        discover: Also list candidate terms the glossary lacks.
    """
    logger = get_run_logger()
    path = allowed_path(path, what="path")
    glossary = glossary_path(glossary)
    target = allowed_path(target, what="target")
    links = allowed_path(links, what="links")
    output_dir = allowed_path(output_dir, what="output_dir", write=True)
    lang, target_lang = value(lang), value(target_lang)
    source_lang = lang
    if source_lang is None:
        from subpipe.ingest import guess_lang

        source_lang = guess_lang(path)
    terms = load_glossary_task(glossary, source_lang)
    report = flag_track_task(path, terms, lang, target, links, target_lang, discover)
    outputs: dict[str, str] = {}
    if output_dir:
        outputs = write_reports_task(report, output_dir)
    summary = report.summary()
    logger.info("%s: %d glossary hits, %d candidates%s", Path(path).name, summary["hits"], summary["candidates"],
                f", QA errors {report.errors()}" if report.qa else "")
    csv_path = str(Path(outputs["csv"]).resolve()) if "csv" in outputs else None
    markdown = report_markdown(report, limit=50, csv_path=csv_path)
    if output_dir:
        markdown += f"\n\nOutputs: `{Path(output_dir).resolve()}`\n"
    artifacts.publish_terms(report, markdown, csv_path)
    return {"summary": summary, "errors": report.errors(), "outputs": outputs}
