#!/usr/bin/env python3
"""Tests of the sql-safety lint (check-sql.py): a copy of lib/ with one
planted file must fail when the file builds SQL from a value, and pass
when the file only uses constant SQL.

usage: test-check-sql.py LIBDIR
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

LINT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'check-sql.py')
LIBDIR = None

HEADER = '#include "store-internal.h"\n#include <stdio.h>\n#include <string.h>\n\n'

# Each builds SQL text from a caller's value and hands it to SQLite.
VIOLATIONS = {
    'snprintf-into-helper': r'''
static int prep_find(csvc_store *s, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
}

int planted_find(csvc_store *s, const char *name, sqlite3_stmt **st)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "%s'%s'", SQL_PLANTED_FIND, name);
	return prep_find(s, sql, st);
}
''',
    'strcat-through-two-helpers': r'''
static int run_text(csvc_store *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL);
}

static int run_again(csvc_store *s, const char *sql)
{
	return run_text(s, sql);
}

int planted_delete(csvc_store *s, const char *code)
{
	char sql[256];
	strcpy(sql, "DELETE FROM store_calendars WHERE store_code = '");
	strcat(sql, code);
	strcat(sql, "'");
	return run_again(s, sql);
}
''',
    'assigned-from-parameter': r'''
int planted_raw(csvc_store *s, const char *text)
{
	csvc__stmt *st;
	const char *sql = text;
	return csvc__db_prepare(s->db, sql, &st);
}
''',
    'sql-words-with-string-conversion': r'''
int planted_select(csvc_store *s, const char *name)
{
	char q[256];
	snprintf(q, sizeof(q), "SELECT id FROM customers WHERE name = '%s'", name);
	return sqlite3_exec(s->db, q, NULL, NULL, NULL);
}
''',
    'buffer-appends-value': r'''
int planted_buf(csvc_store *s, const char *name)
{
	csvc__buf b = {0};
	csvc__buf_puts(&b, "SELECT id FROM tickets WHERE subject = '");
	csvc__buf_puts(&b, name);
	int rc = sqlite3_exec(s->db, b.data, NULL, NULL, NULL);
	free(b.data);
	return rc;
}
''',
    'descriptor-text-from-variable': r'''
static char planted_text[256];

static const csvc__defs_kind PLANTED_DEFS = {
	.what = "planted",
	.latest = CSVC__SQL(planted_text),
};

int planted_latest(csvc__db *db, const csvc__defs_kind *k, csvc__stmt **st)
{
	return csvc__db_stmt(db, &k->latest, st);
}
''',
    'descriptor-writable': r'''
static csvc__defs_kind PLANTED_DEFS = {
	.what = "planted",
	.latest = CSVC__SQL("SELECT version, id FROM workflows WHERE name = $1"),
};

void planted_rewrite(const char *text)
{
	PLANTED_DEFS.latest.text[0] = text;
}
''',
    'descriptor-cast-from-buffer': r'''
int planted_cast(csvc__db *db, const void *buf, csvc__stmt **st)
{
	const csvc__defs_kind *k = (const csvc__defs_kind *)buf;
	return csvc__db_stmt(db, &k->latest, st);
}
''',
    'field-of-another-struct': r'''
struct planted_kind {
	csvc__sql latest;
};

int planted_field(csvc__db *db, const struct planted_kind *k, csvc__stmt **st)
{
	return csvc__db_stmt(db, &k->latest, st);
}
''',
}

# A versioned-definition descriptor with constant SQL: must pass.
CLEAN_DESCRIPTOR = r'''
static const csvc__defs_kind PLANTED_DEFS = {
	.what = "planted",
	.latest = CSVC__SQL("SELECT version, id FROM workflows WHERE name = $1 ORDER BY version DESC LIMIT 1"),
	.find = CSVC__SQL_DIALECTS("SELECT id FROM workflows WHERE name = $1 AND version = $2", NULL),
};

int planted_find(csvc__db *db, const csvc__defs_kind *k, csvc__stmt **st)
{
	return csvc__db_stmt(db, &k->find, st);
}

int planted_use(csvc__db *db, csvc__stmt **st)
{
	return planted_find(db, &PLANTED_DEFS, st);
}
'''

# Constant SQL through the same shapes: must pass.
CLEAN = r'''
static int prep_clean(csvc_store *s, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
}

int planted_clean(csvc_store *s, int64_t limit, int by_name, sqlite3_stmt **st)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "%s LIMIT %lld", by_name ? SQL_PLANTED_FIND : SQL_PLANTED_ALL,
	         (long long)limit);
	return prep_clean(s, sql, st);
}
'''

DEFINES = '#define SQL_PLANTED_FIND "SELECT id FROM customers WHERE name = "\n' \
          '#define SQL_PLANTED_ALL "SELECT id FROM customers"\n'


class TestCheckSql(unittest.TestCase):

    def run_lint(self, source):
        with tempfile.TemporaryDirectory(prefix='csvc-lint-') as d:
            shutil.copytree(LIBDIR, d, dirs_exist_ok=True,
                            ignore=lambda _, names: [n for n in names if n.endswith('.h')])
            with open(os.path.join(d, 'zz-planted.c'), 'w', encoding='utf-8') as out:
                out.write(HEADER + DEFINES + source)
            return subprocess.run([sys.executable, LINT, d], capture_output=True, text=True)

    def test_lib_passes(self):
        r = subprocess.run([sys.executable, LINT, LIBDIR], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_clean_helper_passes(self):
        r = self.run_lint(CLEAN)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_clean_descriptor_passes(self):
        r = self.run_lint(CLEAN_DESCRIPTOR)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_planted_violations_fail(self):
        for name, source in VIOLATIONS.items():
            with self.subTest(name):
                r = self.run_lint(source)
                self.assertEqual(r.returncode, 1, '%s was not caught:\n%s' % (name, r.stdout + r.stderr))
                self.assertIn('zz-planted.c', r.stdout)


if __name__ == '__main__':
    LIBDIR = sys.argv.pop(1)
    unittest.main()
