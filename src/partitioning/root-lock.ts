/**
 * One job per cold root at a time in this process (another process cannot
 * open the database for writing at all): a second call waits its turn, so
 * it never removes the first one's staging folder as a leftover.
 */
const rootLocks = new Map<string, Promise<void>>();

export async function withRootLock<T>(root: string, work: () => Promise<T>): Promise<T> {
  const previous = rootLocks.get(root) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => mine);
  rootLocks.set(root, tail);
  await previous;
  try {
    return await work();
  } finally {
    release();
    if (rootLocks.get(root) === tail) rootLocks.delete(root);
  }
}
