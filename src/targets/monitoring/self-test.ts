/**
 * Proves each filter pattern against the sample CloudTrail records before it is written: it must
 * parse, fire on every record that names its item and on no other.
 */
import { compileFilterPattern } from './filter-pattern.js';
import { SAMPLE_EVENTS, type SampleEvent } from './sample-events.js';

export interface SelfTestResult {
  item: string;
  ok: boolean;
  /** Records it fired on / must fire on, by sample id. */
  matched: string[];
  /** What went wrong, one line each (empty when ok). */
  problems: string[];
}

export function selfTestPattern(
  item: string,
  pattern: string,
  samples: readonly SampleEvent[] = SAMPLE_EVENTS,
): SelfTestResult {
  let matches: (event: unknown) => boolean;
  try {
    matches = compileFilterPattern(pattern);
  } catch (err) {
    return {
      item,
      ok: false,
      matched: [],
      problems: [`does not parse: ${err instanceof Error ? err.message : String(err)}`],
    };
  }
  const problems: string[] = [];
  const matched: string[] = [];
  if (!samples.some((s) => s.fires.includes(item))) {
    problems.push('no sample record exercises it');
  }
  for (const sample of samples) {
    const should = sample.fires.includes(item);
    const did = matches(JSON.stringify(sample.record));
    if (did) matched.push(sample.id);
    if (should && !did) problems.push(`does not fire on ${sample.id}`);
    if (!should && did) problems.push(`fires on ${sample.id}, which it must not`);
  }
  return { item, ok: problems.length === 0, matched, problems };
}

/** Self-test of several patterns; `ok` only when every one passes. */
export function selfTestPatterns(items: ReadonlyArray<{ item: string; pattern: string }>): {
  ok: boolean;
  results: SelfTestResult[];
} {
  const results = items.map((f) => selfTestPattern(f.item, f.pattern));
  return { ok: results.every((r) => r.ok), results };
}

/** One line per failing pattern, for plan errors and apply failures. */
export function describeFailures(results: readonly SelfTestResult[]): string[] {
  return results
    .filter((r) => !r.ok)
    .map((r) => `metric filter ${r.item}: pattern self-test failed: ${r.problems.join('; ')}`);
}
