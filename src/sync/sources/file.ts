/**
 * CSV and JSON file sources (an HR export). Every read parses the whole file; the watermark is
 * the file's SHA-256, so an unchanged file yields no objects on an incremental read. Keys are
 * still listed so the engine can tell removed rows.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SourceConfig } from '../config-schema.ts';
import { CsvError, parseCsv } from './csv.ts';
import { isSoftDeleted, SourceError, type Source, type SourceObject } from './types.ts';

type FileSourceConfig = Extract<SourceConfig, { type: 'csv' | 'json' }>;

function recordsOf(config: FileSourceConfig, text: string): Record<string, unknown>[] {
  if (config.type === 'csv') return parseCsv(text, config.delimiter);
  const document: unknown = JSON.parse(text);
  const list = Array.isArray(document) ? document : (document as { Resources?: unknown })?.Resources;
  if (!Array.isArray(list)) throw new SourceError(`${config.path}: expected a JSON array of objects (or {"Resources": [...]})`);
  return list.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new SourceError(`${config.path}: element ${index} is not an object`);
    return item as Record<string, unknown>;
  });
}

function membersOf(config: FileSourceConfig, record: Record<string, unknown>): readonly string[] | undefined {
  if (config.members === undefined) return undefined;
  const raw = record[config.members];
  if (raw === null || raw === undefined) return [];
  if (Array.isArray(raw)) return raw.map((m) => (typeof m === 'object' && m !== null && 'value' in m ? String((m as { value: unknown }).value) : String(m)));
  const separator = config.type === 'csv' ? config.memberSeparator : ';';
  return String(raw)
    .split(separator)
    .map((m) => m.trim())
    .filter((m) => m !== '');
}

/** A source over a CSV or JSON file. */
export function createFileSource(config: FileSourceConfig): Source {
  async function load(): Promise<{ text: string; hash: string }> {
    let buffer: Buffer;
    try {
      buffer = await readFile(config.path);
    } catch (error) {
      throw new SourceError(`cannot read ${config.path}: ${(error as Error).message}`);
    }
    return { text: buffer.toString('utf8'), hash: createHash('sha256').update(buffer).digest('hex') };
  }
  return {
    async read(watermark) {
      const { text, hash } = await load();
      let records: Record<string, unknown>[];
      try {
        records = recordsOf(config, text);
      } catch (error) {
        if (error instanceof CsvError || error instanceof SyntaxError) throw new SourceError(`${config.path}: ${error.message}`);
        throw error;
      }
      const objects: SourceObject[] = [];
      const keys = new Set<string>();
      records.forEach((record, index) => {
        const rawKey = record[config.key];
        if (rawKey === null || rawKey === undefined || rawKey === '') throw new SourceError(`${config.path}: record ${index + 1} has no value in the key "${config.key}"`);
        const key = String(rawKey);
        if (keys.has(key)) throw new SourceError(`${config.path}: the key "${key}" appears twice`);
        keys.add(key);
        const members = membersOf(config, record);
        objects.push({ key, attributes: record, softDeleted: isSoftDeleted(record, config.softDeleted), ...(members === undefined ? {} : { members }) });
      });
      const unchanged = watermark !== undefined && watermark === hash;
      return { objects: unchanged ? [] : objects, keys, full: !unchanged, watermark: hash };
    },
    async test() {
      await load();
    },
    async close() {},
  };
}
