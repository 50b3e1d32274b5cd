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
from prefect.cache_policies import CachePolicy
from prefect.task_runners import ThreadPoolTaskRunner

from flows import artifacts
from flows.params import BatchOptions, allowed_path, glossary_path, value
from flows.runners import PARTIALLY_FAILED, PrefectRunner, final_state, retry_transient
from subpipe import batch as lib
from subpipe.paths import printable

__all__ = ["PARTIALLY_FAILED", "batch_drop_folder"]

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
        if inputs.get("forced_narrative"):  # a key of its own only when asked: earlier keys stay valid
            extra["forced_narrative"] = True
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
    settings = batch_settings(inbox, outbox, glossary, options)
    batch = lib.batch_id()
    show = artifacts.progress_bar(f"batch {batch}: films finished")
    with task_runner_for(settings, settings.concurrency) as task_runner:
        result = lib.run_batch(
            settings,
            runner=PrefectRunner({lib.localize_one: film_task(settings, options)}, task_runner=task_runner),
            progress=lambda finished, films: show(finished / films),
            move_files=options.move_files,
            batch=batch,
        )
    show(1.0)
    log_failures(result)
    artifacts.publish_batch(result)
    return final_state(result.status, f"batch {result.batch}", result.summary(), batch_message(result, settings))


def film_task(settings: lib.BatchSettings, options: BatchOptions):
    """The task localizing one film: retried with exponential back-off after a transient error,
    cached on the bytes of its files."""
    retries = settings.retries if options.retries is None else options.retries
    # Cache records are kept in the outbox: the cache lives and dies with the deliveries it describes,
    # and every machine that writes the outbox (Dask workers included) shares it.
    return localize_film_files.with_options(
        retries=retries,
        retry_delay_seconds=[settings.retry_delay_seconds * 2**n for n in range(retries)] or 0,
        refresh_cache=options.refresh_cache,
        cache_policy=FilmContent().configure(key_storage=settings.outbox.resolve() / ".subpipe-cache"),
    )


def log_failures(result: lib.BatchResult) -> None:
    logger = get_run_logger()
    for path, error in result.failed.items():
        logger.warning("failed %s: %s", printable(Path(path).name), error)


def batch_message(result: lib.BatchResult, settings: lib.BatchSettings) -> str:
    """The final state's message: which files failed and where they went, or what was done."""
    if not result.failed:
        return f"{len(result.done)} files done ({len(result.cached)} films cached)"
    names = ", ".join(printable(Path(p).name) for p in result.failed)
    files = len(result.done) + len(result.failed)
    return (f"{len(result.failed)} of {files} files failed ({names}); "
            f"{'the other films were' if result.delivered else 'nothing was'} delivered. "
            f"See the batch-summary artifact and {settings.inbox}/failed/{result.batch}/.")


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
        "forced_narrative": settings.forced_narrative if options.forced_narrative is None
        else options.forced_narrative,
        "concurrency": options.concurrency or settings.concurrency,
    }
    return settings.model_copy(update=update)
