"""Message codes with {parameters}: the engine's notes and the validator's problems, in both languages."""

from __future__ import annotations

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


# Why a proposed target (tracker.intake) has the confidence it has: reason code → (Chinese, English). The English
# may quote the Chinese words a rule reads.
REASON_MESSAGES: dict[str, tuple[str, str]] = {
    "table_row": ("来自指标表的一行", "a row of an indicator table"),
    "unit_repaired": ("表中单位缺右括号,已补全", "the unit's closing bracket was missing in the table"),
    "comparator_word": ("有比较用语(以上、达到、超过、左右等)", "a comparator word (以上, 达到, 超过, 左右 …)"),
    "growth_word": ("年均/每年增长率", "an annual growth rate (年均/每年)"),
    "change_in_year": ("当年变化率,按增长率目标读取", "a change within the year, read as a growth target"),
    "change_over_plan": ("未写“年均”的多年变化,按规划期累计变化读取",
                                "a change over several years without 年均, read as the change over the plan"),
    "change_amount": ("增减的数量(非百分比),按累计变化读取", "an amount of change (not a rate), read as cumulative"),
    "per_year_word": ("有“每年”,按每年目标读取", "每年: each year's flow is the target"),
    "cumulative_word": ("有“累计/期间”等,按累计目标读取", "累计 or a period: a sum over the plan"),
    "kind_from_verb": ("新增、引进、实施等动词,按规划期累计读取", "a verb of making or doing (新增, 引进, 实施 …): summed over the plan"),
    "range": ("数值区间", "a range"),
    "stretch_merged": ("底线与力争目标合为一条", "floor and stretch read as one target"),
    "doubling_word": ("翻番", "doubling (翻番)"),
    "coverage_word": ("全覆盖(100%)", "full coverage (100 %)"),
    "relative_word": ("相对平均水平的目标", "relative to an average"),
    "baseline_stated": ("句中给出基期值(从…提高到…)", "the sentence states the baseline (从… 提高到 …)"),
    "subjects_split": ("一句含多个指标,已拆分", "several indicators in one sentence, split"),
    "subject_shared": ("指标名称取自同句相邻的数值", "the indicator's name taken from the next or previous number"),
    "subject_inherited": ("指标名称取自前一分句", "the indicator's name taken from the clause before"),
    "no_subject": ("未识别出指标名称", "no indicator name found"),
    "chinese_numeral": ("数字以汉字书写", "the number is written in Chinese numerals"),
    "target_marker": ("有目标用语(力争、到…年、今年、预期等)", "target wording (力争, 到…年, 今年, 预期 …)"),
    "no_target_cue": ("句中没有表示目标的用语", "no wording that marks a target"),
    "review_section": ("位于回顾/发展基础部分,按已有数据读取", "in a review section: read as a stated value"),
    "past_year": ("所指年份早于规划期,按已有数据读取", "the year is before the plan: read as a stated value"),
    "past_marker": ("有过去时用语(已、了、去年等),按已有数据读取", "past-tense wording (已, 了, 去年 …): a stated value"),
    "explicit_year": ("目标年份见于本句或本段", "the target year is in the sentence or its paragraph"),
    "section_year": ("目标年份取自章节标题", "the target year comes from the section heading"),
    "plan_year": ("“今年”,取规划年度", "今年: the plan's year"),
    "horizon_year": ("未写年份,取规划期末", "no year written: the plan's last year"),
    "indicator_exact": ("与已有指标名称相同", "the name of an existing indicator"),
    "indicator_alias": ("与已有指标的别名相同", "an alias of an existing indicator"),
    "indicator_contained": ("包含已有指标名称", "contains an existing indicator's name"),
    "indicator_closest": ("与已有指标名称相近,请核对", "close to an existing indicator's name: please check"),
    "restated": ("文中另有重复表述,只保留一条", "restated elsewhere in the text: kept once"),
}


# How a problem's parameters travel in one string (the problems frame's params column): name=value pairs apart by
# PARAM_SEPARATOR; a list's items apart by LIST_SEPARATOR; a labelled item as code PAIR_SEPARATOR value.
PARAM_SEPARATOR, LIST_SEPARATOR, PAIR_SEPARATOR = "\x1f", "\x1c", "\x1d"

# The validator's and the file reader's problems: code → (Chinese, English). A [bracketed] part is shown only
# when every parameter inside it has a value.
PROBLEM_MESSAGES: dict[str, tuple[str, str]] = {
    # values
    "not_a_number": ("不是数字:请只填写数值(可带单位,如 2.11%、1,450家;缺失请留空或填“—”)",
                     "Not a number: enter the number only (a unit is allowed, e.g. 2.11%, 1,450家; leave it blank "
                     "or write “—” when there is none)"),
    "qualitative": ("定性指标不接受数值:请在目标目录中设定其状态",
                    "A qualitative indicator takes no number: assess it on the indicator page"),
    "negative": ("数值不能为负数", "The value cannot be negative"),
    "percent_over_100": ("百分比不能超过 100(2.5 表示 2.5%)", "A percentage cannot exceed 100 (2.5 means 2.5 %)"),
    "approximate": ("数值带有修饰词“{qualifier}”,按 {value} 记录", "The value carries “{qualifier}”: recorded as {value}"),
    "jump": ("与上年({year}年)的 {previous} {unit} 相比变化 {change},请核对"
             "[;若单元格是 Excel 百分比格式,读到的是小数({fraction} = {percent}%),请填写 {percent}]",
             "A change of {change} against {year}'s {previous} {unit}: please check"
             "[; if the cell is formatted as an Excel percentage it reads as a fraction ({fraction} = {percent}%): "
             "enter {percent}]"),
    "excel_error": ("单元格是 Excel 错误值(公式无法计算):请改正公式或直接填写数值",
                    "The cell holds an Excel error value (its formula failed): fix the formula or enter the number"),
    "digit_lookalike": ("「{character}」看起来像数字,但不是普通数字字符:请用 0—9 填写数值",
                        "“{character}” looks like a digit but is not one: write the number with 0–9"),
    "space_in_number": ("数字中间有空格,无法确定数值(如“24 1.5”是 241.5 还是 24 和 1.5):请去掉空格或分开填写",
                        "A space inside the number makes it ambiguous (is “24 1.5” 241.5, or 24 and 1.5?): remove "
                        "the space or split the cell"),
    "absurd_magnitude": ("数值过大或不是有限数(绝对值超过 {limit}):请检查单位和小数点",
                         "The number is infinite or implausibly large (beyond {limit}): check the unit and the "
                         "decimal point"),
    "unusual_value": ("数值 {value} {unit} 与{year}年的 {reference} {unit} 相差约 {factor} 倍,可能是单位或小数点错误"
                      "[;若单元格是百分比格式或按小数填写,应填 {percent}]。"
                      "确认无误请勾选“确认异常数值”(命令行 --confirm-unusual)",
                      "The value {value} {unit} is about {factor} times off {year}'s {reference} {unit}: a slip of "
                      "unit or decimal point?[ If the cell is a percentage written as a fraction, enter {percent}.]"
                      " If it is right, tick “confirm unusual values” "
                      "(--confirm-unusual on the command line)"),
    "unusual_scale": ("数值 {value} {unit} 与该指标的常见水平(中位数 {reference} {unit})相差约 {factor} 倍"
                      "[;若按小数填写了百分比,应填 {percent}]。"
                      "确认无误请勾选“确认异常数值”(命令行 --confirm-unusual)",
                      "The value {value} {unit} is about {factor} times off the indicator's usual level (median "
                      "{reference} {unit})[; a percentage written as a fraction would be {percent}]"
                      ". If it is right, tick “confirm unusual values” "
                      "(--confirm-unusual on the command line)"),
    "year_locked": ("《{plan}》{year}年已审核锁定,此数值不能修改;如需修改,请审核人先在“数据审核”页解锁该年度(须填写原因)",
                    "{plan} {year} is approved and locked: this value cannot change; a reviewer must unlock that "
                    "year on the Review values page first (with a reason)"),
    "replaces_stated": ("此数值将替换规划文本陈述的 {old} {unit}。"
                        "确认要替换请勾选“确认替换规划文本数值”(命令行 --confirm-stated)",
                        "This replaces the {old} {unit} the plan text states."
                        " To replace it, tick “confirm replacing stated values” (--confirm-stated on the command "
                        "line)"),
    "unusual_value_confirmed": ("数值 {value} {unit} 与{year}年的 {reference} {unit} 相差约 {factor} 倍,已确认按此写入",
                                "The value {value} {unit} is about {factor} times off {year}'s {reference} {unit}: "
                                "confirmed, written as it is"),
    "unusual_scale_confirmed": ("数值 {value} {unit} 与该指标的常见水平(中位数 {reference} {unit})相差约 {factor} 倍,"
                                "已确认按此写入",
                                "The value {value} {unit} is about {factor} times off the indicator's usual level "
                                "(median {reference} {unit}): confirmed, written as it is"),
    "replaces_stated_confirmed": ("此数值替换规划文本陈述的 {old} {unit}(已确认);原数值保留在修订历史中",
                                  "This replaces the {old} {unit} the plan text states (confirmed); the stated value "
                                  "stays in the revision history"),
    # names, years, vintage
    "missing_region": ("缺少地区:请填写地区(或在上传时选择默认地区)",
                       "No region: fill it in (or choose a default region when uploading)"),
    "missing_indicator": ("缺少指标:请填写指标", "No indicator: fill it in"),
    "unknown_region": ("未知地区「{text}」[;最接近的名称:{closest}]", "Unknown region “{text}”[; closest: {closest}]"),
    "base_not_in_region": ("本行基地「{base}」属于{parent},与本行地区「{text}」不符:请核对地区或基地,改正前不写入",
                           "This row's base “{base}” belongs to {parent}, not to the row's region “{text}”: check the "
                           "region or the base; nothing is written until it is corrected"),
    "unknown_indicator": ("未知指标「{text}」[;最接近的名称:{closest}]",
                          "Unknown indicator “{text}”[; closest: {closest}]"),
    "missing_year": ("缺少年份:请填写年份(如 2016)", "No year: fill it in (e.g. 2016)"),
    "bad_year": ("年份无法识别:请写成 2016 或 2016年", "The year cannot be read: write 2016 or 2016年"),
    "year_out_of_range": ("年份超出范围:实际值的年份应在 {min}—{max} 年之间",
                          "Year out of range: an actual value's year lies between {min} and {max}"),
    "bad_vintage": ("快报/年报列只能填写「快报」或「年报」", "The provisional/final column takes only 快报 or 年报"),
    # units
    "unknown_unit": ("无法识别的单位「{unit}」(来自{where})", "Unit “{unit}” not recognised (from {where})"),
    "unit_conflict": ("单位前后不一致:{places}", "The units disagree: {places}"),
    "wrong_unit": ("单位「{unit}」与指标的单位「{expected}」不一致(来自{where}),请换算后再填",
                   "Unit “{unit}” is not the indicator's unit “{expected}” (from {where}): convert it first"),
    "unit_converted": ("单位是「{unit}」,已按 1 {unit} = {factor} {expected} 换算为 {value} {expected}",
                       "The unit is “{unit}”: converted at 1 {unit} = {factor} {expected} to {value} {expected}"),
    # rows of a file
    "duplicate_conflict": ("同一地区、指标、年份在文件中出现多次且数值不同({cells}[,共 {n} 处]):请只保留一个",
                           "The same region, indicator and year appear more than once with different values "
                           "({cells}[, {n} cells in all]): keep one"),
    "duplicate_same": ("重复行({cells}[,共 {n} 处]),数值相同,只写入一次",
                       "Repeated row ({cells}[, {n} cells in all]) with the same value: written once"),
    "merged_value": ("数值单元格被合并({range}),无法确定数值属于哪一年或哪一行:请取消合并,分别填写每个数值",
                     "The value cells are merged ({range}): which year or row the value belongs to is unclear. "
                     "Unmerge them and fill in each value"),
    "csv_extra_fields": ("这一行有 {n} 个字段,表头只有 {header} 个:多出的内容未读取。常见原因是数字中的千位逗号"
                         "(如 2,504)没有加引号;请去掉千位逗号或给该字段加引号",
                         "This line has {n} fields, the header {header}: the extra ones are not read. Usually a "
                         "thousands comma (2,504) without quotes: remove the comma or quote the field"),
    "bad_year_header": ("列标题「{header}」像年份,但不是可识别的年份,该列的数值未读取:请写成四位年份,如 2018 或 2018年",
                        "The column title “{header}” looks like a year but cannot be read as one, so its values "
                        "are not read: write a four-digit year such as 2018 or 2018年"),
    "unused_column": ("列「{header}」有数值,但不属于所识别的表格,未读取;如需导入,请按模板调整表头",
                      "Column “{header}” holds numbers but is not part of the table that was read: not imported. "
                      "Adjust the header (see the template) to import it"),
    "unused_sheet": ("工作表「{name}」[{state}]有数值,但没有可识别的表头,未读取",
                     "Sheet “{name}”[{state}] holds numbers but has no recognisable header: not read"),
    "hidden_sheet_read": ("读取的工作表「{name}」是隐藏工作表,请确认这是要导入的数据",
                          "The sheet read, “{name}”, is hidden: please confirm it holds the data to import"),
    "hidden_rows": ("工作表「{name}」有 {n} 个隐藏行的数值也已读取(第 {rows} 行),请确认",
                    "{n} hidden rows of “{name}” were read as well (rows {rows}): please confirm"),
    "hidden_columns": ("工作表「{name}」的隐藏列 {columns} 也已读取,请确认",
                       "Hidden columns {columns} of “{name}” were read as well: please confirm"),
    "extension_mismatch": ("文件扩展名是「{suffix}」,但内容是{format}:已按其内容读取;请改正扩展名",
                           "The file is named “{suffix}” but holds {format}: read as what it holds. Please correct "
                           "the extension"),
    # the file as a whole
    "same_file": ("同一文件(内容完全相同)已于 {at} 由 {by} 上传,批次 {batch}({state});与当前值相同的数值不会重复写入",
                  "The identical file was uploaded on {at} by {by} as batch {batch} ({state}); values equal to the "
                  "current ones are not written again"),
    "no_header": ("找不到表头:需要含「指标」和「数值」的列(长表),或以年份为列标题的「指标」表(宽表),"
                  "或以指标名称为列标题、含「年份」或「地区」列的表",
                  "No header found: the sheet needs 指标 and 数值 columns (long), an 指标 column with years as "
                  "column titles (wide), or indicators as column titles with a 年份 or 地区 column"),
    "sheets_per_unit": ("文件中 {n} 个工作表各对应一个单位,已全部读取:{sheets}(表内未填地区的行按工作表名称的单位处理)",
                        "Each of the file's {n} sheets is one unit's and all were read: {sheets} (rows without a "
                        "region are that sheet's unit)"),
    "several_sheets": ("文件中有 {n} 个可识别的工作表({sheets}),已读取「{chosen}」;如需读取其他工作表,请选择工作表"
                       "(命令行用 --sheet)",
                       "The file has {n} readable sheets ({sheets}); “{chosen}” was read. Choose another sheet to "
                       "read it (--sheet on the command line)"),
    "region_assumed": ("表中没有地区列,全部数值按地区「{value}」处理(来自{origin}),请确认",
                       "The table has no region column: every value is taken as “{value}” (from {origin}); "
                       "please confirm"),
    "year_assumed": ("表中没有年份列,全部数值按年份「{value}」处理(来自{origin}),请确认",
                     "The table has no year column: every value is taken as {value} (from {origin}); please confirm"),
    "formula_without_value": ("公式没有保存计算结果(文件可能由程序生成、未在 Excel 中打开保存),按空白处理;"
                              "请在 Excel 中打开并保存后再上传",
                              "The formula has no saved result (the file was probably written by a program and "
                              "never saved in Excel): read as blank. Open and save it in Excel, then upload again"),
    "formulas_without_value_more": ("另有 {n} 个公式单元格没有计算结果", "{n} more formula cells have no result"),
    # files that cannot be read at all
    "empty_file": ("文件是空的", "The file is empty"),
    "unsupported_type": ("不支持的文件类型「{suffix}」:请上传 .xlsx 或 .csv 文件",
                         "File type “{suffix}” is not supported: upload an .xlsx or .csv file"),
    "no_such_sheet": ("文件中没有名为「{sheet}」的工作表(有:{sheets})",
                      "The file has no sheet “{sheet}” (it has: {sheets})"),
    "bad_excel": ("无法打开 Excel 文件(文件可能已损坏或不是 Excel 格式):{detail}",
                  "The Excel file cannot be opened (damaged, or not Excel): {detail}"),
    "bad_sheet": ("无法读取工作表「{sheet}」:{detail}", "Sheet “{sheet}” cannot be read: {detail}"),
    "not_a_spreadsheet": ("文件扩展名是「{suffix}」,但内容是{format},不是表格:请上传 .xlsx 或 .csv 文件",
                          "The file is named “{suffix}” but holds {format}, not a spreadsheet: upload an .xlsx or "
                          ".csv file"),
    "password_protected": ("文件设有打开密码(已加密),无法读取:请在 Excel 中打开,于“文件 → 信息 → 保护工作簿”中删除密码"
                           "后另存,再上传",
                           "The file is password-protected (encrypted) and cannot be read: open it in Excel, remove "
                           "the password (File → Info → Protect Workbook), save and upload again"),
    "not_text": ("文件不是文本格式的 CSV(含有二进制内容):请上传 .xlsx,或在 Excel 中另存为“CSV UTF-8”",
                 "The file is not a text CSV (it holds binary data): upload the .xlsx, or save as “CSV UTF-8” in "
                 "Excel"),
    "csv_damaged": ("CSV 文件第 {row} 行无法解析({detail}):请检查引号是否成对",
                    "Line {row} of the CSV file cannot be parsed ({detail}): check that quotes are paired"),
    "cell_too_long": ("第 {row} 行有一个字段超过 {limit} 个字符(Excel 单元格的上限),文件未读取:请检查引号是否成对",
                      "A field on line {row} is longer than {limit} characters (an Excel cell's limit): the file "
                      "was not read. Check that quotes are paired"),
    "file_too_large": ("文件太大({size}),上限为 {limit}:请只保留需要导入的工作表和数据,或分成几个文件上传",
                       "The file is too large ({size}; the limit is {limit}): keep only the sheets and rows to "
                       "import, or split it into several files"),
    "too_many_rows": ("工作表「{sheet}」有 {rows} 行,上限为 {limit} 行:请删除多余的行(含格式化的空行)或分成几个文件",
                      "Sheet “{sheet}” has {rows} rows; the limit is {limit}: delete the extra rows (formatted "
                      "empty rows too) or split the file"),
    "too_many_columns": ("工作表「{sheet}」有 {columns} 列,上限为 {limit} 列:请删除多余的列,或检查分隔符",
                         "Sheet “{sheet}” has {columns} columns; the limit is {limit}: delete the extra columns, "
                         "or check the delimiter"),
    "too_many_cells": ("工作表「{sheet}」的使用范围({range})有 {cells} 个单元格,上限为 {limit}:"
                       "多半是远处的单元格有内容或格式;请删除表格以外的行列后另存",
                       "The used range of sheet “{sheet}” ({range}) has {cells} cells; the limit is {limit}. "
                       "Usually a far-away cell holds something: delete the rows and columns outside the table and "
                       "save again"),
    "sheet_xml_too_large": ("工作表「{sheet}」解压后超过 {limit},文件未读取",
                            "Sheet “{sheet}” is larger than {limit} uncompressed: the file was not read"),
    "reader_timeout": ("读取文件超过 {seconds} 秒,已停止:请删除不需要的工作表和数据后重试",
                       "Reading the file took more than {seconds} s and was stopped: remove the sheets and data "
                       "you do not need and try again"),
    "reader_out_of_memory": ("读取文件所需内存超过 {limit},已停止(其他用户不受影响):请删除表格以外的内容或分成几个文件",
                             "Reading the file needed more than {limit} of memory and was stopped (nobody else "
                             "is affected): remove what lies outside the table or split the file"),
    "reader_crashed": ("读取文件时读取程序异常退出(状态 {status}),文件可能已损坏:请在 Excel 中打开并另存后重试",
                       "The reader stopped unexpectedly (status {status}); the file may be damaged: open and save "
                       "it in Excel and try again"),
    "reader_failed": ("读取文件时出错({detail}):请在 Excel 中打开并另存后重试;若仍出错,请把文件交给管理员",
                      "Reading the file failed ({detail}): open and save it in Excel and try again; if it still "
                      "fails, pass the file to the administrator"),
    "csv_encoding": ("无法识别 CSV 文件的编码(已尝试 UTF-8、UTF-16、GBK/GB18030、Big5):请在 Excel 中另存为"
                     "“CSV UTF-8”,或直接上传 .xlsx",
                     "The CSV file's encoding is not recognised (tried UTF-8, UTF-16, GBK/GB18030, Big5): save it "
                     "as “CSV UTF-8” in Excel, or upload the .xlsx"),
    # intake: a plan document whose text cannot be read (tracker.intake.errors.UnreadableDocument)
    "document_empty": ("文件「{name}」是空的", "The file “{name}” is empty"),
    "document_unsupported_type": ("不支持的文件类型「{suffix}」(「{name}」):请上传 .docx、.pdf、.txt 或 .html 文件,或直接粘贴文本",
                                  "File type “{suffix}” (“{name}”) is not supported: upload a .docx, .pdf, .txt or "
                                  ".html file, or paste the text"),
    "document_legacy_word": ("「{name}」是旧版 Word(.doc)文件或加密的 Word 文件:请在 Word 中另存为 .docx 后上传",
                             "“{name}” is an old Word (.doc) file or an encrypted Word file: save it as .docx in Word "
                             "and upload that"),
    "document_too_large": ("文件太大({size}),上限为 {limit}", "The file is too large ({size}; the limit is {limit})"),
    "document_encoding": ("无法识别「{name}」的文字编码(已尝试 UTF-8、GB18030、Big5):请另存为 UTF-8 文本",
                          "The text encoding of “{name}” is not recognised (tried UTF-8, GB18030, Big5): save it as "
                          "UTF-8 text"),
    "document_damaged": ("无法打开「{name}」(文件可能已损坏):{detail}", "“{name}” cannot be opened (damaged?): {detail}"),
    "document_encrypted": ("「{name}」设有密码(已加密),无法读取:请去掉密码后再上传",
                           "“{name}” is password-protected (encrypted) and cannot be read: remove the password and "
                           "upload again"),
    "document_scanned_pdf": ("「{name}」是扫描件,{pages} 页均没有文字层,无法读取文字:请上传可复制文字的 PDF 或 Word 原件,"
                             "或粘贴文本",
                             "“{name}” is a scan: none of its {pages} pages has a text layer. Upload a PDF whose text "
                             "can be copied, or the Word original, or paste the text"),
    "document_no_text": ("「{name}」中没有可读取的文字", "“{name}” holds no text that can be read"),
    # new plan: the review check (tracker.intake.review) and the indicator-table reader (tracker.intake.indicator_table)
    "plan_field_missing": ("必须填写", "is required"),
    "plan_year_implausible": ("年份 {year} 不合理", "year {year} is not plausible"),
    "plan_period_reversed": ("规划期起始年 {start} 晚于目标年 {end}", "the plan starts ({start}) after it ends ({end})"),
    "plan_base_after_start": ("基期年 {base} 晚于规划起始年 {start}", "the base year {base} is after the start year {start}"),
    "plan_same_document": ("同一文本已作为规划「{plan}」({plan_id})录入,不能重复录入;如需修改请在下方更正该规划",
                           "the same text is already stored as the plan “{plan}” ({plan_id}); correct that plan "
                           "below instead of adding it again"),
    "plan_same_as_seed": ("同一文本已是目录中的规划「{plan}」({plan_id}):确认确实要另行录入",
                          "the same text is already the catalogue's plan “{plan}” ({plan_id}): make sure you want "
                          "to add it again"),
    "plan_nothing_accepted": ("没有采纳任何一行:请至少采纳一个目标或陈述值",
                              "no row is accepted: accept at least one target or stated value"),
    "plan_quote_missing": ("原文摘句不能为空", "the quote cannot be empty"),
    "plan_quote_not_in_text": ("原文摘句「{quote}」不是文档原文的一部分(须与原文逐字一致)",
                               "the quote “{quote}” is not part of the document's text (it must match it exactly)"),
    "plan_choice_unknown": ("不认识「{value}」,请从下拉列表中选择", "“{value}” is not one of the choices"),
    "plan_stated_value_missing": ("陈述值须填写数值", "a stated value needs its number"),
    "plan_stated_year_missing": ("陈述值须填写年份(基期年)", "a stated value needs its year (base year)"),
    "plan_stated_year_after_plan": ("陈述值年份 {year} 晚于规划目标年 {end}",
                                    "the stated value's year {year} is after the plan's end {end}"),
    "plan_new_indicator_unit": ("新指标「{indicator}」须填写单位", "the new indicator “{indicator}” needs a unit"),
    "plan_unit_differs": ("单位「{unit}」与指标「{indicator}」的单位「{expected}」不一致",
                          "the unit “{unit}” differs from the unit of “{indicator}” ({expected})"),
    "plan_value_missing": ("目标类型“{kind}”须填写此项", "a target of kind “{kind}” needs this value"),
    "plan_range_needs_hi": ("区间目标的上限须大于下限 {value}", "a range needs an upper bound above {value}"),
    "plan_relative_region": ("对比地区「{value}」不是已知地区", "the reference region “{value}” is not a known region"),
    "plan_year_outside": ("目标年份 {year} 不在规划期 {start}—{end} 内",
                          "the target year {year} is outside the plan period {start}–{end}"),
    "plan_baseline_not_before": ("基期年 {base} 须早于目标年 {year}", "the base year {base} must be before the target year {year}"),
    "plan_duplicate_target": ("第 {rows} 行对「{subject}」同一年提出了不同的目标值,请核对",
                              "rows {rows} ask different values of “{subject}” in the same year: check them"),
    "plan_same_row": ("与第 {first} 行是同一句的同一目标", "the same target of the same sentence as row {first}"),
    "plan_unknown_region": ("地区「{region}」不在地区表中,请从已有地区中选择",
                            "the region “{region}” is not known: choose one of the known regions"),
    "plan_nothing_changed": ("规划信息没有变化,未保存", "nothing in the plan's details changed: not saved"),
    "plan_new_region": ("将新建地区「{region}」", "the region “{region}” will be created"),
    "plan_new_indicator": ("将新建指标「{indicator}」", "the indicator “{indicator}” will be created"),
    "plan_stated_twice": ("{region} {indicator} {year}年陈述了两个不同的数值", "{region} {indicator} {year}: two different stated values"),
    "plan_target_not_above_baseline": ("第 {rows} 行「{subject}」的目标不高于其基期值,请核对指标与基期",
                                       "row {rows} “{subject}”: the target asks no more than its baseline; check "
                                       "the indicator and the baseline"),
    "plan_unknown_plan": ("没有编号为 {plan_id} 的人工新增规划", "there is no reviewed plan {plan_id}"),
    "plan_unknown_target": ("规划 {plan_id} 中没有目标 {target_id}", "the plan {plan_id} has no target {target_id}"),
    "plan_reason_missing": ("请填写更正或停用的原因", "give the reason for the correction or retirement"),
    "table_no_header": ("在「{name}」中找不到指标表的表头(须有“指标”列和“目标值”或年份列)",
                        "no indicator-table header found in “{name}” (it needs an 指标 column and a 目标值 or year "
                        "column)"),
    "table_no_rows": ("「{name}」的指标表没有可读取的行", "the indicator table in “{name}” has no rows that can be read"),
    "table_unreadable": ("无法读取 Excel 文件「{name}」:{detail}", "the Excel file “{name}” cannot be read: {detail}"),
}

# Parameters that carry a code of tracker.i18n.labels.DATA_LABELS (a place in the file, a batch state, where a
# default came from, what a file holds) rather than data, so that they are translated too.
CODED_PARAMETERS = frozenset({"where", "state", "origin", "format"})
