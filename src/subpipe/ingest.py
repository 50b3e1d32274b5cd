"""Ingest: read a subtitle file, QC it against a delivery profile, write normalised copies.

This is what `subpipe inspect`, `subpipe ingest` and the `ingest_tracks` flow all call.
"""

import re
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


@dataclass
class IngestResult:
    """A track as read, with the reader's findings and the QC findings against `profile`."""

    track: Track
    profile: object
    qc: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.track.findings + self.qc

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
        }

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "findings": [f.to_dict() for f in self.findings]}


def ingest_file(path: str | Path, *, profile: str = "netflix", lang: str | None = None,
                fps: float | None = None, encoding: str | None = None, audience: str = "adult",
                strict: bool = False) -> IngestResult:
    """Read `path` (any supported format and encoding) and QC it.

    The language comes from `lang`, else from the file name (`Title.lang.ext`); it picks the
    profile's per-language limits. Raises `SubpipeError` for unreadable input; with `strict`, for
    any reader finding that is not informational.
    """
    from subpipe.qc import check_track, load_profile

    lang = lang or guess_lang(path)
    track = read_track(path, fps=fps, encoding=encoding, lang=lang, strict=strict)
    prof = load_profile(profile, lang=track.lang, audience=audience, fps=track.fps or fps)
    return IngestResult(track=track, profile=prof, qc=check_track(track, prof))


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
