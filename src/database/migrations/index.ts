import { Foundation1764300000000 } from './1764300000000-foundation.js';
import { Registries1764300100000 } from './1764300100000-registries.js';
import { Matchmaking1764300400000 } from './1764300400000-matchmaking.js';
import { Idempotency1764300500000 } from './1764300500000-idempotency.js';
import { TurnoverFund1764300600000 } from './1764300600000-turnover-fund.js';
import { CommissionersEvents1764300700000 } from './1764300700000-commissioners-events.js';
import { Guarantees1764300800000 } from './1764300800000-guarantees.js';
import { ScaleIndexes1764301200000 } from './1764301200000-scale-indexes.js';
import { MatchmakingRollups1764301450000 } from './1764301450000-matchmaking-rollups.js';
import { TurnoverMoneyMove1764301500000 } from './1764301500000-turnover-money-move.js';
import { TurnoverMoneyMoveStatic1764301540000 } from './1764301540000-turnover-money-move-static.js';
import { RollupsBulkRebuild1764301600000 } from './1764301600000-rollups-bulk-rebuild.js';
import { BankRecordDays1764301650000 } from './1764301650000-bank-record-days.js';
import { AuditInsertCheck1764301670000 } from './1764301670000-audit-insert-check.js';

/** Every migration in order. Listed explicitly so the app, the CLI and the tests agree. */
export const MIGRATIONS = [
  Foundation1764300000000,
  Registries1764300100000,
  Matchmaking1764300400000,
  Idempotency1764300500000,
  TurnoverFund1764300600000,
  CommissionersEvents1764300700000,
  Guarantees1764300800000,
  ScaleIndexes1764301200000,
  MatchmakingRollups1764301450000,
  TurnoverMoneyMove1764301500000,
  TurnoverMoneyMoveStatic1764301540000,
  RollupsBulkRebuild1764301600000,
  BankRecordDays1764301650000,
  AuditInsertCheck1764301670000,
];
