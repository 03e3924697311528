import { UsageError } from '../errors.js';

/**
 * Reads a route's arguments from what a caller sent, one named member at a
 * time, and refuses anything else: a wrong type, a value out of range, a
 * member the route does not know. A caller of the admin endpoint may send
 * anything; what a route runs with is only what it read here.
 */
export class ArgReader {
  private readonly members: Record<string, unknown>;
  private readonly read = new Set<string>();

  constructor(
    readonly route: string,
    args: unknown,
  ) {
    if (args === undefined || args === null) {
      this.members = {};
    } else if (typeof args === 'object' && !Array.isArray(args) && !(args instanceof Date)) {
      this.members = args as Record<string, unknown>;
    } else {
      throw this.error('the arguments must be an object');
    }
  }

  string(name: string): string | undefined {
    return this.take(name, 'a string', (value) => typeof value === 'string');
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw this.error(`\`${name}\` is required`);
    return value;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    return this.take(name, `one of ${values.join(', ')}`, (value) => values.includes(value as T));
  }

  boolean(name: string): boolean | undefined {
    return this.take(name, 'true or false', (value) => typeof value === 'boolean');
  }

  integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    return this.take(
      name,
      `an integer from ${min} to ${max}`,
      (value) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max,
    );
  }

  date(name: string): Date | undefined {
    return this.take(name, 'a time', (value) => value instanceof Date && !Number.isNaN(value.getTime()));
  }

  strings(name: string): string[] | undefined {
    return this.take(
      name,
      'a list of strings',
      (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'),
    );
  }

  /** A list of objects, each read by `each` with its own reader. */
  objects<T>(name: string, each: (item: ArgReader) => T): T[] | undefined {
    const list = this.take<unknown[]>(name, 'a list of objects', Array.isArray);
    return list?.map((item, index) => {
      const reader = new ArgReader(`${this.route} ${name}[${index}]`, item);
      const value = each(reader);
      reader.done();
      return value;
    });
  }

  /** Call last: a member nobody read is refused, so a typo or an injected option is not ignored. */
  done(): void {
    const unknown = Object.keys(this.members).filter(
      (key) => !this.read.has(key) && this.members[key] !== undefined,
    );
    if (unknown.length > 0)
      throw this.error(`unknown argument${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  }

  private take<T>(name: string, expected: string, valid: (value: unknown) => boolean): T | undefined {
    this.read.add(name);
    const value = this.members[name];
    if (value === undefined || value === null) return undefined;
    if (!valid(value)) throw this.error(`\`${name}\` must be ${expected}`);
    return value as T;
  }

  private error(message: string): UsageError {
    return new UsageError(`${this.route}: ${message}`);
  }
}
