/* SPDX-License-Identifier: MIT */
/* xdplink: the command line of the xdplink agent. Global options, the table of nouns,
 * prefix matching of nouns and verbs, help, and the dispatch of one verb. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "envelope.h"
#include "version.h"

static const struct noun *const nouns[] = {
	&cli_noun_lb,	    &cli_noun_tg,    &cli_noun_listener, &cli_noun_service,
	&cli_noun_endpoint, &cli_noun_vpc,   &cli_noun_subnet,	 &cli_noun_sg,
	&cli_noun_iface,    &cli_noun_agent, &cli_noun_stats,	 &cli_noun_account,
	&cli_noun_flow,	    &cli_noun_tag,   &cli_noun_config,
};

#define NOUN_COUNT (sizeof(nouns) / sizeof(nouns[0]))

static void print_main_usage(FILE *out)
{
	fputs("Usage: xdplink [OPTIONS] NOUN [VERB] [ARGS]\n"
	      "       xdplink help [NOUN [VERB]]\n",
	      out);
}

static const struct global_option global_options[] = {
	{ "-j, --json", "print the agent's result as JSON, exactly, on one line (every verb);\n"
			"a refusal as {\"Error\": {\"Code\", \"Message\"}} too" },
	{ "-p, --pretty", "the same JSON, indented" },
	{ "--principal ARN", "act as ARN (default $XDPLINK_PRINCIPAL, else the agent's\n"
			     "own account, " XL_DEFAULT_PRINCIPAL ")" },
	{ "--socket PATH",
	  "the agent's socket (default $XDPLINK_SOCKET, else\n" XL_DEFAULT_SOCKET ")" },
	{ "-h, --help", "print help: anywhere, for the noun or verb before it" },
	{ "--version", "print xdplink's version" },
	{ 0 },
};

static void print_main_help(FILE *out)
{
	print_main_usage(out);
	fputs("\nNouns:\n", out);
	for (size_t i = 0; i < NOUN_COUNT; i++)
		fprintf(out, "  %-10s %s\n", nouns[i]->name, nouns[i]->summary);
	fputs("\nOptions (before the noun or after the verb):\n", out);
	for (const struct global_option *g = global_options; g->synopsis; g++) {
		fprintf(out, "  %-17s ", g->synopsis);
		for (const char *c = g->help; *c; c++) {
			if (*c == '\n')
				fprintf(out, "\n%20s", ""); /* a continued help lines up */
			else
				fputc(*c, out);
		}
		fputc('\n', out);
	}
	fputs("\nNouns and verbs match by unique prefix ('xdplink ep sh' is 'xdplink endpoint\n"
	      "show'); 'xdplink help NOUN' lists a noun's verbs.\n"
	      "Exit status: 0 done; 1 refused by the agent (\"Code: message\" on stderr), a batch\n"
	      "item refused (\"ID: Code: message\"), or no agent; 2 bad usage; --wait: 3 timed\n"
	      "out (WaiterTimeout), 4 the state can never come (WaiterFailed).\n",
	      out);
}

/* The noun named (or abbreviated) by `word`; NULL with *help set when it means "help";
 * NULL and a message if nothing or several things match. */
static const struct noun *find_noun(const char *word, bool *help)
{
	struct candidate names[2 * NOUN_COUNT];
	size_t count = 0;
	int id;

	for (size_t i = 0; i < NOUN_COUNT; i++) {
		names[count++] = (struct candidate){ nouns[i]->name, (int)i };
		if (nouns[i]->alias)
			names[count++] = (struct candidate){ nouns[i]->alias, (int)i };
	}
	id = cli_match("", "noun", word, names, count);
	*help = id == MATCH_HELP;
	if (id == MATCH_NONE)
		print_main_usage(stderr);
	return id >= 0 ? nouns[id] : NULL;
}

/* xdplink help [NOUN [VERB]] */
static int help(int argc, char **argv)
{
	const struct noun *noun;
	const struct verb *verb;
	bool is_help;

	if (argc == 0) {
		print_main_help(stdout);
		return CLI_EXIT_OK;
	}
	if (argc == 1 && !strcmp(argv[0], "--man")) {
		cli_print_man(stdout, nouns, NOUN_COUNT, global_options);
		return CLI_EXIT_OK;
	}
	noun = find_noun(argv[0], &is_help);
	if (!noun) {
		if (is_help)
			print_main_help(stdout);
		return is_help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if (argc == 1) {
		cli_print_noun_help(stdout, noun);
		return CLI_EXIT_OK;
	}
	verb = cli_find_verb(noun, argv[1], &is_help);
	if (verb)
		cli_print_verb_help(stdout, noun, verb);
	else if (is_help)
		cli_print_noun_help(stdout, noun);
	else
		cli_print_noun_usage(stderr, noun);
	return verb || is_help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

static int run_verb(struct cli *cli, const struct noun *noun, const struct verb *verb, int argc,
		    char **argv)
{
	struct request req = {
		.noun = noun,
		.verb = verb,
		.args = json_object_new_object(),
		.local = json_object_new_object(),
	};
	int rc = cli_parse(cli, &req, argc, argv);

	if (rc == CLI_EXIT_OK)
		rc = verb->run(cli, &req);
	json_object_put(req.args);
	json_object_put(req.local);
	free(req.words);
	return rc;
}

/* NOUN [VERB] [ARGS]: a noun alone, or followed by an option, runs its default verb. */
static int dispatch(struct cli *cli, int argc, char **argv)
{
	const struct verb *verb;
	const struct noun *noun;
	bool is_help;

	noun = find_noun(argv[0], &is_help);
	if (!noun)
		return is_help ? help(argc - 1, argv + 1) : CLI_EXIT_USAGE;
	argc--;
	argv++;
	if (argc == 0 || argv[0][0] == '-') {
		if (cli_wants_help(argc, argv)) {
			cli_print_noun_help(stdout, noun);
			return CLI_EXIT_OK;
		}
		verb = cli_find_verb(noun, noun->default_verb, &is_help);
	} else {
		verb = cli_find_verb(noun, argv[0], &is_help);
		argc--;
		argv++;
	}
	if (!verb && is_help) {
		cli_print_noun_help(stdout, noun);
		return CLI_EXIT_OK;
	}
	if (!verb) {
		cli_print_noun_usage(stderr, noun);
		return CLI_EXIT_USAGE;
	}
	if (cli_wants_help(argc, argv)) {
		cli_print_verb_help(stdout, noun, verb);
		return CLI_EXIT_OK;
	}
	return run_verb(cli, noun, verb, argc, argv);
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *value = getenv(name);

	return value && value[0] ? value : fallback;
}

int main(int argc, char **argv)
{
	struct cli cli = {
		.principal = env_or("XDPLINK_PRINCIPAL", NULL),
		.socket_path = env_or("XDPLINK_SOCKET", XL_DEFAULT_SOCKET),
	};
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		int used;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_main_help(stdout);
			return CLI_EXIT_OK;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("xdplink %s\n", XDPLINK_VERSION);
			return CLI_EXIT_OK;
		}
		used = cli_global_option(&cli, argc - i, argv + i);
		if (used <= 0) {
			fprintf(stderr, "xdplink: %s %s\n", argv[i],
				used ? "needs a value" : "is not an option");
			print_main_usage(stderr);
			return CLI_EXIT_USAGE;
		}
		i += used;
	}
	if (i == argc) {
		fputs("xdplink: missing NOUN\n", stderr);
		print_main_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	return dispatch(&cli, argc - i, argv + i);
}
