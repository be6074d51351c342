/* SPDX-License-Identifier: MIT */
/* Signature Version 4 on OpenSSL's libcrypto: SHA-256, HMAC-SHA256 and CRYPTO_memcmp. */
#include "sigv4.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The Authorization header --------------------------------------------------------- */

/* The value of "NAME=value" in the comma-separated parameters after the algorithm, into
 * out; false if the parameter is missing or does not fit. */
static bool auth_parameter(const char *params, const char *name, char *out, size_t size)
{
	size_t name_length = strlen(name);
	const char *at = params;

	while (*at) {
		const char *end;

		while (*at == ' ' || *at == ',')
			at++;
		end = strchr(at, ',');
		if (!end)
			end = at + strlen(at);
		if ((size_t)(end - at) > name_length && strncmp(at, name, name_length) == 0 &&
		    at[name_length] == '=') {
			const char *value = at + name_length + 1;
			size_t length = (size_t)(end - value);

			while (length > 0 && value[length - 1] == ' ')
				length--;
			if (length == 0 || length >= size)
				return false;
			memcpy(out, value, length);
			out[length] = '\0';
			return true;
		}
		at = end;
	}
	return false;
}

static bool all_of(const char *text, size_t length, int (*class)(int))
{
	for (size_t i = 0; i < length; i++) {
		if (!class((unsigned char)text[i]))
			return false;
	}
	return true;
}

static int is_lower_hex(int c)
{
	return isdigit(c) || (c >= 'a' && c <= 'f');
}

static int is_header_name_char(int c)
{
	return islower(c) || isdigit(c) || c == '-' || c == ';';
}

/* Credential=KEY/DATE/REGION/SERVICE/aws4_request */
static int split_credential(char *credential, struct sigv4_authorization *out, char *why,
			    size_t why_size)
{
	char *parts[5], *save = NULL;
	int count = 0;

	for (char *part = strtok_r(credential, "/", &save); part && count < 5;
	     part = strtok_r(NULL, "/", &save))
		parts[count++] = part;
	if (count != 5 || strtok_r(NULL, "/", &save) || strcmp(parts[4], "aws4_request") != 0 ||
	    strlen(parts[1]) != 8 || !all_of(parts[1], 8, isdigit) ||
	    strlen(parts[0]) >= sizeof(out->key_id) || strlen(parts[2]) >= sizeof(out->region) ||
	    strlen(parts[3]) >= sizeof(out->service)) {
		snprintf(why, why_size,
			 "Credential must have the form ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/"
			 "aws4_request");
		return -1;
	}
	snprintf(out->key_id, sizeof(out->key_id), "%s", parts[0]);
	snprintf(out->date, sizeof(out->date), "%s", parts[1]);
	snprintf(out->region, sizeof(out->region), "%s", parts[2]);
	snprintf(out->service, sizeof(out->service), "%s", parts[3]);
	return 0;
}

/* Lowercase names, strictly ascending, none empty: the canonical form, and what a client
 * that followed the algorithm sends. */
static bool signed_headers_valid(const char *list)
{
	const char *previous = NULL;
	size_t previous_length = 0;

	if (!all_of(list, strlen(list), is_header_name_char))
		return false;
	for (const char *at = list;;) {
		const char *end = strchr(at, ';');
		size_t length = end ? (size_t)(end - at) : strlen(at);

		if (length == 0)
			return false;
		if (previous) {
			int order = strncmp(previous, at,
					    previous_length < length ? previous_length : length);

			if (order > 0 || (order == 0 && previous_length >= length))
				return false;
		}
		previous = at;
		previous_length = length;
		if (!end)
			return true;
		at = end + 1;
	}
}

static bool lists_header(const char *list, const char *name)
{
	size_t length = strlen(name);

	for (const char *at = list; at; at = strchr(at, ';') ? strchr(at, ';') + 1 : NULL) {
		if (strncmp(at, name, length) == 0 && (at[length] == ';' || at[length] == '\0'))
			return true;
	}
	return false;
}

int sigv4_parse_authorization(const char *header, struct sigv4_authorization *out, char *why,
			      size_t why_size)
{
	size_t algorithm_length = strlen(SIGV4_ALGORITHM);
	char credential[256];
	const char *params;

	*out = (struct sigv4_authorization){ 0 };
	if (strncmp(header, SIGV4_ALGORITHM, algorithm_length) != 0 ||
	    header[algorithm_length] != ' ') {
		snprintf(why, why_size,
			 "Unsupported AWS 'algorithm': the Authorization header must start with "
			 "'" SIGV4_ALGORITHM " '");
		return -1;
	}
	params = header + algorithm_length + 1;
	if (!auth_parameter(params, "Credential", credential, sizeof(credential))) {
		snprintf(why, why_size, "Authorization header requires 'Credential' parameter.");
		return -1;
	}
	if (!auth_parameter(params, "SignedHeaders", out->signed_headers,
			    sizeof(out->signed_headers))) {
		snprintf(why, why_size, "Authorization header requires 'SignedHeaders' parameter.");
		return -1;
	}
	if (!auth_parameter(params, "Signature", out->signature, sizeof(out->signature)) ||
	    strlen(out->signature) != SIGV4_HEX_LEN ||
	    !all_of(out->signature, SIGV4_HEX_LEN, is_lower_hex)) {
		snprintf(why, why_size,
			 "Authorization header requires 'Signature' parameter: 64 lowercase hex "
			 "digits.");
		return -1;
	}
	if (split_credential(credential, out, why, why_size) < 0)
		return -1;
	if (!signed_headers_valid(out->signed_headers)) {
		snprintf(why, why_size,
			 "SignedHeaders must be lowercase header names, sorted, joined by ';'");
		return -1;
	}
	if (!lists_header(out->signed_headers, "host")) {
		snprintf(why, why_size,
			 "'Host' must be a 'SignedHeader' in the AWS Authorization.");
		return -1;
	}
	return 0;
}

time_t sigv4_parse_date(const char *amz_date)
{
	struct tm tm = { 0 };
	const char *end;

	if (strlen(amz_date) != 16 || amz_date[8] != 'T' || amz_date[15] != 'Z' ||
	    !all_of(amz_date, 8, isdigit) || !all_of(amz_date + 9, 6, isdigit))
		return -1;
	end = strptime(amz_date, "%Y%m%dT%H%M%SZ", &tm);
	if (!end || *end)
		return -1;
	return timegm(&tm);
}

/* ---- The canonical request -------------------------------------------------------------- */

/* RFC 3986 unreserved characters and '/' stay; every other byte is %XX (uppercase). */
static void uri_encode_path(FILE *out, const char *path)
{
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if (isalnum(*c) || *c == '-' || *c == '_' || *c == '.' || *c == '~' || *c == '/')
			fputc(*c, out);
		else
			fprintf(out, "%%%02X", *c);
	}
}

/* The value trimmed, each run of white space inside it one space (botocore's
 * ' '.join(value.split())). */
static void put_trimmed(FILE *out, const char *value)
{
	bool pending_space = false, started = false;

	for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
		if (isspace(*c)) {
			pending_space = started;
			continue;
		}
		if (pending_space)
			fputc(' ', out);
		fputc(*c, out);
		pending_space = false;
		started = true;
	}
}

/* "name:value1,value2\n": every value of the header, in the order received. */
static void put_canonical_header(FILE *out, const struct sigv4_request *request, const char *name,
				 size_t length)
{
	bool first = true;

	fprintf(out, "%.*s:", (int)length, name);
	for (size_t i = 0; i < request->header_count; i++) {
		const struct sigv4_header *h = &request->headers[i];

		if (strlen(h->name) != length || strncasecmp(h->name, name, length) != 0)
			continue;
		if (!first)
			fputc(',', out);
		put_trimmed(out, h->value);
		first = false;
	}
	fputc('\n', out);
}

char *sigv4_canonical_request(const struct sigv4_request *request, const char *signed_headers)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	if (!out)
		return NULL;
	fprintf(out, "%s\n", request->method);
	uri_encode_path(out, request->path);
	fprintf(out, "\n%s\n", request->query);
	for (const char *at = signed_headers; at;) {
		const char *end = strchr(at, ';');
		size_t length = end ? (size_t)(end - at) : strlen(at);

		put_canonical_header(out, request, at, length);
		at = end ? end + 1 : NULL;
	}
	fprintf(out, "\n%s\n%s", signed_headers, request->payload_hash);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* ---- Hashes and the signature ----------------------------------------------------------- */

static void to_hex(const unsigned char *bytes, size_t length, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < length; i++) {
		hex[2 * i] = digits[bytes[i] >> 4];
		hex[2 * i + 1] = digits[bytes[i] & 15];
	}
	hex[2 * length] = '\0';
}

void sigv4_sha256_hex(const void *data, size_t length, char hex[SIGV4_HEX_LEN + 1])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_length = 0;

	EVP_Digest(data, length, digest, &digest_length, EVP_sha256(), NULL);
	to_hex(digest, digest_length, hex);
}

static void hmac(const void *key, size_t key_length, const char *data,
		 unsigned char out[SIGV4_KEY_LEN])
{
	unsigned int length = SIGV4_KEY_LEN;

	HMAC(EVP_sha256(), key, (int)key_length, (const unsigned char *)data, strlen(data), out,
	     &length);
}

char *sigv4_string_to_sign(const char *amz_date, const struct sigv4_authorization *auth,
			   const char *canonical_request)
{
	char hash[SIGV4_HEX_LEN + 1], *text = NULL;

	sigv4_sha256_hex(canonical_request, strlen(canonical_request), hash);
	if (asprintf(&text, SIGV4_ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s", amz_date, auth->date,
		     auth->region, auth->service, hash) < 0)
		return NULL;
	return text;
}

void sigv4_signing_key(const char *secret, const char *date, const char *region,
		       const char *service, unsigned char key[SIGV4_KEY_LEN])
{
	unsigned char step[SIGV4_KEY_LEN];
	char *first = NULL;

	if (asprintf(&first, "AWS4%s", secret) < 0) {
		memset(key, 0, SIGV4_KEY_LEN); /* a key no signature matches by chance */
		return;
	}
	hmac(first, strlen(first), date, step);
	explicit_bzero(first, strlen(first));
	free(first);
	hmac(step, sizeof(step), region, key);
	hmac(key, SIGV4_KEY_LEN, service, step);
	hmac(step, sizeof(step), "aws4_request", key);
	explicit_bzero(step, sizeof(step));
}

void sigv4_signature(const unsigned char key[SIGV4_KEY_LEN], const char *string_to_sign,
		     char hex[SIGV4_HEX_LEN + 1])
{
	unsigned char mac[SIGV4_KEY_LEN];

	hmac(key, SIGV4_KEY_LEN, string_to_sign, mac);
	to_hex(mac, sizeof(mac), hex);
}

bool sigv4_same(const char *a, const char *b)
{
	size_t length = strlen(a);

	return length == strlen(b) && CRYPTO_memcmp(a, b, length) == 0;
}
