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
 * Starts an empty, unsaved survey called `name`. It allows no anonymous
 * responses until csvc_survey_set_anonymous() says so.
 * Errors: CSVC_EINVAL (NULL, bad name), CSVC_ERANGE (name too long),
 *   CSVC_ENOMEM.
 * Ownership: free with csvc_survey_free().
 * Thread safety: safe from any thread.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_new(csvc_survey **out, const char *name);

/** Frees a survey. NULL is a no-op. @since 1.0 */
CSVC_EXTERN(void) csvc_survey_free(csvc_survey *s);

/**
 * Sets the title shown to customers (NULL clears).
 * Errors: CSVC_EINVAL (NULL survey, bad UTF-8), CSVC_ERANGE, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_set_title(csvc_survey *s, const char *title);

/**
 * Whether responses without an invitation are accepted (non-zero: yes).
 * Errors: CSVC_EINVAL (NULL survey).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_set_anonymous(csvc_survey *s, int allow);

/**
 * Adds a dimension (e.g. "reliability", "product_quality") with a weight
 * for the CSI and SERVQUAL indices. `weight` 0 means the default 1 (equal
 * weights); otherwise it must be a finite number above 0 and at most 1000.
 * Labels may be NULL.
 * Errors: CSVC_EINVAL (bad name or weight, bad UTF-8), CSVC_ERANGE (too
 *   long, too many), CSVC_EEXISTS (a dimension of that name exists),
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
 * exist yet.
 * Errors: as csvc_survey_add_dimension and csvc_survey_add_question.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_add_servqual(csvc_survey *s, int with_security);

/**
 * Adds a question of `type` (csvc_question_type_t) with the default scale
 * of its type: Likert 1-5, CES 1-7, SERVQUAL 1-7, NPS 0-10. `dimension`
 * (NULL for none) must name a dimension added before; SERVQUAL questions
 * need one. `required` non-zero: a response must answer it. Labels may be
 * NULL. `index` (may be NULL) receives the question's position.
 * Errors: CSVC_EINVAL (bad name, unknown type, unknown dimension, SERVQUAL
 *   without a dimension), CSVC_ERANGE, CSVC_EEXISTS (name taken),
 *   CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_add_question(csvc_survey *s, const char *name, csvc_question_type_t type,
                                          const char *dimension, int required, const char *label_zh,
                                          const char *label_en, size_t *index);

/**
 * Sets the top of the 1..`scale_max` scale of a Likert, CES or SERVQUAL
 * question (3 to 11).
 * Errors: CSVC_EINVAL (NULL survey, a question of another type),
 *   CSVC_ERANGE (index or scale out of range).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_set_scale(csvc_survey *s, size_t index, int32_t scale_max);

/**
 * Adds option `option` (a machine name) to choice question `index`.
 * Errors: CSVC_EINVAL (not a choice question, bad name), CSVC_ERANGE,
 *   CSVC_EEXISTS (the option exists), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_add_option(csvc_survey *s, size_t index, const char *option);

/**
 * Checks the definition: at least one question, every dimension referred
 * to exists, every choice question has at least two options.
 * Errors: CSVC_EINVAL with a message naming the problem.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_validate(const csvc_survey *s);

/**
 * Validates and stores the survey. Equal to the newest stored version of
 * the same name: nothing is written and that version is kept; otherwise it
 * is stored as version newest + 1. On success the version is set on `s`
 * and, if `version` is not NULL, there.
 * Errors: as validate, plus CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE.
 * Thread safety: as for the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_save(csvc_store *store, csvc_survey *s, int32_t *version);

/**
 * Loads version `version` of survey `name`; 0 means the newest.
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND, CSVC_ECORRUPT, CSVC_ESTORAGE.
 * Ownership: free with csvc_survey_free(); detached from the store.
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
 * Errors: CSVC_EINVAL, CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_install_defaults(csvc_store *store);

/** The name. Borrowed. @since 1.0 */
CSVC_EXTERN(const char *) csvc_survey_name(const csvc_survey *s);
/** The stored version, 0 if never saved or changed since. @since 1.0 */
CSVC_EXTERN(int32_t) csvc_survey_version(const csvc_survey *s);
/** The title, or NULL. Borrowed. @since 1.0 */
CSVC_EXTERN(const char *) csvc_survey_title(const csvc_survey *s);
/** 1 if anonymous responses are allowed, else 0. @since 1.0 */
CSVC_EXTERN(int) csvc_survey_anonymous(const csvc_survey *s);
/** Number of dimensions. @since 1.0 */
CSVC_EXTERN(size_t) csvc_survey_dimension_count(const csvc_survey *s);
/**
 * Dimension i in the order added. Outputs may be NULL; strings borrow from
 * `s`. Errors: CSVC_EINVAL (NULL survey), CSVC_ERANGE (index).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_dimension_at(const csvc_survey *s, size_t i, const char **name,
                                          double *weight, const char **label_zh, const char **label_en);
/** Number of questions. @since 1.0 */
CSVC_EXTERN(size_t) csvc_survey_question_count(const csvc_survey *s);
/**
 * Question i in the order added: name, type (csvc_question_type_t),
 * dimension (NULL for none), required (0/1) and the top of its scale (0
 * for yes/no, choice and text; 10 for NPS). Outputs may be NULL; strings
 * borrow from `s`. Errors: CSVC_EINVAL, CSVC_ERANGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_question_at(const csvc_survey *s, size_t i, const char **name, int32_t *type,
                                         const char **dimension, int32_t *required, int32_t *scale_max);
/**
 * The labels of question i (either may be NULL). Errors: CSVC_EINVAL,
 * CSVC_ERANGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_question_labels(const csvc_survey *s, size_t i, const char **label_zh,
                                             const char **label_en);
/** Number of options of question i (0 if none or out of range). @since 1.0 */
CSVC_EXTERN(size_t) csvc_survey_option_count(const csvc_survey *s, size_t i);
/** Option j of question i, or NULL when out of range. Borrowed. @since 1.0 */
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
 * Errors: CSVC_EINVAL if `ctx` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_context_init(csvc_survey_context *ctx, unsigned int version);

/**
 * Creates a single-use invitation to the newest version of survey `name`,
 * bound to a ticket and/or a customer (at least one), a store code, a
 * staff member, a channel and a method, valid for `ctx->ttl_us` from now
 * (store clock). Writes the token (CSVC_SURVEY_TOKEN_LEN hex digits from
 * 122 random bits, and a NUL) to `token`, which must hold
 * CSVC_SURVEY_TOKEN_LEN + 1 bytes; only on success.
 * Errors: CSVC_EINVAL (NULL arguments, no ticket and no customer, no store
 *   code, unknown method, bad text, ttl not positive), CSVC_ERANGE (text too
 *   long), CSVC_ENOTFOUND (survey, ticket, customer or channel), storage
 *   errors.
 * Thread safety: as for the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_invite(csvc_store *store, const char *name, const csvc_survey_context *ctx,
                                    char *token);

/** A response being filled in (answers by question name). Opaque. @since 1.0 */
typedef struct csvc_survey_answers csvc_survey_answers;

/**
 * Starts an empty set of answers.
 * Errors: CSVC_EINVAL (NULL), CSVC_ENOMEM.
 * Ownership: free with csvc_survey_answers_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_answers_new(csvc_survey_answers **out);
/** NULL is a no-op. @since 1.0 */
CSVC_EXTERN(void) csvc_survey_answers_free(csvc_survey_answers *a);

/**
 * Answers question `question` with a score (Likert, NPS, CES), a yes/no
 * (0 or 1), a SERVQUAL pair (expectation, perception), a choice option or
 * free text. Answering the same question again replaces the answer. The
 * value is checked against the definition when the response is submitted.
 * Errors: CSVC_EINVAL (NULL, bad name, bad UTF-8), CSVC_ERANGE (text too
 *   long, more than CSVC_SURVEY_MAX_QUESTIONS answers), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_answers_score(csvc_survey_answers *a, const char *question, int32_t value);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_survey_answers_yes_no(csvc_survey_answers *a, const char *question, int32_t yes);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_survey_answers_pair(csvc_survey_answers *a, const char *question, int32_t expectation,
                                          int32_t perception);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_survey_answers_choice(csvc_survey_answers *a, const char *question, const char *option);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_survey_answers_text(csvc_survey_answers *a, const char *question, const char *text);

/**
 * Records the response to invitation `token`, validated against the survey
 * version the invitation was made for. `response` (may be NULL) receives
 * the response's UUID. Nothing is written on any error.
 * Errors: CSVC_ENOTFOUND (no such token), CSVC_EEXISTS (the invitation was
 *   answered already), CSVC_ESTATE (it has expired: the store clock is at
 *   or past its expiry), CSVC_EINVAL (an unknown question, an answer of the
 *   wrong kind for its question, an unknown option, a required question
 *   unanswered, bad arguments), CSVC_ERANGE (a score outside the
 *   question's scale), storage errors.
 * Thread safety: as for the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_respond(csvc_store *store, const char *token, const csvc_survey_answers *a,
                                     csvc_uuid *response);

/**
 * Records a response without an invitation to the newest version of
 * survey `name`, which must allow anonymous responses. `ctx` gives the
 * store code and method, and optionally the channel and staff member; an
 * anonymous response names no ticket and no customer (ttl_us is ignored).
 * Errors: as csvc_survey_respond; CSVC_EINVAL (a ticket or customer given,
 *   no store code), CSVC_ENOTFOUND (survey or channel), CSVC_ESTATE (the
 *   survey does not allow anonymous responses).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_survey_respond_anonymous(csvc_store *store, const char *name,
                                               const csvc_survey_context *ctx,
                                               const csvc_survey_answers *a, csvc_uuid *response);

CSVC_END_DECL

#endif /* CSVC_SURVEY_H */
