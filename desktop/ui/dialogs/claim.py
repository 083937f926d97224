"""Move a claim to its next status with the fields that status needs; snooze; edit its notes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from desktop.domain.appeals import (
    EXTERNAL_REVIEW_MONTHS,
    INTERNAL_APPEAL_DAYS,
    SECOND_LEVEL_DAYS,
    AppealLevel,
    next_after_denial,
)
from desktop.domain.kinds import ClaimStatus, DenialReason
from desktop.services.claims.rules import DATE_MEANING, ClaimChange, change_problems
from desktop.services.claims.tracking import ClaimDetail, ClaimRow
from desktop.services.claims.updates import change_status, edit_claim, last_step, snooze_claim
from desktop.ui.dialogs.base import FormDialog
from desktop.ui.formatting import money_text
from desktop.ui.runner import ActionRunner, Outcome
from desktop.ui.widgets.date_edit import DateEdit
from desktop.ui.widgets.money_edit import MoneyEdit

S = ClaimStatus
PAYMENT = (S.PAID, S.PARTLY_PAID)
ACTION_TEXT = {
    S.SUBMITTED: "Submitted…",
    S.IN_PROCESS: "In process…",
    S.PAID: "Paid…",
    S.PARTLY_PAID: "Partly paid…",
    S.DENIED: "Denied…",
    S.APPEALED: "Appealed…",
    S.CLOSED: "Close…",
}


def action_text(row: ClaimRow, target: ClaimStatus) -> str:
    """A move's button text; an appeal names the step it is (``Request external review…``)."""
    if target is S.APPEALED and row.next_step is AppealLevel.EXTERNAL:
        return "Request external review…"
    if target is S.APPEALED and row.next_step is AppealLevel.SECOND:
        return "Second-level appeal…"
    return ACTION_TEXT[target]


def deadline_hint(next_step: AppealLevel | None) -> str:
    """What the deadline will be when left empty (``domain.appeals``)."""
    return {
        AppealLevel.FIRST: f"{INTERNAL_APPEAL_DAYS} days after the denial",
        AppealLevel.SECOND: f"The letter's date, else {SECOND_LEVEL_DAYS} days after the denial",
        AppealLevel.EXTERNAL: f"{EXTERNAL_REVIEW_MONTHS} months after the denial",
    }.get(next_step, "")  # type: ignore[arg-type]


def _date_label(claim: ClaimRow, target: ClaimStatus) -> str:
    """What the date means; an appeal names its step ("Date the first-level appeal was
    sent")."""
    step = claim.next_step if target is S.APPEALED else None
    if step is AppealLevel.EXTERNAL:
        return "Date external review was requested"
    if step is not None:
        return f"Date the {step.label.lower()} was sent"
    return _field_label(target)


def _field_label(target: ClaimStatus) -> str:
    text = DATE_MEANING[target].removeprefix("the ")
    return text[:1].upper() + text[1:]


def _about(detail: ClaimDetail) -> QLabel:
    claim = detail.claim
    label = QLabel(
        f"{claim.superbill} — {claim.client}, {claim.payer}\n"
        f"Billed {money_text(claim.billed)}; now: {claim.step.lower()}."
    )
    label.setWordWrap(True)
    return label


class ClaimStatusDialog(FormDialog[ClaimChange]):
    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        detail: ClaimDetail,
        target: ClaimStatus,
        today: date | None = None,
    ) -> None:
        title = f"Claim {target.label.lower()}"
        super().__init__(parent, title, runner, save_text=f"Mark {target.label.lower()}")
        self.detail = detail
        self.target = target
        self.today = today or date.today()
        claim = detail.claim
        self.body.addWidget(_about(detail))
        self.on = DateEdit(value=self.today)
        self.form.add("on", _date_label(claim, target), self.on)
        self.claim_number: QLineEdit | None = None
        if target in (S.SUBMITTED, S.IN_PROCESS, *PAYMENT, S.DENIED):
            self.claim_number = QLineEdit(claim.claim_number)
            self.claim_number.setMaxLength(40)
            self.form.add("claim_number", "Claim number", self.claim_number)
        self.allowed = self.reimbursed = None
        self.paid_on: DateEdit | None = None
        if target in PAYMENT:
            self.allowed = MoneyEdit(optional=True)
            self.allowed.set_value(claim.allowed)
            self.form.add("allowed", "Allowed amount", self.allowed)
            self.reimbursed = MoneyEdit()
            self.form.add("reimbursed", "Amount reimbursed", self.reimbursed, required=True)
            self.paid_on = DateEdit(optional=True)
            self.form.add("paid_on", "Paid on (if not the EOB date)", self.paid_on)
        self.reason: QComboBox | None = None
        self.denial_note: QLineEdit | None = None
        self.appeal_deadline: DateEdit | None = None
        self.second_level: QCheckBox | None = None
        if target is S.DENIED:
            self.reason = QComboBox()
            self.reason.addItem("Choose a reason…", None)
            for reason in DenialReason:
                self.reason.addItem(reason.label, reason)
            self.form.add("denial_reason", "Reason", self.reason, required=True)
            self.denial_note = QLineEdit()
            self.denial_note.setPlaceholderText("As the EOB puts it")
            self.form.add("denial_note", "In their words", self.denial_note)
            denied = claim.appeal_level if claim.status is S.APPEALED else AppealLevel.NONE
            if denied is AppealLevel.FIRST:
                self.second_level = QCheckBox("The letter offers a second-level appeal")
                self.second_level.toggled.connect(lambda _on: self._hint(denied))
                self.form.add("second_level", "Next step", self.second_level)
            self.appeal_deadline = DateEdit(optional=True)
            self.form.add("appeal_deadline", "Deadline for the next step", self.appeal_deadline)
            self._hint(denied)
        self.note = QLineEdit()
        self.note.setPlaceholderText("What happened, for the claim's history")
        self.form.add("note", "Note", self.note)
        self.body.addLayout(self.form.layout)
        self.finish_layout()
        (self.reimbursed or self.on).setFocus()

    def _hint(self, denied: AppealLevel) -> None:
        """The empty deadline says which step it is for, and its rule."""
        second = self.second_level is not None and self.second_level.isChecked()
        step = next_after_denial(denied, second)
        assert self.appeal_deadline is not None
        hint = deadline_hint(step)
        self.appeal_deadline.line.setPlaceholderText(hint or "No further appeal")
        what = step.label if step is not None else "No further appeal"
        self.appeal_deadline.setToolTip(f"{what}: {hint}" if hint else what)

    def collect(self) -> tuple[ClaimChange | None, dict[str, str]]:
        problems: dict[str, str] = {}
        for name, field in (("on", self.on), ("paid_on", self.paid_on)):
            if field is not None and field.problem():
                problems[name] = field.problem()
        if self.appeal_deadline is not None and self.appeal_deadline.problem():
            problems["appeal_deadline"] = self.appeal_deadline.problem()
        for name, money in (("allowed", self.allowed), ("reimbursed", self.reimbursed)):
            if money is not None and money.problem():
                problems[name] = money.problem()
        change = ClaimChange(
            to_status=self.target,
            on=self.on.value(),
            claim_number=self.claim_number.text() if self.claim_number is not None else None,
            allowed=self.allowed.value() if self.allowed is not None else None,
            reimbursed=self.reimbursed.value() if self.reimbursed is not None else None,
            paid_on=self.paid_on.value() if self.paid_on is not None else None,
            denial_reason=self.reason.currentData() if self.reason is not None else None,
            denial_note=self.denial_note.text() if self.denial_note is not None else "",
            appeal_deadline=(
                self.appeal_deadline.value() if self.appeal_deadline is not None else None
            ),
            second_level=self.second_level is not None and self.second_level.isChecked(),
            note=self.note.text(),
        )
        return change, problems

    def problems(self, data: ClaimChange) -> dict[str, str]:
        claim = self.detail.claim
        last = last_step(self.detail.events)
        return change_problems(
            data,
            billed=claim.billed,
            first_service=claim.first_service_date,
            last_event=last,
            today=self.today,
        )

    def submit(self, data: ClaimChange) -> Outcome[Any]:
        return self.runner.attempt(change_status, self.detail.claim.id, data, today=self.today)


class SnoozeDialog(FormDialog[date]):
    """Hide a claim from the follow-up queue until a date."""

    def __init__(
        self,
        parent: QWidget | None,
        runner: ActionRunner,
        detail: ClaimDetail,
        today: date | None = None,
    ) -> None:
        super().__init__(parent, "Snooze claim", runner, save_text="Snooze")
        self.detail = detail
        self.today = today or date.today()
        self.body.addWidget(_about(detail))
        self.until = DateEdit(value=self.today + timedelta(days=7))
        self.form.add("until", "Hide from the queue until", self.until, required=True)
        self.body.addLayout(self.form.layout)
        self.finish_layout()
        self.until.setFocus()

    def collect(self) -> tuple[date | None, dict[str, str]]:
        if self.until.problem():
            return None, {"until": self.until.problem()}
        until = self.until.value()
        if until is not None and until <= self.today:
            return None, {"until": "Snooze until a day after today."}
        return until, {}

    def submit(self, data: date) -> Outcome[Any]:
        return self.runner.attempt(snooze_claim, self.detail.claim.id, data, today=self.today)


class ClaimNotesDialog(FormDialog[tuple[str, str]]):
    """Correct the claim number and keep notes (calls made, documents sent)."""

    def __init__(self, parent: QWidget | None, runner: ActionRunner, detail: ClaimDetail) -> None:
        super().__init__(parent, "Claim number and notes", runner)
        self.detail = detail
        self.body.addWidget(_about(detail))
        self.claim_number = QLineEdit(detail.claim.claim_number)
        self.claim_number.setMaxLength(40)
        self.form.add("claim_number", "Claim number", self.claim_number)
        self.notes = QPlainTextEdit(detail.claim.notes)
        self.notes.setTabChangesFocus(True)
        self.form.add("notes", "Notes", self.notes)
        self.body.addLayout(self.form.layout)
        self.finish_layout()

    def collect(self) -> tuple[tuple[str, str] | None, dict[str, str]]:
        return (self.claim_number.text(), self.notes.toPlainText()), {}

    def submit(self, data: tuple[str, str]) -> Outcome[Any]:
        number, notes = data
        return self.runner.attempt(
            edit_claim, self.detail.claim.id, claim_number=number, notes=notes
        )
