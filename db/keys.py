"""The key design of a practice file.

* A random 256-bit **data key** encrypts the SQLCipher database (as a raw key, so
  opening costs no second key derivation).
* The **recovery key** is that data key written for people: 52 base32 characters
  in groups of four plus a four-character checksum. It is shown once, to be
  printed and kept somewhere safe; it is never written to disk by the app.
* The **key file** beside the database (``practice.qlb.keys``) holds the data key
  wrapped (AES key wrap, RFC 3394) under a key derived from the passphrase
  with Argon2id. It is useless without the passphrase, and must travel with every
  copy of the database; backups carry it. Losing it costs nothing for a user
  who kept the recovery key: the recovery key opens the file on its own, and a
  new passphrase writes a new key file.
* The passphrase is stretched with Argon2id at OWASP's recommended setting
  (46 MiB, one pass, one lane: about 70 ms). The function and its cost are written
  in the key file; a key file written with less (or with scrypt, as earlier
  versions did) is rewrapped at its next unlock.
* Changing the passphrase rewraps the same data key and replaces the key file
  atomically (write, fsync, rename), so a crash leaves either the old or the new
  key file, each of which opens the unchanged database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from db.files import write_private_atomically

KEY_FILE_SUFFIX = ".keys"
FORMAT = 1
# Argon2id at OWASP's first recommended setting (m=46 MiB, t=1, p=1): a stolen file
# and key file cost an attacker that memory for every passphrase guessed, while an
# unlock stays fast and small enough for every command to start quickly.
ARGON2_MEMORY_KIB = 46 * 1024
ARGON2_ITERATIONS = 1
ARGON2_LANES = 1
# Key files written before Argon2id used scrypt; they still open, and are rewrapped.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE_LENGTH = 10
# The demo practice (invented people only) opens without asking, with this passphrase.
DEMO_PASSPHRASE = "demo"
# zxcvbn's scale runs 0-4; 3 is "safely unguessable" (about 10^10 guesses), which
# Argon2id above makes years of work for one machine.
MIN_SCORE = 3
# zxcvbn refuses longer input (its matching grows quickly with length); the first 72
# characters are measured, and a passphrase that long is strong on length alone.
ESTIMATED_LENGTH = 72


class KeyProblem(Exception):
    """A key problem a person can act on; the message says what to do."""


class WrongPassphrase(KeyProblem):
    pass


class WeakPassphrase(KeyProblem):
    pass


class BadRecoveryKey(KeyProblem):
    pass


class MissingKeyFile(KeyProblem):
    pass


class DamagedKeyFile(KeyProblem):
    pass


def key_file_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + KEY_FILE_SUFFIX)


def new_data_key() -> bytes:
    return secrets.token_bytes(32)


def sqlcipher_key_literal(data_key: bytes) -> str:
    """The PRAGMA key argument for a raw 256-bit key."""
    return f"\"x'{data_key.hex().upper()}'\""


def guessable_words(texts: Iterable[str]) -> list[str]:
    """What an attacker who knows the practice would try first: each text whole, run
    together, and its words (a name's parts, an email's name and domain)."""
    words: list[str] = []
    for text in texts:
        text = text.strip().lower()
        if text:
            parts = [w for w in re.split(r"[^a-z0-9]+", text) if w]
            words.extend([text, "".join(parts)])
            words.extend(w for w in parts if len(w) >= 3)
    return list(dict.fromkeys(words))


def passphrase_problem(passphrase: str, known_words: Iterable[str] = ()) -> str | None:
    """Why a new passphrase is too weak, in zxcvbn's own words, or None.

    ``known_words`` (the practice's and provider's names, the email) count as guessed
    first: a passphrase made of them is refused.
    """
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return (
            f"Choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters; "
            "a few unrelated words work well."
        )
    from zxcvbn import zxcvbn  # its dictionaries load on first use

    known = guessable_words(known_words)
    if _only_known_words(passphrase, known):
        return f"{_BUILT_FROM_KNOWN} Add a few words of your own."
    # Spaces and dashes between words hide them from zxcvbn's dictionaries ("harbor
    # light 2026" scores 4, "harborlight2026" 1), so the weaker of the two spellings counts.
    joined = _SEPARATORS.sub("", passphrase)
    result = min(
        (
            zxcvbn(text[:ESTIMATED_LENGTH], user_inputs=known)
            for text in dict.fromkeys((passphrase, joined))
        ),
        key=lambda r: r["score"],
    )
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    warning = feedback.get("warning") or "That passphrase is too easy to guess."
    if _uses_known_word(passphrase, known_words):
        warning = _BUILT_FROM_KNOWN
    advice = " ".join(feedback.get("suggestions") or ["Add another word or two."])
    return f"{warning.rstrip('.')}. {advice}"


_BUILT_FROM_KNOWN = "It is built from the practice's own name or email, which anyone could guess."
_SEPARATORS = re.compile(r"[\s._-]+")


def _only_known_words(passphrase: str, known: list[str]) -> bool:
    """True when every word of the passphrase is the practice's own (digits aside):
    "light harbor counseling dana" is four guessable words in any order."""
    words = re.findall(r"[^\W\d_]+", passphrase.lower())
    return bool(words) and all(word in known for word in words)


def _uses_known_word(passphrase: str, known_words: Iterable[str]) -> bool:
    lowered = passphrase.lower()
    return any(len(word) >= 4 and word in lowered for word in guessable_words(known_words))


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEM, dklen=32
    )


def _argon2id(passphrase: str, salt: bytes, memory_kib: int, iterations: int, lanes: int) -> bytes:
    kdf = Argon2id(salt=salt, length=32, iterations=iterations, lanes=lanes, memory_cost=memory_kib)
    return kdf.derive(passphrase.encode("utf-8"))


# Room for scrypt's 128 MiB and a key file's larger cost; refuse more than that.
_MAX_MEM = 512 * 1024 * 1024


def chain_key(data_key: bytes) -> bytes:
    """The audit chain's HMAC key: derived from the data key, so never stored anywhere."""
    return hmac.new(data_key, b"quietledger audit chain v1", hashlib.sha256).digest()


@dataclass(frozen=True)
class KeyEnvelope:
    """The data key wrapped under a passphrase, as stored in the key file.

    ``kdf`` is "argon2id" (``memory_kib``, ``iterations``, ``lanes``) or, in a key
    file written by an earlier version, "scrypt" (``n``, ``r``, ``p``).
    """

    salt: bytes
    wrapped: bytes
    kdf: str = "argon2id"
    memory_kib: int = ARGON2_MEMORY_KIB
    iterations: int = ARGON2_ITERATIONS
    lanes: int = ARGON2_LANES
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    @classmethod
    def seal(cls, data_key: bytes, passphrase: str) -> KeyEnvelope:
        salt = secrets.token_bytes(16)
        kek = _argon2id(passphrase, salt, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_LANES)
        return cls(salt=salt, wrapped=aes_key_wrap(kek, data_key))

    @property
    def needs_rewrap(self) -> bool:
        """Stretched another way, or with less than this version's cost: rewrap at the
        next unlock."""
        return (
            self.kdf != "argon2id"
            or self.memory_kib < ARGON2_MEMORY_KIB
            or self.iterations < ARGON2_ITERATIONS
        )

    def open(self, passphrase: str) -> bytes:
        if self._memory_bytes() > _MAX_MEM // 2:
            raise KeyProblem(
                "The key file asks for more memory than Quiet Ledger allows; it is damaged or "
                "not ours: open the practice file with your recovery key to write a new one."
            )
        try:
            return aes_key_unwrap(self._kek(passphrase), self.wrapped)
        except InvalidUnwrap:
            raise WrongPassphrase(
                "That passphrase does not open this practice file; check it and try again."
            ) from None

    def _memory_bytes(self) -> int:
        if self.kdf == "scrypt":
            return self.n * self.r * 128
        return self.memory_kib * 1024

    def _kek(self, passphrase: str) -> bytes:
        if self.kdf == "scrypt":
            return _scrypt(passphrase, self.salt, self.n, self.r, self.p)
        return _argon2id(passphrase, self.salt, self.memory_kib, self.iterations, self.lanes)

    def to_json(self) -> str:
        if self.kdf == "scrypt":
            cost: dict[str, object] = {"kdf": "scrypt", "n": self.n, "r": self.r, "p": self.p}
        else:
            cost = {
                "kdf": "argon2id",
                "memory_kib": self.memory_kib,
                "iterations": self.iterations,
                "lanes": self.lanes,
            }
        return json.dumps(
            {
                "format": FORMAT,
                **cost,
                "salt": base64.b64encode(self.salt).decode(),
                "wrap": "aes-kw",
                "wrapped_key": base64.b64encode(self.wrapped).decode(),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str, name: str = "The key file") -> KeyEnvelope:
        try:
            data = json.loads(text)
            kdf = data.get("format") == FORMAT and data.get("kdf")
            if kdf not in ("argon2id", "scrypt"):
                raise ValueError("unknown format")
            if len(salt := base64.b64decode(data["salt"])) < 16:
                raise ValueError("implausible salt")
            wrapped = base64.b64decode(data["wrapped_key"])
            if kdf == "scrypt":
                if int(data["n"]) < 2:
                    raise ValueError("implausible parameters")
                return cls(
                    salt=salt,
                    wrapped=wrapped,
                    kdf="scrypt",
                    n=int(data["n"]),
                    r=int(data["r"]),
                    p=int(data["p"]),
                )
            memory_kib, iterations, lanes = (
                int(data["memory_kib"]),
                int(data["iterations"]),
                int(data["lanes"]),
            )
            if memory_kib < 8 * lanes or iterations < 1 or lanes < 1:
                raise ValueError("implausible parameters")
            return cls(
                salt=salt,
                wrapped=wrapped,
                memory_kib=memory_kib,
                iterations=iterations,
                lanes=lanes,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DamagedKeyFile(
                f"{name} is damaged; open the practice file with your recovery key "
                "('quietledger unlock --recovery-key') to write a new one, or put back the "
                "key file from a backup."
            ) from exc


def read_envelope(db_path: Path) -> KeyEnvelope:
    path = key_file_for(db_path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise MissingKeyFile(
            f"The key file {path.name} is missing from {path.parent}; put it back beside the "
            "practice file, or open the file with your recovery key "
            "('quietledger unlock --recovery-key')."
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""  # not text at all: as damaged as a broken one
    return KeyEnvelope.from_json(text, f"The key file {path.name}")


def write_envelope(db_path: Path, envelope: KeyEnvelope) -> None:
    """Replace the key file atomically: a crash leaves the old one or the new one."""
    write_private_atomically(key_file_for(db_path), envelope.to_json().encode("utf-8"))


# --- recovery key -----------------------------------------------------------------

_RECOVERY_GROUP = 4


def _checksum(data_key: bytes) -> str:
    digest = hashlib.sha256(b"quietledger-recovery" + data_key).digest()
    return base64.b32encode(digest)[:_RECOVERY_GROUP].decode()


def format_recovery_key(data_key: bytes) -> str:
    """The data key as ``ABCD-EFGH-...``: 13 groups of the key and one checksum group."""
    body = base64.b32encode(data_key).decode().rstrip("=") + _checksum(data_key)
    return "-".join(body[i : i + _RECOVERY_GROUP] for i in range(0, len(body), _RECOVERY_GROUP))


def parse_recovery_key(text: str) -> bytes:
    """The data key from a typed recovery key; forgiving of case, spaces and dashes."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"0": "O", "1": "I", "8": "B"}))
    if len(cleaned) != 56:
        raise BadRecoveryKey(
            "A recovery key has 56 letters and digits in 14 groups; check that none is missing."
        )
    body, check = cleaned[:52], cleaned[52:]
    try:
        data_key = base64.b32decode(body + "====")
    except ValueError:
        raise BadRecoveryKey("That recovery key has characters that cannot be in one.") from None
    if len(data_key) != 32 or _checksum(data_key) != check:
        raise BadRecoveryKey("That recovery key has a typing mistake; check each group again.")
    return data_key


def wipe_env_passphrase() -> None:
    """Forget a passphrase passed through the environment once it has been used."""
    os.environ.pop("QUIETLEDGER_PASSPHRASE", None)


def take_env_passphrase() -> str | None:
    """The passphrase passed through the environment, wiped from it as it is read."""
    value = os.environ.get("QUIETLEDGER_PASSPHRASE") or None
    wipe_env_passphrase()
    return value
