"""Flow `localize_film`: a film's source track to delivery-ready tracks in the target languages.

The steps are the library's (`subpipe.localize.localize_film`): this flow passes a runner that submits
each of them as a Prefect task (ingest-source, align-reference per reference, flag-terms, sentences,
localize-language per language, run concurrently where they are independent) and adds what the UI
shows: a summary, the QC findings and term tables (first 200 rows; full CSVs linked), links to every
output, a progress bar, and the final state: Completed, or a FAILED-type state named "Partially failed"
(some languages delivered) or "Failed" (none), as the batch flow names them. Parameters are typed for
the UI's form (`flows.params`); paths are checked against the configured roots in deployment runs.
(No postponed-annotations `__future__` import here: deployment runs need real annotations to build forms.)
"""

from typing import Optional

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import deployment

from flows import artifacts
from flows.params import Engine, Language, QCOptions, allowed_path, glossary_path, spoken_value, value
from flows.review import review_in_ui
from flows.runners import PrefectRunner, final_state, retry_transient
from subpipe import localize as lib
from subpipe.translate import get_engine

DEFAULT_QC = QCOptions()  # frozen: a shared default is safe

# Steps pass Tracks and alignments in memory; hashing them for a cache key would cost more than the work.
# Only transient errors (I/O, time-outs) are retried: a missing model or bad input never is.
FILM_TASKS = {
    lib.ingest_source: task(lib.ingest_source, name="ingest-source", cache_policy=NO_CACHE),
    lib.align_reference: task(lib.align_reference, name="align-reference", task_run_name="align {reference}",
                              cache_policy=NO_CACHE),
    lib.flag_terms: task(lib.flag_terms, name="flag-terms", cache_policy=NO_CACHE),
    lib.identify_source_languages: task(lib.identify_source_languages, name="identify-languages",
                                        cache_policy=NO_CACHE),
    lib.source_sentences: task(lib.source_sentences, name="sentences", cache_policy=NO_CACHE),
    lib.film_names: task(lib.film_names, name="find-names", cache_policy=NO_CACHE),
    lib.localize_language: task(lib.localize_language, name="localize-language",
                                task_run_name="localize {target_lang}", cache_policy=NO_CACHE, retries=1,
                                retry_delay_seconds=5, retry_condition_fn=retry_transient),
}


def film_runner() -> PrefectRunner:
    return PrefectRunner(FILM_TASKS)


def term_review(output_dir: str, target_languages: list[str], ask: bool) -> Optional[lib.Review]:
    """The review hook: in a deployment run with `ask` (someone can press Resume in the UI) the paused
    run's form; otherwise None, the library's default (the film's stored decisions, nobody asked)."""
    if not (ask and deployment.id is not None):
        return None

    def review(title, terms, glossary):
        return review_in_ui(title, terms, glossary, output_dir=output_dir, target_langs=target_languages)

    return review


@flow(name="localize-film", log_prints=True)
def localize_film(source: str, target_languages: list[Language],
                  reference_tracks: Optional[list[str]] = None, glossary: Optional[str] = None,
                  output_dir: str = "out", options: QCOptions = DEFAULT_QC, review_terms: bool = True,
                  spoken_languages: Optional[list[Language]] = None, forced_narrative: bool = False,
                  engine: Engine = Engine.ARGOS, protect_names: bool = True):
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
        spoken_languages: The languages spoken in the film when it has several (each cue is translated from
            its own); an empty list finds them from the track; not set: the file name's (Title.en+zh.srt).
        forced_narrative: Also write each language's forced-narrative track (Title.lang.forced.srt/.vtt):
            the cues not spoken in that language, translated.
        engine: The translation engine: argos (the installed argos models), apertium (the installed
            Apertium pairs, rule-based), or argos+apertium (argos first; a pair neither covers alone is
            chained through both).
        protect_names: Keep the character names found in the source as written (those the glossary does not
            list), protected from MT like the glossary's do-not-translate terms; the summary lists them.
    """
    source = allowed_path(source, what="source")
    reference_tracks = [allowed_path(r, what="reference track") for r in reference_tracks or []]
    glossary = glossary_path(glossary)
    output_dir = allowed_path(output_dir, what="output_dir", write=True)
    show = artifacts.progress_bar("localize-film: steps done")

    def show_progress(name: str, n: int, total: int) -> None:
        show(n / total)

    targets = [value(t) for t in target_languages]
    review = term_review(output_dir, targets, review_terms) if glossary else None
    result = lib.localize_film(source, targets, reference_tracks=reference_tracks,
                               glossary=glossary, profile=value(options.profile),
                               audience=value(options.audience), fps=options.fps, output_dir=output_dir,
                               runner=film_runner(), review=review, progress=show_progress,
                               spoken_languages=None if spoken_languages is None else
                               [spoken_value(lang) for lang in spoken_languages],
                               forced_narrative=forced_narrative, engine=get_engine(value(engine)),
                                 protect_names=protect_names)
    artifacts.publish_film(result)
    return film_state(result)


def film_state(result: lib.FilmResult):
    """The run's final state: the film's status named as the batch names it, the summary as its data."""
    failed = result.failed_languages
    partial = result.partial_languages
    message = (f"delivered {', '.join(result.languages) or 'nothing'}"
               + (f"; not delivered: {'; '.join(f'{k} ({e.code}: {e.message})' for k, e in failed.items())}"
                  if failed else "")
               + (f"; partially delivered: {'; '.join(untranslated(lang, rows) for lang, rows in partial.items())}"
                  if partial else ""))
    return final_state(result.status, result.title, result.summary(), message)


def untranslated(lang: str, rows: list[dict]) -> str:
    by_lang: dict[str, int] = {}
    for row in rows:
        by_lang[row["lang"]] = by_lang.get(row["lang"], 0) + 1
    return f"{lang} ({', '.join(f'{n} {src} cues' for src, n in by_lang.items())} not translated)"
