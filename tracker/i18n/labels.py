"""Code → (Chinese, English) tables: target kinds, checks, audit actions, problem levels, changes, batches."""

from __future__ import annotations

KIND_LABELS: dict[str, tuple[str, str]] = {
    "level": ("水平值", "Level"),
    "approx": ("左右(近似)", "Approximately"),
    "range": ("区间", "Range"),
    "floor_stretch": ("底线+力争", "Floor and stretch"),
    "growth": ("年均增长", "Annual growth"),
    "doubling": ("翻番", "Doubling"),
    "per_year": ("每年", "Per year"),
    "cumulative": ("累计", "Cumulative"),
    "coverage": ("全覆盖", "Full coverage"),
    "relative": ("相对其他地区", "Relative to another region"),
    "qualitative": ("定性", "Qualitative"),
}

CHECK_LABELS: dict[str, tuple[str, str]] = {
    "decomposition": ("分解目标合计", "Decomposition sums"),
    "duplicate_target": ("同一指标多个目标", "Several targets for one indicator"),
    "restatement": ("正文与专栏2", "Text against 专栏2"),
    "stated_value": ("重复陈述的数值", "Value stated twice"),
    "table": ("专栏1与专栏2", "专栏1 against 专栏2"),
    "ok": ("一致", "Consistent"),
    "warning": ("提示", "Note"),
    "mismatch": ("不一致", "Inconsistent"),
    "assumption": ("解读假设", "Assumption"),
    "scrape_repair": ("抓取修复", "Scraping repair"),
    "plan": ("规划信息", "Plan"),
    "baseline_target": ("目标不高于基期值", "Target not beyond its baseline"),
}


# The review table's choices when a plan is added (新增规划).
REVIEW_LABELS: dict[str, tuple[str, str]] = {
    "target": ("目标", "Target"),
    "baseline": ("陈述值(基期)", "Stated value (baseline)"),
    "up": ("越高越好", "Higher is better"),
    "down": ("越低越好", "Lower is better"),
    "linear": ("线性", "Linear"),
    "geometric": ("按增长率(几何)", "At a growth rate (geometric)"),
    "between": ("区间", "Between"),
}


COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "≈": "≈", "between": ""}


AUDIT_ACTIONS: dict[str, tuple[str, str]] = {
    "entry": ("网页填报", "Typed entry"),
    "upload": ("文件上传/导入", "Upload or import"),
    "revert": ("撤销批次", "Batch reverted"),
    "catalogue_refresh": ("刷新规划目录", "Catalogue refresh"),
    "user_add": ("新建账户", "Account added"),
    "user_password": ("重设密码", "Password reset"),
    "user_role": ("修改角色", "Role changed"),
    "user_disable": ("停用账户", "Account disabled"),
    "user_enable": ("启用账户", "Account enabled"),
    "threshold_change": ("修改阈值", "Threshold changed"),
    "target_status": ("定性目标评定", "Qualitative target assessed"),
    "plan_add": ("新增规划", "Plan added"),
    "plan_correct": ("更正规划目标", "Plan target corrected"),
    "plan_retire": ("停用规划", "Plan retired"),
    "plan_reactivate": ("恢复规划", "Plan reactivated"),
    "set_units": ("设置责任单位", "Responsible units set"),
    "approve": ("审核通过", "Values approved"),
    "return": ("退回数值", "Values returned"),
    "lock": ("锁定年度", "Year locked"),
    "unlock": ("解锁年度", "Year unlocked"),
}

# Problem levels, kinds of change and batches, batch statuses (the data pages).
DATA_LABELS: dict[str, tuple[str, str]] = {
    "error": ("错误", "Error"),
    "warning": ("提示", "Warning"),
    "new": ("新增", "new"),
    "changed": ("修改", "changed"),
    "withdrawn": ("撤回", "withdrawn"),
    "unchanged": ("不变", "unchanged"),
    "pending": ("待审核", "pending review"),
    "approved": ("已通过", "approved"),
    "returned": ("已退回", "returned"),
    "seed": ("规划文本", "seed"),
    "entry": ("网页填报", "entry"),
    "upload": ("文件上传", "upload"),
    "revert": ("撤销", "revert"),
    "committed": ("有效", "committed"),
    "reverted": ("已撤销", "reverted"),
    "hidden_sheet": ("(隐藏工作表)", " (a hidden sheet)"),
    # where a unit was stated, where a default came from (parameters of problems)
    "cell": ("单元格", "the cell"),
    "unit_column": ("单位列", "the unit column"),
    "indicator_name": ("指标名称", "the indicator's name"),
    "header": ("表头", "the header"),
    "default": ("所选的默认值", "the chosen default"),
    "title": ("表格标题", "the table's title"),
    # what a file holds, judged from its bytes (parameters of problems)
    "format_zip": ("Excel 工作簿(.xlsx)", "an Excel workbook (.xlsx)"),
    "format_ole": ("旧版 Excel 工作簿(.xls)", "an old Excel workbook (.xls)"),
    "format_text": ("文本(CSV)", "text (CSV)"),
    "format_pdf": ("PDF 文档", "a PDF document"),
}

# What each threshold of tracker.methodology.thresholds means (the methodology and settings pages).
THRESHOLD_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "schedule_on_track": ("序时进度比 r ≥ 该值为“正常”", "schedule ratio r at or above: on track"),
    "schedule_lagging": ("r 不低于该值为“滞后”,低于为“严重滞后”", "r at or above: lagging; below: severely lagging"),
    "trend_substantial": (
        "有目标时增长比 R ≥ 该值为“有望实现”",
        "with a target, growth ratio R at or above: substantial",
    ),
    "trend_moderate": ("R 不低于该值为“需加速”", "R at or above: moderate (needs acceleration)"),
    "trend_limited": ("R 不低于该值为“进展有限”,低于为“倒退”", "R at or above: limited; below: deterioration"),
    "no_target_substantial": (
        "无目标时年均增长率 ≥ 该值为“有望实现”",
        "without a target, directed CAGR at or above: substantial",
    ),
    "no_target_moderate": (
        "无目标时年均增长率不低于该值为“需加速”",
        "without a target, directed CAGR at or above: moderate",
    ),
    "no_target_limited": (
        "无目标时年均增长率不低于该值为“进展有限”",
        "without a target, directed CAGR at or above: limited",
    ),
    "approx_tolerance": ("“左右”目标的默认相对容差", "default relative tolerance of approximate (左右) targets"),
    "boundary_epsilon": ("阈值边界的浮点容差", "floating-point tolerance at threshold boundaries"),
}

ROLE_LABELS: dict[str, tuple[str, str]] = {"viewer": ("查看", "Viewer"), "editor": ("填报", "Editor"),
                                             "reviewer": ("审核", "Reviewer"), "admin": ("管理", "Admin")}

# 属性 of a target as plans write it (约束性 binding on the government, 预期性 anticipated).
BINDING_LABELS: dict[str, tuple[str, str]] = {"约束性": ("约束性", "binding"), "预期性": ("预期性", "anticipated")}
