#!/usr/bin/env node
// The scimd command. The sources are TypeScript, run through tsx's loader (a runtime dependency):
// registering it in-process keeps startup to one Node process instead of spawning a second one.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runtime.ts');
process.exitCode = await main(process.argv.slice(2));
