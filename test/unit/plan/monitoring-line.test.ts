import type { Plan } from '../../../src/model/plan.js';
import {
  monitoringUnchangedLine,
  pendingAfterApply,
  pendingSubscriptionsLine,
} from '../../../src/plan/monitoring-line.js';

function plan(monitoring: NonNullable<Plan['unchanged']>['monitoring']): Plan {
  return {
    hash: 'h',
    changes: [],
    findings: [],
    stats: { awsCalls: {} },
    errors: [],
    offline: false,
    accountId: '123456789012',
    unchanged: { users: 0, groups: 0, policies: 0, monitoring },
  };
}

describe('pending subscriptions', () => {
  const pending = [{ address: 'a***@example.com' }, { address: 'b***@example.com', removed: true as const }];

  test('markdown shows each masked address as a code span, so two masks never pair into emphasis', () => {
    expect(pendingSubscriptionsLine(pending)).toBe(
      'Alarm subscriptions pending confirmation (2): `a***@example.com`, `b***@example.com` (removed from ' +
        'alarmEmails: an unconfirmed subscription cannot be deleted; AWS drops it after 3 days). Alarms reach an ' +
        'address only once it follows the link in the mail from AWS Notifications.',
    );
  });

  test('an address read from AWS cannot break out of its code span or start a line', () => {
    const hostile = [{ address: 'x***@evil.example`\n\n# Approved <img src=x>\r\n', removed: true as const }];
    const line = pendingSubscriptionsLine(hostile);
    expect(line.split('\n')).toHaveLength(1);
    // The code span's fence is longer than any backtick run inside it, so nothing breaks out.
    expect(line).toContain('`` x***@evil.example` # Approved <img src=x>  ``');
    expect(pendingSubscriptionsLine(hostile, 'text').split('\n')).toHaveLength(1);
  });

  test('text shows them plain; none gives an empty line', () => {
    expect(pendingSubscriptionsLine(pending.slice(0, 1), 'text')).toMatch(
      /^Alarm subscriptions pending confirmation \(1\): a\*\*\*@example\.com\. /,
    );
    expect(pendingSubscriptionsLine([])).toBe('');
  });

  test('the plan line keeps the unchanged count apart from the pending ones', () => {
    const p = plan({
      enabled: true,
      count: 39,
      byType: { trail: 1, subscription: 1 },
      pending: pending.slice(0, 1),
    });
    expect(monitoringUnchangedLine(p, 'text').split('\n')).toEqual([
      'Monitoring baseline: 39 resources unchanged (trail, subscription).',
      expect.stringMatching(/^Alarm subscriptions pending confirmation \(1\): a\*\*\*@example\.com\./),
    ]);
    // Nothing unchanged, one pending: still said.
    const only = plan({ enabled: true, count: 0, byType: {}, pending: pending.slice(0, 1) });
    expect(monitoringUnchangedLine(only)).toMatch(/^Alarm subscriptions pending confirmation \(1\)/);
    expect(monitoringUnchangedLine(plan({ enabled: true, count: 0, byType: {} }))).toBe('');
  });

  test('after an apply: pending from the plan plus addresses subscribed just now and still pending', () => {
    const p = plan({ enabled: true, count: 1, byType: {}, pending: [{ address: 'a***@example.com' }] });
    const results = [
      {
        type: 'subscription' as const,
        action: 'create',
        name: 'c***@example.com',
        note: 'c***@example.com: PendingConfirmation',
      },
      {
        type: 'subscription' as const,
        action: 'create',
        name: 'd***@example.com',
        note: 'd***@example.com: Confirmed',
      },
      { type: 'alarm' as const, action: 'create', name: 'x', note: 'x: PendingConfirmation' },
    ];
    expect(pendingAfterApply(p, results)).toEqual([
      { address: 'a***@example.com' },
      { address: 'c***@example.com' },
    ]);
  });
});
