"""Score the demo packages against the human translations of the corpus films (chrF and BLEU, sacrebleu).

Tears of Steel and Sintel language versions share one timing, so a cue of one language and the cue
with the same start and end in another are a source and its human translation. Each source cue is
translated through argostranslate's own API (the package's sentence splitting, beam search),
offline, with the packages of ``--packages`` installed into a throwaway argos home.

    python models/measure_demo_models.py                      # the shipped models/demo/ packages
    python models/measure_demo_models.py --packages OLD_DIR   # another build, for comparison

Prints one Markdown table row per direction. Needs ``sacrebleu``.
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


def measure(packages: Path, corpus: Path) -> list[dict]:
    import sacrebleu

    home = Path(tempfile.mkdtemp(prefix="subpipe-measure-"))
    os.environ.update(build_demo_model.offline_argos_environment(home))
    from argostranslate import package, translate  # after the environment: argos reads it at import

    for path in sorted(packages.glob("*.argosmodel")):
        package.install_from_path(path)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packages", type=Path, default=HERE / "demo", help="folder of .argosmodel files")
    parser.add_argument("--corpus", type=Path, default=film_text.FILM_ROOTS[1], help="the shared corpus")
    args = parser.parse_args(argv)
    print("| pair | cues | chrF | BLEU |\n|---|---|---|---|")
    for row in measure(args.packages, args.corpus):
        print(f"| {row['pair']} | {row['cues']} | {row['chrf']:.1f} | {row['bleu']:.1f} |")
        for text, output in row["examples"]:
            print(f"<!-- {text} -> {output} -->")
    return 0


if __name__ == "__main__":
    sys.exit(main())
