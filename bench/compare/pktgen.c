// SPDX-License-Identifier: GPL-2.0
/* Packet-rate generator for bench/compare: sends one TCP ACK flow out of a client veth with
 * BPF_PROG_TEST_RUN live frames and counts what reaches the server's veth, both by netns name. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pktgen.skel.h"

#define TMPL_MAX    256
#define MAX_THREADS 16
/* Frames of the first BPF_PROG_TEST_RUN call, which measures the rate; later calls are sized
 * to fill the remaining time, because many short calls are slower (each sets up its own page
 * pool; into a bare drop program here: 2.2 Mpps in 0.1 s calls, 3.2 in 2.6 s calls). */
#define FIRST_CALL (1 << 16)

struct config {
	const char *client_ns, *server_ns, *dev, *count_dev;
	uint8_t src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
	struct in_addr src_ip, dst_ip, expect_daddr;
	uint16_t sport, dport, expect_dport;
	uint8_t ttl, expect_ttl;
	unsigned int size, threads, batch;
	double seconds;
	bool rewrite;
	uint8_t frame[TMPL_MAX];
	unsigned int frame_len; /* set when --frame is given */
};

struct worker {
	pthread_t tid;
	const struct config *cfg;
	unsigned long long sent;
	double cpu_secs; /* this thread's CPU time: below wall time means it was preempted */
	int prog_fd, ifindex, cpu, err;
};

static volatile sig_atomic_t stop;

/* The counter on the server's veth, detached at exit whatever the way out. */
static struct {
	const char *ns;
	int ifindex, prog_fd;
} counter;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double clock_secs(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_secs(CLOCK_MONOTONIC);
}

static void die(const char *what, int err)
{
	fprintf(stderr, "pktgen: %s: %s\n", what, strerror(err));
	exit(1);
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd, err = 0;

	if (!name)
		return 0;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
	return err;
}

/* Ones' complement sum of 16-bit big-endian words, not yet folded. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Ethernet + IPv4 + TCP ACK of an established-looking flow, zero padded to cfg->size. */
static unsigned int build_frame(const struct config *cfg, uint8_t *buf)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *iph = (struct iphdr *)(eth + 1);
	struct tcphdr *tcp = (struct tcphdr *)(iph + 1);
	uint8_t pseudo[12];
	uint32_t sum;

	memset(buf, 0, cfg->size);
	memcpy(eth->h_dest, cfg->dst_mac, ETH_ALEN);
	memcpy(eth->h_source, cfg->src_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);

	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(sizeof(*iph) + sizeof(*tcp));
	iph->id = htons(1);
	iph->frag_off = htons(0x4000); /* DF */
	iph->ttl = cfg->ttl;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = cfg->src_ip.s_addr;
	iph->daddr = cfg->dst_ip.s_addr;
	iph->check = csum_fold(csum_add(0, (uint8_t *)iph, sizeof(*iph)));

	tcp->source = htons(cfg->sport);
	tcp->dest = htons(cfg->dport);
	tcp->seq = htonl(0x10000001);
	tcp->ack_seq = htonl(0x20000001);
	tcp->doff = 5;
	tcp->ack = 1;
	tcp->window = htons(502);
	memcpy(pseudo, &iph->saddr, 4);
	memcpy(pseudo + 4, &iph->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = 0;
	pseudo[11] = sizeof(*tcp);
	sum = csum_add(csum_add(0, pseudo, sizeof(pseudo)), (uint8_t *)tcp, sizeof(*tcp));
	tcp->check = csum_fold(sum);
	return cfg->size;
}

static void *run_worker(void *arg)
{
	struct worker *w = arg;
	struct xdp_md ctx = {
		.data_end = w->cfg->frame_len,
		.ingress_ifindex = (uint32_t)w->ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = w->cfg->frame,
		    .data_size_in = w->cfg->frame_len, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .repeat = FIRST_CALL, .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		    .batch_size = w->cfg->batch);
	double end = now() + w->cfg->seconds;
	cpu_set_t set;

	/* Several generators each get their own CPU; a single one goes where the scheduler likes. */
	if (w->cfg->threads > 1) {
		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}

	for (double t = now(); !stop && t < end;) {
		double rate, next;

		if (bpf_prog_test_run_opts(w->prog_fd, &opts)) {
			if (errno != EINTR)
				w->err = errno;
			break;
		}
		w->sent += (unsigned int)opts.repeat;
		rate = opts.repeat / (now() - t);
		t = now();
		next = rate * (end - t);
		opts.repeat = next < FIRST_CALL ? FIRST_CALL : next > INT_MAX ? INT_MAX : (int)next;
	}
	w->cpu_secs = clock_secs(CLOCK_THREAD_CPUTIME_ID);
	return NULL;
}

static void read_counts(int map_fd, unsigned long long out[2])
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long *vals = calloc((size_t)ncpu, sizeof(*vals));

	if (!vals)
		die("read counter", ENOMEM);
	for (uint32_t key = 0; key < 2; key++) {
		out[key] = 0;
		if (bpf_map_lookup_elem(map_fd, &key, vals))
			die("read counter", errno);
		for (int i = 0; i < ncpu; i++)
			out[key] += vals[i];
	}
	free(vals);
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[ETH_ALEN];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int parse_hex(const char *s, uint8_t *buf, unsigned int *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > TMPL_MAX - 1 || n / 2 < ETH_HLEN)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int byte;

		if (sscanf(s + 2 * i, "%2x", &byte) != 1)
			return -1;
		buf[i] = (uint8_t)byte;
	}
	*len = (unsigned int)(n / 2);
	return 0;
}

static void usage(int code)
{
	static const char text[] =
	    "usage: pktgen --dev IF --count-dev IF --dst-mac MAC --dst-ip IP [options]\n"
	    "  --client-ns NS     netns of --dev (default: current)\n"
	    "  --server-ns NS     netns of --count-dev (default: current)\n"
	    "  --src-mac MAC      default: the MAC of --dev\n"
	    "  --src-ip IP --sport N --dport N --ttl N   (default 10.200.1.1:40000 -> :80, 64)\n"
	    "  --size N           frame bytes without FCS (default 60: 64 on the wire)\n"
	    "  --frame HEX        send these bytes instead of the built frame\n"
	    "  --expect-daddr IP --expect-ttl N --expect-dport N   frames counted as intended\n"
	    "  --seconds S (5) --threads N (1) --batch N (64)\n"
	    "  --no-rewrite       do not restore recycled frames (shows the pitfall)\n"
	    "Prints one JSON object.\n";

	fputs(text, code ? stderr : stdout);
	exit(code);
}

static unsigned long num(const char *s, unsigned long max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*end || v > max) {
		fprintf(stderr, "pktgen: bad number %s\n", s);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	enum {
		O_CNS = 256,
		O_SNS,
		O_DEV,
		O_CDEV,
		O_SMAC,
		O_DMAC,
		O_SIP,
		O_DIP,
		O_SPORT,
		O_DPORT,
		O_TTL,
		O_SIZE,
		O_FRAME,
		O_EDADDR,
		O_ETTL,
		O_EDPORT,
		O_SECS,
		O_THREADS,
		O_BATCH,
		O_NOREWRITE
	};
	static const struct option opts[] = {
		{ "client-ns", 1, 0, O_CNS },	{ "server-ns", 1, 0, O_SNS },
		{ "dev", 1, 0, O_DEV },		{ "count-dev", 1, 0, O_CDEV },
		{ "src-mac", 1, 0, O_SMAC },	{ "dst-mac", 1, 0, O_DMAC },
		{ "src-ip", 1, 0, O_SIP },	{ "dst-ip", 1, 0, O_DIP },
		{ "sport", 1, 0, O_SPORT },	{ "dport", 1, 0, O_DPORT },
		{ "ttl", 1, 0, O_TTL },		{ "size", 1, 0, O_SIZE },
		{ "frame", 1, 0, O_FRAME },	{ "expect-daddr", 1, 0, O_EDADDR },
		{ "expect-ttl", 1, 0, O_ETTL }, { "expect-dport", 1, 0, O_EDPORT },
		{ "seconds", 1, 0, O_SECS },	{ "threads", 1, 0, O_THREADS },
		{ "batch", 1, 0, O_BATCH },	{ "no-rewrite", 0, 0, O_NOREWRITE },
		{ "help", 0, 0, 'h' },		{ 0 },
	};
	bool have_smac = false, have_dmac = false, have_dip = false;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_CNS:
			cfg->client_ns = optarg;
			break;
		case O_SNS:
			cfg->server_ns = optarg;
			break;
		case O_DEV:
			cfg->dev = optarg;
			break;
		case O_CDEV:
			cfg->count_dev = optarg;
			break;
		case O_SMAC:
			have_smac = !parse_mac(optarg, cfg->src_mac);
			if (!have_smac)
				usage(2);
			break;
		case O_DMAC:
			have_dmac = !parse_mac(optarg, cfg->dst_mac);
			if (!have_dmac)
				usage(2);
			break;
		case O_SIP:
			if (inet_pton(AF_INET, optarg, &cfg->src_ip) != 1)
				usage(2);
			break;
		case O_DIP:
			have_dip = inet_pton(AF_INET, optarg, &cfg->dst_ip) == 1;
			if (!have_dip)
				usage(2);
			break;
		case O_SPORT:
			cfg->sport = (uint16_t)num(optarg, 65535);
			break;
		case O_DPORT:
			cfg->dport = (uint16_t)num(optarg, 65535);
			break;
		case O_TTL:
			cfg->ttl = (uint8_t)num(optarg, 255);
			break;
		case O_SIZE:
			cfg->size = (unsigned int)num(optarg, TMPL_MAX - 1);
			break;
		case O_FRAME:
			if (parse_hex(optarg, cfg->frame, &cfg->frame_len))
				usage(2);
			break;
		case O_EDADDR:
			if (inet_pton(AF_INET, optarg, &cfg->expect_daddr) != 1)
				usage(2);
			break;
		case O_ETTL:
			cfg->expect_ttl = (uint8_t)num(optarg, 255);
			break;
		case O_EDPORT:
			cfg->expect_dport = (uint16_t)num(optarg, 65535);
			break;
		case O_SECS:
			cfg->seconds = strtod(optarg, NULL);
			break;
		case O_THREADS:
			cfg->threads = (unsigned int)num(optarg, MAX_THREADS);
			break;
		case O_BATCH:
			cfg->batch = (unsigned int)num(optarg, 256);
			break;
		case O_NOREWRITE:
			cfg->rewrite = false;
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc || !cfg->dev || !cfg->count_dev || cfg->threads < 1 || cfg->seconds <= 0)
		usage(2);
	if (!cfg->frame_len && (!have_dmac || !have_dip || cfg->size < 54))
		usage(2);
}

/* Through an ioctl rather than /sys, which shows the netns it was mounted in, not ours. */
static int dev_mac(const char *dev, uint8_t *mac)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	err = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (err)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

static void detach_counter(void)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = counter.prog_fd);

	if (counter.ifindex && enter_netns(counter.ns) == 0)
		bpf_xdp_detach(counter.ifindex, XDP_FLAGS_DRV_MODE, &opts);
	counter.ifindex = 0;
}

static void attach_counter(const struct config *cfg, int prog_fd)
{
	int ifindex, err = enter_netns(cfg->server_ns);

	if (err)
		die(cfg->server_ns, -err);
	ifindex = (int)if_nametoindex(cfg->count_dev);
	if (!ifindex)
		die(cfg->count_dev, errno);
	err = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST,
			     NULL);
	if (err)
		die("attach counter (is an XDP program already there?)", -err);
	counter.ns = cfg->server_ns;
	counter.ifindex = ifindex;
	counter.prog_fd = prog_fd;
	atexit(detach_counter);
}

static void print_result(const struct config *cfg, unsigned long long sent, double cpu_secs,
			 const unsigned long long before[2], const unsigned long long after[2],
			 double secs)
{
	unsigned long long rx = after[0] - before[0], match = after[1] - before[1];

	printf("{\"seconds\": %.3f, \"threads\": %u, \"frame_bytes\": %u, \"sent\": %llu, "
	       "\"received\": %llu, \"received_as_intended\": %llu, \"mpps\": %.4f, "
	       "\"delivered\": %.4f, \"generator_cpu_share\": %.3f, \"interrupted\": %s}\n",
	       secs, cfg->threads, cfg->frame_len, sent, rx, match, (double)match / secs / 1e6,
	       sent ? (double)match / (double)sent : 0.0, cpu_secs / secs / cfg->threads,
	       stop ? "true" : "false");
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.sport = 40000,
		.dport = 80,
		.ttl = 64,
		.size = 60,
		.threads = 1,
		.batch = 64,
		.seconds = 5,
		.rewrite = true,
	};
	struct worker workers[MAX_THREADS] = { 0 };
	unsigned long long before[2], after[2], sent = 0;
	double t0, t1, cpu_secs = 0;
	int dev_ifindex, err, ncpu;
	struct pktgen_bpf *skel;

	inet_pton(AF_INET, "10.200.1.1", &cfg.src_ip);
	parse_args(argc, argv, &cfg);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	skel = pktgen_bpf__open();
	if (!skel)
		die("open BPF object", errno);
	skel->rodata->rewrite = cfg.rewrite;
	skel->rodata->expect_daddr = cfg.expect_daddr.s_addr;
	skel->rodata->expect_dport = htons(cfg.expect_dport);
	skel->rodata->expect_ttl = cfg.expect_ttl;
	err = pktgen_bpf__load(skel);
	if (err)
		die("load BPF object", -err);

	attach_counter(&cfg, bpf_program__fd(skel->progs.xdp_count));

	err = enter_netns(cfg.client_ns);
	if (err)
		die(cfg.client_ns, -err);
	dev_ifindex = (int)if_nametoindex(cfg.dev);
	if (!dev_ifindex)
		die(cfg.dev, errno);
	if (!cfg.frame_len) {
		bool zero_mac = !memcmp(cfg.src_mac, "\0\0\0\0\0\0", ETH_ALEN);

		if (zero_mac && dev_mac(cfg.dev, cfg.src_mac))
			die("source MAC of --dev (give --src-mac)", ENOENT);
		cfg.frame_len = build_frame(&cfg, cfg.frame);
	}
	memcpy(skel->bss->tmpl, cfg.frame, cfg.frame_len);
	skel->bss->tmpl_len = cfg.frame_len;

	ncpu = libbpf_num_possible_cpus();
	read_counts(bpf_map__fd(skel->maps.counts), before);
	t0 = now();
	for (unsigned int i = 0; i < cfg.threads; i++) {
		workers[i] = (struct worker){
			.prog_fd = bpf_program__fd(skel->progs.xdp_gen),
			.ifindex = dev_ifindex,
			.cpu = (int)i % ncpu,
			.cfg = &cfg,
		};
		err = pthread_create(&workers[i].tid, NULL, run_worker, &workers[i]);
		if (err)
			die("pthread_create", err);
	}
	err = 0;
	for (unsigned int i = 0; i < cfg.threads; i++) {
		pthread_join(workers[i].tid, NULL);
		sent += workers[i].sent;
		cpu_secs += workers[i].cpu_secs;
		if (workers[i].err)
			err = workers[i].err;
	}
	t1 = now();
	usleep(50000); /* let the last batches drain through the receiver's NAPI */
	read_counts(bpf_map__fd(skel->maps.counts), after);

	detach_counter();
	pktgen_bpf__destroy(skel);
	if (err)
		die("BPF_PROG_TEST_RUN", err);

	print_result(&cfg, sent, cpu_secs, before, after, t1 - t0);
	return 0;
}
