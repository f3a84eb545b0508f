/** A command line split into positional arguments and `--flag value` / `--flag=value` / `--switch` options. */
export interface ParsedArgs {
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
}

export class UsageError extends Error {}

/**
 * Parses `argv` against the options a command accepts: `valued` take a value, `switches` do not.
 * Anything else is a usage error naming the flag.
 */
export function parseArgs(argv: readonly string[], valued: readonly string[], switches: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (switches.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
    } else if (valued.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, options };
}

/** The value of `--name`, checked against the allowed ones. */
export function choice<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const v = args.options.get(name);
  if (v === undefined) return fallback;
  if (v === true || !(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

/** A `--name N` option's positive number. */
export function positive(args: ParsedArgs, name: string): number {
  const v = Number(args.options.get(name));
  if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`--${name} must be a positive number`);
  return v;
}

/** A `--name N` option's whole number within [min, max], or `fallback` when it is not given. */
export function count(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const given = args.options.get(name);
  if (given === undefined) return fallback;
  const v = Number(given);
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return v;
}
