/* The listeners and our addresses in the data path: the frontends map (listeners,
 * ENI and node-address markers) and the address filter in front of it. */
#ifndef XL_FRONTENDS_H
#define XL_FRONTENDS_H

#include "datapath.h"

/* Makes the frontends map and the address filter what `want` says. The filter
 * gains new addresses before their entries appear and loses old ones after their
 * entries are gone, so that no packet to a listener is ever left to the host. */
int frontends_apply(struct datapath *dp, const struct dataplane *want);

#endif
