import { defaultConfig } from '../../../src/config/defaults.js';
import {
  describeGateChange,
  effectiveGate,
  gateSettingsOf,
  readGateSettings,
  withGate,
} from '../../../src/config/gate.js';

const D = gateSettingsOf(defaultConfig());

test('the base file is read for the guarding keys only; a missing file means the defaults', () => {
  expect(readGateSettings(null)).toEqual({ settings: D, notes: [] });
  const r = readGateSettings(
    'requiredApprovals: 3\nmaxDeletes: 0\nadopt: true\npath: /people/\npermissionsBoundary: null\nlint: { failOn: warning }\ngroups: { broken: 7 }\n',
  );
  expect(r.settings).toEqual({
    requiredApprovals: 3,
    maxDeletes: 0,
    adopt: true,
    adoptPaths: [],
    failOn: 'warning',
    path: '/people/',
    permissionsBoundary: null,
  });
  expect(r.notes).toEqual([]);
});

test('an invalid key or an unparsable base file falls back to the defaults and says so', () => {
  expect(readGateSettings('requiredApprovals: 0\nadopt: yes please\n')).toEqual({
    settings: D,
    notes: [
      "the base's requiredApprovals is invalid; its default is in force",
      "the base's adopt is invalid; its default is in force",
    ],
  });
  expect(readGateSettings('requiredApprovals: [\n').notes).toEqual([
    'the base configuration does not parse; its defaults are in force',
  ]);
});

test('the stricter value of base and head is in force for each guarding key', () => {
  const base = { ...D, requiredApprovals: 2, maxDeletes: 3, adopt: true, failOn: 'error' as const };
  const loose = { ...D, requiredApprovals: 1, maxDeletes: 50, adopt: true, failOn: 'never' as const };
  const g = effectiveGate(base, loose);
  expect(g.settings).toMatchObject({ requiredApprovals: 2, maxDeletes: 3, adopt: true, failOn: 'error' });
  expect(g.changes.map((c) => c.key)).toEqual(['requiredApprovals', 'maxDeletes', 'failOn']);
  const strict = { ...D, requiredApprovals: 4, maxDeletes: 0, adopt: false, failOn: 'warning' as const };
  expect(effectiveGate(base, strict).settings).toMatchObject({
    requiredApprovals: 4,
    maxDeletes: 0,
    adopt: false,
    failOn: 'warning',
  });
  expect(effectiveGate({ ...D, adopt: false }, { ...D, adopt: true }).settings.adopt).toBe(false);
});

test('path and boundary changes take effect with the pull request and are listed', () => {
  const g = effectiveGate(D, {
    ...D,
    path: '/',
    permissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  });
  expect(g.settings.path).toBe('/');
  expect(g.changes.map(describeGateChange)).toEqual([
    'path: /iam-gitops/ → / (takes effect with this pull request)',
    'permissionsBoundary: none → arn:aws:iam::aws:policy/ReadOnlyAccess (takes effect with this pull request)',
  ]);
  const lowered = effectiveGate({ ...D, requiredApprovals: 2 }, D).changes[0]!;
  expect(describeGateChange(lowered)).toBe(
    'requiredApprovals: 2 → 1; until this merges, 2 is in force, for this pull request too',
  );
});

test('withGate puts the settings in force into the configuration the planner sees', () => {
  const c = withGate(defaultConfig(), { ...D, maxDeletes: 0, adopt: false, failOn: 'warning' });
  expect(c).toMatchObject({ maxDeletes: 0, adopt: false, lint: { failOn: 'warning', ignore: [] } });
});

test('adoptPaths: only the paths both base and head list are in force, and the change is listed', () => {
  const base = readGateSettings('adopt: true\nadoptPaths: [/eng/]\n').settings;
  const head = { ...base, adoptPaths: ['/', '/eng/'] };
  const g = effectiveGate(base, head);
  expect(g.settings.adoptPaths).toEqual(['/eng/']);
  expect(g.changes.map(describeGateChange)).toEqual([
    'adoptPaths: [/eng/] → [/, /eng/]; until this merges, [/eng/] is in force, for this pull request too',
  ]);
  expect(withGate(defaultConfig(), g.settings).adoptPaths).toEqual(['/eng/']);
  expect(effectiveGate(base, { ...base }).changes).toEqual([]);
});
