"""Translating a 1,500-cue film en->es: subpipe's batched argos engine against a loop of argostranslate's
``translate`` per cue, and against the floor: one raw CTranslate2 ``translate_batch`` call on input
tokenised beforehand, with argos's own decoding options.

Two models. The shipped demo package is tiny (64-dim, 2+2 layers): on it the per-call costs of a loop weigh
the most. argos's real packages are Transformer-base-sized, where decoding itself weighs the most, so the
bench also builds a model of that size with random weights (timing only), packages it in argos's layout
with the demo package's sentencepiece and spaCy splitter, and times the same three shapes on it with
decoding capped: random weights never emit end-of-sentence, so every hypothesis runs to the cap, set near
the length of a real translation.

argostranslate reads its settings when first imported: `run` points it at a throwaway home first, so the
bench installs the demo package the way a user does and touches nothing of the machine's.
"""

import gc
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.bench_ingest import build_long_film
from bench.harness import Measure, table

ROOT = Path(__file__).resolve().parent.parent
DEMO_PACKAGE = ROOT / "models" / "demo" / "translate-en_es-demo.argosmodel"
ARGOS_ENV = ("SUBPIPE_ARGOS_HOME", "ARGOS_PACKAGES_DIR", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")
FLOOR_BATCH = 1_000_000  # tokens: every sentence in one batch
RANDOM_CODE = "zz"  # target "language" of the random-weights package
RANDOM_VOCAB = 32_000
RANDOM_CUES = 200  # cues of the film translated on the random-weights model
THREAD_CUES = 300  # cues of the film the engine translates for the threads table
THREAD_LOOP_CUES = 100  # cues of the film argos's loop translates for the threads table
RANDOM_THREAD_CUES = 100  # the same two on the random-weights model
RANDOM_THREAD_LOOP_CUES = 20


def _isolate_argos(home: Path) -> dict[str, str | None]:
    """Point argostranslate at `home` (before its import when possible); returns the environment to
    restore."""
    saved = {var: os.environ.get(var) for var in ARGOS_ENV}
    os.environ["SUBPIPE_ARGOS_HOME"] = str(home)
    os.environ["ARGOS_PACKAGES_DIR"] = str(home / "packages")
    if "argostranslate" not in sys.modules:  # after the import argos has read these: leave them
        for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            os.environ[var] = str(home / var.split("_")[1].lower())
    return saved


def _restore(saved: dict[str, str | None]) -> None:
    for var, value in saved.items():
        if value is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = value


def argos_options(max_batch_size: int, cap: int | None = None) -> dict:
    """The decoding options argos passes to ``translate_batch`` (beam 4 is argos's default beam size)."""
    options = dict(replace_unknowns=True, max_batch_size=max_batch_size, batch_type="tokens", beam_size=4,
                   num_hypotheses=1, length_penalty=0.2, return_scores=True)
    if cap:
        options["max_decoding_length"] = cap
    return options


class CappedTranslator:
    """A CTranslate2 translator whose every ``translate_batch`` stops decoding at `cap` tokens.

    Installed as the package's translator, it caps argos's own loop and subpipe's engine alike, which is
    what random weights need (they would otherwise decode 256 tokens, CTranslate2's default limit, which argos
    keeps, every time).
    """

    def __init__(self, translator, cap: int) -> None:
        self.translator, self.cap, self.calls = translator, cap, 0

    def translate_batch(self, *args, **kwargs):
        self.calls += 1
        kwargs["max_decoding_length"] = self.cap
        return self.translator.translate_batch(*args, **kwargs)


def pre_tokenise(hop, texts: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Each text's sentence chunks (argos's sentencizer) and every chunk's sentencepiece tokens."""
    chunks = hop.split(texts)
    return chunks, [hop.pkg.tokenizer.encode(c) for per_text in chunks for c in per_text]


def detokenise(hop, chunks: list[list[str]], results) -> list[str]:
    """What argos makes of the floor's tokens (as in ``apply_packaged_translation``), one text per text."""
    out, i = [], 0
    for per_text in chunks:
        tokens = [t for r in results[i:i + len(per_text)] for t in r.hypotheses[0]]
        i += len(per_text)
        value = hop.pkg.tokenizer.decode(tokens)
        if hop.pkg.target_prefix and value.startswith(hop.pkg.target_prefix):
            value = value[len(hop.pkg.target_prefix):]
        out.append(value[1:] if value.startswith(" ") else value)
    return out


def argos_loop(argos, texts: Sequence[str], source: str, target: str) -> list[str]:
    """The loop users write, started with argos's in-memory cache emptied (it keeps the last call's text)."""
    argos.translate.get_translation_from_codes(source, target).cache = {}
    return [argos.translate.translate(t, source, target) for t in texts]


def stage_profile(hop, texts: Sequence[str], max_batch_tokens: int,
                  cap: int | None = None) -> dict[str, float]:
    """Where the engine's time goes, stage by stage, on `texts` (seconds, one run each)."""
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    chunks = hop.split(texts)
    times["sentencizer (spaCy)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    tokens = [hop.pkg.tokenizer.encode(c) for per_text in chunks for c in per_text]
    times["sentencepiece encode"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = hop.translator().translate_batch(tokens, **argos_options(max_batch_tokens, cap))
    times["CTranslate2 translate_batch"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    detokenise(hop, chunks, results)
    times["decode"] = time.perf_counter() - t0
    return times


def build_random_package(demo_dir: Path, out_dir: Path, *, layers: int = 6, heads: int = 8,
                         d_model: int = 512, ffn: int = 2048, vocab_size: int = RANDOM_VOCAB,
                         seed: int = 0) -> Path:
    """An ``.argosmodel`` en->zz in `out_dir`: a Transformer-base-sized model with random weights (int8, like
    argos's), the demo package's sentencepiece model and spaCy splitter; the vocabulary is the demo's pieces
    padded with filler pieces to `vocab_size`, so the output projection has a real model's size."""
    import ctranslate2
    import numpy as np
    import sentencepiece
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)

    def matrix(rows: int, cols: int):
        return (rng.standard_normal((rows, cols), dtype=np.float32) / math.sqrt(cols)).astype(np.float32)

    def norm(spec):
        spec.gamma, spec.beta = np.ones(d_model, np.float32), np.zeros(d_model, np.float32)

    def linear(spec, rows: int, cols: int):
        spec.weight, spec.bias = matrix(rows, cols), np.zeros(rows, np.float32)

    spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads, pre_norm=True,
                                                         activation=ctranslate2.specs.Activation.RELU)
    embedding = matrix(vocab_size, d_model)
    spec.encoder.embeddings[0].weight = embedding
    spec.encoder.scale_embeddings = True
    norm(spec.encoder.layer_norm)
    for layer in spec.encoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d_model, d_model)
        linear(layer.self_attention.linear[1], d_model, d_model)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, ffn, d_model)
        linear(layer.ffn.linear_1, d_model, ffn)
    spec.decoder.embeddings.weight = embedding
    spec.decoder.scale_embeddings = True
    norm(spec.decoder.layer_norm)
    spec.decoder.projection.weight = embedding
    spec.decoder.projection.bias = np.zeros(vocab_size, np.float32)
    for layer in spec.decoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d_model, d_model)
        linear(layer.self_attention.linear[1], d_model, d_model)
        norm(layer.attention.layer_norm)
        linear(layer.attention.linear[0], d_model, d_model)
        linear(layer.attention.linear[1], 2 * d_model, d_model)
        linear(layer.attention.linear[2], d_model, d_model)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, ffn, d_model)
        linear(layer.ffn.linear_1, d_model, ffn)
    sp = sentencepiece.SentencePieceProcessor(model_file=str(demo_dir / "sentencepiece.model"))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    vocabulary = pieces + [f"▁filler{i}" for i in range(vocab_size - len(pieces))]
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")
    root = out_dir / f"translate-en_{RANDOM_CODE}-random"
    (root / "model").mkdir(parents=True)
    spec.save(str(root / "model"))
    shutil.copy(demo_dir / "sentencepiece.model", root / "sentencepiece.model")
    shutil.copytree(demo_dir / "spacy", root / "spacy")
    metadata = json.loads((demo_dir / "metadata.json").read_text(encoding="utf-8"))
    metadata.update(to_code=RANDOM_CODE, to_name="Random weights", code=root.name, package_version="0",
                    description="bench only: random weights, timing only")
    (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    archive = out_dir / f"{root.name}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:  # int8 weights do not compress much
        for path in sorted(root.rglob("*")):
            zf.write(path, path.relative_to(out_dir))
    return archive


def timed(name: str, fn, runs: int) -> tuple[Measure, object]:
    """Median of `runs` timed calls of `fn` (no warm-up) and the last call's result."""
    measures, results = interleaved({name: fn}, runs)
    return measures[name], results[name]


def interleaved(fns: dict[str, Callable[[], object]],
                runs: int) -> tuple[dict[str, Measure], dict[str, object]]:
    """Median of `runs` timed calls of each function, taken in turns (one call of each per round), so that
    load from other work on the machine, which drifts, weighs on each alike; and each one's last result."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    results: dict[str, object] = {}
    for _ in range(runs):
        for name, fn in fns.items():
            gc.collect()
            t0 = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t0)
    return {name: Measure(name, statistics.median(ts), runs) for name, ts in times.items()}, results


def _ms(m: Measure) -> str:
    return f"{m.median_s * 1000:,.0f}"


def _row(what: str, m: Measure, floor: Measure, per: int, note: str = "") -> dict:
    return {"what": what, "median ms": _ms(m), "ms per cue": f"{m.median_s * 1000 / per:.2f}",
            "x floor": f"{m.ratio_to(floor):.2f}", "note": note}


def _stages(profile: dict[str, float]) -> str:
    total = sum(profile.values())
    return ", ".join(f"{k} {v * 1000:,.0f} ms ({v / total:.0%})" for k, v in profile.items())


def race(translator, tokens, engine_batch: int, engine_fn, runs: int,
         cap: int | None = None) -> tuple[Measure, Measure, Measure, Measure, object]:
    """The engine against the one-call floor at two batch sizes (everything in one batch; the engine's),
    interleaved: (engine, floor in one batch, floor at the engine's batch size, the faster floor, the
    engine's last output)."""
    measures, results = interleaved({
        "engine": engine_fn,
        "one": lambda: translator.translate_batch(tokens, **argos_options(FLOOR_BATCH, cap)),
        "engine batch": lambda: translator.translate_batch(tokens, **argos_options(engine_batch, cap)),
    }, runs)
    one, at_engine = measures["one"], measures["engine batch"]
    faster = min(one, at_engine, key=lambda m: m.median_s)
    return measures["engine"], one, at_engine, faster, results["engine"]


def ct2_default_threads() -> int:
    """What CTranslate2 makes of ``intra_threads=0`` (argos's default): min(4, the machine's CPUs)."""
    return min(4, os.cpu_count() or 1)


def thread_rows(argos, engine, hop, loop_texts: Sequence[str], engine_texts: Sequence[str], source: str,
                target: str, *, wrap: Callable | None = None, oversubscribed: bool = False,
                runs: int = 3) -> list[dict]:
    """argos's loop and the engine with the package's translator made at subpipe's default
    ``intra_threads`` and at the alternatives (1, the usable cores, CTranslate2's own default, and twice
    the cores when `oversubscribed`), one translator per thread count, all timed in turns (one call of
    each per round); the shared translator is put back. `wrap` wraps each translator (the decoding cap)."""
    import ctranslate2

    from subpipe.translate.threads import usable_cores

    s, original, chosen = hop.settings, hop.translation.translator, hop.threads()
    cores = usable_cores()
    labels: dict[int, list[str]] = {}
    candidates = [(chosen.intra_threads or ct2_default_threads(), f"**subpipe's default** ({chosen.origin})"),
                  (1, "one thread"), (cores, "the usable cores"),
                  (ct2_default_threads(), "argos's default (0: CTranslate2's min(4, CPUs))")]
    if oversubscribed:
        candidates.append((2 * cores, "twice the cores"))
    for intra, label in candidates:
        labels.setdefault(intra, []).append(label)
    translators = {}
    for intra in labels:
        made = ctranslate2.Translator(str(hop.pkg.package_path / "model"), device=s.device,
                                      inter_threads=s.inter_threads, intra_threads=intra, compute_type=s.compute_type)
        translators[intra] = wrap(made) if wrap else made
    fns: dict[str, Callable[[], object]] = {}

    def on(intra: int, fn: Callable[[], object]) -> Callable[[], object]:
        def call():
            hop.translation.translator = translators[intra]
            return fn()
        return call

    try:
        for intra in translators:
            on(intra, lambda: engine.translate_batch(engine_texts[:20], source, target))()  # warm-up
            fns[f"loop {intra}"] = on(intra, lambda: argos_loop(argos, loop_texts, source, target))
            fns[f"engine {intra}"] = on(intra, lambda: engine.translate_batch(engine_texts, source, target))
        measures, _ = interleaved(fns, runs)
    finally:
        hop.translation.translator = original
    base = chosen.intra_threads or ct2_default_threads()
    rows = []
    for intra, names in labels.items():
        loop, eng = measures[f"loop {intra}"], measures[f"engine {intra}"]
        rows.append({"intra_threads": intra, "what": "; ".join(names),
                     "loop ms per cue": f"{loop.median_s * 1000 / len(loop_texts):.2f}",
                     "engine ms per cue": f"{eng.median_s * 1000 / len(engine_texts):.2f}",
                     "loop x default": f"{loop.ratio_to(measures[f'loop {base}']):.2f}",
                     "engine x default": f"{eng.ratio_to(measures[f'engine {base}']):.2f}"})
    return rows


def _threads_note(hop, loop_n: int, engine_n: int, runs: int = 3) -> str:
    from subpipe.translate.threads import usable_cores

    return (f"CTranslate2's threads (`intra_threads`; subpipe's default for this package: "
            f"{hop.threads().describe()}; {usable_cores()} usable cores, {os.cpu_count()} CPUs): argos's loop on "
            f"the film's first {loop_n} cues, the engine on its first {engine_n}; medians of {runs}, every "
            "row's loop and engine in turns; a translator per row, shared by both:\n\n")


def _demo_section(argos, engine, film, texts: list[str]) -> tuple[str, float]:
    from subpipe.segment.sentences import cues_to_sentences

    n, size = len(texts), engine.max_batch_tokens
    unique = list(dict.fromkeys(texts))
    engine.translate_batch(texts, "en", "es")  # loads the translator and sentencizer, shared with argos
    hop = engine._hops[("en", "es")]
    translator = hop.translator()
    t0 = time.perf_counter()
    sentences = [s.text for s in cues_to_sentences(film, "en")]
    segment_s = time.perf_counter() - t0
    unique_sentences = list(dict.fromkeys(sentences))
    chunks, tokens = pre_tokenise(hop, unique)
    _, tokens_all = pre_tokenise(hop, texts)
    _, tokens_sentences = pre_tokenise(hop, unique_sentences)

    eng_cues, floor_one, floor_engine, floor, batched = race(
        translator, tokens, size, lambda: engine.translate_batch(texts, "en", "es"), runs=5)
    eng_sentences, _, _, floor_sentences, _ = race(
        translator, tokens_sentences, size, lambda: engine.translate_batch(sentences, "en", "es"), runs=5)
    floor_dup, _ = timed("floor, duplicates kept", lambda: translator.translate_batch(
        tokens_all, **argos_options(FLOOR_BATCH)), runs=3)
    loop, looped = timed("loop", lambda: argos_loop(argos, texts, "en", "es"), runs=3)

    agree = sum(a == b for a, b in zip(batched, looped))
    floor_results = translator.translate_batch(tokens, **argos_options(size))
    by_text = dict(zip(unique, detokenise(hop, chunks, floor_results)))
    floor_agree = sum(by_text[t] == b for t, b in zip(texts, batched))
    out_lengths = [len(r.hypotheses[0]) for r in floor_results]
    profile = stage_profile(hop, unique, size)
    threads = thread_rows(argos, engine, hop, texts[:THREAD_LOOP_CUES], texts[:THREAD_CUES], "en", "es",
                          oversubscribed=True)

    rows = [
        _row("loop: `argostranslate.translate.translate` per cue", loop, floor, n,
             "argos's in-memory cache emptied first; median of 3"),
        _row("subpipe `ArgosEngine.translate_batch`, cue texts", eng_cues, floor, n,
             f"{len(unique)} unique texts translated; median of 5, in turns with the two floors below"),
        _row(f"floor: one `translate_batch`, unique cue texts, max_batch_size {FLOOR_BATCH:,}", floor_one,
             floor, n, f"{len(tokens)} chunks, {sum(map(len, tokens)):,} tokens"),
        _row(f"floor: one `translate_batch`, unique cue texts, max_batch_size {size:,}", floor_engine,
             floor, n, "the engine's batch size"),
        _row(f"floor: one `translate_batch`, all cue texts (duplicates kept), max_batch_size {FLOOR_BATCH:,}",
             floor_dup, floor, n, f"{len(tokens_all)} chunks: what deduplication saves; median of 3"),
        _row("subpipe `ArgosEngine.translate_batch`, `cues_to_sentences`", eng_sentences, floor_sentences, n,
             f"{len(sentences)} sentences, {len(unique_sentences)} unique; x its own floor"),
        _row("floor: one `translate_batch`, unique sentences", floor_sentences, floor_sentences, n,
             f"{len(tokens_sentences)} chunks, faster of the two batch sizes"),
    ]
    text = (
        f"### Demo package en->es ({n:,} cues; a tiny 64-dim 2+2-layer model)\n\n"
        + table(rows) + "\n\n"
        f"- **loop / floor: {loop.ratio_to(floor):.1f}x**; **engine / floor: "
        f"{eng_cues.ratio_to(floor):.2f}x** over the cue texts, "
        f"{eng_sentences.ratio_to(floor_sentences):.2f}x over sentences (against the floor of the same "
        "sentences). The floor is the faster of the two one-call floors on the unique texts; against the "
        f"floor at its own batch size the engine is at {eng_cues.ratio_to(floor_engine):.2f}x: what it adds "
        "to the one call (splitting, encoding, deduplication, decoding) is the stage list below. Which batch "
        "size wins changes from run to run with the load.\n"
        f"- Identical output: engine vs loop **{agree}/{n}** cues ({agree / n:.0%}); the floor's tokens, "
        f"detokenised as argos does, vs engine: {floor_agree}/{n}.\n"
        f"- Engine stages on the {len(unique)} unique cue texts (one run): {_stages(profile)}.\n"
        f"- `cues_to_sentences` (spaCy `en_core_web_sm`, sentences across cue boundaries) took "
        f"{segment_s * 1000:,.0f} ms, once; it is the pipeline's segmentation step, left out of the ratios.\n"
        f"- Output per chunk: mean {statistics.mean(out_lengths):.1f} tokens, max {max(out_lengths)} "
        f"({sum(x >= 100 for x in out_lengths)} chunks of 100 tokens or more: the toy model runs away on a "
        "few non-English cues, up to CTranslate2's 256-token default, on every path alike).\n\n"
        + _threads_note(hop, THREAD_LOOP_CUES, THREAD_CUES) + table(threads) + "\n"
    )
    return text, statistics.mean(map(len, tokens))


def _random_section(argos, engine, home: Path, texts: list[str], mean_source: float) -> str:
    import ctranslate2

    from subpipe.translate.argos import install_package_file

    texts = texts[:RANDOM_CUES]
    n, size = len(texts), engine.max_batch_tokens
    unique = list(dict.fromkeys(texts))
    demo_dir = next(p for p in engine.packages() if (p.from_code, p.to_code) == ("en", "es")).path
    t0 = time.perf_counter()
    archive = build_random_package(demo_dir, home / "build")
    [info] = install_package_file(archive)
    build_s = time.perf_counter() - t0
    cap = math.ceil(1.2 * mean_source)
    hop = engine._hop(info)
    s = hop.settings
    capped = CappedTranslator(ctranslate2.Translator(
        str(info.path / "model"), device=s.device, inter_threads=s.inter_threads,
        intra_threads=hop.threads().intra_threads, compute_type=s.compute_type), cap)
    hop.translation.translator = capped  # argos's loop and the engine both take the package's translator
    _, tokens = pre_tokenise(hop, unique)

    profile = stage_profile(hop, unique, size)  # also warms the translator up
    calls = capped.calls
    eng, floor_one, floor_engine, floor, _ = race(
        capped.translator, tokens, size, lambda: engine.translate_batch(texts, "en", RANDOM_CODE), runs=3,
        cap=cap)
    engine_calls, calls = (capped.calls - calls) // 3, capped.calls
    loop, _ = timed("loop", lambda: argos_loop(argos, texts, "en", RANDOM_CODE), runs=1)
    loop_calls = capped.calls - calls
    single = ctranslate2.Translator(str(info.path / "model"), device=s.device, intra_threads=1,
                                    compute_type=s.compute_type)
    one_thread, _ = timed("one thread", lambda: single.translate_batch(tokens, **argos_options(size, cap)),
                          runs=1)
    threads = thread_rows(argos, engine, hop, texts[:RANDOM_THREAD_LOOP_CUES], texts[:RANDOM_THREAD_CUES], "en",
                          RANDOM_CODE, wrap=lambda made: CappedTranslator(made, cap))
    hop.translation.translator = capped
    rows = [
        _row("loop: `argostranslate.translate.translate` per cue", loop, floor, n,
             f"one run, {loop_calls} calls"),
        _row("subpipe `ArgosEngine.translate_batch`, cue texts", eng, floor, n,
             f"{len(unique)} unique texts, {engine_calls} call(s); median of 3, in turns with the floors"),
        _row(f"floor: one `translate_batch`, max_batch_size {FLOOR_BATCH:,}", floor_one, floor, n,
             f"{len(tokens)} chunks, {sum(map(len, tokens)):,} tokens; median of 3"),
        _row(f"floor: one `translate_batch`, max_batch_size {size:,}", floor_engine, floor, n,
             "the engine's batch size; median of 3"),
        _row(f"floor: one `translate_batch`, max_batch_size {size:,}, intra_threads 1", one_thread, floor, n,
             "one run; a translator of its own"),
    ]
    return (
        f"### RANDOM WEIGHTS, timing only: a Transformer-base-sized model (the film's first {n} cues)\n\n"
        f"6+6 layers, d_model 512, 8 heads, FFN 2048, vocabulary {RANDOM_VOCAB:,} (the demo's sentencepiece "
        f"pieces, padded), int8 like argos's packages; built, zipped and installed as an argos package "
        f"en->{RANDOM_CODE} in {build_s:.1f} s. Its output is noise. Random weights never end a sentence, so "
        f"decoding is capped at **{cap} tokens** (1.2x the mean source chunk of {mean_source:.1f} tokens: "
        "about a real translation's length) on every path alike: the cap sits on the package's translator, "
        "which argos's loop and the engine both call.\n\n"
        + table(rows) + "\n\n"
        f"- **loop / floor: {loop.ratio_to(floor):.1f}x**; **engine / floor: {eng.ratio_to(floor):.2f}x** "
        f"({eng.ratio_to(floor_engine):.2f}x the floor at its own batch size). Scaled to 1,500 cues "
        f"(x{1500 / n:.1f}): loop ~{loop.median_s * 1500 / n:,.0f} s, "
        f"engine ~{eng.median_s * 1500 / n:,.0f} s.\n"
        f"- Engine stages (one run, the first: includes warm-up): {_stages(profile)}.\n\n"
        + _threads_note(hop, RANDOM_THREAD_LOOP_CUES, RANDOM_THREAD_CUES) + table(threads) + "\n"
    )


def run() -> str:
    home = Path(tempfile.mkdtemp(prefix="subpipe-bench-argos-"))
    saved = _isolate_argos(home)
    load_start = os.getloadavg()[0]
    try:
        from subpipe.translate.argos import ArgosEngine, _argos, configure_argos, install_package_file

        configure_argos(home)
        install_package_file(DEMO_PACKAGE)
        argos = _argos()
        engine = ArgosEngine(home=home, use_cache=False)
        film = build_long_film()
        # One text per cue, its lines joined: argos translates each line of a text on its own.
        texts = [cue.plain.replace("\n", " ") for cue in film.cues]
        demo, mean_source = _demo_section(argos, engine, film, texts)
        random = _random_section(argos, engine, home, texts, mean_source)
        threads = (f"argos's translator settings: device {argos.settings.device}, inter_threads "
                   f"{argos.settings.inter_threads}; intra_threads chosen by subpipe per package (see the "
                   "threads tables)")
    finally:
        _restore(saved)
        shutil.rmtree(home, ignore_errors=True)
    import ctranslate2

    return (
        f"## Translate: a {len(texts):,}-cue film, batched engine vs per-cue argos loop vs the CTranslate2 "
        "floor\n\n"
        f"The film is the ingest bench's: the corpus films concatenated ({len(set(texts))} distinct cue "
        "texts; about half of them not English, so the demo model's output on those is poor, but the same "
        "on every path). One text per cue, its lines joined by a space. The engine runs without its "
        "persistent cache; argos's loop uses the same installed package, translator and sentencizer. Floor: "
        "one CTranslate2 `translate_batch` call on the sentencepiece tokens of argos's sentence chunks, "
        "tokenised beforehand, with argos's decoding options (beam 4, length penalty 0.2, replace unknowns, "
        "batches counted in "
        f"tokens), timed alone. CTranslate2 {ctranslate2.__version__}; {threads}. 1-minute load average "
        f"{load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (other work on the machine "
        "slows every path; the ratios are steadier than the times).\n\n"
        + demo + "\n" + random
    )
