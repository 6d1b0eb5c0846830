/*
 * csvc._csvc: the CPython extension module behind the `csvc` package.
 *
 * It wraps the public libcsvc API (include/csvc.h) and nothing else. The
 * pure-Python package on top (csvc/__init__.py) defines the enums, the
 * exception classes and the small value types, and hands them to this
 * module with _bind() at import time; the Store, the records and the
 * iterators live here.
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
	E_COUNT
};

#define ENUM_MAX 16

static const char *const enum_names[E_COUNT] = {
	"CustomerClass", "Tier", "Lifecycle", "StateCategory", "Urgency", "Importance",
	"Impact", "Priority", "CommentKind", "LinkKind", "LogLevel", "Durability",
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
static PyObject *g_lifecycle_entry_type; /* csvc.LifecycleEntry */
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
	int sqlite_code;
	char message[512];
} errsnap;

static void snap_take(errsnap *e, int rc)
{
	const csvc_error *le = csvc_error_last();
	e->code = rc;
	if (le->code == rc) {
		e->sqlite_code = le->sqlite_code;
		snprintf(e->message, sizeof(e->message), "%s", le->message);
	} else {
		e->sqlite_code = 0;
		snprintf(e->message, sizeof(e->message), "%s", csvc_strerror(rc));
	}
}

static PyObject *raise_code(int code, const char *message, int sqlite_code)
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
	exc = PyObject_CallFunction(cls, "sii", message, code, sqlite_code);
	if (exc == NULL)
		return NULL;
	PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
	Py_DECREF(exc);
	return NULL;
}

static PyObject *raise_snap(const errsnap *e)
{
	return raise_code(e->code, e->message, e->sqlite_code);
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

/* A UUID argument: uuid.UUID, its text form, 16 bytes, or a saved
 * Customer or Ticket (meaning its id). */
static int uuid_in(PyObject *o, csvc_uuid *out)
{
	if (PyObject_TypeCheck(o, &CustomerType)) {
		const csvc_uuid *id = csvc_customer_id(((CustomerObject *)o)->c);
		if (id == NULL || csvc_uuid_is_nil(id)) {
			raise_code(CSVC_EINVAL, "the customer is a draft and has no id yet", 0);
			return -1;
		}
		*out = *id;
		return 0;
	}
	if (PyObject_TypeCheck(o, &TicketType)) {
		const csvc_uuid *id = csvc_ticket_id(((TicketObject *)o)->t);
		if (id == NULL || csvc_uuid_is_nil(id)) {
			raise_code(CSVC_EINVAL, "the ticket is a draft and has no id yet", 0);
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
	PyErr_Format(PyExc_TypeError, "expected a uuid.UUID, str, Customer or Ticket, not %.100s",
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

static PyObject *time_out(csvc_time_us us)
{
	PyObject *delta, *r;
	int64_t days, rem;
	if (us == 0)
		Py_RETURN_NONE;
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

#define CUST_ENUM(prop, field, e)                                                            \
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
		return check_rc(csvc_customer_set_##field(self->c, x));                              \
	}
CUST_ENUM(customer_class, class, E_CUSTOMER_CLASS)
CUST_ENUM(tier, tier, E_TIER)
CUST_ENUM(lifecycle, lifecycle, E_LIFECYCLE)

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
	{NULL, NULL, NULL, NULL, NULL},
};

#define METH_KW(type, name, doc) {#name, (PyCFunction)(void (*)(void))type##_##name, METH_VARARGS | METH_KEYWORDS, doc}

static PyMethodDef Workflow_methods[] = {
	METH_KW(Workflow, add_state, "add_state($self, /, name, category, label_zh=None, label_en=None)\n--\n\n"
	        "Adds a state in StateCategory `category` (AlreadyExists if the name is taken)."),
	METH_KW(Workflow, add_transition, "add_transition($self, /, name, from_state, to_state)\n--\n\n"
	        "Adds transition `name` from one state to another."),
	{"validate", (PyCFunction)Workflow_validate, METH_NOARGS,
	 "validate($self, /)\n--\n\nChecks the definition; raises InvalidArgument naming the problem."},
	METH_O_(Workflow, state_category, "state_category($self, state, /)\n--\n\n"
	        "The StateCategory of state `state`, or None if there is no such state."),
	METH_KW(Workflow, target, "target($self, /, from_state, transition)\n--\n\n"
	        "Where `transition` leads from `from_state` (InvalidTransition if it does not leave it)."),
	{NULL, NULL, 0, NULL},
};

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
	.tp_init = (initproc)Workflow_init,
	.tp_new = Workflow_new,
};

/* ------------------------------------------------------------------ */
/* Store: lock, callbacks, exception hand-over                         */
/* ------------------------------------------------------------------ */

typedef struct IterObject IterObject;

typedef struct pending_t {
	PyObject *type, *value, *tb;
} pending_t;

typedef struct {
	PyObject_HEAD
	csvc_store *store;
	PyThread_type_lock lock;
	unsigned long owner; /* thread holding `lock`, valid while depth > 0 */
	int depth;           /* recursion depth of the owner */
	int restricted;      /* inside the clock or the log handler: no re-entry */
	int clock_failed;    /* the clock raised during the current call */
	pending_t pending;   /* first exception raised by a callback during the current call */
	PyObject *clock, *log, *hook, *path;
	IterObject *iters;   /* open iterators (borrowed; each holds a reference to us) */
} StoreObject;

struct IterObject {
	PyObject_HEAD
	StoreObject *store;
	int kind;
	void *it;
	int invalidated;
	IterObject *prev, *next;
};

enum { IT_CUSTOMER, IT_TICKET, IT_EVENT };

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

/*
 * Runs `expr` (a libcsvc call on self->store) with the GIL released. For
 * a writing call on a store with a Python clock, the call is wrapped in a
 * begin/commit of its own so that a clock that raised can undo it.
 */
#define CALL(self, write, rc, e, expr)                                                       \
	do {                                                                                     \
		int wrap_ = (write) && (self)->clock != NULL;                                        \
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

static void iter_free_c(IterObject *it)
{
	if (it->it != NULL) {
		if (it->kind == IT_CUSTOMER)
			csvc_customer_iter_free(it->it);
		else if (it->kind == IT_TICKET)
			csvc_ticket_iter_free(it->it);
		else
			csvc_ticket_history_free(it->it);
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
		if (kind == IT_CUSTOMER)
			csvc_customer_iter_free(cit);
		else if (kind == IT_TICKET)
			csvc_ticket_iter_free(cit);
		else
			csvc_ticket_history_free(cit);
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
		else {
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
	                     "secure_delete", "default_country_code", "log", "log_level", NULL};
	PyObject *path = NULL, *clock = Py_None, *log = Py_None;
	int busy = 0, readonly = 0, create = 1, secure = 1;
	int32_t durability = 0, log_level = 0;
	const char *cc = NULL;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	csvc_store *st = NULL;
	errsnap e;
	int rc;
	pending_t p;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&|O$iO&pppzOO&:Store", kw,
	                                 PyUnicode_FSConverter, &path, &clock, &busy, conv_int32,
	                                 &durability, &readonly, &create, &secure, &cc, &log, conv_int32,
	                                 &log_level))
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
	Py_XSETREF(self->clock, clock == Py_None ? NULL : Py_NewRef(clock));
	Py_XSETREF(self->log, log == Py_None ? NULL : Py_NewRef(log));
	Py_XSETREF(self->path, PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(path)));
	o.busy_timeout_ms = busy;
	o.durability = durability;
	o.flags = (readonly ? CSVC_OPEN_READONLY : 0) | (create ? 0 : CSVC_OPEN_NOCREATE) |
	          (secure ? 0 : CSVC_OPEN_NO_SECURE_DELETE);
	o.default_country_code = cc;
	o.log_level = log_level;
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

static void close_store(StoreObject *self, int release_gil)
{
	csvc_store *st = self->store;
	invalidate_iters(self);
	self->store = NULL;
	if (release_gil) {
		Py_BEGIN_ALLOW_THREADS
		csvc_store_close(st);
		Py_END_ALLOW_THREADS
	} else {
		csvc_store_close(st);
	}
}

static PyObject *Store_close(StoreObject *self, PyObject *unused)
{
	pending_t p;
	(void)unused;
	if (self->depth > 0 && self->owner == PyThread_get_thread_ident())
		return raise_code(CSVC_ESTATE, "a store cannot be closed from inside its own callback", 0);
	if (self->store == NULL)
		Py_RETURN_NONE;
	lock_acquire(self);
	if (self->store != NULL)
		close_store(self, 1);
	p = self->pending;
	memset(&self->pending, 0, sizeof(self->pending));
	lock_release(self);
	if (p.value != NULL) {
		PyErr_Restore(p.type, p.value, p.tb);
		return NULL;
	}
	Py_RETURN_NONE;
}

static int Store_traverse(StoreObject *self, visitproc visit, void *arg)
{
	Py_VISIT(self->clock);
	Py_VISIT(self->log);
	Py_VISIT(self->hook);
	return 0;
}

static int Store_clear(StoreObject *self)
{
	Py_CLEAR(self->clock);
	Py_CLEAR(self->log);
	Py_CLEAR(self->hook);
	return 0;
}

static void Store_dealloc(StoreObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);
	PyObject_GC_UnTrack(self);
	if (self->store != NULL) {
		/* Nobody else holds a reference, so nobody holds the lock. */
		self->owner = PyThread_get_thread_ident();
		self->depth = 1;
		close_store(self, 0);
		self->depth = 0;
		if (self->pending.value != NULL) {
			PyErr_Restore(self->pending.type, self->pending.value, self->pending.tb);
			memset(&self->pending, 0, sizeof(self->pending));
			PyErr_WriteUnraisable((PyObject *)self);
		}
	}
	Store_clear(self);
	Py_CLEAR(self->path);
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

static PyObject *Store_now(StoreObject *self, PyObject *unused)
{
	csvc_time_us t;
	(void)unused;
	ENTER(self);
	t = csvc_store_now(self->store);
	return DONE(self, time_out(t));
}

#define SIMPLE(name, write, fn)                                                              \
	static PyObject *Store_##name(StoreObject *self, PyObject *unused)                       \
	{                                                                                        \
		(void)unused;                                                                        \
		ENTER(self);                                                                         \
		CALL(self, write, rc_, &e_, fn(self->store));                                        \
		return DONE(self, Py_NewRef(Py_None));                                               \
	}
SIMPLE(begin, 0, csvc_store_begin)
SIMPLE(commit, 0, csvc_store_commit)
SIMPLE(rollback, 0, csvc_store_rollback)
SIMPLE(install_defaults, 1, csvc_store_install_defaults)

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

static PyObject *Store_create_customer(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"customer", "actor", NULL};
	PyObject *c;
	const char *actor = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!|z:create_customer", kw, &CustomerType, &c, &actor))
		return NULL;
	csvc_customer *backup = NULL;
	ENTER(self);
	/* With a Python clock the call may be undone: keep the record as it was. */
	if (self->clock != NULL && (rc_ = csvc_customer_dup(((CustomerObject *)c)->c, &backup)) != CSVC_OK)
		snap_take(&e_, rc_);
	else
		CALL(self, 1, rc_, &e_, csvc_customer_create(self->store, ((CustomerObject *)c)->c, actor));
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

static PyObject *Store_update_customer(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"customer", "actor", NULL};
	PyObject *c;
	const char *actor = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!|z:update_customer", kw, &CustomerType, &c, &actor))
		return NULL;
	csvc_customer *backup = NULL;
	ENTER(self);
	/* With a Python clock the call may be undone: keep the record as it was. */
	if (self->clock != NULL && (rc_ = csvc_customer_dup(((CustomerObject *)c)->c, &backup)) != CSVC_OK)
		snap_take(&e_, rc_);
	else
		CALL(self, 1, rc_, &e_, csvc_customer_update(self->store, ((CustomerObject *)c)->c, actor));
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
	csvc_customer_query_init(q);
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, customer_query_kw, &q->text, &q->phone,
	                                 &q->email, &q->tag, &q->home_store, conv_int32, &q->customer_class,
	                                 conv_int32, &q->tier, conv_int32, &q->lifecycle, &inactive, conv_time,
	                                 &q->created_from, conv_time, &q->created_to, conv_time,
	                                 &q->updated_from, conv_time, &q->updated_to, conv_opt_uuid, &after,
	                                 &q->limit))
		return -1;
	q->include_inactive = inactive;
	q->after = after.id;
	return 0;
}

static PyObject *Store_customers(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	csvc_customer_query q;
	csvc_customer_iter *it = NULL;
	if (parse_customer_query(args, kwargs, "|$zzzzzO&O&O&pO&O&O&O&O&I:customers", &q))
		return NULL;
	ENTER(self);
	CALL(self, 0, rc_, &e_, csvc_customer_iter_new(self->store, &q, &it));
	return DONE(self, rc_ == CSVC_OK ? iter_wrap(self, IT_CUSTOMER, it) : NULL);
}

static PyObject *Store_count_customers(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	csvc_customer_query q;
	int64_t n = 0;
	if (parse_customer_query(args, kwargs, "|$zzzzzO&O&O&pO&O&O&O&O&I:count_customers", &q))
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

static PyObject *Store_create_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"ticket", "actor", NULL};
	PyObject *t;
	const char *actor = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!|z:create_ticket", kw, &TicketType, &t, &actor))
		return NULL;
	csvc_ticket *backup = NULL;
	ENTER(self);
	/* With a Python clock the call may be undone: keep the record as it was. */
	if (self->clock != NULL && (rc_ = csvc_ticket_dup(((TicketObject *)t)->t, &backup)) != CSVC_OK)
		snap_take(&e_, rc_);
	else
		CALL(self, 1, rc_, &e_, csvc_ticket_create(self->store, ((TicketObject *)t)->t, actor));
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

static PyObject *Store_update_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"ticket", "actor", NULL};
	PyObject *t;
	const char *actor = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!|z:update_ticket", kw, &TicketType, &t, &actor))
		return NULL;
	csvc_ticket *backup = NULL;
	ENTER(self);
	/* With a Python clock the call may be undone: keep the record as it was. */
	if (self->clock != NULL && (rc_ = csvc_ticket_dup(((TicketObject *)t)->t, &backup)) != CSVC_OK)
		snap_take(&e_, rc_);
	else
		CALL(self, 1, rc_, &e_, csvc_ticket_update(self->store, ((TicketObject *)t)->t, actor));
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

static PyObject *Store_transition_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", "transition", "expected_revision", "actor", "note", NULL};
	csvc_uuid id;
	const char *tr, *actor = NULL, *note = NULL;
	long long expected = 0;
	int64_t rev = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&s|Lzz:transition_ticket", kw, conv_uuid, &id, &tr,
	                                 &expected, &actor, &note))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_ticket_transition(self->store, &id, tr, expected, actor, note, &rev));
	return DONE(self, PyLong_FromLongLong(rev));
}

static PyObject *Store_assign_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", "assignee", "team", "expected_revision", "actor", NULL};
	csvc_uuid id;
	const char *assignee = NULL, *team = NULL, *actor = NULL;
	long long expected = 0;
	int64_t rev = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&|zzLz:assign_ticket", kw, conv_uuid, &id, &assignee,
	                                 &team, &expected, &actor))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_, csvc_ticket_assign(self->store, &id, assignee, team, expected, actor, &rev));
	return DONE(self, PyLong_FromLongLong(rev));
}

static PyObject *Store_comment_ticket(StoreObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kw[] = {"id", "kind", "body", "method", "expected_revision", "actor", NULL};
	csvc_uuid id;
	int32_t kind;
	const char *body, *method = NULL, *actor = NULL;
	long long expected = 0;
	int64_t rev = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O&s|zLz:comment_ticket", kw, conv_uuid, &id,
	                                 conv_int32, &kind, &body, &method, &expected, &actor))
		return NULL;
	ENTER(self);
	CALL(self, 1, rc_, &e_,
	     csvc_ticket_comment(self->store, &id, kind, body, method, expected, actor, &rev));
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
	csvc_ticket_query_init(q);
	customer->set = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, ticket_query_kw, &q->store_code, &q->state,
	                                 conv_int32, &q->state_category, &open_only, &q->kind, &q->assignee,
	                                 &q->team, &q->channel, conv_opt_uuid, customer, conv_int32,
	                                 &q->priority, &q->text, conv_time, &q->created_from, conv_time,
	                                 &q->created_to, conv_time, &q->updated_from, conv_time,
	                                 &q->updated_to, conv_opt_uuid, &after, &q->limit))
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
	if (parse_ticket_query(args, kwargs, "|$zzO&pzzzzO&O&zO&O&O&O&O&I:tickets", &q, &customer))
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
	if (parse_ticket_query(args, kwargs, "|$zzO&pzzzzO&O&zO&O&O&O&O&I:count_tickets", &q, &customer))
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
/* Store: type                                                         */
/* ------------------------------------------------------------------ */

static PyGetSetDef Store_getset[] = {
	{"closed", (getter)Store_get_closed, NULL, "True once the store is closed.", NULL},
	{"path", (getter)Store_get_path, NULL, "The path the store was opened with.", NULL},
	{"clock", (getter)Store_get_clock, NULL, "The clock callable given to the constructor, or None.", NULL},
	{"log", (getter)Store_get_log, NULL, "The log handler given to the constructor, or None.", NULL},
	{"change_hook", (getter)Store_get_change_hook, (setter)Store_set_change_hook,
	 "The change hook: a callable receiving each committed ticket Event, or None.\n\n"
	 "It runs after each successful outermost commit, on the committing thread,\n"
	 "never inside a transaction; it may call the store. If it raises, the\n"
	 "changes stay committed and the exception is raised by the call that\n"
	 "committed, after the commit.", NULL},
	{"tx_depth", (getter)Store_get_tx_depth, NULL, "The current transaction depth (0 outside a transaction).", NULL},
	{"schema_version", (getter)Store_get_schema_version, NULL, "The schema version of the open store.", NULL},
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
	SM(transition_ticket, "transition_ticket($self, /, id, transition, expected_revision=0, actor=None, note=None)\n--\n\n"
	   "Applies a workflow transition; returns the new revision. InvalidTransition if\n"
	   "the transition does not leave the current state; Conflict if\n"
	   "expected_revision (0: no check) is stale."),
	SM(assign_ticket, "assign_ticket($self, /, id, assignee=None, team=None, expected_revision=0, actor=None)\n--\n\n"
	   "Hands the ticket to an assignee and/or team (None clears); returns the new revision."),
	SM(comment_ticket, "comment_ticket($self, /, id, kind, body, method=None, expected_revision=0, actor=None)\n--\n\n"
	   "Adds a comment of CommentKind `kind`; returns the new revision."),
	SM(link_tickets, "link_tickets($self, /, a, b, kind, actor=None)\n--\n\n"
	   "Links ticket a to ticket b (LinkKind, not MERGED_INTO)."),
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

static PyObject *mod_library_version(PyObject *m, PyObject *unused)
{
	(void)m;
	(void)unused;
	return PyUnicode_FromString(csvc_version());
}

static PyObject *mod_raise_error(PyObject *m, PyObject *args)
{
	int code, sqlite_code = 0;
	const char *message = "";
	(void)m;
	if (!PyArg_ParseTuple(args, "i|si:_raise_error", &code, &message, &sqlite_code))
		return NULL;
	return raise_code(code, message, sqlite_code);
}

static PyObject *mod_strerror(PyObject *m, PyObject *arg)
{
	long code = PyLong_AsLong(arg);
	(void)m;
	if (code == -1 && PyErr_Occurred())
		return NULL;
	return PyUnicode_FromString(csvc_strerror((int)code));
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
	    bind_get(ns, "LifecycleEntry", &g_lifecycle_entry_type))
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
	{"library_version", mod_library_version, METH_NOARGS,
	 "library_version()\n--\n\nThe version of the libcsvc library in use."},
	{"strerror", mod_strerror, METH_O, "strerror(code, /)\n--\n\nThe library's description of an error code."},
	{"_raise_error", mod_raise_error, METH_VARARGS, "Raises the exception of a library error code (for tests)."},
	{"_bind", mod_bind, METH_O, "Receives the Python-level types (called once by csvc/__init__.py)."},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef csvc_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "csvc._csvc",
	.m_doc = "The C extension behind the csvc package: libcsvc's stores, records and iterators.",
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
	    PyType_Ready(&WorkflowType) < 0 || PyType_Ready(&StoreType) < 0 || PyType_Ready(&IterType) < 0)
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
	    PyModule_AddIntConstant(m, "SCHEMA_VERSION_SUPPORTED", csvc_store_schema_version_supported()) < 0 ||
	    PyModule_AddStringConstant(m, "LIBRARY_VERSION", csvc_version()) < 0) {
		Py_DECREF(m);
		return NULL;
	}
#define LIMIT(name) PyModule_AddIntConstant(m, #name, CSVC_##name)
	if (LIMIT(CUSTOMER_MAX_NAME) || LIMIT(CUSTOMER_MAX_ADDRESS) || LIMIT(CUSTOMER_MAX_NOTES) ||
	    LIMIT(CUSTOMER_MAX_PHONES) || LIMIT(CUSTOMER_MAX_TAGS) || LIMIT(CUSTOMER_MAX_ACTOR) ||
	    LIMIT(TICKET_MAX_SUBJECT) || LIMIT(TICKET_MAX_DESCRIPTION) || LIMIT(TICKET_MAX_COMMENT) ||
	    LIMIT(WORKFLOW_MAX_NAME) || LIMIT(WORKFLOW_MAX_STATES)) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
