#!/bin/sh
# The Python package installed the usual way: `pip install .` (meson-python,
# pyproject.toml) into a fresh virtual environment of Debian's python3,
# imported from outside the source tree, a smoke test, then
# `pip uninstall -y csvc`, after which the package must be gone.
#
# This network has no Python package index, so the build backend comes from
# Debian (python3-mesonpy) and pip runs with --no-build-isolation in a venv
# made with --system-site-packages. Installs the Debian packages it needs
# when they are missing (as root, or with sudo). Called by .ci/run.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3

pkgs="python3 python3-dev python3-venv python3-pip python3-mesonpy meson ninja-build pkg-config gcc libsqlite3-dev uuid-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A copy of the tree without its build directories, so that pip's build
# leaves the working copy alone.
mkdir "$work/src"
tar -C "$src" --exclude='./build*' --exclude='./.git' --exclude='./.mesonpy*' --exclude='*.db' \
	--exclude=__pycache__ -cf - . | tar -C "$work/src" -xf -
[ -f "$work/src/pyproject.toml" ] || { echo "pyproject.toml missing from the copy" >&2; exit 1; }

$PY -m venv --system-site-packages "$work/venv"
"$work/venv/bin/pip" install --no-build-isolation --no-index "$work/src"

cd "$work"
env -u PYTHONPATH "$work/venv/bin/python" - <<'PYEOF'
import importlib.metadata as md
import os
import sys
import tempfile

import csvc

here = os.path.dirname(os.path.abspath(csvc.__file__))
assert here.startswith(sys.prefix), f"csvc imported from {here}, not from the venv {sys.prefix}"
dist = md.distribution("csvc")
assert dist.version == csvc.__version__ == csvc.library_version(), (dist.version, csvc.__version__)
assert dist.metadata["License"] == "MIT", dist.metadata["License"]
assert any(c.startswith("License :: OSI Approved :: MIT") for c in dist.metadata.get_all("Classifier"))

with tempfile.TemporaryDirectory() as d:
    with csvc.Store(os.path.join(d, "shop.db")) as store:
        store.install_defaults()
        c = store.create_customer(csvc.Customer(name="王芳", phones=["138-0013-8000"]), actor="smoke")
        t = csvc.Ticket("complaint", "SH01", customer=c, channel="store_counter",
                        subject="收银台排队太久", urgency=csvc.Urgency.MAJOR)
        store.create_ticket(t, actor="smoke")
        assert t.number == "SH01-000001", t.number
        store.transition_ticket(t, "analyse", actor="smoke")
        assert store.get_ticket(t.id).state == "analysing"
        now = store.now()
        import datetime as dt
        report = store.report_kpis(now - dt.timedelta(days=1), now + dt.timedelta(days=1))
        assert len(report) == 1 and report[0].key == "all", list(report)
        assert report.json()["rows"][0]["key"] == "all"
print(f"csvc {csvc.__version__} from {here}: smoke test passed")
PYEOF

"$work/venv/bin/pip" uninstall -y csvc
if env -u PYTHONPATH "$work/venv/bin/python" -c 'import csvc' 2>/dev/null; then
	echo "csvc still importable after pip uninstall" >&2
	exit 1
fi
if [ -n "$(find "$work/venv" -path '*site-packages/csvc*' -print -quit)" ]; then
	echo "files left after pip uninstall:" >&2
	find "$work/venv" -path '*site-packages/csvc*' >&2
	exit 1
fi
echo "pip install, import, smoke test and uninstall: ok"
