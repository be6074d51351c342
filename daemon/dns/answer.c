/* SPDX-License-Identifier: MIT */
/* A VPC resolver's answers (answer.h). The header of a message is judged before ldns
 * parses it: an answer is never answered (no loops between resolvers), a message of fewer
 * than 12 bytes gets nothing, and one that is not one question (with at most an OPT record)
 * gets FORMERR without being parsed, which bounds the work a hostile message costs. */
#include "answer.h"

#include <stdlib.h>
#include <string.h>

#define FLAG_QR		  0x80 /* byte 2 */
#define FLAG_RD		  0x01 /* byte 2 */
#define OPCODE_MASK	  0x78 /* byte 2 */
#define SOA_SERIAL	  1
#define EDNS_BADVERS_HIGH 1 /* extended rcode 16 = BADVERS: its upper 8 bits */

static uint16_t word_at(const uint8_t *bytes, size_t offset)
{
	return (uint16_t)(bytes[offset] << 8 | bytes[offset + 1]);
}

/* A reply of the header alone: the client's id, opcode and RD, and `rcode`. */
static int header_reply(const uint8_t *query, uint8_t rcode, uint8_t **out, size_t *out_length)
{
	uint8_t *reply = calloc(1, DNS_HEADER_BYTES);

	if (!reply)
		return -1;
	reply[0] = query[0];
	reply[1] = query[1];
	reply[2] = FLAG_QR | (query[2] & (OPCODE_MASK | FLAG_RD));
	reply[3] = rcode;
	*out = reply;
	*out_length = DNS_HEADER_BYTES;
	return 0;
}

/* ---- Building a reply ------------------------------------------------------------------------ */

static void clear_section(ldns_pkt *p, ldns_pkt_section section)
{
	switch (section) {
	case LDNS_SECTION_ANSWER:
		ldns_rr_list_deep_free(ldns_pkt_answer(p));
		ldns_pkt_set_answer(p, ldns_rr_list_new());
		ldns_pkt_set_ancount(p, 0);
		break;
	case LDNS_SECTION_AUTHORITY:
		ldns_rr_list_deep_free(ldns_pkt_authority(p));
		ldns_pkt_set_authority(p, ldns_rr_list_new());
		ldns_pkt_set_nscount(p, 0);
		break;
	default:
		ldns_rr_list_deep_free(ldns_pkt_additional(p));
		ldns_pkt_set_additional(p, ldns_rr_list_new());
		ldns_pkt_set_arcount(p, 0);
		break;
	}
}

/* The wire form of `reply`, at most max_size bytes: when longer, its records go and TC
 * says so (the client asks again over TCP). Frees the reply. */
static int finish(ldns_pkt *reply, size_t max_size, uint8_t **out, size_t *out_length)
{
	int rc = 0;

	if (ldns_pkt2wire(out, reply, out_length) != LDNS_STATUS_OK) {
		rc = -1;
	} else if (*out_length > max_size) {
		free(*out);
		clear_section(reply, LDNS_SECTION_ANSWER);
		clear_section(reply, LDNS_SECTION_AUTHORITY);
		clear_section(reply, LDNS_SECTION_ADDITIONAL);
		ldns_pkt_set_tc(reply, true);
		rc = ldns_pkt2wire(out, reply, out_length) == LDNS_STATUS_OK ? 0 : -1;
	}
	ldns_pkt_free(reply);
	return rc;
}

/* A reply to `query` with its id, opcode, RD and question, and EDNS when it had EDNS. */
static ldns_pkt *reply_to(const ldns_pkt *query, ldns_pkt_rcode rcode)
{
	ldns_pkt *reply = ldns_pkt_new();
	ldns_rr_list *question;

	if (!reply)
		return NULL;
	question = ldns_rr_list_clone(ldns_pkt_question(query));
	if (!question) {
		ldns_pkt_free(reply);
		return NULL;
	}
	ldns_rr_list_deep_free(ldns_pkt_question(reply));
	ldns_pkt_set_question(reply, question);
	ldns_pkt_set_qdcount(reply, (uint16_t)ldns_rr_list_rr_count(question));
	ldns_pkt_set_id(reply, ldns_pkt_id(query));
	ldns_pkt_set_qr(reply, true);
	ldns_pkt_set_opcode(reply, ldns_pkt_get_opcode(query));
	ldns_pkt_set_rd(reply, ldns_pkt_rd(query));
	ldns_pkt_set_cd(reply, ldns_pkt_cd(query));
	ldns_pkt_set_rcode(reply, rcode);
	if (ldns_pkt_edns(query))
		ldns_pkt_set_edns_udp_size(reply, DNS_UDP_MAX);
	return reply;
}

/* The client's limit for the reply: 512 bytes over UDP without EDNS, its EDNS size
 * (512 at least, ours at most) with it, a TCP message's over TCP. */
static size_t reply_limit(const ldns_pkt *query, bool tcp)
{
	size_t size = ldns_pkt_edns(query) ? ldns_pkt_edns_udp_size(query) : DNS_UDP_PLAIN;

	if (tcp)
		return DNS_TCP_MAX;
	if (size < DNS_UDP_PLAIN)
		return DNS_UDP_PLAIN;
	return size > DNS_UDP_MAX ? DNS_UDP_MAX : size;
}

static bool push_address(ldns_pkt *reply, const ldns_rdf *owner, uint32_t addr)
{
	ldns_rr *rr = ldns_rr_new();
	ldns_rdf *owner_copy = ldns_rdf_clone(owner);
	ldns_rdf *data = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, sizeof(addr), &addr);

	if (!rr || !owner_copy || !data) {
		ldns_rr_free(rr);
		ldns_rdf_deep_free(owner_copy);
		ldns_rdf_deep_free(data);
		return false;
	}
	ldns_rr_set_owner(rr, owner_copy);
	ldns_rr_set_type(rr, LDNS_RR_TYPE_A);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_ttl(rr, DNS_TTL);
	ldns_rr_push_rdf(rr, data);
	return ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER, rr);
}

static bool push_alias(ldns_pkt *reply, const ldns_rdf *owner, const ldns_rdf *target)
{
	ldns_rr *rr = ldns_rr_new();
	ldns_rdf *owner_copy = ldns_rdf_clone(owner), *target_copy = ldns_rdf_clone(target);

	if (!rr || !owner_copy || !target_copy) {
		ldns_rr_free(rr);
		ldns_rdf_deep_free(owner_copy);
		ldns_rdf_deep_free(target_copy);
		return false;
	}
	ldns_rr_set_owner(rr, owner_copy);
	ldns_rr_set_type(rr, LDNS_RR_TYPE_CNAME);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_ttl(rr, DNS_TTL);
	ldns_rr_push_rdf(rr, target_copy);
	return ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER, rr);
}

/* The endpoints' zone's SOA, for negative answers (its minimum, the TTL of a NXDOMAIN, is
 * the names' TTL). */
static bool push_soa(ldns_pkt *reply, const char *zone)
{
	char text[3 * DNS_NAME_MAX];
	ldns_rr *rr = NULL;

	snprintf(text, sizeof(text), "%s. %d IN SOA %s. hostmaster.%s. %d 7200 900 1209600 %d",
		 zone, DNS_TTL, zone, zone, SOA_SERIAL, DNS_TTL);
	if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK)
		return false;
	return ldns_pkt_push_rr(reply, LDNS_SECTION_AUTHORITY, rr);
}

/* The records of `found` for the question: a private name's CNAME, then the addresses
 * (of the CNAME's target), for A and ANY; the CNAME alone for other types; nothing, with
 * the zone's SOA, for other types of an endpoint name. */
static bool push_found(ldns_pkt *reply, const struct dns_records *records, const ldns_rr *question,
		       const struct dns_found *found)
{
	const ldns_rdf *owner = ldns_rr_owner(question);
	ldns_rr_type type = ldns_rr_get_type(question);
	bool addresses = type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_ANY;
	ldns_rdf *target = NULL;
	bool ok = true;

	if (found->alias_of[0]) {
		target = ldns_dname_new_frm_str(found->alias_of);
		if (!target || !push_alias(reply, owner, target)) {
			ldns_rdf_deep_free(target);
			return false;
		}
		owner = target;
	} else if (!addresses) {
		return push_soa(reply, dns_records_zone(records));
	}
	/* AWS alternates the zones: the list turns with each query. */
	for (size_t i = 0; ok && addresses && i < found->count; i++)
		ok = push_address(reply, owner,
				  found->addrs[(i + ldns_pkt_id(reply)) % found->count]);
	ldns_rdf_deep_free(target);
	return ok;
}

/* ---- Judging a query ------------------------------------------------------------------------- */

/* Letters, digits, '-', '_' and '*': what ldns prints as they are, in any locale. */
static bool plain_character(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '*';
}

/* The text of a name whose labels have only plain characters, lowercased, straight from its
 * wire form (ldns printing it was the resolver's costliest step); false for any other. */
static bool plain_name(const ldns_rdf *owner, char out[DNS_NAME_MAX])
{
	const uint8_t *wire = ldns_rdf_data(owner);
	size_t size = ldns_rdf_size(owner), at = 0, length = 0;

	while (at < size && wire[at]) {
		size_t label = wire[at++];

		if (at + label > size || length + label + 1 >= DNS_NAME_MAX)
			return false;
		if (length)
			out[length++] = '.';
		for (size_t end = at + label; at < end; at++) {
			uint8_t c = wire[at];

			if (!plain_character(c))
				return false;
			out[length++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
		}
	}
	out[length] = '\0';
	return at < size; /* it ended at the root label */
}

/* The question's name in lowercase, without the final dot; false if ldns cannot say it. */
static bool question_name(const ldns_rr *question, char out[DNS_NAME_MAX])
{
	ldns_rdf *name;
	char *text;
	size_t length;

	if (plain_name(ldns_rr_owner(question), out))
		return true;
	name = ldns_rdf_clone(ldns_rr_owner(question));
	if (!name)
		return false;
	ldns_dname2canonical(name);
	text = ldns_rdf2str(name);
	ldns_rdf_deep_free(name);
	if (!text)
		return false;
	length = strlen(text);
	if (length && text[length - 1] == '.')
		text[--length] = '\0';
	snprintf(out, DNS_NAME_MAX, "%s", text);
	free(text);
	return length < DNS_NAME_MAX;
}

/* The verdict on a parsed query: rcode for a refusal, else a lookup. */
static enum dns_verdict judge(const struct dns_records *records, size_t vpc, bool forwarding,
			      const ldns_pkt *query, bool tcp, uint8_t **out, size_t *out_length)
{
	const ldns_rr *question = ldns_rr_list_rr(ldns_pkt_question(query), 0);
	ldns_rr_type type = ldns_rr_get_type(question);
	ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
	char name[DNS_NAME_MAX];
	struct dns_found found;
	ldns_pkt *reply;
	bool ok = true;

	if (ldns_pkt_edns(query) && ldns_pkt_edns_version(query) > 0) {
		reply = reply_to(query, LDNS_RCODE_NOERROR);
		if (!reply)
			return DNS_DROP;
		ldns_pkt_set_edns_extended_rcode(reply, EDNS_BADVERS_HIGH);
		return finish(reply, reply_limit(query, tcp), out, out_length) ? DNS_DROP
									       : DNS_REPLY;
	}
	if (ldns_rr_get_class(question) != LDNS_RR_CLASS_IN || type == LDNS_RR_TYPE_AXFR ||
	    type == LDNS_RR_TYPE_IXFR || !question_name(question, name)) {
		found.outcome = DNS_NOT_OURS;
		forwarding = false; /* refused */
	} else {
		dns_records_lookup(records, vpc, name, &found);
	}
	if (found.outcome == DNS_NOT_OURS && forwarding)
		return DNS_FORWARD;
	if (found.outcome == DNS_NOT_OURS)
		rcode = LDNS_RCODE_REFUSED;
	else if (found.outcome == DNS_NO_SUCH_NAME)
		rcode = LDNS_RCODE_NXDOMAIN;
	reply = reply_to(query, rcode);
	if (!reply)
		return DNS_DROP;
	ldns_pkt_set_ra(reply, forwarding);
	if (found.outcome != DNS_NOT_OURS) {
		ldns_pkt_set_aa(reply, true);
		ok = found.outcome == DNS_ADDRESSES ? push_found(reply, records, question, &found)
						    : push_soa(reply, dns_records_zone(records));
	}
	if (!ok) {
		ldns_pkt_free(reply);
		return DNS_DROP;
	}
	return finish(reply, reply_limit(query, tcp), out, out_length) ? DNS_DROP : DNS_REPLY;
}

enum dns_verdict dns_answer(const struct dns_records *records, size_t vpc, bool forwarding,
			    const uint8_t *bytes, size_t length, bool tcp, uint8_t **out,
			    size_t *out_length, ldns_pkt **query, size_t *max_size)
{
	enum dns_verdict verdict;
	ldns_pkt *parsed = NULL;

	*query = NULL;
	if (length < DNS_HEADER_BYTES || (bytes[2] & FLAG_QR))
		return DNS_DROP;
	if ((bytes[2] & OPCODE_MASK) != LDNS_PACKET_QUERY << 3)
		return header_reply(bytes, LDNS_RCODE_NOTIMPL, out, out_length) ? DNS_DROP
										: DNS_REPLY;
	if (word_at(bytes, 4) != 1 || word_at(bytes, 6) != 0 || word_at(bytes, 8) != 0 ||
	    word_at(bytes, 10) > 1 || ldns_wire2pkt(&parsed, bytes, length) != LDNS_STATUS_OK ||
	    ldns_rr_list_rr_count(ldns_pkt_question(parsed)) != 1) {
		ldns_pkt_free(parsed);
		return header_reply(bytes, LDNS_RCODE_FORMERR, out, out_length) ? DNS_DROP
										: DNS_REPLY;
	}
	verdict = judge(records, vpc, forwarding, parsed, tcp, out, out_length);
	if (verdict == DNS_FORWARD) {
		*query = parsed;
		*max_size = reply_limit(parsed, tcp);
		return verdict;
	}
	ldns_pkt_free(parsed);
	return verdict;
}

int dns_relay(const ldns_pkt *query, const ldns_pkt *answer, size_t max_size, uint8_t **out,
	      size_t *out_length)
{
	ldns_pkt *reply =
	    reply_to(query, answer ? ldns_pkt_get_rcode(answer) : LDNS_RCODE_SERVFAIL);
	static const ldns_pkt_section sections[] = { LDNS_SECTION_ANSWER, LDNS_SECTION_AUTHORITY,
						     LDNS_SECTION_ADDITIONAL };
	bool ok = true;

	if (!reply)
		return -1;
	ldns_pkt_set_ra(reply, true);
	if (answer) {
		ldns_pkt_set_aa(reply, ldns_pkt_aa(answer));
		ldns_pkt_set_tc(reply, ldns_pkt_tc(answer));
	}
	for (size_t i = 0; answer && ok && i < sizeof(sections) / sizeof(sections[0]); i++) {
		ldns_rr_list *copy = ldns_pkt_get_section_clone(answer, sections[i]);

		ok = copy && ldns_pkt_push_rr_list(reply, sections[i], copy);
		ldns_rr_list_free(copy); /* its records belong to the reply now */
	}
	if (!ok) {
		ldns_pkt_free(reply);
		return -1;
	}
	return finish(reply, max_size, out, out_length);
}
