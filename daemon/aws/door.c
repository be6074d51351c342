/* SPDX-License-Identifier: MIT */
/* The AWS front door: from an HTTP request to AWS's answer. */
#include "door.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "audit.h"
#include "aws_credentials.h"
#include "log.h"
#include "operation.h"
#include "tokens.h"
#include "xml.h"

#define FORM_TYPE "application/x-www-form-urlencoded"

struct aws_door {
	char region[32];
	char *credentials_path;
	api_handler handler;
	void *ctx;
	struct aws_keys keys;
	bool keys_trusted;	   /* the file as last seen could be read and trusted */
	bool seen_once;		   /* the file was looked at */
	struct stat seen;	   /* ... and what it was then (st_ino 0: missing) */
	struct aws_tokens *tokens; /* ClientToken answers kept */
};

struct aws_door *aws_door_new(const char *region, const char *credentials_path, api_handler handler,
			      void *ctx)
{
	struct aws_door *door = calloc(1, sizeof(*door));

	if (!door)
		return NULL;
	snprintf(door->region, sizeof(door->region), "%s", region);
	door->credentials_path = strdup(credentials_path);
	door->handler = handler;
	door->ctx = ctx;
	door->tokens = aws_tokens_new();
	if (!door->credentials_path || !door->tokens) {
		aws_door_free(door);
		return NULL;
	}
	return door;
}

void aws_door_free(struct aws_door *door)
{
	if (!door)
		return;
	aws_keys_free(&door->keys);
	aws_tokens_free(door->tokens);
	free(door->credentials_path);
	free(door);
}

/* ---- The access keys ------------------------------------------------------------------------- */

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* An audit line for each key of `from` that `to` lacks: "created" when `from` is the new
 * file, "deleted" when it is the old one. */
static void audit_keys_missing_from(const struct aws_keys *from, const struct aws_keys *to,
				    const char *action)
{
	for (size_t i = 0; i < from->count; i++) {
		char ids[AWS_KEY_ID_MAX + AWS_ACCOUNT_LEN + 2];

		if (aws_keys_find(to, from->keys[i].id))
			continue;
		snprintf(ids, sizeof(ids), "%s,%s", from->keys[i].id, from->keys[i].account);
		audit_event(AUDIT_KEYS_FILE, action, ids, "ok", NULL);
	}
}

/* The keys file changed under the agent: `xdplink account add` or `remove`, or an editor.
 * Only root can have written it (aws_keys_load trusts no other file). */
static void audit_key_changes(const struct aws_keys *before, const struct aws_keys *after)
{
	audit_keys_missing_from(after, before, "CreateAccessKey");
	audit_keys_missing_from(before, after, "DeleteAccessKey");
}

int aws_door_load_keys(struct aws_door *door, char *why, size_t why_size)
{
	struct stat now = { 0 };
	struct aws_keys before;
	bool missing, had_keys;

	why[0] = '\0';
	if (stat(door->credentials_path, &now) < 0 && errno != ENOENT) {
		snprintf(why, why_size, "cannot stat %s: %s", door->credentials_path,
			 strerror(errno));
		door->keys_trusted = false;
		return -1;
	}
	if (door->seen_once && same_file(&now, &door->seen))
		return door->keys_trusted ? 0 : -1;
	had_keys = door->seen_once && door->keys_trusted;
	door->seen_once = true;
	door->seen = now;
	before = door->keys;
	door->keys = (struct aws_keys){ 0 };
	door->keys_trusted =
	    aws_keys_load(door->credentials_path, &door->keys, &missing, why, why_size) == 0;
	if (had_keys && door->keys_trusted)
		audit_key_changes(&before, &door->keys);
	aws_keys_free(&before);
	if (!door->keys_trusted) {
		log_error("aws: refusing every access key until %s is mended: %s",
			  door->credentials_path, why);
		return -1;
	}
	if (missing)
		log_warn("aws: no access keys yet (%s does not exist): `xdplink account add "
			 "ACCOUNT` makes one",
			 door->credentials_path);
	else
		log_info("aws: %zu access keys from %s", door->keys.count, door->credentials_path);
	why[0] = '\0';
	return 0;
}

/* ---- Helpers --------------------------------------------------------------------------------- */

static void new_request_id(char out[AWS_ID_LENGTH + 1])
{
	unsigned char b[16] = { 0 };

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		memset(b, 0, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, AWS_ID_LENGTH + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
}

/* The one value of a header; NULL when absent. *count is how many times it came. */
static const char *header(const struct aws_request *r, const char *name, size_t *count)
{
	const char *value = NULL;

	*count = 0;
	for (size_t i = 0; i < r->header_count; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0) {
			value = value ? value : r->headers[i].value;
			(*count)++;
		}
	}
	return value;
}

/* Whether the form has `name`=`value` among its parameters (before decoding them). */
static bool body_has(const struct aws_request *r, const char *pair)
{
	size_t length = strlen(pair);

	for (const char *at = r->body; at && (size_t)(at - r->body) + length <= r->body_length;) {
		const char *end = memchr(at, '&', r->body_length - (size_t)(at - r->body));
		size_t part = end ? (size_t)(end - at) : r->body_length - (size_t)(at - r->body);

		if (part == length && memcmp(at, pair, length) == 0)
			return true;
		at = end ? end + 1 : NULL;
	}
	return false;
}

/* Which service's error format to answer in before the request is known to be one of
 * them: the signature's service, or the Version parameter, or EC2's. */
static const struct aws_service *guess_service(const struct aws_request *r)
{
	size_t count;
	const char *auth = header(r, "authorization", &count);

	if (auth && strstr(auth, "/elasticloadbalancing/aws4_request"))
		return &aws_elbv2;
	if (auth && strstr(auth, "/ec2/aws4_request"))
		return &aws_ec2;
	return r->body && body_has(r, "Version=2015-12-01") ? &aws_elbv2 : &aws_ec2;
}

static unsigned status_of(const char *code)
{
	static const struct {
		const char *code;
		unsigned status;
	} statuses[] = {
		{ "AuthFailure", 401 },		  { "InvalidClientTokenId", 403 },
		{ "SignatureDoesNotMatch", 403 }, { "MissingAuthenticationToken", 403 },
		{ "MalformedQueryString", 404 },  { "MethodNotAllowed", 405 },
		{ "DryRunOperation", 412 },	  { "RequestEntityTooLarge", 413 },
		{ "InternalError", 500 },	  { "InternalFailure", 500 },
		{ "ServiceUnavailable", 503 },
	};

	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		if (strcmp(statuses[i].code, code) == 0)
			return statuses[i].status;
	}
	return 400;
}

/* ---- Answers --------------------------------------------------------------------------------- */

static void finish(struct xml_doc *doc, unsigned status, struct aws_reply *reply)
{
	reply->body = doc ? xml_end(doc, &reply->length) : NULL;
	reply->status = reply->body ? status : 500;
	if (!reply->body) {
		reply->body = strdup("");
		reply->length = 0;
	}
}

/* EC2: <Response><Errors><Error>..</Error></Errors><RequestID>; ELBv2: <ErrorResponse>. */
static void answer_error(const struct aws_service *service, const struct aws_error *err,
			 struct aws_reply *reply)
{
	unsigned status = status_of(err->code);
	struct xml_doc *doc;

	if (service->elbv2) {
		doc = xml_begin("ErrorResponse", service->xmlns, "member");
		if (doc) {
			xml_open(doc, "Error");
			xml_text(doc, "Type", status >= 500 ? "Receiver" : "Sender");
			xml_text(doc, "Code", err->code);
			xml_text(doc, "Message", err->message);
			xml_close(doc);
			xml_text(doc, "RequestId", reply->request_id);
		}
	} else {
		doc = xml_begin("Response", NULL, "item");
		if (doc) {
			xml_open(doc, "Errors");
			xml_open(doc, "Error");
			xml_text(doc, "Code", err->code);
			xml_text(doc, "Message", err->message);
			xml_close(doc);
			xml_close(doc);
			xml_text(doc, "RequestID", reply->request_id);
		}
	}
	finish(doc, status, reply);
}

/* EC2: <ActionResponse><requestId/>fields; ELBv2: <ActionResponse><ActionResult>fields
 * </ActionResult><ResponseMetadata><RequestId/>. */
static void answer_result(const struct aws_service *service, const struct aws_operation *op,
			  json_object *result, struct aws_reply *reply)
{
	char root[96];
	struct xml_doc *doc;

	snprintf(root, sizeof(root), "%sResponse", op->action);
	doc = xml_begin(root, service->xmlns, service->elbv2 ? "member" : "item");
	if (doc && service->elbv2) {
		char wrapper[96];

		snprintf(wrapper, sizeof(wrapper), "%sResult", op->action);
		xml_open(doc, wrapper);
		xml_fields(doc, result, op->output);
		xml_close(doc);
		xml_open(doc, "ResponseMetadata");
		xml_text(doc, "RequestId", reply->request_id);
		xml_close(doc);
	} else if (doc) {
		xml_text(doc, "requestId", reply->request_id);
		xml_fields(doc, result, op->output);
	}
	finish(doc, 200, reply);
}

/* ---- Checks before anything is trusted -------------------------------------------------------- */

static int check_http(const struct aws_request *r, struct aws_error *err)
{
	size_t count;
	const char *type = header(r, "content-type", &count);

	if (r->too_large)
		return aws_fail(err, "RequestEntityTooLarge",
				"The request body is larger than %d bytes", AWS_MAX_BODY);
	if (r->too_many_headers)
		return aws_fail(err, "RequestHeaderSectionTooLarge",
				"The request has more headers than the endpoint reads");
	if (strcmp(r->method, "POST") != 0)
		return aws_fail(err, "MethodNotAllowed",
				"The %s method is not allowed: the Query APIs are served as POST "
				"requests, as the aws CLI sends them",
				r->method);
	if (r->has_query)
		return aws_fail(err, "InvalidQueryParameter",
				"The parameters go in the POST body, not in the URL");
	if (!type || strncasecmp(type, FORM_TYPE, strlen(FORM_TYPE)) != 0 ||
	    (type[strlen(FORM_TYPE)] != '\0' && type[strlen(FORM_TYPE)] != ';'))
		return aws_fail(err, "MalformedQueryString",
				"The body must be " FORM_TYPE " (Content-Type: %s)",
				type ? type : "none");
	return 0;
}

/* ---- Authentication ----------------------------------------------------------------------------- */

static int check_date(const struct aws_service *service, const char *amz_date, time_t signed_at,
		      time_t now, struct aws_error *err)
{
	char limit[20], now_text[20];
	struct tm tm;

	if (labs((long)(now - signed_at)) <= AWS_MAX_SKEW)
		return 0;
	if (!service->elbv2)
		return aws_fail(err, "RequestExpired", "Request has expired.");
	gmtime_r(&now, &tm);
	strftime(now_text, sizeof(now_text), "%Y%m%dT%H%M%SZ", &tm);
	if (signed_at < now) {
		time_t earliest = now - AWS_MAX_SKEW;

		gmtime_r(&earliest, &tm);
		strftime(limit, sizeof(limit), "%Y%m%dT%H%M%SZ", &tm);
		return aws_fail(err, "RequestExpired",
				"Signature expired: %s is now earlier than %s (%s - 15 min.)",
				amz_date, limit, now_text);
	}
	now += AWS_MAX_SKEW;
	gmtime_r(&now, &tm);
	strftime(limit, sizeof(limit), "%Y%m%dT%H%M%SZ", &tm);
	return aws_fail(err, "RequestExpired",
			"Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amz_date, limit, now_text);
}

/* The canonical request rebuilt from what arrived, signed with the key's secret. */
static bool signature_matches(const struct aws_request *r, const struct sigv4_authorization *auth,
			      const char *amz_date, const char *payload_hash,
			      const struct aws_key *key)
{
	struct sigv4_request canonical = {
		.method = r->method,
		.path = r->path,
		.query = "",
		.headers = r->headers,
		.header_count = r->header_count,
		.payload_hash = payload_hash,
	};
	char *request = sigv4_canonical_request(&canonical, auth->signed_headers);
	char *to_sign = request ? sigv4_string_to_sign(amz_date, auth, request) : NULL;
	char signature[SIGV4_HEX_LEN + 1] = "";

	if (to_sign) {
		unsigned char signing_key[SIGV4_KEY_LEN];

		sigv4_signing_key(key->secret, auth->date, auth->region, auth->service,
				  signing_key);
		sigv4_signature(signing_key, to_sign, signature);
		explicit_bzero(signing_key, sizeof(signing_key));
	}
	free(request);
	free(to_sign);
	return signature[0] && sigv4_same(signature, auth->signature);
}

/* The key that signed the request, and the service it was signed for. */
static int authenticate(struct aws_door *door, const struct aws_request *r, time_t now,
			const struct aws_service **service, const struct aws_key **key,
			struct aws_error *err)
{
	struct sigv4_authorization auth;
	char why[256], payload_hash[SIGV4_HEX_LEN + 1];
	const char *value, *amz_date;
	time_t signed_at;
	size_t count;

	value = header(r, "authorization", &count);
	if (!value)
		return aws_fail(err, "MissingAuthenticationToken",
				"Request is missing Authentication Token");
	if (count > 1)
		return aws_fail(err, "IncompleteSignature", "Authorization is given %zu times",
				count);
	if (sigv4_parse_authorization(value, &auth, why, sizeof(why)) < 0)
		return aws_fail(err, "IncompleteSignature", "%s", why);
	if (strcmp(auth.service, aws_ec2.name) == 0)
		*service = &aws_ec2;
	else if (strcmp(auth.service, aws_elbv2.name) == 0)
		*service = &aws_elbv2;
	else
		return aws_fail(err, (*service)->auth_failure_code,
				"Credential should be scoped to correct service: '%s' or '%s', not "
				"'%s'.",
				aws_ec2.name, aws_elbv2.name, auth.service);
	if (strcmp(auth.region, door->region) != 0)
		return aws_fail(err, (*service)->auth_failure_code,
				"Credential should be scoped to a valid region, not '%s': this "
				"node serves %s.",
				auth.region, door->region);
	amz_date = header(r, "x-amz-date", &count);
	if (!amz_date || count > 1)
		return aws_fail(err, "IncompleteSignature",
				"Authorization header requires existence of one 'X-Amz-Date' "
				"header.");
	signed_at = sigv4_parse_date(amz_date);
	if (signed_at < 0)
		return aws_fail(err, "IncompleteSignature",
				"X-Amz-Date must have the form YYYYMMDDTHHMMSSZ, not '%s'.",
				amz_date);
	if (strncmp(auth.date, amz_date, 8) != 0)
		return aws_fail(err, (*service)->auth_failure_code,
				"Date in Credential scope does not match YYYYMMDD from ISO-8601 "
				"version of date from HTTP: '%s' != '%.8s', from '%s'.",
				auth.date, amz_date, amz_date);
	if (check_date(*service, amz_date, signed_at, now, err) < 0)
		return -1;
	if (header(r, "x-amz-security-token", &count))
		return aws_fail(err, (*service)->unknown_key_code,
				"The security token included in the request is invalid: xdplink "
				"has no temporary credentials.");
	if (aws_door_load_keys(door, why, sizeof(why)) < 0 ||
	    !(*key = aws_keys_find(&door->keys, auth.key_id)))
		return aws_fail(
		    err, (*service)->unknown_key_code,
		    (*service)->elbv2
			? "The security token included in the request is invalid."
			: "AWS was not able to validate the provided access credentials");
	sigv4_sha256_hex(r->body, r->body_length, payload_hash);
	value = header(r, "x-amz-content-sha256", &count);
	if (value && (count > 1 || strcmp(value, payload_hash) != 0))
		return aws_fail(err, (*service)->auth_failure_code,
				"The provided 'x-amz-content-sha256' header does not match what "
				"was computed.");
	if (!signature_matches(r, &auth, amz_date, payload_hash, *key))
		return aws_fail(
		    err, (*service)->auth_failure_code,
		    (*service)->elbv2
			? "The request signature we calculated does not match the "
			  "signature you provided. Check your AWS Secret Access Key and "
			  "signing method. Consult the service documentation for details."
			: "AWS was not able to validate the provided access credentials");
	return 0;
}

/* ---- Dispatch ----------------------------------------------------------------------------------- */

static const struct aws_operation *find_operation(const struct aws_service *service,
						  const char *action)
{
	for (const struct aws_operation *const *table = service->tables; *table; table++) {
		for (const struct aws_operation *op = *table; op->action; op++) {
			if (strcmp(op->action, action) == 0)
				return op;
		}
	}
	return NULL;
}

/* The operation the signed request asks for: Version names its service's API. */
static const struct aws_operation *dispatch(const struct aws_service *service, struct query *q,
					    struct aws_error *err)
{
	const char *action = query_get(q, "Action"), *version = query_get(q, "Version");
	const struct aws_operation *op;

	if (!action) {
		aws_fail(err, "MissingAction", "The request must contain the parameter Action");
		return NULL;
	}
	if (!version) {
		aws_fail(err, "MissingParameter", "The request must contain the parameter Version");
		return NULL;
	}
	if (strcmp(version, service->version) != 0) {
		aws_fail(err, "NoSuchVersion",
			 "The requested version (%s) of service %s does not exist: xdplink serves "
			 "%s",
			 version, service->name, service->version);
		return NULL;
	}
	op = find_operation(service, action);
	if (!op)
		aws_fail(err, "InvalidAction",
			 "The action %s is not valid for this web service: xdplink serves the "
			 "operations docs/AWS.md lists",
			 action);
	return op;
}

/* Runs the operation, or answers it as before for a ClientToken seen with the same
 * parameters. Returns 0 with *result, 1 when the kept answer is in reply, or -1. */
static int run(struct aws_door *door, const struct aws_operation *op, struct aws_call *call,
	       const char **token, json_object **result, struct aws_reply *reply)
{
	const char *dry_run = call->service->elbv2 ? NULL : aws_param(call, "DryRun", AWS_OPTIONAL);

	if (dry_run && aws_bool_value(call, "DryRun", dry_run, &call->dry_run) < 0)
		return -1;
	*token = op->idempotent ? aws_param(call, "ClientToken", AWS_OPTIONAL) : NULL;
	if (*token && !call->dry_run) {
		int kept = aws_tokens_find(door->tokens, call->account, call->query, *token, reply,
					   call->err);

		if (kept != 0)
			return kept;
	}
	if (op->run(call, result) < 0)
		return -1;
	if (*token)
		json_object_object_add(*result, "ClientToken", json_object_new_string(*token));
	return 0;
}

void aws_door_serve(struct aws_door *door, const struct aws_request *request, time_t now,
		    struct aws_reply *reply)
{
	const struct aws_service *service = guess_service(request);
	const struct aws_operation *op = NULL;
	const struct aws_key *key = NULL;
	struct aws_error err = { 0 };
	struct query q = { 0 };
	json_object *result = NULL;
	const char *token = NULL;
	char principal[64], why[256];
	int rc;

	*reply = (struct aws_reply){ 0 };
	new_request_id(reply->request_id);
	if (check_http(request, &err) < 0)
		goto refused;
	if (authenticate(door, request, now, &service, &key, &err) < 0) {
		log_info("aws: %s from %s: %s", err.code, request->peer, err.message);
		goto refused;
	}
	if (query_parse(request->body, request->body_length, &q, why, sizeof(why)) < 0) {
		aws_fail(&err, "MalformedQueryString", "The query string is malformed: %s", why);
		goto refused;
	}
	op = dispatch(service, &q, &err);
	if (!op)
		goto refused;
	snprintf(principal, sizeof(principal), "arn:aws:iam::%s:root", key->account);
	rc = run(door, op,
		 &(struct aws_call){ .service = service,
				     .region = door->region,
				     .principal = principal,
				     .account = key->account,
				     .query = &q,
				     .handler = door->handler,
				     .handler_ctx = door->ctx,
				     .err = &err },
		 &token, &result, reply);
	if (rc > 0)
		goto done;
	if (rc < 0)
		goto refused;
	answer_result(service, op, result, reply);
	if (token && reply->status == 200)
		aws_tokens_keep(door->tokens, key->account, &q, token, reply);
	goto done;
refused:
	answer_error(service, &err, reply);
done:
	json_object_put(result);
	query_free(&q);
}
