"""One client, couple or family: details, insurance, members, diagnoses, claims and the
reimbursement estimate.

For a couple or family, the person shown is the identified patient, whose
details and diagnoses go on its superbills.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.kinds import UnitKind
from desktop.services.clients.diagnoses import DiagnosisRow
from desktop.services.clients.people import list_clients
from desktop.services.clients.units import MemberRow, UnitDetail, set_unit_active
from desktop.services.clients.views import ClientPageView, client_page_view
from desktop.services.estimates.views import EstimateSummary
from desktop.services.practice import catalog
from desktop.ui import style
from desktop.ui.dialogs.client import RELATIONSHIPS, ClientDialog
from desktop.ui.dialogs.diagnosis import DiagnosisDialog
from desktop.ui.dialogs.end_diagnosis import EndDiagnosisDialog
from desktop.ui.dialogs.unit import UnitDialog
from desktop.ui.formatting import format_date, money_text, percent_text
from desktop.ui.icd_search import IcdSearcher
from desktop.ui.models.rows import Column, RowsModel
from desktop.ui.pages.client_claims import ClientClaimsBox
from desktop.ui.pages.client_estimate import EstimatorBox
from desktop.ui.pages.client_ledger import ClientLedger
from desktop.ui.pages.superbills import DocumentsButton
from desktop.ui.runner import ActionRunner
from desktop.ui.widgets.tables import make_table

KIND_LABELS = {
    UnitKind.INDIVIDUAL: "Individual",
    UnitKind.COUPLE: "Couple",
    UnitKind.FAMILY: "Family",
}

DIAGNOSIS_COLUMNS: tuple[Column[DiagnosisRow], ...] = (
    Column("Rank", lambda d: str(d.rank), sort_key=lambda d: d.rank, numeric=True),
    Column("Code", lambda d: d.code),
    Column("Description", lambda d: d.description),
    Column(
        "From", lambda d: format_date(d.effective_from), lambda d: d.effective_from, numeric=True
    ),
    Column(
        "Until",
        lambda d: format_date(d.effective_to) or "in force",
        lambda d: d.effective_to or date.max,
        numeric=True,
    ),
)
MEMBER_COLUMNS: tuple[Column[MemberRow], ...] = (
    Column("Ref", lambda m: m.client_ref),
    Column("Name", lambda m: m.display_name, tooltip=lambda m: f"Legal name: {m.legal_name}"),
    Column("Role", lambda m: m.role),
    Column("Identified patient", lambda m: "Yes" if m.identified_patient else ""),
    Column(
        "Pays", lambda m: percent_text(m.pays_share_bp), lambda m: m.pays_share_bp, numeric=True
    ),
)


def _value_label() -> QLabel:
    label = QLabel()
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class _Section(QGroupBox):
    """A group of "label: value" lines."""

    def __init__(self, title: str, names: tuple[tuple[str, str], ...]) -> None:
        super().__init__(title)
        layout = QFormLayout(self)
        layout.setVerticalSpacing(style.SPACING // 2)
        layout.setHorizontalSpacing(style.SPACING * 2)
        self.values: dict[str, QLabel] = {}
        for key, text in names:
            value = _value_label()
            value.setObjectName(f"value_{key}")
            layout.addRow(text, value)
            self.values[key] = value

    def fill(self, values: dict[str, str]) -> None:
        for key, label in self.values.items():
            label.setText(values.get(key, "") or "—")

    def clear(self) -> None:
        for label in self.values.values():
            label.clear()


class ClientDetailView(QWidget):
    back = Signal()

    def __init__(self, runner: ActionRunner) -> None:
        super().__init__()
        self.runner = runner
        self.unit: UnitDetail | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(style.MARGIN, style.MARGIN, style.MARGIN, style.MARGIN)
        outer.setSpacing(style.SECTION_SPACING)

        top = QHBoxLayout()
        back = QPushButton("‹ All clients")
        back.setObjectName("back")
        back.setToolTip("Back to the client list (Esc)")
        back.clicked.connect(self.back)
        top.addWidget(back)
        top.addSpacing(style.SPACING)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title = QLabel()
        self.title.setObjectName("detail_title")
        self.title.setFont(style.title_font(self.title.font()))
        self.subtitle = QLabel()
        self.subtitle.setObjectName("detail_subtitle")
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        top.addLayout(titles, 1)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit)
        self.members_button = QPushButton("Edit members…")
        self.members_button.clicked.connect(self.edit_members)
        self.active_button = QPushButton()
        self.active_button.clicked.connect(self.toggle_active)
        for button in (self.members_button, self.edit_button, self.active_button):
            top.addWidget(button)
        top.addWidget(DocumentsButton(runner, lambda: self.unit.unit_id if self.unit else None))
        outer.addLayout(top)

        # What the page is opened for leads: the balance, then the account line by line.
        self.summary = QLabel()
        self.summary.setObjectName("client_summary")
        self.summary.setFont(style.title_font(self.summary.font(), 1.1))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.summary)
        self.person = _Section(
            "Client",
            (
                ("legal_name", "Legal name"),
                ("preferred", "Preferred name"),
                ("dob", "Date of birth"),
                ("email", "Email"),
                ("phone", "Phone"),
                ("address", "Address"),
            ),
        )
        self.billing = _Section(
            "Billing",
            (
                ("billing", "Billing"),
                ("service", "Usual service"),
                ("fee", "Usual fee"),
                ("owed", "Balance owed"),
                ("credit", "Credit on account"),
            ),
        )
        self.insurance = _Section(
            "Insurance and subscriber",
            (
                ("payer", "Insurer"),
                ("member_id", "Member ID"),
                ("group", "Group number"),
                ("relationship", "Relationship to subscriber"),
                ("subscriber", "Subscriber"),
                ("subscriber_dob", "Subscriber's birth date"),
                ("codes_only", "Diagnoses on superbills"),
            ),
        )
        self.members_box = QGroupBox("Members")
        members_layout = QVBoxLayout(self.members_box)
        self.members: RowsModel[MemberRow] = RowsModel(MEMBER_COLUMNS)
        self.members_table = make_table(self.members, stretch_column=1, sortable=False)
        self.members_table.setObjectName("members_table")
        self.members_table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.members_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        members_layout.addWidget(self.members_table)

        self.diagnoses_box = QGroupBox("Diagnoses")
        diag_layout = QVBoxLayout(self.diagnoses_box)
        self.diagnoses: RowsModel[DiagnosisRow] = RowsModel(
            DIAGNOSIS_COLUMNS, muted=lambda d: not d.in_effect(date.today())
        )
        self.diagnoses_table = make_table(self.diagnoses, stretch_column=2, sortable=False)
        self.diagnoses_table.setObjectName("diagnoses_table")
        # Sized to its rows (a diagnosis or two, usually), not a tall empty box.
        self.diagnoses_table.setSizeAdjustPolicy(
            QAbstractItemView.SizeAdjustPolicy.AdjustToContents
        )
        self.diagnoses_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        buttons = QHBoxLayout()
        self.add_diagnosis_button = QPushButton("Add diagnosis…")
        self.add_diagnosis_button.clicked.connect(self.add_diagnosis)
        self.end_diagnosis_button = QPushButton("End diagnosis…")
        self.end_diagnosis_button.clicked.connect(self.end_diagnosis)
        self.diagnosis_note = QLabel()
        self.diagnosis_note.setWordWrap(True)
        buttons.addWidget(self.diagnosis_note, 1)
        buttons.addWidget(self.add_diagnosis_button)
        buttons.addWidget(self.end_diagnosis_button)
        diag_layout.addLayout(buttons)
        diag_layout.addWidget(self.diagnoses_table)

        self.good_faith = QLabel()
        self.good_faith.setObjectName("good_faith")
        self.good_faith.setWordWrap(True)
        self.good_faith.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.good_faith_warning = QLabel()
        self.good_faith_warning.setObjectName("good_faith_warning")
        self.good_faith_warning.setWordWrap(True)
        palette = self.good_faith_warning.palette()
        palette.setColor(self.good_faith_warning.foregroundRole(), style.error_color(self))
        self.good_faith_warning.setPalette(palette)
        estimate_lines = QVBoxLayout()  # the line and its warning read as one
        estimate_lines.setSpacing(style.SPACING // 2)
        estimate_lines.addWidget(self.good_faith)
        estimate_lines.addWidget(self.good_faith_warning)
        outer.addLayout(estimate_lines)

        self.estimator = EstimatorBox(runner)
        self.claims = ClientClaimsBox(runner)
        self.ledger_box = QWidget()
        self.ledger = ClientLedger(runner)
        ledger_layout = QVBoxLayout(self.ledger_box)
        ledger_layout.setContentsMargins(0, style.SPACING, 0, 0)
        ledger_layout.addWidget(self.ledger)
        details = QGridLayout()
        details.setHorizontalSpacing(style.SECTION_SPACING)
        details.setVerticalSpacing(style.SECTION_SPACING)
        details.addWidget(self.members_box, 0, 0, 1, 2)
        details.addWidget(self.person, 1, 0)
        details.addWidget(self.billing, 1, 1)
        details.setColumnStretch(0, 1)
        details.setColumnStretch(1, 1)
        details.setRowStretch(2, 1)
        insurance = QGridLayout()
        insurance.setHorizontalSpacing(style.SECTION_SPACING)
        insurance.setVerticalSpacing(style.SECTION_SPACING)
        insurance.addWidget(self.insurance, 0, 0)
        insurance.addWidget(self.estimator, 0, 1)
        insurance.addWidget(self.diagnoses_box, 1, 0, 1, 2)
        insurance.setColumnStretch(0, 1)
        insurance.setColumnStretch(1, 1)
        insurance.setRowStretch(2, 1)
        # The rest folds away into tabs, the account first: details, insurance and
        # diagnoses are looked at now and then, the balance every time.
        self.sections = QTabWidget()
        self.sections.setObjectName("client_sections")
        self.sections.setDocumentMode(True)
        self.sections.addTab(self.ledger_box, "Account")
        self.sections.addTab(_scrolling(self.claims), "Claims")
        self.sections.addTab(_scrolling(details), "Details")
        self.sections.addTab(_scrolling(insurance), "Insurance and diagnoses")
        outer.addWidget(self.sections, 1)

    def show_section(self, widget: QWidget) -> None:
        """Bring the tab holding ``widget`` to the front."""
        for index in range(self.sections.count()):
            if self.sections.widget(index).isAncestorOf(widget):
                self.sections.setCurrentIndex(index)
                return

    # --- showing ---------------------------------------------------------------------------

    def show_unit(self, unit_id: int) -> bool:
        """Read the client's page and show it; False if it could not be read."""
        view = self.runner.read(client_page_view, unit_id, parent=self)
        if view is None:
            return False
        self.show(view)
        return True

    def show(self, view: ClientPageView) -> None:
        """Show a client's page as read (with the client list, when that refreshes)."""
        unit, balance = view.unit, view.balance
        self.unit = unit
        patient = unit.patient
        data = patient.data
        self.title.setText(unit.name)
        status = "Active" if unit.active else "Inactive"
        self.subtitle.setText(f"{unit.ref} · {KIND_LABELS[unit.kind]} · {status}")
        group = unit.kind != UnitKind.INDIVIDUAL
        self.members_box.setVisible(group)
        self.members_button.setVisible(group)
        self.members.set_rows(unit.members)
        self.person.setTitle(f"Identified patient: {patient.display_name}" if group else "Client")
        address = ", ".join(
            p for p in (data.address, data.city, f"{data.state} {data.zip}".strip()) if p
        )
        self.person.fill(
            {
                "legal_name": patient.legal_name,
                "preferred": data.preferred_name,
                "dob": format_date(data.date_of_birth),
                "email": data.email,
                "phone": data.phone,
                "address": address,
            }
        )
        superbill = view.gets_superbills
        self.billing.fill(
            {
                "billing": "Gets superbills" if superbill else "Pays privately (no superbill)",
                "service": _service_text(unit),
                "fee": _fee_text(unit),
                "owed": money_text(balance.owed),
                "credit": money_text(balance.credit),
            }
        )
        relationship = dict(RELATIONSHIPS).get(data.subscriber_relationship, "")
        self.insurance.fill(
            {
                "payer": patient.payer_name or "",
                "member_id": data.member_id,
                "group": data.group_number,
                "relationship": relationship.split(" (")[0],
                "subscriber": data.subscriber_name,
                "subscriber_dob": format_date(data.subscriber_date_of_birth),
                "codes_only": "Codes only"
                if data.diagnosis_codes_only
                else "Codes and descriptions",
            }
        )
        self.diagnoses.set_rows(patient.diagnoses)
        # Claims and the estimate matter to clients who get superbills (or once did).
        self.claims.show_claims(unit.unit_id, view.claims)
        self.sections.setTabVisible(1, superbill or bool(view.claims))
        self.estimator.setVisible(superbill)
        if view.estimate is not None:
            self.estimator.show_estimate(view.estimate)
        self.show_good_faith(view.good_faith)
        self.ledger.show_lines(unit.unit_id, view.ledger)
        self.summary.setText(_summary_text(view))
        self.diagnoses_box.setTitle(f"Diagnoses of {patient.display_name}")
        self.diagnosis_note.setText(
            "" if superbill else "This client pays privately; diagnoses never leave the practice."
        )
        self.edit_button.setText("Edit identified patient…" if group else "Edit…")
        self.active_button.setText("Make inactive" if unit.active else "Make active")
        # Adding a diagnosis is likely next; load the code set while the page is read.
        IcdSearcher.warm_up()

    def show_good_faith(self, summary: EstimateSummary | None) -> None:
        """One line about the client's current Good Faith Estimate, and a warning when the
        billing has run over it."""
        self.good_faith.setText(good_faith_line(summary) if summary else "")
        self.good_faith.setVisible(summary is not None)
        warning = good_faith_warning(summary) if summary else ""
        self.good_faith_warning.setText(warning)
        self.good_faith_warning.setVisible(bool(warning))

    def clear(self) -> None:
        self.unit = None
        self.show_good_faith(None)
        self.title.clear()
        self.subtitle.clear()
        self.summary.clear()
        for section in (self.person, self.billing, self.insurance):
            section.clear()
        self.members.clear()
        self.diagnoses.clear()
        self.claims.clear()
        self.estimator.clear()
        self.ledger.clear()

    # --- actions ---------------------------------------------------------------------------

    def _catalogs(self) -> tuple[list[catalog.ServiceRow], list[catalog.PayerRow]] | None:
        services = self.runner.read(catalog.list_services, parent=self)
        payers = self.runner.read(catalog.list_payers, parent=self)
        if services is None or payers is None:
            return None
        return services, payers

    def edit(self) -> None:
        if self.unit is None or (lists := self._catalogs()) is None:
            return
        services, payers = lists
        patient = self.unit.patient
        payers = _with_current(payers, patient.data.payer_id, self.runner)
        ClientDialog(self, self.runner, services, payers, patient).exec()

    def edit_members(self) -> None:
        if self.unit is None or (lists := self._catalogs()) is None:
            return
        clients = self.runner.read(list_clients, parent=self) or []
        UnitDialog(self, self.runner, clients, lists[0], detail=self.unit).exec()

    def toggle_active(self) -> None:
        if self.unit is not None:
            self.runner.run(set_unit_active, self.unit.unit_id, not self.unit.active, parent=self)

    def add_diagnosis(self) -> None:
        if self.unit is None:
            return
        patient = self.unit.patient
        in_force = {d.rank for d in patient.diagnoses if d.in_effect(date.today())}
        next_rank = next((r for r in range(1, 13) if r not in in_force), 12)
        DiagnosisDialog(self, self.runner, patient.id, patient.display_name, next_rank).exec()

    def end_diagnosis(self) -> None:
        rows = self.diagnoses_table.selectionModel().selectedRows()
        if not rows:
            self.runner.interaction.show_info(
                self, "Select the diagnosis to end in the list first."
            )
            return
        diagnosis = self.diagnoses.row_at(rows[0].row())
        EndDiagnosisDialog(self, self.runner, diagnosis).exec()


def good_faith_line(summary: EstimateSummary) -> str:
    """ "Estimate GFE-2026-0003: $2,340.00 through 03/15/2027 · billed $1,200.00", and
    what is owed ("Estimate owed: due by 12/09/2026")."""
    parts = []
    if (e := summary.estimate) is not None:
        parts.append(
            f"Estimate {e.label}: {money_text(e.total)} through {format_date(e.period_end)}"
            f" · billed {money_text(e.billed)}"
        )
    if (owed := summary.owed) is not None:
        due = f"due by {format_date(owed.due_by)}" if owed.due_by else "due now"
        word = "⚠ Estimate overdue" if owed.status == "overdue" else "Estimate owed"
        parts.append(f"{word}: {due} (Estimates page, Enter to give it)")
    return "   ·   ".join(parts)


def good_faith_warning(summary: EstimateSummary) -> str:
    """A sentence when billing has run past the practice's warning line; else ""."""
    e = summary.estimate
    if e is None:
        return ""
    dispute = money_text(summary.dispute_over)
    if e.dispute_eligible:
        until = f" until {format_date(e.dispute_until)}" if e.dispute_until else ""
        return (
            f"Billed {money_text(e.over_by)} over the estimate: at {dispute} or more over, the "
            f"client may start the patient-provider dispute process{until}."
        )
    if summary.warned:
        return (
            f"Billed {money_text(e.over_by)} over the estimate, past the practice's "
            f"{money_text(summary.warn_over)} warning line; at {dispute} over the client may "
            "dispute the bill. Issue a corrected version on the Estimates page."
        )
    return ""


def _summary_text(view: ClientPageView) -> str:
    """ "Owes $1,537.50 · Usual fee $200.00 · Pays privately", the line the page leads with."""
    balance = view.balance
    parts = [f"Owes {money_text(balance.owed)}" if balance.owed else "Owes nothing"]
    if balance.credit:
        parts.append(f"{money_text(balance.credit)} credit on account")
    if view.unit.usual_fee is not None:
        parts.append(f"Usual fee {money_text(view.unit.usual_fee)}")
    parts.append("Gets superbills" if view.gets_superbills else "Pays privately")
    return "   ·   ".join(parts)


def _scrolling(content: QWidget | QGridLayout) -> QScrollArea:
    """A tab's content, scrolling when the window is shorter than it."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    if isinstance(content, QGridLayout):
        body = QWidget()
        body.setLayout(content)
        content.setContentsMargins(0, style.SPACING, 0, 0)
        content = body
    scroll.setWidget(content)
    return scroll


def _service_text(unit: UnitDetail) -> str:
    """The usual service: the one set on the client, else that of the last session."""
    if unit.default_service_code:
        return unit.default_service_code
    if unit.usual_service_code:
        return f"{unit.usual_service_code} (as the last session)"
    return ""


def _fee_text(unit: UnitDetail) -> str:
    """The fee the session form proposes, and where it comes from when not set here."""
    if unit.usual_fee is None:
        return ""
    fee = money_text(unit.usual_fee)
    if unit.usual_fee_charged_on is not None:
        return f"{fee} (last charged for {unit.usual_service_code})"
    if unit.default_fee is None:
        return f"{fee} (the fee for {unit.usual_service_code})"
    return fee


def _with_current(
    payers: list[catalog.PayerRow], payer_id: int | None, runner: ActionRunner
) -> list[catalog.PayerRow]:
    """Active payers, plus the client's own even if it was deactivated since."""
    if payer_id is None or any(p.id == payer_id for p in payers):
        return payers
    current = runner.read(catalog.get_payer, payer_id)
    return [*payers, current] if current is not None else payers
