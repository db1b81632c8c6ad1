#!/usr/bin/python3
"""tests/help_check.py FENPEI — the help speaks Chinese by default and English with --lang en or an
English locale, and the two texts of every command name the same options (cli/help_zh.c is kept
in step with the English texts in the commands' own files)."""
import os
import re
import subprocess
import sys

OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])")
failures = []


def run(binary, args, lang=None):
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    if lang:
        env["LANG"] = lang
    p = subprocess.run([binary] + args, capture_output=True, env=env, check=False)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def expect(cond, what):
    if not cond:
        failures.append(what)


def main(binary):
    code, zh, _ = run(binary, ["--help"])
    expect(code == 0 and zh.startswith("用法：fenpei 命令"), "fenpei --help is Chinese by default")
    code, en, _ = run(binary, ["--help", "--lang", "en"])
    expect(code == 0 and en.startswith("usage: fenpei COMMAND"), "fenpei --help --lang en is English")
    code, en2, _ = run(binary, ["--help"], lang="en_US.UTF-8")
    expect(en2 == en, "LANG=en_US.UTF-8 gives the English help")
    code, zh2, _ = run(binary, ["--help", "--lang", "zh"], lang="en_US.UTF-8")
    expect(zh2 == zh, "--lang zh wins over LANG=en…")
    commands = re.findall(r"^  ([a-z]+) ", en, re.M)
    expect(len(commands) >= 5, f"the English help lists the commands: {commands}")
    for cmd in commands:
        c1, zh_text, _ = run(binary, [cmd, "--help"])
        c2, en_text, _ = run(binary, [cmd, "--help", "--lang", "en"])
        expect(c1 == 0 and c2 == 0, f"{cmd} --help exits 0")
        expect(re.search(r"[\u4e00-\u9fff]", zh_text.split("\n", 1)[0]) is not None,
               f"{cmd} --help is Chinese by default: {zh_text.splitlines()[:1]}")
        expect(en_text.startswith("usage:"), f"{cmd} --help --lang en is English")
        zo, eo = set(OPTION.findall(zh_text)), set(OPTION.findall(en_text))
        expect(zo == eo, f"{cmd}: options only in Chinese {sorted(zo - eo)}, only in English {sorted(eo - zo)}")
        expect(cmd in dict(re.findall(r"^  ([a-z]+) +(.*)$", zh, re.M)),
               f"{cmd} is listed in the Chinese program help")
    for f in failures:
        print("FAIL:", f)
    print(f"help: {len(commands)} commands, {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
