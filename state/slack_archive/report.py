"""What an import did: counts of what it wrote, and what it left out and why (each reason once, with a count)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# done, total, what is being done: the CLI draws a bar with it, the admin tab a progress view.
Progress = Callable[[int, int, str], None]


def no_progress(_done: int, _total: int, _what: str) -> None:
    return None


@dataclass
class ImportReport:
    imported: Counter[str] = field(default_factory=Counter)  # 'users', 'channels', 'messages', ...
    already: Counter[str] = field(default_factory=Counter)  # found from an earlier import: left as they are
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> how many
    examples: dict[str, str] = field(default_factory=dict)  # reason -> the first thing it happened to

    def add(self, what: str, count: int = 1) -> None:
        self.imported[what] += count

    def skip(self, reason: str, example: str = '') -> None:
        self.skipped[reason] += 1
        if example and reason not in self.examples:
            self.examples[reason] = example[:200]

    def lines(self) -> list[str]:
        out = [f'imported {count} {what}' for what, count in sorted(self.imported.items()) if count]
        out += [f'already imported earlier: {count} {what}' for what, count in sorted(self.already.items()) if count]
        for reason, count in sorted(self.skipped.items()):
            example = self.examples.get(reason)
            out.append(f'skipped {count}: {reason}' + (f' (e.g. {example})' if example else ''))
        return out or ['nothing to import']
