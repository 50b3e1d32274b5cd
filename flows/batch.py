"""Flow `batch_drop_folder`: every film in the drop folder localized, concurrently, once per content.

    group files into films (Title.lang.ext) -> localize each film (threads or Dask, at most `concurrency`
    at once, retried after transient errors, cached on the bytes of its files) -> move its files to
    done/ or failed/ (with <file>.error.json) as it finishes -> reports and artifacts

A bad file fails alone: the other films are delivered, and the run ends in a FAILED state named
"Partially failed", which the Prefect UI shows as a red "Partially failed" badge on the run, in the
runs list and on the deployment, with the summary artifact listing each failure. (No
the postponed-annotations `__future__` import here: deployment runs need real annotations to build forms.)
"""

import time
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
from prefect.futures import as_completed
from prefect.states import Completed, Failed
from prefect.task_runners import ThreadPoolTaskRunner

from flows.params import BatchOptions, allowed_path, glossary_path, value
from subpipe import batch as lib
from subpipe.errors import SubpipeError

TABLE_ROWS = 200
PARTIALLY_FAILED = "Partially failed"
# Operators can cap films localized at once across every batch and machine with a tag limit:
# `prefect concurrency-limit create subpipe-localize 4` (no limit exists until one is created).
CONCURRENCY_TAG = "subpipe-localize"
DEFAULT_OPTIONS = BatchOptions()  # frozen: a shared default is safe


@dataclass
class FilmContent(CachePolicy):
    """Cache a film's result on the bytes of its files and of the glossary, and on every parameter that
    changes the output; never on file names or times. A re-dropped unchanged film is a cache hit, a
    changed byte is a miss. (Prefect's INPUTS policy would hash a path by its name.)"""

    def compute_key(self, task_ctx, inputs: dict, flow_parameters: dict, **kwargs) -> Optional[str]:
        glossary = inputs.get("glossary")
        extra = {
            "targets": sorted(inputs["target_languages"]),
            "profile": inputs["profile"],
            "outbox": str(Path(inputs["outbox"]).resolve()),
            "glossary": lib.file_digest(glossary) if glossary else None,
        }
        return "subpipe-film-" + lib.film_digest(inputs["film"], extra)


def retry_transient(task, task_run, state) -> bool:
    """Retry after a transient error (I/O, time-outs, memory); bad input (SubpipeError) fails at once."""
    try:
        state.result()
    except SubpipeError:
        return False
    except lib.TRANSIENT_ERRORS:
        return True
    except Exception:
        return False
    return False


@task(
    name="localize-film-files",
    task_run_name="localize {film.title}",
    cache_policy=FilmContent(),
    persist_result=True,
    tags=[CONCURRENCY_TAG],
    retry_condition_fn=retry_transient,
)
def localize_film_files(
    film: lib.Film, target_languages: list[str], outbox: str, glossary: Optional[str], profile: str
) -> dict:
    return lib.localize_one(film, target_languages, outbox, glossary=glossary, profile=profile)


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
    t0 = time.perf_counter()
    settings = lib.load_settings()
    inbox = allowed_path(inbox or str(settings.inbox), what="inbox", settings=settings)
    outbox = allowed_path(outbox or str(settings.outbox), what="outbox", write=True, settings=settings)
    if glossary is None and settings.glossary:
        glossary = str(settings.glossaries / settings.glossary)
    glossary = glossary_path(glossary, settings)
    source_lang = value(options.source_language) or settings.source_lang
    targets = (
        [value(t) for t in options.target_languages]
        if options.target_languages
        else list(settings.target_languages)
    )
    profile = value(options.profile) or settings.profile
    concurrency = options.concurrency or settings.concurrency
    retries = settings.retries if options.retries is None else options.retries

    result = lib.BatchResult(batch=lib.batch_id())
    films, rejected = lib.group_films(lib.drop_folder_files(inbox), source_lang)
    for r in rejected:
        logger.warning("rejected %s: %s", r.path.name, r.reason)
        result.failed[r.path] = r.error()
    logger.info(
        "batch %s: %d films, %d files rejected; %s -> %s",
        result.batch,
        len(films),
        len(rejected),
        targets,
        outbox,
    )
    progress = create_progress_artifact(
        0.0 if films else 100.0, description=f"batch {result.batch}: films finished of {len(films)}"
    )
    moved: dict[str, list] = {"done": [], "failed": []}

    def settle(done, failed) -> None:
        if options.move_files:
            for kind, entries in lib.settle_files(done, failed, inbox, result.batch).items():
                moved[kind] += entries

    settle([], dict(result.failed))  # rejected files leave the inbox at once
    # Cache records are kept in the outbox: the cache lives and dies with the deliveries it describes,
    # and every machine that writes the outbox (Dask workers included) shares it.
    localize = localize_film_files.with_options(
        retries=retries,
        retry_delay_seconds=[settings.retry_delay_seconds * 2**n for n in range(retries)] or 0,
        refresh_cache=options.refresh_cache,
        cache_policy=FilmContent().configure(key_storage=Path(outbox).resolve() / ".subpipe-cache"),
    )
    queue = list(films)
    finished = 0
    with task_runner_for(settings, concurrency) as runner:
        running = {}
        while queue or running:
            # A window of `concurrency` films in flight bounds the work whatever the runner (a Dask
            # cluster included), and lets each film's files move as soon as it is done.
            while queue and len(running) < concurrency:
                film = queue.pop(0)
                future = runner.submit(
                    localize,
                    parameters={
                        "film": film,
                        "target_languages": targets,
                        "outbox": outbox,
                        "glossary": glossary,
                        "profile": profile,
                    },
                )
                running[future] = film
            future = next(as_completed(list(running)))
            film = running.pop(future)
            done_before, failed_before = len(result.done), set(result.failed)
            try:
                summary, error = future.result(), None
                if future.state.name == "Cached":
                    result.cached.add(film.title)
            except Exception as exc:  # a film that fails, whatever the reason, must not stop the batch
                summary, error = None, exc
                logger.error("%s failed: %s", film.title, exc)
            lib.record_film(result, film, summary, error)
            settle(
                result.done[done_before:], {f: e for f, e in result.failed.items() if f not in failed_before}
            )
            finished += 1
            update_progress_artifact(progress, 100.0 * finished / len(films))
    result.moved = moved
    result.seconds = time.perf_counter() - t0
    reports = lib.write_batch_reports(result, outbox)
    _publish(result, reports)
    summary = {
        "batch": result.batch,
        "status": result.status,
        "films": len(result.films),
        "delivered": [t for t, s in result.films.items() if "error" not in s],
        "cached": sorted(result.cached),
        "failed_files": [str(p) for p in result.failed],
        "moved": moved,
        "reports": reports,
        "seconds": round(result.seconds, 2),
    }
    if result.status in ("partially failed", "failed"):
        names = ", ".join(Path(p).name for p in result.failed)
        partial = result.status == "partially failed"
        return Failed(
            name=PARTIALLY_FAILED if partial else "Failed",
            message=f"{len(result.failed)} of {len(result.done) + len(result.failed)} files failed "
            f"({names}); {'the other films were' if partial else 'nothing was'} delivered. "
            f"See the batch-summary artifact and {inbox}/failed/{result.batch}/.",
            data=summary,
        )
    return Completed(
        message=f"{len(result.done)} files done ({len(result.cached)} films cached)", data=summary
    )


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
