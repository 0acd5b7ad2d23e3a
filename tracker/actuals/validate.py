"""Checking actual values before they are written: numbers, units, names, years, duplicates, jumps, and the diff
against the values that count now. Problems are data (one row each, in Chinese), never exceptions.

Every reader produces the same raw long table, one row per value cell, with the Excel position of each field
(tracker.actuals.upload for files, entry_rows for the browser grid):

    sheet | region region_row region_col | indicator … | year … | value value_row value_col | unit … | vintage … |
    header_unit | source | note | reason | withdraw
    数据  | 重庆市  5  A                  | 技术合同成交额(亿元) 5 B | 2016年 4 C | 241.5 5 C  | "" …   | "" …      |

validate() turns it into Validation(rows, problems, skipped): rows hold the resolved names, the value converted to
the indicator's unit and its change against the current value (new / changed / unchanged / withdrawn).
Everything is vectorised (names and years are resolved once per distinct text), so 100,000 rows take seconds.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracker.actuals.numbers import MAX_ABS_VALUE, fold, parse_numbers
from tracker.actuals.plausibility import stated_replacements, unusual_values
from tracker.catalogue.names import NameResolver
from tracker.catalogue.text import to_simplified
from tracker.config import FIRST_YEAR
from tracker.formatting import exact
from tracker.i18n.messages import LIST_SEPARATOR, PAIR_SEPARATOR, PARAM_SEPARATOR

# parent: the 地区 a row states beside its 基地 (the base is the row's region; the 地区 must be the base's own)
POSITIONED = ("region", "indicator", "year", "value", "unit", "vintage", "parent")
RAW_COLUMNS = (
    ["sheet"]
    + [c for f in POSITIONED for c in (f, f"{f}_row", f"{f}_col")]
    + ["header_unit", "source", "note", "reason", "withdraw"]
)
PROBLEM_COLUMNS = ["sheet", "row", "column", "cell", "level", "code", "params"]
COMMIT_COLUMNS = ["region", "indicator", "region_id", "indicator_id", "year", "value", "unit", "source",
                  "vintage", "reason", "note"]

JUMP_FACTOR = 3.0          # a value more than 3× or less than 1/3 of last year's is worth a second look
VINTAGES = ("快报", "年报")
VINTAGE_WORDS = {
    "快报": "快报", "快报数": "快报", "初步": "快报", "初步数": "快报", "初值": "快报", "预计": "快报",
    "年报": "年报", "年报数": "年报", "正式": "年报", "正式数": "年报", "最终": "年报", "终核": "年报", "定报": "年报",
}
# unit → (base unit, factor): a value in 万元 is 1e4 元. Units with the same base convert into each other.
UNIT_SCALES: dict[str, tuple[str, float]] = {
    "元": ("元", 1), "千元": ("元", 1e3), "万元": ("元", 1e4), "百万元": ("元", 1e6), "亿元": ("元", 1e8),
    "万亿元": ("元", 1e12),
    "人": ("人", 1), "万人": ("人", 1e4), "户": ("户", 1), "万户": ("户", 1e4),
    "人年": ("人年", 1), "万人年": ("人年", 1e4), "平方米": ("平方米", 1), "m2": ("平方米", 1),
    "万平方米": ("平方米", 1e4), "万m2": ("平方米", 1e4),
    "%": ("%", 1), "家": ("家", 1), "个": ("个", 1), "项": ("项", 1), "件": ("件", 1), "名": ("名", 1),
    "所": ("所", 1), "门": ("门", 1), "位": ("位", 1),
}
QUALITATIVE_UNITS = frozenset({"", "状态"})

YEAR_RE = re.compile(r"^(?P<year>[0-9]{4})(?:年度|年)?(?:[(\[]?(?P<vintage>快报|年报|初步|正式|预计)[)\]]?)?$")
_ENUM_PREFIX = re.compile(
    r"^(?:\d+(?:\.\d+)*[.、)]|[(][一二三四五六七八九十\d]+[)]|[一二三四五六七八九十]+、|其中[::]|[#*★△▲])+"
)
_BRACKET = re.compile(r"[(\[]([^()\[\]]{1,12})[)\]]?$")


# -- reference data ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """What validation checks against: known names, indicator units and the values that count now."""

    regions: NameResolver
    indicators: NameResolver
    region_ids: Mapping[str, str]
    indicator_info: pd.DataFrame      # indexed by indicator: indicator_id, unit, measure
    current: pd.DataFrame             # region, indicator, year, value, unit, vintage, source, batch_id
    region_names: tuple[str, ...]     # canonical names, longest first (to find a region in a title)
    # region, indicator, year, plan title of every value in a locked year of a plan that targets its series
    locked: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["region", "indicator", "year", "title"]))
    parents: Mapping[str, str] = field(default_factory=dict)   # region → the region it belongs to (X区汽车产业基地 → X区)

    @classmethod
    def from_store(cls, store) -> Reference:
        """Four small reads and one read of the current values; nothing per row."""
        regions, region_aliases = store.regions(), store.region_aliases()
        indicators, aliases = store.indicators(), store.indicator_aliases()
        return cls(
            regions=NameResolver(regions["region"], zip(region_aliases["alias"], region_aliases["region"],
                                                        strict=True)),
            indicators=NameResolver(indicators["indicator"], zip(aliases["alias"], aliases["indicator"],
                                                                 strict=True)),
            region_ids=dict(zip(regions["region"], regions["region_id"], strict=True)),
            indicator_info=indicators.set_index("indicator")[["indicator_id", "unit", "measure"]],
            current=store.current_values(),
            region_names=tuple(sorted(regions["region"], key=len, reverse=True)),
            locked=store.locked_series(),
            parents=dict(regions.dropna(subset=["parent_region"])[["region", "parent_region"]]
                         .itertuples(index=False, name=None)),
        )

    def region_in_text(self, text: str) -> str | None:
        """The first region whose canonical name a title mentions (traditional characters allowed)."""
        simplified = to_simplified(text) or ""
        return next((name for name in self.region_names if name in simplified), None)


# -- parsing helpers --------------------------------------------------------------------------------------------
def unit_token(text: str) -> str | None:
    """A known unit spelled in text ('亿元', '(亿元)', '单位:亿元', '％'), or None."""
    folded = re.sub(r"\s+", "", _nfkc(text)).strip("()[]")
    folded = re.sub(r"^(?:单位|计量单位)[::]", "", folded)
    return folded if folded in UNIT_SCALES else None


def split_unit(name: str) -> tuple[str, str | None]:
    """'1.技术合同成交额(亿元)' → ('技术合同成交额(亿元)', '亿元'): enumeration removed, unit read from brackets."""
    folded = _ENUM_PREFIX.sub("", re.sub(r"\s+", "", _nfkc(name)))
    match = _BRACKET.search(folded)
    return folded, (unit_token(match.group(1)) if match else None)


def parse_year(text: str) -> tuple[int | None, str | None]:
    """'2016年' / '２０１６' / '2016年(快报)' → (2016, vintage or None); (None, None) when not a year."""
    match = YEAR_RE.match(re.sub(r"\s+", "", _nfkc(text)))
    if not match:
        return None, None
    vintage = match.group("vintage")
    return int(match.group("year")), (VINTAGE_WORDS.get(vintage) if vintage else None)


def _nfkc(text) -> str:
    return unicodedata.normalize("NFKC", "" if text is None else str(text))


# -- the result -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Validation:
    """Checked rows (with their change against the current values), problems, and blank cells skipped."""

    rows: pd.DataFrame
    problems: pd.DataFrame
    skipped: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return bool((self.problems["level"] == "error").any())

    @property
    def changes(self) -> pd.DataFrame:
        """The rows that would be written: new, changed or withdrawn values."""
        return self.rows[self.rows["change"] != "unchanged"]


def empty_problems() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "row" else "str") for c in PROBLEM_COLUMNS})


def problem(level: str, code: str, *, sheet: str = "", row: int | None = None, column: str = "", cell: str = "",
            **params) -> pd.DataFrame:
    """One problem as a one-row frame (for file-level findings such as an unrecognised sheet). Its message is
    tracker.i18n's PROBLEM_MESSAGES[code], filled from params when shown."""
    frame = pd.DataFrame([{"sheet": sheet, "row": row, "column": column, "cell": cell, "level": level,
                           "code": code, "params": encode_params(None, params)}])
    return frame.astype({"row": "Int64"})


Param = str | int | float | pd.Series | Callable[[pd.Index], pd.Series]


def encode_params(index: pd.Index | None, params: dict[str, Param]) -> str | pd.Series:
    """The parameters of a message as one string per row: a scalar for all rows, a Series aligned on index, or a
    callable given the index (so that per-row texts are built only for the rows that have the problem)."""
    encoded: str | pd.Series = ""
    for name, value in params.items():
        if callable(value):
            value = value(index)
        if isinstance(value, pd.Series):
            value = value.loc[index].astype("str").fillna("")
        elif isinstance(value, list | tuple):
            value = LIST_SEPARATOR.join(str(v) for v in value)
        part = name + "=" + (value if isinstance(value, pd.Series) else str(value))
        encoded = part if isinstance(encoded, str) and encoded == "" else encoded + PARAM_SEPARATOR + part
    return encoded


def _at(raw: pd.DataFrame, mask, fieldname: str, level: str, code: str, **params: Param) -> pd.DataFrame:
    """Problems for the rows in mask, pointing at the cell of fieldname."""
    mask = mask.fillna(False) if isinstance(mask, pd.Series) else mask
    sel = raw.loc[mask]
    if sel.empty:
        return empty_problems()
    return pd.DataFrame({
        "sheet": sel["sheet"], "row": sel[f"{fieldname}_row"].astype("Int64"), "column": sel[f"{fieldname}_col"],
        "cell": sel[fieldname], "level": level, "code": code, "params": encode_params(sel.index, params),
    })


# -- validation -------------------------------------------------------------------------------------------------
def validate(raw: pd.DataFrame, ref: Reference, *, default_region: str | None = None,
             default_year: int | None = None, default_vintage: str | None = None,
             default_reason: str | None = None, this_year: int | None = None, confirm_unusual: bool = False,
             confirm_stated: bool = False) -> Validation:
    """Check every row; return the rows that pass with their change, and one problem per finding.

    confirm_unusual: the clerk has confirmed values far off their reference (tracker.actuals.plausibility);
    confirm_stated: the clerk has confirmed replacing values a plan text states. Either turns its errors into
    warnings."""
    this_year = this_year or dt.date.today().year
    raw = raw.reset_index(drop=True)
    if "parent" not in raw:          # the browser grid's rows name no 基地
        raw = raw.assign(parent="", parent_row=pd.NA, parent_col=None)
    found: list[pd.DataFrame] = []
    parsed = parse_numbers(raw["value"])
    withdraw = raw["withdraw"].astype(bool) & (parsed["status"] == "missing")
    keep = (parsed["status"] != "missing") | withdraw
    skipped = int((~keep).sum())
    raw, parsed, withdraw = raw[keep], parsed[keep], withdraw[keep]
    bad = pd.Series(False, index=raw.index)

    found.append(_at(raw, parsed["status"] == "invalid", "value", "error", "not_a_number"))
    found.append(_at(raw, parsed["status"] == "excel_error", "value", "error", "excel_error"))
    found.append(_at(raw, parsed["status"] == "lookalike", "value", "error", "digit_lookalike",
                     character=parsed["character"]))
    found.append(_at(raw, parsed["status"] == "space_in_number", "value", "error", "space_in_number"))
    found.append(_at(raw, parsed["status"] == "too_large", "value", "error", "absurd_magnitude",
                     limit=f"{MAX_ABS_VALUE:.0e}"))
    bad |= ~parsed["status"].isin(["ok", "missing"])

    region, problems = _resolve_names(raw, "region", ref.regions, default_region)
    found.append(problems)
    stray = _base_outside_region(raw, region, ref)
    found.append(_at(raw, stray, "parent", "error", "base_not_in_region", base=region,
                     parent=region.map(ref.parents).fillna("—"), text=raw["parent"]))
    bad |= stray
    split = {t: split_unit(t) for t in raw["indicator"].astype("str").fillna("").unique()}
    indicator_text = raw["indicator"].astype("str").fillna("").map(lambda s: split[s][0])
    name_unit = raw["indicator"].astype("str").fillna("").map(lambda s: split[s][1] or "")
    indicator, problems = _resolve_names(raw.assign(indicator=indicator_text), "indicator", ref.indicators, None,
                                         shown=raw["indicator"])
    found.append(problems)
    year, problems = _years(raw, default_year, this_year)
    found.append(problems)
    vintage, problems = _vintages(_vintage_from_source(raw), default_vintage)
    found.append(problems)
    bad |= region.isna() | indicator.isna() | year.isna() | (vintage == "?")

    info = ref.indicator_info.reindex(indicator)
    unit = pd.Series(info["unit"].to_numpy(), index=raw.index)
    measure = pd.Series(info["measure"].to_numpy(), index=raw.index)
    qualitative = indicator.notna() & unit.isin(QUALITATIVE_UNITS)
    found.append(_at(raw, qualitative & ~withdraw, "indicator", "error", "qualitative"))
    bad |= qualitative & ~withdraw

    value, problems, unit_bad = _units(raw, parsed, name_unit, unit, indicator.notna() & ~qualitative & ~withdraw)
    found.append(problems)
    bad |= unit_bad
    checkable = ~bad & ~withdraw
    found.append(_sanity(raw, parsed, value, unit, checkable))
    bad |= checkable & ((value < 0) | ((unit == "%") & (value > 100)))

    rows = pd.DataFrame({
        "sheet": raw["sheet"], "row": raw["value_row"].astype("Int64"), "column": raw["value_col"],
        "cell": raw["value"], "region": region, "indicator": indicator,
        "region_id": region.map(ref.region_ids), "indicator_id": pd.Series(info["indicator_id"].to_numpy(),
                                                                            index=raw.index),
        "year": year.astype("Int64"), "value": value.where(~withdraw), "unit": unit, "measure": measure,
        "source": _blank_to_none(raw["source"]), "vintage": vintage.where(vintage != "?"),
        "reason": _blank_to_none(raw["reason"]).where(lambda r: r.notna(), default_reason or None),
        "note": _blank_to_none(raw["note"]), "withdraw": withdraw,
    })[~bad]
    rows, problems = _duplicates(rows)
    found.append(problems)
    rows = _diff(rows, ref.current)
    unusual = unusual_values(rows, ref.current, confirmed=confirm_unusual)
    jumps = _jumps(rows, ref.current)         # only values that would change are worth a second look
    found += [unusual, jumps[~jumps.index.isin(unusual.index)],
              stated_replacements(rows, confirmed=confirm_stated), _locked(rows, ref.locked)]

    problems = pd.concat([p for p in found if not p.empty] or [empty_problems()], ignore_index=True)
    problems = problems.sort_values(["sheet", "row", "column"], kind="stable", na_position="first")
    problems = problems.reset_index(drop=True)[PROBLEM_COLUMNS]
    counts = {
        "values": int(len(raw)), "skipped": skipped,
        "errors": int((problems["level"] == "error").sum()), "warnings": int((problems["level"] == "warning").sum()),
        **{k: int((rows["change"] == k).sum()) for k in ("new", "changed", "unchanged", "withdrawn")},
    }
    return Validation(rows.reset_index(drop=True), problems, skipped, counts)


def _blank_to_none(text: pd.Series) -> pd.Series:
    stripped = text.astype("str").fillna("").str.strip()
    return stripped.where(stripped != "", None).astype(object)


def _resolve_names(raw, fieldname, resolver: NameResolver, default: str | None, shown=None):
    """Canonical names per row (NaN when unknown or missing) and the problems; each distinct text resolved once."""
    text = raw[fieldname].astype("str").fillna("").str.strip()
    distinct = text.unique()
    resolved = {t: resolver.resolve(t) for t in distinct if t}
    names = text.map(resolved)
    blank = text == ""
    names = names.mask(blank, default or np.nan)
    found = [_at(raw, blank & names.isna(), fieldname, "error", f"missing_{fieldname}")]
    unknown = ~blank & names.isna()
    if unknown.any():
        closest = {t: LIST_SEPARATOR.join(resolver.suggest(t)) for t in text[unknown].unique()}
        problems = _at(raw, unknown, fieldname, "error", f"unknown_{fieldname}", text=text,
                       closest=text.map(closest))
        if shown is not None:
            problems["cell"] = shown.loc[problems.index]
        found.append(problems)
    return names, pd.concat(found)


def _base_outside_region(raw, region: pd.Series, ref: Reference) -> pd.Series:
    """Rows whose 基地 (their region) does not belong to the 地区 the same row states: a base of X区 under 重庆市 is
    a slip of the hand, not X区's value."""
    stated = raw["parent"].astype("str").fillna("").str.strip()
    named = (stated != "") & region.notna()
    if not named.any():
        return pd.Series(False, index=raw.index)
    resolved = stated.map({t: ref.regions.resolve(t) for t in stated[named].unique()})
    return named & (resolved != region) & (region.map(ref.parents) != resolved).fillna(True)


def _years(raw, default_year: int | None, this_year: int):
    text = raw["year"].astype("str").fillna("").str.strip()
    parsed = {t: parse_year(t)[0] for t in text.unique() if t}
    year = text.map(parsed).astype("Float64")
    blank = text == ""
    if default_year:
        year = year.mask(blank, float(default_year))
    found = [
        _at(raw, blank & year.isna(), "year", "error", "missing_year"),
        _at(raw, ~blank & year.isna(), "year", "error", "bad_year"),
    ]
    out_of_range = year.notna() & ((year < FIRST_YEAR) | (year > this_year))
    found.append(_at(raw, out_of_range.fillna(False), "year", "error", "year_out_of_range", min=FIRST_YEAR,
                     max=this_year))
    return year.mask(out_of_range.fillna(False)), pd.concat(found)


def _vintage_from_source(raw: pd.DataFrame) -> pd.DataFrame:
    """A 来源/口径 cell that says only 年报 or 快报 (a clerk's 口径 column) names the vintage when no vintage is given:
    the value is the annual report's, not a value of unknown vintage from a source called 年报."""
    said = fold(raw["source"]).map(VINTAGE_WORDS.get)
    blank = fold(raw["vintage"]) == ""
    return raw.assign(vintage=raw["vintage"].mask(blank & said.notna(), said))


def _vintages(raw, default_vintage: str | None):
    text = fold(raw["vintage"])
    vintage = text.map(lambda t: VINTAGE_WORDS.get(t, "?") if t else (default_vintage or None))
    problems = _at(raw, vintage == "?", "vintage", "error", "bad_vintage")
    return vintage, problems


def _units(raw, parsed, name_unit: pd.Series, unit: pd.Series, applicable: pd.Series):
    """Convert to the indicator's unit where the file states another unit of the same kind; refuse the rest."""
    names = ("cell", "unit_column", "indicator_name", "header")   # places, as codes of tracker.i18n
    columns = (
        parsed["cell_unit"],
        fold(raw["unit"]).str.replace(r"^(?:单位|计量单位)[::]", "", regex=True).str.strip("()[]"),
        name_unit.fillna(""),
        fold(raw["header_unit"]).str.strip("()[]"),
    )
    arrays = [np.asarray(c.astype(object).fillna(""), dtype=object) for c in columns]
    # The first place that states a unit decides; a unit written in the cell is the most specific. Without one
    # in the cell, the other places must agree.
    stated, where = arrays[0].copy(), np.where(arrays[0] != "", names[0], "").astype(object)
    for name, arr in zip(names[1:], arrays[1:], strict=True):
        take = (stated == "") & (arr != "")
        stated, where = np.where(take, arr, stated), np.where(take, name, where)
    conflict = np.zeros(len(stated), dtype=bool)
    for arr in arrays[1:]:
        conflict |= (arrays[0] == "") & (arr != "") & (arr != stated)
    stated = pd.Series(stated, index=raw.index, dtype=object)
    where = pd.Series(where, index=raw.index, dtype=object)
    conflict = pd.Series(conflict, index=raw.index)
    sources = pd.DataFrame(dict(zip(names, arrays, strict=True)), index=raw.index)
    found, bad = [], pd.Series(False, index=raw.index)

    mask = applicable & (stated != "") & ~stated.isin(list(UNIT_SCALES))
    found.append(_at(raw, mask, "value", "error", "unknown_unit", unit=stated, where=where))
    bad |= mask
    mask = applicable & conflict & ~bad
    found.append(_at(raw, mask, "value", "error", "unit_conflict", places=lambda i: sources.loc[i].apply(
        lambda r: LIST_SEPARATOR.join(f"{k}{PAIR_SEPARATOR}{v}" for k, v in r.items() if v), axis=1)))
    bad |= mask

    base_of = {u: b for u, (b, _) in UNIT_SCALES.items()}
    factor_of = {u: f for u, (_, f) in UNIT_SCALES.items()}
    given = applicable & ~bad & (stated != "") & (stated != unit)
    same_base = stated.map(base_of) == unit.map(base_of)
    mask = given & ~same_base
    found.append(_at(raw, mask, "value", "error", "wrong_unit", unit=stated, expected=unit, where=where))
    bad |= mask
    convert = given & same_base
    factor = (stated.map(factor_of) / unit.map(factor_of)).where(convert, 1.0).astype(float)
    value = parsed["number"] * factor
    found.append(_at(raw, convert, "value", "warning", "unit_converted", unit=stated, expected=unit,
                     factor=lambda i: factor[i].map(lambda f: f"{f:g}"), value=lambda i: value[i].map(exact)))
    return value, pd.concat(found), bad


def _sanity(raw, parsed, value, unit, checkable) -> pd.DataFrame:
    found = [
        _at(raw, checkable & (value < 0), "value", "error", "negative"),
        _at(raw, checkable & (unit == "%") & (value > 100), "value", "error", "percent_over_100"),
        _at(raw, checkable & (parsed["qualifier"] != ""), "value", "warning", "approximate",
            qualifier=parsed["qualifier"], value=lambda i: value[i].map(exact)),
    ]
    return pd.concat(found)


KEY = ["region", "indicator", "year"]


SHOWN_CELLS = 5            # a duplicate's message lists this many of its cells and counts the rest


def _duplicates(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same region/indicator/year twice: an error on each row when the values differ, else a warning on each
    repeat and one copy kept. A message names a key's first SHOWN_CELLS cells and counts them, so 20,000 copies
    cost 20,000 short rows, not 20,000 × 20,000 cell names."""
    dup = rows.duplicated(KEY, keep=False)
    if not dup.any():
        return rows, empty_problems()
    sub = rows[dup].copy()
    sub["ref"] = sub["column"].fillna("") + sub["row"].astype("str").replace("<NA>", "")
    sub["rounded"] = sub["value"].round(9)
    groups = sub.groupby(KEY, dropna=False, sort=False)
    group = groups.ngroup()
    differs = groups["rounded"].transform("nunique") > 1
    shown = sub.loc[groups.cumcount() < SHOWN_CELLS].groupby(group, sort=False)["ref"].agg(LIST_SEPARATOR.join)
    params = ("cells=" + shown + PARAM_SEPARATOR + "n=" + group.value_counts().astype(str)).reindex(group).to_numpy()
    problems = pd.DataFrame({"sheet": sub["sheet"], "row": sub["row"], "column": sub["column"], "cell": sub["cell"],
                             "params": params}, index=sub.index)
    later_same = sub.duplicated(KEY, keep="first") & ~differs
    found = [problems[differs].assign(level="error", code="duplicate_conflict"),
             problems[later_same].assign(level="warning", code="duplicate_same")]
    drop = sub.index[differs | later_same]
    return rows.drop(index=drop), pd.concat(found)[PROBLEM_COLUMNS]


def _jumps(rows: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """A value far from last year's (in the file, else in the database) is a warning, not an error."""
    if rows.empty:
        return empty_problems()
    key = KEY
    last = pd.concat([
        rows[key + ["value"]].dropna(subset=["value"]),
        current[key + ["value"]].astype({"year": "Int64"}),
    ]).drop_duplicates(key, keep="first")
    last = last.assign(year=last["year"].astype("Int64") + 1).rename(columns={"value": "previous"})
    changing = rows[rows["change"].isin(["new", "changed"])]
    merged = changing.merge(last, on=key, how="left")
    merged.index = changing.index
    ratio = merged["value"] / merged["previous"]
    far = (merged["previous"] > 0) & (merged["value"] >= 0) & ((ratio > JUMP_FACTOR) | (ratio < 1 / JUMP_FACTOR))
    far = far.fillna(False)
    if not far.any():
        return empty_problems()
    sub = merged[far]
    change = (sub["value"] / sub["previous"] - 1).map(lambda r: f"{r:+.0%}")
    fraction = (sub["unit"] == "%") & (sub["value"] < 1) & (sub["previous"] >= 1)
    return pd.DataFrame({
        "sheet": sub["sheet"], "row": sub["row"], "column": sub["column"], "cell": sub["cell"], "level": "warning",
        "code": "jump", "params": encode_params(sub.index, {
            "year": sub["year"] - 1, "previous": sub["previous"].map(exact), "unit": sub["unit"].fillna(""),
            "change": change, "fraction": sub["value"].map(exact).where(fraction, ""),
            "percent": (sub["value"] * 100).map(exact).where(fraction, "")}),
    })


def _locked(rows: pd.DataFrame, locked: pd.DataFrame) -> pd.DataFrame:
    """A change to a value of a year a reviewer has locked is an error naming the plan and year (the command layer
    refuses it too); an unchanged value is not a change."""
    changing = rows[rows["change"] != "unchanged"]
    if changing.empty or locked.empty:
        return empty_problems()
    first = locked.drop_duplicates(KEY).astype({"year": "Int64"})
    merged = changing.merge(first[[*KEY, "title"]], on=KEY, how="left")
    merged.index = changing.index
    sub = merged[merged["title"].notna()]
    if sub.empty:
        return empty_problems()
    return pd.DataFrame({
        "sheet": sub["sheet"], "row": sub["row"], "column": sub["column"], "cell": sub["cell"], "level": "error",
        "code": "year_locked", "params": encode_params(sub.index, {"plan": sub["title"], "year": sub["year"]}),
    })


def _diff(rows: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Join the current values (fetched once) and classify each row's change."""
    key = KEY
    old = current[key + ["value", "vintage", "source", "batch_id"]].rename(columns={
        "value": "old_value", "vintage": "old_vintage", "source": "old_source", "batch_id": "old_batch_id"})
    old = old.assign(year=old["year"].astype("Int64"))
    merged = rows.merge(old, on=key, how="left")
    merged.index = rows.index
    has_old = merged["old_value"].notna()
    same_value = has_old & np.isclose(merged["value"].astype(float), merged["old_value"].astype(float),
                                      rtol=1e-9, atol=1e-12)
    new_vintage = merged["vintage"].notna() & (merged["vintage"] != merged["old_vintage"].fillna(""))
    change = np.select(
        [merged["withdraw"] & has_old, merged["withdraw"], ~has_old, same_value & ~new_vintage],
        ["withdrawn", "unchanged", "new", "unchanged"], "changed",
    )
    return merged.assign(change=change)


# -- browser entry ----------------------------------------------------------------------------------------------
ENTRY_SHEET = "填报表"
# The browser table's "columns" are field codes, named in the reader's language where shown
# (tracker.actuals.display.cell_ref); Excel columns are letters.
ENTRY_FIELDS = ("region", "indicator", "year", "value", "unit", "vintage")
ENTRY_SOURCE = "网页填报"   # the source of a typed value when the clerk names none


def entry_grid(ref: Reference, targets: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    """The editable table of one plan, region and year: each quantitative indicator with its current value."""
    wanted = targets[targets["region"] == region] if (targets["region"] == region).any() else targets
    names = wanted.drop_duplicates("indicator")["indicator"]
    info = ref.indicator_info.reindex(names)
    grid = pd.DataFrame({"indicator": names.to_numpy(), "unit": info["unit"].to_numpy()})
    grid = grid[~grid["unit"].isin(QUALITATIVE_UNITS)].reset_index(drop=True)
    cur = ref.current[ref.current["region"] == region]
    now = cur[cur["year"] == year].set_index("indicator")
    before = cur[cur["year"] == year - 1].set_index("indicator")["value"]
    value = grid["indicator"].map(now["value"])
    grid["previous"] = grid["indicator"].map(before)
    grid["current_source"] = grid["indicator"].map(now["source"]).astype(object)
    grid["current_batch"] = grid["indicator"].map(now["batch_id"]).astype(object)
    grid["value"] = value.map(lambda v: "" if pd.isna(v) else f"{v:.15g}").astype(object)
    grid["vintage"] = grid["indicator"].map(now["vintage"]).astype(object)
    grid["source"] = ""
    grid["reason"] = ""
    return grid


def entry_rows(grid: pd.DataFrame, edited: pd.DataFrame, region: str, year: int, *,
               default_source: str | None = None) -> pd.DataFrame:
    """The touched rows of the edited grid as raw rows for validate(); a cleared value withdraws the old one."""
    def text(frame, col):
        return frame[col].astype(object).where(frame[col].notna(), "").astype(str).str.strip()

    before, after = text(grid, "value"), text(edited, "value")
    touched = (after != before) | (text(edited, "vintage") != text(grid, "vintage")) | (text(edited, "reason") != "")
    pos = pd.Series(np.arange(1, len(edited) + 1), index=edited.index)
    sub = edited[touched]
    source = text(sub, "source")
    source = source.mask(source == "", default_source or ENTRY_SOURCE)
    n = len(sub)
    raw = pd.DataFrame({
        "sheet": ENTRY_SHEET,
        "region": region, "region_row": pos[touched], "region_col": "region",
        "indicator": sub["indicator"], "indicator_row": pos[touched], "indicator_col": "indicator",
        "year": str(year), "year_row": pos[touched], "year_col": "year",
        "value": after[touched], "value_row": pos[touched], "value_col": "value",
        "unit": "", "unit_row": pos[touched], "unit_col": "unit",
        "vintage": text(sub, "vintage"), "vintage_row": pos[touched], "vintage_col": "vintage",
        "header_unit": "", "source": source, "note": "", "reason": text(sub, "reason"),
        "withdraw": (after[touched] == "") & (before[touched] != ""),
    }, index=sub.index)
    return raw if n else empty_raw()


def empty_raw() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in RAW_COLUMNS})
    return frame.astype({f"{f}_row": "Int64" for f in POSITIONED} | {"withdraw": bool})
