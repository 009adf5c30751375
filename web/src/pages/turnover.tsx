import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
} from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type {
  BankResponseDto,
  CreateTurnoverApplicationDto,
  FundJournalDto,
  ReconciliationDto,
  TurnoverApplicationDetailDto,
  TurnoverApplicationResponseDto,
  TurnoverFundResponseDto,
} from '../api/schema';
import {
  newKey,
  ProblemAlert,
  useAction,
  useFormRules,
  WriteButton,
  openableRow,
} from '../components/forms';
import { StatusTag } from '../components/status';
import { dateTime, shanghaiToday, yuan, yuanSummary } from '../format';
import { useT } from '../i18n';
import { useSession } from '../session';

type TurnoverAction =
  'commit' | 'renewal' | 'approve' | 'reject' | 'disburse' | 'repay' | 'writeOff';

function allowed(application: TurnoverApplicationResponseDto, role: string): TurnoverAction[] {
  if (role === 'bank_president' || role === 'bank_officer') {
    if (application.status === 'submitted') {
      return ['commit'];
    }
    return application.status === 'disbursed' ? ['renewal'] : [];
  }
  if (role !== 'admin') {
    return [];
  }
  switch (application.status) {
    case 'bank_committed':
      return ['approve', 'reject'];
    case 'approved':
      return ['disburse'];
    case 'disbursed':
    case 'renewed':
      return ['repay'];
    case 'overdue':
      return ['repay', 'writeOff'];
    default:
      return [];
  }
}

export function TurnoverPage(): ReactNode {
  const { t } = useT();
  const { me, navigate } = useSession();
  const [items, setItems] = useState<TurnoverApplicationResponseDto[]>([]);
  const [dialog, setDialog] = useState<{
    action: TurnoverAction;
    application: TurnoverApplicationResponseDto;
  } | null>(null);
  const [detail, setDetail] = useState<TurnoverApplicationDetailDto | null>(null);
  const load = useCallback(async () => {
    setItems((await api('get', '/api/v1/turnover-applications', { query: { limit: 100 } })).items);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const show = async (id: string): Promise<void> => {
    setDetail(await api('get', '/api/v1/turnover-applications/{id}', { params: { id } }));
  };
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={t('turnoverApplications')}
        extra={
          <Space>
            <Button onClick={() => void load()}>{t('refresh')}</Button>
            {me.role === 'enterprise' ? (
              <Button type="primary" data-write="true" onClick={() => navigate('/turnover/new')}>
                {t('newTurnover')}
              </Button>
            ) : null}
          </Space>
        }
      >
        <Table<TurnoverApplicationResponseDto>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={items}
          onRow={(row) => openableRow(() => void show(row.id))}
          columns={[
            { title: t('enterprise'), dataIndex: 'enterpriseName' },
            { title: t('bank'), dataIndex: 'bankName' },
            {
              title: t('amount'),
              dataIndex: 'amount',
              align: 'right',
              render: (value: string) => yuan(value),
            },
            { title: t('days'), dataIndex: 'days', align: 'right' },
            {
              title: t('status'),
              dataIndex: 'status',
              render: (value: string) => <StatusTag status={value} />,
            },
            {
              title: t('fee'),
              key: 'fee',
              align: 'right',
              render: (_, row) => yuan(row.repayment?.fee),
            },
            {
              title: t('actions'),
              key: 'actions',
              render: (_, row) => (
                <Space size="small" onClick={(event) => event.stopPropagation()}>
                  {allowed(row, me.role).map((action) => (
                    <WriteButton
                      key={action}
                      size="small"
                      danger={action === 'reject' || action === 'writeOff'}
                      onClick={() => setDialog({ action, application: row })}
                      aria-label={`${t(action)} ${row.enterpriseName}`}
                    >
                      {t(action)}
                    </WriteButton>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {detail === null ? null : (
        <Card title={`${detail.enterpriseName} · ${detail.fundName}`}>
          <Descriptions size="small" bordered column={3}>
            <Descriptions.Item label={t('status')}>
              <StatusTag status={detail.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('maturingContract')}>
              {detail.maturingLoan.contractNo}
            </Descriptions.Item>
            <Descriptions.Item label={t('maturingAmount')}>
              {yuan(detail.maturingLoan.amount)}
            </Descriptions.Item>
            <Descriptions.Item label={t('committedAmount')}>
              {yuan(detail.commitment?.committedAmount)}
            </Descriptions.Item>
            <Descriptions.Item label={t('fee')}>{yuan(detail.repayment?.fee)}</Descriptions.Item>
            <Descriptions.Item label={t('documents')}>
              {detail.documents.map((document) => (
                <Tag key={document.name}>{document.name}</Tag>
              ))}
            </Descriptions.Item>
          </Descriptions>
          <Timeline
            style={{ marginTop: 16 }}
            items={detail.timeline.map((entry, index) => ({
              key: index,
              content: `${dateTime(entry.occurredAt)} · ${entry.toStatus ?? entry.action} · ${entry.actorName ?? ''}`,
            }))}
          />
        </Card>
      )}
      {dialog === null ? null : (
        <TurnoverDialog
          key={`${dialog.action}-${dialog.application.id}`}
          {...dialog}
          onClose={(changed) => {
            setDialog(null);
            if (changed) {
              void load();
            }
          }}
        />
      )}
    </Space>
  );
}

interface TurnoverValues {
  newContractNo?: string;
  renewalAmount?: string;
  renewedOn?: dayjs.Dayjs;
  committedAmount?: string;
  renewalTermMonths?: number;
  reason?: string;
  repaidOn?: dayjs.Dayjs;
}

function TurnoverDialog({
  action,
  application,
  onClose,
}: {
  action: TurnoverAction;
  application: TurnoverApplicationResponseDto;
  onClose: (changed: boolean) => void;
}): ReactNode {
  const { t } = useT();
  const rules = useFormRules();
  const [form] = Form.useForm<TurnoverValues>();
  const { run, busy, problem } = useAction<void>(form);
  const [idempotencyKey] = useState(newKey);
  const today = shanghaiToday();
  const submit = (values: TurnoverValues): void => {
    const params = { id: application.id };
    void run(async () => {
      switch (action) {
        case 'commit':
          await api('post', '/api/v1/turnover-applications/{id}/bank-commit', {
            params,
            body: {
              committedAmount: values.committedAmount ?? '',
              renewalTermMonths: values.renewalTermMonths ?? 0,
            },
          });
          break;
        case 'renewal':
          await api('post', '/api/v1/turnover-applications/{id}/renewal', {
            params,
            body: {
              newContractNo: values.newContractNo ?? '',
              amount: values.renewalAmount ?? '',
              renewedOn: values.renewedOn?.format('YYYY-MM-DD') ?? '',
            },
          });
          break;
        case 'approve':
          await api('post', '/api/v1/turnover-applications/{id}/approve', { params });
          break;
        case 'reject':
          await api('post', '/api/v1/turnover-applications/{id}/reject', {
            params,
            body: { reason: values.reason ?? '' },
          });
          break;
        case 'disburse':
          await api('post', '/api/v1/turnover-applications/{id}/disburse', {
            params,
            idempotencyKey,
          });
          break;
        case 'repay':
          await api('post', '/api/v1/turnover-applications/{id}/repay', {
            params,
            idempotencyKey,
            body: { repaidOn: values.repaidOn?.format('YYYY-MM-DD') ?? '' },
          });
          break;
        case 'writeOff':
          await api('post', '/api/v1/turnover-applications/{id}/write-off', {
            params,
            idempotencyKey,
            body: { reason: values.reason ?? '' },
          });
          break;
      }
      onClose(true);
    });
  };
  return (
    <Modal
      open
      title={`${t(action)} · ${application.enterpriseName} · ${yuan(application.amount)}`}
      okText={t('confirm')}
      cancelText={t('cancel')}
      okButtonProps={{ loading: busy, htmlType: 'submit', form: 'turnover-dialog' }}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form
        id="turnover-dialog"
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          renewalAmount: application.commitment?.committedAmount,
          renewedOn: dayjs(today),
          committedAmount: application.maturingLoan.amount,
          renewalTermMonths: 12,
          repaidOn: dayjs(today),
        }}
      >
        <ProblemAlert problem={problem} />
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('bank')}>{application.bankName}</Descriptions.Item>
          <Descriptions.Item label={t('days')}>{application.days}</Descriptions.Item>
        </Descriptions>
        {action === 'commit' ? (
          <>
            <Form.Item
              name="committedAmount"
              label={t('committedAmount')}
              rules={[{ required: true, ...rules.money }]}
            >
              <Input inputMode="decimal" />
            </Form.Item>
            <Form.Item
              name="renewalTermMonths"
              label={t('renewalTermMonths')}
              rules={[{ required: true }]}
            >
              <InputNumber min={1} max={360} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </>
        ) : null}
        {action === 'renewal' ? (
          <>
            <Form.Item
              name="newContractNo"
              label={t('newContractNo')}
              rules={[{ required: true, max: 100 }]}
            >
              <Input />
            </Form.Item>
            <Form.Item
              name="renewalAmount"
              label={t('amount')}
              rules={[{ required: true, ...rules.money }]}
            >
              <Input inputMode="decimal" />
            </Form.Item>
            <Form.Item name="renewedOn" label={t('renewedOn')} rules={[{ required: true }]}>
              <DatePicker
                style={{ width: '100%' }}
                disabledDate={(day) => day.format('YYYY-MM-DD') > today}
              />
            </Form.Item>
          </>
        ) : null}
        {action === 'reject' || action === 'writeOff' ? (
          <Form.Item
            name="reason"
            label={t('reason')}
            rules={[{ required: true, whitespace: true, max: 1000 }]}
          >
            <Input.TextArea rows={3} />
          </Form.Item>
        ) : null}
        {action === 'repay' ? (
          <Form.Item name="repaidOn" label={t('repaidOn')} rules={[{ required: true }]}>
            <DatePicker
              style={{ width: '100%' }}
              disabledDate={(day) => day.format('YYYY-MM-DD') > today}
            />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

interface ApplicationValues {
  fundId: string;
  bankId: string;
  contractNo: string;
  maturingAmount: string;
  maturityDate: dayjs.Dayjs;
  amount: string;
  days: number;
  documents: string[];
}

export function NewTurnoverPage(): ReactNode {
  const { t, label } = useT();
  const rules = useFormRules();
  const { navigate } = useSession();
  const [form] = Form.useForm<ApplicationValues>();
  const { run, busy, problem } = useAction<void>(form);
  const [funds, setFunds] = useState<TurnoverFundResponseDto[]>([]);
  const [banks, setBanks] = useState<BankResponseDto[]>([]);
  useEffect(() => {
    void api('get', '/api/v1/turnover-funds', { query: { limit: 100 } }).then((page) =>
      setFunds(page.items.filter((fund) => fund.open)),
    );
    void api('get', '/api/v1/banks', { query: { limit: 100 } }).then((page) =>
      setBanks(page.items),
    );
  }, []);
  const submit = (values: ApplicationValues): void => {
    const body: CreateTurnoverApplicationDto = {
      fundId: values.fundId,
      bankId: values.bankId,
      maturingLoan: {
        contractNo: values.contractNo,
        amount: values.maturingAmount,
        maturityDate: values.maturityDate.format('YYYY-MM-DD'),
        kind: 'working_capital',
      },
      amount: values.amount,
      days: values.days,
      // The console records what was handed in; the files themselves stay with the center.
      documents: (values.documents ?? []).map((kind) => ({
        kind: kind as 'maturing_loan_contract',
        name: `${label(kind)}.pdf`,
        checksum: '0'.repeat(64),
      })),
    };
    void run(async () => {
      await api('post', '/api/v1/turnover-applications', { body });
      navigate('/turnover');
    });
  };
  return (
    <Card title={t('newTurnover')} style={{ maxWidth: 720 }}>
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        aria-label={t('newTurnover')}
        initialValues={{ days: 5, documents: ['maturing_loan_contract', 'business_licence'] }}
      >
        <ProblemAlert problem={problem} />
        <Form.Item name="fundId" label={t('fund')} rules={[{ required: true }]}>
          <Select options={funds.map((fund) => ({ value: fund.id, label: fund.name }))} />
        </Form.Item>
        <Form.Item name="bankId" label={t('bank')} rules={[{ required: true }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={banks.map((bank) => ({ value: bank.id, label: bank.name }))}
          />
        </Form.Item>
        <Form.Item name="contractNo" label={t('maturingContract')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="maturingAmount"
          label={t('maturingAmount')}
          rules={[{ required: true, ...rules.money }]}
        >
          <Input inputMode="decimal" />
        </Form.Item>
        <Form.Item name="maturityDate" label={t('maturityDate')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="amount" label={t('amount')} rules={[{ required: true, ...rules.money }]}>
          <Input inputMode="decimal" />
        </Form.Item>
        <Form.Item name="days" label={t('days')} rules={[{ required: true }]}>
          <InputNumber min={1} max={60} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="documents" label={t('documents')}>
          <Select
            mode="multiple"
            options={['maturing_loan_contract', 'business_licence'].map((value) => ({
              value,
              label: label(value),
            }))}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('submit')}
        </Button>
      </Form>
    </Card>
  );
}

/** The center's fund view: balances, the journal, and a reconciliation on demand. */
export function FundsPage(): ReactNode {
  const { t, label, language } = useT();
  const [funds, setFunds] = useState<TurnoverFundResponseDto[]>([]);
  const [fund, setFund] = useState<TurnoverFundResponseDto | null>(null);
  const [journal, setJournal] = useState<FundJournalDto[]>([]);
  const [reconciliation, setReconciliation] = useState<ReconciliationDto | null>(null);
  useEffect(() => {
    void api('get', '/api/v1/turnover-funds', { query: { limit: 100 } }).then((page) =>
      setFunds(page.items),
    );
  }, []);
  const open = async (id: string): Promise<void> => {
    setReconciliation(null);
    const [detail, ledger] = await Promise.all([
      api('get', '/api/v1/turnover-funds/{id}', { params: { id } }),
      api('get', '/api/v1/turnover-funds/{id}/ledger', { params: { id }, query: { limit: 100 } }),
    ]);
    setFund(detail);
    setJournal(ledger.items);
  };
  const reconcile = async (): Promise<void> => {
    if (fund !== null) {
      setReconciliation(
        await api('get', '/api/v1/turnover-funds/{id}/reconcile', { params: { id: fund.id } }),
      );
    }
  };
  const lines = journal.flatMap((entry) => entry.lines.map((line) => ({ ...line, entry })));
  return (
    <Row gutter={16}>
      <Col span={7}>
        <Card title={t('fund')}>
          <Table<TurnoverFundResponseDto>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={funds}
            onRow={(row) => openableRow(() => void open(row.id))}
            columns={[{ title: t('fund'), dataIndex: 'name' }]}
          />
        </Card>
      </Col>
      <Col span={17}>
        {fund === null ? null : (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Card
              title={`${fund.name} · ${t('balances')}`}
              extra={<Button onClick={() => void reconcile()}>{t('reconcile')}</Button>}
            >
              {reconciliation === null ? null : (
                <Alert
                  data-testid="reconciliation"
                  type={reconciliation.ok ? 'success' : 'error'}
                  showIcon
                  style={{ marginBottom: 12 }}
                  title={`${reconciliation.ok ? t('reconcileOk') : t('reconcileBad')} · ${reconciliation.journals} · ${yuan(reconciliation.totalDebit)} / ${yuan(reconciliation.totalCredit)}`}
                />
              )}
              <Descriptions size="small" bordered column={3}>
                {Object.entries(fund.balances ?? {}).map(([account, amount]: [string, string]) => (
                  <Descriptions.Item
                    key={account}
                    label={label(account === 'feeIncome' ? 'fee_income' : account)}
                  >
                    {yuanSummary(amount, language)}
                  </Descriptions.Item>
                ))}
              </Descriptions>
            </Card>
            <Card title={t('ledger')}>
              <Table
                rowKey={(row) => `${row.entry.id}-${row.lineNo}`}
                size="small"
                pagination={false}
                dataSource={lines}
                columns={[
                  {
                    title: t('time'),
                    key: 'time',
                    render: (_, row) => dateTime(row.entry.postedAt),
                  },
                  { title: t('action'), key: 'kind', render: (_, row) => label(row.entry.kind) },
                  {
                    title: t('entity'),
                    dataIndex: 'account',
                    render: (value: string) => label(value),
                  },
                  {
                    title: label('debit'),
                    key: 'debit',
                    align: 'right',
                    render: (_, row) => (row.side === 'debit' ? yuan(row.amount) : ''),
                  },
                  {
                    title: label('credit_side'),
                    key: 'credit',
                    align: 'right',
                    render: (_, row) => (row.side === 'credit' ? yuan(row.amount) : ''),
                  },
                ]}
              />
            </Card>
          </Space>
        )}
      </Col>
    </Row>
  );
}
