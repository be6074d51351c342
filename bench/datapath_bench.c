/* SPDX-License-Identifier: MIT */
/* Per-packet cost of the data path through BPF_PROG_TEST_RUN, next to an empty program
 * and a parse-and-bounce baseline, with a million flows in the table (or --flows N):
 * every path a packet can take, the SYN-cookie and proxy-protocol ones included; the
 * same cases on one CPU and on two at once; and the kernel memory the flow tables take
 * per flow, read from the maps themselves.
 *
 * Every call runs one fresh packet (repeat=1): with repeat > 1 the kernel feeds the
 * program its own rewritten output. Per case: the trimmed mean of the calls (the
 * slowest 1% dropped: interrupts), the median over interleaved rounds. */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.skel.h"
#include "empty.skel.h"
#include "facts.h"
#include "fixture.h"
#include "frames.h"

#define DEFAULT_FLOWS	  (1000 * 1000)
#define CALLS		  200000
#define ROUNDS		  5
#define TARGETS		  64		       /* the listener's targets, or above DEFAULT_FLOWS */
#define MAX_TARGETS	  MAGLEV_SIZE	       /* one per slot of the table: even shares */
#define FLOWS_PER_TARGET  50000u	       /* at most, of the ~55,000 SNAT ports of each */
#define TIMED_FLOWS	  (2 * ROUNDS * CALLS) /* flows the timed SYNs add, at most */
#define FIRST_TARGET_SLOT 10
#define COOKIE_TARGETS	  20 /* the SYN-cookie listener's own targets, always flooded */
#define FIRST_COOKIE_SLOT (FIRST_TARGET_SLOT + MAX_TARGETS)
#define HOT_FLOW	  4242u /* the flow of the hot cases, as Katran measures */
#define PROXY_PORT	  8080	/* a listener whose target group wants proxy protocol v2 */
#define COOKIE_PORT	  443	/* a listener whose target is flooded */
#define MULTI_CPUS	  2

/* The held figures: a new flow at most this many times the empty program's raw cost, an
 * established packet at most this (net of the empty program), so that `make bench`
 * judges them on any machine. */
#define SYN_LIMIT	  10.5
#define ESTABLISHED_LIMIT 1.25

enum bench_case {
	EMPTY,
	BASELINE,
	SYN,
	ESTABLISHED,
	REPLY,
	NOT_OURS,
	ESTABLISHED_SPREAD,
	REPLY_SPREAD,
	SYN_COOKIE,
	COOKIE_ACK,
	PROXY_FIRST,
	PROXY_ESTABLISHED,
	PROXY_REPLY,
	CASES
};

static const struct {
	const char *name, *key;
} cases[CASES] = {
	[EMPTY] = { "(f) empty program, XDP_PASS", "empty_ns" },
	[BASELINE] = { "(e) parse + swap MACs + XDP_TX", "baseline_ns" },
	[SYN] = { "(a) SYN opening a new flow", "syn_ns" },
	[ESTABLISHED] = { "(b) established flow, client side", "established_ns" },
	[REPLY] = { "(c) reply, provider side", "reply_ns" },
	[NOT_OURS] = { "(d) TCP that is not ours", "pass_ns" },
	[ESTABLISHED_SPREAD] = { "(b') as (b), each call another flow", "established_spread_ns" },
	[REPLY_SPREAD] = { "(c') as (c), each call another flow", "reply_spread_ns" },
	[SYN_COOKIE] = { "(g) SYN answered with a SYN cookie", "syn_cookie_ns" },
	[COOKIE_ACK] = { "(h) valid cookie ACK: flow + SYN to target", "cookie_ack_ns" },
	[PROXY_FIRST] = { "(i) first payload + proxy v2 header", "proxy_first_ns" },
	[PROXY_ESTABLISHED] = { "(j) as (b), numbers translated (proxy)", "proxy_established_ns" },
	[PROXY_REPLY] = { "(k) as (c), numbers translated (proxy)", "proxy_reply_ns" },
};

static struct fixture fx;
static enum bench_case running;			   /* for the message of a call that went wrong */
static struct maglev_backend members[MAX_TARGETS]; /* the targets of the listener's table */
static uint32_t targets = TARGETS;
static struct maglev_backend cookie_members[COOKIE_TARGETS];
static int prog_empty, prog_baseline;
static uint32_t flows = DEFAULT_FLOWS;
static uint32_t next_new_client[MULTI_CPUS]; /* never-seen clients for the SYN cases */

static uint32_t flow_client(uint32_t i)
{
	return htonl(0x0a400000 + i); /* 10.64.0.0 + i */
}

static size_t client_frame(uint32_t client, uint16_t dport, uint8_t flags, uint32_t seq,
			   uint32_t ack, uint8_t *frame)
{
	char addr[16];
	struct tcp_frame f = {
		.saddr = addr,
		.daddr = ENI_IP,
		.sport = 40000,
		.dport = dport,
		.seq = seq,
		.ack = ack,
		.flags = flags,
		.payload = flags & TCP_ACK ? "GET / HTTP/1.1\r\nHost: x\r\n\r\n" : NULL,
		.payload_len = flags & TCP_ACK ? 27 : 0,
		.options_len = flags & TCP_SYN ? 4 : 0,
	};

	inet_ntop(AF_INET, &client, addr, sizeof(addr));
	memcpy(f.src_mac, mac_cons_peer, 6);
	memcpy(f.dst_mac, mac_cons, 6);
	return build_tcp(&f, frame);
}

static size_t reply_frame(uint32_t i, uint16_t eni_port, uint32_t ack, uint8_t *frame)
{
	char client[16], target[16], node[16];
	struct in_addr addr = { .s_addr = flow_client(i) };
	struct flow_view flow;
	struct tcp_frame f = { .seq = 7001,
			       .ack = ack,
			       .flags = TCP_ACK | TCP_PSH,
			       .payload = "HTTP/1.1 200 OK\r\n\r\nt1\n",
			       .payload_len = 22 };

	inet_ntop(AF_INET, &addr, client, sizeof(client));
	if (!fx_flow(&fx, client, 40000, ENI_IP, eni_port, &flow))
		return 0;
	addr.s_addr = flow.target_addr;
	inet_ntop(AF_INET, &addr, target, sizeof(target));
	addr.s_addr = flow.snat_addr;
	inet_ntop(AF_INET, &addr, node, sizeof(node));
	f.saddr = target;
	f.daddr = node;
	f.sport = ntohs(flow.target_port);
	f.dport = ntohs(flow.snat_port);
	memcpy(f.dst_mac, mac_prov, 6);
	return build_tcp(&f, frame);
}

/* `count` targets 10.0.NET.1 and on, port 80, at backend slots from `first_slot`, each
 * with its SNAT pool and a permanent neighbour entry, written to `members_out`. */
static int add_targets(uint32_t first_slot, uint8_t net, uint32_t count,
		       struct maglev_backend *members_out)
{
	char addr[32];

	for (uint32_t i = 0; i < count; i++) {
		uint32_t slot = first_slot + i;

		snprintf(addr, sizeof(addr), "10.0.%u.%u", net, i + 1);
		if (fx_shell("ip neigh add %s lladdr 02:00:00:00:%02x:%02x dev prov nud permanent",
			     addr, net, i + 1))
			return -1;
		fx_add_backend(&fx, slot, addr, 80);
		fx_add_pool(&fx, NODE_AZ1, slot, slot);
		members_out[i] =
		    (struct maglev_backend){ .slot = slot, .addr = ipv4(addr), .port = htons(80) };
	}
	return 0;
}

/* The listeners of the scene's ENI: port 80 to the targets of table 1, PROXY_PORT to
 * the same with proxy protocol v2, COOKIE_PORT to targets of their own, always flooded. */
static int setup_scene(void)
{
	struct fixture_options opts = { .max_flows = flows + ROUNDS * CALLS * MULTI_CPUS * 2 + 4096,
					.max_conns = UINT32_MAX };

	if (fixture_netns() || fx_open(&fx, &opts) ||
	    add_targets(FIRST_TARGET_SLOT, 3, targets, members))
		return -1;
	fx_set_table_of(&fx, 1, members, targets);
	fx_add_listener(&fx, ENI_IP, PROXY_PORT, 1, XL_FE_PROXY_V2);
	if (add_targets(FIRST_COOKIE_SLOT, 4, COOKIE_TARGETS, cookie_members))
		return -1;
	for (uint32_t i = 0; i < COOKIE_TARGETS; i++)
		fx_set_half_open(&fx, FIRST_COOKIE_SLOT + i, UINT32_MAX); /* flooded for good */
	fx_set_table_of(&fx, 3, cookie_members, COOKIE_TARGETS);
	fx_add_listener(&fx, ENI_IP, COOKIE_PORT, 3, 0);
	fx_set_half_open_limits(&fx, UINT32_MAX - 1, UINT32_MAX);

	struct empty *empty = empty__open_and_load();
	struct baseline *baseline = baseline__open_and_load();
	if (!empty || !baseline)
		return -1;
	prog_empty = bpf_program__fd(empty->progs.empty);
	prog_baseline = bpf_program__fd(baseline->progs.baseline);
	return 0;
}

/* What the data path counted, by reason: why a packet went where it did not expect. */
static void print_reasons(void)
{
	for (int r = 0; r < XL_REASON_COUNT; r++)
		if (fx_reason(&fx, r))
			fprintf(stderr, "  %s: %llu\n", xl_reason_names[r],
				(unsigned long long)fx_reason(&fx, r));
}

static int open_flows(uint16_t dport, uint32_t first, uint32_t count)
{
	uint8_t frame[FRAME_MAX], out[FRAME_MAX];
	size_t out_len;

	for (uint32_t i = first; i < first + count; i++) {
		size_t len = client_frame(flow_client(i), dport, TCP_SYN, 1000, 0, frame);

		if (fx_run(&fx, fx.consumer, ifindex_cons, frame, len, out, &out_len) !=
		    XDP_REDIRECT) {
			fprintf(stderr, "datapath_bench: flow %u was not opened\n", i);
			print_reasons();
			return -1;
		}
	}
	return 0;
}

/* One call's program time in ns, as the kernel measured it. */
static uint32_t timed_call(int prog, int ifindex, const uint8_t *frame, size_t len, int want,
			   uint8_t *out)
{
	struct xdp_md ctx = { .data_end = (uint32_t)len, .ingress_ifindex = (uint32_t)ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = FRAME_MAX, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);

	if (bpf_prog_test_run_opts(prog, &opts) || (int)opts.retval != want) {
		fprintf(stderr, "datapath_bench: %s: unexpected result %u\n", cases[running].name,
			opts.retval);
		print_reasons();
		exit(1);
	}
	return opts.duration;
}

/* A valid cookie ACK for a new client of the cookie listener: the SYN it answers is sent
 * first, untimed. */
static size_t cookie_ack(uint32_t client, uint8_t *frame)
{
	uint8_t out[FRAME_MAX];
	size_t len = client_frame(client, COOKIE_PORT, TCP_SYN, 1000, 0, frame);
	uint32_t cookie;

	timed_call(fx.consumer, ifindex_cons, frame, len, XDP_TX, out);
	cookie = get32(out + OFF_TCP_SEQ);
	return client_frame(client, COOKIE_PORT, TCP_ACK, 1001, cookie + 1, frame);
}

/* Clients of the SYN cases: per CPU, each from a range of its own. */
static uint32_t new_client(int cpu)
{
	return htonl(0x0b000000 + ((uint32_t)cpu << 22) + next_new_client[cpu]++);
}

static uint32_t run_case(enum bench_case c, uint32_t call, int cpu, uint8_t *frame)
{
	uint32_t spread = (call * 7919u) % flows; /* visits the whole table */
	uint8_t out[FRAME_MAX];
	size_t len;

	running = c;
	switch (c) {
	case EMPTY:
		len = client_frame(flow_client(HOT_FLOW), 80, TCP_ACK, 1001, 7001, frame);
		return timed_call(prog_empty, ifindex_cons, frame, len, XDP_PASS, out);
	case BASELINE:
		len = client_frame(flow_client(HOT_FLOW), 80, TCP_ACK, 1001, 7001, frame);
		return timed_call(prog_baseline, ifindex_cons, frame, len, XDP_TX, out);
	case SYN:
		len = client_frame(new_client(cpu), 80, TCP_SYN, 1000, 0, frame);
		return timed_call(fx.consumer, ifindex_cons, frame, len, XDP_REDIRECT, out);
	case SYN_COOKIE:
		len = client_frame(new_client(cpu), COOKIE_PORT, TCP_SYN, 1000, 0, frame);
		return timed_call(fx.consumer, ifindex_cons, frame, len, XDP_TX, out);
	case COOKIE_ACK:
		len = cookie_ack(new_client(cpu), frame);
		return timed_call(fx.consumer, ifindex_cons, frame, len, XDP_REDIRECT, out);
	case ESTABLISHED:
	case ESTABLISHED_SPREAD:
		len =
		    client_frame(flow_client(c == ESTABLISHED ? HOT_FLOW + (uint32_t)cpu : spread),
				 80, TCP_ACK | TCP_PSH, 1001, 7001, frame);
		return timed_call(fx.consumer, ifindex_cons, frame, len, XDP_REDIRECT, out);
	case PROXY_FIRST:
	case PROXY_ESTABLISHED:
		len = client_frame(flow_client(HOT_FLOW + (uint32_t)cpu), PROXY_PORT,
				   TCP_ACK | TCP_PSH, c == PROXY_FIRST ? 1001 : 1028, 7001, frame);
		return timed_call(fx.consumer, ifindex_cons, frame, len, XDP_REDIRECT, out);
	case REPLY:
	case REPLY_SPREAD:
		len = reply_frame(c == REPLY ? HOT_FLOW + (uint32_t)cpu : spread, 80, 1028, frame);
		return timed_call(fx.provider, ifindex_prov, frame, len, XDP_REDIRECT, out);
	case PROXY_REPLY:
		len = reply_frame(HOT_FLOW + (uint32_t)cpu, PROXY_PORT, 1128, frame);
		return timed_call(fx.provider, ifindex_prov, frame, len, XDP_REDIRECT, out);
	case NOT_OURS: {
		struct tcp_frame f = { .saddr = CLIENT_IP,
				       .daddr = "10.1.0.5",
				       .sport = 50000,
				       .dport = 22,
				       .flags = TCP_ACK };

		len = build_tcp(&f, frame);
		return timed_call(fx.consumer, ifindex_cons, frame, len, XDP_PASS, out);
	}
	default:
		return 0;
	}
}

static int by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static double trimmed_mean(uint32_t *samples, size_t n)
{
	size_t kept = n - n / 100;
	double sum = 0;

	qsort(samples, n, sizeof(*samples), by_value);
	for (size_t i = 0; i < kept; i++)
		sum += samples[i];
	return sum / (double)kept;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *values, size_t n)
{
	qsort(values, n, sizeof(*values), by_double);
	return values[n / 2];
}

/* ---- One case on one CPU, or on several at once ----------------------------------- */

struct worker {
	enum bench_case c;
	int cpu;
	uint32_t first_call;
	uint32_t *samples;
	double ns;
	pthread_barrier_t *start;
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint8_t frame[FRAME_MAX];

	pin(w->cpu);
	if (w->start)
		pthread_barrier_wait(w->start);
	for (uint32_t i = 0; i < CALLS; i++)
		w->samples[i] = run_case(w->c, w->first_call + i, w->cpu, frame);
	w->ns = trimmed_mean(w->samples, CALLS);
	return NULL;
}

/* The case on `n` CPUs at once: their mean per-packet cost. */
static double run_on_cpus(enum bench_case c, uint32_t first_call, int n)
{
	static uint32_t samples[MULTI_CPUS][CALLS];
	struct worker workers[MULTI_CPUS];
	pthread_t threads[MULTI_CPUS];
	pthread_barrier_t start;
	double sum = 0;

	pthread_barrier_init(&start, NULL, (unsigned)n);
	for (int i = 0; i < n; i++) {
		workers[i] = (struct worker){ c,	  i, first_call + (uint32_t)i * CALLS,
					      samples[i], 0, &start };
		pthread_create(&threads[i], NULL, work, &workers[i]);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(threads[i], NULL);
		sum += workers[i].ns;
	}
	pthread_barrier_destroy(&start);
	return sum / n;
}

/* ---- Memory ------------------------------------------------------------------------- */

/* What the kernel charges for a map: the "memlock" line of its fdinfo. */
static unsigned long long map_bytes(int fd)
{
	char path[64], line[128];
	unsigned long long bytes = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &bytes) == 1)
			break;
	fclose(f);
	return bytes;
}

struct memory {
	unsigned long long flow_table; /* the flows and their page bits */
	unsigned long long port_index; /* per pool in use: the slot of each port's flow */
	uint32_t pools;
	uint32_t capacity; /* max_flows */
};

static struct memory flow_memory(void)
{
	struct memory m = { .capacity = fx.max_flows };
	struct bpf_map *outer = fx.skel->maps.xdplink_pool_flows_v1;

	m.flow_table = map_bytes(bpf_map__fd(fx.skel->maps.xdplink_flows_v4)) +
		       map_bytes(bpf_map__fd(fx.skel->maps.xdplink_flow_pages_v1));
	for (uint32_t pool = 0; pool < bpf_map__max_entries(outer); pool++) {
		uint32_t id;
		int fd;

		if (bpf_map__lookup_elem(outer, &pool, sizeof(pool), &id, sizeof(id), 0))
			continue;
		fd = bpf_map_get_fd_by_id(id);
		m.port_index += map_bytes(fd);
		m.pools++;
		close(fd);
	}
	return m;
}

/* ---- Established flows stay where they are --------------------------------------------- */

struct stability {
	uint32_t sampled;
	uint32_t would_move; /* flows whose slot the new table gives to another target */
	uint32_t moved;	     /* flows whose packets went to another target */
};

/* One target leaves the table. Maglev moves its slots and a few more; established flows
 * must not move at all: the flow table pins them. */
static struct stability established_flows_stay(void)
{
	struct stability st = { .sampled = 100000 };
	uint8_t frame[FRAME_MAX], out[FRAME_MAX];
	char client[16];

	fx_set_table_of(&fx, 1, members + 1, targets - 1);
	for (uint32_t i = 0; i < st.sampled; i++) {
		uint32_t f = (i * 7919u) % flows;
		struct in_addr addr = { .s_addr = flow_client(f) };
		struct flow_view flow;
		size_t len, out_len;

		inet_ntop(AF_INET, &addr, client, sizeof(client));
		if (!fx_flow(&fx, client, 40000, ENI_IP, 80, &flow))
			continue;
		st.would_move += fx_maglev_choice(&fx, 1, client, 40000, ENI_IP, 80) != flow.member;
		len = client_frame(flow_client(f), 80, TCP_ACK | TCP_PSH, 1001, 7001, frame);
		fx_run(&fx, fx.consumer, ifindex_cons, frame, len, out, &out_len);
		st.moved += get32(out + OFF_IP_DADDR) != ntohl(flow.target_addr);
	}
	return st;
}

/* ---- The report ----------------------------------------------------------------------- */

struct results {
	struct stability stability;
	double ns[CASES];
	double multi[CASES][MULTI_CPUS]; /* on 1 and on 2 CPUs at once; 0: not run */
	struct memory memory;
};

static const enum bench_case multi_cases[] = { SYN, ESTABLISHED, REPLY, ESTABLISHED_SPREAD };

static const char *held(double value, double limit)
{
	return value <= limit ? "held" : "MISSED";
}

static void report(const struct results *res, const char *json_path)
{
	double empty = res->ns[EMPTY], syn_limit = SYN_LIMIT * empty,
	       established_limit = ESTABLISHED_LIMIT * empty;
	const struct memory *m = &res->memory;
	double per_flow = (double)m->flow_table / m->capacity,
	       per_flow_all = (double)(m->flow_table + m->port_index) / m->capacity;
	FILE *json;

	printf("\nxdplink data path, BPF_PROG_TEST_RUN with repeat=1, %d calls x %d rounds,\n"
	       "%u flows in the table; trimmed mean (slowest 1%% dropped), median of rounds\n\n",
	       CALLS, ROUNDS, flows);
	printf("%-44s %8s %8s\n", "case", "raw ns", "net ns");
	for (int c = 0; c < CASES; c++)
		printf("%-44s %8.1f %8.1f\n", cases[c].name, res->ns[c], res->ns[c] - empty);
	printf("\n(b) and (c) run one flow's packets; (b') and (c') visit a different flow each\n"
	       "call: their extra cost is cache and TLB misses. net = raw minus (f).\n");
	printf("\nheld on any machine, against the empty program's raw %.1f ns:\n", empty);
	printf("  a new flow, net: %.1f ns <= %.1f x = %.1f ns: %s\n", res->ns[SYN] - empty,
	       SYN_LIMIT, syn_limit, held(res->ns[SYN] - empty, syn_limit));
	printf("  an established packet, net: %.1f ns <= %.2f x = %.1f ns: %s\n",
	       res->ns[ESTABLISHED] - empty, ESTABLISHED_LIMIT, established_limit,
	       held(res->ns[ESTABLISHED] - empty, established_limit));
	printf("\non 1 CPU and on %d at once (each CPU's mean per packet, net):\n", MULTI_CPUS);
	for (size_t i = 0; i < sizeof(multi_cases) / sizeof(*multi_cases); i++) {
		enum bench_case c = multi_cases[i];

		printf("  %-42s %8.1f %8.1f\n", cases[c].name, res->multi[c][0] - empty,
		       res->multi[c][1] - empty);
	}
	printf(
	    "\nwith one of %u targets out of the table, %u of %u sampled flows would now hash to\n"
	    "another target, and %u moved\n",
	    targets, res->stability.would_move, res->stability.sampled, res->stability.moved);
	printf("\nkernel memory per flow of capacity (%u flows), from the maps' own sizes:\n"
	       "  the flow table (flows and page bits): %.1f bytes\n"
	       "  and the SNAT port index of the %u pools in use: %.1f bytes in all\n",
	       m->capacity, per_flow, m->pools, per_flow_all);

	json = fopen(json_path, "w");
	if (!json) {
		perror(json_path);
		return;
	}
	fprintf(json, "{");
	for (int c = 0; c < CASES; c++)
		fprintf(json, "\"%s\":%.1f, ", cases[c].key, res->ns[c]);
	for (size_t i = 0; i < sizeof(multi_cases) / sizeof(*multi_cases); i++)
		fprintf(json, "\"%s_cpus\":[%.1f, %.1f], ", cases[multi_cases[i]].key,
			res->multi[multi_cases[i]][0], res->multi[multi_cases[i]][1]);
	fprintf(
	    json,
	    "\"flows_in_table\":%u, \"bytes_per_flow\":%.1f, \"bytes_per_flow_with_ports\":%.1f, "
	    "\"syn_held\":%s, \"established_held\":%s, \"stability\":{\"sampled\":%u, "
	    "\"would_move\":%u, \"moved\":%u}}\n",
	    flows, per_flow, per_flow_all, res->ns[SYN] - empty <= syn_limit ? "true" : "false",
	    res->ns[ESTABLISHED] - empty <= established_limit ? "true" : "false",
	    res->stability.sampled, res->stability.would_move, res->stability.moved);
	fclose(json);
	printf("wrote %s\n", json_path);
}

/* The proxy flows of the hot cases: opened, answered, their first payload through. */
static void open_proxy_flows(void)
{
	uint8_t frame[FRAME_MAX], out[FRAME_MAX];

	open_flows(PROXY_PORT, HOT_FLOW, MULTI_CPUS);
	for (int cpu = 0; cpu < MULTI_CPUS; cpu++) {
		size_t len = reply_frame(HOT_FLOW + (uint32_t)cpu, PROXY_PORT, 1001, frame);

		timed_call(fx.provider, ifindex_prov, frame, len, XDP_REDIRECT, out);
	}
}

int main(int argc, char **argv)
{
	static uint32_t samples[CALLS];
	double rounds[CASES][ROUNDS];
	struct results res = { 0 };
	uint8_t frame[FRAME_MAX];

	if ((argc != 2 && !(argc == 4 && !strcmp(argv[2], "--flows"))) || argv[1][0] == '-') {
		fprintf(stderr, "usage: datapath_bench OUTPUT.json [--flows N]\n");
		return 2;
	}
	if (argc == 4)
		flows = (uint32_t)strtoul(argv[3], NULL, 10);
	if (flows < 10000 || flows > MAX_TARGETS * FLOWS_PER_TARGET - TIMED_FLOWS) {
		fprintf(stderr, "datapath_bench: --flows from 10000 to %u\n",
			(unsigned int)(MAX_TARGETS * FLOWS_PER_TARGET - TIMED_FLOWS));
		return 2;
	}
	if (flows > DEFAULT_FLOWS)
		targets = MAX_TARGETS;
	if (setup_scene()) {
		fprintf(stderr, "datapath_bench: cannot set up the data path (root needed)\n");
		return 1;
	}
	printf("opening %u flows through the data path...\n", flows);
	fflush(stdout);
	if (open_flows(80, 0, flows))
		return 1;
	open_proxy_flows();
	pin(0);
	for (int r = 0; r < ROUNDS; r++) {
		printf("round %d/%d\n", r + 1, ROUNDS);
		fflush(stdout);
		for (int c = 0; c < CASES; c++) {
			for (uint32_t i = 0; i < CALLS; i++)
				samples[i] = run_case(c, r * CALLS + i, 0, frame);
			rounds[c][r] = trimmed_mean(samples, CALLS);
		}
	}
	for (int c = 0; c < CASES; c++)
		res.ns[c] = median(rounds[c], ROUNDS);
	printf("the same on 1 and on %d CPUs at once...\n", MULTI_CPUS);
	fflush(stdout);
	for (size_t i = 0; i < sizeof(multi_cases) / sizeof(*multi_cases); i++)
		for (int n = 1; n <= MULTI_CPUS; n++)
			res.multi[multi_cases[i]][n - 1] =
			    run_on_cpus(multi_cases[i], ROUNDS * CALLS * n, n);
	res.memory = flow_memory();
	res.stability = established_flows_stay();
	report(&res, argv[1]);
	return 0;
}
