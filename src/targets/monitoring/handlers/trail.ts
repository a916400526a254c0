/**
 * The trail: CreateTrail when absent, else UpdateTrail (AWS refuses a second create), event
 * selectors for all management events, then StartLogging when it is not logging. An organization
 * trail is the same calls with IsOrganizationTrail.
 */
import {
  AddTagsCommand,
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import type { OperationHandler } from '../../../apply/types.js';
import { hasCode, orMissing } from '../aws-errors.js';
import type { DesiredBaseline } from '../desired.js';
import { detailsOf, needs, toTagList, type Sleep } from './util.js';

/** A role created moments ago is often rejected by CloudTrail until IAM has propagated it. */
export const ROLE_PROPAGATION_DELAYS_MS = [2000, 4000, 8000, 16000, 30000];

export function trailHandler(sleep: Sleep, delays: number[] = ROLE_PROPAGATION_DELAYS_MS): OperationHandler {
  return async (op, ctx) => {
    const d = detailsOf<DesiredBaseline['trail']>(op);
    const ct = ctx.clients.cloudtrail;
    const listed = await orMissing(
      () => ct.send(new DescribeTrailsCommand({ trailNameList: [d.trailName] })),
      { trailList: [] },
      ['TrailNotFoundException'],
    );
    // Filter by name and home region: the emulator ignores trailNameList, AWS adds shadow trails.
    const exists = (listed.trailList ?? []).some(
      (t) => t.Name === d.trailName && t.HomeRegion === d.homeRegion,
    );
    const settings = {
      Name: d.trailName,
      S3BucketName: d.s3BucketName,
      IsMultiRegionTrail: d.isMultiRegionTrail,
      IncludeGlobalServiceEvents: d.includeGlobalServiceEvents,
      EnableLogFileValidation: d.enableLogFileValidation,
      CloudWatchLogsLogGroupArn: d.cloudWatchLogsLogGroupArn,
      CloudWatchLogsRoleArn: d.cloudWatchLogsRoleArn,
      ...(d.kmsKeyId ? { KmsKeyId: d.kmsKeyId } : {}),
      // Only the organization trail's plan names it (true; false when turning one back).
      ...(d.isOrganizationTrail !== undefined ? { IsOrganizationTrail: d.isOrganizationTrail } : {}),
    };
    const tagList = toTagList(d.tags);
    const retrying = async (what: string, call: () => Promise<unknown>) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await call();
        } catch (err) {
          if (!hasCode(err, 'InvalidCloudWatchLogsRoleArnException') || attempt >= delays.length) throw err;
          ctx.log(
            `${what}: CloudTrail does not accept the delivery role yet; retrying in ${delays[attempt]} ms`,
          );
          await sleep(delays[attempt]!);
        }
      }
    };
    if (!exists) {
      await retrying('CreateTrail', () =>
        ct.send(new CreateTrailCommand({ ...settings, TagsList: tagList })),
      );
    } else {
      await retrying('UpdateTrail', () => ct.send(new UpdateTrailCommand(settings)));
      if (needs(op, 'tags')) {
        await ct.send(new AddTagsCommand({ ResourceId: d.arn, TagsList: tagList }));
      }
    }
    if (!exists || needs(op, 'eventSelectors')) {
      await ct.send(
        new PutEventSelectorsCommand({ TrailName: d.trailName, EventSelectors: d.eventSelectors }),
      );
    }
    const status = await ct.send(new GetTrailStatusCommand({ Name: d.trailName }));
    if (!status.IsLogging) await ct.send(new StartLoggingCommand({ Name: d.trailName }));
    return { status: 'done', note: exists ? 'updated' : 'created' };
  };
}
