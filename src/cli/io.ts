/** Where the CLI writes: human lines on stdout (`out`) and problems on stderr (`err`). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The process's own stdout and stderr. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
