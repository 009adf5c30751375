import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/pagination.js';

const booleanText = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ListNotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Boolean, description: 'true: only unread; false: only read' })
  @IsOptional()
  @Transform(booleanText)
  @IsBoolean()
  unread?: boolean;
}

export class NotificationResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'match.escalated' }) kind: string;
  @ApiProperty({ example: '对接超时未响应' }) title: string;
  @ApiProperty() body: string;
  @ApiProperty({ nullable: true, type: String, example: 'match' }) entityType: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) entityId: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'null: unread' })
  readAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationResponseDto], description: 'Unread first, then newest first' })
  items: NotificationResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class MarkedReadDto {
  @ApiProperty({ description: 'How many unread notifications this call marked read' })
  marked: number;
}

export interface NotificationRow {
  id: string;
  kind: string;
  title: string;
  body: string;
  entity_type: string | null;
  entity_id: string | null;
  read_at: Date | null;
  created_at: Date;
}

export function toNotificationResponse(row: NotificationRow): NotificationResponseDto {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    entityType: row.entity_type,
    entityId: row.entity_id,
    readAt: row.read_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}
