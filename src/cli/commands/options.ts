/**
 * The flags `serve` and `migrate` share, and how they become configuration: every flag is an
 * override of the environment variable of the same meaning (flags win), validated once by
 * loadConfig together with the environment.
 */
import { loadConfig, type Config } from '../../config.ts';

/** parseArgs option specs for the database flags. */
export const DATABASE_OPTIONS = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

/** parseArgs option specs for `serve`. */
export const SERVE_OPTIONS = {
  ...DATABASE_OPTIONS,
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'public-url': { type: 'string' },
} as const;

/** Which environment variable each flag overrides. */
const ENV_OF_FLAG: Readonly<Record<string, string>> = {
  port: 'PORT',
  host: 'HOST',
  'database-url': 'DATABASE_URL',
  'data-dir': 'DATA_DIR',
  'public-url': 'PUBLIC_URL',
};

/** Loads the configuration with the given flag values as overrides of the environment. */
export function configFromFlags(values: Readonly<Record<string, unknown>>): Config {
  const overrides: Record<string, string> = {};
  for (const [flag, value] of Object.entries(values)) {
    const name = ENV_OF_FLAG[flag];
    if (name !== undefined && typeof value === 'string') overrides[name] = value;
  }
  return loadConfig(undefined, overrides);
}
