"""Notebook display, fonts for Japanese images, the theme, and the lazy namespace."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import altair as alt
import pytest
import vl_convert

import cxkit as cx
from cxkit.core.i18n import _LABELS, LANGUAGES, label
from cxkit.viz.display import enable_offline_renderer, journey_mimebundle
from cxkit.viz.fonts import find_cjk_fonts, register_fonts
from cxkit.viz.theme import (
    CHANNEL_COLORS,
    EMOTION_COLORS,
    FONT,
    apply_theme,
    channel_color,
    theme_config,
    use_theme,
)

ROOT = Path(__file__).resolve().parents[2]


# -- notebook display -----------------------------------------------------------------
def test_mimebundle_is_svg_with_the_title(billing):
    bundle = journey_mimebundle(billing)
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    svg = bundle["image/svg+xml"]
    texts = list(ET.fromstring(svg).itertext())
    assert "Billing inquiry (cxkit model reference, Example A) — Journey map" in texts
    assert bundle["text/plain"] == repr(billing)
    # what a notebook gets through the core hook is the same bundle
    assert billing._repr_mimebundle_() == bundle


def test_japanese_journey_svg_keeps_japanese_text(ja_journey):
    svg = journey_mimebundle(ja_journey)["image/svg+xml"]
    texts = "".join(ET.fromstring(svg).itertext())
    for text in ("料金プラン変更の問い合わせ", "ステージ", "感動", "不満", "LINE公式アカウント"):
        assert text in texts, text


def test_mimebundle_never_raises():
    bundle = journey_mimebundle(object())
    assert set(bundle) == {"text/plain"}
    assert (
        "journey map unavailable: CxkitError: `journey` must be a cxkit Journey"
        in (bundle["text/plain"])
    )


def test_enable_offline_renderer():
    before = alt.renderers.active
    try:
        assert enable_offline_renderer("svg") == "svg" == alt.renderers.active
        assert enable_offline_renderer("png") == "png"
        # anywidget is installed in the dev environment: "auto" is interactive
        assert enable_offline_renderer() == "jupyter"
        with pytest.raises(cx.CxkitError, match=r"`renderer` must be one of .* got 'mimetype'"):
            enable_offline_renderer("mimetype")
    finally:
        alt.renderers.enable(before)


# -- fonts: Japanese in PNG -----------------------------------------------------------
def _text_png(text: str) -> bytes:
    spec = {
        "width": 120,
        "height": 40,
        "data": {"values": [{"t": text}]},
        "mark": {"type": "text", "font": FONT, "fontSize": 28},
        "encoding": {"text": {"field": "t", "type": "nominal"}},
    }
    return vl_convert.vegalite_to_png(spec)


def test_register_fonts_finds_a_cjk_font():
    info = register_fonts()
    if not find_cjk_fonts(["/usr/share/fonts", "/Library/Fonts", "C:/Windows/Fonts"]):
        pytest.skip("no CJK font installed (make fonts / docs/guide/japanese.md)")
    assert info.has_cjk
    assert any(
        "cjk" in Path(f).name.lower() or "jp" in Path(f).name.lower() for f in info.cjk_fonts
    )
    assert all(Path(d).is_dir() for d in info.directories)
    assert register_fonts() is info  # once per process


def test_register_fonts_extra_dir(tmp_path):
    (tmp_path / "MyNotoSansJP-Regular.otf").write_bytes(b"")
    assert find_cjk_fonts([tmp_path]) == (str(tmp_path / "MyNotoSansJP-Regular.otf"),)
    with pytest.raises(cx.CxkitError, match="`extra_dirs` must be font directory paths, got 3"):
        register_fonts([3])


def test_japanese_glyphs_are_not_tofu():
    info = register_fonts()
    if not info.has_cjk:
        pytest.skip("no CJK font installed (make fonts / docs/guide/japanese.md)")
    kando, fuman = _text_png("感動"), _text_png("不満")
    tofu = _text_png("\U000f0000\U000f0001")  # private use: no font has these glyphs
    assert kando.startswith(b"\x89PNG")
    # missing glyphs all draw the same box (or nothing): different words, same image
    assert kando != fuman
    assert kando != tofu and fuman != tofu


def test_png_of_a_japanese_journey_map(ja_journey):
    register_fonts()
    png = vl_convert.vegalite_to_png(cx.viz.journey_map(ja_journey).to_dict(validate=False))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width > 700 and height > 800


# -- theme ----------------------------------------------------------------------------
def _lab(color: str, matrix: list[list[float]] | None = None) -> tuple[float, float, float]:
    """CIELAB of an sRGB colour, optionally as seen through a CVD simulation matrix."""
    rgb = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    if matrix is not None:
        lin = [
            min(1.0, max(0.0, sum(m * c for m, c in zip(row, lin, strict=True)))) for row in matrix
        ]
    x = 0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = 0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x / 0.95047), f(y), f(z / 1.08883)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB
CVD = {
    "none": None,
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}


@pytest.mark.parametrize("vision", list(CVD))
def test_emotion_colours_stay_apart_under_colour_blindness(vision):
    colors = list(EMOTION_COLORS.values())
    labs = [_lab(c, CVD[vision]) for c in colors]
    for i in range(len(labs)):
        for j in range(i + 1, len(labs)):
            delta_e = sum((a - b) ** 2 for a, b in zip(labs[i], labs[j], strict=True)) ** 0.5
            assert delta_e > 20, (vision, colors[i], colors[j], round(delta_e, 1))


def test_channel_colours_are_fixed_and_stable_across_processes():
    assert len(set(CHANNEL_COLORS.values())) == len(CHANNEL_COLORS)
    code = "from cxkit.viz.theme import channel_color as c; print(c('line'), c('kiosk'))"
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        .stdout.split()
        .__str__()
        for seed in ("1", "2")
    }
    assert outs == {str([channel_color("line"), channel_color("kiosk")])}
    with pytest.raises(cx.CxkitError, match="`channel_id` must be a non-empty channel id"):
        channel_color("")


def test_theme_is_applied_per_chart_not_globally():
    active = alt.theme.active
    chart = apply_theme(alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q"))
    config = chart.to_dict()["config"]
    assert config["font"] == FONT and FONT.startswith('"Noto Sans CJK JP"')
    assert config["axis"]["labelFont"] == FONT
    assert alt.theme.active == active
    assert use_theme(enable=False) == "cxkit" and alt.theme.active == active
    assert theme_config() == theme_config() and theme_config() is not theme_config()
    with pytest.raises(cx.CxkitError, match="`chart` must be an altair top-level chart"):
        apply_theme({"mark": "point"})


def test_every_viz_label_has_english_and_japanese():
    keys = [k for k in _LABELS if k.startswith("viz_")]
    assert len(keys) > 20
    for key in keys:
        for lang in LANGUAGES:
            assert label(key, lang) and label(key, lang) != key


# -- the lazy namespace ---------------------------------------------------------------
def test_import_cxkit_does_not_import_altair():
    code = (
        "import sys, cxkit, cxkit.viz; "
        "print(sorted(m for m in ('altair', 'vl_convert', 'ipywidgets') if m in sys.modules)); "
        "cxkit.viz.journey_map; print('altair' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "True"


def test_viz_namespace_lists_its_functions():
    import cxkit.viz as viz

    for name in (
        "journey_map",
        "emotion_curve",
        "touchpoint_graph",
        "expectation_gap_heatmap",
        "enable_offline_renderer",
        "register_fonts",
        "outcome_shares",
        "ces_distribution",
        "flows",
        "what_if",
    ):
        assert name in dir(viz) and name in viz.__all__
    assert viz.journey_map is cx.viz.journey.journey_map
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        viz.nope  # noqa: B018
