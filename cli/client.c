/* SPDX-License-Identifier: MIT */
/* The socket side of the CLI: connect to the agent, send one request line, read one
 * response line, all within one deadline, and say plainly what went wrong. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"

#define TIMEOUT_MS	  30000
#define MAX_RESPONSE	  (64u << 20)
#define FIRST_BUFFER_SIZE 4096

/* Waits until fd is ready for `events`; false when the deadline passed. */
static bool wait_ready(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int left;

	do {
		left = (int)(deadline - (int64_t)monotonic_ms());
		if (left <= 0)
			return false;
	} while (poll(&p, 1, left) < 0 && errno == EINTR);
	return p.revents != 0;
}

static int connect_agent(const char *path, char *why, size_t why_size)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		snprintf(why, why_size, "the socket path %s is too long", path);
		return -1;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		return fd;
	if (errno == EACCES || errno == EPERM)
		snprintf(why, why_size,
			 "cannot reach the agent at %s: %s — the socket is root only", path,
			 strerror(errno));
	else
		snprintf(why, why_size, "cannot reach the agent at %s: %s — is xdplinkd running?",
			 path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int send_all(int fd, const char *data, size_t len, int64_t deadline)
{
	while (len) {
		ssize_t n;

		if (!wait_ready(fd, POLLOUT, deadline)) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = send(fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads until a newline or the agent's close: the text without its newline, or NULL
 * and what went wrong. */
static char *receive_line(int fd, int64_t deadline, const char **problem)
{
	size_t size = FIRST_BUFFER_SIZE, len = 0;
	char *buf = malloc(size);

	while (buf) {
		ssize_t n;

		if (!wait_ready(fd, POLLIN, deadline)) {
			*problem = "did not answer in time";
			break;
		}
		n = recv(fd, buf + len, size - len - 1, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			*problem = strerror(errno);
			break;
		}
		len += (size_t)n;
		buf[len] = '\0';
		if (n == 0 || strchr(buf + len - (size_t)n, '\n')) {
			buf[strcspn(buf, "\n")] = '\0';
			if (buf[0])
				return buf;
			*problem = "closed the connection without answering";
			break;
		}
		if (len + 1 == size) {
			char *bigger = size < MAX_RESPONSE ? realloc(buf, size * 2) : NULL;

			if (!bigger) {
				*problem = "sent a response too large to read";
				break;
			}
			buf = bigger;
			size *= 2;
		}
	}
	free(buf);
	return NULL;
}

int client_exchange(const char *path, const char *request, char **response, char *why,
		    size_t why_size)
{
	int64_t deadline = (int64_t)monotonic_ms() + TIMEOUT_MS;
	const char *problem = "ran out of memory";
	int fd = connect_agent(path, why, why_size), send_errno = 0;

	if (fd < 0)
		return -1;
	if (send_all(fd, request, strlen(request), deadline) || send_all(fd, "\n", 1, deadline))
		send_errno = errno;
	/* An agent that refuses a request (too large) answers before it stops reading. */
	*response = receive_line(fd, deadline, &problem);
	close(fd);
	if (*response)
		return 0;
	if (send_errno)
		snprintf(why, why_size, "cannot send to the agent at %s: %s", path,
			 strerror(send_errno));
	else
		snprintf(why, why_size, "the agent at %s %s", path, problem);
	return -1;
}
