/* SPDX-License-Identifier: MIT */
/* The data path under test: the real BPF object, loaded but never attached, in a
 * private network namespace whose interfaces and neighbours its FIB lookups see. */
#ifndef XL_TEST_FIXTURE_H
#define XL_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow_table.h"
#include "maglev.h"
#include "xdplink.h"
#include "xdplink.skel.h"

/* The scene every test starts from (fx_open):
 *   interfaces  cons (consumer, 10.1.0.5)  prov (provider, 10.0.0.5, node IPs 10.0.1.10, 10.0.2.10)
 *   endpoint 1  available          ENI 10.1.1.50, listener :80 -> table 1, SNAT 10.0.1.10
 *   endpoint 2  pendingAcceptance  ENI 10.1.1.60, listener :80 -> table 1, SNAT 10.0.1.10
 *               (both ENIs on cons; the node IPs are marked as not for consumers)
 *   backends    1 10.0.1.21:80  2 10.0.1.22:80 (use1-az1)  3 10.0.2.21:80  4 10.0.2.22:8080 (use1-az2)
 *               5 10.1.9.9:80 (reached through cons)  6 10.0.1.99:80 (no neighbour entry)
 *   members     b -> backend b for each backend b (one registration each)
 *   tables      1 = {1,2} (use1-az1 only)  2 = {1,2,3,4} (cross-zone), of members
 *   pools       (10.0.1.10, b) -> pool b, (10.0.2.10, b) -> pool 8 + b */
#define CLIENT_IP      "10.1.1.11"
#define ENI_IP	       "10.1.1.50"
#define PENDING_ENI_IP "10.1.1.60"
#define NODE_AZ1       "10.0.1.10"
#define NODE_AZ2       "10.0.2.10"
#define MAGLEV_SIZE    251
#define FIXTURE_POOLS  512

extern const uint8_t mac_cons[6], mac_cons_peer[6], mac_prov[6], mac_target[7][6];
extern int ifindex_cons, ifindex_prov;
extern const char *backend_ip[7];
extern const uint16_t backend_port[7];

struct fixture {
	struct xdplink *skel;
	int consumer; /* program fds */
	int provider;
	int both;
	struct flow_table flows; /* the flow table, mapped */
	uint32_t max_flows;
	size_t flows_size, pages_size;
};

/* A flow as the tests look at it: the table's entry, with what it refers to resolved. */
struct flow_view {
	uint32_t slot;
	uint32_t member, backend, endpoint, pool;
	uint32_t flags;	      /* enum xl_flow_flags */
	uint32_t snat_addr;   /* network order */
	uint32_t target_addr; /* network order */
	uint16_t snat_port;   /* network order */
	uint16_t target_port; /* network order */
	int ifindex;	      /* the client's interface */
	uint8_t client_mac[6];
	uint16_t last_seen;   /* seconds */
	uint32_t seq_shift;   /* the target's numbers less the client's view of them */
	uint8_t client_shift; /* the client SYN's window scale; 0xf: it had none */
};

struct fixture_options {
	uint32_t max_flows;  /* default 1024 */
	uint32_t max_conns;  /* default XL_DEFAULT_MAX_CONNS */
	uint16_t port_count; /* default XL_PORTS_PER_POOL */
};

/* Enters a new network namespace and builds the interfaces; once per process. */
int fixture_netns(void);

/* The scene above, in the loaded object emptied as if new: it is loaded (and verified)
 * again only when max_flows changes, since its verification is most of a test's time. */
int fx_open(struct fixture *fx, const struct fixture_options *opts);
void fx_close(struct fixture *fx);

int fx_run(struct fixture *fx, int prog, int ifindex, const uint8_t *in, size_t len, uint8_t *out,
	   size_t *out_len);
/* The same with the frame's first buffer `first` bytes long (the rest in more buffers).
 * -EINVAL where the kernel decides that itself (6.1: as long as a page allows). */
int fx_run_split(struct fixture *fx, int prog, int ifindex, const uint8_t *in, size_t len,
		 size_t first, uint8_t *out, size_t *out_len);

void fx_set_config(struct fixture *fx, uint32_t max_conns, uint16_t port_count);
void fx_set_endpoint_state(struct fixture *fx, uint32_t endpoint, uint32_t state);
void fx_set_listener_table(struct fixture *fx, const char *eni, uint16_t port, uint32_t table,
			   const char *snat);
/* A table of the scene's members (their backends must be among the scene's six). */
void fx_set_table(struct fixture *fx, uint32_t table, const uint32_t *members, size_t n);
void fx_set_table_of(struct fixture *fx, uint32_t table, const struct maglev_backend *members,
		     size_t n);
/* Adds a backend, and member `slot` for it: its registration in one target group. */
void fx_add_backend(struct fixture *fx, uint32_t slot, const char *addr, uint16_t port);
/* Another registration of a backend: member `slot`. */
void fx_add_member(struct fixture *fx, uint32_t slot, uint32_t backend);
void fx_add_pool(struct fixture *fx, const char *snat, uint32_t backend, uint32_t pool);
int fx_shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fx_set_backend_flags(struct fixture *fx, uint32_t backend, uint8_t flags);
void fx_fill_pool(struct fixture *fx, uint32_t pool, uint32_t except_index);
void fx_set_role(struct fixture *fx, int ifindex, uint8_t role);
void fx_set_mss_clamp(struct fixture *fx, uint16_t mss);
void fx_set_listener_flags(struct fixture *fx, const char *eni, uint16_t port, uint32_t flags);
/* Another listener of an ENI of the scene: its port to Maglev table `table`. */
void fx_add_listener(struct fixture *fx, const char *eni, uint16_t port, uint32_t table,
		     uint32_t flags);
/* The ports clients in source/prefix may open connections to on endpoint's ENIs (sorted,
 * apart), as the agent writes them for its security groups; the listeners that check them
 * carry XL_FE_SECURITY_GROUPS. */
void fx_set_security_rule(struct fixture *fx, uint32_t endpoint, const char *source, uint8_t prefix,
			  const struct xl_port_range *ranges, uint32_t count);
void fx_set_half_open(struct fixture *fx, uint32_t backend, uint32_t count);
void fx_set_mtu(struct fixture *fx, int ifindex, uint32_t mtu); /* the scene's: 1500 */
/* The id of endpoint slot n in the scene: "vpce-0123456789abcde" and n in 2 hex digits. */
const char *fx_endpoint_id(uint32_t endpoint);
/* Half-open flows above which SYNs get cookies (the scene has none: UINT32_MAX). */
void fx_set_half_open_limits(struct fixture *fx, uint32_t per_target, uint32_t per_node);
uint32_t fx_half_open(struct fixture *fx, uint32_t backend);
uint64_t fx_node_half_open(struct fixture *fx);
uint32_t fx_slots_of_kind(struct fixture *fx, uint32_t kind); /* enum xl_slot_kind */
/* What the agent's clock (ms, and s) reads; a new scene starts at 0. */
void fx_set_clock(struct fixture *fx, uint64_t ms);

uint64_t fx_reason(struct fixture *fx, enum xl_reason reason);
struct xl_traffic fx_member_traffic(struct fixture *fx, uint32_t member);
struct xl_traffic fx_endpoint_traffic(struct fixture *fx, uint32_t endpoint);
uint32_t fx_active(struct fixture *fx, uint32_t backend);	/* what the limit counts */
uint32_t fx_member_active(struct fixture *fx, uint32_t member); /* a target group's share */
uint32_t fx_ports_used(struct fixture *fx, uint32_t pool);
uint32_t fx_flow_count(struct fixture *fx);
bool fx_flow(struct fixture *fx, const char *client, uint16_t sport, const char *eni,
	     uint16_t dport, struct flow_view *flow);
/* Whether a reply to the flow's SNAT port finds it: its pool's entry for the port. */
bool fx_port_leads_to(struct fixture *fx, const struct flow_view *flow);

/* The member the Maglev table `table` holds for this flow (what the data path must pick). */
uint32_t fx_maglev_choice(struct fixture *fx, uint32_t table, const char *client, uint16_t sport,
			  const char *eni, uint16_t dport);

#endif
