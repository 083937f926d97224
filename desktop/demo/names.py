"""The invented people of the demo practice: names, addresses, typical diagnoses.

Every name, street and phone number here is made up; ``Names`` draws unique
people from the lists with the demo's seeded random generator.
"""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Amara",
    "Ben",
    "Camila",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiroshi",
    "Imani",
    "Jonah",
    "Kaia",
    "Luis",
    "Maya",
    "Nikos",
    "Olivia",
    "Priya",
    "Quinn",
    "Rafael",
    "Sofia",
    "Tomasz",
    "Uma",
    "Victor",
    "Wren",
    "Xavier",
    "Yara",
    "Zane",
    "Aisha",
    "Bjorn",
    "Chloe",
    "Darius",
    "Esme",
    "Felix",
    "Gabriela",
    "Hugo",
    "Ines",
    "Jasper",
    "Keiko",
    "Leon",
    "Mira",
    "Noah",
    "Oren",
    "Paloma",
    "Rosa",
    "Samir",
    "Tess",
    "Ulrich",
    "Vera",
    "Wes",
    "Yusuf",
    "Zoe",
)
LAST_NAMES = (
    "Abernathy",
    "Baptiste",
    "Castellanos",
    "Dimitriou",
    "Eriksen",
    "Fairbanks",
    "Gallagher",
    "Hashemi",
    "Ivanova",
    "Jablonski",
    "Kowalczyk",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Papadopoulos",
    "Quintero",
    "Rahman",
    "Sørensen",
    "Takahashi",
    "Underwood",
    "Valdés",
    "Whitaker",
    "Xu",
    "Yilmaz",
    "Zeller",
    "Achebe",
    "Brennan",
    "Carvalho",
    "Delacroix",
    "Esposito",
    "Fitzgerald",
    "Guerrero",
    "Haddad",
    "Iverson",
    "Jovanović",
    "Kaplan",
    "Lombardi",
    "Mbeki",
    "Novak",
)
PREFERRED = {
    "Dmitri": "Dima",
    "Elena": "Lena",
    "Gabriela": "Gabi",
    "Tomasz": "Tom",
    "Xavier": "Xavi",
    "Hiroshi": "Hiro",
}
STREETS = (
    "Maple Ave",
    "Lark St",
    "Western Ave",
    "Delaware Ave",
    "Madison Ave",
    "Quail St",
    "New Scotland Ave",
    "Central Ave",
    "Hudson Ave",
    "Morris St",
)
TOWNS = (
    ("Albany", "12203"),
    ("Albany", "12208"),
    ("Troy", "12180"),
    ("Schenectady", "12305"),
    ("Delmar", "12054"),
    ("Latham", "12110"),
    ("Saratoga Springs", "12866"),
)

# The sex insurers have on file, for the demo's superbill clients (CMS-1500 item 3); names
# not listed (Quinn, Wren, double-barrelled ones) are left "not recorded".
FEMALE_NAMES = frozenset(
    [
        "Amara",
        "Camila",
        "Elena",
        "Grace",
        "Imani",
        "Kaia",
        "Maya",
        "Olivia",
        "Priya",
        "Sofia",
        "Uma",
        "Yara",
        "Aisha",
        "Chloe",
        "Esme",
        "Gabriela",
        "Ines",
        "Keiko",
        "Mira",
        "Paloma",
        "Rosa",
        "Tess",
        "Vera",
    ]
)
MALE_NAMES = frozenset(
    [
        "Ben",
        "Dmitri",
        "Farid",
        "Hiroshi",
        "Jonah",
        "Luis",
        "Nikos",
        "Rafael",
        "Tomasz",
        "Victor",
        "Xavier",
        "Zane",
        "Bjorn",
        "Darius",
        "Felix",
        "Hugo",
        "Jasper",
        "Leon",
        "Noah",
        "Oren",
        "Samir",
        "Ulrich",
        "Wes",
        "Yusuf",
    ]
)


# Diagnoses typical of a couples and sex therapy practice; all billable ICD-10-CM codes.
INDIVIDUAL_DX = (
    ("F43.23",),
    ("F41.1",),
    ("F32.1",),
    ("F52.0", "F41.1"),
    ("F43.10",),
    ("F33.1",),
    ("F52.21",),
    ("F41.0",),
    ("F43.22", "Z63.0"),
)
COUPLE_DX = (("F43.23", "Z63.0"), ("F41.1", "Z63.0"), ("F52.0", "Z63.0"))


class Names:
    """Unique invented names, drawn without repeats while the list lasts."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[tuple[str, str]] = set()

    def person(self, last: str | None = None) -> tuple[str, str]:
        for _ in range(1000):
            first = self.rng.choice(FIRST_NAMES)
            family = last or self.rng.choice(LAST_NAMES)
            if (first, family) not in self.used:
                self.used.add((first, family))
                return first, family
        first = f"{self.rng.choice(FIRST_NAMES)}-{self.rng.choice(FIRST_NAMES)}"
        return first, last or self.rng.choice(LAST_NAMES)
