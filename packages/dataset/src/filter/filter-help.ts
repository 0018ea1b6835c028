// The filter language explained for agents: tool descriptions include it so that a filter can be written unaided.

/** A compact description of the filter language with one example, for MCP tool descriptions. */
export const FILTER_HELP = `Filter language (keywords in any case; an empty filter selects every document):
- Conditions: field = value, != (or <>), <, <=, >, >=; field [NOT] IN (v1, v2, ...); field [NOT] LIKE 'a%' or ILIKE (ignores case), with % and _ wildcards and an optional ESCAPE '!'; field IS [NOT] NULL; field [NOT] BETWEEN low AND high; tags [NOT] CONTAINS 'x' or 'x' [NOT] IN tags.
- Combine with AND, OR, NOT and parentheses; OR binds loosest, then AND, then NOT.
- Values: 'text' (write '' for a quote inside), numbers (42, -1.5, 2e3), TRUE, FALSE. Timestamps are ISO 8601 text: created_at >= '2024-05-01T12:00:00Z' (no offset means UTC).
- Fields: uuid, collection, title, content, context, record_type, parent_id, source_type, source_uri, content_hash (text); chunk_index (number); created_at, updated_at (timestamps); tags (list of text); embedding (IS [NOT] NULL only); metadata.key.subkey (JSON; a number indexes an array: metadata.authors.0). Any other name is a metadata key: status = 'x' means metadata.status = 'x'. Keys with other characters go in double quotes: metadata."my key"; a quoted first name is always a metadata key.
- Metadata values compare by JSON type: priority > 3 matches the number 5, not the text "5".
- A condition on a missing or null value is false, also with != and NOT IN; NOT (...) selects exactly the other documents.
- No functions, arithmetic or field-to-field comparisons.
Example: status = 'reviewed' AND priority >= 3 AND created_at > '2024-01-01' AND NOT 'draft' IN tags`;
