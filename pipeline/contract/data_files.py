"""The YAML files staff edit — the lender list, the expected evidence, an organisation profile —
read safely and checked against their own Cerberus schemas before anything uses them.

A typo is one line naming the file, the entry and the key (`lenders.yaml：「微粒贷」的「legal_nmae」
不是可用的项目…`); it stops the run (RunError), never as a traceback. YAML aliases are refused:
these files never need them, and nested aliases expand to gigabytes from a few hundred bytes.
"""

from __future__ import annotations

from pathlib import Path

import cerberus
import yaml
from cerberus import errors as cerr

from pipeline.common.errors import RunError
from pipeline.common.i18n import _
from pipeline.common.model import LENDER_KINDS
from pipeline.common.safe_files import FileRefused, read_regular_file
from pipeline.contract.messages import CollectedErrors

MAX_YAML_BYTES = 1 * 2**20
TEXT = {"type": "string", "empty": False}

# The rules of each kind of file. Root documents that are mappings with free keys (one entry per
# lender) are validated as {"entries": document}.
RULES: dict[str, dict] = {
    "lenders": {"entries": {
        "type": "dict", "required": True, "empty": False,
        "keysrules": {"type": "string", "empty": False, "maxlength": 40},
        "valuesrules": {"type": "dict", "schema": {
            "kind": {"type": "string", "required": True, "allowed": list(LENDER_KINDS)},
            "aliases": {"type": "list", "schema": {**TEXT, "maxlength": 60}},
            "legal_name": {"type": "string", "maxlength": 100},
            "certainty": {"type": "string", "allowed": ["confirmed", "reported"], "dependencies": "legal_name"},
            "earlier_creditors": {"type": "list", "schema": {**TEXT, "maxlength": 100}},
            "partner_funded": {"type": "boolean"},
            "address": {"type": "string", "maxlength": 200},
            "hotline": {"type": "string", "maxlength": 40, "regex": r"^[0-9\-]*$"},
            "online_service": {"type": "string", "maxlength": 100},
            "repayment_channel": {"type": "string", "maxlength": 100},
            "caution": {"type": "string", "maxlength": 200},
        }},
    }},
    "evidence": {
        "always": {"type": "list", "required": True, "schema": "{expected}"},
        "by_hardship": {"type": "dict", "required": True,
                        "keysrules": {"type": "string", "allowed": "{hardship_types}"},
                        "valuesrules": {"type": "list", "schema": "{expected}"}},
    },
    "organisation": {
        "name": {**TEXT, "required": True, "maxlength": 100},
        "address": {"type": "string", "maxlength": 200},
        "phone": {"type": "string", "maxlength": 40},
        "logo": {"type": "string", "maxlength": 200},
    },
}
# One expected material: the kinds that satisfy it, and what to gather in plain words.
EXPECTED = {"type": "dict", "schema": {
    "kinds": {"type": "list", "required": True, "minlength": 1, "schema": {"type": "string", "allowed": "{evidence}"}},
    "what": {**TEXT, "required": True, "maxlength": 100},
}}
FREE_KEYS = {"lenders"}


class _NoAliases(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "alias", mark)
        return super().compose_node(parent, index)


def read_yaml(path: Path):
    """A YAML file's data; RunError naming the file when it cannot be read or parsed."""
    try:
        text = read_regular_file(path, MAX_YAML_BYTES).decode("utf-8")
    except FileRefused as exc:
        raise RunError(_("{file}：{problem}").format(file=path.name, problem=exc)) from None
    except UnicodeDecodeError:
        raise RunError(_("{file}：不是UTF-8编码的文本文件").format(file=path.name)) from None
    try:
        return yaml.load(text, Loader=_NoAliases)  # noqa: S506 - a SafeLoader that also refuses aliases
    except yaml.composer.ComposerError as exc:
        if exc.problem == "alias":
            raise RunError(_("{file}：第{line}行使用了YAML别名（*），本文件不允许使用别名").format(
                file=path.name, line=exc.problem_mark.line + 1 if exc.problem_mark else "?")) from None
        raise RunError(_("{file}：不是有效的YAML（第{line}行）").format(
            file=path.name, line=exc.problem_mark.line + 1 if exc.problem_mark else "?")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RunError(_("{file}：不是有效的YAML（第{line}行）").format(
            file=path.name, line=mark.line + 1 if mark else "?")) from None


def load_data_file(path: Path, kind: str, enums: dict[str, list[str]] | None = None) -> dict:
    """Read and check one data file; `enums` fills the allowed values named in its rules."""
    data = read_yaml(path)
    if kind not in RULES:
        if not isinstance(data, dict):
            raise RunError(_("{file}：内容应为键值对（YAML映射）").format(file=path.name))
        return data
    document = {"entries": data} if kind in FREE_KEYS else data
    if not isinstance(document, dict) or (kind in FREE_KEYS and not isinstance(data, dict)):
        raise RunError(_("{file}：内容应为键值对（YAML映射）").format(file=path.name))
    validator = cerberus.Validator(_filled(RULES[kind], enums or {}), error_handler=CollectedErrors)
    if not validator.validate(document):
        found = sorted(validator.errors, key=lambda e: e.code != cerr.UNKNOWN_FIELD.code)  # a typo first
        problems = [_problem_text(error, kind) for error in found]
        raise RunError(_("{file}：{problems}").format(file=path.name, problems="；".join(problems[:3])))
    return data


def _filled(rules, enums: dict[str, list[str]]):
    if isinstance(rules, dict):
        return {key: _filled(value, enums) for key, value in rules.items()}
    if rules == "{expected}":
        return _filled(EXPECTED, enums)
    if isinstance(rules, str) and rules.startswith("{") and rules.endswith("}"):
        return enums[rules[1:-1]]
    return rules


def _problem_text(error: cerberus.errors.ValidationError, kind: str) -> str:
    path = list(error.document_path)
    if kind in FREE_KEYS:
        path = path[1:]
    steps = [_("第{number}项").format(number=step + 1) if isinstance(step, int) else f"「{step}」" for step in path]
    where = _("的").join(["".join(steps[:-1]), steps[-1]]) if len(steps) > 1 else "".join(steps)
    code = error.code
    if code == cerr.UNKNOWN_FIELD.code:
        allowed = "、".join(_allowed_keys(kind, error.document_path))
        return _("{where}不是可用的项目（可用：{allowed}）").format(where=where, allowed=allowed)
    if code == cerr.REQUIRED_FIELD.code:
        return _("{where}为必填项，不能缺少").format(where=where)
    if code == cerr.EMPTY_NOT_ALLOWED.code:
        return _("{where}不能为空").format(where=where)
    if code == cerr.BAD_TYPE.code:
        wanted = {"string": _("文本"), "list": _("列表"), "dict": _("键值对"), "boolean": _("true或false")}.get(
            error.constraint, error.constraint)
        return _("{where}应为{wanted}").format(where=where, wanted=wanted)
    if code == cerr.UNALLOWED_VALUE.code:
        value = "" if path and error.value == path[-1] else _("的“{value}”").format(value=error.value)
        return _("{where}{value}不是可用的值（可用：{allowed}）").format(
            where=where, value=value, allowed="、".join(map(str, error.constraint)))
    if code == cerr.DEPENDENCIES_FIELD.code:
        needed = [error.constraint] if isinstance(error.constraint, str) else list(error.constraint)
        return _("{where}须与{other}一起填写").format(where=where, other="、".join(f"「{n}」" for n in needed))
    if code == cerr.REGEX_MISMATCH.code:
        return _("{where}格式不正确（只能含数字和-）").format(where=where)
    if code == cerr.MAX_LENGTH.code:
        return _("{where}过长（最多{limit}个字符）").format(where=where, limit=error.constraint)
    return _("{where}不符合要求").format(where=where)


def _allowed_keys(kind: str, document_path: tuple) -> list[str]:
    """The keys the rules allow where an unknown one was found."""
    rule = {"type": "dict", "schema": _filled(RULES[kind], _AnyValues())}
    for step in document_path[:-1]:
        if rule.get("type") == "dict" and isinstance(rule.get("schema"), dict) and step in rule["schema"]:
            rule = rule["schema"][step]
        elif rule.get("type") == "dict" and isinstance(rule.get("valuesrules"), dict):
            rule = rule["valuesrules"]
        elif rule.get("type") == "list" and isinstance(rule.get("schema"), dict):
            rule = rule["schema"]
        else:
            return []
    return list(rule["schema"]) if isinstance(rule.get("schema"), dict) else []


class _AnyValues(dict):
    """Enumerations do not matter when only the keys of the rules are wanted."""

    def __missing__(self, key):
        return []
