"""Flagging culture-specific terms in a 1,500-cue film with a 1,000-term glossary, warm, spaCy batched.

Baseline, in the same process: spaCy over the same cues one `nlp(text)` call at a time, the way a naive
loop would do it, against `nlp.pipe` in batches (what subpipe does).
"""

import re
from pathlib import Path

from bench.bench_ingest import build_long_film
from bench.harness import measure, peak_memory, table
from subpipe.nlp import load_pipeline, pipe_texts, pipeline_info
from subpipe.terms.discover import discover
from subpipe.terms.flag import flag_track
from subpipe.terms.glossary import Glossary, load_glossary, make_entry
from subpipe.terms.match import NOT_NEEDED, analyze_track, find_terms

ROOT = Path(__file__).resolve().parent.parent


def build_glossary(film, size: int = 1000) -> Glossary:
    """The sample films' glossary, topped up to `size` with word pairs and triples taken from the film
    (so that many of them match, as a production glossary's would) and capitalised ones as names."""
    base = load_glossary(ROOT / "samples" / "glossary" / "films.csv")
    entries = list(base.entries)
    seen = {e.term.lower() for e in entries}
    for cue in film.cues:
        words = re.findall(r"[A-Za-z][A-Za-z'-]+", cue.plain)
        for n in (2, 3):
            for i in range(len(words) - n + 1):
                term = " ".join(words[i:i + n])
                if len(entries) >= size:
                    return Glossary(entries=entries, path="bench", format="generated")
                if term.lower() in seen:
                    continue
                seen.add(term.lower())
                entries.append(make_entry(term, "en", category="other", translations={"de": [term.upper()]},
                                          case_sensitive=term[:1].isupper() and n == 2))
    return Glossary(entries=entries, path="bench", format="generated")


def run() -> str:
    film = build_long_film(1500)
    film.lang = "en"
    glossary = build_glossary(film)
    nlp = load_pipeline("en")
    texts = [c.plain for c in film.cues]
    flag_track(film, glossary)  # warm: pipeline, lookup tables, idiom lists loaded once per process

    def one_by_one():
        for t in texts:
            nlp(t)

    def batched():
        for _ in pipe_texts("en", texts, disable=NOT_NEEDED):
            pass

    analysis = analyze_track(film, "en")
    hits = find_terms(analysis, glossary)
    candidates = discover(analysis, hits=hits, glossary=glossary)
    runs = 3
    base = measure("spaCy `nlp(text)` per cue (baseline)", one_by_one, runs=runs)
    piped = measure("spaCy `nlp.pipe` batched", batched, runs=runs)
    analyse = measure("subpipe analyze_track (passages + nlp.pipe)", lambda: analyze_track(film, "en"), runs=runs)
    match = measure("subpipe find_terms (1,000 terms)", lambda: find_terms(analysis, glossary), runs=runs)
    full = measure("subpipe flag_track (analyse + match + discover)", lambda: flag_track(film, glossary), runs=runs)
    rows = []
    for m in (base, piped, analyse, match, full):
        rows.append({"what": m.name, "median s": f"{m.median_s:.2f}", "x baseline": f"{m.ratio_to(base):.2f}",
                     "cues/s": f"{len(film.cues) / m.median_s:,.0f}"})
    peak = peak_memory(lambda: flag_track(film, glossary))
    return (f"## Terms: flag a {len(film.cues)}-cue film against a {len(glossary)}-term glossary\n\n"
            f"Warm (pipeline loaded before timing): {pipeline_info('en').describe()}. The glossary is the "
            f"sample films' plus word pairs and triples from the film; {len(hits)} hits, {len(candidates)} "
            f"candidates. Medians of {runs} runs; the baseline is spaCy over the same cues one call at a time. "
            f"Peak Python heap of one flag_track: {peak:.0f} MiB.\n\n" + table(rows) + "\n")


if __name__ == "__main__":
    print(run())
