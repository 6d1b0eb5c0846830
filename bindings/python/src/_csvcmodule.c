/*
 * csvc._csvc: the CPython extension module behind the `csvc` package.
 *
 * It wraps the public libcsvc API (include/csvc.h) and nothing else. The
 * pure-Python package on top (csvc/__init__.py) defines the enums, the
 * exception classes and the small value types, and hands them to this
 * module with _bind() at import time; the Store, the records, the
 * iterators, the time zones, the calendars, the SLA policies, the surveys
 * and the reports live here. Time zones, calendars and reports are
 * immutable: their methods keep the GIL (they are fast); the constructors
 * of time zones and calendars release it (they read files), and so do the
 * Store calls that compute reports.
 *
 * Concurrency: a csvc_store is used by one thread at a time, so every
 * Store object has a lock (recursive for its owning thread, so that a
 * change hook may call back into the store). Calls that reach the disk
 * run with the GIL released; callbacks from the library take the GIL back
 * with PyGILState_Ensure. An exception raised by a callback is kept on
 * the Store and raised again to the Python caller of the API call that
 * ran the callback.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <pythread.h>

#include <math.h>
#include <string.h>
#include <time.h>

#include <csvc.h>

/* ------------------------------------------------------------------ */
/* Module globals, filled by _bind()                                   */
/* ------------------------------------------------------------------ */

enum {
	E_CUSTOMER_CLASS,
	E_TIER,
	E_LIFECYCLE,
	E_STATE_CATEGORY,
	E_URGENCY,
	E_IMPORTANCE,
	E_IMPACT,
	E_PRIORITY,
	E_COMMENT_KIND,
	E_LINK_KIND,
	E_LOG_LEVEL,
	E_DURABILITY,
	E_SLA_STATUS,
	E_QUESTION_TYPE,
	E_SURVEY_METHOD,
	E_REPORT_GROUP,
	E_REPORT_PERIOD,
	E_SKILL_KIND,
	E_TEAM_KIND,
	E_PERMISSION,
	E_ROLE_SCOPE,
	E_ROUTE_STRATEGY,
	E_QUEUE_ORDER,
	E_COUNT
};

/* Above the highest value of any enum in this list (Permission's). */
#define ENUM_MAX 32

static const char *const enum_names[E_COUNT] = {
	"CustomerClass", "Tier", "Lifecycle", "StateCategory", "Urgency", "Importance",
	"Impact", "Priority", "CommentKind", "LinkKind", "LogLevel", "Durability", "SlaStatus",
	"QuestionType", "SurveyMethod", "ReportGroup", "ReportPeriod", "SkillKind", "TeamKind",
	"Permission", "RoleScope", "RouteStrategy", "QueueOrder",
};

/* members[e][v]: the IntEnum member of value v, or NULL. */
static PyObject *enum_members[E_COUNT][ENUM_MAX];

static PyObject *g_error_base;      /* csvc.Error */
static PyObject *g_error_classes;   /* dict: int code -> exception class */
static PyObject *g_store_closed;    /* csvc.StoreClosed */
static PyObject *g_uuid_type;       /* uuid.UUID */
static PyObject *g_event_type;      /* csvc.Event */
static PyObject *g_conflict_type;   /* csvc.MergeConflict */
static PyObject *g_state_type;      /* csvc.State */
static PyObject *g_transition_type; /* csvc.Transition */
static PyObject *g_guard_type;      /* csvc.Guard */
static PyObject *g_lifecycle_entry_type; /* csvc.LifecycleEntry */
static PyObject *g_zone_offset_type;   /* csvc.ZoneOffset */
static PyObject *g_calendar_info_type; /* csvc.CalendarInfo */
static PyObject *g_sla_target_type;    /* csvc.SlaTarget */
static PyObject *g_sla_alarm_type;     /* csvc.SlaAlarm */
static PyObject *g_feed_entry_type;    /* csvc.FeedEntry */
static PyObject *g_policy_target_type; /* csvc.SlaPolicyTarget */
static PyObject *g_survey_dim_type;    /* csvc.SurveyDimension */
static PyObject *g_survey_question_type; /* csvc.SurveyQuestion */
static PyObject *g_question_ref_type;  /* csvc.SurveyQuestionRef */
static PyObject *g_choice_type;        /* csvc.Choice */
static PyObject *g_report_row_type;    /* csvc.ReportRow */
static PyObject *g_epoch;           /* datetime(1970, 1, 1, tzinfo=timezone.utc) */
static PyObject *g_str_bytes;       /* "bytes" */
static PyObject *g_empty_tuple;     /* () */
static int g_bound;

#define US_PER_DAY ((int64_t)86400 * 1000000)

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* A copy of the thread's error record, taken right after the failing call
 * (a callback may make other libcsvc calls on the same thread later). */
typedef struct errsnap {
	int code;
	const char *engine; /* static text from the record, or NULL */
	int engine_code;
	char sqlstate[6];
	char message[512];
} errsnap;

static void snap_no_engine(errsnap *e)
{
	e->engine = NULL;
	e->engine_code = 0;
	e->sqlstate[0] = '\0';
}

static void snap_take(errsnap *e, int rc)
{
	const csvc_error *le = csvc_error_last();
	e->code = rc;
	if (le->code == rc) {
		e->engine = le->engine;
		e->engine_code = le->engine_code;
		snprintf(e->sqlstate, sizeof(e->sqlstate), "%s", le->sqlstate);
		snprintf(e->message, sizeof(e->message), "%s", le->message);
	} else {
		snap_no_engine(e);
		snprintf(e->message, sizeof(e->message), "%s", csvc_strerror(rc));
	}
}

static PyObject *raise_code(int code, const char *message, const char *engine, int engine_code,
                            const char *sqlstate)
{
	PyObject *cls = NULL, *key, *exc;
	if (!g_bound) {
		PyErr_Format(PyExc_RuntimeError, "csvc error %d: %s", code, message);
		return NULL;
	}
	key = PyLong_FromLong(code);
	if (key == NULL)
		return NULL;
	cls = PyDict_GetItemWithError(g_error_classes, key);
	Py_DECREF(key);
	if (cls == NULL) {
		if (PyErr_Occurred())
			return NULL;
		cls = g_error_base;
	}
	if (message == NULL || message[0] == '\0')
		message = csvc_strerror(code);
	exc = PyObject_CallFunction(cls, "sizis", message, code, engine, engine_code,
	                            sqlstate ? sqlstate : "");
	if (exc == NULL)
		return NULL;
	PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
	Py_DECREF(exc);
	return NULL;
}

static PyObject *raise_snap(const errsnap *e)
{
	return raise_code(e->code, e->message, e->engine, e->engine_code, e->sqlstate);
}

/* For calls that do not touch a store (record setters, parsers). */
static PyObject *raise_last(int rc)
{
	errsnap e;
	snap_take(&e, rc);
	return raise_snap(&e);
}

static PyObject *raise_closed(const char *message)
{
	if (!g_bound) {
		PyErr_SetString(PyExc_RuntimeError, message);
		return NULL;
	}
	PyObject *exc = PyObject_CallFunction(g_store_closed, "sii", message, (int)CSVC_ESTATE, 0);
	if (exc == NULL)
		return NULL;
	PyErr_SetObject(g_store_closed, exc);
	Py_DECREF(exc);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Conversions                                                         */
/* ------------------------------------------------------------------ */

static PyObject *str_out(const char *s)
{
	if (s == NULL)
		Py_RETURN_NONE;
	return PyUnicode_FromString(s);
}

/* None -> NULL, str -> UTF-8 borrowed from the object. */
static int str_in(PyObject *o, const char **out, const char *what)
{
	Py_ssize_t n;
	if (o == NULL || o == Py_None) {
		*out = NULL;
		return 0;
	}
	if (!PyUnicode_Check(o)) {
		PyErr_Format(PyExc_TypeError, "%s must be str or None, not %.100s", what,
		             Py_TYPE(o)->tp_name);
		return -1;
	}
	*out = PyUnicode_AsUTF8AndSize(o, &n);
	if (*out == NULL)
		return -1;
	if ((size_t)n != strlen(*out)) {
		PyErr_Format(PyExc_ValueError, "%s: embedded null character", what);
		return -1;
	}
	return 0;
}

static PyObject *enum_out(int e, int32_t v)
{
	if (v == 0 && e != E_DURABILITY)
		Py_RETURN_NONE;
	if (v >= 0 && v < ENUM_MAX && enum_members[e][v] != NULL)
		return Py_NewRef(enum_members[e][v]);
	return PyLong_FromLong(v);
}

/* None -> 0; any int (IntEnum members included). */
static int int32_in(PyObject *o, int32_t *out, const char *what)
{
	long v;
	if (o == NULL || o == Py_None) {
		*out = 0;
		return 0;
	}
	if (!PyLong_Check(o)) {
		PyErr_Format(PyExc_TypeError, "%s must be int or None, not %.100s", what,
		             Py_TYPE(o)->tp_name);
		return -1;
	}
	v = PyLong_AsLong(o);
	if (v == -1 && PyErr_Occurred())
		return -1;
	if (v < INT32_MIN || v > INT32_MAX) {
		PyErr_Format(PyExc_OverflowError, "%s out of range", what);
		return -1;
	}
	*out = (int32_t)v;
	return 0;
}

/* "O&" converter for a `limit` (uint32_t, 0 = no limit): a negative value
 * is a ValueError and one past 2^32 - 1 an OverflowError, instead of the
 * silent wrap of the "I" format. */
static int conv_limit(PyObject *o, void *out)
{
	int overflow = 0;
	long long v;
	if (!PyLong_Check(o)) {
		PyErr_Format(PyExc_TypeError, "limit must be int, not %.100s", Py_TYPE(o)->tp_name);
		return 0;
	}
	v = PyLong_AsLongLongAndOverflow(o, &overflow);
	if (v == -1 && PyErr_Occurred())
		return 0;
	if (overflow < 0 || v < 0) {
		PyErr_SetString(PyExc_ValueError, "limit must be >= 0 (0 means no limit)");
		return 0;
	}
	if (overflow > 0 || v > (long long)UINT32_MAX) {
		PyErr_SetString(PyExc_OverflowError, "limit must be < 2**32");
		return 0;
	}
	*(uint32_t *)out = (uint32_t)v;
	return 1;
}

/* "O&" converter for enum-valued keyword arguments. */
static int conv_int32(PyObject *o, void *out)
{
	return int32_in(o, out, "enum value") == 0;
}

static PyObject *uuid_out(const csvc_uuid *id)
{
	PyObject *bytes, *kw, *r;
	if (id == NULL || csvc_uuid_is_nil(id))
		Py_RETURN_NONE;
	bytes = PyBytes_FromStringAndSize((const char *)id->bytes, 16);
	if (bytes == NULL)
		return NULL;
	kw = PyDict_New();
	if (kw == NULL || PyDict_SetItem(kw, g_str_bytes, bytes) < 0) {
		Py_XDECREF(kw);
		Py_DECREF(bytes);
		return NULL;
	}
	Py_DECREF(bytes);
	r = PyObject_Call(g_uuid_type, g_empty_tuple, kw);
	Py_DECREF(kw);
	return r;
}

static PyTypeObject CustomerType, TicketType, WorkflowType, StoreType, IterType;
static PyTypeObject TimeZoneType, CalendarType, SlaPolicyType, SurveyType, ReportType;
static PyTypeObject StaffType, TeamType, RoleType, QueueType;

typedef struct {
	PyObject_HEAD
	csvc_customer *c;
} CustomerObject;

typedef struct {
	PyObject_HEAD
	csvc_ticket *t;
} TicketObject;

typedef struct {
	PyObject_HEAD
	csvc_workflow *wf;
} WorkflowObject;

typedef struct {
	PyObject_HEAD
	csvc_staff *st; /* NULL until __init__ */
} StaffObject;

typedef struct {
	PyObject_HEAD
	csvc_team *team; /* NULL until __init__ */
} TeamObject;

typedef struct {
	PyObject_HEAD
	csvc_role *role; /* NULL until __init__ */
} RoleObject;

typedef struct {
	PyObject_HEAD
	csvc_queue *queue; /* NULL until __init__ */
} QueueObject;

/* A UUID argument: uuid.UUID, its text form, 16 bytes, or a saved
 * Customer, Ticket or Staff (meaning its id). */
static int uuid_in(PyObject *o, csvc_uuid *out)
{
	if (PyObject_TypeCheck(o, &CustomerType)) {
		const csvc_uuid *id = csvc_customer_id(((CustomerObject *)o)->c);
		if (id == NULL || csvc_uuid_is_nil(id)) {
			raise_code(CSVC_EINVAL, "the customer is a draft and has no id yet", NULL, 0, NULL);
			return -1;
		}
		*out = *id;
		return 0;
	}
	if (PyObject_TypeCheck(o, &TicketType)) {
		const csvc_uuid *id = csvc_ticket_id(((TicketObject *)o)->t);
		if (id == NULL || csvc_uuid_is_nil(id)) {
			raise_code(CSVC_EINVAL, "the ticket is a draft and has no id yet", NULL, 0, NULL);
			return -1;
		}
		*out = *id;
		return 0;
	}
	if (PyObject_TypeCheck(o, &StaffType)) {
		const csvc_uuid *id = csvc_staff_id(((StaffObject *)o)->st);
		if (id == NULL || csvc_uuid_is_nil(id)) {
			raise_code(CSVC_EINVAL, "the staff member is a draft and has no id yet", NULL, 0, NULL);
			return -1;
		}
		*out = *id;
		return 0;
	}
	if (g_uuid_type != NULL && PyObject_TypeCheck(o, (PyTypeObject *)g_uuid_type)) {
		PyObject *b = PyObject_GetAttr(o, g_str_bytes);
		if (b == NULL)
			return -1;
		if (!PyBytes_Check(b) || PyBytes_GET_SIZE(b) != 16) {
			Py_DECREF(b);
			PyErr_SetString(PyExc_TypeError, "UUID.bytes is not 16 bytes");
			return -1;
		}
		memcpy(out->bytes, PyBytes_AS_STRING(b), 16);
		Py_DECREF(b);
		return 0;
	}
	if (PyUnicode_Check(o)) {
		const char *s = PyUnicode_AsUTF8(o);
		int rc;
		if (s == NULL)
			return -1;
		rc = csvc_uuid_from_string(s, out);
		if (rc != CSVC_OK) {
			raise_last(rc);
			return -1;
		}
		return 0;
	}
	if (PyBytes_Check(o) && PyBytes_GET_SIZE(o) == 16) {
		memcpy(out->bytes, PyBytes_AS_STRING(o), 16);
		return 0;
	}
	PyErr_Format(PyExc_TypeError, "expected a uuid.UUID, str, Customer, Ticket or Staff, not %.100s",
	             Py_TYPE(o)->tp_name);
	return -1;
}

static int conv_uuid(PyObject *o, void *out)
{
	return uuid_in(o, out) == 0;
}

/* Optional UUID: None leaves `set` 0. */
typedef struct opt_uuid {
	int set;
	csvc_uuid id;
} opt_uuid;

static int conv_opt_uuid(PyObject *o, void *out)
{
	opt_uuid *u = out;
	if (o == Py_None) {
		u->set = 0;
		memset(&u->id, 0, sizeof(u->id));
		return 1;
	}
	u->set = 1;
	return uuid_in(o, &u->id) == 0;
}

/* An instant as an aware datetime (UTC); 0 is the epoch. */
static PyObject *instant_out(csvc_time_us us)
{
	PyObject *delta, *r;
	int64_t days, rem;
	days = us / US_PER_DAY;
	rem = us % US_PER_DAY;
	if (rem < 0) {
		rem += US_PER_DAY;
		days--;
	}
	delta = PyDelta_FromDSU((int)days, (int)(rem / 1000000), (int)(rem % 1000000));
	if (delta == NULL)
		return NULL;
	r = PyNumber_Add(g_epoch, delta);
	Py_DECREF(delta);
	return r;
}

/* A record's time: 0 means "not set" and reads as None. */
static PyObject *time_out(csvc_time_us us)
{
	if (us == 0)
		Py_RETURN_NONE;
	return instant_out(us);
}

/* A timezone-aware datetime or an int (microseconds since the epoch). */
static int time_in(PyObject *o, csvc_time_us *out, const char *what)
{
	if (o == NULL || o == Py_None) {
		*out = 0;
		return 0;
	}
	if (PyLong_Check(o) && !PyBool_Check(o)) {
		long long v = PyLong_AsLongLong(o);
		if (v == -1 && PyErr_Occurred())
			return -1;
		*out = v;
		return 0;
	}
	if (PyDateTime_Check(o)) {
		PyObject *d;
		PyObject *tz = PyDateTime_DATE_GET_TZINFO(o);
		if (tz == Py_None) {
			PyErr_Format(PyExc_TypeError,
			             "%s: naive datetime; give a timezone-aware datetime (e.g. tzinfo=timezone.utc)",
			             what);
			return -1;
		}
		d = PyNumber_Subtract(o, g_epoch);
		if (d == NULL)
			return -1;
		if (!PyDelta_Check(d)) {
			Py_DECREF(d);
			PyErr_Format(PyExc_TypeError, "%s: datetime subtraction did not give a timedelta", what);
			return -1;
		}
		*out = (int64_t)PyDateTime_DELTA_GET_DAYS(d) * US_PER_DAY +
		       (int64_t)PyDateTime_DELTA_GET_SECONDS(d) * 1000000 +
		       PyDateTime_DELTA_GET_MICROSECONDS(d);
		Py_DECREF(d);
		return 0;
	}
	PyErr_Format(PyExc_TypeError, "%s must be a timezone-aware datetime or int microseconds, not %.100s",
	             what, Py_TYPE(o)->tp_name);
	return -1;
}

static int conv_time(PyObject *o, void *out)
{
	return time_in(o, out, "time") == 0;
}

/* A required instant (time zones, calendars, SLA): None is not allowed. */
static int instant_in(PyObject *o, csvc_time_us *out, const char *what)
{
	if (o == NULL || o == Py_None) {
		PyErr_Format(PyExc_TypeError, "%s must be a timezone-aware datetime or int microseconds, not None",
		             what);
		return -1;
	}
	return time_in(o, out, what);
}

static int conv_instant(PyObject *o, void *out)
{
	return instant_in(o, out, "time") == 0;
}

/* A duration: datetime.timedelta or int microseconds. */
static int duration_in(PyObject *o, int64_t *out, const char *what)
{
	if (o != NULL && PyDelta_Check(o)) {
		int64_t days = PyDateTime_DELTA_GET_DAYS(o);
		if (days > INT64_MAX / US_PER_DAY - 1 || days < -(INT64_MAX / US_PER_DAY)) {
			PyErr_Format(PyExc_OverflowError, "%s is too long", what);
			return -1;
		}
		*out = days * US_PER_DAY + (int64_t)PyDateTime_DELTA_GET_SECONDS(o) * 1000000 +
		       PyDateTime_DELTA_GET_MICROSECONDS(o);
		return 0;
	}
	if (o != NULL && PyLong_Check(o) && !PyBool_Check(o)) {
		long long v = PyLong_AsLongLong(o);
		if (v == -1 && PyErr_Occurred())
			return -1;
		*out = v;
		return 0;
	}
	PyErr_Format(PyExc_TypeError, "%s must be a datetime.timedelta or int microseconds, not %.100s", what,
	             o ? Py_TYPE(o)->tp_name : "nothing");
	return -1;
}

static int conv_duration(PyObject *o, void *out)
{
	return duration_in(o, out, "duration") == 0;
}

static PyObject *duration_out(int64_t us)
{
	int64_t days = us / US_PER_DAY, rem = us % US_PER_DAY;
	if (rem < 0) {
		rem += US_PER_DAY;
		days--;
	}
	return PyDelta_FromDSU((int)days, (int)(rem / 1000000), (int)(rem % 1000000));
}

/* A naive datetime read as local wall-clock time -> local microseconds. */
static int local_in(PyObject *o, int64_t *out)
{
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	if (!PyDateTime_Check(o)) {
		PyErr_Format(PyExc_TypeError, "expected a naive datetime (wall-clock time), not %.100s",
		             Py_TYPE(o)->tp_name);
		return -1;
	}
	if (PyDateTime_DATE_GET_TZINFO(o) != Py_None) {
		PyErr_SetString(PyExc_TypeError,
		                "expected a naive datetime (wall-clock time), not a timezone-aware one");
		return -1;
	}
	c.year = PyDateTime_GET_YEAR(o);
	c.month = PyDateTime_GET_MONTH(o);
	c.day = PyDateTime_GET_DAY(o);
	c.hour = PyDateTime_DATE_GET_HOUR(o);
	c.minute = PyDateTime_DATE_GET_MINUTE(o);
	c.second = PyDateTime_DATE_GET_SECOND(o);
	c.microsecond = PyDateTime_DATE_GET_MICROSECOND(o);
	int rc = csvc_civil_to_local(&c, out);
	if (rc != CSVC_OK) {
		raise_last(rc);
		return -1;
	}
	return 0;
}

/* Local microseconds -> a naive datetime of the wall-clock reading. */
static PyObject *local_out(int64_t local)
{
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	int rc = csvc_civil_from_local(local, &c);
	if (rc != CSVC_OK)
		return raise_last(rc);
	return PyDateTime_FromDateAndTime(c.year, c.month, c.day, c.hour, c.minute, c.second, c.microsecond);
}

/* Enums that are also given by lower-case name: the library's machine
 * names (csvc_enum_parse). None is 0; an int (IntEnum members included)
 * is taken as it is, for the library to check. */
typedef struct named_enum {
	const char *what;      /* the argument */
	const char *type_name; /* the IntEnum */
	csvc_enum_t which;
} named_enum;

static const named_enum DISAMBIGUATIONS = {"disambiguation", "Disambiguation", CSVC_ENUM_TZ_DISAMBIGUATION};
static const named_enum QUESTION_TYPES = {"type", "QuestionType", CSVC_ENUM_QUESTION_TYPE};
static const named_enum SURVEY_METHODS = {"method", "SurveyMethod", CSVC_ENUM_SURVEY_METHOD};
static const named_enum REPORT_GROUPS = {"group_by", "ReportGroup", CSVC_ENUM_REPORT_GROUP};
static const named_enum REPORT_PERIODS = {"period", "ReportPeriod", CSVC_ENUM_REPORT_PERIOD};

/* "'a', 'b' or 'c'": the names of an enum's values, for messages. */
static PyObject *enum_choices(csvc_enum_t which)
{
	const char *names[64];
	size_t n = 0;
	for (int32_t v = -64; v < 256 && n < 64; v++) {
		const char *name = csvc_enum_name(which, v);
		if (name)
			names[n++] = name;
	}
	PyObject *s = PyUnicode_FromString("");
	for (size_t i = 0; s != NULL && i < n; i++)
		Py_SETREF(s, PyUnicode_FromFormat("%U%s'%s'", s, i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]));
	return s;
}

static int named_in(PyObject *o, const named_enum *ne, int32_t *out)
{
	if (o != NULL && PyUnicode_Check(o)) {
		const char *s;
		if (str_in(o, &s, ne->what))
			return -1;
		if (csvc_enum_parse(ne->which, s, out) == CSVC_OK)
			return 0;
		PyObject *choices = enum_choices(ne->which);
		if (choices != NULL)
			PyErr_Format(PyExc_ValueError, "%s must be a %s, its lower-case name (%U) or None, not %R", ne->what,
			             ne->type_name, choices, o);
		Py_XDECREF(choices);
		return -1;
	}
	return int32_in(o, out, ne->what);
}

/* 'compatible', 'earlier', 'later', 'reject', or a Disambiguation (int). */
static int conv_disambiguation(PyObject *o, void *out)
{
	return named_in(o, &DISAMBIGUATIONS, out) == 0;
}

static int conv_question_type(PyObject *o, void *out)
{
	return named_in(o, &QUESTION_TYPES, out) == 0;
}

static int conv_method(PyObject *o, void *out)
{
	return named_in(o, &SURVEY_METHODS, out) == 0;
}

static int conv_group(PyObject *o, void *out)
{
	return named_in(o, &REPORT_GROUPS, out) == 0;
}

static int conv_period(PyObject *o, void *out)
{
	return named_in(o, &REPORT_PERIODS, out) == 0;
}

/* A required calendar date (datetime.date, not a datetime) as YYYYMMDD. */
static int conv_date(PyObject *o, void *out)
{
	if (PyDateTime_Check(o) || !PyDate_Check(o)) {
		PyErr_Format(PyExc_TypeError, "date must be a datetime.date, not %.100s", Py_TYPE(o)->tp_name);
		return 0;
	}
	*(int32_t *)out = PyDateTime_GET_YEAR(o) * 10000 + PyDateTime_GET_MONTH(o) * 100 + PyDateTime_GET_DAY(o);
	return 1;
}

/* An optional directory argument (str, bytes or os.PathLike; None) as a
 * new bytes object, or NULL for None. */
static int fspath_in(PyObject *o, PyObject **out)
{
	*out = NULL;
	if (o == NULL || o == Py_None)
		return 0;
	return PyUnicode_FSConverter(o, out) ? 0 : -1;
}

static PyObject *date_out(int32_t ymd)
{
	if (ymd == 0)
		Py_RETURN_NONE;
	return PyDate_FromDate(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

static int date_in(PyObject *o, int32_t *out)
{
	if (o == NULL || o == Py_None) {
		*out = 0;
		return 0;
	}
	if (PyDateTime_Check(o) || !PyDate_Check(o)) {
		PyErr_SetString(PyExc_TypeError, "birthday must be a datetime.date or None");
		return -1;
	}
	*out = PyDateTime_GET_YEAR(o) * 10000 + PyDateTime_GET_MONTH(o) * 100 + PyDateTime_GET_DAY(o);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers shared by the record types                                  */
/* ------------------------------------------------------------------ */

static int check_rc(int rc)
{
	if (rc != CSVC_OK) {
		raise_last(rc);
		return -1;
	}
	return 0;
}

/* Calls `fn(record, str)` for each str of an iterable. */
static int each_str(PyObject *iterable, const char *what, int (*fn)(void *, const char *), void *rec)
{
	PyObject *it = PyObject_GetIter(iterable), *item;
	if (it == NULL)
		return -1;
	if (PyUnicode_Check(iterable)) {
		Py_DECREF(it);
		PyErr_Format(PyExc_TypeError, "%s must be an iterable of str, not a str", what);
		return -1;
	}
	while ((item = PyIter_Next(it)) != NULL) {
		const char *s;
		int bad = str_in(item, &s, what) || (s == NULL && (PyErr_Format(PyExc_TypeError,
		                                                    "%s: None is not allowed", what), 1));
		if (!bad)
			bad = check_rc(fn(rec, s));
		Py_DECREF(item);
		if (bad) {
			Py_DECREF(it);
			return -1;
		}
	}
	Py_DECREF(it);
	return PyErr_Occurred() ? -1 : 0;
}

/* Applies keyword arguments as attribute assignments (the settable
 * properties), rejecting unknown names. */
static int apply_fields(PyObject *self, PyObject *kwargs, const char *const *allowed)
{
	PyObject *key, *value;
	Py_ssize_t pos = 0;
	if (kwargs == NULL)
		return 0;
	while (PyDict_Next(kwargs, &pos, &key, &value)) {
		const char *k = PyUnicode_AsUTF8(key);
		int ok = 0;
		if (k == NULL)
			return -1;
		for (const char *const *a = allowed; *a; a++)
			ok |= strcmp(*a, k) == 0;
		if (!ok) {
			PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%s'",
			             Py_TYPE(self)->tp_name, k);
			return -1;
		}
		if (PyObject_SetAttr(self, key, value) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Customer                                                            */
/* ------------------------------------------------------------------ */

static PyObject *customer_wrap(csvc_customer *c)
{
	CustomerObject *o = PyObject_New(CustomerObject, &CustomerType);
	if (o == NULL) {
		csvc_customer_free(c);
		return NULL;
	}
	o->c = c;
	return (PyObject *)o;
}

static PyObject *Customer_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	CustomerObject *self;
	csvc_customer *c = NULL;
	(void)args;
	(void)kwargs;
	if (check_rc(csvc_customer_new(&c)))
		return NULL;
	self = (CustomerObject *)type->tp_alloc(type, 0);
	if (self == NULL) {
		csvc_customer_free(c);
		return NULL;
	}
	self->c = c;
	return (PyObject *)self;
}

static void Customer_dealloc(CustomerObject *self)
{
	csvc_customer_free(self->c);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static int cust_add_phone(void *c, const char *s) { return csvc_customer_add_phone(c, s); }
static int cust_add_email(void *c, const char *s) { return csvc_customer_add_email(c, s); }
static int cust_add_tag(void *c, const char *s) { return csvc_customer_add_tag(c, s); }

static const char *const customer_fields[] = {
	"id", "name", "address", "birthday", "notes", "home_store", "customer_class", "tier",
	"lifecycle", NULL,
};

static int Customer_init(CustomerObject *self, PyObject *args, PyObject *kwargs)
{
	static const char *const lists[] = {"phones", "emails", "tags", "attributes", "external_ids", NULL};
	PyObject *scalar = NULL, *key, *value;
	Py_ssize_t pos = 0;
	int rc = -1;
	if (PyTuple_GET_SIZE(args) != 0) {
		PyErr_SetString(PyExc_TypeError, "Customer() takes keyword arguments only");
		return -1;
	}
	if (kwargs == NULL)
		return 0;
	scalar = PyDict_New();
	if (scalar == NULL)
		return -1;
	while (PyDict_Next(kwargs, &pos, &key, &value)) {
		const char *k = PyUnicode_AsUTF8(key);
		int which = -1;
		if (k == NULL)
			goto out;
		for (int i = 0; lists[i]; i++)
			if (strcmp(lists[i], k) == 0)
				which = i;
		if (which < 0) {
			if (PyDict_SetItem(scalar, key, value) < 0)
				goto out;
			continue;
		}
		if (value == Py_None)
			continue;
		if (which == 0 && each_str(value, "phones", cust_add_phone, self->c))
			goto out;
		if (which == 1 && each_str(value, "emails", cust_add_email, self->c))
			goto out;
		if (which == 2 && each_str(value, "tags", cust_add_tag, self->c))
			goto out;
		if (which == 3) {
			PyObject *items = PyMapping_Items(value);
			if (items == NULL)
				goto out;
			for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
				PyObject *kv = PyList_GET_ITEM(items, i);
				const char *ak, *av;
				if (!PyTuple_Check(kv) || PyTuple_GET_SIZE(kv) != 2 ||
				    str_in(PyTuple_GET_ITEM(kv, 0), &ak, "attribute key") ||
				    str_in(PyTuple_GET_ITEM(kv, 1), &av, "attribute value") ||
				    check_rc(csvc_customer_set_attr(self->c, ak, av))) {
					if (!PyErr_Occurred())
						PyErr_SetString(PyExc_TypeError, "attributes must map str to str");
					Py_DECREF(items);
					goto out;
				}
			}
			Py_DECREF(items);
		}
		if (which == 4) {
			PyObject *seq = PySequence_Fast(value, "external_ids must be an iterable of (kind, value) pairs");
			if (seq == NULL)
				goto out;
			for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
				PyObject *kv = PySequence_Fast_GET_ITEM(seq, i);
				const char *ek, *ev;
				if (!PyTuple_Check(kv) || PyTuple_GET_SIZE(kv) != 2 ||
				    str_in(PyTuple_GET_ITEM(kv, 0), &ek, "external id kind") ||
				    str_in(PyTuple_GET_ITEM(kv, 1), &ev, "external id value") ||
				    check_rc(csvc_customer_add_external_id(self->c, ek, ev))) {
					if (!PyErr_Occurred())
						PyErr_SetString(PyExc_TypeError,
						                "external_ids must be an iterable of (kind, value) tuples");
					Py_DECREF(seq);
					goto out;
				}
			}
			Py_DECREF(seq);
		}
	}
	rc = apply_fields((PyObject *)self, scalar, customer_fields);
out:
	Py_DECREF(scalar);
	return rc;
}

#define CUST_STR(field)                                                                      \
	static PyObject *Customer_get_##field(CustomerObject *self, void *cl)                    \
	{                                                                                        \
		(void)cl;                                                                            \
		return str_out(csvc_customer_##field(self->c));                                      \
	}                                                                                        \
	static int Customer_set_##field(CustomerObject *self, PyObject *v, void *cl)             \
	{                                                                                        \
		const char *s;                                                                       \
		(void)cl;                                                                            \
		if (str_in(v, &s, #field))                                                           \
			return -1;                                                                       \
		return check_rc(csvc_customer_set_##field(self->c, s));                              \
	}
CUST_STR(name)
CUST_STR(address)
CUST_STR(notes)
CUST_STR(home_store)

/* None sets `dflt`: the value of a new customer (class ordinary, lifecycle
 * new, no tier), as None means "the default" everywhere else. */
#define CUST_ENUM(prop, field, e, dflt)                                                      \
	static PyObject *Customer_get_##prop(CustomerObject *self, void *cl)                     \
	{                                                                                        \
		(void)cl;                                                                            \
		return enum_out(e, csvc_customer_##field(self->c));                                  \
	}                                                                                        \
	static int Customer_set_##prop(CustomerObject *self, PyObject *v, void *cl)              \
	{                                                                                        \
		int32_t x;                                                                           \
		(void)cl;                                                                            \
		if (int32_in(v, &x, #prop))                                                          \
			return -1;                                                                       \
		return check_rc(csvc_customer_set_##field(self->c, v == Py_None ? (dflt) : x));      \
	}
CUST_ENUM(customer_class, class, E_CUSTOMER_CLASS, CSVC_CUSTOMER_ORDINARY)
CUST_ENUM(tier, tier, E_TIER, 0)
CUST_ENUM(lifecycle, lifecycle, E_LIFECYCLE, CSVC_LIFECYCLE_NEW)

#define CUST_TIME(field)                                                                     \
	static PyObject *Customer_get_##field(CustomerObject *self, void *cl)                    \
	{                                                                                        \
		(void)cl;                                                                            \
		return time_out(csvc_customer_##field(self->c));                                     \
	}
CUST_TIME(created_at)
CUST_TIME(updated_at)
CUST_TIME(erased_at)

static PyObject *Customer_get_id(CustomerObject *self, void *cl)
{
	(void)cl;
	return uuid_out(csvc_customer_id(self->c));
}

static int Customer_set_id(CustomerObject *self, PyObject *v, void *cl)
{
	csvc_uuid id;
	(void)cl;
	if (v == NULL || v == Py_None) {
		PyErr_SetString(PyExc_TypeError, "id cannot be cleared");
		return -1;
	}
	if (uuid_in(v, &id))
		return -1;
	return check_rc(csvc_customer_set_id(self->c, &id));
}

static PyObject *Customer_get_masked(CustomerObject *self, void *cl)
{
	(void)cl;
	return PyBool_FromLong(csvc_customer_masked(self->c));
}

static PyObject *Customer_get_merged_into(CustomerObject *self, void *cl)
{
	(void)cl;
	return uuid_out(csvc_customer_merged_into(self->c));
}

static PyObject *Customer_get_birthday(CustomerObject *self, void *cl)
{
	(void)cl;
	return date_out(csvc_customer_birthday(self->c));
}

static int Customer_set_birthday(CustomerObject *self, PyObject *v, void *cl)
{
	int32_t d;
	(void)cl;
	if (date_in(v, &d))
		return -1;
	return check_rc(csvc_customer_set_birthday(self->c, d));
}

static PyObject *Customer_get_revision(CustomerObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLongLong(csvc_customer_revision(self->c));
}

#define CUST_LIST(prop, count, at)                                                           \
	static PyObject *Customer_get_##prop(CustomerObject *self, void *cl)                     \
	{                                                                                        \
		size_t n = count(self->c);                                                           \
		PyObject *t = PyTuple_New((Py_ssize_t)n);                                            \
		(void)cl;                                                                            \
		for (size_t i = 0; t != NULL && i < n; i++) {                                        \
			PyObject *s = str_out(at(self->c, i));                                           \
			if (s == NULL) {                                                                 \
				Py_CLEAR(t);                                                                 \
				break;                                                                       \
			}                                                                                \
			PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);                                           \
		}                                                                                    \
		return t;                                                                            \
	}
CUST_LIST(phones, csvc_customer_phone_count, csvc_customer_phone)
CUST_LIST(emails, csvc_customer_email_count, csvc_customer_email)
CUST_LIST(tags, csvc_customer_tag_count, csvc_customer_tag)

static PyObject *Customer_get_attributes(CustomerObject *self, void *cl)
{
	size_t n = csvc_customer_attr_count(self->c);
	PyObject *d = PyDict_New();
	(void)cl;
	for (size_t i = 0; d != NULL && i < n; i++) {
		const char *k = NULL, *v = NULL;
		PyObject *pk, *pv;
		csvc_customer_attr_at(self->c, i, &k, &v);
		pk = str_out(k);
		pv = str_out(v);
		if (pk == NULL || pv == NULL || PyDict_SetItem(d, pk, pv) < 0)
			Py_CLEAR(d);
		Py_XDECREF(pk);
		Py_XDECREF(pv);
	}
	/* A read-only view of a new dict: writing to it would change nothing. */
	if (d != NULL) {
		PyObject *view = PyDictProxy_New(d);
		Py_DECREF(d);
		d = view;
	}
	return d;
}

static PyObject *Customer_get_external_ids(CustomerObject *self, void *cl)
{
	size_t n = csvc_customer_external_id_count(self->c);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	(void)cl;
	for (size_t i = 0; t != NULL && i < n; i++) {
		const char *k = NULL, *v = NULL;
		PyObject *pair;
		csvc_customer_external_id_at(self->c, i, &k, &v);
		pair = Py_BuildValue("(ss)", k, v);
		if (pair == NULL) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, pair);
	}
	return t;
}

static PyObject *Customer_get_lifecycle_history(CustomerObject *self, void *cl)
{
	size_t n = csvc_customer_lifecycle_count(self->c);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	(void)cl;
	for (size_t i = 0; t != NULL && i < n; i++) {
		int32_t stage = 0;
		csvc_time_us at = 0;
		PyObject *ps, *pa, *entry = NULL;
		csvc_customer_lifecycle_at(self->c, i, &stage, &at);
		ps = enum_out(E_LIFECYCLE, stage);
		pa = time_out(at);
		if (ps != NULL && pa != NULL)
			entry = PyObject_CallFunctionObjArgs(g_lifecycle_entry_type, ps, pa, NULL);
		Py_XDECREF(ps);
		Py_XDECREF(pa);
		if (entry == NULL) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, entry);
	}
	return t;
}

#define CUST_STR_METHOD(meth, fn)                                                            \
	static PyObject *Customer_##meth(CustomerObject *self, PyObject *arg)                    \
	{                                                                                        \
		const char *s;                                                                       \
		if (str_in(arg, &s, #meth) || check_rc(fn(self->c, s)))                              \
			return NULL;                                                                     \
		Py_RETURN_NONE;                                                                      \
	}
CUST_STR_METHOD(add_phone, csvc_customer_add_phone)
CUST_STR_METHOD(remove_phone, csvc_customer_remove_phone)
CUST_STR_METHOD(add_email, csvc_customer_add_email)
CUST_STR_METHOD(remove_email, csvc_customer_remove_email)
CUST_STR_METHOD(add_tag, csvc_customer_add_tag)
CUST_STR_METHOD(remove_tag, csvc_customer_remove_tag)

static PyObject *Customer_has_tag(CustomerObject *self, PyObject *arg)
{
	const char *s;
	if (str_in(arg, &s, "tag"))
		return NULL;
	return PyBool_FromLong(s != NULL && csvc_customer_has_tag(self->c, s));
}

static PyObject *Customer_set_attr(CustomerObject *self, PyObject *args)
{
	PyObject *k, *v;
	const char *ks, *vs;
	if (!PyArg_UnpackTuple(args, "set_attr", 2, 2, &k, &v) || str_in(k, &ks, "key") ||
	    str_in(v, &vs, "value") || check_rc(csvc_customer_set_attr(self->c, ks, vs)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Customer_get_attr(CustomerObject *self, PyObject *args)
{
	PyObject *k, *dflt = Py_None;
	const char *ks, *v;
	if (!PyArg_UnpackTuple(args, "get_attr", 1, 2, &k, &dflt) || str_in(k, &ks, "key"))
		return NULL;
	v = ks ? csvc_customer_attr(self->c, ks) : NULL;
	if (v == NULL)
		return Py_NewRef(dflt);
	return PyUnicode_FromString(v);
}

static PyObject *Customer_add_external_id(CustomerObject *self, PyObject *args)
{
	PyObject *k, *v;
	const char *ks, *vs;
	if (!PyArg_UnpackTuple(args, "add_external_id", 2, 2, &k, &v) || str_in(k, &ks, "kind") ||
	    str_in(v, &vs, "value") || check_rc(csvc_customer_add_external_id(self->c, ks, vs)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Customer_remove_external_id(CustomerObject *self, PyObject *args)
{
	PyObject *k, *v;
	const char *ks, *vs;
	if (!PyArg_UnpackTuple(args, "remove_external_id", 2, 2, &k, &v) || str_in(k, &ks, "kind") ||
	    str_in(v, &vs, "value") || check_rc(csvc_customer_remove_external_id(self->c, ks, vs)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Customer_copy(CustomerObject *self, PyObject *unused)
{
	csvc_customer *c = NULL;
	(void)unused;
	if (check_rc(csvc_customer_dup(self->c, &c)))
		return NULL;
	return customer_wrap(c);
}

static PyObject *Customer_deepcopy(CustomerObject *self, PyObject *memo)
{
	(void)memo;
	return Customer_copy(self, NULL);
}

static PyObject *Customer_repr(CustomerObject *self)
{
	char id[CSVC_UUID_STRLEN + 1] = "draft";
	const char *name = csvc_customer_name(self->c);
	if (!csvc_uuid_is_nil(csvc_customer_id(self->c)))
		csvc_uuid_to_string(csvc_customer_id(self->c), id);
	PyObject *pn = str_out(name), *r;
	if (pn == NULL)
		return NULL;
	r = PyUnicode_FromFormat("<csvc.Customer %s name=%R revision=%lld>", id, pn,
	                         (long long)csvc_customer_revision(self->c));
	Py_DECREF(pn);
	return r;
}

#define GS(type, name, doc) {#name, (getter)type##_get_##name, (setter)type##_set_##name, doc, NULL}
#define G(type, name, doc) {#name, (getter)type##_get_##name, NULL, doc, NULL}

static PyGetSetDef Customer_getset[] = {
	GS(Customer, id, "uuid.UUID of the customer; None for a draft. Settable on a draft (imports)."),
	GS(Customer, name, "Display name (str or None)."),
	GS(Customer, address, "Address (str or None)."),
	GS(Customer, birthday, "Birthday as datetime.date, or None when unknown."),
	GS(Customer, notes, "Preferences and special needs, free text (str or None)."),
	GS(Customer, home_store, "Home store code such as 'SH01' (str or None)."),
	GS(Customer, customer_class, "Customer class (CustomerClass)."),
	GS(Customer, tier, "Value tier (Tier), or None when not set."),
	GS(Customer, lifecycle, "Lifecycle stage (Lifecycle)."),
	G(Customer, revision, "Revision: 0 for a draft, 1 after create, +1 per saved change."),
	G(Customer, created_at, "Creation time (aware datetime, UTC), None for a draft."),
	G(Customer, updated_at, "Time of the last saved change (aware datetime, UTC), None for a draft."),
	G(Customer, merged_into, "uuid.UUID of the customer this one was merged into, or None."),
	G(Customer, erased_at, "When the personal data was erased (aware datetime), or None."),
	G(Customer, masked, "True when the phones and e-mails read masked (138****8000): the store's principal\n"
	                    "may not see contacts (docs/access.md). Such a record cannot be saved."),
	G(Customer, phones, "Phone numbers as entered (tuple of str). Change with add_phone/remove_phone."),
	G(Customer, emails, "E-mail addresses as entered (tuple of str). Change with add_email/remove_email."),
	G(Customer, tags, "Tags, sorted by bytes (tuple of str). Change with add_tag/remove_tag."),
	G(Customer, attributes, "Attributes as a new dict (key -> value). Change with set_attr."),
	G(Customer, external_ids, "External IDs as a tuple of (kind, value) pairs."),
	G(Customer, lifecycle_history, "Lifecycle history read from the store: tuple of LifecycleEntry(stage, at)."),
	{NULL, NULL, NULL, NULL, NULL},
};

#define METH_O_(type, name, doc) {#name, (PyCFunction)type##_##name, METH_O, doc}
#define METH_V(type, name, doc) {#name, (PyCFunction)type##_##name, METH_VARARGS, doc}

static PyMethodDef Customer_methods[] = {
	METH_O_(Customer, add_phone, "add_phone($self, phone, /)\n--\n\nAppends a phone number as entered (no-op if present)."),
	METH_O_(Customer, remove_phone, "remove_phone($self, phone, /)\n--\n\nRemoves a phone number (NotFound if absent)."),
	METH_O_(Customer, add_email, "add_email($self, email, /)\n--\n\nAppends an e-mail address (no-op if present)."),
	METH_O_(Customer, remove_email, "remove_email($self, email, /)\n--\n\nRemoves an e-mail address (NotFound if absent)."),
	METH_O_(Customer, add_tag, "add_tag($self, tag, /)\n--\n\nAdds a tag (no-op if present)."),
	METH_O_(Customer, remove_tag, "remove_tag($self, tag, /)\n--\n\nRemoves a tag (NotFound if absent)."),
	METH_O_(Customer, has_tag, "has_tag($self, tag, /)\n--\n\nTrue if the tag is present."),
	METH_V(Customer, set_attr, "set_attr($self, key, value, /)\n--\n\nSets attribute `key`; value None removes it (NotFound if absent)."),
	METH_V(Customer, get_attr, "get_attr($self, key, default=None, /)\n--\n\nThe value of attribute `key`, or `default`."),
	METH_V(Customer, add_external_id, "add_external_id($self, kind, value, /)\n--\n\nAdds an external ID such as ('member_card', 'M-0001')."),
	METH_V(Customer, remove_external_id, "remove_external_id($self, kind, value, /)\n--\n\nRemoves an external ID (NotFound if absent)."),
	{"copy", (PyCFunction)Customer_copy, METH_NOARGS, "copy($self, /)\n--\n\nA deep copy of the record."},
	{"__copy__", (PyCFunction)Customer_copy, METH_NOARGS, "A deep copy of the record."},
	{"__deepcopy__", (PyCFunction)Customer_deepcopy, METH_O, "A deep copy of the record."},
	{NULL, NULL, 0, NULL},
};

/* Value equality of a mutable record: == compares the values of its
 * `fields` (properties), in order. Like list and dict, the records are
 * mutable and therefore unhashable (tp_hash = PyObject_HashNotImplemented):
 * key them by their id. */
static PyObject *fields_richcompare(PyObject *a, PyObject *b, int op, PyTypeObject *type,
                                    const char *const *fields)
{
	int eq = 1;
	if (!PyObject_TypeCheck(b, type) || (op != Py_EQ && op != Py_NE))
		Py_RETURN_NOTIMPLEMENTED;
	for (size_t i = 0; eq == 1 && a != b && fields[i] != NULL; i++) {
		PyObject *va = PyObject_GetAttrString(a, fields[i]), *vb = NULL;
		if (va != NULL)
			vb = PyObject_GetAttrString(b, fields[i]);
		eq = vb != NULL ? PyObject_RichCompareBool(va, vb, Py_EQ) : -1;
		Py_XDECREF(va);
		Py_XDECREF(vb);
	}
	if (eq < 0)
		return NULL;
	return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static const char *const customer_eq_fields[] = {
	"id", "revision", "name", "address", "birthday", "notes", "home_store", "customer_class", "tier",
	"lifecycle", "created_at", "updated_at", "merged_into", "erased_at", "phones", "emails", "tags",
	"attributes", "external_ids", "lifecycle_history", "masked", NULL,
};

static PyObject *Customer_richcompare(PyObject *a, PyObject *b, int op)
{
	return fields_richcompare(a, b, op, &CustomerType, customer_eq_fields);
}

static PyTypeObject CustomerType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.Customer",
	.tp_basicsize = sizeof(CustomerObject),
	.tp_dealloc = (destructor)Customer_dealloc,
	.tp_repr = (reprfunc)Customer_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("Customer(**fields)\n--\n\n"
	                    "A customer record (顾客档案): a detached value that never refers back to a\n"
	                    "store and stays valid after the store is closed.\n\n"
	                    "Keyword arguments set the settable properties (name, address, birthday,\n"
	                    "notes, home_store, customer_class, tier, lifecycle, id) and the lists\n"
	                    "phones, emails, tags (iterables of str), attributes (a mapping) and\n"
	                    "external_ids (an iterable of (kind, value) pairs). Setters validate\n"
	                    "(InvalidArgument, OutOfRange) and change nothing on failure. Save with\n"
	                    "Store.create_customer / Store.update_customer."),
	.tp_methods = Customer_methods,
	.tp_getset = Customer_getset,
	.tp_richcompare = Customer_richcompare,
	.tp_hash = PyObject_HashNotImplemented,
	.tp_init = (initproc)Customer_init,
	.tp_new = Customer_new,
};

/* ------------------------------------------------------------------ */
/* Ticket                                                              */
/* ------------------------------------------------------------------ */

static PyObject *ticket_wrap(csvc_ticket *t)
{
	TicketObject *o = PyObject_New(TicketObject, &TicketType);
	if (o == NULL) {
		csvc_ticket_free(t);
		return NULL;
	}
	o->t = t;
	return (PyObject *)o;
}

static PyObject *Ticket_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	(void)args;
	(void)kwargs;
	return type->tp_alloc(type, 0); /* t stays NULL until __init__ */
}

static void Ticket_dealloc(TicketObject *self)
{
	csvc_ticket_free(self->t);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static const char *const ticket_fields[] = {
	"customer", "channel", "category", "urgency", "importance", "impact", "priority",
	"subject", "description", "order_ref", NULL,
};

static int Ticket_init(TicketObject *self, PyObject *args, PyObject *kwargs)
{
	PyObject *kind, *store_code, *assignee = NULL, *team = NULL, *rest = NULL;
	const char *k, *sc, *a = NULL, *tm = NULL;
	csvc_ticket *t = NULL;
	int rc = -1;
	if (!PyArg_UnpackTuple(args, "Ticket", 2, 2, &kind, &store_code))
		return -1;
	if (str_in(kind, &k, "kind") || str_in(store_code, &sc, "store_code"))
		return -1;
	if (kwargs != NULL) {
		rest = PyDict_Copy(kwargs);
		if (rest == NULL)
			return -1;
		assignee = PyDict_GetItemString(rest, "assignee");
		team = PyDict_GetItemString(rest, "team");
		Py_XINCREF(assignee);
		Py_XINCREF(team);
		if ((assignee && PyDict_DelItemString(rest, "assignee") < 0) ||
		    (team && PyDict_DelItemString(rest, "team") < 0))
			goto out;
		if (str_in(assignee, &a, "assignee") || str_in(team, &tm, "team"))
			goto out;
	}
	if (check_rc(csvc_ticket_new(&t, k, sc)))
		goto out;
	if ((a || tm) && check_rc(csvc_ticket_set_assignee(t, a, tm))) {
		csvc_ticket_free(t);
		goto out;
	}
	csvc_ticket_free(self->t);
	self->t = t;
	rc = apply_fields((PyObject *)self, rest, ticket_fields);
out:
	Py_XDECREF(rest);
	Py_XDECREF(assignee);
	Py_XDECREF(team);
	return rc;
}

#define TICKET_STR_GET(field)                                                                \
	static PyObject *Ticket_get_##field(TicketObject *self, void *cl)                        \
	{                                                                                        \
		(void)cl;                                                                            \
		return str_out(csvc_ticket_##field(self->t));                                        \
	}
#define TICKET_STR(field)                                                                    \
	TICKET_STR_GET(field)                                                                    \
	static int Ticket_set_##field(TicketObject *self, PyObject *v, void *cl)                 \
	{                                                                                        \
		const char *s;                                                                       \
		(void)cl;                                                                            \
		if (str_in(v, &s, #field))                                                           \
			return -1;                                                                       \
		return check_rc(csvc_ticket_set_##field(self->t, s));                                \
	}
TICKET_STR_GET(number)
TICKET_STR_GET(kind)
TICKET_STR_GET(store_code)
TICKET_STR_GET(assignee)
TICKET_STR_GET(team)
TICKET_STR_GET(state)
TICKET_STR_GET(workflow)
TICKET_STR(channel)
TICKET_STR(category)
TICKET_STR(subject)
TICKET_STR(description)
TICKET_STR(order_ref)

#define TICKET_ENUM_GET(field, e)                                                            \
	static PyObject *Ticket_get_##field(TicketObject *self, void *cl)                        \
	{                                                                                        \
		(void)cl;                                                                            \
		return enum_out(e, csvc_ticket_##field(self->t));                                    \
	}
#define TICKET_ENUM(field, e)                                                                \
	TICKET_ENUM_GET(field, e)                                                                \
	static int Ticket_set_##field(TicketObject *self, PyObject *v, void *cl)                 \
	{                                                                                        \
		int32_t x;                                                                           \
		(void)cl;                                                                            \
		if (int32_in(v, &x, #field))                                                         \
			return -1;                                                                       \
		return check_rc(csvc_ticket_set_##field(self->t, x));                                \
	}
TICKET_ENUM(urgency, E_URGENCY)
TICKET_ENUM(importance, E_IMPORTANCE)
TICKET_ENUM(impact, E_IMPACT)
TICKET_ENUM(priority, E_PRIORITY)
TICKET_ENUM_GET(state_category, E_STATE_CATEGORY)

static PyObject *Ticket_get_id(TicketObject *self, void *cl)
{
	(void)cl;
	return uuid_out(csvc_ticket_id(self->t));
}

static PyObject *Ticket_get_customer(TicketObject *self, void *cl)
{
	(void)cl;
	return uuid_out(csvc_ticket_customer(self->t));
}

static int Ticket_set_customer(TicketObject *self, PyObject *v, void *cl)
{
	opt_uuid u;
	(void)cl;
	if (v == NULL)
		v = Py_None;
	if (!conv_opt_uuid(v, &u))
		return -1;
	return check_rc(csvc_ticket_set_customer(self->t, u.set ? &u.id : NULL));
}

static PyObject *Ticket_get_priority_overridden(TicketObject *self, void *cl)
{
	(void)cl;
	return PyBool_FromLong(csvc_ticket_priority_overridden(self->t));
}

static PyObject *Ticket_get_workflow_version(TicketObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLong(csvc_ticket_workflow_version(self->t));
}

static PyObject *Ticket_get_revision(TicketObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLongLong(csvc_ticket_revision(self->t));
}

static PyObject *Ticket_get_created_at(TicketObject *self, void *cl)
{
	(void)cl;
	return time_out(csvc_ticket_created_at(self->t));
}

static PyObject *Ticket_get_updated_at(TicketObject *self, void *cl)
{
	(void)cl;
	return time_out(csvc_ticket_updated_at(self->t));
}

static PyObject *Ticket_set_assignee(TicketObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"assignee", "team", NULL};
	const char *a = NULL, *t = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "z|z:set_assignee", kw, &a, &t) ||
	    check_rc(csvc_ticket_set_assignee(self->t, a, t)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Ticket_copy(TicketObject *self, PyObject *unused)
{
	csvc_ticket *t = NULL;
	(void)unused;
	if (check_rc(csvc_ticket_dup(self->t, &t)))
		return NULL;
	return ticket_wrap(t);
}

static PyObject *Ticket_deepcopy(TicketObject *self, PyObject *memo)
{
	(void)memo;
	return Ticket_copy(self, NULL);
}

static PyObject *Ticket_richcompare(PyObject *a, PyObject *b, int op)
{
	int eq;
	if (!PyObject_TypeCheck(b, &TicketType) || (op != Py_EQ && op != Py_NE))
		Py_RETURN_NOTIMPLEMENTED;
	eq = csvc_ticket_equal(((TicketObject *)a)->t, ((TicketObject *)b)->t);
	return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyObject *Ticket_repr(TicketObject *self)
{
	const char *num = csvc_ticket_number(self->t), *state = csvc_ticket_state(self->t);
	return PyUnicode_FromFormat("<csvc.Ticket %s kind=%s state=%s revision=%lld>",
	                            num ? num : "draft", csvc_ticket_kind(self->t) ? csvc_ticket_kind(self->t) : "?",
	                            state ? state : "-", (long long)csvc_ticket_revision(self->t));
}

static PyGetSetDef Ticket_getset[] = {
	G(Ticket, id, "uuid.UUID of the ticket; None for a draft."),
	G(Ticket, number, "Per-store number such as 'SH01-000123'; None for a draft."),
	G(Ticket, kind, "Ticket kind (fixed at creation)."),
	G(Ticket, store_code, "Store code (fixed at creation)."),
	GS(Ticket, customer, "uuid.UUID of the customer, or None. Accepts a UUID, its text or a Customer."),
	GS(Ticket, channel, "Channel name (must be defined in the store), or None."),
	GS(Ticket, category, "Open-text category (商品质量, 服务态度 ...), or None."),
	GS(Ticket, urgency, "Urgency; None resets to the default (GENERAL) before saving."),
	GS(Ticket, importance, "Importance; None resets to the default (MEDIUM)."),
	GS(Ticket, impact, "Impact scope; None resets to the default (INDIVIDUAL)."),
	GS(Ticket, priority, "Effective priority; setting overrides the matrix, None returns to it."),
	G(Ticket, priority_overridden, "True if the priority was set by hand."),
	G(Ticket, assignee, "Assignee (set on a draft with set_assignee, later Store.assign_ticket)."),
	G(Ticket, team, "Team (see assignee)."),
	GS(Ticket, subject, "Subject (str or None)."),
	GS(Ticket, description, "Description (str or None)."),
	GS(Ticket, order_ref, "Linked order reference such as a POS receipt number, or None."),
	G(Ticket, state, "Current state name; None for a draft."),
	G(Ticket, state_category, "StateCategory of the current state; None for a draft."),
	G(Ticket, workflow, "Name of the workflow the ticket runs under."),
	G(Ticket, workflow_version, "Version of that workflow."),
	G(Ticket, revision, "Revision: the number of events (0 for a draft)."),
	G(Ticket, created_at, "Creation time (aware datetime, UTC), None for a draft."),
	G(Ticket, updated_at, "Time of the last event (aware datetime, UTC), None for a draft."),
	{NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef Ticket_methods[] = {
	{"set_assignee", (PyCFunction)(void (*)(void))Ticket_set_assignee, METH_VARARGS | METH_KEYWORDS,
	 "set_assignee($self, /, assignee, team=None)\n--\n\nAssignee and team of a draft (saved tickets: Store.assign_ticket)."},
	{"copy", (PyCFunction)Ticket_copy, METH_NOARGS, "copy($self, /)\n--\n\nA deep copy of the ticket."},
	{"__copy__", (PyCFunction)Ticket_copy, METH_NOARGS, "A deep copy of the ticket."},
	{"__deepcopy__", (PyCFunction)Ticket_deepcopy, METH_O, "A deep copy of the ticket."},
	{NULL, NULL, 0, NULL},
};

static PyTypeObject TicketType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.Ticket",
	.tp_basicsize = sizeof(TicketObject),
	.tp_dealloc = (destructor)Ticket_dealloc,
	.tp_repr = (reprfunc)Ticket_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("Ticket(kind, store_code, **fields)\n--\n\n"
	                    "A ticket (工单): a detached value like Customer. A new Ticket is a draft\n"
	                    "of `kind` for store `store_code`; keyword arguments set customer,\n"
	                    "channel, category, urgency, importance, impact, priority, subject,\n"
	                    "description, order_ref, assignee and team. Save it with\n"
	                    "Store.create_ticket; change a saved one with its setters and\n"
	                    "Store.update_ticket, or with the Store's ticket operations.\n"
	                    "Two tickets compare equal when identity, fields, state, revision and\n"
	                    "times are equal."),
	.tp_methods = Ticket_methods,
	.tp_getset = Ticket_getset,
	.tp_richcompare = Ticket_richcompare,
	.tp_hash = PyObject_HashNotImplemented,
	.tp_init = (initproc)Ticket_init,
	.tp_new = Ticket_new,
};

/* ------------------------------------------------------------------ */
/* Workflow                                                            */
/* ------------------------------------------------------------------ */

static PyObject *workflow_wrap(csvc_workflow *wf)
{
	WorkflowObject *o = PyObject_New(WorkflowObject, &WorkflowType);
	if (o == NULL) {
		csvc_workflow_free(wf);
		return NULL;
	}
	o->wf = wf;
	return (PyObject *)o;
}

static PyObject *Workflow_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	(void)args;
	(void)kwargs;
	return type->tp_alloc(type, 0);
}

static void Workflow_dealloc(WorkflowObject *self)
{
	csvc_workflow_free(self->wf);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Workflow_init(WorkflowObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", NULL};
	const char *name;
	csvc_workflow *wf = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:Workflow", kw, &name) ||
	    check_rc(csvc_workflow_new(&wf, name)))
		return -1;
	csvc_workflow_free(self->wf);
	self->wf = wf;
	return 0;
}

static PyObject *Workflow_get_name(WorkflowObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_workflow_name(self->wf));
}

static PyObject *Workflow_get_version(WorkflowObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLong(csvc_workflow_version(self->wf));
}

static PyObject *Workflow_get_initial(WorkflowObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_workflow_initial(self->wf));
}

static int Workflow_set_initial(WorkflowObject *self, PyObject *v, void *cl)
{
	const char *s;
	(void)cl;
	if (str_in(v, &s, "initial"))
		return -1;
	return check_rc(csvc_workflow_set_initial(self->wf, s));
}

static PyObject *Workflow_get_states(WorkflowObject *self, void *cl)
{
	size_t n = csvc_workflow_state_count(self->wf);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	(void)cl;
	for (size_t i = 0; t != NULL && i < n; i++) {
		const char *name = NULL, *zh = NULL, *en = NULL;
		int32_t cat = 0;
		PyObject *pn, *pc, *pz, *pe, *st = NULL;
		csvc_workflow_state_at(self->wf, i, &name, &cat, &zh, &en);
		pn = str_out(name);
		pc = enum_out(E_STATE_CATEGORY, cat);
		pz = str_out(zh);
		pe = str_out(en);
		if (pn && pc && pz && pe)
			st = PyObject_CallFunctionObjArgs(g_state_type, pn, pc, pz, pe, NULL);
		Py_XDECREF(pn);
		Py_XDECREF(pc);
		Py_XDECREF(pz);
		Py_XDECREF(pe);
		if (st == NULL) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, st);
	}
	return t;
}

static PyObject *Workflow_get_transitions(WorkflowObject *self, void *cl)
{
	size_t n = csvc_workflow_transition_count(self->wf);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	(void)cl;
	for (size_t i = 0; t != NULL && i < n; i++) {
		const char *name = NULL, *from = NULL, *to = NULL;
		PyObject *tr;
		csvc_workflow_transition_at(self->wf, i, &name, &from, &to);
		tr = PyObject_CallFunction(g_transition_type, "sss", name, from, to);
		if (tr == NULL) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, tr);
	}
	return t;
}

static PyObject *Workflow_get_guards(WorkflowObject *self, void *cl)
{
	size_t n = csvc_workflow_guard_count(self->wf);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	(void)cl;
	for (size_t i = 0; t != NULL && i < n; i++) {
		const char *tr = NULL, *field = NULL, *role = NULL;
		int64_t threshold = 0;
		PyObject *g;
		csvc_workflow_guard_at(self->wf, i, &tr, &field, &role, &threshold);
		g = PyObject_CallFunction(g_guard_type, "szzL", tr, field, role, (long long)threshold);
		if (g == NULL) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, g);
	}
	return t;
}

static PyObject *Workflow_require_field(WorkflowObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"transition", "field", NULL};
	const char *tr, *field;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ss:require_field", kw, &tr, &field) ||
	    check_rc(csvc_workflow_require_field(self->wf, tr, field)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Workflow_require_approval(WorkflowObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"transition", "role", "field", "threshold", NULL};
	const char *tr, *role, *field = NULL;
	long long threshold = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ss|zL:require_approval", kw, &tr, &role, &field, &threshold) ||
	    check_rc(csvc_workflow_require_approval(self->wf, tr, role, field, threshold)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Workflow_add_state(WorkflowObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "category", "label_zh", "label_en", NULL};
	const char *name, *zh = NULL, *en = NULL;
	int32_t cat;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO&|zz:add_state", kw, &name, conv_int32, &cat,
	                                 &zh, &en) ||
	    check_rc(csvc_workflow_add_state(self->wf, name, cat, zh, en)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Workflow_add_transition(WorkflowObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "from_state", "to_state", NULL};
	const char *name, *from, *to;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sss:add_transition", kw, &name, &from, &to) ||
	    check_rc(csvc_workflow_add_transition(self->wf, name, from, to)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Workflow_validate(WorkflowObject *self, PyObject *unused)
{
	(void)unused;
	if (check_rc(csvc_workflow_validate(self->wf)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Workflow_state_category(WorkflowObject *self, PyObject *arg)
{
	const char *s;
	if (str_in(arg, &s, "state"))
		return NULL;
	return enum_out(E_STATE_CATEGORY, s ? csvc_workflow_state_category(self->wf, s) : 0);
}

static PyObject *Workflow_target(WorkflowObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"from_state", "transition", NULL};
	const char *from, *name, *to = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ss:target", kw, &from, &name) ||
	    check_rc(csvc_workflow_target(self->wf, from, name, &to)))
		return NULL;
	return str_out(to);
}

static PyObject *Workflow_repr(WorkflowObject *self)
{
	const char *name = csvc_workflow_name(self->wf);
	return PyUnicode_FromFormat("<csvc.Workflow %s version=%d states=%zu transitions=%zu>",
	                            name ? name : "?", (int)csvc_workflow_version(self->wf),
	                            csvc_workflow_state_count(self->wf),
	                            csvc_workflow_transition_count(self->wf));
}

static PyGetSetDef Workflow_getset[] = {
	G(Workflow, name, "The workflow's machine name."),
	G(Workflow, version, "The stored version; 0 if never saved or changed since."),
	GS(Workflow, initial, "Name of the initial state (the first state added unless set)."),
	G(Workflow, states, "States in the order added: tuple of State(name, category, label_zh, label_en)."),
	G(Workflow, transitions, "Transitions in the order added: tuple of Transition(name, from_state, to_state)."),
	G(Workflow, guards, "Guards in the order added: tuple of Guard(transition, field, role, threshold);\n"
	  "role None: a required field; field None: an approval always needed."),
	{NULL, NULL, NULL, NULL, NULL},
};

#define METH_KW(type, name, doc) {#name, (PyCFunction)(void (*)(void))type##_##name, METH_VARARGS | METH_KEYWORDS, doc}

static PyMethodDef Workflow_methods[] = {
	METH_KW(Workflow, add_state, "add_state($self, /, name, category, label_zh=None, label_en=None)\n--\n\n"
	        "Adds a state in StateCategory `category` (AlreadyExists if the name is taken)."),
	METH_KW(Workflow, add_transition, "add_transition($self, /, name, from_state, to_state)\n--\n\n"
	        "Adds transition `name` from one state to another."),
	METH_KW(Workflow, require_field, "require_field($self, /, transition, field)\n--\n\n"
	        "Transition `transition` needs `field`: a ticket field by its fixed name\n"
	        "(customer, channel, category, assignee, team, order_ref, subject, description)\n"
	        "or an input given with the transition."),
	METH_KW(Workflow, require_approval, "require_approval($self, /, transition, role, field=None, threshold=0)\n--\n\n"
	        "Transition `transition` needs an approval by a holder of `role`: always, or with\n"
	        "`field` only when that integer input is above `threshold`."),
	{"validate", (PyCFunction)Workflow_validate, METH_NOARGS,
	 "validate($self, /)\n--\n\nChecks the definition; raises InvalidArgument naming the problem."},
	METH_O_(Workflow, state_category, "state_category($self, state, /)\n--\n\n"
	        "The StateCategory of state `state`, or None if there is no such state."),
	METH_KW(Workflow, target, "target($self, /, from_state, transition)\n--\n\n"
	        "Where `transition` leads from `from_state` (InvalidTransition if it does not leave it)."),
	{NULL, NULL, 0, NULL},
};

static const char *const workflow_eq_fields[] = {
	"name", "version", "initial", "states", "transitions", "guards", NULL,
};

static PyObject *Workflow_richcompare(PyObject *a, PyObject *b, int op)
{
	return fields_richcompare(a, b, op, &WorkflowType, workflow_eq_fields);
}

static PyTypeObject WorkflowType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.Workflow",
	.tp_basicsize = sizeof(WorkflowObject),
	.tp_dealloc = (destructor)Workflow_dealloc,
	.tp_repr = (reprfunc)Workflow_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("Workflow(name)\n--\n\n"
	                    "A ticket state machine defined as data (a detached value): named states\n"
	                    "in StateCategory categories, named transitions and an initial state.\n"
	                    "Store it with Store.save_workflow (a changed definition becomes a new\n"
	                    "version) and read it with Store.load_workflow."),
	.tp_methods = Workflow_methods,
	.tp_getset = Workflow_getset,
	.tp_richcompare = Workflow_richcompare,
	.tp_hash = PyObject_HashNotImplemented,
	.tp_init = (initproc)Workflow_init,
	.tp_new = Workflow_new,
};

/* ------------------------------------------------------------------ */
/* Staff and Team                                                      */
/* ------------------------------------------------------------------ */

static const named_enum SKILL_KINDS = {"kind", "SkillKind", CSVC_ENUM_SKILL_KIND};
static const named_enum TEAM_KINDS = {"kind", "TeamKind", CSVC_ENUM_TEAM_KIND};
static const named_enum STAFF_STATUSES = {"status", "StaffStatus", CSVC_ENUM_STAFF_STATUS};

/* A required str: None (and deletion) is a TypeError, not "clear it". */
static int str_req(PyObject *o, const char **out, const char *what)
{
	if (o == NULL) {
		PyErr_Format(PyExc_AttributeError, "cannot delete %s", what);
		return -1;
	}
	if (o == Py_None) {
		PyErr_Format(PyExc_TypeError, "%s must be str, not None", what);
		return -1;
	}
	return str_in(o, out, what);
}

/* A flag attribute: any object, by its truth value; deletion refused. */
static int flag_in(PyObject *o, int *out, const char *what)
{
	if (o == NULL) {
		PyErr_Format(PyExc_AttributeError, "cannot delete %s", what);
		return -1;
	}
	*out = PyObject_IsTrue(o);
	return *out < 0 ? -1 : 0;
}

/* A (kind, value) skill pair: kind a SkillKind, an int or its lower-case
 * name ('language'); value a str. */
static int skill_in(PyObject *o, int32_t *kind, const char **value)
{
	if (!PyTuple_Check(o) || PyTuple_GET_SIZE(o) != 2) {
		PyErr_Format(PyExc_TypeError, "a skill must be a (SkillKind, value) tuple, not %.100s",
		             Py_TYPE(o)->tp_name);
		return -1;
	}
	if (PyTuple_GET_ITEM(o, 0) == Py_None || PyTuple_GET_ITEM(o, 1) == Py_None) {
		PyErr_SetString(PyExc_TypeError, "a skill's kind and value cannot be None");
		return -1;
	}
	return named_in(PyTuple_GET_ITEM(o, 0), &SKILL_KINDS, kind) || str_in(PyTuple_GET_ITEM(o, 1), value, "skill value")
	               ? -1
	               : 0;
}

/* Copies the fields a caller can set (name, employee number, home store,
 * calendar, active flag, skills, teams, roles) from `src` onto `dst`; the
 * library has no duplicate call for these records. */
static int staff_copy_fields(csvc_staff *dst, const csvc_staff *src)
{
	int rc;
	size_t n;
	if ((rc = csvc_staff_set_name(dst, csvc_staff_name(src))) != CSVC_OK ||
	    (rc = csvc_staff_set_employee_number(dst, csvc_staff_employee_number(src))) != CSVC_OK ||
	    (rc = csvc_staff_set_home_store(dst, csvc_staff_home_store(src))) != CSVC_OK ||
	    (rc = csvc_staff_set_calendar(dst, csvc_staff_calendar(src))) != CSVC_OK ||
	    (rc = csvc_staff_set_active(dst, csvc_staff_active(src))) != CSVC_OK)
		return rc;
	while ((n = csvc_staff_skill_count(dst)) > 0) {
		int32_t kind = 0;
		const char *value = NULL;
		char buf[CSVC_STAFF_MAX_SKILL + 1];
		if ((rc = csvc_staff_skill_at(dst, n - 1, &kind, &value)) != CSVC_OK)
			return rc;
		snprintf(buf, sizeof(buf), "%s", value);
		if ((rc = csvc_staff_remove_skill(dst, (csvc_skill_kind_t)kind, buf)) != CSVC_OK)
			return rc;
	}
	while ((n = csvc_staff_team_count(dst)) > 0) {
		char buf[CSVC_TEAM_MAX_CODE + 1];
		snprintf(buf, sizeof(buf), "%s", csvc_staff_team(dst, n - 1));
		if ((rc = csvc_staff_remove_team(dst, buf)) != CSVC_OK)
			return rc;
	}
	n = csvc_staff_skill_count(src);
	for (size_t i = 0; i < n; i++) {
		int32_t kind = 0;
		const char *value = NULL;
		if ((rc = csvc_staff_skill_at(src, i, &kind, &value)) != CSVC_OK ||
		    (rc = csvc_staff_add_skill(dst, (csvc_skill_kind_t)kind, value)) != CSVC_OK)
			return rc;
	}
	n = csvc_staff_team_count(src);
	for (size_t i = 0; i < n; i++)
		if ((rc = csvc_staff_add_team(dst, csvc_staff_team(src, i))) != CSVC_OK)
			return rc;
	while ((n = csvc_staff_role_count(dst)) > 0) {
		char buf[CSVC_ROLE_MAX_CODE + 1];
		snprintf(buf, sizeof(buf), "%s", csvc_staff_role(dst, n - 1));
		if ((rc = csvc_staff_remove_role(dst, buf)) != CSVC_OK)
			return rc;
	}
	n = csvc_staff_role_count(src);
	for (size_t i = 0; i < n; i++)
		if ((rc = csvc_staff_add_role(dst, csvc_staff_role(src, i))) != CSVC_OK)
			return rc;
	return CSVC_OK;
}

/* A copy of `st` as it is, for undoing a write whose Python clock raised:
 * a draft is rebuilt; a saved record is read again by id and given the
 * caller's changes. `*out` stays NULL when the stored revision is not the
 * record's (the write fails with a conflict and changes nothing). */
static int staff_backup(csvc_store *store, const csvc_staff *st, csvc_staff **out)
{
	csvc_staff *b = NULL;
	int rc;
	*out = NULL;
	if (csvc_staff_revision(st) == 0)
		rc = csvc_staff_new(&b, csvc_staff_code(st), csvc_staff_name(st));
	else
		rc = csvc_staff_get_by_id(store, csvc_staff_id(st), &b);
	if (rc == CSVC_ENOTFOUND)
		return CSVC_OK;
	if (rc != CSVC_OK)
		return rc;
	if (csvc_staff_revision(b) != csvc_staff_revision(st)) {
		csvc_staff_free(b);
		return CSVC_OK;
	}
	if ((rc = staff_copy_fields(b, st)) != CSVC_OK) {
		csvc_staff_free(b);
		return rc;
	}
	*out = b;
	return CSVC_OK;
}

static PyObject *staff_wrap(csvc_staff *st)
{
	StaffObject *o = PyObject_New(StaffObject, &StaffType);
	if (o == NULL) {
		csvc_staff_free(st);
		return NULL;
	}
	o->st = st;
	return (PyObject *)o;
}

static PyObject *Staff_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	(void)args;
	(void)kwargs;
	return type->tp_alloc(type, 0); /* st stays NULL until __init__ */
}

static void Staff_dealloc(StaffObject *self)
{
	csvc_staff_free(self->st);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static int staff_ready(StaffObject *self)
{
	if (self->st == NULL) {
		raise_code(CSVC_EINVAL, "the Staff was not initialised", NULL, 0, NULL);
		return -1;
	}
	return 0;
}

static int staff_add_team_cb(void *st, const char *s) { return csvc_staff_add_team(st, s); }
static int staff_add_role_cb(void *st, const char *s) { return csvc_staff_add_role(st, s); }

static int Staff_init(StaffObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", "name", "employee_number", "home_store", "calendar", "active", "skills", "teams",
	                     "roles", NULL};
	const char *code, *name, *number = NULL, *home = NULL, *cal = NULL;
	int active = 1;
	PyObject *skills = NULL, *teams = NULL, *roles = NULL;
	csvc_staff *st = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ss|$zzzpOOO:Staff", kw, &code, &name, &number, &home, &cal,
	                                 &active, &skills, &teams, &roles) ||
	    check_rc(csvc_staff_new(&st, code, name)))
		return -1;
	if ((number && check_rc(csvc_staff_set_employee_number(st, number))) ||
	    (home && check_rc(csvc_staff_set_home_store(st, home))) ||
	    (cal && check_rc(csvc_staff_set_calendar(st, cal))) || check_rc(csvc_staff_set_active(st, active)))
		goto fail;
	if (skills != NULL && skills != Py_None) {
		PyObject *it, *item;
		if ((it = PyObject_GetIter(skills)) == NULL)
			goto fail;
		while ((item = PyIter_Next(it)) != NULL) {
			int32_t kind;
			const char *value;
			int bad = skill_in(item, &kind, &value) || check_rc(csvc_staff_add_skill(st, kind, value));
			Py_DECREF(item);
			if (bad)
				break;
		}
		Py_DECREF(it);
		if (PyErr_Occurred())
			goto fail;
	}
	if (teams != NULL && teams != Py_None && each_str(teams, "teams", staff_add_team_cb, st))
		goto fail;
	if (roles != NULL && roles != Py_None && each_str(roles, "roles", staff_add_role_cb, st))
		goto fail;
	csvc_staff_free(self->st);
	self->st = st;
	return 0;
fail:
	csvc_staff_free(st);
	return -1;
}

#define STAFF_STR_GET(field)                                                                 \
	static PyObject *Staff_get_##field(StaffObject *self, void *cl)                          \
	{                                                                                        \
		(void)cl;                                                                            \
		return str_out(csvc_staff_##field(self->st));                                        \
	}
/* None clears an optional field. */
#define STAFF_STR(field)                                                                     \
	STAFF_STR_GET(field)                                                                     \
	static int Staff_set_##field(StaffObject *self, PyObject *v, void *cl)                   \
	{                                                                                        \
		const char *s;                                                                       \
		(void)cl;                                                                            \
		if (staff_ready(self) || str_in(v, &s, #field))                                      \
			return -1;                                                                       \
		return check_rc(csvc_staff_set_##field(self->st, s));                                \
	}
STAFF_STR_GET(code)
STAFF_STR_GET(name)
STAFF_STR(employee_number)
STAFF_STR(home_store)
STAFF_STR(calendar)

static int Staff_set_name(StaffObject *self, PyObject *v, void *cl)
{
	const char *s;
	(void)cl;
	if (staff_ready(self) || str_req(v, &s, "name"))
		return -1;
	return check_rc(csvc_staff_set_name(self->st, s));
}

static PyObject *Staff_get_active(StaffObject *self, void *cl)
{
	(void)cl;
	return PyBool_FromLong(csvc_staff_active(self->st));
}

static int Staff_set_active(StaffObject *self, PyObject *v, void *cl)
{
	int active;
	(void)cl;
	if (staff_ready(self) || flag_in(v, &active, "active"))
		return -1;
	return check_rc(csvc_staff_set_active(self->st, active));
}

static PyObject *Staff_get_id(StaffObject *self, void *cl)
{
	(void)cl;
	return uuid_out(csvc_staff_id(self->st));
}

static PyObject *Staff_get_revision(StaffObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLongLong(csvc_staff_revision(self->st));
}

static PyObject *Staff_get_created_at(StaffObject *self, void *cl)
{
	(void)cl;
	return time_out(csvc_staff_created_at(self->st));
}

static PyObject *Staff_get_updated_at(StaffObject *self, void *cl)
{
	(void)cl;
	return time_out(csvc_staff_updated_at(self->st));
}

static PyObject *Staff_get_skills(StaffObject *self, void *cl)
{
	size_t n = csvc_staff_skill_count(self->st);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	(void)cl;
	for (size_t i = 0; t != NULL && i < n; i++) {
		int32_t kind = 0;
		const char *value = NULL;
		PyObject *k, *v, *pair = NULL;
		if (check_rc(csvc_staff_skill_at(self->st, i, &kind, &value))) {
			Py_CLEAR(t);
			break;
		}
		k = enum_out(E_SKILL_KIND, kind);
		v = str_out(value);
		if (k != NULL && v != NULL)
			pair = PyTuple_Pack(2, k, v);
		Py_XDECREF(k);
		Py_XDECREF(v);
		if (pair == NULL) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, pair);
	}
	return t;
}

static PyObject *Staff_get_teams(StaffObject *self, void *cl)
{
	size_t n = csvc_staff_team_count(self->st);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	(void)cl;
	for (size_t i = 0; t != NULL && i < n; i++) {
		PyObject *s = str_out(csvc_staff_team(self->st, i));
		if (s == NULL) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
	}
	return t;
}

static PyObject *Staff_get_roles(StaffObject *self, void *cl)
{
	size_t n = csvc_staff_role_count(self->st);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	(void)cl;
	for (size_t i = 0; t != NULL && i < n; i++) {
		PyObject *s = str_out(csvc_staff_role(self->st, i));
		if (s == NULL) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
	}
	return t;
}

static int staff_skill_args(StaffObject *self, PyObject *args, const char *fname, int32_t *kind, const char **value)
{
	PyObject *k, *v;
	if (staff_ready(self) || !PyArg_UnpackTuple(args, fname, 2, 2, &k, &v))
		return -1;
	if (k == Py_None) {
		PyErr_SetString(PyExc_TypeError, "kind must be a SkillKind, not None");
		return -1;
	}
	return named_in(k, &SKILL_KINDS, kind) || str_req(v, value, "value") ? -1 : 0;
}

static PyObject *Staff_add_skill(StaffObject *self, PyObject *args)
{
	int32_t kind;
	const char *value;
	if (staff_skill_args(self, args, "add_skill", &kind, &value) ||
	    check_rc(csvc_staff_add_skill(self->st, (csvc_skill_kind_t)kind, value)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Staff_remove_skill(StaffObject *self, PyObject *args)
{
	int32_t kind;
	const char *value;
	if (staff_skill_args(self, args, "remove_skill", &kind, &value) ||
	    check_rc(csvc_staff_remove_skill(self->st, (csvc_skill_kind_t)kind, value)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Staff_add_team(StaffObject *self, PyObject *arg)
{
	const char *s;
	if (staff_ready(self) || str_req(arg, &s, "team") || check_rc(csvc_staff_add_team(self->st, s)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Staff_remove_team(StaffObject *self, PyObject *arg)
{
	const char *s;
	if (staff_ready(self) || str_req(arg, &s, "team") || check_rc(csvc_staff_remove_team(self->st, s)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Staff_add_role(StaffObject *self, PyObject *arg)
{
	const char *s;
	if (staff_ready(self) || str_req(arg, &s, "role") || check_rc(csvc_staff_add_role(self->st, s)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Staff_remove_role(StaffObject *self, PyObject *arg)
{
	const char *s;
	if (staff_ready(self) || str_req(arg, &s, "role") || check_rc(csvc_staff_remove_role(self->st, s)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Staff_repr(StaffObject *self)
{
	char id[CSVC_UUID_STRLEN + 1] = "draft";
	PyObject *pc, *pn, *r = NULL;
	if (self->st == NULL)
		return PyUnicode_FromString("<csvc.Staff uninitialised>");
	if (!csvc_uuid_is_nil(csvc_staff_id(self->st)))
		csvc_uuid_to_string(csvc_staff_id(self->st), id);
	pc = str_out(csvc_staff_code(self->st));
	pn = str_out(csvc_staff_name(self->st));
	if (pc != NULL && pn != NULL)
		r = PyUnicode_FromFormat("<csvc.Staff %R %s name=%R%s revision=%lld>", pc, id, pn,
		                         csvc_staff_active(self->st) ? "" : " inactive",
		                         (long long)csvc_staff_revision(self->st));
	Py_XDECREF(pc);
	Py_XDECREF(pn);
	return r;
}

static PyGetSetDef Staff_getset[] = {
	G(Staff, id, "uuid.UUID of the staff member; None for a draft."),
	G(Staff, code, "The host's own staff ID or login (fixed at creation)."),
	GS(Staff, name, "Display name (str)."),
	GS(Staff, employee_number, "Employee number, unique in the store (str or None)."),
	GS(Staff, home_store, "Home store code such as 'SH01' (str or None)."),
	GS(Staff, calendar, "Name of the stored calendar of the staff member's shifts (str or None)."),
	GS(Staff, active, "False once deactivated; staff members are never deleted."),
	G(Staff, revision, "Revision: 0 for a draft, 1 after create, +1 per saved change."),
	G(Staff, created_at, "Creation time (aware datetime, UTC), None for a draft."),
	G(Staff, updated_at, "Time of the last saved change (aware datetime, UTC), None for a draft."),
	G(Staff, skills, "Skills as a tuple of (SkillKind, value) pairs, sorted. Change with add_skill/remove_skill."),
	G(Staff, teams, "Codes of the teams the staff member belongs to (tuple of str, sorted). Change with\n"
	                "add_team/remove_team."),
	G(Staff, roles, "Codes of the roles the staff member holds (tuple of str, sorted). Change with\n"
	                "add_role/remove_role."),
	{NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef Staff_methods[] = {
	METH_V(Staff, add_skill, "add_skill($self, kind, value, /)\n--\n\n"
	                         "Adds a skill such as (SkillKind.LANGUAGE, 'en') (no-op if present).\n"
	                         "kind is a SkillKind, an int or its lower-case name."),
	METH_V(Staff, remove_skill, "remove_skill($self, kind, value, /)\n--\n\nRemoves a skill (NotFound if absent)."),
	METH_O_(Staff, add_team, "add_team($self, team, /)\n--\n\n"
	                         "Makes the staff member a member of the team with this code (no-op if a\n"
	                         "member). The team must exist when the record is saved (NotFound)."),
	METH_O_(Staff, remove_team, "remove_team($self, team, /)\n--\n\nEnds a team membership (NotFound if not a member)."),
	METH_O_(Staff, add_role, "add_role($self, role, /)\n--\n\n"
	                         "Gives the staff member the role with this code (no-op if held). The\n"
	                         "role must exist when the record is saved (NotFound)."),
	METH_O_(Staff, remove_role, "remove_role($self, role, /)\n--\n\nTakes a role away (NotFound if not held)."),
	{NULL, NULL, 0, NULL},
};

static const char *const staff_eq_fields[] = {
	"id", "code", "revision", "name", "employee_number", "home_store", "calendar", "active",
	"created_at", "updated_at", "skills", "teams", "roles", NULL,
};

static PyObject *Staff_richcompare(PyObject *a, PyObject *b, int op)
{
	return fields_richcompare(a, b, op, &StaffType, staff_eq_fields);
}

static PyTypeObject StaffType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.Staff",
	.tp_basicsize = sizeof(StaffObject),
	.tp_dealloc = (destructor)Staff_dealloc,
	.tp_repr = (reprfunc)Staff_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("Staff(code, name, *, employee_number=None, home_store=None, calendar=None, active=True, "
	                    "skills=(), teams=(), roles=())\n--\n\n"
	                    "A staff member (员工): a detached value like Customer. `code` is the\n"
	                    "host's own staff ID or login, unique in the store and fixed once saved.\n"
	                    "skills is an iterable of (SkillKind, value) pairs, teams and roles\n"
	                    "iterables of team and role codes. Setters validate (InvalidArgument, OutOfRange) and change\n"
	                    "nothing on failure. Save with Store.create_staff / Store.update_staff;\n"
	                    "staff members are never deleted: set active = False."),
	.tp_methods = Staff_methods,
	.tp_getset = Staff_getset,
	.tp_richcompare = Staff_richcompare,
	.tp_hash = PyObject_HashNotImplemented,
	.tp_init = (initproc)Staff_init,
	.tp_new = Staff_new,
};

/* A copy of `team` as it is, for undoing a write whose Python clock
 * raised (as staff_backup). */
static int team_backup(csvc_store *store, const csvc_team *team, csvc_team **out)
{
	csvc_team *b = NULL;
	int rc;
	*out = NULL;
	if (csvc_team_revision(team) == 0)
		rc = csvc_team_new(&b, csvc_team_code(team), csvc_team_name(team), (csvc_team_kind_t)csvc_team_kind(team));
	else
		rc = csvc_team_get(store, csvc_team_code(team), &b);
	if (rc == CSVC_ENOTFOUND)
		return CSVC_OK;
	if (rc != CSVC_OK)
		return rc;
	if (csvc_team_revision(b) != csvc_team_revision(team)) {
		csvc_team_free(b);
		return CSVC_OK;
	}
	if ((rc = csvc_team_set_name(b, csvc_team_name(team))) != CSVC_OK ||
	    (rc = csvc_team_set_store(b, csvc_team_store(team))) != CSVC_OK ||
	    (rc = csvc_team_set_active(b, csvc_team_active(team))) != CSVC_OK) {
		csvc_team_free(b);
		return rc;
	}
	*out = b;
	return CSVC_OK;
}

static PyObject *team_wrap(csvc_team *team)
{
	TeamObject *o = PyObject_New(TeamObject, &TeamType);
	if (o == NULL) {
		csvc_team_free(team);
		return NULL;
	}
	o->team = team;
	return (PyObject *)o;
}

static PyObject *Team_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	(void)args;
	(void)kwargs;
	return type->tp_alloc(type, 0); /* team stays NULL until __init__ */
}

static void Team_dealloc(TeamObject *self)
{
	csvc_team_free(self->team);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static int team_ready(TeamObject *self)
{
	if (self->team == NULL) {
		raise_code(CSVC_EINVAL, "the Team was not initialised", NULL, 0, NULL);
		return -1;
	}
	return 0;
}

static int Team_init(TeamObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", "name", "kind", "store_code", "active", NULL};
	const char *code, *name, *store_code = NULL;
	PyObject *kind_obj;
	int32_t kind;
	int active = 1;
	csvc_team *team = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ssO|$zp:Team", kw, &code, &name, &kind_obj, &store_code,
	                                 &active))
		return -1;
	if (kind_obj == Py_None) {
		PyErr_SetString(PyExc_TypeError, "kind must be a TeamKind, not None");
		return -1;
	}
	if (named_in(kind_obj, &TEAM_KINDS, &kind) || check_rc(csvc_team_new(&team, code, name, (csvc_team_kind_t)kind)))
		return -1;
	if ((store_code && check_rc(csvc_team_set_store(team, store_code))) ||
	    check_rc(csvc_team_set_active(team, active))) {
		csvc_team_free(team);
		return -1;
	}
	csvc_team_free(self->team);
	self->team = team;
	return 0;
}

static PyObject *Team_get_code(TeamObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_team_code(self->team));
}

static PyObject *Team_get_name(TeamObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_team_name(self->team));
}

static int Team_set_name(TeamObject *self, PyObject *v, void *cl)
{
	const char *s;
	(void)cl;
	if (team_ready(self) || str_req(v, &s, "name"))
		return -1;
	return check_rc(csvc_team_set_name(self->team, s));
}

static PyObject *Team_get_kind(TeamObject *self, void *cl)
{
	(void)cl;
	return enum_out(E_TEAM_KIND, csvc_team_kind(self->team));
}

static PyObject *Team_get_store_code(TeamObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_team_store(self->team));
}

static int Team_set_store_code(TeamObject *self, PyObject *v, void *cl)
{
	const char *s;
	(void)cl;
	if (team_ready(self) || str_in(v, &s, "store_code"))
		return -1;
	return check_rc(csvc_team_set_store(self->team, s));
}

static PyObject *Team_get_active(TeamObject *self, void *cl)
{
	(void)cl;
	return PyBool_FromLong(csvc_team_active(self->team));
}

static int Team_set_active(TeamObject *self, PyObject *v, void *cl)
{
	int active;
	(void)cl;
	if (team_ready(self) || flag_in(v, &active, "active"))
		return -1;
	return check_rc(csvc_team_set_active(self->team, active));
}

static PyObject *Team_get_revision(TeamObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLongLong(csvc_team_revision(self->team));
}

static PyObject *Team_repr(TeamObject *self)
{
	PyObject *pc, *pn, *r = NULL;
	const char *kind;
	if (self->team == NULL)
		return PyUnicode_FromString("<csvc.Team uninitialised>");
	kind = csvc_enum_name(CSVC_ENUM_TEAM_KIND, csvc_team_kind(self->team));
	pc = str_out(csvc_team_code(self->team));
	pn = str_out(csvc_team_name(self->team));
	if (pc != NULL && pn != NULL)
		r = PyUnicode_FromFormat("<csvc.Team %R name=%R kind=%s%s revision=%lld>", pc, pn, kind ? kind : "?",
		                         csvc_team_active(self->team) ? "" : " inactive",
		                         (long long)csvc_team_revision(self->team));
	Py_XDECREF(pc);
	Py_XDECREF(pn);
	return r;
}

static PyGetSetDef Team_getset[] = {
	G(Team, code, "The team's code, [a-z0-9_.-] (fixed at creation)."),
	GS(Team, name, "Display name (str)."),
	G(Team, kind, "TeamKind: a customer-service group or a department (fixed at creation)."),
	GS(Team, store_code, "Code of the retail store the team works for, or None for a chain-wide team."),
	GS(Team, active, "False once deactivated; teams are never deleted and keep their members."),
	G(Team, revision, "Revision: 0 for a draft, 1 after create, +1 per saved change."),
	{NULL, NULL, NULL, NULL, NULL},
};

static const char *const team_eq_fields[] = {"code", "revision", "name", "kind", "store_code", "active", NULL};

static PyObject *Team_richcompare(PyObject *a, PyObject *b, int op)
{
	return fields_richcompare(a, b, op, &TeamType, team_eq_fields);
}

static PyTypeObject TeamType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.Team",
	.tp_basicsize = sizeof(TeamObject),
	.tp_dealloc = (destructor)Team_dealloc,
	.tp_repr = (reprfunc)Team_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("Team(code, name, kind, *, store_code=None, active=True)\n--\n\n"
	                    "A team (detached value): a customer-service group (咨询组, 投诉处理组,\n"
	                    "...) or a department (物业, 财务, ...), by its TeamKind (or its name,\n"
	                    "'cs_group' or 'department'). `code` is 1 to 64 bytes of [a-z0-9_.-],\n"
	                    "unique in the store and fixed once saved. Save with Store.create_team /\n"
	                    "Store.update_team; teams are never deleted: set active = False.\n"
	                    "Membership is set on the Staff record (Staff.add_team)."),
	.tp_getset = Team_getset,
	.tp_richcompare = Team_richcompare,
	.tp_hash = PyObject_HashNotImplemented,
	.tp_init = (initproc)Team_init,
	.tp_new = Team_new,
};

/* ------------------------------------------------------------------ */
/* Role                                                                */
/* ------------------------------------------------------------------ */

static const named_enum PERMISSIONS = {"permission", "Permission", CSVC_ENUM_PERMISSION};
static const named_enum ROLE_SCOPES = {"scope", "RoleScope", CSVC_ENUM_ROLE_SCOPE};

/* Permissions are the values the library names, scanned up to here (a
 * newer library may name more than this header's CSVC_PERM_MAX). */
#define PERM_SCAN 256

/* A required Permission (or its int, or its name): None is a TypeError. */
static int perm_in(PyObject *o, int32_t *out)
{
	if (o == NULL || o == Py_None) {
		PyErr_SetString(PyExc_TypeError, "permission must be a Permission, not None");
		return -1;
	}
	return named_in(o, &PERMISSIONS, out);
}

static int conv_permission(PyObject *o, void *out)
{
	return perm_in(o, out) == 0;
}

/* A required RoleScope (or its int, or its name). */
static int scope_in(PyObject *o, int32_t *out)
{
	if (o == NULL) {
		PyErr_SetString(PyExc_AttributeError, "cannot delete scope");
		return -1;
	}
	if (o == Py_None) {
		PyErr_SetString(PyExc_TypeError, "scope must be a RoleScope, not None");
		return -1;
	}
	return named_in(o, &ROLE_SCOPES, out);
}

/* Copies what a caller can set (name, scope, active flag, permissions)
 * from `src` onto `dst`; the library has no duplicate call for roles. */
static int role_copy_fields(csvc_role *dst, const csvc_role *src)
{
	int rc;
	if ((rc = csvc_role_set_name(dst, csvc_role_name(src))) != CSVC_OK ||
	    (rc = csvc_role_set_scope(dst, (csvc_role_scope_t)csvc_role_scope(src))) != CSVC_OK ||
	    (rc = csvc_role_set_active(dst, csvc_role_active(src))) != CSVC_OK)
		return rc;
	for (int32_t v = 1; v < PERM_SCAN; v++) {
		if (csvc_enum_name(CSVC_ENUM_PERMISSION, v) == NULL)
			continue;
		rc = csvc_role_allows(src, (csvc_permission_t)v) ? csvc_role_grant(dst, (csvc_permission_t)v)
		                                                 : csvc_role_revoke(dst, (csvc_permission_t)v);
		if (rc != CSVC_OK)
			return rc;
	}
	return CSVC_OK;
}

/* A copy of `role` as it is, for undoing a write whose Python clock
 * raised (as staff_backup). */
static int role_backup(csvc_store *store, const csvc_role *role, csvc_role **out)
{
	csvc_role *b = NULL;
	int rc;
	*out = NULL;
	if (csvc_role_revision(role) == 0)
		rc = csvc_role_new(&b, csvc_role_code(role), csvc_role_name(role),
		                   (csvc_role_scope_t)csvc_role_scope(role));
	else
		rc = csvc_role_get(store, csvc_role_code(role), &b);
	if (rc == CSVC_ENOTFOUND)
		return CSVC_OK;
	if (rc != CSVC_OK)
		return rc;
	if (csvc_role_revision(b) != csvc_role_revision(role)) {
		csvc_role_free(b);
		return CSVC_OK;
	}
	if ((rc = role_copy_fields(b, role)) != CSVC_OK) {
		csvc_role_free(b);
		return rc;
	}
	*out = b;
	return CSVC_OK;
}

static PyObject *role_wrap(csvc_role *role)
{
	RoleObject *o = PyObject_New(RoleObject, &RoleType);
	if (o == NULL) {
		csvc_role_free(role);
		return NULL;
	}
	o->role = role;
	return (PyObject *)o;
}

static PyObject *Role_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	(void)args;
	(void)kwargs;
	return type->tp_alloc(type, 0); /* role stays NULL until __init__ */
}

static void Role_dealloc(RoleObject *self)
{
	csvc_role_free(self->role);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static int role_ready(RoleObject *self)
{
	if (self->role == NULL) {
		raise_code(CSVC_EINVAL, "the Role was not initialised", NULL, 0, NULL);
		return -1;
	}
	return 0;
}

static int Role_init(RoleObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", "name", "scope", "permissions", "active", NULL};
	const char *code, *name;
	PyObject *scope_obj, *perms = NULL;
	int32_t scope;
	int active = 1;
	csvc_role *role = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ssO|$Op:Role", kw, &code, &name, &scope_obj, &perms, &active))
		return -1;
	if (scope_in(scope_obj, &scope) || check_rc(csvc_role_new(&role, code, name, (csvc_role_scope_t)scope)))
		return -1;
	if (check_rc(csvc_role_set_active(role, active)))
		goto fail;
	if (perms != NULL && perms != Py_None) {
		PyObject *it, *item;
		if (PyUnicode_Check(perms)) {
			PyErr_SetString(PyExc_TypeError, "permissions must be an iterable of Permission, not a str");
			goto fail;
		}
		if ((it = PyObject_GetIter(perms)) == NULL)
			goto fail;
		while ((item = PyIter_Next(it)) != NULL) {
			int32_t perm;
			int bad = perm_in(item, &perm) || check_rc(csvc_role_grant(role, (csvc_permission_t)perm));
			Py_DECREF(item);
			if (bad)
				break;
		}
		Py_DECREF(it);
		if (PyErr_Occurred())
			goto fail;
	}
	csvc_role_free(self->role);
	self->role = role;
	return 0;
fail:
	csvc_role_free(role);
	return -1;
}

static PyObject *Role_get_code(RoleObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_role_code(self->role));
}

static PyObject *Role_get_name(RoleObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_role_name(self->role));
}

static int Role_set_name(RoleObject *self, PyObject *v, void *cl)
{
	const char *s;
	(void)cl;
	if (role_ready(self) || str_req(v, &s, "name"))
		return -1;
	return check_rc(csvc_role_set_name(self->role, s));
}

static PyObject *Role_get_scope(RoleObject *self, void *cl)
{
	(void)cl;
	return enum_out(E_ROLE_SCOPE, csvc_role_scope(self->role));
}

static int Role_set_scope(RoleObject *self, PyObject *v, void *cl)
{
	int32_t scope;
	(void)cl;
	if (role_ready(self) || scope_in(v, &scope))
		return -1;
	return check_rc(csvc_role_set_scope(self->role, (csvc_role_scope_t)scope));
}

static PyObject *Role_get_active(RoleObject *self, void *cl)
{
	(void)cl;
	return PyBool_FromLong(csvc_role_active(self->role));
}

static int Role_set_active(RoleObject *self, PyObject *v, void *cl)
{
	int active;
	(void)cl;
	if (role_ready(self) || flag_in(v, &active, "active"))
		return -1;
	return check_rc(csvc_role_set_active(self->role, active));
}

static PyObject *Role_get_revision(RoleObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLongLong(csvc_role_revision(self->role));
}

static PyObject *Role_get_permissions(RoleObject *self, void *cl)
{
	PyObject *set = PyFrozenSet_New(NULL);
	(void)cl;
	for (int32_t v = 1; set != NULL && v < PERM_SCAN; v++) {
		if (csvc_enum_name(CSVC_ENUM_PERMISSION, v) == NULL || !csvc_role_allows(self->role, (csvc_permission_t)v))
			continue;
		PyObject *p = enum_out(E_PERMISSION, v);
		/* A brand-new frozenset may be filled with PySet_Add. */
		if (p == NULL || PySet_Add(set, p) < 0)
			Py_CLEAR(set);
		Py_XDECREF(p);
	}
	return set;
}

static PyObject *Role_grant(RoleObject *self, PyObject *arg)
{
	int32_t perm;
	if (role_ready(self) || perm_in(arg, &perm) || check_rc(csvc_role_grant(self->role, (csvc_permission_t)perm)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Role_revoke(RoleObject *self, PyObject *arg)
{
	int32_t perm;
	if (role_ready(self) || perm_in(arg, &perm) || check_rc(csvc_role_revoke(self->role, (csvc_permission_t)perm)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Role_allows(RoleObject *self, PyObject *arg)
{
	int32_t perm;
	if (role_ready(self) || perm_in(arg, &perm))
		return NULL;
	return PyBool_FromLong(csvc_role_allows(self->role, (csvc_permission_t)perm));
}

static PyObject *Role_repr(RoleObject *self)
{
	PyObject *pc, *pn, *r = NULL;
	const char *scope;
	if (self->role == NULL)
		return PyUnicode_FromString("<csvc.Role uninitialised>");
	scope = csvc_enum_name(CSVC_ENUM_ROLE_SCOPE, csvc_role_scope(self->role));
	pc = str_out(csvc_role_code(self->role));
	pn = str_out(csvc_role_name(self->role));
	if (pc != NULL && pn != NULL)
		r = PyUnicode_FromFormat("<csvc.Role %R name=%R scope=%s%s revision=%lld>", pc, pn, scope ? scope : "?",
		                         csvc_role_active(self->role) ? "" : " inactive",
		                         (long long)csvc_role_revision(self->role));
	Py_XDECREF(pc);
	Py_XDECREF(pn);
	return r;
}

static PyGetSetDef Role_getset[] = {
	G(Role, code, "The role's code, [a-z0-9_.-] (fixed at creation)."),
	GS(Role, name, "Display name (str)."),
	GS(Role, scope, "RoleScope: the records its holders see, their home store's (STORE) or every\n"
	                "store's (CHAIN). Settable as a RoleScope, its int or its name."),
	GS(Role, active, "False once deactivated: an inactive role grants nothing; roles are never deleted."),
	G(Role, revision, "Revision: 0 for a draft, 1 after create, +1 per saved change."),
	G(Role, permissions, "The permissions the role grants (a frozenset of Permission). Change with\n"
	                     "grant/revoke."),
	{NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef Role_methods[] = {
	METH_O_(Role, grant, "grant($self, permission, /)\n--\n\n"
	                     "Grants a Permission (or its int, or its name; no-op if granted)."),
	METH_O_(Role, revoke, "revoke($self, permission, /)\n--\n\nRevokes a Permission (no-op if not granted)."),
	METH_O_(Role, allows, "allows($self, permission, /)\n--\n\n"
	                      "True if the role grants the Permission, active or not."),
	{NULL, NULL, 0, NULL},
};

static const char *const role_eq_fields[] = {"code", "revision", "name", "scope", "active", "permissions", NULL};

static PyObject *Role_richcompare(PyObject *a, PyObject *b, int op)
{
	return fields_richcompare(a, b, op, &RoleType, role_eq_fields);
}

static PyTypeObject RoleType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.Role",
	.tp_basicsize = sizeof(RoleObject),
	.tp_dealloc = (destructor)Role_dealloc,
	.tp_repr = (reprfunc)Role_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("Role(code, name, scope, *, permissions=(), active=True)\n--\n\n"
	                    "A role (detached value): a named set of Permissions held by staff members\n"
	                    "(Staff.add_role), with a RoleScope (or its name, 'store' or 'chain'). `code`\n"
	                    "is 1 to 64 bytes of [a-z0-9_.-], unique in the store and fixed once saved.\n"
	                    "Save with Store.create_role / Store.update_role; roles are never deleted:\n"
	                    "set active = False. See docs/access.md."),
	.tp_methods = Role_methods,
	.tp_getset = Role_getset,
	.tp_richcompare = Role_richcompare,
	.tp_hash = PyObject_HashNotImplemented,
	.tp_init = (initproc)Role_init,
	.tp_new = Role_new,
};

/* ------------------------------------------------------------------ */
/* RouteRule                                                           */
/* ------------------------------------------------------------------ */

static PyTypeObject RouteRuleType;

typedef struct {
	PyObject_HEAD
	csvc_route_rule *rule; /* NULL until __init__ */
} RouteRuleObject;

static const named_enum ROUTE_STRATEGIES = {"strategy", "RouteStrategy", CSVC_ENUM_ROUTE_STRATEGY};
static const named_enum CUSTOMER_CLASSES = {"customer_class", "CustomerClass", CSVC_ENUM_CUSTOMER_CLASS};

/* A required value of a named enum: None (and deletion) is an error, not 0. */
static int named_req(PyObject *o, const named_enum *ne, int32_t *out)
{
	if (o == NULL) {
		PyErr_Format(PyExc_AttributeError, "cannot delete %s", ne->what);
		return -1;
	}
	if (o == Py_None) {
		PyErr_Format(PyExc_TypeError, "%s must be a %s, not None", ne->what, ne->type_name);
		return -1;
	}
	return named_in(o, ne, out);
}

/* The text criteria, alike: a str, or None for "any". */
#define ROUTE_CRITERIA(X) X(kind, kind) X(category, category) X(channel, channel) X(store_code, store)

/* Copies what a caller can set from `src` onto `dst` (the library has no
 * duplicate call for rules). */
static int route_copy_fields(csvc_route_rule *dst, const csvc_route_rule *src)
{
	int rc;
#define COPY(prop, field)                                                                        \
	if ((rc = csvc_route_rule_set_##field(dst, csvc_route_rule_##field(src))) != CSVC_OK)        \
		return rc;
	ROUTE_CRITERIA(COPY)
#undef COPY
	if ((rc = csvc_route_rule_set_team(dst, csvc_route_rule_team(src))) != CSVC_OK ||
	    (rc = csvc_route_rule_set_strategy(dst, (csvc_route_strategy_t)csvc_route_rule_strategy(src))) != CSVC_OK ||
	    (rc = csvc_route_rule_set_position(dst, csvc_route_rule_position(src))) != CSVC_OK ||
	    (rc = csvc_route_rule_set_customer_class(dst, csvc_route_rule_customer_class(src))) != CSVC_OK ||
	    (rc = csvc_route_rule_set_designated(dst, csvc_route_rule_designated(src))) != CSVC_OK)
		return rc;
	return csvc_route_rule_set_active(dst, csvc_route_rule_active(src));
}

/* A copy of `rule` as it is, for undoing a write whose Python clock
 * raised (as role_backup). */
static int route_backup(csvc_store *store, const csvc_route_rule *rule, csvc_route_rule **out)
{
	csvc_route_rule *b = NULL;
	int rc;
	*out = NULL;
	if (csvc_route_rule_revision(rule) == 0)
		rc = csvc_route_rule_new(&b, csvc_route_rule_code(rule), csvc_route_rule_team(rule),
		                         (csvc_route_strategy_t)csvc_route_rule_strategy(rule));
	else
		rc = csvc_route_rule_get(store, csvc_route_rule_code(rule), &b);
	if (rc == CSVC_ENOTFOUND)
		return CSVC_OK;
	if (rc != CSVC_OK)
		return rc;
	if (csvc_route_rule_revision(b) != csvc_route_rule_revision(rule)) {
		csvc_route_rule_free(b);
		return CSVC_OK;
	}
	if ((rc = route_copy_fields(b, rule)) != CSVC_OK) {
		csvc_route_rule_free(b);
		return rc;
	}
	*out = b;
	return CSVC_OK;
}

static PyObject *route_wrap(csvc_route_rule *rule)
{
	RouteRuleObject *o = PyObject_New(RouteRuleObject, &RouteRuleType);
	if (o == NULL) {
		csvc_route_rule_free(rule);
		return NULL;
	}
	o->rule = rule;
	return (PyObject *)o;
}

static PyObject *RouteRule_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	(void)args;
	(void)kwargs;
	return type->tp_alloc(type, 0); /* rule stays NULL until __init__ */
}

static void RouteRule_dealloc(RouteRuleObject *self)
{
	csvc_route_rule_free(self->rule);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static int route_ready(RouteRuleObject *self)
{
	if (self->rule == NULL) {
		raise_code(CSVC_EINVAL, "the RouteRule was not initialised", NULL, 0, NULL);
		return -1;
	}
	return 0;
}

static int RouteRule_init(RouteRuleObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", "team", "strategy", "position", "kind", "category", "channel", "store_code",
	                     "customer_class", "designated", "active", NULL};
	const char *code, *team, *kind = NULL, *category = NULL, *channel = NULL, *store_code = NULL;
	PyObject *strategy_obj, *class_obj = Py_None;
	int32_t strategy, cls;
	int position = 0, designated = 0, active = 1;
	csvc_route_rule *rule = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ssO|$izzzzOpp:RouteRule", kw, &code, &team, &strategy_obj,
	                                 &position, &kind, &category, &channel, &store_code, &class_obj, &designated,
	                                 &active))
		return -1;
	if (named_req(strategy_obj, &ROUTE_STRATEGIES, &strategy) || named_in(class_obj, &CUSTOMER_CLASSES, &cls) ||
	    check_rc(csvc_route_rule_new(&rule, code, team, (csvc_route_strategy_t)strategy)))
		return -1;
	if (check_rc(csvc_route_rule_set_position(rule, position)) || check_rc(csvc_route_rule_set_kind(rule, kind)) ||
	    check_rc(csvc_route_rule_set_category(rule, category)) ||
	    check_rc(csvc_route_rule_set_channel(rule, channel)) ||
	    check_rc(csvc_route_rule_set_store(rule, store_code)) ||
	    check_rc(csvc_route_rule_set_customer_class(rule, cls)) ||
	    check_rc(csvc_route_rule_set_designated(rule, designated)) ||
	    check_rc(csvc_route_rule_set_active(rule, active))) {
		csvc_route_rule_free(rule);
		return -1;
	}
	csvc_route_rule_free(self->rule);
	self->rule = rule;
	return 0;
}

static PyObject *RouteRule_get_code(RouteRuleObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_route_rule_code(self->rule));
}

static PyObject *RouteRule_get_team(RouteRuleObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_route_rule_team(self->rule));
}

static int RouteRule_set_team(RouteRuleObject *self, PyObject *v, void *cl)
{
	const char *s;
	(void)cl;
	if (route_ready(self) || str_req(v, &s, "team"))
		return -1;
	return check_rc(csvc_route_rule_set_team(self->rule, s));
}

static PyObject *RouteRule_get_strategy(RouteRuleObject *self, void *cl)
{
	(void)cl;
	return enum_out(E_ROUTE_STRATEGY, csvc_route_rule_strategy(self->rule));
}

static int RouteRule_set_strategy(RouteRuleObject *self, PyObject *v, void *cl)
{
	int32_t strategy;
	(void)cl;
	if (route_ready(self) || named_req(v, &ROUTE_STRATEGIES, &strategy))
		return -1;
	return check_rc(csvc_route_rule_set_strategy(self->rule, (csvc_route_strategy_t)strategy));
}

static PyObject *RouteRule_get_position(RouteRuleObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLong(csvc_route_rule_position(self->rule));
}

static int RouteRule_set_position(RouteRuleObject *self, PyObject *v, void *cl)
{
	int32_t position;
	(void)cl;
	if (v == NULL || v == Py_None) {
		PyErr_SetString(v == NULL ? PyExc_AttributeError : PyExc_TypeError,
		                v == NULL ? "cannot delete position" : "position must be int, not None");
		return -1;
	}
	if (route_ready(self) || int32_in(v, &position, "position"))
		return -1;
	return check_rc(csvc_route_rule_set_position(self->rule, position));
}

#define ROUTE_CRITERION(prop, field)                                                             \
	static PyObject *RouteRule_get_##prop(RouteRuleObject *self, void *cl)                      \
	{                                                                                            \
		(void)cl;                                                                                \
		return str_out(csvc_route_rule_##field(self->rule));                                     \
	}                                                                                            \
	static int RouteRule_set_##prop(RouteRuleObject *self, PyObject *v, void *cl)               \
	{                                                                                            \
		const char *s;                                                                           \
		(void)cl;                                                                                \
		if (route_ready(self) || str_in(v, &s, #prop))                                           \
			return -1;                                                                           \
		return check_rc(csvc_route_rule_set_##field(self->rule, s));                             \
	}
ROUTE_CRITERIA(ROUTE_CRITERION)
#undef ROUTE_CRITERION

static PyObject *RouteRule_get_customer_class(RouteRuleObject *self, void *cl)
{
	(void)cl;
	return enum_out(E_CUSTOMER_CLASS, csvc_route_rule_customer_class(self->rule));
}

/* None (or deletion) matches any class. */
static int RouteRule_set_customer_class(RouteRuleObject *self, PyObject *v, void *cl)
{
	int32_t cls;
	(void)cl;
	if (route_ready(self) || named_in(v, &CUSTOMER_CLASSES, &cls))
		return -1;
	return check_rc(csvc_route_rule_set_customer_class(self->rule, cls));
}

static PyObject *RouteRule_get_designated(RouteRuleObject *self, void *cl)
{
	(void)cl;
	return PyBool_FromLong(csvc_route_rule_designated(self->rule));
}

static int RouteRule_set_designated(RouteRuleObject *self, PyObject *v, void *cl)
{
	int designated;
	(void)cl;
	if (route_ready(self) || flag_in(v, &designated, "designated"))
		return -1;
	return check_rc(csvc_route_rule_set_designated(self->rule, designated));
}

static PyObject *RouteRule_get_active(RouteRuleObject *self, void *cl)
{
	(void)cl;
	return PyBool_FromLong(csvc_route_rule_active(self->rule));
}

static int RouteRule_set_active(RouteRuleObject *self, PyObject *v, void *cl)
{
	int active;
	(void)cl;
	if (route_ready(self) || flag_in(v, &active, "active"))
		return -1;
	return check_rc(csvc_route_rule_set_active(self->rule, active));
}

static PyObject *RouteRule_get_revision(RouteRuleObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLongLong(csvc_route_rule_revision(self->rule));
}

static PyObject *RouteRule_repr(RouteRuleObject *self)
{
	PyObject *pc, *pt, *r = NULL;
	const char *strategy;
	if (self->rule == NULL)
		return PyUnicode_FromString("<csvc.RouteRule uninitialised>");
	strategy = csvc_enum_name(CSVC_ENUM_ROUTE_STRATEGY, csvc_route_rule_strategy(self->rule));
	pc = str_out(csvc_route_rule_code(self->rule));
	pt = str_out(csvc_route_rule_team(self->rule));
	if (pc != NULL && pt != NULL)
		r = PyUnicode_FromFormat("<csvc.RouteRule %R team=%R strategy=%s position=%d%s%s revision=%lld>", pc, pt,
		                         strategy ? strategy : "?", (int)csvc_route_rule_position(self->rule),
		                         csvc_route_rule_designated(self->rule) ? " designated" : "",
		                         csvc_route_rule_active(self->rule) ? "" : " inactive",
		                         (long long)csvc_route_rule_revision(self->rule));
	Py_XDECREF(pc);
	Py_XDECREF(pt);
	return r;
}

static PyGetSetDef RouteRule_getset[] = {
	G(RouteRule, code, "The rule's code, [a-z0-9_.-] (fixed at creation)."),
	GS(RouteRule, team, "Code of the team it sends tickets to (checked when saved)."),
	GS(RouteRule, strategy, "RouteStrategy: how it picks a member of the team. Settable as a RouteStrategy,\n"
	                        "its int or its name."),
	GS(RouteRule, position, "Rules are tried in ascending position, then code (int)."),
	GS(RouteRule, kind, "The ticket kind it matches, or None for any."),
	GS(RouteRule, category, "The ticket category it matches, or None for any."),
	GS(RouteRule, channel, "The channel it matches, or None for any."),
	GS(RouteRule, store_code, "The store code it matches, or None for any."),
	GS(RouteRule, customer_class, "The CustomerClass (or its int, or its name) it matches, or None for any\n"
	                              "(also tickets without a customer)."),
	GS(RouteRule, designated, "True: Store.route_ticket keeps a ticket's assignee while they are active\n"
	                          "and on shift (专人负责)."),
	GS(RouteRule, active, "False once deactivated: the rule is skipped; rules are never deleted."),
	G(RouteRule, revision, "Revision: 0 for a draft, 1 after create, +1 per saved change."),
	{NULL, NULL, NULL, NULL, NULL},
};

static const char *const route_eq_fields[] = {"code",    "revision",   "team",           "strategy",
                                              "position", "kind",      "category",       "channel",
                                              "store_code", "customer_class", "designated", "active", NULL};

static PyObject *RouteRule_richcompare(PyObject *a, PyObject *b, int op)
{
	return fields_richcompare(a, b, op, &RouteRuleType, route_eq_fields);
}

static PyTypeObject RouteRuleType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.RouteRule",
	.tp_basicsize = sizeof(RouteRuleObject),
	.tp_dealloc = (destructor)RouteRule_dealloc,
	.tp_repr = (reprfunc)RouteRule_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("RouteRule(code, team, strategy, *, position=0, kind=None, category=None, channel=None, "
	                    "store_code=None, customer_class=None, designated=False, active=True)\n--\n\n"
	                    "A routing rule (detached value): tickets matching its criteria (each None\n"
	                    "matches anything) go to `team`, to a member on shift picked by `strategy`\n"
	                    "(a RouteStrategy or its name). `code` is 1 to 64 bytes of [a-z0-9_.-],\n"
	                    "unique in the store and fixed once saved. Save with\n"
	                    "Store.create_route_rule / Store.update_route_rule; rules are never deleted:\n"
	                    "set active = False. See docs/python.md, Routing."),
	.tp_getset = RouteRule_getset,
	.tp_richcompare = RouteRule_richcompare,
	.tp_hash = PyObject_HashNotImplemented,
	.tp_init = (initproc)RouteRule_init,
	.tp_new = RouteRule_new,
};

/* ------------------------------------------------------------------ */
/* Queue                                                               */
/* ------------------------------------------------------------------ */

static const named_enum QUEUE_ORDERS = {"order", "QueueOrder", CSVC_ENUM_QUEUE_ORDER};
static const named_enum QUEUE_STATES = {"state category", "StateCategory", CSVC_ENUM_STATE_CATEGORY};
static const named_enum QUEUE_PRIORITIES = {"max_priority", "Priority", CSVC_ENUM_PRIORITY};

static int queue_ready(QueueObject *self)
{
	if (self->queue == NULL) {
		raise_code(CSVC_EINVAL, "the Queue was not initialised", NULL, 0, NULL);
		return -1;
	}
	return 0;
}

static PyObject *queue_wrap(csvc_queue *queue)
{
	QueueObject *o = PyObject_New(QueueObject, &QueueType);
	if (o == NULL) {
		csvc_queue_free(queue);
		return NULL;
	}
	o->queue = queue;
	return (PyObject *)o;
}

static PyObject *Queue_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	(void)args;
	(void)kwargs;
	return type->tp_alloc(type, 0); /* queue stays NULL until __init__ */
}

static void Queue_dealloc(QueueObject *self)
{
	csvc_queue_free(self->queue);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* The filter keywords of Queue() and Queue.set_filter(), read into `f`
 * (strings borrowed from the arguments, the customer into `customer`). */
static int queue_filter_in(PyObject *states, PyObject *kind, PyObject *category, PyObject *channel,
                           PyObject *store_code, PyObject *assignee, int mine, PyObject *team, int unassigned,
                           PyObject *max_priority, PyObject *customer, PyObject *order, csvc_queue_filter *f,
                           csvc_uuid *cust)
{
	csvc_queue_filter_init(f, CSVC_QUEUE_FILTER_VERSION);
	if (str_in(kind, &f->kind, "kind") || str_in(category, &f->category, "category") ||
	    str_in(channel, &f->channel, "channel") || str_in(store_code, &f->store_code, "store_code") ||
	    str_in(assignee, &f->assignee, "assignee") || str_in(team, &f->team, "team"))
		return -1;
	if (states != NULL && states != Py_None) {
		PyObject *it, *item;
		if (PyUnicode_Check(states)) {
			PyErr_SetString(PyExc_TypeError, "states must be an iterable of StateCategory, not a str");
			return -1;
		}
		if ((it = PyObject_GetIter(states)) == NULL)
			return -1;
		while ((item = PyIter_Next(it)) != NULL) {
			int32_t c = 0;
			int bad = named_in(item, &QUEUE_STATES, &c);
			Py_DECREF(item);
			if (bad)
				break;
			if (c < 1 || c > 31) {
				raise_code(CSVC_EINVAL, "unknown state category", NULL, 0, NULL);
				break;
			}
			f->states |= CSVC_QUEUE_STATE(c);
		}
		Py_DECREF(it);
		if (PyErr_Occurred())
			return -1;
	}
	f->assignee_self = mine;
	f->unassigned = unassigned;
	if (max_priority != NULL && named_in(max_priority, &QUEUE_PRIORITIES, &f->max_priority))
		return -1;
	if (order != NULL && named_in(order, &QUEUE_ORDERS, &f->order))
		return -1;
	if (customer != NULL && customer != Py_None) {
		if (!conv_uuid(customer, cust))
			return -1;
		f->customer = cust;
	}
	return 0;
}

#define QUEUE_FILTER_KW "states", "kind", "category", "channel", "store_code", "assignee", "mine", "team", \
	"unassigned", "max_priority", "customer", "order"

static int Queue_init(QueueObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", "name", "owner_team", "owner_staff", "active", QUEUE_FILTER_KW, NULL};
	const char *code, *name, *owner_team = NULL, *owner_staff = NULL;
	int active = 1, mine = 0, unassigned = 0;
	PyObject *states = NULL, *kind = NULL, *category = NULL, *channel = NULL, *store_code = NULL,
	         *assignee = NULL, *team = NULL, *max_priority = NULL, *customer = NULL, *order = NULL;
	csvc_queue_filter f;
	csvc_uuid cust;
	csvc_queue *q = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ss|$zzpOOOOOOpOpOOO:Queue", kw, &code, &name, &owner_team,
	                                 &owner_staff, &active, &states, &kind, &category, &channel, &store_code,
	                                 &assignee, &mine, &team, &unassigned, &max_priority, &customer, &order))
		return -1;
	if (queue_filter_in(states, kind, category, channel, store_code, assignee, mine, team, unassigned,
	                    max_priority, customer, order, &f, &cust) ||
	    check_rc(csvc_queue_new(&q, code, name)))
		return -1;
	if (check_rc(csvc_queue_set_owner(q, owner_team, owner_staff)) || check_rc(csvc_queue_set_active(q, active)) ||
	    check_rc(csvc_queue_set_filter(q, &f))) {
		csvc_queue_free(q);
		return -1;
	}
	csvc_queue_free(self->queue);
	self->queue = q;
	return 0;
}

static PyObject *Queue_set_filter(QueueObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {QUEUE_FILTER_KW, NULL};
	int mine = 0, unassigned = 0;
	PyObject *states = NULL, *kind = NULL, *category = NULL, *channel = NULL, *store_code = NULL,
	         *assignee = NULL, *team = NULL, *max_priority = NULL, *customer = NULL, *order = NULL;
	csvc_queue_filter f;
	csvc_uuid cust;
	if (queue_ready(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kwargs, "|$OOOOOOpOpOOO:set_filter", kw, &states, &kind, &category,
	                                 &channel, &store_code, &assignee, &mine, &team, &unassigned, &max_priority,
	                                 &customer, &order) ||
	    queue_filter_in(states, kind, category, channel, store_code, assignee, mine, team, unassigned,
	                    max_priority, customer, order, &f, &cust) ||
	    check_rc(csvc_queue_set_filter(self->queue, &f)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Queue_set_owner(QueueObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"team", "staff", NULL};
	const char *team = NULL, *staff = NULL;
	if (queue_ready(self) || !PyArg_ParseTupleAndKeywords(args, kwargs, "|$zz:set_owner", kw, &team, &staff) ||
	    check_rc(csvc_queue_set_owner(self->queue, team, staff)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Queue_get_code(QueueObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_queue_code(self->queue));
}

static PyObject *Queue_get_name(QueueObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_queue_name(self->queue));
}

static int Queue_set_name(QueueObject *self, PyObject *v, void *cl)
{
	const char *s;
	(void)cl;
	if (queue_ready(self) || str_req(v, &s, "name"))
		return -1;
	return check_rc(csvc_queue_set_name(self->queue, s));
}

static PyObject *Queue_get_owner_team(QueueObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_queue_owner_team(self->queue));
}

static PyObject *Queue_get_owner_staff(QueueObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_queue_owner_staff(self->queue));
}

static PyObject *Queue_get_active(QueueObject *self, void *cl)
{
	(void)cl;
	return PyBool_FromLong(csvc_queue_active(self->queue));
}

static int Queue_set_active(QueueObject *self, PyObject *v, void *cl)
{
	int active;
	(void)cl;
	if (queue_ready(self) || flag_in(v, &active, "active"))
		return -1;
	return check_rc(csvc_queue_set_active(self->queue, active));
}

static PyObject *Queue_get_revision(QueueObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLongLong(csvc_queue_revision(self->queue));
}

static PyObject *Queue_get_created_at(QueueObject *self, void *cl)
{
	(void)cl;
	return time_out(csvc_queue_created_at(self->queue));
}

static PyObject *Queue_get_updated_at(QueueObject *self, void *cl)
{
	(void)cl;
	return time_out(csvc_queue_updated_at(self->queue));
}

/* The filter as a dict of the keywords of set_filter. */
static PyObject *Queue_get_filter(QueueObject *self, void *cl)
{
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	PyObject *d, *states;
	(void)cl;
	if (self->queue == NULL)
		Py_RETURN_NONE;
	csvc_queue_copy_filter(self->queue, &f);
	if ((d = PyDict_New()) == NULL)
		return NULL;
	states = PyFrozenSet_New(NULL);
	for (int32_t c = 1; states != NULL && c < 32; c++) {
		if (!(f.states & CSVC_QUEUE_STATE(c)))
			continue;
		PyObject *m = enum_out(E_STATE_CATEGORY, c);
		if (m == NULL || PySet_Add(states, m) < 0)
			Py_CLEAR(states);
		Py_XDECREF(m);
	}
	const char *order = csvc_enum_name(CSVC_ENUM_QUEUE_ORDER, f.order);
	struct {
		const char *key;
		PyObject *v;
	} items[] = {
		{"states", states},
		{"kind", str_out(f.kind)},
		{"category", str_out(f.category)},
		{"channel", str_out(f.channel)},
		{"store_code", str_out(f.store_code)},
		{"assignee", str_out(f.assignee)},
		{"mine", PyBool_FromLong(f.assignee_self)},
		{"team", str_out(f.team)},
		{"unassigned", PyBool_FromLong(f.unassigned)},
		{"max_priority", enum_out(E_PRIORITY, f.max_priority)},
		{"customer", uuid_out(f.customer)},
		{"order", enum_out(E_QUEUE_ORDER, f.order)},
	};
	(void)order;
	int bad = 0;
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		if (items[i].v == NULL || PyDict_SetItemString(d, items[i].key, items[i].v) < 0)
			bad = 1;
		Py_XDECREF(items[i].v);
	}
	if (bad)
		Py_CLEAR(d);
	return d;
}

static PyObject *Queue_repr(QueueObject *self)
{
	PyObject *pc, *pn, *r = NULL;
	if (self->queue == NULL)
		return PyUnicode_FromString("<csvc.Queue uninitialised>");
	pc = str_out(csvc_queue_code(self->queue));
	pn = str_out(csvc_queue_name(self->queue));
	if (pc != NULL && pn != NULL)
		r = PyUnicode_FromFormat("<csvc.Queue %R name=%R%s revision=%lld>", pc, pn,
		                         csvc_queue_active(self->queue) ? "" : " inactive",
		                         (long long)csvc_queue_revision(self->queue));
	Py_XDECREF(pc);
	Py_XDECREF(pn);
	return r;
}

/* Copies what a caller can set from `src` onto `dst`. */
static int queue_copy_fields(csvc_queue *dst, const csvc_queue *src)
{
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	int rc;
	if ((rc = csvc_queue_set_name(dst, csvc_queue_name(src))) != CSVC_OK ||
	    (rc = csvc_queue_set_owner(dst, csvc_queue_owner_team(src), csvc_queue_owner_staff(src))) != CSVC_OK ||
	    (rc = csvc_queue_set_active(dst, csvc_queue_active(src))) != CSVC_OK ||
	    (rc = csvc_queue_copy_filter(src, &f)) != CSVC_OK)
		return rc;
	return csvc_queue_set_filter(dst, &f);
}

/* A copy of `queue` as it is, for undoing a write whose Python clock
 * raised (as role_backup). */
static int queue_backup(csvc_store *store, const csvc_queue *queue, csvc_queue **out)
{
	csvc_queue *b = NULL;
	int rc;
	*out = NULL;
	if (csvc_queue_revision(queue) == 0)
		rc = csvc_queue_new(&b, csvc_queue_code(queue), csvc_queue_name(queue));
	else
		rc = csvc_queue_get(store, csvc_queue_code(queue), &b);
	if (rc == CSVC_ENOTFOUND)
		return CSVC_OK;
	if (rc != CSVC_OK)
		return rc;
	if (csvc_queue_revision(b) != csvc_queue_revision(queue)) {
		csvc_queue_free(b);
		return CSVC_OK;
	}
	if ((rc = queue_copy_fields(b, queue)) != CSVC_OK) {
		csvc_queue_free(b);
		return rc;
	}
	*out = b;
	return CSVC_OK;
}

static PyGetSetDef Queue_getset[] = {
	G(Queue, code, "The queue's code, [a-z0-9_.-] (fixed at creation)."),
	GS(Queue, name, "Display name (str)."),
	G(Queue, owner_team, "The owning team's code, or None. Change with set_owner."),
	G(Queue, owner_staff, "The owning staff member's code, or None. Change with set_owner."),
	GS(Queue, active, "False once deactivated: an inactive queue cannot be opened; queues are never\n"
	                  "deleted."),
	G(Queue, revision, "Revision: 0 for a draft, 1 after create, +1 per saved change."),
	G(Queue, created_at, "When it was created (datetime, UTC), or None for a draft."),
	G(Queue, updated_at, "When it last changed (datetime, UTC), or None for a draft."),
	G(Queue, filter, "The filter, as a dict of set_filter's keywords (states a frozenset of\n"
	                 "StateCategory, max_priority a Priority or None, order a QueueOrder)."),
	{NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef Queue_methods[] = {
	{"set_filter", (PyCFunction)(void (*)(void))Queue_set_filter, METH_VARARGS | METH_KEYWORDS,
	 "set_filter($self, /, *, states=(), kind=None, category=None, channel=None, store_code=None,\n"
	 "           assignee=None, mine=False, team=None, unassigned=False, max_priority=None,\n"
	 "           customer=None, order=None)\n--\n\n"
	 "Replaces the filter: every keyword given filters (AND). `states` is an iterable of\n"
	 "StateCategory (or names); `mine` lists the tickets of the person the queue is\n"
	 "opened for; `max_priority` a Priority (that or more urgent); `order` a QueueOrder\n"
	 "(PRIORITY, the default, or AGE)."},
	{"set_owner", (PyCFunction)(void (*)(void))Queue_set_owner, METH_VARARGS | METH_KEYWORDS,
	 "set_owner($self, /, *, team=None, staff=None)\n--\n\n"
	 "Sets the owner: a team code, a staff code, or neither (everyone's)."},
	{NULL, NULL, 0, NULL},
};

static const char *const queue_eq_fields[] = {"code", "revision", "name", "owner_team", "owner_staff", "active",
                                              "filter", NULL};

static PyObject *Queue_richcompare(PyObject *a, PyObject *b, int op)
{
	return fields_richcompare(a, b, op, &QueueType, queue_eq_fields);
}

static PyTypeObject QueueType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.Queue",
	.tp_basicsize = sizeof(QueueObject),
	.tp_dealloc = (destructor)Queue_dealloc,
	.tp_repr = (reprfunc)Queue_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("Queue(code, name, *, owner_team=None, owner_staff=None, active=True, states=(),\n"
	                    "      kind=None, category=None, channel=None, store_code=None, assignee=None,\n"
	                    "      mine=False, team=None, unassigned=False, max_priority=None, customer=None,\n"
	                    "      order=None)\n--\n\n"
	                    "A queue (detached value): a saved view of tickets for a team or a person, its\n"
	                    "filter kept as data (see set_filter). Save with Store.create_queue /\n"
	                    "Store.update_queue, open with Store.open_queue; queues are never deleted: set\n"
	                    "active = False. See docs/queues.md."),
	.tp_methods = Queue_methods,
	.tp_getset = Queue_getset,
	.tp_richcompare = Queue_richcompare,
	.tp_hash = PyObject_HashNotImplemented,
	.tp_init = (initproc)Queue_init,
	.tp_new = Queue_new,
};

/* ------------------------------------------------------------------ */
/* TimeZone                                                            */
/* ------------------------------------------------------------------ */

typedef struct {
	PyObject_HEAD
	csvc_tz *tz;     /* owned, unless `owner` is set */
	PyObject *owner; /* the Calendar whose zone this is (keeps it alive), or NULL */
} TimeZoneObject;

static PyObject *tz_wrap(csvc_tz *tz, PyObject *owner)
{
	TimeZoneObject *o = PyObject_New(TimeZoneObject, &TimeZoneType);
	if (o == NULL) {
		if (owner == NULL)
			csvc_tz_free(tz);
		return NULL;
	}
	o->tz = tz;
	o->owner = Py_XNewRef(owner);
	return (PyObject *)o;
}

/* The end of a constructor that ran with the GIL released (the error
 * record is the thread's, so nothing can have overwritten it). */
static PyObject *tz_result(int rc, csvc_tz *tz)
{
	if (rc != CSVC_OK)
		return raise_last(rc);
	return tz_wrap(tz, NULL);
}

static void TimeZone_dealloc(TimeZoneObject *self)
{
	if (self->owner != NULL)
		Py_DECREF(self->owner);
	else
		csvc_tz_free(self->tz);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *TimeZone_load(PyObject *cls, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "zoneinfo_dir", NULL};
	const char *name;
	PyObject *dir = Py_None, *dirb = NULL;
	csvc_tz *tz = NULL;
	int rc;
	(void)cls;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|O:load", kw, &name, &dir) || fspath_in(dir, &dirb))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	rc = csvc_tz_load(&tz, name, dirb ? PyBytes_AS_STRING(dirb) : NULL);
	Py_END_ALLOW_THREADS
	Py_XDECREF(dirb);
	return tz_result(rc, tz);
}

static PyObject *TimeZone_from_tzif(PyObject *cls, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "data", NULL};
	const char *name;
	Py_buffer data;
	csvc_tz *tz = NULL;
	int rc;
	(void)cls;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sy*:from_tzif", kw, &name, &data))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	rc = csvc_tz_from_tzif(&tz, name, data.buf, (size_t)data.len);
	Py_END_ALLOW_THREADS
	PyBuffer_Release(&data);
	return tz_result(rc, tz);
}

static PyObject *TimeZone_from_posix(PyObject *cls, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"tz_string", NULL};
	const char *s;
	csvc_tz *tz = NULL;
	(void)cls;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:from_posix", kw, &s))
		return NULL;
	int rc = csvc_tz_from_posix(&tz, s);
	return tz_result(rc, tz);
}

static PyObject *TimeZone_fixed(PyObject *cls, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"offset", NULL};
	PyObject *off;
	int64_t us;
	csvc_tz *tz = NULL;
	(void)cls;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:fixed", kw, &off))
		return NULL;
	if (!PyDelta_Check(off)) {
		PyErr_Format(PyExc_TypeError, "offset must be a datetime.timedelta, not %.100s", Py_TYPE(off)->tp_name);
		return NULL;
	}
	if (duration_in(off, &us, "offset"))
		return NULL;
	if (us % 1000000 != 0) {
		PyErr_SetString(PyExc_ValueError, "offset must be a whole number of seconds");
		return NULL;
	}
	if (us / 1000000 < INT32_MIN || us / 1000000 > INT32_MAX)
		return raise_code(CSVC_ERANGE, "UTC offset out of range (-25 h to +26 h)", NULL, 0, NULL);
	int rc = csvc_tz_fixed(&tz, (int32_t)(us / 1000000));
	return tz_result(rc, tz);
}

static PyObject *TimeZone_utc(PyObject *cls, PyObject *unused)
{
	csvc_tz *tz = NULL;
	(void)cls;
	(void)unused;
	int rc = csvc_tz_utc(&tz);
	return tz_result(rc, tz);
}

static PyObject *TimeZone_get_name(TimeZoneObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_tz_name(self->tz));
}

static PyObject *TimeZone_offset_at(TimeZoneObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"t", NULL};
	csvc_time_us t;
	int32_t off = 0, dst = 0;
	const char *abbr = NULL;
	PyObject *a[3], *r = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:offset_at", kw, conv_instant, &t) ||
	    check_rc(csvc_tz_offset_at(self->tz, t, &off, &dst, &abbr)))
		return NULL;
	a[0] = PyDelta_FromDSU(0, off, 0);
	a[1] = PyBool_FromLong(dst);
	a[2] = str_out(abbr);
	if (a[0] && a[1] && a[2])
		r = PyObject_Vectorcall(g_zone_offset_type, a, 3, NULL);
	for (int i = 0; i < 3; i++)
		Py_XDECREF(a[i]);
	return r;
}

static PyObject *TimeZone_to_local(TimeZoneObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"t", NULL};
	csvc_time_us t;
	int64_t local = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:to_local", kw, conv_instant, &t) ||
	    check_rc(csvc_tz_utc_to_local(self->tz, t, &local)))
		return NULL;
	return local_out(local);
}

static PyObject *TimeZone_from_local(TimeZoneObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"local", "disambiguation", NULL};
	PyObject *lo;
	int32_t d = CSVC_TZ_COMPATIBLE;
	int64_t local;
	csvc_time_us t = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O&:from_local", kw, &lo, conv_disambiguation, &d) ||
	    local_in(lo, &local) || check_rc(csvc_tz_local_to_utc(self->tz, local, d, &t)))
		return NULL;
	return instant_out(t);
}

/* Immutable values: a copy is the object itself. */
static PyObject *same_object(PyObject *self, PyObject *unused)
{
	(void)unused;
	return Py_NewRef(self);
}

static PyObject *TimeZone_repr(TimeZoneObject *self)
{
	PyObject *n = str_out(csvc_tz_name(self->tz)), *r;
	if (n == NULL)
		return NULL;
	r = PyUnicode_FromFormat("<csvc.TimeZone %R>", n);
	Py_DECREF(n);
	return r;
}

static PyGetSetDef TimeZone_getset[] = {
	G(TimeZone, name, "The zone's name: 'Europe/London', 'UTC', '+08:00', or the POSIX TZ string."),
	{NULL, NULL, NULL, NULL, NULL},
};

#define METH_CLS(type, name, doc)                                                            \
	{#name, (PyCFunction)(void (*)(void))type##_##name, METH_VARARGS | METH_KEYWORDS | METH_CLASS, doc}

static PyMethodDef TimeZone_methods[] = {
	METH_CLS(TimeZone, load, "load(name, zoneinfo_dir=None)\n--\n\n"
	         "Loads zone `name` ('Europe/London', 'Asia/Shanghai' ...) from the TZif file\n"
	         "<zoneinfo_dir>/<name>; zoneinfo_dir None means /usr/share/zoneinfo. 'UTC' and\n"
	         "fixed offsets such as '+08:00' need no file. NotFound if there is no such\n"
	         "zone, Corrupt if its file is not valid TZif, InvalidArgument for a bad name."),
	METH_CLS(TimeZone, from_tzif, "from_tzif(name, data)\n--\n\n"
	         "A zone from TZif data in memory (bytes), for devices without a zoneinfo\n"
	         "directory. Corrupt if the data is not valid TZif."),
	METH_CLS(TimeZone, from_posix, "from_posix(tz_string)\n--\n\n"
	         "A zone from a POSIX TZ string such as 'CST6CDT,M3.2.0,M11.1.0'; its name is\n"
	         "the string. InvalidArgument if it does not parse."),
	METH_CLS(TimeZone, fixed, "fixed(offset)\n--\n\n"
	         "A zone with a fixed UTC offset (a datetime.timedelta of whole seconds, east\n"
	         "positive, -25 h to +26 h), named '+HH:MM'. OutOfRange past the limits."),
	{"utc", (PyCFunction)TimeZone_utc, METH_NOARGS | METH_CLASS, "utc()\n--\n\nThe UTC zone (named 'UTC')."},
	METH_KW(TimeZone, offset_at, "offset_at($self, /, t)\n--\n\n"
	        "The UTC offset in force at instant `t` (aware datetime or int microseconds):\n"
	        "ZoneOffset(offset: timedelta, is_dst: bool, abbreviation: str)."),
	METH_KW(TimeZone, to_local, "to_local($self, /, t)\n--\n\n"
	        "The local wall-clock reading at instant `t`, as a naive datetime."),
	METH_KW(TimeZone, from_local, "from_local($self, /, local, disambiguation='compatible')\n--\n\n"
	        "The instant (aware datetime, UTC) of the wall-clock reading `local` (a naive\n"
	        "datetime; its fold is ignored). A time skipped by a forward change (gap) or\n"
	        "repeated by a backward change (overlap) is resolved by `disambiguation`:\n"
	        "'compatible' (overlap: earlier; gap: read with the offset before the change),\n"
	        "'earlier' (gap: read with the offset after it), 'later' (overlap: later) or\n"
	        "'reject' (OutOfRange); or a Disambiguation."),
	{"__copy__", (PyCFunction)same_object, METH_NOARGS, "The zone itself (zones are immutable)."},
	{"__deepcopy__", (PyCFunction)same_object, METH_O, "The zone itself (zones are immutable)."},
	{NULL, NULL, 0, NULL},
};

static PyTypeObject TimeZoneType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.TimeZone",
	.tp_basicsize = sizeof(TimeZoneObject),
	.tp_dealloc = (destructor)TimeZone_dealloc,
	.tp_repr = (reprfunc)TimeZone_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("A time zone: IANA zone data (TZif), a POSIX TZ rule, UTC or a fixed offset.\n\n"
	                    "Create one with TimeZone.load, from_tzif, from_posix, fixed or utc. A zone\n"
	                    "is immutable and needs no store; share it freely between threads.\n"
	                    "Instants are aware datetimes (or int microseconds since the epoch); local\n"
	                    "wall-clock times are naive datetimes."),
	.tp_methods = TimeZone_methods,
	.tp_getset = TimeZone_getset,
};

/* ------------------------------------------------------------------ */
/* Calendar                                                            */
/* ------------------------------------------------------------------ */

typedef struct {
	PyObject_HEAD
	csvc_calendar *cal;
} CalendarObject;

static PyObject *calendar_wrap(csvc_calendar *cal)
{
	CalendarObject *o = PyObject_New(CalendarObject, &CalendarType);
	if (o == NULL) {
		csvc_calendar_free(cal);
		return NULL;
	}
	o->cal = cal;
	return (PyObject *)o;
}

static void Calendar_dealloc(CalendarObject *self)
{
	csvc_calendar_free(self->cal);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* A `tz` argument: a TimeZone or None. */
static int tz_arg(PyObject *o, const csvc_tz **out)
{
	*out = NULL;
	if (o == NULL || o == Py_None)
		return 0;
	if (!PyObject_TypeCheck(o, &TimeZoneType)) {
		PyErr_Format(PyExc_TypeError, "tz must be a csvc.TimeZone or None, not %.100s", Py_TYPE(o)->tp_name);
		return -1;
	}
	*out = ((TimeZoneObject *)o)->tz;
	return 0;
}

static PyObject *Calendar_parse(PyObject *cls, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"json_text", "zoneinfo_dir", "tz", NULL};
	PyObject *text, *dir = Py_None, *tzo = Py_None, *dirb = NULL;
	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	csvc_calendar *cal = NULL;
	Py_buffer buf;
	int have_buf = 0, rc;
	const char *data;
	Py_ssize_t len;
	(void)cls;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|OO:parse", kw, &text, &dir, &tzo) || tz_arg(tzo, &o.tz))
		return NULL;
	if (PyUnicode_Check(text)) {
		data = PyUnicode_AsUTF8AndSize(text, &len);
		if (data == NULL)
			return NULL;
	} else if (PyObject_CheckBuffer(text)) {
		if (PyObject_GetBuffer(text, &buf, PyBUF_SIMPLE) < 0)
			return NULL;
		have_buf = 1;
		data = buf.buf;
		len = buf.len;
	} else {
		PyErr_Format(PyExc_TypeError, "json_text must be str or bytes, not %.100s", Py_TYPE(text)->tp_name);
		return NULL;
	}
	if (fspath_in(dir, &dirb)) {
		if (have_buf)
			PyBuffer_Release(&buf);
		return NULL;
	}
	o.zoneinfo_dir = dirb ? PyBytes_AS_STRING(dirb) : NULL;
	Py_BEGIN_ALLOW_THREADS
	rc = csvc_calendar_parse(&cal, data, (size_t)len, &o);
	Py_END_ALLOW_THREADS
	if (have_buf)
		PyBuffer_Release(&buf);
	Py_XDECREF(dirb);
	if (rc != CSVC_OK)
		return raise_last(rc);
	return calendar_wrap(cal);
}

static PyObject *Calendar_to_json(CalendarObject *self, PyObject *unused)
{
	char *text = NULL;
	PyObject *r;
	(void)unused;
	if (check_rc(csvc_calendar_to_json(self->cal, &text)))
		return NULL;
	r = PyUnicode_FromString(text);
	csvc_free(text);
	return r;
}

static PyObject *Calendar_get_zone(CalendarObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_calendar_zone(self->cal));
}

static PyObject *Calendar_get_tz(CalendarObject *self, void *cl)
{
	(void)cl;
	/* Borrowed from the calendar: the TimeZone keeps the calendar alive. */
	return tz_wrap((csvc_tz *)csvc_calendar_tz(self->cal), (PyObject *)self);
}

static PyObject *Calendar_is_open(CalendarObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"t", NULL};
	csvc_time_us t;
	int32_t open = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:is_open", kw, conv_instant, &t) ||
	    check_rc(csvc_calendar_is_open(self->cal, t, &open)))
		return NULL;
	return PyBool_FromLong(open);
}

static PyObject *Calendar_next_open(CalendarObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"t", NULL};
	csvc_time_us t, out = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:next_open", kw, conv_instant, &t) ||
	    check_rc(csvc_calendar_next_open(self->cal, t, &out)))
		return NULL;
	return instant_out(out);
}

static PyObject *Calendar_add(CalendarObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"t", "duration", NULL};
	csvc_time_us t, due = 0;
	int64_t d;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&:add", kw, conv_instant, &t, conv_duration, &d) ||
	    check_rc(csvc_calendar_add(self->cal, t, d, &due)))
		return NULL;
	return instant_out(due);
}

static PyObject *Calendar_between(CalendarObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"start", "end", NULL};
	csvc_time_us a, b;
	int64_t us = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&:between", kw, conv_instant, &a, conv_instant, &b) ||
	    check_rc(csvc_calendar_between(self->cal, a, b, &us)))
		return NULL;
	return duration_out(us);
}

static PyObject *Calendar_richcompare(PyObject *a, PyObject *b, int op)
{
	char *ta = NULL, *tb = NULL;
	int eq;
	if (!PyObject_TypeCheck(b, &CalendarType) || (op != Py_EQ && op != Py_NE))
		Py_RETURN_NOTIMPLEMENTED;
	if (check_rc(csvc_calendar_to_json(((CalendarObject *)a)->cal, &ta)))
		return NULL;
	if (check_rc(csvc_calendar_to_json(((CalendarObject *)b)->cal, &tb))) {
		csvc_free(ta);
		return NULL;
	}
	eq = strcmp(ta, tb) == 0;
	csvc_free(ta);
	csvc_free(tb);
	return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyObject *Calendar_repr(CalendarObject *self)
{
	PyObject *z = str_out(csvc_calendar_zone(self->cal)), *r;
	if (z == NULL)
		return NULL;
	r = PyUnicode_FromFormat("<csvc.Calendar zone=%R>", z);
	Py_DECREF(z);
	return r;
}

static PyGetSetDef Calendar_getset[] = {
	G(Calendar, zone, "The calendar's zone name ('Asia/Shanghai', 'UTC', '+08:00')."),
	G(Calendar, tz, "The calendar's TimeZone (it keeps the calendar alive)."),
	{NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef Calendar_methods[] = {
	METH_CLS(Calendar, parse, "parse(json_text, zoneinfo_dir=None, tz=None)\n--\n\n"
	         "Builds a calendar from its JSON text form (str or UTF-8 bytes; see\n"
	         "docs/calendars.md). Its zone is loaded from zoneinfo_dir (None:\n"
	         "/usr/share/zoneinfo), or taken from `tz`, a TimeZone whose name equals the\n"
	         "text's \"zone\". InvalidArgument names the problem and where it is;\n"
	         "OutOfRange past a limit; NotFound for an unknown zone; Corrupt for a damaged\n"
	         "zone file."),
	{"to_json", (PyCFunction)Calendar_to_json, METH_NOARGS,
	 "to_json($self, /)\n--\n\nThe canonical JSON text (one line; parse(to_json()) is an equal calendar)."},
	METH_KW(Calendar, is_open, "is_open($self, /, t)\n--\n\n"
	        "True if the calendar is open at instant `t` (working intervals are half-open:\n"
	        "a closing instant is closed)."),
	METH_KW(Calendar, next_open, "next_open($self, /, t)\n--\n\n"
	        "The first open instant at or after `t` (`t` itself when open). NotFound if the\n"
	        "calendar never opens again."),
	METH_KW(Calendar, add, "add($self, /, t, duration)\n--\n\n"
	        "The due instant of `duration` (timedelta or int microseconds, >= 0) of business\n"
	        "time counted from `t`: the earliest instant with exactly that much open time\n"
	        "since `t`, or the next opening when that instant is a closing time (1 h from\n"
	        "Monday 17:00 on a 09:00-18:00 calendar is Tuesday 09:00). Exact to the\n"
	        "microsecond. InvalidArgument for a negative duration; NotFound if the\n"
	        "calendar has not that much business time left."),
	METH_KW(Calendar, between, "between($self, /, start, end)\n--\n\n"
	        "The business time in [start, end) as a timedelta; negative when end < start."),
	{"__copy__", (PyCFunction)same_object, METH_NOARGS, "The calendar itself (calendars are immutable)."},
	{"__deepcopy__", (PyCFunction)same_object, METH_O, "The calendar itself (calendars are immutable)."},
	{NULL, NULL, 0, NULL},
};

static PyTypeObject CalendarType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.Calendar",
	.tp_basicsize = sizeof(CalendarObject),
	.tp_dealloc = (destructor)Calendar_dealloc,
	.tp_repr = (reprfunc)Calendar_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("A business calendar: when a retail store's service desk is open, in a time\n"
	                    "zone, with weekly schedules, holidays and special days.\n\n"
	                    "Build one with Calendar.parse(json_text) or read one with\n"
	                    "Store.load_calendar. It is an immutable, detached value: it needs no\n"
	                    "store, stays valid after the store is closed, and may be shared between\n"
	                    "threads. Arithmetic (is_open, next_open, add, between) is exact to the\n"
	                    "microsecond. Two calendars are equal when their canonical texts are."),
	.tp_methods = Calendar_methods,
	.tp_getset = Calendar_getset,
	.tp_richcompare = Calendar_richcompare,
	.tp_hash = PyObject_HashNotImplemented,
};

/* ------------------------------------------------------------------ */
/* SlaPolicy                                                           */
/* ------------------------------------------------------------------ */

typedef struct {
	PyObject_HEAD
	csvc_sla_policy *p;
} SlaPolicyObject;

static PyObject *policy_wrap(csvc_sla_policy *p)
{
	SlaPolicyObject *o = PyObject_New(SlaPolicyObject, &SlaPolicyType);
	if (o == NULL) {
		csvc_sla_policy_free(p);
		return NULL;
	}
	o->p = p;
	return (PyObject *)o;
}

static PyObject *SlaPolicy_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	(void)args;
	(void)kwargs;
	return type->tp_alloc(type, 0); /* p stays NULL until __init__ */
}

static void SlaPolicy_dealloc(SlaPolicyObject *self)
{
	csvc_sla_policy_free(self->p);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static const char *const policy_match_names[] = {
	"match_kind", "match_store", "match_channel", "match_category",
	"match_priority", "match_urgency", "match_customer_class", "match_tier",
};

/* Sets match condition `which` (an index into policy_match_names). */
static int policy_match(csvc_sla_policy *p, int which, PyObject *v)
{
	if (which < 4) {
		const char *s;
		if (str_in(v, &s, policy_match_names[which]))
			return -1;
		switch (which) {
		case 0: return check_rc(csvc_sla_policy_match_kind(p, s));
		case 1: return check_rc(csvc_sla_policy_match_store(p, s));
		case 2: return check_rc(csvc_sla_policy_match_channel(p, s));
		default: return check_rc(csvc_sla_policy_match_category(p, s));
		}
	} else {
		int32_t x;
		if (int32_in(v, &x, policy_match_names[which]))
			return -1;
		switch (which) {
		case 4: return check_rc(csvc_sla_policy_match_priority(p, x));
		case 5: return check_rc(csvc_sla_policy_match_urgency(p, x));
		case 6: return check_rc(csvc_sla_policy_match_customer_class(p, x));
		default: return check_rc(csvc_sla_policy_match_tier(p, x));
		}
	}
}

static int SlaPolicy_init(SlaPolicyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "rank", "match_kind", "match_store", "match_channel", "match_category",
	                     "match_priority", "match_urgency", "match_customer_class", "match_tier", NULL};
	const char *name;
	int rank;
	PyObject *m[8] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
	csvc_sla_policy *p = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "si|$OOOOOOOO:SlaPolicy", kw, &name, &rank, &m[0], &m[1],
	                                 &m[2], &m[3], &m[4], &m[5], &m[6], &m[7]) ||
	    check_rc(csvc_sla_policy_new(&p, name, rank)))
		return -1;
	for (int i = 0; i < 8; i++) {
		if (m[i] != NULL && m[i] != Py_None && policy_match(p, i, m[i])) {
			csvc_sla_policy_free(p);
			return -1;
		}
	}
	csvc_sla_policy_free(self->p);
	self->p = p;
	return 0;
}

static int policy_ready(SlaPolicyObject *self)
{
	if (self->p == NULL) {
		raise_code(CSVC_EINVAL, "the SlaPolicy was not initialised", NULL, 0, NULL);
		return -1;
	}
	return 0;
}

#define POLICY_MATCH(idx, meth)                                                              \
	static PyObject *SlaPolicy_##meth(SlaPolicyObject *self, PyObject *v)                    \
	{                                                                                        \
		if (policy_ready(self) || policy_match(self->p, idx, v))                             \
			return NULL;                                                                     \
		Py_RETURN_NONE;                                                                      \
	}
POLICY_MATCH(0, match_kind)
POLICY_MATCH(1, match_store)
POLICY_MATCH(2, match_channel)
POLICY_MATCH(3, match_category)
POLICY_MATCH(4, match_priority)
POLICY_MATCH(5, match_urgency)
POLICY_MATCH(6, match_customer_class)
POLICY_MATCH(7, match_tier)

/* 'store', '24x7', 'named' (with calendar_name), ('named', name), or a
 * SlaCalendar (int). */
static int sla_calendar_in(PyObject *o, int32_t *cal, PyObject **name_obj)
{
	if (PyTuple_Check(o)) {
		if (PyTuple_GET_SIZE(o) != 2) {
			PyErr_SetString(PyExc_ValueError, "calendar tuple must be ('named', calendar_name)");
			return -1;
		}
		if (sla_calendar_in(PyTuple_GET_ITEM(o, 0), cal, name_obj))
			return -1;
		if (*cal != CSVC_SLA_CALENDAR_NAMED) {
			PyErr_SetString(PyExc_ValueError, "calendar tuple must be ('named', calendar_name)");
			return -1;
		}
		*name_obj = PyTuple_GET_ITEM(o, 1);
		return 0;
	}
	if (PyUnicode_Check(o)) {
		const char *s = PyUnicode_AsUTF8(o);
		if (s == NULL)
			return -1;
		if (csvc_enum_parse(CSVC_ENUM_SLA_CALENDAR, s, cal) != CSVC_OK) {
			PyErr_Format(PyExc_ValueError,
			             "calendar must be 'store', '24x7', ('named', name) or a SlaCalendar, not %R", o);
			return -1;
		}
		return 0;
	}
	return int32_in(o, cal, "calendar");
}

static PyObject *SlaPolicy_add_target(SlaPolicyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "duration", "calendar", "calendar_name", NULL};
	const char *name, *cal_name = NULL;
	int64_t d;
	PyObject *calendar = NULL, *name_obj = Py_None;
	int32_t cal = CSVC_SLA_CALENDAR_STORE;
	size_t index = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO&|OO:add_target", kw, &name, conv_duration, &d,
	                                 &calendar, &name_obj) ||
	    policy_ready(self))
		return NULL;
	if (calendar != NULL && sla_calendar_in(calendar, &cal, &name_obj))
		return NULL;
	if (str_in(name_obj, &cal_name, "calendar_name") ||
	    check_rc(csvc_sla_policy_add_target(self->p, name, d, cal, cal_name, &index)))
		return NULL;
	if (g_policy_target_type == NULL)
		return PyLong_FromSize_t(index);
	return PyObject_CallFunction(g_policy_target_type, "Ons", (PyObject *)self, (Py_ssize_t)index, name);
}

/* A target index: an int or anything with __index__ (SlaPolicyTarget). */
static int conv_index(PyObject *o, void *out)
{
	Py_ssize_t i = PyNumber_AsSsize_t(o, PyExc_OverflowError);
	if (i == -1 && PyErr_Occurred())
		return 0;
	if (i < 0) {
		raise_code(CSVC_ERANGE, "target index out of range", NULL, 0, NULL);
		return 0;
	}
	*(size_t *)out = (size_t)i;
	return 1;
}

static PyObject *SlaPolicy_target_met_by_reply(SlaPolicyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"index", NULL};
	size_t i;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:target_met_by_reply", kw, conv_index, &i) ||
	    policy_ready(self) || check_rc(csvc_sla_target_met_by_reply(self->p, i)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *SlaPolicy_target_recurring(SlaPolicyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"index", NULL};
	size_t i;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:target_recurring", kw, conv_index, &i) ||
	    policy_ready(self) || check_rc(csvc_sla_target_recurring(self->p, i)))
		return NULL;
	Py_RETURN_NONE;
}

#define POLICY_TARGET_INT(meth, arg, fn)                                                     \
	static PyObject *SlaPolicy_##meth(SlaPolicyObject *self, PyObject *args, PyObject *kwargs) \
	{                                                                                        \
		static char *kw[] = {"index", arg, NULL};                                            \
		size_t i;                                                                            \
		int32_t v;                                                                           \
		if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&:" #meth, kw, conv_index, &i,    \
		                                 conv_int32, &v) ||                                  \
		    policy_ready(self) || check_rc(fn(self->p, i, v)))                               \
			return NULL;                                                                     \
		Py_RETURN_NONE;                                                                      \
	}
POLICY_TARGET_INT(target_met_by_category, "category", csvc_sla_target_met_by_category)
POLICY_TARGET_INT(target_pause_on_category, "category", csvc_sla_target_pause_on_category)
POLICY_TARGET_INT(target_warn_at, "percent", csvc_sla_target_warn_at)
POLICY_TARGET_INT(target_pause_on_handoff, "on", csvc_sla_target_pause_on_handoff)

#define POLICY_TARGET_STR(meth, fn)                                                          \
	static PyObject *SlaPolicy_##meth(SlaPolicyObject *self, PyObject *args, PyObject *kwargs) \
	{                                                                                        \
		static char *kw[] = {"index", "state", NULL};                                        \
		size_t i;                                                                            \
		const char *s;                                                                       \
		if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&s:" #meth, kw, conv_index, &i, &s) || \
		    policy_ready(self) || check_rc(fn(self->p, i, s)))                               \
			return NULL;                                                                     \
		Py_RETURN_NONE;                                                                      \
	}
POLICY_TARGET_STR(target_met_by_state, csvc_sla_target_met_by_state)
POLICY_TARGET_STR(target_pause_on_state, csvc_sla_target_pause_on_state)

static PyObject *SlaPolicy_target_escalate(SlaPolicyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"index", "percent", "action", "value", "assignee", "team", "transition", NULL};
	size_t i;
	int32_t percent, action, value = 0;
	const char *assignee = NULL, *team = NULL, *transition = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&O&|O&zzz:target_escalate", kw, conv_index, &i,
	                                 conv_int32, &percent, conv_int32, &action, conv_int32, &value, &assignee,
	                                 &team, &transition) ||
	    policy_ready(self))
		return NULL;
	csvc_sla_escalation esc = CSVC_SLA_ESCALATION_INIT;
	esc.percent = percent;
	esc.action = action;
	esc.priority = value;
	esc.assignee = assignee;
	esc.team = team;
	esc.transition = transition;
	if (check_rc(csvc_sla_target_escalate(self->p, i, &esc)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *SlaPolicy_get_name(SlaPolicyObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_sla_policy_name(self->p));
}

static PyObject *SlaPolicy_get_version(SlaPolicyObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLong(csvc_sla_policy_version(self->p));
}

static PyObject *SlaPolicy_repr(SlaPolicyObject *self)
{
	const char *name = csvc_sla_policy_name(self->p);
	return PyUnicode_FromFormat("<csvc.SlaPolicy %s version=%d>", name ? name : "?",
	                            (int)csvc_sla_policy_version(self->p));
}

static PyGetSetDef SlaPolicy_getset[] = {
	G(SlaPolicy, name, "The policy's name ([a-z0-9_.-], up to 64 bytes)."),
	G(SlaPolicy, version, "The stored version; 0 if never saved or changed since."),
	{NULL, NULL, NULL, NULL, NULL},
};

#define POLICY_MATCH_DOC(name, what)                                                         \
	METH_O_(SlaPolicy, name, #name "($self, value, /)\n--\n\n" what)

static PyMethodDef SlaPolicy_methods[] = {
	POLICY_MATCH_DOC(match_kind, "Matches tickets of this kind only (None clears)."),
	POLICY_MATCH_DOC(match_store, "Matches tickets of this store code only (None clears)."),
	POLICY_MATCH_DOC(match_channel, "Matches tickets of this channel only (None clears)."),
	POLICY_MATCH_DOC(match_category, "Matches tickets of this category only (None clears)."),
	POLICY_MATCH_DOC(match_priority, "Matches tickets whose Priority is at least as pressing (None clears)."),
	POLICY_MATCH_DOC(match_urgency, "Matches tickets of this Urgency only (None clears)."),
	POLICY_MATCH_DOC(match_customer_class, "Matches tickets whose customer has this CustomerClass (None clears)."),
	POLICY_MATCH_DOC(match_tier, "Matches tickets whose customer has this Tier (None clears)."),
	METH_KW(SlaPolicy, add_target, "add_target($self, /, name, duration, calendar='store', calendar_name=None)\n--\n\n"
	        "Adds target `name` ('first_response', 'resolution' ...) of `duration` business\n"
	        "time (timedelta or int microseconds) counted on `calendar`: 'store' (the\n"
	        "calendar attached to the ticket's store; 24/7 if none), '24x7' (wall-clock\n"
	        "time) or ('named', calendar_name); a SlaCalendar is accepted too. Returns an\n"
	        "SlaPolicyTarget to configure it (it is also the target's index).\n"
	        "AlreadyExists if the name is taken; OutOfRange past 16 targets."),
	METH_KW(SlaPolicy, target_met_by_reply, "target_met_by_reply($self, /, index)\n--\n\n"
	        "A reply to the customer satisfies target `index`."),
	METH_KW(SlaPolicy, target_met_by_category, "target_met_by_category($self, /, index, category)\n--\n\n"
	        "Entering a state of StateCategory `category` satisfies target `index`."),
	METH_KW(SlaPolicy, target_met_by_state, "target_met_by_state($self, /, index, state)\n--\n\n"
	        "Entering state `state` satisfies target `index`."),
	METH_KW(SlaPolicy, target_pause_on_category, "target_pause_on_category($self, /, index, category)\n--\n\n"
	        "Target `index` pauses in states of StateCategory `category`."),
	METH_KW(SlaPolicy, target_pause_on_state, "target_pause_on_state($self, /, index, state)\n--\n\n"
	        "Target `index` pauses in state `state`."),
	METH_KW(SlaPolicy, target_pause_on_handoff, "target_pause_on_handoff($self, /, index, on)\n--\n\n"
	        "Target `index` pauses (on non-zero) while its ticket has open sub-tasks handed off to\n"
	        "departments (Store.handoff_ticket)."),
	METH_KW(SlaPolicy, target_warn_at, "target_warn_at($self, /, index, percent)\n--\n\n"
	        "A warning when `percent` (1..99) of target `index`'s time is used."),
	METH_KW(SlaPolicy, target_recurring, "target_recurring($self, /, index)\n--\n\n"
	        "Makes target `index` a recurring 'next update' target (starts at the first\n"
	        "reply, restarts at each following one)."),
	METH_KW(SlaPolicy, target_escalate, "target_escalate($self, /, index, percent, action, value=None, "
	        "assignee=None, team=None, transition=None)\n--\n\n"
	        "An escalation of target `index` at `percent` (100: at the breach; else one of\n"
	        "its warning thresholds). `action` is a SlaAction: RAISE_PRIORITY uses `value`\n"
	        "(a Priority), ASSIGN `assignee` and `team`, TRANSITION `transition`."),
	{NULL, NULL, 0, NULL},
};

static PyTypeObject SlaPolicyType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.SlaPolicy",
	.tp_basicsize = sizeof(SlaPolicyObject),
	.tp_dealloc = (destructor)SlaPolicy_dealloc,
	.tp_repr = (reprfunc)SlaPolicy_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("SlaPolicy(name, rank, *, match_kind=None, match_store=None, match_channel=None,\n"
	                    "          match_category=None, match_priority=None, match_urgency=None,\n"
	                    "          match_customer_class=None, match_tier=None)\n--\n\n"
	                    "An SLA policy definition (服务时限; a detached value): match conditions and up\n"
	                    "to 16 targets. The lowest rank whose conditions all hold wins; a policy\n"
	                    "without conditions matches every ticket. Keyword arguments and the\n"
	                    "match_* methods set the conditions; add_target adds a target and returns\n"
	                    "an SlaPolicyTarget to configure it. Store it with Store.save_sla_policy\n"
	                    "(a changed definition becomes a new version)."),
	.tp_methods = SlaPolicy_methods,
	.tp_getset = SlaPolicy_getset,
	.tp_init = (initproc)SlaPolicy_init,
	.tp_new = SlaPolicy_new,
};

/* ------------------------------------------------------------------ */
/* Survey                                                              */
/* ------------------------------------------------------------------ */

typedef struct {
	PyObject_HEAD
	csvc_survey *s;
} SurveyObject;

static PyObject *survey_wrap(csvc_survey *sv)
{
	SurveyObject *o = PyObject_New(SurveyObject, &SurveyType);
	if (o == NULL) {
		csvc_survey_free(sv);
		return NULL;
	}
	o->s = sv;
	return (PyObject *)o;
}

static PyObject *Survey_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	(void)args;
	(void)kwargs;
	return type->tp_alloc(type, 0); /* s stays NULL until __init__ */
}

static void Survey_dealloc(SurveyObject *self)
{
	csvc_survey_free(self->s);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Survey_init(SurveyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "title", "anonymous", NULL};
	const char *name, *title = NULL;
	int anonymous = 0;
	csvc_survey *sv = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|$zp:Survey", kw, &name, &title, &anonymous) ||
	    check_rc(csvc_survey_new(&sv, name)))
		return -1;
	if ((title != NULL && check_rc(csvc_survey_set_title(sv, title))) ||
	    check_rc(csvc_survey_set_anonymous(sv, anonymous))) {
		csvc_survey_free(sv);
		return -1;
	}
	csvc_survey_free(self->s);
	self->s = sv;
	return 0;
}

static int survey_ready(SurveyObject *self)
{
	if (self->s == NULL) {
		raise_code(CSVC_EINVAL, "the Survey was not initialised", NULL, 0, NULL);
		return -1;
	}
	return 0;
}

static PyObject *Survey_get_name(SurveyObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_survey_name(self->s));
}

static PyObject *Survey_get_version(SurveyObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLong(csvc_survey_version(self->s));
}

static PyObject *Survey_get_title(SurveyObject *self, void *cl)
{
	(void)cl;
	return str_out(csvc_survey_title(self->s));
}

static int Survey_set_title(SurveyObject *self, PyObject *v, void *cl)
{
	const char *s;
	(void)cl;
	if (v == NULL) {
		PyErr_SetString(PyExc_AttributeError, "cannot delete title; set it to None");
		return -1;
	}
	if (survey_ready(self) || str_in(v, &s, "title"))
		return -1;
	return check_rc(csvc_survey_set_title(self->s, s));
}

static PyObject *Survey_get_anonymous(SurveyObject *self, void *cl)
{
	(void)cl;
	return PyBool_FromLong(csvc_survey_anonymous(self->s));
}

static int Survey_set_anonymous(SurveyObject *self, PyObject *v, void *cl)
{
	int allow;
	(void)cl;
	if (v == NULL) {
		PyErr_SetString(PyExc_AttributeError, "cannot delete anonymous");
		return -1;
	}
	if (survey_ready(self) || (allow = PyObject_IsTrue(v)) < 0)
		return -1;
	return check_rc(csvc_survey_set_anonymous(self->s, allow));
}

static PyObject *Survey_get_dimensions(SurveyObject *self, void *cl)
{
	size_t n = csvc_survey_dimension_count(self->s);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	(void)cl;
	for (size_t i = 0; t != NULL && i < n; i++) {
		const char *name = NULL, *zh = NULL, *en = NULL;
		double weight = 0;
		PyObject *a[4], *d = NULL;
		if (check_rc(csvc_survey_dimension_at(self->s, i, &name, &weight, &zh, &en))) {
			Py_CLEAR(t);
			break;
		}
		a[0] = str_out(name);
		a[1] = PyFloat_FromDouble(weight);
		a[2] = str_out(zh);
		a[3] = str_out(en);
		if (a[0] && a[1] && a[2] && a[3])
			d = PyObject_Vectorcall(g_survey_dim_type, a, 4, NULL);
		for (int j = 0; j < 4; j++)
			Py_XDECREF(a[j]);
		if (d == NULL) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, d);
	}
	return t;
}

static PyObject *survey_options(const csvc_survey *sv, size_t i)
{
	size_t n = csvc_survey_option_count(sv, i);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	for (size_t j = 0; t != NULL && j < n; j++) {
		PyObject *o = str_out(csvc_survey_option_at(sv, i, j));
		if (o == NULL)
			Py_CLEAR(t);
		else
			PyTuple_SET_ITEM(t, (Py_ssize_t)j, o);
	}
	return t;
}

static PyObject *Survey_get_questions(SurveyObject *self, void *cl)
{
	size_t n = csvc_survey_question_count(self->s);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	(void)cl;
	for (size_t i = 0; t != NULL && i < n; i++) {
		const char *name = NULL, *dim = NULL, *zh = NULL, *en = NULL;
		int32_t type = 0, required = 0, scale = 0;
		PyObject *a[8], *q = NULL;
		int ok = 1;
		if (check_rc(csvc_survey_question_at(self->s, i, &name, &type, &dim, &required, &scale)) ||
		    check_rc(csvc_survey_question_labels(self->s, i, &zh, &en))) {
			Py_CLEAR(t);
			break;
		}
		a[0] = str_out(name);
		a[1] = enum_out(E_QUESTION_TYPE, type);
		a[2] = str_out(dim);
		a[3] = PyBool_FromLong(required);
		a[4] = scale ? PyLong_FromLong(scale) : Py_NewRef(Py_None);
		a[5] = str_out(zh);
		a[6] = str_out(en);
		a[7] = survey_options(self->s, i);
		for (int j = 0; j < 8; j++)
			ok &= a[j] != NULL;
		if (ok)
			q = PyObject_Vectorcall(g_survey_question_type, a, 8, NULL);
		for (int j = 0; j < 8; j++)
			Py_XDECREF(a[j]);
		if (q == NULL) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, q);
	}
	return t;
}

static PyObject *Survey_add_dimension(SurveyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "weight", "label_zh", "label_en", NULL};
	const char *name, *zh = NULL, *en = NULL;
	double weight = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|dzz:add_dimension", kw, &name, &weight, &zh, &en) ||
	    survey_ready(self) || check_rc(csvc_survey_add_dimension(self->s, name, weight, zh, en)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Survey_add_servqual(SurveyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"with_security", NULL};
	int with_security = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|p:add_servqual", kw, &with_security) ||
	    survey_ready(self) || check_rc(csvc_survey_add_servqual(self->s, with_security)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Survey_add_question(SurveyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "type", "dimension", "required", "label_zh", "label_en", NULL};
	const char *name, *dim = NULL, *zh = NULL, *en = NULL;
	int32_t type;
	int required = 0;
	size_t index = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO&|zpzz:add_question", kw, &name, conv_question_type,
	                                 &type, &dim, &required, &zh, &en) ||
	    survey_ready(self) || check_rc(csvc_survey_add_question(self->s, name, type, dim, required, zh, en, &index)))
		return NULL;
	if (g_question_ref_type == NULL)
		return PyLong_FromSize_t(index);
	return PyObject_CallFunction(g_question_ref_type, "Ons", (PyObject *)self, (Py_ssize_t)index, name);
}

/* A question index: an int or anything with __index__ (SurveyQuestionRef). */
static int conv_qindex(PyObject *o, void *out)
{
	Py_ssize_t i = PyNumber_AsSsize_t(o, PyExc_OverflowError);
	if (i == -1 && PyErr_Occurred())
		return 0;
	if (i < 0) {
		raise_code(CSVC_ERANGE, "question index out of range", NULL, 0, NULL);
		return 0;
	}
	*(size_t *)out = (size_t)i;
	return 1;
}

static PyObject *Survey_set_scale(SurveyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"index", "scale_max", NULL};
	size_t i;
	int32_t scale;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&:set_scale", kw, conv_qindex, &i, conv_int32, &scale) ||
	    survey_ready(self) || check_rc(csvc_survey_set_scale(self->s, i, scale)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Survey_add_option(SurveyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"index", "option", NULL};
	size_t i;
	const char *option;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&s:add_option", kw, conv_qindex, &i, &option) ||
	    survey_ready(self) || check_rc(csvc_survey_add_option(self->s, i, option)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Survey_validate(SurveyObject *self, PyObject *unused)
{
	(void)unused;
	if (survey_ready(self) || check_rc(csvc_survey_validate(self->s)))
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Survey_repr(SurveyObject *self)
{
	const char *name = csvc_survey_name(self->s);
	return PyUnicode_FromFormat("<csvc.Survey %s version=%d dimensions=%zu questions=%zu>", name ? name : "?",
	                            (int)csvc_survey_version(self->s), csvc_survey_dimension_count(self->s),
	                            csvc_survey_question_count(self->s));
}

static PyGetSetDef Survey_getset[] = {
	G(Survey, name, "The survey's machine name ([a-z0-9_.-], up to 64 bytes)."),
	G(Survey, version, "The stored version; 0 if never saved or changed since."),
	GS(Survey, title, "The title shown to customers, or None (UTF-8, up to 256 bytes)."),
	GS(Survey, anonymous, "Whether responses without an invitation are accepted (bool)."),
	G(Survey, dimensions, "Dimensions in the order added: tuple of\n"
	  "SurveyDimension(name, weight, label_zh, label_en)."),
	G(Survey, questions, "Questions in the order added: tuple of SurveyQuestion(name, type,\n"
	  "dimension, required, scale_max, label_zh, label_en, options)."),
	{NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef Survey_methods[] = {
	METH_KW(Survey, add_dimension, "add_dimension($self, /, name, weight=0.0, label_zh=None, label_en=None)\n--\n\n"
	        "Adds a dimension ('reliability', 'product_quality' ...) with its weight in the\n"
	        "CSI and SERVQUAL indices: 0 means 1 (equal weights); otherwise a finite number\n"
	        "above 0 and at most 1000. AlreadyExists if the name is taken."),
	METH_KW(Survey, add_servqual, "add_servqual($self, /, with_security=False)\n--\n\n"
	        "Adds the SERVQUAL dimensions tangibles, reliability, responsiveness, assurance\n"
	        "and empathy (and security with with_security=True), each with weight 1 and one\n"
	        "required SERVQUAL question (1-7) of the same name."),
	METH_KW(Survey, add_question, "add_question($self, /, name, type, dimension=None, required=False, "
	        "label_zh=None, label_en=None)\n--\n\n"
	        "Adds a question of QuestionType `type` (or its lower-case name: 'likert', 'nps',\n"
	        "'ces', 'servqual', 'yes_no', 'choice', 'text') with its type's default scale\n"
	        "(Likert 1-5, CES 1-7, SERVQUAL 1-7, NPS 0-10). `dimension` must name a dimension\n"
	        "added before; SERVQUAL questions need one. Returns a SurveyQuestionRef to set\n"
	        "its scale or options (it is also the question's index)."),
	METH_KW(Survey, set_scale, "set_scale($self, /, index, scale_max)\n--\n\n"
	        "Sets the top of the 1..scale_max scale (3 to 11) of Likert, CES or SERVQUAL\n"
	        "question `index`."),
	METH_KW(Survey, add_option, "add_option($self, /, index, option)\n--\n\n"
	        "Adds option `option` (a machine name) to choice question `index`."),
	{"validate", (PyCFunction)Survey_validate, METH_NOARGS,
	 "validate($self, /)\n--\n\nChecks the definition (at least one question, every choice question with\n"
	 "at least two options); raises InvalidArgument naming the problem."},
	{NULL, NULL, 0, NULL},
};

static const char *const survey_eq_fields[] = {
	"name", "version", "title", "anonymous", "dimensions", "questions", NULL,
};

static PyObject *Survey_richcompare(PyObject *a, PyObject *b, int op)
{
	return fields_richcompare(a, b, op, &SurveyType, survey_eq_fields);
}

static PyTypeObject SurveyType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.Survey",
	.tp_basicsize = sizeof(SurveyObject),
	.tp_dealloc = (destructor)Survey_dealloc,
	.tp_repr = (reprfunc)Survey_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("Survey(name, *, title=None, anonymous=False)\n--\n\n"
	                    "A satisfaction survey definition (满意度调查; a detached value): a title,\n"
	                    "whether anonymous responses are allowed, weighted dimensions and questions\n"
	                    "(QuestionType) with their scales and options. Store it with\n"
	                    "Store.save_survey (a changed definition becomes a new version) and read it\n"
	                    "with Store.load_survey."),
	.tp_methods = Survey_methods,
	.tp_getset = Survey_getset,
	.tp_richcompare = Survey_richcompare,
	.tp_hash = PyObject_HashNotImplemented,
	.tp_init = (initproc)Survey_init,
	.tp_new = Survey_new,
};

/* ------------------------------------------------------------------ */
/* Report                                                              */
/* ------------------------------------------------------------------ */

enum { REPORT_SCORES = 1, REPORT_KPIS, REPORT_SLA, REPORT_STATE_TIMES, REPORT_STAFF };

static const char *const report_type_names[] = {NULL, "scores", "kpis", "sla", "state_times", "staff"};

typedef struct {
	PyObject_HEAD
	csvc_report *r;
	int type;
	csvc_time_us from, to;
	int32_t group_by;   /* as the report applies it: 0 for SLA and state-time reports */
	int32_t period;     /* the period (month by default) */
	int64_t min_sample; /* the threshold in force (30 by default) */
	PyObject *store;    /* the StoreObject that computed it (strong; for to_html) */
	char *store_code;   /* copy of the query's store_code (PyMem), or NULL: every store */
} ReportObject;

/* The metrics a report's JSON lists for each row (report.h: the score
 * metrics, also on the KPI report; the KPIs; the SLA figures; the state
 * times). */
static int report_lists(int type, int32_t m)
{
	switch (type) {
	case REPORT_SCORES: return m >= CSVC_METRIC_RESPONSES && m <= CSVC_METRIC_SERVQUAL_GAP;
	case REPORT_KPIS: return m >= CSVC_METRIC_RESPONSES && m <= CSVC_METRIC_COMPLAINT_RATE;
	case REPORT_STAFF:
		return (m >= CSVC_METRIC_RESPONSES && m <= CSVC_METRIC_COMPLAINT_RATE) || m == CSVC_METRIC_RESOLVED_IN_RANGE ||
		       m == CSVC_METRIC_COMPLAINTS_RESOLVED;
	case REPORT_SLA: return m >= CSVC_METRIC_SLA_ON_TIME && m <= CSVC_METRIC_SLA_COMPLIANCE_HIGH;
	default: return m >= CSVC_METRIC_STATE_VISITS && m <= CSVC_METRIC_STATE_TIME_P90;
	}
}

/* The per-dimension figures of a row, as the JSON lists them. */
static const int32_t report_dim_metrics[] = {CSVC_METRIC_CSI_N, CSVC_METRIC_CSI, CSVC_METRIC_SERVQUAL_N,
                                             CSVC_METRIC_SERVQUAL_GAP, CSVC_METRIC_SERVQUAL_EXPECTATION,
                                             CSVC_METRIC_SERVQUAL_PERCEPTION};

/* A figure: a float, or None for NaN (undefined). */
static PyObject *figure_out(double v)
{
	if (isnan(v))
		Py_RETURN_NONE;
	return PyFloat_FromDouble(v);
}

static int dict_put_figure(PyObject *d, const char *name, double v)
{
	PyObject *f = figure_out(v);
	int rc;
	if (f == NULL)
		return -1;
	rc = PyDict_SetItemString(d, name, f);
	Py_DECREF(f);
	return rc;
}

static PyObject *report_row(ReportObject *self, size_t i)
{
	PyObject *a[5], *row = NULL;
	int ok = 1;
	a[0] = str_out(csvc_report_key(self->r, i));
	a[1] = self->group_by == CSVC_REPORT_BY_PERIOD ? local_out(csvc_report_period_start(self->r, i))
	                                                : Py_NewRef(Py_None);
	a[2] = PyBool_FromLong(csvc_report_low_sample(self->r, i));
	a[3] = PyDict_New();
	a[4] = PyDict_New();
	for (int32_t m = 1; a[3] != NULL; m++) {
		const char *name = csvc_enum_name(CSVC_ENUM_REPORT_METRIC, m);
		if (name == NULL)
			break;
		if (report_lists(self->type, m) && dict_put_figure(a[3], name, csvc_report_value(self->r, i, m)) < 0)
			Py_CLEAR(a[3]);
	}
	if (a[4] != NULL && (self->type == REPORT_SCORES || self->type == REPORT_KPIS)) {
		size_t nd = csvc_report_dimension_count(self->r);
		for (size_t d = 0; a[4] != NULL && d < nd; d++) {
			PyObject *dd = PyDict_New();
			for (size_t k = 0; dd != NULL && k < sizeof(report_dim_metrics) / sizeof(report_dim_metrics[0]); k++) {
				int32_t m = report_dim_metrics[k];
				if (dict_put_figure(dd, csvc_enum_name(CSVC_ENUM_REPORT_METRIC, m), csvc_report_dimension_value(self->r, i, d, m)) < 0)
					Py_CLEAR(dd);
			}
			if (dd == NULL || PyDict_SetItemString(a[4], csvc_report_dimension_name(self->r, d), dd) < 0)
				Py_CLEAR(a[4]);
			Py_XDECREF(dd);
		}
	}
	for (int j = 0; j < 5; j++)
		ok &= a[j] != NULL;
	if (ok)
		row = PyObject_Vectorcall(g_report_row_type, a, 5, NULL);
	for (int j = 0; j < 5; j++)
		Py_XDECREF(a[j]);
	return row;
}

static int Report_traverse(ReportObject *self, visitproc visit, void *arg)
{
	Py_VISIT(self->store);
	return 0;
}

static int Report_clear(ReportObject *self)
{
	Py_CLEAR(self->store);
	return 0;
}

static void Report_dealloc(ReportObject *self)
{
	PyObject_GC_UnTrack(self);
	csvc_report_free(self->r);
	PyMem_Free(self->store_code);
	Py_CLEAR(self->store);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static Py_ssize_t Report_length(ReportObject *self)
{
	return (Py_ssize_t)csvc_report_row_count(self->r);
}

static PyObject *Report_item(ReportObject *self, Py_ssize_t i)
{
	if (i < 0 || (size_t)i >= csvc_report_row_count(self->r)) {
		PyErr_SetString(PyExc_IndexError, "report row index out of range");
		return NULL;
	}
	return report_row(self, (size_t)i);
}

/* report[i] (negative counts from the end) and report[a:b:c] (a list). */
static PyObject *Report_subscript(ReportObject *self, PyObject *key)
{
	Py_ssize_t n = Report_length(self), i;
	if (PySlice_Check(key)) {
		Py_ssize_t start, stop, step, count;
		PyObject *list;
		if (PySlice_Unpack(key, &start, &stop, &step) < 0)
			return NULL;
		count = PySlice_AdjustIndices(n, &start, &stop, step);
		list = PyList_New(count);
		for (Py_ssize_t k = 0; list != NULL && k < count; k++) {
			PyObject *row = report_row(self, (size_t)(start + k * step));
			if (row == NULL)
				Py_CLEAR(list);
			else
				PyList_SET_ITEM(list, k, row);
		}
		return list;
	}
	if (!PyIndex_Check(key)) {
		PyErr_Format(PyExc_TypeError, "report indices must be integers or slices, not %.100s",
		             Py_TYPE(key)->tp_name);
		return NULL;
	}
	i = PyNumber_AsSsize_t(key, PyExc_IndexError);
	if (i == -1 && PyErr_Occurred())
		return NULL;
	return Report_item(self, i < 0 ? i + n : i);
}

/* Sequence.index(value[, start[, stop]]) and Sequence.count(value), so that a
 * Report is a full collections.abc.Sequence (registered in csvc/__init__.py). */
static PyObject *Report_index(ReportObject *self, PyObject *args)
{
	PyObject *value;
	Py_ssize_t n = Report_length(self), start = 0, stop = PY_SSIZE_T_MAX;
	if (!PyArg_ParseTuple(args, "O|nn:index", &value, &start, &stop))
		return NULL;
	if (start < 0 && (start += n) < 0)
		start = 0;
	if (stop < 0 && (stop += n) < 0)
		stop = 0;
	for (Py_ssize_t i = start; i < stop && i < n; i++) {
		PyObject *row = report_row(self, (size_t)i);
		int eq = row != NULL ? PyObject_RichCompareBool(row, value, Py_EQ) : -1;
		Py_XDECREF(row);
		if (eq < 0)
			return NULL;
		if (eq)
			return PyLong_FromSsize_t(i);
	}
	PyErr_SetString(PyExc_ValueError, "Report.index(x): x not in report");
	return NULL;
}

static PyObject *Report_count(ReportObject *self, PyObject *value)
{
	Py_ssize_t n = Report_length(self), count = 0;
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *row = report_row(self, (size_t)i);
		int eq = row != NULL ? PyObject_RichCompareBool(row, value, Py_EQ) : -1;
		Py_XDECREF(row);
		if (eq < 0)
			return NULL;
		count += eq;
	}
	return PyLong_FromSsize_t(count);
}

static PyObject *Report_to_json(ReportObject *self, PyObject *unused)
{
	char *text = NULL;
	PyObject *out;
	(void)unused;
	if (check_rc(csvc_report_to_json(self->r, &text)))
		return NULL;
	out = PyUnicode_FromString(text);
	csvc_free(text);
	return out;
}

static PyObject *Report_json(ReportObject *self, PyObject *unused)
{
	PyObject *text = Report_to_json(self, unused), *json, *out;
	if (text == NULL)
		return NULL;
	json = PyImport_ImportModule("json");
	if (json == NULL) {
		Py_DECREF(text);
		return NULL;
	}
	out = PyObject_CallMethod(json, "loads", "O", text);
	Py_DECREF(json);
	Py_DECREF(text);
	return out;
}

static PyObject *Report_get_type(ReportObject *self, void *cl)
{
	(void)cl;
	return PyUnicode_FromString(report_type_names[self->type]);
}

static PyObject *Report_get_from_(ReportObject *self, void *cl)
{
	(void)cl;
	return instant_out(self->from);
}

static PyObject *Report_get_to(ReportObject *self, void *cl)
{
	(void)cl;
	return instant_out(self->to);
}

static PyObject *Report_get_group_by(ReportObject *self, void *cl)
{
	(void)cl;
	return enum_out(E_REPORT_GROUP, self->group_by);
}

static PyObject *Report_get_period(ReportObject *self, void *cl)
{
	(void)cl;
	return enum_out(E_REPORT_PERIOD, self->group_by == CSVC_REPORT_BY_PERIOD ? self->period : 0);
}

static PyObject *Report_get_min_sample(ReportObject *self, void *cl)
{
	(void)cl;
	return PyLong_FromLongLong(self->min_sample);
}

static PyObject *Report_get_dimensions(ReportObject *self, void *cl)
{
	size_t n = csvc_report_dimension_count(self->r);
	PyObject *d = PyDict_New();
	(void)cl;
	for (size_t i = 0; d != NULL && i < n; i++)
		if (dict_put_figure(d, csvc_report_dimension_name(self->r, i),
		                    csvc_report_dimension_value(self->r, 0, i, CSVC_METRIC_WEIGHT)) < 0)
			Py_CLEAR(d);
	return d;
}

static PyObject *Report_repr(ReportObject *self)
{
	const char *group = csvc_enum_name(CSVC_ENUM_REPORT_GROUP, self->group_by);
	if (group == NULL)
		group = "none";
	return PyUnicode_FromFormat("<csvc.Report %s group_by=%s rows=%zu>", report_type_names[self->type], group,
	                            csvc_report_row_count(self->r));
}

static PyGetSetDef Report_getset[] = {
	G(Report, type, "Which report: 'scores', 'kpis', 'sla', 'state_times' or 'staff'."),
	G(Report, from_, "The start of the range (aware datetime, UTC; inclusive)."),
	G(Report, to, "The end of the range (aware datetime, UTC; exclusive)."),
	G(Report, group_by, "The ReportGroup of the rows, or None (one row 'all'; the SLA and\n"
	  "state-time reports, which have a row per target or state)."),
	G(Report, period, "The ReportPeriod of a report grouped by period, else None."),
	G(Report, min_sample, "The minimum sample in force (30 unless given): rows resting on fewer\n"
	  "observations are flagged low_sample."),
	G(Report, dimensions, "The survey dimensions with figures (score and KPI reports), in report order:\n"
	  "a dict of name -> weight (None when the report has no row)."),
	{NULL, NULL, NULL, NULL, NULL},
};

static PyObject *Report_to_html(ReportObject *self, PyObject *args, PyObject *kwargs); /* after Store */

static PyMethodDef Report_methods[] = {
	{"to_json", (PyCFunction)Report_to_json, METH_NOARGS,
	 "to_json($self, /)\n--\n\nThe report as the library's JSON text (csvc_report_to_json): undefined\n"
	 "figures are null, times are microseconds."},
	{"json", (PyCFunction)Report_json, METH_NOARGS,
	 "json($self, /)\n--\n\nThe report's JSON text parsed with json.loads (a dict)."},
	{"index", (PyCFunction)Report_index, METH_VARARGS,
	 "index($self, value, start=0, stop=sys.maxsize, /)\n--\n\nThe index of the first row equal to\n"
	 "`value`; ValueError if there is none."},
	{"count", (PyCFunction)Report_count, METH_O,
	 "count($self, value, /)\n--\n\nHow many rows equal `value`."},
	{"to_html", (PyCFunction)(void (*)(void))Report_to_html, METH_VARARGS | METH_KEYWORDS,
	 "to_html($self, /, *, title=None, period_label=None, min_sample=0, csi_target=0.0, "
	 "response_target=None, top_categories=0)\n--\n\n"
	 "The store manager's dashboard (Store.dashboard_html) for the range and\n"
	 "store_code of this report, computed now by the store that made it; the\n"
	 "keyword options are those of Store.dashboard_html, with its defaults (the\n"
	 "report's other filters, grouping and thresholds are not carried over).\n"
	 "Raises StoreClosed once that store is closed."},
	{"__copy__", (PyCFunction)same_object, METH_NOARGS, "Reports are immutable: returns the report itself."},
	{"__deepcopy__", (PyCFunction)same_object, METH_O, "Reports are immutable: returns the report itself."},
	{NULL, NULL, 0, NULL},
};

static PySequenceMethods Report_as_sequence = {
	.sq_length = (lenfunc)Report_length,
	.sq_item = (ssizeargfunc)Report_item,
};

static PyMappingMethods Report_as_mapping = {
	.mp_length = (lenfunc)Report_length,
	.mp_subscript = (binaryfunc)Report_subscript,
};

static PyTypeObject ReportType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.Report",
	.tp_basicsize = sizeof(ReportObject),
	.tp_dealloc = (destructor)Report_dealloc,
	.tp_repr = (reprfunc)Report_repr,
	.tp_as_sequence = &Report_as_sequence,
	.tp_as_mapping = &Report_as_mapping,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
	.tp_doc = PyDoc_STR("A computed report (immutable): a sequence of ReportRow, and the same as\n"
	                    "JSON (to_json, json). Made by Store.report_scores, report_kpis, report_sla\n"
	                    "and report_state_times; its rows stay valid after the store is closed. It\n"
	                    "keeps its Store alive for to_html(), which needs the store open."),
	.tp_traverse = (traverseproc)Report_traverse,
	.tp_clear = (inquiry)Report_clear,
	.tp_methods = Report_methods,
	.tp_getset = Report_getset,
};

/* ------------------------------------------------------------------ */
/* Store: lock, callbacks, exception hand-over                         */
/* ------------------------------------------------------------------ */

typedef struct IterObject IterObject;

typedef struct pending_t {
	PyObject *type, *value, *tb;
} pending_t;

/* A push subscriber on this handle (Store.subscribe, Store.subscribe_alarms):
 * the library's userdata points at the slot, which lives inside the Store
 * object, so it stays valid as long as the library may call it. */
typedef struct sub_slot {
	PyObject *owner;    /* the StoreObject holding the slot (borrowed) */
	PyObject *callback; /* strong reference; NULL once the collector cleared it */
	int used;           /* the library holds a subscriber with this slot */
	int alarms;         /* subscribed with csvc_sla_subscribe */
	char name[CSVC_WORKFLOW_MAX_NAME + 1];
} sub_slot;

typedef struct {
	PyObject_HEAD
	csvc_store *store;
	PyThread_type_lock lock;
	unsigned long owner; /* thread holding `lock`, valid while depth > 0 */
	int depth;           /* recursion depth of the owner */
	int restricted;      /* inside the clock or the log handler: no re-entry */
	int clock_failed;    /* the clock raised during the current call */
	int in_alarm;        /* inside the sla_advance callback: no writes */
	pending_t pending;   /* first exception raised by a callback during the current call */
	PyObject *clock, *log, *hook, *path;
	PyObject *zoneinfo_dir; /* bytes given to the constructor, or NULL */
	IterObject *iters;   /* open iterators (borrowed; each holds a reference to us) */
	/* Push subscribers, in no order: one slot more than the library
	 * holds, so that a new subscriber always has one and the library is
	 * the one that refuses the one too many. */
	sub_slot subs[CSVC_FEED_MAX_SUBSCRIBERS + 1];
} StoreObject;

#define SUB_SLOTS ((int)(sizeof(((StoreObject *)0)->subs) / sizeof(sub_slot)))

struct IterObject {
	PyObject_HEAD
	StoreObject *store;
	int kind;
	void *it;
	int invalidated;
	IterObject *prev, *next;
};

enum { IT_CUSTOMER, IT_TICKET, IT_EVENT, IT_SLA, IT_STAFF };

typedef struct callctx {
	pending_t saved;
	int clock_failed;
} callctx;

static void lock_acquire(StoreObject *s)
{
	unsigned long me = PyThread_get_thread_ident();
	if (s->depth > 0 && s->owner == me) {
		s->depth++;
		return;
	}
	if (!PyThread_acquire_lock(s->lock, NOWAIT_LOCK)) {
		Py_BEGIN_ALLOW_THREADS
		PyThread_acquire_lock(s->lock, WAIT_LOCK);
		Py_END_ALLOW_THREADS
	}
	s->owner = me;
	s->depth = 1;
}

static void lock_release(StoreObject *s)
{
	if (--s->depth == 0) {
		s->owner = 0;
		PyThread_release_lock(s->lock);
	}
}

static int store_enter(StoreObject *s, callctx *cx)
{
	if (s->depth > 0 && s->owner == PyThread_get_thread_ident() && s->restricted) {
		PyErr_SetString(PyExc_RuntimeError,
		                "the clock and the log handler must not call back into the store");
		return -1;
	}
	if (s->store == NULL) {
		raise_closed("the store is closed");
		return -1;
	}
	lock_acquire(s);
	if (s->store == NULL) { /* closed by another thread while we waited */
		lock_release(s);
		raise_closed("the store is closed");
		return -1;
	}
	cx->saved = s->pending;
	cx->clock_failed = s->clock_failed;
	memset(&s->pending, 0, sizeof(s->pending));
	s->clock_failed = 0;
	return 0;
}

/* Returns -1 with the callback's exception set if one was raised during
 * the call. */
static int store_leave(StoreObject *s, callctx *cx)
{
	pending_t p = s->pending;
	s->pending = cx->saved;
	s->clock_failed = cx->clock_failed;
	lock_release(s);
	if (p.value != NULL) {
		PyErr_Restore(p.type, p.value, p.tb);
		return -1;
	}
	return 0;
}

/* Keeps the current exception for the caller of the API call (the first
 * one wins; later ones during the same call go to sys.unraisablehook). */
static void stash_exception(StoreObject *s, PyObject *where)
{
	PyObject *t, *v, *tb;
	PyErr_Fetch(&t, &v, &tb);
	PyErr_NormalizeException(&t, &v, &tb);
	if (tb != NULL && v != NULL)
		PyException_SetTraceback(v, tb);
	if (s->pending.value == NULL && v != NULL) {
		s->pending.type = t;
		s->pending.value = v;
		s->pending.tb = tb;
	} else {
		PyErr_Restore(t, v, tb);
		PyErr_WriteUnraisable(where);
	}
}

static csvc_time_us system_time(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (csvc_time_us)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static csvc_time_us clock_trampoline(void *userdata)
{
	StoreObject *s = userdata;
	csvc_time_us v = 0;
	PyGILState_STATE g = PyGILState_Ensure();
	if (s->clock == NULL) {
		v = system_time();
	} else {
		PyObject *clock = Py_NewRef(s->clock), *r;
		s->restricted++;
		r = PyObject_CallNoArgs(clock);
		s->restricted--;
		if (r == NULL || time_in(r, &v, "clock() result") < 0) {
			stash_exception(s, clock);
			s->clock_failed = 1;
			v = system_time();
		}
		Py_XDECREF(r);
		Py_DECREF(clock);
	}
	PyGILState_Release(g);
	return v;
}

static void log_trampoline(int32_t level, const char *message, void *userdata)
{
	StoreObject *s = userdata;
	PyGILState_STATE g = PyGILState_Ensure();
	if (s->log != NULL) {
		PyObject *log = Py_NewRef(s->log), *lv = enum_out(E_LOG_LEVEL, level), *msg, *r = NULL;
		msg = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
		if (lv != NULL && msg != NULL) {
			s->restricted++;
			r = PyObject_CallFunctionObjArgs(log, lv, msg, NULL);
			s->restricted--;
		}
		if (r == NULL)
			stash_exception(s, log);
		Py_XDECREF(r);
		Py_XDECREF(lv);
		Py_XDECREF(msg);
		Py_DECREF(log);
	}
	PyGILState_Release(g);
}

static PyObject *event_out(const csvc_event *ev)
{
	PyObject *a[9], *r = NULL;
	a[0] = uuid_out(csvc_event_ticket(ev));
	a[1] = str_out(csvc_event_ticket_number(ev));
	a[2] = PyLong_FromLongLong(csvc_event_seq(ev));
	a[3] = str_out(csvc_event_type(ev));
	a[4] = str_out(csvc_event_actor(ev));
	a[5] = time_out(csvc_event_at(ev));
	a[6] = str_out(csvc_event_from_state(ev));
	a[7] = str_out(csvc_event_to_state(ev));
	a[8] = str_out(csvc_event_payload(ev));
	int ok = 1;
	for (int i = 0; i < 9; i++)
		ok &= a[i] != NULL;
	if (ok)
		r = PyObject_Vectorcall(g_event_type, a, 9, NULL);
	for (int i = 0; i < 9; i++)
		Py_XDECREF(a[i]);
	return r;
}

static void hook_trampoline(const csvc_event *ev, void *userdata)
{
	StoreObject *s = userdata;
	PyGILState_STATE g = PyGILState_Ensure();
	if (s->hook != NULL) {
		PyObject *hook = Py_NewRef(s->hook), *e = event_out(ev), *r = NULL;
		if (e != NULL)
			r = PyObject_CallOneArg(hook, e);
		if (r == NULL)
			stash_exception(s, hook);
		Py_XDECREF(r);
		Py_XDECREF(e);
		Py_DECREF(hook);
	}
	PyGILState_Release(g);
}

static PyObject *sla_target_out(const csvc_sla_target *t)
{
	PyObject *a[14], *r = NULL;
	int ok = 1;
	a[0] = str_out(csvc_sla_target_name(t));
	a[1] = uuid_out(csvc_sla_target_ticket(t));
	a[2] = str_out(csvc_sla_target_ticket_number(t));
	a[3] = str_out(csvc_sla_target_policy(t));
	a[4] = PyLong_FromLong(csvc_sla_target_policy_version(t));
	a[5] = enum_out(E_SLA_STATUS, csvc_sla_target_status(t));
	a[6] = duration_out(csvc_sla_target_duration(t));
	a[7] = duration_out(csvc_sla_target_used(t));
	a[8] = duration_out(csvc_sla_target_remaining(t));
	a[9] = PyFloat_FromDouble(csvc_sla_target_percent_used(t));
	a[10] = time_out(csvc_sla_target_due_at(t));
	a[11] = time_out(csvc_sla_target_met_at(t));
	a[12] = time_out(csvc_sla_target_breached_at(t));
	a[13] = str_out(csvc_sla_target_fault(t));
	for (int i = 0; i < 14; i++)
		ok &= a[i] != NULL;
	if (ok)
		r = PyObject_Vectorcall(g_sla_target_type, a, 14, NULL);
	for (int i = 0; i < 14; i++)
		Py_XDECREF(a[i]);
	return r;
}

/* An SlaAlarm; with `event` and `position` when the alarm names its feed
 * entry (version 2, from a subscriber), else those stay None. */
static PyObject *sla_alarm_out(const csvc_sla_alarm *al)
{
	PyObject *a[7], *r = NULL;
	int ok = 1;
	size_t n = al->version >= 2 && al->event != NULL ? 7 : 5;
	a[0] = uuid_out(al->ticket);
	a[1] = str_out(al->ticket_number);
	a[2] = str_out(al->target);
	a[3] = PyLong_FromLong(al->percent);
	a[4] = instant_out(al->at);
	if (n == 7) {
		a[5] = uuid_out(al->event);
		a[6] = PyLong_FromLongLong(al->position);
	}
	for (size_t i = 0; i < n; i++)
		ok &= a[i] != NULL;
	if (ok)
		r = PyObject_Vectorcall(g_sla_alarm_type, a, n, NULL);
	for (size_t i = 0; i < n; i++)
		Py_XDECREF(a[i]);
	return r;
}

/* userdata of alarm_trampoline: the store and the Python callback. */
typedef struct alarm_ctx {
	StoreObject *s;
	PyObject *callback;
	int raised; /* the callback raised (its exception is pending on the store) */
} alarm_ctx;

/* The sla_advance callback: a true result stops the walk (1, returned as
 * a success); an exception stops it with CSVC_EUSER and is raised again by
 * sla_advance. */
static int alarm_trampoline(const csvc_sla_alarm *alarm, void *userdata)
{
	alarm_ctx *ax = userdata;
	StoreObject *s = ax->s;
	int stop = 0, truth = -1;
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *a = sla_alarm_out(alarm), *r = NULL;
	if (a != NULL) {
		s->in_alarm++;
		r = PyObject_CallOneArg(ax->callback, a);
		s->in_alarm--;
		Py_DECREF(a);
	}
	if (r != NULL) {
		truth = PyObject_IsTrue(r);
		Py_DECREF(r);
	}
	if (truth < 0) {
		stash_exception(s, ax->callback);
		ax->raised = 1;
		stop = CSVC_EUSER;
	} else if (truth > 0) {
		stop = 1;
	} else if (s->clock_failed) {
		stop = CSVC_EUSER; /* the walk will be undone: end it now */
	}
	PyGILState_Release(g);
	return stop;
}

/* Writes (and transaction control) are refused inside the sla_advance
 * callback, which the library allows to read the store only. */
static int refuse_in_alarm(StoreObject *s, errsnap *e)
{
	if (!s->in_alarm)
		return 0;
	e->code = CSVC_ESTATE;
	snap_no_engine(e);
	snprintf(e->message, sizeof(e->message), "%s",
	         "the sla_advance callback may read the store but must not write to it");
	return CSVC_ESTATE;
}

/*
 * Runs `expr` (a libcsvc call on self->store) with the GIL released.
 * `write` is 0 for a read, 1 for a write and 2 for transaction control.
 * A writing call on a store with a Python clock is wrapped in a
 * begin/commit of its own so that a clock that raised can undo it.
 */
#define CALL(self, write, rc, e, expr)                                                       \
	do {                                                                                     \
		int wrap_ = (write) == 1 && (self)->clock != NULL;                                   \
		if ((write) && (rc = refuse_in_alarm(self, e)) != 0)                                 \
			break;                                                                           \
		Py_BEGIN_ALLOW_THREADS                                                               \
		rc = wrap_ ? csvc_store_begin((self)->store) : 0;                                    \
		if (rc != 0) {                                                                       \
			snap_take(e, rc);                                                                \
		} else {                                                                             \
			rc = (expr);                                                                     \
			if (rc < 0 && rc != CSVC_ITEROVER)                                               \
				snap_take(e, rc);                                                            \
			if (wrap_) {                                                                     \
				if (rc == 0 && !(self)->clock_failed) {                                      \
					int c_ = csvc_store_commit((self)->store);                               \
					if (c_ != 0) {                                                           \
						rc = c_;                                                             \
						snap_take(e, rc);                                                    \
					}                                                                        \
				} else {                                                                     \
					csvc_store_rollback((self)->store);                                      \
				}                                                                            \
			}                                                                                \
		}                                                                                    \
		Py_END_ALLOW_THREADS                                                                 \
	} while (0)

/* The usual tail of a Store method: leave, then raise the callback's
 * exception, or the library's error, or return `ok` (stolen). */
static PyObject *finish(StoreObject *self, callctx *cx, int rc, const errsnap *e, PyObject *ok)
{
	if (store_leave(self, cx) < 0) {
		Py_XDECREF(ok);
		return NULL;
	}
	if (rc < 0) {
		Py_XDECREF(ok);
		return raise_snap(e);
	}
	return ok;
}

#define ENTER(self)                                                                          \
	callctx cx_;                                                                             \
	errsnap e_;                                                                              \
	int rc_ = 0;                                                                             \
	if (store_enter(self, &cx_) < 0)                                                         \
		return NULL

#define DONE(self, ok) finish(self, &cx_, rc_, &e_, ok)

/* ------------------------------------------------------------------ */
/* Iterators                                                           */
/* ------------------------------------------------------------------ */

static void iter_free_kind(int kind, void *cit)
{
	if (kind == IT_CUSTOMER)
		csvc_customer_iter_free(cit);
	else if (kind == IT_TICKET)
		csvc_ticket_iter_free(cit);
	else if (kind == IT_SLA)
		csvc_sla_iter_free(cit);
	else if (kind == IT_STAFF)
		csvc_staff_iter_free(cit);
	else
		csvc_ticket_history_free(cit);
}

static void iter_free_c(IterObject *it)
{
	if (it->it != NULL) {
		iter_free_kind(it->kind, it->it);
		it->it = NULL;
	}
	if (it->store != NULL && (it->prev != NULL || it->store->iters == it)) {
		if (it->prev)
			it->prev->next = it->next;
		else
			it->store->iters = it->next;
		if (it->next)
			it->next->prev = it->prev;
	}
	it->prev = it->next = NULL;
}

static void invalidate_iters(StoreObject *s)
{
	while (s->iters != NULL) {
		IterObject *it = s->iters;
		iter_free_c(it);
		it->invalidated = 1;
	}
}

static PyObject *iter_wrap(StoreObject *s, int kind, void *cit)
{
	IterObject *it = PyObject_GC_New(IterObject, &IterType);
	if (it == NULL) {
		iter_free_kind(kind, cit);
		return NULL;
	}
	it->store = (StoreObject *)Py_NewRef((PyObject *)s);
	it->kind = kind;
	it->it = cit;
	it->invalidated = 0;
	it->prev = NULL;
	it->next = s->iters;
	if (s->iters)
		s->iters->prev = it;
	s->iters = it;
	PyObject_GC_Track(it);
	return (PyObject *)it;
}

static void iter_close_locked(IterObject *self)
{
	if (self->it == NULL || self->store == NULL)
		return;
	lock_acquire(self->store);
	iter_free_c(self);
	lock_release(self->store);
}

static PyObject *Iter_next(IterObject *self)
{
	void *rec = NULL;
	PyObject *out = NULL;
	StoreObject *s = self->store;
	if (self->it == NULL) {
		if (self->invalidated)
			return raise_closed("the store was closed while this iterator was open");
		return NULL; /* exhausted or closed: StopIteration */
	}
	ENTER(s);
	if (self->it == NULL) { /* exhausted or closed by another thread meanwhile */
		if (store_leave(s, &cx_) < 0)
			return NULL;
		if (self->invalidated)
			return raise_closed("the store was closed while this iterator was open");
		return NULL;
	}
	if (self->kind == IT_CUSTOMER)
		CALL(s, 0, rc_, &e_, csvc_customer_iter_next(self->it, (csvc_customer **)&rec));
	else if (self->kind == IT_TICKET)
		CALL(s, 0, rc_, &e_, csvc_ticket_iter_next(self->it, (csvc_ticket **)&rec));
	else if (self->kind == IT_SLA)
		CALL(s, 0, rc_, &e_, csvc_sla_iter_next(self->it, (csvc_sla_target **)&rec));
	else if (self->kind == IT_STAFF)
		CALL(s, 0, rc_, &e_, csvc_staff_iter_next(self->it, (csvc_staff **)&rec));
	else
		CALL(s, 0, rc_, &e_, csvc_ticket_history_next(self->it, (csvc_event **)&rec));
	if (rc_ == CSVC_ITEROVER) {
		iter_free_c(self);
		rc_ = 0;
	} else if (rc_ == CSVC_OK) {
		if (self->kind == IT_CUSTOMER)
			out = customer_wrap(rec);
		else if (self->kind == IT_TICKET)
			out = ticket_wrap(rec);
		else if (self->kind == IT_STAFF)
			out = staff_wrap(rec);
		else if (self->kind == IT_SLA) {
			out = sla_target_out(rec);
			csvc_sla_target_free(rec);
		} else {
			out = event_out(rec);
			csvc_event_free(rec);
		}
		if (out == NULL) {
			store_leave(s, &cx_);
			return NULL;
		}
	}
	return DONE(s, out);
}

static PyObject *Iter_close(IterObject *self, PyObject *unused)
{
	(void)unused;
	iter_close_locked(self);
	Py_RETURN_NONE;
}

static PyObject *Iter_enter(IterObject *self, PyObject *unused)
{
	(void)unused;
	return Py_NewRef((PyObject *)self);
}

static PyObject *Iter_exit(IterObject *self, PyObject *args)
{
	(void)args;
	iter_close_locked(self);
	Py_RETURN_FALSE;
}

static int Iter_traverse(IterObject *self, visitproc visit, void *arg)
{
	Py_VISIT(self->store);
	return 0;
}

static int Iter_clear(IterObject *self)
{
	iter_close_locked(self);
	Py_CLEAR(self->store);
	return 0;
}

static void Iter_dealloc(IterObject *self)
{
	PyObject_GC_UnTrack(self);
	iter_close_locked(self);
	Py_CLEAR(self->store);
	PyObject_GC_Del(self);
}

static PyObject *Iter_get_closed(IterObject *self, void *cl)
{
	(void)cl;
	return PyBool_FromLong(self->it == NULL);
}

static PyMethodDef Iter_methods[] = {
	{"close", (PyCFunction)Iter_close, METH_NOARGS,
	 "close($self, /)\n--\n\nReleases the iterator's statement now (also done at the end and when collected)."},
	{"__enter__", (PyCFunction)Iter_enter, METH_NOARGS, "Returns the iterator."},
	{"__exit__", (PyCFunction)Iter_exit, METH_VARARGS, "Closes the iterator."},
	{NULL, NULL, 0, NULL},
};

static PyGetSetDef Iter_getset[] = {
	{"closed", (getter)Iter_get_closed, NULL, "True once exhausted, closed or invalidated.", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject IterType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc.StoreIterator",
	.tp_basicsize = sizeof(IterObject),
	.tp_dealloc = (destructor)Iter_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
	.tp_doc = PyDoc_STR("A lazy iterator over query results or a ticket's history.\n\n"
	                    "It keeps its Store alive. Closing the store invalidates it: the next\n"
	                    "call of next() raises StoreClosed. Use it as a context manager, or\n"
	                    "call close(), to release it before it is exhausted."),
	.tp_traverse = (traverseproc)Iter_traverse,
	.tp_clear = (inquiry)Iter_clear,
	.tp_iter = PyObject_SelfIter,
	.tp_iternext = (iternextfunc)Iter_next,
	.tp_methods = Iter_methods,
	.tp_getset = Iter_getset,
};

/* ------------------------------------------------------------------ */
/* Store: life cycle                                                   */
/* ------------------------------------------------------------------ */

static PyObject *Store_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	StoreObject *self;
	(void)args;
	(void)kwargs;
	self = (StoreObject *)type->tp_alloc(type, 0);
	if (self == NULL)
		return NULL;
	self->lock = PyThread_allocate_lock();
	if (self->lock == NULL) {
		Py_DECREF(self);
		return PyErr_NoMemory();
	}
	return (PyObject *)self;
}

static int Store_init(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"path", "clock", "busy_timeout_ms", "durability", "readonly", "create",
	                     "secure_delete", "default_country_code", "log", "log_level", "zoneinfo_dir",
	                     "pg_schema", "access_control", NULL};
	PyObject *path = NULL, *clock = Py_None, *log = Py_None, *zdir = Py_None, *zdirb = NULL;
	int busy = 0, readonly = 0, create = 1, secure = 1, access = 0;
	int32_t durability = 0, log_level = 0;
	const char *cc = NULL, *pg_schema = NULL;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	csvc_store *st = NULL;
	errsnap e;
	int rc;
	pending_t p;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&|O$iO&pppzOO&Ozp:Store", kw,
	                                 PyUnicode_FSConverter, &path, &clock, &busy, conv_int32,
	                                 &durability, &readonly, &create, &secure, &cc, &log, conv_int32,
	                                 &log_level, &zdir, &pg_schema, &access))
		return -1;
	if (self->store != NULL) {
		Py_DECREF(path);
		PyErr_SetString(PyExc_RuntimeError, "the store is already open");
		return -1;
	}
	if ((clock != Py_None && !PyCallable_Check(clock)) || (log != Py_None && !PyCallable_Check(log))) {
		Py_DECREF(path);
		PyErr_SetString(PyExc_TypeError, "clock and log must be callables or None");
		return -1;
	}
	if (fspath_in(zdir, &zdirb)) {
		Py_DECREF(path);
		return -1;
	}
	Py_XSETREF(self->zoneinfo_dir, zdirb);
	Py_XSETREF(self->clock, clock == Py_None ? NULL : Py_NewRef(clock));
	Py_XSETREF(self->log, log == Py_None ? NULL : Py_NewRef(log));
	Py_XSETREF(self->path, PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(path)));
	o.busy_timeout_ms = busy;
	o.durability = durability;
	o.flags = (readonly ? CSVC_OPEN_READONLY : 0) | (create ? 0 : CSVC_OPEN_NOCREATE) |
	          (secure ? 0 : CSVC_OPEN_NO_SECURE_DELETE) | (access ? CSVC_OPEN_ACCESS_CONTROL : 0);
	o.default_country_code = cc;
	o.pg_schema = pg_schema;
	o.log_level = log_level;
	o.zoneinfo_dir = self->zoneinfo_dir ? PyBytes_AS_STRING(self->zoneinfo_dir) : NULL;
	if (self->clock) {
		o.clock = clock_trampoline;
		o.clock_userdata = self;
	}
	o.log = log_trampoline;
	o.log_userdata = self;

	/* Nobody else can see this object yet, but callbacks use the lock's
	 * owner to refuse re-entry: take it. */
	lock_acquire(self);
	Py_BEGIN_ALLOW_THREADS
	rc = csvc_store_open(&st, PyBytes_AS_STRING(path), &o);
	if (rc != CSVC_OK)
		snap_take(&e, rc);
	Py_END_ALLOW_THREADS
	self->store = st;
	p = self->pending;
	memset(&self->pending, 0, sizeof(self->pending));
	self->clock_failed = 0;
	lock_release(self);
	Py_DECREF(path);
	if (p.value != NULL) {
		/* A log handler raised during the open: report it, and do not
		 * hand out a half-wanted store. */
		if (self->store != NULL) {
			self->store = NULL;
			csvc_store_close(st);
		}
		PyErr_Restore(p.type, p.value, p.tb);
		return -1;
	}
	if (rc != CSVC_OK) {
		raise_snap(&e);
		return -1;
	}
	return 0;
}

/* Drops every subscriber's callback (the library no longer holds them:
 * the store is closed). */
static void subs_release(StoreObject *self)
{
	for (int i = 0; i < SUB_SLOTS; i++) {
		self->subs[i].used = 0;
		Py_CLEAR(self->subs[i].callback);
	}
}

/* Closes the C store (freed in every case); returns what
 * csvc_store_close reported, its error record copied into `e`. */
static int close_store(StoreObject *self, int release_gil, errsnap *e)
{
	csvc_store *st = self->store;
	int rc;
	invalidate_iters(self);
	self->store = NULL;
	if (release_gil) {
		Py_BEGIN_ALLOW_THREADS
		rc = csvc_store_close(st);
		snap_take(e, rc);
		Py_END_ALLOW_THREADS
	} else {
		rc = csvc_store_close(st);
		snap_take(e, rc);
	}
	subs_release(self);
	return rc;
}

static PyObject *Store_close(StoreObject *self, PyObject *unused)
{
	pending_t p;
	errsnap e;
	int rc = CSVC_OK;
	(void)unused;
	if (self->depth > 0 && self->owner == PyThread_get_thread_ident())
		return raise_code(CSVC_ESTATE, "a store cannot be closed from inside its own callback", NULL, 0, NULL);
	if (self->store == NULL)
		Py_RETURN_NONE;
	lock_acquire(self);
	if (self->store != NULL)
		rc = close_store(self, 1, &e);
	p = self->pending;
	memset(&self->pending, 0, sizeof(self->pending));
	lock_release(self);
	if (p.value != NULL) {
		PyErr_Restore(p.type, p.value, p.tb);
		return NULL;
	}
	if (rc != CSVC_OK)
		return raise_snap(&e); /* closed all the same */
	Py_RETURN_NONE;
}

static int Store_traverse(StoreObject *self, visitproc visit, void *arg)
{
	Py_VISIT(self->clock);
	Py_VISIT(self->log);
	Py_VISIT(self->hook);
	for (int i = 0; i < SUB_SLOTS; i++)
		Py_VISIT(self->subs[i].callback);
	return 0;
}

static int Store_clear(StoreObject *self)
{
	Py_CLEAR(self->clock);
	Py_CLEAR(self->log);
	Py_CLEAR(self->hook);
	/* The library may still hold the slots (until the store closes): the
	 * trampolines treat a cleared callback as one that handles nothing. */
	for (int i = 0; i < SUB_SLOTS; i++)
		Py_CLEAR(self->subs[i].callback);
	return 0;
}

static void Store_dealloc(StoreObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);
	PyObject_GC_UnTrack(self);
	if (self->store != NULL) {
		/* Nobody else holds a reference, so nobody holds the lock. */
		self->owner = PyThread_get_thread_ident();
		errsnap e;
		self->depth = 1;
		close_store(self, 0, &e); /* a rollback here has no one to tell */
		self->depth = 0;
		if (self->pending.value != NULL) {
			PyErr_Restore(self->pending.type, self->pending.value, self->pending.tb);
			memset(&self->pending, 0, sizeof(self->pending));
			PyErr_WriteUnraisable((PyObject *)self);
		}
	}
	Store_clear(self);
	Py_CLEAR(self->path);
	Py_CLEAR(self->zoneinfo_dir);
	if (self->lock)
		PyThread_free_lock(self->lock);
	/* For a Python subclass, subtype_dealloc drops the type reference. */
	tp->tp_free((PyObject *)self);
}

static PyObject *Store_get_closed(StoreObject *self, void *cl)
{
	(void)cl;
	return PyBool_FromLong(self->store == NULL);
}

static PyObject *Store_get_path(StoreObject *self, void *cl)
{
	(void)cl;
	return Py_NewRef(self->path ? self->path : Py_None);
}

static PyObject *Store_get_zoneinfo_dir(StoreObject *self, void *cl)
{
	(void)cl;
	if (self->zoneinfo_dir == NULL)
		Py_RETURN_NONE;
	return PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(self->zoneinfo_dir));
}

static PyObject *Store_get_clock(StoreObject *self, void *cl)
{
	(void)cl;
	return Py_NewRef(self->clock ? self->clock : Py_None);
}

static PyObject *Store_get_log(StoreObject *self, void *cl)
{
	(void)cl;
	return Py_NewRef(self->log ? self->log : Py_None);
}

static PyObject *Store_get_change_hook(StoreObject *self, void *cl)
{
	(void)cl;
	return Py_NewRef(self->hook ? self->hook : Py_None);
}

static int Store_set_change_hook(StoreObject *self, PyObject *v, void *cl)
{
	callctx cx;
	int rc;
	(void)cl;
	if (v == NULL)
		v = Py_None;
	if (v != Py_None && !PyCallable_Check(v)) {
		PyErr_SetString(PyExc_TypeError, "change_hook must be a callable or None");
		return -1;
	}
	if (store_enter(self, &cx) < 0)
		return -1;
	Py_XSETREF(self->hook, v == Py_None ? NULL : Py_NewRef(v));
	rc = csvc_store_set_change_hook(self->store, self->hook ? hook_trampoline : NULL, self);
	if (store_leave(self, &cx) < 0)
		return -1;
	return check_rc(rc);
}

static PyObject *Store_get_tx_depth(StoreObject *self, void *cl)
{
	int d;
	(void)cl;
	ENTER(self);
	d = csvc_store_tx_depth(self->store);
	return DONE(self, PyLong_FromLong(d));
}

static PyObject *Store_get_schema_version(StoreObject *self, void *cl)
{
	int32_t v = 0;
	(void)cl;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_store_schema_version(self->store, &v));
	return DONE(self, PyLong_FromLong(v));
}

static PyObject *Store_get_access_control(StoreObject *self, void *cl)
{
	int on;
	(void)cl;
	ENTER(self);
	on = csvc_store_access_control(self->store);
	return DONE(self, PyBool_FromLong(on));
}

static PyObject *Store_get_principal(StoreObject *self, void *cl)
{
	(void)cl;
	ENTER(self);
	/* Borrowed from the store: copied while the lock is held. */
	PyObject *code = str_out(csvc_store_principal(self->store));
	if (code == NULL) {
		store_leave(self, &cx_);
		return NULL;
	}
	return DONE(self, code);
}

static PyObject *Store_now(StoreObject *self, PyObject *unused)
{
	csvc_time_us t;
	(void)unused;
	ENTER(self);
	t = csvc_store_now(self->store);
	return DONE(self, instant_out(t)); /* 0 is 1970-01-01, not "not set" */
}

#define SIMPLE(name, write, fn)                                                              \
	static PyObject *Store_##name(StoreObject *self, PyObject *unused)                       \
	{                                                                                        \
		(void)unused;                                                                        \
		ENTER(self);                                                                         \
		CALL(self, write, rc_, &e_, fn(self->store));                                        \
		return DONE(self, Py_NewRef(Py_None));                                               \
	}
SIMPLE(begin, 2, csvc_store_begin)
SIMPLE(commit, 2, csvc_store_commit)
SIMPLE(rollback, 2, csvc_store_rollback)
SIMPLE(install_defaults, 1, csvc_store_install_defaults)
SIMPLE(install_sla_defaults, 1, csvc_sla_install_defaults)
SIMPLE(install_survey_defaults, 1, csvc_survey_install_defaults)
SIMPLE(install_team_defaults, 1, csvc_team_install_defaults)
SIMPLE(install_role_defaults, 1, csvc_role_install_defaults)
SIMPLE(install_route_defaults, 1, csvc_route_install_defaults)
SIMPLE(install_queue_defaults, 1, csvc_queue_install_defaults)
/* Refused inside a transaction, so never wrapped in one for a Python clock. */
SIMPLE(scrub_customers, 2, csvc_customer_scrub)
SIMPLE(checkpoint, 2, csvc_store_checkpoint)

/* Refused inside a transaction, so never wrapped in one for a Python clock. */
static PyObject *Store_backup(StoreObject *self, PyObject *arg)
{
	PyObject *path = NULL;
	if (!PyUnicode_FSConverter(arg, &path))
		return NULL;
	ENTER(self);
	CALL(self, 2, rc_, &e_, csvc_store_backup(self->store, PyBytes_AS_STRING(path)));
	Py_DECREF(path);
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_scrub_pending(StoreObject *self, PyObject *unused)
{
	csvc_time_us since = 0;
	(void)unused;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_customer_scrub_pending(self->store, &since));
	return DONE(self, rc_ == CSVC_OK ? time_out(since) : NULL);
}

static PyObject *Store_lock(StoreObject *self, PyObject *unused)
{
	(void)unused;
	if (self->store == NULL)
		return raise_closed("the store is closed");
	lock_acquire(self);
	Py_RETURN_NONE;
}

static PyObject *Store_unlock(StoreObject *self, PyObject *unused)
{
	(void)unused;
	if (self->depth == 0 || self->owner != PyThread_get_thread_ident()) {
		PyErr_SetString(PyExc_RuntimeError, "the store lock is not held by this thread");
		return NULL;
	}
	lock_release(self);
	Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ */
/* Store: customers                                                    */
/* ------------------------------------------------------------------ */

/* create_customer and update_customer: the same call shape, one body. */
static PyObject *store_write_customer(StoreObject *self, PyObject *args, PyObject *kwargs, const char *fmt,
                                    int (*fn)(csvc_store *, csvc_customer *, const char *))
{
	static char *kw[] = {"customer", "actor", NULL};
	PyObject *c;
	const char *actor = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, kw, &CustomerType, &c, &actor))
		return NULL;
	csvc_customer *backup = NULL;
	ENTER(self);
	/* With a Python clock the call may be undone: keep the record as it was. */
	if (self->clock != NULL && (rc_ = csvc_customer_dup(((CustomerObject *)c)->c, &backup)) != CSVC_OK)
		snap_take(&e_, rc_);
	else
		CALL(self, 1, rc_, &e_, fn(self->store, ((CustomerObject *)c)->c, actor));
	if (backup != NULL) {
		if (self->clock_failed) {
			csvc_customer *changed = ((CustomerObject *)c)->c;
			((CustomerObject *)c)->c = backup;
			backup = changed;
		}
		csvc_customer_free(backup);
	}
	return DONE(self, Py_NewRef(c));
}

static PyObject *Store_create_customer(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_customer(self, args, kwargs, "O!|z:create_customer", csvc_customer_create);
}

static PyObject *Store_update_customer(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_customer(self, args, kwargs, "O!|z:update_customer", csvc_customer_update);
}

static PyObject *customer_result(StoreObject *self, callctx *cx, int rc, errsnap *e, csvc_customer *c)
{
	if (rc != CSVC_OK) {
		csvc_customer_free(c);
		c = NULL;
	}
	return finish(self, cx, rc, e, c ? customer_wrap(c) : NULL);
}

static PyObject *Store_get_customer(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", NULL};
	csvc_uuid id;
	csvc_customer *c = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:get_customer", kw, conv_uuid, &id))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_customer_get(self->store, &id, &c));
	return customer_result(self, &cx_, rc_, &e_, c);
}

static PyObject *Store_find_customer_by_phone(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"phone", NULL};
	const char *v;
	csvc_customer *c = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:find_customer_by_phone", kw, &v))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_customer_find_by_phone(self->store, v, &c));
	return customer_result(self, &cx_, rc_, &e_, c);
}

static PyObject *Store_find_customer_by_email(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"email", NULL};
	const char *v;
	csvc_customer *c = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:find_customer_by_email", kw, &v))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_customer_find_by_email(self->store, v, &c));
	return customer_result(self, &cx_, rc_, &e_, c);
}

static PyObject *Store_find_customer_by_external_id(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"kind", "value", NULL};
	const char *k, *v;
	csvc_customer *c = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ss:find_customer_by_external_id", kw, &k, &v))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_customer_find_by_external_id(self->store, k, v, &c));
	return customer_result(self, &cx_, rc_, &e_, c);
}

static char *customer_query_kw[] = {"text", "phone", "email", "tag", "home_store", "customer_class",
                                    "tier", "lifecycle", "include_inactive", "created_from",
                                    "created_to", "updated_from", "updated_to", "after", "limit", NULL};

static int parse_customer_query(PyObject *args, PyObject *kwargs, const char *fmt, csvc_customer_query *q)
{
	opt_uuid after = {0, {{0}}};
	int inactive = 0;
	csvc_customer_query_init(q, CSVC_CUSTOMER_QUERY_VERSION);
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, customer_query_kw, &q->text, &q->phone,
	                                 &q->email, &q->tag, &q->home_store, conv_int32, &q->customer_class,
	                                 conv_int32, &q->tier, conv_int32, &q->lifecycle, &inactive, conv_time,
	                                 &q->created_from, conv_time, &q->created_to, conv_time,
	                                 &q->updated_from, conv_time, &q->updated_to, conv_opt_uuid, &after,
	                                 conv_limit, &q->limit))
		return -1;
	q->include_inactive = inactive;
	q->after = after.id;
	return 0;
}

static PyObject *Store_customers(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	csvc_customer_query q;
	csvc_customer_iter *it = NULL;
	if (parse_customer_query(args, kwargs, "|$zzzzzO&O&O&pO&O&O&O&O&O&:customers", &q))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_customer_iter_new(self->store, &q, &it));
	return DONE(self, rc_ == CSVC_OK ? iter_wrap(self, IT_CUSTOMER, it) : NULL);
}

static PyObject *Store_count_customers(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	csvc_customer_query q;
	int64_t n = 0;
	if (parse_customer_query(args, kwargs, "|$zzzzzO&O&O&pO&O&O&O&O&O&:count_customers", &q))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_customer_count(self->store, &q, &n));
	return DONE(self, PyLong_FromLongLong(n));
}

static PyObject *merge_report_out(const csvc_merge_report *r)
{
	size_t n = csvc_merge_report_count(r);
	PyObject *l = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; l != NULL && i < n; i++) {
		const char *f = NULL, *k = NULL, *kept = NULL, *abs = NULL;
		PyObject *a[4], *c = NULL;
		csvc_merge_report_at(r, i, &f, &k, &kept, &abs);
		a[0] = str_out(f);
		a[1] = str_out(k);
		a[2] = str_out(kept);
		a[3] = str_out(abs);
		if (a[0] && a[1] && a[2] && a[3])
			c = PyObject_Vectorcall(g_conflict_type, a, 4, NULL);
		for (int j = 0; j < 4; j++)
			Py_XDECREF(a[j]);
		if (c == NULL) {
			Py_CLEAR(l);
			break;
		}
		PyList_SET_ITEM(l, (Py_ssize_t)i, c);
	}
	return l;
}

static PyObject *Store_merge_customers(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"keep", "absorb", "actor", NULL};
	csvc_uuid keep, absorb;
	const char *actor = NULL;
	csvc_merge_report *r = NULL;
	PyObject *out = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&|z:merge_customers", kw, conv_uuid, &keep,
	                                 conv_uuid, &absorb, &actor))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_customer_merge(self->store, &keep, &absorb, actor, &r));
	if (rc_ == CSVC_OK) {
		out = merge_report_out(r);
		if (out == NULL) {
			csvc_merge_report_free(r);
			store_leave(self, &cx_);
			return NULL;
		}
	}
	csvc_merge_report_free(r);
	return DONE(self, out);
}

static PyObject *Store_erase_customer(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", "actor", NULL};
	csvc_uuid id;
	const char *actor = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&|z:erase_customer", kw, conv_uuid, &id, &actor))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_customer_erase(self->store, &id, actor));
	return DONE(self, Py_NewRef(Py_None));
}

/* ------------------------------------------------------------------ */
/* Store: staff and teams                                              */
/* ------------------------------------------------------------------ */

/* create_staff and update_staff: the same call shape, one body. */
static PyObject *store_write_staff(StoreObject *self, PyObject *args, PyObject *kwargs, const char *fmt,
                                   int (*fn)(csvc_store *, csvc_staff *, const char *))
{
	static char *kw[] = {"staff", "actor", NULL};
	PyObject *o;
	const char *actor = NULL;
	csvc_staff *backup = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, kw, &StaffType, &o, &actor) ||
	    staff_ready((StaffObject *)o))
		return NULL;
	StaffObject *so = (StaffObject *)o;
	ENTER(self);
	/* With a Python clock the call may be undone: keep the record as it was. */
	if (self->clock != NULL)
		CALL(self, 0, rc_, &e_, staff_backup(self->store, so->st, &backup));
	if (rc_ == CSVC_OK)
		CALL(self, 1, rc_, &e_, fn(self->store, so->st, actor));
	if (backup != NULL) {
		if (self->clock_failed) {
			csvc_staff *changed = so->st;
			so->st = backup;
			backup = changed;
		}
		csvc_staff_free(backup);
	}
	return DONE(self, Py_NewRef(o));
}

static PyObject *Store_create_staff(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_staff(self, args, kwargs, "O!|z:create_staff", csvc_staff_create);
}

static PyObject *Store_update_staff(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_staff(self, args, kwargs, "O!|z:update_staff", csvc_staff_update);
}

static PyObject *staff_result(StoreObject *self, callctx *cx, int rc, errsnap *e, csvc_staff *st)
{
	if (rc != CSVC_OK) {
		csvc_staff_free(st);
		st = NULL;
	}
	return finish(self, cx, rc, e, st ? staff_wrap(st) : NULL);
}

static PyObject *Store_get_staff(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", NULL};
	const char *code;
	csvc_staff *st = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:get_staff", kw, &code))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_staff_get(self->store, code, &st));
	return staff_result(self, &cx_, rc_, &e_, st);
}

static PyObject *Store_get_staff_by_id(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", NULL};
	csvc_uuid id;
	csvc_staff *st = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:get_staff_by_id", kw, conv_uuid, &id))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_staff_get_by_id(self->store, &id, &st));
	return staff_result(self, &cx_, rc_, &e_, st);
}

static int conv_status(PyObject *o, void *out)
{
	return named_in(o, &STAFF_STATUSES, out) == 0;
}

static PyObject *Store_staff(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"team", "home_store", "skill", "status", "after", "limit", NULL};
	csvc_staff_query q;
	opt_uuid after = {0, {{0}}};
	PyObject *skill = Py_None;
	csvc_staff_iter *it = NULL;
	csvc_staff_query_init(&q, CSVC_STAFF_QUERY_VERSION);
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$zzOO&O&O&:staff", kw, &q.team, &q.home_store, &skill,
	                                 conv_status, &q.status, conv_opt_uuid, &after, conv_limit, &q.limit))
		return NULL;
	if (skill != Py_None && skill_in(skill, &q.skill_kind, &q.skill_value))
		return NULL;
	q.after = after.id;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_staff_iter_new(self->store, &q, &it));
	return DONE(self, rc_ == CSVC_OK ? iter_wrap(self, IT_STAFF, it) : NULL);
}

static PyObject *store_write_team(StoreObject *self, PyObject *args, PyObject *kwargs, const char *fmt,
                                  int (*fn)(csvc_store *, csvc_team *, const char *))
{
	static char *kw[] = {"team", "actor", NULL};
	PyObject *o;
	const char *actor = NULL;
	csvc_team *backup = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, kw, &TeamType, &o, &actor) || team_ready((TeamObject *)o))
		return NULL;
	TeamObject *to = (TeamObject *)o;
	ENTER(self);
	if (self->clock != NULL)
		CALL(self, 0, rc_, &e_, team_backup(self->store, to->team, &backup));
	if (rc_ == CSVC_OK)
		CALL(self, 1, rc_, &e_, fn(self->store, to->team, actor));
	if (backup != NULL) {
		if (self->clock_failed) {
			csvc_team *changed = to->team;
			to->team = backup;
			backup = changed;
		}
		csvc_team_free(backup);
	}
	return DONE(self, Py_NewRef(o));
}

static PyObject *Store_create_team(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_team(self, args, kwargs, "O!|z:create_team", csvc_team_create);
}

static PyObject *Store_update_team(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_team(self, args, kwargs, "O!|z:update_team", csvc_team_update);
}

static PyObject *Store_get_team(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", NULL};
	const char *code;
	csvc_team *team = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:get_team", kw, &code))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_team_get(self->store, code, &team));
	if (rc_ != CSVC_OK) {
		csvc_team_free(team);
		team = NULL;
	}
	return DONE(self, team ? team_wrap(team) : NULL);
}

static int conv_team_kind(PyObject *o, void *out)
{
	return named_in(o, &TEAM_KINDS, out) == 0;
}

static PyObject *Store_teams(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"kind", NULL};
	int32_t kind = 0;
	csvc_team **teams = NULL;
	size_t n = 0;
	PyObject *l = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O&:teams", kw, conv_team_kind, &kind))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_team_list(self->store, (csvc_team_kind_t)kind, &teams, &n));
	if (rc_ == CSVC_OK) {
		l = PyList_New((Py_ssize_t)n);
		for (size_t i = 0; l != NULL && i < n; i++) {
			PyObject *t = team_wrap(teams[i]); /* takes the team, even on failure */
			teams[i] = NULL;
			if (t == NULL)
				Py_CLEAR(l);
			else
				PyList_SET_ITEM(l, (Py_ssize_t)i, t);
		}
		csvc_team_list_free(teams, n);
		if (l == NULL) {
			store_leave(self, &cx_);
			return NULL;
		}
	}
	return DONE(self, l);
}

static PyObject *Store_team_members(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", NULL};
	const char *code;
	csvc_staff_iter *it = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:team_members", kw, &code))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_team_members(self->store, code, &it));
	return DONE(self, rc_ == CSVC_OK ? iter_wrap(self, IT_STAFF, it) : NULL);
}

/* ------------------------------------------------------------------ */
/* Store: roles and the principal                                      */
/* ------------------------------------------------------------------ */

static PyObject *store_write_role(StoreObject *self, PyObject *args, PyObject *kwargs, const char *fmt,
                                  int (*fn)(csvc_store *, csvc_role *, const char *))
{
	static char *kw[] = {"role", "actor", NULL};
	PyObject *o;
	const char *actor = NULL;
	csvc_role *backup = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, kw, &RoleType, &o, &actor) || role_ready((RoleObject *)o))
		return NULL;
	RoleObject *ro = (RoleObject *)o;
	ENTER(self);
	if (self->clock != NULL)
		CALL(self, 0, rc_, &e_, role_backup(self->store, ro->role, &backup));
	if (rc_ == CSVC_OK)
		CALL(self, 1, rc_, &e_, fn(self->store, ro->role, actor));
	if (backup != NULL) {
		if (self->clock_failed) {
			csvc_role *changed = ro->role;
			ro->role = backup;
			backup = changed;
		}
		csvc_role_free(backup);
	}
	return DONE(self, Py_NewRef(o));
}

static PyObject *Store_create_role(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_role(self, args, kwargs, "O!|z:create_role", csvc_role_create);
}

static PyObject *Store_update_role(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_role(self, args, kwargs, "O!|z:update_role", csvc_role_update);
}

static PyObject *Store_get_role(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", NULL};
	const char *code;
	csvc_role *role = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:get_role", kw, &code))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_role_get(self->store, code, &role));
	if (rc_ != CSVC_OK) {
		csvc_role_free(role);
		role = NULL;
	}
	return DONE(self, role ? role_wrap(role) : NULL);
}

static PyObject *Store_roles(StoreObject *self, PyObject *unused)
{
	csvc_role **roles = NULL;
	size_t n = 0;
	PyObject *l = NULL;
	(void)unused;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_role_list(self->store, &roles, &n));
	if (rc_ == CSVC_OK) {
		l = PyList_New((Py_ssize_t)n);
		for (size_t i = 0; l != NULL && i < n; i++) {
			PyObject *r = role_wrap(roles[i]); /* takes the role, even on failure */
			roles[i] = NULL;
			if (r == NULL)
				Py_CLEAR(l);
			else
				PyList_SET_ITEM(l, (Py_ssize_t)i, r);
		}
		csvc_role_list_free(roles, n);
		if (l == NULL) {
			store_leave(self, &cx_);
			return NULL;
		}
	}
	return DONE(self, l);
}

/* ------------------------------------------------------------------ */
/* Store: routing rules                                                */
/* ------------------------------------------------------------------ */

static PyObject *store_write_route(StoreObject *self, PyObject *args, PyObject *kwargs, const char *fmt,
                                   int (*fn)(csvc_store *, csvc_route_rule *, const char *))
{
	static char *kw[] = {"rule", "actor", NULL};
	PyObject *o;
	const char *actor = NULL;
	csvc_route_rule *backup = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, kw, &RouteRuleType, &o, &actor) ||
	    route_ready((RouteRuleObject *)o))
		return NULL;
	RouteRuleObject *ro = (RouteRuleObject *)o;
	ENTER(self);
	if (self->clock != NULL)
		CALL(self, 0, rc_, &e_, route_backup(self->store, ro->rule, &backup));
	if (rc_ == CSVC_OK)
		CALL(self, 1, rc_, &e_, fn(self->store, ro->rule, actor));
	if (backup != NULL) {
		if (self->clock_failed) {
			csvc_route_rule *changed = ro->rule;
			ro->rule = backup;
			backup = changed;
		}
		csvc_route_rule_free(backup);
	}
	return DONE(self, Py_NewRef(o));
}

static PyObject *Store_create_route_rule(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_route(self, args, kwargs, "O!|z:create_route_rule", csvc_route_rule_create);
}

static PyObject *Store_update_route_rule(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_route(self, args, kwargs, "O!|z:update_route_rule", csvc_route_rule_update);
}

static PyObject *Store_get_route_rule(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", NULL};
	const char *code;
	csvc_route_rule *rule = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:get_route_rule", kw, &code))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_route_rule_get(self->store, code, &rule));
	if (rc_ != CSVC_OK) {
		csvc_route_rule_free(rule);
		rule = NULL;
	}
	return DONE(self, rule ? route_wrap(rule) : NULL);
}

static PyObject *Store_route_rules(StoreObject *self, PyObject *unused)
{
	csvc_route_rule **rules = NULL;
	size_t n = 0;
	PyObject *l = NULL;
	(void)unused;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_route_rule_list(self->store, &rules, &n));
	if (rc_ == CSVC_OK) {
		l = PyList_New((Py_ssize_t)n);
		for (size_t i = 0; l != NULL && i < n; i++) {
			PyObject *r = route_wrap(rules[i]); /* takes the rule, even on failure */
			rules[i] = NULL;
			if (r == NULL)
				Py_CLEAR(l);
			else
				PyList_SET_ITEM(l, (Py_ssize_t)i, r);
		}
		csvc_route_rule_list_free(rules, n);
		if (l == NULL) {
			store_leave(self, &cx_);
			return NULL;
		}
	}
	return DONE(self, l);
}

/* ------------------------------------------------------------------ */
/* Store: queues and time worked                                       */
/* ------------------------------------------------------------------ */

static PyObject *store_write_queue(StoreObject *self, PyObject *args, PyObject *kwargs, const char *fmt,
                                   int (*fn)(csvc_store *, csvc_queue *, const char *))
{
	static char *kw[] = {"queue", "actor", NULL};
	PyObject *o;
	const char *actor = NULL;
	csvc_queue *backup = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, kw, &QueueType, &o, &actor) ||
	    queue_ready((QueueObject *)o))
		return NULL;
	QueueObject *qo = (QueueObject *)o;
	ENTER(self);
	if (self->clock != NULL)
		CALL(self, 0, rc_, &e_, queue_backup(self->store, qo->queue, &backup));
	if (rc_ == CSVC_OK)
		CALL(self, 1, rc_, &e_, fn(self->store, qo->queue, actor));
	if (backup != NULL) {
		if (self->clock_failed) {
			csvc_queue *changed = qo->queue;
			qo->queue = backup;
			backup = changed;
		}
		csvc_queue_free(backup);
	}
	return DONE(self, Py_NewRef(o));
}

static PyObject *Store_create_queue(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_queue(self, args, kwargs, "O!|z:create_queue", csvc_queue_create);
}

static PyObject *Store_update_queue(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_queue(self, args, kwargs, "O!|z:update_queue", csvc_queue_update);
}

static PyObject *Store_get_queue(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", NULL};
	const char *code;
	csvc_queue *q = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:get_queue", kw, &code))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_queue_get(self->store, code, &q));
	if (rc_ != CSVC_OK) {
		csvc_queue_free(q);
		q = NULL;
	}
	return DONE(self, q ? queue_wrap(q) : NULL);
}

static PyObject *Store_queues(StoreObject *self, PyObject *unused)
{
	csvc_queue **queues = NULL;
	size_t n = 0;
	PyObject *l = NULL;
	(void)unused;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_queue_list(self->store, &queues, &n));
	if (rc_ == CSVC_OK) {
		l = PyList_New((Py_ssize_t)n);
		for (size_t i = 0; l != NULL && i < n; i++) {
			PyObject *q = queue_wrap(queues[i]); /* takes the queue, even on failure */
			queues[i] = NULL;
			if (q == NULL)
				Py_CLEAR(l);
			else
				PyList_SET_ITEM(l, (Py_ssize_t)i, q);
		}
		csvc_queue_list_free(queues, n);
		if (l == NULL) {
			store_leave(self, &cx_);
			return NULL;
		}
	}
	return DONE(self, l);
}

static PyObject *Store_open_queue(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", "for_staff", NULL};
	const char *code, *for_staff = NULL;
	csvc_ticket_iter *it = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|z:open_queue", kw, &code, &for_staff))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_queue_iter_new(self->store, code, for_staff, &it));
	return DONE(self, rc_ == CSVC_OK ? iter_wrap(self, IT_TICKET, it) : NULL);
}

static PyObject *Store_count_queue(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", "for_staff", NULL};
	const char *code, *for_staff = NULL;
	int64_t n = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|z:count_queue", kw, &code, &for_staff))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_queue_count(self->store, code, for_staff, &n));
	return DONE(self, PyLong_FromLongLong(n));
}

static PyObject *Store_log_work(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"ticket", "staff", "duration", "start", "end", "kind", "note", "actor", NULL};
	csvc_uuid id;
	csvc_work_entry e = CSVC_WORK_ENTRY_INIT;
	const char *actor = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&s|$O&O&O&zzz:log_work", kw, conv_uuid, &id, &e.staff,
	                                 conv_duration, &e.duration_us, conv_time, &e.started_at, conv_time,
	                                 &e.ended_at, &e.kind, &e.note, &actor))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_ticket_log_work(self->store, &id, &e, actor));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_ticket_work(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"ticket", NULL};
	csvc_uuid id;
	csvc_worklog *log = NULL;
	PyObject *l = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:ticket_work", kw, conv_uuid, &id))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_ticket_work(self->store, &id, &log));
	if (rc_ == CSVC_OK) {
		size_t n = csvc_worklog_count(log);
		l = PyList_New((Py_ssize_t)n);
		for (size_t i = 0; l != NULL && i < n; i++) {
			csvc_work_entry w = CSVC_WORK_ENTRY_INIT;
			csvc_worklog_at(log, i, &w);
			PyObject *d = Py_BuildValue("{s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N}", "staff", str_out(w.staff), "start",
			                            time_out(w.started_at), "end", time_out(w.ended_at), "duration",
			                            duration_out(w.duration_us), "kind", str_out(w.kind), "note",
			                            str_out(w.note), "actor", str_out(w.actor), "recorded_at",
			                            time_out(w.recorded_at));
			if (d == NULL)
				Py_CLEAR(l);
			else
				PyList_SET_ITEM(l, (Py_ssize_t)i, d);
		}
		csvc_worklog_free(log);
		if (l == NULL) {
			store_leave(self, &cx_);
			return NULL;
		}
	}
	return DONE(self, l);
}

static PyObject *Store_work_total(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"ticket", "staff", "store_code", "kind", "start", "end", NULL};
	opt_uuid ticket = {0, {{0}}};
	csvc_work_query q = CSVC_WORK_QUERY_INIT;
	int64_t total = 0, entries = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$O&zzzO&O&:work_total", kw, conv_opt_uuid, &ticket, &q.staff,
	                                 &q.store_code, &q.kind, conv_time, &q.from, conv_time, &q.to))
		return NULL;
	q.ticket = ticket.set ? &ticket.id : NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_work_total(self->store, &q, &total, &entries));
	return DONE(self, rc_ == CSVC_OK ? Py_BuildValue("(NL)", duration_out(total), (long long)entries) : NULL);
}

static PyObject *Store_set_principal(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"code", NULL};
	const char *code;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "z:set_principal", kw, &code))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_store_set_principal(self->store, code));
	return DONE(self, Py_NewRef(Py_None));
}

/* Staff references (staff.h): the stored setting and adopting free text. */
static PyObject *Store_staff_references(StoreObject *self, PyObject *unused)
{
	(void)unused;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_staff_references(self->store));
	return DONE(self, PyBool_FromLong(rc_ > 0));
}

static PyObject *Store_set_staff_references(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"on", "actor", NULL};
	int on;
	const char *actor = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "p|z:set_staff_references", kw, &on, &actor))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_staff_set_references(self->store, on, actor));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_adopt_staff(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"actor", NULL};
	const char *actor = NULL;
	int64_t ns = 0, nt = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|z:adopt_staff", kw, &actor))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_staff_adopt(self->store, actor, &ns, &nt));
	return DONE(self, Py_BuildValue("(LL)", (long long)ns, (long long)nt));
}

static PyObject *Store_allows(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"permission", NULL};
	int32_t perm;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:allows", kw, conv_permission, &perm))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_store_allows(self->store, (csvc_permission_t)perm));
	return DONE(self, PyBool_FromLong(rc_ > 0));
}

/* ------------------------------------------------------------------ */
/* Store: workflows, kinds, channels, priority matrix                  */
/* ------------------------------------------------------------------ */

static PyObject *Store_save_workflow(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"workflow", NULL};
	PyObject *wf;
	int32_t version = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!:save_workflow", kw, &WorkflowType, &wf))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_workflow_save(self->store, ((WorkflowObject *)wf)->wf, &version));
	return DONE(self, PyLong_FromLong(version));
}

static PyObject *Store_load_workflow(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "version", NULL};
	const char *name;
	int version = 0;
	csvc_workflow *wf = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|i:load_workflow", kw, &name, &version))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_workflow_load(self->store, name, version, &wf));
	if (rc_ != CSVC_OK) {
		csvc_workflow_free(wf);
		wf = NULL;
	}
	return DONE(self, wf ? workflow_wrap(wf) : NULL);
}

static PyObject *Store_define_ticket_kind(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "workflow", "label_zh", "label_en", NULL};
	const char *name, *wf, *zh = NULL, *en = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ss|zz:define_ticket_kind", kw, &name, &wf, &zh, &en))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_ticket_kind_define(self->store, name, wf, zh, en));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_define_channel(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "label_zh", "label_en", NULL};
	const char *name, *zh = NULL, *en = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|zz:define_channel", kw, &name, &zh, &en))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_ticket_channel_define(self->store, name, zh, en));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_set_priority_matrix(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"urgency", "importance", "impact", "priority", NULL};
	int32_t u, i, m, p;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&O&O&:set_priority_matrix", kw, conv_int32, &u,
	                                 conv_int32, &i, conv_int32, &m, conv_int32, &p))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_priority_matrix_set(self->store, u, i, m, p));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_priority_matrix(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"urgency", "importance", "impact", NULL};
	int32_t u, i, m, p = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&O&:priority_matrix", kw, conv_int32, &u,
	                                 conv_int32, &i, conv_int32, &m))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_priority_matrix_get(self->store, u, i, m, &p));
	return DONE(self, enum_out(E_PRIORITY, p));
}

/* ------------------------------------------------------------------ */
/* Store: tickets                                                      */
/* ------------------------------------------------------------------ */

static PyObject *ticket_result(StoreObject *self, callctx *cx, int rc, errsnap *e, csvc_ticket *t)
{
	if (rc != CSVC_OK) {
		csvc_ticket_free(t);
		t = NULL;
	}
	return finish(self, cx, rc, e, t ? ticket_wrap(t) : NULL);
}

/* create_ticket and update_ticket: the same call shape, one body. */
static PyObject *store_write_ticket(StoreObject *self, PyObject *args, PyObject *kwargs, const char *fmt,
                                    int (*fn)(csvc_store *, csvc_ticket *, const char *))
{
	static char *kw[] = {"ticket", "actor", NULL};
	PyObject *t;
	const char *actor = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, kw, &TicketType, &t, &actor))
		return NULL;
	csvc_ticket *backup = NULL;
	ENTER(self);
	/* With a Python clock the call may be undone: keep the record as it was. */
	if (self->clock != NULL && (rc_ = csvc_ticket_dup(((TicketObject *)t)->t, &backup)) != CSVC_OK)
		snap_take(&e_, rc_);
	else
		CALL(self, 1, rc_, &e_, fn(self->store, ((TicketObject *)t)->t, actor));
	if (backup != NULL) {
		if (self->clock_failed) {
			csvc_ticket *changed = ((TicketObject *)t)->t;
			((TicketObject *)t)->t = backup;
			backup = changed;
		}
		csvc_ticket_free(backup);
	}
	return DONE(self, Py_NewRef(t));
}

static PyObject *Store_create_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_ticket(self, args, kwargs, "O!|z:create_ticket", csvc_ticket_create);
}

static PyObject *Store_update_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return store_write_ticket(self, args, kwargs, "O!|z:update_ticket", csvc_ticket_update);
}

static PyObject *Store_get_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", NULL};
	csvc_uuid id;
	csvc_ticket *t = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:get_ticket", kw, conv_uuid, &id))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_ticket_get(self->store, &id, &t));
	return ticket_result(self, &cx_, rc_, &e_, t);
}

static PyObject *Store_get_ticket_by_number(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"number", NULL};
	const char *number;
	csvc_ticket *t = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:get_ticket_by_number", kw, &number))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_ticket_get_by_number(self->store, number, &t));
	return ticket_result(self, &cx_, rc_, &e_, t);
}

static PyObject *Store_replay_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", NULL};
	csvc_uuid id;
	csvc_ticket *t = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:replay_ticket", kw, conv_uuid, &id))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_ticket_replay(self->store, &id, &t));
	return ticket_result(self, &cx_, rc_, &e_, t);
}

/* transition_ticket, assign_ticket and comment_ticket given a Ticket object
 * read it back after a successful write, so that the object carries the new
 * state, revision and times and a later update_ticket(t) does not conflict.
 * Given an id, they leave every object alone. */
static int reread_ticket(StoreObject *self, PyObject *obj, errsnap *e)
{
	csvc_ticket *fresh = NULL;
	csvc_uuid id;
	int rc = 0;
	if (!PyObject_TypeCheck(obj, &TicketType))
		return 0;
	id = *csvc_ticket_id(((TicketObject *)obj)->t);
	CALL(self, 0, rc, e, csvc_ticket_get(self->store, &id, &fresh));
	if (rc == CSVC_OK) {
		csvc_ticket *old = ((TicketObject *)obj)->t;
		((TicketObject *)obj)->t = fresh;
		csvc_ticket_free(old);
	} else {
		csvc_ticket_free(fresh);
	}
	return rc;
}

/* Fills `in` (at most CSVC_TRANSITION_MAX_INPUTS + 1 entries, so that
 * the library refuses too many) from a dict of str to str or int; the
 * strings borrow from `keep`, a list the caller releases. */
static int inputs_in(PyObject *dict, csvc_transition_input *in, uint32_t *n, PyObject *keep)
{
	PyObject *k, *v;
	Py_ssize_t pos = 0;
	*n = 0;
	if (dict == NULL || dict == Py_None)
		return 0;
	if (!PyDict_Check(dict)) {
		PyErr_SetString(PyExc_TypeError, "inputs must be a dict of name to value");
		return -1;
	}
	while (PyDict_Next(dict, &pos, &k, &v)) {
		PyObject *sv;
		if (*n > CSVC_TRANSITION_MAX_INPUTS)
			break;
		if (!PyUnicode_Check(k)) {
			PyErr_SetString(PyExc_TypeError, "input names must be str");
			return -1;
		}
		if (PyUnicode_Check(v)) {
			sv = v;
			Py_INCREF(sv);
		} else if (PyLong_Check(v) && !PyBool_Check(v)) {
			sv = PyObject_Str(v);
		} else {
			PyErr_SetString(PyExc_TypeError, "input values must be str or int");
			return -1;
		}
		if (sv == NULL || PyList_Append(keep, sv) < 0) {
			Py_XDECREF(sv);
			return -1;
		}
		Py_DECREF(sv);
		in[*n].name = PyUnicode_AsUTF8(k);
		in[*n].value = PyUnicode_AsUTF8(sv);
		if (in[*n].name == NULL || in[*n].value == NULL)
			return -1;
		(*n)++;
	}
	return 0;
}

/* transition_ticket and approve_ticket: the same arguments, one call each. */
static PyObject *ticket_step(StoreObject *self, PyObject *args, PyObject *kwargs, int approve)
{
	static char *kw[] = {"id", "transition", "expected_revision", "actor", "note", "inputs", NULL};
	csvc_uuid id;
	PyObject *obj, *inputs = Py_None, *keep;
	const char *tr, *actor = NULL, *note = NULL;
	long long expected = 0;
	int64_t rev = 0;
	csvc_transition_input in[CSVC_TRANSITION_MAX_INPUTS + 1];
	csvc_transition_opts o;
	uint32_t n = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, approve ? "Os|LzzO:approve_ticket" : "Os|LzzO:transition_ticket",
	                                 kw, &obj, &tr, &expected, &actor, &note, &inputs) ||
	    !conv_uuid(obj, &id))
		return NULL;
	if ((keep = PyList_New(0)) == NULL)
		return NULL;
	if (inputs_in(inputs, in, &n, keep) < 0) {
		Py_DECREF(keep);
		return NULL;
	}
	csvc_transition_opts_init(&o, CSVC_TRANSITION_OPTS_VERSION);
	o.expected_revision = expected;
	o.actor = actor;
	o.note = note;
	o.inputs = in;
	o.n_inputs = n;
	ENTER(self);
	if (approve) {
		CALL(self, 1, rc_, &e_, csvc_ticket_approve(self->store, &id, tr, &o, &rev));
	} else if (inputs == Py_None) {
		CALL(self, 1, rc_, &e_, csvc_ticket_transition(self->store, &id, tr, expected, actor, note, &rev));
	} else {
		CALL(self, 1, rc_, &e_, csvc_ticket_transition_ex(self->store, &id, tr, &o, &rev));
	}
	if (rc_ == CSVC_OK)
		rc_ = reread_ticket(self, obj, &e_);
	Py_DECREF(keep);
	return DONE(self, PyLong_FromLongLong(rev));
}

static PyObject *Store_transition_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return ticket_step(self, args, kwargs, 0);
}

static PyObject *Store_approve_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return ticket_step(self, args, kwargs, 1);
}

static PyObject *Store_assign_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", "assignee", "team", "expected_revision", "actor", NULL};
	csvc_uuid id;
	PyObject *obj;
	const char *assignee = NULL, *team = NULL, *actor = NULL;
	long long expected = 0;
	int64_t rev = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|zzLz:assign_ticket", kw, &obj, &assignee, &team,
	                                 &expected, &actor) ||
	    !conv_uuid(obj, &id))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_ticket_assign(self->store, &id, assignee, team, expected, actor, &rev));
	if (rc_ == CSVC_OK)
		rc_ = reread_ticket(self, obj, &e_);
	return DONE(self, PyLong_FromLongLong(rev));
}

static PyObject *Store_route_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", "expected_revision", "actor", NULL};
	csvc_uuid id;
	PyObject *obj;
	const char *actor = NULL;
	long long expected = 0;
	int64_t rev = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|Lz:route_ticket", kw, &obj, &expected, &actor) ||
	    !conv_uuid(obj, &id))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_ticket_route(self->store, &id, expected, actor, &rev));
	if (rc_ == CSVC_OK)
		rc_ = reread_ticket(self, obj, &e_);
	return DONE(self, PyLong_FromLongLong(rev));
}

static PyObject *Store_comment_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", "kind", "body", "method", "expected_revision", "actor", NULL};
	csvc_uuid id;
	PyObject *obj;
	int32_t kind;
	const char *body, *method = NULL, *actor = NULL;
	long long expected = 0;
	int64_t rev = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO&s|zLz:comment_ticket", kw, &obj, conv_int32, &kind,
	                                 &body, &method, &expected, &actor) ||
	    !conv_uuid(obj, &id))
		return NULL;
	csvc_comment c = CSVC_COMMENT_INIT;
	c.kind = kind;
	c.body = body;
	c.method = method;
	c.expected_revision = expected;
	c.actor = actor;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_ticket_comment(self->store, &id, &c, &rev));
	if (rc_ == CSVC_OK)
		rc_ = reread_ticket(self, obj, &e_);
	return DONE(self, PyLong_FromLongLong(rev));
}

static PyObject *Store_link_tickets(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"a", "b", "kind", "actor", NULL};
	csvc_uuid a, b;
	int32_t kind;
	const char *actor = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&O&|z:link_tickets", kw, conv_uuid, &a, conv_uuid,
	                                 &b, conv_int32, &kind, &actor))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_ticket_link(self->store, &a, &b, kind, actor));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_handoff_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"parent", "department", "kind", "subject", "description", "assignee",
	                     "expected_revision", "actor", NULL};
	csvc_uuid parent;
	csvc_handoff h;
	long long expected = 0;
	csvc_ticket *child = NULL;
	csvc_handoff_init(&h, CSVC_HANDOFF_VERSION);
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&s|zzzzLz:handoff_ticket", kw, conv_uuid, &parent,
	                                 &h.department, &h.kind, &h.subject, &h.description, &h.assignee, &expected,
	                                 &h.actor))
		return NULL;
	h.expected_revision = expected;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_ticket_handoff(self->store, &parent, &h, &child));
	return ticket_result(self, &cx_, rc_, &e_, child);
}

static PyObject *Store_ticket_subtasks(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"parent", NULL};
	csvc_uuid parent;
	csvc_ticket **list = NULL;
	size_t n = 0;
	PyObject *l = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:ticket_subtasks", kw, conv_uuid, &parent))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_ticket_subtasks(self->store, &parent, &list, &n, NULL));
	if (rc_ == CSVC_OK) {
		l = PyList_New((Py_ssize_t)n);
		for (size_t i = 0; l != NULL && i < n; i++) {
			PyObject *t = ticket_wrap(list[i]); /* takes the ticket, even on failure */
			list[i] = NULL;
			if (t == NULL)
				Py_CLEAR(l);
			else
				PyList_SET_ITEM(l, (Py_ssize_t)i, t);
		}
		csvc_ticket_subtasks_free(list, n);
		if (l == NULL) {
			store_leave(self, &cx_);
			return NULL;
		}
	}
	return DONE(self, l);
}

static PyObject *Store_merge_tickets(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"into", "source", "actor", NULL};
	csvc_uuid into, from;
	const char *actor = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&|z:merge_tickets", kw, conv_uuid, &into, conv_uuid,
	                                 &from, &actor))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_ticket_merge(self->store, &into, &from, actor));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_migrate_tickets(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"workflow", "from_version", "to_version", "state_map", "actor", NULL};
	const char *wf, *actor = NULL;
	int from_v, to_v;
	PyObject *map = Py_None, *items = NULL;
	const char **mf = NULL, **mt = NULL;
	Py_ssize_t n = 0;
	int64_t moved = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sii|Oz:migrate_tickets", kw, &wf, &from_v, &to_v, &map,
	                                 &actor))
		return NULL;
	if (map != Py_None) {
		items = PyMapping_Items(map);
		if (items == NULL)
			return NULL;
		n = PyList_GET_SIZE(items);
		mf = PyMem_Calloc((size_t)n + 1, sizeof(char *));
		mt = PyMem_Calloc((size_t)n + 1, sizeof(char *));
		if (mf == NULL || mt == NULL) {
			PyErr_NoMemory();
			goto fail;
		}
		for (Py_ssize_t i = 0; i < n; i++) {
			PyObject *kv = PyList_GET_ITEM(items, i);
			if (!PyTuple_Check(kv) || PyTuple_GET_SIZE(kv) != 2 ||
			    str_in(PyTuple_GET_ITEM(kv, 0), &mf[i], "state_map key") ||
			    str_in(PyTuple_GET_ITEM(kv, 1), &mt[i], "state_map value"))
				goto fail;
			if (mf[i] == NULL || mt[i] == NULL) {
				PyErr_SetString(PyExc_TypeError, "state_map must map str to str");
				goto fail;
			}
		}
	}
	{
		ENTER(self);
		CALL(self, 1, rc_, &e_,
		     csvc_workflow_migrate_tickets(self->store, wf, from_v, to_v, mf, mt, (size_t)n, actor, &moved));
		PyMem_Free(mf);
		PyMem_Free(mt);
		Py_XDECREF(items);
		return DONE(self, PyLong_FromLongLong(moved));
	}
fail:
	PyMem_Free(mf);
	PyMem_Free(mt);
	Py_XDECREF(items);
	return NULL;
}

static char *ticket_query_kw[] = {"store_code", "state", "state_category", "open_only", "kind",
                                  "assignee", "team", "channel", "customer", "priority", "text",
                                  "created_from", "created_to", "updated_from", "updated_to", "after",
                                  "limit", NULL};

static int parse_ticket_query(PyObject *args, PyObject *kwargs, const char *fmt, csvc_ticket_query *q,
                              opt_uuid *customer)
{
	opt_uuid after = {0, {{0}}};
	int open_only = 0;
	csvc_ticket_query_init(q, CSVC_TICKET_QUERY_VERSION);
	customer->set = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, ticket_query_kw, &q->store_code, &q->state,
	                                 conv_int32, &q->state_category, &open_only, &q->kind, &q->assignee,
	                                 &q->team, &q->channel, conv_opt_uuid, customer, conv_int32,
	                                 &q->priority, &q->text, conv_time, &q->created_from, conv_time,
	                                 &q->created_to, conv_time, &q->updated_from, conv_time,
	                                 &q->updated_to, conv_opt_uuid, &after, conv_limit,
	                                 &q->limit))
		return -1;
	q->open_only = open_only;
	q->customer = customer->set ? &customer->id : NULL;
	q->after = after.id;
	return 0;
}

static PyObject *Store_tickets(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	csvc_ticket_query q;
	opt_uuid customer;
	csvc_ticket_iter *it = NULL;
	if (parse_ticket_query(args, kwargs, "|$zzO&pzzzzO&O&zO&O&O&O&O&O&:tickets", &q, &customer))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_ticket_iter_new(self->store, &q, &it));
	return DONE(self, rc_ == CSVC_OK ? iter_wrap(self, IT_TICKET, it) : NULL);
}

static PyObject *Store_count_tickets(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	csvc_ticket_query q;
	opt_uuid customer;
	int64_t n = 0;
	if (parse_ticket_query(args, kwargs, "|$zzO&pzzzzO&O&zO&O&O&O&O&O&:count_tickets", &q, &customer))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_ticket_count(self->store, &q, &n));
	return DONE(self, PyLong_FromLongLong(n));
}

static PyObject *Store_ticket_history(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", NULL};
	csvc_uuid id;
	csvc_event_iter *it = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:ticket_history", kw, conv_uuid, &id))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_ticket_history_new(self->store, &id, &it));
	return DONE(self, rc_ == CSVC_OK ? iter_wrap(self, IT_EVENT, it) : NULL);
}

/* ------------------------------------------------------------------ */
/* Store: the change feed                                              */
/* ------------------------------------------------------------------ */

/* One entry as a tuple: (position, id, time, type, subject_kind, subject,
 * reference, actor, payload, json); the package makes it a FeedEntry. */
static PyObject *feed_entry_out(const csvc_feed_entry *e, const char *json)
{
	return Py_BuildValue("(LNNNNNNNNN)", (long long)csvc_feed_entry_position(e), uuid_out(csvc_feed_entry_id(e)),
	                     instant_out(csvc_feed_entry_time(e)), str_out(csvc_feed_entry_type(e)),
	                     str_out(csvc_feed_entry_subject_kind(e)), uuid_out(csvc_feed_entry_subject_id(e)),
	                     str_out(csvc_feed_entry_reference(e)), str_out(csvc_feed_entry_actor(e)),
	                     str_out(csvc_feed_entry_payload(e)), str_out(json));
}

/* The batch as a list of tuples; frees it. */
static PyObject *feed_batch_out(csvc_feed_iter *it)
{
	PyObject *list = PyList_New(0);
	const csvc_feed_entry *e;
	while (list != NULL && csvc_feed_iter_next(it, &e) == CSVC_OK) {
		char *json = NULL;
		if (csvc_feed_entry_to_json(e, &json) != CSVC_OK) {
			Py_CLEAR(list);
			PyErr_NoMemory();
			break;
		}
		PyObject *t = feed_entry_out(e, json);
		csvc_free(json);
		if (t == NULL || PyList_Append(list, t) < 0)
			Py_CLEAR(list);
		Py_XDECREF(t);
	}
	csvc_feed_iter_free(it);
	return list;
}

static PyObject *Store_feed_head(StoreObject *self, PyObject *unused)
{
	int64_t head = 0;
	(void)unused;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_feed_head(self->store, &head));
	return DONE(self, rc_ == CSVC_OK ? PyLong_FromLongLong(head) : NULL);
}

static PyObject *Store__feed_read(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"consumer", "max", NULL};
	const char *consumer;
	int max = 100;
	csvc_feed_iter *it = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|i:_feed_read", kw, &consumer, &max))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_feed_read(self->store, consumer, max, &it));
	return DONE(self, rc_ == CSVC_OK ? feed_batch_out(it) : NULL);
}

static PyObject *Store__feed_after(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"after", "max", NULL};
	long long after = 0;
	int max = 100;
	csvc_feed_iter *it = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|Li:_feed_after", kw, &after, &max))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_feed_after(self->store, after, max, &it));
	return DONE(self, rc_ == CSVC_OK ? feed_batch_out(it) : NULL);
}

/* ack (forward only) or reset (any position). */
static PyObject *feed_move(StoreObject *self, PyObject *args, PyObject *kwargs, int reset)
{
	static char *kw[] = {"consumer", "position", NULL};
	const char *consumer;
	long long position = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, reset ? "sL:feed_reset" : "sL:feed_ack", kw, &consumer,
	                                 &position))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_,
	     reset ? csvc_feed_reset(self->store, consumer, position) : csvc_feed_ack(self->store, consumer, position));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_feed_ack(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return feed_move(self, args, kwargs, 0);
}

static PyObject *Store_feed_reset(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return feed_move(self, args, kwargs, 1);
}

static PyObject *Store_feed_delete(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"consumer", NULL};
	const char *consumer;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:feed_delete", kw, &consumer))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_feed_delete(self->store, consumer));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_feed_consumer(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"consumer", NULL};
	const char *consumer;
	int64_t position = 0, lag = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:feed_consumer", kw, &consumer))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_feed_consumer_get(self->store, consumer, &position, &lag));
	return DONE(self, rc_ == CSVC_OK ? Py_BuildValue("(LL)", (long long)position, (long long)lag) : NULL);
}

static PyObject *consumers_out(csvc_feed_consumer_iter *it)
{
	PyObject *list = PyList_New(0);
	const char *name;
	int64_t position, lag;
	while (list != NULL && csvc_feed_consumer_iter_next(it, &name, &position, &lag) == CSVC_OK) {
		PyObject *t = Py_BuildValue("(sLL)", name, (long long)position, (long long)lag);
		if (t == NULL || PyList_Append(list, t) < 0)
			Py_CLEAR(list);
		Py_XDECREF(t);
	}
	csvc_feed_consumer_iter_free(it);
	return list;
}

static PyObject *Store_feed_consumers(StoreObject *self, PyObject *unused)
{
	csvc_feed_consumer_iter *it = NULL;
	(void)unused;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_feed_consumer_iter_new(self->store, &it));
	return DONE(self, rc_ == CSVC_OK ? consumers_out(it) : NULL);
}

static PyObject *Store_feed_wait(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"after", "timeout_ms", NULL};
	long long after = 0;
	int timeout_ms = 0;
	int64_t head = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "Li:feed_wait", kw, &after, &timeout_ms))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_feed_wait(self->store, after, timeout_ms, &head));
	return DONE(self, rc_ >= 0 ? Py_BuildValue("(OL)", rc_ ? Py_True : Py_False, (long long)head) : NULL);
}

/*
 * Push delivery. The library calls a subscriber after each outermost
 * commit through this handle and from csvc_feed_deliver, on the thread of
 * that call, which holds the store's lock: the callback may call the store
 * again, writes included. An exception is kept on the Store and raised
 * again by the call that committed or delivered; the C callback then
 * returns CSVC_EUSER, so the library stops that subscriber and delivers
 * the entry again next time. A normal return means handled.
 */
static int sub_call(sub_slot *sl, PyObject *arg)
{
	StoreObject *s = (StoreObject *)sl->owner;
	PyObject *cb, *r;
	if (arg == NULL) {
		stash_exception(s, sl->callback ? sl->callback : Py_None);
		return CSVC_EUSER;
	}
	cb = Py_NewRef(sl->callback);
	r = PyObject_CallOneArg(cb, arg);
	Py_DECREF(arg);
	if (r == NULL)
		stash_exception(s, cb);
	Py_XDECREF(r);
	Py_DECREF(cb);
	return r == NULL ? CSVC_EUSER : 0;
}

/* The entry as a FeedEntry, as Store.feed() yields it. */
static PyObject *feed_entry_obj(const csvc_feed_entry *e)
{
	char *json = NULL;
	PyObject *t, *r;
	if (csvc_feed_entry_to_json(e, &json) != CSVC_OK)
		return PyErr_NoMemory();
	t = feed_entry_out(e, json);
	csvc_free(json);
	if (t == NULL)
		return NULL;
	r = PyObject_Call(g_feed_entry_type, t, NULL);
	Py_DECREF(t);
	return r;
}

static int feed_sub_trampoline(const csvc_feed_entry *e, void *userdata)
{
	sub_slot *sl = userdata;
	int rc = CSVC_EUSER; /* a callback the collector cleared handles nothing */
	PyGILState_STATE g = PyGILState_Ensure();
	if (sl->callback != NULL)
		rc = sub_call(sl, feed_entry_obj(e));
	PyGILState_Release(g);
	return rc;
}

static int alarm_sub_trampoline(const csvc_sla_alarm *alarm, void *userdata)
{
	sub_slot *sl = userdata;
	int rc = CSVC_EUSER;
	PyGILState_STATE g = PyGILState_Ensure();
	if (sl->callback != NULL)
		rc = sub_call(sl, sla_alarm_out(alarm));
	PyGILState_Release(g);
	return rc;
}

/* subscribe and subscribe_alarms: the library first, then the slot, so
 * that a refused call changes nothing. */
static PyObject *subscribe(StoreObject *self, PyObject *args, PyObject *kwargs, int alarms)
{
	static char *kw[] = {"consumer", "callback", NULL};
	const char *consumer;
	PyObject *cb;
	sub_slot *sl = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, alarms ? "sO:subscribe_alarms" : "sO:subscribe", kw, &consumer,
	                                 &cb))
		return NULL;
	if (cb != Py_None && !PyCallable_Check(cb)) {
		PyErr_SetString(PyExc_TypeError, "callback must be a callable or None");
		return NULL;
	}
	ENTER(self);
	for (int i = 0; i < SUB_SLOTS && sl == NULL; i++)
		if (self->subs[i].used && strcmp(self->subs[i].name, consumer) == 0)
			sl = &self->subs[i];
	for (int i = 0; i < SUB_SLOTS && sl == NULL && cb != Py_None; i++)
		if (!self->subs[i].used)
			sl = &self->subs[i];
	if (cb == Py_None) {
		/* sl == NULL: the library says why (bad name, no subscriber). */
		rc_ = alarms ? csvc_sla_subscribe(self->store, consumer, NULL, NULL)
		             : csvc_feed_subscribe(self->store, consumer, NULL, NULL);
	} else {
		rc_ = alarms ? csvc_sla_subscribe(self->store, consumer, alarm_sub_trampoline, sl)
		             : csvc_feed_subscribe(self->store, consumer, feed_sub_trampoline, sl);
	}
	if (rc_ != CSVC_OK) {
		snap_take(&e_, rc_);
		return DONE(self, NULL);
	}
	if (sl != NULL) {
		if (cb == Py_None) {
			sl->used = 0;
			Py_CLEAR(sl->callback);
		} else {
			sl->owner = (PyObject *)self;
			sl->used = 1;
			sl->alarms = alarms;
			snprintf(sl->name, sizeof(sl->name), "%s", consumer);
			Py_XSETREF(sl->callback, Py_NewRef(cb));
		}
	}
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_subscribe(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return subscribe(self, args, kwargs, 0);
}

static PyObject *Store_subscribe_alarms(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return subscribe(self, args, kwargs, 1);
}

static PyObject *Store_deliver(StoreObject *self, PyObject *unused)
{
	int64_t n = 0;
	(void)unused;
	ENTER(self);
	CALL(self, 2, rc_, &e_, csvc_feed_deliver(self->store, &n));
	return DONE(self, PyLong_FromLongLong(n));
}

static PyObject *Store_get_subscribers(StoreObject *self, void *cl)
{
	PyObject *d;
	(void)cl;
	if (self->store == NULL)
		return PyDict_New();
	d = PyDict_New();
	for (int i = 0; d != NULL && i < SUB_SLOTS; i++) {
		const sub_slot *sl = &self->subs[i];
		if (sl->used && sl->callback != NULL && PyDict_SetItemString(d, sl->name, sl->callback) < 0)
			Py_CLEAR(d);
	}
	return d;
}

/* ------------------------------------------------------------------ */
/* Store: calendars                                                    */
/* ------------------------------------------------------------------ */

static PyObject *Store_save_calendar(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "calendar", NULL};
	const char *name;
	PyObject *cal;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO!:save_calendar", kw, &name, &CalendarType, &cal))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_calendar_save(self->store, name, ((CalendarObject *)cal)->cal));
	return DONE(self, Py_NewRef(Py_None));
}

/* Loads a calendar by name (for_store 0) or by store code (1). The zone
 * comes from `dir` (NULL: the store's zoneinfo_dir) or from `tz`. */
static PyObject *load_calendar_as(StoreObject *self, int for_store, const char *key, PyObject *dir,
                                  PyObject *tzo)
{
	csvc_calendar_options o = CSVC_CALENDAR_OPTIONS_INIT;
	csvc_calendar *cal = NULL;
	PyObject *dirb = NULL, *r;
	if (tz_arg(tzo, &o.tz))
		return NULL;
	if (dir != NULL && dir != Py_None) {
		if (fspath_in(dir, &dirb))
			return NULL;
	} else {
		dirb = Py_XNewRef(self->zoneinfo_dir);
	}
	o.zoneinfo_dir = dirb ? PyBytes_AS_STRING(dirb) : NULL;
	{
		callctx cx_;
		errsnap e_;
		int rc_ = 0;
		if (store_enter(self, &cx_) < 0) {
			Py_XDECREF(dirb);
			return NULL;
		}
		if (for_store)
			CALL(self, 0, rc_, &e_, csvc_calendar_for_store(self->store, key, &o, &cal));
		else
			CALL(self, 0, rc_, &e_, csvc_calendar_load(self->store, key, &o, &cal));
		if (rc_ != CSVC_OK) {
			csvc_calendar_free(cal);
			cal = NULL;
		}
		r = DONE(self, cal ? calendar_wrap(cal) : NULL);
	}
	Py_XDECREF(dirb);
	return r;
}

static PyObject *Store_load_calendar(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "zoneinfo_dir", "tz", NULL};
	const char *name;
	PyObject *dir = Py_None, *tzo = Py_None;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|$OO:load_calendar", kw, &name, &dir, &tzo))
		return NULL;
	return load_calendar_as(self, 0, name, dir, tzo);
}

static PyObject *Store_calendar_for_store(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"store_code", "zoneinfo_dir", "tz", NULL};
	const char *code;
	PyObject *dir = Py_None, *tzo = Py_None;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|$OO:calendar_for_store", kw, &code, &dir, &tzo))
		return NULL;
	return load_calendar_as(self, 1, code, dir, tzo);
}

static PyObject *Store_calendar_info(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", NULL};
	PyObject *pname;
	const char *name;
	csvc_uuid id;
	csvc_time_us created = 0, updated = 0;
	PyObject *out = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "U:calendar_info", kw, &pname) ||
	    str_in(pname, &name, "name"))
		return NULL;
	memset(&id, 0, sizeof(id));
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_calendar_info(self->store, name, &id, &created, &updated));
	if (rc_ == CSVC_OK) {
		PyObject *a[4];
		a[0] = Py_NewRef(pname);
		a[1] = uuid_out(&id);
		a[2] = time_out(created);
		a[3] = time_out(updated);
		if (a[1] && a[2] && a[3])
			out = PyObject_Vectorcall(g_calendar_info_type, a, 4, NULL);
		for (int i = 0; i < 4; i++)
			Py_XDECREF(a[i]);
		if (out == NULL) {
			store_leave(self, &cx_);
			return NULL;
		}
	}
	return DONE(self, out);
}

static PyObject *Store_delete_calendar(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", NULL};
	const char *name;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:delete_calendar", kw, &name))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_calendar_delete(self->store, name));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_calendars(StoreObject *self, PyObject *unused)
{
	char **names = NULL;
	size_t count = 0;
	PyObject *out = NULL;
	(void)unused;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_calendar_list(self->store, &names, &count));
	if (rc_ == CSVC_OK) {
		out = PyList_New((Py_ssize_t)count);
		for (size_t i = 0; out != NULL && i < count; i++) {
			PyObject *n = PyUnicode_FromString(names[i]);
			if (n == NULL)
				Py_CLEAR(out);
			else
				PyList_SET_ITEM(out, (Py_ssize_t)i, n);
		}
		csvc_free(names);
		if (out == NULL) {
			store_leave(self, &cx_);
			return NULL;
		}
	}
	return DONE(self, out);
}

static PyObject *Store_attach_calendar(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"store_code", "name", NULL};
	const char *code, *name;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ss:attach_calendar", kw, &code, &name))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_calendar_attach(self->store, code, name));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_detach_calendar(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"store_code", NULL};
	const char *code;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:detach_calendar", kw, &code))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_calendar_detach(self->store, code));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_calendar_name_for_store(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"store_code", NULL};
	const char *code;
	char *name = NULL;
	PyObject *out = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:calendar_name_for_store", kw, &code))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_calendar_name_for_store(self->store, code, &name));
	if (rc_ == CSVC_OK) {
		out = PyUnicode_FromString(name);
		csvc_free(name);
		if (out == NULL) {
			store_leave(self, &cx_);
			return NULL;
		}
	}
	return DONE(self, out);
}

/* A new string from the library (freed here) as str; NULL stays NULL. */
static PyObject *owned_str(char *text)
{
	if (text == NULL)
		return NULL;
	PyObject *out = PyUnicode_FromString(text);
	csvc_free(text);
	return out;
}

static PyObject *Store_set_store_zone(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"store_code", "zone", NULL};
	const char *code, *zone;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ss:set_store_zone", kw, &code, &zone))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_calendar_set_store_zone(self->store, code, zone));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_clear_store_zone(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"store_code", NULL};
	const char *code;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:clear_store_zone", kw, &code))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_calendar_clear_store_zone(self->store, code));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_store_zone(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"store_code", NULL};
	const char *code;
	char *zone = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:store_zone", kw, &code))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_calendar_store_zone(self->store, code, &zone));
	PyObject *out = owned_str(zone);
	if (rc_ == CSVC_OK && out == NULL) {
		store_leave(self, &cx_);
		return NULL;
	}
	return DONE(self, out);
}

static PyObject *Store_set_default_zone(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"zone", NULL};
	const char *zone;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:set_default_zone", kw, &zone))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_calendar_set_default_zone(self->store, zone));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_clear_default_zone(StoreObject *self, PyObject *unused)
{
	(void)unused;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_calendar_clear_default_zone(self->store));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_default_zone(StoreObject *self, PyObject *unused)
{
	char *zone = NULL;
	(void)unused;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_calendar_default_zone(self->store, &zone));
	PyObject *out = owned_str(zone);
	if (rc_ == CSVC_OK && out == NULL) {
		store_leave(self, &cx_);
		return NULL;
	}
	return DONE(self, out);
}

static PyObject *Store_add_zone(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "tzif", NULL};
	const char *name;
	Py_buffer data;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sy*:add_zone", kw, &name, &data))
		return NULL;
	/* The bytes stay valid: the buffer is held until released below. */
	callctx cx_;
	errsnap e_;
	int rc_ = 0;
	if (store_enter(self, &cx_) < 0) {
		PyBuffer_Release(&data);
		return NULL;
	}
	CALL(self, 1, rc_, &e_, csvc_calendar_add_zone(self->store, name, data.buf, (size_t)data.len));
	PyBuffer_Release(&data);
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store__tz_for_store(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"store_code", NULL};
	PyObject *code_obj = Py_None;
	const char *code = NULL;
	csvc_tz *tz = NULL;
	int32_t source = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:_tz_for_store", kw, &code_obj) ||
	    str_in(code_obj, &code, "store_code"))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_calendar_tz_for_store(self->store, code, &tz, &source));
	PyObject *out = NULL;
	if (rc_ == CSVC_OK) {
		PyObject *t = tz_wrap(tz, NULL); /* frees tz on failure */
		out = t ? Py_BuildValue("(Ni)", t, (int)source) : NULL;
		if (out == NULL) {
			store_leave(self, &cx_);
			return NULL;
		}
	}
	return DONE(self, out);
}

/* ------------------------------------------------------------------ */
/* Store: SLA                                                          */
/* ------------------------------------------------------------------ */

static PyObject *Store_save_sla_policy(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"policy", NULL};
	PyObject *p;
	int32_t version = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!:save_sla_policy", kw, &SlaPolicyType, &p) ||
	    policy_ready((SlaPolicyObject *)p))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_sla_policy_save(self->store, ((SlaPolicyObject *)p)->p, &version));
	return DONE(self, PyLong_FromLong(version));
}

static PyObject *Store_load_sla_policy(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "version", NULL};
	const char *name;
	int version = 0;
	csvc_sla_policy *p = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|i:load_sla_policy", kw, &name, &version))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_sla_policy_load(self->store, name, version, &p));
	if (rc_ != CSVC_OK) {
		csvc_sla_policy_free(p);
		p = NULL;
	}
	return DONE(self, p ? policy_wrap(p) : NULL);
}

static PyObject *Store_retire_sla_policy(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", NULL};
	const char *name;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:retire_sla_policy", kw, &name))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_sla_policy_retire(self->store, name));
	return DONE(self, Py_NewRef(Py_None));
}

static PyObject *Store_sla_targets(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"ticket", NULL};
	csvc_uuid id;
	csvc_sla_iter *it = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:sla_targets", kw, conv_uuid, &id))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_sla_ticket_targets(self->store, &id, &it));
	return DONE(self, rc_ == CSVC_OK ? iter_wrap(self, IT_SLA, it) : NULL);
}

static PyObject *Store_sla_at_risk(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"limit", NULL};
	uint32_t limit = 0;
	csvc_sla_iter *it = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O&:sla_at_risk", kw, conv_limit, &limit))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_sla_at_risk(self->store, limit, &it));
	return DONE(self, rc_ == CSVC_OK ? iter_wrap(self, IT_SLA, it) : NULL);
}

static PyObject *Store_sla_breached(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"limit", NULL};
	uint32_t limit = 0;
	csvc_sla_iter *it = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O&:sla_breached", kw, conv_limit, &limit))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_sla_breached(self->store, limit, &it));
	return DONE(self, rc_ == CSVC_OK ? iter_wrap(self, IT_SLA, it) : NULL);
}

/*
 * sla_advance: with a Python clock the walk runs in a transaction level of
 * its own (the escalations read the clock), committed unless the clock
 * failed; an exception from the callback keeps the alarms emitted so far,
 * as in C. A true result of the callback (stop = 1) is not an error.
 */
static PyObject *Store_sla_advance(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"now", "callback", NULL};
	csvc_time_us now;
	PyObject *cb = Py_None;
	int64_t n = 0;
	alarm_ctx ax;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&|O:sla_advance", kw, conv_instant, &now, &cb))
		return NULL;
	if (cb != Py_None && !PyCallable_Check(cb)) {
		PyErr_SetString(PyExc_TypeError, "callback must be a callable or None");
		return NULL;
	}
	ax.s = self;
	ax.callback = cb;
	ax.raised = 0;
	ENTER(self);
	if ((rc_ = refuse_in_alarm(self, &e_)) == 0) {
		int wrap = self->clock != NULL;
		Py_BEGIN_ALLOW_THREADS
		rc_ = wrap ? csvc_store_begin(self->store) : 0;
		if (rc_ != 0) {
			snap_take(&e_, rc_);
		} else {
			rc_ = csvc_sla_advance(self->store, now, cb != Py_None ? alarm_trampoline : NULL, &ax, &n);
			if (rc_ < 0)
				snap_take(&e_, rc_);
			if (wrap) {
				if (!self->clock_failed && (rc_ >= 0 || ax.raised)) {
					int c = csvc_store_commit(self->store);
					if (c != 0 && rc_ >= 0) {
						rc_ = c;
						snap_take(&e_, rc_);
					}
				} else {
					csvc_store_rollback(self->store);
				}
			}
		}
		Py_END_ALLOW_THREADS
	}
	if (rc_ > 0)
		rc_ = 0; /* stopped by the callback */
	return DONE(self, PyLong_FromLongLong(n));
}

static PyObject *Store_sla_next_wakeup(StoreObject *self, PyObject *unused)
{
	csvc_time_us at = 0;
	(void)unused;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_sla_next_wakeup(self->store, &at));
	if (rc_ == CSVC_ENOTFOUND) { /* nothing pending */
		rc_ = 0;
		return DONE(self, Py_NewRef(Py_None));
	}
	return DONE(self, rc_ == CSVC_OK ? instant_out(at) : NULL);
}

static PyObject *Store_sla_recompute(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"ticket", "rewrite", NULL};
	csvc_uuid id;
	int rewrite = 0, equal = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&|p:sla_recompute", kw, conv_uuid, &id, &rewrite))
		return NULL;
	ENTER(self);
	CALL(self, rewrite ? 1 : 0, rc_, &e_, csvc_sla_recompute(self->store, &id, rewrite, &equal));
	return DONE(self, PyBool_FromLong(equal));
}

static PyObject *Store_sla_rematch(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"ticket", NULL};
	csvc_uuid id;
	int moved = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&:sla_rematch", kw, conv_uuid, &id))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_sla_rematch(self->store, &id, &moved));
	return DONE(self, PyBool_FromLong(moved));
}

/* ------------------------------------------------------------------ */
/* Store: surveys                                                      */
/* ------------------------------------------------------------------ */

static PyObject *Store_save_survey(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"survey", NULL};
	PyObject *sv;
	int32_t version = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!:save_survey", kw, &SurveyType, &sv) ||
	    survey_ready((SurveyObject *)sv))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_survey_save(self->store, ((SurveyObject *)sv)->s, &version));
	return DONE(self, PyLong_FromLong(version));
}

static PyObject *Store_load_survey(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"name", "version", NULL};
	const char *name;
	int version = 0;
	csvc_survey *sv = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|i:load_survey", kw, &name, &version))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_survey_load(self->store, name, version, &sv));
	if (rc_ != CSVC_OK) {
		csvc_survey_free(sv);
		sv = NULL;
	}
	return DONE(self, sv ? survey_wrap(sv) : NULL);
}

/* The answers of a response: a mapping of question name -> int (a score),
 * bool (yes/no), (expectation, perception), str (free text) or Choice (an
 * option); None leaves the question unanswered. */
static csvc_survey_answers *answers_in(PyObject *mapping)
{
	csvc_survey_answers *a = NULL;
	PyObject *items;
	Py_ssize_t n;
	if (!PyMapping_Check(mapping) || PyUnicode_Check(mapping) || PyTuple_Check(mapping) || PyList_Check(mapping)) {
		PyErr_Format(PyExc_TypeError, "answers must be a mapping of question name to answer, not %.100s",
		             Py_TYPE(mapping)->tp_name);
		return NULL;
	}
	items = PyMapping_Items(mapping);
	if (items == NULL)
		return NULL;
	if (check_rc(csvc_survey_answers_new(&a))) {
		Py_DECREF(items);
		return NULL;
	}
	n = PyList_GET_SIZE(items);
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *item = PyList_GET_ITEM(items, i), *k, *v;
		const char *q, *s;
		int32_t x, y;
		int rc;
		if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
			PyErr_SetString(PyExc_TypeError, "answers.items() must give (question, answer) pairs");
			goto fail;
		}
		k = PyTuple_GET_ITEM(item, 0);
		v = PyTuple_GET_ITEM(item, 1);
		if (!PyUnicode_Check(k)) {
			PyErr_Format(PyExc_TypeError, "a question name must be str, not %.100s", Py_TYPE(k)->tp_name);
			goto fail;
		}
		if (str_in(k, &q, "question"))
			goto fail;
		if (v == Py_None)
			continue;
		if (g_choice_type != NULL && PyObject_TypeCheck(v, (PyTypeObject *)g_choice_type)) {
			if (str_in(v, &s, "option"))
				goto fail;
			rc = csvc_survey_answers_choice(a, q, s);
		} else if (PyBool_Check(v)) {
			rc = csvc_survey_answers_yes_no(a, q, v == Py_True);
		} else if (PyLong_Check(v)) {
			if (int32_in(v, &x, "score"))
				goto fail;
			rc = csvc_survey_answers_score(a, q, x);
		} else if (PyUnicode_Check(v)) {
			if (str_in(v, &s, "text"))
				goto fail;
			rc = csvc_survey_answers_text(a, q, s);
		} else if (PyTuple_Check(v) && PyTuple_GET_SIZE(v) == 2 && PyLong_Check(PyTuple_GET_ITEM(v, 0)) &&
		           PyLong_Check(PyTuple_GET_ITEM(v, 1)) && !PyBool_Check(PyTuple_GET_ITEM(v, 0)) &&
		           !PyBool_Check(PyTuple_GET_ITEM(v, 1))) {
			if (int32_in(PyTuple_GET_ITEM(v, 0), &x, "expectation") ||
			    int32_in(PyTuple_GET_ITEM(v, 1), &y, "perception"))
				goto fail;
			rc = csvc_survey_answers_pair(a, q, x, y);
		} else {
			PyErr_Format(PyExc_TypeError,
			             "the answer to %R must be an int (score), a bool (yes/no), an (expectation, "
			             "perception) tuple of ints, a str (text), a csvc.Choice or None, not %.100s",
			             k, Py_TYPE(v)->tp_name);
			goto fail;
		}
		if (check_rc(rc))
			goto fail;
	}
	Py_DECREF(items);
	return a;
fail:
	Py_DECREF(items);
	csvc_survey_answers_free(a);
	return NULL;
}

static PyObject *Store_invite(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"survey", "ticket", "customer", "store_code", "staff", "channel", "method", "expires", NULL};
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	opt_uuid ticket = {0, {{0}}}, customer = {0, {{0}}};
	const char *name;
	PyObject *expires = Py_None;
	csvc_time_us expires_at = 0;
	int absolute = 0;
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|$O&O&zzzO&O:invite", kw, &name, conv_opt_uuid, &ticket,
	                                 conv_opt_uuid, &customer, &ctx.store_code, &ctx.staff, &ctx.channel,
	                                 conv_method, &ctx.method, &expires))
		return NULL;
	if (PyDateTime_Check(expires)) {
		if (time_in(expires, &expires_at, "expires"))
			return NULL;
		absolute = 1;
	} else if (expires != Py_None) {
		if (duration_in(expires, &ctx.ttl_us, "expires"))
			return NULL;
		if (ctx.ttl_us <= 0)
			ctx.ttl_us = -1; /* not the library's "0: 7 days": its error for a validity that is not positive */
	}
	ctx.ticket = ticket.set ? &ticket.id : NULL;
	ctx.customer = customer.set ? &customer.id : NULL;
	ENTER(self);
	if (absolute) {
		/* An expiry instant: the validity from the store clock now. */
		ctx.ttl_us = expires_at - csvc_store_now(self->store);
		if (ctx.ttl_us <= 0) {
			rc_ = e_.code = CSVC_EINVAL;
			snap_no_engine(&e_);
			snprintf(e_.message, sizeof(e_.message), "%s", "the invitation's expiry is not after the store clock");
		}
	}
	if (rc_ == 0)
		CALL(self, 1, rc_, &e_, csvc_survey_invite(self->store, name, &ctx, token));
	return DONE(self, rc_ == CSVC_OK ? PyUnicode_FromString(token) : NULL);
}

static PyObject *Store_respond(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"token", "answers", NULL};
	const char *token;
	PyObject *answers;
	csvc_survey_answers *a;
	csvc_uuid id;
	callctx cx_;
	errsnap e_;
	int rc_ = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO:respond", kw, &token, &answers) ||
	    (a = answers_in(answers)) == NULL)
		return NULL;
	memset(&id, 0, sizeof(id));
	if (store_enter(self, &cx_) < 0) {
		csvc_survey_answers_free(a);
		return NULL;
	}
	CALL(self, 1, rc_, &e_, csvc_survey_respond(self->store, token, a, &id));
	csvc_survey_answers_free(a);
	return DONE(self, rc_ == CSVC_OK ? uuid_out(&id) : NULL);
}

static PyObject *Store_respond_anonymous(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"survey", "answers", "store_code", "method", "channel", "staff", NULL};
	csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
	const char *name;
	PyObject *answers;
	csvc_survey_answers *a;
	csvc_uuid id;
	callctx cx_;
	errsnap e_;
	int rc_ = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO|$zO&zz:respond_anonymous", kw, &name, &answers,
	                                 &ctx.store_code, conv_method, &ctx.method, &ctx.channel, &ctx.staff) ||
	    (a = answers_in(answers)) == NULL)
		return NULL;
	memset(&id, 0, sizeof(id));
	if (store_enter(self, &cx_) < 0) {
		csvc_survey_answers_free(a);
		return NULL;
	}
	CALL(self, 1, rc_, &e_, csvc_survey_respond_anonymous(self->store, name, &ctx, a, &id));
	csvc_survey_answers_free(a);
	return DONE(self, rc_ == CSVC_OK ? uuid_out(&id) : NULL);
}

/* ------------------------------------------------------------------ */
/* Store: reports                                                      */
/* ------------------------------------------------------------------ */

static char *report_query_kw[] = {"from_", "to", "store_code", "staff", "channel", "kind", "category", "survey",
                                  "survey_version", "question", "method", "group_by", "period", "min_sample",
                                  "csi_target", "response_target", "resolution_target", NULL};

static PyObject *report_run(StoreObject *self, PyObject *args, PyObject *kwargs, int type, const char *fmt)
{
	csvc_report_query q;
	csvc_report *r = NULL;
	long long min_sample = 0;
	int survey_version = 0;
	ReportObject *out;
	csvc_report_query_init(&q, CSVC_REPORT_QUERY_VERSION);
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, report_query_kw, conv_instant, &q.from, conv_instant,
	                                 &q.to, &q.store_code, &q.staff, &q.channel, &q.kind, &q.category, &q.survey,
	                                 &survey_version, &q.question, conv_method, &q.method, conv_group,
	                                 &q.group_by, conv_period, &q.period, &min_sample, &q.csi_target,
	                                 &q.response_target, &q.resolution_target))
		return NULL;
	q.survey_version = survey_version;
	q.min_sample = min_sample;
	ENTER(self);
	switch (type) {
	case REPORT_SCORES: CALL(self, 0, rc_, &e_, csvc_report_scores(self->store, &q, &r)); break;
	case REPORT_KPIS: CALL(self, 0, rc_, &e_, csvc_report_kpis(self->store, &q, &r)); break;
	case REPORT_SLA: CALL(self, 0, rc_, &e_, csvc_report_sla(self->store, &q, &r)); break;
	case REPORT_STAFF: CALL(self, 0, rc_, &e_, csvc_report_staff(self->store, &q, &r)); break;
	default: CALL(self, 0, rc_, &e_, csvc_report_state_times(self->store, &q, &r)); break;
	}
	if (rc_ != CSVC_OK) {
		csvc_report_free(r);
		return DONE(self, NULL);
	}
	out = PyObject_GC_New(ReportObject, &ReportType);
	if (out == NULL) {
		csvc_report_free(r);
		store_leave(self, &cx_);
		return NULL;
	}
	out->r = r;
	out->type = type;
	out->from = q.from;
	out->to = q.to;
	/* As the library applies them (and its JSON shows them). */
	out->group_by = type == REPORT_SCORES || type == REPORT_KPIS || type == REPORT_STAFF ? q.group_by : 0;
	out->period = q.period ? q.period : CSVC_PERIOD_MONTH;
	out->min_sample = q.min_sample ? q.min_sample : 30;
	out->store = Py_NewRef((PyObject *)self);
	out->store_code = NULL;
	if (q.store_code != NULL) {
		size_t n = strlen(q.store_code) + 1;
		if ((out->store_code = PyMem_Malloc(n)) == NULL) {
			Py_DECREF(out); /* frees r; untracked, so the collector never saw it */
			PyErr_NoMemory();
			return DONE(self, NULL);
		}
		memcpy(out->store_code, q.store_code, n);
	}
	PyObject_GC_Track(out);
	return DONE(self, (PyObject *)out);
}

#define REPORT_METHOD(name, type)                                                            \
	static PyObject *Store_##name(StoreObject *self, PyObject *args, PyObject *kwargs)       \
	{                                                                                        \
		return report_run(self, args, kwargs, type, "O&O&|$zzzzzzizO&O&O&Ldzz:" #name);      \
	}
REPORT_METHOD(report_scores, REPORT_SCORES)
REPORT_METHOD(report_kpis, REPORT_KPIS)
REPORT_METHOD(report_sla, REPORT_SLA)
REPORT_METHOD(report_state_times, REPORT_STATE_TIMES)
REPORT_METHOD(report_staff, REPORT_STAFF)

/* ------------------------------------------------------------------ */
/* Store: appraisals (the Pythonic methods are in csvc/_store.py)      */
/* ------------------------------------------------------------------ */

/* _record_appraisal(staff, period, source, rater, customer_satisfaction,
 * efficiency, teamwork, skill_growth, comment, actor) -> uuid.UUID */
static PyObject *Store__record_appraisal(StoreObject *self, PyObject *args)
{
	csvc_appraisal_form f;
	int source, cs, eff, team, skill;
	const char *actor;
	csvc_uuid id;
	csvc_appraisal_form_init(&f, CSVC_APPRAISAL_FORM_VERSION);
	if (!PyArg_ParseTuple(args, "zziziiiizz:_record_appraisal", &f.staff, &f.period, &source, &f.rater, &cs, &eff,
	                      &team, &skill, &f.comment, &actor))
		return NULL;
	f.source = source;
	f.customer_satisfaction = cs;
	f.efficiency = eff;
	f.teamwork = team;
	f.skill_growth = skill;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_appraisal_record(self->store, &f, actor, &id));
	return DONE(self, rc_ == CSVC_OK ? uuid_out(&id) : NULL);
}

/* _record_consent(customer, purpose, state, channel, text_version, actor) */
static PyObject *Store__record_consent(StoreObject *self, PyObject *args)
{
	csvc_consent_form f;
	csvc_uuid customer;
	int purpose, state;
	const char *actor;
	csvc_consent_form_init(&f, CSVC_CONSENT_FORM_VERSION);
	if (!PyArg_ParseTuple(args, "O&iizzz:_record_consent", conv_uuid, &customer, &purpose, &state, &f.channel,
	                      &f.text_version, &actor))
		return NULL;
	f.customer = &customer;
	f.purpose = purpose;
	f.state = state;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_consent_record(self->store, &f, actor));
	return DONE(self, Py_NewRef(Py_None));
}

/* _consent_current(customer, purpose) -> int (0: never recorded) */
static PyObject *Store__consent_current(StoreObject *self, PyObject *args)
{
	csvc_uuid customer;
	int purpose;
	int32_t state = 0;
	if (!PyArg_ParseTuple(args, "O&i:_consent_current", conv_uuid, &customer, &purpose))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_consent_current(self->store, &customer, (csvc_consent_purpose_t)purpose, &state));
	return DONE(self, rc_ == CSVC_OK ? PyLong_FromLong(state) : NULL);
}

/* _consent_history(customer) -> [(purpose, state, at, channel,
 * text_version, actor)] oldest first */
static PyObject *Store__consent_history(StoreObject *self, PyObject *args)
{
	csvc_uuid customer;
	csvc_consent **list = NULL;
	size_t n = 0;
	PyObject *out;
	if (!PyArg_ParseTuple(args, "O&:_consent_history", conv_uuid, &customer))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_consent_history(self->store, &customer, &list, &n));
	if (rc_ != CSVC_OK)
		return DONE(self, NULL);
	out = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; out != NULL && i < n; i++) {
		const csvc_consent *c = list[i];
		PyObject *t = Py_BuildValue("(iiNNNN)", (int)csvc_consent_purpose(c), (int)csvc_consent_state(c),
		                            instant_out(csvc_consent_at(c)), str_out(csvc_consent_channel(c)),
		                            str_out(csvc_consent_text_version(c)), str_out(csvc_consent_actor(c)));
		if (t == NULL)
			Py_CLEAR(out);
		else
			PyList_SET_ITEM(out, (Py_ssize_t)i, t);
	}
	csvc_consent_list_free(list, n);
	return DONE(self, out);
}

/* _customer_export(customer) -> str: the JSON document */
static PyObject *Store__customer_export(StoreObject *self, PyObject *args)
{
	csvc_uuid customer;
	char *json = NULL;
	if (!PyArg_ParseTuple(args, "O&:_customer_export", conv_uuid, &customer))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_customer_export(self->store, &customer, &json));
	PyObject *out = rc_ == CSVC_OK ? PyUnicode_FromString(json) : NULL;
	csvc_free(json);
	return DONE(self, out);
}

/* One appraisal as a tuple: (id, staff, period, source, rater,
 * customer_satisfaction, efficiency, teamwork, skill_growth, comment,
 * actor, recorded_at); scores 0 for "not scored". */
static PyObject *appraisal_tuple(const csvc_appraisal *a)
{
	return Py_BuildValue("(NNNiNiiiiNNN)", uuid_out(csvc_appraisal_id(a)), str_out(csvc_appraisal_staff(a)),
	                     str_out(csvc_appraisal_period(a)), (int)csvc_appraisal_source(a),
	                     str_out(csvc_appraisal_rater(a)),
	                     (int)csvc_appraisal_score(a, CSVC_CRITERION_CUSTOMER_SATISFACTION),
	                     (int)csvc_appraisal_score(a, CSVC_CRITERION_EFFICIENCY),
	                     (int)csvc_appraisal_score(a, CSVC_CRITERION_TEAMWORK),
	                     (int)csvc_appraisal_score(a, CSVC_CRITERION_SKILL_GROWTH), str_out(csvc_appraisal_comment(a)),
	                     str_out(csvc_appraisal_actor(a)), instant_out(csvc_appraisal_recorded_at(a)));
}

/* _appraisals(staff, period) -> [tuple] in the order recorded */
static PyObject *Store__appraisals(StoreObject *self, PyObject *args)
{
	const char *staff, *period;
	csvc_appraisal **list = NULL;
	size_t n = 0;
	PyObject *out;
	if (!PyArg_ParseTuple(args, "sz:_appraisals", &staff, &period))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_appraisal_list(self->store, staff, period, &list, &n));
	if (rc_ != CSVC_OK)
		return DONE(self, NULL);
	out = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; out != NULL && i < n; i++) {
		PyObject *t = appraisal_tuple(list[i]);
		if (t == NULL)
			Py_CLEAR(out);
		else
			PyList_SET_ITEM(out, (Py_ssize_t)i, t);
	}
	csvc_appraisal_list_free(list, n);
	return DONE(self, out);
}

/* _appraisal_summary(staff, period) -> tuple of 5 rows (every source,
 * then sources 1..4), each (records, ((count, mean or None) for every
 * criterion, then criteria 1..4)) */
static PyObject *Store__appraisal_summary(StoreObject *self, PyObject *args)
{
	const char *staff, *period;
	csvc_appraisal_summary *sum = NULL;
	PyObject *out;
	if (!PyArg_ParseTuple(args, "sz:_appraisal_summary", &staff, &period))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_appraisal_summarize(self->store, staff, period, &sum));
	if (rc_ != CSVC_OK)
		return DONE(self, NULL);
	out = PyTuple_New(5);
	for (int src = 0; out != NULL && src < 5; src++) {
		PyObject *cells = PyTuple_New(5), *row;
		for (int c = 0; cells != NULL && c < 5; c++) {
			csvc_appraisal_source_t so = (csvc_appraisal_source_t)src;
			csvc_appraisal_criterion_t cr = (csvc_appraisal_criterion_t)c;
			PyObject *cell = Py_BuildValue("(LN)", (long long)csvc_appraisal_summary_count(sum, so, cr),
			                               figure_out(csvc_appraisal_summary_mean(sum, so, cr)));
			if (cell == NULL)
				Py_CLEAR(cells);
			else
				PyTuple_SET_ITEM(cells, c, cell);
		}
		row = cells == NULL ? NULL
		                    : Py_BuildValue("(LN)", (long long)csvc_appraisal_summary_records(
		                                                sum, (csvc_appraisal_source_t)src), cells);
		if (row == NULL)
			Py_CLEAR(out);
		else
			PyTuple_SET_ITEM(out, src, row);
	}
	csvc_appraisal_summary_free(sum);
	return DONE(self, out);
}

static PyObject *Store_record_transactions(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"store_code", "date", "count", NULL};
	const char *code;
	int32_t date;
	long long count;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO&L:record_transactions", kw, &code, conv_date, &date, &count))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_report_record_transactions(self->store, code, date, count));
	return DONE(self, Py_NewRef(Py_None));
}

/*
 * The store manager's HTML dashboard (csvc_report_dashboard_html), shared
 * by Store.dashboard_html and Report.to_html. With `report` NULL the range
 * and store_code come from the arguments (Store.dashboard_html); else from
 * the report, and only the keyword options are accepted (Report.to_html).
 */
static char *dashboard_kw[] = {"from_", "to", "store_code", "title", "period_label", "min_sample",
                               "csi_target", "response_target", "top_categories", NULL};

static PyObject *dashboard_html(StoreObject *self, const ReportObject *report, PyObject *args, PyObject *kwargs)
{
	csvc_report_dashboard_options o = CSVC_REPORT_DASHBOARD_OPTIONS_INIT;
	long long min_sample = 0;
	int top = 0;
	PyObject *target = Py_None;
	char *html = NULL;
	if (report == NULL) {
		if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&|$zzzLdOi:dashboard_html", dashboard_kw,
		                                 conv_instant, &o.from, conv_instant, &o.to, &o.store_code, &o.title,
		                                 &o.period_label, &min_sample, &o.csi_target, &target, &top))
			return NULL;
	} else {
		if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$zzLdOi:to_html", dashboard_kw + 3, &o.title,
		                                 &o.period_label, &min_sample, &o.csi_target, &target, &top))
			return NULL;
		o.from = report->from;
		o.to = report->to;
		o.store_code = report->store_code;
	}
	if (target != Py_None && duration_in(target, &o.response_target_us, "response_target") < 0)
		return NULL;
	o.min_sample = min_sample;
	o.top_categories = top;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_report_dashboard_html(self->store, &o, &html));
	PyObject *out = rc_ == CSVC_OK ? PyUnicode_FromString(html) : NULL;
	csvc_free(html);
	return DONE(self, out);
}

static PyObject *Store_dashboard_html(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	return dashboard_html(self, NULL, args, kwargs);
}

/* The dashboard for a report's range and store, by the store that made it
 * (declared with the Report type). */
static PyObject *Report_to_html(ReportObject *self, PyObject *args, PyObject *kwargs)
{
	PyObject *store, *out;
	if (self->store == NULL) /* only after the collector cleared a cycle */
		return raise_closed("the store is closed");
	store = Py_NewRef(self->store); /* held across the call, whatever happens to self->store */
	out = dashboard_html((StoreObject *)store, self, args, kwargs);
	Py_DECREF(store);
	return out;
}

/* ------------------------------------------------------------------ */
/* Store: type                                                         */
/* ------------------------------------------------------------------ */

static PyGetSetDef Store_getset[] = {
	{"closed", (getter)Store_get_closed, NULL, "True once the store is closed.", NULL},
	{"path", (getter)Store_get_path, NULL, "The path the store was opened with.", NULL},
	{"clock", (getter)Store_get_clock, NULL, "The clock callable given to the constructor, or None.", NULL},
	{"zoneinfo_dir", (getter)Store_get_zoneinfo_dir, NULL,
	 "The directory of TZif files given to the constructor, or None (/usr/share/zoneinfo).", NULL},
	{"log", (getter)Store_get_log, NULL, "The log handler given to the constructor, or None.", NULL},
	{"change_hook", (getter)Store_get_change_hook, (setter)Store_set_change_hook,
	 "The change hook: a callable receiving each committed ticket Event, or None.\n\n"
	 "It runs after each successful outermost commit, on the committing thread,\n"
	 "never inside a transaction; it may call the store. If it raises, the\n"
	 "changes stay committed and the exception is raised by the call that\n"
	 "committed, after the commit.", NULL},
	{"subscribers", (getter)Store_get_subscribers, NULL,
	 "The push subscribers of this Store (subscribe, subscribe_alarms): a new dict\n"
	 "{consumer: callback}; empty once the store is closed.", NULL},
	{"tx_depth", (getter)Store_get_tx_depth, NULL, "The current transaction depth (0 outside a transaction).", NULL},
	{"schema_version", (getter)Store_get_schema_version, NULL, "The schema version of the open store.", NULL},
	{"access_control", (getter)Store_get_access_control, NULL,
	 "True if the store was opened with access_control=True: every call runs as the\n"
	 "principal (set_principal) and what its roles do not allow raises AccessDenied.\n"
	 "False in trusted mode, where nothing is checked (docs/access.md).", NULL},
	{"principal", (getter)Store_get_principal, NULL,
	 "The code of the staff member the store works for (set_principal), or None.", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

#define SM(name, doc) METH_KW(Store, name, doc)

static PyMethodDef Store_methods[] = {
	{"close", (PyCFunction)Store_close, METH_NOARGS,
	 "close($self, /)\n--\n\nCloses the store (rolls back an open transaction). Open iterators are\n"
	 "invalidated; records read from the store stay valid. Closing twice is a no-op."},
	{"now", (PyCFunction)Store_now, METH_NOARGS,
	 "now($self, /)\n--\n\nThe current time from the store's clock (aware datetime, UTC)."},
	{"begin", (PyCFunction)Store_begin, METH_NOARGS,
	 "begin($self, /)\n--\n\nStarts a write transaction (nested calls become savepoints, up to 64).\n"
	 "Prefer `with store.transaction():`."},
	{"commit", (PyCFunction)Store_commit, METH_NOARGS,
	 "commit($self, /)\n--\n\nCommits the innermost level. The change hook runs after the outermost commit."},
	{"rollback", (PyCFunction)Store_rollback, METH_NOARGS,
	 "rollback($self, /)\n--\n\nRolls back the innermost level."},
	{"install_defaults", (PyCFunction)Store_install_defaults, METH_NOARGS,
	 "install_defaults($self, /)\n--\n\nInstalls the handbook workflows, ticket kinds and channels (idempotent)."},
	{"_lock", (PyCFunction)Store_lock, METH_NOARGS, "Takes the store's lock (recursive for this thread)."},
	{"_unlock", (PyCFunction)Store_unlock, METH_NOARGS, "Releases the store's lock once."},
	SM(create_customer, "create_customer($self, /, customer, actor=None)\n--\n\n"
	   "Saves a draft Customer as a new customer; the record gets its id, revision 1\n"
	   "and times. Returns the same Customer. Raises AlreadyExists, InvalidArgument ..."),
	SM(update_customer, "update_customer($self, /, customer, actor=None)\n--\n\n"
	   "Saves the changes of a Customer read from this store (Conflict if it changed\n"
	   "since it was read). Returns the same Customer."),
	SM(get_customer, "get_customer($self, /, id)\n--\n\nReads a customer by id (NotFound if absent)."),
	SM(find_customer_by_phone, "find_customer_by_phone($self, /, phone)\n--\n\n"
	   "The active customer with this phone number (normalised comparison)."),
	SM(find_customer_by_email, "find_customer_by_email($self, /, email)\n--\n\n"
	   "The active customer with this e-mail address (case-insensitive)."),
	SM(find_customer_by_external_id, "find_customer_by_external_id($self, /, kind, value)\n--\n\n"
	   "The active customer with this external ID."),
	SM(customers, "customers($self, /, *, text=None, phone=None, email=None, tag=None, home_store=None, "
	   "customer_class=None, tier=None, lifecycle=None, include_inactive=False, created_from=None, "
	   "created_to=None, updated_from=None, updated_to=None, after=None, limit=0)\n--\n\n"
	   "Iterates the customers matching every given filter, in creation order.\n"
	   "Times are aware datetimes (ranges are [from, to)); `after` (a UUID or a\n"
	   "Customer) continues after that customer; limit 0 means no limit."),
	SM(count_customers, "count_customers($self, /, *, text=None, phone=None, email=None, tag=None, "
	   "home_store=None, customer_class=None, tier=None, lifecycle=None, include_inactive=False, "
	   "created_from=None, created_to=None, updated_from=None, updated_to=None, after=None, limit=0)\n--\n\n"
	   "Counts the customers matching the filters (same arguments as customers())."),
	SM(merge_customers, "merge_customers($self, /, keep, absorb, actor=None)\n--\n\n"
	   "Merges customer `absorb` into `keep` atomically; returns the list of\n"
	   "MergeConflict(field, key, kept, absorbed) that could not be reconciled."),
	SM(erase_customer, "erase_customer($self, /, id, actor=None)\n--\n\n"
	   "Erases the personal data of a customer (privacy request)."),
	{"scrub_customers", (PyCFunction)Store_scrub_customers, METH_NOARGS,
	 "scrub_customers($self, /)\n--\n\nFinishes pending erasures (csvc_customer_scrub): rebuilds the\n"
	 "search index and empties the write-ahead log. InvalidTransition inside a\n"
	 "transaction; Busy when another connection kept the log (call again later)."},
	{"scrub_pending", (PyCFunction)Store_scrub_pending, METH_NOARGS,
	 "scrub_pending($self, /)\n--\n\nThe instant of the oldest erasure whose data may still be on\n"
	 "disk (csvc_customer_scrub_pending), or None."},
	{"backup", (PyCFunction)Store_backup, METH_O,
	 "backup($self, path, /)\n--\n\nWrites a consistent copy of the store to the new file `path` while others\n"
	 "go on writing (csvc_store_backup). AlreadyExists if the file exists (never\n"
	 "replaced); InvalidTransition inside a transaction or on PostgreSQL (its\n"
	 "server's tools back it up); AccessDenied without store_maintain and\n"
	 "customer_export."},
	{"checkpoint", (PyCFunction)Store_checkpoint, METH_NOARGS,
	 "checkpoint($self, /)\n--\n\nCopies the write-ahead log into the main file and truncates it\n"
	 "(csvc_store_checkpoint). InvalidTransition inside a transaction; Busy when\n"
	 "another connection's snapshot kept it from finishing."},
	/* staff and teams */
	SM(create_staff, "create_staff($self, /, staff, actor=None)\n--\n\n"
	   "Saves a draft Staff with its skills and team memberships; the record gets its id,\n"
	   "revision 1 and times. Returns the same Staff. Raises AlreadyExists (the code or\n"
	   "the employee number is taken), NotFound (a team or the calendar does not exist) ..."),
	SM(update_staff, "update_staff($self, /, staff, actor=None)\n--\n\n"
	   "Saves the changes of a Staff read from this store (Conflict if it changed since\n"
	   "it was read; an update that changes nothing keeps the revision). Returns the\n"
	   "same Staff."),
	SM(get_staff, "get_staff($self, /, code)\n--\n\nReads a staff member by code, active or not (NotFound if absent)."),
	SM(get_staff_by_id, "get_staff_by_id($self, /, id)\n--\n\nReads a staff member by id, active or not (NotFound if absent)."),
	SM(staff, "staff($self, /, *, team=None, home_store=None, skill=None, status=StaffStatus.ACTIVE, after=None, "
	   "limit=0)\n--\n\n"
	   "Iterates the staff members matching every given filter, in creation order:\n"
	   "members of `team`, of `home_store`, with `skill` (a (SkillKind, value) pair),\n"
	   "by `status` (StaffStatus: ACTIVE, INACTIVE or ANY). `after` (a Staff or its id)\n"
	   "starts after that staff member; `limit` 0 means no limit. NotFound if `team`\n"
	   "names no team."),
	SM(create_team, "create_team($self, /, team, actor=None)\n--\n\n"
	   "Saves a draft Team (revision 1). Returns the same Team. AlreadyExists if the\n"
	   "code is taken."),
	SM(update_team, "update_team($self, /, team, actor=None)\n--\n\n"
	   "Saves the changes of a Team read from this store (Conflict if it changed since\n"
	   "it was read). Returns the same Team."),
	SM(get_team, "get_team($self, /, code)\n--\n\nReads a team by code, active or not (NotFound if absent)."),
	SM(teams, "teams($self, /, kind=None)\n--\n\n"
	   "The store's teams in creation order, as a list: all of them, or those of `kind`\n"
	   "(a TeamKind)."),
	SM(team_members, "team_members($self, /, code)\n--\n\n"
	   "Iterates the active members of the team with this code, in creation order\n"
	   "(NotFound if there is no such team)."),
	{"staff_references", (PyCFunction)Store_staff_references, METH_NOARGS,
	 "staff_references($self, /)\n--\n\nTrue if the store's staff references are on: a ticket's assignee and\n"
	 "team and every actor must then name the staff directory (or a system actor:\n"
	 "sla, system). The setting is stored in the store."},
	{"set_staff_references", (PyCFunction)(void (*)(void))Store_set_staff_references, METH_VARARGS | METH_KEYWORDS,
	 "set_staff_references($self, /, on, actor=None)\n--\n\nTurns the store's staff references on or off\n"
	 "(staff_manage). Turning them on checks nothing already stored (see adopt_staff)."},
	{"adopt_staff", (PyCFunction)(void (*)(void))Store_adopt_staff, METH_VARARGS | METH_KEYWORDS,
	 "adopt_staff($self, /, actor=None)\n--\n\nCreates a staff member for every free-text assignee and actor and\n"
	 "a team for every free-text ticket team, then turns the staff references on,\n"
	 "in one transaction (staff_manage). Returns (staff_created, teams_created).\n"
	 "A value that cannot be a code raises InvalidArgument and adopts nothing."},
	{"install_team_defaults", (PyCFunction)Store_install_team_defaults, METH_NOARGS,
	 "install_team_defaults($self, /)\n--\n\nInstalls the handbook's teams the store does not have yet: the\n"
	 "customer-service groups consult, complaints, floor and membership and the\n"
	 "departments property, finance, merchandise, hr and marketing (idempotent;\n"
	 "also part of install_defaults)."},
	/* roles and the principal */
	SM(create_role, "create_role($self, /, role, actor=None)\n--\n\n"
	   "Saves a draft Role (revision 1). Returns the same Role. AlreadyExists if the\n"
	   "code is taken; AccessDenied if the principal may not manage staff."),
	SM(update_role, "update_role($self, /, role, actor=None)\n--\n\n"
	   "Saves the changes of a Role read from this store (Conflict if it changed since\n"
	   "it was read; an update that changes nothing keeps the revision). Returns the\n"
	   "same Role."),
	SM(get_role, "get_role($self, /, code)\n--\n\nReads a role by code, active or not (NotFound if absent)."),
	{"roles", (PyCFunction)Store_roles, METH_NOARGS,
	 "roles($self, /)\n--\n\nThe store's roles in creation order, as a list."},
	{"install_role_defaults", (PyCFunction)Store_install_role_defaults, METH_NOARGS,
	 "install_role_defaults($self, /)\n--\n\nInstalls the handbook's roles the store does not have yet:\n"
	 "receptionist, cashier, guide, service_agent, specialist, supervisor and\n"
	 "security_officer (store scope), auditor and data_admin (chain scope)\n"
	 "(idempotent; also part of install_defaults)."},
	/* routing rules */
	SM(create_route_rule, "create_route_rule($self, /, rule, actor=None)\n--\n\n"
	   "Saves a draft RouteRule (revision 1). Returns the same RouteRule. AlreadyExists\n"
	   "if the code is taken, NotFound if its team is not stored; AccessDenied if the\n"
	   "principal may not manage definitions."),
	SM(update_route_rule, "update_route_rule($self, /, rule, actor=None)\n--\n\n"
	   "Saves the changes of a RouteRule read from this store (Conflict if it changed\n"
	   "since it was read; an update that changes nothing keeps the revision). Returns\n"
	   "the same RouteRule."),
	SM(get_route_rule, "get_route_rule($self, /, code)\n--\n\nReads a routing rule by code, active or not (NotFound if absent)."),
	{"route_rules", (PyCFunction)Store_route_rules, METH_NOARGS,
	 "route_rules($self, /)\n--\n\nThe store's routing rules, active or not, in the order they are tried\n"
	 "(position, then code), as a list."},
	{"install_route_defaults", (PyCFunction)Store_install_route_defaults, METH_NOARGS,
	 "install_route_defaults($self, /)\n--\n\nInstalls the handbook's routing rules the store does not have\n"
	 "yet: complaints to the team complaints by least load with a designated handler,\n"
	 "inquiries to the team consult in turn (idempotent). Their teams must exist\n"
	 "(NotFound otherwise). Not part of install_defaults: routing is opted into."},
	/* queues and time worked */
	SM(create_queue, "create_queue($self, /, queue, actor=None)\n--\n\n"
	   "Saves a draft Queue (revision 1). Returns the same Queue. AlreadyExists if the\n"
	   "code is taken; NotFound if a team, staff member, kind or channel it names does\n"
	   "not exist; AccessDenied without definitions_manage."),
	SM(update_queue, "update_queue($self, /, queue, actor=None)\n--\n\n"
	   "Saves the changes of a Queue read from this store (Conflict if it changed since\n"
	   "it was read). Returns the same Queue."),
	SM(get_queue, "get_queue($self, /, code)\n--\n\nReads a queue by code, active or not (NotFound if absent)."),
	{"queues", (PyCFunction)Store_queues, METH_NOARGS,
	 "queues($self, /)\n--\n\nThe store's queues in creation order, as a list."},
	{"install_queue_defaults", (PyCFunction)Store_install_queue_defaults, METH_NOARGS,
	 "install_queue_defaults($self, /)\n--\n\nInstalls the handbook's queues the store does not have yet:\n"
	 "the open tickets of each customer-service group that exists (consult_open,\n"
	 "complaints_open, floor_open, membership_open) and my_open (idempotent)."},
	SM(open_queue, "open_queue($self, /, code, for_staff=None)\n--\n\n"
	   "Iterates the tickets of a queue in its order (a StoreIterator of Ticket).\n"
	   "`for_staff` is who it is opened for (its `mine` filter); None: the principal.\n"
	   "InvalidTransition if the queue is inactive."),
	SM(count_queue, "count_queue($self, /, code, for_staff=None)\n--\n\nCounts the tickets of a queue."),
	SM(log_work, "log_work($self, /, ticket, staff, *, duration=None, start=None, end=None, kind=None,\n"
	   "         note=None, actor=None)\n--\n\n"
	   "Records time `staff` worked on a ticket: a `duration` (datetime.timedelta or int\n"
	   "microseconds, up to 24 hours) ending now, or at `end`, or starting at `start`;\n"
	   "or `start` and `end`. Append-only; the ticket does not change."),
	SM(ticket_work, "ticket_work($self, /, ticket)\n--\n\n"
	   "The time worked on a ticket, by start: a list of dicts (staff, start, end,\n"
	   "duration, kind, note, actor, recorded_at)."),
	SM(work_total, "work_total($self, /, *, ticket=None, staff=None, store_code=None, kind=None, start=None,\n"
	   "           end=None)\n--\n\n"
	   "Adds up the time worked the filters select (started in [start, end)): a tuple\n"
	   "(datetime.timedelta, number of entries). Needs reports_read."),
	SM(set_principal, "set_principal($self, /, code)\n--\n\n"
	   "Sets the staff member every later call runs as, reading their roles now (a\n"
	   "change to them takes effect at the next set_principal); None clears it.\n"
	   "NotFound for an unknown code, AccessDenied for a deactivated staff member;\n"
	   "either leaves the store without a principal. Writes record the principal as\n"
	   "their actor, and one naming another actor is refused. In trusted mode it only\n"
	   "names the actor."),
	SM(allows, "allows($self, /, permission)\n--\n\n"
	   "Whether the store's calls may use a Permission (or its name) now: always in\n"
	   "trusted mode; with access control on, when the principal's roles grant it."),
	SM(save_workflow, "save_workflow($self, /, workflow)\n--\n\n"
	   "Validates and stores a Workflow; returns its version (unchanged if equal to the newest)."),
	SM(load_workflow, "load_workflow($self, /, name, version=0)\n--\n\n"
	   "Loads a version of a workflow (0: the newest)."),
	SM(define_ticket_kind, "define_ticket_kind($self, /, name, workflow, label_zh=None, label_en=None)\n--\n\n"
	   "Defines (or rebinds) a ticket kind to run under a workflow."),
	SM(define_channel, "define_channel($self, /, name, label_zh=None, label_en=None)\n--\n\n"
	   "Defines (or relabels) a channel."),
	SM(set_priority_matrix, "set_priority_matrix($self, /, urgency, importance, impact, priority)\n--\n\n"
	   "Overrides one cell of the priority matrix."),
	SM(priority_matrix, "priority_matrix($self, /, urgency, importance, impact)\n--\n\n"
	   "The Priority that a cell of the matrix gives."),
	SM(create_ticket, "create_ticket($self, /, ticket, actor=None)\n--\n\n"
	   "Saves a draft Ticket: it gets its id, number, workflow, initial state and\n"
	   "derived priority. Returns the same Ticket."),
	SM(update_ticket, "update_ticket($self, /, ticket, actor=None)\n--\n\n"
	   "Saves the changed editable fields of a Ticket read from this store\n"
	   "(Conflict if it changed since). Returns the same Ticket."),
	SM(get_ticket, "get_ticket($self, /, id)\n--\n\nReads a ticket by id."),
	SM(get_ticket_by_number, "get_ticket_by_number($self, /, number)\n--\n\nReads a ticket by its number ('SH01-000123')."),
	SM(replay_ticket, "replay_ticket($self, /, id)\n--\n\nRebuilds a ticket from its event log alone."),
	SM(transition_ticket, "transition_ticket($self, /, id, transition, expected_revision=0, actor=None, note=None, inputs=None)\n--\n\n"
	   "Applies a workflow transition; returns the new revision. InvalidTransition if\n"
	   "the transition does not leave the current state or a guard refuses (a field or\n"
	   "approval missing: the message names it); Conflict if expected_revision (0: no\n"
	   "check) is stale. `inputs`: a dict of name to str or int, checked by the guards\n"
	   "and recorded in the event."),
	SM(approve_ticket, "approve_ticket($self, /, id, transition, expected_revision=0, actor=None, note=None, inputs=None)\n--\n\n"
	   "Approves the ticket's next `transition` from its current state, as `actor` (the\n"
	   "principal under access control), who must hold a role its approval guard names\n"
	   "(AccessDenied otherwise); `inputs` gives the approved values (e.g. amount).\n"
	   "Returns the new revision."),
	SM(assign_ticket, "assign_ticket($self, /, id, assignee=None, team=None, expected_revision=0, actor=None)\n--\n\n"
	   "Hands the ticket to an assignee and/or team (None clears); returns the new revision."),
	SM(route_ticket, "route_ticket($self, /, id, expected_revision=0, actor=None)\n--\n\n"
	   "Routes the ticket again by the routing rules (a 'routed' event says why); a\n"
	   "designated rule keeps an assignee who is active and on shift. Returns the\n"
	   "revision after the call (unchanged when the rules choose what the ticket has).\n"
	   "NotFound if no active rule matches; AccessDenied without ticket_assign."),
	SM(comment_ticket, "comment_ticket($self, /, id, kind, body, method=None, expected_revision=0, actor=None)\n--\n\n"
	   "Adds a comment of CommentKind `kind`; returns the new revision."),
	SM(link_tickets, "link_tickets($self, /, a, b, kind, actor=None)\n--\n\n"
	   "Links ticket a to ticket b (LinkKind, not MERGED_INTO)."),
	SM(handoff_ticket, "handoff_ticket($self, /, parent, department, kind=None, subject=None, description=None, "
	   "assignee=None, expected_revision=0, actor=None)\n--\n\n"
	   "Hands part of ticket `parent` off to a department (a team of kind DEPARTMENT) as a\n"
	   "sub-task with its own number, owner, state and SLA; returns the sub-task. The parent\n"
	   "keeps its assignee and team and gets a 'handed_off' event. InvalidState for a closed\n"
	   "or cancelled parent, a sub-task or a deactivated department; NotFound for an unknown\n"
	   "department; AccessDenied without ticket_create and ticket_assign."),
	SM(ticket_subtasks, "ticket_subtasks($self, /, parent)\n--\n\n"
	   "The sub-tasks handed off from ticket `parent`, oldest first, as Ticket objects."),
	SM(merge_tickets, "merge_tickets($self, /, into, source, actor=None)\n--\n\n"
	   "Merges ticket `source` into ticket `into` (source is cancelled)."),
	SM(migrate_tickets, "migrate_tickets($self, /, workflow, from_version, to_version, state_map=None, actor=None)\n--\n\n"
	   "Moves the open tickets of a workflow version to another version, mapping\n"
	   "states through `state_map` (old name -> new name); returns how many moved."),
	SM(tickets, "tickets($self, /, *, store_code=None, state=None, state_category=None, open_only=False, "
	   "kind=None, assignee=None, team=None, channel=None, customer=None, priority=None, text=None, "
	   "created_from=None, created_to=None, updated_from=None, updated_to=None, after=None, limit=0)\n--\n\n"
	   "Iterates the tickets matching every given filter, in creation order."),
	SM(count_tickets, "count_tickets($self, /, *, store_code=None, state=None, state_category=None, "
	   "open_only=False, kind=None, assignee=None, team=None, channel=None, customer=None, priority=None, "
	   "text=None, created_from=None, created_to=None, updated_from=None, updated_to=None, after=None, "
	   "limit=0)\n--\n\nCounts the tickets matching the filters (same arguments as tickets())."),
	SM(ticket_history, "ticket_history($self, /, id)\n--\n\nIterates a ticket's events (Event), oldest first."),
	{"feed_head", (PyCFunction)Store_feed_head, METH_NOARGS,
	 "feed_head($self, /)\n--\n\nThe position of the newest committed feed entry (0: none)."},
	SM(_feed_read, "_feed_read($self, /, consumer, max=100)\n--\n\n"
	   "The next entries after the consumer's cursor, as tuples (use feed_read)."),
	SM(_feed_after, "_feed_after($self, /, after=0, max=100)\n--\n\n"
	   "The entries after a position, as tuples (use feed_after)."),
	SM(feed_ack, "feed_ack($self, /, consumer, position)\n--\n\n"
	   "Moves the consumer's cursor forward to `position` (an older one changes nothing;\n"
	   "past the head raises ValueError)."),
	SM(feed_reset, "feed_reset($self, /, consumer, position)\n--\n\n"
	   "Sets the consumer's cursor to `position`, backwards or forwards."),
	SM(feed_delete, "feed_delete($self, /, consumer)\n--\n\nDeletes a consumer and its cursor."),
	SM(feed_consumer, "feed_consumer($self, /, consumer)\n--\n\n"
	   "The consumer's (position, lag); NotFound if it has no cursor."),
	{"feed_consumers", (PyCFunction)Store_feed_consumers, METH_NOARGS,
	 "feed_consumers($self, /)\n--\n\nEvery consumer as (name, position, lag), by name."},
	SM(feed_wait, "feed_wait($self, /, after, timeout_ms)\n--\n\n"
	   "Waits (GIL released) until an entry after `after` is committed by any connection,\n"
	   "or the timeout (real time): returns (True or False, head)."),
	SM(subscribe, "subscribe($self, /, consumer, callback)\n--\n\n"
	   "Subscribes callback(entry) to the feed as the consumer `consumer`: it gets each\n"
	   "FeedEntry after the consumer's cursor, in position order, after each outermost\n"
	   "commit through this Store and on deliver(), and the cursor is acknowledged\n"
	   "after each batch it handled (at least once). A normal return means handled; an\n"
	   "exception stops this subscriber, the entry is delivered again next time, and\n"
	   "the exception is raised again by the call that committed or delivered.\n"
	   "callback=None removes the subscriber (NotFound if there is none); the cursor stays."),
	SM(subscribe_alarms, "subscribe_alarms($self, /, consumer, callback)\n--\n\n"
	   "Subscribes callback(alarm) to the SLA alarms as the consumer `consumer`: every\n"
	   "warning and breach, however it was crossed, as an SlaAlarm with its feed entry's\n"
	   "`event` id and `position`; other entries only move the cursor. Delivery and\n"
	   "exceptions as subscribe(); callback=None removes the subscriber."),
	{"deliver", (PyCFunction)Store_deliver, METH_NOARGS,
	 "deliver($self, /)\n--\n\nDelivers to this Store's subscribers every entry after their cursors\n"
	 "(commits of other connections, entries a failed delivery left), outside a\n"
	 "transaction; returns how many entries they handled. The first exception a\n"
	 "subscriber raised is raised again (the others are still served)."},
	SM(save_calendar, "save_calendar($self, /, name, calendar)\n--\n\n"
	   "Saves a Calendar under `name` (1 to 128 bytes of UTF-8). Saving over a name\n"
	   "replaces the calendar, keeping its id and creation time, for every store code\n"
	   "attached to it."),
	SM(load_calendar, "load_calendar($self, /, name, *, zoneinfo_dir=None, tz=None)\n--\n\n"
	   "Loads the calendar saved as `name` (a detached Calendar). Its zone is loaded\n"
	   "from zoneinfo_dir, by default the store's zoneinfo_dir, or taken from `tz`.\n"
	   "NotFound if there is no such calendar or zone; Corrupt if the stored text no\n"
	   "longer parses."),
	SM(calendar_info, "calendar_info($self, /, name)\n--\n\n"
	   "CalendarInfo(name, id, created_at, updated_at) of the calendar saved as `name`."),
	SM(delete_calendar, "delete_calendar($self, /, name)\n--\n\n"
	   "Deletes a saved calendar (InvalidTransition while a store code is attached to it)."),
	{"calendars", (PyCFunction)Store_calendars, METH_NOARGS,
	 "calendars($self, /)\n--\n\nThe names of the saved calendars, in byte order (a list of str)."},
	SM(attach_calendar, "attach_calendar($self, /, store_code, name)\n--\n\n"
	   "Gives retail store code `store_code` (e.g. 'SH01') the saved calendar `name`,\n"
	   "replacing any attached before."),
	SM(detach_calendar, "detach_calendar($self, /, store_code)\n--\n\n"
	   "Detaches the calendar of `store_code` (NotFound if none is attached)."),
	SM(calendar_name_for_store, "calendar_name_for_store($self, /, store_code)\n--\n\n"
	   "The name of the calendar attached to `store_code` (NotFound if none)."),
	SM(calendar_for_store, "calendar_for_store($self, /, store_code, *, zoneinfo_dir=None, tz=None)\n--\n\n"
	   "Loads the calendar attached to `store_code` (as load_calendar; NotFound if none)."),
	SM(set_store_zone, "set_store_zone($self, /, store_code, zone)\n--\n\n"
	   "Sets the time zone ('Asia/Shanghai', 'UTC', '+08:00') reports use for the day,\n"
	   "week, month and quarter boundaries of `store_code` when no calendar is attached\n"
	   "to it (a calendar's zone wins). The zone's data is kept in the store; NotFound\n"
	   "if the zone is neither kept in the store nor in its zoneinfo_dir."),
	SM(clear_store_zone, "clear_store_zone($self, /, store_code)\n--\n\n"
	   "Removes the time zone of `store_code` (NotFound if none is set)."),
	SM(store_zone, "store_zone($self, /, store_code)\n--\n\n"
	   "The time zone set for `store_code` itself (NotFound if none; see tz_for_store)."),
	SM(set_default_zone, "set_default_zone($self, /, zone)\n--\n\n"
	   "Sets the store-wide default time zone: that of store codes with neither a\n"
	   "calendar nor a zone of their own, and of reports over every store code. A\n"
	   "till serving one shop sets it once."),
	{"clear_default_zone", (PyCFunction)Store_clear_default_zone, METH_NOARGS,
	 "clear_default_zone($self, /)\n--\n\nRemoves the default time zone (NotFound if none is set)."},
	{"default_zone", (PyCFunction)Store_default_zone, METH_NOARGS,
	 "default_zone($self, /)\n--\n\nThe store-wide default time zone (NotFound if none is set)."},
	SM(add_zone, "add_zone($self, /, name, tzif)\n--\n\n"
	   "Keeps TZif data (bytes, RFC 8536) in the store as the zone `name`, replacing the\n"
	   "store's copy: calendars and store zones load `name` from it first, so the store\n"
	   "works without a zoneinfo directory. Corrupt for data that is not TZif;\n"
	   "InvalidArgument for 'UTC' and fixed offsets, which need none."),
	SM(_tz_for_store, "_tz_for_store($self, /, store_code=None)\n--\n\n"
	   "(TimeZone, source) reports use for `store_code`; see Store.tz_for_store."),
	SM(save_sla_policy, "save_sla_policy($self, /, policy)\n--\n\n"
	   "Validates and stores an SlaPolicy; returns its version (unchanged if equal to the\n"
	   "newest). InvalidArgument for a policy without targets, a target nothing\n"
	   "satisfies, or an escalation that does not fit."),
	SM(load_sla_policy, "load_sla_policy($self, /, name, version=0)\n--\n\n"
	   "Loads a version of an SLA policy (0: the newest)."),
	SM(retire_sla_policy, "retire_sla_policy($self, /, name)\n--\n\n"
	   "Stops policy `name` from matching new tickets (running tickets keep it)."),
	{"install_sla_defaults", (PyCFunction)Store_install_sla_defaults, METH_NOARGS,
	 "install_sla_defaults($self, /)\n--\n\nInstalls the handbook SLA policies (idempotent; also part of install_defaults)."},
	SM(sla_targets, "sla_targets($self, /, ticket)\n--\n\n"
	   "Iterates the SlaTarget values of a ticket, in policy order, as of the store clock."),
	SM(sla_at_risk, "sla_at_risk($self, /, limit=0)\n--\n\n"
	   "Iterates the running targets past a warning but not their deadline, by due time,\n"
	   "as of the store clock (whether or not sla_advance has recorded the warning)."),
	SM(sla_breached, "sla_breached($self, /, limit=0)\n--\n\n"
	   "Iterates the targets breached and not yet satisfied, by breach time, as of the\n"
	   "store clock: a running target past its deadline is listed (status BREACHED,\n"
	   "breached_at its deadline) before sla_advance records the breach."),
	SM(sla_advance, "sla_advance($self, /, now, callback=None)\n--\n\n"
	   "Emits every SLA warning and breach whose instant has come by `now`, in time\n"
	   "order, each exactly once (as ticket events dated at the crossing instant, with\n"
	   "their escalations); returns how many were emitted. `callback(alarm)` receives\n"
	   "each SlaAlarm after it is committed. It may read the store; writing raises\n"
	   "InvalidTransition. A true return value stops the walk (the rest stay pending);\n"
	   "an exception stops it and is raised again, unchanged, by sla_advance."),
	{"sla_next_wakeup", (PyCFunction)Store_sla_next_wakeup, METH_NOARGS,
	 "sla_next_wakeup($self, /)\n--\n\n"
	 "The instant of the earliest pending warning or breach (aware datetime), or None:\n"
	 "call sla_advance then, instead of polling."},
	SM(sla_recompute, "sla_recompute($self, /, ticket, rewrite=False)\n--\n\n"
	   "Rebuilds a ticket's SLA targets from its event log; True when they agree with the\n"
	   "maintained state. With rewrite=True the rebuilt state replaces it."),
	SM(sla_rematch, "sla_rematch($self, /, ticket)\n--\n\n"
	   "Matches the ticket against the current SLA policies now (csvc_sla_rematch): if\n"
	   "another policy, or a newer version of its own, wins, the ticket moves to it.\n"
	   "Returns True when it moved. NotFound for an unknown ticket."),
	SM(save_survey, "save_survey($self, /, survey)\n--\n\n"
	   "Validates and stores a Survey; returns its version (unchanged if equal to the\n"
	   "newest stored version, else newest + 1). Stored versions never change."),
	SM(load_survey, "load_survey($self, /, name, version=0)\n--\n\n"
	   "Loads a version of a survey (0: the newest)."),
	{"install_survey_defaults", (PyCFunction)Store_install_survey_defaults, METH_NOARGS,
	 "install_survey_defaults($self, /)\n--\n\nInstalls the handbook survey templates 'post_resolution', 'mall',\n"
	 "'nps', 'servqual' and 'servqual_handbook' (idempotent; also part of install_defaults)."},
	SM(invite, "invite($self, /, survey, *, ticket=None, customer=None, store_code=None, staff=None, "
	   "channel=None, method=None, expires=None)\n--\n\n"
	   "Creates a single-use invitation to the newest version of survey `survey` and\n"
	   "returns its token (32 lower-case hex digits). It is bound to a ticket and/or a\n"
	   "customer (at least one; a UUID, a Ticket or a Customer), a store code, a staff\n"
	   "member, a channel and a SurveyMethod `method` (required; or its lower-case\n"
	   "name). The ticket fills in what is not given: its customer, store code,\n"
	   "assignee (as the staff member) and channel. `expires` is a validity (timedelta\n"
	   "or int microseconds from the store clock) or an aware datetime; None: 7 days."),
	SM(respond, "respond($self, /, token, answers)\n--\n\n"
	   "Records the response to invitation `token`, validated against the survey version\n"
	   "it was made for, and returns the response's UUID. `answers` maps question names\n"
	   "to an int (Likert, NPS, CES score), a bool (yes/no), an (expectation, perception)\n"
	   "tuple (SERVQUAL), a str (free text) or a csvc.Choice (an option); None leaves a\n"
	   "question unanswered. NotFound (no such token), AlreadyExists (answered already),\n"
	   "InvalidTransition (expired), InvalidArgument (unknown question, wrong kind of\n"
	   "answer, unknown option, required question unanswered), OutOfRange (a score off\n"
	   "the scale). Nothing is written on any error."),
	SM(respond_anonymous, "respond_anonymous($self, /, survey, answers, *, store_code=None, method=None, "
	   "channel=None, staff=None)\n--\n\n"
	   "Records a response without an invitation to the newest version of survey\n"
	   "`survey`, which must allow anonymous responses (else InvalidTransition); returns\n"
	   "the response's UUID. store_code and method are required. Answers and errors as\n"
	   "for respond()."),
	SM(report_scores, "report_scores($self, /, from_, to, *, store_code=None, staff=None, channel=None, "
	   "kind=None, category=None, survey=None, survey_version=0, question=None, method=None, group_by=None, "
	   "period=None, min_sample=0, csi_target=0.0, response_target=None, resolution_target=None)\n--\n\n"
	   "Satisfaction scores (CSAT, NPS, CES, CSI, SERVQUAL gaps) of the responses\n"
	   "submitted in [from_, to) that match the filters, one row per group; a Report.\n"
	   "group_by is a ReportGroup or its name ('store', 'staff', 'channel', 'kind',\n"
	   "'category', 'period', 'method'; None: one row 'all'); period a ReportPeriod or\n"
	   "its name (None: month); method a SurveyMethod or its name. min_sample 0 means\n"
	   "30, csi_target 0 means 85."),
	SM(report_kpis, "report_kpis($self, /, from_, to, *, store_code=None, staff=None, channel=None, kind=None, "
	   "category=None, survey=None, survey_version=0, question=None, method=None, group_by=None, period=None, "
	   "min_sample=0, csi_target=0.0, response_target=None, resolution_target=None)\n--\n\n"
	   "Service KPIs of the tickets created in [from_, to) (backlog: at each row's end),\n"
	   "with the satisfaction scores of the responses in range in the same grouping;\n"
	   "arguments as report_scores (grouping by method is InvalidArgument)."),
	SM(report_sla, "report_sla($self, /, from_, to, *, store_code=None, staff=None, channel=None, kind=None, "
	   "category=None, survey=None, survey_version=0, question=None, method=None, group_by=None, period=None, "
	   "min_sample=0, csi_target=0.0, response_target=None, resolution_target=None)\n--\n\n"
	   "SLA compliance per target name, for the tickets created in [from_, to): one row\n"
	   "per name with on time, breached and compliance; group_by is ignored."),
	SM(report_state_times, "report_state_times($self, /, from_, to, *, store_code=None, staff=None, channel=None, "
	   "kind=None, category=None, survey=None, survey_version=0, question=None, method=None, group_by=None, "
	   "period=None, min_sample=0, csi_target=0.0, response_target=None, resolution_target=None)\n--\n\n"
	   "Time spent in each state by the tickets created in [from_, to): one row per\n"
	   "'workflow/state' (visits, total, mean, median and p90 wall-clock time; the\n"
	   "current state counts up to the store clock); group_by is ignored."),
	SM(dashboard_html, "dashboard_html($self, /, from_, to, *, store_code=None, title=None, period_label=None, "
	   "min_sample=0, csi_target=0.0, response_target=None, top_categories=0)\n--\n\n"
	   "The store manager's dashboard over [from_, to) as one self-contained HTML page\n"
	   "(a str): KPI tiles against their targets, trends by week and month, stores side\n"
	   "by side, SLA compliance, time in each state, CSAT and NPS with their intervals\n"
	   "and the top categories, with the reports' JSON embedded (csvc_report_dashboard_html).\n"
	   "response_target is a timedelta or int microseconds (None: 30 minutes);\n"
	   "min_sample 0 means 30, csi_target 0 means 85, top_categories 0 means 8."),
	SM(report_staff, "report_staff($self, /, from_, to, *, store_code=None, staff=None, channel=None, "
	   "kind=None, category=None, survey=None, survey_version=0, question=None, method=None, group_by=None, "
	   "period=None, min_sample=0, csi_target=0.0, response_target=None, resolution_target=None)\n--\n\n"
	   "One staff member's figures for an appraisal (staff is required and names a staff\n"
	   "member, else NotFound): the KPI report of the tickets assigned to them and\n"
	   "created in [from_, to), the satisfaction of the responses naming them, and the\n"
	   "metrics 'resolved_in_range' (their tickets resolved in range, whenever created)\n"
	   "and 'complaints_resolved'. One row keyed by the staff code; group_by None or\n"
	   "'period' (any other is InvalidArgument)."),
	{"_record_appraisal", (PyCFunction)Store__record_appraisal, METH_VARARGS, NULL},
	{"_record_consent", (PyCFunction)Store__record_consent, METH_VARARGS, NULL},
	{"_consent_current", (PyCFunction)Store__consent_current, METH_VARARGS, NULL},
	{"_consent_history", (PyCFunction)Store__consent_history, METH_VARARGS, NULL},
	{"_customer_export", (PyCFunction)Store__customer_export, METH_VARARGS, NULL},
	{"_appraisals", (PyCFunction)Store__appraisals, METH_VARARGS, NULL},
	{"_appraisal_summary", (PyCFunction)Store__appraisal_summary, METH_VARARGS, NULL},
	SM(record_transactions, "record_transactions($self, /, store_code, date, count)\n--\n\n"
	   "Records the number of sales transactions of store `store_code` on local date\n"
	   "`date` (a datetime.date), replacing an earlier count, for the complaint rate."),
	{NULL, NULL, 0, NULL},
};

static PyTypeObject StoreType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "csvc._csvc.Store",
	.tp_basicsize = sizeof(StoreObject),
	.tp_dealloc = (destructor)Store_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
	.tp_doc = PyDoc_STR("The low-level store; use csvc.Store."),
	.tp_traverse = (traverseproc)Store_traverse,
	.tp_clear = (inquiry)Store_clear,
	.tp_methods = Store_methods,
	.tp_getset = Store_getset,
	.tp_init = (initproc)Store_init,
	.tp_new = Store_new,
};

/* ------------------------------------------------------------------ */
/* Module                                                              */
/* ------------------------------------------------------------------ */

static PyObject *mod_normalize_phone(PyObject *m, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"phone", "country_code", NULL};
	const char *phone, *cc = NULL;
	char out[128];
	(void)m;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|z:normalize_phone", kw, &phone, &cc) ||
	    check_rc(csvc_phone_normalize(phone, cc, out, sizeof(out))))
		return NULL;
	return PyUnicode_FromString(out);
}

static PyObject *mod_verify_store(PyObject *m, PyObject *arg)
{
	PyObject *path = NULL;
	int32_t version = 0;
	int rc;
	(void)m;
	if (!PyUnicode_FSConverter(arg, &path))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	rc = csvc_store_verify(PyBytes_AS_STRING(path), NULL, &version);
	Py_END_ALLOW_THREADS
	Py_DECREF(path);
	if (check_rc(rc))
		return NULL;
	return PyLong_FromLong(version);
}

static PyObject *mod_library_version(PyObject *m, PyObject *unused)
{
	(void)m;
	(void)unused;
	return PyUnicode_FromString(csvc_version());
}

static PyObject *mod_raise_error(PyObject *m, PyObject *args)
{
	int code, engine_code = 0;
	const char *message = "", *engine = NULL, *sqlstate = "";
	(void)m;
	if (!PyArg_ParseTuple(args, "i|szis:_raise_error", &code, &message, &engine, &engine_code, &sqlstate))
		return NULL;
	return raise_code(code, message, engine, engine_code, sqlstate);
}

static PyObject *mod_metric_name(PyObject *m, PyObject *arg)
{
	int32_t metric;
	(void)m;
	if (int32_in(arg, &metric, "metric"))
		return NULL;
	return str_out(csvc_enum_name(CSVC_ENUM_REPORT_METRIC, metric));
}

/* _enum_name(which, value): csvc_enum_name, None when it has no name. */
static PyObject *mod_enum_name(PyObject *m, PyObject *args)
{
	int which, value;
	(void)m;
	if (!PyArg_ParseTuple(args, "ii:_enum_name", &which, &value))
		return NULL;
	const char *name = csvc_enum_name((csvc_enum_t)which, value);
	if (name == NULL)
		Py_RETURN_NONE;
	return PyUnicode_FromString(name);
}

/* _enum_parse(which, name): csvc_enum_parse; InvalidArgument when unknown. */
static PyObject *mod_enum_parse(PyObject *m, PyObject *args)
{
	int which;
	const char *name;
	int32_t value = 0;
	(void)m;
	if (!PyArg_ParseTuple(args, "is:_enum_parse", &which, &name))
		return NULL;
	int rc = csvc_enum_parse((csvc_enum_t)which, name, &value);
	if (rc != CSVC_OK)
		return raise_last(rc);
	return PyLong_FromLong(value);
}

/* The csvc_enum_t of each IntEnum of csvc/_enums.py, for _enum_name and
 * _enum_parse. */
static const struct {
	const char *type_name;
	csvc_enum_t which;
} enum_ids[] = {
	{"ErrorCode", CSVC_ENUM_ERROR},
	{"Durability", CSVC_ENUM_DURABILITY},
	{"OpenFlag", CSVC_ENUM_OPEN_FLAG},
	{"LogLevel", CSVC_ENUM_LOG_LEVEL},
	{"CustomerClass", CSVC_ENUM_CUSTOMER_CLASS},
	{"Tier", CSVC_ENUM_VALUE_TIER},
	{"Lifecycle", CSVC_ENUM_LIFECYCLE},
	{"StateCategory", CSVC_ENUM_STATE_CATEGORY},
	{"Urgency", CSVC_ENUM_URGENCY},
	{"Importance", CSVC_ENUM_IMPORTANCE},
	{"Impact", CSVC_ENUM_IMPACT},
	{"Priority", CSVC_ENUM_PRIORITY},
	{"CommentKind", CSVC_ENUM_COMMENT_KIND},
	{"LinkKind", CSVC_ENUM_LINK_KIND},
	{"Disambiguation", CSVC_ENUM_TZ_DISAMBIGUATION},
	{"ZoneSource", CSVC_ENUM_ZONE_SOURCE},
	{"SlaCalendar", CSVC_ENUM_SLA_CALENDAR},
	{"SlaStatus", CSVC_ENUM_SLA_STATUS},
	{"SlaAction", CSVC_ENUM_SLA_ACTION},
	{"QuestionType", CSVC_ENUM_QUESTION_TYPE},
	{"SurveyMethod", CSVC_ENUM_SURVEY_METHOD},
	{"ReportGroup", CSVC_ENUM_REPORT_GROUP},
	{"ReportPeriod", CSVC_ENUM_REPORT_PERIOD},
	{"Metric", CSVC_ENUM_REPORT_METRIC},
	{"SkillKind", CSVC_ENUM_SKILL_KIND},
	{"TeamKind", CSVC_ENUM_TEAM_KIND},
	{"StaffStatus", CSVC_ENUM_STAFF_STATUS},
	{"Permission", CSVC_ENUM_PERMISSION},
	{"RoleScope", CSVC_ENUM_ROLE_SCOPE},
	{"RouteStrategy", CSVC_ENUM_ROUTE_STRATEGY},
	{"QueueOrder", CSVC_ENUM_QUEUE_ORDER},
	{"AppraisalSource", CSVC_ENUM_APPRAISAL_SOURCE},
	{"AppraisalCriterion", CSVC_ENUM_APPRAISAL_CRITERION},
	{"ConsentPurpose", CSVC_ENUM_CONSENT_PURPOSE},
	{"ConsentState", CSVC_ENUM_CONSENT_STATE},
};

static PyObject *enum_id_dict(void)
{
	PyObject *d = PyDict_New();
	for (size_t i = 0; d != NULL && i < sizeof(enum_ids) / sizeof(enum_ids[0]); i++) {
		PyObject *v = PyLong_FromLong(enum_ids[i].which);
		if (v == NULL || PyDict_SetItemString(d, enum_ids[i].type_name, v) < 0)
			Py_CLEAR(d);
		Py_XDECREF(v);
	}
	return d;
}

static PyObject *mod_strerror(PyObject *m, PyObject *arg)
{
	long code = PyLong_AsLong(arg);
	(void)m;
	if (code == -1 && PyErr_Occurred())
		return NULL;
	return PyUnicode_FromString(csvc_strerror((int)code));
}

static PyObject *mod_is_system_actor(PyObject *m, PyObject *arg)
{
	const char *name;
	(void)m;
	if (!PyUnicode_Check(arg)) {
		PyErr_SetString(PyExc_TypeError, "is_system_actor() expects a str");
		return NULL;
	}
	if ((name = PyUnicode_AsUTF8(arg)) == NULL)
		return NULL;
	return PyBool_FromLong(csvc_staff_is_system_actor(name));
}

static int bind_get(PyObject *ns, const char *name, PyObject **slot)
{
	PyObject *v = PyDict_GetItemString(ns, name);
	if (v == NULL) {
		PyErr_Format(PyExc_KeyError, "_bind: missing %s", name);
		return -1;
	}
	Py_XSETREF(*slot, Py_NewRef(v));
	return 0;
}

/* _bind(namespace): takes the enums, exception classes and value types
 * defined in Python. */
static PyObject *mod_bind(PyObject *m, PyObject *ns)
{
	(void)m;
	if (!PyDict_Check(ns)) {
		PyErr_SetString(PyExc_TypeError, "_bind needs a dict");
		return NULL;
	}
	if (bind_get(ns, "Error", &g_error_base) || bind_get(ns, "_ERROR_CLASSES", &g_error_classes) ||
	    bind_get(ns, "StoreClosed", &g_store_closed) || bind_get(ns, "UUID", &g_uuid_type) ||
	    bind_get(ns, "Event", &g_event_type) || bind_get(ns, "MergeConflict", &g_conflict_type) ||
	    bind_get(ns, "State", &g_state_type) || bind_get(ns, "Transition", &g_transition_type) ||
	    bind_get(ns, "Guard", &g_guard_type) ||
	    bind_get(ns, "LifecycleEntry", &g_lifecycle_entry_type) ||
	    bind_get(ns, "ZoneOffset", &g_zone_offset_type) ||
	    bind_get(ns, "CalendarInfo", &g_calendar_info_type) ||
	    bind_get(ns, "SlaTarget", &g_sla_target_type) || bind_get(ns, "SlaAlarm", &g_sla_alarm_type) ||
	    bind_get(ns, "FeedEntry", &g_feed_entry_type) ||
	    bind_get(ns, "SlaPolicyTarget", &g_policy_target_type) ||
	    bind_get(ns, "SurveyDimension", &g_survey_dim_type) ||
	    bind_get(ns, "SurveyQuestion", &g_survey_question_type) ||
	    bind_get(ns, "SurveyQuestionRef", &g_question_ref_type) || bind_get(ns, "Choice", &g_choice_type) ||
	    bind_get(ns, "ReportRow", &g_report_row_type))
		return NULL;
	for (int e = 0; e < E_COUNT; e++) {
		PyObject *cls = PyDict_GetItemString(ns, enum_names[e]);
		if (cls == NULL) {
			PyErr_Format(PyExc_KeyError, "_bind: missing %s", enum_names[e]);
			return NULL;
		}
		for (int v = 0; v < ENUM_MAX; v++) {
			PyObject *member = PyObject_CallFunction(cls, "i", v);
			if (member == NULL) {
				PyErr_Clear();
				continue;
			}
			Py_XSETREF(enum_members[e][v], member);
		}
	}
	g_bound = 1;
	Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
	{"normalize_phone", (PyCFunction)(void (*)(void))mod_normalize_phone, METH_VARARGS | METH_KEYWORDS,
	 "normalize_phone(phone, country_code=None)\n--\n\n"
	 "Normalises a phone number the way stores compare them: '+<country code><number>'.\n"
	 "country_code None means '86'. InvalidArgument if it is not a phone number."},
	{"verify_store", mod_verify_store, METH_O,
	 "verify_store(path, /)\n--\n\nChecks a store file without changing it (csvc_store_verify): a libcsvc\n"
	 "store this version reads, every page, index and reference sound. Returns its\n"
	 "schema version; Corrupt names the first problem, NotAStore, VersionError,\n"
	 "NotFound as for opening."},
	{"library_version", mod_library_version, METH_NOARGS,
	 "library_version()\n--\n\nThe version of the libcsvc library in use."},
	{"strerror", mod_strerror, METH_O, "strerror(code, /)\n--\n\nThe library's description of an error code."},
	{"is_system_actor", mod_is_system_actor, METH_O,
	 "is_system_actor(name, /)\n--\n\nTrue for the library's system actors ('sla', 'system'), which every store\n"
	 "accepts as actors whatever its staff references."},
	{"metric_name", mod_metric_name, METH_O,
	 "metric_name(metric, /)\n--\n\nThe JSON name of a report Metric ('csat', 'nps_se', 'response_p90_us' ...),\n"
	 "or None for a value this version does not know."},
	{"_enum_name", mod_enum_name, METH_VARARGS,
	 "_enum_name(which, value, /)\n--\n\nThe library's machine name of a value of enum `which` (an entry of\n"
	 "_ENUM_IDS), or None."},
	{"_enum_parse", mod_enum_parse, METH_VARARGS,
	 "_enum_parse(which, name, /)\n--\n\nThe value of the library's machine name `name` in enum `which`;\n"
	 "InvalidArgument when it has none."},
	{"_raise_error", mod_raise_error, METH_VARARGS, "Raises the exception of a library error code (for tests)."},
	{"_bind", mod_bind, METH_O, "Receives the Python-level types (called once by csvc/__init__.py)."},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef csvc_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "csvc._csvc",
	.m_doc = "The C extension behind the csvc package: libcsvc's stores, records, iterators,\n"
	         "time zones, calendars, SLA policies, surveys and reports.",
	.m_size = -1,
	.m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__csvc(void)
{
	PyObject *m, *utc;
	PyDateTime_IMPORT;
	if (PyDateTimeAPI == NULL)
		return NULL;
	if (PyType_Ready(&CustomerType) < 0 || PyType_Ready(&TicketType) < 0 ||
	    PyType_Ready(&WorkflowType) < 0 || PyType_Ready(&StoreType) < 0 || PyType_Ready(&IterType) < 0 ||
	    PyType_Ready(&TimeZoneType) < 0 || PyType_Ready(&CalendarType) < 0 || PyType_Ready(&SlaPolicyType) < 0 ||
	    PyType_Ready(&SurveyType) < 0 || PyType_Ready(&ReportType) < 0 || PyType_Ready(&StaffType) < 0 ||
	    PyType_Ready(&TeamType) < 0 || PyType_Ready(&RoleType) < 0 || PyType_Ready(&RouteRuleType) < 0 ||
	    PyType_Ready(&QueueType) < 0)
		return NULL;
	utc = PyDateTime_TimeZone_UTC;
	g_epoch = PyDateTimeAPI->DateTime_FromDateAndTime(1970, 1, 1, 0, 0, 0, 0, utc, PyDateTimeAPI->DateTimeType);
	g_str_bytes = PyUnicode_InternFromString("bytes");
	g_empty_tuple = PyTuple_New(0);
	if (g_epoch == NULL || g_str_bytes == NULL || g_empty_tuple == NULL)
		return NULL;
	m = PyModule_Create(&csvc_module);
	if (m == NULL)
		return NULL;
	if (PyModule_AddObjectRef(m, "Customer", (PyObject *)&CustomerType) < 0 ||
	    PyModule_AddObjectRef(m, "Ticket", (PyObject *)&TicketType) < 0 ||
	    PyModule_AddObjectRef(m, "Workflow", (PyObject *)&WorkflowType) < 0 ||
	    PyModule_AddObjectRef(m, "Store", (PyObject *)&StoreType) < 0 ||
	    PyModule_AddObjectRef(m, "StoreIterator", (PyObject *)&IterType) < 0 ||
	    PyModule_AddObjectRef(m, "TimeZone", (PyObject *)&TimeZoneType) < 0 ||
	    PyModule_AddObjectRef(m, "Calendar", (PyObject *)&CalendarType) < 0 ||
	    PyModule_AddObjectRef(m, "SlaPolicy", (PyObject *)&SlaPolicyType) < 0 ||
	    PyModule_AddObjectRef(m, "Survey", (PyObject *)&SurveyType) < 0 ||
	    PyModule_AddObjectRef(m, "Report", (PyObject *)&ReportType) < 0 ||
	    PyModule_AddObjectRef(m, "Staff", (PyObject *)&StaffType) < 0 ||
	    PyModule_AddObjectRef(m, "Team", (PyObject *)&TeamType) < 0 ||
	    PyModule_AddObjectRef(m, "Role", (PyObject *)&RoleType) < 0 ||
	    PyModule_AddObjectRef(m, "RouteRule", (PyObject *)&RouteRuleType) < 0 ||
	    PyModule_AddObjectRef(m, "Queue", (PyObject *)&QueueType) < 0 ||
	    PyModule_AddIntConstant(m, "SCHEMA_VERSION_SUPPORTED", csvc_store_schema_version_supported()) < 0 ||
	    PyModule_AddStringConstant(m, "LIBRARY_VERSION", csvc_version()) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	PyObject *ids = enum_id_dict();
	if (ids == NULL || PyModule_AddObjectRef(m, "_ENUM_IDS", ids) < 0) {
		Py_XDECREF(ids);
		Py_DECREF(m);
		return NULL;
	}
	Py_DECREF(ids);
#define LIMIT(name) PyModule_AddIntConstant(m, #name, CSVC_##name)
	if (LIMIT(CUSTOMER_MAX_NAME) || LIMIT(CUSTOMER_MAX_ADDRESS) || LIMIT(CUSTOMER_MAX_NOTES) ||
	    LIMIT(CUSTOMER_MAX_PHONES) || LIMIT(CUSTOMER_MAX_TAGS) || LIMIT(CUSTOMER_MAX_ACTOR) ||
	    LIMIT(TICKET_MAX_SUBJECT) || LIMIT(TICKET_MAX_DESCRIPTION) || LIMIT(TICKET_MAX_COMMENT) ||
	    LIMIT(WORKFLOW_MAX_NAME) || LIMIT(WORKFLOW_MAX_STATES) || LIMIT(CALENDAR_TEXT_MAX) ||
	    LIMIT(CALENDAR_NAME_MAX) || LIMIT(CALENDAR_DAY_INTERVALS_MAX) || LIMIT(CALENDAR_VERSIONS_MAX) ||
	    LIMIT(CALENDAR_DAYS_MAX) || LIMIT(STORE_CODE_MAX) || LIMIT(SLA_MAX_NAME) || LIMIT(SLA_MAX_TARGETS) ||
	    LIMIT(SLA_MAX_WARNINGS) || LIMIT(SLA_MAX_STATES) || LIMIT(SLA_MAX_ESCALATIONS) || LIMIT(SURVEY_MAX_NAME) ||
	    LIMIT(SURVEY_MAX_LABEL) || LIMIT(SURVEY_MAX_QUESTIONS) || LIMIT(SURVEY_MAX_DIMENSIONS) ||
	    LIMIT(SURVEY_MAX_OPTIONS) || LIMIT(SURVEY_MAX_TEXT) || LIMIT(SURVEY_MAX_PERSON) || LIMIT(SURVEY_TOKEN_LEN) ||
	    LIMIT(STAFF_MAX_CODE) || LIMIT(STAFF_MAX_NAME) || LIMIT(STAFF_MAX_EMPLOYEE_NO) ||
	    LIMIT(STAFF_MAX_STORE_CODE) || LIMIT(STAFF_MAX_CALENDAR) || LIMIT(STAFF_MAX_SKILL) ||
	    LIMIT(STAFF_MAX_ACTOR) || LIMIT(STAFF_MAX_SKILLS) || LIMIT(STAFF_MAX_TEAMS) ||
	    LIMIT(STAFF_MAX_ROLES) || LIMIT(ROLE_MAX_CODE) || LIMIT(ROLE_MAX_NAME) || LIMIT(TEAM_MAX_CODE) ||
	    LIMIT(TEAM_MAX_NAME)) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
