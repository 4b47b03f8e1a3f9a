"""Write the hostile-input corpus next to this script: `python tests/corpus/make_corpus.py [DIR]`.

Every file is made here, byte by byte where the bytes matter (encodings, broken sequences, line
endings, control characters, binary files), so the corpus can be checked and re-made; the tests
(tests/test_corpus.py) re-make it in a temporary folder and compare it with the committed files.
Nothing here imports the pipeline: the expected outcomes must not come from the program itself.
"""

from __future__ import annotations

import io
import sys
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

HEADER = ["案件编号", "姓名", "身份证号", "手机号", "联系地址", "贷款机构", "借款合同编号", "剩余本金", "未还利息", "罚息及费用",
          "逾期开始日期", "月收入", "月必要支出", "需抚养人数", "困难类型", "困难情况说明", "协商诉求", "分期期数", "经办人"]
BASE = {
    "案件编号": "X",
    "姓名": "张晓明",
    "身份证号": "11010519491231002X",  # the GB 11643-1999 example number: valid check character
    "手机号": "13800138000",
    "联系地址": "浙江省杭州市西湖区文三路100号",
    "贷款机构": "网商贷",
    "借款合同编号": "WS2024000123",
    "剩余本金": "12000",
    "未还利息": "0",
    "罚息及费用": "0",
    "逾期开始日期": "2026-06-15",
    "月收入": "6000",
    "月必要支出": "3000",
    "需抚养人数": "0",
    "困难类型": "失业",
    "困难情况说明": "今年三月被公司裁员，至今未找到稳定工作。",
    "协商诉求": "分期还款",
    "分期期数": "12",
    "经办人": "李律师",
}

# Cells that must reach the documents exactly as typed: spreadsheet formulas, XML, template syntax.
FORMULA_ADDRESS = '=HYPERLINK("http://evil.example/x","点我")'
XML_NAME = "<w:t>王五"
XML_ADDRESS = "A&amp;B <w:t>x</w:t> ]]>"
XML_DETAILS = "说明：<w:p><w:r><w:t>注入</w:t></w:r></w:p> &amp; ]]> 结束，真实情况是失业。"
JINJA_NAME = "{{ 7*7 }}"
JINJA_ADDRESS = "{% for x in range(3) %}循环{% endfor %}"
JINJA_DETAILS = "{{ 7*7 }} {% for %} {%p if %} {{ borrower.id_number }} 以上是原样文字。"
JINJA_CASEWORKER = "{%p if %}"
RARE_NAME = "王𠀀𡃁"
RARE_DETAILS = "家里突发变故😀🙏，收入减少，生活困难。"


def quote(cell: str) -> str:
    """CSV quoting as Excel writes it: quotes only where needed, inner quotes doubled."""
    if any(ch in cell for ch in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def line(cells: list[str], sep: str = ",") -> str:
    return sep.join(quote(c) for c in cells)


def person(case_id: str) -> str:
    """A valid ID number of its own for each case (one borrower under two case ids is refused):
    birth day and sequence from the case id, the check character by GB 11643-1999."""
    digest = zlib.crc32(case_id.encode())
    body = f"1101051949120{1 + digest % 9}{100 + digest // 9 % 900:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def row(case_id: str, **changes: str) -> list[str]:
    values = dict(BASE, 案件编号=case_id, 身份证号=person(case_id))
    for column, value in changes.items():
        values[column] = value
    return [values[h] for h in HEADER]


def table(rows: list[list[str]], end: str = "\r\n", header: list[str] = HEADER) -> str:
    return "".join(line(r) + end for r in [header, *rows])


def cells_ok() -> bytes:
    """Hostile but valid cells: every row builds, and prints literally."""
    rows = [
        row("OK-FORMULA", 姓名="@SUM(A1:A9)", 联系地址=FORMULA_ADDRESS, 借款合同编号="-2", 经办人="+1"),
        row("OK-XML", 姓名=XML_NAME, 联系地址=XML_ADDRESS, 困难情况说明=XML_DETAILS),
        row("OK-JINJA", 姓名=JINJA_NAME, 联系地址=JINJA_ADDRESS, 困难情况说明=JINJA_DETAILS, 经办人=JINJA_CASEWORKER),
        row("OK-RARE", 姓名=RARE_NAME, 困难情况说明=RARE_DETAILS),
        row("OK-SPACES", 姓名="\u3000 张晓明 \u3000", 剩余本金=" 12,000 ", 身份证号="\u300011010519491231002X ",
            困难情况说明="  今年三月被公司裁员，\t至今未找到稳定工作。\n  靠打零工维持生活。  "),
        row("OK-FULLWIDTH", 剩余本金="１２３", 月收入="６５００", 需抚养人数="２", 分期期数="１２",
            逾期开始日期="２０２６－０６－１５", 手机号="１３８００１３８０００"),
        row("OK-LOWERX", 身份证号="11010519491231010x"),
    ]
    return table(rows).encode("utf-8")


LONG_DETAILS = "长" * 10000
LONG_ADDRESS = "a" * 10000
LONG_MONEY = "1" * 10000
LONG_TYPES = "失业" * 5000
LONG_CASE_ID = "A" * 200


def cells_bad() -> bytes:
    """One bad cell per row (UTF-8 without BOM; row 2 holds a NUL byte, which is not a binary file)."""
    rows = [
        row("BAD-NUL", 困难情况说明="今年三月被公司裁员\x00至今未找到稳定工作。"),  # row 2
        row("BAD-VT", 联系地址="文三路\x0b100号"),  # 3
        row("BAD-US", 姓名="张\x1f三"),  # 4
        row("BAD-LONG-DETAILS", 困难情况说明=LONG_DETAILS),  # 5
        row("BAD-LONG-ADDRESS", 联系地址=LONG_ADDRESS),  # 6
        row("BAD-LONG-MONEY", 剩余本金=LONG_MONEY),  # 7
        row("BAD-LONG-TYPES", 困难类型=LONG_TYPES),  # 8
        row("BAD-EXP", 剩余本金="1e5"),  # 9
        row("BAD-NAN", 未还利息="NaN"),  # 10
        row("BAD-NEGZERO", 罚息及费用="-0"),  # 11
        row("BAD-INT-NEGZERO", 需抚养人数="-0"),  # 12
        row("BAD-INT-NAN", 分期期数="NaN"),  # 13
        row("BAD-INT-EXP", 分期期数="1e1"),  # 14
        row("BAD-DATE", 逾期开始日期="2026-02-30"),  # 15
        row("BAD-ID-CHECK", 身份证号="110105194912310021"),  # 16
        row("BAD-ID-LENGTH", 身份证号="11010519491231002"),  # 17
        row("BAD-ID-EXCEL", 身份证号="1.10105E+17"),  # 18
        row("../../etc/passwd"),  # 19
        row("CON"),  # 20
        row(LONG_CASE_ID),  # 21
        row("BAD-BLANK-NAME", 姓名="\u3000\u3000 "),  # 22
        row("=1+1"),  # 23
        row("BAD-INDIC", 剩余本金="١٢٣"),  # 24  Arabic-Indic digits
        row("BAD-PHONE", 手机号="1380013800"),  # 25
    ]
    return table(rows).encode("utf-8")


def empty() -> bytes:
    return b""


def header_only() -> bytes:
    return (line(HEADER) + "\r\n").encode("utf-8-sig")


def missing_columns() -> bytes:
    header = [h for h in HEADER if h not in ("手机号", "剩余本金")]
    values = [v for h, v in zip(HEADER, row("M-1"), strict=True) if h not in ("手机号", "剩余本金")]
    return (line(header) + "\r\n" + line(values) + "\r\n").encode("utf-8")


def duplicate_header() -> bytes:
    return table([row("D-1") + ["李四"]], header=[*HEADER, "姓名"]).encode("utf-8")


def ragged() -> bytes:
    rows = [row("R-OK1"), row("R-LONG") + ["多余的内容"], row("R-SHORT")[:3], row("R-OK2")]
    return table(rows).encode("utf-8")


def unclosed_quote_middle() -> bytes:
    """Row 3 opens a quote it never closes; row 5 holds quoted cells (a quote there closes it)."""
    lines = [
        line(HEADER),
        line(row("Q-OK1")),
        line(row("Q-BROKEN")).replace("今年三月", '"今年三月', 1),
        line(row("Q-OK2")),
        line(row("Q-OK3", 剩余本金="12,000", 困难情况说明="今年三月被公司裁员，\n至今未找到稳定工作。")),
        line(row("Q-OK4")),
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def unclosed_quote_last() -> bytes:
    """The last row's quote runs to the end of the file."""
    lines = [line(HEADER), line(row("Q-OK1")), line(row("Q-LAST")).replace("李律师", '"李律师', 1)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def mixed_newlines() -> bytes:
    text = (line(HEADER) + "\r\n" + line(row("N-LF")) + "\n" + line(row("N-CR")) + "\r"
            + line(row("N-CRLF", 困难情况说明="第一行说明文字，\r\n第二行说明\n第三行说明文字。")))  # no final newline
    return text.encode("utf-8")


def utf16_tab() -> bytes:
    """What Excel writes as "Unicode text": UTF-16 LE with a BOM, tab-separated."""
    text = "".join("\t".join(r) + "\r\n" for r in [HEADER, row("U16-1"), row("U16-2", 姓名="李秀英")])
    return b"\xff\xfe" + text.encode("utf-16-le")


def utf16_no_bom() -> bytes:
    return table([row("U16N-1")]).encode("utf-16-le")


def binary_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("xl/workbook.xml", date_time=(2026, 1, 1, 0, 0, 0))
        archive.writestr(info, "<workbook/>")
    return buffer.getvalue()


def binary_png() -> bytes:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00"
    return header + bytes((i * 37 + 11) % 256 for i in range(600))


def gb18030_broken() -> bytes:
    """GBK/GB18030 (Excel on Chinese Windows); row 3's 姓名 has one broken byte sequence:
    李 (C0 EE) became FF FF, which no GB18030 character starts with."""
    good = table([row("G-1"), row("G-2", 姓名="李秀英"), row("G-3", 姓名="王芳")]).encode("gb18030")
    broken = good.replace("李秀英".encode("gb18030"), b"\xff\xff" + "秀英".encode("gb18030"), 1)
    assert broken.count(b"\xff\xff") == 1
    return broken


def gb18030_broken_id() -> bytes:
    """A broken byte inside an ID number: the message must still mask it."""
    good = table([row("GI-1", 身份证号="110105194912310A2X")]).encode("gb18030")
    return good.replace(b"310A2X", b"310\xff2X", 1)


def utf8_broken() -> bytes:
    """UTF-8 without BOM, one byte of 秀 (E7 A7 80) lost: the file is still UTF-8, not GB18030."""
    good = table([row("U8-1"), row("U8-2", 姓名="李秀英"), row("U8-3")]).encode("utf-8")
    return good.replace("秀".encode(), b"\xe7\xa7", 1)


FILES = {
    "cells_ok.csv": cells_ok,
    "cells_bad.csv": cells_bad,
    "empty.csv": empty,
    "header_only.csv": header_only,
    "missing_columns.csv": missing_columns,
    "duplicate_header.csv": duplicate_header,
    "ragged.csv": ragged,
    "unclosed_quote_middle.csv": unclosed_quote_middle,
    "unclosed_quote_last.csv": unclosed_quote_last,
    "mixed_newlines.csv": mixed_newlines,
    "utf16_tab.csv": utf16_tab,
    "utf16_no_bom.csv": utf16_no_bom,
    "binary_xlsx.csv": binary_xlsx,
    "binary_png.csv": binary_png,
    "gb18030_broken.csv": gb18030_broken,
    "gb18030_broken_id.csv": gb18030_broken_id,
    "utf8_broken.csv": utf8_broken,
}


def make(folder: Path = HERE) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, maker in FILES.items():
        path = folder / name
        path.write_bytes(maker())
        written.append(path)
    return written


if __name__ == "__main__":
    for path in make(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
