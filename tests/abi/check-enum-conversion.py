#!/usr/bin/env python3
"""Shows that the compiler catches a value of the wrong enum passed to a
public function: tests/abi/enum-conversion.c compiles with CASE 0 (every
argument of the right enum) and fails with every other CASE (one argument
of another enum), with -Werror=enum-conversion as a C11 program.

usage: check-enum-conversion.py SOURCE --cc WORD... --include-dir DIR...
"""
import argparse
import re
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument('source')
ap.add_argument('--cc', action='append', required=True)
ap.add_argument('--include-dir', action='append', default=[])
args = ap.parse_args()

cases = [int(n) for n in re.findall(r'^#elif CASE == (\d+)', open(args.source, encoding='utf-8').read(), re.M)]
base = args.cc + ['-std=c11', '-fsyntax-only', '-Wall', '-Wextra', '-Werror=enum-conversion']
base += ['-I' + d for d in args.include_dir]


def compile_case(n):
    r = subprocess.run(base + ['-DCASE=%d' % n, args.source], capture_output=True, text=True)
    return r.returncode, r.stderr


# GCC: [-Werror=enum-conversion]; clang: [-Werror,-Wenum-conversion].
DIAG = re.compile(r'\[-W[^\]]*enum-conversion\]')
failures = 0
rc, err = compile_case(0)
if rc != 0:
    print('CASE 0 (the right enums) does not compile:\n' + err)
    failures += 1
if not cases:
    print('no CASE found in ' + args.source)
    failures += 1
for n in cases:
    rc, err = compile_case(n)
    if rc == 0:
        print('CASE %d (a value of the wrong enum) compiles: the parameter is not enum-typed' % n)
        failures += 1
    elif not DIAG.search(err):
        print('CASE %d fails for another reason than -Wenum-conversion:\n%s' % (n, err))
        failures += 1
    else:
        print('CASE %d rejected: %s' % (n, next((l for l in err.splitlines() if DIAG.search(l)), '')))
sys.exit(1 if failures else 0)
