/* SPDX-License-Identifier: MIT */
/* Batch actions (batch.h). */
#include "batch.h"

#include "model_internal.h"
#include "result.h"

int run_batch(struct model *m, const struct principal *caller, int64_t context, json_object *ids,
	      batch_item_fn *item, json_object **result, struct api_error *err)
{
	json_object *unsuccessful;

	if (json_object_array_length(ids) == 0)
		return api_fail(err, API_ValidationError, "at least one id is required");
	*result = json_object_new_object();
	unsuccessful = put_array(*result, "Unsuccessful");
	for (size_t i = 0; i < json_object_array_length(ids); i++) {
		const char *id = json_object_get_string(json_object_array_get_idx(ids, i));
		struct api_error item_err = { 0 };
		json_object *failure;

		if (store_savepoint(m->store, err) < 0)
			return -1;
		if (item(m, caller, context, id, &item_err) == 0) {
			if (store_release(m->store, err) < 0)
				return -1;
			continue;
		}
		store_undo(m->store);
		if (item_err.code == API_InternalError) {
			*err = item_err;
			return -1;
		}
		failure = append_object(unsuccessful);
		put_string(failure, "ResourceId", id);
		failure = put_object(failure, "Error");
		put_string(failure, "Code", api_code_name(item_err.code));
		put_string(failure, "Message", item_err.message);
	}
	return 0;
}
