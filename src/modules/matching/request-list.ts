import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { isIsoInstant, isUuid } from '../../common/validation/identifiers.js';
import { pgPool } from '../../database/pg-pool.js';
import { TurnBatch } from '../../database/turn-batch.js';
import type { FinancingRequestEntity } from './financing-request.entity.js';
import { REQUEST_COLUMNS, type RequestRow, toRequestEntity } from './request-row.js';
import {
  FinancingRequestResponseDto,
  ListFinancingRequestsQueryDto,
  toFinancingRequestResponse,
} from './financing-requests.dto.js';

/**
 * Which statement a list read needs. Each shape is its own SQL text (and prepared statement), so
 * that every plan is the index range of that shape, as when the conditions were assembled per
 * request: a bank's stakes walked by `bank_request_stakes_status_idx` (or `_created_idx`), the
 * requests by `financing_requests_status_idx`, `_enterprise_idx` or `_created_idx`.
 */
export interface Shape {
  /** Walk the stakes of a bank (its staff, or the bankId filter) instead of every request. */
  stakes: boolean;
  /** The caller sees only their enterprise's requests. */
  ownEnterprise: boolean;
  status: boolean;
  enterpriseFilter: boolean;
  cursor: boolean;
}

/**
 * One read of a batch, the columns of the batch's `unnest` (q): the bank whose stakes to walk,
 * the status filter, the enterpriseId filter, the caller's enterprise (enterprise users), the
 * cursor's time and id, and how many rows to fetch. A shape leaves its unused columns null.
 */
type ListKey = [
  stakeBank: string | null,
  status: string | null,
  enterpriseId: string | null,
  callerEnterprise: string | null,
  cursorAt: Date | null,
  cursorId: string | null,
  rowLimit: number,
];

interface ListRow extends RequestRow {
  position: number;
}

/*
 * The page and its enterprise and project names in one statement. Per read (q), the same
 * conditions, order and limit the list always had: newest first by (created_at, id), on the
 * stake's copy of those columns when walking a bank's stakes (the triggers keep the copy in the
 * writing transaction); the cursor is the last row's pair. The names are joined after the limit,
 * to the rows of the page only. Rows come back grouped by read (`position`) in list order.
 */
export function listSql(shape: Shape): string {
  const column = (name: string): string =>
    shape.stakes ? `stake.request_${name}` : `request.${name}`;
  const conditions = [
    shape.stakes ? 'stake.bank_id = q.stake_bank' : null,
    shape.ownEnterprise ? 'request.enterprise_id = q.caller_enterprise' : null,
    shape.status ? `${column('status')} = q.status` : null,
    shape.enterpriseFilter ? 'request.enterprise_id = q.enterprise_id' : null,
    shape.cursor ? `(${column('created_at')}, ${column('id')}) < (q.cursor_at, q.cursor_id)` : null,
  ].filter((condition) => condition !== null);
  return `
SELECT q.position::int AS position, ${REQUEST_COLUMNS}
  FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::uuid[],
              $7::int[])
       WITH ORDINALITY AS q (stake_bank, status, enterprise_id, caller_enterprise, cursor_at,
                             cursor_id, row_limit, position)
 CROSS JOIN LATERAL (
       SELECT request.*, ${column('created_at')} AS walk_at, ${column('id')} AS walk_id
         FROM financing_requests request${
           shape.stakes
             ? '\n         JOIN bank_request_stakes stake ON stake.request_id = request.id'
             : ''
         }
        WHERE ${conditions.length === 0 ? 'TRUE' : conditions.join('\n          AND ')}
        ORDER BY ${column('created_at')} DESC, ${column('id')} DESC
        LIMIT q.row_limit) r
  JOIN enterprises e ON e.id = r.enterprise_id
  LEFT JOIN projects p ON p.id = r.project_id
 ORDER BY q.position, r.walk_at DESC, r.walk_id DESC`;
}

function isBankStaff(caller: Caller): boolean {
  return caller.role === Role.BankOfficer || caller.role === Role.BankPresident;
}

/**
 * GET /financing-requests: the requests a caller may read, newest first. Administrators and
 * auditors see all; an enterprise its own; bank staff those their bank holds or held a match for
 * (whatever the match's state: a bank keeps seeing what it declined), which is exactly the bank's
 * rows of `bank_request_stakes`. The reads of one shape that arrive in the same event-loop turn go
 * to the database together, as one execution of that shape's named prepared statement.
 */
@Injectable()
export class RequestListReader {
  private readonly batches = new Map<string, TurnBatch<ListKey, ListRow[]>>();

  constructor(private readonly dataSource: DataSource) {}

  async read(
    caller: Caller,
    query: ListFinancingRequestsQueryDto,
  ): Promise<Page<FinancingRequestResponseDto>> {
    if (query.enterpriseId !== undefined && !seesEverything(caller)) {
      throw DomainError.validation(
        'enterpriseId',
        'may only be used by administrators and auditors',
      );
    }
    if (query.bankId !== undefined && isBankStaff(caller) && query.bankId !== caller.bankId) {
      // Naming another bank would tell which requests that bank also holds.
      throw DomainError.validation('bankId', 'may only name your own bank');
    }
    const limit = query.limit ?? 20;
    // Bank staff see exactly their bank's stakes; the filter names the bank whose stakes to walk.
    const stakeBank =
      isBankStaff(caller) && caller.bankId !== null ? caller.bankId : (query.bankId ?? null);
    const cursor =
      query.cursor === undefined
        ? null
        : decodeCursor(query.cursor, 2, (key, position) =>
            position === 0 ? isIsoInstant(key) : isUuid(key),
          );
    const ownEnterprise = caller.role === Role.Enterprise && caller.enterpriseId !== null;
    // The stake join is a bank's staff's whole visibility; anyone else who is neither an
    // administrator, an auditor nor an enterprise user sees nothing.
    const seesRows =
      (stakeBank !== null && isBankStaff(caller)) || seesEverything(caller) || ownEnterprise;
    if (!seesRows) {
      return { items: [], nextCursor: null };
    }
    const shape: Shape = {
      stakes: stakeBank !== null,
      ownEnterprise: ownEnterprise && !(stakeBank !== null && isBankStaff(caller)),
      status: query.status !== undefined,
      enterpriseFilter: query.enterpriseId !== undefined,
      cursor: cursor !== null,
    };
    const rows = await this.batchFor(shape).read([
      stakeBank,
      query.status ?? null,
      query.enterpriseId ?? null,
      shape.ownEnterprise ? caller.enterpriseId : null,
      cursor === null ? null : new Date(cursor[0]),
      cursor === null ? null : cursor[1],
      limit + 1,
    ]);
    return toPage(
      (rows ?? []).map(toRequest),
      limit,
      ({ request }) => [request.createdAt.toISOString(), request.id],
      ({ request, names }) => toFinancingRequestResponse(request, names),
    );
  }

  private batchFor(shape: Shape): TurnBatch<ListKey, ListRow[]> {
    const name = `financing-request-list-${Object.values(shape)
      .map((on) => (on ? '1' : '0'))
      .join('')}`;
    let batch = this.batches.get(name);
    if (batch === undefined) {
      const text = listSql(shape);
      batch = new TurnBatch(async (keys) => {
        const column = <T>(index: number): T[] => keys.map((key) => key[index] as T);
        const { rows } = await pgPool(this.dataSource).query<ListRow>({
          name,
          text,
          values: [0, 1, 2, 3, 4, 5, 6].map(column),
        });
        const pages: ListRow[][] = keys.map(() => []);
        for (const row of rows) {
          pages[row.position - 1].push(row);
        }
        return pages;
      });
      this.batches.set(name, batch);
    }
    return batch;
  }
}

function toRequest(row: ListRow): {
  request: FinancingRequestEntity;
  names: { enterpriseName: string; projectName: string | null };
} {
  return {
    request: toRequestEntity(row),
    names: { enterpriseName: row.enterpriseName, projectName: row.projectName },
  };
}
