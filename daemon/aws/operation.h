/* SPDX-License-Identifier: MIT */
/* What an AWS operation is: it reads its Query parameters, turns them into the socket
 * API's arguments, calls the model through the agent's one request handler, and hands back
 * a result that a table of XML fields renders. What xdplink cannot do is refused with
 * AWS's error; a parameter nobody reads is refused too (UnknownParameter). */
#ifndef XL_AWS_OPERATION_H
#define XL_AWS_OPERATION_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "query.h"
#include "xml.h"

struct aws_error {
	char code[64];
	char message[512];
};

/* Fills *err and returns -1. */
int aws_fail(struct aws_error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct aws_service;

/* One request being served, for the operation that serves it. */
struct aws_call {
	const struct aws_service *service;
	const char *region;
	const char *principal; /* arn:aws:iam::ACCOUNT:root, the key's account */
	const char *account;
	struct query *query;
	bool dry_run; /* EC2's DryRun: the model checks everything and changes nothing */
	api_handler handler;
	void *handler_ctx;
	struct aws_error *err;
};

struct aws_operation {
	const char *action;
	/* Fills *result (a new object) for `output`, or fails with call->err. */
	int (*run)(struct aws_call *call, json_object **result);
	const struct xml_field *output; /* the result's members, under the response's root */
	bool idempotent;		/* takes ClientToken: a retry gets the first answer */
};

struct aws_service {
	const char *name;    /* the SigV4 scope's service: "ec2", "elasticloadbalancing" */
	const char *version; /* the Version parameter it answers: "2016-11-15" */
	const char *xmlns;
	bool elbv2;			/* lists are Name.member.N; results in <ActionResult> */
	const char *invalid_value_code; /* InvalidParameterValue | ValidationError */
	const char *unsupported_code;	/* UnsupportedOperation | InvalidConfigurationRequest */
	const char *auth_failure_code;	/* a key or signature refused: AuthFailure | ... */
	const char *unknown_key_code;	/* AuthFailure | InvalidClientTokenId */
	/* The operation tables of its files, each ended by an entry without action. */
	const struct aws_operation *const *tables;
};

extern const struct aws_service aws_ec2, aws_elbv2;

/* ---- Reading parameters ------------------------------------------------------------------ */

enum aws_need {
	AWS_OPTIONAL,
	AWS_REQUIRED, /* absent: MissingParameter */
};

/* The parameter's text (marked read), or NULL: absent, or required and absent (failed). */
const char *aws_param(struct aws_call *c, const char *name, enum aws_need need);
/* Parameters copied into the model's arguments under `key`; an absent optional one leaves
 * `args` as it is. Each returns 0, or -1 having failed (a malformed value). */
int aws_param_string(struct aws_call *c, const char *name, enum aws_need need, json_object *args,
		     const char *key);
int aws_param_bool(struct aws_call *c, const char *name, enum aws_need need, json_object *args,
		   const char *key);
int aws_param_int(struct aws_call *c, const char *name, enum aws_need need, int64_t min,
		  int64_t max, json_object *args, const char *key);
/* A list of strings (Name.N, or Name.member.N in ELBv2) as an array; absent: no key. */
int aws_param_list(struct aws_call *c, const char *name, enum aws_need need, json_object *args,
		   const char *key);
/* Parses text as the type, failing with the parameter's name. */
int aws_bool_value(struct aws_call *c, const char *name, const char *text, bool *out);
int aws_int_value(struct aws_call *c, const char *name, const char *text, int64_t min, int64_t max,
		  int64_t *out);

/* A parameter xdplink cannot honour: refused with `why` when present... */
int aws_param_refused(struct aws_call *c, const char *name, const char *why);
/* ...or when present with another value than the one xdplink has (case-sensitive). */
int aws_param_only(struct aws_call *c, const char *name, const char *value, const char *why);

/* After the last read: UnknownParameter for one nobody read. */
int aws_params_done(struct aws_call *c);

/* ---- Calling the model ------------------------------------------------------------------- */

/* {"Action", "Principal", "Args": args} through the agent's handler; takes `args`. On
 * success *result is the Result (a new reference). A read: never a dry run. */
int aws_model_read(struct aws_call *c, const char *action, json_object *args, json_object **result);
/* The operation's own call: the same, as a dry run when the request asked for one. */
int aws_model_call(struct aws_call *c, const char *action, json_object *args, json_object **result);

/* ---- Reading the model's JSON ------------------------------------------------------------ */

/* A member of an object, or NULL. */
json_object *aws_json_member(json_object *object, const char *key);
/* A member's text, or "" when absent. */
const char *aws_json_string(json_object *object, const char *key);
/* The length of an array member, 0 when absent. */
size_t aws_json_length(json_object *object, const char *key);
void aws_put_string(json_object *object, const char *key, const char *value);
/* Applies `complete` to each item of the array result[list_key]. */
void aws_complete_each(json_object *result, const char *list_key,
		       void (*complete)(json_object *item));
/* Frees the arguments an operation built before it refused; returns -1. */
int aws_drop(json_object *args);

#endif
