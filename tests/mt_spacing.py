"""Spacing and punctuation artefacts of MT output, as the tests count them (issue #14: counted on the demo
models' and Apertium's output for Tears of Steel and Sintel)."""

import re

MT_ARTEFACTS = {"space after ¡ ¿ ( [": r"[¡¿(\[][ \t]", "no space after , ;": r"[^\W\d_][,;][^\W\d_]",
                "space before . ,": r"[\w»”)\]][ \t]+[,.](?![.\d])", "space before ; : ! ?": r"\w[ \t]+[;:!?]",
                "doubled space": r"\S[ \t]{2,}\S", "space inside quotes": r'"[ \t][^"]*"|"[^"]*[ \t]"|“ | ”'}


def mt_artefacts(text: str) -> list[str]:
    """The kinds of `MT_ARTEFACTS` in `text` (French spaces before ; : ! ? count too: check French alone)."""
    return [name for name, pattern in MT_ARTEFACTS.items() if re.search(pattern, text)]


def unopened_marks(text: str) -> int:
    """The "?" and "!" of Spanish `text` without their opening "¿" / "¡" (counted by MT QC's own pairing,
    not by the fix that puts them in)."""
    from subpipe.qc.mt import unpaired_marks

    return len(unpaired_marks(text, "es")[0])
