"""A proposed target (or stated value) of a plan document: everything a review table shows, and the catalogue
entry it becomes once a person has checked it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ROLES = ("target", "baseline")
# Why a proposal has its confidence; each is a REASON_MESSAGES entry (tracker.i18n.messages).
REASONS = (
    "table_row", "unit_repaired", "comparator_word", "growth_word", "change_in_year", "change_over_plan",
    "change_amount", "per_year_word", "cumulative_word", "kind_from_verb", "range", "stretch_merged", "doubling_word",
    "coverage_word", "relative_word", "baseline_stated", "subjects_split", "subject_shared", "subject_inherited",
    "no_subject", "chinese_numeral", "target_marker", "no_target_cue", "review_section", "past_year", "past_marker",
    "explicit_year", "section_year", "plan_year", "horizon_year", "indicator_exact", "indicator_alias",
    "indicator_contained", "indicator_closest", "restated",
)


def reason_text(code: str, lang: str = "zh") -> str:
    """A reason code in words."""
    from tracker.i18n.messages import REASON_MESSAGES

    pair = REASON_MESSAGES.get(code)
    return code if pair is None else pair[1 if lang == "en" else 0]
# Indicator match: how the subject was matched to the indicators passed in.
MATCHES = ("exact", "alias", "contained", "closest", "new")


@dataclass
class Proposal:
    """One proposed target (role "target") or stated value (role "baseline") with its exact quote.

    quote is an exact substring of the document's text starting at offset; subject is the document's own
    wording (its own characters), subject_display the same in simplified characters. Values are as written:
    value 1.3 with unit 万亿斤; a percentage is the number printed (2.5 for 2.5 %). For a growth target the rate is in
    rate (value stays None), for doubling the multiple in multiple, for coverage value is 100 (%).
    """

    quote: str
    offset: int
    role: str                                   # target | baseline
    subject: str
    subject_display: str
    kind: str                                   # etl.catalogue KINDS
    comparator: str | None                      # etl.catalogue COMPARATORS
    value: float | None
    unit: str
    target_year: int | None
    value_hi: float | None = None
    stretch: float | None = None
    rate: float | None = None
    multiple: float | None = None
    basis: str | None = None                    # per_year | cumulative when the kind does not imply it
    baseline_year: int | None = None
    baseline_value: float | None = None
    relative_to: str | None = None
    margin: float | None = None
    binding: str | None = None                  # 预期性 | 约束性 when stated
    region: str | None = None
    section: str = ""
    indicator: str | None = None                # id of the suggested indicator; None for a new one
    indicator_name: str | None = None
    indicator_match: str = "new"                # exact | alias | contained | closest | new
    indicator_candidates: list[str] = field(default_factory=list)   # ids of close indicators, best first
    year_source: str = "horizon_year"           # explicit_year | section_year | plan_year | horizon_year | table
    confidence: float = 0.5
    reasons: list[str] = field(default_factory=list)                # codes; tracker.i18n.messages REASON_MESSAGES

    @property
    def number(self) -> float | None:
        """The number the sentence states: value, or the rate of a growth target, or the multiple of a doubling."""
        for candidate in (self.value, self.rate, self.multiple, self.margin):
            if candidate is not None:
                return candidate
        return None

    def as_row(self, lang: str = "zh") -> dict:
        """A flat dict for a review table: lists joined, the reasons also in words."""
        row = asdict(self)
        row["number"] = self.number
        row["indicator_candidates"] = ", ".join(self.indicator_candidates)
        row["reasons"] = ", ".join(self.reasons)
        row["reasons_text"] = ("; " if lang == "en" else "；").join(reason_text(r, lang) for r in self.reasons)
        return row

    def to_catalogue_entry(self, *, target_id: str | None = None, region: str | None = None) -> dict:
        """The entry of an etl/catalogue/NNN.yaml file: under targets (role target) or actuals (role baseline).

        Fields the proposal does not know are left out, so a reviewer adds them instead of correcting guesses;
        indicator is the suggested id (None for a new indicator, which the reviewer names)."""
        region = region or self.region
        if self.role == "baseline":
            entry = {"indicator": self.indicator, "region": region, "year": self.baseline_year,
                     "value": self.value, "unit": self.unit, "quote": self.quote}
            return {k: v for k, v in entry.items() if v is not None}
        entry = {
            "id": target_id, "indicator": self.indicator, "subject": self.subject, "region": region,
            "kind": self.kind, "comparator": self.comparator,
            "value": self.value if self.kind not in ("growth", "doubling", "relative", "qualitative") else None,
            "value_hi": self.value_hi, "stretch": self.stretch, "rate": self.rate, "multiple": self.multiple,
            "relative_to": self.relative_to, "margin": self.margin, "basis": self.basis,
            "unit": self.unit or None, "target_year": self.target_year, "baseline_year": self.baseline_year,
            "baseline_value": self.baseline_value, "binding": self.binding, "section": self.section or None,
            "quote": self.quote,
        }
        if self.kind == "coverage":
            entry.update(value=None, unit=None, comparator=None)
        return {k: _plain(v) for k, v in entry.items() if v is not None}


def _plain(value):
    """2.0 → 2 so that a YAML file reads as a person writes it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
