"""What a media reference looks like, for every layer: which file names are images, sounds or
videos, and the markdown forms that embed them (``![alt](path)``, Obsidian's ``![[file]]``)."""

from __future__ import annotations

import re

IMAGE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".svg",
    ".bmp",
    ".avif",
    ".apng",
    ".ico",
    ".tif",
    ".tiff",
)
# Anki plays both with [sound:…] (video in its own player).
SOUND_SUFFIXES = (".mp3", ".wav", ".ogg", ".oga", ".m4a", ".flac", ".opus", ".aac")
VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".mkv", ".ogv")

# Bounded spans: a long line of unclosed "![[" or "![a](" stays linear (notedeck issue 7).
MD_IMAGE = re.compile(
    r"!\[[^\[\]]{0,1000}\]\(\s*(?:<([^<>]{0,4000})>|([^()\s]{1,4000}))(?:\s+\"[^\"]{0,1000}\")?\s*\)"
)  # noqa: E501


def _suffix_of(name: str) -> str:
    base = name.lower().rsplit("#", 1)[0].rsplit("?", 1)[0]
    dot = base.rfind(".")
    return base[dot:] if dot != -1 else ""


def is_image_name(name: str) -> bool:
    return _suffix_of(name) in IMAGE_SUFFIXES


def is_sound_name(name: str) -> bool:
    """Audio or video: what Anki plays with ``[sound:name]``."""
    return _suffix_of(name) in SOUND_SUFFIXES + VIDEO_SUFFIXES


def is_media_name(name: str) -> bool:
    return is_image_name(name) or is_sound_name(name)
