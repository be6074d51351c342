/* SPDX-License-Identifier: MIT */
/* Test frames, built byte by byte, with checksums computed from scratch (RFC 1071). */
#include "frames.h"

#include <arpa/inet.h>
#include <string.h>

static const uint8_t default_src_mac[6] = { 0x02, 0, 0, 0, 0x0c, 0x01 };
static const uint8_t default_dst_mac[6] = { 0x02, 0, 0, 0, 0x0c, 0x00 };

uint32_t ipv4(const char *dotted)
{
	struct in_addr addr;

	return inet_pton(AF_INET, dotted, &addr) == 1 ? addr.s_addr : 0;
}

uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* RFC 1071 over big-endian 16-bit words. */
static uint16_t inet_checksum(const uint8_t *data, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += get16(data + i);
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t pseudo_header_sum(const uint8_t *ip, uint16_t l4_len)
{
	return get16(ip + 12) + get16(ip + 14) + get16(ip + 16) + get16(ip + 18) + ip[9] + l4_len;
}

static size_t ethernet(uint8_t *frame, const uint8_t *dst, const uint8_t *src, uint16_t proto)
{
	memcpy(frame, dst ? dst : default_dst_mac, 6);
	memcpy(frame + 6, src ? src : default_src_mac, 6);
	put16(frame + 12, proto);
	return 14;
}

static void ipv4_header(uint8_t *ip, const char *saddr, const char *daddr, uint8_t proto,
			uint16_t l4_len)
{
	uint32_t src = ipv4(saddr), dst = ipv4(daddr);

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, 20 + l4_len);
	put16(ip + 4, 0x1234); /* id */
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	put16(ip + 10, inet_checksum(ip, 20, 0));
}

static void fill_tcp_checksum(uint8_t *ip, uint8_t *tcp, uint16_t tcp_len)
{
	put16(tcp + 16, 0);
	put16(tcp + 16, inet_checksum(tcp, tcp_len, pseudo_header_sum(ip, tcp_len)));
}

static bool is_zero_mac(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, 6) == 0;
}

size_t build_tcp(const struct tcp_frame *spec, uint8_t *frame)
{
	size_t options = (spec->options_len + 3) & ~(size_t)3;
	uint16_t tcp_len = (uint16_t)(20 + options + spec->payload_len);
	uint8_t *ip = frame + 14, *tcp = ip + 20;

	ethernet(frame, is_zero_mac(spec->dst_mac) ? NULL : spec->dst_mac,
		 is_zero_mac(spec->src_mac) ? NULL : spec->src_mac, 0x0800);
	ipv4_header(ip, spec->saddr, spec->daddr, 6, tcp_len);
	memset(tcp, 0, 20 + options);
	put16(tcp, spec->sport);
	put16(tcp + 2, spec->dport);
	put32(tcp + 4, spec->seq);
	put32(tcp + 8, spec->ack);
	tcp[12] = (uint8_t)((20 + options) / 4) << 4;
	tcp[13] = spec->flags;
	put16(tcp + 14, 64240);
	if (options && spec->option_bytes) {
		memset(tcp + 20, 0, options); /* EOL */
		memcpy(tcp + 20, spec->option_bytes, spec->options_len);
	} else if (options) {
		memset(tcp + 20, 1, options); /* NOP */
		tcp[20] = 2;		      /* MSS */
		tcp[21] = 4;
		put16(tcp + 22, spec->mss ? spec->mss : 1460);
	}
	if (spec->payload_len)
		memcpy(tcp + 20 + options, spec->payload, spec->payload_len);
	fill_tcp_checksum(ip, tcp, tcp_len);
	return 14 + 20 + tcp_len;
}

size_t build_udp(const char *saddr, const char *daddr, uint16_t sport, uint16_t dport,
		 uint8_t *frame)
{
	uint8_t *ip = frame + 14, *udp = ip + 20;

	ethernet(frame, NULL, NULL, 0x0800);
	ipv4_header(ip, saddr, daddr, 17, 12);
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, 12);
	put16(udp + 6, 0);
	memcpy(udp + 8, "ping", 4);
	put16(udp + 6, inet_checksum(udp, 12, pseudo_header_sum(ip, 12)));
	return 14 + 20 + 12;
}

size_t build_icmp_echo(const char *saddr, const char *daddr, uint8_t *frame)
{
	uint8_t *ip = frame + 14, *icmp = ip + 20;

	ethernet(frame, NULL, NULL, 0x0800);
	ipv4_header(ip, saddr, daddr, 1, 16);
	memset(icmp, 0, 16);
	icmp[0] = 8; /* echo request */
	put16(icmp + 4, 0x4242);
	put16(icmp + 6, 1);
	memcpy(icmp + 8, "xdplink!", 8);
	put16(icmp + 2, inet_checksum(icmp, 16, 0));
	return 14 + 20 + 16;
}

size_t build_icmp_error(const struct icmp_error_frame *spec, uint8_t *frame)
{
	uint8_t *ip = frame + 14, *icmp = ip + 20;
	size_t quote = spec->quote_len;

	ethernet(frame, spec->dst_mac, spec->src_mac, 0x0800);
	ipv4_header(ip, spec->saddr, spec->daddr, 1, (uint16_t)(8 + quote));
	memset(icmp, 0, 8);
	icmp[0] = spec->type;
	icmp[1] = spec->code;
	put16(icmp + 6, spec->mtu);
	memcpy(icmp + 8, spec->about + 14, quote);
	put16(icmp + 2, inet_checksum(icmp, 8 + quote, 0));
	return 14 + 20 + 8 + quote;
}

uint32_t crc32c(const uint8_t *data, size_t len)
{
	uint32_t crc = ~0u;

	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (crc & 1 ? 0x82f63b78u : 0);
	}
	return ~crc;
}

bool icmp_checksum_ok(const uint8_t *frame, size_t len)
{
	return inet_checksum(frame + 34, len - 34, 0) == 0;
}

size_t build_igmp_report(const char *saddr, uint8_t *frame)
{
	uint8_t *ip = frame + 14, *igmp = ip + 24;

	ethernet(frame, NULL, NULL, 0x0800);
	memset(ip, 0, 24);
	ip[0] = 0x46; /* a 4-byte option: */
	put16(ip + 2, 24 + 8);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 1;
	ip[9] = 2; /* IGMP */
	memcpy(ip + 12, &(uint32_t){ ipv4(saddr) }, 4);
	memcpy(ip + 16, &(uint32_t){ ipv4("224.0.0.22") }, 4);
	ip[20] = 0x94; /* router alert, RFC 2113 */
	ip[21] = 4;
	put16(ip + 10, inet_checksum(ip, 24, 0));
	memset(igmp, 0, 8);
	igmp[0] = 0x22; /* v3 membership report, no group records */
	put16(igmp + 2, inet_checksum(igmp, 8, 0));
	return 14 + 24 + 8;
}

size_t build_arp_request(const uint8_t sender_mac[6], const char *sender_ip, const char *target_ip,
			 uint8_t *frame)
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *arp = frame + 14;
	uint32_t sip = ipv4(sender_ip), tip = ipv4(target_ip);

	ethernet(frame, broadcast, sender_mac, 0x0806);
	put16(arp, 1);
	put16(arp + 2, 0x0800);
	arp[4] = 6;
	arp[5] = 4;
	put16(arp + 6, 1);
	memcpy(arp + 8, sender_mac, 6);
	memcpy(arp + 14, &sip, 4);
	memset(arp + 18, 0, 6);
	memcpy(arp + 24, &tip, 4);
	memset(arp + 28, 0, 18); /* pad to the 60-byte minimum */
	return 60;
}

size_t build_ipv6_tcp(uint8_t *frame)
{
	uint8_t *ip6 = frame + 14;

	ethernet(frame, NULL, NULL, 0x86dd);
	memset(ip6, 0, 40 + 20);
	ip6[0] = 0x60;
	put16(ip6 + 4, 20);
	ip6[6] = 6;
	ip6[7] = 64;
	ip6[23] = 1;
	ip6[39] = 2;
	put16(ip6 + 40, 40000);
	put16(ip6 + 42, 80);
	ip6[52] = 5 << 4;
	ip6[53] = TCP_SYN;
	return 14 + 40 + 20;
}

void expect_rewrite(const uint8_t *in, size_t len, uint8_t *out, const uint8_t dst_mac[6],
		    const uint8_t src_mac[6], const char *saddr, const char *daddr, uint16_t sport,
		    uint16_t dport)
{
	uint32_t src = ipv4(saddr), dst = ipv4(daddr);
	uint8_t *ip = out + OFF_IP;
	uint16_t ip_len;

	memcpy(out, in, len);
	memcpy(out + OFF_ETH_DST, dst_mac, 6);
	memcpy(out + OFF_ETH_SRC, src_mac, 6);
	memcpy(out + OFF_IP_SADDR, &src, 4);
	memcpy(out + OFF_IP_DADDR, &dst, 4);
	put16(out + OFF_TCP_SPORT, sport);
	put16(out + OFF_TCP_DPORT, dport);
	put16(out + OFF_IP_CHECK, 0);
	put16(out + OFF_IP_CHECK, inet_checksum(ip, 20, 0));
	ip_len = get16(ip + 2);
	fill_tcp_checksum(ip, out + OFF_TCP, ip_len - 20);
}

bool ipv4_checksum_ok(const uint8_t *frame)
{
	return inet_checksum(frame + OFF_IP, 20, 0) == 0;
}

bool tcp_checksum_ok(const uint8_t *frame, size_t len)
{
	const uint8_t *ip = frame + OFF_IP;
	uint16_t tcp_len = get16(ip + 2) - 20;

	if (14 + 20 + (size_t)tcp_len > len)
		return false;
	return inet_checksum(frame + OFF_TCP, tcp_len, pseudo_header_sum(ip, tcp_len)) == 0;
}
