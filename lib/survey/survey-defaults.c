/*
 * The handbook survey templates (csvc_survey_install_defaults).
 */
#include <stdlib.h>

#include "survey/survey-internal.h"

static int post_resolution(csvc_survey *s)
{
	int rc = csvc_survey_set_title(s, "服务满意度回访 Post-resolution survey");
	if (!rc)
		rc = csvc_survey_add_question(s, "response_speed", CSVC_QUESTION_LIKERT, NULL, 1, "响应速度",
		                              "Response speed", NULL);
	if (!rc)
		rc = csvc_survey_add_question(s, "resolution_efficiency", CSVC_QUESTION_LIKERT, NULL, 1,
		                              "问题解决效率", "Resolution efficiency", NULL);
	if (!rc)
		rc = csvc_survey_add_question(s, "solution_satisfaction", CSVC_QUESTION_LIKERT, NULL, 1,
		                              "解决方案满意度", "Satisfaction with the solution", NULL);
	if (!rc)
		rc = csvc_survey_add_question(s, "comment", CSVC_QUESTION_TEXT, NULL, 0, "意见和建议",
		                              "Comments and suggestions", NULL);
	return rc;
}

static int mall(csvc_survey *s)
{
	static const struct {
		const char *name, *zh, *en;
	} dims[] = {
		{"product_quality", "商品质量", "Product quality"},
		{"shopping_environment", "购物环境", "Shopping environment"},
		{"staff_service", "员工服务", "Staff service"},
		{"after_sales", "售后保障", "After-sales support"},
	};
	int rc = csvc_survey_set_title(s, "购物中心顾客满意度调查 Mall satisfaction survey");
	for (size_t i = 0; i < sizeof(dims) / sizeof(dims[0]) && !rc; i++) {
		rc = csvc_survey_add_dimension(s, dims[i].name, 1, dims[i].zh, dims[i].en);
		if (!rc)
			rc = csvc_survey_add_question(s, dims[i].name, CSVC_QUESTION_LIKERT, dims[i].name, 1, dims[i].zh,
			                              dims[i].en, NULL);
	}
	if (!rc)
		rc = csvc_survey_add_question(s, "recommend", CSVC_QUESTION_NPS, NULL, 0, "您向亲友推荐本商场的可能性",
		                              "How likely are you to recommend us?", NULL);
	if (!rc)
		rc = csvc_survey_add_question(s, "comment", CSVC_QUESTION_TEXT, NULL, 0, "意见和建议",
		                              "Comments and suggestions", NULL);
	return rc;
}

static int nps(csvc_survey *s)
{
	int rc = csvc_survey_set_title(s, "推荐意愿 Net Promoter Score");
	if (!rc)
		rc = csvc_survey_set_anonymous(s, 1);
	if (!rc)
		rc = csvc_survey_add_question(s, "recommend", CSVC_QUESTION_NPS, NULL, 1, "您向亲友推荐我们的可能性",
		                              "How likely are you to recommend us?", NULL);
	return rc;
}

static int servqual(csvc_survey *s)
{
	int rc = csvc_survey_set_title(s, "服务质量评价 SERVQUAL");
	return rc ? rc : csvc_survey_add_servqual(s, 0);
}

static int servqual_handbook(csvc_survey *s)
{
	int rc = csvc_survey_set_title(s, "服务质量评价(含保障性) SERVQUAL with security");
	return rc ? rc : csvc_survey_add_servqual(s, 1);
}

int csvc__survey_defaults(csvc_survey ***out, size_t *n)
{
	static const struct {
		const char *name;
		int (*build)(csvc_survey *);
	} templates[] = {
		{"post_resolution", post_resolution},
		{"mall", mall},
		{"nps", nps},
		{"servqual", servqual},
		{"servqual_handbook", servqual_handbook},
	};
	size_t count = sizeof(templates) / sizeof(templates[0]);
	csvc_survey **all = csvc__calloc(count, sizeof(*all));
	if (!all)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	int rc = CSVC_OK;
	for (size_t i = 0; i < count && !rc; i++)
		if (!(rc = csvc_survey_new(&all[i], templates[i].name)))
			rc = templates[i].build(all[i]);
	if (rc) {
		for (size_t i = 0; i < count; i++)
			csvc_survey_free(all[i]);
		csvc__free(all);
		return rc;
	}
	*out = all;
	*n = count;
	return CSVC_OK;
}
