/* SPDX-License-Identifier: MIT */
/* EC2's connection notifications of a service's or an endpoint's events. There is no SNS
 * here: ConnectionNotificationArn names a webhook or a command the node's operator allows
 * (the model refuses others), and the answer calls it what AWS calls an SNS topic. */
#include "ec2.h"
#include "filters.h"
#include "tagging.h"

static const struct xml_field notification[] = {
	XML_TEXT_FIELD("ConnectionNotificationId", "connectionNotificationId"),
	XML_TEXT_FIELD("ServiceId", "serviceId"),
	XML_TEXT_FIELD("VpcEndpointId", "vpcEndpointId"),
	XML_TEXT_FIELD("ConnectionNotificationType", "connectionNotificationType"),
	XML_TEXT_FIELD("ConnectionNotificationArn", "connectionNotificationArn"),
	XML_LIST_FIELD("ConnectionEvents", "connectionEvents"),
	XML_TEXT_FIELD("ConnectionNotificationState", "connectionNotificationState"),
	XML_END,
};

static const struct xml_field created_output[] = {
	XML_OBJECT_FIELD("ConnectionNotification", "connectionNotification", notification),
	XML_TEXT_FIELD("ClientToken", "clientToken"),
	XML_END,
};

static const struct xml_field described_output[] = {
	XML_OBJECTS_FIELD("ConnectionNotificationSet", "connectionNotificationSet", notification),
	XML_TEXT_FIELD("NextToken", "nextToken"),
	XML_END,
};

static int create_notification(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (aws_param_string(c, "ServiceId", AWS_OPTIONAL, args, "ServiceId") < 0 ||
	    aws_param_string(c, "VpcEndpointId", AWS_OPTIONAL, args, "VpcEndpointId") < 0 ||
	    aws_param_string(c, "ConnectionNotificationArn", AWS_REQUIRED, args,
			     "ConnectionNotificationArn") < 0 ||
	    aws_param_list(c, "ConnectionEvents", AWS_REQUIRED, args, "ConnectionEvents") < 0 ||
	    aws_params_done(c) < 0)
		return aws_drop(args);
	return aws_model_call(c, "CreateVpcEndpointConnectionNotification", args, result);
}

static int describe_notifications(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();
	struct aws_page page;

	if (aws_param_string(c, "ConnectionNotificationId", AWS_OPTIONAL, args,
			     "ConnectionNotificationId") < 0 ||
	    ec2_read_listing(c, args, &page) < 0)
		return aws_drop(args);
	return ec2_describe(c, "DescribeVpcEndpointConnectionNotifications", args, &page,
			    "ConnectionNotificationSet", NULL, result);
}

static int modify_notification(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (aws_param_string(c, "ConnectionNotificationId", AWS_REQUIRED, args,
			     "ConnectionNotificationId") < 0 ||
	    aws_param_string(c, "ConnectionNotificationArn", AWS_OPTIONAL, args,
			     "ConnectionNotificationArn") < 0 ||
	    aws_param_list(c, "ConnectionEvents", AWS_OPTIONAL, args, "ConnectionEvents") < 0 ||
	    aws_params_done(c) < 0)
		return aws_drop(args);
	return aws_model_call(c, "ModifyVpcEndpointConnectionNotification", args, result);
}

static int delete_notifications(struct aws_call *c, json_object **result)
{
	json_object *args = json_object_new_object();

	if (aws_param_list(c, "ConnectionNotificationId", AWS_REQUIRED, args,
			   "ConnectionNotificationIds") < 0 ||
	    aws_params_done(c) < 0)
		return aws_drop(args);
	return aws_model_call(c, "DeleteVpcEndpointConnectionNotifications", args, result);
}

const struct aws_operation ec2_notification_operations[] = {
	{ "CreateVpcEndpointConnectionNotification", create_notification, created_output, true },
	{ "DescribeVpcEndpointConnectionNotifications", describe_notifications, described_output,
	  false },
	{ "ModifyVpcEndpointConnectionNotification", modify_notification, ec2_return_value_output,
	  false },
	{ "DeleteVpcEndpointConnectionNotifications", delete_notifications, ec2_unsuccessful_output,
	  false },
	{ NULL, NULL, NULL, false },
};
