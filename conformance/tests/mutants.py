#!/usr/bin/env python3
"""Mutation check of the conformance suite: copies the source tree to a temp dir,
applies each mutation of tests/mutants.txt to the parse layer (one at a time),
rebuilds zhttp-conform there and runs the parser, server and client targets. A
mutant is KILLED when some case fails. Not a ctest (about 15 s per mutant on 2
cores); run it after changing cases or the parser:
    python3 conformance/tests/mutants.py [SOURCE_DIR]
A mutation whose original text is no longer in the source is reported NOT APPLIED
(update mutants.txt)."""
import os, shutil, subprocess, sys, tempfile

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
work = tempfile.mkdtemp(prefix="zhttp-mutants.")
src, build = os.path.join(work, "src"), os.path.join(work, "build")
try:
    shutil.copytree(root, src, ignore=shutil.ignore_patterns("build", ".git", ".fuzz", "*.o"))
    subprocess.run(["cmake", "-S", src, "-B", build, "-DZH_BUILD_TESTS=OFF"], check=True, capture_output=True)
    conform = os.path.join(build, "bin", "zhttp-conform")
    killed = total = 0
    for line in open(os.path.join(root, "conformance", "tests", "mutants.txt"), encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        f, old, new = [x.strip().replace("⏎", "\n") for x in line.split("§§")]
        path = os.path.join(src, "core", "src", "parse", f)
        text = open(path).read()
        if old not in text:
            print("NOT APPLIED %-10s %s" % (f, old.replace("\n", " ")[:60]))
            continue
        open(path, "w").write(text.replace(old, new, 1))
        try:
            b = subprocess.run(["cmake", "--build", build, "--target", "zhttp-conform", "-j2"], capture_output=True, text=True)
            if b.returncode != 0:
                print("NO BUILD    %-10s %s" % (f, old.replace("\n", " ")[:60]))
                continue
            total += 1
            fails = []
            for t in ["parser", "server", "client"]:
                r = subprocess.run([conform, "-q", "--target", t], capture_output=True, text=True)
                last = [l for l in r.stdout.splitlines() if l.endswith(" failed")]
                n = int(last[-1].split(", ")[1].split()[0]) if last else -1
                if n:
                    fails.append("%s:%d" % (t, n))
            killed += bool(fails)
            print("%-11s %-10s %-60s %s" % ("KILLED" if fails else "SURVIVED", f, old.replace("\n", " ")[:60], " ".join(fails)))
        finally:
            open(path, "w").write(text)
    print("mutants: killed=%d total=%d" % (killed, total))
    sys.exit(0 if killed == total else 1)
finally:
    shutil.rmtree(work, ignore_errors=True)
