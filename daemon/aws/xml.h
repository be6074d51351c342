/* SPDX-License-Identifier: MIT */
/* AWS's XML responses, written with libxml2's xmlTextWriter (escaping and well-formedness
 * are the library's): a document, elements, and the model's JSON rendered through a table
 * of fields that names each element as the AWS API does. */
#ifndef XL_AWS_XML_H
#define XL_AWS_XML_H

#include <json-c/json.h>
#include <stddef.h>

enum xml_kind {
	XML_TEXT,	   /* a string, number or boolean, as its text */
	XML_LIST,	   /* an array of scalars: <name><item>v</item>...</name> */
	XML_OBJECT,	   /* an object, through `shape` */
	XML_OBJECT_LIST,   /* an array of objects, each an item through `shape` */
	XML_ONE_ITEM_LIST, /* one object, as a list of one item (ELBv2's Create* results) */
};

/* One element of an object: the JSON member `json` as element `xml`. Shapes are arrays
 * ended by an entry without `json`. A member absent from the JSON is left out. */
struct xml_field {
	const char *json;
	const char *xml;
	enum xml_kind kind;
	const struct xml_field *shape;
};

/* Entries of a shape table. */
#define XML_TEXT_FIELD(json, xml)                                                                  \
	{                                                                                          \
		json, xml, XML_TEXT, NULL                                                          \
	}
#define XML_LIST_FIELD(json, xml)                                                                  \
	{                                                                                          \
		json, xml, XML_LIST, NULL                                                          \
	}
#define XML_OBJECT_FIELD(json, xml, shape)                                                         \
	{                                                                                          \
		json, xml, XML_OBJECT, shape                                                       \
	}
#define XML_OBJECTS_FIELD(json, xml, shape)                                                        \
	{                                                                                          \
		json, xml, XML_OBJECT_LIST, shape                                                  \
	}
#define XML_ONE_ITEM_FIELD(json, xml, shape)                                                       \
	{                                                                                          \
		json, xml, XML_ONE_ITEM_LIST, shape                                                \
	}
#define XML_END                                                                                    \
	{                                                                                          \
		NULL, NULL, XML_TEXT, NULL                                                         \
	}

struct xml_doc;

/* A document whose root is <root xmlns="xmlns"> (no attribute when xmlns is NULL); list
 * items are <item_tag> ("item" in EC2, "member" in ELBv2). NULL when out of memory. */
struct xml_doc *xml_begin(const char *root, const char *xmlns, const char *item_tag);
void xml_open(struct xml_doc *doc, const char *name);
void xml_close(struct xml_doc *doc);
void xml_text(struct xml_doc *doc, const char *name, const char *text);
/* The members of `object` that `shape` names, in the shape's order. */
void xml_fields(struct xml_doc *doc, json_object *object, const struct xml_field *shape);
/* Closes every element and returns the text (the caller frees it), or NULL if anything
 * failed on the way. */
char *xml_end(struct xml_doc *doc, size_t *length);

#endif
