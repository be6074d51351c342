/* SPDX-License-Identifier: MIT */
/* AWS Signature Version 4, the server's half: the Authorization header read strictly,
 * the canonical request and string to sign rebuilt from what arrived, and the signature
 * computed with OpenSSL's SHA-256 and HMAC and compared in constant time. */
#ifndef XL_SIGV4_H
#define XL_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_HEX_LEN	64
#define SIGV4_KEY_LEN	32

/* "AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/ec2/aws4_request,
 *  SignedHeaders=content-type;host;x-amz-date, Signature=<64 hex>" */
struct sigv4_authorization {
	char key_id[129];
	char date[9]; /* YYYYMMDD */
	char region[32];
	char service[32];
	char signed_headers[512]; /* lowercase names, sorted, joined by ';' */
	char signature[SIGV4_HEX_LEN + 1];
};

/* Reads the header. Returns 0, or -1 with AWS's sentence for an IncompleteSignature. */
int sigv4_parse_authorization(const char *header, struct sigv4_authorization *out, char *why,
			      size_t why_size);

/* X-Amz-Date, "YYYYMMDDTHHMMSSZ", as seconds since the epoch; -1 if malformed. */
time_t sigv4_parse_date(const char *amz_date);

/* A request header as it arrived (the name in any case; a name may come more than once). */
struct sigv4_header {
	const char *name;
	const char *value;
};

struct sigv4_request {
	const char *method;
	const char *path;  /* decoded, as the server saw it ("/") */
	const char *query; /* the canonical query string, "" for none */
	const struct sigv4_header *headers;
	size_t header_count;
	const char *payload_hash; /* hex SHA-256 of the body */
};

/* METHOD\nURI\nQUERY\nheaders\n\nSIGNED_HEADERS\nPAYLOAD_HASH, in a new string. */
char *sigv4_canonical_request(const struct sigv4_request *request, const char *signed_headers);
/* AWS4-HMAC-SHA256\nAMZ_DATE\nSCOPE\nhex(SHA-256(canonical request)), in a new string. */
char *sigv4_string_to_sign(const char *amz_date, const struct sigv4_authorization *auth,
			   const char *canonical_request);
/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region), service), "aws4_request") */
void sigv4_signing_key(const char *secret, const char *date, const char *region,
		       const char *service, unsigned char key[SIGV4_KEY_LEN]);
void sigv4_signature(const unsigned char key[SIGV4_KEY_LEN], const char *string_to_sign,
		     char hex[SIGV4_HEX_LEN + 1]);
void sigv4_sha256_hex(const void *data, size_t length, char hex[SIGV4_HEX_LEN + 1]);
/* Equal strings of equal length, in time that does not depend on where they differ. */
bool sigv4_same(const char *a, const char *b);

#endif
