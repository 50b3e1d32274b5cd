"""EBU-STL files built after EBU Tech 3264 from a Track, for tests: nothing on this machine writes STL
(ttconv reads it only), and the shared corpus has none.

An open-subtitle file (DSC ``0``) at 25 fps in the Latin code table (CCT ``00``, ISO 6937): the GSI
block's fields at their offsets, a TTI block per 112 bytes of text field (extension blocks numbered
0, 1, ... and the last 0xFF), text encoded with the inverse of ttconv's own ISO 6937 table (so that
builder and reader cannot drift apart), ``<i>``/``</i>`` as italics on/off (0x80/0x81), a line break as
0x8A, unused bytes 0x8F. Times are rounded to frames. Top cues (numpad 7-9) get vertical position 1,
others the row above the bottom (23 minus their lines); the numpad column is the justification code.
"""

import struct
import unicodedata

from ttconv.stl.iso6937 import _CCT0_DECODE_MAP

from subpipe.cues import Track, strip_markup

FPS = 25
ITALIC_ON, ITALIC_OFF, NEWLINE, UNUSED = 0x80, 0x81, 0x8A, 0x8F
_ENCODE = {char: code for code, char in _CCT0_DECODE_MAP.items()}


def encode_char(char: str) -> bytes:
    """ISO 6937 bytes of one character: ASCII as is, others through ttconv's table (``?`` if absent)."""
    if " " <= char <= "~":
        return char.encode("ascii")
    return _ENCODE.get(unicodedata.normalize("NFC", char), b"?")


def stl_text(plain: str) -> str:
    """What an STL file can say of `plain`: characters the Latin table lacks become ``?``."""
    return "".join(ch if ch == "\n" or encode_char(ch) != b"?" or ch == "?" else "?" for ch in plain)


def _control(out: bytearray, code: int, markup: str, pos: int) -> int:
    """Append a spacing control code; returns where the text goes on.

    A control code takes the place of a space (Tech 3264, as in teletext): between two characters it
    shows as one, so the space beside it in the markup is left out rather than doubled.
    """
    if out and out[-1] == 0x20:
        out.pop()
    out.append(code)
    return pos + 1 if markup.startswith(" ", pos) else pos


def text_field(markup: str) -> bytes:
    """The TF bytes of cue markup: italics codes, line breaks, encoded text; other tags dropped."""
    out = bytearray()
    pos = 0
    while pos < len(markup):
        if markup.startswith("<i>", pos):
            pos = _control(out, ITALIC_ON, markup, pos + 3)
        elif markup.startswith("</i>", pos):
            pos = _control(out, ITALIC_OFF, markup, pos + 4)
        elif markup[pos] == "<" and ">" in markup[pos:]:
            pos = markup.index(">", pos) + 1
        elif markup[pos] == "\n":
            out.append(NEWLINE)
            pos += 1
        else:
            end = min((i for i in (markup.find("<", pos + 1), markup.find("\n", pos + 1)) if i != -1),
                      default=len(markup))
            for char in strip_markup(markup[pos:end]):
                out += encode_char(char)
            pos = end
    return bytes(out)


def _timecode(ms: int) -> tuple[int, int, int, int]:
    frames = round(ms * FPS / 1000)
    seconds, frame = divmod(frames, FPS)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    return hours, minute, second, frame


def frame_ms(ms: int) -> int:
    """`ms` as an STL file at 25 fps holds it (rounded to a frame, 40 ms)."""
    return round(round(ms * FPS / 1000) * 1000 / FPS)


def gsi_block(*, blocks: int, subtitles: int, language: bytes = b"09", dfc: bytes = b"STL25.01") -> bytes:
    fields = [
        (b"850", 3), (dfc, 8), (b"0", 1), (b"00", 2), (language, 2),     # CPN DFC DSC CCT LC
        (b"subpipe test", 32), (b"", 32), (b"", 32), (b"", 32),           # OPT OET TPT TET
        (b"", 32), (b"", 32), (b"", 16), (b"261202", 6), (b"261202", 6),  # TN TCD SLR CD RD
        (b"00", 2), (f"{blocks:05d}".encode(), 5), (f"{subtitles:05d}".encode(), 5),  # RN TNB TNS
        (b"001", 3), (b"40", 2), (b"23", 2), (b"1", 1),                   # TNG MNC MNR TCS
        (b"00000000", 8), (b"00000000", 8), (b"1", 1), (b"1", 1),         # TCP TCF TND DSN
        (b"GBR", 3), (b"", 32), (b"", 32), (b"", 32), (b"", 75), (b"", 576),  # CO PUB EN ECD spare UDA
    ]
    gsi = b"".join(value.ljust(size, b" ") for value, size in fields)
    assert len(gsi) == 1024
    return gsi


def tti_blocks(number: int, start: int, end: int, markup: str, align: int | None) -> list[bytes]:
    tf = text_field(markup)
    chunks = [tf[i:i + 112] for i in range(0, len(tf), 112)] or [b""]
    lines = markup.count("\n") + 1
    vertical = 1 if align in (7, 8, 9) else 23 - lines
    justification = {1: 1, 2: 2, 0: 3}[(align or 2) % 3]
    blocks = []
    for i, chunk in enumerate(chunks):
        ebn = 0xFF if i == len(chunks) - 1 else i
        blocks.append(struct.pack("<BHBB4B4BBBB112s", 0, number, ebn, 0, *_timecode(start), *_timecode(end),
                                  vertical, justification, 0, chunk.ljust(112, bytes([UNUSED]))))
    return blocks


def build_stl(track: Track, *, language: bytes = b"09") -> bytes:
    """An EBU-STL file of `track`'s cues, one subtitle number each, in order."""
    blocks = []
    for number, cue in enumerate(track.cues):
        blocks += tti_blocks(number, cue.start, cue.end, cue.text, cue.align)
    return gsi_block(blocks=len(blocks), subtitles=len(track.cues), language=language) + b"".join(blocks)
