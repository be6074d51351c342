/* SPDX-License-Identifier: MIT */
/* The settings file behind config_file.h. */
#include "config_file.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETTINGS 128

static const struct option *find_option(const struct option *options, const char *name)
{
	for (const struct option *o = options; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

static char *trim(char *text)
{
	char *end = text + strlen(text);

	while (isspace((unsigned char)*text))
		text++;
	while (end > text && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return text;
}

/* One line into name and value ("name value" or "name = value"); false if it has no value. */
static bool split_line(char *line, char **name, char **value)
{
	size_t name_len = strcspn(line, " \t=");
	char *rest = line + name_len;

	*name = line;
	if (!*rest)
		return false;
	if (*rest == '=') {
		*rest++ = '\0';
	} else {
		*rest++ = '\0';
		rest = trim(rest);
		if (*rest == '=')
			rest++;
	}
	*value = trim(rest);
	return **value != '\0';
}

/* "--name" as a string of its own, for getopt. */
static char *dashed(const char *name)
{
	size_t size = strlen(name) + 3;
	char *text = malloc(size);

	if (text)
		snprintf(text, size, "--%s", name);
	return text;
}

static int read_settings(const char *path, FILE *file, const struct option *options,
			 const char *self, char **words, int *count)
{
	char *line = NULL;
	size_t size = 0;
	int number = 0, rc = 0;

	while (rc == 0 && getline(&line, &size, file) >= 0) {
		char *text = trim(line), *name, *value, *hash = strchr(text, '#');
		const struct option *option;

		number++;
		if (hash)
			*hash = '\0';
		text = trim(text);
		if (!*text)
			continue;
		if (!split_line(text, &name, &value)) {
			fprintf(stderr, "xdplinkd: %s:%d: \"%s\" has no value (NAME VALUE)\n", path,
				number, text);
			rc = -1;
		} else if (!(option = find_option(options, name)) || !strcmp(name, self) ||
			   option->has_arg != required_argument) {
			fprintf(stderr,
				"xdplinkd: %s:%d: no setting is named \"%s\" (see --help)\n", path,
				number, name);
			rc = -1;
		} else if (*count + 2 > MAX_SETTINGS * 2) {
			fprintf(stderr, "xdplinkd: %s: more than %d settings\n", path,
				MAX_SETTINGS);
			rc = -1;
		} else if (!(words[*count] = dashed(name)) ||
			   !(words[*count + 1] = strdup(value))) {
			rc = -1;
		} else {
			*count += 2;
		}
	}
	free(line);
	return rc;
}

int config_file_merge(const char *path, const struct option *options, const char *self, int argc,
		      char **argv, int *merged_argc, char ***merged_argv)
{
	static char *words[MAX_SETTINGS * 2];
	FILE *file = fopen(path, "r");
	char **merged;
	int count = 0;

	if (!file) {
		fprintf(stderr, "xdplinkd: cannot read --config %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (read_settings(path, file, options, self, words, &count)) {
		fclose(file);
		return -1;
	}
	fclose(file);
	merged = calloc((size_t)(argc + count + 1), sizeof(*merged));
	if (!merged)
		return -1;
	merged[0] = argv[0];
	memcpy(merged + 1, words, (size_t)count * sizeof(*merged));
	memcpy(merged + 1 + count, argv + 1, (size_t)(argc - 1) * sizeof(*merged));
	*merged_argc = argc + count;
	*merged_argv = merged;
	return 0;
}
