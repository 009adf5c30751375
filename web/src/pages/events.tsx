import { Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Table } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type {
  BankResponseDto,
  ConvertIntentDto,
  EnterpriseResponseDto,
  EventDetailDto,
  EventResponseDto,
  IntentResponseDto,
} from '../api/schema';
import { StatusTag } from '../components/status';
import {
  actionColumn,
  FormDialog,
  newKey,
  openableRow,
  useAction,
  WriteButton,
} from '../components/forms';
import { dateTime, shanghaiToday, yuan } from '../format';
import { useT } from '../i18n';
import { useSession } from '../session';

const MONEY = /^\d{1,13}(\.\d{1,2})?$/;
const RATE = /^0\.\d{1,6}$/;
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

/** 融资对接活动: events with their rosters, the intents recorded there and their conversion. */
export function EventsPage(): ReactNode {
  const { t, label } = useT();
  const { me } = useSession();
  const [items, setItems] = useState<EventResponseDto[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [dialog, setDialog] = useState<ReactNode>(null);
  const load = useCallback(async () => {
    setItems((await api('get', '/api/v1/events', { query: { limit: 100 } })).items);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={t('events')}
        extra={
          <Space>
            <Button onClick={() => void load()}>{t('refresh')}</Button>
            {me.role === 'admin' ? (
              <WriteButton
                type="primary"
                onClick={() =>
                  setDialog(
                    <EventDialog
                      key={newKey()}
                      onClose={(changed) => {
                        setDialog(null);
                        if (changed) {
                          void load();
                        }
                      }}
                    />,
                  )
                }
              >
                {t('newEvent')}
              </WriteButton>
            ) : null}
          </Space>
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
      </Card>
      {selected === null ? null : <Intents key={selected} eventId={selected} />}
      {dialog}
    </Space>
  );
}

function Intents({ eventId }: { eventId: string }): ReactNode {
  const { t } = useT();
  const { me } = useSession();
  const admin = me.role === 'admin';
  const [event, setEvent] = useState<EventDetailDto | null>(null);
  const [intents, setIntents] = useState<IntentResponseDto[]>([]);
  const [dialog, setDialog] = useState<ReactNode>(null);
  const load = useCallback(async () => {
    const [detail, page] = await Promise.all([
      api('get', '/api/v1/events/{id}', { params: { id: eventId } }),
      api('get', '/api/v1/events/{id}/intents', { params: { id: eventId }, query: { limit: 100 } }),
    ]);
    setEvent(detail);
    setIntents(page.items);
  }, [eventId]);
  useEffect(() => {
    void load();
  }, [load]);
  const close = (changed: boolean): void => {
    setDialog(null);
    if (changed) {
      void load();
    }
  };
  if (event === null) {
    return null;
  }
  return (
    <Card
      title={`${t('intents')} · ${event.title}`}
      extra={
        admin ? (
          <WriteButton
            onClick={() => setDialog(<IntentDialog key={newKey()} event={event} onClose={close} />)}
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
                    setDialog(
                      <ConvertDialog key={newKey()} event={event} intent={row} onClose={close} />,
                    )
                  }
                >
                  {t('convert')}
                </WriteButton>
              ) : null,
          },
        ])}
      />
      {dialog}
    </Card>
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

function EventDialog({ onClose }: { onClose: (changed: boolean) => void }): ReactNode {
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
  onClose,
}: {
  event: EventDetailDto;
  onClose: (changed: boolean) => void;
}): ReactNode {
  const { t } = useT();
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
        <Select options={event.banks.map((item) => ({ value: item.id, label: item.name }))} />
      </Form.Item>
      <Form.Item
        name="amount"
        label={t('amount')}
        rules={[{ required: true, pattern: MONEY, message: t('badMoney') }]}
      >
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
  onClose: (changed: boolean) => void;
}): ReactNode {
  const { t, label } = useT();
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
      <Form.Item
        name="rateCeiling"
        label={t('rateCeiling')}
        rules={[{ pattern: RATE, message: t('badRate') }]}
      >
        <Input inputMode="decimal" />
      </Form.Item>
      <Form.Item name="description" label={t('description')} rules={[{ max: 2000 }]}>
        <Input.TextArea rows={2} />
      </Form.Item>
    </FormDialog>
  );
}
