#!/usr/bin/env python3
"""Fails if any SQL text in lib/ could be built from user data.

Every value must reach SQLite through a bound parameter. This checks the
ways text can get into SQL:
  1. no sqlite3_mprintf / sqlite3_snprintf / sqlite3_vmprintf, and no %q,
     %Q or %w conversions anywhere;
  2. a printf-style format that looks like SQL may only convert numbers
     (%d, %u, %lld ...), never strings (%s);
  3. the query builders (functions whose name ends in _sql, and the
     buffers they fill) append string literals or SQL_* constants only;
  4. sqlite3_exec and sqlite3_prepare* take a string literal, an SQL_*
     constant, a migration, or a variable that rules 2 and 3 cover.
usage: check-sql.py LIBDIR
"""
import os
import re
import sys

SQL_WORDS = re.compile(r'\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|DROP|ALTER|WHERE|VALUES)\b')
PRINTF = re.compile(r'\b(snprintf|sprintf|csvc__buf_printf|printf|vsnprintf)\s*\((.*?)\);', re.S)
STRING_CONV = re.compile(r'%[-+ #0-9.*]*(?:hh|h|ll|l|z|j|t)?[sc]')


def strip_comments(text):
    return re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)


def check(path, problems):
    text = strip_comments(open(path, encoding='utf-8').read())
    name = os.path.basename(path)
    for bad in ('sqlite3_mprintf', 'sqlite3_snprintf', 'sqlite3_vmprintf', '%q', '%Q', '%w'):
        for m in re.finditer(re.escape(bad), text):
            problems.append('%s:%d: %s builds SQL text from values' % (name, text.count('\n', 0, m.start()) + 1, bad))
    for m in PRINTF.finditer(text):
        literals = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
        if SQL_WORDS.search(literals) and STRING_CONV.search(literals):
            problems.append('%s:%d: SQL text formatted with a string conversion' %
                            (name, text.count('\n', 0, m.start()) + 1))
    # Query builders: only literals, constants, string macros and locals
    # initialised from literals are appended.
    macros = set(re.findall(r'#define\s+([A-Z_][A-Z0-9_]*)\s*\\?\s*\n?\s*"', text))
    for fm in re.finditer(r'\n[a-z_ *]+?\b([a-z_0-9]+_sql)\s*\([^)]*\)\s*\{(.*?)\n\}', text, re.S):
        body = fm.group(2)
        consts = set(re.findall(r'const char \*(\w+)\s*=\s*"', body))
        piece = r'(?:"(?:[^"\\]|\\.)*"|' + '|'.join(sorted(macros) or ['(?!)']) + r')'
        lit = r'(?:\s*' + piece + r'\s*)+'
        for am in re.finditer(r'csvc__buf_(puts|put|printf)\s*\(\s*&?\w+\s*,\s*([^;]*)\);', body):
            arg = am.group(2).strip()
            ok = re.fullmatch(lit + r'(,\s*\d+)?', arg) or \
                re.fullmatch(r'[\w>.-]+\s*\?' + lit + ':' + lit, arg) or \
                re.fullmatch(r'(SQL_[A-Z0-9_]+|match)(,\s*\d+)?', arg) or arg in consts
            if am.group(1) == 'printf' or not ok:
                problems.append('%s: %s appends a non-constant to SQL: %s' % (name, fm.group(1), arg[:60]))
    for m in re.finditer(r'\b(sqlite3_exec|sqlite3_prepare_v2|sqlite3_prepare_v3|csvc__stmt|prep|exec_rowid|'
                         r'run_cached|single_int|exists|load_list|exec_sql|pragma_int)\s*\(', text):
        args = call_args(text, m.end())
        if len(args) < 2:
            continue
        arg = ' '.join(args[1].split())
        if arg.startswith('const ') or arg.startswith('csvc_store'):
            continue  # the helper's own definition
        lit = r'(?:"(?:[^"\\]|\\.)*"\s*)+'
        if not (re.fullmatch(lit, arg) or re.fullmatch(r'[^?]+\?\s*' + lit + r':\s*' + lit, arg) or
                re.fullmatch(r'(SQL_[A-Z0-9_]+)(\[\w+\])?|MIGRATIONS\[\w+\]|sql|eqp|s->sla_insert_sql\[n\]', arg) or
                re.fullmatch(r's->tx_depth == 0 \? SQL_[A-Z_]+ : SQL_[A-Z_]+', arg)):
            problems.append('%s:%d: %s gets SQL from %s' % (name, text.count('\n', 0, m.start()) + 1, m.group(1), arg))


def call_args(text, start):
    """The top-level arguments of the call whose '(' ends at start."""
    depth, args, cur, i = 1, [], '', start
    in_str = False
    while i < len(text) and depth:
        ch = text[i]
        if in_str:
            cur += ch
            if ch == '\\':
                cur += text[i + 1]
                i += 1
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
            cur += ch
        elif ch in '([{':
            depth += 1
            cur += ch
        elif ch in ')]}':
            depth -= 1
            if depth:
                cur += ch
        elif ch == ',' and depth == 1:
            args.append(cur.strip())
            cur = ''
        else:
            cur += ch
        i += 1
    args.append(cur.strip())
    return args


def main():
    libdir = sys.argv[1]
    problems = []
    files = sorted(f for f in os.listdir(libdir) if f.endswith('.c'))
    for f in files:
        check(os.path.join(libdir, f), problems)
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print('checked %d files: no SQL built from values' % len(files))


if __name__ == '__main__':
    main()
