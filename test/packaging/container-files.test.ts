/**
 * The Dockerfile and compose.yaml, read as text: the promises docs/operations.md ("Containers")
 * makes about the image. Building and running the image needs a Docker engine, which CI does not
 * have; docs/operations.md records the last build and run.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const root = new URL('../../', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, root), 'utf8');
const dockerfile = read('Dockerfile');
/** Instructions with their continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const stages = instructions.reduce<string[][]>((all, line) => {
  if (/^FROM\s/i.test(line)) all.push([]);
  all.at(-1)?.push(line);
  return all;
}, []);
const runtime = stages.at(-1) ?? [];
const find = (lines: string[], keyword: string) => lines.filter((l) => l.toUpperCase().startsWith(`${keyword} `));

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, on a Node 20 Debian base that a build argument can replace', () => {
    assert.ok(stages.length >= 2, 'multi-stage');
    assert.match(instructions[0] ?? '', /^ARG BASE_IMAGE=node:20-[a-z]+-slim$/);
    for (const stage of stages) assert.match(stage[0] ?? '', /^FROM \$\{BASE_IMAGE\} AS \w+$/);
    assert.ok(find(runtime, 'COPY').every((l) => l.includes('--from=build')), 'the runtime stage copies only build output');
  });

  it('runs as an unprivileged user', () => {
    const users = find(runtime, 'USER');
    assert.equal(users.length, 1);
    assert.doesNotMatch(users[0]!, /^USER\s+(root|0)(:|$)/);
  });

  it('keeps its data on a volume that the data directory points at', () => {
    assert.ok(find(runtime, 'VOLUME').some((l) => l.includes('"/data"')));
    assert.ok(find(runtime, 'ENV').some((l) => /DATA_DIR=\/data\b/.test(l)));
  });

  it('reports health from /readyz', () => {
    const health = find(runtime, 'HEALTHCHECK');
    assert.equal(health.length, 1);
    assert.match(health[0]!, /\/readyz/);
  });

  it('starts the package bin with serve, from files the build stage copies', () => {
    assert.ok(instructions.includes('ENTRYPOINT ["node", "bin/scimd.js"]'));
    assert.ok(instructions.includes('CMD ["serve"]'));
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string>; files: string[] };
    assert.equal(pkg.bin['scimd'], 'bin/scimd.js');
    assert.ok(existsSync(new URL('bin/scimd.js', root)));
    for (const dir of ['./bin', './dist', './console/dist', './node_modules']) {
      assert.ok(find(runtime, 'COPY').some((l) => l.endsWith(` ${dir}`)), `${dir} is copied into the image`);
    }
  });
});

describe('compose.yaml', () => {
  const compose = read('compose.yaml');
  it('runs scimd on PostgreSQL once the database is healthy', () => {
    assert.match(compose, /^ {2}postgres:\n/m);
    assert.match(compose, /^ {2}scimd:\n/m);
    assert.match(compose, /DATABASE_URL: postgres:\/\/scimd:\$\{POSTGRES_PASSWORD\}@postgres:5432\/scimd/);
    assert.match(compose, /depends_on:\n\s+postgres:\n\s+condition: service_healthy/);
    assert.match(compose, /pg_isready/);
  });

  it('keeps the database on a named volume and refuses to start without a password', () => {
    assert.match(compose, /postgres-data:\/var\/lib\/postgresql\/data/);
    assert.match(compose, /POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?/);
  });
});
