"""Figure to PNG bytes for reports and slides (captions and text measurement: tracker.reports.layout).

One Chromium (kaleido) serves the whole process. It is started lazily, every render holds one lock, and every wait
has a timeout, so a missing browser or a stuck render gives a Chinese error message instead of a hung page.
Streamlit serves each session from its own thread, and kaleido's own sync server hands results back through one
shared queue, so two sessions exporting at once could receive each other's picture. Here each render is a
coroutine submitted to the renderer's event loop with its own future (run_coroutine_threadsafe), and the lock
serialises renders on top of that (one Chromium tab, bounded memory, and the lazy start/restart is race-free).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import copy
import functools
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import plotly.graph_objects as go

from tracker.reports.charts import FONT
from tracker.reports.layout import (  # noqa: F401  (Caption, caption_lines, wrap_text: imported from here by callers)
    CJK_FAMILY,
    FONT_SCALE,
    Caption,
    add_caption,
    axes,
    caption_lines,
    title_text,
    wrap_text,
)

INSTALL_COMMAND = "apt-get install -y --no-install-recommends chromium fonts-noto-cjk"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
START_TIMEOUT = 60.0      # seconds for Chromium to start
RENDER_TIMEOUT = 60.0     # seconds for one picture (kaleido's own timeout; we wait a little longer)
LOCK_TIMEOUT = 180.0      # seconds a render waits for another session's render before giving up



class SnapshotError(RuntimeError):
    """A picture could not be made (render failed or timed out)."""


class SnapshotUnavailable(SnapshotError):
    """PNG export cannot work on this machine: Chromium or the CJK font is missing."""


# ---- readiness -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Readiness:
    ok: bool
    chromium_path: str | None
    cjk_font: bool
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


def _find_chromium() -> str | None:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    return None


def _has_cjk_font() -> bool:
    """Whether fontconfig knows Noto Sans CJK (without it every Chinese character in a PNG is a box)."""
    if shutil.which("fc-list") is None:
        return False
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "Noto Sans CJK" in out


@functools.lru_cache(maxsize=1)
def export_readiness() -> Readiness:
    """Can this machine export PNGs? Cached: call export_readiness.cache_clear() after installing packages."""
    chromium, font = _find_chromium(), _has_cjk_font()
    if chromium and font:
        return Readiness(True, chromium, True, f"PNG 导出可用(浏览器 {chromium},字体 {CJK_FAMILY})。",
                         f"PNG export ready (browser {chromium}, font {CJK_FAMILY}).")
    missing_zh = "、".join(([] if chromium else ["Chromium 浏览器"]) + ([] if font else ["中文字体 Noto Sans CJK"]))
    missing_en = " and ".join(([] if chromium else ["the Chromium browser"]) + ([] if font else ["the Noto Sans CJK font"]))
    return Readiness(
        False, chromium, font,
        f"无法导出 PNG:本机缺少{missing_zh}。请管理员以 root 身份执行:{INSTALL_COMMAND}",
        f"PNG export unavailable: {missing_en} missing. Ask an administrator to run (as root): {INSTALL_COMMAND}",
    )


def require_ready() -> Readiness:
    ready = export_readiness()
    if not ready.ok:
        raise SnapshotUnavailable(ready.message_zh)
    return ready


# ---- the one renderer of the process -------------------------------------------------------------------------

RELOAD_EVERY = 25   # pictures between page reloads (kaleido reloads after every one; see _kaleido_class)


@functools.lru_cache(maxsize=1)
def _kaleido_class():
    """Kaleido, reloading its page every RELOAD_EVERY pictures instead of after each one.

    The reload re-parses the 4 MB plotly.js: ~0.2 s of the ~0.4 s a 3200×1800 picture takes here. kaleido's page
    renders with Plotly.toImage, which draws into a fresh element and purges it, so nothing carries over between
    pictures; the periodic reload bounds any leak. _return_kaleido_tab is private to kaleido (pinned in
    requirements.txt); if a version lacks it, the stock class is used and only speed changes.
    """
    import kaleido  # imported here: the app starts even where kaleido cannot

    if not hasattr(kaleido.Kaleido, "_return_kaleido_tab"):
        return kaleido.Kaleido

    class ReusingKaleido(kaleido.Kaleido):
        _pictures = 0

        async def _return_kaleido_tab(self, tab) -> None:
            self._pictures += 1
            if self._pictures % RELOAD_EVERY == 0:
                await super()._return_kaleido_tab(tab)
            else:
                await self.tabs_ready.put(tab)

    return ReusingKaleido


class _Renderer:
    """A Kaleido (one headless Chromium) living in an event loop on its own daemon thread.

    Each render is its own coroutine with its own future, so a result can only reach the caller that asked.
    """

    def __init__(self, chromium_path: str):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido-renderer", daemon=True)
        self._thread.start()
        self._kaleido = None
        try:
            self._kaleido = self._wait(self._submit(self._open(chromium_path)), START_TIMEOUT)
        except BaseException:
            self.close()
            raise

    @staticmethod
    async def _open(chromium_path: str):
        # mathjax=False: its default is a CDN script, and this intranet server has no internet.
        k = _kaleido_class()(n=1, timeout=RENDER_TIMEOUT, mathjax=False, path=chromium_path)
        await k.open()
        return k

    def _submit(self, coroutine) -> concurrent.futures.Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    @staticmethod
    def _wait(future: concurrent.futures.Future, timeout: float):
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise

    def submit(self, spec: dict, width: int, height: int, scale: float) -> concurrent.futures.Future:
        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        return self._submit(self._kaleido.calc_fig(spec, opts=opts))

    def close(self) -> None:
        if self._kaleido is not None:
            with contextlib.suppress(BaseException):   # best effort: the thread is a daemon anyway
                self._wait(self._submit(self._kaleido.close()), 15)
            self._kaleido = None
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


_LOCK = threading.Lock()
_renderer: _Renderer | None = None


class _Session:
    """Holds the process's render lock; starts the renderer on first use and replaces it after a failure."""

    def __enter__(self) -> _Session:
        global _renderer
        ready = require_ready()
        if not _LOCK.acquire(timeout=LOCK_TIMEOUT):
            raise SnapshotError("图片导出繁忙(其他用户正在导出),请稍后重试。")
        self._pending: list[concurrent.futures.Future] = []
        if _renderer is None:
            try:
                _renderer = _Renderer(ready.chromium_path)
            except Exception as exc:
                _LOCK.release()
                raise SnapshotError(f"无法启动用于导出的 Chromium:{exc}") from exc
            # Registered after the start, so that it runs first at exit (atexit is last in, first out): before
            # the clean-up of Chromium's temporary profile, which fails while Chromium still writes to it.
            atexit.register(stop_server)
        return self

    def submit(self, spec: dict, width: int, height: int, scale: float) -> concurrent.futures.Future:
        future = _renderer.submit(spec, width, height, scale)
        self._pending.append(future)
        return future

    def wait(self, future: concurrent.futures.Future) -> bytes:
        try:
            return _renderer._wait(future, RENDER_TIMEOUT + 15)
        except concurrent.futures.TimeoutError as exc:
            _stop_renderer_locked()   # a stuck Chromium is replaced on the next render
            raise SnapshotError(f"图片导出超时(超过 {RENDER_TIMEOUT:.0f} 秒),已重启渲染进程,请重试。") from exc
        except Exception as exc:
            if type(exc).__name__ not in ("JavascriptError", "KaleidoError"):
                _stop_renderer_locked()   # the browser itself failed: start afresh next time
            raise SnapshotError(f"图片导出失败:{exc}") from exc
        finally:
            if future in self._pending:
                self._pending.remove(future)

    def __exit__(self, *exc) -> None:
        for future in self._pending:   # left behind by an error: nobody will read them
            future.cancel()
        _LOCK.release()


def _render_locked(spec: dict, width: int, height: int, scale: float) -> bytes:
    """PNG bytes of a figure dict, rendered while holding the lock."""
    with _Session() as session:
        return session.wait(session.submit(spec, width, height, scale))


def _stop_renderer_locked() -> None:
    global _renderer
    if _renderer is not None:
        _renderer.close()
        _renderer = None


def stop_server() -> None:
    """Stop the process's Chromium (registered at exit; the next render starts it again)."""
    if _LOCK.acquire(timeout=30):
        try:
            _stop_renderer_locked()
        finally:
            _LOCK.release()


# ---- figures to PNG --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _plotly_template() -> dict:
    import plotly.io as pio

    return pio.templates["plotly"].to_plotly_json()


def report_spec(fig: go.Figure | dict, font_scale: float = FONT_SCALE) -> dict:
    """The figure as a dict styled for export: plotly template, Noto Sans CJK SC, white backgrounds, larger text.

    Streamlit's template leaves colours for the browser to fill in (black lines in a PNG); naming the SC font
    keeps Chromium from picking Japanese glyph shapes. The caller's figure is never changed (to_dict copies).
    """
    spec = fig.to_dict() if hasattr(fig, "to_dict") else copy.deepcopy(fig)
    layout = spec.setdefault("layout", {})
    for key in ("width", "height"):
        layout.pop(key, None)
    layout.update(template=_plotly_template(), paper_bgcolor="white", plot_bgcolor="white")
    font = layout.setdefault("font", {})
    base = font.get("size") or 13
    font.update(family=FONT, size=round(base * font_scale))
    title = layout.get("title")
    if title_text(title):
        title = layout["title"] = title if isinstance(title, dict) else {"text": title}
        title_font = title.setdefault("font", {})
        title_font.update(family=FONT, size=round((title_font.get("size") or max(base + 5, 18)) * font_scale))
    for annotation in layout.get("annotations", []):
        annotation_font = annotation.setdefault("font", {})
        annotation_font["family"] = FONT
        if annotation_font.get("size"):
            annotation_font["size"] = round(annotation_font["size"] * font_scale)
    # Labels right of a point (the target's "≥ 400 亿元" at the last year) would be cut at the plot's edge.
    labelled = [trace for trace in spec.get("data", []) if "text" in str(trace.get("mode", ""))
                and "right" in str(trace.get("textposition", ""))]
    for trace in labelled:
        trace["cliponaxis"] = False
    if labelled:
        margin = layout.setdefault("margin", {})
        margin["r"] = max(margin.get("r", 0), 170)
    for axis in axes(spec, "x") + axes(spec, "y"):
        # The plotly template draws white grid lines for its blue-grey plot area; on white they would vanish.
        axis.setdefault("gridcolor", "#e5e5e5")
        axis.setdefault("zerolinecolor", "#cccccc")
    return spec


def _spec(fig: go.Figure | dict, width: int, height: int, caption: Caption | None) -> dict:
    spec = fig.to_dict() if hasattr(fig, "to_dict") else fig
    return add_caption(spec, caption, width, height) if caption is not None else spec


def render(fig: go.Figure | dict, width: int, height: int, scale: float, caption: Caption | None) -> bytes:
    """A figure (or its spec) with an optional caption to PNG bytes, restyled for reports."""
    return _render_locked(_spec(fig, width, height, caption), width, height, scale)


def figure_png(fig: go.Figure, *, width: int = 1600, height: int = 900, scale: float = 2,
               caption: Caption | None = None) -> bytes:
    """A report-ready PNG of exactly (width × scale) × (height × scale) pixels, the caption included."""
    return render(report_spec(fig), width, height, scale, caption)


def figures_png(items: Iterable[tuple[go.Figure, Caption | None]], *, width: int = 1600, height: int = 900,
                scale: float = 2, chunk: int = 8) -> Iterator[bytes]:
    """figure_png for many figures, in order; the next figure is prepared while Chromium draws the previous one.

    items may be a lazy generator (plan_zip builds each chart there). The lock is held for up to chunk pictures
    at a time, so another session's single picture waits at most one chunk (~2 s).
    """
    items = iter(items)
    exhausted = False
    while not exhausted:
        with _Session() as session:
            pending = None
            for _ in range(chunk):
                try:
                    fig, caption = next(items)
                except StopIteration:
                    exhausted = True
                    break
                future = session.submit(_spec(report_spec(fig), width, height, caption), width, height, scale)
                if pending is not None:
                    yield session.wait(pending)
                pending = future
            if pending is not None:
                yield session.wait(pending)
