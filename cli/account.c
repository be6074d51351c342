/* SPDX-License-Identifier: MIT */
/* xdplink account: the access keys of the agent's AWS endpoint (xdplinkd --aws-listen). A
 * key acts for one account, as arn:aws:iam::ACCOUNT:root. The keys live in a root-only
 * file that the agent reads again whenever it changes, so these verbs edit that file and
 * need no agent. */
#include <stdlib.h>
#include <string.h>

#include "aws_credentials.h"
#include "cli.h"

static const char *credentials_path(const struct request *req)
{
	const char *given =
	    jget(req->local, "Credentials") ? jstr(req->local, "Credentials") : NULL;
	const char *env = getenv("XDPLINK_AWS_CREDENTIALS");

	return given ? given : env && env[0] ? env : AWS_CREDENTIALS_DEFAULT;
}

static int do_add(const struct cli *cli, const struct request *req)
{
	const char *path = credentials_path(req);
	struct aws_key key;
	char why[512];

	if (aws_keys_add(path, req->words[0], &key, why, sizeof(why)) < 0) {
		fprintf(stderr, "xdplink: %s\n", why);
		return CLI_EXIT_FAILED;
	}
	if (cli->json) {
		json_object *result = json_object_new_object(), *access = json_object_new_object();

		json_object_object_add(access, "AccessKeyId", json_object_new_string(key.id));
		json_object_object_add(access, "SecretAccessKey",
				       json_object_new_string(key.secret));
		json_object_object_add(access, "Account", json_object_new_string(key.account));
		json_object_object_add(result, "AccessKey", access);
		cli_print_json(cli, result);
		json_object_put(result);
	} else {
		printf(
		    "added an access key for account %s to %s:\n"
		    "  aws_access_key_id     = %s\n"
		    "  aws_secret_access_key = %s\n"
		    "The secret is shown this once; the agent takes the key at its next request.\n",
		    key.account, path, key.id, key.secret);
	}
	explicit_bzero(&key, sizeof(key));
	return CLI_EXIT_OK;
}

static int do_list(const struct cli *cli, const struct request *req)
{
	const char *path = credentials_path(req);
	struct aws_keys keys;
	json_object *result, *list;
	bool missing;
	char why[512];

	if (aws_keys_load(path, &keys, &missing, why, sizeof(why)) < 0) {
		fprintf(stderr, "xdplink: %s\n", why);
		return CLI_EXIT_FAILED;
	}
	result = json_object_new_object();
	list = json_object_new_array();
	json_object_object_add(result, "AccessKeys", list);
	for (size_t i = 0; i < keys.count; i++) {
		json_object *item = json_object_new_object();

		json_object_object_add(item, "AccessKeyId",
				       json_object_new_string(keys.keys[i].id));
		json_object_object_add(item, "Account",
				       json_object_new_string(keys.keys[i].account));
		json_object_array_add(list, item);
	}
	aws_keys_free(&keys);
	if (cli->json) {
		cli_print_json(cli, result);
	} else {
		struct table *t = TABLE("ACCESS KEY ID", "ACCOUNT");

		for (size_t i = 0; i < jlen(result, "AccessKeys"); i++) {
			table_row(t);
			table_cell(t, "%s", jstr(jitem(result, "AccessKeys", i), "AccessKeyId"));
			table_cell(t, "%s", jstr(jitem(result, "AccessKeys", i), "Account"));
		}
		table_print(t, stdout);
	}
	json_object_put(result);
	return CLI_EXIT_OK;
}

static int do_remove(const struct cli *cli, const struct request *req)
{
	const char *path = credentials_path(req);
	char why[512];
	int rc = aws_keys_remove(path, req->words[0], why, sizeof(why));

	if (rc < 0) {
		fprintf(stderr, "xdplink: %s\n", why);
		return CLI_EXIT_FAILED;
	}
	if (rc == 0) {
		fprintf(stderr, "NoSuchEntity: no access key %s in %s\n", req->words[0], path);
		return CLI_EXIT_FAILED;
	}
	if (!cli->json)
		printf("removed access key %s\n", req->words[0]);
	else
		puts("{}");
	return CLI_EXIT_OK;
}

static const struct opt_spec options[] = {
	{ .name = "credentials",
	  .key = "Credentials",
	  .kind = OPT_TEXT,
	  .flags = OPT_LOCAL,
	  .metavar = "PATH",
	  .help = "the access keys file (default $XDPLINK_AWS_CREDENTIALS, "
		  "else " AWS_CREDENTIALS_DEFAULT ")" },
	{ 0 },
};

static const struct verb verbs[] = {
	{ "add", do_add, "ACCOUNT", options, 1, 1,
	  "Make an access key for the account (12 digits) and print it with its secret." },
	{ "list", do_list, NULL, options, 0, 0, "List the access keys and their accounts." },
	{ "remove", do_remove, "ACCESS_KEY_ID", options, 1, 1,
	  "Remove an access key: requests signed with it are refused from then on." },
	{ 0 },
};

const struct noun cli_noun_account = {
	.name = "account",
	.summary = "access keys of the AWS endpoint (the aws CLI)",
	.default_verb = "list",
	.verbs = verbs,
};
