import * as core from '@actions/core';

/** The action's entry: reads the event, picks plan | apply | drift. */
export async function run(): Promise<void> {
  core.setFailed('not implemented yet');
}
