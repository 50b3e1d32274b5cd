"""Ingest: read a subtitle file, QC it against a delivery profile, write normalised copies.

This is what `subpipe inspect`, `subpipe ingest` and the `ingest_tracks` flow all call.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import langcodes

from subpipe.cues import Track
from subpipe.errors import Finding, SubpipeError
from subpipe.formats import read_track, write_track

# `Title.lang.ext` (the drop-folder convention) or `title-lang.ext` / `title_lang.ext`; lang is a
# BCP 47 tag such as en, de, pt-BR, zh-Hans, es-419, zh-Hant-TW. Only the last token of the name counts.
_LANG_RE = re.compile(r"(?:^|([._-]))([a-z]{2,3}(?:[-_][A-Z][a-z]{3})?(?:[-_](?:[A-Z]{2}|\d{3}))?)$")
_NOT_LANGUAGES = {"und", "mul", "zxx", "mis"}  # valid codes that name no language


@lru_cache(maxsize=4096)
def is_language_tag(tag: str, *, strict: bool = False) -> bool:
    """Whether `tag` is a BCP 47 tag of a real language (IANA registry, via langcodes): "on" is not,
    nor "und" or a private-use code. `strict` (a tag after a hyphen or underscore, where the name may
    as well end with a hyphenated word) also wants a current ISO 639-1 language, or an ISO 639-2 code
    of one ("eng"): "Film-it" is Italian, "pop-on", "left-tab" and "check-in" are words.

    >>> is_language_tag("it"), is_language_tag("on"), is_language_tag("yue"), is_language_tag("yue", strict=True)
    (True, False, True, False)
    >>> is_language_tag("ger", strict=True), is_language_tag("in", strict=True), is_language_tag("scc", strict=True)
    (True, False, False)
    """
    if not langcodes.tag_is_valid(tag):
        return False
    lang = tag.split("-")[0]
    if lang in _NOT_LANGUAGES or "qaa" <= lang <= "qtz":
        return False
    if not strict:
        return True
    standard = langcodes.standardize_tag(lang)
    if len(lang) == 2:
        return standard == lang  # not a withdrawn code ("in" of "check-in" was Indonesian)
    found = langcodes.Language.get(standard)
    return len(standard) == 2 and lang in (found.to_alpha3(), found.to_alpha3(variant="B"))


def guess_lang(path: str | Path) -> str | None:
    """The language tag written at the end of a file name, if it names a real language.

    >>> guess_lang("ElephantsDream.de.vtt"), guess_lang("sintel-pt.vtt"), guess_lang("Film.zh-Hans.srt")
    ('de', 'pt', 'zh-Hans')
    >>> guess_lang("subtitle.srt") is None, guess_lang("Film.es-419.srt"), guess_lang("Show_ep-101.srt") is None
    (True, 'es-419', True)
    >>> guess_lang("Film.it.srt"), guess_lang("pop-on.scc"), guess_lang("add-on.srt"), guess_lang("Film.yue.srt")
    ('it', None, None, 'yue')
    """
    stem = Path(path).name
    for suffix in Path(path).suffixes[-1:]:
        stem = stem[: -len(suffix)]
    m = _LANG_RE.search(stem)
    if not m or not m.group(1):  # the whole name ("en.srt") is a title, not a tag
        return None
    tag = m.group(2).replace("_", "-")
    return tag if is_language_tag(tag, strict=m.group(1) != ".") else None


_LANGS_RE = re.compile(r"([._-])([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?(?:\+[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)+)$")


def guess_languages(path: str | Path) -> list[str]:
    """The spoken languages a file name declares: ``Title.en+zh.srt`` for a bilingual track, else the
    single language of `guess_lang` (none when the name says nothing).

    >>> guess_languages("Dumplings.en+zh.srt"), guess_languages("Film.pt-BR+en.vtt"), guess_languages("a.de.vtt")
    (['en', 'zh'], ['pt-BR', 'en'], ['de'])
    >>> guess_languages("subtitle.srt"), guess_lang("Dumplings.en+zh.srt"), guess_languages("Film.en+xx.srt")
    ([], None, [])
    """
    name = Path(path).name
    stem = name[: -len(Path(path).suffix)] if Path(path).suffix else name
    m = _LANGS_RE.search(stem)
    if m and all(is_language_tag(tag, strict=m.group(1) != ".") for tag in m.group(2).split("+")):
        return m.group(2).split("+")
    single = guess_lang(path)
    return [single] if single else []


AUTO = "auto"


def spoken_from(source: str | Path, spoken_languages: Sequence[str] | str | None) -> tuple[list[str], bool]:
    """(declared spoken languages of a bilingual film, whether to find them from the track).

    None: the file name decides (``Title.en+zh.ext`` is bilingual; ``Title.en.ext`` is today's
    single-language path); ``[]`` or ``"auto"``: found from the track; one language: the source
    language (single-language path); two or more: declared.

    >>> spoken_from("Dumplings.en+zh.srt", None), spoken_from("Sintel.en.vtt", None)
    ((['en', 'zh'], False), ([], False))
    >>> spoken_from("Sintel.en.vtt", "auto"), spoken_from("x.srt", "en,es"), spoken_from("x.srt", ["de"])
    (([], True), (['en', 'es'], False), ([], False))
    """
    from subpipe.langid import declared_languages

    if spoken_languages is None:
        named = list(declared_languages(guess_languages(source)))
        return (named, False) if len(named) > 1 else ([], False)
    if isinstance(spoken_languages, str) and spoken_languages.strip().lower() == AUTO:
        return [], True
    declared = list(declared_languages(spoken_languages))
    if not declared:
        return [], True
    return (declared, False) if len(declared) > 1 else ([], False)


MODES = ("single", "bilingual", "dual")
ORIGINS = {"file name": ", from the file name", "script info": ", from the ASS script info",
           "declared": ", as declared", "found": ", found in the cues", "file": ", from the file", "none": ""}
DUAL_FIXES = ("gap",)  # a dual track's text holds two languages: only its times are fixed


@dataclass
class QCMode:
    """How QC held a track's cues to languages (`ingest_file` decides it; reports print it).

    - ``single``: every cue by the rules of the track's language (`languages`: it, or none).
    - ``bilingual``: each cue spoken in its own language (``Title.en+es.vtt``, or declared), labelled by
      `subpipe.langid` and held to its language's rules; `languages` are those found with words, most
      cues first, `shares` their cues. A track declared bilingual whose worded cues all speak one
      language is checked as ``single`` in it, and `note` says so.
    - ``dual``: a dual-language review track (`subpipe.align.export`: the source's lines above the
      translation's); `languages` are the source's (two or more for a bilingual source) then the
      target's, each half held to its own language's rules.

    `origin` says where the languages came from: ``file name``, ``declared``, ``script info`` (the
    title of a dual ASS script), ``found`` (from the cues), or ``none``.
    """

    name: str = "single"
    languages: tuple[str, ...] = ()
    origin: str = "none"
    declared: tuple[str, ...] = ()
    shares: tuple[tuple[str, int], ...] = ()
    note: str = ""

    def to_dict(self) -> dict:
        return {"mode": self.name, "languages": list(self.languages), "origin": self.origin,
                "declared": list(self.declared), "cues_by_language": dict(self.shares), "note": self.note}

    def describe(self) -> str:
        """One line for people.

        >>> print(QCMode("bilingual", ("en", "es"), "file name", ("en", "es"), (("en", 40), ("es", 32))).describe())
        bilingual (en+es, from the file name): each cue by its language's rules; en 40 cues, es 32 cues
        >>> print(QCMode("dual", ("en", "es"), "script info").describe())
        dual (en above es, from the ASS script info): each half by its language's rules
        """
        where = ORIGINS.get(self.origin, f", {self.origin}")
        if self.name == "dual":
            *sources, target = self.languages
            text = f"dual ({'+'.join(dict.fromkeys(sources))} above {target}{where}): each half by its language's rules"
        elif self.name == "bilingual":
            counts = ", ".join(f"{lang} {n} cues" for lang, n in self.shares)
            text = f"bilingual ({'+'.join(self.languages)}{where}): each cue by its language's rules; {counts}"
        else:
            text = f"single language ({'+'.join(self.languages) or 'none given'}{where})"
        return text + (f"; {self.note}" if self.note else "")


@dataclass
class IngestResult:
    """A track as read, with the reader's findings and the QC findings against `profile`.

    `mode` says how the cues were held to languages; in a bilingual track each cue of `track` carries
    the language `subpipe.langid` called (`Cue.lang`), in a dual track each line (`Cue.line_langs`).
    """

    track: Track
    profile: object
    qc: list[Finding] = field(default_factory=list)
    mode: QCMode = field(default_factory=QCMode)

    @property
    def findings(self) -> list[Finding]:
        return self.track.findings + self.qc

    def fix(self) -> tuple[Track, list[Finding]]:
        """A fixed copy of the track and what was done: `subpipe.qc.fix_track`'s default fixes, each cue by
        its language's rules; on a dual track its times only, for its translation (`fix_dual_track`)."""
        from subpipe.qc.fixes import fix_dual_track, fix_track

        return (fix_dual_track if self.mode.name == "dual" else fix_track)(self.track, self.profile)

    def check(self, track: Track | None = None) -> list[Finding]:
        """QC findings for `track` (default: the result's own), checked the way this result's mode says."""
        from subpipe.qc import check_track

        dual = self.mode.name == "dual"
        # a dual track's cues hold the source's lines above the translation: no one locale's typography
        return check_track(self.track if track is None else track, self.profile, typography=not dual, dual=dual)

    def summary(self) -> dict:
        from subpipe.qc import summarize

        t = self.track
        kinds: dict[str, int] = {}
        for f in t.findings:
            kinds[f.kind] = kinds.get(f.kind, 0) + 1
        return {
            "path": t.path,
            "format": t.format,
            "encoding": t.encoding,
            "lang": t.lang,
            "cues": len(t.cues),
            "dropped": len(t.dropped()),
            "duration_ms": t.duration,
            "reader_findings": kinds,
            "qc": summarize(t, self.qc),
            "profile": getattr(self.profile, "name", str(self.profile)),
            "qc_mode": self.mode.to_dict(),
        }

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "findings": [f.to_dict() for f in self.findings]}


def ingest_file(path: str | Path, *, profile: str = "netflix", lang: str | None = None,
                fps: float | None = None, encoding: str | None = None, audience: str = "adult",
                strict: bool = False, languages: Sequence[str] | str | None = None,
                dual: bool | None = None, identify: bool = True) -> IngestResult:
    """Read `path` (any supported format and encoding) and QC it.

    The language comes from `lang`, else from the file name (`Title.lang.ext`); it picks the
    profile's per-language limits. Raises `SubpipeError` for unreadable input; with `strict`, for
    any reader finding that is not informational.

    A track may speak several languages (`QCMode`, in `IngestResult.mode`). `languages` (``"en,es"``,
    ``"auto"``, one language: as `spoken_from` reads them), else a ``Title.en+es.ext`` name, make it
    bilingual: its cues are labelled by `subpipe.langid` and each is checked by its language's rules
    (a `lang` given without `languages` says the track is in that one language). `dual` says whether
    it is a dual-language review track (None: found from the file, `subpipe.align.export.dual_script`:
    subpipe's dual ASS, with its languages in the script title); its (source, target) languages come
    from `languages`, else the script, else the file name; each half of a cue is checked by its own.
    """
    declared = spoken_languages_given(languages) if languages is not None else []
    told = lang or (declared[0] if len(declared) == 1 else None)  # the caller says: one language
    track = read_track(path, fps=fps, encoding=encoding, lang=told or guess_lang(path), strict=strict)
    if dual is not False and identify:
        found = dual_mode(track, declared, guess_languages(path), forced=bool(dual))
        if found is not None:
            return checked(*found, profile, audience, fps)
    one_language = not identify or (lang and languages is None)  # `lang` alone: the caller says which
    spoken, detect = ([], False) if one_language else spoken_from(path, languages)
    if spoken or detect:
        track, mode = label_cues(track, spoken, origin="declared" if languages is not None else "file name")
    else:
        origin = ("declared" if told else "file name" if track.lang and track.lang == guess_lang(path)
                  else "file" if track.lang else "none")
        mode = QCMode("single", (track.lang,) if track.lang else (), origin)
    return checked(track, mode, profile, audience, fps)


def spoken_languages_given(languages: Sequence[str] | str) -> list[str]:
    """Languages given by a caller, normalised (``"auto"`` and none: none, the track says)."""
    from subpipe.langid import declared_languages

    if isinstance(languages, str) and languages.strip().lower() == AUTO:
        return []
    return list(declared_languages(languages))


def checked(track: Track, mode: QCMode, profile: str, audience: str, fps: float | None) -> IngestResult:
    """`track` QC'd against `profile` as `mode` says (each cue, or each half, by its language's rules)."""
    from subpipe.qc import load_profile

    prof = load_profile(profile, lang=track.lang, audience=audience, fps=track.fps or fps)
    result = IngestResult(track=track, profile=prof, mode=mode)
    result.qc = result.check()
    return result


def label_cues(track: Track, spoken: Sequence[str], *, origin: str) -> tuple[Track, QCMode]:
    """`track` with the spoken language of every cue (`subpipe.langid.identify_languages` among `spoken`,
    or found when none is given) and its `QCMode`: bilingual when two languages or more have words, else
    single in the one found (the track's language is the first declared one found, else the commonest)."""
    from subpipe.langid import identify_languages

    return labelled_mode(identify_languages(track, languages=list(spoken) or None), spoken, origin=origin)


def labelled_mode(found, spoken: Sequence[str], *, origin: str) -> tuple[Track, QCMode]:
    """`label_cues` from an identification already made (a `subpipe.langid` result of `spoken`)."""
    labelled = found.track
    langs = found.spoken
    counts = tuple((share.code, share.cues) for share in found.languages)
    if spoken and spoken[0] in langs:
        labelled.lang = spoken[0]
    elif langs:
        labelled.lang = langs[0]
    langs = sorted(langs, key=lambda lang: lang != labelled.lang)  # the track's first, then by cues
    origin = origin if spoken else "found"
    if len(langs) > 1:
        return labelled, QCMode("bilingual", tuple(langs), origin, tuple(spoken), counts)
    said = f"declared {'+'.join(spoken)}, but" if spoken else "languages to be found:"
    note = (f"{said} every cue with words is {langs[0]}: checked as one language" if langs
            else f"{said} no cue has words to tell a language by")
    return labelled, QCMode("single", tuple(langs[:1]), origin, tuple(spoken), counts, note)


DUAL_SHARE = 0.5  # of the cues with words: an unmarked track this much of whose cues hold two halves is dual


def dual_mode(track: Track, declared: Sequence[str] | None, named: Sequence[str], *, forced: bool = False
              ) -> tuple[Track, QCMode] | None:
    """A dual-language review track with the language of each line of its cues (`dual_lines`), and its
    `QCMode`; None for a track that is not one.

    A track is dual when the caller says so (`forced`), when its script says so (`dual_script`: subpipe's
    dual ASS), or, unmarked (SRT, WebVTT), when `DUAL_SHARE` of its cues with words read as lines of the
    source's language above lines of the target's. Its (source, target) languages: the `declared` ones,
    else the script title's, else the file name's (``Title.en+es.srt``: the last language is the
    target's, the one before it the source's)."""
    from subpipe.align.export import dual_script
    from subpipe.errors import ErrorCode
    from subpipe.qc.rules import dual_halves, is_empty

    script = dual_script(track)
    candidates = [(declared, "declared"), (script, "script info"), (named, "file name")]
    if script and len(named) > 2 and named[-1] == script[-1] and script[0] in named[:-1]:
        candidates.insert(1, (named, "file name"))  # localize's name lists a bilingual source's languages
    found = next(((tuple(langs), origin) for langs, origin in candidates if langs and len(langs) >= 2), None)
    if found is None:
        if script is None and not forced:
            return None
        raise SubpipeError("a dual-language track needs its two languages: name it Title.src+tgt.ext or declare "
                           "them (source, target)", path=track.path, code=ErrorCode.NO_LANGUAGE)
    languages, origin = found
    labelled = dual_lines(track, languages)
    mode = QCMode("dual", languages, origin, tuple(declared or ()))
    if script is None and not forced:
        worded = [i for i, c in enumerate(track.cues) if not c.comment and not is_empty(c)]
        halves = sum(1 for i in worded if dual_halves(labelled.cues[i]))
        if not worded or halves < DUAL_SHARE * len(worded):
            return None
        mode.note = f"{halves} of {len(worded)} cues read as {languages[0]} lines above {languages[-1]} lines"
    return labelled, mode


def dual_lines(track: Track, languages: Sequence[str]) -> Track:
    """A dual track with the language of each line of its cues (`Cue.line_langs`), and the target's (the
    last of `languages`, the source's before it) as the track's: from the ``{\\rTarget}`` switch of
    subpipe's ASS (a line above it of a bilingual source by its text), else from the text of the lines
    (then the source is taken to speak its first language)."""
    from subpipe.align.export import TARGET_SWITCH, dual_line_langs, dual_line_langs_by_text

    *sources, target = languages
    sources = list(dict.fromkeys(sources))
    if any(TARGET_SWITCH in cue.text for cue in track.cues):
        labelled = dual_line_langs(track, sources[0], target, source_langs=sources)
    else:
        labelled = dual_line_langs_by_text(track, sources[0], target)
    labelled.lang = target
    return labelled


def write_normalised(result: IngestResult, out_dir: str | Path, formats: tuple[str, ...] = ("srt", "vtt"),
                     ) -> list[Path]:
    """Write the track as clean UTF-8 in each of `formats`, plus its JSON report, into `out_dir`."""
    from subpipe.reports import write_json

    out = Path(out_dir)
    src = Path(result.track.path or "track")
    stem = src.name[: -len(src.suffix)] if src.suffix else src.name
    written = []
    for fmt in formats:
        written.append(write_track(result.track, out / f"{stem}.{fmt}", format=fmt))
    written.append(write_json(out / f"{stem}.report.json", result.to_dict()))
    return written


def ingest_error(path: str | Path, exc: Exception) -> dict:
    """The report entry for a file that could not be read: what a batch records and moves on from."""
    if isinstance(exc, SubpipeError):
        return {**exc.to_dict(), "path": exc.path or str(path), "text": str(exc)}
    return {"path": str(path), "error": type(exc).__name__, "message": str(exc), "line": None,
            "text": f"{path}: {type(exc).__name__}: {exc}"}


def write_run_reports(out_dir: str | Path, results: list[IngestResult], errors: list[dict]) -> dict[str, Path]:
    """The reports of a run over many files: ingest.md, ingest.json and findings.csv in `out_dir`."""
    from subpipe.fileio import write_text_atomic
    from subpipe.reports import ingest_markdown, write_findings_csv, write_json

    out = Path(out_dir)
    summaries = [r.summary() for r in results]
    return {
        "markdown": write_text_atomic(out / "ingest.md", ingest_markdown(summaries, errors)),
        "json": write_json(out / "ingest.json", {"tracks": summaries, "errors": errors}),
        "csv": write_findings_csv(out / "findings.csv", [f for r in results for f in r.findings]),
    }
