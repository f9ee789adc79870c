"""Small but real recordings for ``reports/audio/download``: a WAV tone or MP3 silence.

There is no MP3 encoder in the standard library, so ``.mp3`` names get valid MPEG-1
Layer III frames that decode to silence; ``.wav`` names get an audible two-tone clip.
"""

from __future__ import annotations

import io
import math
import random
import struct
import wave
from functools import lru_cache

MAX_SECONDS = 6
WAV_RATE = 8000
# MPEG-1 Layer III, 32 kbit/s, 44.1 kHz, mono, no CRC: 1152 samples in 104 bytes per frame.
_MP3_HEADER = bytes((0xFF, 0xFB, 0x10, 0xC0))
_MP3_FRAME = 104
_MP3_FRAME_SECONDS = 1152 / 44100


def _clip_seconds(seconds: int) -> int:
    return max(1, min(MAX_SECONDS, seconds))


@lru_cache(maxsize=64)
def wav_bytes(name: str, seconds: int, seed: int) -> bytes:
    """A 16-bit mono 8 kHz WAV: alternating tones chosen from (seed, name)."""
    rng = random.Random(f"simotel-audio|{seed}|{name}")
    tones = (rng.choice((330.0, 392.0, 440.0)), rng.choice((494.0, 523.0, 587.0)))
    frames = bytearray()
    total = _clip_seconds(seconds) * WAV_RATE
    for i in range(total):
        tone = tones[(i // (WAV_RATE // 2)) % 2]
        # Fade each half-second burst in and out so the clip does not click.
        phase = (i % (WAV_RATE // 2)) / (WAV_RATE // 2)
        envelope = min(1.0, phase * 10, (1 - phase) * 10)
        sample = int(9000 * envelope * math.sin(2 * math.pi * tone * i / WAV_RATE))
        frames += struct.pack("<h", sample)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(WAV_RATE)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


@lru_cache(maxsize=16)
def mp3_bytes(seconds: int) -> bytes:
    """Silent MPEG-1 Layer III frames lasting about ``seconds`` (all-zero side info = silence)."""
    count = math.ceil(_clip_seconds(seconds) / _MP3_FRAME_SECONDS)
    frame = _MP3_HEADER + bytes(_MP3_FRAME - len(_MP3_HEADER))
    return frame * count


def audio_bytes(name: str, seconds: int, seed: int) -> tuple[bytes, str]:
    """The file body and media type for a recording name (``.mp3`` → audio/mpeg, else WAV)."""
    if name.lower().endswith(".mp3"):
        return mp3_bytes(seconds), "audio/mpeg"
    return wav_bytes(name, seconds, seed), "audio/wav"
