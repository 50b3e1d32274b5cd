"""Translation: an engine protocol, the argostranslate backend, and glossary protection.

An engine translates *sentences* (not cues) for one language pair, as a batch::

    from subpipe.translate import get_engine
    get_engine().translate_batch(["Where is the house?"], "en", "es")   # ['¿Dónde está la casa?']
"""

from collections.abc import Sequence
from typing import Protocol


class TranslationEngine(Protocol):
    name: str

    def pairs(self) -> list[tuple[str, str]]:
        """Every (source, target) the engine can translate, pivots included."""
        ...

    def translate_batch(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per sentence, in order."""
        ...


def get_engine(**kwargs) -> "TranslationEngine":
    """The default engine: argostranslate over the installed packages."""
    from subpipe.translate.argos import ArgosEngine

    return ArgosEngine(**kwargs)
