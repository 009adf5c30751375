import { Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** serialization_failure and deadlock_detected: safe to retry the whole use case. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 4;

const logger = new Logger('Transaction');

export function postgresErrorCode(error: unknown): string | undefined {
  if (error instanceof QueryFailedError) {
    return (error.driverError as { code?: string }).code;
  }
  return (error as { code?: string } | undefined)?.code;
}

/**
 * Runs one use case in one explicit transaction, retrying a bounded number of times when
 * PostgreSQL reports a serialization failure or a deadlock. `work` must be safe to re-run: it
 * receives a fresh EntityManager each attempt and must not leak effects outside the database.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  isolation: IsolationLevel = 'READ COMMITTED',
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await dataSource.transaction(isolation, work);
    } catch (error) {
      const code = postgresErrorCode(error);
      if (code === undefined || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) {
        throw error;
      }
      logger.warn(`retrying transaction after ${code} (attempt ${attempt})`);
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
    }
  }
}
