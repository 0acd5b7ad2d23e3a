"""The target grammar read from one sentence of the view: which quantity is a target of what kind, with which
comparator, subject, baseline and stretch.

The rules are the grammar of docs/catalogue.md and general Chinese plan wording (comparators 以上/不低于/超过/突破/
以内/左右/约/力争, ranges, 力争 stretches, 年均增长, 翻番, 累计, 每年, 全覆盖, 高于…平均水平, 从X提高到Y, 分别 lists),
not phrases of particular documents. Context that needs the whole document (year, role, plan horizon) is settled
in tracker.intake.extract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.intake.numbers import Quantity, find_quantities

CLAUSE_BREAK = re.compile(r"[,;:。!?\n\t]")
CHANGE = r"增长|增速|增幅|涨幅|降幅|下降|降低|减少|提高|提升|增加|扩大|上升|压减|下调|上调|缩小|减轻|再降|再提高|再增加"
CHANGE_VERB = re.compile(rf"(?P<every>年均|平均每年|每年|年平均)?(?:实际|预期|名义|分别|均|要|将|拟|再|约|力争)*"
                         rf"(?P<verb>{CHANGE})(?P<to>到|至)?(?:了)?(?:约|近|超过|达|分别|均)*$")
# Comparator words read in front of a number, longest first; the sign each gives.
PRE_COMPARATORS = [
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("不超过", "<="), ("不高于", "<="), ("不大于", "<="),
    ("超过", ">"), ("突破", ">"), ("高于", ">"), ("多于", ">"), ("大于", ">"), ("超", ">"),
    ("低于", "<"), ("少于", "<"), ("不到", "<"), ("控制在", "="), ("大约", "≈"), ("约", "≈"), ("接近", "≈"), ("近", "≈"),
    ("达到", ">="), ("达", ">="), ("提高到", ">="), ("增加到", ">="), ("增长到", ">="), ("提升到", ">="),
    ("扩大到", ">="), ("保持在", ">="), ("稳定在", ">="), ("降低到", "<="), ("下降到", "<="), ("降到", "<="),
    ("减少到", "<="), ("压减到", "<="),
]
AFTER_COMPARATOR = {"以上": ">=", "之上": ">=", "以内": "<=", "之内": "<=", "以下": "<=", "左右": "≈", "上下": "≈"}
# Verbs of things to be made or done; their counts add up over a multi-year plan (a flow, summed: 累计).
FLOW_VERB = re.compile(r"(新增|新建|新培育|新认定|新开工|引进|组建|实施|支持|攻克|开发|遴选|培养|培训|制订|制定|制\(修\)订|开展|"
                       r"推广|转化|创建|改造|布局|建立|打造|招引|孵化|认定|推动|新设)")
STOCK_VERB = re.compile(r"(建成|建设|培育|达到|发展|拥有|形成|总量|总数|共)")
ALLOCATE_VERB = re.compile(r"(安排|拟按|按|发行|设立|拨付|下达|投入|使用|统筹|用好|筹集|新增|发放)")
SUBJECT_PREFIX = re.compile(
    r"^(?:[、和及与并且或使让]|其中|同时|另外|此外|特别是|重点是|全力|着力|[一二三四五六七八九十]是|到\d{4}年(?:底|末)?|\d{4}年(?:底|末|前)?|"
    r"力争|争取|确保|努力|今年|明年|全年|年内|届时|要|将|拟|计划|预计|预期|实现|推动|进一步|继续|基本|累计|再|共|"
    r"\d{4}-\d{4}年|五年内|三年内|两年内|“?十[一二三四五六七八九]五”?(?:时期|期间|末)?|每年|年均|新增|主要目标是|目标是|"
    r"预期目标是|主要预期目标是|发展的主要预期目标是)+")
SUBJECT_SUFFIX = re.compile(r"(?:要|将|拟|预期|预计|力争|均|分别|再|进一步|全年|总|共|年均|每年|实际|名义|累计|达|的|为|在|是)+$")
SUBJECT_JOIN = re.compile(r"[、和及与]")
INDICATOR_END = re.compile(r"(量|率|额|数|值|比重|比例|强度|规模|收入|总值|产值|支出|投入|面积|里程|人口|企业|价格|标准|资金|"
                           r"产量|能力|时间|年限|寿命|水平|排放|能耗|贡献率|增加值|消费|投资|贷款)$")
DOUBLING = re.compile(r"翻(?P<n>一|两|二|三)?(?:番|倍)")
COVERAGE = re.compile(r"全覆盖")
RELATIVE = re.compile(r"(?P<cmp>高于|超过|不低于|达到|超出|优于)(?P<ref>全国|全省|全市|全区|全县|同行业|同类[\u4e00-\u9fff]{0,4}?|"
                      r"[\u4e00-\u9fff]{1,6}?)(?:和[\u4e00-\u9fff]{1,8}?)?平均(?:水平)?")
BASE_YEAR = re.compile(r"(?:比|较|从|由|与|相比|同比)(\d{4})年")
STRETCH = re.compile(r"^(?:并|且)?(?:力争|争取|努力)(?:达到|实现|突破|超过|提高到|增长到)?$")
FROM = re.compile(r"(?:从|由)(?:[\u4e00-\u9fff]{0,6}?)?$")


@dataclass
class Candidate:
    """One quantity read as a possible target, before document context is applied (view offsets)."""

    start: int                      # quote span in the view
    end: int
    number_start: int
    subject: str
    kind: str
    comparator: str | None
    value: float | None
    value_hi: float | None = None
    stretch: float | None = None
    rate: float | None = None
    multiple: float | None = None
    unit: str = ""
    basis: str | None = None
    baseline_value: float | None = None
    baseline_year: int | None = None
    relative_to: str | None = None
    margin: float | None = None
    change: bool = False             # a change (下降3%) whose kind (growth or cumulative) depends on the horizon
    flow: bool = False               # counts of things made or done: cumulative over a multi-year plan
    reasons: list[str] = field(default_factory=list)
    quantity: Quantity | None = None
    own_predicate: bool = True       # False for 、15% in a list: kind and comparator come from the number before


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of text[start:end]: apart by commas, semicolons, colons and full stops."""
    spans, pos = [], start
    for m in CLAUSE_BREAK.finditer(text, start, end):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        spans.append((pos, end))
    return spans


def strip_subject(subject: str) -> str:
    subject = SUBJECT_PREFIX.sub("", subject)
    subject = SUBJECT_SUFFIX.sub("", subject)
    return subject.strip(" 、,")


def _comparator(pre: str, q: Quantity) -> tuple[str | None, str | None]:
    """(comparator, the word it came from) for a quantity and the text just before it."""
    if q.after in AFTER_COMPARATOR:
        return AFTER_COMPARATOR[q.after], q.after
    if q.more:
        return ">", "多"
    tail = pre[-6:]
    best = None
    for word, sign in PRE_COMPARATORS:
        i = tail.rfind(word)
        if i >= 0 and (best is None or i + len(word) > best[0] or i + len(word) == best[0] and len(word) > best[2]):
            best = (i + len(word), sign, len(word), word)
    if best:
        return best[1], best[3]
    return None, None


def analyse_sentence(text: str, start: int, end: int) -> list[Candidate]:
    """Candidates of one sentence text[start:end] of the view."""
    out: list[Candidate] = []
    previous_subject = ""
    for cs, ce in clauses(text, start, end):
        found = _analyse_clause(text, cs, ce, previous_subject, out)
        if found:
            previous_subject = found
    _merge_stretch(text, out)
    return out


def _analyse_clause(text: str, cs: int, ce: int, inherited: str, out: list[Candidate]) -> str:
    clause = text[cs:ce]
    quantities = find_quantities(text, cs, ce)
    subject_of_clause = ""
    made: list[Candidate] = []
    pos = cs
    first_pre = ""
    respectively = "分别" in clause
    for i, q in enumerate(quantities):
        pre = text[pos:q.start]
        nxt = quantities[i + 1] if i + 1 < len(quantities) else None
        # 从X提高到Y: X is the baseline of the next quantity, not a target of its own.
        if nxt is not None and FROM.search(text[cs:q.start][-8:]) and re.match(
                rf"^(?:{CHANGE})?(?:到|至)$", text[q.end:nxt.start]) and nxt.unit == q.unit:
            pos = q.start
            continue
        if _is_scope(text, cs, q):
            pos = q.end                    # 3岁以下婴幼儿, 100万元以下的部分: a scope, not a target
            continue
        if _in_a_name(text, q):
            pos = q.end                    # “四个全面”, “两个轮子”, 简称“人才30条”: part of a name, not a target
            continue
        if made and q.start - made[-1].end < 24 and SAME_AS_LAST_YEAR.search(text[made[-1].end:q.start]):
            pos = q.end                    # 支出28.5万亿元、比上年增加1.1万亿元: the change the target before implies
            continue
        c = _candidate(text, cs, ce, q, pre, quantities, i)
        if c is None:
            pos = q.end
            continue
        if q.unit == "年" and not YEARS_MEASURED.search(text[cs:q.start]):
            pos = q.end                    # 延长30年, 改革开放30多年: a duration, unless the indicator counts years
            continue
        if not first_pre:
            first_pre = text[cs:q.start]
        if not c.own_predicate and made:
            _adopt(c, made[-1])            # 、15% or 、千名博士: the predicate of the number before
        if q.chinese and "comparator_word" not in c.reasons and not c.flow and c.kind == "level":
            pos = q.end                    # 三个, 两项 without a target's wording: a description, not a target
            continue
        if not c.subject:
            if i and made and not c.own_predicate:
                c.subject = made[-1].subject
                c.reasons.append("subject_shared")
            elif inherited:
                c.subject = inherited
                c.reasons.append("subject_inherited")
        made.append(c)
        subject_of_clause = subject_of_clause or c.subject
        pos = max(q.end, c.end)          # past a subject named after the number
    # 2016年推动2家以上、2017年推动3家以上有潜力企业…: a milestone takes the subject named after the last number.
    for k in range(len(made) - 2, -1, -1):
        if ("subject_inherited" in made[k].reasons or not made[k].subject) and made[k + 1].subject:
            made[k].subject = made[k + 1].subject
            made[k].reasons = [r for r in made[k].reasons if r != "subject_inherited"] + ["subject_shared"]
    if respectively and made:
        made = _respectively(made, first_pre)
    elif len(made) == 1 and made[0].kind != "range":
        made = _split_joined_subjects(made[0])
    out.extend(made)
    if not quantities or not made:
        out.extend(_unnumbered(text, cs, ce, inherited))
    return subject_of_clause or (strip_subject(clause) if not quantities else "")


def _is_scope(text: str, cs: int, q: Quantity) -> bool:
    """A number that delimits whom a measure is for (3岁以下婴幼儿, 年应纳税所得额100万元以上的部分), not a target;
    覆盖80%以上的大城市 stays a target (a verb of reach stands before it)."""
    following = text[q.end:q.end + 1]
    if q.after == "以下" and (following == "的" or _is_han(following)):
        return True
    if q.after in ("以上", "以内") and following == "的":
        return not re.search(r"(覆盖|惠及|达到|实现|占|使)$", text[cs:q.start])
    return False


# 、比上年增加 right before a number that follows a target: the change that target implies, not one of its own.
SAME_AS_LAST_YEAR = re.compile(r"[、,,]\s*(?:比|较)(?:上年|去年|上一年)[\u4e00-\u9fff]{0,4}?(?:增加|提高|增长|减少|下降|扩大)$")
# A quotation this short that holds a number is a name or a slogan (“四个全面”, 简称“企业14条”).
NAME_QUOTE_LEN = 12
# Indicators measured in years (平均受教育年限达到11年): a number of 年 after one of these is a target.
YEARS_MEASURED = re.compile(r"年限|寿命|工龄")


def _in_a_name(text: str, q: Quantity) -> bool:
    """Whether the quantity stands inside a short “…” quotation."""
    before = text[max(0, q.start - NAME_QUOTE_LEN):q.start]
    after = text[q.end:q.end + NAME_QUOTE_LEN]
    opened = before.rfind("“")
    closed = after.find("”")
    return opened >= 0 and "”" not in before[opened:] and closed >= 0 and "“" not in after[:closed]


def _is_han(char: str) -> bool:
    return bool(char) and "\u4e00" <= char <= "\u9fff"


def _adopt(c: Candidate, model: Candidate) -> None:
    """A number that has no predicate of its own (、15%) reads as the number before it (分别下降23%)."""
    c.kind, c.change, c.flow = model.kind, model.change, model.flow
    c.comparator = c.comparator if "comparator_word" in c.reasons else model.comparator
    if c.kind == "growth" and c.rate is None:
        c.rate, c.value = c.value, None
    if c.kind == "per_year":
        c.basis = model.basis


def _candidate(text: str, cs: int, ce: int, q: Quantity, pre: str,
               quantities: list[Quantity], i: int) -> Candidate | None:
    clause_pre = text[cs:q.start]
    comparator, word = _comparator(clause_pre, q)
    reasons = []
    kind = "level"
    change = flow = False
    rate = None
    value = q.value
    basis = None
    verb = CHANGE_VERB.search(pre)
    subject_text = pre
    if verb and not verb.group("to"):
        subject_text = pre[:verb.start()]
        if q.unit == "%":
            kind, rate, value = "growth", q.value, None
            if verb.group("every"):
                reasons.append("growth_word")
            else:
                change = True
        else:
            kind = "cumulative"
            reasons.append("change_amount")
    else:
        words = list(re.finditer("|".join(w for w, _ in PRE_COMPARATORS), pre))
        last = words[-1] if words else None
        if last is not None and last.end() >= len(pre) - 3:
            subject_text = pre[:last.start()]
    # A number whose own words are only a joiner (、15%) takes its predicate from the number before it.
    own_predicate = bool(pre.strip(" 、和及与"))
    every = re.search(r"每年|年均|每年度", clause_pre)
    if kind == "level" and every and q.unit not in ("%",) or kind == "level" and every and "安排" in clause_pre:
        kind, basis = "per_year", "per_year"
        reasons.append("per_year_word")
    if re.search(r"累计|共计|合计|五年内|三年内|期间", clause_pre) and kind == "level":
        kind = "cumulative"
        reasons.append("cumulative_word")
    elif kind == "level" and FLOW_VERB.search(clause_pre[-12:]) and not STOCK_VERB.search(pre[-6:]) \
            and q.unit not in ("%", "个百分点"):
        flow = True
    if q.value_hi is not None:
        basis = basis or ("per_year" if every else None)
        kind, comparator, value = "range", "between", q.value
        if rate is not None:
            rate = None
        reasons.append("range")
    elif comparator == "≈" and kind == "level":
        kind = "approx"
    if comparator is None:
        if kind == "level" and (FLOW_VERB.search(clause_pre[-12:]) or STOCK_VERB.search(clause_pre[-12:])) \
                and not ALLOCATE_VERB.search(clause_pre[-8:]):
            comparator = ">="
        elif kind in ("growth", "cumulative", "per_year") and not change:
            comparator = ">=" if kind != "cumulative" else "="
        else:
            comparator = "="
    else:
        reasons.append("comparator_word")
    if comparator == "=" and word == "控制在":
        comparator = "<="
    subject = strip_subject(subject_text)
    quote_end = q.end
    next_start = quantities[i + 1].start if i + 1 < len(quantities) else ce
    verb_only = bool(re.fullmatch(rf"(?:{FLOW_VERB.pattern}|{STOCK_VERB.pattern}|{ALLOCATE_VERB.pattern}|储备|带动|解决|"
                                  r"推动|完成|惠及|覆盖|落实)+", subject))
    if not subject or verb_only or FLOW_VERB.search(pre[-3:]) or ALLOCATE_VERB.search(pre[-3:]):
        # 新建1亿亩高标准农田, 培育50名科技创新领军人才、50名…: the subject follows the number.
        post = re.match(r"[\u4e00-\u9fffA-Za-z“”\"()·]{2,30}", text[q.end:next_start])
        if post and not re.match(r"(?:的|以上|以下|以内|左右|\d)", post.group(0)) \
                and not re.search(r"\d{4}年|[,;]", post.group(0)):
            noun = re.sub(r"[、和及与]+$", "", post.group(0))
            subject = (subject + noun) if verb_only or subject and len(subject) <= 4 else noun
            quote_end = q.end + len(noun)
        elif verb_only:
            subject = ""
    base = BASE_YEAR.search(clause_pre)
    c = Candidate(start=cs, end=max(quote_end, q.end), number_start=q.start, subject=subject, kind=kind,
                  comparator=comparator, value=value, value_hi=q.value_hi, rate=rate, unit=q.unit, basis=basis,
                  baseline_year=int(base.group(1)) if base else None, change=change, flow=flow, reasons=reasons,
                  quantity=q, own_predicate=own_predicate)
    if q.chinese:
        c.reasons.append("chinese_numeral")
    prior = _from_value(text, cs, q, quantities, i)
    if prior is not None:
        c.baseline_value = prior
        c.reasons.append("baseline_stated")
    if (m := RELATIVE.search(clause_pre)) and q.unit == "%":
        c.kind, c.relative_to, c.margin, c.value = "relative", m.group("ref"), q.value, None
        c.comparator = ">=" if q.after == "以上" else ">"
        c.subject = strip_subject(clause_pre[:m.start()]) or c.subject
    return c


def _from_value(text: str, cs: int, q: Quantity, quantities: list[Quantity], i: int) -> float | None:
    if i == 0:
        return None
    prev = quantities[i - 1]
    between = text[prev.end:q.start]
    if prev.unit == q.unit and re.match(rf"^(?:{CHANGE})?(?:到|至)$", between) and FROM.search(text[cs:prev.start][-8:]):
        return prev.value
    return None


def _respectively(made: list[Candidate], first_pre: str) -> list[Candidate]:
    """A、B、C分别下降23%、15%、18%: one subject per number; 化学需氧量、氨氮排放量要分别下降2%: the number for each."""
    head = first_pre.split("分别")[0]
    head = re.sub(r"(?:的|人均|每人)?$", "", head)
    subjects = [strip_subject(s) for s in SUBJECT_JOIN.split(head) if strip_subject(s)]
    if len(subjects) < 2:
        return made
    if len(made) == len(subjects):
        pairs = list(zip(subjects, made, strict=True))
    elif len(made) == 1:
        pairs = [(s, made[0]) for s in subjects]
    else:
        return made
    out = []
    for subject, c in pairs:
        copy = Candidate(**{k: v for k, v in vars(c).items() if k in Candidate.__dataclass_fields__})
        _adopt(copy, made[0])
        copy.subject = subject
        copy.start = made[0].start
        copy.reasons = [*c.reasons, "subjects_split"]
        out.append(copy)
    return out


def _split_joined_subjects(c: Candidate) -> list[Candidate]:
    """发明专利申请量和授权量年均增长20%: two indicators, one target each, when both ends read as indicators."""
    parts = re.split(r"和|及|与|、", c.subject)
    if len(parts) != 2 or not all(INDICATOR_END.search(p) and len(p) >= 2 for p in parts):
        return [c]
    out = []
    for part in parts:
        copy = Candidate(**{k: v for k, v in vars(c).items() if k in Candidate.__dataclass_fields__})
        copy.subject = part
        copy.reasons = [*c.reasons, "subjects_split"]
        out.append(copy)
    return out


def _merge_stretch(text: str, out: list[Candidate]) -> None:
    """突破2.2%,力争达到2.5%以上: one floor-and-stretch target instead of two levels."""
    i = 1
    while i < len(out):
        floor, stretch = out[i - 1], out[i]
        between = text[floor.end:stretch.number_start].lstrip(",; ")
        if (stretch.unit == floor.unit and STRETCH.match(between) and floor.kind in ("level", "approx")
                and stretch.kind in ("level", "approx") and (stretch.value or 0) > (floor.value or 0)):
            floor.kind, floor.stretch, floor.end = "floor_stretch", stretch.value, stretch.end
            floor.reasons.append("stretch_merged")
            del out[i]
            continue
        i += 1


def _unnumbered(text: str, cs: int, ce: int, inherited: str) -> list[Candidate]:
    """Targets without a number of their own: 翻番 (doubling), 全覆盖 (coverage), 高于…平均水平 (relative)."""
    clause = text[cs:ce]
    out = []
    if m := DOUBLING.search(clause):
        n = {"一": 2, None: 2, "两": 4, "二": 4, "三": 8}[m.group("n")]
        subject = strip_subject(re.sub(r"(?:比|较)(?:\d{4}年)?(?:的)?$|实现$|力争实现$|力争$", "", clause[:m.start()]))
        subject = re.sub(r"(?:比|较)\d{4}年$", "", subject)
        base = BASE_YEAR.search(clause[:m.start()])
        c = Candidate(start=cs, end=cs + m.end(), number_start=cs + m.start(), subject=strip_subject(subject) or inherited,
                      kind="doubling", comparator=">=", value=None, multiple=float(n), unit="倍",
                      baseline_year=int(base.group(1)) if base else None, reasons=["doubling_word"])
        out.extend(_split_joined_subjects(c))
    elif m := COVERAGE.search(clause):
        subject = strip_subject(re.sub(r"(?:基本)?(?:实现|达到)?$", "", clause[:m.start()]))
        subject = re.sub(r"^(?:基本)?(?:实现|达到)", "", subject)
        out.append(Candidate(start=cs, end=cs + m.end(), number_start=cs + m.start(), subject=subject or inherited,
                             kind="coverage", comparator=">=", value=100.0, unit="%", reasons=["coverage_word"]))
    elif m := RELATIVE.search(clause):
        subject = strip_subject(clause[:m.start()]) or inherited
        out.append(Candidate(start=cs, end=cs + m.end(), number_start=cs + m.start(), subject=subject,
                             kind="relative", comparator=">" if m.group("cmp") != "不低于" else ">=", value=None,
                             relative_to=m.group("ref"), margin=0.0, unit="", reasons=["relative_word"]))
    return out
