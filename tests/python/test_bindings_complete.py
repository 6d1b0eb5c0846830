"""Every public C function has a binding or a documented reason not to.

The list of functions is generated from the headers (the CSVC_EXTERN
declarations in include/csvc/*.h); the functions the extension calls are
the csvc_* symbols it imports from libcsvc.so (nm -D --undefined-only);
the exceptions, with their reasons, are in bindings/python/unbound.txt."""

import glob
import os
import re
import shutil
import subprocess
import unittest

import csvc

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
UNBOUND = os.path.join(ROOT, "bindings", "python", "unbound.txt")
DECL = re.compile(r"CSVC_EXTERN\([^)]*\)\s*(csvc_\w+)\s*\(")


def public_functions():
    found = {}
    for header in sorted(glob.glob(os.path.join(ROOT, "include", "csvc", "*.h"))):
        with open(header, encoding="utf-8") as f:
            for name in DECL.findall(f.read()):
                found[name] = os.path.basename(header)
    return found


def unbound():
    reasons = {}
    with open(UNBOUND, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition(":")
            reasons[name.strip()] = reason.strip()
    return reasons


def called_by_extension():
    ext = csvc._csvc.__file__
    out = subprocess.run(["nm", "-D", "--undefined-only", ext], check=True, capture_output=True,
                         text=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if " csvc_" in line}


class BindingsComplete(unittest.TestCase):
    def setUp(self):
        if not os.path.isdir(os.path.join(ROOT, "include", "csvc")):
            self.skipTest("no source tree")
        if shutil.which("nm") is None:
            self.skipTest("nm (binutils) is not installed")
        self.called = called_by_extension()
        if not self.called:
            self.skipTest("the extension carries libcsvc statically (a wheel): nothing to list")

    def test_headers_found(self):
        self.assertGreater(len(public_functions()), 250)

    def test_every_function_is_bound_or_explained(self):
        reasons = unbound()
        missing = [f"{name} ({header})" for name, header in public_functions().items()
                   if name not in self.called and name not in reasons]
        self.assertEqual(missing, [], "public functions without a binding: bind them, or give the reason "
                         "in bindings/python/unbound.txt")

    def test_exceptions_are_real_and_explained(self):
        functions = public_functions()
        for name, reason in unbound().items():
            with self.subTest(name):
                self.assertIn(name, functions, "listed in unbound.txt but not declared in the headers")
                self.assertNotIn(name, self.called, "listed in unbound.txt but the extension calls it")
                self.assertGreater(len(reason), 10, "give a reason")


if __name__ == "__main__":
    unittest.main()
