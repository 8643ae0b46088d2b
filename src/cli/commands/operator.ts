/**
 * `scimd operator …`: create the vendor's operators, who log in to the admin API (POST
 * /api/v1/session) and manage every organization; list them. The password is hashed with argon2id
 * and never printed; `--password-stdin` keeps it out of the process list and the shell history.
 */
import { parseArgs } from 'node:util';
import { createOperatorService, type OperatorView } from '../../services/operators.ts';
import type { CliIo } from '../io.ts';
import { renderTable } from '../table.ts';
import { ADMIN_OPTIONS, UsageError, printJson, required, withAdmin } from './admin.ts';

/** `scimd operator --help`. */
export const OPERATOR_USAGE = `Usage: scimd operator <subcommand> [options]

  create --email <address> (--password <password> | --password-stdin)   Create an operator
  list                                                                  List operators

Passwords need at least 12 characters. Every subcommand takes --json, --database-url and --data-dir.`;

const OPTIONS = {
  ...ADMIN_OPTIONS,
  email: { type: 'string' },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
} as const;

/** Reads a password piped on stdin (one line; the trailing newline is dropped). */
export async function readPassword(stdin: AsyncIterable<Buffer | string> = process.stdin): Promise<string> {
  const chunks: string[] = [];
  for await (const chunk of stdin) chunks.push(String(chunk));
  return chunks.join('').replace(/\r?\n$/, '');
}

const operatorJson = (o: OperatorView) => ({ id: o.id, email: o.email, createdAt: o.createdAt, lastLoginAt: o.lastLoginAt });

async function passwordOf(values: { password?: string | undefined; 'password-stdin'?: boolean }): Promise<string> {
  if (values.password !== undefined && values['password-stdin']) throw new UsageError('use either --password or --password-stdin, not both');
  if (values['password-stdin']) return readPassword();
  return required(values.password, 'password');
}

/** Runs `scimd operator <subcommand> …`; returns the exit code. */
export async function operatorCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: [...rest], options: OPTIONS, strict: true, allowPositionals: false });
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || values.help) {
    io.out(OPERATOR_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'create') {
    const email = required(values.email, 'email');
    const password = await passwordOf(values);
    return withAdmin(values, async (s) => {
      const operator = await createOperatorService({ store: s.store }).create({ email, password });
      if (values.json) printJson(io, operatorJson(operator));
      else io.out(`Created operator ${operator.email} (${operator.id}); log in with POST /api/v1/session`);
      return 0;
    });
  }
  if (sub === 'list') {
    return withAdmin(values, async (s) => {
      const operators = await createOperatorService({ store: s.store }).list();
      if (values.json) return (printJson(io, operators.map(operatorJson)), 0);
      const columns = [
        { header: 'id', value: (o: OperatorView) => o.id },
        { header: 'email', value: (o: OperatorView) => o.email },
        { header: 'created', value: (o: OperatorView) => o.createdAt },
        { header: 'last login', value: (o: OperatorView) => o.lastLoginAt ?? 'never' },
      ];
      for (const line of renderTable(operators, columns, '(no operators)')) io.out(line);
      return 0;
    });
  }
  throw new UsageError(`unknown operator subcommand "${sub}"`);
}
