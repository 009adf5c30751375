import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { moneyTransformer } from '../../common/money/money.transformer.js';
import type { DayCount } from './fees.js';

/** 应急周转基金: emergency turnover fund — its settings and its stored balances. */
@Entity('turnover_funds')
export class TurnoverFundEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** k: days 1..k are charged at the tier-1 rate, later days at the tier-2 rate. */
  @Column({ name: 'tier_days', type: 'integer' })
  tierDays: number;

  @Column({ name: 'tier1_daily_rate', type: 'numeric', precision: 13, scale: 10 })
  tier1DailyRate: string;

  @Column({ name: 'tier2_daily_rate', type: 'numeric', precision: 13, scale: 10 })
  tier2DailyRate: string;

  @Column({ name: 'overdue_daily_rate', type: 'numeric', precision: 13, scale: 10 })
  overdueDailyRate: string;

  @Column({ name: 'day_count', type: 'text' })
  dayCount: DayCount;

  @Column({ name: 'max_days', type: 'integer' })
  maxDays: number;

  @Column({ name: 'per_use_cap_fen', type: 'bigint', transformer: moneyTransformer })
  perUseCapFen: bigint;

  /** A use may be at most this share of the bank's committed renewal (e.g. 0.95). */
  @Column({ name: 'commitment_cap_ratio', type: 'numeric', precision: 5, scale: 4 })
  commitmentCapRatio: string;

  /** Private bridge money's daily cost, for the savings figure. */
  @Column({ name: 'benchmark_daily_rate', type: 'numeric', precision: 13, scale: 10 })
  benchmarkDailyRate: string;

  @Column({ name: 'min_fee_fen', type: 'bigint', nullable: true, transformer: moneyTransformer })
  minFeeFen: bigint | null;

  /** New business stops while overdue principal exceeds this share of capital (e.g. 0.40). */
  @Column({ name: 'overdue_stop_ratio', type: 'numeric', precision: 5, scale: 4 })
  overdueStopRatio: string;

  @Column({ type: 'boolean' })
  suspended: boolean;

  @Column({ name: 'settings_version', type: 'integer' })
  settingsVersion: number;

  @Column({ name: 'cash_fen', type: 'bigint', transformer: moneyTransformer })
  cashFen: bigint;

  /** Principal paid out and not yet repaid or written off (outstanding). */
  @Column({ name: 'receivable_fen', type: 'bigint', transformer: moneyTransformer })
  receivableFen: bigint;

  @Column({ name: 'capital_fen', type: 'bigint', transformer: moneyTransformer })
  capitalFen: bigint;

  @Column({ name: 'fee_income_fen', type: 'bigint', transformer: moneyTransformer })
  feeIncomeFen: bigint;

  @Column({ name: 'loss_fen', type: 'bigint', transformer: moneyTransformer })
  lossFen: bigint;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
