"""The organisation profile's logo and YAML cannot hang, exhaust or crash a build: a named pipe, a
decompression bomb, a huge file, another image type, a YAML alias bomb — each one line naming the
file. Issue 14, findings 6 (a FIFO as the logo hung forever; an alias bomb took 2.8 GB) and 10 (a
logo decompression bomb ended as "程序内部错误")."""

from __future__ import annotations

import io
import subprocess
import sys

import hostile
import pytest
from conftest import ROOT
from PIL import Image

from pipeline.common.errors import RunError
from pipeline.documents import organisation
from pipeline.documents.organisation import load_organisation


def profile(folder, logo="logo.png"):
    path = folder / "org.yaml"
    path.write_text(f"name: 示例中心\nlogo: {logo}\n", encoding="utf-8")
    return path


def test_a_named_pipe_as_the_logo_is_refused_without_waiting(tmp_path):
    """Run in a child process with a deadline, so that a regression fails instead of hanging the suite."""
    hostile.fifo(tmp_path / "logo.png")
    code = ("import sys; from pathlib import Path; from pipeline.documents.organisation import load_organisation\n"
            "try:\n    load_organisation(Path(sys.argv[1]))\nexcept Exception as exc:\n    print(exc)")
    result = subprocess.run([sys.executable, "-c", code, str(profile(tmp_path))], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert "org.yaml：无法读取 logo 图片 logo.png（不是普通文件" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: hostile.png_decompression_bomb(p), "像素过多"),
    (lambda p: hostile.png_decompression_bomb(p, 10_000, 10_000), "像素过多"),  # Pillow only warns here
    (lambda p: hostile.jpeg_decompression_bomb(p), "像素过多"),
    (lambda p: Image.new("RGB", (5000, 4000)).save(p, "PNG"), "图片过大"),
    (lambda p: Image.new("RGB", (10, 10)).save(p, "GIF"), "只支持 PNG 或 JPEG"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100), "不是可识别的图片"),
    (lambda p: p.mkdir(), "不是普通文件"),
], ids=["png bomb", "png 100 megapixels", "jpeg bomb", "20 megapixels", "gif", "garbage", "a folder"])
def test_a_bad_logo_is_one_line_naming_the_profile(tmp_path, make, says):
    make(tmp_path / "logo.png")
    with pytest.raises(RunError) as refused:
        load_organisation(profile(tmp_path))
    assert str(refused.value).startswith("org.yaml：") and says in str(refused.value), refused.value


def test_a_logo_over_the_size_limit_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(organisation, "LOGO_MAX_BYTES", 1000)
    buffer = io.BytesIO()
    Image.effect_noise((100, 100), 50).save(buffer, "PNG")
    (tmp_path / "logo.png").write_bytes(buffer.getvalue())
    with pytest.raises(RunError, match="超过1KB的大小上限"):
        load_organisation(profile(tmp_path))


def test_a_yaml_alias_bomb_is_refused_before_it_expands(tmp_path):
    hostile.yaml_alias_bomb(tmp_path / "org.yaml")
    with pytest.raises(RunError, match="别名"):
        load_organisation(tmp_path / "org.yaml")
