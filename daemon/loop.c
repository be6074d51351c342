/* SPDX-License-Identifier: MIT */
/* The event loop behind loop.h: epoll, timerfd and signalfd. */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "log.h"

struct watcher {
	int fd;
	bool gone; /* unwatched during this round: freed after it */
	bool owns_fd;
	loop_fd_fn on_ready;
	loop_timer_fn on_timer;
	void *ctx;
	struct watcher *next; /* all watchers, for lookup by fd and for freeing */
};

struct loop {
	int epoll_fd;
	bool stopping;
	struct watcher *watchers;
};

static struct watcher *find(struct loop *loop, int fd)
{
	for (struct watcher *w = loop->watchers; w; w = w->next)
		if (w->fd == fd && !w->gone)
			return w;
	return NULL;
}

static struct watcher *add(struct loop *loop, int fd, uint32_t events)
{
	struct watcher *w = calloc(1, sizeof(*w));
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (!w)
		return NULL;
	w->fd = fd;
	if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
		free(w);
		return NULL;
	}
	w->next = loop->watchers;
	loop->watchers = w;
	return w;
}

static void sweep(struct loop *loop)
{
	struct watcher **link = &loop->watchers;

	while (*link) {
		struct watcher *w = *link;

		if (w->gone) {
			*link = w->next;
			if (w->owns_fd)
				close(w->fd);
			free(w);
		} else {
			link = &w->next;
		}
	}
}

struct loop *loop_new(void)
{
	struct loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epoll_fd < 0) {
		free(loop);
		return NULL;
	}
	return loop;
}

void loop_free(struct loop *loop)
{
	if (!loop)
		return;
	for (struct watcher *w = loop->watchers; w; w = w->next)
		w->gone = true;
	sweep(loop);
	close(loop->epoll_fd);
	free(loop);
}

int loop_watch(struct loop *loop, int fd, uint32_t events, loop_fd_fn fn, void *ctx)
{
	struct watcher *w = add(loop, fd, events);

	if (!w)
		return -1;
	w->on_ready = fn;
	w->ctx = ctx;
	return 0;
}

int loop_rewatch(struct loop *loop, int fd, uint32_t events)
{
	struct watcher *w = find(loop, fd);
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return w ? epoll_ctl(loop->epoll_fd, EPOLL_CTL_MOD, fd, &ev) : -1;
}

void loop_unwatch(struct loop *loop, int fd)
{
	struct watcher *w = find(loop, fd);

	if (w) {
		epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
		w->gone = true;
	}
}

int loop_every(struct loop *loop, uint64_t interval_ms, loop_timer_fn fn, void *ctx)
{
	struct itimerspec spec = {
		.it_interval = { .tv_sec = interval_ms / 1000,
				 .tv_nsec = (long)(interval_ms % 1000) * 1000000 },
	};
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct watcher *w;

	spec.it_value = spec.it_interval;
	if (fd < 0 || timerfd_settime(fd, 0, &spec, NULL) || !(w = add(loop, fd, EPOLLIN))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	w->owns_fd = true;
	w->on_timer = fn;
	w->ctx = ctx;
	return 0;
}

static void dispatch(struct loop *loop, struct watcher *w, uint32_t events)
{
	uint64_t expirations;

	if (w->gone)
		return;
	if (w->on_timer) {
		if (read(w->fd, &expirations, sizeof(expirations)) == sizeof(expirations))
			w->on_timer(loop, w->ctx);
		return;
	}
	w->on_ready(loop, events, w->ctx);
}

static int watch_signals(struct loop *loop)
{
	sigset_t signals;
	struct watcher *w;
	int fd;

	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	if (sigprocmask(SIG_BLOCK, &signals, NULL))
		return -1;
	fd = signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0 || !(w = add(loop, fd, EPOLLIN)))
		return -1;
	w->owns_fd = true;
	return fd;
}

int loop_run(struct loop *loop)
{
	struct epoll_event events[64];
	int signal_fd = watch_signals(loop);

	if (signal_fd < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN); /* a client that hangs up must not kill the agent */
	while (!loop->stopping) {
		int n = epoll_wait(loop->epoll_fd, events, 64, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			struct watcher *w = events[i].data.ptr;

			if (w->fd == signal_fd) {
				log_info("signal received, stopping");
				loop->stopping = true;
				break;
			}
			dispatch(loop, w, events[i].events);
		}
		sweep(loop);
	}
	return 0;
}

void loop_stop(struct loop *loop)
{
	loop->stopping = true;
}
