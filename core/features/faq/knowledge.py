"""The knowledge base: `knowledge.toml`, one entry per topic, in the project's own words."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

KNOWLEDGE_FILE = Path(__file__).with_name("knowledge.toml")
RED_FLAGS = "red-flags"


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    title: str
    section: str
    keywords: tuple[str, ...]
    questions: tuple[str, ...]
    answer: str
    more: str
    related: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    entries: dict[str, Entry]

    def __getitem__(self, key: str) -> Entry:
        return self.entries[key]

    def __contains__(self, key: object) -> bool:
        return key in self.entries


def parse_knowledge(text: str) -> KnowledgeBase:
    entries: dict[str, Entry] = {}
    for raw in tomllib.loads(text)["entry"]:
        entry = Entry(
            key=raw["key"],
            title=raw["title"],
            section=raw["section"],
            keywords=tuple(raw.get("keywords", ())),
            questions=tuple(raw["questions"]),
            answer=raw["answer"].strip(),
            more=raw.get("more", "").strip(),
            related=tuple(raw.get("related", ())),
        )
        if entry.key in entries:
            raise ValueError(f"duplicate knowledge key {entry.key!r}")
        entries[entry.key] = entry
    for entry in entries.values():
        missing = [k for k in entry.related if k not in entries]
        if missing:
            raise ValueError(f"{entry.key}: related keys {missing} do not exist")
    return KnowledgeBase(entries)


@cache
def knowledge() -> KnowledgeBase:
    return parse_knowledge(KNOWLEDGE_FILE.read_text(encoding="utf-8"))
