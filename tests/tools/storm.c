/* SPDX-License-Identifier: MIT */
/* xl-storm: TCP connection-storm client for the end-to-end tests. It opens an exact number of
 * connections (or churns them) with epoll and reports the outcome as text or JSON. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NSEC_PER_SEC	   1000000000ULL
#define NSEC_PER_MSEC	   1000000ULL
#define MAX_SECONDS	   1e6
#define EVENT_BATCH	   1024
#define HEAD_MAX	   4096
#define PATH_MAX_LEN	   1024
#define REQUEST_MAX	   (PATH_MAX_LEN + 64)
#define RECV_CHUNK	   16384
#define KEY_MAX		   64
#define TALLY_KEYS_MAX	   256
#define TALLY_OVERFLOW_KEY "(other)"
#define FD_SPARE	   1000
#define PORTS_PER_SOURCE   65536
#define ERR_EOF		   (-1) /* pseudo errno: the peer closed before the response was complete */

static const char usage_text[] =
    "usage:\n"
    "  xl-storm open  -t IP:PORT -n N [options]       open N connections, report, hold, close\n"
    "  xl-storm churn -t IP:PORT -n N [options]       open and close N connections, -c at a time\n"
    "options:\n"
    "  -s, --source IP[,IP...]   bind sources round-robin (to exceed ~64k per destination);\n"
    "                            default: kernel's choice\n"
    "  -c, --concurrency K       connects in flight at once (default 1000)\n"
    "  -w, --timeout MS          connect timeout per connection (default 3000);\n"
    "                            with -r, also the timeout for each request\n"
    "  -r, --request PATH        after connecting, send\n"
    "                            \"GET PATH HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n\" and read the "
    "response;\n"
    "                            tally the response BODY's first line (e.g. the target's name)\n"
    "  -k, --keepalive-requests M  (open mode, with -r) send M requests one after another on\n"
    "                            each connection (HTTP/1.1 keep-alive) and tally each body\n"
    "  --hold SECONDS            open mode: after all connections are settled, keep the\n"
    "                            established ones open this long (default 0)\n"
    "  --hold-until-stdin-closes open mode: hold until stdin reaches EOF, so a test can inspect\n"
    "                            counters while connections are held, then close stdin\n"
    "  --close fin|rst           how to close established connections at the end (default fin;\n"
    "                            rst = SO_LINGER {1,0})\n"
    "  --mix FIN,RST,ABANDON     churn mode: percentages of connections closed by FIN, by RST,\n"
    "                            or abandoned (left open and silent until the end of the run,\n"
    "                            then closed with RST) (default 100,0,0)\n"
    "  --json                    print the final report as one JSON object instead of text\n"
    "In open mode the report is printed as soon as every attempt is settled, before the hold.\n"
    "The report's reset_syn_retransmits counts the SYNs that connections refused with a RST\n"
    "had sent again before the RST arrived (their SYN, or a RST before it, was lost);\n"
    "syn_retransmits those that established connections had sent again.\n"
    "Churn mode bounds its work by count, not time, so that a run's outcome never depends on\n"
    "the machine's speed; the abandoned connections keep their local ports until the end.\n"
    "Exit status: 0 after a completed run (whatever the counts), 2 on bad usage or setup error.\n";

enum mode {
	MODE_OPEN,
	MODE_CHURN,
};

enum close_how {
	CLOSE_FIN,
	CLOSE_RST,
	CLOSE_ABANDON,
	CLOSE_KINDS,
};

struct options {
	enum mode mode;
	struct sockaddr_storage target;
	struct sockaddr_storage *sources;
	size_t n_sources;
	unsigned long count;
	unsigned long concurrency;
	unsigned long timeout_ms;
	const char *path;
	unsigned long requests;
	double hold;
	bool hold_until_eof;
	enum close_how close_how;
	unsigned int mix[CLOSE_KINDS];
	bool json;
};

/* Which mode-specific options appeared, to reject the ones that do not apply. */
struct seen_options {
	bool target, count, keepalive, hold, close, mix;
};

struct tally_entry {
	char key[KEY_MAX];
	unsigned long count;
};

struct tally {
	size_t n;
	struct tally_entry entries[TALLY_KEYS_MAX];
};

struct stats {
	unsigned long attempted, established, reset, timeout, error;
	unsigned long reset_syn_retransmits, syn_retransmits;
	unsigned long closed[CLOSE_KINDS];
	struct tally bodies, errors;
	double seconds;
};

enum conn_state {
	CONN_FREE,
	CONN_CONNECTING,
	CONN_SENDING,
	CONN_READING,
	CONN_HELD,
};

struct response {
	char head[HEAD_MAX];
	size_t head_len;
	bool in_body;
	size_t body_left;
	char first_line[KEY_MAX];
	size_t line_len;
	bool line_done;
};

struct conn {
	int fd;
	enum conn_state state;
	unsigned long requests_left;
	size_t sent;
	uint64_t deadline_ns;	  /* 0 when not in the timeout queue */
	struct conn *prev, *next; /* timeout queue; the free list uses next only */
	struct response *resp;
};

struct storm {
	const struct options *opt;
	int epfd;
	struct conn *conns;
	size_t n_conns;
	struct conn *free_list;
	/* Every deadline is now + the same timeout, so appending keeps the queue sorted. */
	struct conn *oldest, *newest;
	size_t inflight;
	size_t next_source;
	long mix_credit[CLOSE_KINDS];
	int *abandoned;
	size_t n_abandoned, cap_abandoned;
	char request[REQUEST_MAX];
	size_t request_len;
	uint64_t start_ns;
	struct stats stats;
};

enum parse_result {
	PARSE_BAD,
	PARSE_MORE,
	PARSE_DONE,
};

struct report {
	bool json;
	bool first;
};

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("xl-storm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size); /* calloc(0) may answer NULL */

	if (!p)
		die("out of memory");
	return p;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* ---- command line ------------------------------------------------------------------------- */

static unsigned long parse_number(const char *name, const char *text, unsigned long min,
				  unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || errno || *end || v < min || v > max)
		die("%s expects a whole number from %lu to %lu, not '%s'", name, min, max, text);
	return v;
}

static double parse_seconds(const char *name, const char *text)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || *end || !(v >= 0 && v <= MAX_SECONDS))
		die("%s expects a number of seconds, not '%s'", name, text);
	return v;
}

static bool parse_ip(const char *text, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	*ss = (struct sockaddr_storage){ 0 };
	if (inet_pton(AF_INET, text, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return true;
	}
	if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return true;
	}
	return false;
}

static socklen_t addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static void parse_target(const char *text, struct sockaddr_storage *target)
{
	const char *colon = strrchr(text, ':');
	const char *host = text;
	size_t host_len = colon ? (size_t)(colon - text) : 0;
	bool bracketed = host_len >= 2 && text[0] == '[' && text[host_len - 1] == ']';
	char buf[INET6_ADDRSTRLEN];

	if (bracketed) {
		host++;
		host_len -= 2;
	}
	if (!host_len || host_len >= sizeof(buf) || (!bracketed && memchr(host, ':', host_len)))
		die("-t expects IP:PORT or [IPv6]:PORT, not '%s'", text);
	memcpy(buf, host, host_len);
	buf[host_len] = '\0';
	if (!parse_ip(buf, (uint16_t)parse_number("-t port", colon + 1, 1, 65535), target))
		die("-t: '%s' is not an IP address", buf);
}

static void parse_sources(const char *text, struct options *o)
{
	char *copy = strdup(text);
	size_t n = 1;

	if (!copy)
		die("out of memory");
	for (const char *p = text; *p; p++)
		n += *p == ',';
	free(o->sources);
	o->sources = xcalloc(n, sizeof(*o->sources));
	o->n_sources = 0;
	for (char *rest = copy, *ip; (ip = strsep(&rest, ","));) {
		if (!parse_ip(ip, 0, &o->sources[o->n_sources++]))
			die("-s: '%s' is not an IP address", ip);
	}
	free(copy);
}

static bool parse_mix(const char *text, unsigned int mix[CLOSE_KINDS])
{
	const char *p = text;
	unsigned int sum = 0;

	for (int k = 0; k < CLOSE_KINDS; k++) {
		char *end;
		unsigned long v;

		if (*p < '0' || *p > '9')
			return false;
		v = strtoul(p, &end, 10);
		if (v > 100 || *end != (k == CLOSE_KINDS - 1 ? '\0' : ','))
			return false;
		mix[k] = (unsigned int)v;
		sum += mix[k];
		p = end + 1;
	}
	return sum == 100;
}

static bool path_is_sane(const char *path)
{
	if (path[0] != '/' || strlen(path) > PATH_MAX_LEN)
		return false;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p <= ' ' || *p == 0x7f)
			return false;
	}
	return true;
}

static void set_defaults(struct options *o)
{
	*o = (struct options){
		.concurrency = 1000,
		.timeout_ms = 3000,
		.requests = 1,
		.close_how = CLOSE_FIN,
		.mix = { [CLOSE_FIN] = 100 },
	};
}

static void check_combination(const struct options *o, const struct seen_options *seen)
{
	if (!seen->target)
		die("-t IP:PORT is required");
	if (!seen->count)
		die("-n N is required");
	if (o->mode == MODE_OPEN && seen->mix)
		die("--mix is for churn mode");
	if (o->mode == MODE_CHURN && (seen->keepalive || seen->hold || seen->close))
		die("-k, --hold, --hold-until-stdin-closes and --close are for open mode");
	if (seen->keepalive && !o->path)
		die("-k needs -r PATH");
	if (o->hold > 0 && o->hold_until_eof)
		die("--hold and --hold-until-stdin-closes exclude each other");
	for (size_t i = 0; i < o->n_sources; i++) {
		if (o->sources[i].ss_family != o->target.ss_family)
			die("-s addresses must be of the same IP version as the target");
	}
}

enum long_only_option {
	OPT_HOLD = 256,
	OPT_HOLD_EOF,
	OPT_CLOSE,
	OPT_MIX,
	OPT_JSON,
};

static const struct option long_options[] = {
	{ "source", required_argument, NULL, 's' },
	{ "concurrency", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 'w' },
	{ "request", required_argument, NULL, 'r' },
	{ "keepalive-requests", required_argument, NULL, 'k' },
	{ "hold", required_argument, NULL, OPT_HOLD },
	{ "hold-until-stdin-closes", no_argument, NULL, OPT_HOLD_EOF },
	{ "close", required_argument, NULL, OPT_CLOSE },
	{ "mix", required_argument, NULL, OPT_MIX },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void apply_option(int c, const char *arg, struct options *o, struct seen_options *seen)
{
	switch (c) {
	case 't':
		parse_target(arg, &o->target);
		seen->target = true;
		break;
	case 'n':
		o->count = parse_number("-n", arg, 1, 10000000);
		seen->count = true;
		break;
	case 's':
		parse_sources(arg, o);
		break;
	case 'c':
		o->concurrency = parse_number("-c", arg, 1, 1000000);
		break;
	case 'w':
		o->timeout_ms = parse_number("-w", arg, 1, 3600000);
		break;
	case 'r':
		if (!path_is_sane(arg))
			die("-r expects a path like /x, without spaces, of at most %d bytes",
			    PATH_MAX_LEN);
		o->path = arg;
		break;
	case 'k':
		o->requests = parse_number("-k", arg, 1, 1000000);
		seen->keepalive = true;
		break;
	case OPT_HOLD:
		o->hold = parse_seconds("--hold", arg);
		seen->hold = true;
		break;
	case OPT_HOLD_EOF:
		o->hold_until_eof = true;
		seen->hold = true;
		break;
	case OPT_CLOSE:
		if (strcmp(arg, "fin") && strcmp(arg, "rst"))
			die("--close expects fin or rst, not '%s'", arg);
		o->close_how = strcmp(arg, "fin") ? CLOSE_RST : CLOSE_FIN;
		seen->close = true;
		break;
	case OPT_MIX:
		if (!parse_mix(arg, o->mix))
			die("--mix expects FIN,RST,ABANDON percentages adding up to 100, not '%s'",
			    arg);
		seen->mix = true;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	}
}

static void parse_options(int argc, char **argv, struct options *o)
{
	struct seen_options seen = { 0 };
	int c;

	set_defaults(o);
	if (argc < 2)
		die("expected a mode, open or churn (see xl-storm --help)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		exit(0);
	}
	if (strcmp(argv[1], "open") && strcmp(argv[1], "churn"))
		die("unknown mode '%s': expected open or churn (see xl-storm --help)", argv[1]);
	o->mode = strcmp(argv[1], "open") ? MODE_CHURN : MODE_OPEN;
	argc--;
	argv++;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:n:s:c:w:r:k:h", long_options, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (c == ':')
			die("option %s needs a value", argv[optind - 1]);
		if (c == '?')
			die("unknown option '%s' (see xl-storm --help)", argv[optind - 1]);
		apply_option(c, optarg, o, &seen);
	}
	if (optind < argc)
		die("unexpected argument '%s'", argv[optind]);
	check_combination(o, &seen);
}

static rlim_t fds_needed(const struct options *o)
{
	return (o->mode == MODE_OPEN ? o->count : o->concurrency) + FD_SPARE;
}

/* Churn mode also keeps the abandoned connections, each pinning a local port, so a source can
 * abandon at most ~64k of them towards the one target. */
static rlim_t fds_wanted(const struct options *o)
{
	rlim_t sources = o->n_sources ? o->n_sources : 1;

	return fds_needed(o) + (o->mode == MODE_CHURN ? PORTS_PER_SOURCE * sources : 0);
}

static void raise_fd_limit(const struct options *o)
{
	rlim_t need = fds_needed(o), want = fds_wanted(o);
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("cannot read the open-file limit: %s", strerror(errno));
	if (rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want;
	if (rl.rlim_max < want)
		rl.rlim_max = want;
	if (!setrlimit(RLIMIT_NOFILE, &rl))
		return;
	/* Without CAP_SYS_RESOURCE the hard limit stays; it is enough if it covers the need. */
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	if (rl.rlim_max < need || setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("cannot raise the open-file limit (RLIMIT_NOFILE) to %llu (hard limit %llu): "
		    "raising the hard limit needs CAP_SYS_RESOURCE and fs.nr_open >= %llu",
		    (unsigned long long)need, (unsigned long long)rl.rlim_max,
		    (unsigned long long)need);
}

/* ---- tallies and outcomes ----------------------------------------------------------------- */

static struct tally_entry *tally_find(struct tally *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++) {
		if (!strcmp(t->entries[i].key, key))
			return &t->entries[i];
	}
	return NULL;
}

/* Distinct keys are few (one per target name or errno); the last slot collects any excess. */
static void tally_add(struct tally *t, const char *key)
{
	struct tally_entry *e = tally_find(t, key);

	if (!e && t->n == TALLY_KEYS_MAX - 1) {
		key = TALLY_OVERFLOW_KEY;
		e = tally_find(t, key);
	}
	if (!e) {
		e = &t->entries[t->n++];
		snprintf(e->key, sizeof(e->key), "%s", key);
		e->count = 0;
	}
	e->count++;
}

static const char *error_name(int err)
{
	const char *name = err == ERR_EOF ? "EOF" : strerrorname_np(err);

	return name ? name : "EUNKNOWN";
}

static void count_failure(struct stats *st, int err)
{
	if (err == ECONNREFUSED || err == ECONNRESET || err == EPIPE) {
		st->reset++;
	} else if (err == ETIMEDOUT) {
		st->timeout++;
	} else {
		st->error++;
		tally_add(&st->errors, error_name(err));
	}
}

/* ---- HTTP response parsing ---------------------------------------------------------------- */

static void response_reset(struct response *r)
{
	r->head_len = 0;
	r->in_body = false;
	r->body_left = 0;
	r->line_len = 0;
	r->line_done = false;
}

static bool parse_content_length(const char *text, size_t *out)
{
	char *end;
	unsigned long long v;

	text += strspn(text, " \t");
	if (*text < '0' || *text > '9')
		return false;
	errno = 0;
	v = strtoull(text, &end, 10);
	end += strspn(end, " \t");
	if (errno || *end != '\r' || v > SIZE_MAX)
		return false;
	*out = (size_t)v;
	return true;
}

/* Checks the status line and finds Content-Length in the NUL-terminated header block. */
static bool parse_head(struct response *r)
{
	if (strncmp(r->head, "HTTP/1.", 7) != 0)
		return false;
	for (const char *line = strstr(r->head, "\r\n"); line; line = strstr(line, "\r\n")) {
		line += 2;
		if (!strncasecmp(line, "Content-Length:", 15))
			return parse_content_length(line + 15, &r->body_left);
	}
	return false;
}

/* Buffers header bytes; PARSE_DONE means the header block is complete and *data, *len then
 * hold the body bytes that came with it. */
static enum parse_result feed_head(struct response *r, const char **data, size_t *len)
{
	size_t old_len = r->head_len;
	size_t room = sizeof(r->head) - 1 - old_len;
	size_t take = *len < room ? *len : room;
	size_t from = old_len < 3 ? 0 : old_len - 3; /* the blank line may straddle two reads */
	const char *blank;

	memcpy(r->head + old_len, *data, take);
	r->head_len += take;
	blank = memmem(r->head + from, r->head_len - from, "\r\n\r\n", 4);
	if (!blank)
		return r->head_len == sizeof(r->head) - 1 ? PARSE_BAD : PARSE_MORE;
	r->head_len = (size_t)(blank + 4 - r->head);
	r->head[r->head_len] = '\0';
	*data += r->head_len - old_len;
	*len -= r->head_len - old_len;
	r->in_body = true;
	return parse_head(r) ? PARSE_DONE : PARSE_BAD;
}

static void keep_first_line(struct response *r, const char *data, size_t len)
{
	for (size_t i = 0; i < len && !r->line_done; i++) {
		if (data[i] == '\n')
			r->line_done = true;
		else if (r->line_len < sizeof(r->first_line) - 1)
			r->first_line[r->line_len++] = data[i];
	}
}

static enum parse_result feed_body(struct response *r, const char *data, size_t len)
{
	if (len > r->body_left)
		return PARSE_BAD; /* requests are never pipelined, so nothing may follow the body */
	r->body_left -= len;
	keep_first_line(r, data, len);
	return r->body_left ? PARSE_MORE : PARSE_DONE;
}

static enum parse_result parse_response(struct response *r, const char *data, size_t len)
{
	if (!r->in_body) {
		enum parse_result head = feed_head(r, &data, &len);

		if (head != PARSE_DONE)
			return head;
	}
	return feed_body(r, data, len);
}

static const char *body_first_line(struct response *r)
{
	if (r->line_len && r->first_line[r->line_len - 1] == '\r')
		r->line_len--;
	r->first_line[r->line_len] = '\0';
	return r->first_line;
}

/* ---- connection slots and the timeout queue ----------------------------------------------- */

static void timer_stop(struct storm *s, struct conn *c)
{
	if (!c->deadline_ns)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->oldest = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		s->newest = c->prev;
	c->prev = c->next = NULL;
	c->deadline_ns = 0;
}

static void timer_start(struct storm *s, struct conn *c)
{
	timer_stop(s, c);
	c->deadline_ns = now_ns() + s->opt->timeout_ms * NSEC_PER_MSEC;
	c->prev = s->newest;
	c->next = NULL;
	if (s->newest)
		s->newest->next = c;
	else
		s->oldest = c;
	s->newest = c;
}

static struct conn *slot_take(struct storm *s)
{
	struct conn *c = s->free_list;

	s->free_list = c->next;
	c->next = NULL;
	return c;
}

static void slot_release(struct storm *s, struct conn *c)
{
	free(c->resp);
	c->resp = NULL;
	c->fd = -1;
	c->state = CONN_FREE;
	c->next = s->free_list;
	s->free_list = c;
}

static void close_socket(int fd, enum close_how how)
{
	if (how == CLOSE_RST) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(fd);
}

static void keep_abandoned(struct storm *s, int fd)
{
	if (s->n_abandoned == s->cap_abandoned) {
		size_t cap = s->cap_abandoned ? 2 * s->cap_abandoned : 1024;
		int *grown = realloc(s->abandoned, cap * sizeof(*grown));

		if (!grown)
			die("out of memory");
		s->abandoned = grown;
		s->cap_abandoned = cap;
	}
	s->abandoned[s->n_abandoned++] = fd;
}

/* Smooth weighted round-robin: after n connections each kind is within one of mix% of n. */
static enum close_how next_close_how(struct storm *s)
{
	enum close_how best = CLOSE_FIN;

	for (int k = 0; k < CLOSE_KINDS; k++) {
		s->mix_credit[k] += s->opt->mix[k];
		if (s->mix_credit[k] > s->mix_credit[best])
			best = (enum close_how)k;
	}
	s->mix_credit[best] -= 100;
	return best;
}

static void close_by_mix(struct storm *s, int fd)
{
	enum close_how how = next_close_how(s);

	s->stats.closed[how]++;
	if (how == CLOSE_ABANDON)
		keep_abandoned(s, fd);
	else
		close_socket(fd, how);
}

/* The SYNs a connection sent again while connecting: all its retransmissions so far. */
static unsigned long syn_retransmits(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
		return 0;
	return info.tcpi_total_retrans;
}

static void fail_conn(struct storm *s, struct conn *c, int err)
{
	count_failure(&s->stats, err);
	if (c->state == CONN_CONNECTING && err == ECONNREFUSED && c->fd >= 0)
		s->stats.reset_syn_retransmits += syn_retransmits(c->fd);
	if (c->fd >= 0)
		close(c->fd);
	timer_stop(s, c);
	s->inflight--;
	slot_release(s, c);
}

static void succeed_conn(struct storm *s, struct conn *c)
{
	s->stats.established++;
	timer_stop(s, c);
	s->inflight--;
	if (s->opt->mode == MODE_OPEN) {
		c->state = CONN_HELD;
		free(c->resp);
		c->resp = NULL;
		return;
	}
	close_by_mix(s, c->fd);
	slot_release(s, c);
}

/* ---- the connection state machine --------------------------------------------------------- */

/* One-shot: a settled connection stays registered but silent, so held ones never wake us. */
static int watch(struct storm *s, struct conn *c, int op, uint32_t events)
{
	struct epoll_event ev = { .events = events | EPOLLONESHOT, .data.ptr = c };

	return epoll_ctl(s->epfd, op, c->fd, &ev);
}

static void rearm(struct storm *s, struct conn *c, uint32_t events)
{
	if (watch(s, c, EPOLL_CTL_MOD, events) < 0)
		fail_conn(s, c, errno);
}

static void send_request(struct storm *s, struct conn *c)
{
	ssize_t n = send(c->fd, s->request + c->sent, s->request_len - c->sent, MSG_NOSIGNAL);

	if (n < 0 && errno != EAGAIN) {
		fail_conn(s, c, errno);
		return;
	}
	if (n > 0)
		c->sent += (size_t)n;
	if (c->sent < s->request_len) {
		rearm(s, c, EPOLLOUT);
		return;
	}
	c->state = CONN_READING;
	rearm(s, c, EPOLLIN);
}

static void start_request(struct storm *s, struct conn *c)
{
	if (!c->resp)
		c->resp = xcalloc(1, sizeof(*c->resp));
	response_reset(c->resp);
	c->sent = 0;
	c->state = CONN_SENDING;
	timer_start(s, c);
	send_request(s, c);
}

static void finish_response(struct storm *s, struct conn *c)
{
	tally_add(&s->stats.bodies, body_first_line(c->resp));
	if (--c->requests_left > 0)
		start_request(s, c);
	else
		succeed_conn(s, c);
}

static void read_response(struct storm *s, struct conn *c)
{
	char buf[RECV_CHUNK];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

	if (n < 0 && errno == EAGAIN) {
		rearm(s, c, EPOLLIN);
		return;
	}
	if (n <= 0) {
		fail_conn(s, c, n == 0 ? ERR_EOF : errno);
		return;
	}
	switch (parse_response(c->resp, buf, (size_t)n)) {
	case PARSE_BAD:
		fail_conn(s, c, EPROTO);
		break;
	case PARSE_MORE:
		rearm(s, c, EPOLLIN);
		break;
	case PARSE_DONE:
		finish_response(s, c);
		break;
	}
}

static void finish_connect(struct storm *s, struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		fail_conn(s, c, err);
		return;
	}
	s->stats.syn_retransmits += syn_retransmits(c->fd);
	if (!s->opt->path) {
		succeed_conn(s, c);
		return;
	}
	c->requests_left = s->opt->requests;
	start_request(s, c);
}

static void on_event(struct storm *s, struct conn *c)
{
	switch (c->state) {
	case CONN_CONNECTING:
		finish_connect(s, c);
		break;
	case CONN_SENDING:
		send_request(s, c);
		break;
	case CONN_READING:
		read_response(s, c);
		break;
	case CONN_FREE:
	case CONN_HELD:
		break; /* not armed, so no event can arrive */
	}
}

static int bind_next_source(struct storm *s, int fd)
{
	const struct options *o = s->opt;
	const struct sockaddr_storage *src;
	int one = 1;

	if (!o->n_sources)
		return 0;
	src = &o->sources[s->next_source++ % o->n_sources];
	/* Defer the port choice to connect(), which then only needs the 4-tuple to be unique. */
	if (setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one)) < 0)
		return -1;
	return bind(fd, (const struct sockaddr *)src, addr_len(src));
}

static int start_connect(const struct storm *s, int fd)
{
	const struct sockaddr_storage *dst = &s->opt->target;

	if (connect(fd, (const struct sockaddr *)dst, addr_len(dst)) == 0 || errno == EINPROGRESS)
		return 0;
	return -1;
}

static void launch_one(struct storm *s)
{
	struct conn *c = slot_take(s);

	s->stats.attempted++;
	s->inflight++;
	c->state = CONN_CONNECTING;
	timer_start(s, c);
	c->fd = socket(s->opt->target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || bind_next_source(s, c->fd) < 0 || start_connect(s, c->fd) < 0 ||
	    watch(s, c, EPOLL_CTL_ADD, EPOLLOUT) < 0)
		fail_conn(s, c, errno);
}

/* ---- the event loop ----------------------------------------------------------------------- */

static bool may_launch(const struct storm *s)
{
	return s->stats.attempted < s->opt->count;
}

static void launch_up_to_concurrency(struct storm *s)
{
	/* Counting attempts, not successes, so that immediate failures cannot spin here. */
	for (size_t budget = s->opt->concurrency - s->inflight; budget > 0 && may_launch(s);
	     budget--)
		launch_one(s);
}

static int next_wait_ms(const struct storm *s)
{
	uint64_t now = now_ns();
	uint64_t until = s->oldest ? s->oldest->deadline_ns : UINT64_MAX;

	/* Free capacity right after launching means connects failed at once: retry soon. */
	if (s->inflight < s->opt->concurrency && may_launch(s) && now + NSEC_PER_MSEC < until)
		until = now + NSEC_PER_MSEC;
	if (until == UINT64_MAX)
		return -1;
	/* At most -w's limit of an hour away, so the milliseconds fit in an int. */
	return until <= now ? 0 : (int)((until - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);
}

static void expire_timeouts(struct storm *s)
{
	uint64_t now = now_ns();

	while (s->oldest && s->oldest->deadline_ns <= now)
		fail_conn(s, s->oldest, ETIMEDOUT);
}

static void run_storm(struct storm *s)
{
	struct epoll_event events[EVENT_BATCH];

	s->start_ns = now_ns();
	for (;;) {
		int n;

		launch_up_to_concurrency(s);
		if (!s->inflight && !may_launch(s))
			break;
		n = epoll_wait(s->epfd, events, EVENT_BATCH, next_wait_ms(s));
		if (n < 0 && errno != EINTR)
			die("epoll_wait failed: %s", strerror(errno));
		for (int i = 0; i < n; i++)
			on_event(s, events[i].data.ptr);
		/* A full batch may leave answered connections unread: take them before expiring. */
		if (n < EVENT_BATCH)
			expire_timeouts(s);
	}
	s->stats.seconds = (double)(now_ns() - s->start_ns) / (double)NSEC_PER_SEC;
}

static void storm_init(struct storm *s, const struct options *o)
{
	*s = (struct storm){
		.opt = o,
		.n_conns = o->mode == MODE_OPEN ? o->count : o->concurrency,
	};
	s->conns = xcalloc(s->n_conns, sizeof(*s->conns));
	for (size_t i = s->n_conns; i-- > 0;)
		slot_release(s, &s->conns[i]);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0)
		die("cannot create an epoll instance: %s", strerror(errno));
	if (o->path)
		s->request_len = (size_t)snprintf(s->request, sizeof(s->request),
						  "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", o->path);
}

static void storm_free(struct storm *s)
{
	close(s->epfd);
	free(s->conns);
	free(s->abandoned);
}

/* ---- holding and closing ------------------------------------------------------------------ */

static void wait_for_stdin_eof(void)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno != EINTR)
			return;
	}
}

static void sleep_seconds(double seconds)
{
	struct timespec ts = {
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - (double)(time_t)seconds) * (double)NSEC_PER_SEC),
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

static void hold_connections(const struct options *o)
{
	if (o->hold_until_eof)
		wait_for_stdin_eof();
	else
		sleep_seconds(o->hold);
}

static void close_held(const struct storm *s)
{
	for (size_t i = 0; i < s->n_conns; i++) {
		if (s->conns[i].state == CONN_HELD)
			close_socket(s->conns[i].fd, s->opt->close_how);
	}
}

static void close_abandoned(const struct storm *s)
{
	for (size_t i = 0; i < s->n_abandoned; i++)
		close_socket(s->abandoned[i], CLOSE_RST);
}

/* ---- the report --------------------------------------------------------------------------- */

static void json_string(const char *text)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void json_key(struct report *r, const char *key)
{
	if (!r->first)
		putchar(',');
	r->first = false;
	json_string(key);
	putchar(':');
}

static void report_word(struct report *r, const char *key, const char *value)
{
	if (r->json) {
		json_key(r, key);
		json_string(value);
	} else {
		printf("%s: %s\n", key, value);
	}
}

static void report_count(struct report *r, const char *key, unsigned long value)
{
	if (r->json) {
		json_key(r, key);
		printf("%lu", value);
	} else {
		printf("%s: %lu\n", key, value);
	}
}

static void report_real(struct report *r, const char *key, double value, int decimals)
{
	if (r->json) {
		json_key(r, key);
		printf("%.*f", decimals, value);
	} else {
		printf("%s: %.*f\n", key, decimals, value);
	}
}

/* JSON: "key":{"name":count,...}; text: one "prefix.name: count" line per entry. */
static void report_tally(struct report *r, const char *key, const char *prefix,
			 const struct tally *t)
{
	if (r->json) {
		json_key(r, key);
		putchar('{');
		for (size_t i = 0; i < t->n; i++) {
			if (i)
				putchar(',');
			json_string(t->entries[i].key);
			printf(":%lu", t->entries[i].count);
		}
		putchar('}');
		return;
	}
	for (size_t i = 0; i < t->n; i++)
		printf("%s.%s: %lu\n", prefix, t->entries[i].key, t->entries[i].count);
}

static void report_outcomes(struct report *r, const struct stats *st)
{
	report_count(r, "established", st->established);
	report_count(r, "reset", st->reset);
	report_count(r, "reset_syn_retransmits", st->reset_syn_retransmits);
	report_count(r, "syn_retransmits", st->syn_retransmits);
	report_count(r, "timeout", st->timeout);
	report_count(r, "error", st->error);
}

static void print_report(const struct storm *s)
{
	const struct stats *st = &s->stats;
	double rate = st->seconds > 0 ? (double)st->established / st->seconds : 0;
	struct report r = { .json = s->opt->json, .first = true };

	if (r.json)
		putchar('{');
	if (s->opt->mode == MODE_OPEN) {
		report_word(&r, "mode", "open");
		report_count(&r, "attempted", st->attempted);
		report_outcomes(&r, st);
		report_real(&r, "open_seconds", st->seconds, 3);
		report_real(&r, "conn_per_sec", rate, 1);
	} else {
		report_word(&r, "mode", "churn");
		report_real(&r, "seconds", st->seconds, 3);
		report_count(&r, "opened", st->attempted);
		report_outcomes(&r, st);
		report_count(&r, "closed_fin", st->closed[CLOSE_FIN]);
		report_count(&r, "closed_rst", st->closed[CLOSE_RST]);
		report_count(&r, "abandoned", st->closed[CLOSE_ABANDON]);
		report_real(&r, "rate", rate, 1);
	}
	report_tally(&r, "bodies", "body", &st->bodies);
	report_tally(&r, "errors", "error", &st->errors);
	if (r.json)
		puts("}");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct options opt;
	struct storm storm;

	parse_options(argc, argv, &opt);
	raise_fd_limit(&opt);
	storm_init(&storm, &opt);
	run_storm(&storm);
	if (opt.mode == MODE_CHURN) {
		close_abandoned(&storm);
		print_report(&storm);
	} else {
		print_report(&storm);
		hold_connections(&opt);
		close_held(&storm);
	}
	storm_free(&storm);
	free(opt.sources);
	return 0;
}
