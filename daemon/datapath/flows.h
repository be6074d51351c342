/* SPDX-License-Identifier: MIT */
/* The flow collector: it removes flows that are closed or idle and gives back their
 * connection count and SNAT port exactly once; ports of FIN-closed flows are held
 * for the reuse delay first, so a target in TIME_WAIT never sees a new SYN on them. */
#ifndef XL_FLOWS_H
#define XL_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "datapath.h"

struct flows_options {
	uint64_t idle_timeout_ms;     /* AWS: 350 s */
	uint64_t syn_timeout_ms;      /* a half-open flow's: seconds, as conntrack's */
	uint64_t close_grace_ms;      /* after both FINs or a RST, for the last ACK to pass */
	uint64_t port_reuse_delay_ms; /* 60 s: "about 55,000 connections per minute" */
};

struct flows_pass {
	uint32_t closed;    /* by FIN or RST */
	uint32_t half_open; /* the client never acknowledged the target's answer */
	uint32_t idle;
	uint32_t ports_released;
	uint32_t kept;		 /* flows left in the table */
	uint32_t kept_half_open; /* of which half-open */
};

struct flows;

struct flows *flows_new(struct datapath *dp, const struct flows_options *opts);
void flows_free(struct flows *flows);

/* Times are the clock of clock.h, the one the program stamps flows with. */

/* At start: ports in use that no flow holds were held by the previous agent;
 * hold them for a whole reuse delay again. */
int flows_recover(struct flows *flows, uint64_t now);

/* One pass over the flow table, and the release of held ports now due. */
int flows_collect(struct flows *flows, uint64_t now, struct flows_pass *pass);

/* Removes every flow of the endpoints and listeners that stopped carrying traffic. */
uint32_t flows_remove_closed(struct flows *flows, const struct closed_traffic *closed,
			     uint64_t now);

size_t flows_held_ports(const struct flows *flows);
/* The flows the last pass left in the table (closing ones too), and the half-open ones. */
uint32_t flows_tracked(const struct flows *flows);
uint32_t flows_half_open(const struct flows *flows);

/* A tracked flow as an operator sees it (`xdplink flow list`): copied out of the table,
 * addresses and ports in network order. */
struct tracked_flow {
	struct xl_flow_key key; /* the client and the ENI it called */
	uint32_t target_addr;
	uint16_t target_port;
	uint16_t snat_port;
	uint32_t snat_addr;
	uint32_t endpoint; /* its slot (dp_endpoint.slot) */
	uint32_t member;   /* its registration's slot (model_target.member) */
	uint32_t state;	   /* enum xl_flow_flags */
	uint64_t idle_ms;  /* since its last packet */
};

typedef bool (*tracked_flow_fn)(const struct tracked_flow *flow, void *ctx);

/* Calls visit for every live flow of the table (not those the data path retired) until it
 * returns false; `now` is clock.h's. Returns how many it visited. */
size_t flows_view(struct flows *flows, uint64_t now, tracked_flow_fn visit, void *ctx);

#endif
