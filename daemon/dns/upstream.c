/* SPDX-License-Identifier: MIT */
/* The upstream DNS server (upstream.h). Answers are parsed by ldns and must repeat the
 * question they answer: a stray or forged datagram with a guessed id is dropped. */
#include "upstream.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "loop.h"

#define EDNS_SIZE 4096 /* what we accept from the upstream over UDP */

struct question {
	bool waiting;
	uint16_t id;
	ldns_rdf *name;
	ldns_rr_type type;
	uint64_t deadline_ms;
	upstream_fn *fn;
	void *ctx;
};

struct upstream {
	struct loop *loop;
	struct sockaddr_in server;
	int fd; /* -1 until the first question */
	size_t waiting;
	struct question questions[UPSTREAM_PENDING];
};

static void settle(struct upstream *up, struct question *q, const ldns_pkt *answer)
{
	upstream_fn *fn = q->fn;
	void *ctx = q->ctx;

	ldns_rdf_deep_free(q->name);
	memset(q, 0, sizeof(*q));
	up->waiting--;
	fn(ctx, answer);
}

static struct question *find(struct upstream *up, uint16_t id)
{
	for (size_t i = 0; i < UPSTREAM_PENDING; i++)
		if (up->questions[i].waiting && up->questions[i].id == id)
			return &up->questions[i];
	return NULL;
}

static bool answers(const ldns_pkt *answer, const struct question *q)
{
	const ldns_rr *asked;

	if (!ldns_pkt_qr(answer) || ldns_rr_list_rr_count(ldns_pkt_question(answer)) != 1)
		return false;
	asked = ldns_rr_list_rr(ldns_pkt_question(answer), 0);
	return ldns_rr_get_type(asked) == q->type &&
	       ldns_dname_compare(ldns_rr_owner(asked), q->name) == 0;
}

static void on_readable(struct loop *loop, uint32_t events, void *ctx)
{
	struct upstream *up = ctx;
	uint8_t buffer[65536];
	ssize_t got;

	(void)loop;
	(void)events;
	while ((got = recv(up->fd, buffer, sizeof(buffer), 0)) >= 0) {
		ldns_pkt *answer = NULL;
		struct question *q;

		if (ldns_wire2pkt(&answer, buffer, (size_t)got) != LDNS_STATUS_OK) {
			ldns_pkt_free(answer);
			continue;
		}
		q = find(up, ldns_pkt_id(answer));
		if (q && answers(answer, q))
			settle(up, q, answer);
		ldns_pkt_free(answer);
	}
}

static int open_socket(struct upstream *up)
{
	up->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (up->fd < 0)
		return -1;
	/* connected: the kernel takes datagrams from the upstream's address and port only */
	if (connect(up->fd, (const struct sockaddr *)&up->server, sizeof(up->server)) == 0 &&
	    loop_watch(up->loop, up->fd, EPOLLIN, on_readable, up) == 0)
		return 0;
	close(up->fd);
	up->fd = -1;
	return -1;
}

struct upstream *upstream_new(struct loop *loop, const struct sockaddr_in *server)
{
	struct upstream *up = calloc(1, sizeof(*up));

	if (!up)
		return NULL;
	up->loop = loop;
	up->server = *server;
	up->fd = -1;
	return up;
}

void upstream_free(struct upstream *up)
{
	if (!up)
		return;
	for (size_t i = 0; i < UPSTREAM_PENDING; i++)
		if (up->questions[i].waiting)
			settle(up, &up->questions[i], NULL);
	if (up->fd >= 0) {
		loop_unwatch(up->loop, up->fd);
		close(up->fd);
	}
	free(up);
}

static int new_id(struct upstream *up, uint16_t *id)
{
	do {
		if (getrandom(id, sizeof(*id), 0) != sizeof(*id))
			return -1;
	} while (find(up, *id));
	return 0;
}

static int send_question(struct upstream *up, const struct question *q)
{
	ldns_pkt *query =
	    ldns_pkt_query_new(ldns_rdf_clone(q->name), q->type, LDNS_RR_CLASS_IN, LDNS_RD);
	uint8_t *wire = NULL;
	size_t length = 0;
	int rc = -1;

	if (!query)
		return -1;
	ldns_pkt_set_id(query, q->id);
	ldns_pkt_set_edns_udp_size(query, EDNS_SIZE);
	if (ldns_pkt2wire(&wire, query, &length) == LDNS_STATUS_OK)
		rc = send(up->fd, wire, length, 0) == (ssize_t)length ? 0 : -1;
	free(wire);
	ldns_pkt_free(query);
	return rc;
}

int upstream_ask(struct upstream *up, const ldns_rdf *name, ldns_rr_type type, upstream_fn *fn,
		 void *ctx)
{
	struct question *q = NULL;
	uint16_t id;

	if (up->waiting == UPSTREAM_PENDING || (up->fd < 0 && open_socket(up) < 0))
		return -1;
	for (size_t i = 0; !q && i < UPSTREAM_PENDING; i++)
		if (!up->questions[i].waiting)
			q = &up->questions[i];
	if (new_id(up, &id) < 0)
		return -1;
	*q = (struct question){ .waiting = true,
				.id = id,
				.type = type,
				.fn = fn,
				.ctx = ctx,
				.deadline_ms = monotonic_ms() + UPSTREAM_TIMEOUT_MS };
	q->name = ldns_rdf_clone(name);
	if (!q->name || send_question(up, q) < 0) {
		if (errno != EAGAIN)
			log_warn("cannot ask the upstream DNS server: %s", strerror(errno));
		ldns_rdf_deep_free(q->name);
		memset(q, 0, sizeof(*q));
		return -1;
	}
	up->waiting++;
	return 0;
}

void upstream_expire(struct upstream *up, uint64_t now_ms)
{
	for (size_t i = 0; up->waiting && i < UPSTREAM_PENDING; i++)
		if (up->questions[i].waiting && up->questions[i].deadline_ms <= now_ms)
			settle(up, &up->questions[i], NULL);
}
