"""Place-of-service codes and procedure modifiers as a therapy claim uses them.

``PLACES_OF_SERVICE`` is CMS's Place of Service Code Set for professional
claims (CMS-1500 item 24B, 837P), as published by CMS and taken in
``POS_CODE_SET_YEAR``; codes CMS lists as unassigned (28-30, 35-40, 43-48,
59, 63, 64, 67-70, 73-80, 82-98) and anything else (00, 88) are not places of
service. Update the table, and the year, when CMS adds a code.

``MODIFIERS`` are the CPT and HCPCS Level II modifiers a psychotherapist meets
on a claim; each says when it is used. A payer that wants another one
(a state Medicaid's U1-UD, say) is out of this practice's scope, so an
unknown modifier is refused with the list of known ones.

Telehealth pairs are payer rules, not code-set rules, so a mismatch is a
warning (``telehealth_problem``) that names the rule; the practice may know
its payer's policy better.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

POS_CODE_SET_YEAR = 2025
MAX_MODIFIERS = 4  # CMS-1500 item 24D has room for four

PLACES_OF_SERVICE: dict[str, str] = {
    "01": "Pharmacy",
    "02": "Telehealth provided other than in patient's home",
    "03": "School",
    "04": "Homeless shelter",
    "05": "Indian Health Service free-standing facility",
    "06": "Indian Health Service provider-based facility",
    "07": "Tribal 638 free-standing facility",
    "08": "Tribal 638 provider-based facility",
    "09": "Prison/correctional facility",
    "10": "Telehealth provided in patient's home",
    "11": "Office",
    "12": "Home",
    "13": "Assisted living facility",
    "14": "Group home",
    "15": "Mobile unit",
    "16": "Temporary lodging",
    "17": "Walk-in retail health clinic",
    "18": "Place of employment-worksite",
    "19": "Off campus-outpatient hospital",
    "20": "Urgent care facility",
    "21": "Inpatient hospital",
    "22": "On campus-outpatient hospital",
    "23": "Emergency room-hospital",
    "24": "Ambulatory surgical center",
    "25": "Birthing center",
    "26": "Military treatment facility",
    "27": "Outreach site/street",
    "31": "Skilled nursing facility",
    "32": "Nursing facility",
    "33": "Custodial care facility",
    "34": "Hospice",
    "41": "Ambulance-land",
    "42": "Ambulance-air or water",
    "49": "Independent clinic",
    "50": "Federally qualified health center",
    "51": "Inpatient psychiatric facility",
    "52": "Psychiatric facility-partial hospitalization",
    "53": "Community mental health center",
    "54": "Intermediate care facility/individuals with intellectual disabilities",
    "55": "Residential substance abuse treatment facility",
    "56": "Psychiatric residential treatment center",
    "57": "Non-residential substance abuse treatment facility",
    "58": "Non-residential opioid treatment facility",
    "60": "Mass immunization center",
    "61": "Comprehensive inpatient rehabilitation facility",
    "62": "Comprehensive outpatient rehabilitation facility",
    "65": "End-stage renal disease treatment facility",
    "66": "Programs of All-Inclusive Care for the Elderly (PACE) center",
    "71": "Public health clinic",
    "72": "Rural health clinic",
    "81": "Independent laboratory",
    "99": "Other place of service",
}

TELEHEALTH_PLACES = frozenset({"02", "10"})

# Code -> when a therapist uses it.
MODIFIERS: dict[str, str] = {
    "95": "Synchronous telemedicine by real-time audio and video (most payers, Medicare)",
    "93": "Synchronous telemedicine by audio only (telephone)",
    "GT": "Telehealth by interactive audio and video (older; some payers still ask for it)",
    "GQ": "Telehealth by an asynchronous (store-and-forward) system",
    "FQ": "Audio-only service (Medicare: rural health clinics and FQHCs)",
    "FR": "Supervising practitioner present by audio-video",
    "HJ": "Employee assistance program (EAP) session",
    "HO": "Master's-degree-level clinician (Medicaid, some commercial plans)",
    "HN": "Bachelor's-degree-level clinician",
    "HP": "Doctoral-level clinician",
    "HE": "Mental health program",
    "HA": "Child or adolescent program",
    "HF": "Substance abuse program",
    "HR": "Family or couple session with the client present",
    "HS": "Family or couple session without the client present",
    "AH": "Service by a clinical psychologist",
    "AJ": "Service by a clinical social worker",
    "25": "Separately identifiable E/M service on the day of another service",
    "59": "Distinct procedural service (two services the payer would otherwise bundle)",
    "XE": "Separate encounter (a more specific 59)",
    "XP": "Separate practitioner (a more specific 59)",
    "XS": "Separate organ or structure (a more specific 59)",
    "XU": "Unusual non-overlapping service (a more specific 59)",
    "52": "Reduced service",
    "76": "Repeat service by the same practitioner on the same day",
    "KX": "Requirements in the payer's medical policy have been met",
    "GA": "Waiver of liability (an ABN) on file",
    "GY": "Item or service statutorily excluded by Medicare",
    "GZ": "Expected to be denied as not reasonable and necessary; no ABN on file",
}

TELEHEALTH_MODIFIERS = frozenset({"95", "93", "GT", "GQ", "FQ"})

_SPLIT = re.compile(r"[\s,]+")


def split_modifiers(text: str) -> list[str]:
    """``95 gt`` or ``95, GT`` as ``["95", "GT"]``."""
    return [part for part in _SPLIT.split(text.strip().upper()) if part]


def place_of_service_problem(code: str) -> str | None:
    """Why ``code`` is not a CMS place of service, or None when it is one."""
    code = code.strip()
    if code in PLACES_OF_SERVICE:
        return None
    if len(code) != 2 or not code.isdigit():
        return "Place of service is two digits from CMS's list, such as 11 (office) or 10."
    return (
        f"{code} is not a CMS place-of-service code ({POS_CODE_SET_YEAR} code set); use one "
        "such as 11 (office), 02 or 10 (telehealth) or 12 (home)."
    )


def modifiers_problem(text: str) -> str | None:
    """Why ``text`` is not a list of known modifiers, or None when it is."""
    parts = split_modifiers(text)
    if len(parts) > MAX_MODIFIERS:
        return f"A service line has room for {MAX_MODIFIERS} modifiers; remove the others."
    if len(set(parts)) != len(parts):
        return "A modifier is listed twice; list each once."
    unknown = [part for part in parts if part not in MODIFIERS]
    if unknown:
        known = ", ".join(MODIFIERS)
        return (
            f"{', '.join(unknown)} is not a modifier a therapy claim uses; use one of {known}."
            if len(unknown) == 1
            else f"{', '.join(unknown)} are not modifiers a therapy claim uses; "
            f"use those of {known}."
        )
    return None


def telehealth_problem(place_of_service: str, modifiers: Sequence[str] | str) -> str | None:
    """A place of service and modifiers that payers read as contradicting each other, or None.

    The rules named are the payers' own: Medicare's telehealth billing (POS 02/10 or
    the in-person POS, with modifier 95, or 93 for audio only) and the commercial plans'
    telehealth policies, which mostly want POS 02/10 with 95 or GT.
    """
    mods = set(split_modifiers(modifiers) if isinstance(modifiers, str) else modifiers)
    remote = mods & TELEHEALTH_MODIFIERS
    if place_of_service in TELEHEALTH_PLACES and not remote:
        return (
            f"Place of service {place_of_service} is telehealth but no telehealth modifier is "
            "given; most payers' telehealth policies want 95 (video) or 93 (audio only), "
            "some GT."
        )
    if remote and place_of_service not in TELEHEALTH_PLACES:
        listed = ", ".join(sorted(remote))
        return (
            f"Modifier {listed} says the visit was remote, but place of service "
            f"{place_of_service} says in person. Medicare accepts the in-person POS with 95 "
            "for telehealth; most commercial plans want POS 02 or 10. Check the payer's "
            "telehealth policy."
        )
    if {"95", "GT"} <= mods or ({"95", "GT"} & mods and "93" in mods):
        return "Use one telehealth modifier: 95 or GT for video, 93 for audio only."
    return None
