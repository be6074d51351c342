/* SPDX-License-Identifier: MIT */
/* The access keys of xdplinkd's AWS endpoint: a root-only text file, one key a line,
 * "ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT", that the operator edits (or `xdplink account
 * add` appends to) and the agent reads again whenever it changes. */
#ifndef XL_AWS_CREDENTIALS_H
#define XL_AWS_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#define AWS_CREDENTIALS_DEFAULT "/etc/xdplink/aws-credentials"
#define AWS_KEY_ID_MAX		129 /* AWS: 16 to 128 characters */
#define AWS_SECRET_MAX		129
#define AWS_ACCOUNT_LEN		12

struct aws_key {
	char id[AWS_KEY_ID_MAX];
	char secret[AWS_SECRET_MAX];
	char account[AWS_ACCOUNT_LEN + 1];
};

struct aws_keys {
	struct aws_key *keys;
	size_t count;
	struct stat file; /* what was read: the agent reads the file again when it changes */
};

/* Reads the file at `path` into *keys. Refused (-1, a sentence in `why`): a file that is
 * not a regular file owned by the user we run as (root) and closed to everyone else
 * (mode 0600 or stricter), a line that is not three fields of the right form, a key id
 * given twice. A missing file is an empty set of keys with errno ENOENT in `missing`. */
int aws_keys_load(const char *path, struct aws_keys *keys, bool *missing, char *why,
		  size_t why_size);
void aws_keys_free(struct aws_keys *keys);
const struct aws_key *aws_keys_find(const struct aws_keys *keys, const char *id);

/* Whether `account` is 12 digits. */
bool aws_account_valid(const char *account);

/* A new key pair for `account` (AKIA and 16 characters of [A-Z2-7]; 40 characters of
 * base64), appended to the file, which is created (mode 0600, its folder 0700) if absent.
 * Returns 0, or -1 with a sentence in `why`. */
int aws_keys_add(const char *path, const char *account, struct aws_key *key, char *why,
		 size_t why_size);
/* Removes the key `id` from the file (rewritten whole, then renamed over it). Returns 1
 * when removed, 0 when no such key, -1 with a sentence in `why`. */
int aws_keys_remove(const char *path, const char *id, char *why, size_t why_size);

#endif
