"""Timeline fit on real films: offsets, frame-rate changes, ad breaks, independent timing, outliers."""

import numpy as np
import pytest
from conftest import SAMPLES, TEARS_OF_STEEL

from subpipe.align import load_track
from subpipe.align.timeline import (
    Segment,
    Speech,
    Transform,
    fit_timeline,
    frame_rate_ratios,
    nearest_frame_rate_ratio,
    refine_transform,
    union_intervals,
)
from subpipe.cues import Cue, Track

NTSC = 24000 / 1001


@pytest.fixture(scope="module")
def tos():
    return load_track(TEARS_OF_STEEL / "TOS-en.vtt", lang="en"), load_track(TEARS_OF_STEEL / "TOS-de.vtt", lang="de")


def retimed(track: Track, f, scale: float = 1.0) -> Track:
    """`track` with every cue started at `f(start)` and lasting `scale` times as long (a cue never
    straddles a cut: it moves with its start)."""
    return track.copy(
        cues=[
            c.copy(start=int(round(f(c.start))), end=int(round(f(c.start) + scale * (c.end - c.start))))
            for c in track.cues
        ]
    )


def truth_error(fit: Transform, target: Track, true_source) -> np.ndarray:
    starts = np.array([c.start for c in target.cues], dtype=float)
    return np.abs(fit.apply(starts) - np.array([true_source(c) for c in target.cues]))


@pytest.mark.parametrize("offset_ms", [597_000, 42_000, -20_000])
def test_a_constant_offset_is_found_exactly(tos, offset_ms):
    en, de = tos
    fit = fit_timeline(en, retimed(de, lambda t: t + offset_ms))
    assert fit.to_dict() == {
        "segments": [{"start_ms": 0, "end_ms": fit.segments[0].end_ms, "scale": 1.0, "offset_ms": -offset_ms}]
    }
    assert fit.score > 0.99


@pytest.mark.parametrize("fps_from, fps_to", [(25.0, NTSC), (NTSC, 25.0), (24.0, 25.0), (30000 / 1001, 30.0)])
def test_a_frame_rate_conversion_is_found_and_named(tos, fps_from, fps_to):
    en, de = tos
    scale = fps_from / fps_to  # a 25 fps master played at 23.976: everything 4.3 % later
    target = retimed(de, lambda t: t * scale + 1_250, scale)
    fit = fit_timeline(en, target)
    assert fit.scale == pytest.approx(1 / scale, abs=2e-6)
    assert truth_error(fit, target, lambda c: (c.start - 1_250) / scale).max() < 5
    assert "fps" in fit.describe()


def test_a_continuous_scale_within_five_percent_is_found(tos):
    en, de = tos
    target = retimed(de, lambda t: t * 1.0371 - 3_000, 1.0371)
    fit = fit_timeline(en, target)
    assert fit.scale == pytest.approx(1 / 1.0371, rel=1e-5)
    assert np.median(truth_error(fit, target, lambda c: (c.start + 3_000) / 1.0371)) < 5


def test_an_ad_break_becomes_two_segments_split_in_the_silence(tos):
    en, de = tos
    cut = 240_000  # between cue 31 (4:05-4:08) and cue 32 (4:52)
    target = retimed(de, lambda t: t + 500 if t < cut else t + 500 + 95_000)
    fit = fit_timeline(en, target)
    assert [(seg["scale"], seg["offset_ms"]) for seg in fit.to_dict()["segments"]] == [
        (1.0, -500),
        (1.0, -95_500),
    ]
    boundary = fit.segments[1].start_ms
    assert 248_500 <= boundary <= 292_500 + 95_000  # after the last cue before, before the first after
    assert (
        truth_error(fit, target, lambda c: c.start - 500 if c.start < cut + 500 else c.start - 95_500).max()
        < 2
    )


def test_a_cut_and_a_frame_rate_change_together(tos):
    en, de = tos
    scale = 25.0 / NTSC
    target = retimed(de, lambda t: t * scale + (0 if t < 300_000 else 60_000), scale)
    fit = fit_timeline(en, target)
    assert len(fit.segments) == 2 and fit.scale == pytest.approx(1 / scale, abs=1e-5)
    err = truth_error(
        fit, target, lambda c: c.start / scale if c.start < 300_000 * scale else (c.start - 60_000) / scale
    )
    assert err.max() < 10


def test_cues_only_one_track_has_do_not_drag_the_fit(tos):
    en, de = tos
    extra = [
        Cue(s, s + 2_500, "(sound)", position=100 + k) for k, s in enumerate(range(60_000, 560_000, 23_000))
    ]
    target = retimed(de, lambda t: t + 7_000)
    target = target.copy(cues=target.cues + extra)
    fit = fit_timeline(en, target)
    assert fit.to_dict()["segments"] == [
        {"start_ms": 0, "end_ms": fit.segments[0].end_ms, "scale": 1.0, "offset_ms": -7_000}
    ]


def test_independently_timed_tracks_get_a_plain_offset_not_a_spurious_speed_change():
    en = load_track(SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt")
    de = load_track(SAMPLES / "elephants-dream" / "ElephantsDream.de.vtt")
    fit = fit_timeline(en, de)
    assert len(fit.segments) == 1 and fit.scale == 1.0
    assert -500 < fit.segments[0].offset_ms < 0  # the German cues start a little later
    assert fit.residual_ms < 300 and fit.matches > 60


def test_nothing_to_fit_gives_the_identity():
    fit = fit_timeline(Track(), Track([Cue(0, 1000, "x")]))
    assert fit.to_dict() == {"segments": [{"start_ms": 0, "end_ms": 1000, "scale": 1.0, "offset_ms": 0}]}
    only_empty = Track([Cue(0, 1000, ""), Cue(2000, 3000, "{\\fad(1,1)}", comment=True)])
    assert fit_timeline(only_empty, only_empty).segments[0].offset_ms == 0


def test_transform_maps_each_cue_through_the_segment_of_its_start():
    t = Transform([Segment(0, 60_000, 1.0, 0), Segment(60_000, 200_000, 1.0, -30_000)])
    assert t.map_interval(59_000, 62_000) == (59_000, 62_000)  # straddles the cut: stays whole
    assert t.map_interval(61_000, 62_000) == (31_000, 32_000)
    assert list(t.apply([0, 70_000, 999_999])) == [0, 40_000, 969_999]
    assert Transform.from_dict(t.to_dict()).to_dict() == t.to_dict()


def test_robust_refinement_ignores_outliers():
    rng = np.random.default_rng(7)
    t = np.sort(rng.uniform(0, 3_600_000, 400))
    y = t * 0.95904 + 2_000 + rng.normal(0, 40, len(t))
    y[::5] += rng.uniform(-20_000, 20_000, len(y[::5]))  # one match in five is wrong
    start = Transform([Segment(0, 3_600_000, 0.96, 0.0)])
    fit = refine_transform(start, t, y, fit_scale=True)
    assert fit.scale == pytest.approx(0.95904, abs=2e-6)  # snapped to 23.976/25 exactly
    assert fit.segments[0].offset_ms == pytest.approx(2_000, abs=15)


def test_frame_rate_ratios_and_their_names():
    ratios = frame_rate_ratios()
    assert len(ratios) == 20 and 25 / NTSC in ratios and NTSC / 30 in ratios
    assert nearest_frame_rate_ratio(25 / NTSC) == "25 -> 23.976 fps"
    assert nearest_frame_rate_ratio(1.02) is None


def test_speech_coverage_is_exact_at_any_resolution():
    union = union_intervals(np.array([[0, 1000], [500, 1500], [3000, 4000.0]]))
    speech = Speech(union)
    assert speech.total == 2500
    assert float(speech.covered(1000, 3500)) == 1000
    assert list(speech.activity(0.0, 1000.0, 4)) == [1.0, 0.5, 0.0, 1.0]


@pytest.mark.parametrize("scale", [1.0, 25 / NTSC, NTSC / 30, 0.95 + 0.1 / 128 * 37, 1.05])
@pytest.mark.parametrize("res_ms", [50.0, 400.0, 4312.8])
def test_the_correlation_reads_each_part_as_the_plain_computation_would_to_the_bit(tos, scale, res_ms):
    """The correlation scales a part's union instead of the part's cues, and computes a part's activity
    only over its own bins (the rest is zeros): both must give the plain computation's bits, since
    scores and peaks are compared across scales (Tears of Steel's cues, both halves and the whole)."""
    from subpipe.align.timeline import _centred, _part_activity, intervals

    iv = intervals(load_track(TEARS_OF_STEEL / "TOS-de.vtt").cues)
    bins = int(np.ceil((iv[-1, 1] * 1.06 + res_ms) / res_ms)) + 1
    for part in (iv, iv[: len(iv) // 2], iv[len(iv) // 2 :]):
        plain = Speech.of(part * scale)
        ours = Speech(union_intervals(part) * scale)
        np.testing.assert_array_equal(ours.union, plain.union)
        np.testing.assert_array_equal(ours.fp, plain.fp)
        expected = _centred(plain.activity(0.0, res_ms, bins), plain.union, res_ms)
        np.testing.assert_array_equal(_part_activity(ours, res_ms, bins), expected)


def test_the_reference_signal_kept_for_one_length_serves_any_other(tos):
    """`Speech.centred_activity` keeps one length and slices or pads it: the same bits as computing the
    signal afresh for each length, whichever length was asked first."""
    from subpipe.align.timeline import _centred, intervals

    for lengths in ((0, 500, 5000, 2), (5000, 0, 500, 9)):  # extra bins past the last speech
        speech = Speech.of(intervals(tos[0].cues))
        needed = int(np.ceil(speech.end / 20.0)) + 1
        for extra in lengths:
            fresh = _centred(speech.activity(0.0, 20.0, needed + extra), speech.union, 20.0)
            np.testing.assert_array_equal(speech.centred_activity(20.0, needed + extra), fresh)


def test_mapping_many_cues_at_once_gives_each_cue_s_own_mapping(tos):
    """`Transform.map_intervals` (the linker's) and `map_interval` (one cue's) agree on every cue of a
    film through a three-segment transform, times falling half-way between milliseconds included."""
    de = tos[1]
    transform = Transform([Segment(0, 200_000, 25 / NTSC, 420.5), Segment(200_000, 400_000, 25 / NTSC, -9_000.25),
                           Segment(400_000, 10**7, 25 / NTSC, 0.5)])
    starts, ends = [c.start for c in de.cues] + [1, 3], [c.end for c in de.cues] + [2, 5]
    one_by_one = [transform.map_interval(s, e) for s, e in zip(starts, ends)]
    assert transform.map_intervals(starts, ends) == one_by_one
    assert Transform([Segment(0, 9, 1.0, 0.5)]).map_intervals([1, 2], [3, 4]) == [(2, 4), (2, 4)]  # half-even


@pytest.mark.parametrize("scale", [1.0, 25 / NTSC])
def test_the_cut_search_reads_its_windows_as_one_speech_track_each_to_the_bit(tos, scale):
    """`_window_activities` finds every window's union at once: the same first starts and activities as
    ``Speech.of(window).activity(...)`` window by window, for windows of overlapping cues too (the
    German track with every third cue stretched over the next two) and windows cut short by their
    length, and without the windows of too little speech."""
    from subpipe.align.timeline import _window_activities, intervals

    iv = intervals(tos[1].cues) * scale
    stretched = iv.copy()
    stretched[::3, 1] = np.maximum(stretched[::3, 1], np.roll(iv[:, 1], -2)[::3])
    short = iv.copy()
    short[::3, 1] = short[::3, 0] + 500  # a window of one of these holds too little speech
    for cues in (iv, stretched, short):
        windows = [(k, size) for size in (1, 4, 9, 30) for k in range(0, len(cues) - size, 3)]
        w0, y = _window_activities(cues, windows, 60_000.0, 400.0, 150)
        expected_w0, expected_y = [], []
        for k, size in windows:
            part = cues[k : k + size]
            part = part[part[:, 0] < part[0, 0] + 60_000.0 - 400.0]
            speech = Speech.of(part)
            if speech.total >= 3_000:
                expected_w0.append(part[0, 0])
                expected_y.append(speech.activity(part[0, 0], 400.0, 150))
        assert 0 < len(expected_w0) < len(windows) or cues is not short
        np.testing.assert_array_equal(w0, expected_w0)
        np.testing.assert_array_equal(y, np.stack(expected_y))
