// Tool schemas as agents see them: JSON Schema from our zod schemas, listed by the SDK, validated by us.
//
// The SDK would validate arguments itself and answer a mismatch with bare text, and the SDK's Client checks
// every structuredContent (error results included) against the tool's outputSchema. So each tool hands the
// SDK an object schema that accepts any object and carries the real JSON Schema as zod metadata: tools/list
// shows the real schema, our handler validates (INVALID_INPUT with paths in structuredContent), and the
// output schema admits both the success shape and the `{ error }` shape.
import { z } from 'zod';
import { WireErrorSchema } from './output-schemas.js';

/** A JSON Schema object, as tools/list carries it. */
export type JsonSchema = { readonly [keyword: string]: unknown };

const TARGET = 'draft-7';

function withoutDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/** The JSON Schema of a tool's arguments: fields with defaults are optional; `rules` adds what zod can't say. */
export function inputJsonSchema(schema: z.ZodType, rules: JsonSchema = {}): JsonSchema {
  return { ...withoutDialect(z.toJSONSchema(schema, { io: 'input', target: TARGET }) as JsonSchema), ...rules };
}

const ERROR_RESULT_JSON = withoutDialect(z.toJSONSchema(z.strictObject({ error: WireErrorSchema }), { io: 'output', target: TARGET }) as JsonSchema);

/** The JSON Schema of a tool's structuredContent: the success shape, or `{ error: { code, message, details } }`. */
export function outputJsonSchema(schema: z.ZodType): JsonSchema {
  return { type: 'object', anyOf: [withoutDialect(z.toJSONSchema(schema, { io: 'output', target: TARGET }) as JsonSchema), ERROR_RESULT_JSON] };
}

/** An object schema that accepts any object and lists (in tools/list) as `json`. */
export function advertise(json: JsonSchema): z.ZodObject {
  return z.looseObject({}).meta({ ...json });
}
