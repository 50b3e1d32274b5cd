"""The main job: a film's source track (plus reference tracks and a glossary) to delivery-ready tracks.

Each step is a function of its own so that the `localize_film` flow can run it as a task and a plain
Python call can run the whole job with `localize_film`:

    ingest -> align (per reference track) -> flag terms -> sentences -> translate (glossary-protected)
    -> re-segment into cues -> QC with fixes -> write SRT / WebVTT (/ ASS) + dual track + reports

Outputs land in ``OUT/<Title>/``: ``<Title>.<lang>.srt|vtt[|ass]`` per target language, a dual-language
track ``<Title>.<src>+<lang>.ass``, the QC report and term report per language, the alignment files per
reference track, and ``summary.md`` / ``summary.json`` for the run.
"""

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from subpipe.cues import Track
from subpipe.errors import Finding, SubpipeError
from subpipe.fileio import write_text_atomic
from subpipe.formats import write_track
from subpipe.ingest import IngestResult, guess_lang, ingest_file
from subpipe.reports import markdown_table, write_findings_csv, write_json

Progress = Callable[[str, int, int], None]


def film_title(path: str | Path) -> str:
    """The film's name from ``Title.lang.ext`` (or ``title-lang.ext``).

    >>> film_title("samples/tears-of-steel/TearsOfSteel.en.vtt"), film_title("sintel-de.vtt")
    ('TearsOfSteel', 'sintel')
    """
    name = Path(path).name
    stem = name[: -len(Path(name).suffix)] if Path(name).suffix else name
    lang = guess_lang(path)
    if lang and len(stem) > len(lang) + 1:
        return re.sub(r"[._-]$", "", stem[: -len(lang)])
    return stem


@dataclass
class LanguageResult:
    """One target language of a localized film."""

    lang: str
    track: Track
    qc: list[Finding]
    qc_summary: dict
    fixes: list[Finding]
    protection: list[dict]
    term_qa: dict | None
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> dict:
        unresolved = sum(1 for s in self.protection if s["status"] == "unresolved")
        return {"lang": self.lang, "cues": len(self.track.cues), "qc": self.qc_summary,
                "fixes": len(self.fixes), "protected_terms": len(self.protection),
                "unresolved_terms": unresolved, "term_qa": self.term_qa, "outputs": self.outputs,
                "seconds": round(self.seconds, 2)}


@dataclass
class LocalizeResult:
    title: str
    source: IngestResult
    output_dir: Path
    languages: dict[str, LanguageResult] = field(default_factory=dict)
    alignments: list[dict] = field(default_factory=list)
    terms: dict | None = None
    errors: list[dict] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict:
        return {"title": self.title, "source": self.source.summary(),
                "languages": {k: v.summary() for k, v in self.languages.items()},
                "alignments": self.alignments, "terms": self.terms, "errors": self.errors,
                "outputs": self.outputs}


# --- steps ---------------------------------------------------------------------------------------------

def load_glossary_for(path: str | Path | None, lang: str | None):
    if not path:
        return None
    from subpipe.terms.glossary import load_glossary

    return load_glossary(path, lang=lang)


def align_reference(source: Track, reference: str | Path, out_dir: Path, *, glossary=None,
                    profile: str = "netflix") -> dict:
    """Align one reference track with the source; write links.json, TMX, a dual track and the HTML report."""
    from subpipe.align import align_tracks, load_track
    from subpipe.align.export import write_dual, write_links, write_tmx
    from subpipe.align.report import write_report

    ref = load_track(reference)
    pairs = None
    if glossary is not None and ref.lang:
        pairs = [(e.term, t) for e in glossary.entries for t in e.approved(ref.lang)] or None
    alignment = align_tracks(source, ref, glossary=pairs)
    stem = f"{film_title(source.path or 'film')}.{source.lang or 'src'}-{ref.lang or 'ref'}"
    out = out_dir / "align"
    paths = {
        "links": write_links(alignment, out / f"{stem}.links.json"),
        "tmx": write_tmx(alignment, out / f"{stem}.tmx"),
        "dual": write_dual(alignment, out / f"{stem}.dual.ass", profile=profile)[0],
        "report": write_report(alignment, out / f"{stem}.html"),
    }
    links = alignment.to_dict()
    confidences = [lk["confidence"] for lk in links["links"]]
    return {"reference": str(reference), "lang": ref.lang, "links": len(links["links"]),
            "unaligned_source": len(links["unaligned_source"]), "unaligned_target": len(links["unaligned_target"]),
            "mean_confidence": round(sum(confidences) / len(confidences), 3) if confidences else None,
            "transform": links["transform"], "outputs": {k: str(v) for k, v in paths.items()},
            "_alignment": alignment}


def flag_source(source: Track, glossary, out_dir: Path, *, references: Sequence = ()) -> dict:
    """Glossary hits and discovered candidates in the source; term QA of each aligned reference track."""
    from subpipe.terms.flag import flag_track
    from subpipe.terms.report import write_reports

    report = flag_track(source, glossary)
    paths = write_reports(report, out_dir / "terms" / f"{film_title(source.path or 'film')}.{source.lang}")
    result = {"summary": report.summary(), "outputs": {k: str(v) for k, v in paths.items()}, "qa": [],
              "_report": report}
    for ref in references:
        alignment = ref["_alignment"]
        if not alignment.target.lang:
            continue
        qa_report = flag_track(source, glossary, target=alignment.target, links=alignment.to_dict(),
                               discover_candidates=False)
        qa_paths = write_reports(qa_report, out_dir / "terms" /
                                 f"{film_title(source.path or 'film')}.{source.lang}-{alignment.target.lang}.qa")
        result["qa"].append({"reference": ref["reference"], "lang": alignment.target.lang,
                             "summary": qa_report.qa.summary() if qa_report.qa else None,
                             "outputs": {k: str(v) for k, v in qa_paths.items()}})
    return result


def source_sentences(source: Track, lang: str):
    from subpipe.segment import cues_to_sentences

    return cues_to_sentences(source, lang)


def translate_sentences(sentences, source_lang: str, target_lang: str, *, glossary=None, engine=None):
    """Translations of `sentences` (one per sentence) and the protection record of every glossary term."""
    from subpipe.translate import get_engine
    from subpipe.translate.protect import translate_protected

    engine = engine or get_engine()
    texts = [s.text for s in sentences]
    translations, protected = translate_protected(
        texts, glossary.entries if glossary is not None else None, source_lang, target_lang,
        lambda batch: engine.translate_batch(batch, source_lang, target_lang))
    slots = []
    for sentence, p in zip(sentences, protected):
        for slot in p.slots:
            slots.append({**slot.to_dict(), "sentence": sentence.id, "positions": list(sentence.positions),
                          "start_ms": sentence.start_ms, "end_ms": sentence.end_ms})
    return translations, slots


def build_target(source: Track, sentences, translations: Sequence[str], target_lang: str, *,
                 profile: str = "netflix", audience: str = "adult", fps: float | None = None):
    """Translated sentences -> cues of the target language, line-broken and QC-fixed; plus remaining QC."""
    from subpipe.qc import load_profile
    from subpipe.segment import resegment_sentences

    prof = load_profile(profile, lang=target_lang, audience=audience, fps=fps or source.fps)
    done = resegment_sentences(sentences, translations, target_lang, prof, template=source)
    track = done.track
    track.lang = target_lang
    return track, list(done.remaining), list(done.notes) + list(done.fixes), prof


def write_language(source: Track, track: Track, qc: list[Finding], profile, out_dir: Path, *,
                   glossary_report=None, slots: Sequence[dict] = ()) -> tuple[dict[str, str], dict | None]:
    """SRT and WebVTT (ASS when the source was ASS), dual track, QC report, term QA report for one language."""
    from subpipe.align import Alignment, Link, Transform
    from subpipe.align.export import write_dual
    from subpipe.qc import summarize

    title = film_title(source.path or "film")
    lang = track.lang
    formats = ["srt", "vtt"] + (["ass"] if source.format in ("ass", "ssa") else [])
    outputs = {fmt: str(write_track(track, out_dir / f"{title}.{lang}.{fmt}", format=fmt)) for fmt in formats}
    # Output cues keep their source cue's position, so the links between the two are the identity.
    positions = sorted({c.position for c in track.cues})
    shown = {c.position for c in source.cues if not c.comment}
    links = [Link(source=[p], target=[p], confidence=1.0) for p in positions if p in shown]
    alignment = Alignment(source=source, target=track, transform=Transform.identity(source.duration), links=links,
                          unaligned_source=sorted(shown - set(positions)), unaligned_target=[])
    outputs["dual"] = str(write_dual(alignment, out_dir / f"{title}.{source.lang}+{lang}.ass",
                                     profile=profile.name if hasattr(profile, "name") else "netflix")[0])
    qc_rows = {"summary": summarize(track, qc), "findings": [f.to_dict() for f in qc]}
    outputs["qc_json"] = str(write_json(out_dir / "reports" / f"{title}.{lang}.qc.json", qc_rows))
    outputs["qc_csv"] = str(write_findings_csv(out_dir / "reports" / f"{title}.{lang}.qc.csv", qc))
    if slots:
        outputs["protection"] = str(write_json(out_dir / "reports" / f"{title}.{lang}.protected-terms.json",
                                               list(slots)))
    term_qa = None
    if glossary_report is not None:
        from subpipe.terms.flag import flag_track
        from subpipe.terms.report import write_reports

        qa_report = flag_track(source, glossary_report.glossary, target=track,
                               links=alignment.to_dict(), target_lang=lang, discover_candidates=False)
        paths = write_reports(qa_report, out_dir / "reports" / f"{title}.{lang}.terms")
        outputs.update({f"terms_{k}": str(v) for k, v in paths.items()})
        term_qa = qa_report.qa.summary() if qa_report.qa else None
    return outputs, term_qa


def localize_language(source: Track, sentences, target_lang: str, out_dir: Path, *, glossary=None,
                      glossary_report=None, profile: str = "netflix", audience: str = "adult",
                      fps: float | None = None, engine=None) -> LanguageResult:
    """Translate, re-segment, QC and write one target language."""
    t0 = time.perf_counter()
    translations, slots = translate_sentences(sentences, source.lang, target_lang, glossary=glossary,
                                              engine=engine)
    track, qc, fixes, prof = build_target(source, sentences, translations, target_lang, profile=profile,
                                          audience=audience, fps=fps)
    outputs, term_qa = write_language(source, track, qc, prof, out_dir, glossary_report=glossary_report,
                                      slots=slots)
    from subpipe.qc import summarize

    return LanguageResult(lang=target_lang, track=track, qc=qc, qc_summary=summarize(track, qc), fixes=fixes,
                          protection=slots, term_qa=term_qa, outputs=outputs,
                          seconds=time.perf_counter() - t0)


def summary_markdown(result: LocalizeResult) -> str:
    s = result.source.summary()
    lines = [f"# {result.title}: {s['lang']} -> {', '.join(result.languages) or 'nothing'}", "",
             f"Source `{Path(s['path']).name}`: {s['cues']} cues, {s['format']}, {s['encoding']}; "
             f"QC pass {s['qc']['pass_rate']:.0%}.", ""]
    rows = []
    for lang, lr in result.languages.items():
        ls = lr.summary()
        qa = ls["term_qa"] or {}
        rows.append({"language": lang, "cues": ls["cues"], "QC pass": f"{ls['qc']['pass_rate']:.0%}",
                     "QC findings": ls["qc"]["findings"], "fixes": ls["fixes"],
                     "protected terms": ls["protected_terms"], "unresolved": ls["unresolved_terms"],
                     "term QA ok": f"{qa.get('passed', 0)}/{qa.get('checked', 0)}" if qa else "-",
                     "seconds": ls["seconds"]})
    lines.append(markdown_table(rows))
    if result.alignments:
        lines += ["## Reference tracks", "", markdown_table([
            {"reference": Path(a["reference"]).name, "lang": a["lang"], "links": a["links"],
             "unaligned src/ref": f"{a['unaligned_source']}/{a['unaligned_target']}",
             "mean confidence": a["mean_confidence"]} for a in result.alignments])]
    if result.terms:
        ts = result.terms["summary"]
        lines += ["## Terms", "", "```", *(f"{k}: {v}" for k, v in ts.items() if not isinstance(v, dict)), "```"]
    if result.errors:
        lines += ["## Errors", "", markdown_table(result.errors)]
    lines += ["", f"Outputs in `{result.output_dir}`."]
    return "\n".join(lines) + "\n"


def write_summary(result: LocalizeResult) -> dict[str, str]:
    data = _public(result.summary())
    md = write_text_atomic(result.output_dir / "summary.md", summary_markdown(result))
    js = write_json(result.output_dir / "summary.json", data)
    result.outputs.update({"summary_md": str(md), "summary_json": str(js)})
    return result.outputs


def _public(value):
    """Drop the in-memory objects (keys starting with '_') from a summary before it is written."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list):
        return [_public(v) for v in value]
    return value


def localize_film(source: str | Path, target_languages: Sequence[str], *, reference_tracks: Sequence = (),
                  glossary: str | Path | None = None, profile: str = "netflix", audience: str = "adult",
                  output_dir: str | Path = "out", fps: float | None = None, engine=None,
                  progress: Progress | None = None) -> LocalizeResult:
    """The whole job in one call (the flow runs the same steps as tasks)."""
    def step(name: str, n: int, total: int) -> None:
        if progress:
            progress(name, n, total)

    total = 3 + len(target_languages)
    step("ingest", 0, total)
    ingested = ingest_file(source, profile=profile, fps=fps, audience=audience)
    src = ingested.track
    if not src.lang:
        raise SubpipeError("the source language is unknown: name the file Title.lang.ext", path=str(source),
                           code="no-language")
    title = film_title(source)
    out = Path(output_dir) / title
    result = LocalizeResult(title=title, source=ingested, output_dir=out)
    gloss = load_glossary_for(glossary, src.lang)
    step("align", 1, total)
    for ref in reference_tracks:
        try:
            result.alignments.append(align_reference(src, ref, out, glossary=gloss, profile=profile))
        except SubpipeError as exc:
            result.errors.append({"step": "align", "path": str(ref), "error": str(exc)})
    step("terms", 2, total)
    terms = flag_source(src, gloss, out, references=result.alignments) if gloss is not None else None
    result.terms = terms
    sentences = source_sentences(src, src.lang)
    for n, lang in enumerate(target_languages, 3):
        step(f"translate {lang}", n, total)
        result.languages[lang] = localize_language(
            src, sentences, lang, out, glossary=gloss, glossary_report=terms["_report"] if terms else None,
            profile=profile, audience=audience, fps=fps, engine=engine)
    step("write", total, total)
    write_summary(result)
    return result
