import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { AssignmentEndCause, AssignmentStatus } from './commissioner-lifecycle.js';

/**
 * 金融服务专员: a bank officer (or president) serving one enterprise for a term (two years by
 * default). Service runs from `startsOn` through `termEndsOn`, or to the day before `endedOn`
 * once ended; an enterprise's service periods never overlap, so every day has at most one
 * commissioner.
 */
@Entity('commissioner_assignments')
export class CommissionerAssignmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'officer_id', type: 'uuid' })
  officerId: string;

  /** The officer's bank when appointed. */
  @Column({ name: 'bank_id', type: 'uuid' })
  bankId: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId: string;

  /** First day served (YYYY-MM-DD, Asia/Shanghai). */
  @Column({ name: 'starts_on', type: 'date' })
  startsOn: string;

  /** Last day of the term as appointed, inclusive. */
  @Column({ name: 'term_ends_on', type: 'date' })
  termEndsOn: string;

  @Column({ type: 'text' })
  status: AssignmentStatus;

  /** First day no longer served, once ended (exclusive end). */
  @Column({ name: 'ended_on', type: 'date', nullable: true })
  endedOn: string | null;

  @Column({ name: 'end_cause', type: 'text', nullable: true })
  endCause: AssignmentEndCause | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: string | null;

  /** The assignment that took over, when ended by reassignment. */
  @Column({ name: 'replaced_by', type: 'uuid', nullable: true })
  replacedBy: string | null;

  @Column({ name: 'ended_at', type: 'timestamptz', precision: 3, nullable: true })
  endedAt: Date | null;

  @Column({ name: 'ended_by', type: 'uuid', nullable: true })
  endedBy: string | null;

  @Column({ name: 'assigned_by', type: 'uuid' })
  assignedBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
