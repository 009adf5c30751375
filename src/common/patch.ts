/**
 * PATCH semantics in one place: a copy of `current` with every listed field that the request
 * carries (present and not `undefined`) replaced, and the names of the fields whose value
 * actually changed — so a PATCH that changes nothing can write nothing and audit nothing.
 * Arrays compare by content; everything else by identity.
 */
export function applyPatch<T extends object, K extends keyof T & string>(
  current: T,
  patch: { readonly [P in K]?: T[P] },
  fields: readonly K[],
): { next: T; changed: K[] } {
  const next = { ...current };
  const changed: K[] = [];
  for (const field of fields) {
    const value = patch[field];
    if (value === undefined) {
      continue;
    }
    if (!sameValue(current[field], value)) {
      changed.push(field);
    }
    next[field] = value;
  }
  return { next, changed };
}

function sameValue(left: unknown, right: unknown): boolean {
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => item === right[index]);
  }
  return left === right;
}
