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
  4. every SQL argument of sqlite3_exec, sqlite3_prepare*, libpq's PQexec,
     PQexecParams, PQprepare and PQsendQuery*, and of every
     helper that passes one of its parameters on to them (found by
     following the calls, in every file) is a string literal, an SQL_*
     constant, a migration, a choice between those (?:), the result of a
     query builder (*_sql), or a local variable whose every write is one
     of those: an assignment, snprintf/sprintf with a literal format whose
     string conversions (%s) take only such values, strcpy/strcat/memcpy
     of such a value, or csvc__buf_* appends of literals and constants.
     A parameter is accepted only where its function is such a helper
     itself, so its callers are checked in turn;
  5. a statement of a versioned-definition descriptor (lib/db/defs.h),
     `&k->field` where k is the function's `const csvc__defs_kind *`
     parameter, is accepted because every descriptor is checked where it
     is defined: a csvc__defs_kind object must be `static const`, its
     initialiser may hold only CSVC__SQL / CSVC__SQL_DIALECTS / CSVC__SQL_INSERT_ID texts made
     of literals (or string macros), other literals, designators and
     upper-case constants, no csvc__defs_kind is named without `const`
     (no writable object or pointer), and nothing is cast to one.
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
    check_descriptors(name, text, macros, problems)


DEFS_TYPE = re.compile(r'\b(?:struct\s+)?csvc__defs_kind\b')
DEFS_OBJECT = re.compile(r'\b(?:struct\s+)?csvc__defs_kind\s+(\w+)\s*(?:\[[^\]]*\]\s*)?(=|;|,)')


def check_descriptors(name, text, macros, problems):
    """Rule 5: descriptors are static const and hold constant SQL only."""
    def line(pos):
        return text.count('\n', 0, pos) + 1
    for m in DEFS_TYPE.finditer(text):
        if not re.search(r'\bconst\s+$', text[max(0, m.start() - 40):m.start()]):
            problems.append('%s:%d: csvc__defs_kind without const: a descriptor must not be writable' %
                            (name, line(m.start())))
    for m in re.finditer(r'\(\s*const\s+(?:struct\s+)?csvc__defs_kind\s*\*\s*\)', text):
        problems.append('%s:%d: a cast to a descriptor pointer' % (name, line(m.start())))
    for m in DEFS_OBJECT.finditer(text):
        head = text[text.rfind('\n', 0, m.start()) + 1:m.start()]
        if not re.fullmatch(r'\s*static\s+const\s+', head) or m.group(2) != '=':
            problems.append('%s:%d: descriptor %s must be defined `static const ... = {...}`' %
                            (name, line(m.start()), m.group(1)))
            continue
        body = call_args(text, text.index('{', m.end()) + 1)
        init = ','.join(body)
        piece = r'(?:"(?:[^"\\]|\\.)*"|NULL|' + '|'.join(sorted(macros) or ['(?!)']) + r')'
        for cm in re.finditer(r'\bCSVC__SQL(?:_DIALECTS|_INSERT_ID)?\s*\(', init):
            for arg in call_args(init, cm.end()):
                if not re.fullmatch(r'(?:\s*' + piece + r'\s*)+', arg):
                    problems.append('%s:%d: descriptor %s has SQL text that is not a literal: %s' %
                                    (name, line(m.start()), m.group(1), ' '.join(arg.split())[:60]))
        rest = re.sub(r'\bCSVC__SQL(?:_DIALECTS|_INSERT_ID)?\s*\((?:[^()"]|"(?:[^"\\]|\\.)*")*\)', ' ', init)
        rest = re.sub(r'"(?:[^"\\]|\\.)*"', ' ', rest)
        rest = re.sub(r'\.\w+\s*=', ' ', rest)
        bad = re.search(r'[^\s{},0-9A-Z_]', rest)
        if bad or re.search(r'\b[0-9A-Z_]*[a-z]', rest):
            problems.append('%s:%d: descriptor %s is initialised from something other than constants: %s' %
                            (name, line(m.start()), m.group(1), ' '.join(rest.split())[:60]))


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


# Where SQL text goes: function name -> index of its SQL argument. Helpers
# that pass a parameter on to one of these are added by sql_sinks().
# csvc__cursor_page keeps its SQL argument in the cursor (c->next_sql) to
# prepare later: its callers are checked as if it prepared it, and the
# field it fills counts as safe where it is read.
# The PostgreSQL driver keeps the text its prepare was given (s->text, set
# only there from the prepare's own argument, which the seeds below check
# at every caller) to prepare it again on a new connection: that field
# counts as safe where it is read, in the same way. So does the BEGIN it
# keeps to send with a transaction's first statement (p->pending_begin,
# copied only from the s->text of a statement whose text is a BEGIN).
# The database layer's entry points (lib/db/db.h) are seeds too: its
# drivers are reached through a table of function pointers, which the
# call-following cannot see through.
SEED_SINKS = {'sqlite3_exec': 1, 'sqlite3_prepare': 1, 'sqlite3_prepare_v2': 1, 'sqlite3_prepare_v3': 1,
              'sqlite3_prepare16': 1, 'sqlite3_prepare16_v2': 1, 'sqlite3_prepare16_v3': 1,
              'PQexec': 1, 'PQsendQuery': 1, 'PQexecParams': 1, 'PQprepare': 2, 'PQsendQueryParams': 1,
              'PQsendPrepare': 2,
              'csvc__db_stmt': 1, 'csvc__db_prepare': 1, 'csvc__db_prepare_named': 1, 'csvc__db_exec': 1,
              'csvc__db_exec_sql': 1, 'csvc__cursor_page': 4}
LITERAL = r'(?:"(?:[^"\\]|\\.)*"\s*)+'
SAFE_ATOM = re.compile(r'(?:' + LITERAL + r'|&?SQL_[A-Z0-9_]+(?:\[\w+\](?:\.sql)?)?|&?MIGRATIONS\[\w+\]|NULL|'
                       r'csvc__db_text\s*\(\s*[\w>.-]+\s*,\s*&SQL_[A-Z0-9_]+\s*\)|'
                       r'\(\s*char\s*\*\s*\)\s*NULL|\{\s*0?\s*\}|[\w>.-]*\b\w+_sql\s*\(.*\)|state->insert_sql\[\w+\]|c->next_sql|s->text|p->pending_begin)', re.S)
FUNC = re.compile(r'^(?:static\s+|inline\s+)*[A-Za-z_][\w \t*]*?\b(\w+)\s*\(([^;{}]*?)\)\s*\n\{(.*?)\n\}',
                  re.M | re.S)
CONV = re.compile(r'%[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?(?:hh|h|ll|l|z|j|t|L)?([diouxXeEfgGcspn%])')


def functions(text):
    """(name, parameter names, body, offset of the body) of each definition."""
    out = []
    for m in FUNC.finditer(text):
        params = []
        for p in split_top(m.group(2), ','):
            pm = re.search(r'(\w+)\s*(?:\[[^]]*\])?\s*$', p.strip())
            params.append(pm.group(1) if pm and p.strip() != 'void' else '')
        descriptors = set(re.findall(r'\bconst\s+(?:struct\s+)?csvc__defs_kind\s*\*\s*(\w+)', m.group(2)))
        out.append((m.group(1), params, m.group(3), m.start(3), descriptors))
    return out


def split_top(expr, seps):
    """expr split at the characters of seps outside strings and brackets."""
    parts, cur, depth, in_str, i = [], '', 0, False, 0
    while i < len(expr):
        ch = expr[i]
        if in_str:
            cur += ch
            if ch == '\\' and i + 1 < len(expr):
                cur += expr[i + 1]
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
            cur += ch
        elif ch in seps and depth == 0 and not (ch == ':' and i + 1 < len(expr) and expr[i + 1] == ':'):
            parts.append(cur)
            cur = ''
        else:
            cur += ch
        i += 1
    parts.append(cur)
    return parts


def safe_expr(expr):
    """A literal, a constant, a builder's result, or a choice between them."""
    expr = ' '.join(expr.split())
    while expr.startswith('(') and expr.endswith(')') and len(split_top(expr[1:-1], '')) == 1 and \
            not re.match(r'\(\s*char', expr):
        expr = expr[1:-1].strip()
    parts = split_top(expr, '?:')
    values = parts if len(parts) == 1 else parts[1::2] + [parts[-1]]
    return all(SAFE_ATOM.fullmatch(v.strip()) for v in values)


def sql_sinks(all_funcs):
    sinks = dict(SEED_SINKS)
    changed = True
    while changed:
        changed = False
        for name, params, body, _, _ in all_funcs:
            for sink, idx in list(sinks.items()):
                for m in re.finditer(r'\b' + re.escape(sink) + r'\s*\(', body):
                    args = call_args(body, m.end())
                    if len(args) > idx and args[idx].strip() in params and name not in sinks:
                        sinks[name] = params.index(args[idx].strip())
                        changed = True
    return sinks


def writes_ok(var, body, problems, where):
    """Every write to local `var` in `body` puts only constant SQL in it."""
    found = False
    for m in re.finditer(r'\b' + re.escape(var) + r'\s*(?:\[\w*\]\s*)?=(?!=)\s*([^;]*);', body):
        found = True
        if not safe_expr(m.group(1)):
            problems.append('%s: %s is set from a value: %s' % (where, var, ' '.join(m.group(1).split())[:60]))
    for m in re.finditer(r'\b(snprintf|sprintf|vsnprintf)\s*\(\s*' + re.escape(var) + r'\b', body):
        found = True
        args = call_args(body, body.index('(', m.start()) + 1)
        fi = 2 if m.group(1) != 'sprintf' else 1
        fmt = args[fi].strip() if len(args) > fi else ''
        if m.group(1) == 'vsnprintf' or not re.fullmatch(LITERAL, fmt):
            problems.append('%s: %s is formatted with a format that is not a literal' % (where, var))
            continue
        rest, k = args[fi + 1:], 0
        for c in CONV.finditer(''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', fmt))):
            k += (c.group(1) == '*') + (c.group(2) == '*')
            if c.group(3) == '%':
                continue
            if c.group(3) in 'sc' and (k >= len(rest) or not safe_expr(rest[k])):
                problems.append('%s: %s is formatted from a value: %s' %
                                (where, var, ' '.join(rest[k].split())[:60] if k < len(rest) else '?'))
            k += 1
    for m in re.finditer(r'\b(strcpy|strcat|strncpy|strncat|memcpy|memmove)\s*\(\s*' + re.escape(var) + r'\b', body):
        found = True
        args = call_args(body, body.index('(', m.start()) + 1)
        if len(args) < 2 or not safe_expr(args[1]):
            problems.append('%s: %s is copied from a value by %s' % (where, var, m.group(1)))
    for m in re.finditer(r'\bcsvc__buf_(\w+)\s*\(\s*&\s*' + re.escape(var) + r'\b', body):
        found = True
        args = call_args(body, body.index('(', m.start()) + 1)
        if m.group(1) in ('puts', 'put') and not safe_expr(args[1] if len(args) > 1 else ''):
            problems.append('%s: %s appends a value: %s' % (where, var, ' '.join(args[1].split())[:60]))
        elif m.group(1) == 'printf':
            problems.append('%s: %s is appended to with csvc__buf_printf' % (where, var))
    return found


def check_sinks(files, problems):
    all_funcs = {f: functions(strip_comments(open(f, encoding='utf-8').read())) for f in files}
    sinks = sql_sinks([fn for fl in all_funcs.values() for fn in fl])
    for path, funcs in all_funcs.items():
        text = strip_comments(open(path, encoding='utf-8').read())
        for name, params, body, off, descriptors in funcs:
            if name in SEED_SINKS:
                continue  # the sinks themselves: what they do with their SQL argument is theirs
            for sink, idx in sinks.items():
                for m in re.finditer(r'(?<![\w>.])' + re.escape(sink) + r'\s*\(', body):
                    args = call_args(body, m.end())
                    if len(args) <= idx:
                        continue
                    arg = ' '.join(args[idx].split())
                    where = '%s:%d: %s' % (os.path.basename(path), text.count('\n', 0, off + m.start()) + 1, name)
                    if safe_expr(arg):
                        continue
                    dm = re.fullmatch(r'&\s*(\w+)\s*->\s*\w+', arg)
                    if dm and dm.group(1) in descriptors:
                        continue  # rule 5: a descriptor's statement
                    if arg in params and sinks.get(name) == params.index(arg):
                        continue  # a helper's own parameter: its callers are checked
                    var = re.fullmatch(r'(\w+)(?:\.data)?', arg)
                    if var and var.group(1) not in params and writes_ok(var.group(1), body, problems, where):
                        continue
                    if var and var.group(1) not in params and re.search(r'\b' + re.escape(var.group(1)) +
                                                                       r'\s*(?:\[\w*\]\s*)?=', body) is None:
                        problems.append('%s: %s gets SQL from %s, which is never set here' % (where, sink, arg))
                    elif not var or var.group(1) in params:
                        problems.append('%s: %s gets SQL from %s' % (where, sink, arg))
    return sinks


def main():
    libdir = sys.argv[1]
    problems = []
    files = sorted(os.path.relpath(os.path.join(d, f), libdir)
                   for d, _, names in os.walk(libdir) for f in names if f.endswith('.c'))
    for f in files:
        check(os.path.join(libdir, f), problems)
    check_sinks([os.path.join(libdir, f) for f in files], problems)
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print('checked %d files: no SQL built from values' % len(files))


if __name__ == '__main__':
    main()
