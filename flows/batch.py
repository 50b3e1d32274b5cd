"""Flow `batch_drop_folder`: every film in the drop folder localized, concurrently, once per content.

The batch's steps are the library's (`subpipe.batch.run_batch`: screen and group files into films ->
localize each film -> move its files to done/ or failed/ as it finishes -> reports). This flow passes a
runner that submits each film as a Prefect task (threads or Dask, at most `concurrency` at once, retried
after transient errors only, cached on the bytes of its files) and adds artifacts and the final state.

A bad file fails alone: the other films are delivered, and the run ends in a FAILED state named
"Partially failed" (the localize-film flow uses the same names), which the Prefect UI shows as a red
badge on the run, in the runs list and on the deployment, with the summary artifact listing each
failure. (No postponed annotations here: deployment runs need real annotations to build forms.)
"""

from dataclasses import dataclass
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
from prefect.cache_policies import CachePolicy
from prefect.task_runners import ThreadPoolTaskRunner

from flows.params import BatchOptions, allowed_path, glossary_path, value
from flows.runners import PARTIALLY_FAILED, PrefectRunner, final_state, retry_transient
from subpipe import batch as lib
from subpipe.paths import printable

__all__ = ["PARTIALLY_FAILED", "batch_drop_folder"]

TABLE_ROWS = 200
# Operators can cap films localized at once across every batch and machine with a tag limit:
# `prefect concurrency-limit create subpipe-localize 4` (no limit exists until one is created).
CONCURRENCY_TAG = "subpipe-localize"
DEFAULT_OPTIONS = BatchOptions()  # frozen: a shared default is safe


@dataclass
class FilmContent(CachePolicy):
    """Cache a film's result on the bytes of its files and of the glossary, and on every parameter that
    changes the output; never on file names or times. A re-dropped unchanged film is a cache hit, a
    changed byte is a miss. (Prefect's INPUTS policy would hash a path by its name.) Only a film
    delivered in every language is cached: an incomplete one raises (`subpipe.batch.IncompleteFilm`)."""

    def compute_key(self, task_ctx, inputs: dict, flow_parameters: dict, **kwargs) -> Optional[str]:
        glossary = inputs.get("glossary")
        extra = {
            "targets": sorted(inputs["target_languages"]),
            "profile": inputs["profile"],
            "engine": getattr(inputs.get("engine"), "name", inputs.get("engine")),
            "protect_names": inputs.get("protect_names", True),
            "outbox": str(Path(inputs["outbox"]).resolve()),
            "glossary": lib.file_digest(glossary) if glossary else None,
        }
        return "subpipe-film-" + lib.film_digest(inputs["film"], extra)


localize_film_files = task(
    lib.localize_one,
    name="localize-film-files",
    task_run_name="localize {film.title}",
    cache_policy=FilmContent(),
    persist_result=True,
    tags=[CONCURRENCY_TAG],
    retry_condition_fn=retry_transient,
)


def task_runner_for(settings: lib.BatchSettings, concurrency: int):
    """Threads by default; prefect-dask's DaskTaskRunner (a LocalCluster, or `dask_address`) when set."""
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": settings.dask_workers,
                "threads_per_worker": 1,
                "processes": settings.dask_processes,
                "dashboard_address": None,
            }
        )
    return ThreadPoolTaskRunner(max_workers=concurrency)


def _link(path: str, text: str, description: str) -> None:
    create_link_artifact(link=Path(path).resolve().as_uri(), link_text=text, description=description)


@flow(name="batch-drop-folder", log_prints=True)
def batch_drop_folder(
    inbox: Optional[str] = None,
    outbox: Optional[str] = None,
    glossary: Optional[str] = None,
    options: BatchOptions = DEFAULT_OPTIONS,
):
    """Localize every film in the drop folder; files end in done/<batch>/ or failed/<batch>/.

    Files are named Title.lang.ext; the file in the source language is translated, the film's other
    files are aligned with it as reference tracks. A failed file gets <file>.error.json beside it.

    Args:
        inbox: The drop folder (empty: the configured inbox).
        outbox: Where deliveries and batch reports go (empty: the configured outbox).
        glossary: A glossary file name in the glossaries folder (empty: the configured one, if any).
        options: Languages, QC profile, concurrency, retries, cache and file moves of this batch.
    """
    logger = get_run_logger()
    settings = batch_settings(inbox, outbox, glossary, options)
    retries = settings.retries if options.retries is None else options.retries
    # Cache records are kept in the outbox: the cache lives and dies with the deliveries it describes,
    # and every machine that writes the outbox (Dask workers included) shares it.
    localize = localize_film_files.with_options(
        retries=retries,
        retry_delay_seconds=[settings.retry_delay_seconds * 2**n for n in range(retries)] or 0,
        refresh_cache=options.refresh_cache,
        cache_policy=FilmContent().configure(key_storage=settings.outbox.resolve() / ".subpipe-cache"),
    )
    batch = lib.batch_id()
    progress = create_progress_artifact(0.0, description=f"batch {batch}: films finished")

    def show_progress(finished: int, films: int) -> None:
        update_progress_artifact(progress, 100.0 * finished / films)

    with task_runner_for(settings, settings.concurrency) as task_runner:
        result = lib.run_batch(
            settings,
            runner=PrefectRunner({lib.localize_one: localize}, task_runner=task_runner),
            progress=show_progress,
            move_files=options.move_files,
            batch=batch,
        )
    update_progress_artifact(progress, 100.0)
    for path, error in result.failed.items():
        logger.warning("failed %s: %s", printable(Path(path).name), error)
    _publish(result, result.reports)
    names = ", ".join(printable(Path(p).name) for p in result.failed)
    files = len(result.done) + len(result.failed)
    message = (
        f"{len(result.failed)} of {files} files failed ({names}); "
        f"{'the other films were' if result.delivered else 'nothing was'} delivered. "
        f"See the batch-summary artifact and {settings.inbox}/failed/{result.batch}/."
        if result.failed
        else f"{len(result.done)} files done ({len(result.cached)} films cached)"
    )
    return final_state(result.status, f"batch {result.batch}", result.summary(), message)


def batch_settings(inbox, outbox, glossary, options: BatchOptions) -> lib.BatchSettings:
    """The server's settings with this run's form values over them, its paths checked against the roots."""
    settings = lib.load_settings()
    inbox = allowed_path(inbox or str(settings.inbox), what="inbox", settings=settings)
    outbox = allowed_path(outbox or str(settings.outbox), what="outbox", write=True, settings=settings)
    if glossary is None and settings.glossary:
        glossary = str(settings.glossaries / settings.glossary)
    glossary = glossary_path(glossary, settings)
    update = {
        "inbox": Path(inbox),
        "outbox": Path(outbox),
        "glossary": glossary,
        "source_lang": value(options.source_language) or settings.source_lang,
        "target_languages": [value(t) for t in options.target_languages] if options.target_languages
        else list(settings.target_languages),
        "profile": value(options.profile) or settings.profile,
        "engine": value(options.engine) or settings.engine,
        "protect_names": settings.protect_names if options.protect_names is None else options.protect_names,
        "concurrency": options.concurrency or settings.concurrency,
    }
    return settings.model_copy(update=update)


def _publish(result: lib.BatchResult, reports: dict[str, str]) -> None:
    csv_path = Path(reports["csv"]).resolve()
    create_markdown_artifact(
        lib.batch_markdown(result, csv_path=csv_path),
        key="batch-summary",
        description=f"Batch {result.batch}: films, languages, cues, QC, terms, timings",
    )
    rows = lib.film_rows(result)
    create_table_artifact(
        rows[:TABLE_ROWS] or [{"message": "no films in the drop folder"}],
        key="batch-films",
        description=f"Films and languages, first {min(len(rows), TABLE_ROWS)} of {len(rows)}; "
        f"full table: {csv_path}",
    )
    create_link_artifact(
        csv_path.as_uri(),
        link_text=f"batch.csv ({len(rows)} rows)",
        key="batch-csv",
        description="The full film table of this batch",
    )
    for title, s in sorted(result.films.items()):
        if "error" in s:
            continue
        outputs = s.get("outputs", {})
        if "summary_md" in outputs:
            _link(outputs["summary_md"], f"{title}/summary.md", f"{title}: run summary")
        for lang, ls in s.get("languages", {}).items():
            if "srt" in ls.get("outputs", {}):
                _link(ls["outputs"]["srt"], Path(ls["outputs"]["srt"]).name, f"{title} {lang} delivery")
        for a in s.get("alignments", []):
            if "report" in a.get("outputs", {}):
                _link(
                    a["outputs"]["report"],
                    Path(a["outputs"]["report"]).name,
                    f"{title}: alignment report (HTML) with {Path(a['reference']).name}",
                )
