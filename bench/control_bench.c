/* SPDX-License-Identifier: MIT */
/* The control plane's costs, through the agent's own API socket (bench/control_bench.sh
 * runs it): creating endpoints in bulk, and timing one call many times.
 *
 *   control_bench SOCKET create SERVICE_NAME ZONE FIRST COUNT
 *       creates COUNT endpoints, each with one ENI in ZONE at 10.64.0.0 + FIRST + i
 *   control_bench SOCKET register TARGET_GROUP ZONE ROUNDS
 *       ROUNDS times: registers a new target (10.0.200.0 + i) and times the call, then
 *       deregisters it (untimed); prints the median in milliseconds
 *   control_bench SOCKET call ACTION ROUNDS
 *       times ACTION with no arguments; prints the median in milliseconds */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "envelope.h"

static const char *socket_path;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Calls the agent; exits on a refusal, which would make the numbers meaningless. */
static void call(const char *action, json_object *args)
{
	json_object *request = envelope_request(action, NULL, args), *answer, *result;
	char *response = NULL, why[512];
	const char *code, *message;

	if (client_exchange(socket_path, json_object_to_json_string_ext(request, 0), &response, why,
			    sizeof(why))) {
		fprintf(stderr, "control_bench: %s\n", why);
		exit(1);
	}
	answer = json_tokener_parse(response);
	if (envelope_read_answer(answer, &result, &code, &message) != 1) {
		fprintf(stderr, "control_bench: %s refused: %s: %s\n", action, answer ? code : "?",
			answer ? message : response);
		exit(1);
	}
	json_object_put(answer);
	json_object_put(request);
	free(response);
}

/* ENIs per VPC of the bench: a /16 less AWS's five reserved addresses, rounded down. */
#define ENIS_PER_VPC 65000

static void address(uint32_t base, uint32_t offset, char out[INET_ADDRSTRLEN])
{
	struct in_addr addr = { .s_addr = htonl(base + offset) };

	inet_ntop(AF_INET, &addr, out, INET_ADDRSTRLEN);
}

static void create(const char *service, const char *zone, uint32_t first, uint32_t count)
{
	double start = now_ms();

	for (uint32_t i = 0; i < count; i++) {
		json_object *args = json_object_new_object(), *subnets = json_object_new_array();
		json_object *subnet = json_object_new_object();
		char eni[INET_ADDRSTRLEN];

		/* The n-th ENI: in 10.(64 + n / ENIS_PER_VPC).0.0/16, past its reserved addresses. */
		uint32_t n = first + i;

		address(0x0a400000 + (n / ENIS_PER_VPC) * 65536, 4 + n % ENIS_PER_VPC, eni);
		json_object_object_add(subnet, "AvailabilityZoneId", json_object_new_string(zone));
		json_object_object_add(subnet, "Ipv4", json_object_new_string(eni));
		json_object_array_add(subnets, subnet);
		json_object_object_add(args, "ServiceName", json_object_new_string(service));
		json_object_object_add(args, "SubnetConfigurations", subnets);
		call("CreateVpcEndpoint", args);
		json_object_put(args);
	}
	printf("%u endpoints in %.1f s\n", count, (now_ms() - start) / 1e3);
}

static json_object *targets_args(const char *group, const char *target, const char *zone)
{
	json_object *args = json_object_new_object(), *targets = json_object_new_array();
	json_object *t = json_object_new_object();

	json_object_object_add(t, "Id", json_object_new_string(target));
	if (zone)
		json_object_object_add(t, "AvailabilityZone", json_object_new_string(zone));
	json_object_array_add(targets, t);
	json_object_object_add(args, "Name", json_object_new_string(group));
	json_object_object_add(args, "Targets", targets);
	return args;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *times, int rounds)
{
	qsort(times, (size_t)rounds, sizeof(*times), by_value);
	return times[rounds / 2];
}

static void time_register(const char *group, const char *zone, int rounds)
{
	double *times = calloc((size_t)rounds, sizeof(*times));

	for (int i = 0; times && i < rounds; i++) {
		char target[INET_ADDRSTRLEN];
		json_object *args;
		double start;

		address(0x0a00c800, (uint32_t)i + 1, target); /* 10.0.200.0/24 */
		args = targets_args(group, target, zone);
		start = now_ms();
		call("RegisterTargets", args);
		times[i] = now_ms() - start;
		json_object_put(args);
		args = targets_args(group, target, NULL);
		call("DeregisterTargets", args);
		json_object_put(args);
	}
	if (times)
		printf("%.2f\n", median(times, rounds));
	free(times);
}

static void time_call(const char *action, int rounds)
{
	double *times = calloc((size_t)rounds, sizeof(*times));

	for (int i = 0; times && i < rounds; i++) {
		json_object *args = json_object_new_object();
		double start = now_ms();

		call(action, args);
		times[i] = now_ms() - start;
		json_object_put(args);
	}
	if (times)
		printf("%.2f\n", median(times, rounds));
	free(times);
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[2], "create")) {
		socket_path = argv[1];
		create(argv[3], argv[4], (uint32_t)strtoul(argv[5], NULL, 10),
		       (uint32_t)strtoul(argv[6], NULL, 10));
		return 0;
	}
	if (argc == 6 && !strcmp(argv[2], "register")) {
		socket_path = argv[1];
		time_register(argv[3], argv[4], atoi(argv[5]));
		return 0;
	}
	if (argc == 5 && !strcmp(argv[2], "call")) {
		socket_path = argv[1];
		time_call(argv[3], atoi(argv[4]));
		return 0;
	}
	fputs("usage: control_bench SOCKET create SERVICE_NAME ZONE FIRST COUNT\n"
	      "       control_bench SOCKET register TARGET_GROUP ZONE ROUNDS\n"
	      "       control_bench SOCKET call ACTION ROUNDS\n",
	      stderr);
	return 2;
}
