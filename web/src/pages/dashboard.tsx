import { Button, Card, Col, DatePicker, Descriptions, Form, Row, Space, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, downloadCsv } from '../api/client';
import { DESCRIPTIONS, type OverviewDto } from '../api/schema';
import { Bars } from '../components/chart';
import { ProblemAlert, useAction } from '../components/forms';
import { shanghaiToday, yuanSummary } from '../format';
import { useT, type MessageKey } from '../i18n';

type Section = Exclude<keyof OverviewDto, 'from' | 'to'>;
type Kind = 'money' | 'count' | 'rate';

interface Figure {
  key: string;
  label: MessageKey;
  kind: Kind;
}

interface SectionSpec {
  section: Section;
  /** The schema whose property descriptions define this section's figures. */
  schema: keyof typeof DESCRIPTIONS;
  title: MessageKey;
  figures: Figure[];
}

const SECTIONS: SectionSpec[] = [
  {
    section: 'matchmaking',
    schema: 'OverviewMatchmakingDto',
    title: 'ovMatchmaking',
    figures: [
      { key: 'enterprisesPushed', label: 'ovEnterprisesPushed', kind: 'count' },
      { key: 'demandAmount', label: 'demandAmount', kind: 'money' },
      { key: 'enterprisesFunded', label: 'ovEnterprisesFunded', kind: 'count' },
      { key: 'amountDisbursed', label: 'disbursedAmount', kind: 'money' },
      { key: 'successRate', label: 'ovSuccessRate', kind: 'rate' },
      { key: 'satisfactionRate', label: 'ovSatisfactionRate', kind: 'rate' },
    ],
  },
  {
    section: 'projects',
    schema: 'OverviewProjectsDto',
    title: 'ovProjects',
    figures: [
      { key: 'count', label: 'ovProjectCount', kind: 'count' },
      { key: 'totalInvestment', label: 'totalInvestment', kind: 'money' },
      { key: 'plannedInvestment', label: 'ovPlannedInvestment', kind: 'money' },
      { key: 'newProjects', label: 'ovNewProjects', kind: 'count' },
      { key: 'continuingProjects', label: 'ovContinuingProjects', kind: 'count' },
      { key: 'started', label: 'ovStarted', kind: 'count' },
      { key: 'startRate', label: 'ovStartRate', kind: 'rate' },
    ],
  },
  {
    section: 'turnoverFund',
    schema: 'OverviewTurnoverFundDto',
    title: 'ovTurnoverFund',
    figures: [
      { key: 'turnover', label: 'ovTurnover', kind: 'money' },
      { key: 'enterprises', label: 'ovTurnoverEnterprises', kind: 'count' },
      { key: 'uses', label: 'ovUses', kind: 'count' },
      { key: 'savings', label: 'ovSavings', kind: 'money' },
      { key: 'newTurnover', label: 'ovNewTurnover', kind: 'money' },
      { key: 'newUses', label: 'ovNewUses', kind: 'count' },
      { key: 'newEnterprises', label: 'ovNewEnterprises', kind: 'count' },
    ],
  },
  {
    section: 'guarantees',
    schema: 'OverviewGuaranteesDto',
    title: 'ovGuarantees',
    figures: [
      { key: 'newGuarantees', label: 'ovNewGuarantees', kind: 'count' },
      { key: 'newGuaranteedLoans', label: 'ovNewGuaranteedLoans', kind: 'money' },
      { key: 'feeRate', label: 'ovFeeRate', kind: 'rate' },
    ],
  },
  {
    section: 'onlineLoans',
    schema: 'OverviewOnlineLoansDto',
    title: 'ovOnlineLoans',
    figures: [
      { key: 'disbursements', label: 'ovOnlineDisbursements', kind: 'count' },
      { key: 'enterprises', label: 'ovOnlineEnterprises', kind: 'count' },
      { key: 'amount', label: 'ovOnlineAmount', kind: 'money' },
    ],
  },
  {
    section: 'commissioners',
    schema: 'OverviewCommissionersDto',
    title: 'ovCommissioners',
    figures: [
      { key: 'creditApproved', label: 'ovCreditApproved', kind: 'money' },
      { key: 'loansDisbursed', label: 'ovLoansDisbursed', kind: 'money' },
    ],
  },
  {
    section: 'events',
    schema: 'OverviewEventsDto',
    title: 'ovEvents',
    figures: [
      { key: 'events', label: 'ovEventCount', kind: 'count' },
      { key: 'intents', label: 'ovIntents', kind: 'count' },
      { key: 'intentAmount', label: 'ovIntentAmount', kind: 'money' },
    ],
  },
];

/** The period's money flows in the chart: [section, figure, label]. */
const CHARTED: [Section, string, MessageKey][] = [
  ['matchmaking', 'demandAmount', 'demandAmount'],
  ['matchmaking', 'amountDisbursed', 'disbursedAmount'],
  ['turnoverFund', 'newTurnover', 'ovNewTurnover'],
  ['guarantees', 'newGuaranteedLoans', 'ovNewGuaranteedLoans'],
  ['onlineLoans', 'amount', 'ovOnlineAmount'],
  ['commissioners', 'loansDisbursed', 'ovLoansDisbursed'],
  ['events', 'intentAmount', 'ovIntentAmount'],
];

function valueOf(overview: OverviewDto, section: Section, key: string): string | number | null {
  return (overview[section] as unknown as Record<string, string | number | null>)[key];
}

function definitionOf(schema: keyof typeof DESCRIPTIONS, key: string): string | undefined {
  return (DESCRIPTIONS[schema] as Record<string, string | undefined>)[key];
}

/** "0.6732" → "67.32%", keeping the precision the API sent ("0.007000" → "0.7000%"). */
function percent(rate: string | null): string {
  if (rate === null) {
    return '—';
  }
  const decimals = rate.split('.')[1]?.length ?? 0;
  return `${(Number(rate) * 100).toFixed(Math.max(0, decimals - 2))}%`;
}

/** A figure's name that shows its definition on hover and on keyboard focus. */
function Defined({ label, definition }: { label: string; definition?: string }): ReactNode {
  if (definition === undefined) {
    return label;
  }
  return (
    <Tooltip title={definition} trigger={['hover', 'focus']}>
      <span tabIndex={0} style={{ borderBottom: '1px dotted #999', cursor: 'help' }}>
        {label}
      </span>
    </Tooltip>
  );
}

/** The city dashboard: every system's figures for one period, a chart and the CSV. */
export function DashboardPage(): ReactNode {
  const { t, language } = useT();
  const today = shanghaiToday();
  // The picker shows the last day included; the API takes the day after it (`to` is excluded).
  const [range, setRange] = useState<[string, string]>([`${today.slice(0, 4)}-01-01`, today]);
  const [overview, setOverview] = useState<OverviewDto | null>(null);
  const { run, busy, problem } = useAction<void>();
  const exporting = useAction<void>();
  const query = useMemo(
    () => ({ from: range[0], to: dayjs(range[1]).add(1, 'day').format('YYYY-MM-DD') }),
    [range],
  );
  const load = useCallback(() => {
    void run(async () => {
      setOverview(await api('get', '/api/v1/stats/overview', { query }));
    });
  }, [run, query]);
  useEffect(load, [load]);
  const categories = useMemo(() => CHARTED.map(([, , label]) => t(label)), [t]);
  const series = useMemo(
    () =>
      overview === null
        ? []
        : [
            {
              name: t('amountWan'),
              // The axis only; the cards show the exact amounts.
              values: CHARTED.map(
                ([section, key]) => Number(valueOf(overview, section, key)) / 10_000,
              ),
            },
          ],
    [overview, t],
  );
  const show = (value: string | number | null, kind: Kind): string =>
    kind === 'money'
      ? yuanSummary(value as string, language)
      : kind === 'rate'
        ? percent(value as string | null)
        : String(value);
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={t('dashboard')}
        extra={
          <Space>
            <Form layout="inline">
              <Form.Item label={t('period')} htmlFor="dashboard-period">
                <DatePicker.RangePicker
                  id="dashboard-period"
                  allowClear={false}
                  value={[dayjs(range[0]), dayjs(range[1])]}
                  onChange={(values) => {
                    if (values?.[0] && values[1]) {
                      setRange([values[0].format('YYYY-MM-DD'), values[1].format('YYYY-MM-DD')]);
                    }
                  }}
                />
              </Form.Item>
            </Form>
            <Button onClick={load} loading={busy}>
              {t('refresh')}
            </Button>
            <Button
              loading={exporting.busy}
              onClick={() =>
                void exporting.run(() =>
                  downloadCsv(
                    `/api/v1/stats/overview?${new URLSearchParams(query).toString()}`,
                    `overview-${query.from}-${query.to}.csv`,
                  ),
                )
              }
            >
              {t('exportCsv')}
            </Button>
          </Space>
        }
      >
        <ProblemAlert problem={problem ?? exporting.problem} />
        {overview === null ? null : (
          <Bars categories={categories} series={series} label={t('dashboardChart')} />
        )}
      </Card>
      {overview === null ? null : (
        <Row gutter={[16, 16]}>
          {SECTIONS.map((spec) => (
            <Col key={spec.section} xs={24} lg={12}>
              <Card
                size="small"
                data-section={spec.section}
                title={
                  <Defined
                    label={t(spec.title)}
                    definition={definitionOf('OverviewDto', spec.section)}
                  />
                }
                style={{ height: '100%' }}
              >
                <Descriptions size="small" column={1} bordered>
                  {spec.figures.map((figure) => (
                    <Descriptions.Item
                      key={figure.key}
                      label={
                        <Defined
                          label={t(figure.label)}
                          definition={definitionOf(spec.schema, figure.key)}
                        />
                      }
                    >
                      <span data-figure={`${spec.section}.${figure.key}`}>
                        {show(valueOf(overview, spec.section, figure.key), figure.kind)}
                      </span>
                    </Descriptions.Item>
                  ))}
                </Descriptions>
              </Card>
            </Col>
          ))}
        </Row>
      )}
    </Space>
  );
}
