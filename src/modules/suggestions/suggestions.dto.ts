import { ApiProperty } from '@nestjs/swagger';
import { formatFen } from '../../common/money/money.js';
import { normaliseRate } from '../products/effective-rate.js';
import { PRODUCT_CATEGORIES, type ProductCategory } from '../products/product.entity.js';
import { SCORE_WEIGHTS, type ScoredSuggestion } from './suggestion-score.js';

const PART_EXAMPLE = '0.7500';

export class ScorePartsDto {
  @ApiProperty({ example: PART_EXAMPLE, description: 'Weight 0.20' }) amountFit: string;
  @ApiProperty({ example: PART_EXAMPLE, description: 'Weight 0.15' }) termFit: string;
  @ApiProperty({ example: '1.0000', description: 'Weight 0.10' }) tagFit: string;
  @ApiProperty({ example: PART_EXAMPLE, description: 'Weight 0.15' }) acceptanceSpeed: string;
  @ApiProperty({ example: PART_EXAMPLE, description: 'Weight 0.25' }) successShare: string;
  @ApiProperty({ example: PART_EXAMPLE, description: 'Weight 0.15' }) load: string;
}

export class ScoreWeightsDto {
  @ApiProperty({ example: SCORE_WEIGHTS.amountFit }) amountFit: string;
  @ApiProperty({ example: SCORE_WEIGHTS.termFit }) termFit: string;
  @ApiProperty({ example: SCORE_WEIGHTS.tagFit }) tagFit: string;
  @ApiProperty({ example: SCORE_WEIGHTS.acceptanceSpeed }) acceptanceSpeed: string;
  @ApiProperty({ example: SCORE_WEIGHTS.successShare }) successShare: string;
  @ApiProperty({ example: SCORE_WEIGHTS.load }) load: string;
}

export class SuggestionReasonDto {
  @ApiProperty({ example: 'TAG_SPECIALIZED', description: 'Stable machine code' }) code: string;
  @ApiProperty({ example: '专精特新企业，匹配专精特新专属产品' }) message: string;
}

export class BankRecordDto {
  @ApiProperty({ description: 'Matches dispatched to the bank in the last 180 days' })
  dispatched: number;

  @ApiProperty({ description: 'Of those, matches that reached disbursed' }) disbursed: number;

  @ApiProperty({ nullable: true, type: String, example: '5.5', description: 'Median, 1 decimal' })
  medianHoursToAccept: string | null;

  @ApiProperty({ description: 'Open matches now (dispatched, accepted, approved)' })
  openMatches: number;

  @ApiProperty({ description: 'Active officers and president' }) activeOfficers: number;
}

export class ExistingMatchDto {
  @ApiProperty({ format: 'uuid' }) matchId: string;
  @ApiProperty({ enum: ['dispatched', 'accepted', 'approved', 'disbursed', 'declined'] })
  status: string;
}

export class SuggestionDto {
  @ApiProperty({ example: 1 }) rank: number;
  @ApiProperty({ format: 'uuid' }) bankId: string;
  @ApiProperty({ example: '吉林银行通化分行' }) bankName: string;
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty({ example: '专精特新贷' }) productName: string;
  @ApiProperty({ enum: PRODUCT_CATEGORIES }) category: ProductCategory;
  @ApiProperty({ example: '100000.00' }) minAmount: string;
  @ApiProperty({ example: '10000000.00' }) maxAmount: string;
  @ApiProperty() minTermMonths: number;
  @ApiProperty() maxTermMonths: number;
  @ApiProperty({ type: [String] }) productTags: string[];

  @ApiProperty({ nullable: true, type: String, example: '0.0345', description: 'Today' })
  minAnnualRate: string | null;

  @ApiProperty({ nullable: true, type: String, example: '0.05' }) maxAnnualRate: string | null;
  @ApiProperty({ example: '0.7325', description: 'Σ weight × part, 4 decimals' }) score: string;
  @ApiProperty({ type: ScorePartsDto }) parts: ScorePartsDto;
  @ApiProperty({ type: [SuggestionReasonDto] }) reasons: SuggestionReasonDto[];
  @ApiProperty({ type: BankRecordDto }) bankRecord: BankRecordDto;

  @ApiProperty({
    type: ExistingMatchDto,
    nullable: true,
    description: 'The bank already holds (or declined) a match for this request',
  })
  existingMatch: ExistingMatchDto | null;
}

export class SuggestionListDto {
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ type: ScoreWeightsDto }) weights: ScoreWeightsDto;
  @ApiProperty({ type: [SuggestionDto], description: 'Best first' }) items: SuggestionDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the suggestions ranked after this page; null on the last',
  })
  nextCursor: string | null;
}

export function toSuggestionResponse(suggestion: ScoredSuggestion, rank: number): SuggestionDto {
  const { candidate } = suggestion;
  return {
    rank,
    bankId: candidate.bankId,
    bankName: candidate.bankName,
    productId: candidate.productId,
    productName: candidate.productName,
    category: candidate.category,
    minAmount: formatFen(candidate.minAmountFen),
    maxAmount: formatFen(candidate.maxAmountFen),
    minTermMonths: candidate.minTermMonths,
    maxTermMonths: candidate.maxTermMonths,
    productTags: [...candidate.tags],
    minAnnualRate:
      suggestion.effectiveMinAnnualRate === null
        ? null
        : normaliseRate(suggestion.effectiveMinAnnualRate),
    maxAnnualRate:
      suggestion.effectiveMaxAnnualRate === null
        ? null
        : normaliseRate(suggestion.effectiveMaxAnnualRate),
    score: suggestion.score,
    parts: { ...suggestion.parts },
    reasons: suggestion.reasons.map((reason) => ({ code: reason.code, message: reason.message })),
    bankRecord: { ...suggestion.record },
    existingMatch:
      suggestion.existingMatch === null
        ? null
        : { matchId: suggestion.existingMatch.matchId, status: suggestion.existingMatch.status },
  };
}
