/** What every repository may be given besides the pool. */
export interface RepositoryOptions {
  /** The clock for default timestamps and relative times; tests pin it. */
  now?: () => Date;
}
