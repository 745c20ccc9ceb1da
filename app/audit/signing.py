"""Signed checkpoints: the ledger's Ed25519 signature on "the event at position P has hash H".

A checkpoint is ``{position, hash, signed_at, key_id, signature}``. The signed bytes
are the UTF-8 JCS text of the other four members (docs/audit.md, section 4); the
signature is Ed25519 (RFC 8032), as 128 lowercase hex digits; ``key_id`` is the
first 16 hex digits of SHA-256 of the raw 32-byte public key. The private key
lives in a file outside the database (``pacts signing-key init``); auditors get
the public key as PEM or JWK and keep checkpoints outside our systems.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.events.canonical import dumps_canonical

HASH_DIGITS = 64


class SigningKeyError(ValueError):
    """A key file that is missing, unreadable, or not an Ed25519 key."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    position: int
    hash: str
    signed_at: str
    key_id: str
    signature: str

    def signed_bytes(self) -> bytes:
        return message(self.position, self.hash, self.signed_at, self.key_id)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, value: object) -> Checkpoint:
        """A checkpoint read from JSON, its members checked for type (ValueError if not one)."""
        if not isinstance(value, dict) or set(value) != {
            "position",
            "hash",
            "signed_at",
            "key_id",
            "signature",
        }:
            raise ValueError("a checkpoint is an object with position, hash, signed_at, key_id, signature")
        if type(value["position"]) is not int or value["position"] < 1:
            raise ValueError("checkpoint position must be a positive integer")
        for name in ("hash", "signed_at", "key_id", "signature"):
            if not isinstance(value[name], str):
                raise ValueError(f"checkpoint {name} must be a string")
        return cls(**value)


def message(position: int, hash: str, signed_at: str, key_id: str) -> bytes:
    """The bytes a checkpoint's signature covers: JCS of its other four members."""
    members = {"position": position, "hash": hash, "signed_at": signed_at, "key_id": key_id}
    return dumps_canonical(members).encode()


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


class Signer:
    """The private key, loaded once: signs checkpoints."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public = PublicKey(private_key.public_key())

    def sign(self, position: int, hash: str, signed_at: str) -> Checkpoint:
        signature = self._key.sign(message(position, hash, signed_at, self.public.key_id)).hex()
        return Checkpoint(position, hash, signed_at, self.public.key_id, signature)

    @classmethod
    def from_file(cls, path: str | Path) -> Signer:
        try:
            key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as error:
            raise SigningKeyError(f"cannot read a signing key from {path}: {error}") from error
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
        return cls(key)


class PublicKey:
    """A public key that checks checkpoint signatures."""

    def __init__(self, key: Ed25519PublicKey) -> None:
        self._key = key
        self.key_id = key_id(key)

    def verifies(self, checkpoint: Checkpoint) -> bool:
        try:
            signature = bytes.fromhex(checkpoint.signature)
            self._key.verify(signature, checkpoint.signed_bytes())
        except (ValueError, InvalidSignature):
            return False
        return checkpoint.key_id == self.key_id

    def pem(self) -> str:
        spki = serialization.PublicFormat.SubjectPublicKeyInfo
        return self._key.public_bytes(serialization.Encoding.PEM, spki).decode()

    def jwk(self) -> dict[str, str]:
        raw = self._key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": self.key_id, "use": "sig", "alg": "EdDSA"}

    @classmethod
    def from_file(cls, path: str | Path) -> PublicKey:
        """A PEM public key, a PEM private key (its public half), a JWK, or the JSON of
        ``GET /api/v1/checkpoints/public-key`` (which holds both)."""
        try:
            text = Path(path).read_bytes()
        except OSError as error:
            raise SigningKeyError(f"cannot read {path}: {error}") from error
        key: object
        try:
            if text.lstrip().startswith(b"{"):
                document = json.loads(text)
                jwk = document.get("jwk", document)
                if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
                    raise ValueError("not an Ed25519 JWK (kty OKP, crv Ed25519)")
                raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
                key = Ed25519PublicKey.from_public_bytes(raw)
            elif b"PRIVATE KEY" in text:
                private = serialization.load_pem_private_key(text, password=None)
                key = private.public_key() if isinstance(private, Ed25519PrivateKey) else private
            else:
                key = serialization.load_pem_public_key(text)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise SigningKeyError(f"{path} is not an Ed25519 public key (PEM or JWK): {error}") from error
        if not isinstance(key, Ed25519PublicKey):
            raise SigningKeyError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
        return cls(key)


def generate(path: str | Path) -> PublicKey:
    """A new Ed25519 key in ``path`` (PEM, PKCS#8, readable by its owner only). Refuses to
    replace an existing key: checkpoints signed with it could no longer be told apart."""
    target = Path(path)
    if target.exists():
        raise FileExistsError(f"{target} already exists; a signing key is never replaced in place")
    target.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return PublicKey(key.public_key())
