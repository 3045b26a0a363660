#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the repository:
#   $out/mlir/    every .mlir of examples/ and test/, and one seed per
#                 `costopt <file> <options>` RUN line of test/costopt/*.test,
#                 the options as a `//! ...` first line (--compare files
#                 appended after a `// -----` line), as costopt-fuzz-mlir reads them
#   $out/import/  test/Import/Inputs/*.json
#   $out/onnx/    the small .onnx files of test/Import/Onnx/Inputs
#   $out/sym/     size expressions: attribute values, symbol defaults and
#                 constraints of those .mlir files, string literals of the
#                 sym unit tests, and a few hand-written corner cases
# Usage: fuzz/make-corpus.sh OUT_DIR   (existing seeds are replaced)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: make-corpus.sh OUT_DIR}
rm -rf "$out/mlir" "$out/import" "$out/onnx" "$out/sym"
mkdir -p "$out/mlir" "$out/import" "$out/onnx" "$out/sym"
for f in "$root"/test/Import/Onnx/Inputs/*.onnx; do
  cp "$f" "$out/onnx/$(basename "$f")"
done

python3 - "$root" "$out" <<'PY'
import hashlib, os, re, shlex, sys
root, out = sys.argv[1], sys.argv[2]

def save(kind, data):
    if isinstance(data, str):
        data = data.encode()
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(out, kind, name), "wb") as f:
        f.write(data)

def files(top, suffix):
    for d, _, names in os.walk(os.path.join(root, top)):
        for n in sorted(names):
            if n.endswith(suffix):
                yield os.path.join(d, n)

mlir = list(files("examples", ".mlir")) + list(files("test", ".mlir"))
for path in mlir:
    save("mlir", open(path, encoding="utf-8").read())

# RUN lines: costopt FILE OPTIONS... (up to a pipe or redirection).
subst = {"%examples": os.path.join(root, "examples")}
honoured = {"--format", "--mode", "--dtype", "--count", "--convention", "--memory-unit",
            "--model", "--emit", "--sweep", "-D", "--bind", "--budget", "--hw", "--compare"}
for test in files("test/costopt", ".test"):
    here = os.path.dirname(test)
    for line in open(test, encoding="utf-8"):
        m = re.search(r"RUN:.*?\bcostopt (\S+\.(?:mlir|json))(.*)", line)
        if not m:
            continue
        path = m.group(1).replace("%S", here)
        for k, v in subst.items():
            path = path.replace(k, v)
        if not path.endswith(".mlir") or not os.path.exists(path):
            continue
        rest = re.split(r"[|>]|2>|;", m.group(2))[0]
        try:
            words = shlex.split(rest)
        except ValueError:
            continue
        opts, compare, i = [], None, 0
        while i < len(words):
            w = words[i]
            if w == "--explain":
                opts.append(w)
            elif w in honoured and i + 1 < len(words):
                if w == "--compare":
                    compare = words[i + 1].replace("%S", here)
                else:
                    opts += [w, words[i + 1]]
                i += 1
            i += 1
        text = open(path, encoding="utf-8").read()
        if compare and os.path.exists(compare):
            text += "\n// -----\n" + open(compare, encoding="utf-8").read()
        if opts:
            text = "//! " + " ".join(opts) + "\n" + text
        save("mlir", text)

for path in files("test/Import/Inputs", ".json"):
    save("import", open(path, encoding="utf-8").read())

exprs = set()
for path in mlir:
    text = open(path, encoding="utf-8").read()
    for attrs in re.findall(r"\{([^{}\n]*)\}", text):
        for v in re.findall(r"=\s*([^,\"]+?)\s*(?:,|$)", attrs):
            exprs.add(v)
    for group in re.findall(r"(?:symbols|where)\s*\(([^)]*(?:\([^)]*\)[^)]*)*)\)", text):
        exprs.add(group)
        for part in group.split(","):
            exprs.add(part.split("=")[-1].strip() if "==" not in part else part.strip())
for path in files("unittests/Support", ".cpp"):
    for s in re.findall(r'"((?:[^"\\]|\\.)*)"', open(path, encoding="utf-8").read()):
        if 0 < len(s) <= 80 and "\\" not in s:
            exprs.add(s)
exprs |= {
    "n", "2*b*n^2*d + 4*n*d^2", "d/h", "h*(d/h)", "ceil((n - 1)/(k - 1))", "floor(n/k) + 1",
    "log_2(n)", "log(k, n)", "ceil(log_k(n))", "max(n, d) - min(n, d)", "unknown(foo)",
    "n^-2*d^3", "n⁻¹·d²", "⌈n/k⌉ + ⌊n/k⌋", "2·b·n²·d − n/2", "3/4*n - 1/3",
    "123456789012345678901234567890*n", "n, d", "n^2*d, n*d^2", "d % h == 0, k >= 2, n <= d",
    "n -> inf", "d fixed", "n << d", "n -> inf, d fixed and k << n",
}
for e in exprs:
    e = e.strip()
    if e:
        save("sym", e)
PY
for kind in mlir import onnx sym; do
  echo "$kind: $(ls "$out/$kind" | wc -l) seeds" >&2
done
