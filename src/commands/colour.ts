/**
 * Colours on a terminal. They are added after neutralize() (src/safe-text.ts) has stripped every
 * control character, escape included, from the text: the only escape sequences that reach the
 * terminal are the fixed ones below, around words the tool itself writes (severities, plan
 * marks), never anything a CSV cell or policy string carried.
 */

export interface Colours {
  out: boolean;
  err: boolean;
}

/**
 * Node's convention (as util.inspect and the test runners read it): FORCE_COLOR wins (`0` or
 * `false` turn colour off, anything else on); then a non-empty NO_COLOR (no-color.org) turns it
 * off; otherwise colour only on a terminal that is not `dumb`.
 */
export function colourWanted(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return Boolean(isTTY) && env.TERM !== 'dumb';
}

/** Whether this process's stdout and stderr get colours. */
export function terminalColours(env: NodeJS.ProcessEnv = process.env): Colours {
  return { out: colourWanted(process.stdout.isTTY, env), err: colourWanted(process.stderr.isTTY, env) };
}

const SGR = {
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  dim: '\u001b[2m',
  reset: '\u001b[0m',
};

/** Every escape sequence paint() can emit: tests check that nothing else reaches a terminal. */
export const PALETTE = Object.values(SGR);

const SEVERITY: Record<string, string> = {
  error: SGR.red,
  refused: SGR.red,
  warning: SGR.yellow,
  notice: SGR.cyan,
};
const MARK: Record<string, string> = {
  '+': SGR.green,
  '✓': SGR.green,
  '-': SGR.red,
  '✗': SGR.red,
  '~': SGR.yellow,
};

/** One line of already neutralized text, with its severity word or leading mark coloured. */
function paintLine(line: string): string {
  // `error: …`, `file:3:1: error: …`, `  warning rule file:4: …`
  const sev = /^(\s*|.*?: |\s+)(error|refused|warning|notice)(?=[: ])/.exec(line);
  if (sev) {
    const [whole, lead, word] = sev;
    return `${lead}${SEVERITY[word!]}${word}${SGR.reset}${line.slice(whole.length)}`;
  }
  // Plan and apply lines: `  + user alice`, `✓ create user alice`; progress `[3/12] …`, `[plan] …`.
  const mark = /^(\s*)([+\-~✓✗])( )/.exec(line);
  if (mark) {
    const [whole, lead, m] = mark;
    return `${lead}${MARK[m!]}${m}${SGR.reset} ${line.slice(whole.length)}`;
  }
  const step = /^\[(\d+\/\d+|[a-z]+)\]/.exec(line);
  if (step) return `${SGR.dim}${step[0]}${SGR.reset}${line.slice(step[0].length)}`;
  return line;
}

/** Colours neutralized text line by line; never called on JSON, SARIF, markdown or a pipe. */
export function paint(text: string): string {
  return text.split('\n').map(paintLine).join('\n');
}
