import { Alert, Button, Card, DatePicker, Form, Space, Table, Tabs } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type {
  GuaranteeFiguresDto,
  GuaranteeFundResponseDto,
  GuaranteeLedgerEntryDto,
  GuaranteeReconcileDto,
  GuaranteeReportDto,
  GuaranteeReportRowDto,
  GuaranteeResponseDto,
} from '../api/schema';
import { useAction, ProblemAlert } from '../components/forms';
import { dateTime, shanghaiToday, yuan } from '../format';
import { useT, type MessageKey } from '../i18n';

/** The fund's accounts and entry kinds (guarantee-funds.service.ts), in the console's words. */
const ACCOUNTS: Record<string, MessageKey> = {
  cash: 'gAcctCash',
  capital: 'gAcctCapital',
  fee_income: 'gAcctFeeIncome',
  claims_paid: 'gAcctClaimsPaid',
  recoveries: 'gAcctRecoveries',
};
const KINDS: Record<string, MessageKey> = {
  capital: 'gKindCapital',
  fee: 'gKindFee',
  claim: 'gKindClaim',
  recovery: 'gKindRecovery',
};

/**
 * One fund's books for the center and auditors, read-only: the journal (oldest first, as the API
 * pages it), the reconciliation of stored balances against the journal, and the report by bank
 * and by month.
 */
export function FundBooks({
  fund,
  guarantees,
}: {
  fund: GuaranteeFundResponseDto;
  guarantees: GuaranteeResponseDto[];
}): ReactNode {
  const { t } = useT();
  const [entries, setEntries] = useState<GuaranteeLedgerEntryDto[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [reconciliation, setReconciliation] = useState<GuaranteeReconcileDto | null>(null);
  const account = (name: string): string => (ACCOUNTS[name] ? t(ACCOUNTS[name]) : name);
  const page = useCallback(
    async (after?: string) => {
      const answer = await api('get', '/api/v1/guarantee-funds/{id}/ledger', {
        params: { id: fund.id },
        query: { limit: 100, ...(after === undefined ? {} : { cursor: after }) },
      });
      setEntries((shown) => (after === undefined ? answer.items : [...shown, ...answer.items]));
      setCursor(answer.nextCursor);
    },
    [fund.id],
  );
  useEffect(() => {
    void page();
  }, [page]);
  const [tab, setTab] = useState('ledger');
  const reconcile = async (): Promise<void> => {
    setTab('reconcile');
    setReconciliation(
      await api('get', '/api/v1/guarantee-funds/{id}/reconcile', { params: { id: fund.id } }),
    );
  };
  const borrower = (id: string | null): string => {
    if (id === null) {
      return '—';
    }
    return guarantees.find((guarantee) => guarantee.id === id)?.enterpriseName ?? id.slice(0, 8);
  };
  return (
    <Card
      title={`${fund.name} · ${t('gBooks')}`}
      data-testid="guarantee-books"
      extra={<Button onClick={() => void reconcile()}>{t('reconcile')}</Button>}
    >
      <Tabs
        activeKey={tab}
        // Opening the tab reconciles afresh, as the button does.
        onChange={(key) => (key === 'reconcile' ? void reconcile() : setTab(key))}
        items={[
          {
            key: 'ledger',
            label: t('ledger'),
            children: (
              <>
                <Table<GuaranteeLedgerEntryDto>
                  rowKey="id"
                  size="small"
                  pagination={false}
                  dataSource={entries}
                  data-testid="guarantee-ledger"
                  columns={[
                    {
                      title: t('time'),
                      dataIndex: 'createdAt',
                      render: (value: string) => dateTime(value),
                    },
                    {
                      title: t('gEntryKind'),
                      dataIndex: 'kind',
                      render: (value: string) => (KINDS[value] ? t(KINDS[value]) : value),
                    },
                    {
                      title: t('enterprise'),
                      dataIndex: 'guaranteeId',
                      render: (value: string | null) => borrower(value),
                    },
                    {
                      title: t('gDebitAccount'),
                      dataIndex: 'debitAccount',
                      render: (value: string) => account(value),
                    },
                    {
                      title: t('gCreditAccount'),
                      dataIndex: 'creditAccount',
                      render: (value: string) => account(value),
                    },
                    {
                      title: t('amount'),
                      dataIndex: 'amount',
                      align: 'right',
                      render: (value: string) => yuan(value),
                    },
                    {
                      title: t('note'),
                      dataIndex: 'memo',
                      render: (value: string | null) => value ?? '',
                    },
                  ]}
                />
                {cursor !== null ? (
                  <Button style={{ marginTop: 12 }} onClick={() => void page(cursor)}>
                    {t('gLoadMore')}
                  </Button>
                ) : null}
              </>
            ),
          },
          {
            key: 'reconcile',
            label: t('reconcile'),
            children:
              reconciliation === null ? null : (
                <Alert
                  data-testid="guarantee-reconciliation"
                  type={reconciliation.ok ? 'success' : 'error'}
                  showIcon
                  style={{ marginBottom: 12 }}
                  title={reconciliation.ok ? t('reconcileOk') : t('reconcileBad')}
                  description={
                    <Space orientation="vertical" style={{ width: '100%' }}>
                      <Table
                        rowKey="account"
                        size="small"
                        pagination={false}
                        dataSource={reconciliation.accounts}
                        columns={[
                          {
                            title: t('gAccount'),
                            dataIndex: 'account',
                            render: (value: string) => account(value),
                          },
                          {
                            title: t('gStored'),
                            dataIndex: 'stored',
                            align: 'right',
                            render: (value: string) => yuan(value),
                          },
                          {
                            title: t('gFromLedger'),
                            dataIndex: 'fromLedger',
                            align: 'right',
                            render: (value: string) => yuan(value),
                          },
                          {
                            title: t('gMatches'),
                            dataIndex: 'matches',
                            render: (value: boolean) => (value ? '✓' : '✗'),
                          },
                        ]}
                      />
                      {reconciliation.outstandingMatches
                        ? t('gOutstandingOk')
                        : t('gOutstandingBad')}
                    </Space>
                  }
                />
              ),
          },
          { key: 'report', label: t('gReport'), children: <FundReport fundId={fund.id} /> },
        ]}
      />
    </Card>
  );
}

/** Guarantees issued, fees, claims and recoveries over a period, by bank, by month, in total. */
function FundReport({ fundId }: { fundId: string }): ReactNode {
  const { t } = useT();
  const today = shanghaiToday();
  // The picker shows the last day included; the API takes the day after it (`to` is excluded).
  const [range, setRange] = useState<[string, string]>([`${today.slice(0, 4)}-01-01`, today]);
  const [report, setReport] = useState<GuaranteeReportDto | null>(null);
  const { run, problem } = useAction<void>();
  useEffect(() => {
    void run(async () => {
      setReport(
        await api('get', '/api/v1/guarantee-funds/{id}/report', {
          params: { id: fundId },
          query: {
            from: range[0],
            to: dayjs(range[1]).add(1, 'day').format('YYYY-MM-DD'),
          },
        }),
      );
    });
  }, [run, fundId, range]);
  const figures = [
    { title: t('gIssued'), dataIndex: 'issued', align: 'right' as const },
    {
      title: t('principal'),
      dataIndex: 'principal',
      align: 'right' as const,
      render: (value: string) => yuan(value),
    },
    {
      title: t('gFees'),
      dataIndex: 'fees',
      align: 'right' as const,
      render: (value: string) => yuan(value),
    },
    { title: t('gEnterprises'), dataIndex: 'enterprises', align: 'right' as const },
    { title: t('gClaims'), dataIndex: 'claims', align: 'right' as const },
    {
      title: t('gClaimed'),
      dataIndex: 'claimed',
      align: 'right' as const,
      render: (value: string) => yuan(value),
    },
    {
      title: t('gClaimsPaid'),
      dataIndex: 'claimsPaid',
      align: 'right' as const,
      render: (value: string) => yuan(value),
    },
    {
      title: t('gRecovered'),
      dataIndex: 'recovered',
      align: 'right' as const,
      render: (value: string) => yuan(value),
    },
    {
      title: t('gRecoveriesReceived'),
      dataIndex: 'recoveriesReceived',
      align: 'right' as const,
      render: (value: string) => yuan(value),
    },
  ];
  const table = (
    title: MessageKey,
    rows: (GuaranteeReportRowDto | (GuaranteeFiguresDto & { key: string; label: string }))[],
    testId: string,
  ): ReactNode => (
    <Table
      rowKey="key"
      size="small"
      pagination={false}
      data-testid={testId}
      dataSource={rows}
      onRow={(row) => (row.key === 'total' ? { style: { fontWeight: 600 } } : {})}
      columns={[{ title: t(title), dataIndex: 'label' }, ...figures]}
    />
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Form layout="inline">
        <Form.Item label={t('period')} htmlFor="guarantee-report-period">
          <DatePicker.RangePicker
            id="guarantee-report-period"
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
      <ProblemAlert problem={problem} />
      {report === null ? null : (
        <>
          {table(
            'bank',
            [...report.byBank, { ...report.total, key: 'total', label: t('gTotal') }],
            'guarantee-report-bank',
          )}
          {table('month', report.byMonth, 'guarantee-report-month')}
        </>
      )}
    </Space>
  );
}
