#!/usr/bin/env python3
"""The module graph of lib/ must be layered: no cycles, no edge running up.

Python 3 standard library only. Run by `meson test --suite abi` as two
tests: `layers-self-test` (the checker on synthetic trees) and `layers`
(the checker on the real tree and build).

  check-layers.py --build-dir B [--source-dir S] [--nm NM]
  check-layers.py --self-test [--cc CC]... [--nm NM]

Modules. Every .c and .h file under S/lib belongs to one module: the first
folder under lib/ when the file is in one (lib/ticket/ticket.c -> ticket),
otherwise the FLAT_FILES table below (today's flat names). The module must
be one of LAYERS. A file the checker cannot place is an error, so that a
new file forces a decision about where it belongs.

Edges. Module A uses module B (A -> B) when a file of A
  (a) has `#include "x.h"` where x.h resolves to a lib/ header of B:
      looked up beside the including file, then in lib/, then in each
      folder directly under lib/ (headers outside lib/, such as the public
      "csvc/..." ones, are not edges); or
  (b) is compiled into an object of the library whose undefined symbols
      (nm --undefined-only) include one that an object of B defines
      (nm --defined-only).
Objects are found through B/compile_commands.json (the objects meson
builds under B/lib from sources under S/lib; for both_libraries they sit
in lib/libcsvc.so.<version>.p/ and the static library reuses them, so
lib/libcsvc.a.p/ is empty), or, without it, by globbing
B/lib/**/libcsvc*.p/*.o and matching meson's object names (the source's
path below lib/ with '/' turned into '_', then ".o").

Verdict. Failure (exit 1) when
  - the module graph has a cycle: each strongly connected component is
    printed with a concrete module cycle and every file-level edge between
    its modules (file -> file : symbols, or #include "x.h");
  - an edge runs back up LAYERS: from a module to one in a higher rank.
    Modules of the same rank may use each other one way (a cycle between
    them is reported as a cycle).
On success it prints a one-line summary and the graph (module -> modules).
The graph is printed on failure too.

Exit status: 0 layered, 1 cycles or edges running back up, 99 the check
itself could not run (a file it cannot place, no objects, nm failing, an
unexpected exception). 99 is meson's hard-error code, so a test declared
`should_fail : true` still goes red when the checker breaks.

--self-test builds tiny source trees in a temporary directory (compiling
their .c files with --cc, `cc` by default, to get real objects), runs the
checker on them and checks its verdicts and report.
"""

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# The intended layers, lowest first. A module may use modules of a lower
# rank, and modules of its own rank one way; never a higher rank.
LAYERS = [
    ['util'],
    ['db'],
    ['store'],
    ['feed'],
    ['access'],
    ['customer', 'workflow', 'calendar'],
    ['staff'],
    ['route'],
    ['ticket'],
    ['sla', 'queue'],
    ['survey'],
    ['report'],
    ['privacy'],
    ['library'],
]
RANK = {m: r for r, mods in enumerate(LAYERS) for m in mods}

# Files directly in lib/, by basename, first match wins: the library's
# front door (csvc.c), and the flat layout of older trees, which the
# self-test still checks.
FLAT_FILES = [
    ('internal.h', 'util'),
    ('alloc.c', 'util'),
    ('error.c', 'util'),
    ('text.c', 'util'),
    ('uuid.c', 'util'),
    ('versioned.c', 'util'),
    ('version.c', 'util'),
    ('enum.c', 'util'),
    ('store.c', 'store'),
    ('schema.c', 'store'),
    ('cursor.c', 'store'),
    ('cursor.h', 'store'),
    ('store-internal.h', 'store'),
    ('customer*.[ch]', 'customer'),
    ('phone.c', 'customer'),
    ('workflow*.[ch]', 'workflow'),
    ('calendar*.[ch]', 'calendar'),
    ('tz*.[ch]', 'calendar'),
    ('ticket*.[ch]', 'ticket'),
    ('sla*.[ch]', 'sla'),
    ('survey*.[ch]', 'survey'),
    ('report*.[ch]', 'report'),
    ('staff*.[ch]', 'staff'),
    ('csvc.c', 'library'),
    ('score.c', 'report'),
]

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 99


class CheckError(Exception):
    """The check cannot run: reported, exit 99."""


def module_of(rel):
    """The module of lib/<rel>, or None when it cannot be placed."""
    parts = rel.split('/')
    if len(parts) > 1:
        mod = parts[0]
    else:
        mod = None
        for pattern, m in FLAT_FILES:
            if fnmatch.fnmatchcase(rel, pattern):
                mod = m
                break
    return mod if mod in RANK else None


def lib_files(lib_dir):
    """Every .c and .h under lib_dir, as '/'-separated paths below it."""
    out = []
    for root, dirs, files in os.walk(lib_dir):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(('.c', '.h')):
                out.append(os.path.relpath(os.path.join(root, f), lib_dir)
                           .replace(os.sep, '/'))
    return out


# ---------------------------------------------------------------------------
# Include edges
# ---------------------------------------------------------------------------

INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"', re.M)
COMMENT_RE = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"', re.S)


def strip_comments(text):
    # Comments go (newlines kept, so nothing merges); string literals stay.
    def repl(m):
        s = m.group(0)
        return s if s.startswith('"') else '\n' * s.count('\n') or ' '
    return COMMENT_RE.sub(repl, text)


def resolve_include(lib_dir, rel, name, files):
    """The lib/ file (relative path) that `#include "name"` in lib/<rel>
    names, or None when it is not a lib/ file."""
    fileset = set(files)
    here = os.path.dirname(rel)
    cands = [os.path.normpath(os.path.join(here, name)), os.path.normpath(name)]
    for d in sorted(os.listdir(lib_dir)):
        if os.path.isdir(os.path.join(lib_dir, d)):
            cands.append(os.path.normpath(os.path.join(d, name)))
    for c in cands:
        c = c.replace(os.sep, '/')
        if c in fileset:
            return c
    return None


def include_edges(lib_dir, files, mods):
    edges = []
    for rel in files:
        with open(os.path.join(lib_dir, rel), encoding='utf-8',
                  errors='replace') as f:
            text = strip_comments(f.read())
        for name in INCLUDE_RE.findall(text):
            dst = resolve_include(lib_dir, rel, name, files)
            if dst is not None and mods[dst] != mods[rel]:
                edges.append((rel, dst, 'include', name))
    return edges


# ---------------------------------------------------------------------------
# Link edges
# ---------------------------------------------------------------------------

def find_objects(build_dir, lib_dir, files):
    """{lib-relative source path: object path} for the library's objects."""
    lib_real = os.path.realpath(lib_dir)
    build_lib = os.path.realpath(os.path.join(build_dir, 'lib'))
    cdb = os.path.join(build_dir, 'compile_commands.json')
    found = {}
    if os.path.exists(cdb):
        with open(cdb, encoding='utf-8') as f:
            entries = json.load(f)
        for e in entries:
            d = e.get('directory', build_dir)
            src = os.path.realpath(os.path.join(d, e['file']))
            out = e.get('output')
            if not out or not src.startswith(lib_real + os.sep):
                continue
            obj = os.path.realpath(os.path.join(d, out))
            if not obj.startswith(build_lib + os.sep):
                continue
            rel = os.path.relpath(src, lib_real).replace(os.sep, '/')
            # A static library's own objects win over shared ones (same
            # source, same symbols).
            if rel not in found or '.a.p' + os.sep in obj:
                found[rel] = obj
    else:
        by_name = {rel.replace('/', '_') + '.o': rel
                   for rel in files if rel.endswith('.c')}
        for root, dirs, fs in os.walk(build_lib):
            if not (os.path.basename(root).startswith('libcsvc')
                    and root.endswith('.p')):
                continue
            for f in fs:
                if f in by_name:
                    obj = os.path.join(root, f)
                    rel = by_name[f]
                    if rel not in found or root.endswith('.a.p'):
                        found[rel] = obj
    if not found:
        raise CheckError(
            f'no object files of the library found in {build_dir} '
            '(build it first; looked in compile_commands.json and '
            'lib/**/libcsvc*.p/)')
    missing = [o for o in found.values() if not os.path.exists(o)]
    if missing:
        raise CheckError('object files not built yet: ' + ', '.join(missing))
    return found


def nm_symbols(nm, objects, mode):
    """{object: set(symbol)} from nm -P -A --defined-only/--undefined-only;
    for defined symbols only external ones (upper case, or weak/unique)."""
    out = {o: set() for o in objects}
    if not objects:
        return out
    cmd = [nm, '-P', '-A', '--' + mode] + list(objects)
    try:
        res = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise CheckError(f'cannot run {nm}: {e}')
    if res.returncode != 0:
        raise CheckError(f'{" ".join(cmd[:4])} ... failed:\n{res.stderr}')
    for line in res.stdout.splitlines():
        if ': ' not in line:
            continue
        obj, rest = line.split(': ', 1)
        fields = rest.split()
        if len(fields) < 2 or obj not in out:
            continue
        name, kind = fields[0], fields[1]
        if mode == 'defined-only' and not (
                (kind.isupper() and kind not in 'UN') or kind in 'uvw'):
            continue
        out[obj].add(name)
    return out


def symbol_edges(nm, objects, mods):
    src_of = {obj: rel for rel, obj in objects.items()}
    objs = sorted(src_of)
    defined = nm_symbols(nm, objs, 'defined-only')
    undefined = nm_symbols(nm, objs, 'undefined-only')
    definers = {}
    for obj, syms in defined.items():
        for s in syms:
            definers.setdefault(s, []).append(obj)
    edges = []
    for obj in objs:
        for s in sorted(undefined[obj]):
            for d in definers.get(s, ()):
                a, b = src_of[obj], src_of[d]
                if d != obj and mods[a] != mods[b]:
                    edges.append((a, b, 'symbol', s))
    return edges


# ---------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------

def sccs(nodes, succ):
    """Tarjan's strongly connected components, each a sorted list."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(succ.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp, key=order_key))
    for v in sorted(nodes, key=order_key):
        if v not in index:
            visit(v)
    return out


def order_key(mod):
    return (RANK.get(mod, len(LAYERS)), mod)


def a_cycle(comp, succ):
    """One concrete cycle through the component, starting at its first
    module (breadth-first, so it is a shortest one)."""
    start = comp[0]
    inside = set(comp)
    prev = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(succ[v] & inside, key=order_key):
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return comp + [start]


def describe(edges, lib_prefix):
    """Lines 'lib/a.c -> lib/b.c : sym1, sym2' and
    'lib/a.c -> lib/b.h : #include "b.h"', one per file pair."""
    pairs = {}
    for a, b, kind, what in edges:
        p = pairs.setdefault((a, b), ([], []))
        (p[0] if kind == 'include' else p[1]).append(what)
    lines = []
    for (a, b), (incs, syms) in sorted(pairs.items()):
        parts = [f'#include "{i}"' for i in sorted(set(incs))]
        if syms:
            parts.append(', '.join(sorted(set(syms))))
        lines.append(f'{lib_prefix}{a} -> {lib_prefix}{b} : '
                     + '; '.join(parts))
    return lines


def check(source_dir, build_dir, nm):
    lib_dir = os.path.join(source_dir, 'lib')
    if not os.path.isdir(lib_dir):
        raise CheckError(f'no lib/ in {source_dir}')
    files = lib_files(lib_dir)
    mods = {rel: module_of(rel) for rel in files}
    unplaced = [rel for rel in files if mods[rel] is None]
    if unplaced:
        raise CheckError(
            'cannot place these files in a module (put them in a folder '
            'lib/<module>/ named in LAYERS, or add their name to FLAT_FILES '
            'in tests/abi/check-layers.py):\n'
            + '\n'.join(f'  lib/{rel}' for rel in unplaced))

    objects = find_objects(build_dir, lib_dir, files)
    notes = [f'note: lib/{rel} is not compiled into the library; only its '
             'includes are checked'
             for rel in files if rel.endswith('.c') and rel not in objects]
    edges = include_edges(lib_dir, files, mods)
    n_inc = len(edges)
    edges += symbol_edges(nm, objects, mods)
    n_sym = len(edges) - n_inc

    used = sorted(set(mods.values()), key=order_key)
    succ = {m: set() for m in used}
    by_pair = {}
    for e in edges:
        a, b = mods[e[0]], mods[e[1]]
        succ[a].add(b)
        by_pair.setdefault((a, b), []).append(e)

    cycles = [c for c in sccs(used, succ) if len(c) > 1]
    cycles.sort(key=lambda c: order_key(c[0]))
    up = sorted(((a, b) for (a, b) in by_pair if RANK[a] < RANK[b]),
                key=lambda p: (order_key(p[0]), order_key(p[1])))

    lines = list(notes)
    ok = not cycles and not up
    summary = (f'check-layers: {len(used)} modules, {len(files)} files, '
               f'{len(objects)} objects, {len(by_pair)} module edges '
               f'({n_inc} include and {n_sym} symbol file edges): ')
    if ok:
        summary += 'layered, no cycles, no edge runs back up'
    else:
        summary += (f'FAIL, {len(cycles)} cycle(s), {len(up)} module '
                    'edge(s) run back up')
    lines.append(summary)

    for i, comp in enumerate(cycles, 1):
        lines.append('')
        lines.append(f'cycle {i}: {{{", ".join(comp)}}}, e.g. '
                     + ' -> '.join(a_cycle(comp, succ)))
        inside = set(comp)
        for (a, b) in sorted(by_pair, key=lambda p: (order_key(p[0]),
                                                      order_key(p[1]))):
            if a in inside and b in inside:
                lines.append(f'  {a} -> {b}:')
                lines += ['    ' + s for s in describe(by_pair[(a, b)],
                                                        'lib/')]
    if up:
        lines.append('')
        lines.append('edges that run back up the layers '
                     '(' + ' < '.join('/'.join(r) for r in LAYERS) + '):')
        for a, b in up:
            lines.append(f'  {a} (rank {RANK[a]}) -> {b} (rank {RANK[b]}):')
            lines += ['    ' + s for s in describe(by_pair[(a, b)], 'lib/')]
    if cycles and up:
        # What is left to untangle once the edges running up are gone:
        # only cycles within one rank.
        down = {m: {t for t in succ[m] if (m, t) not in up} for m in used}
        rest = [c for c in sccs(used, down) if len(c) > 1]
        lines.append('')
        if rest:
            lines.append('without the edges that run back up, cycles remain: '
                         + '; '.join('{' + ', '.join(c) + '}' for c in rest))
        else:
            lines.append('without the edges that run back up, the graph has '
                         'no cycle')

    lines.append('')
    lines.append('module graph (module -> modules it uses):')
    for m in used:
        targets = sorted(succ[m], key=order_key)
        lines.append(f'  {m} -> {", ".join(targets) if targets else "-"}')
    return (EXIT_OK if ok else EXIT_FAIL), '\n'.join(lines)


# ---------------------------------------------------------------------------
# Self-test
# ---------------------------------------------------------------------------

# Trees: {path below the tree: text}. Each .c is compiled into
# build/lib/libcsvc.so.1.p/<path with / as _>.o and listed in
# build/compile_commands.json, as meson does.
TREE_LAYERED = {
    # Folder layout, including headers by the three lookup rules.
    'lib/util/internal.h': 'int csvc__util_fn(void);\n',
    'lib/util/alloc.c': '#include "internal.h"\n'
                        'int csvc__util_fn(void) { return 1; }\n',
    'lib/store/store-internal.h': '#include "../util/internal.h"\n'
                                  'int csvc__store_fn(void);\n',
    'lib/store/store.c': '#include "store-internal.h"\n'
                         'int csvc__store_fn(void) { return csvc__util_fn(); }\n',
    'lib/customer/customer.c': '#include "store/store-internal.h"\n'
                               'int csvc_customer_fn(void) { return csvc__store_fn(); }\n',
    # Same rank, one way: workflow uses customer.
    'lib/workflow/workflow.c': '#include "internal.h"\n'
                               'int csvc_customer_fn(void);\n'
                               'int csvc_workflow_fn(void) { return csvc_customer_fn() + csvc__util_fn(); }\n',
    # A comment naming a header of a higher layer is not an edge.
    'lib/ticket/ticket.c': '/* #include "report-internal.h" */\n'
                           'int csvc__store_fn(void);\n'
                           'int csvc_ticket_fn(void) { return csvc__store_fn(); }\n',
    'lib/report/report-internal.h': 'int csvc__report_fn(void);\n',
    'lib/report/report.c': '#include "report-internal.h"\n'
                           'int csvc_ticket_fn(void);\n'
                           'int csvc__report_fn(void) { return csvc_ticket_fn(); }\n',
}

TREE_CYCLES = {
    # Flat layout. store <-> customer through includes only.
    'lib/internal.h': 'int csvc__util_fn(void);\n',
    'lib/alloc.c': 'int csvc__util_fn(void) { return 1; }\n',
    'lib/store-internal.h': 'struct csvc_store { int n; };\n',
    'lib/customer-internal.h': 'struct csvc_customer { int n; };\n',
    'lib/store.c': '#include "internal.h"\n#include "customer-internal.h"\n'
                   'int csvc_store_fn(void) { return csvc__util_fn(); }\n',
    'lib/customer.c': '#include "store-internal.h"\n'
                      'int csvc_customer_fn(void) { return 2; }\n',
    # ticket <-> sla through symbols only, no header involved.
    'lib/ticket.c': 'int csvc__sla_start(void);\n'
                    'int csvc__ticket_note(void) { return 3; }\n'
                    'int csvc_ticket_fn(void) { return csvc__sla_start(); }\n',
    'lib/sla.c': 'int csvc__ticket_note(void);\n'
                 'int csvc__sla_start(void) { return csvc__ticket_note(); }\n',
    # calendar <-> workflow: one rank, so no edge runs up, still a cycle.
    'lib/calendar.c': 'int csvc_workflow_fn(void);\n'
                      'int csvc_calendar_fn(void) { return csvc_workflow_fn(); }\n',
    'lib/workflow.c': 'int csvc_calendar_fn(void);\n'
                      'int csvc_workflow_fn(void) { return csvc_calendar_fn(); }\n',
}

TREE_UPWARD = {
    # No cycle, but util calls into report.
    'lib/util/alloc.c': 'int csvc__report_fn(void);\n'
                        'int csvc__util_fn(void) { return csvc__report_fn(); }\n',
    'lib/report/score.c': 'int csvc__report_fn(void) { return 4; }\n',
}

TREE_UNPLACED = {
    'lib/alloc.c': 'int csvc__util_fn(void) { return 1; }\n',
    'lib/mystery.c': 'int csvc__mystery(void) { return 5; }\n',
}


def build_tree(top, tree, cc):
    src, build = os.path.join(top, 'src'), os.path.join(top, 'build')
    objdir = os.path.join(build, 'lib', 'libcsvc.so.1.p')
    os.makedirs(objdir)
    for path, text in tree.items():
        p = os.path.join(src, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w', encoding='utf-8') as f:
            f.write(text)
    entries = []
    for path in sorted(tree):
        if not path.endswith('.c'):
            continue
        rel = path[len('lib/'):]
        out = os.path.join('lib', 'libcsvc.so.1.p',
                           rel.replace('/', '_') + '.o')
        incs = ['-I', os.path.join(src, 'lib')]
        for d in sorted(os.listdir(os.path.join(src, 'lib'))):
            if os.path.isdir(os.path.join(src, 'lib', d)):
                incs += ['-I', os.path.join(src, 'lib', d)]
        cmd = cc + incs + ['-c',
                    os.path.join(src, path), '-o', os.path.join(build, out)]
        res = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        if res.returncode != 0:
            raise CheckError(f'self-test: {" ".join(cmd)} failed:\n'
                             + res.stdout)
        entries.append({'directory': build, 'file': os.path.join(src, path),
                        'output': out, 'command': ' '.join(cmd)})
    with open(os.path.join(build, 'compile_commands.json'), 'w',
              encoding='utf-8') as f:
        json.dump(entries, f)
    return src, build


def self_test(cc, nm):
    failures = []

    def expect(what, cond):
        print(('ok   ' if cond else 'FAIL ') + what)
        if not cond:
            failures.append(what)

    for rel, mod in [('internal.h', 'util'), ('versioned.c', 'util'),
                     ('version.c', 'util'), ('cursor.h', 'store'),
                     ('store-internal.h', 'store'), ('phone.c', 'customer'),
                     ('customer-sql.c', 'customer'),
                     ('tz-internal.h', 'calendar'),
                     ('calendar-db.h', 'calendar'), ('score.c', 'report'),
                     ('report-html.c', 'report'), ('sla-policy.c', 'sla'),
                     ('db/connection.c', 'db'), ('ticket/ticket.c', 'ticket'),
                     ('store-extra.c', None), ('mystery.c', None),
                     ('nowhere/x.c', None)]:
        expect(f'lib/{rel} is placed in {mod}', module_of(rel) == mod)

    def run(tree, name):
        top = tempfile.mkdtemp(prefix='check-layers-')
        try:
            src, build = build_tree(top, tree, cc)
            res = subprocess.run(
                [sys.executable, os.path.abspath(__file__),
                 '--source-dir', src, '--build-dir', build, '--nm', nm],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        finally:
            shutil.rmtree(top, ignore_errors=True)
        print(f'--- {name}: exit {res.returncode}')
        print(res.stdout.rstrip())
        print('---')
        return res.returncode, res.stdout

    rc, out = run(TREE_LAYERED, 'layered tree')
    expect('layered tree passes', rc == EXIT_OK)
    expect('layered tree: one-line summary', 'layered, no cycles' in out)
    expect('layered tree: graph printed',
           '  workflow -> util, customer' in out
           and '  report -> ticket' in out
           and '  customer -> store' in out
           and '  store -> util' in out)
    expect('layered tree: a commented-out include is not an edge',
           'report-internal.h' not in out.split('module graph')[0]
           and '  ticket -> store\n' in out + '\n')

    rc, out = run(TREE_CYCLES, 'tree with cycles')
    expect('tree with cycles fails with exit 1', rc == EXIT_FAIL)
    expect('three cycles reported', '3 cycle(s)' in out
           and 'cycle 1: {store, customer}' in out
           and 'cycle 2: {calendar, workflow}' in out
           and 'cycle 3: {ticket, sla}' in out)
    expect('a cycle within one rank is left without the upward edges',
           'without the edges that run back up, cycles remain: '
           '{calendar, workflow}' in out)
    expect('a cycle within one rank runs nowhere up',
           'calendar (rank' not in out and 'workflow (rank' not in out)
    expect('include cycle shows its edges',
           'lib/store.c -> lib/customer-internal.h : '
           '#include "customer-internal.h"' in out
           and 'lib/customer.c -> lib/store-internal.h : '
           '#include "store-internal.h"' in out)
    expect('symbol cycle shows its edges',
           'lib/ticket.c -> lib/sla.c : csvc__sla_start' in out
           and 'lib/sla.c -> lib/ticket.c : csvc__ticket_note' in out)
    expect('util is in no cycle', '{util' not in out and 'util}' not in out)
    expect('upward edges reported',
           'store (rank 2) -> customer (rank 5)' in out
           and 'ticket (rank 8) -> sla (rank 9)' in out)

    rc, out = run(TREE_UPWARD, 'tree with an upward edge')
    expect('upward edge alone fails with exit 1', rc == EXIT_FAIL)
    expect('upward edge reported without a cycle',
           '0 cycle(s)' in out and 'util (rank 0) -> report (rank 11)' in out
           and 'lib/util/alloc.c -> lib/report/score.c : csvc__report_fn'
           in out)

    rc, out = run(TREE_UNPLACED, 'tree with an unplaced file')
    expect('unplaced file is an error (exit 99)', rc == EXIT_ERROR)
    expect('unplaced file is named', 'lib/mystery.c' in out
           and 'lib/alloc.c' not in out)

    if failures:
        print(f'self-test: {len(failures)} check(s) failed')
        return EXIT_FAIL
    print('self-test: all checks passed')
    return EXIT_OK


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build-dir')
    ap.add_argument('--source-dir',
                    default=os.path.normpath(os.path.join(
                        os.path.dirname(os.path.abspath(__file__)), '..', '..')))
    ap.add_argument('--nm', default='nm')
    ap.add_argument('--cc', action='append', default=[],
                    help='compiler command word, repeatable (self-test)')
    ap.add_argument('--self-test', action='store_true')
    args = ap.parse_args()
    try:
        if args.self_test:
            return self_test(args.cc or ['cc'], args.nm)
        if not args.build_dir:
            ap.error('--build-dir is required')
        t0 = time.monotonic()
        rc, report = check(args.source_dir, args.build_dir, args.nm)
        print(report)
        print(f'\n({time.monotonic() - t0:.2f} s)')
        return rc
    except CheckError as e:
        print(f'check-layers: error: {e}')
        return EXIT_ERROR
    except Exception:
        import traceback
        traceback.print_exc(file=sys.stdout)
        return EXIT_ERROR


if __name__ == '__main__':
    sys.exit(main())
