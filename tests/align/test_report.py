"""The alignment HTML report as a reader meets it: cue numbers counted from 1 and labelled so,
tracks named relative to the report's folder (by file name alone when
outside the film's folder), and chart labels that do not overlap.

Text extents are estimated the way a reader's browser lays out the page's sans-serif font: at most
0.6 em per character, glyphs rising 0.8 em above the baseline and falling 0.25 em below it."""

import re
import shutil
from html.parser import HTMLParser

import pytest
from conftest import SAMPLES
from defusedxml import ElementTree as SafeET

from subpipe.align import align_tracks
from subpipe.align.report import render_report, timeline_svg, transform_svg, write_report

ED = SAMPLES / "elephants-dream"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def films(tmp_path_factory):
    folder = tmp_path_factory.mktemp("films")
    for name in ("ElephantsDream.en.vtt", "ElephantsDream.de.vtt"):
        shutil.copy(ED / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def alignment(films):
    return align_tracks(films / "ElephantsDream.en.vtt", films / "ElephantsDream.de.vtt")


class _Tables(HTMLParser):
    """Every table of the page as rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _link_table(page: str) -> list[dict[str, str]]:
    parser = _Tables()
    parser.feed(page)
    header, *rows = parser.tables[-1]
    return [dict(zip(header, row)) for row in rows]


def test_cue_numbers_count_from_1_and_the_page_says_so(alignment):
    page = render_report(alignment)
    assert "numbered from 1" in page
    rows = _link_table(page)
    lowest = alignment.link_rows()[0]  # the table's first row: lowest confidence
    assert (rows[0]["source cue no."], rows[0]["target cue no."]) == (
        str(int(lowest["source"]) + 1), str(int(lowest["target"]) + 1))
    first = alignment.source.cues[0]
    assert re.search(rf"<title>en cue 1 [^<]*{re.escape(first.plain.splitlines()[0])}", timeline_svg(alignment))
    assert "#0 " not in page


def test_a_track_outside_the_report_folder_is_named_by_its_file_name_alone(alignment, films, tmp_path):
    """Was ``../../../films0/ElephantsDream.en.vtt``: a path climbing out of the report's folder into the
    machine's own folders."""
    report = write_report(alignment, tmp_path / "out" / "align" / "ed.html")
    page = report.read_text(encoding="utf-8")
    source_cell, target_cell = (row[1] for row in _Tables_of(page)[0][:2])
    assert source_cell == "ElephantsDream.en.vtt (en, 89 cues)"
    assert target_cell.startswith("ElephantsDream.de.vtt (de, ")
    assert "../" not in page and str(films) not in page and str(tmp_path) not in page


def test_a_track_inside_the_film_folder_is_named_relative_to_the_report(films, tmp_path):
    """A track in the report's folder, or in the film's folder (`root`) the report is in, is named by its
    path from the report: it opens from the report wherever the folder goes."""
    (tmp_path / "tracks").mkdir()
    for name in ("ElephantsDream.en.vtt", "ElephantsDream.de.vtt"):
        shutil.copy(films / name, tmp_path / "tracks" / name)
    alignment = align_tracks(tmp_path / "tracks" / "ElephantsDream.en.vtt", tmp_path / "tracks" / "ElephantsDream.de.vtt")
    for report, root, named in ((tmp_path / "ed.html", None, "tracks/"), (tmp_path / "align" / "ed.html", tmp_path,
                                                                          "../tracks/")):
        written = write_report(alignment, report, root=root)
        source_cell = _Tables_of(written.read_text(encoding="utf-8"))[0][0][1]
        assert source_cell == named + "ElephantsDream.en.vtt (en, 89 cues)"
        assert (written.parent / source_cell.split(" (")[0]).is_file()


def _Tables_of(page: str):
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def _box(text_el) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of an SVG <text>, rotation by -90 degrees included."""
    size = float(text_el.get("font-size"))
    x, y = float(text_el.get("x")), float(text_el.get("y"))
    width = len(text_el.text or "") * size * 0.6
    anchor = text_el.get("text-anchor", "start")
    start = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    box = (start, y - 0.8 * size, start + width, y + 0.25 * size)
    rotation = re.fullmatch(r"rotate\((-?[\d.]+) ([\d.]+) ([\d.]+)\)", text_el.get("transform", ""))
    if rotation:
        assert float(rotation.group(1)) == -90 and (float(rotation.group(2)), float(rotation.group(3))) == (x, y)
        # rotating by -90 degrees about (x, y): an offset (dx, dy) becomes (dy, -dx)
        left, top, right, bottom = box
        box = (x + (top - y), y - (right - x), x + (bottom - y), y - (left - x))
    return box


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _texts(svg: str):
    return list(SafeET.fromstring(svg).iter(f"{SVG}text"))


def test_transform_chart_axis_titles_clear_every_tick_label(alignment):
    texts = _texts(transform_svg(alignment))
    titles = [t for t in texts if t.text in ("source time", "target time")]
    ticks = [t for t in texts if t not in titles]
    assert len(titles) == 2 and len(ticks) == 10
    for title in titles:
        for tick in ticks:
            assert not _overlap(_box(title), _box(tick)), (title.text, tick.text, _box(title), _box(tick))
    width = float(SafeET.fromstring(transform_svg(alignment)).get("width"))
    assert all(_box(t)[0] >= 0 and _box(t)[2] <= width for t in texts)  # nothing cut off either


def test_timeline_row_labels_clear_every_time_label(alignment):
    texts = _texts(timeline_svg(alignment))
    rows = [t for t in texts if "clock" in (t.text or "")]
    ticks = [t for t in texts if t not in rows]
    assert len(rows) == 2 and ticks
    assert not any(_overlap(_box(row), _box(tick)) for row in rows for tick in ticks)
