/* SPDX-License-Identifier: MIT */
/* The DNS front door (dns.h): the VPCs' resolvers kept in line with the VPCs, the records
 * they answer from rebuilt when the store changed (at the first query after a commit, or
 * the next tick), queries answered or forwarded, and the private DNS verifier, all on the
 * agent's loop. Nothing here waits: a forwarded query is
 * answered when the upstream's answer comes, or with SERVFAIL when it does not. */
#include "dns.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "clock.h"
#include "log.h"
#include "loop.h"
#include "model.h"
#include "server.h"
#include "upstream.h"
#include "verify.h"
#include "vpcs.h"

#define TICK_MS	     200  /* records rebuilt, upstream and connection timeouts, verification */
#define VPC_ROUND_MS 1000 /* how often the VPCs are read again */

struct dns_door {
	struct loop *loop;
	struct model *model;
	char region[REGION_MAX];
	struct dns_options opts;
	struct upstream *upstream; /* NULL without --dns-upstream */
	struct verifier *verifier;
	/* the running resolvers, one per VPC, in the order of the records' VPCs */
	struct vpc_server **servers;
	size_t server_count;
	struct dns_records *records;
	uint64_t records_commits; /* model_commits() the records were built at */
	bool records_stale;
	uint64_t next_vpc_round_ms;
	char last_failure[256]; /* said once, not every round */
};

/* A query waiting for the upstream. */
struct forwarded {
	struct dns_door *door;
	struct dns_client client;
	ldns_pkt *query;
	size_t max_size;
};

int dns_parse_upstream(const char *text, struct sockaddr_in *out)
{
	char host[INET_ADDRSTRLEN], tail;
	unsigned int port = 53;
	const char *colon = strchr(text, ':');
	size_t length = colon ? (size_t)(colon - text) : strlen(text);

	if (length >= sizeof(host))
		return -1;
	memcpy(host, text, length);
	host[length] = '\0';
	if (colon && (sscanf(colon + 1, "%u%c", &port, &tail) != 1 || port < 1 || port > 65535))
		return -1;
	*out = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	return inet_pton(AF_INET, host, &out->sin_addr) == 1 ? 0 : -1;
}

/* ---- Answering -------------------------------------------------------------------------------- */

static struct vpc_server *server_of(struct dns_door *door, const char *vpc_id, size_t *index)
{
	for (size_t i = 0; i < door->server_count; i++) {
		if (strcmp(vpc_server_vpc(door->servers[i])->id, vpc_id) == 0) {
			*index = i;
			return door->servers[i];
		}
	}
	return NULL;
}

static void rebuild_records(struct dns_door *door)
{
	struct model_dns_endpoint *endpoints = NULL;
	struct dns_vpc *vpcs = calloc(door->server_count + 1, sizeof(*vpcs));
	struct dns_records *records;
	struct api_error err;
	uint64_t commits = model_commits(door->model);
	size_t count = 0;

	if (!vpcs)
		return;
	if (model_dns_endpoints(door->model, &endpoints, &count, &err)) {
		log_warn("cannot read the endpoints for DNS: %s", err.message);
		free(vpcs);
		return;
	}
	for (size_t i = 0; i < door->server_count; i++)
		vpcs[i] = *vpc_server_vpc(door->servers[i]);
	records = dns_records_build(door->region, vpcs, door->server_count, endpoints, count);
	free(vpcs);
	if (!records)
		return;
	dns_records_free(door->records);
	door->records = records;
	door->records_commits = commits;
	door->records_stale = false;
}

static void send_relay(struct dns_door *door, const struct dns_client *client,
		       const ldns_pkt *query, const ldns_pkt *answer, size_t max_size)
{
	struct vpc_server *server;
	uint8_t *reply = NULL;
	size_t length = 0, index;

	server = server_of(door, client->vpc_id, &index);
	if (server && dns_relay(query, answer, max_size, &reply, &length) == 0)
		vpc_server_reply(server, client, reply, length);
	free(reply);
}

static void on_upstream_answer(void *ctx, const ldns_pkt *answer)
{
	struct forwarded *f = ctx;

	send_relay(f->door, &f->client, f->query, answer, f->max_size);
	ldns_pkt_free(f->query);
	free(f);
}

static void forward(struct dns_door *door, const struct dns_client *client, ldns_pkt *query,
		    size_t max_size)
{
	const ldns_rr *question = ldns_rr_list_rr(ldns_pkt_question(query), 0);
	struct forwarded *f = calloc(1, sizeof(*f));

	if (f) {
		*f = (struct forwarded){ door, *client, query, max_size };
		if (upstream_ask(door->upstream, ldns_rr_owner(question),
				 ldns_rr_get_type(question), on_upstream_answer, f) == 0)
			return;
	}
	free(f);
	send_relay(door, client, query, NULL, max_size); /* SERVFAIL */
	ldns_pkt_free(query);
}

/* A client whose address is in another VPC's range: VPCs that share an interface share
 * its network, not their names. Clients in no VPC's range (on-premises, over a router)
 * are the VPC's own. */
static bool from_another_vpc(const struct dns_door *door, size_t index, uint32_t addr)
{
	if (dns_vpc_has_address(vpc_server_vpc(door->servers[index]), addr))
		return false;
	for (size_t i = 0; i < door->server_count; i++)
		if (i != index && dns_vpc_has_address(vpc_server_vpc(door->servers[i]), addr))
			return true;
	return false;
}

static void on_message(void *ctx, struct vpc_server *server, const struct dns_client *client,
		       const uint8_t *bytes, size_t length)
{
	struct dns_door *door = ctx;
	ldns_pkt *query = NULL;
	uint8_t *reply = NULL;
	size_t reply_length = 0, max_size = 0, index;

	if (!server_of(door, client->vpc_id, &index) ||
	    from_another_vpc(door, index, client->addr.sin_addr.s_addr))
		return;
	/* A change committed since the records were made: the answer reflects it at once. */
	if (!door->records || door->records_stale ||
	    door->records_commits != model_commits(door->model))
		rebuild_records(door);
	if (!door->records)
		return;
	switch (dns_answer(door->records, index, door->upstream != NULL, bytes, length, client->tcp,
			   &reply, &reply_length, &query, &max_size)) {
	case DNS_REPLY:
		vpc_server_reply(server, client, reply, reply_length);
		break;
	case DNS_FORWARD:
		forward(door, client, query, max_size);
		break;
	case DNS_DROP:
		break;
	}
	free(reply);
}

/* ---- Keeping the resolvers in line with the VPCs -------------------------------------------- */

static bool has_vpc(const struct dns_vpc *vpcs, size_t count, const struct dns_vpc *vpc)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(vpcs[i].id, vpc->id) == 0 && strcmp(vpcs[i].iface, vpc->iface) == 0 &&
		    vpcs[i].net == vpc->net && vpcs[i].mask == vpc->mask)
			return true;
	return false;
}

static void say_failure(struct dns_door *door, const char *why)
{
	if (strcmp(door->last_failure, why) == 0)
		return;
	snprintf(door->last_failure, sizeof(door->last_failure), "%s", why);
	log_warn("DNS: %s", why);
}

/* Stops the resolvers of VPCs that went, starts those of new ones. */
static void follow_vpcs(struct dns_door *door)
{
	struct dns_vpc *vpcs = NULL;
	size_t count = 0, kept = 0;
	struct vpc_server **servers;
	char why[256];

	if (dns_read_vpcs(door->model, &vpcs, &count)) {
		say_failure(door, "cannot read the consumer VPCs");
		return;
	}
	servers = calloc(count + door->server_count + 1, sizeof(*servers));
	if (!servers) {
		free(vpcs);
		return;
	}
	for (size_t i = 0; i < door->server_count; i++) {
		if (has_vpc(vpcs, count, vpc_server_vpc(door->servers[i]))) {
			servers[kept++] = door->servers[i];
			continue;
		}
		log_info("VPC %s: resolver stopped", vpc_server_vpc(door->servers[i])->id);
		vpc_server_stop(door->servers[i]);
		door->records_stale = true;
	}
	for (size_t i = 0; i < count; i++) {
		bool found = false;

		for (size_t k = 0; k < kept && !found; k++)
			found = strcmp(vpc_server_vpc(servers[k])->id, vpcs[i].id) == 0;
		if (found)
			continue;
		servers[kept] =
		    vpc_server_start(door->loop, &vpcs[i], on_message, door, why, sizeof(why));
		if (!servers[kept]) {
			say_failure(door, why);
			continue;
		}
		kept++;
		door->records_stale = true;
	}
	free(door->servers);
	door->servers = servers;
	door->server_count = kept;
	free(vpcs);
}

static void tick(struct loop *loop, void *ctx)
{
	struct dns_door *door = ctx;
	uint64_t now = monotonic_ms();

	(void)loop;
	if (now >= door->next_vpc_round_ms) {
		door->next_vpc_round_ms = now + VPC_ROUND_MS;
		follow_vpcs(door);
	}
	if (door->records_stale || !door->records ||
	    door->records_commits != model_commits(door->model))
		rebuild_records(door);
	if (door->upstream)
		upstream_expire(door->upstream, now);
	for (size_t i = 0; i < door->server_count; i++)
		vpc_server_expire(door->servers[i], now);
	verifier_tick(door->verifier, now);
}

/* ---- Starting and stopping ------------------------------------------------------------------ */

struct dns_door *dns_start(struct loop *loop, struct model *model, const char *region,
			   const struct dns_options *opts, dns_record_fn *record, void *ctx)
{
	struct dns_door *door = calloc(1, sizeof(*door));

	if (!door)
		return NULL;
	door->loop = loop;
	door->model = model;
	door->opts = *opts;
	snprintf(door->region, sizeof(door->region), "%s", region);
	if (opts->has_upstream && !(door->upstream = upstream_new(loop, &opts->upstream)))
		goto failed;
	door->verifier = verifier_new(model, door->upstream, opts->verify_interval_s, record, ctx);
	if (!door->verifier || loop_every(loop, TICK_MS, tick, door))
		goto failed;
	return door;
failed:
	dns_stop(door);
	return NULL;
}

void dns_stop(struct dns_door *door)
{
	if (!door)
		return;
	verifier_stopping(door->verifier);
	upstream_free(door->upstream); /* waiting queries get SERVFAIL first */
	verifier_free(door->verifier);
	for (size_t i = 0; i < door->server_count; i++)
		vpc_server_stop(door->servers[i]);
	free(door->servers);
	dns_records_free(door->records);
	free(door);
}

void dns_action_done(struct dns_door *door, const char *action, json_object *args)
{
	json_object *service;

	if (!door || strcmp(action, "StartVpcEndpointServicePrivateDnsVerification") != 0 ||
	    !json_object_object_get_ex(args, "ServiceId", &service))
		return;
	verifier_request(door->verifier, json_object_get_string(service));
}
