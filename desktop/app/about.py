"""Help → About's facts: the version, the data folder, and the licenses of what ships.

The libraries are the application's Python distributions, found from its own
metadata's requirements, recursively (the standalone app carries their metadata
for this: packaging/quietledger.spec), with the license files each one ships. The
components inside them that carry no license file of their own (Qt, Python, SQLCipher,
OpenSSL, the DejaVu fonts) have theirs in ``resources/licenses``; the first line of
each such file names the component and its license.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from desktop import __version__
from desktop.app import paths
from desktop.forms.about import AboutFacts, LicenseNotice
from desktop.resources import resource_path

DISTRIBUTION = "quietledger"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_LICENSE_FILE = re.compile(r"^(licen[cs]e|copying|notice)", re.IGNORECASE)


def about_facts() -> AboutFacts:
    """Everything the About dialog shows (the data folder is created if missing)."""
    return AboutFacts(
        version=__version__,
        data_folder=paths.data_dir(),
        notices=(*resource_notices(), *distribution_notices()),
    )


def bundled_distributions(root: str = DISTRIBUTION) -> list[metadata.Distribution]:
    """The installed distributions ``root`` needs, directly or not, by name (without it)."""
    seen: dict[str, metadata.Distribution] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        key = _normalized(name)
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform
        seen[key] = dist
        for requirement in dist.requires or []:
            if "extra ==" in requirement:
                continue  # optional features the application does not ask for
            match = _NAME.match(requirement)
            if match:
                pending.append(match.group(1))
    seen.pop(_normalized(root), None)
    return sorted(seen.values(), key=lambda dist: _normalized(dist.metadata["Name"]))


def distribution_notices() -> list[LicenseNotice]:
    return [_notice(dist) for dist in bundled_distributions()]


def resource_notices() -> list[LicenseNotice]:
    """The notices in ``resources/licenses`` and the fonts' license."""
    notices = []
    for path in sorted(resource_path("licenses").glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").partition("\n")
        component, _, license_name = title.partition(" — ")
        notices.append(LicenseNotice(component.strip(), license_name.strip(), text.strip()))
    fonts = resource_path("fonts", "LICENSE-DejaVu.txt")
    notices.append(
        LicenseNotice("DejaVu fonts", "Bitstream Vera and Arev fonts license", fonts.read_text())
    )
    return sorted(notices, key=lambda notice: notice.component.casefold())


def _notice(dist: metadata.Distribution) -> LicenseNotice:
    meta = dist.metadata
    license_name = meta.get("License-Expression") or _short(meta.get("License")) or ""
    if not license_name:
        classifiers = meta.get_all("Classifier") or []
        license_name = ", ".join(
            c.rsplit(" :: ", 1)[-1] for c in classifiers if c.startswith("License ::")
        )
    texts = [text for text in _license_texts(dist) if text.strip()]
    body = "\n\n".join(texts) or f"License: {license_name or 'not stated'}."
    return LicenseNotice(f"{meta['Name']} {dist.version}", license_name, body.strip())


def _license_texts(dist: metadata.Distribution) -> list[str]:
    """The texts of the license files in the distribution's metadata folder.

    Those its metadata names (License-File; Metadata 2.4 keeps them under
    ``licenses/``), else any LICENSE, COPYING or NOTICE file there.
    """
    named = set(dist.metadata.get_all("License-File") or [])
    texts = []
    for file in dist.files or []:
        folders = [i for i, part in enumerate(file.parts) if part.endswith(".dist-info")]
        if not folders:
            continue
        inside = "/".join(file.parts[folders[0] + 1 :]).removeprefix("licenses/")
        if inside in named if named else _LICENSE_FILE.match(file.name):
            # Some older license files are Latin-1, not UTF-8.
            texts.append(Path(file.locate()).read_bytes().decode("utf-8", "replace"))
    return texts


def _short(license_field: str | None) -> str:
    """The License field when it is a name, not a whole license text pasted in."""
    if not license_field or "\n" in license_field.strip() or len(license_field) > 80:
        return ""
    return license_field.strip()


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
