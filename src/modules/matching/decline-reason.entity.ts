import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A reason code a bank declines with; seeded, editable by administrators, never deleted. */
@Entity('decline_reasons')
export class DeclineReasonEntity {
  /** e.g. `insufficient_collateral`. */
  @PrimaryColumn({ type: 'text' })
  code: string;

  /** What users read, e.g. 抵押担保不足. */
  @Column({ type: 'text' })
  label: string;

  /** Inactive codes stay on old matches but cannot be chosen for a new decline. */
  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ name: 'sort_order', type: 'integer' })
  sortOrder: number;
}
