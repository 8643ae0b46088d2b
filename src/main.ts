/**
 * The process entry that `bin/scimd.js` runs (compiled to dist/main.js): the command line, with
 * the composition root (src/runtime.ts, which loads the HTTP app, every service and both database
 * drivers) imported only when a command starts the server. `scimd --help` and the admin commands
 * therefore start in a fraction of the time a full import takes.
 */
import { runCli } from './cli/main.ts';
import { processIo } from './cli/io.ts';
import { waitForShutdownSignal } from './cli/signals.ts';

/** Runs the CLI for `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runCli(argv, {
    io: processIo,
    start: async (config, options) => {
      const { startRuntime } = await import('./runtime.ts');
      return startRuntime(config, options);
    },
    waitForSignal: waitForShutdownSignal,
  });
}
