#!/usr/bin/env bash
# Runs a copy of the content-length cases with one golden trace broken and
# checks the JUnit XML: well-formed (python3 xml.etree), testsuite/testcase
# counts equal to the run's closing line, the failure carries the diff.
# Also checks that --json is valid JSON with the same counts.
# Usage: junit.sh ZHTTP_CONFORM CONFORMANCE_DIR
set -u
bin=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src/cases/content-length.case" "$tmp/"
mkdir -p "$tmp/golden/parser"
cp "$src"/golden/parser/*.trace "$tmp/golden/parser/"
sed -i 's/^framing length 5 close=0$/framing length 7 close=0/' "$tmp/golden/parser/cl-simple.trace"
"$bin" --target parser --golden "$tmp/golden" --junit "$tmp/j.xml" --json "$tmp/j.json" \
  "$tmp/content-length.case" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 1 ] || { echo "FAIL: exit status $rc, want 1"; cat "$tmp/out"; exit 1; }
line=$(tail -1 "$tmp/out")
python3 - "$tmp/j.xml" "$tmp/j.json" "$line" <<'PY'
import json, re, sys
import xml.etree.ElementTree as ET
xml_path, json_path, closing = sys.argv[1:4]
m = re.fullmatch(r"(\d+) passed, (\d+) failed", closing)
assert m, "closing line: %r" % closing
passed, failed = int(m.group(1)), int(m.group(2))
root = ET.parse(xml_path).getroot()
assert root.tag == "testsuites", root.tag
cases = root.findall("./testsuite/testcase")
fails = root.findall("./testsuite/testcase/failure")
assert len(cases) == passed + failed, (len(cases), passed, failed)
assert len(fails) == failed == 1, (len(fails), failed)
assert int(root.get("tests")) == len(cases) and int(root.get("failures")) == failed
for s in root.findall("testsuite"):
    assert int(s.get("tests")) == len(s.findall("testcase"))
    assert int(s.get("failures")) == len(s.findall("testcase/failure"))
f = fails[0]
assert "golden" in f.get("message"), f.get("message")
assert "+framing length 5 close=0" in (f.text or ""), f.text
names = [c.get("name") for c in cases]
assert len(set(names)) == len(names)
j = json.load(open(json_path))
assert j["passed"] == passed and j["failed"] == failed
assert len(j["results"]) == passed + failed
bad = [r for r in j["results"] if r["status"] == "fail"]
assert [r["case"] for r in bad] == ["cl-simple"], bad
print("junit: ok, %d testcases, %d failure" % (len(cases), failed))
PY
