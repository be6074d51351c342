/* SPDX-License-Identifier: MIT */
/* The VPC resolvers without a testbed: the records (which names each VPC answers, health,
 * failing open, private names and wildcards), the answers on the wire (ldns parses what
 * they send), hostile messages, truncation, and the upstream over loopback. */
#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answer.h"
#include "check.h"
#include "clock.h"
#include "loop.h"
#include "records.h"
#include "upstream.h"

#define REGION "us-east-1"
#define ZONE   REGION ".vpce.amazonaws.com"
#define SVC    "vpce-svc-0123456789abcdef0"
#define EP_A   "vpce-0aaaaaaaaaaaaaaaa"
#define EP_B   "vpce-0bbbbbbbbbbbbbbbb"
#define EP_C   "vpce-0cccccccccccccccc"

static const struct dns_vpc vpcs[] = {
	{ .id = "vpc-1", .iface = "cons0" }, /* 10.1.0.0/16, filled in by setup() */
	{ .id = "vpc-2", .iface = "cons1" }, /* 10.2.0.0/16 */
};

static struct dns_vpc the_vpcs[2];

static uint32_t ip(const char *text)
{
	return inet_addr(text);
}

static struct model_dns_endpoint endpoint(const char *id, const char *vpc, const char *private_name,
					  const char *az1, bool az1_healthy, const char *az2,
					  bool az2_healthy)
{
	struct model_dns_endpoint e = { .eni_count = az2 ? 2 : 1 };

	snprintf(e.endpoint_id, sizeof(e.endpoint_id), "%s", id);
	snprintf(e.vpc_id, sizeof(e.vpc_id), "%s", vpc);
	snprintf(e.dns_suffix, sizeof(e.dns_suffix), "abcd1234");
	snprintf(e.service_id, sizeof(e.service_id), SVC);
	snprintf(e.private_name, sizeof(e.private_name), "%s", private_name);
	snprintf(e.enis[0].zone, sizeof(e.enis[0].zone), "use1-az1");
	e.enis[0].addr = ip(az1);
	e.enis[0].healthy = az1_healthy;
	if (az2) {
		snprintf(e.enis[1].zone, sizeof(e.enis[1].zone), "use1-az2");
		e.enis[1].addr = ip(az2);
		e.enis[1].healthy = az2_healthy;
	}
	return e;
}

/* A (vpc-1): az1 healthy, az2 not, myservice.example.com; B (vpc-2); C (vpc-1): no zone
 * healthy, *.corp.example.com. */
static struct dns_records *setup(bool a_healthy)
{
	struct model_dns_endpoint *list = calloc(3, sizeof(*list));

	memcpy(the_vpcs, vpcs, sizeof(vpcs));
	the_vpcs[0].net = ip("10.1.0.0");
	the_vpcs[0].mask = ip("255.255.0.0");
	the_vpcs[1].net = ip("10.2.0.0");
	the_vpcs[1].mask = ip("255.255.0.0");
	list[0] = endpoint(EP_A, "vpc-1", "myservice.example.com", "10.1.1.50", a_healthy,
			   "10.1.2.50", false);
	list[1] = endpoint(EP_B, "vpc-2", "", "10.2.1.50", true, NULL, false);
	list[2] =
	    endpoint(EP_C, "vpc-1", "*.corp.example.com", "10.1.1.60", false, "10.1.2.60", false);
	return dns_records_build(REGION, the_vpcs, 2, list, 3);
}

#define REGIONAL(id)	id "-abcd1234." SVC "." ZONE
#define ZONAL(id, zone) id "-abcd1234-" zone "." SVC "." ZONE

static struct dns_found look(const struct dns_records *r, size_t vpc, const char *name)
{
	struct dns_found found;

	dns_records_lookup(r, vpc, name, &found);
	return found;
}

static void each_vpc_answers_its_own_endpoints_names(void)
{
	struct dns_records *r = setup(true);
	struct dns_found f;

	CHECK_EQ(dns_vpc_resolver(&the_vpcs[0]), ip("10.1.0.2"));
	CHECK(dns_vpc_has_address(&the_vpcs[0], ip("10.1.255.1")));
	CHECK(!dns_vpc_has_address(&the_vpcs[0], ip("10.2.0.1")));
	/* The Regional name: the healthy zone only. */
	f = look(r, 0, REGIONAL(EP_A));
	CHECK_EQ(f.outcome, DNS_ADDRESSES);
	CHECK_EQ(f.count, 1);
	CHECK_EQ(f.addrs[0], ip("10.1.1.50"));
	CHECK_STR(f.alias_of, "");
	/* Zonal names: their ENI, healthy or not. */
	f = look(r, 0, ZONAL(EP_A, "us-east-1b"));
	CHECK_EQ(f.outcome, DNS_ADDRESSES);
	CHECK_EQ(f.count, 1);
	CHECK_EQ(f.addrs[0], ip("10.1.2.50"));
	/* No zone healthy: every ENI (fail open). */
	f = look(r, 0, REGIONAL(EP_C));
	CHECK_EQ(f.count, 2);
	/* Another VPC's endpoint does not exist here, nor a made-up name of the zone. */
	CHECK_EQ(look(r, 1, REGIONAL(EP_A)).outcome, DNS_NO_SUCH_NAME);
	CHECK_EQ(look(r, 0, REGIONAL(EP_B)).outcome, DNS_NO_SUCH_NAME);
	CHECK_EQ(look(r, 1, REGIONAL(EP_B)).outcome, DNS_ADDRESSES);
	CHECK_EQ(look(r, 0, EP_A "-zzzz9999." SVC "." ZONE).outcome, DNS_NO_SUCH_NAME);
	CHECK_EQ(look(r, 0, ZONAL(EP_A, "us-east-1c")).outcome, DNS_NO_SUCH_NAME);
	CHECK_EQ(look(r, 0, ZONE).outcome, DNS_NO_SUCH_NAME);
	CHECK_EQ(look(r, 0, "x." ZONE).outcome, DNS_NO_SUCH_NAME);
	CHECK_EQ(look(r, 0, "vpce-0aaaa." ZONE).outcome, DNS_NO_SUCH_NAME);
	/* Other regions and the rest of the world are not ours. */
	CHECK_EQ(look(r, 0, "x.us-west-2.vpce.amazonaws.com").outcome, DNS_NOT_OURS);
	CHECK_EQ(look(r, 0, "www.example.com").outcome, DNS_NOT_OURS);
	CHECK_EQ(look(r, 0, "").outcome, DNS_NOT_OURS);
	CHECK_EQ(look(r, 5, REGIONAL(EP_A)).outcome, DNS_NOT_OURS); /* no such VPC */
	dns_records_free(r);
}

static void private_names_alias_the_regional_name(void)
{
	struct dns_records *r = setup(false);
	struct dns_found f;

	f = look(r, 0, "myservice.example.com");
	CHECK_EQ(f.outcome, DNS_ADDRESSES);
	CHECK_STR(f.alias_of, REGIONAL(EP_A));
	CHECK_EQ(f.count, 2); /* A has no healthy zone now: fail open */
	/* Only in the endpoint's VPC; elsewhere the upstream answers the name. */
	CHECK_EQ(look(r, 1, "myservice.example.com").outcome, DNS_NOT_OURS);
	/* A wildcard covers names below it, not itself. */
	CHECK_STR(look(r, 0, "a.corp.example.com").alias_of, REGIONAL(EP_C));
	CHECK_STR(look(r, 0, "a.b.corp.example.com").alias_of, REGIONAL(EP_C));
	CHECK_EQ(look(r, 0, "corp.example.com").outcome, DNS_NOT_OURS);
	CHECK_EQ(look(r, 0, "xcorp.example.com").outcome, DNS_NOT_OURS);
	dns_records_free(r);
}

/* ---- On the wire ----------------------------------------------------------------------------- */

struct exchange {
	enum dns_verdict verdict;
	ldns_pkt *reply; /* parsed, on DNS_REPLY */
	size_t reply_length;
	ldns_pkt *query; /* on DNS_FORWARD */
	size_t max_size;
};

static struct exchange send_bytes(const struct dns_records *r, bool forwarding, const uint8_t *wire,
				  size_t length, bool tcp)
{
	struct exchange x = { 0 };
	uint8_t *out = NULL;

	x.verdict = dns_answer(r, 0, forwarding, wire, length, tcp, &out, &x.reply_length, &x.query,
			       &x.max_size);
	if (x.verdict == DNS_REPLY)
		CHECK_EQ(ldns_wire2pkt(&x.reply, out, x.reply_length), LDNS_STATUS_OK);
	free(out);
	return x;
}

/* A query for name/type (with EDNS of `edns` bytes, 0: none), exchanged. */
static struct exchange ask(const struct dns_records *r, bool forwarding, const char *name,
			   ldns_rr_type type, uint16_t edns, bool tcp)
{
	ldns_pkt *q =
	    ldns_pkt_query_new(ldns_dname_new_frm_str(name), type, LDNS_RR_CLASS_IN, LDNS_RD);
	struct exchange x;
	uint8_t *wire = NULL;
	size_t length = 0;

	ldns_pkt_set_id(q, 4242);
	if (edns)
		ldns_pkt_set_edns_udp_size(q, edns);
	CHECK_EQ(ldns_pkt2wire(&wire, q, &length), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	x = send_bytes(r, forwarding, wire, length, tcp);
	free(wire);
	return x;
}

static uint16_t word_of(const uint8_t *bytes)
{
	return (uint16_t)(bytes[0] << 8 | bytes[1]);
}

static void done(struct exchange *x)
{
	ldns_pkt_free(x->reply);
	ldns_pkt_free(x->query);
}

static void answers_are_well_formed_with_ttl_60(void)
{
	struct dns_records *r = setup(true);
	struct exchange x = ask(r, true, REGIONAL(EP_A), LDNS_RR_TYPE_A, 0, false);
	const ldns_rr *rr;

	CHECK_EQ(x.verdict, DNS_REPLY);
	CHECK_EQ(ldns_pkt_id(x.reply), 4242);
	CHECK(ldns_pkt_qr(x.reply) && ldns_pkt_aa(x.reply) && ldns_pkt_rd(x.reply));
	CHECK_EQ(ldns_pkt_get_rcode(x.reply), LDNS_RCODE_NOERROR);
	CHECK_EQ(ldns_pkt_ancount(x.reply), 1);
	rr = ldns_rr_list_rr(ldns_pkt_answer(x.reply), 0);
	CHECK_EQ(ldns_rr_ttl(rr), 60);
	CHECK_EQ(ldns_rr_get_type(rr), LDNS_RR_TYPE_A);
	done(&x);

	/* The name exists but has no AAAA: NOERROR, no answer, the zone's SOA. */
	x = ask(r, true, REGIONAL(EP_A), LDNS_RR_TYPE_AAAA, 1232, false);
	CHECK_EQ(ldns_pkt_get_rcode(x.reply), LDNS_RCODE_NOERROR);
	CHECK_EQ(ldns_pkt_ancount(x.reply), 0);
	CHECK_EQ(ldns_pkt_nscount(x.reply), 1);
	CHECK(ldns_pkt_edns(x.reply));
	done(&x);

	/* Another VPC's name: NXDOMAIN with the SOA (negative TTL 60). */
	x = ask(r, true, REGIONAL(EP_B), LDNS_RR_TYPE_A, 0, false);
	CHECK_EQ(ldns_pkt_get_rcode(x.reply), LDNS_RCODE_NXDOMAIN);
	CHECK_EQ(ldns_pkt_nscount(x.reply), 1);
	CHECK_EQ(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_authority(x.reply), 0)),
		 LDNS_RR_TYPE_SOA);
	done(&x);

	/* The private name: a CNAME to the Regional name, then its addresses; upper case in
	 * the question is the same name, and comes back as asked. */
	x = ask(r, true, "MyService.Example.COM", LDNS_RR_TYPE_A, 0, false);
	CHECK_EQ(ldns_pkt_ancount(x.reply), 2);
	rr = ldns_rr_list_rr(ldns_pkt_answer(x.reply), 0);
	CHECK_EQ(ldns_rr_get_type(rr), LDNS_RR_TYPE_CNAME);
	CHECK_EQ(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(x.reply), 1)), LDNS_RR_TYPE_A);
	done(&x);

	/* Names of other characters are read as ldns prints them: a dot inside a label is not
	 * a label's end, so this is no name of ours, in the zone: NXDOMAIN. */
	x = ask(r, true, "vpce-0aaaaaaaaaaaaaaaa-abcd1234\\." SVC "." ZONE, LDNS_RR_TYPE_A, 0,
		false);
	CHECK_EQ(ldns_pkt_get_rcode(x.reply), LDNS_RCODE_NXDOMAIN);
	done(&x);
	x = ask(r, true, "myservice\\.example.com", LDNS_RR_TYPE_A, 0, false);
	CHECK_EQ(x.verdict, DNS_FORWARD);
	done(&x);
	dns_records_free(r);
}

static void other_names_are_forwarded_or_refused(void)
{
	struct dns_records *r = setup(true);
	struct exchange x = ask(r, false, "www.example.com", LDNS_RR_TYPE_A, 0, false);

	CHECK_EQ(x.verdict, DNS_REPLY);
	CHECK_EQ(ldns_pkt_get_rcode(x.reply), LDNS_RCODE_REFUSED);
	CHECK(!ldns_pkt_ra(x.reply));
	done(&x);
	/* Forwarded, with the size the client may get back. */
	x = ask(r, true, "www.example.com", LDNS_RR_TYPE_A, 0, false);
	CHECK_EQ(x.verdict, DNS_FORWARD);
	CHECK_EQ(x.max_size, 512);
	done(&x);
	x = ask(r, true, "www.example.com", LDNS_RR_TYPE_A, 1232, false);
	CHECK_EQ(x.max_size, 1232);
	done(&x);
	x = ask(r, true, "www.example.com", LDNS_RR_TYPE_A, 65000, false);
	CHECK_EQ(x.max_size, DNS_UDP_MAX);
	done(&x);
	x = ask(r, true, "www.example.com", LDNS_RR_TYPE_A, 0, true);
	CHECK_EQ(x.max_size, DNS_TCP_MAX);
	done(&x);
	/* Zone transfers are refused, not forwarded. */
	x = ask(r, true, ZONE, LDNS_RR_TYPE_AXFR, 0, true);
	CHECK_EQ(ldns_pkt_get_rcode(x.reply), LDNS_RCODE_REFUSED);
	done(&x);
	dns_records_free(r);
}

/* The header of a query for EP_A's Regional name, then the question as given. */
static size_t hostile(uint8_t *out, const uint8_t *header, const uint8_t *rest, size_t rest_length)
{
	memcpy(out, header, 12);
	memcpy(out + 12, rest, rest_length);
	return 12 + rest_length;
}

static void hostile_messages_get_formerr_or_nothing(void)
{
	static const uint8_t query_header[12] = { 0x12, 0x34, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	static const uint8_t two_questions[12] = { 0x12, 0x34, 0x01, 0, 0, 2, 0, 0, 0, 0, 0, 0 };
	static const uint8_t an_answer[12] = { 0x12, 0x34, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	static const uint8_t notify[12] = { 0x12, 0x34, 0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	/* a name that points at itself, forever */
	static const uint8_t loop_name[] = { 0xc0, 12, 0, 1, 0, 1 };
	/* a label longer than the message */
	static const uint8_t cut_name[] = { 40, 'a', 'b', 'c' };
	/* a question without its type and class */
	static const uint8_t no_type[] = { 3, 'w', 'w', 'w', 0 };
	/* a label of 64 bytes: larger than a label may be */
	uint8_t long_label[80] = { 64 };
	struct dns_records *r = setup(true);
	uint8_t wire[512];
	struct exchange x;

	memset(long_label + 1, 'a', 64);
	/* Too short for a header, or an answer: nothing at all. */
	CHECK_EQ(send_bytes(r, true, query_header, 11, false).verdict, DNS_DROP);
	CHECK_EQ(
	    send_bytes(r, true, wire, hostile(wire, an_answer, no_type, sizeof(no_type)), false)
		.verdict,
	    DNS_DROP);
	/* Each of these: FORMERR, the client's id, no question. */
	{
		const struct {
			const uint8_t *header, *rest;
			size_t length;
		} cases[] = {
			{ two_questions, no_type, sizeof(no_type) },
			{ query_header, loop_name, sizeof(loop_name) },
			{ query_header, cut_name, sizeof(cut_name) },
			{ query_header, no_type, sizeof(no_type) },
			{ query_header, long_label, sizeof(long_label) },
			{ query_header, NULL, 0 },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			x = send_bytes(
			    r, true, wire,
			    hostile(wire, cases[i].header, cases[i].rest, cases[i].length), false);
			CHECK_EQ(x.verdict, DNS_REPLY);
			if (x.verdict != DNS_REPLY)
				continue;
			CHECK_EQ(ldns_pkt_get_rcode(x.reply), LDNS_RCODE_FORMERR);
			CHECK_EQ(ldns_pkt_id(x.reply), 0x1234);
			CHECK_EQ(ldns_pkt_qdcount(x.reply), 0);
			CHECK_EQ(x.reply_length, 12);
			done(&x);
		}
	}
	/* Another opcode: NOTIMP. */
	x = send_bytes(r, true, wire, hostile(wire, notify, no_type, sizeof(no_type)), false);
	CHECK_EQ(ldns_pkt_get_rcode(x.reply), LDNS_RCODE_NOTIMPL);
	done(&x);
	/* A 64 KB message of garbage after a valid question: the question is answered. */
	{
		ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str(REGIONAL(EP_A)),
						 LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0);
		uint8_t *big = calloc(1, 65535), *w = NULL;
		size_t length = 0;

		ldns_pkt2wire(&w, q, &length);
		memcpy(big, w, length);
		memset(big + length, 0xc0, 65535 - length);
		x = send_bytes(r, true, big, 65535, true);
		CHECK_EQ(x.verdict, DNS_REPLY);
		CHECK_EQ(ldns_pkt_ancount(x.reply), 1);
		done(&x);
		free(w);
		free(big);
		ldns_pkt_free(q);
	}
	/* EDNS of a version we do not speak: BADVERS. */
	{
		ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str(REGIONAL(EP_A)),
						 LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0);
		uint8_t *w = NULL;
		size_t length = 0;

		ldns_pkt_set_edns_udp_size(q, 1232);
		ldns_pkt_set_edns_version(q, 1);
		ldns_pkt2wire(&w, q, &length);
		x = send_bytes(r, true, w, length, false);
		CHECK_EQ(ldns_pkt_edns_extended_rcode(x.reply), 1);
		CHECK_EQ(ldns_pkt_ancount(x.reply), 0);
		done(&x);
		free(w);
		ldns_pkt_free(q);
	}
	dns_records_free(r);
}

/* ---- Relaying the upstream's answer ---------------------------------------------------------- */

/* An upstream's answer to www.example.com with `count` addresses. */
static ldns_pkt *upstream_answer(const ldns_pkt *query, int count)
{
	ldns_pkt *a = ldns_pkt_clone(query);

	ldns_pkt_set_qr(a, true);
	ldns_pkt_set_aa(a, true);
	for (int i = 1; i <= count; i++) {
		char text[128];
		ldns_rr *rr = NULL;

		snprintf(text, sizeof(text), "www.example.com. 60 IN A 192.0.2.%d", i);
		ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL);
		ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, rr);
	}
	return a;
}

/* Every cut of a good query, and each of its bytes set to values that mean something in a
 * header or a name (a pointer, a long label, all ones): each gets nothing, a reply that
 * parses, with the id it was sent and within UDP's limit, or goes to the upstream. */
static void every_damaged_query_is_answered_well_or_dropped(void)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x3f, 0x40, 0x80, 0xc0, 0xc1, 0xff };
	ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str(ZONAL(EP_A, "use1-az1")),
					 LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_RD);
	struct dns_records *r = setup(true);
	uint8_t *good = NULL, damaged[512];
	size_t length = 0, tries = 0, replies = 0;

	ldns_pkt_set_id(q, 0x4242);
	ldns_pkt_set_edns_udp_size(q, 1232);
	CHECK_EQ(ldns_pkt2wire(&good, q, &length), LDNS_STATUS_OK);
	CHECK(length <= sizeof(damaged));
	for (size_t at = 0; at <= length && length <= sizeof(damaged); at++) {
		for (size_t v = 0; v <= sizeof(values); v++) {
			size_t sent = v == sizeof(values) ? at : length; /* the cut, once */
			struct exchange x;

			if (v < sizeof(values) && at == length)
				break;
			memcpy(damaged, good, length);
			if (v < sizeof(values))
				damaged[at] = values[v];
			x = send_bytes(r, true, damaged, sent, false);
			tries++;
			if (x.verdict == DNS_REPLY) {
				replies++;
				CHECK(x.reply != NULL);
				CHECK(x.reply_length <= 1232);
				if (x.reply)
					CHECK_EQ(ldns_pkt_id(x.reply), word_of(damaged));
			} else if (x.verdict == DNS_FORWARD) {
				CHECK(x.query != NULL);
			} else {
				CHECK_EQ(x.verdict, DNS_DROP);
			}
			done(&x);
		}
	}
	/* Most damage is answered (FORMERR, NXDOMAIN, REFUSED...), little is silence. */
	CHECK(tries > 8 * length);
	CHECK(replies > tries / 2);
	free(good);
	ldns_pkt_free(q);
	dns_records_free(r);
}

static void relayed_answers_are_truncated_for_udp(void)
{
	struct dns_records *r = setup(true);
	struct exchange x = ask(r, true, "www.example.com", LDNS_RR_TYPE_A, 0, false);
	ldns_pkt *answer = upstream_answer(x.query, 40), *reply = NULL;
	uint8_t *out = NULL;
	size_t length = 0;

	/* 40 addresses do not fit in 512 bytes: TC, no records. */
	CHECK_EQ(dns_relay(x.query, answer, x.max_size, &out, &length), 0);
	CHECK(length <= 512);
	CHECK_EQ(ldns_wire2pkt(&reply, out, length), LDNS_STATUS_OK);
	CHECK(ldns_pkt_tc(reply));
	CHECK_EQ(ldns_pkt_ancount(reply), 0);
	CHECK_EQ(ldns_pkt_id(reply), 4242);
	ldns_pkt_free(reply);
	free(out);
	/* Over TCP all of them. */
	CHECK_EQ(dns_relay(x.query, answer, DNS_TCP_MAX, &out, &length), 0);
	CHECK_EQ(ldns_wire2pkt(&reply, out, length), LDNS_STATUS_OK);
	CHECK(!ldns_pkt_tc(reply));
	CHECK_EQ(ldns_pkt_ancount(reply), 40);
	ldns_pkt_free(reply);
	free(out);
	/* No answer from the upstream: SERVFAIL. */
	CHECK_EQ(dns_relay(x.query, NULL, x.max_size, &out, &length), 0);
	CHECK_EQ(ldns_wire2pkt(&reply, out, length), LDNS_STATUS_OK);
	CHECK_EQ(ldns_pkt_get_rcode(reply), LDNS_RCODE_SERVFAIL);
	ldns_pkt_free(reply);
	free(out);
	ldns_pkt_free(answer);
	done(&x);
	dns_records_free(r);
}

/* ---- The upstream, over loopback ------------------------------------------------------------- */

struct upstream_test {
	struct loop *loop;
	int server;	  /* a UDP "upstream" on 127.0.0.1 */
	bool forge_first; /* answer first with the wrong question */
	bool silent;	  /* answer nothing */
	int answers, timeouts;
	int addresses; /* in the last answer */
};

static void on_query(struct loop *loop, uint32_t events, void *ctx)
{
	struct upstream_test *t = ctx;
	struct sockaddr_in from;
	socklen_t size = sizeof(from);
	uint8_t buffer[4096], *wire = NULL;
	ldns_pkt *q = NULL, *a;
	ssize_t got =
	    recvfrom(t->server, buffer, sizeof(buffer), 0, (struct sockaddr *)&from, &size);
	size_t length = 0;

	(void)loop;
	(void)events;
	if (got < 0 || t->silent || ldns_wire2pkt(&q, buffer, (size_t)got) != LDNS_STATUS_OK)
		return;
	if (t->forge_first) {
		ldns_pkt *forged = ldns_pkt_query_new(ldns_dname_new_frm_str("evil.example.com"),
						      LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0);

		ldns_pkt_set_id(forged, ldns_pkt_id(q));
		ldns_pkt_set_qr(forged, true);
		ldns_pkt2wire(&wire, forged, &length);
		sendto(t->server, wire, length, 0, (struct sockaddr *)&from, size);
		free(wire);
		ldns_pkt_free(forged);
	}
	a = upstream_answer(q, 3);
	ldns_pkt2wire(&wire, a, &length);
	sendto(t->server, wire, length, 0, (struct sockaddr *)&from, size);
	free(wire);
	ldns_pkt_free(a);
	ldns_pkt_free(q);
}

static void on_answer(void *ctx, const ldns_pkt *answer)
{
	struct upstream_test *t = ctx;

	if (answer) {
		t->answers++;
		t->addresses = (int)ldns_pkt_ancount(answer);
	} else {
		t->timeouts++;
	}
	loop_stop(t->loop);
}

static void expire(struct loop *loop, void *ctx)
{
	struct upstream *up = ctx;

	(void)loop;
	upstream_expire(up, monotonic_ms());
}

/* One question to a fresh upstream on a fresh loop (a stopped loop stays stopped), the
 * "upstream" behaving as `t` says. */
static void run_once(struct upstream_test *t)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = ip("127.0.0.1") };
	ldns_rdf *name = ldns_dname_new_frm_str("www.example.com");
	socklen_t size = sizeof(addr);
	struct upstream *up;

	t->loop = loop_new();
	t->server = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	CHECK_EQ(bind(t->server, (struct sockaddr *)&addr, sizeof(addr)), 0);
	CHECK_EQ(getsockname(t->server, (struct sockaddr *)&addr, &size), 0);
	CHECK_EQ(loop_watch(t->loop, t->server, EPOLLIN, on_query, t), 0);
	up = upstream_new(t->loop, &addr);
	CHECK_EQ(loop_every(t->loop, 50, expire, up), 0);
	CHECK_EQ(upstream_ask(up, name, LDNS_RR_TYPE_A, on_answer, t), 0);
	ldns_rdf_deep_free(name);
	CHECK_EQ(loop_run(t->loop), 0);
	upstream_free(up);
	loop_free(t->loop);
	close(t->server);
}

static void the_upstream_answers_or_times_out(void)
{
	struct upstream_test t = { 0 };

	run_once(&t);
	CHECK_EQ(t.answers, 1);
	CHECK_EQ(t.addresses, 3);
	/* A datagram with the right id and another question is not the answer. */
	t.forge_first = true;
	run_once(&t);
	CHECK_EQ(t.answers, 2);
	CHECK_EQ(t.addresses, 3);
	/* Silence: NULL once the time is up. */
	t.silent = true;
	run_once(&t);
	CHECK_EQ(t.timeouts, 1);
	CHECK_EQ(t.answers, 2);
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE(each_vpc_answers_its_own_endpoints_names),
		TEST_CASE(private_names_alias_the_regional_name),
		TEST_CASE(answers_are_well_formed_with_ttl_60),
		TEST_CASE(other_names_are_forwarded_or_refused),
		TEST_CASE(hostile_messages_get_formerr_or_nothing),
		TEST_CASE(every_damaged_query_is_answered_well_or_dropped),
		TEST_CASE(relayed_answers_are_truncated_for_udp),
		TEST_CASE(the_upstream_answers_or_times_out),
	};

	return RUN_TESTS("dns", cases, argc, argv);
}
