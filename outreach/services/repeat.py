"""“Ulangi kegiatan” (issue 14): a new activity started from an earlier one.

Weekly sambang and Jumat Curhat visit the same places with the same officers and messages; the form starts from
the earlier activity's kind, places, officers, partners and messages with today's date. What happened on the
day (figures, items, notes, summary, quote, coverage, the plan it realised) is left for the user to write.
"""

from __future__ import annotations

from outreach.models import Activity, User
from outreach.services import activities
from outreach.services.clock import local_today
from outreach.services.schema.activity import ActivityInput, VisitInput


def repeat_input(actor: User, activity_id: int) -> tuple[Activity, ActivityInput]:
    """The earlier activity (within what ``actor`` may see: NotFound otherwise) and the new form's input."""
    earlier = activities.get_activity(actor, activity_id)
    data = activities.input_of(earlier)
    visits = [
        VisitInput.model_validate(
            {
                "location_id": v.location_id,
                "beneficiary_group": v.beneficiary_group,
                "contact": v.contact_name,
                "contact_role": v.contact_role,
            }
        )
        for v in data.visits
    ]
    fresh = data.model_copy(
        update={
            "occurred_on": local_today(),
            "visits": visits,
            "summary": "",
            "quote_by": "",
            "quote_text": "",
            "coverage": [],
            "plan_id": None,
        }
    )
    return earlier, fresh
