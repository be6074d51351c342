/* SPDX-License-Identifier: MIT */
/* Name tables derived from include/xdplink.h's X-macros, so that nothing is spelled twice. */
#include "facts.h"

#include <stddef.h>
#include <string.h>

#define ROLE_ENTRY(id, value, name, text) { value, name },
static const struct {
	uint8_t value;
	const char *name;
} roles[] = { XL_ROLES(ROLE_ENTRY) };
#undef ROLE_ENTRY

#define STATE_ENTRY(id, value, name) { value, name },
static const struct {
	uint32_t value;
	const char *name;
} states[] = { XL_ENDPOINT_STATES(STATE_ENTRY) };
#undef STATE_ENTRY

#define REASON_NAME(id, name, text) name,
const char *const xl_reason_names[XL_REASON_COUNT] = { XL_REASONS(REASON_NAME) };
#undef REASON_NAME

#define REASON_TEXT(id, name, text) text,
const char *const xl_reason_texts[XL_REASON_COUNT] = { XL_REASONS(REASON_TEXT) };
#undef REASON_TEXT

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

const char *xl_role_name(uint8_t role)
{
	for (size_t i = 0; i < COUNT(roles); i++)
		if (roles[i].value == role)
			return roles[i].name;
	return NULL;
}

bool xl_role_parse(const char *name, uint8_t *role)
{
	for (size_t i = 0; i < COUNT(roles); i++)
		if (!strcmp(roles[i].name, name)) {
			*role = roles[i].value;
			return true;
		}
	return false;
}

const char *xl_endpoint_state_name(uint32_t state)
{
	for (size_t i = 0; i < COUNT(states); i++)
		if (states[i].value == state)
			return states[i].name;
	return xl_endpoint_state_name(XL_EP_FAILED);
}

uint32_t xl_endpoint_state_parse(const char *name)
{
	for (size_t i = 0; i < COUNT(states); i++)
		if (!strcmp(states[i].name, name))
			return states[i].value;
	return XL_EP_FAILED;
}
