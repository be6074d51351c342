/* SPDX-License-Identifier: MIT */
/* The parameters of an AWS Query request (application/x-www-form-urlencoded), decoded
 * strictly, and read by name: every parameter an operation reads is marked, so that one it
 * does not know is refused instead of ignored. Lists are "Name.1, Name.2..." (EC2) or
 * "Name.member.1..." (ELBv2), with struct members as "Name.1.Field". */
#ifndef XL_QUERY_H
#define XL_QUERY_H

#include <stdbool.h>
#include <stddef.h>

struct query_param {
	char *name;
	char *value;
	bool read;
};

struct query {
	struct query_param *params;
	size_t count;
};

/* Decodes `body` ("+" is a space, then %XX). Refused (-1, why): a bad escape, a byte
 * that needs one, an empty name, a name given twice, text that is not UTF-8. */
int query_parse(const char *body, size_t length, struct query *q, char *why, size_t why_size);
void query_free(struct query *q);

/* The value of `name`, marked read; NULL if absent. */
const char *query_get(struct query *q, const char *name);
/* Whether any parameter is `prefix` or starts with `prefix` followed by '.'. */
bool query_has(const struct query *q, const char *prefix);
/* The first parameter no one read, or NULL. */
const char *query_unread(const struct query *q);

/* The number of items of the list `name` (EC2: name.N; ELBv2: name.member.N, or an empty
 * list sent as "name="), counting N = 1, 2... while an item (or a member of one) exists.
 * `item` is then the prefix of item i ("Filter.2"), to read as a value or a struct. */
size_t query_list_length(struct query *q, const char *name, bool member);
void query_list_item(const char *name, bool member, size_t index, char *item, size_t size);

#endif
