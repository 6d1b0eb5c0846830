/*
 * csvc customer: add, show, find, search, update, merge, erase, import,
 * export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-progress.h"
#include "cli-util.h"
#include "csv.h"

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

static void format_birthday(int32_t b, char *buf, size_t size)
{
	if (b)
		snprintf(buf, size, "%04d-%02d-%02d", (int)(b / 10000), (int)(b / 100 % 100), (int)(b % 100));
	else
		snprintf(buf, size, "-");
}

void cli_customer_json(cli_json *j, const csvc_customer *c)
{
	char buf[64];
	cj_obj(j);
	cj_kuuid(j, "id", csvc_customer_id(c));
	cj_kstr(j, "name", csvc_customer_name(c));
	cj_key(j, "phones");
	cj_arr(j);
	for (size_t i = 0; i < csvc_customer_phone_count(c); i++)
		cj_str(j, csvc_customer_phone(c, i));
	cj_end_arr(j);
	cj_key(j, "emails");
	cj_arr(j);
	for (size_t i = 0; i < csvc_customer_email_count(c); i++)
		cj_str(j, csvc_customer_email(c, i));
	cj_end_arr(j);
	/* Read by a principal who may not see contacts (--as): stars. */
	cj_key(j, "masked");
	cj_bool(j, csvc_customer_masked(c));
	cj_kstr(j, "address", csvc_customer_address(c));
	format_birthday(csvc_customer_birthday(c), buf, sizeof(buf));
	cj_kstr(j, "birthday", csvc_customer_birthday(c) ? buf : NULL);
	cj_kstr(j, "notes", csvc_customer_notes(c));
	cj_kstr(j, "home_store", csvc_customer_home_store(c));
	cj_kstr(j, "class", cli_enum_name(cli_class_enum, csvc_customer_class(c)));
	cj_key(j, "tier");
	if (csvc_customer_tier(c))
		cj_int(j, csvc_customer_tier(c));
	else
		cj_null(j);
	cj_kstr(j, "lifecycle", cli_enum_name(cli_lifecycle_enum, csvc_customer_lifecycle(c)));
	cj_key(j, "tags");
	cj_arr(j);
	for (size_t i = 0; i < csvc_customer_tag_count(c); i++)
		cj_str(j, csvc_customer_tag(c, i));
	cj_end_arr(j);
	cj_key(j, "external_ids");
	cj_arr(j);
	for (size_t i = 0; i < csvc_customer_external_id_count(c); i++) {
		const char *kind, *value;
		csvc_customer_external_id_at(c, i, &kind, &value);
		cj_obj(j);
		cj_kstr(j, "kind", kind);
		cj_kstr(j, "value", value);
		cj_end_obj(j);
	}
	cj_end_arr(j);
	cj_key(j, "attributes");
	cj_obj(j);
	for (size_t i = 0; i < csvc_customer_attr_count(c); i++) {
		const char *key, *value;
		csvc_customer_attr_at(c, i, &key, &value);
		cj_kstr(j, key, value);
	}
	cj_end_obj(j);
	cj_key(j, "lifecycle_history");
	cj_arr(j);
	for (size_t i = 0; i < csvc_customer_lifecycle_count(c); i++) {
		int32_t stage;
		csvc_time_us at;
		csvc_customer_lifecycle_at(c, i, &stage, &at);
		cj_obj(j);
		cj_kstr(j, "stage", cli_enum_name(cli_lifecycle_enum, stage));
		cj_ktime(j, "at", at);
		cj_end_obj(j);
	}
	cj_end_arr(j);
	cj_kint(j, "revision", csvc_customer_revision(c));
	cj_ktime(j, "created_at", csvc_customer_created_at(c));
	cj_ktime(j, "updated_at", csvc_customer_updated_at(c));
	cj_kuuid(j, "merged_into", csvc_customer_merged_into(c));
	cj_ktime(j, "erased_at", csvc_customer_erased_at(c));
	cj_end_obj(j);
}

/* Joins the i-th strings of a list getter with ", ". */
static void join(char *buf, size_t size, size_t n, const char *(*get)(const csvc_customer *, size_t),
                 const csvc_customer *c)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", get(c, i));
}

static void print_customer(const csvc_customer *c)
{
	char buf[8192], t[CLI_TIME_LEN];
	const size_t w = 14;
	csvc_uuid_to_string(csvc_customer_id(c), buf);
	cli_kv("id", buf, w);
	cli_kv("name", csvc_customer_name(c), w);
	join(buf, sizeof(buf), csvc_customer_phone_count(c), csvc_customer_phone, c);
	cli_kv("phones", buf, w);
	join(buf, sizeof(buf), csvc_customer_email_count(c), csvc_customer_email, c);
	cli_kv("emails", buf, w);
	if (csvc_customer_masked(c))
		cli_kv("contacts", "masked (the --as staff member may not read them)", w);
	cli_kv("address", csvc_customer_address(c), w);
	format_birthday(csvc_customer_birthday(c), buf, sizeof(buf));
	cli_kv("birthday", buf, w);
	cli_kv("home store", csvc_customer_home_store(c), w);
	cli_kv("class", cli_enum_label(cli_class_enum, csvc_customer_class(c), buf, sizeof(buf)), w);
	cli_kv("tier", cli_enum_label(cli_tier_enum, csvc_customer_tier(c), buf, sizeof(buf)), w);
	cli_kv("lifecycle", cli_enum_label(cli_lifecycle_enum, csvc_customer_lifecycle(c), buf, sizeof(buf)), w);
	join(buf, sizeof(buf), csvc_customer_tag_count(c), csvc_customer_tag, c);
	cli_kv("tags", buf, w);
	for (size_t i = 0; i < csvc_customer_external_id_count(c); i++) {
		const char *kind, *value;
		csvc_customer_external_id_at(c, i, &kind, &value);
		cli_kv(kind, value, w);
	}
	for (size_t i = 0; i < csvc_customer_attr_count(c); i++) {
		const char *key, *value;
		csvc_customer_attr_at(c, i, &key, &value);
		snprintf(buf, sizeof(buf), "attr:%s", key);
		cli_kv(buf, value, w);
	}
	cli_kv("notes", csvc_customer_notes(c), w);
	snprintf(buf, sizeof(buf), "%lld", (long long)csvc_customer_revision(c));
	cli_kv("revision", buf, w);
	cli_format_time(csvc_customer_created_at(c), t);
	cli_kv("created", t, w);
	cli_format_time(csvc_customer_updated_at(c), t);
	cli_kv("updated", t, w);
	if (csvc_customer_merged_into(c)) {
		csvc_uuid_to_string(csvc_customer_merged_into(c), buf);
		cli_kv("merged into", buf, w);
	}
	if (csvc_customer_erased_at(c)) {
		cli_format_time(csvc_customer_erased_at(c), t);
		cli_kv("erased", t, w);
	}
}

static void output_customer(cli_ctx *ctx, const csvc_customer *c)
{
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cli_customer_json(&j, c);
		cj_done(&j);
	} else {
		print_customer(c);
	}
}

/* ------------------------------------------------------------------ */
/* Setting fields from options                                         */
/* ------------------------------------------------------------------ */

#define FIELD_OPTS                                                                            \
	{"name", 1}, {"phone", 1}, {"email", 1}, {"address", 1}, {"birthday", 1}, {"notes", 1},  \
	{"home-store", 1}, {"class", 1}, {"tier", 1}, {"lifecycle", 1}, {"tag", 1},               \
	{"member-card", 1}, {"external-id", 1}, {"attr", 1}

/* Splits "KEY=VALUE" at the first '='; returns 0 or -1 when there is none. */
static int split_pair(const char *text, char *key, size_t size, const char **value)
{
	const char *eq = strchr(text, '=');
	if (!eq || eq == text || (size_t)(eq - text) >= size)
		return -1;
	memcpy(key, text, (size_t)(eq - text));
	key[eq - text] = '\0';
	*value = eq + 1;
	return 0;
}

/* Applies one field (option name without "--") to a record. */
static int set_field(cli_ctx *ctx, csvc_customer *c, const char *name, const char *v)
{
	int rc = CSVC_OK;
	int32_t n;
	char key[256], what[300];
	const char *value = NULL;
	if (!strcmp(name, "name"))
		rc = csvc_customer_set_name(c, *v ? v : NULL);
	else if (!strcmp(name, "phone"))
		rc = csvc_customer_add_phone(c, v);
	else if (!strcmp(name, "email"))
		rc = csvc_customer_add_email(c, v);
	else if (!strcmp(name, "address"))
		rc = csvc_customer_set_address(c, *v ? v : NULL);
	else if (!strcmp(name, "notes"))
		rc = csvc_customer_set_notes(c, *v ? v : NULL);
	else if (!strcmp(name, "home-store"))
		rc = csvc_customer_set_home_store(c, *v ? v : NULL);
	else if (!strcmp(name, "tag"))
		rc = csvc_customer_add_tag(c, v);
	else if (!strcmp(name, "member-card"))
		rc = csvc_customer_add_external_id(c, "member_card", v);
	else if (!strcmp(name, "birthday")) {
		if (!*v)
			n = 0;
		else if (cli_parse_date(v, &n) != 0)
			return cli_usage(ctx, "--birthday: malformed date \"%s\" (expected YYYY-MM-DD)", v);
		rc = csvc_customer_set_birthday(c, n);
	} else if (!strcmp(name, "class") || !strcmp(name, "tier") || !strcmp(name, "lifecycle")) {
		const cli_enum *e = name[0] == 'c' ? cli_class_enum : name[0] == 't' ? cli_tier_enum
		                                                                     : cli_lifecycle_enum;
		char choices[128];
		if (!strcmp(name, "tier") && (!*v || !strcmp(v, "none")))
			n = 0;
		else if (cli_enum_parse(e, v, &n) != 0)
			return cli_usage(ctx, "--%s: unknown value \"%s\" (one of %s)", name, v,
			                 cli_enum_choices(e, choices, sizeof(choices)));
		rc = name[0] == 'c' ? csvc_customer_set_class(c, n)
		     : name[0] == 't' ? csvc_customer_set_tier(c, n)
		                      : csvc_customer_set_lifecycle(c, n);
	} else if (!strcmp(name, "external-id") || !strcmp(name, "remove-external-id")) {
		if (split_pair(v, key, sizeof(key), &value) != 0)
			return cli_usage(ctx, "--%s: expected KIND=VALUE, got \"%s\"", name, v);
		rc = name[0] == 'e' ? csvc_customer_add_external_id(c, key, value)
		                    : csvc_customer_remove_external_id(c, key, value);
	} else if (!strcmp(name, "attr")) {
		if (split_pair(v, key, sizeof(key), &value) != 0)
			return cli_usage(ctx, "--attr: expected KEY=VALUE, got \"%s\"", v);
		rc = csvc_customer_set_attr(c, key, value);
	} else if (!strcmp(name, "remove-attr"))
		rc = csvc_customer_set_attr(c, v, NULL);
	else if (!strcmp(name, "remove-phone"))
		rc = csvc_customer_remove_phone(c, v);
	else if (!strcmp(name, "remove-email"))
		rc = csvc_customer_remove_email(c, v);
	else if (!strcmp(name, "remove-tag"))
		rc = csvc_customer_remove_tag(c, v);
	else if (!strcmp(name, "remove-member-card"))
		rc = csvc_customer_remove_external_id(c, "member_card", v);
	else
		return CLI_OK;
	if (rc != CSVC_OK) {
		snprintf(what, sizeof(what), "--%s", name);
		return cli_lib_error(ctx, rc, what);
	}
	return CLI_OK;
}

static int apply_options(cli_ctx *ctx, csvc_customer *c, const cli_args *a)
{
	for (size_t i = 0; i < a->n; i++) {
		int rc = set_field(ctx, c, a->name[i], a->value[i]);
		if (rc != CLI_OK)
			return rc;
	}
	return CLI_OK;
}

static int get_customer(cli_ctx *ctx, const char *text, csvc_customer **out)
{
	csvc_uuid id;
	int rc = cli_parse_uuid(ctx, text, "customer", &id);
	if (rc != CLI_OK)
		return rc;
	if ((rc = csvc_customer_get(ctx->store, &id, out)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* add, show, update                                                   */
/* ------------------------------------------------------------------ */

static const char add_help[] =
	"usage: csvc customer add [--id UUID] [FIELD OPTIONS]\n"
	"\n"
	"Creates a customer and prints its UUID (with --json: the whole record).\n"
	"\n"
	"Field options (repeat the list options for several values):\n"
	"  --name TEXT            display name, e.g. 王芳\n"
	"  --phone NUMBER         a phone number as entered (list)\n"
	"  --email ADDRESS        an e-mail address (list)\n"
	"  --address TEXT\n"
	"  --birthday YYYY-MM-DD\n"
	"  --notes TEXT           preferences and special needs\n"
	"  --home-store CODE      e.g. SH01\n"
	"  --class CLASS          vip|important|ordinary|potential (or 核心|重要|普通|潜在)\n"
	"  --tier N               1|2|3 (一级|二级|三级)\n"
	"  --lifecycle STAGE      potential|new|growing|mature|churned\n"
	"  --tag TAG              (list)\n"
	"  --member-card VALUE    external ID of kind member_card (list)\n"
	"  --external-id KIND=VALUE  any external ID, e.g. wechat_openid=o6_bm (list)\n"
	"  --attr KEY=VALUE       a free-form attribute (list)\n"
	"  --id UUID              use this UUID instead of a random one\n";

static const cli_opt add_opts[] = {FIELD_OPTS, {"id", 1}, {NULL, 0}};

static int cmd_add(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, add_opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	csvc_customer *c = NULL;
	if (csvc_customer_new(&c) != CSVC_OK)
		return cli_error(ctx, "out of memory");
	if (cli_arg(&a, "id")) {
		csvc_uuid id;
		if ((rc = cli_parse_uuid(ctx, cli_arg(&a, "id"), "--id", &id)) != CLI_OK)
			goto out;
		if ((rc = csvc_customer_set_id(c, &id)) != CSVC_OK) {
			rc = cli_lib_error(ctx, rc, "--id");
			goto out;
		}
	}
	if ((rc = apply_options(ctx, c, &a)) != CLI_OK)
		goto out;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		goto out;
	if ((rc = csvc_customer_create(ctx->store, c, ctx->actor)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		goto out;
	}
	if (ctx->json) {
		output_customer(ctx, c);
	} else {
		char id[CSVC_UUID_STRLEN + 1];
		csvc_uuid_to_string(csvc_customer_id(c), id);
		puts(id);
	}
	rc = CLI_OK;
out:
	csvc_customer_free(c);
	return rc;
}

static const char show_help[] =
	"usage: csvc customer show UUID\n"
	"\n"
	"Prints one customer, including merged and erased ones.\n";

static int cmd_show(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "customer UUID")))
		return rc;
	csvc_uuid id;
	if ((rc = cli_parse_uuid(ctx, a.pos[0], "customer", &id)) != CLI_OK)
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_customer *c = NULL;
	if ((rc = get_customer(ctx, a.pos[0], &c)) != CLI_OK)
		return rc;
	output_customer(ctx, c);
	csvc_customer_free(c);
	return CLI_OK;
}

static const char update_help[] =
	"usage: csvc customer update UUID [FIELD OPTIONS] [REMOVE OPTIONS]\n"
	"\n"
	"Changes a customer and prints the updated record. Field options are those\n"
	"of 'csvc customer add'; list options add a value. An empty value clears\n"
	"a text field (--address \"\"), --tier none clears the tier.\n"
	"\n"
	"Remove options:\n"
	"  --remove-phone NUMBER, --remove-email ADDRESS, --remove-tag TAG,\n"
	"  --remove-member-card VALUE, --remove-external-id KIND=VALUE,\n"
	"  --remove-attr KEY\n";

static const cli_opt update_opts[] = {
	FIELD_OPTS,           {"remove-phone", 1},       {"remove-email", 1}, {"remove-tag", 1},
	{"remove-member-card", 1}, {"remove-external-id", 1}, {"remove-attr", 1}, {NULL, 0}};

static int cmd_update(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, update_opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "customer UUID")))
		return rc;
	csvc_uuid id;
	if ((rc = cli_parse_uuid(ctx, a.pos[0], "customer", &id)) != CLI_OK)
		return rc;
	if (a.n == 0)
		return cli_usage(ctx, "nothing to change");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_customer *c = NULL;
	if ((rc = get_customer(ctx, a.pos[0], &c)) != CLI_OK)
		return rc;
	if ((rc = apply_options(ctx, c, &a)) == CLI_OK) {
		if ((rc = csvc_customer_update(ctx->store, c, ctx->actor)) != CSVC_OK)
			rc = cli_lib_error(ctx, rc, NULL);
		else
			output_customer(ctx, c);
	}
	csvc_customer_free(c);
	return rc;
}

/* ------------------------------------------------------------------ */
/* find, search                                                        */
/* ------------------------------------------------------------------ */

static const char find_help[] =
	"usage: csvc customer find (--phone NUMBER | --email ADDRESS | --member-card VALUE |\n"
	"                           --external-id KIND=VALUE)\n"
	"\n"
	"Finds the active customer with this phone number (compared after\n"
	"normalisation: 138-0013-8000, +86 138 0013 8000 and 0086 13800138000 are\n"
	"one number), e-mail address (case-insensitive) or external ID, and prints\n"
	"it. Exit status 1 when there is none.\n";

static int cmd_find(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"phone", 1}, {"email", 1}, {"member-card", 1}, {"external-id", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	if (a.n != 1)
		return cli_usage(ctx, "give exactly one of --phone, --email, --member-card, --external-id");
	char key[256];
	const char *value = a.value[0];
	if (!strcmp(a.name[0], "external-id") && split_pair(a.value[0], key, sizeof(key), &value) != 0)
		return cli_usage(ctx, "--external-id: expected KIND=VALUE, got \"%s\"", a.value[0]);
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_customer *c = NULL;
	if (!strcmp(a.name[0], "phone"))
		rc = csvc_customer_find_by_phone(ctx->store, value, &c);
	else if (!strcmp(a.name[0], "email"))
		rc = csvc_customer_find_by_email(ctx->store, value, &c);
	else if (!strcmp(a.name[0], "member-card"))
		rc = csvc_customer_find_by_external_id(ctx->store, "member_card", value, &c);
	else
		rc = csvc_customer_find_by_external_id(ctx->store, key, value, &c);
	if (rc == CSVC_ENOTFOUND)
		return cli_error(ctx, "no active customer with %s %s", a.name[0], a.value[0]);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, "find");
	output_customer(ctx, c);
	csvc_customer_free(c);
	return CLI_OK;
}

static const char search_help[] =
	"usage: csvc customer search [TEXT] [FILTERS]\n"
	"\n"
	"Lists the active customers matching every filter given, in creation order.\n"
	"TEXT is a substring of a name, phone, e-mail or the notes; Chinese works,\n"
	"including two-character names (梅梅).\n"
	"\n"
	"Filters:\n"
	"  --phone NUMBER, --email ADDRESS, --tag TAG, --home-store CODE,\n"
	"  --class CLASS, --tier N, --lifecycle STAGE\n"
	"  --all        also merged and erased customers\n"
	"  --limit N    at most N customers\n";

static int cmd_search(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"phone", 1}, {"email", 1},     {"tag", 1},   {"home-store", 1},
	                               {"class", 1}, {"tier", 1},      {"lifecycle", 1},
	                               {"all", 0},   {"limit", 1},     {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 1, "")))
		return rc;
	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	q.text = a.npos ? a.pos[0] : NULL;
	q.phone = cli_arg(&a, "phone");
	q.email = cli_arg(&a, "email");
	q.tag = cli_arg(&a, "tag");
	q.home_store = cli_arg(&a, "home-store");
	q.include_inactive = cli_has(&a, "all");
	char choices[128];
	if (cli_arg(&a, "class") && cli_enum_parse(cli_class_enum, cli_arg(&a, "class"), &q.customer_class))
		return cli_usage(ctx, "--class: unknown value \"%s\" (one of %s)", cli_arg(&a, "class"),
		                 cli_enum_choices(cli_class_enum, choices, sizeof(choices)));
	if (cli_arg(&a, "tier") && cli_enum_parse(cli_tier_enum, cli_arg(&a, "tier"), &q.tier))
		return cli_usage(ctx, "--tier: unknown value \"%s\" (one of 1|2|3)", cli_arg(&a, "tier"));
	if (cli_arg(&a, "lifecycle") &&
	    cli_enum_parse(cli_lifecycle_enum, cli_arg(&a, "lifecycle"), &q.lifecycle))
		return cli_usage(ctx, "--lifecycle: unknown value \"%s\" (one of %s)", cli_arg(&a, "lifecycle"),
		                 cli_enum_choices(cli_lifecycle_enum, choices, sizeof(choices)));
	if (cli_arg(&a, "limit")) {
		char *end;
		long n = strtol(cli_arg(&a, "limit"), &end, 10);
		if (*end || n < 1 || n > 1000000000)
			return cli_usage(ctx, "--limit: expected a positive number, got \"%s\"", cli_arg(&a, "limit"));
		q.limit = (uint32_t)n;
	}
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_customer_iter *it = NULL;
	if ((rc = csvc_customer_iter_new(ctx->store, &q, &it)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	static const char *const headers[] = {"ID", "NAME", "PHONE", "STORE", "CLASS", "TIER", "TAGS"};
	cli_table *t = ctx->json ? NULL : cli_table_new(7, headers);
	if (t) {
		cli_table_max_width(t, 1, 20);
		cli_table_max_width(t, 6, 30);
	}
	cli_json j;
	cj_init(&j, stdout);
	if (ctx->json)
		cj_arr(&j);
	csvc_customer *c = NULL;
	size_t count = 0;
	while ((rc = csvc_customer_iter_next(it, &c)) == CSVC_OK) {
		count++;
		if (ctx->json) {
			cli_customer_json(&j, c);
		} else {
			char id[CSVC_UUID_STRLEN + 1], tags[1024];
			csvc_uuid_to_string(csvc_customer_id(c), id);
			cli_table_cell(t, id);
			cli_table_cell(t, csvc_customer_name(c));
			cli_table_cell(t, csvc_customer_phone(c, 0));
			cli_table_cell(t, csvc_customer_home_store(c));
			cli_table_cell(t, cli_enum_name(cli_class_enum, csvc_customer_class(c)));
			cli_table_cell(t, cli_enum_name(cli_tier_enum, csvc_customer_tier(c)));
			join(tags, sizeof(tags), csvc_customer_tag_count(c), csvc_customer_tag, c);
			cli_table_cell(t, tags[0] ? tags : NULL);
		}
		csvc_customer_free(c);
	}
	csvc_customer_iter_free(it);
	if (rc != CSVC_ITEROVER) {
		if (t)
			cli_table_print(t, stdout);
		return cli_lib_error(ctx, rc, NULL);
	}
	if (ctx->json) {
		cj_end_arr(&j);
		cj_done(&j);
	} else if (count) {
		cli_table_print(t, stdout);
	} else {
		cli_table_free(t);
		puts("(no customers)");
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* merge, erase                                                        */
/* ------------------------------------------------------------------ */

static const char merge_help[] =
	"usage: csvc customer merge KEEP-UUID ABSORB-UUID\n"
	"\n"
	"Merges the second customer into the first: tickets move over, phones,\n"
	"e-mails, tags and external IDs are united; where both records hold\n"
	"different values the kept one wins and the conflict is printed (the\n"
	"absorbed record keeps its value, nothing is lost).\n";

static int cmd_merge(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 2, 2, "KEEP and ABSORB customer UUIDs")))
		return rc;
	csvc_uuid keep, absorb;
	if ((rc = cli_parse_uuid(ctx, a.pos[0], "KEEP", &keep)) ||
	    (rc = cli_parse_uuid(ctx, a.pos[1], "ABSORB", &absorb)))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_merge_report *report = NULL;
	if ((rc = csvc_customer_merge(ctx->store, &keep, &absorb, ctx->actor, &report)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	cli_json j;
	cj_init(&j, stdout);
	if (ctx->json) {
		cj_obj(&j);
		cj_kstr(&j, "kept", a.pos[0]);
		cj_kstr(&j, "absorbed", a.pos[1]);
		cj_key(&j, "conflicts");
		cj_arr(&j);
	} else {
		printf("merged %s into %s\n", a.pos[1], a.pos[0]);
	}
	for (size_t i = 0; i < csvc_merge_report_count(report); i++) {
		const char *field, *key, *kept, *absorbed;
		csvc_merge_report_at(report, i, &field, &key, &kept, &absorbed);
		if (ctx->json) {
			cj_obj(&j);
			cj_kstr(&j, "field", field);
			cj_kstr(&j, "key", key);
			cj_kstr(&j, "kept", kept);
			cj_kstr(&j, "absorbed", absorbed);
			cj_end_obj(&j);
		} else {
			printf("conflict on %s%s%s: kept \"%s\", the absorbed record keeps \"%s\"\n", field,
			       key ? " " : "", key ? cli_show(key) : "", cli_show(kept), cli_show(absorbed));
		}
	}
	csvc_merge_report_free(report);
	if (ctx->json) {
		cj_end_arr(&j);
		cj_end_obj(&j);
		cj_done(&j);
	}
	return CLI_OK;
}

static const char erase_help[] =
	"usage: csvc customer erase UUID --yes\n"
	"\n"
	"Erases the personal data of a customer (a privacy request): name, phones,\n"
	"e-mails, address, birthday, notes, tags, attributes and external IDs.\n"
	"The UUID, class, tier, lifecycle, home store and the tickets remain, so\n"
	"statistics stay right. This cannot be undone, hence --yes.\n";

static int cmd_erase(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"yes", 0}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "customer UUID")))
		return rc;
	csvc_uuid id;
	if ((rc = cli_parse_uuid(ctx, a.pos[0], "customer", &id)) != CLI_OK)
		return rc;
	if (!cli_has(&a, "yes"))
		return cli_usage(ctx, "erasing cannot be undone: add --yes");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	if ((rc = csvc_customer_erase(ctx->store, &id, ctx->actor)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json)
		printf("{\n  \"erased\": \"%s\"\n}\n", a.pos[0]);
	else
		printf("erased the personal data of %s\n", a.pos[0]);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* consent                                                             */
/* ------------------------------------------------------------------ */

static const char consent_help[] =
	"usage: csvc customer consent UUID --purpose PURPOSE (--give | --withdraw)\n"
	"                             [--channel NAME] [--text-version VERSION]\n"
	"\n"
	"Records that the customer gave or withdrew consent to PURPOSE:\n"
	"service_contact (服务联系), survey (满意度调查), marketing (营销), profiling\n"
	"(用户画像) or third_party (第三方共享). Records are never changed: the newest\n"
	"of a purpose is the customer's current word. A customer who withdrew\n"
	"survey consent gets no survey invitation. --channel says how (counter,\n"
	"app, phone ...), --text-version which consent text was shown.\n";

static int cmd_consent(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"purpose", 1}, {"give", 0},         {"withdraw", 0},
	                               {"channel", 1}, {"text-version", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "customer UUID")))
		return rc;
	csvc_uuid id;
	if ((rc = cli_parse_uuid(ctx, a.pos[0], "customer", &id)) != CLI_OK)
		return rc;
	csvc_consent_form f = CSVC_CONSENT_FORM_INIT;
	const char *purpose = cli_arg(&a, "purpose");
	char choices[160];
	if (!purpose)
		return cli_usage(ctx, "missing --purpose (%s)",
		                 cli_enum_choices(cli_consent_purpose_enum, choices, sizeof(choices)));
	if (cli_enum_parse(cli_consent_purpose_enum, purpose, &f.purpose) != 0)
		return cli_usage(ctx, "--purpose: unknown purpose \"%s\" (expected %s)", purpose,
		                 cli_enum_choices(cli_consent_purpose_enum, choices, sizeof(choices)));
	if (cli_has(&a, "give") == cli_has(&a, "withdraw"))
		return cli_usage(ctx, "give exactly one of --give and --withdraw");
	f.state = cli_has(&a, "give") ? CSVC_CONSENT_GIVEN : CSVC_CONSENT_WITHDRAWN;
	f.customer = &id;
	f.channel = cli_arg(&a, "channel");
	f.text_version = cli_arg(&a, "text-version");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	if ((rc = csvc_consent_record(ctx->store, &f, ctx->actor)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		cli_close_store(ctx);
		return rc;
	}
	cli_close_store(ctx);
	const char *pname = csvc_enum_name(CSVC_ENUM_CONSENT_PURPOSE, f.purpose),
	           *sname = csvc_enum_name(CSVC_ENUM_CONSENT_STATE, f.state);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "customer", a.pos[0]);
		cj_kstr(&j, "purpose", pname);
		cj_kstr(&j, "state", sname);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		printf("%s: %s %s\n", a.pos[0], pname, sname);
	}
	return CLI_OK;
}

static const char consents_help[] =
	"usage: csvc customer consents UUID\n"
	"\n"
	"Prints the customer's current word on each purpose (given, withdrawn or\n"
	"- when never asked), then every consent record, oldest first (those of\n"
	"customers merged into this one included).\n";

static int cmd_consents(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "customer UUID")))
		return rc;
	csvc_uuid id;
	if ((rc = cli_parse_uuid(ctx, a.pos[0], "customer", &id)) != CLI_OK)
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	int32_t current[CSVC_CONSENT_PURPOSE_MAX + 1] = {0};
	csvc_consent **h = NULL;
	size_t n = 0;
	/* One snapshot for the states and the history. */
	if ((rc = csvc_store_begin(ctx->store)) == CSVC_OK) {
		for (int p = 1; p <= CSVC_CONSENT_PURPOSE_MAX && rc == CSVC_OK; p++)
			rc = csvc_consent_current(ctx->store, &id, (csvc_consent_purpose_t)p, &current[p]);
		if (rc == CSVC_OK)
			rc = csvc_consent_history(ctx->store, &id, &h, &n);
		csvc_store_rollback(ctx->store);
	}
	if (rc != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		cli_close_store(ctx);
		return rc;
	}
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "customer", a.pos[0]);
		cj_key(&j, "current");
		cj_obj(&j);
		for (int p = 1; p <= CSVC_CONSENT_PURPOSE_MAX; p++) {
			cj_key(&j, csvc_enum_name(CSVC_ENUM_CONSENT_PURPOSE, p));
			cj_str(&j, csvc_enum_name(CSVC_ENUM_CONSENT_STATE, current[p]));
		}
		cj_end_obj(&j);
		cj_key(&j, "history");
		cj_arr(&j);
		for (size_t i = 0; i < n; i++) {
			cj_obj(&j);
			cj_kstr(&j, "purpose", csvc_enum_name(CSVC_ENUM_CONSENT_PURPOSE, csvc_consent_purpose(h[i])));
			cj_kstr(&j, "state", csvc_enum_name(CSVC_ENUM_CONSENT_STATE, csvc_consent_state(h[i])));
			cj_ktime(&j, "at", csvc_consent_at(h[i]));
			cj_kstr(&j, "channel", csvc_consent_channel(h[i]));
			cj_kstr(&j, "text_version", csvc_consent_text_version(h[i]));
			cj_kstr(&j, "actor", csvc_consent_actor(h[i]));
			cj_end_obj(&j);
		}
		cj_end_arr(&j);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		for (int p = 1; p <= CSVC_CONSENT_PURPOSE_MAX; p++) {
			const char *st = csvc_enum_name(CSVC_ENUM_CONSENT_STATE, current[p]);
			printf("%-16s %-10s %s\n", csvc_enum_name(CSVC_ENUM_CONSENT_PURPOSE, p), st ? st : "-",
			       cli_enum_zh(cli_consent_purpose_enum, p));
		}
		for (size_t i = 0; i < n; i++) {
			char when[CLI_TIME_LEN];
			cli_format_time(csvc_consent_at(h[i]), when);
			printf("%s  %-16s %-9s %s%s%s%s%s\n", when,
			       csvc_enum_name(CSVC_ENUM_CONSENT_PURPOSE, csvc_consent_purpose(h[i])),
			       csvc_enum_name(CSVC_ENUM_CONSENT_STATE, csvc_consent_state(h[i])),
			       csvc_consent_channel(h[i]) ? csvc_consent_channel(h[i]) : "-",
			       csvc_consent_text_version(h[i]) ? " text " : "",
			       csvc_consent_text_version(h[i]) ? csvc_consent_text_version(h[i]) : "",
			       csvc_consent_actor(h[i]) ? " by " : "", csvc_consent_actor(h[i]) ? csvc_consent_actor(h[i]) : "");
		}
	}
	csvc_consent_list_free(h, n);
	cli_close_store(ctx);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* export                                                              */
/* ------------------------------------------------------------------ */

static const char export_help[] =
	"usage: csvc customer export UUID\n"
	"\n"
	"Prints, as JSON, all the data the store holds on one customer\n"
	"(csvc_customer_export, docs/privacy.md): the record with its lifecycle\n"
	"history, the records merged into it (which keep the values that\n"
	"conflicted), the consent history, every ticket of the customer with its\n"
	"full event history (comments included) and SLA targets, and the\n"
	"customer's survey responses. Times are microseconds since the epoch.\n"
	"The output is JSON whether or not --json is given.\n";

static int cmd_export(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "customer UUID")))
		return rc;
	csvc_uuid id;
	if ((rc = cli_parse_uuid(ctx, a.pos[0], "customer", &id)) != CLI_OK)
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	char *json = NULL;
	if ((rc = csvc_customer_export(ctx->store, &id, &json)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	cli_json j;
	cj_init(&j, stdout);
	cj_raw_pretty(&j, json);
	cj_done(&j);
	csvc_free(json);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* import                                                              */
/* ------------------------------------------------------------------ */

static const char import_help[] =
	"usage: csvc customer import --csv FILE [--all-or-nothing | --skip-bad-rows]\n"
	"\n"
	"Creates one customer per row of an RFC 4180 CSV file (UTF-8, comma-\n"
	"separated, quoted fields may hold commas, quotes and line breaks, CRLF or\n"
	"LF line ends). The first row names the columns; a column may appear once,\n"
	"an unknown column name is an error. Empty cells set nothing.\n"
	"\n"
	"Columns:\n"
	"  id             the customer's UUID (else a random one)\n"
	"  name, address, notes, home_store\n"
	"  phone, email   one or more values separated by ';'\n"
	"  birthday       YYYY-MM-DD or YYYYMMDD\n"
	"  class          vip|important|ordinary|potential (or 核心|重要|普通|潜在, 1-4)\n"
	"  tier           1|2|3 (or 一级|二级|三级)\n"
	"  lifecycle      potential|new|growing|mature|churned (or 潜在|新|成长|成熟|流失)\n"
	"  tags           tags separated by ';'\n"
	"  member_card    member card numbers separated by ';'\n"
	"  ext:KIND       external IDs of kind KIND (e.g. ext:wechat_openid), ';'-separated\n"
	"  attr:KEY       the attribute KEY\n"
	"\n"
	"All rows are imported in one transaction. A malformed file (an unclosed\n"
	"quote, a stray quote, bad UTF-8) imports nothing. A row that is rejected\n"
	"(wrong number of fields, a bad value, a member card already taken) is\n"
	"reported on stderr with its line number and the reason, and then:\n"
	"  --all-or-nothing   (the default) nothing is imported;\n"
	"  --skip-bad-rows    the other rows are imported.\n"
	"The exit status is 1 when any row was rejected. A progress bar (rows read\n"
	"of the file) is drawn on stderr when it is a terminal, unless --quiet.\n";

enum { COL_ID, COL_NAME, COL_PHONE, COL_EMAIL, COL_ADDRESS, COL_BIRTHDAY, COL_NOTES, COL_HOME_STORE,
       COL_CLASS, COL_TIER, COL_LIFECYCLE, COL_TAGS, COL_MEMBER_CARD, COL_EXT, COL_ATTR };

static const char *const column_names[] = {"id", "name", "phone", "email", "address", "birthday",
                                           "notes", "home_store", "class", "tier", "lifecycle",
                                           "tags", "member_card"};

typedef struct column {
	int kind;
	char *key; /* KIND of ext:, KEY of attr: */
} column;

/* Applies a ';'-separated list through `add`. */
static int add_list(csvc_customer *c, const char *value, const char *kind,
                    int (*add)(csvc_customer *, const char *),
                    int (*add_ext)(csvc_customer *, const char *, const char *), char *err,
                    size_t errsize)
{
	char *copy = strdup(value), *save = NULL;
	if (!copy)
		return snprintf(err, errsize, "out of memory"), -1;
	int rc = CSVC_OK;
	for (char *tok = strtok_r(copy, ";", &save); tok && rc == CSVC_OK; tok = strtok_r(NULL, ";", &save)) {
		while (*tok == ' ')
			tok++;
		size_t n = strlen(tok);
		while (n && tok[n - 1] == ' ')
			tok[--n] = '\0';
		if (!n)
			continue;
		rc = add ? add(c, tok) : add_ext(c, kind, tok);
		if (rc != CSVC_OK)
			snprintf(err, errsize, "%s", csvc_error_last()->message);
	}
	free(copy);
	return rc == CSVC_OK ? 0 : -1;
}

/* Builds a customer from one row; on failure writes the reason. */
static int row_customer(const csv_reader *r, const column *cols, size_t ncols, csvc_customer **out,
                        char *err, size_t errsize)
{
	csvc_customer *c = NULL;
	char sub[512];
	if (csvc_customer_new(&c) != CSVC_OK)
		return snprintf(err, errsize, "out of memory"), -1;
	for (size_t i = 0; i < ncols; i++) {
		const char *v = csv_field(r, i);
		if (!*v)
			continue;
		int rc = CSVC_OK, bad = 0;
		int32_t n;
		csvc_uuid id;
		sub[0] = '\0';
		switch (cols[i].kind) {
		case COL_ID:
			if (csvc_uuid_from_string(v, &id) != CSVC_OK)
				bad = snprintf(sub, sizeof(sub), "\"%s\" is not a UUID", v);
			else
				rc = csvc_customer_set_id(c, &id);
			break;
		case COL_NAME: rc = csvc_customer_set_name(c, v); break;
		case COL_ADDRESS: rc = csvc_customer_set_address(c, v); break;
		case COL_NOTES: rc = csvc_customer_set_notes(c, v); break;
		case COL_HOME_STORE: rc = csvc_customer_set_home_store(c, v); break;
		case COL_BIRTHDAY:
			if (cli_parse_date(v, &n) != 0)
				bad = snprintf(sub, sizeof(sub), "malformed date \"%s\" (expected YYYY-MM-DD)", v);
			else
				rc = csvc_customer_set_birthday(c, n);
			break;
		case COL_CLASS:
			if (cli_enum_parse(cli_class_enum, v, &n) != 0)
				bad = snprintf(sub, sizeof(sub), "unknown class \"%s\"", v);
			else
				rc = csvc_customer_set_class(c, n);
			break;
		case COL_TIER:
			if (cli_enum_parse(cli_tier_enum, v, &n) != 0)
				bad = snprintf(sub, sizeof(sub), "unknown tier \"%s\"", v);
			else
				rc = csvc_customer_set_tier(c, n);
			break;
		case COL_LIFECYCLE:
			if (cli_enum_parse(cli_lifecycle_enum, v, &n) != 0)
				bad = snprintf(sub, sizeof(sub), "unknown lifecycle stage \"%s\"", v);
			else
				rc = csvc_customer_set_lifecycle(c, n);
			break;
		case COL_PHONE:
			bad = add_list(c, v, NULL, csvc_customer_add_phone, NULL, sub, sizeof(sub));
			break;
		case COL_EMAIL:
			bad = add_list(c, v, NULL, csvc_customer_add_email, NULL, sub, sizeof(sub));
			break;
		case COL_TAGS:
			bad = add_list(c, v, NULL, csvc_customer_add_tag, NULL, sub, sizeof(sub));
			break;
		case COL_MEMBER_CARD:
			bad = add_list(c, v, "member_card", NULL, csvc_customer_add_external_id, sub, sizeof(sub));
			break;
		case COL_EXT:
			bad = add_list(c, v, cols[i].key, NULL, csvc_customer_add_external_id, sub, sizeof(sub));
			break;
		case COL_ATTR: rc = csvc_customer_set_attr(c, cols[i].key, v); break;
		}
		if (rc != CSVC_OK)
			snprintf(sub, sizeof(sub), "%s", csvc_error_last()->message), bad = 1;
		if (bad) {
			if (cols[i].kind < COL_EXT)
				snprintf(err, errsize, "column %s: %s", column_names[cols[i].kind], sub);
			else
				snprintf(err, errsize, "column %s%s: %s", cols[i].kind == COL_EXT ? "ext:" : "attr:",
				         cols[i].key, sub);
			csvc_customer_free(c);
			return -1;
		}
	}
	*out = c;
	return 0;
}

static int parse_header(cli_ctx *ctx, const char *path, const csv_reader *r, column *cols)
{
	size_t n = csv_nfields(r);
	for (size_t i = 0; i < n; i++) {
		const char *name = csv_field(r, i);
		cols[i].key = NULL;
		cols[i].kind = -1;
		for (size_t k = 0; k < sizeof(column_names) / sizeof(column_names[0]); k++)
			if (!strcmp(name, column_names[k]))
				cols[i].kind = (int)k;
		if (cols[i].kind < 0 && !strncmp(name, "ext:", 4) && name[4]) {
			cols[i].kind = COL_EXT;
			cols[i].key = (char *)name + 4;
		} else if (cols[i].kind < 0 && !strncmp(name, "attr:", 5) && name[5]) {
			cols[i].kind = COL_ATTR;
			cols[i].key = (char *)name + 5;
		}
		if (cols[i].kind < 0)
			return cli_error(ctx, "%s: line %zu: unknown column \"%s\" (see csvc customer import --help)",
			                 path, csv_record_line(r), name);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(csv_field(r, k), name))
				return cli_error(ctx, "%s: line %zu: column \"%s\" appears twice", path, csv_record_line(r),
				                 name);
	}
	/* Keep the keys: the reader's buffer is reused for the next record. */
	for (size_t i = 0; i < n; i++)
		if (cols[i].key && !(cols[i].key = strdup(cols[i].key)))
			return cli_error(ctx, "out of memory");
	return CLI_OK;
}

static int blank_record(const csv_reader *r)
{
	return csv_nfields(r) == 1 && csv_field(r, 0)[0] == '\0';
}

static int cmd_import(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"csv", 1}, {"all-or-nothing", 0}, {"skip-bad-rows", 0}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	const char *path = cli_arg(&a, "csv");
	if (!path)
		return cli_usage(ctx, "missing --csv FILE");
	if (cli_has(&a, "all-or-nothing") && cli_has(&a, "skip-bad-rows"))
		return cli_usage(ctx, "--all-or-nothing and --skip-bad-rows exclude each other");
	int skip_bad = cli_has(&a, "skip-bad-rows");
	char *data = NULL;
	size_t len = 0;
	if ((rc = cli_read_file(ctx, path, &data, &len)) != CLI_OK)
		return rc;

	/* First pass: the whole file must be well-formed before the store is touched. */
	csv_reader r;
	size_t rows = 0;
	csv_init(&r, data, len);
	int more;
	while ((more = csv_next(&r)) == CSV_RECORD)
		rows += !blank_record(&r);
	if (more != CSV_END) {
		rc = more == CSV_ENOMEM ? cli_error(ctx, "out of memory")
		                        : cli_error(ctx, "%s: line %zu, column %zu: %s; nothing imported", path,
		                                    r.error_line, r.error_column, r.error);
		csv_free(&r);
		free(data);
		return rc;
	}
	csv_free(&r);
	if (rows == 0) {
		free(data);
		return cli_error(ctx, "%s: no header row", path);
	}
	rows--; /* the header */

	column *cols = NULL;
	csv_init(&r, data, len);
	while ((more = csv_next(&r)) == CSV_RECORD && blank_record(&r))
		;
	size_t ncols = csv_nfields(&r);
	if (!(cols = calloc(ncols, sizeof(column)))) {
		rc = cli_error(ctx, "out of memory");
		goto out;
	}
	if ((rc = parse_header(ctx, path, &r, cols)) != CLI_OK)
		goto out;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		goto out;
	if ((rc = csvc_store_begin(ctx->store)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, "begin");
		goto out;
	}
	cli_progress bar;
	cli_progress_start(&bar, ctx, "importing", rows);
	size_t done = 0, imported = 0, rejected = 0;
	size_t cap = 16, nrej = 0;
	struct rejection {
		size_t line;
		char *reason;
	} *rej = malloc(cap * sizeof(*rej));
	while (rej && (more = csv_next(&r)) == CSV_RECORD) {
		if (blank_record(&r))
			continue;
		char reason[768];
		csvc_customer *c = NULL;
		int bad = 0;
		if (csv_nfields(&r) != ncols) {
			snprintf(reason, sizeof(reason), "expected %zu fields, found %zu", ncols, csv_nfields(&r));
			bad = 1;
		} else if (row_customer(&r, cols, ncols, &c, reason, sizeof(reason)) != 0) {
			bad = 1;
		} else if (csvc_customer_create(ctx->store, c, ctx->actor) != CSVC_OK) {
			snprintf(reason, sizeof(reason), "%s", csvc_error_last()->message);
			bad = 1;
		}
		csvc_customer_free(c);
		if (bad) {
			char *shown = cli_visible(reason, CLI_VIS_SPACES);
			cli_progress_clear(&bar);
			fprintf(stderr, "csvc: customer import: %s: line %zu: %s\n", cli_show(path),
			        csv_record_line(&r), shown);
			free(shown);
			rejected++;
			if (nrej == cap) {
				void *p = realloc(rej, cap * 2 * sizeof(*rej));
				if (!p)
					break;
				rej = p;
				cap *= 2;
			}
			rej[nrej].line = csv_record_line(&r);
			rej[nrej].reason = strdup(reason);
			nrej++;
		} else {
			imported++;
		}
		done++;
		cli_progress_update(&bar, done);
	}
	cli_progress_end(&bar);
	int commit = rej && more == CSV_END && (skip_bad || rejected == 0);
	if (commit) {
		if ((rc = csvc_store_commit(ctx->store)) != CSVC_OK) {
			rc = cli_lib_error(ctx, rc, "commit");
			commit = 0;
			imported = 0;
		} else {
			rc = rejected ? CLI_ERROR : CLI_OK;
		}
	} else {
		csvc_store_rollback(ctx->store);
		imported = 0;
		rc = rej && more == CSV_END ? CLI_ERROR : cli_error(ctx, "out of memory");
	}
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "file", path);
		cj_kstr(&j, "mode", skip_bad ? "skip-bad-rows" : "all-or-nothing");
		cj_kint(&j, "rows", (int64_t)rows);
		cj_kint(&j, "imported", (int64_t)imported);
		cj_key(&j, "committed");
		cj_bool(&j, commit);
		cj_key(&j, "rejected");
		cj_arr(&j);
		for (size_t i = 0; i < nrej; i++) {
			cj_obj(&j);
			cj_kint(&j, "line", (int64_t)rej[i].line);
			cj_kstr(&j, "reason", rej[i].reason);
			cj_end_obj(&j);
		}
		cj_end_arr(&j);
		cj_end_obj(&j);
		cj_done(&j);
	} else if (commit) {
		printf("imported %zu of %zu rows from %s", imported, rows, path);
		if (rejected)
			printf("; %zu rejected (skipped)", rejected);
		putchar('\n');
	}
	if (!commit && rejected)
		fprintf(stderr, "csvc: customer import: %zu of %zu rows rejected; nothing imported "
		                "(--skip-bad-rows imports the others)\n", rejected, rows);
	for (size_t i = 0; i < nrej; i++)
		free(rej[i].reason);
	free(rej);
out:
	for (size_t i = 0; cols && i < ncols; i++)
		free(cols[i].key);
	free(cols);
	csv_free(&r);
	free(data);
	return rc;
}

const cli_command cli_customer_commands[] = {
	{"add", "create a customer", add_help, cmd_add},
	{"show", "print one customer", show_help, cmd_show},
	{"find", "find by phone, e-mail, member card or external ID", find_help, cmd_find},
	{"search", "list customers by text and filters", search_help, cmd_search},
	{"update", "change a customer", update_help, cmd_update},
	{"merge", "merge a duplicate into the customer to keep", merge_help, cmd_merge},
	{"erase", "erase a customer's personal data", erase_help, cmd_erase},
	{"import", "import customers from a CSV file", import_help, cmd_import},
	{"export", "all data held on one customer, as JSON", export_help, cmd_export},
	{"consent", "record that a customer gave or withdrew consent to a purpose", consent_help, cmd_consent},
	{"consents", "a customer's consent per purpose and its history", consents_help, cmd_consents},
	{NULL, NULL, NULL, NULL}};
