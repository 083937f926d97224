"""The practice profile, its catalogs' defaults, and practice settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import PaymentMethod, Practice, Service, Setting
from desktop.domain.business_days import MONDAY_TO_FRIDAY
from desktop.domain.claim_codes import modifiers_problem, place_of_service_problem
from desktop.domain.coding import DEFAULT_SERVICES
from desktop.domain.identifiers import ein_problem, normalize_ein, npi_problem
from desktop.domain.kinds import AgingBasis
from desktop.domain.money import format_plain, parse_money
from desktop.services.audit import log as audit
from desktop.services.errors import InvalidInput, NotFound

US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
        "GU",
        "VI",
        "AS",
        "MP",
    ]
)

# (name, fee rate in basis points, fixed fee): sensible starting methods, all editable.
DEFAULT_METHODS: tuple[tuple[str, int, str], ...] = (
    ("Card", 290, "0.30"),
    ("Cash", 0, "0"),
    ("Check", 0, "0"),
    ("Zelle", 0, "0"),
    ("HSA/FSA card", 290, "0.30"),
)


@dataclass(frozen=True)
class Profile:
    """The practice profile as forms and the ``init --profile`` TOML file know it."""

    practice_name: str
    provider_name: str = ""
    credentials: str = ""
    npi: str = ""
    organization_npi: str = ""
    ein: str = ""
    license_number: str = ""
    license_state: str = ""
    taxonomy: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    phone: str = ""
    email: str = ""

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def profile_problems(profile: Profile) -> dict[str, str]:
    """Every field that is wrong, with the sentence to show beside it."""
    problems: dict[str, str] = {}
    if not profile.practice_name.strip():
        problems["practice_name"] = "Enter the practice's name."
    if profile.npi and (p := npi_problem(profile.npi)):
        problems["npi"] = p
    if profile.organization_npi:
        p = npi_problem(profile.organization_npi)
        if p:
            problems["organization_npi"] = p
        elif not profile.organization_npi.startswith("2"):
            problems["organization_npi"] = "An organization NPI starts with 2."
    if profile.npi and not problems.get("npi") and not profile.npi.startswith("1"):
        problems["npi"] = "The individual NPI starts with 1."
    if profile.ein and (p := ein_problem(profile.ein)):
        problems["ein"] = p
    for name in ("license_state", "state"):
        value = getattr(profile, name).strip().upper()
        if value and value not in US_STATES:
            problems[name] = "Use the two-letter state code, such as NY."
    if profile.zip and not _is_zip(profile.zip):
        problems["zip"] = "A ZIP code is 5 digits, or ZIP+4 such as 10001-1234."
    if profile.taxonomy and not (len(profile.taxonomy) == 10 and profile.taxonomy.isalnum()):
        problems["taxonomy"] = "A taxonomy code is 10 characters, such as 106H00000X."
    return problems


def _is_zip(text: str) -> bool:
    digits = text.strip()
    return (len(digits) == 5 and digits.isdigit()) or (
        len(digits) == 10 and digits[5] == "-" and digits[:5].isdigit() and digits[6:].isdigit()
    )


def _normalized(profile: Profile) -> Profile:
    return replace(
        profile,
        practice_name=profile.practice_name.strip(),
        ein=normalize_ein(profile.ein) if profile.ein else "",
        license_state=profile.license_state.strip().upper(),
        state=profile.state.strip().upper(),
        taxonomy=profile.taxonomy.strip().upper(),
    )


def practice_row(session: Session) -> Practice:
    """The practice's one row (profile, settings, signature); refuses a file without it."""
    practice = session.get(Practice, 1)
    if practice is None:
        raise NotFound("This practice file has no practice profile yet.")
    return practice


def create_practice(
    session: Session, profile: Profile, *, user_name: str = "", with_defaults: bool = True
) -> None:
    """Write the practice profile and, by default, starting services and payment methods."""
    problems = profile_problems(profile)
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, field=field)
    profile = _normalized(profile)
    values = asdict(profile)
    values["tax_id"] = values.pop("ein")
    practice = Practice(
        id=1, user_name=user_name or profile.provider_name or "Practice owner", **values
    )
    session.add(practice)
    session.flush()
    audit.record(session, "create", "practice", 1, after=asdict(profile))
    if with_defaults:
        for order, (name, rate, fixed) in enumerate(DEFAULT_METHODS):
            session.add(
                PaymentMethod(
                    name=name, fee_basis_points=rate, fee_fixed=parse_money(fixed), sort_order=order
                )
            )
        for service in DEFAULT_SERVICES:
            session.add(
                Service(
                    code=service.code,
                    label=service.label,
                    default_minutes=service.minutes,
                    default_fee=parse_money(service.fee),
                    superbill=service.superbill,
                )
            )
        session.flush()


def get_profile(session: Session) -> Profile:
    practice = practice_row(session)
    values = {name: getattr(practice, name) for name in Profile.field_names() if name != "ein"}
    return Profile(ein=practice.tax_id, **values)


def update_profile(session: Session, profile: Profile) -> Profile:
    problems = profile_problems(profile)
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, field=field)
    profile = _normalized(profile)
    practice = practice_row(session)
    before = asdict(get_profile(session))
    for name, value in asdict(profile).items():
        setattr(practice, "tax_id" if name == "ein" else name, value)
    session.flush()
    audit.record(session, "update", "practice", 1, before=before, after=asdict(profile))
    return profile


@dataclass(frozen=True)
class PracticeSettings:
    user_name: str
    autolock_minutes: int
    aging_basis: AgingBasis
    due_days: int
    closed_through: date | None
    default_place_of_service: str
    default_modifiers: str
    statement_message: str
    superbill_unsubmitted_days: int


_SETTINGS_FIELDS = tuple(f.name for f in fields(PracticeSettings))


def get_settings(session: Session) -> PracticeSettings:
    columns = Practice.__table__.c  # the table, as in practice_name
    found = session.execute(
        select(*(columns[name] for name in _SETTINGS_FIELDS)).where(columns.id == 1)
    ).first()
    if found is None:
        raise NotFound("This practice file has no practice profile yet.")
    values = dict(zip(_SETTINGS_FIELDS, found, strict=True))
    values["aging_basis"] = AgingBasis(values["aging_basis"])
    return PracticeSettings(**values)


def update_settings(session: Session, settings: PracticeSettings) -> PracticeSettings:
    """Change practice settings (the closed-through date changes only through ``periods``)."""
    if not 1 <= settings.autolock_minutes <= 240:
        raise InvalidInput("Auto-lock is between 1 and 240 minutes.", field="autolock_minutes")
    if not 0 <= settings.due_days <= 120:
        raise InvalidInput("Days until due is between 0 and 120.", field="due_days")
    if problem := place_of_service_problem(settings.default_place_of_service):
        raise InvalidInput(problem, field="default_place_of_service")
    if problem := modifiers_problem(settings.default_modifiers):
        raise InvalidInput(problem, field="default_modifiers")
    practice = practice_row(session)
    before = get_settings(session)
    for name in _SETTINGS_FIELDS:
        if name == "closed_through":
            continue
        value = getattr(settings, name)
        setattr(practice, name, value.value if isinstance(value, AgingBasis) else value)
    session.flush()
    audit.forget_cached(session)  # the user's name may have changed
    audit.record(
        session, "update", "settings", 1, before=_plain(before), after=_plain(get_settings(session))
    )
    return get_settings(session)


def _plain(settings: PracticeSettings) -> dict[str, object]:
    values = asdict(settings)
    values["aging_basis"] = settings.aging_basis.value
    return values


# --- Good Faith Estimate settings ------------------------------------------------------
# Kept as small settings rows (``settings`` table), so export and import carry them as-is.

GFE_DEFAULT_SESSIONS = "gfe_default_sessions"
GFE_WORKDAYS = "gfe_workdays"
GFE_WARN_OVER = "gfe_warn_over"


@dataclass(frozen=True)
class EstimateSettings:
    """How Good Faith Estimates are proposed and followed.

    ``default_sessions``: sessions a new estimate expects (24: about six months of
    weekly therapy, a common first course; the practice changes it per estimate or
    here). ``workdays``: the weekdays (0 Monday to 6 Sunday) that count as business
    days for the deadlines. ``warn_over``: how far billing may run over an estimate
    before it is flagged, below the $400 at which the client may dispute.
    """

    default_sessions: int = 24
    workdays: frozenset[int] = MONDAY_TO_FRIDAY
    warn_over: Decimal = Decimal("300.00")


def get_estimate_settings(session: Session) -> EstimateSettings:
    """The practice's estimate settings; the defaults for any never set."""
    keys = (GFE_DEFAULT_SESSIONS, GFE_WORKDAYS, GFE_WARN_OVER)
    query = select(Setting.key, Setting.value).where(Setting.key.in_(keys))
    stored: dict[str, str] = dict(session.execute(query).all())
    default = EstimateSettings()
    try:
        return EstimateSettings(
            default_sessions=int(stored.get(GFE_DEFAULT_SESSIONS, default.default_sessions)),
            workdays=(
                frozenset(int(day) for day in stored[GFE_WORKDAYS].split(",") if day.strip())
                if GFE_WORKDAYS in stored
                else default.workdays
            ),
            warn_over=parse_money(stored.get(GFE_WARN_OVER, str(default.warn_over))),
        )
    except ValueError:
        # Only an edited export brings in text like this; the defaults are safe until fixed.
        return default


def update_estimate_settings(session: Session, settings: EstimateSettings) -> EstimateSettings:
    """Change the estimate settings; refuses values a person should correct."""
    if not 1 <= settings.default_sessions <= 366:
        raise InvalidInput(
            "The usual number of sessions is between 1 and 366.", field="default_sessions"
        )
    if not settings.workdays or not settings.workdays <= frozenset(range(7)):
        raise InvalidInput("Choose at least one working day of the week.", field="workdays")
    if not Decimal("0") <= settings.warn_over <= Decimal("400.00"):
        raise InvalidInput(
            "Warn at an amount over the estimate from $0 to $400 (where a dispute may start).",
            field="warn_over",
        )
    before = get_estimate_settings(session)
    values = {
        GFE_DEFAULT_SESSIONS: str(settings.default_sessions),
        GFE_WORKDAYS: ",".join(str(day) for day in sorted(settings.workdays)),
        GFE_WARN_OVER: format_plain(settings.warn_over),
    }
    for key, value in values.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
    session.flush()
    after = get_estimate_settings(session)
    audit.record(
        session,
        "update",
        "settings",
        1,
        before=_plain_estimates(before),
        after=_plain_estimates(after),
    )
    return after


def _plain_estimates(settings: EstimateSettings) -> dict[str, object]:
    return {
        GFE_DEFAULT_SESSIONS: settings.default_sessions,
        GFE_WORKDAYS: sorted(settings.workdays),
        GFE_WARN_OVER: settings.warn_over,
    }


@dataclass(frozen=True)
class Preferences:
    """What the Settings → Preferences tab reads and saves together."""

    settings: PracticeSettings
    estimates: EstimateSettings


def get_preferences(session: Session) -> Preferences:
    return Preferences(get_settings(session), get_estimate_settings(session))


def update_preferences(session: Session, preferences: Preferences) -> Preferences:
    """Save practice and estimate settings in one go (the caller's one transaction).

    Either part that did not change is left alone, so the audit log records only what
    did; a refusal of either part leaves both unsaved.
    """
    if preferences.settings != get_settings(session):
        update_settings(session, preferences.settings)
    if preferences.estimates != get_estimate_settings(session):
        update_estimate_settings(session, preferences.estimates)
    return get_preferences(session)


def practice_name(session: Session) -> str:
    # Through the table, not the mapped class: the window asks this before anything
    # else, and the mapped classes need not be configured for it (see list_units).
    name = Practice.__table__.c.practice_name
    return session.execute(select(name)).scalar_one_or_none() or ""


def fee_for(amount: Decimal, method: PaymentMethod) -> Decimal:
    """The processor fee a payment method's rule keeps back from ``amount``."""
    from desktop.domain.money import percent_of

    if amount <= 0 or (method.fee_basis_points == 0 and method.fee_fixed == 0):
        return Decimal("0.00")
    return min(amount, percent_of(amount, method.fee_basis_points) + method.fee_fixed)
