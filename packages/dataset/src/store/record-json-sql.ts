// A stored record as one line of JSON text, built by DuckDB: the form @contextframe/io's JSON and JSONL writers
// write (`recordJson` in packages/io/src/json/record-json.ts), so an export can skip decoding every record
// into JS objects and encoding it again. Keep the two in step: same keys, same order, same timestamp spelling.

/**
 * A TIMESTAMP as `Date.prototype.toISOString` spells it: four-digit years for 0000-9999, otherwise a sign
 * and six digits (`+010000-01-01T00:00:00.000Z`). DuckDB's year 0 is 1 BC, as in JS.
 */
function isoTimestamp(column: string): string {
  return `CASE WHEN year(${column}) BETWEEN 0 AND 9999 THEN strftime(${column}, '%Y-%m-%dT%H:%M:%S.%gZ')
    ELSE (CASE WHEN year(${column}) < 0 THEN '-' ELSE '+' END) || lpad(abs(year(${column}))::VARCHAR, 6, '0')
      || strftime(${column}, '-%m-%dT%H:%M:%S.%gZ') END`;
}

/**
 * The select list of one VARCHAR column, `json`: each record's JSON object. Values are the same JSON values
 * `recordJson` writes; the text may differ in spelling only where JSON allows it: control characters escape
 * as `\u001F` (JS: `\u001f`), metadata numbers keep DuckDB's exponent form (`1e21`, JS: `1e+21`), and vector
 * floats print as float32 values (`0.1`, `0.0`) that read back to the same float32 bits.
 */
export function recordJsonSelect(withEmbedding: boolean): string {
  const fields = [
    'uuid := uuid',
    'collection := collection',
    'title := title',
    'content := content',
    'context := context',
    'tags := tags',
    'metadata := metadata',
    'record_type := record_type',
    'parent_id := parent_id',
    'chunk_index := chunk_index',
    'source_type := source_type',
    'source_uri := source_uri',
    'content_hash := content_hash',
    ...(withEmbedding ? ['embedding := embedding'] : []),
    `created_at := ${isoTimestamp('created_at')}`,
    `updated_at := ${isoTimestamp('updated_at')}`,
  ];
  return `to_json(struct_pack(${fields.join(', ')}))::VARCHAR AS json`;
}
