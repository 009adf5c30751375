import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { toFenFromDb } from '../../common/money/money.js';
import type { LprQuote } from '../products/effective-rate.js';
import { LprRatesService } from '../products/lpr-rates.service.js';
import type {
  GuaranteeType,
  LprTenor,
  ProductCategory,
  RateKind,
} from '../products/product.entity.js';
import {
  decodeCursor,
  encodeCursor,
  type PageQueryDto,
} from '../../common/pagination/pagination.js';
import { isUuid } from '../../common/validation/identifiers.js';
import {
  type ExistingMatch,
  parseScore,
  type ProductCandidate,
  type RankKey,
  rankSuggestionPage,
  SCORE_WEIGHTS,
  scoreText,
  type SuggestionRequest,
} from './suggestion-score.js';
import { BankRecordsReader } from './bank-records.js';
import { SuggestionListDto, toSuggestionResponse } from './suggestions.dto.js';

interface RequestRow {
  id: string;
  amount_fen: string;
  term_months: number;
  guarantee_offered: GuaranteeType;
  rate_ceiling: string | null;
  region_code: string;
  industry: string;
  scale: string;
  tags: string[];
  has_loan: boolean;
  matches: ExistingMatch[];
}

interface CandidateRow {
  id: string;
  name: string;
  category: ProductCategory;
  bank_id: string;
  bank_name: string;
  active: boolean;
  min_amount_fen: string;
  max_amount_fen: string;
  min_term_months: number;
  max_term_months: number;
  rate_kind: RateKind;
  min_annual_rate: string | null;
  max_annual_rate: string | null;
  lpr_tenor: LprTenor | null;
  min_spread_bp: number | null;
  max_spread_bp: number | null;
  region_listed: boolean;
  industry_listed: boolean;
  scale_listed: boolean;
  guarantee_listed: boolean;
  tags: string[];
}

/** The cursor names the last suggestion of a page by its rank key: score, names, product id. */
function decodeRankKey(cursor: string): RankKey {
  const [score, bankName, productName, productId] = decodeCursor(cursor, 4, (key, position) =>
    position === 0 ? parseScore(key) !== null : position === 3 ? isUuid(key) : true,
  );
  return { score: parseScore(score) as number, bankName, productName, productId };
}

/**
 * Ranked banks and products for one financing request (the scoring rules are in
 * suggestion-score.ts). Four reads, no writes: the request with its enterprise and existing
 * matches, the candidate products (hard filters in SQL), the LPR in force (only when an LPR
 * product is among them), and every candidate bank's record in one statement (bank-records.ts).
 */
@Injectable()
export class SuggestionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lprRates: LprRatesService,
    private readonly bankRecords: BankRecordsReader,
  ) {}

  async suggest(
    caller: Caller,
    requestId: string,
    query: PageQueryDto,
  ): Promise<SuggestionListDto> {
    // A bad cursor is a 400 before any read, like every other list.
    const after = query.cursor === undefined ? null : decodeRankKey(query.cursor);
    const request = await this.loadRequest(caller, requestId);
    const suggestionRequest: SuggestionRequest = {
      amountFen: toFenFromDb(request.amount_fen),
      termMonths: request.term_months,
      guaranteeOffered: request.guarantee_offered,
      rateCeiling: request.rate_ceiling,
      regionCode: request.region_code,
      industry: request.industry,
      scale: request.scale,
      enterpriseTags: request.tags,
      enterpriseHasLoan: request.has_loan,
    };
    const candidates = await this.candidates(suggestionRequest);
    const bankIds = [...new Set(candidates.map((candidate) => candidate.bankId))];
    const [quotes, records] = await Promise.all([
      candidates.some((candidate) => candidate.rateKind === 'lpr')
        ? this.lprRates.quotesInForce()
        : Promise.resolve(new Map<LprTenor, LprQuote>()),
      this.bankRecords.records(bankIds),
    ]);
    const page = rankSuggestionPage(
      { request: suggestionRequest, candidates, records, existingMatches: request.matches, quotes },
      { after, limit: query.limit },
    );
    const last = page.items.at(-1);
    return {
      requestId: request.id,
      weights: { ...SCORE_WEIGHTS },
      items: page.items.map((item) => toSuggestionResponse(item.suggestion, item.rank)),
      nextCursor:
        page.hasMore && last !== undefined
          ? encodeCursor([
              scoreText(last.key),
              last.key.bankName,
              last.key.productName,
              last.key.productId,
            ])
          : null,
    };
  }

  /**
   * The request, scoped in the WHERE clause: an enterprise user reads only its own enterprise's
   * requests, and another enterprise's id answers exactly like an absent one (404).
   */
  private async loadRequest(caller: Caller, requestId: string): Promise<RequestRow> {
    const ownEnterprise = caller.role === Role.Enterprise ? caller.enterpriseId : null;
    if (caller.role === Role.Enterprise && ownEnterprise === null) {
      throw DomainError.notFound('financing request');
    }
    const rows = await this.dataSource.query<RequestRow[]>(
      `SELECT r.id, r.amount_fen::text AS amount_fen, r.term_months, r.guarantee_offered,
              r.rate_ceiling::text AS rate_ceiling, e.region_code, e.industry, e.scale, e.tags,
              EXISTS (
                SELECT 1 FROM matches loan
                  JOIN financing_requests own ON own.id = loan.request_id
                 WHERE own.enterprise_id = r.enterprise_id AND loan.status = 'disbursed'
              ) AS has_loan,
              coalesce((
                SELECT json_agg(json_build_object(
                         'matchId', m.id,
                         'bankId', m.bank_id,
                         'status', m.status,
                         'dispatchedAt', to_char(m.dispatched_at AT TIME ZONE 'UTC',
                                                 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
                  FROM matches m
                 WHERE m.request_id = r.id
              ), '[]'::json) AS matches
         FROM financing_requests r
         JOIN enterprises e ON e.id = r.enterprise_id
        WHERE r.id = $1 AND ($2::uuid IS NULL OR r.enterprise_id = $2::uuid)`,
      [requestId, ownEnterprise],
    );
    const row = rows[0];
    if (row === undefined) {
      throw DomainError.notFound('financing request');
    }
    return row;
  }

  /**
   * Active products passing every hard filter SQL can judge alone. A fixed-rate product is held
   * to the ceiling here; an LPR product's rate depends on today's LPR, so rankSuggestionPage
   * judges it (and re-checks everything, being the authority on eligibility).
   *
   * The eligibility lists are judged here and not sent back: parsing a thousand rows of arrays
   * cost more than the query. What the scoring and the reasons need of a list is whether it
   * restricts at all and, if it does, that it holds the request's value (which the WHERE clause
   * has made sure of), so each list comes back as empty, or as just the request's value.
   */
  private async candidates(request: SuggestionRequest): Promise<ProductCandidate[]> {
    const rows = await this.dataSource.query<CandidateRow[]>(
      `SELECT p.id, p.name, p.category, p.bank_id, b.name AS bank_name, p.active,
              p.min_amount_fen::text AS min_amount_fen, p.max_amount_fen::text AS max_amount_fen,
              p.min_term_months, p.max_term_months, p.rate_kind,
              p.min_annual_rate::text AS min_annual_rate, p.max_annual_rate::text AS max_annual_rate,
              p.lpr_tenor, p.min_spread_bp, p.max_spread_bp,
              p.eligible_regions <> '{}' AS region_listed,
              p.eligible_industries <> '{}' AS industry_listed,
              p.eligible_scales <> '{}' AS scale_listed,
              p.guarantee_types <> '{}' AS guarantee_listed, p.tags
         FROM products p
         JOIN banks b ON b.id = p.bank_id
        WHERE p.active
          AND p.min_amount_fen <= $1::bigint AND p.max_amount_fen >= $1::bigint
          AND p.min_term_months <= $2::int AND p.max_term_months >= $2::int
          AND (p.eligible_regions = '{}' OR p.eligible_regions @> ARRAY[$3::text])
          AND (p.eligible_industries = '{}' OR p.eligible_industries @> ARRAY[$4::text])
          AND (p.eligible_scales = '{}' OR p.eligible_scales @> ARRAY[$5::text])
          AND (p.guarantee_types = '{}' OR p.guarantee_types @> ARRAY[$6::text])
          AND ($7::numeric IS NULL OR p.rate_kind = 'lpr' OR p.min_annual_rate <= $7::numeric)`,
      [
        request.amountFen.toString(),
        request.termMonths,
        request.regionCode,
        request.industry,
        request.scale,
        request.guaranteeOffered,
        request.rateCeiling,
      ],
    );
    return rows.map((row) => ({
      productId: row.id,
      productName: row.name,
      category: row.category,
      bankId: row.bank_id,
      bankName: row.bank_name,
      active: row.active,
      minAmountFen: toFenFromDb(row.min_amount_fen),
      maxAmountFen: toFenFromDb(row.max_amount_fen),
      minTermMonths: row.min_term_months,
      maxTermMonths: row.max_term_months,
      rateKind: row.rate_kind,
      minAnnualRate: row.min_annual_rate,
      maxAnnualRate: row.max_annual_rate,
      lprTenor: row.lpr_tenor,
      minSpreadBp: row.min_spread_bp,
      maxSpreadBp: row.max_spread_bp,
      eligibleRegions: row.region_listed ? [request.regionCode] : [],
      eligibleIndustries: row.industry_listed ? [request.industry] : [],
      eligibleScales: row.scale_listed ? [request.scale] : [],
      guaranteeTypes: row.guarantee_listed ? [request.guaranteeOffered] : [],
      tags: row.tags,
    }));
  }
}
