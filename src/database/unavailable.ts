import { QueryFailedError } from 'typeorm';

/**
 * PostgreSQL SQLSTATEs that mean "the database cannot serve this now", not "this request is
 * wrong": connection exceptions (class 08), the server shutting down or starting (57P01–57P03),
 * too many connections (53300), and the app's own bounds: a statement cancelled by
 * statement_timeout (57014) or a lock not granted within lock_timeout (55P03).
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '55P03']);
/** Socket-level failures reported by Node. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
/** What node-postgres says when a connection is lost, refused or not granted in time. */
const DRIVER_MESSAGES = [
  /^Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /^connect ECONNREFUSED/i,
  /the database system is (shutting down|starting up|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  // TypeORM releases a query runner whose connection failed; the transaction's next statement
  // then reports the release instead of the lost connection.
  /^Query runner already released/i,
  /^Database connection provided by a query runner was already released/i,
];

/** True when `error` says the database is unreachable or overloaded: answer 503, retry later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  for (const candidate of [cause, (cause as { cause?: unknown } | undefined)?.cause]) {
    // Duck-typed: errors raised by Node's sockets may come from another realm (e.g. under Jest's
    // VM), where `instanceof Error` is false.
    if (typeof candidate !== 'object' || candidate === null) {
      continue;
    }
    const { code, message } = candidate as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_STATES.has(code))) {
      return true;
    }
    if (typeof code === 'string' && SOCKET_CODES.has(code)) {
      return true;
    }
    if (typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message))) {
      return true;
    }
  }
  return false;
}
