"""Every user-facing string in one place: simplified Chinese (default) and English."""

from __future__ import annotations

import math

LANGUAGES = {"zh": "中文", "en": "English"}

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("规划指标目标监测", "Plan Target Tracker"),
    "language": ("语言 / Language", "Language / 语言"),
    "nav_catalogue": ("目标目录", "Target catalogue"),
    "catalogue_intro": (
        "五份规划文本中的全部目标,每条附原文出处。数值由 ETL 从 seeds/ 构建。",
        "Every target of the five plan documents, each with the sentence it comes from. Built from seeds/ by the ETL.",
    ),
    "plan": ("规划", "Plan"),
    "kind_filter": ("目标类型", "Target kind"),
    "search": ("搜索指标或原文", "Search indicator or quote"),
    "targets_count": ("目标数", "Targets"),
    "stated_values": ("文本陈述值", "Stated values"),
    "checks_flagged": ("需核对的一致性检查", "Checks to review"),
    "plan_region": ("地区", "Region"),
    "plan_issued": ("发布日期", "Issued"),
    "plan_horizon": ("规划期", "Horizon"),
    "plan_seed": ("来源文件", "Seed file"),
    "col_target_id": ("目标编号", "Target id"),
    "col_indicator": ("指标", "Indicator"),
    "col_subject": ("原文表述", "Wording in the text"),
    "col_region": ("地区", "Region"),
    "col_kind": ("类型", "Kind"),
    "col_target": ("目标", "Target"),
    "col_year": ("目标年份", "Target year"),
    "col_baseline": ("基期", "Baseline"),
    "col_unit": ("单位", "Unit"),
    "col_binding": ("属性", "Binding"),
    "col_quote": ("原文", "Quote"),
    "col_section": ("章节", "Section"),
    "col_parent": ("上级目标", "Parent target"),
    "col_assumption": ("解读说明", "Assumption"),
    "stated_values_title": ("文本陈述的数值(种子批次)", "Values stated in the text (seed batch)"),
    "col_year_actual": ("年份", "Year"),
    "col_value": ("数值", "Value"),
    "col_source": ("来源", "Source"),
    "col_note": ("说明", "Note"),
    "checks_title": ("一致性检查", "Consistency checks"),
    "col_check_kind": ("检查", "Check"),
    "col_status": ("结果", "Result"),
    "col_message": ("说明", "Message"),
    "notes_title": ("数据质量说明(ETL 的假设与修复)", "Data-quality notes (what the ETL assumed or repaired)"),
    "col_category": ("类别", "Category"),
    "empty_db": (
        "数据库中还没有目录。请在项目目录运行 `python -m etl`(或用 README 中的启动命令,它会自动构建)。",
        "The database holds no catalogue yet. Run `python -m etl` in the project folder (the README's run command "
        "does it for you).",
    ),
    "no_match": ("没有符合条件的目标。", "No target matches."),
    "download_csv": ("下载 CSV", "Download CSV"),
    "nav_overview": ("总览", "Overview"),
    "nav_indicator": ("指标详情", "Indicator detail"),
    "nav_compare": ("地区对比", "Comparison"),
    "nav_sources": ("规划与出处", "Plans and sources"),
    "nav_evaluation": ("评估表", "Evaluation table"),
    "nav_methodology": ("方法说明", "Methodology"),
    "nav_section_dashboard": ("看板", "Dashboard"),
    "nav_section_reference": ("参考", "Reference"),
    "nav_section_data": ("数据", "Data"),
    "nav_entry": ("数据填报", "Data entry"),
    "nav_upload": ("数据上传", "Upload"),
    "nav_batches": ("数据批次", "Batches"),
    "as_of": ("评估年份", "As of year"),
    "as_of_latest": ("最新数据", "latest data"),
    "axis_year": ("年份", "Year"),
    "axis_targets": ("目标数", "Targets"),
    "trace_path": ("序时进度路径", "Planned path"),
    "trace_target": ("目标", "Target"),
    "trace_actual_final": ("实际值(年报)", "Actual (final)"),
    "trace_actual_provisional": ("实际值(快报)", "Actual (provisional)"),
    "trace_baseline": ("基期值", "Baseline"),
    "trace_projection": ("趋势预测", "Projection"),
    "trace_after_plan": ("规划期后(不计入评价)", "After the plan (not judged)"),
    "band_floor_stretch": ("达标—力争", "floor–stretch"),
    "band_range": ("目标区间", "target range"),
    "kpi_total": ("目标总数", "Targets"),
    "status_chart_title": ("评价分布", "Verdicts"),
    "heatmap_title": ("各年度评价(指标 × 年份)", "Verdict by indicator and year"),
    "verdict_table_title": ("目标评估表", "Verdict table"),
    "open_indicator_hint": ("点击表格中的一行,打开该指标的详情。", "Click a row to open the indicator's detail."),
    "no_actuals_yet": (
        "该规划的目标在所选年份之后还没有实际值(多数规划目标要等工作人员录入或上传数据后才能评估)。"
        "下面的表格列出了目标、基期和目标值;评价显示为“无数据”。",
        "No actual values after the base year yet for this plan (most targets can only be assessed once staff enter "
        "or upload data). The table lists targets, baselines and target values; verdicts read “No data”.",
    ),
    "col_latest": ("最新值", "Latest"),
    "col_completion": ("目标完成度", "Completion of target"),
    "col_target_completion": ("目标完成度", "Completion of target"),
    "col_increment_completion": ("增量完成度", "Completion of increment"),
    "col_after_plan": ("规划期后最新值", "Latest after the plan"),
    "help_target_completion": (
        "实际值 ÷ 目标值(逆向指标为目标值 ÷ 实际值;年均增长类为实际年均增速 ÷ 目标增速;累计类为累计完成量 ÷ 累计目标)。",
        "actual ÷ target (target ÷ actual when lower is better; observed ÷ planned annual growth for growth "
        "targets; sum achieved ÷ sum planned for cumulative targets).",
    ),
    "help_increment_completion": (
        "(实际值 − 基期值) ÷ (目标值 − 基期值):规划期内计划增量已完成的比例。",
        "(actual − baseline) ÷ (target − baseline): the share of the planned change achieved.",
    ),
    "help_schedule_ratio": (
        "实际增量 ÷ 按序时进度(时间过半、任务过半)应有的增量;规划期结束后不再计算。",
        "actual change ÷ the change expected by now on the planned path; not computed once the plan has ended.",
    ),
    # The story of one target in sentences (story.explain); {…} are filled in by the caller.
    "story_no_value": ("尚无实际值:请在“数据填报”页录入或上传。", "No actual value yet: enter or upload one on the data-entry pages."),
    "story_only_base": (
        "仅有基期({year}年)数据 {value},尚无基期以后的实际值,暂不评价进度。",
        "Only the base-year ({year}) value {value} so far: no progress to judge yet.",
    ),
    "story_schedule": (
        "按序时进度{year}年应达到 {expected},实际 {actual},完成序时进度的 {ratio}——{label}。",
        "On schedule, {year} should reach {expected}; actual {actual}, {ratio} of scheduled progress — {label}.",
    ),
    "story_actual": ("{year}年实际 {actual}——{label}。", "{year} actual {actual} — {label}."),
    "story_completion": (
        "目标完成度 {of_target}(实际值 ÷ 目标值 {target});增量完成度 {increment}(从基期 {baseline} 起)。",
        "Completion of target {of_target} (actual ÷ target {target}); of the increment {increment} (from the "
        "baseline {baseline}).",
    ),
    "story_completion_target_only": (
        "目标完成度 {of_target}(实际值 ÷ 目标值 {target});缺基期值,无增量完成度。",
        "Completion of target {of_target} (actual ÷ target {target}); no baseline, so no completion of increment.",
    ),
    "story_growth_completion": (
        "基期以来实际年均增长 {observed},目标年均增长 {planned}:目标完成度 {of_target}。",
        "Observed annual growth since the baseline {observed} against the planned {planned}: completion {of_target}.",
    ),
    "story_trend": (
        "基期以来年均增长 {observed}{required}——趋势研判:{label}。",
        "Annual growth since the baseline {observed}{required} — anticipated: {label}.",
    ),
    "story_trend_required": (",实现目标需年均 {required}", "; the target needs {required} a year"),
    "story_projection": (
        "按基期以来的年均增速推算,{gap}。", "At the annual growth observed since the baseline: {gap}.",
    ),
    "story_projection_within": (
        "(增长比 R = {ratio},在“有望实现”的容差之内)", " (growth ratio R = {ratio}, within the tolerance of "
        "“substantial progress”)",
    ),
    "story_projection_cumulative": ("按年均完成量推算,{gap}。", "At the average yearly amount so far: {gap}."),
    "story_required": (
        "从最新值出发,此后每年需增长 {growth} 才能如期实现。",
        "Growth needed per year from the latest value: {growth}.",
    ),
    "story_final": (
        "规划目标年 {year}年实际 {actual},目标 {target}——终期评估:{label}。",
        "Target year {year}: actual {actual}, target {target} — final evaluation: {label}.",
    ),
    "story_final_short": ("距目标还差 {gap}。", "Short of the target by {gap}."),
    "story_pending": (
        "缺{year}年(目标年)数据,暂无法终期评估——待评估。",
        "No value for the target year {year} yet: the final evaluation awaits it.",
    ),
    "story_pending_latest": (
        "最近的实际值为{year}年 {actual}(仅供参考,不作为评价依据)。",
        "The latest earlier value is {actual} in {year} (for reference, not the verdict).",
    ),
    "story_after_plan": (
        "规划期后:{values}(不计入评价)。", "After the plan: {values} (not used for the verdict).",
    ),
    "story_note": ("说明:{note}", "Note: {note}"),
    "story_qualitative": ("定性目标,不录入数值;评定结果:{label}。", "A qualitative target (no values): assessed as {label}."),
    "gap_above": ("预计{year}年 {projected},超出目标 {gap}", "Projected {year}: {projected}, above target by {gap}"),
    "gap_below": ("预计{year}年 {projected},距目标还差 {gap}", "Projected {year}: {projected}, short of target by {gap}"),
    "col_schedule_ratio": ("序时进度", "Schedule ratio"),
    "col_schedule": ("序时评价", "Schedule verdict"),
    "col_trend": ("趋势研判", "Anticipated verdict"),
    "col_target_value": ("目标值", "Target value"),
    "col_projected": ("预计目标年值", "Projected"),
    "pick_target": ("目标", "Target"),
    "explanation_title": ("评价说明", "What the verdicts mean here"),
    "quotes_title": ("原文出处", "Where the numbers come from"),
    "quote_source": ("原文", "source"),
    "quote_restated": ("正文复述", "restated in the text"),
    "history_title": ("数值修订记录", "Revision history"),
    "col_entered_by": ("录入人", "Entered by"),
    "col_entered_at": ("录入时间", "Entered at"),
    "col_batch": ("批次", "Batch"),
    "col_vintage": ("口径", "Vintage"),
    "col_current": ("当前值", "Current"),
    "col_reason": ("修订原因", "Reason"),
    "no_history": ("还没有该指标的实际值。", "No actual values for this indicator yet."),
    "compare_indicator": ("指标", "Indicator"),
    "compare_chart_title": ("各地区实际值与目标", "Actuals and targets by region"),
    "ranking_title": ("排名(按目标完成度)", "Ranking (by completion of target)"),
    "col_plan": ("规划", "Plan"),
    "structure_title": ("规划结构", "Plan structure"),
    "quote_in_context": ("原文上下文", "Quote in context"),
    "decomposition_title": ("分解目标与合计检查", "Decomposed targets and their sums"),
    "download_xlsx": ("下载 Excel(已排版)", "Download Excel (formatted)"),
    "evaluation_intro": (
        "可直接粘贴进汇报材料的评估表:规划期内为中期评估,规划期结束后为终期评估。",
        "The evaluation table to paste into reports: mid-term while the plan runs, final once it has ended.",
    ),
    "thresholds_title": ("当前使用的阈值", "Thresholds in force"),
    "col_setting": ("参数", "Setting"),
    "col_setting_value": ("数值", "Value"),
    "col_setting_meaning": ("含义", "Meaning"),
    "download_png": ("下载PNG", "Download PNG"),
    "download_overview_png": ("下载总览图(PNG)", "Download overview (PNG)"),
    "download_table_png": ("下载评估表图片(PNG)", "Download table (PNG)"),
    "export_zip": ("生成图片包(ZIP)", "Build picture pack (ZIP)"),
    "export_zip_running": ("正在生成图片…", "Rendering pictures…"),
    "download_zip": ("下载图片包", "Download ZIP"),
    "sign_in": ("登录", "Sign in"),
    "visitor": ("访客(只读)。填报和管理请先登录。", "Visitor (read-only). Sign in to enter data or administer."),
    "sign_in_intro": ("填报人员和管理员请用账户登录;查看看板无需登录。",
                      "Staff and administrators sign in here; the dashboard needs no sign-in."),
    "sign_in_sso": ("单点登录", "Single sign-on"),
    "sign_out": ("退出", "Sign out"),
    "username": ("账户名", "Account"),
    "password": ("密码", "Password"),
    "session_expired": ("登录已过期,请重新登录。", "Your session expired; please sign in again."),
    "no_accounts": (
        "尚无账户,应用为只读。创建首个管理员:`.venv/bin/python -m tracker user add admin --role admin`",
        "No accounts yet: the app is read-only. Create the first admin: "
        "`.venv/bin/python -m tracker user add admin --role admin`",
    ),
    "need_role": ("此页需要以“{role}”或更高角色登录(左侧栏登录)。", "This page needs a signed-in {role} or above."),
    "nav_section_admin": ("管理", "Administration"),
    "nav_accounts": ("账户管理", "Accounts"),
    "nav_audit": ("审计日志", "Audit trail"),
    "nav_settings": ("系统设置", "Settings"),
    "display_name": ("姓名", "Name"),
    "email": ("电子邮箱", "E-mail"),
    "role": ("角色", "Role"),
    "initial_password": ("初始密码(至少8位)", "Initial password (8+ characters)"),
    "new_password": ("新密码", "New password"),
    "account_add": ("新建账户", "Add account"),
    "account_added": ("已创建账户 {name}。", "Account {name} created."),
    "account_change": ("修改账户", "Change an account"),
    "save_role": ("保存角色", "Save role"),
    "reset_password": ("重设密码", "Reset password"),
    "password_reset": ("已重设 {name} 的密码。", "Password of {name} reset."),
    "disable_account": ("停用账户", "Disable account"),
    "enable_account": ("启用账户", "Enable account"),
    "audit_actor": ("操作人", "Actor"),
    "audit_time": ("时间", "Time"),
    "audit_object": ("对象", "Object"),
    "audit_detail": ("内容", "Detail"),
    "audit_action": ("操作", "Action"),
    "save_thresholds": ("保存阈值", "Save thresholds"),
    "thresholds_saved": ("阈值已保存,所有评价立即按新阈值计算。", "Saved; every verdict now uses the new thresholds."),
    "catalogue_refresh": ("从 seeds/ 刷新规划目录", "Refresh the catalogue from seeds/"),
    "catalogue_refresh_help": (
        "重新读取规划文本和目录文件,在一个事务中替换目录;已录入的实际值不受影响。",
        "Re-reads the plan texts and catalogue files and swaps the catalogue in one transaction; entered values "
        "are not touched.",
    ),
    "catalogue_refreshed": ("目录已刷新:{n} 个目标。", "Catalogue refreshed: {n} targets."),
    "qualitative_title": ("定性目标评定", "Assess this qualitative target"),
    "qualitative_help": ("定性目标没有数值,由填报人员根据实际情况评定,最新一次评定有效,历次评定都保留。",
                         "A qualitative target has no number: staff assess it; the latest assessment counts, all are kept."),
    "qualitative_status": ("评定结果", "Status"),
    "qualitative_note": ("依据/说明", "Evidence or note"),
    "qualitative_save": ("保存评定", "Save assessment"),
    "qualitative_saved": ("已保存评定。", "Assessment saved."),
    "all": ("全部", "All"),
    "all_kinds": ("全部类型", "All kinds"),
}

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
}


# The engine's notes: message code → (Chinese, English) with {parameters} (tracker.methodology.notes writes the codes).
NOTE_MESSAGES: dict[str, tuple[str, str]] = {
    "unknown_kind": ("未知目标类型,按水平值目标计算", "unknown target kind, judged as a level target"),
    "baseline_shifted": ("基期值取自{year}年({wanted}年无数据)", "baseline taken from {year} (no data for {wanted})"),
    "data_before_base": ("最新数据({year}年)早于基期({base}年)", "latest data ({year}) before the base year ({base})"),
    "after_plan": ("规划期后数据(至{year}年)不计入评价", "data after the plan (to {year}) not used for the verdict"),
    "linear_fallback": ("基期值或目标值≤0,按线性路径计算", "baseline or target ≤ 0: linear path used"),
    "target_equals_baseline": ("目标值等于基期值", "target equals the baseline"),
    "only_base_year": ("仅有基期数据", "only the base year's value so far"),
    "base_meets_target": ("基期值已达到目标", "the baseline already meets the target"),
    "stretch_met": ("已达力争目标", "stretch target met"),
    "floor_met_stretch_not": ("已达标,未达力争目标", "floor met, stretch target not"),
    "target_year_missing_latest": (
        "缺{year}年数据,最近为{latest}年数据", "no value for {year}; the latest is from {latest}",
    ),
    "target_year_missing": ("缺{year}年数据", "no value for {year}"),
    "relative_ratio": ("按与{region}同年实际值之比计算", "judged on the ratio to {region} in the same year"),
    "relative_ratio_other": (
        "按与{region}“{indicator}”同年实际值之比计算", "judged on the ratio to {region}'s “{indicator}” in the same year",
    ),
    "relative_no_common_year": ("本地区与参照地区无同年数据", "no year with values for both regions"),
    "relative_reference_missing": (
        "参照地区无{year}年数据,按两地共有的{common}年数据比较", "no reference value for {year}: compared in {common}",
    ),
    "above_band": ("高于目标区间上限", "above the target range"),
    "below_band": ("低于目标区间下限", "below the target range"),
    "cumulative_missing_years": ("累计值缺{n}年数据", "the sum lacks {n} year(s) of data"),
    "no_baseline": ("缺基期值:规划文本未给出,基期及以后亦无实际值", "no baseline: none stated, no value from the base year on"),
    "invalid_baseline": ("基期值≤0,增长率或翻番目标无定义", "baseline ≤ 0: a growth or doubling target is undefined"),
    "no_target_year": ("缺目标年份", "no target year"),
    "single_point": ("仅一个数据点,无法研判趋势", "one data point: no trend can be judged"),
    "opposite_signs": ("基期值与最新值符号相反,无法计算增长率", "baseline and latest value differ in sign: no growth rate"),
    "target_opposite_sign": (
        "基期值与目标值符号相反,无法计算所需增长率", "baseline and target differ in sign: no required growth rate",
    ),
    "bad_horizon": ("目标年份不晚于基期,无法研判趋势", "target year not after the base year: no trend"),
    "zero_baseline_trend": ("基期值为0:趋势研判按sdg-build以0.001代替", "zero baseline: the trend uses 0.001 (as sdg-build)"),
    "years_met": ("{met}/{years}年达标", "met in {met} of {years} years"),
    "missing_years": ("缺{n}年数据", "{n} year(s) without data"),
    "qualitative_unassessed": ("定性目标,尚未人工评定", "qualitative target, not assessed yet"),
    "assessment_note": ("{text}", "{text}"),
    "assessed_by": ("评定人:{text}", "assessed by {text}"),
    "borrowed_baseline": ("基期值取自其他规划的陈述({source})", "baseline stated by another plan ({source})"),
}
_NOTE_SEPARATOR, _PARAM_SEPARATOR = "\x1e", "\x1f"


def render_notes(coded: str | None, lang: str = "zh") -> str:
    """The engine's coded notes in a language, joined with "；" (Chinese) or "; " (English)."""
    if not isinstance(coded, str) or not coded:
        return ""
    lines = []
    for note in coded.split(_NOTE_SEPARATOR):
        code, *pairs = note.split(_PARAM_SEPARATOR)
        params = dict(pair.split("=", 1) for pair in pairs)
        template = NOTE_MESSAGES.get(code)
        lines.append(code if template is None else (template[1] if lang == "en" else template[0]).format(**params))
    return ("; " if lang == "en" else "；").join(lines)


def t(key: str, lang: str = "zh") -> str:
    """The string for key in lang ('zh' or 'en')."""
    zh, en = STRINGS[key]
    return en if lang == "en" else zh


def label(table: dict[str, tuple[str, str]], code: str | None, lang: str = "zh") -> str:
    """Translate a code through one of the label tables; unknown codes are shown as they are."""
    if code is None:
        return ""
    pair = table.get(code)
    return code if pair is None else (pair[1] if lang == "en" else pair[0])


def _num(value) -> str:
    """A number inside a target's reading: the one formatter's, "?" where the catalogue gives none."""
    from tracker.formatting import is_missing, number

    return "?" if is_missing(value) else number(value)


def describe_target(row, lang: str = "zh") -> str:
    """A short reading of one target, e.g. '≥ 3,000 家', '2–3 个', '> 2.2 %(力争 2.5)', '年均增长 ≥ 12 %'."""
    unit = row.get("unit") or ""
    kind, comp = row.get("kind"), COMPARATOR_SIGNS.get(row.get("comparator"), row.get("comparator") or "")
    value = _num(row.get("target_value"))
    en = lang == "en"
    per_year = (" / year" if en else "/年") if row.get("basis") == "per_year" else ""
    cumulative = (" in total" if en else "(累计)") if row.get("basis") == "cumulative" else ""
    if kind == "qualitative":
        return "qualitative (status set by a person)" if en else "定性目标(人工判定)"
    if kind == "coverage":
        return "full coverage (100 %)" if en else "全覆盖(100%)"
    if kind == "range":
        return f"{value}–{_num(row.get('target_value_hi'))} {unit}{per_year}{cumulative}"
    if kind == "floor_stretch":
        stretch = _num(row.get("stretch_value"))
        return f"{comp} {value} {unit}" + (f" (stretch {stretch})" if en else f"(力争 {stretch})")
    if kind == "growth":
        rate = _num(row.get("growth_rate"))
        return f"annual growth {comp} {rate} %" if en else f"年均增长 {comp} {rate}%"
    if kind == "doubling":
        multiple = _num(row.get("multiple"))
        base = row.get("baseline_value")
        tail = f" = {value} {unit}" if base is not None and not _isnan(base) else ""
        return (f"{multiple} × baseline{tail}" if en else f"{multiple} 倍于基期(翻番){tail}")
    if kind == "relative":
        margin = _num(row.get("relative_margin"))
        other = row.get("relative_to_region") or ""
        if en:
            return f"{comp} {other} average" + (f" + {margin} %" if row.get("relative_margin") else "")
        return f"{comp} {other}平均水平" + (f"(高出 {margin}% 以上)" if row.get("relative_margin") else "")
    return f"{comp} {value} {unit}{per_year}{cumulative}".strip()


def _isnan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)
