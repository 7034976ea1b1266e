"""docs/definition-format.md, the reference a plan analyst follows to write a definition,
generated from the JSON Schemas (and the rule engine's operators) so it never drifts from them.

`python -m lieu.platform.definitions.reference` rewrites the file; `--check` exits 1 when the
committed file is stale (what the test runs).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lieu.platform.definitions.narrowing import NARROWING_RULES
from lieu.platform.definitions.schema import DEFINITION_SCHEMA, definition_schema
from lieu.platform.members.facts import (
    DEFINITIONS_ROOT,
    MEMBER_FACTS_SCHEMA,
    load_vocabulary,
    member_facts_schema,
)
from lieu.platform.rules.dates import age_at, date_add_days, days_between, within_days
from lieu.platform.rules.operators import OPERATORS

DOC_FILE = DEFINITIONS_ROOT.parent / "docs" / "definition-format.md"
EXAMPLE = DEFINITIONS_ROOT / "demo-plan" / "asthma-remediation" / "v1.json"
Schema = Mapping[str, Any]
MANY = 40  # longer lists of allowed values are shown by their first and last


@dataclass(frozen=True, slots=True)
class DateOperator:
    """How one of lieu's date operators is written, what it gives, and an example."""

    signature: str
    meaning: str
    example: dict[str, list[object]]  # a rule; its result is worked out when the page is written


DATE_OPERATORS = (
    DateOperator(
        "age_at(date_of_birth, on)",
        "Whole years from the first date to the second; the age goes up on the birthday itself "
        "(a 29 February birthday counts from 1 March in common years).",
        {"age_at": ["1945-03-08", "2026-03-02"]},
    ),
    DateOperator(
        "days_between(start, end)",
        "Days from start to end, negative when end is earlier.",
        {"days_between": ["2025-12-10", "2026-03-02"]},
    ),
    DateOperator(
        "date_add_days(date, days)",
        "The date that many whole days later (earlier when negative), as YYYY-MM-DD.",
        {"date_add_days": ["2026-03-02", -30]},
    ),
    DateOperator(
        "within_days(date, days, on)",
        "True when the date falls in the `days` days up to and including `on` (a later date is "
        "not within).",
        {"within_days": ["2026-02-10", 30, "2026-03-02"]},
    ),
)
DATE_FUNCTIONS: dict[str, Callable[..., object]] = {
    "age_at": age_at,
    "days_between": days_between,
    "date_add_days": date_add_days,
    "within_days": within_days,
}  # the functions the rule engine runs for these operators
RULE_EXAMPLE = {
    "and": [
        {">=": [{"age_at": [{"var": "birth_date"}, {"var": "as_of"}]}, 18]},
        {"within_days": [{"var": "recent_discharge.date"}, 30, {"var": "as_of"}]},
        {
            "in": [
                {"var": "recent_discharge.setting"},
                ["inpatient_hospital", "skilled_nursing_facility"],
            ]
        },
    ]
}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(value: object) -> str:
    return f"`{value if isinstance(value, str) else json.dumps(value)}`"


def _ref_name(node: Schema) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def kind(node: Schema) -> str:
    """A schema node's type in words: 'integer ≥ 1', 'date (YYYY-MM-DD)', 'list of [limit]'."""
    if (name := _ref_name(node)) is not None:
        return f"[{name}](#{name.lower()})"
    alternatives = node.get("oneOf") or node.get("anyOf")
    if alternatives:
        return " or ".join(kind(alternative) for alternative in alternatives)
    if "enum" in node:
        return "one of " + ", ".join(_code(v) for v in node["enum"])
    if "const" in node:
        return _code(node["const"])
    types = node.get("type")
    names = types if isinstance(types, list) else [types] if types else []
    said = " or ".join(_one_type(str(t), node) for t in names) or "any JSON value"
    return said


def _one_type(name: str, node: Schema) -> str:
    if name == "string":
        if node.get("format") == "date":
            return "date (YYYY-MM-DD)"
        if "pattern" in node:
            return f"text matching {_code(node['pattern'])}"
        return "text" + (" (not empty)" if node.get("minLength") else "")
    if name in ("integer", "number"):
        bounds = [f"≥ {node['minimum']}"] if "minimum" in node else []
        bounds += [f"≤ {node['maximum']}"] if "maximum" in node else []
        return " ".join([name, *bounds])
    if name == "array":
        items = node.get("items", {})
        said = f"list of {kind(items)}"
        if node.get("minItems"):
            said += f", at least {node['minItems']}"
        return said + (", no repeats" if node.get("uniqueItems") else "")
    if name == "object":
        return "object" + (" (fields below)" if node.get("properties") else "")
    return name


def _described(node: Schema) -> str:
    """A node's description, or that of the part it refers to."""
    if node.get("description"):
        return str(node["description"])
    name = _ref_name(node)
    part = definition_schema(DEFINITION_SCHEMA).get("$defs", {}).get(name, {}) if name else {}
    return str(part.get("description", ""))


def rows(node: Schema, prefix: str = "") -> Iterator[tuple[str, str, str, str]]:
    """(field, type, required, description) for each property, nested objects' fields after."""
    required = set(node.get("required", ()))
    for name, child in node.get("properties", {}).items():
        if name.startswith("$"):
            continue
        field = f"{prefix}{name}"
        needed = "yes" if name in required else ""
        yield field, kind(child), needed, _described(child)
        if child.get("properties") and _ref_name(child) is None:
            yield from rows(child, field + ".")


def table(node: Schema, prefix: str = "") -> list[str]:
    """A Markdown table of a schema object's fields."""
    found = list(rows(node, prefix))
    if not found:
        return []
    lines = ["| field | type | required | meaning |", "|---|---|---|---|"]
    lines += [f"| `{f}` | {_cell(t)} | {r} | {_cell(d)} |" for f, t, r, d in found]
    return lines


def _condition(rule: Schema) -> str:
    tests = [
        f"`{name}` is {_code(child['const'])}"
        for name, child in rule.get("properties", {}).items()
        if "const" in child
    ]
    return " and ".join(tests) or "the condition in the schema holds"


def conditionals(node: Schema) -> list[str]:
    """What the schema's if/then/else says: fields required, forbidden or added in a case."""
    lines: list[str] = []
    for rule in node.get("allOf", ()):
        if "if" not in rule:
            continue
        for label, branch in (("When", rule.get("then")), ("Otherwise", rule.get("else"))):
            if not isinstance(branch, Mapping):
                continue
            when = f"{label} {_condition(rule['if'])}" if label == "When" else "Otherwise"
            said = []
            if branch.get("required"):
                said.append("required: " + ", ".join(f"`{f}`" for f in branch["required"]))
            forbidden = branch.get("not", {}).get("required", ())
            if forbidden:
                said.append("not allowed: " + ", ".join(f"`{f}`" for f in forbidden))
            lines.append(f"- {when}: {'; '.join(said) or 'these fields apply'}.")
            extra = table(branch)
            if extra:
                lines += ["", *extra, ""]
    return lines


def pretty(value: object, indent: str = "", width: int = 80) -> str:
    """JSON indented only where a line would be too long, so rules read at a glance."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(indent) + len(flat) <= width or not isinstance(value, dict | list) or not value:
        return flat
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {pretty(v, inner, width)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    return "[\n" + ",\n".join(inner + pretty(v, inner, width) for v in value) + f"\n{indent}]"


def _json(value: object) -> list[str]:
    return ["```json", pretty(value), "```", ""]


def _examples(node: Schema) -> list[str]:
    return [line for example in node.get("examples", ()) for line in _json(example)]


def _narrowing() -> list[str]:
    lines = [
        "## A plan version extends a baseline and may only narrow it",
        "",
        "DHCS sets each support's baseline (plan `dhcs`, no `extends`). A plan's version names "
        "the baseline version it builds on in `extends` and lists only what it adds or lowers; "
        "what it leaves out is inherited. The definition in force is the baseline narrowed by "
        "the plan: eligibility is the baseline's criteria AND the plan's, each limit is the "
        "lower of the two, the plan's authorization and pricing replace the baseline's when "
        "it gives them. Validation refuses any widening, with the problem's code:",
        "",
        "| rule | problem code |",
        "|---|---|",
    ]
    lines += [f"| {_cell(text)} | `{code}` |" for code, text in NARROWING_RULES]
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    name = EXAMPLE.relative_to(DEFINITIONS_ROOT.parent).as_posix()
    return [*lines, "", f"A plan version as shipped, `{name}`:", "", *_json(example)]


def _rules() -> list[str]:
    allowed = ", ".join(f"`{name}`" for name in OPERATORS)
    lines = [
        "## Eligibility rules",
        "",
        "Each criterion's `rule` is a [JsonLogic](https://jsonlogic.com) rule that is true when "
        "the criterion is met. It reads member facts with `var` and a declared fact's path "
        '(below); the date of service is `{"var": "as_of"}`. A fact that is missing never '
        "meets a criterion: the answer is then *undetermined*, naming the fact. Test for a "
        "missing fact explicitly with `missing`.",
        "",
        f"Operators allowed: {allowed}. Any other operator is refused, with the nearest one "
        "suggested (`eq` → `==`).",
        "",
        "For example, 18 or older, discharged in the last 30 days from a hospital or a "
        "skilled nursing facility:",
        "",
        *_json(RULE_EXAMPLE),
        "### Date operators",
        "",
        "Dates are written YYYY-MM-DD. There is no `today`: rules compare with "
        '`{"var": "as_of"}`, so a rule gives the same answer whenever it runs.',
        "",
        "| operator | gives | example | result |",
        "|---|---|---|---|",
    ]
    for op in DATE_OPERATORS:
        ((name, args),) = op.example.items()
        result = json.dumps(DATE_FUNCTIONS[name](*args))
        lines.append(
            f"| `{op.signature}` | {_cell(op.meaning)} | `{json.dumps(op.example)}` | `{result}` |"
        )
    return [*lines, ""]


def _facts() -> list[str]:
    schema = member_facts_schema(MEMBER_FACTS_SCHEMA)
    lines = [
        "## Member facts a rule may read",
        "",
        _cell(schema.get("description", "")),
        "",
        "A rule that reads a fact not declared here is refused, with the declared path it most "
        "likely means.",
        "",
        "| path | type | label (in reasons) | meaning |",
        "|---|---|---|---|",
    ]
    for path, fact in load_vocabulary(MEMBER_FACTS_SCHEMA).facts.items():
        if fact.kind == "object":
            continue
        said = fact.kind
        values = fact.enum or fact.item_enum
        if values:
            each = "one" if fact.enum else "each"
            if len(values) > MANY:
                said += f" ({each} of {len(values)} values, `{values[0]}` … `{values[-1]}`)"
            else:
                said += f" ({each} of {', '.join(f'`{v}`' for v in values)})"
        lines.append(
            f"| `{path}` | {_cell(said)} | {_cell(fact.label)} | {_cell(fact.description)} |"
        )
    return [*lines, ""]


def reference() -> str:
    """The whole page, ending with a newline."""
    schema = definition_schema(DEFINITION_SCHEMA)
    name = DEFINITION_SCHEMA.relative_to(DEFINITIONS_ROOT.parent).as_posix()
    lines = [
        "# The benefit definition format",
        "",
        f"<!-- Generated from {name} and the member-facts schema by "
        "`python -m lieu.platform.definitions.reference`; edit those, not this page. -->",
        "",
        _cell(schema.get("description", "")),
        "",
        "Check a file with `lieu definitions validate PATH` (every problem, one line each); "
        "compare versions with `lieu definitions diff`.",
        "",
        *_narrowing(),
        "## Fields of a definition",
        "",
        *table(schema),
        "",
        *conditionals(schema),
        "",
    ]
    for part, node in schema.get("$defs", {}).items():
        lines += [f"### {part}", "", _cell(node.get("description", "")), ""]
        lines += table(node)
        lines += ["", *conditionals(node), *_examples(node)]
    lines += _rules()
    lines += _facts()
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n"


def main(argv: list[str]) -> int:
    """Write the page, or with `--check` only compare it."""
    page = reference()
    if "--check" in argv:
        if DOC_FILE.exists() and DOC_FILE.read_text(encoding="utf-8") == page:
            return 0
        print(
            f"{DOC_FILE} is stale; run `python -m lieu.platform.definitions.reference`",
            file=sys.stderr,
        )
        return 1
    DOC_FILE.write_text(page, encoding="utf-8")
    print(f"wrote {DOC_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
