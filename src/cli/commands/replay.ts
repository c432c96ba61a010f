import type { Command } from 'commander'
import { Either } from 'effect'
import { firstDivergence } from '../../runtime/trace/diff.ts'
import { isLiveTraceFile, readLiveTrace } from '../../runtime/live/liveTraceFile.ts'
import { readTraceFile } from '../../runtime/trace/file.ts'
import { formatDivergence } from '../../runtime/trace/format.ts'
import { codeVersion } from '../codeVersion.ts'
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../exitCodes.ts'
import { fail } from '../fail.ts'
import { loadScenarioOrExit } from '../loadScenarioOrExit.ts'
import { runOnce } from '../runOnce.ts'
import { replayLiveAction } from './replayLive.ts'

export const registerReplay = (program: Command): void => {
  program
    .command('replay')
    .description('re-run a recorded trace and compare the new run with it event by event')
    .argument('<trace>', 'a trace written by `strata sim --trace` or a live run exported by `strata devnet record`')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .option('--no-progress', 'never draw the progress line on stderr')
    .addHelpText(
      'after',
      `
A simulation trace is re-run from its scenario and seed and compared event by event.
A live trace is fed to the simulator instead of a network model: every node's recorded
turns, at their recorded instants, and each actor's envelopes, reports and crashes are
compared with what it did live; then the safety checks run on the replayed reports.
Exit codes: 0 the replay matches (and the checks pass) · 1 it diverges, or a check fails · 2 unreadable trace.`,
    )
    .action((path: string, flags: { json?: boolean; progress?: boolean }) => replayAction(path, flags))
}

const replayAction = (path: string, flags: { json?: boolean; progress?: boolean }): void => {
  if (isLiveTraceFile(path)) {
    const live = readLiveTrace(path)
    if (Either.isLeft(live)) return fail(live.left.message, EXIT_BAD_INPUT, live.left.hint)
    return replayLiveAction(path, live.right, flags)
  }
  const read = readTraceFile(path)
  if (Either.isLeft(read)) return fail(read.left.message, EXIT_BAD_INPUT, 'pass a file written by `strata sim --trace FILE` or `strata devnet record --out FILE`')
  const recorded = read.right
  const { header } = recorded
  const scenario = loadScenarioOrExit({ path: header.scenario.path, text: header.scenario.text })
  const version = codeVersion()
  const warnings: string[] = []
  if (header.codeVersion !== version) warnings.push(`recorded with code ${header.codeVersion}, replaying with ${version}: a divergence may come from the code change`)
  if (recorded.truncated) warnings.push(`the trace is truncated (no footer): comparing the ${recorded.events.length} events it holds`)
  for (const w of warnings) process.stderr.write(`strata: warning: ${w}\n`)
  const { recorder } = runOnce(scenario, {
    seed: header.seed,
    ...(header.duration === undefined ? {} : { duration: header.duration }),
    keepEvents: true,
    progress: flags.progress !== false && process.stderr.isTTY === true,
    label: 'replaying',
  })
  const replayed = recorder.events()
  const against = recorded.truncated ? replayed.slice(0, recorded.events.length) : replayed
  const divergence = firstDivergence(recorded.events, against)
  const result = {
    trace: path,
    seed: header.seed,
    events: recorded.events.length,
    recordedTraceHash: recorded.footer?.traceHash ?? null,
    replayedTraceHash: recorder.hash(),
    identical: divergence === undefined,
    ...(divergence === undefined ? {} : { firstDivergence: { index: divergence.index, recorded: divergence.a ?? null, replayed: divergence.b ?? null } }),
  }
  if (flags.json === true) process.stdout.write(`${JSON.stringify(result)}\n`)
  else if (divergence === undefined) {
    process.stdout.write(`replay of ${path} matches: ${recorded.events.length.toLocaleString('en-US')} events, trace hash ${recorder.hash()}\n`)
  } else {
    process.stdout.write(`replay of ${path} DIVERGES\n${formatDivergence(divergence, ['recorded', 'replayed'])}\n`)
  }
  process.exitCode = divergence === undefined ? EXIT_OK : EXIT_CHECK_FAILED
}
