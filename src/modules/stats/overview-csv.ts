import { csvDocument, csvField } from '../../common/csv.js';
import type { OverviewDto } from './overview.dto.js';

type Figure = string | number | null;

/** Every figure of the dashboard, in document order: system, Chinese name, value. */
const ROWS: readonly [string, string, (overview: OverviewDto) => Figure][] = [
  ['重点项目', '项目数', (o) => o.projects.count],
  ['重点项目', '总投资（元）', (o) => o.projects.totalInvestment],
  ['重点项目', '年度计划投资（元）', (o) => o.projects.plannedInvestment],
  ['重点项目', '新建', (o) => o.projects.newProjects],
  ['重点项目', '续建', (o) => o.projects.continuingProjects],
  ['重点项目', '开工', (o) => o.projects.started],
  ['重点项目', '开工率', (o) => o.projects.startRate],
  ['应急周转基金', '累计转贷（元）', (o) => o.turnoverFund.turnover],
  ['应急周转基金', '累计服务企业', (o) => o.turnoverFund.enterprises],
  ['应急周转基金', '累计转贷笔数', (o) => o.turnoverFund.uses],
  ['应急周转基金', '累计节约财务成本（元）', (o) => o.turnoverFund.savings],
  ['应急周转基金', '新增转贷（元）', (o) => o.turnoverFund.newTurnover],
  ['应急周转基金', '新增转贷笔数', (o) => o.turnoverFund.newUses],
  ['应急周转基金', '新增服务企业', (o) => o.turnoverFund.newEnterprises],
  ['信保基金', '担保费率', (o) => o.guarantees.feeRate],
  ['信保基金', '新增担保笔数', (o) => o.guarantees.newGuarantees],
  ['信保基金', '新增担保贷款（元）', (o) => o.guarantees.newGuaranteedLoans],
  ['吉企银通', '线上小微贷款笔数', (o) => o.onlineLoans.disbursements],
  ['吉企银通', '线上小微贷款企业', (o) => o.onlineLoans.enterprises],
  ['吉企银通', '线上小微贷款（元）', (o) => o.onlineLoans.amount],
  ['金融服务专员', '授信（元）', (o) => o.commissioners.creditApproved],
  ['金融服务专员', '放款（元）', (o) => o.commissioners.loansDisbursed],
  ['项目中心+行长制', '对接户数', (o) => o.matchmaking.enterprisesPushed],
  ['项目中心+行长制', '需求金额（元）', (o) => o.matchmaking.demandAmount],
  ['项目中心+行长制', '放款户数', (o) => o.matchmaking.enterprisesFunded],
  ['项目中心+行长制', '放款金额（元）', (o) => o.matchmaking.amountDisbursed],
  ['项目中心+行长制', '对接成功率', (o) => o.matchmaking.successRate],
  ['项目中心+行长制', '资金需求满足率', (o) => o.matchmaking.satisfactionRate],
  ['融资对接活动', '活动场次', (o) => o.events.events],
  ['融资对接活动', '意向笔数', (o) => o.events.intents],
  ['融资对接活动', '融资意向金额（元）', (o) => o.events.intentAmount],
];

/** The dashboard as CSV, one figure a line (UTF-8 with BOM, CRLF), the period in the header. */
export function toOverviewCsv(overview: OverviewDto): string {
  return csvDocument([
    ['系统', '指标', `${overview.from}至${overview.to}（不含）`].join(','),
    ...ROWS.map(([system, name, pick]) =>
      [csvField(system, true), csvField(name, true), csvField(pick(overview))].join(','),
    ),
  ]);
}
