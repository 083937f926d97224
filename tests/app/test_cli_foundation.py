"""The ``quietledger`` command: exit codes, one-line errors, ``init`` and ``check``."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.models import Client
from desktop import __version__
from desktop.app.cli import command_modules, main
from desktop.services.practice.settings import get_profile
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE, VALID_EIN, VALID_NPI

FULL_PROFILE = {
    "practice_name": "Harbor Light Therapy",
    "provider_name": "Dana Whitfield",
    "credentials": "LMFT",
    "npi": VALID_NPI,
    "organization_npi": "",
    "ein": VALID_EIN,
    "license_number": "LMFT 12345",
    "license_state": "NY",
    "taxonomy": "106H00000X",
    "address": "100 Main Street, Suite 4",
    "city": "Albany",
    "state": "NY",
    "zip": "12207",
    "phone": "(518) 555-0142",
    "email": "dana@example.com",
}


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder and the passphrase in the environment."""
    home = tmp_path / "home"
    monkeypatch.setenv("QUIETLEDGER_HOME", str(home))
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    return home


def write_toml(path: Path, values: dict[str, str]) -> Path:
    lines = [f'{key} = "{value}"' for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(
    *args: str, env: dict[str, str] | None = None, stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it: a separate process, no terminal."""
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        env={**os.environ, **(env or {})},
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --- version, usage -------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"quietledger {__version__}" == "quietledger 0.1.0"


def test_installed_command_prints_version() -> None:
    script = Path(sys.executable).with_name("quietledger")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, "quietledger 0.1.0")


def test_unknown_subcommand_is_a_usage_error() -> None:
    result = cli("frobnicate")
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in one_line(result.stderr)


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-such-option"]) == 2
    assert "--no-such-option" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    "argv", [["--demo", "check"], ["--demo", "--db", "x.qlb"]], ids=["with-command", "with-db"]
)
def test_demo_flag_misuse_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert "--demo" in one_line(capsys.readouterr().err)


def test_subcommands_are_found_by_module_name() -> None:
    names = {module.__name__ for module in command_modules()}
    assert {"desktop.app.cli_init", "desktop.app.cli_check"} <= names
    assert "desktop.app.cli_common" not in names  # helpers, no register()


def test_cli_never_imports_qt(tmp_path: Path) -> None:
    db = tmp_path / "books.qlb"
    code = (
        "import sys\n"
        "from desktop.app.cli import main\n"
        f"assert main(['init', '--db', {str(db)!r}]) == 0\n"
        f"assert main(['check', '--db', {str(db)!r}]) == 0\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr


# --- init -----------------------------------------------------------------------------


def test_init_with_a_full_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toml = write_toml(tmp_path / "practice.toml", FULL_PROFILE)
    db = tmp_path / "books" / "harbor.qlb"
    assert main(["init", "--db", str(db), "--profile", str(toml)]) == 0
    out = capsys.readouterr().out
    assert "print this recovery key" in out.lower()
    recovery = next(line for line in out.splitlines() if line.startswith("Recovery key: "))
    # The printed recovery key really opens the file, and the profile was saved as given.
    with Workspace.open(db, recovery_key=recovery.removeprefix("Recovery key: ")) as ws:
        profile = ws.read(get_profile)
    assert profile.practice_name == "Harbor Light Therapy"
    assert (profile.npi, profile.ein, profile.taxonomy) == (VALID_NPI, VALID_EIN, "106H00000X")
    assert profile.email == "dana@example.com"


def test_init_without_profile_uses_the_default_path(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    assert (isolated_home / "practice.qlb").is_file()
    assert str(isolated_home / "practice.qlb") in capsys.readouterr().out


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("npi", "1234567890", "NPI"),
        ("npi", "12345", "NPI"),
        ("ein", "07-1234567", "EIN"),
        ("ein", "12-34", "EIN"),
    ],
)
def test_init_with_a_bad_identifier_writes_nothing(
    tmp_path: Path, field: str, value: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    toml = write_toml(tmp_path / "practice.toml", {**FULL_PROFILE, field: value})
    folder = tmp_path / "books"
    assert main(["init", "--db", str(folder / "harbor.qlb"), "--profile", str(toml)]) == 1
    captured = capsys.readouterr()
    line = one_line(captured.err)
    assert words in line
    assert field in line
    assert files_under(folder) == []
    assert captured.out == ""


def test_a_bad_profile_as_a_user_sees_it(tmp_path: Path) -> None:
    toml = write_toml(tmp_path / "practice.toml", {**FULL_PROFILE, "npi": "1234567890"})
    result = cli("init", "--db", str(tmp_path / "books" / "b.qlb"), "--profile", str(toml))
    assert result.returncode == 1
    assert one_line(result.stderr) == (
        "quietledger: practice.toml: npi: This NPI's check digit is wrong; check it against "
        "the NPI registry. Nothing was created."
    )
    assert not (tmp_path / "books").exists()


def test_init_refuses_an_unknown_profile_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    toml = write_toml(tmp_path / "practice.toml", {**FULL_PROFILE, "fax_number": "555"})
    db = tmp_path / "books" / "harbor.qlb"
    assert main(["init", "--db", str(db), "--profile", str(toml)]) == 1
    assert "'fax_number'" in one_line(capsys.readouterr().err)
    assert files_under(db.parent) == []


def test_init_needs_the_practice_name_in_a_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = {k: v for k, v in FULL_PROFILE.items() if k != "practice_name"}
    toml = write_toml(tmp_path / "practice.toml", values)
    db = tmp_path / "books" / "harbor.qlb"
    assert main(["init", "--db", str(db), "--profile", str(toml)]) == 1
    assert "practice_name" in one_line(capsys.readouterr().err)
    assert files_under(db.parent) == []


def test_init_refuses_a_profile_that_is_not_toml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    toml = tmp_path / "practice.toml"
    toml.write_text("practice_name: Harbor Light\n", encoding="utf-8")
    assert main(["init", "--db", str(tmp_path / "b.qlb"), "--profile", str(toml)]) == 1
    assert "not valid TOML" in one_line(capsys.readouterr().err)


def test_init_with_a_missing_profile_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.toml"
    assert main(["init", "--db", str(tmp_path / "b.qlb"), "--profile", str(missing)]) == 1
    assert "nowhere.toml" in one_line(capsys.readouterr().err)


def test_init_refuses_a_weak_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", "short")
    folder = tmp_path / "books"
    assert main(["init", "--db", str(folder / "b.qlb")]) == 1
    assert "at least 10 characters" in one_line(capsys.readouterr().err)
    assert files_under(folder) == []


@pytest.mark.parametrize(
    ("passphrase", "reason", "advice"),
    [
        ("password12", "This is a very common password.", "Add another word or two."),
        (
            "Harbor Light Therapy",
            "the practice's own name or email",
            "Add a few words of your own.",
        ),
        ("dana@example.com", "the practice's own name or email", "Add a few words of your own."),
    ],
)
def test_init_refuses_a_guessable_passphrase_with_zxcvbns_reason(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    passphrase: str,
    reason: str,
    advice: str,
) -> None:
    toml = write_toml(tmp_path / "practice.toml", FULL_PROFILE)
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", passphrase)
    folder = tmp_path / "books"
    assert main(["init", "--db", str(folder / "b.qlb"), "--profile", str(toml)]) == 1
    err = one_line(capsys.readouterr().err)
    assert reason in err
    assert advice in err
    assert files_under(folder) == []


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "b.qlb"
    assert main(["init", "--db", str(db)]) == 0
    before = db.read_bytes()
    capsys.readouterr()
    assert main(["init", "--db", str(db)]) == 1
    assert "already exists" in one_line(capsys.readouterr().err)
    assert db.read_bytes() == before


def test_no_terminal_and_no_passphrase_is_a_usage_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QUIETLEDGER_PASSPHRASE"}
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "init", "--db", str(tmp_path / "b.qlb")],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "QUIETLEDGER_PASSPHRASE" in one_line(result.stderr)
    assert files_under(tmp_path) == []


# --- interactive passphrase (a real pseudo-terminal) ----------------------------------


def in_terminal(args: list[str], answers: list[tuple[str, str]]) -> tuple[int, str]:
    """Run the command on a pseudo-terminal, typing each answer after its prompt appears."""
    env = {k: v for k, v in os.environ.items() if k != "QUIETLEDGER_PASSPHRASE"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the command
        try:
            os.execve(sys.executable, [sys.executable, "-m", "desktop", *args], env)
        finally:
            os._exit(127)
    output = b""
    deadline = time.monotonic() + 120
    pending = list(answers)
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the command has exited
                break
            if not chunk:
                break
            output += chunk
        if pending and pending[0][0].encode() in output:
            prompt, answer = pending.pop(0)
            output = output.replace(prompt.encode(), b"<" + prompt.encode() + b">", 1)
            os.write(fd, answer.encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_interactive_init_asks_twice(tmp_path: Path) -> None:
    db = tmp_path / "b.qlb"
    code, output = in_terminal(
        ["init", "--db", str(db)],
        [("New passphrase for b.qlb: ", PASSPHRASE), ("Type it again: ", PASSPHRASE)],
    )
    assert code == 0, output
    assert PASSPHRASE not in output  # never echoed
    Workspace.open(db, passphrase=PASSPHRASE).close()


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_interactive_init_with_different_answers_writes_nothing(tmp_path: Path) -> None:
    code, output = in_terminal(
        ["init", "--db", str(tmp_path / "books" / "b.qlb")],
        [("New passphrase for b.qlb: ", PASSPHRASE), ("Type it again: ", PASSPHRASE + "x")],
    )
    assert code == 1, output
    assert "differ" in output
    assert "Traceback" not in output
    assert files_under(tmp_path / "books") == []


# --- check, --db placement, wrong passphrase -------------------------------------------


def test_check_a_fresh_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "b.qlb"
    assert main(["init", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["check", "--db", str(db)]) == 0
    assert one_line(capsys.readouterr().out).startswith("OK: b.qlb passed every check")


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_option_before_or_after_the_subcommand(
    tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "b.qlb")
    init = ["--db", db, "init"] if where == "before" else ["init", "--db", db]
    check = ["--db", db, "check"] if where == "before" else ["check", "--db", db]
    assert main(init) == 0
    assert Path(db).is_file()
    assert main(check) == 0
    assert "OK: b.qlb" in capsys.readouterr().out


def test_db_option_after_the_subcommand_wins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "real.qlb"
    assert main(["init", "--db", str(db)]) == 0
    assert main(["--db", str(tmp_path / "other.qlb"), "check", "--db", str(db)]) == 0
    assert "OK: real.qlb" in capsys.readouterr().out


def test_check_with_a_wrong_passphrase(tmp_path: Path) -> None:
    db = tmp_path / "b.qlb"
    assert main(["init", "--db", str(db)]) == 0
    result = cli("check", "--db", str(db), env={"QUIETLEDGER_PASSPHRASE": "not the passphrase"})
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line == (
        "quietledger: That passphrase does not open this practice file; check it and try again."
    )


def test_check_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--db", str(tmp_path / "nothing.qlb")]) == 1
    assert "There is no practice file" in one_line(capsys.readouterr().err)


def test_check_reports_each_problem(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    with workspace.practice_file.transaction() as session:
        session.add(Client(client_ref="C1", legal_last_name="Rivera"))
    # Damage the file the way only someone going around the app could.
    conn = workspace.practice_file.raw_connection()
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("UPDATE clients SET payer_id = 999 WHERE client_ref = 'C1'")
        conn.execute("DROP TRIGGER trg_audit_log_no_update")
        conn.execute("UPDATE audit_log SET user_name = 'someone else' WHERE id = 1")
    finally:
        conn.close()
    path = workspace.path
    workspace.close()
    assert main(["check", "--db", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "Row 1 of clients refers to a payers record that does not exist." in out
    assert "Audit entry 1 (create practice 1, " in "\n".join(out)
    assert any(line.endswith(") was altered after it was written.") for line in out)
    assert any("trg_audit_log_no_update is missing" in line for line in out)
    assert not any(line.startswith("OK") for line in out)


def test_check_reports_a_damaged_page(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = workspace.practice_file.raw_connection()
    try:
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        # An empty table's only page: opening the file never reads it, checking does.
        (page,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'claims'"
        ).fetchone()
    finally:
        conn.close()
    path = workspace.path
    workspace.close()
    with path.open("r+b") as handle:
        handle.seek((int(page) - 1) * int(page_size) + 100)
        handle.write(bytes(32))
    assert main(["check", "--db", str(path)]) == 1
    out = capsys.readouterr().out
    assert not out.startswith("OK")
    assert f"pgno={page}" in out or f"page {page}" in out, out


def test_the_command_starts_without_the_cycle_collector_and_turns_it_back_on() -> None:
    # A subcommand may run for minutes (a ten-year demo): the collector must be on for it.
    script = (
        "import gc, sys\n"
        "sys.argv = ['quietledger', '--version']\n"
        "from desktop.app import launch, cli\n"
        "seen = []\n"
        "real = cli.main\n"
        "cli.main = lambda: (seen.append(gc.isenabled()), real())[1]\n"
        "code = launch.main()\n"
        "print(code, seen, gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out.splitlines()[-1] == "0 [True] True True"
