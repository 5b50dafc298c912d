"""Every file or folder of the repository that the README and docs/ name in code quotes exists."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NAMED = re.compile(r"`((?:conversioncentral|dataquality|notebooks|tests|bench|docs)/[\w./-]*)`")


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_named_paths_exist(doc):
    named = set(NAMED.findall(doc.read_text()))
    # `notebooks/profiling` is also the notebook's workspace path, which has no extension.
    missing = sorted(path for path in named if not (ROOT / path).exists() and not (ROOT / f"{path}.py").exists())
    assert missing == []
