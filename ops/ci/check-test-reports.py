#!/usr/bin/env python3
"""Fails when any test failed or was skipped, or when an integration test class did not run.

Integration test classes are the test sources tagged @Tag("integration") (on the class, or on a
method); each must have a surefire report with at least one test that ran. A class whose report
is missing (excluded by -Dfast, a wrong include pattern, a crashed fork) fails the check by name.
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

TAG = re.compile(r'@Tag\("integration"\)')
# surefire's default includes: other tagged classes (benchmarks run by hand) are listed, not required
SUREFIRE_NAME = re.compile(r'^(Test\w*|\w*Test|\w*Tests|\w*TestCase)$')
PACKAGE = re.compile(r'^package\s+([\w.]+);', re.M)


def integration_classes():
    """Fully qualified names of the concrete test classes that carry the integration tag."""
    names = {}
    for path in glob.glob("**/src/test/java/**/*.java", recursive=True):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if not TAG.search(text) or re.search(r'\babstract\s+class\b', text):
            continue
        package = PACKAGE.search(text)
        cls = os.path.splitext(os.path.basename(path))[0]
        if not SUREFIRE_NAME.match(cls):
            print(f"  not run by surefire (by name): {cls} ({path})")
            continue
        names[(package.group(1) + "." if package else "") + cls] = path
    return names


reports = glob.glob("**/target/surefire-reports/TEST-*.xml", recursive=True)
total = failed = 0
skipped = []
ran = {}
for path in reports:
    suite = ET.parse(path).getroot()
    tests = int(suite.get("tests", 0))
    total += tests
    failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    suite_skipped = int(suite.get("skipped", 0))
    ran[suite.get("name")] = ran.get(suite.get("name"), 0) + tests - suite_skipped
    for case in suite.iter("testcase"):
        if case.find("skipped") is not None:
            skipped.append(f'{case.get("classname")}.{case.get("name")}')

expected = integration_classes()
missing = sorted(name for name in expected if ran.get(name, 0) == 0)
print(f"surefire: {len(reports)} suites, {total} tests, {failed} failed, {len(skipped)} skipped; "
      f"integration classes: {len(expected) - len(missing)} of {len(expected)} ran")
for name in skipped:
    print(f"  skipped: {name}")
for name in missing:
    print(f"  integration class did not run: {name} ({expected[name]})")
if not reports or total == 0:
    print("no test ran")
    sys.exit(1)
sys.exit(1 if skipped or failed or missing else 0)
