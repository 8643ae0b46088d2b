/**
 * The process entry that `bin/scimd.js` runs (compiled to dist/main.js): the command line, with
 * the composition root (src/runtime.ts, which loads the HTTP app, every service and both database
 * drivers) imported only when a command starts the server. `scimd --help` and the admin commands
 * therefore start in a fraction of the time a full import takes.
 */
import { existsSync } from 'node:fs';
import { runCli } from './cli/main.ts';
import type * as RuntimeModule from './runtime.ts';
import { processIo } from './cli/io.ts';
import { waitForShutdownSignal } from './cli/signals.ts';

/** Runs the CLI for `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runCli(argv, {
    io: processIo,
    start: async (config, options) => {
      const { startRuntime } = await loadRuntime();
      return startRuntime(config, options);
    },
    waitForSignal: waitForShutdownSignal,
  });
}

/**
 * The composition root: from dist/runtime.bundle.js when the build wrote it (one module, Kysely,
 * Hono and zod included, instead of ~700 to resolve and compile: most of the start-up time), else
 * module by module (running from src/ under tsx, or a dist/ built without esbuild).
 */
async function loadRuntime(): Promise<typeof RuntimeModule> {
  const bundle = new URL('./runtime.bundle.js', import.meta.url);
  if (existsSync(bundle)) return (await import(bundle.href)) as typeof RuntimeModule;
  return import('./runtime.ts');
}
