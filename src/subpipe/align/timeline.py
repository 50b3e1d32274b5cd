"""Timeline fit: the map from a target track's clock to a source track's clock.

Two tracks of one film made by different teams disagree about time in three ways: a constant offset
(a different head, a trimmed leader), a frame-rate scale (a 25 fps PAL master against a 23.976 one:
everything runs 4.3 % faster) and jumps where a cut or an ad break shifts the rest of the film.
`fit_timeline` finds all three from timing alone, the way alass and ffsubsync do, then sharpens the
estimate on cue matches:

1. **Speech activity.** Each track becomes a signal on a regular grid: the fraction of each bin
   covered by a cue. Empty cues and ASS comments carry no speech and are left out.
2. **Scale and offset by FFT cross-correlation.** The exact frame-rate ratios (between 23.976, 24,
   25, 29.97 and 30 fps) are scored once each; the continuous range (+-5 %) coarse to fine: a grid
   whose correlation is blurred just enough that neighbouring scales still overlap at the end of the
   film, then finer grids with less blur around the best few. Blur and bin size grow with the film,
   so the number of bins per level, and the cost, grows as O(D log D) in the film's length D. Each
   half of the target picks its own offset when a scale is scored, so a cut costs one half some of
   its score instead of making a wrong scale that straddles it look best.
3. **Cuts and ad breaks.** Windows of consecutive target cues vote for the offset that covers most of
   their speech near the global one; a dynamic programme over the target cues then picks one voted
   offset per cue, paying a penalty for every change (alass's split mode), a little less where the
   target pauses; runs of one offset become the transform's segments, and the pass is repeated once
   with the refined offsets so that a cut lands in its silence.
4. **Robust refinement.** Target cues that overlap a source cue best, and vice versa, with an IoU of at
   least 0.5 are confident matches; their start and end times feed a Huber-weighted least-squares fit
   of one shared scale and one offset per segment, so outliers (a cue only one team split) cannot
   drag the fit. A refitted scale indistinguishable from 1 or a frame-rate ratio is snapped to it;
   and because a cut can pass for a small change of scale, the fit is also tried from the exact
   scale nearest to it and from 1, keeping whichever covers the source's speech best.

The result is a `Transform`: segments over *target* time, each mapping ``t`` to
``scale * t + offset_ms`` on the source clock, serialised exactly as DESIGN.md's ``transform``.

>>> from subpipe.cues import Cue, Track
>>> src = Track([Cue(s, s + 1500, "x", position=i) for i, s in enumerate(range(10_000, 300_000, 7_300))])
>>> tgt = Track([c.copy(start=c.start + 4_000, end=c.end + 4_000) for c in src])
>>> fit_timeline(src, tgt).to_dict()
{'segments': [{'start_ms': 0, 'end_ms': 300200, 'scale': 1.0, 'offset_ms': -4000}]}
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from subpipe.cues import Cue, Track, format_timecode

FRAME_RATES = (24000 / 1001, 24.0, 25.0, 30000 / 1001, 30.0)
FRAME_RATE_NAMES = {24000 / 1001: "23.976", 24.0: "24", 25.0: "25", 30000 / 1001: "29.97", 30.0: "30"}
MAX_OFFSET_MS = 600_000  # +-10 minutes
SCALE_RANGE = 0.05  # continuous frame-rate search within +-5 %

_GRID_SCALES = 129  # coarsest level: cheap, since its blur (and so its bins) scales with the film
_ZOOM_SCALES = 9  # each zoom level divides the grid step by 4
_BEAM = 3
_PARTS = 2  # the scale search scores each half of the target with its own offset (robust to one cut)
_MIN_SIGMA_MS = 1000.0  # the search stops here; the robust fit on cue matches does the last second
_SPLIT_PENALTY = 2.5  # in cues' worth of coverage: a cut needs about three cues of evidence
_MATCH_IOU = 0.5
_HUBER_MS = 150.0


# --------------------------------------------------------------------------------------- transform


@dataclass(frozen=True)
class Segment:
    """One piece of the transform: target times in [start_ms, end_ms) map to ``scale * t + offset_ms``."""

    start_ms: int
    end_ms: int
    scale: float = 1.0
    offset_ms: float = 0.0

    def apply(self, t_ms):
        return self.scale * t_ms + self.offset_ms

    def to_dict(self) -> dict:
        return {
            "start_ms": int(self.start_ms),
            "end_ms": int(self.end_ms),
            "scale": round(float(self.scale), 8),
            "offset_ms": int(round(self.offset_ms)),
        }


@dataclass
class Transform:
    """A piecewise-linear map from target time to source time (ms), with how well it fits.

    `score` is the normalised cross-correlation of the two speech-activity signals under the fit
    (0: unrelated, 1: identical timing); `residual_ms` is the median absolute error of the confident
    cue matches (cue boundaries drift by a few frames between teams, so 40-200 ms is normal); `matches`
    counts them.

    >>> t = Transform([Segment(0, 60_000, 1.0, 500), Segment(60_000, 120_000, 1.0, -29_500)])
    >>> t.apply_ms(1_000), t.apply_ms(90_000)
    (1500, 60500)
    >>> t.to_dict()["segments"][1]
    {'start_ms': 60000, 'end_ms': 120000, 'scale': 1.0, 'offset_ms': -29500}
    """

    segments: list[Segment]
    score: float = 0.0
    residual_ms: float | None = None
    matches: int = 0

    @classmethod
    def identity(cls, end_ms: int = 0) -> "Transform":
        return cls([Segment(0, max(int(end_ms), 1), 1.0, 0.0)])

    @classmethod
    def from_dict(cls, data: dict) -> "Transform":
        return cls(
            [
                Segment(int(s["start_ms"]), int(s["end_ms"]), float(s["scale"]), float(s["offset_ms"]))
                for s in data["segments"]
            ]
        )

    def to_dict(self) -> dict:
        """Exactly DESIGN.md's ``transform`` object."""
        return {"segments": [s.to_dict() for s in self.segments]}

    def segment_of(self, t_ms) -> np.ndarray:
        """Index of the segment each target time falls in (times outside extend the first/last)."""
        starts = np.array([s.start_ms for s in self.segments[1:]], dtype=np.float64)
        return np.searchsorted(starts, np.asarray(t_ms, dtype=np.float64), side="right")

    def apply(self, t_ms, segment: np.ndarray | None = None) -> np.ndarray:
        """Source times (float ms) for target times; `segment` forces each time's segment index."""
        t = np.asarray(t_ms, dtype=np.float64)
        idx = self.segment_of(t) if segment is None else np.asarray(segment)
        scale = np.array([s.scale for s in self.segments])[idx]
        offset = np.array([s.offset_ms for s in self.segments])[idx]
        return scale * t + offset

    def apply_ms(self, t_ms: int) -> int:
        return int(round(float(self.apply(t_ms))))

    def map_interval(self, start_ms: int, end_ms: int) -> tuple[int, int]:
        """A target cue's times on the source clock, both through the segment of its start."""
        seg = self.segments[int(self.segment_of(start_ms))]
        return int(round(seg.apply(start_ms))), int(round(seg.apply(end_ms)))

    def map_intervals(self, start_ms, end_ms) -> list[tuple[int, int]]:
        """`map_interval` of many cues at once (the same numbers: one multiply, one add, half-even
        rounding).

        >>> Transform([Segment(0, 50, 1.0, 0.5), Segment(50, 99, 2.0, -1.0)]).map_intervals([1, 2, 60], [3, 70, 61])
        [(2, 4), (2, 70), (119, 121)]
        """
        start = np.asarray(start_ms, dtype=np.float64)
        idx = self.segment_of(start)
        scale = np.array([s.scale for s in self.segments], dtype=np.float64)[idx]
        offset = np.array([s.offset_ms for s in self.segments], dtype=np.float64)[idx]
        mapped = np.round(np.column_stack([scale * start + offset, scale * np.asarray(end_ms, np.float64) + offset]))
        return [(int(a), int(b)) for a, b in mapped.tolist()]

    @property
    def scale(self) -> float:
        return self.segments[0].scale

    def describe(self) -> str:
        """One line for people.

        >>> Transform([Segment(0, 9, 25 / (24000 / 1001), 420)]).describe()
        'scale 1.042708 (25 -> 23.976 fps), offset +420 ms'
        """
        parts = []
        scale = self.segments[0].scale
        if abs(scale - 1.0) > 1e-6:
            named = nearest_frame_rate_ratio(scale)
            parts.append(f"scale {scale:.6f}" + (f" ({named})" if named else ""))
        if len(self.segments) == 1:
            parts.append(f"offset {self.segments[0].offset_ms:+.0f} ms")
        else:
            jumps = ", ".join(
                f"{s.offset_ms:+.0f} ms from {format_timecode(s.start_ms)}" for s in self.segments
            )
            parts.append(f"{len(self.segments)} segments: {jumps}")
        return ", ".join(parts)


def frame_rate_ratios(rates: Sequence[float] = FRAME_RATES) -> list[float]:
    """Every ratio a/b between the usual frame rates (a != b), sorted: the scales a re-timed master has.

    >>> [round(r, 4) for r in frame_rate_ratios() if 0.95 < r < 1.05]
    [0.959, 0.96, 0.999, 0.999, 1.001, 1.001, 1.0417, 1.0427]
    """
    return sorted(a / b for a in rates for b in rates if a != b)


def nearest_frame_rate_ratio(scale: float, tolerance: float = 2e-4) -> str | None:
    """``"25 -> 23.976 fps"`` when `scale` is within `tolerance` of a frame-rate ratio, else None."""
    best, name = tolerance, None
    for a in FRAME_RATES:
        for b in FRAME_RATES:
            if a != b and abs(a / b - scale) <= best:
                best, name = abs(a / b - scale), f"{FRAME_RATE_NAMES[a]} -> {FRAME_RATE_NAMES[b]} fps"
    return name


# --------------------------------------------------------------------------------- speech activity


def speech_cues(cues: Iterable[Cue]) -> list[Cue]:
    """The cues that carry speech: not empty, not an ASS comment, with a positive duration."""
    return [c for c in cues if not c.comment and c.end > c.start and c.plain.strip()]


def intervals(cues: Iterable[Cue]) -> np.ndarray:
    """``(k, 2)`` float array of (start, end) ms of the speech cues, sorted by start."""
    iv = np.array([(c.start, c.end) for c in speech_cues(cues)], dtype=np.float64).reshape(-1, 2)
    return iv[np.argsort(iv[:, 0], kind="stable")] if len(iv) else iv


def union_intervals(iv: np.ndarray) -> np.ndarray:
    """Merge overlapping or touching intervals (input sorted by start).

    >>> union_intervals(np.array([[0, 10], [5, 20], [20, 30], [40, 50.]])).tolist()
    [[0.0, 30.0], [40.0, 50.0]]
    """
    if len(iv) == 0:
        return iv.reshape(0, 2)
    ends = np.maximum.accumulate(iv[:, 1])
    new = np.ones(len(iv), dtype=bool)
    new[1:] = iv[1:, 0] > ends[:-1]
    out = np.empty((int(new.sum()), 2))
    out[:, 0] = iv[new, 0]
    out[:, 1] = np.maximum.reduceat(ends, np.flatnonzero(new))
    return out


@dataclass
class Speech:
    """The union of a track's speech intervals and its cumulative coverage F(t) = speech time before t.

    F is piecewise linear, so the speech inside any interval, and the activity of any grid bin, is a
    difference of two `np.interp` lookups: exact at every resolution, O(log k) per query.
    """

    union: np.ndarray
    xp: np.ndarray = field(init=False)
    fp: np.ndarray = field(init=False)
    # what `_correlate` derives from this track as the reference: the centred activity by bin size,
    # and its blurred spectrum by (bin size, blur, FFT size); one fit asks for them several times
    _signals: dict = field(init=False, repr=False, compare=False, default_factory=dict)
    _spectra: dict = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        u = self.union
        lengths = u[:, 1] - u[:, 0]
        fp = np.zeros((len(u), 2))
        np.cumsum(lengths[:-1], out=fp[1:, 0])  # speech before each interval
        fp[:, 1] = fp[:, 0] + lengths
        self.xp = u.reshape(-1)
        self.fp = fp.reshape(-1)

    @classmethod
    def of(cls, iv: np.ndarray) -> "Speech":
        return cls(union_intervals(iv))

    @property
    def total(self) -> float:
        return float(self.fp[-1]) if len(self.fp) else 0.0

    @property
    def end(self) -> float:
        return float(self.xp[-1]) if len(self.xp) else 0.0

    def cumulative(self, t) -> np.ndarray:
        if not len(self.xp):
            return np.zeros_like(np.asarray(t, dtype=np.float64))
        return np.interp(t, self.xp, self.fp)

    def covered(self, a, b) -> np.ndarray:
        """Speech time inside [a, b] (arrays broadcast)."""
        return self.cumulative(b) - self.cumulative(a)

    def activity(self, origin, res: float, bins: int) -> np.ndarray:
        """Fraction of each bin [origin + k*res, origin + (k+1)*res) covered by speech; with an array
        of origins, one row per origin."""
        origin = np.asarray(origin, dtype=np.float64)
        edges = origin[..., None] + res * np.arange(bins + 1, dtype=np.float64)
        return np.diff(self.cumulative(edges), axis=-1) / res

    def centred_activity(self, res: float, bins: int) -> np.ndarray:
        """`_centred` activity from 0 over `bins` bins (read only: it is kept for the next call).

        Bins a whole bin past the last speech are exactly 0 and the centring stops at it, so from
        there on the signal over more bins is the one over fewer plus zeros: one computation serves
        every length.
        """
        if bins < math.ceil(self.end / res) + 1:  # stops before the last speech: not kept
            return _centred(self.activity(0.0, res, bins), self.union, res)
        x = self._signals.get(res)
        if x is None:
            x = self._signals[res] = _centred(self.activity(0.0, res, bins), self.union, res)
        if len(x) >= bins:
            return x[:bins]
        return np.concatenate([x, np.zeros(bins - len(x))])


# ------------------------------------------------------------------------------ cross-correlation


def _fft_size(n: int) -> int:
    """The smallest length >= `n` (and >= 16) with no prime factor but 2, 3 and 5: pocketfft's fast
    sizes. A power of two can be nearly twice `n`; this is at most a few per cent more.

    >>> _fft_size(44_673), _fft_size(288_021), _fft_size(3_600), _fft_size(5)
    (45000, 291600, 3600, 16)
    """
    n = max(int(n), 16)
    best = 1 << (n - 1).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            # the smallest power of two taking p35 to n or beyond
            size = p35 << max(0, (-(-n // p35) - 1).bit_length())
            best = min(best, size)
            p35 *= 3
        p5 *= 5
    return best


def _energy(signal: np.ndarray) -> float:
    """Sum of squares. Not `np.dot`: OpenBLAS shares a dot product of more than ~16k values out among
    threads, whose start and spinning cost far more than the sum (and take the other core from
    whatever else runs), the more so on a busy machine."""
    return float(np.einsum("i,i->", signal, signal))


@dataclass
class _Peak:
    score: float
    scale: float
    offset_ms: float


def _centred(signal: np.ndarray, union: np.ndarray, res_ms: float) -> np.ndarray:
    """`signal` minus its mean over the track's extent (first to last speech), zero outside.

    Without this, a heavily blurred correlation rewards whatever maximises the overlap of the two
    extents rather than the pattern of speech and silence inside them.
    """
    lo = max(0, int(union[0, 0] // res_ms))
    hi = min(len(signal), int(math.ceil(union[-1, 1] / res_ms)))
    if hi > lo:
        mean = signal[lo:hi].mean()
        if mean < 0.9:  # a track that is all speech (one long cue) would centre to nothing
            signal[lo:hi] -= mean
    return signal


def _correlate(
    src: Speech,
    tgt_iv: np.ndarray,
    scales: Iterable[float],
    sigma_ms: float,
    res_ms: float,
    max_offset_ms: float,
    parts: int = 1,
) -> list[_Peak]:
    """For each scale, the offset maximising the blurred, normalised correlation of the two activities.

    With `parts` > 1 the target is cut into that many runs of cues, each free to take its own offset,
    and a scale scores the sum of their best correlations: a cut then costs the run it falls in a
    share of its score, instead of making a wrong scale that straddles it look best. The offset
    returned is that of the best-scoring run.
    """
    scales = list(scales)
    if not scales:
        return []
    tgt_end = float(tgt_iv[:, 1].max()) * max(scales)
    span = max(src.end, tgt_end) + res_ms
    bins = int(math.ceil(span / res_ms)) + 1
    max_lag = int(math.ceil(max_offset_ms / res_ms))
    n_fft = _fft_size(bins + max_lag + 1)
    x = src.centred_activity(res_ms, bins)
    x_norm = math.sqrt(_energy(x)) or 1.0
    # the reference's spectrum is the same for every call with this bin size, blur and FFT size
    # (x only gains or loses zeros past the film's end with `bins`)
    spec_x = src._spectra.get((res_ms, sigma_ms, n_fft))
    if spec_x is None:
        spec_x = np.fft.rfft(x, n_fft)
        sigma_bins = sigma_ms / res_ms
        if sigma_bins > 0.5:  # blurring the correlation = multiplying the spectrum by a Gaussian
            arg = 2.0 * (math.pi * sigma_bins * np.fft.rfftfreq(n_fft)) ** 2
            keep = arg < 30.0  # beyond, the Gaussian is below 1e-13: zero it rather than underflow
            spec_x[keep] *= np.exp(-arg[keep])
            spec_x[~keep] = 0.0
        src._spectra[(res_ms, sigma_ms, n_fft)] = spec_x
    chunks = [c for c in np.array_split(tgt_iv, min(parts, max(1, len(tgt_iv) // 4))) if len(c)]
    # cue times are whole milliseconds, so scaling keeps them in order and apart: the union of the
    # scaled cues is the scaled union, to the bit
    unions = [union_intervals(c) for c in chunks]
    peaks = []
    for scale in scales:
        total, y_energy, best = 0.0, 0.0, (-np.inf, 0.0)
        for union in unions:
            y = _part_activity(Speech(union * scale), res_ms, bins)
            y_energy += _energy(y)
            corr = np.fft.irfft(spec_x * np.conj(np.fft.rfft(y, n_fft)), n_fft)
            # lag l >= 0 sits at corr[l], lag -l at corr[n_fft - l]
            window = np.concatenate([corr[n_fft - max_lag :], corr[: max_lag + 1]])
            k = int(np.argmax(window))
            total += float(window[k])
            if window[k] > best[0]:
                best = (float(window[k]), (k - max_lag) * res_ms)
        peaks.append(_Peak(total / (x_norm * (math.sqrt(y_energy) or 1.0)), scale, best[1]))
    return peaks


def _part_activity(part: Speech, res_ms: float, bins: int) -> np.ndarray:
    """``_centred(part.activity(0, res_ms, bins), ...)``, computed only over the part's own bins.

    Bins a whole bin before its first or after its last speech are exactly 0 either way (the
    cumulative speech is flat there); the others get the same edges, so the same values.
    """
    union = part.union
    first = max(0, int(union[0, 0] // res_ms) - 1)
    last = min(bins, int(math.ceil(union[-1, 1] / res_ms)) + 2)
    y = np.zeros(bins)
    if last > first:
        edges = res_ms * np.arange(first, last + 1, dtype=np.float64)
        y[first:last] = np.diff(part.cumulative(edges)) / res_ms
    return _centred(y, union, res_ms)


def _best_distinct(peaks: list[_Peak], n: int, min_gap: float) -> list[_Peak]:
    chosen: list[_Peak] = []
    for p in sorted(peaks, key=lambda p: -p.score):
        if all(abs(p.scale - c.scale) >= min_gap for c in chosen):
            chosen.append(p)
        if len(chosen) == n:
            break
    return chosen


def _search_scale_offset(
    src: Speech, tgt_iv: np.ndarray, *, scale_range: float, ratios: bool, max_offset_ms: float
) -> _Peak:
    """Coarse-to-fine beam search over (scale, offset); returns the best peak.

    Exact scales (1 and the frame-rate ratios) need no zooming: they are scored once at the finest
    blur. The continuous range is searched coarse to fine; at coarse blur a cut can pass for a small
    scale change, which is why the exact scales are not made to compete at that level.
    """
    duration = max(src.end, float(tgt_iv[:, 1].max()))
    named = {1.0}
    if ratios:
        named.update(frame_rate_ratios())
    finest = _correlate(src, tgt_iv, sorted(named), _MIN_SIGMA_MS, _MIN_SIGMA_MS / 2.5, max_offset_ms, _PARTS)
    if scale_range > 0:
        step = 2 * scale_range / (_GRID_SCALES - 1)
        sigma = max(step * duration, _MIN_SIGMA_MS)
        grid = np.linspace(1 - scale_range, 1 + scale_range, _GRID_SCALES).tolist()
        peaks = _correlate(src, tgt_iv, grid, sigma, max(sigma / 2.5, 40.0), max_offset_ms, _PARTS)
        beam = _best_distinct(peaks, _BEAM, step / 2)
        while step * duration > _MIN_SIGMA_MS:
            # zoom: the next grid covers one old step either side of each survivor
            new_step = 2 * step / (_ZOOM_SCALES - 1)
            sigma = max(new_step * duration, _MIN_SIGMA_MS)
            scales = sorted(
                {float(p.scale + d) for p in beam for d in np.linspace(-step, step, _ZOOM_SCALES)}
            )
            peaks = _correlate(src, tgt_iv, scales, sigma, max(sigma / 2.5, 40.0), max_offset_ms, _PARTS)
            step = new_step
            beam = _best_distinct(peaks, _BEAM, step / 2)
        finest += beam
    best = max(finest, key=lambda p: p.score)
    if best.score <= 1e-9:  # nothing correlates (a single cue, say): assume the same clock
        best = _Peak(0.0, 1.0, 0.0)
    # a last unblurred look at 50 ms for the offset of the winning scale
    return _correlate(src, tgt_iv, [best.scale], 0.0, 50.0, max_offset_ms)[0]


# ------------------------------------------------------------------------------ cuts and ad breaks


def _candidate_offsets(
    src: Speech,
    tgt_iv: np.ndarray,
    base_ms: float,
    max_jump_ms: float,
    res_ms: float = 400.0,
    window_sizes: tuple[tuple[int, float], ...] = ((4, 60_000.0), (8, 120_000.0)),
    max_window_ms: float = 240_000.0,
    max_candidates: int = 16,
) -> np.ndarray:
    """Offsets that windows of the (already scaled) target prefer, within `base_ms` +- `max_jump_ms`.

    Windows are runs of consecutive target cues at least 4 cues and 60 s long, and at least 8 cues
    and 120 s long (so a sparse film's windows hold few cues, a dense film's many; their number grows
    with the film, their size does not), each overlapping the next by about half. Each votes for the
    offset that covers most of its speech, if that covers at least 60 %. Votes within two bins are
    one candidate; a candidate needs two votes, or one that covers 85 %: chance peaks of single
    windows would otherwise become cuts.
    """
    n = len(tgt_iv)
    if n < 2:
        return np.array([base_ms])
    starts = tgt_iv[:, 0]
    windows = []
    for min_cues, min_ms in window_sizes:
        k = 0
        while True:
            end = max(k + min_cues, int(np.searchsorted(starts, starts[k] + min_ms)))
            windows.append((k, min(end, n) - k))
            if end >= n:
                break
            k = max(k + max(1, min_cues // 2), int(np.searchsorted(starts, starts[k] + min_ms / 2)))
            k = min(k, n - 1)
    ny = int(max_window_ms / res_ms)
    nx = ny + 2 * int(math.ceil(max_jump_ms / res_ms))
    n_fft = _fft_size(nx)  # the lags kept (0 .. nx - ny) never wrap round a circle of nx
    votes, strengths = [], []
    batch = max(1, (1 << 18) // n_fft)  # a few MB of spectra at a time: within the caches, linear in the film
    for b in range(0, len(windows), batch):
        w0, y = _window_activities(tgt_iv, windows[b : b + batch], max_window_ms, res_ms, ny)
        if not len(w0):
            continue
        x0 = w0 + base_ms - max_jump_ms
        x = src.activity(x0, res_ms, nx)
        corr = np.fft.irfft(
            np.fft.rfft(x, n_fft, axis=1) * np.conj(np.fft.rfft(y, n_fft, axis=1)), n_fft, axis=1
        )[:, : nx - ny + 1]
        best = np.argmax(corr, axis=1)
        cover = corr[np.arange(len(best)), best] / np.maximum(y.sum(axis=1), 1e-9)
        strong = cover >= 0.6
        votes.extend((x0 - w0 + best * res_ms)[strong].tolist())
        strengths.extend(cover[strong].tolist())
    if not votes:
        return np.array([base_ms])
    order = np.argsort(votes)
    v = np.array(votes)[order]
    c = np.array(strengths)[order]
    cut = np.flatnonzero(np.diff(v) > 2 * res_ms) + 1
    groups = [(g, cs) for g, cs in zip(np.split(v, cut), np.split(c, cut)) if len(g) >= 2 or cs.max() >= 0.85]
    groups.sort(key=lambda gc: len(gc[0]), reverse=True)
    cands = [float(np.median(g)) for g, _ in groups[:max_candidates]]
    if not any(abs(cand - base_ms) <= 2 * res_ms for cand in cands):
        cands.append(base_ms)
    return np.array(sorted(cands))


def _window_activities(
    tgt_iv: np.ndarray, windows: list[tuple[int, int]], max_window_ms: float, res_ms: float, bins: int
) -> tuple[np.ndarray, np.ndarray]:
    """First start and activity (`bins` bins from it) of each window of cues (first index, count) whose
    cues starting within `max_window_ms` hold at least 3 s of speech.

    The windows' unions are found all at once on a padded table, then each is read like
    ``Speech.of(cues).activity(start, res_ms, bins)``, with the same arithmetic (running maxima and
    sums along each row), so to the bit.
    """
    starts = tgt_iv[:, 0]
    first = np.array([k for k, _ in windows], dtype=np.int64)
    limit = first + np.array([size for _, size in windows], dtype=np.int64)
    # the cues of a window that start before its first start + max_window_ms - res_ms: a prefix
    count = np.minimum(np.searchsorted(starts, starts[first] + max_window_ms - res_ms), limit) - first
    width = int(count.max())
    idx = first[:, None] + np.arange(width)
    valid = np.arange(width) < count[:, None]
    idx = np.where(valid, idx, first[:, None])
    a = tgt_iv[idx, 0]
    ends = np.maximum.accumulate(np.where(valid, tgt_iv[idx, 1], -np.inf), axis=1)
    new = np.ones_like(valid)
    new[:, 1:] = a[:, 1:] > ends[:, :-1]
    new &= valid
    last = np.zeros_like(valid)  # the last cue of each run of overlapping cues: its running max ends it
    last[:, :-1] = new[:, 1:]
    last[np.arange(len(count)), count - 1] = True
    groups = new.sum(axis=1)
    g = int(groups.max())
    union_start = np.zeros((len(count), g))
    union_end = np.zeros((len(count), g))
    slot = np.arange(g) < groups[:, None]
    union_start[slot] = a[new]
    union_end[slot] = ends[last]
    lengths = np.where(slot, union_end - union_start, 0.0)
    before = np.zeros_like(lengths)
    np.cumsum(lengths[:, :-1], axis=1, out=before[:, 1:])
    total = before[np.arange(len(count)), groups - 1] + lengths[np.arange(len(count)), groups - 1]
    keep = np.flatnonzero(total >= 3_000)
    w0 = starts[first[keep]]
    edges = w0[:, None] + res_ms * np.arange(bins + 1, dtype=np.float64)
    cumulative = np.empty_like(edges)
    xp = np.stack([union_start, union_end], axis=2).reshape(len(count), -1)
    fp = np.stack([before, before + lengths], axis=2).reshape(len(count), -1)
    for row, w in enumerate(keep):
        m = 2 * int(groups[w])
        cumulative[row] = np.interp(edges[row], xp[w, :m], fp[w, :m])
    return w0, np.diff(cumulative, axis=1) / res_ms


def _segment_by_offset(
    src: Speech, tgt_iv: np.ndarray, cands: np.ndarray, base_ms: float, penalty: float = _SPLIT_PENALTY
) -> np.ndarray:
    """One candidate offset per target cue: coverage reward, `penalty` per change (Viterbi).

    A change costs up to half a cue less where the target pauses longer before the cue (up to 30 s):
    cuts and ad breaks fall in silences, and in dense dialogue a few cues next to the cut are often
    covered as well under either offset, so the pause decides where the segment starts.
    """
    a, b = tgt_iv[:, 0:1], tgt_iv[:, 1:2]
    cover = src.covered(a + cands, b + cands) / np.maximum(b - a, 1.0)
    n, k = cover.shape
    pause = np.concatenate([[0.0], tgt_iv[1:, 0] - np.maximum.accumulate(tgt_iv[:-1, 1])])
    cost = penalty - 0.5 * np.clip(pause / 30_000, 0.0, 1.0)
    home = int(np.argmin(np.abs(cands - base_ms)))
    value = cover[0] - np.where(np.arange(k) == home, 0.0, penalty / 2)
    switched = np.zeros((n, k), dtype=bool)
    came_from = np.zeros(n, dtype=np.int64)
    for j in range(1, n):
        best = int(np.argmax(value))
        jump = value[best] - cost[j]
        switched[j] = jump > value
        came_from[j] = best
        value = np.where(switched[j], jump, value) + cover[j]
    path = np.empty(n, dtype=np.int64)
    path[-1] = int(np.argmax(value))
    for j in range(n - 1, 0, -1):
        path[j - 1] = came_from[j] if switched[j, path[j]] else path[j]
    return cands[path]


def _segments_from_offsets(
    tgt_iv: np.ndarray, offsets: np.ndarray, scale: float, end_ms: float
) -> list[Segment]:
    """Runs of equal offset -> segments over target time, split halfway through the gap between runs."""
    change = np.flatnonzero(np.diff(offsets) != 0) + 1
    bounds = [0.0]
    for j in change:
        prev_end = float(tgt_iv[:j, 1].max())
        bounds.append(max(bounds[-1] + 1, (prev_end + float(tgt_iv[j, 0])) / 2))
    bounds.append(max(end_ms, bounds[-1] + 1))
    firsts = np.concatenate([[0], change])
    return [
        Segment(int(round(bounds[i])), int(round(bounds[i + 1])), scale, float(offsets[f]))
        for i, f in enumerate(firsts)
    ]


# ---------------------------------------------------------------------------------- robust refinement


def best_matches(
    src_iv: np.ndarray, mapped_iv: np.ndarray, min_iou: float = _MATCH_IOU, reach: int = 3
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mutual best-IoU pairs between sorted source intervals and mapped target intervals.

    Returns (source index, target index, IoU) arrays of the pairs with IoU >= `min_iou`.
    """
    if not len(src_iv) or not len(mapped_iv):
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([])

    def best(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        centre = np.searchsorted(b[:, 0], a[:, 0])
        idx = np.clip(centre[:, None] + np.arange(-reach, reach + 1), 0, len(b) - 1)
        inter = np.clip(np.minimum(a[:, 1:2], b[idx, 1]) - np.maximum(a[:, 0:1], b[idx, 0]), 0, None)
        union = (a[:, 1:2] - a[:, 0:1]) + (b[idx, 1] - b[idx, 0]) - inter
        iou = inter / np.maximum(union, 1.0)
        k = np.argmax(iou, axis=1)
        rows = np.arange(len(a))
        return idx[rows, k], iou[rows, k]

    t2s, iou = best(mapped_iv, src_iv)
    s2t, _ = best(src_iv, mapped_iv)
    j = np.arange(len(mapped_iv))
    ok = (s2t[t2s] == j) & (iou >= min_iou)
    return t2s[ok], j[ok], iou[ok]


def _huber_fit(
    t: np.ndarray,
    y: np.ndarray,
    seg: np.ndarray,
    n_seg: int,
    scale: float,
    fit_scale: bool,
    delta: float = _HUBER_MS,
    rounds: int = 15,
) -> tuple[float, np.ndarray]:
    """y ~ scale * t + offset[seg] by iteratively reweighted least squares with Huber weights.

    The weighted least-squares step has a closed form (one shared slope, one intercept per segment:
    the slope of the within-segment deviations), so each round is O(n) with no matrix solve.
    """
    w = np.ones(len(t))
    offsets = np.zeros(n_seg)
    for _ in range(rounds):
        w_sum = np.bincount(seg, w, n_seg)
        safe = np.where(w_sum > 0, w_sum, 1.0)
        if fit_scale:
            t_mean = (np.bincount(seg, w * t, n_seg) / safe)[seg]
            y_mean = (np.bincount(seg, w * y, n_seg) / safe)[seg]
            spread = float(np.sum(w * (t - t_mean) ** 2))
            if spread > 0:
                scale = float(np.sum(w * (t - t_mean) * (y - y_mean)) / spread)
        offsets = np.bincount(seg, w * (y - scale * t), n_seg) / safe
        r = np.abs(y - scale * t - offsets[seg])
        w = np.where(r <= delta, 1.0, delta / np.maximum(r, 1e-9))
    return scale, offsets


def refine_transform(
    transform: Transform, target_ms: np.ndarray, source_ms: np.ndarray, *, fit_scale: bool | None = None
) -> Transform:
    """Refit `transform` on matched times (target -> source), robustly, keeping its segmentation.

    One scale is shared by every segment (a cut does not change the frame rate); each segment gets its
    own offset. The scale is refitted only when `fit_scale` is True, or when None and the matches are
    many (>= 12) and spread over at least a quarter of the film; segments without matches keep their
    offset. A refitted scale within three standard errors of 1 or of a frame-rate ratio is snapped to
    it: the drift of independently timed tracks should not pass for a speed change.
    """
    t = np.asarray(target_ms, dtype=np.float64)
    y = np.asarray(source_ms, dtype=np.float64)
    segs = transform.segments
    if len(t) < 2:
        return transform
    seg = transform.segment_of(t)
    if fit_scale is None:
        duration = max(s.end_ms for s in segs) - segs[0].start_ms
        fit_scale = len(t) >= 24 and (t.max() - t.min()) >= max(0.25 * duration, 120_000)
    scale, offsets = _huber_fit(t, y, seg, len(segs), transform.scale, fit_scale)
    if fit_scale:
        exact = min([1.0, *frame_rate_ratios()], key=lambda r: abs(r - scale))
        if abs(exact - scale) <= max(3 * _slope_error(t, y - scale * t - offsets[seg], seg, len(segs)), 1e-7):
            scale, offsets = _huber_fit(t, y, seg, len(segs), exact, False)
    present = np.bincount(seg, minlength=len(segs)) > 0
    new = [
        Segment(
            s.start_ms,
            s.end_ms,
            scale,
            float(offsets[k])
            if present[k]
            else s.offset_ms + (transform.scale - scale) * (s.start_ms + s.end_ms) / 2,
        )
        for k, s in enumerate(segs)
    ]
    residual = float(np.median(np.abs(y - scale * t - offsets[seg])))
    return Transform(_merge_equal(new), transform.score, residual, len(t) // 2)


def _slope_error(t: np.ndarray, resid: np.ndarray, seg: np.ndarray, n_seg: int) -> float:
    """Standard error of a fitted slope (per-segment intercepts), from a robust residual scale."""
    sigma = 1.4826 * float(np.median(np.abs(resid - np.median(resid))))
    centred = t - np.array([t[seg == k].mean() if (seg == k).any() else 0.0 for k in range(n_seg)])[seg]
    spread = float(np.sum(centred**2))
    return sigma / math.sqrt(spread) if spread > 0 else math.inf


def _merge_equal(segments: list[Segment], tolerance_ms: float = 40.0) -> list[Segment]:
    """Join neighbouring segments whose offsets ended up (nearly) the same."""
    out = [segments[0]]
    for s in segments[1:]:
        last = out[-1]
        if abs(s.offset_ms - last.offset_ms) <= tolerance_ms and s.scale == last.scale:
            out[-1] = Segment(last.start_ms, s.end_ms, last.scale, (last.offset_ms + s.offset_ms) / 2)
        else:
            out.append(s)
    return out


def matched_times(
    src_iv: np.ndarray, tgt_iv: np.ndarray, transform: Transform
) -> tuple[np.ndarray, np.ndarray]:
    """(target ms, source ms) of the starts and ends of confident matches under `transform`."""
    seg = transform.segment_of(tgt_iv[:, 0])
    mapped = np.column_stack([transform.apply(tgt_iv[:, 0], seg), transform.apply(tgt_iv[:, 1], seg)])
    order = np.argsort(mapped[:, 0], kind="stable")
    si, tj, _ = best_matches(src_iv, mapped[order])
    tj = order[tj]
    return (np.concatenate([tgt_iv[tj, 0], tgt_iv[tj, 1]]), np.concatenate([src_iv[si, 0], src_iv[si, 1]]))


# -------------------------------------------------------------------------------------------- public


def fit_timeline(
    source: Track | Sequence[Cue],
    target: Track | Sequence[Cue],
    *,
    max_offset_ms: float = MAX_OFFSET_MS,
    scale_range: float = SCALE_RANGE,
    ratios: bool = True,
    cuts: bool = True,
) -> Transform:
    """The transform from `target` time to `source` time.

    `max_offset_ms` bounds the global offset and each cut's jump; `scale_range` the continuous
    frame-rate search (0 disables it); `ratios` adds the exact ratios between 23.976, 24, 25,
    29.97 and 30 fps; `cuts` allows piecewise offsets. With no speech in either track the identity is
    returned with score 0.
    """
    src_iv = intervals(source)
    tgt_iv = intervals(target)
    end_ms = float(tgt_iv[:, 1].max()) if len(tgt_iv) else 0.0
    if not len(src_iv) or not len(tgt_iv):
        return Transform.identity(int(end_ms))
    src = Speech.of(src_iv)
    peak = _search_scale_offset(
        src, tgt_iv, scale_range=scale_range, ratios=ratios, max_offset_ms=max_offset_ms
    )
    fit_scale = None if scale_range > 0 else False
    best = _fit_at_scale(
        src, src_iv, tgt_iv, peak.scale, peak.offset_ms, end_ms, fit_scale, cuts, max_offset_ms
    )
    # A cut can pass for a small change of scale (offsets drifting apart): try the exact scale nearest
    # to the fit, and 1, with cuts allowed, and keep whichever covers the source's speech best. The
    # search's own winner is often one of them (1, refitted to 1.000003): its unblurred offset and its
    # fit are then the ones above, so they are not computed twice (both are pure functions of the start).
    exact = {1.0}
    if ratios:
        exact.add(min(frame_rate_ratios(), key=lambda r: abs(r - best.scale)))
    for scale in sorted(exact):
        if abs(scale - best.scale) < 1e-6 or abs(scale - best.scale) > max(scale_range, 1e-9) + 0.01:
            continue
        if scale == peak.scale:
            continue  # same start (scale, unblurred offset) as `best`: the same fit, not better than itself
        offset = _correlate(src, tgt_iv, [scale], 0.0, 50.0, max_offset_ms)[0].offset_ms
        other = _fit_at_scale(src, src_iv, tgt_iv, scale, offset, end_ms, fit_scale, cuts, max_offset_ms)
        if other.score > best.score + 1e-3:
            best = other
    return best


def _fit_at_scale(
    src: Speech,
    src_iv: np.ndarray,
    tgt_iv: np.ndarray,
    scale: float,
    offset: float,
    end_ms: float,
    fit_scale: bool | None,
    cuts: bool,
    max_offset_ms: float,
) -> Transform:
    """From a (scale, offset) start: robust refit, cut search, refit; scored by speech coverage."""
    # sharpen scale and offset on the whole film first (robust: the part past a cut is outliers) ...
    transform = _refine_rounds(
        src_iv, tgt_iv, Transform([Segment(0, int(max(end_ms, 1)), scale, offset)]), fit_scale
    )
    # ... so that the cut search sees offsets, not drift
    if cuts and len(tgt_iv) >= 4:
        scale, offset = transform.scale, transform.segments[0].offset_ms
        scaled = tgt_iv * scale
        cands = _candidate_offsets(src, scaled, offset, max_offset_ms)
        if len(cands) > 1:
            offsets = _segment_by_offset(src, scaled, cands, offset)
            segments = _segments_from_offsets(tgt_iv, offsets, scale, end_ms)
            if len(segments) > 1:
                transform = _refine_rounds(src_iv, tgt_iv, Transform(segments), fit_scale)
            if len(transform.segments) > 1:
                # once more with the refined offsets: the candidates were only good to a bin or two,
                # which can move a cut by a cue or two in dense dialogue
                scale = transform.scale
                refined = np.array(sorted({s.offset_ms for s in transform.segments}))
                offsets = _segment_by_offset(src, tgt_iv * scale, refined, transform.segments[0].offset_ms)
                segments = _segments_from_offsets(tgt_iv, offsets, scale, end_ms)
                transform = _refine_rounds(src_iv, tgt_iv, Transform(segments), fit_scale)
    transform.score = _correlation_score(src, tgt_iv, transform)
    return transform


def _refine_rounds(
    src_iv: np.ndarray, tgt_iv: np.ndarray, transform: Transform, fit_scale: bool | None, rounds: int = 4
) -> Transform:
    """Match, refit, rematch: each round the better fit finds more confident matches."""
    for _ in range(rounds):
        t, y = matched_times(src_iv, tgt_iv, transform)
        if len(t) < 2:
            break
        refined = refine_transform(transform, t, y, fit_scale=fit_scale)
        refined.score = transform.score
        done = refined.segments == transform.segments
        transform = refined
        if done:
            break
    return transform


def _correlation_score(src: Speech, tgt_iv: np.ndarray, transform: Transform) -> float:
    """Normalised overlap of the two speech signals under `transform` (cosine of the indicators)."""
    seg = transform.segment_of(tgt_iv[:, 0])
    mapped = np.column_stack([transform.apply(tgt_iv[:, 0], seg), transform.apply(tgt_iv[:, 1], seg)])
    mapped = mapped[np.argsort(mapped[:, 0], kind="stable")]
    tgt = Speech.of(mapped)
    overlap = float(src.covered(tgt.union[:, 0], tgt.union[:, 1]).sum())
    return overlap / math.sqrt(max(src.total * tgt.total, 1.0))
