import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { moneyTransformer } from '../../common/money/money.transformer.js';
import type { VisitKind } from './commissioner-lifecycle.js';

/** One entry of a commissioner's service log (走访记录); a need found may become a request. */
@Entity('commissioner_visits')
export class CommissionerVisitEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'assignment_id', type: 'uuid' })
  assignmentId: string;

  /** Business date of the contact, within the assignment's service. */
  @Column({ name: 'visited_on', type: 'date' })
  visitedOn: string;

  @Column({ type: 'text' })
  kind: VisitKind;

  @Column({ type: 'text' })
  notes: string;

  /** A financing need found on this contact; its amount is then required. */
  @Column({ name: 'need_found', type: 'boolean' })
  needFound: boolean;

  @Column({
    name: 'need_amount_fen',
    type: 'bigint',
    nullable: true,
    transformer: moneyTransformer,
  })
  needAmountFen: bigint | null;

  /** The financing request the need was filed as, on the enterprise's behalf. */
  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId: string | null;

  @Column({ name: 'filed_at', type: 'timestamptz', precision: 3, nullable: true })
  filedAt: Date | null;

  @Column({ name: 'filed_by', type: 'uuid', nullable: true })
  filedBy: string | null;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
