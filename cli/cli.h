/* SPDX-License-Identifier: MIT */
/* The xdplink CLI's shared declarations: the noun and verb tables, option tables,
 * the parsed request a verb receives, and the helpers every noun uses to call and print. */
#ifndef XL_CLI_H
#define XL_CLI_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_EXIT_OK	      0
#define CLI_EXIT_FAILED	      1 /* the agent refused, a batch item failed, or no agent answered */
#define CLI_EXIT_USAGE	      2
#define CLI_EXIT_WAIT_TIMEOUT 3 /* --wait: the timeout passed before the state was reached */
#define CLI_EXIT_WAIT_FAILED  4 /* --wait: a state was reached from which it never comes */

/* Set up by main from the global options and the environment. */
struct cli {
	bool json; /* print results as JSON: one line (-j), or indented (-p) */
	bool pretty;
	const char *principal; /* NULL: the agent's local account */
	const char *socket_path;
};

/* ---- Option tables ------------------------------------------------------------ */

enum opt_kind {
	OPT_TEXT,   /* any word */
	OPT_PORT,   /* 1-65535 */
	OPT_NUMBER, /* a whole number >= 0 (the agent checks ranges) */
	OPT_SWITCH, /* on|off, sent as a boolean */
	OPT_FLAG,   /* no value: sends flag_value */
	OPT_CHOICE, /* one of `choices` ("TCP|HTTP"), any case, sent as written there */
	OPT_PAIR,   /* ZONE=ADDRESS, sent as {pair_keys[0]: ZONE, pair_keys[1]: ADDRESS} */
	OPT_ENI,    /* subnet-ID[=ADDRESS] or ZONE=ADDRESS: {SubnetId|AvailabilityZoneId, Ipv4} */
	OPT_FILTER, /* Name=NAME,Values=V[,V...], as the aws CLI writes it: {Name, Values} */
};

enum opt_flags {
	OPT_REQUIRED = 1 << 0,
	OPT_REPEAT = 1 << 1,	     /* may be given again; values are collected in an array */
	OPT_LOCAL = 1 << 2,	     /* for the verb itself, not an API argument */
	OPT_OPTIONAL_VALUE = 1 << 3, /* the value may be left out: default_number then */
};

struct opt_spec {
	const char *name; /* without the leading "--" */
	const char *key;  /* the API argument (or local name) it fills */
	enum opt_kind kind;
	unsigned flags;	     /* enum opt_flags */
	const char *metavar; /* "N", "ZONE=NODE_IP"; NULL for flags */
	const char *help;
	bool flag_value;     /* OPT_FLAG */
	char short_name;     /* "-f" for name, or 0 */
	const char *choices; /* OPT_CHOICE */
	const char *pair_keys[2];
	int64_t default_number; /* OPT_OPTIONAL_VALUE */
	const char *filters_of; /* OPT_FILTER: the action whose filter names help lists */
};

/* --filter for the list of `action` (list_filters.h names its filters). */
#define FILTER_OPTION(action)                                                                      \
	{                                                                                          \
		.name = "filter", .key = "Filters", .kind = OPT_FILTER, .flags = OPT_REPEAT,       \
		.metavar = "Name=NAME,Values=V[,V...]",                                            \
		.help =                                                                            \
		    "only the items whose NAME is one of the values (* and ? match any text); "    \
		    "several --filter must all hold",                                              \
		.filters_of = action                                                               \
	}

/* ---- Nouns and verbs ---------------------------------------------------------- */

/* What a verb receives: its options already checked and converted, keyed by API
 * argument name, and its positional words (their count checked). */
struct request {
	const struct noun *noun;
	const struct verb *verb;
	json_object *args;  /* the API's Args, owned by the dispatcher */
	json_object *local; /* values of OPT_LOCAL options */
	char **words;
	int word_count;
};

#define WORDS_ANY 255 /* max_words: as many as given */

struct verb {
	const char *name;
	int (*run)(const struct cli *cli, const struct request *req);
	const char *words;		/* positional synopsis, e.g. "NAME IP[:PORT]..." */
	const struct opt_spec *options; /* terminated by an entry without name; may be NULL */
	unsigned char min_words, max_words;
	const char *summary;
};

struct noun {
	const char *name;
	const char *alias; /* another name it answers to, or NULL */
	const char *summary;
	const char *default_verb; /* run when no verb is given */
	const struct verb *verbs; /* terminated by an entry without name */
};

extern const struct noun cli_noun_lb, cli_noun_tg, cli_noun_listener, cli_noun_service,
    cli_noun_endpoint, cli_noun_vpc, cli_noun_subnet, cli_noun_sg, cli_noun_iface, cli_noun_agent,
    cli_noun_stats, cli_noun_account, cli_noun_flow, cli_noun_tag, cli_noun_config;

/* ---- Parsing and usage (cli_args.c, cli_usage.c) ------------------------------- */

/* Global options accepted before the noun and after the verb alike. Returns the number of
 * argv entries used (1 or 2), 0 if argv[0] is not a global option, -1 on a usage error. */
int cli_global_option(struct cli *cli, int argc, char **argv);

/* Fills req from argv (the words after the verb). Returns CLI_EXIT_OK, or
 * CLI_EXIT_USAGE having said what is wrong. */
int cli_parse(struct cli *cli, struct request *req, int argc, char **argv);

/* True if argv (up to "--") asks for help. */
bool cli_wants_help(int argc, char **argv);

/* A name a word may stand for; aliases follow their name, with its id. */
struct candidate {
	const char *name;
	int id;
};

#define MATCH_NONE (-1)
#define MATCH_HELP (-2)

/* The id of the candidate that `word` names or, bpftool-style, is the only one to abbreviate
 * ("help" being one more candidate): MATCH_HELP for help, or MATCH_NONE having said on stderr
 * "xdplink: SCOPEunknown KIND 'word' (expected ...)" or "ambiguous ... (could be ...)". */
int cli_match(const char *scope, const char *kind, const char *word, const struct candidate *c,
	      size_t count);
/* The verb of a noun that `word` names; NULL with *help set when it means help. */
const struct verb *cli_find_verb(const struct noun *noun, const char *word, bool *help);
bool starts_with(const char *name, const char *word);

/* What an option's value looks like in usage text ("N", "on|off"). */
const char *opt_metavar(const struct opt_spec *o);
/* "Names: a, b, c." of an OPT_FILTER option into `out` ("" for any other). */
void opt_filter_names(const struct opt_spec *o, char *out, size_t size);
void cli_print_verb_synopsis(FILE *out, const struct noun *noun, const struct verb *verb,
			     const char *lead);
void cli_print_noun_usage(FILE *out, const struct noun *noun); /* the synopses */
void cli_print_noun_help(FILE *out, const struct noun *noun);  /* and what each verb does */
void cli_print_verb_help(FILE *out, const struct noun *noun, const struct verb *verb);
/* "xdplink: lb create: <what>" and the verb's usage, on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const struct noun *noun, const struct verb *verb, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A global option as help and the manual page describe it. */
struct global_option {
	const char *synopsis; /* "-j, --json" */
	const char *help;
};

/* xdplink(8) in roff, from the nouns' tables and the global options (man.c). */
void cli_print_man(FILE *out, const struct noun *const *nouns, size_t count,
		   const struct global_option *globals);

/* ---- Calling the agent (cli_client.c, cli_call.c) ------------------------------ */

/* Sends one request line to the agent at `path` and reads one response line into a new
 * string. Returns 0, or -1 with a sentence in `why`. */
int client_exchange(const char *path, const char *request, char **response, char *why,
		    size_t why_size);

/* Why a call failed: the agent's refusal, or the CLI's own trouble (AgentUnreachable, or
 * InternalError for an answer that is not one). */
struct cli_refusal {
	char code[64];
	char message[1024];
	bool from_agent;
};

/* Calls `action` with `args` (not consumed), saying nothing. Returns CLI_EXIT_OK and the
 * Result (the caller puts it), or CLI_EXIT_FAILED and why in *refusal. */
int cli_ask(const struct cli *cli, const char *action, json_object *args, json_object **result,
	    struct cli_refusal *refusal);

/* cli_ask, having printed why on stderr (and under -j on stdout) when it fails. */
int cli_call(const struct cli *cli, const char *action, json_object *args, json_object **result);

/* "Code: message" on stderr and, under -j, {"Error": {"Code", "Message"}} on stdout. */
void cli_print_error(const struct cli *cli, const char *code, const char *message);

typedef void (*print_fn)(const struct request *req, json_object *result);
struct wait_for;

/* The one path of every verb: call `action` with req->args, then print the Result as
 * JSON (--json) or through `print`, and report each Unsuccessful item of a batch. */
int cli_run(const struct cli *cli, const struct request *req, const char *action, print_fn print);
/* cli_run, then, once it is done, the --wait of the verb (struct wait_for, wait.c). */
int cli_run_and_wait(const struct cli *cli, const struct request *req, const char *action,
		     print_fn print, const struct wait_for *wait);

/* The value as JSON on stdout: one line, or indented with -p. */
void cli_print_json(const struct cli *cli, json_object *value);

/* Whether a batch result lists `id` as Unsuccessful. */
bool cli_failed(json_object *result, const char *id);

/* ---- Waiting for a state (wait.c) --------------------------------------------- */

#define WAIT_DEFAULT_TIMEOUT_S 600 /* AWS's waiters: 40 attempts 15 s apart */

/* A state --wait takes, as the waiter of its resource judges it. */
struct wait_goal {
	const char *name;  /* as --wait takes it: "available", "in-service" */
	const char *state; /* the state that reaches it, or NULL: only being gone does */
	bool gone_reaches; /* a resource no longer there has reached it (deleted) */
	const char *never; /* "rejected|failed|...": the states it can never come from */
};

/* How to see the state of a kind of resource: the Describe action that lists them. */
struct waiter {
	const char *what;	/* "endpoint" */
	const char *action;	/* "DescribeVpcEndpoints" */
	const char *list_key;	/* "VpcEndpoints" */
	const char *id_path;	/* "VpcEndpointId" */
	const char *port_path;	/* a target's "Target.Port" (IP or IP:PORT names it), or NULL */
	const char *state_path; /* "State" */
	const char *gone_code;	/* the refusal that says they are all gone, or NULL */
	const struct wait_goal *goals; /* ended by an entry without name */
};

/* --wait STATES and --timeout S, for a verb whose waiter knows each of STATES ("a|b"). */
#define WAIT_OPTIONS(states)                                                                       \
	{ .name = "wait",                                                                          \
	  .key = "Wait",                                                                           \
	  .kind = OPT_CHOICE,                                                                      \
	  .flags = OPT_LOCAL,                                                                      \
	  .metavar = states,                                                                       \
	  .choices = states,                                                                       \
	  .help = "then wait until it is in that state (exit 3 on timeout, 4 if it can never "     \
		  "be)" },                                                                         \
	{                                                                                          \
		.name = "timeout", .key = "WaitTimeout", .kind = OPT_NUMBER, .flags = OPT_LOCAL,   \
		.metavar = "S",                                                                    \
		.help = "give up waiting after S seconds (default 600, as AWS's waiters: 40 "      \
			"polls 15 s apart)"                                                        \
	}

/* What a verb waits for: its waiter, and from its request (and its change's result, NULL
 * for a read) the Describe arguments and the ids (none: every item of the list). */
struct wait_for {
	const struct waiter *waiter;
	void (*subjects)(const struct request *req, json_object *result, json_object *describe_args,
			 json_object *ids);
};

/* With --wait: asks the waiter again and again until the state is reached. CLI_EXIT_OK at
 * once without --wait; CLI_EXIT_WAIT_TIMEOUT, CLI_EXIT_WAIT_FAILED or CLI_EXIT_FAILED having
 * said why. */
int cli_wait(const struct cli *cli, const struct request *req, const struct wait_for *wait,
	     json_object *result);

/* ---- Building arguments ------------------------------------------------------- */

void args_set_string(json_object *args, const char *key, const char *value);
/* `key`: an array of `count` words. */
void args_set_words(json_object *args, const char *key, char **words, int count);
/* A service id from an id or a service name (com.amazonaws.vpce.REGION.vpce-svc-...). */
const char *service_id_of(const char *service);

/* ---- Reading results (cli_json.c) ---------------------------------------------- */

/* The value at a dotted path ("State.Code"), or NULL. */
json_object *jget(json_object *obj, const char *path);
/* Its text ("-" when absent or null); numbers and booleans as JSON writes them. */
const char *jstr(json_object *obj, const char *path);
int64_t jint(json_object *obj, const char *path);
bool jbool(json_object *obj, const char *path);
/* The array at `path`, and its length (0 when absent). */
size_t jlen(json_object *obj, const char *path);
json_object *jitem(json_object *obj, const char *path, size_t index);
const char *on_off(bool value);
/* The name inside a load balancer or target group ARN (".../net/web/0123..." -> "web"). */
void arn_resource_name(const char *arn, char *out, size_t size);

/* ---- Human output (cli_table.c) ------------------------------------------------ */

struct table;

/* A table of these columns; a heading starting with '>' is right-aligned (numbers). */
#define TABLE(...) table_new((const char *const[]){ __VA_ARGS__, NULL })
struct table *table_new(const char *const *headings); /* NULL-terminated */
void table_row(struct table *t);
/* A new cell of the current row. */
void table_cell(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* More text at the end of the current row's last cell. */
void table_append(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints (empty cells as "-") and frees. */
void table_print(struct table *t, FILE *out);

/* "Label:      value" lines of a show command; an empty label continues the previous one. */
void field(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
