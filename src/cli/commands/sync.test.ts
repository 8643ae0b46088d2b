/** `scimd sync` in-process: the subcommand dispatcher and `sync expr` reading JSON lines from a stream. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { CliIo } from '../io.ts';
import { runCli } from '../main.ts';
import { syncCommand } from './sync.ts';
import { caretAt } from './sync-expr.ts';

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

const unusedDeps = { start: () => Promise.reject(new Error('not started')), waitForSignal: () => Promise.resolve('SIGTERM' as const) };

describe('scimd sync', () => {
  it('prints its subcommands without one (exit 2) and with --help (exit 0)', async () => {
    const io = capture();
    assert.equal(await syncCommand([], io), 2);
    assert.match(io.lines.join('\n'), /expr\s+Evaluate an attribute-mapping expression/);
    assert.equal(await syncCommand(['--help'], capture()), 0);
    const help = capture();
    assert.equal(await syncCommand(['expr', '--help'], help), 0);
    assert.match(help.lines.join('\n'), /--target-existing/);
  });

  it('is a usage error (exit 2) for an unknown subcommand, through the main dispatcher', async () => {
    const io = capture();
    assert.equal(await runCli(['sync', 'frobnicate'], { io, ...unusedDeps } as never), 2);
    assert.match(io.errors.join('\n'), /unknown sync subcommand "frobnicate"/);
  });

  it('evaluates JSON lines from the stream it is given, one answer per line', async () => {
    const io = capture();
    const stdin = Readable.from(['{"expression":"ToUpper([a])","input":{"a":"x"}}\n', '\n', '{"expression":"Word([a], 2, \\" \\")","input":{"a":"b c"}}\n']);
    assert.equal(await syncCommand(['expr', '--stdin'], io, stdin), 0);
    assert.deepEqual(io.lines, ['{"value":"X"}', '{"value":"c"}']);
  });

  it('refuses --stdin together with an expression', async () => {
    await assert.rejects(syncCommand(['expr', '--stdin', '[a]'], capture()), /--stdin reads everything from its JSON lines/);
  });

  it('puts the caret under the position on the line that holds it', () => {
    assert.equal(caretAt('Join(",",\n  [a] [b])', 16), '    [a] [b])\n        ^');
    assert.equal(caretAt('[a', 0), '  [a\n  ^');
    assert.equal(caretAt('Left(', 5), '  Left(\n       ^');
  });
});
