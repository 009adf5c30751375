import { Button, Card, Space } from 'antd';
import { Fragment, useCallback, useEffect, useState, type ReactNode } from 'react';
import { useT } from '../i18n';
import { newKey } from './forms';

/** What a list loads, kept with the function that loads it again (after a change, on refresh). */
export function useLoaded<T>(fetch: () => Promise<T>, initial: T): [T, () => void] {
  const [value, setValue] = useState<T>(initial);
  const load = useCallback(() => {
    void fetch().then(setValue);
  }, [fetch]);
  useEffect(load, [load]);
  return [value, load];
}

export type CloseDialog = (changed: boolean) => void;

/**
 * One dialog at a time over a list: `open` mounts a fresh one (a new key, so a new
 * Idempotency-Key and empty fields), and closing it after a change reloads the list.
 */
export function useDialog(reload: () => void): {
  dialog: ReactNode;
  open: (render: (close: CloseDialog) => ReactNode) => void;
} {
  const [dialog, setDialog] = useState<ReactNode>(null);
  const close = useCallback<CloseDialog>(
    (changed) => {
      setDialog(null);
      if (changed) {
        reload();
      }
    },
    [reload],
  );
  const open = useCallback(
    (render: (close: CloseDialog) => ReactNode) =>
      setDialog(<Fragment key={newKey()}>{render(close)}</Fragment>),
    [close],
  );
  return { dialog, open };
}

/** A list's card: its title, a refresh button, then the write actions the role has. */
export function ListCard({
  title,
  onRefresh,
  actions,
  children,
  section,
}: {
  title: ReactNode;
  onRefresh?: () => void;
  actions?: ReactNode;
  children: ReactNode;
  /** `data-section`, for finding the card on a long page. */
  section?: string;
}): ReactNode {
  const { t } = useT();
  return (
    <Card
      title={title}
      data-section={section}
      extra={
        <Space>
          {onRefresh === undefined ? null : <Button onClick={onRefresh}>{t('refresh')}</Button>}
          {actions}
        </Space>
      }
    >
      {children}
    </Card>
  );
}

/** The cards of one page, stacked. */
export function PageStack({ children }: { children: ReactNode }): ReactNode {
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      {children}
    </Space>
  );
}
