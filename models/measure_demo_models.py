"""Score the demo packages: chrF and BLEU against the films' human translations, and placeholder survival.

**Quality.** Tears of Steel and Sintel language versions share one timing, so a cue of one language and the cue
with the same start and end in another are a source and its human translation. Each source cue is
translated through argostranslate's own API (the package's sentence splitting, beam search),
offline, with the packages of ``--packages`` installed into a throwaway argos home.

**Placeholder survival.** Every sentence of the sample films (``samples/``: Tears of Steel, Sintel,
Elephants Dream; the Spanish Tears of Steel for es->en) goes through the glossary protection exactly as
``subpipe localize`` sends it (``samples/glossary/films.csv`` plus the film's character names,
``subpipe.translate.names``), through subpipe's argos engine (no translation cache); each protected
occurrence ends ``resolved`` (its placeholder came back), ``via-unprotected`` (lost, but the retranslation
without protection has the rendering) or ``unresolved``.

    python models/measure_demo_models.py                      # the shipped models/demo/ packages
    python models/measure_demo_models.py --packages OLD_DIR   # another build, for comparison
    python models/measure_demo_models.py --only survival --lost   # and the sentences that lost one

Prints one Markdown table row per direction and measure. Quality needs ``sacrebleu``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

import build_demo_model  # noqa: E402  (sibling module, for the offline argos environment)
import film_text  # noqa: E402

FILMS = {"Tears of Steel": "films/tears-of-steel/TOS-{lang}.vtt", "Sintel": "films/sintel/sintel-{lang}.vtt"}
FILE_LANG = {"fr": "fr-Goofy"}  # Tears of Steel's only French track is its "Goofy" (colloquial) one
DIRECTIONS = [("en", "es"), ("en", "fr"), ("es", "en")]
SAMPLES = HERE.parent / "samples"
SAMPLE_FILMS = {"en": ["tears-of-steel/TearsOfSteel.en.vtt", "sintel/Sintel.en.vtt",
                       "elephants-dream/ElephantsDream.en.vtt"],
                "es": ["tears-of-steel/TearsOfSteel.es.vtt"]}
SAMPLE_GLOSSARY = SAMPLES / "glossary" / "films.csv"
STATUSES = ("resolved", "via-unprotected", "unresolved")


def film_path(corpus: Path, pattern: str, lang: str) -> Path:
    path = corpus / pattern.format(lang=FILE_LANG.get(lang, lang))
    if not path.exists():  # Sintel's French track is plain "fr"
        path = corpus / pattern.format(lang=lang)
    return path


def paired_cues(source: Path, target: Path) -> list[tuple[str, str]]:
    """(source text, human translation) for every cue whose start and end both tracks share."""
    from subpipe.formats import read_track

    translations = {(c.start, c.end): c.plain for c in read_track(target).cues}
    return [(" ".join(c.plain.split()), " ".join(translations[(c.start, c.end)].split()))
            for c in read_track(source).cues if (c.start, c.end) in translations]


def install(packages: Path) -> Path:
    """Install the packages of ``packages`` into a throwaway argos home, which this process then uses
    (argostranslate reads its settings once, at import: one home per process)."""
    if os.environ.get(ENV_INSTALLED):
        return Path(os.environ[ENV_INSTALLED])
    home = Path(tempfile.mkdtemp(prefix="subpipe-measure-"))
    os.environ.update(build_demo_model.offline_argos_environment(home, home / "packages"))
    os.environ["SUBPIPE_ARGOS_HOME"] = str(home)  # subpipe's engine: the same home, never the checkout's
    from argostranslate import package  # after the environment: argos reads it at import

    for path in sorted(packages.glob("*.argosmodel")):
        package.install_from_path(path)
    os.environ[ENV_INSTALLED] = str(home)
    return home


ENV_INSTALLED = "SUBPIPE_MEASURE_HOME"


def measure(packages: Path, corpus: Path) -> list[dict]:
    import sacrebleu

    install(packages)
    from argostranslate import translate

    rows = []
    for source, target in DIRECTIONS:
        pairs = []
        for pattern in FILMS.values():
            pairs += paired_cues(film_path(corpus, pattern, source), film_path(corpus, pattern, target))
        hypotheses = [translate.translate(text, source, target) for text, _ in pairs]
        references = [[reference for _, reference in pairs]]
        rows.append({"pair": f"{source}->{target}", "cues": len(pairs),
                     "chrf": sacrebleu.corpus_chrf(hypotheses, references).score,
                     "bleu": sacrebleu.corpus_bleu(hypotheses, references).score,
                     "examples": list(zip([t for t, _ in pairs[:3]], hypotheses[:3]))})
    return rows


def survival(packages: Path, glossary_path: Path = SAMPLE_GLOSSARY) -> list[dict]:
    """Per direction: how the protected occurrences of the sample films ended (``STATUSES``), and
    every sentence that lost a placeholder (what MT saw, what came back)."""
    install(packages)
    from subpipe.formats import read_track
    from subpipe.localize import film_names, source_sentences
    from subpipe.terms.glossary import load_glossary
    from subpipe.translate.argos import ArgosEngine
    from subpipe.translate.names import with_names
    from subpipe.translate.protect import translate_protected

    glossary = load_glossary(glossary_path)
    engine = ArgosEngine(use_cache=False)
    rows = []
    for source, target in DIRECTIONS:
        counts = dict.fromkeys(STATUSES, 0)
        sentences, lost = 0, []
        for name in SAMPLE_FILMS[source]:
            track = read_track(SAMPLES / name, lang=source)
            texts = [s.text for s in source_sentences(track, source)]
            protection = with_names(glossary, film_names(track, glossary))
            raw: dict[str, str] = {}

            def translate(batch: list[str], raw=raw, source=source, target=target) -> list[str]:
                out = engine.translate_batch(batch, source, target)
                raw.update(zip(batch, out))
                return out

            _, protected = translate_protected(texts, protection.entries, source, target, translate)
            for p in protected:
                if not p.slots:
                    continue
                sentences += 1
                for slot in p.slots:
                    counts[slot.status] += 1
                if any(slot.status != "resolved" for slot in p.slots):
                    lost.append((p.text, raw.get(p.text, ""), [slot.status for slot in p.slots]))
        rows.append({"pair": f"{source}->{target}", "sentences": sentences, **counts, "lost": lost})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packages", type=Path, default=HERE / "demo", help="folder of .argosmodel files")
    parser.add_argument("--corpus", type=Path, default=film_text.FILM_ROOTS[1], help="the shared corpus")
    parser.add_argument("--only", choices=["quality", "survival"], help="one measure (default: both)")
    parser.add_argument("--lost", action="store_true", help="list the sentences that lost a placeholder")
    args = parser.parse_args(argv)
    if args.only != "survival":
        print("| pair | cues | chrF | BLEU |\n|---|---|---|---|")
        for row in measure(args.packages, args.corpus):
            print(f"| {row['pair']} | {row['cues']} | {row['chrf']:.1f} | {row['bleu']:.1f} |")
            for text, output in row["examples"]:
                print(f"<!-- {text} -> {output} -->")
    if args.only != "quality":
        rows = survival(args.packages)
        print("\n| pair | sentences | protected | resolved | via-unprotected | unresolved |\n|---|---|---|---|---|---|")
        for row in rows:
            total = sum(row[s] for s in STATUSES)
            print(f"| {row['pair']} | {row['sentences']} | {total} | " + " | ".join(
                f"{row[s]} ({row[s] / max(total, 1):.0%})" for s in STATUSES) + " |")
        for row in rows if args.lost else []:
            for text, output, statuses in row["lost"]:
                print(f"<!-- {row['pair']} {'/'.join(statuses)}: {text} -> {output} -->")
    return 0


if __name__ == "__main__":
    sys.exit(main())
