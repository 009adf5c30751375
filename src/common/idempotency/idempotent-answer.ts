import type { FastifyReply } from 'fastify';
import type { IdempotentResult } from './idempotency.service.js';

/** Sends an idempotent use case's stored or fresh answer with its own status (201, 200, …). */
export async function answer<T>(
  reply: FastifyReply,
  pending: Promise<IdempotentResult<T>>,
): Promise<T> {
  const result = await pending;
  void reply.status(result.status);
  return result.body;
}
