"""Time-zone names typed by people, checked against the IANA database."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, available_timezones


@dataclass(frozen=True, slots=True)
class ZoneLookup:
    zone: str | None
    suggestions: tuple[str, ...] = ()


@cache
def _zones() -> dict[str, str]:
    """Lower-cased lookup → canonical name, including the bare city ("berlin")."""
    names = {z for z in available_timezones() if "/" in z or z == "UTC"}
    table = {z.lower(): z for z in names}
    cities: dict[str, set[str]] = {}
    for z in names:
        city = z.rsplit("/", 1)[-1].lower()
        cities.setdefault(city, set()).add(z)
        cities.setdefault(city.replace("_", " "), set()).add(z)
    for city, zones in cities.items():
        if len(zones) == 1:
            table.setdefault(city, next(iter(zones)))
    return table


def lookup_zone(text: str) -> ZoneLookup:
    """Accept "Europe/Berlin", "europe/berlin", "Berlin" or "new york"; otherwise suggest."""
    wanted = " ".join(text.strip().split()).lower()
    if not wanted or len(wanted) > 64:
        return ZoneLookup(None)
    table = _zones()
    for key in (wanted, wanted.replace(" ", "_")):
        if key in table:
            return ZoneLookup(table[key])
    close = difflib.get_close_matches(wanted, list(table), n=6, cutoff=0.6)
    seen: list[str] = []
    for key in close:
        if table[key] not in seen:
            seen.append(table[key])
    return ZoneLookup(None, tuple(seen[:3]))


def zone_or_utc(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")
