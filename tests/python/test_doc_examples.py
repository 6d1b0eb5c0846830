"""The Python examples of docs/python.md and README.md run, each on its own.

Every ```python block is run as a program of its own, by this interpreter,
in an empty temporary directory (the examples' files, such as shop.db, go
there), with nothing from the other blocks: each must be self-contained."""

import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DOCS = [os.path.join(ROOT, "docs", "python.md"), os.path.join(ROOT, "README.md")]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for m in BLOCK.finditer(text):
        yield text.count("\n", 0, m.start()) + 1, m.group(1)


class DocExamples(unittest.TestCase):
    def test_docs_have_examples(self):
        self.assertGreaterEqual(sum(1 for _ in blocks(DOCS[0])), 5)

    def test_each_example_runs_alone(self):
        for path in DOCS:
            if not os.path.exists(path):
                continue
            for line, code in blocks(path):
                with self.subTest(f"{os.path.relpath(path, ROOT)}:{line}"), \
                        tempfile.TemporaryDirectory(prefix="csvc-doc-") as d:
                    r = subprocess.run([sys.executable, "-c", code], cwd=d, capture_output=True, text=True,
                                       timeout=120)
                    self.assertEqual(r.returncode, 0,
                                     f"{os.path.relpath(path, ROOT)}:{line} failed:\n{r.stderr[-3000:]}")


if __name__ == "__main__":
    unittest.main()
