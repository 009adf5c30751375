import { LoggerService } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { Logger as Pino } from 'pino';
import { LogLevel } from '../config/environment.js';

/** The request id of the HTTP request being served, so every log line can carry it. */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const REDACTED = [
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
  'req.headers.authorization',
  'req.headers.cookie',
];

/**
 * The request line as logged: the path, and the query's parameter names without their values.
 * A client that puts a token or personal data in a query string must not put it in the logs.
 */
export function loggableUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) {
    return url;
  }
  const names = url
    .slice(mark + 1)
    .split('&')
    .filter((pair) => pair.length > 0)
    .map((pair) => `${pair.split('=')[0] ?? ''}=[redacted]`);
  return `${url.slice(0, mark)}?${names.join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fields of a database error that carry the statement's values (personal data, hashes). */
const VALUE_BEARING = ['parameters', 'detail', 'where', 'driverError'] as const;

/**
 * pino's error serializer, less what a failed query knows about its values: TypeORM's
 * QueryFailedError carries the bound `parameters`, and PostgreSQL's `detail` repeats key values
 * ("Key (username)=(…) already exists"). The message, code, SQL text and stack stay.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  const driverCode = (error as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  for (const field of VALUE_BEARING) {
    delete serialized[field];
  }
  if (driverCode !== undefined) {
    serialized.code ??= driverCode;
  }
  return serialized;
}

export function createPino(level: LogLevel): Pino {
  return pino({
    level,
    base: { service: 'yinqi' },
    redact: { paths: REDACTED, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Replaces Fastify's request serializer (which logs the full URL, query string included).
    serializers: {
      err: serializeError,
      req: (request: LoggedRequest) => ({
        method: request.method,
        url: loggableUrl(request.url ?? ''),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  });
}

type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's LoggerService over pino: one JSON line per entry, with the Nest context and the
 * current request id. Fastify writes the access log through the same pino instance.
 */
export class JsonLogger implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes `(message, ...params, context)`; an Error's stack may come before the context. */
  private write(level: PinoLevel, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) {
      return;
    }
    const params = [...rest];
    const context = typeof params.at(-1) === 'string' ? (params.pop() as string) : undefined;
    const requestId = requestScope.getStore()?.requestId;
    const fields: Record<string, unknown> = { context, reqId: requestId };
    if (typeof params[0] === 'string' && level === 'error') {
      fields.stack = params[0];
    }
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...object } = message as Record<string, unknown>;
      this.pino[level]({ ...fields, ...object }, typeof msg === 'string' ? msg : undefined);
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
