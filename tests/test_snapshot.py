"""PNG snapshots: size, real Chinese glyphs, the colours on screen, thread safety, the plan ZIP and the CLI."""

from __future__ import annotations

import hashlib
import io
import shutil
import threading
import time
import zipfile
from datetime import datetime

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import environment_needed
from PIL import Image

from tracker.db.store import Store
from tracker.reports import bundle, charts, snapshot, table_picture
from tracker.reports import evaluation as report
from tracker.reports.export_cli import main_export
from tracker.views import service
from tracker.views.read_model import Snapshot
from tracker.views.story import build_story

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Skipped without Chromium or the CJK font; under CI (CI set) these tests fail instead of skipping.
needs_export = environment_needed(snapshot.export_readiness().ok, snapshot.export_readiness().message_en)
CAPTION = snapshot.Caption(plan="重庆市科技创新“十三五”规划", indicator="研究与试验发展经费投入强度(重庆市)", unit="%",
                           source="《重庆市科技创新“十三五”规划》;实际值:统计公报", as_of=2018,
                           generated_at=datetime(2024, 5, 6, 7, 8))


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)


def count_colour(image: np.ndarray, hex_colour: str, tolerance: int = 6) -> int:
    return int((np.abs(image - rgb(hex_colour)).max(axis=2) <= tolerance).sum())


def bar_figure(colour: str, title: str = "") -> go.Figure:
    fig = go.Figure(go.Bar(x=["甲", "乙", "丙"], y=[3, 5, 4], marker_color=colour))
    fig.update_layout(title=title)
    return fig


def title_band(png: bytes, rows: int) -> np.ndarray:
    """The top rows of a picture as ink (1 where darker than the background)."""
    return (pixels(png)[:rows].mean(axis=2) < 160).astype(np.uint8)


# ---- readiness, without Chromium ----------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def fresh_readiness():
    """Readiness is cached per process: tests that fake a missing browser or font need it recomputed."""
    snapshot.export_readiness.cache_clear()
    yield
    snapshot.export_readiness.cache_clear()


def test_without_chromium_export_says_what_to_install_and_does_not_hang(monkeypatch):
    monkeypatch.setattr(snapshot.shutil, "which", lambda _name: None)
    ready = snapshot.export_readiness()
    assert not ready.ok and ready.chromium_path is None
    assert snapshot.INSTALL_COMMAND in ready.message_zh and snapshot.INSTALL_COMMAND in ready.message_en
    assert "Chromium" in ready.message_zh
    started = time.perf_counter()
    with pytest.raises(snapshot.SnapshotUnavailable, match="apt-get install -y --no-install-recommends chromium"):
        snapshot.figure_png(bar_figure("#c0392b"))
    assert time.perf_counter() - started < 5


def test_without_a_cjk_font_export_is_refused(monkeypatch):
    monkeypatch.setattr(snapshot, "_has_cjk_font", lambda: False)
    ready = snapshot.export_readiness()
    assert not ready.ok and not ready.cjk_font
    assert "Noto Sans CJK" in ready.message_zh and "fonts-noto-cjk" in ready.message_zh


def test_cli_exits_4_with_the_apt_command_when_export_is_unavailable(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(snapshot.shutil, "which", lambda _name: None)
    assert main_export(["--out", str(tmp_path / "out")]) == 4
    assert snapshot.INSTALL_COMMAND in capsys.readouterr().err


# ---- size, glyphs, colours ----------------------------------------------------------------------------------------

@needs_export
def test_png_has_the_report_size_with_the_caption_inside():
    fig = bar_figure("#c0392b", "研究与试验发展经费投入强度")
    before = fig.to_dict()
    with_caption = snapshot.figure_png(fig, caption=CAPTION)
    without = snapshot.figure_png(fig)
    for png in (with_caption, without):
        assert png.startswith(PNG_SIGNATURE)
        assert Image.open(io.BytesIO(png)).size == (3200, 1800)   # 1600×900 at scale 2, caption included
    assert fig.to_dict() == before                                 # the caller's figure is untouched
    # The caption is text in the bottom strip; without a caption that strip is empty.
    assert title_band(with_caption, 1800)[-110:].sum() > 2000
    assert title_band(without, 1800)[-60:].sum() == 0


@needs_export
def test_titles_differing_only_in_chinese_characters_differ_in_pixels():
    a = snapshot.figure_png(bar_figure("#c0392b", "研究与试验发展经费"), width=800, height=450, scale=1)
    b = snapshot.figure_png(bar_figure("#c0392b", "高新技术企业数量多"), width=800, height=450, scale=1)
    band_a, band_b = title_band(a, 60), title_band(b, 60)
    assert band_a.sum() > 300 and band_b.sum() > 300     # there is a title at all
    assert (band_a != band_b).sum() > 300                # and its characters are drawn, not a shared placeholder


@needs_export
def test_chinese_title_is_distinct_glyphs_not_identical_boxes():
    text = "研究试验发展经费"
    fig = bar_figure("#c0392b")
    fig.update_layout(title={"text": text, "font": {"size": 40}})
    band = title_band(snapshot.figure_png(fig, width=900, height=450, scale=1), 90)
    cols, rows = np.where(band.any(axis=0))[0], np.where(band.any(axis=1))[0]
    glyphs = band[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    # CJK glyphs share one advance width: cut the title into one cell per character.
    edges = np.linspace(0, glyphs.shape[1], len(text) + 1).astype(int)
    cells = [glyphs[:, edges[i]:edges[i] + min(np.diff(edges))] for i in range(len(text))]
    assert all(cell.sum() > 40 for cell in cells)
    for i in range(len(cells)):
        for j in range(i + 1, len(cells)):
            assert np.abs(cells[i].astype(int) - cells[j]).sum() > 0.15 * max(cells[i].sum(), cells[j].sum()), \
                f"{text[i]} and {text[j]} render alike (boxes?)"


@needs_export
def test_exported_colours_are_the_screen_colours_not_streamlit_placeholders():
    import plotly.io as pio
    import streamlit  # noqa: F401 - importing it makes "streamlit" (placeholder colours) the default template

    assert pio.templates.default == "streamlit"
    fig = go.Figure(go.Bar(x=["甲", "乙"], y=[2, 3]))      # no colour of its own: the template decides
    image = pixels(snapshot.figure_png(fig, width=800, height=450, scale=1))
    assert count_colour(image, "#636efa") > 20000            # plotly's first colour, as the browser shows it
    assert count_colour(image, "#000001", tolerance=2) == 0  # not the placeholder black
    # The dashboard's own charts keep their explicit traffic-light colours.
    status = charts.get_status_chart(pd.DataFrame({"schedule_status": ["on_track", "on_track", "severely_lagging"]}))
    image = pixels(snapshot.figure_png(status, width=800, height=450, scale=1))
    assert count_colour(image, "#66bd63") > 5000 and count_colour(image, "#d73027") > 5000


@needs_export
def test_threads_exporting_at_once_each_get_their_own_picture():
    colours = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628"]
    results: dict[int, list[bytes]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(colours))

    def export(i: int) -> None:
        try:
            barrier.wait()
            results[i] = [snapshot.figure_png(bar_figure(colours[i], f"线程{i}"), width=640, height=360, scale=1)
                          for _ in range(2)]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=export, args=(i,)) for i in range(len(colours))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors and len(results) == len(colours)
    for i, pngs in results.items():
        for png in pngs:
            image = pixels(png)
            assert count_colour(image, colours[i]) > 10000
            assert all(count_colour(image, other) == 0 for other in colours if other != colours[i])


# ---- overview, table, ZIP, command line ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def db_copy(progress_db_path, tmp_path_factory):
    """A copy of the progress database opened read-only here (and by the CLI): page tests may hold the original."""
    path = tmp_path_factory.mktemp("snapshot") / "tracker.duckdb"
    shutil.copy(progress_db_path, path)
    return path


@needs_export
def test_overview_and_table_pictures(db_copy):
    store = Store.open(db_copy, read_only=True)
    try:
        snap = Snapshot.read(store)
        verdicts = service.verdicts(snap, plan_id="cq_sti_13fyp", as_of=2018)
        status = charts.get_status_chart(verdicts, "zh", "评价分布")
        overview = bundle.overview_png("重庆市科技创新“十三五”规划", service.kpi_counts(verdicts), status, None,
                                         CAPTION)
        assert Image.open(io.BytesIO(overview)).size == (3200, 1800)
        image = pixels(overview)
        assert count_colour(image, "#d73027") > 1000           # the severely-lagging bar and KPI card
        rep = report.build_report(verdicts, "重庆市科技创新“十三五”规划", 2018, "zh", snap.plan_targets("cq_sti_13fyp"))
        pages = table_picture.table_pages_png(rep.display, rep.title, CAPTION)
        short = rep.display.head(3)
        short.attrs = {**rep.display.attrs, "status": rep.display.attrs["status"][:3]}
        single = table_picture.table_pages_png(short, rep.title, CAPTION)
    finally:
        store.close()
    assert len(single) == 1 and Image.open(io.BytesIO(single[0])).size == (3200, 1800)
    # 76 rows: several 16:9 pictures of bounded height, not one picture 6,000 px tall.
    assert len(pages) >= 4
    assert all(Image.open(io.BytesIO(png)).size == (3200, 1800) for png in pages)
    # The 评价 cell is coloured by status (a severely lagging row in red) on the page that holds that row.
    assert sum(count_colour(pixels(png), "#d73027") for png in pages) > 2000


def _check_plan_zip(data: bytes, n_charts: int) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert {"overview.png", "evaluation.xlsx", "README.txt"} <= set(names)
        pages = [n for n in names if n.startswith("evaluation") and n.endswith(".png")]
        assert pages == ["evaluation.png"] or pages == [f"evaluation-{i}.png" for i in range(1, len(pages) + 1)]
        charts_ = [n for n in names if n.startswith("indicators/")]
        assert len(charts_) == len(set(charts_)) == n_charts
        pictures = {}
        for name in ["overview.png", *pages, *charts_]:
            png = zf.read(name)
            assert png.startswith(PNG_SIGNATURE), name
            assert Image.open(io.BytesIO(png)).size == (3200, 1800), name     # pages too: bounded height
            pictures.setdefault(hashlib.sha256(png).hexdigest(), []).append(name)
        assert [group for group in pictures.values() if len(group) > 1] == []   # no picture twice
        assert Image.open(io.BytesIO(zf.read(charts_[0]))).size == (3200, 1800)
        workbook = openpyxl.load_workbook(io.BytesIO(zf.read("evaluation.xlsx")))
        assert workbook.active.max_row >= 3 + n_charts
        readme = zf.read("README.txt").decode("utf-8-sig")
        assert "数据来源" in readme and "overview.png" in readme
    return names


def drawable(store, plan_id: str) -> tuple[int, list[str]]:
    """(charts a plan's ZIP holds, the targets it lists without one): every quantitative target whose story has
    something to draw; the others are named in the README, never drawn as an empty axis."""
    snap = Snapshot.read(store)
    charted, without = 0, []
    for row in snap.plan_targets(plan_id).to_dict("records"):
        if row["kind"] == "qualitative":
            continue
        story = build_story(snap, row["target_id"], history=store.actuals_history(row["region"], row["indicator"]))
        if story.no_chart_reason:
            without.append(f"{row['number']}. {row['indicator']}")
        else:
            charted += 1
    return charted, without


@needs_export
def test_plan_zip_of_chongqing_13th_five_year_plan(db_copy):
    calls = []
    store = Store.open(db_copy, read_only=True)
    try:
        targets = store.targets("cq_sti_13fyp")
        data = bundle.plan_zip(store, "cq_sti_13fyp", progress=lambda d, t, label: calls.append((d, t, label)))
        charted, without = drawable(store, "cq_sti_13fyp")
    finally:
        store.close()
    numeric = int((targets["kind"] != "qualitative").sum())
    names = _check_plan_zip(data, charted)
    assert without and charted + len(without) == numeric            # 规模以上工业类国有企业研发机构覆盖率 and others
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        readme = zf.read("README.txt").decode("utf-8-sig")
    assert all(f"  {line}\r\n" in readme for line in without)
    assert "indicators/04-研究与试验发展经费投入强度-2020.png" in names   # readable: number-indicator-year
    steps = numeric + 2 + sum(n.startswith("evaluation-") for n in names)   # overview, xlsx, table pages, charts
    assert [c[0] for c in calls] == list(range(1, steps + 1)) and all(t == steps for _, t, _ in calls)


@needs_export
def test_plan_zip_of_x_district_tells_its_four_bases_apart(db_copy):
    """X区's sub-targets repeat the same indicators for four industry bases: every picture says which base."""
    store = Store.open(db_copy, read_only=True)
    try:
        data = bundle.plan_zip(store, "xq_collab_2022")
        charted, _ = drawable(store, "xq_collab_2022")
    finally:
        store.close()
    _check_plan_zip(data, charted)      # none identical to another


def test_a_picture_identical_to_one_in_the_zip_is_stored_once(db_copy, monkeypatch):
    """Two targets nothing tells apart would give the same picture twice: stored once, the README says so."""
    if not snapshot.export_readiness().ok:
        pytest.skip(snapshot.export_readiness().message_en)
    same = PNG_SIGNATURE + b"same picture"
    monkeypatch.setattr(bundle, "figures_png", lambda items: (same for _ in items))
    monkeypatch.setattr(bundle, "render", lambda fig, *_: PNG_SIGNATURE + str(fig.layout.title.text).encode())
    monkeypatch.setattr(bundle, "overview_png", lambda *_, **__: PNG_SIGNATURE + b"overview")
    store = Store.open(db_copy, read_only=True)
    try:
        data = bundle.plan_zip(store, "weihai_2015")
        charted, _ = drawable(store, "weihai_2015")
    finally:
        store.close()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        charts_ = [n for n in zf.namelist() if n.startswith("indicators/")]
        readme = zf.read("README.txt").decode("utf-8-sig")
    assert len(charts_) == 1
    assert readme.count("相同,未重复保存") == charted - 1 and charts_[0] in readme


@needs_export
def test_cli_writes_one_zip_per_plan_with_a_progress_bar(db_copy, tmp_path, capsys):
    out = tmp_path / "out"
    assert main_export(["--out", str(out), "--db", str(db_copy), "--plan", "weihai_2015"]) == 0
    captured = capsys.readouterr()
    assert (out / "weihai_2015.zip").exists() and "weihai_2015.zip" in captured.out
    assert "[####################] 13/13" in captured.err
    store = Store.open(db_copy, read_only=True)
    try:
        charted, _ = drawable(store, "weihai_2015")
    finally:
        store.close()
    _check_plan_zip((out / "weihai_2015.zip").read_bytes(), charted)


def test_cli_unknown_plan_exits_2(db_copy, tmp_path, capsys):
    if not snapshot.export_readiness().ok:
        pytest.skip(snapshot.export_readiness().message_en)
    assert main_export(["--out", str(tmp_path), "--db", str(db_copy), "--plan", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
