import { Button, Card, Form, Input, InputNumber, Radio, Select, Space, Table } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type {
  GuaranteeFundResponseDto,
  GuaranteeResponseDto,
  MatchResponseDto,
  RiskSharesDto,
} from '../api/schema';
import {
  actionColumn,
  FormDialog,
  newKey,
  openableRow,
  useAction,
  WriteButton,
} from '../components/forms';
import { BankPicker, EnterprisePicker } from '../components/pickers';
import { MONEY, moneyRules, RATE } from '../components/rules';
import { StatusTag } from '../components/status';
import { dateTime, yuan } from '../format';
import { useT, type MessageKey } from '../i18n';
import { useSession } from '../session';
import { FundBooks } from './guarantee-books';

/** As the API checks them (IsMoney, the share and multiple patterns, the annual rate). */
const SHARE = /^(0\.\d{1,10}|1(\.0{1,10})?)$/;
const MULTIPLE = /^\d{1,4}(\.\d{1,2})?$/;
/** guarantees.dto.ts / matches.dto.ts. */
const MAX_TERM_MONTHS = 600;
const MAX_REASON_LENGTH = 1000;
const MAX_CONTRACT_NO_LENGTH = 100;

type GuaranteeAction = 'approve' | 'reject' | 'activate' | 'release' | 'claim' | 'recover';
type Status = GuaranteeResponseDto['status'];

/** What the center may do next with a guarantee in each state (the API's lifecycle). */
const CENTER_NEXT: Record<Status, GuaranteeAction[]> = {
  applied: ['approve', 'reject'],
  approved: ['activate', 'release'],
  active: ['release', 'claim'],
  claimed: ['recover'],
  released: [],
  rejected: [],
  recovered: [],
};

/** The lending bank's own moves: approval, rejection and activation are the center's. */
const BANK_NEXT: Record<Status, GuaranteeAction[]> = {
  applied: [],
  approved: ['release'],
  active: ['release', 'claim'],
  claimed: ['recover'],
  released: [],
  rejected: [],
  recovered: [],
};

/** Money moves on these, so each dialog sends one Idempotency-Key however often it is retried. */
const MONEY_ACTIONS: GuaranteeAction[] = ['activate', 'claim', 'recover'];

/**
 * Guarantee funds (信保基金) and their guarantees. The center runs the funds and every move; a
 * bank's staff apply for guarantees of their loans and release, claim and recover them; the
 * center and auditors open a fund's books (journal, reconciliation, report).
 */
export function GuaranteesPage(): ReactNode {
  const { t, label } = useT();
  const { me } = useSession();
  const admin = me.role === 'admin';
  const bankStaff = me.role === 'bank_officer' || me.role === 'bank_president';
  const seesBooks = admin || me.role === 'auditor';
  const next = admin ? CENTER_NEXT : bankStaff ? BANK_NEXT : null;
  const [funds, setFunds] = useState<GuaranteeFundResponseDto[]>([]);
  const [guarantees, setGuarantees] = useState<GuaranteeResponseDto[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<Status | undefined>(undefined);
  const [opened, setOpened] = useState<string | null>(null);
  const [dialog, setDialog] = useState<ReactNode>(null);
  const [booksVersion, setBooksVersion] = useState(0);
  const load = useCallback(async () => {
    const [fundPage, guaranteePage] = await Promise.all([
      api('get', '/api/v1/guarantee-funds'),
      api('get', '/api/v1/guarantees', { query: { limit: 100, status } }),
    ]);
    setFunds(fundPage);
    setGuarantees(guaranteePage.items);
    setCursor(guaranteePage.nextCursor);
    setBooksVersion((version) => version + 1);
  }, [status]);
  const more = async (): Promise<void> => {
    if (cursor === null) {
      return;
    }
    const page = await api('get', '/api/v1/guarantees', {
      query: { limit: 100, status, cursor },
    });
    setGuarantees((shown) => [...shown, ...page.items]);
    setCursor(page.nextCursor);
  };
  useEffect(() => {
    void load();
  }, [load]);
  const close = (changed: boolean): void => {
    setDialog(null);
    if (changed) {
      void load();
    }
  };
  const fundName = (id: string): string => funds.find((fund) => fund.id === id)?.name ?? '—';
  const openedFund = funds.find((fund) => fund.id === opened) ?? null;
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
          // The center and auditors open a fund's books by its row (mouse or keyboard).
          onRow={(fund) =>
            seesBooks
              ? {
                  ...openableRow(() => setOpened(fund.id)),
                  'aria-selected': fund.id === opened,
                  'data-testid': `fund-${fund.name}`,
                }
              : {}
          }
          rowClassName={(fund) => (fund.id === opened ? 'ant-table-row-selected' : '')}
          columns={actionColumn(admin, [
            { title: t('fundName'), dataIndex: 'name' },
            { title: t('ovFeeRate'), dataIndex: 'annualFeeRate', align: 'right' },
            {
              title: t('perEnterpriseCap'),
              dataIndex: 'perEnterpriseCap',
              align: 'right',
              render: (value: string) => yuan(value),
            },
            ...(seesBooks
              ? [
                  {
                    title: label('capital'),
                    dataIndex: 'capital',
                    align: 'right' as const,
                    render: (value: string) => yuan(value),
                  },
                  {
                    title: t('outstanding'),
                    dataIndex: 'outstanding',
                    align: 'right' as const,
                    render: (value: string) => yuan(value),
                  },
                  {
                    title: t('capacityLeft'),
                    dataIndex: 'capacityLeft',
                    align: 'right' as const,
                    render: (value: string) => yuan(value),
                  },
                ]
              : []),
            {
              title: t('actions'),
              key: 'actions',
              render: (_, fund) => (
                <WriteButton
                  size="small"
                  aria-label={`${t('injectCapital')} ${fund.name}`}
                  onClick={(event) => {
                    // The row opens the books; the button only its dialog.
                    event.stopPropagation();
                    setDialog(<CapitalDialog key={newKey()} fund={fund} onClose={close} />);
                  }}
                >
                  {t('injectCapital')}
                </WriteButton>
              ),
            },
          ])}
        />
      </Card>
      {seesBooks && openedFund !== null ? (
        <FundBooks
          key={`${openedFund.id}-${booksVersion}`}
          fund={openedFund}
          guarantees={guarantees}
        />
      ) : null}
      <Card
        title={t('guaranteeList')}
        extra={
          <Space>
            <Select<Status | undefined>
              aria-label={t('status')}
              allowClear
              placeholder={t('gAllStatuses')}
              style={{ width: 140 }}
              value={status}
              onChange={(value) => setStatus(value)}
              options={Object.keys(CENTER_NEXT).map((value) => ({ value, label: label(value) }))}
            />
            {next !== null ? (
              <WriteButton
                type="primary"
                onClick={() =>
                  setDialog(<ApplyDialog key={newKey()} funds={funds} onClose={close} />)
                }
              >
                {t('applyGuarantee')}
              </WriteButton>
            ) : null}
          </Space>
        }
      >
        <Table<GuaranteeResponseDto>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={guarantees}
          columns={actionColumn(next !== null, [
            { title: t('enterprise'), dataIndex: 'enterpriseName' },
            { title: t('bank'), dataIndex: 'bankName' },
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
              render: (_, row) => (
                <Space size="small" wrap>
                  {(next?.[row.status] ?? []).map((action) => (
                    <WriteButton
                      key={action}
                      size="small"
                      danger={action === 'reject'}
                      aria-label={`${t(action)} ${row.enterpriseName}`}
                      onClick={() =>
                        setDialog(
                          <GuaranteeDialog
                            key={newKey()}
                            action={action}
                            guarantee={row}
                            onClose={close}
                          />,
                        )
                      }
                    >
                      {t(action)}
                    </WriteButton>
                  ))}
                </Space>
              ),
            },
          ])}
        />
        {cursor !== null ? (
          <Button style={{ marginTop: 12 }} onClick={() => void more()}>
            {t('gLoadMore')}
          </Button>
        ) : null}
      </Card>
      {dialog}
    </Space>
  );
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
  mode: 'match' | 'loan';
  matchId?: string;
  loanContractNo?: string;
  enterpriseId?: string;
  bankId?: string;
  principal: string;
  termMonths: number;
}

/**
 * 申请担保: for a platform match that is approved or disbursed (its bank and enterprise are the
 * guarantee's), or for a loan the bank made itself, by its contract number and borrower. The
 * center names the lending bank; a bank's staff apply for their own bank's loans only.
 */
function ApplyDialog({
  funds,
  onClose,
}: {
  funds: GuaranteeFundResponseDto[];
  onClose: (changed: boolean) => void;
}): ReactNode {
  const { t } = useT();
  const { me } = useSession();
  const [form] = Form.useForm<ApplyValues>();
  const { run, busy, problem } = useAction<void>(form);
  const [matches, setMatches] = useState<MatchResponseDto[]>([]);
  const mode = Form.useWatch('mode', form) ?? 'match';
  const matchId = Form.useWatch('matchId', form);
  const match = matches.find((item) => item.id === matchId);
  useEffect(() => {
    // Only an approved or disbursed match can be guaranteed (bank staff: their bank's).
    void Promise.all(
      (['approved', 'disbursed'] as const).map((status) =>
        api('get', '/api/v1/matches', { query: { status, limit: 100 } }),
      ),
    ).then((pages) => setMatches(pages.flatMap((page) => page.items)));
  }, []);
  const submit = (values: ApplyValues): void => {
    const common = {
      fundId: values.fundId,
      principal: values.principal,
      termMonths: values.termMonths,
    };
    const body =
      values.mode === 'match'
        ? { ...common, matchId: values.matchId }
        : {
            ...common,
            loanContractNo: values.loanContractNo?.trim(),
            enterpriseId: values.enterpriseId,
            ...(me.role === 'admin' ? { bankId: values.bankId } : {}),
          };
    void run(async () => {
      await api('post', '/api/v1/guarantees', { body });
      onClose(true);
    });
  };
  return (
    <FormDialog<ApplyValues>
      id="apply-dialog"
      title={t('applyGuarantee')}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      initialValues={{ fundId: funds[0]?.id, mode: 'match', termMonths: 12 }}
      onFinish={submit}
    >
      <Form.Item
        name="fundId"
        label={t('fund')}
        rules={[{ required: true, message: t('gRequired') }]}
      >
        <Select options={funds.map((fund) => ({ value: fund.id, label: fund.name }))} />
      </Form.Item>
      <Form.Item name="mode" label={t('gApplyFor')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'match', label: t('gByMatch') },
            { value: 'loan', label: t('gByLoan') },
          ]}
        />
      </Form.Item>
      {mode === 'match' ? (
        <Form.Item
          name="matchId"
          label={t('match')}
          rules={[{ required: true, message: t('gRequired') }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={matches.map((item) => ({
              value: item.id,
              label: `${item.enterpriseName} · ${item.bankName} · ${yuan(item.approvedAmount ?? item.requestedAmount)}`,
            }))}
            onChange={(chosen: string) => {
              const picked = matches.find((item) => item.id === chosen);
              if (picked !== undefined && !form.getFieldValue('principal')) {
                form.setFieldValue('principal', picked.approvedAmount ?? picked.requestedAmount);
              }
            }}
          />
        </Form.Item>
      ) : (
        <>
          <Form.Item
            name="loanContractNo"
            label={t('gLoanContractNo')}
            rules={[
              { required: true, whitespace: true, message: t('gRequired') },
              { max: MAX_CONTRACT_NO_LENGTH, message: t('gTooLong') },
            ]}
          >
            <Input placeholder="JL-2026-0815" />
          </Form.Item>
          <Form.Item
            name="enterpriseId"
            label={t('gBorrower')}
            extra={me.role === 'admin' ? undefined : t('gBorrowerHint')}
            rules={[{ required: true, message: t('gRequired') }]}
          >
            <EnterprisePicker placeholder={t('gSearchEnterprise')} />
          </Form.Item>
          {me.role === 'admin' ? (
            <Form.Item
              name="bankId"
              label={t('gLender')}
              rules={[{ required: true, message: t('gRequired') }]}
            >
              <BankPicker placeholder={t('gSearchBank')} />
            </Form.Item>
          ) : null}
        </>
      )}
      <Form.Item
        name="principal"
        label={t('principal')}
        dependencies={['matchId', 'mode']}
        rules={moneyRules(
          t,
          mode === 'match'
            ? { amount: match?.approvedAmount, message: 'gOverApproved' }
            : undefined,
        )}
      >
        <Input inputMode="decimal" />
      </Form.Item>
      <Form.Item
        name="termMonths"
        label={t('termMonths')}
        rules={[
          { required: true, message: t('gRequired') },
          {
            type: 'integer',
            min: 1,
            max: MAX_TERM_MONTHS,
            message: t('gBadTerm'),
          },
        ]}
      >
        <InputNumber min={1} max={MAX_TERM_MONTHS} precision={0} style={{ width: '100%' }} />
      </Form.Item>
    </FormDialog>
  );
}

interface MoveValues {
  reason?: string;
  amount?: string;
}

function GuaranteeDialog({
  action,
  guarantee,
  onClose,
}: {
  action: GuaranteeAction;
  guarantee: GuaranteeResponseDto;
  onClose: (changed: boolean) => void;
}): ReactNode {
  const { t } = useT();
  const [form] = Form.useForm<MoveValues>();
  const { run, busy, problem } = useAction<void>(form);
  const [idempotencyKey] = useState(newKey);
  const submit = (values: MoveValues): void => {
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
            body: { reason: values.reason?.trim() ?? '' },
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
  // A claim is at most the principal, a recovery at most the claim (the API's 409s, said first).
  const ceiling =
    action === 'claim'
      ? { amount: guarantee.principal, message: 'gClaimOverPrincipal' as const }
      : { amount: guarantee.claim, message: 'gRecoveryOverClaim' as const };
  return (
    <FormDialog<MoveValues>
      id="guarantee-dialog"
      title={`${t(action)} · ${guarantee.enterpriseName} · ${yuan(guarantee.principal)}`}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      initialValues={{ amount: action === 'recover' ? (guarantee.claim ?? '') : '' }}
      onFinish={submit}
    >
      <p>
        {guarantee.bankName}
        {guarantee.loanContractNo === null ? '' : ` · ${guarantee.loanContractNo}`} ·{' '}
        {t('guaranteeFee')} {yuan(guarantee.fee)}
      </p>
      {action === 'reject' ? (
        <Form.Item
          name="reason"
          label={t('reason')}
          rules={[
            { required: true, whitespace: true, message: t('gRequired') },
            { max: MAX_REASON_LENGTH, message: t('gTooLong') },
          ]}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
      ) : null}
      {action === 'claim' || action === 'recover' ? (
        <Form.Item name="amount" label={t('amount')} rules={moneyRules(t, ceiling)}>
          <Input inputMode="decimal" />
        </Form.Item>
      ) : null}
      {action === 'release' ? <p>{t('gReleaseNote')}</p> : null}
    </FormDialog>
  );
}
