/* SPDX-License-Identifier: MIT */
/* AWS-style identifiers, names and addresses: what they look like, how they are drawn
 * at random, and the rule that says which principals an allowed-principal entry admits. */
#include "ids.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#define HEX_DIGITS	 "0123456789abcdef"
#define LOWER_ALNUM	 "abcdefghijklmnopqrstuvwxyz0123456789"
#define MIXED_ALNUM	 LOWER_ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define ZONES_PER_REGION 6
#define ACCOUNT_DIGITS	 12
#define IAM_NAME_MAX	 64
#define IAM_ARN_PREFIX	 "arn:aws:iam::"

/* ---- Random identifiers ----------------------------------------------------------------- */

static int fill_random(unsigned char *bytes, size_t length)
{
	size_t done = 0;

	while (done < length) {
		ssize_t got = getrandom(bytes + done, length - done, 0);

		if (got < 0)
			return -1;
		done += (size_t)got;
	}
	return 0;
}

/* Uniform over the alphabet: bytes past the largest multiple of its size are redrawn. */
static int random_chars(char *out, size_t length, const char *alphabet)
{
	size_t size = strlen(alphabet);
	unsigned int limit = 256 - 256 % (unsigned int)size;
	size_t done = 0;

	while (done < length) {
		unsigned char bytes[64];

		if (fill_random(bytes, sizeof(bytes)) < 0)
			return -1;
		for (size_t i = 0; i < sizeof(bytes) && done < length; i++) {
			if (bytes[i] < limit)
				out[done++] = alphabet[bytes[i] % size];
		}
	}
	out[length] = '\0';
	return 0;
}

/* prefix, "0", then 16 random hex digits: AWS's 17-digit ids all start with 0. */
static int long_id(char out[ID_MAX], const char *prefix)
{
	size_t at = strlen(prefix);

	memcpy(out, prefix, at);
	out[at++] = '0';
	return random_chars(out + at, 16, HEX_DIGITS);
}

int id_new_service(char out[ID_MAX])
{
	return long_id(out, "vpce-svc-");
}

int id_new_endpoint(char out[ID_MAX])
{
	return long_id(out, "vpce-");
}

int id_new_notification(char out[ID_MAX])
{
	return long_id(out, "vpce-nfn-");
}

int id_new_vpc(char out[ID_MAX])
{
	return long_id(out, "vpc-");
}

int id_new_subnet(char out[ID_MAX])
{
	return long_id(out, "subnet-");
}

int id_new_security_group(char out[ID_MAX])
{
	return long_id(out, "sg-");
}

int id_new_security_group_rule(char out[ID_MAX])
{
	return long_id(out, "sgr-");
}

int id_new_permission(char out[ID_MAX])
{
	return long_id(out, "vpce-svc-perm-");
}

int id_new_arn_suffix(char out[ARN_SUFFIX_LEN + 1])
{
	return random_chars(out, ARN_SUFFIX_LEN, HEX_DIGITS);
}

int id_new_dns_suffix(char out[9])
{
	return random_chars(out, 8, LOWER_ALNUM);
}

int id_new_token(char *out, size_t length, bool mixed_case)
{
	return random_chars(out, length, mixed_case ? MIXED_ALNUM : LOWER_ALNUM);
}

static bool all_of(const char *text, size_t length, const char *allowed)
{
	for (size_t i = 0; i < length; i++) {
		if (!text[i] || !strchr(allowed, text[i]))
			return false;
	}
	return true;
}

static bool long_id_valid(const char *text, const char *prefix)
{
	size_t length = strlen(prefix);

	return strncmp(text, prefix, length) == 0 && strlen(text) == length + 17 &&
	       all_of(text + length, 17, HEX_DIGITS);
}

bool id_is_service(const char *text)
{
	return long_id_valid(text, "vpce-svc-");
}

bool id_is_endpoint(const char *text)
{
	return long_id_valid(text, "vpce-");
}

bool id_is_security_group(const char *text)
{
	return long_id_valid(text, "sg-");
}

bool id_is_subnet(const char *text)
{
	return long_id_valid(text, "subnet-");
}

bool id_is_vpc(const char *text)
{
	return long_id_valid(text, "vpc-");
}

bool id_is_arn_suffix(const char *text)
{
	return strlen(text) == ARN_SUFFIX_LEN && all_of(text, ARN_SUFFIX_LEN, HEX_DIGITS);
}

bool id_is_dns_suffix(const char *text)
{
	return strlen(text) == 8 && all_of(text, 8, LOWER_ALNUM);
}

/* ---- ARNs and names --------------------------------------------------------------------- */

static bool formatted(int written, size_t size)
{
	return written >= 0 && (size_t)written < size;
}

bool arn_load_balancer(char *out, size_t size, const char *region, const char *account,
		       const char *name, const char *suffix)
{
	return formatted(snprintf(out, size,
				  "arn:aws:elasticloadbalancing:%s:%s:loadbalancer/net/%s/%s",
				  region, account, name, suffix),
			 size);
}

bool arn_target_group(char *out, size_t size, const char *region, const char *account,
		      const char *name, const char *suffix)
{
	return formatted(snprintf(out, size, "arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s",
				  region, account, name, suffix),
			 size);
}

bool arn_listener(char *out, size_t size, const char *lb_arn, const char *suffix)
{
	const char *kind = strstr(lb_arn, ":loadbalancer/");

	if (!kind)
		return false;
	return formatted(snprintf(out, size, "%.*s:listener/%s/%s", (int)(kind - lb_arn), lb_arn,
				  kind + strlen(":loadbalancer/"), suffix),
			 size);
}

bool service_name(char *out, size_t size, const char *region, const char *service_id)
{
	return formatted(snprintf(out, size, "com.amazonaws.vpce.%s.%s", region, service_id), size);
}

bool service_name_parse(const char *name, const char *region, char service_id[ID_MAX])
{
	char prefix[64];
	const char *id = name;

	if (!formatted(snprintf(prefix, sizeof(prefix), "com.amazonaws.vpce.%s.", region),
		       sizeof(prefix)) ||
	    strncmp(name, prefix, strlen(prefix)) != 0)
		return false;
	id += strlen(prefix);
	if (!id_is_service(id))
		return false;
	snprintf(service_id, ID_MAX, "%s", id);
	return true;
}

bool service_base_dns_name(char *out, size_t size, const char *region, const char *service_id)
{
	return formatted(snprintf(out, size, "%s.%s.vpce.amazonaws.com", service_id, region), size);
}

bool endpoint_dns_name(char *out, size_t size, const char *endpoint_id, const char *suffix,
		       const char *zone_name, const char *service_id, const char *region)
{
	return formatted(snprintf(out, size, "%s-%s%s%s.%s.%s.vpce.amazonaws.com", endpoint_id,
				  suffix, zone_name ? "-" : "", zone_name ? zone_name : "",
				  service_id, region),
			 size);
}

/* The hosted zones AWS answers vpce.amazonaws.com names from, per region. */
static const struct {
	const char *region;
	const char *zone;
} hosted_zones[] = {
	{ "af-south-1", "Z09302161J80N9A7UTP7U" },
	{ "ap-east-1", "Z2LIHJ7PKBEMWN" },
	{ "ap-northeast-1", "Z2E726K9Y6RL4W" },
	{ "ap-northeast-2", "Z27UANNT0PRK1T" },
	{ "ap-northeast-3", "Z376B5OMM2JZL2" },
	{ "ap-south-1", "Z2KVTB3ZLFM7JR" },
	{ "ap-south-2", "Z0952991RWSF5AHIQDIY" },
	{ "ap-southeast-1", "Z18LLCSTV4NVNL" },
	{ "ap-southeast-2", "ZDK2GCRPAFKGO" },
	{ "ap-southeast-3", "Z03881013RZ9BYYZO8N5W" },
	{ "ap-southeast-4", "Z07508191CO1RNBX3X3AU" },
	{ "ca-central-1", "ZRCXCF510Y6P9" },
	{ "eu-central-1", "Z273ZU8SZ5RJPC" },
	{ "eu-central-2", "Z045369019J4FUQ4S272E" },
	{ "eu-north-1", "Z3OWWK6JFDEDGC" },
	{ "eu-south-1", "Z2A5FDNRLY7KZG" },
	{ "eu-south-2", "Z014396544HENR57XQCJ" },
	{ "eu-west-1", "Z38GZ743OKFT7T" },
	{ "eu-west-2", "Z7K1066E3PUKB" },
	{ "eu-west-3", "Z1DWHTMFP0WECP" },
	{ "me-central-1", "Z07122992YCEUCB9A9570" },
	{ "me-south-1", "Z3B95P3VBGEQGY" },
	{ "sa-east-1", "Z2LXUWEVLCVZIB" },
	{ "us-east-1", "Z7HUB22UULQXV" },
	{ "us-east-2", "ZC8PG0KIFKBRI" },
	{ "us-gov-east-1", "Z2MU5TEIGO9WXB" },
	{ "us-gov-west-1", "Z12529ZODG2B6H" },
	{ "us-west-1", "Z12I86A8N7VCZO" },
	{ "us-west-2", "Z1YSA3EXCYUU9Z" },
};

const char *vpce_hosted_zone(const char *region)
{
	for (size_t i = 0; i < sizeof(hosted_zones) / sizeof(hosted_zones[0]); i++) {
		if (strcmp(hosted_zones[i].region, region) == 0)
			return hosted_zones[i].zone;
	}
	return NULL;
}

bool resource_name_valid(const char *name)
{
	size_t length = strlen(name);

	for (size_t i = 0; i < length; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '-')
			return false;
	}
	return length >= 1 && length <= 32 && name[0] != '-' && name[length - 1] != '-';
}

static bool dns_label_valid(const char *label, size_t length)
{
	if (length < 1 || length > 63 || label[0] == '-' || label[length - 1] == '-')
		return false;
	return all_of(label, length, "abcdefghijklmnopqrstuvwxyz0123456789-");
}

bool private_dns_name_valid(const char *name)
{
	size_t labels = 0;

	if (strlen(name) > DNS_NAME_MAX - 1)
		return false;
	if (strncmp(name, "*.", 2) == 0)
		name += 2;
	for (;;) {
		const char *dot = strchr(name, '.');
		size_t length = dot ? (size_t)(dot - name) : strlen(name);

		if (!dns_label_valid(name, length))
			return false;
		labels++;
		if (!dot)
			return labels >= 2;
		name = dot + 1;
	}
}

bool iface_name_valid(const char *name)
{
	size_t length = strlen(name);

	if (length < 1 || length > 15 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < length; i++) {
		if (!isgraph((unsigned char)name[i]) || name[i] == '/')
			return false;
	}
	return true;
}

/* ---- Regions and zones ------------------------------------------------------------------ */

static const struct {
	const char *word;
	const char *letters;
} directions[] = {
	{ "east", "e" },       { "west", "w" },	      { "north", "n" },
	{ "south", "s" },      { "central", "c" },    { "northeast", "ne" },
	{ "northwest", "nw" }, { "southeast", "se" }, { "southwest", "sw" },
};

static const char *direction_letters(const char *word, size_t length)
{
	for (size_t i = 0; i < sizeof(directions) / sizeof(directions[0]); i++) {
		if (strlen(directions[i].word) == length &&
		    strncmp(directions[i].word, word, length) == 0)
			return directions[i].letters;
	}
	return NULL;
}

/* The AZ-id prefix of a region: us-east-1 -> use1, ap-southeast-1 -> apse1,
 * us-gov-west-1 -> usgw1. False when the region is not of AWS's form. */
static bool zone_prefix(const char *region, char out[ZONE_MAX])
{
	const char *government = "", *rest, *dash, *letters;

	if (strlen(region) < 3 || strlen(region) >= REGION_MAX ||
	    !all_of(region, 2, "abcdefghijklmnopqrstuvwxyz") || region[2] != '-')
		return false;
	rest = region + 3;
	if (strncmp(rest, "gov-", 4) == 0) {
		government = "g";
		rest += 4;
	}
	dash = strchr(rest, '-');
	if (!dash || !(letters = direction_letters(rest, (size_t)(dash - rest))))
		return false;
	rest = dash + 1;
	if (strlen(rest) < 1 || strlen(rest) > 2 || !all_of(rest, strlen(rest), "0123456789") ||
	    rest[0] == '0')
		return false;
	return formatted(snprintf(out, ZONE_MAX, "%.2s%s%s%s", region, government, letters, rest),
			 ZONE_MAX);
}

bool region_valid(const char *region)
{
	char prefix[ZONE_MAX];

	return zone_prefix(region, prefix);
}

/* The zone number (1..6) of a zone id of the region, or 0. */
static int zone_number(const char *region, const char *zone_id)
{
	char prefix[ZONE_MAX];
	size_t length;

	if (!zone_prefix(region, prefix))
		return 0;
	length = strlen(prefix);
	if (strncmp(zone_id, prefix, length) != 0 || strncmp(zone_id + length, "-az", 3) != 0)
		return 0;
	zone_id += length + 3;
	if (strlen(zone_id) != 1 || zone_id[0] < '1' || zone_id[0] > '0' + ZONES_PER_REGION)
		return 0;
	return zone_id[0] - '0';
}

bool zone_id_valid(const char *region, const char *zone_id)
{
	return zone_number(region, zone_id) > 0;
}

bool zone_name_of(const char *region, const char *zone_id, char out[ZONE_MAX])
{
	int number = zone_number(region, zone_id);

	return number > 0 &&
	       formatted(snprintf(out, ZONE_MAX, "%s%c", region, 'a' + number - 1), ZONE_MAX);
}

bool zone_id_of(const char *region, const char *zone_name, char out[ZONE_MAX])
{
	size_t length = strlen(region);
	char prefix[ZONE_MAX];
	char letter;

	if (strncmp(zone_name, region, length) != 0 || strlen(zone_name) != length + 1 ||
	    !zone_prefix(region, prefix))
		return false;
	letter = zone_name[length];
	if (letter < 'a' || letter >= 'a' + ZONES_PER_REGION)
		return false;
	return formatted(snprintf(out, ZONE_MAX, "%s-az%d", prefix, letter - 'a' + 1), ZONE_MAX);
}

/* ---- IPv4 addresses --------------------------------------------------------------------- */

enum ipv4_status ipv4_parse(const char *text, uint32_t *addr_be)
{
	struct in6_addr v6;
	struct in_addr v4;
	uint32_t first_octet;

	if (inet_pton(AF_INET, text, &v4) != 1)
		return inet_pton(AF_INET6, text, &v6) == 1 ? IPV4_IS_IPV6 : IPV4_MALFORMED;
	first_octet = ntohl(v4.s_addr) >> 24;
	if (first_octet == 0 || first_octet == 127 || first_octet >= 224)
		return IPV4_NOT_UNICAST;
	*addr_be = v4.s_addr;
	return IPV4_OK;
}

bool cidr_parse(const char *text, uint32_t *first, unsigned int *prefix)
{
	const char *slash = strchr(text, '/');
	char address[IPV4_TEXT_MAX];
	unsigned int length = 0;
	struct in_addr v4;
	uint32_t host;
	size_t digits;

	if (!slash || (size_t)(slash - text) >= sizeof(address))
		return false;
	digits = strlen(slash + 1);
	if (digits < 1 || digits > 2 || strspn(slash + 1, "0123456789") != digits)
		return false;
	for (const char *d = slash + 1; *d; d++)
		length = length * 10 + (unsigned int)(*d - '0');
	memcpy(address, text, (size_t)(slash - text));
	address[slash - text] = '\0';
	if (length > 32 || inet_pton(AF_INET, address, &v4) != 1)
		return false;
	host = ntohl(v4.s_addr);
	if (length < 32 && (host & (UINT32_MAX >> length)))
		return false; /* host bits set: not a block */
	*first = host;
	*prefix = length;
	return true;
}

/* ---- Principals ------------------------------------------------------------------------- */

static bool iam_name_valid(const char *name)
{
	size_t length = strlen(name);

	return length >= 1 && length <= IAM_NAME_MAX &&
	       all_of(name, length,
		      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-");
}

static enum principal_type resource_type(const char *resource, bool *valid)
{
	*valid = true;
	if (strcmp(resource, "root") == 0)
		return PRINCIPAL_ACCOUNT;
	if (strncmp(resource, "user/", 5) == 0 && iam_name_valid(resource + 5))
		return PRINCIPAL_USER;
	if (strncmp(resource, "role/", 5) == 0 && iam_name_valid(resource + 5))
		return PRINCIPAL_ROLE;
	*valid = false;
	return PRINCIPAL_ALL;
}

bool principal_parse(const char *text, struct principal *out)
{
	const char *account = text + strlen(IAM_ARN_PREFIX);
	bool valid;

	if (strlen(text) >= PRINCIPAL_MAX)
		return false;
	if (strcmp(text, "*") == 0) {
		*out = (struct principal){ .type = PRINCIPAL_ALL, .arn = "*" };
		return true;
	}
	if (strncmp(text, IAM_ARN_PREFIX, strlen(IAM_ARN_PREFIX)) != 0 ||
	    !all_of(account, ACCOUNT_DIGITS, "0123456789") || account[ACCOUNT_DIGITS] != ':')
		return false;
	out->type = resource_type(account + ACCOUNT_DIGITS + 1, &valid);
	if (!valid)
		return false;
	snprintf(out->account, sizeof(out->account), "%.*s", ACCOUNT_DIGITS, account);
	snprintf(out->arn, sizeof(out->arn), "%s", text);
	return true;
}

const char *principal_type_name(enum principal_type type)
{
	switch (type) {
	case PRINCIPAL_ACCOUNT:
		return "Account";
	case PRINCIPAL_USER:
		return "User";
	case PRINCIPAL_ROLE:
		return "Role";
	case PRINCIPAL_ALL:
		break;
	}
	return "All";
}

bool principal_allows(const char *allowed, const struct principal *caller)
{
	struct principal entry;

	if (!principal_parse(allowed, &entry))
		return false;
	switch (entry.type) {
	case PRINCIPAL_ALL:
		return true;
	case PRINCIPAL_ACCOUNT:
		return strcmp(entry.account, caller->account) == 0;
	case PRINCIPAL_USER:
	case PRINCIPAL_ROLE:
		break;
	}
	return strcmp(entry.arn, caller->arn) == 0;
}
