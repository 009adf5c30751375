import {
  Button,
  Card,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { BankOfficerDto, DeclineReasonResponseDto, MatchResponseDto } from '../api/schema';
import { newKey, ProblemAlert, useAction, useFormRules, WriteButton } from '../components/forms';
import { StatusTag } from '../components/status';
import { dateTime, shanghaiToday, yuan } from '../format';
import { useT } from '../i18n';
import { useSession } from '../session';

type MatchAction = 'assign' | 'accept' | 'approve' | 'disburse' | 'decline';

/** Which actions the API would allow this caller on this match (the dialogs mirror its rules). */
function allowed(match: MatchResponseDto, role: string, userId: string): MatchAction[] {
  if (!match.open || (role !== 'bank_president' && role !== 'bank_officer')) {
    return [];
  }
  const mine = role === 'bank_president' || match.officer?.id === userId;
  const actions: MatchAction[] = [];
  if (role === 'bank_president') {
    actions.push('assign');
  }
  if (mine && match.status === 'dispatched') {
    actions.push('accept');
  }
  if (mine && match.status === 'accepted') {
    actions.push('approve');
  }
  if (mine && match.status === 'approved') {
    actions.push('disburse');
  }
  if (mine) {
    actions.push('decline');
  }
  return actions;
}

/** Bank staff's inbox (sorted by response deadline, overdue in red); the center's match list. */
export function InboxPage(): ReactNode {
  const { t } = useT();
  const { me } = useSession();
  const [items, setItems] = useState<MatchResponseDto[]>([]);
  const [loading, setLoading] = useState(true);
  const [dialog, setDialog] = useState<{ action: MatchAction; match: MatchResponseDto } | null>(
    null,
  );
  const [onlyOverdue, setOnlyOverdue] = useState(false);
  const load = useCallback(async () => {
    setLoading(true);
    try {
      const page = await api('get', '/api/v1/matches', {
        query: { limit: 100, ...(onlyOverdue ? { overdue: 'true' } : {}) },
      });
      setItems(
        [...page.items].sort(
          (a, b) =>
            Number(b.open) - Number(a.open) || a.responseDueAt.localeCompare(b.responseDueAt),
        ),
      );
    } finally {
      setLoading(false);
    }
  }, [onlyOverdue]);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Card
      title={me.role === 'admin' || me.role === 'auditor' ? t('matches') : t('inbox')}
      extra={
        <Space>
          <Checkbox
            checked={onlyOverdue}
            onChange={(event) => setOnlyOverdue(event.target.checked)}
          >
            {t('onlyOverdue')}
          </Checkbox>
          <Button onClick={() => void load()}>{t('refresh')}</Button>
        </Space>
      }
    >
      <Table<MatchResponseDto>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        columns={[
          { title: t('enterprise'), dataIndex: 'enterpriseName' },
          {
            title: t('amount'),
            dataIndex: 'requestedAmount',
            align: 'right',
            render: (value: string) => yuan(value),
          },
          { title: t('bank'), dataIndex: 'bankName' },
          {
            title: t('status'),
            dataIndex: 'status',
            render: (value: string) => <StatusTag status={value} />,
          },
          { title: t('officer'), key: 'officer', render: (_, row) => row.officer?.name ?? '—' },
          {
            title: t('deadline'),
            dataIndex: 'responseDueAt',
            render: (value: string, row) =>
              row.overdue ? (
                <Typography.Text type="danger" strong data-overdue="true">
                  {dateTime(value)} · {t('overdue')}
                </Typography.Text>
              ) : (
                dateTime(value)
              ),
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, row) => (
              <Space size="small" wrap>
                {allowed(row, me.role, me.id).map((action) => (
                  <WriteButton
                    key={action}
                    size="small"
                    danger={action === 'decline'}
                    onClick={() => setDialog({ action, match: row })}
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
      {dialog === null ? null : (
        <MatchDialog
          key={`${dialog.action}-${dialog.match.id}`}
          action={dialog.action}
          match={dialog.match}
          onClose={(changed) => {
            setDialog(null);
            if (changed) {
              void load();
            }
          }}
        />
      )}
    </Card>
  );
}

interface DialogValues {
  officerId?: string;
  approvedAmount?: string;
  annualRate?: string;
  termMonths?: number;
  amount?: string;
  disbursedOn?: dayjs.Dayjs;
  contractNo?: string;
  reasonCode?: string;
  reason?: string;
}

function MatchDialog({
  action,
  match,
  onClose,
}: {
  action: MatchAction;
  match: MatchResponseDto;
  onClose: (changed: boolean) => void;
}): ReactNode {
  const { t } = useT();
  const rules = useFormRules();
  const [form] = Form.useForm<DialogValues>();
  const { run, busy, problem } = useAction<void>(form);
  // One key per opening of the dialog: a double click or a retry after a lost answer is one act.
  const [idempotencyKey] = useState(newKey);
  const [officers, setOfficers] = useState<BankOfficerDto[]>([]);
  const [reasons, setReasons] = useState<DeclineReasonResponseDto[]>([]);
  useEffect(() => {
    if (action === 'assign') {
      void api('get', '/api/v1/banks/{id}/officers', { params: { id: match.bankId } }).then(
        (list) => setOfficers(list.items),
      );
    }
    if (action === 'decline') {
      void api('get', '/api/v1/decline-reasons').then((list) =>
        setReasons(list.filter((reason) => reason.active)),
      );
    }
  }, [action, match.bankId]);

  const submit = (values: DialogValues): void => {
    const params = { id: match.id };
    void run(async () => {
      switch (action) {
        case 'assign':
          await api('post', '/api/v1/matches/{id}/assign', {
            params,
            body: { officerId: values.officerId ?? '' },
          });
          break;
        case 'accept':
          await api('post', '/api/v1/matches/{id}/accept', { params });
          break;
        case 'approve':
          await api('post', '/api/v1/matches/{id}/approve', {
            params,
            idempotencyKey,
            body: {
              approvedAmount: values.approvedAmount ?? '',
              annualRate: values.annualRate ?? '',
              termMonths: values.termMonths ?? 0,
            },
          });
          break;
        case 'disburse':
          await api('post', '/api/v1/matches/{id}/disburse', {
            params,
            idempotencyKey,
            body: {
              amount: values.amount ?? '',
              disbursedOn: values.disbursedOn?.format('YYYY-MM-DD') ?? '',
              contractNo: values.contractNo ?? '',
            },
          });
          break;
        case 'decline':
          await api('post', '/api/v1/matches/{id}/decline', {
            params,
            body: { reasonCode: values.reasonCode ?? '', reason: values.reason ?? '' },
          });
          break;
      }
      onClose(true);
    });
  };

  const today = shanghaiToday();
  return (
    <Modal
      open
      title={`${t(action)} · ${match.enterpriseName} · ${yuan(match.requestedAmount)}`}
      okText={t('confirm')}
      cancelText={t('cancel')}
      okButtonProps={{ loading: busy, htmlType: 'submit', form: 'match-dialog' }}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form
        id="match-dialog"
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          approvedAmount: match.requestedAmount,
          termMonths: 12,
          amount: match.approvedAmount ?? undefined,
          disbursedOn: dayjs(today),
        }}
      >
        <ProblemAlert problem={problem} />
        {action === 'assign' ? (
          <Form.Item name="officerId" label={t('officer')} rules={[{ required: true }]}>
            <Select
              options={officers.map((officer) => ({
                value: officer.id,
                label: officer.displayName,
              }))}
            />
          </Form.Item>
        ) : null}
        {action === 'approve' ? (
          <>
            <Form.Item
              name="approvedAmount"
              label={t('approvedAmount')}
              rules={[{ required: true, ...rules.money }]}
            >
              <Input inputMode="decimal" />
            </Form.Item>
            <Form.Item
              name="annualRate"
              label={t('annualRate')}
              rules={[{ required: true, ...rules.rate }]}
            >
              <Input inputMode="decimal" placeholder="0.0385" />
            </Form.Item>
            <Form.Item name="termMonths" label={t('termMonths')} rules={[{ required: true }]}>
              <InputNumber min={1} max={360} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </>
        ) : null}
        {action === 'disburse' ? (
          <>
            <Form.Item
              name="amount"
              label={t('disbursedAmount')}
              rules={[{ required: true, ...rules.money }]}
            >
              <Input inputMode="decimal" />
            </Form.Item>
            <Form.Item name="disbursedOn" label={t('disbursedOn')} rules={[{ required: true }]}>
              <DatePicker
                style={{ width: '100%' }}
                disabledDate={(day) => day.format('YYYY-MM-DD') > today}
              />
            </Form.Item>
            <Form.Item
              name="contractNo"
              label={t('contractNo')}
              rules={[{ required: true, max: 100 }]}
            >
              <Input />
            </Form.Item>
          </>
        ) : null}
        {action === 'decline' ? (
          <>
            <Form.Item name="reasonCode" label={t('reasonCode')} rules={[{ required: true }]}>
              <Select
                options={reasons.map((reason) => ({ value: reason.code, label: reason.label }))}
              />
            </Form.Item>
            <Form.Item name="reason" label={t('reason')} rules={[{ required: true, max: 500 }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
          </>
        ) : null}
      </Form>
    </Modal>
  );
}
