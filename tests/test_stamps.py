"""The one rule for stored times (``storage/stamps.py``): without a zone they are UTC; with one, turned to UTC."""

from datetime import UTC, datetime, timedelta, timezone

from dashboard.storage.stamps import as_utc


def test_a_time_without_a_zone_is_utc_and_one_with_a_zone_is_turned_to_utc():
    assert as_utc(datetime(2026, 5, 1, 9, 30)) == datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    beijing = datetime(2026, 5, 1, 17, 30, tzinfo=timezone(timedelta(hours=8)))
    turned = as_utc(beijing)
    assert turned.tzinfo == UTC and (turned.hour, turned.minute) == (9, 30)
