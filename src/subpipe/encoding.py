"""bytes -> text: BOMs, detection, mojibake repair, line ends; each decision reported.

(First cut: BOMs and UTF-8 only; detection and repair are being filled in.)
"""

import codecs
from dataclasses import dataclass, field

from subpipe.errors import Finding

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


@dataclass
class Decoded:
    text: str
    encoding: str
    findings: list[Finding] = field(default_factory=list)


def decode(data: bytes, *, path: str = "<input>", encoding: str | None = None,
           lang: str | None = None) -> Decoded:
    findings: list[Finding] = []
    enc = encoding
    if enc is None:
        for bom, name in _BOMS:
            if data.startswith(bom):
                data, enc = data[len(bom):], name
                break
    text = data.decode(enc or "utf-8", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text, enc or "utf-8", findings)
