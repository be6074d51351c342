/* SPDX-License-Identifier: MIT */
/* Private DNS verification (verify.h). What is checked comes from the model each round;
 * what is remembered here is only when each name is due again and who asked. */
#include "verify.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "upstream.h"

#define ROUND_MS 1000 /* how often the model is asked which names wait */

struct watched {
	struct model_private_dns_check check;
	uint64_t due_ms;
	bool asked;	/* by the provider: a look-up that finds nothing fails it */
	bool in_flight; /* a look-up is waiting for the upstream */
	bool seen;	/* still waiting in the model's last answer */
};

struct verifier {
	struct model *model;
	struct upstream *up;
	uint64_t interval_ms;
	dns_record_fn *record;
	void *ctx;
	struct watched *names;
	size_t count, capacity;
	uint64_t next_round_ms;
	bool stopping;
};

struct lookup {
	struct verifier *v;
	char service_id[ID_MAX];
};

struct verifier *verifier_new(struct model *m, struct upstream *up, uint32_t interval_s,
			      dns_record_fn *record, void *ctx)
{
	struct verifier *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	*v = (struct verifier){ .model = m,
				.up = up,
				.interval_ms = interval_s * 1000ULL,
				.record = record,
				.ctx = ctx };
	return v;
}

void verifier_free(struct verifier *v)
{
	if (!v)
		return;
	free(v->names);
	free(v);
}

static struct watched *find(struct verifier *v, const char *service_id)
{
	for (size_t i = 0; i < v->count; i++)
		if (strcmp(v->names[i].check.service_id, service_id) == 0)
			return &v->names[i];
	return NULL;
}

void verifier_request(struct verifier *v, const char *service_id)
{
	struct watched *w = find(v, service_id);

	if (!w && v->count == v->capacity) { /* not seen yet: the next round fills it in */
		struct watched *bigger = realloc(v->names, (v->capacity + 8) * sizeof(*bigger));

		if (!bigger)
			return;
		v->names = bigger;
		v->capacity += 8;
	}
	if (!w) {
		w = &v->names[v->count++];
		*w = (struct watched){ 0 };
		snprintf(w->check.service_id, ID_MAX, "%s", service_id);
	}
	w->asked = true;
	w->due_ms = 0;
	v->next_round_ms = 0;
}

void verifier_stopping(struct verifier *v)
{
	if (v)
		v->stopping = true;
}

/* A TXT record at the name, one of whose strings (or all of them joined) is the value. */
static bool proves(const ldns_pkt *answer, const struct model_private_dns_check *check)
{
	ldns_rdf *name = ldns_dname_new_frm_str(check->txt_name);
	ldns_rr_list *records = answer ? ldns_pkt_answer(answer) : NULL;
	bool found = false;

	for (size_t i = 0; name && records && !found && i < ldns_rr_list_rr_count(records); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(records, i);
		char joined[512] = "";
		size_t used = 0;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT ||
		    ldns_dname_compare(ldns_rr_owner(rr), name) != 0)
			continue;
		for (size_t s = 0; s < ldns_rr_rd_count(rr); s++) {
			const ldns_rdf *text = ldns_rr_rdf(rr, s);
			size_t length = ldns_rdf_size(text) - 1; /* a length byte, then the text */

			if (ldns_rdf_get_type(text) != LDNS_RDF_TYPE_STR || ldns_rdf_size(text) < 1)
				continue;
			found |= length == strlen(check->value) &&
				 memcmp(ldns_rdf_data(text) + 1, check->value, length) == 0;
			if (used + length < sizeof(joined)) {
				memcpy(joined + used, ldns_rdf_data(text) + 1, length);
				used += length;
				joined[used] = '\0';
			}
		}
		found |= strcmp(joined, check->value) == 0;
	}
	ldns_rdf_deep_free(name);
	return found;
}

/* A look-up ended: record what it says (unless the name changed meanwhile). */
static void conclude(struct verifier *v, struct watched *w, bool found)
{
	if (found || w->asked) {
		log_info("private DNS name %s of %s: TXT record %s %s", w->check.name,
			 w->check.service_id, w->check.txt_name, found ? "found" : "not found");
		if (v->record(v->ctx, &w->check, found) < 0)
			log_warn("cannot record the verification of %s", w->check.name);
	}
	w->asked = false;
	w->due_ms = monotonic_ms() + v->interval_ms;
	v->next_round_ms = 0; /* the model changed: see it again */
}

static void on_answer(void *ctx, const ldns_pkt *answer)
{
	struct lookup *l = ctx;
	struct verifier *v = l->v;
	struct watched *w = v->stopping ? NULL : find(v, l->service_id);

	free(l);
	if (!w)
		return;
	w->in_flight = false;
	conclude(v, w, proves(answer, &w->check));
}

static void look_up(struct verifier *v, struct watched *w)
{
	struct lookup *l = calloc(1, sizeof(*l));
	ldns_rdf *name = ldns_dname_new_frm_str(w->check.txt_name);

	if (l && name && v->up) {
		l->v = v;
		snprintf(l->service_id, sizeof(l->service_id), "%s", w->check.service_id);
		if (upstream_ask(v->up, name, LDNS_RR_TYPE_TXT, on_answer, l) == 0) {
			w->in_flight = true;
			ldns_rdf_deep_free(name);
			return;
		}
	}
	free(l);
	ldns_rdf_deep_free(name);
	conclude(v, w, false); /* no upstream to ask, or it cannot be asked now */
}

/* The names the model says wait, with what was remembered of each. */
static int refresh(struct verifier *v)
{
	struct model_private_dns_check *checks = NULL;
	struct api_error err;
	size_t count = 0;
	struct watched *names;

	if (model_private_dns_checks(v->model, &checks, &count, &err)) {
		log_warn("cannot list the private DNS names to verify: %s", err.message);
		return -1;
	}
	names = calloc(count + 1, sizeof(*names));
	if (!names) {
		free(checks);
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		struct watched *old = find(v, checks[i].service_id);

		names[i] = (struct watched){ .check = checks[i] };
		/* the same name and value: its schedule stands; a new one is due now */
		if (old && strcmp(old->check.name, checks[i].name) == 0 &&
		    strcmp(old->check.value, checks[i].value) == 0) {
			names[i].due_ms = old->due_ms;
			names[i].in_flight = old->in_flight;
		}
		names[i].asked = old && old->asked;
	}
	free(checks);
	free(v->names);
	v->names = names;
	v->count = count;
	v->capacity = count + 1;
	return 0;
}

void verifier_tick(struct verifier *v, uint64_t now_ms)
{
	if (now_ms < v->next_round_ms || refresh(v) < 0)
		return;
	v->next_round_ms = now_ms + ROUND_MS;
	for (size_t i = 0; i < v->count; i++) {
		struct watched *w = &v->names[i];

		if (!w->in_flight && w->due_ms <= now_ms)
			look_up(v, w);
	}
}
