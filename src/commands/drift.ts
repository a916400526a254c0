/** `iam-gitops drift`: the plan of the files against live AWS; exit 0 none, 2 drift, 1 error (SPEC §4). */
import type { CliArgs } from './args.js';
import { planOrDrift, type PlanIo } from './plan.js';

export function driftCommand(args: CliArgs, io?: PlanIo): Promise<number> {
  return planOrDrift(
    args,
    'drift',
    io ?? {
      out: (t) => void process.stdout.write(t),
      err: (t) => void process.stderr.write(t),
      env: process.env,
    },
  );
}
