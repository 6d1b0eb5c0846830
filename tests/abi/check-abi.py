#!/usr/bin/env python3
"""ABI checks for libcsvc's public headers, version script and shared library.

Python 3 standard library only. Run by `meson test --suite abi`; each
subcommand is one test and exits non-zero, listing every problem it found.

All subcommands read the public headers from the --include-dir
directories (the source include/ and the build tree's include/, which holds
the generated csvc/version.h): D/csvc.h and D/csvc/*.h.

  symbols  --include-dir D... --map lib/libcsvc.map --lib libcsvc.so --nm nm
      The functions declared with CSVC_EXTERN(type) name( in the headers,
      the global symbols of the version script and the defined dynamic
      symbols of the built library (nm -D --defined-only) must be the same
      set. Version nodes (CSVC_1.0, ...) are not symbols. Every exported
      name must start with "csvc_" and none may start with "csvc__"
      (reserved for internal helpers). Where nm shows symbol versions, each
      symbol must carry the version node under which the map lists it.

  docs     --include-dir D... [--gaps doc-gaps.txt] [--print-gaps]
      Every CSVC_EXTERN function must have its own doc comment, the comment
      ending on the line above the declaration, that says (the conventions
      are in docs/conventions.md, "Doc comments"):
        since          "@since"
        description    a sentence of prose before the block tags
        params         "@param NAME" for each parameter by name, and none for
                       a name the function does not have
        return         "@return" (or "@retval") unless it returns void
        errors         for a function returning int error codes, an "Errors:"
                       paragraph naming CSVC_E* codes; a function returning
                       int that is not an error code says so in its @return
                       ("@return 1 if ...", "@return the number ...")
        ownership      an "Ownership:" paragraph when it returns a pointer or
                       has an out-parameter of pointer type (T **)
        thread-safety  a "Thread safety:" paragraph, in the comment or in the
                       header's file comment (then it covers the header)
      It prints how many functions lack each aspect. Gaps listed in --gaps
      ("function aspect..." per line) are reported but do not fail; a
      listed gap that no longer exists fails, so the list only shrinks.
      --print-gaps prints every gap in that format.

  headers  --include-dir D... --cc CC... [--cxx CXX]
      Each public header alone, and the umbrella csvc.h, must compile as
      C99 and as C++11 with -pedantic -Werror -Wall -Wextra. No public
      header may include or mention sqlite3.h / uuid/uuid.h (or use their
      types), and public structs may have no bool fields, no bit-fields and
      no enum-typed fields (int32_t with the enum named in a comment is the
      convention).
"""

import argparse
import glob
import os
import re
import subprocess
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


# ---------------------------------------------------------------------------
# A small C lexer: enough to tell comments, strings, preprocessor lines and
# code apart.
# ---------------------------------------------------------------------------

class Source:
    """A header split into comments and code.

    `comments` is a list of (start, end, text) character spans; runs of //
    comments on consecutive lines are merged into one. `code` is the text
    with comments, string/char literal contents and preprocessor directives
    replaced by spaces (newlines kept), so offsets and line numbers match
    the original.
    """

    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.text = f.read()
        self.comments = []
        self._lex()
        self.line_starts = [0]
        for i, ch in enumerate(self.text):
            if ch == "\n":
                self.line_starts.append(i + 1)
        self.lines = self.text.split("\n")

    def _lex(self):
        text = self.text
        n = len(text)
        code = list(text)
        raw_comments = []
        i = 0
        at_line_start = True
        in_directive = False

        def blank(a, b):
            for k in range(a, b):
                if code[k] != "\n":
                    code[k] = " "

        while i < n:
            ch = text[i]
            if ch == "\n":
                # A directive ends at a newline not preceded by a backslash.
                if in_directive and not (i > 0 and text[i - 1] == "\\"):
                    in_directive = False
                at_line_start = True
                i += 1
                continue
            if text.startswith("/*", i):
                end = text.find("*/", i + 2)
                end = n if end < 0 else end + 2
                raw_comments.append([i, end, "block"])
                blank(i, end)
                i = end
                continue
            if text.startswith("//", i):
                end = text.find("\n", i)
                end = n if end < 0 else end
                raw_comments.append([i, end, "line"])
                blank(i, end)
                i = end
                continue
            if ch in "\"'":
                j = i + 1
                while j < n and text[j] != ch and text[j] != "\n":
                    j += 2 if text[j] == "\\" else 1
                j = min(j + 1, n)
                blank(i + 1, j - 1)
                i = j
                at_line_start = False
                continue
            if at_line_start and ch == "#":
                in_directive = True
            if not ch.isspace():
                at_line_start = False
            if in_directive:
                code[i] = " "
            i += 1
        self.code = "".join(code)

        # Merge // comments on consecutive lines into one block.
        merged = []
        for start, end, kind in raw_comments:
            if (merged and kind == "line" and merged[-1][2] == "line"
                    and text[merged[-1][1]:start].count("\n") == 1
                    and text[merged[-1][1]:start].strip() == ""):
                merged[-1][1] = end
            else:
                merged.append([start, end, kind])
        self.comments = [(s, e, text[s:e]) for s, e, _ in merged]

    def line_of(self, offset):
        """1-based line number of a character offset."""
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def directives(self):
        """(line, text) of each preprocessor directive, continuations joined."""
        out = []
        lines = self.text.split("\n")
        i = 0
        while i < len(lines):
            if lines[i].lstrip().startswith("#"):
                start = i
                parts = [lines[i]]
                while parts[-1].endswith("\\") and i + 1 < len(lines):
                    i += 1
                    parts.append(lines[i])
                out.append((start + 1, " ".join(p.rstrip("\\") for p in parts)))
            i += 1
        return out


DECL_RE = re.compile(r"\bCSVC_EXTERN\s*\(([^;{}]*?)\)\s*(" + IDENT + r")\s*\(")


def extern_decls(src):
    """[(name, offset)] of the CSVC_EXTERN(type) name( declarations in code.

    Comments, string literals and preprocessor directives (including the
    #define of CSVC_EXTERN itself) are not code.
    """
    return [(m.group(2), m.start()) for m in DECL_RE.finditer(src.code)]


def public_headers(include_dirs):
    """D/csvc.h and D/csvc/*.h for each include directory, sorted by name."""
    headers = []
    for d in include_dirs:
        found = sorted(glob.glob(os.path.join(d, "csvc.h")))
        found += sorted(glob.glob(os.path.join(d, "csvc", "*.h")))
        if not found:
            raise SystemExit("FAIL: no public headers in %s" % d)
        headers += found
    names = [include_name(h, include_dirs) for h in headers]
    dup = sorted(set(n for n in names if names.count(n) > 1))
    if dup:
        raise SystemExit("FAIL: headers found in more than one include directory: %s"
                         % ", ".join(dup))
    return sorted(headers, key=lambda h: include_name(h, include_dirs))


def include_name(path, include_dirs):
    """The name to #include a header by, relative to its include directory."""
    path = os.path.abspath(path)
    for d in include_dirs:
        d = os.path.abspath(d)
        if path.startswith(d + os.sep):
            return os.path.relpath(path, d)
    raise SystemExit("%s is under none of the include directories" % path)


def fail(problems, title):
    print("FAIL: " + title)
    for p in problems:
        print("  " + p)
    return 1


# ---------------------------------------------------------------------------
# symbols
# ---------------------------------------------------------------------------

def parse_version_script(path):
    """Returns ({symbol: node}, [problems]) for a GNU ld version script."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"(?m)#.*$", " ", text)
    symbols = {}
    problems = []
    pos = 0
    node_re = re.compile(r"\s*(" + IDENT + r"(?:\.[0-9A-Za-z_]+)*)\s*\{(.*?)\}\s*("
                         + IDENT + r"(?:\.[0-9A-Za-z_]+)*)?\s*;", re.S)
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        m = node_re.match(text, pos)
        if not m:
            problems.append("%s: cannot parse the version script near: %r"
                            % (path, text[pos:pos + 60]))
            break
        node, body = m.group(1), m.group(2)
        pos = m.end()
        section = "global"
        for item in body.split(";"):
            item = item.strip()
            while True:
                lm = re.match(r"(global|local)\s*:\s*", item)
                if not lm:
                    break
                section = lm.group(1)
                item = item[lm.end():].strip()
            if not item:
                continue
            if section == "local":
                if item != "*":
                    problems.append("%s: node %s: unexpected local entry %r (only '*')"
                                    % (path, node, item))
                continue
            if not re.fullmatch(IDENT, item):
                problems.append("%s: node %s: %r is not a plain symbol name "
                                "(no wildcards or extern blocks in the global list)"
                                % (path, node, item))
                continue
            if item in symbols:
                problems.append("%s: %s is listed twice (nodes %s and %s)"
                                % (path, item, symbols[item], node))
                continue
            symbols[item] = node
    return symbols, problems


def exported_symbols(nm, lib):
    """({symbol: version or None}, set of version node names) from nm -D."""
    out = subprocess.run([nm, "-D", "--defined-only", lib], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    symbols = {}
    absolutes = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        kind, name = parts[-2], parts[-1]
        version = None
        if "@" in name:
            name, _, version = name.partition("@")
            version = version.lstrip("@")
        if kind == "A":
            # Version nodes appear as absolute symbols; keep them aside.
            absolutes.add(name)
            continue
        symbols[name] = version
    return symbols, absolutes


def check_names(names, where):
    problems = []
    for s in sorted(names):
        if not s.startswith("csvc_"):
            problems.append("%s: %s does not start with csvc_" % (where, s))
        elif s.startswith("csvc__"):
            problems.append("%s: %s starts with csvc__ (internal names are not exported)"
                            % (where, s))
    return problems


def cmd_symbols(args):
    problems = []

    declared = {}
    for h in public_headers(args.include_dir):
        src = Source(h)
        for name, off in extern_decls(src):
            where = "%s:%d" % (h, src.line_of(off))
            if name in declared:
                problems.append("%s: %s is declared again (first at %s)"
                                % (where, name, declared[name]))
            else:
                declared[name] = where

    mapped, map_problems = parse_version_script(args.map)
    problems += map_problems

    exported, absolutes = exported_symbols(args.nm, args.lib)
    nodes = set(mapped.values())
    for a in sorted(absolutes - nodes):
        exported[a] = None  # an absolute symbol that is not a version node

    sets = {
        "headers": set(declared),
        "map": set(mapped),
        "library": set(exported),
    }
    pairs = [("headers", "map"), ("map", "headers"), ("headers", "library"),
             ("library", "headers"), ("map", "library"), ("library", "map")]
    for a, b in pairs:
        for s in sorted(sets[a] - sets[b]):
            extra = ""
            if a == "headers":
                extra = " (declared at %s)" % declared[s]
            elif a == "map":
                extra = " (node %s)" % mapped[s]
            problems.append("%s is in the %s but not in the %s%s" % (s, a, b, extra))

    for where, names in sets.items():
        problems += check_names(names, where)

    for s, version in sorted(exported.items()):
        if version and s in mapped and version != mapped[s]:
            problems.append("library: %s has version %s, the map lists it under %s"
                            % (s, version, mapped[s]))

    print("headers: %d functions, map: %d symbols in %d node(s), library: %d exports"
          % (len(sets["headers"]), len(sets["map"]), len(nodes), len(sets["library"])))
    if problems:
        return fail(problems, "headers, map and exports disagree")
    print("OK: headers, map and exports agree")
    return 0


# ---------------------------------------------------------------------------
# docs
# ---------------------------------------------------------------------------

# What each public function's doc comment must say. The conventions are in
# docs/conventions.md ("Doc comments"); the names here are the aspects the
# test counts and the gap list (--gaps) names.
ASPECTS = ("comment", "since", "description", "params", "return", "errors",
           "ownership", "thread-safety")

TAG_RE = re.compile(r"@(\w+)")
PARAM_TAG_RE = re.compile(r"@param(?:\[(?:in|out|in,out)\])?\s+(" + IDENT + r")")
ERROR_CODE_RE = re.compile(r"\bCSVC_(?:E[A-Z]+|ERROR|ITEROVER)\b")
# A predicate or a counter returns int that is not an error code; its
# @return says so ("@return 1 if ...", "@return the number ...").
NOT_ERROR_RE = re.compile(r"@return\s+(?:1\b|the number|the count)")
OWNERSHIP_RE = re.compile(r"\bOwnership:")
THREAD_RE = re.compile(r"\bThread safety:")


def comment_body(text):
    """The text of a comment without its /* */, // and leading-asterisk dress."""
    if text.startswith("/*"):
        text = text[2:]
        if text.endswith("*/"):
            text = text[:-2]
        text = text.lstrip("*!<")
        lines = [re.sub(r"^\s*\*(?!/)\s?", "", l) for l in text.split("\n")]
    else:
        lines = [re.sub(r"^\s*//[/!<]?\s?", "", l) for l in text.split("\n")]
    return "\n".join(lines).strip()


def description_of(body):
    """The prose of a doc comment before its first block tag (@param, @return...),
    with inline @since removed."""
    prose = re.split(r"(?m)^\s*@(?:param|return|retval|since|note|see)\b", body)[0]
    prose = re.sub(r"@since\s+\S+", "", prose)
    return prose.strip()


def decl_params(src, offset):
    """(return type, [parameter names]) of the CSVC_EXTERN declaration at offset."""
    m = DECL_RE.match(src.code, offset)
    rtype = " ".join(m.group(1).split())
    depth = 0
    start = m.end()
    i = start
    while i < len(src.code):
        ch = src.code[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                break
            depth -= 1
        i += 1
    inner = src.code[start:i]
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    names = []
    for p in parts:
        p = " ".join(p.split())
        if not p or p == "void":
            continue
        fp = re.search(r"\(\s*\*\s*(" + IDENT + r")\s*\)", p)
        if fp:
            names.append(fp.group(1))
            continue
        ids = re.findall(IDENT, re.sub(r"\[.*?\]", "", p))
        names.append(ids[-1] if ids else p)
    return rtype, names, " ".join(parts)


def header_comment(src):
    """The body of the header's first comment (the file comment), or ""."""
    if src.comments and src.text[:src.comments[0][0]].strip() == "":
        return comment_body(src.comments[0][2])
    return ""


def own_doc_comment(src, offset):
    """The doc comment directly above the declaration at `offset`: the
    nearest comment, ending on the line before it (nothing but blank
    space in between), or None."""
    preceding = [c for c in src.comments if c[1] <= offset]
    if not preceding:
        return None
    start, end, text = preceding[-1]
    if src.text[end:offset].strip():
        return None
    if src.text[end:offset].count("\n") > 1:
        return None
    return text


def doc_gaps(src, offset, file_doc):
    """The aspects (ASPECTS) the declaration at `offset` lacks, with a
    detail for each: [(aspect, detail)]."""
    text = own_doc_comment(src, offset)
    if text is None:
        return [("comment", "no doc comment directly above it")]
    body = comment_body(text)
    gaps = []
    if "@since" not in body:
        gaps.append(("since", "no @since"))
    if len(re.findall(r"[^\W\d_]+", description_of(body))) < 3:
        gaps.append(("description", "no description (at least a sentence before the tags)"))
    rtype, params, _ = decl_params(src, offset)
    documented = set(PARAM_TAG_RE.findall(body))
    missing = [p for p in params if p not in documented]
    if missing:
        gaps.append(("params", "no @param for " + ", ".join(missing)))
    extra = sorted(documented - set(params))
    if extra:
        gaps.append(("params", "@param for a parameter it does not have: " + ", ".join(extra)))
    if rtype != "void" and not re.search(r"@return|@retval", body):
        gaps.append(("return", "no @return"))
    if rtype == "int" and not NOT_ERROR_RE.search(body):
        errors = re.search(r"(?m)^\s*Errors(?: \([^)]*\))?:(.*?)(?:\n\s*\n|\n\s*@|\Z)", body, re.S)
        if not errors or not ERROR_CODE_RE.search(errors.group(1)):
            gaps.append(("errors", "no \"Errors:\" paragraph naming its CSVC_E* codes"))
    allocates = any("**" in p for p in decl_params(src, offset)[2].split(","))
    if ("*" in rtype or allocates) and not OWNERSHIP_RE.search(body):
        gaps.append(("ownership", "returns a pointer or allocates an output, and has no "
                                  "\"Ownership:\" paragraph"))
    if not THREAD_RE.search(body) and not THREAD_RE.search(file_doc):
        gaps.append(("thread-safety", "no \"Thread safety:\" paragraph, and none in the "
                                      "header's file comment"))
    return gaps


def read_gap_list(path):
    """{(function, aspect)} from the gap list: lines "function aspect...",
    # comments and blank lines ignored."""
    known = set()
    if not path:
        return known
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            for aspect in line[1:]:
                if aspect not in ASPECTS:
                    raise SystemExit("%s: unknown aspect %r for %s" % (path, aspect, line[0]))
                known.add((line[0], aspect))
    return known


def cmd_docs(args):
    problems = []
    tolerated = []
    found = set()
    known = read_gap_list(args.gaps)
    count = 0
    lacking = {a: 0 for a in ASPECTS}
    applies = {a: 0 for a in ASPECTS}
    per_header = []
    for h in public_headers(args.include_dir):
        src = Source(h)
        file_doc = header_comment(src)
        decls = extern_decls(src)
        bad_here = 0
        for name, off in decls:
            count += 1
            rtype, params, _ = decl_params(src, off)
            applies["comment"] += 1
            applies["since"] += 1
            applies["description"] += 1
            applies["thread-safety"] += 1
            applies["params"] += 1 if params else 0
            applies["return"] += 1 if rtype != "void" else 0
            gaps = doc_gaps(src, off, file_doc)
            if gaps and gaps[0][0] == "comment":
                # No comment: every aspect that applies is missing.
                text_gaps = ["comment", "since", "description", "thread-safety"]
                if params:
                    text_gaps.append("params")
                if rtype != "void":
                    text_gaps.append("return")
                gaps = [(a, gaps[0][1]) for a in text_gaps]
            seen = set()
            for aspect, detail in gaps:
                if aspect in seen:
                    continue
                seen.add(aspect)
                lacking[aspect] += 1
                found.add((name, aspect))
                line = "%s:%d: %s: %s" % (h, src.line_of(off), name, detail)
                if (name, aspect) in known:
                    tolerated.append(line)
                else:
                    problems.append(line)
            if gaps:
                bad_here += 1
        per_header.append((include_name(h, args.include_dir), len(decls), bad_here))
    # errors and ownership apply by return type and comment; count them.
    for h in public_headers(args.include_dir):
        src = Source(h)
        for name, off in extern_decls(src):
            rtype, params, raw = decl_params(src, off)
            text = own_doc_comment(src, off) or ""
            if rtype == "int" and not NOT_ERROR_RE.search(comment_body(text)):
                applies["errors"] += 1
            if "*" in rtype or any("**" in p for p in raw.split(",")):
                applies["ownership"] += 1
    stale = sorted("%s %s" % g for g in known - found)
    if args.print_gaps:
        byname = {}
        for name, aspect in found:
            byname.setdefault(name, []).append(aspect)
        for name in sorted(byname):
            print(name, " ".join(a for a in ASPECTS if a in byname[name]))
        return 0

    print("%d public functions in %d headers" % (count, len(per_header)))
    for aspect in ASPECTS:
        print("  %-14s %3d of %3d lack it" % (aspect, lacking[aspect], applies[aspect]))
    print("per header (functions with any gap / functions):")
    for name, n, bad in per_header:
        print("  %-20s %3d / %3d" % (name, bad, n))
    if tolerated:
        print("%d gaps in %d functions are in the gap list %s (still to document)"
              % (len(tolerated), len(set(n for n, _ in found)), os.path.basename(args.gaps)))
    if stale:
        problems += ["%s is in the gap list but is documented now: remove it from %s"
                     % (s, args.gaps) for s in stale]
    if problems:
        return fail(problems, "doc comments incomplete (docs/conventions.md, \"Doc comments\")")
    full = count - len(set(n for n, _ in found))
    print("OK: %d of %d functions fully documented%s" % (
        full, count, "; the rest are in the gap list" if found else ""))
    return 0


# ---------------------------------------------------------------------------
# headers
# ---------------------------------------------------------------------------

FORBIDDEN_INCLUDE_RE = re.compile(r"#\s*include\s*[<\"]\s*(sqlite3\.h|sqlite3ext\.h|uuid/uuid\.h)")
FORBIDDEN_CODE_RE = re.compile(r"\b(sqlite3\w*|uuid_t)\b")
STRUCT_RE = re.compile(r"\b(struct|union)\s*(" + IDENT + r")?\s*\{")
ENUM_TYPEDEF_RE = re.compile(r"\btypedef\s+enum\s*(" + IDENT + r")?\s*\{[^}]*\}\s*(" + IDENT + r")")


def compile_header(compiler, flags, include_dirs, name):
    tu = "#include <%s>\n" % name
    cmd = list(compiler) + flags + ["-I" + d for d in include_dirs] + ["-fsyntax-only", "-"]
    proc = subprocess.run(cmd, input=tu, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)
    return proc.returncode, proc.stdout, cmd


def matching_brace(code, open_pos):
    depth = 0
    for i in range(open_pos, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(code) - 1


def struct_field_problems(src, enum_names):
    problems = []
    code = src.code
    for m in STRUCT_RE.finditer(code):
        # Every struct/union body, nested ones included, is one match.
        body_start = m.end()
        body_end = matching_brace(code, m.end() - 1)
        body = code[body_start:body_end]
        label = "%s %s" % (m.group(1), m.group(2) or "(anonymous)")
        # Split into member declarations at ';' on this body's own level;
        # a nested body is replaced by a space (its members are checked
        # through its own match), leaving e.g. "struct nested".
        depth = 0
        decl_start = 0
        for i, ch in enumerate(body + ";"):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == ";" and depth == 0:
                decl = body[decl_start:i]
                decl_off = body_start + decl_start
                decl_start = i + 1
                flat = re.sub(r"\{.*\}", " ", decl, flags=re.S)
                flat = " ".join(flat.split())
                if not flat:
                    continue
                line = src.line_of(decl_off + len(decl) - len(decl.lstrip()))
                where = "%s:%d: %s" % (src.path, line, label)
                if re.search(r"\b(bool|_Bool)\b", flat):
                    problems.append("%s: bool field: %s" % (where, flat))
                if re.search(r":\s*[A-Za-z0-9_()+\-* ]+$", flat):
                    problems.append("%s: bit-field: %s" % (where, flat))
                enum_types = [t for t in re.findall(IDENT, flat)
                              if t in enum_names or re.fullmatch(r"csvc_\w+_t", t)]
                if enum_types or re.search(r"\benum\b", flat):
                    problems.append("%s: enum-typed field%s: %s"
                                    % (where, " (%s)" % enum_types[0] if enum_types else "",
                                       flat))
    return problems


def cmd_headers(args):
    problems = []
    include_dirs = args.include_dir

    if not args.cxx:
        problems.append("no C++ compiler found (c++ or g++); the headers must be "
                        "checked as C++ too: install one (e.g. g++)")

    c_flags = ["-x", "c", "-std=c99", "-pedantic", "-Werror", "-Wall", "-Wextra"]
    cxx_flags = ["-x", "c++", "-std=c++11", "-pedantic", "-Werror", "-Wall", "-Wextra"]
    compilers = [("C99", args.cc, c_flags)]
    if args.cxx:
        compilers.append(("C++11", [args.cxx], cxx_flags))

    sources = [Source(h) for h in public_headers(include_dirs)]
    enum_names = set()
    for src in sources:
        for m in ENUM_TYPEDEF_RE.finditer(src.code):
            enum_names.add(m.group(2))
            if m.group(1):
                enum_names.add(m.group(1))

    for src in sources:
        name = include_name(src.path, include_dirs)
        for lang, compiler, flags in compilers:
            rc, output, cmd = compile_header(compiler, flags, include_dirs, name)
            status = "ok" if rc == 0 else "FAILED"
            print("%-6s %-20s %s" % (lang, name, status))
            if rc != 0:
                problems.append("%s does not compile alone as %s:\n    $ %s\n    %s"
                                % (name, lang, " ".join(cmd),
                                   output.strip().replace("\n", "\n    ")))

        for line, directive in src.directives():
            if FORBIDDEN_INCLUDE_RE.search(directive):
                problems.append("%s:%d: public headers must not include it: %s"
                                % (src.path, line, directive.strip()))
        for m in FORBIDDEN_CODE_RE.finditer(src.code):
            problems.append("%s:%d: public headers must not use SQLite or libuuid types: %s"
                            % (src.path, src.line_of(m.start()), m.group(1)))
        problems += struct_field_problems(src, enum_names)

    if problems:
        return fail(problems, "public header problems")
    print("OK: %d headers compile alone as C99 and C++11 and follow the struct rules"
          % len(sources))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    sub.required = True

    p = sub.add_parser("symbols")
    p.add_argument("--include-dir", action="append", required=True)
    p.add_argument("--map", required=True)
    p.add_argument("--lib", required=True)
    p.add_argument("--nm", default="nm")
    p.set_defaults(func=cmd_symbols)

    p = sub.add_parser("docs")
    p.add_argument("--include-dir", action="append", required=True)
    p.add_argument("--gaps", default="",
                   help="a list of known gaps (function aspect...) that do not fail the test")
    p.add_argument("--print-gaps", action="store_true",
                   help="print every gap in the format of the gap list, and succeed")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("headers")
    p.add_argument("--include-dir", action="append", required=True)
    p.add_argument("--cc", action="append", required=True,
                   help="C compiler command (repeat for each word, e.g. ccache cc)")
    p.add_argument("--cxx", default="")
    p.set_defaults(func=cmd_headers)

    args = parser.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
