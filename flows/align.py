"""Flow `align_tracks`: put two language tracks of one film on one clock, link their cues, publish.

Prefect owns orchestration only; every computation is a call into `subpipe.align`. (No
the postponed-annotations `__future__` import here: deployment runs need real annotations to build forms.)

Artifacts: a Markdown summary (transform, link counts, confidence), a table of the lowest-confidence
links first (what a person should look at), and a link to the HTML timeline report.
"""

from pathlib import Path
from typing import Optional

from prefect import flow, get_run_logger, task

from flows import artifacts
from flows.params import AlignOptions, allowed_path, glossary_path, value
from subpipe import align as alignment_lib
from subpipe.align.export import write_dual, write_tmx
from subpipe.align.report import write_report
from subpipe.reports import markdown_table

DEFAULT_OPTIONS = AlignOptions()  # frozen: a shared default is safe


@task(name="fit-and-link", task_run_name="fit-and-link {source} -> {target}")
def fit_and_link(source: str, target: str, glossary: Optional[str]) -> alignment_lib.Alignment:
    # A glossary file: its terms in the source's language with their approved renderings in the target's.
    return alignment_lib.align_tracks(source, target, glossary=glossary or None)


@task(name="write-alignment-outputs")
def write_outputs(
    alignment: alignment_lib.Alignment,
    output_dir: str,
    tmx: bool,
    dual: Optional[str],
    report: bool,
    profile: str,
) -> dict:
    out = Path(output_dir)
    stem = f"{Path(alignment.source.path or 'source').stem}__{Path(alignment.target.path or 'target').stem}"
    written = {"links": str(alignment.write_json(out / f"{stem}.links.json"))}
    if tmx:
        written["tmx"] = str(write_tmx(alignment, out / f"{stem}.tmx"))
    if dual:
        path, _ = write_dual(alignment, out / f"{stem}.dual.{dual.lstrip('.')}", profile=profile)
        written["dual"] = str(path)
    if report:
        written["report"] = str(write_report(alignment, out / f"{stem}.report.html"))
    return written


def summary_markdown(alignment: alignment_lib.Alignment, outputs: dict) -> str:
    s = alignment.summary()
    rows = [
        {
            "what": "source",
            "value": f"`{s['source']['path']}` ({s['source']['lang'] or '?'}, {s['source']['cues']} cues)",
        },
        {
            "what": "target",
            "value": f"`{s['target']['path']}` ({s['target']['lang'] or '?'}, {s['target']['cues']} cues)",
        },
        {"what": "transform", "value": s["transform"]},
        {
            "what": "fit",
            "value": f"speech overlap {s['fit_score']:.3f}, median residual {s['residual_ms']} ms",
        },
        {"what": "links", "value": ", ".join(f"{k}: {v}" for k, v in s["link_types"].items()) or "none"},
        {"what": "unaligned", "value": f"{s['unaligned_source']} source, {s['unaligned_target']} target"},
        {
            "what": "confidence",
            "value": f"mean {s['mean_confidence']}, {s['low_confidence']} links below "
            f"{alignment_lib.LOW_CONFIDENCE}",
        },
    ]
    files = "\n".join(f"- {kind}: `{Path(path).resolve()}`" for kind, path in outputs.items())
    return f"# Alignment\n\n{markdown_table(rows)}\n\n## Outputs\n\n{files}\n"


@flow(name="align-tracks", log_prints=True)
def align_tracks(
    source: str,
    target: str,
    output_dir: str = "out/align",
    glossary: Optional[str] = None,
    options: AlignOptions = DEFAULT_OPTIONS,
) -> dict:
    """Align `target` to `source` and write links.json (+ TMX, a dual-language track, an HTML report).

    Args:
        source: The track whose clock is kept (Title.lang.ext).
        target: The track of another language put on the source's clock and linked to it.
        output_dir: Where links.json and the other outputs are written (inside the outbox).
        glossary: A CSV/TBX/JSON glossary whose terms anchor the alignment: a file name in the glossaries folder.
        options: TMX, dual track (srt, vtt, ass or none), HTML report, and the QC profile whose line
            length each language of the dual track is wrapped to.
    """
    logger = get_run_logger()
    source = allowed_path(source, what="source")
    target = allowed_path(target, what="target")
    output_dir = allowed_path(output_dir, what="output_dir", write=True)
    glossary = glossary_path(glossary)
    tmx, dual, report, profile = options.tmx, value(options.dual), options.report, value(options.profile)
    alignment = fit_and_link(source, target, glossary)
    outputs = write_outputs(alignment, output_dir, tmx, dual or None, report, profile)
    summary = alignment.summary()
    logger.info(
        "%s links, %s low-confidence; %s", summary["links"], summary["low_confidence"], summary["transform"]
    )
    artifacts.publish_alignment(alignment, summary_markdown(alignment, outputs), outputs)
    return {"summary": summary, "outputs": outputs}
