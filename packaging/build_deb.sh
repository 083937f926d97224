#!/usr/bin/env bash
# Build Quiet Ledger for Linux: the standalone folder (PyInstaller, from
# packaging/quietledger.spec), then a Debian package around it that installs like any
# other desktop program: the app in /opt/quietledger, `quietledger` on the PATH, the
# menu entry, the icon and the AppStream metadata. Needs no Python on the target.
#
#   packaging/build_deb.sh      ->  dist/QuietLedger/  and  dist/quietledger_<version>_<arch>.deb
#
# Run from anywhere, with uv and the locked environment (`uv sync --locked`); on Linux
# PyInstaller needs binutils. packaging/smoke.sh tries the package.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' desktop/__init__.py)"
arch="$(dpkg --print-architecture)"
id="app.quietledger.QuietLedger"
if ! grep -q "<release version=\"$version\"" "packaging/$id.metainfo.xml"; then
    echo "packaging/$id.metainfo.xml has no <release> for version $version; add one." >&2
    exit 1
fi

started=$SECONDS
echo "==> pyinstaller packaging/quietledger.spec"
uv run pyinstaller packaging/quietledger.spec --noconfirm --log-level WARN
echo "==> app folder built in $((SECONDS - started)) s: $(du -sh dist/QuietLedger | cut -f1)"

root="build/deb/quietledger"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin"
cp -a dist/QuietLedger "$root/opt/quietledger"
# Relative, so the unpacked package also runs where it is (packaging/smoke.sh).
ln -s ../../opt/quietledger/QuietLedger "$root/usr/bin/quietledger"
install -Dm644 "packaging/$id.desktop" "$root/usr/share/applications/$id.desktop"
install -Dm644 "packaging/$id.metainfo.xml" "$root/usr/share/metainfo/$id.metainfo.xml"
install -Dm644 resources/icons/quietledger.png \
    "$root/usr/share/icons/hicolor/256x256/apps/quietledger.png"
install -Dm644 resources/icons/quietledger.svg \
    "$root/usr/share/icons/hicolor/scalable/apps/quietledger.svg"
install -Dm644 packaging/debian-copyright "$root/usr/share/doc/quietledger/copyright"

# Qt's window system and graphics libraries come from the system, as for any Qt program;
# the rest (Python, Qt, SQLCipher, OpenSSL) is inside /opt/quietledger.
cat >"$root/DEBIAN/control" <<CONTROL
Package: quietledger
Version: $version
Architecture: $arch
Maintainer: Quiet Ledger
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: libc6 (>= 2.36), libegl1, libgl1, libfontconfig1, libfreetype6, libglib2.0-0,
 libdbus-1-3, libx11-6, libx11-xcb1, libxkbcommon0, libxkbcommon-x11-0, libxcb1,
 libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0,
 libxcb-render-util0, libxcb-shape0, libxcb-xfixes0, libxcb-xkb1, libwayland-client0,
 libwayland-cursor0, libwayland-egl1, libcups2
Recommends: fonts-dejavu-core
Section: misc
Priority: optional
Description: Offline, encrypted bookkeeping for private-pay psychotherapists
 Clients, couples and families, sessions and payments, superbills, statements
 and receipts, Good Faith Estimates, out-of-network claims and month-end
 reports, kept in one encrypted file on this computer.
 .
 Practice files live in ~/.local/share/QuietLedger; removing the package never
 touches them.
CONTROL

chmod -R u+rwX,go+rX,go-w "$root"
deb="dist/quietledger_${version}_${arch}.deb"
echo "==> dpkg-deb --build $deb"
# zstd: seconds where xz takes minutes, for a package 30% larger; dpkg reads it from
# Debian 12 and Ubuntu 21.10 on, older than the glibc the app needs anyway.
dpkg-deb --root-owner-group -Zzstd --build "$root" "$deb"
echo "==> $deb: $(du -h "$deb" | cut -f1), $(du -sh "$root/opt/quietledger" | cut -f1) unpacked;" \
    "built in $((SECONDS - started)) s"
