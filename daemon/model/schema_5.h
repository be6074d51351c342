/* SPDX-License-Identifier: MIT */
/* The tables schema version 5 added to version 4's, one block per feature: made with the
 * rest of the schema for a new state file (store.c), and by the migration from version 4
 * (migrations.c), from this one text. */
#ifndef XL_SCHEMA_5_H
#define XL_SCHEMA_5_H

extern const char schema_5_tables[];

#endif
