/* SPDX-License-Identifier: MIT */
/* Usage text in one grammar for every noun and verb, generated from the same option
 * tables the parser reads, so that what help says and what the parser takes never differ. */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

#define WRAP_COLUMN  80
#define OPTION_WIDTH 30 /* longer options put their help on the next line */

const char *opt_metavar(const struct opt_spec *o)
{
	return o->kind == OPT_SWITCH && !o->metavar ? "on|off" : o->metavar;
}

/* "--name META", or "--name" for a flag, or "--name [META]" for an optional value. */
static int format_option(char *out, size_t size, const struct opt_spec *o)
{
	if (o->kind == OPT_FLAG)
		return snprintf(out, size, "--%s", o->name);
	if (o->flags & OPT_OPTIONAL_VALUE)
		return snprintf(out, size, "--%s [%s]", o->name, opt_metavar(o));
	return snprintf(out, size, "--%s %s", o->name, opt_metavar(o));
}

struct wrapper {
	FILE *out;
	int column;
	int indent;
};

static void put_token(struct wrapper *w, const char *token)
{
	int len = (int)strlen(token);

	if (w->column + 1 + len > WRAP_COLUMN && w->column > w->indent) {
		fprintf(w->out, "\n%*s", w->indent, "");
		w->column = w->indent;
	} else if (w->column != w->indent) {
		fputc(' ', w->out);
		w->column++;
	}
	fputs(token, w->out);
	w->column += len;
}

void cli_print_verb_synopsis(FILE *out, const struct noun *noun, const struct verb *verb,
			     const char *lead)
{
	struct wrapper w = { out, 0, 0 };
	char token[128], option[96];

	w.column = fprintf(out, "%sxdplink %s %s", lead, noun->name, verb->name);
	w.indent = w.column + 1;
	for (const char *word = verb->words; word && *word;) {
		size_t len = strcspn(word, " ");

		snprintf(token, sizeof(token), "%.*s", (int)len, word);
		put_token(&w, token);
		word += len + (word[len] == ' ');
	}
	for (const struct opt_spec *o = verb->options; o && o->name; o++) {
		format_option(option, sizeof(option), o);
		if ((o->flags & (OPT_REQUIRED | OPT_REPEAT)) == (OPT_REQUIRED | OPT_REPEAT)) {
			put_token(&w, option);
			snprintf(token, sizeof(token), "[%s...]", option);
		} else if (o->flags & OPT_REQUIRED) {
			snprintf(token, sizeof(token), "%s", option);
		} else {
			snprintf(token, sizeof(token), "[%s%s]", option,
				 o->flags & OPT_REPEAT ? "..." : "");
		}
		put_token(&w, token);
	}
	fputc('\n', out);
}

void cli_print_noun_usage(FILE *out, const struct noun *noun)
{
	const char *lead = "Usage: ";

	for (const struct verb *v = noun->verbs; v->name; v++, lead = "       ")
		cli_print_verb_synopsis(out, noun, v, lead);
	fprintf(out, "%sxdplink %s help\n", lead, noun->name);
}

void cli_print_noun_help(FILE *out, const struct noun *noun)
{
	cli_print_noun_usage(out, noun);
	fputc('\n', out);
	for (const struct verb *v = noun->verbs; v->name; v++)
		fprintf(out, "  %-12s %s\n", v->name, v->summary);
	fprintf(out,
		"\n'xdplink %s' alone runs 'xdplink %s %s'. Options of a verb: "
		"xdplink %s VERB --help.\n",
		noun->name, noun->name, noun->default_verb, noun->name);
	if (noun->alias)
		fprintf(out, "'%s' is another name for '%s'.\n", noun->alias, noun->name);
}

void cli_print_verb_help(FILE *out, const struct noun *noun, const struct verb *verb)
{
	char option[96];

	cli_print_verb_synopsis(out, noun, verb, "Usage: ");
	fprintf(out, "\n%s\n", verb->summary);
	if (verb->options && verb->options->name)
		fputs("\nOptions:\n", out);
	for (const struct opt_spec *o = verb->options; o && o->name; o++) {
		int width = format_option(option, sizeof(option), o);

		/* at least two spaces before the help: completion splits there */
		if (width > OPTION_WIDTH)
			fprintf(out, "  %s\n%*s", option, OPTION_WIDTH + 4, "");
		else
			fprintf(out, "  %-*s  ", OPTION_WIDTH, option);
		fprintf(out, "%s\n", o->help);
	}
	fputs("\nGlobal options (-j/--json, -p/--pretty, --principal ARN, --socket PATH): xdplink "
	      "help.\n",
	      out);
}

int cli_usage_error(const struct noun *noun, const struct verb *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdplink: %s %s: ", noun->name, verb->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_print_verb_synopsis(stderr, noun, verb, "Usage: ");
	return CLI_EXIT_USAGE;
}
