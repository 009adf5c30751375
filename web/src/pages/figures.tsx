import { Button, Card, DatePicker, Descriptions, Form, Select, Space, Table } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, downloadCsv } from '../api/client';
import type { MatchmakingGroupDto, MatchmakingStatsDto } from '../api/schema';
import { Bars } from '../components/chart';
import { ProblemAlert, useAction } from '../components/forms';
import { money, shanghaiToday, yuanSummary } from '../format';
import { useT } from '../i18n';

type GroupBy = 'bank' | 'region' | 'month';

/** 万元 as a number for the chart axis only; the table shows the exact strings. */
function wan(amount: string): number {
  return Number(amount) / 10_000;
}

function percent(share: string | null): string {
  return share === null ? '—' : `${(Number(share) * 100).toFixed(1)}%`;
}

/** Matchmaking figures: by bank, region or month, a chart and a CSV of the same table. */
export function FiguresPage(): ReactNode {
  const { t, language } = useT();
  const today = shanghaiToday();
  const [range, setRange] = useState<[string, string]>([`${today.slice(0, 4)}-01-01`, today]);
  const [groupBy, setGroupBy] = useState<GroupBy>('bank');
  const [stats, setStats] = useState<MatchmakingStatsDto | null>(null);
  const { run, busy, problem } = useAction<void>();
  // The picker shows the last day included; the API takes the day after it (`to` is excluded).
  const query = useMemo(
    () => ({ from: range[0], to: dayjs(range[1]).add(1, 'day').format('YYYY-MM-DD'), groupBy }),
    [range, groupBy],
  );
  const load = useCallback(() => {
    void run(async () => {
      setStats(await api('get', '/api/v1/stats/matchmaking', { query }));
    });
  }, [run, query]);
  useEffect(load, [load]);
  const series = useMemo(
    () =>
      stats === null
        ? []
        : [
            {
              name: `${t('disbursedAmount')}（万元）`,
              values: stats.groups.map((group) => wan(group.amountDisbursed)),
            },
            {
              name: `${t('demandAmount')}（万元）`,
              values: stats.groups.map((group) => wan(group.demandAmount)),
            },
          ],
    [stats, t],
  );
  const categories = useMemo(() => stats?.groups.map((group) => group.label) ?? [], [stats]);
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={t('figures')}
        extra={
          <Space>
            <Form layout="inline">
              <Form.Item label={t('period')}>
                <DatePicker.RangePicker
                  value={[dayjs(range[0]), dayjs(range[1])]}
                  onChange={(values) => {
                    if (values?.[0] && values[1]) {
                      setRange([values[0].format('YYYY-MM-DD'), values[1].format('YYYY-MM-DD')]);
                    }
                  }}
                />
              </Form.Item>
              <Form.Item label={t('groupBy')}>
                {/* The item has no field name, so its label is not tied to the control. */}
                <Select<GroupBy>
                  aria-label={t('groupBy')}
                  value={groupBy}
                  onChange={setGroupBy}
                  style={{ width: 120 }}
                  options={[
                    { value: 'bank', label: t('bank') },
                    { value: 'region', label: t('region') },
                    { value: 'month', label: t('month') },
                  ]}
                />
              </Form.Item>
            </Form>
            <Button onClick={load} loading={busy}>
              {t('refresh')}
            </Button>
            <Button
              onClick={() =>
                void downloadCsv(
                  `/api/v1/stats/matchmaking?${new URLSearchParams(query).toString()}`,
                  `matchmaking-${query.from}-${query.to}.csv`,
                )
              }
            >
              {t('exportCsv')}
            </Button>
          </Space>
        }
      >
        <ProblemAlert problem={problem} />
        {stats === null ? null : (
          <Descriptions size="small" bordered column={4}>
            <Descriptions.Item label={t('enterprisesPushed')}>
              {stats.total.enterprisesPushed}
            </Descriptions.Item>
            <Descriptions.Item label={t('demandAmount')}>
              {yuanSummary(stats.total.demandAmount, language)}
            </Descriptions.Item>
            <Descriptions.Item label={t('disbursedAmount')}>
              {yuanSummary(stats.total.amountDisbursed, language)}
            </Descriptions.Item>
            <Descriptions.Item label={t('successRate')}>
              {percent(stats.total.successRate)}
            </Descriptions.Item>
            <Descriptions.Item label={t('matchesPushed')}>
              {stats.total.matchesPushed}
            </Descriptions.Item>
            <Descriptions.Item label={t('onTime')}>
              {percent(stats.total.shareAcceptedOnTime)}
            </Descriptions.Item>
            <Descriptions.Item label={t('medianHours')}>
              {stats.total.medianHoursToAccept ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('openEscalations')}>
              {stats.total.openEscalations}
            </Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      {stats === null ? null : (
        <Card>
          <Bars categories={categories} series={series} label={t('figures')} />
          <Table<MatchmakingGroupDto>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={stats.groups}
            columns={[
              { title: t('group'), dataIndex: 'label' },
              { title: t('enterprisesPushed'), dataIndex: 'enterprisesPushed', align: 'right' },
              {
                title: t('demandAmount'),
                dataIndex: 'demandAmount',
                align: 'right',
                render: (value: string) => money(value),
              },
              {
                title: t('disbursedAmount'),
                dataIndex: 'amountDisbursed',
                align: 'right',
                render: (value: string) => money(value),
              },
              {
                title: t('successRate'),
                dataIndex: 'successRate',
                align: 'right',
                render: percent,
              },
              {
                title: t('onTime'),
                dataIndex: 'shareAcceptedOnTime',
                align: 'right',
                render: percent,
              },
              {
                title: t('medianHours'),
                dataIndex: 'medianHoursToAccept',
                align: 'right',
                render: (value: string | null) => value ?? '—',
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
