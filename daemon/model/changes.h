/* SPDX-License-Identifier: MIT */
/* What a transaction changed, noted by triggers as it writes (changes.c); the model's
 * slots and the data-path scope of a change are read from the notes. */
#ifndef XL_MODEL_CHANGES_H
#define XL_MODEL_CHANGES_H

#include "error.h"

struct model;

/* At opening: the table of notes, and the triggers that fill it. */
int changes_open(struct model *m, struct api_error *err);

#endif
