from __future__ import annotations

import time

import pytest

from framing.errors import LexiconError
from framing.outlets import clean_text, default_profiles, load_profiles, parse_profiles

HEADER = "kind: outlet_profiles\nversion: 1\n"


def test_shipped_profiles_load_with_aliases_and_domains():
    profiles = default_profiles()
    assert profiles.canonical("Yonhap News Agency") == "Yonhap"
    assert profiles.canonical("associated press") == "AP"
    assert profiles.from_url("https://en.yna.co.kr/view/AEN1") == "Yonhap"
    assert profiles.from_url("https://www.presstv.ir/Detail/1") == "Press TV"
    assert profiles.from_url("https://example.org/") is None


@pytest.mark.parametrize(("yaml_text", "message"), [
    ("outlets: []\n", r"x\.yaml:1: not an outlet profile file"),
    (HEADER + "outlets:\n  - aliases: [A]\n", r"x\.yaml:4: each outlet needs a 'name'"),
    (HEADER + "outlets:\n  - name: A\n    colour: red\n", r"x\.yaml:4: unknown key\(s\) \['colour'\]"),
    (HEADER + "outlets:\n  - name: A\n    detect: ['(unclosed']\n", r"x\.yaml:4: bad detect pattern"),
    (HEADER + "outlets:\n  - name: A\n    drop_lines: ['(a+)+$']\n", r"x\.yaml:4: .*nested quantifier"),
    (HEADER + "outlets:\n  - name: A\n  - name: B\n    aliases: [a]\n",
     r"x\.yaml:5: alias 'a' of 'B' is already used by 'A'"),
    (HEADER + "outlets: [\n", r"x\.yaml:\d+: invalid YAML"),
])
def test_bad_profiles_are_rejected_with_file_and_line(yaml_text, message):
    started = time.perf_counter()
    with pytest.raises(LexiconError, match=message):
        parse_profiles(yaml_text, source="x.yaml")
    assert time.perf_counter() - started < 5   # generous: rejection must not hang


def test_profiles_from_a_user_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(HEADER + "outlets:\n  - name: Harbor Daily\n    drop_lines: ['^Subscribe now$']\n",
                    encoding="utf-8")
    profiles = load_profiles(path)
    cleaned = clean_text("Body line.\nSubscribe now\nMore body.\n", "Harbor Daily", profiles)
    assert cleaned.text == "Body line.\nMore body.\n"
    assert cleaned.offsets.span_to_raw(11, 15) == (25, 29)


def test_missing_profile_file_names_the_path(tmp_path):
    with pytest.raises(LexiconError, match=r"nope\.yaml: cannot read outlet profiles"):
        load_profiles(tmp_path / "nope.yaml")


@pytest.mark.parametrize(("line", "kind"), [
    ("PYONGYANG, Nov. 22 (KCNA) -- The launch succeeded.", "dateline"),
    ("SEOUL (Reuters) - North Korea fired a missile.", "dateline"),
    ("By Yi Wonju", "byline"),
    ("This photo shows the launch. (By AP)", "caption"),
    ("The launch succeeded, officials said.", None),          # ordinary body line
    ("Seoul, which hosts the talks, said nothing.", None),    # no dateline shape
])
def test_zones_of_single_lines(line, kind):
    cleaned = clean_text(f"Headline here\n\nIntro sentence.\n\n{line}\n", "unknown", default_profiles())
    kinds = [z.kind for z in cleaned.zones if cleaned.text[z.start:z.end] in line]
    assert kinds == ([kind] if kind else [])
