import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { SuggestionListDto } from './suggestions.dto.js';
import { SuggestionsService } from './suggestions.service.js';

const SUGGESTIONS_DESCRIPTION = [
  'The active products that pass the hard filters, ranked best first, one page at a time',
  "(`limit` 1–100, default 20; `cursor` = the previous page's `nextCursor`). Each item keeps",
  'its rank in the whole ranking; the cursor is a keyset over the ranking order (score, then',
  'the tie-break below), so the next page starts right after the last suggestion shown. A',
  'cursor or limit that is not valid answers 400 VALIDATION_FAILED.',
  '',
  'Hard filters: amount and term within the product ranges (bounds included); the',
  "enterprise's region, industry and scale in the product's eligible lists (empty = any); the",
  "guarantee offered among the product's guarantee types (empty = any); with a rate ceiling, the",
  "product's lowest annual rate today (fixed minimum, or the LPR in force + minimum spread) not",
  'above it (an LPR product without an LPR in force fails a ceiling).',
  '',
  'Score = 0.20 amountFit + 0.15 termFit + 0.10 tagFit + 0.15 acceptanceSpeed + 0.25 ' +
    'successShare + 0.15 load, every part in [0, 1], each rounded half-up to 4 decimals ' +
    'before weighting:',
  '- amountFit / termFit: 1 − |value − middle| / half the range (1 for a one-value range);',
  '- tagFit: 1 when a product tag applies (specialized → 专精特新 enterprise, key50 → 双50',
  '  enterprise, first_loan → no disbursed loan yet, credit_loan → credit offered), else 0;',
  '- acceptanceSpeed: median hours dispatch → accept over 180 days mapped to 1 (0 h) … 0',
  '  (≥ 72 h), shrunk to 0.5 as (n·x + 5·0.5)/(n + 5), n = acceptances;',
  '- successShare: (disbursed + 5·0.5)/(dispatched + 5) over matches dispatched in 180 days;',
  '- load: 1/(1 + open matches per active officer / 5).',
  'Ties: bank name, product name, product id. Banks already holding an open, disbursed or',
  'declined match for the request are marked in existingMatch, not hidden.',
  '',
  'Callers: administrators and auditors; an enterprise user for its own requests (another',
  "enterprise's request answers 404). Bank staff: 403.",
].join('\n');

@ApiTags('suggestions')
@Controller('financing-requests')
export class SuggestionsController {
  constructor(private readonly suggestions: SuggestionsService) {}

  @Get(':id/suggestions')
  @Auth(Role.Admin, Role.Auditor, Role.Enterprise)
  @ApiOperation({
    summary: 'Banks and products to dispatch a financing request to (推荐对接)',
    description: SUGGESTIONS_DESCRIPTION,
  })
  @ApiOkResponse({ type: SuggestionListDto })
  @ApiNotFoundResponse({ description: 'No such request, or not yours (problem+json)' })
  suggest(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<SuggestionListDto> {
    return this.suggestions.suggest(caller, id, query);
  }
}
