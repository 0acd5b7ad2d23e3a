"""propose_targets: every quantified target of a plan's text, typed by the target grammar, with its exact quote.

The steps: the matching view of the text (tracker.intake.view), its outline (sections), its indicator tables
(tables), then sentence by sentence the grammar (grammar); here the document's context is applied — the target
year (the sentence, its paragraph, its heading, the plan's horizon), whether a number is a target or a stated fact
(a review section, a past year, past-tense wording), whether a change or a flow is counted over several years —
and each proposal gets its indicator suggestion, a confidence and the reasons for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tracker.catalogue.names import normalise_name
from tracker.intake.grammar import Candidate, analyse_sentence
from tracker.intake.indicators import IndicatorMatcher
from tracker.intake.proposal import Proposal
from tracker.intake.sections import FIVE_YEAR_PLAN, Outline, five_year_plan_years
from tracker.intake.tables import Table, find_tables
from tracker.intake.view import View, build_view

SENTENCE_END = re.compile(r"[。!?;\n]")
YEAR_MENTION = re.compile(r"(?P<pre>比|较|从|由|与|相比|同比|自|于)?(?P<year>(?:19|20)\d\d)年(?P<post>底|末|前|以前|内|起|以来)?")
FORWARD_YEAR = re.compile(r"(?:到|至|力争|争取|确保|预计|计划)(?:(?:19|20)\d\d)年|(?:19|20)\d\d年(?:底前|前|末)")
THIS_YEAR = re.compile(r"今年|本年|全年|年内")
WITHIN_YEARS = re.compile(r"(两|三|四|五|2|3|4|5)年(?:内|之内|时间)")
FUTURE = re.compile(r"力争|争取|确保|目标|预期|预计|计划|拟|将|要|到(?:19|20)\d\d年|(?:19|20)\d\d年(?:底前|前)|今年|明年|届时|努力|"
                    r"力求|期间|时期|以上|以内|左右|不低于|不超过|突破")
PAST = re.compile(r"(?<![比较于同与])(?:去年|上年)|过去|已经|已|一年来|多年来|五年来|以来|截至|截止|(?<![为除])了(?![解])|此前|近年|当年|同比")
REGION_WORDS = re.compile(r"^(全国|全市|全省|全区|全县|我国|我市|我省|我区)")
NUMERALS = {"两": 2, "三": 3, "四": 4, "五": 5}


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of the view: apart by 。!?; and line breaks."""
    spans, pos = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def propose_targets(text: str, *, plan_start: int, plan_end: int, plan_year: int | None = None,
                    indicators: Iterable[dict] = (), regions: Iterable[str] = (),
                    keep_restatements: bool = False) -> list[Proposal]:
    """Proposed targets and stated values of a plan's text, in the order of the text.

    plan_start, plan_end: the plan's first and last year (an annual plan: both the same year); plan_year: the
    year "今年" means (default plan_start); indicators: existing indicators as {id, name, aliases}; regions: names
    a subject may start with (e.g. 两江新区). A restated target (same indicator, number and year as an earlier
    proposal) is left out unless keep_restatements.
    """
    context = _Context(build_view(text), plan_start, plan_end, plan_year or plan_start, IndicatorMatcher(indicators),
                       list(regions))
    proposals: list[Proposal] = []
    tables = find_tables(context.view.text)
    for table in tables:
        proposals.extend(context.table_proposals(table))
    for start, end in sentences(context.view.text):
        if any(t.start <= start < t.end for t in tables):
            continue
        for candidate in analyse_sentence(context.view.text, start, end):
            proposals.append(context.finish(candidate, start, end))
    return _without_restatements(proposals, keep_restatements)


class _Context:
    def __init__(self, view: View, plan_start: int, plan_end: int, plan_year: int, matcher: IndicatorMatcher,
                 regions: list[str]):
        self.view, self.plan_start, self.plan_end, self.plan_year = view, plan_start, plan_end, plan_year
        self.outline = Outline(view.text)
        self.matcher = matcher
        self.regions = sorted(regions, key=len, reverse=True)

    # -- documents' context ------------------------------------------------------------------------------------
    def section(self, pos: int) -> str:
        return " / ".join(self.view.quote(h.start, h.end) for h in self.outline.chain(pos))

    def _paragraph_start(self, pos: int) -> int:
        return self.view.text.rfind("\n", 0, pos) + 1

    def year_of(self, c: Candidate, start: int) -> tuple[int | None, str, bool]:
        """(year, how it was found, whether that year is past) for a candidate of the sentence starting at start."""
        text = self.view.text
        before = text[start:c.number_start]
        mentions = [m for m in YEAR_MENTION.finditer(before) if not m.group("pre")]
        if mentions:
            year = int(mentions[-1].group("year"))
            return year, "explicit_year", year < self.plan_start and mentions[-1].group("post") not in ("前", "底")
        if m := FIVE_YEAR_PLAN.search(text[start:c.end]):
            first, last = five_year_plan_years(m.group(1))
            return last, "explicit_year", last < self.plan_start
        if THIS_YEAR.search(text[start:c.end]):
            return self.plan_year, "plan_year", False
        if m := WITHIN_YEARS.search(text[start:c.end]):
            n = NUMERALS.get(m.group(1)) or int(m.group(1))
            return self.plan_year + n - 1, "explicit_year", False
        paragraph = text[self._paragraph_start(start):start]
        forward = list(FORWARD_YEAR.finditer(paragraph))
        if forward:
            year = int(re.search(r"(?:19|20)\d\d", forward[-1].group(0)).group(0))
            return year, "explicit_year", False
        section = self.outline.year(c.number_start)
        if section:
            return section[0], section[1], section[0] < self.plan_start
        return self.plan_end, "horizon_year", False

    def role_of(self, c: Candidate, start: int, end: int, past_year: bool) -> tuple[str, list[str]]:
        sentence = self.view.text[start:end]
        if self.outline.is_review(c.number_start):
            return "baseline", ["review_section"]
        future = FUTURE.search(sentence)
        if past_year and not re.search(r"力争|争取|确保|到(?:19|20)\d\d年", sentence):
            return "baseline", ["past_year"]
        if PAST.search(sentence[: c.end - start]) and not future:
            return "baseline", ["past_marker"]
        return "target", ["target_marker"] if future else ["no_target_cue"]

    # -- proposals ---------------------------------------------------------------------------------------------
    def finish(self, c: Candidate, start: int, end: int) -> Proposal:
        year, year_source, past = self.year_of(c, start)
        role, role_reasons = self.role_of(c, start, end, past)
        reasons = [*c.reasons, *role_reasons, year_source]
        kind, value, rate, basis = c.kind, c.value, c.rate, c.basis
        multi_year = year is not None and year - self.plan_start >= 1 and year_source != "plan_year"
        if role == "target" and c.change and multi_year and kind == "growth":
            kind, value, rate = "cumulative", c.rate, None      # 五年累计下降15%: a change over the whole plan
            reasons.append("change_over_plan")
        elif c.change and kind == "growth":
            reasons.append("change_in_year")
        if role == "target" and c.flow and kind == "level" and multi_year:
            kind = "cumulative"
            reasons.append("kind_from_verb")
        subject, subject_display = self.subject_text(c)
        region = self.region_of(subject_display)
        iid, iname, how, ids = self.matcher.match(_subject_key(subject_display))
        if how != "new":
            reasons.append(f"indicator_{how}")
        quote_start, quote_end = self.view.span(c.start, c.end)
        base_year = c.baseline_year
        proposal = Proposal(
            quote=self.view.original[quote_start:quote_end], offset=quote_start, role=role, subject=subject,
            subject_display=subject_display, kind=kind, comparator=c.comparator, value=value, unit=c.unit,
            target_year=year if role == "target" else None, value_hi=c.value_hi, stretch=c.stretch, rate=rate,
            multiple=c.multiple, basis=basis, baseline_year=base_year, baseline_value=c.baseline_value,
            relative_to=c.relative_to, margin=c.margin, region=region, section=self.section(c.number_start),
            indicator=iid, indicator_name=iname, indicator_match=how, indicator_candidates=ids,
            year_source=year_source, reasons=reasons)
        if role == "baseline":
            proposal.baseline_year = year if past and year else self.plan_start - 1
            proposal.baseline_value = proposal.number
            proposal.kind, proposal.comparator = "level", "="
        proposal.confidence = confidence(proposal)
        return proposal

    def subject_text(self, c: Candidate) -> tuple[str, str]:
        """(original characters, simplified) of a candidate's subject."""
        display = c.subject
        i = self.view.text.find(display, c.start, c.end) if display else -1
        if i >= 0:
            return self.view.quote(i, i + len(display)), display
        return display, display

    def region_of(self, subject: str) -> str | None:
        for name in self.regions:
            if subject.startswith(name) or subject.startswith(normalise_name(name)):
                return name
        return None

    def table_proposals(self, table: Table) -> list[Proposal]:
        years = sorted(table.years)
        target_year = years[-1] if years and years[-1] >= self.plan_start else None
        base_years = [y for y in years if target_year is None or y < target_year]
        out = []
        for row in table.rows:
            a, b = self.view.span(row.start, row.end)
            quote = self.view.original[a:b]
            name_at = self.view.text.find(row.name, row.start, row.end)
            subject = self.view.quote(name_at, name_at + len(row.name)) if name_at >= 0 else row.name
            iid, iname, how, ids = self.matcher.match(row.name)
            section = self.view.quote(*_line_of(self.view.text, table.start))
            common = dict(quote=quote, offset=a, subject=subject, subject_display=row.name, unit=row.unit,
                          binding=row.binding, section=section, indicator=iid, indicator_name=iname,
                          indicator_match=how, indicator_candidates=ids, year_source="table")
            reasons = ["table_row"] + (["unit_repaired"] if row.unit_repaired else []) + (
                [f"indicator_{how}"] if how != "new" else [])
            past = [y for y in base_years if row.values.get(y) is not None]
            if target_year is not None and row.values.get(target_year) is not None:
                base = past[-1] if past else None
                p = Proposal(role="target", kind="level", comparator=row.comparators.get(target_year) or ">=",
                             value=row.values[target_year], target_year=target_year, baseline_year=base,
                             baseline_value=row.values.get(base) if base else None,
                             reasons=reasons + (["baseline_stated"] if base else []), **common)
                p.confidence = confidence(p)
                out.append(p)
            elif target_year is None:
                for y in past:
                    p = Proposal(role="baseline", kind="level", comparator="=", value=row.values[y], target_year=None,
                                 baseline_year=y, baseline_value=row.values[y], reasons=[*reasons, "past_year"],
                                 **common)
                    p.confidence = confidence(p)
                    out.append(p)
        return out


def _line_of(text: str, pos: int) -> tuple[int, int]:
    end = text.find("\n", pos)
    return pos, end if end > pos else len(text)


def _subject_key(subject: str) -> str:
    return REGION_WORDS.sub("", subject or "")


def confidence(p: Proposal) -> float:
    """0–1 from the reasons: what makes a reading sure (a table row, a comparator word, a target year, a known
    indicator) and what makes it doubtful (no subject, no word that marks a target, Chinese numerals)."""
    r = set(p.reasons)
    score = 0.45
    if "table_row" in r:
        score += 0.35
    if r & {"comparator_word", "growth_word", "range", "stretch_merged", "doubling_word", "coverage_word",
            "relative_word"}:
        score += 0.15
    if "target_marker" in r or "review_section" in r or "past_year" in r:
        score += 0.15
    if "explicit_year" in r or "section_year" in r:
        score += 0.1
    if r & {"indicator_exact", "indicator_alias"}:
        score += 0.1
    elif "indicator_contained" in r:
        score += 0.05
    if "no_target_cue" in r:
        score -= 0.15
    if len(p.subject_display or "") < 2:
        score -= 0.25
        p.reasons.append("no_subject")
    if "chinese_numeral" in r:
        score -= 0.1
    if "past_marker" in r:
        score -= 0.05
    return round(min(0.99, max(0.05, score)), 2)


def _without_restatements(proposals: list[Proposal], keep: bool) -> list[Proposal]:
    """Drop a later statement of a target already proposed (same indicator or subject, number, unit, year)."""
    ordered = sorted(proposals, key=lambda p: (p.year_source != "table", p.offset))
    seen: dict[tuple, Proposal] = {}
    out = []
    for p in ordered:
        who = p.indicator if p.indicator_match in ("exact", "alias") else normalise_name(_subject_key(p.subject_display))
        key = (p.role, who, p.number, p.unit, p.target_year, p.baseline_year if p.role == "baseline" else None)
        if key in seen and seen[key].quote != p.quote:
            if "restated" not in seen[key].reasons:
                seen[key].reasons.append("restated")
            if not keep:
                continue
        seen.setdefault(key, p)
        out.append(p)
    return sorted(out, key=lambda p: (p.offset, p.quote))
