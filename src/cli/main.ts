/**
 * The `scimd` command line (node:util parseArgs). Commands parse their flags, call one thing and
 * print; startup errors (errors with a stable `code`, such as CONFIG_INVALID) are printed as their
 * message and exit 1, usage errors exit 2, and anything unexpected prints its stack and exits 1.
 */
import { isScimError } from '../core/scim-error.ts';
import type { CliIo } from './io.ts';
import { USAGE } from './commands/help.ts';
import type { StartServer, WaitForSignal } from './commands/serve.ts';

export interface CliDeps {
  readonly io: CliIo;
  /** Starts the server (the composition root's `startRuntime`). */
  readonly start: StartServer;
  readonly waitForSignal: WaitForSignal;
}

const codeOf = (error: unknown): string | undefined => {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/** parseArgs rejects unknown flags and missing values with ERR_PARSE_ARGS_* TypeErrors; commands throw ERR_USAGE. */
const isUsageError = (error: unknown): boolean => {
  const code = codeOf(error);
  return code === 'ERR_USAGE' || (code?.startsWith('ERR_PARSE_ARGS') ?? false);
};

const hasStableCode = (error: unknown): error is Error => codeOf(error) !== undefined;

function report(error: unknown, io: CliIo): number {
  if (isUsageError(error)) {
    io.err(`scimd: ${(error as Error).message}\nRun "scimd --help" for usage.`);
    return 2;
  }
  // A refused change (404, 409, 400 …): the service's detail says what to do.
  if (isScimError(error)) {
    io.err(`scimd: ${error.detail}`);
    return 1;
  }
  if (hasStableCode(error)) {
    io.err(`scimd: ${error.message}`);
    return 1;
  }
  io.err(`scimd: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}

/** A command's runner, given its arguments (after the command word) and the CLI's dependencies. */
type CommandRunner = (args: readonly string[], deps: CliDeps) => Promise<number>;

/**
 * Each command's module is imported only when that command runs, so `scimd --help` loads no
 * database driver, HTTP framework or service, and `scimd key list` loads no HTTP app.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CommandRunner>>> = {
  serve: async () => {
    const { serveCommand } = await import('./commands/serve.ts');
    return (args, deps) => serveCommand(args, deps.io, deps.start, deps.waitForSignal);
  },
  migrate: async () => {
    const { migrateCommand } = await import('./commands/migrate.ts');
    return (args, deps) => migrateCommand(args, deps.io);
  },
  backup: async () => {
    const { backupCommand } = await import('./commands/backup.ts');
    return (args, deps) => backupCommand(args, deps.io);
  },
  org: async () => {
    const { orgCommand } = await import('./commands/org.ts');
    return (args, deps) => orgCommand(args, deps.io);
  },
  key: async () => {
    const { keyCommand } = await import('./commands/key.ts');
    return (args, deps) => keyCommand(args, deps.io);
  },
  role: async () => {
    const { roleCommand } = await import('./commands/role.ts');
    return (args, deps) => roleCommand(args, deps.io);
  },
  schema: async () => {
    const { schemaCommand } = await import('./commands/schema.ts');
    return (args, deps) => schemaCommand(args, deps.io);
  },
  webhook: async () => {
    const { webhookCommand } = await import('./commands/webhook.ts');
    return (args, deps) => webhookCommand(args, deps.io);
  },
  events: async () => {
    const { eventsCommand } = await import('./commands/events.ts');
    return (args, deps) => eventsCommand(args, deps.io);
  },
  sync: async () => {
    const { syncCommand } = await import('./commands/sync.ts');
    return (args, deps) => syncCommand(args, deps.io);
  },
  audit: async () => {
    const { auditCommand } = await import('./commands/audit.ts');
    return (args, deps) => auditCommand(args, deps.io);
  },
  operator: async () => {
    const { operatorCommand } = await import('./commands/operator.ts');
    return (args, deps) => operatorCommand(args, deps.io);
  },
  validate: async () => {
    const { validateCommand } = await import('./commands/validate.ts');
    return (args, deps) => validateCommand(args, deps.io);
  },
  'setup-link': async () => {
    const { setupLinkCommand } = await import('./commands/setup-link.ts');
    return (args, deps) => setupLinkCommand(args, deps.io);
  },
};

/** Commands whose `--help` is the general usage (they have no subcommands of their own). */
const GENERAL_HELP = new Set(['serve', 'migrate', 'backup']);

const isHelpFlag = (arg: string | undefined): boolean => arg === '--help' || arg === '-h';

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || isHelpFlag(command)) {
      deps.io.out(USAGE);
      return command === undefined ? 2 : 0;
    }
    // `scimd help key` is `scimd key --help`; `scimd help` alone is the general usage.
    if (command === 'help') {
      const topic = rest[0];
      if (topic === undefined || GENERAL_HELP.has(topic)) return (deps.io.out(USAGE), 0);
      if (!Object.hasOwn(COMMANDS, topic)) {
        deps.io.err(`scimd: no help for unknown command "${topic}"\nRun "scimd --help" for usage.`);
        return 2;
      }
      return await runCli([topic, '--help'], deps);
    }
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (load === undefined) {
      deps.io.err(`scimd: unknown command "${command}"\nRun "scimd --help" for usage.`);
      return 2;
    }
    if (GENERAL_HELP.has(command) && rest.some(isHelpFlag)) return (deps.io.out(USAGE), 0);
    return await (await load())(rest, deps);
  } catch (error) {
    return report(error, deps.io);
  }
}
