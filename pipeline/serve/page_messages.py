"""The messages of the page templates (pages/*.html), marked for `make messages`.

The templates call `_("…")` with the request's translator; Babel's extraction (pipeline/locale/babel.cfg)
reads Python only, so every template message is listed here as well. A test checks that this list and
the templates agree, and that every message has its English entry.
"""

from __future__ import annotations

from pipeline.common.i18n import N_

PAGE_MESSAGES = {
    "access_log.html": (
        N_("访问记录"),
        N_("谁在何时、从哪里上传、生成、查看、下载或删除了哪个批次。只记录批次和案件编号，不记录姓名、身份证号或手机号；批次删除后记录仍保留。"),
        N_("时间"),
        N_("用户"),
        N_("地址"),
        N_("操作"),
        N_("批次"),
        N_("案件编号"),
        N_("文件"),
    ),
    "base.html": (
        N_("协商还款材料"),
        N_("我的批次"),
        N_("新建批次"),
        N_("访问记录"),
        N_("退出"),
    ),
    "batches.html": (
        N_("我的批次"),
        N_("已删除 {time} 上传的批次及其全部文件。"),
        N_("批次完成 {days} 天后，服务器会自动删除它和它的全部文件（含生成的材料）；请及时下载需要保留的材料。"),
        N_("新建批次：上传案件表"),
        N_("上传时间"),
        N_("文件"),
        N_("材料日期"),
        N_("状态"),
        N_("行数"),
        N_("完成时间"),
        N_("操作"),
        N_("删除…"),
        N_("还没有批次。"),
    ),
    "checked.html": (
        N_("检查结果"),
        N_("文件：{source}；材料日期：{date}"),
        N_("共{rows}行：可以生成{ok}行，有问题{invalid}行"),
        N_("生成材料"),
        N_("有问题的行不会生成材料；也可以先改正表格，再重新上传。"),
        N_("没有可以生成的行：请改正表格后重新上传。"),
        N_("行"),
        N_("案件编号"),
        N_("状态"),
        N_("问题"),
        N_("提示："),
    ),
    "checking.html": (
        N_("正在检查案件表"),
        N_("检查完成后这个页面会自动显示结果。"),
    ),
    "delete.html": (
        N_("删除这个批次？"),
        N_("文件"),
        N_("上传时间"),
        N_("材料日期"),
        N_("状态"),
        N_("行数"),
        N_("将删除上传的案件表、证明材料和已生成的全部材料，无法恢复。"),
        N_("这个批次正在生成：删除会先停止生成。如只想暂停，请返回后点“停止生成”。"),
        N_("确认删除"),
        N_("取消，返回批次"),
    ),
    "error.html": (
        N_("出错了"),
        N_("返回首页"),
    ),
    "login.html": (
        N_("登录"),
        N_("用户名"),
        N_("密码"),
        N_("账户由管理员在服务器上用 packets user add 创建。"),
    ),
    "macros.html": (
        N_("上一页"),
        N_("第 {page} 页"),
        N_("下一页"),
        N_("删除这个批次及其全部文件…"),
        N_("提示：{notice}"),
    ),
    "new.html": (
        N_("新建批次"),
        N_("案件表（Excel .xlsx 或 CSV）"),
        N_("大小上限 {limit} MB；用 packets init 生成的空白表格填写最方便。"),
        N_("证明材料扫描件（可选，一个 .zip 压缩包）"),
        N_("压缩包中的路径要与表格“证明文件”列中写的相同，如 scans/张三-银行流水.pdf；大小上限 {limit} MB。"),
        N_("材料日期"),
        N_("印在文书上，也是还款计划的起点。"),
        N_("机构信息（信头）"),
        N_("不用信头"),
        N_("双面打印（每份文书补足偶数页）"),
        N_("另生成一个打印文件（全部材料合为一个 PDF）"),
        N_("上传并检查"),
    ),
    "progress.html": (
        N_("生成材料"),
        N_("可以关闭这个页面，生成会在服务器上继续；之后在“我的批次”中查看结果。"),
        N_("停止生成"),
        N_("已上传的文件和已生成的材料会保留，之后可以继续生成。"),
    ),
    "results.html": (
        N_("生成结果"),
        N_("文件：{source}；材料日期：{date}"),
        N_("这个批次未能完成：{reason}"),
        N_("共{rows}行：成功{ok}，无效{invalid}，失败{failed}"),
        N_("全部材料（.zip）"),
        N_("报告 report.csv（可用 Excel 打开）"),
        N_("打印文件（全部材料合为一个 PDF）"),
        N_("行"),
        N_("案件编号"),
        N_("状态"),
        N_("文件"),
        N_("说明"),
    ),
    "stopped.html": (
        N_("已停止生成"),
        N_("文件：{source}；材料日期：{date}"),
        N_("停止时已处理 {done} / {total} 行。上传的文件和已生成的材料都已保留；继续生成时，已完成的材料不会重新生成。"),
        N_("继续生成"),
    ),
}
