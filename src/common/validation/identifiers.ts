const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A UUID as PostgreSQL prints it. Ids are checked before they reach a query, so a malformed one
 * (a forged cursor key, an id from a body) is "not found" or a 400, never a cast error.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A millisecond ISO instant as `Date.toISOString()` writes it, and a real date. */
export function isIsoInstant(value: string): boolean {
  return ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}
