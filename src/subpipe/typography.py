"""Punctuation classes shared by line breaking, QC rewrapping and sentence splitting.

Latin and CJK punctuation together, plus the Japanese/Chinese line-breaking rules (kinsoku): which
characters may not start a line and which may not end one.
"""

DASHES = ("-", "\u2013", "\u2014")
SENTENCE_END = ".!?\u2026\u3002\uff01\uff1f"
CLAUSE_END = ",;:\u2013\u2014\uff0c\u3001\uff1b\uff1a"
CLOSERS = "\"'\u2019\u201d)]}\u00bb\u300d\u300f\uff09\u3011"
OPENERS = "\u00bf\u00a1\u00ab\u201c\u2018\u201e\"'([{\u300c\u300e\uff08\u3010"

# Kinsoku: no line starts with these...
NO_BREAK_BEFORE = set(
    "\u3001\u3002\uff0c\uff0e\u30fb\uff1a\uff1b\uff1f\uff01\u309b\u309c\u30fd\u30fe\u309d\u309e\u3005\u30fc"
    "\u2019\u201d\uff09\u3015\uff3d\uff5d\u3009\u300b\u300d\u300f\u3011\u3019\u3017\u301f\uff60\u00bb"
    "\u3041\u3043\u3045\u3047\u3049\u3063\u3083\u3085\u3087\u308e\u3095\u3096"
    "\u30a1\u30a3\u30a5\u30a7\u30a9\u30c3\u30e3\u30e5\u30e7\u30ee\u30f5\u30f6\u2026\u2025,.!?;:)]}%"
)
# ...and none ends with these.
NO_BREAK_AFTER = set(
    "\u2018\u201c\uff08\u3014\uff3b\uff5b\u3008\u300a\u300c\u300e\u3010\u3018\u3016\u301d\uff5f\u00ab([{"
)

# Languages that open a question or an exclamation with an inverted mark ("¿Vienes?", "¡Corre!"): opening,
# closing.
# Scripts written without spaces between words (Han ideographs, kana): no space is ever added next to them.
UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

INVERTED_MARKS = {"es": (("¿", "?"), ("¡", "!"))}


def inverted_marks(lang: str | None) -> tuple[tuple[str, str], ...]:
    """The (opening, closing) marks of `INVERTED_MARKS` that `lang` writes; none for another language or
    no language.

    >>> inverted_marks("es-419"), inverted_marks("en"), inverted_marks(None)
    ((('¿', '?'), ('¡', '!')), (), ())
    """
    from subpipe.nlp import base_lang

    return INVERTED_MARKS.get(base_lang(lang), ()) if lang and lang.strip() else ()
