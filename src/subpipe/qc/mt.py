"""MT faults as QC findings: each translated sentence (or cue) held against its source.

A translation engine fails in ways delivery rules never see: a line left in the source language, a
decoder loop ("de la de la de la"), an output cut short or run on far beyond its source, a number or
a name dropped, a glossary placeholder lost, and words that are no language at all ("¡Root no él y
ra!"). `check_pairs` finds them, one `Finding` per fault, on the target cue that shows the text
(position, file line, timecode), so staff know which cues to look at first.

Kinds, worst first (`KINDS`):

- ``mt-placeholder`` (error): a protected glossary term, or a name found in the film and protected the
  same way, whose placeholder the engine lost and that the unprotected retry did not render either (the
  protection record's ``unresolved`` slots of `subpipe.translate.protect`, never recomputed here; the
  message says "name" or "glossary term" from the slot's ``origin``);
- ``mt-untranslated``: the output equals the source, or the language detector (restricted to the
  pair) is sure it is in the source language, or it copies a word of the source language that the
  target language hardly uses ("Eso es nice.");
- ``mt-nonsense``: not plausible text of the target language: a word doubled back to back ("¿Por qué
  no te te ata mi mano?") where the source repeats none, words put in for a source that is only a
  cry ("Whoaaa!" -> "¡Quién una vez!"), or a quarter or more of its words (not
  copied from the source, not stretched interjections) unknown to the target language's word
  frequencies (`lexicon`: spacy-lookups-data's ``lexeme_prob``, for English, Spanish, German, Greek;
  other languages get the doubled-word rule only). Fluent nonsense made of real words ("Je suis
  chaises.") passes: that is the round trip's to catch;
- ``mt-round-trip``: an independent engine neither translates the line back to anything like its
  source nor translates the source to anything like the line (`subpipe.qc.roundtrip`; where no
  independent engine covers the pair, an info ``mt-round-trip-not-run`` says so);
- ``mt-runaway``: the output far longer than its source (`RUNAWAY_RATIO`), the sign of a decoder
  that ran to its length cap;
- ``mt-repetition``: an n-gram repeated in a loop (`LOOP_REPEATS` times in a row) more than in the
  source ("No, no, no!" translated as "¡No, no, no!" is no loop), or a piece of a word looping
  ("pparrererererere");
- ``mt-length-ratio``: the character-length ratio far from the film's own norm for the pair (median
  and MAD of the log ratio over the film's pairs, `RATIO_MADS`) *and* outside an absolute band
  (`RATIO_BAND`): subtitle translators condense, so only the far tail is a fault;
- ``mt-lost-number``: a number written in digits in the source missing in the output, or one written as a
  word ("Two minutes left!", `NUMBER_WORDS`: English, Spanish, French, German, Italian, Portuguese, Dutch)
  that the output has neither in digits nor as a number word of its own language;
- ``mt-lost-name``: a do-not-translate glossary term, or a capitalised name in mid-sentence (not a
  word of the source language's lexicon), present in the source and missing in the output (not where
  an ``mt-placeholder`` error already reports that name on the cue: one fault, one finding);
- ``mt-punctuation``: a question of the source that the output no longer asks (its final "?" gone: a
  question turned into a statement, which subtitlers check), or, in Spanish, an opening "¡" / "¿" never
  closed ("¡Hazlo."). Human subtitles drop a final "!" too often for that to be a fault.

Thresholds were tuned on the corpus films' human translations (Tears of Steel and Sintel language
versions paired by time: good translations that must not be flagged) and on the demo models' output
for the same cues (see tests/qc/test_mt.py for the measured rates).

>>> pairs = [MTPair("We have 3 minutes, Thom.", "Tenemos minutos, Thom.", position=4, start_ms=1000, end_ms=2500),
...          MTPair("Look at the stars.", "de la de la de la de la", position=5, start_ms=3000, end_ms=4000)]
>>> [(f.position, f.kind) for f in check_pairs(pairs, "en", "es", detect=False)]
[(4, 'mt-lost-number'), (5, 'mt-repetition')]
"""

import math
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from subpipe.cues import Track, format_timecode
from subpipe.errors import Finding
from subpipe.limits import excerpt
from subpipe.typography import inverted_marks

KINDS = ("mt-placeholder", "mt-untranslated", "mt-nonsense", "mt-round-trip", "mt-runaway", "mt-repetition",
         "mt-length-ratio", "mt-lost-number", "mt-lost-name", "mt-punctuation")
# A line with one of these needs no round trip: it is already flagged as a whole.
WHOLE_LINE = frozenset({"mt-untranslated", "mt-nonsense", "mt-runaway", "mt-repetition"})
_RANK = {kind: n for n, kind in enumerate(KINDS)}

# An output this many times its source's length (and `RUNAWAY_EXTRA` characters longer) ran away.
RUNAWAY_RATIO = 3.0
RUNAWAY_EXTRA = 40
# A loop: an n-gram (n <= `LOOP_MAX_N`) repeated this many times in a row (unigrams: one more).
LOOP_REPEATS = 3
LOOP_MAX_N = 4
# Length ratio: log ratio of (chars + `RATIO_SMOOTH`), flagged beyond `RATIO_MADS` scaled MADs from
# the film's median and outside [1/RATIO_BAND, RATIO_BAND]; a film with fewer than `RATIO_MIN_PAIRS`
# pairs uses the band alone. Short lines swing wildly ("Yes." / "Sí."): the smoothing tames them.
RATIO_SMOOTH = 10
RATIO_MADS = 4.0
RATIO_BAND = 2.5
RATIO_MIN_PAIRS = 20
# Untranslated by the detector: only on outputs with this many letters (short lines are
# shared between languages: "No.", "Idiot!"); sure when the source language gets `SOURCE_SURE`.
DETECT_MIN_LETTERS = 12
SOURCE_SURE = 0.9
# Nonsense by the lexicon: this share of the words not copied from the source unknown (and at least
# one word), where the target language has word frequencies (`lexicon`).
NONSENSE_UNKNOWN_SHARE = 0.25
NONSENSE_MIN_WORDS = 1
LEXICON_MIN_LETTERS = 3
# A word copied from the source is left untranslated when it is this much (natural log) more frequent in
# the source language than in the target: 100 times. Human subtitles of the corpus films: at most 4.0
# ("still" from German into English); the demo models' copies: 5.1 and more ("nice", "she", "ella").
LEFT_LOGPROB_GAP = math.log(100)
# Words for a cry: this many words in the output of a source that is only a cry ("Whoaaa!").
CRY_MIN_WORDS = 2
# A word rarer than this (natural log probability in spaCy's word frequencies) is unknown.
RARE_LOGPROB = -18.0
# Name in mid-sentence: a capitalised word of this many letters, after a word; not in languages that
# capitalise every noun.
CAPITALISED_NOUNS = frozenset({"de", "lb"})
NAME_MIN_LETTERS = 3


@dataclass(frozen=True)
class MTPair:
    """A source text and its translation, and the target cue that shows the translation (where a
    finding points: position, file line, times; a sentence over several cues names its first and
    spans their times)."""

    source: str
    target: str
    position: int | None = None
    start_ms: int | None = None
    end_ms: int | None = None
    line: int | None = None
    positions: tuple[int, ...] = ()


# --- words --------------------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_STRETCHED_RE = re.compile(r"(.)\1\1")  # "Whoaaa", "RAAAAH": interjections no lexicon lists
_STUTTER_RE = re.compile(r"(?<!\w)([^\W\d_]+) \1(?!\w)", re.IGNORECASE)
_SOURCE_REPEAT_RE = re.compile(r"(?<!\w)([^\W\d_]+)[\s,.!?-]+\1(?!\w)", re.IGNORECASE)
_PIECE_LOOP_RE = re.compile(r"([^\W\d_]{2,4}?)\1{3,}", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\d+(?:[.,:]\d+)*")
# Numbers written as words, per language, in the order of `NUMBER_WORD_VALUES` ("|" separates forms of one
# value). "one" and its kin are left out (an article, a pronoun: "that one"), and so are forms that are
# also common words ("sei": you are, "neuf": new): these are never taken for numbers of a source.
NUMBER_WORD_VALUES = list(range(2, 21)) + list(range(30, 100, 10)) + [100, 1000]
NUMBER_WORDS = {
    "en": "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
          "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand",
    "es": "dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis diecisiete "
          "dieciocho diecinueve veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa "
          "cien|ciento|cientos mil",
    "fr": "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit "
          "dix-neuf vingt trente quarante cinquante soixante soixante-dix|septante quatre-vingts|quatre-vingt|huitante "
          "quatre-vingt-dix|nonante cent mille",
    "de": "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn "
          "achtzehn neunzehn zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig hundert tausend",
    "it": "due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici sedici "
          "diciassette diciotto diciannove venti trenta quaranta cinquanta sessanta settanta ottanta novanta "
          "cento mille",
    "pt": "dois|duas três quatro cinco seis sete oito nove dez onze doze treze catorze|quatorze quinze "
          "dezesseis|dezasseis dezessete|dezassete dezoito dezenove|dezanove vinte trinta quarenta cinquenta "
          "sessenta setenta oitenta noventa cem|cento mil",
    "nl": "twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien zestien zeventien "
          "achttien negentien twintig dertig veertig vijftig zestig zeventig tachtig negentig honderd duizend",
}
NOT_SOURCE_NUMBERS = {"it": {"sei"}, "fr": {"neuf"}}


def words(text: str) -> list[str]:
    """The words of `text`, casefolded.

    >>> words("¡Root no él y ra!")
    ['root', 'no', 'él', 'y', 'ra']
    """
    return [w.casefold() for w in _WORD_RE.findall(text)]


def lexicon_words(text: str) -> list[str]:
    """The words a lexicon can judge: split at apostrophes ("you're", "c'est"), and of
    `LEXICON_MIN_LETTERS` letters or more (short words are shared between languages and gibberish alike).

    >>> lexicon_words("C'est l'amour, Thom.")
    ['est', 'amour', 'thom']
    """
    return [w for w in re.findall(r"[^\W\d_]+", text.casefold())
            if len(w) >= LEXICON_MIN_LETTERS and not _STRETCHED_RE.search(w)]


def _fold(text: str) -> str:
    """Casefolded, accents removed: "Célia" and "celia" are one name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def numbers(text: str) -> list[str]:
    """The numbers written in digits, separators removed (``1,000`` and ``1.000`` are one number).

    >>> numbers("At 10:30 we lost 1,000 units, 90%.")
    ['1030', '1000', '90']
    """
    return [re.sub(r"[.,:]", "", m) for m in _NUMBER_RE.findall(text)]


class Lexicon:
    """The words a language knows: spacy-lookups-data's word frequencies (``lexeme_prob``: a million
    words each of English, Spanish, German, Greek with their log probability; a word rarer than
    `RARE_LOGPROB` is unknown) and the language's stop words. Only these tables: the lemma lookup
    tables miss too many inflected and clitic forms ("triturarte", "Ricordale") to tell a rare word
    from a made-up one, so a language without word frequencies has no `lexicon` (None)."""

    def __init__(self, probs, stop_words: frozenset[str]) -> None:
        self.probs = probs
        self.stop_words = stop_words

    def knows_lowercase(self, word: str) -> bool:
        """Whether `word` is a common word in lower case ("Look" is, "Celia" is not)."""
        return word in self.stop_words or self.probs.get(word, RARE_LOGPROB - 1) >= RARE_LOGPROB

    def __contains__(self, word: str) -> bool:
        if word in self.stop_words:
            return True
        # German nouns are listed capitalised ("Koloss"), other words in lower case
        return max(self.probs.get(word, RARE_LOGPROB - 1), self.probs.get(word.capitalize(), RARE_LOGPROB - 1)) \
            >= RARE_LOGPROB


@cache
def lexicon(lang: str) -> Lexicon | None:
    """The `Lexicon` of `lang`, loaded once per process (None when spaCy has no word frequencies for it)."""
    import importlib

    from spacy.lookups import load_lookups
    from spacy.util import registry

    from subpipe.nlp import base_lang

    lang = base_lang(lang)
    if lang not in registry.lookups.get_all() or "lexeme_prob" not in registry.lookups.get(lang):
        return None
    probs = load_lookups(lang, ["lexeme_prob"]).get_table("lexeme_prob")
    try:
        stop_words = frozenset(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
    except (ImportError, AttributeError):
        stop_words = frozenset()
    return Lexicon(probs, stop_words)


def unknown_share(target: str, source: str, vocab: Lexicon) -> tuple[float, int]:
    """(share of the output's words the lexicon does not know, words counted); words copied from the
    source (names, loanwords) are not counted."""
    copied = {_fold(w) for w in lexicon_words(source)}
    counted = [w for w in lexicon_words(target) if _fold(w) not in copied]
    if not counted:
        return 0.0, 0
    unknown = sum(1 for w in counted if w not in vocab)
    return unknown / len(counted), len(counted)


# --- single checks (pure) ------------------------------------------------------------------------------

def stutter(source: str, target: str) -> str | None:
    """The word the output doubles back to back ("te te", "We we") where the source repeats none.

    >>> stutter("Why don't you just admit it?", "¿Por qué no te te ata mi mano?")
    'te'
    >>> stutter("Sorry! Sorry.", "Perdón, perdón.") is None
    True
    """
    m = _STUTTER_RE.search(target)
    return m.group(1) if m and not _SOURCE_REPEAT_RE.search(source) else None


def _unstretched(word: str) -> str:
    """"nooooo" -> "no": a cry with its held letters let go."""
    return re.sub(r"(.)\1{2,}", r"\1", _fold(word))


def words_for_a_cry(source: str, target: str) -> list[str]:
    """The words `target` puts in for a `source` that is only a cry ("Whoaaa!" -> "¡Quién una vez!"): a
    cry has no meaning to translate, so `CRY_MIN_WORDS` words or more that are neither cries nor the
    source's own sounds are a model inventing one ("Nooooo!" -> "¡No!" and "¡Guau!" pass).

    >>> words_for_a_cry("Whoaaa!", "¡Quién una vez!")
    ['quién', 'una', 'vez']
    >>> words_for_a_cry("RAAAAAAAAH!", "¡AAAAAAAAH!"), words_for_a_cry("Nooooo!", "¡No!")
    ([], [])
    """
    cry = words(source)
    if not cry or not all(_STRETCHED_RE.search(w) for w in cry):
        return []
    sounds = {_unstretched(w) for w in cry}
    put_in = [w for w in words(target) if not _STRETCHED_RE.search(w) and _unstretched(w) not in sounds]
    return put_in if len(put_in) >= CRY_MIN_WORDS else []


def nonsense(source: str, target: str, target_lang: str) -> str | None:
    """Why `target` is not plausible text of `target_lang` (None when it is, as far as we can tell):
    a doubled word the source does not have, words for a cry, or words unknown to the language's lexicon."""
    doubled = stutter(source, target)
    if doubled:
        return f"'{doubled} {doubled}': a word doubled"
    put_in = words_for_a_cry(source, target)
    if put_in:
        return f"words ({', '.join(put_in[:5])}) for a source that is only a cry"
    vocab = lexicon(target_lang)
    if vocab is None:
        return None
    share, counted = unknown_share(target, source, vocab)
    if counted >= NONSENSE_MIN_WORDS and share >= NONSENSE_UNKNOWN_SHARE:
        copied = {_fold(w) for w in lexicon_words(source)}
        unknown = [w for w in lexicon_words(target) if w not in vocab and _fold(w) not in copied]
        return f"{share:.0%} of {counted} words unknown in {target_lang} ({', '.join(unknown[:5])})"
    return None


def loop_length(text: str) -> tuple[int, str]:
    """The longest run of one n-gram repeated back to back (n <= `LOOP_MAX_N`), as (repeats, n-gram).

    >>> loop_length("de la de la de la casa")
    (3, 'de la')
    >>> loop_length("Hola, Thom.")
    (1, 'hola')
    """
    ws = words(text)
    best = (1 if ws else 0, ws[0] if ws else "")
    for n in range(1, LOOP_MAX_N + 1):
        for start in range(len(ws) - n):
            gram = ws[start:start + n]
            k = 1
            while ws[start + k * n:start + (k + 1) * n] == gram:
                k += 1
            if k > best[0]:
                best = (k, " ".join(gram))
    return best


def repetition(source: str, target: str) -> str | None:
    """A message when `target` loops on an n-gram more than `source` does, or on a piece of a word
    (a subword loop: "Oupps-pparrererererererere") that the source does not have.

    >>> repetition("Ohp-", "Oupps-pparrererererererere)")
    "'re' repeated 8 times in a row"
    """
    piece = _PIECE_LOOP_RE.search(target)
    if piece and not _PIECE_LOOP_RE.search(source):
        return f"'{piece.group(1)}' repeated {len(piece.group(0)) // len(piece.group(1))} times in a row"
    repeats, gram = loop_length(target)
    needed = LOOP_REPEATS + (1 if " " not in gram else 0)
    if repeats >= needed and repeats > loop_length(source)[0]:
        return f"'{gram}' repeated {repeats} times in a row"
    return None


def runaway(source: str, target: str) -> str | None:
    s, t = len(source.strip()), len(target.strip())
    if t >= RUNAWAY_RATIO * max(s, 1) and t - s >= RUNAWAY_EXTRA:
        return f"{t} characters for a source of {s} ({t / max(s, 1):.1f} times as long)"
    return None


def log_ratio(source: str, target: str) -> float:
    return math.log((len(target.strip()) + RATIO_SMOOTH) / (len(source.strip()) + RATIO_SMOOTH))


def ratio_norm(pairs: Sequence[MTPair]) -> tuple[float, float] | None:
    """(median, scaled MAD) of the log length ratio over a film's pairs; None for too few pairs."""
    ratios = [log_ratio(p.source, p.target) for p in pairs if p.source.strip() and p.target.strip()]
    if len(ratios) < RATIO_MIN_PAIRS:
        return None
    median = statistics.median(ratios)
    mad = statistics.median(abs(r - median) for r in ratios) * 1.4826
    return median, mad


def length_ratio(source: str, target: str, norm: tuple[float, float] | None) -> str | None:
    r = log_ratio(source, target)
    if abs(r) <= math.log(RATIO_BAND):
        return None
    if norm is not None:
        median, mad = norm
        if abs(r - median) <= RATIO_MADS * max(mad, 0.05):
            return None
    what = "longer" if r > 0 else "shorter"
    return (f"{len(target.strip())} characters for a source of {len(source.strip())}: {math.exp(r):.2f} "
            f"times the source's length ({what} than the film's norm"
            + (f" of {math.exp(norm[0]):.2f})" if norm else ")"))


@cache
def number_words(lang: str) -> dict[str, int]:
    """{number word: value} of `lang` (`NUMBER_WORDS`; empty for a language without a table)."""
    from subpipe.langid import primary

    forms = NUMBER_WORDS.get(primary(lang), "").split()
    return {form: value for value, alternatives in zip(NUMBER_WORD_VALUES, forms) for form in alternatives.split("|")}


def _number_word_re(forms) -> re.Pattern:
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)


def lost_number_words(source: str, target: str, source_lang: str, target_lang: str) -> list[str]:
    """Numbers the source writes as words (`NUMBER_WORDS`) that the output has neither in digits nor as a
    word of its language; nothing when either language has no table.

    >>> lost_number_words("Okay, they're coming. Two minutes left!", "¡Cuesta minutos fue!", "en", "es")
    ['Two']
    >>> lost_number_words("Two minutes left!", "¡Quedan dos minutos!", "en", "es")
    []
    """
    from subpipe.langid import primary

    said, written = number_words(source_lang), number_words(target_lang)
    if not said or not written:
        return []
    skip = NOT_SOURCE_NUMBERS.get(primary(source_lang), set())
    have = Counter(written[m.group(0).casefold()] for m in _number_word_re(written).finditer(target))
    have.update(int(n) for n in numbers(target) if len(n) <= 6)
    lost = []
    for m in _number_word_re(set(said) - skip).finditer(source):
        value = said[m.group(0).casefold()]
        if have[value] > 0:
            have[value] -= 1
        else:
            lost.append(m.group(0))
    return lost


def lost_numbers(source: str, target: str) -> list[str]:
    """Numbers of `source` (in digits) that `target` does not have as often.

    >>> lost_numbers("Memory overwrite, 90%.", "Sobrescritura de memoria.")
    ['90']
    """
    have = Counter(numbers(target))
    lost = []
    for n, count in Counter(numbers(source)).items():
        if have[n] < count:
            lost.append(n)
    return lost


def source_names(source: str, lang: str, terms: Sequence[str] = ()) -> list[str]:
    """Names in `source`: the do-not-translate `terms` it contains, and capitalised words in
    mid-sentence that the source language's lexicon does not know in lower case.

    >>> source_names("Look Celia, we have to follow our passions;", "en")
    ['Celia']
    """
    found = [t for t in terms if re.search(r"(?<!\w)" + re.escape(_fold(t)) + r"(?!\w)", _fold(source))]
    from subpipe.langid import primary

    if primary(lang) in CAPITALISED_NOUNS:
        return found
    vocab = lexicon(lang)
    for m in _WORD_RE.finditer(source):
        name, before = m.group(0), source[:m.start()].rstrip()
        mid_sentence = (m.start() > len(before) and before[-1:].isalpha()) or before[-1:] in (",", ";")
        if (mid_sentence and name[0].isupper() and len(name) >= NAME_MIN_LETTERS and not name.isupper()
                and (vocab is None or not vocab.knows_lowercase(name.casefold()))):
            found.append(name)
    return list(dict.fromkeys(found))


_FINAL_MARKS_RE = re.compile(r"([.!?…;:,]*)[\s\"'”»’)\]]*$")


def final_marks(text: str) -> str:
    """The punctuation that ends `text` (closing quotes and brackets aside).

    >>> final_marks("¡¿Por qué no admites que estás asustado?!"), final_marks('Dijo "¿vienes?"')
    ('?!', '?')
    """
    return _FINAL_MARKS_RE.search(text).group(1)


def unpaired_marks(text: str, lang: str) -> tuple[list[str], list[str]]:
    """In a language with inverted marks (`subpipe.typography.inverted_marks`): the "?" and "!" of `text` without their opening mark, and the
    opening marks it never closes ("¡Hazlo."); nested and crossed pairs ("¡¿Por qué...?!") pair.

    >>> unpaired_marks("¡Hazlo.", "es"), unpaired_marks("Vale, ¿vienes? ¡¿Qué?! Bien!", "es")
    (([], ['¡']), (['!'], []))
    """
    unopened, unclosed = [], []
    for opening, closing in inverted_marks(lang):
        depth = 0
        for ch in text:
            if ch == opening:
                depth += 1
            elif ch == closing and depth:
                depth -= 1
            elif ch == closing:
                unopened.append(closing)
        unclosed += [opening] * depth
    return unopened, unclosed


def unclosed_marks(text: str, lang: str) -> list[str]:
    """The opening marks `text` never closes (`unpaired_marks`), each once. (A "?" or "!" without its
    opening mark is MT's usual omission, which localize puts right,
    `subpipe.qc.locale_style.open_inverted_marks`; human subtitles leave it out too, so it is no fault here.)
    """
    return list(dict.fromkeys(unpaired_marks(text, lang)[1]))


def punctuation_fault(source: str, target: str, source_lang: str, target_lang: str) -> str | None:
    """What the output did to the source's punctuation (see ``mt-punctuation`` in the module docstring);
    None when nothing.

    >>> punctuation_fault("Why does he do this?", "Pourquoi pas ce do.", "en", "fr")
    'the question mark of the source is gone (a question turned into a statement?)'
    >>> punctuation_fault("It's alright!", "¡Hazlo.", "en", "es")
    "'¡' never closed by '!'"
    """
    if "?" in final_marks(source) and "?" not in final_marks(target):
        return "the question mark of the source is gone (a question turned into a statement?)"
    closing = dict(inverted_marks(target_lang))
    in_source = unclosed_marks(source, source_lang)
    unclosed = [m for m in unclosed_marks(target, target_lang) if m not in in_source]
    return ", ".join(f"'{m}' never closed by '{closing[m]}'" for m in unclosed) or None


def lost_names(source: str, target: str, lang: str, terms: Sequence[str] = ()) -> list[str]:
    """Names of `source` (`source_names`) missing in `target` (accents and case aside; an inflected
    name, "Thoms", counts as kept)."""
    have = _fold(target)
    return [n for n in source_names(source, lang, terms) if not re.search(r"(?<!\w)" + re.escape(_fold(n)), have)]


# --- the check --------------------------------------------------------------------------------------------

def _finding(kind: str, message: str, pair: MTPair, path: str | None) -> Finding:
    return Finding(kind, message, path=path, line=pair.line, position=pair.position,
                   severity="error" if kind == "mt-placeholder" else "warning",
                   start_ms=pair.start_ms, end_ms=pair.end_ms)


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def language_calls(pairs: Sequence[MTPair], source_lang: str, target_lang: str) -> list[dict[str, float] | None]:
    """The detector's probabilities of source and target language for each output long enough to
    tell (batched and cached by `subpipe.langid.detect_texts`); None for the others."""
    from subpipe.langid import LinguaDetector, detect_texts, primary

    codes = sorted({primary(source_lang), primary(target_lang)})
    if len(codes) < 2 or not set(codes) <= LinguaDetector.supported():
        return [None] * len(pairs)
    asked = [i for i, p in enumerate(pairs) if _letters(p.target) >= DETECT_MIN_LETTERS]
    probs = detect_texts(LinguaDetector(), [pairs[i].target.replace("\n", " ") for i in asked], codes)
    out: list[dict[str, float] | None] = [None] * len(pairs)
    for i, p in zip(asked, probs):
        out[i] = p
    return out


def words_left_untranslated(source: str, target: str, source_lang: str, target_lang: str) -> list[str]:
    """Lower-case words of `source` that `target` copies although they are words of the source language
    (known to its lexicon) far more than of the target language (`LEFT_LOGPROB_GAP`): "Eso es nice.",
    "Sit down with ella." Names (capitalised) and shared words ("robot", "set", German "still" in English)
    pass; a language pair without two lexicons gets nothing.

    >>> words_left_untranslated("That's nice.", "Eso es nice.", "en", "es")
    ['nice']
    >>> words_left_untranslated("Quiet on set!", "¡Silencio en el set!", "en", "es")
    []
    """
    from_vocab, to_vocab = lexicon(source_lang), lexicon(target_lang)
    if from_vocab is None or to_vocab is None:
        return []
    copied = set(_WORD_RE.findall(source))
    unknown = RARE_LOGPROB - 12  # below any listed word
    return list(dict.fromkeys(
        w for w in _WORD_RE.findall(target)
        if w in copied and w.islower() and len(w) >= LEXICON_MIN_LETTERS and from_vocab.knows_lowercase(w)
        and from_vocab.probs.get(w, unknown) - to_vocab.probs.get(w, unknown) > LEFT_LOGPROB_GAP))


def untranslated_why(source: str, target: str, source_lang: str, target_lang: str, source_p: float) -> str | None:
    """Why `target` is (partly) left in the source language; None when it is not. `source_p`: the
    detector's probability of the source language for `target`."""
    if _same_text(source, target):
        return "the output is the source itself"
    if source_p >= SOURCE_SURE:
        return f"the output is in {source_lang} (detector {source_p:.0%})"
    left = words_left_untranslated(source, target, source_lang, target_lang)
    return f"{', '.join(repr(w) for w in left)} left in {source_lang}" if left else None


def _same_text(source: str, target: str) -> bool:
    return words(source) == words(target) and any(len(w) >= 3 and w.islower() for w in _WORD_RE.findall(source))


def lost_name_message(lost: Sequence[str], terms: Sequence[str] = (), names: Sequence[str] = ()) -> str:
    """The ``mt-lost-name`` message: each lost item called a "glossary term" when the glossary listed it
    (in `terms`, not among the film's found `names`), else a "name".

    >>> lost_name_message(["Celia", "Vivacissimo"], terms=["Celia", "Vivacissimo"], names=["Celia"])
    "name 'Celia', glossary term 'Vivacissimo' of the source missing"
    """
    glossary = set(terms) - set(names)
    return ", ".join(f"{'glossary term' if n in glossary else 'name'} '{n}'" for n in lost) + " of the source missing"


def check_pair(pair: MTPair, source_lang: str, target_lang: str, *, norm: tuple[float, float] | None = None,
               call: dict[str, float] | None = None, terms: Sequence[str] = (), names: Sequence[str] = (),
               path: str | None = None, placeholders: Mapping[int | None, set[str]] | None = None) -> list[Finding]:
    """The MT faults of one pair (see the module docstring); `call` is the detector's opinion of the
    output (`language_calls`), `norm` the film's length-ratio norm (`ratio_norm`); `terms` the protected
    do-not-translate terms, of which `names` were found in the film rather than listed by the glossary;
    `placeholders`: per target cue position, the terms (folded) an ``mt-placeholder`` error already reports
    there (`placeholder_findings`): not reported again as lost names."""
    from subpipe.langid import primary

    src, tgt = pair.source, pair.target
    if not tgt.strip() or not words(src):
        return []
    found = []
    source_p = call.get(primary(source_lang), 0.0) if call else 0.0
    untranslated = _same_text(src, tgt) or source_p >= SOURCE_SURE
    why = untranslated_why(src, tgt, source_lang, target_lang, source_p)
    if why:
        found.append(_finding("mt-untranslated", f"{why}: {excerpt(tgt)}", pair, path))
    faults = {"mt-nonsense": None if untranslated else nonsense(src, tgt, target_lang),
              "mt-runaway": runaway(src, tgt), "mt-repetition": repetition(src, tgt)}
    if not untranslated and not any(faults.values()):  # a line already flagged needs no ratio too
        faults["mt-length-ratio"] = length_ratio(src, tgt, norm)
    lost = lost_numbers(src, tgt) + lost_number_words(src, tgt, source_lang, target_lang)
    faults["mt-lost-number"] = f"{', '.join(lost)} of the source missing" if lost else None
    lost = [] if untranslated else lost_names(src, tgt, source_lang, terms)
    # One fault, one finding: a name whose placeholder was lost is reported by its ``mt-placeholder``
    # error, which is the more severe (an error) and the more informative (it names the rendering to
    # put in and why the engine missed it); a lost-name warning on the same cue would only repeat it.
    already = (placeholders or {}).get(pair.position, set())
    lost = [n for n in lost if _fold(n) not in already]
    faults["mt-lost-name"] = lost_name_message(lost, terms, names) if lost else None
    if not untranslated and not any(faults[k] for k in WHOLE_LINE if k in faults):  # one fault a line
        faults["mt-punctuation"] = punctuation_fault(src, tgt, source_lang, target_lang)
    found += [_finding(kind, f"{message}: {excerpt(tgt)} (source: {excerpt(src)})", pair, path)
              for kind, message in faults.items() if message]
    return found


def check_pairs(pairs: Sequence[MTPair], source_lang: str, target_lang: str, *, terms: Sequence[str] = (),
                names: Sequence[str] = (), path: str | None = None, detect: bool = True,
                placeholders: Mapping[int | None, set[str]] | None = None) -> list[Finding]:
    """Every MT fault of a film's `pairs` (one language pair), in the pairs' order; `terms`: the
    do-not-translate terms (names that must come through), of which `names` are the film's found names
    (not the glossary's); `detect`: ask the language detector (off: the lexicon and the rules alone);
    `placeholders`: the terms lost placeholders already report, per position (`check_pair`)."""
    norm = ratio_norm(pairs)
    calls = language_calls(pairs, source_lang, target_lang) if detect else [None] * len(pairs)
    return [f for pair, call in zip(pairs, calls)
            for f in check_pair(pair, source_lang, target_lang, norm=norm, call=call, terms=terms, names=names,
                                   path=path, placeholders=placeholders)]


def protected_item(slot: Mapping) -> str:
    """What a protection slot kept: a "name" found in the film (``origin`` ``film``: `subpipe.translate.names`)
    or a "glossary term".

    >>> protected_item({"origin": "film"}), protected_item({"origin": "glossary"})
    ('name', 'glossary term')
    """
    return "name" if slot.get("origin") == "film" else "glossary term"


def placeholder_findings(slots: Sequence[dict], track: Track) -> list[Finding]:
    """``mt-placeholder`` errors from the protection record (`translate_sentences`'s slots): each
    ``unresolved`` term, on the first target cue of its sentence."""
    found = []
    for slot in slots:
        if slot.get("status") != "unresolved":
            continue
        pair = anchor(track, slot.get("positions", ()), slot.get("start_ms"), slot.get("end_ms"))
        found.append(_finding("mt-placeholder", f"{protected_item(slot)} '{slot['term']}' ({slot['source_text']}) "
                              f"lost by the engine and not rendered as '{slot['rendering']}'", pair, track.path))
    return found


def anchor(track: Track, positions: Sequence[int], start_ms: int | None = None, end_ms: int | None = None,
           source: str = "", target: str = "") -> MTPair:
    """A pair pointing at the target cues with `positions` (the first's position and line, their span)."""
    cues = [c for c in track.cues if c.position in set(positions)]
    if not cues:
        return MTPair(source, target, positions[0] if positions else None, start_ms, end_ms, None, tuple(positions))
    return MTPair(source, target, cues[0].position, min(c.start for c in cues), max(c.end for c in cues),
                  cues[0].line, tuple(positions))


def sentence_pairs(sentences, translations: Sequence[str], track: Track) -> list[MTPair]:
    """The pipeline's pairs: each translated sentence with its translation, pointing at the target cues
    that show it (output cues keep their source cue's position); none without a translation (its cues
    were left out of the track)."""
    return [anchor(track, sentence.positions, sentence.start_ms, sentence.end_ms, sentence.text, text)
            for sentence, text in zip(sentences, translations) if text.strip()]


def cue_pairs(source: Track, target: Track) -> list[MTPair]:
    """Cue against cue, paired by position (a translated track keeps its source's positions)."""
    by_position = source.by_position()
    return [MTPair(by_position[c.position].plain, c.plain, c.position, c.start, c.end, c.line, (c.position,))
            for c in target.cues if c.position in by_position and not c.comment]


def check_with_round_trip(pairs: Sequence[MTPair], source_lang: str, target_lang: str, *, terms: Sequence[str] = (),
                          names: Sequence[str] = (), path: str | None = None, engine=None, judge=None,
                          placeholders: Mapping[int | None, set[str]] | None = None):
    """`check_pairs`' findings, and the round trip (`subpipe.qc.roundtrip.check_round_trip`, a `RoundTrip`)
    of the pairs those leave whole, through `judge` or else an engine other than `engine`."""
    from subpipe.qc.roundtrip import check_round_trip

    rules = check_pairs(pairs, source_lang, target_lang, terms=terms, names=names, path=path,
                        placeholders=placeholders)
    whole = {f.position for f in rules if f.kind in WHOLE_LINE}
    trip = check_round_trip([p for p in pairs if p.position not in whole], source_lang, target_lang,
                            engine=engine, judge=judge, path=path)
    return rules, trip


@dataclass
class MTReview:
    """The MT faults of one translated language, and how many sentences the round trip could not check
    (no independent engine for their pair: `subpipe.qc.roundtrip`)."""

    findings: list[Finding]
    unchecked: dict[str, int]  # {"mt-round-trip": sentences not checked}, empty when all were


def mt_review(sentences, translations: Sequence[str], track: Track, source_lang: str, *, slots: Sequence[dict] = (),
              glossary=None, engine=None, round_trip: bool = True) -> MTReview:
    """The MT faults of one translated language (`track`, the delivered target track): per spoken
    language of the sentences, `check_pairs` and, on the lines those leave whole, the round trip through
    an engine other than `engine` (the one that translated; None: the default); plus the lost
    placeholders of the protection record. Findings sorted worst kind first, then by time."""
    from subpipe.translate.names import is_name_entry

    kept = [e for e in glossary.entries if e.do_not_translate] if glossary is not None else []
    terms, names = [e.term for e in kept], [e.term for e in kept if is_name_entry(e)]
    found = placeholder_findings(slots, track)
    placeholders: dict[int | None, set[str]] = {}
    for f, slot in zip(found, [s for s in slots if s.get("status") == "unresolved"]):
        placeholders.setdefault(f.position, set()).update({_fold(slot["term"]), _fold(slot["source_text"])})
    unchecked = 0
    by_lang: dict[str, list] = {}
    for sentence, text in zip(sentences, translations):
        by_lang.setdefault(sentence.lang or source_lang, []).append((sentence, text))
    for lang, group in by_lang.items():
        if lang == "und" or _same_language(lang, track.lang or ""):
            continue
        pairs = sentence_pairs([s for s, _ in group], [t for _, t in group], track)
        if not round_trip:
            found += check_pairs(pairs, lang, track.lang or "", terms=terms, names=names, path=track.path,
                                 placeholders=placeholders)
            continue
        rules, trip = check_with_round_trip(pairs, lang, track.lang or "", terms=terms, names=names,
                                            path=track.path, engine=engine, placeholders=placeholders)
        found += rules + trip.findings
        unchecked += trip.unchecked
    return MTReview(worst_first(found), {"mt-round-trip": unchecked} if unchecked else {})


def mt_findings(sentences, translations: Sequence[str], track: Track, source_lang: str, *, slots: Sequence[dict] = (),
                glossary=None, engine=None, round_trip: bool = True) -> list[Finding]:
    """`mt_review`'s findings alone."""
    return mt_review(sentences, translations, track, source_lang, slots=slots, glossary=glossary, engine=engine,
                     round_trip=round_trip).findings


def _same_language(a: str, b: str) -> bool:
    """One language, or one Chinese language in two scripts (OpenCC converted it: no MT to review)."""
    from subpipe.terms.model import same_spoken_language

    return same_spoken_language(a, b)


def worst_first(findings: Sequence[Finding]) -> list[Finding]:
    """`findings` by kind (`KINDS` order: errors and whole-line faults first), then by time."""
    return sorted(findings, key=lambda f: (_RANK.get(f.kind, len(KINDS)), f.start_ms or 0, f.position or 0))


def count_by_kind(findings: Sequence[Finding]) -> dict[str, int]:
    """``{"mt-nonsense": 12, ...}``: the MT findings per kind, in `KINDS` order."""
    counts = Counter(f.kind for f in findings if f.kind in _RANK)
    return {kind: counts[kind] for kind in KINDS if counts[kind]}


def fault_rows(findings_by_lang: Mapping[str, Sequence[Finding]], limit: int = 200) -> list[dict]:
    """Table rows of the MT findings of every language, worst kind first, then by time (the first
    `limit`): which cues staff look at first."""
    tagged = [(lang, f) for lang, found in findings_by_lang.items() for f in found if f.kind in _RANK]
    tagged.sort(key=lambda lf: (_RANK[lf[1].kind], lf[1].start_ms or 0, lf[1].position or 0, lf[0]))
    return [{"lang": lang, "position": f.position, "timecode": f"{format_timecode(f.start_ms or 0, '.')} --> "
             f"{format_timecode(f.end_ms or 0, '.')}", "kind": f.kind, "severity": f.severity,
             "message": f.message} for lang, f in tagged[:limit]]
