/** The confirmation `apply` asks for on a terminal (SPEC §4): only the answer `yes` proceeds. */
import { createInterface } from 'node:readline';

/** Both ends are a terminal: someone is there to read the plan and answer. */
export function onTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/** Asks `question` on the terminal; resolves with the line typed, or '' when input ends (Ctrl-D). */
export function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  return new Promise((resolve) => {
    let answered = false;
    rl.on('close', () => {
      if (!answered) resolve('');
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}

/** Exactly `yes` (surrounding spaces aside); `y`, `YES!` or an empty line do not apply anything. */
export function confirmed(answer: string): boolean {
  return answer.trim() === 'yes';
}
