"""Which files `docker build` would send, by Docker's own `.dockerignore` rules.

Docker (moby's patternmatcher) cleans each pattern, drops a leading `/`, matches it against the whole path
relative to the context root with Go's `filepath.Match` syntax (`*` and `?` never cross a `/`), lets `**` span
any number of directories, and excludes a file when the file or any directory above it matches. The last
matching pattern wins, and `!` makes it an exception.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rule:
    regex: re.Pattern
    exception: bool


def _translate(pattern: str) -> re.Pattern:
    parts = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            parts.append(".*")
            index += 2
            continue
        if char == "*":
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        elif char == "[":
            end = pattern.index("]", index + 1)
            body = pattern[index + 1:end]
            parts.append("[^" + body[1:] + "]" if body.startswith("^") else "[" + body + "]")
            index = end
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            parts.append(re.escape(pattern[index]))
        else:
            parts.append(re.escape(char))
        index += 1
    return re.compile("^" + "".join(parts) + "$")


def read_rules(dockerignore: Path) -> list[Rule]:
    rules = []
    for line in dockerignore.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = posixpath.normpath(line[1:].strip() if exception else line).lstrip("/")
        rules.append(Rule(_translate(pattern), exception))
    return rules


def is_excluded(path: str, rules: list[Rule]) -> bool:
    """Whether `path` (relative, with `/`) stays out of the build context."""
    parts = path.split("/")
    candidates = ["/".join(parts[: end + 1]) for end in range(len(parts))]
    excluded = False
    for rule in rules:
        if any(rule.regex.match(candidate) for candidate in candidates):
            excluded = not rule.exception
    return excluded
