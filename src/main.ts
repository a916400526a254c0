/**
 * The action's entry: reads the settings, picks plan | apply | drift | check-changes | accounts, and turns any error into
 * one failed step with a clear message (a stack trace only with ACTIONS_STEP_DEBUG).
 */
import * as core from '@actions/core';
import { errorMessage } from './aws/clients.js';
import { getSettings } from './inputs.js';
import { neutralize } from './safe-text.js';
import { createEngine } from './github/engine.js';
import { planFlow } from './github/flow-plan.js';
import { applyFlow } from './github/flow-apply.js';
import { driftFlow } from './github/flow-drift.js';
import { checkChangesFlow } from './github/flow-changes.js';
import { matrixFlow } from './github/flow-matrix.js';

export async function run(): Promise<void> {
  try {
    const settings = getSettings();
    core.info(
      neutralize(
        `iam-gitops ${settings.mode}${settings.auto ? ` (auto, event ${settings.eventName})` : ''} in ${settings.dir}`,
      ),
    );
    const deps = createEngine(settings);
    switch (settings.mode) {
      case 'plan':
        await planFlow(settings, deps);
        break;
      case 'apply':
        await applyFlow(settings, deps);
        break;
      case 'drift':
        await driftFlow(settings, deps);
        break;
      case 'check-changes':
        await checkChangesFlow(settings);
        break;
      case 'accounts':
        await matrixFlow(settings, deps);
        break;
    }
  } catch (err) {
    core.setFailed(`iam-gitops: ${errorMessage(err)}`);
    if (err instanceof Error && err.stack) core.debug(err.stack);
  }
}
