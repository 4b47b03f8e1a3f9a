"""The `packets` command: parses options, calls the pipeline, prints. No work of its own."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline import __version__
from pipeline.batch import BuildOptions, build, validate_inputs
from pipeline.batch.options import DEFAULT_CHUNK_SIZE, DEFAULT_TIMEOUT
from pipeline.batch.rows import Ready
from pipeline.common import packet_date as date_range
from pipeline.common.errors import RowOutcome, RunError, Status, UserProblem
from pipeline.common.i18n import _
from pipeline.common.process import cores
from pipeline.output.files import open_private_append, prepare_output_folder, private_folder
from pipeline.output.report import case_line, row_line, summary_line
from pipeline.run.cluster_security import ClusterTls
from pipeline.shell import EXIT_RUN_ERROR, PRIVATE_UMASK, cannot_run, language_option, log_to, say, stop_on_sigterm

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar  # the type click.progressbar returns; not exported

def _log_to(path: Path) -> None:
    """The run's log: `path`, never the terminal. The file is created 0600 (it names cases) and is
    never opened through a symbolic link."""
    log_to(logging.StreamHandler(os.fdopen(open_private_append(path), "a", encoding="utf-8",
                                           errors="backslashreplace")))


def _print_case(client: Ready) -> None:
    say(case_line(client.case, client.plan))


def _print_row(outcome: RowOutcome) -> None:
    if outcome.problems:
        say(row_line(outcome), err=outcome.status != Status.OK)


def _on_terminal() -> bool:
    return sys.stderr.isatty()


class _Terminal:
    """What the user sees while a batch runs: row problems, and a progress bar on a terminal."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.shows_bar = not quiet and _on_terminal()
        self.done = 0
        self.started = time.monotonic()
        self.bar: ProgressBar[RowOutcome] | None = None

    def total(self, rows: int) -> None:
        """The build counted its rows (asked only when the bar is shown: a CSV file's count is a pass of its own)."""
        self.started = time.monotonic()
        self.bar = click.progressbar(length=rows, label=_("生成中"), file=sys.stderr, show_eta=True, show_pos=True,
                                     item_show_func=self._rate)
        self.bar.__enter__()  # left in `finish`, once the last row is in

    def _rate(self, _item) -> str:
        elapsed = time.monotonic() - self.started
        return _("{rate:.1f} 份/秒").format(rate=self.done / elapsed) if elapsed > 0 and self.done else ""

    def case(self, client: Ready) -> None:
        """A client's debts, total, monthly offer and capacity, to check before printing."""
        if not self.quiet:
            if self.bar:
                click.echo("\r\033[K", nl=False, err=True)
            say(case_line(client.case, client.plan))

    def row(self, outcome: RowOutcome) -> None:
        self.done += 1
        if outcome.problems and not (self.quiet and outcome.status == Status.OK):
            if self.bar:
                click.echo("\r\033[K", nl=False, err=True)  # clear the bar's line before printing
            say(row_line(outcome), err=outcome.status != Status.OK)
        if self.bar:
            self.bar.update(1, outcome)

    def close(self) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _run(action, log_file: Path):
    """Run an action; user-facing problems exit 2 in one line, bugs go to the log."""
    try:
        return action()
    except UserProblem as exc:  # the one place a problem for the user becomes the terminal's line
        cannot_run(exc.text(_))
    except KeyboardInterrupt:
        say(_("已中断。"), err=True)
        sys.exit(130)
    except Exception as exc:
        logging.getLogger("pipeline").exception("unexpected error")
        say(_("程序内部错误（{kind}），详情见日志 {log}").format(kind=type(exc).__name__, log=log_file), err=True)
        sys.exit(EXIT_RUN_ERROR)


def _date(ctx, param, value):
    if value is None:
        return date.today()
    try:
        chosen = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(_("应为 YYYY-MM-DD 格式的日期：{value}").format(value=value)) from None
    if not date_range.in_range(chosen):
        raise click.BadParameter(_(date_range.OUT_OF_RANGE).format(
            first=date_range.FIRST, last=date_range.LAST, value=value))
    return chosen


lang_option = language_option("提示和报告的语言（文书始终为中文）/ language of messages and report.csv.")
inputs_argument = click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False)
)
sheet_option = click.option(
    "--sheet", metavar="NAME", help="Excel 工作簿（.xlsx）中要读取的工作表名称（默认第一个工作表）。",
)
date_option = click.option(
    "--date", "packet_date", callback=_date, metavar="YYYY-MM-DD",
    help="材料日期：印在文书上，也用于计算还款计划（默认今天）。",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="packets")
def main():
    """为逾期借款人批量生成协商还款材料：寄给贷款机构的申请书、证明材料清单、还款协议草案，和借款人留存的通话准备表、还款跟踪表。"""


@main.command("build")
@inputs_argument
@lang_option
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False), help="输出文件夹。")
@date_option
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False, exists=True), help="自定义模板文件夹（按文件名替换）。")
@click.option("--soffice", envvar="PACKETS_SOFFICE", help="LibreOffice 程序（默认在 PATH 中查找 soffice）。")
@click.option("--jobs", "-j", default=cores(), show_default="CPU核数", type=click.IntRange(1, 64), help="并行的工作进程数。")
@click.option("--chunk-size", default=DEFAULT_CHUNK_SIZE, show_default=True, type=click.IntRange(1, 500), help="每次交给 LibreOffice 的案件数。")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(1), help="单次 LibreOffice 转换的超时秒数。")
@click.option("--quiet", "-q", is_flag=True, help="只显示错误。")
@click.option("--force", is_flag=True, help="全部重新生成（默认跳过与上次相同的案件）。")
@click.option("--print-file", is_flag=True, help="另生成 OUT/print/batch-日期.pdf：索引页＋全部成功的材料，按输入顺序。")
@click.option("--duplex", is_flag=True, help="双面打印：每份文书补足偶数页，使每份文书从新的一张纸开始。")
@click.option("--tagged", is_flag=True,
              help="生成带标签的PDF（标题、段落、表格、扫描件均有标记，供读屏软件与归档使用）；生成时间约增加三成。")
@click.option("--org", "organisation", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="机构信息文件（YAML：名称、地址、电话、标志），用于信头和“协助准备”说明。")
@sheet_option
@click.option("--cluster", metavar="tls://HOST:8786",
              help="在 Dask 集群上生成（调度器地址）；本机以外的调度器须用 tls:// 和证书。不填则用本机的工作进程。")
@click.option("--tls-ca-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="tls:// 集群的CA证书（PEM）。")
@click.option("--tls-cert", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="本机连接 tls:// 集群用的证书（PEM，由集群的CA签发）。")
@click.option("--tls-key", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="该证书的私钥（PEM；已附在证书文件中时可省略）。")
def build_command(inputs, out, packet_date, templates, soffice, jobs, chunk_size, timeout, quiet, force,
                  print_file, duplex, tagged, organisation, sheet, cluster, tls_ca_file, tls_cert, tls_key):
    """读取案件表（CSV 或 Excel .xlsx），为每个有效案件生成 packet.pdf 及可编辑的 Word 文书。"""
    os.umask(PRIVATE_UMASK)  # inherited by the workers and their LibreOffice
    try:
        out = prepare_output_folder(out)  # resolved: a link given as OUT is followed once, here
        log_file = out / "packets.log"
        _log_to(log_file)
    except RunError as exc:
        cannot_run(exc)
    except OSError as exc:
        cannot_run(_("无法写入输出文件夹 {folder}：{reason}（{file}）").format(
            folder=out, reason=exc.strerror or exc, file=exc.filename or ""))
    stop_on_sigterm()
    options = BuildOptions(out=out, packet_date=packet_date, templates=templates, soffice=soffice, jobs=jobs,
                           chunk_size=chunk_size, timeout=timeout, force=force, duplex=duplex, tagged=tagged,
                           print_file=print_file, organisation=organisation, cluster=cluster, sheet=sheet,
                           cluster_tls=ClusterTls(tls_ca_file, tls_cert, tls_key))
    terminal = _Terminal(quiet)
    try:
        summary = _run(lambda: build(list(inputs), options, terminal.row, terminal.total if terminal.shows_bar else None,
                                     terminal.case), log_file)
    finally:
        terminal.close()
    if not quiet:
        for notice in summary.notices:
            say(_("提示：{notice}").format(notice=notice), err=True)
        say(summary_line(summary.outcomes, summary.report))
    sys.exit(summary.exit_code)


@main.command("validate")
@inputs_argument
@lang_option
@date_option
@sheet_option
def validate_command(inputs, packet_date, sheet):
    """只检查案件表，不生成任何文件；提示与 build 相同。"""
    os.umask(PRIVATE_UMASK)
    log_file = _validate_log()
    _log_to(log_file)
    summary = _run(lambda: validate_inputs(list(inputs), packet_date, _print_row, sheet, _print_case), log_file)
    for notice in summary.notices:
        say(_("提示：{notice}").format(notice=notice), err=True)
    say(summary_line(summary.outcomes, None))
    sys.exit(summary.exit_code)


def _validate_log() -> Path:
    """validate writes no output folder; its log goes to a folder only this user can read — a
    fresh one when the usual name in /tmp is taken by someone else or open to others."""
    folder = Path(tempfile.gettempdir()) / f"packets-{os.getuid()}"
    try:
        private_folder(folder)
        info = folder.stat()
        if info.st_uid == os.getuid() and not info.st_mode & 0o077:
            return folder / "validate.log"
    except (OSError, RunError):
        pass
    return Path(tempfile.mkdtemp(prefix="packets-validate-")) / "validate.log"


@main.group("templates")
def templates_group():
    """模板工具。"""


@templates_group.command("check")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@lang_option
@date_option
def templates_check_command(folder, packet_date):
    """检查自定义模板：列出模板使用了但程序不提供的变量（含拼写建议）。"""
    from pipeline.contract import default_contract  # noqa: PLC0415 - each command loads only what it runs
    from pipeline.documents.kinds import DOCUMENTS  # noqa: PLC0415 - each command loads only what it runs
    from pipeline.documents.render import template_files  # noqa: PLC0415 - each command loads only what it runs
    from pipeline.documents.template_check import check_templates, example_sets  # noqa: PLC0415 - each command loads only what it runs

    blobs, replaced = template_files(folder)
    custom = [path.name for path in replaced.values()]
    if not custom:
        names = "、".join(f"{kind.name}.docx" for kind in DOCUMENTS)
        say(_("{folder} 中没有可替换的模板（文件名应为 {names}）").format(folder=folder, names=names), err=True)
        sys.exit(1)
    found = check_templates(blobs, example_sets(default_contract(), packet_date), only=set(replaced))
    for finding in found:
        say(finding.message() if finding.is_error else _("提示：{note}").format(note=finding.message()), err=True)
    errors = sum(1 for f in found if f.is_error)
    verdict = _("发现 {count} 处问题").format(count=errors) if errors else _("全部变量均可提供")
    say(_("已检查 {names}：{verdict}").format(names="、".join(custom), verdict=verdict))
    sys.exit(1 if errors else 0)


@main.command("init")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="覆盖已有的文件。")
def init_command(path, force):
    """生成空白的案件表（Excel .xlsx）：中文表头、下拉列表、填写说明和一行示例。"""
    from pipeline.contract import default_contract  # noqa: PLC0415 - each command loads only what it runs
    from pipeline.contract.intake_form import write_intake_workbook  # noqa: PLC0415 - each command loads only what it runs

    if path.suffix.lower() != ".xlsx":
        say(_("无法运行：文件名应以 .xlsx 结尾，如 intake.xlsx"), err=True)
        sys.exit(EXIT_RUN_ERROR)
    if path.exists() and not force:
        say(_("无法运行：{path} 已存在；如要覆盖，请加 --force").format(path=path), err=True)
        sys.exit(EXIT_RUN_ERROR)
    try:
        write_intake_workbook(path, default_contract())
    except OSError as exc:
        say(_("无法运行：无法写入 {path}（{reason}）").format(path=path, reason=exc.strerror or exc), err=True)
        sys.exit(EXIT_RUN_ERROR)
    say(_("已生成 {path}：在“案件”工作表中每行填写一笔借款，同一借款人的几笔借款填同一个案件编号（第2行是示例，请删除），"
                 "说明见“填写说明”工作表；填好后运行 packets build {path} --out 输出文件夹").format(path=path))


@main.command("schema")
@lang_option
@click.option("--markdown", is_flag=True, help="输出 Markdown 表格（用于 README）。")
def schema_command(markdown):
    """列出案件表的各列：列名、是否必填、格式、说明、可选值和示例（来自 schemas/）。"""
    from pipeline.contract import default_contract  # noqa: PLC0415 - each command loads only what it runs
    from pipeline.contract.describe import schema_markdown, schema_text  # noqa: PLC0415 - each command loads only what it runs

    click.echo(schema_markdown(default_contract()) if markdown else schema_text(default_contract()))


def _age(ctx, param, value):
    if value is None:
        return None
    from pipeline.output.purge import parse_age  # noqa: PLC0415

    try:
        return parse_age(value)
    except ValueError:
        raise click.BadParameter(_("应为天数，如 30d（也可用 12h、8w）：{value}").format(value=value)) from None


@main.command("purge")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@lang_option
@click.option("--older-than", "older_than", callback=_age, metavar="30d",
              help="删除生成时间早于此的案件材料（天数，如 30d；也可用 12h、8w）。")
@click.option("--case", "cases", multiple=True, metavar="ID", help="只删除这个案件的材料（可重复）。")
@click.option("--dry-run", is_flag=True, help="只列出将被删除的内容，不删除。")
def purge_command(out, older_than, cases, dry_run):
    """按保存期限删除输出文件夹中的案件材料（含完整身份证号和手机号），每个案件在 OUT/audit.log 留一行记录。"""
    from pipeline.output.purge import purge  # noqa: PLC0415

    if older_than is None and not cases:
        cannot_run(_("请用 --older-than（如 30d）或 --case 指定要删除的材料"))
    os.umask(PRIVATE_UMASK)
    folder = Path(os.path.abspath(out)).resolve()
    try:
        result = purge(folder, older_than=older_than, cases=tuple(cases), dry_run=dry_run)
    except RunError as exc:
        cannot_run(exc)
    except OSError as exc:
        cannot_run(_("无法删除 {file}（{reason}）").format(file=exc.filename or folder, reason=exc.strerror or exc))
    verb = _("将删除") if dry_run else _("已删除")
    for case in result.cases:
        say(_("{verb} {case}（{built}生成，{count}个文件）").format(
            verb=verb, case=case.case_id, built=case.built.strftime("%Y-%m-%d %H:%M"), count=len(case.files)))
        if case.kept:
            say(_("提示：{case} 中的 {files} 不是本程序生成的，已保留").format(case=case.case_id, files="、".join(case.kept)),
                 err=True)
    for name in result.print_files:
        say(_("{verb} 打印文件 print/{name}").format(verb=verb, name=name))
    if cases and not older_than and (folder / "print").is_dir():
        say(_("提示：print/ 中的打印文件可能也含有这些案件，如需删除请加 --older-than"), err=True)
    for case_id in result.not_found:
        say(_("没有案件 {case} 的材料").format(case=case_id), err=True)
    for case_id in result.not_case_folders:
        say(_("{case} 不是本程序生成的案件文件夹，未删除").format(case=case_id), err=True)
    summary = _("共{count}个案件").format(count=len(result.cases))
    if dry_run:
        say(_("{summary}的材料将被删除（未删除任何文件）").format(summary=summary))
    else:
        say(_("{summary}的材料已删除；记录见 {log}").format(summary=summary, log=folder / "audit.log"))
    sys.exit(1 if result.not_found or result.not_case_folders else 0)


from pipeline.serve.commands import serve_command, user_group  # noqa: E402

main.add_command(serve_command)
main.add_command(user_group)
