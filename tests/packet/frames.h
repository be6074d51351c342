/* SPDX-License-Identifier: MIT */
/* Building test frames (Ethernet/IPv4/TCP and friends) and checking them: every
 * checksum here is computed from scratch, never incrementally. */
#ifndef XL_TEST_FRAMES_H
#define XL_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 9216 /* a jumbo frame: past a page, XDP gets it in several buffers */

enum tcp_flag {
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
};

struct tcp_frame {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	const char *saddr; /* dotted quad */
	const char *daddr;
	uint16_t sport; /* host order */
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;
	size_t options_len;	     /* TCP options: an MSS option then NOPs */
	uint16_t mss;		     /* the MSS option's value; 0: 1460 */
	const uint8_t *option_bytes; /* instead, these options_len bytes as they are */
	const void *payload;
	size_t payload_len;
};

size_t build_tcp(const struct tcp_frame *spec, uint8_t *frame);

/* An ICMP error about `about` (an Ethernet frame): it quotes quote_len bytes of it from
 * its IPv4 header on. */
struct icmp_error_frame {
	const uint8_t *src_mac, *dst_mac;
	const char *saddr, *daddr;
	uint8_t type, code;
	uint16_t mtu; /* "fragmentation needed": the next hop's MTU */
	const uint8_t *about;
	size_t quote_len;
};

size_t build_icmp_error(const struct icmp_error_frame *spec, uint8_t *frame);
bool icmp_checksum_ok(const uint8_t *frame, size_t len);
/* CRC-32C (Castagnoli), bit by bit: the proxy protocol's checksum, computed apart from
 * the program's table. */
uint32_t crc32c(const uint8_t *data, size_t len);
size_t build_udp(const char *saddr, const char *daddr, uint16_t sport, uint16_t dport,
		 uint8_t *frame);
size_t build_icmp_echo(const char *saddr, const char *daddr, uint8_t *frame);
/* An IGMPv3 report to 224.0.0.22, with the router alert option hosts send it with. */
size_t build_igmp_report(const char *saddr, uint8_t *frame);
size_t build_arp_request(const uint8_t sender_mac[6], const char *sender_ip, const char *target_ip,
			 uint8_t *frame);
size_t build_ipv6_tcp(uint8_t *frame);

uint32_t ipv4(const char *dotted); /* network order */

/* Offsets into an option-less Ethernet/IPv4/TCP frame. */
enum {
	OFF_ETH_DST = 0,
	OFF_ETH_SRC = 6,
	OFF_IP = 14,
	OFF_IP_CHECK = 24,
	OFF_IP_SADDR = 26,
	OFF_IP_DADDR = 30,
	OFF_TCP = 34,
	OFF_TCP_SPORT = 34,
	OFF_TCP_DPORT = 36,
	OFF_TCP_SEQ = 38,
	OFF_TCP_ACK = 42,
	OFF_TCP_FLAGS = 47,
	OFF_TCP_CHECK = 50,
};

/* The same frame with a new 4-tuple and MACs, checksums recomputed from scratch:
 * what a correct NAT must produce. */
void expect_rewrite(const uint8_t *in, size_t len, uint8_t *out, const uint8_t dst_mac[6],
		    const uint8_t src_mac[6], const char *saddr, const char *daddr, uint16_t sport,
		    uint16_t dport);

bool ipv4_checksum_ok(const uint8_t *frame);
bool tcp_checksum_ok(const uint8_t *frame, size_t len);

uint32_t get32(const uint8_t *p); /* big-endian reads */
uint16_t get16(const uint8_t *p);

#endif
