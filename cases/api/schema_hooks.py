"""drf-spectacular post-processing: the generated schema as a strict OpenAPI 3.0.3 validator
reads it, so that what the API answers validates against what it documents."""

from __future__ import annotations

from typing import Any

NULL_ENUM = "NullEnum"
NULL_REF = {"$ref": f"#/components/schemas/{NULL_ENUM}"}


def nullable_references(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """OpenAPI 3.0.3 applies `nullable` only beside a `type`: drf-spectacular writes a nullable
    nested serializer or choice as `allOf: [{$ref}]` with `nullable: true`, which a strict
    validator reads as never null (from QA: the case's `assignment` is null until a reviewer is
    assigned, and its schema refused null). Each such place becomes one of its reference or
    null, as drf-spectacular writes a nullable choice field itself."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    found = False

    def rewrite(node: Any) -> None:
        nonlocal found
        if isinstance(node, dict):
            refs = node.get("allOf")
            if node.get("nullable") and isinstance(refs, list) and len(refs) == 1:
                node["oneOf"] = [
                    node.pop("allOf")[0],
                    {"$ref": f"#/components/schemas/{NULL_ENUM}"},
                ]
                found = True
            for value in node.values():
                rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    rewrite(result)
    if found:
        schemas.setdefault(NULL_ENUM, {"enum": [None]})
    return result
