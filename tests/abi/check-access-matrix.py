#!/usr/bin/env python3
"""Fails when the permission matrix test misses a public call that takes a store.

Every CSVC_EXTERN function of include/csvc/*.h with a `csvc_store *`
parameter (const or not, `csvc_store **` included) must appear, by its exact
name in a string literal, in tests/unit/test-access-matrix.c, whose table
says what docs/access.md requires of it. A table entry ({"csvc_x", ...})
naming no such function fails too: a renamed or removed call leaves no stale
entry behind.

usage: check-access-matrix.py INCLUDE_DIR TEST_FILE
       check-access-matrix.py --self-test
"""
import os
import re
import sys
import tempfile

DECL = re.compile(r'CSVC_EXTERN\s*\([^)]*\)\s*(\w+)\s*\(([^;{]*?)\)\s*;', re.S)
STORE_PARAM = re.compile(r'\bcsvc_store\s*\*')
LITERAL = re.compile(r'"(csvc_\w+)"')
ENTRY = re.compile(r'\{\s*"(csvc_\w+)"\s*,')


def strip_comments(text):
    """The text without /* */ and // comments (doc comments name calls too)."""
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def store_calls(include_dir):
    """The public functions that take a store, by name."""
    names = set()
    csvc = os.path.join(include_dir, 'csvc')
    for name in sorted(os.listdir(csvc)):
        if not name.endswith('.h'):
            continue
        with open(os.path.join(csvc, name), encoding='utf-8') as f:
            text = strip_comments(f.read())
        for m in DECL.finditer(text):
            if STORE_PARAM.search(m.group(2)):
                names.add(m.group(1))
    return names


def check(include_dir, test_file):
    """Prints what is wrong; returns the number of problems."""
    calls = store_calls(include_dir)
    if not calls:
        print('check-access-matrix: no public call takes a csvc_store in %s' % include_dir)
        return 1
    with open(test_file, encoding='utf-8') as f:
        text = strip_comments(f.read())
    literals = set(LITERAL.findall(text))
    entries = set(ENTRY.findall(text))
    problems = 0
    for name in sorted(calls - literals):
        print('%s: %s takes a csvc_store but is not in the matrix' % (test_file, name))
        problems += 1
    for name in sorted(entries - calls):
        print('%s: the matrix lists %s, which is no public call that takes a csvc_store' % (test_file, name))
        problems += 1
    if not problems:
        print('check-access-matrix: all %d calls that take a store are in the matrix' % len(calls))
    return problems


def self_test():
    header = '''
/** Doc: csvc_gone(csvc_store *s) is only mentioned here. */
CSVC_EXTERN(int) csvc_a(csvc_store *store, int x);
CSVC_EXTERN(const char *) csvc_b(const csvc_store *store);
CSVC_EXTERN(int) csvc_c(csvc_store **out,
                        const char *path);
CSVC_EXTERN(int) csvc_d(const csvc_ticket *t);
'''
    cases = [
        # (test file text, expected number of problems)
        ('{"csvc_a", 1}, {"csvc_b", 2}, {"csvc_c", 3},', 0),
        ('{"csvc_a", 1}, {"csvc_c", 3}, /* {"csvc_b", 2} */', 1),
        ('{"csvc_a", 1}, {"csvc_b", 2}, {"csvc_c", 3}, {"csvc_d", 4},', 1),
        ('{"csvc_a", 1}, {"csvc_b", 2}, {"csvc_c", 3}, {"csvc_gone", 5},', 1),
        ('"csvc_a" "csvc_b"', 1),
    ]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.mkdir(os.path.join(tmp, 'csvc'))
        with open(os.path.join(tmp, 'csvc', 'x.h'), 'w', encoding='utf-8') as f:
            f.write(header)
        if store_calls(tmp) != {'csvc_a', 'csvc_b', 'csvc_c'}:
            print('self-test: store_calls found %s' % sorted(store_calls(tmp)))
            failures += 1
        for i, (text, want) in enumerate(cases):
            path = os.path.join(tmp, 'test-%d.c' % i)
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
            got = check(tmp, path)
            if got != want:
                print('self-test case %d: %d problem(s), expected %d' % (i, got, want))
                failures += 1
    print('self-test: %s' % ('failed' if failures else 'passed'))
    return failures


def main(argv):
    if argv[1:] == ['--self-test']:
        return 1 if self_test() else 0
    if len(argv) != 3:
        print(__doc__.strip().split('\n\n')[-1])
        return 2
    return 1 if check(argv[1], argv[2]) else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
