/* SPDX-License-Identifier: MIT */
/* Packet tests of the XDP program through BPF_PROG_TEST_RUN: each case builds real
 * frames, runs them, and checks the action, every byte of the result and the maps. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "frames.h"

static struct fixture fx;

#define SCENE(opts)                                                                                \
	do {                                                                                       \
		if (fx_open(&fx, opts)) {                                                          \
			check_fail(__FILE__, __LINE__, "the BPF object did not load");             \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_BYTES(got, got_len, want, want_len)                                                  \
	do {                                                                                       \
		CHECK_EQ(got_len, want_len);                                                       \
		CHECK((got_len) == (want_len) && memcmp(got, want, want_len) == 0);                \
	} while (0)

static struct tcp_frame client_frame(uint16_t sport, uint8_t flags)
{
	struct tcp_frame f = {
		.saddr = CLIENT_IP,
		.daddr = ENI_IP,
		.sport = sport,
		.dport = 80,
		.seq = 1000,
		.flags = flags,
	};

	memcpy(f.src_mac, mac_cons_peer, 6);
	memcpy(f.dst_mac, mac_cons, 6);
	return f;
}

struct result {
	int action;
	uint8_t in[FRAME_MAX];
	size_t in_len;
	uint8_t out[FRAME_MAX];
	size_t out_len;
};

static struct result run_frame(int prog, int ifindex, const uint8_t *frame, size_t len)
{
	struct result r = { .in_len = len };

	memcpy(r.in, frame, len);
	r.action = fx_run(&fx, prog, ifindex, r.in, len, r.out, &r.out_len);
	return r;
}

static struct result send_client(const struct tcp_frame *f)
{
	uint8_t frame[FRAME_MAX];
	size_t len = build_tcp(f, frame);

	return run_frame(fx.consumer, ifindex_cons, frame, len);
}

static struct result syn(uint16_t sport)
{
	struct tcp_frame f = client_frame(sport, TCP_SYN);

	f.options_len = 4;
	return send_client(&f);
}

/* A frame from the flow's target to its SNAT address and port. */
static struct tcp_frame target_frame(const struct flow_view *flow, uint8_t flags)
{
	static char target_ip[16], node_ip[16];
	struct in_addr target = { .s_addr = flow->target_addr },
		       node = { .s_addr = flow->snat_addr };
	struct tcp_frame f = {
		.saddr = target_ip,
		.daddr = node_ip,
		.sport = ntohs(flow->target_port),
		.dport = ntohs(flow->snat_port),
		.seq = 7000,
		.ack = 1001,
		.flags = flags,
	};

	inet_ntop(AF_INET, &target, target_ip, sizeof(target_ip));
	inet_ntop(AF_INET, &node, node_ip, sizeof(node_ip));
	memcpy(f.src_mac, mac_target[flow->backend], 6);
	memcpy(f.dst_mac, mac_prov, 6);
	return f;
}

static struct result send_target_frame(const struct tcp_frame *f)
{
	uint8_t frame[FRAME_MAX];
	size_t len = build_tcp(f, frame);

	return run_frame(fx.provider, ifindex_prov, frame, len);
}

/* The reply a target sends to the flow's SNAT address and port. */
static struct result send_target(const struct flow_view *flow, uint8_t flags, const char *payload)
{
	struct tcp_frame f = target_frame(flow, flags);

	f.payload = payload;
	f.payload_len = payload ? strlen(payload) : 0;
	return send_target_frame(&f);
}

/* Table 1 holds only the backend's member (the scene registers backend b as member b). */
static void use_only_backend(uint32_t backend)
{
	fx_set_table(&fx, 1, &backend, 1);
}

/* ---- What is not ours passes untouched ----------------------------------- */

static void check_passes_untouched(int prog, int ifindex, const uint8_t *frame, size_t len)
{
	struct result r = run_frame(prog, ifindex, frame, len);

	CHECK_EQ(r.action, XDP_PASS);
	CHECK_BYTES(r.out, r.out_len, frame, len);
}

static void foreign_traffic_passes_untouched(void)
{
	uint8_t frame[FRAME_MAX];
	struct tcp_frame host_tcp = client_frame(40000, TCP_SYN);

	SCENE(NULL);
	int progs[] = { fx.consumer, fx.provider, fx.both };
	host_tcp.daddr = "10.1.0.5"; /* the host's own address, not an ENI */
	host_tcp.dport = 22;
	for (size_t i = 0; i < 3; i++) {
		size_t len = build_arp_request(mac_cons_peer, CLIENT_IP, "10.1.0.5", frame);
		check_passes_untouched(progs[i], ifindex_cons, frame, len);
		len = build_ipv6_tcp(frame);
		check_passes_untouched(progs[i], ifindex_cons, frame, len);
		len = build_udp(CLIENT_IP, "10.1.0.5", 5353, 53, frame);
		check_passes_untouched(progs[i], ifindex_cons, frame, len);
		len = build_icmp_echo(CLIENT_IP, "10.1.0.5", frame);
		check_passes_untouched(progs[i], ifindex_cons, frame, len);
		len = build_tcp(&host_tcp, frame);
		check_passes_untouched(progs[i], ifindex_cons, frame, len);
		len = build_igmp_report(CLIENT_IP, frame); /* IPv4 options: not malformed */
		check_passes_untouched(progs[i], ifindex_cons, frame, len);
	}
	CHECK_EQ(fx_reason(&fx, XL_PASS_ARP), 3);
	CHECK_EQ(fx_reason(&fx, XL_PASS_NOT_IPV4), 3);
	CHECK_EQ(fx_reason(&fx, XL_PASS_NOT_OURS), 12);
	CHECK_EQ(fx_reason(&fx, XL_PASS_MALFORMED), 0);
	CHECK_EQ(fx_flow_count(&fx), 0);
	fx_close(&fx);
}

static void unknown_address_passes_unknown_port_drops(void)
{
	struct tcp_frame other_ip = client_frame(40000, TCP_SYN);
	struct tcp_frame other_port = client_frame(40000, TCP_SYN);
	uint8_t frame[FRAME_MAX];
	size_t len;
	struct result r;

	SCENE(NULL);
	other_ip.daddr = "10.1.1.99";
	len = build_tcp(&other_ip, frame);
	check_passes_untouched(fx.consumer, ifindex_cons, frame, len);

	other_port.dport = 443;
	r = send_client(&other_port);
	CHECK_EQ(r.action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_NO_LISTENER), 1);
	CHECK_EQ(fx_flow_count(&fx), 0);
	fx_close(&fx);
}

static void truncated_frames_are_never_rewritten(void)
{
	uint8_t frame[FRAME_MAX];
	struct tcp_frame f = client_frame(40000, TCP_SYN);
	size_t full;

	SCENE(NULL);
	f.options_len = 4;
	full = build_tcp(&f, frame);
	for (size_t len = 0; len < full; len++) {
		struct result r = run_frame(fx.consumer, ifindex_cons, frame, len);

		if (r.action < 0)
			continue; /* the kernel refuses frames too short to run */
		CHECK(r.action == XDP_PASS || r.action == XDP_DROP);
		CHECK_BYTES(r.out, r.out_len, frame, len);
	}
	CHECK_EQ(fx_flow_count(&fx), 0);
	CHECK_EQ(fx_reason(&fx, XL_FWD_NEW_FLOW), 0);
	fx_close(&fx);
}

/* Turns a valid SYN into IPv4 that must never be rewritten. */
enum mangling {
	BAD_IHL,
	WITH_OPTIONS,
	MORE_FRAGMENTS,
	FRAGMENT_OFFSET,
	BAD_LENGTH,
	BAD_DOFF
};

static size_t mangled_syn(const char *daddr, enum mangling how, uint8_t *frame)
{
	struct tcp_frame f = client_frame(40000, TCP_SYN);
	size_t len;

	f.daddr = daddr;
	len = build_tcp(&f, frame);
	switch (how) {
	case BAD_IHL:
		frame[OFF_IP] = 0x44;
		break;
	case WITH_OPTIONS: /* a 4-byte NOP option after the header */
		memmove(frame + OFF_TCP + 4, frame + OFF_TCP, len - OFF_TCP);
		memset(frame + OFF_TCP, 1, 4);
		frame[OFF_IP] = 0x46;
		frame[OFF_IP + 3] += 4;
		len += 4;
		break;
	case MORE_FRAGMENTS:
		frame[OFF_IP + 6] |= 0x20;
		break;
	case FRAGMENT_OFFSET:
		frame[OFF_IP + 7] = 0x10;
		break;
	case BAD_LENGTH:
		frame[OFF_IP + 2] = 0x05; /* 1300 bytes claimed */
		break;
	case BAD_DOFF:
		frame[OFF_TCP + 12] = 0x40;
		break;
	}
	return len;
}

static void malformed_ipv4_is_never_rewritten(void)
{
	uint8_t frame[FRAME_MAX];

	SCENE(NULL);
	for (int how = BAD_IHL; how <= BAD_DOFF; how++) {
		size_t len = mangled_syn(ENI_IP, how, frame);
		struct result r = run_frame(fx.consumer, ifindex_cons, frame, len);

		CHECK_EQ(r.action, XDP_DROP);
		CHECK_BYTES(r.out, r.out_len, frame, len);
		len = mangled_syn("10.1.0.5", how, frame);
		check_passes_untouched(fx.consumer, ifindex_cons, frame, len);
	}
	CHECK_EQ(fx_reason(&fx, XL_DROP_BAD_PACKET), 6);
	CHECK_EQ(fx_reason(&fx, XL_PASS_MALFORMED), 6);
	CHECK_EQ(fx_flow_count(&fx), 0);
	fx_close(&fx);
}

static void non_tcp_to_an_eni_is_dropped(void)
{
	uint8_t frame[FRAME_MAX];
	size_t len;
	struct result r;

	SCENE(NULL);
	len = build_udp(CLIENT_IP, ENI_IP, 5353, 53, frame);
	r = run_frame(fx.consumer, ifindex_cons, frame, len);
	CHECK_EQ(r.action, XDP_DROP);
	len = build_icmp_echo(CLIENT_IP, ENI_IP, frame);
	r = run_frame(fx.consumer, ifindex_cons, frame, len);
	CHECK_EQ(r.action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_NOT_TCP), 2);
	fx_close(&fx);
}

static void an_eni_serves_only_its_own_interface(void)
{
	struct tcp_frame syn_frame = client_frame(40000, TCP_SYN);
	uint8_t frame[FRAME_MAX];
	size_t len;
	struct result r;

	SCENE(NULL);
	/* the ENI lives on cons; the same packets arriving on prov belong to another VPC */
	len = build_tcp(&syn_frame, frame);
	r = run_frame(fx.consumer, ifindex_prov, frame, len);
	CHECK_EQ(r.action, XDP_DROP);
	len = build_icmp_echo(CLIENT_IP, ENI_IP, frame);
	r = run_frame(fx.consumer, ifindex_prov, frame, len);
	CHECK_EQ(r.action, XDP_DROP);
	len = build_arp_request(mac_cons_peer, CLIENT_IP, ENI_IP, frame);
	check_passes_untouched(fx.consumer, ifindex_prov, frame, len); /* never answered */
	CHECK_EQ(fx_reason(&fx, XL_DROP_OTHER_VPC), 2);
	CHECK_EQ(fx_reason(&fx, XL_ARP_REPLY), 0);
	CHECK_EQ(fx_flow_count(&fx), 0);
	fx_close(&fx);
}

static void a_flow_is_served_only_on_its_clients_interface(void)
{
	struct tcp_frame data = client_frame(40000, TCP_ACK);
	struct flow_view flow;
	uint8_t frame[FRAME_MAX];
	size_t len;

	SCENE(NULL);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(flow.ifindex, ifindex_cons);
	len = build_tcp(&data, frame);
	CHECK_EQ(run_frame(fx.consumer, ifindex_prov, frame, len).action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_OTHER_VPC), 1);
	CHECK_EQ(fx_reason(&fx, XL_FWD_TO_TARGET), 0);
	fx_close(&fx);
}

/* An address other than ours, whose bit in the address filter is the ENI's. */
static void address_sharing_the_enis_filter_bit(char *out, size_t size)
{
	uint32_t eni = ipv4(ENI_IP), want = xl_address_bit(eni);

	for (uint32_t host = 1;; host++) {
		struct in_addr addr = { .s_addr = htonl(0x0a000000u + host) };

		if (addr.s_addr != eni && xl_address_bit(addr.s_addr) == want) {
			inet_ntop(AF_INET, &addr, out, (socklen_t)size);
			return;
		}
	}
}

static void a_filter_false_positive_still_passes_untouched(void)
{
	struct tcp_frame to_host = client_frame(40000, TCP_SYN);
	char host_ip[16];
	uint8_t frame[FRAME_MAX];
	size_t len;

	SCENE(NULL);
	address_sharing_the_enis_filter_bit(host_ip, sizeof(host_ip));
	to_host.daddr = host_ip;
	len = build_tcp(&to_host, frame);
	check_passes_untouched(fx.consumer, ifindex_cons, frame, len);
	check_passes_untouched(fx.provider, ifindex_prov, frame, len);
	check_passes_untouched(fx.both, ifindex_cons, frame, len);
	len = build_icmp_echo(CLIENT_IP, host_ip, frame);
	check_passes_untouched(fx.consumer, ifindex_cons, frame, len);
	CHECK_EQ(fx_reason(&fx, XL_PASS_NOT_OURS), 4);
	CHECK_EQ(fx_flow_count(&fx), 0);
	fx_close(&fx);
}

static void node_addresses_are_not_for_consumers(void)
{
	struct tcp_frame to_node = client_frame(40000, TCP_SYN);
	uint8_t frame[FRAME_MAX];
	size_t len;
	struct result r;

	SCENE(NULL);
	to_node.daddr = NODE_AZ1;
	to_node.dport = 22;
	len = build_tcp(&to_node, frame);
	r = run_frame(fx.consumer, ifindex_cons, frame, len);
	CHECK_EQ(r.action, XDP_DROP);
	len = build_icmp_echo(CLIENT_IP, NODE_AZ1, frame);
	r = run_frame(fx.consumer, ifindex_cons, frame, len);
	CHECK_EQ(r.action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_NODE_ADDRESS), 2);
	/* on an interface that also faces targets, the host gets them (health checks) */
	len = build_tcp(&to_node, frame);
	check_passes_untouched(fx.both, ifindex_cons, frame, len);
	fx_close(&fx);
}

/* ---- ARP for ENIs -------------------------------------------------------- */

static void arp_for_an_eni_is_answered(void)
{
	uint8_t frame[FRAME_MAX], want[FRAME_MAX];
	size_t len = build_arp_request(mac_cons_peer, CLIENT_IP, ENI_IP, frame);
	uint32_t eni = ipv4(ENI_IP), client = ipv4(CLIENT_IP);
	struct result r;

	SCENE(NULL);
	r = run_frame(fx.consumer, ifindex_cons, frame, len);
	CHECK_EQ(r.action, XDP_TX);
	memcpy(want, frame, len);
	memcpy(want, mac_cons_peer, 6);	    /* to the asker */
	memcpy(want + 6, mac_cons, 6);	    /* from the interface */
	want[14 + 7] = 2;		    /* reply */
	memcpy(want + 14 + 8, mac_cons, 6); /* sender: the ENI at our MAC */
	memcpy(want + 14 + 14, &eni, 4);
	memcpy(want + 14 + 18, mac_cons_peer, 6);
	memcpy(want + 14 + 24, &client, 4);
	CHECK_BYTES(r.out, r.out_len, want, len);
	CHECK_EQ(fx_reason(&fx, XL_ARP_REPLY), 1);
	fx_close(&fx);
}

/* ---- Endpoint state ------------------------------------------------------ */

static void endpoint_not_available_gets_nothing_through(void)
{
	struct tcp_frame to_pending = client_frame(40000, TCP_SYN);
	struct tcp_frame data = client_frame(40001, TCP_ACK | TCP_PSH);
	struct result r;

	SCENE(NULL);
	to_pending.daddr = PENDING_ENI_IP;
	r = send_client(&to_pending);
	CHECK_EQ(r.action, XDP_DROP);
	CHECK_BYTES(r.out, r.out_len, r.in, r.in_len);
	CHECK_EQ(fx_endpoint_traffic(&fx, 2).drops, 1);

	/* An established flow stops as soon as its endpoint is rejected. */
	CHECK_EQ(syn(40001).action, XDP_REDIRECT);
	fx_set_endpoint_state(&fx, 1, XL_EP_REJECTED);
	data.payload = "GET /";
	data.payload_len = 5;
	r = send_client(&data);
	CHECK_EQ(r.action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_ENDPOINT_STATE), 2);
	CHECK_EQ(fx_member_traffic(&fx, 1).packets_in + fx_member_traffic(&fx, 2).packets_in, 1);
	fx_close(&fx);
}

/* ---- Security groups --------------------------------------------------------- */

/* A connection's first packet is checked against the endpoint's rules; a refusal is a
 * silent drop under its own reason; established flows outlive a change of the rules. */
static void security_groups_decide_new_connections_only(void)
{
	static const struct xl_port_range web = { 80, 80 }, other = { 443, 443 };
	static const struct xl_port_range several[] = { { 22, 22 }, { 70, 90 }, { 8000, 9000 } };
	struct tcp_frame stranger = client_frame(40100, TCP_SYN);
	struct tcp_frame data = client_frame(40000, TCP_ACK | TCP_PSH);
	struct tcp_frame fin = client_frame(40000, TCP_FIN | TCP_ACK);
	struct flow_view flow;
	struct result r;

	SCENE(NULL);
	fx_set_security_rule(&fx, 1, CLIENT_IP, 32, &web, 1);
	fx_set_security_rule(&fx, 1, "10.1.2.0", 24, several, 3);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_SECURITY_GROUPS);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);

	stranger.saddr = "10.1.1.12"; /* no rule's source holds it */
	r = send_client(&stranger);
	CHECK_EQ(r.action, XDP_DROP);
	CHECK_BYTES(r.out, r.out_len, r.in, r.in_len);
	CHECK_EQ(fx_reason(&fx, XL_DROP_SECURITY_GROUP), 1);
	CHECK(!fx_flow(&fx, "10.1.1.12", 40100, ENI_IP, 80, &flow));
	stranger.saddr = "10.1.2.77"; /* in 10.1.2.0/24, whose second range holds port 80 */
	CHECK_EQ(send_client(&stranger).action, XDP_REDIRECT);

	/* The client's rule now names another port: its flow goes on, its next SYN does not. */
	fx_set_security_rule(&fx, 1, CLIENT_IP, 32, &other, 1);
	data.payload = "GET /";
	data.payload_len = 5;
	CHECK_EQ(send_client(&data).action, XDP_REDIRECT);
	r = syn(40001);
	CHECK_EQ(r.action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_SECURITY_GROUP), 2);
	CHECK_EQ(fx_reason(&fx, XL_FWD_TO_TARGET), 1);
	CHECK_EQ(fx_flow_count(&fx), 2);
	/* Once it closes, its 4-tuple opens no new connection either. */
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	send_target(&flow, TCP_SYN | TCP_ACK, NULL);
	send_client(&fin);
	send_target(&flow, TCP_FIN | TCP_ACK, NULL);
	CHECK_EQ(syn(40000).action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_SECURITY_GROUP), 3);

	/* Without the flag (an endpoint without groups) the rules are not asked. */
	fx_set_listener_flags(&fx, ENI_IP, 80, 0);
	CHECK_EQ(syn(40002).action, XDP_REDIRECT);
	CHECK_EQ(fx_reason(&fx, XL_DROP_SECURITY_GROUP), 3);
	fx_close(&fx);
}

/* ---- New flows ----------------------------------------------------------- */

static void syn_opens_a_flow_to_the_maglev_choice(void)
{
	struct flow_view flow;
	uint8_t want[FRAME_MAX];
	uint32_t member, backend;
	struct result r;

	SCENE(NULL);
	r = syn(40000);
	CHECK_EQ(r.action, XDP_REDIRECT); /* ingress cons, egress prov */
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	member = fx_maglev_choice(&fx, 1, CLIENT_IP, 40000, ENI_IP, 80);
	CHECK(member == 1 || member == 2);
	backend = member; /* the scene's member b registers backend b */
	CHECK_EQ(flow.member, member);
	CHECK_EQ(flow.backend, backend);
	CHECK_EQ(flow.snat_addr, ipv4(NODE_AZ1));
	CHECK_EQ(flow.target_addr, ipv4(backend_ip[backend]));
	CHECK_EQ(ntohs(flow.target_port), backend_port[backend]);
	CHECK(ntohs(flow.snat_port) >= XL_DEFAULT_PORT_MIN &&
	      ntohs(flow.snat_port) < XL_DEFAULT_PORT_MIN + XL_PORTS_PER_POOL);
	CHECK_EQ(flow.flags, 0);

	expect_rewrite(r.in, r.in_len, want, mac_target[backend], mac_prov, NODE_AZ1,
		       backend_ip[backend], ntohs(flow.snat_port), backend_port[backend]);
	CHECK_BYTES(r.out, r.out_len, want, r.in_len);
	CHECK(ipv4_checksum_ok(r.out));
	CHECK(tcp_checksum_ok(r.out, r.out_len));

	CHECK(fx_port_leads_to(&fx, &flow)); /* a reply to the SNAT port finds the flow */
	CHECK_EQ(flow.ifindex, ifindex_cons);
	CHECK(memcmp(flow.client_mac, mac_cons_peer, 6) == 0);
	CHECK_EQ(flow.endpoint, 1);

	CHECK_EQ(fx_active(&fx, backend), 1);
	CHECK_EQ(fx_member_active(&fx, member), 1);
	CHECK_EQ(fx_ports_used(&fx, backend), 1);
	CHECK_EQ(fx_member_traffic(&fx, member).new_flows, 1);
	CHECK_EQ(fx_member_traffic(&fx, member).packets_in, 1);
	CHECK_EQ(fx_member_traffic(&fx, member).bytes_in, r.in_len - 14);
	CHECK_EQ(fx_endpoint_traffic(&fx, 1).new_flows, 1);
	CHECK_EQ(fx_reason(&fx, XL_FWD_NEW_FLOW), 1);
	fx_close(&fx);
}

static void following_packets_keep_target_and_port(void)
{
	struct tcp_frame data = client_frame(40000, TCP_ACK | TCP_PSH);
	struct flow_view flow;
	uint8_t want[FRAME_MAX];

	SCENE(NULL);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	data.seq = 1001;
	data.ack = 7001;
	data.payload = "GET / HTTP/1.1\r\n\r\n";
	data.payload_len = strlen(data.payload);
	for (int i = 0; i < 5; i++) {
		struct result r = send_client(&data);

		CHECK_EQ(r.action, XDP_REDIRECT);
		expect_rewrite(r.in, r.in_len, want, mac_target[flow.backend], mac_prov, NODE_AZ1,
			       backend_ip[flow.backend], ntohs(flow.snat_port),
			       backend_port[flow.backend]);
		CHECK_BYTES(r.out, r.out_len, want, r.in_len);
	}
	CHECK_EQ(fx_flow_count(&fx), 1);
	CHECK_EQ(fx_active(&fx, flow.backend), 1);
	CHECK_EQ(fx_reason(&fx, XL_FWD_TO_TARGET), 5);
	CHECK_EQ(fx_member_traffic(&fx, flow.member).packets_in, 6);
	fx_close(&fx);
}

static void reply_is_rewritten_back_to_the_client(void)
{
	struct flow_view flow;
	uint8_t want[FRAME_MAX];
	struct result r;

	SCENE(NULL);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	r = send_target(&flow, TCP_SYN | TCP_ACK, NULL);
	CHECK_EQ(r.action, XDP_REDIRECT); /* ingress prov, back out of cons */
	expect_rewrite(r.in, r.in_len, want, mac_cons_peer, mac_cons, ENI_IP, CLIENT_IP, 80, 40000);
	CHECK_BYTES(r.out, r.out_len, want, r.in_len);
	CHECK(tcp_checksum_ok(r.out, r.out_len));

	r = send_target(&flow, TCP_ACK | TCP_PSH, "HTTP/1.1 200 OK\r\n\r\nt1\n");
	CHECK_EQ(r.action, XDP_REDIRECT);
	expect_rewrite(r.in, r.in_len, want, mac_cons_peer, mac_cons, ENI_IP, CLIENT_IP, 80, 40000);
	CHECK_BYTES(r.out, r.out_len, want, r.in_len);
	CHECK_EQ(fx_member_traffic(&fx, flow.member).packets_out, 2);
	CHECK_EQ(fx_endpoint_traffic(&fx, 1).packets_out, 2);
	CHECK_EQ(fx_reason(&fx, XL_FWD_TO_CLIENT), 2);
	fx_close(&fx);
}

static void reply_without_flow_passes_untouched(void)
{
	struct flow_view stale = { .backend = 1,
				   .target_addr = ipv4("10.0.1.21"),
				   .target_port = htons(80),
				   .snat_addr = ipv4(NODE_AZ1),
				   .snat_port = htons(2000) };
	struct result r;

	SCENE(NULL);
	r = send_target(&stale, TCP_ACK, NULL);
	CHECK_EQ(r.action, XDP_PASS);
	CHECK_BYTES(r.out, r.out_len, r.in, r.in_len);
	fx_close(&fx);
}

static void many_flows_get_unique_ports(void)
{
	const int flows = 300;
	static uint8_t seen[3][XL_PORTS_PER_POOL]; /* per pool: backends 1 and 2 */
	int duplicates = 0, wrong_target = 0;

	SCENE(NULL);
	for (int i = 0; i < flows; i++) {
		uint16_t sport = (uint16_t)(20000 + i);
		struct flow_view flow;

		CHECK_EQ(syn(sport).action, XDP_REDIRECT);
		if (!fx_flow(&fx, CLIENT_IP, sport, ENI_IP, 80, &flow))
			continue;
		duplicates +=
		    seen[flow.backend][ntohs(flow.snat_port) - XL_DEFAULT_PORT_MIN]++ != 0;
		wrong_target +=
		    flow.member != fx_maglev_choice(&fx, 1, CLIENT_IP, sport, ENI_IP, 80);
	}
	CHECK_EQ(duplicates, 0);
	CHECK_EQ(wrong_target, 0);
	CHECK_EQ(fx_flow_count(&fx), flows);
	CHECK_EQ(fx_active(&fx, 1) + fx_active(&fx, 2), flows);
	CHECK_EQ(fx_ports_used(&fx, 1) + fx_ports_used(&fx, 2), flows);
	CHECK(fx_active(&fx, 1) > 100 && fx_active(&fx, 2) > 100);
	fx_close(&fx);
}

static void cross_zone_scope_follows_the_table(void)
{
	int picked[5] = { 0 }, wrong = 0;
	struct flow_view first;

	SCENE(NULL);
	for (uint16_t sport = 30000; sport < 30300; sport++) {
		struct flow_view flow;

		syn(sport);
		if (fx_flow(&fx, CLIENT_IP, sport, ENI_IP, 80, &flow))
			picked[flow.backend]++;
	}
	CHECK_EQ(picked[1] + picked[2], 300); /* cross-zone off: use1-az1 only */
	CHECK(fx_flow(&fx, CLIENT_IP, 30000, ENI_IP, 80, &first));

	fx_set_listener_table(&fx, ENI_IP, 80, 2, NODE_AZ1); /* cross-zone on */
	memset(picked, 0, sizeof(picked));
	for (uint16_t sport = 31000; sport < 31300; sport++) {
		struct flow_view flow;

		syn(sport);
		if (!fx_flow(&fx, CLIENT_IP, sport, ENI_IP, 80, &flow))
			continue;
		picked[flow.backend]++;
		wrong += flow.member != fx_maglev_choice(&fx, 2, CLIENT_IP, sport, ENI_IP, 80);
	}
	CHECK_EQ(wrong, 0);
	for (int b = 1; b <= 4; b++)
		CHECK(picked[b] > 40);

	/* The flows opened before the switch stay where they are. */
	struct tcp_frame data = client_frame(30000, TCP_ACK);
	struct result r = send_client(&data);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(get32(r.out + OFF_IP_DADDR), ntohl(ipv4(backend_ip[first.backend])));
	fx_close(&fx);
}

/* A target is reached only out of an interface that faces targets: one routed into the
 * consumers' side is refused and takes nothing, unless that interface faces both, where
 * the packet leaves the way it came (XDP_TX). */
static void targets_are_reached_only_through_provider_interfaces(void)
{
	struct result r;

	SCENE(NULL);
	use_only_backend(5); /* 10.1.9.9, routed out of the consumer-facing interface */
	r = syn(40000);
	CHECK_EQ(r.action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_NO_ROUTE), 1);
	CHECK_EQ(fx_active(&fx, 5), 0);
	CHECK_EQ(fx_flow_count(&fx), 0);

	fx_set_role(&fx, ifindex_cons, XL_ROLE_BOTH);
	r = syn(40000);
	CHECK_EQ(r.action, XDP_TX);
	CHECK(memcmp(r.out, mac_target[5], 6) == 0);
	CHECK(memcmp(r.out + 6, mac_cons, 6) == 0);
	fx_close(&fx);
}

static void unresolved_neighbour_drops_the_syn_and_takes_nothing(void)
{
	struct result r;

	SCENE(NULL);
	use_only_backend(6); /* 10.0.1.99 has no neighbour entry */
	r = syn(40000);
	CHECK_EQ(r.action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_NO_NEIGH), 1);
	CHECK_EQ(fx_active(&fx, 6), 0);
	CHECK_EQ(fx_ports_used(&fx, 6), 0);
	CHECK_EQ(fx_flow_count(&fx), 0);
	fx_close(&fx);
}

/* ---- Refusals are RSTs --------------------------------------------------- */

static void check_reset(const struct result *r, uint32_t seq, uint32_t ack, uint8_t flags)
{
	CHECK_EQ(r->action, XDP_TX);
	CHECK_EQ(r->out_len, 54);
	CHECK(memcmp(r->out, mac_cons_peer, 6) == 0);
	CHECK(memcmp(r->out + 6, mac_cons, 6) == 0);
	CHECK_EQ(get32(r->out + OFF_IP_SADDR), ntohl(ipv4(ENI_IP)));
	CHECK_EQ(get32(r->out + OFF_IP_DADDR), ntohl(ipv4(CLIENT_IP)));
	CHECK_EQ(get16(r->out + OFF_TCP_SPORT), 80);
	CHECK_EQ(get16(r->out + OFF_TCP_DPORT), get16(r->in + OFF_TCP_SPORT));
	CHECK_EQ(get32(r->out + OFF_TCP_SEQ), seq);
	CHECK_EQ(get32(r->out + OFF_TCP_ACK), ack);
	CHECK_EQ(r->out[OFF_TCP_FLAGS], flags);
	CHECK_EQ(get16(r->out + 16), 40); /* IPv4 total length */
	CHECK(ipv4_checksum_ok(r->out));
	CHECK(tcp_checksum_ok(r->out, r->out_len));
}

static void packet_without_flow_gets_a_reset(void)
{
	struct tcp_frame ack = client_frame(40000, TCP_ACK | TCP_PSH);
	struct tcp_frame fin = client_frame(40001, TCP_FIN);
	struct tcp_frame rst = client_frame(40002, TCP_RST);
	struct result r;

	SCENE(NULL);
	ack.ack = 5000;
	ack.payload = "0123456789";
	ack.payload_len = 10;
	r = send_client(&ack);
	check_reset(&r, 5000, 0, TCP_RST); /* seq from the segment's ACK */

	r = send_client(&fin);
	check_reset(&r, 0, 1001, TCP_RST | TCP_ACK); /* ACK of seq + FIN */

	r = send_client(&rst);
	CHECK_EQ(r.action, XDP_DROP); /* a RST is never answered */
	CHECK_EQ(fx_reason(&fx, XL_RST_NO_FLOW), 2);
	CHECK_EQ(fx_reason(&fx, XL_DROP_STRAY_RST), 1);
	CHECK_EQ(fx_endpoint_traffic(&fx, 1).resets, 2);
	CHECK_EQ(fx_flow_count(&fx), 0);
	fx_close(&fx);
}

static void target_at_its_limit_refuses_with_a_reset(void)
{
	struct fixture_options opts = { .max_conns = 2 };
	struct result r;

	SCENE(&opts);
	use_only_backend(1);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK_EQ(syn(40001).action, XDP_REDIRECT);
	r = syn(40002);
	check_reset(&r, 0, 1001, TCP_RST | TCP_ACK);
	CHECK_EQ(fx_active(&fx, 1), 2);
	CHECK_EQ(fx_ports_used(&fx, 1), 2);
	CHECK_EQ(fx_flow_count(&fx), 2);
	CHECK_EQ(fx_reason(&fx, XL_RST_TARGET_FULL), 1);
	CHECK_EQ(fx_member_traffic(&fx, 1).port_alloc_errors, 1);
	CHECK_EQ(fx_member_traffic(&fx, 1).resets, 1);
	CHECK_EQ(fx_endpoint_traffic(&fx, 1).port_alloc_errors, 1);
	fx_close(&fx);
}

/* Backend 1 registered in two target groups: member 1 (table 1, behind ENI_IP) and
 * member 7 (table 3, behind the second ENI, made available). Each group counts its own
 * flows, traffic and refusals; the connection limit is the backend's, whichever group. */
static void a_target_in_two_groups_counts_per_group_and_limits_once(void)
{
	struct fixture_options opts = { .max_conns = 3 };
	const uint32_t web = 1, api = 7;
	struct tcp_frame to_api = client_frame(40002, TCP_SYN);
	struct flow_view flow;
	struct result r;

	SCENE(&opts);
	fx_add_member(&fx, api, 1);
	fx_set_table(&fx, 1, &web, 1);
	fx_set_table(&fx, 3, &api, 1);
	fx_set_endpoint_state(&fx, 2, XL_EP_AVAILABLE);
	fx_set_listener_table(&fx, PENDING_ENI_IP, 80, 3, NODE_AZ1);
	to_api.daddr = PENDING_ENI_IP;
	to_api.options_len = 4;

	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK_EQ(syn(40001).action, XDP_REDIRECT);
	CHECK_EQ(send_client(&to_api).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40002, PENDING_ENI_IP, 80, &flow));
	CHECK_EQ(flow.member, api);
	CHECK_EQ(flow.backend, 1);
	CHECK(fx_port_leads_to(&fx, &flow));
	CHECK_EQ(send_target(&flow, TCP_SYN | TCP_ACK, NULL).action, XDP_REDIRECT);

	CHECK_EQ(fx_active(&fx, 1), 3);
	CHECK_EQ(fx_member_active(&fx, web), 2);
	CHECK_EQ(fx_member_active(&fx, api), 1);
	CHECK_EQ(fx_ports_used(&fx, 1), 3); /* one pool per (node IP, backend) */
	CHECK_EQ(fx_member_traffic(&fx, web).new_flows, 2);
	CHECK_EQ(fx_member_traffic(&fx, api).new_flows, 1);
	CHECK_EQ(fx_member_traffic(&fx, web).packets_in, 2);
	CHECK_EQ(fx_member_traffic(&fx, api).packets_in, 1);
	CHECK_EQ(fx_member_traffic(&fx, web).packets_out, 0);
	CHECK_EQ(fx_member_traffic(&fx, api).packets_out, 1);

	/* The backend is full: a fourth flow is refused through either group, and each
	 * refusal counts to the group it was meant for. */
	r = syn(40003);
	check_reset(&r, 0, 1001, TCP_RST | TCP_ACK);
	to_api.sport = 40004;
	CHECK_EQ(send_client(&to_api).action, XDP_TX);
	CHECK_EQ(fx_reason(&fx, XL_RST_TARGET_FULL), 2);
	CHECK_EQ(fx_member_traffic(&fx, web).port_alloc_errors, 1);
	CHECK_EQ(fx_member_traffic(&fx, api).port_alloc_errors, 1);
	CHECK_EQ(fx_member_traffic(&fx, api).resets, 1);
	CHECK_EQ(fx_active(&fx, 1), 3);
	CHECK_EQ(fx_member_active(&fx, web), 2);
	CHECK_EQ(fx_member_active(&fx, api), 1);
	CHECK_EQ(fx_flow_count(&fx), 3);
	fx_close(&fx);
}

static void exhausted_port_range_refuses_with_a_reset(void)
{
	struct fixture_options opts = { .port_count = 3 };
	uint16_t ports[3];
	struct result r;

	SCENE(&opts);
	use_only_backend(1);
	for (int i = 0; i < 3; i++) {
		struct flow_view flow;

		CHECK_EQ(syn((uint16_t)(40000 + i)).action, XDP_REDIRECT);
		CHECK(fx_flow(&fx, CLIENT_IP, (uint16_t)(40000 + i), ENI_IP, 80, &flow));
		ports[i] = ntohs(flow.snat_port);
	}
	CHECK(ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2]);
	for (int i = 0; i < 3; i++)
		CHECK(ports[i] >= XL_DEFAULT_PORT_MIN && ports[i] < XL_DEFAULT_PORT_MIN + 3);
	r = syn(40003);
	check_reset(&r, 0, 1001, TCP_RST | TCP_ACK);
	CHECK_EQ(fx_reason(&fx, XL_RST_NO_PORT), 1);
	CHECK_EQ(fx_active(&fx, 1), 3); /* the refused flow's count was given back */
	CHECK_EQ(fx_member_traffic(&fx, 1).port_alloc_errors, 1);
	fx_close(&fx);
}

static void the_last_free_port_is_found(void)
{
	const uint32_t last = 54321;
	struct flow_view flow;

	SCENE(NULL);
	use_only_backend(1);
	fx_fill_pool(&fx, 1, last);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(ntohs(flow.snat_port), XL_DEFAULT_PORT_MIN + last);
	CHECK_EQ(syn(40001).action, XDP_TX); /* now truly full: RST */
	CHECK_EQ(fx_reason(&fx, XL_RST_NO_PORT), 1);
	fx_close(&fx);
}

/* A table sized for 64 flows holds at least 64; a new flow is refused once the slots
 * after its home are all taken, with a RST, and takes nothing. */
static void full_flow_table_refuses_with_a_reset(void)
{
	struct fixture_options opts = { .max_flows = 64 };
	uint32_t slots = flow_table_slots(64), opened = 0;
	struct result r = { 0 };

	SCENE(&opts);
	for (uint16_t sport = 20000; sport < 20000 + slots + 1; sport++) {
		r = syn(sport);
		if (r.action != XDP_REDIRECT)
			break;
		opened++;
	}
	CHECK(opened >= 64);
	CHECK_EQ(r.action, XDP_TX);
	CHECK_EQ(fx_reason(&fx, XL_RST_FLOW_TABLE_FULL), 1);
	CHECK_EQ(fx_flow_count(&fx), opened);
	CHECK_EQ(fx_active(&fx, 1) + fx_active(&fx, 2), opened);
	CHECK_EQ(fx_ports_used(&fx, 1) + fx_ports_used(&fx, 2), opened);
	fx_close(&fx);
}

static void unhealthy_target_resets_its_flows(void)
{
	struct tcp_frame data = client_frame(40000, TCP_ACK);
	struct flow_view flow;
	struct result r;

	SCENE(NULL);
	use_only_backend(1);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	fx_set_backend_flags(&fx, 1, XL_BE_RESET_FLOWS);
	data.ack = 7001;
	data.seq = 1001;
	r = send_client(&data);
	check_reset(&r, 7001, 0, TCP_RST);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(flow.flags & XL_FLOW_CLOSING, XL_FLOW_RST_CLIENT);
	CHECK_EQ(fx_reason(&fx, XL_RST_TARGET_RESET), 1);
	CHECK_EQ(fx_member_traffic(&fx, 1).resets, 1);
	fx_close(&fx);
}

/* ---- Closing ------------------------------------------------------------- */

static void fin_and_rst_mark_flows_closing(void)
{
	struct tcp_frame fin = client_frame(40000, TCP_FIN | TCP_ACK);
	struct tcp_frame rst = client_frame(40001, TCP_RST | TCP_ACK);
	struct flow_view flow;

	SCENE(NULL);
	syn(40000);
	syn(40001);
	CHECK_EQ(send_client(&fin).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(flow.flags & XL_FLOW_CLOSING, XL_FLOW_FIN_CLIENT);
	CHECK_EQ(send_target(&flow, TCP_FIN | TCP_ACK, NULL).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(flow.flags & XL_FLOW_CLOSING, XL_FLOW_FIN_CLIENT | XL_FLOW_FIN_TARGET);

	CHECK_EQ(send_client(&rst).action, XDP_REDIRECT); /* the target must hear it too */
	CHECK(fx_flow(&fx, CLIENT_IP, 40001, ENI_IP, 80, &flow));
	CHECK_EQ(flow.flags & XL_FLOW_CLOSING, XL_FLOW_RST_CLIENT);
	CHECK_EQ(send_target(&flow, TCP_RST, NULL).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40001, ENI_IP, 80, &flow));
	CHECK_EQ(flow.flags & XL_FLOW_CLOSING, XL_FLOW_RST_CLIENT | XL_FLOW_RST_TARGET);
	CHECK_EQ(fx_active(&fx, 1) + fx_active(&fx, 2), 2); /* the collector gives them back */
	fx_close(&fx);
}

static void flows_are_stamped_with_the_agents_clock(void)
{
	struct tcp_frame data = client_frame(40000, TCP_ACK);
	struct flow_view flow;

	SCENE(NULL);
	fx_set_clock(&fx, 5000);
	syn(40000);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(flow.last_seen, 5);
	fx_set_clock(&fx, 5999); /* within a second: the stamp stays, no write per packet */
	send_client(&data);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(flow.last_seen, 5);
	fx_set_clock(&fx, 6000);
	send_client(&data);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(flow.last_seen, 6);
	fx_set_clock(&fx, 9000); /* the target's packets count as much as the client's */
	CHECK_EQ(send_target(&flow, TCP_ACK, NULL).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(flow.last_seen, 9);
	fx_close(&fx);
}

/* A half-open flow ages from its client's SYN: the target's SYN-ACK, sent again and again
 * to a spoofed client that never answers, does not keep it alive. */
static void a_half_open_flow_ages_from_its_syn(void)
{
	struct flow_view flow;

	SCENE(NULL);
	fx_set_clock(&fx, 5000);
	syn(40000);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	fx_set_clock(&fx, 8000);
	CHECK_EQ(send_target(&flow, TCP_SYN | TCP_ACK, NULL).action, XDP_REDIRECT);
	fx_set_clock(&fx, 12000);
	CHECK_EQ(send_target(&flow, TCP_SYN | TCP_ACK, NULL).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(flow.last_seen, 5);
	fx_close(&fx);
}

static void syn_reopens_a_closing_flow(void)
{
	struct tcp_frame fin = client_frame(40000, TCP_FIN | TCP_ACK);
	struct flow_view before, after;

	SCENE(NULL);
	syn(40000);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &before));
	send_target(&before, TCP_SYN | TCP_ACK, NULL);
	send_client(&fin);
	send_target(&before, TCP_FIN | TCP_ACK, NULL);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &after));
	CHECK_EQ(after.flags, 0); /* closing and answered both go */
	CHECK_EQ(after.backend, before.backend);
	CHECK_EQ(after.snat_port, before.snat_port);
	CHECK_EQ(fx_active(&fx, before.backend), 1);
	CHECK_EQ(fx_member_traffic(&fx, before.member).new_flows, 2); /* a new connection */
	CHECK_EQ(fx_reason(&fx, XL_FWD_NEW_FLOW), 2);
	fx_close(&fx);
}

/* The target still holds an older connection on the SNAT port (its flow idled out and
 * gave the port back) and answers the SYN with that connection's ACK. The client resets
 * it and sends its SYN again: the same connection, on the same flow and port. */
static void a_retried_handshake_is_one_connection(void)
{
	struct tcp_frame rst = client_frame(40000, TCP_RST);
	struct tcp_frame ack = client_frame(40000, TCP_ACK);
	struct flow_view flow, again;

	SCENE(NULL);
	syn(40000);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(send_target(&flow, TCP_ACK, NULL).action, XDP_REDIRECT);
	rst.seq = 1001; /* the older connection's ACK */
	CHECK_EQ(send_client(&rst).action, XDP_REDIRECT);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &again));
	CHECK_EQ(again.snat_port, flow.snat_port);
	CHECK_EQ(again.flags, 0);
	CHECK_EQ(fx_member_traffic(&fx, flow.member).new_flows, 1);
	CHECK_EQ(fx_endpoint_traffic(&fx, 1).new_flows, 1);

	/* Answered (the client ACKs the SYN-ACK), closed, and opened again: a second
	 * connection. */
	send_target(&flow, TCP_SYN | TCP_ACK, NULL);
	send_client(&ack);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &again));
	CHECK(again.flags & XL_FLOW_ANSWERED);
	send_client(&rst);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK_EQ(fx_member_traffic(&fx, flow.member).new_flows, 2);
	CHECK_EQ(fx_active(&fx, flow.backend), 1);
	fx_close(&fx);
}

/* ---- A hostile consumer -------------------------------------------------- */

/* A connection through the flow: the client's SYN (ISN 1000), the target's SYN-ACK (ISN
 * 7000), the client's ACK. */
static void establish(uint16_t sport, struct flow_view *flow)
{
	struct tcp_frame ack = client_frame(sport, TCP_ACK);

	CHECK_EQ(syn(sport).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, sport, ENI_IP, 80, flow));
	CHECK_EQ(send_target(flow, TCP_SYN | TCP_ACK, NULL).action, XDP_REDIRECT);
	ack.seq = 1001;
	ack.ack = 7001;
	CHECK_EQ(send_client(&ack).action, XDP_REDIRECT);
}

static void put_be32_test(uint8_t *at, uint32_t value)
{
	value = htonl(value);
	memcpy(at, &value, 4);
}

/* A sequence number far from `next`, whatever the draw: out of any window of 2^20. */
static uint32_t far_from(uint32_t next)
{
	return next + (1u << 21) + (uint32_t)rand() % (1u << 31);
}

static uint32_t closing_flags(uint16_t sport)
{
	struct flow_view flow;

	return fx_flow(&fx, CLIENT_IP, sport, ENI_IP, 80, &flow) ? flow.flags & XL_FLOW_CLOSING
								 : 0xdead;
}

/* A stranger who spoofs a client, or a target, and sends RSTs with guessed sequence
 * numbers resets nothing: out of the receiver's window, they are dropped, counted, and
 * leave the flow as it was; the one in the window is believed. */
static void blind_resets_change_nothing(void)
{
	struct tcp_frame rst = client_frame(40000, TCP_RST);
	struct flow_view flow;
	int dropped = 0;

	SCENE(NULL);
	establish(40000, &flow);
	srand(5961);
	for (int i = 0; i < 50; i++) {
		struct tcp_frame from_target = target_frame(&flow, TCP_RST);

		rst.seq = far_from(1001);
		dropped += send_client(&rst).action == XDP_DROP;
		from_target.seq = far_from(7001);
		dropped += send_target_frame(&from_target).action == XDP_DROP;
	}
	CHECK_EQ(dropped, 100);
	CHECK_EQ(fx_reason(&fx, XL_DROP_RST_OUT_OF_WINDOW), 100);
	CHECK_EQ(closing_flags(40000), 0);
	CHECK_EQ(fx_reason(&fx, XL_FWD_TO_TARGET), 1); /* the ACK, nothing since */

	rst.seq = 1001 + 500; /* in the target's window */
	CHECK_EQ(send_client(&rst).action, XDP_REDIRECT);
	CHECK_EQ(closing_flags(40000), XL_FLOW_RST_CLIENT);
	fx_close(&fx);
}

/* Before the client acknowledged anything of the target, a target's RST counts only if it
 * refuses the SYN: it acknowledges the client's ISN + 1. */
static void a_target_refuses_a_syn_with_a_reset_that_acknowledges_it(void)
{
	struct flow_view flow;
	struct tcp_frame rst;

	SCENE(NULL);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	rst = target_frame(&flow, TCP_RST | TCP_ACK);
	rst.seq = 0;
	rst.ack = 4242;
	CHECK_EQ(send_target_frame(&rst).action, XDP_DROP);
	CHECK_EQ(closing_flags(40000), 0);
	rst.ack = 1001;
	CHECK_EQ(send_target_frame(&rst).action, XDP_REDIRECT);
	CHECK_EQ(closing_flags(40000), XL_FLOW_RST_TARGET);
	fx_close(&fx);
}

/* A FIN outside the window goes on (the receiver judges it) but closes nothing. */
static void a_fin_out_of_window_closes_nothing(void)
{
	struct tcp_frame fin = client_frame(40000, TCP_FIN | TCP_ACK);
	struct flow_view flow;

	SCENE(NULL);
	establish(40000, &flow);
	fin.seq = far_from(1001);
	fin.ack = 7001;
	CHECK_EQ(send_client(&fin).action, XDP_REDIRECT);
	CHECK_EQ(closing_flags(40000), 0);
	fin.seq = 1001;
	CHECK_EQ(send_client(&fin).action, XDP_REDIRECT);
	CHECK_EQ(closing_flags(40000), XL_FLOW_FIN_CLIENT);
	fx_close(&fx);
}

/* A SYN whose TCP checksum is wrong takes nothing: no flow, no count, no port. One with
 * a payload (TCP Fast Open) and a right checksum opens a flow as any other. */
static void a_syn_with_a_bad_checksum_opens_nothing(void)
{
	static const char payload[] = "a first request of 101 bytes, carried by the SYN itself, "
				      "as TCP Fast Open does, checked to the last!.";
	struct tcp_frame with_data = client_frame(40001, TCP_SYN);
	struct tcp_frame f = client_frame(40000, TCP_SYN);
	uint8_t frame[FRAME_MAX];
	size_t len;

	SCENE(NULL);
	f.options_len = 4;
	len = build_tcp(&f, frame);
	frame[OFF_TCP_CHECK] ^= 0x40;
	CHECK_EQ(run_frame(fx.consumer, ifindex_cons, frame, len).action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_BAD_CHECKSUM), 1);
	CHECK_EQ(fx_flow_count(&fx), 0);
	CHECK_EQ(fx_active(&fx, 1) + fx_active(&fx, 2), 0);
	CHECK_EQ(fx_ports_used(&fx, 1) + fx_ports_used(&fx, 2), 0);

	with_data.payload = payload;
	with_data.payload_len = sizeof(payload) - 1;
	CHECK_EQ(with_data.payload_len, 101);
	CHECK_EQ(send_client(&with_data).action, XDP_REDIRECT);
	CHECK_EQ(fx_flow_count(&fx), 1);
	fx_close(&fx);
}

/* Port 0 of an ENI marks the address; it is no listener. */
static void port_zero_is_no_listener(void)
{
	struct tcp_frame f = client_frame(40000, TCP_SYN);

	SCENE(NULL);
	f.dport = 0;
	CHECK_EQ(send_client(&f).action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_NO_LISTENER), 1);
	CHECK_EQ(fx_flow_count(&fx), 0);
	fx_close(&fx);
}

/* What the load balancer sends to a client, a RST or a target's reply, comes from the
 * interface's own address, whatever address the client's frame was sent to. */
static void resets_and_replies_come_from_the_interfaces_own_address(void)
{
	static const uint8_t other_mac[6] = { 0x02, 0, 0, 0, 0x0c, 0x99 };
	struct tcp_frame stray = client_frame(40000, TCP_ACK);
	struct tcp_frame opening = client_frame(40001, TCP_SYN);
	struct flow_view flow;
	struct result r;

	SCENE(NULL);
	memcpy(stray.dst_mac, other_mac, 6);
	stray.ack = 7001;
	r = send_client(&stray);
	check_reset(&r, 7001, 0, TCP_RST); /* from mac_cons */

	memcpy(opening.dst_mac, other_mac, 6);
	CHECK_EQ(send_client(&opening).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40001, ENI_IP, 80, &flow));
	r = send_target(&flow, TCP_SYN | TCP_ACK, NULL);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK(memcmp(r.out + 6, mac_cons, 6) == 0);
	fx_close(&fx);
}

static uint16_t mss_of(const struct result *r, size_t at)
{
	return get16(r->out + OFF_TCP + 20 + at + 2);
}

/* The segment sizes a SYN and a SYN-ACK announce are clamped to what the path carries,
 * wherever the option lies (an odd offset counts byte-swapped in the checksum). */
static void syns_announce_at_most_the_paths_segment_size(void)
{
	static const uint8_t odd_mss[8] = { 1, 2, 4, 0x23, 0x28, 1, 1, 0 }; /* NOP, MSS 9000 */
	struct tcp_frame odd = client_frame(40001, TCP_SYN);
	struct tcp_frame small = client_frame(40002, TCP_SYN);
	struct tcp_frame syn_ack;
	struct flow_view flow;
	struct result r;

	SCENE(NULL);
	fx_set_mss_clamp(&fx, 1400);
	r = syn(40000); /* MSS 1460 */
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(mss_of(&r, 0), 1400);
	CHECK(tcp_checksum_ok(r.out, r.out_len));

	odd.option_bytes = odd_mss;
	odd.options_len = sizeof(odd_mss);
	r = send_client(&odd);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(mss_of(&r, 1), 1400);
	CHECK(tcp_checksum_ok(r.out, r.out_len));

	small.options_len = 4;
	small.mss = 536; /* below the clamp: left as it is */
	r = send_client(&small);
	CHECK_EQ(mss_of(&r, 0), 536);

	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	syn_ack = target_frame(&flow, TCP_SYN | TCP_ACK);
	syn_ack.options_len = 4;
	syn_ack.mss = 8960;
	r = send_target_frame(&syn_ack);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(mss_of(&r, 0), 1400);
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	fx_close(&fx);
}

/* A SYN's options as Linux orders them (MSS, SACK permitted, timestamps, NOP, window
 * scale), as other systems order them, with one missing: the MSS is clamped, the window
 * scale recorded (at most 14), whatever the order. */
static void syn_options_are_read_in_any_order(void)
{
	static const uint8_t usual[20] = { 2, 4, 0x23, 0x28, 4, 2, 8, 10, 0, 0,
					   0, 1, 0,    0,    0, 0, 1, 3,  3, 7 };
	static const uint8_t other[20] = {
		2, 4, 0x23, 0x28, 1, 3, 3, 9, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0
	}; /* NOP, window scale, timestamps */
	static const uint8_t huge[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
					  0, 1, 0,    0,    0, 0, 1, 3,	 3, 15 };
	static const uint8_t no_scale[20] = { 2, 4, 0x23, 0x28, 4, 2, 8, 10, 0, 0,
					      0, 1, 0,	  0,	0, 0, 1, 1,  1, 1 };
	static const struct {
		const uint8_t *options;
		uint16_t port, mss;
		uint8_t shift;
	} cases[] = {
		{ usual, 40000, 1400, 7 },
		{ other, 40001, 1400, 9 },
		{ huge, 40002, 1400, 14 },
		{ no_scale, 40003, 1400, 0xf },
	};
	struct flow_view flow;
	struct result r;

	SCENE(NULL);
	fx_set_mss_clamp(&fx, 1400);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct tcp_frame f = client_frame(cases[i].port, TCP_SYN);

		f.option_bytes = cases[i].options;
		f.options_len = 20;
		r = send_client(&f);
		CHECK_EQ(r.action, XDP_REDIRECT);
		CHECK_EQ(mss_of(&r, 0), cases[i].mss);
		CHECK(tcp_checksum_ok(r.out, r.out_len));
		CHECK(fx_flow(&fx, CLIENT_IP, cases[i].port, ENI_IP, 80, &flow));
		CHECK_EQ(flow.client_shift, cases[i].shift);
	}
	fx_close(&fx);
}

/* A SYN on a closed flow whose target new flows no longer go to (drained, unhealthy,
 * deregistered) gets a new flow to where they go now; the old one retires, for the
 * collector to give back its count and port. */
static void a_reopened_flow_follows_the_table(void)
{
	struct tcp_frame fin = client_frame(40000, TCP_FIN | TCP_ACK);
	struct flow_view before, after;
	uint32_t other;
	struct result r;

	SCENE(NULL);
	establish(40000, &before);
	fin.seq = 1001;
	fin.ack = 7001;
	send_client(&fin);
	send_target(&before, TCP_FIN | TCP_ACK, NULL);
	other = before.backend == 1 ? 2 : 1;
	use_only_backend(other);

	r = syn(40000);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(get32(r.out + OFF_IP_DADDR), ntohl(ipv4(backend_ip[other])));
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &after));
	CHECK_EQ(after.backend, other);
	CHECK_EQ(after.flags & XL_FLOW_CLOSING, 0);
	CHECK_EQ(fx_slots_of_kind(&fx, XL_SLOT_RETIRED), 1);
	CHECK_EQ(fx_active(&fx, before.backend), 1); /* until the collector takes it */
	CHECK_EQ(fx_active(&fx, other), 1);
	fx_close(&fx);
}

/* On an interface that faces both clients and targets, only the target's next hop may
 * speak for a target: a client posing as one is dropped. */
static void only_the_targets_next_hop_speaks_for_it(void)
{
	struct flow_view flow;
	struct tcp_frame spoofed;
	uint8_t frame[FRAME_MAX];
	size_t len;

	SCENE(NULL);
	fx_set_role(&fx, ifindex_prov, XL_ROLE_BOTH);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	spoofed = target_frame(&flow, TCP_ACK | TCP_PSH);
	memcpy(spoofed.src_mac, mac_cons_peer, 6);
	len = build_tcp(&spoofed, frame);
	CHECK_EQ(run_frame(fx.both, ifindex_prov, frame, len).action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_NOT_FROM_TARGET), 1);
	spoofed = target_frame(&flow, TCP_ACK | TCP_PSH);
	len = build_tcp(&spoofed, frame);
	CHECK_EQ(run_frame(fx.both, ifindex_prov, frame, len).action, XDP_REDIRECT);
	fx_close(&fx);
}

/* ---- ICMP errors about a flow's packets ----------------------------------- */

/* "Fragmentation needed" from a router on the clients' side, about a packet the load
 * balancer sent to a client, goes to the flow's target as if about the target's own
 * packet: outer and quoted addresses and ports translated, every checksum right. */
static void fragmentation_needed_towards_a_client_reaches_the_target(void)
{
	static const uint8_t router_mac[6] = { 0x02, 0, 0, 0, 0x0c, 0x42 };
	struct tcp_frame sent = client_frame(40000, TCP_ACK | TCP_PSH);
	struct icmp_error_frame icmp = {
		.src_mac = router_mac,
		.dst_mac = mac_cons,
		.saddr = "10.1.0.1",
		.daddr = ENI_IP,
		.type = 3,
		.code = 4,
		.mtu = 1400,
		.quote_len = 20 + 20,
	};
	uint8_t about[FRAME_MAX], frame[FRAME_MAX];
	const uint8_t *quote;
	struct flow_view flow;
	struct result r;
	size_t len;

	SCENE(NULL);
	establish(40000, &flow);
	sent.saddr = ENI_IP; /* the reply, as the load balancer sent it to the client */
	sent.daddr = CLIENT_IP;
	sent.sport = 80;
	sent.dport = 40000;
	sent.seq = 7001;
	build_tcp(&sent, about);
	icmp.about = about;
	len = build_icmp_error(&icmp, frame);
	r = run_frame(fx.consumer, ifindex_cons, frame, len);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(fx_reason(&fx, XL_FWD_ICMP_TO_TARGET), 1);
	CHECK(memcmp(r.out, mac_target[flow.backend], 6) == 0);
	CHECK_EQ(get32(r.out + OFF_IP_SADDR), ntohl(flow.snat_addr));
	CHECK_EQ(get32(r.out + OFF_IP_DADDR), ntohl(flow.target_addr));
	CHECK_EQ(r.out[34], 3);
	CHECK_EQ(get16(r.out + 34 + 6), 1400);
	quote = r.out + 34 + 8;
	CHECK_EQ(get32(quote + 12), ntohl(flow.target_addr));
	CHECK_EQ(get32(quote + 16), ntohl(flow.snat_addr));
	CHECK_EQ(get16(quote + 20), ntohs(flow.target_port));
	CHECK_EQ(get16(quote + 22), ntohs(flow.snat_port));
	CHECK_EQ(get32(quote + 24), 7001);
	CHECK(ipv4_checksum_ok(r.out));
	CHECK(ipv4_checksum_ok(quote - 14));
	CHECK(icmp_checksum_ok(r.out, r.out_len));
	fx_close(&fx);
}

#define PP_LEN 100 /* a proxy protocol v2 header as PrivateLink sends it */

/* The same from the targets' side: an error about a packet sent to a target reaches the
 * flow's client, from the ENI's address. One about no flow of ours is the host's. */
static void fragmentation_needed_towards_a_target_reaches_the_client_as(bool proxy)
{
	static const uint8_t router_mac[6] = { 0x02, 0, 0, 0, 0x0d, 0x42 };
	struct icmp_error_frame icmp = {
		.src_mac = router_mac,
		.dst_mac = mac_prov,
		.saddr = "10.0.0.1",
		.daddr = NODE_AZ1,
		.type = 3,
		.code = 4,
		.mtu = 1280,
		.quote_len = 20 + 8,
	};
	struct tcp_frame sent;
	uint8_t about[FRAME_MAX], frame[FRAME_MAX];
	const uint8_t *quote;
	struct flow_view flow;
	struct result r;
	size_t len;

	SCENE(NULL);
	if (proxy)
		fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	establish(40000, &flow);
	sent = target_frame(&flow, TCP_ACK); /* the client's packet, as sent to the target */
	sent.saddr = NODE_AZ1;
	sent.daddr = backend_ip[flow.backend];
	sent.sport = ntohs(flow.snat_port);
	sent.dport = ntohs(flow.target_port);
	sent.seq = 1001;
	build_tcp(&sent, about);
	icmp.about = about;
	len = build_icmp_error(&icmp, frame);
	r = run_frame(fx.provider, ifindex_prov, frame, len);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(fx_reason(&fx, XL_FWD_ICMP_TO_CLIENT), 1);
	CHECK(memcmp(r.out, mac_cons_peer, 6) == 0);
	CHECK(memcmp(r.out + 6, mac_cons, 6) == 0);
	CHECK_EQ(get32(r.out + OFF_IP_SADDR), ntohl(ipv4(ENI_IP)));
	CHECK_EQ(get32(r.out + OFF_IP_DADDR), ntohl(ipv4(CLIENT_IP)));
	quote = r.out + 34 + 8;
	CHECK_EQ(get32(quote + 12), ntohl(ipv4(CLIENT_IP)));
	CHECK_EQ(get32(quote + 16), ntohl(ipv4(ENI_IP)));
	CHECK_EQ(get16(quote + 20), 40000);
	CHECK_EQ(get16(quote + 22), 80);
	CHECK_EQ(get16(r.out + 34 + 6), proxy ? 1280 - PP_LEN : 1280);
	CHECK(ipv4_checksum_ok(r.out));
	CHECK(ipv4_checksum_ok(quote - 14));
	CHECK(icmp_checksum_ok(r.out, r.out_len));

	sent.sport = 9; /* no flow holds this port: the host's business */
	build_tcp(&sent, about);
	len = build_icmp_error(&icmp, frame);
	r = run_frame(fx.provider, ifindex_prov, frame, len);
	CHECK_EQ(r.action, XDP_PASS);
	CHECK_BYTES(r.out, r.out_len, frame, len);
	fx_close(&fx);
}

static void fragmentation_needed_towards_a_target_reaches_the_client(void)
{
	fragmentation_needed_towards_a_target_reaches_the_client_as(false);
}

/* The client of a proxy protocol flow learns a path smaller by the header, which its
 * first payload, sent again, carries. */
static void fragmentation_needed_leaves_room_for_the_header(void)
{
	fragmentation_needed_towards_a_target_reaches_the_client_as(true);
}

/* ---- Proxy protocol v2 ------------------------------------------------------ */

/* The header PrivateLink sends, built here byte by byte from the spec (and the CRC
 * computed apart), to compare with what the program inserted. */
static void expected_proxy_header(uint8_t *h, const char *client, uint16_t sport, const char *eni,
				  uint16_t dport, const char *endpoint_id)
{
	static const uint8_t signature[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
					       0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a };
	uint32_t src = ipv4(client), dst = ipv4(eni), crc;
	uint16_t sp = htons(sport), dp = htons(dport);

	memset(h, 0, PP_LEN);
	memcpy(h, signature, 12);
	h[12] = 0x21;
	h[13] = 0x11;
	h[15] = 84;
	memcpy(h + 16, &src, 4);
	memcpy(h + 20, &dst, 4);
	memcpy(h + 24, &sp, 2);
	memcpy(h + 26, &dp, 2);
	h[28] = 0x03; /* CRC32C */
	h[30] = 4;
	h[35] = 0xea; /* AWS */
	h[37] = 23;
	h[38] = 0x01; /* the VPC endpoint id */
	memcpy(h + 39, endpoint_id, 22);
	h[61] = 0x04; /* NOOP */
	h[63] = 36;
	crc = htonl(crc32c(h, PP_LEN));
	memcpy(h + 31, &crc, 4);
}

static struct tcp_frame client_data(uint16_t sport, uint32_t seq, const char *payload)
{
	struct tcp_frame f = client_frame(sport, TCP_ACK | TCP_PSH);

	f.seq = seq;
	f.ack = 7001;
	f.payload = payload;
	f.payload_len = strlen(payload);
	return f;
}

/* The header goes before the client's first payload, and again before the same payload
 * sent again; every byte of it is PrivateLink's, and the segment's numbers and checksums
 * are right. */
static void a_proxy_header_precedes_the_first_payload(void)
{
	const char *request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct tcp_frame first = client_data(40000, 1001, request);
	uint8_t header[PP_LEN];
	struct flow_view flow;
	size_t len = strlen(request);

	SCENE(NULL);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	establish(40000, &flow);
	CHECK(flow.flags & XL_FLOW_PROXY_HEADER);
	expected_proxy_header(header, CLIENT_IP, 40000, ENI_IP, 80, fx_endpoint_id(1));
	for (int sent = 0; sent < 2; sent++) { /* the first time, and sent again */
		struct result r = send_client(&first);

		CHECK_EQ(r.action, XDP_REDIRECT);
		CHECK_EQ(r.out_len, r.in_len + PP_LEN);
		CHECK_EQ(get16(r.out + 16), 20 + 20 + PP_LEN + len);
		CHECK_EQ(get32(r.out + OFF_TCP_SEQ), 1001);
		CHECK_EQ(get32(r.out + OFF_IP_DADDR), ntohl(flow.target_addr));
		CHECK(memcmp(r.out + OFF_TCP + 20, header, PP_LEN) == 0);
		CHECK(memcmp(r.out + OFF_TCP + 20 + PP_LEN, request, len) == 0);
		CHECK(ipv4_checksum_ok(r.out));
		CHECK(tcp_checksum_ok(r.out, r.out_len));
	}
	CHECK_EQ(fx_reason(&fx, XL_FWD_PROXY_HEADER), 2);
	fx_close(&fx);
}

/* After the first payload, the client's numbers move by the header's length towards the
 * target and back: its later bytes, FIN and RST, the target's acknowledgments (one within
 * the header acknowledges none of the client's bytes) and SACK blocks. */
static void the_headers_bytes_are_translated_both_ways(void)
{
	/* NOP, NOP, SACK with one block: its edges at an even offset; the second frame puts
	 * them at an odd one (a NOP less, an EOL after). */
	uint8_t sack[12] = { 1, 1, 5, 10 }, odd_sack[12] = { 1, 5, 10 };
	struct tcp_frame more = client_data(40000, 1028, "second");
	struct tcp_frame fin = client_frame(40000, TCP_FIN | TCP_ACK);
	struct tcp_frame rst = client_frame(40000, TCP_RST | TCP_ACK);
	struct tcp_frame ack;
	struct flow_view flow;
	struct result r;

	SCENE(NULL);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	establish(40000, &flow);
	r = send_client(&more);
	CHECK_EQ(get32(r.out + OFF_TCP_SEQ), 1028 + PP_LEN);
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	fin.seq = 1034;
	fin.ack = 7001;
	r = send_client(&fin);
	CHECK_EQ(get32(r.out + OFF_TCP_SEQ), 1034 + PP_LEN);

	ack = target_frame(&flow, TCP_ACK);
	ack.ack = 1001 + PP_LEN + 27;
	r = send_target_frame(&ack);
	CHECK_EQ(get32(r.out + OFF_TCP_ACK), 1028);
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	ack.ack = 1001 + 50; /* half of the header */
	r = send_target_frame(&ack);
	CHECK_EQ(get32(r.out + OFF_TCP_ACK), 1001);

	ack.ack = 1001 + PP_LEN + 27;
	put_be32_test(sack + 4, 1001 + PP_LEN + 100);
	put_be32_test(sack + 8, 1001 + PP_LEN + 200);
	ack.option_bytes = sack;
	ack.options_len = sizeof(sack);
	r = send_target_frame(&ack);
	CHECK_EQ(get32(r.out + OFF_TCP + 24), 1001 + 100);
	CHECK_EQ(get32(r.out + OFF_TCP + 28), 1001 + 200);
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	put_be32_test(odd_sack + 3, 1001 + PP_LEN + 300);
	put_be32_test(odd_sack + 7, 1001 + PP_LEN + 400);
	ack.option_bytes = odd_sack;
	r = send_target_frame(&ack);
	CHECK_EQ(get32(r.out + OFF_TCP + 23), 1001 + 300);
	CHECK_EQ(get32(r.out + OFF_TCP + 27), 1001 + 400);
	CHECK(tcp_checksum_ok(r.out, r.out_len));

	rst.seq = 1035; /* past the FIN: in the window of the target's numbers too */
	rst.ack = 7001;
	r = send_client(&rst);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(get32(r.out + OFF_TCP_SEQ), 1035 + PP_LEN);
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK(flow.flags & XL_FLOW_RST_CLIENT);
	fx_close(&fx);
}

/* The segment size the target announces reaches the client less the header's length,
 * so that a first payload with its header still fits: one that fills the path with the
 * header in front goes whole. */
static void the_client_leaves_room_for_the_header(void)
{
	struct tcp_frame syn_ack;
	struct tcp_frame big = client_data(40000, 1001, "a first payload that fills the MTU");
	struct flow_view flow;
	struct result r;

	SCENE(NULL);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	syn_ack = target_frame(&flow, TCP_SYN | TCP_ACK);
	syn_ack.options_len = 4;
	syn_ack.mss = 1460;
	r = send_target_frame(&syn_ack);
	CHECK_EQ(mss_of(&r, 0), 1460 - PP_LEN);
	CHECK(tcp_checksum_ok(r.out, r.out_len));

	fx_set_mtu(&fx, ifindex_prov, 20 + 20 + 34 + PP_LEN);
	r = send_client(&big);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(r.out_len, r.in_len + PP_LEN);
	CHECK_EQ(fx_reason(&fx, XL_FWD_PROXY_HEADER), 1);
	fx_close(&fx);
}

/* ---- A long transfer through a proxy protocol flow ------------------------------ */

/* Both ends of one connection through a proxy protocol flow, and what each has sent:
 * the client's bytes are numbered from client_first in its own view and from
 * client_first + PP_LEN (past the header) in the target's; the target's from
 * target_first in its own view, less `shift` in the client's (a SYN-cookie flow). */
struct pp_conn {
	uint16_t sport;
	struct flow_view flow;
	uint32_t client_first, target_first, shift;
	uint8_t header[PP_LEN];
};

/* The byte at `offset` of a side's stream: a pattern that no shift of it repeats soon. */
static uint8_t stream_byte(char side, uint32_t offset)
{
	return (uint8_t)(offset * 7 + offset / 251 + (side == 'c' ? 0 : 101));
}

static void fill_stream(uint8_t *at, char side, uint32_t offset, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		at[i] = stream_byte(side, offset + i);
}

/* The client's number of its byte at `offset`, and the target's number of the same byte. */
static uint32_t client_number(const struct pp_conn *c, uint32_t offset)
{
	return c->client_first + offset;
}

static uint32_t target_number(const struct pp_conn *c, uint32_t offset)
{
	return c->client_first + PP_LEN + offset;
}

/* A connection on port `sport` of a proxy protocol listener, opened by a SYN (client ISN
 * 1000, target ISN 7000) or, under a flood, by a SYN cookie. */
static void open_pp_conn(struct pp_conn *c, uint16_t sport, bool by_cookie)
{
	struct tcp_frame ack = client_frame(sport, TCP_ACK);
	uint32_t cookie;
	struct result r;

	c->sport = sport;
	c->client_first = 1001;
	c->target_first = 7001;
	c->shift = 0;
	expected_proxy_header(c->header, CLIENT_IP, sport, ENI_IP, 80, fx_endpoint_id(1));
	if (!by_cookie) {
		establish(sport, &c->flow);
		return;
	}
	r = syn(sport);
	CHECK_EQ(r.action, XDP_TX);
	cookie = get32(r.out + OFF_TCP_SEQ);
	ack.seq = 1001;
	ack.ack = cookie + 1;
	CHECK_EQ(send_client(&ack).action, XDP_REDIRECT); /* the SYN to the target */
	CHECK(fx_flow(&fx, CLIENT_IP, sport, ENI_IP, 80, &c->flow));
	CHECK_EQ(send_target(&c->flow, TCP_SYN | TCP_ACK, NULL).action, XDP_TX);
	c->shift = 7000 - cookie;
}

/* The client sends `len` bytes of its stream from `offset` (flags: ACK and more), having
 * received `acked` bytes of the target's. What reaches the target: the same bytes
 * numbered in its view, the header in front of the first byte each time it is sent (and
 * in front of a FIN that carries no byte at all), the acknowledgment in its numbers,
 * addresses rewritten, checksums right. */
static void client_sends(const struct pp_conn *c, uint32_t offset, uint32_t len, uint8_t flags,
			 uint32_t acked)
{
	static uint8_t payload[FRAME_MAX];
	struct tcp_frame f = client_frame(c->sport, (uint8_t)(TCP_ACK | flags));
	bool header = offset == 0 && (len || (flags & TCP_FIN));
	uint32_t want_len;
	struct result r;

	fill_stream(payload, 'c', offset, len);
	f.seq = client_number(c, offset);
	f.ack = c->target_first - c->shift + acked;
	f.payload = payload;
	f.payload_len = len;
	r = send_client(&f);
	want_len = (uint32_t)r.in_len + (header ? PP_LEN : 0);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(r.out_len, want_len);
	if (r.out_len != want_len)
		return;
	CHECK_EQ(get32(r.out + OFF_IP_SADDR), ntohl(c->flow.snat_addr));
	CHECK_EQ(get32(r.out + OFF_IP_DADDR), ntohl(c->flow.target_addr));
	CHECK_EQ(get16(r.out + OFF_TCP_SPORT), ntohs(c->flow.snat_port));
	CHECK_EQ(get32(r.out + OFF_TCP_SEQ),
		 offset == 0 ? client_number(c, 0) : target_number(c, offset));
	CHECK_EQ(get32(r.out + OFF_TCP_ACK), c->target_first + acked);
	CHECK_EQ(r.out[OFF_TCP_FLAGS], TCP_ACK | flags);
	if (header)
		CHECK(memcmp(r.out + OFF_TCP + 20, c->header, PP_LEN) == 0);
	CHECK(memcmp(r.out + OFF_TCP + 20 + (header ? PP_LEN : 0), payload, len) == 0);
	CHECK(ipv4_checksum_ok(r.out));
	CHECK(tcp_checksum_ok(r.out, r.out_len));
}

/* What the target acknowledges and selectively acknowledges, in its numbers, and what
 * the client must read in its own. */
struct target_ack {
	uint32_t ack, want_ack;
	uint32_t edges[4], want_edges[4]; /* up to two SACK blocks */
	int blocks;
};

/* The target sends `len` bytes of its stream from `offset` (flags: ACK and more) with
 * `a`'s acknowledgment and SACK blocks. What reaches the client: the same bytes numbered
 * in its view, the acknowledgment and every SACK edge in its numbers, checksums right. */
static void target_sends(const struct pp_conn *c, uint32_t offset, uint32_t len, uint8_t flags,
			 const struct target_ack *a)
{
	static uint8_t payload[FRAME_MAX];
	uint8_t options[20] = { 1, 1, 5, (uint8_t)(2 + 8 * a->blocks) };
	struct tcp_frame f = target_frame(&c->flow, (uint8_t)(TCP_ACK | flags));
	struct result r;

	fill_stream(payload, 't', offset, len);
	for (int e = 0; e < 2 * a->blocks; e++)
		put_be32_test(options + 4 + 4 * e, a->edges[e]);
	f.seq = c->target_first + offset;
	f.ack = a->ack;
	f.payload = payload;
	f.payload_len = len;
	f.option_bytes = options;
	f.options_len = a->blocks ? 4 + 8 * (size_t)a->blocks : 0;
	r = send_target_frame(&f);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(r.out_len, r.in_len);
	CHECK_EQ(get32(r.out + OFF_IP_SADDR), ntohl(ipv4(ENI_IP)));
	CHECK_EQ(get32(r.out + OFF_IP_DADDR), ntohl(ipv4(CLIENT_IP)));
	CHECK_EQ(get16(r.out + OFF_TCP_DPORT), c->sport);
	CHECK_EQ(get32(r.out + OFF_TCP_SEQ), c->target_first - c->shift + offset);
	CHECK_EQ(get32(r.out + OFF_TCP_ACK), a->want_ack);
	for (int e = 0; e < 2 * a->blocks; e++)
		CHECK_EQ(get32(r.out + OFF_TCP + 24 + 4 * e), a->want_edges[e]);
	CHECK(memcmp(r.out + OFF_TCP + 20 + f.options_len, payload, len) == 0);
	CHECK(ipv4_checksum_ok(r.out));
	CHECK(tcp_checksum_ok(r.out, r.out_len));
}

#define SEG 1000 /* bytes per client segment; 12 of them, then a FIN */

/* A target's acknowledgment of `bytes` of the client's (the header and that many more),
 * without SACK. */
static struct target_ack acks(const struct pp_conn *c, uint32_t bytes)
{
	struct target_ack a = { .ack = target_number(c, bytes),
				.want_ack = client_number(c, bytes) };

	return a;
}

/* 12,000 bytes from the client and 2,000 from the target, with what TCP does on a real
 * path: a segment overtaken (reordered), one lost and sent again after the target's SACK,
 * one sent again needlessly, the first payload sent again (with its header again, which
 * the target reports as a D-SACK), and FINs both ways. Every segment's numbers are
 * checked on arrival. */
static void long_transfer(bool by_cookie)
{
	struct pp_conn c;
	struct target_ack a;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	if (by_cookie)
		fx_set_half_open_limits(&fx, 0, UINT32_MAX);
	open_pp_conn(&c, 40000, by_cookie);
	client_sends(&c, 0, SEG, TCP_PSH, 0); /* the first payload, with the header */
	client_sends(&c, 1 * SEG, SEG, 0, 0);
	client_sends(&c, 3 * SEG, SEG, 0, 0); /* overtakes the third */
	a = acks(&c, 2 * SEG);
	a.blocks = 1;
	a.edges[0] = target_number(&c, 3 * SEG);
	a.edges[1] = target_number(&c, 4 * SEG);
	a.want_edges[0] = client_number(&c, 3 * SEG);
	a.want_edges[1] = client_number(&c, 4 * SEG);
	target_sends(&c, 0, 0, 0, &a);
	client_sends(&c, 2 * SEG, SEG, 0, 0);
	a = acks(&c, 4 * SEG);
	target_sends(&c, 0, SEG, TCP_PSH, &a);	/* an answer */
	client_sends(&c, 0, SEG, TCP_PSH, SEG); /* the first payload again */
	a = acks(&c, 4 * SEG);
	a.blocks = 1; /* D-SACK: the header and the first payload came twice */
	a.edges[0] = client_number(&c, 0);
	a.edges[1] = target_number(&c, SEG);
	a.want_edges[0] = client_number(&c, 0);
	a.want_edges[1] = client_number(&c, SEG);
	target_sends(&c, SEG, 0, 0, &a);
	client_sends(&c, 4 * SEG, SEG, 0, SEG);
	client_sends(&c, 5 * SEG, SEG, 0, SEG);
	client_sends(&c, 7 * SEG, SEG, 0, SEG); /* the seventh is lost */
	a = acks(&c, 6 * SEG);
	a.blocks = 2;
	a.edges[0] = target_number(&c, 7 * SEG);
	a.edges[1] = target_number(&c, 8 * SEG);
	a.edges[2] = target_number(&c, 5 * SEG - 100); /* a D-SACK to come, any order */
	a.edges[3] = target_number(&c, 5 * SEG);
	a.want_edges[0] = client_number(&c, 7 * SEG);
	a.want_edges[1] = client_number(&c, 8 * SEG);
	a.want_edges[2] = client_number(&c, 5 * SEG - 100);
	a.want_edges[3] = client_number(&c, 5 * SEG);
	target_sends(&c, SEG, 0, 0, &a);
	client_sends(&c, 6 * SEG, SEG, 0, SEG); /* sent again after the SACK */
	client_sends(&c, 5 * SEG, SEG, 0, SEG); /* sent again needlessly */
	for (uint32_t s = 8; s < 11; s++)
		client_sends(&c, s * SEG, SEG, 0, SEG);
	client_sends(&c, 11 * SEG, SEG, TCP_PSH | TCP_FIN, SEG);
	a = acks(&c, 12 * SEG + 1); /* the FIN too */
	target_sends(&c, SEG, SEG, TCP_PSH | TCP_FIN, &a);
	client_sends(&c, 12 * SEG + 1, 0, 0, 2 * SEG + 1); /* the last ACK */
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &c.flow));
	CHECK_EQ(c.flow.flags & (XL_FLOW_FIN_CLIENT | XL_FLOW_FIN_TARGET),
		 XL_FLOW_FIN_CLIENT | XL_FLOW_FIN_TARGET);
	CHECK_EQ(fx_reason(&fx, XL_FWD_PROXY_HEADER), 2);
	fx_close(&fx);
}

static void a_long_transfer_keeps_every_number_right(void)
{
	long_transfer(false);
}

static void a_long_transfer_keeps_every_number_right_through_a_cookie(void)
{
	long_transfer(true);
}

/* The first payload lost on the way in, later segments come first: they go on past where
 * the header will be, the target's acknowledgment stays at the client's first byte and
 * its SACK blocks read in the client's numbers; the first payload, sent again, brings the
 * header, and the target's acknowledgment of it all reads as the client's. */
static void a_late_first_payload_brings_the_header(void)
{
	struct target_ack a;
	struct pp_conn c;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	open_pp_conn(&c, 40000, false);
	client_sends(&c, SEG, SEG, 0, 0);
	client_sends(&c, 2 * SEG, SEG, TCP_PSH, 0);
	CHECK_EQ(fx_reason(&fx, XL_FWD_PROXY_HEADER), 0);
	a = acks(&c, 0);
	a.ack = client_number(&c, 0); /* not even the header came */
	a.blocks = 1;
	a.edges[0] = target_number(&c, SEG);
	a.edges[1] = target_number(&c, 3 * SEG);
	a.want_edges[0] = client_number(&c, SEG);
	a.want_edges[1] = client_number(&c, 3 * SEG);
	target_sends(&c, 0, 0, 0, &a);
	client_sends(&c, 0, SEG, 0, 0); /* sent again, with the header */
	CHECK_EQ(fx_reason(&fx, XL_FWD_PROXY_HEADER), 1);
	a = acks(&c, 3 * SEG);
	target_sends(&c, 0, SEG, TCP_PSH, &a);
	client_sends(&c, 3 * SEG, SEG, TCP_PSH, SEG);
	fx_close(&fx);
}

/* A first payload too big for the path with the header in front (a client that ignored
 * the MSS) goes with the header as far as it fits, each time it is sent; its FIN goes
 * with the rest. The target acknowledges what it got, the client sends the rest again,
 * without a header. Where not even two bytes fit, it is dropped. */
static void a_first_payload_too_big_for_the_header_is_cut(void)
{
	const uint32_t len = 301, kept = 200, mtu = 20 + 20 + PP_LEN + kept + 1;
	static uint8_t payload[301];
	struct tcp_frame first;
	struct target_ack a;
	struct pp_conn c;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	open_pp_conn(&c, 40000, false);
	fx_set_mtu(&fx, ifindex_prov, mtu); /* an odd room: an even number of bytes is kept */
	fill_stream(payload, 'c', 0, len);
	first = client_frame(c.sport, TCP_ACK | TCP_PSH | TCP_FIN);
	first.seq = client_number(&c, 0);
	first.ack = c.target_first;
	first.payload = payload;
	first.payload_len = len;
	for (int sent = 0; sent < 2; sent++) { /* the first time, and sent again */
		struct result r = send_client(&first);

		CHECK_EQ(r.action, XDP_REDIRECT);
		CHECK_EQ(r.out_len, 14 + mtu - 1);
		CHECK_EQ(get16(r.out + 16), mtu - 1);
		CHECK_EQ(get32(r.out + OFF_IP_DADDR), ntohl(c.flow.target_addr));
		CHECK_EQ(get32(r.out + OFF_TCP_SEQ), client_number(&c, 0));
		CHECK_EQ(r.out[OFF_TCP_FLAGS], TCP_ACK | TCP_PSH);
		CHECK(memcmp(r.out + OFF_TCP + 20, c.header, PP_LEN) == 0);
		CHECK(memcmp(r.out + OFF_TCP + 20 + PP_LEN, payload, kept) == 0);
		CHECK(ipv4_checksum_ok(r.out));
		CHECK(tcp_checksum_ok(r.out, r.out_len));
	}
	CHECK_EQ(fx_reason(&fx, XL_FWD_PROXY_CUT), 2);
	a = acks(&c, kept);
	target_sends(&c, 0, 0, 0, &a);
	client_sends(&c, kept, len - kept, TCP_PSH | TCP_FIN, 0); /* the rest, and the FIN */
	a = acks(&c, len + 1);
	target_sends(&c, 0, 0, TCP_FIN, &a);

	fx_set_mtu(&fx, ifindex_prov, 20 + 20 + PP_LEN + 1);
	CHECK_EQ(send_client(&first).action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_PROXY_TOO_BIG), 1);
	fx_close(&fx);
}

/* A client that closes without sending a byte: its FIN carries the header (the target
 * learns who came and left), and each side's acknowledgment of the other's FIN reads
 * right on the other side. Without the header, the target's ACK of the FIN would read as
 * one within the header, acknowledging nothing, and the client's last ACK would land
 * past the target's window. */
static void a_client_that_sends_nothing_sends_the_header_with_its_fin(void)
{
	struct pp_conn c;
	struct target_ack a;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	open_pp_conn(&c, 40000, false);
	client_sends(&c, 0, 0, TCP_FIN, 0);
	client_sends(&c, 0, 0, TCP_FIN, 0); /* and again */
	a = acks(&c, 1);
	target_sends(&c, 0, 0, TCP_FIN, &a);
	client_sends(&c, 1, 0, 0, 1);
	CHECK_EQ(fx_reason(&fx, XL_FWD_PROXY_HEADER), 2);
	fx_close(&fx);
}

/* Client bytes numbered before its first byte but reaching past it would land where the
 * header goes, and a target whose first byte is still to come would take them for the
 * header: a consumer could speak for another. They are dropped, never sent. */
static void client_bytes_where_the_header_goes_are_dropped(void)
{
	static const char forged[150] = "\r\n\r\n";
	struct tcp_frame f = client_frame(40000, TCP_ACK | TCP_PSH);
	struct pp_conn c;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	open_pp_conn(&c, 40000, false);
	f.seq = c.client_first - 50;
	f.ack = 7001;
	f.payload = forged;
	f.payload_len = sizeof(forged);
	CHECK_EQ(send_client(&f).action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_PROXY_BEFORE_HEADER), 1);
	f.payload_len = 50; /* ends at the first byte: an old segment, harmless */
	CHECK_EQ(send_client(&f).action, XDP_REDIRECT);
	client_sends(&c, 0, SEG, TCP_PSH, 0); /* the real first payload still gets it */
	f.payload_len = sizeof(forged);	      /* and after it, the same again */
	CHECK_EQ(send_client(&f).action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_PROXY_BEFORE_HEADER), 2);
	fx_close(&fx);
}

/* A SYN with data (TCP Fast Open) would put the client's bytes where the header goes:
 * the SYN goes on without them, the checksum fixed, and the client sends them again
 * after the handshake, when they get the header. */
static void a_syns_data_waits_for_the_header(void)
{
	const char *data = "GET / HTTP/1.1\r\nHost: x\r\n\r\n!"; /* odd: a half word */
	struct tcp_frame f = client_frame(40000, TCP_SYN);
	struct result r;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	f.options_len = 4;
	f.payload = data;
	f.payload_len = strlen(data);
	r = send_client(&f);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(r.out_len, r.in_len - strlen(data));
	CHECK_EQ(get16(r.out + 16), 20 + 24);
	CHECK_EQ(get32(r.out + OFF_TCP_SEQ), 1000);
	CHECK_EQ(r.out[OFF_TCP_FLAGS], TCP_SYN);
	CHECK(ipv4_checksum_ok(r.out));
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	CHECK_EQ(fx_reason(&fx, XL_FWD_PROXY_SYN_DATA), 1);
	CHECK_EQ(fx_flow_count(&fx), 1);
	fx_close(&fx);
}

/* Under a flood, the program's own SYN-ACK (the cookie's) leaves room for the header as
 * the target's would: a full segment and the header still fit the path. */
static void cookies_leave_room_for_the_header(void)
{
	struct result r;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	fx_set_half_open_limits(&fx, 0, UINT32_MAX);
	r = syn(40000);
	CHECK_EQ(r.action, XDP_TX);
	CHECK_EQ(r.out[OFF_TCP + 20], 2);
	CHECK_EQ(mss_of(&r, 0), 1460 - PP_LEN);
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	fx_set_mss_clamp(&fx, 1400);
	r = syn(40001);
	CHECK_EQ(mss_of(&r, 0), 1400 - PP_LEN);
	fx_close(&fx);
}

/* ---- Multi-buffer frames -------------------------------------------------------- */

#define JUMBO_MTU 9000
#define JUMBO_SEG 6000 /* past one page: the frame's tail is in a second buffer */

/* A jumbo frame comes to XDP in several buffers (the programs are xdp.frags). Its
 * headers are in the first, and all that the program changes is too: the header goes in
 * front of a first payload of any size, numbers and SACK blocks are translated, a SYN's
 * data is cut wherever it lies, and the MTU is judged on the whole frame (a first payload
 * too big for it with the header is cut across the buffers). */
static void multi_buffer_frames_are_handled_whole(void)
{
	const uint32_t big = 5 * JUMBO_SEG;
	static uint8_t payload[JUMBO_SEG + 1];
	struct tcp_frame syn_data = client_frame(40001, TCP_SYN);
	struct tcp_frame first = client_frame(40000, TCP_ACK | TCP_PSH);
	struct pp_conn c;
	struct target_ack a;
	struct result r;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	fx_set_mtu(&fx, ifindex_prov, JUMBO_MTU);
	open_pp_conn(&c, 40000, false);
	client_sends(&c, 0, JUMBO_SEG, TCP_PSH, 0);
	client_sends(&c, JUMBO_SEG, JUMBO_SEG, 0, 0);
	a = acks(&c, 2 * JUMBO_SEG);
	a.blocks = 1;
	a.edges[0] = target_number(&c, big);
	a.edges[1] = target_number(&c, big + JUMBO_SEG);
	a.want_edges[0] = client_number(&c, big);
	a.want_edges[1] = client_number(&c, big + JUMBO_SEG);
	target_sends(&c, 0, JUMBO_SEG, TCP_PSH, &a);
	CHECK_EQ(fx_reason(&fx, XL_FWD_PROXY_HEADER), 1);

	fx_set_mtu(&fx, ifindex_prov, 20 + 20 + JUMBO_SEG + PP_LEN - 1);
	client_sends(&c, JUMBO_SEG, JUMBO_SEG, 0, 0); /* no header: fits */
	fill_stream(payload, 'c', 0, JUMBO_SEG);
	first.seq = c.client_first;
	first.ack = 7001;
	first.payload = payload;
	first.payload_len = JUMBO_SEG;
	r = send_client(&first); /* with the header, it would not: cut to what fits */
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(r.out_len, 14 + 20 + 20 + PP_LEN + JUMBO_SEG - 2);
	CHECK(memcmp(r.out + OFF_TCP + 20, c.header, PP_LEN) == 0);
	CHECK(memcmp(r.out + OFF_TCP + 20 + PP_LEN, payload, JUMBO_SEG - 2) == 0);
	CHECK(ipv4_checksum_ok(r.out));
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	CHECK_EQ(fx_reason(&fx, XL_FWD_PROXY_CUT), 1);

	memset(payload, 'x', JUMBO_SEG + 1);
	syn_data.options_len = 4;
	syn_data.payload = payload;
	syn_data.payload_len = JUMBO_SEG + 1;
	r = send_client(&syn_data);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(r.out_len, 14 + 20 + 24);
	CHECK(ipv4_checksum_ok(r.out));
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	fx_close(&fx);
}

/* Where the first buffer ends before the TCP header does (no driver makes such a frame:
 * the headers come first), the options cannot be read where they are, SACK blocks and
 * the MSS among them: the frame is never rewritten. The same frames in one buffer go
 * through. */
static void a_tcp_header_past_the_first_buffer_is_never_rewritten(void)
{
	static uint8_t payload[4000], frame[FRAME_MAX], out[FRAME_MAX];
	uint8_t sack[12] = { 1, 1, 5, 10 };
	struct tcp_frame reply, data;
	struct pp_conn c;
	size_t len, out_len;
	int action;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_listener_flags(&fx, ENI_IP, 80, XL_FE_PROXY_V2);
	open_pp_conn(&c, 40000, false);
	client_sends(&c, 0, SEG, TCP_PSH, 0);
	reply = target_frame(&c.flow, TCP_ACK);
	reply.ack = target_number(&c, SEG);
	put_be32_test(sack + 4, target_number(&c, 2 * SEG));
	put_be32_test(sack + 8, target_number(&c, 3 * SEG));
	reply.option_bytes = sack;
	reply.options_len = sizeof(sack);
	reply.payload = payload;
	reply.payload_len = sizeof(payload);
	len = build_tcp(&reply, frame);
	action =
	    fx_run_split(&fx, fx.provider, ifindex_prov, frame, len, OFF_TCP + 20, out, &out_len);
	if (action == -EINVAL) {
		printf(
		    "  (this kernel sizes a test frame's first buffer itself: nothing to check)\n");
		fx_close(&fx);
		return;
	}
	CHECK_EQ(action, XDP_PASS);
	CHECK_EQ(fx_reason(&fx, XL_PASS_MALFORMED), 1);
	CHECK_BYTES(out, out_len, frame, len);
	CHECK_EQ(
	    fx_run_split(&fx, fx.provider, ifindex_prov, frame, len, OFF_TCP + 32, out, &out_len),
	    XDP_REDIRECT);
	CHECK_EQ(get32(out + OFF_TCP + 24), client_number(&c, 2 * SEG));

	data = client_data(40000, client_number(&c, SEG), "");
	data.option_bytes = sack; /* any options will do */
	data.options_len = sizeof(sack);
	data.payload = payload;
	data.payload_len = sizeof(payload);
	len = build_tcp(&data, frame);
	CHECK_EQ(
	    fx_run_split(&fx, fx.consumer, ifindex_cons, frame, len, OFF_TCP + 20, out, &out_len),
	    XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_BAD_PACKET), 1);
	CHECK_EQ(
	    fx_run_split(&fx, fx.consumer, ifindex_cons, frame, len, OFF_TCP + 32, out, &out_len),
	    XDP_REDIRECT);
	fx_close(&fx);
}

/* ---- A SYN flood ---------------------------------------------------------- */

/* Above the half-open threshold, a SYN is answered by the program with a SYN-ACK whose
 * sequence number is a cookie, and takes nothing: no flow, no connection, no port. */
static void a_flooded_target_answers_syns_with_cookies(void)
{
	struct flow_view flow;
	struct result r;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_half_open_limits(&fx, 2, UINT32_MAX);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK_EQ(syn(40001).action, XDP_REDIRECT);
	CHECK_EQ(fx_half_open(&fx, 1), 2);
	CHECK_EQ(fx_node_half_open(&fx), 2);

	r = syn(40002);
	CHECK_EQ(r.action, XDP_TX);
	CHECK_EQ(r.out_len, 58);
	CHECK(memcmp(r.out, mac_cons_peer, 6) == 0);
	CHECK(memcmp(r.out + 6, mac_cons, 6) == 0);
	CHECK_EQ(get32(r.out + OFF_IP_SADDR), ntohl(ipv4(ENI_IP)));
	CHECK_EQ(get32(r.out + OFF_IP_DADDR), ntohl(ipv4(CLIENT_IP)));
	CHECK_EQ(get16(r.out + OFF_TCP_SPORT), 80);
	CHECK_EQ(get16(r.out + OFF_TCP_DPORT), 40002);
	CHECK_EQ(get32(r.out + OFF_TCP_ACK), 1001);
	CHECK_EQ(r.out[OFF_TCP_FLAGS], TCP_SYN | TCP_ACK);
	CHECK_EQ(r.out[OFF_TCP + 20], 2); /* the MSS option, 1460 as the client's */
	CHECK_EQ(get16(r.out + OFF_TCP + 22), 1460);
	CHECK(ipv4_checksum_ok(r.out));
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	CHECK_EQ(fx_reason(&fx, XL_SYN_COOKIE_SENT), 1);
	CHECK_EQ(fx_flow_count(&fx), 2);
	CHECK_EQ(fx_active(&fx, 1), 2);
	CHECK_EQ(fx_ports_used(&fx, 1), 2);

	/* The first client's ACK answers its flow: below the threshold again. */
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	send_target(&flow, TCP_SYN | TCP_ACK, NULL);
	struct tcp_frame ack = client_frame(40000, TCP_ACK);
	ack.seq = 1001;
	ack.ack = 7001;
	CHECK_EQ(send_client(&ack).action, XDP_REDIRECT);
	CHECK_EQ(fx_half_open(&fx, 1), 1);
	CHECK_EQ(fx_node_half_open(&fx), 1);
	CHECK_EQ(syn(40003).action, XDP_REDIRECT);
	fx_close(&fx);
}

/* SPOOFED_SYNS SYNs from random sources (any address, any port) at a flooded target are
 * each answered with a cookie and take nothing: no flow, no connection, no port; a real
 * client still connects through its cookie. */
#define SPOOFED_SYNS 20000 /* a million pass too: the count only costs time */

static void spoofed_syns_take_nothing(void)
{
	struct tcp_frame f = client_frame(0, TCP_SYN), ack = client_frame(41000, TCP_ACK);
	uint32_t random_state = 2463534242u, cookie, answered = 0;
	char source[INET_ADDRSTRLEN];
	struct result r;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_half_open_limits(&fx, 2, UINT32_MAX);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	CHECK_EQ(syn(40001).action, XDP_REDIRECT);
	f.saddr = source;
	for (uint32_t i = 0; i < SPOOFED_SYNS; i++) {
		struct in_addr addr;

		random_state ^= random_state << 13; /* xorshift32 */
		random_state ^= random_state >> 17;
		random_state ^= random_state << 5;
		addr.s_addr = random_state;
		inet_ntop(AF_INET, &addr, source, sizeof(source));
		f.sport = (uint16_t)(1 + (random_state >> 16) % 65535);
		answered += send_client(&f).action == XDP_TX;
	}
	CHECK_EQ(answered, SPOOFED_SYNS);
	CHECK_EQ(fx_reason(&fx, XL_SYN_COOKIE_SENT), SPOOFED_SYNS);
	CHECK_EQ(fx_flow_count(&fx), 2);
	CHECK_EQ(fx_active(&fx, 1), 2);
	CHECK_EQ(fx_ports_used(&fx, 1), 2);
	CHECK_EQ(fx_half_open(&fx, 1), 2);

	r = syn(41000);
	CHECK_EQ(r.action, XDP_TX);
	cookie = get32(r.out + OFF_TCP_SEQ);
	ack.seq = 1001;
	ack.ack = cookie + 1;
	CHECK_EQ(send_client(&ack).action, XDP_REDIRECT);
	CHECK_EQ(fx_active(&fx, 1), 3);
	CHECK_EQ(fx_flow_count(&fx), 3);
	fx_close(&fx);
}

/* The node-wide threshold holds over all targets. */
static void a_flooded_node_answers_syns_with_cookies(void)
{
	SCENE(NULL);
	fx_set_half_open_limits(&fx, UINT32_MAX, 3);
	for (uint16_t sport = 40000; sport < 40003; sport++)
		CHECK_EQ(syn(sport).action, XDP_REDIRECT);
	CHECK_EQ(syn(40003).action, XDP_TX);
	CHECK_EQ(fx_reason(&fx, XL_SYN_COOKIE_SENT), 1);
	fx_close(&fx);
}

/* The whole of a cookie connection: the client's ACK with the cookie opens the flow and
 * becomes a SYN to the target; client packets wait until the target's SYN-ACK, which the
 * program acknowledges itself; from then on the target's numbers are translated both
 * ways. An ACK with a wrong cookie gets a RST. */
static void a_cookie_connection_reaches_its_target(void)
{
	struct tcp_frame ack = client_frame(40000, TCP_ACK), data;
	uint32_t cookie, data_len = 27;
	struct flow_view flow;
	struct tcp_frame reply;
	struct result r;

	SCENE(NULL);
	use_only_backend(1);
	fx_set_half_open_limits(&fx, 0, UINT32_MAX); /* every SYN gets a cookie */
	r = syn(40000);
	CHECK_EQ(r.action, XDP_TX);
	cookie = get32(r.out + OFF_TCP_SEQ);

	ack.seq = 1001;
	ack.ack = cookie + 7; /* not our cookie */
	r = send_client(&ack);
	check_reset(&r, cookie + 7, 0, TCP_RST);
	CHECK_EQ(fx_flow_count(&fx), 0);

	ack.ack = cookie + 1;
	r = send_client(&ack);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(fx_reason(&fx, XL_FWD_COOKIE_FLOW), 1);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK(flow.flags & XL_FLOW_COOKIE);
	CHECK_EQ(r.out_len, 58); /* a SYN to the target, with an MSS option */
	CHECK(memcmp(r.out, mac_target[1], 6) == 0);
	CHECK_EQ(get32(r.out + OFF_IP_SADDR), ntohl(ipv4(NODE_AZ1)));
	CHECK_EQ(get32(r.out + OFF_IP_DADDR), ntohl(ipv4(backend_ip[1])));
	CHECK_EQ(get16(r.out + OFF_TCP_SPORT), ntohs(flow.snat_port));
	CHECK_EQ(get16(r.out + OFF_TCP_DPORT), 80);
	CHECK_EQ(get32(r.out + OFF_TCP_SEQ), 1000);
	CHECK_EQ(r.out[OFF_TCP_FLAGS], TCP_SYN);
	CHECK(ipv4_checksum_ok(r.out));
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	CHECK_EQ(fx_active(&fx, 1), 1);
	CHECK_EQ(fx_half_open(&fx, 1), 0); /* the client finished its handshake */

	data = client_frame(40000, TCP_ACK | TCP_PSH);
	data.seq = 1001;
	data.ack = cookie + 1;
	data.payload = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	data.payload_len = data_len;
	/* Before the target answers, the client's request goes no further (the client sends
	 * it again), but the SYN to the target goes again: it may have been lost. */
	r = send_client(&data);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(fx_reason(&fx, XL_FWD_COOKIE_SYN_AGAIN), 1);
	CHECK_EQ(r.out_len, 58);
	CHECK_EQ(get32(r.out + OFF_TCP_SEQ), 1000);
	CHECK_EQ(r.out[OFF_TCP_FLAGS], TCP_SYN);
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	data.seq = 1001 + (1U << 30); /* out of the client's window: a stranger's */
	CHECK_EQ(send_client(&data).action, XDP_DROP);
	CHECK_EQ(fx_reason(&fx, XL_DROP_COOKIE_PENDING), 1);
	CHECK_EQ(fx_reason(&fx, XL_FWD_COOKIE_SYN_AGAIN), 1);
	data.seq = 1001;

	r = send_target(&flow, TCP_SYN | TCP_ACK, NULL); /* target ISN 7000, acks 1001 */
	CHECK_EQ(r.action, XDP_TX);
	CHECK_EQ(r.out_len, 54);
	CHECK(memcmp(r.out, mac_target[1], 6) == 0);
	CHECK(memcmp(r.out + 6, mac_prov, 6) == 0);
	CHECK_EQ(get32(r.out + OFF_IP_SADDR), ntohl(ipv4(NODE_AZ1)));
	CHECK_EQ(get32(r.out + OFF_IP_DADDR), ntohl(ipv4(backend_ip[1])));
	CHECK_EQ(get32(r.out + OFF_TCP_SEQ), 1001);
	CHECK_EQ(get32(r.out + OFF_TCP_ACK), 7001);
	CHECK_EQ(r.out[OFF_TCP_FLAGS], TCP_ACK);
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	CHECK_EQ(fx_reason(&fx, XL_TX_COOKIE_HANDSHAKE), 1);
	CHECK(fx_flow(&fx, CLIENT_IP, 40000, ENI_IP, 80, &flow));
	CHECK_EQ(flow.flags & XL_FLOW_COOKIE, 0);
	CHECK_EQ(flow.seq_shift, 7000 - cookie);

	r = send_client(&data); /* the client's request again: it acknowledges the target */
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(get32(r.out + OFF_TCP_SEQ), 1001);
	CHECK_EQ(get32(r.out + OFF_TCP_ACK), 7001);
	CHECK(tcp_checksum_ok(r.out, r.out_len));

	reply = target_frame(&flow, TCP_ACK | TCP_PSH);
	reply.seq = 7001;
	reply.ack = 1001 + data_len;
	reply.payload = "HTTP/1.1 200 OK\r\n\r\nt1\n";
	reply.payload_len = 22;
	r = send_target_frame(&reply);
	CHECK_EQ(r.action, XDP_REDIRECT);
	CHECK_EQ(get32(r.out + OFF_TCP_SEQ), cookie + 1);
	CHECK_EQ(get32(r.out + OFF_TCP_ACK), 1001 + data_len);
	CHECK(tcp_checksum_ok(r.out, r.out_len));
	fx_close(&fx);
}

/* A flooded target that is also full refuses at once, without a cookie it could not
 * keep. */
static void a_full_target_refuses_even_under_a_flood(void)
{
	struct fixture_options opts = { .max_conns = 1 };
	struct result r;

	SCENE(&opts);
	use_only_backend(1);
	fx_set_half_open_limits(&fx, 1, UINT32_MAX);
	CHECK_EQ(syn(40000).action, XDP_REDIRECT);
	r = syn(40001);
	check_reset(&r, 0, 1001, TCP_RST | TCP_ACK);
	CHECK_EQ(fx_reason(&fx, XL_RST_TARGET_FULL), 1);
	CHECK_EQ(fx_reason(&fx, XL_SYN_COOKIE_SENT), 0);
	fx_close(&fx);
}

/* ---- Exactness when CPUs race -------------------------------------------- */

struct storm {
	int cpu;
	const char *client;
	int attempts;
};

static void *storm_on_cpu(void *arg)
{
	const struct storm *s = arg;
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(s->cpu, &cpus);
	pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	for (int i = 0; i < s->attempts; i++) {
		struct tcp_frame f = client_frame((uint16_t)(10000 + i), TCP_SYN);
		uint8_t frame[FRAME_MAX], out[FRAME_MAX];
		size_t len;
		size_t out_len;

		f.saddr = s->client;
		len = build_tcp(&f, frame);
		fx_run(&fx, fx.consumer, ifindex_cons, frame, len, out, &out_len);
	}
	return NULL;
}

static void race_syns_on_two_cpus(int attempts)
{
	struct storm storms[2] = { { 0, "10.1.1.11", attempts }, { 1, "10.1.2.11", attempts } };
	pthread_t threads[2];

	for (int i = 0; i < 2; i++)
		pthread_create(&threads[i], NULL, storm_on_cpu, &storms[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
}

static void connection_limit_is_exact_when_cpus_race(void)
{
	struct fixture_options opts = { .max_conns = 1000, .max_flows = 4096 };

	SCENE(&opts);
	use_only_backend(1);
	race_syns_on_two_cpus(1500);
	CHECK_EQ(fx_active(&fx, 1), 1000);
	CHECK_EQ(fx_member_active(&fx, 1), 1000);
	CHECK_EQ(fx_flow_count(&fx), 1000);
	CHECK_EQ(fx_ports_used(&fx, 1), 1000);
	CHECK_EQ(fx_reason(&fx, XL_RST_TARGET_FULL), 2000);
	CHECK_EQ(fx_member_traffic(&fx, 1).port_alloc_errors, 2000);
	fx_close(&fx);
}

static void port_allocation_is_exact_when_cpus_race(void)
{
	struct fixture_options opts = { .port_count = 1000, .max_flows = 4096 };

	SCENE(&opts);
	use_only_backend(1);
	race_syns_on_two_cpus(1500);
	CHECK_EQ(fx_ports_used(&fx, 1), 1000);
	CHECK_EQ(fx_flow_count(&fx), 1000);
	CHECK_EQ(fx_active(&fx, 1), 1000);
	CHECK_EQ(fx_reason(&fx, XL_RST_NO_PORT), 2000);
	fx_close(&fx);
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE(foreign_traffic_passes_untouched),
		TEST_CASE(unknown_address_passes_unknown_port_drops),
		TEST_CASE(truncated_frames_are_never_rewritten),
		TEST_CASE(malformed_ipv4_is_never_rewritten),
		TEST_CASE(non_tcp_to_an_eni_is_dropped),
		TEST_CASE(an_eni_serves_only_its_own_interface),
		TEST_CASE(a_flow_is_served_only_on_its_clients_interface),
		TEST_CASE(a_filter_false_positive_still_passes_untouched),
		TEST_CASE(node_addresses_are_not_for_consumers),
		TEST_CASE(arp_for_an_eni_is_answered),
		TEST_CASE(endpoint_not_available_gets_nothing_through),
		TEST_CASE(security_groups_decide_new_connections_only),
		TEST_CASE(syn_opens_a_flow_to_the_maglev_choice),
		TEST_CASE(following_packets_keep_target_and_port),
		TEST_CASE(reply_is_rewritten_back_to_the_client),
		TEST_CASE(reply_without_flow_passes_untouched),
		TEST_CASE(many_flows_get_unique_ports),
		TEST_CASE(cross_zone_scope_follows_the_table),
		TEST_CASE(targets_are_reached_only_through_provider_interfaces),
		TEST_CASE(unresolved_neighbour_drops_the_syn_and_takes_nothing),
		TEST_CASE(packet_without_flow_gets_a_reset),
		TEST_CASE(target_at_its_limit_refuses_with_a_reset),
		TEST_CASE(a_target_in_two_groups_counts_per_group_and_limits_once),
		TEST_CASE(exhausted_port_range_refuses_with_a_reset),
		TEST_CASE(the_last_free_port_is_found),
		TEST_CASE(unhealthy_target_resets_its_flows),
		TEST_CASE(fin_and_rst_mark_flows_closing),
		TEST_CASE(flows_are_stamped_with_the_agents_clock),
		TEST_CASE(a_half_open_flow_ages_from_its_syn),
		TEST_CASE(syn_reopens_a_closing_flow),
		TEST_CASE(a_retried_handshake_is_one_connection),
		TEST_CASE(blind_resets_change_nothing),
		TEST_CASE(a_target_refuses_a_syn_with_a_reset_that_acknowledges_it),
		TEST_CASE(a_fin_out_of_window_closes_nothing),
		TEST_CASE(a_syn_with_a_bad_checksum_opens_nothing),
		TEST_CASE(port_zero_is_no_listener),
		TEST_CASE(resets_and_replies_come_from_the_interfaces_own_address),
		TEST_CASE(syns_announce_at_most_the_paths_segment_size),
		TEST_CASE(syn_options_are_read_in_any_order),
		TEST_CASE(a_reopened_flow_follows_the_table),
		TEST_CASE(only_the_targets_next_hop_speaks_for_it),
		TEST_CASE(fragmentation_needed_towards_a_client_reaches_the_target),
		TEST_CASE(fragmentation_needed_towards_a_target_reaches_the_client),
		TEST_CASE(fragmentation_needed_leaves_room_for_the_header),
		TEST_CASE(a_proxy_header_precedes_the_first_payload),
		TEST_CASE(the_headers_bytes_are_translated_both_ways),
		TEST_CASE(the_client_leaves_room_for_the_header),
		TEST_CASE(a_long_transfer_keeps_every_number_right),
		TEST_CASE(a_long_transfer_keeps_every_number_right_through_a_cookie),
		TEST_CASE(a_late_first_payload_brings_the_header),
		TEST_CASE(a_first_payload_too_big_for_the_header_is_cut),
		TEST_CASE(a_client_that_sends_nothing_sends_the_header_with_its_fin),
		TEST_CASE(client_bytes_where_the_header_goes_are_dropped),
		TEST_CASE(a_syns_data_waits_for_the_header),
		TEST_CASE(cookies_leave_room_for_the_header),
		TEST_CASE(multi_buffer_frames_are_handled_whole),
		TEST_CASE(a_tcp_header_past_the_first_buffer_is_never_rewritten),
		TEST_CASE(a_flooded_target_answers_syns_with_cookies),
		TEST_CASE(a_flooded_node_answers_syns_with_cookies),
		TEST_CASE(spoofed_syns_take_nothing),
		TEST_CASE(a_cookie_connection_reaches_its_target),
		TEST_CASE(a_full_target_refuses_even_under_a_flood),
		/* The cases of other table sizes last, each size loaded once. */
		TEST_CASE(full_flow_table_refuses_with_a_reset),
		TEST_CASE(connection_limit_is_exact_when_cpus_race),
		TEST_CASE(port_allocation_is_exact_when_cpus_race),
	};

	if (fixture_netns()) {
		fprintf(stderr, "test_datapath: cannot build the test network namespace (root?)\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	return RUN_TESTS("datapath", cases, argc, argv);
}
