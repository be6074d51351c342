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

/* {"Error": {"Code", "Message"}} on stdout, for the script under -j. */
static void print_json_error(const struct cli *cli, const char *code, const char *message)
{
	json_object *answer, *error;

	if (!cli->json)
		return;
	answer = json_object_new_object();
	error = json_object_new_object();
	json_object_object_add(error, "Code", json_object_new_string(code));
	json_object_object_add(error, "Message", json_object_new_string(message));
	json_object_object_add(answer, "Error", error);
	cli_print_json(cli, answer);
	json_object_put(answer);
}

void cli_print_error(const struct cli *cli, const char *code, const char *message)
{
	fprintf(stderr, "%s: %s\n", code, message);
	print_json_error(cli, code, message);
}

static int read_response(const char *text, json_object **result, struct cli_refusal *refusal)
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
		snprintf(refusal->code, sizeof(refusal->code), "%s", code);
		snprintf(refusal->message, sizeof(refusal->message), "%s", message);
		refusal->from_agent = true;
		break;
	default:
		snprintf(refusal->code, sizeof(refusal->code), "InternalError");
		snprintf(refusal->message, sizeof(refusal->message),
			 "the agent sent something that is not an answer: %.200s", text);
	}
	json_object_put(answer);
	return rc;
}

int cli_ask(const struct cli *cli, const char *action, json_object *args, json_object **result,
	    struct cli_refusal *refusal)
{
	char *request = request_text(cli, action, args), *response = NULL;
	int rc;

	*result = NULL;
	*refusal = (struct cli_refusal){ .from_agent = false };
	if (client_exchange(cli->socket_path, request, &response, refusal->message,
			    sizeof(refusal->message))) {
		snprintf(refusal->code, sizeof(refusal->code), "AgentUnreachable");
		rc = CLI_EXIT_FAILED;
	} else {
		rc = read_response(response, result, refusal);
	}
	free(request);
	free(response);
	return rc;
}

int cli_call(const struct cli *cli, const char *action, json_object *args, json_object **result)
{
	struct cli_refusal refusal;
	int rc = cli_ask(cli, action, args, result, &refusal);

	if (rc == CLI_EXIT_OK)
		return rc;
	/* The agent's refusals are its own words; the CLI's own trouble says it is the CLI's. */
	if (!refusal.from_agent) {
		fprintf(stderr, "xdplink: %s\n", refusal.message);
		print_json_error(cli, refusal.code, refusal.message);
	} else {
		cli_print_error(cli, refusal.code, refusal.message);
	}
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

int cli_run_and_wait(const struct cli *cli, const struct request *req, const char *action,
		     print_fn print, const struct wait_for *wait)
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
	else if (wait)
		rc = cli_wait(cli, req, wait, result);
	json_object_put(result);
	return rc;
}

int cli_run(const struct cli *cli, const struct request *req, const char *action, print_fn print)
{
	return cli_run_and_wait(cli, req, action, print, NULL);
}
