import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { actorOf, type Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Clock } from '../../common/clock.js';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { AppConfig } from '../../common/config/app-config.js';
import { formatFen } from '../../common/money/money.js';
import { inTransaction } from '../../database/transaction.js';
import { CommissionersService } from '../commissioners/commissioners.service.js';
import { CreateCommissionerDto } from '../commissioners/commissioners.dto.js';
import { CreateEnterpriseDto } from '../enterprises/enterprises.dto.js';
import { EnterprisesService } from '../enterprises/enterprises.service.js';
import { CreateEventDto, CreateIntentDto } from '../events/events.dto.js';
import { EventsService } from '../events/events.service.js';
import { GuaranteeFundsService } from '../guarantees/guarantee-funds.service.js';
import {
  CapitalDto,
  CreateGuaranteeDto,
  CreateGuaranteeFundDto,
} from '../guarantees/guarantees.dto.js';
import { GuaranteesService } from '../guarantees/guarantees.service.js';
import { CreateFinancingRequestDto } from '../matching/financing-requests.dto.js';
import { FinancingRequestsService } from '../matching/financing-requests.service.js';
import { ApproveDto, DeclineDto, DisburseDto, DispatchDto } from '../matching/matches.dto.js';
import { MatchesService } from '../matching/matches.service.js';
import { CreateProjectDto } from '../projects/projects.dto.js';
import { ProjectsService } from '../projects/projects.service.js';
import { addCalendarDays } from '../turnover-fund/fees.js';
import {
  BankCommitDto,
  CreateTurnoverApplicationDto,
  RenewalDto,
  RepayDto,
} from '../turnover-fund/turnover-applications.dto.js';
import { TurnoverApplicationsService } from '../turnover-fund/turnover-applications.service.js';
import { CapitalMovementDto, CreateTurnoverFundDto } from '../turnover-fund/turnover-funds.dto.js';
import { TurnoverFundsService } from '../turnover-fund/turnover-funds.service.js';
import { TurnoverPaymentsService } from '../turnover-fund/turnover-payments.service.js';
import { DEMO_PASSWORD } from '../users/initial-accounts.service.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { UsersService } from '../users/users.service.js';
import { DemoDataService, DEMO_REQUEST_ID } from './demo-data.service.js';
import { demoCreditCode } from './demo-plan.js';
import { TONGHUA } from './tonghua.js';
import {
  DAYS_IN_YEAR,
  DEMO_TURNOVER_FUND,
  planYear,
  seeded,
  TONGHUA_YEAR,
  type YearPlan,
  type YearTargets,
} from './tonghua-year-plan.js';
import { validated } from './validated.js';

/** One replay at a time across instances (another fixed advisory-lock key). */
const LOCK_KEY = 7_242_011;
export const DEFAULT_YEAR_SEED = 2026;
const GUARANTEE_FUND_NAME = '通化市信保基金（年度回放）';
const TREASURER = 'center.treasurer';
/** 4321: guarantor 40%, re-guarantor 30%, bank 20%, government 10% (DOMAIN.md §4). */
const SHARES = { guarantor: '0.4', reguarantor: '0.3', bank: '0.2', government: '0.1' };

export interface YearReplayOptions {
  targets?: YearTargets;
  seed?: number;
  /** The last day of the year (Asia/Shanghai); today by default. */
  lastDay?: string;
}

export interface YearReplayReport {
  /** False when the database already holds the replay (nothing was done). */
  replayed: boolean;
  /** The dashboard period that shows the year: GET /stats/overview?from&to. */
  from: string;
  to: string;
  serviceCalls: number;
  milliseconds: number;
}

const PLACES = [
  { regionCode: '220502', name: '通化' },
  { regionCode: '220503', name: '二道江' },
  { regionCode: '220521', name: '通化县' },
  { regionCode: '220523', name: '辉南' },
  { regionCode: '220524', name: '柳河' },
  { regionCode: '220581', name: '梅河口' },
  { regionCode: '220582', name: '集安' },
];
const BRANDS = [
  '鑫源', '恒泰', '宏达', '华康', '金诚', '瑞丰', '兴隆', '博瑞', '天成', '永昌',
  '德润', '汇通', '盛世', '长青', '佳禾', '百川', '众合', '嘉业', '东升', '和信',
  '丰泽', '润泽', '聚源', '鼎盛', '安泰', '福源', '益康', '信达', '龙腾', '正阳',
  '参源', '浑江', '佟佳', '万通', '松源', '禾丰', '北辰', '君诚', '康泰', '华盛',
]; // prettier-ignore
const TRADES = ['医药', '食品', '新材料', '机械制造', '生物科技', '人参制品', '建材', '商贸', '农业发展', '物流']; // prettier-ignore
const PROJECTS = ['生产基地建设项目', '技术改造项目', '扩能项目', '产业园项目', '研发中心建设项目'];

/**
 * `npm run demo:tonghua` / DEMO_DATA=tonghua-year: a year of Tonghua's activity entered through
 * the application's services, in date order, as the people who would have done each step: the
 * center (first administrator) files and dispatches, bank officers accept, approve, disburse or
 * decline, enterprises file online and apply to the turnover fund, a second administrator pays
 * the fund out (four eyes). Every rule, ledger posting, notification and audit row applies.
 *
 * The year is the 365 days ending on `lastDay`. Business dates come from the Clock, which the
 * replay moves day by day through the year and gives back when done (database row timestamps,
 * such as a guarantee's approval, stay the real time: they fall on the last day's period end).
 * A database that already holds the replay's turnover fund is left alone; an interrupted replay
 * is not resumed (it is refused: start from an empty database). Refused in production.
 */
@Injectable()
export class TonghuaYearReplay {
  private readonly logger = new Logger(TonghuaYearReplay.name);
  private calls = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly demo: DemoDataService,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly enterprises: EnterprisesService,
    private readonly projects: ProjectsService,
    private readonly requests: FinancingRequestsService,
    private readonly matches: MatchesService,
    private readonly turnoverFunds: TurnoverFundsService,
    private readonly applications: TurnoverApplicationsService,
    private readonly payments: TurnoverPaymentsService,
    private readonly guaranteeFunds: GuaranteeFundsService,
    private readonly guarantees: GuaranteesService,
    private readonly commissioners: CommissionersService,
    private readonly events: EventsService,
  ) {}

  async run(options: YearReplayOptions = {}): Promise<YearReplayReport> {
    if (this.config.isProduction) {
      throw new Error('the Tonghua year replay is demo data: refused with NODE_ENV=production');
    }
    const lastDay = options.lastDay ?? shanghaiBusinessDate(this.clock.now());
    const firstDay = addCalendarDays(lastDay, 1 - DAYS_IN_YEAR);
    const period = { from: firstDay, to: addCalendarDays(lastDay, 1) };
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
      try {
        const done = (await runner.query('SELECT 1 FROM turnover_funds WHERE name = $1', [
          DEMO_TURNOVER_FUND.name,
        ])) as unknown[];
        if (done.length > 0) {
          return { replayed: false, ...period, serviceCalls: 0, milliseconds: 0 };
        }
        // The treasurer is created first and the fund after the registry: one without the
        // other is a replay that stopped half-way, which is not resumed.
        const started = (await runner.query('SELECT 1 FROM users WHERE lower(username) = $1', [
          TREASURER,
        ])) as unknown[];
        if (started.length > 0) {
          throw new Error(
            'an earlier Tonghua year replay stopped half-way: replay on an empty database',
          );
        }
        const began = Date.now();
        this.calls = 0;
        const plan = planYear(
          options.targets ?? TONGHUA_YEAR,
          options.seed ?? DEFAULT_YEAR_SEED,
          TONGHUA.banks.length,
        );
        await this.replay(plan, firstDay);
        const milliseconds = Date.now() - began;
        this.logger.log(
          `Tonghua year replayed: ${this.calls} service calls in ${(milliseconds / 1000).toFixed(1)} s`,
        );
        return { replayed: true, ...period, serviceCalls: this.calls, milliseconds };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  /** Counts a service call (the figure the README reports). */
  private async call<T>(pending: Promise<T>): Promise<T> {
    this.calls += 1;
    return pending;
  }

  private async replay(plan: YearPlan, firstDay: string): Promise<void> {
    const dayOf = (offset: number): string => addCalendarDays(firstDay, offset);
    // The Clock reads the simulated day from here on: 09:00 in Tonghua, a second a step.
    let simulated = Date.parse(`${firstDay}T01:00:00Z`);
    const travel = (offset: number): void => {
      simulated = Math.max(simulated, Date.parse(`${dayOf(offset)}T01:00:00Z`));
    };
    this.clock.now = () => {
      simulated += 1000;
      return new Date(simulated);
    };
    try {
      await this.replayYear(plan, dayOf, travel);
    } finally {
      // Back to the prototype's real clock.
      Reflect.deleteProperty(this.clock, 'now');
    }
  }

  private async replayYear(
    plan: YearPlan,
    dayOf: (offset: number) => string,
    travel: (offset: number) => void,
  ): Promise<void> {
    await this.demo.load({ banks: TONGHUA.banks, enterprises: [] });
    const admin = await this.administrator();
    const treasurer = await this.treasurer(admin);
    const banks = await this.bankStaff();
    const enterprises = await this.createEnterprises(admin, plan);
    const enterpriseUsers = await this.createEnterpriseUsers(admin, plan, enterprises);

    // Day 0: the key-project list, the commissioners of the 双50 enterprises, the funds.
    travel(0);
    for (const [index, project] of plan.projects.entries()) {
      const owner = enterprises[project.ownerIndex];
      await this.call(
        this.projects.create(
          admin,
          validated(CreateProjectDto, {
            enterpriseId: owner.id,
            name: `${owner.brand}${PROJECTS[index % PROJECTS.length]}`,
            regionCode: owner.regionCode,
            kind: project.kind,
            totalInvestment: formatFen(project.totalInvestmentFen),
            plannedInvestment: formatFen(project.plannedInvestmentFen),
            status: project.started ? 'started' : 'planned',
            ...(project.started
              ? {
                  startedOn: project.kind === 'continuing' ? dayOf(-200) : dayOf(0),
                  progressPercent: project.kind === 'continuing' ? '60' : '10',
                }
              : {}),
          }),
        ),
      );
    }
    for (const enterprise of plan.enterprises.filter((item) => item.role === 'key50')) {
      const bank = banks[enterprise.index % banks.length];
      await this.call(
        this.commissioners.assign(
          admin,
          validated(CreateCommissionerDto, {
            officerId: bank.officer.userId,
            enterpriseId: enterprises[enterprise.index].id,
            from: dayOf(0),
          }),
        ),
      );
    }
    const fund = await this.call(
      this.turnoverFunds.create(admin, validated(CreateTurnoverFundDto, DEMO_TURNOVER_FUND)),
    );
    await this.call(
      this.turnoverFunds.injectCapital(
        admin,
        fund.id,
        'tonghua-year:turnover-capital',
        validated(CapitalMovementDto, { amount: '1000000000.00', note: '市财政拨付资本金' }),
      ),
    );
    const guaranteeFund = await this.call(
      this.guaranteeFunds.create(
        admin,
        validated(CreateGuaranteeFundDto, {
          name: GUARANTEE_FUND_NAME,
          annualFeeRate: plan.targets.guarantees.annualFeeRate,
          perEnterpriseCap: formatFen(plan.targets.guarantees.principalFen),
          capacityMultiple: '10',
          shares: SHARES,
        }),
      ),
    );
    await this.call(
      this.guaranteeFunds.injectCapital(
        admin,
        guaranteeFund.id,
        'tonghua-year:guarantee-capital',
        validated(CapitalDto, { amount: '20000000.00', note: '市财政注资' }),
      ),
    );

    const byDay = <T extends { day: number }>(items: readonly T[]): Map<number, T[]> => {
      const map = new Map<number, T[]>();
      for (const item of items) {
        map.set(item.day, [...(map.get(item.day) ?? []), item]);
      }
      return map;
    };
    const requestsByDay = byDay(plan.requests);
    const usesByDay = byDay(plan.uses);
    const repaymentsByDay = byDay(
      plan.uses.map((use, index) => ({ ...use, index, day: use.day + use.days })),
    );
    const guaranteesByDay = byDay(plan.guarantees);
    const applicationIds = new Map<number, string>();

    for (let offset = 1; offset < DAYS_IN_YEAR; offset += 1) {
      travel(offset);
      const today = dayOf(offset);
      if (offset % 30 === 0) {
        this.logger.log(`replaying ${today}: ${this.calls} service calls so far`);
      }
      for (const use of repaymentsByDay.get(offset) ?? []) {
        const id = applicationIds.get(use.index) as string;
        const bank = banks[use.bankIndex];
        await this.call(
          this.applications.renew(
            bank.officer,
            id,
            validated(RenewalDto, {
              newContractNo: `XD-${today}-${use.index}`,
              amount: formatFen(commitmentFor(use.principalFen)),
              renewedOn: today,
            }),
          ),
        );
        await this.call(
          this.payments.repay(
            admin,
            id,
            `tonghua-year:repay:${use.index}`,
            validated(RepayDto, { repaidOn: today }),
          ),
        );
      }
      for (const request of requestsByDay.get(offset) ?? []) {
        await this.replayRequest(request, today, {
          admin,
          bank: banks[request.bankIndex],
          enterprise: enterprises[request.enterpriseIndex],
          user: enterpriseUsers.get(request.enterpriseIndex),
        });
      }
      for (const use of usesByDay.get(offset) ?? []) {
        const index = plan.uses.indexOf(use);
        const user = enterpriseUsers.get(use.enterpriseIndex) as Caller;
        const bank = banks[use.bankIndex];
        const commitment = formatFen(commitmentFor(use.principalFen));
        const application = await this.call(
          this.applications.apply(
            user,
            validated(CreateTurnoverApplicationDto, {
              fundId: fund.id,
              bankId: bank.id,
              maturingLoan: {
                contractNo: `LD-${today}-${index}`,
                amount: commitment,
                maturityDate: today,
                kind: 'working_capital',
              },
              amount: formatFen(use.principalFen),
              days: use.days,
            }),
          ),
        );
        applicationIds.set(index, application.id);
        await this.call(
          this.applications.bankCommit(
            bank.officer,
            application.id,
            validated(BankCommitDto, { committedAmount: commitment, renewalTermMonths: 12 }),
          ),
        );
        await this.call(this.applications.approve(admin, application.id));
        await this.call(
          this.payments.disburse(treasurer, application.id, `tonghua-year:disburse:${index}`),
        );
      }
      for (const guarantee of guaranteesByDay.get(offset) ?? []) {
        const bank = banks[guarantee.bankIndex];
        const created = await this.call(
          this.guarantees.create(
            admin,
            validated(CreateGuaranteeDto, {
              fundId: guaranteeFund.id,
              loanContractNo: `DB-${today}-${plan.guarantees.indexOf(guarantee)}`,
              enterpriseId: enterprises[guarantee.enterpriseIndex].id,
              bankId: bank.id,
              principal: formatFen(guarantee.principalFen),
              termMonths: 12,
            }),
          ),
        );
        await this.call(this.guarantees.approve(admin, created.id));
        await this.call(
          this.guarantees.activate(admin, created.id, `tonghua-year:guarantee:${created.id}`),
        );
      }
      if (plan.event.day === offset) {
        await this.replayEvent(plan, today, admin, banks, enterprises);
      }
    }
  }

  private async replayRequest(
    request: YearPlan['requests'][number],
    today: string,
    parties: { admin: Caller; bank: BankStaff; enterprise: CreatedEnterprise; user?: Caller },
  ): Promise<void> {
    const { admin, bank, enterprise, user } = parties;
    const amount = formatFen(request.amountFen);
    const body = {
      amount,
      termMonths: 12,
      purpose: 'working_capital',
      guaranteeOffered: request.selfFiled ? 'credit' : 'mortgage',
      description: '流动资金周转',
    };
    const filed =
      request.selfFiled && user !== undefined
        ? await this.call(this.requests.create(user, validated(CreateFinancingRequestDto, body)))
        : await this.call(
            this.requests.create(
              admin,
              validated(CreateFinancingRequestDto, { ...body, enterpriseId: enterprise.id }),
            ),
          );
    const match = await this.call(
      this.matches.dispatch(admin, filed.id, validated(DispatchDto, { bankId: bank.id })),
    );
    if (request.outcome === 'declined') {
      await this.call(
        this.matches.decline(
          bank.officer,
          match.id,
          validated(DeclineDto, { reasonCode: 'insufficient_collateral', reason: '抵押物不足' }),
        ),
      );
      return;
    }
    await this.call(this.matches.accept(bank.officer, match.id));
    await this.call(
      this.matches.approve(
        bank.officer,
        match.id,
        validated(ApproveDto, { approvedAmount: amount, annualRate: '0.0385', termMonths: 12 }),
      ),
    );
    if (request.outcome === 'disbursed') {
      await this.call(
        this.matches.disburse(
          bank.officer,
          match.id,
          validated(DisburseDto, {
            amount,
            disbursedOn: today,
            contractNo: `HT-${today}-${request.enterpriseIndex}`,
          }),
        ),
      );
    }
  }

  /** 专精特新 online matchmaking: one day, every bank, the specialised enterprises, intents. */
  private async replayEvent(
    plan: YearPlan,
    today: string,
    admin: Caller,
    banks: BankStaff[],
    enterprises: CreatedEnterprise[],
  ): Promise<void> {
    const roster = [
      ...new Set([
        ...plan.event.intents.map((intent) => intent.enterpriseIndex),
        ...plan.enterprises
          .filter((item) => item.specialized)
          .slice(0, 30)
          .map((item) => item.index),
      ]),
    ];
    const event = await this.call(
      this.events.create(
        admin,
        validated(CreateEventDto, {
          title: '专精特新企业线上融资对接会',
          theme: '专精特新',
          date: today,
          format: 'online',
          bankIds: banks.map((bank) => bank.id),
          enterpriseIds: roster.map((index) => enterprises[index].id),
        }),
      ),
    );
    for (const intent of plan.event.intents) {
      await this.call(
        this.events.recordIntent(
          admin,
          event.id,
          validated(CreateIntentDto, {
            enterpriseId: enterprises[intent.enterpriseIndex].id,
            bankId: banks[intent.bankIndex].id,
            amount: formatFen(intent.amountFen),
          }),
        ),
      );
    }
  }

  private async administrator(): Promise<Caller> {
    const [admin] = await this.dataSource.query<{ id: string; username: string }[]>(
      `SELECT id, username FROM users
        WHERE role = 'admin' AND disabled_at IS NULL
        ORDER BY created_at, id LIMIT 1`,
    );
    if (admin === undefined) {
      throw new Error('no enabled administrator to replay the year as');
    }
    return callerOf(admin.id, admin.username, Role.Admin, null, null);
  }

  /** The second administrator who pays the turnover fund out (four eyes). */
  private async treasurer(admin: Caller): Promise<Caller> {
    const [found] = await this.dataSource.query<{ id: string }[]>(
      'SELECT id FROM users WHERE lower(username) = $1',
      [TREASURER],
    );
    if (found !== undefined) {
      return callerOf(found.id, TREASURER, Role.Admin, null, null);
    }
    const passwordHash = await this.hasher.hash(DEMO_PASSWORD);
    const user = await this.call(
      inTransaction(this.dataSource, (manager) =>
        this.users.insert(manager, actorOf(admin), {
          username: TREASURER,
          displayName: '项目中心资金管理员',
          passwordHash,
          role: Role.Admin,
          enterpriseId: null,
          bankId: null,
        }),
      ),
    );
    return callerOf(user.id, TREASURER, Role.Admin, null, null);
  }

  /** Each demo bank (in plan order) with its first officer. */
  private async bankStaff(): Promise<BankStaff[]> {
    const rows = await this.dataSource.query<
      { bank_id: string; bank_name: string; user_id: string; username: string }[]
    >(
      `SELECT b.id AS bank_id, b.name AS bank_name, u.id AS user_id, u.username
         FROM banks b JOIN users u ON u.bank_id = b.id
        WHERE b.name = ANY($1::text[]) AND u.role = 'bank_officer' AND u.disabled_at IS NULL
        ORDER BY u.username`,
      [TONGHUA.banks.map((item) => item.bank.name)],
    );
    return TONGHUA.banks.map(({ bank }) => {
      const row = rows.find((candidate) => candidate.bank_name === bank.name);
      if (row === undefined) {
        throw new Error(`${bank.name} has no officer to replay with`);
      }
      return {
        id: row.bank_id,
        officer: callerOf(row.user_id, row.username, Role.BankOfficer, null, row.bank_id),
      };
    });
  }

  private async createEnterprises(admin: Caller, plan: YearPlan): Promise<CreatedEnterprise[]> {
    const next = seeded(DEFAULT_YEAR_SEED + plan.enterprises.length);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const integer = (min: number, max: number): number =>
      min + Math.floor(next() * (max - min + 1));
    const names = new Set<string>();
    const created: CreatedEnterprise[] = [];
    for (const planned of plan.enterprises) {
      const place = pick(PLACES);
      let brand = pick(BRANDS);
      const trade = pick(TRADES);
      let name = `${place.name}${brand}${trade}有限公司`;
      while (names.has(name)) {
        brand = `${brand}${pick(BRANDS)}`;
        name = `${place.name}${brand}${trade}有限公司`;
      }
      names.add(name);
      // Online borrowers are small firms (工业: 20–300 people, 300万–2000万 revenue).
      const small = planned.role === 'online';
      const tags = [
        ...(planned.role === 'key50' ? ['key50'] : []),
        ...(planned.specialized ? ['specialized'] : []),
      ];
      const enterprise = await this.call(
        this.enterprises.create(
          admin,
          validated(CreateEnterpriseDto, {
            name,
            creditCode: demoCreditCode(name, place.regionCode),
            regionCode: place.regionCode,
            industry: 'industry',
            employees: small ? integer(20, 200) : integer(50, 1500),
            revenue: `${small ? integer(300, 1900) : integer(2000, 80000)}0000.00`,
            assets: `${integer(500, 50000)}0000.00`,
            tags,
            verified: true,
          }),
        ),
      );
      created.push({ id: enterprise.id, brand, regionCode: place.regionCode });
    }
    return created;
  }

  /** Sign-ins for the enterprises that act themselves (demo password, hashed once). */
  private async createEnterpriseUsers(
    admin: Caller,
    plan: YearPlan,
    enterprises: CreatedEnterprise[],
  ): Promise<Map<number, Caller>> {
    const passwordHash = await this.hasher.hash(DEMO_PASSWORD);
    const users = new Map<number, Caller>();
    for (const planned of plan.enterprises.filter((item) => item.needsUser)) {
      const username = `tonghua.e${String(planned.index + 1).padStart(4, '0')}`;
      const enterpriseId = enterprises[planned.index].id;
      const user = await this.call(
        inTransaction(this.dataSource, (manager) =>
          this.users.insert(manager, actorOf(admin), {
            username,
            displayName: `${enterprises[planned.index].brand}财务`,
            passwordHash,
            role: Role.Enterprise,
            enterpriseId,
            bankId: null,
          }),
        ),
      );
      users.set(planned.index, callerOf(user.id, username, Role.Enterprise, enterpriseId, null));
    }
    return users;
  }
}

interface BankStaff {
  id: string;
  officer: Caller;
}

interface CreatedEnterprise {
  id: string;
  brand: string;
  regionCode: string;
}

function callerOf(
  userId: string,
  username: string,
  role: Role,
  enterpriseId: string | null,
  bankId: string | null,
): Caller {
  return { userId, username, role, enterpriseId, bankId, requestId: DEMO_REQUEST_ID };
}

/** The bank's renewal commitment: the fund lends at most 95% of it. */
function commitmentFor(principalFen: bigint): bigint {
  return (principalFen * 100n + 94n) / 95n;
}
