import type { Command } from 'commander'
import { firstDivergence } from '../../runtime/trace/diff.ts'
import { formatDivergence } from '../../runtime/trace/format.ts'
import { formatDuration, parseDuration, type Micros } from '../../runtime/time.ts'
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../exitCodes.ts'
import { fail } from '../fail.ts'
import { invocation, shellQuote } from '../invocation.ts'
import { loadScenarioOrExit } from '../loadScenarioOrExit.ts'
import { runOnce } from '../runOnce.ts'
import { formatSummary } from '../summary.ts'
import { reportJson } from '../reportJson.ts'

interface SimFlags {
  seed?: string
  duration?: string
  json?: boolean
  trace?: string
  checkDeterminism?: boolean
  progress?: boolean
}

export const registerSim = (program: Command): void => {
  program
    .command('sim')
    .description('run a scenario as a deterministic simulation of the whole network and judge it with its checks')
    .argument('<scenario>', 'scenario YAML file (see docs/scenario-format.md)')
    .option('-s, --seed <n>', "seed for every random draw (default: the scenario's seed)")
    .option('-d, --duration <time>', "simulated time to run, e.g. 90s or 5m (default: the scenario's duration)")
    .option('--json', 'print one JSON object on stdout and nothing else')
    .option('-t, --trace <file>', 'write the run\'s trace (replay it with `strata replay FILE`)')
    .option('--check-determinism', 'run twice with the same seed and compare the traces event by event')
    .option('--no-progress', 'never draw the progress line on stderr')
    .addHelpText(
      'after',
      `
Exit codes: 0 every check passed · 1 a check failed (or --check-determinism found a divergence) · 2 bad input.
Examples:
  strata sim scenarios/reference.yaml
  strata sim scenarios/membership-partition.yaml --seed 7 --trace run.trace
  strata sim scenarios/reference.yaml --json | jq .traceHash`,
    )
    .action((path: string, flags: SimFlags) => simAction(path, flags))
}

const parseSeed = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined
  const seed = Number(text)
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) return fail(`--seed must be an integer in [0, 2^32), got "${text}"`, EXIT_BAD_INPUT)
  return seed
}

const parseDurationFlag = (text: string | undefined): Micros | undefined => {
  if (text === undefined) return undefined
  const duration = parseDuration(text)
  if (duration === undefined || duration <= 0) return fail(`--duration must be a positive duration such as 30s or 2m, got "${text}"`, EXIT_BAD_INPUT)
  return duration
}

const simAction = (path: string, flags: SimFlags): void => {
  const scenario = loadScenarioOrExit({ path })
  const seed = parseSeed(flags.seed) ?? scenario.seed
  const duration = parseDurationFlag(flags.duration)
  const showProgress = flags.progress !== false && process.stderr.isTTY === true
  const reproduce = [invocation(), 'sim', shellQuote(path), '--seed', String(seed), ...(flags.duration === undefined ? [] : ['--duration', shellQuote(flags.duration)])].join(' ')
  const base = { seed, ...(duration === undefined ? {} : { duration }), keepEvents: flags.checkDeterminism === true, progress: showProgress }
  const first = runOnce(scenario, { ...base, ...(flags.trace === undefined ? {} : { traceFile: flags.trace }), label: flags.checkDeterminism ? 'run 1/2' : 'simulating' })
  let determinism: { identical: boolean; text?: string } | undefined
  if (flags.checkDeterminism === true) {
    const second = runOnce(scenario, { ...base, label: 'run 2/2' })
    const divergence = firstDivergence(first.recorder.events(), second.recorder.events())
    determinism =
      divergence === undefined
        ? { identical: true }
        : { identical: false, text: formatDivergence(divergence, ['run 1', 'run 2']) }
  }
  const traceHash = first.recorder.hash()
  const { report } = first
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(reportJson(report, { traceHash, reproduce, ...(determinism === undefined ? {} : { determinism: { identical: determinism.identical } }) }))}\n`)
  } else {
    process.stdout.write(`${formatSummary(report, { traceHash, ...(flags.trace === undefined ? {} : { traceFile: flags.trace }), reproduce })}\n`)
    if (determinism !== undefined) {
      process.stdout.write(
        determinism.identical
          ? `determinism: two runs with seed ${seed} produced identical traces (${first.recorder.count().toLocaleString('en-US')} events, ${formatDuration(report.duration)} simulated)\n`
          : `determinism: the two runs DIVERGED — a determinism leak (wall clock, Math.random, unordered iteration?)\n${determinism.text}\n`,
      )
    }
  }
  const ok = report.passed && determinism?.identical !== false
  process.exitCode = ok ? EXIT_OK : EXIT_CHECK_FAILED
}
