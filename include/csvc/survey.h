/**
 * @file
 * libcsvc - satisfaction surveys (满意度调查): versioned survey
 * definitions, single-use invitations bound to a ticket or customer, and
 * validated responses. Scores (CSAT, NPS, CES, SERVQUAL gaps, CSI) are
 * computed by the reports in report.h; docs/scoring.md gives every formula.
 *
 * A csvc_survey is a detached value, like a csvc_workflow: saving a changed
 * definition stores it as a new version, saving an unchanged one keeps the
 * version, and stored versions never change. Responses are recorded against
 * the version they were given under.
 *
 * Names of surveys, dimensions, questions and choice options are machine
 * names: 1 to CSVC_SURVEY_MAX_NAME bytes of [a-z0-9_.-]. Labels and the
 * title are UTF-8 text of at most CSVC_SURVEY_MAX_LABEL bytes.
 *
 * Thread safety: csvc_survey and csvc_survey_answers are detached values.
 * Their getters only read them, so several threads may read one at once;
 * the calls that change them (set, add, the answers setters, save, which
 * sets the survey's version) and the _free calls need the caller to make
 * sure no other thread uses that value. csvc_survey_context_init touches
 * no shared state. Calls that take a csvc_store follow the store's rule:
 * one thread at a time per store (store.h, docs/threading.md).
 */
#ifndef CSVC_SURVEY_H
#define CSVC_SURVEY_H

#include "common.h"
#include "store.h"

CSVC_BEGIN_DECL

#define CSVC_SURVEY_MAX_NAME 64
#define CSVC_SURVEY_MAX_LABEL 256
#define CSVC_SURVEY_MAX_QUESTIONS 64
#define CSVC_SURVEY_MAX_DIMENSIONS 16
#define CSVC_SURVEY_MAX_OPTIONS 32     /**< per choice question */
#define CSVC_SURVEY_MAX_TEXT 4096      /**< a free-text answer, in bytes */
#define CSVC_SURVEY_MAX_PERSON 128     /**< staff member */
#define CSVC_SURVEY_TOKEN_LEN 32       /**< invitation token: 32 lower-case hex digits */

/**
 * Question types.
 * @since 1.0
 */
typedef enum csvc_question_type_t {
	CSVC_QUESTION_LIKERT = 1,   /**< 1..N (default 1-5); counts for CSAT and CSI */
	CSVC_QUESTION_NPS = 2,      /**< 0-10 "how likely to recommend" */
	CSVC_QUESTION_CES = 3,      /**< customer effort, 1..N (default 1-7; lower is easier) */
	CSVC_QUESTION_SERVQUAL = 4, /**< expectation and perception, each 1..N (default 1-7), of a dimension */
	CSVC_QUESTION_YES_NO = 5,   /**< 0 = no, 1 = yes */
	CSVC_QUESTION_CHOICE = 6,   /**< one of the question's options */
	CSVC_QUESTION_TEXT = 7      /**< free text */
} csvc_question_type_t;

/**
 * How a response was collected (调查方式).
 * @since 1.0
 */
typedef enum csvc_survey_method_t {
	CSVC_METHOD_TILL = 1,            /**< POS till / counter keypad */
	CSVC_METHOD_RECEIPT_QR = 2,      /**< QR code printed on the receipt */
	CSVC_METHOD_PHONE_CALLBACK = 3,  /**< phone follow-up 电话回访 */
	CSVC_METHOD_QUESTIONNAIRE = 4,   /**< questionnaire 问卷调查 */
	CSVC_METHOD_INTERVIEW = 5,       /**< interview 访谈 */
	CSVC_METHOD_MYSTERY_SHOPPER = 6, /**< mystery shopper 神秘顾客 */
	CSVC_METHOD_ONLINE_REVIEW = 7,   /**< online review 在线评价 */
	CSVC_METHOD_OBSERVATION = 8      /**< observation 观察 */
} csvc_survey_method_t;

/* ------------------------------------------------------------------ */
/* Definitions                                                         */
/* ------------------------------------------------------------------ */

/** A survey definition (detached value). Opaque. @since 1.0 */
typedef struct csvc_survey csvc_survey;

/**
 * Starts an empty, unsaved survey called `name` (a machine name). It
 * allows no anonymous responses until csvc_survey_set_anonymous() says so.
 * Writes `*out` only on success.
 *
 * @param out Receives the survey.
 * @param name The survey's name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `out` or `name`, a character outside
 *   [a-z0-9_.-]), CSVC_ERANGE (an empty name or one longer than
 *   CSVC_SURVEY_MAX_NAME), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_survey_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_new(csvc_survey **out, const char *name);

/**
 * Frees a survey and everything it holds.
 *
 * @param s The survey, or NULL (a no-op).
 *
 * Ownership: takes `s` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_survey_free(csvc_survey *s);

/**
 * Sets the title shown to customers; NULL clears it. Resets the survey's
 * version to 0.
 *
 * @param s The survey.
 * @param title Single-line UTF-8 text, or NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `s`, text that is not UTF-8 or has control
 *   characters), CSVC_ERANGE (longer than CSVC_SURVEY_MAX_LABEL),
 *   CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_set_title(csvc_survey *s, const char *title);

/**
 * Sets whether responses without an invitation are accepted
 * (csvc_survey_respond_anonymous). Resets the survey's version to 0.
 *
 * @param s The survey.
 * @param allow Non-zero to accept them, 0 to refuse them.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `s`).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_set_anonymous(csvc_survey *s, int allow);

/**
 * Adds a dimension (e.g. "reliability", "product_quality") with a weight
 * for the CSI and SERVQUAL indices. `weight` 0 means the default 1 (equal
 * weights); otherwise it must be a finite number above 0 and at most 1000.
 * Resets the survey's version to 0.
 *
 * @param s The survey.
 * @param name The dimension's machine name.
 * @param weight Its weight, or 0 for 1.
 * @param label_zh Its Chinese label; may be NULL.
 * @param label_en Its English label; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `s` or `name`, a name with characters outside
 *   [a-z0-9_.-], a weight that is not finite, negative or above 1000, a
 *   label that is not UTF-8 or has control characters), CSVC_ERANGE (an
 *   empty name or one longer than CSVC_SURVEY_MAX_NAME, a label longer
 *   than CSVC_SURVEY_MAX_LABEL, more than CSVC_SURVEY_MAX_DIMENSIONS
 *   dimensions), CSVC_EEXISTS (a dimension of that name exists),
 *   CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_add_dimension(csvc_survey *s, const char *name, double weight,
                                           const char *label_zh, const char *label_en);

/**
 * Adds the SERVQUAL dimensions: tangibles 有形性, reliability 可靠性,
 * responsiveness 响应性, assurance 保证性 and empathy 移情性, plus security
 * 保障性 when `with_security` is non-zero, each with weight 1 and one
 * SERVQUAL question (expectation and perception, 1-7) named after the
 * dimension, required. Dimensions or questions of those names must not
 * exist yet. Everything is checked first, so a failure other than
 * CSVC_ENOMEM adds nothing. Resets the survey's version to 0.
 *
 * @param s The survey.
 * @param with_security Non-zero to add security as a sixth dimension.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `s`), CSVC_ERANGE (the dimensions or
 *   questions would pass CSVC_SURVEY_MAX_DIMENSIONS or
 *   CSVC_SURVEY_MAX_QUESTIONS), CSVC_EEXISTS (a dimension or question of
 *   one of those names exists), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_add_servqual(csvc_survey *s, int with_security);

/**
 * Adds a question of `type` (csvc_question_type_t) with the default scale
 * of its type: Likert 1-5, CES 1-7, SERVQUAL 1-7, NPS 0-10. `dimension`
 * (NULL for none) must name a dimension added before; SERVQUAL questions
 * need one. Resets the survey's version to 0.
 *
 * @param s The survey.
 * @param name The question's machine name.
 * @param type A csvc_question_type_t.
 * @param dimension The name of its dimension, or NULL.
 * @param required Non-zero: a response must answer it.
 * @param label_zh Its Chinese label; may be NULL.
 * @param label_en Its English label; may be NULL.
 * @param index Receives the question's position; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `s` or `name`, a name or dimension with
 *   characters outside [a-z0-9_.-], an unknown type, an unknown
 *   dimension, a SERVQUAL question without a dimension, a label that is
 *   not UTF-8 or has control characters), CSVC_ERANGE (an empty name or
 *   dimension, or one longer than CSVC_SURVEY_MAX_NAME, a label longer
 *   than CSVC_SURVEY_MAX_LABEL, more than CSVC_SURVEY_MAX_QUESTIONS
 *   questions), CSVC_EEXISTS (a question of that name exists),
 *   CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_add_question(csvc_survey *s, const char *name, csvc_question_type_t type,
                                          const char *dimension, int required, const char *label_zh,
                                          const char *label_en, size_t *index);

/**
 * Sets the top of the 1..`scale_max` scale of a Likert, CES or SERVQUAL
 * question. Resets the survey's version to 0.
 *
 * @param s The survey.
 * @param index The question's position.
 * @param scale_max The top of the scale, 3 to 11.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `s`, a question of another type),
 *   CSVC_ERANGE (no question `index`, `scale_max` outside 3..11).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_set_scale(csvc_survey *s, size_t index, int32_t scale_max);

/**
 * Adds option `option` (a machine name) to choice question `index`.
 * Resets the survey's version to 0.
 *
 * @param s The survey.
 * @param index The question's position.
 * @param option The option's machine name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `s` or `option`, not a choice question, a
 *   character outside [a-z0-9_.-]), CSVC_ERANGE (no question `index`, an
 *   empty option or one longer than CSVC_SURVEY_MAX_NAME, more than
 *   CSVC_SURVEY_MAX_OPTIONS options), CSVC_EEXISTS (the option exists),
 *   CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_add_option(csvc_survey *s, size_t index, const char *option);

/**
 * Checks the definition: at least one question, every dimension referred
 * to exists, every choice question has at least two options.
 *
 * @param s The survey.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `s`, or one of the problems above, named in
 *   the message).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_validate(const csvc_survey *s);

/**
 * Validates and stores the survey. Equal to the newest stored version of
 * the same name: nothing is written and that version is kept; otherwise it
 * is stored as version newest + 1. On success the version is set on `s`
 * and, if `version` is not NULL, there.
 *
 * @param store The open store.
 * @param s The survey.
 * @param version Receives the stored version; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `s`, or a definition that
 *   csvc_survey_validate refuses), CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a
 *   transaction aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (a stored definition or the database is damaged),
 *   CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_save(csvc_store *store, csvc_survey *s, int32_t *version);

/**
 * Loads version `version` of survey `name`; 0 means the newest. Writes
 * `*out` only on success.
 *
 * @param store The open store.
 * @param name The survey's name.
 * @param version The version, or 0 for the newest.
 * @param out Receives the survey.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `name` or `out`, a negative version,
 *   a name with characters outside [a-z0-9_.-]), CSVC_ERANGE (an empty
 *   name or one longer than CSVC_SURVEY_MAX_NAME), CSVC_ENOTFOUND (no such
 *   survey or version), CSVC_ECORRUPT (the stored definition or the
 *   database is damaged), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM.
 *
 * Ownership: the survey is detached from the store; the caller owns
 * `*out` and frees it with csvc_survey_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_load(csvc_store *store, const char *name, int32_t version,
                                  csvc_survey **out);

/**
 * Installs the handbook templates (each saved as version 1, or kept when
 * unchanged): "post_resolution" (response speed 响应速度, resolution
 * efficiency 问题解决效率, solution satisfaction 解决方案满意度; Likert 1-5,
 * required; a comment), "mall" (product quality 商品质量, shopping
 * environment 购物环境, staff service 员工服务, after-sales support 售后保障:
 * one dimension and one Likert 1-5 question each; an NPS question and a
 * comment), "nps" (one NPS question, anonymous responses allowed),
 * "servqual" (the five classic SERVQUAL dimensions, one pair each) and
 * "servqual_handbook" (the same plus security 保障性). Also called by
 * csvc_store_install_defaults(). Installing twice changes nothing. Atomic.
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`), CSVC_EREADONLY (a read-only store), CSVC_ESTATE (inside a
 *   transaction aborted by a storage failure), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (a stored definition or the database is damaged),
 *   CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_install_defaults(csvc_store *store);

/**
 * The survey's name.
 *
 * @param s The survey.
 * @return The name, or NULL if `s` is NULL.
 *
 * Ownership: borrowed from `s`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_survey_name(const csvc_survey *s);
/**
 * The stored version the survey is, as saved or loaded: 0 if never
 * saved, or changed since it was saved or loaded.
 *
 * @param s The survey.
 * @return The version, or 0 (also if `s` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_survey_version(const csvc_survey *s);
/**
 * The title shown to customers.
 *
 * @param s The survey.
 * @return The title, or NULL when none is set or `s` is NULL.
 *
 * Ownership: borrowed from `s`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_survey_title(const csvc_survey *s);
/**
 * Tells whether responses without an invitation are accepted.
 *
 * @param s The survey.
 * @return 1 if anonymous responses are allowed, else 0 (also if `s` is
 *         NULL).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_anonymous(const csvc_survey *s);
/**
 * The number of dimensions of the survey.
 *
 * @param s The survey.
 * @return The number of dimensions, or 0 if `s` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_survey_dimension_count(const csvc_survey *s);
/**
 * Reads dimension `i`, in the order added. Outputs may be NULL and are
 * written only on success.
 *
 * @param s The survey.
 * @param i The dimension's position.
 * @param name Receives its name; may be NULL.
 * @param weight Receives its weight; may be NULL.
 * @param label_zh Receives its Chinese label, or NULL; may be NULL.
 * @param label_en Receives its English label, or NULL; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `s`), CSVC_ERANGE (`i` out of range).
 *
 * Ownership: the strings are borrowed from `s`, valid until it is
 * changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_dimension_at(const csvc_survey *s, size_t i, const char **name,
                                          double *weight, const char **label_zh, const char **label_en);
/**
 * The number of questions of the survey.
 *
 * @param s The survey.
 * @return The number of questions, or 0 if `s` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_survey_question_count(const csvc_survey *s);
/**
 * Reads question `i`, in the order added: name, type
 * (csvc_question_type_t), dimension (NULL for none), required (0/1) and
 * the top of its scale (0 for yes/no, choice and text; 10 for NPS).
 * Outputs may be NULL and are written only on success.
 *
 * @param s The survey.
 * @param i The question's position.
 * @param name Receives its name; may be NULL.
 * @param type Receives its csvc_question_type_t; may be NULL.
 * @param dimension Receives its dimension's name, or NULL; may be NULL.
 * @param required Receives 1 if it must be answered, else 0; may be NULL.
 * @param scale_max Receives the top of its scale; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `s`), CSVC_ERANGE (`i` out of range).
 *
 * Ownership: the strings are borrowed from `s`, valid until it is
 * changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_question_at(const csvc_survey *s, size_t i, const char **name, int32_t *type,
                                         const char **dimension, int32_t *required, int32_t *scale_max);
/**
 * Reads the labels of question `i`. Outputs may be NULL and are written
 * only on success.
 *
 * @param s The survey.
 * @param i The question's position.
 * @param label_zh Receives its Chinese label, or NULL; may be NULL.
 * @param label_en Receives its English label, or NULL; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `s`), CSVC_ERANGE (`i` out of range).
 *
 * Ownership: the strings are borrowed from `s`, valid until it is
 * changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_question_labels(const csvc_survey *s, size_t i, const char **label_zh,
                                             const char **label_en);
/**
 * The number of options of question `i` (only choice questions have
 * any).
 *
 * @param s The survey.
 * @param i The question's position.
 * @return The number of options, or 0 when it has none, `i` is out of
 *         range or `s` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_survey_option_count(const csvc_survey *s, size_t i);
/**
 * Option `j` of question `i`, in the order added.
 *
 * @param s The survey.
 * @param i The question's position.
 * @param j The option's position.
 * @return The option's name, or NULL when `i` or `j` is out of range or
 *         `s` is NULL.
 *
 * Ownership: borrowed from `s`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_survey_option_at(const csvc_survey *s, size_t i, size_t j);

/* ------------------------------------------------------------------ */
/* Invitations and responses                                           */
/* ------------------------------------------------------------------ */

/** Current version of csvc_survey_context. @since 1.0 */
#define CSVC_SURVEY_CONTEXT_VERSION 1

/**
 * Where and how a response is collected. For an invitation, the ticket
 * fills in what is not given: its customer, store code, assignee (staff)
 * and channel. Zero or NULL fields mean "not given".
 * @since 1.0
 */
typedef struct csvc_survey_context {
	uint32_t version;           /**< CSVC_SURVEY_CONTEXT_VERSION */
	const csvc_uuid *ticket;    /**< a ticket the survey is about */
	const csvc_uuid *customer;  /**< an active customer */
	const char *store_code;     /**< required, unless the ticket gives it */
	const char *staff;          /**< the staff member served by; the ticket's assignee by default */
	const char *channel;        /**< a defined channel; the ticket's by default */
	int32_t method;             /**< csvc_survey_method_t: required */
	int64_t ttl_us;             /**< invitations: validity; 0 means 7 days */
} csvc_survey_context;

/** Static initialiser. @since 1.0 */
#define CSVC_SURVEY_CONTEXT_INIT { CSVC_SURVEY_CONTEXT_VERSION, NULL, NULL, NULL, NULL, NULL, 0, 0 }

/**
 * Initialises `ctx` to the defaults of struct version `version` (pass
 * CSVC_SURVEY_CONTEXT_VERSION): the same as CSVC_SURVEY_CONTEXT_INIT, but writing only the
 * fields that `version` has, and `version` into ctx->version, so that a
 * program built against older headers passes its own, smaller version and
 * nothing past its struct is written (docs/conventions.md "Versioned
 * structs").
 *
 * @param ctx The caller's context struct.
 * @param version The caller's CSVC_SURVEY_CONTEXT_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL if `ctx` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_context_init(csvc_survey_context *ctx, unsigned int version);

/**
 * Creates a single-use invitation to the newest version of survey `name`,
 * bound to a ticket and/or a customer (at least one), a store code, a
 * staff member, a channel and a method, valid for `ctx->ttl_us` from now
 * (store clock; 0 means 7 days). The ticket fills in what `ctx` does not
 * give: its customer, store code, assignee and channel. Writes the token
 * (CSVC_SURVEY_TOKEN_LEN hex digits from 122 random bits, and a NUL) to
 * `token` only on success.
 *
 * @param store The open store.
 * @param name The survey's name.
 * @param ctx Where and how the response is collected, read as far as its
 *            `version` goes.
 * @param token The caller's buffer of CSVC_SURVEY_TOKEN_LEN + 1 bytes.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `ctx` or `token`, a survey name with
 *   characters outside [a-z0-9_.-], an options version newer than the library knows, an unknown
 *   method, a negative ttl_us, a store code with spaces or characters
 *   other than printable ASCII, a staff member that is not UTF-8 or has
 *   control characters, a channel with characters outside [a-z0-9_.-], no ticket and no
 *   customer, no store code from the context or the ticket),
 *   CSVC_ERANGE (an empty survey name or one longer than
 *   CSVC_SURVEY_MAX_NAME, an empty store code or one longer than 32
 *   bytes, a staff member longer than
 *   CSVC_SURVEY_MAX_PERSON, an empty channel or one longer than 64 bytes, a validity that runs past
 *   the largest instant), CSVC_ENOTFOUND (no such survey, ticket, active
 *   customer or channel), CSVC_EREADONLY (a read-only store), CSVC_ESTATE (the
 *   customer, given or the ticket's, withdrew consent to surveys
 *   (csvc/consent.h); inside a transaction aborted by a storage failure),
 *   CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (a stored definition or the database is damaged),
 *   CSVC_ENOMEM.
 *
 * Ownership: `token` is the caller's buffer; `ctx` is not kept.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_invite(csvc_store *store, const char *name, const csvc_survey_context *ctx,
                                    char *token);

/** A response being filled in (answers by question name). Opaque. @since 1.0 */
typedef struct csvc_survey_answers csvc_survey_answers;

/**
 * Starts an empty set of answers, to fill in with the csvc_survey_answers_
 * setters and pass to csvc_survey_respond. Writes `*out` only on success.
 *
 * @param out Receives the answers.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `out`), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_survey_answers_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_answers_new(csvc_survey_answers **out);
/**
 * Frees a set of answers.
 *
 * @param a The answers, or NULL (a no-op).
 *
 * Ownership: takes `a` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_survey_answers_free(csvc_survey_answers *a);

/**
 * Answers question `question` (Likert, NPS or CES) with a score.
 * Answering the same question again replaces the answer. The value is
 * checked against the definition when the response is submitted.
 *
 * @param a The answers.
 * @param question The question's name.
 * @param value The score.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `a` or `question`, a question name with
 *   characters outside [a-z0-9_.-]), CSVC_ERANGE (an empty question name
 *   or one longer than CSVC_SURVEY_MAX_NAME, more than
 *   CSVC_SURVEY_MAX_QUESTIONS answers), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_answers_score(csvc_survey_answers *a, const char *question, int32_t value);
/**
 * Answers yes/no question `question`: 1 for yes, 0 for no.
 * Answering the same question again replaces the answer. The value is
 * checked against the definition when the response is submitted.
 *
 * @param a The answers.
 * @param question The question's name.
 * @param yes 1 for yes, 0 for no.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `a` or `question`, a question name with
 *   characters outside [a-z0-9_.-]), CSVC_ERANGE (an empty question name
 *   or one longer than CSVC_SURVEY_MAX_NAME, more than
 *   CSVC_SURVEY_MAX_QUESTIONS answers), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_answers_yes_no(csvc_survey_answers *a, const char *question, int32_t yes);
/**
 * Answers SERVQUAL question `question` with a pair of scores: what the
 * customer expected and what they perceived.
 * Answering the same question again replaces the answer. The value is
 * checked against the definition when the response is submitted.
 *
 * @param a The answers.
 * @param question The question's name.
 * @param expectation The expectation score.
 * @param perception The perception score.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `a` or `question`, a question name with
 *   characters outside [a-z0-9_.-]), CSVC_ERANGE (an empty question name
 *   or one longer than CSVC_SURVEY_MAX_NAME, more than
 *   CSVC_SURVEY_MAX_QUESTIONS answers), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_answers_pair(csvc_survey_answers *a, const char *question, int32_t expectation,
                                          int32_t perception);
/**
 * Answers choice question `question` with one of its options.
 * Answering the same question again replaces the answer. The value is
 * checked against the definition when the response is submitted.
 *
 * @param a The answers.
 * @param question The question's name.
 * @param option The option's name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `a` or `question`, a question name with
 *   characters outside [a-z0-9_.-] or a NULL option or
 *   one with such characters), CSVC_ERANGE (an empty question name
 *   or one longer than CSVC_SURVEY_MAX_NAME, an empty option or one longer
 *   than CSVC_SURVEY_MAX_NAME, more than
 *   CSVC_SURVEY_MAX_QUESTIONS answers), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_answers_choice(csvc_survey_answers *a, const char *question, const char *option);
/**
 * Answers free-text question `question` with `text` (multi-line UTF-8:
 * tab, line feed and carriage return are kept).
 * Answering the same question again replaces the answer. The value is
 * checked against the definition when the response is submitted.
 *
 * @param a The answers.
 * @param question The question's name.
 * @param text The answer.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `a` or `question`, a question name with
 *   characters outside [a-z0-9_.-], a NULL text, text that is not
 *   UTF-8 or has control characters other than tab and line breaks), CSVC_ERANGE (an empty question name
 *   or one longer than CSVC_SURVEY_MAX_NAME, text longer than
 *   CSVC_SURVEY_MAX_TEXT, more than
 *   CSVC_SURVEY_MAX_QUESTIONS answers), CSVC_ENOMEM.
 *
 * Ownership: `text` stays the caller's; the answers keep a copy.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_answers_text(csvc_survey_answers *a, const char *question, const char *text);

/**
 * Records the response to invitation `token`, validated against the survey
 * version the invitation was made for, with the ticket, customer, store
 * code, staff member, channel and method the invitation is bound to.
 * Nothing is written on any error.
 *
 * @param store The open store.
 * @param token The invitation's token.
 * @param a The answers.
 * @param response Receives the response's UUID; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `a` or `token`; an answer to a
 *   question the survey version does not have, an answer of the wrong
 *   kind for its question, an unknown option, a required question
 *   unanswered), CSVC_ERANGE (a score outside the question's scale),
 *   CSVC_ENOTFOUND (no
 *   invitation with that token, or a malformed token), CSVC_EEXISTS (the
 *   invitation was answered already), CSVC_ESTATE (it has expired: the
 *   store clock is at or past its expiry; or inside a transaction aborted
 *   by a storage failure), CSVC_EREADONLY (a read-only store), CSVC_EBUSY,
 *   CSVC_ESTORAGE, CSVC_ECORRUPT (the stored survey or the database is
 *   damaged), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_respond(csvc_store *store, const char *token, const csvc_survey_answers *a,
                                     csvc_uuid *response);

/**
 * Records a response without an invitation to the newest version of
 * survey `name`, which must allow anonymous responses. `ctx` gives the
 * store code and method, and optionally the channel and staff member; an
 * anonymous response names no ticket and no customer (ttl_us is ignored
 * once checked). Nothing is written on any error.
 *
 * @param store The open store.
 * @param name The survey's name.
 * @param ctx Where and how the response was collected, read as far as
 *            its `version` goes.
 * @param a The answers.
 * @param response Receives the response's UUID; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `ctx` or `a`, a survey name with
 *   characters outside [a-z0-9_.-], an options version newer than the library knows, an unknown
 *   method, a negative ttl_us, a store code with spaces or characters
 *   other than printable ASCII, a staff member that is not UTF-8 or has
 *   control characters, a channel with characters outside [a-z0-9_.-], a ticket or
 *   customer given, no store code; an answer to a question the survey
 *   does not have, an answer of the wrong kind for its question, an
 *   unknown option, a required question unanswered), CSVC_ERANGE (an empty
 *   survey name or one longer than CSVC_SURVEY_MAX_NAME, an empty store code or one longer than 32
 *   bytes, a staff member longer than
 *   CSVC_SURVEY_MAX_PERSON, an empty channel or one longer than 64 bytes,
 *   a score outside the question's scale), CSVC_ENOTFOUND (no such survey
 *   or channel), CSVC_ESTATE (the survey does not allow anonymous
 *   responses; or inside a transaction aborted by a storage failure),
 *   CSVC_EREADONLY (a read-only store), CSVC_EBUSY, CSVC_ESTORAGE,
 *   CSVC_ECORRUPT (the stored survey or the database is damaged),
 *   CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_respond_anonymous(csvc_store *store, const char *name,
                                               const csvc_survey_context *ctx,
                                               const csvc_survey_answers *a, csvc_uuid *response);

CSVC_END_DECL

#endif /* CSVC_SURVEY_H */
