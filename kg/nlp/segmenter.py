"""The pkuseg segmentation model: obtained once from PyPI, then read from a cache.

spaCy's own pkuseg download does not work offline, but the `pkuseg==0.0.25`
sdist on PyPI carries a full model in `pkuseg/models/default/`.  `kg setup`
downloads that sdist with pip (so pip's index settings and cache apply) and
keeps only the two model files.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from kg.files import cache_dir

SDIST = "pkuseg==0.0.25"
MEMBER_DIR = "pkuseg-0.0.25/pkuseg/models/default/"
SDIST_FILES = ("weights.npz", "features.pkl")
MODEL_FILES = ("weights.npz", "features.msgpack")  # spacy-pkuseg's own format: it loads without a warning


class ModelUnavailable(RuntimeError):
    """The segmentation model is neither cached nor obtainable."""


def model_dir() -> Path:
    return cache_dir() / "pkuseg-0.0.25" / "default"


def is_cached() -> bool:
    return all((model_dir() / name).is_file() for name in MODEL_FILES)


def _convert_features(model: Path) -> None:
    """features.pkl (as the sdist ships it) → features.msgpack (as spacy-pkuseg saves it)."""
    import contextlib
    import io

    from spacy_pkuseg.feature_extractor import FeatureExtractor

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):  # its notice
        FeatureExtractor.load(str(model)).save(str(model))
    (model / "features.pkl").unlink()


def ensure_model() -> Path:
    """Return the cached model directory, fetching it from PyPI on first use."""
    if is_cached():
        return model_dir()
    target = model_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
               "--no-build-isolation", "--quiet", "-d", tmp, SDIST]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        sdists = list(Path(tmp).glob("pkuseg-*.tar.gz"))
        if not sdists:
            raise ModelUnavailable(
                f"could not obtain the pkuseg model: `{' '.join(cmd[2:])}` failed "
                f"(exit {proc.returncode}). Is PyPI reachable, and are numpy, wheel and "
                f"setuptools installed? Last lines:\n{proc.stderr.strip()[-800:]}")
        staged = Path(tmp) / "default"
        staged.mkdir()
        with tarfile.open(sdists[0]) as tar:
            for name in SDIST_FILES:
                member = tar.getmember(MEMBER_DIR + name)
                with tar.extractfile(member) as src, open(staged / name, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        _convert_features(staged)
        if target.exists():
            shutil.rmtree(target)
        staged.rename(target)  # atomic: a half-written model is never seen as cached
    return target
