/*
 * SLA policies: building, validation, versioned storage, matching and the
 * handbook defaults.
 */
#include <stdlib.h>
#include <string.h>

#include "access/access-internal.h"
#include "customer/customer-internal.h"
#include "db/defs.h"
#include "sla/sla-internal.h"
#include "store/store-internal.h"
#include "workflow/workflow-internal.h"

int csvc_sla_policy_new(csvc_sla_policy **out, const char *name, int32_t rank)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	int rc = csvc__check_machine_name(name, "policy name");
	if (rc)
		return rc;
	csvc_sla_policy *p = csvc__calloc(1, sizeof(*p));
	if (!p || csvc__strdup(name, &p->name)) {
		csvc__free(p);
		return csvc__error(CSVC_ENOMEM, "out of memory");
	}
	p->rank = rank;
	*out = p;
	return CSVC_OK;
}

void csvc_sla_policy_free(csvc_sla_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_targets; i++) {
		csvc__sla_target_def *t = &p->targets[i];
		csvc__free(t->name);
		csvc__free(t->calendar_name);
		for (size_t k = 0; k < t->n_met_states; k++)
			csvc__free(t->met_states[k]);
		for (size_t k = 0; k < t->n_pause_states; k++)
			csvc__free(t->pause_states[k]);
		for (size_t k = 0; k < t->n_esc; k++) {
			csvc__free(t->esc[k].assignee);
			csvc__free(t->esc[k].team);
			csvc__free(t->esc[k].transition);
		}
	}
	csvc__free(p->name);
	csvc__free(p->kind);
	csvc__free(p->store_code);
	csvc__free(p->channel);
	csvc__free(p->category);
	csvc__free(p);
}

const char *csvc_sla_policy_name(const csvc_sla_policy *p) { return p ? p->name : NULL; }
int32_t csvc_sla_policy_version(const csvc_sla_policy *p) { return p ? p->version : 0; }

static int set_condition(csvc_sla_policy *p, char **field, const char *value, int machine, const char *what)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(p, "p");
	int rc = CSVC_OK;
	if (value)
		rc = machine ? csvc__check_machine_name(value, what) : csvc__check_text(value, 0, 64, what);
	char *copy = NULL;
	if (rc || (rc = csvc__strdup(value, &copy)))
		return rc;
	csvc__free(*field);
	*field = copy;
	p->version = 0;
	return CSVC_OK;
}

int csvc_sla_policy_match_kind(csvc_sla_policy *p, const char *kind)
{
	return set_condition(p, p ? &p->kind : NULL, kind, 1, "kind");
}

int csvc_sla_policy_match_store(csvc_sla_policy *p, const char *store_code)
{
	if (store_code && csvc__check_store_code(store_code))
		return csvc_error_last()->code;
	return set_condition(p, p ? &p->store_code : NULL, store_code, 0, "store code");
}

int csvc_sla_policy_match_channel(csvc_sla_policy *p, const char *channel)
{
	return set_condition(p, p ? &p->channel : NULL, channel, 1, "channel");
}

int csvc_sla_policy_match_category(csvc_sla_policy *p, const char *category)
{
	return set_condition(p, p ? &p->category : NULL, category, 0, "category");
}

static int set_level(csvc_sla_policy *p, int32_t *field, int32_t value, int32_t max, const char *what)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(p, "p");
	if (value < 0 || value > max)
		return csvc__error(CSVC_EINVAL, "unknown %s %d", what, (int)value);
	*field = value;
	p->version = 0;
	return CSVC_OK;
}

int csvc_sla_policy_match_priority(csvc_sla_policy *p, csvc_priority_t priority)
{
	return set_level(p, p ? &p->priority : NULL, priority, 4, "priority");
}

int csvc_sla_policy_match_urgency(csvc_sla_policy *p, csvc_urgency_t urgency)
{
	return set_level(p, p ? &p->urgency : NULL, urgency, 3, "urgency");
}

int csvc_sla_policy_match_customer_class(csvc_sla_policy *p, csvc_customer_class_t customer_class)
{
	return set_level(p, p ? &p->customer_class : NULL, customer_class, CSVC_CUSTOMER_POTENTIAL,
	                 "customer class");
}

int csvc_sla_policy_match_tier(csvc_sla_policy *p, csvc_value_tier_t tier)
{
	return set_level(p, p ? &p->tier : NULL, tier, CSVC_TIER_3, "tier");
}

int csvc_sla_policy_add_target(csvc_sla_policy *p, const char *name, int64_t duration_us,
                               csvc_sla_calendar_t calendar,
                               const char *calendar_name, size_t *index)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(p, "p");
	int rc = csvc__check_machine_name(name, "target name");
	if (rc)
		return rc;
	if (duration_us <= 0)
		return csvc__error(CSVC_EINVAL, "target '%s' needs a positive duration", name);
	if (duration_us > CSVC_SLA_MAX_DURATION)
		return csvc__error(CSVC_ERANGE, "target '%s' is longer than 100 years", name);
	if (calendar < CSVC_SLA_CALENDAR_STORE || calendar > CSVC_SLA_CALENDAR_24X7)
		return csvc__error(CSVC_EINVAL, "unknown SLA calendar mode %d", (int)calendar);
	if ((calendar == CSVC_SLA_CALENDAR_NAMED) != (calendar_name != NULL))
		return csvc__error(CSVC_EINVAL, "a calendar name goes with CSVC_SLA_CALENDAR_NAMED only");
	if (calendar_name && (rc = csvc__check_text(calendar_name, 0, CSVC_CALENDAR_NAME_MAX, "calendar name")))
		return rc;
	for (size_t i = 0; i < p->n_targets; i++)
		if (strcmp(p->targets[i].name, name) == 0)
			return csvc__error(CSVC_EEXISTS, "policy '%s' already has a target '%s'", p->name, name);
	if (p->n_targets >= CSVC_SLA_MAX_TARGETS)
		return csvc__error(CSVC_ERANGE, "a policy has at most %d targets", CSVC_SLA_MAX_TARGETS);
	csvc__sla_target_def *t = &p->targets[p->n_targets];
	memset(t, 0, sizeof(*t));
	if (csvc__strdup(name, &t->name) || csvc__strdup(calendar_name, &t->calendar_name)) {
		csvc__free(t->name);
		return csvc__error(CSVC_ENOMEM, "out of memory");
	}
	t->duration = duration_us;
	t->calendar = calendar;
	if (index)
		*index = p->n_targets;
	p->n_targets++;
	p->version = 0;
	return CSVC_OK;
}

static csvc__sla_target_def *target_at(csvc_sla_policy *p, size_t index)
{
	csvc__error_clear();
	if (!p) {
		csvc__error(CSVC_EINVAL, "invalid argument 'p'");
		return NULL;
	}
	if (index >= p->n_targets) {
		csvc__error(CSVC_ERANGE, "policy '%s' has no target %zu", p->name, index);
		return NULL;
	}
	p->version = 0;
	return &p->targets[index];
}

int csvc_sla_target_met_by_reply(csvc_sla_policy *p, size_t index)
{
	csvc__sla_target_def *t = target_at(p, index);
	if (!t)
		return csvc_error_last()->code;
	t->met_reply = 1;
	return CSVC_OK;
}

static int check_category(int32_t category)
{
	if (category < CSVC_STATE_NEW || category > CSVC_STATE_CANCELLED)
		return csvc__error(CSVC_EINVAL, "unknown state category %d", (int)category);
	return CSVC_OK;
}

int csvc_sla_target_met_by_category(csvc_sla_policy *p, size_t index, csvc_state_category_t category)
{
	csvc__sla_target_def *t = target_at(p, index);
	if (!t)
		return csvc_error_last()->code;
	int rc = check_category(category);
	if (!rc)
		t->met_categories |= 1u << category;
	return rc;
}

static int add_state(char **list, size_t *n, const char *state)
{
	int rc = csvc__check_machine_name(state, "state");
	if (rc)
		return rc;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(list[i], state) == 0)
			return CSVC_OK;
	if (*n >= CSVC_SLA_MAX_STATES)
		return csvc__error(CSVC_ERANGE, "at most %d states per list", CSVC_SLA_MAX_STATES);
	if ((rc = csvc__strdup(state, &list[*n])))
		return rc;
	(*n)++;
	return CSVC_OK;
}

int csvc_sla_target_met_by_state(csvc_sla_policy *p, size_t index, const char *state)
{
	csvc__sla_target_def *t = target_at(p, index);
	return t ? add_state(t->met_states, &t->n_met_states, state) : csvc_error_last()->code;
}

int csvc_sla_target_pause_on_category(csvc_sla_policy *p, size_t index, csvc_state_category_t category)
{
	csvc__sla_target_def *t = target_at(p, index);
	if (!t)
		return csvc_error_last()->code;
	int rc = check_category(category);
	if (!rc)
		t->pause_categories |= 1u << category;
	return rc;
}

int csvc_sla_target_pause_on_state(csvc_sla_policy *p, size_t index, const char *state)
{
	csvc__sla_target_def *t = target_at(p, index);
	return t ? add_state(t->pause_states, &t->n_pause_states, state) : csvc_error_last()->code;
}

int csvc_sla_target_pause_on_handoff(csvc_sla_policy *p, size_t index, int on)
{
	csvc__sla_target_def *t = target_at(p, index);
	if (!t)
		return csvc_error_last()->code;
	t->pause_on_handoff = on ? 1 : 0;
	return CSVC_OK;
}

int csvc_sla_target_warn_at(csvc_sla_policy *p, size_t index, int32_t percent)
{
	csvc__sla_target_def *t = target_at(p, index);
	if (!t)
		return csvc_error_last()->code;
	if (percent < 1 || percent > 99)
		return csvc__error(CSVC_ERANGE, "a warning threshold is 1 to 99 percent, not %d", (int)percent);
	size_t i = 0;
	while (i < t->n_warn && t->warn[i] < percent)
		i++;
	if (i < t->n_warn && t->warn[i] == percent)
		return CSVC_OK;
	if (t->n_warn >= CSVC_SLA_MAX_WARNINGS)
		return csvc__error(CSVC_ERANGE, "at most %d warnings per target", CSVC_SLA_MAX_WARNINGS);
	memmove(&t->warn[i + 1], &t->warn[i], (t->n_warn - i) * sizeof(t->warn[0]));
	t->warn[i] = percent;
	t->n_warn++;
	return CSVC_OK;
}

int csvc_sla_target_recurring(csvc_sla_policy *p, size_t index)
{
	csvc__sla_target_def *t = target_at(p, index);
	if (!t)
		return csvc_error_last()->code;
	t->recurring = 1;
	return CSVC_OK;
}

CSVC__STRUCT_LAYOUT(escalation_layout, csvc_sla_escalation, CSVC_SLA_ESCALATION_VERSION,
                    CSVC_SLA_ESCALATION_INIT, sizeof(csvc_sla_escalation));

int csvc_sla_escalation_init(csvc_sla_escalation *e, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&escalation_layout, e, version);
}

int csvc_sla_target_escalate(csvc_sla_policy *p, size_t index, const csvc_sla_escalation *e)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(p, "p");
	CSVC__CHECK_ARG(e, "e");
	csvc_sla_escalation copy; /* read only as far as the caller's version goes */
	int rc = csvc__struct_read(&escalation_layout, &copy, e);
	if (rc)
		return rc;
	return csvc__sla_target_escalate(p, index, copy.percent, copy.action, copy.priority, copy.assignee,
	                                 copy.team, copy.transition);
}

int csvc__sla_target_escalate(csvc_sla_policy *p, size_t index, int32_t percent, int32_t action,
                              int32_t value, const char *assignee, const char *team, const char *transition)
{
	csvc__sla_target_def *t = target_at(p, index);
	if (!t)
		return csvc_error_last()->code;
	if (percent < 1 || percent > 100)
		return csvc__error(CSVC_ERANGE, "an escalation threshold is 1 to 100 percent, not %d", (int)percent);
	/* Every text argument is checked, whichever the action uses. */
	int rc = csvc__check_text(assignee, 1, 128, "assignee");
	if (rc || (rc = csvc__check_text(team, 1, 128, "team")) ||
	    (transition && (rc = csvc__check_machine_name(transition, "transition"))))
		return rc;
	switch (action) {
	case CSVC_SLA_RAISE_PRIORITY:
		if (value < 1 || value > 4)
			rc = csvc__error(CSVC_EINVAL, "RAISE_PRIORITY needs a priority 1 to 4");
		break;
	case CSVC_SLA_ASSIGN:
		if ((!assignee && !team) || (rc = csvc__check_text(assignee, 1, 128, "assignee")) ||
		    (rc = csvc__check_text(team, 1, 128, "team")))
			rc = rc ? rc : csvc__error(CSVC_EINVAL, "ASSIGN needs an assignee or a team");
		break;
	case CSVC_SLA_TRANSITION:
		rc = csvc__check_machine_name(transition, "transition");
		break;
	default:
		rc = csvc__error(CSVC_EINVAL, "unknown escalation action %d", (int)action);
	}
	if (rc)
		return rc;
	if (t->n_esc >= CSVC_SLA_MAX_ESCALATIONS)
		return csvc__error(CSVC_ERANGE, "at most %d escalations per target", CSVC_SLA_MAX_ESCALATIONS);
	csvc__sla_escalation *e = &t->esc[t->n_esc];
	memset(e, 0, sizeof(*e));
	e->percent = percent;
	e->action = action;
	e->value = value;
	if ((action == CSVC_SLA_ASSIGN && (csvc__strdup(assignee, &e->assignee) || csvc__strdup(team, &e->team))) ||
	    (action == CSVC_SLA_TRANSITION && csvc__strdup(transition, &e->transition))) {
		csvc__free(e->assignee);
		csvc__free(e->team);
		return csvc__error(CSVC_ENOMEM, "out of memory");
	}
	t->n_esc++;
	return CSVC_OK;
}

static int validate(const csvc_sla_policy *p)
{
	if (p->n_targets == 0)
		return csvc__error(CSVC_EINVAL, "policy '%s' has no targets", p->name);
	for (size_t i = 0; i < p->n_targets; i++) {
		const csvc__sla_target_def *t = &p->targets[i];
		if (!t->met_reply && !t->met_categories && !t->n_met_states)
			return csvc__error(CSVC_EINVAL, "target '%s' of policy '%s' can never be met", t->name, p->name);
		for (size_t k = 0; k < t->n_esc; k++) {
			int ok = t->esc[k].percent == 100;
			for (size_t w = 0; w < t->n_warn && !ok; w++)
				ok = t->warn[w] == t->esc[k].percent;
			if (!ok)
				return csvc__error(CSVC_EINVAL,
				                   "target '%s': escalation at %d%% is neither a warning threshold nor the breach",
				                   t->name, (int)t->esc[k].percent);
		}
	}
	return CSVC_OK;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int policy_equal(const csvc_sla_policy *a, const csvc_sla_policy *b)
{
	if (a->rank != b->rank || !str_eq(a->kind, b->kind) || !str_eq(a->store_code, b->store_code) ||
	    !str_eq(a->channel, b->channel) || !str_eq(a->category, b->category) || a->priority != b->priority ||
	    a->urgency != b->urgency || a->customer_class != b->customer_class || a->tier != b->tier ||
	    a->n_targets != b->n_targets)
		return 0;
	for (size_t i = 0; i < a->n_targets; i++) {
		const csvc__sla_target_def *x = &a->targets[i], *y = &b->targets[i];
		if (strcmp(x->name, y->name) || x->duration != y->duration || x->calendar != y->calendar ||
		    !str_eq(x->calendar_name, y->calendar_name) || x->met_reply != y->met_reply ||
		    x->met_categories != y->met_categories || x->pause_categories != y->pause_categories ||
		    x->n_met_states != y->n_met_states || x->n_pause_states != y->n_pause_states ||
		    x->n_warn != y->n_warn || x->recurring != y->recurring || x->n_esc != y->n_esc ||
		    x->pause_on_handoff != y->pause_on_handoff)
			return 0;
		for (size_t k = 0; k < x->n_met_states; k++)
			if (strcmp(x->met_states[k], y->met_states[k]))
				return 0;
		for (size_t k = 0; k < x->n_pause_states; k++)
			if (strcmp(x->pause_states[k], y->pause_states[k]))
				return 0;
		for (size_t k = 0; k < x->n_warn; k++)
			if (x->warn[k] != y->warn[k])
				return 0;
		for (size_t k = 0; k < x->n_esc; k++) {
			const csvc__sla_escalation *e = &x->esc[k], *f = &y->esc[k];
			if (e->percent != f->percent || e->action != f->action || e->value != f->value ||
			    !str_eq(e->assignee, f->assignee) || !str_eq(e->team, f->team) ||
			    !str_eq(e->transition, f->transition))
				return 0;
		}
	}
	return 1;
}

/* Adds a stored target row to `p`. */
static int add_target_row(csvc_sla_policy *p, const csvc__sla_target_row *t)
{
	size_t i;
	int rc = csvc_sla_policy_add_target(p, t->name, t->duration, t->calendar,
	                                    t->calendar == CSVC_SLA_CALENDAR_NAMED ? t->calendar_name : NULL, &i);
	if (!rc && t->met_reply)
		rc = csvc_sla_target_met_by_reply(p, i);
	if (!rc) {
		p->targets[i].met_categories = t->met_categories;
		p->targets[i].pause_categories = t->pause_categories;
		p->targets[i].pause_on_handoff = t->pause_on_handoff;
	}
	for (size_t k = 0; !rc && k < t->n_met_states; k++)
		rc = csvc_sla_target_met_by_state(p, i, t->met_states[k]);
	for (size_t k = 0; !rc && k < t->n_pause_states; k++)
		rc = csvc_sla_target_pause_on_state(p, i, t->pause_states[k]);
	if (!rc && t->recurring)
		rc = csvc_sla_target_recurring(p, i);
	for (size_t k = 0; !rc && k < t->n_warn; k++)
		rc = csvc_sla_target_warn_at(p, i, t->warn[k]);
	return rc;
}

/* Builds a policy from its stored rows; a row the setters refuse is
 * CSVC_ECORRUPT. */
static int from_rows(const csvc__sla_policy_rows *r, csvc_sla_policy **out)
{
	csvc_sla_policy *p = NULL;
	int rc = csvc_sla_policy_new(&p, r->name, r->rank);
	if (rc)
		return rc;
	p->rowid = r->id;
	if ((rc = csvc__strdup(r->kind, &p->kind)) || (rc = csvc__strdup(r->store_code, &p->store_code)) ||
	    (rc = csvc__strdup(r->channel, &p->channel)) || (rc = csvc__strdup(r->category, &p->category)))
		goto fail;
	p->priority = r->priority;
	p->urgency = r->urgency;
	p->customer_class = r->customer_class;
	p->tier = r->tier;
	for (size_t i = 0; i < r->n_targets; i++)
		if ((rc = add_target_row(p, &r->targets[i]))) {
			if (rc != CSVC_ENOMEM) /* ENOMEM is not the data's fault */
				rc = csvc__error(CSVC_ECORRUPT, "stored SLA policy '%s' has a bad target: %s", p->name,
				                 csvc_error_last()->message);
			goto fail;
		}
	for (size_t i = 0; i < r->n_escalations; i++) {
		const csvc__sla_escalation_row *e = &r->escalations[i];
		if ((rc = csvc__sla_target_escalate(p, (size_t)e->target, e->percent, e->action, e->value, e->assignee,
		                                    e->team, e->transition))) {
			if (rc != CSVC_ENOMEM)
				rc = csvc__error(CSVC_ECORRUPT, "stored SLA policy '%s' has a bad escalation", p->name);
			goto fail;
		}
	}
	p->version = r->version;
	csvc__error_clear();
	*out = p;
	return CSVC_OK;
fail:
	csvc_sla_policy_free(p);
	return rc;
}

int csvc__sla_policy_load_id(csvc_store *s, const char *name, int32_t version, int64_t rowid,
                             csvc_sla_policy **out)
{
	csvc__sla_policy_rows rows;
	int rc = csvc__sla_db_policy_read(s, name, version, rowid, &rows);
	if (rc)
		return rc;
	rc = from_rows(&rows, out);
	csvc__sla_policy_rows_free(&rows);
	return rc;
}

static int save_one(csvc_store *s, const csvc_sla_policy *p, int32_t *version)
{
	int32_t latest = 0;
	int rc;
	/* A policy naming a calendar that does not exist would stop its
	 * clocks; the calendar must be saved first. */
	for (size_t i = 0; i < p->n_targets; i++) {
		int64_t stamp;
		const char *cal = p->targets[i].calendar_name;
		if (cal && (rc = csvc__sla_db_calendar_stamp(s, cal, &stamp)))
			return rc == CSVC_ENOTFOUND
			           ? csvc__error(CSVC_ENOTFOUND,
			                         "SLA policy '%s': target '%s' names calendar '%s', which is not "
			                         "saved; save the calendar first",
			                         p->name, p->targets[i].name, cal)
			           : rc;
	}
	if ((rc = csvc__defs_lock(s->db, csvc__sla_policy_defs())) ||
	    (rc = csvc__sla_db_policy_latest(s, p->name, &latest)))
		return rc;
	if (latest) {
		csvc_sla_policy *stored = NULL;
		if ((rc = csvc__sla_policy_load_id(s, p->name, latest, 0, &stored)))
			return rc;
		int same = policy_equal(stored, p);
		csvc_sla_policy_free(stored);
		if (same) {
			*version = latest;
			return CSVC_OK;
		}
	}
	if ((rc = csvc__sla_db_policy_insert(s, p, latest + 1)))
		return rc;
	*version = latest + 1;
	return CSVC_OK;
}

int csvc_sla_policy_save(csvc_store *store, csvc_sla_policy *p, int32_t *version)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(p, "p");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	int rc = validate(p);
	int32_t v = 0;
	if (rc || (rc = csvc__tx_begin(store)))
		return rc;
	csvc__sla_invalidate(store);
	if ((rc = csvc__tx_end(store, save_one(store, p, &v))))
		return rc;
	p->version = v;
	if (version)
		*version = v;
	return CSVC_OK;
}

int csvc_sla_policy_load(csvc_store *store, const char *name, int32_t version, csvc_sla_policy **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(version >= 0, "version");
	CSVC__REQUIRE_PRINCIPAL(store);
	int rc = csvc__check_machine_name(name, "policy name");
	if (rc)
		return rc;
	return csvc__sla_policy_load_id(store, name, version, 0, out);
}

int csvc_sla_policy_retire(csvc_store *store, const char *name)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	int rc = csvc__check_machine_name(name, "policy name");
	if (rc || (rc = csvc__tx_begin(store)))
		return rc;
	csvc__sla_invalidate(store);
	if (!(rc = csvc__defs_lock(store->db, csvc__sla_policy_defs())))
		rc = csvc__sla_db_policy_retire(store, name);
	return csvc__tx_end(store, rc);
}

int csvc__sla_policy_matches(const csvc_sla_policy *p, const csvc__sla_subject *t)
{
	return (!p->kind || str_eq(p->kind, t->kind)) && (!p->store_code || str_eq(p->store_code, t->store_code)) &&
	       (!p->channel || str_eq(p->channel, t->channel)) &&
	       (!p->category || str_eq(p->category, t->category)) &&
	       (!p->priority || (t->priority && t->priority <= p->priority)) &&
	       (!p->urgency || p->urgency == t->urgency) &&
	       (!p->customer_class || p->customer_class == t->customer_class) && (!p->tier || p->tier == t->tier);
}

/* ---- handbook defaults ---- */

#define MINUTES(n) ((int64_t)(n) * 60 * CSVC_SECOND_US)
#define HOURS(n) ((int64_t)(n) * 3600 * CSVC_SECOND_US)

/* Resolution: met by resolved or closed, paused while waiting. */
static int add_resolution(csvc_sla_policy *p, const char *name, int64_t duration, int32_t calendar)
{
	size_t i;
	int rc = csvc_sla_policy_add_target(p, name, duration, calendar, NULL, &i);
	if (!rc)
		rc = csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED);
	if (!rc)
		rc = csvc_sla_target_met_by_category(p, i, CSVC_STATE_CLOSED);
	if (!rc)
		rc = csvc_sla_target_pause_on_category(p, i, CSVC_STATE_WAITING);
	if (!rc)
		rc = csvc_sla_target_warn_at(p, i, 80);
	return rc;
}

static int add_first_response(csvc_sla_policy *p, int64_t duration, int32_t calendar)
{
	size_t i;
	int rc = csvc_sla_policy_add_target(p, "first_response", duration, calendar, NULL, &i);
	if (!rc)
		rc = csvc_sla_target_met_by_reply(p, i);
	if (!rc)
		rc = csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED);
	if (!rc)
		rc = csvc_sla_target_warn_at(p, i, 80);
	return rc;
}

/* 投诉 (handbook defaults): respond 24 h, handled 48 h, reported back 72 h,
 * all from receipt, in wall-clock time. */
static int add_complaint_targets(csvc_sla_policy *p)
{
	size_t i;
	int rc;
	if ((rc = csvc_sla_policy_add_target(p, "respond", HOURS(24), CSVC_SLA_CALENDAR_24X7, NULL, &i)) ||
	    (rc = csvc_sla_target_met_by_reply(p, i)) || (rc = csvc_sla_target_met_by_state(p, i, "analysing")) ||
	    (rc = csvc_sla_target_met_by_state(p, i, "handling")) || (rc = csvc_sla_target_warn_at(p, i, 80)))
		return rc;
	if ((rc = csvc_sla_policy_add_target(p, "handled", HOURS(48), CSVC_SLA_CALENDAR_24X7, NULL, &i)) ||
	    (rc = csvc_sla_target_met_by_state(p, i, "reported_back")) ||
	    (rc = csvc_sla_target_met_by_category(p, i, CSVC_STATE_CLOSED)) ||
	    (rc = csvc_sla_target_warn_at(p, i, 80)))
		return rc;
	if ((rc = csvc_sla_policy_add_target(p, "reported_back", HOURS(72), CSVC_SLA_CALENDAR_24X7, NULL, &i)) ||
	    (rc = csvc_sla_target_met_by_state(p, i, "reported_back")) ||
	    (rc = csvc_sla_target_met_by_category(p, i, CSVC_STATE_CLOSED)) ||
	    (rc = csvc_sla_target_warn_at(p, i, 80)) ||
	    (rc = csvc__sla_target_escalate(p, i, 100, CSVC_SLA_RAISE_PRIORITY, CSVC_PRIORITY_CRITICAL, NULL,
	                                    NULL, NULL)))
		return rc;
	return CSVC_OK;
}

/* A faster first response to a complaint, met as the handbook's "respond"
 * is: a reply, or taking it up (the states analysing and handling). It is
 * named "fast_response" so that reports count one first response per
 * complaint ("respond"). */
static int add_complaint_first_response(csvc_sla_policy *p, int32_t calendar)
{
	size_t i;
	int rc;
	if ((rc = csvc_sla_policy_add_target(p, "fast_response", MINUTES(15), calendar, NULL, &i)) ||
	    (rc = csvc_sla_target_met_by_reply(p, i)) || (rc = csvc_sla_target_met_by_state(p, i, "analysing")) ||
	    (rc = csvc_sla_target_met_by_state(p, i, "handling")) ||
	    (rc = csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED)) || (rc = csvc_sla_target_warn_at(p, i, 80)))
		return rc;
	return CSVC_OK;
}

/* A recurring progress update, paused while waiting on the customer. */
static int add_next_update(csvc_sla_policy *p, int64_t duration, int32_t calendar)
{
	size_t i;
	int rc;
	if ((rc = csvc_sla_policy_add_target(p, "next_update", duration, calendar, NULL, &i)) ||
	    (rc = csvc_sla_target_recurring(p, i)) ||
	    (rc = csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED)) ||
	    (rc = csvc_sla_target_met_by_category(p, i, CSVC_STATE_CLOSED)) ||
	    (rc = csvc_sla_target_pause_on_category(p, i, CSVC_STATE_WAITING)))
		return rc;
	return CSVC_OK;
}

/* Emergencies (library defaults; the handbooks ask for a response "in the
 * shortest time" without a number): first response 15 min in wall-clock
 * time, raising the priority to critical when missed. */
static int add_emergency_first_response(csvc_sla_policy *p, int complaint)
{
	int rc = complaint ? add_complaint_first_response(p, CSVC_SLA_CALENDAR_24X7)
	                   : add_first_response(p, MINUTES(15), CSVC_SLA_CALENDAR_24X7);
	if (!rc)
		rc = csvc__sla_target_escalate(p, p->n_targets - 1, 100, CSVC_SLA_RAISE_PRIORITY,
		                               CSVC_PRIORITY_CRITICAL, NULL, NULL, NULL);
	return rc;
}

static int add_emergency_targets(csvc_sla_policy *p)
{
	int rc;
	if ((rc = add_emergency_first_response(p, 0)) ||
	    (rc = add_resolution(p, "resolution", HOURS(24), CSVC_SLA_CALENDAR_24X7)) ||
	    (rc = add_next_update(p, HOURS(4), CSVC_SLA_CALENDAR_24X7)))
		return rc;
	return CSVC_OK;
}

/* VIP service (library defaults): first response 15 min, resolution 24 h,
 * an update every 24 h, on the store calendar. */
static int add_vip_targets(csvc_sla_policy *p)
{
	int rc;
	if ((rc = add_first_response(p, MINUTES(15), CSVC_SLA_CALENDAR_STORE)) ||
	    (rc = add_resolution(p, "resolution", HOURS(24), CSVC_SLA_CALENDAR_STORE)) ||
	    (rc = add_next_update(p, HOURS(24), CSVC_SLA_CALENDAR_STORE)))
		return rc;
	return CSVC_OK;
}

static int new_default(csvc_sla_policy **list, size_t *n, const char *name, int32_t rank, csvc_sla_policy **out)
{
	int rc = csvc_sla_policy_new(out, name, rank);
	if (!rc)
		list[(*n)++] = *out;
	return rc;
}

/*
 * The default pack, in match order (docs/sla.md, "Handbook defaults"):
 * emergencies and urgent tickets first, then VIP customers (class 核心 or
 * tier 一级), then the handbook's kinds, then everything else. A complaint
 * always keeps the handbook's three complaint deadlines.
 */
static int build_defaults(csvc_sla_policy **list, size_t *n)
{
	int rc;
	csvc_sla_policy *p;
	*n = 0;
	/* 突发事件: the emergency kind, whatever its urgency. */
	if ((rc = new_default(list, n, "default_emergency", 1, &p)) || (rc = csvc_sla_policy_match_kind(p, "emergency")) ||
	    (rc = add_emergency_targets(p)))
		return rc;
	/* 紧急 urgency: a major complaint keeps its complaint deadlines. */
	if ((rc = new_default(list, n, "default_urgent_complaint", 2, &p)) ||
	    (rc = csvc_sla_policy_match_kind(p, "complaint")) ||
	    (rc = csvc_sla_policy_match_urgency(p, CSVC_URGENCY_EMERGENCY)) ||
	    (rc = add_emergency_first_response(p, 1)) || (rc = add_complaint_targets(p)))
		return rc;
	if ((rc = new_default(list, n, "default_urgent", 3, &p)) ||
	    (rc = csvc_sla_policy_match_urgency(p, CSVC_URGENCY_EMERGENCY)) || (rc = add_emergency_targets(p)))
		return rc;
	/* 核心 (VIP) customers, and 一级 (highest value tier) customers. */
	if ((rc = new_default(list, n, "default_vip_complaint", 5, &p)) || (rc = csvc_sla_policy_match_kind(p, "complaint")) ||
	    (rc = csvc_sla_policy_match_customer_class(p, CSVC_CUSTOMER_VIP)) ||
	    (rc = add_complaint_first_response(p, CSVC_SLA_CALENDAR_STORE)) || (rc = add_complaint_targets(p)))
		return rc;
	if ((rc = new_default(list, n, "default_vip", 6, &p)) ||
	    (rc = csvc_sla_policy_match_customer_class(p, CSVC_CUSTOMER_VIP)) || (rc = add_vip_targets(p)))
		return rc;
	if ((rc = new_default(list, n, "default_tier1_complaint", 7, &p)) ||
	    (rc = csvc_sla_policy_match_kind(p, "complaint")) || (rc = csvc_sla_policy_match_tier(p, CSVC_TIER_1)) ||
	    (rc = add_complaint_first_response(p, CSVC_SLA_CALENDAR_STORE)) || (rc = add_complaint_targets(p)))
		return rc;
	if ((rc = new_default(list, n, "default_tier1", 8, &p)) || (rc = csvc_sla_policy_match_tier(p, CSVC_TIER_1)) ||
	    (rc = add_vip_targets(p)))
		return rc;
	/* 咨询: first response 20 min (handbook default), complex inquiries
	 * answered within 24 h (handbook default), on the store calendar. */
	if ((rc = new_default(list, n, "handbook_inquiry", 10, &p)) || (rc = csvc_sla_policy_match_kind(p, "inquiry")) ||
	    (rc = add_first_response(p, MINUTES(20), CSVC_SLA_CALENDAR_STORE)) ||
	    (rc = add_resolution(p, "resolution", HOURS(24), CSVC_SLA_CALENDAR_STORE)))
		return rc;
	/* 投诉: the handbook's three deadlines. */
	if ((rc = new_default(list, n, "handbook_complaint", 10, &p)) ||
	    (rc = csvc_sla_policy_match_kind(p, "complaint")) || (rc = add_complaint_targets(p)))
		return rc;
	/* Everything else: a library default (not from the handbooks). */
	if ((rc = new_default(list, n, "default", 1000, &p)) ||
	    (rc = add_first_response(p, HOURS(4), CSVC_SLA_CALENDAR_STORE)) ||
	    (rc = add_resolution(p, "resolution", HOURS(72), CSVC_SLA_CALENDAR_STORE)) ||
	    (rc = add_next_update(p, HOURS(24), CSVC_SLA_CALENDAR_STORE)))
		return rc;
	return CSVC_OK;
}

#define N_DEFAULT_POLICIES 10

int csvc_sla_install_defaults(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	csvc_sla_policy *list[N_DEFAULT_POLICIES] = {0};
	size_t n = 0;
	int rc = build_defaults(list, &n);
	for (size_t i = 0; i < n && !rc; i++)
		rc = validate(list[i]);
	if (!rc && !(rc = csvc__tx_begin(store))) {
		int32_t v;
		csvc__sla_invalidate(store);
		for (size_t i = 0; i < n && !rc; i++)
			rc = save_one(store, list[i], &v);
		rc = csvc__tx_end(store, rc);
	}
	for (size_t i = 0; i < N_DEFAULT_POLICIES; i++)
		csvc_sla_policy_free(list[i]);
	return rc;
}
