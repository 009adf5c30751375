const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A UUID as PostgreSQL prints it. Ids are checked before they reach a query, so a malformed one
 * (a forged cursor key, an id from a body) is "not found" or a 400, never a cast error.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A millisecond ISO instant exactly as `Date.toISOString()` writes it. The round trip matters:
 * `Date.parse` accepts a 30 February (rolling it over to March) and a 24:00, which PostgreSQL
 * refuses or rolls over, so a cursor key passing only the shape surfaced as a 500.
 */
export function isIsoInstant(value: string): boolean {
  if (!ISO_INSTANT.test(value)) {
    return false;
  }
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString() === value;
}
