"""Voice callbacks as sound: the transcript spoken by ``espeak-ng``, when the machine has it.

This is I/O (a child process), so it lives here and not in ``sls_devices/``. The child gets a fixed argv and
the text on stdin: no shell, nothing from the request in the command line, and a timeout. Where
``espeak-ng`` is not installed the route says so (404 ``audio_unavailable``); the transcript is always
there to read instead.
"""

from __future__ import annotations

import shutil
import struct
import subprocess

from .errors import AudioFailed, AudioUnavailable

PROGRAM = "espeak-ng"
#: Words per minute: a little slower than espeak's 175, as a voice system reading digits would be.
WORDS_PER_MINUTE = 150
TIMEOUT_S = 15.0
MAX_TEXT_CHARS = 2000


def available() -> bool:
    return shutil.which(PROGRAM) is not None


def render_wav(text: str) -> bytes:
    """``text`` spoken as a RIFF/WAVE file (16-bit mono PCM), or :class:`AudioUnavailable`/`AudioFailed`."""
    program = shutil.which(PROGRAM)
    if program is None:
        raise AudioUnavailable()
    if len(text) > MAX_TEXT_CHARS:
        raise AudioFailed("The transcript is too long to speak.")
    argv = [program, "--stdout", "-s", str(WORDS_PER_MINUTE)]
    try:
        done = subprocess.run(argv, input=text.encode(), capture_output=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise AudioFailed(
            f"espeak-ng took longer than {TIMEOUT_S:g} s; read the transcript instead."
        ) from None
    except OSError as exc:
        raise AudioFailed(f"espeak-ng could not be started ({exc.strerror or exc}).") from None
    if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
        raise AudioFailed()
    return fix_wav_sizes(done.stdout)


def fix_wav_sizes(wav: bytes) -> bytes:
    """Write the real RIFF and ``data`` sizes: writing to a pipe, espeak-ng cannot seek back to fill them in
    and leaves 0x7fffffff, which some players (and browsers' seek bars) take at its word."""
    if len(wav) < 12 or wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        return wav
    out = bytearray(wav)
    struct.pack_into("<I", out, 4, len(out) - 8)
    offset = 12
    while offset + 8 <= len(out):
        chunk, size = out[offset : offset + 4], struct.unpack_from("<I", out, offset + 4)[0]
        if chunk == b"data":
            struct.pack_into("<I", out, offset + 4, len(out) - offset - 8)
            break
        offset += 8 + size + (size & 1)
    return bytes(out)
