/* SPDX-License-Identifier: MIT */
/* Finding an endpoint service the way a consumer does (service.c). */
#ifndef XL_MODEL_SERVICE_H
#define XL_MODEL_SERVICE_H

#include <stdint.h>

#include "error.h"
#include "ids.h"

struct model;

/* The service named `name` if the caller may use it (its owner, or an allowed
 * principal), else InvalidServiceName: to everyone else it does not exist. */
int find_visible_service(struct model *m, const struct principal *caller, const char *name,
			 int64_t *service, struct api_error *err);

#endif
