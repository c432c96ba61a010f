/** Ends the command: one clear line on stderr, then what to do about it, then the exit code. */
export const fail = (problem: string, exitCode: number, hint?: string): never => {
  process.stderr.write(`strata: ${problem}\n`)
  if (hint !== undefined) process.stderr.write(`  → ${hint}\n`)
  process.exit(exitCode)
}
