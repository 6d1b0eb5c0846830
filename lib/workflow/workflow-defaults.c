/*
 * The handbook workflows, as data. Every ticket kind of the defaults runs
 * under one of these; users edit them by saving new versions.
 */
#include <stdlib.h>

#include "workflow/workflow-internal.h"

typedef struct state_def {
	const char *name;
	int32_t category;
	const char *zh, *en;
} state_def;

typedef struct transition_def {
	const char *name, *from, *to;
} transition_def;

typedef struct workflow_def {
	const char *name;
	const state_def *states;
	const transition_def *transitions;
} workflow_def;

#define END {NULL, 0, NULL, NULL}
#define TEND {NULL, NULL, NULL}

/* 咨询: received -> answered -> closed; complex inquiries go to a
 * designated handler (专人). */
static const state_def inquiry_states[] = {
	{"received", CSVC_STATE_NEW, "已受理", "Received"},
	{"assigned_handler", CSVC_STATE_OPEN, "专人处理", "With designated handler"},
	{"waiting_customer", CSVC_STATE_WAITING, "等待顾客", "Waiting on customer"},
	{"answered", CSVC_STATE_RESOLVED, "已答复", "Answered"},
	{"closed", CSVC_STATE_CLOSED, "已关闭", "Closed"},
	{"cancelled", CSVC_STATE_CANCELLED, "已取消", "Cancelled"},
	END};
static const transition_def inquiry_transitions[] = {
	{"answer", "received", "answered"},
	{"escalate", "received", "assigned_handler"},
	{"answer", "assigned_handler", "answered"},
	{"wait_customer", "received", "waiting_customer"},
	{"wait_customer", "assigned_handler", "waiting_customer"},
	{"resume", "waiting_customer", "assigned_handler"},
	{"close", "answered", "closed"},
	{"reopen", "answered", "assigned_handler"},
	{"reopen", "closed", "assigned_handler"},
	{"cancel", "received", "cancelled"},
	{"cancel", "waiting_customer", "cancelled"},
	TEND};

/* 投诉: 接收 -> 分析 -> 处理 -> 反馈 -> closed, one designated handler. */
static const state_def complaint_states[] = {
	{"received", CSVC_STATE_NEW, "接收", "Received"},
	{"analysing", CSVC_STATE_OPEN, "分析", "Analysing"},
	{"handling", CSVC_STATE_OPEN, "处理", "Handling"},
	{"escalated", CSVC_STATE_OPEN, "已升级", "Escalated"},
	{"waiting_customer", CSVC_STATE_WAITING, "等待顾客", "Waiting on customer"},
	{"waiting_third_party", CSVC_STATE_WAITING, "等待第三方", "Waiting on third party"},
	{"reported_back", CSVC_STATE_RESOLVED, "反馈", "Reported back"},
	{"closed", CSVC_STATE_CLOSED, "已关闭", "Closed"},
	{"cancelled", CSVC_STATE_CANCELLED, "已撤销", "Withdrawn"},
	END};
static const transition_def complaint_transitions[] = {
	{"analyse", "received", "analysing"},
	{"handle", "analysing", "handling"},
	{"report_back", "handling", "reported_back"},
	{"close", "reported_back", "closed"},
	{"escalate", "analysing", "escalated"},
	{"escalate", "handling", "escalated"},
	{"handle", "escalated", "handling"},
	{"wait_customer", "analysing", "waiting_customer"},
	{"wait_customer", "handling", "waiting_customer"},
	{"resume", "waiting_customer", "handling"},
	{"wait_third_party", "handling", "waiting_third_party"},
	{"resume", "waiting_third_party", "handling"},
	{"reopen", "reported_back", "handling"},
	{"reopen", "closed", "handling"},
	{"cancel", "received", "cancelled"},
	{"cancel", "analysing", "cancelled"},
	{"cancel", "waiting_customer", "cancelled"},
	TEND};

/* 需求: 识别 -> 评估 -> 响应 -> 跟踪 -> 归档. */
static const state_def need_states[] = {
	{"identified", CSVC_STATE_NEW, "识别", "Identified"},
	{"evaluated", CSVC_STATE_OPEN, "评估", "Evaluated"},
	{"responded", CSVC_STATE_OPEN, "响应", "Responded"},
	{"waiting_customer", CSVC_STATE_WAITING, "等待顾客", "Waiting on customer"},
	{"tracked", CSVC_STATE_RESOLVED, "跟踪", "Tracked"},
	{"archived", CSVC_STATE_CLOSED, "归档", "Archived"},
	{"declined", CSVC_STATE_CANCELLED, "不予受理", "Declined"},
	END};
static const transition_def need_transitions[] = {
	{"evaluate", "identified", "evaluated"},
	{"respond", "evaluated", "responded"},
	{"track", "responded", "tracked"},
	{"archive", "tracked", "archived"},
	{"wait_customer", "evaluated", "waiting_customer"},
	{"wait_customer", "responded", "waiting_customer"},
	{"resume", "waiting_customer", "evaluated"},
	{"escalate", "evaluated", "responded"},
	{"reopen", "tracked", "responded"},
	{"reopen", "archived", "responded"},
	{"cancel", "identified", "declined"},
	{"cancel", "evaluated", "declined"},
	TEND};

/* 售后/退换货: intake -> classified -> solution proposed -> executing ->
 * result notified -> surveyed -> closed. */
static const state_def after_sales_states[] = {
	{"intake", CSVC_STATE_NEW, "受理", "Intake"},
	{"classified", CSVC_STATE_OPEN, "问题分类", "Classified"},
	{"solution_proposed", CSVC_STATE_OPEN, "方案协商", "Solution proposed"},
	{"waiting_customer", CSVC_STATE_WAITING, "等待顾客确认", "Waiting on customer"},
	{"executing", CSVC_STATE_OPEN, "执行中", "Executing"},
	{"waiting_third_party", CSVC_STATE_WAITING, "等待供应商/物流", "Waiting on third party"},
	{"escalated", CSVC_STATE_OPEN, "已升级", "Escalated"},
	{"result_notified", CSVC_STATE_RESOLVED, "结果已通知", "Result notified"},
	{"surveyed", CSVC_STATE_RESOLVED, "已回访", "Surveyed"},
	{"closed", CSVC_STATE_CLOSED, "已关闭", "Closed"},
	{"cancelled", CSVC_STATE_CANCELLED, "已取消", "Cancelled"},
	END};
static const transition_def after_sales_transitions[] = {
	{"classify", "intake", "classified"},
	{"propose", "classified", "solution_proposed"},
	{"accept", "solution_proposed", "executing"},
	{"wait_customer", "solution_proposed", "waiting_customer"},
	{"resume", "waiting_customer", "solution_proposed"},
	{"wait_third_party", "executing", "waiting_third_party"},
	{"resume", "waiting_third_party", "executing"},
	{"escalate", "classified", "escalated"},
	{"escalate", "solution_proposed", "escalated"},
	{"escalate", "executing", "escalated"},
	{"propose", "escalated", "solution_proposed"},
	{"notify", "executing", "result_notified"},
	{"survey", "result_notified", "surveyed"},
	{"close", "result_notified", "closed"},
	{"close", "surveyed", "closed"},
	{"reopen", "result_notified", "classified"},
	{"reopen", "surveyed", "classified"},
	{"reopen", "closed", "classified"},
	{"cancel", "intake", "cancelled"},
	{"cancel", "classified", "cancelled"},
	{"cancel", "solution_proposed", "cancelled"},
	{"cancel", "waiting_customer", "cancelled"},
	TEND};

/* Suggestions, facility issues, emergencies, reservations. */
static const state_def general_states[] = {
	{"new", CSVC_STATE_NEW, "新建", "New"},
	{"in_progress", CSVC_STATE_OPEN, "处理中", "In progress"},
	{"waiting_customer", CSVC_STATE_WAITING, "等待顾客", "Waiting on customer"},
	{"escalated", CSVC_STATE_OPEN, "已升级", "Escalated"},
	{"resolved", CSVC_STATE_RESOLVED, "已解决", "Resolved"},
	{"closed", CSVC_STATE_CLOSED, "已关闭", "Closed"},
	{"cancelled", CSVC_STATE_CANCELLED, "已取消", "Cancelled"},
	END};
static const transition_def general_transitions[] = {
	{"start", "new", "in_progress"},
	{"resolve", "new", "resolved"},
	{"resolve", "in_progress", "resolved"},
	{"wait_customer", "in_progress", "waiting_customer"},
	{"resume", "waiting_customer", "in_progress"},
	{"escalate", "new", "escalated"},
	{"escalate", "in_progress", "escalated"},
	{"start", "escalated", "in_progress"},
	{"close", "resolved", "closed"},
	{"reopen", "resolved", "in_progress"},
	{"reopen", "closed", "in_progress"},
	{"cancel", "new", "cancelled"},
	{"cancel", "in_progress", "cancelled"},
	{"cancel", "waiting_customer", "cancelled"},
	TEND};

/* A hand-off to a department (物业, 财务, 商品, 人事, 市场): the department
 * accepts the request and reports it done, or declines it. Done and
 * declined end the sub-task, which tells the parent ticket (ticket.h). */
static const state_def handoff_states[] = {
	{"requested", CSVC_STATE_NEW, "待接收", "Requested"},
	{"accepted", CSVC_STATE_OPEN, "已接收", "Accepted"},
	{"done", CSVC_STATE_CLOSED, "已完成", "Done"},
	{"declined", CSVC_STATE_CANCELLED, "已退回", "Declined"},
	END};
static const transition_def handoff_transitions[] = {
	{"accept", "requested", "accepted"},
	{"complete", "accepted", "done"},
	{"decline", "requested", "declined"},
	{"decline", "accepted", "declined"},
	{"reopen", "done", "accepted"},
	TEND};

static const workflow_def defaults[] = {
	{"inquiry", inquiry_states, inquiry_transitions},
	{"complaint", complaint_states, complaint_transitions},
	{"need", need_states, need_transitions},
	{"after_sales", after_sales_states, after_sales_transitions},
	{"general", general_states, general_transitions},
	{"handoff", handoff_states, handoff_transitions},
};

#define N_DEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

int csvc__workflow_defaults(csvc_workflow ***out, size_t *n)
{
	csvc_workflow **list = csvc__calloc(N_DEFAULTS, sizeof(*list));
	if (!list)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	int rc = CSVC_OK;
	for (size_t i = 0; i < N_DEFAULTS && !rc; i++) {
		const workflow_def *d = &defaults[i];
		if ((rc = csvc_workflow_new(&list[i], d->name)))
			break;
		for (const state_def *s = d->states; s->name && !rc; s++)
			rc = csvc_workflow_add_state(list[i], s->name, s->category, s->zh, s->en);
		for (const transition_def *t = d->transitions; t->name && !rc; t++)
			rc = csvc_workflow_add_transition(list[i], t->name, t->from, t->to);
	}
	if (rc) {
		for (size_t i = 0; i < N_DEFAULTS; i++)
			csvc_workflow_free(list[i]);
		csvc__free(list);
		return rc;
	}
	*out = list;
	*n = N_DEFAULTS;
	return CSVC_OK;
}
