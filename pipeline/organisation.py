"""The organisation that prepares the packets: its letterhead and the "prepared with the assistance
of" line. Read from a small YAML file (see samples/organisation.yaml) given with `--org`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from PIL import Image, UnidentifiedImageError

from pipeline.errors import RunError
from pipeline.i18n import _

FIELDS = ("name", "address", "phone")


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
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except OSError as exc:
        raise RunError(_("{file}：无法读取机构信息文件（{reason}）").format(file=path.name, reason=exc.strerror)) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RunError(_("{file}：机构信息文件不是有效的YAML（{kind}）").format(file=path.name, kind=type(exc).__name__)) from exc
    if not isinstance(data, dict) or not str(data.get("name", "")).strip():
        raise RunError(_("{file}：机构信息文件必须写明 name（机构名称）").format(file=path.name))
    unknown = sorted(set(data) - set(FIELDS) - {"logo"})
    if unknown:
        raise RunError(_("{file}：不认识的项目 {items}（可用：name、address、phone、logo）").format(
            file=path.name, items="、".join(unknown)))
    logo = b""
    if data.get("logo"):
        logo_path = (path.parent / str(data["logo"])).resolve()
        if not logo_path.is_relative_to(path.parent.resolve()):
            raise RunError(_("{file}：logo 必须是机构信息文件所在文件夹中的图片").format(file=path.name))
        try:
            logo = logo_path.read_bytes()
            with Image.open(logo_path) as image:
                if image.format not in ("PNG", "JPEG"):
                    raise RunError(_("{file}：logo 只支持 PNG 或 JPEG 图片").format(file=path.name))
        except UnidentifiedImageError as exc:  # before OSError, of which it is a kind
            raise RunError(_("{file}：logo 不是可识别的图片").format(file=path.name)) from exc
        except OSError as exc:
            raise RunError(_("{file}：无法读取 logo 图片 {logo}（{reason}）").format(
                file=path.name, logo=data["logo"], reason=exc.strerror or exc)) from exc
    return Organisation(**{key: str(data.get(key, "")).strip() for key in FIELDS}, logo=logo)
