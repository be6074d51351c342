/* SPDX-License-Identifier: MIT */
/* Command-line parsing from tables: global options, a verb's options converted into API
 * arguments, and its positional words. Only syntax is checked here; the agent judges meaning. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define MAX_OPTIONS 32
#define MAX_VERBS   16

int cli_global_option(struct cli *cli, int argc, char **argv)
{
	const char *arg = argv[0];
	const char **target = !strcmp(arg, "--principal") ? &cli->principal
			      : !strcmp(arg, "--socket")  ? &cli->socket_path
							  : NULL;

	if (!strcmp(arg, "-j") || !strcmp(arg, "--json")) {
		cli->json = true;
		return 1;
	}
	if (!strcmp(arg, "-p") || !strcmp(arg, "--pretty")) {
		cli->json = cli->pretty = true;
		return 1;
	}
	if (!target)
		return 0;
	if (argc < 2 || !argv[1][0])
		return -1;
	*target = argv[1];
	return 2;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

bool starts_with(const char *name, const char *word)
{
	return !strncmp(name, word, strlen(word));
}

/* Whether a name of the entry starting at c[first] (and its aliases after it) starts with word. */
static bool entry_matches(const struct candidate *c, size_t count, size_t first, const char *word)
{
	for (size_t i = first; i < count && c[i].id == c[first].id; i++)
		if (starts_with(c[i].name, word))
			return true;
	return false;
}

int cli_match(const char *scope, const char *kind, const char *word, const struct candidate *c,
	      size_t count)
{
	int found = MATCH_NONE, matches = 0;
	const char *sep;

	for (size_t i = 0; i < count; i++)
		if (!strcmp(c[i].name, word))
			return c[i].id;
	if (!strcmp(word, "help"))
		return MATCH_HELP;
	for (size_t i = 0; i < count; i++)
		if (starts_with(c[i].name, word) && c[i].id != found) {
			found = c[i].id;
			matches++;
		}
	if (starts_with("help", word)) {
		found = MATCH_HELP;
		matches++;
	}
	if (matches == 1)
		return found;
	sep = matches ? "(could be " : "(expected ";
	fprintf(stderr, "xdplink: %s%s %s '%s' ", scope, matches ? "ambiguous" : "unknown", kind,
		word);
	for (size_t i = 0; i < count; i++)
		if ((!i || c[i].id != c[i - 1].id) &&
		    (!matches || entry_matches(c, count, i, word))) {
			fprintf(stderr, "%s%s", sep, c[i].name);
			sep = ", ";
		}
	if (!matches || starts_with("help", word))
		fprintf(stderr, "%shelp", sep);
	fputs(")\n", stderr);
	return MATCH_NONE;
}

const struct verb *cli_find_verb(const struct noun *noun, const char *word, bool *help)
{
	struct candidate verbs[MAX_VERBS];
	char scope[32];
	size_t count = 0;
	int id;

	for (const struct verb *v = noun->verbs; v->name && count < MAX_VERBS; v++, count++)
		verbs[count] = (struct candidate){ v->name, (int)count };
	snprintf(scope, sizeof(scope), "%s: ", noun->name);
	id = cli_match(scope, "verb", word, verbs, count);
	*help = id == MATCH_HELP;
	return id >= 0 ? &noun->verbs[id] : NULL;
}

/* A whole decimal number in [min, max], without sign or spaces. */
static bool parse_number(const char *text, int64_t min, int64_t max, int64_t *value)
{
	char *end;
	long long n;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	n = strtoll(text, &end, 10);
	if (errno || *end || n < min || n > max)
		return false;
	*value = n;
	return true;
}

/* {"Name": NAME, "Values": [V...]} from "Name=NAME,Values=V[,V...]", or NULL having said
 * why. Whether the list knows NAME is the agent's to say. */
static json_object *filter_of(const struct request *req, const struct opt_spec *spec,
			      const char *text)
{
	const char *values = strstr(text, ",Values=");
	json_object *filter, *list;

	if (strncmp(text, "Name=", 5) || !values || values == text + 5 || !values[8]) {
		cli_usage_error(req->noun, req->verb, "--%s takes %s, not '%s'", spec->name,
				spec->metavar, text);
		return NULL;
	}
	filter = json_object_new_object();
	list = json_object_new_array();
	json_object_object_add(filter, "Name",
			       json_object_new_string_len(text + 5, (int)(values - text - 5)));
	json_object_object_add(filter, "Values", list);
	for (const char *v = values + 8;; v += strcspn(v, ",") + 1) {
		json_object_array_add(list, json_object_new_string_len(v, (int)strcspn(v, ",")));
		if (!v[strcspn(v, ",")])
			break;
	}
	return filter;
}

/* The value of `spec` as the API wants it, or NULL having said why. */
static json_object *convert(const struct request *req, const struct opt_spec *spec,
			    const char *text)
{
	int64_t number;
	const char *eq;

	switch (spec->kind) {
	case OPT_PORT:
		if (parse_number(text, 1, 65535, &number))
			return json_object_new_int64(number);
		cli_usage_error(req->noun, req->verb, "--%s: '%s' is not a port (1-65535)",
				spec->name, text);
		return NULL;
	case OPT_NUMBER:
		if (parse_number(text, 0, INT32_MAX, &number))
			return json_object_new_int64(number);
		cli_usage_error(req->noun, req->verb, "--%s: '%s' is not a whole number",
				spec->name, text);
		return NULL;
	case OPT_SWITCH:
		if (!strcmp(text, "on") || !strcmp(text, "off"))
			return json_object_new_boolean(!strcmp(text, "on"));
		cli_usage_error(req->noun, req->verb, "--%s takes on or off, not '%s'", spec->name,
				text);
		return NULL;
	case OPT_CHOICE:
		for (const char *c = spec->choices; *c;) {
			size_t len = strcspn(c, "|");

			if (strlen(text) == len && !strncasecmp(c, text, len))
				return json_object_new_string_len(c, (int)len);
			c += len + (c[len] == '|');
		}
		cli_usage_error(req->noun, req->verb, "--%s takes %s, not '%s'", spec->name,
				spec->metavar, text);
		return NULL;
	case OPT_PAIR:
		eq = strchr(text, '=');
		if (eq && eq != text && eq[1]) {
			json_object *pair = json_object_new_object();

			json_object_object_add(pair, spec->pair_keys[0],
					       json_object_new_string_len(text, (int)(eq - text)));
			json_object_object_add(pair, spec->pair_keys[1],
					       json_object_new_string(eq + 1));
			return pair;
		}
		cli_usage_error(req->noun, req->verb, "--%s takes %s, not '%s'", spec->name,
				spec->metavar, text);
		return NULL;
	case OPT_ENI:
		eq = strchr(text, '=');
		if (!strncmp(text, "subnet-", 7) && (!eq || eq[1])) {
			json_object *eni = json_object_new_object();

			json_object_object_add(
			    eni, "SubnetId",
			    json_object_new_string_len(text,
						       (int)(eq ? eq - text : (long)strlen(text))));
			if (eq)
				json_object_object_add(eni, "Ipv4", json_object_new_string(eq + 1));
			return eni;
		}
		if (eq && eq != text && eq[1]) {
			json_object *eni = json_object_new_object();

			json_object_object_add(eni, "AvailabilityZoneId",
					       json_object_new_string_len(text, (int)(eq - text)));
			json_object_object_add(eni, "Ipv4", json_object_new_string(eq + 1));
			return eni;
		}
		cli_usage_error(req->noun, req->verb, "--%s takes %s, not '%s'", spec->name,
				spec->metavar, text);
		return NULL;
	case OPT_FILTER:
		return filter_of(req, spec, text);
	case OPT_FLAG:
		return json_object_new_boolean(spec->flag_value);
	case OPT_TEXT:
		break;
	}
	return json_object_new_string(text);
}

static const struct opt_spec *find_option(const struct verb *verb, const char *name, size_t len)
{
	for (const struct opt_spec *o = verb->options; o && o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

/* The option other than `spec` that already filled the same argument, if any. */
static const struct opt_spec *other_setter(const struct request *req, const struct opt_spec *spec,
					   const bool *seen)
{
	for (const struct opt_spec *o = req->verb->options; o->name; o++)
		if (o != spec && seen[o - req->verb->options] && !strcmp(o->key, spec->key))
			return o;
	return NULL;
}

/* Stores one option's value (consumed); refuses a second value of a single-valued argument,
 * whether from the same option or from another filling the same key. */
static int store(const struct request *req, const struct opt_spec *spec, json_object *value,
		 const bool *seen)
{
	json_object *target = spec->flags & OPT_LOCAL ? req->local : req->args, *array;
	const struct opt_spec *other;

	if (spec->flags & OPT_REPEAT) {
		if (!json_object_object_get_ex(target, spec->key, &array)) {
			array = json_object_new_array();
			json_object_object_add(target, spec->key, array);
		}
		json_object_array_add(array, value);
		return CLI_EXIT_OK;
	}
	if (!json_object_object_get_ex(target, spec->key, NULL)) {
		json_object_object_add(target, spec->key, value);
		return CLI_EXIT_OK;
	}
	json_object_put(value);
	other = other_setter(req, spec, seen);
	if (other)
		return cli_usage_error(req->noun, req->verb, "--%s and --%s exclude each other",
				       other->name, spec->name);
	return cli_usage_error(req->noun, req->verb, "--%s is given twice", spec->name);
}

/* The text of the value of option `spec` found at argv[0], or NULL when it has none;
 * *used counts the entries taken. False after a usage error. */
static bool option_text(const struct request *req, const struct opt_spec *spec, int argc,
			char **argv, const char **text, int *used)
{
	const char *eq = strchr(argv[0], '=');
	int64_t ignored;

	*text = NULL;
	*used = 1;
	if (spec->kind == OPT_FLAG) {
		if (eq)
			cli_usage_error(req->noun, req->verb, "--%s takes no value", spec->name);
		return !eq;
	}
	if (eq) {
		*text = eq + 1;
	} else if (argc > 1 && (!(spec->flags & OPT_OPTIONAL_VALUE) ||
				parse_number(argv[1], 0, INT32_MAX, &ignored))) {
		*text = argv[1];
		*used = 2;
	} else if (!(spec->flags & OPT_OPTIONAL_VALUE)) {
		cli_usage_error(req->noun, req->verb, "--%s needs a value (%s)", spec->name,
				opt_metavar(spec));
		return false;
	}
	return true;
}

/* One option at argv[0] ("--name", "--name=value" or "--name value"): returns how many
 * entries it used, or -1 after a usage error. */
static int parse_option(const struct request *req, int argc, char **argv, bool *seen)
{
	const char *name = argv[0] + 2, *text;
	const struct opt_spec *spec = find_option(req->verb, name, strcspn(name, "="));
	json_object *value;
	int used;

	/* "-f FILE": the option of the verb with that short name */
	for (const struct opt_spec *o = req->verb->options;
	     argv[0][1] != '-' && !argv[0][2] && o && o->name && !spec; o++)
		if (o->short_name == argv[0][1])
			spec = o;
	if (!spec) {
		cli_usage_error(req->noun, req->verb, "unknown option %.*s",
				(int)strcspn(argv[0], "="), argv[0]);
		return -1;
	}
	if (!option_text(req, spec, argc, argv, &text, &used))
		return -1;
	if (!text && spec->kind != OPT_FLAG)
		value = json_object_new_int64(spec->default_number);
	else if (!(value = convert(req, spec, text)))
		return -1;
	if (store(req, spec, value, seen))
		return -1;
	seen[spec - req->verb->options] = true;
	return used;
}

int cli_parse(struct cli *cli, struct request *req, int argc, char **argv)
{
	bool seen[MAX_OPTIONS] = { false };
	bool options_done = false;

	req->words = calloc((size_t)argc + 1, sizeof(*req->words));
	if (!req->words)
		abort();
	for (int i = 0; i < argc;) {
		int used;

		if (options_done || argv[i][0] != '-' || !argv[i][1]) {
			req->words[req->word_count++] = argv[i++];
			continue;
		}
		if (!strcmp(argv[i], "--")) {
			options_done = true;
			i++;
			continue;
		}
		used = cli_global_option(cli, argc - i, argv + i);
		if (used < 0)
			return cli_usage_error(req->noun, req->verb, "%s needs a value", argv[i]);
		if (!used && argv[i][1] != '-' && argv[i][2])
			return cli_usage_error(req->noun, req->verb, "unknown option %s", argv[i]);
		if (!used)
			used = parse_option(req, argc - i, argv + i, seen);
		if (used < 0)
			return CLI_EXIT_USAGE;
		i += used;
	}
	if (req->word_count < req->verb->min_words) {
		const char *missing = req->verb->words;

		for (int skip = req->word_count; skip > 0 && strchr(missing, ' '); skip--)
			missing = strchr(missing, ' ') + 1;
		return cli_usage_error(req->noun, req->verb, "missing %.*s",
				       (int)strcspn(missing, " ."), missing);
	}
	for (const struct opt_spec *o = req->verb->options; o && o->name; o++)
		if ((o->flags & OPT_REQUIRED) && !seen[o - req->verb->options])
			return cli_usage_error(req->noun, req->verb, "missing --%s %s", o->name,
					       opt_metavar(o));
	if (jget(req->local, "WaitTimeout") && !jget(req->local, "Wait"))
		return cli_usage_error(req->noun, req->verb, "--timeout goes with --wait");
	if (req->verb->max_words != WORDS_ANY && req->word_count > req->verb->max_words)
		return cli_usage_error(req->noun, req->verb, "unexpected argument '%s'",
				       req->words[req->verb->max_words]);
	return CLI_EXIT_OK;
}

void args_set_string(json_object *args, const char *key, const char *value)
{
	json_object_object_add(args, key, json_object_new_string(value));
}

void args_set_words(json_object *args, const char *key, char **words, int count)
{
	json_object *array = json_object_new_array();

	for (int i = 0; i < count; i++)
		json_object_array_add(array, json_object_new_string(words[i]));
	json_object_object_add(args, key, array);
}

const char *service_id_of(const char *service)
{
	static const char prefix[] = "com.amazonaws.vpce.";
	const char *dot = strrchr(service, '.');

	return !strncmp(service, prefix, sizeof(prefix) - 1) && dot ? dot + 1 : service;
}
