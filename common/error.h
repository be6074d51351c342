/* SPDX-License-Identifier: MIT */
/* An error as the API returns it: an AWS-style code and a plain sentence. Every code
 * xdplink answers is named once, in API_ERRORS; the rest derive from it. */
#ifndef XL_ERROR_H
#define XL_ERROR_H

#include <stddef.h>

/* X(id, code): API_<id> is the code, written "code" on the wire. */
#define API_ERRORS(X)                                                                              \
	/* any request */                                                                          \
	X(InternalError, "InternalError")                                                          \
	X(MalformedRequest, "MalformedRequest")                                                    \
	X(RequestTooLarge, "RequestTooLarge")                                                      \
	X(InvalidAction, "InvalidAction")                                                          \
	X(ValidationError, "ValidationError")                                                      \
	X(InvalidParameterValue, "InvalidParameterValue")                                          \
	X(InvalidParameter, "InvalidParameter")                                                    \
	X(UnauthorizedOperation, "UnauthorizedOperation")                                          \
	X(UnsupportedProtocol, "UnsupportedProtocol")                                              \
	X(ResourceInUse, "ResourceInUse")                                                          \
	X(DryRunOperation, "DryRunOperation")                                                      \
	/* load balancers, listeners, target groups (ELBv2) */                                     \
	X(LoadBalancerNotFound, "LoadBalancerNotFound")                                            \
	X(DuplicateLoadBalancerName, "DuplicateLoadBalancerName")                                  \
	X(DuplicateLoadBalancerAddress, "DuplicateLoadBalancerAddress")                            \
	X(ListenerNotFound, "ListenerNotFound")                                                    \
	X(DuplicateListener, "DuplicateListener")                                                  \
	X(TooManyListeners, "TooManyListeners")                                                    \
	X(TargetGroupNotFound, "TargetGroupNotFound")                                              \
	X(DuplicateTargetGroupName, "DuplicateTargetGroupName")                                    \
	X(TargetGroupAssociationLimit, "TargetGroupAssociationLimit")                              \
	X(TooManyTargetGroups, "TooManyTargetGroups")                                              \
	X(InvalidTarget, "InvalidTarget")                                                          \
	X(TooManyTargets, "TooManyTargets")                                                        \
	/* endpoint services and interface endpoints (EC2) */                                      \
	X(InvalidVpcEndpointServiceId_NotFound, "InvalidVpcEndpointServiceId.NotFound")            \
	X(InvalidVpcEndpointService_NotFound, "InvalidVpcEndpointService.NotFound")                \
	X(InvalidServiceName, "InvalidServiceName")                                                \
	X(ExistingVpcEndpointConnections, "ExistingVpcEndpointConnections")                        \
	X(InvalidVpcEndpointId_NotFound, "InvalidVpcEndpointId.NotFound")                          \
	X(InvalidVpcEndpointId_Malformed, "InvalidVpcEndpointId.Malformed")                        \
	X(InvalidVpcEndpointType, "InvalidVpcEndpointType")                                        \
	X(InvalidState, "InvalidState")                                                            \
	X(DuplicateSubnetsInSameZone, "DuplicateSubnetsInSameZone")                                \
	X(DuplicateEndpointAddress, "DuplicateEndpointAddress")                                    \
	X(VpcEndpointLimitExceeded, "VpcEndpointLimitExceeded")                                    \
	/* consumer VPCs and subnets (EC2) */                                                      \
	X(InvalidVpcID_NotFound, "InvalidVpcID.NotFound")                                          \
	X(InvalidSubnetID_NotFound, "InvalidSubnetID.NotFound")                                    \
	X(InvalidVpc_Range, "InvalidVpc.Range")                                                    \
	X(InvalidSubnet_Range, "InvalidSubnet.Range")                                              \
	X(InvalidSubnet_Conflict, "InvalidSubnet.Conflict")                                        \
	X(DependencyViolation, "DependencyViolation")                                              \
	/* tags (EC2's codes, then ELBv2's) and connection notifications (EC2) */                  \
	X(InvalidID, "InvalidID")                                                                  \
	X(InvalidTagKey_Malformed, "InvalidTagKey.Malformed")                                      \
	X(TagLimitExceeded, "TagLimitExceeded")                                                    \
	X(TooManyTags, "TooManyTags")                                                              \
	X(DuplicateTagKeys, "DuplicateTagKeys")                                                    \
	X(InvalidConnectionNotification, "InvalidConnectionNotification")                          \
	/* security groups (EC2) */                                                                \
	X(InvalidGroup_NotFound, "InvalidGroup.NotFound")                                          \
	X(InvalidGroup_Duplicate, "InvalidGroup.Duplicate")                                        \
	X(InvalidGroup_Reserved, "InvalidGroup.Reserved")                                          \
	X(InvalidGroupId_Malformed, "InvalidGroupId.Malformed")                                    \
	X(InvalidPermission_Duplicate, "InvalidPermission.Duplicate")                              \
	X(InvalidPermission_NotFound, "InvalidPermission.NotFound")                                \
	X(InvalidPermission_Malformed, "InvalidPermission.Malformed")                              \
	X(RulesPerSecurityGroupLimitExceeded, "RulesPerSecurityGroupLimitExceeded")                \
	X(SecurityGroupsPerInterfaceLimitExceeded, "SecurityGroupsPerInterfaceLimitExceeded")      \
	/* xdplink's own: interfaces and the state file */                                         \
	X(InterfaceNotFound, "InterfaceNotFound")                                                  \
	X(AttachFailed, "AttachFailed")                                                            \
	X(StoreRefused, "StoreRefused")                                                            \
	X(StoreInUse, "StoreInUse")

#define API_ERROR_ENUM(id, code) API_##id,
enum api_code {
	API_ERRORS(API_ERROR_ENUM) API_CODE_COUNT
};
#undef API_ERROR_ENUM

struct api_error {
	enum api_code code;
	char message[256];
};

/* "InvalidVpcEndpointId.Malformed" for API_InvalidVpcEndpointId_Malformed. */
const char *api_code_name(enum api_code code);

/* Fills *err and returns -1, so that a refusal reads `return api_fail(err, ...)`. */
int api_fail(struct api_error *err, enum api_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
