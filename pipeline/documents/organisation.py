"""The organisation that prepares the packets: its letterhead and the "prepared with the assistance
of" line. Read from a small YAML file (see samples/organisation.yaml) given with `--org`, checked
like every data file staff edit (contract/data_files.py). The logo is read only from a regular file
in the profile's folder (a named pipe would block forever), at most 2 MB, and must be a PNG or JPEG of
at most 16 megapixels by its header — checked before anything decodes it.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from pipeline.common.errors import RunError
from pipeline.common.i18n import _
from pipeline.common.safe_files import FileRefused, read_regular_file
from pipeline.contract.data_files import load_data_file

FIELDS = ("name", "address", "phone")
LOGO_MAX_BYTES = 2 * 2**20
LOGO_MAX_PIXELS = 4000 * 4000  # a letterhead logo; more is a mistake or a decompression bomb


@dataclass(frozen=True)
class Organisation:
    name: str = ""
    address: str = ""
    phone: str = ""
    logo: bytes = b""  # PNG or JPEG; b"" when none

    @property
    def digest(self) -> str:
        return hashlib.sha256(repr(self).encode() + self.logo).hexdigest()


def load_organisation(path: Path | None) -> Organisation:
    if path is None:
        return Organisation()
    data = load_data_file(path, "organisation")
    logo = _logo(path, str(data["logo"])) if data.get("logo") else b""
    return Organisation(**{key: str(data.get(key, "")).strip() for key in FIELDS}, logo=logo)


def _logo(profile: Path, name: str) -> bytes:
    logo_path = (profile.parent / name).resolve()
    if not logo_path.is_relative_to(profile.parent.resolve()):
        raise RunError(_("{file}：logo 必须是机构信息文件所在文件夹中的图片").format(file=profile.name))
    try:
        data = read_regular_file(logo_path, LOGO_MAX_BYTES)
    except FileRefused as exc:
        raise RunError(_("{file}：无法读取 logo 图片 {logo}（{reason}）").format(
            file=profile.name, logo=name, reason=exc)) from None
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 89 and 179 megapixels: refuse those as it refuses bigger ones.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header only: nothing is decoded
                kind, pixels = image.format, image.width * image.height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise RunError(_("{file}：logo 图片像素过多（可能是恶意构造的图片），请使用不超过1600万像素的图片").format(
            file=profile.name)) from None
    except Exception:  # Pillow raises several types for a file that is not an image it knows
        raise RunError(_("{file}：logo 不是可识别的图片").format(file=profile.name)) from None
    if kind not in ("PNG", "JPEG"):
        raise RunError(_("{file}：logo 只支持 PNG 或 JPEG 图片").format(file=profile.name))
    if pixels > LOGO_MAX_PIXELS:
        raise RunError(_("{file}：logo 图片过大（{width}万像素），请使用不超过1600万像素的图片").format(
            file=profile.name, width=pixels // 10000))
    return data
