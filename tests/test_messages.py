"""Staff read Chinese (issue 24, point 8): problem messages in Chinese or English, by
--lang or the terminal's locale, with the same places, fields and codes; the fix said
where it can be; YAML's own errors in words a clerk can act on, at their line."""

from __future__ import annotations

import re
import shutil

from conftest import FIXTURES, REPO, run_budgetsite

from builder.core import messages

LINE = re.compile(r"(?P<place>\S+:\d+:\d+: \S+): (?P<message>.+) \[(?P<code>[a-z0-9.-]+)\]$")
WUHUA = "content/projects/wuhua/2025/urban-rural-medical-assistance/project.yaml"


def problems(result) -> list[re.Match]:
    return [m for m in map(LINE.match, result.stderr.splitlines()) if m]


def test_the_same_problems_in_chinese_and_english():
    root = FIXTURES / "many-errors"
    en = run_budgetsite("check", "--root", root, "--lang", "en")
    zh = run_budgetsite("check", "--root", root, "--lang", "zh")
    assert en.returncode == zh.returncode == 1
    pairs = list(zip(problems(en), problems(zh), strict=True))
    assert len(pairs) == 6
    for english, chinese in pairs:
        assert (english["place"], english["code"]) == (chinese["place"], chinese["code"])
        assert re.search(r"[\u4e00-\u9fff]", chinese["message"]), chinese[0]
        assert english["message"] != chinese["message"]
    assert "5 error(s), 1 warning(s)" in en.stderr and "5 个错误，1 个警告" in zh.stderr


def test_the_terminal_locale_chooses_and_lang_overrides_it():
    root = FIXTURES / "many-errors"
    zh = run_budgetsite("check", "--root", root, env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    assert "个错误" in zh.stderr
    en = run_budgetsite("check", "--root", root, "--lang", "en",
                        env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    assert "error(s)" in en.stderr and "个错误" not in en.stderr
    assert messages.from_environment({"LANG": "C.UTF-8"}) == "en"
    assert messages.from_environment({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_GB"}) == "zh"


def site_with(tmp_path, old: str, new: str):
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    path = root / WUHUA
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root, text[:text.index(old)].count("\n") + 1


def test_an_amount_with_its_unit_says_how_to_write_it(tmp_path):
    root, line = site_with(tmp_path, "budget_year: 7968243.98", "budget_year: 796.82万元")
    for lang, fix in (("en", "write {value: 796.82, unit: 万元}"),
                      ("zh", "请写成 {value: 796.82, unit: 万元}")):
        found = problems(run_budgetsite("check", "--root", root, "--lang", lang))
        assert [m["code"] for m in found] == ["schema.type"], found
        assert found[0]["place"].startswith(f"{WUHUA}:{line}:")
        assert found[0]["message"].endswith(fix), found[0]["message"]


def test_a_yaml_slip_is_said_at_its_line_in_words(tmp_path):
    root, line = site_with(tmp_path, "  zh: 城乡医疗救助专项资金\n", "  zh: 名称: 城乡医疗救助专项资金\n")
    en = problems(run_budgetsite("check", "--root", root, "--lang", "en"))
    zh = problems(run_budgetsite("check", "--root", root, "--lang", "zh"))
    assert [m["code"] for m in en] == [m["code"] for m in zh] == ["yaml.syntax"]
    assert en[0]["place"].startswith(f"{WUHUA}:{line}:")
    assert "mapping values" not in en[0]["message"]
    assert "a colon and a space (': ') inside a value; put the whole value in quotes" \
        in en[0]["message"]
    assert "冒号加空格" in zh[0]["message"] and "引号" in zh[0]["message"]


def test_a_message_without_its_chinese_stays_english():
    assert messages.message("something new went wrong", "zh") == "something new went wrong"
