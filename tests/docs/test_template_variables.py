"""templates/README.md's variable table against the contexts the templates are really given (issue 26,
point 7): every name the table lists exists in the context of the schema's example row or of a
three-debt client (赵磊), and every name those contexts hold, two levels deep, is in the table. A
staff member writing a template reads the table; a name missing from it, or one it promises that
is not there, is a template that fails at the office."""

from __future__ import annotations

import re

from conftest import PACKET_DATE, ROOT, zhao_lei

from pipeline.contract import default_contract
from pipeline.documents.packet import packet_sets
from pipeline.documents.template_check import example_sets
from pipeline.plan import plan_case

TABLE = ROOT / "templates" / "README.md"


def documented() -> tuple[set[str], set[str], set[str]]:
    """(names, the names of the name column alone, roots whose children are given as a placeholder such as `hardship.<type>`). In both
    tables (## Variables, ## The borrower's set); a row naming a plain root (`ranges`, `lenders`…)
    lists its fields in the meaning column, and `lenders[].negotiation` is a field of `lenders`."""
    text = TABLE.read_text("utf-8")
    names: set[str] = set()
    named: set[str] = set()
    open_roots: set[str] = set()
    for line in text[text.index("## Variables"):].splitlines():
        if not line.startswith("| `"):
            continue
        cell, meaning = line.split("|")[1:3]
        previous = ""
        tokens = []
        for token in re.findall(r"`([^`]+)`", cell):
            if token.startswith("."):  # `borrower.name` / `.phone`: a sibling of the first name
                token = previous.split(".")[0] + token
            elif token.startswith("_"):  # `loan.total_owed` / `_words`
                token = previous + token
            token = token.replace("[]", "")
            if token.endswith(".<type>") or token.endswith(".<kind>"):
                open_roots.add(token.split(".")[0])
            else:
                names.add(token)
                named.add(token)
                tokens.append(token)
            previous = token
        for root in tokens:
            if root.count(".") <= 1:  # `ranges`: `monthly`, `surplus`…; `all_debts[].notice`: `available`…
                base = root.split(".")[0]
                names.update(f"{base}.{field}" for field in re.findall(r"`([a-z_]+)`", meaning))
    return names, named, open_roots


def context_names() -> set[str]:
    contract = default_contract()
    contexts = [s.context for s in example_sets(contract, PACKET_DATE)]
    case = zhao_lei()
    contexts += [s.context for s in packet_sets(case, plan_case(case, PACKET_DATE).plan, contract)]
    found: set[str] = set()
    for context in contexts:
        for key, value in context.items():
            found.add(key)
            if isinstance(value, dict):
                found.update(f"{key}.{child}" for child in value)
            elif isinstance(value, list):  # `all_debts`, `lenders`: the fields of their entries
                found.update(f"{key}.{child}" for item in value if isinstance(item, dict) for child in item)
    return found


def test_the_table_is_read():
    names, _, open_roots = documented()
    assert len(names) > 100 and {"hardship", "request"} <= open_roots  # the parser sees the table
    assert {"borrower.phone", "loan.total_owed_words", "plan.schedule", "org.logo"} <= names


def test_every_name_in_the_table_is_in_a_context():
    _, named, _ = documented()
    real = context_names()
    promised = {name for name in named if name not in real}
    assert not promised, f"templates/README.md lists names no context holds: {sorted(promised)}"


def test_every_name_a_template_is_given_is_in_the_table():
    names, _, open_roots = documented()

    def listed(name: str) -> bool:
        root, _, child = name.partition(".")
        if not child:
            return name in names or name in open_roots or any(n.startswith(name + ".") for n in names)
        # the borrower's set gives `lender` as the first entry of `lenders`, and each entry of `lenders`
        # holds what `lender` holds
        return name in names or root in open_roots or (root == "lender" and f"lenders.{child}" in names) \
            or (root == "lenders" and f"lender.{child}" in names)

    missing = sorted(name for name in context_names() if not listed(name))
    assert not missing, f"names templates are given but templates/README.md does not list: {missing}"
