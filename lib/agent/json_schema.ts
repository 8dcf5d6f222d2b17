/**
 * The part of JSON Schema that tool arguments use, and a validator for it, so a
 * tool's handler only ever sees arguments that match its schema.
 *
 * @module
 */

/** A JSON Schema (the subset tools use: types, properties, required, enum, bounds, items). */
export interface JsonSchema {
  /** The JSON type the value must have. */
  type?: "object" | "string" | "integer" | "number" | "boolean" | "array" | "null";
  /** What the value means, for the model. */
  description?: string;
  /** For objects: the schema of each known property. */
  properties?: Record<string, JsonSchema>;
  /** For objects: the properties that must be present. */
  required?: readonly string[];
  /** For objects: `false` refuses properties not in `properties`. */
  additionalProperties?: boolean;
  /** For arrays: the schema of every item. */
  items?: JsonSchema;
  /** The only values allowed. */
  enum?: readonly (string | number | boolean | null)[];
  /** For numbers: the smallest value allowed. */
  minimum?: number;
  /** For numbers: the largest value allowed. */
  maximum?: number;
  /** For strings: the fewest characters allowed. */
  minLength?: number;
}

/**
 * Checks a value against a schema. Returns one line per problem, naming where it is
 * (`cmd`, `files[2]`); an empty list when the value matches.
 *
 * @example
 * ```ts
 * import { validateJson } from "./json_schema.ts";
 * const schema = { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] } as const;
 * console.log(validateJson(schema, { cmd: "ls" })); // []
 * console.log(validateJson(schema, {})); // ["missing required property cmd"]
 * ```
 */
export function validateJson(schema: JsonSchema, value: unknown, at = ""): string[] {
  const where = at ? `${at}: ` : "";
  if (schema.type !== undefined && !hasType(schema.type, value)) {
    return [`${where}expected ${schema.type}, got ${describe(value)}`];
  }
  const problems: string[] = [];
  if (schema.enum !== undefined && !schema.enum.some((allowed) => allowed === value)) {
    problems.push(`${where}must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      problems.push(`${where}must be at least ${schema.minimum}`);
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      problems.push(`${where}must be at most ${schema.maximum}`);
    }
  }
  if (typeof value === "string" && schema.minLength !== undefined) {
    if (value.length < schema.minLength) {
      problems.push(`${where}must have at least ${schema.minLength} characters`);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const [index, item] of value.entries()) {
      problems.push(...validateJson(schema.items, item, `${at}[${index}]`));
    }
  }
  if (isObject(value)) problems.push(...validateObject(schema, value, at));
  return problems;
}

function validateObject(schema: JsonSchema, value: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  const properties = schema.properties ?? {};
  const path = (name: string) => at ? `${at}.${name}` : name;
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) problems.push(`missing required property ${path(name)}`);
  }
  for (const [name, item] of Object.entries(value)) {
    const propertySchema = properties[name];
    if (propertySchema !== undefined) {
      problems.push(...validateJson(propertySchema, item, path(name)));
    } else if (schema.additionalProperties === false) {
      const known = Object.keys(properties).join(", ") || "none";
      problems.push(`unknown property ${path(name)} (known: ${known})`);
    }
  }
  return problems;
}

function hasType(type: NonNullable<JsonSchema["type"]>, value: unknown): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "null":
      return value === null;
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}
