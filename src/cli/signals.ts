/** Graceful shutdown on SIGINT (Ctrl-C) and SIGTERM (docker stop, systemd, Kubernetes). */

/**
 * Resolves with the name of the first SIGINT or SIGTERM. A second signal while shutting down
 * exits at once with status 130 (the operator insists).
 */
export function waitForShutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        process.stderr.write(`scimd: second ${signal}, exiting without waiting for in-flight requests\n`);
        process.exit(130);
      }
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
