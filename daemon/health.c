/* SPDX-License-Identifier: MIT */
/* The health checker behind health.h. Each (target group, target) has a record with
 * its next due time, its consecutive results and the check in flight, if any. */
#include "health.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

#define RESPONSE_MAX 512 /* the status line is all a check reads */

struct check {
	struct health *health;
	struct record *record;
	int fd;
	bool http;
	bool sent;
	uint64_t deadline_ms;
	char response[RESPONSE_MAX];
	size_t received;
};

struct record {
	struct model_target target; /* as last listed */
	uint64_t due_ms;
	uint32_t successes; /* consecutive */
	uint32_t failures;
	struct check *check; /* in flight, or NULL */
	bool listed;	     /* seen in the current tick */
	bool told_unbound;   /* logged that its node IP is on no interface */
	struct record *next;
};

struct health {
	struct loop *loop;
	health_report_fn report;
	void *ctx;
	struct port_range ports; /* of the checks' sockets */
	char device[16];	 /* the interface checks leave by, or "": any */
	struct record *records;
};

struct health *health_new(struct loop *loop, const struct port_range *ports,
			  health_report_fn report, void *ctx)
{
	struct health *health = calloc(1, sizeof(*health));

	if (health) {
		health->loop = loop;
		health->ports = *ports;
		health->report = report;
		health->ctx = ctx;
	}
	return health;
}

static void end_check(struct check *check)
{
	loop_unwatch(check->health->loop, check->fd);
	close(check->fd);
	check->record->check = NULL;
	free(check);
}

void health_leave_by(struct health *health, const char *device)
{
	snprintf(health->device, sizeof(health->device), "%s", device ? device : "");
}

void health_free(struct health *health)
{
	if (!health)
		return;
	while (health->records) {
		struct record *r = health->records;

		health->records = r->next;
		if (r->check)
			end_check(r->check);
		free(r);
	}
	free(health);
}

int health_status_matches(const char *matcher, int status)
{
	const char *p = matcher;

	while (*p) {
		char *end;
		long low = strtol(p, &end, 10), high = low;

		if (end == p)
			return 0;
		if (*end == '-') {
			p = end + 1;
			high = strtol(p, &end, 10);
			if (end == p)
				return 0;
		}
		if (status >= low && status <= high)
			return 1;
		if (*end && *end != ',')
			return 0;
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* One result: thresholds of consecutive results decide the state (AWS: healthy
 * after HealthyThresholdCount successes, unhealthy after UnhealthyThresholdCount
 * failures). */
static void record_result(struct health *health, struct record *r, bool ok, const char *reason)
{
	struct model_target *t = &r->target;
	const char *state = NULL;

	if (ok) {
		r->failures = 0;
		if (++r->successes >= t->healthy_threshold && strcmp(t->state, "healthy"))
			state = "healthy";
	} else {
		r->successes = 0;
		if (++r->failures >= t->unhealthy_threshold && strcmp(t->state, "unhealthy"))
			state = "unhealthy";
	}
	if (!state)
		return;
	health->report(health->ctx, t, state, ok ? "" : reason);
	/* The store has it now; until the next listing, so does the record. */
	snprintf(t->state, sizeof(t->state), "%s", state);
}

static void finish(struct check *check, bool ok, const char *reason)
{
	struct health *health = check->health;
	struct record *r = check->record;

	end_check(check);
	record_result(health, r, ok, reason);
}

/* A health check is the load balancer's own connection, not a client's: to a target
 * group with proxy protocol on, it begins with a version 2 header whose command is LOCAL
 * (0x20), byte for byte as AWS's own checks send it (captured in kubernetes/kubernetes
 * issue 57250): family TCP over IPv4 but no addresses, a CRC32C TLV, then NOOP padding to
 * 100 bytes. A receiver must skip all that a LOCAL header's length covers; one that does
 * not fails AWS's checks alike. The CRC32C is that of these 100 bytes with its own field
 * zeroed, which the tests compute apart. */
static const unsigned char proxy_local_header[100] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, /* signature */
	0x20, 0x11, 0x00, 0x54,			  /* LOCAL, TCP over IPv4, 84 bytes follow */
	0x03, 0x00, 0x04, 0xbc, 0xe5, 0x95, 0x1f, /* CRC32C */
	0x04, 0x00, 0x4a,			  /* NOOP: 74 zero bytes to the end */
};

/* Sends the proxy protocol header the group wants, then the HTTP request if the check
 * is HTTP; a TCP check is done when its bytes are sent. */
static void send_request(struct check *check)
{
	const struct model_target *t = &check->record->target;
	char request[sizeof(proxy_local_header) + 256], addr[INET_ADDRSTRLEN];
	int len = 0;

	inet_ntop(AF_INET, &t->addr, addr, sizeof(addr));
	if (t->proxy_v2) {
		memcpy(request, proxy_local_header, sizeof(proxy_local_header));
		len = sizeof(proxy_local_header);
	}
	if (check->http)
		len += snprintf(request + len, sizeof(request) - (size_t)len,
				"GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: "
				"ELB-HealthChecker/2.0\r\nConnection: close\r\n\r\n",
				t->path[0] ? t->path : "/", addr);
	if (send(check->fd, request, (size_t)len, MSG_NOSIGNAL) != len) {
		finish(check, false, "Target.FailedHealthChecks");
		return;
	}
	if (!check->http) {
		finish(check, true, "");
		return;
	}
	check->sent = true;
	loop_rewatch(check->health->loop, check->fd, EPOLLIN);
}

/* Reads until the status line is complete: "HTTP/1.1 200 OK\r\n". */
static void read_status(struct check *check)
{
	ssize_t n = recv(check->fd, check->response + check->received,
			 sizeof(check->response) - 1 - check->received, 0);
	int status;

	if (n < 0 && errno == EAGAIN)
		return;
	if (n > 0)
		check->received += (size_t)n;
	check->response[check->received] = '\0';
	if (!strstr(check->response, "\r\n") && n > 0 &&
	    check->received < sizeof(check->response) - 1)
		return;
	if (sscanf(check->response, "HTTP/1.%*d %d", &status) != 1)
		finish(check, false, "Target.FailedHealthChecks");
	else if (!health_status_matches(check->record->target.matcher, status))
		finish(check, false, "Target.ResponseCodeMismatch");
	else
		finish(check, true, "");
}

static void on_check_ready(struct loop *loop, uint32_t events, void *ctx)
{
	struct check *check = ctx;
	int error = 0;
	socklen_t len = sizeof(error);

	(void)loop;
	if (check->sent) {
		read_status(check);
		return;
	}
	if (getsockopt(check->fd, SOL_SOCKET, SO_ERROR, &error, &len) || error ||
	    (events & EPOLLERR)) {
		finish(check, false, "Target.FailedHealthChecks");
		return;
	}
	if (check->http || check->record->target.proxy_v2)
		send_request(check);
	else
		finish(check, true, "");
}

/* Once per target: a node IP on no interface fails every check, and says why in the log. */
static void tell_node_ip_missing(struct record *r)
{
	char node[INET_ADDRSTRLEN], target[INET_ADDRSTRLEN];

	if (r->told_unbound)
		return;
	r->told_unbound = true;
	inet_ntop(AF_INET, &r->target.source_addr, node, sizeof(node));
	inet_ntop(AF_INET, &r->target.addr, target, sizeof(target));
	log_warn("health checks of %s (%s) fail: they come from node IP %s, which is on no "
		 "interface of this host (add it to the provider-facing interface)",
		 target, r->target.group, node);
}

static void start_check(struct health *health, struct record *r, uint64_t now_ms)
{
	const struct model_target *t = &r->target;
	struct sockaddr_in source = { .sin_family = AF_INET, .sin_addr.s_addr = t->source_addr };
	struct sockaddr_in dest = { .sin_family = AF_INET,
				    .sin_addr.s_addr = t->addr,
				    .sin_port = t->check_port };
	struct check *check = calloc(1, sizeof(*check));

	r->due_ms = now_ms + (uint64_t)t->interval_s * 1000;
	if (!check)
		return;
	check->health = health;
	check->record = r;
	check->http = t->http;
	check->deadline_ms = now_ms + (uint64_t)t->timeout_s * 1000;
	check->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (check->fd >= 0 &&
	    (source_ports_apply(check->fd, &health->ports) ||
	     (health->device[0] && setsockopt(check->fd, SOL_SOCKET, SO_BINDTODEVICE,
					      health->device, (socklen_t)strlen(health->device))) ||
	     bind(check->fd, (struct sockaddr *)&source, sizeof(source)))) {
		if (errno == EADDRNOTAVAIL)
			tell_node_ip_missing(r);
		close(check->fd);
		check->fd = -1;
	}
	if (check->fd < 0 ||
	    (connect(check->fd, (struct sockaddr *)&dest, sizeof(dest)) && errno != EINPROGRESS) ||
	    loop_watch(health->loop, check->fd, EPOLLOUT, on_check_ready, check)) {
		if (check->fd >= 0)
			close(check->fd);
		free(check);
		record_result(health, r, false, "Target.FailedHealthChecks");
		return;
	}
	r->check = check;
}

static struct record *record_of(struct health *health, const struct model_target *t)
{
	for (struct record *r = health->records; r; r = r->next)
		if (r->target.addr == t->addr && r->target.port == t->port &&
		    !strcmp(r->target.group_arn, t->group_arn))
			return r;
	return NULL;
}

static void forget_unlisted(struct health *health)
{
	struct record **link = &health->records;

	while (*link) {
		struct record *r = *link;

		if (r->listed) {
			link = &r->next;
			continue;
		}
		*link = r->next;
		if (r->check)
			end_check(r->check);
		free(r);
	}
}

/* Only targets a listener can send to are checked: draining and unused ones not. */
static bool checkable(const struct model_target *t)
{
	return t->source_addr && strcmp(t->state, "draining") && strcmp(t->state, "unused");
}

/* Fails the check of a record past its timeout, or starts one that is due. */
static void tick_record(struct health *health, struct record *r, uint64_t now_ms)
{
	struct check *overdue = r->check && now_ms >= r->check->deadline_ms ? r->check : NULL;

	if (overdue) {
		r->check = NULL; /* as end_check does through overdue->record */
		finish(overdue, false, "Target.Timeout");
	}
	if (!r->check && now_ms >= r->due_ms)
		start_check(health, r, now_ms);
}

void health_tick_again(struct health *health, uint64_t now_ms)
{
	for (struct record *r = health->records; r; r = r->next)
		tick_record(health, r, now_ms);
}

void health_tick(struct health *health, const struct model_target *targets, size_t count,
		 uint64_t now_ms)
{
	for (struct record *r = health->records; r; r = r->next)
		r->listed = false;
	for (size_t i = 0; i < count; i++) {
		struct record *r;

		if (!checkable(&targets[i]))
			continue;
		r = record_of(health, &targets[i]);
		if (!r) {
			r = calloc(1, sizeof(*r));
			if (!r)
				continue;
			r->due_ms = now_ms; /* check a new target at once */
			r->next = health->records;
			health->records = r;
		}
		r->target = targets[i];
		r->listed = true;
		tick_record(health, r, now_ms);
	}
	forget_unlisted(health);
}
