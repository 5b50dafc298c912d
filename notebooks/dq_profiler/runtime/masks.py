"""Table masks: comma-separated SQL LIKE patterns (`%` any run, `_` one character, `\\` escapes), case-insensitive."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

DEFAULT_INCLUDE_MASK = "%"


def parse_mask(mask: str | None) -> list[str]:
    """Split a mask into its patterns, dropping blanks: `"sales_%, tmp%"` -> `["sales_%", "tmp%"]`."""
    return [pattern.strip() for pattern in (mask or "").split(",") if pattern.strip()]


def like_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile one LIKE pattern into a case-insensitive regex that must match the whole name."""
    parts: list[str] = []
    characters = iter(pattern)
    for character in characters:
        if character == "\\":
            parts.append(re.escape(next(characters, "\\")))
        elif character == "%":
            parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _matches_any(name: str, patterns: Iterable[re.Pattern[str]]) -> bool:
    return any(pattern.fullmatch(name) for pattern in patterns)


def select_by_masks(names: Sequence[str], include_mask: str | None, exclude_mask: str | None) -> list[str]:
    """The names the include mask (default `%`) matches and the exclude mask does not: exclude wins."""
    include = [like_to_regex(pattern) for pattern in parse_mask(include_mask) or [DEFAULT_INCLUDE_MASK]]
    exclude = [like_to_regex(pattern) for pattern in parse_mask(exclude_mask)]
    return [name for name in names if _matches_any(name, include) and not _matches_any(name, exclude)]
