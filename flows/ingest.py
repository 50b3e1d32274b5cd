"""Flow `ingest_tracks`: read and QC subtitle files, write clean copies and reports, publish artifacts.

Prefect owns orchestration only; every computation is a call into `subpipe.ingest`. The profile is
typed for the UI's form; paths are checked against the configured roots in deployment runs. (No
the postponed-annotations `__future__` import here: deployment runs need real annotations to build forms.)
"""

from pathlib import Path
from typing import Optional

from prefect import flow, get_run_logger, task

from flows import artifacts
from flows.params import Profile, allowed_path, value
from subpipe.errors import SubpipeError
from subpipe.ingest import IngestResult, ingest_error, ingest_file, write_normalised, write_run_reports
from subpipe.reports import ingest_markdown


@task(name="read-and-qc", task_run_name="read-and-qc {path}")
def read_and_qc(path: str, profile: str, fps: Optional[float], output_dir: Optional[str]) -> IngestResult:
    result = ingest_file(path, profile=profile, fps=fps)
    if output_dir:
        write_normalised(result, output_dir)
    return result


@flow(name="ingest-tracks", log_prints=True)
def ingest_tracks(paths: list[str], profile: Profile = Profile.NETFLIX, output_dir: Optional[str] = None,
                  fps: Optional[float] = None) -> dict:
    """Read every file in `paths`, QC it against `profile`, and report; a bad file is reported, not fatal."""
    logger = get_run_logger()
    paths = [allowed_path(p, what="path") for p in paths]
    output_dir = allowed_path(output_dir, what="output_dir", write=True)
    profile = value(profile)
    futures = [read_and_qc.submit(p, profile, fps, output_dir) for p in paths]
    results: list[IngestResult] = []
    errors: list[dict] = []
    for path, future in zip(paths, futures):
        try:
            results.append(future.result())
        except SubpipeError as exc:
            logger.warning("rejected %s", exc)
            errors.append(ingest_error(path, exc))
    summaries = [r.summary() for r in results]
    markdown = ingest_markdown(summaries, errors)
    outputs = {}
    if output_dir:
        outputs = {k: str(v) for k, v in write_run_reports(output_dir, results, errors).items()}
        markdown += f"\n\nOutputs: `{Path(output_dir).resolve()}` (full findings: `{outputs['csv']}`)\n"
    artifacts.publish_ingest(markdown, [f for r in results for f in r.findings])
    return {"tracks": summaries, "errors": errors, "outputs": outputs}
