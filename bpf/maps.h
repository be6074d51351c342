/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* The maps of the data path. Sizes are defaults: the agent (or a test) sets them
 * before load, and pins every map by its name so that a restart keeps all flows. */
#ifndef XL_BPF_MAPS_H
#define XL_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdplink.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xl_config);
} xdplink_config_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE); /* the agent writes it in place */
	__type(key, __u32);
	__type(value, struct xl_clock);
} xdplink_clock_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_ADDRESS_FILTER_WORDS);
	__uint(map_flags, BPF_F_MMAPABLE); /* the agent writes it in place */
	__type(key, __u32);
	__type(value, struct xl_address_word);
} xdplink_addresses_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XL_MAX_IFACES);
	__type(key, __u32); /* ifindex */
	__type(value, struct xl_iface);
} xdplink_ifaces_v2 SEC(".maps");

/* The same interfaces by slot: what a flow records of its client's interface. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct xl_iface);
} xdplink_iface_slots_v1 SEC(".maps");

/* Every attached interface, so that XDP_REDIRECT can reach it. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XL_MAX_IFACES);
	__type(key, __u32);
	__type(value, __u32);
} xdplink_tx_ports_v1 SEC(".maps");

/* _v3: an entry names its interface's slot too, and takes memory only once written
 * (65,536 preallocated entries were 6 MB, as much as 50,000 flows). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XL_DEFAULT_MAX_FRONTENDS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xl_frontend_key);
	__type(value, struct xl_frontend);
} xdplink_frontends_v3 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_DEFAULT_MAX_ENDPOINTS);
	__type(key, __u32);
	__type(value, struct xl_endpoint);
} xdplink_endpoints_v2 SEC(".maps");

/* The inbound rules of endpoints' security groups (security_group.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XL_DEFAULT_MAX_SG_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* a trie takes memory entry by entry */
	__type(key, struct xl_sg_key);
	__type(value, struct xl_sg_ports);
} xdplink_security_groups_v1 SEC(".maps");

/* One Maglev table per (target group, scope); the agent builds a new inner map
 * and swaps it in with one update, so a lookup never sees a half-built table.
 * _v2: its entries are member slots (they were backend slots). */
struct xl_maglev_table {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_DEFAULT_MAGLEV_SIZE);
	__uint(map_flags, BPF_F_INNER_MAP); /* tables of any configured size */
	__type(key, __u32);
	__type(value, __u32); /* member slot */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, XL_DEFAULT_MAX_TABLES);
	__type(key, __u32);
	__array(values, struct xl_maglev_table);
} xdplink_maglev_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_DEFAULT_MAX_MEMBERS);
	__type(key, __u32);
	__type(value, struct xl_member);
} xdplink_members_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_DEFAULT_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct xl_backend);
} xdplink_backends_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_DEFAULT_MAX_BACKENDS);
	__uint(map_flags, BPF_F_MMAPABLE); /* the agent decrements in place */
	__type(key, __u32);
	__type(value, struct xl_conns);
} xdplink_conns_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE); /* the agent decrements in place */
	__type(key, __u32);
	__type(value, __u64);
} xdplink_half_open_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XL_DEFAULT_MAX_POOLS);
	__type(key, struct xl_pool_key);
	__type(value, struct xl_pool_slot);
} xdplink_pool_index_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_DEFAULT_MAX_POOLS);
	__uint(map_flags, BPF_F_MMAPABLE); /* the agent releases ports in place */
	__type(key, __u32);
	__type(value, struct xl_port_pool);
} xdplink_pools_v1 SEC(".maps");

/* Per pool, the flow slot of each port; the agent adds a table when it adds a pool. */
struct xl_pool_flows {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_PORTS_PER_POOL);
	__type(key, __u32);   /* port - port_min */
	__type(value, __u32); /* flow slot */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, XL_DEFAULT_MAX_POOLS);
	__type(key, __u32);
	__array(values, struct xl_pool_flows);
} xdplink_pool_flows_v1 SEC(".maps");

/* Sized by the agent: flow_homes + XL_FLOW_HOP slots, and a bit per page of them. */
#define XL_DEFAULT_FLOW_SLOTS                                                                      \
	(XL_DEFAULT_MAX_FLOWS / XL_FLOW_SLACK_DEN * XL_FLOW_SLACK_NUM + XL_FLOW_HOP)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_DEFAULT_FLOW_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE); /* the collector reads and removes flows in place */
	__type(key, __u32);
	__type(value, struct xl_flow);
} xdplink_flows_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_DEFAULT_FLOW_SLOTS / XL_FLOW_PAGE_SLOTS / 64 + 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} xdplink_flow_pages_v1 SEC(".maps");

/* A CPU's room for building a header and moving headers about, off the small stack. */
struct xl_scratch {
	__u8 headers[128]; /* Ethernet, IPv4 and TCP with options (at most 94), or a chunk */
	__u8 proxy[128];   /* a proxy protocol v2 header: 100 */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xl_scratch);
} xdplink_scratch_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XL_REASON_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} xdplink_reasons_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XL_DEFAULT_MAX_MEMBERS);
	__type(key, __u32);
	__type(value, struct xl_traffic);
} xdplink_member_stats_v1 SEC(".maps");

/* Active flows per member, for the statistics only: the limit is the backend's. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XL_DEFAULT_MAX_MEMBERS);
	__uint(map_flags, BPF_F_MMAPABLE); /* the agent decrements in place */
	__type(key, __u32);
	__type(value, struct xl_conns);
} xdplink_member_conns_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XL_DEFAULT_MAX_ENDPOINTS);
	__type(key, __u32);
	__type(value, struct xl_traffic);
} xdplink_endpoint_stats_v1 SEC(".maps");

#endif
