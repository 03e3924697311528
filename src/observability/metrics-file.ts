import fs from 'node:fs/promises';
import path from 'node:path';
import { JOB_TIMESTAMP_METRICS, type JobResult, type JobTimestamp } from './job-metric-names.js';

/** The text of the file being replaced, or "" when there is none (or it cannot be read). */
export async function readPreviousFile(target: string): Promise<string> {
  try {
    return await fs.readFile(path.resolve(target), 'utf8');
  } catch {
    return '';
  }
}

const TIMESTAMP_LINE = new RegExp(
  `^(${JOB_TIMESTAMP_METRICS.success}|${JOB_TIMESTAMP_METRICS.failure})\\{job="((?:[^"\\\\]|\\\\.)*)"\\} (\\S+)$`,
);

/**
 * The job timestamps of a metrics file this library wrote earlier. Only our
 * own two gauges in the exact form prom-client writes them are read; any
 * other line is ignored, so a foreign or damaged file costs nothing.
 */
export function readJobTimestamps(text: string): JobTimestamp[] {
  const found: JobTimestamp[] = [];
  for (const line of text.split('\n')) {
    const match = TIMESTAMP_LINE.exec(line);
    if (!match) continue;
    const seconds = Number(match[3]);
    if (!Number.isFinite(seconds)) continue;
    const result: JobResult = match[1] === JOB_TIMESTAMP_METRICS.success ? 'success' : 'failure';
    found.push({ result, job: unescapeLabel(match[2]!), seconds });
  }
  return found;
}

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
}
