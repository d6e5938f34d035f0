"""What may go into the run store, checked and made plain: nicknames as plain text, weights as
``np.savez`` arrays (never pickle), settings and results as JSON, tokens, names, room codes.

Pure functions over plain values; ``lstm_core.store`` calls them before touching the database.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from typing import Any

import numpy as np

MAX_WEIGHTS_MB = 16  # per stored run (a .keras download may reach 96 MB; a stored run may not)
MAX_NICKNAME = 24  # characters of plain text
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, no 1/I: read off a projector
CODE_LENGTH = 6
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # secrets.token_urlsafe
NAME = re.compile(r"[A-Za-z0-9_.:-]{0,64}")  # a page, preset or language name of the app
CODE = re.compile(f"[{CODE_LETTERS}]{{{CODE_LENGTH}}}")


def clean_nickname(text: str) -> str:
    """A nickname as plain text: NFC, control and format characters (bidi overrides,
    zero-width marks) removed, whitespace runs made one space; at most 24 characters."""
    text = unicodedata.normalize("NFC", str(text))
    kept = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or not unicodedata.category(ch).startswith("C"))  # fmt: skip
    nickname = " ".join(kept.split())
    if len(nickname) > MAX_NICKNAME:
        raise ValueError(
            f"A nickname is at most {MAX_NICKNAME} characters; yours has {len(nickname)}: "
            "shorten it."
        )
    return nickname


def pack_weights(weights: Sequence[np.ndarray]) -> bytes:
    """``np.savez`` bytes of the arrays as float32 (as Keras keeps them): no pickle inside."""
    arrays = [np.asarray(w) for w in weights]
    for array in arrays:
        if array.dtype.kind not in "biuf":
            raise ValueError(
                f"Weights must be arrays of numbers; an array of {array.dtype} cannot be stored."
            )
    arrays = [array.astype(np.float32) for array in arrays]
    size = sum(array.nbytes for array in arrays)
    if size > MAX_WEIGHTS_MB * 1024 * 1024:
        raise ValueError(
            f"These weights take {size / 1024 / 1024:.1f} MB; the run store keeps at most "
            f"{MAX_WEIGHTS_MB} MB per run: train a smaller model (fewer units or layers)."
        )
    buffer = io.BytesIO()
    np.savez(buffer, *arrays)
    return buffer.getvalue()


def unpack_weights(blob: bytes) -> list[np.ndarray]:
    """The arrays ``pack_weights`` wrote, in order; anything needing pickle is refused."""
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
            names = sorted(npz.files, key=lambda name: int(name.removeprefix("arr_")))
            return [npz[name] for name in names]
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(
            "These stored weights are not plain arrays (they are damaged or would need "
            "pickle to load): delete this run and train it again."
        ) from exc


def to_json(value: Any) -> str:
    """JSON text; numpy numbers become plain numbers, NaN and infinity are kept."""

    def plain(item: Any) -> Any:
        if isinstance(item, np.generic | np.ndarray):
            return item.tolist()
        raise ValueError(
            f"A run's settings and results must be numbers, text, lists and dicts; "
            f"a {type(item).__name__} cannot be stored."
        )

    return json.dumps(value, default=plain, ensure_ascii=False)


def kb(text: str) -> float:
    return len(text.encode()) / 1024


def check_token(token: Any) -> None:
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise ValueError("This browser's token is not valid: reload the page to get a new one.")


def check_name(name: Any) -> None:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError(
            "A page, preset or language name is at most 64 letters, digits, '_', '.', ':' or '-'."
        )


def normalize_code(text: str) -> str:
    """A room code as typed ("k7m x4q", "K7M-X4Q") in the form it is stored."""
    return re.sub(r"[\s-]", "", str(text)).upper()
