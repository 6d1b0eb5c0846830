/*
 * Score formulas: Wilson intervals, NPS and its standard error,
 * nearest-rank percentiles, Likert rescaling and calendar periods. Each is
 * defined in docs/scoring.md or docs/reports.md.
 */
#include <math.h>
#include <stdio.h>

#include "csvc/tz.h"
#include "report/report-internal.h"

#define Z95 1.959963984540054

void csvc__wilson(int64_t k, int64_t n, double *low, double *high)
{
	if (n <= 0) {
		*low = *high = NAN;
		return;
	}
	double p = (double)k / (double)n, nn = (double)n, z2 = Z95 * Z95;
	double denom = 1 + z2 / nn;
	double centre = (p + z2 / (2 * nn)) / denom;
	double half = Z95 / denom * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
	*low = centre - half;
	*high = centre + half;
	if (*low < 0)
		*low = 0;
	if (*high > 1)
		*high = 1;
}

void csvc__nps(int64_t promoters, int64_t detractors, int64_t n, double *nps, double *se)
{
	if (n <= 0) {
		*nps = *se = NAN;
		return;
	}
	double pp = (double)promoters / (double)n, pd = (double)detractors / (double)n;
	*nps = 100 * (pp - pd);
	/* Var(X) / n for X = +1 promoter, -1 detractor, 0 passive:
	 * Var = pp + pd - (pp - pd)^2 = pp(1-pp) + pd(1-pd) + 2 pp pd. */
	double var = pp * (1 - pp) + pd * (1 - pd) + 2 * pp * pd;
	*se = 100 * sqrt(var / (double)n);
}

double csvc__percentile(const int64_t *sorted, size_t n, double p)
{
	if (n == 0)
		return NAN;
	double r = ceil(p * (double)n / 100.0); /* p * n first: exact for whole p */
	size_t rank = r < 1 ? 1 : (size_t)r;
	if (rank > n)
		rank = n;
	return (double)sorted[rank - 1];
}

double csvc__rescale(int32_t x, int32_t scale_max)
{
	return 100.0 * (double)(x - 1) / (double)(scale_max - 1);
}

/* Days from 1970-01-01 of a proleptic-Gregorian date. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

#define DAY_US ((int64_t)86400 * CSVC_SECOND_US)

static int64_t local_of(int64_t y, int64_t m, int64_t d)
{
	return days_from_civil(y, m, d) * DAY_US;
}

int csvc__period_of(int64_t local_us, int32_t period, char *key, int64_t *start, int64_t *end)
{
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	if (csvc_civil_from_local(local_us, &c))
		return csvc__error(CSVC_ERANGE, "time out of range for a report period");
	int64_t day0 = local_of(c.year, c.month, c.day);
	switch (period) {
	case CSVC_PERIOD_DAY:
		snprintf(key, 32, "%04d-%02d-%02d", c.year, c.month, c.day);
		*start = day0;
		*end = day0 + DAY_US;
		break;
	case CSVC_PERIOD_WEEK: {
		/* ISO week: the week's Thursday decides its year. */
		int64_t monday = day0 - (int64_t)(c.weekday - 1) * DAY_US;
		int64_t thursday = monday + 3 * DAY_US;
		csvc_civil_time t = CSVC_CIVIL_TIME_INIT;
		csvc_civil_from_local(thursday, &t);
		int64_t jan1 = local_of(t.year, 1, 1);
		int week = (int)((thursday - jan1) / DAY_US / 7) + 1;
		snprintf(key, 32, "%04d-W%02d", t.year, week);
		*start = monday;
		*end = monday + 7 * DAY_US;
		break;
	}
	case CSVC_PERIOD_QUARTER: {
		int q = (c.month - 1) / 3;
		snprintf(key, 32, "%04d-Q%d", c.year, q + 1);
		*start = local_of(c.year, q * 3 + 1, 1);
		*end = q == 3 ? local_of(c.year + 1, 1, 1) : local_of(c.year, q * 3 + 4, 1);
		break;
	}
	default: /* month */
		snprintf(key, 32, "%04d-%02d", c.year, c.month);
		*start = local_of(c.year, c.month, 1);
		*end = c.month == 12 ? local_of(c.year + 1, 1, 1) : local_of(c.year, c.month + 1, 1);
		break;
	}
	return CSVC_OK;
}

int64_t csvc__period_count(int64_t first_start, int64_t last_start, int32_t period)
{
	if (last_start < first_start)
		return 0;
	switch (period) {
	case CSVC_PERIOD_DAY: return (last_start - first_start) / DAY_US + 1;
	case CSVC_PERIOD_WEEK: return (last_start - first_start) / (7 * DAY_US) + 1;
	default: {
		csvc_civil_time a = CSVC_CIVIL_TIME_INIT, b = CSVC_CIVIL_TIME_INIT;
		if (csvc_civil_from_local(first_start, &a) || csvc_civil_from_local(last_start, &b))
			return INT64_MAX;
		int64_t months = ((int64_t)b.year * 12 + b.month) - ((int64_t)a.year * 12 + a.month);
		return (period == CSVC_PERIOD_QUARTER ? months / 3 : months) + 1;
	}
	}
}
