#!/usr/bin/env python3
"""Runs every case of the hostile corpus and reports each one.

lit stops a test file at its first failing RUN line; while the tool is being
fixed it is more useful to see every case. A case is one RUN line that checks
an exit code (`...; test $? -eq N`) with the RUN lines that prepare it (in the
same paragraph, before it) and the FileCheck, grep and test lines that follow it.

    python3 test/Hostile/Inputs/cases.py [--build build] [--verbose] [FILE.test ...]

Prints one line per case: PASS/FAIL, file:line, exit code (expected),
seconds, and the first line of what the command wrote to the checked file.
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDIR = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(TESTDIR))
LLVM_BIN = "/usr/lib/llvm-22/bin"


def substitute(line, test, tmp, build, timeout):
    bindir = os.path.join(build, "bin")
    line = line.replace("%timeout ", "timeout %s " % (timeout or 2))
    line = line.replace("%python", sys.executable)
    line = line.replace("%examples", os.path.join(ROOT, "examples"))
    line = line.replace("%costopt_src", ROOT)
    line = line.replace("%S", os.path.dirname(test))
    line = line.replace("%s", test)
    line = line.replace("%t", tmp)
    line = re.sub(r"(?<![\w./-])costopt-opt(?![\w-])", os.path.join(bindir, "costopt-opt"), line)
    line = re.sub(r"(?<![\w./-])costopt(?![\w.-])", os.path.join(bindir, "costopt"), line)
    line = re.sub(r"(?<![\w./-])FileCheck(?![\w-])", os.path.join(LLVM_BIN, "FileCheck"), line)
    line = re.sub(r"^not(?= )", os.path.join(LLVM_BIN, "not"), line)
    return line


def parse(test):
    """Cases: (line number, [RUN commands], index of the checked command)."""
    cases, pending, current = [], [], None
    with open(test, encoding="utf-8") as f:
        for number, text in enumerate(f, 1):
            m = re.match(r"\s*RUN:\s*(.*)$", text)
            if not m:
                if not text.strip():
                    if current:
                        cases.append(current)
                        current = None
                    pending = []
                continue
            command = m.group(1)
            if re.search(r"test \$\? -eq \d+\s*$", command):
                if current:
                    cases.append(current)
                current = (number, pending + [command], len(pending))
                pending = []
            elif current and re.match(r"(FileCheck|not grep|test )", command):
                current[1].append(command)
            else:
                if current:
                    cases.append(current)
                    current = None
                pending.append(command)
    if current:
        cases.append(current)
    return cases


def run_file(test, build, verbose, timeout=None):
    name = os.path.basename(test)
    outdir = os.path.join(build, "test", "Hostile", "Output")
    os.makedirs(outdir, exist_ok=True)
    tmp = os.path.join(outdir, name + ".tmp")
    results = []
    for number, commands, checked in parse(test):
        ok, rc, want, seconds, shown = True, None, None, 0.0, ""
        for i, command in enumerate(commands):
            shell = substitute(command, test, tmp, build, timeout)
            if i == checked:
                want = int(re.search(r"test \$\? -eq (\d+)\s*$", command).group(1))
                body = re.sub(r";\s*test \$\? -eq \d+\s*$", "", shell)
                start = time.monotonic()
                # bash: report the command's status on fd 3 without disturbing its redirections.
                r, w = os.pipe()
                p = subprocess.Popen(["bash", "-c", body + "\necho $? >&%d" % w],
                                     pass_fds=(w,), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
                os.close(w)
                p.wait()
                seconds = time.monotonic() - start
                status = os.read(r, 64).decode().strip()
                os.close(r)
                rc = int(status) if status.lstrip("-").isdigit() else p.returncode
                if rc != want:
                    ok = False
                target = re.search(r"(?:2>|>)\s*(\S+\.(?:err|out|md|csv|html))", body)
                if target and os.path.exists(target.group(1)):
                    with open(target.group(1), errors="replace") as f:
                        lines = [l.rstrip() for l in f if l.strip() and "PLEASE submit" not in l]
                    shown = lines[0] if lines else ""
                    shown = "".join(c if c >= " " else "\\x%02x" % ord(c) for c in shown)
                if rc in (124, 137):
                    shown = "(timed out) " + shown
                elif rc >= 128:
                    shown = "(signal %d) %s" % (rc - 128, shown)
            else:
                p = subprocess.run(["bash", "-c", shell], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, errors="replace")
                if p.returncode != 0:
                    ok = False
                    if verbose:
                        print("    %s\n    %s" % (command, p.stdout.strip()[:400]))
        results.append((ok, "%s:%d" % (name, number), rc, want, seconds, shown))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--timeout", help="seconds instead of the tests' 2 (to classify hangs)")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = args.files or sorted(os.path.join(TESTDIR, f) for f in os.listdir(TESTDIR)
                                 if f.endswith(".test"))
    total = passed = 0
    for test in files:
        for ok, where, rc, want, seconds, shown in run_file(os.path.abspath(test), args.build,
                                                             args.verbose, args.timeout):
            total += 1
            passed += ok
            print("%s %-28s rc=%-3s (want %s) %5.2fs  %s" % ("PASS" if ok else "FAIL", where, rc,
                                                             want, seconds, shown[:160]))
    print("%d of %d cases pass" % (passed, total))
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main())
