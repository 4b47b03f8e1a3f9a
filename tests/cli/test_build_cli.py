"""The real CLI on real files, with the real LibreOffice; every PDF is opened and read."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile

import pytest
from conftest import DATA
from docx import Document
from e2e import fonts, outline_sets, outline_titles, page_texts, pdf_text, read_report, run_cli
from pypdf import PdfReader

from pipeline.pdf.soffice_converter import WINDOWS_FONTS

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

LENDER_TITLES = ["协商还款申请书", "证明材料清单", "还款协议（草案）"]
BORROWER_TITLES = ["致借款人：材料说明", "证明材料准备清单", "通话准备与记录表", "还款跟踪表", "您的权利与求助渠道"]
TITLES = LENDER_TITLES + BORROWER_TITLES


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = run_cli("build", str(DATA / "cases.csv"), "--out", str(out), "--date", "2026-11-24")
    return result, out


def test_exit_code_is_1_when_some_rows_are_invalid_and_others_still_build(built):
    result, out = built
    assert result.returncode == 1, result.stderr
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["E2E-001", "E2E-002", "E2E-003"]


def test_report_has_one_line_per_row_with_status_and_masked_messages(built):
    _, out = built
    rows = read_report(out)
    assert [(r["row"], r["case_id"], r["status"]) for r in rows] == [
        ("2", "E2E-001", "ok"), ("3", "E2E-002", "ok"), ("4", "E2E-003", "ok"), ("5", "E2E-004", "invalid")]
    bad = rows[3]["messages"]
    for column in ("身份证号", "手机号", "贷款机构", "剩余本金", "逾期开始日期", "月收入", "困难类型", "困难情况说明", "协商诉求"):
        assert f"「{column}」" in bad
    assert "330106198503121232" not in bad and "330106********1232" in bad
    assert "1380013800" not in bad and "138***3800" in bad


def test_terminal_shows_the_same_problems_and_a_summary(built):
    result, _ = built
    assert "cases.csv 第5行 E2E-004 [无效]" in result.stderr
    assert "共4行：成功3，无效1，失败0" in result.stdout


def test_packet_has_both_sets_in_order_with_an_outline(built):
    _, out = built
    packet = out / "E2E-001" / "packet.pdf"
    outline = outline_titles(packet)
    assert [title for title, _ in outline] == TITLES
    starts = [page for _, page in outline]
    assert starts[0] == 0 and starts == sorted(starts) and len(set(starts)) == len(TITLES)
    assert [title for title, _ in outline_sets(packet)] == ["寄送件（交贷款机构）", "本人留存（不要寄出）"]
    assert outline_sets(packet)[1][1] == starts[3]  # the borrower's set starts with its summary
    assert "E2E-001" in PdfReader(packet).metadata.title


def test_to_lender_is_the_lender_set_alone_with_its_own_outline_and_title(built):
    _, out = built
    to_lender = out / "E2E-001" / "to_lender.pdf"
    assert [title for title, _ in outline_titles(to_lender)] == LENDER_TITLES
    reader = PdfReader(to_lender)
    assert "E2E-001" in reader.metadata.title and "、".join(LENDER_TITLES) == reader.metadata.subject
    packet_pages = page_texts(out / "E2E-001" / "packet.pdf")
    assert page_texts(to_lender) == packet_pages[:len(reader.pages)]  # the same conversion, the same pages


def test_each_set_is_numbered_on_its_own_and_says_which_set_it_is(built):
    _, out = built
    for case_id in ("E2E-001", "E2E-002", "E2E-003"):
        packet = out / case_id / "packet.pdf"
        texts = [re.sub(r"\s+", "", text) for text in page_texts(packet)]
        borrower_start = outline_sets(packet)[1][1]
        for label, pages in (("寄送件", texts[:borrower_start]), ("本人留存", texts[borrower_start:])):
            for number, text in enumerate(pages, start=1):
                assert f"案件编号：{case_id}{label}第{number}页/共{len(pages)}页" in text, text[-60:]
        lender = [re.sub(r"\s+", "", text) for text in page_texts(out / case_id / "to_lender.pdf")]
        assert len(lender) == borrower_start
        assert all(f"寄送件第{n}页/共{len(lender)}页" in text for n, text in enumerate(lender, start=1))


def test_packet_text_carries_identity_amounts_and_words(built):
    _, out = built
    text = re.sub(r"\s+", "", pdf_text(out / "E2E-001" / "packet.pdf"))
    for expected in (
        "张晓明", "330106198503121231", "13800138001", "浙江网商银行股份有限公司",
        "45,000.00", "1,200.50", "800.00", "47,000.50", "人民币肆万柒仟元零伍角",  # total owed, by hand
        "46,200.50", "人民币肆万陆仟贰佰元零伍角",  # after waiving the 800 penalty
        "1,711.12", "1,711.38", "2026年12月24日", "2029年2月24日",  # 27 installments, by hand
    ):
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text


def test_deferred_plan_on_the_other_lender(built):
    _, out = built
    text = re.sub(r"\s+", "", pdf_text(out / "E2E-002" / "packet.pdf"))
    # 12,350.00 in 12: 1,029.16 × 11 + 1,029.24; first due 2026-12-15 plus 3 months deferral
    for expected in ("深圳前海微众银行股份有限公司", "12,350.00", "1,029.16", "1,029.24", "2027年3月15日", "2028年2月15日"):
        assert expected in text, expected


def test_all_fonts_are_embedded_noto_cjk_and_documents_ask_for_the_sc_faces(built):
    _, out = built
    found = fonts(out / "E2E-001" / "packet.pdf")
    assert found and all(f["emb"] == "yes" for f in found), found
    # The SC/TC/JP/KR faces of the Noto CJK collection share one CFF table whose internal name is
    # the JP one, so the PDF name cannot tell the faces apart; the request can: the document asks for
    # 宋体 (SimSun) with Chinese as its East Asian language, and the profile's replacement table maps
    # SimSun to the SC face (pdf/soffice_converter.py WINDOWS_FONTS).
    assert all("NotoSerifCJK" in f["name"] or "NotoSansCJK" in f["name"] for f in found), found
    xml = (out / "E2E-001" / "hardship_letter.docx").read_bytes()
    styles = zipfile.ZipFile(io.BytesIO(xml)).read("word/styles.xml").decode()
    assert 'w:eastAsia="SimSun"' in styles and 'w:eastAsia="zh-CN"' in styles
    assert WINDOWS_FONTS["SimSun"] == "Noto Serif CJK SC" and WINDOWS_FONTS["SimHei"] == "Noto Sans CJK SC"
    assert "CJK JP" not in styles and "CJK TC" not in styles


def test_pages_are_a4(built):
    _, out = built
    pdfs = sorted(out.glob("*/*.pdf"))
    assert len(pdfs) == 6, pdfs  # three packets, each with its packet.pdf and to_lender.pdf
    for pdf in pdfs:
        pages = PdfReader(pdf).pages
        assert len(pages) >= 5, pdf
        for page in pages:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, pdf


def test_editable_copies_and_case_json(built):
    _, out = built
    folder = out / "E2E-001"
    for name in ("hardship_letter", "evidence_cover", "repayment_agreement", "borrower_summary", "evidence_checklist",
                 "call_sheet", "repayment_tracker", "rights_and_help"):
        text = "\n".join(p.text for p in Document(folder / f"{name}.docx").paragraphs)
        assert "{{" not in text
    record = json.loads((folder / "case.json").read_text("utf-8"))
    (debt,) = record["debts"]
    assert (debt["row"], debt["lender"], debt["loan_contract_no"], debt["file"]) == (2, "网商贷", "WSD20240315001",
                                                                                   "to_lender.pdf")
    assert debt["principal"] == "45000.00"
    assert debt["amounts_given"] == {"interest": True, "penalty": True}
    assert debt["plan"]["proposed_total"] == "46200.50"
    assert len(debt["plan"]["schedule"]) == 27
    assert debt["plan"]["schedule"][-1] == {"number": 27, "due": "2029-02-24", "amount": "1711.38"}
    assert record["budget"]["capacity"] == "1750.00"


def test_validate_writes_nothing_and_says_the_same(tmp_path):
    copy = tmp_path / "cases.csv"
    shutil.copy(DATA / "cases.csv", copy)
    result = run_cli("validate", str(copy), "--date", "2026-11-24")
    assert result.returncode == 1
    assert "第5行 E2E-004 [无效]" in result.stderr and "「身份证号」" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv"]


def test_gb18030_file_with_chinese_headers_builds(tmp_path):
    text = (DATA / "cases.csv").read_text("utf-8-sig")
    only_first = "\n".join(text.splitlines()[:3])  # header + E2E-001 (its account spans two lines)
    source = tmp_path / "gbk.csv"
    source.write_bytes(only_first.encode("gb18030"))
    out = tmp_path / "out"
    result = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-24")
    assert result.returncode == 0, result.stderr
    assert "张晓明" in pdf_text(out / "E2E-001" / "packet.pdf")


def test_missing_column_exits_2_naming_it(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("案件编号,姓名\nA1,张三\n", encoding="utf-8")
    result = run_cli("build", str(source), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "缺少必填列" in result.stderr and "身份证号" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_libreoffice_exits_2_with_the_install_command(tmp_path):
    result = run_cli("build", str(DATA / "cases.csv"), "--out", str(tmp_path / "out"),
                     env={"PACKETS_SOFFICE": "no-such-soffice"})
    assert result.returncode == 2
    assert "LibreOffice" in result.stderr and "Traceback" not in result.stderr


def test_unreadable_input_exits_2(tmp_path):
    result = run_cli("validate", str(tmp_path / "nope.csv"))
    assert result.returncode == 2 and "找不到文件" in result.stderr


def _document_text(out, case_id: str, title: str) -> str:
    """The text of one document of a packet, found through its outline entry."""
    packet = out / case_id / "packet.pdf"
    outline = outline_titles(packet)
    pages = PdfReader(packet).pages
    starts = [page for _, page in outline] + [len(pages)]
    index = [t for t, _ in outline].index(title)
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in pages[starts[index]:starts[index + 1]]))


def test_call_sheet_has_the_script_the_range_and_the_lines_to_fill_in(built):
    _, out = built
    text = _document_text(out, "E2E-001", "通话准备与记录表")
    for advice in ("主动联系，越早越好", "保持冷静和礼貌", "如实说明困难", "提出具体方案", "要求书面确认"):
        assert advice in text, advice
    # E2E-001 by hand: 6,500 − 3,500 − 500 = 2,500 left a month; 46,200.50 after the waiver in
    # 27 installments of 1,711.12; 80 % of 2,500 = 2,000.00 (⌈46,200.50/2,000⌉ = 24 months),
    # 90 % = 2,250.00 (21 months)
    for figure in ("分27期，每月还1,711.12元", "开口方案1,711.12元27期", "可让步到2,000.00元约24期",
                   "底线（不说出口）2,250.00元约21期", "客服电话95188"):
        assert figure in text, figure
    for blank in ("第1次通话时间", "第3次通话时间", "客服姓名／工号", "对方提出的方案", "双方谈定的结果", "下一步／跟进日期"):
        assert blank in text, blank


def test_tracker_has_one_row_per_installment_and_the_total(built):
    _, out = built
    text = _document_text(out, "E2E-001", "还款跟踪表")
    rows = re.findall(r"(\d{1,2})(20\d\d年\d{1,2}月\d{1,2}日)(1,711\.\d\d)([\d,]+\.\d\d)", text)
    assert [int(n) for n, _, _, _ in rows] == list(range(1, 28))
    # after the first: 46,200.50 − 1,711.12 = 44,489.38 left; after the last: 0.00
    assert rows[0][1:] == ("2026年12月24日", "1,711.12", "44,489.38")
    assert rows[-1][1:] == ("2029年2月24日", "1,711.38", "0.00")
    assert all(amount == "1,711.12" for _, _, amount, _ in rows[:-1])
    assert "合计46,200.50" in text and text.count("□") == 27


def test_nothing_of_the_borrowers_set_reaches_to_lender(built):
    _, out = built
    for case_id in ("E2E-001", "E2E-002", "E2E-003"):
        text = re.sub(r"\s+", "", pdf_text(out / case_id / "to_lender.pdf"))
        for borrower_only in ("本人留存", "底线", "可让步", "开口方案", "通话记录", "还款跟踪表", "建议补充", "每月还款能力",
                              "12378", "12363", "12348", "reminders", "不要说出口", "证明材料准备清单"):
            assert borrower_only not in text, (case_id, borrower_only)
    # E2E-001's capacity (1,750.00) and range (2,000.00, 2,250.00) are nowhere in what is sent
    text = pdf_text(out / "E2E-001" / "to_lender.pdf")
    assert "1,750.00" not in text and "2,000.00" not in text and "2,250.00" not in text


def test_reminders_ics_has_one_all_day_event_per_installment_with_an_alarm(built):
    from icalendar import Calendar

    _, out = built
    calendar = Calendar.from_ical((out / "E2E-001" / "reminders.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    record = json.loads((out / "E2E-001" / "case.json").read_text("utf-8"))
    schedule = record["debts"][0]["plan"]["schedule"]
    assert len(events) == len(schedule) == 27
    for event, installment in zip(events, schedule, strict=True):
        number = installment["number"]
        assert str(event["uid"]) == f"E2E-001-{number}@negotiation-packets"  # stable: a re-import updates
        assert event.decoded("dtstart").isoformat() == installment["due"]  # a date: an all-day event
        assert "网商贷" in str(event["summary"]) and f"{float(installment['amount']):,.2f}元" in str(event["summary"])
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("trigger").days == -3
    assert events[0].decoded("dtstart").isoformat() == "2026-12-24" and "1,711.12元" in str(events[0]["summary"])
    assert events[-1].decoded("dtstart").isoformat() == "2029-02-24" and "1,711.38元" in str(events[-1]["summary"])


def test_a_rebuilt_plan_revises_the_calendar_it_replaces(tmp_path):
    """Issue 24, point 5, through the CLI: the second build reads the first one's reminders.ics. E2E-001
    plans 27 installments by capacity (test above); asked for 24 it cancels the 25th to 27th."""
    from icalendar import Calendar

    rows = list(csv.DictReader((DATA / "cases.csv").read_text("utf-8-sig").splitlines(keepends=True)))
    source, out = tmp_path / "one.csv", tmp_path / "out"

    def build(installments: str) -> dict[str, tuple]:
        with source.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerow({**rows[0], "分期期数": installments})
        result = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-24")
        assert result.returncode == 0, result.stderr
        calendar = Calendar.from_ical((out / "E2E-001" / "reminders.ics").read_bytes())
        return {str(e["uid"]): (int(e["sequence"]), str(e.get("status", ""))) for e in calendar.walk("VEVENT")}

    first = build("")
    assert len(first) == 27 and set(first.values()) == {(0, "")}
    second = build("24")
    assert len(second) == 27
    assert {second[f"E2E-001-{n}@negotiation-packets"] for n in range(1, 25)} == {(1, "")}
    assert {second[f"E2E-001-{n}@negotiation-packets"] for n in (25, 26, 27)} == {(1, "CANCELLED")}
