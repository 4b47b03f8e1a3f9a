"""Turning cell text into typed values: money, dates, integers, ID and phone numbers, lists.

Each parser raises ValueError with a Chinese message saying what is expected; validate.py hands
them to Cerberus as coercers, so a failure becomes an ordinary validation error of that cell.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from pipeline.common.i18n import _

# [0-9], not \d: \d also matches Arabic-Indic, Devanagari … digits, which must not reach a document.
MONEY = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$")
MONEY_LIMIT = Decimal("1000000000")  # 10亿: beyond any personal online loan; a typo, not a debt
DATE_FORMS = (
    re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日$"),
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
LIST_SEPARATORS = re.compile(r"[;、,]")
# XML 1.0 forbids these; a cell holding one would make a corrupt .docx.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def narrow(text: str) -> str:
    """Full-width digits and punctuation as their ASCII forms (１２３，４５ → 123,45)."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_text(value: str) -> str:
    found = ILLEGAL_XML.search(value)
    if found:
        symbol = chr(0x2400 + ord(found.group())) if found.group() < " " else "\ufffd"
        raise ValueError(_("第{position}个字符是不可见的控制字符（U+{code:04X}，显示为{symbol}），请删除后重新输入").format(
            position=found.start() + 1, code=ord(found.group()), symbol=symbol))
    return value.replace("\r\n", "\n").replace("\r", "\n")


def parse_money(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    text = narrow(str(value)).replace(" ", "")
    for prefix in ("人民币", "RMB", "rmb", "¥"):
        text = text.removeprefix(prefix)
    text = text.removesuffix("元")
    if text.startswith(("-", "−", "+")):
        raise ValueError(_("应为不小于0的金额，不能带正负号"))
    if re.fullmatch(r"[0-9.,]*[eE][+-]?[0-9]+", text):
        raise ValueError(_("不能用科学计数法，请填写完整金额，如 12345.67"))
    if not MONEY.match(text):
        raise ValueError(_("不是有效金额，应为数字，如 12345.67、12,345.67、¥12,345.67 或 12345.67元"))
    whole, _dot, cents = text.partition(".")
    if len(cents) > 2:
        raise ValueError(_("最多两位小数（到分）"))
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # the regex makes this unreachable; kept as a guard
        raise ValueError(_("不是有效金额")) from exc
    if amount >= MONEY_LIMIT:
        raise ValueError(_("金额过大，请核对"))
    return amount


def parse_date(value) -> date:
    if isinstance(value, date):
        return value
    text = narrow(str(value)).replace(" ", "")
    for form in DATE_FORMS:
        match = form.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise ValueError(_("日期不存在，请核对年月日")) from None
    raise ValueError(_("不是有效日期，应写作 2026-03-05、2026/3/5 或 2026年3月5日"))


def parse_integer(value) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = narrow(str(value)).replace(" ", "")
    if text.startswith(("-", "−", "+")):
        raise ValueError(_("应为不小于0的整数，不能带正负号"))
    if re.fullmatch(r"[0-9.]*[eE][+-]?[0-9]+", text):
        raise ValueError(_("应为整数，不能用科学计数法"))
    if re.fullmatch(r"[0-9]+\.[0-9]+", text):
        raise ValueError(_("应为整数，不能有小数"))
    if not re.fullmatch(r"[0-9]{1,6}", text):
        raise ValueError(_("应为整数"))
    return int(text)


def parse_id_number(value: str) -> str:
    return narrow(str(value)).replace(" ", "").upper()


def id_number_problem(number: str, today: date) -> str | None:
    """What is wrong with a resident ID number (GB 11643-1999), or None."""
    if re.fullmatch(r"[0-9.]+E\+?[0-9]+", number):
        return _("被表格软件变成了科学计数法，后几位已丢失；请将该列设为文本格式后重新输入完整号码")
    if len(number) != 18:
        return _("应为18位居民身份证号码，现为{length}位").format(length=len(number))
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return _("前17位应为数字，最后一位为数字或X")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _("其中的出生日期不存在")
    if born > today or born.year < 1900:
        return _("其中的出生日期不合理")
    if id_check_character(number[:17]) != number[17]:
        return _("校验码不正确，请核对号码")
    return None


def id_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def parse_phone(value) -> str:
    text = narrow(str(value))
    text = re.sub(r"[\s-]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    return text


def parse_items(value) -> list[str]:
    """'失业、疾病' or 'unemployment;illness' → ['失业', '疾病'] (duplicates dropped)."""
    if isinstance(value, list):
        return value
    items = [narrow(item) for item in LIST_SEPARATORS.split(narrow(str(value)))]
    return list(dict.fromkeys(item for item in items if item))


def parse_evidence(value) -> list[tuple[str, int | None]]:
    """'工资单:3;银行流水' → [('工资单', 3), ('银行流水', None)]."""
    if isinstance(value, list):
        return value
    result = []
    for item in parse_items(value):
        kind, colon, pages = item.partition(":")
        kind, pages = kind.strip(), pages.strip().removesuffix("页").strip()
        if colon and not re.fullmatch(r"\d{1,4}", pages):
            raise ValueError(_("“{item}”的页数应为整数，格式为 类型:页数，如 银行流水:6").format(item=item))
        if colon and int(pages) == 0:
            raise ValueError(_("“{item}”的页数应至少为1").format(item=item))
        result.append((kind, int(pages) if colon else None))
    return result
