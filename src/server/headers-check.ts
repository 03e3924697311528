/**
 * How often Node should check `headersTimeout`: it does so only every
 * `connectionsCheckingInterval` (30 s by default), so a request whose
 * headers never end would hold its connection up to 30 s past its timeout.
 */
export function headersCheckInterval(headersTimeoutMs: number): number {
  return Math.max(50, Math.min(1_000, Math.floor(headersTimeoutMs / 4)));
}
