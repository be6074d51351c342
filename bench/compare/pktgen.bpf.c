// SPDX-License-Identifier: GPL-2.0
/* XDP side of bench/compare/pktgen: xdp_gen transmits the template frame (run through
 * BPF_PROG_TEST_RUN live frames), xdp_count counts and drops what arrives at the server. */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TMPL_MAX 256

enum {
	CNT_ALL,
	CNT_MATCH,
	CNT_MAX
};

/* The frame to send, written by pktgen before it starts. */
__u8 tmpl[TMPL_MAX];
__u32 tmpl_len;

const volatile bool rewrite = true;
/* What a correctly forwarded frame looks like at the server; 0 = do not check. */
const volatile __u32 expect_daddr; /* network order */
const volatile __u16 expect_dport; /* network order */
const volatile __u8 expect_ttl;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* Live-frame pages are recycled without being restored, so a frame rewritten downstream
 * (MACs, TTL, NAT) would come back rewritten: write the whole template on every run. */
SEC("xdp")
int xdp_gen(struct xdp_md *ctx)
{
	__u32 len = tmpl_len & (TMPL_MAX - 1);

	if (!rewrite)
		return XDP_TX;
	if (len < ETH_HLEN)
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, tmpl, len))
		return XDP_ABORTED;
	return XDP_TX;
}

static __always_inline void count(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &key);

	if (v)
		(*v)++;
}

static __always_inline bool is_expected(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = (void *)(long)ctx->data;
	struct iphdr *iph = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(iph + 1);

	if ((void *)(tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return false;
	if (iph->ihl != 5 || iph->protocol != IPPROTO_TCP || !tcp->ack || tcp->syn)
		return false;
	if (expect_daddr && iph->daddr != expect_daddr)
		return false;
	if (expect_ttl && iph->ttl != expect_ttl)
		return false;
	return !expect_dport || tcp->dest == expect_dport;
}

SEC("xdp.frags")
int xdp_count(struct xdp_md *ctx)
{
	count(CNT_ALL);
	if (is_expected(ctx))
		count(CNT_MATCH);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
