/* SPDX-License-Identifier: MIT */
/* Unit tests of the AWS endpoint's parts that need no agent: Signature Version 4 against
 * AWS's published test vector and requests signed by the aws CLI's own botocore, the strict
 * form decoder and list reading, XML rendering, the access keys file, and the lists'
 * filters. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/check.h"
#include "aws_credentials.h"
#include "list_filters.h"
#include "query.h"
#include "sigv4.h"
#include "xml.h"

#define EXAMPLE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

/* ---- SigV4 ------------------------------------------------------------------------------ */

/* The signature of `request` as the server computes it, with the example secret. */
static void sign(const struct sigv4_request *request, const struct sigv4_authorization *auth,
		 const char *amz_date, char signature[SIGV4_HEX_LEN + 1])
{
	char *canonical = sigv4_canonical_request(request, auth->signed_headers);
	char *to_sign = sigv4_string_to_sign(amz_date, auth, canonical);
	unsigned char key[SIGV4_KEY_LEN];

	sigv4_signing_key(EXAMPLE_SECRET, auth->date, auth->region, auth->service, key);
	sigv4_signature(key, to_sign, signature);
	free(canonical);
	free(to_sign);
}

/* aws-c-auth's aws-signing-test-suite v4/get-vanilla: every intermediate value. */
static void sigv4_matches_awss_get_vanilla_vector(void)
{
	static const struct sigv4_header headers[] = {
		{ "Host", "example.amazonaws.com" },
		{ "X-Amz-Date", "20150830T123600Z" },
	};
	struct sigv4_authorization auth;
	char why[160], hash[SIGV4_HEX_LEN + 1], signature[SIGV4_HEX_LEN + 1], key_hex[65];
	struct sigv4_request request = { "GET", "/", "", headers, 2, NULL };
	unsigned char key[SIGV4_KEY_LEN];
	char *canonical, *to_sign;

	sigv4_sha256_hex("", 0, hash);
	CHECK_STR(hash, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	request.payload_hash = hash;
	CHECK_EQ(sigv4_parse_authorization(
		     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
		     "aws4_request, SignedHeaders=host;x-amz-date, "
		     "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
		     &auth, why, sizeof(why)),
		 0);
	canonical = sigv4_canonical_request(&request, auth.signed_headers);
	CHECK_STR(canonical, "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
			     "host;x-amz-date\n"
			     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	to_sign = sigv4_string_to_sign("20150830T123600Z", &auth, canonical);
	CHECK_STR(to_sign, "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/"
			   "aws4_request\n"
			   "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
	sigv4_signing_key(EXAMPLE_SECRET, "20150830", "us-east-1", "service", key);
	for (size_t i = 0; i < sizeof(key); i++)
		snprintf(key_hex + 2 * i, 3, "%02x", key[i]);
	CHECK_STR(key_hex, "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75");
	sigv4_signature(key, to_sign, signature);
	CHECK_STR(signature, auth.signature);
	CHECK(sigv4_same(signature, auth.signature));
	free(canonical);
	free(to_sign);
}

/* A request Debian's awscli 2.9.19 sent, captured (aws-protocols.md §5). */
static void sigv4_matches_a_request_the_aws_cli_signed(void)
{
	static const char body[] = "Action=DescribeVpcEndpointServices&Version=2016-11-15";
	static const struct sigv4_header headers[] = {
		{ "Host", "127.0.0.1:18777" },
		{ "Accept-Encoding", "identity" },
		{ "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" },
		{ "User-Agent", "aws-cli/2.9.19 Python/3.11.7 Linux/6 source/x86_64.debian.12" },
		{ "X-Amz-Date", "20261201T203933Z" },
		{ "Content-Length", "53" },
	};
	struct sigv4_request request = { "POST", "/", "", headers, 6, NULL };
	char hash[SIGV4_HEX_LEN + 1], signature[SIGV4_HEX_LEN + 1], why[160];
	struct sigv4_authorization auth;
	char *canonical;

	sigv4_sha256_hex(body, strlen(body), hash);
	CHECK_STR(hash, "372b0f22b30bddb78ed7fae428780a3776c91e59e594be73e112a85dfb757ef8");
	request.payload_hash = hash;
	CHECK_EQ(sigv4_parse_authorization(
		     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/us-east-1/ec2/aws4_request, "
		     "SignedHeaders=content-type;host;x-amz-date, "
		     "Signature=05dba09bc903d2317fb7619c256c5c07e0ccc2dfc5d96c664550b2f608f5dbed",
		     &auth, why, sizeof(why)),
		 0);
	CHECK_STR(auth.key_id, "AKIDEXAMPLE");
	CHECK_STR(auth.service, "ec2");
	canonical = sigv4_canonical_request(&request, auth.signed_headers);
	CHECK_STR(canonical,
		  "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"
		  "host:127.0.0.1:18777\nx-amz-date:20261201T203933Z\n\n"
		  "content-type;host;x-amz-date\n"
		  "372b0f22b30bddb78ed7fae428780a3776c91e59e594be73e112a85dfb757ef8");
	free(canonical);
	sign(&request, &auth, "20261201T203933Z", signature);
	CHECK_STR(signature, "05dba09bc903d2317fb7619c256c5c07e0ccc2dfc5d96c664550b2f608f5dbed");
	/* one byte of the body changed: another signature */
	sigv4_sha256_hex("Action=DescribeVpcEndpointServices&Version=2016-11-16", 53, hash);
	sign(&request, &auth, "20261201T203933Z", signature);
	CHECK(!sigv4_same(signature, auth.signature));
}

/* Signed by the aws CLI's botocore (awscli 2.9.19's SigV4Auth): an --endpoint-url with a
 * path, and a signed header whose value has runs of white space to fold. */
static void sigv4_folds_white_space_and_keeps_the_path(void)
{
	static const char body[] = "Action=DescribeLoadBalancers&Version=2015-12-01&"
				   "Names.member.1=web";
	static const struct sigv4_header headers[] = {
		{ "X-Custom", "  a   b\tc  " },
		{ "content-type", "application/x-www-form-urlencoded; charset=utf-8" },
		{ "HOST", "127.0.0.1:8777" },
		{ "x-amz-date", "20261201T203933Z" },
	};
	struct sigv4_request request = { "POST", "/aws", "", headers, 4, NULL };
	char hash[SIGV4_HEX_LEN + 1], signature[SIGV4_HEX_LEN + 1], why[160];
	struct sigv4_authorization auth;
	char *canonical;

	sigv4_sha256_hex(body, strlen(body), hash);
	request.payload_hash = hash;
	CHECK_EQ(sigv4_parse_authorization(
		     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/us-east-1/"
		     "elasticloadbalancing/aws4_request, "
		     "SignedHeaders=content-type;host;x-amz-date;x-custom, "
		     "Signature=52dda7b41bb0f8d3043b930cdc52932bda3fe469aa1a49470318e7302299cfae",
		     &auth, why, sizeof(why)),
		 0);
	canonical = sigv4_canonical_request(&request, auth.signed_headers);
	CHECK(strstr(canonical, "POST\n/aws\n\n") == canonical);
	CHECK(strstr(canonical, "\nx-custom:a b c\n") != NULL);
	free(canonical);
	sign(&request, &auth, "20261201T203933Z", signature);
	CHECK_STR(signature, auth.signature);
}

static void sigv4_joins_a_repeated_header(void)
{
	static const struct sigv4_header headers[] = {
		{ "Host", "h" },
		{ "X-A", " one " },
		{ "x-a", "two" },
	};
	struct sigv4_request request = { "POST", "/a b", "", headers, 3, "0" };
	char *canonical = sigv4_canonical_request(&request, "host;x-a");

	CHECK_STR(canonical, "POST\n/a%20b\n\nhost:h\nx-a:one,two\n\nhost;x-a\n0");
	free(canonical);
}

static void sigv4_refuses_malformed_authorization(void)
{
	static const char *const bad[] = {
		"",
		"AWS4-HMAC-SHA1 Credential=A/20261201/us-east-1/ec2/aws4_request, "
		"SignedHeaders=host, Signature="
		"0000000000000000000000000000000000000000000000000000000000000000",
		"AWS4-HMAC-SHA256 SignedHeaders=host, Signature="
		"0000000000000000000000000000000000000000000000000000000000000000",
		"AWS4-HMAC-SHA256 Credential=A/20261201/us-east-1/ec2/aws4_request, Signature="
		"0000000000000000000000000000000000000000000000000000000000000000",
		"AWS4-HMAC-SHA256 Credential=A/20261201/us-east-1/ec2/aws4_request, "
		"SignedHeaders=host",
		/* short, and uppercase, signatures */
		"AWS4-HMAC-SHA256 Credential=A/20261201/us-east-1/ec2/aws4_request, "
		"SignedHeaders=host, Signature=00",
		"AWS4-HMAC-SHA256 Credential=A/20261201/us-east-1/ec2/aws4_request, "
		"SignedHeaders=host, Signature="
		"000000000000000000000000000000000000000000000000000000000000000A",
		/* a scope without aws4_request, a date that is not 8 digits */
		"AWS4-HMAC-SHA256 Credential=A/20261201/us-east-1/ec2, SignedHeaders=host, "
		"Signature=0000000000000000000000000000000000000000000000000000000000000000",
		"AWS4-HMAC-SHA256 Credential=A/2026121/us-east-1/ec2/aws4_request, "
		"SignedHeaders=host, Signature="
		"0000000000000000000000000000000000000000000000000000000000000000",
		/* unsorted, uppercase, or without host */
		"AWS4-HMAC-SHA256 Credential=A/20261201/us-east-1/ec2/aws4_request, "
		"SignedHeaders=x-amz-date;host, Signature="
		"0000000000000000000000000000000000000000000000000000000000000000",
		"AWS4-HMAC-SHA256 Credential=A/20261201/us-east-1/ec2/aws4_request, "
		"SignedHeaders=Host, Signature="
		"0000000000000000000000000000000000000000000000000000000000000000",
		"AWS4-HMAC-SHA256 Credential=A/20261201/us-east-1/ec2/aws4_request, "
		"SignedHeaders=x-amz-date, Signature="
		"0000000000000000000000000000000000000000000000000000000000000000",
		"AWS4-HMAC-SHA256 Credential=A/20261201/us-east-1/ec2/aws4_request, "
		"SignedHeaders=host;;x-amz-date, Signature="
		"0000000000000000000000000000000000000000000000000000000000000000",
	};
	struct sigv4_authorization auth;
	char why[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (sigv4_parse_authorization(bad[i], &auth, why, sizeof(why)) != -1)
			check_fail(__FILE__, __LINE__, "accepted: %s", bad[i]);
		CHECK(why[0] != '\0');
	}
}

static void sigv4_reads_dates(void)
{
	CHECK_EQ(sigv4_parse_date("20150830T123600Z"), 1440938160);
	CHECK_EQ(sigv4_parse_date("20150830T123600"), -1);
	CHECK_EQ(sigv4_parse_date("2015-08-30T12:36:00Z"), -1);
	CHECK_EQ(sigv4_parse_date("20151330T123600Z"), -1);
	CHECK_EQ(sigv4_parse_date("2015083OT123600Z"), -1);
	CHECK(!sigv4_same("abc", "abd"));
	CHECK(!sigv4_same("abc", "ab"));
	CHECK(sigv4_same("abc", "abc"));
}

/* ---- The form decoder ----------------------------------------------------------------------- */

static int parse(const char *body, struct query *q)
{
	char why[160];

	return query_parse(body, strlen(body), q, why, sizeof(why));
}

static void query_decodes_the_form_the_cli_sends(void)
{
	struct query q;

	CHECK_EQ(parse("Action=CreateVpcEndpoint&Version=2016-11-15&ServiceName=com.amazonaws."
		       "vpce.us-east-1.vpce-svc-1&TagSpecification.1.Tag.1.Value=my+ep&"
		       "AddAllowedPrincipals.1=arn%3Aaws%3Aiam%3A%3A111122223333%3Aroot&"
		       "Empty=&Bare&Utf8=%C3%A9",
		       &q),
		 0);
	CHECK_EQ(q.count, 8);
	CHECK_STR(query_get(&q, "TagSpecification.1.Tag.1.Value"), "my ep");
	CHECK_STR(query_get(&q, "AddAllowedPrincipals.1"), "arn:aws:iam::111122223333:root");
	CHECK_STR(query_get(&q, "Empty"), "");
	CHECK_STR(query_get(&q, "Bare"), "");
	CHECK_STR(query_get(&q, "Utf8"), "\xc3\xa9");
	CHECK(query_get(&q, "Missing") == NULL);
	CHECK(query_has(&q, "TagSpecification"));
	CHECK(query_has(&q, "TagSpecification.1"));
	CHECK(!query_has(&q, "TagSpec"));
	CHECK_STR(query_unread(&q), "Action");
	query_get(&q, "Action");
	query_get(&q, "Version");
	query_get(&q, "ServiceName");
	CHECK(query_unread(&q) == NULL);
	query_free(&q);
	CHECK_EQ(parse("", &q), 0);
	CHECK_EQ(q.count, 0);
	query_free(&q);
}

static void query_refuses_a_malformed_form(void)
{
	static const char *const bad[] = {
		"Action=A%",   "Action=A%4",	    "Action=A%G1",     "Action=A B",
		"Action=A%00", "Action=%FF",	    "Action=%C3",      "Action=%ED%A0%80",
		"=value",      "Action=A&Action=B", "Action=\xc3\xa9", "Action=%01",
	};
	struct query q;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &q) != -1)
			check_fail(__FILE__, __LINE__, "accepted: %s", bad[i]);
		CHECK_EQ(q.count, 0);
	}
}

static void query_reads_lists_of_both_apis(void)
{
	struct query q;
	char item[64];

	CHECK_EQ(parse("ServiceId.1=a&ServiceId.2=b&Filter.1.Name=n&Filter.1.Value.1=v&"
		       "Names.member.1=x&Names.member.3=z&Empty=",
		       &q),
		 0);
	CHECK_EQ(query_list_length(&q, "ServiceId", false), 2);
	CHECK_EQ(query_list_length(&q, "Filter", false), 1);
	CHECK_EQ(query_list_length(&q, "Filter.1.Value", false), 1);
	/* a gap ends the list: Names.member.3 stays unread, and is refused as unknown */
	CHECK_EQ(query_list_length(&q, "Names", true), 1);
	CHECK_EQ(query_list_length(&q, "Empty", true), 0);
	CHECK_EQ(query_list_length(&q, "Missing", false), 0);
	query_list_item("Targets", true, 2, item, sizeof(item));
	CHECK_STR(item, "Targets.member.2");
	query_list_item("SubnetId", false, 1, item, sizeof(item));
	CHECK_STR(item, "SubnetId.1");
	query_free(&q);
}

/* ---- XML ---------------------------------------------------------------------------------- */

static const struct xml_field inner[] = {
	XML_TEXT_FIELD("Code", "code"),
	XML_END,
};

static const struct xml_field shape[] = {
	XML_TEXT_FIELD("Text", "text"),	       XML_TEXT_FIELD("On", "on"),
	XML_TEXT_FIELD("Number", "number"),    XML_LIST_FIELD("Names", "nameSet"),
	XML_LIST_FIELD("None", "noneSet"),     XML_OBJECTS_FIELD("Items", "itemSet", inner),
	XML_OBJECT_FIELD("One", "one", inner), XML_ONE_ITEM_FIELD("Single", "Singles", inner),
	XML_TEXT_FIELD("Absent", "absent"),    XML_END,
};

static void xml_renders_a_shape_with_escapes(void)
{
	json_object *value = json_tokener_parse(
	    "{\"Text\": \"a<b & c>d \\\"q\\\"\", \"On\": true, \"Number\": 42, "
	    "\"Names\": [\"x\", \"y\"], \"None\": [], \"Items\": [{\"Code\": \"c1\"}], "
	    "\"One\": {\"Code\": \"c2\", \"Extra\": 1}, \"Single\": {\"Code\": \"c3\"}}");
	struct xml_doc *doc = xml_begin("OpResponse", "http://example/ns/", "item");
	size_t length = 0;
	char *text;

	xml_text(doc, "requestId", "r-1");
	xml_fields(doc, value, shape);
	text = xml_end(doc, &length);
	CHECK_STR(text,
		  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		  "<OpResponse xmlns=\"http://example/ns/\"><requestId>r-1</requestId>"
		  "<text>a&lt;b &amp; c&gt;d &quot;q&quot;</text><on>true</on><number>42</number>"
		  "<nameSet><item>x</item><item>y</item></nameSet><noneSet/>"
		  "<itemSet><item><code>c1</code></item></itemSet><one><code>c2</code></one>"
		  "<Singles><item><code>c3</code></item></Singles></OpResponse>\n");
	CHECK_EQ(length, strlen(text));
	free(text);
	json_object_put(value);
}

static void xml_lists_members_for_elbv2(void)
{
	json_object *value = json_tokener_parse("{\"Names\": [\"a\"]}");
	struct xml_doc *doc = xml_begin("R", NULL, "member");
	size_t length;
	char *text;

	xml_fields(doc, value, shape);
	text = xml_end(doc, &length);
	CHECK(strstr(text, "<R><nameSet><member>a</member></nameSet></R>") != NULL);
	free(text);
	json_object_put(value);
}

/* ---- The access keys file ------------------------------------------------------------------- */

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, text, strlen(text)), (long long)strlen(text));
	close(fd);
	chmod(path, mode);
}

static bool loads(const char *path, struct aws_keys *keys, char *why, size_t why_size)
{
	bool missing;

	return aws_keys_load(path, keys, &missing, why, why_size) == 0;
}

static void credentials_file_is_read_strictly(void)
{
	char dir[] = "/tmp/xl-aws-test.XXXXXX", path[64], why[256];
	struct aws_keys keys;
	bool missing;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/keys", dir);
	CHECK_EQ(aws_keys_load(path, &keys, &missing, why, sizeof(why)), 0);
	CHECK(missing);
	CHECK_EQ(keys.count, 0);
	write_file(path,
		   "# comment\n\n  AKIAAAAAAAAAAAAAAAAA secret/+1 111111111111  \n"
		   "AKIABBBBBBBBBBBBBBBB s2 222222222222\n",
		   0600);
	CHECK(loads(path, &keys, why, sizeof(why)));
	CHECK_EQ(keys.count, 2);
	CHECK_STR(aws_keys_find(&keys, "AKIABBBBBBBBBBBBBBBB")->account, "222222222222");
	CHECK_STR(aws_keys_find(&keys, "AKIAAAAAAAAAAAAAAAAA")->secret, "secret/+1");
	CHECK(aws_keys_find(&keys, "AKIACCCCCCCCCCCCCCCC") == NULL);
	aws_keys_free(&keys);

	/* readable by others: refused, whatever it holds */
	chmod(path, 0644);
	CHECK(!loads(path, &keys, why, sizeof(why)));
	CHECK(strstr(why, "chmod 600") != NULL);
	static const char *const bad[] = {
		"AKIAAAAAAAAAAAAAAAAA secret\n",		    /* two fields */
		"AKIAAAAAAAAAAAAAAAAA secret 111111111111 extra\n", /* four */
		"akiaaaaaaaaaaaaaaaaa secret 111111111111\n",	    /* lowercase id */
		"AKIA secret 111111111111\n",			    /* short id */
		"AKIAAAAAAAAAAAAAAAAA secret 11111111111\n",	    /* 11 digits */
		"AKIAAAAAAAAAAAAAAAAA s 111111111111\nAKIAAAAAAAAAAAAAAAAA t 222222222222\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(path, bad[i], 0600);
		if (loads(path, &keys, why, sizeof(why)))
			check_fail(__FILE__, __LINE__, "accepted: %s", bad[i]);
		CHECK(strstr(why, path) != NULL);
	}
	unlink(path);
	rmdir(dir);
}

static void credentials_are_added_and_removed(void)
{
	char dir[] = "/tmp/xl-aws-test.XXXXXX", path[96], why[256];
	struct aws_key first, second;
	struct aws_keys keys;
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/etc/keys", dir);
	CHECK_EQ(aws_keys_add(path, "22222222222x", &first, why, sizeof(why)), -1);
	CHECK_EQ(aws_keys_add(path, "222222222222", &first, why, sizeof(why)), 0);
	CHECK_EQ(aws_keys_add(path, "333333333333", &second, why, sizeof(why)), 0);
	CHECK_EQ(strlen(first.id), 20);
	CHECK(strncmp(first.id, "AKIA", 4) == 0);
	CHECK_EQ(strlen(first.secret), 40);
	CHECK(strcmp(first.id, second.id) != 0);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK(loads(path, &keys, why, sizeof(why)));
	CHECK_EQ(keys.count, 2);
	CHECK_STR(aws_keys_find(&keys, first.id)->secret, first.secret);
	aws_keys_free(&keys);
	CHECK_EQ(aws_keys_remove(path, first.id, why, sizeof(why)), 1);
	CHECK_EQ(aws_keys_remove(path, first.id, why, sizeof(why)), 0);
	CHECK(loads(path, &keys, why, sizeof(why)));
	CHECK_EQ(keys.count, 1);
	CHECK(aws_keys_find(&keys, second.id) != NULL);
	aws_keys_free(&keys);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	/* a file others can read is not written to */
	chmod(path, 0640);
	CHECK_EQ(aws_keys_add(path, "222222222222", &first, why, sizeof(why)), -1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", dir);
	rmdir(path);
	rmdir(dir);
}

/* ---- The lists' filters, which both front doors hand to the agent ------------------------- */

/* The ids left of `list` (JSON) under `filters` (JSON) for `action`: "a,b", or the refusal's
 * code. */
static const char *filtered(const char *action, const char *filters, const char *list)
{
	static char out[256];
	json_object *args = json_tokener_parse(filters), *result = json_tokener_parse(list);
	struct list_filters f;
	struct api_error err;

	out[0] = '\0';
	if (list_filters_take(action, args, &f, &err)) {
		snprintf(out, sizeof(out), "%s", api_code_name(err.code));
	} else {
		json_object *items;
		size_t used = 0;

		CHECK(!json_object_object_get_ex(args, "Filters", NULL)); /* taken out */
		list_filters_apply(&f, result);
		items = json_object_object_get(result, "VpcEndpoints");
		for (size_t i = 0; i < json_object_array_length(items); i++)
			used += (size_t)snprintf(
			    out + used, sizeof(out) - used, "%s%s", i ? "," : "",
			    json_object_get_string(json_object_object_get(
				json_object_array_get_idx(items, i), "VpcEndpointId")));
		list_filters_free(&f);
	}
	json_object_put(args);
	json_object_put(result);
	return out;
}

static void list_filters_and_names_or_values(void)
{
	static const char endpoints[] =
	    "{\"VpcEndpoints\": ["
	    "{\"VpcEndpointId\": \"a\", \"State\": \"available\", \"VpcId\": \"vpc-1\","
	    " \"DnsEntries\": [{\"DnsName\": \"x.example\"}]},"
	    "{\"VpcEndpointId\": \"b\", \"State\": \"pendingAcceptance\", \"VpcId\": \"vpc-1\"},"
	    "{\"VpcEndpointId\": \"c\", \"State\": \"deleted\", \"VpcId\": \"vpc-2\"}]}";
	json_object *args = json_tokener_parse("{\"Filters\": []}");
	struct list_filters f;
	struct api_error err;

	CHECK_STR(filtered("DescribeVpcEndpoints", "{}", endpoints), "a,b,c");
	CHECK_STR(filtered("DescribeVpcEndpoints",
			   "{\"Filters\": [{\"Name\": \"vpc-endpoint-state\","
			   " \"Values\": [\"available\", \"pendingAcceptance\"]}]}",
			   endpoints),
		  "a,b");
	CHECK_STR(filtered("DescribeVpcEndpoints",
			   "{\"Filters\": [{\"Name\": \"vpc-endpoint-state\","
			   " \"Values\": [\"available\", \"deleted\"]},"
			   " {\"Name\": \"vpc-id\", \"Values\": [\"vpc-2\"]}]}",
			   endpoints),
		  "c");
	CHECK_STR(
	    filtered("DescribeVpcEndpoints",
		     "{\"Filters\": [{\"Name\": \"vpc-endpoint-state\", \"Values\": [\"pend*\"]}]}",
		     endpoints),
	    "b");
	CHECK_STR(filtered("DescribeVpcEndpoints",
			   "{\"Filters\": [{\"Name\": \"tag:team\", \"Values\": [\"x\"]}]}",
			   endpoints),
		  "");
	CHECK_STR(filtered("DescribeVpcEndpoints",
			   "{\"Filters\": [{\"Name\": \"state\", \"Values\": [\"available\"]}]}",
			   endpoints),
		  "InvalidParameterValue");
	CHECK_STR(
	    filtered("DescribeVpcEndpoints", "{\"Filters\": [{\"Name\": \"vpc-id\"}]}", endpoints),
	    "InvalidParameterValue");
	CHECK_STR(filtered("DescribeVpcEndpoints",
			   "{\"Filters\": [{\"Name\": \"vpc-id\", \"Value\": [\"vpc-1\"]}]}",
			   endpoints),
		  "ValidationError");
	CHECK_STR(
	    filtered("DescribeVpcEndpoints", "{\"Filters\": {\"Name\": \"vpc-id\"}}", endpoints),
	    "ValidationError");
	/* an action whose list has no filters leaves them to its arguments' reader */
	CHECK_EQ(list_filters_take("CreateVpcEndpoint", args, &f, &err), 0);
	CHECK(json_object_object_get_ex(args, "Filters", NULL));
	json_object_put(args);
	CHECK_STR(list_filters_for("DescribeTargetHealth")->list_key, "TargetHealthDescriptions");
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE(sigv4_matches_awss_get_vanilla_vector),
		TEST_CASE(sigv4_matches_a_request_the_aws_cli_signed),
		TEST_CASE(sigv4_folds_white_space_and_keeps_the_path),
		TEST_CASE(sigv4_joins_a_repeated_header),
		TEST_CASE(sigv4_refuses_malformed_authorization),
		TEST_CASE(sigv4_reads_dates),
		TEST_CASE(query_decodes_the_form_the_cli_sends),
		TEST_CASE(query_refuses_a_malformed_form),
		TEST_CASE(query_reads_lists_of_both_apis),
		TEST_CASE(xml_renders_a_shape_with_escapes),
		TEST_CASE(xml_lists_members_for_elbv2),
		TEST_CASE(credentials_file_is_read_strictly),
		TEST_CASE(credentials_are_added_and_removed),
		TEST_CASE(list_filters_and_names_or_values),
	};

	return RUN_TESTS("aws", cases, argc, argv);
}
