import { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { formatFen } from '../../common/money/money.js';
import { FinancingRequestEntity } from './financing-request.entity.js';
import {
  invalidTransition,
  MATCH_TARGET,
  MATCH_TRANSITIONS,
  type MatchStatus,
  nextRequestStatus,
  REQUEST_TRANSITIONS,
  type RequestStatus,
  requestStatesLeadingTo,
} from './lifecycles.js';

/*
 * The guarded moves every matchmaking use case makes. Lock order, the same in every path: the
 * financing request's row first (SELECT … FOR NO KEY UPDATE), then its matches (by their guarded
 * UPDATE). Withdraw, close, dispatch and every match action take the request lock, so a withdrawal
 * racing a disbursement ends either withdrawn with the match cancelled or funded with the match
 * disbursed, never both. FOR NO KEY UPDATE rather than FOR UPDATE: it serialises these use cases
 * all the same, but leaves the KEY SHARE locks of foreign-key checks (e.g. the escalation sweep
 * adding a timeline row for a match it holds) unblocked, so the sweep cannot deadlock with us.
 */

/** The request row, locked for this transaction; null when absent. */
export function lockRequest(
  manager: EntityManager,
  id: string,
): Promise<FinancingRequestEntity | null> {
  return manager
    .getRepository(FinancingRequestEntity)
    .findOne({ where: { id }, lock: { mode: 'for_no_key_update' } });
}

/** Rows an `UPDATE … RETURNING` answered (TypeORM gives PostgreSQL's `[rows, count]`). */
export function returnedRows<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : [];
}

/**
 * Moves the request by `action` with one guarded UPDATE and answers the new state, or null when
 * the move keeps the state (a second dispatch, a second disbursement). An illegal move is a 409
 * naming the current state.
 */
export async function moveRequest(
  manager: EntityManager,
  request: FinancingRequestEntity,
  action: keyof typeof REQUEST_TRANSITIONS,
  closeReason: string | null = null,
): Promise<RequestStatus | null> {
  const target = nextRequestStatus(action, request.status);
  if (target === request.status) {
    return null;
  }
  const moved = returnedRows<{ id: string }>(
    await manager.query(
      `UPDATE financing_requests
          SET status = $2, close_reason = COALESCE($4, close_reason), updated_at = now()
        WHERE id = $1 AND status = ANY($3::text[])
        RETURNING id`,
      [request.id, target, requestStatesLeadingTo(action, target), closeReason],
    ),
  );
  if (moved.length !== 1) {
    const [current] = await manager.query<{ status: string }[]>(
      'SELECT status FROM financing_requests WHERE id = $1',
      [request.id],
    );
    throw invalidTransition('financing request', action, current?.status ?? 'absent');
  }
  return target;
}

/**
 * Moves a match by `action` with one guarded UPDATE (`status = ANY(allowed)`), setting the
 * extra columns given as SQL fragments over parameters $3 onwards. No row changed means someone
 * else moved it first: re-read and answer 409 with the state found.
 */
export async function moveMatch(
  manager: EntityManager,
  matchId: string,
  action: keyof typeof MATCH_TRANSITIONS,
  set: readonly string[],
  parameters: readonly unknown[],
): Promise<void> {
  const target = MATCH_TARGET[action];
  const allowed = MATCH_TRANSITIONS[action] ?? [];
  const moved = returnedRows<{ id: string }>(
    await manager.query(
      `UPDATE matches
          SET ${[...(target === null ? [] : [`status = '${target}'`]), 'updated_at = now()', ...set].join(', ')}
        WHERE id = $1 AND status = ANY($2::text[])
        RETURNING id`,
      [matchId, allowed, ...parameters],
    ),
  );
  if (moved.length !== 1) {
    const [current] = await manager.query<{ status: MatchStatus }[]>(
      'SELECT status FROM matches WHERE id = $1',
      [matchId],
    );
    if (current === undefined) {
      throw DomainError.notFound('match');
    }
    throw invalidTransition('match', action, current.status);
  }
}

/** "5000000.00 元" for notification texts. */
export function yuan(fen: bigint): string {
  return `${formatFen(fen)} 元`;
}

const SHANGHAI_MINUTE = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An instant as Beijing time for notification texts, e.g. 2026/02/04 15:00. */
export function beijingTime(instant: Date): string {
  return SHANGHAI_MINUTE.format(instant);
}
