"""The README's "Requests by example" shows every operation of the OpenAPI schema, each body valid JSON that the
endpoint's serializer knows field by field."""

import json
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
REQUEST = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/\S+)$")


def readme_requests() -> list[tuple[str, str, dict | None]]:
    text = README.read_text(encoding="utf-8")
    block = text[text.index("### Requests by example"):]
    block = block[block.index("```http") + len("```http"):]
    block = block[: block.index("```")]
    requests, lines = [], [line for line in block.splitlines() if line.strip()]
    for line in lines:
        match = REQUEST.match(line)
        if match:
            requests.append([match.group(1), match.group(2).split("?")[0], ""])
        else:
            requests[-1][2] += line
    return [(method, path, json.loads(body) if body else None) for method, path, body in requests]


def _operation(method: str, path: str, schema_paths: dict) -> str | None:
    for template, operations in schema_paths.items():
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return f"{method} {template}"
    return None


@pytest.mark.django_db
def test_every_operation_of_the_schema_has_an_example_in_the_readme(staff_client):
    schema_paths = staff_client.get("/api/schema", {"format": "json"}).json()["paths"]
    operations = {f"{method.upper()} {path}" for path, ops in schema_paths.items() for method in ops
                  if method in {"get", "post", "put", "patch", "delete"}}

    shown = {_operation(method, path, schema_paths) for method, path, _ in readme_requests()}

    assert None not in shown, [(m, p) for m, p, _ in readme_requests() if _operation(m, p, schema_paths) is None]
    assert operations - shown == set()


@pytest.mark.django_db
def test_the_example_bodies_name_only_fields_the_endpoints_take(staff_client):
    schema = staff_client.get("/api/schema", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    for method, path, body in readme_requests():
        if body is None or "/testgen/" in path:
            continue
        operation = schema["paths"][_operation(method, path, schema["paths"]).split(" ", 1)[1]][method.lower()]
        reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        known = set(components[reference.rsplit("/", 1)[1]]["properties"])
        assert set(body) <= known, (method, path, set(body) - known)
