/** Where the CLI writes: human lines on stdout (`out`) and problems on stderr (`err`). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /**
   * Writes a chunk to stdout as is and resolves once it may take more (backpressure), for
   * streamed output such as `scimd audit export`; falls back to `out` when absent.
   */
  write?(chunk: string): Promise<void>;
}

let pipeGuarded = false;

/** `scimd … | head` closes stdout early: stop quietly, as Unix tools do, instead of crashing on EPIPE. */
function stdout(): NodeJS.WriteStream {
  if (!pipeGuarded) {
    pipeGuarded = true;
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? 0);
    });
  }
  return process.stdout;
}

/** The process's own stdout and stderr. */
export const processIo: CliIo = {
  out: (line) => stdout().write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  write: (chunk) =>
    new Promise((resolve) => {
      if (stdout().write(chunk)) resolve();
      else process.stdout.once('drain', resolve);
    }),
};
