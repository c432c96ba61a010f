import '../src/runtime/process/engineFlags.ts'
import { membershipBenchmark } from './membership.ts'
import { processesBenchmark } from './processes.ts'
import { validatorsBenchmark } from './validators.ts'

/**
 * `npm run bench -- NAME [--json]`. Prints figures (never asserts on them): each
 * benchmark measures its baseline in the same run, so figures compare across machines.
 */
const benchmarks: Record<string, { describe: string; run: () => Record<string, unknown> | Promise<Record<string, unknown>> }> = {
  membership: { describe: '50-node membership simulation vs the bare event loop', run: membershipBenchmark },
  validators: { describe: '4, 16 and 64 validators with timeout_commit 0 vs the signature work of a height', run: validatorsBenchmark },
  processes: { describe: '4 validator processes over nats-server, timeout_commit 0, vs the NATS round trip', run: processesBenchmark },
}

/** One figure per line; a nested group of figures is indented under its name. */
const printFigures = (figures: Record<string, unknown>, indent: string): void => {
  for (const [key, value] of Object.entries(figures)) {
    if (typeof value === 'object' && value !== null) {
      process.stdout.write(`${indent}${key}\n`)
      printFigures(value as Record<string, unknown>, `${indent}  `)
    } else {
      process.stdout.write(`${indent}${key.padEnd(32 - indent.length)} ${typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 3 }) : String(value)}\n`)
    }
  }
}

const args = process.argv.slice(2)
const json = args.includes('--json')
const names = args.filter((a) => !a.startsWith('--'))
if (names.length === 0 || names.some((n) => benchmarks[n] === undefined)) {
  process.stderr.write(`usage: npm run bench -- <name> [--json]\n${Object.entries(benchmarks).map(([n, b]) => `  ${n.padEnd(12)} ${b.describe}`).join('\n')}\n`)
  process.exit(2)
}
for (const name of names) {
  const figures = await benchmarks[name]!.run()
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`)
  else {
    process.stdout.write(`${name}\n`)
    printFigures(figures, '  ')
  }
}
