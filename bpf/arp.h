/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* ARP for ENI addresses. An interface endpoint's address belongs to no kernel
 * interface (so the host's own services never answer on it): the program answers for it. */
#ifndef XL_BPF_ARP_H
#define XL_BPF_ARP_H

#include "addresses.h"
#include "maps.h"
#include "parse.h"
#include "stats.h"

/* From linux/if_arp.h, which drags in libc headers that do not build for BPF. */
#define ARP_HW_ETHER   1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2

struct arp_ipv4 {
	__be16 hw_type;
	__be16 proto_type;
	__u8 hw_len;
	__u8 proto_len;
	__be16 op;
	__u8 sender_mac[ETH_ALEN];
	__u8 sender_ip[4];
	__u8 target_mac[ETH_ALEN];
	__u8 target_ip[4];
};

/* Answers a request for an ENI address with the MAC of the interface it came in on,
 * if that is the ENI's interface: an ENI exists in its own VPC only. */
static __always_inline int answer_arp(struct xdp_md *ctx, struct packet *pkt)
{
	struct arp_ipv4 *arp = (void *)(pkt->eth + 1);
	__u32 ifindex = ctx->ingress_ifindex;
	struct xl_frontend *entry;
	struct xl_iface *iface;
	__be32 wanted;

	if ((void *)(arp + 1) > (void *)(long)ctx->data_end)
		return verdict(XDP_PASS, XL_PASS_ARP);
	if (arp->hw_type != bpf_htons(ARP_HW_ETHER) || arp->proto_type != bpf_htons(ETH_P_IP) ||
	    arp->hw_len != ETH_ALEN || arp->proto_len != 4 || arp->op != bpf_htons(ARP_OP_REQUEST))
		return verdict(XDP_PASS, XL_PASS_ARP);
	__builtin_memcpy(&wanted, arp->target_ip, 4);
	entry = address_entry(wanted);
	iface = bpf_map_lookup_elem(&xdplink_ifaces_v2, &ifindex);
	if (!iface || !entry || !entry->endpoint || entry->ifindex != ifindex)
		return verdict(XDP_PASS, XL_PASS_ARP);

	arp->op = bpf_htons(ARP_OP_REPLY);
	__builtin_memcpy(arp->target_mac, arp->sender_mac, ETH_ALEN);
	__builtin_memcpy(arp->target_ip, arp->sender_ip, 4);
	__builtin_memcpy(arp->sender_mac, iface->mac, ETH_ALEN);
	__builtin_memcpy(arp->sender_ip, &wanted, 4);
	__builtin_memcpy(pkt->eth->h_dest, arp->target_mac, ETH_ALEN);
	__builtin_memcpy(pkt->eth->h_source, iface->mac, ETH_ALEN);
	return verdict(XDP_TX, XL_ARP_REPLY);
}

#endif
