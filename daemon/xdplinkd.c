/* SPDX-License-Identifier: MIT */
/* xdplinkd, the xdplink agent: its options (options.c), then its life (daemon.c). */
#include "daemon.h"

int main(int argc, char **argv)
{
	struct daemon_options opts;

	if (options_read(argc, argv, &opts))
		return 2;
	return daemon_run(&opts);
}
