/* SPDX-License-Identifier: MIT */
/* Writing AWS's XML with libxml2's xmlTextWriter, into a memory buffer. */
#include "xml.h"

#include <libxml/xmlwriter.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct xml_doc {
	xmlBufferPtr buffer;
	xmlTextWriterPtr writer;
	const char *item_tag;
	bool failed; /* a write failed: the document is not returned */
};

static void check(struct xml_doc *doc, int rc)
{
	if (rc < 0)
		doc->failed = true;
}

struct xml_doc *xml_begin(const char *root, const char *xmlns, const char *item_tag)
{
	struct xml_doc *doc = calloc(1, sizeof(*doc));

	if (!doc)
		return NULL;
	doc->item_tag = item_tag;
	doc->buffer = xmlBufferCreate();
	doc->writer = doc->buffer ? xmlNewTextWriterMemory(doc->buffer, 0) : NULL;
	if (!doc->writer) {
		if (doc->buffer)
			xmlBufferFree(doc->buffer);
		free(doc);
		return NULL;
	}
	check(doc, xmlTextWriterStartDocument(doc->writer, NULL, "UTF-8", NULL));
	xml_open(doc, root);
	if (xmlns)
		check(doc,
		      xmlTextWriterWriteAttribute(doc->writer, BAD_CAST "xmlns", BAD_CAST xmlns));
	return doc;
}

void xml_open(struct xml_doc *doc, const char *name)
{
	check(doc, xmlTextWriterStartElement(doc->writer, BAD_CAST name));
}

void xml_close(struct xml_doc *doc)
{
	check(doc, xmlTextWriterEndElement(doc->writer));
}

void xml_text(struct xml_doc *doc, const char *name, const char *text)
{
	check(doc, xmlTextWriterWriteElement(doc->writer, BAD_CAST name, BAD_CAST text));
}

static void render(struct xml_doc *doc, json_object *value, const struct xml_field *field);

static void render_items(struct xml_doc *doc, json_object *array, const struct xml_field *field)
{
	xml_open(doc, field->xml);
	for (size_t i = 0;
	     json_object_is_type(array, json_type_array) && i < json_object_array_length(array);
	     i++) {
		json_object *item = json_object_array_get_idx(array, i);

		if (field->kind == XML_LIST) {
			xml_text(doc, doc->item_tag, json_object_get_string(item));
			continue;
		}
		xml_open(doc, doc->item_tag);
		xml_fields(doc, item, field->shape);
		xml_close(doc);
	}
	xml_close(doc);
}

static void render(struct xml_doc *doc, json_object *value, const struct xml_field *field)
{
	switch (field->kind) {
	case XML_TEXT:
		/* json-c writes booleans as "true"/"false": the only text botocore reads as true */
		xml_text(doc, field->xml, json_object_get_string(value));
		break;
	case XML_OBJECT:
		xml_open(doc, field->xml);
		xml_fields(doc, value, field->shape);
		xml_close(doc);
		break;
	case XML_ONE_ITEM_LIST:
		xml_open(doc, field->xml);
		xml_open(doc, doc->item_tag);
		xml_fields(doc, value, field->shape);
		xml_close(doc);
		xml_close(doc);
		break;
	case XML_LIST:
	case XML_OBJECT_LIST:
		render_items(doc, value, field);
		break;
	}
}

void xml_fields(struct xml_doc *doc, json_object *object, const struct xml_field *shape)
{
	for (const struct xml_field *field = shape; field && field->json; field++) {
		json_object *value;

		if (json_object_object_get_ex(object, field->json, &value) && value)
			render(doc, value, field);
	}
}

char *xml_end(struct xml_doc *doc, size_t *length)
{
	char *text = NULL;

	check(doc, xmlTextWriterEndDocument(doc->writer));
	xmlFreeTextWriter(doc->writer); /* flushes into the buffer */
	if (!doc->failed) {
		*length = (size_t)xmlBufferLength(doc->buffer);
		text = malloc(*length + 1);
		if (text) {
			memcpy(text, xmlBufferContent(doc->buffer), *length);
			text[*length] = '\0';
		}
	}
	xmlBufferFree(doc->buffer);
	free(doc);
	return text;
}
