"""The YAML files staff edit are checked before anything uses them: a typo is one line naming the
file, the entry and the key (exit 2, no traceback); aliases, pipes and huge files are refused."""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT

from pipeline import cli
from pipeline.common import resources
from pipeline.common.errors import RunError
from pipeline.contract import Contract
from pipeline.contract.data_files import load_data_file


@pytest.fixture
def schemas(tmp_path):
    folder = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", folder)
    return folder


def edit(path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_the_shipped_files_pass():
    contract = Contract()
    assert "网商贷" in contract.lenders and contract.evidence_always


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("lenders.yaml", "  legal_name: 深圳前海微众银行股份有限公司", "  legal_nmae: 深圳前海微众银行股份有限公司",
     "lenders.yaml：「微粒贷」的「legal_nmae」不是可用的项目"),
    ("lenders.yaml", "  aliases: [网商银行, MYbank, mybank]", "  aliases: 网商银行", "「网商贷」的「aliases」应为列表"),
    ("lenders.yaml", "  kind: bank\n", "", "「网商贷」的「kind」为必填项"),
    ("lenders.yaml", "  kind: bank\n", "  kind: bnak\n",
     "「网商贷」的「kind」的“bnak”不是可用的值（可用：bank、consumer_finance、platform、credit_card）"),
    ("lenders.yaml", "  partner_funded: true\n", "  partner_funded: 是\n", "「借呗」的「partner_funded」应为true或false"),
    ("lenders.yaml", "  certainty: reported\n", "  certainty: probably\n",
     "「借呗」的「certainty」的“probably”不是可用的值（可用：confirmed、reported）"),
    ("lenders.yaml", "  earlier_creditors: [重庆市蚂蚁商诚小额贷款有限公司]", "  earlier_creditors: 重庆市蚂蚁商诚小额贷款有限公司",
     "「借呗」的「earlier_creditors」应为列表"),
    ("lenders.yaml", "  hotline: '95384'", "  hotline: '955 84x'", "「微粒贷」的「hotline」格式不正确"),
    ("evidence.yaml", "  - kinds: [bank_statement]", "  - kinds: [bank_statment]",
     "evidence.yaml：「always」第3项「kinds」的第1项的“bank_statment”不是可用的值"),
    ("evidence.yaml", "    what: 身份证正反面复印件", "    wat: 身份证正反面复印件", "「always」第1项的「wat」不是可用的项目"),
    ("evidence.yaml", "  unemployment:", "  unemploymnet:", "「by_hardship」的「unemploymnet」不是可用的值"),
])
def test_a_typo_names_the_file_the_entry_and_the_key(schemas, file, old, new, expected):
    edit(schemas / file, old, new)
    with pytest.raises(RunError, match=expected) as caught:
        Contract(schemas)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  aliases: [蚂蚁花呗, 支付宝花呗]", "  aliases: [蚂蚁花呗, 支付宝花呗, 蚂蚁借呗]",
     "lenders.yaml：「花呗」的名称“蚂蚁借呗”已是「借呗」的名称，一个名称只能对应一个贷款机构"),
    ("  aliases: [白条]", "  aliases: [白条, 网商贷]", "「京东白条」的名称“网商贷”已是「网商贷」的名称"),
    ("  aliases: [金条]", "  aliases: [金条, 浙江网商银行股份有限公司]", "「京东金条」的名称“浙江网商银行股份有限公司”已是「网商贷」的名称"),
])
def test_a_name_given_to_two_lenders_is_refused_in_one_line(schemas, old, new, expected):
    edit(schemas / "lenders.yaml", old, new)
    with pytest.raises(RunError, match=expected) as caught:
        Contract(schemas)
    assert "\n" not in str(caught.value)


def test_two_products_of_one_creditor_may_share_its_legal_name(schemas):
    # 借呗 and 花呗 are both lent by 重庆蚂蚁消费金融有限公司: not a clash
    contract = Contract(schemas)
    assert contract.lenders["借呗"].legal_name == contract.lenders["花呗"].legal_name


def test_an_entry_staff_add_needs_only_its_kind(schemas):
    with (schemas / "lenders.yaml").open("a", encoding="utf-8") as file:
        file.write("某某银行信用卡:\n  kind: credit_card\n  legal_name: 某某银行股份有限公司\n")
    added = Contract(schemas).lenders["某某银行信用卡"]
    assert (added.kind, added.legal_name, added.certainty, added.partner_funded) == (
        "credit_card", "某某银行股份有限公司", "confirmed", False)
    assert (added.hotline, added.online_service, added.repayment_channel, added.earlier_creditors) == ("", "", "", ())


def test_through_the_cli_a_typo_exits_2_in_one_line(schemas, monkeypatch):
    edit(schemas / "lenders.yaml", "  legal_name: 深圳前海微众银行股份有限公司", "  legal_nmae: 深圳前海微众银行股份有限公司")
    real = resources.shipped_path
    monkeypatch.setattr(resources, "shipped_path", lambda *parts: schemas if parts == ("schemas",) else real(*parts))
    monkeypatch.setattr("pipeline.contract.schema.shipped_path", resources.shipped_path)
    monkeypatch.setattr("pipeline.contract.schema._default", None)
    result = CliRunner().invoke(cli.main, ["validate", str(DATA / "cases.csv"), "--date", "2026-11-24"])
    assert result.exit_code == 2
    assert "lenders.yaml：「微粒贷」的「legal_nmae」不是可用的项目" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_yaml_aliases_are_refused(tmp_path):
    bomb = tmp_path / "org.yaml"
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nname: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n")
    with pytest.raises(RunError, match="第2行使用了YAML别名"):
        load_data_file(bomb, "organisation")


def test_a_named_pipe_or_a_huge_file_is_not_read(tmp_path):
    pipe = tmp_path / "lenders.yaml"
    os.mkfifo(pipe)
    with pytest.raises(RunError, match="不是普通文件"):
        load_data_file(pipe, "lenders")
    huge = tmp_path / "evidence.yaml"
    huge.write_bytes(b"# " + b"x" * (2 * 2**20))
    with pytest.raises(RunError, match="超过1MB的大小上限"):
        load_data_file(huge, "evidence")
