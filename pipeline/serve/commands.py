"""`packets serve` (the office web server) and `packets user add|remove|list|token` (its accounts).

Registered on the `packets` group by cli.py. The web libraries and the password hasher are imported
inside the commands, so that `packets build` never loads them.
"""

from __future__ import annotations

import fcntl
import ipaddress
import logging
import os
import sys
from pathlib import Path

import click

from pipeline.common.errors import RunError
from pipeline.common.i18n import _
from pipeline.common.process import cores
from pipeline.output.files import FILE_MODE, private_file, private_folder
from pipeline.serve.settings import MB, ServerSettings
from pipeline.shell import EXIT_RUN_ERROR, PRIVATE_UMASK, cannot_run, language_option, log_to

LOCK_FILE = ".serve.lock"


lang_option = language_option("提示的语言 / language of messages.")
data_option = click.option(
    "--data", type=click.Path(path_type=Path, file_okay=False), default="serve-data", show_default=True,
    envvar="PACKETS_DATA", help="服务器的数据文件夹：数据库、上传的表格和生成的材料（仅本账户可读）。",
)


def _log_to(path: Path) -> None:
    """Errors and requests to stderr and DATA/server.log, ID and phone numbers masked."""
    private_file(path)
    log_to(logging.FileHandler(path, encoding="utf-8"), logging.StreamHandler(sys.stderr))


def _store(data: Path):
    from pipeline.serve.store import Store  # noqa: PLC0415

    os.umask(PRIVATE_UMASK)
    return Store(ServerSettings(data=private_folder(data)).database).initialise()


def _proxy_addresses(ctx, param, value) -> tuple[str, ...]:
    """IP addresses or networks (10.0.0.0/8); never '*', which would trust a header anyone can send."""
    values = value if isinstance(value, tuple) else tuple(v for v in (value or "").split(",") if v.strip())
    for text in values:
        try:
            ipaddress.ip_network(text.strip(), strict=False)
        except ValueError:
            raise click.BadParameter(_("应为反向代理的 IP 地址或网段，如 127.0.0.1：{value}").format(value=text)) from None
    return tuple(v.strip() for v in values)


@click.command("serve")
@lang_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听的地址（在反向代理之后请保持 127.0.0.1）。")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="监听的端口。")
@data_option
@click.option("--retain-days", default=30, show_default=True, type=click.IntRange(1, 3650),
              help="批次完成后保留的天数，到期由服务器自动删除（访问记录保留）。")
@click.option("--jobs", "-j", default=cores(), show_default="CPU核数", type=click.IntRange(1, 64),
              help="一个批次生成时的工作进程数（批次逐个排队生成）。")
@click.option("--max-sheet-mb", default=20, show_default=True, type=click.IntRange(1, 1024), help="案件表的大小上限（MB）。")
@click.option("--max-evidence-mb", default=200, show_default=True, type=click.IntRange(1, 10240),
              help="证明材料解压后的大小上限（MB；按解压后的字节计，压缩包本身也不能超过它）。")
@click.option("--quota-mb", default=5120, show_default=True, type=click.IntRange(1, 10**7),
              help="每位用户的批次在磁盘上合计可占用的空间（MB），上传时检查。")
@click.option("--soffice", envvar="PACKETS_SOFFICE", help="LibreOffice 程序（默认在 PATH 中查找 soffice）。")
@click.option("--warm-office/--no-warm-office", default=True, show_default=True,
              help="预先启动下一个批次的 LibreOffice（每个批次一个，用后即关），点击“生成材料”后无需等待它启动。")
@click.option("--trusted-proxy", "trusted_proxies", multiple=True, callback=_proxy_addresses, metavar="ADDR",
              help="反向代理的地址（可重复）：只有从这个地址来的请求，才采用其 X-Forwarded-For / X-Forwarded-Proto"
                   "（访问记录中的地址、登录限制、Secure Cookie）。不指定则一概不采用。")
@click.option("--forwarded-allow-ips", "old_proxies", callback=_proxy_addresses, hidden=True,
              help="旧名称，同 --trusted-proxy（逗号分隔）。")
def serve_command(host, port, data, retain_days, jobs, max_sheet_mb, max_evidence_mb, quota_mb, soffice,
                  warm_office, trusted_proxies, old_proxies):
    """办公室网页服务：同事在浏览器中上传案件表、检查、生成并下载材料，各自只能看到自己的批次。"""
    import uvicorn  # noqa: PLC0415 - web libraries only for the server

    from pipeline.pdf.libreoffice import find_soffice  # noqa: PLC0415
    from pipeline.serve.web import create_app  # noqa: PLC0415

    os.umask(PRIVATE_UMASK)  # everything the server and its builds create: 0600 files in 0700 folders
    try:
        private_folder(data)
        lock = os.open(data / LOCK_FILE, os.O_RDWR | os.O_CREAT, FILE_MODE)
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        click.echo(_("无法运行：另一个服务器正在使用数据文件夹 {folder}").format(folder=data), err=True)
        sys.exit(EXIT_RUN_ERROR)
    except OSError as exc:
        click.echo(_("无法运行：无法使用数据文件夹 {folder}（{reason}）").format(folder=data, reason=exc.strerror), err=True)
        sys.exit(EXIT_RUN_ERROR)
    try:
        find_soffice(soffice)
    except RunError as exc:
        cannot_run(exc)
    settings = ServerSettings(data=data.resolve(), retain_days=retain_days, jobs=jobs, soffice=soffice,
                              max_sheet_bytes=max_sheet_mb * MB, max_evidence_bytes=max_evidence_mb * MB,
                              quota_bytes=quota_mb * MB, warm_office=warm_office)
    _log_to(settings.log_file)
    click.echo(_("办公室服务器：http://{host}:{port}/ （数据：{folder}；按 Ctrl-C 停止）").format(
        host=host, port=port, folder=settings.data), err=True)
    proxies = [*trusted_proxies, *old_proxies]
    uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=bool(proxies),
                forwarded_allow_ips=",".join(proxies) or None, log_config=None, server_header=False, workers=None)


@click.group("user")
def user_group():
    """办公室服务器的用户：添加、删除、列出，生成 API 令牌。"""


def _password() -> str:
    if sys.stdin.isatty():
        return click.prompt(_("密码"), hide_input=True, confirmation_prompt=_("再次输入密码"))
    return sys.stdin.readline().rstrip("\r\n")  # a script: the first line of standard input


def _account_call(action):
    from pipeline.serve.accounts import AccountError  # noqa: PLC0415

    try:
        return action()
    except AccountError as exc:
        click.echo(_("无法完成：{reason}").format(reason=exc), err=True)
        sys.exit(1)


@user_group.command("add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="管理员：可以查看访问记录。")
@data_option
@lang_option
def user_add(name, admin, data):
    """添加用户（密码在提示时输入；标准输入不是终端时读取其第一行）。"""
    from pipeline.serve import accounts  # noqa: PLC0415

    store = _store(data)
    password = _password()
    _account_call(lambda: accounts.add_user(store, name, password, admin))
    click.echo(_("已添加用户 {name}").format(name=name) + (_("（管理员）") if admin else ""))


@user_group.command("remove")
@click.argument("name")
@data_option
@lang_option
def user_remove(name, data):
    """删除用户：其登录和令牌立即失效；其批次到期后由服务器删除。"""
    from pipeline.serve import accounts  # noqa: PLC0415

    _account_call(lambda: accounts.remove_user(_store(data), name))
    click.echo(_("已删除用户 {name}").format(name=name))


@user_group.command("list")
@data_option
@lang_option
def user_list(data):
    """列出用户。"""
    from pipeline.serve import accounts  # noqa: PLC0415

    for user in accounts.list_users(_store(data)):
        click.echo(user.name + ("\t" + _("管理员") if user.admin else ""))


@user_group.command("token")
@click.argument("name")
@data_option
@lang_option
def user_token(name, data):
    """为用户生成新的 API 令牌（单独一行输出）；该用户以前的令牌随即失效。"""
    from pipeline.serve import accounts  # noqa: PLC0415

    click.echo(_account_call(lambda: accounts.new_token(_store(data), name)))
