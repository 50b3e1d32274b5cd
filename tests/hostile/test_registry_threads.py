"""Issue 9 case 3: the format registry is complete before any thread reads it.

Flows read films in threads. Before, the registry was filled lazily by the first caller while other
threads already iterated the half-filled dict, and about one fresh process in ten rejected a valid
SRT ("not a subtitle file ... known formats: vtt"). Each launch here is a fresh interpreter whose four
threads start reading at the same instant.
"""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from conftest import CORNER, ROOT

SRT = CORNER / "cdown-srt" / "ascii.srt"
LAUNCHES = 24

CHILD = """
import sys, threading
from subpipe.formats import read_track

barrier = threading.Barrier(4)
results = []

def read():
    barrier.wait()
    try:
        results.append(read_track(sys.argv[1]).format)
    except Exception as exc:
        results.append(f"{type(exc).__name__}: {exc}")

threads = [threading.Thread(target=read) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("|".join(results))
"""


def _launch(_: int) -> str:
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(SRT)], capture_output=True, text=True, env=env,
                          timeout=120)
    return done.stdout.strip() or done.stderr.strip()


def test_four_threads_in_fresh_processes_all_read_a_valid_srt(corpus):
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(_launch, range(LAUNCHES)))
    failed = [o for o in outcomes if o != "srt|srt|srt|srt"]
    assert not failed, f"{len(failed)} of {LAUNCHES} launches: {failed[:3]}"


def test_register_adds_a_format_tried_after_the_builtins():
    from subpipe import formats
    from subpipe.cues import Cue, Track

    def parse(text, *, path):
        return Track([Cue(0, 1000, text[3:].strip(), position=0, line=1)], path=path)

    shouting = formats.Format("shout", "Shouting", (".shout",), sniff=lambda text: text.startswith("HEY"),
                              parse=parse)

    before = formats.format_ids()
    try:
        formats.register(shouting)
        assert formats.format_ids() == [*before, "shout"]
        assert formats.parse_track(b"HEY you", path="x.shout").cues[0].text == "you"
        assert formats.parse_track(SRT.read_bytes(), path=str(SRT)).format == "srt"
    finally:
        formats._registry = {k: v for k, v in formats._registry.items() if k != "shout"}
