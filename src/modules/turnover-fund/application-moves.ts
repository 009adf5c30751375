import { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { invalidTransition } from '../matching/lifecycles.js';
import { returnedRows } from '../matching/request-moves.js';
import { hydrate } from './hydrate.js';
import {
  type ApplicationAction,
  type ApplicationStatus,
  statesAllowing,
  targetOf,
} from './lifecycle.js';
import { TurnoverApplicationEntity } from './turnover-application.entity.js';

const COLUMN = /^[a-z][a-z0-9_]*$/;

/** Throws unless every name is a column a move may set (status is the move's own). */
export function requireSettableColumns(names: readonly string[]): void {
  for (const name of names) {
    if (!COLUMN.test(name) || name === 'status') {
      throw new Error(`moveApplication cannot set the column ${JSON.stringify(name)}`);
    }
  }
}

/**
 * The one way an application changes state, for every use case and for the overdue sweep: a
 * single guarded `UPDATE … WHERE id = $1 AND status = ANY(<states the action starts from>)`
 * that also sets `columns` (column name → value), answering the row as it now is. No row
 * changed means the application is absent (404) or someone moved it first (409 naming the state
 * found). The row stays locked until the transaction ends. (The money moves make the same move
 * inside the SQL function `turnover_money_move`, see TurnoverPaymentsService.)
 */
export async function moveApplication(
  manager: EntityManager,
  id: string,
  action: ApplicationAction,
  columns: Readonly<Record<string, unknown>> = {},
): Promise<TurnoverApplicationEntity> {
  const names = Object.keys(columns);
  requireSettableColumns(names);
  const assignments = names.map((name, index) => `, ${name} = $${index + 4}`).join('');
  const [moved] = returnedRows<Record<string, unknown>>(
    await manager.query(
      `UPDATE turnover_applications
          SET status = $2, updated_at = now()${assignments}
        WHERE id = $1 AND status = ANY($3::text[])
        RETURNING *`,
      [id, targetOf(action), statesAllowing(action), ...names.map((name) => columns[name])],
    ),
  );
  if (moved !== undefined) {
    return hydrate(manager, TurnoverApplicationEntity, moved);
  }
  const [current] = await manager.query<{ status: ApplicationStatus }[]>(
    'SELECT status FROM turnover_applications WHERE id = $1',
    [id],
  );
  if (current === undefined) {
    throw DomainError.notFound('turnover application');
  }
  throw invalidTransition('turnover application', action, current.status);
}
