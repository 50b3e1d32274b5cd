"""Translation: an engine protocol, two engines (argostranslate, Apertium), and glossary protection.

An engine translates *sentences* (not cues) for one language pair, as a batch::

    from subpipe.translate import get_engine
    get_engine().translate_batch(["Where is the house?"], "en", "es")   # ['¿Dónde está la casa?']
"""

from collections.abc import Sequence
from typing import Protocol

from subpipe.errors import SubpipeError


class TranslationEngine(Protocol):
    name: str

    def pairs(self) -> list[tuple[str, str]]:
        """Every (source, target) the engine can translate, pivots included."""
        ...

    def route(self, source: str, target: str) -> list:
        """What takes `source` to `target` (packages, modes); `SubpipeError` ``missing-pair`` naming the
        installed pairs and how to install one."""
        ...

    def translate_batch(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per sentence, in order."""
        ...


ENGINES = ("argos", "apertium")


def get_engine(name: str = "argos", **kwargs) -> "TranslationEngine":
    """An engine by name: ``argos`` (default: argostranslate over the installed packages, pivots through
    English) or ``apertium`` (Debian's rule-based pairs, `subpipe.translate.apertium`)."""
    if name == "argos":
        from subpipe.translate.argos import ArgosEngine

        return ArgosEngine(**kwargs)
    if name == "apertium":
        from subpipe.translate.apertium import ApertiumEngine

        return ApertiumEngine(**kwargs)
    raise SubpipeError(f"unknown translation engine {name!r}; choose one of: {', '.join(ENGINES)}",
                       code="unknown-engine")
