import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One line of a financing request's timeline: a transition of the request or of one match. */
@Entity('request_events')
export class RequestEventEntity {
  /** Time-ordered (see sequentialUuid), so events of one transaction keep their order. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  /** The match the event concerns or was caused by; null for the request's own moves. */
  @Column({ name: 'match_id', type: 'uuid', nullable: true })
  matchId: string | null;

  /** Dotted verb, e.g. `match.accepted`, `request.reopened`. */
  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus: string | null;

  @Column({ name: 'to_status', type: 'text', nullable: true })
  toStatus: string | null;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz', precision: 3 })
  occurredAt: Date;

  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;
}
