// Types of app.mjs for TypeScript callers (scimd's own tests).
import type { Server } from 'node:http';

export interface HostUser {
  readonly id: string;
  readonly userName: string;
  readonly displayName: string | null;
  readonly email: string | null;
  readonly active: boolean;
  readonly sequence: number;
}

export interface HostTables {
  readonly users: Map<string, HostUser>;
  readonly groupMembers: Map<string, Set<string>>;
  readonly lastSequence: Map<string, number>;
  readonly seenIds: Set<string>;
}

export function verifySignature(secret: string, headers: Record<string, unknown>, body: string, nowSeconds?: number, tolerance?: number): boolean;
export function applyEvent(tables: HostTables, event: unknown): string;
export function createHostApp(options: { secret: string; path?: string; log?: (line: unknown) => void }): { server: Server; tables: HostTables };
