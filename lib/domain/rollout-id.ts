import { randomUUID } from 'node:crypto';

/** `r-20260302T091500-1a2b3c4d`: sortable by time, unique by its random tail. */
export function newRolloutId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `r-${stamp}-${randomUUID().slice(0, 8)}`;
}
