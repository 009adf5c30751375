import {
  DatePicker,
  Descriptions,
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
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type {
  BankResponseDto,
  ConvertIntentDto,
  EnterpriseResponseDto,
  EventDetailDto,
  EventResponseDto,
  EventStatsDto,
  IntentResponseDto,
} from '../api/schema';
import { StatusTag } from '../components/status';
import {
  actionColumn,
  FormDialog,
  openableRow,
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
import { useT, type MessageKey } from '../i18n';
import { useSession } from '../session';

const PURPOSES: ConvertIntentDto['purpose'][] = [
  'working_capital',
  'fixed_asset',
  'project',
  'other',
];
const GUARANTEES: ConvertIntentDto['guaranteeOffered'][] = [
  'credit',
  'mortgage',
  'pledge',
  'guarantee',
];

/** 融资对接活动: events with their rosters, the intents recorded there, their conversion and figures. */
export function EventsPage(): ReactNode {
  const { t, label } = useT();
  const { me } = useSession();
  const [selected, setSelected] = useState<string | null>(null);
  const fetch = useCallback(
    async () => (await api('get', '/api/v1/events', { query: { limit: 100 } })).items,
    [],
  );
  const [items, load] = useLoaded(fetch, []);
  const { dialog, open } = useDialog(load);
  return (
    <PageStack>
      <ListCard
        title={t('events')}
        onRefresh={load}
        actions={
          me.role === 'admin' ? (
            <WriteButton
              type="primary"
              onClick={() => open((close) => <EventDialog onClose={close} />)}
            >
              {t('newEvent')}
            </WriteButton>
          ) : null
        }
      >
        <Table<EventResponseDto>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={items}
          onRow={(row) => openableRow(() => setSelected(row.id))}
          columns={[
            { title: t('date'), dataIndex: 'date' },
            { title: t('eventTitle'), dataIndex: 'title' },
            { title: t('theme'), dataIndex: 'theme' },
            {
              title: t('eventFormat'),
              dataIndex: 'format',
              render: (value: string) => label(value),
            },
            {
              title: t('participants'),
              key: 'count',
              align: 'right',
              render: (_, row) => `${row.bankCount} / ${row.enterpriseCount}`,
            },
          ]}
        />
      </ListCard>
      {selected === null ? null : (
        <EventDetail key={selected} eventId={selected} onChanged={load} />
      )}
      {dialog}
    </PageStack>
  );
}

interface Loaded {
  event: EventDetailDto;
  intents: IntentResponseDto[];
  stats: EventStatsDto | null;
}

/** One event: its roster, its intents and, for the center and auditors, its figures. */
function EventDetail({
  eventId,
  onChanged,
}: {
  eventId: string;
  /** The list's counts change with the roster. */
  onChanged: () => void;
}): ReactNode {
  const { t } = useT();
  const { me } = useSession();
  const admin = me.role === 'admin';
  const bankStaff = me.role === 'bank_officer' || me.role === 'bank_president';
  const readsStats = admin || me.role === 'auditor';
  const fetch = useCallback(async (): Promise<Loaded | null> => {
    const [event, page, stats] = await Promise.all([
      api('get', '/api/v1/events/{id}', { params: { id: eventId } }),
      api('get', '/api/v1/events/{id}/intents', { params: { id: eventId }, query: { limit: 100 } }),
      readsStats ? api('get', '/api/v1/events/{id}/stats', { params: { id: eventId } }) : null,
    ]);
    return { event, intents: page.items, stats };
  }, [eventId, readsStats]);
  const [loaded, load] = useLoaded(fetch, null);
  const { dialog, open } = useDialog(load);
  if (loaded === null) {
    return null;
  }
  const { event, intents, stats } = loaded;
  // Bank staff record intents for their own bank, when it takes part.
  const intentBanks = admin ? event.banks : event.banks.filter((bank) => bank.id === me.bankId);
  return (
    <PageStack>
      <ListCard
        title={`${t('eventRoster')} · ${event.title}`}
        section="participants"
        actions={
          admin ? (
            <WriteButton
              onClick={() =>
                open((close) => (
                  <ParticipantsDialog
                    event={event}
                    onClose={(changed) => {
                      close(changed);
                      if (changed) {
                        onChanged();
                      }
                    }}
                  />
                ))
              }
            >
              {t('addParticipants')}
            </WriteButton>
          ) : null
        }
      >
        <Descriptions size="small" column={1} bordered data-testid="roster">
          <Descriptions.Item label={`${t('eventBanks')}（${event.banks.length}）`}>
            <Roster names={event.banks} />
          </Descriptions.Item>
          <Descriptions.Item label={`${t('eventEnterprises')}（${event.enterprises.length}）`}>
            <Roster names={event.enterprises} />
          </Descriptions.Item>
        </Descriptions>
      </ListCard>
      <ListCard
        title={`${t('intents')} · ${event.title}`}
        section="intents"
        onRefresh={load}
        actions={
          (admin || bankStaff) && intentBanks.length > 0 ? (
            <WriteButton
              onClick={() =>
                open((close) => <IntentDialog event={event} banks={intentBanks} onClose={close} />)
              }
            >
              {t('recordIntent')}
            </WriteButton>
          ) : null
        }
      >
        <Table<IntentResponseDto>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={intents}
          columns={actionColumn(admin, [
            { title: t('enterprise'), key: 'enterprise', render: (_, row) => row.enterprise.name },
            { title: t('bank'), key: 'bank', render: (_, row) => row.bank.name },
            {
              title: t('amount'),
              dataIndex: 'amount',
              align: 'right',
              render: (value: string) => yuan(value),
            },
            {
              title: t('status'),
              dataIndex: 'status',
              render: (value: string) => <StatusTag status={value} />,
            },
            {
              title: t('time'),
              dataIndex: 'createdAt',
              render: (value: string) => dateTime(value),
            },
            {
              title: t('actions'),
              key: 'actions',
              render: (_, row) =>
                admin && row.status === 'open' ? (
                  <WriteButton
                    size="small"
                    aria-label={`${t('convert')} ${row.enterprise.name}`}
                    onClick={() =>
                      open((close) => <ConvertDialog event={event} intent={row} onClose={close} />)
                    }
                  >
                    {t('convert')}
                  </WriteButton>
                ) : null,
            },
          ])}
        />
      </ListCard>
      {stats === null ? null : <EventFigures stats={stats} />}
      {dialog}
    </PageStack>
  );
}

function Roster({ names }: { names: { id: string; name: string }[] }): ReactNode {
  const { t } = useT();
  if (names.length === 0) {
    return <Typography.Text type="secondary">{t('nothing')}</Typography.Text>;
  }
  return (
    <Space size={[4, 4]} wrap>
      {names.map((item) => (
        <Tag key={item.id}>{item.name}</Tag>
      ))}
    </Space>
  );
}

/** `GET /events/:id/stats`: from intents to money lent, counts beside amounts. */
function EventFigures({ stats }: { stats: EventStatsDto }): ReactNode {
  const { t, language } = useT();
  const amount = (value: string): string => yuanSummary(value, language);
  const figures: [MessageKey, string | number, string][] = [
    ['eventBanks', stats.banks, 'banks'],
    ['eventEnterprises', stats.enterprises, 'enterprises'],
    ['enterprisesWithIntent', stats.enterprisesWithIntent, 'enterprisesWithIntent'],
    ['ovIntents', stats.intents, 'intents'],
    ['ovIntentAmount', amount(stats.intentAmount), 'intentAmount'],
    ['convertedCount', stats.converted, 'converted'],
    ['convertedAmount', amount(stats.convertedAmount), 'convertedAmount'],
    ['approvedCount', stats.approved, 'approved'],
    ['creditApproved', amount(stats.approvedAmount), 'approvedAmount'],
    ['fundedCount', stats.funded, 'funded'],
    ['disbursedAmount', amount(stats.disbursedAmount), 'disbursedAmount'],
  ];
  return (
    <ListCard title={t('eventFigures')} section="event-figures">
      <Descriptions size="small" bordered column={3}>
        {figures.map(([key, value, figure]) => (
          <Descriptions.Item key={figure} label={t(key)}>
            <span data-figure={`event.${figure}`}>{value}</span>
          </Descriptions.Item>
        ))}
      </Descriptions>
    </ListCard>
  );
}

interface ParticipantsValues {
  bankIds?: string[];
  enterpriseIds?: string[];
}

/** Adds banks and enterprises to the roster; those already on it are not offered again. */
function ParticipantsDialog({
  event,
  onClose,
}: {
  event: EventDetailDto;
  onClose: CloseDialog;
}): ReactNode {
  const { t } = useT();
  const [form] = Form.useForm<ParticipantsValues>();
  const { run, busy, problem } = useAction<void>(form);
  const [banks, setBanks] = useState<BankResponseDto[]>([]);
  const [enterprises, setEnterprises] = useState<EnterpriseResponseDto[]>([]);
  useEffect(() => {
    void api('get', '/api/v1/banks', { query: { limit: 100 } }).then((page) =>
      setBanks(page.items),
    );
    void api('get', '/api/v1/enterprises', { query: { limit: 100 } }).then((page) =>
      setEnterprises(page.items),
    );
  }, []);
  const onRoster = new Set([...event.banks, ...event.enterprises].map((item) => item.id));
  return (
    <FormDialog<ParticipantsValues>
      id="participants-dialog"
      title={`${t('addParticipants')} · ${event.title}`}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      onFinish={(values) =>
        void run(async () => {
          await api('post', '/api/v1/events/{id}/participants', {
            params: { id: event.id },
            body: {
              bankIds: values.bankIds?.length ? values.bankIds : undefined,
              enterpriseIds: values.enterpriseIds?.length ? values.enterpriseIds : undefined,
            },
          });
          onClose(true);
        })
      }
    >
      <Form.Item name="bankIds" label={t('eventBanks')}>
        <Select
          mode="multiple"
          showSearch={{ optionFilterProp: 'label' }}
          options={banks
            .filter((bank) => !onRoster.has(bank.id))
            .map((bank) => ({ value: bank.id, label: bank.name }))}
        />
      </Form.Item>
      <Form.Item name="enterpriseIds" label={t('eventEnterprises')}>
        <Select
          mode="multiple"
          showSearch={{ optionFilterProp: 'label' }}
          options={enterprises
            .filter((item) => !onRoster.has(item.id))
            .map((item) => ({ value: item.id, label: item.name }))}
        />
      </Form.Item>
    </FormDialog>
  );
}

interface EventValues {
  title: string;
  theme: string;
  date: dayjs.Dayjs;
  format: 'online' | 'offline';
  location?: string;
  description?: string;
  bankIds?: string[];
  enterpriseIds?: string[];
}

function EventDialog({ onClose }: { onClose: CloseDialog }): ReactNode {
  const { t, label } = useT();
  const [form] = Form.useForm<EventValues>();
  const { run, busy, problem } = useAction<void>(form);
  const [banks, setBanks] = useState<BankResponseDto[]>([]);
  const [enterprises, setEnterprises] = useState<EnterpriseResponseDto[]>([]);
  useEffect(() => {
    void api('get', '/api/v1/banks', { query: { limit: 100 } }).then((page) =>
      setBanks(page.items),
    );
    void api('get', '/api/v1/enterprises', { query: { limit: 100 } }).then((page) =>
      setEnterprises(page.items),
    );
  }, []);
  return (
    <FormDialog<EventValues>
      id="event-dialog"
      title={t('newEvent')}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      initialValues={{ date: dayjs(shanghaiToday()), format: 'offline' }}
      onFinish={(values) =>
        void run(async () => {
          await api('post', '/api/v1/events', {
            body: {
              ...values,
              date: values.date.format('YYYY-MM-DD'),
              location: values.location || undefined,
              description: values.description || undefined,
            },
          });
          onClose(true);
        })
      }
    >
      <Form.Item name="title" label={t('eventTitle')} rules={[{ required: true, max: 200 }]}>
        <Input />
      </Form.Item>
      <Form.Item name="theme" label={t('theme')} rules={[{ required: true, max: 100 }]}>
        <Input />
      </Form.Item>
      <Space wrap>
        <Form.Item name="date" label={t('date')} rules={[{ required: true }]}>
          <DatePicker />
        </Form.Item>
        <Form.Item name="format" label={t('eventFormat')} rules={[{ required: true }]}>
          <Select
            style={{ width: 120 }}
            options={(['offline', 'online'] as const).map((value) => ({
              value,
              label: label(value),
            }))}
          />
        </Form.Item>
      </Space>
      <Form.Item name="location" label={t('location')} rules={[{ max: 200 }]}>
        <Input />
      </Form.Item>
      <Form.Item name="bankIds" label={t('eventBanks')}>
        <Select
          mode="multiple"
          showSearch={{ optionFilterProp: 'label' }}
          options={banks.map((bank) => ({ value: bank.id, label: bank.name }))}
        />
      </Form.Item>
      <Form.Item name="enterpriseIds" label={t('eventEnterprises')}>
        <Select
          mode="multiple"
          showSearch={{ optionFilterProp: 'label' }}
          options={enterprises.map((item) => ({ value: item.id, label: item.name }))}
        />
      </Form.Item>
      <Form.Item name="description" label={t('description')} rules={[{ max: 2000 }]}>
        <Input.TextArea rows={2} />
      </Form.Item>
    </FormDialog>
  );
}

interface IntentValues {
  enterpriseId: string;
  bankId: string;
  amount: string;
}

function IntentDialog({
  event,
  banks,
  onClose,
}: {
  event: EventDetailDto;
  /** The banks the caller may record for: all of the roster's, or bank staff's own. */
  banks: { id: string; name: string }[];
  onClose: CloseDialog;
}): ReactNode {
  const { t } = useT();
  const rules = useFormRules();
  const [form] = Form.useForm<IntentValues>();
  const { run, busy, problem } = useAction<void>(form);
  return (
    <FormDialog<IntentValues>
      id="intent-dialog"
      title={`${t('recordIntent')} · ${event.title}`}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      initialValues={{ bankId: banks.length === 1 ? banks[0].id : undefined }}
      onFinish={(values) =>
        void run(async () => {
          await api('post', '/api/v1/events/{id}/intents', {
            params: { id: event.id },
            body: values,
          });
          onClose(true);
        })
      }
    >
      <Form.Item name="enterpriseId" label={t('enterprise')} rules={[{ required: true }]}>
        <Select options={event.enterprises.map((item) => ({ value: item.id, label: item.name }))} />
      </Form.Item>
      <Form.Item name="bankId" label={t('bank')} rules={[{ required: true }]}>
        <Select options={banks.map((item) => ({ value: item.id, label: item.name }))} />
      </Form.Item>
      <Form.Item name="amount" label={t('amount')} rules={[{ required: true, ...rules.money }]}>
        <Input inputMode="decimal" />
      </Form.Item>
    </FormDialog>
  );
}

interface ConvertValues {
  termMonths: number;
  purpose: ConvertIntentDto['purpose'];
  guaranteeOffered: ConvertIntentDto['guaranteeOffered'];
  rateCeiling?: string;
  description?: string;
}

function ConvertDialog({
  event,
  intent,
  onClose,
}: {
  event: EventDetailDto;
  intent: IntentResponseDto;
  onClose: CloseDialog;
}): ReactNode {
  const { t, label } = useT();
  const rules = useFormRules();
  const [form] = Form.useForm<ConvertValues>();
  const { run, busy, problem } = useAction<void>(form);
  return (
    <FormDialog<ConvertValues>
      id="convert-dialog"
      title={`${t('convert')} · ${intent.enterprise.name} · ${yuan(intent.amount)}`}
      form={form}
      busy={busy}
      problem={problem}
      onClose={onClose}
      initialValues={{ termMonths: 12, purpose: 'working_capital', guaranteeOffered: 'credit' }}
      onFinish={(values) =>
        void run(async () => {
          await api('post', '/api/v1/events/{id}/intents/{intentId}/convert', {
            params: { id: event.id, intentId: intent.id },
            body: {
              ...values,
              rateCeiling: values.rateCeiling || undefined,
              description: values.description || undefined,
            },
          });
          onClose(true);
        })
      }
    >
      <Form.Item name="termMonths" label={t('termMonths')} rules={[{ required: true }]}>
        <InputNumber min={1} max={600} precision={0} style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="purpose" label={t('purpose')} rules={[{ required: true }]}>
        <Select options={PURPOSES.map((value) => ({ value, label: label(value) }))} />
      </Form.Item>
      <Form.Item name="guaranteeOffered" label={t('guarantee')} rules={[{ required: true }]}>
        <Select options={GUARANTEES.map((value) => ({ value, label: label(value) }))} />
      </Form.Item>
      <Form.Item name="rateCeiling" label={t('rateCeiling')} rules={[rules.rate]}>
        <Input inputMode="decimal" />
      </Form.Item>
      <Form.Item name="description" label={t('description')} rules={[{ max: 2000 }]}>
        <Input.TextArea rows={2} />
      </Form.Item>
    </FormDialog>
  );
}
