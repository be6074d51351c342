/* SPDX-License-Identifier: MIT */
/* Strict form decoding, and reading parameters by name. Hand-written because the form
 * decoders at hand (libmicrohttpd's post processor, curl_easy_unescape) pass a malformed
 * escape through as text, where AWS answers MalformedQueryString. */
#include "query.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The length of the UTF-8 sequence at s[0..n), or 0 if it is malformed (an overlong
 * form, a surrogate, beyond U+10FFFF), or a control character but tab, LF and CR. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t extra;

	if (c < 0x80)
		return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ? 0 : 1;
	if (c >= 0xc2 && c <= 0xdf)
		extra = 1;
	else if (c >= 0xe0 && c <= 0xef)
		extra = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		extra = 3;
	else
		return 0;
	if (n <= extra || (c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 0;
	for (size_t k = 1; k <= extra; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	}
	return extra + 1;
}

static bool text_valid(const unsigned char *text, size_t length)
{
	for (size_t i = 0, step; i < length; i += step) {
		step = utf8_sequence(text + i, length - i);
		if (step == 0)
			return false;
	}
	return true;
}

/* Decodes text[0..length) into a new string; NULL with why on a malformed escape. */
static char *decode(const char *text, size_t length, char *why, size_t why_size)
{
	char *out = malloc(length + 1);
	size_t n = 0;

	if (!out) {
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '+') {
			out[n++] = ' ';
		} else if (c == '%') {
			int high = i + 2 < length ? hex_value(text[i + 1]) : -1;
			int low = i + 2 < length ? hex_value(text[i + 2]) : -1;

			if (high < 0 || low < 0) {
				snprintf(why, why_size,
					 "'%%' is not followed by two hex digits in '%.*s'",
					 (int)(length < 60 ? length : 60), text);
				free(out);
				return NULL;
			}
			out[n++] = (char)(high * 16 + low);
			i += 2;
		} else if (c < 0x21 || c > 0x7e) {
			snprintf(why, why_size, "byte 0x%02x must be percent-encoded", c);
			free(out);
			return NULL;
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
	if (!text_valid((const unsigned char *)out, n)) {
		snprintf(why, why_size, "a parameter is not UTF-8 text without control characters");
		free(out);
		return NULL;
	}
	return out;
}

static struct query_param *find(const struct query *q, const char *name)
{
	for (size_t i = 0; i < q->count; i++) {
		if (strcmp(q->params[i].name, name) == 0)
			return &q->params[i];
	}
	return NULL;
}

static int add_pair(struct query *q, const char *pair, size_t length, char *why, size_t why_size)
{
	const char *equals = memchr(pair, '=', length);
	size_t name_length = equals ? (size_t)(equals - pair) : length;
	struct query_param param = { 0 }, *grown;

	param.name = decode(pair, name_length, why, why_size);
	if (!param.name)
		return -1;
	param.value =
	    equals ? decode(equals + 1, length - name_length - 1, why, why_size) : strdup("");
	if (!param.value || !param.name[0] || find(q, param.name)) {
		if (param.value && !param.name[0])
			snprintf(why, why_size, "a parameter has no name");
		else if (param.value)
			snprintf(why, why_size, "parameter %s is given twice", param.name);
		free(param.name);
		free(param.value);
		return -1;
	}
	grown = realloc(q->params, (q->count + 1) * sizeof(*grown));
	if (!grown) {
		snprintf(why, why_size, "out of memory");
		free(param.name);
		free(param.value);
		return -1;
	}
	q->params = grown;
	q->params[q->count++] = param;
	return 0;
}

int query_parse(const char *body, size_t length, struct query *q, char *why, size_t why_size)
{
	size_t at = 0;

	*q = (struct query){ 0 };
	while (at < length) {
		const char *amp = memchr(body + at, '&', length - at);
		size_t end = amp ? (size_t)(amp - body) : length;

		if (end > at && add_pair(q, body + at, end - at, why, why_size) < 0) {
			query_free(q);
			return -1;
		}
		at = end + 1;
	}
	return 0;
}

void query_free(struct query *q)
{
	for (size_t i = 0; i < q->count; i++) {
		free(q->params[i].name);
		free(q->params[i].value);
	}
	free(q->params);
	*q = (struct query){ 0 };
}

const char *query_get(struct query *q, const char *name)
{
	struct query_param *param = find(q, name);

	if (!param)
		return NULL;
	param->read = true;
	return param->value;
}

bool query_has(const struct query *q, const char *prefix)
{
	size_t length = strlen(prefix);

	for (size_t i = 0; i < q->count; i++) {
		const char *name = q->params[i].name;

		if (strncmp(name, prefix, length) == 0 &&
		    (name[length] == '\0' || name[length] == '.'))
			return true;
	}
	return false;
}

const char *query_unread(const struct query *q)
{
	for (size_t i = 0; i < q->count; i++) {
		if (!q->params[i].read)
			return q->params[i].name;
	}
	return NULL;
}

void query_list_item(const char *name, bool member, size_t index, char *item, size_t size)
{
	snprintf(item, size, "%s%s.%zu", name, member ? ".member" : "", index);
}

size_t query_list_length(struct query *q, const char *name, bool member)
{
	char item[160];
	size_t count = 0;
	const char *empty;

	/* ELBv2 sends an empty list as "Name=" */
	empty = member ? query_get(q, name) : NULL;
	if (empty && !empty[0])
		return 0;
	for (;;) {
		query_list_item(name, member, count + 1, item, sizeof(item));
		if (!query_has(q, item))
			return count;
		count++;
	}
}
