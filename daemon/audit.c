/* SPDX-License-Identifier: MIT */
/* The audit line behind audit.h, as key=value pairs (logfmt) at the notice priority:
 *   audit action=AcceptVpcEndpointConnections principal=arn:aws:iam::111111111111:root
 *         ids=vpce-svc-0...,vpce-0... result=refused code=InvalidState message="..." */
#include "audit.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

#define MAX_IDS	   16
#define ID_DEPTH   4 /* ids sit at most this deep in a request or a result */
#define LINE_BYTES 2048

struct ids {
	const char *value[MAX_IDS];
	size_t count;
};

static bool ends_with(const char *text, const char *tail)
{
	size_t n = strlen(text), t = strlen(tail);

	return n >= t && !strcmp(text + n - t, tail);
}

/* The keys that name a resource: in a request ServiceId, VpcEndpointIds, LoadBalancerArn,
 * Name, AddAllowedPrincipals...; in a result only the ids and ARNs it made. Zones, owners
 * and regions are context, not the resources changed. */
static bool names_a_resource(const char *key, bool in_result)
{
	static const char *const request_tails[] = { "Id",   "Ids",   "Arn",	   "Arns",
						     "Name", "Names", "Principals" };
	static const char *const result_tails[] = { "Id", "Arn" };
	const char *const *tails = in_result ? result_tails : request_tails;
	size_t count = in_result ? 2 : sizeof(request_tails) / sizeof(request_tails[0]);

	if (strstr(key, "Zone") || strstr(key, "Owner") || strstr(key, "Region") ||
	    !strcmp(key, "ResourceId"))
		return false;
	for (size_t i = 0; i < count; i++)
		if (ends_with(key, tails[i]))
			return true;
	return false;
}

static void add_id(struct ids *ids, const char *value)
{
	for (size_t i = 0; i < ids->count; i++)
		if (!strcmp(ids->value[i], value))
			return;
	if (ids->count < MAX_IDS && value[0])
		ids->value[ids->count++] = value;
}

static void collect(struct ids *ids, json_object *value, bool named, bool in_result, int depth)
{
	if (!value || depth > ID_DEPTH)
		return;
	switch (json_object_get_type(value)) {
	case json_type_string:
		if (named)
			add_id(ids, json_object_get_string(value));
		break;
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(value); i++)
			collect(ids, json_object_array_get_idx(value, i), named, in_result,
				depth + 1);
		break;
	case json_type_object: {
		json_object_object_foreach(value, key, member)
		{
			collect(ids, member, names_a_resource(key, in_result), in_result,
				depth + 1);
		}
		break;
	}
	default:
		break;
	}
}

/* The ids a batch request names (VpcEndpointIds, ServiceIds): how many items it had. */
static size_t batch_size(json_object *args)
{
	size_t count = 0;

	json_object_object_foreach(args, key, value)
	{
		if (ends_with(key, "Ids") && json_object_is_type(value, json_type_array))
			count += json_object_array_length(value);
	}
	return count;
}

/* A batch's refused items, "ID:Code,ID:Code", into `out`; how many there were. */
static size_t unsuccessful_items(json_object *result, char *out, size_t size)
{
	json_object *list = NULL, *error;
	size_t count, used = 0;

	out[0] = '\0';
	if (!json_object_object_get_ex(result, "Unsuccessful", &list))
		return 0;
	count = json_object_array_length(list);
	for (size_t i = 0; i < count && used < size; i++) {
		json_object *item = json_object_array_get_idx(list, i), *id, *code;

		if (json_object_object_get_ex(item, "ResourceId", &id) &&
		    json_object_object_get_ex(item, "Error", &error) &&
		    json_object_object_get_ex(error, "Code", &code))
			used += (size_t)snprintf(out + used, size - used, "%s%s:%s", i ? "," : "",
						 json_object_get_string(id),
						 json_object_get_string(code));
	}
	return count;
}

/* key=value, the value quoted (with \" and \\) when it holds a space, a quote or '='. */
static void put_pair(FILE *out, const char *key, const char *value)
{
	fprintf(out, " %s=", key);
	if (value[0] && !value[strcspn(value, " \"=\\\n")]) {
		fputs(value, out);
		return;
	}
	fputc('"', out);
	for (const char *c = value; *c; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', out);
		fputc(*c == '\n' ? ' ' : *c, out);
	}
	fputc('"', out);
}

static void put_outcome(FILE *out, json_object *args, json_object *result,
			const struct api_error *err, bool dry_run)
{
	char items[LINE_BYTES / 2];
	size_t refused;

	if (dry_run && (!err || err->code == API_DryRunOperation)) {
		put_pair(out, "result", "dry-run");
	} else if (err) {
		put_pair(out, "result", "refused");
		put_pair(out, "code", api_code_name(err->code));
		put_pair(out, "message", err->message);
	} else if ((refused = unsuccessful_items(result, items, sizeof(items))) > 0) {
		put_pair(out, "result", refused >= batch_size(args) ? "refused" : "partial");
		put_pair(out, "unsuccessful", items);
	} else {
		put_pair(out, "result", "ok");
	}
}

/* The line itself: "audit action=... principal=... ids=..." and what `outcome` adds. */
static void put_line(const char *action, const char *principal, const char *ids,
		     void (*outcome)(FILE *out, const void *ctx), const void *ctx)
{
	char line[LINE_BYTES];
	FILE *out = fmemopen(line, sizeof(line), "w");

	if (!out)
		return;
	fputs("audit", out);
	put_pair(out, "action", action);
	put_pair(out, "principal", principal);
	put_pair(out, "ids", ids);
	outcome(out, ctx);
	fclose(out);
	line[sizeof(line) - 1] = '\0';
	log_notice("%s", line);
}

struct change_outcome {
	json_object *args, *result;
	const struct api_error *err;
	bool dry_run;
};

static void put_change_outcome(FILE *out, const void *ctx)
{
	const struct change_outcome *c = ctx;

	put_outcome(out, c->args, c->result, c->err, c->dry_run);
}

void audit_change(const char *principal, const char *action, json_object *args, json_object *result,
		  const struct api_error *err, bool dry_run)
{
	struct change_outcome outcome = { args, result, err, dry_run };
	struct ids ids = { .count = 0 };
	char joined[LINE_BYTES / 2] = "";
	size_t used = 0;

	collect(&ids, args, false, false, 0);
	collect(&ids, result, false, true, 0);
	for (size_t i = 0; i < ids.count && used < sizeof(joined); i++)
		used += (size_t)snprintf(joined + used, sizeof(joined) - used, "%s%s", i ? "," : "",
					 ids.value[i]);
	put_line(action, principal, joined, put_change_outcome, &outcome);
}

struct event_outcome {
	const char *result, *message;
};

static void put_event_outcome(FILE *out, const void *ctx)
{
	const struct event_outcome *e = ctx;

	put_pair(out, "result", e->result);
	if (e->message)
		put_pair(out, "message", e->message);
}

void audit_event(const char *principal, const char *action, const char *ids, const char *result,
		 const char *message)
{
	struct event_outcome outcome = { result, message };

	put_line(action, principal, ids, put_event_outcome, &outcome);
}
