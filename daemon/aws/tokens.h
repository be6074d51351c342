/* SPDX-License-Identifier: MIT */
/* EC2's ClientToken: a Create* sent again with the same token and the same parameters
 * gets the first answer again instead of a second resource (the CLI retries a create that
 * got a 5xx); the same token with other parameters is IdempotentParameterMismatch. The
 * answers of the last AWS_TOKENS_KEPT tokens are kept in memory, for the agent's life. */
#ifndef XL_AWS_TOKENS_H
#define XL_AWS_TOKENS_H

#include "door.h"
#include "operation.h"
#include "query.h"

#define AWS_TOKENS_KEPT 256

struct aws_tokens;

struct aws_tokens *aws_tokens_new(void);
void aws_tokens_free(struct aws_tokens *tokens);

/* 0: the token is new; 1: the answer kept for it is copied into *reply; -1: it came with
 * other parameters (err). */
int aws_tokens_find(struct aws_tokens *tokens, const char *account, const struct query *q,
		    const char *token, struct aws_reply *reply, struct aws_error *err);
/* Keeps the answer to a request with `token`, forgetting the oldest one kept if full. */
void aws_tokens_keep(struct aws_tokens *tokens, const char *account, const struct query *q,
		     const char *token, const struct aws_reply *reply);

#endif
