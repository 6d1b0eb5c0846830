/*
 * csvc - the libcsvc command-line tool: what every command group shares.
 *
 * Argument parsing, error reporting and exit codes, the store, ISO 8601
 * times and durations, display width of UTF-8 text (East Asian wide
 * characters count as two columns), aligned plain-text tables, a small
 * JSON writer, and the names of the library's enumerations.
 *
 * Nothing here is part of libcsvc: the tool is an ordinary program built
 * against the public API.
 */
#ifndef CSVC_CLI_UTIL_H
#define CSVC_CLI_UTIL_H

#include <stdint.h>
#include <stdio.h>

#include <csvc.h>

/* Exit codes. */
enum {
	CLI_OK = 0,    /* success */
	CLI_ERROR = 1, /* the library or the system refused (message on stderr) */
	CLI_USAGE = 2  /* the command line is wrong (message on stderr) */
};

/* State shared by every command: the global options and the open store. */
typedef struct cli_ctx {
	const char *db_path;  /* --db, else $CSVC_DB, else ./csvc.db */
	int db_given;         /* --db was given explicitly */
	int json;             /* --json */
	int quiet;            /* --quiet: no progress bar */
	int have_now;         /* --now was given */
	csvc_time_us now;     /* the fixed clock of --now */
	const char *actor;    /* --actor, else the --as staff code, else "csvc" */
	int actor_given;      /* --actor was given explicitly */
	const char *as;       /* --as: the principal, with access control on; NULL: trusted mode */
	const char *prog;     /* "customer add": names the command in messages */
	csvc_store *store;    /* opened by cli_open_store */
} cli_ctx;

/* ---- commands ---- */

typedef int (*cli_fn)(cli_ctx *ctx, int argc, char **argv);

/* One subcommand: argv[0] is its name when `fn` is called. */
typedef struct cli_command {
	const char *name;
	const char *summary; /* one line, for the group's help */
	const char *help;    /* the full --help text */
	cli_fn fn;
} cli_command;

extern const cli_command cli_customer_commands[];
extern const cli_command cli_ticket_commands[];
extern const cli_command cli_calendar_commands[];
extern const cli_command cli_sla_commands[];
extern const cli_command cli_survey_commands[];
extern const cli_command cli_report_commands[];
extern const cli_command cli_feed_commands[];
extern const cli_command cli_staff_commands[];
extern const cli_command cli_team_commands[];
extern const cli_command cli_role_commands[];
extern const cli_command cli_route_commands[];
extern const cli_command cli_queue_commands[];

int cli_demo(cli_ctx *ctx, int argc, char **argv);
extern const char cli_demo_help[];

/* ---- option parsing ---- */

/* One option a command accepts ("--name VALUE" or "--flag"). */
typedef struct cli_opt {
	const char *name; /* without the leading "--" */
	int has_arg;
} cli_opt;

#define CLI_MAX_ITEMS 1024

/* The parsed command line: options in the order given, then positionals. */
typedef struct cli_args {
	size_t n;
	const char *name[CLI_MAX_ITEMS];
	const char *value[CLI_MAX_ITEMS]; /* NULL for flags */
	size_t npos;
	const char *pos[CLI_MAX_ITEMS];
} cli_args;

/*
 * Parses argv[1..argc) against `opts` and the global options (--db,
 * --json, --now, --actor, --as, --quiet), which are stored into `ctx`; an
 * option of `opts` with a global option's name is the command's. "--name=value"
 * and "--name value" both work; "--" ends the options. Returns CLI_OK or,
 * after printing one line, CLI_USAGE.
 */
int cli_parse(cli_ctx *ctx, int argc, char **argv, const cli_opt *opts, cli_args *a);
/* Handles one global option at argv[*i]: 1 if it was one, 0 if not, -1 on error. */
int cli_global_option(cli_ctx *ctx, int argc, char **argv, int *i);
/* The last value given for option `name`, or NULL. */
const char *cli_arg(const cli_args *a, const char *name);
/* 1 if option `name` was given. */
int cli_has(const cli_args *a, const char *name);
/* Checks the number of positionals: CLI_OK or CLI_USAGE with a message. */
int cli_want_pos(cli_ctx *ctx, const cli_args *a, size_t min, size_t max, const char *what);

/* ---- errors ---- */

/* "csvc: <prog>: <message> (see csvc <prog> --help)"; returns CLI_USAGE. */
int cli_usage(cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "csvc: <prog>: <message>"; returns CLI_ERROR. */
int cli_error(cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "csvc: <prog>: <what>: <library message>" (no "<what>: " when NULL); returns CLI_ERROR. */
int cli_lib_error(cli_ctx *ctx, int rc, const char *what);

/* ---- the store ---- */

/*
 * Opens ctx->db_path on the store's clock (--now when given). Unless
 * `create` is set the file must exist. With --as, opens it with access
 * control on and makes that staff member the principal. Returns CLI_OK or
 * CLI_ERROR.
 */
int cli_open_store(cli_ctx *ctx, int create);
void cli_close_store(cli_ctx *ctx);

/* ---- times, dates, durations ---- */

/* ISO 8601 instant with a zone: 2026-11-23T09:30:00Z, ...+08:00, fractions to µs. */
int cli_parse_time(const char *text, csvc_time_us *out);
/* Writes "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (buffer of CLI_TIME_LEN bytes). */
#define CLI_TIME_LEN 40
void cli_format_time(csvc_time_us t, char *buf);
/* "5400", "90m", "8h", "3d", "1h30m", "45s": a duration in microseconds. */
int cli_parse_duration(const char *text, int64_t *us);
/* Seconds, with the fraction only when there is one ("5400", "-0.5"). */
void cli_format_seconds(int64_t us, char *buf);
/* "YYYY-MM-DD" or "YYYYMMDD" to YYYYMMDD; a real date. */
int cli_parse_date(const char *text, int32_t *yyyymmdd);
/* Reads a whole file (NUL-terminated copy); prints the error itself. */
int cli_read_file(cli_ctx *ctx, const char *path, char **data, size_t *len);
/* The optional "--revision N" of `a` (0 when absent); a usage error
 * unless N is a positive number. */
int cli_parse_revision(cli_ctx *ctx, const cli_args *a, int64_t *rev);
/* Fails with the library's conflict message unless `rev` (when not 0) is
 * `now`, the revision of the record (`what` `code`) as read. */
int cli_check_revision(cli_ctx *ctx, const char *what, const char *code, int64_t rev, int64_t now);
/* Parses a UUID or prints a usage error. */
int cli_parse_uuid(cli_ctx *ctx, const char *text, const char *what, csvc_uuid *out);

/* ---- display width ---- */

/* Columns taken by code point `cp`: 2 for East Asian wide, 0 for combining/control. */
int cli_wcwidth(uint32_t cp);
/* Columns taken by UTF-8 text (invalid bytes count one each). */
size_t cli_display_width(const char *s);

/* ---- text for the terminal ---- */

/* How cli_visible() shows tab, line feed and carriage return. */
enum {
	CLI_VIS_SPACES = 0, /* as a space: one-line output (table cells, records, messages) */
	CLI_VIS_LINES = 1,  /* tab and line feed as they are, carriage return escaped (multi-line text) */
	CLI_VIS_ESCAPE = 2  /* as \t, \n and \r */
};
/*
 * A copy of UTF-8 text that is safe to print on a terminal: control
 * characters that could drive it (ESC, BEL and the other C0 controls, DEL,
 * the C1 controls U+0080..U+009F) are written as \x1b, \x7f or \u009b,
 * bytes that are not UTF-8 as \xNN, and tab and line breaks as `mode`
 * says. JSON output does not use it: JSON escapes control characters
 * itself. Free with free().
 */
char *cli_visible(const char *s, int mode);
/*
 * cli_visible(s, CLI_VIS_ESCAPE) for printf: the result stays valid for
 * the next 7 calls (NULL gives "").
 */
const char *cli_show(const char *s);

/* ---- tables ---- */

typedef struct cli_table cli_table;
/* A table with `ncols` columns and these headers. */
cli_table *cli_table_new(size_t ncols, const char *const *headers);
/* Limits column `col` to `width` display columns (longer cells end in "…"). */
void cli_table_max_width(cli_table *t, size_t col, size_t width);
/* Appends the next cell, row by row (NULL prints "-"). */
void cli_table_cell(cli_table *t, const char *text);
void cli_table_cellf(cli_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints and frees. */
void cli_table_print(cli_table *t, FILE *out);
/* Frees without printing. */
void cli_table_free(cli_table *t);

/* "label       value": one line of a record, labels padded to `width` columns. */
void cli_kv(const char *label, const char *value, size_t width);

/* ---- JSON output ---- */

typedef struct cli_json {
	FILE *out;
	int depth;
	int first[64];
	int after_key;
} cli_json;

void cj_init(cli_json *j, FILE *out);
void cj_obj(cli_json *j);
void cj_end_obj(cli_json *j);
void cj_arr(cli_json *j);
void cj_end_arr(cli_json *j);
void cj_key(cli_json *j, const char *key);
void cj_str(cli_json *j, const char *s);      /* NULL gives null */
void cj_int(cli_json *j, int64_t v);
void cj_bool(cli_json *j, int v);
void cj_null(cli_json *j);
void cj_raw(cli_json *j, const char *json);   /* already JSON text */
/* Already JSON text (such as the library's reports), indented to fit:
 * keys, values and their order are written as they are. */
void cj_raw_pretty(cli_json *j, const char *json);
void cj_time(cli_json *j, csvc_time_us t);    /* 0 gives null */
void cj_seconds(cli_json *j, int64_t us);     /* a number of seconds */
void cj_uuid(cli_json *j, const csvc_uuid *id); /* NULL or nil gives null */
void cj_done(cli_json *j);                    /* the final newline */
/* key + value shorthands */
void cj_kstr(cli_json *j, const char *key, const char *s);
void cj_kint(cli_json *j, const char *key, int64_t v);
void cj_ktime(cli_json *j, const char *key, csvc_time_us t);
void cj_kuuid(cli_json *j, const char *key, const csvc_uuid *id);

/* ---- enumerations ---- */

/* A library enum (its machine names are csvc_enum_name's) with the
 * Chinese labels of its values, zh[value] (zh[0] unused). */
typedef struct cli_enum {
	csvc_enum_t which;
	const char *const *zh;
	size_t n_zh;
} cli_enum;

extern const cli_enum *const cli_class_enum, *const cli_tier_enum, *const cli_lifecycle_enum,
    *const cli_urgency_enum, *const cli_importance_enum, *const cli_impact_enum, *const cli_priority_enum,
    *const cli_category_enum, *const cli_sla_status_enum, *const cli_comment_enum, *const cli_link_enum,
    *const cli_method_enum, *const cli_skill_kind_enum, *const cli_team_kind_enum, *const cli_role_scope_enum,
    *const cli_permission_enum, *const cli_route_strategy_enum, *const cli_queue_order_enum,
    *const cli_appraisal_source_enum, *const cli_consent_purpose_enum;

/* The machine name of `value` ("-" for 0, "?" for an unknown value). */
const char *cli_enum_name(const cli_enum *e, int32_t value);
/* The Chinese label of `value`, or NULL. */
const char *cli_enum_zh(const cli_enum *e, int32_t value);
/* "name 中文" (in `buf`) when the value has a Chinese label, else the name. */
const char *cli_enum_label(const cli_enum *e, int32_t value, char *buf, size_t size);
/* "active" or "inactive", as the library names csvc_staff_status_t. */
const char *cli_status_name(int active);
/* Accepts the machine name, the Chinese label or the number. */
int cli_enum_parse(const cli_enum *e, const char *text, int32_t *value);
const char *cli_enum_choices(const cli_enum *e, char *buf, size_t size);

/* ---- records shared between command groups ---- */

void cli_customer_json(cli_json *j, const csvc_customer *c);
void cli_ticket_json(cli_json *j, const csvc_ticket *t);
void cli_event_json(cli_json *j, const csvc_event *ev);
void cli_sla_target_json(cli_json *j, const csvc_sla_target *t);
/* Resolves a ticket given as a UUID or a number such as SH01-000001. */
int cli_find_ticket(cli_ctx *ctx, const char *ref, csvc_ticket **out);
/* Prints an iterator's tickets (a table, or a JSON array) and frees it. */
int cli_print_tickets(cli_ctx *ctx, csvc_ticket_iter *it);
/* csvc ticket log-work, work, work-total (cli-queue.c). */
extern const char cli_log_work_help[], cli_work_help[], cli_work_total_help[];
int cli_cmd_log_work(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_work(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_work_total(cli_ctx *ctx, int argc, char **argv);

/* ---- reports (cli-report.c), shared with 'survey score' ---- */

/* The range of a report and how its rows are grouped. */
typedef struct cli_range {
	int have_period;              /* --period KEY rather than --from/--to */
	int64_t local_from, local_to; /* --period: local wall-clock microseconds */
	char label[128];              /* "2026-11 (Asia/Shanghai)" or "FROM to TO" */
	char zone[64];
	char by[16];                  /* --by, or "" */
} cli_range;

/* A period key (2026, 2026-Q4, 2026-11, 2026-W48, 2026-11-23) to local [start, end). */
int cli_parse_period_key(const char *text, int64_t *start, int64_t *end);
/*
 * Reads --period/--from/--to, --by, --min-sample and the filters --store,
 * --staff, --channel, --kind and --category into `q` (usage errors only;
 * `scores` allows --by method). Then, with the store open,
 * cli_report_resolve turns a --period into instants in the zone of --zone,
 * else of the calendar attached to --store, else UTC.
 */
int cli_report_options(cli_ctx *ctx, const cli_args *a, cli_range *r, csvc_report_query *q, int scores);
int cli_report_resolve(cli_ctx *ctx, const cli_args *a, cli_range *r, csvc_report_query *q);
/* csvc_report_to_json, indented, on stdout. */
int cli_report_print_json(cli_ctx *ctx, const csvc_report *r);
/* "45s", "12m30s", "1h05m", "2d03h"; "-" for NaN. */
void cli_human_duration(double us, char *buf, size_t size);
/* The satisfaction table (and per dimension, labelled from `survey` if given). */
void cli_scores_print(const csvc_report *r, const cli_range *range, const csvc_report_query *q,
                      const csvc_survey *survey, int sample_column);
/* The KPI tables. */
void cli_kpis_print(const csvc_report *r, const cli_range *range, const csvc_report_query *q);

#endif /* CSVC_CLI_UTIL_H */
