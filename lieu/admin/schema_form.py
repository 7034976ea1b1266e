"""A form for a benefit definition, generated from the published JSON Schema
(benefit_definitions/schema/definition.schema.json): every property the schema declares is a
field, so a new schema field appears in the studio without new page code.

Each field carries the JSON pointer of its value (`data-pointer`) and how to read it back
(`data-kind`: string, date, integer, number, boolean, enum, json); arrays carry a template of a
new item. The studio's script reads the fields back into the document in the schema's order,
keeps the raw JSON beside it in step, and shows each validation problem at the field its
pointer names. Without the script the raw JSON is the form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

NEW_ITEM = "__new__"  # the index of an array's item template, replaced when one is added
ABSENT = object()  # a field the document leaves out (JSON null is None)


@dataclass(frozen=True, slots=True)
class FormContext:
    """What the form is drawn with: the schema (for $ref), hints beside fields (the baseline's
    bounds, by pointer) and fields shown read-only (by pointer)."""

    schema: Mapping[str, Any]
    hints: Mapping[str, str] = field(default_factory=dict)
    read_only: frozenset[str] = frozenset()

    def resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        seen = 0
        while "$ref" in node and seen < 20:
            path = str(node["$ref"]).removeprefix("#/").split("/")
            target: Any = self.schema
            for part in path:
                target = target[part]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            seen += 1
        return node


def _id(pointer: str) -> str:
    return "f" + pointer.replace("/", "-").replace("_", "-") if pointer else "f-root"


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _kind(node: Mapping[str, Any]) -> str:
    kinds = node.get("type")
    if "enum" in node:
        return "enum"
    if "const" in node:
        return "const"
    if isinstance(kinds, list) or "oneOf" in node or "anyOf" in node:
        return "json"
    if kinds == "string":
        return "date" if node.get("format") == "date" else "string"
    if kinds in ("integer", "number", "boolean", "array"):
        return str(kinds)
    if kinds == "object" and "properties" in node:
        return "object"
    return "json"


def render_form(document: Mapping[str, Any], context: FormContext) -> Markup:
    """The whole document as fields, in the schema's order."""
    return _object(context.schema, document, "", context, top=True)


def _object(
    node: Mapping[str, Any],
    value: Any,
    pointer: str,
    context: FormContext,
    *,
    top: bool = False,
) -> Markup:
    value = value if isinstance(value, Mapping) else {}
    required = set(node.get("required", ()))
    parts = []
    for name, child in node.get("properties", {}).items():
        if name == "$schema":
            continue
        parts.append(
            _field(
                name,
                context.resolve(child),
                value.get(name, ABSENT),
                f"{pointer}/{name}",
                context,
                required=name in required,
            )
        )
    body = Markup("").join(parts)
    if top:
        return Markup(
            '<div class="schema-form" data-pointer="" data-kind="object">{}</div>'
        ).format(body)
    return body


def _help(node: Mapping[str, Any], pointer: str, context: FormContext) -> Markup:
    described = node.get("description")
    hint = context.hints.get(pointer)
    parts = []
    if described:
        parts.append(Markup('<span class="help">{}</span>').format(described))
    if hint:
        parts.append(Markup('<span class="bound" data-bound="{}">{}</span>').format(pointer, hint))
    parts.append(
        Markup('<span class="problem" data-problem-for="{}" role="alert"></span>').format(pointer)
    )
    return Markup("").join(parts)


def _field(
    name: str,
    node: Mapping[str, Any],
    value: Any,
    pointer: str,
    context: FormContext,
    *,
    required: bool,
) -> Markup:
    kind = _kind(node)
    if value is ABSENT:
        text = ""
        value = None
    else:
        text = json.dumps(value, indent=1, ensure_ascii=False)
    label = node.get("title") or _label(name)
    mark = Markup(' <span class="required" aria-hidden="true">*</span>') if required else ""
    locked = pointer in context.read_only
    if kind == "object":
        return Markup(
            '<fieldset data-pointer="{p}" data-kind="object"{opt}><legend>{label}{mark}</legend>'
            "{help}{body}</fieldset>"
        ).format(
            p=pointer,
            opt=Markup("") if required else Markup(' data-optional="1"'),
            label=label,
            mark=mark,
            help=_help(node, pointer, context),
            body=_object(node, value, pointer, context),
        )
    if kind == "array":
        return _array(node, value, pointer, context, label, mark)
    ident = _id(pointer)
    common = Markup(
        'id="{i}" name="{p}" data-pointer="{p}" data-kind="{k}"{req}{ro} '
        'aria-describedby="{i}-help"'
    ).format(
        i=ident,
        p=pointer,
        k=kind,
        req=Markup(" required") if required and kind != "boolean" else "",
        ro=Markup(" readonly") if locked else "",
    )
    if kind == "enum":
        choices = node["enum"]
        options = Markup("").join(
            Markup('<option value="{v}"{s}>{v}</option>').format(
                v=json.dumps(c) if not isinstance(c, str) else c,
                s=Markup(" selected") if c == value else "",
            )
            for c in choices
        )
        empty = Markup('<option value="">—</option>') if not required or value is None else ""
        control = Markup("<select {c}>{e}{o}</select>").format(c=common, e=empty, o=options)
    elif kind == "const":
        control = Markup('<input type="text" {c} value="{v}" readonly>').format(
            c=common, v=node["const"]
        )
    elif kind == "boolean":
        # an unticked box is written back only where the document had the field (or in an item
        # being added): an optional section left empty stays out of the document
        present = value is not None or NEW_ITEM in pointer
        control = Markup('<input type="checkbox" {c}{on}{present}>').format(
            c=common,
            on=Markup(" checked") if value is True else "",
            present=Markup(' data-present="1"') if present else "",
        )
    elif kind in ("integer", "number"):
        limits = Markup("").join(
            Markup(' {}="{}"').format(attr, node[key])
            for key, attr in (("minimum", "min"), ("maximum", "max"))
            if key in node
        )
        step = ' step="1"' if kind == "integer" else ' step="any"'
        control = Markup('<input type="number" {c}{l}{s} value="{v}">').format(
            c=common, l=limits, s=Markup(step), v="" if value is None else value
        )
    elif kind == "date":
        control = Markup('<input type="date" {c} value="{v}">').format(c=common, v=value or "")
    elif kind == "string":
        long = (
            name in ("description", "reference", "reason", "requires")
            or node.get("maxLength", 0) > 200
        )
        if long:
            control = Markup('<textarea {c} rows="2">{v}</textarea>').format(
                c=common, v=value or ""
            )
        else:
            control = Markup('<input type="text" {c} value="{v}">').format(c=common, v=value or "")
    else:  # json: a rule, or a part the schema leaves open
        control = Markup(
            '<textarea {c} rows="3" class="json" spellcheck="false">{v}</textarea>'
        ).format(c=common, v=text)
    return Markup(
        '<div class="field" data-field="{p}"><label for="{i}">{label}{mark}</label>{control}'
        '<div id="{i}-help">{help}</div></div>'
    ).format(
        p=pointer,
        i=ident,
        label=label,
        mark=mark,
        control=control,
        help=_help(node, pointer, context),
    )


def _array(
    node: Mapping[str, Any],
    value: Any,
    pointer: str,
    context: FormContext,
    label: str,
    mark: Markup | str,
) -> Markup:
    items = context.resolve(node.get("items", {}))
    values = value if isinstance(value, list) else []
    rendered = Markup("").join(
        _item(items, item, f"{pointer}/{i}", context) for i, item in enumerate(values)
    )
    template = _item(items, None, f"{pointer}/{NEW_ITEM}", context)
    return Markup(
        '<fieldset data-pointer="{p}" data-kind="array"><legend>{label}{mark}</legend>{help}'
        '<div class="items">{items}</div>'
        '<template data-template-for="{p}">{template}</template>'
        '<button type="button" class="add-item" data-add="{p}">Add to {label}</button>'
        "</fieldset>"
    ).format(
        p=pointer,
        label=label,
        mark=mark,
        help=_help(node, pointer, context),
        items=rendered,
        template=template,
    )


def _item(node: Mapping[str, Any], value: Any, pointer: str, context: FormContext) -> Markup:
    kind = _kind(node)
    if kind == "object":
        inner = _object(node, value, pointer, context)
    else:
        inner = _field("item", node, value, pointer, context, required=True)
    return Markup(
        '<div class="item" data-pointer="{p}" data-kind="{k}">{inner}'
        '<button type="button" class="remove-item">Remove</button></div>'
    ).format(p=pointer, k="object" if kind == "object" else "item", inner=inner)
