"""`make demo`: the main job on the sample films in samples/, outputs in out/.

1. installs the demo argos packages of models/demo (the way a user installs a downloaded .argosmodel)
   unless the pair is already installed;
2. ingests and QCs every sample track (flow `ingest_tracks`) -> out/ingest/;
3. localizes each film's English track into Spanish and French (flow `localize_film`), aligning and
   term-checking the film's other tracks as references, with the sample glossary -> out/localize/<Title>/;
4. localizes the bilingual film `samples/bilingual/TearsOfSteelMix.en+es.vtt` (English and Spanish scenes
   in one track) into English and Spanish: each cue's language identified, each cue translated from its
   own language, cues already in the target kept verbatim, plus forced-narrative tracks;
5. when Apertium's English-Spanish pair is installed (`make demo` installs it when apt-get is usable),
   localizes Tears of Steel into Spanish again with Apertium -> out/localize-apertium/ and prints a few of
   its cues beside the demo model's; otherwise says why and goes on.
"""

import sys
import tomllib
from pathlib import Path

from flows.ingest import ingest_tracks
from flows.localize import localize_film
from flows.params import Engine
from subpipe.errors import SubpipeError
from subpipe.formats import read_track
from subpipe.ingest import guess_lang
from subpipe.localize import film_title

ROOT = Path(__file__).resolve().parent.parent
SUBTITLES = {".srt", ".vtt", ".ass"}


def install_demo_models() -> None:
    from subpipe.translate.argos import install_package_file, installed_packages

    have = {(p.from_code, p.to_code) for p in installed_packages()}
    config = tomllib.loads((ROOT / "models" / "models.toml").read_text(encoding="utf-8"))
    for pair in config["argos"]["pairs"]:
        if (pair["from"], pair["to"]) not in have:
            install_package_file(ROOT / "models" / pair["file"])
            print(f"installed demo model {pair['from']}->{pair['to']}")


def localize_bilingual(source: Path, output_dir: Path) -> int:
    """The bilingual sample into each of its own languages; the number of errors."""
    state = localize_film(source=str(source), target_languages=["en", "es"], forced_narrative=True,
                          glossary=str(ROOT / "samples" / "glossary" / "films.csv"), output_dir=str(output_dir),
                          return_state=True)
    result = state.result(raise_on_failure=False)
    shares = ", ".join(f"{s['code']} {s['share']:.0%}" for s in result["spoken_languages"]["languages"])
    print(f"{result['title']} (bilingual: {shares}):")
    for lang, v in result["languages"].items():
        origins = v.get("cues_by_origin", {})
        print(f"  {lang}: {v['cues']} cues, {origins.get('kept', 0)} kept verbatim, translated "
              f"{origins.get('translated', {})}, forced narrative {Path(v['outputs']['forced_srt']).name}")
    return len(result["errors"])


def apertium_unavailable() -> str | None:
    """Why Apertium cannot translate en->es here, or None when it can."""
    from subpipe.translate.apertium import ApertiumEngine

    try:
        ApertiumEngine(use_cache=False).route("en", "es")
    except SubpipeError as exc:
        return exc.message
    return None


def one_line(text: str) -> str:
    return text.replace("\n", " / ")


def compare_apertium(source: Path, demo_out: Path, output_dir: Path, shown: int = 6) -> int:
    """`source` into Spanish with Apertium, a few cues printed beside the demo model's; the number of errors."""
    why = apertium_unavailable()
    if why:
        print(f"\nApertium: skipped ({why})")
        return 0
    state = localize_film(source=str(source), target_languages=["es"], engine=Engine.APERTIUM,
                          glossary=str(ROOT / "samples" / "glossary" / "films.csv"), output_dir=str(output_dir),
                          return_state=True)
    result = state.result(raise_on_failure=False)
    title = result["title"]
    ours = read_track(output_dir / title / f"{title}.es.vtt").cues
    demo = read_track(demo_out / title / f"{title}.es.vtt").cues
    english = read_track(source).cues
    demo_at = {c.start: c.plain for c in demo}
    print(f"\n{title} in Spanish, demo model (argos) beside Apertium -> {output_dir}/{title}/:")
    for en, cue in [(e, c) for e, c in zip(english, ours) if c.start in demo_at][:shown]:
        print(f"  en:       {one_line(en.plain)}\n  argos:    {one_line(demo_at[cue.start])}\n"
              f"  apertium: {one_line(cue.plain)}")
    return len(result["errors"])


def main() -> int:
    install_demo_models()
    tracks = sorted(p for p in (ROOT / "samples").rglob("*") if p.suffix in SUBTITLES)
    ingest_out = ROOT / "out" / "ingest"
    ingested = ingest_tracks(paths=[str(p) for p in tracks], profile="netflix", output_dir=str(ingest_out))
    films: dict[str, list[Path]] = {}
    for p in tracks:
        films.setdefault(film_title(p), []).append(p)
    localize_out = ROOT / "out" / "localize"
    failed = len(ingested["errors"])
    for title, paths in sorted(films.items()):
        source = next((p for p in paths if guess_lang(p) == "en"), None)
        if source is None:
            continue
        references = [str(p) for p in paths if p != source]
        state = localize_film(source=str(source), target_languages=["es", "fr"], reference_tracks=references,
                              glossary=str(ROOT / "samples" / "glossary" / "films.csv"),
                              output_dir=str(localize_out), return_state=True)
        result = state.result(raise_on_failure=False)
        failed += len(result["errors"])
        langs = ", ".join(f"{k} ({v['cues']} cues, QC pass {v['qc']['pass_rate']:.0%})"
                          for k, v in result["languages"].items())
        print(f"{title}: {langs}")
    failed += localize_bilingual(ROOT / "samples" / "bilingual" / "TearsOfSteelMix.en+es.vtt", localize_out)
    failed += compare_apertium(ROOT / "samples" / "tears-of-steel" / "TearsOfSteel.en.vtt", localize_out,
                               ROOT / "out" / "localize-apertium")
    print(f"\nIngest: {len(ingested['tracks'])} tracks read -> {ingest_out}/ (ingest.md, findings.csv, clean copies)")
    print(f"Localize: {localize_out}/<Title>/ (<Title>.<lang>.srt|vtt, dual tracks, reports/, align/, terms/, "
          "summary.md)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
