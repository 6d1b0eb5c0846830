#!/usr/bin/env python3
"""Checks that the library allocates only through lib/util/alloc.c: no other
source calls the C library's allocation functions (malloc, calloc,
realloc, free, strdup, ...) or SQLite's, so that every block comes from
the allocator of csvc_set_allocator and csvc_free() can release it.

usage: check-alloc.py LIBDIR
"""
import os
import re
import sys

FORBIDDEN = re.compile(
    r'(?<![\w.>])(malloc|calloc|realloc|reallocarray|free|strdup|strndup|asprintf|vasprintf|'
    r'open_memstream|getline|getdelim|aligned_alloc|posix_memalign|sqlite3_malloc64|sqlite3_malloc|'
    r'sqlite3_realloc64|sqlite3_realloc|sqlite3_mprintf|sqlite3_vmprintf|sqlite3_expanded_sql|'
    r'sqlite3_str_new)\s*\(')
ALLOWED_FILE = 'util/alloc.c'


def strip_comments_and_strings(text):
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def main():
    libdir = sys.argv[1]
    bad = []
    names = sorted(os.path.relpath(os.path.join(d, f), libdir).replace(os.sep, '/')
                   for d, _, files in os.walk(libdir) for f in files)
    for name in names:
        if not name.endswith(('.c', '.h')) or name == ALLOWED_FILE:
            continue
        with open(os.path.join(libdir, name), encoding='utf-8') as f:
            text = strip_comments_and_strings(f.read())
        for no, line in enumerate(text.split('\n'), 1):
            for m in FORBIDDEN.finditer(line):
                bad.append('%s:%d: %s() outside lib/util/alloc.c: use csvc__%s' %
                           (name, no, m.group(1), m.group(1)))
    for b in bad:
        print(b)
    print('%d passed, %d failed' % (0 if bad else 1, 1 if bad else 0))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
