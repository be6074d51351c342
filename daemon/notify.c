/* SPDX-License-Identifier: MIT */
/* Connection notifications' delivery (notify.h). The loop builds each message (json-c) and
 * queues it; one thread takes the queue in order and delivers with libcurl (a webhook) or
 * posix_spawn (a command), each under the deadline. A full queue drops, never waits.
 *
 * Why libcurl: HTTP and HTTPS clients are easy to get wrong (redirects, TLS verification,
 * deadlines, proxies); libcurl is Debian's most used one, with each of those as an option,
 * and one easy handle per delivery on a thread of its own is its documented use. */
#include "notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

#define QUEUE_SIZE	256
#define NAME_MAX_LENGTH 64

extern char **environ;

struct delivery {
	char *target; /* a URL, or the program of an exec: target */
	bool command;
	char *body;
	char *event;
	char id[40];
};

struct notifier {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct delivery queue[QUEUE_SIZE];
	size_t head, length;
	bool stopping;
	uint32_t timeout_ms;
	atomic_uint_least64_t delivered, failed, dropped;
};

static const struct notify_options *allowed;

/* ---- What the operator allows ------------------------------------------------------------------ */

static bool is_web(const char *text)
{
	return !strncmp(text, "http://", 7) || !strncmp(text, "https://", 8);
}

/* "scheme://host[:port]/...": a prefix that ends its host, so that no other host matches. */
static bool prefix_ends_host(const char *prefix)
{
	const char *host = strstr(prefix, "://") + 3;

	return *host && *host != '/' && strchr(host, '/') && !strchr(host, '@');
}

/* The command's name in "exec:NAME=/program", and its length; 0 when malformed. */
static size_t command_name_length(const char *entry)
{
	size_t length = strspn(entry + 5, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789_-");

	return length && length < NAME_MAX_LENGTH && entry[5 + length] == '=' &&
		       entry[6 + length] == '/'
		   ? length
		   : 0;
}

int notify_parse_allow(const char *entry, char *why, size_t why_size)
{
	if (is_web(entry) && prefix_ends_host(entry))
		return 0;
	if (!strncmp(entry, "exec:", 5) && command_name_length(entry))
		return 0;
	snprintf(why, why_size,
		 "--notify-allow takes a webhook prefix with its host and a path "
		 "(http://127.0.0.1:8080/hooks/) or exec:NAME=/absolute/program, not \"%s\"",
		 entry);
	return -1;
}

void notify_configure(const struct notify_options *opts)
{
	allowed = opts;
}

/* A path that a client would normalize ("/../", "%2e") could leave the allowed prefix. */
static bool url_stays_put(const char *url)
{
	for (const char *at = url; *at; at++) {
		if ((unsigned char)*at <= ' ' || *at == '\\' || *at == 0x7f)
			return false;
		if (*at == '%' && at[1] == '2' && (at[2] == 'e' || at[2] == 'E'))
			return false;
		if (*at == '/' && at[1] == '.' && (!at[2] || at[2] == '/' || at[2] == '.'))
			return false;
	}
	return true;
}

/* The program of exec:NAME, or NULL. */
static const char *command_of(const char *target)
{
	for (size_t i = 0; allowed && i < allowed->allow_count; i++) {
		const char *entry = allowed->allow[i];
		size_t length = strncmp(entry, "exec:", 5) ? 0 : command_name_length(entry);

		if (length && !strncmp(entry, target, 5 + length) && !target[5 + length])
			return entry + 6 + length;
	}
	return NULL;
}

bool notify_target_allowed(const char *target)
{
	if (!strncmp(target, "exec:", 5))
		return command_of(target) != NULL;
	if (!is_web(target) || !url_stays_put(target))
		return false;
	for (size_t i = 0; allowed && i < allowed->allow_count; i++) {
		const char *entry = allowed->allow[i];

		if (is_web(entry) && !strncmp(target, entry, strlen(entry)))
			return true;
	}
	return false;
}

/* ---- The messages ------------------------------------------------------------------------------- */

static void message_id(char out[37])
{
	unsigned char bytes[16] = { 0 };

	if (getrandom(bytes, sizeof(bytes), 0) != sizeof(bytes))
		memset(bytes, 0, sizeof(bytes));
	bytes[6] = (bytes[6] & 0x0f) | 0x40; /* a version 4 UUID, as SNS's */
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
		 bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14],
		 bytes[15]);
}

static void put(json_object *object, const char *key, const char *value)
{
	json_object_object_add(object, key, json_object_new_string(value));
}

/* An SNS notification's envelope around the event, as an HTTP subscriber of the topic would
 * get it (without SNS's signature: there is no SNS key here). */
static char *message_of(const struct model_notification *e)
{
	json_object *event = json_object_new_object(), *envelope = json_object_new_object();
	char id[37];
	char *text;

	put(event, "ConnectionNotificationId", e->id);
	put(event, "ConnectionEvent", e->event);
	put(event, "ServiceId", e->service_id);
	put(event, "VpcEndpointId", e->endpoint_id);
	put(event, "VpcEndpointOwner", e->endpoint_owner);
	put(event, "VpcEndpointState", e->endpoint_state);
	put(event, "EventTime", e->time);
	message_id(id);
	put(envelope, "Type", "Notification");
	put(envelope, "MessageId", id);
	put(envelope, "TopicArn", e->target);
	put(envelope, "Subject", "VPC Endpoint Connection Notification");
	put(envelope, "Message", json_object_to_json_string_ext(event, JSON_C_TO_STRING_PLAIN));
	put(envelope, "Timestamp", e->time);
	text = strdup(json_object_to_json_string_ext(envelope, JSON_C_TO_STRING_PLAIN));
	json_object_put(event);
	json_object_put(envelope);
	return text;
}

/* ---- Delivering ---------------------------------------------------------------------------------- */

static size_t discard(char *data, size_t size, size_t count, void *ctx)
{
	(void)data;
	(void)ctx;
	return size * count;
}

static int post(const struct delivery *d, uint32_t timeout_ms, char *why, size_t why_size)
{
	struct curl_slist *headers = NULL;
	CURL *curl = curl_easy_init();
	char message_type[64];
	long status = 0;
	CURLcode rc;

	if (!curl) {
		snprintf(why, why_size, "libcurl cannot make a handle");
		return -1;
	}
	snprintf(message_type, sizeof(message_type), "x-amz-sns-message-type: Notification");
	headers = curl_slist_append(headers, "Content-Type: text/plain; charset=UTF-8");
	headers = curl_slist_append(headers, message_type);
	curl_easy_setopt(curl, CURLOPT_URL, d->target);
	/* Only the scheme the operator allowed, no redirect (it could leave the prefix), no
	 * signal (a thread), and the deadline for the whole exchange. */
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, d->body);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	if (rc != CURLE_OK) {
		snprintf(why, why_size, "%s", curl_easy_strerror(rc));
		return -1;
	}
	if (status < 200 || status > 299) {
		snprintf(why, why_size, "HTTP status %ld", status);
		return -1;
	}
	return 0;
}

/* The program, with the event as its argument and the message on its standard input; killed
 * at the deadline. */
static int run_command(const struct delivery *d, uint32_t timeout_ms, char *why, size_t why_size)
{
	char *argv[] = { d->target, d->event, NULL };
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	int in[2], pidfd, status = 0, rc;
	size_t length = strlen(d->body);
	struct pollfd wait_for;
	sigset_t none;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC)) {
		snprintf(why, why_size, "no pipe: %s", strerror(errno));
		return -1;
	}
	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none); /* the agent blocks SIGTERM; the child not */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
	rc = posix_spawn(&pid, d->target, &actions, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attr);
	close(in[0]);
	if (rc) {
		close(in[1]);
		snprintf(why, why_size, "cannot run %s: %s", d->target, strerror(rc));
		return -1;
	}
	/* A message is a few hundred bytes: it fits the pipe, so this write does not wait. */
	if (write(in[1], d->body, length) != (ssize_t)length)
		log_warn("notification %s: %s did not take the whole message", d->id, d->target);
	close(in[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	wait_for = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	if (pidfd < 0 || poll(&wait_for, 1, (int)timeout_ms) != 1) {
		kill(pid, SIGKILL);
		snprintf(why, why_size, "%s ran past %u ms and was killed", d->target, timeout_ms);
		status = -1;
	}
	if (pidfd >= 0)
		close(pidfd);
	if (waitpid(pid, &rc, 0) == pid && status == 0 && !(WIFEXITED(rc) && !WEXITSTATUS(rc))) {
		snprintf(why, why_size, "%s ended with status %d", d->target,
			 WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc));
		status = -1;
	}
	return status;
}

static void deliver(struct notifier *n, const struct delivery *d)
{
	char why[256] = "";
	int rc = d->command ? run_command(d, n->timeout_ms, why, sizeof(why))
			    : post(d, n->timeout_ms, why, sizeof(why));

	if (rc == 0) {
		atomic_fetch_add(&n->delivered, 1);
		log_info("notification %s (%s) delivered to %s", d->id, d->event, d->target);
		return;
	}
	log_warn("notification %s (%s) to %s failed: %s (%llu failed so far; not retried)", d->id,
		 d->event, d->target, why, (unsigned long long)atomic_fetch_add(&n->failed, 1) + 1);
}

static void delivery_free(struct delivery *d)
{
	free(d->target);
	free(d->body);
	free(d->event);
	*d = (struct delivery){ 0 };
}

static void *work(void *ctx)
{
	struct notifier *n = ctx;

	pthread_mutex_lock(&n->lock);
	for (;;) {
		struct delivery d;

		while (!n->length && !n->stopping)
			pthread_cond_wait(&n->wake, &n->lock);
		if (n->stopping)
			break;
		d = n->queue[n->head];
		n->head = (n->head + 1) % QUEUE_SIZE;
		n->length--;
		pthread_mutex_unlock(&n->lock);
		deliver(n, &d);
		delivery_free(&d);
		pthread_mutex_lock(&n->lock);
	}
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

/* ---- The queue ------------------------------------------------------------------------------------ */

struct notifier *notify_start(const struct notify_options *opts)
{
	struct notifier *n = calloc(1, sizeof(*n));
	sigset_t all, before;
	int rc;

	if (!n || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot start the notifications' delivery");
		free(n);
		return NULL;
	}
	n->timeout_ms = opts->timeout_ms;
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->wake, NULL);
	/* The thread blocks every signal: the agent's SIGTERM is its loop's (a signalfd). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &before);
	rc = pthread_create(&n->thread, NULL, work, n);
	pthread_sigmask(SIG_SETMASK, &before, NULL);
	if (rc) {
		log_error("cannot start the notifications' delivery thread");
		curl_global_cleanup();
		free(n);
		return NULL;
	}
	return n;
}

static void enqueue(struct notifier *n, const struct model_notification *e)
{
	const char *program = strncmp(e->target, "exec:", 5) ? NULL : command_of(e->target);
	const char *why = "its target is not allowed any more";
	struct delivery d = {
		.target = strdup(program ? program : e->target),
		.command = program != NULL,
		.body = message_of(e),
		.event = strdup(e->event),
	};

	snprintf(d.id, sizeof(d.id), "%s", e->id);
	pthread_mutex_lock(&n->lock);
	if (n->length >= QUEUE_SIZE)
		why = "too many wait";
	else if (d.target && d.body && d.event && notify_target_allowed(e->target)) {
		n->queue[(n->head + n->length) % QUEUE_SIZE] = d;
		n->length++;
		pthread_cond_signal(&n->wake);
		pthread_mutex_unlock(&n->lock);
		return;
	}
	pthread_mutex_unlock(&n->lock);
	/* Full, or a command the operator has since taken off the list. */
	log_warn("notification %s (%s) to %s dropped: %s", e->id, e->event, e->target, why);
	atomic_fetch_add(&n->dropped, 1);
	delivery_free(&d);
}

void notify_send(struct notifier *n, const struct model_notification *events, size_t count)
{
	for (size_t i = 0; n && i < count; i++)
		enqueue(n, &events[i]);
}

void notify_stop(struct notifier *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	n->stopping = true;
	pthread_cond_signal(&n->wake);
	pthread_mutex_unlock(&n->lock);
	pthread_join(n->thread, NULL);
	if (n->length)
		log_warn("%zu notifications not delivered: the agent stops", n->length);
	while (n->length) {
		delivery_free(&n->queue[n->head]);
		n->head = (n->head + 1) % QUEUE_SIZE;
		n->length--;
	}
	pthread_mutex_destroy(&n->lock);
	pthread_cond_destroy(&n->wake);
	curl_global_cleanup();
	free(n);
}

void notify_counts(struct notifier *n, struct notify_counts *out)
{
	*out = (struct notify_counts){ 0 };
	if (!n)
		return;
	out->delivered = atomic_load(&n->delivered);
	out->failed = atomic_load(&n->failed);
	out->dropped = atomic_load(&n->dropped);
}
