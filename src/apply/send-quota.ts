/**
 * The SES send quota: at most MaxSendRate mails a second and Max24HourSend a day (the sandbox
 * allows 1 a second and 200 a day). Read once per run with GetSendQuota; each welcome mail takes
 * a slot first. Slots are handed out in order and spaced 1/MaxSendRate apart, so concurrent mail
 * operations never exceed the rate; once the day's remainder is used up, `take` says no and the
 * mail stays pending (WELCOME_PENDING_TAG) for the next run.
 */
import { GetSendQuotaCommand, type SESClient } from '@aws-sdk/client-ses';
import { realSleep } from '../aws/retry.js';

/** Injectable time: tests count the sleeps instead of waiting them. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: realSleep };

export interface SendQuota {
  /** Mails allowed in 24 hours; -1 is unlimited. */
  max24HourSend: number;
  /** Mails allowed per second; 0 or less is not limited. */
  maxSendRate: number;
  sentLast24Hours: number;
}

export async function readSendQuota(ses: SESClient): Promise<SendQuota> {
  const q = await ses.send(new GetSendQuotaCommand({}));
  return {
    max24HourSend: q.Max24HourSend ?? -1,
    maxSendRate: q.MaxSendRate ?? 0,
    sentLast24Hours: q.SentLast24Hours ?? 0,
  };
}

export interface SendBudget {
  readonly quota: SendQuota;
  /** Waits for the next slot and resolves true, or resolves false at once when today's quota is used up. */
  take(): Promise<boolean>;
}

export function sendBudget(quota: SendQuota, clock: Clock = realClock): SendBudget {
  const unlimited = quota.max24HourSend < 0;
  let left = unlimited ? Infinity : Math.max(0, Math.floor(quota.max24HourSend - quota.sentLast24Hours));
  const gap = quota.maxSendRate > 0 ? 1000 / quota.maxSendRate : 0;
  let nextSlot = -Infinity;
  return {
    quota,
    async take() {
      if (left <= 0) return false;
      left--;
      // Reserved before any await, so operations running side by side get distinct slots.
      const now = clock.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + gap;
      if (slot > now) await clock.sleep(slot - now);
      return true;
    },
  };
}

/** Why a mail waits, for the report. */
export function quotaNote(quota: SendQuota): string {
  return (
    `the SES daily sending quota (${quota.max24HourSend} mails in 24 hours, ` +
    `${quota.sentLast24Hours} already sent) is used up; the next apply sends it`
  );
}
