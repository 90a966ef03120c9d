/**
 * Admin CLI (npm run admin -- <command> [flags]); acts as the platform admin on the service's database: PostgreSQL
 * at DATABASE_URL, else SQLite at DATABASE_PATH. `npm run admin -- help` lists the commands and their flags (COMMANDS).
 * Exit code 2 for a bad command line, a flag's value included (one line naming the flag and its rule); 1 when the
 * database refuses (NOT_FOUND, CONFLICT); 0 otherwise.
 */
import { existsSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { closeDatabase } from '../db/client';
import { DIALECT } from '../db/dialect';
import { isDatabaseBusy } from '../db/errors';
import { complexes, organisations, ORGANISATION_ROLES, type OrganisationRole } from '../db/schema';
import { createApiKey } from '../src/auth/create-api-key';
import { createOrganisation } from '../src/auth/create-organisation';
import { listApiKeys } from '../src/auth/list-api-keys';
import { revokeApiKey } from '../src/auth/revoke-api-key';
import { SYSTEM_ADMIN } from '../src/auth/viewer';
import { getComplex, KnownComplexCode } from '../src/complexes/get-complex';
import { loadProgramme } from '../src/complexes/load-programme';
import type { Context } from '../src/context';
import { DomainError, ValidationError, type FieldIssue } from '../src/errors';
import { createLogger } from '../src/logger';
import { parseArgs } from '../src/validation';
import { createInProcessPubSub } from '../src/pubsub';
import { checkFlags, connectOrExit, envOrExit, fail, parseFlags } from './cli';

interface Flag {
  /** The value's placeholder in the help. */
  value: string;
  optional?: boolean;
  /** The field of the domain function's input this flag fills, as its validation errors name it. */
  field: string;
  /** For a flag that names a record by its id: what it must be, checked before the database opens. */
  id?: string;
}
interface Command {
  flags: Record<string, Flag>;
  /** What it does, in a line of the help. */
  does: string;
  /** `ids`: the values of the flags with an `id` rule, as numbers. */
  run(ctx: Context, values: Record<string, string | undefined>, ids: Record<string, number>): Promise<void>;
}


const COMMANDS: Record<string, Command> = {
  'org:create': {
    flags: {
      complex: { value: 'CODE', optional: true, field: 'input.complexCode' },
      role: { value: 'ROLE', field: 'input.role' },
      name: { value: 'NAME', field: 'input.name' },
      brn: { value: 'NUMBER', field: 'input.businessRegistrationNumber' },
      'contact-name': { value: 'NAME', optional: true, field: 'input.contactName' },
      'contact-phone': { value: 'PHONE', optional: true, field: 'input.contactPhone' },
    },
    does: `registers an organisation; ROLE: ${ORGANISATION_ROLES.join(' ')}; --complex for every role but ADMIN; --brn: 사업자등록번호`,
    async run(ctx, values) {
      const org = await createOrganisation({
        ctx,
        input: {
          complexCode: values.complex,
          role: values.role as OrganisationRole,
          name: values.name ?? '',
          businessRegistrationNumber: values.brn ?? '',
          contactName: values['contact-name'],
          contactPhone: values['contact-phone'],
        },
      });
      console.log(`created organisation ${org.id}: ${org.name} (${org.role})`);
    },
  },
  'org:list': {
    flags: { complex: { value: 'CODE', optional: true, field: 'code' } },
    does: 'prints id, complex, role and name of each organisation (of one complex), tab-separated, oldest first',
    async run(ctx, values) {
      // Checked as org:create checks it, so that a code it would refuse is refused here too (listing the seven), not listed as empty.
      const code = values.complex === undefined ? undefined : parseArgs(z.object({ code: KnownComplexCode }), { code: values.complex }).code;
      const complexId = code === undefined ? undefined : getComplex({ ctx, input: { code } }).id;
      const rows = await ctx.db
        .select({ id: organisations.id, role: organisations.role, name: organisations.name, complex: complexes.code })
        .from(organisations)
        .leftJoin(complexes, eq(complexes.id, organisations.complexId))
        .where(complexId === undefined ? undefined : eq(organisations.complexId, complexId))
        // Oldest first on both databases: without an order each lists as its plan reads (SQLite by role).
        .orderBy(organisations.id)
        .all();
      for (const r of rows) console.log(`${r.id}\t${r.complex ?? '-'}\t${r.role}\t${r.name}`);
    },
  },
  'key:create': {
    flags: {
      org: { value: 'ID', field: 'input.organisationId', id: "the organisation's id as org:list prints it (first column)" },
      name: { value: 'NAME', field: 'input.name' },
    },
    does: 'creates an API key for organisation ID (org:list prints it) and prints its secret, shown only now',
    async run(ctx, values, ids) {
      const { apiKey, secret } = await createApiKey({ ctx, input: { organisationId: ids.org!, name: values.name ?? '' } });
      console.log(`created API key ${apiKey.id} for organisation ${apiKey.organisationId}; it is shown only now:\n${secret}`);
    },
  },
  'key:list': {
    flags: { org: { value: 'ID', field: 'input.organisationId', id: "the organisation's id as org:list prints it (first column)" } },
    does: "prints id, name, created, last used and revoked (ISO, UTC; - for never) of each of organisation ID's keys, newest first, tab-separated",
    async run(ctx, _values, ids) {
      const iso = (at: Date | null) => at?.toISOString() ?? '-';
      for (const k of await listApiKeys({ ctx, input: { organisationId: ids.org! } })) {
        console.log(`${k.id}\t${k.name}\t${iso(k.createdAt)}\t${iso(k.lastUsedAt)}\t${iso(k.revokedAt)}`);
      }
    },
  },
  'key:revoke': {
    flags: { key: { value: 'ID', field: 'input.apiKeyId', id: "the API key's id as key:create prints it (created API key ID …)" } },
    does: 'revokes API key ID (key:create prints it: created API key ID …); one revoked already is left as it was, saying since when',
    async run(ctx, _values, ids) {
      const startedAt = ctx.now();
      const apiKey = await revokeApiKey({ ctx, input: { apiKeyId: ids.key! } });
      // A second revocation keeps the first one's time: said so, not passed off as done now.
      const already = apiKey.revokedAt! < startedAt;
      console.log(already ? `API key ${apiKey.id} was already revoked at ${apiKey.revokedAt!.toISOString()}` : `revoked API key ${apiKey.id} at ${apiKey.revokedAt!.toISOString()}`);
    },
  },
};

function help(): string {
  const lines = ['usage: npm run admin -- <command> [flags]   (the database at DATABASE_URL, else DATABASE_PATH)'];
  for (const [name, command] of Object.entries(COMMANDS)) {
    const flags = Object.entries(command.flags).map(([flag, { value, optional }]) => (optional ? `[--${flag} ${value}]` : `--${flag} ${value}`));
    lines.push(`  ${[name, ...flags].join(' ')}`, `      ${command.does}`);
  }
  return lines.join('\n');
}

const [name, ...rest] = process.argv.slice(2);
if (name === undefined) {
  console.error(help());
  process.exit(2);
}
if (name === 'help' || name === '--help' || name === '-h' || rest.includes('--help') || rest.includes('-h')) {
  console.log(help());
  process.exit(0);
}
const command = COMMANDS[name];
if (!command) fail(`Unknown command '${name}': one of ${Object.keys(COMMANDS).join(', ')} (npm run admin -- help)`);
const values = parseFlags({
  args: rest,
  options: Object.fromEntries(Object.keys(command.flags).map((flag) => [flag, { type: 'string' as const }])),
}).values as Record<string, string | undefined>;
const ids = checkFlags(
  z.object(
    Object.fromEntries(
      Object.entries(command.flags).flatMap(([flag, { id: rule }]) => (rule ? [[flag, z.string(`required: ${rule}`).regex(/^[1-9][0-9]{0,14}$/, `must be ${rule}`).transform(Number)]] : [])),
    ),
  ),
  values,
) as Record<string, number>;

const env = envOrExit();
// A SQLite file that is not there is not the service's database (DATABASE_PATH unset in this shell, or mistyped):
// created here, it would take the organisations and keys the service never sees.
if (DIALECT === 'sqlite' && !existsSync(env.DATABASE_PATH)) {
  fail(`no database at ${env.DATABASE_PATH} (DATABASE_PATH): set it as the service has it (npm start, or npm run db:migrate, creates one)`);
}
// The service's database, SQLite or PostgreSQL (DATABASE_URL), migrated, with the built-in complexes (read for their codes).
const db = await connectOrExit(env);
const ctx: Context = { db, env, logger: createLogger('silent'), pubsub: createInProcessPubSub(), now: () => new Date(), viewer: SYSTEM_ADMIN };

try {
  await loadProgramme({ ctx });
  await command.run(ctx, values, ids);
} catch (error) {
  if (isDatabaseBusy(error)) {
    // The service writing for longer than the busy timeout (back-filling roll-ups after an upgrade): nothing was written.
    console.error(`Cannot write to the database (${env.DATABASE_PATH}): ${(error as Error).message}: another process (the service) held its write lock past the 5 s busy timeout; try again`);
    process.exitCode = 1;
  } else if (!(error instanceof DomainError)) throw error;
  else {
    // Named as the caller wrote it: the flag, not the domain function's input field (a conflict's too, e.g. --brn).
    const flagOf = new Map(Object.entries(command.flags).map(([flag, { field }]) => [field, `--${flag}`]));
    const issues = (error.details.issues ?? []) as FieldIssue[];
    console.error(`${error.code}: ${issues.length > 0 ? issues.map((i) => `${flagOf.get(i.field) ?? i.field}: ${i.rule}`).join('; ') : error.message}`);
    process.exitCode = error instanceof ValidationError ? 2 : 1;
  }
} finally {
  await closeDatabase(db);
}
