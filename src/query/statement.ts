import type { BindValue } from '../pool/values.js';

/** SQL text with `$n` placeholders and the values bound to them. */
export interface Statement {
  sql: string;
  params: BindValue[];
}

/** Collects bound values while SQL is assembled; `add` returns the placeholder. */
export class ParamList {
  readonly values: BindValue[];

  constructor(initial: readonly BindValue[] = []) {
    this.values = [...initial];
  }

  add(value: BindValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
