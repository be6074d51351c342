/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Our addresses: the Bloom filter that lets every other address through after one
 * array read, the marker entries of ENI and NLB node addresses, and the listeners. */
#ifndef XL_BPF_ADDRESSES_H
#define XL_BPF_ADDRESSES_H

#include "maps.h"
#include "parse.h"

/* False: certainly not an ENI or node address. True: maybe (a false positive is
 * settled by the hash lookups that follow). */
static __always_inline int maybe_ours(__be32 addr)
{
	__u32 bit = xl_address_bit(addr), word = bit / 64;
	struct xl_address_word *w = bpf_map_lookup_elem(&xdplink_addresses_v1, &word);

	return w && (w->bits & (1ULL << (bit % 64)));
}

/* The marker entry of an ENI or NLB node address, or NULL. */
static __always_inline struct xl_frontend *address_entry(__be32 addr)
{
	struct xl_frontend_key key = { .addr = addr, .port = 0 };

	if (!maybe_ours(addr))
		return NULL;
	return bpf_map_lookup_elem(&xdplink_frontends_v3, &key);
}

/* The listener a packet is for; port 0 marks the ENI's address, and is no listener. */
static __always_inline struct xl_frontend *listener_of(const struct packet *pkt)
{
	struct xl_frontend_key key = { .addr = pkt->ip->daddr, .port = pkt->tcp->dest };

	if (!key.port)
		return NULL;
	return bpf_map_lookup_elem(&xdplink_frontends_v3, &key);
}

#endif
