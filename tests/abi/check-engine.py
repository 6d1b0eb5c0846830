#!/usr/bin/env python3
"""Fails when code outside a storage engine's driver names that engine.

Each engine's header and API may appear only in its driver (lib/db/): no
other file of the library, the CLI, the examples or the bindings may
include the header or name one of the engine's functions, types or
constants. Comments and string literals do not count (the docs may name
SQLite; SQL text may say "sqlite_schema" only inside the driver anyway).

usage: check-engine.py SOURCE_ROOT
       check-engine.py --self-test
"""
import os
import re
import sys
import tempfile

# engine -> (header include pattern, identifier pattern, files allowed)
ENGINES = {
    'sqlite': (re.compile(r'#\s*include\s*[<"]sqlite3(ext)?\.h[>"]'),
               re.compile(r'\b(sqlite3\w*|SQLITE_\w+)\b'),
               {'lib/db/sqlite.c'}),
    'postgres': (re.compile(r'#\s*include\s*[<"](libpq-fe|libpq/\w+|postgres\w*|pg_config)\.h[>"]'),
                 re.compile(r'\b(PQ[a-z]\w*|PG(conn|result|notify|cancel)\w*|CONNECTION_(OK|BAD)|PGRES_\w+)\b'),
                 {'lib/db/postgres.c'}),
}
SCANNED = ('lib', 'examples', 'bindings', 'include')
SUFFIXES = ('.c', '.h', '.cc', '.cpp')


def code_only(text):
    """The text with comments and string and character literals blanked
    (line structure kept), preprocessor lines kept as they are."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif c in '"\'':
            line_start = text.rfind('\n', 0, i) + 1
            if text[line_start:i].lstrip().startswith('#'):
                out.append(c)  # #include "x.h": keep it
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            out.append(c + ' ' * (j - i - 1) + (c if j < n and text[j] == c else ''))
            i = j + 1 if j < n and text[j] == c else j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def scan(root):
    problems = []
    for top in SCANNED:
        for d, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith(SUFFIXES):
                    continue
                path = os.path.join(d, name)
                rel = os.path.relpath(path, root).replace(os.sep, '/')
                text = open(path, encoding='utf-8', errors='replace').read()
                code = code_only(text)
                for engine, (header, ident, allowed) in ENGINES.items():
                    if rel in allowed:
                        continue
                    for m in header.finditer(code):
                        problems.append('%s:%d: includes %s\'s header' % (rel, code.count('\n', 0, m.start()) + 1, engine))
                    no_includes = re.sub(r'(?m)^\s*#\s*include\b.*$', '', code)
                    for m in ident.finditer(no_includes):
                        problems.append('%s:%d: names %s\'s %s' % (rel, no_includes.count('\n', 0, m.start()) + 1, engine,
                                                                  m.group(1)))
    return problems


def self_test():
    cases = {
        'lib/ticket/ticket-sql.c': ('#include <sqlite3.h>\n', 1),
        'lib/store/store.c': ('int f(void *p) { return sqlite3_step(p); }\n', 1),
        'examples/cli/x.c': ('#define X SQLITE_BUSY\n', 1),
        'lib/db/sqlite.c': ('#include <sqlite3.h>\nint g(void) { return SQLITE_OK; }\n', 0),
        'lib/db/db.c': ('/* sqlite3_step is wrapped */\nconst char *t = "sqlite3_prepare";\n', 0),
        'bindings/python/m.c': ('#include <libpq-fe.h>\nvoid *c = PQconnectdb("");\n', 2),
        'lib/db/postgres.c': ('#include <libpq-fe.h>\nPGconn *c;\n', 0),
    }
    failures = 0
    for rel, (text, want) in cases.items():
        with tempfile.TemporaryDirectory(prefix='csvc-engine-') as d:
            path = os.path.join(d, rel)
            os.makedirs(os.path.dirname(path))
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
            got = len(scan(d))
            if got != want:
                print('self-test: %s: %d problem(s) found, %d expected' % (rel, got, want))
                failures += 1
    print('self-test: %s' % ('ok' if not failures else '%d failure(s)' % failures))
    return 1 if failures else 0


def main():
    if sys.argv[1:] == ['--self-test']:
        sys.exit(self_test())
    root = sys.argv[1]
    problems = scan(root)
    for p in problems:
        print(p)
    if problems:
        print('check-engine: %d place(s) outside a driver name a storage engine' % len(problems))
        sys.exit(1)
    print('check-engine: only the drivers in lib/db/ name a storage engine')


if __name__ == '__main__':
    main()
