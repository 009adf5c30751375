import { Button, Card, Form, Input, InputNumber, Select, Space, Table } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type {
  GuaranteeFundResponseDto,
  GuaranteeResponseDto,
  MatchResponseDto,
  RiskSharesDto,
} from '../api/schema';
import { actionColumn, FormDialog, newKey, useAction, WriteButton } from '../components/forms';
import { StatusTag } from '../components/status';
import { dateTime, yuan } from '../format';
import { useT, type MessageKey } from '../i18n';
import { useSession } from '../session';

/** As the API checks them (IsMoney, the share and multiple patterns, the annual rate). */
const MONEY = /^\d{1,13}(\.\d{1,2})?$/;
const SHARE = /^(0\.\d{1,10}|1(\.0{1,10})?)$/;
const MULTIPLE = /^\d{1,4}(\.\d{1,2})?$/;
const RATE = /^0\.\d{1,6}$/;

type GuaranteeAction = 'approve' | 'reject' | 'activate' | 'release' | 'claim' | 'recover';

/** What the center may do next with a guarantee in each state (the API's lifecycle). */
const NEXT: Record<GuaranteeResponseDto['status'], GuaranteeAction[]> = {
  applied: ['approve', 'reject'],
  approved: ['activate', 'release'],
  active: ['release', 'claim'],
  claimed: ['recover'],
  released: [],
  rejected: [],
  recovered: [],
};

/** Money moves on these, so each dialog sends one Idempotency-Key however often it is retried. */
const MONEY_ACTIONS: GuaranteeAction[] = ['activate', 'claim', 'recover'];

type Names = Map<string, string>;

/** Guarantee funds (信保基金) and their guarantees, with the center's actions on both. */
export function GuaranteesPage(): ReactNode {
  const { t, label } = useT();
  const { me } = useSession();
  const admin = me.role === 'admin';
  const [funds, setFunds] = useState<GuaranteeFundResponseDto[]>([]);
  const [guarantees, setGuarantees] = useState<GuaranteeResponseDto[]>([]);
  const [names, setNames] = useState<Names>(new Map());
  const [dialog, setDialog] = useState<ReactNode>(null);
  const load = useCallback(async () => {
    const [fundPage, guaranteePage] = await Promise.all([
      api('get', '/api/v1/guarantee-funds'),
      api('get', '/api/v1/guarantees', { query: { limit: 100 } }),
    ]);
    setFunds(fundPage);
    setGuarantees(guaranteePage.items);
  }, []);
  useEffect(() => {
    void load();
    if (me.role === 'admin' || me.role === 'auditor') {
      // Guarantees carry ids only; the registries give them names.
      void Promise.all([
        api('get', '/api/v1/enterprises', { query: { limit: 100 } }),
        api('get', '/api/v1/banks', { query: { limit: 100 } }),
      ]).then(([enterprises, banks]) =>
        setNames(
          new Map([...enterprises.items, ...banks.items].map((item) => [item.id, item.name])),
        ),
      );
    }
  }, [load, me.role]);
  const close = (changed: boolean): void => {
    setDialog(null);
    if (changed) {
      void load();
    }
  };
  const fundName = (id: string): string => funds.find((fund) => fund.id === id)?.name ?? '—';
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={t('guaranteeFunds')}
        extra={
          <Space>
            <Button onClick={() => void load()}>{t('refresh')}</Button>
            {admin ? (
              <WriteButton
                type="primary"
                onClick={() => setDialog(<FundDialog key={newKey()} onClose={close} />)}
              >
                {t('newFund')}
              </WriteButton>
            ) : null}
          </Space>
        }
      >
        <Table<GuaranteeFundResponseDto>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={funds}
          columns={actionColumn(admin, [
            { title: t('fundName'), dataIndex: 'name' },
            { title: t('ovFeeRate'), dataIndex: 'annualFeeRate', align: 'right' },
            { title: label('capital'), dataIndex: 'capital', align: 'right', render: yuanOrDash },
            {
              title: t('outstanding'),
              dataIndex: 'outstanding',
              align: 'right',
              render: yuanOrDash,
            },
            {
              title: t('capacityLeft'),
              dataIndex: 'capacityLeft',
              align: 'right',
              render: yuanOrDash,
            },
            {
              title: t('actions'),
              key: 'actions',
              render: (_, fund) =>
                admin ? (
                  <WriteButton
                    size="small"
                    aria-label={`${t('injectCapital')} ${fund.name}`}
                    onClick={() =>
                      setDialog(<CapitalDialog key={newKey()} fund={fund} onClose={close} />)
                    }
                  >
                    {t('injectCapital')}
                  </WriteButton>
                ) : null,
            },
          ])}
        />
      </Card>
      <Card
        title={t('guaranteeList')}
        extra={
          admin ? (
            <WriteButton
              type="primary"
              onClick={() =>
                setDialog(<ApplyDialog key={newKey()} funds={funds} onClose={close} />)
              }
            >
              {t('applyGuarantee')}
            </WriteButton>
          ) : null
        }
      >
        <Table<GuaranteeResponseDto>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={guarantees}
          columns={actionColumn(admin, [
            {
              title: t('enterprise'),
              key: 'enterprise',
              render: (_, row) => names.get(row.enterpriseId) ?? '—',
            },
            { title: t('bank'), key: 'bank', render: (_, row) => names.get(row.bankId) ?? '—' },
            { title: t('fund'), key: 'fund', render: (_, row) => fundName(row.fundId) },
            {
              title: t('contractNo'),
              dataIndex: 'loanContractNo',
              render: (value: string | null) => value ?? '—',
            },
            {
              title: t('principal'),
              dataIndex: 'principal',
              align: 'right',
              render: (value: string) => yuan(value),
            },
            { title: t('termMonths'), dataIndex: 'termMonths', align: 'right' },
            {
              title: t('guaranteeFee'),
              dataIndex: 'fee',
              align: 'right',
              render: (value: string) => yuan(value),
            },
            {
              title: t('status'),
              dataIndex: 'status',
              render: (value: string) => <StatusTag status={value} />,
            },
            {
              title: t('createdAt'),
              dataIndex: 'createdAt',
              render: (value: string) => dateTime(value),
            },
            {
              title: t('actions'),
              key: 'actions',
              render: (_, row) =>
                admin ? (
                  <Space size="small" wrap>
                    {NEXT[row.status].map((action) => (
                      <WriteButton
                        key={action}
                        size="small"
                        danger={action === 'reject'}
                        aria-label={`${t(action)} ${names.get(row.enterpriseId) ?? row.principal}`}
                        onClick={() =>
                          setDialog(
                            <GuaranteeDialog
                              key={newKey()}
                              action={action}
                              guarantee={row}
                              enterpriseName={names.get(row.enterpriseId) ?? '—'}
                              onClose={close}
                            />,
                          )
                        }
                      >
                        {t(action)}
                      </WriteButton>
                    ))}
                  </Space>
                ) : null,
            },
          ])}
        />
      </Card>
      {dialog}
    </Space>
  );
}

function yuanOrDash(value: string | undefined): string {
  return yuan(value);
}

interface FundValues {
  name: string;
  annualFeeRate: string;
  perEnterpriseCap: string;
  capacityMultiple: string;
  shares: RiskSharesDto;
}

function FundDialog({ onClose }: { onClose: (changed: boolean) => void }): ReactNode {
  const { t } = useT();
  const [form] = Form.useForm<FundValues>();
  const { run, busy, problem } = useAction<void>(form);
  const shares: [keyof RiskSharesDto, MessageKey][] = [
    ['guarantor', 'shareGuarantor'],
    ['reguarantor', 'shareReguarantor'],
    ['bank', 'shareBank'],
    ['government', 'shareGovernment'],
  ];
  return (
    <FormDialog<FundValues>
      id="fund-dialog"
      title={t('newFund')}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      initialValues={{ capacityMultiple: '10', shares: { guarantor: '1' } }}
      onFinish={(values) =>
        void run(async () => {
          const given = Object.fromEntries(
            Object.entries(values.shares).filter(
              ([, share]) => share !== undefined && share !== '',
            ),
          );
          await api('post', '/api/v1/guarantee-funds', { body: { ...values, shares: given } });
          onClose(true);
        })
      }
    >
      <Form.Item name="name" label={t('fundName')} rules={[{ required: true, max: 200 }]}>
        <Input />
      </Form.Item>
      <Form.Item
        name="annualFeeRate"
        label={t('annualFeeRate')}
        rules={[{ required: true, pattern: RATE, message: t('badRate') }]}
      >
        <Input inputMode="decimal" />
      </Form.Item>
      <Form.Item
        name="perEnterpriseCap"
        label={t('perEnterpriseCap')}
        rules={[{ required: true, pattern: MONEY, message: t('badMoney') }]}
      >
        <Input inputMode="decimal" />
      </Form.Item>
      <Form.Item
        name="capacityMultiple"
        label={t('capacityMultiple')}
        rules={[{ required: true, pattern: MULTIPLE, message: t('badMultiple') }]}
      >
        <Input inputMode="decimal" />
      </Form.Item>
      <Space wrap>
        {shares.map(([name, label]) => (
          <Form.Item
            key={name}
            name={['shares', name]}
            label={t(label)}
            rules={[{ pattern: SHARE, message: t('badShare') }]}
          >
            <Input inputMode="decimal" style={{ width: 100 }} />
          </Form.Item>
        ))}
      </Space>
    </FormDialog>
  );
}

function CapitalDialog({
  fund,
  onClose,
}: {
  fund: GuaranteeFundResponseDto;
  onClose: (changed: boolean) => void;
}): ReactNode {
  const { t } = useT();
  const [form] = Form.useForm<{ amount: string; note?: string }>();
  const { run, busy, problem } = useAction<void>(form);
  const [idempotencyKey] = useState(newKey);
  return (
    <FormDialog<{ amount: string; note?: string }>
      id="capital-dialog"
      title={`${t('injectCapital')} · ${fund.name}`}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      onFinish={(values) =>
        void run(async () => {
          await api('post', '/api/v1/guarantee-funds/{id}/capital', {
            params: { id: fund.id },
            idempotencyKey,
            body: { amount: values.amount, note: values.note || undefined },
          });
          onClose(true);
        })
      }
    >
      <Form.Item
        name="amount"
        label={t('amount')}
        rules={[{ required: true, pattern: MONEY, message: t('badMoney') }]}
      >
        <Input inputMode="decimal" />
      </Form.Item>
      <Form.Item name="note" label={t('note')} rules={[{ max: 500 }]}>
        <Input />
      </Form.Item>
    </FormDialog>
  );
}

interface ApplyValues {
  fundId: string;
  matchId: string;
  principal: string;
  termMonths: number;
}

function ApplyDialog({
  funds,
  onClose,
}: {
  funds: GuaranteeFundResponseDto[];
  onClose: (changed: boolean) => void;
}): ReactNode {
  const { t } = useT();
  const [form] = Form.useForm<ApplyValues>();
  const { run, busy, problem } = useAction<void>(form);
  const [matches, setMatches] = useState<MatchResponseDto[]>([]);
  useEffect(() => {
    // Only an approved or disbursed match can be guaranteed.
    void Promise.all(
      (['approved', 'disbursed'] as const).map((status) =>
        api('get', '/api/v1/matches', { query: { status, limit: 100 } }),
      ),
    ).then((pages) => setMatches(pages.flatMap((page) => page.items)));
  }, []);
  return (
    <FormDialog<ApplyValues>
      id="apply-dialog"
      title={t('applyGuarantee')}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      initialValues={{ fundId: funds[0]?.id, termMonths: 12 }}
      onFinish={(values) =>
        void run(async () => {
          await api('post', '/api/v1/guarantees', { body: values });
          onClose(true);
        })
      }
    >
      <Form.Item name="fundId" label={t('fund')} rules={[{ required: true }]}>
        <Select options={funds.map((fund) => ({ value: fund.id, label: fund.name }))} />
      </Form.Item>
      <Form.Item name="matchId" label={t('match')} rules={[{ required: true }]}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          options={matches.map((match) => ({
            value: match.id,
            label: `${match.enterpriseName} · ${match.bankName} · ${yuan(match.requestedAmount)}`,
          }))}
          onChange={(matchId: string) => {
            const match = matches.find((item) => item.id === matchId);
            if (match !== undefined && !form.getFieldValue('principal')) {
              form.setFieldValue('principal', match.requestedAmount);
            }
          }}
        />
      </Form.Item>
      <Form.Item
        name="principal"
        label={t('principal')}
        rules={[{ required: true, pattern: MONEY, message: t('badMoney') }]}
      >
        <Input inputMode="decimal" />
      </Form.Item>
      <Form.Item name="termMonths" label={t('termMonths')} rules={[{ required: true }]}>
        <InputNumber min={1} max={600} precision={0} style={{ width: '100%' }} />
      </Form.Item>
    </FormDialog>
  );
}

function GuaranteeDialog({
  action,
  guarantee,
  enterpriseName,
  onClose,
}: {
  action: GuaranteeAction;
  guarantee: GuaranteeResponseDto;
  enterpriseName: string;
  onClose: (changed: boolean) => void;
}): ReactNode {
  const { t } = useT();
  const [form] = Form.useForm<{ reason?: string; amount?: string }>();
  const { run, busy, problem } = useAction<void>(form);
  const [idempotencyKey] = useState(newKey);
  const submit = (values: { reason?: string; amount?: string }): void => {
    const params = { id: guarantee.id };
    const key = MONEY_ACTIONS.includes(action) ? idempotencyKey : undefined;
    void run(async () => {
      switch (action) {
        case 'approve':
          await api('post', '/api/v1/guarantees/{id}/approve', { params });
          break;
        case 'release':
          await api('post', '/api/v1/guarantees/{id}/release', { params });
          break;
        case 'activate':
          await api('post', '/api/v1/guarantees/{id}/activate', { params, idempotencyKey: key });
          break;
        case 'reject':
          await api('post', '/api/v1/guarantees/{id}/reject', {
            params,
            body: { reason: values.reason ?? '' },
          });
          break;
        case 'claim':
        case 'recover':
          await api('post', `/api/v1/guarantees/{id}/${action}`, {
            params,
            idempotencyKey: key,
            body: { amount: values.amount ?? '' },
          });
          break;
      }
      onClose(true);
    });
  };
  return (
    <FormDialog<{ reason?: string; amount?: string }>
      id="guarantee-dialog"
      title={`${t(action)} · ${enterpriseName} · ${yuan(guarantee.principal)}`}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      initialValues={{ amount: action === 'recover' ? (guarantee.claim ?? '') : '' }}
      onFinish={submit}
    >
      {action === 'reject' ? (
        <Form.Item name="reason" label={t('reason')} rules={[{ required: true, max: 500 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      ) : null}
      {action === 'claim' || action === 'recover' ? (
        <Form.Item
          name="amount"
          label={t('amount')}
          rules={[{ required: true, pattern: MONEY, message: t('badMoney') }]}
        >
          <Input inputMode="decimal" />
        </Form.Item>
      ) : null}
    </FormDialog>
  );
}
