import { Alert, Button, Form, Modal, type ButtonProps, type FormInstance } from 'antd';
import {
  useCallback,
  useContext,
  useRef,
  useState,
  type HTMLAttributes,
  type ReactNode,
} from 'react';
import { ApiError } from '../api/client';
import type { ProblemDto } from '../api/schema';
import { LanguageContext, useT } from '../i18n';
import { fieldMessage, problemText } from '../problems';
import { canWrite, useSession } from '../session';

/**
 * Runs one API action from a form or button: a second click while the first is in flight does
 * nothing, and a problem+json answer puts each `errors[]` entry next to the field it names
 * (`maturingLoan.amount` → the nested field) and the rest in an alert, in the console's
 * language where the API's message is a known one.
 */
export function useAction<T>(form?: FormInstance): {
  run: (action: () => Promise<T>) => Promise<T | undefined>;
  busy: boolean;
  problem: ProblemDto | null;
  clear: () => void;
} {
  const language = useContext(LanguageContext);
  const inFlight = useRef(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ProblemDto | null>(null);
  const run = useCallback(
    async (action: () => Promise<T>): Promise<T | undefined> => {
      if (inFlight.current) {
        return undefined;
      }
      inFlight.current = true;
      setBusy(true);
      setProblem(null);
      try {
        return await action();
      } catch (error) {
        if (!(error instanceof ApiError)) {
          throw error;
        }
        // An expired session is the sign-in dialog's business; the form keeps no alert for it.
        if (error.problem.code === 'UNAUTHENTICATED') {
          return undefined;
        }
        setProblem(error.problem);
        if (form !== undefined && error.problem.errors !== undefined) {
          form.setFields(
            error.problem.errors.map((fieldError) => ({
              name: fieldError.field
                .split('.')
                .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
              errors: [fieldMessage(fieldError.message, language)],
            })),
          );
        }
        return undefined;
      } finally {
        inFlight.current = false;
        setBusy(false);
      }
    },
    [form, language],
  );
  return { run, busy, problem, clear: () => setProblem(null) };
}

export function ProblemAlert({ problem }: { problem: ProblemDto | null }): ReactNode {
  const { language } = useT();
  if (problem === null) {
    return null;
  }
  const { title, description } = problemText(problem, language);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title={title}
      description={description}
    />
  );
}

/** A button that changes something: never rendered for a read-only (auditor) session. */
export function WriteButton(props: ButtonProps): ReactNode {
  const { me } = useSession();
  if (!canWrite(me.role)) {
    return null;
  }
  return <Button data-write="true" {...props} />;
}

/** A fresh Idempotency-Key per dialog opening: retries of one dialog share it. */
export function newKey(): string {
  return crypto.randomUUID();
}

/**
 * Props for a table row that opens something: clickable, and reachable with Tab and opened
 * with Enter or Space, so the console works from the keyboard.
 */
export function openableRow(open: () => void): HTMLAttributes<HTMLElement> {
  return {
    onClick: open,
    tabIndex: 0,
    style: { cursor: 'pointer' },
    onKeyDown: (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        open();
      }
    },
  };
}

/**
 * A dialog around one form (submitted by its OK button, which is busy while the action is in
 * flight); with `useAction(form)` the API's problem+json errors land under the fields they name.
 */
export function FormDialog<V extends object>({
  id,
  title,
  form,
  busy,
  problem,
  onFinish,
  onClose,
  initialValues,
  children,
}: {
  id: string;
  title: string;
  form: FormInstance<V>;
  busy: boolean;
  problem: ProblemDto | null;
  onFinish: (values: V) => void;
  onClose: (changed: boolean) => void;
  initialValues?: Partial<V>;
  children: ReactNode;
}): ReactNode {
  const { t } = useT();
  return (
    <Modal
      open
      title={title}
      okText={t('confirm')}
      cancelText={t('cancel')}
      okButtonProps={{ loading: busy, htmlType: 'submit', form: id }}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form<V>
        id={id}
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={initialValues}
      >
        <ProblemAlert problem={problem} />
        {children}
      </Form>
    </Modal>
  );
}

/** Without a write control to show, a table drops its empty actions column. */
export function actionColumn<C extends { key?: unknown }>(show: boolean, columns: C[]): C[] {
  return show ? columns : columns.filter((column) => column.key !== 'actions');
}

/** As the API checks them: `IsMoney` (yuan, two decimals) and an annual rate in (0, 1). */
export const MONEY_PATTERN = /^\d{1,13}(\.\d{1,2})?$/;
export const ANNUAL_RATE_PATTERN = /^0\.\d{1,6}$/;

/**
 * Pattern rules with a message in the console's language: without one, antd shows the raw
 * regular expression to the user.
 */
export function useFormRules(): {
  money: { pattern: RegExp; message: string };
  rate: { pattern: RegExp; message: string };
} {
  const { t } = useT();
  return {
    money: { pattern: MONEY_PATTERN, message: t('badMoney') },
    rate: { pattern: ANNUAL_RATE_PATTERN, message: t('badRate') },
  };
}
