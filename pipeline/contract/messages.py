"""Cerberus's findings as the messages staff read: the column, the value, what is expected."""

from __future__ import annotations

import cerberus
from cerberus import errors as cerr

from pipeline.common.i18n import _


class CollectedErrors(cerberus.errors.BaseErrorHandler):
    """Cerberus's own error objects — the leaves of any group error, in the order found — instead
    of its nested dict of strings: each one knows its field, rule, value and constraint."""

    def __call__(self, errors):
        self.found: list[cerberus.errors.ValidationError] = []
        self.extend(errors)
        return self.found

    def add(self, error):
        if error.is_group_error:
            for child in error.child_errors:
                self.add(child)
        else:
            self.found.append(error)


def rule_code(error: cerberus.errors.ValidationError) -> str:
    if error.code == cerr.COERCION_FAILED.code:
        return f"bad_{error.field}"
    return error.rule or "invalid"


def problem_text(error: cerberus.errors.ValidationError, column) -> str:
    code = error.code
    description = _(column.description)  # schemas/case.yaml; the English catalog has them too
    if code == cerr.REQUIRED_FIELD.code:
        return _("为必填项，不能为空（{description}）").format(description=description)
    if code == cerr.COERCION_FAILED.code:
        return _("：{reason}").format(reason=error.info[0])
    if code == cerr.MIN_LENGTH.code:
        return _("过短：至少{limit}个字符，现为{length}个（{description}）").format(
            limit=error.constraint, length=len(error.value), description=description)
    if code == cerr.MAX_LENGTH.code:
        return _("过长：最多{limit}个字符，现为{length}个").format(limit=error.constraint, length=len(error.value))
    if code in (cerr.MIN_VALUE.code, cerr.MAX_VALUE.code):
        return _("超出范围（{description}）").format(description=description)
    if code in (cerr.REGEX_MISMATCH.code, cerr.BAD_TYPE.code):
        return _("格式不正确（{description}）").format(description=description)
    if code == cerr.CUSTOM.code:
        return _("：{reason}").format(reason=error.info[0]) if error.info else _("不符合要求")
    return _("不符合要求（{description}）").format(description=description)
