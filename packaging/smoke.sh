#!/usr/bin/env bash
# Try the Linux package that packaging/build_deb.sh made, the way an installed copy runs:
# unpacked into a scratch root and started with an empty PATH (no Python, no uv) and an
# empty environment. It runs --version, init in a scratch data folder, demo, check, the
# window on the demo (offscreen, until it reports it is shown), and a first launch that
# must create the data folder privately and show the welcome screen.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' desktop/__init__.py)"
deb="dist/quietledger_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || { echo "smoke: $deb is missing; run packaging/build_deb.sh first." >&2; exit 1; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
dpkg-deb -x "$deb" "$scratch/root"
app="$scratch/root/usr/bin/quietledger"
mkdir -p "$scratch/empty-path" "$scratch/home"
data="$scratch/data"
passes=0

fail() {
    echo "smoke: FAILED: $*" >&2
    exit 1
}

# The app with nothing from this environment: an empty PATH, its own HOME; five
# minutes at most for each step.
app_env() {
    timeout 300 env -i PATH="$scratch/empty-path" HOME="$scratch/home" LANG=C.UTF-8 \
        QT_QPA_PLATFORM=offscreen "$@"
}

step() {
    echo "==> smoke: $1"
    passes=$((passes + 1))
}

if app_env /bin/sh -c 'command -v python3 || command -v python || command -v uv' >/dev/null; then
    fail "the app's PATH still finds Python or uv"
fi

step "--version"
out="$(app_env "$app" --version)"
[ "$out" = "quietledger $version" ] || fail "--version printed '$out', not 'quietledger $version'"

step "init in a scratch data folder"
app_env QUIETLEDGER_HOME="$data" QUIETLEDGER_PASSPHRASE="smoke test ledger 2026" "$app" init \
    >"$scratch/init.out"
grep -q "Recovery key:" "$scratch/init.out" || fail "init printed no recovery key"
[ "$(stat -c %a "$data")" = 700 ] || fail "the data folder is not private (0700)"
[ "$(stat -c %a "$data/practice.qlb")" = 600 ] || fail "the practice file is not private (0600)"

step "check the new practice file"
app_env QUIETLEDGER_HOME="$data" QUIETLEDGER_PASSPHRASE="smoke test ledger 2026" "$app" check \
    | grep -q "^OK:" || fail "check did not pass on the new practice file"

step "demo"
app_env QUIETLEDGER_HOME="$data" "$app" demo --db "$data/demo.qlb" --years 1 --clients 12 \
    | grep -q "Demo practice written" || fail "demo wrote no practice"

step "check the demo"
app_env QUIETLEDGER_HOME="$data" QUIETLEDGER_PASSPHRASE=demo "$app" check --db "$data/demo.qlb" \
    | grep -q "^OK:" || fail "check did not pass on the demo"

step "the window on the demo, offscreen"
out="$(app_env QUIETLEDGER_HOME="$data" QUIETLEDGER_QUIT_WHEN_SHOWN=1 \
    "$app" --demo 2>"$scratch/window.err")" || {
    cat "$scratch/window.err" >&2
    fail "the window did not start on the demo"
}
[ "$out" = shown ] || fail "the window did not report itself shown (it printed '$out')"

step "first launch: the data folder is created privately, the welcome screen shows"
first="$scratch/home/.local/share/QuietLedger"
[ ! -e "$first" ] || fail "$first exists before the first launch"
out="$(app_env QUIETLEDGER_QUIT_WHEN_SHOWN=1 "$app" 2>"$scratch/first.err")" || {
    cat "$scratch/first.err" >&2
    fail "the first launch failed"
}
[ "$out" = "shown: welcome" ] || fail "the first launch showed no welcome screen ('$out')"
[ -d "$first" ] || fail "the first launch did not create $first"
[ "$(stat -c %a "$first")" = 700 ] || fail "the first launch's data folder is not 0700"

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    step "the package's dependencies resolve (apt-get install --simulate)"
    apt-get install --simulate --no-install-recommends "./$deb" >"$scratch/apt.out" 2>&1 || {
        cat "$scratch/apt.out" >&2
        fail "apt cannot install $deb"
    }
fi
if command -v desktop-file-validate >/dev/null 2>&1; then
    step "desktop-file-validate"
    desktop-file-validate "$scratch/root/usr/share/applications/app.quietledger.QuietLedger.desktop"
fi
if command -v appstreamcli >/dev/null 2>&1; then
    step "appstreamcli validate"
    appstreamcli validate --no-net \
        "$scratch/root/usr/share/metainfo/app.quietledger.QuietLedger.metainfo.xml"
fi

echo "smoke: $(du -sh "$scratch/root/opt/quietledger" | cut -f1) unpacked, $(du -h "$deb" | cut -f1) package"
echo "smoke: all $passes steps passed"
