import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One audited change. Inserted unsealed inside the business transaction it records; the sealer
 * later sets `sequence`, `prev_hash` and `hash` exactly once (see AuditSealer). A trigger
 * refuses every other UPDATE, and all DELETE and TRUNCATE.
 */
@Entity('audit_events')
export class AuditEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Insertion order (bigserial): the order in which the sealer takes committed rows. */
  @Column({ type: 'bigint', insert: false, update: false })
  position: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', precision: 3 })
  occurredAt: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType: string;

  @Column({ name: 'entity_id', type: 'text', nullable: true })
  entityId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after: unknown;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ type: 'bigint', nullable: true })
  sequence: string | null;

  @Column({ name: 'prev_hash', type: 'text', nullable: true })
  prevHash: string | null;

  @Column({ type: 'text', nullable: true })
  hash: string | null;
}
