/* SPDX-License-Identifier: MIT */
/* Unit tests of AWS-style identifiers: id formats, ARNs, service and DNS names, zones
 * of several regions, IPv4 parsing, and principal parsing and matching. */
#include <arpa/inet.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>

#include "../lib/check.h"
#include "ids.h"

static bool matches(const char *text, const char *pattern)
{
	regex_t re;
	int rc;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	rc = regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	return rc == 0;
}

static void random_ids_have_aws_formats(void)
{
	char a[ID_MAX], b[ID_MAX], suffix[ARN_SUFFIX_LEN + 1], dns[9], token[21];

	CHECK_EQ(id_new_service(a), 0);
	CHECK(matches(a, "^vpce-svc-0[0-9a-f]{16}$"));
	CHECK_EQ(id_new_service(b), 0);
	CHECK(strcmp(a, b) != 0);
	CHECK_EQ(id_new_endpoint(a), 0);
	CHECK(matches(a, "^vpce-0[0-9a-f]{16}$"));
	CHECK(id_is_endpoint(a));
	CHECK_EQ(id_new_permission(a), 0);
	CHECK(matches(a, "^vpce-svc-perm-[0-9a-f]{17}$"));
	CHECK_EQ(id_new_arn_suffix(suffix), 0);
	CHECK(matches(suffix, "^[0-9a-f]{16}$"));
	CHECK_EQ(id_new_dns_suffix(dns), 0);
	CHECK(matches(dns, "^[a-z0-9]{8}$"));
	CHECK_EQ(id_new_token(token, 20, true), 0);
	CHECK(matches(token, "^[a-zA-Z0-9]{20}$"));
}

static void id_checks_accept_only_their_form(void)
{
	CHECK(id_is_endpoint("vpce-0123456789abcdef0"));
	CHECK(!id_is_endpoint("vpce-0123456789abcdef"));
	CHECK(!id_is_endpoint("vpce-0123456789ABCDEF0"));
	CHECK(!id_is_endpoint("vpce-svc-0123456789abcdef0"));
	CHECK(id_is_service("vpce-svc-0123456789abcdef0"));
	CHECK(!id_is_service("vpce-0123456789abcdef0"));
	CHECK(!id_is_service("vpce-svc-0123456789abcdef0x"));
}

static void arns_follow_elbv2(void)
{
	char lb[ARN_MAX], tg[ARN_MAX], listener[ARN_MAX];

	CHECK(arn_load_balancer(lb, sizeof(lb), "us-east-1", "111111111111", "web",
				"0123456789abcdef"));
	CHECK_STR(lb, "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/web/"
		      "0123456789abcdef");
	CHECK(arn_target_group(tg, sizeof(tg), "eu-west-2", "222222222222", "web-tg",
			       "fedcba9876543210"));
	CHECK_STR(tg, "arn:aws:elasticloadbalancing:eu-west-2:222222222222:targetgroup/web-tg/"
		      "fedcba9876543210");
	CHECK(arn_listener(listener, sizeof(listener), lb, "00000000000000ff"));
	CHECK_STR(listener, "arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/web/"
			    "0123456789abcdef/00000000000000ff");
	CHECK(!arn_listener(listener, sizeof(listener), tg, "00000000000000ff"));
	CHECK(!arn_load_balancer(lb, 20, "us-east-1", "111111111111", "web", "0123456789abcdef"));
}

static void service_and_dns_names(void)
{
	char name[DNS_NAME_MAX], id[ID_MAX];

	CHECK(service_name(name, sizeof(name), "us-east-1", "vpce-svc-03d5ebb7d9579a2b3"));
	CHECK_STR(name, "com.amazonaws.vpce.us-east-1.vpce-svc-03d5ebb7d9579a2b3");
	CHECK(service_name_parse(name, "us-east-1", id));
	CHECK_STR(id, "vpce-svc-03d5ebb7d9579a2b3");
	CHECK(!service_name_parse(name, "us-east-2", id));
	CHECK(!service_name_parse("com.amazonaws.vpce.us-east-1.vpce-svc-xyz", "us-east-1", id));
	CHECK(!service_name_parse("com.amazonaws.vpce.us-east-1.", "us-east-1", id));
	CHECK(service_base_dns_name(name, sizeof(name), "us-east-1", "vpce-svc-03d5ebb7d9579a2b3"));
	CHECK_STR(name, "vpce-svc-03d5ebb7d9579a2b3.us-east-1.vpce.amazonaws.com");
	CHECK(endpoint_dns_name(name, sizeof(name), "vpce-0aaaabbbbccccdddd", "4r5zme9n", NULL,
				"vpce-svc-03d5ebb7d9579a2b3", "us-east-1"));
	CHECK_STR(name, "vpce-0aaaabbbbccccdddd-4r5zme9n.vpce-svc-03d5ebb7d9579a2b3.us-east-1."
			"vpce.amazonaws.com");
	CHECK(endpoint_dns_name(name, sizeof(name), "vpce-0aaaabbbbccccdddd", "4r5zme9n",
				"us-east-1a", "vpce-svc-03d5ebb7d9579a2b3", "us-east-1"));
	CHECK_STR(name, "vpce-0aaaabbbbccccdddd-4r5zme9n-us-east-1a.vpce-svc-03d5ebb7d9579a2b3."
			"us-east-1.vpce.amazonaws.com");
	CHECK_STR(vpce_hosted_zone("us-east-1"), "Z7HUB22UULQXV");
	CHECK(vpce_hosted_zone("xx-east-9") == NULL);
}

static void resource_and_interface_names(void)
{
	CHECK(resource_name_valid("web"));
	CHECK(resource_name_valid("web-tg-1"));
	CHECK(resource_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
	CHECK(!resource_name_valid("abcdefghijklmnopqrstuvwxyz0123456"));
	CHECK(!resource_name_valid(""));
	CHECK(!resource_name_valid("-web"));
	CHECK(!resource_name_valid("web-"));
	CHECK(!resource_name_valid("web_tg"));
	CHECK(!resource_name_valid("web tg"));
	CHECK(private_dns_name_valid("api.example.com"));
	CHECK(private_dns_name_valid("*.example.com"));
	CHECK(!private_dns_name_valid("API.example.com"));
	CHECK(!private_dns_name_valid("example"));
	CHECK(!private_dns_name_valid("a..example.com"));
	CHECK(!private_dns_name_valid("-a.example.com"));
	CHECK(!private_dns_name_valid("a.*.example.com"));
	CHECK(iface_name_valid("eth0"));
	CHECK(iface_name_valid("veth-xl.1"));
	CHECK(!iface_name_valid("a-name-of-16-chr"));
	CHECK(!iface_name_valid(""));
	CHECK(!iface_name_valid("a/b"));
	CHECK(!iface_name_valid("a b"));
	CHECK(!iface_name_valid(".."));
}

static void zone_ids_and_names_of_regions(void)
{
	static const struct {
		const char *region, *zone_id, *zone_name;
	} cases[] = {
		{ "us-east-1", "use1-az1", "us-east-1a" },
		{ "us-east-1", "use1-az6", "us-east-1f" },
		{ "eu-west-2", "euw2-az3", "eu-west-2c" },
		{ "ap-southeast-1", "apse1-az2", "ap-southeast-1b" },
		{ "ca-central-1", "cac1-az1", "ca-central-1a" },
		{ "ap-northeast-3", "apne3-az1", "ap-northeast-3a" },
		{ "us-gov-west-1", "usgw1-az2", "us-gov-west-1b" },
	};
	char out[ZONE_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(region_valid(cases[i].region));
		CHECK(zone_id_valid(cases[i].region, cases[i].zone_id));
		CHECK(zone_name_of(cases[i].region, cases[i].zone_id, out));
		CHECK_STR(out, cases[i].zone_name);
		CHECK(zone_id_of(cases[i].region, cases[i].zone_name, out));
		CHECK_STR(out, cases[i].zone_id);
	}
	CHECK(!zone_id_valid("us-east-1", "use1-az7"));
	CHECK(!zone_id_valid("us-east-1", "use1-az0"));
	CHECK(!zone_id_valid("us-east-1", "use1-az1x"));
	CHECK(!zone_id_valid("us-east-1", "euw2-az1"));
	CHECK(!zone_id_valid("us-east-1", "us-east-1a"));
	CHECK(!zone_id_of("us-east-1", "us-east-1g", out));
	CHECK(!zone_id_of("us-east-1", "us-east-2a", out));
	CHECK(!region_valid("us-east"));
	CHECK(!region_valid("us-middle-1"));
	CHECK(!region_valid("US-EAST-1"));
	CHECK(!region_valid("us-east-01"));
	CHECK(!region_valid("u"));
}

static void ipv4_addresses(void)
{
	uint32_t addr = 0;

	CHECK_EQ(ipv4_parse("10.0.1.10", &addr), IPV4_OK);
	CHECK_EQ(addr, inet_addr("10.0.1.10"));
	CHECK_EQ(ipv4_parse("10.0.1", &addr), IPV4_MALFORMED);
	CHECK_EQ(ipv4_parse("010.0.1.1", &addr), IPV4_MALFORMED);
	CHECK_EQ(ipv4_parse("10.0.1.256", &addr), IPV4_MALFORMED);
	CHECK_EQ(ipv4_parse("web", &addr), IPV4_MALFORMED);
	CHECK_EQ(ipv4_parse("fd00::1", &addr), IPV4_IS_IPV6);
	CHECK_EQ(ipv4_parse("127.0.0.1", &addr), IPV4_NOT_UNICAST);
	CHECK_EQ(ipv4_parse("0.0.0.0", &addr), IPV4_NOT_UNICAST);
	CHECK_EQ(ipv4_parse("224.0.0.1", &addr), IPV4_NOT_UNICAST);
	CHECK_EQ(ipv4_parse("255.255.255.255", &addr), IPV4_NOT_UNICAST);
}

static void principals_parse_by_type(void)
{
	struct principal p;

	CHECK(principal_parse("arn:aws:iam::222222222222:root", &p));
	CHECK_EQ(p.type, PRINCIPAL_ACCOUNT);
	CHECK_STR(p.account, "222222222222");
	CHECK_STR(principal_type_name(p.type), "Account");
	CHECK(principal_parse("arn:aws:iam::222222222222:user/alice", &p));
	CHECK_EQ(p.type, PRINCIPAL_USER);
	CHECK_STR(principal_type_name(p.type), "User");
	CHECK(principal_parse("arn:aws:iam::222222222222:role/deploy+ci=x,y.z@w_v-u", &p));
	CHECK_EQ(p.type, PRINCIPAL_ROLE);
	CHECK_STR(principal_type_name(p.type), "Role");
	CHECK(principal_parse("*", &p));
	CHECK_EQ(p.type, PRINCIPAL_ALL);
	CHECK_STR(principal_type_name(p.type), "All");
}

static void malformed_principals_are_refused(void)
{
	static const char *const refused[] = {
		"",
		"**",
		"222222222222",
		"arn:aws:iam::22222222222:root",
		"arn:aws:iam::2222222222222:root",
		"arn:aws:iam::22222222222x:root",
		"arn:aws:iam::222222222222:",
		"arn:aws:iam::222222222222:rooted",
		"arn:aws:iam::222222222222:user/",
		"arn:aws:iam::222222222222:user/team/alice",
		"arn:aws:iam::222222222222:role/a/b",
		"arn:aws:iam::222222222222:group/admins",
		"arn:aws:sts::222222222222:assumed-role/x/y",
		"arn:aws-cn:iam::222222222222:root",
		"arn:aws:iam::222222222222:user/a name",
		"arn:aws:iam::222222222222:user/"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct principal p;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (principal_parse(refused[i], &p))
			check_fail(__FILE__, __LINE__, "accepted %s", refused[i]);
	}
}

static void allowed_principals_match_as_aws_does(void)
{
	struct principal root, alice, bob_role, other;

	principal_parse("arn:aws:iam::222222222222:root", &root);
	principal_parse("arn:aws:iam::222222222222:user/alice", &alice);
	principal_parse("arn:aws:iam::222222222222:role/bob", &bob_role);
	principal_parse("arn:aws:iam::333333333333:root", &other);
	CHECK(principal_allows("*", &other));
	CHECK(principal_allows("arn:aws:iam::222222222222:root", &root));
	CHECK(principal_allows("arn:aws:iam::222222222222:root", &alice));
	CHECK(principal_allows("arn:aws:iam::222222222222:root", &bob_role));
	CHECK(!principal_allows("arn:aws:iam::222222222222:root", &other));
	CHECK(principal_allows("arn:aws:iam::222222222222:user/alice", &alice));
	CHECK(!principal_allows("arn:aws:iam::222222222222:user/alice", &root));
	CHECK(!principal_allows("arn:aws:iam::222222222222:user/alice", &bob_role));
	CHECK(!principal_allows("arn:aws:iam::222222222222:role/alice", &alice));
	CHECK(principal_allows("arn:aws:iam::222222222222:role/bob", &bob_role));
	CHECK(!principal_allows("arn:aws:iam::222222222222:user/bob", &bob_role));
	CHECK(!principal_allows("garbage", &root));
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE(random_ids_have_aws_formats),
		TEST_CASE(id_checks_accept_only_their_form),
		TEST_CASE(arns_follow_elbv2),
		TEST_CASE(service_and_dns_names),
		TEST_CASE(resource_and_interface_names),
		TEST_CASE(zone_ids_and_names_of_regions),
		TEST_CASE(ipv4_addresses),
		TEST_CASE(principals_parse_by_type),
		TEST_CASE(malformed_principals_are_refused),
		TEST_CASE(allowed_principals_match_as_aws_does),
	};

	return RUN_TESTS("ids", cases, argc, argv);
}
