import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error.js';
import { ErrorCode } from '../errors/error-code.js';
import { ProblemDto } from '../errors/problem.dto.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** 1–255 visible ASCII characters (DESIGN §3); a UUID per attempt is what clients should send. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * The `Idempotency-Key` header of a money-moving request, validated: 400
 * IDEMPOTENCY_KEY_REQUIRED when it is missing, repeated or malformed.
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers[IDEMPOTENCY_HEADER];
  if (typeof value !== 'string' || !KEY_PATTERN.test(value)) {
    throw new DomainError(
      ErrorCode.IdempotencyKeyRequired,
      'This request moves money: send an Idempotency-Key header of 1–255 visible ASCII characters',
      {
        errors: [{ field: 'Idempotency-Key', message: 'required, 1–255 visible ASCII characters' }],
      },
    );
  }
  return value;
});

/** Documents the header and its answers on a route that takes `@IdempotencyKey()`. */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: true,
      description:
        'A fresh key per intended operation. A retry with the same key and body replays the first answer; ' +
        'the same key with another body answers 422; while the first is in flight, 409. Kept at least 24 hours.',
    }),
    ApiConflictResponse({
      type: ProblemDto,
      description: 'Conflict, or the same key still in flight',
    }),
    ApiUnprocessableEntityResponse({
      type: ProblemDto,
      description: 'The key was used with a different request',
    }),
  );
}
