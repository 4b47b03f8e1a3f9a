"""Each user's share of the disk: everything their batches hold (uploads, unpacked scans, packets) is
counted at each upload, and an upload that would take them past `--quota-mb` is refused (413) with
what they use and how to make room — one account cannot fill the disk the whole office works on."""

from __future__ import annotations

import os

from pipeline.common.i18n import N_
from pipeline.common.safe_files import size_text
from pipeline.serve import batches
from pipeline.serve.refusals import Refusal
from pipeline.serve.settings import ServerSettings
from pipeline.serve.store import Store

OVER_QUOTA = N_("你的批次已占用 {used}，这次上传后将超过每位用户 {limit} 的空间上限：请先删除不再需要的批次，"
                "或请管理员调高上限")


def folder_bytes(path: os.PathLike | str) -> int:
    """The bytes of the files under `path` (links not followed; walked without recursion)."""
    total, waiting = 0, [os.fspath(path)]
    while waiting:
        try:
            with os.scandir(waiting.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        waiting.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_size
        except OSError:  # gone or unreadable while counted: it holds nothing we can count
            continue
    return total


def used_bytes(settings: ServerSettings, store: Store, user_id: int) -> int:
    return sum(folder_bytes(settings.batch_folder(b.id)) for b in batches.of_user(store, user_id))


def over_quota(settings: ServerSettings, used: int) -> Refusal:
    return Refusal(413, OVER_QUOTA, used=size_text(used), limit=size_text(settings.quota_bytes))
