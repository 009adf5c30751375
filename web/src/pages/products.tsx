import { Button, Card, Form, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { ProductResponseDto } from '../api/schema';
import {
  actionColumn,
  FormDialog,
  ProblemAlert,
  useAction,
  WriteButton,
} from '../components/forms';
import { yuan } from '../format';
import { useT } from '../i18n';
import { canWrite, useSession } from '../session';

const CATEGORIES = ['credit', 'mortgage', 'pledge', 'guarantee', 'supply_chain'] as const;
const TENORS = ['1y', '5y'] as const;
/** The API's rules (products.dto.ts): money in yuan, a rate in (0, 1) with ≤ 6 decimals. */
const MONEY = /^\d{1,13}(\.\d{1,2})?$/;
const RATE = /^0\.(?=\d*[1-9])\d{1,6}$/;
const MAX_TERM_MONTHS = 600;
const MAX_SPREAD_BP = 1000;

type Category = (typeof CATEGORIES)[number];
type Tenor = (typeof TENORS)[number];

interface ProductValues {
  name: string;
  category: Category;
  minAmount: string;
  maxAmount: string;
  minTermMonths: number;
  maxTermMonths: number;
  rate: {
    rateKind: 'fixed' | 'lpr';
    minAnnualRate?: string;
    maxAnnualRate?: string;
    lprTenor?: Tenor;
    minSpreadBp?: number;
    maxSpreadBp?: number;
  };
}

function rateRange(product: ProductResponseDto): string {
  const { minAnnualRate, maxAnnualRate } = product.effectiveRate;
  const percent = (rate: string | null): string =>
    rate === null ? '—' : `${(Number(rate) * 100).toFixed(2)}%`;
  return `${percent(minAnnualRate)} ~ ${percent(maxAnnualRate)}`;
}

/** Only the members of the chosen rate kind: the API refuses the other kind's. */
function rateBody(rate: ProductValues['rate']): ProductValues['rate'] {
  return rate.rateKind === 'fixed'
    ? { rateKind: 'fixed', minAnnualRate: rate.minAnnualRate, maxAnnualRate: rate.maxAnnualRate }
    : {
        rateKind: 'lpr',
        lprTenor: rate.lprTenor,
        minSpreadBp: rate.minSpreadBp,
        maxSpreadBp: rate.maxSpreadBp,
      };
}

/**
 * Loan products: bank staff see and edit their own bank's (withdrawn ones too), the center every
 * bank's; auditors read only.
 */
export function ProductsPage(): ReactNode {
  const { t, label } = useT();
  const { me } = useSession();
  const [items, setItems] = useState<ProductResponseDto[]>([]);
  const [loading, setLoading] = useState(true);
  const [editing, setEditing] = useState<ProductResponseDto | 'new' | null>(null);
  const { run, busy, problem } = useAction<void>();
  const reload = useCallback(() => {
    setLoading(true);
    const query = { limit: 100, ...(me.bankId === null ? {} : { bankId: me.bankId }) };
    void Promise.all([
      api('get', '/api/v1/products', { query }),
      api('get', '/api/v1/products', { query: { ...query, active: false } }),
    ])
      .then(([onSale, withdrawn]) => setItems([...onSale.items, ...withdrawn.items]))
      .finally(() => setLoading(false));
  }, [me.bankId]);
  useEffect(reload, [reload]);
  const setActive = (product: ProductResponseDto, active: boolean): void => {
    void run(async () => {
      await api('patch', '/api/v1/products/{id}', { params: { id: product.id }, body: { active } });
      reload();
    });
  };
  // An administrator's new product needs a bank chosen; the center edits, banks create their own.
  const creates = me.bankId !== null;
  return (
    <Card
      title={t('products')}
      extra={
        <Space>
          <Button onClick={reload}>{t('refresh')}</Button>
          {creates ? (
            <WriteButton type="primary" onClick={() => setEditing('new')}>
              {t('newProduct')}
            </WriteButton>
          ) : null}
        </Space>
      }
    >
      <ProblemAlert problem={problem} />
      <Table<ProductResponseDto>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        columns={actionColumn(canWrite(me.role), [
          { title: t('bank'), dataIndex: 'bankName' },
          { title: t('productName'), dataIndex: 'name' },
          {
            title: t('productCategory'),
            dataIndex: 'category',
            render: (value: string) => label(value),
          },
          {
            title: t('amount'),
            key: 'amount',
            align: 'right',
            render: (_, row) => `${yuan(row.minAmount)} ~ ${yuan(row.maxAmount)}`,
          },
          {
            title: t('termMonths'),
            key: 'term',
            align: 'right',
            render: (_, row) => `${row.minTermMonths} ~ ${row.maxTermMonths}`,
          },
          {
            title: t('annualRateRange'),
            key: 'rate',
            align: 'right',
            render: (_, row) => rateRange(row),
          },
          {
            title: t('status'),
            dataIndex: 'active',
            render: (active: boolean) =>
              active ? <Tag color="green">{t('onSale')}</Tag> : <Tag>{t('offSale')}</Tag>,
          },
          {
            title: '',
            key: 'actions',
            render: (_, row) => (
              <Space>
                <WriteButton
                  size="small"
                  aria-label={`${t('edit')} ${row.name}`}
                  onClick={() => setEditing(row)}
                >
                  {t('edit')}
                </WriteButton>
                <WriteButton
                  size="small"
                  disabled={busy}
                  aria-label={`${row.active ? t('withdrawProduct') : t('relaunchProduct')} ${row.name}`}
                  onClick={() => setActive(row, !row.active)}
                >
                  {row.active ? t('withdrawProduct') : t('relaunchProduct')}
                </WriteButton>
              </Space>
            ),
          },
        ])}
      />
      {editing === null ? null : (
        <ProductDialog
          product={editing === 'new' ? null : editing}
          onClose={(changed) => {
            setEditing(null);
            if (changed) {
              reload();
            }
          }}
        />
      )}
    </Card>
  );
}

function ProductDialog({
  product,
  onClose,
}: {
  product: ProductResponseDto | null;
  onClose: (changed: boolean) => void;
}): ReactNode {
  const { t, label } = useT();
  const [form] = Form.useForm<ProductValues>();
  const { run, busy, problem } = useAction<void>(form);
  const rateKind = Form.useWatch(['rate', 'rateKind'], form) ?? product?.rate.rateKind ?? 'fixed';
  const submit = (values: ProductValues): void => {
    const body = { ...values, rate: rateBody(values.rate) };
    void run(async () => {
      if (product === null) {
        await api('post', '/api/v1/products', { body });
      } else {
        await api('patch', '/api/v1/products/{id}', { params: { id: product.id }, body });
      }
      onClose(true);
    });
  };
  const rate = product?.rate;
  // Cross-field rules (maximum ≥ minimum) are the API's: its answer lands under the field.
  return (
    <FormDialog<ProductValues>
      id="product-dialog"
      title={product === null ? t('newProduct') : `${t('editProduct')} · ${product.name}`}
      form={form}
      busy={busy}
      problem={problem}
      onFinish={submit}
      onClose={onClose}
      initialValues={
        product === null
          ? { category: 'credit', rate: { rateKind: 'fixed' } }
          : {
              name: product.name,
              category: product.category,
              minAmount: product.minAmount,
              maxAmount: product.maxAmount,
              minTermMonths: product.minTermMonths,
              maxTermMonths: product.maxTermMonths,
              rate: {
                rateKind: rate?.rateKind ?? 'fixed',
                minAnnualRate: rate?.minAnnualRate ?? undefined,
                maxAnnualRate: rate?.maxAnnualRate ?? undefined,
                lprTenor: rate?.lprTenor ?? undefined,
                minSpreadBp: rate?.minSpreadBp ?? undefined,
                maxSpreadBp: rate?.maxSpreadBp ?? undefined,
              },
            }
      }
    >
      <Form.Item name="name" label={t('productName')} rules={[{ required: true, max: 100 }]}>
        <Input />
      </Form.Item>
      <Form.Item name="category" label={t('productCategory')} rules={[{ required: true }]}>
        <Select options={CATEGORIES.map((value) => ({ value, label: label(value) }))} />
      </Form.Item>
      <>
        <Form.Item
          name="minAmount"
          label={t('minAmount')}
          rules={[{ required: true, pattern: MONEY }]}
        >
          <Input inputMode="decimal" />
        </Form.Item>
        <Form.Item
          name="maxAmount"
          label={t('maxAmount')}
          rules={[{ required: true, pattern: MONEY }]}
        >
          <Input inputMode="decimal" />
        </Form.Item>
      </>
      <>
        <Form.Item name="minTermMonths" label={t('minTermMonths')} rules={[{ required: true }]}>
          <InputNumber min={1} max={MAX_TERM_MONTHS} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="maxTermMonths" label={t('maxTermMonths')} rules={[{ required: true }]}>
          <InputNumber min={1} max={MAX_TERM_MONTHS} precision={0} style={{ width: '100%' }} />
        </Form.Item>
      </>
      <Form.Item name={['rate', 'rateKind']} label={t('rateKind')} rules={[{ required: true }]}>
        <Select
          options={(['fixed', 'lpr'] as const).map((value) => ({ value, label: label(value) }))}
        />
      </Form.Item>
      {rateKind === 'fixed' ? (
        <>
          <Form.Item
            name={['rate', 'minAnnualRate']}
            label={t('minAnnualRate')}
            rules={[{ required: true, pattern: RATE }]}
          >
            <Input inputMode="decimal" placeholder="0.0385" />
          </Form.Item>
          <Form.Item
            name={['rate', 'maxAnnualRate']}
            label={t('maxAnnualRate')}
            rules={[{ required: true, pattern: RATE }]}
          >
            <Input inputMode="decimal" placeholder="0.06" />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item name={['rate', 'lprTenor']} label={t('lprTenor')} rules={[{ required: true }]}>
            <Select options={TENORS.map((value) => ({ value, label: label(value) }))} />
          </Form.Item>
          <>
            <Form.Item
              name={['rate', 'minSpreadBp']}
              label={t('minSpreadBp')}
              rules={[{ required: true }]}
            >
              <InputNumber
                min={-MAX_SPREAD_BP}
                max={MAX_SPREAD_BP}
                precision={0}
                style={{ width: '100%' }}
              />
            </Form.Item>
            <Form.Item
              name={['rate', 'maxSpreadBp']}
              label={t('maxSpreadBp')}
              rules={[{ required: true }]}
            >
              <InputNumber
                min={-MAX_SPREAD_BP}
                max={MAX_SPREAD_BP}
                precision={0}
                style={{ width: '100%' }}
              />
            </Form.Item>
          </>
        </>
      )}
    </FormDialog>
  );
}
