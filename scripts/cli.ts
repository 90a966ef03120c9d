/**
 * The scripts' command lines: anything the caller got wrong on it is one line on stderr and exit code 2, never a
 * stack. Every script that takes flags parses them here.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { connectOrRefusal, type Db } from '../db/client';
import { EnvError, parseEnv, type Env } from '../src/env';

/** Prints `message` as one line on stderr and exits with code 2 (a bad command line). */
export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/**
 * node:util's parseArgs over `config` (process.argv past the script unless `config.args`).
 * Exits through `fail` on an unknown option, a missing value or an unexpected argument, with node's message on one
 * line (e.g. `Unknown option '--bogus'`), and on a flag given twice, which node would take the last of in silence.
 */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  let parsed: ReturnType<typeof parseArgs<T>>;
  let tokens: { kind: string; name?: string }[];
  try {
    // One pass: the values and positionals as parseArgs(config) gives them, and the tokens to find a flag given twice.
    const result = parseArgs({ ...(config as ParseArgsConfig), tokens: true });
    parsed = { values: result.values, positionals: result.positionals } as ReturnType<typeof parseArgs<T>>;
    tokens = result.tokens;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')) fail((error as Error).message.replace(/\s*\n\s*/g, ' '));
    throw error;
  }
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !token.name || config.options?.[token.name]?.multiple) continue;
    if (seen.has(token.name)) fail(`--${token.name}: given twice; give it once`);
    seen.add(token.name);
  }
  return parsed;
}

/** Prints `usage` on stdout and exits with code 0 when the command line asks for help (`--help` or `-h`). */
export function helpIfAsked(usage: string, args: readonly string[] = process.argv.slice(2)): void {
  if (!args.includes('--help') && !args.includes('-h')) return;
  console.log(usage);
  process.exit(0);
}

/**
 * Checks parsed flag values with `schema`, whose fields are named as the flags.
 * Exits through `fail` with the first broken rule as `--flag: rule`.
 */
export function checkFlags<S extends z.ZodType>(schema: S, values: unknown): z.output<S> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  fail(`--${String(issue.path[0])}: ${issue.message}`);
}

/** How a whole number, and a decimal one, may be written on a command line. */
export const WHOLE = /^\d+$/;
export const DECIMAL = /^\d*\.?\d+$/;

/**
 * A number flag written in decimal digits (`digits`, WHOLE or DECIMAL) that `within` accepts, else `rule`:
 * z.coerce.number() alone took `--seed=` as 0, `0x10` as 16 and `1e0` as 1.
 */
export function numberFlag(digits: RegExp, within: (n: number) => boolean, rule: string) {
  return z.string().regex(digits, rule).transform(Number).refine(within, rule);
}

/**
 * The settings, read as the service reads them: an invalid variable is the service's one line naming it and its rule
 * (`Invalid environment variable PORT: …`) and exit code 2, as a bad flag is, never a stack.
 */
export function envOrExit(): Env {
  try {
    return parseEnv();
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }
}

/** The service's database, migrated; one line on stderr and exit code 1 when it cannot be reached or opened. */
export async function connectOrExit(env: { DATABASE_PATH: string; DATABASE_URL?: string | undefined }): Promise<Db> {
  const connected = await connectOrRefusal(env);
  if ('db' in connected) return connected.db;
  console.error(connected.refusal);
  process.exit(1);
}

// A reader that stops early (`npm run -s admin -- org:list | head -2`) closes the pipe: not an error of the script.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});
