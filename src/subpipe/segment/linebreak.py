"""Line breaking: subtitle text laid out in the fewest balanced lines the profile allows, broken where a
reader expects a pause and never inside a phrase that belongs together.

Every place two words meet is a `Boundary` with a *penalty*: how bad a line break there would be. The
same penalties tell `subpipe.segment.resegment` where a translated sentence may be cut between cues.

==========================  =======  =========================================================
where                       penalty  example
==========================  =======  =========================================================
after a sentence end          0.0    ``It's safe.`` / ``Let's go.``
after , ; : or a dash         0.1    ``Look Celia,`` / ``we have to follow our passions;``
before a conjunction          0.25   ``...just admit`` / ``that you're freaked out``
before a preposition          0.3    ``...being chased`` / ``by these giant robotic claws``
any other word boundary       0.5
inside a loose pair           0.8    subject pronoun | verb, auxiliary | verb, ``to`` | verb,
                                     a line ending in a conjunction, verb | particle
inside a phrase               1.5    article | noun, adjective | noun, ``John`` | ``Smith``,
                                     preposition | its object, number | noun
forbidden                   100      before punctuation (``Quoi`` / ``?``) or a dash, after a
                                     dialogue dash or an opening quote or bracket
==========================  =======  =========================================================

Where the language has a trained spaCy pipeline with a tagger and a parser (English, French here), the
phrase rules read parts of speech and dependencies (`subpipe.nlp.pipe_texts`, batched). Elsewhere
(Spanish and German here: blank pipelines) they fall back to word lists of articles and determiners,
prepositions, conjunctions and subject pronouns for en, es, fr, de, it and pt, plus "two capitalised
words are a name"; adjective-noun pairs cannot be told without a tagger and are not protected.
Languages written without spaces (Chinese, Japanese) break between characters, never before closing
punctuation or small kana nor after opening punctuation (kinsoku), best after 、。！？, then after a
Japanese particle, worst between two hiragana (inside an inflected word); no spaCy is needed.

Layout: a text that fits on one line stays on one line. Otherwise it takes the fewest lines that fit
``max_chars_per_line`` (measured with the profile's width rule, so full-width counting for Japanese),
choosing the breaks that minimise the sum of their penalties plus an imbalance cost
``4 * sum(((width - mean) / max_chars) ** 2)``. Two lines are preferred *bottom-heavy* (a pyramid with
the short line on top): that imbalance costs half, while a top line longer than the bottom one costs
``0.3 * excess / max_chars`` more. So "And at your right," / "what do you see at your right side, Emo?"
beats two even lines broken after a plain word. A new speaker (a line starting with a dialogue dash,
or `` - `` after a sentence end) always starts a new line. A text that cannot fit in ``max_lines``
lines gets as many lines as it needs: QC reports it, and the split fix of `subpipe.qc.fixes` cuts
such a cue in two.

>>> from subpipe.qc.profiles import load_profile
>>> es = load_profile("netflix", lang="es")
>>> print(break_lines("Tienes que seguir a la niña de la casa azul antes de que anochezca.", "es", es))
Tienes que seguir a la niña
de la casa azul antes de que anochezca.
"""

import bisect
import html
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from subpipe.cues import ASS_BLOCK_RE, TAG_RE, strip_markup
from subpipe.errors import SubpipeError
from subpipe.nlp import DEFAULT_BATCH_SIZE, base_lang, pipe_texts, pipeline_info
from subpipe.qc.profiles import Profile, is_breaking_space
from subpipe.typography import (
    CLAUSE_END,
    CLOSERS,
    DASHES,
    NO_BREAK_AFTER,
    NO_BREAK_BEFORE,
    OPENERS,
    SENTENCE_END,
)

# Penalties (see the table in the module docstring).
AFTER_SENTENCE = 0.0
AFTER_CLAUSE = 0.1
BEFORE_CONJUNCTION = 0.25
BEFORE_PREPOSITION = 0.3
PLAIN = 0.5
LOOSE_PAIR = 0.8
PHRASE = 1.5
FORBIDDEN = 100.0

BALANCE = 4.0
TOP_HEAVY = 0.3
BOTTOM_HEAVY_DISCOUNT = 0.5
# A layout that cannot fit still needs a layout: every character over the limit costs this much.
OVERFLOW = 1000.0


# Word lists for languages without a tagger (and as a safety net for those with one).
_W = str.split
ARTICLES = {  # articles, determiners, possessives: never end a line
    "en": _W("a an the this these those my your his her its our their some any no every each"),
    "es": _W("el la los las un una unos unas lo al del este esta estos estas ese esa esos esas aquel aquella "
             "aquellos aquellas mi mis tu tus su sus nuestro nuestra nuestros nuestras vuestro vuestra "
             "vuestros vuestras cada"),
    "fr": _W("le la les un une des du au aux ce cet cette ces mon ma mes ton ta tes son sa ses notre nos "
             "votre vos leur leurs chaque"),
    "de": _W("der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner "
             "mein meine meinen meinem meiner dein deine deinen deinem sein seine seinen seinem unser "
             "unsere euer eure dieser diese dieses diesen diesem jeder jede jedes"),
    "it": _W("il lo la i gli le un uno una del dello della dei degli delle al allo alla ai agli alle mio "
             "mia miei mie tuo tua suo sua nostro nostra questo questa quel quella"),
    "pt": _W("o a os as um uma uns umas do da dos das no na nos nas ao aos meu minha teu tua seu sua "
             "nosso nossa este esta esse essa aquele aquela"),
}
PREPOSITIONS = {  # never end a line: a preposition goes with its object
    "en": _W("of in on at by for with from to into onto about over under after before between through "
             "without within during against among toward towards upon behind beyond across around near "
             "off until"),
    "es": _W("a ante bajo con contra de desde durante en entre hacia hasta mediante para por según sin "
             "sobre tras"),
    "fr": _W("à de d' en dans par pour sur sous avec sans chez vers entre contre depuis pendant avant "
             "après devant derrière selon malgré parmi"),
    "de": _W("an auf aus bei bis durch für gegen hinter in im ins am vom zum zur beim mit nach neben ohne "
             "seit über um unter von vor während wegen zu zwischen"),
    "it": _W("di a da in con su per tra fra nel nella sul sulla dal dalla"),
    "pt": _W("a de em com por para sem sobre entre até desde contra pelo pela"),
}
CONJUNCTIONS = {  # a good place to break before, a poor one after
    "en": _W("and or but nor so yet because although though if when while whereas unless since that which "
             "who where"),
    "es": _W("y e o u pero sino que porque pues aunque si cuando mientras como donde ni"),
    "fr": _W("et ou mais donc or ni car que qu' quand si comme lorsque puisque parce qui où"),
    "de": _W("und oder aber denn sondern dass weil wenn ob als obwohl damit bevor nachdem"),
    "it": _W("e o ma però perché che se quando mentre come dove"),
    "pt": _W("e ou mas porque que se quando enquanto como onde"),
}
PRONOUNS = {  # subject pronouns and clitics: loosely bound to the verb that follows
    "en": _W("i you he she we they"),
    "es": _W("yo tú él ella nosotros vosotros ellos ellas me te se nos os le les no"),
    "fr": _W("je j' tu il elle on nous vous ils elles me te se ne n'"),
    "de": _W("ich du er sie es wir ihr"),
    "it": _W("io tu lui lei noi voi loro mi ti si ci vi non"),
    "pt": _W("eu tu ele ela nós vós eles elas me te se não"),
}
_ALL_FUNCTION_WORDS = {lang: set(ARTICLES[lang]) | set(PREPOSITIONS[lang]) | set(CONJUNCTIONS[lang])
                       | set(PRONOUNS[lang]) for lang in ARTICLES}

# Dependency labels (spaCy English and Universal Dependencies) of a modifier bound to the noun after it.
_LEFT_MODIFIERS = {"det", "amod", "compound", "poss", "nummod", "nmod:poss", "det:poss", "predet",
                   "quantmod", "nn", "flat", "flat:name"}
# Labels of a dependent bound to the word before it (French "voiture rouge", "Jean Dupont").
_RIGHT_BOUND = {"amod", "flat", "flat:name", "fixed", "compound", "nummod"}
_AUX_LABELS = {"aux", "auxpass", "aux:pass", "aux:tense", "neg", "cop"}
_SUBJECT_LABELS = {"nsubj", "nsubjpass", "nsubj:pass", "expl", "expl:subj"}


@dataclass(frozen=True)
class Boundary:
    """A place a line (or a cue) may break: whitespace ``text[start:end]``, or, between two characters
    of a language written without spaces, the point ``start == end``. `forced`: a new speaker starts."""

    start: int
    end: int
    penalty: float
    forced: bool = False


# ------------------------------------------------------------------------------------- analysis


def is_cjk(ch: str) -> bool:
    """Han, kana and CJK punctuation: written without spaces, breakable between characters."""
    o = ord(ch)
    return (0x3000 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
            or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFF9F or 0x20000 <= o <= 0x3FFFF)


def _is_punct(word: str) -> bool:
    return bool(word) and all(unicodedata.category(ch)[0] in "PS" for ch in word)


def _is_dash(word: str) -> bool:
    return word in DASHES


def _bare(word: str) -> str:
    """A word for list look-ups: lower case, surrounding punctuation off, an elided article kept (l')."""
    word = word.lower().strip(OPENERS + CLOSERS + SENTENCE_END + CLAUSE_END + "-")
    return word.replace("\u2019", "'")


def _ends_sentence(word: str) -> bool:
    core = word.rstrip(CLOSERS)
    return bool(core) and core[-1] in SENTENCE_END


def _spans(text: str) -> list[tuple[int, int]]:
    """Whitespace runs between words (not at the edges), and break points between CJK characters."""
    runs: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    while i < n and is_breaking_space(text[i]):
        i += 1
    while i < n:
        if is_breaking_space(text[i]):
            j = i
            while j < n and is_breaking_space(text[j]):
                j += 1
            if j < n:
                runs.append((i, j))
            i = j
            continue
        if i + 1 < n and not is_breaking_space(text[i + 1]):
            a, b = text[i], text[i + 1]
            if (is_cjk(a) or is_cjk(b)) and b not in NO_BREAK_BEFORE and a not in NO_BREAK_AFTER:
                runs.append((i + 1, i + 1))
        i += 1
    return runs


def _words_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The whitespace-delimited words left and right of a boundary (one character each for CJK)."""
    if start == end:
        return text[start - 1], text[start]
    lo = start
    while lo > 0 and not is_breaking_space(text[lo - 1]):
        lo -= 1
    hi = end
    while hi < len(text) and not is_breaking_space(text[hi]):
        hi += 1
    return text[lo:start], text[end:hi]


def _forced(text: str, start: int, end: int, left: str, right: str) -> bool:
    """Does a new speaker start here: a dash opening a new line, or `` - `` after a sentence end?"""
    if start == end or right[:1] not in DASHES or right[:2] in ("--", "\u2014\u2014"):
        return False
    if "\n" in text[start:end]:
        return True
    return _is_dash(right) and _ends_sentence(left)


def _punctuation_penalty(left: str, right: str, left_starts_line: bool) -> float | None:
    """Rules every language shares: punctuation and dialogue dashes (None: no opinion)."""
    if _is_punct(right) and right[0] not in OPENERS:
        return FORBIDDEN  # a line never starts with , . ? ! ... or a closing quote
    if right[:1] in DASHES:
        return FORBIDDEN  # a line starting with a dash would read as a new speaker
    if (_is_dash(left) and left_starts_line) or all(ch in OPENERS for ch in left):
        return FORBIDDEN
    if _ends_sentence(left):
        return AFTER_SENTENCE
    core = left.rstrip(CLOSERS)
    if core and (core[-1] in CLAUSE_END or core[-1] == "-"):
        return AFTER_CLAUSE
    return None


_PARTICLES = set("\u306f\u304c\u3092\u306b\u3067\u3068\u3078\u3082\u3084\u306e")  # は が を に で と へ も や の


def _hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


def _cjk_penalty(left: str, right: str) -> float:
    """Between two characters of a text written without spaces. Without a word segmenter, kana give
    hints: a Japanese particle before a content word is a phrase end, hiragana after hiragana is
    usually inside an inflected word (言っ|た)."""
    if left in SENTENCE_END:
        return AFTER_SENTENCE
    if left in CLAUSE_END:
        return AFTER_CLAUSE
    if left in _PARTICLES and not _hiragana(right):
        return BEFORE_PREPOSITION
    if _hiragana(left) and _hiragana(right):
        return LOOSE_PAIR
    return PLAIN


def _list_penalty(left: str, right: str, lang: str) -> float:
    """Word-list rules, for languages without a tagger."""
    lw, rw = _bare(left), _bare(right)
    articles, preps = ARTICLES.get(lang, ()), PREPOSITIONS.get(lang, ())
    conj, pron = CONJUNCTIONS.get(lang, ()), PRONOUNS.get(lang, ())
    if lw in articles or lw in preps or lw.isdigit():
        return PHRASE
    if _looks_like_name(left, lang) and _looks_like_name(right, lang):
        return PHRASE
    if lw in pron or lw in conj:
        return LOOSE_PAIR
    if rw in conj:
        return BEFORE_CONJUNCTION
    if rw in preps:
        return BEFORE_PREPOSITION
    return PLAIN


def _looks_like_name(word: str, lang: str) -> bool:
    core = word.strip(OPENERS + CLOSERS + SENTENCE_END + CLAUSE_END)
    return (len(core) > 1 and core[0].isupper() and not core.isupper() and core[-1].isalpha()
            and _bare(word) not in _ALL_FUNCTION_WORDS.get(lang, ()))


def _pos_penalty(left, right) -> float:
    """Part-of-speech and dependency rules for the tokens either side of a boundary."""
    has_dep = left.doc.has_annotation("DEP")
    worst = None
    if has_dep:
        if left.dep_ in _LEFT_MODIFIERS and left.head.i >= right.i:
            worst = PHRASE  # the old | house, John | Smith, my | hand
        elif right.head.i == left.i and right.dep_ in _RIGHT_BOUND:
            worst = PHRASE  # voiture | rouge, Jean | Dupont
    if worst is None and left.pos_ == "PROPN" and right.pos_ == "PROPN":
        worst = PHRASE
    if worst is None and left.pos_ == "NUM" and right.pos_ in ("NOUN", "PROPN", "SYM"):
        worst = PHRASE
    if worst is None and left.pos_ == "ADP" and left.dep_ != "prt" and right.pos_ != "PUNCT":
        worst = PHRASE  # a preposition goes with its object
    if worst is None and left.pos_ == "DET" and right.pos_ != "PUNCT":
        worst = PHRASE
    if worst is not None:
        return worst
    loose = (
        (left.pos_ == "PRON" and has_dep and left.dep_ in _SUBJECT_LABELS and left.head.i >= right.i)
        or (has_dep and left.dep_ in _AUX_LABELS and left.head.i >= right.i)
        or left.tag_ == "TO"
        or left.pos_ in ("CCONJ", "SCONJ")
        or (has_dep and right.dep_ in ("prt", "compound:prt"))
    )
    if loose:
        return LOOSE_PAIR
    if right.pos_ in ("CCONJ", "SCONJ") or right.tag_ in ("WDT", "WP", "WP$", "WRB") or right.dep_ == "mark":
        return BEFORE_CONJUNCTION
    if right.pos_ == "ADP" and (not has_dep or right.dep_ not in ("prt", "compound:prt")):
        return BEFORE_PREPOSITION
    return PLAIN


def _uses_parser(lang: str) -> bool:
    try:
        info = pipeline_info(lang)
    except SubpipeError:
        return False
    return info.has_tagger


def _is_cjk_text(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(is_cjk(ch) for ch in letters) * 2 >= len(letters)


def phrase_boundaries(texts: Sequence[str], lang: str, *,
                      batch_size: int = DEFAULT_BATCH_SIZE) -> list[list[Boundary]]:
    """Every boundary of every text with its penalty (see the module docstring), in text order.

    Texts are plain (no markup); their offsets are kept as given. All texts of the languages with a
    tagger go through spaCy in one batched call.

    >>> [(b.start, b.penalty) for b in phrase_boundaries(["Ve a la casa, Tom."], "es")[0]]
    [(2, 0.3), (4, 1.5), (7, 1.5), (13, 0.1)]
    """
    lang = base_lang(lang)
    spans = [_spans(t) for t in texts]
    parsed: dict[int, object] = {}
    if _uses_parser(lang):
        todo = [i for i, t in enumerate(texts) if spans[i] and not _is_cjk_text(t)]
        # A line break is a space to the parser: same length, so token offsets stay text offsets.
        docs = pipe_texts(lang, (texts[i].replace("\n", " ") for i in todo), batch_size=batch_size,
                          disable=("ner", "lemmatizer"))
        parsed = dict(zip(todo, docs))
    out: list[list[Boundary]] = []
    for i, text in enumerate(texts):
        doc = parsed.get(i)
        starts = [t.idx for t in doc] if doc is not None else []
        result = []
        for start, end in spans[i]:
            left, right = _words_around(text, start, end)
            forced = _forced(text, start, end, left, right)
            if start == end:
                result.append(Boundary(start, end, _cjk_penalty(left, right)))
                continue
            at_line_start = _word_starts_line(text, start - len(left))
            penalty = _punctuation_penalty(left, right, at_line_start)
            if penalty is None:
                if doc is not None:
                    k = bisect.bisect_left(starts, end)
                    j = k - 1
                    while j > 0 and doc[j].is_space:
                        j -= 1
                    penalty = _pos_penalty(doc[j], doc[k]) if 0 <= j < k < len(doc) else PLAIN
                    if penalty == PLAIN:  # the parser saw nothing: the lists may know better
                        penalty = _list_penalty(left, right, lang)
                else:
                    penalty = _list_penalty(left, right, lang)
            result.append(Boundary(start, end, 0.0 if forced else penalty, forced))
        out.append(result)
    return out


def _word_starts_line(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t")
    return not before or before.endswith("\n")


# --------------------------------------------------------------------------------------- layout


def _units(text: str, boundaries: Sequence[Boundary]) -> list[str]:
    cuts = [0, *(x for b in boundaries for x in (b.start, b.end)), len(text)]
    return [text[cuts[k]:cuts[k + 1]] for k in range(0, len(cuts), 2)]


def choose_breaks(text: str, boundaries: Sequence[Boundary], profile: Profile) -> list[int]:
    """Indices of the boundaries that become line breaks (see the module docstring for the layout).

    `text` must have no whitespace at its edges, and `boundaries` must be its boundaries in order.
    """
    if not boundaries:
        return []
    units = _units(text, boundaries)
    unit_w = [profile.line_width(u) for u in units]
    space = profile.line_width(" ")
    sep_w = [space if b.start < b.end else 0 for b in boundaries]
    chosen: list[int] = []
    lo = 0
    paragraphs = []
    for k, b in enumerate(boundaries):
        if b.forced:
            paragraphs.append((lo, k))
            chosen.append(k)
            lo = k + 1
    paragraphs.append((lo, len(units) - 1))
    for first, last in paragraphs:
        chosen.extend(_layout(first, last, unit_w, sep_w, boundaries, profile))
    return sorted(chosen)


def _layout(first: int, last: int, unit_w: list[float], sep_w: list[float],
            boundaries: Sequence[Boundary], profile: Profile) -> list[int]:
    """Breaks for units first..last (one paragraph): the fewest lines that fit, then the cheapest."""
    prefix = [0.0]
    for k in range(first, last + 1):
        prefix.append(prefix[-1] + unit_w[k] + (sep_w[k] if k < last else 0))

    def width(a: int, b: int) -> float:  # units a..b on one line
        return prefix[b - first + 1] - prefix[a - first] - (sep_w[b] if b < last else 0)

    limit = profile.max_chars_per_line
    if width(first, last) <= limit + 1e-9:
        return []
    count = last - first + 1
    for lines in range(2, count + 1):
        cost, breaks = _best(first, last, lines, width, boundaries, limit, strict=True)
        if cost < math.inf:
            return breaks
    # Something wider than a line (one long word): the layout with the fewest overflowing characters.
    lines = max(2, min(profile.max_lines, count))
    return _best(first, last, lines, width, boundaries, limit, strict=False)[1]


def _best(first: int, last: int, lines: int, width, boundaries: Sequence[Boundary], limit: float,
          strict: bool) -> tuple[float, list[int]]:
    """The cheapest way to lay units first..last on `lines` lines: (cost, breaks)."""
    mean = width(first, last) / lines

    def overflow(w: float) -> float:
        if w <= limit + 1e-9:
            return 0.0
        return math.inf if strict else OVERFLOW * (w - limit)

    def imbalance(w: float) -> float:
        return BALANCE * ((w - mean) / limit) ** 2

    if lines == 2:
        result = (math.inf, [])
        for k in range(first, last):
            w1, w2 = width(first, k), width(k + 1, last)
            shape = imbalance(w1) + imbalance(w2)
            # Bottom-heavy costs half as much as the same imbalance the other way up.
            shape = shape * BOTTOM_HEAVY_DISCOUNT if w1 <= w2 else shape + TOP_HEAVY * (w1 - mean) / limit
            cost = shape + boundaries[k].penalty + overflow(w1) + overflow(w2)
            if cost < result[0] - 1e-12:
                result = (cost, [k])
        return result

    # Three lines or more (rare): balance every line against the mean.
    best: dict[tuple[int, int], tuple[float, tuple[int, ...]]] = {}
    for b in range(first, last + 1):
        best[(1, b)] = (imbalance(width(first, b)) + overflow(width(first, b)), ())
    for n in range(2, lines + 1):
        for b in range(first + n - 1, last + 1):
            result_n: tuple[float, tuple[int, ...]] = (math.inf, ())
            for a in range(first + n - 2, b):  # the previous line ends with unit a
                prev, breaks = best[(n - 1, a)]
                if prev == math.inf:
                    continue
                w_line = width(a + 1, b)
                cand = prev + boundaries[a].penalty + imbalance(w_line) + overflow(w_line)
                if cand < result_n[0] - 1e-12:
                    result_n = (cand, (*breaks, a))
            best[(n, b)] = result_n
    cost, breaks = best[(lines, last)]
    return cost, list(breaks)


def apply_breaks(text: str, boundaries: Sequence[Boundary], breaks: Sequence[int]) -> str:
    """`text` with the chosen boundaries as line breaks and the others as one space (or nothing,
    between CJK characters)."""
    chosen = set(breaks)
    out = []
    pos = 0
    for k, b in enumerate(boundaries):
        out.append(text[pos:b.start])
        out.append("\n" if k in chosen else (" " if b.start < b.end else ""))
        pos = b.end
    out.append(text[pos:])
    return "".join(out)


# ------------------------------------------------------------------------------------------- API


def break_lines_batch(texts: Sequence[str], lang: str, profile: Profile, *,
                      batch_size: int = DEFAULT_BATCH_SIZE) -> list[str]:
    """`break_lines` for many texts, with one batched spaCy pass."""
    stripped = [t.strip() for t in texts]
    all_bounds = phrase_boundaries(stripped, lang, batch_size=batch_size)
    return [apply_breaks(t, bounds, choose_breaks(t, bounds, profile))
            for t, bounds in zip(stripped, all_bounds)]


def break_lines(text: str, lang: str, profile: Profile) -> str:
    """Plain text laid out in balanced lines for `profile` (see the module docstring).

    Words are kept as written; whitespace becomes one space or one line break.

    >>> from subpipe.qc.profiles import load_profile
    >>> print(break_lines("Why don't you just admit that you're freaked out by my robot hand?", "en",
    ...                   load_profile("netflix", lang="en")))
    Why don't you just admit
    that you're freaked out by my robot hand?
    """
    return break_lines_batch([text], lang, profile)[0]


_TOKEN_RE = re.compile(
    rf"(?P<tag>{TAG_RE.pattern})|(?P<ass>{ASS_BLOCK_RE.pattern})"
    r"|(?P<ent>&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#x[0-9a-fA-F]{1,6});)",
    re.IGNORECASE,
)


def markup_tokens(markup: str) -> list[tuple[str, str]] | None:
    """Cue markup as ``(raw, plain)`` tokens: a tag or an ASS block has plain ``""``, a character or an
    entity its visible text. None if the tokens do not give back `strip_markup(markup)` exactly.

    >>> markup_tokens("<i>R&amp;D</i>")
    [('<i>', ''), ('R', 'R'), ('&amp;', '&'), ('D', 'D'), ('</i>', '')]
    """
    toks: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN_RE.finditer(markup):
        toks.extend((ch, ch) for ch in markup[pos:m.start()])
        if m.group("ent"):
            toks.append((m.group(0), html.unescape(m.group(0))))
        else:
            toks.append((m.group(0), ""))
        pos = m.end()
    toks.extend((ch, ch) for ch in markup[pos:])
    if "".join(p for _, p in toks) != strip_markup(markup):
        return None
    return toks


def break_markup_batch(markups: Sequence[str], lang: str, profile: Profile, *,
                       batch_size: int = DEFAULT_BATCH_SIZE) -> list[str]:
    """`break_lines` on cue markup: tags and ASS blocks stay where they are, only whitespace between
    words changes. A text whose markup cannot be read safely is returned unchanged.

    >>> from subpipe.qc.profiles import load_profile
    >>> print(break_markup_batch(["<v Emo>And at your right, what do you see at your right side, Emo?</v>"],
    ...                          "en", load_profile("netflix", lang="en"))[0])
    <v Emo>And at your right,
    what do you see at your right side, Emo?</v>
    """
    tokens = [markup_tokens(m) for m in markups]
    plains = ["".join(p for _, p in toks) if toks is not None else "" for toks in tokens]
    all_bounds = phrase_boundaries(plains, lang, batch_size=batch_size)
    out = []
    for markup, toks, plain, bounds in zip(markups, tokens, plains, all_bounds):
        if toks is None:
            out.append(markup)
            continue
        out.append(_render_breaks(toks, plain, bounds, choose_breaks_stripped(plain, bounds, profile)))
    return out


def choose_breaks_stripped(plain: str, boundaries: Sequence[Boundary], profile: Profile) -> list[int]:
    """`choose_breaks` for a text that may have whitespace at its edges (it is ignored)."""
    lo = len(plain) - len(plain.lstrip())
    hi = len(plain.rstrip())
    inner = [Boundary(b.start - lo, b.end - lo, b.penalty, b.forced) for b in boundaries]
    return choose_breaks(plain[lo:hi], inner, profile)


def _render_breaks(toks: list[tuple[str, str]], plain: str, bounds: Sequence[Boundary],
                   breaks: Sequence[int]) -> str:
    chosen = set(breaks)
    replace: dict[int, str] = {}  # plain offset -> what the whitespace there becomes
    insert: dict[int, str] = {}
    for k, b in enumerate(bounds):
        mode = "\n" if k in chosen else " "
        if b.start == b.end:
            if k in chosen:
                insert[b.start] = "\n"
            continue
        replace[b.start] = mode
        for p in range(b.start + 1, b.end):
            replace[p] = ""
    lo = len(plain) - len(plain.lstrip())
    hi = len(plain.rstrip())
    out = []
    offset = 0
    for raw, text in toks:
        if not text:
            out.append(raw)
            continue
        out.append(insert.get(offset, ""))
        if offset < lo or offset >= hi:
            pass  # whitespace at the edges goes
        elif offset in replace:
            out.append(replace[offset])
        else:
            out.append(raw)
        offset += len(text)
    return "".join(out)
