/* SPDX-License-Identifier: MIT */
/* The Prometheus endpoint behind metrics.h, on libmicrohttpd: a well-kept HTTP
 * server library, so the agent never parses HTTP itself. */
#include "metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "log.h"

struct metrics {
	struct MHD_Daemon *http;
	struct loop *loop;
	int epoll_fd;
	metrics_source source;
	void *ctx;
	char why[160]; /* libmicrohttpd's last message: why it could not start */
};

struct metric {
	const char *name; /* the CloudWatch name, and the field of a GetStats row */
	const char *type;
	const char *help;
};

static const struct metric target_metrics[] = {
	{ "ActiveFlowCount", "gauge", "Concurrent flows from clients to the target." },
	{ "NewFlowCount", "counter", "Flows opened to the target." },
	{ "ProcessedBytes", "counter", "Bytes to and from the target, TCP/IP headers included." },
	{ "ProcessedPackets", "counter", "Packets to and from the target." },
	{ "TCP_ELB_Reset_Count", "counter", "TCP resets the load balancer sent for the target." },
	{ "PortAllocationErrorCount", "counter",
	  "Connections refused: the target's connection limit or SNAT ports exhausted." },
};

static const struct metric endpoint_metrics[] = {
	{ "NewFlowCount", "counter", "Flows opened through the endpoint." },
	{ "ProcessedBytes", "counter", "Bytes through the endpoint, TCP/IP headers included." },
	{ "ProcessedPackets", "counter", "Packets through the endpoint." },
	{ "TCP_ELB_Reset_Count", "counter", "TCP resets sent to the endpoint's clients." },
	{ "PortAllocationErrorCount", "counter", "Connections refused for lack of ports." },
	{ "Drops", "counter", "Packets dropped because the endpoint is not available." },
};

static const char *field(json_object *row, const char *key)
{
	json_object *value;

	return json_object_object_get_ex(row, key, &value) ? json_object_get_string(value) : "";
}

/* Label values are ids and addresses; escape anyway, as the format asks. */
static void label(FILE *out, const char *name, const char *value, const char *separator)
{
	fprintf(out, "%s%s=\"", separator, name);
	for (const char *c = value; *c; c++) {
		if (*c == '\\' || *c == '"')
			fputc('\\', out);
		if (*c == '\n')
			fputs("\\n", out);
		else
			fputc(*c, out);
	}
	fputc('"', out);
}

static void header(FILE *out, const char *prefix, const struct metric *m)
{
	fprintf(out, "# HELP xdplink_%s%s %s\n# TYPE xdplink_%s%s %s\n", prefix, m->name, m->help,
		prefix, m->name, m->type);
}

static void render_targets(FILE *out, json_object *targets)
{
	for (size_t m = 0; m < sizeof(target_metrics) / sizeof(target_metrics[0]); m++) {
		header(out, "", &target_metrics[m]);
		for (size_t i = 0; i < json_object_array_length(targets); i++) {
			json_object *row = json_object_array_get_idx(targets, i);
			char target[64];

			snprintf(target, sizeof(target), "%s:%s", field(row, "Id"),
				 field(row, "Port"));
			fprintf(out, "xdplink_%s{", target_metrics[m].name);
			label(out, "target_group", field(row, "TargetGroupName"), "");
			label(out, "target", target, ",");
			label(out, "zone", field(row, "AvailabilityZone"), ",");
			fprintf(out, "} %s\n", field(row, target_metrics[m].name));
		}
	}
}

/* HealthyHostCount and UnHealthyHostCount per target group and zone, as CloudWatch
 * reports them. */
static void render_host_counts(FILE *out, json_object *host_counts)
{
	static const struct metric counts[] = {
		{ "HealthyHostCount", "gauge", "Targets in the healthy state." },
		{ "UnHealthyHostCount", "gauge", "Targets in the unhealthy state." },
	};

	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		header(out, "", &counts[c]);
		for (size_t i = 0; i < json_object_array_length(host_counts); i++) {
			json_object *row = json_object_array_get_idx(host_counts, i);

			fprintf(out, "xdplink_%s{", counts[c].name);
			label(out, "target_group", field(row, "TargetGroupName"), "");
			label(out, "zone", field(row, "AvailabilityZone"), ",");
			fprintf(out, "} %s\n", field(row, counts[c].name));
		}
	}
}

static void render_endpoints(FILE *out, json_object *endpoints)
{
	for (size_t m = 0; m < sizeof(endpoint_metrics) / sizeof(endpoint_metrics[0]); m++) {
		header(out, "endpoint_", &endpoint_metrics[m]);
		for (size_t i = 0; i < json_object_array_length(endpoints); i++) {
			json_object *row = json_object_array_get_idx(endpoints, i);

			fprintf(out, "xdplink_endpoint_%s{", endpoint_metrics[m].name);
			label(out, "endpoint", field(row, "VpcEndpointId"), "");
			label(out, "service", field(row, "ServiceId"), ",");
			fprintf(out, "} %s\n", field(row, endpoint_metrics[m].name));
		}
	}
}

static void render_reasons(FILE *out, json_object *reasons)
{
	fputs("# HELP xdplink_packets_total Packets by what the data path did with them.\n"
	      "# TYPE xdplink_packets_total counter\n",
	      out);
	json_object_object_foreach(reasons, reason, count)
	{
		fputs("xdplink_packets_total{", out);
		label(out, "reason", reason, "");
		fprintf(out, "} %s\n", json_object_get_string(count));
	}
}

char *metrics_render(json_object *stats)
{
	json_object *targets, *host_counts, *endpoints, *reasons;
	char *text = NULL;
	size_t size;
	FILE *out = open_memstream(&text, &size);

	if (!out)
		return NULL;
	if (json_object_object_get_ex(stats, "Targets", &targets))
		render_targets(out, targets);
	if (json_object_object_get_ex(stats, "HostCounts", &host_counts))
		render_host_counts(out, host_counts);
	if (json_object_object_get_ex(stats, "Endpoints", &endpoints))
		render_endpoints(out, endpoints);
	if (json_object_object_get_ex(stats, "Reasons", &reasons))
		render_reasons(out, reasons);
	fclose(out);
	return text;
}

static enum MHD_Result reply(struct MHD_Connection *connection, unsigned int status, char *body,
			     const char *type)
{
	struct MHD_Response *response =
	    MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	MHD_add_response_header(response, "Content-Type", type);
	rc = MHD_queue_response(connection, status, response);
	MHD_destroy_response(response);
	return rc;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **request)
{
	struct metrics *metrics = cls;
	json_object *stats;
	char *text;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)request;
	if (strcmp(method, "GET"))
		return reply(connection, MHD_HTTP_METHOD_NOT_ALLOWED, strdup("only GET\n"),
			     "text/plain");
	if (strcmp(url, "/metrics"))
		return reply(connection, MHD_HTTP_NOT_FOUND,
			     strdup("the metrics are at /metrics\n"), "text/plain");
	stats = metrics->source(metrics->ctx);
	text = stats ? metrics_render(stats) : NULL;
	json_object_put(stats);
	if (!text)
		return reply(connection, MHD_HTTP_INTERNAL_SERVER_ERROR,
			     strdup("the counters could not be read\n"), "text/plain");
	return reply(connection, MHD_HTTP_OK, text, "text/plain; version=0.0.4");
}

static void on_ready(struct loop *loop, uint32_t events, void *ctx)
{
	struct metrics *metrics = ctx;

	(void)loop;
	(void)events;
	MHD_run(metrics->http);
}

/* Connection timeouts are MHD's to enforce, on its own clock. */
static void on_tick(struct loop *loop, void *ctx)
{
	on_ready(loop, 0, ctx);
}

/* libmicrohttpd says what went wrong (a port in use, an address not ours) only through
 * its logger: keep its last sentence, without the newline. */
static void keep_message(void *cls, const char *fmt, va_list ap)
{
	struct metrics *metrics = cls;

	vsnprintf(metrics->why, sizeof(metrics->why), fmt, ap);
	metrics->why[strcspn(metrics->why, "\n")] = '\0';
}

int metrics_parse_listen(const char *listen, struct sockaddr_in *addr)
{
	const char *colon = strrchr(listen, ':');
	char host[INET_ADDRSTRLEN], *end;
	unsigned long port;

	*addr = (struct sockaddr_in){ .sin_family = AF_INET };
	if (!colon || (size_t)(colon - listen) >= sizeof(host))
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || colon[1] == '-' || !port || port > 65535 ||
	    inet_pton(AF_INET, host, &addr->sin_addr) != 1)
		return -1;
	addr->sin_port = htons((uint16_t)port);
	return 0;
}

struct metrics *metrics_start(struct loop *loop, const char *listen, metrics_source source,
			      void *ctx, char *err, size_t err_size)
{
	struct metrics *metrics = calloc(1, sizeof(*metrics));
	struct sockaddr_in addr;
	const union MHD_DaemonInfo *info;

	if (!metrics || metrics_parse_listen(listen, &addr)) {
		snprintf(err, err_size,
			 "--metrics takes ADDR:PORT, e.g. 127.0.0.1:9100, not \"%s\"", listen);
		free(metrics);
		return NULL;
	}
	metrics->loop = loop;
	metrics->source = source;
	metrics->ctx = ctx;
	metrics->http = MHD_start_daemon(
	    MHD_USE_EPOLL | MHD_USE_ERROR_LOG, ntohs(addr.sin_port), NULL, NULL, answer, metrics,
	    MHD_OPTION_EXTERNAL_LOGGER, keep_message, metrics, MHD_OPTION_SOCK_ADDR, &addr,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned int)10, MHD_OPTION_END);
	info = metrics->http ? MHD_get_daemon_info(metrics->http, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
	metrics->epoll_fd = info ? info->epoll_fd : -1;
	if (!info || loop_watch(loop, metrics->epoll_fd, EPOLLIN, on_ready, metrics) ||
	    loop_every(loop, 1000, on_tick, metrics)) {
		snprintf(err, err_size, "cannot serve metrics on %s%s%s", listen,
			 metrics->why[0] ? ": " : "", metrics->why);
		metrics_stop(metrics);
		return NULL;
	}
	log_info("serving Prometheus metrics on http://%s/metrics", listen);
	return metrics;
}

void metrics_stop(struct metrics *metrics)
{
	if (!metrics)
		return;
	if (metrics->http) {
		loop_unwatch(metrics->loop, metrics->epoll_fd);
		MHD_stop_daemon(metrics->http);
	}
	free(metrics);
}
