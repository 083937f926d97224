"""The practice and client blocks every document prints, taken from the books."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import Client, Payer, Practice
from desktop.domain.superbill_checks import Problem
from desktop.reports.documents.rows import ClientBlock, PracticeBlock, ProviderBlock
from desktop.services.errors import ServiceError


class CheckFailed(ServiceError):
    """The pre-issue check found errors, or warnings nobody acknowledged; nothing was issued.

    ``problems`` holds one sentence per problem, so a screen or the command line
    can show each on its own line.
    """

    def __init__(self, what: str, problems: Sequence[str]) -> None:
        super().__init__(f"{what} was not issued: " + " ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Finding:
    """A checker problem as a person reads it, with whether it blocks issuing."""

    blocks: bool
    text: str  # "Line 2: 90834 needs at least 38 minutes; this session was 20."

    @property
    def shown(self) -> str:
        return f"{'Error' if self.blocks else 'Warning'}: {self.text}"


def finding(problem: Problem) -> Finding:
    where = f"Line {problem.line_no}: " if problem.line_no is not None else ""
    return Finding(problem.blocks, where + problem.message)


def practice(session: Session) -> Practice:
    row = session.get(Practice, 1)
    if row is None:
        raise ServiceError("This practice file has no practice profile; fill it in first.")
    return row


def provider_block(p: Practice) -> ProviderBlock:
    return ProviderBlock(
        practice_name=p.practice_name,
        provider_name=p.provider_name,
        credentials=p.credentials,
        npi=p.npi,
        tax_id_kind=p.tax_id_kind,
        tax_id=p.tax_id,
        license_number=p.license_number,
        license_state=p.license_state,
        address=p.address,
        city=p.city,
        state=p.state,
        zip=p.zip,
        phone=p.phone,
        email=p.email,
        organization_npi=p.organization_npi,
        taxonomy=p.taxonomy,
        signature_png=p.signature_png,
    )


def practice_block(p: Practice) -> PracticeBlock:
    return PracticeBlock(
        name=p.practice_name,
        address=p.address,
        city=p.city,
        state=p.state,
        zip=p.zip,
        phone=p.phone,
        email=p.email,
        provider_name=p.provider_name,
        credentials=p.credentials,
    )


def client_block(client: Client, payer: Payer | None) -> ClientBlock:
    """The patient as the insurer knows them: the legal name only, never the preferred one."""
    dependent = client.subscriber_relationship != "self"
    return ClientBlock(
        legal_name=client.legal_name,
        date_of_birth=client.date_of_birth,
        address=client.address,
        city=client.city,
        state=client.state,
        zip=client.zip,
        insurer_name=payer.name if payer else "",
        payer_id=payer.external_id if payer else "",
        member_id=client.member_id,
        group_number=client.group_number,
        subscriber_relationship=client.subscriber_relationship,
        subscriber_name=client.subscriber_name if dependent else "",
        subscriber_date_of_birth=client.subscriber_date_of_birth if dependent else None,
    )
