"""QC rules: every place a track breaks its delivery profile, as findings that name cue and limit.

`check_track` returns one `Finding` per violation, in track order, each with the cue's position,
file line and times, and a message carrying the measured value and the limit. Delivery-rule
violations are warnings; broken timing (a cue ending before it starts, cues overlapping) is an error.

>>> from subpipe.cues import Cue, Track
>>> from subpipe.qc.profiles import load_profile
>>> track = Track([Cue(30800, 34000, "Why don't you just admit that\\nyou're freaked out by my robot hand?",
...                    position=3, line=17)], path="TOS-en.vtt")
>>> for f in check_track(track, load_profile("netflix", lang="en")):
...     print(f)  # doctest: +ELLIPSIS
TOS-en.vtt:17 cue 3: [reading-speed] reading speed 20.3 cps (65 characters in 3200 ms), limit 20 cps; ...

What is checked, on `Cue.plain` (markup removed):

- per cue: ``end-before-start`` (error), ``empty-cue`` (no visible text; nothing else is checked on
  it), ``duration-too-short``, ``duration-too-long``, ``reading-speed`` (not for zero-length cues,
  already reported as too short), ``too-many-lines``, ``line-too-long`` (one finding per line);
- between cues, in time order and skipping empty cues and cues that end before they start:
  ``overlap`` (error) when a cue starts before an earlier one ends, ``gap-too-short`` when it starts
  less than the profile's minimum gap after the latest end so far. Both are reported on the later cue;
- per cue, the typography of its locale: ``locale-quotes``, ``locale-quote-space``, ``locale-punct-space``,
  ``locale-decimal``, ``locale-ellipsis``, ``locale-dialogue-dash`` (`subpipe.qc.locale_style`; the
  profile's ``style`` keys, set for locales such as ``es-ES`` or ``fr-CA``, not for bare ``es``).
  ``locale-script`` (`subpipe.qc.script`): a Chinese cue in the other script than its locale's (Simplified
  characters in a zh-Hant / zh-TW / zh-HK track, Traditional ones in a zh / zh-Hans / zh-CN track).
  ``locale-units`` compares a translation with its source: localize runs it, `check_track` cannot.

A dual-language review track (``dual=True``: each cue the source's lines above the translation, the
language of each line in `Cue.line_langs`, as `subpipe.align.export` writes and reads them) is checked
half by half (`dual_halves`): each half's lines against its own language's line length and lines per
cue, the translation's reading speed (what the viewer of a review track reads) against the target's;
duration and the timing between cues are the whole cue's. A finding on one half names it
(``translation (es): ...``, ``source (en): ...``).
"""

import dataclasses
import math
from collections.abc import Sequence
from typing import TypedDict

from subpipe.cues import Cue, Track, escape_text, format_timecode
from subpipe.errors import Finding, SubpipeError
from subpipe.limits import excerpt
from subpipe.qc.locale_style import check_cue_style
from subpipe.qc.profiles import LanguageProfiles, Profile, _num, language_profiles, lines_with_langs
from subpipe.qc.script import check_cue_script

KINDS = (
    "end-before-start", "empty-cue", "duration-too-short", "duration-too-long", "reading-speed",
    "too-many-lines", "line-too-long", "overlap", "gap-too-short",
)
ERROR_KINDS = frozenset({"end-before-start", "overlap"})


def _tc(ms: int) -> str:
    return format_timecode(ms, ".")


def _finding(kind: str, message: str, cue: Cue, path: str | None) -> Finding:
    return Finding(kind, message, path=path, line=cue.line, position=cue.position,
                   severity="error" if kind in ERROR_KINDS else "warning",
                   start_ms=cue.start, end_ms=cue.end)


def text_lines(cue: Cue) -> list[str]:
    """The lines a viewer sees: `Cue.plain` split at line breaks, blank first/last lines dropped."""
    return cue.plain.strip("\n").split("\n")


def is_empty(cue: Cue) -> bool:
    return not cue.plain.strip()


def line_problems(cue: Cue, profile: Profile, path: str | None = None,
                  line_profiles: Sequence[Profile] | None = None) -> list[Finding]:
    """``too-many-lines`` and ``line-too-long`` findings for one cue; `line_profiles` (one per text
    line, `LanguageProfiles.for_lines`) measure each line by its own language's rules."""
    found = []
    lines = text_lines(cue)
    if len(lines) > profile.max_lines:
        found.append(_finding("too-many-lines", f"{len(lines)} lines, limit {profile.max_lines}", cue, path))
    if line_profiles is not None and len(line_profiles) != len(lines):
        line_profiles = None
    for n, line in enumerate(lines, 1):
        rules = line_profiles[n - 1] if line_profiles else profile
        width = rules.line_width(line)
        if width > rules.max_chars_per_line:
            found.append(_finding(
                "line-too-long", f"text line {n} has {_num(width)} {rules.width_unit}, limit "
                f"{_num(rules.max_chars_per_line)}{f' ({rules.lang})' if line_profiles else ''}: {excerpt(line)}",
                cue, path))
    return found


def mixed_reading_ms(cue: Cue, line_profiles: Sequence[Profile]) -> tuple[int, str]:
    """The time a cue whose lines are in different languages needs: each line at its language's
    reading speed, added up; and how that was counted, for messages.

    >>> from subpipe.qc.profiles import load_profile
    >>> cue = Cue(0, 2000, "- 你好，奶奶。\\n- Hi, Grandma.")
    >>> mixed_reading_ms(cue, [load_profile("netflix", lang="zh"), load_profile("netflix", lang="en")])
    (1589, '8 zh characters at 9 cps + 14 en characters at 20 cps')
    """
    lines = text_lines(cue)
    needed = 0.0
    counted: dict[tuple[str, float], int] = {}
    for line, rules in zip(lines, line_profiles):
        chars = rules.reading_chars(line)
        needed += chars * 1000 / rules.max_cps
        key = (rules.lang or "", rules.max_cps)
        counted[key] = counted.get(key, 0) + chars
    how = " + ".join(f"{n} {lang + ' ' if lang else ''}characters at {_num(cps)} cps"
                     for (lang, cps), n in counted.items())
    return math.ceil(needed - 1e-9), how


def check_cue(cue: Cue, profile: Profile, path: str | None = None,
              line_profiles: Sequence[Profile] | None = None) -> list[Finding]:
    """The rules that look at one cue alone, against `profile` (the profile of the cue's language);
    `line_profiles`, one per text line, when the cue's lines are in different languages."""
    found = []
    if cue.end < cue.start:
        found.append(_finding("end-before-start", f"ends {cue.start - cue.end} ms before it starts "
                              f"({_tc(cue.start)} --> {_tc(cue.end)})", cue, path))
    if is_empty(cue):
        found.append(_finding("empty-cue", "cue has no visible text", cue, path))
        return found
    duration = cue.duration
    if duration >= 0:
        if duration < profile.min_duration_ms:
            found.append(_finding("duration-too-short", f"duration {duration} ms, minimum "
                                  f"{profile.min_duration_ms} ms", cue, path))
        if duration > profile.max_duration_ms:
            found.append(_finding("duration-too-long", f"duration {duration} ms, maximum "
                                  f"{profile.max_duration_ms} ms", cue, path))
        plain = cue.plain
        if line_profiles is not None and len(line_profiles) == len(text_lines(cue)):
            needed, how = mixed_reading_ms(cue, line_profiles)
            if duration > 0 and needed > duration:
                found.append(_finding("reading-speed", f"reading speed too fast: {how} need {needed} ms, "
                                      f"shown {duration} ms", cue, path))
        elif duration > 0 and profile.too_fast(plain, duration):
            chars = profile.reading_chars(plain)
            found.append(_finding(
                "reading-speed", f"reading speed {chars * 1000 / duration:.1f} cps ({chars} characters in "
                f"{duration} ms), limit {_num(profile.max_cps)} cps; needs {profile.reading_ms(plain)} ms",
                cue, path))
    found.extend(line_problems(cue, profile, path, line_profiles))
    return found


def timed_order(cues: list[Cue]) -> list[int]:
    """Indices of the cues that are on screen (visible text, end not before start), in time order."""
    indices = [i for i, c in enumerate(cues) if c.end >= c.start and not is_empty(c)]
    return sorted(indices, key=lambda i: (cues[i].start, cues[i].end, cues[i].position, i))


def clock_step(track: Track) -> tuple[str, int] | None:
    """(name, ms) of the fixed time step of the format `track` was read from, when it is coarser than a
    millisecond and does not count frames (ASS/SSA: centiseconds, MPL2: deciseconds); else None."""
    from subpipe.formats import get_format

    try:
        fmt = get_format(track.format) if track.format else None
    except SubpipeError:
        return None
    if fmt is None or fmt.clock is None or fmt.counts_frames:
        return None
    grid = fmt.clock(None)
    return grid.name, round(grid.step_ms)


def check_timing(track: Track, profile: Profile) -> list[tuple[int, Finding]]:
    """Overlaps and short gaps between cues, as (index in track.cues, finding).

    The minimum gap is the profile's whatever the file's clock: a gap of 80 ms in an ASS file fails 83 ms
    as it does in an SRT (80 ms of centiseconds may be a two-frame gap at 24 fps, or less: no tolerance is
    given). A gap less than one step of the file's clock short says what the format can hold instead:
    ``... ASS times are centiseconds: 90 ms is its shortest gap of at least 83 ms``."""
    found = []
    min_gap = profile.min_gap_ms
    step = clock_step(track)
    latest: Cue | None = None
    for i in timed_order(track.cues):
        cue = track.cues[i]
        if latest is not None:
            if cue.start < latest.end:
                found.append((i, _finding(
                    "overlap", f"starts {latest.end - cue.start} ms before cue {latest.position} ends "
                    f"({_tc(latest.start)} --> {_tc(latest.end)})", cue, track.path)))
            elif cue.start - latest.end < min_gap:
                gap = cue.start - latest.end
                held = ""
                if step and min_gap - gap < step[1]:
                    held = (f"; {track.format.upper()} times are {step[0]}: {-(-min_gap // step[1]) * step[1]} ms "
                            f"is its shortest gap of at least {min_gap} ms")
                found.append((i, _finding(
                    "gap-too-short", f"gap of {gap} ms after cue {latest.position}, "
                    f"minimum {min_gap} ms ({profile.min_gap_frames} frames at {_num(profile.fps)} fps){held}",
                    cue, track.path)))
        if latest is None or cue.end > latest.end:
            latest = cue
    return found


def shown_cues(track: Track) -> Track:
    """`track` without ASS comment events (the same object when it has none)."""
    if not any(c.comment for c in track.cues):
        return track
    return track.copy(cues=[c for c in track.cues if not c.comment])


def check_track(track: Track, profile: "Profile | LanguageProfiles", *, typography: bool = True,
                dual: bool = False) -> list[Finding]:
    """Every violation of `profile` in `track`, in track order (per-cue rules first for each cue, then
    its typography, then timing).

    Each cue is checked against its own language's rules (`LanguageProfiles`): a Chinese cue in an
    English track gets the Chinese line length and reading speed, an English cue in an ``es-ES`` track
    the English quotation marks; the gaps between cues are those of `profile`. ASS comment events are
    not shown to viewers, so delivery rules do not apply to them. `typography` false leaves the locale's
    typography out (a dual-language review track, whose cues hold the source's lines too). `dual`: the
    track is a dual-language review track, each cue checked half by half (`check_dual_cue`).
    """
    profiles = language_profiles(profile)
    track = shown_cues(track)
    check = check_dual_cue if dual else _check_in_language
    indexed = [(i, f) for i, cue in enumerate(track.cues) for f in check(cue, profiles, track.path)]
    if typography:
        indexed.extend((i, f) for i, cue in enumerate(track.cues) for f in check_cue_style(cue, profiles, track.path))
        indexed.extend((i, f) for i, cue in enumerate(track.cues) for f in check_cue_script(cue, profiles, track.path))
    indexed.extend(check_timing(track, profiles.profile))
    indexed.sort(key=lambda pair: pair[0])  # stable: a cue's own findings keep their order
    return [f for _, f in indexed]


def _check_in_language(cue: Cue, profiles: LanguageProfiles, path: str | None) -> list[Finding]:
    """`check_cue` by the cue's language; a finding made by another language's rules than the track's
    says whose (``... (zh rules)``), so that "limit 16" in an English track explains itself."""
    own = profiles.for_cue(cue)
    lines = profiles.for_lines(cue)
    found = check_cue(cue, own, path, lines)
    if own is profiles.profile or not own.lang or lines:  # a cue whose lines differ names each line's
        return found
    return [dataclasses.replace(f, message=f"{f.message} ({own.lang} rules)") for f in found]


def dual_halves(cue: Cue) -> list[tuple[str, list[str]]]:
    """The halves of a dual-language review cue, top to bottom: (language, its lines of `text_lines`),
    from `Cue.line_langs`; none for a cue in one language (no `line_langs`, or all lines in one).

    >>> dual_halves(Cue(0, 1, "You're a jerk,\\nThom.\\nEres un idiota, Thom.", line_langs=("en", "en", "es")))
    [('en', ["You're a jerk,", 'Thom.']), ('es', ['Eres un idiota, Thom.'])]
    """
    halves: list[tuple[str, list[str]]] = []
    for line, lang in lines_with_langs(cue):
        if halves and halves[-1][0] == lang:
            halves[-1][1].append(line)
        else:
            halves.append((lang, [line]))
    return halves if len(halves) > 1 else []


def _half(cue: Cue, lang: str, lines: list[str]) -> Cue:
    return cue.copy(text="\n".join(escape_text(line) for line in lines), lang=lang, line_langs=None)


def translation_half(cue: Cue) -> Cue:
    """What a viewer of a dual-language review cue reads in its time: its last half (`dual_halves`), as a
    cue of that language on the cue's times; a cue in one language as it is.

    >>> translation_half(Cue(0, 1, "You're a jerk,\\nThom.\\nEres un idiota, Thom.", line_langs=("en", "en", "es"))).text
    'Eres un idiota, Thom.'
    """
    halves = dual_halves(cue)
    return _half(cue, *halves[-1]) if halves else cue


HALF_KINDS = frozenset({"reading-speed", "too-many-lines", "line-too-long"})


def check_dual_cue(cue: Cue, profiles: LanguageProfiles, path: str | None = None) -> list[Finding]:
    """A dual-language review cue (`dual_halves`): the translation (its last half) as a cue of its language
    on the cue's times (duration, reading speed, lines, line length), each half above it for its lines and
    line length by its own language's rules. A cue in one language is checked as in any track.

    >>> from subpipe.qc.profiles import load_profile
    >>> cue = Cue(0, 3000, "You're a jerk, Thom.\\nEres un idiota, Thom, y ademas un cobarde que nunca escucha.",
    ...           line_langs=("en", "es"))
    >>> for f in check_dual_cue(cue, LanguageProfiles(load_profile("netflix", lang="es"))):
    ...     print(f.kind, f.message)  # doctest: +ELLIPSIS
    reading-speed translation (es): reading speed 20.0 cps (60 characters in 3000 ms), limit 17 cps; ...
    line-too-long translation (es): text line 1 has 60 characters, limit 42: 'Eres un idiota, Thom, ...
    """
    halves = dual_halves(cue)
    if not halves:
        return _check_in_language(cue, profiles, path)

    def half(lang: str, lines: list[str]) -> Cue:
        return _half(cue, lang, lines)

    def named(findings: list[Finding], which: str, lang: str) -> list[Finding]:
        return [dataclasses.replace(f, message=f"{which} ({lang}): {f.message}") if f.kind in HALF_KINDS else f
                for f in findings]

    *above, (lang, lines) = halves
    found = named(check_cue(half(lang, lines), profiles(lang), path), "translation", lang)
    for src_lang, src_lines in above:
        found.extend(named(line_problems(half(src_lang, src_lines), profiles(src_lang), path), "source", src_lang))
    return found


class QCSummary(TypedDict):
    """How a track fared, as plain JSON-ready data.

    `cues` checked; `passing`: cues no warning or error names; `pass_rate` = passing / cues (1.0 for a
    track without cues); `findings`: warnings and errors, of which `errors` are errors and `warnings`
    warnings; `by_kind`: findings per kind, most frequent first.
    """

    cues: int
    passing: int
    pass_rate: float
    findings: int
    errors: int
    warnings: int
    by_kind: dict[str, int]


def summarize(track: Track, findings: list[Finding]) -> QCSummary:
    """Summary of `check_track` findings for `track`.

    A cue fails when an unfixed warning or error names it: same position and times (cues split by a
    fix share their source's position but not their times). Informational and fixed findings (what
    a fix did) do not count. A track without cues has a pass rate of 0: nothing in it can be delivered
    (an empty file is not a track that passes QC).

    >>> from subpipe.qc.profiles import load_profile
    >>> track = Track([Cue(0, 1000, "Cut!"), Cue(1000, 1500, "Cut!", position=1)])
    >>> summarize(track, check_track(track, load_profile("netflix", lang="en")))
    {'cues': 2, 'passing': 1, 'pass_rate': 0.5, 'findings': 2, 'errors': 0, 'warnings': 2, \
'by_kind': {'duration-too-short': 1, 'gap-too-short': 1}}
    """
    track = shown_cues(track)
    relevant = [f for f in findings if f.severity != "info" and not f.fixed]
    failing = {(f.position, f.start_ms, f.end_ms) for f in relevant}
    passing = sum(1 for c in track.cues if (c.position, c.start, c.end) not in failing)
    by_kind: dict[str, int] = {}
    for f in relevant:
        by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
    cues = len(track.cues)
    return QCSummary(cues=cues, passing=passing, pass_rate=round(passing / cues, 4) if cues else 0.0,
                     findings=len(relevant), errors=sum(1 for f in relevant if f.severity == "error"),
                     warnings=sum(1 for f in relevant if f.severity == "warning"),
                     by_kind=dict(sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0]))))
