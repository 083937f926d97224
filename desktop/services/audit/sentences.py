"""The audit log in words a person reads: "Payment of $150.00 from Ben Ivanova recorded".

An entry records what changed as an action, a kind of record and JSON before and
after. Its sentence names the record as the practice knows it (the client's name,
the session's date, the payment's amount), never as a table row ("billing_unit
#93"). What the entry itself does not hold (the date of a voided session) comes
from ``Subjects``, read once for a page of entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop.domain.dates import us_date
from desktop.domain.money import format_money

# What each kind of record is called, and what each action did to it.
NOUNS = {
    "adjustment": "Write-off",
    "allocation": "Payment application",
    "billing_unit": "Couple or family",
    "charge": "Charge",
    "claim": "Claim",
    "client": "Client",
    "client_estimate": "Reimbursement estimate",
    "diagnosis": "Diagnosis",
    "document": "Document",
    "estimate": "Good Faith Estimate",
    "estimate owed": "Good Faith Estimate owed",
    "payer": "Insurer",
    "payment": "Payment",
    "payment_method": "Payment method",
    "period": "Books",
    "practice": "Practice profile",
    "refund": "Refund",
    "service": "Service",
    "session": "Session",
    "settings": "Settings",
}
VERBS = {
    "create": "recorded",
    "update": "changed",
    "void": "voided",
    "issue": "issued",
    "supersede": "replaced by a new version",
    "close": "closed",
    "reopen": "reopened",
    "note": "noted",
    "split": "split by line",
    "move": "moved to another superbill",
    "reorder": "reordered",
    "reallocate": "applied by hand",
    "status": "status changed",
    "import": "imported",
}
# Records that are "added" rather than "recorded".
_ADDED = {"client", "billing_unit", "diagnosis", "payer", "payment_method", "service"}
_DOCUMENT_KINDS = {
    "superbill": "Superbill",
    "statement": "Statement",
    "receipt": "Receipt",
    "estimate": "Good Faith Estimate",
    "claim_form": "CMS-1500 claim form",
}


@dataclass(frozen=True)
class Subjects:
    """Facts about the records a page of entries names, by kind and id."""

    session_dates: dict[int, date] = field(default_factory=dict)
    amounts: dict[tuple[str, int], Decimal] = field(default_factory=dict)  # (kind, id)


def _words(name: str) -> str:
    return name.replace("_", " ")


def kind_label(entity: str, action: str) -> str:
    """A kind of change as the filter offers it: "Payment recorded", "Session voided"."""
    noun = NOUNS.get(entity, _words(entity).capitalize())
    verb = "added" if action == "create" and entity in _ADDED else VERBS.get(action)
    return f"{noun} {verb or _words(action)}"


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _money(value: object) -> str:
    try:
        return format_money(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return ""


def _day(value: object) -> str:
    try:
        return us_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return ""


def _changed(before: dict[str, Any], after: dict[str, Any]) -> str:
    """``address, email``: the fields whose values differ, in words."""
    keys = [k for k in after if before.get(k) != after.get(k) and k in before]
    return ", ".join(_words(k) for k in keys[:4]) + (" ..." if len(keys) > 4 else "")


@dataclass(frozen=True)
class Entry:
    """What a sentence is made from: one audit entry, its client's name, its JSON."""

    action: str
    entity: str
    entity_id: int | None
    client: str  # the client, couple or family it concerns ("" if none)
    before: dict[str, Any]
    after: dict[str, Any]

    @classmethod
    def of(
        cls, action: str, entity: str, entity_id: int | None, client: str, before: str, after: str
    ) -> Entry:
        return cls(action, entity, entity_id, client, _json(before), _json(after))

    @property
    def state(self) -> dict[str, Any]:
        return self.after or self.before


def _reason(entry: Entry) -> str:
    reason = str(entry.after.get("reason") or "").strip()
    return f": {reason}" if reason else ""


def _verb(entry: Entry) -> str:
    if entry.action == "create" and entry.entity in _ADDED:
        return "added"
    if entry.action == "update":
        was, now = entry.before.get("active"), entry.after.get("active")
        if was is True and now is False:
            return "made inactive"
        if was is False and now is True:
            return "made active again"
        fields = _changed(entry.before, entry.after)
        return f"changed ({fields})" if fields else "changed"
    return VERBS.get(entry.action, _words(entry.action))


def _money_record(entry: Entry, subjects: Subjects) -> str:
    """Payments, refunds, write-offs and charges: "Payment of $150.00 from Ben"."""
    amount = _money(entry.state.get("amount"))
    if not amount and entry.entity_id is not None:
        known = subjects.amounts.get((entry.entity, entry.entity_id))
        amount = format_money(known) if known is not None else ""
    noun = NOUNS[entry.entity]
    text = f"{noun} of {amount}" if amount else noun
    if entry.client:
        link = {"payment": "from", "refund": "to"}.get(entry.entity, "for")
        text += f" {link} {entry.client}"
    return text


def _session(entry: Entry, subjects: Subjects) -> str:
    day = _day(entry.state.get("service_date"))
    if not day and entry.entity_id is not None and entry.entity_id in subjects.session_dates:
        day = us_date(subjects.session_dates[entry.entity_id])
    text = f"Session on {day}" if day else "Session"
    return f"{text} for {entry.client}" if entry.client else text


def _document(entry: Entry) -> str:
    state = entry.state
    noun = _DOCUMENT_KINDS.get(str(state.get("kind")), "Document")
    number = str(state.get("number") or "")
    text = f"{noun} {number}".strip()
    return f"{text} for {entry.client}" if entry.client else text


def _named(entry: Entry) -> str:
    """Catalog records and clients: by their name or code."""
    state = entry.state
    noun = NOUNS.get(entry.entity, _words(entry.entity).capitalize())
    if entry.entity == "billing_unit":
        noun = str(state.get("kind") or "").capitalize() or noun
        return f"{noun} {entry.client}".strip()
    if entry.entity == "client":
        return f"Client {entry.client}".strip()
    if entry.entity == "diagnosis":
        code = state.get("code") or ""
        text = f"Diagnosis {code}".strip()
        return f"{text} for {entry.client}" if entry.client else text
    name = state.get("name") or state.get("code") or ""
    return f"{noun} {name}".strip()


def sentence(entry: Entry, subjects: Subjects | None = None) -> str:
    """The entry as a sentence, starting with a capital, naming the record."""
    subjects = subjects or Subjects()
    entity, action = entry.entity, entry.action
    if entity in ("payment", "refund", "adjustment", "charge"):
        text = f"{_money_record(entry, subjects)} {_verb(entry)}"
    elif entity == "allocation":
        who = f" for {entry.client}" if entry.client else ""
        text = f"A payment's application to a charge{who} {_verb(entry)}"
    elif entity == "session":
        text = f"{_session(entry, subjects)} {_verb(entry)}"
    elif entity == "document":
        text = f"{_document(entry)} {_verb(entry)}"
    elif entity in ("estimate", "estimate owed"):
        number = str(entry.state.get("number") or "")
        noun = "Good Faith Estimate" + (f" {number}" if number else "")
        who = f" for {entry.client}" if entry.client else ""
        if entity == "estimate owed":
            due = _day(entry.state.get("due_by"))
            what = "noted as owed" if action == "note" else _verb(entry)
            text = f"{noun}{who} {what}" + (f", due {due}" if due and action == "note" else "")
        else:
            text = f"{noun}{who} {_verb(entry)}"
    elif entity == "claim":
        who = f" for {entry.client}" if entry.client else ""
        status = str(entry.after.get("status") or "").replace("_", " ")
        document = str(entry.after.get("document") or "")
        on = f" (superbill {document})" if document and action == "create" else ""
        text = f"Claim{who}{on} {_verb(entry)}"
        if action == "status" and status:
            text = f"Claim{who} marked {status}"
    elif entity == "period":
        through = _day(entry.after.get("closed_through"))
        if action == "close":
            text = f"Books closed through {through}" if through else "Books closed"
        else:
            text = f"Books reopened back to {through}" if through else "Books reopened"
    elif entity == "practice" and "signature" in entry.after:
        text = "Signature " + ("added" if entry.after.get("signature") else "removed")
    elif entity in ("practice", "settings", "client_estimate"):
        noun = NOUNS[entity]
        who = f" for {entry.client}" if entry.client and entity == "client_estimate" else ""
        text = f"{noun}{who} {_verb(entry)}"
    else:
        text = f"{_named(entry)} {_verb(entry)}"
    text = text + _reason(entry) if action == "void" else text
    return text[:1].upper() + text[1:]
