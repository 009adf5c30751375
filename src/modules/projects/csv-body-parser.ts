import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';

/** A survey sheet of a few thousand projects fits many times over; the JSON limit stays 64 KiB. */
export const CSV_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/** Fastify route config (`@RouteConfig(CSV_BODY_ROUTE)`) of the routes that take a CSV body. */
export const CSV_BODY_ROUTE = { csvBody: true } as const;

const tooLarge = (): DomainError =>
  new DomainError(
    ErrorCode.PayloadTooLarge,
    `The CSV file is larger than ${CSV_BODY_LIMIT_BYTES / (1024 * 1024)} MiB`,
  );

/**
 * Lets `text/csv` bodies in as the raw text, only on routes marked with {@link CSV_BODY_ROUTE}
 * (elsewhere the type stays a 415, as before), with a limit of its own. The body is read here
 * rather than with Fastify's `parseAs: 'string'` so that an oversized file is a DomainError
 * naming this limit: the generic 413 message speaks of the 64 KiB JSON limit. Invalid UTF-8 (a
 * sheet saved as GBK) is refused instead of being read as mojibake. A byte-order mark is kept
 * for the CSV reader to drop.
 */
export function registerCsvBodyParser(fastify: FastifyInstance): void {
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
    if (Number(request.headers['content-length']) > CSV_BODY_LIMIT_BYTES) {
      done(tooLarge(), undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let finished = false;
    const finish = (error: Error | null, body?: string): void => {
      if (finished) {
        return;
      }
      finished = true;
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      done(error, body);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > CSV_BODY_LIMIT_BYTES) {
        finish(tooLarge());
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = (): void => {
      try {
        const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
          Buffer.concat(chunks, received),
        );
        finish(null, text);
      } catch {
        finish(
          DomainError.validation(
            'file',
            'is not valid UTF-8; save the sheet as "CSV UTF-8" and send it again',
          ),
        );
      }
    };
    const onError = (error: Error): void => finish(error);
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.resume();
  });
}
