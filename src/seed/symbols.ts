import type { Prng } from './prng.js';

/** A generated instrument: where it trades and the price (in quote units) its walk starts from. */
export interface SeedSymbol {
  symbol: string;
  exchange: string;
  startPrice: number;
}

const KNOWN: readonly [string, number][] = [
  ['BTC-USD', 64_000],
  ['ETH-USD', 3_200],
  ['SOL-USD', 150],
  ['XRP-USD', 0.6],
  ['ADA-USD', 0.45],
  ['DOGE-USD', 0.12],
  ['AVAX-USD', 35],
  ['DOT-USD', 7],
  ['LINK-USD', 15],
  ['LTC-USD', 85],
];
const EXCHANGES = ['COINBASE', 'KRAKEN'] as const;

/** The first `count` symbols: well-known pairs first, then SYM<n>-USD at random prices. */
export function seedSymbols(count: number, prng: Prng): SeedSymbol[] {
  return Array.from({ length: count }, (_, index) => {
    const known = KNOWN[index];
    return {
      symbol: known ? known[0] : `SYM${index + 1}-USD`,
      exchange: EXCHANGES[index % EXCHANGES.length]!,
      startPrice: known ? known[1] : prng.int(5, 500),
    };
  });
}
