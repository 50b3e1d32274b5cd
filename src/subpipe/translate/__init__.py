"""Translation: an engine protocol, two engines (argostranslate, Apertium), and glossary protection.

An engine translates *sentences* (not cues) for one language pair, as a batch::

    from subpipe.translate import get_engine
    get_engine().translate_batch(["Where is the house?"], "en", "es")   # ['¿Dónde está la casa?']
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from subpipe.errors import ErrorCode, SubpipeError


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


ENGINES = ("argos", "apertium", "argos+apertium")


def get_engine(name: str = "argos", **kwargs) -> "TranslationEngine":
    """An engine by name: ``argos`` (default: argostranslate over the installed packages, pivots through
    English), ``apertium`` (Debian's rule-based pairs, `subpipe.translate.apertium`), or several joined
    by ``+`` (``argos+apertium``): a `ChainedEngine`, the first that covers a pair translates it, else two
    of them chained through a language both reach. `kwargs` go to a single engine only."""
    if "+" in name:
        return ChainedEngine([get_engine(part) for part in name.split("+")])
    if name == "argos":
        from subpipe.translate.argos import ArgosEngine

        return ArgosEngine(**kwargs)
    if name == "apertium":
        from subpipe.translate.apertium import ApertiumEngine

        return ApertiumEngine(**kwargs)
    raise SubpipeError(f"unknown translation engine {name!r}; choose one of: {', '.join(ENGINES)}",
                       code=ErrorCode.UNKNOWN_ENGINE)


@dataclass(frozen=True)
class Hop:
    """One leg of a chained route: an engine and the pair it translates."""

    engine: "TranslationEngine"
    source: str
    target: str

    def __str__(self) -> str:
        return f"{self.engine.name} {self.source}->{self.target}"


class ChainedEngine:
    """Engines in order of preference; a pair no single one covers goes through two, engine to engine."""

    def __init__(self, engines: Sequence["TranslationEngine"]) -> None:
        self.engines = list(engines)
        self.name = "+".join(e.name for e in self.engines)

    def _direct(self) -> dict[tuple[str, str], "TranslationEngine"]:
        found: dict[tuple[str, str], TranslationEngine] = {}
        for engine in self.engines:
            for pair in engine.pairs():
                found.setdefault(pair, engine)
        return found

    def pairs(self) -> list[tuple[str, str]]:
        direct = self._direct()
        chained = {(a, c) for a, b in direct for b2, c in direct if b2 == b and c != a}
        return sorted(set(direct) | chained)

    def route(self, source: str, target: str) -> list[Hop]:
        direct = self._direct()
        if (source, target) in direct:
            return [Hop(direct[(source, target)], source, target)]
        for (a, pivot), first in sorted(direct.items(), key=lambda item: item[0][1] != "en"):
            if a == source and (pivot, target) in direct:
                return [Hop(first, source, pivot), Hop(direct[(pivot, target)], pivot, target)]
        installed = "; ".join(f"{e.name}: {', '.join(f'{a}->{b}' for a, b in e.pairs()) or 'none'}"
                              for e in self.engines)
        raise SubpipeError(f"no engine of {self.name} translates {source}->{target}, alone or chained through "
                           f"another language ({installed}). Install a pair for one of them: "
                           "`subpipe models install`, or `apt-get install apertium-<pair>`.", code=ErrorCode.MISSING_PAIR)

    def translate_batch(self, sentences: Sequence[str], source: str, target: str, **kwargs) -> list[str]:
        if source == target:
            return list(sentences)
        current = list(sentences)
        for hop in self.route(source, target):
            current = hop.engine.translate_batch(current, hop.source, hop.target)
        return current
