#!/usr/bin/env python3
"""Sums Boost.Test case counts from meson's testlog.json and prints
`tests: N passed, N failed`. Every suite runs with --report_level=short,
whose report says "N test cases out of M passed/failed". A suite that
crashed, timed out or printed no report counts as one failure.
Exit 1 when anything failed or nothing ran."""
import json
import re
import sys

passed = failed = 0
with open(sys.argv[1]) as f:
    for line in f:
        if not line.strip():
            continue
        t = json.loads(line)
        out = (t.get("stdout") or "") + (t.get("stderr") or "")
        p = sum(int(m) for m in re.findall(r"(\d+) test cases? out of \d+ passed", out))
        fl = sum(int(m) for m in re.findall(r"(\d+) test cases? out of \d+ failed", out))
        if t.get("result") != "OK" and fl == 0:
            fl = 1
        passed += p
        failed += fl
print(f"tests: {passed} passed, {failed} failed")
sys.exit(0 if failed == 0 and passed > 0 else 1)
