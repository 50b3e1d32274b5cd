"""The evaluation: seeded distortions keep exact gold links; the aligner meets its targets on them and
on the hand-made Elephants Dream gold set."""

import pytest
from conftest import CORPUS, SAMPLES

from subpipe.align import align_tracks
from subpipe.align.evaluate import (
    DISTORTIONS,
    distort,
    evaluate,
    gold_units,
    load_gold,
    score_against_gold,
    score_units,
    shared_timing_pairs,
    sync_residuals,
)

GOLD = SAMPLES / "gold" / "elephants-dream.en-de.links.json"


@pytest.fixture(scope="module")
def pairs():
    return shared_timing_pairs(CORPUS)


@pytest.fixture(scope="module")
def tos_de(pairs):
    return next((s, t) for film, s, t in pairs if film == "tears-of-steel" and t.lang == "de")


@pytest.mark.parametrize("kind", DISTORTIONS)
def test_every_cue_of_both_tracks_is_in_exactly_one_gold_unit(tos_de, kind):
    source, target = tos_de
    d = distort(source, target, kind, seed=3)
    src = sorted(p for s, _ in d.gold for p in s)
    tgt = sorted(p for _, t in d.gold for p in t)
    assert src == [c.position for c in source.cues]
    assert tgt == list(range(len(d.track.cues)))
    assert distort(source, target, kind, seed=3).gold == d.gold  # reproducible


def test_distortions_make_the_link_types_they_promise(tos_de):
    source, target = tos_de
    kinds = {k: {(len(s), len(t)) for s, t in distort(source, target, k, 1).gold} for k in DISTORTIONS}
    assert kinds["offset"] == kinds["jitter"] == {(1, 1)}
    assert (1, 2) in kinds["split"] and (2, 1) in kinds["merge"] and (1, 0) in kinds["drop"]
    assert {(1, 2), (2, 1), (1, 0)} <= kinds["combined"]


def test_the_truth_is_the_clock_before_the_damage(tos_de):
    source, target = tos_de
    d = distort(source, target, "cut", 0)
    transform = align_tracks(source, d.track).transform
    assert len(transform.segments) == 2
    assert sync_residuals(transform, d).max() < 5


def test_scores_follow_vecalign():
    gold = [((0,), (0,)), ((1, 2), (1,)), ((3,), ())]
    assert score_units(gold, gold)["strict_f1"] == 1.0
    half = score_units(gold, [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), ())])
    assert half["strict_precision"] == 0.5 and half["lax_precision"] == 0.75 and half["lax_recall"] == 1.0


def test_strict_f1_on_distorted_films_and_sync_residual(pairs):
    """The issue's targets: strict F1 >= 0.95 averaged over distortions and languages (Tears of Steel:
    5 languages, Sintel: 8), median sync residual <= 100 ms."""
    result = evaluate(pairs, DISTORTIONS, seeds=(0,))
    per = result.by_distortion()
    print("\n" + result.markdown())
    assert len(result.results) == 13 * len(DISTORTIONS)
    assert result.strict_f1 >= 0.95
    assert result.residual_median_ms <= 100
    assert min(d["strict_f1"] for d in per.values()) >= 0.9
    assert all(d["residual_median_ms"] <= 100 for d in per.values())


def test_the_hand_made_gold_set(tmp_path):
    gold = load_gold(GOLD)
    alignment = align_tracks(
        SAMPLES / gold["source"]["path"].removeprefix("samples/"),
        SAMPLES / gold["target"]["path"].removeprefix("samples/"),
    )
    scores = score_against_gold(alignment.units(), gold)
    assert len(gold_units(gold)) == 77 + 12  # the whole film: every cue linked or unaligned
    assert scores["strict_f1"] >= 0.95 and scores["lax_f1"] >= 0.98


def test_the_sample_glossary_keeps_the_gold_links():
    # Glossary anchors (names such as Proog, never translated) must only confirm the links, never merge two.
    gold = load_gold(GOLD)
    alignment = align_tracks(SAMPLES / "elephants-dream" / "ElephantsDream.en.vtt",
                             SAMPLES / "elephants-dream" / "ElephantsDream.de.vtt",
                             glossary=SAMPLES / "glossary" / "films.csv")
    scores = score_against_gold(alignment.units(), gold)
    assert scores["strict_f1"] >= 0.99 and scores["lax_f1"] >= 0.99
