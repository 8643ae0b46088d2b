/**
 * A store that announces its commits: the same store — every sub-store and member reached through
 * it — except that `transaction` calls `onCommit` once the transaction has committed (after a
 * rollback it does not). The composition root hands it to the services so that a write wakes the
 * webhook delivery worker at once instead of at its next idle poll.
 */
import type { Store } from './store.ts';

/** `store` with `onCommit` called after each committed outermost transaction (see the module comment). */
export function withCommitSignal<S extends Store>(store: S, onCommit: () => void): S {
  const signalled = Object.create(store) as S;
  const transaction = async <T>(fn: (tx: Store) => Promise<T>): Promise<T> => {
    const result = await store.transaction(fn);
    onCommit();
    return result;
  };
  Object.defineProperty(signalled, 'transaction', { value: transaction, enumerable: true });
  return signalled;
}
