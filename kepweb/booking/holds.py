"""The held time: taken, shown, extended, fitted to longer calls, let go.

Functions here talk to the scheduling API and return what happened; they never
redirect or flash. A refusal from the API propagates as a `SchedulingProblem`
and `kepweb.refusals` says what the citizen sees. The hold is kept in the
wizard's answers as a plain record (`as_record`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _

from kepweb import clock
from kepweb.i18n import slot_label
from kepweb.scheduling import SchedulingProblem, SchedulingUnavailable, clients
from kepweb.scheduling.models import Hold, parse_moment

log = logging.getLogger(__name__)


def as_record(hold: Hold) -> dict:
    return {"id": hold.id, "kep_id": hold.kep_id, "start": hold.start.isoformat(), "end": hold.end.isoformat(),
            "expires_at": hold.expires_at.isoformat(), "can_extend": hold.can_extend, "needs": list(hold.needs),
            "extension_minutes": hold.extension_minutes, "latest_expiry": hold.latest_expiry.isoformat()}


@dataclass(frozen=True)
class HeldTime:
    """What the pages show of a hold."""

    id: str
    kep_id: str
    start_at: datetime
    end_at: datetime
    expires: datetime
    can_extend: bool
    seconds_left: int
    # None only for a hold kept in a session from before the API said these.
    extension_minutes: int | None = None
    latest_expiry: datetime | None = None

    @property
    def label(self) -> str:
        return slot_label(self.start_at, self.end_at)

    @property
    def has_run_out(self) -> bool:
        return self.seconds_left <= 0


def sentences(held: HeldTime) -> dict:
    """What the page says of a held time, one sentence each: the same on the page and after an
    extension by script (which updates them), so neither can say a stale time or offer an
    extension that is no longer there."""
    time = format_datetime(held.expires, "HH:mm")
    if held.can_extend:
        warning = _("We hold the time you chose until %(time)s. If you need longer, ask us to hold it for longer.",
                    time=time)
    else:
        warning = _("We hold the time you chose until %(time)s and cannot hold it for longer. Finish your booking "
                    "before then, or choose a time again afterwards: your answers are kept.", time=time)
    return {"held": _("%(slot)s is held for you until %(time)s.", slot=held.label, time=time), "warning": warning,
            "extend": extend_button(held)}


def extend_button(held: HeldTime) -> str:
    """The button says what pressing it does: the full extension, or, when the last one can
    only reach the API's limit, the time it reaches."""
    if held.extension_minutes is None or held.latest_expiry is None:
        return _("Hold it for longer")
    if held.expires + timedelta(minutes=held.extension_minutes) <= held.latest_expiry:
        return ngettext("Hold it for %(num)s more minute", "Hold it for %(num)s more minutes",
                        held.extension_minutes)
    return _("Hold it until %(time)s", time=format_datetime(held.latest_expiry, "HH:mm"))


def held_time(record: dict | None) -> HeldTime | None:
    if not record:
        return None
    expires = parse_moment(record["expires_at"])
    return HeldTime(id=record["id"], kep_id=record["kep_id"], start_at=parse_moment(record["start"]),
                    end_at=parse_moment(record["end"]), expires=expires, can_extend=bool(record["can_extend"]),
                    seconds_left=max(0, int((expires - clock.now()).total_seconds())),
                    extension_minutes=record.get("extension_minutes"),
                    latest_expiry=parse_moment(record["latest_expiry"]) if record.get("latest_expiry") else None)


def take(tax_id: str, *, category: str, procedure: str, kep_id: str, start: datetime, needs,
         for_booking: str | None = None) -> dict:
    hold = clients().holds.hold(tax_id, category=category, procedure=procedure, kep_id=kep_id, start=start,
                                needs=needs, for_booking=for_booking)
    return as_record(hold)


def extend(tax_id: str, record: dict) -> dict:
    return as_record(clients().holds.extend(tax_id, record["id"]))


def refit(tax_id: str, record: dict, needs) -> dict:
    """Needs lengthen the call: the same time, longer, if it still fits (else slot_taken)."""
    return as_record(clients().holds.change_needs(tax_id, record["id"], needs))


def let_go(tax_id: str, record: dict | None) -> None:
    """Release a hold nobody needs any more. If that fails, it runs out by itself in minutes."""
    if not record:
        return
    try:
        clients().holds.release(tax_id, record["id"])
    except (SchedulingUnavailable, SchedulingProblem) as error:
        log.info("a hold was not released (it will run out by itself): %s", type(error).__name__)
