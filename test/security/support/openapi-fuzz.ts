import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: SchemaObject;
}

export interface Operation {
  method: string;
  /** OpenAPI form: `/api/v1/banks/{id}`. */
  path: string;
  parameters: Parameter[];
  bodySchema?: SchemaObject;
  bodyType?: string;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'> & OperationObject>>;
  components: { schemas: Record<string, SchemaObject> };
}

interface OperationObject {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: SchemaObject }> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => {
      const operation = item[method] as OperationObject;
      const content = operation.requestBody?.content ?? {};
      const bodyType = Object.keys(content)[0];
      return {
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        bodySchema: bodyType === undefined ? undefined : content[bodyType]?.schema,
        bodyType,
      };
    }),
  );
}

/** Strings an attacker tries first: injection, markup, control and odd Unicode. */
export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1; SELECT pg_sleep(5)',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  'a\u0000b',
  '\u0000',
  '\ud800',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '𝕐𝕚𝕟𝕢𝕚 🏦💴',
  '通化市应急周转基金'.repeat(40),
  ' ',
  '',
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '99999999999999999999999.99',
  '-0.01',
  '0.001',
  '1,000.00',
  '２０００',
  'true',
  'null',
  '00000000-0000-0000-0000-000000000000',
  '2026-02-30',
  '9999-12-31T23:59:59Z',
  '%00',
  '__proto__',
  'constructor',
];

const junkLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -1, 0, 0.1),
  fc.string({ maxLength: 40, unit: 'grapheme' }),
  fc.string({ minLength: 5000, maxLength: 12000 }),
);

/** Nested junk: objects and arrays of anything, a few levels deep, with prototype keys. */
export const junk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    junkLeaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', '$where')),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;

function resolve(document: OpenApiDocument, schema: SchemaObject): SchemaObject {
  let current = schema;
  for (let hops = 0; current.$ref !== undefined && hops < 10; hops += 1) {
    current = document.components.schemas[current.$ref.split('/').pop() as string] ?? {};
  }
  const combined = current.allOf ?? current.oneOf;
  return combined?.[0] ? resolve(document, combined[0]) : current;
}

/** A value the schema allows (as far as its documented type says), leaning on its example. */
function validValue(
  document: OpenApiDocument,
  raw: SchemaObject,
  depth: number,
): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  if (schema.enum !== undefined && schema.enum.length > 0) {
    return fc.constantFrom(...schema.enum);
  }
  const example = schema.example === undefined ? [] : [fc.constant(schema.example)];
  switch (schema.type) {
    case 'object': {
      if (depth > 4 || schema.properties === undefined) {
        return fc.constant({});
      }
      const shape = Object.fromEntries(
        Object.entries(schema.properties).map(([key, property]) => [
          key,
          validValue(document, property, depth + 1),
        ]),
      );
      return fc.record(shape, { requiredKeys: schema.required ?? [] });
    }
    case 'array':
      return fc.array(validValue(document, schema.items ?? {}, depth + 1), { maxLength: 3 });
    case 'integer':
      return fc.oneof(
        ...example,
        fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000 }),
      );
    case 'number':
      return fc.oneof(...example, fc.integer({ min: 0, max: 1000 }));
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.format === 'uuid') {
        return fc.uuid();
      }
      if (schema.format === 'date') {
        return fc.constantFrom('2026-01-05', '2026-12-31', '2027-03-01');
      }
      if (schema.format === 'date-time') {
        return fc.constantFrom('2026-01-05T08:00:00Z', '2026-12-31T23:59:59.999Z');
      }
      return fc.oneof(...example, fc.string({ maxLength: 20 }));
    default:
      return junkLeaf;
  }
}

/** A value of the wrong shape for the schema: boundaries, wrong types and junk. */
function hostileValue(document: OpenApiDocument, raw: SchemaObject): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  const wrongForType: fc.Arbitrary<unknown>[] =
    schema.type === 'string'
      ? // Numbers where (money) strings belong, and strings past any sensible length.
        [
          fc.double(),
          fc.constantFrom(1500000, 0.1 + 0.2, -0),
          fc.string({ minLength: 1000, maxLength: 70000 }),
        ]
      : schema.type === 'integer' || schema.type === 'number'
        ? [fc.constantFrom('12', 1.5, -1, 2 ** 53, 1e308, Number.MIN_VALUE)]
        : [];
  return fc.oneof(junk, fc.constantFrom(null, undefined), ...wrongForType);
}

/** A body: valid, with one field turned hostile, with extra fields, or plain junk. */
export function bodyArbitrary(
  document: OpenApiDocument,
  schema: SchemaObject,
): fc.Arbitrary<unknown> {
  const resolved = resolve(document, schema);
  const valid = validValue(document, resolved, 0);
  const keys = Object.keys(resolved.properties ?? {});
  const oneHostile =
    keys.length === 0
      ? valid
      : fc.tuple(valid, fc.constantFrom(...keys)).chain(([body, key]) =>
          hostileValue(document, resolved.properties?.[key] ?? {}).map((value) => ({
            ...(body as object),
            [key]: value,
          })),
        );
  const extraField = fc
    .tuple(
      valid,
      fc.constantFrom(
        'status',
        'bankId',
        'enterpriseId',
        'role',
        'cash',
        'hash',
        'verifiedAt',
        'id',
      ),
      junkLeaf,
    )
    .map(([body, key, value]) => ({ ...(body as object), [key]: value }));
  return fc.oneof(
    { arbitrary: valid, weight: 3 },
    { arbitrary: oneHostile, weight: 4 },
    { arbitrary: extraField, weight: 1 },
    { arbitrary: junk, weight: 2 },
  );
}

const stringify = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);

/** A query or path value: the documented kind, a boundary, or hostile text. */
export function parameterArbitrary(
  document: OpenApiDocument,
  schema: SchemaObject,
  realIds: readonly string[],
): fc.Arbitrary<string> {
  const valid = validValue(document, schema, 0).map(stringify);
  return fc.oneof(
    { arbitrary: valid, weight: 4 },
    { arbitrary: fc.constantFrom(...realIds), weight: 2 },
    {
      arbitrary: fc.constantFrom(...HOSTILE_STRINGS, '100000', '-5', '1.5', 'x'.repeat(600)),
      weight: 3,
    },
    { arbitrary: fc.string({ maxLength: 30, unit: 'grapheme' }), weight: 1 },
  );
}
