/* SPDX-License-Identifier: MIT */
/* The AWS access keys file: reading it strictly, and adding or removing one key. */
#include "aws_credentials.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

#define KEY_ID_MIN    16
#define KEY_ID_RANDOM 16 /* characters after "AKIA" */
#define SECRET_LEN    40
#define LINE_MAX_LEN  512
#define BASE32	      "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define BASE64	      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

static const char file_header[] =
    "# xdplink AWS access keys, one a line: ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT\n"
    "# A request signed with a key acts as arn:aws:iam::ACCOUNT:root. Keep this file\n"
    "# root's alone (mode 0600): xdplinkd refuses it otherwise.\n";

bool aws_account_valid(const char *account)
{
	size_t length = strlen(account);

	if (length != AWS_ACCOUNT_LEN)
		return false;
	for (size_t i = 0; i < length; i++) {
		if (!isdigit((unsigned char)account[i]))
			return false;
	}
	return true;
}

static bool key_id_valid(const char *id)
{
	size_t length = strlen(id);

	if (length < KEY_ID_MIN || length >= AWS_KEY_ID_MAX)
		return false;
	for (size_t i = 0; i < length; i++) {
		if (!isupper((unsigned char)id[i]) && !isdigit((unsigned char)id[i]))
			return false;
	}
	return true;
}

static bool secret_valid(const char *secret)
{
	size_t length = strlen(secret);

	if (length == 0 || length >= AWS_SECRET_MAX)
		return false;
	for (size_t i = 0; i < length; i++) {
		if (!isgraph((unsigned char)secret[i]))
			return false;
	}
	return true;
}

/* Owned by us, a regular file, and nobody else's to read or write. */
static int check_private(const struct stat *st, const char *path, char *why, size_t why_size)
{
	if (!S_ISREG(st->st_mode)) {
		snprintf(why, why_size, "%s is not a regular file", path);
		return -1;
	}
	if (st->st_uid != geteuid() || (st->st_mode & 077)) {
		snprintf(why, why_size,
			 "%s must be owned by uid %u and closed to everyone else (chmod 600): it "
			 "holds secret keys",
			 path, (unsigned)geteuid());
		return -1;
	}
	return 0;
}

/* One line: a blank or comment line (0), a key (1), or a refusal (-1). */
static int parse_line(char *line, struct aws_key *key, char *why, size_t why_size)
{
	char *fields[4], *save = NULL, *start = line;
	int count = 0;

	while (isspace((unsigned char)*start))
		start++;
	if (!*start || *start == '#')
		return 0;
	for (char *word = strtok_r(start, " \t\r\n", &save); word && count < 4;
	     word = strtok_r(NULL, " \t\r\n", &save))
		fields[count++] = word;
	if (count != 3) {
		snprintf(why, why_size,
			 "%d fields, not 3 (ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT)", count);
		return -1;
	}
	if (!key_id_valid(fields[0])) {
		snprintf(why, why_size,
			 "the access key id is not 16 to 128 capital letters and digits");
		return -1;
	}
	if (!secret_valid(fields[1])) {
		snprintf(why, why_size, "the secret is not 1 to 128 printable characters");
		return -1;
	}
	if (!aws_account_valid(fields[2])) {
		snprintf(why, why_size, "the account is not 12 digits");
		return -1;
	}
	snprintf(key->id, sizeof(key->id), "%s", fields[0]);
	snprintf(key->secret, sizeof(key->secret), "%s", fields[1]);
	snprintf(key->account, sizeof(key->account), "%s", fields[2]);
	return 1;
}

static int add_key(struct aws_keys *keys, const struct aws_key *key)
{
	struct aws_key *grown = realloc(keys->keys, (keys->count + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	keys->keys = grown;
	keys->keys[keys->count++] = *key;
	return 0;
}

static int read_keys(FILE *in, const char *path, struct aws_keys *keys, char *why, size_t why_size)
{
	char line[LINE_MAX_LEN], problem[160];
	unsigned number = 0;

	while (fgets(line, sizeof(line), in)) {
		struct aws_key key;
		int rc;

		number++;
		if (!strchr(line, '\n') && !feof(in)) {
			snprintf(why, why_size, "%s:%u: the line is longer than %d characters",
				 path, number, LINE_MAX_LEN - 2);
			return -1;
		}
		rc = parse_line(line, &key, problem, sizeof(problem));
		if (rc < 0) {
			snprintf(why, why_size, "%s:%u: %s", path, number, problem);
			return -1;
		}
		if (rc == 0)
			continue;
		if (aws_keys_find(keys, key.id)) {
			snprintf(why, why_size, "%s:%u: access key %s is given twice", path, number,
				 key.id);
			return -1;
		}
		if (add_key(keys, &key) < 0) {
			snprintf(why, why_size, "out of memory reading %s", path);
			return -1;
		}
	}
	if (ferror(in)) {
		snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int aws_keys_load(const char *path, struct aws_keys *keys, bool *missing, char *why,
		  size_t why_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	FILE *in;
	int rc;

	*keys = (struct aws_keys){ 0 };
	*missing = fd < 0 && errno == ENOENT;
	if (fd < 0) {
		snprintf(why, why_size, "cannot open %s: %s", path, strerror(errno));
		return *missing ? 0 : -1;
	}
	if (fstat(fd, &keys->file) < 0) {
		snprintf(why, why_size, "cannot stat %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (check_private(&keys->file, path, why, why_size) < 0) {
		close(fd);
		return -1;
	}
	in = fdopen(fd, "r");
	if (!in) {
		snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	rc = read_keys(in, path, keys, why, why_size);
	fclose(in);
	if (rc < 0)
		aws_keys_free(keys);
	return rc;
}

void aws_keys_free(struct aws_keys *keys)
{
	if (keys->keys)
		explicit_bzero(keys->keys, keys->count * sizeof(*keys->keys));
	free(keys->keys);
	keys->keys = NULL;
	keys->count = 0;
}

const struct aws_key *aws_keys_find(const struct aws_keys *keys, const char *id)
{
	for (size_t i = 0; i < keys->count; i++) {
		if (strcmp(keys->keys[i].id, id) == 0)
			return &keys->keys[i];
	}
	return NULL;
}

/* ---- Writing ------------------------------------------------------------------------------ */

/* `length` characters of `alphabet` (32 or 64 long: a byte's low bits are uniform). */
static int random_text(char *out, size_t length, const char *alphabet, unsigned mask)
{
	unsigned char bytes[64];
	size_t done = 0;

	if (length > sizeof(bytes))
		return -1;
	while (done < length) {
		ssize_t got = getrandom(bytes + done, length - done, 0);

		if (got < 0)
			return -1;
		done += (size_t)got;
	}
	for (size_t i = 0; i < length; i++)
		out[i] = alphabet[bytes[i] & mask];
	out[length] = '\0';
	explicit_bzero(bytes, sizeof(bytes));
	return 0;
}

static int new_key(const char *account, struct aws_key *key)
{
	memcpy(key->id, "AKIA", 4);
	snprintf(key->account, sizeof(key->account), "%s", account);
	return random_text(key->id + 4, KEY_ID_RANDOM, BASE32, 31) < 0 ||
		       random_text(key->secret, SECRET_LEN, BASE64, 63) < 0
		   ? -1
		   : 0;
}

static int make_folder(const char *path, char *why, size_t why_size)
{
	char folder[512];
	char *slash;

	snprintf(folder, sizeof(folder), "%s", path);
	slash = strrchr(folder, '/');
	if (!slash || slash == folder)
		return 0;
	*slash = '\0';
	if (mkdir(folder, 0700) < 0 && errno != EEXIST) {
		snprintf(why, why_size, "cannot create %s: %s", folder, strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes all of `text` to fd, then makes it durable. */
static int write_all(int fd, const char *text, size_t length)
{
	while (length > 0) {
		ssize_t wrote = write(fd, text, length);

		if (wrote < 0 && errno == EINTR)
			continue;
		if (wrote <= 0)
			return -1;
		text += wrote;
		length -= (size_t)wrote;
	}
	return fsync(fd);
}

int aws_keys_add(const char *path, const char *account, struct aws_key *key, char *why,
		 size_t why_size)
{
	char line[LINE_MAX_LEN];
	struct stat st;
	int fd, rc = -1;

	if (!aws_account_valid(account)) {
		snprintf(why, why_size, "'%s' is not an account id (12 digits)", account);
		return -1;
	}
	if (new_key(account, key) < 0) {
		snprintf(why, why_size, "no randomness for a new key");
		return -1;
	}
	if (make_folder(path, why, why_size) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(why, why_size, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0) {
		snprintf(why, why_size, "cannot lock %s: %s", path, strerror(errno));
	} else if (check_private(&st, path, why, why_size) == 0) {
		snprintf(line, sizeof(line), "%s%s %s %s\n", st.st_size == 0 ? file_header : "",
			 key->id, key->secret, key->account);
		rc = write_all(fd, line, strlen(line));
		if (rc < 0)
			snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
		explicit_bzero(line, sizeof(line));
	}
	close(fd);
	return rc;
}

/* Copies `in` to `out` but the lines of key `id`; 1 if there was one. */
static int copy_without(FILE *in, FILE *out, const char *id)
{
	char line[LINE_MAX_LEN];
	size_t id_length = strlen(id);
	int removed = 0;

	while (fgets(line, sizeof(line), in)) {
		if (strncmp(line, id, id_length) == 0 && isspace((unsigned char)line[id_length])) {
			removed = 1;
			continue;
		}
		fputs(line, out);
	}
	explicit_bzero(line, sizeof(line));
	return ferror(in) ? -1 : removed;
}

int aws_keys_remove(const char *path, const char *id, char *why, size_t why_size)
{
	char temporary[600];
	FILE *in = NULL, *out = NULL;
	int fd, removed = -1;
	struct stat st;

	why[0] = '\0';
	snprintf(temporary, sizeof(temporary), "%s.new", path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(why, why_size, "cannot open %s: %s", path, strerror(errno));
		return errno == ENOENT ? 0 : -1;
	}
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0 ||
	    check_private(&st, path, why, why_size) < 0 || !(in = fdopen(fd, "r"))) {
		if (!why[0])
			snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	unlink(temporary);
	fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	out = fd < 0 ? NULL : fdopen(fd, "w");
	if (out)
		removed = copy_without(in, out, id);
	if (!out || removed < 0 || fflush(out) != 0 || fsync(fileno(out)) < 0 ||
	    (removed == 1 && rename(temporary, path) < 0)) {
		snprintf(why, why_size, "cannot rewrite %s: %s", path, strerror(errno));
		removed = -1;
	}
	if (out)
		fclose(out);
	else if (fd >= 0)
		close(fd);
	if (removed != 1)
		unlink(temporary);
	fclose(in); /* after the rename: the lock keeps other writers out until then */
	return removed;
}
