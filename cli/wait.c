/* SPDX-License-Identifier: MIT */
/* --wait STATE: what AWS's waiters do (aws ec2 wait, aws elbv2 wait target-in-service), for
 * the verbs that change a resource's state: ask the agent again and again until every
 * resource named is in the state, one of them is in a state it can never come from, or the
 * timeout passes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define FIRST_POLL_MS 100
#define LAST_POLL_MS  1000 /* the agent is local: a poll a second at most is cheap */

enum wait_outcome {
	WAIT_PENDING,
	WAIT_REACHED,
	WAIT_HOPELESS,
};

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
	struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	if (ms > 0)
		while (nanosleep(&t, &t) != 0 && errno == EINTR)
			;
}

static const struct wait_goal *find_goal(const struct waiter *w, const char *name)
{
	for (const struct wait_goal *g = w->goals; g->name; g++)
		if (!strcmp(g->name, name))
			return g;
	return NULL;
}

/* Whether `item` is the resource `subject` names: its id, or for a target IP or IP:PORT. */
static bool is_subject(const struct waiter *w, json_object *item, const char *subject)
{
	char id_port[128];

	if (!strcmp(jstr(item, w->id_path), subject))
		return true;
	if (!w->port_path)
		return false;
	snprintf(id_port, sizeof(id_port), "%s:%s", jstr(item, w->id_path),
		 jstr(item, w->port_path));
	return !strcmp(id_port, subject);
}

static bool state_in(const char *state, const char *list)
{
	size_t length = strlen(state);

	for (const char *p = list; (p = strstr(p, state)) != NULL; p += length)
		if ((p == list || p[-1] == '|') && (p[length] == '|' || !p[length]))
			return true;
	return false;
}

/* Where one resource stands; *state says in which state ("" when it is gone). */
static enum wait_outcome judge(const struct wait_goal *goal, const char *state)
{
	if (!*state)
		return goal->gone_reaches ? WAIT_REACHED : WAIT_HOPELESS;
	if (goal->state && !strcmp(state, goal->state))
		return WAIT_REACHED;
	return goal->never && state_in(state, goal->never) ? WAIT_HOPELESS : WAIT_PENDING;
}

/* Where the resources stand together: the least advanced outcome (a hopeless one, else a
 * pending one), with the first resource that has it and its state. */
struct verdict {
	enum wait_outcome outcome;
	char who[128];
	char state[64];
};

static void weigh(struct verdict *v, enum wait_outcome outcome, const char *who, const char *state)
{
	if (outcome == WAIT_REACHED || v->outcome == WAIT_HOPELESS ||
	    (outcome == WAIT_PENDING && v->outcome == WAIT_PENDING))
		return;
	v->outcome = outcome;
	snprintf(v->who, sizeof(v->who), "%s", who);
	snprintf(v->state, sizeof(v->state), "%s", *state ? state : "gone");
}

/* The resources of `subjects` in `list` (NULL: the agent says they are all gone). With no
 * subject, every item of the list; none yet is waiting, as AWS's waiters do. */
static void judge_all(const struct waiter *w, const struct wait_goal *goal, json_object *list,
		      json_object *subjects, struct verdict *v)
{
	size_t items = list ? json_object_array_length(list) : 0;
	size_t count = json_object_array_length(subjects);

	*v = (struct verdict){ .outcome = count || items ? WAIT_REACHED : WAIT_PENDING };
	for (size_t n = 0; !count && n < items; n++) {
		json_object *item = json_object_array_get_idx(list, n);
		const char *state = jstr(item, w->state_path);
		char who[128];

		snprintf(who, sizeof(who), "%s%s%s", jstr(item, w->id_path),
			 w->port_path ? ":" : "", w->port_path ? jstr(item, w->port_path) : "");
		weigh(v, judge(goal, state), who, state);
	}
	for (size_t i = 0; i < count; i++) {
		const char *subject =
		    json_object_get_string(json_object_array_get_idx(subjects, i));
		bool found = false;

		for (size_t n = 0; n < items; n++) {
			json_object *item = json_object_array_get_idx(list, n);

			if (!is_subject(w, item, subject))
				continue;
			found = true;
			weigh(v, judge(goal, jstr(item, w->state_path)), subject,
			      jstr(item, w->state_path));
		}
		if (!found)
			weigh(v, judge(goal, ""), subject, "");
	}
}

/* One look: the agent's list, judged into *v. CLI_EXIT_OK, or CLI_EXIT_FAILED having said
 * why (the agent refused to describe them). */
static int look(const struct cli *cli, const struct waiter *w, const struct wait_goal *goal,
		json_object *describe_args, json_object *subjects, struct verdict *v)
{
	struct cli_refusal refusal;
	json_object *result;

	if (cli_ask(cli, w->action, describe_args, &result, &refusal) != CLI_EXIT_OK) {
		if (!w->gone_code || strcmp(refusal.code, w->gone_code)) {
			cli_print_error(cli, refusal.code, refusal.message);
			return CLI_EXIT_FAILED;
		}
		result = NULL; /* the holder of the resources is gone, and they with it */
	}
	judge_all(w, goal, result ? jget(result, w->list_key) : NULL, subjects, v);
	json_object_put(result);
	return CLI_EXIT_OK;
}

/* "endpoint vpce-... is available" for each, or "every target is healthy". */
static void print_reached(const struct cli *cli, const struct waiter *w,
			  const struct wait_goal *goal, json_object *subjects)
{
	size_t count = json_object_array_length(subjects);

	if (cli->json)
		return;
	if (!count)
		printf("every %s is %s\n", w->what, goal->name);
	for (size_t i = 0; i < count; i++)
		printf("%s %s is %s\n", w->what,
		       json_object_get_string(json_object_array_get_idx(subjects, i)), goal->name);
}

static int wait_for_goal(const struct cli *cli, const struct request *req, const struct waiter *w,
			 json_object *describe_args, json_object *subjects)
{
	const struct wait_goal *goal = find_goal(w, jstr(req->local, "Wait"));
	int64_t timeout_s = jget(req->local, "WaitTimeout") ? jint(req->local, "WaitTimeout")
							    : WAIT_DEFAULT_TIMEOUT_S;
	int64_t deadline = now_ms() + timeout_s * 1000, pause = FIRST_POLL_MS;
	struct verdict v;
	char message[512];

	if (!goal)
		abort(); /* the verb offers a state its waiter does not know */
	for (;;) {
		int64_t left;

		if (look(cli, w, goal, describe_args, subjects, &v))
			return CLI_EXIT_FAILED;
		left = deadline - now_ms();
		if (v.outcome != WAIT_PENDING || left <= 0)
			break;
		sleep_ms(pause < left ? pause : left);
		pause = pause * 2 < LAST_POLL_MS ? pause * 2 : LAST_POLL_MS;
	}
	if (v.outcome == WAIT_REACHED) {
		print_reached(cli, w, goal, subjects);
		return CLI_EXIT_OK;
	}
	if (v.outcome == WAIT_HOPELESS) {
		snprintf(message, sizeof(message), "%s %s is %s: it can never be %s", w->what,
			 v.who, v.state, goal->name);
		cli_print_error(cli, "WaiterFailed", message);
		return CLI_EXIT_WAIT_FAILED;
	}
	if (*v.who)
		snprintf(message, sizeof(message), "%s %s is still %s after %lld s, not %s",
			 w->what, v.who, v.state, (long long)timeout_s, goal->name);
	else
		snprintf(message, sizeof(message), "no %s to be %s after %lld s", w->what,
			 goal->name, (long long)timeout_s);
	cli_print_error(cli, "WaiterTimeout", message);
	return CLI_EXIT_WAIT_TIMEOUT;
}

int cli_wait(const struct cli *cli, const struct request *req, const struct wait_for *wait,
	     json_object *result)
{
	json_object *describe_args, *subjects;
	int rc;

	if (!jget(req->local, "Wait"))
		return CLI_EXIT_OK;
	fflush(stdout); /* what the change printed (its id) is the script's before the wait */
	describe_args = json_object_new_object();
	subjects = json_object_new_array();
	wait->subjects(req, result, describe_args, subjects);
	rc = wait_for_goal(cli, req, wait->waiter, describe_args, subjects);
	json_object_put(describe_args);
	json_object_put(subjects);
	return rc;
}
