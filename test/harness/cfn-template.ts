/**
 * Reads the bootstrap CloudFormation template and resolves it for given parameters, the way
 * CloudFormation would for the intrinsics it uses (Ref, Sub, If, Join, Split, Select, GetAtt,
 * conditions). Tests use it to get the exact trust and permission policies a stack deploys.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, YAMLMap, type Tags } from 'yaml';

export const TEMPLATE_PATH = fileURLToPath(new URL('../../bootstrap/iam-gitops-roles.yml', import.meta.url));
/** The StackSet template of the member roles and the template of the hub roles that assume them. */
export const MEMBER_TEMPLATE_PATH = fileURLToPath(
  new URL('../../bootstrap/iam-gitops-member-roles.yml', import.meta.url),
);
export const HUB_TEMPLATE_PATH = fileURLToPath(
  new URL('../../bootstrap/iam-gitops-hub-roles.yml', import.meta.url),
);

type Json = unknown;

export interface CfnTemplate {
  Parameters: Record<
    string,
    { Type: string; Default?: string; AllowedValues?: string[]; AllowedPattern?: string; NoEcho?: boolean }
  >;
  Conditions: Record<string, Json>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, Json> }>;
  Outputs: Record<string, { Value: Json }>;
}

const FUNCTIONS = [
  'Ref',
  'Sub',
  'If',
  'Join',
  'Split',
  'Select',
  'GetAtt',
  'Equals',
  'Not',
  'And',
  'Or',
  'Condition',
];

function cfnTags(): Tags {
  const tags: Tags = [];
  for (const name of FUNCTIONS) {
    const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
    // `!GetAtt A.B` is the scalar short form of `Fn::GetAtt: [A, B]`.
    const scalar =
      name === 'GetAtt' ? (v: string) => ({ [key]: v.split('.') }) : (v: string) => ({ [key]: v });
    tags.push({ tag: `!${name}`, resolve: scalar });
    for (const collection of ['seq', 'map'] as const) {
      tags.push({
        tag: `!${name}`,
        collection,
        resolve: (value) => {
          const map = new YAMLMap();
          map.set(key, value);
          return map;
        },
      });
    }
  }
  return tags;
}

export function loadTemplate(path = TEMPLATE_PATH): CfnTemplate {
  return parse(readFileSync(path, 'utf8'), { customTags: cfnTags() }) as CfnTemplate;
}

export interface StackContext {
  accountId: string;
  region: string;
  partition?: string;
  stackName: string;
  /** Parameter values; missing ones take the template's Default. */
  parameters: Record<string, string | string[]>;
}

/** Marks a value CloudFormation drops (`AWS::NoValue`). */
const NO_VALUE = Symbol('AWS::NoValue');

export class TemplateResolver {
  private readonly params: Record<string, string | string[]> = {};
  private readonly conditions = new Map<string, boolean>();

  constructor(
    readonly template: CfnTemplate,
    readonly ctx: StackContext,
  ) {
    for (const [name, p] of Object.entries(template.Parameters)) {
      const given = ctx.parameters[name] ?? p.Default;
      if (given === undefined) throw new Error(`template parameter ${name} has no value and no default`);
      if (p.AllowedValues && !p.AllowedValues.includes(String(given))) {
        throw new Error(`parameter ${name}=${String(given)} is not one of ${p.AllowedValues.join(', ')}`);
      }
      this.params[name] =
        p.Type === 'CommaDelimitedList' && typeof given === 'string' ? given.split(',') : given;
    }
    for (const name of Object.keys(ctx.parameters)) {
      if (!(name in template.Parameters)) throw new Error(`unknown template parameter ${name}`);
    }
  }

  condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const expr = this.template.Conditions[name];
    if (expr === undefined) throw new Error(`unknown condition ${name}`);
    const value = this.truth(expr);
    this.conditions.set(name, value);
    return value;
  }

  /** Whether a resource is created with these parameters. */
  exists(logicalId: string): boolean {
    const r = this.template.Resources[logicalId];
    if (!r) throw new Error(`unknown resource ${logicalId}`);
    return r.Condition === undefined || this.condition(r.Condition);
  }

  /** The resource's properties with every intrinsic resolved. */
  properties(logicalId: string): Record<string, Json> {
    if (!this.exists(logicalId))
      throw new Error(`resource ${logicalId} is not created with these parameters`);
    return this.resolve(this.template.Resources[logicalId]!.Properties) as Record<string, Json>;
  }

  output(name: string): Json {
    return this.resolve(this.template.Outputs[name]!.Value);
  }

  resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)).filter((v) => v !== NO_VALUE);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, Json>);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      if (key === 'Ref' || key.startsWith('Fn::')) return this.intrinsic(key, arg);
    }
    const out: Record<string, Json> = {};
    for (const [k, v] of entries) {
      const r = this.resolve(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private truth(expr: Json): boolean {
    const e = expr as Record<string, Json>;
    if ('Condition' in e) return this.condition(String(e.Condition));
    const [key, arg] = Object.entries(e)[0]!;
    const args = arg as Json[];
    switch (key) {
      case 'Fn::Equals':
        return JSON.stringify(this.resolve(args[0])) === JSON.stringify(this.resolve(args[1]));
      case 'Fn::Not':
        return !this.truth(args[0]);
      case 'Fn::And':
        return args.every((a) => this.truth(a));
      case 'Fn::Or':
        return args.some((a) => this.truth(a));
      default:
        throw new Error(`unsupported condition function ${key}`);
    }
  }

  private ref(name: string): Json {
    const { accountId, region, stackName } = this.ctx;
    const partition = this.ctx.partition ?? 'aws';
    const pseudo: Record<string, Json> = {
      'AWS::AccountId': accountId,
      'AWS::Region': region,
      'AWS::Partition': partition,
      'AWS::StackName': stackName,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::NoValue': NO_VALUE,
    };
    if (name in pseudo) return pseudo[name];
    if (name in this.params) return this.params[name];
    const resource = this.template.Resources[name];
    if (resource?.Type === 'AWS::IAM::OIDCProvider') {
      const url = String(this.resolve(resource.Properties.Url)).replace(/^https:\/\//, '');
      return `arn:${partition}:iam::${accountId}:oidc-provider/${url}`;
    }
    if (resource?.Type === 'AWS::IAM::Role') return String(this.resolve(resource.Properties.RoleName));
    throw new Error(`unsupported Ref ${name}`);
  }

  private intrinsic(key: string, arg: Json): Json {
    const args = arg as Json[];
    switch (key) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::If':
        return this.resolve(this.condition(String(args[0])) ? args[1] : args[2]);
      case 'Fn::Join':
        return (this.resolve(args[1]) as Json[]).map(String).join(String(args[0]));
      case 'Fn::Split':
        return String(this.resolve(args[1])).split(String(args[0]));
      case 'Fn::Select':
        return (this.resolve(args[1]) as Json[])[Number(this.resolve(args[0]))];
      case 'Fn::GetAtt':
        return this.getAtt(String(args[0]), String(args[1]));
      case 'Fn::Sub':
        return this.sub(arg);
      default:
        throw new Error(`unsupported intrinsic ${key}`);
    }
  }

  private getAtt(logicalId: string, attribute: string): Json {
    const resource = this.template.Resources[logicalId];
    if (resource?.Type === 'AWS::IAM::Role' && attribute === 'Arn') {
      const path = String(this.resolve(resource.Properties.Path ?? '/'));
      const name = String(this.resolve(resource.Properties.RoleName));
      return `arn:${this.ctx.partition ?? 'aws'}:iam::${this.ctx.accountId}:role${path}${name}`;
    }
    throw new Error(`unsupported GetAtt ${logicalId}.${attribute}`);
  }

  private sub(arg: Json): string {
    const [text, vars] = Array.isArray(arg)
      ? [String(arg[0]), arg[1] as Record<string, Json>]
      : [String(arg), {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
      const value =
        name in vars
          ? this.resolve(vars[name])
          : name.includes('.')
            ? this.getAtt(...split2(name))
            : this.ref(name);
      if (typeof value !== 'string') throw new Error(`Sub variable ${name} is not a string`);
      return value;
    });
  }
}

function split2(name: string): [string, string] {
  const i = name.indexOf('.');
  return [name.slice(0, i), name.slice(i + 1)];
}
