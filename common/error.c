/* SPDX-License-Identifier: MIT */
/* The names of the API's error codes, and the one way to fill an error. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

#define API_ERROR_NAME(id, code) code,
static const char *const names[API_CODE_COUNT] = { API_ERRORS(API_ERROR_NAME) };
#undef API_ERROR_NAME

const char *api_code_name(enum api_code code)
{
	return (unsigned)code < API_CODE_COUNT ? names[code] : names[API_InternalError];
}

int api_fail(struct api_error *err, enum api_code code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}
