"""The compose file cannot run here (no Docker engine); check what it refers to exists."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

DOCKER = Path(__file__).resolve().parents[3] / "docker"


def _compose_text() -> str:
    return (DOCKER / "compose.yml").read_text(encoding="utf-8")


def test_every_bind_mounted_path_exists() -> None:
    mounts = re.findall(r"^\s*-\s*(\.{1,2}/[^:\s]+):", _compose_text(), flags=re.M)
    assert mounts, "compose.yml mounts the PBX configuration and the site settings"
    for source in mounts:
        assert (DOCKER / source).exists(), f"compose.yml mounts missing {source}"


def test_every_build_file_exists() -> None:
    text = _compose_text()
    contexts = re.findall(r"context:\s*(\S+)\s*\n\s*dockerfile:\s*(\S+)", text)
    assert len(contexts) == 2
    for context, dockerfile in contexts:
        assert (DOCKER / context).is_dir()
        assert (DOCKER / context / dockerfile).is_file(), dockerfile


def test_service_image_copies_only_existing_paths() -> None:
    root = DOCKER.parent
    dockerfile = (DOCKER / "service.Dockerfile").read_text(encoding="utf-8")
    for line in re.findall(r"^COPY (.+) \S+$", dockerfile, flags=re.M):
        for source in line.split():
            assert (root / source).exists(), source
