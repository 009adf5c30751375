import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { moneyTransformer } from '../../common/money/money.transformer.js';
import type { IntentStatus } from './event-intent-lifecycle.js';

/**
 * 融资意向: an amount an enterprise and a bank, both taking part in the event, pledged there.
 * Converting it files a financing request and dispatches it to that bank, linked here so the
 * event's conversion can be followed to disbursement.
 */
@Entity('event_intents')
export class EventIntentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId: string;

  @Column({ name: 'bank_id', type: 'uuid' })
  bankId: string;

  @Column({ name: 'amount_fen', type: 'bigint', transformer: moneyTransformer })
  amountFen: bigint;

  @Column({ type: 'text' })
  status: IntentStatus;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId: string | null;

  /** The match with the intent's bank the conversion dispatched. */
  @Column({ name: 'match_id', type: 'uuid', nullable: true })
  matchId: string | null;

  @Column({ name: 'converted_at', type: 'timestamptz', precision: 3, nullable: true })
  convertedAt: Date | null;

  @Column({ name: 'converted_by', type: 'uuid', nullable: true })
  convertedBy: string | null;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
