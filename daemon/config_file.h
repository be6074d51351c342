/* SPDX-License-Identifier: MIT */
/* xdplinkd's settings file (--config, /etc/xdplink/xdplinkd.conf under systemd): one
 * setting a line, named as the long option, so that a setting means the same in the file
 * and on the command line, and the command line wins. */
#ifndef XL_CONFIG_FILE_H
#define XL_CONFIG_FILE_H

#include <getopt.h>

/* Reads `path`: "NAME VALUE" or "NAME = VALUE" lines, blank lines and "#" comments; NAME
 * is one of `options` that takes a value, other than `self` (the option naming the file).
 * Makes *merged_argv: argv[0], "--NAME", "VALUE" for each line, then argv[1..] (so the
 * command line comes last and wins). Returns 0, or -1 having said on stderr which line is
 * wrong. The strings live as long as the program. */
int config_file_merge(const char *path, const struct option *options, const char *self, int argc,
		      char **argv, int *merged_argc, char ***merged_argv);

#endif
