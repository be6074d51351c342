// SPDX-License-Identifier: GPL-2.0
/* Bare XDP IPv4 router for the "xdp-bare" benchmark path: the ceiling of a veth pair with XDP.
 * FIB lookup, MAC rewrite, TTL decrement, redirect through a devmap; anything else goes up. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define AF_INET 2

/* Filled by xdp_fwd_load with ifindex -> ifindex for every interface the program is on. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

/* RFC 1624: TTL is the high byte of its 16-bit word, so TTL-1 lowers the word by 0x0100
 * and the stored (complemented) checksum rises by the same amount, end-around carry. */
static __always_inline void ttl_decrement(struct iphdr *iph)
{
	__u32 sum = (__u32)iph->check + bpf_htons(0x0100);

	iph->check = (__u16)(sum + (sum >> 16));
	iph->ttl--;
}

SEC("xdp.frags")
int xdp_fwd(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth = data;
	struct iphdr *iph;
	int rc;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end || iph->ihl < 5)
		return XDP_PASS;
	/* Let the kernel send ICMP time exceeded. */
	if (iph->ttl <= 1)
		return XDP_PASS;

	fib.family = AF_INET;
	fib.tos = iph->tos;
	fib.l4_protocol = iph->protocol;
	fib.tot_len = bpf_ntohs(iph->tot_len);
	fib.ipv4_src = iph->saddr;
	fib.ipv4_dst = iph->daddr;
	fib.ifindex = ctx->ingress_ifindex;

	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;
	/* Only rewrite what we can also send: an unknown egress goes up untouched. */
	if (fib.ifindex != ctx->ingress_ifindex && !bpf_map_lookup_elem(&tx_ports, &fib.ifindex))
		return XDP_PASS;

	ttl_decrement(iph);
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);

	if (fib.ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	return bpf_redirect_map(&tx_ports, fib.ifindex, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
