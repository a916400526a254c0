/**
 * The multi-account report: a summary table first, a section per account with its own hash, a
 * failed account shown with its error without hiding the others, and the comment limit kept by
 * giving up detail in the largest sections first, saying which were cut.
 */
import { multiPlanHash } from '../../../src/accounts/hash.js';
import type { AccountSection } from '../../../src/model/accounts.js';
import type { Plan } from '../../../src/model/plan.js';
import {
  renderAccountsMarkdown,
  type AccountsReportInput,
} from '../../../src/plan/render-accounts-markdown.js';
import { COMMENT_LIMIT } from '../../../src/plan/render-markdown.js';
import { bigPr, smallPr } from '../../helpers/conversation.js';

const REPO = 'acme/iam';
// Building the large pull request (a lint of 300 users) is the slow part: once for the file.
let big: Plan;
let bigInput: ReturnType<typeof bigPr>;
beforeAll(() => {
  bigInput = bigPr();
  big = bigInput.plan;
});

function input(sections: AccountSection[]): AccountsReportInput {
  return {
    multi: { hash: multiPlanHash(sections, REPO), sections },
    head: 'a'.repeat(40),
    base: 'b'.repeat(40),
    plannedAt: '2026-11-29T20:00:00.000Z',
    approvals: { required: 1 },
  };
}

const section = (
  account: string,
  id: string,
  plan: Plan | null,
  error: string | null = null,
): AccountSection => ({
  account,
  accountId: id,
  plan: plan ? { ...plan, hash: `${account}-${plan.hash}`.slice(0, 64) } : null,
  error,
});

describe('renderAccountsMarkdown', () => {
  test('summary table first, the combined hash, then a section per account; a failed account keeps its error', () => {
    const small = smallPr().plan;
    const sections = [
      section('prod', '111111111111', small),
      section('staging', '222222222222', null, 'AccessDenied: sts:AssumeRole on iam-gitops-member-plan'),
      section('sandbox', '333333333333', { ...small, changes: [] }),
    ];
    const out = renderAccountsMarkdown(input(sections), COMMENT_LIMIT);
    const md = out.markdown;
    expect(out.truncated).toBe(false);
    const table = md.indexOf('| account | id |');
    const first = md.indexOf('#### `prod`');
    expect(table).toBeGreaterThan(0);
    expect(first).toBeGreaterThan(table);
    expect(md).toContain(input(sections).multi.hash);
    // Every section under its own heading, in order, each with its own hash.
    const heads = [...md.matchAll(/^#### `(\w+)` <sub>\(account (\d+)\)<\/sub>$/gm)].map((m) => [m[1], m[2]]);
    expect(heads).toEqual([
      ['prod', '111111111111'],
      ['staging', '222222222222'],
      ['sandbox', '333333333333'],
    ]);
    expect(md).toContain(sections[0]!.plan!.hash);
    expect(md).toContain(sections[2]!.plan!.hash);
    expect(md).toMatch(
      /❌ The plan of this account failed: AccessDenied: sts:AssumeRole on iam-gitops-member-plan/,
    );
    expect(md).toMatch(/\| `staging` \| `222222222222` \| – \| – \| – \| – \| ❌ plan failed \|/);
    expect(md).toMatch(/\| `sandbox` \|[^\n]*✅ no changes \|/);
    expect(md).toMatch(/Not ready: 1 account could not be planned/);
    // The next steps speak of sections, not of one plan.
    expect(md).toContain("applies each account only if its plan is exactly that account's section below");
    expect(md).not.toContain('applies only if the plan is exactly this one');
  });

  test('an AWS error text cannot open markdown structure, HTML or ping anyone in its section', () => {
    const sections = [
      section(
        'prod',
        '111111111111',
        null,
        '<img src=x onerror=alert(1)>\n# heading @octocat [x](https://evil)',
      ),
    ];
    const md = renderAccountsMarkdown(input(sections), COMMENT_LIMIT).markdown;
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/^# heading/m);
    expect(md).not.toContain('@octocat');
    expect(md).not.toContain('](https://evil)');
  });

  test('sixty large accounts fit GitHub’s limit: the largest sections give up detail first, and the cut ones are named', () => {
    const sections = Array.from({ length: 60 }, (_, i) =>
      section(`acct-${String(i).padStart(2, '0')}`, String(100000000000 + i), big),
    );
    sections.push(section('tiny', '999999999999', { ...smallPr().plan }));
    const out = renderAccountsMarkdown(input(sections), COMMENT_LIMIT - 5000);
    expect(out.markdown.length).toBeLessThanOrEqual(COMMENT_LIMIT - 5000);
    expect(out.truncated).toBe(true);
    // Every account still has its heading and its row; the small one kept its detail.
    for (const s of sections) expect(out.markdown).toContain(`#### \`${s.account}\``);
    expect(out.cut.length).toBeGreaterThan(0);
    expect(out.cut).not.toContain('tiny');
    expect(out.markdown).toMatch(/shown in one line to fit a comment/);
    // A cut section still shows its hash.
    expect(out.markdown).toContain(`${sections[0]!.plan!.hash}`);
  });

  test('with room to spare nothing is cut', () => {
    const sections = [section('a', '100000000001', big), section('b', '100000000002', big)];
    const roomy = renderAccountsMarkdown(input(sections), COMMENT_LIMIT * 10);
    expect(roomy.truncated).toBe(false);
    expect(roomy.cut).toEqual([]);
  });

  test('the new privilege and the blast radius of the people come once, above the accounts', () => {
    const sections = [section('a', '100000000001', big), section('b', '100000000002', big)];
    const md = renderAccountsMarkdown({ ...input(sections), blast: bigInput.blast }, COMMENT_LIMIT).markdown;
    expect(md.match(/\*\*New privilege:\*\*/g)).toHaveLength(1);
    expect(md.indexOf('**New privilege:**')).toBeLessThan(md.indexOf('#### `a`'));
    expect(md).toMatch(/^#### Blast radius: /m);
    const without = renderAccountsMarkdown(
      { ...input(sections), blastNote: 'the base commit is unknown' },
      COMMENT_LIMIT,
    );
    expect(without.markdown).toContain('Blast radius not shown: the base commit is unknown.');
  });
});
