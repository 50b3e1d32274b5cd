"""What the alignment charts share: escaping, confidence colours, cue numbers and text extents.

Cues are named to a person by their 1-based number in file order (cue no. = position + 1), as
subtitle editors and SRT indices count; links.json keeps 0-based positions.
"""

import html
from collections.abc import Iterable

LOW = 0.5
# Widest average glyph of the sans-serif fonts the page asks for, in em: layout reserves this much
# per character so that labels placed beside each other never touch.
CHAR_EM = 0.62


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def colour(confidence: float) -> str:
    if confidence < LOW:
        return "#d92d20"
    if confidence < 0.8:
        return "#f79009"
    return "#12b76a"


def cue_numbers(positions: Iterable[int]) -> str:
    """1-based cue numbers of `positions`, as a person reads them.

    >>> cue_numbers([0, 1])
    '1, 2'
    """
    return ", ".join(str(p + 1) for p in positions)


def text_width(text: str, font_size: float) -> float:
    """The most room `text` takes at `font_size` px (see `CHAR_EM`)."""
    return len(text) * font_size * CHAR_EM
