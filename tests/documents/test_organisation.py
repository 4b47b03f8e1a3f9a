"""The organisation profile: read from YAML, refused with a clear reason when it is not usable."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT as PROJECT_ROOT

from pipeline.common.errors import RunError
from pipeline.documents.organisation import load_organisation

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

SAMPLE = PROJECT_ROOT / "samples" / "organisation.yaml"


def test_the_sample_profile_loads_with_its_logo():
    organisation = load_organisation(SAMPLE)
    assert organisation.name == "示例市法律援助中心（虚构）"
    assert organisation.phone == "0571-12348000"
    assert organisation.logo.startswith(b"\x89PNG")


def test_no_profile_means_no_letterhead():
    assert load_organisation(None).name == "" and load_organisation(None).logo == b""


@pytest.mark.parametrize(("text", "expected"), [
    ("address: 某地\n", "「name」为必填项"),
    ("name: 中心\nfax: 123\n", "「fax」不是可用的项目（可用：name、address、phone、logo）"),
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


def test_letterhead_and_assistance_line_appear_only_with_a_profile(tmp_path):
    import re

    from conftest import DATA
    from e2e import outline_titles, pdf_text, run_cli
    from pypdf import PdfReader

    with_org = tmp_path / "with"
    without = tmp_path / "without"
    for out, extra in ((with_org, ["--org", str(SAMPLE)]), (without, [])):
        result = run_cli("build", str(DATA / "cases.csv"), "--out", str(out), "--date", "2026-11-24", *extra)
        assert result.returncode == 1, result.stderr
    packet = with_org / "E2E-001" / "packet.pdf"
    reader = PdfReader(packet)
    for title, start in outline_titles(packet):  # the letterhead tops the first page of every document
        first_page = re.sub(r"\s+", "", reader.pages[start].extract_text())
        assert "示例市法律援助中心（虚构）" in first_page and "0571-12348000" in first_page, title
    assert "本申请书由示例市法律援助中心（虚构）协助准备" in re.sub(r"\s+", "", pdf_text(packet))
    assert "法律援助中心" not in pdf_text(without / "E2E-001" / "packet.pdf")
