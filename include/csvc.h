/**
 * @file
 * libcsvc - customer-service management for retail (umbrella header).
 */
#ifndef CSVC_H
#define CSVC_H

#include "csvc/common.h"
#include "csvc/alloc.h"
#include "csvc/enum.h"
#include "csvc/version.h"
#include "csvc/error.h"
#include "csvc/store.h"
#include "csvc/access.h"
#include "csvc/feed.h"
#include "csvc/consent.h"
#include "csvc/customer.h"
#include "csvc/workflow.h"
#include "csvc/ticket.h"
#include "csvc/tz.h"
#include "csvc/calendar.h"
#include "csvc/staff.h"
#include "csvc/route.h"
#include "csvc/worklog.h"
#include "csvc/queue.h"
#include "csvc/sla.h"
#include "csvc/survey.h"
#include "csvc/report.h"
#include "csvc/privacy.h"

#endif /* CSVC_H */
