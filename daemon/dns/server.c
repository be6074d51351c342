/* SPDX-License-Identifier: MIT */
/* One VPC's resolver sockets (server.h). TCP messages carry a two-byte length (RFC 1035
 * 4.2.2); a connection is read and written without ever blocking, holds at most one
 * message being received and a bounded amount of unread replies, and ends when idle. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "address.h"
#include "clock.h"
#include "log.h"
#include "loop.h"

#define UDP_BATCH     64 /* datagrams read per wake-up: other sockets get their turn */
#define TCP_LENGTH    2
#define MESSAGE_LIMIT 65535
/* A UDP socket's receive buffer: a burst of queries from many clients (hundreds in flight)
 * waits there for the loop instead of being dropped by the kernel. */
#define UDP_RECEIVE_BUFFER (4 << 20)

struct connection {
	struct vpc_server *server;
	int fd;
	struct sockaddr_in peer;
	uint64_t serial;
	uint64_t last_ms;
	size_t in_length;
	uint8_t in[TCP_LENGTH + MESSAGE_LIMIT];
	uint8_t *out;
	size_t out_length, out_capacity;
	bool writing; /* watching EPOLLOUT */
	struct connection *next;
};

struct vpc_server {
	struct loop *loop;
	struct dns_vpc vpc;
	bool address_added;
	int udp, tcp;
	dns_message_fn *fn;
	void *ctx;
	struct connection *connections;
	size_t connection_count;
	uint64_t next_serial;
};

const struct dns_vpc *vpc_server_vpc(const struct vpc_server *s)
{
	return &s->vpc;
}

/* ---- TCP connections ------------------------------------------------------------------------ */

static void free_connection(struct connection *c)
{
	loop_unwatch(c->server->loop, c->fd);
	close(c->fd);
	free(c->out);
	free(c);
}

static void end_connection(struct connection *c)
{
	struct vpc_server *s = c->server;

	for (struct connection **link = &s->connections; *link; link = &(*link)->next) {
		if (*link == c) {
			*link = c->next;
			s->connection_count--;
			free_connection(c);
			return;
		}
	}
}

static struct connection *find_connection(struct vpc_server *s, uint64_t serial)
{
	for (struct connection *c = s->connections; c; c = c->next)
		if (c->serial == serial)
			return c;
	return NULL;
}

/* Writes what it can; watches for room when something is left. False when it ended. */
static bool flush(struct connection *c)
{
	while (c->out_length) {
		ssize_t sent = send(c->fd, c->out, c->out_length, MSG_NOSIGNAL);

		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0 && errno != EAGAIN) {
			end_connection(c);
			return false;
		}
		if (sent < 0)
			break;
		memmove(c->out, c->out + sent, c->out_length - (size_t)sent);
		c->out_length -= (size_t)sent;
	}
	if (c->writing != (c->out_length > 0)) {
		c->writing = c->out_length > 0;
		loop_rewatch(c->server->loop, c->fd, EPOLLIN | (c->writing ? EPOLLOUT : 0));
	}
	return true;
}

static void queue_reply(struct connection *c, const uint8_t *bytes, size_t length)
{
	size_t needed = c->out_length + TCP_LENGTH + length;

	if (needed > DNS_TCP_OUTPUT_LIMIT) { /* it does not read its replies */
		end_connection(c);
		return;
	}
	if (needed > c->out_capacity) {
		uint8_t *bigger = realloc(c->out, needed);

		if (!bigger) {
			end_connection(c);
			return;
		}
		c->out = bigger;
		c->out_capacity = needed;
	}
	c->out[c->out_length] = (uint8_t)(length >> 8);
	c->out[c->out_length + 1] = (uint8_t)length;
	memcpy(c->out + c->out_length + TCP_LENGTH, bytes, length);
	c->out_length = needed;
	flush(c);
}

/* Every whole message received goes to the door; its reply may end the connection. */
static void take_messages(struct connection *c)
{
	struct vpc_server *s = c->server;
	uint64_t serial = c->serial;

	while (c->in_length >= TCP_LENGTH) {
		size_t length = (size_t)c->in[0] << 8 | c->in[1];
		struct dns_client client = { .tcp = true, .connection = serial, .addr = c->peer };

		if (c->in_length < TCP_LENGTH + length)
			return;
		snprintf(client.vpc_id, sizeof(client.vpc_id), "%s", s->vpc.id);
		s->fn(s->ctx, s, &client, c->in + TCP_LENGTH, length);
		if (find_connection(s, serial) != c)
			return;
		c->in_length -= TCP_LENGTH + length;
		memmove(c->in, c->in + TCP_LENGTH + length, c->in_length);
	}
}

static void on_connection(struct loop *loop, uint32_t events, void *ctx)
{
	struct connection *c = ctx;
	ssize_t got;

	(void)loop;
	c->last_ms = monotonic_ms();
	if ((events & EPOLLOUT) && !flush(c))
		return;
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	got = recv(c->fd, c->in + c->in_length, sizeof(c->in) - c->in_length, 0);
	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (got <= 0) {
		end_connection(c);
		return;
	}
	c->in_length += (size_t)got;
	take_messages(c);
}

static struct connection *longest_idle(struct vpc_server *s)
{
	struct connection *oldest = s->connections;

	for (struct connection *c = s->connections; c; c = c->next)
		if (c->last_ms < oldest->last_ms)
			oldest = c;
	return oldest;
}

static void on_accept(struct loop *loop, uint32_t events, void *ctx)
{
	struct vpc_server *s = ctx;
	struct sockaddr_in peer;
	socklen_t size = sizeof(peer);
	struct connection *c;
	int fd;

	(void)events;
	fd = accept4(s->tcp, (struct sockaddr *)&peer, &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (s->connection_count == DNS_TCP_CONNECTIONS)
		end_connection(longest_idle(s));
	c = calloc(1, sizeof(*c));
	if (!c || loop_watch(loop, fd, EPOLLIN, on_connection, c)) {
		free(c);
		close(fd);
		return;
	}
	c->server = s;
	c->fd = fd;
	c->peer = peer;
	c->serial = ++s->next_serial;
	c->last_ms = monotonic_ms();
	c->next = s->connections;
	s->connections = c;
	s->connection_count++;
}

void vpc_server_expire(struct vpc_server *s, uint64_t now_ms)
{
	struct connection *c = s->connections;

	while (c) {
		struct connection *next = c->next;

		if (now_ms - c->last_ms >= DNS_TCP_IDLE_MS)
			end_connection(c);
		c = next;
	}
}

/* ---- UDP ---------------------------------------------------------------------------------- */

static void on_datagram(struct loop *loop, uint32_t events, void *ctx)
{
	struct vpc_server *s = ctx;
	static uint8_t buffer[MESSAGE_LIMIT + 1];

	(void)loop;
	(void)events;
	for (int i = 0; i < UDP_BATCH; i++) {
		struct dns_client client = { .tcp = false };
		socklen_t size = sizeof(client.addr);
		ssize_t got = recvfrom(s->udp, buffer, sizeof(buffer), 0,
				       (struct sockaddr *)&client.addr, &size);

		if (got < 0)
			return;
		snprintf(client.vpc_id, sizeof(client.vpc_id), "%s", s->vpc.id);
		s->fn(s->ctx, s, &client, buffer, (size_t)got);
	}
}

void vpc_server_reply(struct vpc_server *s, const struct dns_client *client, const uint8_t *bytes,
		      size_t length)
{
	struct connection *c;

	if (!client->tcp) {
		sendto(s->udp, bytes, length, MSG_DONTWAIT, (const struct sockaddr *)&client->addr,
		       sizeof(client->addr));
		return;
	}
	c = find_connection(s, client->connection);
	if (c)
		queue_reply(c, bytes, length);
}

/* ---- Starting and stopping ----------------------------------------------------------------- */

/* A socket of `type` bound to the resolver's address on the VPC's interface only. */
static int bound_socket(const struct vpc_server *s, int type)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_port = htons(DNS_PORT),
				    .sin_addr.s_addr = dns_vpc_resolver(&s->vpc) };
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), on = 1;

	if (fd < 0)
		return -1;
	/* Beyond net.core.rmem_max with CAP_NET_ADMIN; the kernel's default is kept without. */
	if (type == SOCK_DGRAM)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ UDP_RECEIVE_BUFFER },
			   sizeof(int));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, s->vpc.iface, strlen(s->vpc.iface)) ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    (type == SOCK_STREAM && listen(fd, DNS_TCP_CONNECTIONS))) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

struct vpc_server *vpc_server_start(struct loop *loop, const struct dns_vpc *vpc,
				    dns_message_fn *fn, void *ctx, char *why, size_t why_size)
{
	struct vpc_server *s = calloc(1, sizeof(*s));
	uint32_t resolver = dns_vpc_resolver(vpc);
	char addr[INET_ADDRSTRLEN] = "";
	int added;

	if (!s) {
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	*s = (struct vpc_server){
		.loop = loop, .vpc = *vpc, .udp = -1, .tcp = -1, .fn = fn, .ctx = ctx
	};
	inet_ntop(AF_INET, &resolver, addr, sizeof(addr));
	added = address_add(vpc->iface, resolver);
	if (added < 0) {
		snprintf(why, why_size, "cannot add %s/32 to %s: %s", addr, vpc->iface,
			 strerror(errno));
		free(s);
		return NULL;
	}
	s->address_added = added == 1;
	s->udp = bound_socket(s, SOCK_DGRAM);
	if (s->udp >= 0)
		s->tcp = bound_socket(s, SOCK_STREAM);
	if (s->udp < 0 || s->tcp < 0 || loop_watch(loop, s->udp, EPOLLIN, on_datagram, s) ||
	    loop_watch(loop, s->tcp, EPOLLIN, on_accept, s)) {
		snprintf(why, why_size, "cannot listen on %s:53 of %s: %s", addr, vpc->iface,
			 strerror(errno));
		vpc_server_stop(s);
		return NULL;
	}
	log_info("VPC %s: resolver on %s:53 (UDP and TCP) of %s", vpc->id, addr, vpc->iface);
	return s;
}

void vpc_server_stop(struct vpc_server *s)
{
	if (!s)
		return;
	for (struct connection *c = s->connections, *next; c; c = next) {
		next = c->next;
		free_connection(c);
	}
	if (s->udp >= 0) {
		loop_unwatch(s->loop, s->udp);
		close(s->udp);
	}
	if (s->tcp >= 0) {
		loop_unwatch(s->loop, s->tcp);
		close(s->tcp);
	}
	if (s->address_added && address_remove(s->vpc.iface, dns_vpc_resolver(&s->vpc)) < 0 &&
	    errno != ENODEV)
		log_warn("cannot remove the resolver's address from %s: %s", s->vpc.iface,
			 strerror(errno));
	free(s);
}
