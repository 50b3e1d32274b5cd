"""Flow `deliver_film`: a film localized and packaged as a delivery spec says, with its manifest.

The steps are the library's (`subpipe.deliver.deliver_film`): localize's steps as in the localize-film
flow (the same tasks), then one `deliver-locale` task per locale (write, read back, QC, checksum). The
flow adds what the UI shows: the package summary, the manifest as a table (first 200 rows; the full
manifest.csv linked), links to the manifest files, and the final state: Completed, or a FAILED-type
state named "Partially failed" (some locales delivered) or "Failed" (none), as the other flows name them.
(No postponed-annotations `__future__` import here: deployment runs need real annotations to build forms.)
"""

from enum import StrEnum
from typing import Optional

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows import artifacts
from flows.localize import FILM_TASKS
from flows.params import Audience, Engine, Language, allowed_path, glossary_path, value
from flows.runners import PrefectRunner, final_state, retry_transient
from subpipe import deliver as lib
from subpipe.translate import get_engine

# The built-in delivery specs (src/subpipe/delivery_specs/*.toml), so a new spec file appears in the form.
SpecName = StrEnum("SpecName", {name.replace("-", "_").upper(): name for name in lib.list_specs()})
SpecName.__doc__ = "A built-in delivery spec."

DELIVERY_TASKS = {
    **FILM_TASKS,
    lib.deliver_locale: task(lib.deliver_locale, name="deliver-locale", task_run_name="deliver {spec.locale}",
                             cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5,
                             retry_condition_fn=retry_transient),
}


@flow(name="deliver-film", log_prints=True)
def deliver_film(source: str, spec: SpecName = SpecName.NETFLIX, spec_file: Optional[str] = None,
                 locales: Optional[list[Language]] = None, reference_tracks: Optional[list[str]] = None,
                 glossary: Optional[str] = None, output_dir: str = "out", audience: Audience = Audience.ADULT,
                 fps: Optional[float] = None, engine: Engine = Engine.ARGOS, reuse_localized: bool = False):
    """Localize one film and write the delivery package a spec names, with manifest.json and manifest.csv.

    Args:
        source: The film's subtitle file, named Title.lang.ext: a path, or a file name in the inbox.
        spec: A built-in delivery spec (formats, file names, QC profile, dual and forced tracks per locale).
        spec_file: A delivery spec of your own (TOML, see samples/delivery/); when set, it is used instead of spec.
        locales: The locales to deliver; empty: the spec's own list.
        reference_tracks: Existing tracks of other languages to align with the source and term-check.
        glossary: A CSV/TBX/JSON glossary: a file name in the glossaries folder, or a path.
        output_dir: Where the film's folder is written (the package in <Title>/delivery/<spec>/), inside the outbox.
        audience: Reading speed of the audience (QC of the delivered files).
        fps: Frame rate of the video (frame-based gaps), if known.
        engine: The translation engine: argos, apertium, or argos+apertium.
        reuse_localized: Translate nothing: package the tracks of the film's earlier localize-film run into
            output_dir (its summary.json); a locale that run did not deliver fails with its reason.
    """
    source = allowed_path(source, what="source")
    chosen = allowed_path(spec_file, what="spec_file") if spec_file else value(spec)
    reference_tracks = [allowed_path(r, what="reference track") for r in reference_tracks or []]
    output_dir = allowed_path(output_dir, what="output_dir", write=True)
    result = lib.deliver_film(source, chosen, [value(loc) for loc in locales or []] or None,
                              output_dir=output_dir, reference_tracks=reference_tracks,
                              glossary=glossary_path(glossary), audience=value(audience),
                              fps=None if fps is None else float(fps),
                              engine=None if reuse_localized else get_engine(value(engine)),
                              runner=PrefectRunner(DELIVERY_TASKS), reuse=reuse_localized)
    artifacts.publish_delivery(result)
    delivered = ", ".join(result.delivered) or "nothing"
    failed = "; ".join(f"{loc} ({why})" for loc, why in result.failed.items())
    return final_state(result.status, result.title, result.manifest(),
                       f"delivered {delivered} ({len(result.files)} files)" + (f"; not delivered: {failed}"
                                                                               if failed else ""))
