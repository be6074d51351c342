/* SPDX-License-Identifier: MIT */
/* xdplink tag: tags on the caller's resources, named by id (vpce-svc-..., vpce-..., vpc-...,
 * subnet-...) or, for load balancers, target groups and listeners, by ARN. */
#include <string.h>

#include "cli.h"

/* KEY=VALUE (or, removing, KEY alone: whatever its value) as {Key, Value}. */
static int tags_of(const struct request *req, bool values_required)
{
	json_object *tags = json_object_new_array();

	json_object_object_add(req->args, "Tags", tags);
	for (int i = 1; i < req->word_count; i++) {
		const char *word = req->words[i], *equals = strchr(word, '=');
		json_object *tag = json_object_new_object();

		if (values_required && !equals)
			return cli_usage_error(req->noun, req->verb, "'%s' is not KEY=VALUE", word);
		json_object_array_add(tags, tag);
		json_object_object_add(tag, "Key",
				       equals
					   ? json_object_new_string_len(word, (int)(equals - word))
					   : json_object_new_string(word));
		if (equals)
			args_set_string(tag, "Value", equals + 1);
	}
	return CLI_EXIT_OK;
}

static void print_tags(const struct request *req, json_object *result)
{
	struct table *t = TABLE("RESOURCE", "TYPE", "KEY", "VALUE");

	(void)req;
	for (size_t i = 0; i < jlen(result, "Tags"); i++) {
		json_object *tag = jitem(result, "Tags", i);

		table_row(t);
		table_cell(t, "%s", jstr(tag, "ResourceId"));
		table_cell(t, "%s", jstr(tag, "ResourceType"));
		table_cell(t, "%s", jstr(tag, "Key"));
		table_cell(t, "%s", jstr(tag, "Value"));
	}
	table_print(t, stdout);
}

static void print_added(const struct request *req, json_object *result)
{
	(void)result;
	printf("tagged %s (%d tag%s)\n", req->words[0], req->word_count - 1,
	       req->word_count == 2 ? "" : "s");
}

static void print_removed(const struct request *req, json_object *result)
{
	(void)result;
	printf("removed %s from %s\n",
	       req->word_count == 1   ? "every tag"
	       : req->word_count == 2 ? "1 tag"
				      : "tags",
	       req->words[0]);
}

static int do_tag_add(const struct cli *cli, const struct request *req)
{
	args_set_words(req->args, "Resources", req->words, 1);
	if (tags_of(req, true) != CLI_EXIT_OK)
		return CLI_EXIT_USAGE;
	return cli_run(cli, req, "CreateTags", print_added);
}

static int do_tag_remove(const struct cli *cli, const struct request *req)
{
	args_set_words(req->args, "Resources", req->words, 1);
	if (req->word_count > 1)
		tags_of(req, false);
	return cli_run(cli, req, "DeleteTags", print_removed);
}

static int do_tag_list(const struct cli *cli, const struct request *req)
{
	if (req->word_count)
		args_set_words(req->args, "Resources", req->words, req->word_count);
	return cli_run(cli, req, "DescribeTags", print_tags);
}

static const struct verb tag_verbs[] = {
	{ "add", do_tag_add, "RESOURCE KEY=VALUE...", NULL, 2, WORDS_ANY,
	  "Tag your resource (an id, or its ARN for ELBv2's); a key it has is set again." },
	{ "remove", do_tag_remove, "RESOURCE [KEY[=VALUE]...]", NULL, 1, WORDS_ANY,
	  "Remove tags: KEY with any value, KEY=VALUE only with it, all if none named." },
	{ "list", do_tag_list, "[RESOURCE...]", NULL, 0, WORDS_ANY,
	  "List the tags of your resources, or of those named." },
	{ 0 },
};

const struct noun cli_noun_tag = {
	.name = "tag",
	.summary = "tags on your resources: a key and a value each",
	.default_verb = "list",
	.verbs = tag_verbs,
};
