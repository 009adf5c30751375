import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const EVENT_FORMATS = ['online', 'offline'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

/**
 * 融资对接活动: a bank–enterprise matchmaking event (e.g. the 专精特新 online event); its
 * participating banks and enterprises are kept in event_banks and event_enterprises.
 */
@Entity('matchmaking_events')
export class MatchmakingEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  title: string;

  /** e.g. 专精特新, 首贷, 科技金融. */
  @Column({ type: 'text' })
  theme: string;

  /** Business date the event is held (YYYY-MM-DD, Asia/Shanghai). */
  @Column({ name: 'held_on', type: 'date' })
  heldOn: string;

  @Column({ type: 'text' })
  format: EventFormat;

  @Column({ type: 'text', nullable: true })
  location: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
