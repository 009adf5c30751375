import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Page } from '../../common/pagination/pagination.js';
import {
  ConvertedIntentDto,
  ConvertIntentDto,
  CreateEventDto,
  CreateIntentDto,
  EventDetailDto,
  EventPageDto,
  EventResponseDto,
  EventStatsDto,
  IntentPageDto,
  IntentResponseDto,
  ListEventsQueryDto,
  ListIntentsQueryDto,
  ParticipantsDto,
} from './events.dto.js';
import { EventsService } from './events.service.js';

const BANK_STAFF = [Role.BankOfficer, Role.BankPresident] as const;

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @Auth(Role.Admin)
  @ApiOperation({
    summary: '融资对接活动: create an event with its participating banks and enterprises',
  })
  @ApiCreatedResponse({ type: EventDetailDto })
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateEventDto): Promise<EventDetailDto> {
    return this.events.create(caller, dto);
  }

  @Get()
  @Auth()
  @ApiOperation({
    summary: 'Events, latest first: bank staff and enterprises those they take part in',
  })
  @ApiOkResponse({ type: EventPageDto })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListEventsQueryDto,
  ): Promise<Page<EventResponseDto>> {
    return this.events.list(caller, query);
  }

  @Get(':id')
  @Auth()
  @ApiOkResponse({ type: EventDetailDto })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<EventDetailDto> {
    return this.events.get(caller, id);
  }

  @Post(':id/participants')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Add banks and enterprises to the roster (existing ones are kept)' })
  @ApiOkResponse({ type: EventDetailDto })
  participants(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ParticipantsDto,
  ): Promise<EventDetailDto> {
    return this.events.participants(caller, id, dto);
  }

  @Post(':id/intents')
  @Auth(Role.Admin, ...BANK_STAFF)
  @ApiOperation({ summary: '融资意向: record an intent (bank staff: for their own bank)' })
  @ApiCreatedResponse({ type: IntentResponseDto })
  recordIntent(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateIntentDto,
  ): Promise<IntentResponseDto> {
    return this.events.recordIntent(caller, id, dto);
  }

  @Get(':id/intents')
  @Auth()
  @ApiOperation({
    summary: 'Intents, newest first: bank staff their bank’s, an enterprise its own',
  })
  @ApiOkResponse({ type: IntentPageDto })
  listIntents(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListIntentsQueryDto,
  ): Promise<Page<IntentResponseDto>> {
    return this.events.listIntents(caller, id, query);
  }

  @Post(':id/intents/:intentId/convert')
  @Auth(Role.Admin)
  @ApiOperation({
    summary:
      'Turn an intent into a financing request filed on the enterprise’s behalf and dispatched ' +
      'to the intent’s bank, in one transaction',
  })
  @ApiCreatedResponse({ type: ConvertedIntentDto })
  convert(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('intentId', ParseUUIDPipe) intentId: string,
    @Body() dto: ConvertIntentDto,
  ): Promise<ConvertedIntentDto> {
    return this.events.convert(caller, id, intentId, dto);
  }

  @Get(':id/stats')
  @Auth(Role.Admin, Role.Auditor)
  @ApiOperation({
    summary: 'The event’s figures: intents, intent amount, conversions, approvals, disbursements',
  })
  @ApiOkResponse({ type: EventStatsDto })
  stats(@Param('id', ParseUUIDPipe) id: string): Promise<EventStatsDto> {
    return this.events.stats(id);
  }
}
