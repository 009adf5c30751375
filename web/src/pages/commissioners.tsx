import {
  App as AntApp,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type {
  BankOfficerDto,
  BankResponseDto,
  CommissionerFiguresDto,
  CommissionerFiguresRowDto,
  CommissionerResponseDto,
  CommissionerStatsDto,
  CreateVisitDto,
  EnterpriseResponseDto,
  FileNeedDto,
  ProjectResponseDto,
  VisitResponseDto,
} from '../api/schema';
import {
  actionColumn,
  FormDialog,
  openableRow,
  ProblemAlert,
  useAction,
  useFormRules,
  WriteButton,
} from '../components/forms';
import {
  ListCard,
  PageStack,
  useDialog,
  useLoaded,
  type CloseDialog,
} from '../components/list-card';
import { dateTime, shanghaiToday, yuan, yuanSummary } from '../format';
import { useT } from '../i18n';
import { useSession } from '../session';

const VISIT_KINDS: CreateVisitDto['kind'][] = ['onsite', 'phone', 'online', 'meeting'];
const PURPOSES: FileNeedDto['purpose'][] = ['working_capital', 'fixed_asset', 'project', 'other'];
const GUARANTEES: FileNeedDto['guaranteeOffered'][] = ['credit', 'mortgage', 'pledge', 'guarantee'];
/** As the API bounds them (MAX_REASON_LENGTH, MAX_NOTES_LENGTH, the request's description). */
const MAX_REASON = 1000;
const MAX_NOTES = 4000;
const MAX_DESCRIPTION = 2000;

/**
 * 金融服务专员: who serves which enterprise, appointments, reassignments and ends of term, the
 * visit logs (kept by the commissioner, needs found filed as requests for the center) and, for
 * the center and auditors, the commissioners' figures.
 */
export function CommissionersPage(): ReactNode {
  const { t, label } = useT();
  const { me } = useSession();
  const admin = me.role === 'admin';
  const [selected, setSelected] = useState<CommissionerResponseDto | null>(null);
  const fetch = useCallback(
    async () => (await api('get', '/api/v1/commissioners', { query: { limit: 100 } })).items,
    [],
  );
  const [items, load] = useLoaded(fetch, []);
  const { dialog, open } = useDialog(load);
  // The visit log shows the row as it is now: an ended term loses its write controls.
  const current = items.find((item) => item.id === selected?.id) ?? selected;
  return (
    <PageStack>
      <ListCard
        title={t('commissioners')}
        onRefresh={load}
        actions={
          admin ? (
            <WriteButton
              type="primary"
              onClick={() => open((close) => <AppointDialog onClose={close} />)}
            >
              {t('appoint')}
            </WriteButton>
          ) : null
        }
      >
        <Table<CommissionerResponseDto>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={items}
          onRow={(row) => openableRow(() => setSelected(row))}
          columns={actionColumn(admin, [
            { title: t('officer'), key: 'officer', render: (_, row) => row.officer.name },
            { title: t('bank'), key: 'bank', render: (_, row) => row.bank.name },
            { title: t('enterprise'), key: 'enterprise', render: (_, row) => row.enterprise.name },
            {
              title: t('servingFrom'),
              key: 'term',
              render: (_, row) => `${row.from} ~ ${row.endedOn ?? row.to}`,
            },
            {
              title: t('status'),
              key: 'status',
              render: (_, row) => (
                <Tag color={row.inOffice ? 'green' : undefined} data-status={row.status}>
                  {label(row.endCause ?? row.status)}
                </Tag>
              ),
            },
            {
              title: t('actions'),
              key: 'actions',
              render: (_, row) =>
                admin && row.status === 'active' ? (
                  <Space size="small" onClick={(event) => event.stopPropagation()}>
                    <WriteButton
                      size="small"
                      aria-label={`${t('reassign')} ${row.enterprise.name}`}
                      onClick={() =>
                        open((close) => (
                          <AppointDialog enterprise={row.enterprise} onClose={close} />
                        ))
                      }
                    >
                      {t('reassign')}
                    </WriteButton>
                    <WriteButton
                      size="small"
                      danger
                      aria-label={`${t('endTerm')} ${row.officer.name} ${row.enterprise.name}`}
                      onClick={() =>
                        open((close) => <EndDialog commissioner={row} onClose={close} />)
                      }
                    >
                      {t('endTerm')}
                    </WriteButton>
                  </Space>
                ) : null,
            },
          ])}
        />
      </ListCard>
      {current === null ? null : <Visits key={current.id} commissioner={current} />}
      {admin || me.role === 'auditor' ? <CommissionerFigures /> : null}
      {dialog}
    </PageStack>
  );
}

function Visits({ commissioner }: { commissioner: CommissionerResponseDto }): ReactNode {
  const { t, label } = useT();
  const { me, navigate } = useSession();
  const fetch = useCallback(
    async () =>
      (
        await api('get', '/api/v1/commissioners/{id}/visits', {
          params: { id: commissioner.id },
          query: { limit: 100 },
        })
      ).items,
    [commissioner.id],
  );
  const [visits, load] = useLoaded(fetch, []);
  const { dialog, open } = useDialog(load);
  // The API's rule: the commissioner keeps the log while in office; the center may always write
  // (late entries after the end).
  const writable =
    me.role === 'admin' || (commissioner.status === 'active' && commissioner.officer.id === me.id);
  const seesRequests = me.role === 'admin' || me.role === 'auditor';
  return (
    <ListCard
      title={`${t('visits')} · ${commissioner.officer.name} · ${commissioner.enterprise.name}`}
      section="visits"
      onRefresh={load}
      actions={
        writable ? (
          <WriteButton
            onClick={() =>
              open((close) => <VisitDialog commissioner={commissioner} onClose={close} />)
            }
          >
            {t('logVisit')}
          </WriteButton>
        ) : null
      }
    >
      <Table<VisitResponseDto>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={visits}
        data-testid="visits"
        columns={[
          { title: t('visitedOn'), dataIndex: 'on' },
          { title: t('visitKind'), dataIndex: 'kind', render: (value: string) => label(value) },
          { title: t('visitNotes'), dataIndex: 'notes' },
          {
            title: t('needAmount'),
            dataIndex: 'amount',
            align: 'right',
            render: (value: string | null) => (value === null ? '—' : yuan(value)),
          },
          {
            title: t('needStatus'),
            key: 'need',
            render: (_, row) => {
              if (row.needStatus === 'none') {
                return '—';
              }
              if (row.needStatus === 'filed') {
                const tag = (
                  <Tag color="green" data-need="filed">
                    {t('needFiled')}
                  </Tag>
                );
                return seesRequests && row.requestId !== null ? (
                  <Typography.Link
                    aria-label={`${t('viewRequest')} ${row.on}`}
                    onClick={() => navigate(`/requests/${row.requestId}`)}
                  >
                    {tag}
                  </Typography.Link>
                ) : (
                  tag
                );
              }
              return (
                <Space size="small">
                  <Tag color="orange" data-need="open">
                    {t('needOpen')}
                  </Tag>
                  {writable ? (
                    <WriteButton
                      size="small"
                      type="primary"
                      aria-label={`${t('fileNeed')} ${row.on}`}
                      onClick={() =>
                        open((close) => (
                          <FileNeedDialog commissioner={commissioner} visit={row} onClose={close} />
                        ))
                      }
                    >
                      {t('fileNeed')}
                    </WriteButton>
                  ) : null}
                </Space>
              );
            },
          },
          { title: t('actor'), key: 'by', render: (_, row) => row.recordedBy.name },
          {
            title: t('time'),
            dataIndex: 'createdAt',
            render: (value: string) => dateTime(value),
          },
        ]}
      />
      {dialog}
    </ListCard>
  );
}

/** The figures of `GET /stats/commissioners` for a period; the picker shows the last day kept. */
function CommissionerFigures(): ReactNode {
  const { t, language } = useT();
  const today = shanghaiToday();
  const [range, setRange] = useState<[string, string]>([`${today.slice(0, 4)}-01-01`, today]);
  const [stats, setStats] = useState<CommissionerStatsDto | null>(null);
  const { run, problem } = useAction<void>();
  const query = useMemo(
    () => ({ from: range[0], to: dayjs(range[1]).add(1, 'day').format('YYYY-MM-DD') }),
    [range],
  );
  const load = useCallback(() => {
    void run(async () => {
      setStats(await api('get', '/api/v1/stats/commissioners', { query }));
    });
  }, [run, query]);
  useEffect(load, [load]);
  type Row = CommissionerFiguresDto & { key: string; officer?: string; bank?: string };
  const rows: Row[] =
    stats === null
      ? []
      : [
          ...stats.commissioners.map((row: CommissionerFiguresRowDto) => ({
            ...row,
            key: row.officer.id,
            officer: row.officer.name,
            bank: row.bank.name,
          })),
          { ...stats.total, key: 'total', officer: t('total') },
        ];
  const amount = (value: string): string => yuanSummary(value, language);
  return (
    <ListCard
      title={t('commissionerFigures')}
      section="commissioner-figures"
      onRefresh={load}
      actions={
        <Form layout="inline">
          <Form.Item label={t('period')} style={{ marginInlineEnd: 0 }}>
            <DatePicker.RangePicker
              value={[dayjs(range[0]), dayjs(range[1])]}
              onChange={(values) => {
                if (values?.[0] && values[1]) {
                  setRange([values[0].format('YYYY-MM-DD'), values[1].format('YYYY-MM-DD')]);
                }
              }}
            />
          </Form.Item>
        </Form>
      }
    >
      <ProblemAlert problem={problem} />
      <Table<Row>
        size="small"
        pagination={false}
        dataSource={rows}
        data-testid="commissioner-figures"
        onRow={(row) => (row.key === 'total' ? { style: { fontWeight: 600 } } : {})}
        columns={[
          { title: t('officer'), dataIndex: 'officer' },
          { title: t('bank'), dataIndex: 'bank', render: (value?: string) => value ?? '' },
          { title: t('enterprisesServed'), dataIndex: 'enterprisesServed', align: 'right' },
          { title: t('visitCount'), dataIndex: 'visits', align: 'right' },
          {
            title: t('creditApproved'),
            dataIndex: 'creditApproved',
            align: 'right',
            render: amount,
          },
          {
            title: t('disbursedAmount'),
            dataIndex: 'loansDisbursed',
            align: 'right',
            render: amount,
          },
          { title: t('disbursementCount'), dataIndex: 'disbursements', align: 'right' },
          {
            title: t('medianDaysNeed'),
            dataIndex: 'medianDaysNeedToDisbursement',
            align: 'right',
            render: (value: string | null) => value ?? '—',
          },
          { title: t('openNeeds'), dataIndex: 'openNeeds', align: 'right' },
        ]}
      />
    </ListCard>
  );
}

interface AppointValues {
  enterpriseId: string;
  bankId: string;
  officerId: string;
  from: dayjs.Dayjs;
  to?: dayjs.Dayjs;
}

/** Appoints a commissioner; for an enterprise that has one, this is the reassignment. */
function AppointDialog({
  enterprise,
  onClose,
}: {
  enterprise?: { id: string; name: string };
  onClose: CloseDialog;
}): ReactNode {
  const { t } = useT();
  const [form] = Form.useForm<AppointValues>();
  const { run, busy, problem } = useAction<void>(form);
  const [enterprises, setEnterprises] = useState<EnterpriseResponseDto[]>([]);
  const [banks, setBanks] = useState<BankResponseDto[]>([]);
  const [officers, setOfficers] = useState<BankOfficerDto[]>([]);
  const today = shanghaiToday();
  useEffect(() => {
    void api('get', '/api/v1/banks', { query: { limit: 100 } }).then((page) =>
      setBanks(page.items),
    );
    if (enterprise === undefined) {
      void api('get', '/api/v1/enterprises', { query: { limit: 100 } }).then((page) =>
        setEnterprises(page.items),
      );
    }
  }, [enterprise]);
  const pickBank = (bankId: string): void => {
    form.setFieldValue('officerId', undefined);
    void api('get', '/api/v1/banks/{id}/officers', { params: { id: bankId } }).then((list) =>
      setOfficers(list.items),
    );
  };
  return (
    <FormDialog<AppointValues>
      id="appoint-dialog"
      title={enterprise === undefined ? t('appoint') : `${t('reassign')} · ${enterprise.name}`}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      initialValues={{ enterpriseId: enterprise?.id, from: dayjs(today) }}
      onFinish={(values) =>
        void run(async () => {
          await api('post', '/api/v1/commissioners', {
            body: {
              enterpriseId: values.enterpriseId,
              officerId: values.officerId,
              from: values.from.format('YYYY-MM-DD'),
              to: values.to?.format('YYYY-MM-DD'),
            },
          });
          onClose(true);
        })
      }
    >
      <Form.Item name="enterpriseId" label={t('enterprise')} rules={[{ required: true }]}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          disabled={enterprise !== undefined}
          options={
            enterprise === undefined
              ? enterprises.map((item) => ({ value: item.id, label: item.name }))
              : [{ value: enterprise.id, label: enterprise.name }]
          }
        />
      </Form.Item>
      <Form.Item name="bankId" label={t('bank')} rules={[{ required: true }]}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          onChange={pickBank}
          options={banks.map((bank) => ({ value: bank.id, label: bank.name }))}
        />
      </Form.Item>
      <Form.Item name="officerId" label={t('officer')} rules={[{ required: true }]}>
        <Select
          options={officers.map((officer) => ({ value: officer.id, label: officer.displayName }))}
        />
      </Form.Item>
      <Space wrap>
        <Form.Item name="from" label={t('termFrom')} rules={[{ required: true }]}>
          <DatePicker disabledDate={(day) => day.format('YYYY-MM-DD') > today} />
        </Form.Item>
        <Form.Item name="to" label={t('termTo')}>
          <DatePicker disabledDate={(day) => day.format('YYYY-MM-DD') < today} />
        </Form.Item>
      </Space>
    </FormDialog>
  );
}

interface EndValues {
  reason: string;
  on?: dayjs.Dayjs;
}

/** Ends a term: the officer loses access to the enterprise from the day given. */
function EndDialog({
  commissioner,
  onClose,
}: {
  commissioner: CommissionerResponseDto;
  onClose: CloseDialog;
}): ReactNode {
  const { t } = useT();
  const [form] = Form.useForm<EndValues>();
  const { run, busy, problem } = useAction<void>(form);
  const today = shanghaiToday();
  return (
    <FormDialog<EndValues>
      id="end-dialog"
      title={`${t('endTerm')} · ${commissioner.officer.name} · ${commissioner.enterprise.name}`}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      onFinish={(values) =>
        void run(async () => {
          await api('post', '/api/v1/commissioners/{id}/end', {
            params: { id: commissioner.id },
            body: { reason: values.reason, on: values.on?.format('YYYY-MM-DD') },
          });
          onClose(true);
        })
      }
    >
      <Form.Item
        name="reason"
        label={t('endReason')}
        rules={[{ required: true, whitespace: true, max: MAX_REASON }]}
      >
        <Input.TextArea rows={2} />
      </Form.Item>
      <Form.Item name="on" label={t('endOn')}>
        <DatePicker
          disabledDate={(day) => {
            const date = day.format('YYYY-MM-DD');
            return date > today || date < commissioner.from;
          }}
        />
      </Form.Item>
    </FormDialog>
  );
}

interface VisitValues {
  on: dayjs.Dayjs;
  kind: CreateVisitDto['kind'];
  notes: string;
  needFound: boolean;
  amount?: string;
}

function VisitDialog({
  commissioner,
  onClose,
}: {
  commissioner: CommissionerResponseDto;
  onClose: CloseDialog;
}): ReactNode {
  const { t, label } = useT();
  const rules = useFormRules();
  const [form] = Form.useForm<VisitValues>();
  const { run, busy, problem } = useAction<void>(form);
  const needFound = Form.useWatch('needFound', form);
  const today = shanghaiToday();
  return (
    <FormDialog<VisitValues>
      id="visit-dialog"
      title={`${t('logVisit')} · ${commissioner.enterprise.name}`}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      initialValues={{ on: dayjs(today), kind: 'onsite', needFound: false }}
      onFinish={(values) =>
        void run(async () => {
          await api('post', '/api/v1/commissioners/{id}/visits', {
            params: { id: commissioner.id },
            body: {
              on: values.on.format('YYYY-MM-DD'),
              kind: values.kind,
              notes: values.notes,
              needFound: values.needFound,
              amount: values.needFound ? values.amount : undefined,
            },
          });
          onClose(true);
        })
      }
    >
      <Form.Item name="on" label={t('visitedOn')} rules={[{ required: true }]}>
        <DatePicker
          style={{ width: '100%' }}
          disabledDate={(day) => day.format('YYYY-MM-DD') > today}
        />
      </Form.Item>
      <Form.Item name="kind" label={t('visitKind')} rules={[{ required: true }]}>
        <Select options={VISIT_KINDS.map((kind) => ({ value: kind, label: label(kind) }))} />
      </Form.Item>
      <Form.Item
        name="notes"
        label={t('visitNotes')}
        rules={[{ required: true, whitespace: true, max: MAX_NOTES }]}
      >
        <Input.TextArea rows={3} />
      </Form.Item>
      <Form.Item name="needFound" valuePropName="checked">
        <Checkbox>{t('needFound')}</Checkbox>
      </Form.Item>
      {needFound ? (
        <Form.Item
          name="amount"
          label={t('needAmount')}
          rules={[{ required: true, ...rules.money }]}
        >
          <Input inputMode="decimal" />
        </Form.Item>
      ) : null}
    </FormDialog>
  );
}

interface FileNeedValues {
  amount: string;
  termMonths: number;
  purpose: FileNeedDto['purpose'];
  guaranteeOffered: FileNeedDto['guaranteeOffered'];
  projectId?: string;
  rateCeiling?: string;
  description?: string;
}

/** Files the need a visit found as a request on the enterprise's behalf, for the center. */
function FileNeedDialog({
  commissioner,
  visit,
  onClose,
}: {
  commissioner: CommissionerResponseDto;
  visit: VisitResponseDto;
  onClose: CloseDialog;
}): ReactNode {
  const { t, label } = useT();
  const rules = useFormRules();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<FileNeedValues>();
  const { run, busy, problem } = useAction<void>(form);
  const [projects, setProjects] = useState<ProjectResponseDto[]>([]);
  useEffect(() => {
    // Only while the commissioner serves the enterprise may they read its projects.
    void api('get', '/api/v1/projects', {
      query: { enterpriseId: commissioner.enterprise.id, limit: 100 },
    })
      .then((page) => setProjects(page.items))
      .catch(() => setProjects([]));
  }, [commissioner.enterprise.id]);
  return (
    <FormDialog<FileNeedValues>
      id="file-need-dialog"
      title={`${t('fileNeed')} · ${commissioner.enterprise.name} · ${visit.on}`}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      initialValues={{
        amount: visit.amount ?? undefined,
        termMonths: 12,
        purpose: 'working_capital',
        guaranteeOffered: 'credit',
      }}
      onFinish={(values) =>
        void run(async () => {
          await api('post', '/api/v1/commissioners/{id}/visits/{visitId}/request', {
            params: { id: commissioner.id, visitId: visit.id },
            body: {
              ...values,
              projectId: values.projectId || undefined,
              rateCeiling: values.rateCeiling || undefined,
              description: values.description || undefined,
            },
          });
          void message.success(t('needFiledToast'));
          onClose(true);
        })
      }
    >
      <Typography.Paragraph type="secondary">{visit.notes}</Typography.Paragraph>
      <Form.Item name="amount" label={t('amount')} rules={[{ required: true, ...rules.money }]}>
        <Input inputMode="decimal" />
      </Form.Item>
      <Form.Item name="termMonths" label={t('termMonths')} rules={[{ required: true }]}>
        <InputNumber min={1} max={600} precision={0} style={{ width: '100%' }} />
      </Form.Item>
      <Space wrap>
        <Form.Item name="purpose" label={t('purpose')} rules={[{ required: true }]}>
          <Select
            style={{ width: 160 }}
            options={PURPOSES.map((value) => ({ value, label: label(value) }))}
          />
        </Form.Item>
        <Form.Item name="guaranteeOffered" label={t('guarantee')} rules={[{ required: true }]}>
          <Select
            style={{ width: 160 }}
            options={GUARANTEES.map((value) => ({ value, label: label(value) }))}
          />
        </Form.Item>
      </Space>
      <Form.Item name="projectId" label={t('keyProject')}>
        <Select
          allowClear
          options={projects.map((project) => ({ value: project.id, label: project.name }))}
        />
      </Form.Item>
      <Form.Item name="rateCeiling" label={t('rateCeiling')} rules={[rules.rate]}>
        <Input inputMode="decimal" />
      </Form.Item>
      <Form.Item
        name="description"
        label={t('needDescription')}
        rules={[{ whitespace: true, max: MAX_DESCRIPTION }]}
      >
        <Input.TextArea rows={2} />
      </Form.Item>
    </FormDialog>
  );
}
