/* SPDX-License-Identifier: MIT */
/* Connection notifications' outbox, made when the model opens (notifications.c). */
#ifndef XL_MODEL_NOTIFICATIONS_H
#define XL_MODEL_NOTIFICATIONS_H

#include "error.h"

struct model;

/* The TEMP outbox and the triggers that fill it from endpoints' states. */
int notifications_open(struct model *m, struct api_error *err);

#endif
