"""The only shared code that imports streamlit: the cached database gateway, cached loaders, shared pickers; who is
signed in is ui/account.py.

Every cached loader takes the store's data version as its first argument, so a rebuild, an upload or a revert is
seen at once. (It must not start with "_": Streamlit leaves such arguments out of the cache key.)
"""

from __future__ import annotations

import datetime as dt
import threading
import urllib.parse
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from tracker import i18n
from tracker.access.actions import Action, allowed
from tracker.access.auth import User
from tracker.config import DEFAULT_PLAN_ID, FIRST_YEAR, YEARS_BEFORE_BASE
from tracker.db.store import DatabaseLockedError, Store
from tracker.formatting import MISSING
from tracker.reports import bundle, snapshot
from tracker.views import breakdown, service
from tracker.views import units as unit_views
from tracker.views.read_model import Snapshot


@st.cache_resource
def get_store() -> Store:
    """The store of the server process. It holds no connection between units of work, so `python -m tracker import`,
    `tracker user …` and `python -m etl` can use the file while the app runs, and the next rerun shows what they
    committed (data_version is read from the file)."""
    return Store.open(per_use=True)


@contextmanager
def store_busy_notice():
    """Say so, instead of a traceback, when another process held the file for longer than the app waits, or the
    PostgreSQL server cannot be reached."""
    try:
        yield
    except DatabaseLockedError:
        st.warning(t("store_busy"), icon=":material/hourglass_top:")
        st.stop()
    except ConnectionError:     # the pool connects again by itself once the server is back
        st.error(t("store_unreachable"), icon=":material/cloud_off:")
        st.stop()


# The end of the view key when values waiting for review count (the sidebar switch).
WITH_PENDING = "|with-pending"


def version(pending: bool | None = None) -> str:
    """The key of what the views show, every loader's cache key: the data version, and whether values waiting for
    review count (pending; None: as the sidebar switch says)."""
    current = get_store().data_version()
    return current + WITH_PENDING if (include_pending() if pending is None else pending) else current


@st.cache_resource(show_spinner=False, max_entries=4)
def load_snapshot(version: str) -> Snapshot:
    """The read model of one view key, shared by every session and view (views never change its frames)."""
    return Snapshot.read(get_store(), pending=version.endswith(WITH_PENDING))


# noqa comments: the version argument is the cache key and is deliberately unused in the body.
@st.cache_data(show_spinner=False)
def load_plans(version: str) -> pd.DataFrame:
    """The plans the pickers offer: a retired plan stays in the store with its history, out of the lists."""
    plans = load_snapshot(version).plans.reset_index(drop=True)
    return plans[plans["status"].fillna("active") != "retired"].reset_index(drop=True) \
        if "status" in plans.columns else plans


# Frames of the size of a plan are shared, not copied: st.cache_data would unpickle a 180,000-row table on every
# rerun. Views never change a frame they are given (pandas' copy-on-write keeps a derived frame from writing back).
@st.cache_resource(show_spinner=False, max_entries=8)
def load_targets(version: str, plan_id: str | None = None) -> pd.DataFrame:
    return load_snapshot(version).plan_targets(plan_id)


@st.cache_data(show_spinner=False)
def load_plan_notes(version: str, plan_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: ARG001
    store = get_store()
    return store.checks(plan_id), store.etl_notes(plan_id)


@st.cache_data(show_spinner=False)
def load_seed_actuals(version: str, plan_id: str) -> pd.DataFrame:  # noqa: ARG001
    return get_store().seed_actuals(plan_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def load_judged(version: str, plan_id: str | None, as_of: int | None) -> pd.DataFrame:
    """The verdict table in codes: computed once per data version, plan and year for readers of every language."""
    return service.judged(load_snapshot(version), plan_id=plan_id, as_of=as_of)


@st.cache_resource(show_spinner=False, max_entries=8)
def load_verdicts(version: str, plan_id: str | None, as_of: int | None, lang: str) -> pd.DataFrame:
    return service.labelled(load_judged(version, plan_id, as_of), lang)


@st.cache_data(show_spinner=False, max_entries=2)
def load_batches(version: str) -> pd.DataFrame:  # noqa: ARG001
    """Every batch with its counts (store.batches): a read over every revision, so once per data version."""
    return get_store().batches()


@st.cache_data(show_spinner=False)
def load_units(version: str) -> pd.DataFrame:  # noqa: ARG001
    """Every target's 牵头单位/责任单位 (store.responsible_units)."""
    return get_store().responsible_units()


@st.cache_resource(show_spinner=False, max_entries=16)
def load_groups(version: str, plan_id: str, as_of: int | None, lang: str, column: str) -> pd.DataFrame:
    """service.by_group of the plan's verdict table (region or indicator)."""
    return service.by_group(load_verdicts(version, plan_id, as_of, lang), column)


@st.cache_resource(show_spinner=False, max_entries=8)
def load_heatmap(version: str, plan_id: str, as_of: int | None) -> tuple[pd.DataFrame, int]:
    """The heatmap's rows (at most service.HEATMAP_LIMIT targets) and how many targets have data."""
    return service.heatmap(load_snapshot(version), plan_id=plan_id, table=load_judged(version, plan_id, as_of),
                           as_of=as_of)


@st.cache_data(show_spinner=False)
def load_sum_checks(version: str, plan_id: str, as_of: int | None) -> pd.DataFrame:
    """The plan's targets decomposed over units: the parent's values against the sums of its units' values."""
    snap = load_snapshot(version)
    parents = load_region_parents(version)
    return breakdown.sum_checks(snap.plan_targets(plan_id), snap.actuals, parents, as_of)


@st.cache_data(show_spinner=False)
def load_region_parents(version: str) -> dict[str, str | None]:  # noqa: ARG001
    return breakdown.region_parents(get_store().regions())


# Every value submitted (pending ones too), shared, not copied: a province's 1.7 million rows would be unpickled
# on every rerun of the reporting page by st.cache_data. Callers never change it.
@st.cache_resource(show_spinner=False, max_entries=2)
def load_current_values(version: str) -> pd.DataFrame:  # noqa: ARG001
    return get_store().current_values()


@st.cache_data(show_spinner=False)
def load_plan_years(version: str, plan_id: str) -> list[int]:
    return service.plan_years(load_snapshot(version), plan_id)


@st.cache_data(show_spinner=False)
def load_story(version: str, target_id: str, as_of: int | None, lang: str):
    from tracker.views.story import read_story

    return read_story(get_store(), load_snapshot(version), target_id, as_of=as_of, lang=lang)


@st.cache_data(show_spinner=False)
def load_all_years(version: str) -> list[int]:
    return service.all_years(load_snapshot(version))


@st.cache_data(show_spinner=False)
def load_comparable_indicators(version: str) -> pd.DataFrame:
    return service.comparable_indicators(load_snapshot(version))


@st.cache_data(show_spinner=False)
def load_comparison(version: str, indicator_id: str, as_of: int | None, lang: str):
    return service.comparison(load_snapshot(version), indicator_id, as_of=as_of, lang=lang)


# A plan this large takes about a second a year to judge: the overview judges its other years in the background
# once it has drawn, so that changing the as-of year finds the table ready (a plan of the usual size takes
# milliseconds and is judged when asked).
PREFETCH_FROM_TARGETS = 5_000
_prefetch_lock = threading.Lock()
_prefetched: set[tuple[str, str]] = set()


def prefetch_years(version: str, plan_id: str, years: list[int | None]) -> None:
    """Judge the plan as of each year (with its words in the reader's language, its heatmap and its groups) on a
    background thread, once per data version and plan."""
    if len(load_targets(version, plan_id)) < PREFETCH_FROM_TARGETS:
        return
    with _prefetch_lock:
        if (version, plan_id) in _prefetched:
            return
        _prefetched.add((version, plan_id))

    language = lang()

    def judge_each_year() -> None:
        for year in years:
            load_verdicts(version, plan_id, year, language)
            load_heatmap(version, plan_id, year)
            for column in ("region", "indicator"):
                load_groups(version, plan_id, year, language, column)

    threading.Thread(target=judge_each_year, name=f"prefetch {plan_id}", daemon=True).start()


def lang() -> str:
    """The language chosen in the sidebar ('zh' by default)."""
    return st.session_state.get("lang", "zh")


def t(key: str, **values) -> str:
    """The catalogue's string for key in the chosen language, {placeholders} filled from values."""
    return i18n.t(key, lang(), **values)


def lang_key(key: str) -> str:
    """A widget key per language for widgets whose option labels are translated: Streamlit keeps showing the
    label an option was first drawn with, so an English page would still say 最新数据. Chinese keeps the plain key."""
    return key if lang() == "zh" else f"{key}.{lang()}"


def language_switch() -> None:
    """中文 / English in the sidebar; English is kept in the URL (?lang=en), so a link opens in the same language."""
    if "lang" not in st.session_state and st.query_params.get("lang") in i18n.LANGUAGES:
        st.session_state["lang"] = st.query_params["lang"]
    st.sidebar.radio(
        i18n.t("language", lang()), list(i18n.LANGUAGES), key="lang",
        format_func=i18n.LANGUAGES.get, horizontal=True,
    )
    if lang() == "zh":
        st.query_params.pop("lang", None)
    else:
        st.query_params["lang"] = lang()


def pending_switch() -> None:
    """包括待审核数值 in the sidebar, off by default: officials see approved values. Kept in the URL
    (?pending=include), so that a shared link shows what its sender saw."""
    if "include_pending" not in st.session_state:
        st.session_state["include_pending"] = st.query_params.get("pending") == "include"
    st.sidebar.toggle(t("include_pending"), key="include_pending", help=t("include_pending_help"))
    if include_pending():
        st.query_params["pending"] = "include"
    else:
        st.query_params.pop("pending", None)


def include_pending() -> bool:
    return bool(st.session_state.get("include_pending"))


def unit_filter(rows: pd.DataFrame, key: str, container=st) -> pd.DataFrame:
    """For a plan that names who delivers its targets (X区's 牵头/责任单位): a 责任单位 picker, kept across pages; rows
    (any table with target_id) narrowed to the targets of the chosen units. Rows unchanged for other plans."""
    units = load_units(version())
    names = unit_views.unit_names(units, rows["target_id"])
    if not names:
        return rows
    kept = [n for n in st.session_state.get("selected:units", []) if n in names]
    if key not in st.session_state:
        st.session_state[key] = kept
    chosen = container.multiselect(t("filter_units"), names, key=key, placeholder=t("all"))
    st.session_state["selected:units"] = chosen
    return unit_views.filter_by_units(rows, units, chosen)


def saved_message(user: User, batch_id: str, n: int) -> str:
    """What a clerk is told after saving: the batch, and that an editor's values wait for review."""
    message = t("saved", batch=batch_id, n=n)
    return message if allowed(user, Action.REVIEW_VALUES) else f"{message} {t('saved_pending')}"


def values_note(plan_id: str | None = None) -> None:
    """Which actual values the page counts: a warning when values waiting for review count, a note of how many
    wait (of the plan's series) when they do not."""
    snap = load_snapshot(version())
    waiting = snap.pending_count(plan_id)
    if snap.include_pending:
        st.warning(t("values_note_with_pending", n=waiting), icon=":material/pending_actions:")
    elif waiting:
        st.caption(t("values_note_approved", n=waiting))


# The chart toolbar keeps the buttons people use (a picture, zoom back) so that it does not cover a chart's title on a
# narrow screen; the report-ready picture is the page's own PNG button.
CHART_CONFIG = {"displaylogo": False, "modeBarButtons": [["toImage", "resetScale2d"]], "responsive": True}


def selected(name: str, default: str | None = None) -> str | None:
    """A selection every page shares (plan, as-of year, target, indicator, region): the URL's ?name= first, so that
    a shared link opens what it names, else the one chosen last in this session, so that changing page keeps it."""
    if name in st.query_params:
        return st.query_params[name]
    value = st.session_state.get(f"selected:{name}")
    return default if value is None else value


def remember(name: str, value) -> None:
    """Keep a selection for the other pages and in the URL (None: the default, so nothing in the URL)."""
    st.session_state[f"selected:{name}"] = None if value is None else str(value)
    if value is None:
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = str(value)


def wanted_plan() -> str:
    """The plan a page opens with: the one in the URL or chosen last, else the default plan."""
    return selected("plan", DEFAULT_PLAN_ID)


def copy_link() -> None:
    """The link to this page with its selections, ready to copy into a message or a report."""
    base = (st.context.url or "").split("?", 1)[0]
    query = urllib.parse.urlencode(st.query_params.to_dict())
    with st.sidebar.popover(t("copy_link"), icon=":material/link:", width="stretch"):
        st.caption(t("copy_link_help"))
        st.code(f"{base}?{query}" if query else base, language=None, wrap_lines=True)


def data_years(plan: pd.Series | None = None, plans: pd.DataFrame | None = None) -> list[int]:
    """Years a value may be entered for, newest first: this year back to a few years before the base year of the
    plan (or of the earliest of the plans)."""
    frame = plans if plans is not None else pd.DataFrame([plan])
    base = frame["base_year"].fillna(frame["start_year"]).min()
    first = int(base) - YEARS_BEFORE_BASE if pd.notna(base) else FIRST_YEAR
    return list(range(dt.date.today().year, max(first, FIRST_YEAR) - 1, -1))


def plan_picker(plans: pd.DataFrame, key: str, container=st) -> pd.Series:
    """Plan picker kept in the URL (?plan=…) so a link opens the same plan; default: the 十三五 plan."""
    ids = plans["plan_id"].tolist()
    wanted = wanted_plan()
    names = dict(zip(plans["plan_id"], plans["short_name"], strict=True))
    plan_id = container.selectbox(t("plan"), ids, index=ids.index(wanted) if wanted in ids else 0,
                                  format_func=names.get, key=key)
    remember("plan", plan_id)
    return plans.set_index("plan_id").loc[plan_id]


def as_of_picker(years: list[int], key: str, container=st) -> int | None:
    """As-of year (None = the latest year with data), kept across pages and in the URL as ?as_of=."""
    options = [None, *years]
    wanted = selected("as_of")
    index = options.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in years else 0
    as_of = container.selectbox(t("as_of"), options, index=index, key=lang_key(key),
                                format_func=lambda y: t("as_of_latest") if y is None else str(y))
    remember("as_of", as_of)
    return as_of


def plan_and_year(prefix: str) -> tuple[str, pd.Series, int | None] | None:
    """The header most pages share: plan and as-of pickers side by side. None (after saying so) when the
    database holds no catalogue yet. Returns (data version, plan row, as-of year)."""
    current = version()
    plans = load_plans(current)
    if plans.empty:
        st.info(t("empty_db"))
        return None
    left, right = st.columns([3, 1])
    plan = plan_picker(plans, key=f"{prefix}_plan", container=left)
    as_of = as_of_picker(load_plan_years(current, plan.name), key=f"{prefix}_as_of", container=right)
    values_note(plan.name)
    return current, plan, as_of


def png_download(make_png, *, key: str, file_name: str, label_key: str = "download_png", container=st) -> None:
    """A button that renders the PNG on the server when clicked; says what to install when it cannot."""
    ready = snapshot.export_readiness()
    if not ready.ok:
        container.caption(ready.message(lang()))
        return
    container.download_button(t(label_key), data=make_png, file_name=file_name, mime="image/png", key=key,
                              on_click="ignore", icon=":material/image:")


def plan_zip_export(plan: pd.Series, as_of: int | None, container=st) -> None:
    """Build the plan's ZIP with a progress bar, then offer it for download (a deferred download cannot drive
    a progress bar, hence two steps)."""
    ready = snapshot.export_readiness()
    if not ready.ok:
        container.caption(ready.message(lang()))
        return
    state_key = f"plan_zip:{plan.name}:{as_of}:{version()}:{lang()}"
    if container.button(t("export_zip"), key="overview_zip_build", icon=":material/folder_zip:"):
        bar = container.progress(0.0, text=t("export_zip_running"))
        try:
            st.session_state[state_key] = bundle.plan_zip(
                get_store(), plan.name, as_of=as_of, lang=lang(), snap=load_snapshot(version()),
                progress=lambda done, total, label: bar.progress(done / total, text=f"{done}/{total} {label}"))
        except snapshot.SnapshotError as exc:
            container.error(str(exc))
            return
        bar.empty()
    if state_key in st.session_state:
        container.download_button(t("download_zip"), st.session_state[state_key], key="overview_zip_download",
                                  file_name=f"{plan.name}-{as_of or 'latest'}.zip", mime="application/zip",
                                  on_click="ignore", icon=":material/download:")


def flash(page: str, message: str, moves: pd.DataFrame | None = None, *, once_approved: bool = False) -> None:
    """A confirmation of a write on the page at url path page, shown there until it is dismissed, replaced by the
    next write's, or the page is left. once_approved: the moves are those the values make when approved."""
    st.session_state["flash"] = {"page": page, "message": message, "moves": moves, "once_approved": once_approved}


def drop_flash_unless_on(page: str) -> None:
    """Called with the page about to run: a confirmation belongs to the page it was given on."""
    note = st.session_state.get("flash")
    if note and note["page"] != page:
        st.session_state.pop("flash", None)


def show_flash(page: str) -> None:
    """The confirmation of the last write on this page, with the verdicts it moved."""
    note = st.session_state.get("flash")
    if not note or note["page"] != page:
        st.session_state.pop("flash", None)
        return
    box = st.container(border=True)
    box.success(note["message"])
    moves = note["moves"]
    if moves is not None and not moves.empty:
        box.caption(t("moves_title_once_approved" if note.get("once_approved") else "moves_title", n=len(moves)))
        box.dataframe(pd.DataFrame({
            t("eval_col_number"): moves["number"], t("col_indicator"): moves["indicator"],
            t("col_region"): moves["region"],
            t("col_schedule"): moves["schedule_label_before"].fillna("—") + " → " + moves["schedule_label"],
            t("col_trend"): moves["trend_label_before"].fillna("—") + " → " + moves["trend_label"],
        }), hide_index=True, placeholder=MISSING, width="stretch")
    elif moves is not None:
        box.caption(t("moves_none"))
    if box.button(t("flash_dismiss"), key=f"flash_dismiss_{page}", icon=":material/check:"):
        st.session_state.pop("flash", None)
        st.rerun()


def problem_banner(problems: pd.DataFrame) -> None:
    """How many errors (they block saving) and warnings (they only inform) a check found."""
    n_err = int((problems["level"] == "error").sum())
    n_warn = int((problems["level"] == "warning").sum())
    if n_err:
        st.error(t("errors_block", n=n_err))
    if n_warn:
        st.warning(t("warnings_note", n=n_warn))


# Who is signed in: its own module (it uses t, lang and get_store above).
from ui.account import (  # noqa: E402
    account_panel,
    current_user,
    locked_page,
    require,
    sign_in_form,
    sso_configured,
)

__all__ = ["account_panel", "current_user", "locked_page", "require", "sign_in_form", "sso_configured"]
