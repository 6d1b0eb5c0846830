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
 *
 * Thread safety: a csvc_workflow is a detached value. Its getters only
 * read it, so several threads may read one workflow at once; the calls
 * that change it (add, set, save, which sets its version) and
 * csvc_workflow_free need the caller to make sure no other thread uses
 * it. Calls that take a csvc_store follow the store's rule: one thread
 * at a time per store (store.h).
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
/** At most this many guards per workflow (csvc_workflow_require_field,
 * csvc_workflow_require_approval). @since 1.0 */
#define CSVC_WORKFLOW_MAX_GUARDS 256

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
 *
 * @param out Receives the workflow; written only on success.
 * @param name The workflow's machine name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL, a character outside [a-z0-9_.-]),
 * CSVC_ERANGE (an empty name or one longer than CSVC_WORKFLOW_MAX_NAME),
 * CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_workflow_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_new(csvc_workflow **out, const char *name);

/**
 * Frees a workflow and the strings borrowed from it.
 *
 * @param wf The workflow, or NULL (a no-op).
 *
 * Ownership: takes `wf` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_workflow_free(csvc_workflow *wf);

/**
 * Adds a state. Labels may be NULL. The first state added becomes the
 * initial state unless csvc_workflow_set_initial() says otherwise.
 *
 * @param wf The workflow.
 * @param name The state's machine name.
 * @param category Its category.
 * @param label_zh Its Chinese label, or NULL.
 * @param label_en Its English label, or NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (bad name, unknown category, bad UTF-8), CSVC_ERANGE
 * (too long, too many), CSVC_EEXISTS (a state of that name exists),
 * CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_add_state(csvc_workflow *wf, const char *name, csvc_state_category_t category,
                                         const char *label_zh, const char *label_en);

/**
 * Adds a transition `name` from state `from` to state `to`. One name may
 * leave several states ("cancel" from any open state), but only once per
 * state. States need not exist yet; csvc_workflow_validate() checks.
 *
 * @param wf The workflow.
 * @param name The transition's machine name.
 * @param from The state it leaves.
 * @param to The state it enters.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL, a bad machine name), CSVC_ERANGE (a name
 * too long, or more than CSVC_WORKFLOW_MAX_TRANSITIONS), CSVC_EEXISTS
 * (same name from same state), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_add_transition(csvc_workflow *wf, const char *name, const char *from,
                                              const char *to);

/**
 * Sets the state new tickets start in. The state need not exist yet;
 * csvc_workflow_validate() checks that it does.
 *
 * @param wf The workflow.
 * @param state The state's machine name.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL, a bad machine name), CSVC_ERANGE (too
 * long), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_set_initial(csvc_workflow *wf, const char *state);

/**
 * Checks the definition. Errors (CSVC_EINVAL, with a message naming the
 * problem): no states or no initial state, an unknown initial state, a
 * transition to or from an unknown state, a state not reachable from the
 * initial state, a state with no path to a closed or cancelled state.
 *
 * @param wf The workflow.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `wf`, or one of the problems above).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_validate(const csvc_workflow *wf);

/**
 * Validates and stores the workflow. If it equals the newest stored
 * version of the same name, nothing is written and that version is kept;
 * otherwise it is stored as version newest + 1. On success the version is
 * set on `wf` (csvc_workflow_version) and, if `version` is not NULL, there.
 *
 * @param store The open store.
 * @param wf The workflow; its version is set on success.
 * @param version Receives the stored version; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `wf`, or a definition that
 * csvc_workflow_validate refuses), CSVC_EREADONLY (a read-only store),
 * CSVC_ESTATE (inside a transaction aborted by a storage failure),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the newest stored version
 * cannot be read back), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_save(csvc_store *store, csvc_workflow *wf, int32_t *version);

/**
 * Loads version `version` of workflow `name`; 0 means the newest.
 *
 * @param store The open store.
 * @param name The workflow's machine name.
 * @param version The version, or 0 for the newest.
 * @param out Receives the workflow; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL, a bad machine name), CSVC_ERANGE (a name too
 * long), CSVC_ENOTFOUND (no such workflow or version), CSVC_ECORRUPT (the
 * stored definition is damaged), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_workflow_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_load(csvc_store *store, const char *name, int32_t version,
                                    csvc_workflow **out);

/**
 * The workflow's machine name.
 *
 * @param wf The workflow.
 * @return The name, or NULL if `wf` is NULL.
 *
 * Ownership: borrowed from `wf`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_workflow_name(const csvc_workflow *wf);
/**
 * The stored version the workflow equals.
 *
 * @param wf The workflow.
 * @return The version, or 0 if never saved or changed since it was saved
 *         or loaded (or `wf` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_workflow_version(const csvc_workflow *wf);
/**
 * The state new tickets start in.
 *
 * @param wf The workflow.
 * @return The initial state's name, or NULL when none is set.
 *
 * Ownership: borrowed from `wf`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_workflow_initial(const csvc_workflow *wf);
/**
 * Counts the workflow's states.
 *
 * @param wf The workflow.
 * @return The number of states (0 for NULL).
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_workflow_state_count(const csvc_workflow *wf);
/**
 * Reads state `i`, in the order the states were added. Outputs may be
 * NULL; they are written only on success.
 *
 * @param wf The workflow.
 * @param i The index, from 0 to csvc_workflow_state_count() - 1.
 * @param name Receives the state's name; may be NULL.
 * @param category Receives its csvc_state_category_t; may be NULL.
 * @param label_zh Receives its Chinese label (NULL if none); may be NULL.
 * @param label_en Receives its English label (NULL if none); may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `wf`), CSVC_ERANGE (`i` out of range).
 *
 * Ownership: the strings are borrowed from `wf`, valid until it is
 * changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_state_at(const csvc_workflow *wf, size_t i, const char **name,
                                        int32_t *category, const char **label_zh,
                                        const char **label_en);
/**
 * Looks up the category of a state by name. Never fails.
 *
 * @param wf The workflow.
 * @param name The state's name.
 * @return Its csvc_state_category_t, or 0 if there is no such state (or
 *         an argument is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_workflow_state_category(const csvc_workflow *wf, const char *name);
/**
 * Counts the workflow's transitions (one per name and state left).
 *
 * @param wf The workflow.
 * @return The number of transitions (0 for NULL).
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_workflow_transition_count(const csvc_workflow *wf);
/**
 * Reads transition `i`, in the order the transitions were added. Outputs
 * may be NULL; they are written only on success.
 *
 * @param wf The workflow.
 * @param i The index, from 0 to csvc_workflow_transition_count() - 1.
 * @param name Receives the transition's name; may be NULL.
 * @param from Receives the state it leaves; may be NULL.
 * @param to Receives the state it enters; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `wf`), CSVC_ERANGE (`i` out of range).
 *
 * Ownership: the strings are borrowed from `wf`, valid until it is
 * changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_transition_at(const csvc_workflow *wf, size_t i, const char **name,
                                             const char **from, const char **to);
/**
 * Where transition `name` leads from state `from`.
 *
 * @param wf The workflow.
 * @param from The state the transition leaves.
 * @param name The transition's name.
 * @param to Receives the state it enters; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL, a bad machine name), CSVC_ERANGE (a name
 * too long), CSVC_ESTATE (no such transition from that state).
 *
 * Ownership: `*to` is borrowed from `wf`, valid until it is changed or
 * freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_target(const csvc_workflow *wf, const char *from, const char *name,
                                      const char **to);

/**
 * Guards transition `transition` (every state it leaves) with a required
 * field: taking it needs `field` to be non-empty. `field` is either a
 * ticket field by its fixed name ("customer", "channel", "category",
 * "assignee", "team", "order_ref", "subject", "description": that field
 * must be set on the ticket) or any other name, an input the caller passes
 * with the transition (csvc_transition_opts). See docs/workflows.md
 * "Guards".
 *
 * @param wf The workflow being built.
 * @param transition A transition already added with that name.
 * @param field The field's or input's name: [a-z0-9_], 1 to
 *              CSVC_WORKFLOW_MAX_NAME bytes.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL, a bad name, or no transition `transition`
 * added yet), CSVC_ERANGE (an empty or too long name, or
 * CSVC_WORKFLOW_MAX_GUARDS guards already), CSVC_EEXISTS (the same field
 * already guards that transition), CSVC_ENOMEM. Nothing changes on
 * failure.
 *
 * Thread safety: `wf` is used by one thread at a time.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_require_field(csvc_workflow *wf, const char *transition, const char *field);

/**
 * Guards transition `transition` (every state it leaves) with an
 * approval: taking it needs an approval (csvc_ticket_approve, ticket.h)
 * by a staff member holding role `role`. With `field` NULL the approval
 * is always needed; otherwise only when the integer input `field` the
 * transition is taken with is above `threshold` (a refund above 500 needs
 * a supervisor), and then the input must be given.
 *
 * @param wf The workflow being built.
 * @param transition A transition already added with that name.
 * @param role The approving role's code (access.h); it need not exist yet,
 *             approvals check it.
 * @param field The integer input compared with `threshold`, [a-z0-9_], or
 *              NULL for an approval always needed.
 * @param threshold The input's largest value needing no approval; 0 when
 *                  `field` is NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `wf`, `transition` or `role`, a bad name, no
 * transition `transition` added yet, or a non-zero `threshold` without a
 * field), CSVC_ERANGE (an empty or too long name, or
 * CSVC_WORKFLOW_MAX_GUARDS guards already), CSVC_EEXISTS (`role` already
 * approves that transition), CSVC_ENOMEM. Nothing changes on failure.
 *
 * Thread safety: `wf` is used by one thread at a time.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_require_approval(csvc_workflow *wf, const char *transition, const char *role,
                                                const char *field, int64_t threshold);

/**
 * Counts the workflow's guards.
 *
 * @param wf The workflow.
 * @return The number of guards (0 for NULL).
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_workflow_guard_count(const csvc_workflow *wf);

/**
 * Reads guard `i`, in the order the guards were added. A required field
 * has `*role` NULL; an approval has its role, and `*field` NULL when it is
 * always needed. Outputs may be NULL; they are written only on success.
 *
 * @param wf The workflow.
 * @param i The index, from 0 to csvc_workflow_guard_count() - 1.
 * @param transition Receives the guarded transition's name; may be NULL.
 * @param field Receives the required field, or the approval's input (NULL:
 *              always); may be NULL.
 * @param role Receives the approving role, NULL for a required field; may
 *             be NULL.
 * @param threshold Receives the approval's threshold (0 otherwise); may be
 *                  NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `wf`), CSVC_ERANGE (`i` out of range).
 *
 * Ownership: the strings are borrowed from `wf`, valid until it is
 * changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_workflow_guard_at(const csvc_workflow *wf, size_t i, const char **transition,
                                        const char **field, const char **role, int64_t *threshold);

/**
 * Installs the handbook defaults: the workflows "inquiry", "complaint"
 * (接收→分析→处理→反馈→closed), "need" (识别→评估→响应→跟踪→归档),
 * "after_sales" (intake→classified→solution proposed→executing→result
 * notified→surveyed→closed) and "general", each with waiting, reopen,
 * escalate and cancel where they make sense; the ticket kinds and
 * channels (ticket.h), the SLA policy pack (csvc_sla_install_defaults)
 * the survey templates (csvc_survey_install_defaults), the handbook's
 * teams and departments (csvc_team_install_defaults, staff.h) and its
 * roles (csvc_role_install_defaults, access.h). Installing twice changes
 * nothing. Atomic.
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `store`), CSVC_EACCESS (access control on
 * and the principal lacks definitions_manage or, for the teams and
 * roles, staff_manage), CSVC_EREADONLY (a read-only
 * store), CSVC_ESTATE (inside a transaction aborted by a storage
 * failure), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (a stored definition
 * cannot be read back), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_store_install_defaults(csvc_store *store);

CSVC_END_DECL

#endif /* CSVC_WORKFLOW_H */
