"""The organisation profile: read from YAML, refused with a clear reason when it is not usable."""

from __future__ import annotations

import shutil

import pytest

from pipeline.errors import RunError
from pipeline.organisation import load_organisation
from pipeline.schema import PROJECT_ROOT

SAMPLE = PROJECT_ROOT / "samples" / "organisation.yaml"


def test_the_sample_profile_loads_with_its_logo():
    organisation = load_organisation(SAMPLE)
    assert organisation.name == "示例市法律援助中心（虚构）"
    assert organisation.phone == "0571-12348000"
    assert organisation.logo.startswith(b"\x89PNG")


def test_no_profile_means_no_letterhead():
    assert load_organisation(None).name == "" and load_organisation(None).logo == b""


@pytest.mark.parametrize(("text", "expected"), [
    ("address: 某地\n", "必须写明 name"),
    ("name: 中心\nfax: 123\n", "不认识的项目 fax"),
    ("name: 中心\nlogo: ../elsewhere.png\n", "logo 必须是机构信息文件所在文件夹中的图片"),
    ("name: 中心\nlogo: missing.png\n", "无法读取 logo 图片 missing.png"),
    ("name: 中心\nlogo: notes.txt\n", "logo 不是可识别的图片"),
    ("name: [unclosed\n", "不是有效的YAML"),
])
def test_a_bad_profile_is_refused_with_the_reason(tmp_path, text, expected):
    (tmp_path / "notes.txt").write_text("not an image")
    profile = tmp_path / "org.yaml"
    profile.write_text(text, encoding="utf-8")
    with pytest.raises(RunError, match=expected):
        load_organisation(profile)


def test_changing_the_profile_changes_its_digest(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "org.yaml")
    shutil.copy(SAMPLE.parent / "organisation-logo.png", tmp_path / "organisation-logo.png")
    before = load_organisation(tmp_path / "org.yaml").digest
    (tmp_path / "org.yaml").write_text((tmp_path / "org.yaml").read_text("utf-8").replace("二楼", "三楼"), "utf-8")
    assert load_organisation(tmp_path / "org.yaml").digest != before
