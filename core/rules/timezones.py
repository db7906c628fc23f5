"""Time-zone names typed by people, checked against the IANA database: Area/City names,
bare cities, UTC offsets ("GMT-5", "+05:30") and a few common abbreviations ("EST")."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones


@dataclass(frozen=True, slots=True)
class ZoneLookup:
    zone: str | None
    suggestions: tuple[str, ...] = ()
    # What to call the zone when saying it back ("UTC+2" rather than Etc/GMT-2).
    label: str = ""
    # Why no zone was chosen, when it is more than an unknown name ("UTC+15 …").
    problem: str | None = None


# Abbreviations, countries and nicknames people type, with the zone they mean. Kept small
# and explicit: an abbreviation such as CST or IST means different places to different
# people, so each entry names the reading most users of the coach mean.
ALIASES: dict[str, str] = {
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "eastern time": "America/New_York",
    "nyc": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central time": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain time": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific time": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "akst": "America/Anchorage",
    "hst": "Pacific/Honolulu",
    "hawaii": "Pacific/Honolulu",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "wet": "Europe/Lisbon",
    "eet": "Europe/Athens",
    "msk": "Europe/Moscow",
    "bst": "Europe/London",
    "uk": "Europe/London",
    "gb": "Europe/London",
    "united kingdom": "Europe/London",
    "england": "Europe/London",
    "ist": "Asia/Kolkata",
    "india": "Asia/Kolkata",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
    "jst": "Asia/Tokyo",
    "japan": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "sgt": "Asia/Singapore",
    "hkt": "Asia/Hong_Kong",
}

# Offsets off the whole hour (in minutes) with a real zone that keeps that offset all
# year: any zone on a fixed offset tells the right time. Offsets not listed here are
# shared by zones whose clocks change differently (+9:30: Darwin all year, Adelaide only
# in winter), so the user is asked for their city.
FIXED_OFFSET_ZONES: dict[int, str] = {
    210: "Asia/Tehran",
    270: "Asia/Kabul",
    330: "Asia/Kolkata",
    345: "Asia/Kathmandu",
    390: "Asia/Yangon",
    525: "Australia/Eucla",
    -570: "Pacific/Marquesas",
}

# "UTC+2", "gmt -5", "utc+05:30", "+0530", "GMT", "UTC+2h".
_OFFSET = re.compile(
    r"(?:(?P<name>utc|gmt)\s*)?"
    r"(?:(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?\s*(?:h|hrs?|hours?)?)?"
)
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})
_EARLIEST, _LATEST = -12 * 60, 14 * 60
_REGIONS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
_ETC_GMT = re.compile(r"Etc/GMT(?P<sign>[+-])(?P<hours>\d{1,2})")


def format_offset(minutes: int) -> str:
    """The offset as people write it: "UTC", "UTC+2", "UTC-5", "UTC+5:30"."""
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def describe_zone(name: str) -> str:
    """The zone as a person reads it: Etc/GMT-2 (POSIX signs run backwards) is "UTC+2"."""
    if name in ("UTC", "Etc/UTC", "Etc/GMT", "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0"):
        return "UTC"
    etc = _ETC_GMT.fullmatch(name)
    if etc is None:
        return name
    hours = int(etc["hours"])
    return format_offset(hours * 60 if etc["sign"] == "-" else -hours * 60)


@cache
def _zones() -> dict[str, str]:
    """Lower-cased lookup → canonical name, including the bare city ("berlin")."""
    names = {z for z in available_timezones() if "/" in z or z == "UTC"}
    table = {z.lower(): z for z in names}
    cities: dict[str, set[str]] = {}
    for z in names:
        if z.startswith("Etc/"):  # "GMT-5" as a city would be UTC+5
            continue
        city = z.rsplit("/", 1)[-1].lower()
        cities.setdefault(city, set()).add(z)
        cities.setdefault(city.replace("_", " "), set()).add(z)
    for city, zones in cities.items():
        if len(zones) == 1:
            table.setdefault(city, next(iter(zones)))
    return table


@cache
def _guesses() -> dict[str, str]:
    """What close matches are sought among: the names, cities and longer aliases, never
    the Etc/GMT zones, whose inverted signs would suggest the opposite offset."""
    table = {k: z for k, z in _zones().items() if not z.startswith("Etc/")}
    table.update({k: z for k, z in ALIASES.items() if len(k) > 3})
    return table


@cache
def _zones_at(minutes: int) -> tuple[str, ...]:
    """Regional zones on this offset in January or July: where someone who typed it may be."""
    offset = timedelta(minutes=minutes)
    year = datetime.now(UTC).year
    found: list[str] = []
    for name in sorted(available_timezones()):
        if name.split("/", 1)[0] not in _REGIONS:
            continue
        zone = ZoneInfo(name)
        moments = (datetime(year, month, 15, tzinfo=UTC).astimezone(zone) for month in (1, 7))
        if any(moment.utcoffset() == offset for moment in moments):
            found.append(name)
    return tuple(found)


def _lookup_offset(wanted: str) -> ZoneLookup | None:
    """A UTC offset as the user means it (UTC-5 is five hours behind), or None when
    `wanted` is no offset at all."""
    match = _OFFSET.fullmatch(wanted)
    if match is None or not (match["name"] or match["sign"]):
        return None
    if not match["sign"]:
        return ZoneLookup("UTC", label="UTC")
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    total = (hours * 60 + minutes) * (-1 if match["sign"] == "-" else 1)
    said = format_offset(total) if minutes < 60 else wanted.upper()
    if minutes >= 60 or not _EARLIEST <= total <= _LATEST:
        return ZoneLookup(
            None,
            problem=f"{said} isn't a time zone: offsets run from UTC-12 to UTC+14.",
        )
    if minutes == 0:
        zone = "UTC" if total == 0 else f"Etc/GMT{-hours if total > 0 else hours:+d}"
        return ZoneLookup(zone, label=said)
    if total in FIXED_OFFSET_ZONES:
        zone = FIXED_OFFSET_ZONES[total]
        return ZoneLookup(zone, label=f"{zone} ({said})")
    places = _zones_at(total)
    if not places:
        return ZoneLookup(None, problem=f"No time zone uses {said}.")
    return ZoneLookup(
        None,
        places[:3],
        problem=f"Places on {said} change their clocks differently, so I need your city.",
    )


def lookup_zone(text: str) -> ZoneLookup:
    """Accept "Europe/Berlin", "europe/berlin", "Berlin", "new york", "UTC+2", "GMT-5:30"
    or "EST"; otherwise suggest."""
    wanted = " ".join(text.strip().translate(_MINUS).split()).lower()
    if not wanted or len(wanted) > 64:
        return ZoneLookup(None)
    offset = _lookup_offset(wanted)
    if offset is not None:
        return offset
    table = _zones()
    for key in (wanted, wanted.replace(" ", "_")):
        zone = ALIASES.get(key) or table.get(key)
        if zone is not None:
            return ZoneLookup(zone, label=describe_zone(zone))
    guesses = _guesses()
    close = difflib.get_close_matches(wanted, list(guesses), n=6, cutoff=0.6)
    seen: list[str] = []
    for key in close:
        if guesses[key] not in seen:
            seen.append(guesses[key])
    return ZoneLookup(None, tuple(seen[:3]))


def zone_or_utc(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")
