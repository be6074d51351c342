/* SPDX-License-Identifier: MIT */
/* The Prometheus endpoint behind metrics.h, on libmicrohttpd: a well-kept HTTP
 * server library, so the agent never parses HTTP itself. */
#include "metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdint.h>
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

/* A family: its Prometheus name (snake_case, base units, _total on counters), its type,
 * its help with the CloudWatch metric it stands for, and the GetStats field it reads. */
struct metric {
	const char *name;
	const char *type;
	const char *help;
	const char *field;
};

#define GAUGE	"gauge"
#define COUNTER "counter"

/* Per target (a registration in a target group): AWS/NetworkELB's per-target metrics. */
static const struct metric target_metrics[] = {
	{ "xdplink_target_active_flows", GAUGE,
	  "Concurrent flows from clients to the target (CloudWatch ActiveFlowCount).",
	  "ActiveFlowCount" },
	{ "xdplink_target_new_flows_total", COUNTER,
	  "Flows opened to the target (CloudWatch NewFlowCount).", "NewFlowCount" },
	{ "xdplink_target_processed_bytes_total", COUNTER,
	  "Bytes to and from the target, TCP/IP headers included (CloudWatch ProcessedBytes).",
	  "ProcessedBytes" },
	{ "xdplink_target_processed_packets_total", COUNTER,
	  "Packets to and from the target (CloudWatch ProcessedPackets).", "ProcessedPackets" },
	{ "xdplink_target_tcp_elb_resets_total", COUNTER,
	  "TCP resets the load balancer sent for the target (CloudWatch TCP_ELB_Reset_Count).",
	  "TCP_ELB_Reset_Count" },
	{ "xdplink_target_port_allocation_errors_total", COUNTER,
	  "Connections refused: the target's connection limit or SNAT ports exhausted "
	  "(CloudWatch PortAllocationErrorCount).",
	  "PortAllocationErrorCount" },
};

/* Per target group and zone. */
static const struct metric host_count_metrics[] = {
	{ "xdplink_target_group_healthy_hosts", GAUGE,
	  "Targets in the healthy state (CloudWatch HealthyHostCount).", "HealthyHostCount" },
	{ "xdplink_target_group_unhealthy_hosts", GAUGE,
	  "Targets in the unhealthy state (CloudWatch UnHealthyHostCount).", "UnHealthyHostCount" },
};

/* Per interface endpoint: AWS/PrivateLinkEndpoints. */
static const struct metric endpoint_metrics[] = {
	{ "xdplink_endpoint_active_connections", GAUGE,
	  "Connections through the endpoint that are open (CloudWatch ActiveConnections).",
	  "ActiveConnections" },
	{ "xdplink_endpoint_new_connections_total", COUNTER,
	  "Connections opened through the endpoint (CloudWatch NewConnections).", "NewFlowCount" },
	{ "xdplink_endpoint_processed_bytes_total", COUNTER,
	  "Bytes through the endpoint, TCP/IP headers included (CloudWatch BytesProcessed).",
	  "ProcessedBytes" },
	{ "xdplink_endpoint_processed_packets_total", COUNTER, "Packets through the endpoint.",
	  "ProcessedPackets" },
	{ "xdplink_endpoint_dropped_packets_total", COUNTER,
	  "Packets dropped because the endpoint is not available (CloudWatch PacketsDropped).",
	  "Drops" },
	{ "xdplink_endpoint_rst_packets_received_total", COUNTER,
	  "TCP resets the service's load balancer sent to the endpoint's clients (CloudWatch "
	  "RstPacketsReceived).",
	  "TCP_ELB_Reset_Count" },
	{ "xdplink_endpoint_port_allocation_errors_total", COUNTER,
	  "Connections through the endpoint refused for lack of ports or target capacity.",
	  "PortAllocationErrorCount" },
};

/* Per endpoint service: AWS/PrivateLinkServices, summed over its endpoints. */
static const struct metric service_metrics[] = {
	{ "xdplink_service_endpoints", GAUGE,
	  "Endpoints connected to the service: available ones (CloudWatch EndpointsCount).",
	  "EndpointsCount" },
	{ "xdplink_service_active_connections", GAUGE,
	  "Open connections through the service's endpoints (CloudWatch ActiveConnections).",
	  "ActiveConnections" },
	{ "xdplink_service_new_connections_total", COUNTER,
	  "Connections opened through the service's endpoints (CloudWatch NewConnections).",
	  "NewFlowCount" },
	{ "xdplink_service_processed_bytes_total", COUNTER,
	  "Bytes through the service's endpoints (CloudWatch BytesProcessed).", "ProcessedBytes" },
	{ "xdplink_service_rst_packets_sent_total", COUNTER,
	  "TCP resets the service's load balancer sent to its endpoints' clients (CloudWatch "
	  "RstPacketsSent).",
	  "TCP_ELB_Reset_Count" },
};

/* The node's: how full its tables are, what it is. */
static const struct metric node_metrics[] = {
	{ "xdplink_active_flows", GAUGE,
	  "Flows holding a target's connection, over all targets (ActiveFlowCount).",
	  "ActiveFlowCount" },
	{ "xdplink_flow_table_flows", GAUGE,
	  "Flows in the flow table at the collector's last pass, closing ones too "
	  "(TrackedFlowCount).",
	  "TrackedFlowCount" },
	{ "xdplink_flow_table_half_open_flows", GAUGE,
	  "Flows in the table whose client has not acknowledged the target's answer "
	  "(HalfOpenFlowCount).",
	  "HalfOpenFlowCount" },
	{ "xdplink_flow_table_capacity_flows", GAUGE,
	  "Flows the table holds at most (--max-flows); new flows are refused beyond it.",
	  "MaxFlows" },
	{ "xdplink_target_connection_limit_flows", GAUGE,
	  "Active flows one target (IP:port) may hold, over all its target groups "
	  "(--max-conns-per-target; 55,000 as AWS); beyond it PortAllocationErrorCount grows.",
	  "MaxConnectionsPerTarget" },
	{ "xdplink_snat_pool_ports", GAUGE,
	  "SNAT source ports in each pool of a node IP and a target (--snat-ports).",
	  "SnatPortsPerPool" },
	{ "xdplink_snat_ports_held", GAUGE,
	  "SNAT ports of closed flows resting for the reuse delay before new flows may take "
	  "them (HeldPortCount).",
	  "HeldPortCount" },
	{ "xdplink_start_time_seconds", GAUGE,
	  "When the agent started, in seconds since the epoch.", "StartTime" },
};

/* The states of enum-like xdplink_target_health: a series per state, 1 for the current. */
static const char *const target_states[] = { "initial",	 "healthy", "unhealthy",
					     "draining", "unused",  "unavailable" };

static const char *field(json_object *row, const char *key)
{
	json_object *value;

	return json_object_object_get_ex(row, key, &value) ? json_object_get_string(value) : "";
}

static uint64_t number(json_object *row, const char *key)
{
	json_object *value;

	return json_object_object_get_ex(row, key, &value) ? json_object_get_uint64(value) : 0;
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

static void header(FILE *out, const struct metric *m)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help, m->name, m->type);
}

static void target_labels(FILE *out, json_object *row)
{
	char target[64];

	snprintf(target, sizeof(target), "%s:%s", field(row, "Id"), field(row, "Port"));
	label(out, "target_group", field(row, "TargetGroupName"), "");
	label(out, "target", target, ",");
	label(out, "zone", field(row, "AvailabilityZone"), ",");
}

static void render_targets(FILE *out, json_object *targets)
{
	static const struct metric health = {
		"xdplink_target_health", GAUGE,
		"The target's health state, 1 for the one it is in (DescribeTargetHealth).", NULL
	};

	for (size_t m = 0; m < sizeof(target_metrics) / sizeof(target_metrics[0]); m++) {
		header(out, &target_metrics[m]);
		for (size_t i = 0; i < json_object_array_length(targets); i++) {
			json_object *row = json_object_array_get_idx(targets, i);

			fprintf(out, "%s{", target_metrics[m].name);
			target_labels(out, row);
			fprintf(out, "} %s\n", field(row, target_metrics[m].field));
		}
	}
	header(out, &health);
	for (size_t i = 0; i < json_object_array_length(targets); i++) {
		json_object *row = json_object_array_get_idx(targets, i);

		for (size_t s = 0; s < sizeof(target_states) / sizeof(target_states[0]); s++) {
			fprintf(out, "%s{", health.name);
			target_labels(out, row);
			label(out, "state", target_states[s], ",");
			fprintf(out, "} %d\n", !strcmp(field(row, "State"), target_states[s]));
		}
	}
}

static void render_host_counts(FILE *out, json_object *host_counts)
{
	for (size_t c = 0; c < sizeof(host_count_metrics) / sizeof(host_count_metrics[0]); c++) {
		header(out, &host_count_metrics[c]);
		for (size_t i = 0; i < json_object_array_length(host_counts); i++) {
			json_object *row = json_object_array_get_idx(host_counts, i);

			fprintf(out, "%s{", host_count_metrics[c].name);
			label(out, "target_group", field(row, "TargetGroupName"), "");
			label(out, "zone", field(row, "AvailabilityZone"), ",");
			fprintf(out, "} %s\n", field(row, host_count_metrics[c].field));
		}
	}
}

static void render_endpoints(FILE *out, json_object *endpoints)
{
	static const struct metric info = {
		"xdplink_endpoint_info", GAUGE,
		"1 per interface endpoint with a slot, labelled with its service and state.", NULL
	};

	header(out, &info);
	for (size_t i = 0; i < json_object_array_length(endpoints); i++) {
		json_object *row = json_object_array_get_idx(endpoints, i);

		fputs("xdplink_endpoint_info{", out);
		label(out, "endpoint", field(row, "VpcEndpointId"), "");
		label(out, "service", field(row, "ServiceId"), ",");
		label(out, "state", field(row, "State"), ",");
		fputs("} 1\n", out);
	}
	for (size_t m = 0; m < sizeof(endpoint_metrics) / sizeof(endpoint_metrics[0]); m++) {
		header(out, &endpoint_metrics[m]);
		for (size_t i = 0; i < json_object_array_length(endpoints); i++) {
			json_object *row = json_object_array_get_idx(endpoints, i);

			fprintf(out, "%s{", endpoint_metrics[m].name);
			label(out, "endpoint", field(row, "VpcEndpointId"), "");
			label(out, "service", field(row, "ServiceId"), ",");
			fprintf(out, "} %s\n", field(row, endpoint_metrics[m].field));
		}
	}
}

/* The services' rows: their endpoints' counters summed, and EndpointsCount. */
static json_object *service_rows(json_object *endpoints)
{
	json_object *services = json_object_new_object();

	for (size_t i = 0; i < json_object_array_length(endpoints); i++) {
		json_object *endpoint = json_object_array_get_idx(endpoints, i), *row;
		const char *id = field(endpoint, "ServiceId");

		if (!json_object_object_get_ex(services, id, &row)) {
			row = json_object_new_object();
			json_object_object_add(services, id, row);
		}
		for (size_t m = 0; m < sizeof(service_metrics) / sizeof(service_metrics[0]); m++) {
			const char *key = service_metrics[m].field;
			uint64_t add = strcmp(key, "EndpointsCount")
					   ? number(endpoint, key)
					   : !strcmp(field(endpoint, "State"), "available");

			json_object_object_add(row, key,
					       json_object_new_uint64(number(row, key) + add));
		}
	}
	return services;
}

static void render_services(FILE *out, json_object *endpoints)
{
	json_object *services = service_rows(endpoints);

	for (size_t m = 0; m < sizeof(service_metrics) / sizeof(service_metrics[0]); m++) {
		header(out, &service_metrics[m]);
		json_object_object_foreach(services, id, row)
		{
			fprintf(out, "%s{", service_metrics[m].name);
			label(out, "service", id, "");
			fprintf(out, "} %s\n", field(row, service_metrics[m].field));
		}
	}
	json_object_put(services);
}

static void render_reasons(FILE *out, json_object *reasons)
{
	fputs("# HELP xdplink_packets_total Packets by what the data path did with them "
	      "(xdplink stats explains each reason).\n"
	      "# TYPE xdplink_packets_total counter\n",
	      out);
	json_object_object_foreach(reasons, reason, count)
	{
		fputs("xdplink_packets_total{", out);
		label(out, "reason", reason, "");
		fprintf(out, "} %s\n", json_object_get_string(count));
	}
}

static void render_node(FILE *out, json_object *stats)
{
	for (size_t m = 0; m < sizeof(node_metrics) / sizeof(node_metrics[0]); m++) {
		header(out, &node_metrics[m]);
		fprintf(out, "%s %s\n", node_metrics[m].name, field(stats, node_metrics[m].field));
	}
	fputs("# HELP xdplink_build_info The agent's version, as a label; always 1.\n"
	      "# TYPE xdplink_build_info gauge\nxdplink_build_info{",
	      out);
	label(out, "version", field(stats, "Version"), "");
	fputs("} 1\n", out);
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
	if (json_object_object_get_ex(stats, "Endpoints", &endpoints)) {
		render_endpoints(out, endpoints);
		render_services(out, endpoints);
	}
	if (json_object_object_get_ex(stats, "Reasons", &reasons))
		render_reasons(out, reasons);
	render_node(out, stats);
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
