import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
  ValidationError,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DomainError, FieldError } from './domain-error.js';
import { isDatabaseUnavailable } from '../../database/unavailable.js';
import { ErrorCode } from './error-code.js';

/** The single map from domain error codes to HTTP statuses (exhaustive: add a code, add a case). */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.IdempotencyKeyRequired:
    case ErrorCode.CreditCodeCheckFailed:
    case ErrorCode.ClaimExceedsPrincipal:
    case ErrorCode.RecoveryExceedsClaim:
    case ErrorCode.TurnoverAmountOverCap:
    case ErrorCode.TurnoverAmountOverMaturingLoan:
    case ErrorCode.TurnoverDaysOverMax:
    case ErrorCode.TurnoverMaturityPassed:
    case ErrorCode.TurnoverNotWorkingCapital:
    case ErrorCode.TurnoverOverCommitmentCap:
      return 400;
    case ErrorCode.Unauthenticated:
    case ErrorCode.InvalidCredentials:
    case ErrorCode.InvalidRefreshToken:
      return 401;
    case ErrorCode.Forbidden:
    case ErrorCode.FourEyesRequired:
      return 403;
    case ErrorCode.NotFound:
    case ErrorCode.RouteNotFound:
      return 404;
    case ErrorCode.MethodNotAllowed:
      return 405;
    case ErrorCode.Conflict:
    case ErrorCode.UsernameTaken:
    case ErrorCode.CreditCodeTaken:
    case ErrorCode.InvalidTransition:
    case ErrorCode.EnterpriseNotVerified:
    case ErrorCode.BankHasNoPresident:
    case ErrorCode.AlreadyDispatchedToBank:
    case ErrorCode.InsufficientFundBalance:
    case ErrorCode.GuaranteeCapacityExceeded:
    case ErrorCode.GuaranteeEnterpriseCapExceeded:
    case ErrorCode.IdempotencyRequestInFlight:
    case ErrorCode.TurnoverApplicationOpen:
    case ErrorCode.TurnoverFundSuspended:
    case ErrorCode.TurnoverNewBusinessStopped:
      return 409;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.UriTooLong:
      return 414;
    case ErrorCode.UnsupportedMediaType:
      return 415;
    case ErrorCode.HeadersTooLarge:
      return 431;
    case ErrorCode.IdempotencyKeyReused:
      return 422;
    case ErrorCode.TooManyRequests:
      return 429;
    case ErrorCode.ServiceUnavailable:
      return 503;
    case ErrorCode.Internal:
      return 500;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  correlationId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface Problem {
  status: number;
  body: ProblemDocument;
  headers: Record<string, string>;
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return ErrorCode.ValidationFailed;
    case 401:
      return ErrorCode.Unauthenticated;
    case 403:
      return ErrorCode.Forbidden;
    case 404:
      return ErrorCode.RouteNotFound;
    case 405:
      return ErrorCode.MethodNotAllowed;
    case 409:
      return ErrorCode.Conflict;
    case 413:
      return ErrorCode.PayloadTooLarge;
    case 414:
      return ErrorCode.UriTooLong;
    case 415:
      return ErrorCode.UnsupportedMediaType;
    case 429:
      return ErrorCode.TooManyRequests;
    case 431:
      return ErrorCode.HeadersTooLarge;
    case 503:
      return ErrorCode.ServiceUnavailable;
    default:
      return status >= 500 ? ErrorCode.Internal : ErrorCode.ValidationFailed;
  }
}

function typeOf(code: ErrorCode): string {
  return `urn:problem:yinqi:${code.toLowerCase().replaceAll('_', '-')}`;
}

/** Fastify's own errors (body parsing, size limit) carry a statusCode and an FST_ code. */
function isFrameworkClientError(error: unknown): error is Error & { statusCode: number } {
  const statusCode = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return (
    error instanceof Error &&
    typeof statusCode === 'number' &&
    statusCode >= 400 &&
    statusCode < 500
  );
}

function build(
  code: ErrorCode,
  status: number,
  detail: string,
  correlationId: string,
  extra: Partial<ProblemDocument> = {},
): ProblemDocument {
  return {
    type: typeOf(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    correlationId,
    ...extra,
  };
}

/**
 * Turns anything thrown into an RFC 9457 problem document. Client errors say what was wrong;
 * everything else becomes a 500 that names only the correlation id (the log has the rest).
 */
export function toProblem(
  error: unknown,
  correlationId: string,
  logger: Logger,
  instance?: string,
): Problem {
  const headers: Record<string, string> = {};
  if (error instanceof DomainError) {
    const status = statusOf(error.code);
    if (error.details.retryAfterSeconds !== undefined) {
      headers['retry-after'] = String(error.details.retryAfterSeconds);
    }
    if (status === 401) {
      headers['www-authenticate'] = 'Bearer';
    }
    return {
      status,
      headers,
      body: build(error.code, status, error.message, correlationId, {
        ...(instance ? { instance } : {}),
        ...(error.details.errors ? { errors: error.details.errors } : {}),
        ...error.details.extensions,
      }),
    };
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String(response.message)
        : error.message;
    if (status === 429) {
      headers['retry-after'] ??= '60';
    }
    return {
      status,
      headers,
      body: build(
        codeForStatus(status),
        status,
        message,
        correlationId,
        instance ? { instance } : {},
      ),
    };
  }
  if (isFrameworkClientError(error)) {
    const status = error.statusCode;
    const detail =
      status === 413
        ? 'The request body is larger than 64 KiB'
        : status === 414
          ? 'A path segment is too long'
          : (error as { code?: unknown }).code === 'FST_ERR_BAD_URL'
            ? 'The path is not validly percent-encoded UTF-8'
            : error instanceof SyntaxError || /JSON/i.test(error.message)
              ? 'The request body is not valid JSON'
              : error.message;
    return { status, headers, body: build(codeForStatus(status), status, detail, correlationId) };
  }
  if (isDatabaseUnavailable(error)) {
    // Expected while the database is down or overloaded: a warning, not a bug's stack trace.
    logger.warn({ msg: 'database unavailable', err: String(error), correlationId });
    headers['retry-after'] = '2';
    return {
      status: 503,
      headers,
      body: build(
        ErrorCode.ServiceUnavailable,
        503,
        'The database is unavailable or busy; retry shortly',
        correlationId,
      ),
    };
  }
  const status = error instanceof HttpException ? error.getStatus() : 500;
  if (status === 503) {
    return {
      status,
      headers,
      body: build(ErrorCode.ServiceUnavailable, 503, 'The service is not ready', correlationId),
    };
  }
  logger.error({ msg: 'unhandled error', err: error, correlationId });
  return {
    status: 500,
    headers,
    body: build(
      ErrorCode.Internal,
      500,
      'An unexpected error occurred; quote the correlation id when reporting it',
      correlationId,
    ),
  };
}

/** The global filter: every error leaves the API as problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<FastifyRequest>();
    const reply = context.getResponse<FastifyReply>();
    sendProblem(reply, toProblem(exception, request.id, this.logger, request.url.split('?')[0]));
  }
}

/**
 * Node's own answer to a request it cannot parse (header block too large, bad request line),
 * written to the socket before any request object exists: the same problem+json shape.
 */
export function clientErrorResponse(error: Error & { code?: string }): string | undefined {
  if (error.code === 'ECONNRESET') {
    return undefined;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const detail =
    status === 431
      ? 'The request headers are larger than the server accepts'
      : 'The request is not valid HTTP';
  const body = JSON.stringify(build(codeForStatus(status), status, detail, randomUUID()));
  return (
    `HTTP/1.1 ${status} ${TITLES[status]}\r\n` +
    'Content-Type: application/problem+json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

export function sendProblem(reply: FastifyReply, problem: Problem): void {
  void reply
    .status(problem.status)
    .headers(problem.headers)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send(JSON.stringify(problem.body));
}

/** Flattens class-validator's tree into `{ field, message }` with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      message:
        rule === 'whitelistValidation'
          ? 'is not allowed'
          : message.startsWith(`${error.property} `)
            ? message.slice(error.property.length + 1)
            : message,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export function validationFailed(errors: ValidationError[]): DomainError {
  const fields = flattenValidationErrors(errors);
  const names = [...new Set(fields.map((field) => field.field))];
  return new DomainError(ErrorCode.ValidationFailed, `Invalid input: ${names.join(', ')}`, {
    errors: fields,
  });
}
