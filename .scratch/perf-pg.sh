#!/bin/bash
# perf the PostgreSQL backends during a POST load from pg-cpu (current tree)
ROW=${ROW:-POST}
(SECONDS=12 ROUNDS=1 ROWS=$ROW node --import tsx bench/pg-cpu.ts > /tmp/perf-pgcpu.log 2>&1) &
BENCH=$!
# wait for the server to be up and the load to begin
for i in $(seq 1 120); do grep -q "^| round" /tmp/perf-pgcpu.log 2>/dev/null && break; sleep 0.5; done
sleep 3
PIDS=$(ps -C postgres -o pid=,args= | grep scimd_pgcpu | awk '{print $1}' | paste -sd, -)
perf record -F 999 -g -p $PIDS -o /tmp/perf.data -- sleep 6 2>/dev/null
wait $BENCH
cat /tmp/perf-pgcpu.log | grep "^| 1"
