/* SPDX-License-Identifier: MIT */
/* The daemon's one event loop: file descriptors with callbacks, periodic timers
 * and signals, all on one thread, so that no state needs a lock. */
#ifndef XL_LOOP_H
#define XL_LOOP_H

#include <stdint.h>

struct loop;

typedef void (*loop_fd_fn)(struct loop *loop, uint32_t events, void *ctx);
typedef void (*loop_timer_fn)(struct loop *loop, void *ctx);

struct loop *loop_new(void);
void loop_free(struct loop *loop);

/* Calls fn(events) whenever fd is ready for `events` (EPOLLIN, EPOLLOUT...). */
int loop_watch(struct loop *loop, int fd, uint32_t events, loop_fd_fn fn, void *ctx);
int loop_rewatch(struct loop *loop, int fd, uint32_t events);
/* Stops watching fd; safe from inside any callback of the same round. */
void loop_unwatch(struct loop *loop, int fd);

/* Calls fn every interval_ms from now on. */
int loop_every(struct loop *loop, uint64_t interval_ms, loop_timer_fn fn, void *ctx);

/* Runs until SIGTERM, SIGINT or loop_stop(); returns 0, or -1 on a loop failure. */
int loop_run(struct loop *loop);
void loop_stop(struct loop *loop);

#endif
