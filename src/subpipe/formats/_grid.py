"""Times on a coarse clock: each boundary of a track written in the format's step (ASS/SSA centiseconds,
MPL2 deciseconds, MicroDVD frames) so that the timing limits the track met still hold.

Rounding every time to the nearest step on its own breaks limits a millisecond track met: at 24 fps the
two-frame minimum gap is 83 ms, and a gap from 1:00.003 to 1:00.086 becomes 1:00.00 to 1:00.09 (90 ms,
fine) but one from 1:00.005 to 1:00.088 becomes 1:00.01 to 1:00.09: 80 ms, a ``gap-too-short`` the
source did not have (seven of the ten milliseconds a gap of 83 ms can start at give 80). So the writer
chooses, for each distinct time of the track, the step at or below it or the step at or above it (never
moving it by a whole step: < 10 ms in centiseconds), all choices of a track at once, to keep, in this
order of importance:

1. **order and contact**: times in order stay in order (no new overlap, no cue ending before it starts);
   equal times stay equal (touching cues, gap 0, stay touching; a zero-length cue stays one) and
   different times of a cue's start and end, of a gap, of an overlap stay different where they can (a
   1 ms cue does not vanish, a 3 ms gap does not close, overlapping cues keep overlapping);
2. **the minimum gap the source met**: a gap of at least `TimingLimits.min_gap_ms` stays at least that
   (a gap under two frames is seen: the subtitle flickers off and on);
3. **the duration limits the source met**: a duration within `min_duration_ms`..`max_duration_ms`
   stays within (833 ms shown as 820 is not seen);
4. **reading time**: a cue shown long enough to be read at the profile's reading speed
   (`TimingLimits.reading_ms`) still is (a reading speed over by 0.1 cps is a warning, not a rule);
5. **display time**: no cue is shown for less time than in the source (so a reading speed the source
   met is still met whatever the limit, when no other rule needs the time);
6. **the nearest step**: the least total shift, then each time on its nearest step (half up, Aegisub's
   rule); a tie left takes the lower step. The same track always gets the same times.

The choice is exact (a Viterbi pass over the track's distinct times, each with its two candidate steps)
for the limits between neighbouring times, which is every gap and duration of a track without overlaps.
A duration or gap spanning other cues' times (cues shown over each other) is checked after the choice
and reported if it broke. When a limit cannot hold on the format's clock (three different times within
one centisecond, a gap the step cannot keep), `Snapped.findings` says so, ``timing-resolution``, one
finding per gap, duration or overlap that broke, on the cue it concerns; nothing is hidden.

>>> cues = [Cue(1000, 60005, "a"), Cue(60088, 62000, "b", position=1)]
>>> [(c.start, c.end) for c in snap_times(cues, CENTISECONDS, TimingLimits(min_gap_ms=83)).cues]
[(1000, 60000), (60090, 62000)]
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from subpipe.cues import Cue, Track, format_timecode
from subpipe.errors import Finding


@dataclass(frozen=True)
class Grid:
    """The times a format can store, as integer steps: `to_ms(step)` is the time a reader gets back.

    `step_ms` is the (approximate) length of a step; `name` says it in messages.
    """

    name: str
    step_ms: float
    to_ms: Callable[[int], int]

    def around(self, ms: int) -> tuple[int, ...]:
        """The steps whose time is the last at or before `ms` and the first at or after it (one step when
        `ms` is stored exactly).

        >>> CENTISECONDS.around(1234), CENTISECONDS.around(1230), frames(24).around(83)
        ((123, 124), (123,), (2,))
        """
        low = math.floor(ms / self.step_ms)
        while self.to_ms(low) > ms:
            low -= 1
        while self.to_ms(low + 1) <= ms:
            low += 1
        return (low,) if self.to_ms(low) == ms else (low, low + 1)

    def nearest(self, ms: int) -> int:
        """The step nearest to `ms`, the later one on a tie."""
        steps = self.around(ms)
        return min(steps, key=lambda s: (abs(self.to_ms(s) - ms), -s))


def _fixed(step: int) -> Grid:
    return Grid({10: "centiseconds", 100: "deciseconds"}.get(step, f"{step} ms steps"), step, lambda n: n * step)


def frames(fps: float) -> Grid:
    """Frames at `fps`, read back as pysubs2's `frames_to_ms` does (rounded to the millisecond)."""
    from pysubs2.time import frames_to_ms

    return Grid(f"frames at {fps:g} fps", 1000 / fps, lambda n: frames_to_ms(n, fps))


CENTISECONDS = _fixed(10)
DECISECONDS = _fixed(100)


def centiseconds(fps: float | None = None) -> Grid:
    """ASS/SSA's clock, whatever the frame rate (a `Format.clock`)."""
    return CENTISECONDS


def deciseconds(fps: float | None = None) -> Grid:
    """MPL2's clock, whatever the frame rate (a `Format.clock`)."""
    return DECISECONDS


@dataclass(frozen=True)
class TimingLimits:
    """What the writer keeps when the source met it (module docstring): the delivery profile's minimum
    gap and duration range. Zero / None: no such limit."""

    min_gap_ms: int = 0
    min_duration_ms: int = 0
    max_duration_ms: int | None = None
    reading_ms: Callable[[Cue], int] | None = None  # the time a cue needs to be read (QC's reading speed)

    @classmethod
    def from_profile(cls, profile) -> "TimingLimits":
        """The limits of a `subpipe.qc.Profile` or `LanguageProfiles` (each cue read at its language's
        speed, as QC reads it)."""
        from subpipe.qc.profiles import LanguageProfiles

        profiles = profile if isinstance(profile, LanguageProfiles) else LanguageProfiles(profile)
        own = profiles.profile
        return cls(own.min_gap_ms, own.min_duration_ms, own.max_duration_ms,
                   lambda cue: profiles.for_cue(cue).reading_ms(cue.plain))

    @classmethod
    def for_track(cls, track: Track, fps: float | None = None, profile: str = "netflix") -> "TimingLimits":
        """`profile`'s limits (subpipe's default QC profile) for the track's language, at `fps` or the
        track's frame rate (the profile's own when neither is known, or when QC refuses the rate: a
        MicroDVD file may count 1000 frames a second, no profile does)."""
        from subpipe.errors import SubpipeError
        from subpipe.qc.profiles import load_profile

        try:
            return cls.from_profile(load_profile(profile, lang=track.lang, fps=fps or track.fps))
        except SubpipeError:
            return cls.from_profile(load_profile(profile, lang=track.lang))


@dataclass
class Snapped:
    """The cues re-timed on the grid (`steps` holds each cue's (start, end) in steps), and what broke."""

    cues: list[Cue]
    steps: list[tuple[int, int]]
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class _Pair:
    """Two times of the source that a rule relates: `low` < `high` (node indices)."""

    low: int
    high: int
    kind: str  # "duration", "gap", "overlap"
    cue: Cue
    need: int = 0  # a duration's reading time


# The cost of a choice, one integer compared as the tuple (contact lost, minimum gaps broken, durations
# out of limits, reading times lost, displays shortened, total shift, times off their nearest step): each
# count stays below the next weight for any track of fewer than four million times.
_LOST, _GAP, _DURATION, _READING, _SHORTER, _SHIFT = (1 << 140, 1 << 118, 1 << 96, 1 << 74, 1 << 52, 1 << 22)


def _pairs(cues: Sequence[Cue], spans: list[tuple[int, int]], node: dict[int, int],
           limits: "TimingLimits") -> list[_Pair]:
    """The durations of shown cues, and the gaps and overlaps QC measures (in time order, each cue
    against the latest end so far: `subpipe.qc.rules.check_timing`); `spans` are the cues' times."""
    shown = [i for i, c in enumerate(cues) if not c.comment and spans[i][1] >= spans[i][0] and c.plain.strip()]
    pairs = [_Pair(node[spans[i][0]], node[spans[i][1]], "duration", cues[i],
                   limits.reading_ms(cues[i]) if limits.reading_ms else 0)
             for i in shown if spans[i][1] > spans[i][0]]
    latest: int | None = None  # the end so far
    for i in sorted(shown, key=lambda i: (*spans[i], cues[i].position)):
        start, end = spans[i]
        if latest is not None and start != latest:
            low, high, kind = (latest, start, "gap") if start > latest else (start, latest, "overlap")
            pairs.append(_Pair(node[low], node[high], kind, cues[i]))
        if latest is None or end > latest:
            latest = end
    return pairs


def _broken(pair: _Pair, before: int, after: int, limits: TimingLimits) -> int:
    """What a pair measuring `before` ms in the source and `after` ms on the grid costs (`_LOST`...)."""
    cost = _LOST if after == 0 else 0
    if pair.kind == "gap":
        return cost + (_GAP if before >= limits.min_gap_ms > after else 0)
    if pair.kind == "overlap":
        return cost
    if before >= limits.min_duration_ms > after or (limits.max_duration_ms is not None
                                                    and before <= limits.max_duration_ms < after):
        cost += _DURATION
    if before >= pair.need > after:
        cost += _READING
    return cost + (_SHORTER if after < before else 0)


def snap_times(cues: Sequence[Cue], grid: Grid, limits: TimingLimits = TimingLimits(),
               path: str | None = None) -> Snapped:
    """`cues` with every time on `grid`, chosen by the rule of the module docstring; negative times
    are 0 first. Comment cues take the same step as a shown time they share, else their nearest."""
    spans = [(max(0, c.start), max(0, c.end)) for c in cues]
    times = sorted({t for c, span in zip(cues, spans) if not c.comment for t in span})
    node = {t: i for i, t in enumerate(times)}
    pairs = _pairs(cues, spans, node, limits)
    adjacent: dict[int, list[_Pair]] = {}
    for p in pairs:
        if p.high == p.low + 1:
            adjacent.setdefault(p.high, []).append(p)
    chosen = _viterbi(times, grid, adjacent, limits)
    step = dict(zip(times, chosen))
    out, steps = [], []
    for cue, span in zip(cues, spans):
        s, e = (step[t] if t in step else grid.nearest(t) for t in span)
        steps.append((s, e))
        out.append(cue.copy(start=grid.to_ms(s), end=grid.to_ms(e)))
    findings = []
    for p in pairs:
        before = times[p.high] - times[p.low]
        after = grid.to_ms(chosen[p.high]) - grid.to_ms(chosen[p.low])
        if _broken(p, before, after, limits) >= _READING:  # a display shortened is no finding
            findings.append(_finding(p, before, after, grid, limits, path))
    return Snapped(out, steps, findings)


def _viterbi(times: list[int], grid: Grid, adjacent: dict[int, list[_Pair]], limits: TimingLimits) -> list[int]:
    """The step of each time: the cheapest path through every time's candidates (module docstring)."""
    if not times:
        return []
    candidates = []  # per time: (step, its time in ms, own cost: shift and off the nearest step)
    for t in times:
        steps = grid.around(t)
        nearest = grid.nearest(t)
        candidates.append([(s, grid.to_ms(s), abs(grid.to_ms(s) - t) * _SHIFT + (s != nearest)) for s in steps])
    layer = {s: (own, ms) for s, ms, own in candidates[0]}  # step -> (cost so far, its ms)
    back: list[dict[int, int]] = []
    for i in range(1, len(times)):
        before = times[i] - times[i - 1]
        here = adjacent.get(i, ())
        new, links = {}, {}
        for s, ms, own in candidates[i]:
            best = None
            for ps, (cost, pms) in layer.items():  # the lower step first: it wins ties
                after = ms - pms
                if after < 0:  # order is never broken: rounding both to nearest always keeps it
                    continue
                total = cost + own + sum(_broken(p, before, after, limits) for p in here)
                if best is None or total < best[0]:
                    best = (total, ps)
            if best is not None:
                new[s], links[s] = (best[0], ms), best[1]
        layer = new
        back.append(links)
    s = min(layer, key=lambda k: (layer[k][0], k))
    chosen = [s]
    for links in reversed(back):
        s = links[s]
        chosen.append(s)
    return chosen[::-1]


def _tc(ms: int) -> str:
    return format_timecode(ms, ".")


def _finding(p: _Pair, before: int, after: int, grid: Grid, limits: TimingLimits, path: str | None) -> Finding:
    if p.kind == "gap":
        what = (f"the gap of {before} ms before it is {after} ms in {grid.name}"
                + ("" if after else ": the cues now touch") + (f" (minimum {limits.min_gap_ms} ms)"
                                                                 if before >= limits.min_gap_ms > after else ""))
    elif p.kind == "overlap":
        what = f"its overlap of {before} ms with an earlier cue is lost in {grid.name}: the cues now touch"
    else:
        limit = (f" (minimum {limits.min_duration_ms} ms)" if before >= limits.min_duration_ms > after
                 else f" (maximum {limits.max_duration_ms} ms)" if after > before
                 else f" ({p.need} ms needed to read it)" if before >= p.need > after else "")
        what = f"its duration of {before} ms is {after} ms in {grid.name}{limit}"
    return Finding("timing-resolution", f"{what}; the times around {_tc(p.cue.start)} cannot keep it on this clock",
                   path=path, line=None, position=p.cue.position, severity="warning",
                   start_ms=p.cue.start, end_ms=p.cue.end)


def snap_track(track: Track, grid: Grid, limits: TimingLimits | None = None, fps: float | None = None) -> Snapped:
    """`snap_times` of `track`'s cues, with `limits` or the default profile's (`TimingLimits.for_track`)."""
    return snap_times(track.cues, grid, limits or TimingLimits.for_track(track, fps), track.path)
