/* SPDX-License-Identifier: MIT */
/* Configuration files: JSON or YAML in, YAML out (JSON out is json-c's own). */
#ifndef XL_CLI_CONFIG_FORMAT_H
#define XL_CLI_CONFIG_FORMAT_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>

/* The document of `path` ("-": standard input): YAML by the extension .yaml or .yml, JSON by
 * .json, otherwise JSON when it starts with '{'. NULL with a sentence in `why` (a syntax
 * error with PATH:LINE:COLUMN). */
json_object *config_file_read(const char *path, char *why, size_t why_size);

/* The value as a YAML document; 0, or -1 when the emitter failed. */
int config_file_write_yaml(FILE *out, json_object *value);

#endif
