"""A new batch from an upload form (the page's or the API's — the same fields): the spreadsheet, the
optional evidence zip, the date, the organisation profile, duplex, print file and tagging. Everything is
checked before the batch exists; a refused upload leaves nothing behind."""

from __future__ import annotations

import logging
from datetime import date

from starlette.datastructures import FormData, UploadFile

from pipeline.common import packet_date as date_range
from pipeline.common.i18n import N_
from pipeline.contract.schema import default_contract
from pipeline.output.files import private_folder
from pipeline.serve import batches
from pipeline.serve.batches import Batch, BatchStatus
from pipeline.serve.evidence_zip import unpack_evidence
from pipeline.serve.quota import over_quota, used_bytes
from pipeline.serve.refusals import Refusal
from pipeline.serve.removal import remove_tree
from pipeline.serve.server import Server
from pipeline.serve.uploads import check_evidence, check_size, safe_name, save, sheet_suffix

FORM_LIMITS = {"max_files": 2, "max_fields": 10, "max_part_size": 64 * 1024}
TRUE = ("1", "true", "on", "yes")

log = logging.getLogger(__name__)


def known_columns() -> frozenset[str]:
    """The case sheet's column names as a header row may spell them: the Chinese headers and the keys."""
    columns = default_contract().columns
    return frozenset({c.header.casefold() for c in columns.values()} | {key.casefold() for key in columns})


def _chosen_file(form: FormData, field: str) -> UploadFile | None:
    """A browser sends an empty part when no file was chosen: that is no file."""
    value = form.get(field)
    if isinstance(value, UploadFile) and (value.filename or value.size):
        return value
    return None


def _field(form: FormData, name: str) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        raise Refusal(400, N_("表单字段 {field} 应为文字"), field=name)
    return value.strip()


def options_of(server: Server, form: FormData) -> dict:
    text = _field(form, "date")
    try:
        packet_date = date.fromisoformat(text) if text else date.today()
    except ValueError:
        raise Refusal(400, N_("材料日期应为 YYYY-MM-DD 格式，如 2026-11-24")) from None
    if not date_range.in_range(packet_date):
        raise Refusal(400, date_range.OUT_OF_RANGE, first=str(date_range.FIRST), last=str(date_range.LAST),
                      value=text)
    organisation = _field(form, "organisation")
    if organisation and organisation not in {p.key for p in server.profiles()}:
        raise Refusal(400, N_("没有这个机构信息：{name}"), name=organisation)
    return {"packet_date": packet_date, "organisation": organisation,
            "duplex": _field(form, "duplex").lower() in TRUE, "print_file": _field(form, "print_file").lower() in TRUE,
            "tagged": _field(form, "tagged").lower() in TRUE}


def receive(server: Server, user_id: int, form: FormData, lang: str, status: BatchStatus) -> Batch:
    """Check the upload, store it in a new batch folder, and record the batch (blocking: run it in a thread)."""
    settings = server.settings
    sheet = _chosen_file(form, "file")
    if sheet is None:
        raise Refusal(400, N_("请选择要上传的案件表（.xlsx 或 .csv）"))
    check_size(sheet.size or 0, settings.max_sheet_bytes, N_("案件表"))
    suffix = sheet_suffix(sheet.filename or "", sheet.file, known_columns())
    evidence = _chosen_file(form, "evidence")
    if evidence is not None:
        check_size(evidence.size or 0, settings.max_evidence_bytes, N_("证明材料压缩包"))
        check_evidence(evidence.file)
    options = options_of(server, form)
    used = used_bytes(settings, server.store, user_id)
    room = settings.quota_bytes - used - (sheet.size or 0)
    if room < 0:
        raise over_quota(settings, used)
    source = safe_name(sheet.filename or "", suffix)
    batch_id = batches.new_batch_id()
    folder = settings.batch_folder(batch_id)
    with server.jobs.receiving(batch_id):  # retention leaves this folder alone until the batch is recorded
        try:
            inputs = private_folder(private_folder(folder) / "input")
            save(sheet.file, inputs / source)
            if evidence is not None:
                evidence.file.seek(0)
                quota_first = room < settings.max_evidence_bytes
                unpack_evidence(evidence.file, inputs, max_bytes=min(room, settings.max_evidence_bytes),
                                max_entries=settings.max_evidence_entries, reserved=frozenset({source}),
                                too_large=over_quota(settings, used) if quota_first else None)
            return batches.create(server.store, batch_id, user_id, source=source, lang=lang, status=status, **options)
        except BaseException:
            try:
                remove_tree(folder)
            except OSError as exc:  # retention sweeps a folder without a batch
                log.error("batch %s: could not remove a refused upload (%s)", batch_id, exc.strerror or exc)
            raise
