/* SPDX-License-Identifier: MIT */
/* xdplink(8), the manual page, in roff, from the tables that `xdplink help` prints: the
 * nouns, their verbs, each verb's options with their help, and the global options.
 * `make man` runs `xdplink help --man`; what the page says is what the parser takes. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "envelope.h"
#include "version.h"

/* Text as roff reads it: backslashes and hyphens escaped, no line starting with a dot. */
static void roff(FILE *out, const char *text)
{
	if (text[0] == '.' || text[0] == '\'')
		fputs("\\&", out);
	for (const char *c = text; *c; c++) {
		if (*c == '\\')
			fputs("\\e", out);
		else if (*c == '-')
			fputs("\\-", out);
		else
			fputc(*c, out);
		if (*c == '\n' && (c[1] == '.' || c[1] == '\''))
			fputs("\\&", out);
	}
}

static void put_verb(FILE *out, const struct noun *noun, const struct verb *verb)
{
	char *synopsis = NULL, names[512];
	size_t size = 0;
	FILE *text = open_memstream(&synopsis, &size);

	if (!text)
		return;
	cli_print_verb_synopsis(text, noun, verb, "");
	fclose(text);
	synopsis[strcspn(synopsis, "\n")] = '\0';
	fputs(".TP\n.B ", out);
	/* the synopsis on one line: roff fills it */
	for (char *c = synopsis; *c; c++)
		if (*c == '\n')
			*c = ' ';
	roff(out, synopsis);
	fputc('\n', out);
	roff(out, verb->summary);
	fputc('\n', out);
	free(synopsis);
	for (const struct opt_spec *o = verb->options; o && o->name; o++) {
		fputs(".RS\n.TP\n.B \\-\\-", out);
		roff(out, o->name);
		if (o->kind != OPT_FLAG) {
			fputs(o->flags & OPT_OPTIONAL_VALUE ? " [\\fI" : " \\fI", out);
			roff(out, opt_metavar(o));
			fputs(o->flags & OPT_OPTIONAL_VALUE ? "\\fR]" : "\\fR", out);
		}
		fputc('\n', out);
		roff(out, o->help);
		opt_filter_names(o, names, sizeof(names));
		if (names[0]) {
			fputs(". ", out);
			roff(out, names);
		}
		fputs("\n.RE\n", out);
	}
}

void cli_print_man(FILE *out, const struct noun *const *nouns, size_t count,
		   const struct global_option *globals)
{
	fprintf(out, ".TH XDPLINK 8 \"\" \"xdplink %s\" \"xdplink\"\n", XDPLINK_VERSION);
	fputs(".ad l\n.nh\n", out); /* synopses are long: no stretched spaces, no hyphens */
	fputs(
	    ".SH NAME\nxdplink \\- the command line of xdplinkd, AWS PrivateLink on a Linux host\n"
	    ".SH SYNOPSIS\n.B xdplink\n[\\fIOPTIONS\\fR] \\fINOUN\\fR [\\fIVERB\\fR] "
	    "[\\fIARGS\\fR]\n.br\n.B xdplink help\n[\\fINOUN\\fR [\\fIVERB\\fR]]\n"
	    ".SH DESCRIPTION\n"
	    "xdplink talks to the agent, xdplinkd(8), over its Unix socket (root only), one\n"
	    "request per command, and prints the answer as a table, or as JSON with \\-j.\n"
	    "Nouns and verbs match by unique prefix (\\fBxdplink ep sh\\fR is \\fBxdplink "
	    "endpoint show\\fR);\na noun alone runs its default verb. The caller acts as the "
	    "principal given by \\-\\-principal,\n\\fB$XDPLINK_PRINCIPAL\\fR, or the agent's own "
	    "account.\n.SH OPTIONS\nGlobal options go before the noun or after the verb.\n",
	    out);
	for (const struct global_option *g = globals; g->synopsis; g++) {
		fputs(".TP\n.B ", out);
		roff(out, g->synopsis);
		fputc('\n', out);
		roff(out, g->help);
		fputc('\n', out);
	}
	for (size_t i = 0; i < count; i++) {
		const struct noun *noun = nouns[i];

		fputs(".SH ", out);
		for (const char *c = noun->name; *c; c++)
			fputc(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c, out);
		fputc('\n', out);
		roff(out, noun->summary);
		fprintf(out, ".\nWithout a verb: \\fB%s\\fR.", noun->default_verb);
		if (noun->alias)
			fprintf(out, " Also called \\fB%s\\fR.", noun->alias);
		fputc('\n', out);
		for (const struct verb *v = noun->verbs; v->name; v++)
			put_verb(out, noun, v);
	}
	fputs(".SH ENVIRONMENT\n.TP\n.B XDPLINK_PRINCIPAL\nthe caller's principal ARN "
	      "(\\-\\-principal wins)\n.TP\n.B XDPLINK_SOCKET\nthe agent's socket (\\-\\-socket "
	      "wins; default " XL_DEFAULT_SOCKET ")\n"
	      ".SH EXIT STATUS\n0 done; 1 refused by the agent (\\fICode\\fR: \\fImessage\\fR on "
	      "stderr), a batch item\nrefused (\\fIID\\fR: \\fICode\\fR: \\fImessage\\fR), or no "
	      "agent; 2 bad usage; with \\-\\-wait, 3 when its timeout passed first\n"
	      "(\\fBWaiterTimeout\\fR) and 4 when the resource reached a state from which the "
	      "one waited\nfor can never come (\\fBWaiterFailed\\fR).\n"
	      ".SH SEE ALSO\nxdplinkd(8), systemctl(1), journalctl(1)\n",
	      out);
}
