/* SPDX-License-Identifier: MIT */
/* ClientToken answers, in a ring of AWS_TOKENS_KEPT entries. */
#include "tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"

struct kept {
	char *account;
	char *token;
	char fingerprint[SIGV4_HEX_LEN + 1]; /* of the request's parameters */
	unsigned status;
	char *body;
	size_t length;
};

struct aws_tokens {
	struct kept ring[AWS_TOKENS_KEPT];
	size_t next;
};

struct aws_tokens *aws_tokens_new(void)
{
	return calloc(1, sizeof(struct aws_tokens));
}

static void forget(struct kept *k)
{
	free(k->account);
	free(k->token);
	free(k->body);
	*k = (struct kept){ 0 };
}

void aws_tokens_free(struct aws_tokens *tokens)
{
	if (!tokens)
		return;
	for (size_t i = 0; i < AWS_TOKENS_KEPT; i++)
		forget(&tokens->ring[i]);
	free(tokens);
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct query_param *const *)a)->name,
		      (*(const struct query_param *const *)b)->name);
}

/* SHA-256 of the parameters as "name=value\n" lines sorted by name: the same request
 * whatever the order its parameters came in. */
static void fingerprint(const struct query *q, char out[SIGV4_HEX_LEN + 1])
{
	const struct query_param **sorted = calloc(q->count + 1, sizeof(*sorted));
	char *text = NULL;
	size_t size = 0;
	FILE *f = sorted ? open_memstream(&text, &size) : NULL;

	out[0] = '\0';
	if (f) {
		for (size_t i = 0; i < q->count; i++)
			sorted[i] = &q->params[i];
		qsort(sorted, q->count, sizeof(*sorted), by_name);
		for (size_t i = 0; i < q->count; i++)
			fprintf(f, "%s=%s\n", sorted[i]->name, sorted[i]->value);
		if (fclose(f) == 0)
			sigv4_sha256_hex(text, size, out);
	}
	free(text);
	free(sorted);
}

static struct kept *find(struct aws_tokens *tokens, const char *account, const char *token)
{
	for (size_t i = 0; i < AWS_TOKENS_KEPT; i++) {
		struct kept *k = &tokens->ring[i];

		if (k->token && strcmp(k->token, token) == 0 && strcmp(k->account, account) == 0)
			return k;
	}
	return NULL;
}

int aws_tokens_find(struct aws_tokens *tokens, const char *account, const struct query *q,
		    const char *token, struct aws_reply *reply, struct aws_error *err)
{
	struct kept *k = find(tokens, account, token);
	char print[SIGV4_HEX_LEN + 1];

	if (!k)
		return 0;
	fingerprint(q, print);
	if (!print[0] || strcmp(print, k->fingerprint) != 0)
		return aws_fail(err, "IdempotentParameterMismatch",
				"The client token '%s' was used before with other parameters",
				token);
	reply->body = malloc(k->length + 1);
	if (!reply->body)
		return aws_fail(err, "InternalError", "out of memory");
	memcpy(reply->body, k->body, k->length + 1);
	reply->length = k->length;
	reply->status = k->status;
	return 1;
}

void aws_tokens_keep(struct aws_tokens *tokens, const char *account, const struct query *q,
		     const char *token, const struct aws_reply *reply)
{
	struct kept *k = &tokens->ring[tokens->next];

	forget(k);
	k->account = strdup(account);
	k->token = strdup(token);
	k->body = malloc(reply->length + 1);
	fingerprint(q, k->fingerprint);
	if (!k->account || !k->token || !k->body || !k->fingerprint[0]) {
		forget(k);
		return;
	}
	memcpy(k->body, reply->body, reply->length);
	k->body[reply->length] = '\0';
	k->length = reply->length;
	k->status = reply->status;
	tokens->next = (tokens->next + 1) % AWS_TOKENS_KEPT;
}
