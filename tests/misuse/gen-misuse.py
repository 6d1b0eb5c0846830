#!/usr/bin/env python3
"""Generates tests/misuse: a cmocka test that calls every exported function
with bad arguments, read from the public headers so that a new function is
covered the day it is declared.

For every declaration `CSVC_EXTERN(type) name(params);`:
  1. NULL for every pointer (a valid store for `csvc_store *`), 0 for every
     number. A function returning `int` must fail with a negative code and a
     message, unless it is a predicate or a call that is valid with those
     arguments (the lists below). Functions returning pointers give NULL,
     numbers give 0, and void functions must not crash.
  2. For functions whose arguments can all be made valid (a store, fresh
     records, out-pointers, strings), each string argument in turn is given
     invalid UTF-8 (expect CSVC_EINVAL) and then 1 MiB of text (expect
     CSVC_ERANGE, docs/conventions.md "Limits and text", or the code the
     function's header documents, HUGE_CODE), the other strings a plain "x".
The codes are asserted exactly: CSVC_EINVAL for NULL arguments unless the
header documents another code for that call (NULL_CODE).
Every call that gets the store must leave it unchanged (content dump and
transaction depth).

usage: gen-misuse.py OUTPUT.c HEADER...
"""
import re
import sys

# Return `int` but are predicates or counters, not fallible calls.
VALUE_INT = {
    'csvc_uuid_is_nil', 'csvc_uuid_equal', 'csvc_customer_has_tag', 'csvc_ticket_priority_overridden',
    'csvc_ticket_equal', 'csvc_store_tx_depth', 'csvc_version_number', 'csvc_survey_anonymous',
    'csvc_report_low_sample', 'csvc_staff_active', 'csvc_team_active', 'csvc_customer_masked',
    'csvc_role_active', 'csvc_role_allows', 'csvc_store_access_control',
    'csvc_route_rule_active', 'csvc_route_rule_designated', 'csvc_queue_active',
    'csvc_feed_wait',  # 1 (entries after the position) or 0 (timeout); NULL `head` is allowed
    'csvc_staff_is_system_actor',
    'csvc_staff_references',  # 1 or 0 (or a negative code): the store's setting
}
# Valid with NULL/0 arguments (and must still change nothing).
MAY_SUCCEED = {
    'csvc_store_set_change_hook',  # NULL removes the hook
    'csvc_sla_advance',            # nothing is due at time 0
    'csvc_store_install_defaults', # installed already: changes nothing
    'csvc_sla_install_defaults',
    'csvc_survey_install_defaults',
    'csvc_team_install_defaults',
    'csvc_role_install_defaults',
    'csvc_route_install_defaults',
    'csvc_queue_install_defaults',
    'csvc_store_set_principal',    # NULL clears the principal
    'csvc_store_checkpoint',       # nothing to checkpoint: changes nothing
    'csvc_customer_scrub',         # nothing pending: changes nothing
    'csvc_feed_deliver',           # no subscriber: delivers nothing
    'csvc_staff_set_references',   # off already: changes nothing
}
# The documented code for the NULL/0 call where it is not CSVC_EINVAL.
NULL_CODE = {
    'csvc_store_commit': 'CSVC_ESTATE',    # store.h: commit without a matching begin
    'csvc_store_rollback': 'CSVC_ESTATE',  # store.h: rollback without a matching begin
    'csvc_calendar_clear_default_zone': 'CSVC_ENOTFOUND',  # calendar.h: none set
    'csvc_set_allocator': 'CSVC_ESTATE',   # alloc.h: NULL restores the default, refused while objects live
}
# The documented code for 1 MiB of text in argument k of a function, where it
# is not CSVC_ERANGE ("a value that is too long gives CSVC_ERANGE",
# docs/conventions.md).
HUGE_CODE = {
    ('csvc_uuid_from_string', 0): 'CSVC_EINVAL', # common.h: malformed text (a UUID has a fixed length)
}
# Arguments the string pass must give a particular record or number, so that
# the call reaches the check of the string instead of failing earlier for
# another documented reason: updates need a stored record (a draft is
# CSVC_EINVAL), and a calendar name goes with CSVC_SLA_CALENDAR_NAMED only.
ARG_OVERRIDE = {
    ('csvc_customer_update', 1): 'stored_customer(s)',
    ('csvc_ticket_update', 1): 'stored_ticket(s)',
    ('csvc_staff_update', 1): 'stored_staff(s)',
    ('csvc_team_update', 1): 'stored_team(s)',
    ('csvc_role_update', 1): 'stored_role(s)',
    ('csvc_queue_update', 1): 'stored_queue(s)',
    ('csvc_sla_policy_add_target', 3): 'CSVC_SLA_CALENDAR_NAMED',
}
# Never called blindly: they open or end transactions (tested elsewhere).
SKIP = {'csvc_store_begin', 'csvc_store_close'}
# Pointer results that are never NULL.
NON_NULL = {'csvc_strerror', 'csvc_error_last', 'csvc_version'}

# Objects the string-argument pass can build.
FACTORIES = {
    'csvc_customer *': 'fresh_customer()',
    'csvc_ticket *': 'fresh_ticket()',
    'csvc_workflow *': 'fresh_workflow()',
    'csvc_sla_policy *': 'fresh_policy()',
    'csvc_staff *': 'fresh_staff()',
    'csvc_team *': 'fresh_team()',
    'const csvc_staff *': 'fresh_staff()',
    'const csvc_team *': 'fresh_team()',
    'csvc_role *': 'fresh_role()',
    'const csvc_role *': 'fresh_role()',
    'csvc_queue *': 'fresh_queue()',
    'const csvc_queue *': 'fresh_queue()',
    'const csvc_customer *': 'fresh_customer()',
    'const csvc_ticket *': 'fresh_ticket()',
    'const csvc_workflow *': 'fresh_workflow()',
    'const csvc_sla_policy *': 'fresh_policy()',
}
FREE = {
    'fresh_customer()': 'csvc_customer_free((csvc_customer *)%s)',
    'fresh_ticket()': 'csvc_ticket_free((csvc_ticket *)%s)',
    'fresh_workflow()': 'csvc_workflow_free((csvc_workflow *)%s)',
    'fresh_policy()': 'csvc_sla_policy_free((csvc_sla_policy *)%s)',
    'stored_customer(s)': 'csvc_customer_free((csvc_customer *)%s)',
    'stored_ticket(s)': 'csvc_ticket_free((csvc_ticket *)%s)',
    'fresh_staff()': 'csvc_staff_free((csvc_staff *)%s)',
    'fresh_team()': 'csvc_team_free((csvc_team *)%s)',
    'stored_staff(s)': 'csvc_staff_free((csvc_staff *)%s)',
    'stored_team(s)': 'csvc_team_free((csvc_team *)%s)',
    'fresh_role()': 'csvc_role_free((csvc_role *)%s)',
    'stored_role(s)': 'csvc_role_free((csvc_role *)%s)',
    'fresh_queue()': 'csvc_queue_free((csvc_queue *)%s)',
    'stored_queue(s)': 'csvc_queue_free((csvc_queue *)%s)',
}
SCALAR_OUT = {'int *', 'int32_t *', 'int64_t *', 'size_t *', 'csvc_time_us *', 'csvc_uuid *',
              'const char **', 'char **'}
NUMBER = {'int', 'unsigned int', 'int32_t', 'int64_t', 'uint32_t', 'size_t', 'csvc_time_us', 'double'}


def parse(paths):
    decls = []
    for path in paths:
        text = open(path, encoding='utf-8').read()
        text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
        text = '\n'.join(l for l in text.split('\n') if not l.lstrip().startswith('#'))
        for m in re.finditer(r'CSVC_EXTERN\(([^)]*)\)\s*(\**)\s*([a-z_][a-z0-9_]*)\s*\(([^;]*?)\)\s*;', text, re.S):
            ret = (m.group(1).strip() + ' ' + m.group(2)).strip()
            name = m.group(3)
            params = []
            raw = ' '.join(m.group(4).split())
            if raw and raw != 'void':
                for p in raw.split(','):
                    p = p.strip()
                    pm = re.match(r'(.*?)([a-z_][a-z0-9_]*)$', p)
                    ptype = re.sub(r'\s+\*', ' *', pm.group(1).strip()).replace('* *', '**').replace('* *', '**')
                    params.append(ptype)
            decls.append((ret, name, params))
    return decls


def is_number(t):
    """A number, or an enum passed by value (csvc_<thing>_t)."""
    return t in NUMBER or re.fullmatch(r'csvc_[a-z0-9_]+_t', t) is not None


def null_arg(t):
    if t == 'csvc_store *':
        return 's'
    if is_number(t):
        return '0'
    return 'NULL'


def emit(decls, out):
    w = out.write
    w('/* Generated by tests/misuse/gen-misuse.py from the public headers: do not edit. */\n')
    w('#include "misuse-support.h"\n\n')
    names = []
    for ret, name, params in decls:
        if name in SKIP:
            continue
        names.append(name)
        w('static void misuse_%s(void **state)\n{\n\t(void)state;\n' % name)
        w('\tcsvc_store *s = misuse_store();\n\tchar *before = misuse_dump(s);\n')
        call = '%s(%s)' % (name, ', '.join(null_arg(t) for t in params))
        if ret == 'void':
            w('\t%s;\n' % call)
        elif ret == 'int' and name not in VALUE_INT:
            w('\tint rc = %s;\n' % call)
            if name in MAY_SUCCEED:
                w('\tassert_true(rc <= 0);\n')
            else:
                w('\tif (rc >= 0)\n\t\tprint_error("%s accepted NULL arguments\\n");\n' % name)
                w('\tmisuse_expect_code(rc, %s, "%s", -1);\n' % (NULL_CODE.get(name, 'CSVC_EINVAL'), name))
                w('\tassert_int_equal(csvc_error_last()->code, rc);\n')
                w('\tassert_true(csvc_error_last()->message[0] != \'\\0\');\n')
        elif ret.endswith('*'):
            if name in NON_NULL:
                w('\tassert_non_null(%s);\n' % call)
            else:
                w('\tassert_null(%s);\n' % call)
        else:
            w('\t(void)%s;\n' % call)
        w('\tmisuse_assert_unchanged(s, before);\n')
        # String pass.
        strings = [i for i, t in enumerate(params) if t == 'const char *']
        buildable = all(t in FACTORIES or t in SCALAR_OUT or t == 'csvc_store *' or t == 'const char *'
                        or is_number(t) or (t.endswith('**') and t not in SCALAR_OUT)
                        for t in params)
        if ret == 'int' and name not in VALUE_INT and strings and buildable:
            for k in strings:
                for bad, expect in (('misuse_bad_utf8', 'CSVC_EINVAL'),
                                    ('misuse_huge', HUGE_CODE.get((name, k), 'CSVC_ERANGE'))):
                    w('\t{\n')
                    args, frees = [], []
                    for i, t in enumerate(params):
                        v = 'a%d' % i
                        if t == 'csvc_store *':
                            args.append('s')
                        elif t in FACTORIES:
                            make = ARG_OVERRIDE.get((name, i), FACTORIES[t])
                            w('\t\t%s %s = %s;\n' % (t, v, make))
                            args.append(v)
                            frees.append(FREE[make] % v)
                        elif (name, i) in ARG_OVERRIDE:
                            args.append(ARG_OVERRIDE[(name, i)])
                        elif t == 'const char *':
                            args.append(bad if i == k else '"x"')
                        elif t == 'size_t':
                            args.append('0')  # an index: the first element
                        elif is_number(t):
                            args.append('1')
                        elif t == 'const char **' or t == 'char **':
                            w('\t\t%s %s = NULL;\n' % (t[:-1].strip(), v))
                            args.append('&' + v)
                        elif t in SCALAR_OUT:
                            w('\t\t%s %s;\n\t\tmemset(&%s, 0, sizeof(%s));\n' % (t[:-1].strip(), v, v, v))
                            args.append('&' + v)
                        else:  # T **out
                            w('\t\t%s %s = NULL;\n' % (t[:-1].strip(), v))
                            args.append('&' + v)
                    w('\t\tint rc = %s(%s);\n' % (name, ', '.join(args)))
                    w('\t\tmisuse_expect_code(rc, %s, "%s", %d);\n' % (expect, name, k))
                    for f in frees:
                        w('\t\t%s;\n' % f)
                    w('\t}\n')
            w('\tmisuse_assert_unchanged(s, before);\n')
        w('\tfree(before);\n\tmisuse_store_close(s);\n}\n\n')
    w('int main(void)\n{\n\tconst struct CMUnitTest tests[] = {\n')
    for n in names:
        w('\t\tcmocka_unit_test(misuse_%s),\n' % n)
    w('\t};\n\treturn cmocka_run_group_tests(tests, NULL, NULL);\n}\n')


def main():
    decls = parse(sys.argv[2:])
    if len(decls) < 50:
        sys.exit('gen-misuse: found only %d declarations' % len(decls))
    with open(sys.argv[1], 'w', encoding='utf-8') as out:
        emit(decls, out)


if __name__ == '__main__':
    main()
