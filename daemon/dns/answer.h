/* SPDX-License-Identifier: MIT */
/* A VPC resolver's answer to one DNS message, in wire format, with ldns doing the wire:
 * parsing (with its bounds and compression checks), building, name compression. This file
 * decides: answer from the records, refuse, send to the upstream, or say nothing. */
#ifndef XL_DNS_ANSWER_H
#define XL_DNS_ANSWER_H

#include <ldns/ldns.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"

#define DNS_TTL		 60   /* AWS's TTL for endpoint names */
#define DNS_UDP_PLAIN	 512  /* an answer over UDP to a client without EDNS */
#define DNS_UDP_MAX	 4096 /* the largest we send or advertise over UDP */
#define DNS_TCP_MAX	 65535
#define DNS_HEADER_BYTES 12

enum dns_verdict {
	DNS_DROP,    /* not a query (too short, or an answer): no reply at all */
	DNS_REPLY,   /* reply with *out */
	DNS_FORWARD, /* not ours: ask the upstream *question, then dns_relay() */
};

/* The message `bytes` from a client of VPC `vpc`, received over TCP or UDP. On
 * DNS_REPLY *out (malloc'd, *out_length bytes) is the reply; on DNS_FORWARD *query is
 * the client's query (the caller frees it with ldns_pkt_free) and *max_size how long
 * the client's reply may be. `forwarding`: an upstream is configured (else REFUSED). */
enum dns_verdict dns_answer(const struct dns_records *records, size_t vpc, bool forwarding,
			    const uint8_t *bytes, size_t length, bool tcp, uint8_t **out,
			    size_t *out_length, ldns_pkt **query, size_t *max_size);

/* The reply to a forwarded `query` from the upstream's `answer` (NULL: none came,
 * SERVFAIL): its sections under the client's id and question, truncated to max_size.
 * 0, or -1 when memory ran out. */
int dns_relay(const ldns_pkt *query, const ldns_pkt *answer, size_t max_size, uint8_t **out,
	      size_t *out_length);

#endif
