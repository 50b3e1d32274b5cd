"""What an alignment is written as: links.json, TMX 1.4 for CAT tools, and dual-language tracks.

- ``links.json``: `Alignment.to_dict` (DESIGN.md's schema), written atomically by `write_links`.
- TMX 1.4 (`tmx_document`, `write_tmx`): one translation unit per link; each language's variant holds
  the cue positions and their timecodes as ``<prop>`` elements (``x-positions``, ``x-start``,
  ``x-end``), the unit its link type and confidence, so a translation memory remembers where in the
  film each segment came from.
- Dual-language tracks (`dual_track`, `write_dual`): one event per link on the source's clock, source
  text above target text, each language re-wrapped within its own QC profile's line length. SRT and
  WebVTT get the two languages as lines of one cue; ASS gets two styles (``Source`` above, ``Target``
  below in another colour) switched inside one event with ``{\\rTarget}``, so both share in and out
  times by construction, and the script says its resolution (``PlayResX``/``PlayResY``: the source
  script's, else 1920x1080, styles sized for it; without them libass assumes 384x288). A language that
  needs more lines than its profile allows is kept whole and reported as a finding on the track.
  Each cue with both halves says which line is in which language (`Cue.line_langs`: the source's
  language for the lines above, the target's below), and an ASS dual track read back gets them again
  from its ``{\\rTarget}`` switch (`dual_line_langs`), so that QC (`subpipe.qc.check_track` with
  ``dual=True``) holds each half to its own language's rules.
"""

import dataclasses
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import pysubs2

from subpipe.cues import Cue, Track, escape_text, format_timecode
from subpipe.errors import Finding
from subpipe.formats.ass import DEFAULT_PLAY_RES, play_res, scaled_style

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SOURCE_STYLE = "Source"
TARGET_STYLE = "Target"
TARGET_SWITCH = "{\\r" + TARGET_STYLE + "}"  # where an ASS dual cue's translation starts


def write_links(alignment, path: str | os.PathLike) -> Path:
    """links.json (DESIGN.md's schema) for `alignment`, written atomically."""
    return alignment.write_json(path)


# ------------------------------------------------------------------------------------------------ TMX


def _plain(cues: list[Cue]) -> str:
    return " ".join(" ".join(c.plain.split()) for c in cues)


def _tuv(parent: ET.Element, lang: str, cues: list[Cue]) -> None:
    tuv = ET.SubElement(parent, "tuv", {XML_LANG: lang})
    for kind, value in (
        ("x-positions", ",".join(str(c.position) for c in cues)),
        ("x-start", format_timecode(min(c.start for c in cues), ".")),
        ("x-end", format_timecode(max(c.end for c in cues), ".")),
    ):
        ET.SubElement(tuv, "prop", {"type": kind}).text = value
    ET.SubElement(tuv, "seg").text = _plain(cues)


def tmx_document(alignment) -> str:
    """The alignment as a TMX 1.4 document (UTF-8 text), one ``<tu>`` per link.

    Segment text is the cues' plain text (markup removed, lines joined by spaces); timecodes are
    each track's own (the target's before re-timing).
    """
    from subpipe import __version__

    src_lang = alignment.source.lang or "und"
    tgt_lang = alignment.target.lang or "und"
    root = ET.Element("tmx", {"version": "1.4"})
    ET.SubElement(
        root,
        "header",
        {
            "creationtool": "subpipe",
            "creationtoolversion": __version__,
            "datatype": "plaintext",
            "segtype": "block",
            "adminlang": "en",
            "srclang": src_lang,
            "o-tmf": "subpipe links.json",
        },
    )
    body = ET.SubElement(root, "body")
    src = alignment.source.by_position()
    tgt = alignment.target.by_position()
    for n, link in enumerate(alignment.links, 1):
        tu = ET.SubElement(body, "tu", {"tuid": str(n), "srclang": src_lang})
        ET.SubElement(tu, "prop", {"type": "x-link"}).text = link.kind
        ET.SubElement(tu, "prop", {"type": "x-confidence"}).text = f"{link.confidence:.3f}"
        _tuv(tu, src_lang, [src[p] for p in link.source])
        _tuv(tu, tgt_lang, [tgt[p] for p in link.target])
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_tmx(alignment, path: str | os.PathLike) -> Path:
    from subpipe.fileio import write_text_atomic

    return write_text_atomic(path, tmx_document(alignment))


# --------------------------------------------------------------------------------------- dual tracks


def _profile(name: str, lang: str | None, fps: float | None):
    from subpipe.qc import load_profile

    return load_profile(name, lang=lang, fps=fps)


def wrap_for_profile(plain: str, profile) -> tuple[str, int]:
    """Plain text as escaped markup in balanced lines within the profile's line length; and the count.

    The line count is not capped: a long line is kept whole rather than cut (the caller reports it).

    >>> from subpipe.qc import load_profile
    >>> wrap_for_profile("Hör zu... Hör dem Klang der Maschine zu. Und hör auf deinen Atem.",
    ...                  load_profile("netflix", lang="de"))
    ('Hör zu... Hör dem Klang der Maschine\\nzu. Und hör auf deinen Atem.', 2)
    >>> wrap_for_profile("我们必须马上离开这里，否则他们会找到我们的。", load_profile("netflix", lang="zh"))
    ('我们必须马上离开这里，\\n否则他们会找到我们的。', 2)
    """
    from subpipe.qc import rewrap_text

    text = escape_text(" ".join(plain.split()))
    if not text:
        return "", 0
    wrapped = rewrap_text(text, dataclasses.replace(profile, max_lines=max(profile.max_lines, 99)))
    if wrapped is None:  # a single word longer than a line: keep it as it is
        wrapped = text
    return wrapped, wrapped.count("\n") + 1


def wrap_cues(cues: list[Cue], profiles) -> tuple[str, tuple, object]:
    """The cues of one side of a dual cue wrapped by their own languages (`profiles`: a
    `subpipe.qc.LanguageProfiles`): cues of one language together within that language's line
    length; a dash-line cue whose lines differ (`Cue.line_langs`) line by line, each line a speaker of
    its own; cues of different languages one after the other. Returns the markup, the language of
    each of its lines (`Cue.lang`, None for a cue without one: the track's) and the profile that
    limits its line count (the first cue's)."""
    if not cues:
        return "", (), profiles.profile
    if len({c.lang for c in cues}) == 1 and not any(c.line_langs for c in cues):
        prof = profiles(cues[0].lang)
        text, lines = wrap_for_profile(_plain(cues), prof)
        return text, (cues[0].lang,) * lines, prof
    parts: list[tuple[str, int, str | None]] = []
    for cue in cues:
        lines = cue.plain.split("\n")
        if cue.line_langs and len(cue.line_langs) == len(lines):
            for line, lang, prof in zip(lines, cue.line_langs, profiles.for_lines(cue)):
                parts.append((*wrap_for_profile(line, prof), lang))
        else:
            parts.append((*wrap_for_profile(cue.plain, profiles.for_cue(cue)), cue.lang))
    langs = tuple(lang for _, n, lang in parts for _ in range(n))
    return "\n".join(text for text, n, _ in parts if n), langs, profiles.for_cue(cues[0])


def _dual_styles(height: int = DEFAULT_PLAY_RES[1]) -> dict[str, dict]:
    """The two styles, sized for a script `height` lines high."""
    return {SOURCE_STYLE: scaled_style(height),
            TARGET_STYLE: scaled_style(height, primarycolor=pysubs2.Color(255, 230, 120, 0))}


def _dual_info(langs: str, resolution: tuple[int, int]) -> dict[str, str]:
    return {"Title": f"subpipe dual track ({langs})", "ScriptType": "v4.00+", "PlayResX": str(resolution[0]),
            "PlayResY": str(resolution[1]), "ScaledBorderAndShadow": "yes"}


def dual_track(
    alignment, *, profile: str = "netflix", fps: float | None = None, styles: bool = False
) -> Track:
    """One cue per link on the source's clock: source text above target text.

    Each language is wrapped within its own profile (`profile` resolved for the cue's language, else
    the track's): English at 42 characters per line and Chinese at 16 fit side by side, in a bilingual
    source too (`wrap_cues`: a Chinese cue of an English+Chinese film at 16, dash lines kept apart). With `styles` (for ASS)
    the target part is switched to the ``Target`` style by an inline ``{\\rTarget}``, and the script
    says its resolution (`play_res`: the source script's, else 1920x1080) with styles sized for it.
    """
    from subpipe.qc import LanguageProfiles

    src_profiles = LanguageProfiles(_profile(profile, alignment.source.lang, fps))
    tgt_profiles = LanguageProfiles(_profile(profile, alignment.target.lang, fps))
    src = alignment.source.by_position()
    tgt = alignment.target.by_position()
    cues: list[Cue] = []
    findings: list[Finding] = []
    for link in sorted(alignment.links, key=lambda lk: min(src[p].start for p in lk.source)):
        s_cues = [src[p] for p in link.source]
        t_cues = [tgt[p] for p in link.target]
        start, end = min(c.start for c in s_cues), max(c.end for c in s_cues)
        s_text, s_langs, src_prof = wrap_cues(s_cues, src_profiles)
        t_text, t_langs, tgt_prof = wrap_cues(t_cues, tgt_profiles)
        position = len(cues)
        for lang, lines, prof in (
            (s_cues[0].lang or alignment.source.lang, len(s_langs), src_prof),
            (t_cues[0].lang or alignment.target.lang if t_cues else alignment.target.lang, len(t_langs), tgt_prof),
        ):
            if lines > prof.max_lines:
                findings.append(
                    Finding(
                        "dual-too-many-lines",
                        f"{lang or 'text'} needs {lines} lines of at most "
                        f"{prof.max_chars_per_line:g} {prof.width_unit} ({prof.max_lines} allowed); "
                        "kept whole",
                        position=position,
                        severity="warning",
                        start_ms=start,
                        end_ms=end,
                    )
                )
        # a link without target cues (a cue already in the target language) shows its one line only
        target_part = (TARGET_SWITCH + t_text) if styles and t_text else t_text
        text = "\n".join(part for part in (s_text, target_part) if part)
        # which line is in which language, for QC (a cue shown once has one): each source line its own
        # cue's or line's language (a Chinese cue of an English film is checked as Chinese)
        halves = bool(s_langs) and bool(t_langs)
        cues.append(
            Cue(
                start,
                end,
                text,
                position=position,
                identifier=str(position + 1),
                style=SOURCE_STYLE if styles else None,
                line_langs=tuple(lang or alignment.source.lang or "und" for lang in s_langs)
                + tuple(lang or alignment.target.lang or "und" for lang in t_langs) if halves else None,
            )
        )
    langs = "+".join(lang or "und" for lang in (alignment.source.lang, alignment.target.lang))
    resolution = play_res(alignment.source)
    return Track(
        cues=cues,
        lang=langs,
        fps=fps or alignment.source.fps,
        findings=findings,
        styles=_dual_styles(resolution[1]) if styles else {},
        meta={"info": _dual_info(langs, resolution)} if styles else {},
    )


def write_dual(
    alignment,
    path: str | os.PathLike,
    *,
    profile: str = "netflix",
    fps: float | None = None,
    format: str | None = None,
    limits=None,
) -> tuple[Path, Track]:
    """Write the dual-language track to `path` (format from `format` or the extension); returns it too.
    A format with coarse times (ASS) keeps `limits` when it rounds them, by default `profile`'s for the
    target language (`subpipe.formats._grid.TimingLimits`)."""
    from subpipe.formats import format_for_path, get_format, write_track
    from subpipe.formats._grid import TimingLimits

    fmt = get_format(format) if format else format_for_path(path)
    track = dual_track(alignment, profile=profile, fps=fps, styles=fmt.id in ("ass", "ssa"))
    if limits is None and fmt.coarse_clock:
        limits = TimingLimits.from_profile(_profile(profile, alignment.target.lang, fps))
    return write_track(track, path, format=fmt.id, fps=fps, limits=limits), track


def dual_line_langs(track: Track, source_lang: str, target_lang: str, *, source_langs: Sequence[str] = ()
                    ) -> Track:
    """A dual track read back from an ASS file, each cue with the language of each line (`Cue.line_langs`):
    `source_lang` above the cue's ``{\\rTarget}`` switch, `target_lang` from it on. A cue without the
    switch, or with nothing above it, shows one language (a cue already in the target language): it gets
    none, and is checked as a cue of the track. `source_langs`: the languages of a bilingual source
    (``Title.en+es+de.ass``); each line above the switch gets the one of them `subpipe.langid`'s detector
    reads in it.

    >>> back = dual_line_langs(Track([Cue(0, 1, "Hello,\\nThom.\\n{\\\\rTarget}Hola, Thom."), Cue(2, 3, "Hola.")]), "en", "es")
    >>> [c.line_langs for c in back.cues]
    [('en', 'en', 'es'), None]
    """
    splits = []
    for cue in track.cues:
        lines = cue.text.split("\n")
        splits.append(next((n for n, line in enumerate(lines) if line.lstrip().startswith(TARGET_SWITCH)), 0))
    above = {}
    if len(source_langs) > 1:
        texts = [line for cue, split in zip(track.cues, splits) for line in cue.plain.split("\n")[:split]]
        above = dict(zip(texts, _likeliest(texts, source_langs)))
    cues = []
    for cue, split in zip(track.cues, splits):
        lines = cue.plain.split("\n")
        source = tuple(above.get(line, source_lang) for line in lines[:split]) if above else (source_lang,) * split
        cues.append(cue.copy(line_langs=source + (target_lang,) * (len(lines) - split) if split else None))
    return track.copy(cues=cues)


def _likeliest(texts: Sequence[str], langs: Sequence[str]) -> list[str]:
    """The language of `langs` `subpipe.langid`'s detector reads in each of `texts` (the first for none)."""
    from subpipe.langid import detect_texts, get_detector, primary

    codes = [primary(lang) for lang in langs]
    probs = detect_texts(get_detector(), texts, codes) if texts else []
    return [max(langs, key=lambda lang: p.get(primary(lang), 0.0)) if p else langs[0] for p in probs]


DUAL_TITLE = "subpipe dual track"


def dual_script(track: Track) -> tuple[str, ...] | None:
    """Whether `track` is a dual track as `write_dual` writes it to ASS, and its languages: the script
    title's (``Title: subpipe dual track (en+es)``: ``("en", "es")``), ``()`` for a script that says
    none but has the ``Source`` and ``Target`` styles and a cue switching to ``Target``; None for any
    other track.

    >>> dual_script(Track([], meta={"info": {"Title": "subpipe dual track (en+es)"}}))
    ('en', 'es')
    >>> dual_script(Track([Cue(0, 1, "Hi\\n{\\\\rTarget}Hola")], styles={"Source": {}, "Target": {}}))
    ()
    >>> dual_script(Track([Cue(0, 1, "Hi")], meta={"info": {"Title": "Sintel"}})) is None
    True
    """
    title = str(track.meta.get("info", {}).get("Title", "")).strip()
    if title.startswith(DUAL_TITLE):
        langs = title[len(DUAL_TITLE):].strip().removeprefix("(").removesuffix(")").split("+")
        return tuple(lang for lang in langs if lang and lang != "und") if len(langs) > 1 else ()
    styled = SOURCE_STYLE in track.styles and TARGET_STYLE in track.styles
    if styled and any(TARGET_SWITCH in cue.text for cue in track.cues):
        return ()
    return None


def dual_line_langs_by_text(track: Track, source_lang: str, target_lang: str) -> Track:
    """A dual track without a ``{\\rTarget}`` switch (SRT or WebVTT, as `write_dual` writes them: the
    source's lines above the translation's), each cue of two lines or more with the language of each line:
    the split between the halves that `subpipe.langid`'s detector finds likeliest, source above. A cue
    whose lines all read as one language is left without (`dual_halves` then sees one language)."""
    import math

    from subpipe.langid import detect_texts, get_detector, primary

    codes = [primary(source_lang), primary(target_lang)]
    many = [cue for cue in track.cues if len(cue.plain.strip("\n").split("\n")) > 1]
    lines = [line for cue in many for line in cue.plain.split("\n")]
    probs = iter(detect_texts(get_detector(), lines, codes) if lines else [])
    langs: dict[int, tuple[str, ...]] = {}
    for cue in many:
        n = len(cue.plain.split("\n"))
        src, tgt = zip(*[(math.log(max(p.get(codes[0], 0.0), 1e-6)), math.log(max(p.get(codes[1], 0.0), 1e-6)))
                         for p in (next(probs) for _ in range(n))])
        score, split = max((sum(src[:k]) + sum(tgt[k:]), k) for k in range(n + 1))
        if 0 < split < n:
            langs[id(cue)] = (source_lang,) * split + (target_lang,) * (n - split)
    return track.copy(cues=[cue.copy(line_langs=langs.get(id(cue))) for cue in track.cues])
