import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { ParseCalendarDatePipe } from './calendar-date.pipe.js';
import { CalendarDaysService } from './calendar-days.service.js';
import {
  CalendarDayListDto,
  CalendarDayResponseDto,
  CalendarDaysQueryDto,
  PutCalendarDayDto,
} from './calendar.dto.js';

@ApiTags('calendar')
@Controller('calendar-days')
export class CalendarController {
  constructor(private readonly days: CalendarDaysService) {}

  @Get()
  @Auth()
  @ApiOkResponse({ type: CalendarDayListDto })
  list(@Query() query: CalendarDaysQueryDto): Promise<CalendarDayListDto> {
    return this.days.list(query);
  }

  @Put(':day')
  @Auth(Role.Admin)
  @ApiOkResponse({ type: CalendarDayResponseDto })
  put(
    @CurrentCaller() caller: Caller,
    @Param('day', ParseCalendarDatePipe) day: string,
    @Body() dto: PutCalendarDayDto,
  ): Promise<CalendarDayResponseDto> {
    return this.days.put(caller, day, dto);
  }

  @Delete(':day')
  @Auth(Role.Admin)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The day follows the weekend rule again' })
  remove(
    @CurrentCaller() caller: Caller,
    @Param('day', ParseCalendarDatePipe) day: string,
  ): Promise<void> {
    return this.days.remove(caller, day);
  }
}
