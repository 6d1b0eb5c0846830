/*
 * Routing rules: the values (allocation, getters, setters and their
 * checks), the rules of saving them (revisions, the team reference,
 * change-feed entries) and the handbook's rules. Storage is reached only
 * through the csvc__route_db_* functions (route-sql.c); the choice of a
 * member is route-pick.c.
 */
#include <string.h>

#include "access/access-internal.h"
#include "csvc/customer.h"
#include "csvc/enum.h"
#include "csvc/workflow.h"
#include "feed/feed-internal.h"
#include "route/route-internal.h"
#include "store/store-internal.h"

_Static_assert(CSVC_ROUTE_MAX_CODE == CSVC_WORKFLOW_MAX_NAME, "a rule code is a machine name");
_Static_assert(CSVC_TEAM_MAX_CODE == CSVC_WORKFLOW_MAX_NAME, "a team code is a machine name");

/* ---- validation ---- */

static int check_code(const char *code)
{
	return csvc__check_machine_name(code, "routing rule code");
}

static int check_strategy(int64_t strategy)
{
	if (strategy < CSVC_ROUTE_ROUND_ROBIN || strategy > CSVC_ROUTE_BEST_SKILL)
		return csvc__error(CSVC_EINVAL, "unknown routing strategy %lld", (long long)strategy);
	return CSVC_OK;
}

static int check_actor(const char *actor)
{
	int rc = csvc__check_text(actor, 1, CSVC__ACTOR_MAX, "actor");
	if (!rc && actor && !actor[0])
		rc = csvc__error(CSVC_EINVAL, "actor must not be empty (NULL: none)");
	return rc;
}

/* Replaces *field with a copy of v (NULL clears it). */
static int replace(char **field, const char *v)
{
	char *copy = NULL;
	if (v && !(copy = csvc__strcopy(v)))
		return csvc__error(CSVC_ENOMEM, "out of memory");
	csvc__free(*field);
	*field = copy;
	return CSVC_OK;
}

/* ---- values ---- */

int csvc__route_rule_alloc(csvc_route_rule **out)
{
	csvc_route_rule *r = csvc__calloc(1, sizeof(*r));
	if (!r)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	r->active = 1;
	*out = r;
	return CSVC_OK;
}

int csvc_route_rule_new(csvc_route_rule **out, const char *code, const char *team, csvc_route_strategy_t strategy)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	int rc = check_code(code);
	if (rc || (rc = csvc__check_machine_name(team, "team code")) || (rc = check_strategy(strategy)))
		return rc;
	csvc_route_rule *r = NULL;
	if ((rc = csvc__route_rule_alloc(&r)))
		return rc;
	r->strategy = strategy;
	if ((rc = replace(&r->code, code)) || (rc = replace(&r->team, team))) {
		csvc_route_rule_free(r);
		return rc;
	}
	*out = r;
	return CSVC_OK;
}

void csvc_route_rule_free(csvc_route_rule *rule)
{
	if (!rule)
		return;
	csvc__free(rule->code);
	csvc__free(rule->team);
	csvc__free(rule->kind);
	csvc__free(rule->category);
	csvc__free(rule->channel);
	csvc__free(rule->store_code);
	csvc__free(rule);
}

const char *csvc_route_rule_code(const csvc_route_rule *r) { return r ? r->code : NULL; }
const char *csvc_route_rule_team(const csvc_route_rule *r) { return r ? r->team : NULL; }
int32_t csvc_route_rule_strategy(const csvc_route_rule *r) { return r ? r->strategy : 0; }
int32_t csvc_route_rule_position(const csvc_route_rule *r) { return r ? r->position : 0; }
int csvc_route_rule_designated(const csvc_route_rule *r) { return r ? r->designated != 0 : 0; }
int csvc_route_rule_active(const csvc_route_rule *r) { return r ? r->active != 0 : 0; }
int64_t csvc_route_rule_revision(const csvc_route_rule *r) { return r ? r->revision : 0; }
const char *csvc_route_rule_kind(const csvc_route_rule *r) { return r ? r->kind : NULL; }
const char *csvc_route_rule_category(const csvc_route_rule *r) { return r ? r->category : NULL; }
const char *csvc_route_rule_channel(const csvc_route_rule *r) { return r ? r->channel : NULL; }
const char *csvc_route_rule_store(const csvc_route_rule *r) { return r ? r->store_code : NULL; }
int32_t csvc_route_rule_customer_class(const csvc_route_rule *r) { return r ? r->customer_class : 0; }

int csvc_route_rule_set_team(csvc_route_rule *rule, const char *team)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(rule, "rule");
	int rc = csvc__check_machine_name(team, "team code");
	return rc ? rc : replace(&rule->team, team);
}

int csvc_route_rule_set_strategy(csvc_route_rule *rule, csvc_route_strategy_t strategy)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(rule, "rule");
	int rc = check_strategy(strategy);
	if (!rc)
		rule->strategy = strategy;
	return rc;
}

int csvc_route_rule_set_position(csvc_route_rule *rule, int32_t position)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(rule, "rule");
	rule->position = position;
	return CSVC_OK;
}

int csvc_route_rule_set_designated(csvc_route_rule *rule, int designated)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(rule, "rule");
	rule->designated = designated != 0;
	return CSVC_OK;
}

int csvc_route_rule_set_active(csvc_route_rule *rule, int active)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(rule, "rule");
	rule->active = active != 0;
	return CSVC_OK;
}

int csvc_route_rule_set_kind(csvc_route_rule *rule, const char *kind)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(rule, "rule");
	int rc = kind ? csvc__check_machine_name(kind, "ticket kind") : CSVC_OK;
	return rc ? rc : replace(&rule->kind, kind);
}

int csvc_route_rule_set_category(csvc_route_rule *rule, const char *category)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(rule, "rule");
	int rc = csvc__check_text(category, 1, CSVC_ROUTE_MAX_CODE, "category");
	if (!rc && category && !category[0])
		rc = csvc__error(CSVC_EINVAL, "category must not be empty (NULL: any)");
	return rc ? rc : replace(&rule->category, category);
}

int csvc_route_rule_set_channel(csvc_route_rule *rule, const char *channel)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(rule, "rule");
	int rc = channel ? csvc__check_machine_name(channel, "channel") : CSVC_OK;
	return rc ? rc : replace(&rule->channel, channel);
}

int csvc_route_rule_set_store(csvc_route_rule *rule, const char *store_code)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(rule, "rule");
	int rc = store_code ? csvc__check_store_code(store_code) : CSVC_OK;
	return rc ? rc : replace(&rule->store_code, store_code);
}

int csvc_route_rule_set_customer_class(csvc_route_rule *rule, int32_t customer_class)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(rule, "rule");
	if (customer_class && !csvc_enum_name(CSVC_ENUM_CUSTOMER_CLASS, customer_class))
		return csvc__error(CSVC_EINVAL, "unknown customer class %d", (int)customer_class);
	rule->customer_class = customer_class;
	return CSVC_OK;
}

/* ---- in the store ---- */

/* A `definition` entry for a rule: reference the code, payload
 * {"kind":"route_rule","team":..,"strategy":..[,"fields":[..]]}. */
static int rule_feed(csvc_store *s, const char *type, const csvc_route_rule *r, const char *actor, csvc_time_us at,
                     const char *fields)
{
	csvc__buf p = {0};
	csvc__buf_puts(&p, "{\"kind\":\"route_rule\",\"team\":");
	csvc__buf_json_string(&p, r->team);
	csvc__buf_puts(&p, ",\"strategy\":");
	csvc__buf_json_string(&p, csvc_enum_name(CSVC_ENUM_ROUTE_STRATEGY, r->strategy));
	if (fields) {
		csvc__buf_puts(&p, ",\"fields\":");
		csvc__buf_puts(&p, fields);
	}
	csvc__buf_put(&p, "}", 2);
	int rc = p.failed ? csvc__error(CSVC_ENOMEM, "out of memory")
	                  : csvc__feed_record(s, type, "definition", NULL, r->code, actor, at, p.data);
	csvc__buf_free(&p);
	return rc;
}

static int insert_rule(csvc_store *s, const csvc_route_rule *r, const char *actor, csvc_time_us now)
{
	csvc__route_state_row taken;
	int64_t team_rowid;
	int rc = csvc__route_db_state(s, r->code, 0, &taken);
	if (rc == CSVC_OK)
		return csvc__error(CSVC_EEXISTS, "routing rule code '%s' is taken", r->code);
	if (rc != CSVC_ENOTFOUND)
		return rc;
	csvc__error_clear();
	if ((rc = csvc__route_db_team(s, r->team, &team_rowid)))
		return rc;
	if ((rc = csvc__route_db_insert(s, r, team_rowid)) == CSVC_EEXISTS)
		return csvc__error_refine(CSVC_EEXISTS, "routing rule code '%s' is taken", r->code);
	return rc ? rc : rule_feed(s, "route_rule_created", r, actor, now, NULL);
}

int csvc_route_rule_create(csvc_store *store, csvc_route_rule *rule, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(rule, "rule");
	int rc = CSVC__ACCESS(store, CSVC_PERM_DEFINITIONS_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	if (rule->revision != 0)
		return csvc__error(CSVC_EINVAL, "the routing rule is saved already: use csvc_route_rule_update");
	csvc_time_us now = csvc_store_now(store);
	csvc_route_rule saved = *rule;
	saved.revision = 1;
	saved.created_at = saved.updated_at = now;
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		rc = csvc__tx_end(store, insert_rule(store, &saved, actor, now));
	} while (csvc__tx_again(store, rc, &attempt));
	csvc__route_invalidate(store);
	if (rc)
		return rc;
	rule->revision = 1;
	rule->created_at = rule->updated_at = now;
	return CSVC_OK;
}

static int opt_differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

/* The names of the fields that differ, as a JSON array; the count. */
static int changed_fields(const csvc_route_rule *old, const csvc_route_rule *r, csvc__buf *out)
{
	const struct {
		int changed;
		const char *name;
	} f[] = {
		{opt_differs(old->team, r->team), "team"},
		{old->strategy != r->strategy, "strategy"},
		{old->position != r->position, "position"},
		{(old->designated != 0) != (r->designated != 0), "designated"},
		{opt_differs(old->kind, r->kind), "kind"},
		{opt_differs(old->category, r->category), "category"},
		{opt_differs(old->channel, r->channel), "channel"},
		{opt_differs(old->store_code, r->store_code), "store"},
		{old->customer_class != r->customer_class, "customer_class"},
		{(old->active != 0) != (r->active != 0), "active"},
	};
	int n = 0;
	csvc__buf_put(out, "[", 1);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!f[i].changed)
			continue;
		if (n++)
			csvc__buf_put(out, ",", 1);
		csvc__buf_json_string(out, f[i].name);
	}
	csvc__buf_put(out, "]", 2);
	return n;
}

int csvc_route_rule_update(csvc_store *store, csvc_route_rule *rule, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(rule, "rule");
	int rc = CSVC__ACCESS(store, CSVC_PERM_DEFINITIONS_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	if (rule->revision == 0)
		return csvc__error(CSVC_EINVAL, "the routing rule is a draft: use csvc_route_rule_create");
	csvc_time_us now = csvc_store_now(store);
	int changed = 0, attempt = 0;
	do {
		csvc_route_rule *old = NULL;
		csvc__buf fields = {0};
		csvc__route_state_row state;
		int64_t team_rowid;
		changed = 0;
		if ((rc = csvc__tx_begin(store)))
			break;
		if ((rc = csvc__route_db_state(store, rule->code, 1, &state)))
			goto end;
		if (state.revision != rule->revision) {
			rc = csvc__error(CSVC_ECONFLICT,
			                 "routing rule '%s' changed since it was read (revision %lld, stored %lld)",
			                 rule->code, (long long)rule->revision, (long long)state.revision);
			goto end;
		}
		if ((rc = csvc__route_db_load(store, rule->code, &old)))
			goto end;
		changed = changed_fields(old, rule, &fields);
		if (fields.failed)
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
		if (rc || !changed)
			goto end; /* nothing changed: no new revision, no entry */
		if ((rc = csvc__route_db_team(store, rule->team, &team_rowid)))
			goto end;
		csvc_route_rule saved = *rule;
		saved.revision = rule->revision + 1;
		saved.updated_at = now;
		if (!(rc = csvc__route_db_update(store, state.rowid, &saved, team_rowid)))
			rc = rule_feed(store, "route_rule_updated", &saved, actor, now, fields.data);
	end:
		csvc_route_rule_free(old);
		csvc__buf_free(&fields);
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	csvc__route_invalidate(store);
	if (rc == CSVC_OK && changed) {
		rule->revision++;
		rule->updated_at = now;
	}
	return rc;
}

int csvc_route_rule_get(csvc_store *store, const char *code, csvc_route_rule **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	int rc = check_code(code);
	if (rc || (rc = CSVC__ACCESS_PRINCIPAL(store)))
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	rc = csvc__route_db_load(store, code, out);
	csvc__read_end(store, began);
	return rc;
}

void csvc_route_rule_list_free(csvc_route_rule **rules, size_t count)
{
	if (!rules)
		return;
	for (size_t i = 0; i < count; i++)
		csvc_route_rule_free(rules[i]);
	csvc__free(rules);
}

int csvc_route_rule_list(csvc_store *store, csvc_route_rule ***out, size_t *count)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(count, "count");
	int rc = CSVC__ACCESS_PRINCIPAL(store);
	if (rc)
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	rc = csvc__route_db_list(store, out, count);
	csvc__read_end(store, began);
	return rc;
}

/* ---- the handbook's rules ---- */

/* docs/routing.md, in the order they are tried. */
static const struct {
	const char *code, *kind, *team;
	int32_t strategy, position;
	int designated;
} DEFAULT_RULES[] = {
	{"complaints", "complaint", "complaints", CSVC_ROUTE_LEAST_LOAD, 10, 1},
	{"inquiries", "inquiry", "consult", CSVC_ROUTE_ROUND_ROBIN, 20, 0},
};

int csvc_route_install_defaults(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	int rc = CSVC__ACCESS(store, CSVC_PERM_DEFINITIONS_MANAGE);
	if (rc)
		return rc;
	csvc_time_us now = csvc_store_now(store);
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		for (size_t i = 0; i < sizeof(DEFAULT_RULES) / sizeof(DEFAULT_RULES[0]) && !rc; i++) {
			csvc__route_state_row state;
			if ((rc = csvc__route_db_state(store, DEFAULT_RULES[i].code, 0, &state)) != CSVC_ENOTFOUND)
				continue; /* there already (or a failure, which ends the loop) */
			csvc__error_clear();
			csvc_route_rule r = {
				.code = (char *)DEFAULT_RULES[i].code,
				.team = (char *)DEFAULT_RULES[i].team,
				.kind = (char *)DEFAULT_RULES[i].kind,
				.strategy = DEFAULT_RULES[i].strategy,
				.position = DEFAULT_RULES[i].position,
				.designated = DEFAULT_RULES[i].designated,
				.active = 1,
				.revision = 1,
				.created_at = now,
				.updated_at = now,
			};
			rc = insert_rule(store, &r, NULL, now);
		}
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	csvc__route_invalidate(store);
	return rc;
}
