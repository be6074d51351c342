/* SPDX-License-Identifier: MIT */
/* The AWS endpoint's HTTP(S) server on libmicrohttpd, run from the agent's loop like the
 * metrics endpoint: the library reads HTTP (and TLS, through GnuTLS), door.c answers. */
#include "aws.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "door.h"
#include "log.h"
#include "metrics.h"

#define MAX_CONNECTIONS	   64
#define CONNECTION_TIMEOUT 10	       /* seconds */
#define MAX_PEM_SIZE	   (64 * 1024) /* a certificate chain or a key */
#define MAX_HEADERS	   64
#define MAX_ROUNDS	   64 /* libmicrohttpd runs per wake-up, at most */

struct aws_server {
	struct MHD_Daemon *http;
	struct loop *loop;
	int epoll_fd;
	struct aws_door *door;
	char *tls_cert; /* PEM text, kept for libmicrohttpd as long as it runs */
	char *tls_key;
	char why[200]; /* libmicrohttpd's last message: why it could not start */
};

/* A request being received. */
struct pending {
	char *body;
	size_t length;
	bool too_large;
};

struct headers {
	struct sigv4_header list[MAX_HEADERS];
	size_t count;
	bool too_many;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *name,
				      const char *value)
{
	struct headers *h = cls;

	(void)kind;
	if (h->count == MAX_HEADERS) {
		h->too_many = true;
		return MHD_NO;
	}
	h->list[h->count++] = (struct sigv4_header){ name, value ? value : "" };
	return MHD_YES;
}

static void peer_of(struct MHD_Connection *connection, char *out, size_t size)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr_in *addr =
	    info ? (const struct sockaddr_in *)info->client_addr : NULL;

	snprintf(out, size, "?");
	if (addr && addr->sin_family == AF_INET)
		inet_ntop(AF_INET, &addr->sin_addr, out, (socklen_t)size);
}

static enum MHD_Result serve(struct aws_server *server, struct MHD_Connection *connection,
			     const char *url, const char *method, struct pending *p)
{
	struct headers headers = { .count = 0 };
	struct aws_reply reply;
	struct MHD_Response *response;
	enum MHD_Result rc;
	char peer[INET_ADDRSTRLEN];

	MHD_get_connection_values(connection, MHD_HEADER_KIND, collect_header, &headers);
	peer_of(connection, peer, sizeof(peer));
	aws_door_serve(server->door,
		       &(struct aws_request){
			   .method = method,
			   .path = url,
			   .has_query = MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND,
								  NULL, NULL) > 0,
			   .headers = headers.list,
			   .header_count = headers.count,
			   .body = p->body ? p->body : "",
			   .body_length = p->length,
			   .too_large = p->too_large,
			   .too_many_headers = headers.too_many,
			   .peer = peer,
		       },
		       time(NULL), &reply);
	response = MHD_create_response_from_buffer(reply.length, reply.body, MHD_RESPMEM_MUST_FREE);
	if (!response) {
		free(reply.body);
		return MHD_NO;
	}
	MHD_add_response_header(response, "Content-Type", "text/xml;charset=UTF-8");
	MHD_add_response_header(response, "x-amzn-RequestId", reply.request_id);
	rc = MHD_queue_response(connection, reply.status, response);
	MHD_destroy_response(response);
	return rc;
}

/* Called with the headers (first), each piece of the body, then once more at its end. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **request)
{
	struct pending *p = *request;

	(void)version;
	if (!p) {
		const char *length =
		    MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Length");

		p = calloc(1, sizeof(*p));
		if (!p)
			return MHD_NO;
		*request = p;
		/* Too large said up front: answered before a byte of it is read. */
		if (length && strtoull(length, NULL, 10) > AWS_MAX_BODY) {
			p->too_large = true;
			return serve(cls, connection, url, method, p);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t size = *upload_data_size;

		*upload_data_size = 0;
		if (p->too_large || p->length + size > AWS_MAX_BODY) {
			p->too_large = true;
			free(p->body);
			p->body = NULL;
			p->length = 0;
			return MHD_YES;
		}
		char *grown = realloc(p->body, p->length + size + 1);

		if (!grown)
			return MHD_NO;
		memcpy(grown + p->length, upload_data, size);
		p->body = grown;
		p->length += size;
		p->body[p->length] = '\0';
		return MHD_YES;
	}
	return serve(cls, connection, url, method, p);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **request,
			 enum MHD_RequestTerminationCode why)
{
	struct pending *p = *request;

	(void)cls;
	(void)connection;
	(void)why;
	if (p) {
		free(p->body);
		free(p);
		*request = NULL;
	}
}

/* libmicrohttpd's epoll is edge-triggered and a run may leave data it has not read (a body
 * in several pieces): run again while it says work is pending, a bounded number of times. */
static void on_ready(struct loop *loop, uint32_t events, void *ctx)
{
	struct aws_server *server = ctx;
	MHD_UNSIGNED_LONG_LONG timeout = 1;

	(void)loop;
	(void)events;
	for (int round = 0; round < MAX_ROUNDS; round++) {
		MHD_run(server->http);
		if (MHD_get_timeout(server->http, &timeout) != MHD_YES || timeout != 0)
			break;
	}
}

/* Once a second: the HTTP server's timeouts, and the access keys file, so that a key added
 * or removed is audited when it happens rather than at the next request. */
static void on_tick(struct loop *loop, void *ctx)
{
	struct aws_server *server = ctx;
	char why[512];

	on_ready(loop, 0, ctx);
	aws_door_load_keys(server->door, why, sizeof(why));
}

static void keep_message(void *cls, const char *fmt, va_list ap)
{
	struct aws_server *server = cls;

	vsnprintf(server->why, sizeof(server->why), fmt, ap);
	server->why[strcspn(server->why, "\n")] = '\0';
}

/* The whole of a PEM file, or NULL with why. */
static char *read_pem(const char *path, char *why, size_t why_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t got;
	char *text;

	if (fd < 0) {
		snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > MAX_PEM_SIZE) {
		snprintf(why, why_size, "%s is not a PEM file of at most 64 KiB", path);
		close(fd);
		return NULL;
	}
	text = malloc((size_t)st.st_size + 1);
	got = text ? read(fd, text, (size_t)st.st_size) : -1;
	close(fd);
	if (got != st.st_size) {
		snprintf(why, why_size, "cannot read %s", path);
		free(text);
		return NULL;
	}
	text[got] = '\0';
	return text;
}

static struct MHD_Daemon *start_http(struct aws_server *server, const struct sockaddr_in *addr)
{
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (server->tls_cert)
		return MHD_start_daemon(
		    flags | MHD_USE_TLS, ntohs(addr->sin_port), NULL, NULL, on_request, server,
		    MHD_OPTION_EXTERNAL_LOGGER, keep_message, server, MHD_OPTION_SOCK_ADDR, addr,
		    MHD_OPTION_NOTIFY_COMPLETED, on_completed, server, MHD_OPTION_CONNECTION_LIMIT,
		    (unsigned)MAX_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
		    (unsigned)CONNECTION_TIMEOUT, MHD_OPTION_HTTPS_MEM_CERT, server->tls_cert,
		    MHD_OPTION_HTTPS_MEM_KEY, server->tls_key, MHD_OPTION_END);
	return MHD_start_daemon(flags, ntohs(addr->sin_port), NULL, NULL, on_request, server,
				MHD_OPTION_EXTERNAL_LOGGER, keep_message, server,
				MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_NOTIFY_COMPLETED,
				on_completed, server, MHD_OPTION_CONNECTION_LIMIT,
				(unsigned)MAX_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)CONNECTION_TIMEOUT, MHD_OPTION_END);
}

struct aws_server *aws_start(struct loop *loop, const struct aws_options *opts, const char *region,
			     api_handler handler, void *ctx, char *why, size_t why_size)
{
	struct aws_server *server = calloc(1, sizeof(*server));
	const union MHD_DaemonInfo *info;
	struct sockaddr_in addr;
	char keys_why[256];

	if (!server || metrics_parse_listen(opts->listen, &addr)) {
		snprintf(why, why_size,
			 "--aws-listen takes ADDR:PORT, e.g. 127.0.0.1:8443, not \"%s\"",
			 opts->listen);
		free(server);
		return NULL;
	}
	server->loop = loop;
	server->epoll_fd = -1;
	server->door = aws_door_new(region, opts->credentials, handler, ctx);
	if (!server->door) {
		snprintf(why, why_size, "out of memory");
		aws_stop(server);
		return NULL;
	}
	/* A file that cannot be trusted at start is the operator's to mend now. */
	if (aws_door_load_keys(server->door, keys_why, sizeof(keys_why)) < 0) {
		snprintf(why, why_size, "%s", keys_why);
		aws_stop(server);
		return NULL;
	}
	if (!opts->tls_cert != !opts->tls_key) {
		snprintf(why, why_size, "--aws-tls-cert and --aws-tls-key go together");
		aws_stop(server);
		return NULL;
	}
	if (opts->tls_cert && (!(server->tls_cert = read_pem(opts->tls_cert, why, why_size)) ||
			       !(server->tls_key = read_pem(opts->tls_key, why, why_size)))) {
		aws_stop(server);
		return NULL;
	}
	server->http = start_http(server, &addr);
	info = server->http ? MHD_get_daemon_info(server->http, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
	server->epoll_fd = info ? info->epoll_fd : -1;
	if (!info || loop_watch(loop, server->epoll_fd, EPOLLIN, on_ready, server) ||
	    loop_every(loop, 1000, on_tick, server)) {
		snprintf(why, why_size, "cannot serve the AWS APIs on %s%s%s", opts->listen,
			 server->why[0] ? ": " : "", server->why);
		aws_stop(server);
		return NULL;
	}
	log_info("serving the EC2 and ELBv2 APIs on %s://%s/ (access keys in %s)",
		 server->tls_cert ? "https" : "http", opts->listen, opts->credentials);
	return server;
}

void aws_stop(struct aws_server *server)
{
	if (!server)
		return;
	if (server->http) {
		if (server->epoll_fd >= 0)
			loop_unwatch(server->loop, server->epoll_fd);
		MHD_stop_daemon(server->http);
	}
	aws_door_free(server->door);
	if (server->tls_key)
		explicit_bzero(server->tls_key, strlen(server->tls_key));
	free(server->tls_key);
	free(server->tls_cert);
	free(server);
}
