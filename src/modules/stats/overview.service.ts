import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller } from '../../common/auth/caller.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { formatFen, parseYuan } from '../../common/money/money.js';
import { Decimal } from '../../common/money/rate.js';
import { CommissionerStatsService } from '../commissioners/commissioner-stats.service.js';
import { EventsService } from '../events/events.service.js';
import { GuaranteeFundsService } from '../guarantees/guarantee-funds.service.js';
import { isCalendarDate } from '../products/lpr-rates.service.js';
import { ProjectsService } from '../projects/projects.service.js';
import { TurnoverReportService } from '../turnover-fund/turnover-report.js';
import { MatchmakingStatsService } from './matchmaking-stats.service.js';
import {
  OverviewDto,
  OverviewEventsDto,
  OverviewGuaranteesDto,
  OverviewOnlineLoansDto,
  OverviewQueryDto,
} from './overview.dto.js';

const FEE_RATE_PLACES = 6;

/**
 * The city dashboard (DOMAIN.md §1): each system's figures from that system's own report, so a
 * figure here always equals the one its module shows (definitions on OverviewDto). Only what no
 * report computes is queried here: the online channel's loans and the guarantees' weighted rate.
 * Period figures count events in [from, to) (business dates, Asia/Shanghai); the key-project
 * list is as it stands, and the turnover fund's turnover and savings are cumulative up to `to`,
 * as the city reports them, beside what is new in the period.
 */
@Injectable()
export class OverviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly turnover: TurnoverReportService,
    private readonly guaranteeFunds: GuaranteeFundsService,
    private readonly commissioners: CommissionerStatsService,
    private readonly matchmaking: MatchmakingStatsService,
    private readonly events: EventsService,
  ) {}

  async overview(caller: Caller, query: OverviewQueryDto): Promise<OverviewDto> {
    for (const field of ['from', 'to'] as const) {
      if (!isCalendarDate(query[field])) {
        throw DomainError.validation(field, 'must be a calendar date');
      }
    }
    if (query.to <= query.from) {
      throw DomainError.validation('to', 'must be later than from (to is excluded)');
    }
    const { from, to } = query;
    const projects = (await this.projects.summary(undefined)).total;
    const cumulative = await this.turnover.cityTotal(null, to);
    const period = await this.turnover.cityTotal(from, to);
    const commissioners = (await this.commissioners.commissioners({ from, to })).total;
    const matchmaking = (await this.matchmaking.matchmaking(caller, { from, to })).total;
    return {
      from,
      to,
      projects: {
        count: projects.count,
        totalInvestment: projects.totalInvestment,
        plannedInvestment: projects.plannedInvestment,
        newProjects: projects.newCount,
        continuingProjects: projects.continuingCount,
        started: projects.startedCount,
        startRate: projects.startRate,
      },
      turnoverFund: {
        turnover: cumulative.turnover,
        enterprises: cumulative.enterprises,
        uses: cumulative.uses,
        savings: cumulative.savings,
        newTurnover: period.turnover,
        newUses: period.uses,
        newEnterprises: period.enterprises,
      },
      guarantees: await this.guarantees(from, to),
      onlineLoans: await this.onlineLoans(from, to),
      commissioners: {
        creditApproved: commissioners.creditApproved,
        loansDisbursed: commissioners.loansDisbursed,
      },
      matchmaking: {
        enterprisesPushed: matchmaking.enterprisesPushed,
        demandAmount: matchmaking.demandAmount,
        enterprisesFunded: matchmaking.enterprisesFunded,
        amountDisbursed: matchmaking.amountDisbursed,
        successRate: matchmaking.successRate,
        satisfactionRate: matchmaking.satisfactionRate,
      },
      events: await this.eventFigures(from, to),
    };
  }

  /** Counts and principal from each fund's report; the rate, which no report has, here. */
  private async guarantees(from: string, to: string): Promise<OverviewGuaranteesDto> {
    const funds = await this.dataSource.query<{ id: string }[]>(
      'SELECT id FROM guarantee_funds ORDER BY id',
    );
    let issued = 0;
    let principalFen = 0n;
    for (const fund of funds) {
      const { total } = await this.guaranteeFunds.report(fund.id, { from, to });
      issued += total.issued;
      principalFen += parseYuan(total.principal, 'principal');
    }
    // Same population as the report's "issued": approved in the period, whatever happened later.
    const [weighted] = await this.dataSource.query<{ principal_times_rate: string | null }[]>(
      `SELECT sum(principal_fen * annual_fee_rate)::text AS principal_times_rate
         FROM guarantees
        WHERE approved_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai')
          AND approved_at < ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai')`,
      [from, to],
    );
    return {
      feeRate:
        principalFen === 0n || weighted.principal_times_rate === null
          ? null
          : new Decimal(weighted.principal_times_rate)
              .div(principalFen.toString())
              .toFixed(FEE_RATE_PLACES),
      newGuarantees: issued,
      newGuaranteedLoans: formatFen(principalFen),
    };
  }

  /** 吉企银通: loans disbursed on requests small and micro enterprises filed themselves. */
  private async onlineLoans(from: string, to: string): Promise<OverviewOnlineLoansDto> {
    const [row] = await this.dataSource.query<
      { disbursements: number; enterprises: number; amount_fen: string }[]
    >(
      `SELECT count(*)::int AS disbursements,
              count(DISTINCT r.enterprise_id)::int AS enterprises,
              coalesce(sum(m.disbursed_amount_fen), 0)::text AS amount_fen
         FROM matches m
         JOIN financing_requests r ON r.id = m.request_id
         JOIN enterprises e ON e.id = r.enterprise_id
        WHERE m.status = 'disbursed' AND m.disbursed_on >= $1 AND m.disbursed_on < $2
          AND NOT r.on_behalf AND e.scale IN ('small', 'micro')`,
      [from, to],
    );
    return {
      disbursements: row.disbursements,
      enterprises: row.enterprises,
      amount: formatFen(BigInt(row.amount_fen)),
    };
  }

  /** Each event's own figures (GET /events/:id/stats), summed over the events of the period. */
  private async eventFigures(from: string, to: string): Promise<OverviewEventsDto> {
    const held = await this.dataSource.query<{ id: string }[]>(
      'SELECT id FROM matchmaking_events WHERE held_on >= $1 AND held_on < $2 ORDER BY id',
      [from, to],
    );
    let intents = 0;
    let intentFen = 0n;
    for (const event of held) {
      const stats = await this.events.stats(event.id);
      intents += stats.intents;
      intentFen += parseYuan(stats.intentAmount, 'intentAmount');
    }
    return { events: held.length, intents, intentAmount: formatFen(intentFen) };
  }
}
