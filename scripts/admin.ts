/**
 * Admin CLI (npm run admin -- <command> [options]); acts as the platform admin on the service's database: PostgreSQL
 * at DATABASE_URL, else SQLite at DATABASE_PATH.
 *   org:create --complex BANWOL_SIHWA --role CARRIER --name "(주)한빛운송" --brn 220-81-62517 [--contact-name …] [--contact-phone …]
 *   org:list [--complex CODE]
 *   key:create --org <organisation id> --name "dispatch system"     prints the secret once
 *   key:revoke --key <api key id>
 */
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { closeDatabase, connectDatabase } from '../db/client';
import { complexes, organisations, type OrganisationRole } from '../db/schema';
import { createApiKey } from '../src/auth/create-api-key';
import { createOrganisation } from '../src/auth/create-organisation';
import { revokeApiKey } from '../src/auth/revoke-api-key';
import { SYSTEM_ADMIN } from '../src/auth/viewer';
import { loadProgramme } from '../src/complexes/load-programme';
import type { Context } from '../src/context';
import { parseEnv } from '../src/env';
import { DomainError } from '../src/errors';
import { createLogger } from '../src/logger';
import { createInProcessPubSub } from '../src/pubsub';

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    complex: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    brn: { type: 'string' },
    'contact-name': { type: 'string' },
    'contact-phone': { type: 'string' },
    org: { type: 'string' },
    key: { type: 'string' },
  },
});

const env = parseEnv();
// The service's database, SQLite or PostgreSQL (DATABASE_URL), migrated, with the built-in complexes (read for their codes).
const db = await connectDatabase(env);
await loadProgramme({ ctx: { db } });
const ctx: Context = { db, env, logger: createLogger('silent'), pubsub: createInProcessPubSub(), now: () => new Date(), viewer: SYSTEM_ADMIN };

try {
  switch (command) {
    case 'org:create': {
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
      break;
    }
    case 'org:list': {
      const rows = await db
        .select({ id: organisations.id, role: organisations.role, name: organisations.name, complex: complexes.code })
        .from(organisations)
        .leftJoin(complexes, eq(complexes.id, organisations.complexId))
        .where(values.complex ? eq(complexes.code, values.complex) : undefined)
        .all();
      for (const r of rows) console.log(`${r.id}\t${r.complex ?? '-'}\t${r.role}\t${r.name}`);
      break;
    }
    case 'key:create': {
      const { apiKey, secret } = await createApiKey({ ctx, input: { organisationId: Number(values.org), name: values.name ?? '' } });
      console.log(`created API key ${apiKey.id} for organisation ${apiKey.organisationId}; it is shown only now:\n${secret}`);
      break;
    }
    case 'key:revoke': {
      const apiKey = await revokeApiKey({ ctx, input: { apiKeyId: Number(values.key) } });
      console.log(`revoked API key ${apiKey.id} at ${apiKey.revokedAt?.toISOString()}`);
      break;
    }
    default:
      console.error('usage: npm run admin -- org:create|org:list|key:create|key:revoke [options] (see scripts/admin.ts)');
      process.exitCode = 2;
  }
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  console.error(`${error.code}: ${error.message}`);
  process.exitCode = 1;
} finally {
  await closeDatabase(db);
}
