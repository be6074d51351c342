/* SPDX-License-Identifier: MIT */
/* ELBv2 ARNs to the model's names, and back to the resource the caller owns. */
#include "resources.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define ARN_PREFIX  "arn:aws:elasticloadbalancing:"
#define SUFFIX_LEN  16
#define ARN_TEXTMAX 256

struct kind {
	const char *what;      /* "load balancer" */
	const char *not_found; /* code */
	const char *message;   /* AWS's sentence */
};

static const struct kind LOAD_BALANCER = { "load balancer", "LoadBalancerNotFound",
					   "One or more load balancers not found" };
static const struct kind TARGET_GROUP = { "target group", "TargetGroupNotFound",
					  "One or more target groups not found" };
static const struct kind LISTENER = { "listener", "ListenerNotFound",
				      "One or more listeners not found" };

static bool hex_suffix(const char *text)
{
	if (strlen(text) != SUFFIX_LEN)
		return false;
	for (const char *c = text; *c; c++) {
		if (!isdigit((unsigned char)*c) && (*c < 'a' || *c > 'f'))
			return false;
	}
	return true;
}

/* "NAME/HEX" (with `slashes` more "/HEX" parts after it, for a listener) into name. */
static bool name_and_suffixes(const char *text, int slashes, char name[AWS_NAME_MAX])
{
	const char *slash = strchr(text, '/');
	char rest[ARN_TEXTMAX];
	char *part, *save = NULL;
	int parts = 0;

	if (!slash || slash == text || (size_t)(slash - text) >= AWS_NAME_MAX ||
	    strlen(slash + 1) >= sizeof(rest))
		return false;
	memcpy(name, text, (size_t)(slash - text));
	name[slash - text] = '\0';
	snprintf(rest, sizeof(rest), "%s", slash + 1);
	if (rest[0] == '\0' || rest[strlen(rest) - 1] == '/' || strstr(rest, "//"))
		return false;
	for (part = strtok_r(rest, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (!hex_suffix(part))
			return false;
		parts++;
	}
	return parts == 1 + slashes;
}

/* Reads `arn` as arn:aws:elasticloadbalancing:REGION:ACCOUNT:<type><NAME/HEX...> into name.
 * Returns 1 for the caller's region and account, 0 for another's (not found), -1 for text
 * that is not such an ARN. */
static int parse_arn(struct aws_call *c, const char *arn, const char *type, int slashes,
		     char name[AWS_NAME_MAX])
{
	char region[32], account[16];
	const char *at = arn + strlen(ARN_PREFIX), *colon;
	size_t length;

	if (strncmp(arn, ARN_PREFIX, strlen(ARN_PREFIX)) != 0 || strlen(arn) >= ARN_TEXTMAX)
		return -1;
	colon = strchr(at, ':');
	length = colon ? (size_t)(colon - at) : 0;
	if (!colon || length == 0 || length >= sizeof(region))
		return -1;
	memcpy(region, at, length);
	region[length] = '\0';
	at = colon + 1;
	colon = strchr(at, ':');
	length = colon ? (size_t)(colon - at) : 0;
	if (!colon || length != 12)
		return -1;
	memcpy(account, at, length);
	account[length] = '\0';
	at = colon + 1;
	if (strncmp(at, type, strlen(type)) != 0 ||
	    !name_and_suffixes(at + strlen(type), slashes, name))
		return -1;
	return strcmp(region, c->region) == 0 && strcmp(account, c->account) == 0;
}

static int not_found(struct aws_call *c, const struct kind *kind)
{
	return aws_fail(c->err, kind->not_found, "%s", kind->message);
}

static int malformed(struct aws_call *c, const struct kind *kind, const char *arn)
{
	return aws_fail(c->err, c->service->invalid_value_code, "'%s' is not a valid %s ARN", arn,
			kind->what);
}

/* The one resource the model describes under `name` (in list `list_key` of `action`'s
 * result), if its `arn_key` is `arn`. */
static int describe_named(struct aws_call *c, const struct kind *kind, const char *action,
			  const char *list_key, const char *arn_key, const char *name,
			  const char *arn, json_object **found)
{
	json_object *args = json_object_new_object(), *names = json_object_new_array(), *result;
	json_object *list, *item;

	json_object_array_add(names, json_object_new_string(name));
	json_object_object_add(args, "Names", names);
	if (aws_model_read(c, action, args, &result) < 0)
		return strcmp(c->err->code, kind->not_found) == 0 ? not_found(c, kind) : -1;
	item = json_object_object_get_ex(result, list_key, &list)
		   ? json_object_array_get_idx(list, 0)
		   : NULL;
	if (!item || strcmp(aws_json_string(item, arn_key), arn) != 0) {
		json_object_put(result);
		return not_found(c, kind);
	}
	*found = json_object_get(item);
	json_object_put(result);
	return 0;
}

int aws_find_lb(struct aws_call *c, const char *arn, json_object **lb)
{
	char name[AWS_NAME_MAX];

	switch (parse_arn(c, arn, "loadbalancer/net/", 0, name)) {
	case -1:
		return malformed(c, &LOAD_BALANCER, arn);
	case 0:
		return not_found(c, &LOAD_BALANCER);
	}
	return describe_named(c, &LOAD_BALANCER, "DescribeLoadBalancers", "LoadBalancers",
			      "LoadBalancerArn", name, arn, lb);
}

int aws_find_tg(struct aws_call *c, const char *arn, json_object **tg)
{
	char name[AWS_NAME_MAX];

	switch (parse_arn(c, arn, "targetgroup/", 0, name)) {
	case -1:
		return malformed(c, &TARGET_GROUP, arn);
	case 0:
		return not_found(c, &TARGET_GROUP);
	}
	return describe_named(c, &TARGET_GROUP, "DescribeTargetGroups", "TargetGroups",
			      "TargetGroupArn", name, arn, tg);
}

int aws_find_listener(struct aws_call *c, const char *arn, json_object **listener)
{
	json_object *args, *result, *list = NULL;
	char name[AWS_NAME_MAX];

	switch (parse_arn(c, arn, "listener/net/", 1, name)) {
	case -1:
		return malformed(c, &LISTENER, arn);
	case 0:
		return not_found(c, &LISTENER);
	}
	args = json_object_new_object();
	json_object_object_add(args, "LoadBalancerName", json_object_new_string(name));
	if (aws_model_read(c, "DescribeListeners", args, &result) < 0)
		return strcmp(c->err->code, "LoadBalancerNotFound") == 0 ? not_found(c, &LISTENER)
									 : -1;
	json_object_object_get_ex(result, "Listeners", &list);
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		json_object *item = json_object_array_get_idx(list, i);

		if (strcmp(aws_json_string(item, "ListenerArn"), arn) == 0) {
			*listener = json_object_get(item);
			json_object_put(result);
			return 0;
		}
	}
	json_object_put(result);
	return not_found(c, &LISTENER);
}

static int name_of(json_object *found, const char *key, char name[AWS_NAME_MAX])
{
	snprintf(name, AWS_NAME_MAX, "%s", aws_json_string(found, key));
	json_object_put(found);
	return 0;
}

int aws_lb_name(struct aws_call *c, const char *arn, char name[AWS_NAME_MAX])
{
	json_object *lb = NULL;

	return aws_find_lb(c, arn, &lb) < 0 ? -1 : name_of(lb, "LoadBalancerName", name);
}

int aws_tg_name(struct aws_call *c, const char *arn, char name[AWS_NAME_MAX])
{
	json_object *tg = NULL;

	return aws_find_tg(c, arn, &tg) < 0 ? -1 : name_of(tg, "TargetGroupName", name);
}
