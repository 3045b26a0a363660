"""Checks the live values of an HTML report against costopt's text report.

Usage: html-values.py DOM TEXT. DOM is a page as Chromium dumps it (the
report itself, or slide.html holding it); every quantity of widget w0 that
the text report's totals list must read exactly as the text report prints
it. Prints the slider's value, the note, and 'N values equal'; exits 1 on
any difference or when a value is missing.
"""
import html
import re
import sys

dom = open(sys.argv[1], encoding="utf-8").read()
text = open(sys.argv[2], encoding="utf-8").read().splitlines()

value = re.search(r'<output id="w0-value">([^<]*)</output>', dom)
note = re.search(r'<span id="w0-note">([^<]*)</span>', dom)
print("value:", value.group(1) if value else "(none)")
print("note:", html.unescape(note.group(1)) if note else "(none)")

rows = re.findall(r'<td>([^<]*)</td><td class="num" id="w0-row\d+">([^<]*)</td>', dom)
if not rows:
    sys.exit("no rows in the page")
equal, failures = 0, []
for name, shown in rows:
    name, shown = html.unescape(name), html.unescape(shown)
    # A total's line in the text report: two spaces, the name, two spaces.
    lines = [l for l in text if l.startswith("  " + name + "  ")]
    if not lines:
        continue  # a quantity only the page has (core FLOPs per layer kind)
    if not shown:
        failures.append(f"{name}: empty in the page")
        continue
    pattern = r"(^|\s)" + re.escape(shown) + r"(\s\s|$)"
    if re.search(pattern, lines[0]):
        equal += 1
    else:
        failures.append(f"{name}: page shows '{shown}', text report: {lines[0].strip()}")
for f in failures:
    print("MISMATCH", f)
print(f"{equal} values equal")
sys.exit(1 if failures or not equal else 0)
