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

FIELDS = {"name": "机构名称", "address": "地址", "phone": "电话"}


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
        raise RunError(f"{path.name}：无法读取机构信息文件（{exc.strerror}）") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RunError(f"{path.name}：机构信息文件不是有效的YAML（{type(exc).__name__}）") from exc
    if not isinstance(data, dict) or not str(data.get("name", "")).strip():
        raise RunError(f"{path.name}：机构信息文件必须写明 name（机构名称）")
    unknown = sorted(set(data) - set(FIELDS) - {"logo"})
    if unknown:
        raise RunError(f"{path.name}：不认识的项目 {'、'.join(unknown)}（可用：name、address、phone、logo）")
    logo = b""
    if data.get("logo"):
        logo_path = (path.parent / str(data["logo"])).resolve()
        if not logo_path.is_relative_to(path.parent.resolve()):
            raise RunError(f"{path.name}：logo 必须是机构信息文件所在文件夹中的图片")
        try:
            logo = logo_path.read_bytes()
            with Image.open(logo_path) as image:
                if image.format not in ("PNG", "JPEG"):
                    raise RunError(f"{path.name}：logo 只支持 PNG 或 JPEG 图片")
        except UnidentifiedImageError as exc:  # before OSError, of which it is a kind
            raise RunError(f"{path.name}：logo 不是可识别的图片") from exc
        except OSError as exc:
            raise RunError(f"{path.name}：无法读取 logo 图片 {data['logo']}（{exc.strerror or exc}）") from exc
    return Organisation(**{key: str(data.get(key, "")).strip() for key in FIELDS}, logo=logo)
