/* SPDX-License-Identifier: MIT */
/* xdplink's version: the agent's, the CLI's and the Debian package's (make deb reads it). */
#ifndef XL_VERSION_H
#define XL_VERSION_H

#define XDPLINK_VERSION "0.1.0"

#endif
