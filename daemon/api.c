/* SPDX-License-Identifier: MIT */
/* The API socket behind api.h. Each client gets a buffer; a request ends at a
 * newline or at the client's shutdown; the answer is written as the socket drains. */
#include "api.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "envelope.h"
#include "log.h"

struct client {
	struct api *api;
	int fd;
	char *in;
	size_t in_len;
	char *out; /* the response, once there is one */
	size_t out_len, out_sent;
	uint64_t deadline_ms;
	struct client *next;
};

struct api {
	struct loop *loop;
	int fd;
	char path[108];
	api_handler handler;
	void *ctx;
	struct client *clients;
};

static void drop_client(struct client *c)
{
	struct client **link = &c->api->clients;

	while (*link != c)
		link = &(*link)->next;
	*link = c->next;
	loop_unwatch(c->api->loop, c->fd);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

static void send_some(struct client *c)
{
	while (c->out_sent < c->out_len) {
		ssize_t n =
		    send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN) {
			loop_rewatch(c->api->loop, c->fd, EPOLLOUT);
			return;
		}
		if (n <= 0)
			break;
		c->out_sent += (size_t)n;
	}
	drop_client(c);
}

static void respond(struct client *c, json_object *response)
{
	const char *text = json_object_to_json_string_ext(response, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(text);

	c->out = malloc(len + 1);
	if (c->out) {
		memcpy(c->out, text, len);
		c->out[len] = '\n';
		c->out_len = len + 1;
	}
	json_object_put(response);
	send_some(c);
}

/* A whole request: parse it (an object, nothing after it) and answer. */
static void serve(struct client *c)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *request = json_tokener_parse_ex(tok, c->in, (int)c->in_len);
	size_t used = (size_t)json_tokener_get_parse_end(tok);
	json_object *response;

	while (request && used < c->in_len && strchr(" \t\r\n", c->in[used]))
		used++;
	if (request && (used != c->in_len || !json_object_is_type(request, json_type_object))) {
		json_object_put(request);
		request = NULL;
	}
	json_tokener_free(tok);
	response = c->api->handler(c->api->ctx, request);
	json_object_put(request);
	respond(c, response);
}

static void on_client(struct loop *loop, uint32_t events, void *ctx)
{
	struct client *c = ctx;
	char *newline;
	ssize_t n;

	(void)loop;
	if (c->out) {
		send_some(c);
		return;
	}
	n = recv(c->fd, c->in + c->in_len, XL_MAX_REQUEST + 1 - c->in_len, 0);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n < 0 || (n == 0 && c->in_len == 0) || (events & EPOLLERR)) {
		drop_client(c);
		return;
	}
	c->in_len += (size_t)n;
	if (c->in_len > XL_MAX_REQUEST) {
		struct api_error err;

		api_fail(&err, API_RequestTooLarge, "requests are at most 64 KiB");
		respond(c, envelope_refusal(&err));
		return;
	}
	newline = memchr(c->in, '\n', c->in_len);
	if (newline)
		c->in_len = (size_t)(newline - c->in);
	if (newline || n == 0)
		serve(c);
}

static void on_listener(struct loop *loop, uint32_t events, void *ctx)
{
	struct api *api = ctx;
	struct client *c;
	int fd = accept4(api->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	(void)events;
	if (fd < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->in = malloc(XL_MAX_REQUEST + 1)) ||
	    loop_watch(loop, fd, EPOLLIN, on_client, c)) {
		if (c)
			free(c->in);
		free(c);
		close(fd);
		return;
	}
	c->api = api;
	c->fd = fd;
	c->deadline_ms = monotonic_ms() + API_CLIENT_TIMEOUT_MS;
	c->next = api->clients;
	api->clients = c;
}

/* Hangs up on clients that sent nothing complete in time (or never read). */
static void expire_clients(struct loop *loop, void *ctx)
{
	struct api *api = ctx;
	uint64_t now = monotonic_ms();
	struct client *c = api->clients;

	(void)loop;
	while (c) {
		struct client *next = c->next;

		if (now >= c->deadline_ms)
			drop_client(c);
		c = next;
	}
}

/* The socket file of an agent killed with -9 is left behind; one that still answers
 * belongs to a running agent and must not be taken over. */
static int claim_path(const char *path, const struct sockaddr_un *addr)
{
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int alive = probe >= 0 && connect(probe, (const struct sockaddr *)addr, sizeof(*addr)) == 0;

	if (probe >= 0)
		close(probe);
	if (alive) {
		log_error("another agent is already serving %s", path);
		return -1;
	}
	unlink(path);
	return 0;
}

struct api *api_listen(struct loop *loop, const char *path, api_handler handler, void *ctx)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct api *api;
	mode_t old_mask;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		log_error("socket path %s is too long", path);
		return NULL;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (claim_path(path, &addr))
		return NULL;
	api = calloc(1, sizeof(*api));
	if (!api)
		return NULL;
	api->loop = loop;
	api->handler = handler;
	api->ctx = ctx;
	snprintf(api->path, sizeof(api->path), "%s", path);
	api->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	old_mask = umask(0077); /* root only, from the moment the file exists */
	if (api->fd < 0 || bind(api->fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(api->fd, 64) || loop_watch(loop, api->fd, EPOLLIN, on_listener, api) ||
	    loop_every(loop, 1000, expire_clients, api)) {
		log_error("cannot serve %s: %s", path, strerror(errno));
		umask(old_mask);
		if (api->fd >= 0)
			close(api->fd);
		free(api);
		return NULL;
	}
	umask(old_mask);
	return api;
}

void api_close(struct api *api)
{
	if (!api)
		return;
	for (struct client *c = api->clients, *next; c; c = next) {
		next = c->next;
		drop_client(c);
	}
	loop_unwatch(api->loop, api->fd);
	close(api->fd);
	unlink(api->path);
	free(api);
}
