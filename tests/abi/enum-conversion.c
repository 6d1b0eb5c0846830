/*
 * Compiled by check-enum-conversion.py with -Werror=enum-conversion: with
 * CASE 0 every call passes the enum its parameter names and the file
 * compiles; each other CASE passes a value of another enum to one public
 * function, which must fail to compile.
 */
#include <csvc.h>

#ifndef CASE
#define CASE 0
#endif

int enum_conversion_calls(csvc_store *s, csvc_customer *c, csvc_ticket *t, csvc_workflow *wf,
                          csvc_sla_policy *p, const csvc_tz *tz, const csvc_report *r);

int enum_conversion_calls(csvc_store *s, csvc_customer *c, csvc_ticket *t, csvc_workflow *wf,
                          csvc_sla_policy *p, const csvc_tz *tz, const csvc_report *r)
{
	csvc_time_us utc = 0;
	size_t index = 0;
	int rc = 0;
#if CASE == 0
	rc |= csvc_ticket_set_urgency(t, CSVC_URGENCY_MAJOR);
	rc |= csvc_ticket_set_importance(t, CSVC_IMPORTANCE_LOW);
	rc |= csvc_customer_set_class(c, CSVC_CUSTOMER_VIP);
	rc |= csvc_customer_set_lifecycle(c, CSVC_LIFECYCLE_MATURE);
	rc |= csvc_priority_matrix_set(s, CSVC_URGENCY_MAJOR, CSVC_IMPORTANCE_HIGH, CSVC_IMPACT_WIDE,
	                               CSVC_PRIORITY_HIGH);
	rc |= csvc_tz_local_to_utc(tz, 0, CSVC_TZ_LATER, &utc);
	rc |= csvc_workflow_add_state(wf, "open", CSVC_STATE_OPEN, NULL, NULL);
	rc |= csvc_sla_policy_add_target(p, "respond", 1, CSVC_SLA_CALENDAR_24X7, NULL, &index);
	rc |= csvc_sla_policy_match_tier(p, CSVC_TIER_2);
	rc |= (int)csvc_report_value(r, 0, CSVC_METRIC_CSAT);
	rc |= csvc_enum_name(CSVC_ENUM_URGENCY, CSVC_URGENCY_MAJOR) != NULL;
#elif CASE == 1
	rc |= csvc_ticket_set_urgency(t, CSVC_IMPORTANCE_LOW);
#elif CASE == 2
	rc |= csvc_customer_set_class(c, CSVC_LIFECYCLE_MATURE);
#elif CASE == 3
	rc |= csvc_priority_matrix_set(s, CSVC_IMPORTANCE_HIGH, CSVC_URGENCY_MAJOR, CSVC_IMPACT_WIDE,
	                               CSVC_PRIORITY_HIGH);
#elif CASE == 4
	rc |= csvc_tz_local_to_utc(tz, 0, CSVC_SLA_CALENDAR_24X7, &utc);
#elif CASE == 5
	rc |= csvc_workflow_add_state(wf, "open", CSVC_SLA_RUNNING, NULL, NULL);
#elif CASE == 6
	rc |= csvc_sla_policy_match_tier(p, CSVC_PRIORITY_HIGH);
#elif CASE == 7
	rc |= (int)csvc_report_value(r, 0, CSVC_REPORT_BY_STORE);
#elif CASE == 8
	rc |= csvc_enum_name(CSVC_URGENCY_MAJOR, CSVC_URGENCY_MAJOR) != NULL;
#endif
	(void)s, (void)c, (void)t, (void)wf, (void)p, (void)tz, (void)r, (void)utc, (void)index;
	return rc;
}
