/* SPDX-License-Identifier: MIT */
/* The xdplink ABI: every map key and value, constant, reason and hash shared by
 * the XDP program and userspace. Both sides include this file; nothing is defined twice. */
#ifndef XDPLINK_H
#define XDPLINK_H

#include <linux/types.h>

/* ---- Limits and defaults (AWS values where AWS has one) ---------------- */

#define XL_PORTS_PER_POOL		55000 /* SNAT ports per (NLB node IP, target IP:port) */
#define XL_POOL_WORDS			((XL_PORTS_PER_POOL + 63) / 64)
#define XL_DEFAULT_PORT_MIN		1024  /* SNAT ports 1024..56023 */
#define XL_DEFAULT_MAX_CONNS		55000 /* active flows per target */
#define XL_DEFAULT_MAGLEV_SIZE		65537 /* prime, slots per lookup table */
#define XL_DEFAULT_HASH_SEED		0x5eed1234
#define XL_DEFAULT_MAX_FLOWS		1048576
#define XL_DEFAULT_HALF_OPEN_PER_TARGET 4096 /* then SYN cookies, as a full Linux SYN queue */
#define XL_DEFAULT_MAX_FRONTENDS	65536
#define XL_DEFAULT_MAX_ENDPOINTS	4096
#define XL_DEFAULT_MAX_BACKENDS		4096
#define XL_DEFAULT_MAX_MEMBERS		8192 /* registrations: a target may be in several groups */
#define XL_DEFAULT_MAX_POOLS		1024
#define XL_DEFAULT_MAX_TABLES		1024
#define XL_MAX_IFACES			64

/* Slot 0 of the endpoint, member, backend and table arrays is never used: a zero in
 * a Maglev table means "no target", as Katran reserves real 0. */
#define XL_NO_MEMBER  0
#define XL_NO_BACKEND 0

/* ---- Configuration: xdplink_config_v2[0], written by the agent --------- */

struct xl_config {
	__u32 max_conns_per_target; /* active flows a target may hold */
	__u32 maglev_size;	    /* slots in every Maglev table (prime) */
	__u32 hash_seed;	    /* flow hash seed, the same on every node of a fleet */
	__u16 port_min;		    /* first SNAT port of every pool */
	__u16 port_count;	    /* ports per pool, at most XL_PORTS_PER_POOL */
	__u32 flow_homes;	    /* home slots of the flow table (its size less XL_FLOW_HOP) */
	__u16 mss_clamp; /* the largest segment SYNs may announce (path MTU - 40); 0: any */
	__u16 pad;
	__u32 half_open_per_target; /* above this many half-open flows SYNs get SYN cookies */
	__u32 half_open_per_node;   /* the same, for all the node's targets together */
};

/* ---- The clock: xdplink_clock_v2[0], mmapable, written by the agent ------
 * The agent's CLOCK_MONOTONIC in milliseconds, refreshed every 100 ms. Flows are
 * stamped with it: an inlined array read per packet instead of a clock helper call,
 * and timestamps the agent compares with its own clock directly. */

#define XL_CLOCK_TICK_MS 100

struct xl_clock {
	__u64 ms;
	__u32 s; /* the same clock in whole seconds, for idle times */
	__u32 pad;
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

/* ---- Interfaces: xdplink_ifaces_v2, ifindex -> the interface; and
 * xdplink_iface_slots_v1[slot], the same by the small slot a flow records ------ */

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
	__u8 mac[6]; /* the interface's own address: ARP answers, RSTs and replies carry it */
	__u8 role;   /* enum xl_role */
	__u8 slot;   /* in xdplink_iface_slots_v1, 0 .. XL_MAX_IFACES-1 */
	__u32 ifindex;
	__u32 mtu; /* the largest IPv4 packet it carries */
};

/* ---- Frontends: xdplink_frontends_v3, (ENI IP, listener port) -> listener
 * The entry with port 0 marks the address itself: for an ENI it answers ARP and lets
 * the program drop traffic to ports that have no listener; an entry with endpoint 0
 * marks an NLB node address, which consumers must not reach at all. */

struct xl_frontend_key {
	__be32 addr; /* ENI IP */
	__be16 port; /* listener port, or 0 for the ENI itself */
	__u16 pad;
};

enum xl_frontend_flags {
	XL_FE_PROXY_V2 = 1 << 0, /* the target group wants a proxy protocol v2 header */
	/* the endpoint has security groups: its new connections are checked */
	XL_FE_SECURITY_GROUPS = 1 << 1,
};

struct xl_frontend {
	__u32 endpoint;	  /* slot in xdplink_endpoints_v2; 0: an NLB node address */
	__u32 table;	  /* slot in xdplink_maglev_v2: target group x scope */
	__be32 snat_addr; /* NLB node IP of the ENI's AZ: the source targets see */
	__u32 ifindex;	  /* the consumer interface (VPC) the ENI is in: the only one it serves */
	__u32 flags;	  /* enum xl_frontend_flags */
	__u8 iface_slot;  /* that interface's slot, which its new flows record (_v3) */
	__u8 pad[3];
};

/* ---- Endpoints: xdplink_endpoints_v2[slot] ----------------------------- */

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

#define XL_ENDPOINT_ID_LEN 22 /* "vpce-" and 17 hex digits, as AWS's */

struct xl_endpoint {
	__u32 state;		     /* enum xl_endpoint_state */
	char id[XL_ENDPOINT_ID_LEN]; /* for the proxy protocol header, not NUL-terminated */
	__u16 pad;
};

/* ---- Security groups: xdplink_security_groups_v1, an LPM trie ----------------
 * The inbound rules of an endpoint's security groups, by (endpoint slot, source prefix):
 * the TCP ports a client in the prefix may open connections to. An entry holds the ports of
 * every rule whose source contains its prefix, so the longest match alone decides; no
 * match refuses. Only frontends flagged XL_FE_SECURITY_GROUPS look here, and only for a
 * connection's first packet: established flows keep going, as AWS's connection tracking
 * keeps them when a group changes. */

#define XL_SG_MAX_RANGES	   300	 /* AWS's most: 5 groups of 60 inbound rules */
#define XL_SG_SEARCH_STEPS	   9	 /* 2^9 > XL_SG_MAX_RANGES: a binary search's steps */
#define XL_DEFAULT_MAX_SG_PREFIXES 65536 /* entries of the trie, made as rules need them */
#define XL_SG_KEY_ENDPOINT_BITS	   32	 /* the endpoint slot, matched whole */

struct xl_sg_key {
	__u32 prefixlen; /* XL_SG_KEY_ENDPOINT_BITS + the source prefix's length */
	__u32 endpoint;	 /* endpoint slot */
	__be32 source;	 /* the source prefix's address */
};

struct xl_port_range {
	__u16 from; /* host order, inclusive */
	__u16 to;
};

struct xl_sg_ports {
	__u32 count; /* ranges used, sorted and apart from each other */
	struct xl_port_range ranges[XL_SG_MAX_RANGES];
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

/* Active flows per backend: xdplink_conns_v2[slot], mmapable, the count the
 * connection limit applies to, and of those the half-open ones, which decide when SYNs
 * get cookies. The data path adds with an atomic fetch-add; the agent's collector
 * subtracts atomically. xdplink_member_conns_v2 counts a member's flows the same way,
 * for its statistics only. xdplink_half_open_v1[0] counts the node's half-open flows. */
struct xl_conns {
	__u32 active;
	__u32 half_open; /* flows whose client has not yet acknowledged the target's answer */
};

/* ---- Members (registrations: target group x backend): xdplink_members_v1[slot]
 * Maglev tables hold member slots, so that a target registered in two target groups
 * is counted per group (xdplink_member_stats_v1, xdplink_member_conns_v2, as
 * CloudWatch counts), while its connection limit stays with its backend. */

struct xl_member {
	__u32 backend; /* slot in xdplink_backends_v2; XL_NO_BACKEND: none */
	__u32 pad;
};

/* ---- SNAT port pools ---------------------------------------------------
 * xdplink_pool_index_v2: (SNAT IP, target IP:port) -> pool slot, for new flows and
 * for replies alike.
 * xdplink_pools_v1[slot]: mmapable; bit i of the bitmap is port port_min + i.
 * The data path claims a port with an atomic fetch-or; the agent releases it
 * with an atomic fetch-and, after the reuse delay for FIN-closed flows.
 * xdplink_pool_flows_v1[slot]: an array of XL_PORTS_PER_POOL flow slots, the slot of
 * the flow that holds each port: how a reply finds its flow. An entry is only a hint,
 * checked against the flow it names, so it is never cleared. */

struct xl_pool_key {
	__be32 snat_addr;
	__be32 target_addr;
	__be16 target_port;
	__u16 pad;
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

/* ---- Flows: xdplink_flows_v4, an open-addressing hash table in an array ----
 * Exact, never evicting (an eviction would leak a count and a port), one cache line
 * per flow with its key inside, so that a packet costs one cold line and a new flow
 * no allocation at all. A flow's home slot is its hash scaled to flow_homes; it lives
 * at home + i for the first i < XL_FLOW_HOP that was free when it was inserted, and
 * bit i of the home slot's `hop` says so: a lookup visits only those slots. When all
 * XL_FLOW_HOP are taken (rare below full capacity: linear probing clusters), the flow
 * goes to the window of its second home, a home of another hash of the same key, and
 * its first home's XL_FLOW_OVERFLOW bit sends lookups there too. The array has
 * flow_homes + XL_FLOW_HOP slots, so that no window wraps around.
 *
 * A slot's `state` word holds what it is (enum xl_slot_kind), the flow's flags and
 * a tag from its hash, and changes only by atomic operations: the data path claims an
 * empty slot with a compare-and-swap, publishes the flow, then sets the hop bit; the
 * agent, the only one to remove flows, swaps a flow's state to busy (the swap that
 * succeeds owns the flow's count and port), clears the hop bit, then empties it.
 *
 * xdplink_flow_pages_v1: bit p is set when a flow was inserted among slots
 * 64p .. 64p+63, so the agent's collector reads only the parts of the table in use. */

#define XL_FLOW_HOP	   31	      /* the slots of a home's window */
#define XL_FLOW_OVERFLOW   (1u << 31) /* hop: some flow of this home is in its second window */
#define XL_FLOW_PAGE_SLOTS 64	      /* slots per bit of xdplink_flow_pages_v1 */
#define XL_FLOW_SLACK_NUM  7	      /* the table has 7/4 home slots per flow of capacity */
#define XL_FLOW_SLACK_DEN  4

enum xl_slot_kind {
	XL_SLOT_EMPTY = 0,
	XL_SLOT_BUSY = 1, /* being written by the data path, or removed by the agent */
	XL_SLOT_FLOW = 2,
	XL_SLOT_RETIRED = 3, /* a closed flow the data path gave up, out of every window: the
			      * collector gives back its count and port and empties it */
};

#define XL_SLOT_KIND_MASK 0x3u
#define XL_FLOW_TAG_SHIFT 10 /* state bits 10..31: bits of the flow's hash */
#define XL_FLOW_TAG_MASK  (~0u << XL_FLOW_TAG_SHIFT)

/* How far a flow has come, bits 2..9 of the slot's state, each set once by an atomic
 * fetch-or (a SYN that reopens a closed flow clears the closing ones by a swap). */
enum xl_flow_flags {
	XL_FLOW_FIN_CLIENT = 1 << 2,
	XL_FLOW_RST_CLIENT = 1 << 3,
	XL_FLOW_FIN_TARGET = 1 << 4,
	XL_FLOW_RST_TARGET = 1 << 5,
	XL_FLOW_ANSWERED = 1 << 6,    /* the client ACKed the target's answer: not half-open */
	XL_FLOW_SECOND_HOME = 1 << 7, /* in its second home's window (set at insertion) */
	XL_FLOW_COOKIE = 1 << 8, /* opened by a SYN-cookie ACK, the target's handshake pending */
	XL_FLOW_PROXY_HEADER = 1 << 9, /* a proxy protocol v2 header precedes the client's bytes */
};

#define XL_FLOW_CLOSING                                                                            \
	(XL_FLOW_FIN_CLIENT | XL_FLOW_RST_CLIENT | XL_FLOW_FIN_TARGET | XL_FLOW_RST_TARGET)

struct xl_flow_key {
	__be32 client_addr;
	__be32 eni_addr;
	__be16 client_port;
	__be16 eni_port;
};

struct xl_flow {
	__u32 hop;   /* as a home slot: bit i set when a flow of this home is at slot + i */
	__u32 state; /* enum xl_slot_kind | enum xl_flow_flags | tag */
	struct xl_flow_key key;
	__u32 member;	   /* the registration it counts to: target group x backend */
	__u32 endpoint;	   /* slot in xdplink_endpoints_v2 */
	__be32 snat_addr;  /* the NLB node IP the target sees */
	__u32 client_next; /* the client's number the target expects next (its last ACK) */
	__u32 target_next; /* the target's number the client expects next, in the target's */
	__u32 seq_shift;   /* the target's numbers less the client's view of them */
	__u32 client_isn;  /* the client's initial sequence number */
	__u16 pool;	   /* slot in xdplink_pools_v1: the SNAT port's pool */
	__be16 snat_port;
	__u8 client_mac[6];	 /* the neighbour the client's SYN came from */
	__u16 last_seen;	 /* the clock (s, wrapping) at the last packet either way */
	__u8 iface;		 /* the interface (VPC) of the client: xdplink_iface_slots_v1 */
	__u8 window_shifts;	 /* window scale: the client's (low nibble), the target's (high) */
	__u8 client_window_log2; /* the largest window the client advertised, log2 bytes */
	__u8 target_window_log2; /* the same for the target */
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
	  "truncated or invalid IPv4, or TCP with IP options, fragmented, or with its header "     \
	  "past the frame's first buffer: left to the host")                                       \
	X(PASS_ARP, "pass_arp", "ARP not for an ENI: left to the host")                            \
	X(ARP_REPLY, "arp_reply", "ARP request for an ENI answered")                               \
	X(FWD_NEW_FLOW, "fwd_new_flow", "SYN opened a flow to a target")                           \
	X(FWD_TO_TARGET, "fwd_to_target", "packet of a flow forwarded to its target")              \
	X(FWD_TO_CLIENT, "fwd_to_client", "reply forwarded back to the client")                    \
	X(DROP_ENDPOINT_STATE, "drop_endpoint_state", "endpoint not available")                    \
	X(DROP_NO_LISTENER, "drop_no_listener", "TCP to an ENI port without listener")             \
	X(DROP_SECURITY_GROUP, "drop_security_group",                                              \
	  "new connection's packet from a client no inbound rule of the endpoint's security "      \
	  "groups allows on that port: dropped")                                                   \
	X(DROP_OTHER_VPC, "drop_other_vpc", "traffic for an ENI from another interface (VPC)")     \
	X(DROP_NODE_ADDRESS, "drop_node_address", "consumer traffic to an NLB node address")       \
	X(DROP_NOT_TCP, "drop_not_tcp", "non-TCP to an ENI: endpoints carry IPv4/TCP only")        \
	X(DROP_BAD_PACKET, "drop_bad_packet",                                                      \
	  "invalid IPv4, or TCP with IP options, fragmented, or with its header past the "         \
	  "frame's first buffer, to an ENI: never rewritten")                                      \
	X(DROP_NO_NEIGH, "drop_no_neigh", "SYN dropped: next hop to target not resolved yet")      \
	X(DROP_NO_ROUTE, "drop_no_route", "no route to the target")                                \
	X(DROP_TX_ERROR, "drop_tx_error", "could not build the RST to send")                       \
	X(DROP_STRAY_RST, "drop_stray_rst",                                                        \
	  "RST without a flow: dropped, a RST is never answered")                                  \
	X(DROP_SYN_RACE, "drop_syn_race", "copy of a SYN that another CPU already forwarded")      \
	X(DROP_RST_OUT_OF_WINDOW, "drop_rst_out_of_window",                                        \
	  "RST outside the receiver's window: not of the connection, the flow unchanged")          \
	X(DROP_BAD_CHECKSUM, "drop_bad_checksum", "SYN with a wrong TCP checksum: opens no flow")  \
	X(DROP_NOT_FROM_TARGET, "drop_not_from_target",                                            \
	  "packet to a SNAT port not from the target's next hop (an interface facing both)")       \
	X(DROP_COOKIE_PENDING, "drop_cookie_pending",                                              \
	  "client packet out of window, or a RST, while its SYN-cookie connection opens")          \
	X(FWD_COOKIE_SYN_AGAIN, "fwd_cookie_syn_again",                                            \
	  "client packet while its SYN-cookie connection opens: the SYN to the target sent again") \
	X(SYN_COOKIE_SENT, "syn_cookie_sent",                                                      \
	  "SYN answered with a SYN cookie: too many half-open flows to its target or node")        \
	X(FWD_COOKIE_FLOW, "fwd_cookie_flow",                                                      \
	  "ACK with a valid SYN cookie: a flow opened to a target")                                \
	X(FWD_PROXY_HEADER, "fwd_proxy_header",                                                    \
	  "client's first payload (or its retransmission) sent with a proxy protocol v2 header")   \
	X(FWD_PROXY_CUT, "fwd_proxy_cut",                                                          \
	  "first payload too big for the path with its proxy protocol header (the client ignored " \
	  "the MSS): its head sent with the header, the rest left for the client to send again")   \
	X(DROP_PROXY_TOO_BIG, "drop_proxy_too_big",                                                \
	  "first payload with a proxy protocol header: not even 2 bytes of it fit the path's MTU") \
	X(DROP_PROXY_BEFORE_HEADER, "drop_proxy_before_header",                                    \
	  "client bytes numbered before its first byte, where the proxy protocol header goes")     \
	X(FWD_PROXY_SYN_DATA, "fwd_proxy_syn_data",                                                \
	  "SYN with data (TCP Fast Open) to a proxy protocol target: sent on without the data")    \
	X(FWD_ICMP_TO_TARGET, "fwd_icmp_to_target",                                                \
	  "ICMP error about a packet to a client: translated and sent to the flow's target")       \
	X(FWD_ICMP_TO_CLIENT, "fwd_icmp_to_client",                                                \
	  "ICMP error about a packet to a target: translated and sent to the flow's client")       \
	X(TX_COOKIE_HANDSHAKE, "tx_cookie_handshake",                                              \
	  "target's SYN-ACK to a SYN-cookie flow: acknowledged to the target, not sent on")        \
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

/* The flow table's place for a hash of xl_flow_hash: the home slot (its top bits,
 * scaled without a division) and the tag kept in the slot's state (its low bits). */
static inline __u32 xl_flow_home(__u32 hash, __u32 homes)
{
	return (__u32)(((__u64)hash * homes) >> 32);
}

static inline __u32 xl_flow_tag(__u32 hash)
{
	return hash << XL_FLOW_TAG_SHIFT;
}

/* The second home's hash: the same key, its bits moved and mixed again. */
static inline __u32 xl_flow_second_hash(__u32 hash)
{
	return xl_rol32(hash, 16) * 0x9e3779b1u;
}

/* The filter bit of an address (network order). */
static inline __u32 xl_address_bit(__be32 addr)
{
	__u32 h = (__u32)addr * 0x9e3779b1u; /* Fibonacci hashing: the top bits mix all */

	return h >> (32 - XL_ADDRESS_FILTER_BITS_LOG2);
}

#endif
