/* SPDX-License-Identifier: MIT */
/* xdplinkd's command line (options.h). Every option is checked before anything
 * starts; a bad one is named with what it accepts. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#include "agent.h"
#include "aws_credentials.h"
#include "config_file.h"
#include "envelope.h"
#include "maglev.h"
#include "metrics.h"

#define MS_PER_S 1000ULL

static const char usage[] =
    "usage: xdplinkd [options]\n"
    "\n"
    "Runs the xdplink agent: it loads the XDP data path, keeps its state in a database,\n"
    "and serves the xdplink CLI on a Unix socket. Stop it with SIGTERM: the data path\n"
    "stays attached and keeps every flow until the agent is back.\n"
    "\n"
    "  --config PATH                read settings from PATH first: one a line, NAME VALUE,\n"
    "                               named as these options (\"max-flows 1048576\"), '#'\n"
    "                               comments; the command line wins (the systemd unit\n"
    "                               reads /etc/xdplink/xdplinkd.conf)\n"
    "  --socket PATH                API socket, root only (default " XL_DEFAULT_SOCKET ")\n"
    "  --state PATH                 state database (default /var/lib/xdplink/state.db)\n"
    "  --pin-dir PATH               maps are pinned here, on a BPF filesystem\n"
    "                               (default /sys/fs/bpf/xdplink); one agent runs per\n"
    "                               state file and per pin directory\n"
    "  --region REGION              region of ids, names and zones (default us-east-1)\n"
    "  --max-flows N                flows the data path can track (default 1048576)\n"
    "  --max-endpoints N            interface endpoints it holds (default 4095, at\n"
    "                               most 16777215)\n"
    "  --max-backends N             targets: unique IP:ports (default 4095)\n"
    "  --max-members N              registrations: targets times the target groups that\n"
    "                               register them (default 8191)\n"
    "  --max-pools N                SNAT port pools: node IPs times targets (default\n"
    "                               1023; 7 KB each)\n"
    "  --max-tables N               Maglev tables: target groups times zones in use\n"
    "                               (default 1023; --maglev-size x 4 bytes each)\n"
    "  --max-frontends N            listener entries: ENIs times listeners, ENIs and\n"
    "                               node IPs (default 16 per endpoint)\n"
    "                               (the --max- sizes are the maps' sizes: an agent that\n"
    "                               finds maps pinned needs the sizes they were made with)\n"
    "  --max-conns-per-target N     active flows per target (default 55000, as AWS)\n"
    "  --snat-ports FIRST-LAST      SNAT source ports per (node IP, target), at most\n"
    "                               55000 of them (default 1024-56023); keep the host's\n"
    "                               ip_local_port_range out of this range; it changes\n"
    "                               only when no flow is pinned\n"
    "  --maglev-size N              slots per Maglev table, a prime (default 65537)\n"
    "  --hash-seed N                flow hash seed, the same on every node of a fleet\n"
    "  --idle-timeout SECONDS       TCP idle timeout (default 350; AWS allows 60-6000,\n"
    "                               shorter values are for tests)\n"
    "  --syn-timeout SECONDS        how long a SYN waits for its target's answer before\n"
    "                               its flow is dropped (default 10)\n"
    "  --half-open-per-target N     half-open flows a target holds before its SYNs are\n"
    "                               answered with SYN cookies (default 4096; 0: always)\n"
    "  --half-open-per-node N       the same for all the node's targets together\n"
    "                               (default --max-flows / 8)\n"
    "  --port-reuse-delay SECONDS   how long the port of a FIN-closed flow rests before\n"
    "                               reuse (default 60: ~55,000 connections per minute)\n"
    "  --close-grace-ms MS          how long a closed flow lingers for its last ACK\n"
    "                               (default 1000)\n"
    "  --collect-interval-ms MS     flow collector period (default 1000)\n"
    "  --deleted-retention SECONDS  how long a deleted endpoint is still listed, as\n"
    "                               deleted, before it is purged (default 3600, as AWS's\n"
    "                               hour; 1-604800)\n"
    "  --metrics [ADDR:]PORT        serve Prometheus metrics on http://ADDR:PORT/metrics\n"
    "                               (off by default; ADDR defaults to 127.0.0.1)\n"
    "  --aws-listen [ADDR:]PORT     serve the EC2 and ELBv2 APIs for the aws CLI on\n"
    "                               ADDR:PORT (off by default; ADDR defaults to 127.0.0.1)\n"
    "  --aws-credentials PATH       its access keys, one a line: KEY_ID SECRET ACCOUNT, a\n"
    "                               root-only file (default " AWS_CREDENTIALS_DEFAULT ";\n"
    "                               `xdplink account add` writes it), read again when it\n"
    "                               changes\n"
    "  --aws-tls-cert PATH          serve HTTPS with this PEM certificate (chain)...\n"
    "  --aws-tls-key PATH           ...and this PEM private key\n"
    "  --dns-upstream ADDR[:PORT]   where the VPCs' resolvers ask the names that are not\n"
    "                               their endpoints', and where private DNS names' TXT\n"
    "                               records are looked up (default: none; other names are\n"
    "                               REFUSED and private DNS names cannot be verified)\n"
    "  --dns-verify-interval SECONDS  how often a private DNS name not yet verified is\n"
    "                               looked up again (default 60)\n"
    "  --no-dns                     no resolver in the consumer VPCs\n"
    "  --notify-allow ENTRY         what connection notifications may name (none by\n"
    "                               default; up to 16 entries): a webhook prefix with its\n"
    "                               host and a path, http://127.0.0.1:8080/hooks/ (a\n"
    "                               tenant's URL must begin with it), or\n"
    "                               exec:NAME=/absolute/program, the command that\n"
    "                               ConnectionNotificationArn exec:NAME runs (the event\n"
    "                               as its argument, the message on its input)\n"
    "  --notify-timeout SECONDS     how long one delivery may take (default 5, 1-60)\n"
    "  --version                    print the version\n"
    "  --help                       print this\n";

enum option_id {
	OPT_CONFIG = 1,
	OPT_SOCKET,
	OPT_STATE,
	OPT_PIN_DIR,
	OPT_REGION,
	OPT_MAX_FLOWS,
	OPT_MAX_ENDPOINTS,
	OPT_MAX_BACKENDS,
	OPT_MAX_MEMBERS,
	OPT_MAX_POOLS,
	OPT_MAX_TABLES,
	OPT_MAX_FRONTENDS,
	OPT_MAX_CONNS,
	OPT_SNAT_PORTS,
	OPT_MAGLEV_SIZE,
	OPT_HASH_SEED,
	OPT_IDLE_TIMEOUT,
	OPT_SYN_TIMEOUT,
	OPT_HALF_OPEN_PER_TARGET,
	OPT_HALF_OPEN_PER_NODE,
	OPT_PORT_REUSE_DELAY,
	OPT_CLOSE_GRACE,
	OPT_COLLECT_INTERVAL,
	OPT_DELETED_RETENTION,
	OPT_METRICS,
	OPT_AWS_LISTEN,
	OPT_AWS_CREDENTIALS,
	OPT_AWS_TLS_CERT,
	OPT_AWS_TLS_KEY,
	OPT_DNS_UPSTREAM,
	OPT_DNS_VERIFY_INTERVAL,
	OPT_NO_DNS,
	OPT_NOTIFY_ALLOW,
	OPT_NOTIFY_TIMEOUT,
	OPT_VERSION,
	OPT_HELP,
};

static const struct option options[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ "region", required_argument, NULL, OPT_REGION },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "max-endpoints", required_argument, NULL, OPT_MAX_ENDPOINTS },
	{ "max-backends", required_argument, NULL, OPT_MAX_BACKENDS },
	{ "max-members", required_argument, NULL, OPT_MAX_MEMBERS },
	{ "max-pools", required_argument, NULL, OPT_MAX_POOLS },
	{ "max-tables", required_argument, NULL, OPT_MAX_TABLES },
	{ "max-frontends", required_argument, NULL, OPT_MAX_FRONTENDS },
	{ "max-conns-per-target", required_argument, NULL, OPT_MAX_CONNS },
	{ "snat-ports", required_argument, NULL, OPT_SNAT_PORTS },
	{ "maglev-size", required_argument, NULL, OPT_MAGLEV_SIZE },
	{ "hash-seed", required_argument, NULL, OPT_HASH_SEED },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "syn-timeout", required_argument, NULL, OPT_SYN_TIMEOUT },
	{ "half-open-per-target", required_argument, NULL, OPT_HALF_OPEN_PER_TARGET },
	{ "half-open-per-node", required_argument, NULL, OPT_HALF_OPEN_PER_NODE },
	{ "port-reuse-delay", required_argument, NULL, OPT_PORT_REUSE_DELAY },
	{ "close-grace-ms", required_argument, NULL, OPT_CLOSE_GRACE },
	{ "collect-interval-ms", required_argument, NULL, OPT_COLLECT_INTERVAL },
	{ "deleted-retention", required_argument, NULL, OPT_DELETED_RETENTION },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "aws-listen", required_argument, NULL, OPT_AWS_LISTEN },
	{ "aws-credentials", required_argument, NULL, OPT_AWS_CREDENTIALS },
	{ "aws-tls-cert", required_argument, NULL, OPT_AWS_TLS_CERT },
	{ "aws-tls-key", required_argument, NULL, OPT_AWS_TLS_KEY },
	{ "dns-upstream", required_argument, NULL, OPT_DNS_UPSTREAM },
	{ "dns-verify-interval", required_argument, NULL, OPT_DNS_VERIFY_INTERVAL },
	{ "no-dns", no_argument, NULL, OPT_NO_DNS },
	{ "notify-allow", required_argument, NULL, OPT_NOTIFY_ALLOW },
	{ "notify-timeout", required_argument, NULL, OPT_NOTIFY_TIMEOUT },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
	{ 0 },
};

static void defaults(struct daemon_options *o)
{
	*o = (struct daemon_options){
		.socket_path = XL_DEFAULT_SOCKET,
		.state_path = "/var/lib/xdplink/state.db",
		.region = "us-east-1",
		.datapath = {
			.pin_dir = "/sys/fs/bpf/xdplink",
			.max_flows = XL_DEFAULT_MAX_FLOWS,
			.max_endpoints = XL_DEFAULT_MAX_ENDPOINTS,
			.max_backends = XL_DEFAULT_MAX_BACKENDS,
			.max_members = XL_DEFAULT_MAX_MEMBERS,
			.max_pools = XL_DEFAULT_MAX_POOLS,
			.max_tables = XL_DEFAULT_MAX_TABLES,
			.config = {
				.max_conns_per_target = XL_DEFAULT_MAX_CONNS,
				.maglev_size = XL_DEFAULT_MAGLEV_SIZE,
				.hash_seed = XL_DEFAULT_HASH_SEED,
				.port_min = XL_DEFAULT_PORT_MIN,
				.port_count = XL_PORTS_PER_POOL,
				.half_open_per_target = XL_DEFAULT_HALF_OPEN_PER_TARGET,
				.half_open_per_node = UINT32_MAX, /* until --max-flows is known */
			},
		},
		.flows = {
			.idle_timeout_ms = 350 * MS_PER_S,
			.syn_timeout_ms = 10 * MS_PER_S,
			.close_grace_ms = 1000,
			.port_reuse_delay_ms = 60 * MS_PER_S,
		},
		.collect_interval_ms = 1000,
		.deleted_retention_s = 3600,
		.aws = {
			.credentials = AWS_CREDENTIALS_DEFAULT,
		},
		.dns = {
			.verify_interval_s = DNS_DEFAULT_VERIFY_INTERVAL_S,
		},
		.notify = {
			.timeout_ms = 5 * MS_PER_S,
		},
	};
}

/* A whole decimal number in [min, max], or a message naming the option. */
static int number(const char *text, const char *option, unsigned long min, unsigned long max,
		  unsigned long *value)
{
	char *end;

	errno = 0;
	*value = strtoul(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || *value < min || *value > max) {
		fprintf(stderr, "xdplinkd: --%s takes a whole number from %lu to %lu, not \"%s\"\n",
			option, min, max, text);
		return -1;
	}
	return 0;
}

static int snat_ports(const char *text, struct xl_config *config)
{
	unsigned int first, last;
	char tail;

	if (sscanf(text, "%u-%u%c", &first, &last, &tail) != 2 || first < 1 || last > 65535 ||
	    last < first || last - first + 1 > XL_PORTS_PER_POOL) {
		fprintf(stderr,
			"xdplinkd: --snat-ports takes FIRST-LAST within 1-65535, at most %d ports, "
			"not \"%s\"\n",
			XL_PORTS_PER_POOL, text);
		return -1;
	}
	config->port_min = (uint16_t)first;
	config->port_count = (uint16_t)(last - first + 1);
	return 0;
}

/* "PORT" means the loopback address: an endpoint stays on the host unless asked. `kept`
 * holds the text for the options' life. */
static int listen_option(const char *text, const char *option, char kept[64], const char **out)
{
	unsigned long port;

	if (strchr(text, ':')) {
		struct sockaddr_in addr;

		if (metrics_parse_listen(text, &addr) || strlen(text) >= 64) {
			fprintf(stderr,
				"xdplinkd: --%s takes [ADDR:]PORT, an IPv4 address and a port "
				"from 1 to 65535, not \"%s\"\n",
				option, text);
			return -1;
		}
		snprintf(kept, 64, "%s", text);
	} else {
		if (number(text, option, 1, 65535, &port))
			return -1;
		snprintf(kept, 64, "127.0.0.1:%lu", port);
	}
	*out = kept;
	return 0;
}

/* The AWS endpoint's other options mean something only with --aws-listen. */
static int check_aws_options(const struct aws_options *aws, bool credentials_given)
{
	if (!aws->listen && (credentials_given || aws->tls_cert || aws->tls_key)) {
		fputs("xdplinkd: --aws-credentials, --aws-tls-cert and --aws-tls-key need "
		      "--aws-listen\n",
		      stderr);
		return -1;
	}
	if (!aws->tls_cert != !aws->tls_key) {
		fputs("xdplinkd: --aws-tls-cert and --aws-tls-key go together\n", stderr);
		return -1;
	}
	return 0;
}

static int notify_allow(const char *entry, struct notify_options *notify)
{
	char why[256];

	if (notify_parse_allow(entry, why, sizeof(why))) {
		fprintf(stderr, "xdplinkd: %s\n", why);
		return -1;
	}
	if (notify->allow_count == NOTIFY_ALLOW_MAX) {
		fprintf(stderr, "xdplinkd: at most %d --notify-allow entries\n", NOTIFY_ALLOW_MAX);
		return -1;
	}
	notify->allow[notify->allow_count++] = entry;
	return 0;
}

/* A capacity counted in slots: N of them take slots 1..N of a map of N + 1 (slot 0 is
 * never used: a zero means "none" in the maps that point at them). */
static int capacity(int opt, const char *text, struct datapath_options *d)
{
	static const struct {
		int opt;
		const char *name;
		unsigned long max;
		size_t offset;
	} capacities[] = {
		{ OPT_MAX_ENDPOINTS, "max-endpoints", (1UL << 24) - 1,
		  offsetof(struct datapath_options, max_endpoints) },
		{ OPT_MAX_BACKENDS, "max-backends", (1UL << 24) - 1,
		  offsetof(struct datapath_options, max_backends) },
		{ OPT_MAX_MEMBERS, "max-members", (1UL << 24) - 1,
		  offsetof(struct datapath_options, max_members) },
		{ OPT_MAX_POOLS, "max-pools", (1UL << 20) - 1,
		  offsetof(struct datapath_options, max_pools) },
		{ OPT_MAX_TABLES, "max-tables", (1UL << 16) - 1,
		  offsetof(struct datapath_options, max_tables) },
	};
	unsigned long n;

	for (size_t i = 0; i < sizeof(capacities) / sizeof(capacities[0]); i++) {
		if (capacities[i].opt != opt)
			continue;
		if (number(text, capacities[i].name, 1, capacities[i].max, &n))
			return -1;
		*(uint32_t *)((char *)d + capacities[i].offset) = (uint32_t)n + 1;
		return 0;
	}
	return -1;
}

static int parse(int argc, char **argv, struct daemon_options *o)
{
	static char metrics_kept[64], aws_kept[64];
	struct xl_config *config = &o->datapath.config;
	bool credentials_given = false;
	unsigned long n;
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case OPT_CONFIG: /* read before the rest (options_read) */
			break;
		case OPT_SOCKET:
			o->socket_path = optarg;
			break;
		case OPT_STATE:
			o->state_path = optarg;
			break;
		case OPT_PIN_DIR:
			o->datapath.pin_dir = optarg;
			break;
		case OPT_REGION:
			o->region = optarg;
			break;
		case OPT_MAX_FLOWS:
			if (number(optarg, "max-flows", 1024, 1U << 26, &n))
				return -1;
			o->datapath.max_flows = (uint32_t)n;
			break;
		case OPT_MAX_ENDPOINTS:
		case OPT_MAX_BACKENDS:
		case OPT_MAX_MEMBERS:
		case OPT_MAX_POOLS:
		case OPT_MAX_TABLES:
			if (capacity(opt, optarg, &o->datapath))
				return -1;
			break;
		case OPT_MAX_FRONTENDS:
			if (number(optarg, "max-frontends", 16, 1U << 28, &n))
				return -1;
			o->datapath.max_frontends = (uint32_t)n;
			break;
		case OPT_MAX_CONNS:
			if (number(optarg, "max-conns-per-target", 1, UINT32_MAX, &n))
				return -1;
			config->max_conns_per_target = (uint32_t)n;
			break;
		case OPT_SNAT_PORTS:
			if (snat_ports(optarg, config))
				return -1;
			break;
		case OPT_MAGLEV_SIZE:
			if (number(optarg, "maglev-size", 3, MAGLEV_MAX_SIZE, &n))
				return -1;
			if (!maglev_size_valid((uint32_t)n)) {
				fprintf(stderr,
					"xdplinkd: --maglev-size must be a prime, not %lu\n", n);
				return -1;
			}
			config->maglev_size = (uint32_t)n;
			break;
		case OPT_HASH_SEED:
			if (number(optarg, "hash-seed", 0, UINT32_MAX, &n))
				return -1;
			config->hash_seed = (uint32_t)n;
			break;
		case OPT_IDLE_TIMEOUT:
			if (number(optarg, "idle-timeout", 1, 6000, &n))
				return -1;
			o->flows.idle_timeout_ms = n * MS_PER_S;
			break;
		case OPT_SYN_TIMEOUT:
			if (number(optarg, "syn-timeout", 1, 600, &n))
				return -1;
			o->flows.syn_timeout_ms = n * MS_PER_S;
			break;
		case OPT_HALF_OPEN_PER_TARGET:
			if (number(optarg, "half-open-per-target", 0, UINT32_MAX - 1, &n))
				return -1;
			config->half_open_per_target = (uint32_t)n;
			break;
		case OPT_HALF_OPEN_PER_NODE:
			if (number(optarg, "half-open-per-node", 0, UINT32_MAX - 1, &n))
				return -1;
			config->half_open_per_node = (uint32_t)n;
			break;
		case OPT_PORT_REUSE_DELAY:
			if (number(optarg, "port-reuse-delay", 0, 3600, &n))
				return -1;
			o->flows.port_reuse_delay_ms = n * MS_PER_S;
			break;
		case OPT_CLOSE_GRACE:
			if (number(optarg, "close-grace-ms", 0, 600000, &n))
				return -1;
			o->flows.close_grace_ms = n;
			break;
		case OPT_COLLECT_INTERVAL:
			if (number(optarg, "collect-interval-ms", 10, 60000, &n))
				return -1;
			o->collect_interval_ms = (uint32_t)n;
			break;
		case OPT_DELETED_RETENTION:
			if (number(optarg, "deleted-retention", 1, 7 * 24 * 3600, &n))
				return -1;
			o->deleted_retention_s = (uint32_t)n;
			break;
		case OPT_METRICS:
			if (listen_option(optarg, "metrics", metrics_kept, &o->metrics_listen))
				return -1;
			break;
		case OPT_AWS_LISTEN:
			if (listen_option(optarg, "aws-listen", aws_kept, &o->aws.listen))
				return -1;
			break;
		case OPT_DNS_UPSTREAM:
			if (dns_parse_upstream(optarg, &o->dns.upstream)) {
				fprintf(
				    stderr,
				    "xdplinkd: --dns-upstream takes ADDR[:PORT], an IPv4 address "
				    "and a port from 1 to 65535, not \"%s\"\n",
				    optarg);
				return -1;
			}
			o->dns.has_upstream = true;
			break;
		case OPT_DNS_VERIFY_INTERVAL:
			if (number(optarg, "dns-verify-interval", 1, 86400, &n))
				return -1;
			o->dns.verify_interval_s = (uint32_t)n;
			break;
		case OPT_NO_DNS:
			o->dns.off = true;
			break;
		case OPT_NOTIFY_ALLOW:
			if (notify_allow(optarg, &o->notify))
				return -1;
			break;
		case OPT_NOTIFY_TIMEOUT:
			if (number(optarg, "notify-timeout", 1, 60, &n))
				return -1;
			o->notify.timeout_ms = (uint32_t)(n * MS_PER_S);
			break;
		case OPT_AWS_CREDENTIALS:
			o->aws.credentials = optarg;
			credentials_given = true;
			break;
		case OPT_AWS_TLS_CERT:
			o->aws.tls_cert = optarg;
			break;
		case OPT_AWS_TLS_KEY:
			o->aws.tls_key = optarg;
			break;
		case OPT_VERSION:
			printf("xdplinkd %s\n", XDPLINK_VERSION);
			exit(0);
		case OPT_HELP:
			fputs(usage, stdout);
			exit(0);
		default:
			fputs("xdplinkd: see xdplinkd --help\n", stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xdplinkd: unexpected argument \"%s\" (see --help)\n",
			argv[optind]);
		return -1;
	}
	if (!o->datapath.max_frontends)
		o->datapath.max_frontends = 16 * o->datapath.max_endpoints;
	if (config->half_open_per_node == UINT32_MAX)
		config->half_open_per_node = o->datapath.max_flows / 8;
	return check_aws_options(&o->aws, credentials_given);
}

/* The file of the last --config on the command line, or NULL. */
static const char *config_path(int argc, char **argv)
{
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
	}
	return path;
}

int options_read(int argc, char **argv, struct daemon_options *o)
{
	const char *path = config_path(argc, argv);

	defaults(o);
	if (path && config_file_merge(path, options, "config", argc, argv, &argc, &argv))
		return -1;
	return parse(argc, argv, o);
}
