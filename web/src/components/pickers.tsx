import { Select, type SelectProps } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';

interface Option {
  value: string;
  label: string;
}

/**
 * A select whose options come from the API as the user types (`q`), so a city's thousands of
 * enterprises or its banks are all reachable, not only the first page of them.
 */
function RemotePicker({
  search,
  ...props
}: Omit<SelectProps<string>, 'options' | 'onSearch' | 'showSearch' | 'filterOption'> & {
  search: (q: string) => Promise<Option[]>;
}): ReactNode {
  const [options, setOptions] = useState<Option[]>([]);
  const [loading, setLoading] = useState(false);
  // Answers can arrive out of order; only the newest query's may land.
  const latest = useRef(0);
  const find = (q: string): void => {
    const ticket = ++latest.current;
    setLoading(true);
    void search(q)
      .then((found) => {
        if (ticket === latest.current) {
          setOptions(found);
        }
      })
      .finally(() => {
        if (ticket === latest.current) {
          setLoading(false);
        }
      });
  };
  // Once on mount; later queries come from typing.
  useEffect(() => find(''), []);
  // The chosen option stays listed after a new search, so its name (not its id) stays shown.
  const [chosen, setChosen] = useState<Option[]>([]);
  const shown = [
    ...chosen.filter((option) => !options.some((found) => found.value === option.value)),
    ...options,
  ];
  return (
    <Select<string>
      {...props}
      showSearch={{ filterOption: false, onSearch: find }}
      loading={loading}
      options={shown}
      onChange={(value, option) => {
        setChosen(shown.filter((item) => item.value === value));
        props.onChange?.(value, option);
      }}
    />
  );
}

type PickerProps = Omit<
  SelectProps<string>,
  'options' | 'onSearch' | 'showSearch' | 'filterOption'
>;

/** Banks by name. */
export function BankPicker(props: PickerProps): ReactNode {
  return (
    <RemotePicker
      {...props}
      search={async (q) =>
        (
          await api('get', '/api/v1/banks', { query: { limit: 50, ...(q ? { q } : {}) } })
        ).items.map((bank) => ({ value: bank.id, label: bank.name }))
      }
    />
  );
}

/** Enterprises the caller may see, by name or credit code. */
export function EnterprisePicker(props: PickerProps): ReactNode {
  return (
    <RemotePicker
      {...props}
      search={async (q) =>
        (
          await api('get', '/api/v1/enterprises', { query: { limit: 50, ...(q ? { q } : {}) } })
        ).items.map((enterprise) => ({
          value: enterprise.id,
          label: `${enterprise.name} · ${enterprise.creditCode}`,
        }))
      }
    />
  );
}
