import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One (re)assignment of a match to an officer: the history the president leaves. */
@Entity('match_assignments')
export class MatchAssignmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'match_id', type: 'uuid' })
  matchId: string;

  @Column({ name: 'officer_id', type: 'uuid' })
  officerId: string;

  @Column({ name: 'assigned_by', type: 'uuid' })
  assignedBy: string;

  @CreateDateColumn({ name: 'assigned_at', type: 'timestamptz', precision: 3 })
  assignedAt: Date;
}
