"""Time-based one-time codes (RFC 6238, as Google Authenticator, FreeOTP or Aegis make them):
six digits from a shared secret and the current 30-second step. Plain functions, no database."""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote

STEP = 30
DIGITS = 6


def new_secret():
    return base64.b32encode(secrets.token_bytes(20)).decode()


def code_at(secret, moment):
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(moment // STEP)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def verify(secret, code, *, moment=None, window=1):
    """True when `code` is the code of now, or of a step before or after (a phone's clock drifts)."""
    code = "".join(ch for ch in str(code or "") if ch.isdigit())
    if not secret or len(code) != DIGITS:
        return False
    moment = time.time() if moment is None else moment
    return any(hmac.compare_digest(code_at(secret, moment + n * STEP), code) for n in range(-window, window + 1))


def provisioning_uri(secret, *, account, issuer="PEV Coach"):
    """What an authenticator app reads (typed in, or from a QR code made by any tool)."""
    return (f"otpauth://totp/{quote(issuer)}:{quote(account)}?secret={secret}&issuer={quote(issuer)}"
            f"&digits={DIGITS}&period={STEP}")
