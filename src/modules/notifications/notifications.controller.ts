import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Page } from '../../common/pagination/pagination.js';
import {
  ListNotificationsQueryDto,
  MarkedReadDto,
  NotificationPageDto,
  NotificationResponseDto,
} from './notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

/** Each user's own inbox: the recipient is always the caller, never a parameter. */
@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Auth()
  @ApiOkResponse({ type: NotificationPageDto })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListNotificationsQueryDto,
  ): Promise<Page<NotificationResponseDto>> {
    return this.notifications.list(caller, query);
  }

  @Post('read-all')
  @Auth()
  @HttpCode(200)
  @ApiOkResponse({ type: MarkedReadDto })
  markAllRead(@CurrentCaller() caller: Caller): Promise<MarkedReadDto> {
    return this.notifications.markAllRead(caller);
  }

  @Post(':id/read')
  @Auth()
  @HttpCode(200)
  @ApiOkResponse({ type: NotificationResponseDto })
  markRead(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<NotificationResponseDto> {
    return this.notifications.markRead(caller, id);
  }
}
