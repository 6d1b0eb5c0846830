/*
 * Versioned public structs: each caller's struct is read and written only
 * as far as the version it carries (docs/conventions.md "Versioned
 * structs").
 */
#include <string.h>

#include "util/internal.h"

int csvc__struct_version(const csvc__struct_layout *l, uint32_t claimed, uint32_t *version)
{
	if (claimed > l->n_versions)
		return csvc__error(CSVC_EINVAL, "%s.version %u is not supported (this library knows 1 to %u)",
		                   l->name, (unsigned)claimed, (unsigned)l->n_versions);
	*version = claimed ? claimed : 1;
	return CSVC_OK;
}

int csvc__struct_init(const csvc__struct_layout *l, void *dst, unsigned int version)
{
	if (!dst)
		return csvc__error(CSVC_EINVAL, "%s_init: invalid argument (NULL struct)", l->name);
	if (version == 0 || version > l->n_versions)
		return csvc__error(CSVC_EINVAL, "%s_init: version %u is not supported (this library knows 1 to %u)",
		                   l->name, version, (unsigned)l->n_versions);
	memcpy(dst, l->defaults, l->sizes[version - 1]);
	uint32_t v = version;
	memcpy(dst, &v, sizeof(v));
	return CSVC_OK;
}

int csvc__struct_read(const csvc__struct_layout *l, void *full, const void *src)
{
	uint32_t claimed, version = 1;
	memcpy(&claimed, src, sizeof(claimed));
	int rc = csvc__struct_version(l, claimed, &version);
	if (rc)
		return rc;
	memcpy(full, l->defaults, l->size);
	memcpy(full, src, l->sizes[version - 1]);
	memcpy(full, &version, sizeof(version));
	return CSVC_OK;
}
