/* SPDX-License-Identifier: MIT */
/* The xdplink ABI: every map key and value, constant, reason and hash shared by
 * the XDP program and userspace. Both sides include this file; nothing is defined twice. */
#ifndef XDPLINK_H
#define XDPLINK_H

#include <linux/types.h>

/* ---- Limits and defaults (AWS values where AWS has one) ---------------- */

#define XL_PORTS_PER_POOL	 55000 /* SNAT ports per (NLB node IP, target IP:port) */
#define XL_POOL_WORDS		 ((XL_PORTS_PER_POOL + 63) / 64)
#define XL_DEFAULT_PORT_MIN	 1024  /* SNAT ports 1024..56023 */
#define XL_DEFAULT_MAX_CONNS	 55000 /* active flows per target */
#define XL_DEFAULT_MAGLEV_SIZE	 65537 /* prime, slots per lookup table */
#define XL_DEFAULT_HASH_SEED	 0x5eed1234
#define XL_DEFAULT_MAX_FLOWS	 1048576
#define XL_DEFAULT_MAX_FRONTENDS 65536
#define XL_DEFAULT_MAX_ENDPOINTS 4096
#define XL_DEFAULT_MAX_BACKENDS	 4096
#define XL_DEFAULT_MAX_MEMBERS	 8192 /* registrations: a target may be in several groups */
#define XL_DEFAULT_MAX_POOLS	 1024
#define XL_DEFAULT_MAX_TABLES	 1024
#define XL_MAX_IFACES		 64

/* Slot 0 of the endpoint, member, backend and table arrays is never used: a zero in
 * a Maglev table means "no target", as Katran reserves real 0. */
#define XL_NO_MEMBER  0
#define XL_NO_BACKEND 0

/* ---- Configuration: xdplink_config_v1[0], written by the agent --------- */

struct xl_config {
	__u32 max_conns_per_target; /* active flows a target may hold */
	__u32 maglev_size;	    /* slots in every Maglev table (prime) */
	__u32 hash_seed;	    /* flow hash seed, the same on every node of a fleet */
	__u16 port_min;		    /* first SNAT port of every pool */
	__u16 port_count;	    /* ports per pool, at most XL_PORTS_PER_POOL */
};

/* ---- The clock: xdplink_clock_v1[0], mmapable, written by the agent ------
 * The agent's CLOCK_MONOTONIC in milliseconds, refreshed every 100 ms. Flows are
 * stamped with it: an inlined array read per packet instead of a clock helper call,
 * and timestamps the agent compares with its own clock directly. */

#define XL_CLOCK_TICK_MS 100

struct xl_clock {
	__u64 ms;
};

/* ---- Our addresses: xdplink_addresses_v1, a one-hash Bloom filter ---------
 * Bit xl_address_bit(addr) is set for every ENI and NLB node address, so that a
 * packet to any other address is left to the host after one array read, without a
 * hash lookup. A set bit may be a false positive: the lookups that follow decide. */

#define XL_ADDRESS_FILTER_BITS_LOG2 18 /* 262,144 bits */
#define XL_ADDRESS_FILTER_WORDS	    ((1u << XL_ADDRESS_FILTER_BITS_LOG2) / 64)

struct xl_address_word {
	__u64 bits;
};

/* ---- Interfaces: xdplink_ifaces_v1, ifindex -> role and MAC ------------- */

/* X(id, value, name, meaning): XL_ROLE_<id> = value, called "name" by the API and CLI. */
#define XL_ROLES(X)                                                                                \
	X(CONSUMER, 1, "consumer", "faces interface endpoints (ENIs) and their clients")           \
	X(PROVIDER, 2, "provider", "faces the targets of the target groups")                       \
	X(BOTH, 3, "both", "one interface facing both (\"on a stick\")")

#define XL_ROLE_ENUM(id, value, name, text) XL_ROLE_##id = value,
enum xl_role {
	XL_ROLES(XL_ROLE_ENUM)
};
#undef XL_ROLE_ENUM

struct xl_iface {
	__u8 mac[6]; /* the interface's own address, used to answer ARP for ENIs */
	__u8 role;   /* enum xl_role */
	__u8 pad;
};

/* ---- Frontends: xdplink_frontends_v1, (ENI IP, listener port) -> listener
 * The entry with port 0 marks the address itself: for an ENI it answers ARP and lets
 * the program drop traffic to ports that have no listener; an entry with endpoint 0
 * marks an NLB node address, which consumers must not reach at all. */

struct xl_frontend_key {
	__be32 addr; /* ENI IP */
	__be16 port; /* listener port, or 0 for the ENI itself */
	__u16 pad;
};

struct xl_frontend {
	__u32 endpoint;	  /* slot in xdplink_endpoints_v1; 0: an NLB node address */
	__u32 table;	  /* slot in xdplink_maglev_v2: target group x scope */
	__be32 snat_addr; /* NLB node IP of the ENI's AZ: the source targets see */
	__u32 ifindex;	  /* the consumer interface (VPC) the ENI is in: the only one it serves */
};

/* ---- Endpoints: xdplink_endpoints_v1[slot] ----------------------------- */

/* Interface endpoint states: X(id, value, name), XL_EP_<id> = value, with AWS's name.
 * Only AVAILABLE carries traffic. */
#define XL_ENDPOINT_STATES(X)                                                                      \
	X(PENDING_ACCEPTANCE, 1, "pendingAcceptance")                                              \
	X(PENDING, 2, "pending")                                                                   \
	X(AVAILABLE, 3, "available")                                                               \
	X(REJECTED, 4, "rejected")                                                                 \
	X(DELETING, 5, "deleting")                                                                 \
	X(DELETED, 6, "deleted")                                                                   \
	X(FAILED, 7, "failed")

#define XL_EP_ENUM(id, value, name) XL_EP_##id = value,
enum xl_endpoint_state {
	XL_ENDPOINT_STATES(XL_EP_ENUM)
};
#undef XL_EP_ENUM

struct xl_endpoint {
	__u32 state; /* enum xl_endpoint_state */
	__u32 pad;
};

/* ---- Backends (unique target IP:port): xdplink_backends_v2[slot] -------- */

enum xl_backend_flags {
	/* Reset the packets of this target's existing flows: it is unhealthy, or
	 * deregistered past its delay, with connection termination on. */
	XL_BE_RESET_FLOWS = 1 << 0,
};

struct xl_backend {
	__be32 addr;
	__be16 port;
	__u8 flags; /* enum xl_backend_flags */
	__u8 pad;
	/* Next hop towards the target, cached by the data path from bpf_fib_lookup()
	 * so that established packets skip the FIB. The agent zeroes it on writes. */
	__u32 nh_ifindex; /* 0: not resolved */
	__u8 nh_dmac[6];
	__u8 nh_smac[6];
	__u64 nh_expires; /* the clock (ms) after which it is looked up again */
};

/* Active flows per backend: xdplink_conns_v1[slot], mmapable, the count the
 * connection limit applies to. The data path adds with an atomic fetch-add; the
 * agent's collector subtracts atomically. xdplink_member_conns_v1 counts a member's
 * flows the same way, for its statistics only. */
struct xl_conns {
	__u32 active;
	__u32 pad;
};

/* ---- Members (registrations: target group x backend): xdplink_members_v1[slot]
 * Maglev tables hold member slots, so that a target registered in two target groups
 * is counted per group (xdplink_member_stats_v1, xdplink_member_conns_v1, as
 * CloudWatch counts), while its connection limit stays with its backend. */

struct xl_member {
	__u32 backend; /* slot in xdplink_backends_v2; XL_NO_BACKEND: none */
	__u32 pad;
};

/* ---- SNAT port pools ---------------------------------------------------
 * xdplink_pool_index_v1: (SNAT IP, backend) -> pool slot.
 * xdplink_pools_v1[slot]: mmapable; bit i of the bitmap is port port_min + i.
 * The data path claims a port with an atomic fetch-or; the agent releases it
 * with an atomic fetch-and, after the reuse delay for FIN-closed flows. */

struct xl_pool_key {
	__be32 snat_addr;
	__u32 backend;
};

struct xl_pool_slot {
	__u32 pool;
	__u32 pad;
};

struct xl_port_pool {
	__u32 cursor; /* word where the next search starts */
	__u32 pad;
	__u64 used[XL_POOL_WORDS];
};

/* ---- Flows: xdplink_flows_v3 (consumer side) and xdplink_rnat_v3 (provider
 * side). Plain hash maps, never LRU: an eviction would leak a count and a port. */

/* How a flow is closing. Both sides' FINs and RSTs are recorded in the flow entry,
 * so that the collector decides from the flow table alone. */
enum xl_flow_flags {
	XL_FLOW_FIN_CLIENT = 1 << 0,
	XL_FLOW_RST_CLIENT = 1 << 1,
	XL_FLOW_FIN_TARGET = 1 << 2,
	XL_FLOW_RST_TARGET = 1 << 3,
};

struct xl_flow_key {
	__be32 client_addr;
	__be32 eni_addr;
	__be16 client_port;
	__be16 eni_port;
};

struct xl_flow {
	__u32 backend; /* the unique target: its connection limit and next hop */
	__u32 member;  /* the registration it counts to: target group x backend */
	__u32 pool;
	__u32 endpoint;
	__be32 target_addr;
	__be32 snat_addr;
	__be16 target_port;
	__be16 snat_port;
	__u8 flags;    /* enum xl_flow_flags */
	__u8 answered; /* the client ACKed the target's answer to its connection's SYN */
	__u8 pad[2];
	__u32 seq_delta; /* bytes inserted towards the target (proxy protocol v2) */
	__u32 ifindex;	 /* the interface (VPC) the client is in: the only one it is served on */
	__u64 last_seen; /* the clock (ms) at the last client packet, or at a FIN or RST */
};

struct xl_rnat_key {
	__be32 target_addr;
	__be32 snat_addr;
	__be16 target_port;
	__be16 snat_port;
};

struct xl_rnat {
	__be32 client_addr;
	__be32 eni_addr;
	__be16 client_port;
	__be16 eni_port;
	__u32 endpoint;
	__u32 member; /* the reply's traffic counts to it */
	/* The way back to the client: the interface and L2 neighbour its SYN came
	 * from. An ENI has no kernel address, so replies return the way they came. */
	__u32 ifindex;
	__u8 client_mac[6];
	__u8 eni_mac[6];
	__u32 seq_delta; /* subtracted from acks towards the client (proxy protocol v2) */
	__u64 last_seen; /* the clock (ms) at the last target packet */
};

/* ---- Statistics (per-CPU; the agent sums) ------------------------------ */

/* Traffic of one member (xdplink_member_stats_v1) or one endpoint
 * (xdplink_endpoint_stats_v1). "in" is towards the target, "out" towards the client. */
struct xl_traffic {
	__u64 new_flows;
	__u64 packets_in;
	__u64 bytes_in;
	__u64 packets_out;
	__u64 bytes_out;
	__u64 resets;		 /* RSTs the load balancer sent (TCP_ELB_Reset_Count) */
	__u64 port_alloc_errors; /* PortAllocationErrorCount */
	__u64 drops;		 /* packets dropped: endpoint not available */
};

/* What happened to every packet, counted in xdplink_reasons_v1[reason]. */
#define XL_REASONS(X)                                                                              \
	X(PASS_NOT_IPV4, "pass_not_ipv4", "not IPv4 or ARP: left to the host")                     \
	X(PASS_NOT_OURS, "pass_not_ours", "IPv4 not for an ENI or SNAT flow: left to the host")    \
	X(PASS_MALFORMED, "pass_malformed",                                                        \
	  "truncated or invalid IPv4, or TCP with IP options or fragmented: left to the host")     \
	X(PASS_ARP, "pass_arp", "ARP not for an ENI: left to the host")                            \
	X(ARP_REPLY, "arp_reply", "ARP request for an ENI answered")                               \
	X(FWD_NEW_FLOW, "fwd_new_flow", "SYN opened a flow to a target")                           \
	X(FWD_TO_TARGET, "fwd_to_target", "packet of a flow forwarded to its target")              \
	X(FWD_TO_CLIENT, "fwd_to_client", "reply forwarded back to the client")                    \
	X(DROP_ENDPOINT_STATE, "drop_endpoint_state", "endpoint not available")                    \
	X(DROP_NO_LISTENER, "drop_no_listener", "TCP to an ENI port without listener")             \
	X(DROP_OTHER_VPC, "drop_other_vpc", "traffic for an ENI from another interface (VPC)")     \
	X(DROP_NODE_ADDRESS, "drop_node_address", "consumer traffic to an NLB node address")       \
	X(DROP_NOT_TCP, "drop_not_tcp", "non-TCP to an ENI: endpoints carry IPv4/TCP only")        \
	X(DROP_BAD_PACKET, "drop_bad_packet",                                                      \
	  "invalid IPv4, or TCP with IP options or fragmented, to an ENI: never rewritten")        \
	X(DROP_NO_NEIGH, "drop_no_neigh", "SYN dropped: next hop to target not resolved yet")      \
	X(DROP_NO_ROUTE, "drop_no_route", "no route to the target")                                \
	X(DROP_TX_ERROR, "drop_tx_error", "could not build the RST to send")                       \
	X(DROP_STRAY_RST, "drop_stray_rst",                                                        \
	  "RST without a flow: dropped, a RST is never answered")                                  \
	X(DROP_SYN_RACE, "drop_syn_race", "copy of a SYN that another CPU already forwarded")      \
	X(DROP_INTERNAL, "drop_internal", "configuration missing or inconsistent")                 \
	X(RST_NO_FLOW, "rst_no_flow", "RST: packet without a flow (not a SYN, or expired)")        \
	X(RST_NO_TARGET, "rst_no_target", "RST: no target available for the endpoint")             \
	X(RST_TARGET_FULL, "rst_target_full", "RST: target at its connection limit")               \
	X(RST_NO_PORT, "rst_no_port", "RST: no free SNAT port for the target")                     \
	X(RST_FLOW_TABLE_FULL, "rst_flow_table_full", "RST: flow table full")                      \
	X(RST_TARGET_RESET, "rst_target_reset", "RST: flow to an unhealthy or drained target")

#define XL_REASON_ENUM(id, name, text) XL_##id,
enum xl_reason {
	XL_REASONS(XL_REASON_ENUM) XL_REASON_COUNT
};
#undef XL_REASON_ENUM

/* ---- Hashes shared by both sides ------------------------------------------
 * The flow hash, so that userspace can tell which Maglev slot a flow takes.
 * Bob Jenkins' lookup3 final mix over the 4-tuple; the protocol is always TCP. */

static inline __u32 xl_rol32(__u32 word, unsigned int shift)
{
	return (word << shift) | (word >> ((-shift) & 31));
}

static inline __u32 xl_flow_hash(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport, __u32 seed)
{
	__u32 a = (__u32)saddr + seed + 0xdeadbeef + 12;
	__u32 b = (__u32)daddr + seed + 0xdeadbeef + 12;
	__u32 c = (((__u32)sport << 16) | (__u32)dport) + seed + 0xdeadbeef + 12;

	c ^= b;
	c -= xl_rol32(b, 14);
	a ^= c;
	a -= xl_rol32(c, 11);
	b ^= a;
	b -= xl_rol32(a, 25);
	c ^= b;
	c -= xl_rol32(b, 16);
	a ^= c;
	a -= xl_rol32(c, 4);
	b ^= a;
	b -= xl_rol32(a, 14);
	c ^= b;
	c -= xl_rol32(b, 24);
	return c;
}

/* The filter bit of an address (network order). */
static inline __u32 xl_address_bit(__be32 addr)
{
	__u32 h = (__u32)addr * 0x9e3779b1u; /* Fibonacci hashing: the top bits mix all */

	return h >> (32 - XL_ADDRESS_FILTER_BITS_LOG2);
}

#endif
