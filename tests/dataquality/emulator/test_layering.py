"""The emulator plays Databricks: it must never share code with the app it stands in for."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "dataquality" / "emulator"
FORBIDDEN = ("dataquality.models", "dataquality.services", "dataquality.databricks", "dataquality.api", "django",
             "notebooks")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level > 1:
                names.add("." * node.level + (node.module or ""))
            elif node.level == 0:
                names.add(node.module)
    return names


def test_no_module_of_the_emulator_imports_the_app_or_leaves_its_package():
    offending = {
        f"{path.name}: {name}"
        for path in PACKAGE.glob("*.py")
        for name in imported_modules(path)
        if name.startswith(FORBIDDEN + ("..",))
        or (name.startswith("dataquality") and not name.startswith("dataquality.emulator"))
    }

    assert offending == set()


def test_importing_the_emulator_loads_nothing_of_the_app():
    probe = (
        "import sys, dataquality.emulator.server; "
        f"print(sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r})))"
    )

    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=PACKAGE.parents[1]
    )

    assert loaded.stdout.strip() == "[]"
