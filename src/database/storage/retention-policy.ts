import { problem } from '../../core/validation/problems';

/** Options of `RetentionPolicy.keepLast()` and the other single-rule factories. */
export interface RetentionOptions {
  /**
   * Delete the data of forgotten snapshots from the backend (`restic forget --prune`). Without
   * it, old snapshots disappear from the list but their data stays and the bucket keeps growing.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Only report what would be deleted.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Name of the policy, shown in the BackupConfiguration.
   * @default - derived from the rules, e.g. `keep-last-5`
   */
  readonly name?: string;
}

/** The rules of `RetentionPolicy.of()`; at least one `keep*` rule is required. */
export interface RetentionPolicyProps extends RetentionOptions {
  /**
   * Keep the last n snapshots.
   * @default - no such rule
   */
  readonly keepLast?: number;
  /**
   * Keep the last snapshot of each of the last n hours.
   * @default - no such rule
   */
  readonly keepHourly?: number;
  /**
   * Keep the last snapshot of each of the last n days.
   * @default - no such rule
   */
  readonly keepDaily?: number;
  /**
   * Keep the last snapshot of each of the last n weeks.
   * @default - no such rule
   */
  readonly keepWeekly?: number;
  /**
   * Keep the last snapshot of each of the last n months.
   * @default - no such rule
   */
  readonly keepMonthly?: number;
  /**
   * Keep the last snapshot of each of the last n years.
   * @default - no such rule
   */
  readonly keepYearly?: number;
  /**
   * Keep every snapshot that has one of these restic tags.
   * @default - no such rule
   */
  readonly keepTags?: string[];
}

const RULES = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;

/**
 * Which snapshots Stash keeps after each backup (restic `forget`). At least one rule is
 * required: restic refuses to forget with no rule.
 *
 * ```ts
 * RetentionPolicy.keepLast(5)                      // keep-last-5, prune
 * RetentionPolicy.of({ keepDaily: 7, keepWeekly: 4 })
 * ```
 */
export class RetentionPolicy {
  /** Keep the last `n` snapshots. */
  public static keepLast(n: number, options: RetentionOptions = {}): RetentionPolicy {
    return new RetentionPolicy({ ...options, keepLast: n }, 'keepLast');
  }

  /** Keep one snapshot per day for the last `n` days. */
  public static keepDaily(n: number, options: RetentionOptions = {}): RetentionPolicy {
    return new RetentionPolicy({ ...options, keepDaily: n }, 'keepDaily');
  }

  /** Any combination of rules. */
  public static of(props: RetentionPolicyProps): RetentionPolicy {
    return new RetentionPolicy(props);
  }

  private constructor(
    private readonly props: RetentionPolicyProps,
    /** The single-rule factory that made the policy (its fixes name the factory's argument), or none for `of()`. */
    private readonly factory?: 'keepLast' | 'keepDaily',
  ) {
    // From JavaScript, props may be missing: problems() reports the missing rule.
    this.props = props ?? {};
  }

  /** The policy's name: the given one or one derived from the rules (`keep-last-5-daily-7`). */
  public get name(): string {
    if (this.props.name !== undefined) return this.props.name;
    const parts = RULES.filter((r) => this.props[r] !== undefined)
      .map((r) => `${r.slice(4).toLowerCase()}-${this.props[r]}`);
    if (Array.isArray(this.props.keepTags) && this.props.keepTags.length) parts.push('tags');
    return parts.length ? `keep-${parts.join('-')}` : 'keep-none';
  }

  /** Problems of this policy, each starting with `field`. */
  public problems(field: string): string[] {
    const out: string[] = [];
    const present = RULES.filter((r) => this.props[r] !== undefined);
    if (present.length === 0 && !this.props.keepTags?.length) {
      out.push(problem(field, 'has no keep rule, so restic would refuse to forget and the backup would fail',
        'add at least one rule, e.g. RetentionPolicy.keepLast(5) or RetentionPolicy.of({ keepDaily: 7 })'));
    }
    for (const rule of present) {
      const n = this.props[rule]!;
      // restic and Stash read the counts as int32 (int64 in the CRD, but larger ones overflow restic's int).
      if (!Number.isInteger(n) || n < 1 || n > 2147483647) {
        out.push(problem(`${field}.${rule}`, `${n} is not a whole number from 1 to 2147483647`, rule === this.factory
          // The factory's count is its one rule: it cannot be left out.
          ? `pass RetentionPolicy.${rule}() a whole number from 1 to 2147483647, e.g. RetentionPolicy.${rule}(5)`
          : `pass a positive whole number, or leave ${rule} out`));
      }
    }
    for (const flag of ['prune', 'dryRun'] as const) {
      if (this.props[flag] !== undefined && typeof this.props[flag] !== 'boolean') {
        out.push(problem(`${field}.${flag}`, `${JSON.stringify(this.props[flag])} is not true or false`, `pass ${flag}: true or false`));
      }
    }
    if (this.props.keepTags !== undefined && !Array.isArray(this.props.keepTags)) {
      out.push(problem(`${field}.keepTags`, 'is not a list of tags', 'pass keepTags: ["daily"]'));
      return out;
    }
    for (const tag of this.props.keepTags ?? []) {
      if (typeof tag !== 'string' || tag === '' || /[\s,]/.test(tag)) {
        out.push(problem(`${field}.keepTags`, `"${tag}" is not a restic tag (empty, or has spaces or commas)`, 'use tags without spaces or commas'));
      }
    }
    if (typeof this.name !== 'string' || this.name === '' || this.name.length > 253) {
      out.push(problem(`${field}.name`, `"${this.name}" must be 1 to 253 characters`, 'pass a short name such as "keep-last-5"'));
    }
    return out;
  }

  /** The `retentionPolicy` object of a BackupConfiguration or BackupBlueprint. */
  public toJson(): { [key: string]: any } {
    const out: RetentionPolicyJson = { name: this.name };
    for (const rule of RULES) {
      if (this.props[rule] !== undefined) out[rule] = this.props[rule];
    }
    if (Array.isArray(this.props.keepTags) && this.props.keepTags.length) out.keepTags = [...this.props.keepTags];
    out.prune = this.props.prune ?? true;
    if (this.props.dryRun !== undefined) out.dryRun = this.props.dryRun;
    return out;
  }
}

/** The JSON form of a retention policy (stash.appscode.com/v1alpha1 RetentionPolicy). */
interface RetentionPolicyJson {
  name: string;
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  keepTags?: string[];
  prune?: boolean;
  dryRun?: boolean;
}
