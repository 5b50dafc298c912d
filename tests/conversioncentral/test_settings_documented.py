"""Every setting read from the environment is in the README's settings table, so the table stays the reference."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings_read_from_the_environment() -> set[str]:
    source = (ROOT / "conversioncentral" / "settings.py").read_text()
    return set(re.findall(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", source))


def _settings_table_of_the_readme() -> set[str]:
    section = (ROOT / "README.md").read_text().split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row)}


def test_every_environment_setting_is_in_the_readme_table():
    read = _settings_read_from_the_environment()
    assert len(read) > 40  # the pattern still finds the settings
    assert read - _settings_table_of_the_readme() == set()
