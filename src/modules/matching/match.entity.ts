import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { moneyTransformer } from '../../common/money/money.transformer.js';
import type { MatchStatus } from './lifecycles.js';

/** 对接: one financing request pushed to one bank, whose president answers for it (行长制). */
@Entity('matches')
export class MatchEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @Column({ name: 'bank_id', type: 'uuid' })
  bankId: string;

  @Column({ name: 'product_id', type: 'uuid', nullable: true })
  productId: string | null;

  @Column({ type: 'text' })
  status: MatchStatus;

  /** The bank's active president when the match was dispatched: the accountable holder. */
  @Column({ name: 'president_id', type: 'uuid' })
  presidentId: string;

  /** The customer manager (客户经理) the president assigned, if any. */
  @Column({ name: 'officer_id', type: 'uuid', nullable: true })
  officerId: string | null;

  @Column({ name: 'dispatched_by', type: 'uuid' })
  dispatchedBy: string;

  @Column({ name: 'dispatched_at', type: 'timestamptz', precision: 3 })
  dispatchedAt: Date;

  @Column({ name: 'response_due_at', type: 'timestamptz', precision: 3 })
  responseDueAt: Date;

  /** Set once by the escalation sweep when the deadline passed while still `dispatched`. */
  @Column({ name: 'escalated_at', type: 'timestamptz', precision: 3, nullable: true })
  escalatedAt: Date | null;

  @Column({ name: 'accepted_at', type: 'timestamptz', precision: 3, nullable: true })
  acceptedAt: Date | null;

  @Column({ name: 'approved_at', type: 'timestamptz', precision: 3, nullable: true })
  approvedAt: Date | null;

  /** 授信: the amount the bank approved. */
  @Column({
    name: 'approved_amount_fen',
    type: 'bigint',
    nullable: true,
    transformer: moneyTransformer,
  })
  approvedAmountFen: bigint | null;

  @Column({ name: 'annual_rate', type: 'numeric', precision: 8, scale: 6, nullable: true })
  annualRate: string | null;

  @Column({ name: 'approved_term_months', type: 'integer', nullable: true })
  approvedTermMonths: number | null;

  @Column({ name: 'disbursed_at', type: 'timestamptz', precision: 3, nullable: true })
  disbursedAt: Date | null;

  /** 放款: the amount actually paid out; never above the approved amount. */
  @Column({
    name: 'disbursed_amount_fen',
    type: 'bigint',
    nullable: true,
    transformer: moneyTransformer,
  })
  disbursedAmountFen: bigint | null;

  /** Business date of the disbursement (YYYY-MM-DD, Asia/Shanghai). */
  @Column({ name: 'disbursed_on', type: 'date', nullable: true })
  disbursedOn: string | null;

  @Column({ name: 'contract_no', type: 'text', nullable: true })
  contractNo: string | null;

  /** When the match left the open states (disbursed, declined, recalled, cancelled). */
  @Column({ name: 'closed_at', type: 'timestamptz', precision: 3, nullable: true })
  closedAt: Date | null;

  @Column({ name: 'decline_reason_code', type: 'text', nullable: true })
  declineReasonCode: string | null;

  @Column({ name: 'decline_reason', type: 'text', nullable: true })
  declineReason: string | null;

  @Column({ name: 'recall_reason', type: 'text', nullable: true })
  recallReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
