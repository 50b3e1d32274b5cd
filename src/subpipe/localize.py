"""The main job: a film's source track (plus reference tracks and a glossary) to delivery-ready tracks.

`localize_film` owns the step sequence and its failure rule; each step is a function of its own, handed
to a `Runner` (`subpipe.runners`): in turn by default (the CLI), as Prefect tasks by the flow:

    check (models, paths, glossary) -> ingest -> [identify languages] -> align (each reference)
    -> flag terms -> [review] -> sentences -> per language: translate (glossary-protected),
    re-segment, QC with fixes, write -> summary.md / summary.json

A bilingual film (``Title.en+zh.ext``, or `spoken_languages`; ``"auto"``/``[]`` finds them) gets its
cues' languages from `subpipe.langid` after ingest (a single-language name without them goes today's
way, unchanged). Each sentence is then translated from its own language (pivoting through English as
the engine routes it), with that language's glossary entries protected; cues already spoken in the
target language and cues without words are kept verbatim. Model routes are checked for every
(spoken language, target) pair: a target no spoken language reaches fails whole, as today; a pair
missing for one spoken language fails only its cues, which are left out of that language's track (a
viewer never sees untranslated dialogue passed off as a translation), named in the summary with
position and timecode (a ``missing-pair`` error, step ``translate zh->en``) and written to
``reports/<Title>.<lang>.untranslated.srt`` for a translator; that language is ``partially
delivered`` and the film ``partially failed``. With `forced_narrative`, ``<Title>.<lang>.forced.srt``
and ``.vtt`` hold the translated cues not spoken in that language (``und`` ones excluded).

The failure rule: bad source input (unreadable, no language, nothing to translate, an unreadable
glossary) raises `SubpipeError` before any work. After that no step raises: each failure is recorded as
a `StepError` (step, path, code, message) and the summary is always written. A film with every language
delivered is ``completed``; with some, ``partially failed`` (the summary says which failed and why);
with none, ``failed``.

Outputs land in ``OUT/<Title>/``: ``<Title>.<lang>.srt|vtt[|ass]`` per target language, a dual-language
track ``<Title>.<src>+<lang>.ass`` (``<src>`` is ``en+zh`` for a bilingual film: the original above the
translation, a cue already in the target language shown once), the QC report and term report per language, the alignment files per
reference track (``align/<Title>.<src>-<lang>.*``; a second reference of the same language gets
``.2``, a third ``.3``, in the order given), and ``summary.md`` / ``summary.json``. The title, the
languages and every name derived from files are made safe and confined to the output folder
(`subpipe.paths`).
"""

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from subpipe.cues import Track, format_timecode
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.fileio import check_input_file, input_file_problem, write_text_atomic
from subpipe.formats import write_track
from subpipe.ingest import IngestResult, QCMode, guess_lang, guess_languages, ingest_file, spoken_from
from subpipe.locales import locale_engine, normalize_locale
from subpipe.paths import confined, safe_lang, safe_name
from subpipe.reports import markdown_table, write_findings_csv, write_json
from subpipe.runners import InTurn, Runner, StepError

Progress = Callable[[str, int, int], None]
Status = Literal["completed", "partially failed", "failed"]


def film_title(path: str | Path) -> str:
    """The film's name from ``Title.lang.ext`` (or ``title-lang.ext``, ``Title.en+zh.ext``), safe as a
    folder name.

    >>> film_title("samples/tears-of-steel/TearsOfSteel.en.vtt"), film_title("sintel-de.vtt")
    ('TearsOfSteel', 'sintel')
    >>> film_title("samples/bilingual/dumplings.en+zh.srt")
    'dumplings'
    >>> film_title("...en.srt")
    Traceback (most recent call last):
    ...
    subpipe.errors.SubpipeError: ...en.srt: film title '..' cannot be a file name (nothing left once made safe)
    """
    name = Path(path).name
    stem = name[: -len(Path(name).suffix)] if Path(name).suffix else name
    lang = "+".join(guess_languages(path))
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
    origins: dict | None = None  # a bilingual film's cues: kept verbatim, translated from which language, failed
    untranslated: list[dict] = field(default_factory=list)  # cues no model could translate (left out)
    mt_faults: dict[str, int] = field(default_factory=dict)  # MT findings (in `qc`) per kind, `subpipe.qc.mt`
    mt_unchecked: dict[str, int] = field(default_factory=dict)  # sentences an MT check could not run on, per check
    profile: str = ""  # the QC profile the track was fixed and checked against

    @property
    def status(self) -> str:
        return "partially delivered" if self.untranslated else "delivered"

    def summary(self) -> dict:
        unresolved = sum(1 for s in self.protection if s["status"] == "unresolved")
        out = {"lang": self.lang, "cues": len(self.track.cues), "qc": self.qc_summary,
               "fixes": len(self.fixes), "protected_terms": len(self.protection),
               "unresolved_terms": unresolved, "term_qa": self.term_qa, "outputs": self.outputs,
               "mt_faults": dict(self.mt_faults), "mt_unchecked": dict(self.mt_unchecked),
               "profile": self.profile, "seconds": round(self.seconds, 2)}
        if self.origins is not None:
            out.update(status=self.status, cues_by_origin=self.origins, untranslated=self.untranslated)
        return out


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
    langid: Any = None  # the `LangIdResult` of a bilingual film (None on the single-language path)
    engine: str = ""  # the translation engine's name (argos, apertium, argos+apertium)
    names: list | None = None  # `FoundName`s protected as do-not-translate; None when protection was off

    @property
    def partial_languages(self) -> dict[str, list[dict]]:
        """Delivered languages with cues no model could translate: those cues, by language."""
        return {lang: lr.untranslated for lang, lr in self.languages.items() if lr.untranslated}

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
        if len(self.languages) == len(self.targets) and not self.partial_languages:
            return "completed"
        return "partially failed" if self.languages else "failed"

    def summary(self) -> dict:
        return {"title": self.title, "status": self.status, "source": self.source.summary(),
                "targets": list(self.targets), "engine": self.engine,
                "protected_names": {"enabled": self.names is not None,
                                    "names": [n.to_dict() for n in self.names or []]},
                "languages": {k: v.summary() for k, v in self.languages.items()},
                "failed_languages": {k: e.to_dict() for k, e in self.failed_languages.items()},
                **({"spoken_languages": spoken_summary(self.langid)} if self.langid is not None else {}),
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
    spoken: list[str] = field(default_factory=list)  # a bilingual film's declared languages
    detect: bool = False  # find the spoken languages from the track
    overrides: dict[int, str] | None = None  # position -> language, staff's calls (`load_overrides`)
    partial: list[StepError] = field(default_factory=list)  # pairs missing for some cues of a language

    @property
    def bilingual(self) -> bool:
        """Whether the cues' languages are identified (langid runs) instead of taken from the name."""
        return bool(self.spoken) or self.detect or bool(self.overrides)


def load_glossary_for(path: str | Path | None, lang: str | None, also: Sequence[str] = ()):
    """The film's glossary; for a bilingual film (`also`: its other languages) a TBX file gives the
    entries of every spoken language (CSV/JSON entries carry their own language, `lang` the default)."""
    if not path:
        return None
    from subpipe.terms.glossary import load_glossary

    gloss = load_glossary(path, lang=lang)
    if also and str(path).lower().endswith((".tbx", ".xml")):
        for other in also:
            gloss.entries += [e for e in load_glossary(path, lang=other).entries if e.language == other]
    return gloss


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
                raise SubpipeError(f"the engine cannot translate {source_lang}->{lang}", code=ErrorCode.MISSING_PAIR)
        except SubpipeError as exc:
            problems.append(StepError(f"localize {lang}", path, exc.code,
                                      f"{source_lang}->{lang}: {exc.message}"))
    return problems


def spoken_routes(spoken: Sequence[str], targets: Sequence[str], engine, path: str
                  ) -> tuple[list[StepError], list[StepError]]:
    """(languages no cue can reach, pairs missing for some cues) of a film speaking `spoken`.

    A target fails whole only when no spoken language reaches it (and none is the target itself: those
    cues are kept verbatim); otherwise each missing pair fails only the cues spoken in its language.
    """
    from subpipe.terms.glossary import same_language

    whole, partial = [], []
    for target in targets:
        others = [lang for lang in spoken if not same_language(lang, target)]
        missing = {lang: p for lang in others for p in missing_routes(lang, [target], engine, path)}
        if missing and len(missing) == len(spoken):
            whole.append(StepError(f"localize {target}", path, "missing-pair",
                                   "; ".join(p.message for p in missing.values())))
        else:
            partial += [replace(p, step=f"translate {lang}->{target}") for lang, p in missing.items()]
    return whole, partial


def bilingual_source(plan: FilmPlan, result: FilmResult, engine) -> tuple[Track, dict[str, list[str]], QCMode | None]:
    """The source with its cues' languages (from `result.langid`), per target the spoken languages no
    model translates into it, and how to QC it (`subpipe.ingest.labelled_mode`: each cue by its language's
    rules; None for a track found to speak one language, which goes the single-language way). The routes
    of the languages found are checked here (recorded in `result.errors`)."""
    from subpipe.ingest import labelled_mode
    langid = result.langid
    src = langid.track
    found = langid.spoken
    known = {e.step for e in result.errors}
    if not any(c.lang for c in src.cues):
        src.lang = (found[0] if found else None) or src.lang or plan.lang
        if src.lang != plan.lang or plan.detect:
            result.errors += [e for e in missing_routes(src.lang, plan.targets, engine, str(plan.source))
                              if e.step not in known]
        return src, {}, None
    src, mode = labelled_mode(langid, plan.spoken, origin="declared" if plan.spoken else "found")
    whole, partial = spoken_routes(found, plan.targets, engine, str(plan.source))
    result.errors += [e for e in whole + partial if e.step not in known]
    skip: dict[str, list[str]] = {}
    for e in partial:
        lang, target = e.step.removeprefix("translate ").split("->")
        skip.setdefault(target, []).append(lang)
    return src, skip, mode


def spoken_tag(plan: FilmPlan, langid) -> str:
    """The film's spoken languages for file names (``en+zh``): declared ones in their order, then found ones."""
    return "+".join([lang for lang in plan.spoken if lang in langid.spoken]
                    + [lang for lang in langid.spoken if lang not in plan.spoken])


def name_untranslated(errors: list[StepError], target: str, rows: Sequence[dict]) -> list[StepError]:
    """`errors` with each missing pair into `target` naming the cues it left out (position, timecode)."""
    out = []
    for e in errors:
        lang = e.step.removeprefix("translate ").split("->")[0]
        if e.step.startswith("translate ") and e.step.endswith(f"->{target}"):
            cues = [r for r in rows if r["lang"] == lang]
            shown = ", ".join(f"#{r['position']} {r['timecode']}" for r in cues[:20])
            more = f" and {len(cues) - 20} more" if len(cues) > 20 else ""
            e = replace(e, message=f"{e.message} -- {len(cues)} {lang} cue(s) left out of the {target} track "
                                   f"(listed in reports/, for a translator): {shown}{more}")
        out.append(e)
    return out


def plan_film(source: str | Path, target_languages: Sequence[str], *, reference_tracks: Sequence = (),
              glossary: str | Path | None = None, output_dir: str | Path = "out", engine=None,
              spoken_languages: Sequence[str] | str | None = None,
              language_overrides: str | Path | dict | None = None) -> FilmPlan:
    """Everything a film needs, checked before any work: a readable source whose name gives a title and
    a language (or ``Title.en+zh`` languages, or `spoken_languages`), safe target languages, a loadable
    glossary and overrides file, readable references and a model route for every target and every
    spoken language (the last two recorded in `problems` and `partial`; the others raise `SubpipeError`).
    """
    from subpipe.translate import get_engine

    engine = locale_engine(engine or get_engine())
    source = Path(source)
    check_input_file(source, "subtitle file")
    title = film_title(source)
    spoken, detect = spoken_from(source, spoken_languages)
    spoken = [safe_lang(s, path=str(source)) for s in spoken]
    named = guess_lang(source)
    if spoken_languages and not spoken and not detect:  # one declared language: the source's
        from subpipe.langid import declared_languages

        named = declared_languages(spoken_languages)[0]
    lang = spoken[0] if spoken else named
    if not lang and not detect:
        raise SubpipeError("the source language is unknown: name the file Title.lang.ext (Title.en+zh.ext for "
                           "a bilingual track)", path=str(source), code=ErrorCode.NO_LANGUAGE)
    lang = safe_lang(lang, path=str(source)) if lang else "und"
    targets = list(dict.fromkeys(safe_lang(normalize_locale(t, what="target language", path=str(source)))
                                 for t in target_languages))
    if not targets:
        raise SubpipeError("no target language given", path=str(source), code=ErrorCode.USAGE)
    out = confined(output_dir, title)
    gloss = load_glossary_for(glossary, lang, spoken[1:])
    overrides = language_overrides
    if overrides is not None and not isinstance(overrides, dict):
        from subpipe.langid import load_overrides

        overrides = load_overrides(overrides)
    problems = [StepError.of("align", r, exc) for r in reference_tracks if (exc := input_file_problem(r))]
    partial: list[StepError] = []
    if spoken:
        whole, partial = spoken_routes(spoken, targets, engine, str(source))
        problems += whole
    elif not detect:  # found languages are checked once langid has found them
        problems += missing_routes(lang, targets, engine, str(source))
    stem_lang = "+".join(spoken) or lang
    return FilmPlan(source, title, lang, out, targets, gloss, reference_stems(title, stem_lang, reference_tracks),
                    problems, spoken, detect, overrides or None, partial)


def refuse_problems(plan: FilmPlan, *, partial_targets: bool = False) -> None:
    """Raise one `SubpipeError` naming the source and every problem of `plan` (strict runs: the CLI). With
    `partial_targets`, not when the only problems are targets without a route while another target has
    one: those fail alone and the run is partially failed (``--to es-ES --to zh-Hant`` delivers es-ES)."""
    unreachable = {p.step.removeprefix("localize ") for p in plan.problems if p.step.startswith("localize ")}
    only_targets = all(p.step.startswith("localize ") for p in plan.problems)
    if not plan.problems or (partial_targets and only_targets and set(plan.targets) - unreachable):
        return
    first = plan.problems[0]
    more = "; ".join(f"{p.path}: {p.message}" for p in plan.problems[1:])
    raise SubpipeError(first.message + (f" (also: {more})" if more else ""),
                       path=first.path or str(plan.source), code=first.code)


# --- steps ---------------------------------------------------------------------------------------------

def ingest_source(source: str | Path, profile: str = "netflix", audience: str = "adult",
                  fps: float | None = None) -> IngestResult:
    """Read and QC the source; refuse a track with nothing to translate (no cue, or no cue with words)."""
    # the cues' languages are the film plan's to call (`identify_source_languages`), not the name's alone
    ingested = ingest_file(source, profile=profile, fps=fps, audience=audience, identify=False)
    shown = [c for c in ingested.track.cues if not c.comment]
    if not any(any(ch.isalnum() for ch in c.plain) for c in shown):
        what = "the track has no cue" if not shown else f"none of its {len(shown)} cues has a word"
        raise SubpipeError(f"nothing to translate: {what}", path=str(source), code=ErrorCode.NOTHING_TO_TRANSLATE)
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
        "report": write_report(alignment, confined(folder, f"{stem}.html"), root=out_dir),
    }
    return AlignmentResult(str(reference), ref.lang, alignment, {k: str(v) for k, v in paths.items()})


def flag_terms(source: Track, glossary, out_dir: Path, title: str,
               references: Sequence[tuple[AlignmentResult, str]] = ()) -> TermsResult:
    """Glossary hits and discovered candidates in the source; term QA of each aligned reference track
    (given with its file stem)."""
    from subpipe.terms.flag import flag_track, reference_qa
    from subpipe.terms.glossary import Glossary
    from subpipe.terms.report import write_reports

    glossary = glossary if glossary is not None else Glossary()
    folder = confined(out_dir, "terms")
    report = flag_track(source, glossary)
    paths = write_reports(report, confined(folder, f"{title}.{source.lang}"))
    result = TermsResult(report, {k: str(v) for k, v in paths.items()})
    for ref, stem in references:
        qa_report = reference_qa(source, glossary, ref.alignment)
        if qa_report is None:
            continue
        qa_paths = write_reports(qa_report, confined(folder, f"{stem}.qa"))
        result.qa.append(TermQAResult(ref.reference, qa_report.target_lang,
                                      qa_report.qa.summary() if qa_report.qa else None,
                                      {k: str(v) for k, v in qa_paths.items()}, qa_report))
    return result


def identify_source_languages(source: Track, languages: Sequence[str] = (), glossary=None,
                              overrides: dict[int, str] | None = None):
    """The spoken language of every cue of a bilingual source (`subpipe.langid.identify_languages`):
    among `languages`, or found from the track when none is given; `overrides` always win."""
    from subpipe.langid import identify_languages

    known = {c.position for c in source.cues}
    unknown = sorted(set(overrides or {}) - known)
    if unknown:
        raise SubpipeError(f"language overrides name positions the track does not have: {unknown[:10]}",
                           path=source.path, code=ErrorCode.INPUT)
    return identify_languages(source, languages=list(languages) or None, glossary=glossary, overrides=overrides)


def spoken_summary(langid) -> dict:
    """The shares of the spoken languages and the calls worth a look (JSON-able)."""
    return {"declared": list(langid.declared), "detector": langid.detector,
            "languages": [share.to_dict() for share in langid.languages],
            "low_confidence": [call.to_dict() for call in langid.low_confidence()]}


def speaks(cue_lang: str, target_lang: str) -> bool:
    """Whether a cue spoken in `cue_lang` is already in `target_lang`, so that its text can be kept (``zh``
    is written as ``zh-Hans`` is, not as ``zh-Hant`` or ``zh-TW``: those cues go through OpenCC)."""
    from subpipe.terms.glossary import same_language

    return same_language(cue_lang, target_lang)


def understood(cue_lang: str, target_lang: str) -> bool:
    """Whether the audience of `target_lang` understands what is spoken in `cue_lang`: `speaks`, or
    the same Chinese language in the other script (Mandarin dialogue is no foreign narrative in zh-Hant,
    though its Simplified subtitles are converted). What a forced narrative leaves out."""
    from subpipe.terms.model import same_spoken_language

    return same_spoken_language(cue_lang, target_lang)


def source_sentences(source: Track, lang: str):
    from subpipe.segment import cues_to_sentences

    return cues_to_sentences(source, lang)


def film_names(source: Track, glossary=None, leave: Sequence[str] = ()):
    """The character names of the source the glossary does not list (`subpipe.translate.names`)."""
    from subpipe.translate.names import find_names

    return find_names(source, source.lang or "und", glossary=glossary, leave=leave)


def left_to_mt(review: ReviewOutcome | None) -> list[str]:
    """The terms staff decided machine translation handles (``ignore``): never frozen as names."""
    return [d.term for d in getattr(review, "decisions", []) if d.action == "ignore"]


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


def tidy_translations(sentences, translations: Sequence[str], target_lang: str, *, profile: str = "netflix",
                      keep_langs: Sequence[str] = ()) -> tuple[list[str], list[Finding]]:
    """`translations` with what MT gets wrong in the target locale's typography put right
    (`subpipe.qc.locale_style.MT_FIXES`: the engine's spacing, "¡ Cut!", "Vale,los", "pasión !"; the
    Spanish opening marks it leaves out), and a ``fix-mt-<name>`` info for each fix that changed a
    sentence, on its first cue, saying what became what. Sentences spoken in a language of `keep_langs`
    were not translated: they stay as written."""
    from subpipe.limits import excerpt
    from subpipe.qc import load_profile
    from subpipe.qc.locale_style import MT_FIXES

    style = load_profile(profile, lang=target_lang).style
    out, found = [], []
    for sentence, text in zip(sentences, translations):
        if sentence.lang not in keep_langs:
            span = f"{format_timecode(sentence.start_ms, '.')} --> {format_timecode(sentence.end_ms, '.')}"
            for name, fix in MT_FIXES.items():
                fixed = fix(text, style, target_lang)
                if fixed != text:
                    found.append(Finding(f"fix-mt-{name}", f"{span} {target_lang} MT {name}: {excerpt(text)} -> "
                                         f"{excerpt(fixed)}", position=sentence.positions[0] if sentence.positions
                                         else None, severity="info", fixed=True, start_ms=sentence.start_ms,
                                         end_ms=sentence.end_ms))
                    text = fixed
        out.append(text)
    return out, found


def translate_by_language(sentences, target_lang: str, *, glossary=None, engine=None, skip: Sequence[str] = ()):
    """A bilingual film's sentences translated each from its own language (`Sentence.lang`) into
    `target_lang`, with that language's glossary entries protected. Sentences already in the target
    language and ``und`` ones are left as they are (kept verbatim); those in a language of `skip` (no
    model) get an empty translation, so their cues leave the track. Returns (translations, slots)."""
    from subpipe.langid import UND

    translations = [s.text for s in sentences]
    slots: list[dict] = []
    groups: dict[str, list[int]] = {}
    for i, s in enumerate(sentences):
        groups.setdefault(s.lang, []).append(i)
    for lang, indices in groups.items():
        if lang == UND or speaks(lang, target_lang):
            continue
        if lang in skip:
            for i in indices:
                translations[i] = ""
            continue
        done, lang_slots = translate_sentences([sentences[i] for i in indices], lang, target_lang,
                                               glossary=glossary, engine=engine)
        for i, text in zip(indices, done):
            translations[i] = text
        slots += lang_slots
    return translations, slots


def build_target(source: Track, sentences, translations: Sequence[str], target_lang: str, *,
                 profile: str = "netflix", audience: str = "adult", fps: float | None = None,
                 keep_langs: Sequence[str] = ()):
    """Translated sentences -> cues of the target language, line-broken and QC-fixed; plus remaining QC.
    Cues spoken in a language of `keep_langs` stay verbatim."""
    from subpipe.qc import LanguageProfiles, check_track, fix_track, load_profile
    from subpipe.qc.locale_style import check_units
    from subpipe.segment import resegment_sentences

    prof = load_profile(profile, lang=target_lang, audience=audience, fps=fps or source.fps)
    done = resegment_sentences(sentences, translations, target_lang, prof, template=source,
                               keep_langs=set(keep_langs))
    # the locale's typography (es-ES « », fr-CA "Quoi?") once the lines are broken; then QC of the track
    # as delivered (typography included, and what a no-break space added does to a line's length), plus
    # the units, which only a check against the source can tell
    profiles = LanguageProfiles(prof)
    track, styled = fix_track(done.track, profiles, ("locale",))
    track.lang = target_lang
    remaining = check_track(track, profiles) + check_units(source, track, prof)
    return track, remaining, list(done.notes) + list(done.fixes) + styled, prof


def foreign_positions(source: Track, target_lang: str, skip: Sequence[str] = ()) -> set[int]:
    """Positions of the source cues with a line not spoken in `target_lang` (``und`` ones left out), and
    translated (a language of `skip`, without a model, was not): what a release in that language shows
    by default (its forced narrative)."""
    out = set()
    for c in source.cues:
        foreign = {lang for lang in spoken_languages_of(source, c) if lang != "und"
                   and not understood(lang, target_lang)}
        if not c.comment and foreign - set(skip):
            out.add(c.position)
    return out


def forced_track(source: Track, track: Track, target_lang: str, skip: Sequence[str] = ()) -> Track:
    """The cues of `track` (a translation of `source`) whose source cue is foreign to `target_lang`; of
    a dash-line cue whose lines differ, only the foreign lines when the lines still match one to one."""
    foreign = foreign_positions(source, target_lang, skip)
    by_position = source.by_position()
    cues = []
    for cue in track.cues:
        if cue.position not in foreign:
            continue
        langs = by_position[cue.position].line_langs
        lines = cue.text.split("\n")
        if langs and len(lines) == len(langs):
            kept = [line for line, lang in zip(lines, langs) if lang != "und" and not understood(lang, target_lang)]
            text = "\n".join(kept) if len(kept) > 1 else re.sub(r"^(\s*(?:<[^>]+>)*)-\s*", r"\1", kept[0])
            cue = cue.copy(text=text)
        cues.append(cue)
    return track.copy(cues=cues)


def write_language(source: Track, track: Track, qc: list[Finding], profile, out_dir: Path, title: str, *,
                   glossary=None, slots: Sequence[dict] = (), forced: bool = False,
                   kept: Sequence[int] = (), source_tag: str | None = None, skip: Sequence[str] = (),
                   formats: Sequence[str] = (), fixes: Sequence[Finding] = ()
                   ) -> tuple[dict[str, str], dict | None, list[Finding], list[Finding]]:
    """SRT and WebVTT (ASS when the source was ASS), dual track, QC report, term QA report for one language;
    with `forced`, the forced-narrative SRT and WebVTT; each of `formats` too (``imsc``: IMSC 1.1 Text
    ``.ttml``, checked by `subpipe.formats.imsc.validate`, its findings in ``reports/...imsc-check.json``).
    Cues at the `kept` positions were already in the target language: the dual track shows them once.
    The QC report (``reports/<Title>.<lang>.qc.json`` / ``.qc.csv``) lists the findings, then each of
    `fixes` (what the QC fixes and MT tidying changed, before -> after, and what they could not change), as
    ``subpipe qc --fix`` reports them. Returns the outputs, the term QA summary, `qc` and `fixes` as
    reported: named in the delivered SRT, with its lines (`in_delivered_file`)."""
    from subpipe.align import Alignment, Link, Transform
    from subpipe.align.export import write_dual
    from subpipe.formats import get_format
    from subpipe.formats._grid import TimingLimits
    from subpipe.qc import summarize

    lang = safe_lang(track.lang)
    limits = TimingLimits.from_profile(profile)  # what ASS's centiseconds must keep of the track's timing
    reports = confined(out_dir, "reports")
    extra_formats = list(formats)
    formats = ["srt", "vtt"] + (["ass"] if source.format in ("ass", "ssa") else [])
    extra_formats = [f for f in extra_formats if f not in formats]
    outputs = {fmt: str(write_track(track, confined(out_dir, f"{title}.{lang}.{fmt}"), format=fmt, limits=limits))
               for fmt in formats}
    outputs.update(write_extra_formats(track, out_dir, reports, title, lang, extra_formats, limits=limits))
    if forced:
        narrative = forced_track(source, track, track.lang, skip)
        outputs.update({f"forced_{fmt}": str(write_track(narrative, confined(out_dir, f"{title}.{lang}.forced.{fmt}"),
                                                         format=fmt)) for fmt in ("srt", "vtt")})
    # Output cues keep their source cue's position, so the links between the two are the identity.
    positions = sorted({c.position for c in track.cues})
    shown = {c.position for c in source.cues if not c.comment}
    links = [Link(source=[p], target=[p], confidence=1.0) for p in positions if p in shown]
    alignment = Alignment(source=source, target=track, transform=Transform.identity(source.duration), links=links,
                          unaligned_source=sorted(shown - set(positions)), unaligned_target=[])
    once = set(kept)
    dual = replace(alignment, links=[replace(lk, target=[]) if lk.source[0] in once else lk for lk in links]) \
        if once else alignment
    # A reviewer compares the dual track with the delivered one: it runs on the delivered clock.
    dual = replace(dual, source=on_delivered_clock(source, track))
    source_tag = "+".join(safe_lang(tag) for tag in (source_tag or source.lang or "und").split("+"))
    outputs["dual"] = str(write_dual(dual, confined(out_dir, f"{title}.{source_tag}+{lang}.ass"),
                                     # by its file: a profile given as a file has no built-in name
                                     profile=getattr(profile, "source", None) or "netflix", limits=limits)[0])
    qc = in_delivered_file(qc, track, outputs["srt"])
    fixes = in_delivered_file(fixes, track, outputs["srt"])
    # what a file whose clock is coarser than milliseconds (ASS centiseconds) could not keep, named in it
    coarse = [fmt for fmt in [*formats, *extra_formats] if fmt in outputs and get_format(fmt).coarse_clock]
    qc = qc + [replace(f, path=Path(outputs[fmt]).name) for fmt in coarse
               for f in get_format(fmt).timing(track, limits=limits).findings]
    qc_rows = {"summary": summarize(track, qc), "findings": [f.to_dict() for f in qc],
               "fixes": [f.to_dict() for f in fixes]}  # as `subpipe qc --fix --json` lists them
    outputs["qc_json"] = str(write_json(confined(reports, f"{title}.{lang}.qc.json"), qc_rows))
    outputs["qc_csv"] = str(write_findings_csv(confined(reports, f"{title}.{lang}.qc.csv"), [*qc, *fixes]))
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
    return outputs, term_qa, qc, fixes


def on_delivered_clock(source: Track, delivered: Track) -> Track:
    """`source` with each cue re-timed to the delivered cues of its position (their first start, last
    end): QC fixes move in and out times, and a dual track must show the times the viewer gets."""
    spans: dict[int, tuple[int, int]] = {}
    for cue in delivered.cues:
        start, end = spans.get(cue.position, (cue.start, cue.end))
        spans[cue.position] = (min(start, cue.start), max(end, cue.end))
    return source.copy(cues=[c.copy(start=spans[c.position][0], end=spans[c.position][1])
                             if c.position in spans else c for c in source.cues])


def in_delivered_file(findings: Sequence[Finding], track: Track, path: str) -> list[Finding]:
    """`findings` on `track` named in its delivered file `path`: its name (the report travels with the
    film's folder, where the file is), and the line where the finding's cue starts there (read back, so
    it is the file's own numbering, not the source's). A finding on no cue of the file keeps no line."""
    from subpipe.formats import read_track

    written = read_track(path, lang=track.lang)
    by_time: dict[tuple[int, int], int] = {}
    by_position: dict[int, int] = {}
    if len(written.cues) == len(track.cues):  # written in order: the n-th cue read is the n-th cue
        for ours, theirs in zip(track.cues, written.cues):
            if theirs.line is not None:
                by_time.setdefault((ours.position, ours.start), theirs.line)
                by_position.setdefault(ours.position, theirs.line)
    return [replace(f, path=Path(path).name, line=by_time.get((f.position, f.start_ms), by_position.get(f.position)))
            for f in findings]


def delivery_formats(formats: Sequence[str]) -> list[str]:
    """The writable format ids of `formats` (ids or extensions: ``ttml`` is IMSC, the format subpipe writes
    for ``.ttml``), or `SubpipeError` naming one it cannot write.

    >>> delivery_formats(["imsc", "ttml", ".srt"])
    ['imsc', 'srt']
    """
    from subpipe.formats import format_for_path, format_ids, get_format

    chosen = []
    for name in formats:
        fmt = get_format(name)
        if not fmt.writable:
            try:
                fmt = format_for_path(f"delivery{fmt.extensions[0]}")
            except SubpipeError:
                writable = ", ".join(f for f in format_ids() if get_format(f).writable)
                raise SubpipeError(f"subpipe cannot deliver {fmt.name}: it reads it only (writable: "
                                   f"{writable})", code=ErrorCode.UNKNOWN_FORMAT) from None
        if fmt.id not in chosen:
            chosen.append(fmt.id)
    return chosen


def write_extra_formats(track: Track, out_dir: Path, reports: Path, title: str, lang: str,
                        formats: Sequence[str], limits=None) -> dict[str, str]:
    """The delivery formats beyond SRT and WebVTT; IMSC with its profile check written beside the reports;
    `limits`, the timing a format with coarse times keeps (`subpipe.formats._grid.TimingLimits`)."""
    from subpipe.formats import get_format
    from subpipe.formats.imsc import write_validated

    outputs: dict[str, str] = {}
    for fmt_id in formats:
        fmt = get_format(fmt_id)
        path = confined(out_dir, f"{title}.{lang}{fmt.extensions[0]}")
        if fmt.id == "imsc":
            written, findings = write_validated(track, path)
            check = {"file": written.name, "profile": "IMSC 1.1 Text",
                     "passed": not any(f.severity == "error" for f in findings),
                     "findings": [f.to_dict() for f in findings]}
            outputs["imsc_check"] = str(write_json(confined(reports, f"{title}.{lang}.imsc-check.json"), check))
        else:
            written = write_track(track, path, format=fmt.id, limits=limits)
        outputs[fmt.id] = str(written)
    return outputs


def cue_origins(source: Track, target_lang: str, skip: Sequence[str] = ()) -> dict:
    """How a bilingual film's cues reach `target_lang`, by each cue's (first speaker's) language: kept
    verbatim (already in it), translated from which language, failed (no model), without words."""
    from subpipe.langid import UND

    origins: dict = {"kept": 0, "translated": {}, "failed": {}, "und": 0}
    for cue in source.cues:
        if cue.comment or not cue.plain.strip():
            continue
        lang = source.cue_lang(cue)
        if lang == UND:
            origins["und"] += 1
        elif speaks(lang, target_lang):
            origins["kept"] += 1
        else:
            bucket = origins["failed" if lang in skip else "translated"]
            bucket[lang] = bucket.get(lang, 0) + 1
    return origins


def untranslated_cues(source: Track, sentences, skip: Sequence[str]) -> list[dict]:
    """The source cues holding a sentence in a language of `skip` (no model): what a translator must do."""
    langs: dict[int, str] = {}
    for s in sentences:
        if s.lang in skip:
            for p in s.positions:
                langs.setdefault(p, s.lang)
    by_position = source.by_position()
    return [{"position": p, "start_ms": by_position[p].start, "end_ms": by_position[p].end,
             "timecode": f"{format_timecode(by_position[p].start, '.')} --> {format_timecode(by_position[p].end, '.')}",
             "lang": lang, "text": by_position[p].plain} for p, lang in sorted(langs.items())]


def write_untranslated(source: Track, rows: Sequence[dict], out_dir: Path, title: str, target_lang: str) -> str:
    """The untranslated source cues as an SRT a translator can fill in (``reports/<Title>.<lang>.untranslated.srt``)."""
    wanted = {r["position"] for r in rows}
    todo = source.copy(cues=[c for c in source.cues if c.position in wanted])
    path = confined(confined(out_dir, "reports"), f"{title}.{safe_lang(target_lang)}.untranslated.srt")
    return str(write_track(todo, path, format="srt"))


def localize_language(source: Track, sentences, target_lang: str, out_dir: Path, title: str, *,
                      glossary=None, term_check: bool = False, profile: str = "netflix", audience: str = "adult",
                      fps: float | None = None, engine=None, bilingual: bool = False, skip: Sequence[str] = (),
                      forced_narrative: bool = False, source_tag: str | None = None,
                      formats: Sequence[str] = (), names: Sequence = ()) -> LanguageResult:
    """Translate, re-segment, QC and write one target language (term QA when `term_check`).

    `names` (`subpipe.translate.names.FoundName`) are protected like the glossary's do-not-translate
    terms and checked by MT QC as names; term QA stays the glossary's.

    `bilingual`: each sentence is translated from its own language, cues already in the target
    language are kept verbatim, and the cues of a language in `skip` (no model reaches the target)
    are left out of the track and listed (`LanguageResult.untranslated`, ``reports/...untranslated.srt``).
    `forced_narrative` also writes ``<Title>.<lang>.forced.srt|vtt`` (`forced_track`); `formats` are
    delivered too (`write_extra_formats`).
    """
    from subpipe.qc import summarize
    from subpipe.qc.mt import count_by_kind, mt_review
    from subpipe.translate.names import with_names

    t0 = time.perf_counter()
    keep: list[str] = []
    rows: list[dict] = []
    protection = with_names(glossary, names)
    if bilingual:
        translations, slots = translate_by_language(sentences, target_lang, glossary=protection, engine=engine,
                                                    skip=skip)
        keep = sorted({s.lang for s in sentences if speaks(s.lang, target_lang)} | {target_lang})
        rows = untranslated_cues(source, sentences, skip)
    else:
        translations, slots = translate_sentences(sentences, source.lang, target_lang, glossary=protection,
                                                  engine=engine)
    translations, tidied = tidy_translations(sentences, translations, target_lang, profile=profile,
                                             keep_langs=keep + (["und"] if bilingual else []))
    track, qc, fixes, prof = build_target(source, sentences, translations, target_lang, profile=profile,
                                          audience=audience, fps=fps, keep_langs=keep)
    fixes = tidied + fixes
    review = mt_review(sentences, translations, track, source.lang or "und", slots=slots, glossary=protection,
                       engine=engine)
    mt = review.findings
    qc = qc + mt
    left_out = {r["position"] for r in rows}
    fixes = [f for f in fixes if not (f.kind == "segment-empty-cue" and f.position in left_out)]
    kept = [c.position for c in source.cues if bilingual and not c.comment
            and all(lang == "und" or speaks(lang, target_lang) for lang in spoken_languages_of(source, c))]
    outputs, term_qa, qc, fixes = write_language(source, track, qc, prof, out_dir, title,
                                                 glossary=glossary if term_check else None, slots=slots,
                                                 forced=forced_narrative, kept=kept, source_tag=source_tag,
                                                 skip=skip, formats=formats, fixes=fixes)
    if rows:
        outputs["untranslated"] = write_untranslated(source, rows, out_dir, title, target_lang)
    return LanguageResult(lang=target_lang, track=track, qc=qc, qc_summary=summarize(track, qc), fixes=fixes,
                          protection=slots, term_qa=term_qa, outputs=outputs,
                          seconds=time.perf_counter() - t0,
                          origins=cue_origins(source, target_lang, skip) if bilingual else None,
                          untranslated=rows, mt_faults=count_by_kind(mt),
                          mt_unchecked=review.unchecked, profile=prof.name)


def spoken_languages_of(source: Track, cue) -> tuple[str, ...]:
    from subpipe.segment.sentences import spoken_languages

    return spoken_languages(cue, source.lang or "und")


# --- the film --------------------------------------------------------------------------------------------

def localize_film(source: str | Path, target_languages: Sequence[str], *, reference_tracks: Sequence = (),
                  glossary: str | Path | None = None, profile: str = "netflix", audience: str = "adult",
                  output_dir: str | Path = "out", fps: float | None = None, engine=None,
                  runner: Runner | None = None, review: Review | None = None, strict: bool = False,
                  progress: Progress | None = None, spoken_languages: Sequence[str] | str | None = None,
                  forced_narrative: bool = False, language_overrides: str | Path | dict | None = None,
                  formats: Sequence[str] = (), partial_targets: bool = False, protect_names: bool = True,
                  profiles: Mapping[str, str] | None = None) -> FilmResult:
    """The whole job for one film; steps go through `runner` (in turn by default).

    A bilingual film (``Title.en+zh.ext``, or `spoken_languages` with two or more languages; ``[]`` or
    ``"auto"`` to find them; `language_overrides`, a file or position -> language, always win) gets
    its cues' languages identified after ingest: each cue is translated from its own language, cues
    already in the target language are kept verbatim, and a language no model translates into a
    target fails only its own cues there (left out, listed; the language is partially delivered).
    `forced_narrative` also writes each language's forced-narrative track (the cues not spoken in it).
    `formats` adds delivery formats to SRT and WebVTT (``imsc``: IMSC 1.1 Text, with its profile check).
    `protect_names` (default): the character names found in the source that the glossary does not list
    are protected as do-not-translate terms (`subpipe.translate.names`); the summary lists them.
    `profiles` gives a target its own QC profile (target -> profile name or file, as `profile`); the
    others, the source's QC and the alignments use `profile`. Each language's summary names its profile.

    Raises `SubpipeError` before any work when the source, the target languages or the glossary are
    unusable, and, when `strict`, when a reference is missing or a target language has no model (with
    `partial_targets` too, only when no target has one: a target without a model among targets with one
    then fails alone, as the CLI wants it, `refuse_problems`). Targets are locales (``es-419``,
    ``zh-Hant``): the engine translates into the most specific language of the locale's fallback chain it
    has (`subpipe.locales.LocaleEngine`), and the delivered files are named with the locale.
    Otherwise never raises: failures are recorded in the result, whose summary is always written.
    With a glossary and no `review` hook, the film's stored review decisions
    (``OUT/<Title>/review/decisions.json``, made in the UI) are applied and nobody is asked.
    """
    from subpipe.translate import get_engine

    t0 = time.perf_counter()
    formats = delivery_formats(formats)  # an unknown or read-only format stops the run before any work
    runner = runner or InTurn()
    engine = locale_engine(engine or get_engine())
    plan = plan_film(source, target_languages, reference_tracks=reference_tracks, glossary=glossary,
                     output_dir=output_dir, engine=engine, spoken_languages=spoken_languages,
                     language_overrides=language_overrides)
    if strict:
        refuse_problems(plan, partial_targets=partial_targets)
    total = 4 + len(plan.targets)

    def step(name: str, n: int) -> None:
        if progress:
            progress(name, n, total)

    step("ingest", 0)
    ingested = runner.submit(ingest_source, str(plan.source), profile, audience, fps).result()
    src = ingested.track
    src.lang = src.lang or plan.lang
    result = FilmResult(plan.title, ingested, plan.output_dir, plan.targets, errors=list(plan.problems),
                        engine=getattr(engine, "name", type(engine).__name__))
    gloss = plan.glossary
    skip: dict[str, list[str]] = {}  # target -> spoken languages no model translates into it
    if plan.bilingual:
        try:
            result.langid = runner.submit(identify_source_languages, src, plan.spoken, gloss,
                                          plan.overrides).result()
            src, skip, mode = bilingual_source(plan, result, engine)
            if mode is not None:  # the source's QC, each cue by its language's rules
                from subpipe.ingest import checked

                result.source = checked(src, mode, profile, audience, fps)
        except Exception as exc:  # nothing can be translated without the cues' languages
            result.errors.append(StepError.of("identify languages", plan.source, exc))
            result.errors += [StepError.of(f"localize {lang}", plan.source, exc) for lang in plan.targets]
    missing = {e.path for e in plan.problems if e.step == "align"}
    failed_langs = {e.step.removeprefix("localize ") for e in result.errors if e.step.startswith("localize ")}
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
    if protect_names and languages:
        result.names = []
        try:
            result.names = runner.submit(film_names, src, gloss, left_to_mt(result.review)).result()
        except Exception as exc:  # the film is still translated, its names unprotected; the summary says so
            result.errors.append(StepError.of("names", plan.source, exc))
    bilingual = result.langid is not None and any(c.lang for c in src.cues)
    futures = {lang: runner.submit(localize_language, src, sentences, lang, plan.output_dir, plan.title,
                                   glossary=gloss, term_check=result.terms is not None,
                                   profile=(profiles or {}).get(lang, profile),
                                   audience=audience, fps=fps, engine=engine, bilingual=bilingual,
                                   skip=skip.get(lang, []), forced_narrative=forced_narrative,
                                   source_tag=spoken_tag(plan, result.langid) if bilingual else None,
                                   formats=formats, names=result.names or [])
               for lang in languages}
    for n, (lang, future) in enumerate(futures.items(), 4):
        step(f"translate {lang}", n)
        try:
            result.languages[lang] = future.result()
            result.errors = name_untranslated(result.errors, lang, result.languages[lang].untranslated)
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
    source_lang = "+".join(result.langid.spoken) if result.langid is not None else s["lang"]  # most cues first
    lines = [f"# {result.title}: {source_lang} -> {', '.join(result.languages) or 'nothing'}"
             f"{status[result.status]}", "",
             f"Source `{Path(s['path']).name}`: {s['cues']} cues, {s['format']}, {s['encoding']}; "
             f"QC pass {s['qc']['pass_rate']:.0%}.", "", names_line(result), ""]
    rows = []
    for lang, lr in result.languages.items():
        ls = lr.summary()
        qa = ls["term_qa"] or {}
        rows.append({"language": lang, "cues": ls["cues"], "QC pass": f"{ls['qc']['pass_rate']:.0%}",
                     "QC findings": ls["qc"]["findings"], "MT faults": sum(ls["mt_faults"].values()),
                     "fixes": ls["fixes"],
                     "protected terms": ls["protected_terms"], "unresolved": ls["unresolved_terms"],
                     "term QA ok": f"{qa.get('passed', 0)}/{qa.get('checked', 0)}" if qa else "-",
                     "seconds": ls["seconds"]})
    lines.append(markdown_table(rows))
    faults = {lang: lr.mt_faults for lang, lr in result.languages.items() if lr.mt_faults}
    if faults:
        lines += ["", "MT faults to look at first (cues listed in each language's QC report): " + "; ".join(
            f"{lang}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()) for lang, counts in faults.items()),
            ""]
    unchecked = {lang: lr.mt_unchecked for lang, lr in result.languages.items() if lr.mt_unchecked}
    if unchecked:
        lines += ["MT checks not run (why: each language's QC report): " + "; ".join(
            f"{lang}: " + ", ".join(f"{kind} on {n} sentences" for kind, n in counts.items())
            for lang, counts in unchecked.items()), ""]
    if result.langid is not None:
        lines += bilingual_markdown(result)
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


def names_line(result: FilmResult) -> str:
    """Which engine translated the film and which names found in it were kept out of MT."""
    if result.names is None:
        kept = "character names found in the film not protected (off)"
    elif result.names:
        kept = "character names kept as written (found in the film, not in the glossary): " + ", ".join(
            f"{n.text} ({len(n.positions)})" for n in result.names)
    else:
        kept = "no character name found in the film beyond the glossary's"
    return f"Engine `{result.engine}`; {kept}."


def bilingual_markdown(result: FilmResult) -> list[str]:
    """The summary's sections on a bilingual film: shares, unsure calls, where each language's cues came
    from, and the cues no model could translate."""
    spoken = spoken_summary(result.langid)
    lines = ["", "## Spoken languages", "", markdown_table(
        [{"language": sh["code"], "cues": sh["cues"], "share": f"{sh['share']:.0%}"} for sh in spoken["languages"]])]
    unsure = spoken["low_confidence"]
    if unsure:
        lines += [f"{len(unsure)} cue(s) identified with low confidence (check, or fix with an overrides file): "
                  + ", ".join(f"#{c['position']} {c['lang']} {c['confidence']:.0%}" for c in unsure[:30])]
    origins = [{"language": lang, "status": lr.status, "kept verbatim": lr.origins["kept"],
                "translated": ", ".join(f"{n} from {k}" for k, n in lr.origins["translated"].items()) or "0",
                "not translated": ", ".join(f"{n} {k}" for k, n in lr.origins["failed"].items()) or "0",
                "without words": lr.origins["und"]}
               for lang, lr in result.languages.items() if lr.origins is not None]
    if origins:
        lines += ["", "## Cues per language", "", markdown_table(origins)]
    for lang, rows in result.partial_languages.items():
        lines += ["", f"## Not translated into {lang} (no model; left out of the track)", "", markdown_table(
            [{"position": r["position"], "time": r["timecode"], "lang": r["lang"], "text": r["text"]}
             for r in rows])]
    return lines


def write_summary(result: FilmResult) -> dict[str, str]:
    md = write_text_atomic(confined(result.output_dir, "summary.md"), summary_markdown(result))
    result.outputs.update({"summary_md": str(md),
                           "summary_json": str(confined(result.output_dir, "summary.json"))})
    write_json(confined(result.output_dir, "summary.json"), result.summary())
    return result.outputs
