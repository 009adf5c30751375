import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { NUL_PROBLEM } from '../../common/validation/hostile-input.js';

/** Fastify route config (`@RouteConfig(CSV_BODY_ROUTE)`) of the routes that take a CSV body. */
export const CSV_BODY_ROUTE = { csvBody: true } as const;

const MIB = 1024 * 1024;

export function describeLimit(limitBytes: number): string {
  return limitBytes % MIB === 0 ? `${limitBytes / MIB} MiB` : `${limitBytes} bytes`;
}

export const csvTooLarge = (limitBytes: number): DomainError =>
  new DomainError(
    ErrorCode.PayloadTooLarge,
    `The CSV file is larger than ${describeLimit(limitBytes)}`,
  );

/**
 * Lets `text/csv` bodies in, only on routes marked with {@link CSV_BODY_ROUTE} (elsewhere the
 * type stays a 415, as before), **unread**: the body is the request stream, so the import reads
 * a file of a hundred thousand lines a piece at a time (see `readCsvBody`) instead of holding
 * it whole. A declared length over `limitBytes` is refused here at once; a body that declares
 * none is counted as it is read.
 */
export function registerCsvBodyParser(fastify: FastifyInstance, limitBytes: number): void {
  if (fastify.hasContentTypeParser('text/csv')) {
    return;
  }
  fastify.addContentTypeParser('text/csv', (request, payload, done) => {
    const config = request.routeOptions.config as { csvBody?: boolean } | undefined;
    if (config?.csvBody !== true) {
      done(
        new DomainError(ErrorCode.UnsupportedMediaType, 'This route does not accept text/csv'),
        undefined,
      );
      return;
    }
    if (Number(request.headers['content-length']) > limitBytes) {
      done(csvTooLarge(limitBytes), undefined);
      return;
    }
    done(null, payload);
  });
}

/**
 * The text of a CSV body, a piece at a time: at most `limitBytes` (an oversized file is a
 * DomainError naming this limit: the generic 413 message speaks of the 64 KiB JSON limit), and
 * UTF-8 (a sheet saved as GBK is refused instead of being read as mojibake). A byte-order mark
 * is kept for the CSV reader to drop.
 */
export async function* readCsvBody(body: Readable, limitBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const decode = (bytes?: Buffer): string => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch {
      throw DomainError.validation(
        'file',
        'is not valid UTF-8; save the sheet as "CSV UTF-8" and send it again',
      );
    }
  };
  // What the global hostile-input check does for parsed bodies: PostgreSQL text holds no NUL.
  const checked = (text: string): string => {
    if (text.includes('\u0000')) {
      throw new DomainError(ErrorCode.ValidationFailed, NUL_PROBLEM);
    }
    return text;
  };
  let received = 0;
  try {
    // Not destroyed when the reading stops early: that would cut the connection the answer
    // (a 413, a 400) still has to go out on.
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<
      Buffer | string
    >) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > limitBytes) {
        throw csvTooLarge(limitBytes);
      }
      yield checked(decode(bytes));
    }
    yield checked(decode());
  } finally {
    // Whatever was not read (the file was refused early) is drained and dropped.
    if (!body.readableEnded) {
      body.resume();
    }
  }
}
