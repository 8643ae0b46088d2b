/**
 * `scimd validate <TenantURL> <token>`: runs the checks Entra ID and Okta perform against a SCIM
 * endpoint and prints each one (a table, or one JSON document with --json). Exit 0 when all pass,
 * 1 when any fails or something created could not be removed, 2 on usage errors.
 */
import { parseArgs } from 'node:util';
import { validateScimEndpoint, type ValidateProfile, type ValidateReport } from '../../sync/validate/checks.ts';
import type { CliIo } from '../io.ts';
import { UsageError } from './admin.ts';

export const VALIDATE_USAGE = `Usage: scimd validate <TenantURL> <token> [--profile entra|okta|all] [--json] [--timeout <ms>]

Runs, against any SCIM 2.0 endpoint, the requests Entra ID's provisioning service and Okta's SCIM
test send (Test Connection, discovery, users, groups, errors) and reports each check by name, with
the request, the response and a hint when it fails. Everything it creates is deleted afterwards.

  --profile <p>    entra, okta or all (default all)
  --json           print one JSON document {"passed","failed","checks":[…]}
  --timeout <ms>   per-request timeout, default 15000

Exit status: 0 when all checks pass, 1 when any fails, 2 on usage errors. See docs/validate.md.`;

const PROFILES: readonly ValidateProfile[] = ['entra', 'okta', 'all'];

const indent = (text: string) => text.split('\n').map((line) => `      ${line}`).join('\n');

/** The colourless table: one line per check, and for failures the request, response and hint. */
export function formatReport(report: ValidateReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length), 10);
  const lines = [`scimd validate ${report.target} (profile ${report.profile})`, ''];
  for (const check of report.checks) {
    lines.push(`${check.status.toUpperCase().padEnd(4)}  ${check.name.padEnd(width)}  ${check.detail}`);
    if (check.status !== 'fail') continue;
    if (check.request !== undefined) {
      const body = check.request.body === undefined ? '' : `\n${JSON.stringify(check.request.body)}`;
      lines.push(indent(`request:  ${check.request.method} ${check.request.path}${body}`));
    }
    if (check.response !== undefined) lines.push(indent(`response: ${check.response.status}\n${typeof check.response.body === 'string' ? check.response.body : JSON.stringify(check.response.body)}`));
    if (check.hint !== undefined) lines.push(indent(`hint:     ${check.hint}`));
  }
  lines.push('', `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
  if (report.leftovers.length > 0) lines.push(`left behind (could not delete): ${report.leftovers.join(', ')}`);
  return lines.join('\n');
}

export async function validateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      profile: { type: 'string', default: 'all' },
      json: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '15000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return (io.out(VALIDATE_USAGE), 0);
  if (positionals.length !== 2) throw new UsageError('validate needs <TenantURL> and <token>');
  const [url, token] = positionals as [string, string];
  if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) throw new UsageError(`the Tenant URL must be an http(s) URL, got "${url}"`);
  if (token === '') throw new UsageError('the token must not be empty');
  const profile = values.profile as ValidateProfile;
  if (!PROFILES.includes(profile)) throw new UsageError(`--profile must be entra, okta or all, got "${values.profile}"`);
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive number of milliseconds, got "${values.timeout}"`);

  const report = await validateScimEndpoint({ baseUrl: url, token, profile, timeoutMs });
  io.out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.failed > 0 || report.leftovers.length > 0 ? 1 : 0;
}
