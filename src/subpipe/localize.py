"""The main job: a film's source track (plus reference tracks and a glossary) to delivery-ready tracks.

`localize_film` owns the step sequence and its failure rule; each step is a function of its own, handed
to a `Runner` (`subpipe.runners`): in turn by default (the CLI), as Prefect tasks by the flow:

    check (models, paths, glossary) -> ingest -> align (each reference) -> flag terms -> [review]
    -> sentences -> per language: translate (glossary-protected), re-segment, QC with fixes, write
    -> summary.md / summary.json

The failure rule: bad source input (unreadable, no language, nothing to translate, an unreadable
glossary) raises `SubpipeError` before any work. After that no step raises: each failure is recorded as
a `StepError` (step, path, code, message) and the summary is always written. A film with every language
delivered is ``completed``; with some, ``partially failed`` (the summary says which failed and why);
with none, ``failed``.

Outputs land in ``OUT/<Title>/``: ``<Title>.<lang>.srt|vtt[|ass]`` per target language, a dual-language
track ``<Title>.<src>+<lang>.ass``, the QC report and term report per language, the alignment files per
reference track (``align/<Title>.<src>-<lang>.*``; a second reference of the same language gets
``.2``, a third ``.3``, in the order given), and ``summary.md`` / ``summary.json``. The title, the
languages and every name derived from files are made safe and confined to the output folder
(`subpipe.paths`).
"""

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from subpipe.cues import Track
from subpipe.errors import Finding, SubpipeError
from subpipe.fileio import write_text_atomic
from subpipe.formats import write_track
from subpipe.ingest import IngestResult, guess_lang, ingest_file
from subpipe.paths import confined, safe_lang, safe_name
from subpipe.reports import markdown_table, write_findings_csv, write_json
from subpipe.runners import InTurn, Runner, StepError

Progress = Callable[[str, int, int], None]
Status = Literal["completed", "partially failed", "failed"]


def film_title(path: str | Path) -> str:
    """The film's name from ``Title.lang.ext`` (or ``title-lang.ext``), safe as a folder name.

    >>> film_title("samples/tears-of-steel/TearsOfSteel.en.vtt"), film_title("sintel-de.vtt")
    ('TearsOfSteel', 'sintel')
    >>> film_title("...en.srt")
    Traceback (most recent call last):
    ...
    subpipe.errors.SubpipeError: ...en.srt: film title '..' cannot be a file name (nothing left once made safe)
    """
    name = Path(path).name
    stem = name[: -len(Path(name).suffix)] if Path(name).suffix else name
    lang = guess_lang(path)
    if lang and len(stem) > len(lang) + 1:
        stem = re.sub(r"[._-]$", "", stem[: -len(lang)])
    return safe_name(stem, what="film title", path=str(path))


# --- results ---------------------------------------------------------------------------------------------

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
class AlignmentResult:
    """One reference track aligned with the source (the `Alignment` itself kept for term QA)."""

    reference: str
    lang: str | None
    alignment: Any
    outputs: dict[str, str]

    def summary(self) -> dict:
        links = self.alignment.to_dict()
        confidences = [lk["confidence"] for lk in links["links"]]
        return {"reference": self.reference, "lang": self.lang, "links": len(links["links"]),
                "unaligned_source": len(links["unaligned_source"]),
                "unaligned_target": len(links["unaligned_target"]),
                "mean_confidence": round(sum(confidences) / len(confidences), 3) if confidences else None,
                "transform": links["transform"], "outputs": self.outputs}


@dataclass
class TermQAResult:
    """Term QA of one aligned reference track."""

    reference: str
    lang: str
    qa: dict | None
    outputs: dict[str, str]
    report: Any = field(default=None, repr=False)  # the QA FlagReport, where a term review finds conflicts

    def summary(self) -> dict:
        return {"reference": self.reference, "lang": self.lang, "summary": self.qa, "outputs": self.outputs}


@dataclass
class TermsResult:
    """Glossary hits and discovered candidates in the source (`report`), and term QA of references."""

    report: Any
    outputs: dict[str, str]
    qa: list[TermQAResult] = field(default_factory=list)

    def summary(self) -> dict:
        return {"summary": self.report.summary(), "outputs": self.outputs, "qa": [q.summary() for q in self.qa]}


class ReviewOutcome(Protocol):
    """What a term review gives back (`subpipe.terms.review.ReviewOutcome` is one)."""

    glossary: Any

    def summary(self) -> dict: ...


# The review hook: called once, after flagging, with the film's title, its `TermsResult` and the glossary
# (None without one); the outcome's glossary is what protection and term QA use from then on.
Review = Callable[[str, TermsResult, Any], ReviewOutcome]


@dataclass
class FilmResult:
    """Everything one film's run did, and what failed."""

    title: str
    source: IngestResult
    output_dir: Path
    targets: list[str]
    languages: dict[str, LanguageResult] = field(default_factory=dict)
    alignments: list[AlignmentResult] = field(default_factory=list)
    terms: TermsResult | None = None
    review: ReviewOutcome | None = None
    errors: list[StepError] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed_languages(self) -> dict[str, StepError]:
        failed = {}
        for e in self.errors:
            lang = e.step.removeprefix("localize ") if e.step.startswith("localize ") else None
            if lang in self.targets and lang not in self.languages:
                failed.setdefault(lang, e)
        return failed

    @property
    def status(self) -> Status:
        if len(self.languages) == len(self.targets):
            return "completed"
        return "partially failed" if self.languages else "failed"

    def summary(self) -> dict:
        return {"title": self.title, "status": self.status, "source": self.source.summary(),
                "targets": list(self.targets),
                "languages": {k: v.summary() for k, v in self.languages.items()},
                "failed_languages": {k: e.to_dict() for k, e in self.failed_languages.items()},
                "alignments": [a.summary() for a in self.alignments],
                "terms": self.terms.summary() if self.terms else None,
                "review": self.review.summary() if self.review is not None else None,
                "errors": [e.to_dict() for e in self.errors], "outputs": dict(self.outputs),
                "seconds": round(self.seconds, 2)}


# --- checks before any work --------------------------------------------------------------------------------

@dataclass
class FilmPlan:
    """What a film's run will do, decided before any work: title, languages, glossary, routes."""

    source: Path
    title: str
    lang: str
    output_dir: Path
    targets: list[str]
    glossary: Any
    reference_stems: list[tuple[str, str]]
    problems: list[StepError] = field(default_factory=list)


def load_glossary_for(path: str | Path | None, lang: str | None):
    if not path:
        return None
    from subpipe.terms.glossary import load_glossary

    return load_glossary(path, lang=lang)


def reference_stems(title: str, source_lang: str, references: Sequence) -> list[tuple[str, str]]:
    """``(reference, stem)`` of each reference's alignment files: ``Title.src-lang``, then ``.2``, ``.3``
    for further references of the same language (in the order given), so none replaces another.

    >>> [s for _, s in reference_stems("Sintel", "en", ["Sintel.de.vtt", "Sintel.de.srt", "Sintel.fr.srt"])]
    ['Sintel.en-de', 'Sintel.en-de.2', 'Sintel.en-fr']
    """
    seen: dict[str, int] = {}
    stems = []
    for ref in references:
        lang = guess_lang(ref)
        lang = safe_lang(lang) if lang else "ref"
        seen[lang] = seen.get(lang, 0) + 1
        stem = f"{title}.{source_lang}-{lang}" + (f".{seen[lang]}" if seen[lang] > 1 else "")
        stems.append((str(ref), stem))
    return stems


def missing_routes(source_lang: str, targets: Sequence[str], engine, path: str) -> list[StepError]:
    """A `StepError` for each target language no installed model reaches from `source_lang`."""
    route = getattr(engine, "route", None)
    problems = []
    for lang in targets:
        try:
            if route is not None:
                route(source_lang, lang)
            elif source_lang != lang and (source_lang, lang) not in set(engine.pairs()):
                raise SubpipeError(f"the engine cannot translate {source_lang}->{lang}", code="missing-pair")
        except SubpipeError as exc:
            problems.append(StepError(f"localize {lang}", path, exc.code,
                                      f"{source_lang}->{lang}: {exc.message}"))
    return problems


def plan_film(source: str | Path, target_languages: Sequence[str], *, reference_tracks: Sequence = (),
              glossary: str | Path | None = None, output_dir: str | Path = "out", engine=None) -> FilmPlan:
    """Everything a film needs, checked before any work: a readable source whose name gives a title and
    a language, safe target languages, a loadable glossary, readable references and a model route for
    every target (the last two recorded in `problems`; the others raise `SubpipeError`)."""
    source = Path(source)
    if not source.is_file():
        raise SubpipeError("no such file" if not source.exists() else "not a file", path=str(source),
                           code="not-found")
    title = film_title(source)
    lang = guess_lang(source)
    if not lang:
        raise SubpipeError("the source language is unknown: name the file Title.lang.ext", path=str(source),
                           code="no-language")
    lang = safe_lang(lang, path=str(source))
    targets = list(dict.fromkeys(safe_lang(t, path=str(source)) for t in target_languages))
    if not targets:
        raise SubpipeError("no target language given", path=str(source), code="usage")
    out = confined(output_dir, title)
    gloss = load_glossary_for(glossary, lang)
    problems = [StepError("align", str(r), "not-found", "no such file") for r in reference_tracks
                if not Path(r).is_file()]
    problems += missing_routes(lang, targets, engine, str(source))
    return FilmPlan(source, title, lang, out, targets, gloss, reference_stems(title, lang, reference_tracks),
                    problems)


def refuse_problems(plan: FilmPlan) -> None:
    """Raise one `SubpipeError` naming the source and every problem of `plan` (strict runs: the CLI)."""
    if not plan.problems:
        return
    first = plan.problems[0]
    more = "; ".join(f"{p.path}: {p.message}" for p in plan.problems[1:])
    raise SubpipeError(first.message + (f" (also: {more})" if more else ""),
                       path=first.path or str(plan.source), code=first.code)


# --- steps ---------------------------------------------------------------------------------------------

def ingest_source(source: str | Path, profile: str = "netflix", audience: str = "adult",
                  fps: float | None = None) -> IngestResult:
    """Read and QC the source; refuse a track with nothing to translate (no cue, or no cue with words)."""
    ingested = ingest_file(source, profile=profile, fps=fps, audience=audience)
    shown = [c for c in ingested.track.cues if not c.comment]
    if not any(any(ch.isalnum() for ch in c.plain) for c in shown):
        what = "the track has no cue" if not shown else f"none of its {len(shown)} cues has a word"
        raise SubpipeError(f"nothing to translate: {what}", path=str(source), code="nothing-to-translate")
    return ingested


def align_reference(source: Track, reference: str | Path, out_dir: Path, stem: str, *, glossary=None,
                    profile: str = "netflix") -> AlignmentResult:
    """Align one reference track with the source; write links.json, TMX, a dual track and the HTML report."""
    from subpipe.align import align_tracks, load_track
    from subpipe.align.export import write_dual, write_links, write_tmx
    from subpipe.align.report import write_report

    ref = load_track(reference)
    # Anchors: the glossary's source terms with their approved renderings in the reference's language.
    alignment = align_tracks(source, ref, glossary=glossary)
    folder = confined(out_dir, "align")
    paths = {
        "links": write_links(alignment, confined(folder, f"{stem}.links.json")),
        "tmx": write_tmx(alignment, confined(folder, f"{stem}.tmx")),
        "dual": write_dual(alignment, confined(folder, f"{stem}.dual.ass"), profile=profile)[0],
        "report": write_report(alignment, confined(folder, f"{stem}.html")),
    }
    return AlignmentResult(str(reference), ref.lang, alignment, {k: str(v) for k, v in paths.items()})


def flag_terms(source: Track, glossary, out_dir: Path, title: str,
               references: Sequence[tuple[AlignmentResult, str]] = ()) -> TermsResult:
    """Glossary hits and discovered candidates in the source; term QA of each aligned reference track
    (given with its file stem)."""
    from subpipe.terms.flag import flag_track
    from subpipe.terms.glossary import Glossary
    from subpipe.terms.report import write_reports

    glossary = glossary if glossary is not None else Glossary()
    folder = confined(out_dir, "terms")
    report = flag_track(source, glossary)
    paths = write_reports(report, confined(folder, f"{title}.{source.lang}"))
    result = TermsResult(report, {k: str(v) for k, v in paths.items()})
    for ref, stem in references:
        alignment = ref.alignment
        if not alignment.target.lang:
            continue
        qa_report = flag_track(source, glossary, target=alignment.target, links=alignment.to_dict(),
                               discover_candidates=False)
        qa_paths = write_reports(qa_report, confined(folder, f"{stem}.qa"))
        result.qa.append(TermQAResult(ref.reference, alignment.target.lang,
                                      qa_report.qa.summary() if qa_report.qa else None,
                                      {k: str(v) for k, v in qa_paths.items()}, qa_report))
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


def write_language(source: Track, track: Track, qc: list[Finding], profile, out_dir: Path, title: str, *,
                   glossary=None, slots: Sequence[dict] = ()) -> tuple[dict[str, str], dict | None]:
    """SRT and WebVTT (ASS when the source was ASS), dual track, QC report, term QA report for one language."""
    from subpipe.align import Alignment, Link, Transform
    from subpipe.align.export import write_dual
    from subpipe.qc import summarize

    lang = safe_lang(track.lang)
    reports = confined(out_dir, "reports")
    formats = ["srt", "vtt"] + (["ass"] if source.format in ("ass", "ssa") else [])
    outputs = {fmt: str(write_track(track, confined(out_dir, f"{title}.{lang}.{fmt}"), format=fmt))
               for fmt in formats}
    # Output cues keep their source cue's position, so the links between the two are the identity.
    positions = sorted({c.position for c in track.cues})
    shown = {c.position for c in source.cues if not c.comment}
    links = [Link(source=[p], target=[p], confidence=1.0) for p in positions if p in shown]
    alignment = Alignment(source=source, target=track, transform=Transform.identity(source.duration), links=links,
                          unaligned_source=sorted(shown - set(positions)), unaligned_target=[])
    outputs["dual"] = str(write_dual(alignment, confined(out_dir, f"{title}.{source.lang}+{lang}.ass"),
                                     profile=profile.name if hasattr(profile, "name") else "netflix")[0])
    qc_rows = {"summary": summarize(track, qc), "findings": [f.to_dict() for f in qc]}
    outputs["qc_json"] = str(write_json(confined(reports, f"{title}.{lang}.qc.json"), qc_rows))
    outputs["qc_csv"] = str(write_findings_csv(confined(reports, f"{title}.{lang}.qc.csv"), qc))
    if slots:
        outputs["protection"] = str(write_json(confined(reports, f"{title}.{lang}.protected-terms.json"),
                                               list(slots)))
    term_qa = None
    if glossary is not None:
        from subpipe.terms.flag import flag_track
        from subpipe.terms.report import write_reports

        qa_report = flag_track(source, glossary, target=track, links=alignment.to_dict(), target_lang=lang,
                               discover_candidates=False)
        paths = write_reports(qa_report, confined(reports, f"{title}.{lang}.terms"))
        outputs.update({f"terms_{k}": str(v) for k, v in paths.items()})
        term_qa = qa_report.qa.summary() if qa_report.qa else None
    return outputs, term_qa


def localize_language(source: Track, sentences, target_lang: str, out_dir: Path, title: str, *,
                      glossary=None, term_check: bool = False, profile: str = "netflix", audience: str = "adult",
                      fps: float | None = None, engine=None) -> LanguageResult:
    """Translate, re-segment, QC and write one target language (term QA when `term_check`)."""
    from subpipe.qc import summarize

    t0 = time.perf_counter()
    translations, slots = translate_sentences(sentences, source.lang, target_lang, glossary=glossary,
                                              engine=engine)
    track, qc, fixes, prof = build_target(source, sentences, translations, target_lang, profile=profile,
                                          audience=audience, fps=fps)
    outputs, term_qa = write_language(source, track, qc, prof, out_dir, title,
                                      glossary=glossary if term_check else None, slots=slots)
    return LanguageResult(lang=target_lang, track=track, qc=qc, qc_summary=summarize(track, qc), fixes=fixes,
                          protection=slots, term_qa=term_qa, outputs=outputs,
                          seconds=time.perf_counter() - t0)


# --- the film --------------------------------------------------------------------------------------------

def localize_film(source: str | Path, target_languages: Sequence[str], *, reference_tracks: Sequence = (),
                  glossary: str | Path | None = None, profile: str = "netflix", audience: str = "adult",
                  output_dir: str | Path = "out", fps: float | None = None, engine=None,
                  runner: Runner | None = None, review: Review | None = None, strict: bool = False,
                  progress: Progress | None = None) -> FilmResult:
    """The whole job for one film; steps go through `runner` (in turn by default).

    Raises `SubpipeError` before any work when the source, the target languages or the glossary are
    unusable, and, when `strict`, when a reference is missing or a target language has no model.
    Otherwise never raises: failures are recorded in the result, whose summary is always written.
    With a glossary and no `review` hook, the film's stored review decisions
    (``OUT/<Title>/review/decisions.json``, made in the UI) are applied and nobody is asked.
    """
    from subpipe.translate import get_engine

    t0 = time.perf_counter()
    runner = runner or InTurn()
    engine = engine or get_engine()
    plan = plan_film(source, target_languages, reference_tracks=reference_tracks, glossary=glossary,
                     output_dir=output_dir, engine=engine)
    if strict:
        refuse_problems(plan)
    total = 4 + len(plan.targets)

    def step(name: str, n: int) -> None:
        if progress:
            progress(name, n, total)

    step("ingest", 0)
    ingested = runner.submit(ingest_source, str(plan.source), profile, audience, fps).result()
    src = ingested.track
    src.lang = src.lang or plan.lang
    result = FilmResult(plan.title, ingested, plan.output_dir, plan.targets, errors=list(plan.problems))
    missing = {e.path for e in plan.problems if e.step == "align"}
    failed_langs = {e.step.removeprefix("localize ") for e in plan.problems if e.step.startswith("localize ")}
    gloss = plan.glossary
    if review is None and gloss is not None:
        from subpipe.terms.review import reuse_decisions

        review = reuse_decisions(output_dir, plan.targets)

    step("align", 1)
    pending = [(ref, stem, runner.submit(align_reference, src, ref, plan.output_dir, stem, glossary=gloss,
                                         profile=profile))
               for ref, stem in plan.reference_stems if ref not in missing]
    aligned = []
    for ref, stem, future in pending:
        try:
            aligned.append((future.result(), stem))
        except Exception as exc:  # one bad reference fails alone
            result.errors.append(StepError.of("align", ref, exc))
    result.alignments = [a for a, _ in aligned]

    step("terms", 2)
    if gloss is not None or review is not None:
        try:
            result.terms = runner.submit(flag_terms, src, gloss, plan.output_dir, plan.title, aligned).result()
        except Exception as exc:
            result.errors.append(StepError.of("flag terms", glossary, exc))
    if review is not None and result.terms is not None:
        try:
            result.review = review(plan.title, result.terms, gloss)
            gloss = result.review.glossary
        except Exception as exc:
            result.errors.append(StepError.of("review", glossary, exc))

    step("sentences", 3)
    try:
        sentences = runner.submit(source_sentences, src, src.lang).result()
        languages = [lang for lang in plan.targets if lang not in failed_langs]
    except Exception as exc:  # no language can be translated; the summary still says why
        result.errors.append(StepError.of("sentences", plan.source, exc))
        result.errors += [StepError.of(f"localize {lang}", plan.source, exc) for lang in plan.targets
                          if lang not in failed_langs]
        sentences, languages = [], []
    futures = {lang: runner.submit(localize_language, src, sentences, lang, plan.output_dir, plan.title,
                                   glossary=gloss, term_check=result.terms is not None, profile=profile,
                                   audience=audience, fps=fps, engine=engine)
               for lang in languages}
    for n, (lang, future) in enumerate(futures.items(), 4):
        step(f"translate {lang}", n)
        try:
            result.languages[lang] = future.result()
        except Exception as exc:  # one language fails alone; the summary says which and why
            result.errors.append(StepError.of(f"localize {lang}", plan.source, exc))
    step("summary", total)
    result.seconds = time.perf_counter() - t0
    write_summary(result)
    return result


# --- summary ----------------------------------------------------------------------------------------------

def summary_markdown(result: FilmResult) -> str:
    s = result.source.summary()
    status = {"completed": "", "partially failed": " (**partially failed**)", "failed": " (**failed**)"}
    lines = [f"# {result.title}: {s['lang']} -> {', '.join(result.languages) or 'nothing'}"
             f"{status[result.status]}", "",
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
    if result.failed_languages:
        lines += ["## Languages not delivered", "", markdown_table(
            [{"language": lang, "error": e.code, "why": e.message} for lang, e in result.failed_languages.items()])]
    if result.alignments:
        lines += ["## Reference tracks", "", markdown_table([
            {"reference": Path(a["reference"]).name, "lang": a["lang"], "links": a["links"],
             "unaligned src/ref": f"{a['unaligned_source']}/{a['unaligned_target']}",
             "mean confidence": a["mean_confidence"]} for a in (r.summary() for r in result.alignments)])]
    if result.terms:
        ts = result.terms.report.summary()
        lines += ["## Terms", "", "```", *(f"{k}: {v}" for k, v in ts.items() if not isinstance(v, dict)), "```"]
    if result.review is not None:
        lines += ["## Term review", "", "```", *(f"{k}: {v}" for k, v in result.review.summary().items()
                                                 if not isinstance(v, (dict, list))), "```"]
    if result.errors:
        lines += ["## Errors", "", markdown_table([e.to_dict() for e in result.errors])]
    lines += ["", f"Outputs in `{result.output_dir}`."]
    return "\n".join(lines) + "\n"


def write_summary(result: FilmResult) -> dict[str, str]:
    md = write_text_atomic(confined(result.output_dir, "summary.md"), summary_markdown(result))
    result.outputs.update({"summary_md": str(md),
                           "summary_json": str(confined(result.output_dir, "summary.json"))})
    write_json(confined(result.output_dir, "summary.json"), result.summary())
    return result.outputs
