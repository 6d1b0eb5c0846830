/*
 * The library's front door: opening a store attaches every module to it,
 * lowest layer first, so that each module above can follow the ones below
 * (tickets follow customers; the SLA engine follows tickets; surveys
 * follow customers). This is the only file that knows every module; the
 * store itself knows none (docs/architecture.md).
 */
#include <stdio.h>

#include "access/access-internal.h"
#include "calendar/calendar-db.h"
#include "customer/customer-internal.h"
#include "feed/feed-internal.h"
#include "route/route-internal.h"
#include "csvc/sla.h"
#include "csvc/survey.h"
#include "sla/sla-internal.h"
#include "csvc/staff.h"
#include "staff/staff-internal.h"
#include "store/store-internal.h"
#include "survey/survey-internal.h"
#include "ticket/ticket-internal.h"
#include "workflow/workflow-internal.h"

int csvc_store_open(csvc_store **out, const char *path, const csvc_store_options *opts)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	csvc_store *s = NULL;
	int rc = csvc__store_open(&s, path, opts);
	if (rc)
		return rc;
	if ((rc = csvc__feed_attach(s)) || (rc = csvc__access_attach(s)) || (rc = csvc__customer_attach(s)) || (rc = csvc__workflow_attach(s)) || (rc = csvc__calendar_attach(s)) || (rc = csvc__staff_attach(s)) || (rc = csvc__route_attach(s)) || (rc = csvc__ticket_attach(s)) ||
	    (rc = csvc__sla_attach(s)) || (rc = csvc__survey_attach(s))) {
		csvc__error_saved saved;
		csvc__error_save(&saved);
		csvc_store_close(s);
		csvc__error_restore(&saved);
		return rc;
	}
	*out = s;
	return CSVC_OK;
}

int csvc_store_install_defaults(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	int rc = csvc__tx_begin(store);
	if (rc)
		return rc;
	if (!(rc = csvc__workflow_install_defaults(store)) && !(rc = csvc__ticket_install_defaults(store)) &&
	    !(rc = csvc_sla_install_defaults(store)) && !(rc = csvc_survey_install_defaults(store)) &&
	    !(rc = csvc_team_install_defaults(store)))
		rc = csvc_role_install_defaults(store);
	return csvc__tx_end(store, rc);
}
