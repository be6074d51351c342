/* SPDX-License-Identifier: MIT */
/* The flow collector: it removes flows that are closed or idle and gives back their
 * connection count and SNAT port exactly once; ports of FIN-closed flows are held
 * for the reuse delay first, so a target in TIME_WAIT never sees a new SYN on them. */
#ifndef XL_FLOWS_H
#define XL_FLOWS_H

#include <stddef.h>
#include <stdint.h>

#include "datapath.h"

struct flows_options {
	uint64_t idle_timeout_ms;     /* AWS: 350 s */
	uint64_t close_grace_ms;      /* after both FINs or a RST, for the last ACK to pass */
	uint64_t port_reuse_delay_ms; /* 60 s: "about 55,000 connections per minute" */
};

struct flows_pass {
	uint32_t closed; /* by FIN or RST */
	uint32_t idle;
	uint32_t ports_released;
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

#endif
