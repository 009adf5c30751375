import { Button, Card, Divider, Form, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import type { Rule } from 'antd/es/form';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { ProductResponseDto, RegionResponseDto } from '../api/schema';
import {
  actionColumn,
  FormDialog,
  ProblemAlert,
  useAction,
  WriteButton,
} from '../components/forms';
import { BankPicker } from '../components/pickers';
import { moneyRules, notBelow, RATE } from '../components/rules';
import { yuan } from '../format';
import { useT, type MessageKey } from '../i18n';
import { INDUSTRIES, SCALES } from '../reference';
import { canWrite, useSession } from '../session';

const CATEGORIES = ['credit', 'mortgage', 'pledge', 'guarantee', 'supply_chain'] as const;
const TENORS = ['1y', '5y'] as const;
/** The API's rules (products.dto.ts). */
const GUARANTEE_TYPES = ['credit', 'mortgage', 'pledge', 'guarantee'] as const;
/** The tags DESIGN.md names (首贷, 续贷, 信用贷, 专精特新贷); a bank may add its own slugs. */
const COMMON_TAGS: Record<string, MessageKey> = {
  first_loan: 'tagFirstLoan',
  renewal: 'tagRenewal',
  credit_loan: 'tagCreditLoan',
  specialized: 'tagSpecialized',
};
const TAG = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_TERM_MONTHS = 600;
const MAX_SPREAD_BP = 1000;
const MAX_TAGS = 20;
const MAX_REGIONS = 50;

type Category = (typeof CATEGORIES)[number];
type Tenor = (typeof TENORS)[number];

interface ProductValues {
  bankId?: string;
  eligibleRegions: string[];
  eligibleIndustries: (typeof INDUSTRIES)[number][];
  eligibleScales: (typeof SCALES)[number][];
  guaranteeTypes: (typeof GUARANTEE_TYPES)[number][];
  tags: string[];
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
  // Bank staff create their own bank's products; the center creates one for a bank it picks.
  const creates = me.role === 'admin' || me.bankId !== null;
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
            title: t('pTags'),
            dataIndex: 'tags',
            render: (tags: string[]) =>
              tags.map((tag) => (
                <Tag key={tag}>{COMMON_TAGS[tag] ? t(COMMON_TAGS[tag]) : tag}</Tag>
              )),
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
  const { me } = useSession();
  const [form] = Form.useForm<ProductValues>();
  const { run, busy, problem } = useAction<void>(form);
  const [regions, setRegions] = useState<RegionResponseDto[]>([]);
  useEffect(() => {
    void api('get', '/api/v1/regions').then(setRegions);
  }, []);
  const rateKind = Form.useWatch(['rate', 'rateKind'], form) ?? product?.rate.rateKind ?? 'fixed';
  // Only the center names the bank, and only of a new product (a product never changes bank).
  const picksBank = product === null && me.role === 'admin';
  const submit = (values: ProductValues): void => {
    const { bankId, ...fields } = values;
    const body = { ...fields, rate: rateBody(values.rate) };
    void run(async () => {
      if (product === null) {
        await api('post', '/api/v1/products', {
          body: { ...body, ...(picksBank ? { bankId } : {}) },
        });
      } else {
        await api('patch', '/api/v1/products/{id}', { params: { id: product.id }, body });
      }
      onClose(true);
    });
  };
  const required: Rule = { required: true, message: t('gRequired') };
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
          ? {
              category: 'credit',
              rate: { rateKind: 'fixed' },
              eligibleRegions: [],
              eligibleIndustries: [],
              eligibleScales: [],
              guaranteeTypes: [],
              tags: [],
            }
          : {
              eligibleRegions: product.eligibleRegions,
              eligibleIndustries: product.eligibleIndustries,
              eligibleScales: product.eligibleScales,
              guaranteeTypes: product.guaranteeTypes,
              tags: product.tags,
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
      {picksBank ? (
        <Form.Item name="bankId" label={t('pBank')} rules={[required]}>
          <BankPicker placeholder={t('gSearchBank')} />
        </Form.Item>
      ) : null}
      <Form.Item
        name="name"
        label={t('productName')}
        rules={[
          { ...required, whitespace: true },
          { max: 100, message: t('gTooLong') },
        ]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="category" label={t('productCategory')} rules={[required]}>
        <Select options={CATEGORIES.map((value) => ({ value, label: label(value) }))} />
      </Form.Item>
      <>
        <Form.Item name="minAmount" label={t('minAmount')} rules={moneyRules(t)}>
          <Input inputMode="decimal" />
        </Form.Item>
        <Form.Item
          name="maxAmount"
          label={t('maxAmount')}
          dependencies={['minAmount']}
          rules={[...moneyRules(t), notBelow(t, form, ['minAmount'], 'money')]}
        >
          <Input inputMode="decimal" />
        </Form.Item>
      </>
      <>
        <Form.Item
          name="minTermMonths"
          label={t('minTermMonths')}
          rules={[
            required,
            { type: 'integer', min: 1, max: MAX_TERM_MONTHS, message: t('pBadTerm') },
          ]}
        >
          <InputNumber min={1} max={MAX_TERM_MONTHS} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="maxTermMonths"
          label={t('maxTermMonths')}
          dependencies={['minTermMonths']}
          rules={[
            required,
            { type: 'integer', min: 1, max: MAX_TERM_MONTHS, message: t('pBadTerm') },
            notBelow(t, form, ['minTermMonths'], 'number'),
          ]}
        >
          <InputNumber min={1} max={MAX_TERM_MONTHS} precision={0} style={{ width: '100%' }} />
        </Form.Item>
      </>
      <Form.Item name={['rate', 'rateKind']} label={t('rateKind')} rules={[required]}>
        <Select
          options={(['fixed', 'lpr'] as const).map((value) => ({ value, label: label(value) }))}
        />
      </Form.Item>
      {rateKind === 'fixed' ? (
        <>
          <Form.Item
            name={['rate', 'minAnnualRate']}
            label={t('minAnnualRate')}
            rules={[required, { pattern: RATE, message: t('pBadRate') }]}
          >
            <Input inputMode="decimal" placeholder="0.0385" />
          </Form.Item>
          <Form.Item
            name={['rate', 'maxAnnualRate']}
            label={t('maxAnnualRate')}
            dependencies={[['rate', 'minAnnualRate']]}
            rules={[
              required,
              { pattern: RATE, message: t('pBadRate') },
              notBelow(t, form, ['rate', 'minAnnualRate'], 'rate'),
            ]}
          >
            <Input inputMode="decimal" placeholder="0.06" />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item name={['rate', 'lprTenor']} label={t('lprTenor')} rules={[required]}>
            <Select options={TENORS.map((value) => ({ value, label: label(value) }))} />
          </Form.Item>
          <>
            <Form.Item
              name={['rate', 'minSpreadBp']}
              label={t('minSpreadBp')}
              rules={[
                required,
                {
                  type: 'integer',
                  min: -MAX_SPREAD_BP,
                  max: MAX_SPREAD_BP,
                  message: t('pBadSpread'),
                },
              ]}
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
              dependencies={[['rate', 'minSpreadBp']]}
              rules={[
                required,
                {
                  type: 'integer',
                  min: -MAX_SPREAD_BP,
                  max: MAX_SPREAD_BP,
                  message: t('pBadSpread'),
                },
                notBelow(t, form, ['rate', 'minSpreadBp'], 'number'),
              ]}
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
      <Divider titlePlacement="start">{t('pEligibility')}</Divider>
      <Form.Item
        name="eligibleRegions"
        label={t('pRegions')}
        rules={[{ type: 'array', max: MAX_REGIONS, message: t('pTooManyRegions') }]}
      >
        <Select
          mode="multiple"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          options={regions.map((region) => ({
            value: region.code,
            label: `${region.name}（${region.code}）`,
          }))}
        />
      </Form.Item>
      <Form.Item name="eligibleIndustries" label={t('pIndustries')}>
        <Select
          mode="multiple"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          options={INDUSTRIES.map((value) => ({ value, label: label(value) }))}
        />
      </Form.Item>
      <Form.Item name="eligibleScales" label={t('pScales')}>
        <Select
          mode="multiple"
          allowClear
          options={SCALES.map((value) => ({ value, label: label(value) }))}
        />
      </Form.Item>
      <Form.Item name="guaranteeTypes" label={t('pGuaranteeTypes')}>
        <Select
          mode="multiple"
          allowClear
          options={GUARANTEE_TYPES.map((value) => ({ value, label: label(value) }))}
        />
      </Form.Item>
      <Form.Item
        name="tags"
        label={t('pTags')}
        extra={t('pTagsHint')}
        rules={[
          { type: 'array', max: MAX_TAGS, message: t('pTooManyTags') },
          {
            validator: (_, tags: string[] | undefined) =>
              (tags ?? []).some((tag) => !TAG.test(tag))
                ? Promise.reject(new Error(t('pBadTag')))
                : Promise.resolve(),
          },
        ]}
      >
        <Select
          mode="tags"
          allowClear
          tokenSeparators={[',', ' ']}
          options={Object.entries(COMMON_TAGS).map(([value, key]) => ({
            value,
            label: `${t(key)}（${value}）`,
          }))}
        />
      </Form.Item>
    </FormDialog>
  );
}
