#!/usr/bin/env python3
"""Install libcsvc into a temporary prefix and build a program against it.

Python 3 standard library only. Run by `meson test --suite integration`.

  1. Configure a fresh build of the source tree in a temporary directory
     (--prefix=<tmp>/prefix -Dtests=disabled -Dexamples=disabled), build it
     and install it.
  2. Check the install: the shared library's soname (readelf -d), the
     headers (every include/csvc/*.h, the generated csvc/version.h and the
     umbrella csvc.h) and libcsvc.pc.
  3. Build consumer.c with nothing but `pkg-config --cflags --libs libcsvc`
     (PKG_CONFIG_PATH pointing at the installed libcsvc.pc), run it with
     LD_LIBRARY_PATH set to the installed libdir and check its output.
  4. Build it again against the static library with
     `pkg-config --static --libs libcsvc` (libcsvc's own archive is picked
     with -l:libcsvc.a; its private dependencies, sqlite3, libpq and uuid, must
     come from the .pc file) and run that with no LD_LIBRARY_PATH.

The temporary directory is removed afterwards unless CSVC_KEEP_TMPDIR is
set in the environment.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class Failure(Exception):
    pass


def run(cmd, env=None, cwd=None):
    """Runs cmd, returns its stdout; raises Failure with the output if it fails."""
    print("$ " + " ".join(shlex.quote(str(c)) for c in cmd), flush=True)
    proc = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)
    if proc.returncode != 0:
        raise Failure("command failed with status %d:\n%s" % (proc.returncode, proc.stdout))
    return proc.stdout


def dynamic_section(readelf, path):
    """(soname or None, [needed]) from readelf -d."""
    out = run([readelf, "-d", path])
    soname = None
    needed = []
    for line in out.splitlines():
        m = re.search(r"\((SONAME|NEEDED)\)\s+.*\[(.*)\]", line)
        if m and m.group(1) == "SONAME":
            soname = m.group(2)
        elif m:
            needed.append(m.group(2))
    return soname, needed


def check_output(out, version, what):
    lines = out.strip().splitlines()
    expected = "version %s / customer <uuid> / ok" % version
    if (len(lines) != 3 or lines[0] != "version " + version
            or not re.fullmatch("customer " + UUID_RE, lines[1]) or lines[2] != "ok"):
        raise Failure("%s printed:\n%s\nexpected: %s" % (what, out, expected))
    print("%s: %s" % (what, lines[1]))


def integration(args, tmp):
    build = os.path.join(tmp, "build")
    prefix = os.path.join(tmp, "prefix")
    env = dict(os.environ)
    env["CC"] = " ".join(shlex.quote(w) for w in args.cc)

    # 1. Configure, build and install.
    run([args.meson, "setup", build, args.source_root, "--prefix=" + prefix,
         "-Dtests=disabled", "-Dexamples=disabled", "--wrap-mode=nodownload"], env=env)
    run([args.meson, "compile", "-C", build], env=env)
    run([args.meson, "install", "-C", build, "--no-rebuild"], env=env)

    # 2. The installed files.
    pcs = [os.path.join(d, f) for d, _, files in os.walk(prefix) for f in files
           if f == "libcsvc.pc"]
    if len(pcs) != 1:
        raise Failure("expected one installed libcsvc.pc, found: %s" % (pcs or "none"))
    pc_dir = os.path.dirname(pcs[0])
    print("libcsvc.pc: " + os.path.relpath(pcs[0], prefix))

    pc_env = dict(env)
    pc_env["PKG_CONFIG_PATH"] = os.pathsep.join(
        [pc_dir] + ([env["PKG_CONFIG_PATH"]] if env.get("PKG_CONFIG_PATH") else []))
    pc_env.pop("PKG_CONFIG_LIBDIR", None)  # keep the system .pc files (sqlite3, uuid)

    def pkg_config(*pc_args):
        return run([args.pkg_config] + list(pc_args) + ["libcsvc"], env=pc_env).strip()

    problems = []
    pc_version = pkg_config("--modversion")
    if pc_version != args.version:
        problems.append("libcsvc.pc has version %s, the project is %s" % (pc_version, args.version))
    libdir = pkg_config("--variable=libdir")
    includedir = pkg_config("--variable=includedir")
    for name, d in (("libdir", libdir), ("includedir", includedir)):
        if not os.path.realpath(d).startswith(os.path.realpath(prefix) + os.sep):
            problems.append("libcsvc.pc: %s %s is outside the prefix %s" % (name, d, prefix))

    so = os.path.join(libdir, "libcsvc.so")
    if not os.path.exists(so):
        problems.append("%s was not installed" % so)
    else:
        soname, _ = dynamic_section(args.readelf, so)
        print("soname: %s" % soname)
        if soname != args.soname:
            problems.append("the installed library's soname is %s, expected %s"
                            % (soname, args.soname))
        if not os.path.exists(os.path.join(libdir, args.soname)):
            problems.append("%s was not installed in %s" % (args.soname, libdir))
    if not os.path.exists(os.path.join(libdir, "libcsvc.a")):
        problems.append("libcsvc.a was not installed in %s" % libdir)

    wanted = ["csvc.h", os.path.join("csvc", "version.h")]
    src_csvc = os.path.join(args.source_root, "include", "csvc")
    wanted += [os.path.join("csvc", f) for f in sorted(os.listdir(src_csvc)) if f.endswith(".h")]
    for h in wanted:
        if not os.path.isfile(os.path.join(includedir, h)):
            problems.append("header %s was not installed in %s" % (h, includedir))
    if problems:
        raise Failure("the install is incomplete:\n  " + "\n  ".join(problems))

    # 3. Build and run the consumer against the shared library.
    cflags = shlex.split(pkg_config("--cflags"))
    libs = shlex.split(pkg_config("--libs"))
    warn = ["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror"]
    exe = os.path.join(tmp, "consumer")
    run(args.cc + warn + cflags + [args.consumer, "-o", exe] + libs, env=env)
    _, needed = dynamic_section(args.readelf, exe)
    if args.soname not in needed:
        raise Failure("consumer does not link %s (NEEDED: %s)" % (args.soname, needed))
    run_env = dict(env)
    run_env["LD_LIBRARY_PATH"] = os.pathsep.join(
        [libdir] + ([env["LD_LIBRARY_PATH"]] if env.get("LD_LIBRARY_PATH") else []))
    check_output(run([exe], env=run_env), args.version, "consumer (shared)")

    # 4. Build and run it against the static library.
    static_libs = shlex.split(pkg_config("--static", "--libs"))
    if "-lcsvc" not in static_libs:
        raise Failure("pkg-config --static --libs libcsvc has no -lcsvc: %s" % static_libs)
    static_libs = ["-l:libcsvc.a" if a == "-lcsvc" else a for a in static_libs]
    static_exe = os.path.join(tmp, "consumer-static")
    run(args.cc + warn + cflags + [args.consumer, "-o", static_exe] + static_libs, env=env)
    _, needed = dynamic_section(args.readelf, static_exe)
    if any(n.startswith("libcsvc.so") for n in needed):
        raise Failure("consumer-static still links the shared library (NEEDED: %s)" % needed)
    static_env = dict(env)
    static_env.pop("LD_LIBRARY_PATH", None)
    check_output(run([static_exe], env=static_env), args.version, "consumer (static)")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source-root", required=True)
    parser.add_argument("--meson", required=True)
    parser.add_argument("--cc", action="append", required=True,
                        help="C compiler command (repeat for each word, e.g. ccache cc)")
    parser.add_argument("--pkg-config", required=True)
    parser.add_argument("--readelf", required=True)
    parser.add_argument("--consumer", required=True, help="path of consumer.c")
    parser.add_argument("--version", required=True, help="the project version")
    parser.add_argument("--soname", required=True, help="expected soname, e.g. libcsvc.so.1")
    args = parser.parse_args()
    args.source_root = os.path.abspath(args.source_root)
    args.consumer = os.path.abspath(args.consumer)

    tmp = tempfile.mkdtemp(prefix="csvc-integration-")
    try:
        integration(args, tmp)
    except Failure as e:
        print("FAIL: %s" % e, flush=True)
        return 1
    finally:
        if os.environ.get("CSVC_KEEP_TMPDIR"):
            print("kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("OK: installed libcsvc builds and runs a consumer, shared and static")
    return 0


if __name__ == "__main__":
    sys.exit(main())
