"""What the flows show in the UI: every artifact a run publishes, in one place.

Flows compute nothing here: each ``publish_*`` takes a result of the library and publishes its summary
(Markdown), its tables (at most `TABLE_ROWS` rows, the full CSV written beside the outputs and linked)
and links to the files it wrote. The three building blocks, `markdown`, `table` and `file_link`, keep
every table and link described the same way. (No postponed-annotations `__future__` import in flows/.)
"""

from collections.abc import Callable
from pathlib import Path
from typing import Optional

from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from subpipe.qc.mt import fault_rows
from subpipe.reports import finding_row

TABLE_ROWS = 200  # a UI table beyond this is unreadable; the full CSVs and reports hold everything


# --- building blocks ---------------------------------------------------------------------------------

def markdown(text: str, *, key: Optional[str], description: str) -> None:
    create_markdown_artifact(text, key=key, description=description)


def table(rows: list[dict], *, key: str, description: str, empty: Optional[str] = None) -> None:
    """The first `TABLE_ROWS` rows; with no rows, one row saying `empty` (Prefect shows nothing for [])."""
    shown = rows[:TABLE_ROWS] or ([{"message": empty}] if empty else [])
    create_table_artifact(shown, key=key, description=description)


def first_of(rows: list, total: Optional[int] = None) -> str:
    """"first 200 of 1,234": how much of a table the UI shows."""
    return f"first {min(len(rows), TABLE_ROWS)} of {len(rows) if total is None else total}"


def file_link(path: str | Path, *, description: str, text: Optional[str] = None,
              key: Optional[str] = None) -> None:
    """A link to a file the run wrote (its resolved file:// URI), named by `text` or its file name."""
    create_link_artifact(link=Path(path).resolve().as_uri(), link_text=text or Path(path).name, key=key,
                         description=description)


def progress_bar(description: str) -> Callable[[float], None]:
    """A progress artifact at 0 %; the function returned moves it to a fraction in [0, 1]."""
    progress = create_progress_artifact(0.0, description=description)

    def show(fraction: float) -> None:
        update_progress_artifact(progress, 100.0 * fraction)

    return show


# --- one per flow ------------------------------------------------------------------------------------

def publish_alignment(alignment, summary_md: str, outputs: dict) -> None:
    """align-tracks: summary, the lowest-confidence links first, the HTML report."""
    markdown(summary_md, key="align-summary", description="Timeline fit and cue links")
    rows = alignment.link_rows(limit=TABLE_ROWS)
    table(rows, key="align-low-confidence", empty="no links",
          description=f"Links, lowest confidence first ({len(rows)} of {len(alignment.links)})")
    if "report" in outputs:
        file_link(outputs["report"], text="Alignment timeline (HTML)", key="align-report",
                  description="Both tracks on one clock, links and fitted transform")


def publish_ingest(summary_md: str, findings: list) -> None:
    """ingest-tracks: tracks read and their findings."""
    markdown(summary_md, key="ingest-summary", description="Tracks read and QC pass rates")
    rows = [finding_row(f) for f in findings]
    table(rows, key="ingest-findings", empty="no findings", description=f"Findings, {first_of(rows)}")


def publish_terms(report, summary_md: str, csv_path: Optional[str]) -> None:
    """flag-terms: summary, the term table, the full CSV."""
    markdown(summary_md, key="terms-summary", description="Glossary hits, candidates and term QA of one track")
    rows = report.rows()
    full = f"; full table: {csv_path}" if csv_path else "; no output_dir, so no full CSV was written"
    table(rows, key="terms-table", empty="nothing flagged",
          description=f"Terms, first {len(rows[:TABLE_ROWS])} of {len(rows)} rows{full}")
    if csv_path:
        file_link(csv_path, text=f"{Path(csv_path).name} ({len(rows)} rows)", key="terms-csv",
                  description="The full term table")


def publish_film(result) -> None:
    """localize-film: summary, QC, MT-fault and term tables, the spoken languages, links to the outputs."""
    from subpipe import localize as lib

    title = result.title
    markdown(lib.summary_markdown(result), key="localize-summary",
             description=f"{title}: languages, QC pass rates, terms")
    qc_rows = [{"lang": lang, **finding_row(f)} for lang, lr in result.languages.items() for f in lr.qc]
    table(qc_rows, key="localize-qc", empty="no QC findings",
          description=f"QC findings after fixes, {first_of(qc_rows)}; full CSVs under reports/")
    mt_total = sum(sum(lr.mt_faults.values()) for lr in result.languages.values())
    mt_rows = fault_rows({lang: lr.qc for lang, lr in result.languages.items()}, limit=TABLE_ROWS)
    table(mt_rows, key="localize-mt-faults", empty="no MT faults found",
          description=f"{title}: MT faults, worst first ({len(mt_rows)} of {mt_total}): the cues to look at first")
    term_rows = result.terms.report.rows() if result.terms else []
    if term_rows:
        table(term_rows, key="localize-terms", description=f"Glossary hits and candidates, {first_of(term_rows)}")
    if result.langid is not None:
        publish_languages(result)
    for lang, lr in result.languages.items():
        for kind in ("srt", "vtt", "ass", "dual", "forced_srt", "forced_vtt", "untranslated"):
            if kind in lr.outputs:
                file_link(lr.outputs[kind], description=f"{title} {lang} {kind}")
    for alignment in result.alignments:
        file_link(alignment.outputs["report"], description=f"alignment with {Path(alignment.reference).name}")
    file_link(result.outputs["summary_md"], description="run summary")


def publish_languages(result) -> None:
    """A bilingual film's per-cue language table (the shares are in the summary artifact)."""
    text = {c.position: c.plain for c in result.langid.track.cues}
    rows = [{**call.to_dict(), "lines": "+".join(call.lines or ()), "text": text.get(call.position, "")[:80]}
            for call in result.langid.cues]
    shares = ", ".join(f"{s.code} {s.share:.0%}" for s in result.langid.languages)
    table(rows, key="localize-languages",
          description=f"{result.title}: spoken language of each cue ({shares}), {first_of(rows)}")


def publish_batch(result) -> None:
    """batch-drop-folder: summary, the film table, the full CSV, each film's summary, deliveries and reports."""
    from subpipe import batch as lib

    csv_path = Path(result.reports["csv"]).resolve()
    markdown(lib.batch_markdown(result, csv_path=csv_path), key="batch-summary",
             description=f"Batch {result.batch}: films, languages, cues, QC, terms, timings")
    rows = lib.film_rows(result)
    table(rows, key="batch-films", empty="no films in the drop folder",
          description=f"Films and languages, {first_of(rows)}; full table: {csv_path}")
    file_link(csv_path, text=f"batch.csv ({len(rows)} rows)", key="batch-csv",
              description="The full film table of this batch")
    for title, s in sorted(result.films.items()):
        if "error" not in s:
            _publish_batch_film(title, s)


def _publish_batch_film(title: str, s: dict) -> None:
    outputs = s.get("outputs", {})
    if "summary_md" in outputs:
        file_link(outputs["summary_md"], text=f"{title}/summary.md", description=f"{title}: run summary")
    for lang, ls in s.get("languages", {}).items():
        if "srt" in ls.get("outputs", {}):
            file_link(ls["outputs"]["srt"], description=f"{title} {lang} delivery")
    for a in s.get("alignments", []):
        if "report" in a.get("outputs", {}):
            file_link(a["outputs"]["report"],
                      description=f"{title}: alignment report (HTML) with {Path(a['reference']).name}")


def publish_delivery(result) -> None:
    """A delivery's artifacts: the package summary, the manifest table, links to the manifest files."""
    from subpipe.deliver import delivery_markdown

    markdown(delivery_markdown(result), key="delivery-summary",
             description=f"{result.title}: delivery {result.spec.name}")
    rows = result.rows()
    table(rows, key="delivery-manifest", empty="nothing delivered",
          description=f"{result.title}: manifest, {first_of(rows)} rows (file, locale, format, cues, duration, "
                      "QC, SHA-256); full manifest.csv in the package")
    for kind in ("manifest_json", "manifest_csv"):
        file_link(result.outputs[kind],
                  description=f"{result.title} delivery {result.spec.name}: {kind.replace('_', ' ')}")
