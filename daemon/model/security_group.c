/* SPDX-License-Identifier: MIT */
/* Security groups of a consumer VPC, and their inbound rules: TCP (or every protocol) on
 * a port range, from a CIDR block or from the members of another group of the same VPC.
 * The members of a group are the ENIs of the endpoints that have it: consumer hosts are
 * not modeled as members. The data path checks the rules of an endpoint's groups on every
 * connection's first packet (security_group_links.c gives endpoints their groups). */
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "args.h"
#include "checks.h"
#include "model_internal.h"
#include "owned.h"
#include "result.h"
#include "security_group.h"

/* AWS's limits: inbound rules per group (each source of a permission is one rule) and the
 * length of names and descriptions. */
#define RULES_PER_GROUP 60
#define GROUP_NAME_MAX	255
#define DESCRIPTION_MAX 255
#define ALL_PROTOCOLS	"-1"
#define PORT_MAX	65535
#define NO_PORT		(-1)
/* The characters AWS allows in a VPC security group's name and description. */
#define NAME_CHARACTERS                                                                            \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-:/()#,@[]+=&;{}!$*"

/* ---- Describing --------------------------------------------------------------------------- */

/* One permission per protocol and port range, its sources as AWS lists them. */
static json_object *permission_for(json_object *list, const char *protocol, int64_t from,
				   int64_t to)
{
	json_object *item;

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *p = json_object_array_get_idx(list, i), *f = NULL, *t = NULL,
			    *pr = NULL;

		json_object_object_get_ex(p, "IpProtocol", &pr);
		json_object_object_get_ex(p, "FromPort", &f);
		json_object_object_get_ex(p, "ToPort", &t);
		if (!strcmp(json_object_get_string(pr), protocol) &&
		    (f ? json_object_get_int64(f) : NO_PORT) == from &&
		    (t ? json_object_get_int64(t) : NO_PORT) == to)
			return p;
	}
	item = append_object(list);
	put_string(item, "IpProtocol", protocol);
	if (from != NO_PORT) {
		put_int(item, "FromPort", from);
		put_int(item, "ToPort", to);
	}
	put_array(item, "IpRanges");
	put_array(item, "UserIdGroupPairs");
	return item;
}

static int add_permissions(struct model *m, int64_t group, json_object *out, struct api_error *err)
{
	json_object *list = put_array(out, "IpPermissions");
	sqlite3_stmt *stmt = store_query(
	    m->store,
	    "SELECT r.protocol, r.from_port, r.to_port, r.cidr, s.group_id, s.account,"
	    " r.description FROM security_group_rule r"
	    " LEFT JOIN security_group s ON s.id = r.source_sg WHERE r.sg = ? ORDER BY r.id",
	    SQL_ARGS(SQL_INT(group)), err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = store_next(m->store, stmt, err)) > 0) {
		json_object *p = permission_for(list, store_column_text(stmt, 0),
						sqlite3_column_int64(stmt, 1),
						sqlite3_column_int64(stmt, 2)),
			    *source;
		const char *description = store_column_text(stmt, 6);

		if (sqlite3_column_type(stmt, 3) != SQLITE_NULL) {
			json_object_object_get_ex(p, "IpRanges", &source);
			source = append_object(source);
			put_string(source, "CidrIp", store_column_text(stmt, 3));
		} else {
			json_object_object_get_ex(p, "UserIdGroupPairs", &source);
			source = append_object(source);
			put_string(source, "GroupId", store_column_text(stmt, 4));
			put_string(source, "UserId", store_column_text(stmt, 5));
		}
		if (description[0])
			put_string(source, "Description", description);
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int group_json(struct model *m, int64_t group, json_object *list, struct api_error *err)
{
	sqlite3_stmt *stmt =
	    store_query(m->store,
			"SELECT g.group_id, g.name, g.description, g.account, v.vpc_id"
			" FROM security_group g JOIN vpc v ON v.id = g.vpc WHERE g.id = ?",
			SQL_ARGS(SQL_INT(group)), err);
	int rc;

	if (!stmt)
		return -1;
	rc = store_next(m->store, stmt, err);
	if (rc > 0) {
		json_object *out = append_object(list);

		put_string(out, "GroupId", store_column_text(stmt, 0));
		put_string(out, "GroupName", store_column_text(stmt, 1));
		put_string(out, "Description", store_column_text(stmt, 2));
		put_string(out, "OwnerId", store_column_text(stmt, 3));
		put_string(out, "VpcId", store_column_text(stmt, 4));
		/* Outbound traffic of consumers is not the load balancer's to filter. */
		put_array(out, "IpPermissionsEgress");
		rc = add_permissions(m, group, out, err);
	}
	sqlite3_finalize(stmt);
	return rc < 0 ? -1 : 0;
}

int sgs_describe(struct model *m, const struct principal *caller, json_object *args,
		 json_object **result, struct api_error *err)
{
	return describe_owned(m, &SECURITY_GROUP, caller->account, args, group_json,
			      "SecurityGroups", result, err);
}

/* ---- Creating and deleting ----------------------------------------------------------------- */

static int check_text(const char *text, const char *what, struct api_error *err)
{
	size_t length = strlen(text);

	if (length == 0 || length > GROUP_NAME_MAX || strspn(text, NAME_CHARACTERS) != length)
		return api_fail(err, API_InvalidParameterValue,
				"Value (%s) for parameter %s is invalid: 1 to %d characters of "
				"a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*",
				text, what, GROUP_NAME_MAX);
	return 0;
}

int sg_create(struct model *m, const struct principal *caller, json_object *args,
	      json_object **result, struct api_error *err)
{
	const char *name = NULL, *description = NULL, *vpc_id = NULL;
	char group_id[ID_MAX], created[TIMESTAMP_MAX];
	int64_t vpc;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "GroupName", ARG_REQUIRED, &name);
	args_string(&a, "Description", ARG_REQUIRED, &description);
	args_string(&a, "VpcId", ARG_REQUIRED, &vpc_id);
	if (args_close(&a) < 0 || check_text(name, "GroupName", err) < 0 ||
	    check_text(description, "GroupDescription", err) < 0)
		return -1;
	if (!strncmp(name, "sg-", 3))
		return api_fail(err, API_InvalidParameterValue,
				"Group names may not be in the format sg-*");
	if (!strcmp(name, "default"))
		return api_fail(err, API_InvalidGroup_Reserved,
				"The security group 'default' is reserved");
	if (find_owned(m, &VPC, caller->account, vpc_id, &vpc, err) < 0 ||
	    refuse_if_found(m, "SELECT 1 FROM security_group WHERE vpc = ? AND name = ?",
			    SQL_ARGS(SQL_INT(vpc), SQL_STR(name)), err, API_InvalidGroup_Duplicate,
			    "The security group '%s' already exists for VPC '%s'", name,
			    vpc_id) < 0)
		return -1;
	if (id_new_security_group(group_id) < 0)
		return api_fail(err, API_InternalError, "no randomness for a new group id");
	timestamp_now(created);
	if (store_exec(m->store,
		       "INSERT INTO security_group (group_id, account, vpc, name, description,"
		       " created) VALUES (?, ?, ?, ?, ?, ?)",
		       SQL_ARGS(SQL_STR(group_id), SQL_STR(caller->account), SQL_INT(vpc),
				SQL_STR(name), SQL_STR(description), SQL_STR(created)),
		       err) < 0)
		return -1;
	*result = json_object_new_object();
	put_string(*result, "GroupId", group_id);
	return 0;
}

int sg_find(struct model *m, const struct principal *caller, const char *group_id, int64_t *group,
	    struct api_error *err)
{
	if (!id_is_security_group(group_id))
		return api_fail(err, API_InvalidGroupId_Malformed,
				"Invalid id: \"%s\" (expecting \"sg-...\")", group_id);
	return find_owned(m, &SECURITY_GROUP, caller->account, group_id, group, err);
}

/* A group in use (by an endpoint, or as the source of another group's rule) stays. */
int sg_delete(struct model *m, const struct principal *caller, json_object *args,
	      json_object **result, struct api_error *err)
{
	const char *group_id = NULL;
	int64_t group;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "GroupId", ARG_REQUIRED, &group_id);
	if (args_close(&a) < 0 || sg_find(m, caller, group_id, &group, err) < 0 ||
	    refuse_if_found(m,
			    "SELECT 1 FROM endpoint_security_group WHERE sg = ?1 UNION ALL"
			    " SELECT 1 FROM security_group_rule WHERE source_sg = ?1 AND sg <> ?1",
			    SQL_ARGS(SQL_INT(group)), err, API_DependencyViolation,
			    "resource %s has a dependent object", group_id) < 0 ||
	    store_exec(m->store, "DELETE FROM security_group WHERE id = ?",
		       SQL_ARGS(SQL_INT(group)), err) < 0)
		return -1;
	*result = json_object_new_object();
	put_bool(*result, "Return", true);
	put_string(*result, "GroupId", group_id);
	return 0;
}

/* ---- Inbound rules ----------------------------------------------------------------------- */

/* One rule as the store keeps it: a permission's protocol and ports with one source. */
struct rule {
	char protocol[4]; /* "tcp" or "-1" */
	int64_t from, to; /* NO_PORT for every protocol */
	const char *cidr; /* or */
	int64_t source;	  /* a group's row */
	const char *description;
	char text[96]; /* for errors: "peer: 10.1.0.0/16, TCP, from port: 80, to port: 80" */
};

static int read_protocol(const char *given, struct rule *r, struct api_error *err)
{
	if (!strcmp(given, "tcp") || !strcmp(given, "TCP") || !strcmp(given, "6")) {
		snprintf(r->protocol, sizeof(r->protocol), "tcp");
		return 0;
	}
	if (!strcmp(given, ALL_PROTOCOLS)) {
		snprintf(r->protocol, sizeof(r->protocol), ALL_PROTOCOLS);
		return 0;
	}
	return api_fail(err, API_InvalidParameterValue,
			"Invalid value '%s' for IP protocol: interface endpoints carry TCP only, "
			"so their security groups take tcp or -1 (every protocol)",
			given);
}

/* The protocol and ports of permission `index`, and its sources' lists. */
static int read_permission(json_object *list, size_t index, struct rule *r, json_object **ranges,
			   json_object **pairs, struct api_error *err)
{
	const char *protocol = NULL;
	bool has_from, has_to;
	struct args a;

	*r = (struct rule){ .from = NO_PORT, .to = NO_PORT };
	args_open_item(&a, list, "IpPermissions", index, err);
	args_string(&a, "IpProtocol", ARG_REQUIRED, &protocol);
	has_from = args_int(&a, "FromPort", ARG_OPTIONAL, NO_PORT, PORT_MAX, &r->from);
	has_to = args_int(&a, "ToPort", ARG_OPTIONAL, NO_PORT, PORT_MAX, &r->to);
	args_list(&a, "IpRanges", ARG_OPTIONAL, json_type_object, ranges);
	args_list(&a, "UserIdGroupPairs", ARG_OPTIONAL, json_type_object, pairs);
	if (args_close(&a) < 0 || read_protocol(protocol, r, err) < 0)
		return -1;
	if (!strcmp(r->protocol, ALL_PROTOCOLS)) {
		r->from = r->to = NO_PORT; /* AWS ignores the ports of "every protocol" */
	} else if (!has_from || !has_to || r->from == NO_PORT || r->to == NO_PORT) {
		return api_fail(err, API_InvalidParameterValue,
				"Invalid value 'Must specify both from and to ports with TCP.' for "
				"portRange");
	} else if (r->from > r->to) {
		return api_fail(err, API_InvalidParameterValue,
				"Invalid TCP port range: the from port %lld is greater than the to "
				"port %lld",
				(long long)r->from, (long long)r->to);
	}
	if (!*ranges && !*pairs)
		return api_fail(err, API_InvalidPermission_Malformed,
				"a permission needs a source: IpRanges or UserIdGroupPairs");
	return 0;
}

static void describe_rule(struct rule *r, const char *peer)
{
	if (r->from == NO_PORT)
		snprintf(r->text, sizeof(r->text), "peer: %s, ALL, ALLOW", peer);
	else
		snprintf(r->text, sizeof(r->text),
			 "peer: %s, TCP, from port: %lld, to port: %lld, ALLOW", peer,
			 (long long)r->from, (long long)r->to);
}

/* Source `index` of a permission's list: a CIDR block, or a group of the same VPC. */
static int read_source(struct model *m, const struct principal *caller, int64_t vpc,
		       json_object *list, const char *list_name, size_t index, struct rule *r,
		       struct api_error *err)
{
	const char *group_id = NULL, *user = NULL;
	int64_t source_vpc = 0;
	uint32_t first;
	unsigned int prefix;
	struct args a;

	r->cidr = NULL;
	r->source = 0;
	r->description = "";
	args_open_item(&a, list, list_name, index, err);
	if (!strcmp(list_name, "IpRanges")) {
		args_string(&a, "CidrIp", ARG_REQUIRED, &r->cidr);
	} else {
		args_string(&a, "GroupId", ARG_REQUIRED, &group_id);
		args_string(&a, "UserId", ARG_OPTIONAL, &user);
	}
	args_string(&a, "Description", ARG_OPTIONAL, &r->description);
	if (args_close(&a) < 0)
		return -1;
	if (strlen(r->description) > DESCRIPTION_MAX)
		return api_fail(err, API_InvalidParameterValue,
				"a rule's description is at most %d characters", DESCRIPTION_MAX);
	if (r->cidr) {
		if (!cidr_parse(r->cidr, &first, &prefix))
			return api_fail(err, API_InvalidParameterValue,
					"CIDR block %s is malformed", r->cidr);
		describe_rule(r, r->cidr);
		return 0;
	}
	if (user && strcmp(user, caller->account) != 0)
		return api_fail(err, API_InvalidGroup_NotFound,
				"The security group '%s' does not exist in account %s: a rule "
				"names groups of its own VPC only",
				group_id, user);
	if (sg_find(m, caller, group_id, &r->source, err) < 0 ||
	    store_int(m->store, "SELECT vpc FROM security_group WHERE id = ?",
		      SQL_ARGS(SQL_INT(r->source)), &source_vpc, err) < 0)
		return -1;
	if (source_vpc != vpc)
		return api_fail(err, API_InvalidGroup_NotFound,
				"You have specified two resources that belong to different "
				"networks: %s is not in the group's VPC",
				group_id);
	describe_rule(r, group_id);
	return 0;
}

/* The rule's row in the group: 1 found (its id in *id), 0 not, -1 on error. */
static int find_rule(struct model *m, int64_t group, const struct rule *r, int64_t *id,
		     struct api_error *err)
{
	return store_int(m->store,
			 "SELECT id FROM security_group_rule WHERE sg = ? AND protocol = ?"
			 " AND from_port = ? AND to_port = ? AND cidr IS ? AND source_sg IS ?",
			 SQL_ARGS(SQL_INT(group), SQL_STR(r->protocol), SQL_INT(r->from),
				  SQL_INT(r->to), SQL_STR(r->cidr),
				  r->source ? SQL_INT(r->source) : SQL_STR(NULL)),
			 id, err);
}

static void rule_json(json_object *list, const char *rule_id, const char *group_id,
		      const char *account, const struct rule *r, const char *source_id)
{
	json_object *out = append_object(list);

	put_string(out, "SecurityGroupRuleId", rule_id);
	put_string(out, "GroupId", group_id);
	put_string(out, "GroupOwnerId", account);
	put_bool(out, "IsEgress", false);
	put_string(out, "IpProtocol", r->protocol);
	put_int(out, "FromPort", r->from);
	put_int(out, "ToPort", r->to);
	if (r->cidr) {
		put_string(out, "CidrIpv4", r->cidr);
	} else {
		json_object *ref = put_object(out, "ReferencedGroupInfo");

		put_string(ref, "GroupId", source_id);
		put_string(ref, "UserId", account);
	}
	if (r->description[0])
		put_string(out, "Description", r->description);
}

static int add_rule(struct model *m, const struct principal *caller, int64_t group,
		    const char *group_id, const struct rule *r, json_object *rules,
		    struct api_error *err)
{
	char rule_id[ID_MAX], source_id[ID_MAX] = "";
	int64_t id;
	int found = find_rule(m, group, r, &id, err);

	if (found != 0)
		return found < 0 ? -1
				 : api_fail(err, API_InvalidPermission_Duplicate,
					    "the specified rule \"%s\" already exists", r->text);
	if (id_new_security_group_rule(rule_id) < 0)
		return api_fail(err, API_InternalError, "no randomness for a new rule id");
	if ((r->source &&
	     store_text(m->store, "SELECT group_id FROM security_group WHERE id = ?",
			SQL_ARGS(SQL_INT(r->source)), source_id, sizeof(source_id), err) < 0) ||
	    store_exec(m->store,
		       "INSERT INTO security_group_rule (rule_id, sg, protocol, from_port, to_port,"
		       " cidr, source_sg, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		       SQL_ARGS(SQL_STR(rule_id), SQL_INT(group), SQL_STR(r->protocol),
				SQL_INT(r->from), SQL_INT(r->to), SQL_STR(r->cidr),
				r->source ? SQL_INT(r->source) : SQL_STR(NULL),
				SQL_STR(r->description)),
		       err) < 0)
		return -1;
	rule_json(rules, rule_id, group_id, caller->account, r, source_id);
	return 0;
}

static int remove_rule(struct model *m, int64_t group, const struct rule *r, struct api_error *err)
{
	int64_t id;
	int found = find_rule(m, group, r, &id, err);

	if (found <= 0)
		return found < 0
			   ? -1
			   : api_fail(err, API_InvalidPermission_NotFound,
				      "The specified rule does not exist in this security group.");
	return store_exec(m->store, "DELETE FROM security_group_rule WHERE id = ?",
			  SQL_ARGS(SQL_INT(id)), err);
}

/* Authorizes (`rules` to fill) or revokes (`rules` NULL) every source of every permission,
 * all or none. */
static int change_rules(struct model *m, const struct principal *caller, json_object *args,
			json_object *rules, struct api_error *err)
{
	const char *group_id = NULL;
	json_object *permissions = NULL;
	int64_t group = 0, vpc = 0, count = 0;
	struct args a;

	args_open(&a, args, err);
	args_string(&a, "GroupId", ARG_REQUIRED, &group_id);
	args_list(&a, "IpPermissions", ARG_REQUIRED, json_type_object, &permissions);
	if (args_close(&a) < 0 || sg_find(m, caller, group_id, &group, err) < 0 ||
	    store_int(m->store, "SELECT vpc FROM security_group WHERE id = ?",
		      SQL_ARGS(SQL_INT(group)), &vpc, err) < 0)
		return -1;
	if (json_object_array_length(permissions) == 0)
		return api_fail(err, API_InvalidParameterValue,
				"IpPermissions needs at least one permission");
	for (size_t i = 0; i < json_object_array_length(permissions); i++) {
		json_object *ranges = NULL, *pairs = NULL;
		struct rule r;

		if (read_permission(permissions, i, &r, &ranges, &pairs, err) < 0)
			return -1;
		for (size_t k = 0; k < 2; k++) {
			json_object *list = k ? pairs : ranges;
			const char *name = k ? "UserIdGroupPairs" : "IpRanges";

			for (size_t j = 0; list && j < json_object_array_length(list); j++) {
				if (read_source(m, caller, vpc, list, name, j, &r, err) < 0 ||
				    (rules ? add_rule(m, caller, group, group_id, &r, rules, err)
					   : remove_rule(m, group, &r, err)) < 0)
					return -1;
			}
		}
	}
	if (store_int(m->store, "SELECT count(*) FROM security_group_rule WHERE sg = ?",
		      SQL_ARGS(SQL_INT(group)), &count, err) < 0)
		return -1;
	if (count > RULES_PER_GROUP)
		return api_fail(err, API_RulesPerSecurityGroupLimitExceeded,
				"The maximum number of rules per security group has been reached "
				"(%d inbound rules).",
				RULES_PER_GROUP);
	return 0;
}

int sg_authorize(struct model *m, const struct principal *caller, json_object *args,
		 json_object **result, struct api_error *err)
{
	json_object *rules;

	*result = json_object_new_object();
	put_bool(*result, "Return", true);
	rules = put_array(*result, "SecurityGroupRules");
	return change_rules(m, caller, args, rules, err);
}

int sg_revoke(struct model *m, const struct principal *caller, json_object *args,
	      json_object **result, struct api_error *err)
{
	if (change_rules(m, caller, args, NULL, err) < 0)
		return -1;
	*result = json_object_new_object();
	put_bool(*result, "Return", true);
	return 0;
}
