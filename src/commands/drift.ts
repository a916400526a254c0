/** `iam-gitops drift`: the plan of the files against live AWS; exit 0 none, 2 drift, 1 error (SPEC §4). */
import type { CliArgs } from './args.js';
import { defaultIo, planOrDrift, type PlanIo } from './plan.js';

export function driftCommand(args: CliArgs, io: PlanIo = defaultIo()): Promise<number> {
  return planOrDrift(args, 'drift', io);
}
