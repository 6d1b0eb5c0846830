/**
 * @file
 * libcsvc - workflows: ticket state machines defined as data.
 *
 * A workflow has named states, each in a category (new, open, waiting,
 * resolved, closed, cancelled) with Chinese and English labels, named
 * transitions between states, and an initial state. Saving a changed
 * workflow creates a new version; tickets keep the version they run under.
 * A csvc_workflow is a detached value (see docs/workflows.md).
 *
 * Names of workflows, states and transitions are machine names: 1 to
 * CSVC_WORKFLOW_MAX_NAME bytes of [a-z0-9_.-]. Labels are UTF-8 text of at
 * most CSVC_WORKFLOW_MAX_LABEL bytes.
 */
#ifndef CSVC_WORKFLOW_H
#define CSVC_WORKFLOW_H

#include "common.h"
#include "store.h"

CSVC_BEGIN_DECL

#define CSVC_WORKFLOW_MAX_NAME 64
#define CSVC_WORKFLOW_MAX_LABEL 128
#define CSVC_WORKFLOW_MAX_STATES 64
#define CSVC_WORKFLOW_MAX_TRANSITIONS 256

/**
 * State categories. Waiting states are where SLA clocks may pause; closed
 * and cancelled states end a ticket's life (though a transition such as
 * "reopen" may leave them).
 * @since 1.0
 */
typedef enum csvc_state_category_t {
	CSVC_STATE_NEW = 1,
	CSVC_STATE_OPEN = 2,
	CSVC_STATE_WAITING = 3,
	CSVC_STATE_RESOLVED = 4,
	CSVC_STATE_CLOSED = 5,
	CSVC_STATE_CANCELLED = 6
} csvc_state_category_t;

/** A workflow definition (detached value). Opaque. @since 1.0 */
typedef struct csvc_workflow csvc_workflow;

/**
 * Starts an empty, unsaved workflow called `name`.
 * Errors: CSVC_EINVAL (NULL, bad name), CSVC_ENOMEM.
 * Ownership: free with csvc_workflow_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_new(csvc_workflow **out, const char *name);

/** Frees a workflow. NULL is a no-op. @since 1.0 */
CSVC_EXTERN(void) csvc_workflow_free(csvc_workflow *wf);

/**
 * Adds a state. Labels may be NULL. The first state added becomes the
 * initial state unless csvc_workflow_set_initial() says otherwise.
 * Errors: CSVC_EINVAL (bad name, unknown category, bad UTF-8), CSVC_ERANGE
 * (too long, too many), CSVC_EEXISTS (a state of that name exists).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_add_state(csvc_workflow *wf, const char *name, csvc_state_category_t category,
                                         const char *label_zh, const char *label_en);

/**
 * Adds a transition `name` from state `from` to state `to`. One name may
 * leave several states ("cancel" from any open state), but only once per
 * state. States need not exist yet; csvc_workflow_validate() checks.
 * Errors: CSVC_EINVAL, CSVC_ERANGE, CSVC_EEXISTS (same name from same state).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_add_transition(csvc_workflow *wf, const char *name, const char *from,
                                              const char *to);

/** Sets the initial state (checked by validate). @since 1.0 */
CSVC_EXTERN(int) csvc_workflow_set_initial(csvc_workflow *wf, const char *state);

/**
 * Checks the definition. Errors (CSVC_EINVAL, with a message naming the
 * problem): no states or no initial state, an unknown initial state, a
 * transition to or from an unknown state, a state not reachable from the
 * initial state, a state with no path to a closed or cancelled state.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_validate(const csvc_workflow *wf);

/**
 * Validates and stores the workflow. If it equals the newest stored
 * version of the same name, nothing is written and that version is kept;
 * otherwise it is stored as version newest + 1. On success the version is
 * set on `wf` (csvc_workflow_version) and, if `version` is not NULL, there.
 * Errors: as validate, plus CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_save(csvc_store *store, csvc_workflow *wf, int32_t *version);

/**
 * Loads version `version` of workflow `name`; 0 means the newest.
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND, CSVC_ECORRUPT, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_load(csvc_store *store, const char *name, int32_t version,
                                    csvc_workflow **out);

/** The name. Borrowed. @since 1.0 */
CSVC_EXTERN(const char *) csvc_workflow_name(const csvc_workflow *wf);
/** The stored version, 0 if never saved or changed since. @since 1.0 */
CSVC_EXTERN(int32_t) csvc_workflow_version(const csvc_workflow *wf);
/** The initial state's name, or NULL. Borrowed. @since 1.0 */
CSVC_EXTERN(const char *) csvc_workflow_initial(const csvc_workflow *wf);
/** @since 1.0 */
CSVC_EXTERN(size_t) csvc_workflow_state_count(const csvc_workflow *wf);
/**
 * State i in the order added. Outputs may be NULL and borrow from `wf`.
 * Errors: CSVC_EINVAL, CSVC_ERANGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_state_at(const csvc_workflow *wf, size_t i, const char **name,
                                        int32_t *category, const char **label_zh,
                                        const char **label_en);
/** The category of state `name`, or 0 if there is no such state. @since 1.0 */
CSVC_EXTERN(int32_t) csvc_workflow_state_category(const csvc_workflow *wf, const char *name);
/** @since 1.0 */
CSVC_EXTERN(size_t) csvc_workflow_transition_count(const csvc_workflow *wf);
/** Transition i in the order added. @since 1.0 */
CSVC_EXTERN(int) csvc_workflow_transition_at(const csvc_workflow *wf, size_t i, const char **name,
                                             const char **from, const char **to);
/**
 * Where transition `name` leads from state `from`.
 * Errors: CSVC_EINVAL, CSVC_ESTATE (no such transition from that state).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_target(const csvc_workflow *wf, const char *from, const char *name,
                                      const char **to);

/**
 * Installs the handbook defaults: the workflows "inquiry", "complaint"
 * (接收→分析→处理→反馈→closed), "need" (识别→评估→响应→跟踪→归档),
 * "after_sales" (intake→classified→solution proposed→executing→result
 * notified→surveyed→closed) and "general", each with waiting, reopen,
 * escalate and cancel where they make sense; the ticket kinds and
 * channels (ticket.h), the SLA policy pack (csvc_sla_install_defaults)
 * and the survey templates (csvc_survey_install_defaults).
 * Installing twice changes nothing. Atomic.
 * Errors: CSVC_EINVAL, CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_install_defaults(csvc_store *store);

CSVC_END_DECL

#endif /* CSVC_WORKFLOW_H */
