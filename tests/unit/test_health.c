/* SPDX-License-Identifier: MIT */
/* Health checks against real servers on loopback, driven by the agent's event loop:
 * thresholds, TCP and HTTP checks, status matchers, refusals and timeouts. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "health.h"
#include "loop.h"

struct report {
	int count;
	char state[24];
	char reason[48];
};

struct scenario {
	struct loop *loop;
	struct health *health;
	struct model_target target;
	struct report report;
	int stop_after_reports;
	const char *reply;  /* what the server answers a request; "": hang up; NULL: stay silent */
	char received[512]; /* the last request the server read */
	size_t received_len;
	int server;
	uint64_t deadline_ms;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_report(void *ctx, const struct model_target *target, const char *state,
		      const char *reason)
{
	struct scenario *s = ctx;

	(void)target;
	s->report.count++;
	snprintf(s->report.state, sizeof(s->report.state), "%s", state);
	snprintf(s->report.reason, sizeof(s->report.reason), "%s", reason);
	if (s->report.count >= s->stop_after_reports)
		loop_stop(s->loop);
}

static void tick(struct loop *loop, void *ctx)
{
	struct scenario *s = ctx;

	if (now_ms() > s->deadline_ms) {
		loop_stop(loop);
		return;
	}
	health_tick(s->health, &s->target, 1, now_ms());
}

struct server_client {
	struct scenario *scenario;
	int fd;
};

static void on_request(struct loop *loop, uint32_t events, void *ctx)
{
	struct server_client *c = ctx;
	struct scenario *s = c->scenario;
	ssize_t n = recv(c->fd, s->received, sizeof(s->received), 0);

	(void)events;
	if (n > 0) {
		s->received_len = (size_t)n;
		send(c->fd, s->reply, strlen(s->reply), MSG_NOSIGNAL);
	}
	loop_unwatch(loop, c->fd);
	close(c->fd);
}

/* The server side: hang up, answer the request with `reply`, or stay silent (a
 * silent server keeps the socket open, so the check must time out). */
static void on_server(struct loop *loop, uint32_t events, void *ctx)
{
	static struct server_client clients[64];
	static int next;
	struct scenario *s = ctx;
	int fd = accept4(s->server, NULL, NULL, SOCK_NONBLOCK);

	(void)events;
	if (fd < 0)
		return;
	if (!s->reply)
		return;
	if (!s->reply[0]) {
		close(fd);
		return;
	}
	clients[next % 64] = (struct server_client){ s, fd };
	loop_watch(loop, fd, EPOLLIN, on_request, &clients[next++ % 64]);
}

static int listen_on_loopback(uint16_t *port)
{
	*port = 0;
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&addr, &len))
		return -1;
	*port = addr.sin_port;
	return fd;
}

static void init_target(struct model_target *t, uint16_t port, bool http)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->group, sizeof(t->group), "tg");
	snprintf(t->group_arn, sizeof(t->group_arn), "arn:tg");
	snprintf(t->state, sizeof(t->state), "initial");
	snprintf(t->matcher, sizeof(t->matcher), "200-399");
	snprintf(t->path, sizeof(t->path), "/health");
	t->addr = htonl(INADDR_LOOPBACK);
	t->source_addr = htonl(INADDR_LOOPBACK);
	t->port = t->check_port = port;
	t->http = http;
	t->interval_s = 0; /* check again at every tick: thresholds come quickly */
	t->timeout_s = 1;
	t->healthy_threshold = 3;
	t->unhealthy_threshold = 2;
}

/* Runs checks until `reports` state changes were reported or `limit_ms` passed. */
static struct report run(struct scenario *s, int reports, uint64_t limit_ms)
{
	s->stop_after_reports = reports;
	s->deadline_ms = now_ms() + limit_ms;
	s->loop = loop_new();
	s->health = health_new(s->loop, &(struct port_range){ 0, 0 }, on_report, s);
	if (s->server >= 0)
		loop_watch(s->loop, s->server, EPOLLIN, on_server, s);
	loop_every(s->loop, 20, tick, s);
	loop_run(s->loop);
	health_free(s->health);
	loop_free(s->loop);
	return s->report;
}

static void tcp_target_turns_healthy(void)
{
	struct scenario s = { 0 };
	uint16_t port;

	s.server = listen_on_loopback(&port);
	s.reply = "";
	init_target(&s.target, port, false);
	run(&s, 1, 5000);
	CHECK_EQ(s.report.count, 1);
	CHECK_STR(s.report.state, "healthy");
	CHECK_STR(s.report.reason, "");
	close(s.server);
}

static void refused_connection_turns_unhealthy(void)
{
	struct scenario s = { .server = -1 };
	uint16_t port;
	int closed = listen_on_loopback(&port);

	close(closed); /* nothing listens there now */
	init_target(&s.target, port, false);
	run(&s, 1, 5000);
	CHECK_EQ(s.report.count, 1);
	CHECK_STR(s.report.state, "unhealthy");
	CHECK_STR(s.report.reason, "Target.FailedHealthChecks");
}

static void http_status_must_match(void)
{
	struct scenario ok = { .reply = "HTTP/1.1 204 No Content\r\n\r\n" };
	struct scenario bad = { .reply = "HTTP/1.1 503 Service Unavailable\r\n\r\n" };
	uint16_t port;

	ok.server = listen_on_loopback(&port);
	init_target(&ok.target, port, true);
	run(&ok, 1, 5000);
	CHECK_STR(ok.report.state, "healthy");
	close(ok.server);

	bad.server = listen_on_loopback(&port);
	init_target(&bad.target, port, true);
	run(&bad, 1, 5000);
	CHECK_STR(bad.report.state, "unhealthy");
	CHECK_STR(bad.report.reason, "Target.ResponseCodeMismatch");
	close(bad.server);
}

static void silent_server_times_out(void)
{
	struct scenario s = { .reply = NULL };
	uint16_t port;

	s.server = listen_on_loopback(&port);
	init_target(&s.target, port, true);
	run(&s, 1, 5000);
	CHECK_STR(s.report.state, "unhealthy");
	CHECK_STR(s.report.reason, "Target.Timeout");
	close(s.server);
}

/* CRC-32C (Castagnoli), bit by bit. */
static uint32_t crc32c(const uint8_t *data, size_t len)
{
	uint32_t crc = ~0u;

	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (crc & 1 ? 0x82f63b78u : 0);
	}
	return ~crc;
}

/* To a proxy protocol group, a check begins with the LOCAL header AWS's checks send: the
 * signature, LOCAL over TCP/IPv4 with 84 bytes after it and no addresses, a CRC32C TLV
 * with the header's CRC, a NOOP TLV of 74 zero bytes. The request follows it. */
static void proxy_protocol_checks_begin_with_awss_local_header(void)
{
	static const char request[] = "GET /health HTTP/1.1\r\n";
	struct scenario s = { .reply = "HTTP/1.1 200 OK\r\n\r\n" };
	uint8_t want[100] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49,
			      0x54, 0x0a, 0x20, 0x11, 0x00, 84,	  0x03, 0x00, 0x04 };
	uint32_t crc;
	uint16_t port;

	want[23] = 0x04; /* NOOP */
	want[25] = 74;
	crc = htonl(crc32c(want, sizeof(want)));
	memcpy(want + 19, &crc, 4);
	s.server = listen_on_loopback(&port);
	init_target(&s.target, port, true);
	s.target.proxy_v2 = true;
	run(&s, 1, 5000);
	CHECK_STR(s.report.state, "healthy");
	CHECK(s.received_len > sizeof(want) + strlen(request));
	CHECK(memcmp(s.received, want, sizeof(want)) == 0);
	CHECK(memcmp(s.received + sizeof(want), request, strlen(request)) == 0);
	close(s.server);
}

static void unused_and_draining_targets_are_not_checked(void)
{
	struct scenario s = { .server = -1 };

	init_target(&s.target, htons(9), false);
	snprintf(s.target.state, sizeof(s.target.state), "draining");
	run(&s, 1, 500); /* ten ticks and more: nothing may be reported */
	CHECK_EQ(s.report.count, 0);
}

static void matchers(void)
{
	CHECK(health_status_matches("200-399", 200));
	CHECK(health_status_matches("200-399", 399));
	CHECK(!health_status_matches("200-399", 400));
	CHECK(health_status_matches("200,202", 202));
	CHECK(!health_status_matches("200,202", 201));
	CHECK(health_status_matches("200,300-302", 301));
	CHECK(!health_status_matches("", 200));
	CHECK(!health_status_matches("abc", 200));
	CHECK(!health_status_matches("200;201", 201));
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE(matchers),
		TEST_CASE(tcp_target_turns_healthy),
		TEST_CASE(refused_connection_turns_unhealthy),
		TEST_CASE(http_status_must_match),
		TEST_CASE(silent_server_times_out),
		TEST_CASE(proxy_protocol_checks_begin_with_awss_local_header),
		TEST_CASE(unused_and_draining_targets_are_not_checked),
	};

	return RUN_TESTS("health", cases, argc, argv);
}
