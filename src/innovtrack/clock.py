"""Moments: typed by people in their own zone, stored in UTC, shown back in the zone (SPEC §8).

The ledger records every stamp as UTC text of fixed width (db.now_text), so text order is
time order. Everyone who uses the tool lives in UTC+8: a time typed without a zone is Beijing
time, and every stamp an output shows is converted to it. INNOVTRACK_TZ (an IANA name such as
Asia/Shanghai, or an offset such as +08:00, UTC+8, -05:30) changes the zone.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from .errors import UsageError

TZ_VAR = "INNOVTRACK_TZ"
BEIJING = timezone(timedelta(hours=8), "UTC+08:00")
STAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", re.I)


def zone() -> tzinfo:
    """The zone people type and read times in: $INNOVTRACK_TZ, else UTC+8."""
    name = os.environ.get(TZ_VAR, "").strip()
    if not name:
        return BEIJING
    if name.upper() in ("UTC", "GMT", "Z"):
        return UTC
    m = _OFFSET.fullmatch(name)
    if m:
        sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3) or 0)
        if hours > 14 or minutes > 59:
            raise UsageError(f"{TZ_VAR}={name!r}: not a UTC offset")
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if sign == "-" else delta)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"{TZ_VAR}={name!r}: not a time zone (write Asia/Shanghai or "
                         "+08:00)") from None


def parse_moment(text: str, option: str = "--known-at") -> str:
    """The UTC stamp for a date or time a person typed.

    A time without a zone is in zone(); a date alone means the end of that day there, i.e.
    everything recorded on it.
    """
    value = text.strip().replace("/", "-")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            moment = datetime.fromisoformat(value) + timedelta(days=1, microseconds=-1)
        else:
            moment = datetime.fromisoformat(re.sub(r"Z$", "+00:00", value))
    except ValueError:
        raise UsageError(f"{option} {text!r}: not a date or time (write 2016-07-10 or "
                         "2016-07-10 09:30)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone())
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def _local(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC).astimezone(zone())


def shown(stamp: str | None, *, seconds: bool = True) -> str:
    """A stored stamp as people read it, in zone(): 2016-07-10 09:00:00 (or to the minute)."""
    if not stamp:
        return ""
    return _local(stamp).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def exact(stamp: str | None) -> str | None:
    """A stored stamp in full for programs, in zone() with its offset, so that it can be
    typed back as --known-at: 2016-07-10T09:00:00.000000+08:00."""
    if not stamp:
        return None
    return _local(stamp).isoformat(timespec="microseconds")


def zone_label() -> str:
    """北京时间 for the default zone, else the zone's name or offset."""
    z = zone()
    if z is BEIJING:
        return "北京时间"
    return str(getattr(z, "key", None) or datetime.now(z).strftime("UTC%z"))
