/* SPDX-License-Identifier: MIT */
/* The one path of every command: wrap the arguments in an API request, call the agent,
 * print its Result (as JSON or through the verb's printer) or its refusal, and decide the exit code. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "envelope.h"

void cli_print_json(const struct cli *cli, json_object *value)
{
	int style = cli->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
				: JSON_C_TO_STRING_PLAIN;

	puts(json_object_to_json_string_ext(value, style | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static char *request_text(const struct cli *cli, const char *action, json_object *args)
{
	json_object *request = envelope_request(action, cli->principal, args);
	char *text;

	text = strdup(json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN));
	json_object_put(request);
	if (!text)
		abort();
	return text;
}

/* A refusal under -j: {"Error": {"Code", "Message"}} on stdout too, for the script. */
static void print_json_refusal(const struct cli *cli, const char *code, const char *message)
{
	json_object *answer = json_object_new_object(), *error = json_object_new_object();

	json_object_object_add(error, "Code", json_object_new_string(code));
	json_object_object_add(error, "Message", json_object_new_string(message));
	json_object_object_add(answer, "Error", error);
	cli_print_json(cli, answer);
	json_object_put(answer);
}

static int read_response(const struct cli *cli, const char *text, json_object **result)
{
	json_object *answer = json_tokener_parse(text), *value = NULL;
	const char *code, *message;
	int rc = CLI_EXIT_FAILED;

	switch (envelope_read_answer(answer, &value, &code, &message)) {
	case 1:
		*result = value ? json_object_get(value) : json_object_new_object();
		rc = CLI_EXIT_OK;
		break;
	case 0:
		fprintf(stderr, "%s: %s\n", code, message);
		if (cli->json)
			print_json_refusal(cli, code, message);
		break;
	default:
		fprintf(stderr, "xdplink: the agent sent something that is not an answer: %.200s\n",
			text);
		if (cli->json)
			print_json_refusal(cli, "InternalError", "the agent's answer is not one");
	}
	json_object_put(answer);
	return rc;
}

int cli_call(const struct cli *cli, const char *action, json_object *args, json_object **result)
{
	char *request = request_text(cli, action, args), *response = NULL;
	char why[512];
	int rc;

	*result = NULL;
	if (client_exchange(cli->socket_path, request, &response, why, sizeof(why))) {
		fprintf(stderr, "xdplink: %s\n", why);
		if (cli->json)
			print_json_refusal(cli, "AgentUnreachable", why);
		rc = CLI_EXIT_FAILED;
	} else {
		rc = read_response(cli, response, result);
	}
	free(request);
	free(response);
	return rc;
}

bool cli_failed(json_object *result, const char *id)
{
	for (size_t i = 0; i < jlen(result, "Unsuccessful"); i++)
		if (!strcmp(jstr(jitem(result, "Unsuccessful", i), "ResourceId"), id))
			return true;
	return false;
}

/* "ID: Code: message" for each item of a batch that failed; whether there was any. */
static bool report_unsuccessful(json_object *result)
{
	size_t count = jlen(result, "Unsuccessful");

	for (size_t i = 0; i < count; i++) {
		json_object *item = jitem(result, "Unsuccessful", i);

		fprintf(stderr, "%s: %s: %s\n", jstr(item, "ResourceId"), jstr(item, "Error.Code"),
			jstr(item, "Error.Message"));
	}
	return count > 0;
}

int cli_run(const struct cli *cli, const struct request *req, const char *action, print_fn print)
{
	json_object *result;
	int rc = cli_call(cli, action, req->args, &result);

	if (rc)
		return rc;
	if (cli->json)
		cli_print_json(cli, result);
	else
		print(req, result);
	if (report_unsuccessful(result))
		rc = CLI_EXIT_FAILED;
	json_object_put(result);
	return rc;
}
