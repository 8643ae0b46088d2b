/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`, e.g. bench/http-profile.ts): the share of
 * samples by file or package, by function (self time), and by function including its callees.
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [rows=40]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: profile-summary.ts <file.cpuprofile> [rows]');
const rows = Number(rowsArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const hits = new Map<number, number>();
for (const sample of profile.samples) hits.set(sample, (hits.get(sample) ?? 0) + 1);

const shortUrl = (url: string): string => url.replace(/^file:\/\//, '').replace(/^.*?\/(src|bench|test|bin)\//, '$1/');
const label = (node: ProfileNode): string => {
  const { functionName, url } = node.callFrame;
  return `${functionName || '(anonymous)'} ${shortUrl(url).split('/').slice(-2).join('/')}`;
};
const owner = (url: string): string => {
  const inPackage = url.split('node_modules/').pop() ?? url;
  if (inPackage === url) return shortUrl(url) || '(native)';
  const parts = inPackage.split('/');
  return `npm:${parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
};

const self = new Map<string, number>();
const files = new Map<string, number>();
const inclusive = new Map<string, number>();
const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
for (const [id, n] of hits) {
  const node = byId.get(id);
  if (node === undefined) continue;
  add(self, label(node), n);
  add(files, owner(node.callFrame.url) === '(native)' ? node.callFrame.functionName : owner(node.callFrame.url), n);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const frame = byId.get(at);
    if (frame === undefined) break;
    const key = label(frame);
    if (!seen.has(key)) add(inclusive, key, n);
    seen.add(key);
  }
}
const total = profile.samples.length;
const show = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, n] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${((100 * n) / total).toFixed(1).padStart(5)} %  ${key}`);
};
show('by file or package (self)', files);
show('by function (self)', self);
show('by function (inclusive)', inclusive);
