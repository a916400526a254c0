/**
 * Replaces every secret seen so far in a text, in one pass over the text whatever the number of
 * secrets: the secrets are kept in one set per length, and each position of the text is looked up
 * once per distinct length (longest first). Generated passwords all have the same length, so an
 * apply that creates 10,000 console users still makes one lookup per character of each log line,
 * where splitting the text once per secret made it 10,000.
 */
export interface Scrubber {
  /** Remembers a secret (empty strings are ignored). */
  mask(secret: string): void;
  /** The text with every remembered secret replaced by `***`. */
  clean(text: string): string;
}

export const SCRUBBED = '***';

/** `onStep` is called once per set lookup, so tests can count the work instead of timing it. */
export function createScrubber(onStep: () => void = () => {}): Scrubber {
  const byLength = new Map<number, Set<string>>();
  /** Distinct secret lengths, longest first; rebuilt only when a new length appears. */
  let lengths: number[] = [];
  return {
    mask(secret) {
      if (!secret) return;
      let set = byLength.get(secret.length);
      if (!set) {
        set = new Set();
        byLength.set(secret.length, set);
        lengths = [...byLength.keys()].sort((a, b) => b - a);
      }
      set.add(secret);
    },
    clean(text) {
      if (lengths.length === 0 || text.length < lengths[lengths.length - 1]!) return text;
      let out = '';
      let copied = 0;
      let i = 0;
      while (i < text.length) {
        let matched = 0;
        for (const len of lengths) {
          if (i + len > text.length) continue;
          onStep();
          if (byLength.get(len)!.has(text.slice(i, i + len))) {
            matched = len;
            break;
          }
        }
        if (matched > 0) {
          out += text.slice(copied, i) + SCRUBBED;
          i += matched;
          copied = i;
        } else {
          i++;
        }
      }
      return copied === 0 ? text : out + text.slice(copied);
    },
  };
}
