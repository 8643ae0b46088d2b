/**
 * The core benchmarks of issue #2: filter parser/matcher throughput and PATCH operations per second.
 * Run on one core: `taskset -c 1 node --import tsx bench/core.bench.ts` (BENCH_SECONDS=2 per row).
 */
console.log('# filters (bench/core-filter.ts)');
await import('./core-filter.ts');
console.log('\n# PATCH (bench/core-patch.ts)');
await import('./core-patch.ts');
