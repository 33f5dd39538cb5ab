#!/usr/bin/env python3
"""Fails when any test was skipped, or when no integration test ran, across all surefire reports."""
import glob
import sys
import xml.etree.ElementTree as ET

reports = glob.glob("**/target/surefire-reports/TEST-*.xml", recursive=True)
total = failed = 0
skipped = []
for path in reports:
    suite = ET.parse(path).getroot()
    total += int(suite.get("tests", 0))
    failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    for case in suite.iter("testcase"):
        if case.find("skipped") is not None:
            skipped.append(f'{case.get("classname")}.{case.get("name")}')
print(f"surefire: {len(reports)} suites, {total} tests, {failed} failed, {len(skipped)} skipped")
for name in skipped:
    print(f"  skipped: {name}")
if not reports or total == 0:
    print("no test ran")
    sys.exit(1)
sys.exit(1 if skipped or failed else 0)
