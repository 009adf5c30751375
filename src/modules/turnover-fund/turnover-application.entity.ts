import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { moneyTransformer } from '../../common/money/money.transformer.js';
import type { DayCount } from './fees.js';
import type { ApplicationStatus } from './lifecycle.js';

export const RENEWAL_ROUTES = ['bridge', 'renewed_without_bridge'] as const;
export type RenewalRoute = (typeof RENEWAL_ROUTES)[number];

/** 转贷申请: an enterprise's application to bridge a maturing working-capital loan. */
@Entity('turnover_applications')
export class TurnoverApplicationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'fund_id', type: 'uuid' })
  fundId: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId: string;

  /** The lending bank: holds the maturing loan and commits to renew it. */
  @Column({ name: 'bank_id', type: 'uuid' })
  bankId: string;

  @Column({ type: 'text' })
  status: ApplicationStatus;

  @Column({ type: 'text', nullable: true })
  route: RenewalRoute | null;

  @Column({ name: 'maturing_contract_no', type: 'text' })
  maturingContractNo: string;

  @Column({ name: 'maturing_amount_fen', type: 'bigint', transformer: moneyTransformer })
  maturingAmountFen: bigint;

  @Column({ name: 'maturity_date', type: 'date' })
  maturityDate: string;

  @Column({ name: 'maturing_loan_kind', type: 'text' })
  maturingLoanKind: string;

  /** The amount bridged. */
  @Column({ name: 'principal_fen', type: 'bigint', transformer: moneyTransformer })
  principalFen: bigint;

  /** Days granted, counted per the fund's day count. */
  @Column({ type: 'integer' })
  days: number;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({
    name: 'committed_amount_fen',
    type: 'bigint',
    nullable: true,
    transformer: moneyTransformer,
  })
  committedAmountFen: bigint | null;

  @Column({ name: 'renewal_term_months', type: 'integer', nullable: true })
  renewalTermMonths: number | null;

  @Column({ name: 'committed_by', type: 'uuid', nullable: true })
  committedBy: string | null;

  @Column({ name: 'committed_at', type: 'timestamptz', precision: 3, nullable: true })
  committedAt: Date | null;

  /** The fund's settings version the terms below were copied from, at approval. */
  @Column({ name: 'terms_version', type: 'integer', nullable: true })
  termsVersion: number | null;

  @Column({ name: 'terms_tier_days', type: 'integer', nullable: true })
  termsTierDays: number | null;

  @Column({ name: 'terms_tier1_daily_rate', type: 'numeric', nullable: true })
  termsTier1DailyRate: string | null;

  @Column({ name: 'terms_tier2_daily_rate', type: 'numeric', nullable: true })
  termsTier2DailyRate: string | null;

  @Column({ name: 'terms_overdue_daily_rate', type: 'numeric', nullable: true })
  termsOverdueDailyRate: string | null;

  @Column({ name: 'terms_day_count', type: 'text', nullable: true })
  termsDayCount: DayCount | null;

  @Column({ name: 'terms_benchmark_daily_rate', type: 'numeric', nullable: true })
  termsBenchmarkDailyRate: string | null;

  @Column({
    name: 'terms_min_fee_fen',
    type: 'bigint',
    nullable: true,
    transformer: moneyTransformer,
  })
  termsMinFeeFen: bigint | null;

  @Column({ name: 'terms_commitment_cap_ratio', type: 'numeric', nullable: true })
  termsCommitmentCapRatio: string | null;

  @Column({ name: 'approved_by', type: 'uuid', nullable: true })
  approvedBy: string | null;

  @Column({ name: 'approved_at', type: 'timestamptz', precision: 3, nullable: true })
  approvedAt: Date | null;

  @Column({ name: 'rejected_by', type: 'uuid', nullable: true })
  rejectedBy: string | null;

  @Column({ name: 'rejected_at', type: 'timestamptz', precision: 3, nullable: true })
  rejectedAt: Date | null;

  @Column({ name: 'reject_reason', type: 'text', nullable: true })
  rejectReason: string | null;

  @Column({ name: 'cancelled_by', type: 'uuid', nullable: true })
  cancelledBy: string | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', precision: 3, nullable: true })
  cancelledAt: Date | null;

  @Column({ name: 'disbursed_by', type: 'uuid', nullable: true })
  disbursedBy: string | null;

  @Column({ name: 'disbursed_at', type: 'timestamptz', precision: 3, nullable: true })
  disbursedAt: Date | null;

  @Column({ name: 'disbursed_on', type: 'date', nullable: true })
  disbursedOn: string | null;

  @Column({ name: 'due_on', type: 'date', nullable: true })
  dueOn: string | null;

  @Column({ name: 'renewal_contract_no', type: 'text', nullable: true })
  renewalContractNo: string | null;

  @Column({
    name: 'renewal_amount_fen',
    type: 'bigint',
    nullable: true,
    transformer: moneyTransformer,
  })
  renewalAmountFen: bigint | null;

  @Column({ name: 'renewed_on', type: 'date', nullable: true })
  renewedOn: string | null;

  @Column({ name: 'renewed_by', type: 'uuid', nullable: true })
  renewedBy: string | null;

  @Column({ name: 'renewed_at', type: 'timestamptz', precision: 3, nullable: true })
  renewedAt: Date | null;

  /** Set once, by the overdue sweep. */
  @Column({ name: 'overdue_at', type: 'timestamptz', precision: 3, nullable: true })
  overdueAt: Date | null;

  @Column({ name: 'repaid_on', type: 'date', nullable: true })
  repaidOn: string | null;

  @Column({ name: 'repaid_by', type: 'uuid', nullable: true })
  repaidBy: string | null;

  @Column({ name: 'repaid_at', type: 'timestamptz', precision: 3, nullable: true })
  repaidAt: Date | null;

  @Column({ name: 'days_used', type: 'integer', nullable: true })
  daysUsed: number | null;

  @Column({ name: 'overdue_days', type: 'integer', nullable: true })
  overdueDays: number | null;

  @Column({ name: 'fee_fen', type: 'bigint', nullable: true, transformer: moneyTransformer })
  feeFen: bigint | null;

  /** principal × benchmark × days − fee, never negative: what the enterprise saved. */
  @Column({ name: 'savings_fen', type: 'bigint', nullable: true, transformer: moneyTransformer })
  savingsFen: bigint | null;

  @Column({ name: 'written_off_by', type: 'uuid', nullable: true })
  writtenOffBy: string | null;

  @Column({ name: 'written_off_at', type: 'timestamptz', precision: 3, nullable: true })
  writtenOffAt: Date | null;

  @Column({ name: 'write_off_reason', type: 'text', nullable: true })
  writeOffReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
