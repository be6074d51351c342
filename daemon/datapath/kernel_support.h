/* SPDX-License-Identifier: MIT */
/* What the kernel must offer the data path, checked before loading it, so that an
 * older kernel is refused with the name of what it lacks, not a verifier dump. */
#ifndef XL_KERNEL_SUPPORT_H
#define XL_KERNEL_SUPPORT_H

#include <stddef.h>

/* 0 if every feature is there; else -1 with a sentence in why. */
int kernel_support_check(char *why, size_t size);

#endif
