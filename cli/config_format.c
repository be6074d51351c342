/* SPDX-License-Identifier: MIT */
/* Configuration files in JSON (json-c) or YAML (libyaml), read into and written from one
 * JSON value, so that the agent sees one document whatever the file was. A syntax error
 * is reported with the file's line and column. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli.h"
#include "config_format.h"

#define FILE_MAX (4 * 1024 * 1024)

/* ---- Which format ------------------------------------------------------------------------- */

static bool ends_with(const char *text, const char *end)
{
	size_t length = strlen(text), end_length = strlen(end);

	return length >= end_length && !strcasecmp(text + length - end_length, end);
}

/* By the file's extension; otherwise JSON when its first character opens an object. */
static bool is_yaml(const char *path, const char *text)
{
	if (ends_with(path, ".yaml") || ends_with(path, ".yml"))
		return true;
	if (ends_with(path, ".json"))
		return false;
	while (isspace((unsigned char)*text))
		text++;
	return *text != '{';
}

/* ---- JSON --------------------------------------------------------------------------------- */

static void line_and_column(const char *text, size_t offset, int *line, int *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset && text[i]; i++) {
		if (text[i] == '\n') {
			++*line;
			*column = 1;
		} else {
			++*column;
		}
	}
}

static json_object *read_json(const char *path, const char *text, size_t length, char *why,
			      size_t why_size)
{
	json_tokener *tokener = json_tokener_new();
	json_object *value = json_tokener_parse_ex(tokener, text, (int)length);
	enum json_tokener_error error = json_tokener_get_error(tokener);
	size_t end = json_tokener_get_parse_end(tokener);
	int line, column;

	if (!value && error == json_tokener_continue)
		error = json_tokener_error_parse_eof;
	while (value && end < length && isspace((unsigned char)text[end]))
		end++;
	if (!value || end < length) {
		line_and_column(text, end, &line, &column);
		snprintf(why, why_size, "%s:%d:%d: not JSON: %s", path, line, column,
			 value ? "text after the document" : json_tokener_error_desc(error));
		json_object_put(value);
		value = NULL;
	}
	json_tokener_free(tokener);
	return value;
}

/* ---- YAML --------------------------------------------------------------------------------- */

/* A plain scalar is a number, true/false or null when it reads as one (YAML 1.2's core
 * schema); a quoted one is always a string. */
static json_object *scalar_value(const yaml_node_t *node)
{
	const char *text = (const char *)node->data.scalar.value;
	char *end;
	long long number;

	if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_object_new_string(text);
	if (!strcmp(text, "true") || !strcmp(text, "false"))
		return json_object_new_boolean(text[0] == 't');
	if (!strcmp(text, "null") || !strcmp(text, "~") || !*text)
		return NULL;
	errno = 0;
	number = strtoll(text, &end, 10);
	if (!*end && errno == 0 && (isdigit((unsigned char)text[0]) || text[0] == '-'))
		return json_object_new_int64(number);
	return json_object_new_string(text);
}

static json_object *node_value(yaml_document_t *doc, yaml_node_t *node, const char *path, char *why,
			       size_t why_size, bool *failed)
{
	json_object *out;

	switch (node->type) {
	case YAML_SCALAR_NODE:
		return scalar_value(node);
	case YAML_SEQUENCE_NODE:
		out = json_object_new_array();
		for (yaml_node_item_t *item = node->data.sequence.items.start;
		     item < node->data.sequence.items.top && !*failed; item++)
			json_object_array_add(out,
					      node_value(doc, yaml_document_get_node(doc, *item),
							 path, why, why_size, failed));
		return out;
	case YAML_MAPPING_NODE:
		out = json_object_new_object();
		for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
		     pair < node->data.mapping.pairs.top && !*failed; pair++) {
			yaml_node_t *key = yaml_document_get_node(doc, pair->key);

			if (key->type != YAML_SCALAR_NODE) {
				snprintf(why, why_size, "%s:%zu:%zu: a key must be a plain word",
					 path, key->start_mark.line + 1,
					 key->start_mark.column + 1);
				*failed = true;
			} else if (json_object_object_get_ex(
				       out, (const char *)key->data.scalar.value, NULL)) {
				snprintf(why, why_size, "%s:%zu:%zu: the key %s is there twice",
					 path, key->start_mark.line + 1, key->start_mark.column + 1,
					 key->data.scalar.value);
				*failed = true;
			} else {
				json_object_object_add(
				    out, (const char *)key->data.scalar.value,
				    node_value(doc, yaml_document_get_node(doc, pair->value), path,
					       why, why_size, failed));
			}
		}
		return out;
	case YAML_NO_NODE:
		break;
	}
	return NULL;
}

static json_object *read_yaml(const char *path, const char *text, size_t length, char *why,
			      size_t why_size)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	json_object *value = NULL;
	bool failed = false;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, length);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(why, why_size, "%s:%zu:%zu: not YAML: %s%s%s", path,
			 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "unreadable", parser.context ? " " : "",
			 parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return NULL;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root)
		snprintf(why, why_size, "%s: the file is empty", path);
	else
		value = node_value(&doc, root, path, why, why_size, &failed);
	if (failed) {
		json_object_put(value);
		value = NULL;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return value;
}

/* ---- Reading a file ----------------------------------------------------------------------- */

static char *read_all(FILE *file, size_t *length)
{
	size_t size = 64 * 1024, used = 0, got;
	char *text = malloc(size + 1);

	while (text && (got = fread(text + used, 1, size - used, file)) > 0) {
		used += got;
		if (used == size && size < FILE_MAX) {
			char *bigger = realloc(text, size * 2 + 1);

			if (!bigger) {
				free(text);
				return NULL;
			}
			text = bigger;
			size *= 2;
		} else if (used == size) {
			break;
		}
	}
	if (text)
		text[used] = '\0';
	*length = used;
	return text;
}

json_object *config_file_read(const char *path, char *why, size_t why_size)
{
	FILE *file = strcmp(path, "-") ? fopen(path, "r") : stdin;
	json_object *value;
	size_t length;
	char *text;

	if (!file) {
		snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	text = read_all(file, &length);
	if (file != stdin)
		fclose(file);
	if (!text || length >= FILE_MAX || strlen(text) != length) {
		snprintf(why, why_size, "%s: %s", path,
			 !text		      ? "out of memory"
			 : length >= FILE_MAX ? "larger than 4 MiB"
					      : "a NUL byte in the text");
		free(text);
		return NULL;
	}
	value = is_yaml(path, text) ? read_yaml(path, text, length, why, why_size)
				    : read_json(path, text, length, why, why_size);
	if (value && !json_object_is_type(value, json_type_object)) {
		snprintf(why, why_size, "%s: the document must be a mapping of keys to values",
			 path);
		json_object_put(value);
		value = NULL;
	}
	free(text);
	return value;
}

/* ---- Writing YAML ------------------------------------------------------------------------- */

/* A string a plain scalar would read as something else is quoted. */
static bool needs_quotes(const char *text)
{
	char *end;

	if (!*text || !strcmp(text, "true") || !strcmp(text, "false") || !strcmp(text, "null") ||
	    !strcmp(text, "~") || !strcasecmp(text, "yes") || !strcasecmp(text, "no") ||
	    !strcasecmp(text, "on") || !strcasecmp(text, "off"))
		return true;
	strtod(text, &end);
	return !*end;
}

static int emit_scalar(yaml_emitter_t *emitter, const char *text, yaml_scalar_style_t style)
{
	yaml_event_t event;

	yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *)text, (int)strlen(text), 1,
				     1, style);
	return yaml_emitter_emit(emitter, &event);
}

static int emit_value(yaml_emitter_t *emitter, json_object *value)
{
	yaml_event_t event;
	const char *text;

	switch (json_object_get_type(value)) {
	case json_type_object:
		yaml_mapping_start_event_initialize(&event, NULL, NULL, 1,
						    YAML_BLOCK_MAPPING_STYLE);
		if (!yaml_emitter_emit(emitter, &event))
			return 0;
		json_object_object_foreach(value, key, member)
		{
			if (!emit_scalar(emitter, key, YAML_PLAIN_SCALAR_STYLE) ||
			    !emit_value(emitter, member))
				return 0;
		}
		yaml_mapping_end_event_initialize(&event);
		return yaml_emitter_emit(emitter, &event);
	case json_type_array:
		yaml_sequence_start_event_initialize(&event, NULL, NULL, 1,
						     json_object_array_length(value)
							 ? YAML_BLOCK_SEQUENCE_STYLE
							 : YAML_FLOW_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(emitter, &event))
			return 0;
		for (size_t i = 0; i < json_object_array_length(value); i++)
			if (!emit_value(emitter, json_object_array_get_idx(value, i)))
				return 0;
		yaml_sequence_end_event_initialize(&event);
		return yaml_emitter_emit(emitter, &event);
	case json_type_string:
		text = json_object_get_string(value);
		return emit_scalar(emitter, text,
				   needs_quotes(text) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
						      : YAML_ANY_SCALAR_STYLE);
	case json_type_null:
		return emit_scalar(emitter, "null", YAML_PLAIN_SCALAR_STYLE);
	default:
		return emit_scalar(emitter, json_object_get_string(value), YAML_PLAIN_SCALAR_STYLE);
	}
}

int config_file_write_yaml(FILE *out, json_object *value)
{
	yaml_emitter_t emitter;
	yaml_event_t event;
	int ok;

	yaml_emitter_initialize(&emitter);
	yaml_emitter_set_output_file(&emitter, out);
	yaml_emitter_set_unicode(&emitter, 1);
	yaml_emitter_set_indent(&emitter, 2);
	yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING);
	ok = yaml_emitter_emit(&emitter, &event);
	yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 1);
	ok = ok && yaml_emitter_emit(&emitter, &event);
	ok = ok && emit_value(&emitter, value);
	yaml_document_end_event_initialize(&event, 1);
	ok = ok && yaml_emitter_emit(&emitter, &event);
	yaml_stream_end_event_initialize(&event);
	ok = ok && yaml_emitter_emit(&emitter, &event);
	yaml_emitter_delete(&emitter);
	return ok ? 0 : -1;
}
