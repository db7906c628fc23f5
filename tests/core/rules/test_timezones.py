"""Time zones as people type them: IANA names, cities, UTC offsets and abbreviations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.rules.timezones import ALIASES, FIXED_OFFSET_ZONES, describe_zone, lookup_zone


@pytest.mark.parametrize(
    ("typed", "zone", "said"),
    [
        ("GMT-5", "Etc/GMT+5", "UTC-5"),  # POSIX inverts the sign; the user means UTC−5
        ("UTC-5", "Etc/GMT+5", "UTC-5"),
        ("UTC+2", "Etc/GMT-2", "UTC+2"),
        ("utc +2", "Etc/GMT-2", "UTC+2"),
        ("+02:00", "Etc/GMT-2", "UTC+2"),
        ("gmt+0200", "Etc/GMT-2", "UTC+2"),
        ("UTC−3", "Etc/GMT+3", "UTC-3"),  # a typographic minus
        ("UTC+14", "Etc/GMT-14", "UTC+14"),
        ("UTC-12", "Etc/GMT+12", "UTC-12"),
        ("UTC+0", "UTC", "UTC"),
        ("GMT", "UTC", "UTC"),
    ],
)
def test_a_whole_hour_offset_means_what_the_user_wrote(typed: str, zone: str, said: str) -> None:
    found = lookup_zone(typed)
    assert found.zone == zone
    assert found.label == said
    assert describe_zone(zone) == said
    wanted = int(said[3:] or 0)
    assert ZoneInfo(zone).utcoffset(datetime(2026, 1, 1)) == timedelta(hours=wanted)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("GMT+5:30", "Asia/Kolkata"),
        ("+05:30", "Asia/Kolkata"),
        ("utc+5:45", "Asia/Kathmandu"),
        ("UTC+3:30", "Asia/Tehran"),
    ],
)
def test_a_fractional_offset_maps_to_a_real_zone_with_that_fixed_offset(
    typed: str, zone: str
) -> None:
    found = lookup_zone(typed)
    assert found.zone == zone
    assert found.label.startswith(f"{zone} (UTC+")


def test_the_fixed_offset_table_holds_only_zones_that_never_change_their_clocks() -> None:
    year = datetime.now(UTC).year
    for minutes, zone in FIXED_OFFSET_ZONES.items():
        for month in (1, 7):
            moment = datetime(year, month, 15, tzinfo=UTC).astimezone(ZoneInfo(zone))
            assert moment.utcoffset() == timedelta(minutes=minutes), zone


def test_an_offset_shared_by_zones_with_different_rules_asks_for_the_city() -> None:
    found = lookup_zone("UTC+9:30")  # Darwin keeps it all year; Adelaide only in winter
    assert found.zone is None
    assert found.problem and "UTC+9:30" in found.problem
    assert "Australia/Darwin" in found.suggestions
    assert "Australia/Adelaide" in found.suggestions


@pytest.mark.parametrize("typed", ["UTC+15", "GMT-13", "+14:30", "utc+99"])
def test_an_offset_no_place_uses_gets_a_clear_reply(typed: str) -> None:
    found = lookup_zone(typed)
    assert found.zone is None
    assert found.problem and "UTC-12 to UTC+14" in found.problem
    assert found.suggestions == ()


def test_an_odd_minute_offset_is_no_zone() -> None:
    found = lookup_zone("UTC+5:20")
    assert found.zone is None
    assert found.problem and "UTC+5:20" in found.problem


def test_suggestions_for_an_offset_never_invert_its_sign() -> None:
    for typed in ("UTC+2", "utc+ 2", "UTC +2h"):
        found = lookup_zone(typed)
        assert "Etc/GMT+2" not in (found.zone, *found.suggestions)


def test_fuzzy_suggestions_never_offer_the_inverted_etc_zones() -> None:
    for typed in ("gmt+2x", "etc/gmt+2x", "gmt-5 please"):
        found = lookup_zone(typed)
        assert not [z for z in found.suggestions if z.startswith("Etc/GMT")], typed


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("EST", "America/New_York"),
        ("edt", "America/New_York"),
        ("CST", "America/Chicago"),
        ("CDT", "America/Chicago"),
        ("MST", "America/Denver"),
        ("MDT", "America/Denver"),
        ("PST", "America/Los_Angeles"),
        ("PDT", "America/Los_Angeles"),
        ("CET", "Europe/Paris"),
        ("CEST", "Europe/Paris"),
        ("BST", "Europe/London"),
        ("UK", "Europe/London"),
        ("GB", "Europe/London"),
        ("IST", "Asia/Kolkata"),
        ("India", "Asia/Kolkata"),
        ("AEST", "Australia/Sydney"),
        ("JST", "Asia/Tokyo"),
        ("san francisco", "America/Los_Angeles"),
        ("San  Francisco", "America/Los_Angeles"),
    ],
)
def test_common_abbreviations_and_places_get_their_zone(typed: str, zone: str) -> None:
    assert lookup_zone(typed).zone == zone


def test_every_alias_names_a_real_zone() -> None:
    for alias, zone in ALIASES.items():
        assert alias == alias.lower()
        ZoneInfo(zone)


def test_names_and_cities_still_work_and_typos_still_get_suggestions() -> None:
    assert lookup_zone("Europe/Berlin").zone == "Europe/Berlin"
    assert lookup_zone("europe/berlin").zone == "Europe/Berlin"
    assert lookup_zone("new york").zone == "America/New_York"
    assert lookup_zone("UTC").zone == "UTC"
    assert lookup_zone("Etc/GMT-5").zone == "Etc/GMT-5"  # the IANA name, typed in full
    assert describe_zone("Etc/GMT-5") == "UTC+5"  # and said back so its meaning is plain
    assert describe_zone("Europe/Berlin") == "Europe/Berlin"
    typo = lookup_zone("Europe/Berln")
    assert typo.zone is None
    assert "Europe/Berlin" in typo.suggestions
    assert lookup_zone("Mars/Olympus").zone is None
