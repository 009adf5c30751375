import { Button, Card, Checkbox, DatePicker, Form, Input, Select, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type {
  BankOfficerDto,
  BankResponseDto,
  CommissionerResponseDto,
  CreateVisitDto,
  EnterpriseResponseDto,
  VisitResponseDto,
} from '../api/schema';
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
const VISIT_KINDS: CreateVisitDto['kind'][] = ['onsite', 'phone', 'online', 'meeting'];

/** 金融服务专员: who serves which enterprise, appointments and reassignments, and visit logs. */
export function CommissionersPage(): ReactNode {
  const { t, label } = useT();
  const { me } = useSession();
  const admin = me.role === 'admin';
  const [items, setItems] = useState<CommissionerResponseDto[]>([]);
  const [selected, setSelected] = useState<CommissionerResponseDto | null>(null);
  const [dialog, setDialog] = useState<ReactNode>(null);
  const load = useCallback(async () => {
    setItems((await api('get', '/api/v1/commissioners', { query: { limit: 100 } })).items);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const close = (changed: boolean): void => {
    setDialog(null);
    if (changed) {
      void load();
    }
  };
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={t('commissioners')}
        extra={
          <Space>
            <Button onClick={() => void load()}>{t('refresh')}</Button>
            {admin ? (
              <WriteButton
                type="primary"
                onClick={() => setDialog(<AppointDialog key={newKey()} onClose={close} />)}
              >
                {t('appoint')}
              </WriteButton>
            ) : null}
          </Space>
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
                  <span onClick={(event) => event.stopPropagation()}>
                    <WriteButton
                      size="small"
                      aria-label={`${t('reassign')} ${row.enterprise.name}`}
                      onClick={() =>
                        setDialog(
                          <AppointDialog
                            key={newKey()}
                            enterprise={row.enterprise}
                            onClose={close}
                          />,
                        )
                      }
                    >
                      {t('reassign')}
                    </WriteButton>
                  </span>
                ) : null,
            },
          ])}
        />
      </Card>
      {selected === null ? null : <Visits key={selected.id} commissioner={selected} />}
      {dialog}
    </Space>
  );
}

function Visits({ commissioner }: { commissioner: CommissionerResponseDto }): ReactNode {
  const { t, label } = useT();
  const { me } = useSession();
  const [visits, setVisits] = useState<VisitResponseDto[]>([]);
  const [logging, setLogging] = useState(false);
  const load = useCallback(async () => {
    const page = await api('get', '/api/v1/commissioners/{id}/visits', {
      params: { id: commissioner.id },
      query: { limit: 100 },
    });
    setVisits(page.items);
  }, [commissioner.id]);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Card
      title={`${t('visits')} · ${commissioner.officer.name} · ${commissioner.enterprise.name}`}
      extra={
        me.role === 'admin' && commissioner.status === 'active' ? (
          <WriteButton onClick={() => setLogging(true)}>{t('logVisit')}</WriteButton>
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
          { title: t('actor'), key: 'by', render: (_, row) => row.recordedBy.name },
          {
            title: t('time'),
            dataIndex: 'createdAt',
            render: (value: string) => dateTime(value),
          },
        ]}
      />
      {logging ? (
        <VisitDialog
          commissioner={commissioner}
          onClose={(changed) => {
            setLogging(false);
            if (changed) {
              void load();
            }
          }}
        />
      ) : null}
    </Card>
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
  onClose: (changed: boolean) => void;
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
  onClose: (changed: boolean) => void;
}): ReactNode {
  const { t, label } = useT();
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
      <Form.Item name="notes" label={t('visitNotes')} rules={[{ required: true, max: 4000 }]}>
        <Input.TextArea rows={3} />
      </Form.Item>
      <Form.Item name="needFound" valuePropName="checked">
        <Checkbox>{t('needFound')}</Checkbox>
      </Form.Item>
      {needFound ? (
        <Form.Item
          name="amount"
          label={t('needAmount')}
          rules={[{ required: true, pattern: MONEY, message: t('badMoney') }]}
        >
          <Input inputMode="decimal" />
        </Form.Item>
      ) : null}
    </FormDialog>
  );
}
